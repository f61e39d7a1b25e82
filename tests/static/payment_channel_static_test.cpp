// Payment-channel scenarios checked at compile time: this file compiling is the test passing.
//
// Constant-evaluating one BIP-340 signature plus its verification costs several seconds, and a
// scenario needs a dozen, so these scenarios run every transition with l2::test::ToySignatureCheck
// in place of BIP-340. That keeps everything signature-independent real (phases, heights, sequence
// numbers, balances, digests and which key a signature must come from) while the signature scheme
// is the abstraction the Z3 model uses. The same scenarios with real BIP-340 signatures run in
// tests/unit/payment_channel_test.cpp.
#include <gtest/gtest.h>

#include "l2/ref/payment_channel.hpp"
#include "l2/test/toy_signature.hpp"

namespace {

using l2::ChannelError;
using l2::Hash32;
using l2::u64;
namespace pc = l2::ref::payment_channel;
using pc::Adjudicator;
using pc::ChannelState;
using pc::Env;
using pc::OffChainTransaction;

using l2::test::toy_sign;
using l2::test::toy;

using l2::test::key;
constexpr Hash32 alice = key(0xa1);
constexpr Hash32 bob = key(0xb2);
constexpr u64 chain = 1;

constexpr Adjudicator empty_adjudicator() {
  Adjudicator a{};
  a.chain_id = chain;
  a.adjudicator_id = key(0xcc);
  a.config = pc::Layer2Config{2, 1000, 144, 1000, 1'000'000};
  return a;
}

constexpr pc::OpenInput open_input(u64 nonce) { return pc::OpenInput{{alice, bob}, {6000, 4000}, 10000, nonce}; }

constexpr Hash32 first_channel_id() { return pc::channel_id(chain, key(0xcc), {alice, bob}, 7); }

// Open at height 100 and fund at 101: an Active channel, sequence 0, balances 6000/4000.
constexpr Adjudicator active_channel() {
  Adjudicator a = pc::apply_open(empty_adjudicator(), open_input(7), Env{100}).value();
  return pc::apply_fund(a, pc::FundInput{first_channel_id(), key(0xf0)}, Env{101}).value();
}

constexpr OffChainTransaction cosigned(u64 sequence, u64 to_alice, u64 to_bob, bool close = false) {
  const Hash32 id = first_channel_id();
  const std::array<u64, 2> balances{to_alice, to_bob};
  const Hash32 digest = close ? pc::close_digest(chain, id, sequence, balances) : pc::state_digest(chain, id, sequence, balances);
  return OffChainTransaction{id, sequence, balances, {toy_sign(alice, digest), toy_sign(bob, digest)}};
}

constexpr const pc::PaymentChannel& only(const Adjudicator& a) { return a.channels[0]; }

// ---- open and fund [PC-OPEN-1, PC-OPEN-2, PC-OPEN-3, PC-OPEN-4, PC-OPEN-5, PC-BAL-1, PC-BAL-2, PC-FUND-1, PC-FUND-2] ----
constexpr bool open_registers_an_opening_channel() {
  const auto r = pc::apply_open(empty_adjudicator(), open_input(7), Env{100});
  if (!r.ok() || r.value().channels.size() != 1) return false;
  const pc::PaymentChannel& c = only(r.value());
  return c.channel_id == first_channel_id() && c.state == ChannelState::opening && c.sequence == 0 &&
         c.created_at == 100 && c.timeout_height == 1100 && c.total_capacity == 10000 && !c.funding_tx_hash;
}
static_assert(open_registers_an_opening_channel());
static_assert(pc::apply_open(empty_adjudicator(), pc::OpenInput{{alice, alice}, {6000, 4000}, 10000, 7}, Env{100}).error() ==
              ChannelError::same_participants);
static_assert(pc::apply_open(empty_adjudicator(), pc::OpenInput{{alice, bob}, {l2::u64_max, 1}, 0, 7}, Env{100}).error() ==
              ChannelError::balance_overflow);
static_assert(pc::apply_open(empty_adjudicator(), pc::OpenInput{{alice, bob}, {6000, 4000}, 10001, 7}, Env{100}).error() ==
              ChannelError::balance_mismatch);
static_assert(pc::apply_open(empty_adjudicator(), pc::OpenInput{{alice, bob}, {999, 0}, 999, 7}, Env{100}).error() ==
              ChannelError::capacity_too_small);
static_assert(pc::apply_open(empty_adjudicator(), pc::OpenInput{{alice, bob}, {1000, 0}, 1000, 7}, Env{100}).ok());
static_assert(pc::apply_open(empty_adjudicator(), pc::OpenInput{{alice, bob}, {1'000'000, 1}, 1'000'001, 7}, Env{100}).error() ==
              ChannelError::capacity_too_large);
static_assert(pc::apply_open(empty_adjudicator(), pc::OpenInput{{alice, bob}, {1'000'000, 0}, 1'000'000, 7}, Env{100}).ok());

constexpr ChannelError third_channel_for_alice() {
  Adjudicator a = pc::apply_open(empty_adjudicator(), open_input(1), Env{100}).value();
  a = pc::apply_open(a, open_input(2), Env{100}).value();
  return pc::apply_open(a, open_input(3), Env{100}).error();
}
static_assert(third_channel_for_alice() == ChannelError::too_many_channels);

// A settled channel no longer counts against the limit.
constexpr bool settled_channel_frees_a_slot() {
  Adjudicator a = pc::apply_open(active_channel(), open_input(2), Env{100}).value();
  a = pc::apply_cooperative_close(a, cosigned(1, 5000, 5000, true), Env{102}, toy).value();
  return pc::apply_open(a, open_input(3), Env{103}).ok();
}
static_assert(settled_channel_frees_a_slot());
static_assert(pc::apply_open(active_channel(), open_input(7), Env{100}).error() == ChannelError::duplicate_channel);

static_assert(only(active_channel()).state == ChannelState::active);
static_assert(pc::apply_fund(active_channel(), pc::FundInput{first_channel_id(), key(1)}, Env{102}).error() ==
              ChannelError::fund_not_opening);
static_assert(pc::apply_fund(empty_adjudicator(), pc::FundInput{first_channel_id(), key(1)}, Env{102}).error() ==
              ChannelError::unknown_channel);
constexpr ChannelError fund_at(u64 height) {
  const Adjudicator a = pc::apply_open(empty_adjudicator(), open_input(7), Env{100}).value();
  const auto r = pc::apply_fund(a, pc::FundInput{first_channel_id(), key(1)}, Env{height});
  return r.ok() ? ChannelError::none : r.error();
}
static_assert(fund_at(1099) == ChannelError::none);  // the last block before timeout_height 1100
static_assert(fund_at(1100) == ChannelError::funding_expired);

// ---- update and cooperative close [PC-UPD-1, PC-UPD-2, PC-COOP-1, PC-COOP-2, PC-SIG-1, PC-SIG-2] ----
constexpr bool update_then_cooperative_close() {
  Adjudicator a = pc::apply_update(active_channel(), cosigned(1, 5000, 5000), Env{110}, toy).value();
  if (only(a).sequence != 1 || only(a).balances[0] != 5000) return false;
  a = pc::apply_cooperative_close(a, cosigned(2, 2500, 7500, true), Env{111}, toy).value();
  return only(a).state == ChannelState::settled && only(a).balances[1] == 7500 && only(a).sequence == 2;
}
static_assert(update_then_cooperative_close());

static_assert(pc::apply_update(active_channel(), cosigned(0, 5000, 5000), Env{110}, toy).error() == ChannelError::stale_sequence);
static_assert(pc::apply_update(active_channel(), cosigned(1, 5000, 5001), Env{110}, toy).error() == ChannelError::balance_mismatch);
static_assert(pc::apply_update(active_channel(), cosigned(1, l2::u64_max, 1), Env{110}, toy).error() ==
              ChannelError::balance_overflow);

constexpr ChannelError update_with_signatures(const pc::Signature& s0, const pc::Signature& s1) {
  OffChainTransaction tx = cosigned(1, 5000, 5000);
  tx.signatures = {s0, s1};
  const auto r = pc::apply_update(active_channel(), tx, Env{110}, toy);
  return r.ok() ? ChannelError::none : r.error();
}
constexpr Hash32 digest_1 = pc::state_digest(chain, first_channel_id(), 1, {5000, 5000});
static_assert(update_with_signatures(toy_sign(alice, digest_1), toy_sign(bob, digest_1)) == ChannelError::none);
static_assert(update_with_signatures(toy_sign(alice, digest_1), toy_sign(alice, digest_1)) == ChannelError::bad_signature_1);
static_assert(update_with_signatures(toy_sign(bob, digest_1), toy_sign(bob, digest_1)) == ChannelError::bad_signature_0);
static_assert(update_with_signatures(toy_sign(bob, digest_1), toy_sign(alice, digest_1)) == ChannelError::bad_signature_0);

// A co-signed state is not a close: replaying it as one would skip the dispute window.
static_assert(pc::apply_cooperative_close(active_channel(), cosigned(1, 9000, 1000), Env{110}, toy).error() ==
              ChannelError::bad_signature_0);
static_assert(pc::apply_cooperative_close(active_channel(), cosigned(0, 9000, 1000, true), Env{110}, toy).error() ==
              ChannelError::coop_stale_sequence);
// Replay binding: the digest changes with the chain, the channel, the sequence and each balance.
static_assert(pc::state_digest(2, first_channel_id(), 1, {5000, 5000}) != digest_1);
static_assert(pc::state_digest(chain, pc::channel_id(chain, key(0xcc), {alice, bob}, 8), 1, {5000, 5000}) != digest_1);
static_assert(pc::state_digest(chain, first_channel_id(), 2, {5000, 5000}) != digest_1);
static_assert(pc::state_digest(chain, first_channel_id(), 1, {5001, 4999}) != digest_1);
static_assert(pc::close_digest(chain, first_channel_id(), 1, {5000, 5000}) != digest_1);
static_assert(pc::channel_id(2, key(0xcc), {alice, bob}, 7) != first_channel_id());
static_assert(pc::channel_id(chain, key(0xcd), {alice, bob}, 7) != first_channel_id());
static_assert(pc::channel_id(chain, key(0xcc), {bob, alice}, 7) != first_channel_id());

// ---- a stale force-close answered by a challenge, then settle [PC-FORCE-1, PC-FORCE-2, PC-CHAL-1, PC-CHAL-2, PC-CHAL-3, PC-SETTLE-1, PC-SETTLE-2] ----
// Off chain the parties reached sequence 2 (alice 2000); alice publishes sequence 1 (alice 9000)
// at height 200. The deadline is 200 + 144 = 344.
constexpr Adjudicator after_stale_force_close() {
  return pc::apply_force_close(active_channel(), cosigned(1, 9000, 1000), Env{200}, toy).value();
}
static_assert(only(after_stale_force_close()).state == ChannelState::disputing);
static_assert(only(after_stale_force_close()).dispute_deadline == 344);

constexpr bool challenge_before_deadline_then_settle_pays_latest() {
  Adjudicator a = pc::apply_challenge(after_stale_force_close(), cosigned(2, 2000, 8000), Env{343}, toy).value();
  if (pc::apply_settle(a, pc::ChannelRef{first_channel_id()}, Env{343}).error() != ChannelError::settle_too_early) return false;
  a = pc::apply_settle(a, pc::ChannelRef{first_channel_id()}, Env{344}).value();
  return only(a).state == ChannelState::settled && only(a).balances[0] == 2000 && only(a).balances[1] == 8000 &&
         only(a).sequence == 2;
}
static_assert(challenge_before_deadline_then_settle_pays_latest());
// The window is half-open: at the deadline only settle is accepted, so the two never race in one block.
static_assert(pc::apply_challenge(after_stale_force_close(), cosigned(2, 2000, 8000), Env{344}, toy).error() ==
              ChannelError::challenge_too_late);
static_assert(pc::apply_challenge(after_stale_force_close(), cosigned(2, 2000, 8000), Env{345}, toy).error() ==
              ChannelError::challenge_too_late);
static_assert(pc::apply_challenge(after_stale_force_close(), cosigned(1, 2000, 8000), Env{300}, toy).error() ==
              ChannelError::challenge_stale_sequence);
static_assert(pc::apply_challenge(active_channel(), cosigned(2, 2000, 8000), Env{300}, toy).error() ==
              ChannelError::challenge_not_disputing);
static_assert(pc::apply_force_close(after_stale_force_close(), cosigned(2, 2000, 8000), Env{300}, toy).error() ==
              ChannelError::force_not_active);
static_assert(pc::apply_settle(active_channel(), pc::ChannelRef{first_channel_id()}, Env{300}).error() ==
              ChannelError::settle_not_disputing);
static_assert(pc::apply_update(after_stale_force_close(), cosigned(2, 2000, 8000), Env{300}, toy).error() ==
              ChannelError::update_not_active);
static_assert(pc::apply_cooperative_close(after_stale_force_close(), cosigned(2, 2000, 8000, true), Env{300}, toy).error() ==
              ChannelError::coop_not_active);

constexpr ChannelError force_close_below_registered() {
  const Adjudicator a = pc::apply_update(active_channel(), cosigned(2, 2000, 8000), Env{150}, toy).value();
  const auto r = pc::apply_force_close(a, cosigned(1, 9000, 1000), Env{200}, toy);
  return r.ok() ? ChannelError::none : r.error();
}
static_assert(force_close_below_registered() == ChannelError::force_stale_sequence);

// ---- timeout: nothing stays locked [PC-TIMEOUT-1, PC-TIMEOUT-2] ----
constexpr bool unfunded_channel_times_out_to_closed() {
  const Adjudicator a = pc::apply_open(empty_adjudicator(), open_input(7), Env{100}).value();
  const pc::ChannelRef ref{first_channel_id()};
  if (pc::apply_timeout(a, ref, Env{1099}).error() != ChannelError::timeout_not_reached) return false;
  return only(pc::apply_timeout(a, ref, Env{1100}).value()).state == ChannelState::closed;
}
static_assert(unfunded_channel_times_out_to_closed());

constexpr bool active_channel_times_out_into_dispute_then_settles() {
  const pc::ChannelRef ref{first_channel_id()};
  Adjudicator a = pc::apply_timeout(active_channel(), ref, Env{1100}).value();
  if (only(a).state != ChannelState::disputing || only(a).dispute_deadline != 1244) return false;
  if (pc::apply_timeout(a, ref, Env{2000}).error() != ChannelError::timeout_wrong_phase) return false;
  a = pc::apply_settle(a, ref, Env{1244}).value();
  return only(a).state == ChannelState::settled && only(a).balances[0] == 6000 && only(a).balances[1] == 4000;
}
static_assert(active_channel_times_out_into_dispute_then_settles());

// A deadline near the top of the height range saturates instead of wrapping below the height.
constexpr bool deadline_saturates() {
  const Adjudicator a = pc::apply_force_close(active_channel(), cosigned(1, 9000, 1000), Env{l2::u64_max - 10}, toy).value();
  return only(a).dispute_deadline == l2::u64_max;
}
static_assert(deadline_saturates());

}  // namespace

TEST(PaymentChannelStatic, Compiles) { SUCCEED() << "every static_assert in this file held at compile time"; }
