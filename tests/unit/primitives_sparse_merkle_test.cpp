// The account tree against an oracle written here on OpenSSL's SHA-256: tagged hashes built by
// hand, and the root built bottom-up, level by level, from a std::map. Neither shares code with
// the reference's top-down rebuild or its incremental Tree.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include "l2/ref/sparse_merkle.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::PrimitiveError;
using l2::u8;
namespace smt = l2::ref::smt;

namespace oracle {

Hash32 openssl_sha256(const Bytes& message) {
  Hash32 digest{};
  SHA256(message.data(), message.size(), digest.data());
  return digest;
}

Hash32 tagged(std::string_view tag, const Bytes& message) {
  const Hash32 tag_hash = openssl_sha256(Bytes(tag.begin(), tag.end()));
  Bytes input(tag_hash.begin(), tag_hash.end());
  input.insert(input.end(), tag_hash.begin(), tag_hash.end());
  input.insert(input.end(), message.begin(), message.end());
  return openssl_sha256(input);
}

Hash32 leaf(std::uint32_t index, const Hash32& value) {
  Bytes message = {static_cast<u8>(index >> 24), static_cast<u8>(index >> 16), static_cast<u8>(index >> 8),
                   static_cast<u8>(index)};
  message.insert(message.end(), value.begin(), value.end());
  return tagged("L2/smt/leaf", message);
}

Hash32 node(const Hash32& left, const Hash32& right) {
  Bytes message(left.begin(), left.end());
  message.insert(message.end(), right.begin(), right.end());
  return tagged("L2/smt/node", message);
}

std::array<Hash32, 33> empty_hashes() {
  std::array<Hash32, 33> hashes{};
  for (std::size_t height = 0; height < 32; ++height) hashes[height + 1] = node(hashes[height], hashes[height]);
  return hashes;
}

// levels[h]: position -> hash of every non-empty node of height h.
using Levels = std::array<std::map<std::uint64_t, Hash32>, 33>;

Levels build_levels(const std::map<std::uint32_t, Hash32>& slots) {
  const std::array<Hash32, 33> empty = empty_hashes();
  Levels levels;
  for (const auto& [index, value] : slots) levels[0][index] = leaf(index, value);
  for (std::size_t height = 0; height < 32; ++height) {
    const auto& children = levels[height];
    for (const auto& [position, hash] : children) {
      const std::uint64_t left = position & ~std::uint64_t{1};
      const auto left_it = children.find(left);
      const auto right_it = children.find(left + 1);
      const Hash32 left_hash = left_it != children.end() ? left_it->second : empty[height];
      const Hash32 right_hash = right_it != children.end() ? right_it->second : empty[height];
      levels[height + 1][position >> 1] = node(left_hash, right_hash);
    }
  }
  return levels;
}

Hash32 root(const std::map<std::uint32_t, Hash32>& slots) {
  const Levels levels = build_levels(slots);
  return levels[32].empty() ? empty_hashes()[32] : levels[32].at(0);
}

std::array<Hash32, 32> siblings(const Levels& levels, std::uint32_t index) {
  const std::array<Hash32, 33> empty = empty_hashes();
  std::array<Hash32, 32> out{};
  for (std::size_t height = 0; height < 32; ++height) {
    const std::uint64_t sibling = (std::uint64_t{index} >> height) ^ 1;
    const auto it = levels[height].find(sibling);
    out[height] = it != levels[height].end() ? it->second : empty[height];
  }
  return out;
}

}  // namespace oracle

Hash32 value_from(std::uint64_t seed) {
  Hash32 value{};
  for (std::size_t i = 0; i < value.size(); ++i) value[i] = static_cast<u8>((seed >> (8 * (i % 8))) + i);
  return value;
}

smt::Tree tree_of(const std::map<std::uint32_t, Hash32>& slots) {
  smt::Tree tree;
  for (const auto& [index, value] : slots) tree.set(index, value);
  return tree;
}

std::vector<smt::Leaf> leaves_of(const std::map<std::uint32_t, Hash32>& slots) {
  return std::vector<smt::Leaf>(slots.begin(), slots.end());
}

TEST(PrimitivesSparseMerkle, HashesMatchOpenSsl) {
  EXPECT_EQ(smt::empty_hashes, oracle::empty_hashes());
  EXPECT_EQ(smt::empty_subtree_hashes(), oracle::empty_hashes());
  // 0x01020304 shows the index is encoded big-endian.
  for (std::uint32_t index : {0U, 1U, 0x01020304U, 0x80000000U, 0xffffffffU}) {
    EXPECT_EQ(smt::leaf_hash(index, value_from(index)), oracle::leaf(index, value_from(index))) << index;
    EXPECT_EQ(smt::leaf_hash(index, Hash32{}), oracle::leaf(index, Hash32{})) << index;
  }
  EXPECT_EQ(smt::node_hash(value_from(1), value_from(2)), oracle::node(value_from(1), value_from(2)));
}

// Pairs chosen for where their paths part: at the leaf (0/1, fffffffe/ffffffff), at the root
// (7fffffff/80000000), nowhere but the root (0/ffffffff); single slots at both ends.
const std::vector<std::map<std::uint32_t, Hash32>>& boundary_trees() {
  static const std::vector<std::map<std::uint32_t, Hash32>> trees = {
      {},
      {{0, value_from(10)}},
      {{0xffffffff, value_from(11)}},
      {{0, value_from(12)}, {1, value_from(13)}},
      {{0xfffffffe, value_from(14)}, {0xffffffff, value_from(15)}},
      {{0x7fffffff, value_from(16)}, {0x80000000, value_from(17)}},
      {{0, value_from(18)}, {0xffffffff, value_from(19)}},
      {{0, Hash32{}}, {2, Hash32{}}, {0x55555555, value_from(20)}, {0xaaaaaaaa, value_from(21)}},
  };
  return trees;
}

TEST(PrimitivesSparseMerkle, BoundaryTreesMatchOracle) {
  for (const auto& slots : boundary_trees()) {
    const smt::Tree tree = tree_of(slots);
    const Hash32 root = oracle::root(slots);
    const std::vector<smt::Leaf> leaves = leaves_of(slots);
    const oracle::Levels levels = oracle::build_levels(slots);
    ASSERT_EQ(tree.root(), root) << slots.size();
    ASSERT_EQ(smt::rebuild_root(leaves), root);
    ASSERT_EQ(tree.size(), slots.size());
    for (std::uint32_t index : {0U, 1U, 2U, 3U, 0x7fffffffU, 0x80000000U, 0xfffffffeU, 0xffffffffU}) {
      const smt::Proof proof = tree.prove(index);
      ASSERT_EQ(proof.index, index);
      ASSERT_EQ(proof.siblings, oracle::siblings(levels, index)) << index;
      const auto slot = slots.find(index);
      if (slot != slots.end()) {
        ASSERT_EQ(tree.get(index), slot->second);
        ASSERT_EQ(smt::verify_membership(root, proof, slot->second), PrimitiveError::none);
        ASSERT_EQ(smt::verify_non_membership(root, proof), PrimitiveError::smt_root_mismatch);
        ASSERT_EQ(smt::verify_non_membership(root, proof, slot->second), PrimitiveError::smt_leaf_not_empty);
      } else {
        ASSERT_FALSE(tree.get(index).has_value());
        ASSERT_EQ(smt::verify_non_membership(root, proof), PrimitiveError::none);
        ASSERT_EQ(smt::verify_membership(root, proof, Hash32{}), PrimitiveError::smt_root_mismatch);
      }
    }
  }
}

TEST(PrimitivesSparseMerkle, RandomTreeMatchesOracle) {
  std::mt19937_64 random(32);
  std::map<std::uint32_t, Hash32> slots;
  for (int i = 0; i < 150; ++i) slots[static_cast<std::uint32_t>(random())] = value_from(random());
  // Dense clusters, so that interior nodes have two non-empty children at every height.
  for (std::uint32_t i = 0; i < 40; ++i) slots[0x12345600U + i] = value_from(i);
  smt::Tree tree = tree_of(slots);
  ASSERT_EQ(tree.root(), oracle::root(slots));
  ASSERT_EQ(smt::rebuild_root(leaves_of(slots)), oracle::root(slots));
  const oracle::Levels levels = oracle::build_levels(slots);
  for (const auto& [index, value] : slots) {
    ASSERT_EQ(tree.prove(index).siblings, oracle::siblings(levels, index));
    ASSERT_EQ(smt::verify_membership(tree.root(), tree.prove(index), value), PrimitiveError::none);
  }
  std::vector<std::uint32_t> erased;
  for (const auto& [index, value] : slots)
    if (index % 2 == 0) erased.push_back(index);
  for (std::uint32_t index : erased) {
    ASSERT_TRUE(tree.erase(index));
    slots.erase(index);
  }
  ASSERT_EQ(tree.root(), oracle::root(slots));
  ASSERT_EQ(tree.size(), slots.size());
}

TEST(PrimitivesSparseMerkle, SetAndEraseEdgeCases) {
  smt::Tree tree;
  const Hash32 empty_root = tree.root();
  EXPECT_EQ(empty_root, smt::empty_hashes[smt::depth]);
  EXPECT_FALSE(tree.erase(7));
  EXPECT_EQ(tree.root(), empty_root);

  // An all-zero value occupies its slot: the empty leaf is not a hash of anything.
  tree.set(7, Hash32{});
  EXPECT_NE(tree.root(), empty_root);
  EXPECT_EQ(tree.get(7), Hash32{});
  EXPECT_EQ(smt::verify_non_membership(tree.root(), tree.prove(7)), PrimitiveError::smt_root_mismatch);
  EXPECT_EQ(smt::verify_non_membership(tree.root(), tree.prove(7), Hash32{}), PrimitiveError::smt_leaf_not_empty);

  const Hash32 with_zero = tree.root();
  tree.set(7, Hash32{});
  EXPECT_EQ(tree.root(), with_zero) << "setting the same value again changes nothing";
  tree.set(7, value_from(7));
  EXPECT_EQ(tree.root(), oracle::root({{7, value_from(7)}})) << "overwrite";
  EXPECT_EQ(tree.size(), 1U);
  EXPECT_TRUE(tree.erase(7));
  EXPECT_FALSE(tree.erase(7));
  EXPECT_EQ(tree.root(), empty_root);
  EXPECT_EQ(tree.size(), 0U);
}

TEST(PrimitivesSparseMerkle, RebuildTakesAnyOrderAndLastWriteWins) {
  const std::vector<smt::Leaf> in_order = {{1, value_from(1)}, {5, value_from(5)}, {0xffffffff, value_from(9)}};
  const std::vector<smt::Leaf> shuffled_with_repeat = {
      {0xffffffff, value_from(0)}, {5, value_from(5)}, {1, value_from(1)}, {0xffffffff, value_from(9)}};
  EXPECT_EQ(smt::rebuild_root(shuffled_with_repeat), smt::rebuild_root(in_order));
  const std::map<std::uint32_t, Hash32> slots = {{1, value_from(1)}, {5, value_from(5)}, {0xffffffff, value_from(9)}};
  EXPECT_EQ(smt::rebuild_root(in_order), oracle::root(slots));
}

TEST(PrimitivesSparseMerkle, TamperedProofsAreRejected) {
  const auto& slots = boundary_trees().back();
  const smt::Tree tree = tree_of(slots);
  const Hash32 root = tree.root();
  const std::uint32_t present = 0x55555555;
  const std::uint32_t absent = 0x55555554;
  for (std::size_t height = 0; height < smt::depth; ++height) {
    for (std::size_t bit : {std::size_t{0}, std::size_t{255}}) {
      smt::Proof membership = tree.prove(present);
      membership.siblings[height][bit / 8] ^= static_cast<u8>(1U << (bit % 8));
      ASSERT_EQ(smt::verify_membership(root, membership, slots.at(present)), PrimitiveError::smt_root_mismatch)
          << height;
      smt::Proof absence = tree.prove(absent);
      absence.siblings[height][bit / 8] ^= static_cast<u8>(1U << (bit % 8));
      ASSERT_EQ(smt::verify_non_membership(root, absence), PrimitiveError::smt_root_mismatch) << height;
    }
    // The same siblings read for another slot: the index picks the side at every height.
    smt::Proof moved = tree.prove(present);
    moved.index ^= 1U << height;
    ASSERT_EQ(smt::verify_membership(root, moved, slots.at(present)), PrimitiveError::smt_root_mismatch) << height;
  }
  Hash32 other_value = slots.at(present);
  other_value[0] ^= 0x01;
  EXPECT_EQ(smt::verify_membership(root, tree.prove(present), other_value), PrimitiveError::smt_root_mismatch);
  // A bogus opening of an occupied slot is a bad proof, not evidence that the slot is occupied.
  EXPECT_EQ(smt::verify_non_membership(root, tree.prove(present), other_value), PrimitiveError::smt_root_mismatch);
}

TEST(PrimitivesSparseMerkle, StatelessUpdateMatchesTree) {
  std::map<std::uint32_t, Hash32> slots = boundary_trees().back();
  smt::Tree tree = tree_of(slots);
  struct Step {
    std::uint32_t index;
    std::optional<Hash32> value;
  };
  const std::vector<Step> steps = {
      {0x55555555, value_from(30)}, {3, value_from(31)},         {0, std::nullopt},
      {0xffffffff, Hash32{}},       {3, std::nullopt},           {0x55555555, std::nullopt},
      {2, std::nullopt},            {0xaaaaaaaa, std::nullopt},  {0xffffffff, std::nullopt}};
  for (const Step& step : steps) {
    const Hash32 old_root = tree.root();
    const smt::Proof proof = tree.prove(step.index);
    const std::optional<Hash32> old_value = tree.get(step.index);
    if (step.value.has_value()) {
      tree.set(step.index, *step.value);
      slots[step.index] = *step.value;
    } else {
      tree.erase(step.index);
      slots.erase(step.index);
    }
    ASSERT_EQ(tree.root(), oracle::root(slots));
    ASSERT_EQ(smt::root_after_update(proof, step.value), tree.root());
    const auto verified = smt::verified_root_after_update(old_root, proof, old_value, step.value);
    ASSERT_TRUE(verified.ok());
    ASSERT_EQ(verified.value(), tree.root());
    Hash32 wrong_old_value = old_value.value_or(Hash32{});
    wrong_old_value[5] ^= 0x20;
    const auto rejected = smt::verified_root_after_update(old_root, proof, wrong_old_value, step.value);
    ASSERT_FALSE(rejected.ok());
    ASSERT_EQ(rejected.error(), PrimitiveError::smt_root_mismatch);
  }
  EXPECT_EQ(tree.root(), smt::empty_hashes[smt::depth]);
}

}  // namespace
