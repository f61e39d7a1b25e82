// AVX2 8-lane multi-buffer SHA-256 kernel: must match l2::ref::sha256 (reference/include/l2/ref/sha256.hpp).
// Hardware feature: AVX2 256-bit integer vectors. Eight independent messages are hashed at once,
// message j in 32-bit lane j of every register; inputs and digests are transposed with unpack and
// lane-permute shuffles. The constant padding block of hash64_many and midstate64_many costs only
// rounds: its W + K comes precomputed as broadcast constants.
#include "sha256_kernels.hpp"

#if L2_SHA256_X86_KERNELS

#include <immintrin.h>

#include <cstring>
#include <utility>

namespace l2::opt::sha256::detail::avx2_x8 {
namespace {

using V = __m256i;
constexpr std::size_t lanes = 8;

#define L2_INLINE [[gnu::always_inline]] inline

L2_INLINE V add(V a, V b) { return _mm256_add_epi32(a, b); }
L2_INLINE V broadcast(u32 x) { return _mm256_set1_epi32(static_cast<int>(x)); }
template <int n>
L2_INLINE V rotr(V x) {
  return _mm256_or_si256(_mm256_srli_epi32(x, n), _mm256_slli_epi32(x, 32 - n));
}
L2_INLINE V xor3(V a, V b, V c) { return _mm256_xor_si256(_mm256_xor_si256(a, b), c); }
L2_INLINE V big_sigma0(V x) { return xor3(rotr<2>(x), rotr<13>(x), rotr<22>(x)); }
L2_INLINE V big_sigma1(V x) { return xor3(rotr<6>(x), rotr<11>(x), rotr<25>(x)); }
L2_INLINE V small_sigma0(V x) { return xor3(rotr<7>(x), rotr<18>(x), _mm256_srli_epi32(x, 3)); }
L2_INLINE V small_sigma1(V x) { return xor3(rotr<17>(x), rotr<19>(x), _mm256_srli_epi32(x, 10)); }
L2_INLINE V choose(V e, V f, V g) { return _mm256_xor_si256(g, _mm256_and_si256(e, _mm256_xor_si256(f, g))); }
// (a ^ b) is the next round's (b ^ c), which the compiler reuses.
L2_INLINE V majority(V a, V b, V c) {
  return _mm256_xor_si256(b, _mm256_and_si256(_mm256_xor_si256(a, b), _mm256_xor_si256(b, c)));
}

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

// out[k] lane j = in[j] lane k.
L2_INLINE void transpose8(const V (&in)[8], V (&out)[8]) {
  const V t0 = _mm256_unpacklo_epi32(in[0], in[1]);
  const V t1 = _mm256_unpackhi_epi32(in[0], in[1]);
  const V t2 = _mm256_unpacklo_epi32(in[2], in[3]);
  const V t3 = _mm256_unpackhi_epi32(in[2], in[3]);
  const V t4 = _mm256_unpacklo_epi32(in[4], in[5]);
  const V t5 = _mm256_unpackhi_epi32(in[4], in[5]);
  const V t6 = _mm256_unpacklo_epi32(in[6], in[7]);
  const V t7 = _mm256_unpackhi_epi32(in[6], in[7]);
  // Within each 128-bit half: u0 = word 0 of rows 0-3, u1 = word 1, ...; u4..u7 the same for rows 4-7.
  const V u0 = _mm256_unpacklo_epi64(t0, t2);
  const V u1 = _mm256_unpackhi_epi64(t0, t2);
  const V u2 = _mm256_unpacklo_epi64(t1, t3);
  const V u3 = _mm256_unpackhi_epi64(t1, t3);
  const V u4 = _mm256_unpacklo_epi64(t4, t6);
  const V u5 = _mm256_unpackhi_epi64(t4, t6);
  const V u6 = _mm256_unpacklo_epi64(t5, t7);
  const V u7 = _mm256_unpackhi_epi64(t5, t7);
  out[0] = _mm256_permute2x128_si256(u0, u4, 0x20);
  out[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
  out[2] = _mm256_permute2x128_si256(u2, u6, 0x20);
  out[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
  out[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
  out[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
  out[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
  out[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

L2_INLINE V byte_swap_words(V x) {
  const V mask = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,  //
                                  3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
  return _mm256_shuffle_epi8(x, mask);
}

// w[t] lane j = big-endian word t of the 64 bytes at in + 64 j.
L2_INLINE void load_words(const u8* in, V (&w)[16]) {
  for (std::size_t half = 0; half < 2; ++half) {
    V rows[8];
    for (std::size_t j = 0; j < lanes; ++j)
      rows[j] = byte_swap_words(_mm256_loadu_si256(reinterpret_cast<const V*>(in + 64 * j + 32 * half)));
    V columns[8];
    transpose8(rows, columns);
    for (std::size_t t = 0; t < 8; ++t) w[8 * half + t] = columns[t];
  }
}

L2_INLINE void store_digests(const V (&s)[8], u8* out) {
  V rows[8];
  transpose8(s, rows);
  for (std::size_t j = 0; j < lanes; ++j)
    _mm256_storeu_si256(reinterpret_cast<V*>(out + 32 * j), byte_swap_words(rows[j]));
}

// Eight 64-byte messages from the state `start`, then the constant padding block.
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
  w[0] = _mm256_or_si256(broadcast(0x01000000u), _mm256_srli_epi32(input[0], 8));
  for (std::size_t t = 1; t < 16; ++t)
    w[t] = _mm256_or_si256(_mm256_slli_epi32(input[t - 1], 24), _mm256_srli_epi32(input[t], 8));
  V s[8];
  for (std::size_t i = 0; i < 8; ++i) s[i] = broadcast(initial_state.w[i]);
  compress_message(s, w);
  // Block 2 is in[63], 0x80, zeros, and the bit length 520.
  w[0] = _mm256_or_si256(_mm256_slli_epi32(input[15], 24), broadcast(0x00800000u));
  for (std::size_t t = 1; t < 15; ++t) w[t] = _mm256_setzero_si256();
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

}  // namespace l2::opt::sha256::detail::avx2_x8

#endif  // L2_SHA256_X86_KERNELS
