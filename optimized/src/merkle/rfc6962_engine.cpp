// Optimized RFC 6962 Merkle tree hash: must match l2::ref::rfc6962::root_from_leaf_hashes and
// l2::ref::rfc6962::root bit for bit.
// Exploits the multi-buffer SHA-256 kernels (a whole level's contiguous child pairs go through
// rfc6962_node_many at once) and oneTBB threads across the pairs of each level.
#include <algorithm>
#include <climits>
#include <memory>
#include <vector>

#include "l2/opt/merkle.hpp"
#include "rfc6962_levels.hpp"

namespace l2::opt {

const sha256::Kernel& default_merkle_kernel() {
  const sha256::Selection& selected = sha256::selection();
  if (selected.kernel != nullptr) return *selected.kernel;
  return *sha256::all_kernels().front();
}

}  // namespace l2::opt

namespace l2::opt::rfc6962 {
namespace {

static_assert(sizeof(Hash32) == 32, "a level is hashed as one packed array of 32-byte nodes");

using sha256::Kernel;
using detail::empty_tree_root;
using detail::for_each_chunk;
using detail::hash_level;
using detail::with_threads;
using detail::worth_threads;

// About 0.1 to 0.5 ms of hashing per task, enough to amortize TBB's cost per task.
constexpr std::size_t pairs_per_task = 2048;
constexpr std::size_t min_parallel_pairs = 2 * pairs_per_task;
constexpr std::size_t leaves_per_task = 512;
constexpr u8 leaf_prefix = 0x00;

Hash32 reduce_levels(const Kernel& kernel, std::span<const Hash32> leaf_hashes, bool parallel) {
  const std::size_t leaf_count = leaf_hashes.size();
  if (leaf_count == 0) return empty_tree_root(kernel);
  if (leaf_count == 1) return leaf_hashes[0];
  // Two regions of one allocation, written in turn: a level is never written over the level it
  // reads, since kernels need not allow aliasing and parallel chunks would race.
  const std::size_t first_level_size = (leaf_count + 1) / 2;
  const std::size_t second_level_size = (first_level_size + 1) / 2;
  const auto scratch = std::make_unique_for_overwrite<Hash32[]>(first_level_size + second_level_size);
  Hash32* write_to = scratch.get();
  Hash32* write_next = scratch.get() + first_level_size;
  const Hash32* level = leaf_hashes.data();
  std::size_t level_size = leaf_count;
  while (level_size > 1) {
    hash_level(kernel, level, level_size, write_to, parallel);
    level = write_to;
    level_size = (level_size + 1) / 2;
    std::swap(write_to, write_next);
  }
  return level[0];
}

void hash_leaves(const Kernel& kernel, std::span<const std::span<const u8>> leaves, Hash32* out, bool parallel) {
  for_each_chunk(leaves.size(), leaves_per_task, parallel, [&](std::size_t begin, std::size_t end) {
    std::vector<u8> message;
    for (std::size_t i = begin; i < end; ++i) {
      message.assign(1, leaf_prefix);
      message.insert(message.end(), leaves[i].begin(), leaves[i].end());
      kernel.hash_one(message.data(), message.size(), out[i].data());
    }
  });
}

}  // namespace

namespace detail {

void hash_level(const Kernel& kernel, const Hash32* children, std::size_t child_count, Hash32* parents,
                bool parallel) {
  const std::size_t pair_count = child_count / 2;
  for_each_chunk(pair_count, pairs_per_task, parallel, [&](std::size_t begin, std::size_t end) {
    kernel.rfc6962_node_many(children[2 * begin].data(), parents[begin].data(), end - begin);
  });
  if (child_count % 2 == 1) parents[pair_count] = children[child_count - 1];
}

Hash32 empty_tree_root(const Kernel& kernel) {
  Hash32 digest{};
  const u8 no_data = 0;
  kernel.hash_one(&no_data, 0, digest.data());
  return digest;
}

bool worth_threads(std::size_t leaf_count) { return leaf_count / 2 >= min_parallel_pairs; }

}  // namespace detail

std::size_t parallel_min_pairs() { return min_parallel_pairs; }

Hash32 root_from_leaf_hashes(const Kernel& kernel, std::span<const Hash32> leaf_hashes, unsigned threads) {
  return with_threads(threads, worth_threads(leaf_hashes.size()),
                      [&](bool parallel) { return reduce_levels(kernel, leaf_hashes, parallel); });
}

Hash32 root_from_leaf_hashes(std::span<const Hash32> leaf_hashes, unsigned threads) {
  return root_from_leaf_hashes(default_merkle_kernel(), leaf_hashes, threads);
}

void leaf_hashes(const Kernel& kernel, std::span<const std::span<const u8>> leaves, std::span<Hash32> out,
                 unsigned threads) {
  if (out.size() != leaves.size()) return;
  with_threads(threads, leaves.size() >= 2 * leaves_per_task,
               [&](bool parallel) { hash_leaves(kernel, leaves, out.data(), parallel); });
}

Hash32 root(const Kernel& kernel, std::span<const std::span<const u8>> leaves, unsigned threads) {
  const bool big_enough = worth_threads(leaves.size()) || leaves.size() >= 2 * leaves_per_task;
  return with_threads(threads, big_enough, [&](bool parallel) {
    const auto hashes = std::make_unique_for_overwrite<Hash32[]>(leaves.size());
    hash_leaves(kernel, leaves, hashes.get(), parallel);
    return reduce_levels(kernel, std::span<const Hash32>(hashes.get(), leaves.size()),
                         parallel && worth_threads(leaves.size()));
  });
}

Hash32 root(std::span<const std::span<const u8>> leaves, unsigned threads) {
  return root(default_merkle_kernel(), leaves, threads);
}

Hash32 root(const Kernel& kernel, std::span<const Bytes> leaves, unsigned threads) {
  std::vector<std::span<const u8>> views(leaves.begin(), leaves.end());
  return root(kernel, std::span<const std::span<const u8>>(views), threads);
}

Hash32 root(std::span<const Bytes> leaves, unsigned threads) { return root(default_merkle_kernel(), leaves, threads); }

}  // namespace l2::opt::rfc6962
