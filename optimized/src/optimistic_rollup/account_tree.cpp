// The optimistic-rollup engine's account tree: must match l2::ref::smt::Tree (root, prove) for the same slots
// bit for bit (reference/include/l2/ref/sparse_merkle.hpp): depth 32, leaf_hash, node_hash, empty
// leaves as 32 zero bytes and every empty subtree hashed.
// Exploits flat per-level arrays for the dense range [0, 2^dense_height), so that a node's two
// children are 64 contiguous bytes at a computed address (no lookup: a path update is 3 random
// cache lines per level at worst, and loads hash whole levels in one multi-buffer call), SHA-NI or
// the multi-buffer kernels through midstate64_many continuing the "L2/smt/node" tag's midstate
// (three nodes padded to a lockstep four), leaf hashes from the "L2/smt/leaf" midstate in one
// compression each (hashes.hpp), software prefetch of the next transaction's paths,
// transparent huge pages for the levels, and opt::smt::Tree for the slots above the dense range.
// spec: merkle.md#account-tree-sparse-merkle-tree
#include <algorithm>
#include <bit>
#include <cstring>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "l2/opt/merkle.hpp"
#include "l2/opt/optimistic_rollup.hpp"
#include "../threads.hpp"
#include "l2/ref/verify_check.hpp"
#include "hashes.hpp"

namespace l2::opt::optimistic_rollup {

namespace {

// Nodes per midstate64_many call in bulk work: a multiple of every kernel's lane count, small
// enough for the staging buffer to live on the stack.
constexpr std::size_t nodes_per_block = 64;
// Nodes per TBB task in bulk work.
constexpr std::size_t nodes_per_task = 4096;

template <class Body>
void for_each_chunk(std::size_t count, unsigned threads, const Body& body) {
  if (threads == 1 || count < 2 * nodes_per_task) {
    body(std::size_t{0}, count);
    return;
  }
  opt::detail::in_arena(threads, [&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, nodes_per_task),
                      [&](const tbb::blocked_range<std::size_t>& range) { body(range.begin(), range.end()); });
  });
}

// The updates in index order, the last one to each index only.
std::vector<smt::Update> last_write_per_index(std::span<const smt::Update> writes) {
  std::vector<smt::Update> sorted(writes.begin(), writes.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const smt::Update& a, const smt::Update& b) { return a.index < b.index; });
  std::vector<smt::Update> last;
  last.reserve(sorted.size());
  for (std::size_t i = 0; i < sorted.size(); ++i)
    if (i + 1 == sorted.size() || sorted[i + 1].index != sorted[i].index) last.push_back(sorted[i]);
  return last;
}

}  // namespace

AccountTree::AccountTree(const sha256::Kernel& kernel)
    : kernel_(&kernel), node_midstate_(detail::smt_node_tag().midstate), outer_(kernel) {
  empty_hashes_ = outer_.empty_subtree_hashes();
  pad_to_four_ = kernel_->name != "portable";
  levels_.assign(1, Level(1, empty_hashes_[0]));
  refresh_outer();
}

Hash32 AccountTree::leaf_hash(Index index, const std::optional<Hash32>& value) const {
  // spec: merkle.md#smt-leaf_hash; an empty slot's leaf hash is 32 zero bytes.
  if (!value) return empty_hashes_[0];
  const detail::Tail tail = detail::leaf_tail(index, *value);
  Hash32 digest;
  detail::finish(*kernel_, detail::smt_leaf_tag(), &tail, 1, &digest);
  return digest;
}

Hash32 AccountTree::node_hash(const Hash32& left, const Hash32& right) const {
  std::array<Hash32, 2> pair = {left, right};
  Hash32 digest;
  kernel_->midstate64_many(node_midstate_, pair[0].data(), digest.data(), 1);
  return digest;
}

void AccountTree::assign(unsigned dense_height, std::span<const smt::Update> entries, unsigned threads) {
  L2_VERIFY_CHECK(dense_height <= max_dense_height);
  dense_height_ = dense_height;
  levels_.assign(dense_height + 1, Level{});
  levels_[0].assign(dense_size(), empty_hashes_[0]);
  std::vector<smt::Update> outer_entries;
  std::vector<const smt::Update*> dense_entries;
  dense_entries.reserve(entries.size());
  for (const smt::Update& entry : entries) {
    if (entry.index < dense_size()) {
      dense_entries.push_back(&entry);
    } else {
      outer_entries.push_back(entry);
    }
  }
  for_each_chunk(dense_entries.size(), threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      levels_[0][dense_entries[i]->index] = leaf_hash(dense_entries[i]->index, dense_entries[i]->value);
  });
  // Level h is level h - 1 read as 64-byte pairs: one multi-buffer run per level.
  for (unsigned height = 1; height <= dense_height; ++height) {
    levels_[height].resize(dense_size() >> height);
    const Level& children = levels_[height - 1];
    Level& parents = levels_[height];
    for_each_chunk(parents.size(), threads, [&](std::size_t begin, std::size_t end) {
      kernel_->midstate64_many(node_midstate_, children[2 * begin].data(), parents[begin].data(), end - begin);
    });
  }
  outer_ = smt::Tree(*kernel_);
  outer_.apply_batch(outer_entries, threads);
  refresh_outer();
}

void AccountTree::grow_dense(unsigned dense_height, std::span<const smt::Update> moved) {
  L2_VERIFY_CHECK(dense_height >= dense_height_ && dense_height <= max_dense_height);
  if (dense_height == dense_height_) return;
  const unsigned old_height = dense_height_;
  dense_height_ = dense_height;
  // The old dense subtree becomes the leftmost subtree of the new one; everything beside it is
  // empty until the moved slots are written.
  levels_.resize(dense_height + 1);
  for (unsigned height = 0; height <= dense_height; ++height)
    levels_[height].resize(dense_size() >> height, empty_hashes_[height]);
  for (unsigned height = old_height + 1; height <= dense_height; ++height)
    levels_[height][0] = node_hash(levels_[height - 1][0], levels_[height - 1][1]);
  std::vector<smt::Update> erased;
  erased.reserve(moved.size());
  for (const smt::Update& slot : moved) erased.push_back(smt::Update{slot.index, std::nullopt});
  outer_.apply_batch(erased, 1);
  update_bulk(moved, 1);  // also refreshes the outer subtrees and the root
}

void AccountTree::rehash_paths(const Index* leaves, std::size_t count) {
  if (count == 0) return;
  std::array<Index, 3> prefixes{};
  std::copy(leaves, leaves + count, prefixes.begin());
  alignas(64) std::array<u8, 4 * 64> pairs{};
  std::array<Hash32, 4> hashes;
  for (unsigned height = 1; height <= dense_height_; ++height) {
    // The parents, sorted and distinct (the children were).
    std::size_t parents = 0;
    for (std::size_t k = 0; k < count; ++k) {
      const Index parent = prefixes[k] >> 1;
      if (parents == 0 || prefixes[parents - 1] != parent) prefixes[parents++] = parent;
    }
    count = parents;
    const Level& children = levels_[height - 1];
    for (std::size_t k = 0; k < count; ++k) std::memcpy(pairs.data() + 64 * k, children[2 * prefixes[k]].data(), 64);
    kernel_->midstate64_many(node_midstate_, pairs.data(), hashes[0].data(), count == 3 && pad_to_four_ ? 4 : count);
    Level& level = levels_[height];
    for (std::size_t k = 0; k < count; ++k) level[prefixes[k]] = hashes[k];
  }
}

void AccountTree::update(std::span<const smt::Update> writes) {
  if (writes.size() > 3) {
    update_bulk(writes, 1);
    return;
  }
  // The dense leaves written, sorted and distinct; the last write to each wins.
  std::array<Index, 3> leaves{};
  std::size_t count = 0;
  bool outer_written = false;
  // The leaf hashes of the values written, in lockstep; an erasure's is 32 zero bytes.
  std::array<detail::Tail, 3> tails;
  std::array<Hash32, 3> hashes;
  std::size_t hashed = 0;
  for (const smt::Update& write : writes)
    if (write.index < dense_size() && write.value) tails[hashed++] = detail::leaf_tail(write.index, *write.value);
  detail::finish(*kernel_, detail::smt_leaf_tag(), tails.data(), hashed, hashes.data());
  hashed = 0;
  for (const smt::Update& write : writes) {
    if (write.index >= dense_size()) {
      outer_written = true;
      continue;
    }
    levels_[0][write.index] = write.value ? hashes[hashed++] : empty_hashes_[0];
    if (std::find(leaves.begin(), leaves.begin() + static_cast<std::ptrdiff_t>(count), write.index) ==
        leaves.begin() + static_cast<std::ptrdiff_t>(count))
      leaves[count++] = write.index;
  }
  // Insertion sort: at most three elements.
  for (std::size_t i = 1; i < count; ++i)
    for (std::size_t j = i; j > 0 && leaves[j - 1] > leaves[j]; --j) std::swap(leaves[j - 1], leaves[j]);
  rehash_paths(leaves.data(), count);
  if (outer_written) {
    std::vector<smt::Update> outer_writes;
    for (const smt::Update& write : writes)
      if (write.index >= dense_size()) outer_writes.push_back(write);
    outer_.apply_batch(outer_writes, 1);
    refresh_outer();
  }
}

void AccountTree::update_bulk(std::span<const smt::Update> writes, unsigned threads) {
  std::vector<smt::Update> dense_writes;
  std::vector<smt::Update> outer_writes;
  for (const smt::Update& write : last_write_per_index(writes))
    (write.index < dense_size() ? dense_writes : outer_writes).push_back(write);
  for_each_chunk(dense_writes.size(), threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      levels_[0][dense_writes[i].index] = leaf_hash(dense_writes[i].index, dense_writes[i].value);
  });
  std::vector<Index> prefixes(dense_writes.size());  // sorted and distinct
  for (std::size_t i = 0; i < dense_writes.size(); ++i) prefixes[i] = dense_writes[i].index;
  for (unsigned height = 1; height <= dense_height_; ++height) {
    prefixes.erase(std::unique(prefixes.begin(), prefixes.end(), [](Index a, Index b) { return a >> 1 == b >> 1; }),
                   prefixes.end());
    for (Index& prefix : prefixes) prefix >>= 1;
    const Level& children = levels_[height - 1];
    Level& level = levels_[height];
    for_each_chunk(prefixes.size(), threads, [&](std::size_t begin, std::size_t end) {
      alignas(64) std::array<u8, 64 * nodes_per_block> pairs;
      std::array<Hash32, nodes_per_block> hashes;
      for (std::size_t block = begin; block < end; block += nodes_per_block) {
        const std::size_t block_count = std::min(nodes_per_block, end - block);
        for (std::size_t k = 0; k < block_count; ++k)
          std::memcpy(pairs.data() + 64 * k, children[2 * prefixes[block + k]].data(), 64);
        kernel_->midstate64_many(node_midstate_, pairs.data(), hashes[0].data(), block_count);
        for (std::size_t k = 0; k < block_count; ++k) level[prefixes[block + k]] = hashes[k];
      }
    });
  }
  if (!outer_writes.empty()) outer_.apply_batch(outer_writes, threads);
  refresh_outer();
}

void AccountTree::refresh_outer() {
  // The outer tree holds nothing below dense_size(), so the siblings of slot 0's path at heights
  // >= dense_height are exactly its subtrees beside the dense one.
  beside_ = outer_.prove(0).siblings;
}

void AccountTree::prefetch(Index index) const {
  if (index >= dense_size()) return;
  // At each height the pair holding the path's node: 64 bytes, one cache line (the large levels
  // are 2 MiB aligned, the small ones stay cached anyway).
  for (unsigned height = 0; height <= dense_height_; ++height)
    __builtin_prefetch(levels_[height].data() + ((index >> height) & ~Index{1}), 1);
}

Hash32 AccountTree::root() const { return leftmost_subtree(smt::depth); }

void AccountTree::fold_roots(std::span<const Hash32> dense_roots, std::span<Hash32> roots) const {
  constexpr std::size_t lockstep = 4;
  for (std::size_t first = 0; first < dense_roots.size(); first += lockstep) {
    const std::size_t count = std::min(lockstep, dense_roots.size() - first);
    alignas(64) std::array<std::array<Hash32, 2>, lockstep> pairs{};
    std::array<Hash32, lockstep> hashes;
    for (std::size_t k = 0; k < count; ++k) hashes[k] = dense_roots[first + k];
    for (unsigned height = dense_height_; height < smt::depth; ++height) {
      for (std::size_t k = 0; k < count; ++k) pairs[k] = {hashes[k], beside_[height]};
      kernel_->midstate64_many(node_midstate_, pairs[0][0].data(), hashes[0].data(),
                               count == 3 && pad_to_four_ ? 4 : count);
    }
    for (std::size_t k = 0; k < count; ++k) roots[first + k] = hashes[k];
  }
}

Hash32 AccountTree::leftmost_subtree(unsigned height) const {
  Hash32 hash = levels_[dense_height_][0];
  alignas(64) std::array<Hash32, 2> pair;
  for (unsigned h = dense_height_; h < height; ++h) {
    pair = {hash, beside_[h]};
    kernel_->midstate64_many(node_midstate_, pair[0].data(), hash.data(), 1);
  }
  return hash;
}

smt::Proof AccountTree::prove(Index index) const {
  if (index < dense_size()) {
    smt::Proof proof;
    proof.index = index;
    for (unsigned height = 0; height < dense_height_; ++height)
      proof.siblings[height] = levels_[height][(index >> height) ^ 1u];
    for (unsigned height = dense_height_; height < smt::depth; ++height) proof.siblings[height] = beside_[height];
    return proof;
  }
  // Above the dense range: the outer tree's proof, except where the path meets slot 0's. There
  // (the height of the index's highest set bit) the sibling is the subtree holding slot 0, which
  // the outer tree sees without the dense part.
  smt::Proof proof = outer_.prove(index);
  const auto meet = static_cast<unsigned>(std::bit_width(index) - 1);
  proof.siblings[meet] = leftmost_subtree(meet);
  return proof;
}

}  // namespace l2::opt::optimistic_rollup
