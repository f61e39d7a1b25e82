// Two-party payment channels: the on-chain adjudicator as a pure state machine. Each transition
// apply_<op>(adjudicator, input, env [, signature_check]) returns the new adjudicator or the error
// code of the first rule that rejects the input; a rejection never changes the state. `deploy`
// creates the adjudicator and refuses a configuration that would remove the dispute window.
// `Operations` lists the transitions once; everything that dispatches on an op derives from it.
//
// The state has a small fixed shape per channel (u64 amounts and heights, 32-byte keys and IDs, an
// explicit phase) so that the Z3 model can mirror it field for field. Signatures are checked by a
// SignatureCheck parameter: BIP-340 by default, and a stand-in where only the protocol logic is
// under test (the Z3 model abstracts signatures the same way, as a predicate over key and digest).
// spec: payment_channel.md
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/operations.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sha256.hpp"

namespace l2 {

// spec: payment_channel.md#errors
#define L2_CHANNEL_ERRORS(X) \
  X(config_censorship_bound, "PC-DEPLOY-1", "censorship_bound_blocks is 0") \
  X(config_dispute_period, "PC-DEPLOY-2", "dispute_period_blocks is not above censorship_bound_blocks") \
  X(config_channel_timeout, "PC-DEPLOY-3", "channel_timeout_blocks is not above censorship_bound_blocks") \
  X(config_capacity_range, "PC-DEPLOY-4", "min_channel_capacity is 0 or above max_channel_capacity") \
  X(config_channel_limit, "PC-DEPLOY-5", "max_channels_per_user is 0") \
  X(config_allocation_window, "PC-DEPLOY-6", "allocation_window_blocks is not above censorship_bound_blocks") \
  X(unknown_channel, "PC-CHAN-1", "no channel with this channel_id is registered") \
  X(balance_overflow, "PC-BAL-1", "balances[0] + balances[1] exceeds UINT64_MAX") \
  X(balance_mismatch, "PC-BAL-2", "balances[0] + balances[1] differs from total_capacity") \
  X(bad_signature_0, "PC-SIG-1", "signatures[0] is not participants[0]'s BIP-340 signature of the digest") \
  X(bad_signature_1, "PC-SIG-2", "signatures[1] is not participants[1]'s BIP-340 signature of the digest") \
  X(same_participants, "PC-OPEN-1", "both participants are the same key") \
  X(capacity_too_small, "PC-OPEN-2", "total_capacity is below min_channel_capacity") \
  X(capacity_too_large, "PC-OPEN-3", "total_capacity is above max_channel_capacity") \
  X(too_many_channels, "PC-OPEN-4", "a participant already has max_channels_per_user live channels") \
  X(duplicate_channel, "PC-OPEN-5", "a channel with the derived channel_id already exists") \
  X(fund_not_opening, "PC-FUND-1", "only an Opening channel can be funded") \
  X(funding_expired, "PC-FUND-2", "funding at or after timeout_height") \
  X(fund_wrong_amount, "PC-FUND-3", "the value paid in is not exactly total_capacity") \
  X(update_not_active, "PC-UPD-1", "only an Active channel accepts updates") \
  X(stale_sequence, "PC-UPD-2", "update sequence is not above the registered sequence") \
  X(coop_wrong_phase, "PC-COOP-1", "only an Active or Disputing channel can be closed cooperatively") \
  X(coop_stale_sequence, "PC-COOP-2", "closing sequence is not above the registered sequence") \
  X(force_not_active, "PC-FORCE-1", "only an Active channel can be force-closed") \
  X(force_stale_sequence, "PC-FORCE-2", "force-close sequence is below the registered sequence") \
  X(challenge_not_disputing, "PC-CHAL-1", "only a Disputing channel can be challenged") \
  X(challenge_too_late, "PC-CHAL-2", "challenge at or after dispute_deadline") \
  X(challenge_stale_sequence, "PC-CHAL-3", "challenge sequence is not above the disputed sequence") \
  X(settle_not_disputing, "PC-SETTLE-1", "only a Disputing channel can be settled") \
  X(settle_too_early, "PC-SETTLE-2", "settle before dispute_deadline") \
  X(timeout_wrong_phase, "PC-TIMEOUT-1", "only an Opening or Active channel can time out") \
  X(timeout_not_reached, "PC-TIMEOUT-2", "height is below timeout_height")
L2_ERROR_ENUM(ChannelError, "PC_", L2_CHANNEL_ERRORS)

inline constexpr auto all_channel_errors = all_errors(ChannelError{});

}  // namespace l2

namespace l2::ref::payment_channel {

using Signature = bip340::Signature;

inline constexpr std::string_view id_tag = "L2/payment_channel/id";
inline constexpr std::string_view state_tag = "L2/payment_channel/state";
inline constexpr std::string_view close_tag = "L2/payment_channel/close";
inline constexpr std::string_view root_tag = "L2/payment_channel/adjudicator";

// ---------------------------------------------------------------------------------------------
// State. spec: payment_channel.md#state

// The sketch's ChannelState: the phase of one channel.
enum class ChannelState : u8 { opening, active, disputing, closed, settled };
L2_REFLECT_ENUM(ChannelState, opening, active, disputing, closed, settled)

// spec: payment_channel.md#layer2config
struct Layer2Config {
  BOOST_HANA_DEFINE_STRUCT(Layer2Config, (u64, max_channels_per_user), (u64, channel_timeout_blocks),
                           (u64, dispute_period_blocks), (u64, min_channel_capacity), (u64, max_channel_capacity),
                           (u64, censorship_bound_blocks), (u64, allocation_window_blocks));
};

// spec: payment_channel.md#paymentchannel
struct PaymentChannel {
  BOOST_HANA_DEFINE_STRUCT(PaymentChannel, (Hash32, channel_id), (std::array<Hash32, 2>, participants),
                           (std::array<u64, 2>, balances), (u64, total_capacity), (ChannelState, state),
                           (u64, sequence), (u64, created_at), (u64, timeout_height), (u64, dispute_deadline));
};

// spec: payment_channel.md#adjudicator
struct Adjudicator {
  BOOST_HANA_DEFINE_STRUCT(Adjudicator, (u64, chain_id), (Hash32, adjudicator_id), (Layer2Config, config),
                           (std::vector<PaymentChannel>, channels));
};

// The L1 view a transition may read. spec: payment_channel.md#env
struct Env {
  u64 height = 0;
};

// ---------------------------------------------------------------------------------------------
// Inputs. spec: payment_channel.md#inputs

struct DeployInput {
  BOOST_HANA_DEFINE_STRUCT(DeployInput, (u64, chain_id), (Hash32, adjudicator_id), (Layer2Config, config));
};

// The opening state, co-signed: signatures[i] is participants[i]'s signature of the sequence-0
// state_digest of `balances`.
struct OpenInput {
  BOOST_HANA_DEFINE_STRUCT(OpenInput, (std::array<Hash32, 2>, participants), (std::array<u64, 2>, balances),
                           (u64, total_capacity), (u64, nonce), (std::array<Signature, 2>, signatures));
};

// The capacity paid into the adjudicator: `value` is the value attached to the L1 call.
struct FundInput {
  BOOST_HANA_DEFINE_STRUCT(FundInput, (Hash32, channel_id), (u64, value));
};

// A state signed by both participants: an update, a cooperative close, a force-close or a challenge.
struct OffChainTransaction {
  BOOST_HANA_DEFINE_STRUCT(OffChainTransaction, (Hash32, channel_id), (u64, sequence_number),
                           (std::array<u64, 2>, new_balances), (std::array<Signature, 2>, signatures));
};

struct ChannelRef {
  BOOST_HANA_DEFINE_STRUCT(ChannelRef, (Hash32, channel_id));
};

// ---------------------------------------------------------------------------------------------
// Identifiers and digests. spec: payment_channel.md#identifiers-and-digests

struct ChannelIdPreimage {
  BOOST_HANA_DEFINE_STRUCT(ChannelIdPreimage, (u64, chain_id), (Hash32, adjudicator_id),
                           (std::array<Hash32, 2>, participants), (u64, nonce));
};

struct SignedStateBody {
  BOOST_HANA_DEFINE_STRUCT(SignedStateBody, (u64, chain_id), (Hash32, channel_id), (u64, sequence),
                           (std::array<u64, 2>, balances));
};

// spec: payment_channel.md#channel_id
constexpr Hash32 channel_id(u64 chain_id, const Hash32& adjudicator_id, const std::array<Hash32, 2>& participants,
                            u64 nonce) {
  return tagged_hash(id_tag, reflect::encode(ChannelIdPreimage{chain_id, adjudicator_id, participants, nonce}));
}

// What both participants sign to agree on a state that may still be disputed (open at sequence 0,
// update, force-close, challenge). spec: payment_channel.md#state_digest
constexpr Hash32 state_digest(u64 chain_id, const Hash32& channel, u64 sequence, const std::array<u64, 2>& balances) {
  return tagged_hash(state_tag, reflect::encode(SignedStateBody{chain_id, channel, sequence, balances}));
}

// What both participants sign to end the channel at once. Its own tag keeps an old co-signed state
// from being replayed as a cooperative close, which would skip the dispute window.
// spec: payment_channel.md#close_digest
constexpr Hash32 close_digest(u64 chain_id, const Hash32& channel, u64 sequence, const std::array<u64, 2>& balances) {
  return tagged_hash(close_tag, reflect::encode(SignedStateBody{chain_id, channel, sequence, balances}));
}

// spec: payment_channel.md#state_root
constexpr Hash32 state_root(const Adjudicator& adjudicator) {
  return tagged_hash(root_tag, reflect::encode(adjudicator));
}

// Signature checks: BIP-340 by default (l2/ref/schnorr.hpp).
using bip340::SignatureCheck;
using bip340::Bip340Check;

// ---------------------------------------------------------------------------------------------
// Helpers shared by the transitions.

using l2::saturating_add;

constexpr bool is_live(ChannelState state) {
  return state == ChannelState::opening || state == ChannelState::active || state == ChannelState::disputing;
}

// A channel holds its capacity in the adjudicator exactly while funded and not yet paid out.
constexpr bool holds_capacity(ChannelState state) {
  return state == ChannelState::active || state == ChannelState::disputing;
}

// Index of the channel with this id, or nullopt.
constexpr std::optional<std::size_t> find_channel(const Adjudicator& adjudicator, const Hash32& id) {
  for (std::size_t i = 0; i < adjudicator.channels.size(); ++i)
    if (adjudicator.channels[i].channel_id == id) return i;
  return std::nullopt;
}

constexpr u64 live_channels_of(const Adjudicator& adjudicator, const Hash32& user) {
  u64 count = 0;
  for (const PaymentChannel& channel : adjudicator.channels)
    if (is_live(channel.state) && (channel.participants[0] == user || channel.participants[1] == user)) ++count;
  return count;
}

// spec: payment_channel.md#check_balances
constexpr ChannelError check_balances(const std::array<u64, 2>& balances, u64 total_capacity) {
  const Checked sum = checked_add(balances[0], balances[1]);
  // Verify: balances[0] + balances[1] <= UINT64_MAX [PC-BAL-1]
  if (sum.overflow) return ChannelError::balance_overflow;
  // Verify: balances[0] + balances[1] == total_capacity [PC-BAL-2]
  if (sum.value != total_capacity) return ChannelError::balance_mismatch;
  return ChannelError::none;
}

// spec: payment_channel.md#check_signatures
template <SignatureCheck Check>
constexpr ChannelError check_signatures(const std::array<Hash32, 2>& participants, const Hash32& digest,
                                        const std::array<Signature, 2>& signatures, const Check& signature_check) {
  // Verify: signatures[0] is participants[0]'s signature of the digest [PC-SIG-1]
  if (!signature_check(participants[0], digest, signatures[0])) return ChannelError::bad_signature_0;
  // Verify: signatures[1] is participants[1]'s signature of the digest [PC-SIG-2]
  if (!signature_check(participants[1], digest, signatures[1])) return ChannelError::bad_signature_1;
  return ChannelError::none;
}

// Balances, then both signatures over `digest`: the common tail of every co-signed input.
template <SignatureCheck Check>
constexpr ChannelError check_cosigned(const PaymentChannel& channel, const OffChainTransaction& tx, const Hash32& digest,
                                      const Check& signature_check) {
  if (const ChannelError e = check_balances(tx.new_balances, channel.total_capacity); e != ChannelError::none) return e;
  return check_signatures(channel.participants, digest, tx.signatures, signature_check);
}

constexpr Hash32 state_digest_of(const Adjudicator& adjudicator, const OffChainTransaction& tx) {
  return state_digest(adjudicator.chain_id, tx.channel_id, tx.sequence_number, tx.new_balances);
}

constexpr Adjudicator with_channel(Adjudicator adjudicator, std::size_t index, const PaymentChannel& channel) {
  adjudicator.channels[index] = channel;
  return adjudicator;
}

// ---------------------------------------------------------------------------------------------
// Deployment. spec: payment_channel.md#deploy

// The configuration rules, shared by every contract that embeds this adjudicator.
constexpr ChannelError check_config(const Layer2Config& config) {
  // Verify: censorship_bound_blocks >= 1 [PC-DEPLOY-1]
  if (config.censorship_bound_blocks == 0) return ChannelError::config_censorship_bound;
  // Verify: dispute_period_blocks > censorship_bound_blocks [PC-DEPLOY-2]
  if (config.dispute_period_blocks <= config.censorship_bound_blocks) return ChannelError::config_dispute_period;
  // Verify: channel_timeout_blocks > censorship_bound_blocks [PC-DEPLOY-3]
  if (config.channel_timeout_blocks <= config.censorship_bound_blocks) return ChannelError::config_channel_timeout;
  // Verify: 1 <= min_channel_capacity <= max_channel_capacity [PC-DEPLOY-4]
  if (config.min_channel_capacity == 0 || config.min_channel_capacity > config.max_channel_capacity)
    return ChannelError::config_capacity_range;
  // Verify: max_channels_per_user >= 1 [PC-DEPLOY-5]
  if (config.max_channels_per_user == 0) return ChannelError::config_channel_limit;
  // Verify: allocation_window_blocks > censorship_bound_blocks [PC-DEPLOY-6]
  if (config.allocation_window_blocks <= config.censorship_bound_blocks) return ChannelError::config_allocation_window;
  return ChannelError::none;
}

constexpr Result<Adjudicator, ChannelError> deploy(const DeployInput& in) {
  if (const ChannelError e = check_config(in.config); e != ChannelError::none) return e;
  return Adjudicator{in.chain_id, in.adjudicator_id, in.config, {}};
}

// ---------------------------------------------------------------------------------------------
// Transitions. spec: payment_channel.md#transitions

// spec: payment_channel.md#apply_open
template <SignatureCheck Check = Bip340Check>
constexpr Result<Adjudicator, ChannelError> apply_open(const Adjudicator& adjudicator, const OpenInput& in,
                                                       const Env& env, const Check& signature_check = {}) {
  const Layer2Config& config = adjudicator.config;
  // Verify: participants[0] != participants[1] [PC-OPEN-1]
  if (in.participants[0] == in.participants[1]) return ChannelError::same_participants;
  if (const ChannelError e = check_balances(in.balances, in.total_capacity); e != ChannelError::none) return e;
  // Verify: total_capacity >= min_channel_capacity [PC-OPEN-2]
  if (in.total_capacity < config.min_channel_capacity) return ChannelError::capacity_too_small;
  // Verify: total_capacity <= max_channel_capacity [PC-OPEN-3]
  if (in.total_capacity > config.max_channel_capacity) return ChannelError::capacity_too_large;
  // Verify: each participant has fewer than max_channels_per_user live channels [PC-OPEN-4]
  for (const Hash32& user : in.participants)
    if (live_channels_of(adjudicator, user) >= config.max_channels_per_user) return ChannelError::too_many_channels;
  const Hash32 id = channel_id(adjudicator.chain_id, adjudicator.adjudicator_id, in.participants, in.nonce);
  // Verify: no registered channel has the derived channel_id [PC-OPEN-5]
  if (find_channel(adjudicator, id)) return ChannelError::duplicate_channel;
  // Both participants signed the opening balances as the sequence-0 state, so no open can register
  // a split, or use up a key's channel quota, without that key's consent.
  const Hash32 digest = state_digest(adjudicator.chain_id, id, 0, in.balances);
  if (const ChannelError e = check_signatures(in.participants, digest, in.signatures, signature_check);
      e != ChannelError::none)
    return e;

  PaymentChannel channel{};
  channel.channel_id = id;
  channel.participants = in.participants;
  channel.balances = in.balances;
  channel.total_capacity = in.total_capacity;
  channel.state = ChannelState::opening;
  channel.sequence = 0;
  channel.created_at = env.height;
  channel.timeout_height = saturating_add(env.height, config.channel_timeout_blocks);
  channel.dispute_deadline = 0;
  Adjudicator next = adjudicator;
  next.channels.push_back(channel);
  return next;
}

// spec: payment_channel.md#apply_fund
constexpr Result<Adjudicator, ChannelError> apply_fund(const Adjudicator& adjudicator, const FundInput& in,
                                                       const Env& env) {
  const auto index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [PC-CHAN-1]
  if (!index) return ChannelError::unknown_channel;
  PaymentChannel channel = adjudicator.channels[*index];
  // Verify: the channel is Opening [PC-FUND-1]
  if (channel.state != ChannelState::opening) return ChannelError::fund_not_opening;
  // Verify: height < timeout_height [PC-FUND-2]
  if (env.height >= channel.timeout_height) return ChannelError::funding_expired;
  // Verify: the value paid in is exactly total_capacity [PC-FUND-3]
  if (in.value != channel.total_capacity) return ChannelError::fund_wrong_amount;

  channel.state = ChannelState::active;
  return with_channel(adjudicator, *index, channel);
}

// spec: payment_channel.md#apply_update
template <SignatureCheck Check = Bip340Check>
constexpr Result<Adjudicator, ChannelError> apply_update(const Adjudicator& adjudicator, const OffChainTransaction& in,
                                                         const Env& /*env*/, const Check& signature_check = {}) {
  const auto index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [PC-CHAN-1]
  if (!index) return ChannelError::unknown_channel;
  PaymentChannel channel = adjudicator.channels[*index];
  // Verify: the channel is Active [PC-UPD-1]
  if (channel.state != ChannelState::active) return ChannelError::update_not_active;
  // Verify: sequence_number > sequence [PC-UPD-2]
  if (in.sequence_number <= channel.sequence) return ChannelError::stale_sequence;
  const Hash32 digest = state_digest_of(adjudicator, in);
  if (const ChannelError e = check_cosigned(channel, in, digest, signature_check); e != ChannelError::none) return e;

  channel.sequence = in.sequence_number;
  channel.balances = in.new_balances;
  return with_channel(adjudicator, *index, channel);
}

// spec: payment_channel.md#apply_cooperative_close
template <SignatureCheck Check = Bip340Check>
constexpr Result<Adjudicator, ChannelError> apply_cooperative_close(const Adjudicator& adjudicator,
                                                                    const OffChainTransaction& in, const Env& /*env*/,
                                                                    const Check& signature_check = {}) {
  const auto index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [PC-CHAN-1]
  if (!index) return ChannelError::unknown_channel;
  PaymentChannel channel = adjudicator.channels[*index];
  // Verify: the channel is Active or Disputing [PC-COOP-1]
  if (!holds_capacity(channel.state)) return ChannelError::coop_wrong_phase;
  // Verify: sequence_number > sequence [PC-COOP-2]
  if (in.sequence_number <= channel.sequence) return ChannelError::coop_stale_sequence;
  const Hash32 digest = close_digest(adjudicator.chain_id, in.channel_id, in.sequence_number, in.new_balances);
  if (const ChannelError e = check_cosigned(channel, in, digest, signature_check); e != ChannelError::none) return e;

  channel.sequence = in.sequence_number;
  channel.balances = in.new_balances;
  channel.state = ChannelState::settled;
  return with_channel(adjudicator, *index, channel);
}

// spec: payment_channel.md#apply_force_close
template <SignatureCheck Check = Bip340Check>
constexpr Result<Adjudicator, ChannelError> apply_force_close(const Adjudicator& adjudicator,
                                                              const OffChainTransaction& in, const Env& env,
                                                              const Check& signature_check = {}) {
  const auto index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [PC-CHAN-1]
  if (!index) return ChannelError::unknown_channel;
  PaymentChannel channel = adjudicator.channels[*index];
  // Verify: the channel is Active [PC-FORCE-1]
  if (channel.state != ChannelState::active) return ChannelError::force_not_active;
  // Verify: sequence_number >= sequence [PC-FORCE-2]
  if (in.sequence_number < channel.sequence) return ChannelError::force_stale_sequence;
  const Hash32 digest = state_digest_of(adjudicator, in);
  if (const ChannelError e = check_cosigned(channel, in, digest, signature_check); e != ChannelError::none) return e;

  channel.sequence = in.sequence_number;
  channel.balances = in.new_balances;
  channel.state = ChannelState::disputing;
  channel.dispute_deadline = saturating_add(env.height, adjudicator.config.dispute_period_blocks);
  return with_channel(adjudicator, *index, channel);
}

// spec: payment_channel.md#apply_challenge
template <SignatureCheck Check = Bip340Check>
constexpr Result<Adjudicator, ChannelError> apply_challenge(const Adjudicator& adjudicator,
                                                            const OffChainTransaction& in, const Env& env,
                                                            const Check& signature_check = {}) {
  const auto index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [PC-CHAN-1]
  if (!index) return ChannelError::unknown_channel;
  PaymentChannel channel = adjudicator.channels[*index];
  // Verify: the channel is Disputing [PC-CHAL-1]
  if (channel.state != ChannelState::disputing) return ChannelError::challenge_not_disputing;
  // Verify: height < dispute_deadline [PC-CHAL-2]
  if (env.height >= channel.dispute_deadline) return ChannelError::challenge_too_late;
  // Verify: sequence_number > sequence [PC-CHAL-3]
  if (in.sequence_number <= channel.sequence) return ChannelError::challenge_stale_sequence;
  const Hash32 digest = state_digest_of(adjudicator, in);
  if (const ChannelError e = check_cosigned(channel, in, digest, signature_check); e != ChannelError::none) return e;

  // The deadline stays where the dispute put it, so repeated challenges cannot stretch the window.
  channel.sequence = in.sequence_number;
  channel.balances = in.new_balances;
  return with_channel(adjudicator, *index, channel);
}

// spec: payment_channel.md#apply_settle
constexpr Result<Adjudicator, ChannelError> apply_settle(const Adjudicator& adjudicator, const ChannelRef& in,
                                                         const Env& env) {
  const auto index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [PC-CHAN-1]
  if (!index) return ChannelError::unknown_channel;
  PaymentChannel channel = adjudicator.channels[*index];
  // Verify: the channel is Disputing [PC-SETTLE-1]
  if (channel.state != ChannelState::disputing) return ChannelError::settle_not_disputing;
  // Verify: height >= dispute_deadline [PC-SETTLE-2]
  if (env.height < channel.dispute_deadline) return ChannelError::settle_too_early;

  channel.state = ChannelState::settled;
  return with_channel(adjudicator, *index, channel);
}

// spec: payment_channel.md#apply_timeout
constexpr Result<Adjudicator, ChannelError> apply_timeout(const Adjudicator& adjudicator, const ChannelRef& in,
                                                          const Env& env) {
  const auto index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [PC-CHAN-1]
  if (!index) return ChannelError::unknown_channel;
  PaymentChannel channel = adjudicator.channels[*index];
  // Verify: the channel is Opening or Active [PC-TIMEOUT-1]
  if (channel.state != ChannelState::opening && channel.state != ChannelState::active)
    return ChannelError::timeout_wrong_phase;
  // Verify: height >= timeout_height [PC-TIMEOUT-2]
  if (env.height < channel.timeout_height) return ChannelError::timeout_not_reached;

  if (channel.state == ChannelState::opening) {
    channel.state = ChannelState::closed;  // never funded: nothing is locked, nothing to pay out
  } else {
    // The registered state goes to dispute, so a newer co-signed state can still win.
    channel.state = ChannelState::disputing;
    channel.dispute_deadline = saturating_add(env.height, adjudicator.config.dispute_period_blocks);
  }
  return with_channel(adjudicator, *index, channel);
}

// ---------------------------------------------------------------------------------------------
// The operations table. spec: payment_channel.md#vector-operations-mechanism-payment_channel
//
// Every operation takes a SignatureCheck, so that one call shape fits all; the ones that check no
// signature ignore it.

using Transition = Result<Adjudicator, ChannelError>;

struct Open {
  static constexpr std::string_view name = "open";
  using State = Adjudicator;
  using Input = OpenInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_open(s, in, env, check);
  }
};

struct Fund {
  static constexpr std::string_view name = "fund";
  using State = Adjudicator;
  using Input = FundInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_fund(s, in, env);
  }
};

struct Update {
  static constexpr std::string_view name = "update";
  using State = Adjudicator;
  using Input = OffChainTransaction;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_update(s, in, env, check);
  }
};

struct CooperativeClose {
  static constexpr std::string_view name = "cooperative_close";
  using State = Adjudicator;
  using Input = OffChainTransaction;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_cooperative_close(s, in, env, check);
  }
};

struct ForceClose {
  static constexpr std::string_view name = "force_close";
  using State = Adjudicator;
  using Input = OffChainTransaction;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_force_close(s, in, env, check);
  }
};

struct Challenge {
  static constexpr std::string_view name = "challenge";
  using State = Adjudicator;
  using Input = OffChainTransaction;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_challenge(s, in, env, check);
  }
};

struct Settle {
  static constexpr std::string_view name = "settle";
  using State = Adjudicator;
  using Input = ChannelRef;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_settle(s, in, env);
  }
};

struct Timeout {
  static constexpr std::string_view name = "timeout";
  using State = Adjudicator;
  using Input = ChannelRef;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_timeout(s, in, env);
  }
};

// The adjudicator's transitions in the spec's order. An op's code is its index here; the vectors,
// the model, the channel hub and the embedding mechanisms all dispatch through this table.
using Operations = OperationTable<Open, Fund, Update, CooperativeClose, ForceClose, Challenge, Settle, Timeout>;
using ChannelOp = Operations::Code;
inline constexpr std::size_t channel_op_count = Operations::count;

constexpr std::string_view op_name(ChannelOp op) { return Operations::name(op); }
constexpr std::optional<ChannelOp> parse_op(std::string_view name) { return Operations::parse(name); }
template <class Op>
inline constexpr ChannelOp op_code = Operations::code_of<Op>();

// A payment-channel operation applied to the adjudicator a larger state embeds (the watchtower's
// world, the factory registry); the rest of that state is unchanged. Its errors are the PC_* codes.
template <class Op, class World>
struct OnAdjudicator {
  using ChannelOperation = Op;
  static constexpr std::string_view name = Op::name;
  using State = World;
  using Input = typename Op::Input;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Result<World, ChannelError> apply(const World& world, const Input& in, const Env& env,
                                                     const Check& check = {}) {
    const Transition next = Op::apply(world.adjudicator, in, env, check);
    if (!next) return next.error();
    World out = world;
    out.adjudicator = next.value();
    return out;
  }
};

// Whether the op's input is a state both participants signed (the hub verifies those in bulk).
constexpr bool is_cosigned(ChannelOp op) {
  return op == op_code<Update> || op == op_code<CooperativeClose> || op == op_code<ForceClose> ||
         op == op_code<Challenge>;
}

}  // namespace l2::ref::payment_channel
