// AVX-512 16-lane multi-buffer SHA-256 kernel: must match l2::ref::sha256 (reference/include/l2/ref/sha256.hpp).
// Hardware feature: AVX-512F 512-bit integer vectors with one-instruction rotates (VPRORD) and
// three-input logic (VPTERNLOGD), AVX-512BW byte shuffles. Sixteen independent messages are
// hashed at once, message j in 32-bit lane j of every register; inputs and digests are transposed
// with unpack and 128-bit-lane shuffles. The constant padding block of hash64_many and midstate64_many costs only
// rounds: its W + K comes precomputed as broadcast constants.
#include "sha256_kernels.hpp"

#if L2_SHA256_X86_KERNELS

// GCC 12's _mm512_ror_epi32 passes _mm512_undefined_epi32() as the unused merge source, which
// -Wuninitialized reports inside the header.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstring>
#include <utility>

namespace l2::opt::sha256::detail::avx512_x16 {
namespace {

using V = __m512i;
using Half = __m256i;
constexpr std::size_t lanes = 16;

#define L2_INLINE [[gnu::always_inline]] inline

// VPTERNLOGD truth tables over operands (x, y, z) = (0xF0, 0xCC, 0xAA).
constexpr int ternary_xor3 = 0x96;       // x ^ y ^ z
constexpr int ternary_choose = 0xCA;     // x ? y : z
constexpr int ternary_majority = 0xE8;   // at least two of x, y, z

L2_INLINE V add(V a, V b) { return _mm512_add_epi32(a, b); }
L2_INLINE V broadcast(u32 x) { return _mm512_set1_epi32(static_cast<int>(x)); }
template <int n>
L2_INLINE V rotr(V x) {
  return _mm512_ror_epi32(x, n);
}
L2_INLINE V xor3(V a, V b, V c) { return _mm512_ternarylogic_epi32(a, b, c, ternary_xor3); }
L2_INLINE V big_sigma0(V x) { return xor3(rotr<2>(x), rotr<13>(x), rotr<22>(x)); }
L2_INLINE V big_sigma1(V x) { return xor3(rotr<6>(x), rotr<11>(x), rotr<25>(x)); }
L2_INLINE V small_sigma0(V x) { return xor3(rotr<7>(x), rotr<18>(x), _mm512_srli_epi32(x, 3)); }
L2_INLINE V small_sigma1(V x) { return xor3(rotr<17>(x), rotr<19>(x), _mm512_srli_epi32(x, 10)); }
L2_INLINE V choose(V e, V f, V g) { return _mm512_ternarylogic_epi32(e, f, g, ternary_choose); }
L2_INLINE V majority(V a, V b, V c) { return _mm512_ternarylogic_epi32(a, b, c, ternary_majority); }

// Seen as compile-time constants, round constants cost GCC a mov and a vpbroadcastd each; read
// through a pointer it cannot see through, each becomes a broadcast memory operand of one add.
L2_INLINE const u32* opaque(const u32* table) {
  __asm__("" : "+r"(table));
  return table;
}

// Round t. The eight state words rotate roles each round instead of moving: at round t, word a
// lives in s[-t mod 8], b in s[1 - t mod 8], and so on.
template <std::size_t t>
L2_INLINE void round(V (&s)[8], V wk) {
  constexpr std::size_t a = (64 - t) % 8;
  V& d = s[(a + 3) % 8];
  V& h = s[(a + 7) % 8];
  const V e = s[(a + 4) % 8];
  const V t1 = add(add(h, big_sigma1(e)), add(choose(e, s[(a + 5) % 8], s[(a + 6) % 8]), wk));
  d = add(d, t1);
  h = add(t1, add(big_sigma0(s[a]), majority(s[a], s[(a + 1) % 8], s[(a + 2) % 8])));
}

// Round t of a block whose message words are in w, extending the schedule in place (w holds
// W[t - 16 .. t) as a ring).
template <std::size_t t>
L2_INLINE void message_round(V (&s)[8], V (&w)[16], const u32* k) {
  if constexpr (t >= 16) {
    w[t % 16] = add(add(small_sigma1(w[(t - 2) % 16]), w[(t - 7) % 16]),
                    add(small_sigma0(w[(t - 15) % 16]), w[t % 16]));
  }
  round<t>(s, add(w[t % 16], broadcast(k[t])));
}

template <std::size_t... t>
L2_INLINE void message_rounds(V (&s)[8], V (&w)[16], const u32* k, std::index_sequence<t...>) {
  (message_round<t>(s, w, k), ...);
}

template <std::size_t... t>
L2_INLINE void constant_rounds(V (&s)[8], const u32* wk, std::index_sequence<t...>) {
  (round<t>(s, broadcast(wk[t])), ...);
}

// The rounds work on local copies: through the caller's references the compiler would store
// every updated word back to memory.
void compress_message(V (&state)[8], const V (&message)[16]) {
  V s[8];
  V w[16];
  for (std::size_t i = 0; i < 8; ++i) s[i] = state[i];
  for (std::size_t t = 0; t < 16; ++t) w[t] = message[t];
  message_rounds(s, w, opaque(round_constants.w), std::make_index_sequence<64>{});
  for (std::size_t i = 0; i < 8; ++i) state[i] = add(state[i], s[i]);
}

template <const Words64& wk>
void compress_constant(V (&state)[8]) {
  V s[8];
  for (std::size_t i = 0; i < 8; ++i) s[i] = state[i];
  constant_rounds(s, opaque(wk.w), std::make_index_sequence<64>{});
  for (std::size_t i = 0; i < 8; ++i) state[i] = add(state[i], s[i]);
}

L2_INLINE V byte_swap_words(V x) {
  const V mask = _mm512_set4_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
  return _mm512_shuffle_epi8(x, mask);
}

// w[t] lane j = big-endian word t of the 64 bytes at in + 64 j: a 16 x 16 transpose.
L2_INLINE void load_words(const u8* in, V (&w)[16]) {
  V pairs[16];
  for (std::size_t p = 0; p < 8; ++p) {
    const V even = byte_swap_words(_mm512_loadu_si512(in + 64 * (2 * p)));
    const V odd = byte_swap_words(_mm512_loadu_si512(in + 64 * (2 * p + 1)));
    pairs[2 * p] = _mm512_unpacklo_epi32(even, odd);
    pairs[2 * p + 1] = _mm512_unpackhi_epi32(even, odd);
  }
  // quads[g][r], 128-bit lane L: word 4 L + r of rows 4 g .. 4 g + 3.
  V quads[4][4];
  for (std::size_t g = 0; g < 4; ++g) {
    quads[g][0] = _mm512_unpacklo_epi64(pairs[4 * g], pairs[4 * g + 2]);
    quads[g][1] = _mm512_unpackhi_epi64(pairs[4 * g], pairs[4 * g + 2]);
    quads[g][2] = _mm512_unpacklo_epi64(pairs[4 * g + 1], pairs[4 * g + 3]);
    quads[g][3] = _mm512_unpackhi_epi64(pairs[4 * g + 1], pairs[4 * g + 3]);
  }
  // A 4 x 4 transpose of 128-bit lanes gathers word 4 L + r of all sixteen rows.
  for (std::size_t r = 0; r < 4; ++r) {
    const V low01 = _mm512_shuffle_i32x4(quads[0][r], quads[1][r], 0x44);
    const V low23 = _mm512_shuffle_i32x4(quads[2][r], quads[3][r], 0x44);
    const V high01 = _mm512_shuffle_i32x4(quads[0][r], quads[1][r], 0xEE);
    const V high23 = _mm512_shuffle_i32x4(quads[2][r], quads[3][r], 0xEE);
    w[r] = _mm512_shuffle_i32x4(low01, low23, 0x88);
    w[4 + r] = _mm512_shuffle_i32x4(low01, low23, 0xDD);
    w[8 + r] = _mm512_shuffle_i32x4(high01, high23, 0x88);
    w[12 + r] = _mm512_shuffle_i32x4(high01, high23, 0xDD);
  }
}

L2_INLINE void store_digests(const V (&s)[8], u8* out) {
  V pairs[8];
  for (std::size_t p = 0; p < 4; ++p) {
    const V even = byte_swap_words(s[2 * p]);
    const V odd = byte_swap_words(s[2 * p + 1]);
    pairs[2 * p] = _mm512_unpacklo_epi32(even, odd);
    pairs[2 * p + 1] = _mm512_unpackhi_epi32(even, odd);
  }
  // quads[h][r], 128-bit lane L: words 4 h .. 4 h + 3 of message 4 L + r.
  V quads[2][4];
  for (std::size_t h = 0; h < 2; ++h) {
    quads[h][0] = _mm512_unpacklo_epi64(pairs[4 * h], pairs[4 * h + 2]);
    quads[h][1] = _mm512_unpackhi_epi64(pairs[4 * h], pairs[4 * h + 2]);
    quads[h][2] = _mm512_unpacklo_epi64(pairs[4 * h + 1], pairs[4 * h + 3]);
    quads[h][3] = _mm512_unpackhi_epi64(pairs[4 * h + 1], pairs[4 * h + 3]);
  }
  // Pair up the two halves of each digest: messages r, 4 + r from lanes 0, 1 and 8 + r, 12 + r from 2, 3.
  const V lanes01 = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
  const V lanes23 = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
  for (std::size_t r = 0; r < 4; ++r) {
    const V first = _mm512_permutex2var_epi64(quads[0][r], lanes01, quads[1][r]);
    const V second = _mm512_permutex2var_epi64(quads[0][r], lanes23, quads[1][r]);
    _mm256_storeu_si256(reinterpret_cast<Half*>(out + 32 * r), _mm512_castsi512_si256(first));
    _mm256_storeu_si256(reinterpret_cast<Half*>(out + 32 * (4 + r)), _mm512_extracti64x4_epi64(first, 1));
    _mm256_storeu_si256(reinterpret_cast<Half*>(out + 32 * (8 + r)), _mm512_castsi512_si256(second));
    _mm256_storeu_si256(reinterpret_cast<Half*>(out + 32 * (12 + r)), _mm512_extracti64x4_epi64(second, 1));
  }
}

// Sixteen 64-byte messages from the state `start`, then the constant padding block.
template <const Words64& padding_wk>
void one_block_then_padding(const u32* start, const u8* in, u8* out) {
  V s[8];
  for (std::size_t i = 0; i < 8; ++i) s[i] = broadcast(start[i]);
  V w[16];
  load_words(in, w);
  compress_message(s, w);
  compress_constant<padding_wk>(s);
  store_digests(s, out);
}

void rfc6962_nodes(const u8* in, u8* out) {
  V input[16];
  load_words(in, input);
  // Block 1 is 0x01 || in[0 .. 63): each word is the input word shifted right one byte, taking
  // its top byte from the previous input word (0x01 before the first).
  V w[16];
  w[0] = _mm512_or_si512(broadcast(0x01000000u), _mm512_srli_epi32(input[0], 8));
  for (std::size_t t = 1; t < 16; ++t)
    w[t] = _mm512_or_si512(_mm512_slli_epi32(input[t - 1], 24), _mm512_srli_epi32(input[t], 8));
  V s[8];
  for (std::size_t i = 0; i < 8; ++i) s[i] = broadcast(initial_state.w[i]);
  compress_message(s, w);
  // Block 2 is in[63], 0x80, zeros, and the bit length 520.
  w[0] = _mm512_or_si512(_mm512_slli_epi32(input[15], 24), broadcast(0x00800000u));
  for (std::size_t t = 1; t < 15; ++t) w[t] = _mm512_setzero_si512();
  w[15] = broadcast(static_cast<u32>(rfc6962_node_message_bytes * 8));
  compress_message(s, w);
  store_digests(s, out);
}

// Runs `group` (which reads lanes * 64 bytes and writes lanes * 32) over n messages. A small
// leftover goes to `single_stream` (the single-stream kernel's batch function); a larger one
// through zero-filled buffers, so no lane reads or writes out of bounds.
template <class Group, class SingleStream>
void for_each_group(const u8* in, u8* out, std::size_t n, Group group, SingleStream single_stream) {
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) group(in + 64 * i, out + 32 * i);
  if (i == n) return;
  const std::size_t rest = n - i;
  if (rest <= single_stream_tail_limit(lanes)) {
    single_stream(in + 64 * i, out + 32 * i, rest);
    return;
  }
  alignas(64) u8 in_buffer[64 * lanes] = {};
  alignas(64) u8 out_buffer[32 * lanes];
  std::memcpy(in_buffer, in + 64 * i, 64 * rest);
  group(in_buffer, out_buffer);
  std::memcpy(out + 32 * i, out_buffer, 32 * rest);
}

#undef L2_INLINE

}  // namespace

void hash64_many(const u8* in, u8* out, std::size_t n) {
  for_each_group(
      in, out, n,
      [](const u8* group_in, u8* group_out) {
        one_block_then_padding<padding_wk_after_64>(initial_state.w, group_in, group_out);
      },
      [](const u8* rest_in, u8* rest_out, std::size_t rest) {
        single_stream_kernel().hash64_many(rest_in, rest_out, rest);
      });
}

void midstate64_many(const Midstate& mid, const u8* in, u8* out, std::size_t n) {
  u32 start[8];
  std::memcpy(start, &mid, sizeof start);
  for_each_group(
      in, out, n,
      [&start](const u8* group_in, u8* group_out) {
        one_block_then_padding<padding_wk_after_128>(start, group_in, group_out);
      },
      [&mid](const u8* rest_in, u8* rest_out, std::size_t rest) {
        single_stream_kernel().midstate64_many(mid, rest_in, rest_out, rest);
      });
}

void rfc6962_node_many(const u8* in, u8* out, std::size_t n) {
  for_each_group(in, out, n, rfc6962_nodes, [](const u8* rest_in, u8* rest_out, std::size_t rest) {
    single_stream_kernel().rfc6962_node_many(rest_in, rest_out, rest);
  });
}

}  // namespace l2::opt::sha256::detail::avx512_x16

#endif  // L2_SHA256_X86_KERNELS
