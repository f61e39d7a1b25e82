// State-channel scenarios checked at compile time: this file compiling is the test passing.
//
// Signatures are l2::test::ToySignatureCheck stand-ins (valid exactly for the signer's key and the
// digest), so that constant evaluation stays fast; everything else is the reference as it runs:
// the channel id, the digests, support proofs, the challenge timer, and the payouts. The same
// scenarios with BIP-340 signatures run in tests/unit/state_channel_test.cpp.
#include <gtest/gtest.h>

#include <vector>

#include "l2/ref/state_channel.hpp"
#include "l2/test/toy_signature.hpp"

namespace {

using l2::Hash32;
using l2::StateChannelError;
using l2::u64;
namespace sc = l2::ref::state_channel;
using sc::Adjudicator;
using sc::Env;
using sc::FixedPart;
using sc::SignedState;
using sc::VariablePart;

using l2::test::key;
using l2::test::toy;
using l2::test::toy_sign;

constexpr u64 chain = 3;
constexpr u64 duration = 50;
constexpr Hash32 alice = key(0xa1);
constexpr Hash32 bob = key(0xb2);

// A test application: a move is valid when it moves one unit from the mover to the other participant.
constexpr Hash32 pay_app = key(0x77);
struct PayApp {
  constexpr bool knows(const Hash32& app) const { return app == pay_app; }
  constexpr bool valid_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) const {
    const std::size_t mover = sc::mover_index(fixed, to.turn);
    const std::size_t other = 1 - mover;
    return from.outcome[mover] >= 1 && to.outcome[mover] == from.outcome[mover] - 1 &&
           to.outcome[other] == from.outcome[other] + 1;
  }
};

template <class T, class E>
constexpr T must(const l2::Result<T, E>& result) {
  if (!result.ok()) throw "a step the scenario needs was rejected";
  return result.value();
}
template <class T, class E>
constexpr E error_of(const l2::Result<T, E>& result) {
  return result.ok() ? E::none : result.error();
}

constexpr FixedPart fixed() { return FixedPart{chain, key(0xad), {alice, bob}, 0, pay_app, duration}; }
constexpr Hash32 id() { return sc::channel_id(fixed()); }
constexpr VariablePart state(u64 turn, u64 a, u64 b, bool is_final = false) { return VariablePart{turn, {}, {a, b}, is_final}; }

constexpr SignedState by_all(const VariablePart& s) {
  const Hash32 digest = sc::state_digest(id(), s);
  return SignedState{s, {toy_sign(alice, digest), toy_sign(bob, digest)}};
}
constexpr SignedState by(const Hash32& signer, const VariablePart& s) {
  return SignedState{s, {toy_sign(signer, sc::state_digest(id(), s))}};
}

// Opened on {5, 5} and funded.
constexpr Adjudicator funded() {
  Adjudicator a = must(sc::deploy(sc::DeployInput{chain, key(0xad), sc::StateChannelConfig{6, 10, 100, 2, 32, 1000}}));
  a = must(sc::apply_open(a, sc::OpenInput{fixed(), by_all(state(0, 5, 5))}, Env{1}, toy, PayApp{}));
  a = must(sc::apply_deposit(a, sc::DepositInput{id(), 0, 5}, Env{2}));
  return must(sc::apply_deposit(a, sc::DepositInput{id(), 1, 5}, Env{2}));
}

constexpr sc::ChallengeInput challenge_by(const Hash32& signer, u64 index, std::vector<SignedState> proof) {
  const Hash32 digest = sc::challenge_digest(id(), proof.back().state);
  return sc::ChallengeInput{id(), std::move(proof), index, toy_sign(signer, digest)};
}

// Alice challenges on the opening state; Bob (turn 1's mover) answers with his move, paying Alice
// one; Alice then challenges on that state and the channel finalizes on {6, 4}. Every unit deposited
// is paid out, once.
constexpr bool a_response_moves_the_channel_and_the_payout_conserves() {
  Adjudicator a = must(sc::apply_challenge(funded(), challenge_by(alice, 0, {SignedState{state(0, 5, 5), {}}}), Env{10},
                                           toy, PayApp{}));
  a = must(sc::apply_respond(a, sc::SupportInput{id(), {SignedState{state(0, 5, 5), {}}, by(bob, state(1, 6, 4))}},
                             Env{10 + duration - 1}, toy, PayApp{}));
  if (a.channels[0].phase != sc::ChannelPhase::open) return false;
  a = must(sc::apply_challenge(a, challenge_by(alice, 0, {SignedState{state(1, 6, 4), {}}}), Env{100}, toy, PayApp{}));
  if (error_of(sc::apply_withdraw(a, sc::WithdrawInput{id(), 0}, Env{100 + duration - 1})) !=
      StateChannelError::withdraw_not_finalized)
    return false;
  a = must(sc::apply_withdraw(a, sc::WithdrawInput{id(), 0}, Env{100 + duration}));
  a = must(sc::apply_withdraw(a, sc::WithdrawInput{id(), 1}, Env{100 + duration}));
  return sc::payout(a.channels[0], 0) == 6 && sc::payout(a.channels[0], 1) == 4 && sc::held(a.channels[0]) == 0;
}
static_assert(a_response_moves_the_channel_and_the_payout_conserves());

// Alice signing turn 1, whose mover is Bob, supports nothing; nor does a move the app refuses.
constexpr bool only_the_mover_moves_and_only_validly() {
  const Adjudicator a = funded();
  const SignedState anchor{state(0, 5, 5), {}};
  return error_of(sc::apply_checkpoint(a, sc::SupportInput{id(), {anchor, by(alice, state(1, 6, 4))}}, Env{3}, toy,
                                       PayApp{})) == StateChannelError::support_mover_signature &&
         error_of(sc::apply_checkpoint(a, sc::SupportInput{id(), {anchor, by(bob, state(1, 4, 6))}}, Env{3}, toy,
                                       PayApp{})) == StateChannelError::support_app &&
         error_of(sc::apply_checkpoint(a, sc::SupportInput{id(), {anchor, by(bob, state(1, 6, 4))}}, Env{3}, toy,
                                       PayApp{})) == StateChannelError::none;
}
static_assert(only_the_mover_moves_and_only_validly());

// While a challenge runs, restarting it on the same turn is refused, and so is an equal-turn response.
constexpr bool a_running_challenge_needs_a_higher_turn() {
  const SignedState anchor{state(0, 5, 5), {}};
  const Adjudicator a = must(sc::apply_challenge(funded(), challenge_by(bob, 1, {anchor}), Env{10}, toy, PayApp{}));
  return error_of(sc::apply_challenge(a, challenge_by(bob, 1, {anchor}), Env{11}, toy, PayApp{})) ==
             StateChannelError::challenge_stale &&
         error_of(sc::apply_respond(a, sc::SupportInput{id(), {anchor}}, Env{11}, toy, PayApp{})) ==
             StateChannelError::respond_stale;
}
static_assert(a_running_challenge_needs_a_higher_turn());

// A final state signed by both ends the channel at once; a second conclusion is refused.
constexpr bool conclude_finalizes_at_once() {
  const Adjudicator a =
      must(sc::apply_conclude(funded(), sc::ConcludeInput{id(), by_all(state(7, 1, 9, true))}, Env{20}, toy));
  return sc::is_finalized(a.channels[0], 20) && sc::payout(a.channels[0], 1) == 9 &&
         error_of(sc::apply_conclude(a, sc::ConcludeInput{id(), by_all(state(8, 1, 9, true))}, Env{20}, toy)) ==
             StateChannelError::conclude_finalized;
}
static_assert(conclude_finalizes_at_once());

TEST(StateChannelStatic, CompilingIsPassing) { SUCCEED(); }

}  // namespace
