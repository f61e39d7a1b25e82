// The channel factory's Z3 model: every obligation proved with satisfiable premises, and the two
// drafts the adversarial review found (findings 2 and 3) refuted by honest_group_allocates, each
// counterexample rendered as a vector case that replays in the reference with the same weakening
// and shows the group's allocation refused, while the real reference accepts it.
#include "l2/inv/channel_factory_model.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "l2/codec/json.hpp"
#include "l2/vectors/framework.hpp"
#include "l2/vectors/registry.hpp"

namespace {

namespace channel_factory = l2::ref::channel_factory;
namespace model = l2::inv::channel_factory;
using nlohmann::json;
using l2::u64;

l2::inv::ObligationResult prove(model::Weakening weakening, const std::string& id) {
  for (const auto& obligation : model::obligations(weakening))
    if (obligation.id() == id) {
      l2::inv::ObligationResult result = l2::inv::discharge(obligation, std::chrono::seconds(300));
      result.obligation = nullptr;
      return result;
    }
  ADD_FAILURE() << "no obligation " << id;
  return {};
}

// Replays a rendered case with `weakening` (the reference itself for none): every step's outcome,
// and whether each matched the case's expectation.
struct Replay {
  std::vector<model::Outcome> outcomes;
  bool matches = true;
  std::string mismatch;
};

Replay replay(const json& document, model::Weakening weakening) {
  Replay r;
  channel_factory::FactoryRegistry state = l2::codec::from_json<channel_factory::FactoryRegistry>(document.at("pre_state")).value();
  for (const json& step : document.at("steps")) {
    const std::string op = step.at("op");
    const channel_factory::Env env{std::stoull(step.at("height").get<std::string>())};
    model::Outcome outcome;
    if (op == "register_factory") {
      outcome = model::register_factory(state, l2::codec::from_json<channel_factory::RegisterFactoryInput>(step.at("input")).value(), env, weakening);
    } else if (op == "allocate") {
      outcome = model::allocate(state, l2::codec::from_json<channel_factory::AllocateInput>(step.at("input")).value(), env, weakening);
    } else {
      const auto open = l2::codec::from_json<l2::ref::payment_channel::OpenInput>(step.at("input")).value();
      const auto next = channel_factory::OnRegistryAdjudicator<l2::ref::payment_channel::Open>::apply(state, open, env);
      outcome = next ? model::Outcome{next.value(), "", ""}
                     : model::Outcome{std::nullopt, std::string(l2::error_info(next.error()).code), ""};
    }
    const json& expect = step.at("expect");
    const bool same = outcome.post ? expect.at("outcome") == "ok" &&
                                         expect.at("state_root") == l2::to_hex(channel_factory::state_root(*outcome.post))
                                   : expect.at("outcome") == "invalid" && expect.at("error") == outcome.error;
    if (!same && r.matches) r.mismatch = op + ": expected " + expect.dump();
    r.matches = r.matches && same;
    if (outcome.post) state = *outcome.post;
    r.outcomes.push_back(outcome);
  }
  return r;
}

json counterexample(model::Weakening weakening) {
  const auto result = prove(weakening, "channel_factory__honest_group_allocates__trace__bmc");
  EXPECT_EQ(result.verdict, l2::inv::Verdict::counterexample);
  EXPECT_TRUE(result.witness.has_value()) << result.counterexample;
  if (!result.witness) return json();
  const json document = l2::vectors::counterexample_case("channel_factory", *result.witness);
  EXPECT_TRUE(l2::vectors::validate_schema("case", document).empty()) << document.dump(2);
  EXPECT_EQ(document.at("mechanism"), "channel_factory");
  return document;
}

TEST(ChannelFactoryModel, EveryObligationIsProvedWithSatisfiablePremises) {
  for (const auto& obligation : model::obligations()) {
    ASSERT_TRUE(static_cast<bool>(obligation.assert_premise)) << obligation.id();
    l2::inv::ObligationResult result = l2::inv::discharge(obligation, std::chrono::seconds(300));
    result.obligation = nullptr;
    EXPECT_EQ(result.verdict, l2::inv::Verdict::proved) << obligation.id() << ": " << result.reason;
  }
}

// Finding 2: with the draft's factory_id a dust registration with the members' keys and nonce takes
// the id; their own registration is a duplicate and their signed allocation cannot balance.
TEST(ChannelFactoryModel, FactoryIdSquattingIsFoundAndReplays) {
  const json document = counterexample(model::Weakening::factory_id_ignores_deposit);
  ASSERT_FALSE(document.is_null());
  const Replay weak = replay(document, model::Weakening::factory_id_ignores_deposit);
  ASSERT_TRUE(weak.matches) << weak.mismatch;
  ASSERT_EQ(weak.outcomes.size(), 3u);
  EXPECT_TRUE(weak.outcomes[0].post.has_value()) << "the squatter's dust registration is accepted";
  EXPECT_EQ(weak.outcomes[1].error, "PCF_DUPLICATE_FACTORY");
  EXPECT_FALSE(weak.outcomes[2].post.has_value()) << "the group's allocation fails";
  // The real reference gives the squatter's terms another id: the members' registration goes through.
  const Replay real = replay(document, model::Weakening::none);
  EXPECT_TRUE(real.outcomes[0].post.has_value());
  EXPECT_TRUE(real.outcomes[1].post.has_value()) << real.outcomes[1].error;
}

// Finding 3: with PCF-SUB-7 restored, a member that filled its own quota blocks the allocation.
TEST(ChannelFactoryModel, AFullQuotaBlockingTheAllocationIsFoundAndReplays) {
  const json document = counterexample(model::Weakening::allocation_checks_quota);
  ASSERT_FALSE(document.is_null());
  const Replay weak = replay(document, model::Weakening::allocation_checks_quota);
  ASSERT_TRUE(weak.matches) << weak.mismatch;
  EXPECT_EQ(weak.outcomes.back().error, "PCF_SUB_TOO_MANY_CHANNELS");
  const Replay real = replay(document, model::Weakening::none);
  EXPECT_TRUE(real.outcomes.back().post.has_value()) << real.outcomes.back().error;
}

}  // namespace
