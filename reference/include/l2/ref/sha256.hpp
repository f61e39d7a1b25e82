// SHA-256 as specified in FIPS 180-4, written for reading and for constant evaluation.
// It is deliberately not optimized; optimized/src/sha256/ holds the fast kernels, which the
// differential tests hold to this one. The words and bytes it indexes in its loops are plain
// arrays: g++ evaluates each std::array subscript as a function call, which made every constant
// evaluation of a compression more than twice as slow, and the static test suites hash thousands
// of blocks at compile time (spec/README.md#ci).
// spec: primitives.md#sha-256
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "l2/ref/bytes.hpp"

namespace l2::ref {

namespace sha256_detail {

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
inline constexpr u32 round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// FIPS 180-4 §5.3.3: the initial hash value.
inline constexpr std::array<u32, 8> initial_state = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr u32 rotr(u32 x, int n) { return (x >> n) | (x << (32 - n)); }
constexpr u32 ch(u32 x, u32 y, u32 z) { return (x & y) ^ (~x & z); }
constexpr u32 maj(u32 x, u32 y, u32 z) { return (x & y) ^ (x & z) ^ (y & z); }
constexpr u32 big_sigma0(u32 x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
constexpr u32 big_sigma1(u32 x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
constexpr u32 small_sigma0(u32 x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
constexpr u32 small_sigma1(u32 x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }

}  // namespace sha256_detail

// The SHA-256 compression function (FIPS 180-4 §6.2.2) on one 64-byte block.
constexpr void sha256_compress(std::array<u32, 8>& state, const u8* block) {
  using namespace sha256_detail;
  u32 schedule[64] = {};
  for (std::size_t t = 0; t < 16; ++t) {
    schedule[t] = (u32{block[4 * t]} << 24) | (u32{block[4 * t + 1]} << 16) | (u32{block[4 * t + 2]} << 8) |
                  u32{block[4 * t + 3]};
  }
  for (std::size_t t = 16; t < 64; ++t) {
    schedule[t] = small_sigma1(schedule[t - 2]) + schedule[t - 7] + small_sigma0(schedule[t - 15]) + schedule[t - 16];
  }
  u32 a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
  for (std::size_t t = 0; t < 64; ++t) {
    const u32 t1 = h + big_sigma1(e) + ch(e, f, g) + round_constants[t] + schedule[t];
    const u32 t2 = big_sigma0(a) + maj(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a; state[1] += b; state[2] += c; state[3] += d;
  state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

// Incremental hashing: update() any number of times, then finish() once.
class Sha256 {
 public:
  constexpr Sha256() = default;

  constexpr Sha256& update(std::span<const u8> data) {
    for (u8 byte : data) {
      buffer_[buffered_++] = byte;
      if (buffered_ == 64) {
        sha256_compress(state_, buffer_);
        buffered_ = 0;
      }
    }
    total_bytes_ += data.size();
    return *this;
  }

  // FIPS 180-4 §5.1.1 padding: a 1 bit, zeros, then the message length in bits as 64-bit big-endian.
  constexpr Hash32 finish() {
    const u64 total_bits = total_bytes_ * 8;
    buffer_[buffered_++] = 0x80;
    if (buffered_ > 56) {
      while (buffered_ < 64) buffer_[buffered_++] = 0;
      sha256_compress(state_, buffer_);
      buffered_ = 0;
    }
    while (buffered_ < 56) buffer_[buffered_++] = 0;
    for (int i = 7; i >= 0; --i) buffer_[buffered_++] = static_cast<u8>(total_bits >> (8 * i));
    sha256_compress(state_, buffer_);
    Hash32 digest{};
    for (std::size_t i = 0; i < 8; ++i) {
      digest[4 * i] = static_cast<u8>(state_[i] >> 24);
      digest[4 * i + 1] = static_cast<u8>(state_[i] >> 16);
      digest[4 * i + 2] = static_cast<u8>(state_[i] >> 8);
      digest[4 * i + 3] = static_cast<u8>(state_[i]);
    }
    return digest;
  }

 private:
  std::array<u32, 8> state_ = sha256_detail::initial_state;
  u8 buffer_[64] = {};
  std::size_t buffered_ = 0;
  u64 total_bytes_ = 0;
};

// [HASH-SHA256-1] SHA-256 of a byte string of any length.
constexpr Hash32 sha256(std::span<const u8> data) { return Sha256{}.update(data).finish(); }

constexpr Hash32 sha256(std::string_view text) {
  const Bytes data = bytes_of(text);
  return sha256(std::span<const u8>(data));
}

// BIP-340 tagged hashes under one tag. Every message's hash begins with the same 64-byte block,
// SHA256(tag) || SHA256(tag); a TaggedHasher compresses it once, when made, and starts each hash
// from that state, as BIP-340 suggests. A hasher made once per tag (a namespace-scope constexpr
// variable) saves two of the compressions of each hash, which is most of the cost of a short
// message such as a tree node's.
class TaggedHasher {
 public:
  constexpr explicit TaggedHasher(std::string_view tag) {
    const Hash32 tag_hash = sha256(tag);
    after_prefix_.update(tag_hash).update(tag_hash);
  }

  constexpr Hash32 operator()(std::span<const u8> data) const {
    Sha256 hash = after_prefix_;
    return hash.update(data).finish();
  }

 private:
  Sha256 after_prefix_;
};

// BIP-340 tagged hash: SHA256(SHA256(tag) || SHA256(tag) || x). Tags look like "L2/<m>/<what>".
// spec: primitives.md#tagged-hashes [HASH-TAG-1]
constexpr Hash32 tagged_hash(std::string_view tag, std::span<const u8> data) { return TaggedHasher(tag)(data); }

}  // namespace l2::ref
