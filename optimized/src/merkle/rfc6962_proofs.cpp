// Optimized RFC 6962 proofs: must match l2::ref::rfc6962::inclusion_proof, verify_inclusion,
// consistency_proof and verify_consistency bit for bit, error codes and their order included.
// Exploits the multi-buffer SHA-256 kernels: the tree's levels are hashed once, a level per
// rfc6962_node_many call, and proofs are read from them; verification runs a group of claims in
// lockstep, one rfc6962_node_many call per step carrying every claim's node hashes of that step.
// oneTBB threads split a batch of claims by group.
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "l2/opt/merkle_proofs.hpp"
#include "l2/ref/merkle.hpp"
#include "rfc6962_levels.hpp"

namespace l2::opt::rfc6962 {
namespace {

using sha256::Kernel;
using u64 = std::uint64_t;
using ref::rfc6962::split_point;

// One 64-byte message of rfc6962_node_many: the left child's hash, then the right child's.
using NodeMessage = std::array<u8, 64>;
static_assert(sizeof(NodeMessage) == 64 && sizeof(Hash32) == 32,
              "messages and hashes are handed to the kernels as packed arrays");

void pack(NodeMessage& message, const Hash32& left, const Hash32& right) {
  std::memcpy(message.data(), left.data(), 32);
  std::memcpy(message.data() + 32, right.data(), 32);
}

// The shape of PATH(index, D[size]) for index < size: its number of hashes and, bit d, whether
// the leaf lies in the left subtree at depth d (depth 0 splits the root). The walk is the
// reference's inclusion_proof_length loop, which also decides each split's side.
struct InclusionPath {
  unsigned length = 0;
  u64 leaf_is_left_at_depth = 0;
};

InclusionPath inclusion_path(u64 index, u64 size) {
  InclusionPath path;
  while (size > 1) {
    const u64 k = split_point(size);
    if (index < k) {
      path.leaf_is_left_at_depth |= u64{1} << path.length;
      size = k;
    } else {
      index -= k;
      size -= k;
    }
    ++path.length;
  }
  return path;
}

// The shape of SUBPROOF(old_size, D[new_size], true) for 0 < old_size <= new_size: the number of
// splits above the subtree where the old tree ends, whether the old tree is that whole subtree,
// and, bit d, whether the old tree's end lies in the right subtree at depth d. The walk is the
// reference's subproof_length loop.
struct ConsistencyPath {
  unsigned depth = 0;
  bool old_is_whole_subtree = true;
  u64 old_end_is_right_at_depth = 0;

  // A proof that does not name the old subtree's hash starts with the first split's sibling.
  std::size_t length() const { return old_is_whole_subtree ? depth : depth + 1; }
};

ConsistencyPath consistency_path(u64 old_size, u64 new_size) {
  ConsistencyPath path;
  while (old_size < new_size) {
    const u64 k = split_point(new_size);
    if (old_size <= k) {
      new_size = k;
    } else {
      path.old_end_is_right_at_depth |= u64{1} << path.depth;
      old_size -= k;
      new_size -= k;
      path.old_is_whole_subtree = false;
    }
    ++path.depth;
  }
  return path;
}

bool bit(u64 mask, unsigned position) { return ((mask >> position) & 1U) != 0; }

// Working memory of one thread's lockstep groups, on its stack (about 40 KiB) and left
// uninitialized: a single verification then costs no allocation and no clearing.
struct GroupBuffers {
  std::array<std::size_t, claims_per_group> claim_of_walk;
  std::array<NodeMessage, 2 * claims_per_group> messages;
  std::array<Hash32, 2 * claims_per_group> digests;
  std::array<Hash32, claims_per_group> old_hashes;
  std::array<Hash32, claims_per_group> new_hashes;
};

// Verifies claims [begin, end) (at most claims_per_group of them) in lockstep: each step packs
// the next node message of every claim still walking, hashes them in one kernel call, and retires
// the claims whose walk is done.
void verify_inclusion_group(const Kernel& kernel, std::span<const InclusionClaim> claims, std::size_t begin,
                            std::size_t end, std::span<PrimitiveError> results, GroupBuffers& buffers) {
  std::size_t* walking = buffers.claim_of_walk.data();
  std::size_t walking_count = 0;
  std::array<InclusionPath, claims_per_group> paths;
  Hash32* hashes = buffers.new_hashes.data();
  for (std::size_t i = begin; i < end; ++i) {
    const InclusionClaim& claim = claims[i];
    // Verify: the leaf index is inside the tree. [MRK-INC-1]
    if (claim.index >= claim.tree_size) {
      results[i] = PrimitiveError::merkle_index_out_of_range;
      continue;
    }
    const InclusionPath path = inclusion_path(claim.index, claim.tree_size);
    // Verify: the proof has exactly the length PATH has for (index, tree_size). [MRK-INC-2]
    if (claim.proof.size() != path.length) {
      results[i] = PrimitiveError::merkle_proof_length;
      continue;
    }
    paths[walking_count] = path;
    hashes[walking_count] = claim.leaf_hash;
    walking[walking_count++] = i;
  }
  for (unsigned step = 0; walking_count != 0; ++step) {
    // Retire the walks that have used their whole proof, keeping the others in order.
    std::size_t kept = 0;
    for (std::size_t walk = 0; walk < walking_count; ++walk) {
      const InclusionClaim& claim = claims[walking[walk]];
      if (paths[walk].length == step) {
        // Verify: the proof leads from the leaf to the expected root. [MRK-INC-3]
        results[walking[walk]] = hashes[walk] == claim.root ? PrimitiveError::none : PrimitiveError::merkle_root_mismatch;
        continue;
      }
      walking[kept] = walking[walk];
      paths[kept] = paths[walk];
      hashes[kept] = hashes[walk];
      ++kept;
    }
    walking_count = kept;
    if (kept == 0) break;
    // proof[step] is the sibling at depth length - 1 - step: the proof lists the deepest first.
    for (std::size_t walk = 0; walk < kept; ++walk) {
      const Hash32& sibling = claims[walking[walk]].proof[step];
      if (bit(paths[walk].leaf_is_left_at_depth, paths[walk].length - 1 - step))
        pack(buffers.messages[walk], hashes[walk], sibling);
      else
        pack(buffers.messages[walk], sibling, hashes[walk]);
    }
    kernel.rfc6962_node_many(buffers.messages[0].data(), hashes[0].data(), kept);
  }
}

void verify_consistency_group(const Kernel& kernel, std::span<const ConsistencyClaim> claims, std::size_t begin,
                              std::size_t end, std::span<PrimitiveError> results, GroupBuffers& buffers) {
  std::size_t* walking = buffers.claim_of_walk.data();
  std::size_t walking_count = 0;
  std::array<ConsistencyPath, claims_per_group> paths;
  Hash32* old_hashes = buffers.old_hashes.data();
  Hash32* new_hashes = buffers.new_hashes.data();
  for (std::size_t i = begin; i < end; ++i) {
    const ConsistencyClaim& claim = claims[i];
    // Verify: the old tree is non-empty and no larger than the new one. [MRK-CON-1]
    if (claim.old_size == 0 || claim.old_size > claim.new_size) {
      results[i] = PrimitiveError::merkle_consistency_sizes;
      continue;
    }
    const ConsistencyPath path = consistency_path(claim.old_size, claim.new_size);
    // Verify: the proof has exactly the length PROOF has for (old_size, new_size). [MRK-CON-2]
    if (claim.proof.size() != path.length()) {
      results[i] = PrimitiveError::merkle_consistency_proof_length;
      continue;
    }
    // Where the old tree is a whole subtree the proof leaves its hash out and the claimed old root
    // stands in for it; otherwise the proof's first hash is that subtree's.
    const Hash32& subtree = path.old_is_whole_subtree ? claim.old_root : claim.proof[0];
    paths[walking_count] = path;
    old_hashes[walking_count] = subtree;
    new_hashes[walking_count] = subtree;
    walking[walking_count++] = i;
  }
  for (unsigned step = 0; walking_count != 0; ++step) {
    std::size_t kept = 0;
    for (std::size_t walk = 0; walk < walking_count; ++walk) {
      const ConsistencyClaim& claim = claims[walking[walk]];
      if (paths[walk].depth == step) {
        // Verify: the proof reproduces both the old and the new root. [MRK-CON-3]
        const bool reproduced = old_hashes[walk] == claim.old_root && new_hashes[walk] == claim.new_root;
        results[walking[walk]] = reproduced ? PrimitiveError::none : PrimitiveError::merkle_consistency_mismatch;
        continue;
      }
      walking[kept] = walking[walk];
      paths[kept] = paths[walk];
      old_hashes[kept] = old_hashes[walk];
      new_hashes[kept] = new_hashes[walk];
      ++kept;
    }
    walking_count = kept;
    if (kept == 0) break;
    // Left of the split the old tree's end leaves the old hash as it is and only the new one
    // grows; right of it both take the same left sibling: two messages.
    std::size_t message_count = 0;
    for (std::size_t walk = 0; walk < kept; ++walk) {
      const ConsistencyPath& path = paths[walk];
      const Hash32& sibling = claims[walking[walk]].proof[path.length() - path.depth + step];
      if (bit(path.old_end_is_right_at_depth, path.depth - 1 - step)) {
        pack(buffers.messages[message_count++], sibling, old_hashes[walk]);
        pack(buffers.messages[message_count++], sibling, new_hashes[walk]);
      } else {
        pack(buffers.messages[message_count++], new_hashes[walk], sibling);
      }
    }
    kernel.rfc6962_node_many(buffers.messages[0].data(), buffers.digests[0].data(), message_count);
    std::size_t message = 0;
    for (std::size_t walk = 0; walk < kept; ++walk) {
      const ConsistencyPath& path = paths[walk];
      if (bit(path.old_end_is_right_at_depth, path.depth - 1 - step)) old_hashes[walk] = buffers.digests[message++];
      new_hashes[walk] = buffers.digests[message++];
    }
  }
}

// Splits [0, claim_count) into groups, and the groups across at most `threads` threads.
template <class Claim, class VerifyGroup>
void verify_in_groups(std::span<const Claim> claims, std::span<PrimitiveError> results, unsigned threads,
                      const VerifyGroup& verify_group) {
  const std::size_t claim_count = std::min(claims.size(), results.size());
  const std::size_t group_count = (claim_count + claims_per_group - 1) / claims_per_group;
  detail::with_threads(threads, group_count >= 2, [&](bool parallel) {
    detail::for_each_chunk(group_count, 1, parallel, [&](std::size_t first_group, std::size_t end_group) {
      GroupBuffers buffers;
      for (std::size_t group = first_group; group < end_group; ++group) {
        const std::size_t begin = group * claims_per_group;
        verify_group(begin, std::min(begin + claims_per_group, claim_count), buffers);
      }
    });
  });
}

}  // namespace

std::span<const Hash32> ProofList::proof(std::size_t i) const {
  const std::size_t begin = i == 0 ? 0 : ends[i - 1];
  return std::span<const Hash32>(hashes).subspan(begin, ends[i] - begin);
}

// ---- Tree ----

Tree::Tree(std::span<const Hash32> leaf_hashes, unsigned threads)
    : Tree(default_merkle_kernel(), leaf_hashes, threads) {}

Tree::Tree(const Kernel& kernel, std::span<const Hash32> leaf_hashes, unsigned threads)
    : kernel_(&kernel), leaf_count_(leaf_hashes.size()) {
  if (leaf_hashes.empty()) {
    root_ = detail::empty_tree_root(kernel);
    return;
  }
  std::vector<std::size_t> level_sizes{leaf_hashes.size()};
  while (level_sizes.back() > 1) level_sizes.push_back((level_sizes.back() + 1) / 2);
  std::size_t total = 0;
  for (const std::size_t level_size : level_sizes) {
    level_starts_.push_back(total);
    total += level_size;
  }
  nodes_.resize(total);
  std::copy(leaf_hashes.begin(), leaf_hashes.end(), nodes_.begin());
  detail::with_threads(threads, detail::worth_threads(leaf_hashes.size()), [&](bool parallel) {
    for (std::size_t level = 1; level < level_sizes.size(); ++level)
      detail::hash_level(kernel, &nodes_[level_starts_[level - 1]], level_sizes[level - 1], &nodes_[level_starts_[level]],
                         parallel);
  });
  root_ = nodes_.back();
}

// Level `level` position `position` covers the leaves [position 2^level, min((position + 1)
// 2^level, n)) (merkle.md#level-by-level-construction, step 1).
const Hash32& Tree::node(unsigned level, u64 position) const { return nodes_[level_starts_[level] + position]; }

// Each subtree the RFC's recursion visits, D[first : first + count), is a stored node: first is a
// multiple of 2^j for some 2^j >= count, and first + count = min(first + 2^j, n). Both halves of
// its split at k = 2^level keep that with 2^j = k, so MTH of either half is node(level, its first
// leaf >> level).
void Tree::append_inclusion_proof(u64 index, std::vector<Hash32>& out) const {
  const std::size_t start = out.size();
  u64 first = 0;
  u64 count = leaf_count_;
  while (count > 1) {
    const u64 k = split_point(count);
    const auto level = static_cast<unsigned>(std::countr_zero(k));
    if (index - first < k) {
      out.push_back(node(level, (first + k) >> level));
      count = k;
    } else {
      out.push_back(node(level, first >> level));
      first += k;
      count -= k;
    }
  }
  // The walk meets the root's children first; PATH lists the deepest sibling first.
  std::reverse(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
}

void Tree::append_consistency_proof(u64 old_size, std::vector<Hash32>& out) const {
  const std::size_t start = out.size();
  u64 first = 0;
  u64 count = leaf_count_;
  bool old_is_whole_subtree = true;
  unsigned level = static_cast<unsigned>(level_starts_.size() - 1);
  while (old_size < count) {
    const u64 k = split_point(count);
    level = static_cast<unsigned>(std::countr_zero(k));
    if (old_size <= k) {
      out.push_back(node(level, (first + k) >> level));
      count = k;
    } else {
      out.push_back(node(level, first >> level));
      first += k;
      old_size -= k;
      count -= k;
      old_is_whole_subtree = false;
    }
  }
  if (!old_is_whole_subtree) out.push_back(node(level, first >> level));
  std::reverse(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
}

Result<Hash32, PrimitiveError> Tree::root_of_first(u64 leaf_count) const {
  if (leaf_count > leaf_count_) return PrimitiveError::merkle_consistency_sizes;
  if (leaf_count == 0) return detail::empty_tree_root(*kernel_);
  // D[0:m] splits into complete subtrees, one per set bit of m from the highest, and MTH folds
  // them from the right: MTH(D[0:m]) = node(T1, MTH(rest)) while m is not a power of two.
  std::array<const Hash32*, 64> subtrees{};
  std::size_t subtree_count = 0;
  u64 first = 0;
  for (unsigned level = 64; level-- > 0;) {
    if (!bit(leaf_count, level)) continue;
    subtrees[subtree_count++] = &node(level, first >> level);
    first += u64{1} << level;
  }
  Hash32 folded = *subtrees[subtree_count - 1];
  for (std::size_t i = subtree_count - 1; i-- > 0;) {
    NodeMessage message;
    pack(message, *subtrees[i], folded);
    kernel_->rfc6962_node_many(message.data(), folded.data(), 1);
  }
  return folded;
}

Result<std::vector<Hash32>, PrimitiveError> Tree::inclusion_proof(u64 index) const {
  if (index >= leaf_count_) return PrimitiveError::merkle_index_out_of_range;
  std::vector<Hash32> proof;
  append_inclusion_proof(index, proof);
  return proof;
}

ProofList Tree::inclusion_proofs(std::span<const u64> indices) const {
  ProofList list;
  list.ends.reserve(indices.size());
  list.errors.reserve(indices.size());
  // Every proof of one tree has at most ceil(log2 n) hashes.
  list.hashes.reserve(indices.size() * (level_starts_.empty() ? 0 : level_starts_.size() - 1));
  for (const u64 index : indices) {
    const bool in_range = index < leaf_count_;
    if (in_range) append_inclusion_proof(index, list.hashes);
    list.errors.push_back(in_range ? PrimitiveError::none : PrimitiveError::merkle_index_out_of_range);
    list.ends.push_back(list.hashes.size());
  }
  return list;
}

Result<std::vector<Hash32>, PrimitiveError> Tree::consistency_proof(u64 old_size) const {
  if (old_size == 0 || old_size > leaf_count_) return PrimitiveError::merkle_consistency_sizes;
  std::vector<Hash32> proof;
  append_consistency_proof(old_size, proof);
  return proof;
}

ProofList Tree::consistency_proofs(std::span<const u64> old_sizes) const {
  ProofList list;
  list.ends.reserve(old_sizes.size());
  list.errors.reserve(old_sizes.size());
  for (const u64 old_size : old_sizes) {
    const bool in_range = old_size != 0 && old_size <= leaf_count_;
    if (in_range) append_consistency_proof(old_size, list.hashes);
    list.errors.push_back(in_range ? PrimitiveError::none : PrimitiveError::merkle_consistency_sizes);
    list.ends.push_back(list.hashes.size());
  }
  return list;
}

// ---- Verification ----

void verify_inclusion_batch(const Kernel& kernel, std::span<const InclusionClaim> claims,
                            std::span<PrimitiveError> results, unsigned threads) {
  verify_in_groups(claims, results, threads, [&](std::size_t begin, std::size_t end, GroupBuffers& buffers) {
    verify_inclusion_group(kernel, claims, begin, end, results, buffers);
  });
}

void verify_inclusion_batch(std::span<const InclusionClaim> claims, std::span<PrimitiveError> results,
                            unsigned threads) {
  verify_inclusion_batch(default_merkle_kernel(), claims, results, threads);
}

PrimitiveError verify_inclusion(const Kernel& kernel, u64 index, u64 tree_size, const Hash32& leaf_hash,
                                std::span<const Hash32> proof, const Hash32& root) {
  const InclusionClaim claim{index, tree_size, leaf_hash, proof, root};
  PrimitiveError result = PrimitiveError::none;
  verify_inclusion_batch(kernel, std::span<const InclusionClaim>(&claim, 1), std::span<PrimitiveError>(&result, 1), 1);
  return result;
}

PrimitiveError verify_inclusion(u64 index, u64 tree_size, const Hash32& leaf_hash, std::span<const Hash32> proof,
                                const Hash32& root) {
  return verify_inclusion(default_merkle_kernel(), index, tree_size, leaf_hash, proof, root);
}

void verify_consistency_batch(const Kernel& kernel, std::span<const ConsistencyClaim> claims,
                              std::span<PrimitiveError> results, unsigned threads) {
  verify_in_groups(claims, results, threads, [&](std::size_t begin, std::size_t end, GroupBuffers& buffers) {
    verify_consistency_group(kernel, claims, begin, end, results, buffers);
  });
}

void verify_consistency_batch(std::span<const ConsistencyClaim> claims, std::span<PrimitiveError> results,
                              unsigned threads) {
  verify_consistency_batch(default_merkle_kernel(), claims, results, threads);
}

PrimitiveError verify_consistency(const Kernel& kernel, u64 old_size, u64 new_size, const Hash32& old_root,
                                  const Hash32& new_root, std::span<const Hash32> proof) {
  const ConsistencyClaim claim{old_size, new_size, old_root, new_root, proof};
  PrimitiveError result = PrimitiveError::none;
  verify_consistency_batch(kernel, std::span<const ConsistencyClaim>(&claim, 1),
                           std::span<PrimitiveError>(&result, 1), 1);
  return result;
}

PrimitiveError verify_consistency(u64 old_size, u64 new_size, const Hash32& old_root, const Hash32& new_root,
                                  std::span<const Hash32> proof) {
  return verify_consistency(default_merkle_kernel(), old_size, new_size, old_root, new_root, proof);
}

}  // namespace l2::opt::rfc6962
