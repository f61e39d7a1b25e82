// Trace validation of the optimistic rollup's Z3 model: seeded random traces of reference contract
// calls (deploy, stake, deposits, forced exits, honest and fraudulent batches, honest, copied and junk
// challenges and proofs, finalize, withdrawals, freeze, exits and reclaims), each step run through the
// model's engine, which must give exactly the reference's outcome (error code, post-state, payouts and
// resolutions); every apply_tx a batch is built from and every fraud proof revealed goes through the
// engine's stateless ops too. A property case is one seed's trace; RapidCheck picks the seeds. The
// audit (`./l2 audit`) runs 800 longer traces (spec/README.md#ci).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <string>

#include "l2/inv/optimistic_rollup_model.hpp"
#include "l2/test/first_disagreeing_trace.hpp"

namespace {

namespace model = l2::inv::optimistic_rollup;

constexpr std::size_t traces_per_case = 1;
constexpr std::size_t max_steps = 25;

std::string failures(const model::TraceValidation& report) {
  std::string out;
  for (const auto& failure : report.failures) out += failure + "\n";
  return out;
}

TEST(OptimisticRollupModelTraces, AFixedSeedAgreesStepByStep) {
  const auto report = model::validate_random_traces(20261124, 20, max_steps);
  EXPECT_EQ(report.traces, 20u);
  EXPECT_GT(report.accepted, report.traces);  // traces go beyond deploy
  EXPECT_GT(report.stateless_steps, 0u);
  EXPECT_EQ(report.disagreements, 0u) << failures(report);
}

// The seed on which RapidCheck found the model and the reference disagreeing: a confirmed fraud
// whose bond was UINT64_MAX - 1 recorded bond + reward, which wrapped in the reference's u64
// (the resolution now records refunded_bond and reward apart).
TEST(OptimisticRollupModelTraces, TheSeedThatFoundTheWrappingResolutionAgrees) {
  // The two traces of that seed, as the property ran it then.
  const auto report = model::validate_random_traces(111793468513549585ull, 2, max_steps);
  EXPECT_EQ(report.disagreements, 0u) << failures(report);
}

// The first trace on which the engine and the reference disagree is printed in full, from deploy
// (step 0) to its last step: an engine weakened to finalize over open challenges [OR-FIN-3]
// disagrees on the seeded traces, and the unweakened one prints no trace.
TEST(OptimisticRollupModelTraces, TheFirstDisagreeingTraceIsPrintedInFull) {
  const auto weakened = model::validate_random_traces(7, 15, 40, {}, model::Weakening::finalize_ignores_open_challenges);
  ASSERT_GT(weakened.disagreements, 0u);
  l2::test::expect_printed_in_full(weakened.first_disagreeing_trace, weakened.failures, weakened.disagreements, 1);
  EXPECT_NE(weakened.first_disagreeing_trace.front().find("step 0: deploy {"), std::string::npos);
  bool finalize_marked = false;
  for (const std::string& line : weakened.first_disagreeing_trace)
    finalize_marked = finalize_marked || (line.find(": finalize {") != std::string::npos && line.find("<- disagreement") != std::string::npos);
  EXPECT_TRUE(finalize_marked) << "the weakened rule is finalize's";
  EXPECT_TRUE(model::validate_random_traces(7, 5, 40).first_disagreeing_trace.empty());
}

RC_GTEST_PROP(OptimisticRollupModelTraces, TheModelGivesExactlyTheReferenceOutcome, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto report = model::validate_random_traces(seed, traces_per_case, max_steps);
  RC_TAG(report.accepted > report.traces ? "past deploy" : "deploy only");
  RC_LOG() << failures(report);
  RC_ASSERT(report.disagreements == 0u);
}

// The traces reach every entry point's acceptance, and the outcomes the adversarial review is about.
TEST(OptimisticRollupModelTraces, TracesReachEveryEntryPointAndTheAttacksOutcomes) {
  const auto report = model::validate_random_traces(7, 120, 40);
  EXPECT_EQ(report.disagreements, 0u) << failures(report);
  for (const auto& [outcome, count] : report.outcomes) std::printf("%6zu  %s\n", count, outcome.c_str());
  for (std::string_view op : l2::ref::optimistic_rollup::Operations::names) {
    bool accepted = false;
    for (const auto& [outcome, count] : report.outcomes)
      accepted = accepted || outcome.rfind(std::string(op) + ": ok", 0) == 0;
    EXPECT_TRUE(accepted) << op << " never accepted";
  }
  for (const char* outcome :
       {"resolve_challenge: ok (fraud_confirmed)", "resolve_challenge: ok (challenge_rejected)",
        "resolve_challenge: OR_REVEAL_TOO_EARLY", "resolve_challenge: OR_EVIDENCE_MISMATCH",
        "open_challenge: OR_CHALLENGE_DUPLICATE", "open_challenge: OR_CHALLENGE_TOO_LATE",
        "submit_batch: OR_BATCH_WRONG_EPOCH", "submit_batch: OR_BATCH_ORIGIN_STALE", "submit_batch: OR_BATCH_ORIGIN_IN_FUTURE",
        "freeze: ok", "freeze: OR_FREEZE_NOT_OVERDUE", "exit: ok", "reclaim_deposit: ok", "deploy: OR_CONFIG_SLASH"})
    EXPECT_TRUE(report.outcomes.count(outcome)) << outcome << " never reached";
}

}  // namespace
