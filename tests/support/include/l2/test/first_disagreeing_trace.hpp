// The check a weakened model's trace validation is held to (spec/audit_report.md#trace-validation):
// its first disagreeing trace is printed in full, so that an auditor can replay it from its start.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <string_view>
#include <string>
#include <vector>

namespace l2::test {

// `trace` (a TraceValidation's first_disagreeing_trace) opens with its start line ("trace N..."),
// then holds every step in order ("step S at height H: ..."), numbered from `first_step` on; its
// disagreements are marked and are the same trace's first entries in `failures` (which
// name "trace N step S"); `disagreements` is the run's total.
inline void expect_printed_in_full(const std::vector<std::string>& trace, const std::vector<std::string>& failures,
                                   std::size_t disagreements, std::size_t first_step) {
  constexpr std::string_view marker = "  <- disagreement";
  ASSERT_FALSE(trace.empty()) << "the run disagreed " << disagreements << " times but printed no trace";
  ASSERT_FALSE(failures.empty());
  ASSERT_EQ(trace.front().rfind("trace ", 0), 0u) << trace.front();
  const std::string trace_number = trace.front().substr(6, trace.front().find_first_of(",:") - 6);
  ASSERT_EQ(failures.front().rfind("trace " + trace_number + " step ", 0), 0u)
      << "the first failure is not in the printed trace: " << failures.front() << " vs " << trace.front();
  std::size_t marked = trace.front().find(marker) != std::string::npos ? 1 : 0;
  std::size_t steps = 0;
  std::size_t next = first_step;  // the least number the next step line may have
  for (std::size_t i = 1; i < trace.size(); ++i) {
    const std::string& line = trace[i];
    if (line.find(marker) != std::string::npos) ++marked;
    ASSERT_EQ(line.rfind("step ", 0), 0u) << "line " << i << ": " << line;
    const std::size_t number = std::stoul(line.substr(5));
    if (line.find(" at height ") == 5 + std::to_string(number).size()) {
      // A step, after the one before (a generator may skip a step it could not build an input for).
      EXPECT_GE(number, next) << "line " << i << " out of order: " << line;
      next = number + 1;
      ++steps;
      EXPECT_NE(line.find(": reference "), std::string::npos) << line;
      EXPECT_NE(line.find(", model "), std::string::npos) << line;
    } else {
      // A check made while the next step's input was built: it names that step.
      EXPECT_GE(number, next) << "line " << i << " out of order: " << line;
    }
  }
  EXPECT_GT(steps, 0u) << "no step printed";
  std::size_t in_this_trace = 0;
  for (const std::string& failure : failures) in_this_trace += failure.rfind("trace " + trace_number + " step ", 0) == 0 ? 1 : 0;
  EXPECT_GE(marked, 1u);
  // The failures list holds at most ten lines: every one of them from this trace is marked in it.
  EXPECT_GE(marked, in_this_trace);
  EXPECT_LE(marked, disagreements);
}

}  // namespace l2::test
