// Checked arithmetic against unsigned __int128, an independent oracle, on boundary and random values.
#include <gtest/gtest.h>

#include <random>

#include "l2/ref/checked.hpp"

namespace {

__extension__ using u128 = unsigned __int128;  // GCC and clang extension: the independent oracle
constexpr u128 max64 = static_cast<u128>(l2::u64_max);

std::vector<std::uint64_t> boundary_values() {
  // 0, 1 and the top catch off-by-one overflow tests; 2^32 +- 1 catches a 32-bit split mistake
  // in the mul_div product; 2^63 catches a signed comparison.
  return {0, 1, 2, 3, 0xffffffffull, 0x100000000ull, 0x100000001ull, 1ull << 63, (1ull << 63) - 1, (1ull << 63) + 1,
          l2::u64_max - 1, l2::u64_max, 1000000, 999999};
}

void expect_all(std::uint64_t a, std::uint64_t b, std::uint64_t d) {
  const u128 sum = static_cast<u128>(a) + b;
  EXPECT_EQ(l2::checked_add(a, b).overflow, sum > max64) << a << " + " << b;
  if (sum <= max64) {
    EXPECT_EQ(l2::checked_add(a, b).value, static_cast<std::uint64_t>(sum));
  }
  EXPECT_EQ(l2::checked_sub(a, b).overflow, a < b);
  if (a >= b) {
    EXPECT_EQ(l2::checked_sub(a, b).value, a - b);
  }
  const u128 product = static_cast<u128>(a) * b;
  EXPECT_EQ(l2::checked_mul(a, b).overflow, product > max64) << a << " * " << b;
  if (product <= max64) {
    EXPECT_EQ(l2::checked_mul(a, b).value, static_cast<std::uint64_t>(product));
  }
  const auto mul_div = l2::checked_mul_div(a, b, d);
  if (d == 0) {
    EXPECT_TRUE(mul_div.overflow);
  } else {
    const u128 quotient = product / d;
    EXPECT_EQ(mul_div.overflow, quotient > max64) << a << " * " << b << " / " << d;
    if (quotient <= max64) {
      EXPECT_EQ(mul_div.value, static_cast<std::uint64_t>(quotient));
    }
  }
}

TEST(PrimitivesChecked, BoundaryValuesMatchInt128) {
  for (auto a : boundary_values())
    for (auto b : boundary_values())
      for (auto d : boundary_values()) expect_all(a, b, d);
}

TEST(PrimitivesChecked, RandomValuesMatchInt128) {
  std::mt19937_64 rng(20261124);
  for (int i = 0; i < 200000; ++i) {
    // Mix full-width values with small ones so both overflow and exact results are common.
    const int shape = i % 4;
    const std::uint64_t a = shape == 0 ? rng() : rng() >> (rng() % 64);
    const std::uint64_t b = shape == 1 ? rng() : rng() >> (rng() % 64);
    const std::uint64_t d = rng() >> (rng() % 64);
    expect_all(a, b, d);
  }
}

}  // namespace
