// SHA-NI finishing kernel for the rollup engine's tagged hashes: must match l2::ref::sha256
// (reference/include/l2/ref/sha256.hpp) continuing a tag's midstate over the message's padded tail.
// Hardware feature: the x86 SHA extensions (SHA256RNDS2, SHA256MSG1, SHA256MSG2) with SSSE3 byte
// shuffles and SSE4.1 blends. A lone compression is bound by SHA256RNDS2's latency, so up to four
// independent messages (a transaction's three account values or leaf hashes, four state roots or
// digests) run in lockstep in about the time of one.
#include "rollup_finish_kernels.hpp"

#if defined(__x86_64__)

#include <immintrin.h>

namespace l2::opt::rollup_detail::shani {
namespace {

using u32 = std::uint32_t;

// FIPS 180-4 §4.2.2. (Not taken from the reference header: nothing with inline functions is
// included in a file compiled with -msha.)
alignas(16) constexpr u32 round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// A state as the instructions want it: abef = (A, B, E, F), cdgh = (C, D, G, H).
struct State {
  __m128i abef;
  __m128i cdgh;
};

__m128i byte_swap_words_mask() { return _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL); }

State load_state(const u32* words) {
  const __m128i abcd = _mm_loadu_si128(reinterpret_cast<const __m128i*>(words));
  const __m128i efgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(words + 4));
  const __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
  const __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
  return State{_mm_alignr_epi8(badc, hgfe, 8), _mm_blend_epi16(hgfe, badc, 0xF0)};
}

void store_digest(const State& s, unsigned char* out) {
  const __m128i fe_ba = _mm_shuffle_epi32(s.abef, 0x1B);
  const __m128i dc_hg = _mm_shuffle_epi32(s.cdgh, 0xB1);
  const __m128i abcd = _mm_blend_epi16(fe_ba, dc_hg, 0xF0);
  const __m128i efgh = _mm_alignr_epi8(dc_hg, fe_ba, 8);
  const __m128i mask = byte_swap_words_mask();
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_shuffle_epi8(abcd, mask));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), _mm_shuffle_epi8(efgh, mask));
}

// One 64-byte block into each of the N states, the N chains interleaved round by round.
template <std::size_t N>
__attribute__((always_inline)) inline void compress_lockstep(State (&s)[N], const unsigned char* const* blocks) {
  const __m128i mask = byte_swap_words_mask();
  State saved[N];
  __m128i w[N][4];
#pragma GCC unroll 4
  for (std::size_t j = 0; j < N; ++j) {
    saved[j] = s[j];
    for (std::size_t q = 0; q < 4; ++q)
      w[j][q] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks[j] + 16 * q)), mask);
  }
#pragma GCC unroll 16
  for (std::size_t quad = 0; quad < 16; ++quad) {
    const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(round_constants + 4 * quad));
#pragma GCC unroll 4
    for (std::size_t j = 0; j < N; ++j) {
      const __m128i wk = _mm_add_epi32(w[j][quad % 4], k);
      s[j].cdgh = _mm_sha256rnds2_epu32(s[j].cdgh, s[j].abef, wk);
      s[j].abef = _mm_sha256rnds2_epu32(s[j].abef, s[j].cdgh, _mm_shuffle_epi32(wk, 0x0E));
      if (quad < 12) {
        // W[t + 16 .. t + 20) from W[t ..), W[t + 4 ..), W[t + 8 ..), W[t + 12 ..).
        const __m128i with_sigma0 = _mm_sha256msg1_epu32(w[j][quad % 4], w[j][(quad + 1) % 4]);
        const __m128i with_w7 = _mm_add_epi32(with_sigma0, _mm_alignr_epi8(w[j][(quad + 3) % 4], w[j][(quad + 2) % 4], 4));
        w[j][quad % 4] = _mm_sha256msg2_epu32(with_w7, w[j][(quad + 3) % 4]);
      }
    }
  }
#pragma GCC unroll 4
  for (std::size_t j = 0; j < N; ++j) {
    s[j].abef = _mm_add_epi32(s[j].abef, saved[j].abef);
    s[j].cdgh = _mm_add_epi32(s[j].cdgh, saved[j].cdgh);
  }
}

template <std::size_t N>
void finish(const u32* start, const unsigned char* const* blocks, std::size_t block_count, unsigned char* const* out) {
  State s[N];
  for (std::size_t j = 0; j < N; ++j) s[j] = load_state(start);
  compress_lockstep<N>(s, blocks);
  if (block_count == 2) {
    const unsigned char* second[N];
    for (std::size_t j = 0; j < N; ++j) second[j] = blocks[j] + 64;
    compress_lockstep<N>(s, second);
  }
  for (std::size_t j = 0; j < N; ++j) store_digest(s[j], out[j]);
}

}  // namespace

bool compiled() { return true; }

void finish_lockstep(const std::uint32_t* start, const unsigned char* const* blocks, std::size_t block_count,
                     unsigned char* const* out, std::size_t count) {
  switch (count) {
    case 1: finish<1>(start, blocks, block_count, out); break;
    case 2: finish<2>(start, blocks, block_count, out); break;
    case 3: finish<3>(start, blocks, block_count, out); break;
    default: finish<4>(start, blocks, block_count, out); break;
  }
}

}  // namespace l2::opt::rollup_detail::shani

#else

namespace l2::opt::rollup_detail::shani {
bool compiled() { return false; }
void finish_lockstep(const std::uint32_t*, const unsigned char* const*, std::size_t, unsigned char* const*, std::size_t) {}
}  // namespace l2::opt::rollup_detail::shani

#endif
