// The watchtower: a third party that answers a stale force-close while its client is offline. It
// is an off-chain state machine (its appointments) that reads the on-chain adjudicator of
// l2/ref/payment_channel.hpp as its L1 view and writes to it only through apply_challenge.
//
// An appointment is exactly the challenge the tower would submit (the latest co-signed state), so
// the tower holds nothing it could not use and nothing beyond what answering a breach needs. The
// tower checks an appointment against the chain when it accepts it, so that every appointment it
// holds is one the adjudicator would accept as a challenge once the channel is disputed on an
// older state.
// spec: watchtower.md
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/sha256.hpp"

namespace l2 {

// spec: watchtower.md#errors
enum class WatchtowerError : u8 {
  none = 0,
  unknown_channel,     // WT-APPT-1
  channel_ended,       // WT-APPT-2
  stale_appointment,   // WT-APPT-3
  behind_chain,        // WT-APPT-4
  bad_balances,        // WT-APPT-5
  bad_signature_0,     // WT-APPT-6
  bad_signature_1,     // WT-APPT-7
  no_appointment,      // WT-RESP-1
  not_disputing,       // WT-RESP-2
  no_breach,           // WT-RESP-3
  response_too_late,   // WT-RESP-4
  challenge_rejected,  // WT-RESP-5
};

constexpr ErrorInfo error_info(WatchtowerError e) {
  using enum WatchtowerError;
  switch (e) {
    case none: return {"OK", "", "no error"};
    case unknown_channel: return {"WT_UNKNOWN_CHANNEL", "WT-APPT-1", "the appointment names no channel registered on the adjudicator"};
    case channel_ended: return {"WT_CHANNEL_ENDED", "WT-APPT-2", "the appointment's channel is closed or settled"};
    case stale_appointment: return {"WT_STALE_APPOINTMENT", "WT-APPT-3", "the appointment is not newer than the one the tower holds"};
    case behind_chain: return {"WT_BEHIND_CHAIN", "WT-APPT-4", "the appointment is not newer than the channel's registered state"};
    case bad_balances: return {"WT_BAD_BALANCES", "WT-APPT-5", "the appointment's balances overflow or do not sum to the capacity"};
    case bad_signature_0: return {"WT_BAD_SIGNATURE_0", "WT-APPT-6", "signatures[0] is not participants[0]'s signature of the state_digest"};
    case bad_signature_1: return {"WT_BAD_SIGNATURE_1", "WT-APPT-7", "signatures[1] is not participants[1]'s signature of the state_digest"};
    case no_appointment: return {"WT_NO_APPOINTMENT", "WT-RESP-1", "the tower holds no appointment for the channel"};
    case not_disputing: return {"WT_NOT_DISPUTING", "WT-RESP-2", "the channel is not Disputing on the adjudicator"};
    case no_breach: return {"WT_NO_BREACH", "WT-RESP-3", "the registered state is not older than the appointment"};
    case response_too_late: return {"WT_RESPONSE_TOO_LATE", "WT-RESP-4", "height is at or after the channel's dispute_deadline"};
    case challenge_rejected: return {"WT_CHALLENGE_REJECTED", "WT-RESP-5", "the adjudicator rejects the appointment as a challenge"};
  }
  return {"UNKNOWN", "", "unknown error"};
}

inline constexpr std::array<WatchtowerError, 12> all_watchtower_errors = {
    WatchtowerError::unknown_channel, WatchtowerError::channel_ended,     WatchtowerError::stale_appointment,
    WatchtowerError::behind_chain,    WatchtowerError::bad_balances,      WatchtowerError::bad_signature_0,
    WatchtowerError::bad_signature_1, WatchtowerError::no_appointment,    WatchtowerError::not_disputing,
    WatchtowerError::no_breach,       WatchtowerError::response_too_late, WatchtowerError::challenge_rejected};

}  // namespace l2

namespace l2::ref::watchtower {

using payment_channel::Adjudicator;
using payment_channel::Bip340Check;
using payment_channel::ChannelRef;
using payment_channel::ChannelState;
using payment_channel::Env;
using payment_channel::PaymentChannel;
using payment_channel::SignatureCheck;

inline constexpr std::string_view world_tag = "L2/watchtower/world";

// ---------------------------------------------------------------------------------------------
// State. spec: watchtower.md#state

// The latest co-signed state of one channel: channel_id, sequence_number, new_balances and both
// signatures. It is the challenge the tower submits, field for field. spec: watchtower.md#appointment
using Appointment = payment_channel::OffChainTransaction;

// The sketch's WatchtowerService: its monitored_channels and last_known_states are one list, at
// most one appointment per channel, in the order channels were first appointed.
// spec: watchtower.md#watchtowerservice
struct WatchtowerService {
  BOOST_HANA_DEFINE_STRUCT(WatchtowerService, (std::vector<Appointment>, appointments));
};

// The state the vectors run on: the chain's adjudicator and one tower watching it.
// spec: watchtower.md#watchtowerworld
struct WatchtowerWorld {
  BOOST_HANA_DEFINE_STRUCT(WatchtowerWorld, (Adjudicator, adjudicator), (WatchtowerService, tower));
};

// spec: watchtower.md#state_root
constexpr Hash32 state_root(const WatchtowerWorld& world) { return tagged_hash(world_tag, reflect::encode(world)); }

// Index of the appointment for this channel, or nullopt.
constexpr std::optional<std::size_t> find_appointment(const WatchtowerService& tower, const Hash32& channel_id) {
  for (std::size_t i = 0; i < tower.appointments.size(); ++i)
    if (tower.appointments[i].channel_id == channel_id) return i;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Transitions. spec: watchtower.md#transitions

// The client hands the tower its latest co-signed state. `chain` is the tower's L1 view.
// spec: watchtower.md#apply_appoint
template <SignatureCheck Check = Bip340Check>
constexpr Result<WatchtowerService, WatchtowerError> apply_appoint(const WatchtowerService& tower, const Appointment& in,
                                                                   const Adjudicator& chain, const Env& /*env*/,
                                                                   const Check& signature_check = {}) {
  const auto channel_index = payment_channel::find_channel(chain, in.channel_id);
  // Verify: the channel is registered on the adjudicator [WT-APPT-1]
  if (!channel_index) return WatchtowerError::unknown_channel;
  const PaymentChannel& channel = chain.channels[*channel_index];
  // Verify: the channel is live, neither Closed nor Settled [WT-APPT-2]
  if (!payment_channel::is_live(channel.state)) return WatchtowerError::channel_ended;
  const auto held = find_appointment(tower, in.channel_id);
  // Verify: sequence_number > the held appointment's sequence_number [WT-APPT-3]
  if (held && in.sequence_number <= tower.appointments[*held].sequence_number) return WatchtowerError::stale_appointment;
  // Verify: sequence_number > the channel's registered sequence [WT-APPT-4]
  if (in.sequence_number <= channel.sequence) return WatchtowerError::behind_chain;
  // Verify: new_balances pass check_balances against total_capacity [WT-APPT-5]
  if (payment_channel::check_balances(in.new_balances, channel.total_capacity) != ChannelError::none)
    return WatchtowerError::bad_balances;
  const Hash32 digest = payment_channel::state_digest_of(chain, in);
  // Verify: signatures[0] is participants[0]'s signature of the state_digest [WT-APPT-6]
  if (!signature_check(channel.participants[0], digest, in.signatures[0])) return WatchtowerError::bad_signature_0;
  // Verify: signatures[1] is participants[1]'s signature of the state_digest [WT-APPT-7]
  if (!signature_check(channel.participants[1], digest, in.signatures[1])) return WatchtowerError::bad_signature_1;

  // The newer state replaces the held one: the tower never needs an older state again.
  WatchtowerService next = tower;
  if (held) next.appointments[*held] = in;
  else next.appointments.push_back(in);
  return next;
}

// The tower's decision for one channel at env.height: the challenge it submits, or why it submits
// none. spec: watchtower.md#respond
constexpr Result<Appointment, WatchtowerError> respond(const WatchtowerService& tower, const Hash32& channel_id,
                                                       const Adjudicator& chain, const Env& env) {
  const auto held = find_appointment(tower, channel_id);
  // Verify: the tower holds an appointment for the channel [WT-RESP-1]
  if (!held) return WatchtowerError::no_appointment;
  const auto channel_index = payment_channel::find_channel(chain, channel_id);
  // Verify: the channel is registered and Disputing [WT-RESP-2]
  if (!channel_index || chain.channels[*channel_index].state != ChannelState::disputing) return WatchtowerError::not_disputing;
  const PaymentChannel& channel = chain.channels[*channel_index];
  const Appointment& appointment = tower.appointments[*held];
  // Verify: the registered sequence < the appointment's sequence_number: the published state is stale [WT-RESP-3]
  if (channel.sequence >= appointment.sequence_number) return WatchtowerError::no_breach;
  // Verify: height < dispute_deadline, the adjudicator's challenge window (PC-CHAL-2) [WT-RESP-4]
  if (env.height >= channel.dispute_deadline) return WatchtowerError::response_too_late;
  return appointment;
}

// The tower's response included on chain at env.height: respond, then the adjudicator's
// apply_challenge. Only the adjudicator changes; the tower keeps its appointment.
// spec: watchtower.md#apply_respond
template <SignatureCheck Check = Bip340Check>
constexpr Result<WatchtowerWorld, WatchtowerError> apply_respond(const WatchtowerWorld& world, const ChannelRef& in,
                                                                 const Env& env, const Check& signature_check = {}) {
  const Result<Appointment, WatchtowerError> response = respond(world.tower, in.channel_id, world.adjudicator, env);
  if (!response.ok()) return response.error();
  const auto challenged = payment_channel::apply_challenge(world.adjudicator, response.value(), env, signature_check);
  // Verify: the adjudicator accepts the response as a challenge [WT-RESP-5]
  if (!challenged.ok()) return WatchtowerError::challenge_rejected;

  WatchtowerWorld next = world;
  next.adjudicator = challenged.value();
  return next;
}

// apply_appoint on the world: only the tower changes. spec: watchtower.md#vector-operations-mechanism-watchtower
template <SignatureCheck Check = Bip340Check>
constexpr Result<WatchtowerWorld, WatchtowerError> apply_appoint(const WatchtowerWorld& world, const Appointment& in,
                                                                 const Env& env, const Check& signature_check = {}) {
  const Result<WatchtowerService, WatchtowerError> appointed =
      apply_appoint(world.tower, in, world.adjudicator, env, signature_check);
  if (!appointed.ok()) return appointed.error();
  WatchtowerWorld next = world;
  next.tower = appointed.value();
  return next;
}

}  // namespace l2::ref::watchtower
