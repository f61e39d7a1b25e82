// Entry points of the rollup engine's SHA-256 finishing kernels (rollup_finish_shani.cpp): the last
// one or two blocks of tagged hashes whose 64-byte tag prefix is already compressed (a midstate).
// Declarations only, with plain types: a header shared by a file compiled with -msha must not
// define inline functions (the linker could keep the SHA-NI copy for every caller).
#pragma once

#include <cstddef>
#include <cstdint>

namespace l2::opt::rollup_detail::shani {

// True if this build has the SHA-NI finisher (x86-64). Whether the CPU has SHA-NI is the caller's
// question (sha256::find_kernel("shani")->supported()).
bool compiled();

// For j < count (1 <= count <= 4): continues the state `start` (the eight words a..h) over
// `block_count` (1 or 2) 64-byte blocks at blocks[j], already padded, and writes the digest to
// out[j]. The count chains run in lockstep, so four take about the time of one.
void finish_lockstep(const std::uint32_t* start, const unsigned char* const* blocks, std::size_t block_count,
                     unsigned char* const* out, std::size_t count);

}  // namespace l2::opt::rollup_detail::shani
