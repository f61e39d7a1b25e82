// The state-channel adjudicator with real BIP-340 signatures made by libsecp256k1, independent of
// the reference's own verifier. Every rule of state_channel.md accepts at its boundary and rejects
// one step past it, in the spec's order; and each attack of the spec's "Attacks considered" table is
// played out: a move out of turn, a stale checkpoint, repeated challenges used for griefing, an
// equal-turn response, a participant who stops moving, a channel never funded, an outsider's
// challenge, a signature from another channel, and a double withdrawal.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <utility>
#include <string>
#include <vector>

#include "l2/ref/state_channel.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::StateChannelError;
using l2::u64;
namespace state_channel = l2::ref::state_channel;
using state_channel::Adjudicator;
using state_channel::ChallengeInput;
using state_channel::Channel;
using state_channel::ChannelPhase;
using state_channel::ConcludeInput;
using state_channel::DepositInput;
using state_channel::Env;
using state_channel::FixedPart;
using state_channel::OpenInput;
using state_channel::SignedState;
using state_channel::StateChannelConfig;
using state_channel::SupportInput;
using state_channel::VariablePart;
using state_channel::WithdrawInput;

constexpr u64 chain = 11;
constexpr u64 censorship_bound = 10;
constexpr u64 min_duration = 20;
constexpr u64 max_duration = 1000;
constexpr u64 max_participants = 4;
constexpr u64 max_app_data = 64;
constexpr u64 duration = 100;
constexpr u64 move_gas = 1000;

// Participants 0, 1, 2 are keys 0, 1, 2; key 3 is an outsider, and key 4 ... are unused.
using Keys = l2::test::KeyPool<5>;
constexpr std::size_t outsider = 3;

const Keys& keys() {
  static const Keys pool = Keys::make("state_channel_test");
  return pool;
}

Hash32 adjudicator_id() {
  Hash32 id{};
  id[0] = 0xAD;
  return id;
}

// A test application, not the consensus one: a move is valid when it keeps the outcome and appends
// exactly one byte to app_data. It is here so that moves (signed by one mover) can be supported.
Hash32 append_app() {
  Hash32 id{};
  id[31] = 0xA1;
  return id;
}

struct AppendApp {
  bool knows(const Hash32& app) const { return app == append_app() || app == state_channel::consensus_app; }
  bool valid_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) const {
    if (fixed.app_definition != append_app()) return false;
    if (to.outcome != from.outcome || to.app_data.size() != from.app_data.size() + 1) return false;
    return std::equal(from.app_data.begin(), from.app_data.end(), to.app_data.begin());
  }
};

StateChannelConfig config() {
  return {censorship_bound, min_duration, max_duration, max_participants, max_app_data, move_gas};
}

Adjudicator deployed() {
  const auto adjudicator = state_channel::deploy({chain, adjudicator_id(), config()});
  EXPECT_TRUE(adjudicator.ok());
  return adjudicator.value();
}

FixedPart fixed_part(std::size_t n = 3, Hash32 app = append_app(), u64 challenge_duration = duration, u64 nonce = 1) {
  FixedPart fixed{chain, adjudicator_id(), {}, nonce, app, challenge_duration};
  for (std::size_t i = 0; i < n; ++i) fixed.participants.push_back(keys().pubkey[i]);
  return fixed;
}

VariablePart state(u64 turn, std::vector<u64> outcome = {100, 200, 300}, Bytes app_data = {}, bool is_final = false) {
  return VariablePart{turn, std::move(app_data), std::move(outcome), is_final};
}

SignedState signed_by_all(const FixedPart& fixed, const VariablePart& s) {
  const Hash32 digest = state_channel::state_digest(state_channel::channel_id(fixed), s);
  SignedState out{s, {}};
  for (std::size_t i = 0; i < fixed.participants.size(); ++i)
    out.signatures.push_back(keys().sign(keys().index_of(fixed.participants[i]), digest));
  return out;
}

SignedState signed_by(const FixedPart& fixed, const VariablePart& s, std::size_t key) {
  return SignedState{s, {keys().sign(key, state_channel::state_digest(state_channel::channel_id(fixed), s))}};
}

SignedState signed_by_mover(const FixedPart& fixed, const VariablePart& s) {
  return signed_by(fixed, s, keys().index_of(fixed.participants[state_channel::mover_index(fixed, s.turn)]));
}

SignedState unsigned_state(const VariablePart& s) { return SignedState{s, {}}; }

// The state after `turn` moves of the append app from the opening state: app_data is `turn` bytes.
VariablePart appended(u64 turn, std::vector<u64> outcome = {100, 200, 300}) {
  Bytes data;
  for (u64 i = 0; i < turn; ++i) data.push_back(static_cast<l2::u8>(i));
  return state(turn, std::move(outcome), std::move(data));
}

using Transition = l2::Result<Adjudicator, StateChannelError>;

StateChannelError error_of(const Transition& t) { return t.ok() ? StateChannelError::none : t.error(); }

Transition open(const Adjudicator& a, const OpenInput& in, u64 height = 1) {
  return state_channel::apply_open(a, in, Env{height}, state_channel::Bip340Check{}, AppendApp{});
}
Transition checkpoint(const Adjudicator& a, const SupportInput& in, u64 height) {
  return state_channel::apply_checkpoint(a, in, Env{height}, state_channel::Bip340Check{}, AppendApp{});
}
Transition respond(const Adjudicator& a, const SupportInput& in, u64 height) {
  return state_channel::apply_respond(a, in, Env{height}, state_channel::Bip340Check{}, AppendApp{});
}
Transition challenge(const Adjudicator& a, const ChallengeInput& in, u64 height) {
  return state_channel::apply_challenge(a, in, Env{height}, state_channel::Bip340Check{}, AppendApp{});
}

ChallengeInput challenge_input(const FixedPart& fixed, std::vector<SignedState> proof, std::size_t challenger) {
  const Hash32 id = state_channel::channel_id(fixed);
  const Hash32 digest = state_channel::challenge_digest(id, proof.back().state);
  return ChallengeInput{id, std::move(proof), challenger, keys().sign(keys().index_of(fixed.participants[challenger]), digest)};
}

// A deployed adjudicator with one 3-party append-app channel opened on `opening` and fully funded.
struct World {
  FixedPart fixed = fixed_part();
  Hash32 id = state_channel::channel_id(fixed);
  Adjudicator adjudicator;

  explicit World(bool funded = true, VariablePart opening = state(0)) {
    adjudicator = open(deployed(), OpenInput{fixed, signed_by_all(fixed, opening)}).value();
    if (!funded) return;
    for (std::size_t i = 0; i < 3; ++i)
      adjudicator = state_channel::apply_deposit(adjudicator, DepositInput{id, i, opening.outcome[i]}, Env{2}).value();
  }
  const Channel& channel() const { return adjudicator.channels.front(); }
};

// ---- the spec ----

TEST(StateChannelSpec, EveryErrorHasItsRuleRowAndNoRowLacksAnError) {
  l2::test::expect_rule_table_matches(l2::all_state_channel_errors, "state_channel.md", "SC");
}

// ---- deploy ----

TEST(StateChannelDeploy, EveryConfigurationRuleAtItsBoundary) {
  const auto deploy_error = [](StateChannelConfig c) {
    const auto result = state_channel::deploy({chain, adjudicator_id(), c});
    return result.ok() ? StateChannelError::none : result.error();
  };
  StateChannelConfig c = config();
  EXPECT_EQ(deploy_error(c), StateChannelError::none);
  c.censorship_bound_blocks = 0;
  EXPECT_EQ(deploy_error(c), StateChannelError::config_censorship_bound);
  c = config();
  c.censorship_bound_blocks = 1;
  c.min_challenge_duration = 2;
  EXPECT_EQ(deploy_error(c), StateChannelError::none);
  c.min_challenge_duration = 1;  // equal to the censorship bound
  EXPECT_EQ(deploy_error(c), StateChannelError::config_challenge_duration);
  c = config();
  c.max_challenge_duration = c.min_challenge_duration;
  EXPECT_EQ(deploy_error(c), StateChannelError::none);
  c.max_challenge_duration = c.min_challenge_duration - 1;
  EXPECT_EQ(deploy_error(c), StateChannelError::config_challenge_duration);
  c = config();
  c.max_challenge_duration = (u64{1} << 32) - 1;
  EXPECT_EQ(deploy_error(c), StateChannelError::none);
  c.max_challenge_duration = u64{1} << 32;
  EXPECT_EQ(deploy_error(c), StateChannelError::config_challenge_duration);
  for (const u64 participants : {u64{1}, u64{2}, u64{64}, u64{65}}) {
    c = config();
    c.max_participants = participants;
    EXPECT_EQ(deploy_error(c), participants == 2 || participants == 64 ? StateChannelError::none
                                                                        : StateChannelError::config_participants)
        << participants;
  }
  for (const u64 gas : {u64{0}, u64{1}, u64{1} << 24, (u64{1} << 24) + 1}) {
    c = config();
    c.move_gas_limit = gas;
    EXPECT_EQ(deploy_error(c), gas == 0 || gas > (u64{1} << 24) ? StateChannelError::config_move_gas
                                                                 : StateChannelError::none)
        << gas;
  }
  for (const u64 bytes : {u64{0}, u64{1}, u64{65536}, u64{65537}}) {
    c = config();
    c.max_app_data_bytes = bytes;
    EXPECT_EQ(deploy_error(c), bytes == 1 || bytes == 65536 ? StateChannelError::none
                                                             : StateChannelError::config_app_data)
        << bytes;
  }
}

// ---- open ----

TEST(StateChannelOpen, OpensWithEveryFieldAsTheSpecSays) {
  const World world(false, state(0, {5, 0, 7}, {1, 2}));
  const Channel& c = world.channel();
  EXPECT_EQ(c.channel_id, world.id);
  EXPECT_EQ(c.total, 12u);
  ASSERT_EQ(c.holdings.size(), 3u);
  EXPECT_EQ(c.holdings[0].funding, 5u);
  EXPECT_EQ(c.holdings[1].funding, 0u);
  EXPECT_EQ(c.holdings[2].funding, 7u);
  for (const auto& h : c.holdings) {
    EXPECT_EQ(h.deposited, 0u);
    EXPECT_FALSE(h.withdrawn);
  }
  EXPECT_EQ(c.phase, ChannelPhase::open);
  EXPECT_EQ(c.registered.turn, 0u);
  EXPECT_EQ(c.registered.app_data, (Bytes{1, 2}));
  EXPECT_EQ(c.finalizes_at, 0u);
}

TEST(StateChannelOpen, EveryRuleInOrder) {
  const Adjudicator a = deployed();
  const auto open_error = [&](const FixedPart& fixed, const SignedState& opening) {
    return error_of(open(a, OpenInput{fixed, opening}));
  };
  const FixedPart good = fixed_part();
  EXPECT_EQ(open_error(good, signed_by_all(good, state(0))), StateChannelError::none);

  FixedPart f = good;
  f.chain_id = chain + 1;
  EXPECT_EQ(open_error(f, signed_by_all(f, state(0))), StateChannelError::open_binding);
  f = good;
  f.adjudicator_id[5] ^= 1;
  EXPECT_EQ(open_error(f, signed_by_all(f, state(0))), StateChannelError::open_binding);

  // SC-OPEN-2: 2 and max_participants accepted, 1 and max_participants + 1 refused.
  for (const std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{4}, std::size_t{5}}) {
    f = fixed_part(n);
    const std::vector<u64> outcome(n, 1);
    const StateChannelError expected =
        n == 2 || n == 4 ? StateChannelError::none : StateChannelError::open_participant_count;
    EXPECT_EQ(open_error(f, signed_by_all(f, state(0, outcome))), expected) << n;
  }
  f = good;
  f.participants[2] = f.participants[0];
  EXPECT_EQ(open_error(f, signed_by_all(f, state(0))), StateChannelError::open_duplicate_participant);

  // SC-OPEN-4 at min - 1, min, max, max + 1.
  for (const u64 d : {min_duration - 1, min_duration, max_duration, max_duration + 1}) {
    f = fixed_part(3, append_app(), d);
    const StateChannelError expected = d == min_duration || d == max_duration
                                           ? StateChannelError::none
                                           : StateChannelError::open_challenge_duration;
    EXPECT_EQ(open_error(f, signed_by_all(f, state(0))), expected) << d;
  }
  Hash32 unknown = append_app();
  unknown[0] = 1;
  f = fixed_part(3, unknown);
  EXPECT_EQ(open_error(f, signed_by_all(f, state(0))), StateChannelError::open_unknown_app);
  f = fixed_part(3, state_channel::consensus_app);
  EXPECT_EQ(open_error(f, signed_by_all(f, state(0))), StateChannelError::none);

  EXPECT_EQ(open_error(good, signed_by_all(good, state(1))), StateChannelError::open_not_initial);
  EXPECT_EQ(open_error(good, signed_by_all(good, state(0, {100, 200, 300}, {}, true))),
            StateChannelError::open_not_initial);

  const u64 max = ~u64{0};
  EXPECT_EQ(open_error(good, signed_by_all(good, state(0, {max, 0, 0}))), StateChannelError::none);
  EXPECT_EQ(open_error(good, signed_by_all(good, state(0, {max, 1, 0}))), StateChannelError::open_total_overflow);

  EXPECT_EQ(open_error(good, signed_by_all(good, state(0, {1, 2}))), StateChannelError::state_outcome_length);
  EXPECT_EQ(open_error(good, signed_by_all(good, state(0, {1, 2, 3, 0}))), StateChannelError::state_outcome_length);
  EXPECT_EQ(open_error(good, signed_by_all(good, state(0, {1, 2, 3}, Bytes(max_app_data, 0)))),
            StateChannelError::none);
  EXPECT_EQ(open_error(good, signed_by_all(good, state(0, {1, 2, 3}, Bytes(max_app_data + 1, 0)))),
            StateChannelError::state_app_data_size);

  const Adjudicator once = open(a, OpenInput{good, signed_by_all(good, state(0))}).value();
  EXPECT_EQ(error_of(open(once, OpenInput{good, signed_by_all(good, state(0))})), StateChannelError::open_duplicate);
  f = fixed_part(3, append_app(), duration, 2);  // another nonce is another channel
  EXPECT_EQ(error_of(open(once, OpenInput{f, signed_by_all(f, state(0))})), StateChannelError::none);

  SignedState opening = signed_by_all(good, state(0));
  opening.signatures.pop_back();
  EXPECT_EQ(open_error(good, opening), StateChannelError::signature_count);
  opening = signed_by_all(good, state(0));
  opening.signatures.push_back(opening.signatures[0]);
  EXPECT_EQ(open_error(good, opening), StateChannelError::signature_count);
  for (std::size_t i = 0; i < 3; ++i) {
    opening = signed_by_all(good, state(0));
    opening.signatures[i] = keys().sign(outsider, state_channel::state_digest(state_channel::channel_id(good), state(0)));
    EXPECT_EQ(open_error(good, opening), StateChannelError::bad_signature) << i;
  }
  // The signatures are in participant order.
  opening = signed_by_all(good, state(0));
  std::swap(opening.signatures[0], opening.signatures[1]);
  EXPECT_EQ(open_error(good, opening), StateChannelError::bad_signature);
}

// ---- deposit ----

TEST(StateChannelDeposit, EveryRuleAtItsBoundary) {
  const World world(false);
  const auto deposit = [&](const Adjudicator& a, Hash32 id, u64 participant, u64 amount, u64 height = 5) {
    return state_channel::apply_deposit(a, DepositInput{id, participant, amount}, Env{height});
  };
  Hash32 other = world.id;
  other[0] ^= 1;
  EXPECT_EQ(error_of(deposit(world.adjudicator, other, 0, 1)), StateChannelError::unknown_channel);
  EXPECT_EQ(error_of(deposit(world.adjudicator, world.id, 2, 1)), StateChannelError::none);
  EXPECT_EQ(error_of(deposit(world.adjudicator, world.id, 3, 1)), StateChannelError::deposit_participant);
  EXPECT_EQ(error_of(deposit(world.adjudicator, world.id, 0, 0)), StateChannelError::deposit_zero);
  // Funding of participant 0 is 100: 99 then 1 reach it, 1 more exceeds it.
  const Adjudicator partly = deposit(world.adjudicator, world.id, 0, 99).value();
  EXPECT_EQ(partly.channels[0].holdings[0].deposited, 99u);
  const Adjudicator full = deposit(partly, world.id, 0, 1).value();
  EXPECT_EQ(full.channels[0].holdings[0].deposited, 100u);
  EXPECT_EQ(error_of(deposit(partly, world.id, 0, 2)), StateChannelError::deposit_excess);
  EXPECT_EQ(error_of(deposit(full, world.id, 0, 1)), StateChannelError::deposit_excess);
  EXPECT_EQ(error_of(deposit(partly, world.id, 0, ~u64{0})), StateChannelError::deposit_excess);

  // SC-DEP-1: accepted one block before the challenge finalizes, refused at it.
  const Adjudicator challenged =
      challenge(world.adjudicator, challenge_input(world.fixed, {unsigned_state(state(0))}, 0), 10).value();
  EXPECT_EQ(error_of(deposit(challenged, world.id, 0, 1, 10 + duration - 1)), StateChannelError::none);
  EXPECT_EQ(error_of(deposit(challenged, world.id, 0, 1, 10 + duration)), StateChannelError::deposit_finalized);
}

// ---- support ----

TEST(StateChannelSupport, MovesFromAStateSignedByAllAreSupported) {
  World world;
  // All signed at 0, then moves 1 and 2 by their movers: a proof of three states (n = 3).
  const SupportInput proof{world.id,
                           {signed_by_all(world.fixed, appended(0)), signed_by_mover(world.fixed, appended(1)),
                            signed_by_mover(world.fixed, appended(2))}};
  const Adjudicator next = checkpoint(world.adjudicator, proof, 5).value();
  EXPECT_EQ(next.channels[0].registered.turn, 2u);
  EXPECT_EQ(next.channels[0].phase, ChannelPhase::open);
}

TEST(StateChannelSupport, EveryRuleInOrder) {
  World world;
  const FixedPart& f = world.fixed;
  const auto ckpt = [&](std::vector<SignedState> proof) {
    return error_of(checkpoint(world.adjudicator, SupportInput{world.id, std::move(proof)}, 5));
  };
  // SC-SUP-1: 0 states, n states (accepted), n + 1 states.
  EXPECT_EQ(ckpt({}), StateChannelError::support_length);
  EXPECT_EQ(ckpt({signed_by_all(f, appended(0)), signed_by_mover(f, appended(1)), signed_by_mover(f, appended(2))}),
            StateChannelError::none);
  EXPECT_EQ(ckpt({signed_by_all(f, appended(0)), signed_by_mover(f, appended(1)), signed_by_mover(f, appended(2)),
                  signed_by_mover(f, appended(3))}),
            StateChannelError::support_length);
  // SC-STATE-*: the checks run on every state, the first included.
  EXPECT_EQ(ckpt({signed_by_all(f, state(1, {100, 200}))}), StateChannelError::state_outcome_length);
  EXPECT_EQ(ckpt({signed_by_all(f, state(1, {100, 200, 301}))}), StateChannelError::state_outcome_total);
  EXPECT_EQ(ckpt({signed_by_all(f, state(1, {100, 200, 299}))}), StateChannelError::state_outcome_total);
  EXPECT_EQ(ckpt({signed_by_all(f, state(1, {0, 0, 600}))}), StateChannelError::none);
  EXPECT_EQ(ckpt({signed_by_all(f, appended(0)), signed_by_mover(f, state(1, {100, 200, 300}, Bytes(max_app_data + 1, 0)))}),
            StateChannelError::state_app_data_size);
  // SC-SUP-2
  EXPECT_EQ(ckpt({signed_by_all(f, state(1, {100, 200, 300}, {}, true))}), StateChannelError::support_final);
  // SC-SUP-3: turn + 2 and the same turn are refused.
  EXPECT_EQ(ckpt({signed_by_all(f, appended(1)), signed_by_mover(f, state(3, {100, 200, 300}, {0, 1}))}),
            StateChannelError::support_turns);
  EXPECT_EQ(ckpt({signed_by_all(f, appended(1)), signed_by_mover(f, state(1, {100, 200, 300}, {0, 1}))}),
            StateChannelError::support_turns);
  // SC-SUP-4: an unsigned anchor must be the registered state (turn 0, no data).
  EXPECT_EQ(ckpt({unsigned_state(appended(0)), signed_by_mover(f, appended(1))}), StateChannelError::none);
  EXPECT_EQ(ckpt({unsigned_state(state(0, {100, 200, 300}, {9})),
                  signed_by_mover(f, state(1, {100, 200, 300}, {9, 9}))}),
            StateChannelError::support_anchor);
  // SC-SUP-5: the application refuses a move that changes the outcome.
  EXPECT_EQ(ckpt({signed_by_all(f, appended(0)), signed_by_mover(f, appended(1, {101, 199, 300}))}),
            StateChannelError::support_app);
  // SC-SIG-1, SC-SIG-2 on a signed first state.
  SignedState first = signed_by_all(f, appended(1));
  first.signatures.pop_back();
  EXPECT_EQ(ckpt({first}), StateChannelError::signature_count);
  first = signed_by_all(f, appended(1));
  first.signatures[2] = first.signatures[1];
  EXPECT_EQ(ckpt({first}), StateChannelError::bad_signature);
  // SC-SUP-6: a move with no signature, or with two.
  SignedState move = signed_by_mover(f, appended(1));
  move.signatures.clear();
  EXPECT_EQ(ckpt({unsigned_state(appended(0)), move}), StateChannelError::support_mover_count);
  move = signed_by_mover(f, appended(1));
  move.signatures.push_back(move.signatures[0]);
  EXPECT_EQ(ckpt({unsigned_state(appended(0)), move}), StateChannelError::support_mover_count);
}

TEST(StateChannel, MoveOutOfTurnIsRejected) {
  World world;
  const FixedPart& f = world.fixed;
  // Turn 1's mover is participant 1; each other participant's and the outsider's signature fails.
  for (const std::size_t signer : {std::size_t{0}, std::size_t{2}, outsider}) {
    const SupportInput proof{world.id, {unsigned_state(appended(0)), signed_by(f, appended(1), signer)}};
    EXPECT_EQ(error_of(checkpoint(world.adjudicator, proof, 5)), StateChannelError::support_mover_signature) << signer;
  }
  // Turn 4's mover is participant 1 again (4 mod 3).
  const Adjudicator at3 = checkpoint(world.adjudicator, SupportInput{world.id, {signed_by_all(f, appended(3))}}, 5).value();
  EXPECT_EQ(error_of(checkpoint(at3, SupportInput{world.id, {unsigned_state(appended(3)), signed_by(f, appended(4), 1)}}, 6)),
            StateChannelError::none);
  EXPECT_EQ(error_of(checkpoint(at3, SupportInput{world.id, {unsigned_state(appended(3)), signed_by(f, appended(4), 0)}}, 6)),
            StateChannelError::support_mover_signature);
}

TEST(StateChannel, SignatureOfAnotherChannelIsRejected) {
  World world;
  const FixedPart other = fixed_part(3, append_app(), duration, 2);
  EXPECT_NE(state_channel::channel_id(other), world.id);
  // Every participant signed the same state, but for the channel with nonce 2.
  EXPECT_EQ(error_of(checkpoint(world.adjudicator, SupportInput{world.id, {signed_by_all(other, appended(1))}}, 5)),
            StateChannelError::bad_signature);
  EXPECT_EQ(error_of(checkpoint(world.adjudicator,
                                SupportInput{world.id, {unsigned_state(appended(0)), signed_by_mover(other, appended(1))}}, 5)),
            StateChannelError::support_mover_signature);
}

// ---- checkpoint ----

TEST(StateChannelCheckpoint, EveryRuleAtItsBoundary) {
  World world;
  const FixedPart& f = world.fixed;
  Hash32 other = world.id;
  other[1] ^= 1;
  EXPECT_EQ(error_of(checkpoint(world.adjudicator, SupportInput{other, {signed_by_all(f, appended(1))}}, 5)),
            StateChannelError::unknown_channel);
  const Adjudicator at2 = checkpoint(world.adjudicator, SupportInput{world.id, {signed_by_all(f, appended(2))}}, 5).value();
  EXPECT_EQ(error_of(checkpoint(at2, SupportInput{world.id, {signed_by_all(f, appended(3))}}, 6)), StateChannelError::none);
  EXPECT_EQ(error_of(checkpoint(at2, SupportInput{world.id, {signed_by_all(f, appended(2))}}, 6)),
            StateChannelError::checkpoint_stale);
  EXPECT_EQ(error_of(checkpoint(at2, SupportInput{world.id, {signed_by_all(f, appended(1))}}, 6)),
            StateChannelError::checkpoint_stale);
  // A checkpoint clears a running challenge, up to the block before it finalizes.
  const Adjudicator challenged = challenge(at2, challenge_input(f, {unsigned_state(appended(2))}, 0), 10).value();
  const Adjudicator cleared = checkpoint(challenged, SupportInput{world.id, {signed_by_all(f, appended(3))}}, 10 + duration - 1).value();
  EXPECT_EQ(cleared.channels[0].phase, ChannelPhase::open);
  EXPECT_EQ(cleared.channels[0].finalizes_at, 0u);
  EXPECT_EQ(error_of(checkpoint(challenged, SupportInput{world.id, {signed_by_all(f, appended(3))}}, 10 + duration)),
            StateChannelError::checkpoint_finalized);
}

TEST(StateChannel, StaleCheckpointIsRejected) {
  World world;
  const FixedPart& f = world.fixed;
  const Adjudicator at2 = checkpoint(world.adjudicator,
                                     SupportInput{world.id, {signed_by_all(f, appended(0)), signed_by_mover(f, appended(1)),
                                                             signed_by_mover(f, appended(2))}},
                                     5)
                              .value();
  // Replaying the proof of turn 1 (a prefix of the same history) is stale.
  const SupportInput stale{world.id, {signed_by_all(f, appended(0)), signed_by_mover(f, appended(1))}};
  EXPECT_EQ(error_of(checkpoint(at2, stale, 6)), StateChannelError::checkpoint_stale);
  EXPECT_EQ(at2.channels[0].registered.turn, 2u);
}

// ---- challenge ----

TEST(StateChannelChallenge, EveryRuleAtItsBoundary) {
  World world;
  const FixedPart& f = world.fixed;
  const Adjudicator at2 = checkpoint(world.adjudicator, SupportInput{world.id, {signed_by_all(f, appended(2))}}, 5).value();
  // Open: the registered turn itself (2) is accepted, turn 1 is not.
  const Adjudicator challenged = challenge(at2, challenge_input(f, {unsigned_state(appended(2))}, 1), 20).value();
  EXPECT_EQ(challenged.channels[0].phase, ChannelPhase::challenge);
  EXPECT_EQ(challenged.channels[0].finalizes_at, 20 + duration);
  EXPECT_EQ(error_of(challenge(at2, challenge_input(f, {signed_by_all(f, appended(1))}, 1), 20)),
            StateChannelError::challenge_stale);
  // While a challenge runs: turn 2 again is refused, turn 3 accepted.
  EXPECT_EQ(error_of(challenge(challenged, challenge_input(f, {unsigned_state(appended(2))}, 0), 21)),
            StateChannelError::challenge_stale);
  EXPECT_EQ(error_of(challenge(challenged, challenge_input(f, {unsigned_state(appended(2)), signed_by_mover(f, appended(3))}, 0), 21)),
            StateChannelError::none);
  // Finalized at finalizes_at.
  EXPECT_EQ(error_of(challenge(challenged, challenge_input(f, {signed_by_all(f, appended(3))}, 0), 20 + duration - 1)),
            StateChannelError::none);
  EXPECT_EQ(error_of(challenge(challenged, challenge_input(f, {signed_by_all(f, appended(3))}, 0), 20 + duration)),
            StateChannelError::challenge_finalized);
  // SC-CHAL-3: challenger n - 1 accepted, n refused.
  ChallengeInput in = challenge_input(f, {unsigned_state(appended(2))}, 2);
  EXPECT_EQ(error_of(challenge(at2, in, 20)), StateChannelError::none);
  in.challenger = 3;
  EXPECT_EQ(error_of(challenge(at2, in, 20)), StateChannelError::challenge_challenger);
  in = challenge_input(f, {unsigned_state(appended(2))}, 0);
  in.proof.clear();
  EXPECT_EQ(error_of(challenge(at2, in, 20)), StateChannelError::support_length);
  // The finalization height saturates.
  const Adjudicator late = challenge(at2, challenge_input(f, {unsigned_state(appended(2))}, 0), ~u64{0} - 5).value();
  EXPECT_EQ(late.channels[0].finalizes_at, ~u64{0});
}

TEST(StateChannel, ChallengeNeedsAParticipantSignature) {
  World world;
  const FixedPart& f = world.fixed;
  ChallengeInput in = challenge_input(f, {unsigned_state(state(0))}, 0);
  // The outsider's signature under participant 0's index.
  in.challenger_signature = keys().sign(outsider, state_channel::challenge_digest(world.id, state(0)));
  EXPECT_EQ(error_of(challenge(world.adjudicator, in, 5)), StateChannelError::challenge_signature);
  // Participant 0's signature of the state digest, not of the challenge digest.
  in.challenger_signature = keys().sign(0, state_channel::state_digest(world.id, state(0)));
  EXPECT_EQ(error_of(challenge(world.adjudicator, in, 5)), StateChannelError::challenge_signature);
  // Participant 1's signature under index 0.
  in.challenger_signature = keys().sign(1, state_channel::challenge_digest(world.id, state(0)));
  EXPECT_EQ(error_of(challenge(world.adjudicator, in, 5)), StateChannelError::challenge_signature);
  in.challenger = 1;
  EXPECT_EQ(error_of(challenge(world.adjudicator, in, 5)), StateChannelError::none);
}

// ---- respond ----

TEST(StateChannelRespond, EveryRuleAtItsBoundary) {
  World world;
  const FixedPart& f = world.fixed;
  const SupportInput response{world.id, {unsigned_state(appended(0)), signed_by_mover(f, appended(1))}};
  Hash32 other = world.id;
  other[2] ^= 1;
  EXPECT_EQ(error_of(respond(world.adjudicator, SupportInput{other, response.proof}, 5)),
            StateChannelError::unknown_channel);
  EXPECT_EQ(error_of(respond(world.adjudicator, response, 5)), StateChannelError::respond_no_challenge);
  const Adjudicator challenged = challenge(world.adjudicator, challenge_input(f, {unsigned_state(appended(0))}, 0), 10).value();
  const Adjudicator answered = respond(challenged, response, 10 + duration - 1).value();
  EXPECT_EQ(answered.channels[0].phase, ChannelPhase::open);
  EXPECT_EQ(answered.channels[0].registered.turn, 1u);
  EXPECT_EQ(answered.channels[0].finalizes_at, 0u);
  EXPECT_EQ(error_of(respond(challenged, response, 10 + duration)), StateChannelError::respond_late);
  EXPECT_EQ(error_of(respond(challenged, SupportInput{world.id, {}}, 11)), StateChannelError::support_length);
  // After a respond the channel is open: a second response finds no challenge.
  EXPECT_EQ(error_of(respond(answered, response, 11)), StateChannelError::respond_no_challenge);
}

TEST(StateChannel, EqualTurnResponseIsRejected) {
  World world;
  const FixedPart& f = world.fixed;
  const Adjudicator challenged = challenge(world.adjudicator, challenge_input(f, {signed_by_all(f, appended(1))}, 1), 10).value();
  // The challenged state itself, and another state of the same turn signed by all.
  EXPECT_EQ(error_of(respond(challenged, SupportInput{world.id, {unsigned_state(appended(1))}}, 11)),
            StateChannelError::respond_stale);
  EXPECT_EQ(error_of(respond(challenged, SupportInput{world.id, {signed_by_all(f, state(1, {100, 200, 300}, {7}))}}, 11)),
            StateChannelError::respond_stale);
  EXPECT_EQ(error_of(respond(challenged, SupportInput{world.id, {unsigned_state(appended(1)), signed_by_mover(f, appended(2))}}, 11)),
            StateChannelError::none);
}

// ---- conclude ----

TEST(StateChannelConclude, EveryRuleAtItsBoundary) {
  World world;
  const FixedPart& f = world.fixed;
  const VariablePart final_state = state(1, {300, 200, 100}, {}, true);
  Hash32 other = world.id;
  other[3] ^= 1;
  const auto conclude = [&](const Adjudicator& a, const ConcludeInput& in, u64 height) {
    return error_of(state_channel::apply_conclude(a, in, Env{height}));
  };
  EXPECT_EQ(conclude(world.adjudicator, ConcludeInput{other, signed_by_all(f, final_state)}, 5),
            StateChannelError::unknown_channel);
  const Adjudicator concluded =
      state_channel::apply_conclude(world.adjudicator, ConcludeInput{world.id, signed_by_all(f, final_state)}, Env{5}).value();
  EXPECT_EQ(concluded.channels[0].phase, ChannelPhase::concluded);
  EXPECT_EQ(concluded.channels[0].finalizes_at, 5u);
  EXPECT_EQ(conclude(concluded, ConcludeInput{world.id, signed_by_all(f, final_state)}, 6),
            StateChannelError::conclude_finalized);
  EXPECT_EQ(conclude(world.adjudicator, ConcludeInput{world.id, signed_by_all(f, state(1))}, 5),
            StateChannelError::conclude_not_final);
  EXPECT_EQ(conclude(world.adjudicator, ConcludeInput{world.id, signed_by_all(f, state(1, {300, 200, 101}, {}, true))}, 5),
            StateChannelError::state_outcome_total);
  SignedState mover_only = signed_by_mover(f, final_state);
  EXPECT_EQ(conclude(world.adjudicator, ConcludeInput{world.id, mover_only}, 5), StateChannelError::signature_count);
  // A final state signed by all concludes even below the registered turn, and during a challenge.
  const Adjudicator at5 = checkpoint(world.adjudicator, SupportInput{world.id, {signed_by_all(f, appended(5))}}, 5).value();
  const Adjudicator challenged = challenge(at5, challenge_input(f, {unsigned_state(appended(5))}, 2), 6).value();
  EXPECT_EQ(conclude(challenged, ConcludeInput{world.id, signed_by_all(f, final_state)}, 6 + duration - 1),
            StateChannelError::none);
  EXPECT_EQ(conclude(challenged, ConcludeInput{world.id, signed_by_all(f, final_state)}, 6 + duration),
            StateChannelError::conclude_finalized);
}

// ---- withdraw and payouts ----

TEST(StateChannelWithdraw, EveryRuleAtItsBoundary) {
  World world;
  const FixedPart& f = world.fixed;
  const auto withdraw = [&](const Adjudicator& a, Hash32 id, u64 participant, u64 height) {
    return state_channel::apply_withdraw(a, WithdrawInput{id, participant}, Env{height});
  };
  Hash32 other = world.id;
  other[4] ^= 1;
  EXPECT_EQ(error_of(withdraw(world.adjudicator, other, 0, 5)), StateChannelError::unknown_channel);
  EXPECT_EQ(error_of(withdraw(world.adjudicator, world.id, 0, 5)), StateChannelError::withdraw_not_finalized);
  const Adjudicator challenged = challenge(world.adjudicator, challenge_input(f, {unsigned_state(state(0))}, 0), 10).value();
  EXPECT_EQ(error_of(withdraw(challenged, world.id, 0, 10 + duration - 1)), StateChannelError::withdraw_not_finalized);
  EXPECT_EQ(error_of(withdraw(challenged, world.id, 2, 10 + duration)), StateChannelError::none);
  EXPECT_EQ(error_of(withdraw(challenged, world.id, 3, 10 + duration)), StateChannelError::withdraw_participant);
}

TEST(StateChannel, WithdrawTwiceIsRejected) {
  World world;
  const FixedPart& f = world.fixed;
  const VariablePart final_state = state(1, {0, 600, 0}, {}, true);
  Adjudicator a =
      state_channel::apply_conclude(world.adjudicator, ConcludeInput{world.id, signed_by_all(f, final_state)}, Env{5}).value();
  EXPECT_EQ(state_channel::held(a.channels[0]), 600u);
  a = state_channel::apply_withdraw(a, WithdrawInput{world.id, 1}, Env{5}).value();
  EXPECT_EQ(state_channel::payout(a.channels[0], 1), 600u);
  EXPECT_EQ(state_channel::held(a.channels[0]), 0u);
  EXPECT_EQ(error_of(state_channel::apply_withdraw(a, WithdrawInput{world.id, 1}, Env{6})),
            StateChannelError::withdraw_repeated);
  // The others are paid nothing, and once.
  a = state_channel::apply_withdraw(a, WithdrawInput{world.id, 0}, Env{6}).value();
  a = state_channel::apply_withdraw(a, WithdrawInput{world.id, 2}, Env{6}).value();
  EXPECT_EQ(state_channel::held(a.channels[0]), 0u);
}

TEST(StateChannel, UnfundedChannelRefundsDeposits) {
  World world(false);
  const FixedPart& f = world.fixed;
  // Participant 0 deposits 60 of its 100 and participant 2 all its 300; participant 1 never pays.
  Adjudicator a = state_channel::apply_deposit(world.adjudicator, DepositInput{world.id, 0, 60}, Env{2}).value();
  a = state_channel::apply_deposit(a, DepositInput{world.id, 2, 300}, Env{2}).value();
  EXPECT_FALSE(state_channel::is_funded(a.channels[0]));
  // A state that pays participant 1 everything is signed by all, but the channel is not funded.
  a = checkpoint(a, SupportInput{world.id, {signed_by_all(f, state(1, {0, 600, 0}))}}, 3).value();
  a = challenge(a, challenge_input(f, {unsigned_state(state(1, {0, 600, 0}))}, 0), 4).value();
  const u64 final_height = 4 + duration;
  for (u64 i = 0; i < 3; ++i) a = state_channel::apply_withdraw(a, WithdrawInput{world.id, i}, Env{final_height}).value();
  EXPECT_EQ(state_channel::payout(a.channels[0], 0), 60u);
  EXPECT_EQ(state_channel::payout(a.channels[0], 1), 0u);
  EXPECT_EQ(state_channel::payout(a.channels[0], 2), 300u);
  EXPECT_EQ(state_channel::held(a.channels[0]), 0u);
}

TEST(StateChannel, SilentParticipantIsFinalizedOn) {
  World world;
  const FixedPart& f = world.fixed;
  // The channel reached turn 4 by moves (participant 1 moved last); participant 2 must move next
  // and stays silent. Participant 0 challenges with its latest supported state.
  const std::vector<SignedState> proof{signed_by_all(f, appended(2)), signed_by_mover(f, appended(3)),
                                       signed_by_mover(f, appended(4))};
  Adjudicator a = challenge(world.adjudicator, challenge_input(f, proof, 0), 50).value();
  EXPECT_FALSE(state_channel::is_finalized(a.channels[0], 50 + duration - 1));
  EXPECT_TRUE(state_channel::is_finalized(a.channels[0], 50 + duration));
  for (u64 i = 0; i < 3; ++i) a = state_channel::apply_withdraw(a, WithdrawInput{world.id, i}, Env{50 + duration}).value();
  EXPECT_EQ(a.channels[0].registered.turn, 4u);
  EXPECT_EQ(state_channel::payout(a.channels[0], 0), 100u);
  EXPECT_EQ(state_channel::payout(a.channels[0], 1), 200u);
  EXPECT_EQ(state_channel::payout(a.channels[0], 2), 300u);
}

TEST(StateChannel, ChallengeGriefingIsBounded) {
  // Participants 1 and 2 collude against participant 0, who holds the state of turn 3 (its own
  // move: 3 mod 3 = 0). They can sign every state signed by all up to turn 2 and moves of turns 1
  // and 2, but no state of turn 3 or beyond without participant 0. Each challenge while one runs
  // must raise the turn, so after at most three of theirs the honest challenge of turn 3 stands.
  World world;
  const FixedPart& f = world.fixed;
  Adjudicator a = challenge(world.adjudicator, challenge_input(f, {signed_by_all(f, appended(0))}, 1), 10).value();
  a = challenge(a, challenge_input(f, {unsigned_state(appended(0)), signed_by_mover(f, appended(1))}, 2), 11).value();
  a = challenge(a, challenge_input(f, {unsigned_state(appended(1)), signed_by_mover(f, appended(2))}, 1), 12).value();
  // The colluders have nothing higher: every restart on a turn they hold is stale.
  for (u64 turn = 0; turn <= 2; ++turn)
    EXPECT_EQ(error_of(challenge(a, challenge_input(f, {signed_by_all(f, appended(turn))}, 2), 13)),
              StateChannelError::challenge_stale)
        << turn;
  // Participant 0 responds with its move of turn 3 within the window, then challenges on it.
  a = respond(a, SupportInput{world.id, {unsigned_state(appended(2)), signed_by_mover(f, appended(3))}}, 12 + duration - 1).value();
  a = challenge(a, challenge_input(f, {unsigned_state(appended(3))}, 0), 12 + duration).value();
  // The colluders cannot move at turn 3 or below any more.
  EXPECT_EQ(error_of(challenge(a, challenge_input(f, {unsigned_state(appended(3))}, 1), 12 + duration + 1)),
            StateChannelError::challenge_stale);
  EXPECT_EQ(error_of(respond(a, SupportInput{world.id, {signed_by_all(f, appended(2))}}, 12 + duration + 1)),
            StateChannelError::respond_stale);
  EXPECT_TRUE(state_channel::is_finalized(a.channels[0], 12 + 2 * duration));
  EXPECT_EQ(a.channels[0].registered.turn, 3u);
}

// Through the operations table, which judges moves by the adjudicator's own applications.
TEST(StateChannel, ConsensusAppSupportsOnlyStatesSignedByAll) {
  const FixedPart f = fixed_part(2, state_channel::consensus_app);
  const Hash32 id = state_channel::channel_id(f);
  const Adjudicator a = state_channel::Open::apply(deployed(), OpenInput{f, signed_by_all(f, state(0, {5, 5}))}, Env{1}).value();
  EXPECT_EQ(error_of(state_channel::Checkpoint::apply(
                a, SupportInput{id, {unsigned_state(state(0, {5, 5})), signed_by_mover(f, state(1, {5, 5}))}}, Env{2})),
            StateChannelError::support_app);
  EXPECT_EQ(error_of(state_channel::Checkpoint::apply(a, SupportInput{id, {signed_by_all(f, state(1, {2, 8}))}}, Env{2})),
            StateChannelError::none);
}

// A VM program: accept exactly when to.outcome[0] == from.outcome[0]. On the accepting path it
// costs PUSH1 3 + FROM_OUTCOME 3 + PUSH1 3 + TO_OUTCOME 3 + EQ 3 + PUSH1 3 + JUMPI 10 + JUMPDEST 1 +
// ACCEPT 1 = 30 gas (channel_vm.md#instruction-set).
const Bytes keep_first_outcome = {0x30, 0x00, 0x66, 0x30, 0x00, 0x67, 0x1a, 0x30, 0x0b, 0x41, 0x02, 0x42, 0x01};
constexpr u64 keep_first_outcome_gas = 3 + 3 + 3 + 3 + 3 + 3 + 10 + 1 + 1;

TEST(StateChannelDeployApp, EveryRuleAtItsBoundary) {
  const Adjudicator a = deployed();
  const auto deploy_app = [](const Adjudicator& adj, const Bytes& code) {
    return state_channel::apply_deploy_app(adj, state_channel::DeployAppInput{code}, Env{1});
  };
  const Adjudicator with_app = deploy_app(a, keep_first_outcome).value();
  ASSERT_EQ(with_app.apps.size(), 1u);
  EXPECT_EQ(with_app.apps[0].app_definition, l2::ref::tagged_hash("L2/channel_vm/app", keep_first_outcome));
  EXPECT_EQ(with_app.apps[0].code, keep_first_outcome);
  EXPECT_EQ(error_of(deploy_app(with_app, keep_first_outcome)), StateChannelError::app_duplicate);
  EXPECT_EQ(error_of(deploy_app(with_app, Bytes{0x01})), StateChannelError::none);
  EXPECT_EQ(error_of(deploy_app(a, Bytes{})), StateChannelError::app_invalid_code);
  EXPECT_EQ(error_of(deploy_app(a, Bytes{0xff})), StateChannelError::app_invalid_code);    // undefined opcode
  EXPECT_EQ(error_of(deploy_app(a, Bytes{0x30})), StateChannelError::app_invalid_code);    // PUSH1 with no immediate
}

TEST(StateChannel, DeployedProgramJudgesMovesWithinTheGasLimit) {
  for (const u64 gas : {keep_first_outcome_gas - 1, keep_first_outcome_gas}) {
    StateChannelConfig c = config();
    c.move_gas_limit = gas;
    Adjudicator a = state_channel::deploy({chain, adjudicator_id(), c}).value();
    a = state_channel::DeployApp::apply(a, state_channel::DeployAppInput{keep_first_outcome}, Env{1}).value();
    const FixedPart f = fixed_part(3, a.apps[0].app_definition);
    const Hash32 id = state_channel::channel_id(f);
    a = state_channel::Open::apply(a, OpenInput{f, signed_by_all(f, state(0))}, Env{1}).value();
    // Participant 1's move keeps outcome[0] and moves 50 from participant 1 to participant 2.
    const SupportInput keeps{id, {unsigned_state(state(0)), signed_by_mover(f, state(1, {100, 150, 350}))}};
    const SupportInput changes{id, {unsigned_state(state(0)), signed_by_mover(f, state(1, {99, 201, 300}))}};
    EXPECT_EQ(error_of(state_channel::Checkpoint::apply(a, keeps, Env{2})),
              gas == keep_first_outcome_gas ? StateChannelError::none : StateChannelError::support_app)
        << gas;
    EXPECT_EQ(error_of(state_channel::Checkpoint::apply(a, changes, Env{2})), StateChannelError::support_app) << gas;
  }
  // A channel naming a program nobody deployed cannot open.
  const FixedPart f = fixed_part(3, l2::ref::tagged_hash("L2/channel_vm/app", keep_first_outcome));
  EXPECT_EQ(error_of(state_channel::Open::apply(deployed(), OpenInput{f, signed_by_all(f, state(0))}, Env{1})),
            StateChannelError::open_unknown_app);
}

TEST(StateChannel, ChannelIdBindsEveryFieldOfTheFixedPart) {
  const FixedPart base = fixed_part();
  const Hash32 id = state_channel::channel_id(base);
  FixedPart f = base;
  f.chain_id += 1;
  EXPECT_NE(state_channel::channel_id(f), id);
  f = base;
  f.adjudicator_id[0] ^= 1;
  EXPECT_NE(state_channel::channel_id(f), id);
  f = base;
  std::swap(f.participants[0], f.participants[1]);
  EXPECT_NE(state_channel::channel_id(f), id);
  f = base;
  f.channel_nonce += 1;
  EXPECT_NE(state_channel::channel_id(f), id);
  f = base;
  f.app_definition[0] ^= 1;
  EXPECT_NE(state_channel::channel_id(f), id);
  f = base;
  f.challenge_duration += 1;
  EXPECT_NE(state_channel::channel_id(f), id);
  EXPECT_NE(state_channel::state_digest(id, state(1)), state_channel::challenge_digest(id, state(1)));
}

}  // namespace
