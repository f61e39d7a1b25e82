// A RapidCheck property run inside a GoogleTest test, as RC_GTEST_PROP runs one, but with a chosen
// number of cases and, where a check must not depend on the draw, a fixed seed.
//
// RC_GTEST_PROP draws a fresh seed on every run (unless RC_PARAMS names one): good for agreement
// checks, which any seed may refute. A coverage check ("every rule was the reason for some
// rejection") is different: on a fresh seed a rare rule may go unreached by bad luck, and the
// check would fail with nothing wrong. dex_channel_differential_test's did, in about one run in a
// hundred (DX_SWAP_ZERO). So coverage checks run their properties from coverage_seed: whether a
// rule is reached is then a fact about the generators, the same on every run.
#pragma once

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

namespace l2::test {

// The seed of every coverage run. Any seed would do: the generators reach every rule on almost all.
inline constexpr std::uint64_t coverage_seed = 20261206;

// Runs `property` on `cases` cases, from `seed` or, without one, from the seed as configured (fresh
// unless RC_PARAMS names one). A falsified property fails the current test with RapidCheck's
// message; a passing one prints its distribution, as RC_GTEST_PROP does.
template <class Property>
void check_property(const Property& property, int cases, std::optional<std::uint64_t> seed = std::nullopt) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  rc::detail::TestMetadata metadata;
  metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
  metadata.description = info->name();
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = cases;
  if (seed) params.seed = *seed;
  const rc::detail::TestResult result = rc::detail::checkTestable(property, metadata, params);
  std::ostringstream message;
  rc::detail::printResultMessage(result, message);
  if (!result.template is<rc::detail::SuccessResult>()) FAIL() << message.str();
  std::cout << message.str() << std::endl;
}

}  // namespace l2::test
