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

// The engines a BM_<m>_update case times: a hub on two threads or one, or the reference.
enum class UpdateBackend { hub_2threads, hub_1thread, reference };

// The body of a BM_<m>_update/<backend> case: each iteration applies `updates_per_iteration`
// signed updates, through `run_hub(threads)` or `run_reference()` (each returns how many it
// rejected: none should be). For the hubs, `calibration_sample` bare verifications of
// `signatures` follow each iteration with the timing paused, and the case reports
// fraction_of_limit: the hub's update rate over the limit that threads x the one-thread verify
// rate, at `signatures_per_update` signatures per update, sets.
template <class RunHub, class RunReference>
void run_update_benchmark(benchmark::State& state, UpdateBackend backend, std::size_t updates_per_iteration,
                          std::size_t signatures_per_update, std::span<const BareSignature> signatures, RunHub run_hub,
                          RunReference run_reference) {
  const unsigned threads = backend == UpdateBackend::hub_2threads ? 2 : 1;
  secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  std::size_t rejected = 0;
  double hub_seconds = 0;
  double calibration_seconds = 0;
  std::size_t calibrated = 0;
  for (auto _ : state) {
    if (backend == UpdateBackend::reference) {
      rejected += run_reference();
      continue;
    }
    const auto start = std::chrono::steady_clock::now();
    rejected += run_hub(threads);
    hub_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.PauseTiming();
    calibration_seconds += time_bare_verifies(context, signatures, calibrated);
    calibrated += calibration_sample;
    state.ResumeTiming();
  }
  secp256k1_context_destroy(context);
  if (rejected != 0) state.SkipWithError("a valid update was rejected");
  const auto updates = static_cast<std::int64_t>(state.iterations() * updates_per_iteration);
  state.SetItemsProcessed(updates);
  if (backend != UpdateBackend::reference && calibration_seconds > 0 && hub_seconds > 0) {
    const double verify_rate = static_cast<double>(calibrated) / calibration_seconds;  // one thread
    const double limit = threads * verify_rate / static_cast<double>(signatures_per_update);
    state.counters["verify_per_s_1thread"] = verify_rate;
    state.counters["limit_updates_per_s"] = limit;
    state.counters["fraction_of_limit"] = static_cast<double>(updates) / hub_seconds / limit;
  }
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
