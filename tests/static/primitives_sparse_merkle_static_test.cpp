// The account tree at compile time: this file compiling is the test passing. No hash value is
// asserted here (there is no published data for this tree); what is asserted is that the
// incremental tree, the full rebuild, the proofs and the stateless update agree, and that each
// rule rejects. primitives_sparse_merkle_test checks the hashes against OpenSSL.
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <span>

#include "l2/ref/sparse_merkle.hpp"

namespace {

using l2::Hash32;
using l2::PrimitiveError;
namespace smt = l2::ref::smt;

constexpr Hash32 value_of(l2::u8 fill) {
  Hash32 value{};
  for (l2::u8& byte : value) byte = fill;
  return value;
}

static_assert(smt::empty_hashes[0] == Hash32{});
static_assert(smt::empty_hashes[1] == smt::node_hash(Hash32{}, Hash32{}));
static_assert(smt::empty_hashes[1] != smt::empty_hashes[0]);
// SMT-ROOT-1: the empty tree.
static_assert(smt::Tree{}.root() == smt::empty_hashes[smt::depth]);
static_assert(smt::rebuild_root(std::span<const smt::Leaf>{}) == smt::empty_hashes[smt::depth]);

// The leaf binds its index and its value: an all-zero value still occupies the slot.
static_assert(smt::leaf_hash(0, Hash32{}) != smt::empty_leaf_hash);
static_assert(smt::leaf_hash(0, value_of(1)) != smt::leaf_hash(1, value_of(1)));

// First slot, its neighbour, and the last slot: the paths share nothing below the root or
// everything but the leaf. Constant evaluation of SHA-256 is slow, so one evaluation builds the
// tree once and records every check; the static_asserts below read the record.
struct SampleChecks {
  bool incremental_equals_rebuild = false;
  bool proofs_verify = false;
  bool rejections_carry_their_codes = false;
  bool stateless_update_matches_tree = false;
  bool erasing_everything_empties_the_tree = false;
};

constexpr SampleChecks check_sample_tree() {
  SampleChecks checks;
  smt::Tree tree;
  tree.set(0, value_of(0xa0));
  tree.set(1, value_of(0xa1));
  tree.set(0xffffffff, value_of(0xaf));
  const Hash32 root = tree.root();

  const std::array<smt::Leaf, 3> shuffled = {
      smt::Leaf{0xffffffff, value_of(0xaf)}, smt::Leaf{1, value_of(0xa1)}, smt::Leaf{0, value_of(0xa0)}};
  checks.incremental_equals_rebuild = tree.size() == 3 && root == smt::rebuild_root(shuffled);

  const smt::Proof proof_of_1 = tree.prove(1);
  checks.proofs_verify = smt::verify_membership(root, proof_of_1, value_of(0xa1)) == PrimitiveError::none &&
                         smt::verify_membership(root, tree.prove(0xffffffff), value_of(0xaf)) == PrimitiveError::none &&
                         smt::verify_non_membership(root, tree.prove(2)) == PrimitiveError::none &&
                         smt::verify_non_membership(root, tree.prove(0x80000000)) == PrimitiveError::none;

  smt::Proof tampered = proof_of_1;
  tampered.siblings[31][0] ^= 0x01;
  smt::Proof moved = proof_of_1;
  moved.index = 3;
  checks.rejections_carry_their_codes =
      smt::verify_membership(root, proof_of_1, value_of(0xa0)) == PrimitiveError::smt_root_mismatch &&
      smt::verify_membership(root, tampered, value_of(0xa1)) == PrimitiveError::smt_root_mismatch &&
      smt::verify_membership(root, moved, value_of(0xa1)) == PrimitiveError::smt_root_mismatch &&
      // SMT-NON-1: absence claimed for an occupied slot, opened as empty, as its value, as another value.
      smt::verify_non_membership(root, proof_of_1) == PrimitiveError::smt_root_mismatch &&
      smt::verify_non_membership(root, proof_of_1, value_of(0xa1)) == PrimitiveError::smt_leaf_not_empty &&
      smt::verify_non_membership(root, proof_of_1, value_of(0xa0)) == PrimitiveError::smt_root_mismatch;

  // SMT-UPD-1: a proof of the old tree moves the root exactly as set and erase do.
  const smt::Proof before_set = tree.prove(0x7fffffff);
  tree.set(0x7fffffff, value_of(0x7f));
  const Hash32 after_set = tree.root();
  const smt::Proof before_erase = tree.prove(0);
  const bool erased_first = tree.erase(0);
  const Hash32 after_erase = tree.root();
  checks.stateless_update_matches_tree =
      erased_first && smt::root_after_update(before_set, value_of(0x7f)) == after_set &&
      smt::root_after_update(before_erase, std::nullopt) == after_erase && !tree.get(0).has_value() &&
      tree.get(0x7fffffff) == value_of(0x7f);

  const bool erased_rest = tree.erase(1) && tree.erase(0xffffffff) && tree.erase(0x7fffffff) && !tree.erase(0x7fffffff);
  checks.erasing_everything_empties_the_tree =
      erased_rest && tree.size() == 0 && tree.root() == smt::empty_hashes[smt::depth];
  return checks;
}

constexpr SampleChecks sample = check_sample_tree();
static_assert(sample.incremental_equals_rebuild);
static_assert(sample.proofs_verify);
static_assert(sample.rejections_carry_their_codes);
static_assert(sample.stateless_update_matches_tree);
static_assert(sample.erasing_everything_empties_the_tree);

}  // namespace

TEST(PrimitivesSparseMerkleStatic, Compiled) { SUCCEED() << "the static_assert suite compiled, so it passed"; }
