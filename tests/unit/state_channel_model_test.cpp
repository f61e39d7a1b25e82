// The state channel's Z3 model (spec: state_channel.md#the-z3-model): every obligation is proved
// with a satisfiable premise, and each weakening is refuted exactly by the obligations the spec's
// weakening table names, each with a counterexample, while the others still hold.
#include "l2/inv/state_channel_model.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "l2/test/model_verdicts.hpp"

namespace {

namespace model = l2::inv::state_channel;
using l2::inv::Verdict;

std::map<std::string, Verdict> verdicts(model::Weakening weakening) {
  return l2::test::model_verdicts(model::obligations(weakening), weakening == model::Weakening::none);
}

using l2::test::refuted;

TEST(StateChannelModel, EveryObligationIsProvedWithASatisfiablePremise) {
  const auto results = verdicts(model::Weakening::none);
  EXPECT_EQ(results.size(), 32u);
  EXPECT_TRUE(refuted(results).empty());
  for (const l2::inv::Obligation& obligation : model::obligations())
    EXPECT_TRUE(static_cast<bool>(obligation.assert_premise)) << obligation.id();
}

TEST(StateChannelModel, AMoveByAnyParticipantSkipsTheHonestTurn) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::wrong_mover)),
            (std::set<std::string>{"turn_taking_n2/check_support", "turn_taking_n3/check_support",
                                   "turn_taking_n4/check_support", "latest_state_wins_n2/trace",
                                   "latest_state_wins_n3/trace", "honest_calls_bounded_n2/trace",
                                   "honest_calls_bounded_n3/trace", "challenge_restarts_bounded_n2/trace",
                                   "challenge_restarts_bounded_n3/trace"}));
}

TEST(StateChannelModel, AnEqualTurnResponseGriefsForever) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::equal_turn_response)),
            (std::set<std::string>{"challenge_progress/respond", "honest_calls_bounded_n2/trace",
                                   "honest_calls_bounded_n3/trace", "challenge_restarts_bounded_n2/trace",
                                   "challenge_restarts_bounded_n3/trace"}));
}

TEST(StateChannelModel, ARestartedChallengeNeverFinalizes) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::challenge_restart)),
            (std::set<std::string>{"challenge_progress/challenge", "challenge_restarts_bounded_n2/trace",
                                   "challenge_restarts_bounded_n3/trace"}));
}

TEST(StateChannelModel, ASecondWithdrawalPaysOutTwice) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::withdraw_twice)),
            (std::set<std::string>{"outcome_conservation_n2/withdraw", "outcome_conservation_n3/withdraw",
                                   "finalized_is_frozen/withdraw"}));
}

TEST(StateChannelModel, WeakeningsHaveNamesThatParseBack) {
  for (const model::Weakening w : model::all_weakenings) EXPECT_EQ(model::parse_weakening(model::weakening_name(w)), w);
  EXPECT_EQ(model::parse_weakening("none"), model::Weakening::none);
  EXPECT_FALSE(model::parse_weakening("no_such_weakening").has_value());
  const l2::inv::ModelEntry entry = model::registry_entry();
  EXPECT_EQ(entry.mechanism, "state_channel");
  EXPECT_EQ(entry.weakenings.size(), model::all_weakenings.size());
}

}  // namespace
