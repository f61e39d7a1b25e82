// The account tree: a sparse Merkle tree of fixed depth 32 keyed by a 32-bit account index.
// Every one of the 2^32 slots exists; a slot is empty or holds a 32-byte value (mechanisms put
// the hash of an account's canonical encoding there). Empty subtrees have precomputed hashes, so
// the tree costs memory only for occupied slots and their paths.
// Written for reading and for constant evaluation; optimized/ holds the fast engine.
// spec: merkle.md#account-tree-sparse-merkle-tree
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/sha256.hpp"

namespace l2::ref::smt {

inline constexpr std::size_t depth = 32;
using Index = std::uint32_t;
using Leaf = std::pair<Index, Hash32>;  // (slot index, value)

inline constexpr std::string_view leaf_tag = "L2/smt/leaf";
inline constexpr std::string_view node_tag = "L2/smt/node";
// Every root computation hashes `depth` nodes, so the two tags' prefixes are compressed once.
inline constexpr TaggedHasher leaf_hasher{leaf_tag};
inline constexpr TaggedHasher node_hasher{node_tag};

// An empty slot is not hashed: its leaf hash is 32 zero bytes, which no tagged hash reaches
// except by a SHA-256 preimage.
inline constexpr Hash32 empty_leaf_hash{};

// spec: merkle.md#smt-leaf_hash
constexpr Hash32 leaf_hash(Index index, const Hash32& value) {
  std::array<u8, 4 + 32> message{};
  for (std::size_t i = 0; i < 4; ++i) message[i] = static_cast<u8>(index >> (24 - 8 * i));
  for (std::size_t i = 0; i < 32; ++i) message[4 + i] = value[i];
  return leaf_hasher(message);
}

// Always hashed, even over two empty children: no shortcut maps an empty pair to zero, so every
// height has its own empty hash and every path has exactly depth siblings.
// spec: merkle.md#smt-node_hash
constexpr Hash32 node_hash(const Hash32& left, const Hash32& right) {
  std::array<u8, 64> message{};
  for (std::size_t i = 0; i < 32; ++i) {
    message[i] = left[i];
    message[32 + i] = right[i];
  }
  return node_hasher(message);
}

// [h] is the hash of an empty subtree of height h: [0] the empty leaf, [depth] the empty root.
// spec: merkle.md#empty_subtree_hashes
constexpr std::array<Hash32, depth + 1> empty_subtree_hashes() {
  std::array<Hash32, depth + 1> hashes{};
  hashes[0] = empty_leaf_hash;
  for (std::size_t height = 0; height < depth; ++height) hashes[height + 1] = node_hash(hashes[height], hashes[height]);
  return hashes;
}

inline constexpr std::array<Hash32, depth + 1> empty_hashes = empty_subtree_hashes();

// Whether the path to `index` turns right when it leaves a node of height `height` + 1 for its
// child of height `height`: bit `height` of the index, so the most significant bit decides at
// the root.
constexpr bool goes_right(Index index, std::size_t height) { return ((index >> height) & 1U) != 0; }

// A node's position within its level: the index bits above its height. Computed in 64 bits
// because a height of 32 would shift a 32-bit index by its full width.
constexpr std::uint64_t position_at(Index index, std::size_t height) { return std::uint64_t{index} >> height; }

// siblings[h] is the hash of the other child at height h, from the leaf level (h = 0) up.
// spec: merkle.md#smt-proof
struct Proof {
  Index index = 0;
  std::array<Hash32, depth> siblings{};

  friend constexpr bool operator==(const Proof&, const Proof&) = default;
};

// The root that `proof` leads to when the slot holds `value` (nullopt: the slot is empty).
// spec: merkle.md#root_from_proof
constexpr Hash32 root_from_proof(const Proof& proof, const std::optional<Hash32>& value) {
  Hash32 hash = value.has_value() ? leaf_hash(proof.index, *value) : empty_leaf_hash;
  for (std::size_t height = 0; height < depth; ++height) {
    const Hash32& sibling = proof.siblings[height];
    hash = goes_right(proof.index, height) ? node_hash(sibling, hash) : node_hash(hash, sibling);
  }
  return hash;
}

// spec: merkle.md#verify_membership
constexpr PrimitiveError verify_membership(const Hash32& root, const Proof& proof, const Hash32& value) {
  // Verify: the proof leads from the slot holding `value` to the root. [SMT-PRF-1]
  if (root_from_proof(proof, value) != root) return PrimitiveError::smt_root_mismatch;
  return PrimitiveError::none;
}

// A proof of absence is an opening of the slot; `opened_value` is what the opening claims the
// slot holds, nullopt (the default) for empty. A genuine opening to a value refutes absence,
// and the distinct code lets a dispute tell "the slot is occupied" from "the proof is bogus".
// spec: merkle.md#verify_non_membership
constexpr PrimitiveError verify_non_membership(const Hash32& root, const Proof& proof,
                                               const std::optional<Hash32>& opened_value = std::nullopt) {
  // Verify: the proof leads from the slot, as opened, to the root. [SMT-PRF-1]
  if (root_from_proof(proof, opened_value) != root) return PrimitiveError::smt_root_mismatch;
  // Verify: the opened slot is empty. [SMT-NON-1]
  if (opened_value.has_value()) return PrimitiveError::smt_leaf_not_empty;
  return PrimitiveError::none;
}

// The root after the proven slot alone changes to `new_value` (nullopt: emptied). The siblings
// do not change, so the proof of the old tree serves the new one.
// spec: merkle.md#root_after_update [SMT-UPD-1]
constexpr Hash32 root_after_update(const Proof& proof, const std::optional<Hash32>& new_value) {
  return root_from_proof(proof, new_value);
}

// The stateless update a contract performs: check the opening of the slot against the old root,
// then move the root.
// spec: merkle.md#root_after_update [SMT-UPD-1]
constexpr Result<Hash32, PrimitiveError> verified_root_after_update(const Hash32& old_root, const Proof& proof,
                                                                    const std::optional<Hash32>& old_value,
                                                                    const std::optional<Hash32>& new_value) {
  // Verify: the proof leads from the slot holding `old_value` to the old root. [SMT-PRF-1]
  if (root_from_proof(proof, old_value) != old_root) return PrimitiveError::smt_root_mismatch;
  return root_after_update(proof, new_value);
}

namespace detail {

// The hash of the subtree of height `height` that holds exactly `leaves` (sorted by index,
// distinct, all below this subtree).
constexpr Hash32 subtree_hash(std::span<const Leaf> leaves, std::size_t height) {
  if (leaves.empty()) return empty_hashes[height];
  if (height == 0) return leaf_hash(leaves[0].first, leaves[0].second);
  const std::size_t child_height = height - 1;
  const auto goes_left = [&](const Leaf& leaf) { return !goes_right(leaf.first, child_height); };
  const auto right_begin = std::partition_point(leaves.begin(), leaves.end(), goes_left);
  const auto left_count = static_cast<std::size_t>(right_begin - leaves.begin());
  return node_hash(subtree_hash(leaves.first(left_count), child_height),
                   subtree_hash(leaves.subspan(left_count), child_height));
}

// Sorted by index; for a repeated index the later entry wins, as for a sequence of set() calls.
constexpr std::vector<Leaf> canonical_leaves(std::span<const Leaf> leaves) {
  std::vector<std::size_t> order;
  order.reserve(leaves.size());
  for (std::size_t i = 0; i < leaves.size(); ++i) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return leaves[a].first != leaves[b].first ? leaves[a].first < leaves[b].first : a < b;
  });
  std::vector<Leaf> sorted;
  for (std::size_t position : order) {
    if (!sorted.empty() && sorted.back().first == leaves[position].first) {
      sorted.back().second = leaves[position].second;
    } else {
      sorted.push_back(leaves[position]);
    }
  }
  return sorted;
}

// Sorted vectors of (key, hash) serve as maps: constant evaluation has no std::map.
template <class Entries, class Key>
constexpr auto entry_lower_bound(Entries& entries, Key key) {
  return std::lower_bound(entries.begin(), entries.end(), key,
                          [](const auto& entry, Key wanted) { return entry.first < wanted; });
}

template <class Entries, class Key>
constexpr const Hash32* find_entry(const Entries& entries, Key key) {
  const auto it = entry_lower_bound(entries, key);
  if (it == entries.end() || it->first != key) return nullptr;
  return &it->second;
}

template <class Entries, class Key>
constexpr void store_entry(Entries& entries, Key key, const Hash32& hash) {
  const auto it = entry_lower_bound(entries, key);
  if (it != entries.end() && it->first == key) {
    it->second = hash;
  } else {
    entries.insert(it, {key, hash});
  }
}

template <class Entries, class Key>
constexpr bool remove_entry(Entries& entries, Key key) {
  const auto it = entry_lower_bound(entries, key);
  if (it == entries.end() || it->first != key) return false;
  entries.erase(it);
  return true;
}

}  // namespace detail

// The root of the tree holding `leaves` (any order), computed from scratch, without the
// incremental machinery of Tree; the tests hold the two to each other.
// spec: merkle.md#smt-root [SMT-ROOT-1]
constexpr Hash32 rebuild_root(std::span<const Leaf> leaves) {
  const std::vector<Leaf> sorted = detail::canonical_leaves(leaves);
  return detail::subtree_hash(sorted, depth);
}

// The tree of occupied slots with every non-empty node cached, so that set and erase rehash only
// the path of the slot they change: depth node hashes each.
// spec: merkle.md#smt-tree
class Tree {
 public:
  constexpr Tree() = default;

  constexpr std::size_t size() const { return values_.size(); }

  // The occupied slots, sorted by index.
  constexpr std::span<const Leaf> leaves() const { return values_; }

  constexpr std::optional<Hash32> get(Index index) const {
    const Hash32* value = detail::find_entry(values_, index);
    if (value == nullptr) return std::nullopt;
    return *value;
  }

  constexpr void set(Index index, const Hash32& value) {
    detail::store_entry(values_, index, value);
    detail::store_entry(levels_[0], index, leaf_hash(index, value));
    rehash_path(index);
  }

  // Empties the slot; returns whether it held a value.
  constexpr bool erase(Index index) {
    if (!detail::remove_entry(values_, index)) return false;
    detail::remove_entry(levels_[0], index);
    rehash_path(index);
    return true;
  }

  // spec: merkle.md#smt-root [SMT-ROOT-1]
  constexpr Hash32 root() const { return node_at(depth, 0); }

  // spec: merkle.md#smt-proof
  constexpr Proof prove(Index index) const {
    Proof proof;
    proof.index = index;
    for (std::size_t height = 0; height < depth; ++height)
      proof.siblings[height] = node_at(height, position_at(index, height) ^ 1U);
    return proof;
  }

 private:
  // The non-empty nodes of one height as (position within the level, hash), sorted by position.
  using Level = std::vector<std::pair<std::uint64_t, Hash32>>;

  constexpr Hash32 node_at(std::size_t height, std::uint64_t position) const {
    const Hash32* cached = detail::find_entry(levels_[height], position);
    return cached != nullptr ? *cached : empty_hashes[height];
  }

  // Recomputes the ancestors of the slot at `index` after its leaf changed; an ancestor whose
  // children are both empty becomes empty and leaves the cache.
  constexpr void rehash_path(Index index) {
    for (std::size_t height = 1; height <= depth; ++height) {
      const std::uint64_t position = position_at(index, height);
      const std::uint64_t left = 2 * position;
      const std::uint64_t right = left + 1;
      const Level& children = levels_[height - 1];
      if (detail::find_entry(children, left) == nullptr && detail::find_entry(children, right) == nullptr) {
        detail::remove_entry(levels_[height], position);
      } else {
        const Hash32 hash = node_hash(node_at(height - 1, left), node_at(height - 1, right));
        detail::store_entry(levels_[height], position, hash);
      }
    }
  }

  std::vector<Leaf> values_;  // occupied slots, sorted by index
  // [0] leaf hashes, [depth] the root when non-empty. A vector, not a std::array: g++ 12 fails
  // to constant-evaluate some uses of an array of vectors.
  std::vector<Level> levels_ = std::vector<Level>(depth + 1);
};

}  // namespace l2::ref::smt
