// Checked uint64 arithmetic with explicit overflow results: an overflow is a rejection, never a wrap.
// spec: primitives.md#checked-arithmetic
#pragma once

#include <cstdint>
#include <limits>

namespace l2 {

// The outcome of one checked operation: either `overflow` is false and `value` is exact, or
// `overflow` is true and `value` is 0.
struct Checked {
  std::uint64_t value = 0;
  bool overflow = false;
  friend constexpr bool operator==(const Checked&, const Checked&) = default;
};

inline constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();

// Verify: a + b <= UINT64_MAX [CHK-ADD-1]
constexpr Checked checked_add(std::uint64_t a, std::uint64_t b) {
  if (a > u64_max - b) return {0, true};
  return {a + b, false};
}

// Verify: a >= b [CHK-SUB-1]
constexpr Checked checked_sub(std::uint64_t a, std::uint64_t b) {
  if (a < b) return {0, true};
  return {a - b, false};
}

// min(a + b, UINT64_MAX): a deadline that cannot be reached is "never", not an early wrap.
constexpr std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) { return a > u64_max - b ? u64_max : a + b; }

// Verify: a * b <= UINT64_MAX [CHK-MUL-1]
constexpr Checked checked_mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > u64_max / a) return {0, true};
  return {a * b, false};
}

// floor(a * numerator / denominator) without intermediate overflow, for fees and percentages
// such as `amount * fee_ppm / 1e6`. Verify: denominator != 0 and the quotient fits [CHK-MULDIV-1]
constexpr Checked checked_mul_div(std::uint64_t a, std::uint64_t numerator, std::uint64_t denominator) {
  if (denominator == 0) return {0, true};
  // Schoolbook 128-bit product as two 64-bit halves, then long division by bits.
  const std::uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
  const std::uint64_t n_lo = numerator & 0xffffffffu, n_hi = numerator >> 32;
  const std::uint64_t lo_lo = a_lo * n_lo, hi_lo = a_hi * n_lo, lo_hi = a_lo * n_hi, hi_hi = a_hi * n_hi;
  const std::uint64_t middle = (lo_lo >> 32) + (hi_lo & 0xffffffffu) + lo_hi;
  const std::uint64_t product_hi = hi_hi + (hi_lo >> 32) + (middle >> 32);
  const std::uint64_t product_lo = (middle << 32) | (lo_lo & 0xffffffffu);
  if (product_hi >= denominator) return {0, true};  // the quotient would need more than 64 bits
  std::uint64_t remainder = product_hi, quotient = 0;
  for (int bit = 63; bit >= 0; --bit) {
    const bool carry = (remainder >> 63) != 0;
    remainder = (remainder << 1) | ((product_lo >> bit) & 1u);
    quotient <<= 1;
    if (carry || remainder >= denominator) {
      remainder -= denominator;
      quotient |= 1u;
    }
  }
  return {quotient, false};
}

}  // namespace l2
