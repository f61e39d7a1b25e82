// The channel network's Z3 model (spec: channel_network.md#the-z3-model): every obligation is
// proved with a satisfiable premise, and each weakening is refuted exactly by the obligations the
// spec's weakening table names, with a counterexample.
#include "l2/inv/channel_network_model.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "l2/test/model_verdicts.hpp"

namespace {

namespace model = l2::inv::channel_network;
using l2::inv::Verdict;

std::map<std::string, Verdict> verdicts(model::Weakening weakening) {
  return l2::test::model_verdicts(model::obligations(weakening), weakening == model::Weakening::none);
}

using l2::test::refuted;

TEST(ChannelNetworkModel, EveryObligationIsProvedWithASatisfiablePremise) {
  const auto results = verdicts(model::Weakening::none);
  EXPECT_EQ(results.size(), 14u);
  EXPECT_TRUE(refuted(results).empty());
}

TEST(ChannelNetworkModel, EqualTimelocksLetAnHonestIntermediaryLose) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::equal_timelocks)),
            (std::set<std::string>{"forwarders_keep_fee_and_time/validate_route", "honest_intermediary_never_loses/route",
                                   "atomicity_htlc_2_hops/route", "atomicity_htlc_3_hops/route",
                                   "atomicity_ptlc_2_hops/route", "atomicity_ptlc_3_hops/route"}));
}

TEST(ChannelNetworkModel, AClaimAtExpiryRacesTheRefund) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::claim_at_expiry)), (std::set<std::string>{"refund_is_final/resolve_lock"}));
}

TEST(ChannelNetworkModel, OnePointOnEveryHopBringsTheWormholeBack) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::ptlc_same_point)), (std::set<std::string>{"ptlc_no_wormhole/route"}));
}

TEST(ChannelNetworkModel, WeakeningsHaveNamesThatParseBack) {
  for (const model::Weakening w : model::all_weakenings) EXPECT_EQ(model::parse_weakening(model::weakening_name(w)), w);
  EXPECT_EQ(model::parse_weakening("none"), model::Weakening::none);
  EXPECT_FALSE(model::parse_weakening("no_such_weakening").has_value());
}

}  // namespace
