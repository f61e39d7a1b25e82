// Compile-time tests of the ChaCha20-Poly1305 reference (l2::ref::chacha20_poly1305): this file
// compiling is the test. Every expected value is published in RFC 8439 (Nir, Langley, June 2018,
// https://www.rfc-editor.org/rfc/rfc8439): the quarter-round and state values of §2.1.1, §2.2.1
// and §2.3.2 below, and every table of l2/vectors/rfc8439_published_vectors.hpp (§2.3.2 to §2.8.2
// and Appendix A.1 to A.5), each assert naming its section.
#include <gtest/gtest.h>

#include <cstddef>

#include "l2/ref/chacha20_poly1305.hpp"
#include "l2/vectors/rfc8439_published_vectors.hpp"

namespace {

using l2::Bytes;
using l2::bytes_from_hex;
using l2::from_hex;
using l2::PrimitiveError;
using l2::u32;
using namespace l2::ref::chacha20_poly1305;
using namespace l2::vectors::rfc8439_published;

constexpr bool quarter_round_gives(u32 a, u32 b, u32 c, u32 d, u32 a_out, u32 b_out, u32 c_out, u32 d_out) {
  quarter_round(a, b, c, d);
  return a == a_out && b == b_out && c == c_out && d == d_out;
}

constexpr bool state_quarter_round_gives(State state, const State& expected) {
  quarter_round(state, 2, 7, 8, 13);
  return state == expected;
}

constexpr bool block_matches(const ChaCha20Block& v) {
  return chacha20_block(from_hex<32>(v.key_hex), from_hex<12>(v.nonce_hex), v.counter) == from_hex<64>(v.block_hex);
}

// Encrypting gives the ciphertext, and the same call on the ciphertext gives the plaintext back.
constexpr bool encryption_matches(const ChaCha20Encryption& v) {
  const Key key = from_hex<32>(v.key_hex);
  const Nonce nonce = from_hex<12>(v.nonce_hex);
  return chacha20_xor(key, nonce, v.counter, bytes_from_hex(v.plaintext_hex)) == bytes_from_hex(v.ciphertext_hex) &&
         chacha20_xor(key, nonce, v.counter, bytes_from_hex(v.ciphertext_hex)) == bytes_from_hex(v.plaintext_hex);
}

constexpr bool mac_matches(const Poly1305Mac& v) {
  return poly1305(from_hex<32>(v.key_hex), bytes_from_hex(v.message_hex)) == from_hex<16>(v.tag_hex);
}

constexpr bool key_gen_matches(const Poly1305KeyGen& v) {
  return poly1305_key_gen(from_hex<32>(v.key_hex), from_hex<12>(v.nonce_hex)) == from_hex<32>(v.one_time_key_hex);
}

constexpr Bytes sealed_of(const Aead& v) {
  Bytes sealed = bytes_from_hex(v.ciphertext_hex);
  l2::append(sealed, bytes_from_hex(v.tag_hex));
  return sealed;
}

// Every intermediate value the RFC prints, then seal and open end to end.
constexpr bool aead_matches(const Aead& v) {
  const Key key = from_hex<32>(v.key_hex);
  const Nonce nonce = from_hex<12>(v.nonce_hex);
  const Bytes aad = bytes_from_hex(v.aad_hex);
  const Bytes ciphertext = bytes_from_hex(v.ciphertext_hex);
  const auto opened = open(key, nonce, aad, sealed_of(v));
  return poly1305_key_gen(key, nonce) == from_hex<32>(v.one_time_key_hex) &&
         aead_mac_data(aad, ciphertext) == bytes_from_hex(v.mac_data_hex) &&
         aead_tag(key, nonce, aad, ciphertext) == from_hex<16>(v.tag_hex) &&
         seal(key, nonce, aad, bytes_from_hex(v.plaintext_hex)) == sealed_of(v) && opened.ok() &&
         opened.value() == bytes_from_hex(v.plaintext_hex);
}

// open() of the vector's input with bit 0 of byte `flip_byte` changed (none past the end), cut to
// `keep` bytes: rejected with `expected`, and no plaintext comes back.
constexpr bool tampered_open_fails(const Aead& v, std::size_t flip_byte, std::size_t keep, PrimitiveError expected) {
  Bytes sealed = sealed_of(v);
  if (flip_byte < sealed.size()) sealed[flip_byte] ^= 0x01;
  sealed.resize(keep);
  const auto opened = open(from_hex<32>(v.key_hex), from_hex<12>(v.nonce_hex), bytes_from_hex(v.aad_hex), sealed);
  return !opened.ok() && opened.error() == expected && opened.value().empty();
}

// §2.1.1: the quarter round on four numbers.
static_assert(quarter_round_gives(0x11111111, 0x01020304, 0x9b8d6f43, 0x01234567,
                                  0xea2a92f4, 0xcb1cf8ce, 0x4581472e, 0x5881c4bb));

// §2.2.1: QUARTERROUND(2, 7, 8, 13) on a sample state changes exactly words 2, 7, 8 and 13.
static_assert(state_quarter_round_gives(State{0x879531e0, 0xc5ecf37d, 0x516461b1, 0xc9a62f8a,
                                              0x44c20ef3, 0x3390af7f, 0xd9fc690b, 0x2a5f714c,
                                              0x53372767, 0xb00a5631, 0x974c541a, 0x359e9963,
                                              0x5c971061, 0x3d631689, 0x2098d9d6, 0x91dbd320},
                                        State{0x879531e0, 0xc5ecf37d, 0xbdb886dc, 0xc9a62f8a,
                                              0x44c20ef3, 0x3390af7f, 0xd9fc690b, 0xcfacafd2,
                                              0xe46bea80, 0xb00a5631, 0x974c541a, 0x359e9963,
                                              0x5c971061, 0xccc07c79, 0x2098d9d6, 0x91dbd320}));

// §2.3.2: the state of the block function's test vector as set up, and at the end (the 20 rounds
// and the addition of the initial state). Its serialized block is chacha20_blocks[0] below.
constexpr Key key_2_3_2 = from_hex<32>(chacha20_blocks[0].key_hex);
constexpr Nonce nonce_2_3_2 = from_hex<12>(chacha20_blocks[0].nonce_hex);
static_assert(chacha20_initial_state(key_2_3_2, nonce_2_3_2, 1) ==
              State{0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
                    0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c,
                    0x13121110, 0x17161514, 0x1b1a1918, 0x1f1e1d1c,
                    0x00000001, 0x09000000, 0x4a000000, 0x00000000});
static_assert(chacha20_block_state(key_2_3_2, nonce_2_3_2, 1) ==
              State{0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3,
                    0xc7f4d1c7, 0x0368c033, 0x9aaa2204, 0x4e6cd4c3,
                    0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
                    0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2});

// The block function: §2.3.2 and Appendix A.1 #1 to #5.
static_assert(block_matches(chacha20_blocks[0]));  // §2.3.2
static_assert(block_matches(chacha20_blocks[1]));  // A.1 #1
static_assert(block_matches(chacha20_blocks[2]));  // A.1 #2
static_assert(block_matches(chacha20_blocks[3]));  // A.1 #3
static_assert(block_matches(chacha20_blocks[4]));  // A.1 #4
static_assert(block_matches(chacha20_blocks[5]));  // A.1 #5

// Encryption: §2.4.2 and Appendix A.2 #1 to #3 (initial counters 1, 0, 1 and 42).
static_assert(encryption_matches(chacha20_encryptions[0]));  // §2.4.2
static_assert(encryption_matches(chacha20_encryptions[1]));  // A.2 #1
static_assert(encryption_matches(chacha20_encryptions[2]));  // A.2 #2
static_assert(encryption_matches(chacha20_encryptions[3]));  // A.2 #3

// Poly1305: §2.5.2 and Appendix A.3 #1 to #11; #5 to #11 each target a known implementation bug.
static_assert(mac_matches(poly1305_macs[0]));  // §2.5.2
static_assert(mac_matches(poly1305_macs[1]));  // A.3 #1: all zeros
static_assert(mac_matches(poly1305_macs[2]));  // A.3 #2: r = 0: the tag is s whatever the text
static_assert(mac_matches(poly1305_macs[3]));  // A.3 #3: s = 0
static_assert(mac_matches(poly1305_macs[4]));  // A.3 #4: 'Twas brillig, 127 bytes
static_assert(mac_matches(poly1305_macs[5]));  // A.3 #5: a partially reduced result that is not fully reduced
static_assert(mac_matches(poly1305_macs[6]));  // A.3 #6: h + s overflows 2^128
static_assert(mac_matches(poly1305_macs[7]));  // A.3 #7: an all-ones data limb with a carry from the limb below
static_assert(mac_matches(poly1305_macs[8]));  // A.3 #8: the polynomial part is exactly 2^130 - 5
static_assert(mac_matches(poly1305_macs[9]));  // A.3 #9: the polynomial part is exactly 2^130 - 6
static_assert(mac_matches(poly1305_macs[10]));  // A.3 #10: a 5*H+L reduction with a 131-bit intermediate
static_assert(mac_matches(poly1305_macs[11]));  // A.3 #11: a 5*H+L reduction with a 131-bit final result

// The Poly1305 one-time key: §2.6.2 and Appendix A.4 #1 to #3.
static_assert(key_gen_matches(poly1305_key_gens[0]));  // §2.6.2
static_assert(key_gen_matches(poly1305_key_gens[1]));  // A.4 #1
static_assert(key_gen_matches(poly1305_key_gens[2]));  // A.4 #2
static_assert(key_gen_matches(poly1305_key_gens[3]));  // A.4 #3

// AEAD_CHACHA20_POLY1305: §2.8.2 (encryption) and Appendix A.5 (decryption of a received message).
static_assert(aead_matches(aeads[0]));  // §2.8.2
static_assert(aead_matches(aeads[1]));  // A.5

// A.5's input (265 bytes of ciphertext, then the tag) with one bit changed in the first and the
// last ciphertext byte and in the first and the last tag byte [AEAD-OPEN-2]; cut to 16 bytes (a
// tag alone, wrong for an empty ciphertext) [AEAD-OPEN-2]; cut to 15 bytes, one short of a tag
// [AEAD-OPEN-1].
static_assert(tampered_open_fails(aeads[1], 0, 281, PrimitiveError::aead_tag_mismatch));
static_assert(tampered_open_fails(aeads[1], 264, 281, PrimitiveError::aead_tag_mismatch));
static_assert(tampered_open_fails(aeads[1], 265, 281, PrimitiveError::aead_tag_mismatch));
static_assert(tampered_open_fails(aeads[1], 280, 281, PrimitiveError::aead_tag_mismatch));
static_assert(tampered_open_fails(aeads[1], 281, 16, PrimitiveError::aead_tag_mismatch));
static_assert(tampered_open_fails(aeads[1], 281, 15, PrimitiveError::aead_input_too_short));
static_assert(tampered_open_fails(aeads[1], 281, 0, PrimitiveError::aead_input_too_short));

TEST(PrimitivesChaCha20Static, CompiledMeansPassed) { SUCCEED() << "every static_assert in this file held"; }

}  // namespace
