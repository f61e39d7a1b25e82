// The watchtower's Z3 model: tower_answers_with_latest is proved with a satisfiable premise, and
// under the draft where WT-APPT-3 refuses a locator any user already filed, the counterparty squats
// the client's locator and the tower's answer stops short of the latest state; the counterexample
// replays as a vector case, and the real tower answers with the latest state.
#include "l2/inv/watchtower_model.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "l2/codec/json.hpp"
#include "l2/vectors/framework.hpp"
#include "l2/vectors/registry.hpp"

namespace {

namespace payment_channel = l2::ref::payment_channel;
namespace watchtower = l2::ref::watchtower;
namespace model = l2::inv::watchtower;
using nlohmann::json;

using Outcome = l2::Result<watchtower::WatchtowerWorld, l2::WatchtowerError>;

l2::inv::ObligationResult prove(model::Weakening weakening) {
  for (const auto& obligation : model::obligations(weakening)) {
    l2::inv::ObligationResult result = l2::inv::discharge(obligation, std::chrono::seconds(300));
    result.obligation = nullptr;
    return result;
  }
  ADD_FAILURE() << "no obligation";
  return {};
}

// The world after every step, with `weakening` applied to appoint; the payment-channel ops through
// the operations table.
std::vector<watchtower::WatchtowerWorld> replay(const json& document, model::Weakening weakening, std::string& last_error) {
  std::vector<watchtower::WatchtowerWorld> states{l2::codec::from_json<watchtower::WatchtowerWorld>(document.at("pre_state")).value()};
  for (const json& step : document.at("steps")) {
    const std::string op = step.at("op");
    const payment_channel::Env env{std::stoull(step.at("height").get<std::string>())};
    const watchtower::WatchtowerWorld& world = states.back();
    const auto code = watchtower::Operations::parse(op);
    EXPECT_TRUE(code.has_value()) << op;
    std::string error;
    std::optional<watchtower::WatchtowerWorld> next;
    if (op == "appoint") {
      const Outcome out = model::appoint(world, l2::codec::from_json<watchtower::AppointInput>(step.at("input")).value(), env, weakening);
      if (out) next = out.value();
      else error = l2::error_info(out.error()).code;
    } else {
      watchtower::Operations::visit(*code, [&](auto operation) {
        using Op = typename decltype(operation)::type;
        const auto out = Op::apply(world, l2::codec::from_json<typename Op::Input>(step.at("input")).value(), env);
        if (out) next = out.value();
        else error = l2::error_info(out.error()).code;
      });
    }
    const json& expect = step.at("expect");
    if (next) EXPECT_EQ(expect.at("state_root"), l2::to_hex(watchtower::state_root(*next))) << op;
    else EXPECT_EQ(expect.at("error"), error) << op;
    last_error = error;
    states.push_back(next.value_or(world));
  }
  return states;
}

TEST(WatchtowerModel, TheTowerAnswersWithTheLatestState) {
  const auto result = prove(model::Weakening::none);
  EXPECT_EQ(result.verdict, l2::inv::Verdict::proved) << result.reason << result.counterexample;
}

TEST(WatchtowerModel, LocatorSquattingUnderTheDraftIsFoundAndReplays) {
  const auto result = prove(model::Weakening::locator_duplicates_global);
  ASSERT_EQ(result.verdict, l2::inv::Verdict::counterexample);
  ASSERT_TRUE(result.witness.has_value()) << result.counterexample;
  const json document = l2::vectors::counterexample_case("watchtower", *result.witness);
  EXPECT_TRUE(l2::vectors::validate_schema("case", document).empty()) << document.dump(2);

  // Under the draft the client's filing under the squatted locator is refused, and the response
  // finds nothing newer than the published state.
  std::string last_error;
  const auto weak = replay(document, model::Weakening::locator_duplicates_global, last_error);
  EXPECT_EQ(last_error, "WT_NOTHING_NEWER");
  // The real tower: the client's chain is intact, and the response registers the latest state.
  watchtower::WatchtowerWorld world = l2::codec::from_json<watchtower::WatchtowerWorld>(document.at("pre_state")).value();
  for (const json& step : document.at("steps")) {
    const auto code = watchtower::Operations::parse(step.at("op").get<std::string>());
    watchtower::Operations::visit(*code, [&](auto operation) {
      using Op = typename decltype(operation)::type;
      const auto out = Op::apply(world, l2::codec::from_json<typename Op::Input>(step.at("input")).value(),
                                 payment_channel::Env{std::stoull(step.at("height").get<std::string>())});
      if (out) world = out.value();
    });
  }
  const payment_channel::PaymentChannel& channel = world.adjudicator.channels.back();
  EXPECT_EQ(channel.state, payment_channel::ChannelState::disputing);
  EXPECT_EQ(channel.sequence, 3u) << "the tower answered with s_3";
  EXPECT_EQ(weak.back().adjudicator.channels.back().sequence, 1u) << "under the draft the stale s_1 stays registered";
}

}  // namespace
