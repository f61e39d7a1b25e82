// The optimistic rollup's L1 verifier and its two heavy contract entry points on hostile inputs,
// differential: l2::opt::optimistic_rollup's verify_fraud_proof, apply_encoded_tx,
// apply_resolve_challenge and apply_submit_batch must give what l2::ref::optimistic_rollup's give (the
// same code, or the same effects), for any input, against two fixed contracts built once. In both,
// alice and bob deposit, alice asks for the forced exit of her account, and a batch built on an
// origin at which that request is overdue is posted with alice paying bob:
//   - "fraud": the root claimed after the payment is corrupted; the honest proof is a confirmed
//     invalid_transition (a transaction fault);
//   - "timeout": the roots are true but the forced exit is left unprocessed; the honest proof is a
//     confirmed timeout_violation on the forced-exit queue.
// Aborts on any disagreement.
// Input: the first byte picks the target and how the rest is read:
//   0      the rest decoded as a FraudProof (reflect::decode, strict), checked against both batches;
//   1..63  the rest, read as edits (two bytes of offset, one byte XORed there), applied to the fraud
//          batch's honest proof encoding, then decoded;
//   64..127 the same on the timeout batch's honest proof;
//   128..255 the same on the encoding of the fraud batch's SubmitBatchInput (before it was
//          submitted), then decoded and submitted to both.
// Editing a valid encoding keeps most inputs decodable, so they reach the re-execution or the
// commitment checks instead of stopping in the decoder, and a short input can edit any byte. For a proof that decodes, a challenge is
// opened with its evidence and resolved by both, besides the bare verifier.
#include <cstdlib>
#include <optional>
#include <vector>

#include "l2/opt/optimistic_rollup_contract.hpp"
#include "l2/opt/optimistic_rollup_fraud.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/ref/reflect.hpp"

namespace {

namespace reference = l2::ref::optimistic_rollup;
namespace optimized = l2::opt::optimistic_rollup;
using l2::Hash32;

// A posted batch, the honest proof against it, and the contract before it was submitted.
struct Target {
  reference::OptimisticRollup before;  // the contract the batch was submitted to
  reference::SubmitBatchInput submission;
  reference::Env submitted_at;
  reference::OptimisticRollup contract;  // after it
  reference::FraudProof honest;
  l2::Bytes honest_wire;
};

struct World {
  Target fraud;
  Target timeout;
  l2::Bytes submission_wire;
  Hash32 challenger;
};

Hash32 must_key(const Hash32& secret) {
  const auto key = l2::opt::schnorr::pubkey_from_secret(secret);
  if (!key.ok()) std::abort();
  return key.value();
}

template <class T>
T must(l2::Result<T, l2::OptimisticRollupError> result) {
  if (!result.ok()) std::abort();
  return std::move(result).value();
}

Target make_target(bool corrupt) {
  const l2::Bytes seed = l2::bytes_of("optimistic_rollup_fraud_fuzz");
  const Hash32 operator_secret = l2::ref::bip340::secret_from_seed(seed, 0);
  const Hash32 alice_secret = l2::ref::bip340::secret_from_seed(seed, 1);
  const Hash32 operator_key = must_key(operator_secret);
  const Hash32 alice_key = must_key(alice_secret);
  const Hash32 bob_key = must_key(l2::ref::bip340::secret_from_seed(seed, 2));
  const reference::RollupConfig config{4, 20, 10, 5, 10, 20, 2, 100, 1, 3, reference::StakeRequirements{1000, 50, 30}};
  reference::OptimisticRollup c = must(reference::deploy(reference::DeployInput{7, Hash32{0xcc}, operator_key, 0, config}));
  c = must(reference::apply_stake(c, {operator_key, 1000}, {1})).contract;
  c = must(reference::apply_deposit_new_account(c, {alice_key, alice_key, 1000}, {2})).contract;
  c = must(reference::apply_deposit_new_account(c, {bob_key, bob_key, 500}, {2})).contract;
  c = must(reference::apply_request_forced_exit(c, {alice_key, 1, Hash32{0xa1}, 3}, {3})).contract;

  const reference::L2Params params = reference::params_of(c);
  reference::Transfer pay{1, 2, 10, 1, 0, {}};
  pay.signature = l2::opt::schnorr::sign(alice_secret, reference::transfer_digest(params, pay), Hash32{}).value();
  const std::vector<reference::Transaction> txs{reference::make_transaction(reference::Deposit{0, 1, alice_key, 1000}),
                                                reference::make_transaction(reference::Deposit{1, 2, bob_key, 500}),
                                                reference::make_transaction(pay)};
  constexpr l2::u64 origin = 9;  // the request, recorded at 3, is overdue from 3 + 5 = 8 on
  const reference::L1Ids ids = reference::l1_ids_for_origin(c, origin);
  const reference::State genesis = reference::State::genesis(operator_key);
  auto executed = reference::execute_batch(params, ids.view(), genesis, txs, optimized::Bip340Check{});
  if (!executed.ok()) std::abort();
  std::vector<Hash32> roots = executed.value().state_roots;
  if (corrupt) roots.back()[0] ^= 0x01;  // the operator mints
  reference::Batch batch{reference::batch_header_for(c, txs, roots, origin), {}, txs, roots};
  batch.signature = l2::opt::schnorr::sign(operator_secret, reference::batch_id(batch.header), Hash32{}).value();
  Target t;
  t.before = c;
  t.submission = reference::SubmitBatchInput{operator_key, batch};
  t.submitted_at = reference::Env{origin + 1};
  t.contract = must(reference::apply_submit_batch(c, t.submission, t.submitted_at, optimized::Bip340Check{})).contract;
  const auto proof = reference::find_fraud(t.contract, t.contract.batches[0], batch, genesis, optimized::Bip340Check{});
  if (!proof || (corrupt ? !proof->transaction_fault : !proof->timeout_fault)) std::abort();
  t.honest = *proof;
  t.honest_wire = l2::reflect::encode(*proof);
  return t;
}

const World& world() {
  static const World made = [] {
    World w{make_target(true), make_target(false), {}, Hash32{0xc1}};
    w.submission_wire = l2::reflect::encode(w.fraud.submission);
    return w;
  }();
  return made;
}

bool same(const reference::Transition& a, const reference::Transition& b) {
  if (a.ok() != b.ok()) return false;
  if (!a.ok()) return a.error() == b.error();
  return l2::reflect::encode(a.value().contract) == l2::reflect::encode(b.value().contract) &&
         l2::reflect::encode(a.value().payouts) == l2::reflect::encode(b.value().payouts) &&
         a.value().resolutions == b.value().resolutions;
}

void check_proof(const Target& t, const Hash32& challenger, const reference::FraudProof& proof) {
  const reference::BatchRecord& record = t.contract.batches[0];
  // The challenge as opened for this proof (OR-FP-1 passes) and as opened for the honest one.
  for (const reference::FraudProofType type : {proof.proof_type, t.honest.proof_type}) {
    const reference::Challenge challenge{{}, record.batch_id, challenger, type, {}, 0, 0, 0};
    if (reference::verify_fraud_proof(t.contract, record, challenge, proof) !=
        optimized::verify_fraud_proof(t.contract, record, challenge, proof))
      std::abort();
  }
  if (proof.transaction_fault) {
    const reference::L1Ids ids = reference::l1_ids_at(t.contract, record);
    const reference::TransactionFault& f = *proof.transaction_fault;
    const auto a = reference::apply_encoded_tx(reference::params_of(t.contract), ids.view(), f.pre_state_root, f.witness,
                                               f.transaction);
    const auto b = optimized::apply_encoded_tx(reference::params_of(t.contract), ids.view(), f.pre_state_root,
                                               f.witness, f.transaction);
    if (a.ok() != b.ok() || (a.ok() ? a.value() != b.value() : a.error() != b.error())) std::abort();
  }
  // Committed to, opened (when the contract takes the commitment) and revealed a block later.
  const Hash32 evidence = reference::evidence_commitment(challenger, proof);
  const auto opened = reference::apply_open_challenge(
      t.contract, {challenger, record.batch_id, proof.proof_type, evidence, 100}, reference::Env{record.submitted_at + 1});
  if (!opened.ok()) return;  // data_withholding (OR-CHAL-4): nothing to resolve
  const reference::ResolveChallengeInput in{Hash32{0x77}, reference::challenge_id(challenger, evidence), proof};
  const reference::Env env{record.submitted_at + 2};
  if (!same(reference::apply_resolve_challenge(opened.value().contract, in, env),
            optimized::apply_resolve_challenge(opened.value().contract, in, env)))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const World& w = world();
  if (size == 0) return 0;
  // Each 3 bytes (offset high, offset low, mask) XOR one byte anywhere in the encoding.
  const auto xor_onto = [&](const l2::Bytes& base) {
    l2::Bytes wire = base;
    for (std::size_t k = 1; k + 3 <= size; k += 3) {
      const std::size_t offset = (std::size_t{data[k]} << 8) | data[k + 1];
      wire[offset % wire.size()] ^= data[k + 2];
    }
    return wire;
  };
  if (data[0] >= 128) {
    const auto decoded = l2::reflect::decode<reference::SubmitBatchInput>(xor_onto(w.submission_wire));
    if (!decoded) return 0;
    const Target& t = w.fraud;
    for (const l2::u64 height : {t.submitted_at.height, t.submitted_at.height + 20}) {
      if (!same(reference::apply_submit_batch(t.before, decoded.value(), {height}),
                optimized::apply_submit_batch(t.before, decoded.value(), {height}, 1)))
        std::abort();
    }
    return 0;
  }
  l2::Bytes wire;
  if (data[0] == 0) {
    wire.assign(data + 1, data + size);
  } else {
    wire = xor_onto(data[0] < 64 ? w.fraud.honest_wire : w.timeout.honest_wire);
  }
  const auto decoded = l2::reflect::decode<reference::FraudProof>(wire);
  if (!decoded) return 0;
  check_proof(w.fraud, w.challenger, decoded.value());
  check_proof(w.timeout, w.challenger, decoded.value());
  return 0;
}
