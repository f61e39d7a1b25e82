// Properties of the sparse tree's proof engine (l2::opt::smt::root_from_proof, verify_membership,
// verify_non_membership, update_from_proof and verify_membership_batch): on random trees, the
// genuine openings of random slots and their mutants, and openings made of anything, it returns
// what the reference (l2::ref::smt) returns, roots and error codes alike, on every kernel this CPU
// supports and with one or two threads.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "l2/opt/sha256.hpp"
#include "l2/opt/sparse_merkle.hpp"
#include "l2/ref/sparse_merkle.hpp"
#include "l2/test/sparse_merkle_proofs_differential.hpp"

namespace {

using l2::Hash32;
using namespace l2::test::sparse_merkle_proofs;

// Mostly the edge indices and their one-bit neighbours (paths that share everything up to some
// height), sometimes anything.
rc::Gen<Index> gen_index() {
  const auto edge = rc::gen::elementOf(std::vector<Index>(std::begin(edge_indices), std::end(edge_indices)));
  const auto neighbour = rc::gen::map(rc::gen::pair(edge, rc::gen::inRange(0, 32)), [](const auto& base_and_bit) {
    return base_and_bit.first ^ (Index{1} << base_and_bit.second);
  });
  return rc::gen::weightedOneOf<Index>({{2, edge}, {2, neighbour}, {1, rc::gen::arbitrary<Index>()}});
}

const Kernel& some_supported_kernel() {
  static const std::vector<const Kernel*> kernels = l2::opt::sha256::supported_kernels();
  return *kernels[*rc::gen::inRange<std::size_t>(0, kernels.size())];
}

unsigned some_thread_count() { return *rc::gen::element(1U, 2U); }

// A random tree of up to 40 leaves; the genuine openings of up to two of its occupied slots and of
// up to two other slots, each with its mutants (about 45 per opening), through the single checks
// and one membership batch. (Each opening costs the reference hundreds of path walks.)
RC_GTEST_PROP(PrimitivesSparseMerkleProofsDifferential, RandomTreesMatchTheReference, ()) {
  std::mt19937_64 rng(*rc::gen::arbitrary<std::uint64_t>());
  const std::vector<Index> slots = *rc::gen::resize(40, rc::gen::container<std::vector<Index>>(gen_index()));
  std::vector<l2::ref::smt::Leaf> leaves;
  for (const Index index : slots) leaves.emplace_back(index, random_hash(rng));
  const l2::ref::smt::Tree tree = tree_of(leaves);
  std::vector<Index> indices = *rc::gen::resize(2, rc::gen::container<std::vector<Index>>(gen_index()));
  for (std::size_t i = 0; i < 2 && tree.size() > 0; ++i) indices.push_back(tree.leaves()[rng() % tree.size()].first);
  RC_TAG(tree.size() == 0 ? "empty tree" : "non-empty tree");
  RC_ASSERT(tree_difference(some_supported_kernel(), tree, indices, some_thread_count(), rng()) == "");
}

// Openings made of anything: a random root, index, value (or none) and siblings, so nearly all are
// refused; half are made to lead to their root, so their claims hold. Batches of more than 128
// span two lockstep groups.
RC_GTEST_PROP(PrimitivesSparseMerkleProofsDifferential, ArbitraryOpeningsGetTheReferenceCode, ()) {
  std::mt19937_64 rng(*rc::gen::arbitrary<std::uint64_t>());
  const std::size_t count = *rc::gen::inRange<std::size_t>(1, 260);
  std::vector<Opening> openings;
  for (std::size_t i = 0; i < count; ++i) {
    Opening opening;
    opening.root = random_hash(rng);
    opening.proof.index = *gen_index();
    for (Hash32& sibling : opening.proof.siblings) sibling = random_hash(rng);
    if (rng() % 2 == 0) opening.value = random_hash(rng);
    // Half of them made genuine after the fact: the root is where the random path leads.
    if (rng() % 2 == 0) opening.root = l2::ref::smt::root_from_proof(opening.proof, opening.value);
    openings.push_back(opening);
  }
  RC_ASSERT(opening_difference(some_supported_kernel(), openings, some_thread_count(), random_hash(rng)) == "");
}

}  // namespace
