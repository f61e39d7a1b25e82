// A batch's RFC 6962 commitments on the optimized SHA-256 kernels: must match
// l2::ref::optimistic_rollup::transaction_leaf_hashes, state_root_leaf_hashes, transactions_root and
// state_roots_root (reference/include/l2/ref/optimistic_rollup{,_contract}.hpp) and
// l2::ref::rfc6962::inclusion_proof and verify_inclusion (reference/include/l2/ref/merkle.hpp) bit
// for bit, errors (MRK-INC-1..3) included.
// Exploits runs of equal-length leaves finished together (sha256::finish_many, SHA-NI four in
// lockstep), the multi-buffer kernels for the trees (root_from_leaf_hashes, also for every subtree
// of an audit path) and the kernel's single-message RFC 6962 node hash for a path check. Internal to optimized/src: the optimized Merkle proof engines of merkle_engines.md are to
// replace the two proof functions here when they exist.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "l2/opt/sha256.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/optimistic_rollup.hpp"

namespace l2::opt::optimistic_rollup::detail {

// SHA256(0x00 || leaf): one RFC 6962 leaf hash.
Hash32 rfc6962_leaf_hash(const sha256::Kernel& kernel, std::span<const u8> leaf);

// The leaves of transactions_root (each transaction's canonical encoding) and of state_roots_root
// (each 32-byte root), hashed on at most `threads` TBB threads (0 = TBB's default).
std::vector<Hash32> transaction_leaf_hashes(const sha256::Kernel& kernel,
                                            std::span<const ref::optimistic_rollup::Transaction> transactions,
                                            unsigned threads);
std::vector<Hash32> state_root_leaf_hashes(const sha256::Kernel& kernel, std::span<const Hash32> state_roots,
                                           unsigned threads);

// ref::rfc6962::inclusion_proof(leaf_hashes, index): the audit path of leaf `index`, leaf level
// first; empty when index >= leaf_hashes.size() or the tree has one leaf. Each sibling is a
// root_from_leaf_hashes of a subrange, so the path costs about one pass over the leaves.
std::vector<Hash32> inclusion_proof(const sha256::Kernel& kernel, std::span<const Hash32> leaf_hashes,
                                    std::uint64_t index, unsigned threads);

// ref::rfc6962::verify_inclusion: the same code for every input.
PrimitiveError verify_inclusion(const sha256::Kernel& kernel, std::uint64_t index, std::uint64_t tree_size,
                                const Hash32& leaf_hash, std::span<const Hash32> proof, const Hash32& root);

}  // namespace l2::opt::optimistic_rollup::detail
