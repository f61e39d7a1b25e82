// Optimized sparse Merkle tree proofs: must match l2::ref::smt::root_from_proof, verify_membership,
// verify_non_membership and verified_root_after_update bit for bit, error codes and their order
// included.
// Exploits the multi-buffer SHA-256 kernels: every path has exactly 32 levels, so a group of paths
// walks in lockstep, one midstate64_many call (continuing the "L2/smt/node" tag's midstate) per
// level carrying every path's node message of that level; an update's old and new paths form such
// a group of two. oneTBB threads split a batch of claims by group.
#include <algorithm>
#include <array>
#include <cstring>

#include "l2/opt/sparse_merkle.hpp"
#include "l2/ref/sparse_merkle.hpp"
#include "rfc6962_levels.hpp"

namespace l2::opt::smt {
namespace {

using sha256::Kernel;

// One 64-byte message of midstate64_many: the left child's hash, then the right child's.
using NodeMessage = std::array<u8, 64>;
static_assert(sizeof(NodeMessage) == 64 && sizeof(Hash32) == 32,
              "messages and hashes are handed to the kernels as packed arrays");

void pack(NodeMessage& message, const Hash32& left, const Hash32& right) {
  std::memcpy(message.data(), left.data(), 32);
  std::memcpy(message.data() + 32, right.data(), 32);
}

// The hash of the slot's leaf: 32 zero bytes when it is empty (ref::smt::empty_leaf_hash).
Hash32 slot_leaf_hash(const Kernel& kernel, Index index, const std::optional<Hash32>& value) {
  return value.has_value() ? detail::leaf_hash(kernel, index, *value) : Hash32{};
}

// Walks `count` paths (at most claims_per_group) from leaf to root in lockstep: hashes[w] enters
// as the leaf hash of walk w and leaves as the root that *proofs[w] leads to. One kernel call per
// level; `messages` is scratch of `count` entries.
void hash_paths(const Kernel& kernel, const Proof* const* proofs, Hash32* hashes, NodeMessage* messages,
                std::size_t count) {
  const sha256::Midstate& node_midstate = detail::node_midstate();
  for (std::size_t height = 0; height < depth; ++height) {
    for (std::size_t walk = 0; walk < count; ++walk) {
      const Proof& proof = *proofs[walk];
      const Hash32& sibling = proof.siblings[height];
      if (ref::smt::goes_right(proof.index, height))
        pack(messages[walk], sibling, hashes[walk]);
      else
        pack(messages[walk], hashes[walk], sibling);
    }
    kernel.midstate64_many(node_midstate, messages[0].data(), hashes[0].data(), count);
  }
}

// Working memory of one thread's lockstep groups, on its stack (about 13 KiB) and left
// uninitialized.
struct GroupBuffers {
  std::array<const Proof*, claims_per_group> proofs;
  std::array<NodeMessage, claims_per_group> messages;
  std::array<Hash32, claims_per_group> hashes;
};

void verify_membership_group(const Kernel& kernel, std::span<const MembershipClaim> claims, std::size_t begin,
                             std::size_t end, std::span<PrimitiveError> results, GroupBuffers& buffers) {
  const std::size_t count = end - begin;
  for (std::size_t walk = 0; walk < count; ++walk) {
    const MembershipClaim& claim = claims[begin + walk];
    buffers.proofs[walk] = &claim.proof;
    buffers.hashes[walk] = detail::leaf_hash(kernel, claim.proof.index, claim.value);
  }
  hash_paths(kernel, buffers.proofs.data(), buffers.hashes.data(), buffers.messages.data(), count);
  for (std::size_t walk = 0; walk < count; ++walk) {
    // Verify: the proof leads from the slot holding `value` to the root. [SMT-PRF-1]
    const bool reached = buffers.hashes[walk] == claims[begin + walk].root;
    results[begin + walk] = reached ? PrimitiveError::none : PrimitiveError::smt_root_mismatch;
  }
}

}  // namespace

Hash32 root_from_proof(const Kernel& kernel, const Proof& proof, const std::optional<Hash32>& value) {
  const Proof* const proofs[1] = {&proof};
  Hash32 hash = slot_leaf_hash(kernel, proof.index, value);
  NodeMessage message;
  hash_paths(kernel, proofs, &hash, &message, 1);
  return hash;
}

Hash32 root_from_proof(const Proof& proof, const std::optional<Hash32>& value) {
  return root_from_proof(default_merkle_kernel(), proof, value);
}

PrimitiveError verify_membership(const Kernel& kernel, const Hash32& root, const Proof& proof, const Hash32& value) {
  // Verify: the proof leads from the slot holding `value` to the root. [SMT-PRF-1]
  if (root_from_proof(kernel, proof, value) != root) return PrimitiveError::smt_root_mismatch;
  return PrimitiveError::none;
}

PrimitiveError verify_membership(const Hash32& root, const Proof& proof, const Hash32& value) {
  return verify_membership(default_merkle_kernel(), root, proof, value);
}

PrimitiveError verify_non_membership(const Kernel& kernel, const Hash32& root, const Proof& proof,
                                     const std::optional<Hash32>& opened_value) {
  // Verify: the proof leads from the slot, as opened, to the root. [SMT-PRF-1]
  if (root_from_proof(kernel, proof, opened_value) != root) return PrimitiveError::smt_root_mismatch;
  // Verify: the opened slot is empty. [SMT-NON-1]
  if (opened_value.has_value()) return PrimitiveError::smt_leaf_not_empty;
  return PrimitiveError::none;
}

PrimitiveError verify_non_membership(const Hash32& root, const Proof& proof, const std::optional<Hash32>& opened_value) {
  return verify_non_membership(default_merkle_kernel(), root, proof, opened_value);
}

Result<Hash32, PrimitiveError> update_from_proof(const Kernel& kernel, const Hash32& old_root, const Proof& proof,
                                                 const std::optional<Hash32>& old_value,
                                                 const std::optional<Hash32>& new_value) {
  // The same siblings lead from both values: walk [0] the old path, [1] the new one, side by side.
  const Proof* const proofs[2] = {&proof, &proof};
  std::array<Hash32, 2> roots = {slot_leaf_hash(kernel, proof.index, old_value),
                                 slot_leaf_hash(kernel, proof.index, new_value)};
  std::array<NodeMessage, 2> messages;
  hash_paths(kernel, proofs, roots.data(), messages.data(), 2);
  // Verify: the proof leads from the slot holding `old_value` to the old root. [SMT-PRF-1]
  if (roots[0] != old_root) return PrimitiveError::smt_root_mismatch;
  return roots[1];
}

Result<Hash32, PrimitiveError> update_from_proof(const Hash32& old_root, const Proof& proof,
                                                 const std::optional<Hash32>& old_value,
                                                 const std::optional<Hash32>& new_value) {
  return update_from_proof(default_merkle_kernel(), old_root, proof, old_value, new_value);
}

void verify_membership_batch(const Kernel& kernel, std::span<const MembershipClaim> claims,
                             std::span<PrimitiveError> results, unsigned threads) {
  const std::size_t claim_count = std::min(claims.size(), results.size());
  const std::size_t group_count = (claim_count + claims_per_group - 1) / claims_per_group;
  rfc6962::detail::with_threads(threads, group_count >= 2, [&](bool parallel) {
    rfc6962::detail::for_each_chunk(group_count, 1, parallel, [&](std::size_t first_group, std::size_t end_group) {
      GroupBuffers buffers;
      for (std::size_t group = first_group; group < end_group; ++group) {
        const std::size_t begin = group * claims_per_group;
        verify_membership_group(kernel, claims, begin, std::min(begin + claims_per_group, claim_count), results,
                                buffers);
      }
    });
  });
}

void verify_membership_batch(std::span<const MembershipClaim> claims, std::span<PrimitiveError> results,
                             unsigned threads) {
  verify_membership_batch(default_merkle_kernel(), claims, results, threads);
}

}  // namespace l2::opt::smt
