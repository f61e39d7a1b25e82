// Watchtower scenarios checked at compile time: this file compiling is the test passing.
//
// Signatures are l2::test::ToySignatureCheck stand-ins (l2::inv::SymbolicSignature: valid exactly
// for the signer's key and the digest), as in payment_channel_static_test.cpp, so that constant
// evaluation stays fast. Everything else is the reference as it runs: the locators, the blob keys
// and the ChaCha20-Poly1305 seal and open of every blob, the digests, the slots, the heights. Each
// scenario is kept to a chain of two or three appointments so the file compiles in seconds. The
// same scenarios with BIP-340 signatures run in tests/unit/watchtower_test.cpp.
#include <gtest/gtest.h>

#include <array>

#include "l2/ref/encoding.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/ref/watchtower.hpp"
#include "l2/test/toy_signature.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::u64;
using l2::WatchtowerError;
namespace payment_channel = l2::ref::payment_channel;
namespace watchtower = l2::ref::watchtower;
using payment_channel::ChannelState;
using payment_channel::Env;
using payment_channel::OffChainTransaction;
using watchtower::WatchtowerWorld;

using l2::test::key;
using l2::test::toy;
using l2::test::toy_sign;

constexpr Hash32 alice = key(0xa1);  // the counterparty: publishes stale states
constexpr Hash32 bob = key(0xb2);    // the tower's client, participant 1
constexpr Hash32 eve = key(0xee);    // an outsider with slots of her own
constexpr u64 chain = 1;
constexpr Hash32 adjudicator_id = key(0xcc);
constexpr Hash32 tower_id = key(0x70);
constexpr Hash32 other_tower_id = key(0x71);
constexpr std::size_t client = 1;
constexpr u64 force_height = 200;
constexpr u64 deadline = 344;  // force_height + dispute_period_blocks (144)

// A step the scenario needs: a rejection makes the evaluation non-constant, so the file does not
// compile (a default value would hide it).
template <class T, class E>
constexpr T must(const l2::Result<T, E>& result) {
  if (!result.ok()) throw "a step the scenario needs was rejected";
  return result.value();
}
template <class T, class E>
constexpr E error_of(const l2::Result<T, E>& result) {
  return result.ok() ? E::none : result.error();
}

constexpr Hash32 channel() { return payment_channel::channel_id(chain, adjudicator_id, {alice, bob}, 7); }

// s_k: sequence k, balances 6000 - 1000 k / 4000 + 1000 k, co-signed. s_0 is the opening state.
constexpr OffChainTransaction signed_state(u64 sequence, std::array<u64, 2> balances) {
  const Hash32 digest = payment_channel::state_digest(chain, channel(), sequence, balances);
  return OffChainTransaction{channel(), sequence, balances, {toy_sign(alice, digest), toy_sign(bob, digest)}};
}
constexpr OffChainTransaction state(u64 k) { return signed_state(k, {6000 - 1000 * k, 4000 + 1000 * k}); }

// Opened on s_0 at 100, funded at 101; bob has 5 slots at the tower.
constexpr WatchtowerWorld funded() {
  payment_channel::Layer2Config config{};
  config.max_channels_per_user = 2;
  config.channel_timeout_blocks = 1000;
  config.dispute_period_blocks = 144;
  config.min_channel_capacity = 1000;
  config.max_channel_capacity = 1'000'000;
  config.censorship_bound_blocks = 6;
  config.allocation_window_blocks = 100;
  WatchtowerWorld w{};
  w.adjudicator = must(payment_channel::deploy(payment_channel::DeployInput{chain, adjudicator_id, config}));
  w.tower.tower_id = tower_id;
  const OffChainTransaction opening = state(0);
  w.adjudicator = must(payment_channel::apply_open(w.adjudicator, payment_channel::OpenInput{{alice, bob}, opening.new_balances, 10000, 7, opening.signatures},
                                      Env{100}, toy));
  w.adjudicator = must(payment_channel::apply_fund(w.adjudicator, payment_channel::FundInput{channel(), 10000}, Env{101}));
  return must(watchtower::apply_register_user(w, watchtower::RegisterUserInput{bob, 5}, Env{99}));
}

constexpr WatchtowerWorld with_user(const WatchtowerWorld& w, const Hash32& user, u64 slots) {
  return must(watchtower::apply_register_user(w, watchtower::RegisterUserInput{user, slots}, Env{99}));
}
constexpr watchtower::AppointInput filing(const Hash32& user, const Hash32& where, const Bytes& blob, const Hash32& signer,
                                  const Hash32& tower = tower_id) {
  return watchtower::AppointInput{user, where, blob, toy_sign(signer, watchtower::appointment_digest(tower, where, blob))};
}
constexpr watchtower::AppointInput filing(const Hash32& user, const watchtower::ClientAppointment& a) { return filing(user, a.locator, a.blob, user); }
constexpr WatchtowerWorld file(const WatchtowerWorld& w, const Hash32& user, const watchtower::ClientAppointment& a) {
  return must(watchtower::apply_appoint(w, filing(user, a), Env{102}, toy));
}
// What bob files when he co-signs s_{k+1}: that state under his own signature of s_k.
constexpr watchtower::ClientAppointment link(u64 k) { return watchtower::appointment_for(state(k), client, state(k + 1)); }
constexpr WatchtowerWorld chain_to(u64 latest, WatchtowerWorld w = funded()) {
  for (u64 k = 0; k < latest; ++k) w = file(w, bob, link(k));
  return w;
}
constexpr WatchtowerWorld force_closed(WatchtowerWorld w, u64 k) {
  w.adjudicator = must(payment_channel::apply_force_close(w.adjudicator, state(k), Env{force_height}, toy));
  return w;
}
constexpr auto respond(const WatchtowerWorld& w, const OffChainTransaction& published, u64 height) {
  return watchtower::apply_respond(w, watchtower::RespondInput{published}, Env{height}, toy);
}

constexpr u64 slots_of(const WatchtowerWorld& w, const Hash32& user) {
  const auto index = watchtower::find_user(w.tower, user);
  return index ? w.tower.users[*index].slots : 0;
}

// ---- keys, locators and blobs ----
static_assert(watchtower::appointment_blob_size == 200);
static_assert(watchtower::locator(state(0).signatures[1]) != watchtower::blob_key(state(0).signatures[1]));
static_assert(watchtower::locator(state(0).signatures[0]) != watchtower::locator(state(0).signatures[1]));
static_assert(link(0).locator == watchtower::locator(state(0).signatures[1]));
static_assert(link(0).blob.size() == watchtower::appointment_blob_size);
constexpr bool blob_opens_under_its_key_only() {
  const payment_channel::Signature own = state(0).signatures[1];
  const Bytes blob = link(0).blob;
  const auto opened = l2::ref::chacha20_poly1305::open(watchtower::blob_key(own), watchtower::blob_nonce, watchtower::locator(own), blob);
  const auto with_locator = l2::ref::chacha20_poly1305::open(watchtower::locator(own), watchtower::blob_nonce, watchtower::locator(own), blob);
  return opened.ok() && opened.value() == l2::reflect::encode(state(1)) && !with_locator.ok();
}
static_assert(blob_opens_under_its_key_only());

// ---- apply_register_user [WT-USER-1, WT-USER-2] ----
constexpr WatchtowerError register_error(u64 held, u64 slots) {
  WatchtowerWorld w{};
  if (held != 0) w = with_user(w, eve, held);
  return error_of(watchtower::apply_register_user(w, watchtower::RegisterUserInput{eve, slots}, Env{99}));
}
static_assert(register_error(0, 0) == WatchtowerError::user_no_slots);
static_assert(register_error(3, 0) == WatchtowerError::user_no_slots);
static_assert(register_error(0, 1) == WatchtowerError::none);
static_assert(register_error(0, l2::u64_max) == WatchtowerError::none);
static_assert(register_error(l2::u64_max - 1, 1) == WatchtowerError::none);
static_assert(register_error(l2::u64_max - 1, 2) == WatchtowerError::user_slots_overflow);
static_assert(register_error(l2::u64_max, 1) == WatchtowerError::user_slots_overflow);
static_assert(slots_of(with_user(with_user(WatchtowerWorld{}, eve, 10), eve, 5), eve) == 15);

// ---- apply_appoint [WT-APPT-1, WT-APPT-2, WT-APPT-3, WT-APPT-4, WT-APPT-5] ----
constexpr WatchtowerError appoint_error(const WatchtowerWorld& w, const watchtower::AppointInput& in) {
  return error_of(watchtower::apply_appoint(w, in, Env{102}, toy));
}
constexpr bool appoint_files_and_takes_a_slot() {
  const WatchtowerWorld w = file(funded(), bob, link(0));
  return w.tower.appointments.size() == 1 && w.tower.appointments[0].locator == link(0).locator &&
         w.tower.appointments[0].user == bob && w.tower.appointments[0].blob == link(0).blob && slots_of(w, bob) == 4;
}
static_assert(appoint_files_and_takes_a_slot());
static_assert(appoint_error(funded(), filing(eve, link(0))) == WatchtowerError::unknown_user);
constexpr WatchtowerError appoint_blob_of_size(std::size_t size) {
  Bytes blob = link(0).blob;
  blob.resize(size, 0);
  return appoint_error(funded(), filing(bob, link(0).locator, blob, bob));
}
static_assert(appoint_blob_of_size(199) == WatchtowerError::blob_size);
static_assert(appoint_blob_of_size(200) == WatchtowerError::none);
static_assert(appoint_blob_of_size(201) == WatchtowerError::blob_size);
static_assert(appoint_error(file(funded(), bob, link(0)), filing(bob, link(0))) == WatchtowerError::duplicate_locator);
// Duplicates are per user: eve under bob's locator is accepted.
static_assert(appoint_error(file(with_user(funded(), eve, 1), bob, link(0)), filing(eve, link(0))) == WatchtowerError::none);
constexpr WatchtowerWorld eve_used_her_slot() { return file(with_user(funded(), eve, 1), eve, link(0)); }
static_assert(slots_of(eve_used_her_slot(), eve) == 0);
static_assert(appoint_error(eve_used_her_slot(), filing(eve, link(1))) == WatchtowerError::no_slots);
// WT-APPT-3 before WT-APPT-4.
static_assert(appoint_error(eve_used_her_slot(), filing(eve, link(0))) == WatchtowerError::duplicate_locator);
static_assert(appoint_error(funded(), filing(bob, link(0).locator, link(0).blob, eve)) == WatchtowerError::bad_appointment_signature);
static_assert(appoint_error(funded(), filing(bob, link(0).locator, link(0).blob, bob, other_tower_id)) ==
              WatchtowerError::bad_appointment_signature);

// ---- apply_release [WT-REL-1, WT-REL-2] ----
constexpr watchtower::ReleaseInput releasing(const Hash32& user, const Hash32& where, const Hash32& signer,
                                     const Hash32& tower = tower_id) {
  return watchtower::ReleaseInput{user, where, toy_sign(signer, watchtower::release_digest(tower, user, where))};
}
constexpr WatchtowerError release_error(const WatchtowerWorld& w, const watchtower::ReleaseInput& in) {
  return error_of(watchtower::apply_release(w, in, Env{150}, toy));
}
constexpr bool release_gives_the_slot_back() {
  const WatchtowerWorld w = must(watchtower::apply_release(chain_to(2), releasing(bob, link(0).locator, bob), Env{150}, toy));
  return w.tower.appointments.size() == 1 && w.tower.appointments[0].locator == link(1).locator && slots_of(w, bob) == 4;
}
static_assert(release_gives_the_slot_back());
static_assert(release_error(chain_to(1), releasing(bob, link(1).locator, bob)) == WatchtowerError::no_appointment);
static_assert(release_error(with_user(chain_to(1), eve, 1), releasing(eve, link(0).locator, eve)) == WatchtowerError::no_appointment);
static_assert(release_error(chain_to(1), releasing(bob, link(0).locator, alice)) == WatchtowerError::bad_release_signature);
static_assert(release_error(chain_to(1), releasing(bob, link(0).locator, bob, other_tower_id)) ==
              WatchtowerError::bad_release_signature);

// ---- apply_respond [WT-RESP-1, WT-RESP-2, WT-RESP-3, WT-RESP-4] ----

// Bob filed s_0 .. s_3 and went offline; alice force-closes on s_1. At the last block the tower
// opens s_2, then s_3, and registers s_3; settle pays it.
constexpr bool breach_answered_while_client_offline() {
  const WatchtowerWorld w = must(respond(force_closed(chain_to(3), 1), state(1), deadline - 1));
  const payment_channel::PaymentChannel& c = w.adjudicator.channels[0];
  if (c.sequence != 3 || c.dispute_deadline != deadline || c.balances != state(3).new_balances) return false;
  // The two opened appointments are gone and their slots are back; s_0 -> s_1 was not reachable.
  if (w.tower.appointments.size() != 1 || w.tower.appointments[0].locator != link(0).locator || slots_of(w, bob) != 4)
    return false;
  const payment_channel::Adjudicator paid = must(payment_channel::apply_settle(w.adjudicator, payment_channel::ChannelRef{channel()}, Env{deadline}));
  return paid.channels[0].state == ChannelState::settled && paid.channels[0].balances == state(3).new_balances;
}
static_assert(breach_answered_while_client_offline());
static_assert(error_of(respond(force_closed(chain_to(2), 1), state(1), deadline)) == WatchtowerError::response_too_late);
static_assert(error_of(respond(force_closed(chain_to(2), 1), state(1), deadline + 1)) == WatchtowerError::response_too_late);

// The opening state published by a timeout: the chain starts at the open's signatures.
constexpr u64 opening_breach_answer() {
  WatchtowerWorld w = chain_to(2);
  w.adjudicator = must(payment_channel::apply_timeout(w.adjudicator, payment_channel::ChannelRef{channel()}, Env{1100}));
  return must(respond(w, state(0), 1101)).adjudicator.channels[0].sequence;
}
static_assert(opening_breach_answer() == 2);

static_assert(error_of(respond(chain_to(2), state(0), 150)) == WatchtowerError::not_disputing);
constexpr OffChainTransaction other_channel_state() {
  OffChainTransaction s = state(1);
  s.channel_id = key(0x99);
  return s;
}
static_assert(error_of(respond(force_closed(chain_to(2), 1), other_channel_state(), 250)) == WatchtowerError::not_disputing);
static_assert(error_of(respond(force_closed(chain_to(2), 1), state(0), 250)) == WatchtowerError::not_published_state);
static_assert(error_of(respond(force_closed(chain_to(2), 1), signed_state(1, {8000, 2000}), 250)) ==
              WatchtowerError::not_published_state);
static_assert(error_of(respond(force_closed(chain_to(2), 2), state(2), 250)) == WatchtowerError::nothing_newer);
// WT-RESP-3 before WT-RESP-4.
static_assert(error_of(respond(force_closed(chain_to(2), 2), state(2), deadline)) == WatchtowerError::response_too_late);

// ---- attacks ----

// Alice squats bob's locator of s_1 with junk first; bob's own filing there still answers.
constexpr u64 squatted_answer() {
  watchtower::ClientAppointment junk = link(1);
  junk.blob[40] ^= 0x04;
  const WatchtowerWorld w = file(with_user(funded(), alice, 1), alice, junk);
  return must(respond(force_closed(chain_to(2, w), 1), state(1), 250)).adjudicator.channels[0].sequence;
}
static_assert(squatted_answer() == 2);

// Alice files a valid encryption of the older s_0 under bob's locator of s_1: it is not newer.
constexpr u64 older_state_answer() {
  const payment_channel::Signature own = state(1).signatures[1];
  WatchtowerWorld w = with_user(chain_to(2), alice, 1);
  w = must(watchtower::apply_appoint(w, filing(alice, watchtower::locator(own), watchtower::seal_blob(own, state(0)), alice), Env{103}, toy));
  return must(respond(force_closed(w, 1), state(1), 250)).adjudicator.channels[0].sequence;
}
static_assert(older_state_answer() == 2);

// A corrupted blob as the only appointment under the locator opens nothing.
constexpr WatchtowerError only_corrupted_blob() {
  watchtower::ClientAppointment corrupted = link(1);
  corrupted.blob[17] ^= 0x01;
  return error_of(respond(force_closed(file(chain_to(1), bob, corrupted), 1), state(1), 250));
}
static_assert(only_corrupted_blob() == WatchtowerError::nothing_newer);

}  // namespace

TEST(WatchtowerStatic, Compiles) { SUCCEED() << "every static_assert in this file held at compile time"; }
