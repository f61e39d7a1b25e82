// The DEX channel's Z3 model (spec: dex_channel.md#the-z3-model): every obligation is proved with a
// satisfiable premise, and each weakening is refuted exactly by the obligations the spec's
// weakening table names, each with a counterexample, while the others still hold.
#include "l2/inv/dex_channel_model.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "l2/test/model_verdicts.hpp"

namespace {

namespace model = l2::inv::dex_channel;
using l2::inv::Verdict;
using l2::test::refuted;

std::map<std::string, Verdict> verdicts(model::Weakening weakening) {
  return l2::test::model_verdicts(model::obligations(weakening), weakening == model::Weakening::none);
}

// A weakening changes one transition of the model (the swap, the deposit or the fill); the
// obligations of the others are the unweakened formulas, proved above, so here only the weakened
// transition's are discharged. `l2spec prove --weaken dex_channel:<name>` in the audit discharges
// every one.
std::map<std::string, Verdict> verdicts_of(model::Weakening weakening, const std::string& transition) {
  std::set<std::string> others;
  for (const l2::inv::Obligation& o : model::obligations(weakening))
    if (o.transition != transition) others.insert(o.invariant + "/" + o.transition);
  const auto results = l2::test::model_verdicts(model::obligations(weakening), false, others);
  EXPECT_FALSE(results.empty()) << transition;
  return results;
}

TEST(DexChannelModel, EveryObligationIsProvedWithASatisfiablePremise) {
  const auto results = verdicts(model::Weakening::none);
  EXPECT_EQ(results.size(), 12u);
  EXPECT_TRUE(refuted(results).empty());
}

TEST(DexChannelModel, AnAmmThatDropsTheFeeFromItsKCheckPaysOutTheFee) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::fee_dropped_from_k, "swap_exact_in")),
            (std::set<std::string>{"k_with_fee/swap_exact_in"}));
}

TEST(DexChannelModel, WithoutItsMinimumOutputOrDeadlineASwapCanBeSandwiched) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::min_out_unchecked, "swap_exact_in")),
            (std::set<std::string>{"swap_within_bounds/swap_exact_in"}));
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::deadline_unchecked, "swap_exact_in")),
            (std::set<std::string>{"swap_within_bounds/swap_exact_in"}));
}

TEST(DexChannelModel, ADepositThatRoundsItsSharesUpDilutesTheOthers) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::mint_rounds_up, "add_liquidity")),
            (std::set<std::string>{"share_value_non_decreasing/add_liquidity"}));
}

TEST(DexChannelModel, AFillOfTheBidsLotsOverfillsTheAsk) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::fill_the_bid, "match_fill")),
            (std::set<std::string>{"no_overfill/match_fill"}));
}

TEST(DexChannelModel, TheLaterOfTwoEqualOrdersFilledFirstBreaksTimePriority) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::later_order_first, "match_fill")),
            (std::set<std::string>{"price_time_priority/match_fill"}));
}

TEST(DexChannelModel, WeakeningsHaveNamesThatParseBack) {
  for (const model::Weakening w : model::all_weakenings) EXPECT_EQ(model::parse_weakening(model::weakening_name(w)), w);
  EXPECT_EQ(model::parse_weakening("none"), model::Weakening::none);
  EXPECT_FALSE(model::parse_weakening("no_such_weakening").has_value());
  const l2::inv::ModelEntry entry = model::registry_entry();
  EXPECT_EQ(entry.mechanism, "dex_channel");
  EXPECT_EQ(entry.weakenings.size(), model::all_weakenings.size());
}

}  // namespace
