// GoogleTest assertions for reflected values: on failure they print l2::reflect::diff, one line
// per differing field, instead of two opaque objects.
//
//   L2_EXPECT_FIELDS_EQ(expected_state, actual_state);
//   // expected_state and actual_state differ:
//   // balances[1].amount: expected_state 5 != actual_state 6
#pragma once

#include <gtest/gtest.h>

#include "l2/ref/reflect.hpp"

namespace l2::test {

template <class T>
::testing::AssertionResult fields_equal(const char* expression_a, const char* expression_b, const T& a, const T& b) {
  if (l2::reflect::equal(a, b)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << expression_a << " and " << expression_b << " differ:\n"
                                       << l2::reflect::diff(a, b, expression_a, expression_b);
}

}  // namespace l2::test

#define L2_EXPECT_FIELDS_EQ(a, b) EXPECT_PRED_FORMAT2(::l2::test::fields_equal, a, b)
#define L2_ASSERT_FIELDS_EQ(a, b) ASSERT_PRED_FORMAT2(::l2::test::fields_equal, a, b)
