// ChaCha20, Poly1305 and their AEAD construction as RFC 8439 defines them (the IETF variant:
// 256-bit key, 96-bit nonce, 32-bit block counter, 16-byte tag), written for reading and for
// constant evaluation, section by section. Not fast, and not written to be constant time except
// for the tag comparison in open(): this is the oracle the optimized engine
// (optimized/include/l2/opt/aead.hpp, backed by OpenSSL) must match.
// spec: primitives.md#chacha20-poly1305
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/result.hpp"

namespace l2::ref::chacha20_poly1305 {

using Key = ByteArray<32>;
using Nonce = ByteArray<12>;
using State = std::array<u32, 16>;  // the ChaCha state as a vector of 16 words (RFC 8439 §1.1)
using Block = ByteArray<64>;        // one block of keystream
using PolyKey = ByteArray<32>;      // a Poly1305 one-time key: r (16 bytes), then s (16 bytes)
using Tag = ByteArray<16>;

inline constexpr std::size_t block_size = 64;
inline constexpr std::size_t tag_size = 16;

// RFC 8439 §2.8: P_MAX, the longest plaintext one (key, nonce) may seal: the AEAD starts the
// block counter at 1, so 2^32 - 1 blocks are left. Longer inputs are outside every function's
// contract here (the 32-bit counter would wrap onto block 0, which holds the Poly1305 key).
inline constexpr u64 max_plaintext_size = ((u64{1} << 32) - 1) * block_size;  // 274,877,906,880

namespace detail {

constexpr u32 rotl(u32 x, int n) { return (x << n) | (x >> (32 - n)); }

constexpr u32 load_u32_le(const u8* bytes) {
  return u32{bytes[0]} | (u32{bytes[1]} << 8) | (u32{bytes[2]} << 16) | (u32{bytes[3]} << 24);
}

constexpr void store_u32_le(u32 value, u8* bytes) {
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<u8>(value >> (8 * i));
}

}  // namespace detail

// ---- ChaCha20 ----

// §2.1: the quarter round on four words.
constexpr void quarter_round(u32& a, u32& b, u32& c, u32& d) {
  a += b; d ^= a; d = detail::rotl(d, 16);
  c += d; b ^= c; b = detail::rotl(b, 12);
  a += b; d ^= a; d = detail::rotl(d, 8);
  c += d; b ^= c; b = detail::rotl(b, 7);
}

// §2.2: QUARTERROUND(x, y, z, w), the quarter round on the state's words at those indices.
constexpr void quarter_round(State& state, std::size_t x, std::size_t y, std::size_t z, std::size_t w) {
  quarter_round(state[x], state[y], state[z], state[w]);
}

// §2.3: the constants ("expand 32-byte k"), the key as eight little-endian words, the block
// counter, and the nonce as three little-endian words.
constexpr State chacha20_initial_state(const Key& key, const Nonce& nonce, u32 counter) {
  State state{0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  for (std::size_t i = 0; i < 8; ++i) state[4 + i] = detail::load_u32_le(key.data() + 4 * i);
  state[12] = counter;
  for (std::size_t i = 0; i < 3; ++i) state[13 + i] = detail::load_u32_le(nonce.data() + 4 * i);
  return state;
}

// §2.3: 20 rounds, a column round then a diagonal round ten times, then the initial state added
// word by word (modulo 2^32).
constexpr State chacha20_block_state(const Key& key, const Nonce& nonce, u32 counter) {
  const State initial = chacha20_initial_state(key, nonce, counter);
  State working = initial;
  for (int double_round = 0; double_round < 10; ++double_round) {
    quarter_round(working, 0, 4, 8, 12);
    quarter_round(working, 1, 5, 9, 13);
    quarter_round(working, 2, 6, 10, 14);
    quarter_round(working, 3, 7, 11, 15);
    quarter_round(working, 0, 5, 10, 15);
    quarter_round(working, 1, 6, 11, 12);
    quarter_round(working, 2, 7, 8, 13);
    quarter_round(working, 3, 4, 9, 14);
  }
  for (std::size_t i = 0; i < 16; ++i) working[i] += initial[i];
  return working;
}

// §2.3: the block function, its final state serialized as sixteen little-endian words.
// spec: primitives.md#chacha20_block
constexpr Block chacha20_block(const Key& key, const Nonce& nonce, u32 counter) {
  const State state = chacha20_block_state(key, nonce, counter);
  Block block{};
  for (std::size_t i = 0; i < 16; ++i) detail::store_u32_le(state[i], block.data() + 4 * i);
  return block;
}

// §2.4: `bytes` XOR the keystream of blocks counter, counter + 1, ...; the last block's unused
// keystream is dropped. Encrypts and decrypts. The counter is a 32-bit word: past 0xffffffff it
// wraps to 0, a point RFC 8439 forbids a caller to reach with one (key, nonce).
// spec: primitives.md#chacha20_xor
constexpr Bytes chacha20_xor(const Key& key, const Nonce& nonce, u32 counter, std::span<const u8> bytes) {
  Bytes out(bytes.begin(), bytes.end());
  for (std::size_t offset = 0; offset < out.size(); offset += block_size) {
    const Block keystream = chacha20_block(key, nonce, counter);
    const std::size_t length = std::min(block_size, out.size() - offset);
    for (std::size_t i = 0; i < length; ++i) out[offset + i] ^= keystream[i];
    ++counter;
  }
  return out;
}

// ---- Poly1305 ----

namespace poly1305_detail {

// A number as five 26-bit limbs, least significant first: limb i holds bits 26i to 26i + 25.
// 26 bits leave room in a u64 for a limb product times 5, summed five times (below 2^59), so
// multiplication needs no wider type. Limbs may briefly exceed 26 bits between carries.
struct Limbs {
  std::array<u64, 5> limb{};
};

inline constexpr u64 limb_mask = (u64{1} << 26) - 1;

// The little-endian number in `bytes` (at most 130 bits of it), as limbs.
constexpr Limbs from_le_bytes(std::span<const u8, 17> bytes) {
  Limbs number;
  for (std::size_t bit = 0; bit < 130; ++bit) {
    const u64 value = (bytes[bit / 8] >> (bit % 8)) & 1u;
    number.limb[bit / 26] |= value << (bit % 26);
  }
  return number;
}

// §2.5: a message block of 1 to 16 bytes read as a little-endian number with one more byte,
// 0x01, beyond its last: 2^128 + block for a full block, 2^(8 * length) + block for the last.
constexpr Limbs block_number(std::span<const u8> block) {
  std::array<u8, 17> padded{};
  for (std::size_t i = 0; i < block.size(); ++i) padded[i] = block[i];
  padded[block.size()] = 0x01;
  return from_le_bytes(padded);
}

// §2.5: r is the first 16 key bytes with r[3], r[7], r[11], r[15] below 16 and r[4], r[8], r[12]
// multiples of 4 (r &= 0x0ffffffc0ffffffc0ffffffc0fffffff).
constexpr Limbs clamped_r(const PolyKey& key) {
  std::array<u8, 17> r{};
  for (std::size_t i = 0; i < 16; ++i) r[i] = key[i];
  for (std::size_t i : {3u, 7u, 11u, 15u}) r[i] &= 15;
  for (std::size_t i : {4u, 8u, 12u}) r[i] &= 252;
  return from_le_bytes(r);
}

// Moves each limb's bits above 26 into the next limb; what leaves the top limb is a multiple of
// 2^130, which is 5 modulo p = 2^130 - 5, so it re-enters the bottom limb times 5. From limbs
// below 2^59, the first pass leaves limb 0 below 2^37 and the rest below 2^26, and the second
// leaves limb 0 below 2^26 + 5 and the rest below 2^26. The value modulo p never changes.
constexpr Limbs carry_mod_p(Limbs number) {
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < 5; ++i) {
      const u64 carry = number.limb[i] >> 26;
      number.limb[i] &= limb_mask;
      if (i < 4) number.limb[i + 1] += carry;
      else number.limb[0] += 5 * carry;
    }
  }
  return number;
}

constexpr Limbs add(const Limbs& a, const Limbs& b) {
  Limbs sum;
  for (std::size_t i = 0; i < 5; ++i) sum.limb[i] = a.limb[i] + b.limb[i];
  return sum;
}

// a * r modulo p, carried. The product of limbs i and j lands at position i + j; a position
// 5 + k stands for 2^130 * 2^(26k), which is 5 * 2^(26k) modulo p, so it folds onto k times 5.
// With a's limbs below 2^27 and r's below 2^26, every position sums to less than 2^59.
constexpr Limbs multiply_mod_p(const Limbs& a, const Limbs& r) {
  Limbs product;
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t j = 0; j < 5; ++j) {
      u64 term = a.limb[i] * r.limb[j];
      std::size_t position = i + j;
      if (position >= 5) {
        term *= 5;
        position -= 5;
      }
      product.limb[position] += term;
    }
  }
  return carry_mod_p(product);
}

// The representative of `number` below p, with every limb below 2^26. After carrying, the value
// is below 2^130 + 5 < 2p, so subtracting p once is enough: number - p = (number + 5) - 2^130,
// and number >= p exactly when number + 5 reaches 2^130.
constexpr Limbs fully_reduce(const Limbs& number) {
  Limbs h = carry_mod_p(number);
  for (std::size_t i = 0; i < 4; ++i) {  // no wrap: limb 4 may now hold bit 130
    h.limb[i + 1] += h.limb[i] >> 26;
    h.limb[i] &= limb_mask;
  }
  Limbs h_plus_5 = h;
  h_plus_5.limb[0] += 5;
  for (std::size_t i = 0; i < 4; ++i) {
    h_plus_5.limb[i + 1] += h_plus_5.limb[i] >> 26;
    h_plus_5.limb[i] &= limb_mask;
  }
  const u64 two_to_130_in_top_limb = u64{1} << 26;
  if (h_plus_5.limb[4] < two_to_130_in_top_limb) return h;
  h_plus_5.limb[4] -= two_to_130_in_top_limb;
  return h_plus_5;
}

// §2.5: (h + s) mod 2^128 as 16 little-endian bytes, for h below p in 26-bit limbs.
constexpr Tag add_s_mod_2_128(const Limbs& h, const PolyKey& key) {
  Tag tag{};
  u32 carry = 0;
  for (std::size_t byte = 0; byte < 16; ++byte) {
    u32 h_byte = 0;
    for (std::size_t bit = 0; bit < 8; ++bit) {
      const std::size_t position = 8 * byte + bit;
      h_byte |= static_cast<u32>((h.limb[position / 26] >> (position % 26)) & 1u) << bit;
    }
    const u32 sum = h_byte + key[16 + byte] + carry;
    tag[byte] = static_cast<u8>(sum);
    carry = sum >> 8;
  }
  return tag;
}

}  // namespace poly1305_detail

// §2.5: the Poly1305 tag of `message` under a one-time key: for each 16-byte block (the last may
// be shorter), accumulator = ((accumulator + block with its 0x01 byte) * r) mod (2^130 - 5);
// the tag is (accumulator + s) mod 2^128, little-endian.
// spec: primitives.md#poly1305
constexpr Tag poly1305(const PolyKey& key, std::span<const u8> message) {
  using namespace poly1305_detail;
  const Limbs r = clamped_r(key);
  Limbs accumulator;
  for (std::size_t offset = 0; offset < message.size(); offset += 16) {
    const std::size_t length = std::min<std::size_t>(16, message.size() - offset);
    accumulator = multiply_mod_p(add(accumulator, block_number(message.subspan(offset, length))), r);
  }
  return add_s_mod_2_128(fully_reduce(accumulator), key);
}

// ---- The AEAD construction ----

// §2.6: the Poly1305 one-time key is the first 32 bytes of ChaCha20 block 0.
constexpr PolyKey poly1305_key_gen(const Key& key, const Nonce& nonce) {
  const Block block = chacha20_block(key, nonce, 0);
  PolyKey one_time_key{};
  for (std::size_t i = 0; i < one_time_key.size(); ++i) one_time_key[i] = block[i];
  return one_time_key;
}

// §2.8: what Poly1305 authenticates: aad, zeros up to a multiple of 16 bytes, the ciphertext,
// zeros up to a multiple of 16 bytes, then the byte lengths of aad and of the ciphertext as
// 64-bit little-endian integers. The padding and the lengths keep the boundary between aad and
// ciphertext from moving without changing the tag.
constexpr Bytes aead_mac_data(std::span<const u8> aad, std::span<const u8> ciphertext) {
  Bytes data;
  data.reserve(aad.size() + ciphertext.size() + 2 * 15 + 16);
  append(data, aad);
  while (data.size() % 16 != 0) data.push_back(0);
  append(data, ciphertext);
  while (data.size() % 16 != 0) data.push_back(0);
  for (const u64 length : {u64{aad.size()}, u64{ciphertext.size()}})
    for (int i = 0; i < 8; ++i) data.push_back(static_cast<u8>(length >> (8 * i)));
  return data;
}

constexpr Tag aead_tag(const Key& key, const Nonce& nonce, std::span<const u8> aad, std::span<const u8> ciphertext) {
  return poly1305(poly1305_key_gen(key, nonce), aead_mac_data(aad, ciphertext));
}

// §2.8 AEAD_CHACHA20_POLY1305 encryption: ciphertext || tag, where the ciphertext is the
// plaintext XOR the keystream from block 1 (block 0 gave the Poly1305 key) and the tag is
// Poly1305 over aead_mac_data(aad, ciphertext). Contract: plaintext.size() <= max_plaintext_size.
// spec: primitives.md#seal [AEAD-SEAL-1]
constexpr Bytes seal(const Key& key, const Nonce& nonce, std::span<const u8> aad, std::span<const u8> plaintext) {
  Bytes ciphertext_and_tag = chacha20_xor(key, nonce, 1, plaintext);
  const Tag tag = aead_tag(key, nonce, aad, ciphertext_and_tag);
  append(ciphertext_and_tag, tag);
  return ciphertext_and_tag;
}

// True iff the tags are equal, having looked at all 16 bytes whatever the first difference. An
// early exit would make the time to reject a forgery grow with the number of leading bytes it
// got right; anyone who can submit forgeries and time the answers (to a watchtower decrypting
// appointments, say) could then find a valid tag a byte at a time, about 16 * 2^8 tries, instead
// of needing 2^128.
constexpr bool tags_equal(const Tag& computed, std::span<const u8, tag_size> received) {
  u8 difference = 0;
  for (std::size_t i = 0; i < tag_size; ++i) difference |= static_cast<u8>(computed[i] ^ received[i]);
  return difference == 0;
}

// §2.8 AEAD_CHACHA20_POLY1305 decryption of ciphertext || tag. The tag is checked before any
// plaintext exists, so a rejected input releases nothing. Contract: the ciphertext is at most
// max_plaintext_size bytes.
// spec: primitives.md#open
constexpr Result<Bytes, PrimitiveError> open(const Key& key, const Nonce& nonce, std::span<const u8> aad,
                                             std::span<const u8> ciphertext_and_tag) {
  // Verify: the input holds at least the 16-byte tag [AEAD-OPEN-1]
  if (ciphertext_and_tag.size() < tag_size) return PrimitiveError::aead_input_too_short;
  const std::span<const u8> ciphertext = ciphertext_and_tag.first(ciphertext_and_tag.size() - tag_size);
  const std::span<const u8, tag_size> received_tag = ciphertext_and_tag.last<tag_size>();
  // Verify: the tag over aad and ciphertext equals the received tag, compared in full [AEAD-OPEN-2]
  if (!tags_equal(aead_tag(key, nonce, aad, ciphertext), received_tag)) return PrimitiveError::aead_tag_mismatch;
  return chacha20_xor(key, nonce, 1, ciphertext);
}

}  // namespace l2::ref::chacha20_poly1305
