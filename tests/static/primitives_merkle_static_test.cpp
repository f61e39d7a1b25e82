// RFC 6962 list tree, checked at compile time against published data: this file compiling is
// the test passing. Expected hashes come from l2/test/rfc6962_published_vectors.hpp, which
// names its source; none were computed here.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "l2/ref/merkle.hpp"
#include "l2/test/rfc6962_published_vectors.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::PrimitiveError;
namespace published = l2::test::rfc6962_published;
namespace rfc6962 = l2::ref::rfc6962;

constexpr Hash32 hash_from_hex(std::string_view hex) { return l2::from_hex<32>(hex); }

constexpr std::vector<Bytes> published_leaves(std::size_t count) {
  std::vector<Bytes> leaves;
  for (std::size_t i = 0; i < count; ++i) leaves.push_back(l2::bytes_from_hex(published::leaf_inputs_hex[i]));
  return leaves;
}

// Constant evaluation of SHA-256 is slow: the leaf hashes are computed once and shared.
constexpr std::array<Hash32, 8> all_published_leaf_hashes = [] {
  std::array<Hash32, 8> hashes{};
  const std::vector<Bytes> leaves = published_leaves(8);
  for (std::size_t i = 0; i < 8; ++i) hashes[i] = rfc6962::leaf_hash(leaves[i]);
  return hashes;
}();

constexpr std::span<const Hash32> published_leaf_hashes(std::size_t count) {
  return std::span<const Hash32>(all_published_leaf_hashes).first(count);
}

template <class Case>
constexpr std::vector<Hash32> published_proof(const Case& c) {
  std::vector<Hash32> proof;
  for (std::size_t i = 0; i < c.proof_length; ++i) proof.push_back(hash_from_hex(c.proof_hex[i]));
  return proof;
}

constexpr Hash32 published_root(std::uint64_t size) { return hash_from_hex(published::roots_hex[size]); }

// MRK-ROOT-1: the empty tree is SHA-256 of the empty string.
static_assert(rfc6962::root_from_leaf_hashes(std::span<const Hash32>{}) ==
              hash_from_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
static_assert(rfc6962::root(std::span<const Bytes>{}) == published_root(0));

constexpr bool leaf_hashes_match_published() {
  const std::span<const Hash32> hashes = published_leaf_hashes(8);
  for (std::size_t i = 0; i < 8; ++i)
    if (hashes[i] != hash_from_hex(published::level0_hex[i])) return false;
  return true;
}
static_assert(leaf_hashes_match_published());

template <std::size_t Children, std::size_t Parents>
constexpr bool level_matches_published(const std::array<std::string_view, Children>& children,
                                       const std::array<std::string_view, Parents>& parents) {
  for (std::size_t i = 0; i < Parents; ++i) {
    const Hash32 parent = rfc6962::node_hash(hash_from_hex(children[2 * i]), hash_from_hex(children[2 * i + 1]));
    if (parent != hash_from_hex(parents[i])) return false;
  }
  return true;
}
static_assert(level_matches_published(published::level0_hex, published::level1_hex));
static_assert(level_matches_published(published::level1_hex, published::level2_hex));
static_assert(level_matches_published(published::level2_hex, published::level3_hex));

// MRK-ROOT-1 for every published size from the leaf hashes, and from the leaves themselves.
constexpr bool roots_match_published() {
  for (std::size_t size = 0; size <= 8; ++size)
    if (rfc6962::root_from_leaf_hashes(published_leaf_hashes(size)) != published_root(size)) return false;
  return true;
}
static_assert(roots_match_published());
static_assert(rfc6962::root(published_leaves(8)) == published_root(8));

constexpr bool inclusion_proofs_match_published() {
  const std::span<const Hash32> leaf_hashes = published_leaf_hashes(8);
  for (const published::InclusionCase& c : published::inclusion_cases) {
    const std::span<const Hash32> tree(leaf_hashes.data(), c.tree_size);
    const std::vector<Hash32> expected = published_proof(c);
    if (rfc6962::inclusion_proof(tree, c.index) != expected) return false;
    if (rfc6962::inclusion_proof_length(c.index, c.tree_size) != c.proof_length) return false;
    if (rfc6962::verify_inclusion(c.index, c.tree_size, leaf_hashes[c.index], expected, published_root(c.tree_size)) !=
        PrimitiveError::none)
      return false;
  }
  return true;
}
static_assert(inclusion_proofs_match_published());

constexpr bool consistency_proofs_match_published() {
  const std::span<const Hash32> leaf_hashes = published_leaf_hashes(8);
  for (const published::ConsistencyCase& c : published::consistency_cases) {
    const std::span<const Hash32> tree(leaf_hashes.data(), c.new_size);
    const std::vector<Hash32> expected = published_proof(c);
    if (rfc6962::consistency_proof(tree, c.old_size) != expected) return false;
    if (rfc6962::consistency_proof_length(c.old_size, c.new_size) != c.proof_length) return false;
    if (rfc6962::verify_consistency(c.old_size, c.new_size, published_root(c.old_size), published_root(c.new_size),
                                    expected) != PrimitiveError::none)
      return false;
  }
  return true;
}
static_assert(consistency_proofs_match_published());

// Rejections, one per rule, on the published (5, 8) inclusion proof and (6, 8) consistency proof.
constexpr PrimitiveError verify_published_inclusion(std::uint64_t index, std::uint64_t tree_size,
                                                    std::size_t keep_hashes, std::size_t flip_hash) {
  const published::InclusionCase& c = published::inclusion_cases[2];
  std::vector<Hash32> proof = published_proof(c);
  proof.resize(keep_hashes);
  if (flip_hash < proof.size()) proof[flip_hash][0] ^= 0x08;
  return rfc6962::verify_inclusion(index, tree_size, hash_from_hex(published::level0_hex[5]), proof, published_root(8));
}
constexpr std::size_t no_flip = 99;
static_assert(verify_published_inclusion(5, 8, 3, no_flip) == PrimitiveError::none);
static_assert(verify_published_inclusion(8, 8, 3, no_flip) == PrimitiveError::merkle_index_out_of_range);
static_assert(verify_published_inclusion(0, 0, 0, no_flip) == PrimitiveError::merkle_index_out_of_range);
static_assert(verify_published_inclusion(5, 8, 2, no_flip) == PrimitiveError::merkle_proof_length);
static_assert(verify_published_inclusion(5, 6, 3, no_flip) == PrimitiveError::merkle_proof_length);
static_assert(verify_published_inclusion(4, 8, 3, no_flip) == PrimitiveError::merkle_root_mismatch);
// A path binds the size only through its shape. Leaf 5 turns the same ways in trees of 7 and 8
// leaves, so the proof for size 8 also reaches root 8 when it is read as a size-7 proof: a root
// must be authenticated together with its size (spec: merkle.md#what-a-proof-binds).
static_assert(verify_published_inclusion(5, 7, 3, no_flip) == PrimitiveError::none);
static_assert(verify_published_inclusion(5, 8, 3, 0) == PrimitiveError::merkle_root_mismatch);
static_assert(verify_published_inclusion(5, 8, 3, 2) == PrimitiveError::merkle_root_mismatch);

constexpr PrimitiveError verify_published_consistency(std::uint64_t old_size, std::uint64_t new_size,
                                                      std::size_t keep_hashes, std::size_t flip_hash,
                                                      std::uint64_t old_root_size = 6) {
  const published::ConsistencyCase& c = published::consistency_cases[2];
  std::vector<Hash32> proof = published_proof(c);
  proof.resize(keep_hashes);
  if (flip_hash < proof.size()) proof[flip_hash][0] ^= 0x10;
  return rfc6962::verify_consistency(old_size, new_size, published_root(old_root_size), published_root(8), proof);
}
static_assert(verify_published_consistency(6, 8, 3, no_flip) == PrimitiveError::none);
static_assert(verify_published_consistency(0, 8, 3, no_flip) == PrimitiveError::merkle_consistency_sizes);
static_assert(verify_published_consistency(8, 6, 3, no_flip) == PrimitiveError::merkle_consistency_sizes);
static_assert(verify_published_consistency(6, 8, 2, no_flip) == PrimitiveError::merkle_consistency_proof_length);
static_assert(verify_published_consistency(4, 8, 3, no_flip) == PrimitiveError::merkle_consistency_proof_length);
static_assert(verify_published_consistency(6, 8, 3, no_flip, 5) == PrimitiveError::merkle_consistency_mismatch);
static_assert(verify_published_consistency(6, 8, 3, 0) == PrimitiveError::merkle_consistency_mismatch);
static_assert(verify_published_consistency(6, 8, 3, 1) == PrimitiveError::merkle_consistency_mismatch);
static_assert(verify_published_consistency(6, 8, 3, 2) == PrimitiveError::merkle_consistency_mismatch);
// As for inclusion, sizes 7 and 8 give the same shape here, so the same proof is accepted.
static_assert(verify_published_consistency(6, 7, 3, no_flip) == PrimitiveError::none);

// Equal sizes need an empty proof and equal roots.
static_assert(rfc6962::verify_consistency(8, 8, published_root(8), published_root(8), std::span<const Hash32>{}) ==
              PrimitiveError::none);
static_assert(rfc6962::verify_consistency(7, 7, published_root(7), published_root(8), std::span<const Hash32>{}) ==
              PrimitiveError::merkle_consistency_mismatch);
constexpr PrimitiveError verify_equal_sizes_with_one_hash() {
  const std::vector<Hash32> proof = {published_root(8)};
  return rfc6962::verify_consistency(8, 8, published_root(8), published_root(8), proof);
}
static_assert(verify_equal_sizes_with_one_hash() == PrimitiveError::merkle_consistency_proof_length);

// A leaf's path length is its depth. In a tree of 2^64 - 1 leaves the first leaf sits under a
// left subtree of 2^63 leaves (depth 1 + 63), the last under 63 right turns over ever smaller
// 2^j - 1 trees: the sizes must not overflow on the way down.
constexpr std::uint64_t max_size = UINT64_MAX;
static_assert(rfc6962::inclusion_proof_length(0, max_size) == 64);
static_assert(rfc6962::inclusion_proof_length(max_size - 1, max_size) == 63);
static_assert(rfc6962::inclusion_proof_length(max_size, max_size) == 0);
static_assert(rfc6962::consistency_proof_length(0, 5) == 0);
static_assert(rfc6962::consistency_proof_length(6, 5) == 0);
// Old tree a power of two: the old root is a subtree of the new one and is left out.
static_assert(rfc6962::consistency_proof_length(std::uint64_t{1} << 63, max_size) == 1);
static_assert(rfc6962::consistency_proof_length(3, 4) == 3);

// Contract breaches get empty proofs.
constexpr bool contract_breaches_give_empty_proofs() {
  const std::span<const Hash32> leaf_hashes = published_leaf_hashes(8);
  return rfc6962::inclusion_proof(leaf_hashes, 8).empty() &&
         rfc6962::inclusion_proof(std::span<const Hash32>{}, 0).empty() &&
         rfc6962::consistency_proof(leaf_hashes, 0).empty() && rfc6962::consistency_proof(leaf_hashes, 9).empty() &&
         rfc6962::consistency_proof(leaf_hashes, 8).empty();
}
static_assert(contract_breaches_give_empty_proofs());

}  // namespace

TEST(PrimitivesMerkleStatic, Compiled) { SUCCEED() << "the static_assert suite compiled, so it passed"; }
