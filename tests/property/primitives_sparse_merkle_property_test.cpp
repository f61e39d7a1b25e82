// Random set/erase sequences on the account tree. After every step the incremental root must
// equal a rebuild from scratch, the proof taken before the step must predict the new root, and
// proofs of the result must verify, or be rejected with the right code.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "l2/ref/sparse_merkle.hpp"

namespace {

using l2::Hash32;
using l2::PrimitiveError;
namespace smt = l2::ref::smt;

struct Step {
  bool erase = false;
  std::uint32_t index = 0;
  Hash32 value{};
};

// Indices where the bugs live:
//   0 and 2^32-1: all-left and all-right paths, and the top level, where a 32-bit shift by the
//     full width is undefined;
//   0x7fffffff / 0x80000000: paths that part at the root and nowhere else;
//   neighbours of these (one low bit flipped): paths that share everything up to some height,
//     so both children of the interior nodes there are non-empty.
// A small pool also makes erase hit occupied slots and set overwrite them.
rc::Gen<std::uint32_t> gen_index() {
  const auto special = rc::gen::element<std::uint32_t>(0U, 1U, 2U, 3U, 0x7fffffffU, 0x80000000U, 0xfffffffeU,
                                                       0xffffffffU);
  const auto neighbour = rc::gen::map(rc::gen::pair(special, rc::gen::inRange(0, 32)), [](const auto& base_and_bit) {
    return base_and_bit.first ^ (std::uint32_t{1} << base_and_bit.second);
  });
  return rc::gen::weightedOneOf<std::uint32_t>(
      {{4, special}, {4, neighbour}, {1, rc::gen::arbitrary<std::uint32_t>()}});
}

// Few distinct values, the all-zero one among them: equal values in different slots must still
// give different leaves, and a zero value must still occupy its slot.
rc::Gen<Hash32> gen_value() {
  return rc::gen::map(rc::gen::inRange(0, 4), [](int seed) {
    Hash32 value{};
    if (seed != 0)
      for (l2::u8& byte : value) byte = static_cast<l2::u8>(seed * 37);
    return value;
  });
}

rc::Gen<std::vector<Step>> gen_steps() {
  const auto step = rc::gen::build<Step>(rc::gen::set(&Step::erase, rc::gen::arbitrary<bool>()),
                                         rc::gen::set(&Step::index, gen_index()),
                                         rc::gen::set(&Step::value, gen_value()));
  // Rebuilding from scratch after every step costs depth hashes per leaf; up to 64 steps keep
  // the binary within a few seconds.
  return rc::gen::resize(64, rc::gen::container<std::vector<Step>>(step));
}

std::vector<smt::Leaf> leaves_of(const std::map<std::uint32_t, Hash32>& model) {
  return std::vector<smt::Leaf>(model.begin(), model.end());
}

RC_GTEST_PROP(PrimitivesSparseMerkleProperty, IncrementalEqualsRebuildAndProofsPredictUpdates, ()) {
  const std::vector<Step> steps = *gen_steps();
  smt::Tree tree;
  std::map<std::uint32_t, Hash32> model;
  for (const Step& step : steps) {
    const Hash32 old_root = tree.root();
    const smt::Proof proof = tree.prove(step.index);
    const std::optional<Hash32> old_value = tree.get(step.index);
    std::optional<Hash32> new_value;
    if (step.erase) {
      RC_ASSERT(tree.erase(step.index) == (model.erase(step.index) == 1));
    } else {
      tree.set(step.index, step.value);
      model[step.index] = step.value;
      new_value = step.value;
    }
    // SMT-ROOT-1: the incremental root is the root of the slots, however it got there.
    RC_ASSERT(tree.root() == smt::rebuild_root(leaves_of(model)));
    RC_ASSERT(tree.size() == model.size());
    // SMT-UPD-1: the proof of the old tree predicts the new root.
    RC_ASSERT(smt::root_after_update(proof, new_value) == tree.root());
    const auto verified = smt::verified_root_after_update(old_root, proof, old_value, new_value);
    RC_ASSERT(verified.ok());
    RC_ASSERT(verified.value() == tree.root());
  }
  for (const auto& [index, value] : model) RC_ASSERT(tree.get(index) == value);
}

RC_GTEST_PROP(PrimitivesSparseMerkleProperty, ProofsVerifyOrAreRejectedWithTheRightCode, ()) {
  const std::vector<Step> steps = *gen_steps();
  smt::Tree tree;
  for (const Step& step : steps) {
    if (step.erase) {
      tree.erase(step.index);
    } else {
      tree.set(step.index, step.value);
    }
  }
  const Hash32 root = tree.root();
  // Half the time an occupied slot, which the biased generator alone hits rarely.
  const bool pick_occupied = tree.size() > 0 && *rc::gen::arbitrary<bool>();
  const std::uint32_t index =
      pick_occupied ? tree.leaves()[*rc::gen::inRange<std::size_t>(0, tree.size())].first : *gen_index();
  const smt::Proof proof = tree.prove(index);
  const std::optional<Hash32> value = tree.get(index);
  const Hash32 other_value = *gen_value();
  RC_TAG(value.has_value() ? "occupied slot" : "empty slot");
  if (value.has_value()) {
    RC_ASSERT(smt::verify_membership(root, proof, *value) == PrimitiveError::none);
    // SMT-NON-1: the slot's genuine opening refutes absence; claimed empty, the proof fails.
    RC_ASSERT(smt::verify_non_membership(root, proof, value) == PrimitiveError::smt_leaf_not_empty);
    RC_ASSERT(smt::verify_non_membership(root, proof) == PrimitiveError::smt_root_mismatch);
    if (other_value != *value)
      RC_ASSERT(smt::verify_membership(root, proof, other_value) == PrimitiveError::smt_root_mismatch);
  } else {
    RC_ASSERT(smt::verify_non_membership(root, proof) == PrimitiveError::none);
    RC_ASSERT(smt::verify_membership(root, proof, other_value) == PrimitiveError::smt_root_mismatch);
    RC_ASSERT(smt::verify_non_membership(root, proof, other_value) == PrimitiveError::smt_root_mismatch);
  }
  // SMT-PRF-1: any flipped bit of any sibling breaks the proof.
  const auto height = static_cast<std::size_t>(*rc::gen::inRange(0, static_cast<int>(smt::depth)));
  const auto bit = static_cast<std::size_t>(*rc::gen::inRange(0, 256));
  smt::Proof tampered = proof;
  tampered.siblings[height][bit / 8] ^= static_cast<l2::u8>(1U << (bit % 8));
  RC_ASSERT(smt::verify_membership(root, tampered, value.value_or(other_value)) == PrimitiveError::smt_root_mismatch);
  RC_ASSERT(smt::verify_non_membership(root, tampered) == PrimitiveError::smt_root_mismatch);
}

}  // namespace
