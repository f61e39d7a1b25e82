// The watchtower: a third party that answers a stale force-close while its client is offline. It
// is an off-chain state machine (its users and their encrypted appointments) that reads the
// on-chain adjudicator of l2/ref/payment_channel.hpp as its L1 view and writes to it only through
// apply_challenge.
//
// The tower learns nothing about a channel until one of its states is published on chain. Each
// time the client co-signs a new state, it hands the tower one appointment: the new state,
// encrypted (ChaCha20-Poly1305) under a key derived from the client's own signature of the state it
// supersedes, and filed under a locator derived from the same signature. A signature is public only
// once its state is published; BIP-340 signatures cannot be re-randomised by anyone but the signer,
// so a breach that publishes an old state reveals exactly the key of the next one. From the
// published state the tower decrypts the chain of appointments up to the latest state, and submits
// that as the challenge.
// spec: watchtower.md
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/chacha20_poly1305.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/operations.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/verify_check.hpp"

namespace l2 {

// spec: watchtower.md#errors
#define L2_WATCHTOWER_ERRORS(X) \
  X(user_no_slots, "WT-USER-1", "a registration must add at least one slot") \
  X(user_slots_overflow, "WT-USER-2", "the user's slots would exceed UINT64_MAX") \
  X(unknown_user, "WT-APPT-1", "the appointment's user is not registered with the tower") \
  X(blob_size, "WT-APPT-2", "the blob is not exactly appointment_blob_size bytes") \
  X(duplicate_locator, "WT-APPT-3", "the user already holds an appointment under this locator") \
  X(no_slots, "WT-APPT-4", "the user has no slot left") \
  X(bad_appointment_signature, "WT-APPT-5", "the signature is not the user's signature of the appointment_digest") \
  X(no_appointment, "WT-REL-1", "the user holds no appointment under this locator") \
  X(bad_release_signature, "WT-REL-2", "the signature is not the user's signature of the release_digest") \
  X(not_disputing, "WT-RESP-1", "the published state's channel is not registered and Disputing") \
  X(not_published_state, "WT-RESP-2", "the published state is not the channel's registered state") \
  X(response_too_late, "WT-RESP-3", "height is at or after the channel's dispute_deadline") \
  X(nothing_newer, "WT-RESP-4", "the tower's appointments hold no valid state newer than the registered one")
L2_ERROR_ENUM(WatchtowerError, "WT_", L2_WATCHTOWER_ERRORS)

inline constexpr auto all_watchtower_errors = all_errors(WatchtowerError{});

}  // namespace l2

namespace l2::ref::watchtower {

using payment_channel::Adjudicator;
using payment_channel::Bip340Check;
using payment_channel::ChannelState;
using payment_channel::Env;
using payment_channel::OffChainTransaction;
using payment_channel::PaymentChannel;
using payment_channel::Signature;
using payment_channel::SignatureCheck;

inline constexpr std::string_view world_tag = "L2/watchtower/world";
inline constexpr std::string_view locator_tag = "L2/watchtower/locator";
inline constexpr std::string_view blob_key_tag = "L2/watchtower/blob_key";
inline constexpr std::string_view appointment_tag = "L2/watchtower/appointment";
inline constexpr std::string_view release_tag = "L2/watchtower/release";

// Every blob seals one canonically encoded OffChainTransaction (32 + 8 + 16 + 128 bytes), plus the
// 16-byte tag: all blobs have one size, so a blob's length reveals nothing.
// spec: watchtower.md#appointment
inline constexpr std::size_t appointment_blob_size = 184 + chacha20_poly1305::tag_size;

// ---------------------------------------------------------------------------------------------
// State. spec: watchtower.md#state

// A client of the tower and the appointments it may still add (it pays for slots off chain).
struct TowerUser {
  BOOST_HANA_DEFINE_STRUCT(TowerUser, (Hash32, user), (u64, slots));
};

// One encrypted appointment: the next state after the one whose client signature gives `locator`
// and the key. The tower cannot read it, or tell which channel it is for, before that state is
// published. spec: watchtower.md#appointment
struct EncryptedAppointment {
  BOOST_HANA_DEFINE_STRUCT(EncryptedAppointment, (Hash32, locator), (Hash32, user), (Bytes, blob));
};

// The sketch's WatchtowerService: its monitored_channels and last_known_states become the
// appointments, which the tower cannot attribute to channels until a breach.
// spec: watchtower.md#watchtowerservice
struct WatchtowerService {
  BOOST_HANA_DEFINE_STRUCT(WatchtowerService, (Hash32, tower_id), (std::vector<TowerUser>, users),
                           (std::vector<EncryptedAppointment>, appointments));
};

// The state the vectors run on: the chain's adjudicator and one tower watching it.
// spec: watchtower.md#watchtowerworld
struct WatchtowerWorld {
  BOOST_HANA_DEFINE_STRUCT(WatchtowerWorld, (Adjudicator, adjudicator), (WatchtowerService, tower));
};

// ---------------------------------------------------------------------------------------------
// Inputs. spec: watchtower.md#inputs

struct RegisterUserInput {
  BOOST_HANA_DEFINE_STRUCT(RegisterUserInput, (Hash32, user), (u64, slots));
};

struct AppointInput {
  BOOST_HANA_DEFINE_STRUCT(AppointInput, (Hash32, user), (Hash32, locator), (Bytes, blob), (Signature, signature));
};

struct ReleaseInput {
  BOOST_HANA_DEFINE_STRUCT(ReleaseInput, (Hash32, user), (Hash32, locator), (Signature, signature));
};

// The state the adjudicator registered, as the tower read it in the L1 call data that registered
// it (an open, an update or a force-close), signatures included.
struct RespondInput {
  BOOST_HANA_DEFINE_STRUCT(RespondInput, (OffChainTransaction, published));
};

// ---------------------------------------------------------------------------------------------
// Identifiers, keys and digests. spec: watchtower.md#identifiers-keys-and-digests

struct AppointmentBody {
  BOOST_HANA_DEFINE_STRUCT(AppointmentBody, (Hash32, tower_id), (Hash32, locator), (Bytes, blob));
};

struct ReleaseBody {
  BOOST_HANA_DEFINE_STRUCT(ReleaseBody, (Hash32, tower_id), (Hash32, user), (Hash32, locator));
};

// Where the appointment for the state after `signature`'s is filed.
constexpr Hash32 locator(const Signature& client_signature) {
  return tagged_hash(locator_tag, client_signature);
}

// The key that seals it. Another tag than the locator's: the tower stores locators, and must not be
// able to compute a key from one.
constexpr chacha20_poly1305::Key blob_key(const Signature& client_signature) {
  return tagged_hash(blob_key_tag, client_signature);
}

// Every blob has its own key, so a fixed nonce never repeats under a key.
inline constexpr chacha20_poly1305::Nonce blob_nonce{};

// The blob: `next` sealed under the superseded state's key, with its locator as associated data.
constexpr Bytes seal_blob(const Signature& client_signature, const OffChainTransaction& next) {
  const Hash32 where = locator(client_signature);
  return chacha20_poly1305::seal(blob_key(client_signature), blob_nonce, where, reflect::encode(next));
}

// What the user signs to file an appointment with this tower.
constexpr Hash32 appointment_digest(const Hash32& tower_id, const Hash32& where, const Bytes& blob) {
  return tagged_hash(appointment_tag, reflect::encode(AppointmentBody{tower_id, where, blob}));
}

// What the user signs to withdraw an appointment (for a channel that ended) and free its slot.
constexpr Hash32 release_digest(const Hash32& tower_id, const Hash32& user, const Hash32& where) {
  return tagged_hash(release_tag, reflect::encode(ReleaseBody{tower_id, user, where}));
}

// spec: watchtower.md#state_root
constexpr Hash32 state_root(const WatchtowerWorld& world) { return tagged_hash(world_tag, reflect::encode(world)); }

// ---------------------------------------------------------------------------------------------
// Helpers.

constexpr std::optional<std::size_t> find_user(const WatchtowerService& tower, const Hash32& user) {
  for (std::size_t i = 0; i < tower.users.size(); ++i)
    if (tower.users[i].user == user) return i;
  return std::nullopt;
}

constexpr std::optional<std::size_t> find_appointment(const WatchtowerService& tower, const Hash32& user,
                                                      const Hash32& where) {
  for (std::size_t i = 0; i < tower.appointments.size(); ++i)
    if (tower.appointments[i].user == user && tower.appointments[i].locator == where) return i;
  return std::nullopt;
}

// Removes appointment `index` and gives its slot back to its user.
constexpr void remove_appointment(WatchtowerService& tower, std::size_t index) {
  const Hash32 owner = tower.appointments[index].user;
  tower.appointments.erase(tower.appointments.begin() + static_cast<std::ptrdiff_t>(index));
  // The user held this appointment, so it is registered; a slot count at UINT64_MAX stays there.
  if (const auto user = find_user(tower, owner)) tower.users[*user].slots = saturating_add(tower.users[*user].slots, 1);
}

// ---------------------------------------------------------------------------------------------
// The client's side. spec: watchtower.md#the-clients-side

// The appointment a client files when it co-signs `next`, superseding `previous`; `client` is its
// slot (0 or 1) in the channel's participants, so previous.signatures[client] is its own signature.
struct ClientAppointment {
  Hash32 locator{};
  Bytes blob;
};

constexpr ClientAppointment appointment_for(const OffChainTransaction& previous, std::size_t client,
                                            const OffChainTransaction& next) {
  const Signature& own = previous.signatures[client];
  return ClientAppointment{locator(own), seal_blob(own, next)};
}

// ---------------------------------------------------------------------------------------------
// The tower's search. spec: watchtower.md#find_latest

// The newest state reachable from the published one, and the appointments opened on the way.
struct Answer {
  OffChainTransaction latest;
  std::vector<std::size_t> opened;  // indices into tower.appointments, in the order opened
};

// From each state reached, both participants' signatures give a locator and a key; every
// appointment under that locator that opens to a valid co-signed state of the channel, newer than
// the state it was reached from, is reached too. Each appointment opens at most once, so the search
// ends. The answer is the reached state with the highest sequence (the first one found on a tie):
// an adversary who knows the keys can file appointments that open to older states, but never to
// one newer than the latest the client co-signed.
template <SignatureCheck Check>
constexpr std::optional<Answer> find_latest(const WatchtowerService& tower, const Adjudicator& chain,
                                            const PaymentChannel& channel, const OffChainTransaction& published,
                                            const Check& signature_check) {
  std::vector<OffChainTransaction> reached{published};
  std::vector<u8> used(tower.appointments.size(), 0);
  std::optional<Answer> answer;
  for (std::size_t next = 0; next < reached.size(); ++next) {
    const OffChainTransaction from = reached[next];
    for (const Signature& signature : from.signatures) {
      const Hash32 where = locator(signature);
      for (std::size_t a = 0; a < tower.appointments.size(); ++a) {
        if (used[a] || tower.appointments[a].locator != where) continue;
        const auto plaintext = chacha20_poly1305::open(blob_key(signature), blob_nonce, where, tower.appointments[a].blob);
        if (!plaintext) continue;
        const auto decoded = reflect::decode<OffChainTransaction>(plaintext.value());
        if (!decoded) continue;
        const OffChainTransaction& state = decoded.value();
        if (state.channel_id != channel.channel_id || state.sequence_number <= from.sequence_number) continue;
        if (payment_channel::check_cosigned(channel, state, payment_channel::state_digest_of(chain, state),
                                            signature_check) != ChannelError::none)
          continue;
        used[a] = 1;
        reached.push_back(state);
        if (!answer) answer = Answer{state, {}};
        else if (state.sequence_number > answer->latest.sequence_number) answer->latest = state;
        answer->opened.push_back(a);
      }
    }
  }
  return answer;
}

// ---------------------------------------------------------------------------------------------
// Transitions. spec: watchtower.md#transitions

// The tower adds slots for a user that paid for them (off chain).
// spec: watchtower.md#apply_register_user
constexpr Result<WatchtowerWorld, WatchtowerError> apply_register_user(const WatchtowerWorld& world,
                                                                       const RegisterUserInput& in, const Env& /*env*/) {
  // Verify: slots >= 1 [WT-USER-1]
  if (in.slots == 0) return WatchtowerError::user_no_slots;
  const auto user = find_user(world.tower, in.user);
  const u64 held = user ? world.tower.users[*user].slots : 0;
  const Checked total = checked_add(held, in.slots);
  // Verify: the user's slots + slots <= UINT64_MAX [WT-USER-2]
  if (total.overflow) return WatchtowerError::user_slots_overflow;

  WatchtowerWorld next = world;
  if (user) next.tower.users[*user].slots = total.value;
  else next.tower.users.push_back(TowerUser{in.user, total.value});
  return next;
}

// spec: watchtower.md#apply_appoint
template <SignatureCheck Check = Bip340Check>
constexpr Result<WatchtowerWorld, WatchtowerError> apply_appoint(const WatchtowerWorld& world, const AppointInput& in,
                                                                 const Env& /*env*/, const Check& signature_check = {}) {
  const WatchtowerService& tower = world.tower;
  const auto user = find_user(tower, in.user);
  // Verify: the user is registered with the tower [WT-APPT-1]
  if (!user) return WatchtowerError::unknown_user;
  // Verify: len(blob) == appointment_blob_size [WT-APPT-2]
  if (in.blob.size() != appointment_blob_size) return WatchtowerError::blob_size;
  // Verify: the user holds no appointment under this locator [WT-APPT-3]
  if (find_appointment(tower, in.user, in.locator)) return WatchtowerError::duplicate_locator;
  // Verify: the user has a slot left [WT-APPT-4]
  if (tower.users[*user].slots == 0) return WatchtowerError::no_slots;
  // Verify: the signature is the user's signature of the appointment_digest [WT-APPT-5]
  if (!signature_check(in.user, appointment_digest(tower.tower_id, in.locator, in.blob), in.signature))
    return WatchtowerError::bad_appointment_signature;

  WatchtowerWorld next = world;
  next.tower.appointments.push_back(EncryptedAppointment{in.locator, in.user, in.blob});
  next.tower.users[*user].slots -= 1;
  return next;
}

// spec: watchtower.md#apply_release
template <SignatureCheck Check = Bip340Check>
constexpr Result<WatchtowerWorld, WatchtowerError> apply_release(const WatchtowerWorld& world, const ReleaseInput& in,
                                                                 const Env& /*env*/, const Check& signature_check = {}) {
  const auto index = find_appointment(world.tower, in.user, in.locator);
  // Verify: the user holds an appointment under this locator [WT-REL-1]
  if (!index) return WatchtowerError::no_appointment;
  // Verify: the signature is the user's signature of the release_digest [WT-REL-2]
  if (!signature_check(in.user, release_digest(world.tower.tower_id, in.user, in.locator), in.signature))
    return WatchtowerError::bad_release_signature;

  WatchtowerWorld next = world;
  remove_appointment(next.tower, *index);
  return next;
}

// The tower's response to a published state, included on chain at env.height: find the latest
// state its appointments hold and submit it as a challenge. The appointments it opened belong to a
// channel now answered; they are removed and their slots given back.
// spec: watchtower.md#apply_respond
template <SignatureCheck Check = Bip340Check>
constexpr Result<WatchtowerWorld, WatchtowerError> apply_respond(const WatchtowerWorld& world, const RespondInput& in,
                                                                 const Env& env, const Check& signature_check = {}) {
  const OffChainTransaction& published = in.published;
  const auto channel_index = payment_channel::find_channel(world.adjudicator, published.channel_id);
  // Verify: the channel is registered and Disputing [WT-RESP-1]
  if (!channel_index || world.adjudicator.channels[*channel_index].state != ChannelState::disputing)
    return WatchtowerError::not_disputing;
  const PaymentChannel& channel = world.adjudicator.channels[*channel_index];
  // Verify: the published state is the registered one: same sequence and balances [WT-RESP-2]
  if (published.sequence_number != channel.sequence || published.new_balances != channel.balances)
    return WatchtowerError::not_published_state;
  // Verify: height < dispute_deadline, the adjudicator's challenge window (PC-CHAL-2) [WT-RESP-3]
  if (env.height >= channel.dispute_deadline) return WatchtowerError::response_too_late;
  const std::optional<Answer> answer = find_latest(world.tower, world.adjudicator, channel, published, signature_check);
  // Verify: the appointments hold a valid state newer than the registered one [WT-RESP-4]
  if (!answer) return WatchtowerError::nothing_newer;
  const auto challenged = payment_channel::apply_challenge(world.adjudicator, answer->latest, env, signature_check);
  // find_latest's checks and WT-RESP-1..3 are apply_challenge's, so the adjudicator accepts the answer
  // (the model's watchtower_answer_accepted proves it): a rejection would be an internal bug. A
  // build without L2_VERIFY reports it as no answer, never as an accepted step that did nothing.
  L2_VERIFY_CHECK(challenged.ok());
  if (!challenged) return WatchtowerError::nothing_newer;

  WatchtowerWorld next = world;
  next.adjudicator = challenged.value();
  std::vector<std::size_t> opened = answer->opened;
  std::sort(opened.begin(), opened.end());
  for (std::size_t k = opened.size(); k-- > 0;) remove_appointment(next.tower, opened[k]);
  return next;
}

// ---------------------------------------------------------------------------------------------
// The operations table. spec: watchtower.md#vector-operations-mechanism-watchtower

using Transition = Result<WatchtowerWorld, WatchtowerError>;

struct RegisterUser {
  static constexpr std::string_view name = "register_user";
  using State = WatchtowerWorld;
  using Input = RegisterUserInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_register_user(s, in, env);
  }
};

struct Appoint {
  static constexpr std::string_view name = "appoint";
  using State = WatchtowerWorld;
  using Input = AppointInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_appoint(s, in, env, check);
  }
};

struct Release {
  static constexpr std::string_view name = "release";
  using State = WatchtowerWorld;
  using Input = ReleaseInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_release(s, in, env, check);
  }
};

struct Respond {
  static constexpr std::string_view name = "respond";
  using State = WatchtowerWorld;
  using Input = RespondInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_respond(s, in, env, check);
  }
};

template <class Op>
using OnWorldAdjudicator = payment_channel::OnAdjudicator<Op, WatchtowerWorld>;

// The tower's operations, then every payment-channel op on the world's adjudicator.
using Operations = OperationTable<RegisterUser, Appoint, Release, Respond, OnWorldAdjudicator<payment_channel::Open>,
                                  OnWorldAdjudicator<payment_channel::Fund>, OnWorldAdjudicator<payment_channel::Update>,
                                  OnWorldAdjudicator<payment_channel::CooperativeClose>,
                                  OnWorldAdjudicator<payment_channel::ForceClose>,
                                  OnWorldAdjudicator<payment_channel::Challenge>,
                                  OnWorldAdjudicator<payment_channel::Settle>,
                                  OnWorldAdjudicator<payment_channel::Timeout>>;

}  // namespace l2::ref::watchtower
