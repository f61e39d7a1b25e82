// The game channel's Z3 model (spec: game_channel.md#the-z3-model): every obligation is proved with
// a satisfiable premise, and each weakening is refuted by exactly the obligations the spec's
// weakening table names, each with a counterexample, while all the others still hold. The
// obligations are linear and small, so every weakening discharges the whole list.
#include "l2/inv/game_channel_model.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "l2/test/model_verdicts.hpp"

namespace {

namespace model = l2::inv::game_channel;
using l2::inv::Verdict;
using l2::test::refuted;

std::map<std::string, Verdict> verdicts(model::Weakening weakening) {
  return l2::test::model_verdicts(model::obligations(weakening), weakening == model::Weakening::none);
}

TEST(GameChannelModel, EveryObligationIsProvedWithASatisfiablePremise) {
  const auto results = verdicts(model::Weakening::none);
  // 6 moves (A's reveal by result) for conservation; the opening and the 6 for each of the three
  // invariants; 3 settlements; 2 stopping claims; 2 reveals always accepted.
  EXPECT_EQ(results.size(), 34u);
  EXPECT_TRUE(refuted(results).empty());
}

TEST(GameChannelModel, WithoutAProvisionalTransferAtAsCommitBProfitsByStopping) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::no_transfer_at_commit_a)),
            (std::set<std::string>{"round_outcome/commit_a", "round_outcome/reveal_b", "stopping_never_pays/reveal_b"}));
}

TEST(GameChannelModel, ARoundStartedWithoutCoveringTheStakeBreaksTheOutcomeRule) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::stake_unchecked)), (std::set<std::string>{"round_outcome/commit_a"}));
}

TEST(GameChannelModel, ADrawThatMovesAStakeDoesNotSettleTheRound) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::draw_moves_a_stake)), (std::set<std::string>{"round_settlement/reveal_a_draw"}));
}

TEST(GameChannelModel, AWinThatCreditsWithoutDebitingMintsAStake) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::win_credits_without_debit)),
            (std::set<std::string>{"outcome_conservation/reveal_a_a_wins", "round_settlement/reveal_a_a_wins"}));
}

TEST(GameChannelModel, ADrawScoredForBothPlayersBreaksTheScoreBound) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::draw_scores_both)), (std::set<std::string>{"scores_bounded/reveal_a_draw"}));
}

TEST(GameChannelModel, ALastRevealThatDoesNotEndTheGameBreaksThePhaseForm) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::last_round_continues)),
            (std::set<std::string>{"phase_form/reveal_a_a_wins", "phase_form/reveal_a_draw", "phase_form/reveal_a_b_wins"}));
}

TEST(GameChannelModel, WeakeningsHaveNamesThatParseBack) {
  for (const model::Weakening w : model::all_weakenings) EXPECT_EQ(model::parse_weakening(model::weakening_name(w)), w);
  EXPECT_EQ(model::parse_weakening("none"), model::Weakening::none);
  EXPECT_FALSE(model::parse_weakening("no_such_weakening").has_value());
  const l2::inv::ModelEntry entry = model::registry_entry();
  EXPECT_EQ(entry.mechanism, "game_channel");
  EXPECT_EQ(entry.weakenings.size(), model::all_weakenings.size());
  EXPECT_EQ(entry.obligations(l2::inv::Depth::small).size(), entry.obligations(l2::inv::Depth::full).size());
}

}  // namespace
