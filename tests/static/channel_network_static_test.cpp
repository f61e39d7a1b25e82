// Lock scenarios checked at compile time: this file compiling is the test passing.
//
// Signatures are l2::test::ToySignatureCheck stand-ins (valid exactly for the signer's key and the
// digest), as in payment_channel_static_test.cpp, and every lock is a hash lock, so that constant
// evaluation stays fast (a point lock needs a scalar multiplication). Everything else is the
// reference as it runs: digests, conservation, the secret registry and the expiry boundaries. The
// same scenarios with BIP-340 signatures and point locks run in tests/unit/channel_network_test.cpp.
#include <gtest/gtest.h>

#include <array>

#include "l2/ref/channel_network.hpp"
#include "l2/test/toy_signature.hpp"

namespace {

using l2::Hash32;
using l2::NetworkError;
using l2::u64;
namespace cn = l2::ref::channel_network;
using cn::Env;
using cn::LockedState;
using cn::NetworkAdjudicator;

using l2::test::key;
using l2::test::toy;
using l2::test::toy_sign;

constexpr Hash32 upstream = key(0xa1);      // pays the intermediary
constexpr Hash32 intermediary = key(0xb2);  // forwards, and must never lose
constexpr Hash32 payee = key(0xc3);
constexpr u64 chain = 1;
constexpr u64 height = 1000;
constexpr cn::NetworkConfig config{6, 144, 1000, 1'000'000, 10, 30, 40, 2016};
constexpr cn::ChannelTerms terms{100, 5000, 5};
constexpr u64 expiry_out = height + 300;
constexpr u64 expiry_in = expiry_out + 40;  // min_cltv_delta

template <class T, class E>
constexpr T must(const l2::Result<T, E>& result) {
  if (!result.ok()) throw "a step the scenario needs was rejected";
  return result.value();
}
template <class T, class E>
constexpr E error_of(const l2::Result<T, E>& result) {
  return result.ok() ? E::none : result.error();
}

constexpr Hash32 preimage() { return key(0x5e); }
constexpr cn::LockCondition condition() { return cn::hash_lock(l2::ref::sha256(preimage())); }

constexpr NetworkAdjudicator deployed() { return must(cn::deploy(cn::DeployInput{chain, key(0xcc), config})); }

constexpr Hash32 channel(const Hash32& sender, const Hash32& receiver) {
  return cn::channel_id(chain, key(0xcc), {sender, receiver}, 0);
}

constexpr NetworkAdjudicator open(const NetworkAdjudicator& a, const Hash32& sender, const Hash32& receiver) {
  const Hash32 id = channel(sender, receiver);
  const Hash32 digest = cn::open_digest(chain, id, terms, 10000, {6000, 4000});
  return must(cn::apply_open(a, cn::OpenInput{{sender, receiver}, terms, {6000, 4000}, 10000, 0, 10000,
                                              {toy_sign(sender, digest), toy_sign(receiver, digest)}},
                             Env{height}, toy));
}

// Participant 0 (the sender) locks `amount` until `expiry` at sequence 1.
constexpr LockedState locked(u64 amount, u64 expiry) {
  const cn::OffChainChannel start{config, Hash32{}, 10000, terms, LockedState{0, {6000, 4000}, {}, 0}};
  return must(cn::apply_add_lock(start, cn::AddLockInput{0, amount, condition(), expiry}, Env{height})).state;
}

constexpr NetworkAdjudicator force_and_settle(const NetworkAdjudicator& a, const Hash32& sender, const Hash32& receiver,
                                              const LockedState& state) {
  const Hash32 id = channel(sender, receiver);
  const Hash32 digest = cn::state_digest(chain, id, state);
  const NetworkAdjudicator forced = must(cn::apply_force_close(
      a, cn::StateInput{id, state, {toy_sign(sender, digest), toy_sign(receiver, digest)}}, Env{height}, toy));
  return must(cn::apply_settle(forced, cn::ChannelRef{id}, Env{height + config.dispute_period_blocks}));
}

// Both channels of the intermediary force-closed with their locks pending and settled.
constexpr NetworkAdjudicator both_settled() {
  NetworkAdjudicator a = open(open(deployed(), upstream, intermediary), intermediary, payee);
  a = force_and_settle(a, upstream, intermediary, locked(1010, expiry_in));
  return force_and_settle(a, intermediary, payee, locked(1000, expiry_out));
}

constexpr std::array<u64, 2> balances_of(const NetworkAdjudicator& a, const Hash32& id) {
  return a.channels[*cn::find_channel(a, id)].state.balances;
}

// Atomicity on chain: the payee reveals at expiry_out - 1, and both locks resolve to their
// receivers; the intermediary ends 10 up (1010 in, 1000 out).
constexpr bool payee_revealing_last_block_pays_everyone() {
  NetworkAdjudicator a = must(cn::apply_reveal_secret(both_settled(), cn::RevealInput{condition(), preimage()},
                                                      Env{expiry_out - 1}));
  a = must(cn::apply_resolve_lock(a, cn::ResolveInput{channel(intermediary, payee), 0}, Env{expiry_out + 100}));
  a = must(cn::apply_resolve_lock(a, cn::ResolveInput{channel(upstream, intermediary), 0}, Env{expiry_in + 100}));
  const auto up = balances_of(a, channel(upstream, intermediary));
  const auto down = balances_of(a, channel(intermediary, payee));
  return up[0] == 4990 && up[1] == 5010 && down[0] == 5000 && down[1] == 5000;
}
static_assert(payee_revealing_last_block_pays_everyone());

// Revealed at expiry_out: too late downstream (refunded to the intermediary), still in time
// upstream (claimed by it): the intermediary gains the whole 1010.
constexpr bool a_late_revelation_only_helps_the_intermediary() {
  NetworkAdjudicator a =
      must(cn::apply_reveal_secret(both_settled(), cn::RevealInput{condition(), preimage()}, Env{expiry_out}));
  a = must(cn::apply_resolve_lock(a, cn::ResolveInput{channel(intermediary, payee), 0}, Env{expiry_out}));
  a = must(cn::apply_resolve_lock(a, cn::ResolveInput{channel(upstream, intermediary), 0}, Env{expiry_out}));
  return balances_of(a, channel(intermediary, payee))[0] == 6000 && balances_of(a, channel(upstream, intermediary))[1] == 5010;
}
static_assert(a_late_revelation_only_helps_the_intermediary());

// Never revealed: pending before each expiry, refunded at it, so both senders get their funds back.
constexpr bool unrevealed_locks_refund_at_expiry() {
  const NetworkAdjudicator a = both_settled();
  const cn::ResolveInput down{channel(intermediary, payee), 0};
  if (error_of(cn::apply_resolve_lock(a, down, Env{expiry_out - 1})) != NetworkError::resolve_pending) return false;
  const NetworkAdjudicator refunded = must(cn::apply_resolve_lock(a, down, Env{expiry_out}));
  const cn::ResolveInput up{channel(upstream, intermediary), 0};
  if (error_of(cn::apply_resolve_lock(refunded, up, Env{expiry_in - 1})) != NetworkError::resolve_pending) return false;
  const NetworkAdjudicator done = must(cn::apply_resolve_lock(refunded, up, Env{expiry_in}));
  return balances_of(done, channel(intermediary, payee))[0] == 6000 && balances_of(done, channel(upstream, intermediary))[0] == 6000;
}
static_assert(unrevealed_locks_refund_at_expiry());

// Off chain: a fulfilled lock pays the receiver; fulfil at expiry is refused; fail refunds.
constexpr bool off_chain_lock_lifecycle() {
  const cn::OffChainChannel c{config, Hash32{}, 10000, terms, locked(1000, expiry_out)};
  const cn::OffChainChannel paid = must(cn::apply_fulfill_lock(c, cn::FulfillLockInput{0, preimage()}, Env{expiry_out - 1}));
  const cn::OffChainChannel failed = must(cn::apply_fail_lock(c, cn::FailLockInput{0}, Env{expiry_out}));
  return paid.state.balances[1] == 5000 && paid.state.sequence == 2 && failed.state.balances[0] == 6000 &&
         error_of(cn::apply_fulfill_lock(c, cn::FulfillLockInput{0, preimage()}, Env{expiry_out})) ==
             NetworkError::fulfill_expired;
}
static_assert(off_chain_lock_lifecycle());

TEST(ChannelNetworkStatic, CompilingIsPassing) { SUCCEED(); }

}  // namespace
