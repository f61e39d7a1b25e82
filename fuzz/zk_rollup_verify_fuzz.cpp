// The reexecution backend's verifier on hostile proof bytes, differential:
// l2::opt::zk_rollup::verify must give l2::ref::zk_rollup::verify's code (none or the first
// failing ZK-RX rule) for any key, proof input and proof, on one thread and on two. Aborts on any
// disagreement. Both check signatures with libsecp256k1 (l2::opt::schnorr::verify, held to the
// reference's BIP-340 by its own tests), so the fuzzer spends its time in the decoder, the
// multiproof and the re-execution rather than in the reference's field arithmetic.
// The world, built once: a state of the fee account and five accounts (one at a far index), and
// an honest proof of two batches from it (a transfer, a withdrawal, an account-creating deposit that
// then pays, a forced exit; then a transfer to oneself).
// Input: the first byte picks how the rest is read:
//   0..31    the rest is the proof, checked against the honest proof input and key;
//   32..159  the rest, read as edits (two bytes of offset, one byte XORed there), applied to the
//            honest proof's bytes, checked against the honest proof input;
//   160..223 the same edits, then, if the result decodes, the proof input recomputed from its own
//            statements, so that the attack reaches ZK-RX-5..13;
//   224..255 the same as 160..223 under a key whose max_transactions is the byte after it.
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "l2/opt/schnorr.hpp"
#include "l2/opt/zk_rollup.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/zk_rollup.hpp"

namespace {

namespace reference = l2::ref::zk_rollup;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
using l2::Hash32;
using optimistic_rollup::Account;
using optimistic_rollup::Transaction;

struct LibsecpCheck {
  bool operator()(const Hash32& pubkey, const Hash32& digest, const optimistic_rollup::Signature& signature) const {
    return l2::opt::schnorr::verify(pubkey, digest, signature) == l2::PrimitiveError::none;
  }
};

Hash32 must_key(const Hash32& secret) {
  const auto key = l2::opt::schnorr::pubkey_from_secret(secret);
  if (!key.ok()) std::abort();
  return key.value();
}

l2::ByteArray<64> must_sign(const Hash32& secret, const Hash32& digest) {
  const auto signature = l2::opt::schnorr::sign(secret, digest, Hash32{});
  if (!signature.ok()) std::abort();
  return signature.value();
}

struct World {
  reference::VerifyingKey vk;
  Hash32 input{};
  l2::Bytes proof;
};

Hash32 input_of(const reference::ReexecutionProof& proof) {
  std::vector<Hash32> inputs;
  for (const reference::BatchWitness& w : proof.batches) inputs.push_back(reference::public_input(w.statement));
  return reference::proof_input(inputs);
}

const World& world() {
  static const World made = [] {
    const l2::Bytes seed = l2::bytes_of("zk_rollup_verify_fuzz");
    std::vector<Hash32> secrets;
    std::vector<Hash32> keys;
    for (l2::u32 i = 0; i < 5; ++i) {
      secrets.push_back(l2::ref::bip340::secret_from_seed(seed, i));
      keys.push_back(must_key(secrets.back()));
    }
    const optimistic_rollup::L2Params params{5, reference::rollup_id(5, Hash32{0xf0}, keys[0], 0)};
    optimistic_rollup::State state = optimistic_rollup::State::genesis(keys[0]);
    state.put(1, Account{5000, 0, keys[1]});
    state.put(2, Account{3000, 2, keys[2]});
    state.put(3, Account{0, 0, keys[3]});
    state.put(0x9000'0000u, Account{700, 1, keys[1]});
    state.set_counters(optimistic_rollup::Counters{4, 1});

    optimistic_rollup::Transfer pay{1, 2, 1000, 10, 0, {}};
    pay.signature = must_sign(secrets[1], optimistic_rollup::transfer_digest(params, pay));
    optimistic_rollup::Withdrawal out{2, Hash32{0xd2}, 500, 5, 2, {}};
    out.signature = must_sign(secrets[2], optimistic_rollup::withdrawal_digest(params, out));
    const optimistic_rollup::Deposit create{4, 7, keys[4], 900};
    optimistic_rollup::Transfer spend{7, 0x9000'0000u, 100, 1, 0, {}};
    spend.signature = must_sign(secrets[4], optimistic_rollup::transfer_digest(params, spend));
    const optimistic_rollup::ForcedExit leave{1, 0x9000'0000u, keys[1], Hash32{0xe1}, 800};
    optimistic_rollup::Transfer self{2, 2, 1, 0, 3, {}};
    self.signature = must_sign(secrets[2], optimistic_rollup::transfer_digest(params, self));

    World w;
    w.vk = reference::reexecution_verifying_key(8);
    const std::vector<reference::BatchToProve> batches{
        {0,
         {optimistic_rollup::make_transaction(pay), optimistic_rollup::make_transaction(out),
          optimistic_rollup::make_transaction(create), optimistic_rollup::make_transaction(spend),
          optimistic_rollup::make_transaction(leave)}},
        {1, {optimistic_rollup::make_transaction(self)}}};
    const auto proof = reference::reexecution_witnesses(params, w.vk, state, batches, LibsecpCheck{});
    if (!proof.ok()) std::abort();
    w.input = input_of(proof.value());
    w.proof = l2::reflect::encode(proof.value());
    if (reference::verify(w.vk, w.input, w.proof, LibsecpCheck{}) != l2::ZkRollupError::none) std::abort();
    return w;
  }();
  return made;
}

void check(const reference::VerifyingKey& vk, const Hash32& input, std::span<const l2::u8> proof) {
  const l2::ZkRollupError expected = reference::verify(vk, input, proof, LibsecpCheck{});
  for (const unsigned threads : {1u, 2u})
    if (l2::opt::zk_rollup::verify(vk, input, proof, threads) != expected) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const l2::u8* data, std::size_t size) {
  const World& w = world();
  if (size == 0) return 0;
  const l2::u8 mode = data[0];
  std::span<const l2::u8> rest(data + 1, size - 1);
  if (mode < 32) {
    check(w.vk, w.input, rest);
    return 0;
  }
  reference::VerifyingKey vk = w.vk;
  if (mode >= 224 && !rest.empty()) {
    vk = reference::reexecution_verifying_key(rest[0]);
    rest = rest.subspan(1);
  }
  l2::Bytes proof = w.proof;
  for (std::size_t at = 0; at + 3 <= rest.size(); at += 3) {
    const std::size_t offset = (std::size_t{rest[at]} << 8 | rest[at + 1]) % proof.size();
    proof[offset] ^= rest[at + 2];
  }
  Hash32 input = w.input;
  if (mode >= 160) {
    const auto decoded = l2::reflect::decode<reference::ReexecutionProof>(proof);
    if (decoded.ok()) input = input_of(decoded.value());
  }
  check(vk, input, proof);
  return 0;
}
