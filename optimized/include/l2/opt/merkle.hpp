// Optimized RFC 6962 Merkle tree hash: must match l2::ref::rfc6962::root_from_leaf_hashes and
// l2::ref::rfc6962::root (reference/include/l2/ref/merkle.hpp) bit for bit.
// Exploits the multi-buffer SHA-256 kernels (rfc6962_node_many over contiguous child pairs) and
// oneTBB threads within each level.
// spec: merkle_engines.md#rfc-6962-root
#pragma once

#include <cstddef>
#include <span>

#include "l2/opt/sha256.hpp"
#include "l2/ref/bytes.hpp"

namespace l2::opt {

// The kernel the Merkle engines use when none is named: the active one, or the portable kernel
// when L2_FORCE_BACKEND names one this machine cannot run (the CLI reports that error through
// sha256::active_kernel(); the engines stay correct and never throw).
const sha256::Kernel& default_merkle_kernel();

}  // namespace l2::opt

namespace l2::opt::rfc6962 {

// MTH(D[0..n)) from the leaf hashes SHA256(0x00 || d). The empty tree's root is SHA256("").
// `threads`: at most this many TBB threads (0 = TBB's default). Trees with fewer than
// parallel_min_pairs() pairs on a level hash that level on the calling thread. The result never
// depends on `threads` or on the kernel.
Hash32 root_from_leaf_hashes(std::span<const Hash32> leaf_hashes, unsigned threads = 0);
Hash32 root_from_leaf_hashes(const sha256::Kernel& kernel, std::span<const Hash32> leaf_hashes,
                             unsigned threads = 0);

// MTH over the raw leaves: hashes every leaf as SHA256(0x00 || leaf), in parallel, then as above.
Hash32 root(std::span<const std::span<const u8>> leaves, unsigned threads = 0);
Hash32 root(const sha256::Kernel& kernel, std::span<const std::span<const u8>> leaves, unsigned threads = 0);
Hash32 root(std::span<const Bytes> leaves, unsigned threads = 0);
Hash32 root(const sha256::Kernel& kernel, std::span<const Bytes> leaves, unsigned threads = 0);

// out[i] = SHA256(0x00 || leaves[i]); out.size() must equal leaves.size() (else nothing is written).
void leaf_hashes(const sha256::Kernel& kernel, std::span<const std::span<const u8>> leaves, std::span<Hash32> out,
                 unsigned threads = 0);

// A level with fewer pairs than this is hashed on one thread: below it TBB costs more than it saves.
std::size_t parallel_min_pairs();

}  // namespace l2::opt::rfc6962
