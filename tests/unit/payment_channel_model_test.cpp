// The formal layer's counterexample path, shown on every deliberately weakened payment-channel
// rule, the drafts the adversarial review found among them: the prover finds the violation, prints
// it as a vector case, and that case replays step for step in a reference with the same weakening
// and shows the violation there; the real reference rejects it. Also: every payment-channel
// obligation is proved with satisfiable premises, and every one exported as SMT-LIB2 is answered
// `unsat` by a stock z3.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "l2/codec/json.hpp"
#include "l2/inv/obligation.hpp"
#include "l2/inv/channel_factory_model.hpp"
#include "l2/inv/payment_channel_model.hpp"
#include "l2/test/first_disagreeing_trace.hpp"
#include "l2/vectors/framework.hpp"
#include "l2/vectors/registry.hpp"

namespace {

namespace payment_channel = l2::ref::payment_channel;
namespace model = l2::inv::payment_channel;
using l2::ChannelError;
using l2::u64;
using nlohmann::json;
using Outcome = l2::Result<payment_channel::Adjudicator, ChannelError>;

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
Outcome update_accepting_equal_sequence(const payment_channel::Adjudicator& a, const payment_channel::OffChainTransaction& tx) {
  const auto index = payment_channel::find_channel(a, tx.channel_id);
  if (!index) return ChannelError::unknown_channel;
  payment_channel::PaymentChannel channel = a.channels[*index];
  if (channel.state != payment_channel::ChannelState::active) return ChannelError::update_not_active;
  if (tx.sequence_number < channel.sequence) return ChannelError::stale_sequence;  // the weakened rule
  const l2::Hash32 digest = payment_channel::state_digest_of(a, tx);
  if (const ChannelError e = payment_channel::check_cosigned(channel, tx, digest, payment_channel::Bip340Check{}); e != ChannelError::none) return e;
  channel.sequence = tx.sequence_number;
  channel.balances = tx.new_balances;
  return payment_channel::with_channel(a, *index, channel);
}

// apply_challenge with PC-CHAL-2 weakened to `height <= dispute_deadline` (the earlier draft): the
// reference run against the channel's deadline one block later, which it then restores (a
// challenge never moves the deadline).
Outcome challenge_accepted_at_deadline(const payment_channel::Adjudicator& a, const payment_channel::OffChainTransaction& tx, u64 height) {
  const auto index = payment_channel::find_channel(a, tx.channel_id);
  if (!index || a.channels[*index].dispute_deadline == l2::u64_max) return payment_channel::apply_challenge(a, tx, payment_channel::Env{height});
  payment_channel::Adjudicator later = a;
  ++later.channels[*index].dispute_deadline;
  Outcome result = payment_channel::apply_challenge(later, tx, payment_channel::Env{height});
  if (result.ok()) {
    payment_channel::Adjudicator restored = result.value();
    --restored.channels[*index].dispute_deadline;
    return restored;
  }
  return result;
}

// A signature check that accepts everything: apply_open with it is open without PC-SIG-1/2, the
// draft the adversarial review found (findings 3 and 4).
struct AcceptsAnySignature {
  constexpr bool operator()(const l2::Hash32&, const l2::Hash32&, const payment_channel::Signature&) const { return true; }
};

// The real reference, through the operations table.
Outcome apply_real(const payment_channel::Adjudicator& a, const std::string& op, const json& input, u64 height) {
  const auto code = payment_channel::parse_op(op);
  EXPECT_TRUE(code.has_value()) << op;
  return payment_channel::Operations::visit(*code, [&](auto operation) -> Outcome {
    using Op = typename decltype(operation)::type;
    return Op::apply(a, l2::codec::from_json<typename Op::Input>(input).value(), payment_channel::Env{height});
  });
}

using Applier = std::function<Outcome(const payment_channel::Adjudicator&, const std::string& op, const json& input, u64 height)>;

// The reference with one op replaced.
Applier with_op(const std::string& replaced, std::function<Outcome(const payment_channel::Adjudicator&, const json&, u64)> replacement) {
  return [replaced, replacement](const payment_channel::Adjudicator& a, const std::string& op, const json& input, u64 height) {
    return op == replaced ? replacement(a, input, height) : apply_real(a, op, input, height);
  };
}

const Applier open_unsigned = with_op("open", [](const payment_channel::Adjudicator& a, const json& input, u64 height) {
  return payment_channel::apply_open(a, l2::codec::from_json<payment_channel::OpenInput>(input).value(), payment_channel::Env{height}, AcceptsAnySignature{});
});

// Replays a vector case; returns the states after each step and whether every outcome matched.
struct Replay {
  std::vector<payment_channel::Adjudicator> states;  // states[0] is the pre-state
  std::vector<Outcome> outcomes;
  bool matches = true;
  std::string mismatch;
};

Replay replay(const json& document, const Applier& apply) {
  Replay r;
  r.states.push_back(l2::codec::from_json<payment_channel::Adjudicator>(document.at("pre_state")).value());
  for (const json& step : document.at("steps")) {
    const u64 height = std::stoull(step.at("height").get<std::string>());
    const Outcome outcome = apply(r.states.back(), step.at("op").get<std::string>(), step.at("input"), height);
    const json& expect = step.at("expect");
    if (outcome.ok()) {
      const bool same = expect.at("outcome") == "ok" &&
                        expect.at("state_root") == l2::to_hex(payment_channel::state_root(outcome.value())) &&
                        l2::reflect::equal(l2::codec::from_json<payment_channel::Adjudicator>(expect.at("post_state")).value(), outcome.value());
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

// The weakening's counterexample, found and rendered as a vector case.
json counterexample(model::Weakening weakening, const std::string& id) {
  const auto result = prove(weakening, id);
  EXPECT_EQ(result.verdict, l2::inv::Verdict::counterexample) << id;
  EXPECT_TRUE(result.witness.has_value()) << result.counterexample;
  if (!result.witness) return json();
  return parse_case(l2::vectors::dump_canonical(l2::vectors::counterexample_case("payment_channel", *result.witness)));
}

TEST(PaymentChannelCounterexample, EqualSequenceUpdateIsFoundAndReplays) {
  const json document = counterexample(model::Weakening::update_accepts_equal_sequence,
                                       "payment_channel__sequence_monotonicity__update__consecution");
  ASSERT_FALSE(document.is_null());
  ASSERT_EQ(document.at("steps").size(), 1u);

  // In a reference with the same weakening the case replays exactly, and shows the violation: an
  // accepted update that leaves the sequence where it was, so two different states share it.
  const Replay weak = replay(document, with_op("update", [](const payment_channel::Adjudicator& a, const json& input, u64) {
    return update_accepting_equal_sequence(a, l2::codec::from_json<payment_channel::OffChainTransaction>(input).value());
  }));
  ASSERT_TRUE(weak.matches) << weak.mismatch;
  ASSERT_TRUE(weak.outcomes[0].ok());
  const auto tx = l2::codec::from_json<payment_channel::OffChainTransaction>(document["steps"][0]["input"]).value();
  const auto index = payment_channel::find_channel(weak.states[0], tx.channel_id);
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(weak.states[1].channels[*index].sequence, weak.states[0].channels[*index].sequence)
      << "the weakened update must leave the sequence unchanged: that is the violation";

  // The real reference rejects the same step with the rule the weakening removed.
  const Replay real = replay(document, apply_real);
  EXPECT_FALSE(real.matches);
  EXPECT_EQ(real.outcomes[0].error(), ChannelError::stale_sequence);
}

// Under the draft's PC-CHAL-2 a challenge is accepted at the deadline itself, the height that also
// admits settle: the dispute-window invariant fails for challenge.
TEST(PaymentChannelCounterexample, ChallengeAtTheDeadlineChangesASettleableState) {
  const json document = counterexample(model::Weakening::challenge_accepted_at_deadline,
                                       "payment_channel__dispute_window__challenge__consecution");
  ASSERT_FALSE(document.is_null());
  const Replay weak = replay(document, with_op("challenge", [](const payment_channel::Adjudicator& a, const json& input, u64 height) {
    return challenge_accepted_at_deadline(a, l2::codec::from_json<payment_channel::OffChainTransaction>(input).value(), height);
  }));
  ASSERT_TRUE(weak.matches) << weak.mismatch;
  ASSERT_TRUE(weak.outcomes[0].ok());
  const auto tx = l2::codec::from_json<payment_channel::OffChainTransaction>(document["steps"][0]["input"]).value();
  const auto index = payment_channel::find_channel(weak.states[0], tx.channel_id);
  ASSERT_TRUE(index.has_value());
  const u64 height = std::stoull(document["steps"][0]["height"].get<std::string>());
  EXPECT_GE(height, weak.states[0].channels[*index].dispute_deadline) << "accepted where settle is already allowed";
  const Replay real = replay(document, apply_real);
  EXPECT_EQ(real.outcomes[0].error(), ChannelError::challenge_too_late);
}

// The same draft loses the latest state: in the deadline block a settle ordered before the honest
// challenge pays a stale state.
TEST(PaymentChannelCounterexample, ChallengeAtTheDeadlineLosesTheLatestState) {
  const json document =
      counterexample(model::Weakening::challenge_accepted_at_deadline, "payment_channel__latest_state_wins__trace__bmc");
  ASSERT_FALSE(document.is_null());
  const Replay weak = replay(document, with_op("challenge", [](const payment_channel::Adjudicator& a, const json& input, u64 height) {
    return challenge_accepted_at_deadline(a, l2::codec::from_json<payment_channel::OffChainTransaction>(input).value(), height);
  }));
  ASSERT_TRUE(weak.matches) << weak.mismatch;

  // The violation: a channel that ends settled on a state older than one a participant submitted
  // as a challenge inside the (weakened) window, i.e. at a height <= dispute_deadline.
  const auto& steps = document.at("steps");
  const payment_channel::Adjudicator& end = weak.states.back();
  ASSERT_FALSE(end.channels.empty());
  const payment_channel::PaymentChannel& settled = end.channels.back();
  ASSERT_EQ(settled.state, payment_channel::ChannelState::settled);
  bool newer_state_lost = false;
  for (const json& step : steps) {
    if (step.at("op") != "challenge") continue;
    const auto tx = l2::codec::from_json<payment_channel::OffChainTransaction>(step.at("input")).value();
    const u64 height = std::stoull(step.at("height").get<std::string>());
    if (height <= settled.dispute_deadline && tx.sequence_number > settled.sequence) {
      newer_state_lost = true;
      // It is the race at the deadline block: settle was ordered first in the block the draft
      // still counted as inside the window.
      EXPECT_EQ(height, settled.dispute_deadline);
    }
  }
  EXPECT_TRUE(newer_state_lost) << document.dump(2);
  // The trace's steps are legal under the real rules too (the late challenge fails either way);
  // what the fix changes is that no height admits both a challenge and a settle.
  EXPECT_TRUE(replay(document, apply_real).matches);
}

// Review finding 4: an open whose balances nobody co-signed. The counterexample opens the channel
// with a split the honest participant never signed, and the channel settles on it.
TEST(PaymentChannelCounterexample, AnUnsignedOpeningSplitSettles) {
  const json document =
      counterexample(model::Weakening::open_unsigned, "payment_channel__latest_state_wins_at_opening__trace__bmc");
  ASSERT_FALSE(document.is_null());
  const Replay weak = replay(document, open_unsigned);
  ASSERT_TRUE(weak.matches) << weak.mismatch;
  const auto& steps = document.at("steps");
  std::size_t open_step = steps.size();
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (steps[i].at("op") == "open" && weak.outcomes[i].ok()) open_step = i;
  ASSERT_LT(open_step, steps.size()) << "the trace opens the channel";
  const payment_channel::Adjudicator& end = weak.states.back();
  ASSERT_EQ(end.channels.back().state, payment_channel::ChannelState::settled);
  // The open that registered the channel carries a signature that does not verify: the real
  // reference refuses it.
  const auto open = l2::codec::from_json<payment_channel::OpenInput>(steps[open_step].at("input")).value();
  const Outcome real = payment_channel::apply_open(weak.states[open_step], open, payment_channel::Env{0});
  ASSERT_FALSE(real.ok());
  EXPECT_TRUE(real.error() == ChannelError::bad_signature_0 || real.error() == ChannelError::bad_signature_1)
      << l2::error_info(real.error()).code;
}

// Review finding 3: opens that name a key without its signature fill its quota, and the honest
// pair's co-signed open is refused.
TEST(PaymentChannelCounterexample, UnsignedOpensFillAQuota) {
  const json document = counterexample(model::Weakening::open_unsigned, "payment_channel__honest_open_succeeds__trace__bmc");
  ASSERT_FALSE(document.is_null());
  const Replay weak = replay(document, open_unsigned);
  ASSERT_TRUE(weak.matches) << weak.mismatch;
  const auto& steps = document.at("steps");
  ASSERT_GE(steps.size(), 2u);
  // The last step is the honest open; under the draft it fails, and not because the channel is
  // already registered with its own balances.
  const Outcome& honest = weak.outcomes.back();
  ASSERT_FALSE(honest.ok());
  EXPECT_TRUE(honest.error() == ChannelError::too_many_channels || honest.error() == ChannelError::duplicate_channel)
      << l2::error_info(honest.error()).code;
  // Under the real rules the squatters' opens without the honest keys' signatures are refused,
  // and the honest open is accepted.
  const Replay real = replay(document, apply_real);
  EXPECT_TRUE(real.outcomes.back().ok()) << l2::error_info(real.outcomes.back().error()).code;
}

// The review's configuration finding: a dispute window no longer than the censorship bound. An
// honest answer included at start + bound lands at the deadline, after the stale state settled.
TEST(PaymentChannelCounterexample, ADisputeWindowAtTheCensorshipBoundLosesTheAnswer) {
  const json document = counterexample(model::Weakening::dispute_period_at_bound,
                                       "payment_channel__dispute_window_covers_censorship__deploy__safety");
  ASSERT_FALSE(document.is_null());
  const Replay replayed = replay(document, apply_real);
  ASSERT_TRUE(replayed.matches) << replayed.mismatch;
  const payment_channel::Adjudicator& start = replayed.states.front();
  EXPECT_EQ(start.config.dispute_period_blocks, start.config.censorship_bound_blocks);
  // The honest challenge, included censorship_bound_blocks after the force-close, is too late.
  EXPECT_EQ(replayed.outcomes.back().error(), ChannelError::challenge_not_disputing);
  EXPECT_EQ(replayed.states.back().channels.back().state, payment_channel::ChannelState::settled);
  // The real deployment rules refuse that configuration.
  const auto deployed = payment_channel::deploy(payment_channel::DeployInput{start.chain_id, start.adjudicator_id, start.config});
  ASSERT_FALSE(deployed.ok());
  EXPECT_EQ(deployed.error(), ChannelError::config_dispute_period);
}

// At the small depth `./l2 test` proves; the audit's `prove` discharges the full depth.
TEST(PaymentChannelModel, EveryObligationIsProvedWithSatisfiablePremises) {
  for (const auto& obligation : model::obligations(model::Weakening::none, l2::inv::Depth::small)) {
    ASSERT_TRUE(static_cast<bool>(obligation.assert_premise)) << obligation.id();
    l2::inv::ObligationResult result = l2::inv::discharge(obligation, std::chrono::seconds(300));
    result.obligation = nullptr;
    EXPECT_EQ(result.verdict, l2::inv::Verdict::proved) << obligation.id() << ": " << result.reason << "\n"
                                                         << result.counterexample;
  }
}

// The two depths give the same obligations, in the same order; only the trace checks whose small
// depth is shallower differ, each naming its depth.
TEST(PaymentChannelModel, TheSmallDepthHasEveryObligationOfTheFullDepth) {
  const auto full = model::obligations(model::Weakening::none, l2::inv::Depth::full);
  const auto small = model::obligations(model::Weakening::none, l2::inv::Depth::small);
  ASSERT_EQ(small.size(), full.size());
  std::size_t deeper = 0;
  for (std::size_t i = 0; i < full.size(); ++i) {
    EXPECT_EQ(small[i].id(), full[i].id());
    if (small[i].statement == full[i].statement) continue;
    ++deeper;
    EXPECT_EQ(full[i].kind, l2::inv::Kind::bmc) << full[i].id();
    EXPECT_EQ(full[i].statement.rfind("depth 6", 0), 0u) << full[i].statement;
    EXPECT_EQ(small[i].statement.rfind("depth 3", 0), 0u) << small[i].statement;
  }
  EXPECT_EQ(deeper, 2u);
}

// Every payment-channel and channel-factory obligation, written as a standalone SMT-LIB2 file, is
// answered `unsat` by the stock z3 binary (the primitives' are checked in l2spec_cli_test). This
// tests the exporter, so the payment channel's trace checks are exported at the small depth.
TEST(PaymentChannelSmt2, StockZ3ProvesEveryExport) {
  const auto dir = std::filesystem::temp_directory_path() / ("l2spec_pc_smt2_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::vector<l2::inv::Obligation> obligations = model::obligations(model::Weakening::none, l2::inv::Depth::small);
  for (auto& obligation : l2::inv::channel_factory::obligations()) obligations.push_back(obligation);
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

// Trace validation prints the first trace on which the model and the reference disagree in full:
// a model weakened to accept a challenge at the deadline [PC-CHAL-2] disagrees on the seeded traces
// (whose heights step by 29, 30 and 31 blocks around the 30-block window), and its trace is printed
// from the funded channel to its last step; the unweakened model prints none.
TEST(PaymentChannelTraces, TheFirstDisagreeingTraceIsPrintedInFull) {
  const auto weakened = model::validate_random_traces(20261124, 40, 30, {}, model::Weakening::challenge_accepted_at_deadline);
  ASSERT_GT(weakened.disagreements, 0u);
  l2::test::expect_printed_in_full(weakened.first_disagreeing_trace, weakened.failures, weakened.disagreements, 0);
  bool challenge_marked = false;
  for (const std::string& line : weakened.first_disagreeing_trace)
    challenge_marked = challenge_marked || (line.find(": challenge {") != std::string::npos && line.find("<- disagreement") != std::string::npos);
  EXPECT_TRUE(challenge_marked) << "the weakened rule is a challenge's";

  const auto agreeing = model::validate_random_traces(20261124, 40, 30);
  EXPECT_EQ(agreeing.disagreements, 0u);
  EXPECT_TRUE(agreeing.first_disagreeing_trace.empty());
}

}  // namespace
