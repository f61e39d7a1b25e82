// BIP-340 Schnorr over secp256k1 (reference): every row of the published BIP-340 table, with the
// specific error each failing row implies; the curve against well-known multiples of G; the
// secret-key range; the order of the verification checks; and key derivation from a seed, checked
// against libsecp256k1's tagged hash.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "l2/ref/schnorr.hpp"
#include "l2/vectors/bip340_published_vectors.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::PrimitiveError;
namespace bip340 = l2::ref::bip340;
namespace secp256k1 = l2::ref::secp256k1;
namespace oracle = l2::test::libsecp256k1;
using l2::vectors::bip340_published::Row;
using l2::vectors::bip340_published::rows;

Hash32 hash_from_hex(std::string_view hex) { return l2::from_hex<32>(hex); }
bip340::Signature signature_from_hex(std::string_view hex) { return l2::from_hex<64>(hex); }
std::string name_of(PrimitiveError e) { return std::string(l2::error_info(e).code); }

// The error a failing row's comment names. Rows whose comment describes a failure of the
// equation (odd y, wrong message, infinite R, r not an x coordinate) end at SIG-VER-4.
PrimitiveError expected_error(const Row& row) {
  if (row.verifies) return PrimitiveError::none;
  if (row.comment == "public key not on the curve") return PrimitiveError::sig_pubkey_not_on_curve;
  if (row.comment == "public key is not a valid X coordinate because it exceeds the field size") {
    return PrimitiveError::sig_pubkey_not_on_curve;
  }
  if (row.comment == "sig[0:32] is equal to field size") return PrimitiveError::sig_r_out_of_range;
  if (row.comment == "sig[32:64] is equal to curve order") return PrimitiveError::sig_s_out_of_range;
  return PrimitiveError::sig_invalid;
}

TEST(PrimitivesSchnorr, PublishedTableHasEveryRow) {
  ASSERT_EQ(rows.size(), 19u);
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].index, static_cast<int>(i));
}

TEST(PrimitivesSchnorr, PublishedRowsVerifyWithTheirSpecificError) {
  for (const Row& row : rows) {
    SCOPED_TRACE("BIP-340 row " + std::to_string(row.index) + ": " + std::string(row.comment));
    const Bytes message = l2::bytes_from_hex(row.message_hex);
    const PrimitiveError got =
        bip340::verify(hash_from_hex(row.public_key_hex), message, signature_from_hex(row.signature_hex));
    EXPECT_EQ(name_of(got), name_of(expected_error(row)));
  }
}

TEST(PrimitivesSchnorr, PublishedRowsWithSecretKeySignToTheTableSignature) {
  int signed_rows = 0;
  for (const Row& row : rows) {
    if (row.secret_key_hex.empty()) continue;
    SCOPED_TRACE("BIP-340 row " + std::to_string(row.index));
    const Hash32 secret_key = hash_from_hex(row.secret_key_hex);
    const auto pubkey = bip340::pubkey_from_secret(secret_key);
    ASSERT_TRUE(pubkey.ok());
    EXPECT_EQ(l2::to_hex(pubkey.value()), l2::to_hex(hash_from_hex(row.public_key_hex)));
    const Bytes message = l2::bytes_from_hex(row.message_hex);
    const auto signature = bip340::sign(secret_key, message, hash_from_hex(row.aux_rand_hex));
    ASSERT_TRUE(signature.ok()) << name_of(signature.error());
    EXPECT_EQ(l2::to_hex(signature.value()), l2::to_hex(signature_from_hex(row.signature_hex)));
    ++signed_rows;
  }
  EXPECT_EQ(signed_rows, 8);  // rows 0-3 and the variable-length rows 15-18
}

// Guards the transcription of the table: libsecp256k1 must agree with every row too.
TEST(PrimitivesSchnorr, PublishedTableAgreesWithLibsecp256k1) {
  for (const Row& row : rows) {
    SCOPED_TRACE("BIP-340 row " + std::to_string(row.index));
    const Bytes message = l2::bytes_from_hex(row.message_hex);
    EXPECT_EQ(oracle::verify(hash_from_hex(row.public_key_hex), message, signature_from_hex(row.signature_hex)),
              row.verifies);
    if (row.secret_key_hex.empty()) continue;
    const auto signature =
        oracle::sign(hash_from_hex(row.secret_key_hex), message, hash_from_hex(row.aux_rand_hex));
    ASSERT_TRUE(signature.has_value());
    EXPECT_EQ(l2::to_hex(*signature), l2::to_hex(signature_from_hex(row.signature_hex)));
  }
}

// Multiples of G as published in the SEC 2 / Bitcoin literature: 2G, 3G, and (n-1)G = -G.
TEST(PrimitivesSchnorr, CurveMultiplesOfTheGenerator) {
  using namespace secp256k1;
  EXPECT_TRUE(is_on_curve(generator));
  const AffinePoint two_g = to_affine(multiply(u256_from_u64(2), generator));
  EXPECT_EQ(two_g.x, u256_from_hex("C6047F9441ED7D6D3045406E95C07CD85C778E4B8CEF3CA7ABAC09B95C709EE5"));
  EXPECT_EQ(two_g.y, u256_from_hex("1AE168FEA63DC339A3C58419466CEAEEF7F632653266D0E1236431A950CFE52A"));
  const AffinePoint three_g = to_affine(multiply(u256_from_u64(3), generator));
  EXPECT_EQ(three_g.x, u256_from_hex("F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9"));
  EXPECT_TRUE(is_on_curve(three_g));

  U256 n_minus_one;
  subtract_with_borrow(group_order, u256_from_u64(1), n_minus_one);
  const AffinePoint minus_g = to_affine(multiply(n_minus_one, generator));
  EXPECT_EQ(minus_g.x, generator.x);
  EXPECT_EQ(minus_g.y, field_negate(generator.y));
  EXPECT_TRUE(is_infinity(multiply(group_order, generator)));
  // a*G + b*G through the shared-doubling path equals (a+b)*G.
  const U256 a = u256_from_hex("B7E151628AED2A6ABF7158809CF4F3C762E7160F38B4DA56A784D9045190CFEF");
  const U256 b = u256_from_hex("C90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B14E5C9");
  EXPECT_EQ(to_affine(multiply_add(a, generator, b, generator)), to_affine(multiply(scalar_add(a, b), generator)));
  // a*G + (n-a)*G is infinity: the addition must see P + (-P).
  EXPECT_TRUE(is_infinity(multiply_add(a, generator, scalar_negate(a), generator)));
}

TEST(PrimitivesSchnorr, FieldInverseAndSquareRoot) {
  using namespace secp256k1;
  const U256 x = u256_from_hex("DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659");
  EXPECT_EQ(field_multiply(field_inverse(x), x), u256_from_u64(1));
  const U256 square = field_square(x);
  const U256 root = field_sqrt_candidate(square);
  EXPECT_TRUE(root == x || root == field_negate(x));
  // p - 1 = -1 is not a square because p = 3 (mod 4).
  const U256 minus_one = field_negate(u256_from_u64(1));
  EXPECT_NE(field_square(field_sqrt_candidate(minus_one)), minus_one);
}

TEST(PrimitivesSchnorr, LiftXGivesTheEvenPoint) {
  using namespace secp256k1;
  const auto lifted = lift_x(generator.x);  // G's y is even
  ASSERT_TRUE(lifted.has_value());
  EXPECT_EQ(*lifted, generator);
  EXPECT_FALSE(lift_x(field_size).has_value());
  // Row 5's key: x^3 + 7 is not a square.
  EXPECT_FALSE(lift_x(u256_from_hex("EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34")).has_value());
}

TEST(PrimitivesSchnorr, BigEndianRoundTrip) {
  const Hash32 bytes = hash_from_hex("0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20");
  const secp256k1::U256 value = secp256k1::from_be_bytes(bytes);
  EXPECT_EQ(value.limbs[0], 0x191A1B1C1D1E1F20u);
  EXPECT_EQ(value.limbs[3], 0x0102030405060708u);
  EXPECT_EQ(secp256k1::to_be_bytes(value), bytes);
}

// SIG-KEY-1 at its boundaries: 0 and n are the first invalid values on each side.
TEST(PrimitivesSchnorr, SecretKeyRange) {
  const Bytes message = l2::bytes_from_hex("00");
  const Hash32 aux{};
  const Hash32 zero{};
  const Hash32 order = secp256k1::to_be_bytes(secp256k1::group_order);
  const Hash32 all_ones = hash_from_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");
  for (const Hash32& bad : {zero, order, all_ones}) {
    EXPECT_EQ(bip340::pubkey_from_secret(bad).error(), PrimitiveError::sig_secret_key_range);
    EXPECT_EQ(bip340::sign(bad, message, aux).error(), PrimitiveError::sig_secret_key_range);
    EXPECT_FALSE(oracle::secret_key_valid(bad));
  }
  Hash32 one{};
  one[31] = 1;
  Hash32 order_minus_one = order;
  order_minus_one[31] -= 1;  // n ends in 0x41: no borrow
  // Both are valid and, as G and -G, share the x coordinate of G.
  const Hash32 generator_x = secp256k1::to_be_bytes(secp256k1::generator.x);
  for (const Hash32& good : {one, order_minus_one}) {
    const auto pubkey = bip340::pubkey_from_secret(good);
    ASSERT_TRUE(pubkey.ok());
    EXPECT_EQ(pubkey.value(), generator_x);
    const auto signature = bip340::sign(good, message, aux);
    ASSERT_TRUE(signature.ok());
    EXPECT_EQ(signature.value(), oracle::sign(good, message, aux).value());
  }
}

// The checks run in the order SIG-VER-1, -2, -3, -4: a signature failing several reports the first.
TEST(PrimitivesSchnorr, VerificationCheckOrder) {
  const Row& valid = rows[1];
  const Bytes message = l2::bytes_from_hex(valid.message_hex);
  const Hash32 good_key = hash_from_hex(valid.public_key_hex);
  const Hash32 key_off_curve = hash_from_hex(rows[5].public_key_hex);
  const Hash32 key_above_p = hash_from_hex(rows[14].public_key_hex);
  const bip340::Signature good_sig = signature_from_hex(valid.signature_hex);
  ASSERT_EQ(bip340::verify(good_key, message, good_sig), PrimitiveError::none);

  bip340::Signature r_and_s_bad = good_sig;
  for (std::size_t i = 0; i < 64; ++i) r_and_s_bad[i] = 0xFF;  // r = s = 2^256 - 1
  bip340::Signature s_bad = good_sig;
  for (std::size_t i = 32; i < 64; ++i) s_bad[i] = 0xFF;

  EXPECT_EQ(bip340::verify(key_off_curve, message, r_and_s_bad), PrimitiveError::sig_pubkey_not_on_curve);
  EXPECT_EQ(bip340::verify(key_above_p, message, r_and_s_bad), PrimitiveError::sig_pubkey_not_on_curve);
  EXPECT_EQ(bip340::verify(good_key, message, r_and_s_bad), PrimitiveError::sig_r_out_of_range);
  EXPECT_EQ(bip340::verify(good_key, message, s_bad), PrimitiveError::sig_s_out_of_range);

  // Just inside each range the equation decides.
  bip340::Signature r_is_p_minus_one = good_sig;
  const Hash32 p_minus_one = secp256k1::to_be_bytes(secp256k1::field_negate(secp256k1::u256_from_u64(1)));
  for (std::size_t i = 0; i < 32; ++i) r_is_p_minus_one[i] = p_minus_one[i];
  EXPECT_EQ(bip340::verify(good_key, message, r_is_p_minus_one), PrimitiveError::sig_invalid);
  bip340::Signature s_is_n_minus_one = good_sig;
  const Hash32 n_minus_one = secp256k1::to_be_bytes(secp256k1::scalar_negate(secp256k1::u256_from_u64(1)));
  for (std::size_t i = 0; i < 32; ++i) s_is_n_minus_one[32 + i] = n_minus_one[i];
  EXPECT_EQ(bip340::verify(good_key, message, s_is_n_minus_one), PrimitiveError::sig_invalid);
}

// Messages of every awkward length: BIP-340 hashes m whole, so a bug that truncates or pads to 32
// bytes shows up as a mismatch with libsecp256k1's sign_custom.
TEST(PrimitivesSchnorr, VariableLengthMessagesMatchLibsecp256k1) {
  const Hash32 secret_key = hash_from_hex("C90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B14E5C9");
  const Hash32 aux = hash_from_hex("C87AA53824B4D7AE2EB035A2B5BBBCCC080E76CDC6D1692C4B0B62D798E6D906");
  for (std::size_t length : {0u, 1u, 31u, 32u, 33u, 55u, 56u, 63u, 64u, 65u, 119u, 1000u}) {
    SCOPED_TRACE("message length " + std::to_string(length));
    Bytes message(length);
    for (std::size_t i = 0; i < length; ++i) message[i] = static_cast<l2::u8>(i * 7 + 3);
    const auto signature = bip340::sign(secret_key, message, aux);
    ASSERT_TRUE(signature.ok());
    EXPECT_EQ(l2::to_hex(signature.value()), l2::to_hex(oracle::sign(secret_key, message, aux).value()));
    EXPECT_EQ(bip340::verify(bip340::pubkey_from_secret(secret_key).value(), message, signature.value()),
              PrimitiveError::none);
  }
}

// secret_from_seed is tagged_hash("L2/keygen/secret", seed || be32(index) || be32(counter)) at the
// first counter in range; counter 0 is in range except with probability 2^-128, so every case
// here is checked against libsecp256k1's tagged hash at counter 0.
TEST(PrimitivesSchnorr, SecretFromSeedFollowsTheSpec) {
  const std::vector<Bytes> seeds = {Bytes{}, l2::bytes_of("l2spec"), Bytes(64, 0xAB)};
  for (const Bytes& seed : seeds) {
    for (l2::u32 index : {0u, 1u, 2u, 0xFFFFFFFFu}) {
      Bytes preimage = seed;
      l2::put_u32_be(preimage, index);
      l2::put_u32_be(preimage, 0);
      const Hash32 expected = oracle::tagged_hash("L2/keygen/secret", preimage);
      const Hash32 secret_key = bip340::secret_from_seed(seed, index);
      EXPECT_EQ(l2::to_hex(secret_key), l2::to_hex(expected));
      EXPECT_TRUE(oracle::secret_key_valid(secret_key));
      EXPECT_TRUE(bip340::pubkey_from_secret(secret_key).ok());
    }
  }
  EXPECT_NE(bip340::secret_from_seed(seeds[1], 0), bip340::secret_from_seed(seeds[1], 1));
  EXPECT_NE(bip340::secret_from_seed(seeds[0], 0), bip340::secret_from_seed(seeds[1], 0));
}

}  // namespace
