// Merkle engines against their baselines, in one run:
//   BM_primitives_rfc6962_root: the root over already-hashed leaves (leaf hashing excluded for
//     every backend), l2::opt::rfc6962 against a plain one-thread OpenSSL loop and the reference.
//   BM_primitives_smt_update: a batch of account updates into a populated sparse Merkle tree,
//     l2::opt::smt::Tree::apply_batch against the reference Tree's set() one slot at a time.
// Times are wall-clock (UseRealTime), since the optimized cases run on two threads.
#include <benchmark/benchmark.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "l2/opt/merkle.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/opt/sparse_merkle.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/sparse_merkle.hpp"

namespace {

using l2::Hash32;
using l2::u8;

Hash32 random_hash(std::mt19937_64& rng) {
  Hash32 hash{};
  for (u8& byte : hash) byte = static_cast<u8>(rng());
  return hash;
}

const std::vector<Hash32>& leaf_hashes_for_bench(std::size_t count) {
  static std::vector<Hash32> hashes;
  if (hashes.size() < count) {
    std::mt19937_64 rng(6962);
    hashes.resize(count);
    for (Hash32& hash : hashes) hash = random_hash(rng);
  }
  return hashes;
}

// The baseline a careful engineer writes without this project: OpenSSL's SHA-256 (which uses
// SHA-NI when the CPU has it), one node at a time, level by level, on one thread. The scratch
// level is allocated by the caller, outside the timed region.
// OpenSSL 3 deprecates the SHA256_* functions in favour of EVP, whose per-call overhead is larger;
// the low-level calls are the stronger baseline, so their deprecation warning is silenced here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
Hash32 openssl_rfc6962_root(std::span<const Hash32> leaf_hashes, std::vector<Hash32>& scratch) {
  if (leaf_hashes.empty()) {
    Hash32 empty_root{};
    SHA256(nullptr, 0, empty_root.data());
    return empty_root;
  }
  const u8 node_prefix = 0x01;
  const Hash32* level = leaf_hashes.data();
  std::size_t level_size = leaf_hashes.size();
  // Parent i overwrites slot i of the scratch only after reading slots 2i and 2i+1.
  while (level_size > 1) {
    const std::size_t pairs = level_size / 2;
    for (std::size_t i = 0; i < pairs; ++i) {
      SHA256_CTX context;
      SHA256_Init(&context);
      SHA256_Update(&context, &node_prefix, 1);
      SHA256_Update(&context, level[2 * i].data(), 64);
      SHA256_Final(scratch[i].data(), &context);
    }
    if (level_size % 2 == 1) scratch[pairs] = level[level_size - 1];
    level = scratch.data();
    level_size = (level_size + 1) / 2;
  }
  return level[0];
}
#pragma GCC diagnostic pop

enum class RootBackend { openssl_1thread, optimized_1thread, optimized_2threads, reference };

void BM_primitives_rfc6962_root(benchmark::State& state, RootBackend backend) {
  const auto leaf_count = static_cast<std::size_t>(state.range(0));
  const std::span<const Hash32> leaves = std::span<const Hash32>(leaf_hashes_for_bench(leaf_count)).first(leaf_count);
  std::vector<Hash32> scratch((leaf_count + 1) / 2);
  for (auto _ : state) {
    Hash32 root{};
    switch (backend) {
      case RootBackend::openssl_1thread: root = openssl_rfc6962_root(leaves, scratch); break;
      case RootBackend::optimized_1thread: root = l2::opt::rfc6962::root_from_leaf_hashes(leaves, 1); break;
      case RootBackend::optimized_2threads: root = l2::opt::rfc6962::root_from_leaf_hashes(leaves, 2); break;
      case RootBackend::reference: root = l2::ref::rfc6962::root_from_leaf_hashes(leaves); break;
    }
    benchmark::DoNotOptimize(root);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(leaf_count - 1));
  const bool optimized = backend == RootBackend::optimized_1thread || backend == RootBackend::optimized_2threads;
  state.SetLabel(optimized ? "kernel=" + std::string(l2::opt::default_merkle_kernel().name) : std::string());
}

// The same engine on one thread through each kernel this CPU supports: shows which kernel the
// dispatcher should prefer for the node batch.
void BM_primitives_rfc6962_root_kernel(benchmark::State& state, const l2::opt::sha256::Kernel* kernel) {
  const auto leaf_count = static_cast<std::size_t>(state.range(0));
  const std::span<const Hash32> leaves = std::span<const Hash32>(leaf_hashes_for_bench(leaf_count)).first(leaf_count);
  for (auto _ : state) benchmark::DoNotOptimize(l2::opt::rfc6962::root_from_leaf_hashes(*kernel, leaves, 1));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(leaf_count - 1));
}

constexpr std::int64_t big_tree = std::int64_t{1} << 20;
constexpr std::int64_t small_tree = std::int64_t{1} << 12;

BENCHMARK_CAPTURE(BM_primitives_rfc6962_root, openssl_1thread, RootBackend::openssl_1thread)
    ->Arg(big_tree)->Arg(small_tree)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_primitives_rfc6962_root, optimized_1thread, RootBackend::optimized_1thread)
    ->Arg(big_tree)->Arg(small_tree)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_primitives_rfc6962_root, optimized_2threads, RootBackend::optimized_2threads)
    ->Arg(big_tree)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_primitives_rfc6962_root, reference, RootBackend::reference)
    ->Arg(small_tree)->UseRealTime()->Unit(benchmark::kMillisecond);

const bool kernel_cases_registered = [] {
  for (const l2::opt::sha256::Kernel* kernel : l2::opt::sha256::supported_kernels()) {
    benchmark::RegisterBenchmark(("BM_primitives_rfc6962_root/optimized_1thread_" + std::string(kernel->name)).c_str(),
                                 BM_primitives_rfc6962_root_kernel, kernel)
        ->Arg(big_tree)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

// ---------------------------------------------------------------------------------------------
// Sparse Merkle tree: accounts sit at the dense indices 0 .. accounts-1 (account numbers handed
// out in order); a batch rewrites `updates` distinct random accounts. Two batches with different
// values alternate, so every iteration changes every slot it names.

struct SmtWorkload {
  std::vector<l2::opt::smt::Update> initial;
  std::vector<l2::opt::smt::Update> batches[2];
};

SmtWorkload make_smt_workload(std::size_t accounts, std::size_t updates) {
  std::mt19937_64 rng(accounts * 31 + updates);
  SmtWorkload workload;
  for (std::size_t i = 0; i < accounts; ++i)
    workload.initial.push_back({static_cast<l2::opt::smt::Index>(i), random_hash(rng)});
  std::vector<l2::opt::smt::Index> order(accounts);
  std::iota(order.begin(), order.end(), l2::opt::smt::Index{0});
  std::shuffle(order.begin(), order.end(), rng);
  for (auto& batch : workload.batches)
    for (std::size_t i = 0; i < updates; ++i) batch.push_back({order[i], random_hash(rng)});
  return workload;
}

enum class SmtBackend { optimized_batch_2threads, optimized_batch_1thread, reference };

// Google Benchmark calls a case several times while it sizes the run; a populated tree is built
// once per (backend, accounts, updates) and kept, with the parity of the next batch.
template <class Tree>
struct PopulatedTree {
  SmtWorkload workload;
  Tree tree;
  std::size_t round = 0;
};

template <class Tree, class Populate>
PopulatedTree<Tree>& populated_tree(std::size_t accounts, std::size_t updates, const Populate& populate) {
  static std::map<std::pair<std::size_t, std::size_t>, std::unique_ptr<PopulatedTree<Tree>>> cache;
  auto& entry = cache[{accounts, updates}];
  if (!entry) {
    entry = std::make_unique<PopulatedTree<Tree>>();
    entry->workload = make_smt_workload(accounts, updates);
    populate(entry->tree, entry->workload.initial);
  }
  return *entry;
}

void BM_primitives_smt_update(benchmark::State& state, SmtBackend backend) {
  const auto accounts = static_cast<std::size_t>(state.range(0));
  const auto updates = static_cast<std::size_t>(state.range(1));
  if (backend == SmtBackend::reference) {
    auto& populated = populated_tree<l2::ref::smt::Tree>(
        accounts, updates, [](l2::ref::smt::Tree& tree, const std::vector<l2::opt::smt::Update>& initial) {
          for (const auto& account : initial) tree.set(account.index, *account.value);
        });
    for (auto _ : state) {
      for (const auto& update : populated.workload.batches[populated.round++ % 2])
        populated.tree.set(update.index, *update.value);
      benchmark::DoNotOptimize(populated.tree.root());
    }
  } else {
    const unsigned threads = backend == SmtBackend::optimized_batch_2threads ? 2 : 1;
    // Both optimized cases share one tree: it is the same whichever thread count built it.
    auto& populated = populated_tree<l2::opt::smt::Tree>(
        accounts, updates, [](l2::opt::smt::Tree& tree, const std::vector<l2::opt::smt::Update>& initial) {
          tree.apply_batch(initial, 2);
        });
    for (auto _ : state) {
      populated.tree.apply_batch(populated.workload.batches[populated.round++ % 2], threads);
      benchmark::DoNotOptimize(populated.tree.root());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(updates));
  state.SetLabel("updates/s");
}

// The headline size for the engine, and a size the reference can populate in seconds (its
// sorted-vector levels make each insertion linear), run by both.
BENCHMARK_CAPTURE(BM_primitives_smt_update, optimized_batch, SmtBackend::optimized_batch_2threads)
    ->Args({1 << 20, 8192})->Args({1 << 16, 1024})->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_primitives_smt_update, optimized_batch_1thread, SmtBackend::optimized_batch_1thread)
    ->Args({1 << 20, 8192})->Args({1 << 16, 1024})->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_primitives_smt_update, reference, SmtBackend::reference)
    ->Args({1 << 16, 1024})->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
