// Optimized sparse Merkle tree (depth 32): must match l2::ref::smt::Tree, l2::ref::smt::rebuild_root
// and the reference proofs and their checks (root_from_proof, verify_membership,
// verify_non_membership, verified_root_after_update; reference/include/l2/ref/sparse_merkle.hpp) bit
// for bit, error codes and their order included.
// Exploits a flat cache of every non-empty node's pair of children (one open-addressing table per
// level), batch updates that hash each dirty node once after one lookup, the multi-buffer SHA-256
// kernels (midstate64_many from the "L2/smt/node" tag's midstate), oneTBB threads across the dirty
// nodes of a level, and transparent huge pages for the tables. Proofs are checked in lockstep: the 32
// levels of a group of proofs go through one midstate64_many call per level, so a 16-lane kernel
// hashes 16 proofs' nodes at once, and an update's old and new paths share each call.
// spec: merkle_engines.md#account-tree
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "l2/opt/merkle.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/result.hpp"

namespace l2::opt::smt {

using Index = std::uint32_t;
inline constexpr std::size_t depth = 32;

// Same fields, same order and same meaning as l2::ref::smt::Proof.
struct Proof {
  Index index = 0;
  std::array<Hash32, depth> siblings{};  // siblings[0] is at the leaf level

  friend bool operator==(const Proof&, const Proof&) = default;
};

// One write of a batch: a value stores it at `index`, nullopt erases whatever is there.
struct Update {
  Index index = 0;
  std::optional<Hash32> value;
};

namespace detail {

// Large tables are looked up at random; 2 MiB pages (Linux transparent huge pages, requested with
// madvise) spare most of those lookups a TLB miss. Small arrays come from operator new.
template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // implicit: containers rebind allocators
  T* allocate(std::size_t count);
  void deallocate(T* pointer, std::size_t count);
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) { return true; }
};
void* allocate_table_bytes(std::size_t bytes, std::size_t alignment);
void free_table_bytes(void* pointer, std::size_t bytes, std::size_t alignment);

// The SHA-256 state after SHA256("L2/smt/node") twice: node hashes continue it with midstate64_many.
const sha256::Midstate& node_midstate();
// ref::smt::leaf_hash(index, value) through `kernel`: SHA256(SHA256(tag) || SHA256(tag) || index || value).
Hash32 leaf_hash(const sha256::Kernel& kernel, Index index, const Hash32& value);

template <class T>
T* HugePageAllocator<T>::allocate(std::size_t count) {
  return static_cast<T*>(allocate_table_bytes(count * sizeof(T), alignof(T)));
}
template <class T>
void HugePageAllocator<T>::deallocate(T* pointer, std::size_t count) {
  free_table_bytes(pointer, count * sizeof(T), alignof(T));
}

// Open addressing with linear probing and backward-shift deletion, keyed by a parent's prefix
// (always below 2^31). Each slot's key and the occupancy bits of its two children share one
// 64-bit word, probed in a compact array; the payloads sit in a parallel array. Concurrent find()
// and writes to the occupancy or payload of distinct found slots are safe (the words are relaxed
// atomics, since a probe for one key may pass over a slot whose occupancy another thread writes);
// insert, erase and reserve are not, and they move slots.
template <class Payload>
class PairTable {
 public:
  static constexpr std::size_t npos = ~std::size_t{0};

  PairTable() = default;
  PairTable(const PairTable& other);
  PairTable& operator=(const PairTable& other);
  PairTable(PairTable&&) noexcept = default;
  PairTable& operator=(PairTable&&) noexcept = default;
  ~PairTable() = default;

  std::size_t size() const { return size_; }
  std::size_t find(std::uint32_t key) const;
  Payload& payload(std::size_t slot) { return payloads_[slot]; }
  const Payload& payload(std::size_t slot) const { return payloads_[slot]; }
  // Bit c is set when child c (0 left, 1 right) is non-empty.
  u8 occupied_children(std::size_t slot) const;
  void set_occupied_children(std::size_t slot, u8 children);
  // Adds `key`, which must be absent, and returns its slot.
  std::size_t insert(std::uint32_t key);
  void erase(std::uint32_t key);
  void reserve(std::size_t count);

 private:
  using Word = std::atomic<std::uint64_t>;
  static constexpr std::uint64_t free_word = ~std::uint64_t{0};
  std::size_t home_of(std::uint32_t key) const;
  std::uint64_t word(std::size_t slot) const { return words_[slot].load(std::memory_order_relaxed); }
  void rehash(std::size_t new_capacity);

  std::vector<Word, HugePageAllocator<Word>> words_;  // key | occupancy << 32, or free_word
  std::vector<Payload, HugePageAllocator<Payload>> payloads_;
  std::size_t size_ = 0;
  unsigned shift_ = 64;
};

// The two children of one non-empty node, ready to hash: an empty child holds its empty-subtree
// hash. One cache line.
struct alignas(64) NodePair {
  std::array<Hash32, 2> children;
};

// Two neighbouring slots: their leaf hashes (32 zero bytes when empty) and their values.
struct alignas(64) LeafPair {
  std::array<Hash32, 2> leaf_hashes;
  std::array<Hash32, 2> values;
};

// Nodes of one height whose hash a batch changed, sorted by prefix.
struct DirtyNodes {
  std::vector<std::uint32_t> prefixes;
  std::vector<Hash32> hashes;  // the new hash, where !emptied
  std::vector<u8> emptied;     // the subtree lost its last leaf
};

}  // namespace detail

// Keeps, for every non-empty node, the pair of its children's hashes in a flat table per level,
// so a batch finds each dirty node's hashing input with one lookup, and a proof is 32 lookups.
// The result of every operation is independent of the thread count and of the kernel. Copies are
// deep and independent, like the reference Tree's.
class Tree {
 public:
  Tree();  // through default_merkle_kernel()
  explicit Tree(const sha256::Kernel& kernel);

  // Applies `updates` as if one at a time in order: when an index occurs more than once the last
  // update to it wins. Then every dirty node is hashed once, level by level, in parallel batches.
  // `threads`: at most this many TBB threads (0 = TBB's default); small batches stay on this thread.
  void apply_batch(std::span<const Update> updates, unsigned threads = 0);
  void set(Index index, const Hash32& value);
  // Empties the slot; returns whether it held a value.
  bool erase(Index index);

  Hash32 root() const { return root_; }
  std::optional<Hash32> get(Index index) const;
  Proof prove(Index index) const;
  std::size_t size() const { return leaf_count_; }

  const sha256::Kernel& kernel() const { return *kernel_; }
  // empty_subtree_hashes()[h] is the root of an empty subtree of height h; [0] is the empty leaf.
  const std::array<Hash32, depth + 1>& empty_subtree_hashes() const { return empty_hashes_; }

 private:
  void apply_slice(std::span<const Update> updates, bool parallel);
  // Writes the deduplicated leaves (sorted by index) and returns the changed nodes of height 1.
  detail::DirtyNodes update_leaf_pairs(const std::vector<const Update*>& writes, bool parallel);
  // Writes the changed nodes of `height` into their parents' pairs; returns the parents.
  detail::DirtyNodes update_node_pairs(std::size_t height, const detail::DirtyNodes& children, bool parallel);

  const sha256::Kernel* kernel_;
  sha256::Midstate node_midstate_{};
  std::array<Hash32, depth + 1> empty_hashes_{};
  detail::PairTable<detail::LeafPair> leaf_pairs_;  // keyed by index >> 1
  // node_pairs_[h - 1] holds the children at height h (1..31) of each non-empty node at h + 1,
  // keyed by index >> (h + 1).
  std::array<detail::PairTable<detail::NodePair>, depth - 1> node_pairs_;
  Hash32 root_{};
  std::size_t leaf_count_ = 0;
};

// The root of the tree holding exactly `entries`; when an index repeats, the last entry wins.
Hash32 rebuild_root(std::span<const std::pair<Index, Hash32>> entries, unsigned threads = 0);

// ---- Proofs: every function without a kernel argument uses default_merkle_kernel(). ----

// ref::smt::root_from_proof(proof, value): the root `proof` leads to when its slot holds `value`
// (nullopt: empty).
Hash32 root_from_proof(const Proof& proof, const std::optional<Hash32>& value);
Hash32 root_from_proof(const sha256::Kernel& kernel, const Proof& proof, const std::optional<Hash32>& value);

// ref::smt::verify_membership(root, proof, value): smt_root_mismatch [SMT-PRF-1] or none.
PrimitiveError verify_membership(const Hash32& root, const Proof& proof, const Hash32& value);
PrimitiveError verify_membership(const sha256::Kernel& kernel, const Hash32& root, const Proof& proof,
                                 const Hash32& value);

// ref::smt::verify_non_membership(root, proof, opened_value), code for code: smt_root_mismatch
// [SMT-PRF-1], then smt_leaf_not_empty [SMT-NON-1].
PrimitiveError verify_non_membership(const Hash32& root, const Proof& proof,
                                     const std::optional<Hash32>& opened_value = std::nullopt);
PrimitiveError verify_non_membership(const sha256::Kernel& kernel, const Hash32& root, const Proof& proof,
                                     const std::optional<Hash32>& opened_value = std::nullopt);

// ref::smt::verified_root_after_update(old_root, proof, old_value, new_value): the root after the
// proven slot alone changes to `new_value` (nullopt: emptied), or smt_root_mismatch [SMT-PRF-1]
// when the opening does not lead to `old_root`. The old and the new path are hashed side by side,
// two messages per kernel call.
Result<Hash32, PrimitiveError> update_from_proof(const Hash32& old_root, const Proof& proof,
                                                 const std::optional<Hash32>& old_value,
                                                 const std::optional<Hash32>& new_value);
Result<Hash32, PrimitiveError> update_from_proof(const sha256::Kernel& kernel, const Hash32& old_root,
                                                 const Proof& proof, const std::optional<Hash32>& old_value,
                                                 const std::optional<Hash32>& new_value);

// One membership claim: `proof` opens slot proof.index to `value` under `root`.
struct MembershipClaim {
  Hash32 root{};
  Proof proof;
  Hash32 value{};
};

// Claims per lockstep group: a group's 64-byte messages and running hashes (12 KiB) stay in L1
// while its 32 levels are hashed, and a group fills a 16-lane kernel 8 times over per level.
inline constexpr std::size_t claims_per_group = 128;

// results[i] = verify_membership(claims[i]) for i < min(claims.size(), results.size()); results
// beyond claims.size() are left untouched. Each group's leaf hashes are single messages (their
// 36-byte tail after the tag prefix fits no batch kernel); its 32 levels of node hashes go through
// midstate64_many in lockstep, one call per level. `threads`: at most this many TBB threads
// across groups (0 = TBB's default); a batch of fewer than two groups stays on the calling thread.
// Each result is exactly the single verification's, whatever the kernel, the thread count or the
// batch.
void verify_membership_batch(std::span<const MembershipClaim> claims, std::span<PrimitiveError> results,
                             unsigned threads = 0);
void verify_membership_batch(const sha256::Kernel& kernel, std::span<const MembershipClaim> claims,
                             std::span<PrimitiveError> results, unsigned threads = 0);

}  // namespace l2::opt::smt
