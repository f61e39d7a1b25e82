// The RFC 6962 list tree at run time: the published vectors, then every index and every size up
// to 64 against two oracles written here on OpenSSL's SHA-256:
//   - the RFC 6962 §2.1 recursive definitions (MTH, PATH, SUBPROOF), written straight from the RFC;
//   - the RFC 9162 §2.1.3.2 / §2.1.4.2 verification loops, a differently shaped algorithm.
// Every tampered proof must be rejected with the code of the first rule it breaks.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "l2/ref/merkle.hpp"
#include "l2/test/rfc6962_published_vectors.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::PrimitiveError;
using l2::u8;
namespace published = l2::test::rfc6962_published;
namespace rfc6962 = l2::ref::rfc6962;

namespace oracle {

Hash32 openssl_sha256(const Bytes& message) {
  Hash32 digest{};
  SHA256(message.data(), message.size(), digest.data());
  return digest;
}

Hash32 leaf_hash(const Bytes& data) {
  Bytes message = {0x00};
  message.insert(message.end(), data.begin(), data.end());
  return openssl_sha256(message);
}

Hash32 node_hash(const Hash32& left, const Hash32& right) {
  Bytes message = {0x01};
  message.insert(message.end(), left.begin(), left.end());
  message.insert(message.end(), right.begin(), right.end());
  return openssl_sha256(message);
}

// k: the largest power of two smaller than n (n >= 2), found by doubling.
std::size_t split(std::size_t n) {
  std::size_t k = 1;
  while (2 * k < n) k *= 2;
  return k;
}

Hash32 mth(std::span<const Bytes> leaves) {
  if (leaves.empty()) return openssl_sha256({});
  if (leaves.size() == 1) return leaf_hash(leaves[0]);
  const std::size_t k = split(leaves.size());
  return node_hash(mth(leaves.first(k)), mth(leaves.subspan(k)));
}

std::vector<Hash32> path(std::size_t m, std::span<const Bytes> leaves) {
  if (leaves.size() == 1) return {};
  const std::size_t k = split(leaves.size());
  std::vector<Hash32> out = m < k ? path(m, leaves.first(k)) : path(m - k, leaves.subspan(k));
  out.push_back(m < k ? mth(leaves.subspan(k)) : mth(leaves.first(k)));
  return out;
}

std::vector<Hash32> subproof(std::size_t m, std::span<const Bytes> leaves, bool whole) {
  if (m == leaves.size()) return whole ? std::vector<Hash32>{} : std::vector<Hash32>{mth(leaves)};
  const std::size_t k = split(leaves.size());
  std::vector<Hash32> out = m <= k ? subproof(m, leaves.first(k), whole) : subproof(m - k, leaves.subspan(k), false);
  out.push_back(m <= k ? mth(leaves.subspan(k)) : mth(leaves.first(k)));
  return out;
}

// The bottom-up construction of spec merkle.md#level-by-level-construction: pairs are hashed,
// an odd last node is carried up unchanged. The optimized engine builds trees this way.
std::vector<std::vector<Hash32>> level_by_level(std::span<const Bytes> leaves) {
  std::vector<std::vector<Hash32>> levels(1);
  for (const Bytes& leaf : leaves) levels[0].push_back(leaf_hash(leaf));
  while (levels.back().size() > 1) {
    const std::vector<Hash32>& below = levels.back();
    std::vector<Hash32> above;
    for (std::size_t i = 0; i + 1 < below.size(); i += 2) above.push_back(node_hash(below[i], below[i + 1]));
    if (below.size() % 2 == 1) above.push_back(below.back());
    levels.push_back(above);
  }
  return levels;
}

// The spec's corollary: the pair partners met walking up from leaf m, skipping carried levels.
std::vector<Hash32> level_by_level_path(std::size_t m, const std::vector<std::vector<Hash32>>& levels) {
  std::vector<Hash32> out;
  std::size_t position = m;
  for (std::size_t level = 0; level + 1 < levels.size(); ++level) {
    const std::size_t partner = position ^ 1;
    if (partner < levels[level].size()) out.push_back(levels[level][partner]);
    position /= 2;
  }
  return out;
}

// RFC 9162 §2.1.3.2 steps 2-5, returning r when the path is well formed (sn ends at 0).
std::optional<Hash32> rfc9162_inclusion_root(std::uint64_t leaf_index, std::uint64_t tree_size, const Hash32& hash,
                                             std::span<const Hash32> inclusion_path) {
  if (leaf_index >= tree_size) return std::nullopt;
  std::uint64_t fn = leaf_index;
  std::uint64_t sn = tree_size - 1;
  Hash32 r = hash;
  for (const Hash32& p : inclusion_path) {
    if (sn == 0) return std::nullopt;
    if ((fn & 1) == 1 || fn == sn) {
      r = node_hash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return std::nullopt;
  return r;
}

// RFC 9162 §2.1.4.2 for first < second, returning (fr, sr) when the path is well formed.
std::optional<std::pair<Hash32, Hash32>> rfc9162_consistency_roots(std::uint64_t first, std::uint64_t second,
                                                                   const Hash32& first_hash,
                                                                   std::span<const Hash32> consistency_path) {
  if (first == 0 || first >= second || consistency_path.empty()) return std::nullopt;
  std::vector<Hash32> values(consistency_path.begin(), consistency_path.end());
  if ((first & (first - 1)) == 0) values.insert(values.begin(), first_hash);
  std::uint64_t fn = first - 1;
  std::uint64_t sn = second - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash32 fr = values[0];
  Hash32 sr = values[0];
  for (std::size_t i = 1; i < values.size(); ++i) {
    const Hash32& c = values[i];
    if (sn == 0) return std::nullopt;
    if ((fn & 1) == 1 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return std::nullopt;
  return std::pair{fr, sr};
}

// The path lengths the RFC 9162 loops accept, counted by running them without hashes.
std::size_t rfc9162_inclusion_length(std::uint64_t leaf_index, std::uint64_t tree_size) {
  std::uint64_t fn = leaf_index;
  std::uint64_t sn = tree_size - 1;
  std::size_t length = 0;
  while (sn != 0) {
    if ((fn & 1) == 0 && fn == sn) {
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    }
    fn >>= 1;
    sn >>= 1;
    ++length;
  }
  return length;
}

std::size_t rfc9162_consistency_length(std::uint64_t first, std::uint64_t second) {
  if (first == second) return 0;
  std::uint64_t fn = first - 1;
  std::uint64_t sn = second - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  std::size_t values = 1;
  while (sn != 0) {
    if ((fn & 1) == 0 && fn == sn) {
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    }
    fn >>= 1;
    sn >>= 1;
    ++values;
  }
  const bool first_is_power_of_two = (first & (first - 1)) == 0;
  return first_is_power_of_two ? values - 1 : values;
}

// The code a conforming verifier returns: the first broken rule, judged by the oracles.
PrimitiveError expected_inclusion_code(std::uint64_t index, std::uint64_t size, const Hash32& leaf,
                                       std::span<const Hash32> proof, const Hash32& root) {
  if (index >= size) return PrimitiveError::merkle_index_out_of_range;
  if (proof.size() != rfc9162_inclusion_length(index, size)) return PrimitiveError::merkle_proof_length;
  const std::optional<Hash32> reached = rfc9162_inclusion_root(index, size, leaf, proof);
  if (!reached.has_value() || *reached != root) return PrimitiveError::merkle_root_mismatch;
  return PrimitiveError::none;
}

PrimitiveError expected_consistency_code(std::uint64_t old_size, std::uint64_t new_size, const Hash32& old_root,
                                         const Hash32& new_root, std::span<const Hash32> proof) {
  if (old_size == 0 || old_size > new_size) return PrimitiveError::merkle_consistency_sizes;
  if (proof.size() != rfc9162_consistency_length(old_size, new_size))
    return PrimitiveError::merkle_consistency_proof_length;
  if (old_size == new_size)
    return old_root == new_root ? PrimitiveError::none : PrimitiveError::merkle_consistency_mismatch;
  const auto roots = rfc9162_consistency_roots(old_size, new_size, old_root, proof);
  if (!roots.has_value() || roots->first != old_root || roots->second != new_root)
    return PrimitiveError::merkle_consistency_mismatch;
  return PrimitiveError::none;
}

}  // namespace oracle

Hash32 hash_from_hex(std::string_view hex) { return l2::from_hex<32>(hex); }

std::vector<Bytes> published_leaves() {
  std::vector<Bytes> leaves;
  for (std::string_view hex : published::leaf_inputs_hex) leaves.push_back(l2::bytes_from_hex(hex));
  return leaves;
}

template <class Case>
std::vector<Hash32> published_proof(const Case& c) {
  std::vector<Hash32> proof;
  for (std::size_t i = 0; i < c.proof_length; ++i) proof.push_back(hash_from_hex(c.proof_hex[i]));
  return proof;
}

// Distinct leaves of varied length (0 to 40 bytes), so that no two subtrees hash alike and every
// tampering is visible.
std::vector<Bytes> test_leaves(std::size_t count) {
  std::vector<Bytes> leaves;
  for (std::size_t i = 0; i < count; ++i) {
    Bytes leaf;
    if (i != 0) leaf = {static_cast<u8>(i), static_cast<u8>(i >> 8)};
    for (std::size_t j = 0; j < (i * 7) % 39; ++j) leaf.push_back(static_cast<u8>(i * 31 + j));
    leaves.push_back(leaf);
  }
  return leaves;
}

std::vector<Hash32> leaf_hashes_of(std::span<const Bytes> leaves) {
  std::vector<Hash32> hashes;
  for (const Bytes& leaf : leaves) hashes.push_back(rfc6962::leaf_hash(leaf));
  return hashes;
}

std::string describe(std::uint64_t a, std::uint64_t b) { return std::to_string(a) + "/" + std::to_string(b); }

constexpr std::size_t max_size = 64;
constexpr std::uint64_t u64_max = UINT64_MAX;

TEST(PrimitivesMerkle, PublishedHashesAndRoots) {
  const std::vector<Bytes> leaves = published_leaves();
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    EXPECT_EQ(rfc6962::leaf_hash(leaves[i]), hash_from_hex(published::level0_hex[i])) << i;
    EXPECT_EQ(oracle::leaf_hash(leaves[i]), hash_from_hex(published::level0_hex[i])) << i;
  }
  for (std::size_t size = 0; size <= leaves.size(); ++size) {
    const std::span<const Bytes> tree(leaves.data(), size);
    EXPECT_EQ(rfc6962::root(tree), hash_from_hex(published::roots_hex[size])) << size;
    EXPECT_EQ(oracle::mth(tree), hash_from_hex(published::roots_hex[size])) << size;
  }
}

TEST(PrimitivesMerkle, PublishedProofs) {
  const std::vector<Bytes> leaves = published_leaves();
  const std::vector<Hash32> leaf_hashes = leaf_hashes_of(leaves);
  for (const published::InclusionCase& c : published::inclusion_cases) {
    const std::vector<Hash32> expected = published_proof(c);
    const Hash32 root = hash_from_hex(published::roots_hex[c.tree_size]);
    EXPECT_EQ(rfc6962::inclusion_proof(std::span(leaf_hashes).first(c.tree_size), c.index), expected);
    EXPECT_EQ(rfc6962::verify_inclusion(c.index, c.tree_size, leaf_hashes[c.index], expected, root),
              PrimitiveError::none);
    EXPECT_EQ(oracle::rfc9162_inclusion_root(c.index, c.tree_size, leaf_hashes[c.index], expected), root);
  }
  for (const published::ConsistencyCase& c : published::consistency_cases) {
    const std::vector<Hash32> expected = published_proof(c);
    const Hash32 old_root = hash_from_hex(published::roots_hex[c.old_size]);
    const Hash32 new_root = hash_from_hex(published::roots_hex[c.new_size]);
    EXPECT_EQ(rfc6962::consistency_proof(std::span(leaf_hashes).first(c.new_size), c.old_size), expected);
    EXPECT_EQ(rfc6962::verify_consistency(c.old_size, c.new_size, old_root, new_root, expected), PrimitiveError::none);
    EXPECT_EQ(oracle::expected_consistency_code(c.old_size, c.new_size, old_root, new_root, expected),
              PrimitiveError::none);
  }
}

TEST(PrimitivesMerkle, RootsMatchOracle) {
  const std::vector<Bytes> leaves = test_leaves(2 * max_size + 1);
  for (std::size_t size = 0; size <= leaves.size(); ++size) {
    const std::span<const Bytes> tree(leaves.data(), size);
    ASSERT_EQ(rfc6962::root(tree), oracle::mth(tree)) << size;
  }
}

// The equivalence the optimized engine relies on (spec merkle.md#level-by-level-construction).
TEST(PrimitivesMerkle, LevelByLevelConstructionEqualsSplitDefinition) {
  const std::vector<Bytes> leaves = test_leaves(2 * max_size + 1);
  for (std::size_t size = 1; size <= leaves.size(); ++size) {
    const std::span<const Bytes> tree(leaves.data(), size);
    const std::vector<std::vector<Hash32>> levels = oracle::level_by_level(tree);
    ASSERT_EQ(levels.back().size(), 1U);
    ASSERT_EQ(levels.back()[0], rfc6962::root(tree)) << size;
    if (size > max_size) continue;
    const std::vector<Hash32> leaf_hashes = leaf_hashes_of(tree);
    for (std::size_t index = 0; index < size; ++index)
      ASSERT_EQ(oracle::level_by_level_path(index, levels), rfc6962::inclusion_proof(leaf_hashes, index))
          << describe(index, size);
  }
}

// Every variation of one valid inclusion proof that a careless verifier might accept.
void expect_inclusion_tampering_rejected(std::uint64_t index, std::uint64_t size, const Hash32& leaf,
                                         const std::vector<Hash32>& proof, const Hash32& root) {
  const auto check = [&](std::uint64_t i, std::uint64_t n, const Hash32& l, const std::vector<Hash32>& p,
                         const Hash32& r, const char* what) {
    const PrimitiveError expected = oracle::expected_inclusion_code(i, n, l, p, r);
    ASSERT_EQ(rfc6962::verify_inclusion(i, n, l, p, r), expected) << what << " at " << describe(index, size);
  };
  for (std::size_t element = 0; element < proof.size(); ++element) {
    for (std::size_t bit : {std::size_t{0}, std::size_t{131}, std::size_t{255}}) {
      std::vector<Hash32> flipped = proof;
      flipped[element][bit / 8] ^= static_cast<u8>(1U << (bit % 8));
      ASSERT_EQ(rfc6962::verify_inclusion(index, size, leaf, flipped, root), PrimitiveError::merkle_root_mismatch)
          << "bit " << bit << " of element " << element << " at " << describe(index, size);
    }
  }
  for (std::uint64_t other : {index - 1, index + 1, index ^ 2, size, size + 1, u64_max})
    if (other != index) check(other, size, leaf, proof, root, "wrong index");
  for (std::uint64_t other : {index, index + 1, size - 1, size + 1, 2 * size, size / 2, u64_max})
    if (other != size) check(index, other, leaf, proof, root, "wrong size");
  std::vector<Hash32> longer = proof;
  longer.push_back(root);
  ASSERT_EQ(rfc6962::verify_inclusion(index, size, leaf, longer, root), PrimitiveError::merkle_proof_length);
  longer = proof;
  longer.insert(longer.begin(), leaf);
  ASSERT_EQ(rfc6962::verify_inclusion(index, size, leaf, longer, root), PrimitiveError::merkle_proof_length);
  if (!proof.empty()) {
    const std::vector<Hash32> without_last(proof.begin(), proof.end() - 1);
    const std::vector<Hash32> without_first(proof.begin() + 1, proof.end());
    ASSERT_EQ(rfc6962::verify_inclusion(index, size, leaf, without_last, root), PrimitiveError::merkle_proof_length);
    ASSERT_EQ(rfc6962::verify_inclusion(index, size, leaf, without_first, root), PrimitiveError::merkle_proof_length);
  }
  Hash32 other_leaf = leaf;
  other_leaf[31] ^= 0x01;
  ASSERT_EQ(rfc6962::verify_inclusion(index, size, other_leaf, proof, root), PrimitiveError::merkle_root_mismatch);
  Hash32 other_root = root;
  other_root[0] ^= 0x80;
  ASSERT_EQ(rfc6962::verify_inclusion(index, size, leaf, proof, other_root), PrimitiveError::merkle_root_mismatch);
}

TEST(PrimitivesMerkle, EveryInclusionProofUpTo64) {
  const std::vector<Bytes> leaves = test_leaves(max_size);
  const std::vector<Hash32> leaf_hashes = leaf_hashes_of(leaves);
  for (std::uint64_t size = 1; size <= max_size; ++size) {
    const std::span<const Bytes> tree(leaves.data(), size);
    const std::span<const Hash32> tree_hashes(leaf_hashes.data(), size);
    const Hash32 root = rfc6962::root_from_leaf_hashes(tree_hashes);
    for (std::uint64_t index = 0; index < size; ++index) {
      const std::vector<Hash32> proof = rfc6962::inclusion_proof(tree_hashes, index);
      ASSERT_EQ(proof, oracle::path(index, tree)) << describe(index, size);
      ASSERT_EQ(proof.size(), rfc6962::inclusion_proof_length(index, size));
      ASSERT_EQ(proof.size(), oracle::rfc9162_inclusion_length(index, size));
      ASSERT_EQ(rfc6962::verify_inclusion(index, size, leaf_hashes[index], proof, root), PrimitiveError::none);
      ASSERT_EQ(oracle::rfc9162_inclusion_root(index, size, leaf_hashes[index], proof), root);
      expect_inclusion_tampering_rejected(index, size, leaf_hashes[index], proof, root);
    }
    // Contract breach: no proof for a leaf outside the tree.
    EXPECT_TRUE(rfc6962::inclusion_proof(tree_hashes, size).empty());
  }
}

void expect_consistency_tampering_rejected(std::uint64_t old_size, std::uint64_t new_size, const Hash32& old_root,
                                           const Hash32& new_root, const std::vector<Hash32>& proof) {
  const auto check = [&](std::uint64_t m, std::uint64_t n, const Hash32& r1, const Hash32& r2,
                         const std::vector<Hash32>& p, const char* what) {
    const PrimitiveError expected = oracle::expected_consistency_code(m, n, r1, r2, p);
    ASSERT_EQ(rfc6962::verify_consistency(m, n, r1, r2, p), expected) << what << " at " << describe(old_size, new_size);
  };
  for (std::size_t element = 0; element < proof.size(); ++element) {
    for (std::size_t bit : {std::size_t{4}, std::size_t{200}}) {
      std::vector<Hash32> flipped = proof;
      flipped[element][bit / 8] ^= static_cast<u8>(1U << (bit % 8));
      ASSERT_EQ(rfc6962::verify_consistency(old_size, new_size, old_root, new_root, flipped),
                PrimitiveError::merkle_consistency_mismatch)
          << "bit " << bit << " of element " << element << " at " << describe(old_size, new_size);
    }
  }
  for (std::uint64_t other : {std::uint64_t{0}, old_size - 1, old_size + 1, old_size ^ 2, new_size + 1, u64_max})
    if (other != old_size) check(other, new_size, old_root, new_root, proof, "wrong old size");
  for (std::uint64_t other : {old_size - 1, old_size, new_size - 1, new_size + 1, 2 * new_size, new_size / 2, u64_max})
    if (other != new_size) check(old_size, other, old_root, new_root, proof, "wrong new size");
  check(old_size, new_size, new_root, old_root, proof, "swapped roots");
  // The old root alone: for an old size that is not a power of two, nothing but the old-root
  // comparison looks at it.
  Hash32 other_old_root = old_root;
  other_old_root[7] ^= 0x04;
  ASSERT_EQ(rfc6962::verify_consistency(old_size, new_size, other_old_root, new_root, proof),
            PrimitiveError::merkle_consistency_mismatch)
      << "wrong old root at " << describe(old_size, new_size);
  Hash32 other_new_root = new_root;
  other_new_root[31] ^= 0x40;
  ASSERT_EQ(rfc6962::verify_consistency(old_size, new_size, old_root, other_new_root, proof),
            PrimitiveError::merkle_consistency_mismatch)
      << "wrong new root at " << describe(old_size, new_size);
  ASSERT_NE(rfc6962::verify_consistency(old_size, new_size, new_root, old_root, proof), PrimitiveError::none)
      << "swapped roots at " << describe(old_size, new_size);
  std::vector<Hash32> changed = proof;
  changed.push_back(new_root);
  ASSERT_EQ(rfc6962::verify_consistency(old_size, new_size, old_root, new_root, changed),
            PrimitiveError::merkle_consistency_proof_length);
  changed = proof;
  changed.insert(changed.begin(), old_root);
  ASSERT_EQ(rfc6962::verify_consistency(old_size, new_size, old_root, new_root, changed),
            PrimitiveError::merkle_consistency_proof_length);
  changed = proof;
  changed.pop_back();
  ASSERT_EQ(rfc6962::verify_consistency(old_size, new_size, old_root, new_root, changed),
            PrimitiveError::merkle_consistency_proof_length);
  ASSERT_EQ(rfc6962::verify_consistency(old_size, new_size, old_root, new_root, std::span<const Hash32>{}),
            PrimitiveError::merkle_consistency_proof_length);
}

TEST(PrimitivesMerkle, EveryConsistencyProofUpTo64) {
  const std::vector<Bytes> leaves = test_leaves(max_size);
  const std::vector<Hash32> leaf_hashes = leaf_hashes_of(leaves);
  std::vector<Hash32> roots;
  for (std::size_t size = 0; size <= max_size; ++size)
    roots.push_back(rfc6962::root_from_leaf_hashes(std::span(leaf_hashes).first(size)));
  for (std::uint64_t new_size = 1; new_size <= max_size; ++new_size) {
    const std::span<const Bytes> tree(leaves.data(), new_size);
    const std::span<const Hash32> tree_hashes(leaf_hashes.data(), new_size);
    for (std::uint64_t old_size = 1; old_size <= new_size; ++old_size) {
      const std::vector<Hash32> proof = rfc6962::consistency_proof(tree_hashes, old_size);
      ASSERT_EQ(proof, oracle::subproof(old_size, tree, true)) << describe(old_size, new_size);
      ASSERT_EQ(proof.size(), rfc6962::consistency_proof_length(old_size, new_size));
      ASSERT_EQ(proof.size(), oracle::rfc9162_consistency_length(old_size, new_size));
      ASSERT_EQ(rfc6962::verify_consistency(old_size, new_size, roots[old_size], roots[new_size], proof),
                PrimitiveError::none)
          << describe(old_size, new_size);
      if (old_size == new_size) continue;
      const auto rfc9162_roots = oracle::rfc9162_consistency_roots(old_size, new_size, roots[old_size], proof);
      ASSERT_TRUE(rfc9162_roots.has_value());
      ASSERT_EQ(rfc9162_roots->first, roots[old_size]);
      ASSERT_EQ(rfc9162_roots->second, roots[new_size]);
      expect_consistency_tampering_rejected(old_size, new_size, roots[old_size], roots[new_size], proof);
    }
    // Equal sizes: only the empty proof and equal roots.
    const std::vector<Hash32> one_hash = {roots[new_size]};
    EXPECT_EQ(rfc6962::verify_consistency(new_size, new_size, roots[new_size], roots[new_size], one_hash),
              PrimitiveError::merkle_consistency_proof_length);
    EXPECT_EQ(rfc6962::verify_consistency(new_size, new_size, roots[new_size], roots[new_size - 1],
                                          std::span<const Hash32>{}),
              PrimitiveError::merkle_consistency_mismatch);
    // Contract breaches: no proof from an empty or a larger tree.
    EXPECT_TRUE(rfc6962::consistency_proof(tree_hashes, 0).empty());
    EXPECT_TRUE(rfc6962::consistency_proof(tree_hashes, new_size + 1).empty());
  }
}

// Sizes no test can materialise: near powers of two (where the split moves), and the u64 edge
// (where a careless 2k < n overflows). Paths of the right length with arbitrary hashes must
// reach the same root as the RFC 9162 loop computes; one hash more or less is a length error.
std::vector<std::uint64_t> boundary_sizes() {
  std::vector<std::uint64_t> sizes = {1, 2, 3, u64_max, u64_max - 1, (u64_max >> 1) + 2};
  for (int shift = 2; shift < 64; shift += 5) {
    const std::uint64_t power = std::uint64_t{1} << shift;
    sizes.insert(sizes.end(), {power - 1, power, power + 1});
  }
  return sizes;
}

TEST(PrimitivesMerkle, HugeTreesAgreeWithRfc9162) {
  std::mt19937_64 random(6962);
  const auto random_hash = [&] {
    Hash32 hash{};
    for (u8& byte : hash) byte = static_cast<u8>(random());
    return hash;
  };
  for (std::uint64_t size : boundary_sizes()) {
    for (std::uint64_t index : {std::uint64_t{0}, size / 2, size - 1, random() % size}) {
      const Hash32 leaf = random_hash();
      std::vector<Hash32> proof(rfc6962::inclusion_proof_length(index, size));
      for (Hash32& hash : proof) hash = random_hash();
      const std::optional<Hash32> root = oracle::rfc9162_inclusion_root(index, size, leaf, proof);
      ASSERT_TRUE(root.has_value()) << describe(index, size);
      ASSERT_EQ(rfc6962::verify_inclusion(index, size, leaf, proof, *root), PrimitiveError::none);
      proof.push_back(random_hash());
      ASSERT_EQ(rfc6962::verify_inclusion(index, size, leaf, proof, *root), PrimitiveError::merkle_proof_length);
      ASSERT_FALSE(oracle::rfc9162_inclusion_root(index, size, leaf, proof).has_value());
    }
    for (std::uint64_t old_size : {std::uint64_t{1}, size / 2 + 1, size - 1, random() % size + 1}) {
      if (old_size == 0 || old_size >= size) continue;
      const Hash32 given_old_root = random_hash();
      std::vector<Hash32> proof(rfc6962::consistency_proof_length(old_size, size));
      for (Hash32& hash : proof) hash = random_hash();
      const auto roots = oracle::rfc9162_consistency_roots(old_size, size, given_old_root, proof);
      ASSERT_TRUE(roots.has_value()) << describe(old_size, size);
      ASSERT_EQ(rfc6962::verify_consistency(old_size, size, roots->first, roots->second, proof), PrimitiveError::none)
          << describe(old_size, size);
      proof.pop_back();
      ASSERT_EQ(rfc6962::verify_consistency(old_size, size, roots->first, roots->second, proof),
                PrimitiveError::merkle_consistency_proof_length);
    }
  }
}

}  // namespace
