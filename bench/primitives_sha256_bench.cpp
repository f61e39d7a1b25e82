// SHA-256 node hashing, one thread, every backend in one run:
//   BM_primitives_node_hash/<kernel>: Kernel::hash64_many over a buffer of 64-byte nodes (two
//     32-byte children), for every kernel in the build; a kernel this CPU lacks reports an error
//     instead of running.
//   BM_primitives_node_hash/openssl: SHA256_Init/Update/Final on each 64-byte node (OpenSSL uses
//     SHA-NI when the CPU has it); /openssl_evp: EVP_Digest one-shot, for information;
//     /reference: l2::ref::sha256.
//   BM_primitives_rfc6962_node/<kernel> and BM_primitives_tagged_node/<kernel>: the other two
//     batch shapes (0x01 || pair, and a BIP-340 tagged hash of a pair from its midstate).
// items_per_second counts nodes hashed.
#include <benchmark/benchmark.h>

// OpenSSL 3 deprecates SHA256_Init/Update/Final in favour of EVP, whose per-call overhead is larger;
// the low-level calls are the stronger baseline, so their deprecation warning is silenced here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <openssl/evp.h>
#include <openssl/sha.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "l2/opt/sha256.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/sha256.hpp"

namespace {

namespace opt = l2::opt::sha256;
using l2::u8;

// 8192 nodes: 512 KiB in, 256 KiB out, so the loop measures hashing, not DRAM.
constexpr std::size_t nodes_per_iteration = 8192;

const std::vector<u8>& node_inputs() {
  static const std::vector<u8> inputs = [] {
    std::mt19937_64 rng(64);
    std::vector<u8> bytes(64 * nodes_per_iteration);
    for (u8& b : bytes) b = static_cast<u8>(rng());
    return bytes;
  }();
  return inputs;
}

void count_nodes(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * nodes_per_iteration));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * nodes_per_iteration * 64));
}

bool skip_unless_supported(benchmark::State& state, const opt::Kernel& kernel) {
  if (kernel.supported()) return false;
  state.SkipWithError(("this CPU lacks " + std::string(kernel.required_isa)).c_str());
  return true;
}

void node_hash_kernel(benchmark::State& state, const opt::Kernel* kernel) {
  if (skip_unless_supported(state, *kernel)) return;
  const std::vector<u8>& in = node_inputs();
  std::vector<u8> out(32 * nodes_per_iteration);
  for (auto _ : state) {
    kernel->hash64_many(in.data(), out.data(), nodes_per_iteration);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  count_nodes(state);
}

void rfc6962_node_kernel(benchmark::State& state, const opt::Kernel* kernel) {
  if (skip_unless_supported(state, *kernel)) return;
  const std::vector<u8>& in = node_inputs();
  std::vector<u8> out(32 * nodes_per_iteration);
  for (auto _ : state) {
    kernel->rfc6962_node_many(in.data(), out.data(), nodes_per_iteration);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  count_nodes(state);
}

void tagged_node_kernel(benchmark::State& state, const opt::Kernel* kernel) {
  if (skip_unless_supported(state, *kernel)) return;
  const std::vector<u8>& in = node_inputs();
  std::vector<u8> out(32 * nodes_per_iteration);
  const opt::Midstate mid = opt::midstate_of_tag("L2/merkle/node");
  for (auto _ : state) {
    kernel->midstate64_many(mid, in.data(), out.data(), nodes_per_iteration);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  count_nodes(state);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
void node_hash_openssl(benchmark::State& state) {
  const std::vector<u8>& in = node_inputs();
  std::vector<u8> out(32 * nodes_per_iteration);
  for (auto _ : state) {
    for (std::size_t i = 0; i < nodes_per_iteration; ++i) {
      SHA256_CTX context;
      SHA256_Init(&context);
      SHA256_Update(&context, in.data() + 64 * i, 64);
      SHA256_Final(out.data() + 32 * i, &context);
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  count_nodes(state);
}
#pragma GCC diagnostic pop

void node_hash_openssl_evp(benchmark::State& state) {
  const std::vector<u8>& in = node_inputs();
  std::vector<u8> out(32 * nodes_per_iteration);
  const EVP_MD* sha256 = EVP_sha256();
  for (auto _ : state) {
    for (std::size_t i = 0; i < nodes_per_iteration; ++i)
      EVP_Digest(in.data() + 64 * i, 64, out.data() + 32 * i, nullptr, sha256, nullptr);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  count_nodes(state);
}

void node_hash_reference(benchmark::State& state) {
  const std::vector<u8>& in = node_inputs();
  std::vector<u8> out(32 * nodes_per_iteration);
  for (auto _ : state) {
    for (std::size_t i = 0; i < nodes_per_iteration; ++i) {
      const l2::Hash32 digest = l2::ref::sha256(std::span<const u8>(in.data() + 64 * i, 64));
      std::copy(digest.begin(), digest.end(), out.begin() + static_cast<std::ptrdiff_t>(32 * i));
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  count_nodes(state);
}

// Registration touches only the static kernel table, never CPUID: support is checked when a case runs.
bool register_benchmarks() {
  for (const opt::Kernel* kernel : opt::all_kernels())
    benchmark::RegisterBenchmark(("BM_primitives_node_hash/" + std::string(kernel->name)).c_str(), node_hash_kernel,
                                 kernel);
  benchmark::RegisterBenchmark("BM_primitives_node_hash/openssl", node_hash_openssl);
  benchmark::RegisterBenchmark("BM_primitives_node_hash/openssl_evp", node_hash_openssl_evp);
  benchmark::RegisterBenchmark("BM_primitives_node_hash/reference", node_hash_reference);
  for (const opt::Kernel* kernel : opt::all_kernels()) {
    benchmark::RegisterBenchmark(("BM_primitives_rfc6962_node/" + std::string(kernel->name)).c_str(),
                                 rfc6962_node_kernel, kernel);
    benchmark::RegisterBenchmark(("BM_primitives_tagged_node/" + std::string(kernel->name)).c_str(),
                                 tagged_node_kernel, kernel);
  }
  return true;
}

const bool registered = register_benchmarks();

}  // namespace
