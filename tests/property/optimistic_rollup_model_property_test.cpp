// Trace validation of the optimistic rollup's Z3 model: seeded random traces of reference contract
// calls (deploy, stake, deposits, honest and fraudulent batches, honest, copied and junk challenges
// and proofs, finalize, withdrawals), each step replayed through the model with every input and
// verdict fixed to the reference's value. The model must admit exactly the reference's outcome:
// the same error code, and on success the same post-state (the model's abstraction of it) and
// payout. A property case is one seed's traces; RapidCheck picks the seeds.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <string>

#include "l2/inv/optimistic_rollup_model.hpp"
#include "l2/ref/optimistic_rollup.hpp"

namespace {

namespace model = l2::inv::optimistic_rollup;

constexpr std::size_t traces_per_case = 2;
constexpr std::size_t max_steps = 30;

std::string failures(const model::TraceValidation& report) {
  std::string out;
  for (const auto& failure : report.failures) out += failure + "\n";
  return out;
}

TEST(OptimisticRollupModelTraces, AFixedSeedAgreesStepByStep) {
  const auto report = model::validate_random_traces(20261124, 20, max_steps);
  EXPECT_EQ(report.traces, 20u);
  EXPECT_GT(report.accepted, report.traces);  // traces go beyond deploy
  EXPECT_EQ(report.disagreements, 0u) << failures(report);
}

RC_GTEST_PROP(OptimisticRollupModelTraces, TheModelAdmitsExactlyTheReferenceOutcome, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto report = model::validate_random_traces(seed, traces_per_case, max_steps);
  RC_TAG(report.accepted > report.traces ? "past deploy" : "deploy only");
  RC_ASSERT(report.disagreements == 0u);
}

}  // namespace

namespace {

// The check has teeth: a stake the reference accepts, compared with a wrong outcome, is refused.
TEST(OptimisticRollupModelTraces, TheCheckerRefusesAnOutcomeTheModelDoesNotAdmit) {
  model::ConcreteChecker checker;
  const model::ConcreteConfig config{100, 5, 50, 2, 4, 3, 10, /*operator_key=*/1, /*genesis_root=*/2};
  model::ConcreteContract pre;
  pre.next_account_index = 1;
  pre.last_root = 2;
  model::ConcreteCall call;
  call.op = model::ContractOp::stake;
  call.height = 7;
  call.caller = 1;
  call.value = 100;
  model::ConcreteOutcome expected{0, pre, 0};
  expected.post.stake = 100;
  expected.post.staked = true;
  expected.post.unlock = 12;
  expected.post.holdings = 100;
  EXPECT_EQ(checker.check(config, pre, call, expected), "");
  model::ConcreteOutcome wrong_code = expected;
  wrong_code.error = static_cast<std::uint8_t>(l2::RollupError::not_operator);
  wrong_code.post = pre;
  EXPECT_NE(checker.check(config, pre, call, wrong_code), "");
  model::ConcreteOutcome wrong_post = expected;
  wrong_post.post.unlock = 11;
  EXPECT_NE(checker.check(config, pre, call, wrong_post), "");
  EXPECT_EQ(checker.check_deploy(config, 0), "");
  model::ConcreteConfig invalid = config;
  invalid.resolution_period_blocks = 1;
  EXPECT_EQ(checker.check_deploy(invalid, static_cast<std::uint8_t>(l2::RollupError::config_invalid)), "");
  EXPECT_NE(checker.check_deploy(invalid, 0), "");
}

TEST(OptimisticRollupModelTraces, TracesReachEveryEntryPointAndFraudConfirmations) {
  const auto report = model::validate_random_traces(7, 150, 40);
  EXPECT_EQ(report.disagreements, 0u) << failures(report);
  for (const auto& [outcome, count] : report.outcomes) std::printf("%6zu  %s\n", count, outcome.c_str());
  for (const char* op : {"stake", "unstake", "claim_rewards", "deposit_new_account", "deposit_top_up", "submit_batch",
                         "open_challenge", "resolve_challenge", "expire_challenge", "withdraw_challenge", "finalize",
                         "pay_withdrawal"})
    EXPECT_TRUE(report.outcomes.count(std::string(op) + ": ok") ||
                report.outcomes.count(std::string(op) + ": ok (fraud confirmed)"))
        << op << " never accepted";
  for (const char* outcome : {"resolve_challenge: ok (fraud confirmed)", "resolve_challenge: ok (challenge rejected)",
                              "resolve_challenge: OR_REVEAL_TOO_EARLY", "resolve_challenge: OR_EVIDENCE_MISMATCH",
                              "open_challenge: OR_CHALLENGE_DUPLICATE", "pay_withdrawal: OR_PAY_ESCROW_INSUFFICIENT",
                              "deploy: OR_CONFIG_INVALID"})
    EXPECT_TRUE(report.outcomes.count(outcome)) << outcome << " never reached";
}

}  // namespace
