// The formal layer's counterexample path, shown on two deliberately weakened rules: the prover
// finds the violation, prints it as a vector case, and that case replays step for step in a
// reference with the same weakening and shows the violation there; the real reference rejects
// it. Also: every payment-channel obligation exported as SMT-LIB2 is answered `unsat` by a stock z3.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "l2/codec/json.hpp"
#include "l2/inv/obligation.hpp"
#include "l2/inv/payment_channel_model.hpp"
#include "l2/vectors/framework.hpp"

namespace {

namespace pc = l2::ref::payment_channel;
namespace model = l2::inv::payment_channel;
using l2::ChannelError;
using l2::u64;
using nlohmann::json;
using Outcome = l2::Result<pc::Adjudicator, ChannelError>;

l2::inv::ObligationResult prove(model::Weakening weakening, const std::string& id) {
  for (const auto& obligation : model::obligations(weakening))
    if (obligation.id() == id) {
      // discharge keeps a pointer to the obligation; the result is read before it goes away.
      l2::inv::ObligationResult result = l2::inv::discharge(obligation, std::chrono::seconds(300));
      result.obligation = nullptr;
      return result;
    }
  ADD_FAILURE() << "no obligation " << id;
  return {};
}

// apply_update with PC-UPD-2 weakened from `>` to `>=`. Every other line is the reference's.
Outcome update_accepting_equal_sequence(const pc::Adjudicator& a, const pc::OffChainTransaction& tx) {
  const auto index = pc::find_channel(a, tx.channel_id);
  if (!index) return ChannelError::unknown_channel;
  pc::PaymentChannel channel = a.channels[*index];
  if (channel.state != pc::ChannelState::active) return ChannelError::update_not_active;
  if (tx.sequence_number < channel.sequence) return ChannelError::stale_sequence;  // the weakened rule
  const l2::Hash32 digest = pc::state_digest_of(a, tx);
  if (const ChannelError e = pc::check_cosigned(channel, tx, digest, pc::Bip340Check{}); e != ChannelError::none) return e;
  channel.sequence = tx.sequence_number;
  channel.balances = tx.new_balances;
  return pc::with_channel(a, *index, channel);
}

// apply_challenge with PC-CHAL-2 weakened to `height <= dispute_deadline` (the earlier draft): the
// reference run against the channel's deadline one block later, which it then restores (a
// challenge never moves the deadline).
Outcome challenge_accepted_at_deadline(const pc::Adjudicator& a, const pc::OffChainTransaction& tx, u64 height) {
  const auto index = pc::find_channel(a, tx.channel_id);
  if (!index || a.channels[*index].dispute_deadline == l2::u64_max) return pc::apply_challenge(a, tx, pc::Env{height});
  pc::Adjudicator later = a;
  ++later.channels[*index].dispute_deadline;
  Outcome result = pc::apply_challenge(later, tx, pc::Env{height});
  if (result.ok()) {
    pc::Adjudicator restored = result.value();
    --restored.channels[*index].dispute_deadline;
    return restored;
  }
  return result;
}

using Applier = std::function<Outcome(const pc::Adjudicator&, const std::string& op, const json& input, u64 height)>;

Outcome apply_real(const pc::Adjudicator& a, const std::string& op, const json& input, u64 height) {
  const pc::Env env{height};
  if (op == "open") return pc::apply_open(a, l2::codec::from_json<pc::OpenInput>(input).value(), env);
  if (op == "fund") return pc::apply_fund(a, l2::codec::from_json<pc::FundInput>(input).value(), env);
  if (op == "settle") return pc::apply_settle(a, l2::codec::from_json<pc::ChannelRef>(input).value(), env);
  if (op == "timeout") return pc::apply_timeout(a, l2::codec::from_json<pc::ChannelRef>(input).value(), env);
  const auto tx = l2::codec::from_json<pc::OffChainTransaction>(input).value();
  if (op == "update") return pc::apply_update(a, tx, env);
  if (op == "cooperative_close") return pc::apply_cooperative_close(a, tx, env);
  if (op == "force_close") return pc::apply_force_close(a, tx, env);
  return pc::apply_challenge(a, tx, env);
}

// Replays a vector case; returns the states after each step and whether every outcome matched.
struct Replay {
  std::vector<pc::Adjudicator> states;  // states[0] is the pre-state
  std::vector<Outcome> outcomes;
  bool matches = true;
  std::string mismatch;
};

Replay replay(const json& document, const Applier& apply) {
  Replay r;
  r.states.push_back(l2::codec::from_json<pc::Adjudicator>(document.at("pre_state")).value());
  for (const json& step : document.at("steps")) {
    const u64 height = std::stoull(step.at("height").get<std::string>());
    const Outcome outcome = apply(r.states.back(), step.at("op").get<std::string>(), step.at("input"), height);
    const json& expect = step.at("expect");
    if (outcome.ok()) {
      const bool same = expect.at("outcome") == "ok" &&
                        expect.at("state_root") == l2::to_hex(pc::state_root(outcome.value())) &&
                        l2::reflect::equal(l2::codec::from_json<pc::Adjudicator>(expect.at("post_state")).value(), outcome.value());
      if (!same && r.matches) r.mismatch = step.at("op").get<std::string>() + " accepted, expected " + expect.dump();
      r.matches = r.matches && same;
      r.states.push_back(outcome.value());
    } else {
      const bool same = expect.at("outcome") == "invalid" && expect.at("error") == l2::error_info(outcome.error()).code;
      if (!same && r.matches) r.mismatch = std::string(l2::error_info(outcome.error()).code) + ", expected " + expect.dump();
      r.matches = r.matches && same;
      r.states.push_back(r.states.back());
    }
    r.outcomes.push_back(outcome);
  }
  return r;
}

json parse_case(const std::string& text) {
  const json document = json::parse(text);
  EXPECT_TRUE(l2::vectors::validate_schema("case", document).empty()) << text;
  EXPECT_EQ(document.at("mechanism"), "payment_channel");
  EXPECT_EQ(document.at("suite"), "counterexample");
  return document;
}

TEST(PaymentChannelCounterexample, EqualSequenceUpdateIsFoundAndReplays) {
  const auto result = prove(model::Weakening::update_accepts_equal_sequence,
                            "payment_channel__sequence_monotonicity__update__consecution");
  ASSERT_EQ(result.verdict, l2::inv::Verdict::counterexample);
  ASSERT_FALSE(result.witness.empty()) << result.counterexample;
  const json document = parse_case(result.witness);
  ASSERT_EQ(document.at("steps").size(), 1u);

  // In a reference with the same weakening the case replays exactly, and shows the violation: an
  // accepted update that leaves the sequence where it was, so two different states share it.
  const Replay weak = replay(document, [](const pc::Adjudicator& a, const std::string& op, const json& input, u64 height) {
    if (op == "update") return update_accepting_equal_sequence(a, l2::codec::from_json<pc::OffChainTransaction>(input).value());
    return apply_real(a, op, input, height);
  });
  ASSERT_TRUE(weak.matches) << weak.mismatch;
  ASSERT_TRUE(weak.outcomes[0].ok());
  const auto tx = l2::codec::from_json<pc::OffChainTransaction>(document["steps"][0]["input"]).value();
  const auto index = pc::find_channel(weak.states[0], tx.channel_id);
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(weak.states[1].channels[*index].sequence, weak.states[0].channels[*index].sequence)
      << "the weakened update must leave the sequence unchanged: that is the violation";

  // The real reference rejects the same step with the rule the weakening removed.
  const Replay real = replay(document, apply_real);
  EXPECT_FALSE(real.matches);
  EXPECT_EQ(real.outcomes[0].error(), ChannelError::stale_sequence);
}

TEST(PaymentChannelCounterexample, ChallengeAtTheDeadlineLosesTheLatestState) {
  const auto result = prove(model::Weakening::challenge_accepted_at_deadline, "payment_channel__latest_state_wins__trace__bmc");
  ASSERT_EQ(result.verdict, l2::inv::Verdict::counterexample);
  ASSERT_FALSE(result.witness.empty()) << result.counterexample;
  const json document = parse_case(result.witness);

  const Replay weak = replay(document, [](const pc::Adjudicator& a, const std::string& op, const json& input, u64 height) {
    if (op == "challenge")
      return challenge_accepted_at_deadline(a, l2::codec::from_json<pc::OffChainTransaction>(input).value(), height);
    return apply_real(a, op, input, height);
  });
  ASSERT_TRUE(weak.matches) << weak.mismatch;

  // The violation: the channel ends settled on a state older than one a participant submitted as
  // a challenge inside the (weakened) window, i.e. at a height <= dispute_deadline.
  const auto& steps = document.at("steps");
  const pc::Adjudicator& end = weak.states.back();
  ASSERT_EQ(end.channels.size(), weak.states[0].channels.size());
  const auto tx0 = std::find_if(steps.begin(), steps.end(), [](const json& s) { return s.at("op") != "fund" && s.at("input").contains("channel_id"); });
  ASSERT_NE(tx0, steps.end());
  const auto index = pc::find_channel(end, l2::codec::from_json<pc::ChannelRef>(json{{"channel_id", (*tx0)["input"]["channel_id"]}}).value().channel_id);
  ASSERT_TRUE(index.has_value());
  const pc::PaymentChannel& settled = end.channels[*index];
  ASSERT_EQ(settled.state, pc::ChannelState::settled);
  bool newer_state_lost = false;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].at("op") != "challenge") continue;
    const auto tx = l2::codec::from_json<pc::OffChainTransaction>(steps[i].at("input")).value();
    const u64 height = std::stoull(steps[i].at("height").get<std::string>());
    if (height <= settled.dispute_deadline && tx.sequence_number > settled.sequence) {
      newer_state_lost = true;
      // It is the race at the deadline block: settle was ordered first in the block the draft
      // still counted as inside the window. The real window ends one block earlier, so under the
      // real rule this honest answer was late and the trace is no counterexample.
      EXPECT_EQ(height, settled.dispute_deadline);
    }
  }
  EXPECT_TRUE(newer_state_lost) << result.witness;

  // The trace's steps are legal under the real rules too (the late challenge fails either way);
  // what the fix changes is that no height admits both a challenge and a settle.
  EXPECT_TRUE(replay(document, apply_real).matches);
  EXPECT_EQ(prove(model::Weakening::none, "payment_channel__latest_state_wins__trace__bmc").verdict, l2::inv::Verdict::proved);
}

// Every payment-channel and channel-factory obligation, written as a standalone SMT-LIB2 file, is
// answered `unsat` by the stock z3 binary (the primitives' are checked in l2spec_cli_test).
TEST(PaymentChannelSmt2, StockZ3ProvesEveryExport) {
  const auto dir = std::filesystem::temp_directory_path() / ("l2spec_pc_smt2_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::vector<l2::inv::Obligation> obligations = model::obligations();
  for (auto& obligation : l2::inv::channel_factory_obligations()) obligations.push_back(obligation);
  for (const auto& obligation : obligations) {
    const auto path = dir / (obligation.id() + ".smt2");
    std::ofstream(path) << l2::inv::to_smt2(obligation);
    FILE* pipe = ::popen(("z3 -T:300 " + path.string()).c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char buffer[256] = {};
    std::string answer;
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) answer += buffer;
    ::pclose(pipe);
    EXPECT_EQ(answer, "unsat\n") << obligation.id();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
