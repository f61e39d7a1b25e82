// ChaCha20-Poly1305: the reference (l2::ref::chacha20_poly1305) and the OpenSSL engine
// (l2::opt::aead) on every boundary and every error path, and against each other on random and
// on tampered inputs. ChaCha20 and Poly1305 are also checked on their own against OpenSSL's
// EVP_chacha20 and its "POLY1305" EVP_MAC, which share no code with the reference, at every
// length around their block sizes; and every RFC 8439 vector goes through OpenSSL as well.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "l2/opt/aead.hpp"
#include "l2/ref/chacha20_poly1305.hpp"
#include "l2/test/spec_rule_table.hpp"
#include "l2/vectors/rfc8439_published_vectors.hpp"

namespace {

using l2::Bytes;
using l2::PrimitiveError;
using l2::u32;
using l2::u8;
namespace ref = l2::ref::chacha20_poly1305;
namespace opt = l2::opt::aead;
namespace published = l2::vectors::rfc8439_published;
using Key = ref::Key;
using Nonce = ref::Nonce;

std::string name_of(PrimitiveError e) { return std::string(l2::error_info(e).code); }

std::string outcome_of(const l2::Result<Bytes, PrimitiveError>& result) {
  return result.ok() ? "plaintext " + l2::to_hex(result.value()) : name_of(result.error());
}

Bytes pattern(std::size_t length, u8 salt) {
  Bytes bytes(length);
  for (std::size_t i = 0; i < length; ++i) bytes[i] = static_cast<u8>(i * 31 + salt);
  return bytes;
}

template <std::size_t N>
l2::ByteArray<N> pattern_array(u8 salt) {
  l2::ByteArray<N> bytes{};
  for (std::size_t i = 0; i < N; ++i) bytes[i] = static_cast<u8>(i * 77 + salt);
  return bytes;
}

// ---- OpenSSL's ChaCha20 and Poly1305 on their own, as a second implementation ----

namespace openssl {

struct CipherFree {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};

// EVP_chacha20 takes a 16-byte IV: the 32-bit block counter little-endian, then the 96-bit nonce.
Bytes chacha20_xor(const Key& key, const Nonce& nonce, u32 counter, const Bytes& in) {
  std::array<u8, 16> iv{};
  for (int i = 0; i < 4; ++i) iv[static_cast<std::size_t>(i)] = static_cast<u8>(counter >> (8 * i));
  std::copy(nonce.begin(), nonce.end(), iv.begin() + 4);
  const std::unique_ptr<EVP_CIPHER_CTX, CipherFree> context(EVP_CIPHER_CTX_new());
  Bytes out(in.size() + 64);
  int written = 0;
  EXPECT_EQ(EVP_EncryptInit_ex(context.get(), EVP_chacha20(), nullptr, key.data(), iv.data()), 1);
  EXPECT_EQ(EVP_EncryptUpdate(context.get(), out.data(), &written, in.data(), static_cast<int>(in.size())), 1);
  out.resize(static_cast<std::size_t>(written));
  return out;
}

ref::Tag poly1305(const ref::PolyKey& key, const Bytes& message) {
  const std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "POLY1305", nullptr), EVP_MAC_free);
  if (!mac) {
    ADD_FAILURE() << "this OpenSSL has no POLY1305 MAC";
    return {};
  }
  const std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> context(EVP_MAC_CTX_new(mac.get()), EVP_MAC_CTX_free);
  ref::Tag tag{};
  std::size_t written = 0;
  EXPECT_EQ(EVP_MAC_init(context.get(), key.data(), key.size(), nullptr), 1);
  EXPECT_EQ(EVP_MAC_update(context.get(), message.data(), message.size()), 1);
  EXPECT_EQ(EVP_MAC_final(context.get(), tag.data(), &written, tag.size()), 1);
  EXPECT_EQ(written, tag.size());
  return tag;
}

}  // namespace openssl

// ---- The differential helpers: one place that holds the engine to the reference ----

void print_backend_once() {
  static const bool printed = [] {
    std::printf("[ backend  ] %s\n", std::string(opt::backend_name()).c_str());
    return true;
  }();
  static_cast<void>(printed);
}

// Seals with both implementations and opens each one's output with both: all four agree.
void expect_matches_reference(const Key& key, const Nonce& nonce, const Bytes& aad, const Bytes& plaintext) {
  print_backend_once();
  const Bytes sealed = ref::seal(key, nonce, aad, plaintext);
  ASSERT_EQ(sealed.size(), plaintext.size() + ref::tag_size);
  const auto engine_sealed = opt::seal(key, nonce, aad, plaintext);
  ASSERT_TRUE(engine_sealed.has_value());
  EXPECT_EQ(l2::to_hex(*engine_sealed), l2::to_hex(sealed));
  EXPECT_EQ(outcome_of(ref::open(key, nonce, aad, sealed)), "plaintext " + l2::to_hex(plaintext));
  EXPECT_EQ(outcome_of(opt::open(key, nonce, aad, sealed)), "plaintext " + l2::to_hex(plaintext));
}

// Opens with both: each gives `expected` (none meaning the plaintext), and a rejection gives no
// plaintext at all.
void expect_open(const Key& key, const Nonce& nonce, const Bytes& aad, const Bytes& input, PrimitiveError expected) {
  print_backend_once();
  const auto reference = ref::open(key, nonce, aad, input);
  EXPECT_EQ(reference.ok() ? "OK" : name_of(reference.error()), name_of(expected)) << "the case does not test what it claims";
  const auto engine = opt::open(key, nonce, aad, input);
  EXPECT_EQ(outcome_of(engine), outcome_of(reference));
  if (!reference.ok()) {
    EXPECT_TRUE(reference.value().empty());
  }
  if (!engine.ok()) {
    EXPECT_TRUE(engine.value().empty());
  }
}

// Lengths around 16 (a Poly1305 block, and the padding unit) and 64 (a ChaCha20 block): one
// below, at and above a multiple catches a bug in a partial block or in the padding, 0 the
// empty cases, 128 two whole blocks.
const std::vector<std::size_t> boundary_lengths = {0, 1, 15, 16, 17, 63, 64, 65, 128};

// ---- Published vectors, through OpenSSL as well as the reference ----

TEST(PrimitivesChaCha20, PublishedVectorsAgreeWithOpenSSL) {
  for (const auto& v : published::chacha20_blocks) {
    SCOPED_TRACE(std::string(v.section));
    const Bytes zeros(64, 0);
    const Bytes keystream = openssl::chacha20_xor(l2::from_hex<32>(v.key_hex), l2::from_hex<12>(v.nonce_hex), v.counter, zeros);
    EXPECT_EQ(l2::to_hex(keystream), v.block_hex);
    EXPECT_EQ(l2::to_hex(ref::chacha20_block(l2::from_hex<32>(v.key_hex), l2::from_hex<12>(v.nonce_hex), v.counter)), v.block_hex);
  }
  for (const auto& v : published::chacha20_encryptions) {
    SCOPED_TRACE(std::string(v.section));
    const Bytes plaintext = l2::bytes_from_hex(v.plaintext_hex);
    EXPECT_EQ(l2::to_hex(openssl::chacha20_xor(l2::from_hex<32>(v.key_hex), l2::from_hex<12>(v.nonce_hex), v.counter, plaintext)),
              v.ciphertext_hex);
  }
  for (const auto& v : published::poly1305_macs) {
    SCOPED_TRACE(std::string(v.section) + ": " + std::string(v.comment));
    const Bytes message = l2::bytes_from_hex(v.message_hex);
    EXPECT_EQ(l2::to_hex(openssl::poly1305(l2::from_hex<32>(v.key_hex), message)), v.tag_hex);
    EXPECT_EQ(l2::to_hex(ref::poly1305(l2::from_hex<32>(v.key_hex), message)), v.tag_hex);
  }
  for (const auto& v : published::poly1305_key_gens) {
    SCOPED_TRACE(std::string(v.section));
    const Bytes block0 = openssl::chacha20_xor(l2::from_hex<32>(v.key_hex), l2::from_hex<12>(v.nonce_hex), 0, Bytes(32, 0));
    EXPECT_EQ(l2::to_hex(block0), v.one_time_key_hex);
  }
  for (const auto& v : published::aeads) {
    SCOPED_TRACE(std::string(v.section));
    const Key key = l2::from_hex<32>(v.key_hex);
    const Nonce nonce = l2::from_hex<12>(v.nonce_hex);
    const Bytes aad = l2::bytes_from_hex(v.aad_hex);
    const Bytes plaintext = l2::bytes_from_hex(v.plaintext_hex);
    const std::string sealed_hex = std::string(v.ciphertext_hex) + std::string(v.tag_hex);
    const auto engine_sealed = opt::seal(key, nonce, aad, plaintext);
    ASSERT_TRUE(engine_sealed.has_value());
    EXPECT_EQ(l2::to_hex(*engine_sealed), sealed_hex);
    EXPECT_EQ(l2::to_hex(openssl::poly1305(l2::from_hex<32>(v.one_time_key_hex), l2::bytes_from_hex(v.mac_data_hex))), v.tag_hex);
    expect_open(key, nonce, aad, l2::bytes_from_hex(sealed_hex), PrimitiveError::none);
    expect_matches_reference(key, nonce, aad, plaintext);
  }
}

// ---- The building blocks against OpenSSL at every length ----

TEST(PrimitivesChaCha20, ChaCha20MatchesOpenSSLAtEveryLength) {
  const Key key = pattern_array<32>(3);
  const Nonce nonce = pattern_array<12>(9);
  // 0xfffffffc leaves exactly the four blocks a 200-byte input needs before the counter would
  // wrap, where RFC 8439 stops and OpenSSL (carrying into the nonce) and the reference part.
  for (const u32 counter : {0u, 1u, 0x7fffffffu, 0xfffffffcu}) {
    for (std::size_t length = 0; length <= 200; ++length) {
      SCOPED_TRACE("counter " + std::to_string(counter) + ", length " + std::to_string(length));
      const Bytes in = pattern(length, static_cast<u8>(length));
      EXPECT_EQ(l2::to_hex(ref::chacha20_xor(key, nonce, counter, in)), l2::to_hex(openssl::chacha20_xor(key, nonce, counter, in)));
    }
  }
}

// The reference's documented behaviour past the last block: the 32-bit counter wraps to 0.
TEST(PrimitivesChaCha20, ChaCha20CounterWrapsToZero) {
  const Key key = pattern_array<32>(5);
  const Nonce nonce = pattern_array<12>(6);
  const Bytes keystream = ref::chacha20_xor(key, nonce, 0xffffffffu, Bytes(128, 0));
  const ref::Block last = ref::chacha20_block(key, nonce, 0xffffffffu);
  const ref::Block wrapped = ref::chacha20_block(key, nonce, 0);
  EXPECT_TRUE(std::equal(last.begin(), last.end(), keystream.begin()));
  EXPECT_TRUE(std::equal(wrapped.begin(), wrapped.end(), keystream.begin() + 64));
}

TEST(PrimitivesChaCha20, Poly1305MatchesOpenSSLAtEveryLength) {
  ref::PolyKey all_ones{};
  all_ones.fill(0xff);  // the largest r clamping allows, and an s that makes h + s overflow 2^128
  const std::vector<ref::PolyKey> keys = {pattern_array<32>(1), pattern_array<32>(200), all_ones, ref::PolyKey{}};
  for (std::size_t k = 0; k < keys.size(); ++k) {
    for (std::size_t length = 0; length <= 200; ++length) {
      SCOPED_TRACE("key " + std::to_string(k) + ", length " + std::to_string(length));
      // All-0xff messages keep every block near 2^129, where a missed carry shows first.
      for (const Bytes& message : {pattern(length, static_cast<u8>(k)), Bytes(length, 0xff)}) {
        EXPECT_EQ(l2::to_hex(ref::poly1305(keys[k], message)), l2::to_hex(openssl::poly1305(keys[k], message)));
      }
    }
  }
}

// ---- seal and open at the boundaries ----

TEST(PrimitivesChaCha20, SealAndOpenAtEveryBoundaryLength) {
  for (const std::size_t plaintext_length : boundary_lengths) {
    for (const std::size_t aad_length : boundary_lengths) {
      SCOPED_TRACE("plaintext " + std::to_string(plaintext_length) + " bytes, aad " + std::to_string(aad_length) + " bytes");
      const u8 salt = static_cast<u8>(plaintext_length * 3 + aad_length);
      expect_matches_reference(pattern_array<32>(salt), pattern_array<12>(static_cast<u8>(salt + 1)), pattern(aad_length, 0xA0),
                               pattern(plaintext_length, salt));
    }
  }
}

// AEAD-OPEN-1 at its edge: 0 and 15 bytes cannot hold a tag; 16 is the seal of an empty
// plaintext, 17 of a one-byte plaintext. The same lengths tampered fail AEAD-OPEN-2 instead.
TEST(PrimitivesChaCha20, InputLengthsAroundTheTag) {
  const Key key = pattern_array<32>(11);
  const Nonce nonce = pattern_array<12>(12);
  const Bytes aad = pattern(5, 13);
  for (const std::size_t length : {0u, 1u, 15u}) {
    SCOPED_TRACE(std::to_string(length) + " bytes");
    expect_open(key, nonce, aad, pattern(length, 14), PrimitiveError::aead_input_too_short);
    // Checked first: a short input under the wrong key is still too short, not a mismatch.
    expect_open(pattern_array<32>(99), nonce, aad, pattern(length, 14), PrimitiveError::aead_input_too_short);
  }
  const Bytes tag_only = ref::seal(key, nonce, aad, Bytes{});
  ASSERT_EQ(tag_only.size(), 16u);
  expect_open(key, nonce, aad, tag_only, PrimitiveError::none);
  const Bytes one_byte = ref::seal(key, nonce, aad, Bytes{0x42});
  ASSERT_EQ(one_byte.size(), 17u);
  expect_open(key, nonce, aad, one_byte, PrimitiveError::none);
  expect_open(key, nonce, aad, Bytes(16, 0), PrimitiveError::aead_tag_mismatch);
  expect_open(key, nonce, aad, Bytes(17, 0), PrimitiveError::aead_tag_mismatch);
  // 15 bytes of a genuine 16-byte seal: too short, whatever it was cut from.
  expect_open(key, nonce, aad, Bytes(tag_only.begin(), tag_only.end() - 1), PrimitiveError::aead_input_too_short);
}

// Every single-bit change to any input of open() fails AEAD-OPEN-2 on both implementations: the
// ciphertext and the tag, but also the aad, the nonce and the key, which travel separately.
TEST(PrimitivesChaCha20, EveryFlippedBitIsATagMismatch) {
  const Key key = pattern_array<32>(21);
  const Nonce nonce = pattern_array<12>(22);
  const Bytes aad = pattern(17, 23);      // one past a Poly1305 block: padding in play
  const Bytes plaintext = pattern(65, 24);  // one past a ChaCha20 block
  const Bytes sealed = ref::seal(key, nonce, aad, plaintext);
  const auto flipped = [](auto value, std::size_t bit) {
    value[bit / 8] ^= static_cast<u8>(1u << (bit % 8));
    return value;
  };
  for (std::size_t bit = 0; bit < 8 * sealed.size(); ++bit) {
    SCOPED_TRACE((bit < 8 * plaintext.size() ? "ciphertext bit " : "tag bit ") + std::to_string(bit));
    expect_open(key, nonce, aad, flipped(sealed, bit), PrimitiveError::aead_tag_mismatch);
  }
  for (std::size_t bit = 0; bit < 8 * aad.size(); ++bit) {
    SCOPED_TRACE("aad bit " + std::to_string(bit));
    expect_open(key, nonce, flipped(aad, bit), sealed, PrimitiveError::aead_tag_mismatch);
  }
  for (std::size_t bit = 0; bit < 8 * nonce.size(); ++bit) {
    SCOPED_TRACE("nonce bit " + std::to_string(bit));
    expect_open(key, flipped(nonce, bit), aad, sealed, PrimitiveError::aead_tag_mismatch);
  }
  for (std::size_t bit = 0; bit < 8 * key.size(); ++bit) {
    SCOPED_TRACE("key bit " + std::to_string(bit));
    expect_open(flipped(key, bit), nonce, aad, sealed, PrimitiveError::aead_tag_mismatch);
  }
}

// Changes that keep every byte but move or drop some: each must fail AEAD-OPEN-2.
TEST(PrimitivesChaCha20, ReshapedInputsAreTagMismatches) {
  const Key key = pattern_array<32>(31);
  const Nonce nonce = pattern_array<12>(32);
  const Bytes aad = pattern(16, 33);
  const Bytes plaintext = pattern(16, 34);
  const Bytes sealed = ref::seal(key, nonce, aad, plaintext);
  expect_open(key, nonce, aad, sealed, PrimitiveError::none);

  expect_open(key, nonce, aad, Bytes(sealed.begin(), sealed.end() - 1), PrimitiveError::aead_tag_mismatch);
  Bytes appended = sealed;
  appended.push_back(0);
  expect_open(key, nonce, aad, appended, PrimitiveError::aead_tag_mismatch);
  expect_open(key, nonce, aad, Bytes(sealed.begin() + 1, sealed.end()), PrimitiveError::aead_tag_mismatch);

  // The second half of the aad moved to the front of the ciphertext: the same bytes reach
  // Poly1305 in a different layout, which the padding and the length block tell apart.
  const Bytes short_aad(aad.begin(), aad.begin() + 8);
  Bytes moved(aad.begin() + 8, aad.end());
  l2::append(moved, sealed);
  expect_open(key, nonce, short_aad, moved, PrimitiveError::aead_tag_mismatch);

  // 15 zero bytes of aad pad to the same 16 bytes as 16 zeros: only the length block differs.
  const Bytes sealed_under_zeros = ref::seal(key, nonce, Bytes(16, 0), plaintext);
  expect_open(key, nonce, Bytes(16, 0), sealed_under_zeros, PrimitiveError::none);
  expect_open(key, nonce, Bytes(15, 0), sealed_under_zeros, PrimitiveError::aead_tag_mismatch);
  expect_open(key, nonce, Bytes{}, ref::seal(key, nonce, Bytes{0}, Bytes{}), PrimitiveError::aead_tag_mismatch);

  // Another message's tag on this ciphertext, and this message replayed under another nonce.
  const Bytes other = ref::seal(key, nonce, aad, pattern(16, 35));
  Bytes spliced(sealed.begin(), sealed.end() - 16);
  spliced.insert(spliced.end(), other.end() - 16, other.end());
  expect_open(key, nonce, aad, spliced, PrimitiveError::aead_tag_mismatch);
  expect_open(key, pattern_array<12>(36), aad, sealed, PrimitiveError::aead_tag_mismatch);
}

TEST(PrimitivesChaCha20, ErrorCodesHaveTheirSpecRows) {
  const std::string spec = l2::test::read_spec("primitives.md");
  ASSERT_FALSE(spec.empty());
  for (const PrimitiveError e : {PrimitiveError::aead_input_too_short, PrimitiveError::aead_tag_mismatch}) {
    const l2::ErrorInfo info = l2::error_info(e);
    const std::string rule_row = "| " + std::string(info.rule_id) + " | " + std::string(info.code) + " |";
    const std::string error_row = "| " + std::string(info.code) + " | " + std::string(info.rule_id) + " |";
    EXPECT_NE(spec.find(rule_row), std::string::npos) << rule_row;
    EXPECT_NE(spec.find(error_row), std::string::npos) << error_row;
  }
  EXPECT_NE(spec.find("| AEAD-SEAL-1 | — |"), std::string::npos);
}

// ---- Properties on random inputs ----

// Uniform in [low, high): RapidCheck scales inRange by its size parameter, which starts at 0 (so
// the first cases would all be `low`) and makes it uniform at full size, 100.
template <class T>
rc::Gen<T> uniform_in(T low, T high) {
  return rc::gen::resize(100, rc::gen::inRange<T>(low, high));
}

rc::Gen<u8> uniform_byte() {
  return rc::gen::map(uniform_in<int>(0, 256), [](int value) { return static_cast<u8>(value); });
}

// Mostly RapidCheck's growing sizes, sometimes a boundary length or a few blocks' worth.
rc::Gen<Bytes> message_bytes() {
  return rc::gen::weightedOneOf<Bytes>(
      {{6, rc::gen::container<Bytes>(uniform_byte())},
       {2, rc::gen::mapcat(rc::gen::elementOf(boundary_lengths),
                           [](std::size_t length) { return rc::gen::container<Bytes>(length, uniform_byte()); })},
       {1, rc::gen::mapcat(uniform_in<std::size_t>(129, 1100),
                           [](std::size_t length) { return rc::gen::container<Bytes>(length, uniform_byte()); })}});
}

struct Message {
  Key key;
  Nonce nonce;
  Bytes aad;
  Bytes plaintext;
};

Message arbitrary_message() {
  return Message{*rc::gen::container<Key>(uniform_byte()), *rc::gen::container<Nonce>(uniform_byte()), *message_bytes(),
                 *message_bytes()};
}

RC_GTEST_PROP(PrimitivesChaCha20Property, OpenOfSealIsTheIdentity, ()) {
  const Message m = arbitrary_message();
  const auto opened = ref::open(m.key, m.nonce, m.aad, ref::seal(m.key, m.nonce, m.aad, m.plaintext));
  RC_ASSERT(opened.ok());
  RC_ASSERT(opened.value() == m.plaintext);
  const auto engine_sealed = opt::seal(m.key, m.nonce, m.aad, m.plaintext);
  RC_ASSERT(engine_sealed.has_value());
  const auto engine_opened = opt::open(m.key, m.nonce, m.aad, *engine_sealed);
  RC_ASSERT(engine_opened.ok());
  RC_ASSERT(engine_opened.value() == m.plaintext);
}

RC_GTEST_PROP(PrimitivesChaCha20Property, SealMatchesTheOpenSSLEngine, ()) {
  const Message m = arbitrary_message();
  const auto engine_sealed = opt::seal(m.key, m.nonce, m.aad, m.plaintext);
  RC_ASSERT(engine_sealed.has_value());
  RC_ASSERT(*engine_sealed == ref::seal(m.key, m.nonce, m.aad, m.plaintext));
}

// A genuine message changed in one random way: both implementations return the same outcome,
// which for every change but the identity is a rejection.
RC_GTEST_PROP(PrimitivesChaCha20Property, TamperedOpenMatchesTheOpenSSLEngine, ()) {
  Message m = arbitrary_message();
  Bytes sealed = ref::seal(m.key, m.nonce, m.aad, m.plaintext);
  const auto flip = [](auto& bytes) {
    const std::size_t bit = *uniform_in<std::size_t>(0, 8 * bytes.size());
    bytes[bit / 8] ^= static_cast<u8>(1u << (bit % 8));
  };
  const int change = *uniform_in(0, 8);
  switch (change) {
    case 0: flip(sealed); RC_TAG("bit of ciphertext or tag"); break;
    case 1: flip(m.key); RC_TAG("bit of key"); break;
    case 2: flip(m.nonce); RC_TAG("bit of nonce"); break;
    case 3:
      if (m.aad.empty()) m.aad.push_back(0);
      else flip(m.aad);
      RC_TAG("aad");
      break;
    case 4: sealed.resize(*uniform_in<std::size_t>(0, sealed.size())); RC_TAG("truncated"); break;
    case 5: l2::append(sealed, *rc::gen::nonEmpty(message_bytes())); RC_TAG("bytes appended"); break;
    case 6: sealed = *message_bytes(); RC_TAG("random bytes"); break;
    default: RC_TAG("unchanged"); break;
  }
  const auto reference = ref::open(m.key, m.nonce, m.aad, sealed);
  const auto engine = opt::open(m.key, m.nonce, m.aad, sealed);
  RC_ASSERT(outcome_of(engine) == outcome_of(reference));
  if (change == 7) RC_ASSERT(reference.ok() && reference.value() == m.plaintext);
  // Random bytes of 16 or more forge a tag with probability 2^-128.
  else RC_ASSERT(!reference.ok());
  if (!reference.ok()) {
    RC_ASSERT(reference.error() ==
              (sealed.size() < ref::tag_size ? PrimitiveError::aead_input_too_short : PrimitiveError::aead_tag_mismatch));
  }
}

}  // namespace
