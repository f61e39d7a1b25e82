// The prover proves the true claims and refutes a deliberately broken one: an obligation that
// could never fail would prove nothing.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"
#include "l2/vectors/registry.hpp"

namespace {

using namespace std::chrono_literals;

TEST(InvariantsProver, EveryPrimitiveObligationIsProved) {
  for (const auto& obligation : l2::inv::primitives_obligations()) {
    const auto result = l2::inv::discharge(obligation, 300s);
    EXPECT_EQ(result.verdict, l2::inv::Verdict::proved) << obligation.id() << ": " << result.reason << result.counterexample;
  }
}

TEST(InvariantsProver, AnOffByOneOverflowCheckIsRefutedWithACounterexample) {
  // The classic bug: `a >= max - b` rejects a + b == max, which fits.
  l2::inv::Obligation weakened;
  weakened.mechanism = "primitives";
  weakened.invariant = "overflow_detected_exactly";
  weakened.transition = "checked_add_off_by_one";
  weakened.statement = "a deliberately wrong overflow test";
  weakened.assert_negation = [](z3::context& ctx, z3::solver& s) {
    const z3::expr a = ctx.bv_const("a", 64), b = ctx.bv_const("b", 64);
    const z3::expr buggy_overflow = z3::uge(a, ctx.bv_val(static_cast<std::uint64_t>(-1), 64) - b);
    const z3::expr true_overflow = (z3::zext(a, 1) + z3::zext(b, 1)).extract(64, 64) == ctx.bv_val(1, 1);
    s.add(buggy_overflow != true_overflow);
  };
  const auto result = l2::inv::discharge(weakened, 60s);
  ASSERT_EQ(result.verdict, l2::inv::Verdict::counterexample);
  EXPECT_NE(result.counterexample.find("a = "), std::string::npos) << result.counterexample;
  EXPECT_NE(result.counterexample.find("b = "), std::string::npos) << result.counterexample;
}

TEST(InvariantsProver, ATimeoutIsUnknownNeverProved) {
  l2::inv::Obligation hard;
  hard.mechanism = "primitives";
  hard.invariant = "multiplier_equivalence";
  hard.transition = "timeout_probe";
  hard.statement = "commutativity of a 64x64 multiplication via division: too hard in 1 ms";
  hard.assert_negation = [](z3::context& ctx, z3::solver& s) {
    const z3::expr a = ctx.bv_const("a", 64), b = ctx.bv_const("b", 64);
    s.add(a != ctx.bv_val(0, 64) && z3::udiv(a * b, a) != b && z3::ule(z3::zext(a, 64) * z3::zext(b, 64), ctx.bv_val(static_cast<std::uint64_t>(-1), 128)));
  };
  const auto result = l2::inv::discharge(hard, 1ms);
  EXPECT_NE(result.verdict, l2::inv::Verdict::proved);
}

// A claim whose hypotheses contradict each other is "proved" by any solver; the premise check
// turns that into a failure.
TEST(InvariantsProver, AVacuousProofIsAFailure) {
  l2::inv::Obligation vacuous;
  vacuous.mechanism = "primitives";
  vacuous.invariant = "nonsense";
  vacuous.transition = "vacuity_probe";
  vacuous.statement = "every u64 below zero is above UINT64_MAX - 1";
  const auto hypotheses = [](z3::context& ctx, z3::solver& s) {
    s.add(z3::ult(ctx.bv_const("a", 64), ctx.bv_val(0, 64)));
  };
  vacuous.assert_negation = [hypotheses](z3::context& ctx, z3::solver& s) {
    hypotheses(ctx, s);
    s.add(!z3::ugt(ctx.bv_const("a", 64), ctx.bv_val(static_cast<std::uint64_t>(-2), 64)));
  };
  EXPECT_EQ(l2::inv::discharge(vacuous, 60s).verdict, l2::inv::Verdict::proved) << "without a premise check it passes";
  vacuous.assert_premise = hypotheses;
  const auto result = l2::inv::discharge(vacuous, 60s);
  EXPECT_EQ(result.verdict, l2::inv::Verdict::unknown);
  EXPECT_NE(result.reason.find("vacuous"), std::string::npos) << result.reason;
}

// Every mechanism obligation states its premises, so none can pass vacuously.
TEST(InvariantsProver, MechanismObligationsCarryPremises) {
  for (const auto& obligation : l2::vectors::all_obligations())
    if (obligation.mechanism != "primitives") {
      EXPECT_TRUE(static_cast<bool>(obligation.assert_premise)) << obligation.id();
    }
}

// Every obligation of every registered model, at both depths and against every weakening, says its
// premise in words for the audit report: text of its own, not a copy of its statement, on one line.
TEST(InvariantsProver, EveryRegisteredObligationStatesItsPremiseInWords) {
  const std::vector<l2::inv::ModelEntry> models = l2::vectors::models();
  std::set<std::string> mechanisms;
  std::size_t checked = 0, weakened = 0;
  auto check = [&](const std::vector<l2::inv::Obligation>& obligations, const std::string& list) {
    EXPECT_FALSE(obligations.empty()) << list;
    for (const l2::inv::Obligation& obligation : obligations) {
      ++checked;
      mechanisms.insert(obligation.mechanism);
      const std::string where = list + ": " + obligation.id();
      EXPECT_FALSE(obligation.premise.empty()) << where;
      EXPECT_NE(obligation.premise, obligation.statement) << where;
      EXPECT_EQ(obligation.premise.find(obligation.statement), std::string::npos) << where << " copies its statement";
      EXPECT_EQ(obligation.premise.find('\n'), std::string::npos) << where << " (one line: to_smt2 writes it as a comment)";
    }
    // The SMT-LIB2 export carries it too (one per list: building every script takes a minute).
    if (!obligations.empty()) {
      EXPECT_NE(l2::inv::to_smt2(obligations.front()).find("; premise: " + obligations.front().premise + "\n"),
                std::string::npos)
          << list;
    }
  };
  for (const l2::inv::ModelEntry& model : models) {
    check(model.obligations(l2::inv::Depth::small), model.mechanism + " at small depth");
    check(model.obligations(l2::inv::Depth::full), model.mechanism + " at full depth");
    for (const std::string& name : model.weakenings) {
      check(model.weakened(name), model.mechanism + " weakened by " + name);
      ++weakened;
    }
  }
  // Every registered mechanism was reached, weakened lists included: the loop above cannot pass empty.
  EXPECT_EQ(mechanisms.size(), models.size());
  EXPECT_GE(models.size(), 10u);
  EXPECT_GE(weakened, 20u);
  EXPECT_GE(checked, 2 * l2::vectors::all_obligations().size());
}

TEST(InvariantsProver, ObligationIdsAreFileSafeAndUnique) {
  std::set<std::string> ids;
  for (const auto& obligation : l2::vectors::all_obligations()) {
    const std::string id = obligation.id();
    EXPECT_TRUE(ids.insert(id).second) << id;
    EXPECT_EQ(id.find_first_of("/ \\:"), std::string::npos) << id;
    EXPECT_NE(l2::inv::to_smt2(obligation).find("(check-sat)"), std::string::npos);
  }
}

}  // namespace
