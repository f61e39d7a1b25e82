// The list Merkle tree of RFC 6962 §2.1: roots, inclusion proofs and consistency proofs.
// Written for reading and for constant evaluation; every function follows the recursive
// definitions of the RFC (split at the largest power of two below n). optimized/ holds the
// level-by-level engine that the tests hold to this one.
// spec: merkle.md#list-tree-rfc-6962
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/sha256.hpp"

namespace l2::ref::rfc6962 {

inline constexpr u8 leaf_prefix = 0x00;
inline constexpr u8 node_prefix = 0x01;

// spec: merkle.md#leaf_hash
constexpr Hash32 leaf_hash(std::span<const u8> data) {
  const u8 prefix[1] = {leaf_prefix};
  return Sha256{}.update(prefix).update(data).finish();
}

// spec: merkle.md#node_hash
constexpr Hash32 node_hash(const Hash32& left, const Hash32& right) {
  const u8 prefix[1] = {node_prefix};
  return Sha256{}.update(prefix).update(left).update(right).finish();
}

// The largest power of two strictly below `size`; only defined for size >= 2.
// spec: merkle.md#split
constexpr std::uint64_t split_point(std::uint64_t size) { return std::bit_floor(size - 1); }

// MTH of RFC 6962 over leaves that are already hashed. The empty tree hashes to SHA-256("").
// spec: merkle.md#root [MRK-ROOT-1]
constexpr Hash32 root_from_leaf_hashes(std::span<const Hash32> leaf_hashes) {
  if (leaf_hashes.empty()) return sha256(std::span<const u8>{});
  if (leaf_hashes.size() == 1) return leaf_hashes[0];
  const std::size_t k = split_point(leaf_hashes.size());
  return node_hash(root_from_leaf_hashes(leaf_hashes.first(k)), root_from_leaf_hashes(leaf_hashes.subspan(k)));
}

// spec: merkle.md#root [MRK-ROOT-1]
constexpr Hash32 root(std::span<const Bytes> leaves) {
  std::vector<Hash32> leaf_hashes;
  leaf_hashes.reserve(leaves.size());
  for (const Bytes& leaf : leaves) leaf_hashes.push_back(leaf_hash(leaf));
  return root_from_leaf_hashes(leaf_hashes);
}

// Number of hashes in PATH(index, D[size]); 0 when index >= size, which has no proof.
// spec: merkle.md#inclusion_proof
constexpr std::size_t inclusion_proof_length(std::uint64_t index, std::uint64_t size) {
  std::size_t length = 0;
  while (index < size && size > 1) {
    const std::uint64_t k = split_point(size);
    if (index < k) {
      size = k;
    } else {
      index -= k;
      size -= k;
    }
    ++length;
  }
  return length;
}

// PATH(index, D[n]) of RFC 6962 §2.1.1, deepest sibling first, the root's other child last.
// Contract: index < leaf_hashes.size(); a call that breaks it gets an empty vector.
// spec: merkle.md#inclusion_proof
constexpr std::vector<Hash32> inclusion_proof(std::span<const Hash32> leaf_hashes, std::uint64_t index) {
  if (index >= leaf_hashes.size() || leaf_hashes.size() == 1) return {};
  const std::size_t k = split_point(leaf_hashes.size());
  std::vector<Hash32> path;
  if (index < k) {
    path = inclusion_proof(leaf_hashes.first(k), index);
    path.push_back(root_from_leaf_hashes(leaf_hashes.subspan(k)));
  } else {
    path = inclusion_proof(leaf_hashes.subspan(k), index - k);
    path.push_back(root_from_leaf_hashes(leaf_hashes.first(k)));
  }
  return path;
}

namespace detail {

// Inverts PATH: the root that `path` leads to from `leaf`. Reads the path from its last hash,
// which sits just below the root. Contract: path.size() == inclusion_proof_length(index, size),
// which verify_inclusion checks first.
// spec: merkle.md#verify_inclusion
constexpr Hash32 root_from_inclusion_path(std::uint64_t index, std::uint64_t size, const Hash32& leaf,
                                          std::span<const Hash32> path) {
  if (size <= 1) return leaf;
  const std::uint64_t k = split_point(size);
  const Hash32& sibling = path.back();
  const std::span<const Hash32> below = path.first(path.size() - 1);
  if (index < k) return node_hash(root_from_inclusion_path(index, k, leaf, below), sibling);
  return node_hash(sibling, root_from_inclusion_path(index - k, size - k, leaf, below));
}

}  // namespace detail

// spec: merkle.md#verify_inclusion
constexpr PrimitiveError verify_inclusion(std::uint64_t index, std::uint64_t tree_size, const Hash32& leaf_hash,
                                          std::span<const Hash32> proof, const Hash32& root) {
  // Verify: the leaf index is inside the tree. [MRK-INC-1]
  if (index >= tree_size) return PrimitiveError::merkle_index_out_of_range;
  // Verify: the proof has exactly the length PATH has for (index, tree_size). [MRK-INC-2]
  if (proof.size() != inclusion_proof_length(index, tree_size)) return PrimitiveError::merkle_proof_length;
  // Verify: the proof leads from the leaf to the expected root. [MRK-INC-3]
  if (detail::root_from_inclusion_path(index, tree_size, leaf_hash, proof) != root)
    return PrimitiveError::merkle_root_mismatch;
  return PrimitiveError::none;
}

// Number of hashes in SUBPROOF(old_size, D[new_size], old_is_whole_subtree).
// spec: merkle.md#consistency_proof
constexpr std::size_t subproof_length(std::uint64_t old_size, std::uint64_t new_size, bool old_is_whole_subtree) {
  std::size_t length = 0;
  while (old_size < new_size) {
    const std::uint64_t k = split_point(new_size);
    if (old_size <= k) {
      new_size = k;
    } else {
      old_size -= k;
      new_size -= k;
      old_is_whole_subtree = false;
    }
    ++length;
  }
  return old_is_whole_subtree ? length : length + 1;
}

// Number of hashes in PROOF(old_size, D[new_size]); 0 outside 0 < old_size <= new_size.
// spec: merkle.md#consistency_proof
constexpr std::size_t consistency_proof_length(std::uint64_t old_size, std::uint64_t new_size) {
  if (old_size == 0 || old_size > new_size) return 0;
  return subproof_length(old_size, new_size, true);
}

// SUBPROOF(old_size, D[n], old_is_whole_subtree) of RFC 6962 §2.1.2.
// spec: merkle.md#consistency_proof
constexpr std::vector<Hash32> subproof(std::uint64_t old_size, std::span<const Hash32> leaf_hashes,
                                       bool old_is_whole_subtree) {
  if (old_size == leaf_hashes.size()) {
    if (old_is_whole_subtree) return {};
    return {root_from_leaf_hashes(leaf_hashes)};
  }
  const std::size_t k = split_point(leaf_hashes.size());
  std::vector<Hash32> proof;
  if (old_size <= k) {
    proof = subproof(old_size, leaf_hashes.first(k), old_is_whole_subtree);
    proof.push_back(root_from_leaf_hashes(leaf_hashes.subspan(k)));
  } else {
    proof = subproof(old_size - k, leaf_hashes.subspan(k), false);
    proof.push_back(root_from_leaf_hashes(leaf_hashes.first(k)));
  }
  return proof;
}

// PROOF(old_size, D[n]) of RFC 6962 §2.1.2; empty when old_size == n.
// Contract: 0 < old_size <= leaf_hashes.size(); a call that breaks it gets an empty vector.
// spec: merkle.md#consistency_proof
constexpr std::vector<Hash32> consistency_proof(std::span<const Hash32> leaf_hashes, std::uint64_t old_size) {
  if (old_size == 0 || old_size > leaf_hashes.size()) return {};
  return subproof(old_size, leaf_hashes, true);
}

// The two roots a consistency proof claims: the old tree's and the new tree's.
struct RootPair {
  Hash32 old_root;
  Hash32 new_root;
};

namespace detail {

// Inverts SUBPROOF: the (old, new) subtree hashes that `proof` reproduces. Where the old tree is
// a whole subtree of the new one, the proof leaves it out and the known old root stands in.
// Contract: proof.size() == subproof_length(old_size, new_size, old_is_whole_subtree), which
// verify_consistency checks first.
// spec: merkle.md#verify_consistency
constexpr RootPair roots_from_subproof(std::uint64_t old_size, std::uint64_t new_size, bool old_is_whole_subtree,
                                       const Hash32& known_old_root, std::span<const Hash32> proof) {
  if (old_size == new_size) {
    const Hash32& subtree = old_is_whole_subtree ? known_old_root : proof.back();
    return {subtree, subtree};
  }
  const std::uint64_t k = split_point(new_size);
  const Hash32& sibling = proof.back();
  const std::span<const Hash32> below = proof.first(proof.size() - 1);
  if (old_size <= k) {
    const RootPair left = roots_from_subproof(old_size, k, old_is_whole_subtree, known_old_root, below);
    return {left.old_root, node_hash(left.new_root, sibling)};
  }
  // k < old_size < new_size <= 2k, so the old tree splits at k as well.
  const RootPair right = roots_from_subproof(old_size - k, new_size - k, false, known_old_root, below);
  return {node_hash(sibling, right.old_root), node_hash(sibling, right.new_root)};
}

}  // namespace detail

// spec: merkle.md#verify_consistency
constexpr PrimitiveError verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash32& old_root,
                                            const Hash32& new_root, std::span<const Hash32> proof) {
  // Verify: the old tree is non-empty and no larger than the new one. [MRK-CON-1]
  if (old_size == 0 || old_size > new_size) return PrimitiveError::merkle_consistency_sizes;
  // Verify: the proof has exactly the length PROOF has for (old_size, new_size). [MRK-CON-2]
  if (proof.size() != consistency_proof_length(old_size, new_size))
    return PrimitiveError::merkle_consistency_proof_length;
  // Verify: the proof reproduces both the old and the new root. [MRK-CON-3]
  const RootPair roots = detail::roots_from_subproof(old_size, new_size, true, old_root, proof);
  if (roots.old_root != old_root || roots.new_root != new_root) return PrimitiveError::merkle_consistency_mismatch;
  return PrimitiveError::none;
}

}  // namespace l2::ref::rfc6962
