// Random traces through the payment-channel adjudicator, mixing valid and invalid inputs, keep the
// named invariants: conservation, funds in and out, consent (an open is registered only with both
// signatures of its opening state), sequence monotonicity, a fixed dispute deadline, the per-user
// limit, and "no funds locked forever" (from every reached state either participant alone ends
// every channel). Traces use l2::test::ToySignatureCheck so that thousands of steps stay fast; the
// last two properties run real BIP-340 signatures to check what the toy cannot: a signature binds
// the exact state it signed, the opening state included.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "l2/ref/payment_channel.hpp"
#include "l2/test/payment_channel_actions.hpp"
#include "l2/test/toy_signature.hpp"

namespace {

using l2::ChannelError;
using l2::Hash32;
using l2::u64;
namespace payment_channel = l2::ref::payment_channel;
using payment_channel::Adjudicator;
using payment_channel::ChannelState;
using payment_channel::Env;
using payment_channel::OffChainTransaction;
using Outcome = l2::Result<Adjudicator, ChannelError>;

using l2::test::payment_channel_actions::Action;
using l2::test::payment_channel_actions::action_gen;
using l2::test::payment_channel_actions::challenge_action;
using l2::test::payment_channel_actions::cooperative_close_action;
using l2::test::payment_channel_actions::empty_adjudicator;
using l2::test::payment_channel_actions::open_action;
using l2::test::payment_channel_actions::settle_action;
using l2::test::payment_channel_actions::update_action;
using l2::test::payment_channel_actions::key;
using l2::test::payment_channel_actions::keys;
using l2::test::payment_channel_actions::toy;

Outcome apply(const Adjudicator& a, const Action& act, u64 height) {
  return l2::test::payment_channel_actions::apply_reference(a, l2::test::payment_channel_actions::to_step(a, act, height));
}

bool terminal(ChannelState s) { return s == ChannelState::closed || s == ChannelState::settled; }

// Conservation holds for every channel of a state.
void check_conservation(const Adjudicator& a) {
  for (const payment_channel::PaymentChannel& c : a.channels) {
    const l2::Checked sum = l2::checked_add(c.balances[0], c.balances[1]);
    RC_ASSERT(!sum.overflow);
    RC_ASSERT(sum.value == c.total_capacity);
  }
}

// Every accepted step, compared channel by channel with its pre-state.
void check_step(const Adjudicator& before, const Adjudicator& after, const Action& act) {
  RC_ASSERT(after.channels.size() >= before.channels.size());
  RC_ASSERT(after.channels.size() <= before.channels.size() + 1);
  check_conservation(after);
  for (std::size_t i = 0; i < before.channels.size(); ++i) {
    const payment_channel::PaymentChannel& b = before.channels[i];
    const payment_channel::PaymentChannel& c = after.channels[i];
    RC_ASSERT(c.channel_id == b.channel_id);
    RC_ASSERT(c.participants == b.participants);
    RC_ASSERT(c.total_capacity == b.total_capacity);
    RC_ASSERT(c.sequence >= b.sequence);                    // sequence monotonicity
    RC_ASSERT(!terminal(b.state) || l2::reflect::equal(b, c));  // nothing is accepted once ended
    if (b.state == ChannelState::disputing && c.state == ChannelState::disputing)
      RC_ASSERT(c.dispute_deadline == b.dispute_deadline);  // the window never moves
    // Funds in, funds out: only a funded channel pays out (settles), only an unfunded one closes,
    // and only fund moves a channel from opening to holding its capacity.
    if (c.state == ChannelState::settled && b.state != ChannelState::settled) RC_ASSERT(payment_channel::holds_capacity(b.state));
    if (c.state == ChannelState::closed && b.state != ChannelState::closed) RC_ASSERT(b.state == ChannelState::opening);
    if (payment_channel::holds_capacity(c.state) && b.state == ChannelState::opening) RC_ASSERT(act.op == l2::test::payment_channel_actions::fund_action);
  }
  const std::size_t target = static_cast<std::size_t>(act.channel);
  if ((act.op == update_action || act.op == cooperative_close_action || act.op == challenge_action) &&
      target < before.channels.size())
    RC_ASSERT(after.channels[target].sequence > before.channels[target].sequence);
  if (after.channels.size() > before.channels.size()) {
    // Consent: the new channel's opening balances carry both participants' signatures.
    RC_ASSERT(act.op == open_action);
    const payment_channel::PaymentChannel& opened = after.channels.back();
    RC_ASSERT(opened.participants[0] != opened.participants[1]);
    RC_ASSERT(opened.sequence == 0u);
    RC_ASSERT(opened.state == ChannelState::opening);
    RC_ASSERT(std::count_if(before.channels.begin(), before.channels.end(),
                            [&](const payment_channel::PaymentChannel& c) { return c.channel_id == opened.channel_id; }) == 0);
    const Hash32 opening = payment_channel::state_digest(after.chain_id, opened.channel_id, 0, opened.balances);
    const payment_channel::OpenInput in = l2::test::payment_channel_actions::open_input(before, act);
    RC_ASSERT(toy(opened.participants[0], opening, in.signatures[0]));
    RC_ASSERT(toy(opened.participants[1], opening, in.signatures[1]));
  }
  for (const Hash32& user : keys) RC_ASSERT(payment_channel::live_channels_of(after, user) <= after.config.max_channels_per_user);
}

// Either participant alone, with only timeout and settle (no signature from anyone), ends every
// channel within two steps per channel; every funded channel ends settled.
void check_no_funds_locked_forever(const Adjudicator& start, u64 height) {
  Adjudicator a = start;
  std::size_t steps = 0;
  for (std::size_t i = 0; i < a.channels.size(); ++i) {
    const bool funded = payment_channel::holds_capacity(start.channels[i].state) || start.channels[i].state == ChannelState::settled;
    const Hash32 id = a.channels[i].channel_id;
    if (a.channels[i].state == ChannelState::opening || a.channels[i].state == ChannelState::active) {
      height = std::max(height, a.channels[i].timeout_height);
      const Outcome timed_out = payment_channel::apply_timeout(a, payment_channel::ChannelRef{id}, Env{height});
      RC_ASSERT(timed_out.ok());
      a = timed_out.value();
      ++steps;
    }
    if (a.channels[i].state == ChannelState::disputing) {
      height = std::max(height, a.channels[i].dispute_deadline);
      const Outcome settled = payment_channel::apply_settle(a, payment_channel::ChannelRef{id}, Env{height});
      RC_ASSERT(settled.ok());
      a = settled.value();
      ++steps;
    }
    RC_ASSERT(terminal(a.channels[i].state));
    // A funded channel pays out; an unfunded one took nothing and ends closed.
    RC_ASSERT(a.channels[i].state == (funded ? ChannelState::settled : ChannelState::closed));
  }
  RC_ASSERT(steps <= 2 * a.channels.size());
  check_conservation(a);
}

RC_GTEST_PROP(PaymentChannelProperty, RandomTracesKeepTheInvariants, ()) {
  const auto actions = *rc::gen::container<std::vector<Action>>(*rc::gen::inRange<std::size_t>(20, 80), action_gen());
  // Every trace starts with one funded channel between keys 0 and 1, so that random actions reach
  // updates, disputes and settlements instead of mostly failing to find a channel.
  Adjudicator state = l2::test::payment_channel_actions::adjudicator_with_one_funded_channel();
  u64 height = 1;
  std::size_t accepted = 0, challenges = 0, settlements = 0, opens = 0, disputed_closes = 0;
  for (const Action& act : actions) {
    height += act.height_step;
    const Adjudicator before = state;
    const Outcome result = apply(state, act, height);
    RC_ASSERT(l2::reflect::equal(before, state));  // the pre-state is never touched
    if (!result.ok()) {
      RC_ASSERT(result.error() != ChannelError::none);
      continue;
    }
    ++accepted;
    if (act.op == challenge_action) ++challenges;
    if (act.op == settle_action) ++settlements;
    if (act.op == open_action) ++opens;
    const std::size_t target = static_cast<std::size_t>(act.channel);
    if (act.op == cooperative_close_action && state.channels[target].state == ChannelState::disputing) ++disputed_closes;
    check_step(before, result.value(), act);
    state = result.value();
    check_no_funds_locked_forever(state, height);
  }
  RC_CLASSIFY(accepted == 0, "no step accepted");
  RC_CLASSIFY(challenges > 0, "a challenge was accepted");
  RC_CLASSIFY(settlements > 0, "a dispute settled");
  RC_CLASSIFY(opens > 0, "a signed open was accepted");
  RC_CLASSIFY(disputed_closes > 0, "a dispute ended by a cooperative close");
}

// Latest state wins: the honest participant holds the latest co-signed state (sequence n). The
// other publishes any older co-signed state it kept (sequence k <= n) and keeps challenging with
// old states; the honest answer, at any height below the deadline, is what settles.
RC_GTEST_PROP(PaymentChannelProperty, LatestStateWinsWithinTheWindow, ()) {
  Adjudicator a = l2::test::payment_channel_actions::adjudicator_with_one_funded_channel();
  const Hash32 id = a.channels[0].channel_id;
  const auto signed_state = [&](u64 sequence, u64 to_first) {
    const std::array<u64, 2> balances{to_first, 10000 - to_first};
    const Hash32 digest = payment_channel::state_digest(a.chain_id, id, sequence, balances);
    return OffChainTransaction{id, sequence, balances, {l2::test::toy_sign(keys[0], digest), l2::test::toy_sign(keys[1], digest)}};
  };
  const u64 latest_sequence = *rc::gen::inRange<u64>(1, 1000);
  const OffChainTransaction latest = signed_state(latest_sequence, *rc::gen::inRange<u64>(0, 10001));
  const u64 stale_sequence = *rc::gen::inRange<u64>(0, latest_sequence);
  const u64 force_height = *rc::gen::inRange<u64>(2, 1000);
  a = payment_channel::apply_force_close(a, signed_state(stale_sequence, *rc::gen::inRange<u64>(0, 10001)), Env{force_height}, toy).value();
  const u64 deadline = a.channels[0].dispute_deadline;
  RC_ASSERT(deadline == force_height + a.config.dispute_period_blocks);

  const u64 answer_height = *rc::gen::inRange<u64>(force_height, deadline);
  a = payment_channel::apply_challenge(a, latest, Env{answer_height}, toy).value();
  const auto replays = *rc::gen::container<std::vector<u64>>(*rc::gen::inRange<std::size_t>(0, 5), rc::gen::inRange<u64>(0, latest_sequence + 1));
  for (const u64 old_sequence : replays) {
    const Outcome replay = payment_channel::apply_challenge(a, signed_state(old_sequence, 10000), Env{answer_height}, toy);
    RC_ASSERT(replay.error() == ChannelError::challenge_stale_sequence);
  }
  RC_ASSERT(payment_channel::apply_settle(a, payment_channel::ChannelRef{id}, Env{deadline - 1}).error() == ChannelError::settle_too_early);
  a = payment_channel::apply_settle(a, payment_channel::ChannelRef{id}, Env{deadline}).value();
  RC_ASSERT(a.channels[0].state == ChannelState::settled);
  RC_ASSERT(a.channels[0].sequence == latest_sequence);
  RC_ASSERT(a.channels[0].balances == latest.new_balances);
}

// A cooperative close is what both participants want, so it ends a dispute at any height: before
// the deadline, at it, after it, long after it. It still has to be newer than the disputed state.
RC_GTEST_PROP(PaymentChannelProperty, CooperativeCloseEndsADisputeAtAnyHeight, ()) {
  Adjudicator a = l2::test::payment_channel_actions::adjudicator_with_one_funded_channel();
  const Hash32 id = a.channels[0].channel_id;
  const auto signed_state = [&](u64 sequence, u64 to_first, bool close) {
    const std::array<u64, 2> balances{to_first, 10000 - to_first};
    const Hash32 digest = close ? payment_channel::close_digest(a.chain_id, id, sequence, balances)
                                : payment_channel::state_digest(a.chain_id, id, sequence, balances);
    return OffChainTransaction{id, sequence, balances, {l2::test::toy_sign(keys[0], digest), l2::test::toy_sign(keys[1], digest)}};
  };
  const u64 disputed_sequence = *rc::gen::inRange<u64>(0, 100);
  const u64 force_height = *rc::gen::inRange<u64>(2, 1000);
  a = payment_channel::apply_force_close(a, signed_state(disputed_sequence, *rc::gen::inRange<u64>(0, 10001), false),
                            Env{force_height}, toy).value();
  const u64 deadline = a.channels[0].dispute_deadline;
  const u64 live_before = payment_channel::live_channels_of(a, keys[0]);

  // The window's edges (deadline - 1 is the last challenge height, deadline the first settle
  // height), the dispute's own block, and any later height.
  const u64 close_height = *rc::gen::oneOf(rc::gen::element<u64>(u64{force_height}, deadline - 1, u64{deadline}, deadline + 1),
                                           rc::gen::inRange<u64>(force_height, deadline + 10000));
  // Sequences around the disputed one: -1 and 0 are stale, +1 is the first accepted.
  const u64 close_sequence = *rc::gen::inRange<u64>(disputed_sequence == 0 ? 0 : disputed_sequence - 1, disputed_sequence + 3);
  const OffChainTransaction close = signed_state(close_sequence, *rc::gen::inRange<u64>(0, 10001), true);
  const Outcome closed = payment_channel::apply_cooperative_close(a, close, Env{close_height}, toy);
  if (close_sequence <= disputed_sequence) {
    RC_ASSERT(closed.error() == ChannelError::coop_stale_sequence);
    return;
  }
  RC_ASSERT(closed.ok());
  const payment_channel::PaymentChannel& c = closed.value().channels[0];
  RC_ASSERT(c.state == ChannelState::settled);
  RC_ASSERT(c.balances == close.new_balances);
  RC_ASSERT(c.sequence == close_sequence);
  RC_ASSERT(c.dispute_deadline == deadline);
  RC_ASSERT(payment_channel::live_channels_of(closed.value(), keys[0]) == live_before - 1);
  RC_ASSERT(payment_channel::apply_settle(closed.value(), payment_channel::ChannelRef{id}, Env{close_height}).error() ==
            ChannelError::settle_not_disputing);
  RC_ASSERT(payment_channel::apply_challenge(closed.value(), signed_state(close_sequence + 1, 0, false), Env{close_height}, toy).error() ==
            ChannelError::challenge_not_disputing);
}

payment_channel::Signature bip340_sign(const Hash32& secret, const Hash32& digest) {
  return l2::ref::bip340::sign(secret, digest, Hash32{}).value();
}

// An open signed with real BIP-340 by both participants over its sequence-0 state.
payment_channel::OpenInput signed_open(const Adjudicator& a, const std::array<Hash32, 2>& secrets, const std::array<Hash32, 2>& participants,
                          const std::array<u64, 2>& balances, u64 nonce) {
  const Hash32 id = payment_channel::channel_id(a.chain_id, a.adjudicator_id, participants, nonce);
  const Hash32 digest = payment_channel::state_digest(a.chain_id, id, 0, balances);
  return payment_channel::OpenInput{participants, balances, balances[0] + balances[1], nonce,
                       {bip340_sign(secrets[0], digest), bip340_sign(secrets[1], digest)}};
}

// Real BIP-340: an open is registered for exactly the opening state both keys signed. Another split
// of the same capacity, another nonce, the participants in the other order, another chain or
// adjudicator: participant 0's signature fails first. An outsider's signature in slot 1 fails PC-SIG-2.
RC_GTEST_PROP(PaymentChannelProperty, Bip340OpeningSignaturesBindTheOpeningState, ()) {
  const l2::Bytes seed = *rc::gen::container<l2::Bytes>(8, rc::gen::arbitrary<l2::u8>());
  std::array<Hash32, 3> secret{}, pubkey{};
  for (l2::u32 i = 0; i < 3; ++i) {
    secret[i] = l2::ref::bip340::secret_from_seed(seed, i);
    pubkey[i] = l2::ref::bip340::pubkey_from_secret(secret[i]).value();
  }
  const Adjudicator a = empty_adjudicator();
  const u64 capacity = *rc::gen::element<u64>(u64{1}, u64{10000}, l2::u64_max);
  const u64 to_p0 = *rc::gen::inRange<u64>(0, capacity);
  const std::array<u64, 2> balances{to_p0, capacity - to_p0};
  const u64 nonce = *rc::gen::arbitrary<u64>();
  const payment_channel::OpenInput good = signed_open(a, {secret[0], secret[1]}, {pubkey[0], pubkey[1]}, balances, nonce);
  const Outcome opened = payment_channel::apply_open(a, good, Env{3});
  RC_ASSERT(opened.ok());
  RC_ASSERT(opened.value().channels[0].balances == balances);

  payment_channel::OpenInput changed = good;
  Adjudicator target = a;
  const int field = *rc::gen::inRange(0, 6);
  switch (field) {
    case 0:  // one unit moved to the other participant: the same capacity, another split
      changed.balances = balances[1] > 0 ? std::array<u64, 2>{balances[0] + 1, balances[1] - 1}
                                         : std::array<u64, 2>{balances[0] - 1, balances[1] + 1};
      break;
    case 1: changed.nonce = nonce + 1; break;
    case 2:
      std::swap(changed.participants[0], changed.participants[1]);
      std::swap(changed.signatures[0], changed.signatures[1]);
      break;
    case 3: target.chain_id = a.chain_id + 1; break;
    case 4: target.adjudicator_id[0] ^= 1; break;
    default: {
      const Hash32 id = payment_channel::channel_id(a.chain_id, a.adjudicator_id, good.participants, nonce);
      changed.signatures[1] = bip340_sign(secret[2], payment_channel::state_digest(a.chain_id, id, 0, balances));
    }
  }
  const Outcome replayed = payment_channel::apply_open(target, changed, Env{3});
  RC_ASSERT(replayed.error() == (field == 5 ? ChannelError::bad_signature_1 : ChannelError::bad_signature_0));
}

// Real BIP-340: a co-signed update is accepted for exactly the state both keys signed, and changing
// any signed field or the chain makes participant 0's signature fail first.
RC_GTEST_PROP(PaymentChannelProperty, Bip340SignaturesBindTheSignedState, ()) {
  const l2::Bytes seed = *rc::gen::container<l2::Bytes>(8, rc::gen::arbitrary<l2::u8>());
  const Hash32 secret0 = l2::ref::bip340::secret_from_seed(seed, 0), secret1 = l2::ref::bip340::secret_from_seed(seed, 1);
  const Hash32 p0 = l2::ref::bip340::pubkey_from_secret(secret0).value(), p1 = l2::ref::bip340::pubkey_from_secret(secret1).value();
  Adjudicator a = empty_adjudicator();
  const u64 capacity = *rc::gen::element<u64>(u64{1}, u64{10000}, l2::u64_max);
  a = payment_channel::apply_open(a, signed_open(a, {secret0, secret1}, {p0, p1}, {capacity, 0}, 0), Env{1}).value();
  const Hash32 id = a.channels[0].channel_id;
  a = payment_channel::apply_fund(a, payment_channel::FundInput{id, capacity}, Env{2}).value();

  const u64 sequence = *rc::gen::inRange<u64>(1, l2::u64_max);
  const u64 to_p0 = *rc::gen::inRange<u64>(0, capacity);
  const std::array<u64, 2> balances{to_p0, capacity - to_p0};
  const Hash32 digest = payment_channel::state_digest(a.chain_id, id, sequence, balances);
  const OffChainTransaction good{id, sequence, balances,
                                 {l2::ref::bip340::sign(secret0, digest, Hash32{}).value(),
                                  l2::ref::bip340::sign(secret1, digest, Hash32{}).value()}};
  RC_ASSERT(payment_channel::apply_update(a, good, Env{3}).ok());

  OffChainTransaction changed = good;
  const int field = *rc::gen::inRange(0, 3);
  if (field == 0) changed.sequence_number = sequence == l2::u64_max ? sequence - 1 : sequence + 1;
  if (field == 1) changed.new_balances = {balances[1], balances[0]};
  Adjudicator other_chain = a;
  other_chain.chain_id = 2;
  const Adjudicator& target = field == 2 ? other_chain : a;
  const Outcome replayed = payment_channel::apply_update(target, changed, Env{3});
  if (field == 1 && balances[0] == balances[1]) {
    RC_ASSERT(replayed.ok());  // swapping equal balances changes nothing that was signed
  } else if (field == 0 && changed.sequence_number <= a.channels[0].sequence) {
    RC_ASSERT(replayed.error() == ChannelError::stale_sequence);
  } else {
    RC_ASSERT(replayed.error() == ChannelError::bad_signature_0);
  }
}

}  // namespace
