// The verdicts of a model's obligations, for the model tests: each mechanism's model test proves
// every obligation of the unweakened model, and checks that a weakening refutes exactly the
// obligations its spec's weakening table names, each with a counterexample.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "l2/inv/obligation.hpp"

namespace l2::test {

// Each obligation's verdict by "invariant/transition", discharged with 60 s each, except the
// skipped names. No verdict may be unknown, no name may repeat, every counterexample is printed
// (not empty); with expect_proved, every verdict must be proved.
inline std::map<std::string, inv::Verdict> model_verdicts(const std::vector<inv::Obligation>& obligations,
                                                          bool expect_proved,
                                                          const std::set<std::string>& skipped = {}) {
  std::map<std::string, inv::Verdict> out;
  for (const inv::Obligation& obligation : obligations) {
    const std::string name = obligation.invariant + "/" + obligation.transition;
    if (skipped.contains(name)) continue;
    const inv::ObligationResult result = inv::discharge(obligation, std::chrono::seconds(60));
    EXPECT_FALSE(out.contains(name)) << name;
    out[name] = result.verdict;
    EXPECT_NE(result.verdict, inv::Verdict::unknown) << obligation.id() << ": " << result.reason;
    if (expect_proved) {
      EXPECT_EQ(result.verdict, inv::Verdict::proved) << obligation.id() << ": " << result.reason << result.counterexample;
    } else if (result.verdict == inv::Verdict::counterexample) {
      EXPECT_FALSE(result.counterexample.empty()) << obligation.id();
    }
  }
  return out;
}

// The contract invariant `invariant` has its initiation and a consecution against every op named in
// `ops` among `obligations`; returns the transitions it has a consecution against.
template <class Names>
std::set<std::string> expect_initiation_and_consecution(const std::vector<inv::Obligation>& obligations,
                                                        std::string_view invariant, const Names& ops) {
  std::set<std::string> seen;
  bool initiation = false;
  for (const inv::Obligation& o : obligations) {
    if (o.invariant != invariant) continue;
    if (o.kind == inv::Kind::initiation) initiation = true;
    if (o.kind == inv::Kind::consecution) seen.insert(o.transition);
  }
  EXPECT_TRUE(initiation) << invariant;
  for (std::string_view name : ops) EXPECT_TRUE(seen.contains(std::string(name))) << invariant << " against " << name;
  return seen;
}

// A model's two depths give the same obligations in the same order, each with the same statement
// but the bounded traces' (whose depth is in their statement).
inline void expect_same_obligations_at_both_depths(const std::vector<inv::Obligation>& small,
                                                   const std::vector<inv::Obligation>& full) {
  ASSERT_EQ(small.size(), full.size());
  for (std::size_t i = 0; i < small.size(); ++i) {
    EXPECT_EQ(small[i].id(), full[i].id());
    if (small[i].kind != inv::Kind::bmc) {
      EXPECT_EQ(small[i].statement, full[i].statement) << small[i].id();
    }
  }
}

// The names refuted: those with a counterexample.
inline std::set<std::string> refuted(const std::map<std::string, inv::Verdict>& results) {
  std::set<std::string> out;
  for (const auto& [name, verdict] : results)
    if (verdict == inv::Verdict::counterexample) out.insert(name);
  return out;
}

}  // namespace l2::test
