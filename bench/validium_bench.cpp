// The Validium's DA check: verify_availability of a committee's DA proof, with its baseline in the
// same run.
//
// The setup, built once per process outside any timing: a live validium whose committee is 16
// BIP-340 keys (secret_from_seed("BM_validium", i)) in ascending order with threshold 11, and 64
// DA proofs for batches 0..63 (data roots SHA-256 of the batch number), proof b signed by the 11
// distinct members b, b+1, ..., b+10 (mod 16), each entry a valid signature of the proof's
// da_digest. Each iteration takes the next proof in turn; items_per_second counts DA proofs.
//
//   BM_validium_da_check/reference: l2::ref::validium::apply_verify_availability (its own BIP-340
//     and SHA-256).
//   BM_validium_da_check/optimized: l2::opt::validium::apply_verify_availability on 1 thread.
//   BM_validium_da_check/optimized_2threads: the same on 2 TBB threads (one task per signer).
//   BM_validium_da_check/libsecp256k1: the proof's 11 signatures verified bare with
//     secp256k1_schnorrsig_verify on one thread, keys already parsed: the one-thread limit in
//     proofs/s (the verify rate / 11). The engine parses each signer's key too (lift_x, about a
//     tenth of a verification), hashes the digest and copies the contract (as the reference does).
// Every case is wall-clock (UseRealTime). Each applies the transition to the same pre-state, so no
// attestation accumulates between iterations.
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "bare_verify.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/opt/validium.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/validium.hpp"

namespace {

using l2::Hash32;
using l2::u64;
namespace validium = l2::ref::validium;
using l2::bench::BareSignature;

constexpr std::size_t committee_size = 16;
constexpr l2::u32 threshold = 11;
constexpr std::size_t proof_count = 64;

struct Setup {
  validium::Validium contract;
  std::vector<validium::VerifyAvailabilityInput> inputs;  // one per proof
  std::vector<BareSignature> bare;                        // the proofs' signatures, proof after proof
};

const Setup& setup() {
  static const Setup made = [] {
    Setup s;
    const l2::Bytes seed = l2::bytes_of("BM_validium");
    struct Member {
      Hash32 secret;
      Hash32 pubkey;
    };
    std::vector<Member> members;
    for (std::size_t i = 0; i < committee_size; ++i) {
      const Hash32 secret = l2::ref::bip340::secret_from_seed(seed, static_cast<l2::u32>(i));
      const auto pubkey = l2::opt::schnorr::pubkey_from_secret(secret);
      if (!pubkey) std::abort();  // a secret from secret_from_seed is always valid
      members.push_back(Member{secret, pubkey.value()});
    }
    std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.pubkey < b.pubkey; });

    s.contract.rollup.chain_id = 1;
    s.contract.rollup.rollup_id = l2::ref::sha256(l2::bytes_of("BM_validium rollup"));
    s.contract.rollup.data_mode = l2::ref::zk_rollup::DataMode::committee;
    for (const Member& m : members) s.contract.committee.members.push_back(m.pubkey);
    s.contract.committee.threshold = threshold;
    if (validium::check_committee(s.contract.committee) != l2::ValidiumError::none) std::abort();

    secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    for (u64 b = 0; b < proof_count; ++b) {
      validium::VerifyAvailabilityInput in{};
      in.proof.batch_number = b;
      in.proof.data_root = l2::ref::sha256(l2::bytes_of("BM_validium data " + std::to_string(b)));
      const Hash32 digest = validium::da_digest_of(s.contract, b, in.proof.data_root);
      for (std::size_t k = 0; k < threshold; ++k) {
        const Member& m = members[(b + k) % committee_size];
        const auto signature = l2::opt::schnorr::sign(m.secret, digest, Hash32{});
        if (!signature) std::abort();
        in.proof.signatures.push_back(validium::CommitteeSignature{m.pubkey, signature.value()});
        BareSignature bare{};
        if (secp256k1_xonly_pubkey_parse(context, &bare.key, m.pubkey.data()) != 1) std::abort();
        bare.digest = digest;
        bare.signature = signature.value();
        s.bare.push_back(bare);
      }
      s.inputs.push_back(std::move(in));
    }
    secp256k1_context_destroy(context);
    return s;
  }();
  return made;
}

enum class Backend { reference, optimized, optimized_2threads };

void BM_validium_da_check(benchmark::State& state, Backend backend) {
  const Setup& s = setup();
  const validium::Env env{1};
  std::size_t next = 0;
  std::size_t rejected = 0;
  for (auto _ : state) {
    const validium::VerifyAvailabilityInput& in = s.inputs[next];
    next = (next + 1) % s.inputs.size();
    const validium::Transition result =
        backend == Backend::reference
            ? validium::apply_verify_availability(s.contract, in, env)
            : l2::opt::validium::apply_verify_availability(s.contract, in, env,
                                                           backend == Backend::optimized_2threads ? 2u : 1u);
    rejected += result ? 0 : 1;
    benchmark::DoNotOptimize(result);
  }
  if (rejected != 0) state.SkipWithError("a valid DA proof was rejected");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_validium_da_check, reference, Backend::reference)->UseRealTime();
BENCHMARK_CAPTURE(BM_validium_da_check, optimized, Backend::optimized)->UseRealTime();
BENCHMARK_CAPTURE(BM_validium_da_check, optimized_2threads, Backend::optimized_2threads)->UseRealTime();

// The one-thread limit: a proof's 11 signatures verified bare per iteration.
void BM_validium_da_check_libsecp256k1(benchmark::State& state) {
  const Setup& s = setup();
  secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  std::size_t next = 0;
  std::size_t failures = 0;
  for (auto _ : state) {
    for (std::size_t k = 0; k < threshold; ++k) failures += l2::bench::bare_verify(context, s.bare[next + k]) ? 0 : 1;
    next = (next + threshold) % s.bare.size();
  }
  secp256k1_context_destroy(context);
  if (failures != 0) state.SkipWithError("a valid signature failed to verify");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_validium_da_check_libsecp256k1)->Name("BM_validium_da_check/libsecp256k1")->UseRealTime();

}  // namespace
