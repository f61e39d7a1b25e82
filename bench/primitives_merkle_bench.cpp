// Merkle engines against their baselines, in one run:
//   BM_primitives_rfc6962_root: the root over already-hashed leaves (leaf hashing excluded for
//     every backend), l2::opt::rfc6962 against a plain one-thread OpenSSL loop and the reference.
//   BM_primitives_smt_update: a batch of account updates into a populated sparse Merkle tree,
//     l2::opt::smt::Tree::apply_batch against the reference Tree's set() one slot at a time.
//   BM_primitives_rfc6962_verify_inclusion: checking 1024 inclusion proofs of one 2^16-leaf tree
//     (an exit game's or a bridge's batch), l2::opt::rfc6962::verify_inclusion_batch against a
//     one-thread OpenSSL loop over the same node hashes and the reference; the optimized cases
//     report their speed-up over both as counters measured in the same run.
//   BM_primitives_rfc6962_inclusion_proofs: generating those 1024 proofs, l2::opt::rfc6962::Tree
//     (with and without building the tree) against the reference.
//   BM_primitives_smt_verify_membership: checking 1024 membership proofs of a 2^16-account sparse
//     tree, l2::opt::smt::verify_membership_batch (32 levels in lockstep) and a loop of the
//     engine's single verify_membership against a loop of the reference's; the optimized cases
//     report their speed-up over the reference loop as a counter measured in the same run.
// Times are wall-clock (UseRealTime), since the optimized cases run on two threads.
#include <benchmark/benchmark.h>
#include <openssl/sha.h>

#include <algorithm>
#include <chrono>
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
#include "l2/opt/merkle_proofs.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/opt/sparse_merkle.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
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
// RFC 6962 inclusion proofs: 1024 proofs of leaves drawn at random from one 2^16-leaf tree, all
// valid, as an exit game or a bridge would check them.

constexpr std::size_t proof_tree_leaves = std::size_t{1} << 16;
constexpr std::int64_t proofs_per_batch = 1024;

struct InclusionWorkload {
  std::vector<std::uint64_t> indices;
  std::vector<std::vector<Hash32>> proofs;
  std::vector<l2::opt::rfc6962::InclusionClaim> claims;  // point into `proofs`
  Hash32 root{};
};

const InclusionWorkload& inclusion_workload() {
  static const InclusionWorkload workload = [] {
    InclusionWorkload built;
    const std::span<const Hash32> leaves =
        std::span<const Hash32>(leaf_hashes_for_bench(proof_tree_leaves)).first(proof_tree_leaves);
    const l2::opt::rfc6962::Tree tree(leaves);
    built.root = tree.root();
    std::mt19937_64 rng(1024);
    for (std::int64_t i = 0; i < proofs_per_batch; ++i) built.indices.push_back(rng() % proof_tree_leaves);
    for (const std::uint64_t index : built.indices) built.proofs.push_back(tree.inclusion_proof(index).value());
    for (std::size_t i = 0; i < built.indices.size(); ++i)
      built.claims.push_back({built.indices[i], proof_tree_leaves, leaves[built.indices[i]], built.proofs[i], built.root});
    return built;
  }();
  return workload;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
// The same checks and the same node hashes as the engine, one proof at a time, each node through
// OpenSSL's SHA-256: the length check, then RFC 9162 section 2.1.3.2's loop.
l2::PrimitiveError openssl_verify_inclusion(const l2::opt::rfc6962::InclusionClaim& claim) {
  if (claim.index >= claim.tree_size) return l2::PrimitiveError::merkle_index_out_of_range;
  if (claim.proof.size() != l2::ref::rfc6962::inclusion_proof_length(claim.index, claim.tree_size))
    return l2::PrimitiveError::merkle_proof_length;
  const u8 node_prefix = 0x01;
  auto node = [&](const Hash32& left, const Hash32& right) {
    SHA256_CTX context;
    SHA256_Init(&context);
    SHA256_Update(&context, &node_prefix, 1);
    SHA256_Update(&context, left.data(), 32);
    SHA256_Update(&context, right.data(), 32);
    Hash32 parent{};
    SHA256_Final(parent.data(), &context);
    return parent;
  };
  std::uint64_t position = claim.index;
  std::uint64_t last = claim.tree_size - 1;
  Hash32 hash = claim.leaf_hash;
  for (const Hash32& sibling : claim.proof) {
    if ((position & 1) == 1 || position == last) {
      hash = node(sibling, hash);
      while ((position & 1) == 0 && position != 0) {
        position >>= 1;
        last >>= 1;
      }
    } else {
      hash = node(hash, sibling);
    }
    position >>= 1;
    last >>= 1;
  }
  return hash == claim.root ? l2::PrimitiveError::none : l2::PrimitiveError::merkle_root_mismatch;
}
#pragma GCC diagnostic pop

enum class VerifyBackend { reference, openssl_loop, optimized_single_loop, optimized_batch_1thread, optimized_batch_2threads };

// Verifies the whole workload once; returns how many proofs were accepted.
std::size_t verify_workload(VerifyBackend backend, std::span<l2::PrimitiveError> results) {
  const auto& claims = inclusion_workload().claims;
  switch (backend) {
    case VerifyBackend::reference:
      for (std::size_t i = 0; i < claims.size(); ++i)
        results[i] = l2::ref::rfc6962::verify_inclusion(claims[i].index, claims[i].tree_size, claims[i].leaf_hash,
                                                        claims[i].proof, claims[i].root);
      break;
    case VerifyBackend::openssl_loop:
      for (std::size_t i = 0; i < claims.size(); ++i) results[i] = openssl_verify_inclusion(claims[i]);
      break;
    case VerifyBackend::optimized_single_loop:
      for (std::size_t i = 0; i < claims.size(); ++i)
        results[i] = l2::opt::rfc6962::verify_inclusion(claims[i].index, claims[i].tree_size, claims[i].leaf_hash,
                                                        claims[i].proof, claims[i].root);
      break;
    case VerifyBackend::optimized_batch_1thread: l2::opt::rfc6962::verify_inclusion_batch(claims, results, 1); break;
    case VerifyBackend::optimized_batch_2threads: l2::opt::rfc6962::verify_inclusion_batch(claims, results, 2); break;
  }
  return static_cast<std::size_t>(std::count(results.begin(), results.end(), l2::PrimitiveError::none));
}

// Seconds per proof of verify_all(results), which checks results.size() proofs: at least 0.3 s of
// work, in this run.
template <class VerifyAll>
double measured_seconds_per_proof(std::size_t proof_count, const VerifyAll& verify_all) {
  std::vector<l2::PrimitiveError> results(proof_count);
  std::size_t proofs = 0;
  const auto start = std::chrono::steady_clock::now();
  double seconds = 0;
  while (seconds < 0.3) {
    verify_all(std::span<l2::PrimitiveError>(results));
    proofs += results.size();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return seconds / static_cast<double>(proofs);
}

// Seconds per proof of a baseline, measured in this run and kept, so the optimized cases can
// report their speed-up over it as a counter.
double baseline_seconds_per_proof(VerifyBackend baseline) {
  static std::map<VerifyBackend, double> measured;
  if (const auto found = measured.find(baseline); found != measured.end()) return found->second;
  return measured[baseline] = measured_seconds_per_proof(
             inclusion_workload().claims.size(),
             [baseline](std::span<l2::PrimitiveError> results) { verify_workload(baseline, results); });
}

void BM_primitives_rfc6962_verify_inclusion(benchmark::State& state, VerifyBackend backend) {
  std::vector<l2::PrimitiveError> results(inclusion_workload().claims.size());
  std::size_t rejected = 0;
  double seconds = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    rejected += results.size() - verify_workload(backend, results);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    benchmark::DoNotOptimize(results.data());
  }
  if (rejected != 0) state.SkipWithError("a valid proof was rejected");
  const auto proofs = static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(results.size());
  state.SetItemsProcessed(proofs);
  if (backend != VerifyBackend::reference && backend != VerifyBackend::openssl_loop && proofs > 0) {
    const double seconds_per_proof = seconds / static_cast<double>(proofs);
    state.counters["x_openssl_loop"] = baseline_seconds_per_proof(VerifyBackend::openssl_loop) / seconds_per_proof;
    state.counters["x_reference"] = baseline_seconds_per_proof(VerifyBackend::reference) / seconds_per_proof;
    state.SetLabel("kernel=" + std::string(l2::opt::default_merkle_kernel().name));
  }
}

BENCHMARK_CAPTURE(BM_primitives_rfc6962_verify_inclusion, reference, VerifyBackend::reference)
    ->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_primitives_rfc6962_verify_inclusion, openssl_loop, VerifyBackend::openssl_loop)
    ->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_primitives_rfc6962_verify_inclusion, optimized_single_loop, VerifyBackend::optimized_single_loop)
    ->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_primitives_rfc6962_verify_inclusion, optimized_batch_1thread,
                  VerifyBackend::optimized_batch_1thread)
    ->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_primitives_rfc6962_verify_inclusion, optimized_batch_2threads,
                  VerifyBackend::optimized_batch_2threads)
    ->UseRealTime()->Unit(benchmark::kMicrosecond);

// The lockstep batch through each kernel this CPU supports, one thread.
void BM_primitives_rfc6962_verify_inclusion_kernel(benchmark::State& state, const l2::opt::sha256::Kernel* kernel) {
  const auto& claims = inclusion_workload().claims;
  std::vector<l2::PrimitiveError> results(claims.size());
  for (auto _ : state) {
    l2::opt::rfc6962::verify_inclusion_batch(*kernel, claims, results, 1);
    benchmark::DoNotOptimize(results.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(claims.size()));
}

const bool verify_kernel_cases_registered = [] {
  for (const l2::opt::sha256::Kernel* kernel : l2::opt::sha256::supported_kernels()) {
    benchmark::RegisterBenchmark(
        ("BM_primitives_rfc6962_verify_inclusion/optimized_batch_1thread_" + std::string(kernel->name)).c_str(),
        BM_primitives_rfc6962_verify_inclusion_kernel, kernel)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

// Generating the proofs: the reference recomputes the subtree roots of every proof (about 2n
// hashes each), so it generates a few; the engine hashes the tree once (tree_and_proofs) and then
// reads every proof from its levels (proofs_of_built_tree).
enum class ProofsBackend { reference, optimized_tree_and_proofs, optimized_proofs_of_built_tree };

void BM_primitives_rfc6962_inclusion_proofs(benchmark::State& state, ProofsBackend backend) {
  const auto proof_count = static_cast<std::size_t>(state.range(0));
  const std::span<const Hash32> leaves =
      std::span<const Hash32>(leaf_hashes_for_bench(proof_tree_leaves)).first(proof_tree_leaves);
  const std::span<const std::uint64_t> indices = std::span<const std::uint64_t>(inclusion_workload().indices).first(proof_count);
  const l2::opt::rfc6962::Tree built(leaves, 1);
  for (auto _ : state) {
    switch (backend) {
      case ProofsBackend::reference:
        for (const std::uint64_t index : indices) benchmark::DoNotOptimize(l2::ref::rfc6962::inclusion_proof(leaves, index));
        break;
      case ProofsBackend::optimized_tree_and_proofs: {
        const l2::opt::rfc6962::Tree tree(leaves, 1);
        benchmark::DoNotOptimize(tree.inclusion_proofs(indices));
        break;
      }
      case ProofsBackend::optimized_proofs_of_built_tree: benchmark::DoNotOptimize(built.inclusion_proofs(indices)); break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(proof_count));
  if (backend != ProofsBackend::reference)
    state.SetLabel("kernel=" + std::string(l2::opt::default_merkle_kernel().name));
}

BENCHMARK_CAPTURE(BM_primitives_rfc6962_inclusion_proofs, reference, ProofsBackend::reference)
    ->Arg(4)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_primitives_rfc6962_inclusion_proofs, optimized_tree_and_proofs,
                  ProofsBackend::optimized_tree_and_proofs)
    ->Arg(proofs_per_batch)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_primitives_rfc6962_inclusion_proofs, optimized_proofs_of_built_tree,
                  ProofsBackend::optimized_proofs_of_built_tree)
    ->Arg(proofs_per_batch)->UseRealTime()->Unit(benchmark::kMicrosecond);

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

// ---------------------------------------------------------------------------------------------
// Sparse Merkle tree membership proofs: 1024 random accounts of a tree of 2^16 dense accounts,
// opened by the engine's tree (whose proofs are the reference's, per the differential tests).

constexpr std::size_t membership_tree_accounts = std::size_t{1} << 16;

struct MembershipWorkload {
  std::vector<l2::opt::smt::MembershipClaim> claims;
  std::vector<l2::ref::smt::Proof> reference_proofs;  // the same proofs, as the reference's type
};

const MembershipWorkload& membership_workload() {
  static const MembershipWorkload workload = [] {
    MembershipWorkload built;
    SmtWorkload accounts = make_smt_workload(membership_tree_accounts, 0);
    l2::opt::smt::Tree tree;
    tree.apply_batch(accounts.initial, 2);
    std::mt19937_64 rng(1024);
    for (std::int64_t i = 0; i < proofs_per_batch; ++i) {
      const auto index = static_cast<l2::opt::smt::Index>(rng() % membership_tree_accounts);
      const l2::opt::smt::Proof proof = tree.prove(index);
      built.claims.push_back({tree.root(), proof, *tree.get(index)});
      built.reference_proofs.push_back({proof.index, proof.siblings});
    }
    return built;
  }();
  return workload;
}

enum class MembershipBackend { reference_loop, optimized_single_loop, optimized_batch_1thread, optimized_batch_2threads };

void verify_memberships(MembershipBackend backend, std::span<l2::PrimitiveError> results) {
  const MembershipWorkload& workload = membership_workload();
  const auto& claims = workload.claims;
  switch (backend) {
    case MembershipBackend::reference_loop:
      for (std::size_t i = 0; i < claims.size(); ++i)
        results[i] = l2::ref::smt::verify_membership(claims[i].root, workload.reference_proofs[i], claims[i].value);
      break;
    case MembershipBackend::optimized_single_loop:
      for (std::size_t i = 0; i < claims.size(); ++i)
        results[i] = l2::opt::smt::verify_membership(claims[i].root, claims[i].proof, claims[i].value);
      break;
    case MembershipBackend::optimized_batch_1thread: l2::opt::smt::verify_membership_batch(claims, results, 1); break;
    case MembershipBackend::optimized_batch_2threads: l2::opt::smt::verify_membership_batch(claims, results, 2); break;
  }
}

void BM_primitives_smt_verify_membership(benchmark::State& state, MembershipBackend backend) {
  std::vector<l2::PrimitiveError> results(membership_workload().claims.size());
  std::size_t rejected = 0;
  double seconds = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    verify_memberships(backend, results);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rejected += static_cast<std::size_t>(results.size() - std::count(results.begin(), results.end(), l2::PrimitiveError::none));
    benchmark::DoNotOptimize(results.data());
  }
  if (rejected != 0) state.SkipWithError("a valid proof was rejected");
  const auto proofs = static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(results.size());
  state.SetItemsProcessed(proofs);
  if (backend != MembershipBackend::reference_loop && proofs > 0) {
    static const double reference_seconds_per_proof =
        measured_seconds_per_proof(results.size(), [](std::span<l2::PrimitiveError> out) {
          verify_memberships(MembershipBackend::reference_loop, out);
        });
    state.counters["x_reference"] = reference_seconds_per_proof / (seconds / static_cast<double>(proofs));
    state.SetLabel("kernel=" + std::string(l2::opt::default_merkle_kernel().name));
  }
}

BENCHMARK_CAPTURE(BM_primitives_smt_verify_membership, reference_loop, MembershipBackend::reference_loop)
    ->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_primitives_smt_verify_membership, optimized_single_loop, MembershipBackend::optimized_single_loop)
    ->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_primitives_smt_verify_membership, optimized_batch_1thread,
                  MembershipBackend::optimized_batch_1thread)
    ->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_primitives_smt_verify_membership, optimized_batch_2threads,
                  MembershipBackend::optimized_batch_2threads)
    ->UseRealTime()->Unit(benchmark::kMicrosecond);

// The lockstep batch through each kernel this CPU supports, one thread.
void BM_primitives_smt_verify_membership_kernel(benchmark::State& state, const l2::opt::sha256::Kernel* kernel) {
  const auto& claims = membership_workload().claims;
  std::vector<l2::PrimitiveError> results(claims.size());
  for (auto _ : state) {
    l2::opt::smt::verify_membership_batch(*kernel, claims, results, 1);
    benchmark::DoNotOptimize(results.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(claims.size()));
}

const bool smt_verify_kernel_cases_registered = [] {
  for (const l2::opt::sha256::Kernel* kernel : l2::opt::sha256::supported_kernels()) {
    benchmark::RegisterBenchmark(
        ("BM_primitives_smt_verify_membership/optimized_batch_1thread_" + std::string(kernel->name)).c_str(),
        BM_primitives_smt_verify_membership_kernel, kernel)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

}  // namespace
