// The baseline every signature-bound benchmark is measured against: bare libsecp256k1 BIP-340
// verification on one thread, with the key already parsed. Shared by the mechanisms' benchmarks so
// that each reports its fraction of the same limit, measured the same way.
#pragma once

#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include "l2/ref/bytes.hpp"
#include "l2/ref/schnorr.hpp"

namespace l2::bench {

// What the bare verify sees: the parsed key, the digest and the signature.
struct BareSignature {
  secp256k1_xonly_pubkey key;
  Hash32 digest;
  ref::bip340::Signature signature;
};

// One verification; false if the signature fails.
inline bool bare_verify(const secp256k1_context* context, const BareSignature& s) {
  return secp256k1_schnorrsig_verify(context, s.signature.data(), s.digest.data(), s.digest.size(), &s.key) == 1;
}

// Signatures verified bare, on the calling thread, after each engine iteration (timing paused): the
// limit is measured interleaved with the engine, so both see the same machine.
inline constexpr std::size_t calibration_sample = 256;

// Seconds taken by calibration_sample bare verifications starting at `first`.
inline double time_bare_verifies(const secp256k1_context* context, std::span<const BareSignature> signatures,
                                 std::size_t first) {
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < calibration_sample; ++i)
    benchmark::DoNotOptimize(bare_verify(context, signatures[(first + i) % signatures.size()]));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The body of a BM_<m>_verify/libsecp256k1 case: one bare verification per iteration.
inline void run_bare_verify(benchmark::State& state, std::span<const BareSignature> signatures) {
  secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  std::size_t next = 0;
  std::size_t failures = 0;
  for (auto _ : state) {
    const bool valid = bare_verify(context, signatures[next]);
    next = (next + 1) % signatures.size();
    failures += valid ? 0 : 1;
    benchmark::DoNotOptimize(valid);
  }
  secp256k1_context_destroy(context);
  if (failures != 0) state.SkipWithError("a valid signature failed to verify");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

}  // namespace l2::bench
