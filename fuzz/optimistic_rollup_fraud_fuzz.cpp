// Fraud-proof verification on hostile proofs, differential: l2::opt::verify_fraud_proof (the
// reference's rules with libsecp256k1) must give the code l2::ref::optimistic_rollup::
// verify_fraud_proof gives, for any proof, against one fixed contract and batch built once: alice
// and bob deposit, alice pays bob, and the root claimed after the payment is corrupted, so the
// honest proof is a confirmed invalid_transition. Aborts on any disagreement.
// Input: a first byte 0 decodes the rest as a FraudProof (reflect::decode, strict); any other first
// byte XORs the rest onto the honest proof's encoding first, so most inputs reach the re-execution
// instead of stopping in the decoder.
#include <cstdlib>
#include <optional>
#include <vector>

#include "l2/opt/optimistic_rollup_fraud.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/ref/reflect.hpp"

namespace {

namespace orl = l2::ref::optimistic_rollup;
using l2::Hash32;

struct World {
  orl::OptimisticRollup contract;
  orl::FraudProof honest;
  l2::Bytes honest_wire;
};

Hash32 must_key(const Hash32& secret) {
  const auto key = l2::opt::schnorr::pubkey_from_secret(secret);
  if (!key.ok()) std::abort();
  return key.value();
}

const World& world() {
  static const World made = [] {
    const l2::Bytes seed = l2::bytes_of("optimistic_rollup_fraud_fuzz");
    const Hash32 operator_secret = l2::ref::bip340::secret_from_seed(seed, 0);
    const Hash32 alice_secret = l2::ref::bip340::secret_from_seed(seed, 1);
    const Hash32 operator_key = must_key(operator_secret);
    const Hash32 alice_key = must_key(alice_secret);
    const Hash32 bob_key = must_key(l2::ref::bip340::secret_from_seed(seed, 2));
    const orl::RollupConfig config{4, 20, 10, 5, 100, orl::StakeRequirements{1000, 50, 30}};
    orl::OptimisticRollup c = orl::deploy(7, Hash32{0xcc}, operator_key, 0, config).value();
    c = orl::apply_stake(c, {1000}, {1, operator_key}).value().contract;
    c = orl::apply_deposit_new_account(c, {alice_key, 1000}, {2, Hash32{0xaa}}).value().contract;
    c = orl::apply_deposit_new_account(c, {bob_key, 500}, {2, Hash32{0xaa}}).value().contract;

    const orl::L2Params params = orl::params_of(c);
    orl::Transfer pay{1, 2, 10, 1, 0, {}};
    pay.signature = l2::opt::schnorr::sign(alice_secret, orl::transfer_digest(params, pay), Hash32{}).value();
    const std::vector<orl::Transaction> txs{orl::make_transaction(orl::Deposit{0, 1, alice_key, 1000}),
                                            orl::make_transaction(orl::Deposit{1, 2, bob_key, 500}),
                                            orl::make_transaction(pay)};
    std::vector<Hash32> ids;
    for (const auto& d : c.deposits) ids.push_back(d.deposit_id);
    const orl::State genesis = orl::State::genesis(operator_key);
    auto executed = orl::execute_batch(params, orl::L1View{ids}, genesis, txs);
    if (!executed.ok()) std::abort();
    std::vector<Hash32> roots = executed.value().state_roots;
    roots.back()[0] ^= 0x01;  // the operator mints
    orl::Batch batch{orl::batch_header_for(c, txs, roots), {}, txs, roots};
    batch.signature = l2::opt::schnorr::sign(operator_secret, orl::batch_id(batch.header), Hash32{}).value();
    c = orl::apply_submit_batch(c, batch, {10, operator_key}).value().contract;

    const auto proof = orl::find_fraud(c, c.batches[0], batch, genesis);
    if (!proof) std::abort();
    return World{c, *proof, l2::reflect::encode(*proof)};
  }();
  return made;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const World& w = world();
  if (size == 0) return 0;
  l2::Bytes wire;
  if (data[0] == 0) {
    wire.assign(data + 1, data + size);
  } else {
    wire = w.honest_wire;
    for (std::size_t k = 1; k < size; ++k) wire[(k - 1) % wire.size()] ^= data[k];
  }
  const auto decoded = l2::reflect::decode<orl::FraudProof>(wire);
  if (!decoded) return 0;
  const orl::FraudProof& proof = decoded.value();
  const orl::BatchRecord& record = w.contract.batches[0];
  // The challenge as opened for this proof (OR-FP-1 passes) and as opened for the honest one.
  for (const orl::FraudProofType type : {proof.proof_type, w.honest.proof_type}) {
    const orl::Challenge challenge{{}, record.batch_id, Hash32{0xc1}, type, {}, 0, 0, 0};
    if (orl::verify_fraud_proof(w.contract, record, challenge, proof) !=
        l2::opt::verify_fraud_proof(w.contract, record, challenge, proof))
      std::abort();
  }
  return 0;
}
