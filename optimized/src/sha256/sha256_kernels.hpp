// Internals shared by the SHA-256 kernel files: constants, precomputed padding schedules and the
// entry points each kernel file exports to sha256_dispatch.cpp.
//
// Only data and declarations live here, never inline functions: an inline function compiled into
// both an AVX-512 file and a portable file may be merged by the linker into the AVX-512 copy and
// then run on a CPU without AVX-512. For the same reason each kernel's supported() check and its
// Kernel record live in the portable dispatch file.
#pragma once

#include <cstddef>
#include <cstdint>

#include "l2/opt/sha256.hpp"
#include "l2/ref/sha256.hpp"

namespace l2::opt::sha256::detail {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

struct Words64 {
  u32 w[64];
};
struct Words8 {
  u32 w[8];
};

consteval Words64 make_round_constants() {
  Words64 k{};
  for (std::size_t t = 0; t < 64; ++t) k.w[t] = ref::sha256_detail::round_constants[t];
  return k;
}

consteval Words8 make_initial_state() {
  Words8 iv{};
  for (std::size_t i = 0; i < 8; ++i) iv.w[i] = ref::sha256_detail::initial_state[i];
  return iv;
}

// W[t] + K[t] of the block that pads a message whose length is a whole number of blocks. That
// block is 0x80, zeros and the bit length, so it does not depend on the message: its schedule is
// computed once here and the kernels spend no instructions on it.
consteval Words64 make_padding_block_wk(u64 message_bytes) {
  using namespace ref::sha256_detail;
  Words64 w{};
  w.w[0] = 0x80000000u;
  w.w[14] = static_cast<u32>((message_bytes * 8) >> 32);
  w.w[15] = static_cast<u32>(message_bytes * 8);
  for (std::size_t t = 16; t < 64; ++t)
    w.w[t] = small_sigma1(w.w[t - 2]) + w.w[t - 7] + small_sigma0(w.w[t - 15]) + w.w[t - 16];
  for (std::size_t t = 0; t < 64; ++t) w.w[t] += round_constants[t];
  return w;
}

inline constexpr Words64 round_constants = make_round_constants();
inline constexpr Words8 initial_state = make_initial_state();
// hash64_many: a 64-byte message is followed by one padding block (bit length 512).
inline constexpr Words64 padding_wk_after_64 = make_padding_block_wk(64);
// midstate64_many: a 64-byte prefix plus 64 bytes is followed by one padding block (bit length 1024).
inline constexpr Words64 padding_wk_after_128 = make_padding_block_wk(128);

// The RFC 6962 node message 0x01 || 64 bytes is 65 bytes long: two blocks, the second holding
// the last input byte, 0x80, zeros and the bit length 520.
inline constexpr std::size_t rfc6962_node_message_bytes = 65;

// What each kernel file exports. Signatures match the Kernel function pointers.
// finish_many: sha256_finish.hpp's, for one kernel.
namespace portable {
void compress_blocks(u32 state[8], const u8* blocks, std::size_t block_count);
void finish_many(const Midstate& start, const u8* const* blocks, std::size_t block_count, u8* const* out,
                 std::size_t count);
void hash_one(const u8* data, std::size_t len, u8* out);
void hash64_many(const u8* in, u8* out, std::size_t n);
void rfc6962_node_many(const u8* in, u8* out, std::size_t n);
void midstate64_many(const Midstate& mid, const u8* in, u8* out, std::size_t n);
}  // namespace portable

#if defined(__x86_64__)
#define L2_SHA256_X86_KERNELS 1
namespace shani {
void hash_one(const u8* data, std::size_t len, u8* out);
void finish_many(const Midstate& start, const u8* const* blocks, std::size_t block_count, u8* const* out,
                 std::size_t count);
void hash64_many(const u8* in, u8* out, std::size_t n);
void rfc6962_node_many(const u8* in, u8* out, std::size_t n);
void midstate64_many(const Midstate& mid, const u8* in, u8* out, std::size_t n);
}  // namespace shani

namespace avx2_x8 {
void hash64_many(const u8* in, u8* out, std::size_t n);
void rfc6962_node_many(const u8* in, u8* out, std::size_t n);
void midstate64_many(const Midstate& mid, const u8* in, u8* out, std::size_t n);
}  // namespace avx2_x8

namespace avx512_x16 {
void hash64_many(const u8* in, u8* out, std::size_t n);
void rfc6962_node_many(const u8* in, u8* out, std::size_t n);
void midstate64_many(const Midstate& mid, const u8* in, u8* out, std::size_t n);
}  // namespace avx512_x16
#endif

// The multi-buffer kernels gain nothing from their lanes on one message, and lose on a few: a
// pass costs the same with 1 message as with `lanes`. They hand single messages and small
// leftovers to the single-stream kernel: shani when this CPU has it, portable otherwise.
// Defined in sha256_dispatch.cpp.
const Kernel& single_stream_kernel();
void single_stream_hash_one(const u8* data, std::size_t len, u8* out);
// How many leftover messages (fewer than `lanes`) go to single_stream_kernel() rather than into a
// pass of `lanes` lanes padded with scratch lanes.
std::size_t single_stream_tail_limit(std::size_t lanes);

}  // namespace l2::opt::sha256::detail
