// The elliptic curve secp256k1 (SEC 2 v2 §2.4.1): y^2 = x^3 + 7 over the prime field F_p, with a
// base point G of prime order n. Written for reading and for constant evaluation, not for speed
// and not in constant time: the reference never holds a secret that must survive a side channel.
// optimized/src/schnorr/ wraps libsecp256k1, which the differential tests hold to this file.
// spec: crypto_schnorr.md#secp256k1
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "l2/ref/bytes.hpp"

namespace l2::ref::secp256k1 {

// ---------------------------------------------------------------------------------------------
// 256-bit unsigned integers: four 64-bit limbs, least significant first. A limb product needs 128
// bits; GCC and Clang provide unsigned __int128 for that. Four limbs rather than eight 32-bit ones
// because constant evaluation pays per loop iteration, and this halves the cost of a signature
// check inside static_assert.
// spec: crypto_schnorr.md#integers

__extension__ using u128 = unsigned __int128;

inline constexpr std::size_t limb_count = 4;

struct U256 {
  u64 limbs[limb_count]{};
  constexpr bool operator==(const U256&) const = default;
};

// The double-width product of two U256 values, before reduction.
struct U512 {
  u64 limbs[2 * limb_count]{};
};

// Reads 32 bytes as a big-endian integer (BIP-340 int(x)).
constexpr U256 from_be_bytes(std::span<const u8, 32> bytes) {
  U256 value;
  for (std::size_t byte = 0; byte < 32; ++byte) {
    const std::size_t limb = (31 - byte) / 8;
    value.limbs[limb] = (value.limbs[limb] << 8) | bytes[byte];
  }
  return value;
}

// Writes an integer as 32 big-endian bytes (BIP-340 bytes(x)).
constexpr Hash32 to_be_bytes(const U256& value) {
  Hash32 bytes{};
  for (std::size_t byte = 0; byte < 32; ++byte) {
    const std::size_t limb = (31 - byte) / 8;
    const std::size_t shift = 8 * ((31 - byte) % 8);
    bytes[byte] = static_cast<u8>(value.limbs[limb] >> shift);
  }
  return bytes;
}

// For constants written the way SEC 2 prints them: 64 hex digits, most significant first.
constexpr U256 u256_from_hex(std::string_view hex) { return from_be_bytes(from_hex<32>(hex)); }

constexpr U256 u256_from_u64(u64 small) {
  U256 value;
  value.limbs[0] = small;
  return value;
}

constexpr bool is_zero(const U256& value) { return value == U256{}; }

constexpr bool is_odd(const U256& value) { return (value.limbs[0] & 1) != 0; }

constexpr bool bit(const U256& value, std::size_t index) {
  return ((value.limbs[index / 64] >> (index % 64)) & 1) != 0;
}

// -1, 0 or +1 as a is below, equal to or above b.
constexpr int compare(const U256& a, const U256& b) {
  for (std::size_t i = limb_count; i-- > 0;) {
    if (a.limbs[i] != b.limbs[i]) return a.limbs[i] < b.limbs[i] ? -1 : 1;
  }
  return 0;
}

// sum = (a + b) mod 2^256; returns the carry out (0 or 1).
constexpr u64 add_with_carry(const U256& a, const U256& b, U256& sum) {
  u64 carry = 0;
  for (std::size_t i = 0; i < limb_count; ++i) {
    const u128 total = u128{a.limbs[i]} + b.limbs[i] + carry;
    sum.limbs[i] = static_cast<u64>(total);
    carry = static_cast<u64>(total >> 64);
  }
  return carry;
}

// difference = (a - b) mod 2^256; returns the borrow out (0 or 1).
constexpr u64 subtract_with_borrow(const U256& a, const U256& b, U256& difference) {
  u64 borrow = 0;
  for (std::size_t i = 0; i < limb_count; ++i) {
    const u128 total = u128{a.limbs[i]} - b.limbs[i] - borrow;  // wraps below zero, setting bit 127
    difference.limbs[i] = static_cast<u64>(total);
    borrow = static_cast<u64>(total >> 127);
  }
  return borrow;
}

// Right shift by fewer than 64 bits.
constexpr U256 shift_right(const U256& value, unsigned bits) {
  U256 shifted;
  for (std::size_t i = 0; i < limb_count; ++i) {
    const u64 next = i + 1 < limb_count ? value.limbs[i + 1] : 0;
    shifted.limbs[i] = (value.limbs[i] >> bits) | (bits == 0 ? 0 : next << (64 - bits));
  }
  return shifted;
}

// Limbs up to and including the most significant nonzero one.
constexpr std::size_t significant_limbs(const U256& value) {
  std::size_t count = limb_count;
  while (count > 0 && value.limbs[count - 1] == 0) --count;
  return count;
}

// accumulator += a * b, schoolbook. The caller guarantees that the sum fits in 512 bits. Zero
// limbs are skipped because the reduction below multiplies short constants (1 significant limb
// for p, 3 for n) by short high halves.
constexpr void multiply_accumulate(U512& accumulator, const U256& a, const U256& b) {
  const std::size_t b_length = significant_limbs(b);
  for (std::size_t i = 0; i < limb_count; ++i) {
    if (a.limbs[i] == 0) continue;
    u64 carry = 0;
    for (std::size_t j = 0; j < b_length; ++j) {
      // (2^64-1)^2 + 2*(2^64-1) = 2^128-1: the sum never overflows 128 bits.
      const u128 total = u128{a.limbs[i]} * b.limbs[j] + accumulator.limbs[i + j] + carry;
      accumulator.limbs[i + j] = static_cast<u64>(total);
      carry = static_cast<u64>(total >> 64);
    }
    for (std::size_t k = i + b_length; carry != 0; ++k) {
      const u128 total = u128{accumulator.limbs[k]} + carry;
      accumulator.limbs[k] = static_cast<u64>(total);
      carry = static_cast<u64>(total >> 64);
    }
  }
}

constexpr U512 multiply_wide(const U256& a, const U256& b) {
  U512 product;
  multiply_accumulate(product, a, b);
  return product;
}

constexpr U512 widen(const U256& value) {
  U512 wide;
  for (std::size_t i = 0; i < limb_count; ++i) wide.limbs[i] = value.limbs[i];
  return wide;
}

constexpr U256 low_half(const U512& wide) {
  U256 half;
  for (std::size_t i = 0; i < limb_count; ++i) half.limbs[i] = wide.limbs[i];
  return half;
}

constexpr U256 high_half(const U512& wide) {
  U256 half;
  for (std::size_t i = 0; i < limb_count; ++i) half.limbs[i] = wide.limbs[i + limb_count];
  return half;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic modulo m, for the two moduli of the curve: the field size p and the group order n.
// Both lie just below 2^256, so 2^256 = complement (mod m) with a short complement, and a wide
// value high * 2^256 + low folds to high * complement + low.
// spec: crypto_schnorr.md#modular-arithmetic

struct Modulus {
  U256 value;
  U256 complement;  // 2^256 - value
};

constexpr Modulus make_modulus(const U256& value) {
  Modulus modulus{value, {}};
  subtract_with_borrow(U256{}, value, modulus.complement);
  return modulus;
}

// Reduces a value below 2^256 into [0, m). One subtraction is enough because m > 2^255.
constexpr U256 reduce_once(const U256& value, const Modulus& modulus) {
  if (compare(value, modulus.value) < 0) return value;
  U256 reduced;
  subtract_with_borrow(value, modulus.value, reduced);
  return reduced;
}

constexpr U256 reduce_wide(const U512& wide, const Modulus& modulus) {
  U256 low = low_half(wide);
  U256 high = high_half(wide);
  // A fold trades 2^256 for a complement of at most 129 bits, so the high half shrinks fast
  // (for n: 256 bits, then at most 129, 3, 1) and the loop ends within four rounds.
  while (!is_zero(high)) {
    U512 folded = widen(low);
    multiply_accumulate(folded, modulus.complement, high);
    low = low_half(folded);
    high = high_half(folded);
  }
  return reduce_once(low, modulus);
}

// Inputs below m; outputs below m.
constexpr U256 add_mod(const U256& a, const U256& b, const Modulus& modulus) {
  U256 sum;
  const u64 carry = add_with_carry(a, b, sum);
  if (carry == 0) return reduce_once(sum, modulus);
  // The true sum is sum + 2^256 = sum + complement (mod m), and it is below 2m, so one
  // subtraction of m (mod 2^256) lands on it.
  U256 reduced;
  subtract_with_borrow(sum, modulus.value, reduced);
  return reduced;
}

constexpr U256 subtract_mod(const U256& a, const U256& b, const Modulus& modulus) {
  U256 difference;
  const u64 borrow = subtract_with_borrow(a, b, difference);
  if (borrow == 0) return difference;
  U256 wrapped;
  add_with_carry(difference, modulus.value, wrapped);
  return wrapped;
}

constexpr U256 negate_mod(const U256& a, const Modulus& modulus) { return subtract_mod(U256{}, a, modulus); }

constexpr U256 multiply_mod(const U256& a, const U256& b, const Modulus& modulus) {
  return reduce_wide(multiply_wide(a, b), modulus);
}

// Left-to-right square-and-multiply.
constexpr U256 power_mod(const U256& base, const U256& exponent, const Modulus& modulus) {
  U256 result = u256_from_u64(1);
  for (std::size_t i = 256; i-- > 0;) {
    result = multiply_mod(result, result, modulus);
    if (bit(exponent, i)) result = multiply_mod(result, base, modulus);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Curve parameters (SEC 2 v2 §2.4.1).
// spec: crypto_schnorr.md#secp256k1

inline constexpr U256 field_size = u256_from_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F");
inline constexpr U256 group_order = u256_from_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
inline constexpr U256 generator_x = u256_from_hex("79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798");
inline constexpr U256 generator_y = u256_from_hex("483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8");
inline constexpr u64 curve_b = 7;

inline constexpr Modulus field_modulus = make_modulus(field_size);
inline constexpr Modulus order_modulus = make_modulus(group_order);

// ---------------------------------------------------------------------------------------------
// Field elements: U256 values in [0, p).
// spec: crypto_schnorr.md#field-and-scalar-arithmetic

constexpr U256 field_add(const U256& a, const U256& b) { return add_mod(a, b, field_modulus); }
constexpr U256 field_subtract(const U256& a, const U256& b) { return subtract_mod(a, b, field_modulus); }
constexpr U256 field_negate(const U256& a) { return negate_mod(a, field_modulus); }
constexpr U256 field_multiply(const U256& a, const U256& b) { return multiply_mod(a, b, field_modulus); }
constexpr U256 field_square(const U256& a) { return multiply_mod(a, a, field_modulus); }
constexpr U256 field_double(const U256& a) { return field_add(a, a); }

// Fermat: a^(p-2) = a^-1 for a != 0. Returns 0 for a = 0.
constexpr U256 field_inverse(const U256& a) {
  U256 exponent;
  subtract_with_borrow(field_size, u256_from_u64(2), exponent);
  return power_mod(a, exponent, field_modulus);
}

// Since p = 3 (mod 4), a^((p+1)/4) squares to a whenever a is a square; the caller checks.
constexpr U256 field_sqrt_candidate(const U256& a) {
  U256 p_plus_one;
  add_with_carry(field_size, u256_from_u64(1), p_plus_one);  // no carry: p < 2^256 - 1
  return power_mod(a, shift_right(p_plus_one, 2), field_modulus);
}

// ---------------------------------------------------------------------------------------------
// Scalars: U256 values in [0, n).

constexpr U256 scalar_add(const U256& a, const U256& b) { return add_mod(a, b, order_modulus); }
constexpr U256 scalar_negate(const U256& a) { return negate_mod(a, order_modulus); }
constexpr U256 scalar_multiply(const U256& a, const U256& b) { return multiply_mod(a, b, order_modulus); }

// Any 256-bit value, e.g. a hash, taken mod n.
constexpr U256 scalar_reduce(const U256& a) { return reduce_once(a, order_modulus); }

constexpr bool is_valid_secret_scalar(const U256& a) { return !is_zero(a) && compare(a, group_order) < 0; }

// ---------------------------------------------------------------------------------------------
// Points.
// spec: crypto_schnorr.md#points

struct AffinePoint {
  U256 x;
  U256 y;
  constexpr bool operator==(const AffinePoint&) const = default;
};

// (X, Y, Z) stands for the affine point (X/Z^2, Y/Z^3); Z = 0 is the point at infinity. This
// keeps field inversions out of the addition formulas.
struct JacobianPoint {
  U256 x;
  U256 y;
  U256 z;
};

inline constexpr AffinePoint generator = {generator_x, generator_y};
inline constexpr JacobianPoint infinity = {u256_from_u64(1), u256_from_u64(1), U256{}};

constexpr bool is_infinity(const JacobianPoint& point) { return is_zero(point.z); }

constexpr JacobianPoint to_jacobian(const AffinePoint& point) { return {point.x, point.y, u256_from_u64(1)}; }

// The caller must not pass the point at infinity, which has no affine form.
constexpr AffinePoint to_affine(const JacobianPoint& point) {
  const U256 z_inverse = field_inverse(point.z);
  const U256 z_inverse_squared = field_square(z_inverse);
  const U256 z_inverse_cubed = field_multiply(z_inverse_squared, z_inverse);
  return {field_multiply(point.x, z_inverse_squared), field_multiply(point.y, z_inverse_cubed)};
}

constexpr bool is_on_curve(const AffinePoint& point) {
  if (compare(point.x, field_size) >= 0 || compare(point.y, field_size) >= 0) return false;
  const U256 x_cubed = field_multiply(field_square(point.x), point.x);
  return field_square(point.y) == field_add(x_cubed, u256_from_u64(curve_b));
}

// BIP-340 has_even_y(P).
constexpr bool has_even_y(const AffinePoint& point) { return !is_odd(point.y); }

// Doubling with a = 0: M = 3X^2, S = 4XY^2, X' = M^2 - 2S, Y' = M(S - X') - 8Y^4, Z' = 2YZ.
// secp256k1 has no point of order two (n is odd), so Y != 0 for every finite point.
constexpr JacobianPoint point_double(const JacobianPoint& point) {
  if (is_infinity(point)) return point;
  const U256 y_squared = field_square(point.y);
  const U256 x_squared = field_square(point.x);
  const U256 slope_numerator = field_add(field_double(x_squared), x_squared);
  const U256 four_x_y_squared = field_double(field_double(field_multiply(point.x, y_squared)));
  const U256 eight_y_fourth = field_double(field_double(field_double(field_square(y_squared))));
  const U256 x = field_subtract(field_square(slope_numerator), field_double(four_x_y_squared));
  const U256 y = field_subtract(field_multiply(slope_numerator, field_subtract(four_x_y_squared, x)), eight_y_fourth);
  const U256 z = field_double(field_multiply(point.y, point.z));
  return {x, y, z};
}

// Jacobian + affine ("mixed") addition. Bring the affine point to the Jacobian's denominator:
// U = x2 Z^2, S = y2 Z^3; then H = U - X, R = S - Y, and
// X' = R^2 - H^3 - 2 X H^2, Y' = R (X H^2 - X') - Y H^3, Z' = Z H.
// H = 0 means equal x: the same point (double it) or its negation (the sum is infinity).
constexpr JacobianPoint point_add_affine(const JacobianPoint& point, const AffinePoint& addend) {
  if (is_infinity(point)) return to_jacobian(addend);
  const U256 z_squared = field_square(point.z);
  const U256 addend_x_scaled = field_multiply(addend.x, z_squared);
  const U256 addend_y_scaled = field_multiply(addend.y, field_multiply(z_squared, point.z));
  const U256 h = field_subtract(addend_x_scaled, point.x);
  const U256 r = field_subtract(addend_y_scaled, point.y);
  if (is_zero(h)) return is_zero(r) ? point_double(point) : infinity;
  const U256 h_squared = field_square(h);
  const U256 h_cubed = field_multiply(h_squared, h);
  const U256 x_h_squared = field_multiply(point.x, h_squared);
  const U256 x = field_subtract(field_subtract(field_square(r), h_cubed), field_double(x_h_squared));
  const U256 y = field_subtract(field_multiply(r, field_subtract(x_h_squared, x)), field_multiply(point.y, h_cubed));
  const U256 z = field_multiply(point.z, h);
  return {x, y, z};
}

// a*P + b*Q by one double-and-add pass over both scalars (Shamir's trick), which shares the
// doublings between the two products. Scalars are any 256-bit values; P and Q are on the curve.
constexpr JacobianPoint multiply_add(const U256& a, const AffinePoint& p, const U256& b, const AffinePoint& q) {
  JacobianPoint accumulator = infinity;
  for (std::size_t i = 256; i-- > 0;) {
    accumulator = point_double(accumulator);
    if (bit(a, i)) accumulator = point_add_affine(accumulator, p);
    if (bit(b, i)) accumulator = point_add_affine(accumulator, q);
  }
  return accumulator;
}

constexpr JacobianPoint multiply(const U256& scalar, const AffinePoint& point) {
  return multiply_add(scalar, point, U256{}, point);
}

// BIP-340 lift_x: the point with x coordinate x and even y, if x < p and x^3 + 7 is a square.
// spec: crypto_schnorr.md#lift_x
constexpr std::optional<AffinePoint> lift_x(const U256& x) {
  if (compare(x, field_size) >= 0) return std::nullopt;
  const U256 y_squared = field_add(field_multiply(field_square(x), x), u256_from_u64(curve_b));
  const U256 y = field_sqrt_candidate(y_squared);
  if (field_square(y) != y_squared) return std::nullopt;
  return AffinePoint{x, is_odd(y) ? field_negate(y) : y};
}

}  // namespace l2::ref::secp256k1
