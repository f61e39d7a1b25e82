// SHA-NI SHA-256 kernel: must match l2::ref::sha256 (reference/include/l2/ref/sha256.hpp).
// Hardware feature: the x86 SHA extensions (SHA256RNDS2, SHA256MSG1, SHA256MSG2) with SSSE3 byte
// shuffles and SSE4.1 blends. SHA256RNDS2 has a latency of several cycles but issues more often
// than that, so the batch functions run several independent messages in lockstep to fill the
// pipeline; the constant padding block of hash64_many and midstate64_many needs only rounds.
#include "sha256_kernels.hpp"

#if L2_SHA256_X86_KERNELS

#include <immintrin.h>

#include <cstring>

namespace l2::opt::sha256::detail::shani {
namespace {

// Messages in flight per batch step: enough independent SHA256RNDS2 chains to cover its latency
// (on Zen 4/5, 4 measured faster than 3 and 2 despite some register spills). A tail of up to 3
// messages runs as a pair and a single.
constexpr std::size_t interleave = 4;
static_assert(interleave == 4, "the tail code handles n % interleave <= 3 as 2 + 1");

// A state as the instructions want it: abef = (A, B, E, F) and cdgh = (C, D, G, H), A and C in
// the most significant dword.
struct State {
  __m128i abef;
  __m128i cdgh;
};

inline __m128i byte_swap_words_mask() { return _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL); }

inline __m128i load_wk(const u32* wk) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(wk)); }

inline State load_state(const u32 words[8]) {
  const __m128i abcd = _mm_loadu_si128(reinterpret_cast<const __m128i*>(words));
  const __m128i efgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(words + 4));
  const __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
  const __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
  return State{_mm_alignr_epi8(badc, hgfe, 8), _mm_blend_epi16(hgfe, badc, 0xF0)};
}

// Writes the eight state words big-endian, i.e. as a digest.
inline void store_digest(const State& s, u8* out) {
  const __m128i abef_low_a = _mm_shuffle_epi32(s.abef, 0x1B);  // dwords A, B, E, F from low to high
  const __m128i cdgh_swapped = _mm_shuffle_epi32(s.cdgh, 0xB1);  // G, H, C, D
  const __m128i abcd = _mm_blend_epi16(abef_low_a, cdgh_swapped, 0xF0);
  const __m128i efgh = _mm_alignr_epi8(cdgh_swapped, abef_low_a, 8);
  const __m128i mask = byte_swap_words_mask();
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_shuffle_epi8(abcd, mask));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), _mm_shuffle_epi8(efgh, mask));
}

// Four rounds with wk = W[t .. t + 4) + K[t .. t + 4).
inline void four_rounds(State& s, __m128i wk) {
  s.cdgh = _mm_sha256rnds2_epu32(s.cdgh, s.abef, wk);
  // After two rounds the old A, B, E, F are the new C, D, G, H, so the roles return to their names.
  s.abef = _mm_sha256rnds2_epu32(s.abef, s.cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

// W[t .. t + 4) from the four previous schedule quads: w0 = W[t-16 ..], w1 = W[t-12 ..],
// w2 = W[t-8 ..], w3 = W[t-4 ..].
inline __m128i next_schedule(__m128i w0, __m128i w1, __m128i w2, __m128i w3) {
  const __m128i with_sigma0 = _mm_sha256msg1_epu32(w0, w1);
  const __m128i with_w7 = _mm_add_epi32(with_sigma0, _mm_alignr_epi8(w3, w2, 4));
  return _mm_sha256msg2_epu32(with_w7, w3);
}

// Compresses one 64-byte block into each of the N states, the N chains interleaved.
template <std::size_t N>
inline void compress_blocks_lockstep(State (&s)[N], const u8* const (&blocks)[N]) {
  const __m128i mask = byte_swap_words_mask();
  State saved[N];
  __m128i w[N][4];
#pragma GCC unroll 4
  for (std::size_t j = 0; j < N; ++j) {
    saved[j] = s[j];
#pragma GCC unroll 4
    for (std::size_t q = 0; q < 4; ++q)
      w[j][q] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks[j] + 16 * q)), mask);
  }
#pragma GCC unroll 16
  for (std::size_t quad = 0; quad < 16; ++quad) {
    const __m128i k = load_wk(round_constants.w + 4 * quad);
#pragma GCC unroll 4
    for (std::size_t j = 0; j < N; ++j) {
      if (quad >= 4) w[j][quad % 4] = next_schedule(w[j][quad % 4], w[j][(quad + 1) % 4], w[j][(quad + 2) % 4], w[j][(quad + 3) % 4]);
      four_rounds(s[j], _mm_add_epi32(w[j][quad % 4], k));
    }
  }
#pragma GCC unroll 4
  for (std::size_t j = 0; j < N; ++j) {
    s[j].abef = _mm_add_epi32(s[j].abef, saved[j].abef);
    s[j].cdgh = _mm_add_epi32(s[j].cdgh, saved[j].cdgh);
  }
}

// Compresses a block whose W + K is known in advance (a constant padding block) into N states.
template <std::size_t N>
inline void compress_wk_lockstep(State (&s)[N], const u32* wk) {
  State saved[N];
#pragma GCC unroll 4
  for (std::size_t j = 0; j < N; ++j) saved[j] = s[j];
#pragma GCC unroll 16
  for (std::size_t quad = 0; quad < 16; ++quad) {
    const __m128i k = load_wk(wk + 4 * quad);
#pragma GCC unroll 4
    for (std::size_t j = 0; j < N; ++j) four_rounds(s[j], k);
  }
#pragma GCC unroll 4
  for (std::size_t j = 0; j < N; ++j) {
    s[j].abef = _mm_add_epi32(s[j].abef, saved[j].abef);
    s[j].cdgh = _mm_add_epi32(s[j].cdgh, saved[j].cdgh);
  }
}

// N messages of 64 bytes, each from `start`, then the constant padding block `padding_wk`.
template <std::size_t N>
inline void one_block_then_padding(const u32* start, const u32* padding_wk, const u8* in, u8* out) {
  State s[N];
  const u8* blocks[N];
#pragma GCC unroll 4
  for (std::size_t j = 0; j < N; ++j) {
    s[j] = load_state(start);
    blocks[j] = in + 64 * j;
  }
  compress_blocks_lockstep<N>(s, blocks);
  compress_wk_lockstep<N>(s, padding_wk);
#pragma GCC unroll 4
  for (std::size_t j = 0; j < N; ++j) store_digest(s[j], out + 32 * j);
}

void one_block_then_padding_many(const u32* start, const u32* padding_wk, const u8* in, u8* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + interleave <= n; i += interleave)
    one_block_then_padding<interleave>(start, padding_wk, in + 64 * i, out + 32 * i);
  if (i + 2 <= n) {
    one_block_then_padding<2>(start, padding_wk, in + 64 * i, out + 32 * i);
    i += 2;
  }
  if (i < n) one_block_then_padding<1>(start, padding_wk, in + 64 * i, out + 32 * i);
}

// The two blocks of the RFC 6962 node message 0x01 || in[0 .. 64).
struct NodeBlocks {
  u8 bytes[128];
};

inline void fill_node_blocks(NodeBlocks& b, const u8* in) {
  std::memcpy(b.bytes + 1, in, 64);
}

inline NodeBlocks empty_node_blocks() {
  NodeBlocks b{};
  b.bytes[0] = 0x01;
  b.bytes[65] = 0x80;
  b.bytes[126] = static_cast<u8>((rfc6962_node_message_bytes * 8) >> 8);
  b.bytes[127] = static_cast<u8>(rfc6962_node_message_bytes * 8);
  return b;
}

template <std::size_t N>
inline void rfc6962_nodes(NodeBlocks (&b)[N], const u8* in, u8* out) {
  State s[N];
  const u8* first[N];
  const u8* second[N];
#pragma GCC unroll 4
  for (std::size_t j = 0; j < N; ++j) {
    fill_node_blocks(b[j], in + 64 * j);
    s[j] = load_state(initial_state.w);
    first[j] = b[j].bytes;
    second[j] = b[j].bytes + 64;
  }
  compress_blocks_lockstep<N>(s, first);
  compress_blocks_lockstep<N>(s, second);
#pragma GCC unroll 4
  for (std::size_t j = 0; j < N; ++j) store_digest(s[j], out + 32 * j);
}

// N messages from `start`, each over block_count blocks, the N chains in lockstep.
template <std::size_t N>
inline void finish_group(const u32* start, const u8* const* blocks, std::size_t block_count, u8* const* out) {
  State s[N];
#pragma GCC unroll 4
  for (std::size_t j = 0; j < N; ++j) s[j] = load_state(start);
  for (std::size_t block = 0; block < block_count; ++block) {
    const u8* group[N];
#pragma GCC unroll 4
    for (std::size_t j = 0; j < N; ++j) group[j] = blocks[j] + 64 * block;
    compress_blocks_lockstep<N>(s, group);
  }
#pragma GCC unroll 4
  for (std::size_t j = 0; j < N; ++j) store_digest(s[j], out[j]);
}

}  // namespace

// Three messages run as three chains, not as a pair and a single: the account tree and the rollup
// engine finish exactly three hashes per transaction (its accounts' values and leaves).
void finish_many(const Midstate& start, const u8* const* blocks, std::size_t block_count, u8* const* out,
                 std::size_t count) {
  u32 words[8];
  std::memcpy(words, &start, sizeof words);
  std::size_t i = 0;
  for (; i + interleave <= count; i += interleave) finish_group<interleave>(words, blocks + i, block_count, out + i);
  switch (count - i) {
    case 3: finish_group<3>(words, blocks + i, block_count, out + i); break;
    case 2: finish_group<2>(words, blocks + i, block_count, out + i); break;
    case 1: finish_group<1>(words, blocks + i, block_count, out + i); break;
    default: break;
  }
}

void hash_one(const u8* data, std::size_t len, u8* out) {
  State s[1] = {load_state(initial_state.w)};
  const std::size_t whole_blocks = len / 64;
  for (std::size_t i = 0; i < whole_blocks; ++i) {
    const u8* block[1] = {data + 64 * i};
    compress_blocks_lockstep<1>(s, block);
  }
  // FIPS 180-4 §5.1.1 padding: one block if the tail leaves room for 0x80 and the 8-byte length.
  const std::size_t tail = len - 64 * whole_blocks;
  u8 last[128] = {};
  if (tail != 0) std::memcpy(last, data + 64 * whole_blocks, tail);
  last[tail] = 0x80;
  const std::size_t last_bytes = tail <= 55 ? 64 : 128;
  const u64 bit_length = static_cast<u64>(len) * 8;
  for (std::size_t i = 0; i < 8; ++i) last[last_bytes - 1 - i] = static_cast<u8>(bit_length >> (8 * i));
  for (std::size_t offset = 0; offset < last_bytes; offset += 64) {
    const u8* block[1] = {last + offset};
    compress_blocks_lockstep<1>(s, block);
  }
  store_digest(s[0], out);
}

void hash64_many(const u8* in, u8* out, std::size_t n) {
  one_block_then_padding_many(initial_state.w, padding_wk_after_64.w, in, out, n);
}

void midstate64_many(const Midstate& mid, const u8* in, u8* out, std::size_t n) {
  u32 start[8];
  std::memcpy(start, &mid, sizeof start);
  one_block_then_padding_many(start, padding_wk_after_128.w, in, out, n);
}

void rfc6962_node_many(const u8* in, u8* out, std::size_t n) {
  NodeBlocks b[interleave];
  for (NodeBlocks& one : b) one = empty_node_blocks();
  std::size_t i = 0;
  for (; i + interleave <= n; i += interleave) rfc6962_nodes<interleave>(b, in + 64 * i, out + 32 * i);
  if (i + 2 <= n) {
    NodeBlocks pair[2] = {b[0], b[1]};
    rfc6962_nodes<2>(pair, in + 64 * i, out + 32 * i);
    i += 2;
  }
  if (i < n) {
    NodeBlocks single[1] = {b[0]};
    rfc6962_nodes<1>(single, in + 64 * i, out + 32 * i);
  }
}

}  // namespace l2::opt::sha256::detail::shani

#endif  // L2_SHA256_X86_KERNELS
