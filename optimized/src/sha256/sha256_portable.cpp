// Portable SHA-256 kernel: must match l2::ref::sha256 and l2::ref::Sha256 (reference/include/l2/ref/sha256.hpp).
// Hardware feature: none; plain C++ that any CPU runs. Rounds are unrolled with rotated register
// names instead of shifting eight variables, and the constant padding block of hash64_many and
// midstate64_many uses a schedule precomputed at compile time.
#include <cstring>

#include "sha256_kernels.hpp"

namespace l2::opt::sha256::detail::portable {
namespace {

constexpr u32 rotr(u32 x, int n) { return (x >> n) | (x << (32 - n)); }
constexpr u32 big_sigma0(u32 x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
constexpr u32 big_sigma1(u32 x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
constexpr u32 small_sigma0(u32 x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
constexpr u32 small_sigma1(u32 x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }
// Same truth tables as FIPS 180-4 Ch and Maj, one operation shorter.
constexpr u32 choose(u32 e, u32 f, u32 g) { return g ^ (e & (f ^ g)); }
constexpr u32 majority(u32 a, u32 b, u32 c) { return (a & b) | (c & (a | b)); }

u32 load_be32(const u8* p) {
  return (u32{p[0]} << 24) | (u32{p[1]} << 16) | (u32{p[2]} << 8) | u32{p[3]};
}

void store_be32(u8* p, u32 v) {
  p[0] = static_cast<u8>(v >> 24);
  p[1] = static_cast<u8>(v >> 16);
  p[2] = static_cast<u8>(v >> 8);
  p[3] = static_cast<u8>(v);
}

// One round; the caller rotates the roles of the eight words, so only d and h are written.
inline void round(u32 a, u32 b, u32 c, u32& d, u32 e, u32 f, u32 g, u32& h, u32 wk) {
  const u32 t1 = h + big_sigma1(e) + choose(e, f, g) + wk;
  d += t1;
  h = t1 + big_sigma0(a) + majority(a, b, c);
}

// Eight rounds starting at round t with wk[t .. t + 8).
inline void eight_rounds(u32 s[8], const u32* wk) {
  round(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], wk[0]);
  round(s[7], s[0], s[1], s[2], s[3], s[4], s[5], s[6], wk[1]);
  round(s[6], s[7], s[0], s[1], s[2], s[3], s[4], s[5], wk[2]);
  round(s[5], s[6], s[7], s[0], s[1], s[2], s[3], s[4], wk[3]);
  round(s[4], s[5], s[6], s[7], s[0], s[1], s[2], s[3], wk[4]);
  round(s[3], s[4], s[5], s[6], s[7], s[0], s[1], s[2], wk[5]);
  round(s[2], s[3], s[4], s[5], s[6], s[7], s[0], s[1], wk[6]);
  round(s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[0], wk[7]);
}

void rounds_from_wk(u32 state[8], const u32 wk[64]) {
  u32 s[8];
  std::memcpy(s, state, sizeof s);
  for (std::size_t t = 0; t < 64; t += 8) eight_rounds(s, wk + t);
  for (std::size_t i = 0; i < 8; ++i) state[i] += s[i];
}

void compress_block(u32 state[8], const u8* block) {
  u32 w[64];
  for (std::size_t t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
  for (std::size_t t = 16; t < 64; ++t)
    w[t] = small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16];
  for (std::size_t t = 0; t < 64; ++t) w[t] += round_constants.w[t];
  rounds_from_wk(state, w);
}

void store_digest(const u32 state[8], u8* out) {
  for (std::size_t i = 0; i < 8; ++i) store_be32(out + 4 * i, state[i]);
}

}  // namespace

void compress_blocks(u32 state[8], const u8* blocks, std::size_t block_count) {
  for (std::size_t i = 0; i < block_count; ++i) compress_block(state, blocks + 64 * i);
}

void hash_one(const u8* data, std::size_t len, u8* out) {
  u32 state[8];
  std::memcpy(state, initial_state.w, sizeof state);
  const std::size_t whole_blocks = len / 64;
  compress_blocks(state, data, whole_blocks);

  // FIPS 180-4 §5.1.1: the tail, 0x80, zeros, then the 64-bit bit length; one block if the tail
  // leaves 8 bytes for the length after the 0x80 (tail <= 55), else two.
  const std::size_t tail = len - 64 * whole_blocks;
  u8 last[128] = {};
  if (tail != 0) std::memcpy(last, data + 64 * whole_blocks, tail);
  last[tail] = 0x80;
  const std::size_t last_bytes = tail <= 55 ? 64 : 128;
  const u64 bit_length = static_cast<u64>(len) * 8;
  for (std::size_t i = 0; i < 8; ++i) last[last_bytes - 1 - i] = static_cast<u8>(bit_length >> (8 * i));
  compress_blocks(state, last, last_bytes / 64);
  store_digest(state, out);
}

void hash64_many(const u8* in, u8* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    u32 state[8];
    std::memcpy(state, initial_state.w, sizeof state);
    compress_block(state, in + 64 * i);
    rounds_from_wk(state, padding_wk_after_64.w);
    store_digest(state, out + 32 * i);
  }
}

void rfc6962_node_many(const u8* in, u8* out, std::size_t n) {
  u8 blocks[128] = {};
  blocks[0] = 0x01;
  blocks[65] = 0x80;
  blocks[126] = static_cast<u8>((rfc6962_node_message_bytes * 8) >> 8);
  blocks[127] = static_cast<u8>(rfc6962_node_message_bytes * 8);
  for (std::size_t i = 0; i < n; ++i) {
    std::memcpy(blocks + 1, in + 64 * i, 64);
    u32 state[8];
    std::memcpy(state, initial_state.w, sizeof state);
    compress_blocks(state, blocks, 2);
    store_digest(state, out + 32 * i);
  }
}

void midstate64_many(const Midstate& mid, const u8* in, u8* out, std::size_t n) {
  static_assert(sizeof(Midstate) == 8 * sizeof(u32));
  for (std::size_t i = 0; i < n; ++i) {
    u32 state[8];
    std::memcpy(state, &mid, sizeof state);
    compress_block(state, in + 64 * i);
    rounds_from_wk(state, padding_wk_after_128.w);
    store_digest(state, out + 32 * i);
  }
}

void finish_many(const Midstate& start, const u8* const* blocks, std::size_t block_count, u8* const* out,
                 std::size_t count) {
  for (std::size_t j = 0; j < count; ++j) {
    u32 state[8];
    std::memcpy(state, &start, sizeof state);
    compress_blocks(state, blocks[j], block_count);
    store_digest(state, out[j]);
  }
}

}  // namespace l2::opt::sha256::detail::portable
