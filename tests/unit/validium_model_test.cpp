// The validium's Z3 model (spec: validium.md#obligations): every obligation is proved at the small
// depth with a satisfiable premise, every invariant has its initiation and a consecution against
// every op of the reference's table, and each weakening is refuted exactly by the obligations the
// spec's weakening table names, each with a counterexample, while the others of the weakened ops
// still hold.
#include "l2/inv/validium_model.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "l2/ref/validium.hpp"
#include "l2/test/model_verdicts.hpp"

namespace {

namespace model = l2::inv::validium;
namespace vd = l2::ref::validium;
using l2::inv::Depth;
using l2::inv::Verdict;
using l2::test::refuted;

// A weakening changes the rules of one op; the obligations that do not read it are the unweakened
// formulas, proved at the same depth by the first test. So here only the obligations against the
// weakened op, and those whose steps may be it (committed_only_if_attested's first step, the
// traces), are discharged; `l2spec prove --weaken validium:<name>` in the audit discharges every one.
std::map<std::string, Verdict> verdicts_of(model::Weakening weakening, std::set<std::string> transitions) {
  transitions.insert("commit_batch");
  transitions.insert("trace");
  std::set<std::string> others;
  for (const l2::inv::Obligation& o : model::obligations(weakening, Depth::small))
    if (!transitions.contains(o.transition)) others.insert(o.invariant + "/" + o.transition);
  const auto results = l2::test::model_verdicts(model::obligations(weakening, Depth::small), false, others);
  EXPECT_FALSE(results.empty());
  return results;
}

TEST(ValidiumModel, EveryObligationIsProvedWithASatisfiablePremise) {
  const auto obligations = model::obligations(model::Weakening::none, Depth::small);
  // 5 invariants by initiation and 15 consecutions, da_threshold_distinct, committed_only_if_attested,
  // distrusting_user_leaves, honest_user_freezes.
  EXPECT_EQ(obligations.size(), 5u * 16u + 4u);
  for (const l2::inv::Obligation& obligation : obligations) {
    EXPECT_EQ(obligation.mechanism, "validium");
    EXPECT_TRUE(static_cast<bool>(obligation.assert_premise)) << obligation.id();
    EXPECT_FALSE(obligation.premise.empty()) << obligation.id();
  }
  const auto results = l2::test::model_verdicts(obligations, true);
  EXPECT_EQ(results.size(), obligations.size());
  EXPECT_TRUE(refuted(results).empty());
}

TEST(ValidiumModel, EveryInvariantHasInitiationAndConsecutionForEveryOpOfTheTable) {
  const auto obligations = model::obligations(model::Weakening::none, Depth::small);
  for (const char* invariant : {"committee_well_formed", "attestations_by_current_committee", "rotation_after_delay",
                                "data_mode_fixed", "queue_in_order"}) {
    const auto seen = l2::test::expect_initiation_and_consecution(obligations, invariant, vd::Operations::names);
    EXPECT_EQ(seen.size(), vd::Operations::count) << invariant;
  }
}

TEST(ValidiumModel, BothDepthsGiveTheSameObligationsAndOnlyTheTracesDiffer) {
  l2::test::expect_same_obligations_at_both_depths(model::obligations(model::Weakening::none, Depth::small),
                                                   model::obligations(model::Weakening::none, Depth::full));
  EXPECT_LT(model::distrusting_user_leaves_depth(Depth::small), model::distrusting_user_leaves_depth(Depth::full));
  EXPECT_LT(model::honest_user_freezes_depth(Depth::small), model::honest_user_freezes_depth(Depth::full));
}

TEST(ValidiumModel, AThresholdCountingDuplicatesLetsOneMemberAttestAlone) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::threshold_counts_duplicates, {"verify_availability"})),
            (std::set<std::string>{"da_threshold_distinct/verify_availability",
                                   "attestations_by_current_committee/verify_availability",
                                   "committed_only_if_attested/commit_batch"}));
}

TEST(ValidiumModel, AttestationsSurvivingARotationLetTheOldCommitteePreSign) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::attestations_survive_rotation, {"activate_rotation"})),
            (std::set<std::string>{"attestations_by_current_committee/activate_rotation",
                                   "committed_only_if_attested/commit_batch"}));
}

TEST(ValidiumModel, ARotationWithoutDelayTakesOverBeforeAUserCanLeave) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::rotation_without_delay, {"activate_rotation"})),
            (std::set<std::string>{"rotation_after_delay/activate_rotation", "distrusting_user_leaves/trace"}));
}

// The audit report shows a counterexample as one step, its values grouped by the role their names
// give them: every value of each weakening's counterexamples is named `pre.`, `in.` (a trace's steps
// `in.step<N>.`), `env.` or `post.`, and the one- and two-step ones show the state after the step.
TEST(ValidiumModel, CounterexampleValuesAreNamedByTheirRoleInTheStep) {
  const std::map<model::Weakening, std::set<std::string>> refuting = {
      {model::Weakening::threshold_counts_duplicates,
       {"da_threshold_distinct/verify_availability", "attestations_by_current_committee/verify_availability",
        "committed_only_if_attested/commit_batch"}},
      {model::Weakening::attestations_survive_rotation,
       {"attestations_by_current_committee/activate_rotation", "committed_only_if_attested/commit_batch"}},
      {model::Weakening::rotation_without_delay, {"rotation_after_delay/activate_rotation", "distrusting_user_leaves/trace"}}};
  const std::set<std::string> roles = {"pre", "in", "env", "post"};
  std::size_t checked = 0;
  for (const auto& [weakening, names] : refuting)
    for (const l2::inv::Obligation& o : model::obligations(weakening, Depth::small)) {
      if (!names.contains(o.invariant + "/" + o.transition)) continue;
      const l2::inv::ObligationResult result = l2::inv::discharge(o, std::chrono::seconds(60));
      ASSERT_EQ(result.verdict, Verdict::counterexample) << o.id();
      std::istringstream lines(result.counterexample);
      std::set<std::string> groups;
      bool trace_steps = false;
      for (std::string line; std::getline(lines, line);) {
        const std::string name = line.substr(0, line.find(" = "));
        groups.insert(name.substr(0, name.find('.')));
        trace_steps = trace_steps || name.starts_with("in.step");
        EXPECT_TRUE(roles.contains(name.substr(0, name.find('.')))) << o.id() << ": " << name;
      }
      if (o.kind == l2::inv::Kind::bmc) {
        EXPECT_TRUE(trace_steps) << o.id();
      } else {
        EXPECT_TRUE(groups.contains("post")) << o.id();
      }
      EXPECT_TRUE(groups.contains("pre") && groups.contains("in") && groups.contains("env")) << o.id();
      ++checked;
    }
  EXPECT_EQ(checked, 7u);
}

TEST(ValidiumModel, WeakeningsHaveNamesThatParseBack) {
  for (const model::Weakening w : model::all_weakenings) EXPECT_EQ(model::parse_weakening(model::weakening_name(w)), w);
  EXPECT_EQ(model::parse_weakening("none"), model::Weakening::none);
  EXPECT_FALSE(model::parse_weakening("no_such_weakening").has_value());
  const l2::inv::ModelEntry entry = model::registry_entry();
  EXPECT_EQ(entry.mechanism, "validium");
  EXPECT_EQ(entry.weakenings.size(), model::all_weakenings.size());
  EXPECT_EQ(entry.obligations(Depth::small).size(), entry.obligations(Depth::full).size());
  EXPECT_FALSE(entry.trace_validation.has_value());
}

}  // namespace
