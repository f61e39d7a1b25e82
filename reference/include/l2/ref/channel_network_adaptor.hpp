// Adaptor signatures over BIP-340, the lock of a PTLC: a pre-signature under a point T is a
// BIP-340 signature incomplete by t, the discrete log of T. Whoever holds it and t completes it
// (adapt); whoever holds it and the completed signature learns t (extract). Written for reading,
// over the reference secp256k1 and BIP-340 and the onion's point encoding; not constant time.
// spec: channel_network.md#adaptor-signatures
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_network_onion.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/secp256k1.hpp"
#include "l2/ref/sha256.hpp"

namespace l2 {

// Stable error codes of the adaptor signatures (channel_network.md#adaptor-signatures).
#define L2_ADAPTOR_ERRORS(X) \
  X(adapt_secret_key, "CN-ADAPT-1", "presign's secret key or adapt's secret t is 0 or not below the group order n") \
  X(adapt_point, "CN-ADAPT-2", "T or R^ is not a compressed secp256k1 point, or P is not the x coordinate of one") \
  X(adapt_degenerate, "CN-ADAPT-3", "R = R^ + T is the point at infinity, or presign's nonce k0 is 0") \
  X(adapt_scalar_range, "CN-ADAPT-4", "s' or extract's s is not below n, or the signature's r is not bytes(R)") \
  X(adapt_invalid, "CN-ADAPT-5", "s'*G is not +-R^ + e*P, or the extracted t does not give t*G = T")
L2_ERROR_ENUM(AdaptorError, "CN_", L2_ADAPTOR_ERRORS)

namespace ref::channel_network::adaptor {

inline constexpr std::string_view nonce_tag = "L2/adaptor/nonce";

using Point = onion::PublicKey;  // a compressed secp256k1 point, 33 bytes: 02 or 03, then x

// compress(R^) || bytes32(s'): the nonce point before T is added, then the incomplete s.
using PreSignature = ByteArray<65>;

constexpr Point nonce_point_of(const PreSignature& pre) {
  Point out{};
  for (std::size_t i = 0; i < 33; ++i) out[i] = pre[i];
  return out;
}

constexpr secp256k1::U256 s_prime_of(const PreSignature& pre) {
  return secp256k1::from_be_bytes(std::span<const u8, 65>(pre).last<32>());
}

constexpr PreSignature make_pre_signature(const Point& nonce_point, const secp256k1::U256& s_prime) {
  PreSignature out{};
  const Hash32 s_bytes = secp256k1::to_be_bytes(s_prime);
  for (std::size_t i = 0; i < 33; ++i) out[i] = nonce_point[i];
  for (std::size_t i = 0; i < 32; ++i) out[33 + i] = s_bytes[i];
  return out;
}

namespace detail {

// R = R^ + T, or nullopt at infinity (R^ = -T).
constexpr std::optional<secp256k1::AffinePoint> combined_nonce(const secp256k1::AffinePoint& nonce_point,
                                                               const secp256k1::AffinePoint& adaptor_point) {
  const secp256k1::JacobianPoint sum = secp256k1::point_add_affine(secp256k1::to_jacobian(nonce_point), adaptor_point);
  if (secp256k1::is_infinity(sum)) return std::nullopt;
  return secp256k1::to_affine(sum);
}

constexpr secp256k1::AffinePoint negate(const secp256k1::AffinePoint& point) {
  return {point.x, secp256k1::field_negate(point.y)};
}

// k0 = int(hash_L2/adaptor/nonce((bytes32(d) xor hash_BIP0340/aux(aux)) || bytes(P) || T || m)) mod n.
constexpr secp256k1::U256 nonce(const bip340::detail::EvenKeypair& keypair, const Point& adaptor_point,
                                std::span<const u8> msg, const Hash32& aux_rand) {
  const Hash32 secret_bytes = secp256k1::to_be_bytes(keypair.secret);
  const Hash32 aux_hash = tagged_hash(bip340::aux_tag, aux_rand);
  Hash32 masked_secret{};
  for (std::size_t i = 0; i < masked_secret.size(); ++i) masked_secret[i] = secret_bytes[i] ^ aux_hash[i];
  Bytes point_and_message(adaptor_point.begin(), adaptor_point.end());
  append(point_and_message, msg);
  const Hash32 nonce_hash =
      bip340::detail::tagged_hash_of_parts(nonce_tag, masked_secret, keypair.pubkey, point_and_message);
  return secp256k1::scalar_reduce(secp256k1::from_be_bytes(nonce_hash));
}

}  // namespace detail

// presign(d', m, T, aux): the signer's pre-signature of m under T.
// spec: channel_network.md#adaptor-signatures
constexpr Result<PreSignature, AdaptorError> presign(const Hash32& secret_key, std::span<const u8> msg,
                                                     const Point& adaptor_point, const Hash32& aux_rand) {
  using namespace secp256k1;
  const U256 secret = from_be_bytes(secret_key);
  // Verify: 0 < d' < n [CN-ADAPT-1]
  if (!is_valid_secret_scalar(secret)) return AdaptorError::adapt_secret_key;
  const std::optional<AffinePoint> big_t = onion::decompress(adaptor_point);
  // Verify: T is a compressed point [CN-ADAPT-2]
  if (!big_t) return AdaptorError::adapt_point;

  // d: the secret negated if needed so that P = d*G has even y; bytes(P) is the x-only key.
  const bip340::detail::EvenKeypair keypair = bip340::detail::even_keypair(secret);
  const U256 k0 = detail::nonce(keypair, adaptor_point, msg, aux_rand);
  // Verify: k0 != 0, which fails with probability about 2^-256 [CN-ADAPT-3]
  if (is_zero(k0)) return AdaptorError::adapt_degenerate;
  const AffinePoint nonce_point = to_affine(multiply(k0, generator));  // R^ = k0*G
  const std::optional<AffinePoint> big_r = detail::combined_nonce(nonce_point, *big_t);
  // Verify: R = R^ + T is not the point at infinity [CN-ADAPT-3]
  if (!big_r) return AdaptorError::adapt_degenerate;

  // k: k0 negated if R has odd y, so that the completed signature's nonce is the even -R or R.
  const U256 k = has_even_y(*big_r) ? k0 : scalar_negate(k0);
  const U256 e = bip340::detail::challenge(to_be_bytes(big_r->x), keypair.pubkey, msg);
  const U256 s_prime = scalar_add(k, scalar_multiply(e, keypair.secret));
  return make_pre_signature(onion::compress(nonce_point), s_prime);
}

// pre_verify(P, m, T, pre): none if s'*G = +-R^ + e(R, P, m)*lift_x(P), with + when R = R^ + T has
// even y; else the first failing rule.
// spec: channel_network.md#adaptor-signatures
constexpr AdaptorError pre_verify(const Hash32& pubkey, std::span<const u8> msg, const Point& adaptor_point,
                                  const PreSignature& pre) {
  using namespace secp256k1;
  const std::optional<AffinePoint> public_point = lift_x(from_be_bytes(pubkey));
  // Verify: P is the x coordinate of a curve point (lift_x) [CN-ADAPT-2]
  if (!public_point) return AdaptorError::adapt_point;
  const std::optional<AffinePoint> big_t = onion::decompress(adaptor_point);
  // Verify: T is a compressed point [CN-ADAPT-2]
  if (!big_t) return AdaptorError::adapt_point;
  const std::optional<AffinePoint> nonce_point = onion::decompress(nonce_point_of(pre));
  // Verify: R^ is a compressed point [CN-ADAPT-2]
  if (!nonce_point) return AdaptorError::adapt_point;
  const std::optional<AffinePoint> big_r = detail::combined_nonce(*nonce_point, *big_t);
  // Verify: R = R^ + T is not the point at infinity [CN-ADAPT-3]
  if (!big_r) return AdaptorError::adapt_degenerate;
  const U256 s_prime = s_prime_of(pre);
  // Verify: s' < n [CN-ADAPT-4]
  if (compare(s_prime, group_order) >= 0) return AdaptorError::adapt_scalar_range;

  // s'*G - e*P must be R^ when R has even y, and -R^ when it has odd y.
  const U256 e = bip340::detail::challenge(to_be_bytes(big_r->x), pubkey, msg);
  const JacobianPoint lhs = multiply_add(s_prime, generator, scalar_negate(e), *public_point);
  const AffinePoint expected = has_even_y(*big_r) ? *nonce_point : detail::negate(*nonce_point);
  // Verify: s'*G = +-R^ + e*P [CN-ADAPT-5]
  if (is_infinity(lhs) || to_affine(lhs) != expected) return AdaptorError::adapt_invalid;
  return AdaptorError::none;
}

// adapt(pre, T, t): the BIP-340 signature bytes(R) || bytes32(s), s = s' + t when R = R^ + T has
// even y, else s' - t (mod n). The pre-signature is not verified here: that is pre_verify's job.
// spec: channel_network.md#adaptor-signatures
constexpr Result<bip340::Signature, AdaptorError> adapt(const PreSignature& pre, const Point& adaptor_point,
                                                        const Hash32& adaptor_secret) {
  using namespace secp256k1;
  const U256 t = from_be_bytes(adaptor_secret);
  // Verify: 0 < t < n [CN-ADAPT-1]
  if (!is_valid_secret_scalar(t)) return AdaptorError::adapt_secret_key;
  const std::optional<AffinePoint> big_t = onion::decompress(adaptor_point);
  // Verify: T is a compressed point [CN-ADAPT-2]
  if (!big_t) return AdaptorError::adapt_point;
  const std::optional<AffinePoint> nonce_point = onion::decompress(nonce_point_of(pre));
  // Verify: R^ is a compressed point [CN-ADAPT-2]
  if (!nonce_point) return AdaptorError::adapt_point;
  const std::optional<AffinePoint> big_r = detail::combined_nonce(*nonce_point, *big_t);
  // Verify: R = R^ + T is not the point at infinity [CN-ADAPT-3]
  if (!big_r) return AdaptorError::adapt_degenerate;
  const U256 s_prime = s_prime_of(pre);
  // Verify: s' < n [CN-ADAPT-4]
  if (compare(s_prime, group_order) >= 0) return AdaptorError::adapt_scalar_range;

  const U256 s = has_even_y(*big_r) ? scalar_add(s_prime, t) : scalar_add(s_prime, scalar_negate(t));
  bip340::Signature signature{};
  const Hash32 r_bytes = to_be_bytes(big_r->x);
  const Hash32 s_bytes = to_be_bytes(s);
  for (std::size_t i = 0; i < 32; ++i) {
    signature[i] = r_bytes[i];
    signature[32 + i] = s_bytes[i];
  }
  return signature;
}

// extract(pre, T, sig): t = s - s' when R = R^ + T has even y, else s' - s (mod n); t*G must be T.
// spec: channel_network.md#adaptor-signatures
constexpr Result<Hash32, AdaptorError> extract(const PreSignature& pre, const Point& adaptor_point,
                                               const bip340::Signature& sig) {
  using namespace secp256k1;
  const std::optional<AffinePoint> big_t = onion::decompress(adaptor_point);
  // Verify: T is a compressed point [CN-ADAPT-2]
  if (!big_t) return AdaptorError::adapt_point;
  const std::optional<AffinePoint> nonce_point = onion::decompress(nonce_point_of(pre));
  // Verify: R^ is a compressed point [CN-ADAPT-2]
  if (!nonce_point) return AdaptorError::adapt_point;
  const std::optional<AffinePoint> big_r = detail::combined_nonce(*nonce_point, *big_t);
  // Verify: R = R^ + T is not the point at infinity [CN-ADAPT-3]
  if (!big_r) return AdaptorError::adapt_degenerate;
  const U256 s_prime = s_prime_of(pre);
  // Verify: s' < n [CN-ADAPT-4]
  if (compare(s_prime, group_order) >= 0) return AdaptorError::adapt_scalar_range;
  const std::span<const u8, 64> sig_bytes(sig);
  const U256 s = from_be_bytes(sig_bytes.last<32>());
  // Verify: the signature's s < n [CN-ADAPT-4]
  if (compare(s, group_order) >= 0) return AdaptorError::adapt_scalar_range;
  // Verify: the signature's r equals bytes(R) [CN-ADAPT-4]
  if (from_be_bytes(sig_bytes.first<32>()) != big_r->x) return AdaptorError::adapt_scalar_range;

  const U256 t = has_even_y(*big_r) ? scalar_add(s, scalar_negate(s_prime)) : scalar_add(s_prime, scalar_negate(s));
  const JacobianPoint t_times_g = multiply(t, generator);
  // Verify: t*G = T [CN-ADAPT-5]
  if (is_infinity(t_times_g) || to_affine(t_times_g) != *big_t) return AdaptorError::adapt_invalid;
  return to_be_bytes(t);
}

}  // namespace ref::channel_network::adaptor
}  // namespace l2
