// Checks that a mechanism's error enum and its spec's rule table agree: every error code has a
// distinct code and rule ID, its row `| RULE-ID | CODE |` is in the spec, and the spec has no rule
// row beyond them (each rule has exactly one error code).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "l2/ref/errors.hpp"

namespace l2::test {

// spec/<file> from the source tree (L2_SOURCE_DIR at run time, else the configure-time path).
inline std::string read_spec(std::string_view file) {
  const char* dir = std::getenv("L2_SOURCE_DIR");
  std::ifstream in(std::string(dir != nullptr ? dir : L2_TEST_SOURCE_DIR) + "/spec/" + std::string(file));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `rule_prefix` is the rules' family, e.g. "PC" matches rows `| PC-UPD-2 | ...`.
template <class Errors>
void expect_rule_table_matches(const Errors& all_errors, std::string_view spec_file, std::string_view rule_prefix) {
  const std::string spec = read_spec(spec_file);
  ASSERT_FALSE(spec.empty()) << "cannot read spec/" << spec_file;
  std::set<std::string_view> codes, rules;
  for (const auto e : all_errors) {
    const ErrorInfo info = error_info(e);
    EXPECT_TRUE(codes.insert(info.code).second) << info.code;
    EXPECT_TRUE(rules.insert(info.rule_id).second) << info.rule_id;
    const std::string row = "| " + std::string(info.rule_id) + " | " + std::string(info.code) + " |";
    EXPECT_NE(spec.find(row), std::string::npos) << "spec/" << spec_file << " has no rule row " << row;
  }
  const std::regex rule_row("\n\\| (" + std::string(rule_prefix) + "-[A-Z]+-[0-9]+) \\| ");
  std::size_t rows = 0;
  for (auto it = std::sregex_iterator(spec.begin(), spec.end(), rule_row); it != std::sregex_iterator(); ++it) ++rows;
  EXPECT_EQ(rows, all_errors.size()) << "every rule row has exactly one error code";
}

}  // namespace l2::test
