// Trace validation: random traces through the reference, replayed step by step through the Z3
// model. For each concrete pre-state and input the model must admit exactly the reference's
// outcome: the same error code, or the same post-state, field for field. Signatures are the toy
// ones, which is also the model's abstraction of a signature check (valid exactly for the signed
// key and digest). Each property case runs 5 traces, so the default 100 cases check 500 traces with
// fresh seeds on every run; the audit's trace validation runs 2000 more (spec/README.md#ci).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "l2/inv/payment_channel_model.hpp"
#include "l2/test/payment_channel_actions.hpp"

namespace {

namespace payment_channel = l2::ref::payment_channel;
namespace model = l2::inv::payment_channel;
using namespace l2::test::payment_channel_actions;
using l2::ChannelError;

model::Engine& engine() {
  static model::Engine instance(model::Weakening::none, toy);
  return instance;
}

struct Tally {
  std::size_t steps = 0, accepted = 0;
};

void validate_trace(const std::vector<Action>& actions, Tally& tally) {
  payment_channel::Adjudicator state = adjudicator_with_one_funded_channel();
  l2::u64 height = 1;
  for (const Action& act : actions) {
    height += act.height_step;
    const Step step = to_step(state, act, height);
    const Outcome reference = apply_reference(state, step);
    const model::Engine::Outcome modelled = engine().apply(state, step);
    RC_ASSERT(modelled.problem.empty());
    RC_ASSERT(!modelled.ambiguous);
    const ChannelError expected = reference.ok() ? ChannelError::none : reference.error();
    RC_ASSERT(modelled.error == expected);
    ++tally.steps;
    if (!reference.ok()) {
      RC_ASSERT(l2::reflect::equal(modelled.post, state));
      continue;
    }
    ++tally.accepted;
    RC_ASSERT(l2::reflect::equal(modelled.post, reference.value()));
    state = reference.value();
  }
}

RC_GTEST_PROP(PaymentChannelModel, RandomTracesAgreeWithTheReference, ()) {
  const auto traces = *rc::gen::container<std::vector<std::vector<Action>>>(
      5, rc::gen::container<std::vector<Action>>(*rc::gen::inRange<std::size_t>(5, 30), action_gen()));
  Tally tally;
  for (const auto& actions : traces) validate_trace(actions, tally);
  RC_CLASSIFY(tally.accepted * 4 >= tally.steps, "at least a quarter of the steps accepted");
}

// A model that disagrees with the reference must be caught: the weakened model accepts an update
// at the registered sequence, which the reference rejects [PC-UPD-2].
TEST(PaymentChannelModel, AWeakenedModelDisagreesWithTheReference) {
  model::Engine weakened(model::Weakening::update_accepts_equal_sequence, toy);
  const payment_channel::Adjudicator state = adjudicator_with_one_funded_channel();
  const payment_channel::PaymentChannel& channel = state.channels[0];
  const std::array<l2::u64, 2> balances{5000, 5000};
  const l2::Hash32 digest = payment_channel::state_digest(state.chain_id, channel.channel_id, channel.sequence, balances);
  const Step step{payment_channel::op_code<payment_channel::Update>,
                  payment_channel::OffChainTransaction{channel.channel_id, channel.sequence, balances,
                                          {l2::test::toy_sign(keys[0], digest), l2::test::toy_sign(keys[1], digest)}},
                  5};
  EXPECT_EQ(apply_reference(state, step).error(), ChannelError::stale_sequence);
  EXPECT_EQ(weakened.apply(state, step).error, ChannelError::none);
  EXPECT_EQ(engine().apply(state, step).error, ChannelError::stale_sequence);
}

}  // namespace
