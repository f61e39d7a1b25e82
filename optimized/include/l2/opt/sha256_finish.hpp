// Optimized SHA-256 finishing from a midstate: must match l2::ref::sha256 (reference/include/l2/ref/
// sha256.hpp) continuing a chaining state over already padded blocks, e.g. a BIP-340 tagged hash
// whose 64-byte tag prefix SHA256(tag) || SHA256(tag) is compressed once (midstate_of_tag) and whose
// short message is one or two blocks after it.
// Kernels: the dispatcher picks, for each SHA-256 kernel, the code that finishes with it: portable
// for portable; SHA-NI with four messages in lockstep for shani (a lone compression is bound by
// SHA256RNDS2's latency, so four take about the time of one); for the multi-buffer kernels the
// single-stream kernel (shani when the CPU has it, else portable), as for their small leftovers:
// a few short messages gain nothing from 8 or 16 lanes.
#pragma once

#include <cstddef>

#include "l2/opt/sha256.hpp"

namespace l2::opt::sha256 {

// The kernel whose finishing code finish_many(kernel, ...) runs: `kernel` itself for portable and
// shani, the single-stream kernel for any other.
const Kernel& finishing_kernel(const Kernel& kernel);

// out[j] = the big-endian digest of the chaining state `start` continued over the `block_count`
// 64-byte blocks at blocks[j] (padded by the caller as FIPS 180-4 §5.1.1 pads the whole message),
// for j < count. Any count and any block_count; inputs and outputs need no alignment.
// Contract, as for every Kernel function: `kernel` is supported on this CPU.
void finish_many(const Kernel& kernel, const Midstate& start, const u8* const* blocks, std::size_t block_count,
                 u8* const* out, std::size_t count);

}  // namespace l2::opt::sha256
