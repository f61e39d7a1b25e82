// Compile-time tests of the ChaCha20-Poly1305 reference (l2::ref::chacha20_poly1305): this file
// compiling is the test. Every expected value is a published one, from RFC 8439 "ChaCha20 and
// Poly1305 for IETF Protocols" (Nir, Langley, June 2018, https://www.rfc-editor.org/rfc/rfc8439),
// the section named above each group. The bytes were copied out of the RFC's hex dumps by a
// script rather than retyped; tests/unit/primitives_chacha20_test.cpp checks the same vectors
// against OpenSSL, which guards the transcription a second way.
#include <gtest/gtest.h>

#include <cstddef>
#include <string_view>

#include "l2/ref/chacha20_poly1305.hpp"

namespace {

using l2::Bytes;
using l2::bytes_from_hex;
using l2::from_hex;
using l2::PrimitiveError;
using l2::u32;
using namespace l2::ref::chacha20_poly1305;

constexpr bool quarter_round_gives(u32 a, u32 b, u32 c, u32 d, u32 a_out, u32 b_out, u32 c_out, u32 d_out) {
  quarter_round(a, b, c, d);
  return a == a_out && b == b_out && c == c_out && d == d_out;
}

constexpr bool state_quarter_round_gives(State state, const State& expected) {
  quarter_round(state, 2, 7, 8, 13);
  return state == expected;
}

constexpr bool opens_to(const Key& key, const Nonce& nonce, const Bytes& aad, const Bytes& sealed, const Bytes& plaintext) {
  const auto opened = open(key, nonce, aad, sealed);
  return opened.ok() && opened.value() == plaintext;
}

constexpr bool open_fails_with(const Key& key, const Nonce& nonce, const Bytes& aad, Bytes sealed, std::size_t flip_byte,
                               PrimitiveError expected) {
  if (flip_byte < sealed.size()) sealed[flip_byte] ^= 0x01;
  const auto opened = open(key, nonce, aad, sealed);
  return !opened.ok() && opened.error() == expected && opened.value().empty();
}

constexpr Bytes concat(const Bytes& first, const Bytes& second) {
  Bytes out = first;
  l2::append(out, second);
  return out;
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

// §2.3.2: the block function. Key 00:01:...:1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, block count 1.
constexpr Key key_2_3 = from_hex<32>("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
constexpr Nonce nonce_2_3_2 = from_hex<12>("000000090000004a00000000");
static_assert(chacha20_initial_state(key_2_3, nonce_2_3_2, 1) ==
              State{0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
                    0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c,
                    0x13121110, 0x17161514, 0x1b1a1918, 0x1f1e1d1c,
                    0x00000001, 0x09000000, 0x4a000000, 0x00000000});
static_assert(chacha20_block_state(key_2_3, nonce_2_3_2, 1) ==
              State{0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3,
                    0xc7f4d1c7, 0x0368c033, 0x9aaa2204, 0x4e6cd4c3,
                    0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
                    0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2});
static_assert(chacha20_block(key_2_3, nonce_2_3_2, 1) ==
              from_hex<64>("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4ed2826446079faa0914c2d705d98b02a2"
                           "b5129cd1de164eb9cbd083e8a2503c4e"));

// §2.4.2: encrypting "Ladies and Gentlemen of the class of '99..." (114 bytes, two blocks and a
// partial one) with initial counter 1; the keystream is the ciphertext of zeros.
constexpr Nonce nonce_2_4_2 = from_hex<12>("000000000000004a00000000");
constexpr std::string_view sunscreen_hex =
    "4c616469657320616e642047656e746c656d656e206f662074686520636c617373206f66202739393a20496620492063"
    "6f756c64206f6666657220796f75206f6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
    "637265656e20776f756c642062652069742e";
static_assert(chacha20_xor(key_2_3, nonce_2_4_2, 1, bytes_from_hex(sunscreen_hex)) ==
              bytes_from_hex("6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b357"
                             "1639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
                             "5af90bbf74a35be6b40b8eedf2785e42874d"));
static_assert(chacha20_xor(key_2_3, nonce_2_4_2, 1, Bytes(114, 0)) ==
              bytes_from_hex("224f51f3401bd9e12fde276fb8631ded8c131f823d2c06e27e4fcaec9ef3cf788a3b0aa372600a92b57974cded2b9334"
                             "794cba40c63e34cdea212c4cf07d41b769a6749f3f630f4122cafe28ec4dc47e26d4346d70b98c73f3e9c53ac40c5945"
                             "398b6eda1a832c89c167eacd901d7e2bf363"));

// §2.5.2: Poly1305 of "Cryptographic Forum Research Group" (34 bytes: two full blocks and two bytes).
static_assert(poly1305(from_hex<32>("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"),
                       bytes_from_hex("43727970746f6772617068696320466f72756d2052657365617263682047726f7570")) ==
              from_hex<16>("a8061dc1305136c6c22b8baf0c0127a9"));

// §2.6.2: the Poly1305 key is the first 32 bytes of block 0.
static_assert(poly1305_key_gen(from_hex<32>("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"), from_hex<12>("000000000001020304050607")) ==
              from_hex<32>("8ad5a08b905f81cc815040274ab29471a833b637e3fd0da508dbb8e2fdd1a646"));

// §2.8.2: AEAD_CHACHA20_POLY1305. The nonce is the 32-bit fixed-common part 07:00:00:00 followed
// by the IV 40:41:...:47.
constexpr Key key_2_8_2 = from_hex<32>("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
constexpr Nonce nonce_2_8_2 = from_hex<12>("07000000" "4041424344454647");
constexpr std::string_view aad_2_8_2_hex = "50515253c0c1c2c3c4c5c6c7";
constexpr std::string_view ciphertext_2_8_2_hex =
    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
    "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
    "3ff4def08e4b7a9de576d26586cec64b6116";
constexpr std::string_view tag_2_8_2_hex = "1ae10b594f09e26a7e902ecbd0600691";
static_assert(poly1305_key_gen(key_2_8_2, nonce_2_8_2) ==
              from_hex<32>("7bac2b252db447af09b67a55a4e955840ae1d6731075d9eb2a9375783ed553ff"));
// The Poly1305 input: 12 bytes of aad and 4 zeros, 114 bytes of ciphertext and 14 zeros, then
// the lengths 12 and 114 as 64-bit little-endian integers.
static_assert(aead_mac_data(bytes_from_hex(aad_2_8_2_hex), bytes_from_hex(ciphertext_2_8_2_hex)) ==
              bytes_from_hex("50515253c0c1c2c3c4c5c6c700000000d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
                             "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58"
                             "fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b61160000000000000000000000000000"
                             "0c000000000000007200000000000000"));
static_assert(aead_tag(key_2_8_2, nonce_2_8_2, bytes_from_hex(aad_2_8_2_hex), bytes_from_hex(ciphertext_2_8_2_hex)) ==
              from_hex<16>(tag_2_8_2_hex));
static_assert(seal(key_2_8_2, nonce_2_8_2, bytes_from_hex(aad_2_8_2_hex), bytes_from_hex(sunscreen_hex)) ==
              concat(bytes_from_hex(ciphertext_2_8_2_hex), bytes_from_hex(tag_2_8_2_hex)));
static_assert(opens_to(key_2_8_2, nonce_2_8_2, bytes_from_hex(aad_2_8_2_hex),
                       concat(bytes_from_hex(ciphertext_2_8_2_hex), bytes_from_hex(tag_2_8_2_hex)),
                       bytes_from_hex(sunscreen_hex)));

// Appendix A.1: the block function, test vectors #1 to #5.
static_assert(chacha20_block(from_hex<32>("0000000000000000000000000000000000000000000000000000000000000000"), from_hex<12>("000000000000000000000000"), 0) ==
              from_hex<64>("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a37"
                           "6a43b8f41518a11cc387b669b2ee6586"));
static_assert(chacha20_block(from_hex<32>("0000000000000000000000000000000000000000000000000000000000000000"), from_hex<12>("000000000000000000000000"), 1) ==
              from_hex<64>("9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed29b721769ce64e43d57133b074d839d5"
                           "31ed1f28510afb45ace10a1f4b794d6f"));
static_assert(chacha20_block(from_hex<32>("0000000000000000000000000000000000000000000000000000000000000001"), from_hex<12>("000000000000000000000000"), 1) ==
              from_hex<64>("3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a8eca00bbb4a73bdad192b5c42f73f2fd"
                           "4e273644c8b36125a64addeb006c13a0"));
static_assert(chacha20_block(from_hex<32>("00ff000000000000000000000000000000000000000000000000000000000000"), from_hex<12>("000000000000000000000000"), 2) ==
              from_hex<64>("72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca13b25aa26cb4a648cb9b9d1be65b2c09"
                           "24a66c54d545ec1b7374f4872e99f096"));
static_assert(chacha20_block(from_hex<32>("0000000000000000000000000000000000000000000000000000000000000000"), from_hex<12>("000000000000000000000002"), 0) ==
              from_hex<64>("c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c78a970e0e955c14f3a88e741b97c286f7"
                           "5f8fc299e8148362fa198a39531bed6d"));

// Appendix A.2: ChaCha20 encryption, test vectors #1 to #3 (initial counters 0, 1 and 42).
static_assert(chacha20_xor(from_hex<32>("0000000000000000000000000000000000000000000000000000000000000000"), from_hex<12>("000000000000000000000000"), 0,
                           bytes_from_hex("000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                           "00000000000000000000000000000000")) ==
              bytes_from_hex("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a37"
                             "6a43b8f41518a11cc387b669b2ee6586"));
static_assert(chacha20_xor(from_hex<32>("0000000000000000000000000000000000000000000000000000000000000001"), from_hex<12>("000000000000000000000002"), 1,
                           bytes_from_hex("416e79207375626d697373696f6e20746f20746865204945544620696e74656e6465642062792074686520436f6e7472"
                           "696275746f7220666f72207075626c69636174696f6e20617320616c6c206f722070617274206f6620616e2049455446"
                           "20496e7465726e65742d4472616674206f722052464320616e6420616e792073746174656d656e74206d616465207769"
                           "7468696e2074686520636f6e74657874206f6620616e204945544620616374697669747920697320636f6e7369646572"
                           "656420616e20224945544620436f6e747269627574696f6e222e20537563682073746174656d656e747320696e636c75"
                           "6465206f72616c2073746174656d656e747320696e20494554462073657373696f6e732c2061732077656c6c20617320"
                           "7772697474656e20616e6420656c656374726f6e696320636f6d6d756e69636174696f6e73206d61646520617420616e"
                           "792074696d65206f7220706c6163652c207768696368206172652061646472657373656420746f")) ==
              bytes_from_hex("a3fbf07df3fa2fde4f376ca23e82737041605d9f4f4f57bd8cff2c1d4b7955ec2a97948bd3722915c8f3d337f7d37005"
                             "0e9e96d647b7c39f56e031ca5eb6250d4042e02785ececfa4b4bb5e8ead0440e20b6e8db09d881a7c6132f420e527950"
                             "42bdfa7773d8a9051447b3291ce1411c680465552aa6c405b7764d5e87bea85ad00f8449ed8f72d0d662ab052691ca66"
                             "424bc86d2df80ea41f43abf937d3259dc4b2d0dfb48a6c9139ddd7f76966e928e635553ba76c5c879d7b35d49eb2e62b"
                             "0871cdac638939e25e8a1e0ef9d5280fa8ca328b351c3c765989cbcf3daa8b6ccc3aaf9f3979c92b3720fc88dc95ed84"
                             "a1be059c6499b9fda236e7e818b04b0bc39c1e876b193bfe5569753f88128cc08aaa9b63d1a16f80ef2554d7189c411f"
                             "5869ca52c5b83fa36ff216b9c1d30062bebcfd2dc5bce0911934fda79a86f6e698ced759c3ff9b6477338f3da4f9cd85"
                             "14ea9982ccafb341b2384dd902f3d1ab7ac61dd29c6f21ba5b862f3730e37cfdc4fd806c22f221"));
static_assert(chacha20_xor(from_hex<32>("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0"), from_hex<12>("000000000000000000000002"), 42,
                           bytes_from_hex("2754776173206272696c6c69672c20616e642074686520736c6974687920746f7665730a446964206779726520616e64"
                           "2067696d626c6520696e2074686520776162653a0a416c6c206d696d737920776572652074686520626f726f676f7665"
                           "732c0a416e6420746865206d6f6d65207261746873206f757467726162652e")) ==
              bytes_from_hex("62e6347f95ed87a45ffae7426f27a1df5fb69110044c0d73118effa95b01e5cf166d3df2d721caf9b21e5fb14c616871"
                             "fd84c54f9d65b283196c7fe4f60553ebf39c6402c42234e32a356b3e764312a61a5532055716ead6962568f87d3f3f77"
                             "04c6a8d1bcd1bf4d50d6154b6da731b187b58dfd728afa36757a797ac188d1"));

// Appendix A.3: Poly1305, test vectors #1 to #11; #5 to #11 each target a known implementation bug.
// #1: all zeros
static_assert(poly1305(from_hex<32>("0000000000000000000000000000000000000000000000000000000000000000"),
                       bytes_from_hex("000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                       "00000000000000000000000000000000")) ==
              from_hex<16>("00000000000000000000000000000000"));
// #2: r = 0: the tag is s whatever the text
static_assert(poly1305(from_hex<32>("0000000000000000000000000000000036e5f6b5c5e06070f0efca96227a863e"),
                       bytes_from_hex("416e79207375626d697373696f6e20746f20746865204945544620696e74656e6465642062792074686520436f6e7472"
                       "696275746f7220666f72207075626c69636174696f6e20617320616c6c206f722070617274206f6620616e2049455446"
                       "20496e7465726e65742d4472616674206f722052464320616e6420616e792073746174656d656e74206d616465207769"
                       "7468696e2074686520636f6e74657874206f6620616e204945544620616374697669747920697320636f6e7369646572"
                       "656420616e20224945544620436f6e747269627574696f6e222e20537563682073746174656d656e747320696e636c75"
                       "6465206f72616c2073746174656d656e747320696e20494554462073657373696f6e732c2061732077656c6c20617320"
                       "7772697474656e20616e6420656c656374726f6e696320636f6d6d756e69636174696f6e73206d61646520617420616e"
                       "792074696d65206f7220706c6163652c207768696368206172652061646472657373656420746f")) ==
              from_hex<16>("36e5f6b5c5e06070f0efca96227a863e"));
// #3: s = 0
static_assert(poly1305(from_hex<32>("36e5f6b5c5e06070f0efca96227a863e00000000000000000000000000000000"),
                       bytes_from_hex("416e79207375626d697373696f6e20746f20746865204945544620696e74656e6465642062792074686520436f6e7472"
                       "696275746f7220666f72207075626c69636174696f6e20617320616c6c206f722070617274206f6620616e2049455446"
                       "20496e7465726e65742d4472616674206f722052464320616e6420616e792073746174656d656e74206d616465207769"
                       "7468696e2074686520636f6e74657874206f6620616e204945544620616374697669747920697320636f6e7369646572"
                       "656420616e20224945544620436f6e747269627574696f6e222e20537563682073746174656d656e747320696e636c75"
                       "6465206f72616c2073746174656d656e747320696e20494554462073657373696f6e732c2061732077656c6c20617320"
                       "7772697474656e20616e6420656c656374726f6e696320636f6d6d756e69636174696f6e73206d61646520617420616e"
                       "792074696d65206f7220706c6163652c207768696368206172652061646472657373656420746f")) ==
              from_hex<16>("f3477e7cd95417af89a6b8794c310cf0"));
// #4: 'Twas brillig...
static_assert(poly1305(from_hex<32>("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0"),
                       bytes_from_hex("2754776173206272696c6c69672c20616e642074686520736c6974687920746f7665730a446964206779726520616e64"
                       "2067696d626c6520696e2074686520776162653a0a416c6c206d696d737920776572652074686520626f726f676f7665"
                       "732c0a416e6420746865206d6f6d65207261746873206f757467726162652e")) ==
              from_hex<16>("4541669a7eaaee61e708dc7cbcc5eb62"));
// #5: a partially reduced result that is not fully reduced
static_assert(poly1305(from_hex<32>("0200000000000000000000000000000000000000000000000000000000000000"),
                       bytes_from_hex("ffffffffffffffffffffffffffffffff")) ==
              from_hex<16>("03000000000000000000000000000000"));
// #6: h + s overflows 2^128
static_assert(poly1305(from_hex<32>("02000000000000000000000000000000ffffffffffffffffffffffffffffffff"),
                       bytes_from_hex("02000000000000000000000000000000")) ==
              from_hex<16>("03000000000000000000000000000000"));
// #7: an all-ones data limb with a carry from below
static_assert(poly1305(from_hex<32>("0100000000000000000000000000000000000000000000000000000000000000"),
                       bytes_from_hex("fffffffffffffffffffffffffffffffff0ffffffffffffffffffffffffffffff11000000000000000000000000000000")) ==
              from_hex<16>("05000000000000000000000000000000"));
// #8: the polynomial part is exactly 2^130 - 5
static_assert(poly1305(from_hex<32>("0100000000000000000000000000000000000000000000000000000000000000"),
                       bytes_from_hex("fffffffffffffffffffffffffffffffffbfefefefefefefefefefefefefefefe01010101010101010101010101010101")) ==
              from_hex<16>("00000000000000000000000000000000"));
// #9: the polynomial part is exactly 2^130 - 6
static_assert(poly1305(from_hex<32>("0200000000000000000000000000000000000000000000000000000000000000"),
                       bytes_from_hex("fdffffffffffffffffffffffffffffff")) ==
              from_hex<16>("faffffffffffffffffffffffffffffff"));
// #10: a 5*H+L reduction with a 131-bit intermediate
static_assert(poly1305(from_hex<32>("0100000000000000040000000000000000000000000000000000000000000000"),
                       bytes_from_hex("e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000"
                       "01000000000000000000000000000000")) ==
              from_hex<16>("14000000000000005500000000000000"));
// #11: a 5*H+L reduction with a 131-bit final result
static_assert(poly1305(from_hex<32>("0100000000000000040000000000000000000000000000000000000000000000"),
                       bytes_from_hex("e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000")) ==
              from_hex<16>("13000000000000000000000000000000"));

// Appendix A.4: Poly1305 key generation, test vectors #1 to #3.
static_assert(poly1305_key_gen(from_hex<32>("0000000000000000000000000000000000000000000000000000000000000000"), from_hex<12>("000000000000000000000000")) ==
              from_hex<32>("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"));
static_assert(poly1305_key_gen(from_hex<32>("0000000000000000000000000000000000000000000000000000000000000001"), from_hex<12>("000000000000000000000002")) ==
              from_hex<32>("ecfa254f845f647473d3cb140da9e87606cb33066c447b87bc2666dde3fbb739"));
static_assert(poly1305_key_gen(from_hex<32>("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0"), from_hex<12>("000000000000000000000002")) ==
              from_hex<32>("965e3bc6f9ec7ed9560808f4d229f94b137ff275ca9b3fcbdd59deaad23310ae"));

// Appendix A.5: decrypting a received ciphertext (265 bytes, no padding) and tag.
constexpr Key key_a_5 = from_hex<32>("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
constexpr Nonce nonce_a_5 = from_hex<12>("000000000102030405060708");
constexpr std::string_view aad_a_5_hex = "f33388860000000000004e91";
constexpr std::string_view ciphertext_a_5_hex =
    "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb24c6cfc18755d43eea09ee94e382d26b0"
    "bdb7b73c321b0100d4f03b7f355894cf332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
    "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4b9166c767b804d46a59b5216cde7a4e9"
    "9040c5a40433225ee282a1b0a06c523eaf4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
    "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a1049e617d91d361094fa68f0ff77987130"
    "305beaba2eda04df997b714d6c6f2c29a6ad5cb4022b02709b";
constexpr std::string_view tag_a_5_hex = "eead9d67890cbb22392336fea1851f38";
constexpr std::string_view plaintext_a_5_hex =
    "496e7465726e65742d4472616674732061726520647261667420646f63756d656e74732076616c696420666f72206120"
    "6d6178696d756d206f6620736978206d6f6e74687320616e64206d617920626520757064617465642c207265706c6163"
    "65642c206f72206f62736f6c65746564206279206f7468657220646f63756d656e747320617420616e792074696d652e"
    "20497420697320696e617070726f70726961746520746f2075736520496e7465726e65742d4472616674732061732072"
    "65666572656e6365206d6174657269616c206f7220746f2063697465207468656d206f74686572207468616e20617320"
    "2fe2809c776f726b20696e2070726f67726573732e2fe2809d";
static_assert(poly1305_key_gen(key_a_5, nonce_a_5) ==
              from_hex<32>("bdf04aa95ce4de8995b14bb6a18fecaf26478f50c054f563dbc0a21e261572aa"));
static_assert(aead_mac_data(bytes_from_hex(aad_a_5_hex), bytes_from_hex(ciphertext_a_5_hex)) ==
              bytes_from_hex("f33388860000000000004e910000000064a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
                             "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf332f830e710b97ce98c8a84abd0b9481"
                             "14ad176e008d33bd60f982b1ff37c8559797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
                             "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523eaf4534d7f83fa1155b0047718cbc546a"
                             "0d072b04b3564eea1b422273f548271a0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
                             "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29a6ad5cb4022b02709b00000000000000"
                             "0c000000000000000901000000000000"));
static_assert(opens_to(key_a_5, nonce_a_5, bytes_from_hex(aad_a_5_hex),
                       concat(bytes_from_hex(ciphertext_a_5_hex), bytes_from_hex(tag_a_5_hex)),
                       bytes_from_hex(plaintext_a_5_hex)));
// Sealing the plaintext again gives the received ciphertext and tag.
static_assert(seal(key_a_5, nonce_a_5, bytes_from_hex(aad_a_5_hex), bytes_from_hex(plaintext_a_5_hex)) ==
              concat(bytes_from_hex(ciphertext_a_5_hex), bytes_from_hex(tag_a_5_hex)));

// The same A.5 input with one bit changed in the first ciphertext byte, the last ciphertext byte,
// the first tag byte and the last tag byte is rejected [AEAD-OPEN-2], and so is the input cut to
// 15 bytes, one short of a tag [AEAD-OPEN-1].
constexpr Bytes sealed_a_5() { return concat(bytes_from_hex(ciphertext_a_5_hex), bytes_from_hex(tag_a_5_hex)); }
static_assert(open_fails_with(key_a_5, nonce_a_5, bytes_from_hex(aad_a_5_hex), sealed_a_5(), 0, PrimitiveError::aead_tag_mismatch));
static_assert(open_fails_with(key_a_5, nonce_a_5, bytes_from_hex(aad_a_5_hex), sealed_a_5(), 264, PrimitiveError::aead_tag_mismatch));
static_assert(open_fails_with(key_a_5, nonce_a_5, bytes_from_hex(aad_a_5_hex), sealed_a_5(), 265, PrimitiveError::aead_tag_mismatch));
static_assert(open_fails_with(key_a_5, nonce_a_5, bytes_from_hex(aad_a_5_hex), sealed_a_5(), 280, PrimitiveError::aead_tag_mismatch));
static_assert(open_fails_with(key_a_5, nonce_a_5, bytes_from_hex(aad_a_5_hex), bytes_from_hex(tag_a_5_hex.substr(0, 30)), 99,
                              PrimitiveError::aead_input_too_short));

TEST(PrimitivesChaCha20Static, CompiledMeansPassed) { SUCCEED() << "every static_assert in this file held"; }

}  // namespace
