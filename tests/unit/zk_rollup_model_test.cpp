// The ZK rollup's Z3 model (spec: zk_rollup.md#obligations): every obligation is proved at the small
// depth with a satisfiable premise, every contract invariant has its initiation and a consecution
// against every op of the reference's table, and each weakening is refuted exactly by the
// obligations the spec's weakening table names, each with a counterexample, while the others of the
// weakened ops still hold.
#include "l2/inv/zk_rollup_model.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "l2/ref/zk_rollup_contract.hpp"
#include "l2/test/model_verdicts.hpp"

namespace {

namespace model = l2::inv::zk_rollup;
namespace zk = l2::ref::zk_rollup;
using l2::inv::Depth;
using l2::inv::Verdict;
using l2::test::refuted;

// A weakening changes the rules of a few ops; the obligations of the others are the unweakened
// formulas, proved at the same depth by the first test. So here only the obligations against the
// weakened ops (and the ones the spec names) are discharged; `l2spec prove --weaken zk_rollup:<name>`
// in the audit discharges every one.
std::map<std::string, Verdict> verdicts_of(model::Weakening weakening, const std::set<std::string>& transitions,
                                           const std::set<std::string>& invariants = {}) {
  std::set<std::string> others;
  for (const l2::inv::Obligation& o : model::obligations(weakening, Depth::small))
    if (!transitions.contains(o.transition) && !invariants.contains(o.invariant))
      others.insert(o.invariant + "/" + o.transition);
  const auto results = l2::test::model_verdicts(model::obligations(weakening, Depth::small), false, others);
  EXPECT_FALSE(results.empty());
  return results;
}

TEST(ZkRollupModel, EveryObligationIsProvedWithASatisfiablePremise) {
  const auto obligations = model::obligations(model::Weakening::none, Depth::small);
  // 9 invariants by initiation and 12 consecutions, 4 pipeline safety claims, exodus_exactly_on_expiry
  // against the 11 ops other than pay_withdrawal, honest_user_exits.
  EXPECT_EQ(obligations.size(), 9u * 13u + 4u + 11u + 1u);
  for (const l2::inv::Obligation& obligation : obligations) {
    EXPECT_EQ(obligation.mechanism, "zk_rollup");
    EXPECT_TRUE(static_cast<bool>(obligation.assert_premise)) << obligation.id();
    EXPECT_FALSE(obligation.premise.empty()) << obligation.id();
  }
  const auto results = l2::test::model_verdicts(obligations, true);
  EXPECT_EQ(results.size(), obligations.size());
  EXPECT_TRUE(refuted(results).empty());
}

TEST(ZkRollupModel, EveryContractInvariantHasInitiationAndConsecutionForEveryOpOfTheTable) {
  const auto obligations = model::obligations(model::Weakening::none, Depth::small);
  for (const char* invariant : {"counters_ordered", "batches_chain", "priority_in_order", "verified_only_by_proof",
                                "executed_is_final", "exodus_is_final", "exits_once", "conservation",
                                "exodus_conservation"}) {
    std::set<std::string> seen;
    bool initiation = false;
    for (const l2::inv::Obligation& o : obligations) {
      if (o.invariant != invariant) continue;
      if (o.kind == l2::inv::Kind::initiation) initiation = true;
      if (o.kind == l2::inv::Kind::consecution) seen.insert(o.transition);
    }
    EXPECT_TRUE(initiation) << invariant;
    for (std::string_view name : zk::Operations::names) EXPECT_TRUE(seen.contains(std::string(name))) << invariant << " against " << name;
  }
}

TEST(ZkRollupModel, BothDepthsGiveTheSameObligationsAndOnlyTheTraceDiffers) {
  const auto small = model::obligations(model::Weakening::none, Depth::small);
  const auto full = model::obligations(model::Weakening::none, Depth::full);
  ASSERT_EQ(small.size(), full.size());
  for (std::size_t i = 0; i < small.size(); ++i) {
    EXPECT_EQ(small[i].id(), full[i].id());
    if (small[i].kind != l2::inv::Kind::bmc) {
      EXPECT_EQ(small[i].statement, full[i].statement) << small[i].id();
    }
  }
  EXPECT_LT(model::honest_user_exits_depth(Depth::small), model::honest_user_exits_depth(Depth::full));
}

TEST(ZkRollupModel, ExecutionBeforeVerificationExecutesAnUnprovedBatch) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::execute_before_verify, {"execute_batch"})),
            (std::set<std::string>{"counters_ordered/execute_batch", "no_unverified_execution/execute_batch",
                                   "priority_exactly_once/execute_batch"}));
}

TEST(ZkRollupModel, APublicInputWithoutThePriorityOpsHashLetsABatchSkipADeposit) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::public_input_omits_priority_ops,
                                {"execute_batch", "commit_batch", "public_input"})),
            (std::set<std::string>{"priority_exactly_once/execute_batch", "public_input_binds/public_input"}));
}

TEST(ZkRollupModel, ASecondExodusExitTakesAnotherUsersShare) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::exodus_exit_twice, {"exodus_withdraw", "exodus_withdraw_many"})),
            (std::set<std::string>{"exits_once/exodus_withdraw", "exits_once/exodus_withdraw_many",
                                   "exodus_conservation/exodus_withdraw", "exodus_conservation/exodus_withdraw_many"}));
}

// The expiry rule is read by every live op and by activate_exodus; the invariants do not read it
// (their consecutions against those ops hold whatever a rule refuses), so the claims about expiry
// are the ones discharged.
TEST(ZkRollupModel, AnExclusiveExpiryLetsAnExecutionServeAnExpiredRequest) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::expiry_exclusive, {"activate_exodus"},
                                {"exodus_exactly_on_expiry", "honest_user_exits"})),
            (std::set<std::string>{"exodus_exactly_on_expiry/deposit_new_account", "exodus_exactly_on_expiry/deposit_top_up",
                                   "exodus_exactly_on_expiry/request_forced_withdrawal",
                                   "exodus_exactly_on_expiry/commit_batch", "exodus_exactly_on_expiry/prove_batches",
                                   "exodus_exactly_on_expiry/execute_batch", "exodus_exactly_on_expiry/revert_batches",
                                   "exodus_exactly_on_expiry/activate_exodus", "honest_user_exits/trace"}));
}

TEST(ZkRollupModel, RevertingAVerifiedBatchRemovesAProvedState) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::revert_verified, {"revert_batches"})),
            (std::set<std::string>{"counters_ordered/revert_batches", "revert_only_unverified/revert_batches",
                                   "executed_is_final/revert_batches"}));
}

TEST(ZkRollupModel, WeakeningsHaveNamesThatParseBack) {
  for (const model::Weakening w : model::all_weakenings) EXPECT_EQ(model::parse_weakening(model::weakening_name(w)), w);
  EXPECT_EQ(model::parse_weakening("none"), model::Weakening::none);
  EXPECT_FALSE(model::parse_weakening("no_such_weakening").has_value());
  const l2::inv::ModelEntry entry = model::registry_entry();
  EXPECT_EQ(entry.mechanism, "zk_rollup");
  EXPECT_EQ(entry.weakenings.size(), model::all_weakenings.size());
  EXPECT_EQ(entry.obligations(Depth::small).size(), entry.obligations(Depth::full).size());
}

}  // namespace
