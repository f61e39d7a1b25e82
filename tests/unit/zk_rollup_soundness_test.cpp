// The reexecution backend's soundness in the ZK rollup's Z3 model (spec: zk_rollup.md#obligations):
// multiproof_binds, touched_slots_agree, post_root_recomputed and reexecution_sound are proved at both
// depths with a satisfiable premise that states its bounds; the weakening witness_root_unchecked
// (ZK-RX-8 without its comparison with the header's accounts_root) refutes exactly the two that read
// the opening's check, each with a counterexample; no other weakening touches them.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "l2/inv/zk_rollup_model.hpp"
#include "l2/test/model_verdicts.hpp"

namespace {

namespace model = l2::inv::zk_rollup;
using l2::inv::Depth;
using l2::inv::Obligation;
using l2::test::refuted;

const std::set<std::string> soundness_names = {"multiproof_binds/multiproof", "touched_slots_agree/transaction",
                                               "post_root_recomputed/multiproof", "reexecution_sound/verify"};

std::vector<Obligation> soundness(model::Weakening weakening, Depth depth) {
  std::vector<Obligation> out;
  for (const Obligation& o : model::obligations(weakening, depth))
    if (soundness_names.contains(o.invariant + "/" + o.transition)) out.push_back(o);
  return out;
}

TEST(ZkRollupSoundness, EveryObligationIsProvedAtBothDepthsWithAPremiseThatStatesItsBounds) {
  for (const Depth depth : {Depth::small, Depth::full}) {
    const std::vector<Obligation> list = soundness(model::Weakening::none, depth);
    ASSERT_EQ(list.size(), 4u);
    const std::string tree = depth == Depth::full ? "depth 3 (8 account slots" : "depth 2 (4 account slots";
    for (const Obligation& o : list) {
      EXPECT_EQ(o.mechanism, "zk_rollup");
      EXPECT_EQ(o.kind, o.invariant == "touched_slots_agree" ? l2::inv::Kind::consecution : l2::inv::Kind::safety)
          << o.id();
      EXPECT_TRUE(static_cast<bool>(o.assert_premise)) << o.id();
      EXPECT_NE(o.premise.find(tree), std::string::npos) << o.id() << ": " << o.premise;
      if (o.invariant == "multiproof_binds" || o.invariant == "reexecution_sound") {
        EXPECT_NE(o.premise.find("collision resistant"), std::string::npos) << o.id();
      }
      if (o.invariant == "reexecution_sound") {
        EXPECT_NE(o.premise.find("any 1 transaction(s)"), std::string::npos) << o.premise;
      }
    }
    // Proved, and (discharge checks it after each proof) with a satisfiable premise.
    const auto results = l2::test::model_verdicts(list, true);
    EXPECT_EQ(results.size(), 4u);
  }
}

TEST(ZkRollupSoundness, AnOpeningNotComparedWithThePreStateLetsAWitnessChooseThePostRoot) {
  const std::vector<Obligation> list = soundness(model::Weakening::witness_root_unchecked, Depth::small);
  ASSERT_EQ(list.size(), 4u);
  const std::set<std::string> reading_the_check = {"multiproof_binds/multiproof", "reexecution_sound/verify"};
  for (const Obligation& o : list)
    EXPECT_EQ(o.premise.find("witness_root_unchecked") != std::string::npos,
              reading_the_check.contains(o.invariant + "/" + o.transition))
        << o.id();
  EXPECT_EQ(refuted(l2::test::model_verdicts(list, false)), reading_the_check);
}

// The counterexamples of witness_root_unchecked name each value by its role (the audit report's
// groups): the real pre-state `pre.`, what the verifier is given `in.` (the witness `in.witness.`,
// the transactions `in.tx<i>.`), and what the runs compute `post.` (the verifier's post-root
// `post.touched.state_root` against the truth's `post.full.state_root`).
TEST(ZkRollupSoundness, TheWitnessIsTheInputAndTheRealStateThePreState) {
  const std::map<std::string, std::set<std::string>> named = {
      {"multiproof_binds", {"pre.account0.exists", "pre.deposits_credited", "in.witness.pre_state.accounts_root",
                            "in.witness.sibling_count", "in.witness.touched0"}},
      {"reexecution_sound", {"pre.account0.exists", "in.witness.pre_state.accounts_root", "in.tx0.kind",
                             "post.touched.state_root", "post.full.state_root", "post.full.transactions_valid",
                             "post.full.account0.balance", "post.touched.account0.balance"}}};
  std::size_t checked = 0;
  for (const Obligation& o : soundness(model::Weakening::witness_root_unchecked, Depth::small)) {
    const auto expected = named.find(o.invariant);
    if (expected == named.end()) continue;
    const l2::inv::ObligationResult result = l2::inv::discharge(o, std::chrono::seconds(60));
    ASSERT_EQ(result.verdict, l2::inv::Verdict::counterexample) << o.id();
    std::istringstream lines(result.counterexample);
    std::set<std::string> values;
    for (std::string line; std::getline(lines, line);) {
      const std::string value = line.substr(0, line.find(" = "));
      values.insert(value);
      const std::string group = value.substr(0, value.find('.'));
      EXPECT_TRUE(group == "pre" || group == "in" || group == "post") << o.id() << ": " << value;
    }
    for (const std::string& value : expected->second) EXPECT_TRUE(values.contains(value)) << o.id() << ": " << value;
    ++checked;
  }
  EXPECT_EQ(checked, 2u);
}

TEST(ZkRollupSoundness, NoOtherWeakeningChangesTheBackend) {
  const std::vector<Obligation> plain = soundness(model::Weakening::none, Depth::full);
  for (const model::Weakening w : model::all_weakenings) {
    if (w == model::Weakening::witness_root_unchecked) continue;
    const std::vector<Obligation> other = soundness(w, Depth::full);
    ASSERT_EQ(other.size(), plain.size()) << model::weakening_name(w);
    for (std::size_t i = 0; i < plain.size(); ++i) {
      EXPECT_EQ(other[i].id(), plain[i].id());
      EXPECT_EQ(other[i].statement, plain[i].statement);
      EXPECT_EQ(other[i].premise, plain[i].premise) << model::weakening_name(w);
    }
  }
}

TEST(ZkRollupSoundness, TheWeakeningIsRegistered) {
  EXPECT_EQ(model::parse_weakening("witness_root_unchecked"), model::Weakening::witness_root_unchecked);
  const l2::inv::ModelEntry entry = model::registry_entry();
  EXPECT_NE(std::find(entry.weakenings.begin(), entry.weakenings.end(), "witness_root_unchecked"), entry.weakenings.end());
  EXPECT_EQ(entry.weakened("witness_root_unchecked").size(), model::obligations(model::Weakening::none).size());
}

}  // namespace
