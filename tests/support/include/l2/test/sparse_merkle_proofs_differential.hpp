// The one differential check of the sparse tree's proof engine (l2::opt::smt::root_from_proof,
// verify_membership, verify_non_membership, update_from_proof and verify_membership_batch) against
// the reference (l2::ref::smt), shared by the RapidCheck properties and the per-kernel tests. Each
// check returns a description of the first difference it finds, or "" when the engine matches:
// GoogleTest callers EXPECT it empty, RapidCheck callers RC_ASSERT it empty.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "l2/opt/sha256.hpp"
#include "l2/opt/sparse_merkle.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/sparse_merkle.hpp"

namespace l2::test::sparse_merkle_proofs {

using Kernel = opt::sha256::Kernel;
using Index = ref::smt::Index;

inline Hash32 random_hash(std::mt19937_64& rng) {
  Hash32 hash{};
  for (u8& byte : hash) byte = static_cast<u8>(rng());
  return hash;
}

inline std::string error_code(PrimitiveError error) { return std::string(error_info(error).code); }

inline Hash32 with_bit_flipped(Hash32 hash, std::size_t bit) {
  hash[(bit / 8) % hash.size()] ^= static_cast<u8>(1U << (bit % 8));
  return hash;
}

// Indices where the bugs live: the all-left and all-right paths (0, 2^32 - 1), paths that part at
// the root only (0x7fffffff, 0x80000000), and their neighbours.
inline constexpr Index edge_indices[] = {0U, 1U, 2U, 3U, 0x7ffffffeU, 0x7fffffffU, 0x80000000U, 0x80000001U,
                                         0xfffffffeU, 0xffffffffU};

// An opening of one slot: what a prover hands a verifier. `value` nullopt claims the slot empty.
struct Opening {
  Hash32 root{};
  ref::smt::Proof proof;
  std::optional<Hash32> value;

  std::string describe() const {
    return "opening of slot " + std::to_string(proof.index) + (value.has_value() ? " to " + to_hex(*value) : " as empty") +
           " under " + to_hex(root);
  }
};

// The genuine opening of `index` in the reference tree.
inline Opening genuine_opening(const ref::smt::Tree& tree, Index index) {
  return {tree.root(), tree.prove(index), tree.get(index)};
}

// A genuine opening and the ways an attacker or a bug alters it. The reference decides what each
// should give; the engine must give the same.
inline std::vector<Opening> opening_mutants(const Opening& genuine, std::mt19937_64& rng) {
  std::vector<Opening> openings = {genuine};
  auto add = [&](auto change) {
    Opening opening = genuine;
    change(opening);
    openings.push_back(std::move(opening));
  };
  // A flipped bit at every height: a verifier that skips a level, or reads a level's sibling from
  // the wrong slot, accepts one of these.
  for (std::size_t height = 0; height < ref::smt::depth; ++height)
    add([&](Opening& o) { o.proof.siblings[height] = with_bit_flipped(o.proof.siblings[height], rng() % 256); });
  add([](Opening& o) { o.root = with_bit_flipped(o.root, 0); });
  // The value claimed otherwise: another value, the all-zero value (which occupies its slot), none
  // (a dropped value), and, for an empty slot, any value.
  add([&](Opening& o) { o.value = random_hash(rng); });
  add([](Opening& o) { o.value = Hash32{}; });
  add([](Opening& o) { o.value = std::nullopt; });
  if (genuine.value.has_value()) add([](Opening& o) { o.value = with_bit_flipped(*o.value, 255); });
  // The proof replayed for another slot: the sibling at the leaf, at the root, and the next index
  // (which differs in many low bits).
  for (const Index index : {genuine.proof.index ^ 1U, genuine.proof.index ^ 0x80000000U, genuine.proof.index + 1U})
    add([&](Opening& o) { o.proof.index = index; });
  // The same siblings in another order, and a path of empty-subtree hashes.
  add([](Opening& o) { std::swap(o.proof.siblings.front(), o.proof.siblings.back()); });
  add([](Opening& o) { std::swap(o.proof.siblings[0], o.proof.siblings[1]); });
  add([](Opening& o) {
    for (std::size_t height = 0; height < ref::smt::depth; ++height) o.proof.siblings[height] = ref::smt::empty_hashes[height];
  });
  return openings;
}

inline opt::smt::Proof opt_proof(const ref::smt::Proof& proof) { return {proof.index, proof.siblings}; }

inline std::string result_text(const Result<Hash32, PrimitiveError>& result) {
  return result.ok() ? to_hex(result.value()) : error_code(result.error());
}

// Every opening through the engine's single checks, with the value it claims and with values it
// does not (so each opening also serves as a forged one), and the membership claims through one
// batch with `threads`, against the reference.
inline std::string opening_difference(const Kernel& kernel, std::span<const Opening> openings, unsigned threads,
                                      const Hash32& new_value) {
  std::vector<opt::smt::MembershipClaim> claims;
  std::vector<PrimitiveError> expected_membership;
  for (const Opening& o : openings) {
    const std::string what = o.describe() + ", kernel " + std::string(kernel.name);
    const opt::smt::Proof proof = opt_proof(o.proof);
    const Hash32 expected_root = ref::smt::root_from_proof(o.proof, o.value);
    if (const Hash32 root = opt::smt::root_from_proof(kernel, proof, o.value); root != expected_root)
      return what + ": root_from_proof gives " + to_hex(root) + ", the reference " + to_hex(expected_root);
    // A membership claim names a value; an empty opening is claimed as the all-zero value, which is
    // a value like any other and must not pass for the empty slot.
    const Hash32 member = o.value.value_or(Hash32{});
    const PrimitiveError membership = ref::smt::verify_membership(o.root, o.proof, member);
    if (const PrimitiveError e = opt::smt::verify_membership(kernel, o.root, proof, member); e != membership)
      return what + ": verify_membership gives " + error_code(e) + ", the reference " + error_code(membership);
    claims.push_back({o.root, proof, member});
    expected_membership.push_back(membership);
    for (const std::optional<Hash32>& opened : {o.value, std::optional<Hash32>{}}) {
      const PrimitiveError expected = ref::smt::verify_non_membership(o.root, o.proof, opened);
      if (const PrimitiveError e = opt::smt::verify_non_membership(kernel, o.root, proof, opened); e != expected)
        return what + ": verify_non_membership(" + (opened.has_value() ? "opened" : "empty") + ") gives " +
               error_code(e) + ", the reference " + error_code(expected);
    }
    for (const std::optional<Hash32>& next : {std::optional<Hash32>{}, std::optional<Hash32>{new_value}, o.value}) {
      const auto expected = ref::smt::verified_root_after_update(o.root, o.proof, o.value, next);
      const auto actual = opt::smt::update_from_proof(kernel, o.root, proof, o.value, next);
      if (actual.ok() != expected.ok() || result_text(actual) != result_text(expected))
        return what + ": update_from_proof to " + (next.has_value() ? to_hex(*next) : "empty") + " gives " +
               result_text(actual) + ", the reference " + result_text(expected);
    }
  }
  std::vector<PrimitiveError> batch(claims.size(), PrimitiveError::sig_invalid);
  opt::smt::verify_membership_batch(kernel, claims, batch, threads);
  for (std::size_t i = 0; i < claims.size(); ++i)
    if (batch[i] != expected_membership[i])
      return openings[i].describe() + " (claim " + std::to_string(i) + " of a batch of " +
             std::to_string(claims.size()) + ", kernel " + std::string(kernel.name) + ", " + std::to_string(threads) +
             " threads): " + error_code(batch[i]) + ", the reference " + error_code(expected_membership[i]);
  return "";
}

// The reference tree holding `leaves` (later entries win).
inline ref::smt::Tree tree_of(std::span<const ref::smt::Leaf> leaves) {
  ref::smt::Tree tree;
  for (const auto& [index, value] : leaves) tree.set(index, value);
  return tree;
}

// The genuine opening of each of `indices` in `tree`, each followed by its mutants; the genuine
// ones must verify (membership or absence), or every comparison could pass with both sides wrong.
inline std::string tree_difference(const Kernel& kernel, const ref::smt::Tree& tree, std::span<const Index> indices,
                                   unsigned threads, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Opening> openings;
  for (const Index index : indices) {
    const Opening genuine = genuine_opening(tree, index);
    const opt::smt::Proof proof = opt_proof(genuine.proof);
    const PrimitiveError accepted =
        genuine.value.has_value() ? opt::smt::verify_membership(kernel, genuine.root, proof, *genuine.value)
                                  : opt::smt::verify_non_membership(kernel, genuine.root, proof);
    if (accepted != PrimitiveError::none)
      return genuine.describe() + ": the genuine opening is refused with " + error_code(accepted);
    const std::vector<Opening> mutants = opening_mutants(genuine, rng);
    openings.insert(openings.end(), mutants.begin(), mutants.end());
  }
  return opening_difference(kernel, openings, threads, random_hash(rng));
}

}  // namespace l2::test::sparse_merkle_proofs
