// Watchtower scenarios checked at compile time: this file compiling is the test passing.
//
// As in payment_channel_static_test.cpp, signatures are l2::test::ToySignatureCheck stand-ins
// (valid exactly for the signer's key and the digest), so phases, heights, sequence numbers,
// digests and which key must sign are all real while constant evaluation stays fast. The same
// scenarios with BIP-340 signatures run in tests/unit/watchtower_test.cpp.
#include <gtest/gtest.h>

#include "l2/ref/payment_channel.hpp"
#include "l2/ref/watchtower.hpp"
#include "l2/test/toy_signature.hpp"

namespace {

using l2::Hash32;
using l2::u64;
using l2::WatchtowerError;
namespace pc = l2::ref::payment_channel;
namespace wt = l2::ref::watchtower;
using pc::Adjudicator;
using pc::ChannelState;
using pc::Env;
using pc::OffChainTransaction;
using wt::WatchtowerService;
using wt::WatchtowerWorld;

using l2::test::toy_sign;
using l2::test::toy;

using l2::test::key;
constexpr Hash32 alice = key(0xa1);  // publishes stale states
constexpr Hash32 bob = key(0xb2);    // the tower's client
constexpr u64 chain = 1;

constexpr Hash32 channel() { return pc::channel_id(chain, key(0xcc), {alice, bob}, 7); }
constexpr pc::ChannelRef ref{channel()};

// Open at 100 and fund at 101: Active, sequence 0, balances 6000 / 4000.
constexpr Adjudicator active_channel() {
  Adjudicator a{};
  a.chain_id = chain;
  a.adjudicator_id = key(0xcc);
  a.config = pc::Layer2Config{2, 1000, 144, 1000, 1'000'000};
  a = pc::apply_open(a, pc::OpenInput{{alice, bob}, {6000, 4000}, 10000, 7}, Env{100}).value();
  return pc::apply_fund(a, pc::FundInput{channel(), key(0xf0)}, Env{101}).value();
}

constexpr OffChainTransaction cosigned(u64 sequence, u64 to_alice, u64 to_bob) {
  const std::array<u64, 2> balances{to_alice, to_bob};
  const Hash32 digest = pc::state_digest(chain, channel(), sequence, balances);
  return OffChainTransaction{channel(), sequence, balances, {toy_sign(alice, digest), toy_sign(bob, digest)}};
}

constexpr WatchtowerError appoint_error(const WatchtowerService& tower, const OffChainTransaction& tx, const Adjudicator& a) {
  const auto r = wt::apply_appoint(tower, tx, a, Env{110}, toy);
  return r.ok() ? WatchtowerError::none : r.error();
}

constexpr WatchtowerService holding(u64 sequence, u64 to_alice, u64 to_bob) {
  return wt::apply_appoint(WatchtowerService{}, cosigned(sequence, to_alice, to_bob), active_channel(), Env{110}, toy).value();
}

// ---- apply_appoint [WT-APPT-1, WT-APPT-2, WT-APPT-3, WT-APPT-4, WT-APPT-5, WT-APPT-6, WT-APPT-7] ----
static_assert(appoint_error({}, cosigned(1, 5000, 5000), active_channel()) == WatchtowerError::none);
static_assert(holding(1, 5000, 5000).appointments.size() == 1);

constexpr bool newer_appointment_replaces_held() {
  const WatchtowerService t = wt::apply_appoint(holding(1, 5000, 5000), cosigned(4, 0, 10000), active_channel(), Env{111}, toy).value();
  return t.appointments.size() == 1 && t.appointments[0].sequence_number == 4 && t.appointments[0].new_balances[1] == 10000;
}
static_assert(newer_appointment_replaces_held());

constexpr Adjudicator empty_chain() {
  Adjudicator a = active_channel();
  a.channels.clear();
  return a;
}
static_assert(appoint_error({}, cosigned(1, 5000, 5000), empty_chain()) == WatchtowerError::unknown_channel);

constexpr Adjudicator settled_channel() {
  const std::array<u64, 2> balances{5000, 5000};
  const Hash32 d = pc::close_digest(chain, channel(), 1, balances);
  return pc::apply_cooperative_close(active_channel(), OffChainTransaction{channel(), 1, balances, {toy_sign(alice, d), toy_sign(bob, d)}},
                                     Env{110}, toy)
      .value();
}
static_assert(settled_channel().channels[0].state == ChannelState::settled);
static_assert(appoint_error({}, cosigned(2, 5000, 5000), settled_channel()) == WatchtowerError::channel_ended);

static_assert(appoint_error(holding(3, 5000, 5000), cosigned(2, 5000, 5000), active_channel()) == WatchtowerError::stale_appointment);
static_assert(appoint_error(holding(3, 5000, 5000), cosigned(3, 1, 9999), active_channel()) == WatchtowerError::stale_appointment);
static_assert(appoint_error({}, cosigned(0, 6000, 4000), active_channel()) == WatchtowerError::behind_chain);
static_assert(appoint_error({}, cosigned(1, 5000, 5001), active_channel()) == WatchtowerError::bad_balances);
static_assert(appoint_error({}, cosigned(1, l2::u64_max, 1), active_channel()) == WatchtowerError::bad_balances);

constexpr WatchtowerError appoint_with(const pc::Signature& s0, const pc::Signature& s1) {
  OffChainTransaction tx = cosigned(1, 5000, 5000);
  tx.signatures = {s0, s1};
  return appoint_error({}, tx, active_channel());
}
constexpr Hash32 digest_1 = pc::state_digest(chain, channel(), 1, {5000, 5000});
static_assert(appoint_with(toy_sign(bob, digest_1), toy_sign(bob, digest_1)) == WatchtowerError::bad_signature_0);
static_assert(appoint_with(toy_sign(alice, digest_1), toy_sign(alice, digest_1)) == WatchtowerError::bad_signature_1);
static_assert(appoint_with(toy_sign(alice, pc::close_digest(chain, channel(), 1, {5000, 5000})), toy_sign(bob, digest_1)) ==
              WatchtowerError::bad_signature_0);

// ---- respond and apply_respond [WT-RESP-1, WT-RESP-2, WT-RESP-3, WT-RESP-4, WT-RESP-5] ----
// The client (bob) holds sequence 2 at the tower; alice publishes sequence 1 at 200: deadline 344.
constexpr WatchtowerWorld breached() {
  WatchtowerWorld w{};
  w.adjudicator = pc::apply_force_close(active_channel(), cosigned(1, 9000, 1000), Env{200}, toy).value();
  w.tower = holding(2, 2000, 8000);
  return w;
}
constexpr WatchtowerError respond_error(const WatchtowerWorld& w, u64 height) {
  const auto r = wt::apply_respond(w, ref, Env{height}, toy);
  return r.ok() ? WatchtowerError::none : r.error();
}

constexpr bool breach_answered_while_client_offline() {
  WatchtowerWorld w = wt::apply_respond(breached(), ref, Env{343}, toy).value();
  if (w.adjudicator.channels[0].sequence != 2 || w.adjudicator.channels[0].dispute_deadline != 344) return false;
  const Adjudicator paid = pc::apply_settle(w.adjudicator, ref, Env{344}).value();
  return paid.channels[0].state == ChannelState::settled && paid.channels[0].balances[0] == 2000 &&
         paid.channels[0].balances[1] == 8000;
}
static_assert(breach_answered_while_client_offline());
static_assert(respond_error(breached(), 344) == WatchtowerError::response_too_late);
static_assert(respond_error(breached(), 345) == WatchtowerError::response_too_late);

constexpr WatchtowerWorld without_appointment() {
  WatchtowerWorld w = breached();
  w.tower.appointments.clear();
  return w;
}
static_assert(respond_error(without_appointment(), 250) == WatchtowerError::no_appointment);

constexpr WatchtowerWorld not_disputed() {
  WatchtowerWorld w{};
  w.adjudicator = active_channel();
  w.tower = holding(2, 2000, 8000);
  return w;
}
static_assert(respond_error(not_disputed(), 250) == WatchtowerError::not_disputing);

constexpr WatchtowerWorld latest_published() {
  WatchtowerWorld w = not_disputed();
  w.adjudicator = pc::apply_force_close(w.adjudicator, cosigned(2, 2000, 8000), Env{200}, toy).value();
  return w;
}
static_assert(respond_error(latest_published(), 250) == WatchtowerError::no_breach);

constexpr WatchtowerError respond_twice() {
  const WatchtowerWorld w = wt::apply_respond(breached(), ref, Env{250}, toy).value();
  return respond_error(w, 251);
}
static_assert(respond_twice() == WatchtowerError::no_breach);

constexpr WatchtowerWorld corrupted_store() {
  WatchtowerWorld w = breached();
  w.tower.appointments[0].signatures[1][40] ^= 0x01;
  return w;
}
static_assert(respond_error(corrupted_store(), 250) == WatchtowerError::challenge_rejected);

}  // namespace

TEST(WatchtowerStatic, Compiles) { SUCCEED() << "every static_assert in this file held at compile time"; }
