// Optimized RFC 6962 proofs: must match l2::ref::rfc6962::inclusion_proof, verify_inclusion,
// consistency_proof and verify_consistency (reference/include/l2/ref/merkle.hpp) bit for bit, error
// codes and their order included, for every index and size up to UINT64_MAX.
// Exploits the multi-buffer SHA-256 kernels twice: a tree's levels are hashed once (a whole level
// per rfc6962_node_many call), after which every proof is a walk of stored nodes with no hashing;
// and a batch of proofs is verified in lockstep, the node hashes of every proof at one step going
// through one rfc6962_node_many call, so a 16-lane kernel hashes 16 proofs' nodes at once.
// spec: merkle_engines.md#rfc-6962-proofs
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "l2/opt/merkle.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/result.hpp"

namespace l2::opt::rfc6962 {

// Many proofs, one after another in one array, in the order they were asked for. A proof that
// was refused is empty and its error says why.
struct ProofList {
  std::vector<Hash32> hashes;
  std::vector<std::size_t> ends;  // proof i is hashes[ends[i - 1] .. ends[i]), with ends[-1] = 0
  std::vector<PrimitiveError> errors;

  std::size_t size() const { return ends.size(); }
  std::span<const Hash32> proof(std::size_t i) const;
};

// Every level of the level-by-level construction of MTH (merkle.md#level-by-level-construction),
// kept: level 0 holds the leaf hashes, each level above holds its pairs' node hashes and the
// carried odd last node, the top level holds the root. About 2n hashes for n leaves. Every
// subtree hash a proof of this tree names is one stored node, so proofs cost no hashing.
class Tree {
 public:
  // Copies the leaf hashes and hashes the levels; `threads` as for root_from_leaf_hashes.
  explicit Tree(std::span<const Hash32> leaf_hashes, unsigned threads = 0);  // default_merkle_kernel()
  Tree(const sha256::Kernel& kernel, std::span<const Hash32> leaf_hashes, unsigned threads = 0);

  std::uint64_t size() const { return leaf_count_; }
  // MTH(D[0:n]); SHA256("") for the empty tree.
  const Hash32& root() const { return root_; }

  // MTH(D[0:leaf_count]): the root this tree had when it held its first leaf_count leaves, from at
  // most log2(leaf_count) stored subtree roots and as many node hashes. SHA256("") for 0.
  // merkle_consistency_sizes [MRK-CON-1] when leaf_count > size().
  Result<Hash32, PrimitiveError> root_of_first(std::uint64_t leaf_count) const;

  // ref::rfc6962::inclusion_proof(leaf_hashes, index); merkle_index_out_of_range [MRK-INC-1] when
  // index >= size(), where the reference's caller checks the same rule.
  Result<std::vector<Hash32>, PrimitiveError> inclusion_proof(std::uint64_t index) const;
  // inclusion_proof(indices[i]) for every i, into one list.
  ProofList inclusion_proofs(std::span<const std::uint64_t> indices) const;

  // ref::rfc6962::consistency_proof(leaf_hashes, old_size); merkle_consistency_sizes [MRK-CON-1]
  // unless 0 < old_size <= size().
  Result<std::vector<Hash32>, PrimitiveError> consistency_proof(std::uint64_t old_size) const;
  // consistency_proof(old_sizes[i]) for every i, into one list.
  ProofList consistency_proofs(std::span<const std::uint64_t> old_sizes) const;

 private:
  const Hash32& node(unsigned level, std::uint64_t position) const;
  // Appends the inclusion proof of `index` (< size()), or the consistency proof from `old_size`
  // (0 < old_size <= size()), to `out`.
  void append_inclusion_proof(std::uint64_t index, std::vector<Hash32>& out) const;
  void append_consistency_proof(std::uint64_t old_size, std::vector<Hash32>& out) const;

  const sha256::Kernel* kernel_;
  std::uint64_t leaf_count_ = 0;
  std::vector<Hash32> nodes_;              // every level, level 0 first
  std::vector<std::size_t> level_starts_;  // level j is nodes_[level_starts_[j] ..)
  Hash32 root_{};
};

// One inclusion claim. `proof` must stay alive for the duration of the call.
struct InclusionClaim {
  std::uint64_t index = 0;
  std::uint64_t tree_size = 0;
  Hash32 leaf_hash{};
  std::span<const Hash32> proof;
  Hash32 root{};
};

// One consistency claim. `proof` must stay alive for the duration of the call.
struct ConsistencyClaim {
  std::uint64_t old_size = 0;
  std::uint64_t new_size = 0;
  Hash32 old_root{};
  Hash32 new_root{};
  std::span<const Hash32> proof;
};

// Claims per lockstep group: a group's messages (up to 2 x 64 bytes per claim) and running hashes
// stay in L1 while it is hashed, and a group fills a 16-lane kernel 16 times over per step.
inline constexpr std::size_t claims_per_group = 128;

// ref::rfc6962::verify_inclusion(index, tree_size, leaf_hash, proof, root), code for code:
// merkle_index_out_of_range [MRK-INC-1], merkle_proof_length [MRK-INC-2],
// merkle_root_mismatch [MRK-INC-3], in that order.
PrimitiveError verify_inclusion(std::uint64_t index, std::uint64_t tree_size, const Hash32& leaf_hash,
                                std::span<const Hash32> proof, const Hash32& root);
PrimitiveError verify_inclusion(const sha256::Kernel& kernel, std::uint64_t index, std::uint64_t tree_size,
                                const Hash32& leaf_hash, std::span<const Hash32> proof, const Hash32& root);

// results[i] = verify_inclusion(claims[i]) for i < min(claims.size(), results.size()); results
// beyond claims.size() are left untouched. The claims' node hashes go through the kernel in
// lockstep, one call per step of a group. `threads`: at most this many TBB threads across groups
// (0 = TBB's default); a batch of fewer than two groups stays on the calling thread. Each result
// is exactly the single verification's, whatever the kernel, the thread count or the batch.
void verify_inclusion_batch(std::span<const InclusionClaim> claims, std::span<PrimitiveError> results,
                            unsigned threads = 0);
void verify_inclusion_batch(const sha256::Kernel& kernel, std::span<const InclusionClaim> claims,
                            std::span<PrimitiveError> results, unsigned threads = 0);

// ref::rfc6962::verify_consistency(old_size, new_size, old_root, new_root, proof), code for code:
// merkle_consistency_sizes [MRK-CON-1], merkle_consistency_proof_length [MRK-CON-2],
// merkle_consistency_mismatch [MRK-CON-3], in that order.
PrimitiveError verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash32& old_root,
                                  const Hash32& new_root, std::span<const Hash32> proof);
PrimitiveError verify_consistency(const sha256::Kernel& kernel, std::uint64_t old_size, std::uint64_t new_size,
                                  const Hash32& old_root, const Hash32& new_root, std::span<const Hash32> proof);

// As verify_inclusion_batch, for consistency claims.
void verify_consistency_batch(std::span<const ConsistencyClaim> claims, std::span<PrimitiveError> results,
                              unsigned threads = 0);
void verify_consistency_batch(const sha256::Kernel& kernel, std::span<const ConsistencyClaim> claims,
                              std::span<PrimitiveError> results, unsigned threads = 0);

}  // namespace l2::opt::rfc6962
