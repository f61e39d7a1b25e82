// Differential tests: the sparse tree's proof engine (l2::opt::smt::root_from_proof,
// verify_membership, verify_non_membership, update_from_proof, verify_membership_batch) against
// the reference (l2::ref::smt), once for every SHA-256 kernel in the build. A kernel this CPU lacks
// is skipped, and says so.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "l2/opt/sha256.hpp"
#include "l2/opt/sparse_merkle.hpp"
#include "l2/ref/sparse_merkle.hpp"
#include "l2/test/sparse_merkle_proofs_differential.hpp"

namespace {

using l2::Hash32;
using l2::PrimitiveError;
using namespace l2::test::sparse_merkle_proofs;

class SparseMerkleProofsBackend : public ::testing::TestWithParam<const Kernel*> {
 protected:
  void SetUp() override {
    if (!kernel().supported()) GTEST_SKIP() << "this CPU lacks " << kernel().required_isa;
    std::printf("[ kernel   ] %s: %s\n", std::string(kernel().name).c_str(),
                std::string(kernel().description).c_str());
  }
  const Kernel& kernel() const { return *GetParam(); }
};

std::string kernel_test_name(const ::testing::TestParamInfo<const Kernel*>& info) {
  return std::string(info.param->name);
}

INSTANTIATE_TEST_SUITE_P(EveryKernel, SparseMerkleProofsBackend, ::testing::ValuesIn(l2::opt::sha256::all_kernels()),
                         kernel_test_name);

// A tree with a leaf at every edge index and at random ones.
l2::ref::smt::Tree edge_tree(std::mt19937_64& rng) {
  std::vector<l2::ref::smt::Leaf> leaves;
  for (const Index index : edge_indices) leaves.emplace_back(index, random_hash(rng));
  for (int i = 0; i < 6; ++i) leaves.emplace_back(static_cast<Index>(rng()), random_hash(rng));
  return tree_of(leaves);
}

// The empty tree: every slot opens as empty, with the empty-subtree hashes as siblings.
TEST_P(SparseMerkleProofsBackend, OpeningsOfTheEmptyTree) {
  const l2::ref::smt::Tree tree;
  const std::vector<Index> indices(std::begin(edge_indices), std::end(edge_indices));
  for (const unsigned threads : {1U, 2U}) EXPECT_EQ(tree_difference(kernel(), tree, indices, threads, 1), "");
}

// Every occupied slot of a tree with leaves at the edge indices, and empty slots beside them.
TEST_P(SparseMerkleProofsBackend, OpeningsOfOccupiedAndEmptySlots) {
  std::mt19937_64 rng(32);
  const l2::ref::smt::Tree tree = edge_tree(rng);
  std::vector<Index> indices;
  for (const auto& [index, value] : tree.leaves()) indices.push_back(index);
  for (const Index index : {4U, 5U, 0x7ffffffdU, 0x80000002U, 0xfffffffdU, 0x12345678U}) indices.push_back(index);
  for (const unsigned threads : {1U, 2U}) EXPECT_EQ(tree_difference(kernel(), tree, indices, threads, 2), "");
}

// Batches of every size around the 8- and 16-lane kernels and the 128-claim group, accepted and
// refused claims interleaved, so each kernel call and each group has a partial tail.
TEST_P(SparseMerkleProofsBackend, BatchesAroundLaneAndGroupBoundaries) {
  std::mt19937_64 rng(128);
  const l2::ref::smt::Tree tree = edge_tree(rng);
  std::vector<l2::opt::smt::MembershipClaim> pool;
  std::vector<PrimitiveError> expected;
  for (std::size_t i = 0; i < 2 * l2::opt::smt::claims_per_group + 2; ++i) {
    const auto& [index, value] = tree.leaves()[i % tree.size()];
    const l2::ref::smt::Proof proof = tree.prove(index);
    const Hash32 claimed = i % 3 == 2 ? with_bit_flipped(value, i) : value;
    pool.push_back({tree.root(), {proof.index, proof.siblings}, claimed});
    expected.push_back(l2::ref::smt::verify_membership(tree.root(), proof, claimed));
  }
  for (const std::size_t count : {0, 1, 7, 8, 9, 15, 16, 17, 127, 128, 129, 256, 257, 258}) {
    for (const unsigned threads : {1U, 2U}) {
      std::vector<PrimitiveError> results(count, PrimitiveError::sig_invalid);
      l2::opt::smt::verify_membership_batch(kernel(), std::span(pool).first(count), results, threads);
      EXPECT_EQ(results, std::vector<PrimitiveError>(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(count)))
          << count << " claims, " << threads << " threads";
    }
  }
}

// The batch writes exactly min(claims, results) results and leaves the rest alone.
TEST_P(SparseMerkleProofsBackend, BatchWritesOnlyTheResultsItHasClaimsFor) {
  std::mt19937_64 rng(3);
  const l2::ref::smt::Tree tree = edge_tree(rng);
  const auto& [index, value] = tree.leaves()[0];
  const l2::ref::smt::Proof proof = tree.prove(index);
  const std::vector<l2::opt::smt::MembershipClaim> claims(3, {tree.root(), {proof.index, proof.siblings}, value});
  std::vector<PrimitiveError> results(5, PrimitiveError::sig_invalid);
  l2::opt::smt::verify_membership_batch(kernel(), claims, results, 1);
  EXPECT_EQ(results, (std::vector<PrimitiveError>{PrimitiveError::none, PrimitiveError::none, PrimitiveError::none,
                                                  PrimitiveError::sig_invalid, PrimitiveError::sig_invalid}));
  std::vector<PrimitiveError> fewer(2, PrimitiveError::sig_invalid);
  l2::opt::smt::verify_membership_batch(kernel(), claims, fewer, 1);
  EXPECT_EQ(fewer, (std::vector<PrimitiveError>{PrimitiveError::none, PrimitiveError::none}));
}

// An update from a proof of the optimized tree predicts that tree's root after set and erase.
TEST_P(SparseMerkleProofsBackend, UpdateFromProofPredictsTheTree) {
  std::mt19937_64 rng(5);
  l2::opt::smt::Tree tree(kernel());
  for (const Index index : edge_indices) {
    const Hash32 value = random_hash(rng);
    const Hash32 old_root = tree.root();
    const l2::opt::smt::Proof proof = tree.prove(index);
    const auto predicted = l2::opt::smt::update_from_proof(kernel(), old_root, proof, tree.get(index), value);
    tree.set(index, value);
    ASSERT_TRUE(predicted.ok()) << index;
    EXPECT_EQ(l2::to_hex(predicted.value()), l2::to_hex(tree.root())) << index;
  }
  for (const Index index : edge_indices) {
    const l2::opt::smt::Proof proof = tree.prove(index);
    const auto predicted = l2::opt::smt::update_from_proof(kernel(), tree.root(), proof, tree.get(index), std::nullopt);
    tree.erase(index);
    ASSERT_TRUE(predicted.ok()) << index;
    EXPECT_EQ(l2::to_hex(predicted.value()), l2::to_hex(tree.root())) << index;
  }
  EXPECT_EQ(l2::to_hex(tree.root()), l2::to_hex(l2::ref::smt::empty_hashes[l2::ref::smt::depth]));
}

}  // namespace
