// The one differential check of the RFC 6962 proof engine (l2::opt::rfc6962::Tree and the
// verifiers of optimized/include/l2/opt/merkle_proofs.hpp) against the reference
// (l2::ref::rfc6962), shared by the RapidCheck properties and the per-kernel tests. Each check
// returns a description of the first difference it finds, or "" when the engine matches: GoogleTest
// callers EXPECT it empty, RapidCheck callers RC_ASSERT it empty.
#pragma once

#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "l2/opt/merkle_proofs.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/merkle.hpp"

namespace l2::test::rfc6962_proofs {

using Kernel = opt::sha256::Kernel;
using u64 = std::uint64_t;
inline constexpr u64 u64_max = std::numeric_limits<u64>::max();

inline Hash32 random_hash(std::mt19937_64& rng) {
  Hash32 hash{};
  for (u8& byte : hash) byte = static_cast<u8>(rng());
  return hash;
}

inline std::vector<Hash32> random_hashes(std::size_t count, u64 seed) {
  std::mt19937_64 rng(seed);
  std::vector<Hash32> hashes(count);
  for (Hash32& hash : hashes) hash = random_hash(rng);
  return hashes;
}

inline std::string error_code(PrimitiveError error) { return std::string(error_info(error).code); }

inline Hash32 with_bit_flipped(Hash32 hash, std::size_t bit) {
  hash[(bit / 8) % hash.size()] ^= static_cast<u8>(1U << (bit % 8));
  return hash;
}

// Claims that own their proofs.
struct Inclusion {
  u64 index = 0;
  u64 tree_size = 0;
  Hash32 leaf_hash{};
  std::vector<Hash32> proof;
  Hash32 root{};

  opt::rfc6962::InclusionClaim claim() const { return {index, tree_size, leaf_hash, proof, root}; }
  std::string describe() const {
    return "inclusion(index " + std::to_string(index) + ", size " + std::to_string(tree_size) + ", " +
           std::to_string(proof.size()) + " hashes)";
  }
};

struct Consistency {
  u64 old_size = 0;
  u64 new_size = 0;
  Hash32 old_root{};
  Hash32 new_root{};
  std::vector<Hash32> proof;

  opt::rfc6962::ConsistencyClaim claim() const { return {old_size, new_size, old_root, new_root, proof}; }
  std::string describe() const {
    return "consistency(" + std::to_string(old_size) + " -> " + std::to_string(new_size) + ", " +
           std::to_string(proof.size()) + " hashes)";
  }
};

// Sizes that a verifier's length and split arithmetic gets wrong first: 0 (no tree), 1 (no
// proof), +-1 around the claim (the split moves), twice it (one level more), UINT64_MAX (a 64-hash
// path; an overflow in size - 1 or 2 * k).
inline std::vector<u64> nearby_sizes(u64 size) {
  std::vector<u64> sizes = {0, 1, size - 1, size + 1, 2 * size, u64_max, u64_max - 1};
  return sizes;
}

// A genuine claim and the ways an attacker or a bug alters it. The reference decides what each
// should give; the engine must give the same.
inline std::vector<Inclusion> inclusion_mutants(const Inclusion& genuine) {
  std::vector<Inclusion> claims = {genuine};
  auto add = [&](auto change) {
    Inclusion claim = genuine;
    change(claim);
    claims.push_back(std::move(claim));
  };
  // A flipped bit at every position of the proof: a verifier that skips a step, or reads step j's
  // sibling from the wrong slot, accepts one of these.
  for (std::size_t j = 0; j < genuine.proof.size(); ++j)
    add([&](Inclusion& c) { c.proof[j] = with_bit_flipped(c.proof[j], 37 * j + 5); });
  add([](Inclusion& c) { c.leaf_hash = with_bit_flipped(c.leaf_hash, 255); });
  add([](Inclusion& c) { c.root = with_bit_flipped(c.root, 0); });
  // Wrong lengths: a verifier that stops at the end of a short proof, or ignores extra hashes.
  if (!genuine.proof.empty()) {
    add([](Inclusion& c) { c.proof.pop_back(); });
    add([](Inclusion& c) { c.proof.erase(c.proof.begin()); });
    add([](Inclusion& c) { c.proof.clear(); });
  }
  add([](Inclusion& c) { c.proof.push_back(c.root); });
  add([](Inclusion& c) { c.proof.insert(c.proof.begin(), c.leaf_hash); });
  // Two siblings swapped: the same hashes in the wrong order.
  if (genuine.proof.size() >= 2) add([](Inclusion& c) { std::swap(c.proof.front(), c.proof.back()); });
  // The claim moved to another leaf or another tree; indices and sizes at their extremes.
  for (const u64 index : {genuine.index - 1, genuine.index + 1, genuine.index ^ 1, genuine.tree_size, u64_max})
    add([&](Inclusion& c) { c.index = index; });
  for (const u64 size : nearby_sizes(genuine.tree_size)) add([&](Inclusion& c) { c.tree_size = size; });
  return claims;
}

inline std::vector<Consistency> consistency_mutants(const Consistency& genuine) {
  std::vector<Consistency> claims = {genuine};
  auto add = [&](auto change) {
    Consistency claim = genuine;
    change(claim);
    claims.push_back(std::move(claim));
  };
  for (std::size_t j = 0; j < genuine.proof.size(); ++j)
    add([&](Consistency& c) { c.proof[j] = with_bit_flipped(c.proof[j], 41 * j + 3); });
  add([](Consistency& c) { c.old_root = with_bit_flipped(c.old_root, 255); });
  add([](Consistency& c) { c.new_root = with_bit_flipped(c.new_root, 128); });
  // The roots swapped: equal sizes accept only equal roots.
  add([](Consistency& c) { std::swap(c.old_root, c.new_root); });
  if (!genuine.proof.empty()) {
    add([](Consistency& c) { c.proof.pop_back(); });
    add([](Consistency& c) { c.proof.erase(c.proof.begin()); });
    add([](Consistency& c) { c.proof.clear(); });
  }
  // An old root prepended: what a proof would hold if the old tree were not a whole subtree.
  add([](Consistency& c) { c.proof.insert(c.proof.begin(), c.old_root); });
  add([](Consistency& c) { c.proof.push_back(c.new_root); });
  if (genuine.proof.size() >= 2) add([](Consistency& c) { std::swap(c.proof.front(), c.proof.back()); });
  for (const u64 size : nearby_sizes(genuine.old_size)) add([&](Consistency& c) { c.old_size = size; });
  for (const u64 size : nearby_sizes(genuine.new_size)) add([&](Consistency& c) { c.new_size = size; });
  add([](Consistency& c) { std::swap(c.old_size, c.new_size); });
  return claims;
}

// Every claim through the single verifier and through one batch (with `threads`), against
// ref::rfc6962::verify_inclusion.
inline std::string inclusion_verification_difference(const Kernel& kernel, std::span<const Inclusion> claims,
                                                     unsigned threads) {
  std::vector<opt::rfc6962::InclusionClaim> batch;
  for (const Inclusion& claim : claims) batch.push_back(claim.claim());
  std::vector<PrimitiveError> batch_results(claims.size(), PrimitiveError::sig_invalid);
  opt::rfc6962::verify_inclusion_batch(kernel, batch, batch_results, threads);
  for (std::size_t i = 0; i < claims.size(); ++i) {
    const Inclusion& c = claims[i];
    const PrimitiveError expected = ref::rfc6962::verify_inclusion(c.index, c.tree_size, c.leaf_hash, c.proof, c.root);
    const PrimitiveError single =
        opt::rfc6962::verify_inclusion(kernel, c.index, c.tree_size, c.leaf_hash, c.proof, c.root);
    if (single != expected)
      return c.describe() + ": verify_inclusion gives " + error_code(single) + ", the reference " + error_code(expected);
    if (batch_results[i] != expected)
      return c.describe() + " (claim " + std::to_string(i) + " of a batch, " + std::to_string(threads) +
             " threads): " + error_code(batch_results[i]) + ", the reference " + error_code(expected);
  }
  return "";
}

inline std::string consistency_verification_difference(const Kernel& kernel, std::span<const Consistency> claims,
                                                       unsigned threads) {
  std::vector<opt::rfc6962::ConsistencyClaim> batch;
  for (const Consistency& claim : claims) batch.push_back(claim.claim());
  std::vector<PrimitiveError> batch_results(claims.size(), PrimitiveError::sig_invalid);
  opt::rfc6962::verify_consistency_batch(kernel, batch, batch_results, threads);
  for (std::size_t i = 0; i < claims.size(); ++i) {
    const Consistency& c = claims[i];
    const PrimitiveError expected =
        ref::rfc6962::verify_consistency(c.old_size, c.new_size, c.old_root, c.new_root, c.proof);
    const PrimitiveError single =
        opt::rfc6962::verify_consistency(kernel, c.old_size, c.new_size, c.old_root, c.new_root, c.proof);
    if (single != expected)
      return c.describe() + ": verify_consistency gives " + error_code(single) + ", the reference " +
             error_code(expected);
    if (batch_results[i] != expected)
      return c.describe() + " (claim " + std::to_string(i) + " of a batch, " + std::to_string(threads) +
             " threads): " + error_code(batch_results[i]) + ", the reference " + error_code(expected);
  }
  return "";
}

inline std::string proof_difference(std::string_view what, std::span<const Hash32> expected,
                                    std::span<const Hash32> actual) {
  if (expected.size() != actual.size())
    return std::string(what) + ": " + std::to_string(actual.size()) + " hashes, the reference " +
           std::to_string(expected.size());
  for (std::size_t j = 0; j < expected.size(); ++j)
    if (expected[j] != actual[j])
      return std::string(what) + ": hash " + std::to_string(j) + " is " + to_hex(actual[j]) + ", the reference " +
             to_hex(expected[j]);
  return "";
}

// The engine over the tree of `leaf_hashes`, against the reference: the root; the inclusion proof
// of each of `indices` (one at a time and in one list) and the verification of it and of its
// mutants; the same for the consistency proof from each of `old_sizes`, with root_of_first for the
// old root. Indices and sizes outside the tree must be refused with the reference's rule codes.
inline std::string tree_difference(const Kernel& kernel, std::span<const Hash32> leaf_hashes,
                                   std::span<const u64> indices, std::span<const u64> old_sizes, unsigned threads) {
  const u64 size = leaf_hashes.size();
  const std::string tree = "tree of " + std::to_string(size) + " leaves, kernel " + std::string(kernel.name) + ", " +
                           std::to_string(threads) + " threads: ";
  const opt::rfc6962::Tree fast(kernel, leaf_hashes, threads);
  const Hash32 root = ref::rfc6962::root_from_leaf_hashes(leaf_hashes);
  if (fast.size() != size) return tree + "size " + std::to_string(fast.size());
  if (fast.root() != root) return tree + "root " + to_hex(fast.root()) + ", the reference " + to_hex(root);

  const opt::rfc6962::ProofList inclusion_list = fast.inclusion_proofs(indices);
  if (inclusion_list.size() != indices.size() || inclusion_list.errors.size() != indices.size())
    return tree + "inclusion_proofs lists " + std::to_string(inclusion_list.size()) + " proofs";
  std::vector<Inclusion> inclusion_claims;
  for (std::size_t i = 0; i < indices.size(); ++i) {
    const u64 index = indices[i];
    const std::string what = tree + "inclusion proof of leaf " + std::to_string(index);
    const auto single = fast.inclusion_proof(index);
    if (index >= size) {
      // Refused: MRK-INC-1, as the vector op and verify_inclusion of the reference say.
      if (single.ok() || single.error() != PrimitiveError::merkle_index_out_of_range)
        return what + ": not refused with MERKLE_INDEX_OUT_OF_RANGE";
      if (inclusion_list.errors[i] != PrimitiveError::merkle_index_out_of_range || !inclusion_list.proof(i).empty())
        return what + " (in a list): not refused with MERKLE_INDEX_OUT_OF_RANGE";
      continue;
    }
    const std::vector<Hash32> expected = ref::rfc6962::inclusion_proof(leaf_hashes, index);
    if (!single.ok()) return what + ": refused with " + error_code(single.error());
    if (std::string d = proof_difference(what, expected, single.value()); !d.empty()) return d;
    if (inclusion_list.errors[i] != PrimitiveError::none) return what + " (in a list): refused";
    if (std::string d = proof_difference(what + " (in a list)", expected, inclusion_list.proof(i)); !d.empty())
      return d;
    // The genuine proof must be accepted, or every comparison below could pass with both sides wrong.
    if (const PrimitiveError e = opt::rfc6962::verify_inclusion(kernel, index, size, leaf_hashes[index], expected, root);
        e != PrimitiveError::none)
      return what + ": the genuine proof is refused with " + error_code(e);
    const std::vector<Inclusion> mutants = inclusion_mutants({index, size, leaf_hashes[index], expected, root});
    inclusion_claims.insert(inclusion_claims.end(), mutants.begin(), mutants.end());
  }
  if (std::string d = inclusion_verification_difference(kernel, inclusion_claims, threads); !d.empty())
    return tree + d;

  const opt::rfc6962::ProofList consistency_list = fast.consistency_proofs(old_sizes);
  if (consistency_list.size() != old_sizes.size() || consistency_list.errors.size() != old_sizes.size())
    return tree + "consistency_proofs lists " + std::to_string(consistency_list.size()) + " proofs";
  std::vector<Consistency> consistency_claims;
  for (std::size_t i = 0; i < old_sizes.size(); ++i) {
    const u64 old_size = old_sizes[i];
    const std::string what = tree + "consistency proof from " + std::to_string(old_size);
    const auto old_root = fast.root_of_first(old_size);
    if (old_size <= size) {
      const Hash32 expected_old_root = ref::rfc6962::root_from_leaf_hashes(leaf_hashes.first(old_size));
      if (!old_root.ok() || old_root.value() != expected_old_root) return what + ": root_of_first differs";
    } else if (old_root.ok() || old_root.error() != PrimitiveError::merkle_consistency_sizes) {
      return what + ": root_of_first not refused with MERKLE_CONSISTENCY_SIZES";
    }
    const auto single = fast.consistency_proof(old_size);
    if (old_size == 0 || old_size > size) {
      if (single.ok() || single.error() != PrimitiveError::merkle_consistency_sizes)
        return what + ": not refused with MERKLE_CONSISTENCY_SIZES";
      if (consistency_list.errors[i] != PrimitiveError::merkle_consistency_sizes ||
          !consistency_list.proof(i).empty())
        return what + " (in a list): not refused with MERKLE_CONSISTENCY_SIZES";
      continue;
    }
    const std::vector<Hash32> expected = ref::rfc6962::consistency_proof(leaf_hashes, old_size);
    if (!single.ok()) return what + ": refused with " + error_code(single.error());
    if (std::string d = proof_difference(what, expected, single.value()); !d.empty()) return d;
    if (consistency_list.errors[i] != PrimitiveError::none) return what + " (in a list): refused";
    if (std::string d = proof_difference(what + " (in a list)", expected, consistency_list.proof(i)); !d.empty())
      return d;
    if (const PrimitiveError e =
            opt::rfc6962::verify_consistency(kernel, old_size, size, old_root.value(), root, expected);
        e != PrimitiveError::none)
      return what + ": the genuine proof is refused with " + error_code(e);
    const std::vector<Consistency> mutants = consistency_mutants({old_size, size, old_root.value(), root, expected});
    consistency_claims.insert(consistency_claims.end(), mutants.begin(), mutants.end());
  }
  if (std::string d = consistency_verification_difference(kernel, consistency_claims, threads); !d.empty())
    return tree + d;
  return "";
}

// Indices and old sizes that reach outside a tree of `size` leaves: at its edge, past it, and at
// UINT64_MAX.
inline std::vector<u64> outside_positions(u64 size) { return {size, size + 1, u64_max - 1, u64_max}; }

// A claim at any size, up to UINT64_MAX, whose verification the reference accepts: a random proof
// of the right length and the root (or pair of roots) it leads to, computed by the reference's
// inversion of PATH (or SUBPROOF). Trees this large cannot be built; their claims can be checked.
// Contract: index < tree_size, and 0 < old_size <= new_size.
inline Inclusion accepted_inclusion_at(u64 index, u64 tree_size, std::mt19937_64& rng) {
  Inclusion claim{index, tree_size, random_hash(rng), {}, {}};
  claim.proof.resize(ref::rfc6962::inclusion_proof_length(index, tree_size));
  for (Hash32& hash : claim.proof) hash = random_hash(rng);
  claim.root = ref::rfc6962::detail::root_from_inclusion_path(index, tree_size, claim.leaf_hash, claim.proof);
  return claim;
}

inline Consistency accepted_consistency_at(u64 old_size, u64 new_size, std::mt19937_64& rng) {
  Consistency claim{old_size, new_size, random_hash(rng), {}, {}};
  claim.proof.resize(ref::rfc6962::consistency_proof_length(old_size, new_size));
  for (Hash32& hash : claim.proof) hash = random_hash(rng);
  const ref::rfc6962::RootPair roots =
      ref::rfc6962::detail::roots_from_subproof(old_size, new_size, true, claim.old_root, claim.proof);
  claim.old_root = roots.old_root;
  claim.new_root = roots.new_root;
  return claim;
}

}  // namespace l2::test::rfc6962_proofs
