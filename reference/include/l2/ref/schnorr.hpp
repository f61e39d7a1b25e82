// BIP-340 Schnorr signatures over secp256k1, step by step as the BIP states them, plus the
// project's deterministic key derivation. Not constant time and not fast: this is the oracle the
// optimized engine (optimized/include/l2/opt/schnorr.hpp, backed by libsecp256k1) must match.
// spec: crypto_schnorr.md
#pragma once

#include <concepts>
#include <span>
#include <string_view>

#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/secp256k1.hpp"
#include "l2/ref/sha256.hpp"

namespace l2::ref::bip340 {

using Signature = ByteArray<64>;

inline constexpr std::string_view aux_tag = "BIP0340/aux";
inline constexpr std::string_view nonce_tag = "BIP0340/nonce";
inline constexpr std::string_view challenge_tag = "BIP0340/challenge";
inline constexpr std::string_view keygen_tag = "L2/keygen/secret";

namespace detail {

constexpr Hash32 tagged_hash_of_parts(std::string_view tag, std::span<const u8> first, std::span<const u8> second,
                                      std::span<const u8> third) {
  Bytes message;
  message.reserve(first.size() + second.size() + third.size());
  append(message, first);
  append(message, second);
  append(message, third);
  return tagged_hash(tag, message);
}

// e = int(hash_BIP0340/challenge(bytes(R) || bytes(P) || m)) mod n.
constexpr secp256k1::U256 challenge(const Hash32& r_bytes, const Hash32& pubkey, std::span<const u8> msg) {
  return secp256k1::scalar_reduce(secp256k1::from_be_bytes(tagged_hash_of_parts(challenge_tag, r_bytes, pubkey, msg)));
}

// The secret scalar negated if needed so that its public point has even y, and that point's x.
struct EvenKeypair {
  secp256k1::U256 secret;
  Hash32 pubkey;
};

constexpr EvenKeypair even_keypair(const secp256k1::U256& secret) {
  const secp256k1::AffinePoint point = secp256k1::to_affine(secp256k1::multiply(secret, secp256k1::generator));
  const secp256k1::U256 even_secret = secp256k1::has_even_y(point) ? secret : secp256k1::scalar_negate(secret);
  return {even_secret, secp256k1::to_be_bytes(point.x)};
}

// R is finite, has even y, and its x coordinate equals r.
constexpr bool is_even_point_with_x(const secp256k1::JacobianPoint& point, const secp256k1::U256& r) {
  if (secp256k1::is_infinity(point)) return false;
  const secp256k1::AffinePoint affine = secp256k1::to_affine(point);
  return secp256k1::has_even_y(affine) && affine.x == r;
}

}  // namespace detail

// SIG-VER-1 alone: the x-only key is the x coordinate of a curve point, so it can sign.
// spec: crypto_schnorr.md#lift_x
constexpr bool pubkey_on_curve(const Hash32& pubkey) {
  return secp256k1::lift_x(secp256k1::from_be_bytes(pubkey)).has_value();
}

// BIP-340 Verify(pk, m, sig). Returns none for a valid signature, else the first failing rule.
// spec: crypto_schnorr.md#verify
constexpr PrimitiveError verify(const Hash32& pubkey, std::span<const u8> msg, const Signature& sig) {
  using namespace secp256k1;
  const std::optional<AffinePoint> public_point = lift_x(from_be_bytes(pubkey));
  // Verify: the public key is the x coordinate of a curve point (x < p and x^3 + 7 is a square) [SIG-VER-1]
  if (!public_point) return PrimitiveError::sig_pubkey_not_on_curve;
  const std::span<const u8, 64> sig_bytes(sig);
  const U256 r = from_be_bytes(sig_bytes.first<32>());
  // Verify: r < p [SIG-VER-2]
  if (compare(r, field_size) >= 0) return PrimitiveError::sig_r_out_of_range;
  const U256 s = from_be_bytes(sig_bytes.last<32>());
  // Verify: s < n [SIG-VER-3]
  if (compare(s, group_order) >= 0) return PrimitiveError::sig_s_out_of_range;
  const U256 e = detail::challenge(to_be_bytes(r), pubkey, msg);
  const JacobianPoint big_r = multiply_add(s, generator, scalar_negate(e), *public_point);
  // Verify: R = s*G - e*P is finite, has even y, and x(R) = r [SIG-VER-4]
  if (!detail::is_even_point_with_x(big_r, r)) return PrimitiveError::sig_invalid;
  return PrimitiveError::none;
}

// BIP-340 PubKey(sk): bytes(d'*G).
// spec: crypto_schnorr.md#pubkey_from_secret
constexpr Result<Hash32, PrimitiveError> pubkey_from_secret(const Hash32& secret_key) {
  const secp256k1::U256 secret = secp256k1::from_be_bytes(secret_key);
  // Verify: 0 < d' < n [SIG-KEY-1]
  if (!secp256k1::is_valid_secret_scalar(secret)) return PrimitiveError::sig_secret_key_range;
  return detail::even_keypair(secret).pubkey;
}

// BIP-340 Sign(sk, m, a) for a message of any length, including the final self-verification.
// spec: crypto_schnorr.md#sign
constexpr Result<Signature, PrimitiveError> sign(const Hash32& secret_key, std::span<const u8> msg,
                                                 const Hash32& aux_rand) {
  using namespace secp256k1;
  const U256 secret = from_be_bytes(secret_key);
  // Verify: 0 < d' < n [SIG-KEY-1]
  if (!is_valid_secret_scalar(secret)) return PrimitiveError::sig_secret_key_range;
  const detail::EvenKeypair keypair = detail::even_keypair(secret);

  // t = bytes(d) xor hash_BIP0340/aux(a): the aux randomness masks the key inside the nonce hash.
  const Hash32 secret_bytes = to_be_bytes(keypair.secret);
  const Hash32 aux_hash = tagged_hash(aux_tag, aux_rand);
  Hash32 masked_secret{};
  for (std::size_t i = 0; i < masked_secret.size(); ++i) masked_secret[i] = secret_bytes[i] ^ aux_hash[i];

  const Hash32 nonce_hash = detail::tagged_hash_of_parts(nonce_tag, masked_secret, keypair.pubkey, msg);
  const U256 nonce = scalar_reduce(from_be_bytes(nonce_hash));
  // Verify: k' != 0, which fails with probability about 2^-256 [SIG-SIGN-1]
  if (is_zero(nonce)) return PrimitiveError::sig_invalid;

  const AffinePoint nonce_point = to_affine(multiply(nonce, generator));
  const U256 even_nonce = has_even_y(nonce_point) ? nonce : scalar_negate(nonce);
  const Hash32 r_bytes = to_be_bytes(nonce_point.x);
  const U256 e = detail::challenge(r_bytes, keypair.pubkey, msg);
  const U256 s = scalar_add(even_nonce, scalar_multiply(e, keypair.secret));

  Signature signature{};
  const Hash32 s_bytes = to_be_bytes(s);
  for (std::size_t i = 0; i < 32; ++i) {
    signature[i] = r_bytes[i];
    signature[32 + i] = s_bytes[i];
  }
  // Verify: the new signature passes Verify, guarding against faults and bugs [SIG-SIGN-1]
  if (verify(keypair.pubkey, msg, signature) != PrimitiveError::none) return PrimitiveError::sig_invalid;
  return signature;
}

// Deterministic secret key number `index` of a seed: the first counter c = 0, 1, 2, ... for which
// hash_L2/keygen/secret(seed || be32(index) || be32(c)) read as an integer lies in [1, n-1].
// A counter beyond 0 is needed with probability about 2^-128.
// spec: crypto_schnorr.md#secret_from_seed
constexpr Hash32 secret_from_seed(std::span<const u8> seed, u32 index) {
  for (u32 counter = 0;; ++counter) {
    Bytes preimage;
    append(preimage, seed);
    put_u32_be(preimage, index);
    put_u32_be(preimage, counter);
    const Hash32 candidate = tagged_hash(keygen_tag, preimage);
    if (secp256k1::is_valid_secret_scalar(secp256k1::from_be_bytes(candidate))) return candidate;
  }
}

// A SignatureCheck answers: is `signature` the key holder's signature of `digest`? The mechanisms'
// transitions take one as a parameter, so that static tests and the Z3 models can substitute
// their own; BIP-340 is the default.
template <class F>
concept SignatureCheck = requires(const F& check, const Hash32& pubkey, const Hash32& digest, const Signature& sig) {
  { check(pubkey, digest, sig) } -> std::same_as<bool>;
};

// BIP-340 over the 32-byte digest. spec: crypto_schnorr.md#verify
struct Bip340Check {
  constexpr bool operator()(const Hash32& pubkey, const Hash32& digest, const Signature& signature) const {
    return verify(pubkey, digest, signature) == PrimitiveError::none;
  }
};

}  // namespace l2::ref::bip340
