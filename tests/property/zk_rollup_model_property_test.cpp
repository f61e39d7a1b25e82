// Trace validation of the ZK rollup's Z3 model with fresh seeds: RapidCheck picks each case's seed,
// and the case replays that seed's random trace of reference contract calls (deploy, deposits,
// forced withdrawals, honest and broken batches, honest and wrong proofs, executions, reverts,
// exodus, exits, mass exits, refunds and payments) through the model's engine, which must give
// exactly the reference's outcome (error code, post-state, payouts) at every step inside its bounds.
// The unit test (zk_rollup_model_test) runs one fixed seed; the audit (`./l2 audit`) runs 800 longer
// traces (zk_rollup.md#the-model-engine-and-trace-validation).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "l2/inv/zk_rollup_model.hpp"

namespace {

namespace model = l2::inv::zk_rollup;

constexpr std::size_t traces_per_case = 1;
constexpr std::size_t max_steps = 25;

std::string failures(const model::TraceValidation& report) {
  std::string out;
  for (const auto& failure : report.failures) out += failure + "\n";
  for (const auto& line : report.first_disagreeing_trace) out += line + "\n";
  return out;
}

RC_GTEST_PROP(ZkRollupModelTraces, TheModelGivesExactlyTheReferenceOutcome, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto report = model::validate_random_traces(seed, traces_per_case, max_steps);
  RC_ASSERT(report.traces == traces_per_case);
  RC_TAG(report.accepted > report.traces ? "past deploy" : "deploy only");
  RC_TAG(report.not_applicable > 0 ? "some steps outside the bounds" : "every step compared");
  RC_LOG() << "seed " << seed << "\n" << failures(report);
  RC_ASSERT(report.disagreements == 0u);
}

}  // namespace
