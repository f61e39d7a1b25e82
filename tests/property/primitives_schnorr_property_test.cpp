// Properties of the reference BIP-340 Schnorr (l2::ref::bip340): signatures round-trip, one
// flipped bit anywhere breaks them, and the reference agrees with libsecp256k1 (an independent
// implementation) on keys, signatures and verification of random and of mutated inputs.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstddef>
#include <vector>

#include "l2/ref/schnorr.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::PrimitiveError;
using l2::u8;
namespace bip340 = l2::ref::bip340;
namespace secp256k1 = l2::ref::secp256k1;
namespace oracle = l2::test::libsecp256k1;

// Uniform bytes: RapidCheck's own integers start near zero, which would make most early keys tiny.
rc::Gen<u8> uniform_byte() {
  return rc::gen::map(rc::gen::inRange<int>(0, 256), [](int value) { return static_cast<u8>(value); });
}

rc::Gen<Hash32> uniform_bytes32() { return rc::gen::container<Hash32>(uniform_byte()); }

rc::Gen<Bytes> message_bytes() { return rc::gen::container<Bytes>(uniform_byte()); }

Hash32 with_last_byte(Hash32 value, u8 last) {
  value[31] = last;
  return value;
}

// Mostly uniform keys, sometimes the edges of SIG-KEY-1: 0 and n (first invalid), 1 and n-1
// (last valid), 2^256-1 (overflow in a careless range check).
rc::Gen<Hash32> secret_key() {
  const Hash32 order = secp256k1::to_be_bytes(secp256k1::group_order);
  const Hash32 one = with_last_byte(Hash32{}, 1);
  const Hash32 order_minus_one = with_last_byte(order, static_cast<u8>(order[31] - 1));
  Hash32 all_ones{};
  all_ones.fill(0xFF);
  return rc::gen::weightedOneOf<Hash32>({{9, uniform_bytes32()},
                                         {1, rc::gen::element(Hash32{}, one, order_minus_one, order, all_ones)}});
}

bool is_valid_secret_key(const Hash32& key) {
  return secp256k1::is_valid_secret_scalar(secp256k1::from_be_bytes(key));
}

RC_GTEST_PROP(PrimitivesSchnorrProperty, SignThenVerifyRoundTrips, ()) {
  const Hash32 key = *secret_key();
  const Bytes message = *message_bytes();
  const Hash32 aux = *uniform_bytes32();
  const auto signature = bip340::sign(key, message, aux);
  const auto pubkey = bip340::pubkey_from_secret(key);
  RC_ASSERT(signature.ok() == is_valid_secret_key(key));
  RC_ASSERT(pubkey.ok() == is_valid_secret_key(key));
  if (!signature.ok()) {
    RC_ASSERT(signature.error() == PrimitiveError::sig_secret_key_range);
    return;
  }
  RC_ASSERT(bip340::verify(pubkey.value(), message, signature.value()) == PrimitiveError::none);
}

RC_GTEST_PROP(PrimitivesSchnorrProperty, OneFlippedBitFailsVerification, ()) {
  const Hash32 key = *rc::gen::suchThat(uniform_bytes32(), is_valid_secret_key);
  Bytes message = *message_bytes();
  const Hash32 aux = *uniform_bytes32();
  Hash32 pubkey = bip340::pubkey_from_secret(key).value();
  bip340::Signature signature = bip340::sign(key, message, aux).value();

  const int target = *rc::gen::inRange(0, message.empty() ? 2 : 3);  // 0 key, 1 signature, 2 message
  if (target == 0) {
    const std::size_t bit = *rc::gen::inRange<std::size_t>(0, 256);
    pubkey[bit / 8] ^= static_cast<u8>(1u << (bit % 8));
  } else if (target == 1) {
    const std::size_t bit = *rc::gen::inRange<std::size_t>(0, 512);
    signature[bit / 8] ^= static_cast<u8>(1u << (bit % 8));
  } else {
    const std::size_t bit = *rc::gen::inRange<std::size_t>(0, 8 * message.size());
    message[bit / 8] ^= static_cast<u8>(1u << (bit % 8));
  }
  RC_TAG(target == 0 ? "key bit flipped" : target == 1 ? "signature bit flipped" : "message bit flipped");
  RC_ASSERT(bip340::verify(pubkey, message, signature) != PrimitiveError::none);
  RC_ASSERT(!oracle::verify(pubkey, message, signature));
}

RC_GTEST_PROP(PrimitivesSchnorrProperty, KeysAndSignaturesEqualLibsecp256k1, ()) {
  const Hash32 key = *secret_key();
  const Bytes message = *message_bytes();
  const Hash32 aux = *uniform_bytes32();
  const auto pubkey = bip340::pubkey_from_secret(key);
  const auto expected_pubkey = oracle::pubkey(key);
  RC_ASSERT(pubkey.ok() == expected_pubkey.has_value());
  const auto signature = bip340::sign(key, message, aux);
  const auto expected_signature = oracle::sign(key, message, aux);
  RC_ASSERT(signature.ok() == expected_signature.has_value());
  if (!pubkey.ok()) return;
  RC_ASSERT(pubkey.value() == *expected_pubkey);
  RC_ASSERT(signature.value() == *expected_signature);
  RC_ASSERT(oracle::verify(pubkey.value(), message, signature.value()));
}

// Random keys and signatures almost never verify, but they reach SIG-VER-1 (about half of all x
// values are off the curve) and the equation; libsecp256k1 must agree on both.
RC_GTEST_PROP(PrimitivesSchnorrProperty, VerifyAgreesWithLibsecp256k1OnArbitraryInput, ()) {
  const Hash32 pubkey = *uniform_bytes32();
  const Bytes message = *message_bytes();
  const auto signature = *rc::gen::container<bip340::Signature>(uniform_byte());
  const PrimitiveError got = bip340::verify(pubkey, message, signature);
  RC_TAG(l2::error_info(got).code);
  RC_ASSERT((got == PrimitiveError::sig_pubkey_not_on_curve) == !oracle::pubkey_parses(pubkey));
  RC_ASSERT((got == PrimitiveError::none) == oracle::verify(pubkey, message, signature));
}

RC_GTEST_PROP(PrimitivesSchnorrProperty, SecretFromSeedIsAValidKey, ()) {
  const Bytes seed = *message_bytes();
  const auto index = *rc::gen::arbitrary<l2::u32>();
  const Hash32 key = bip340::secret_from_seed(seed, index);
  RC_ASSERT(oracle::secret_key_valid(key));
  RC_ASSERT(key == bip340::secret_from_seed(seed, index));
}

}  // namespace
