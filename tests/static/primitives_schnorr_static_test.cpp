// BIP-340 Schnorr over secp256k1, checked at compile time against the published BIP-340 test
// vectors (l2/vectors/bip340_published_vectors.hpp names the source): this file compiling is the
// test passing. Each signature check costs seconds of constant evaluation, so this suite takes a
// sample of the table that still reaches every verification rule; the unit test runs every row.
#include <gtest/gtest.h>

#include <span>
#include <string_view>

#include "l2/ref/schnorr.hpp"
#include "l2/vectors/bip340_published_vectors.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::PrimitiveError;
namespace bip340 = l2::ref::bip340;
namespace secp256k1 = l2::ref::secp256k1;
using l2::vectors::bip340_published::rows;

constexpr Hash32 hash_from_hex(std::string_view hex) { return l2::from_hex<32>(hex); }
constexpr bip340::Signature signature_from_hex(std::string_view hex) { return l2::from_hex<64>(hex); }

constexpr PrimitiveError verify_row(int index) {
  const auto& row = rows[static_cast<std::size_t>(index)];
  const Bytes message = l2::bytes_from_hex(row.message_hex);
  return bip340::verify(hash_from_hex(row.public_key_hex), message, signature_from_hex(row.signature_hex));
}

constexpr bool sign_matches_row(int index) {
  const auto& row = rows[static_cast<std::size_t>(index)];
  const Bytes message = l2::bytes_from_hex(row.message_hex);
  const auto signature = bip340::sign(hash_from_hex(row.secret_key_hex), message, hash_from_hex(row.aux_rand_hex));
  return signature.ok() && signature.value() == signature_from_hex(row.signature_hex);
}

constexpr bool pubkey_matches_row(int index) {
  const auto& row = rows[static_cast<std::size_t>(index)];
  const auto pubkey = bip340::pubkey_from_secret(hash_from_hex(row.secret_key_hex));
  return pubkey.ok() && pubkey.value() == hash_from_hex(row.public_key_hex);
}

constexpr bool secret_from_seed_is_in_range(std::string_view seed_text, l2::u32 index) {
  const Bytes seed = l2::bytes_of(seed_text);
  const Hash32 secret_key = bip340::secret_from_seed(seed, index);
  return secp256k1::is_valid_secret_scalar(secp256k1::from_be_bytes(secret_key)) &&
         secret_key == bip340::secret_from_seed(seed, index) && secret_key != bip340::secret_from_seed(seed, index + 1);
}

// The curve constants: G lies on the curve, lift_x finds it again (its y is even), and the field
// modulus has the short complement 2^32 + 977 that the reduction relies on.
static_assert(secp256k1::is_on_curve(secp256k1::generator));
static_assert(secp256k1::lift_x(secp256k1::generator.x) == secp256k1::generator);
static_assert(secp256k1::field_modulus.complement == secp256k1::u256_from_u64(0x1000003D1));

// SIG-KEY-1: 0 and n are rejected; row 0's key (3) gives the table's public key.
static_assert(bip340::pubkey_from_secret(Hash32{}).error() == PrimitiveError::sig_secret_key_range);
static_assert(bip340::pubkey_from_secret(secp256k1::to_be_bytes(secp256k1::group_order)).error() ==
              PrimitiveError::sig_secret_key_range);
static_assert(pubkey_matches_row(0));

// SIG-SIGN-1: row 0's signature, self-verification included.
static_assert(sign_matches_row(0));

// SIG-VER-1..4 in the table's own words.
static_assert(verify_row(1) == PrimitiveError::none);
static_assert(verify_row(5) == PrimitiveError::sig_pubkey_not_on_curve);   // "public key not on the curve"
static_assert(verify_row(14) == PrimitiveError::sig_pubkey_not_on_curve);  // "... exceeds the field size"
static_assert(verify_row(12) == PrimitiveError::sig_r_out_of_range);       // "sig[0:32] is equal to field size"
static_assert(verify_row(13) == PrimitiveError::sig_s_out_of_range);       // "sig[32:64] is equal to curve order"
static_assert(verify_row(9) == PrimitiveError::sig_invalid);               // "sG - eP is infinite"

// Key derivation from a seed lands in [1, n-1], is deterministic, and depends on the index.
static_assert(secret_from_seed_is_in_range("l2spec", 0));

}  // namespace

TEST(PrimitivesSchnorrStatic, Compiled) { SUCCEED() << "the static_asserts above hold"; }
