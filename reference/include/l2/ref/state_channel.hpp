// Generalized state channels: the on-chain adjudicator of n-party channels in the shape of
// ForceMove (statechannels' Nitro). A channel's fixed part names its chain, adjudicator,
// participants, nonce, application and challenge duration, and hashes to its channel_id; a state's
// variable part carries a turn number, application data, an outcome (an allocation to each
// participant) and an is_final flag. A state is supported when every participant signed it, or when
// a chain of application-valid moves leads to it from a supported state, each move signed by its
// mover participants[turn mod n]. The adjudicator registers supported states (checkpoint), runs
// challenges with a finalization timer (challenge, respond), concludes on a final state signed by
// all, and pays the finalized outcome out of the deposits (withdraw).
//
// Pure state machine in the shape of payment_channel.hpp: each transition returns the new
// adjudicator or the error of the first rule that rejects its input, and a rejection changes
// nothing. Signatures go through a SignatureCheck parameter (BIP-340 by default) and moves through
// an AppCheck parameter (the built-in applications by default).
// spec: state_channel.md
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
#include "l2/ref/channel_vm.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/operations.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/state_channel_parts.hpp"

namespace l2 {

// spec: state_channel.md#errors
#define L2_STATE_CHANNEL_ERRORS(X) \
  X(config_censorship_bound, "SC-DEPLOY-1", "censorship_bound_blocks is 0") \
  X(config_challenge_duration, "SC-DEPLOY-2", "the challenge durations are not censorship_bound_blocks < min <= max < 2^32") \
  X(config_participants, "SC-DEPLOY-3", "max_participants is not in 2..64") \
  X(config_app_data, "SC-DEPLOY-4", "max_app_data_bytes is not in 1..65536") \
  X(config_move_gas, "SC-DEPLOY-5", "move_gas_limit is not in 1..2^24") \
  X(app_invalid_code, "SC-APP-1", "the bytecode fails the channel VM's validation") \
  X(app_duplicate, "SC-APP-2", "a program with this app_definition is already deployed") \
  X(unknown_channel, "SC-CHAN-1", "no channel with this channel_id is registered") \
  X(state_outcome_length, "SC-STATE-1", "the outcome does not have one entry per participant") \
  X(state_outcome_total, "SC-STATE-2", "the outcome does not sum to the channel's total, or overflows") \
  X(state_app_data_size, "SC-STATE-3", "app_data is longer than max_app_data_bytes") \
  X(signature_count, "SC-SIG-1", "a state signed by all does not carry exactly one signature per participant") \
  X(bad_signature, "SC-SIG-2", "signatures[i] is not participants[i]'s BIP-340 signature of the state digest") \
  X(open_binding, "SC-OPEN-1", "the fixed part names another chain or adjudicator") \
  X(open_participant_count, "SC-OPEN-2", "the channel does not have 2..max_participants participants") \
  X(open_duplicate_participant, "SC-OPEN-3", "a participant key appears twice") \
  X(open_challenge_duration, "SC-OPEN-4", "challenge_duration is outside min_challenge_duration..max_challenge_duration") \
  X(open_unknown_app, "SC-OPEN-5", "the app_definition names no application the adjudicator runs") \
  X(open_not_initial, "SC-OPEN-6", "the opening state's turn is not 0, or it is final") \
  X(open_total_overflow, "SC-OPEN-7", "the opening outcome's sum overflows") \
  X(open_duplicate, "SC-OPEN-8", "a channel with this channel_id is already registered") \
  X(deposit_finalized, "SC-DEP-1", "the channel is finalized") \
  X(deposit_participant, "SC-DEP-2", "the participant index is not below n") \
  X(deposit_zero, "SC-DEP-3", "the amount is 0") \
  X(deposit_excess, "SC-DEP-4", "the deposit would take the participant's holding above its funding") \
  X(support_length, "SC-SUP-1", "the proof does not have 1..n states") \
  X(support_final, "SC-SUP-2", "a state of the proof is final") \
  X(support_turns, "SC-SUP-3", "a state's turn is not its predecessor's turn plus 1") \
  X(support_anchor, "SC-SUP-4", "the unsigned first state is not the registered state") \
  X(support_app, "SC-SUP-5", "the application rejects a move of the proof") \
  X(support_mover_count, "SC-SUP-6", "a move does not carry exactly one signature") \
  X(support_mover_signature, "SC-SUP-7", "a move's signature is not its mover's signature of the state digest") \
  X(checkpoint_finalized, "SC-CKPT-1", "the channel is finalized") \
  X(checkpoint_stale, "SC-CKPT-2", "the candidate's turn is not above the registered turn") \
  X(challenge_finalized, "SC-CHAL-1", "the channel is finalized") \
  X(challenge_stale, "SC-CHAL-2", "the candidate's turn is below the registered turn, or not above it while a challenge runs") \
  X(challenge_challenger, "SC-CHAL-3", "the challenger index is not below n") \
  X(challenge_signature, "SC-CHAL-4", "challenger_signature is not the challenger's signature of the challenge digest") \
  X(respond_no_challenge, "SC-RESP-1", "no challenge is running") \
  X(respond_late, "SC-RESP-2", "the response comes at or after finalizes_at") \
  X(respond_stale, "SC-RESP-3", "the candidate's turn is not above the challenged turn") \
  X(conclude_finalized, "SC-CONC-1", "the channel is finalized") \
  X(conclude_not_final, "SC-CONC-2", "the state is not final") \
  X(withdraw_not_finalized, "SC-WD-1", "the channel is not finalized") \
  X(withdraw_participant, "SC-WD-2", "the participant index is not below n") \
  X(withdraw_repeated, "SC-WD-3", "the participant has already withdrawn")
L2_ERROR_ENUM(StateChannelError, "SC_", L2_STATE_CHANNEL_ERRORS)

inline constexpr auto all_state_channel_errors = all_errors(StateChannelError{});

}  // namespace l2

namespace l2::ref::state_channel {

using Signature = bip340::Signature;

inline constexpr std::string_view id_tag = "L2/state_channel/id";
inline constexpr std::string_view state_tag = "L2/state_channel/state";
inline constexpr std::string_view challenge_tag = "L2/state_channel/challenge";
inline constexpr std::string_view root_tag = "L2/state_channel/adjudicator";

// The most participants a deployment may allow, and the largest app_data it may accept.
inline constexpr u64 participants_limit = 64;
inline constexpr u64 app_data_limit = 65536;
inline constexpr u64 challenge_duration_limit = u64{1} << 32;
inline constexpr u64 move_gas_ceiling = u64{1} << 24;

// ---------------------------------------------------------------------------------------------
// State. spec: state_channel.md#state

// spec: state_channel.md#statechannelconfig
struct StateChannelConfig {
  BOOST_HANA_DEFINE_STRUCT(StateChannelConfig, (u64, censorship_bound_blocks), (u64, min_challenge_duration),
                           (u64, max_challenge_duration), (u64, max_participants), (u64, max_app_data_bytes),
                           (u64, move_gas_limit));
};

// A state with its signatures: one per participant, in participant order, for a state signed by
// all; one, the mover's, for a move; none for a proof anchored on the registered state.
// spec: state_channel.md#signedstate
struct SignedState {
  BOOST_HANA_DEFINE_STRUCT(SignedState, (VariablePart, state), (std::vector<Signature>, signatures));
};

// One participant's money in the channel: what the opening outcome says it puts in (`funding`),
// what has been paid in for it (`deposited`), and whether it has been paid out.
// spec: state_channel.md#holding
struct Holding {
  BOOST_HANA_DEFINE_STRUCT(Holding, (u64, funding), (u64, deposited), (bool, withdrawn));
};

// open: no challenge. challenge: a challenge runs until finalizes_at. concluded: finalized by a
// final state signed by all. A challenge whose finalizes_at has passed is finalized too.
enum class ChannelPhase : u8 { open, challenge, concluded };
L2_REFLECT_ENUM(ChannelPhase, open, challenge, concluded)

// spec: state_channel.md#channel
struct Channel {
  BOOST_HANA_DEFINE_STRUCT(Channel, (Hash32, channel_id), (FixedPart, fixed), (u64, total),
                           (std::vector<Holding>, holdings), (ChannelPhase, phase), (VariablePart, registered),
                           (u64, finalizes_at));
};

// A channel VM program the adjudicator runs for the channels whose app_definition names it.
// spec: state_channel.md#appprogram
struct AppProgram {
  BOOST_HANA_DEFINE_STRUCT(AppProgram, (Hash32, app_definition), (Bytes, code));
};

// spec: state_channel.md#adjudicator
struct Adjudicator {
  BOOST_HANA_DEFINE_STRUCT(Adjudicator, (u64, chain_id), (Hash32, adjudicator_id), (StateChannelConfig, config),
                           (std::vector<AppProgram>, apps), (std::vector<Channel>, channels));
};

// The L1 view a transition may read. spec: state_channel.md#env
struct Env {
  u64 height = 0;
};

// ---------------------------------------------------------------------------------------------
// Inputs. spec: state_channel.md#inputs

struct DeployInput {
  BOOST_HANA_DEFINE_STRUCT(DeployInput, (u64, chain_id), (Hash32, adjudicator_id), (StateChannelConfig, config));
};

// Channel VM bytecode to deploy as an application.
struct DeployAppInput {
  BOOST_HANA_DEFINE_STRUCT(DeployAppInput, (Bytes, code));
};

// The fixed part and the opening state (turn 0), signed by all.
struct OpenInput {
  BOOST_HANA_DEFINE_STRUCT(OpenInput, (FixedPart, fixed), (SignedState, opening));
};

// `amount` is the value attached to the L1 call, credited to participants[participant].
struct DepositInput {
  BOOST_HANA_DEFINE_STRUCT(DepositInput, (Hash32, channel_id), (u64, participant), (u64, amount));
};

// A support proof: its last state is the candidate. Used by checkpoint and respond.
struct SupportInput {
  BOOST_HANA_DEFINE_STRUCT(SupportInput, (Hash32, channel_id), (std::vector<SignedState>, proof));
};

struct ChallengeInput {
  BOOST_HANA_DEFINE_STRUCT(ChallengeInput, (Hash32, channel_id), (std::vector<SignedState>, proof),
                           (u64, challenger), (Signature, challenger_signature));
};

struct ConcludeInput {
  BOOST_HANA_DEFINE_STRUCT(ConcludeInput, (Hash32, channel_id), (SignedState, final_state));
};

struct WithdrawInput {
  BOOST_HANA_DEFINE_STRUCT(WithdrawInput, (Hash32, channel_id), (u64, participant));
};

// ---------------------------------------------------------------------------------------------
// Identifiers and digests. spec: state_channel.md#identifiers-and-digests

struct SignedStateBody {
  BOOST_HANA_DEFINE_STRUCT(SignedStateBody, (Hash32, channel_id), (VariablePart, state));
};

struct ChallengeBody {
  BOOST_HANA_DEFINE_STRUCT(ChallengeBody, (Hash32, channel_id), (Hash32, candidate_digest));
};

// spec: state_channel.md#channel_id
constexpr Hash32 channel_id(const FixedPart& fixed) { return tagged_hash(id_tag, reflect::encode(fixed)); }

// What a signer of a state signs, whether all participants or the mover.
// spec: state_channel.md#state_digest
constexpr Hash32 state_digest(const Hash32& channel, const VariablePart& state) {
  return tagged_hash(state_tag, reflect::encode(SignedStateBody{channel, state}));
}

// What a challenger signs to start a challenge on a candidate. Its own tag keeps a state signature
// from serving as a challenge authorisation. spec: state_channel.md#challenge_digest
constexpr Hash32 challenge_digest(const Hash32& channel, const VariablePart& candidate) {
  return tagged_hash(challenge_tag, reflect::encode(ChallengeBody{channel, state_digest(channel, candidate)}));
}

// spec: state_channel.md#state_root
constexpr Hash32 state_root(const Adjudicator& adjudicator) {
  return tagged_hash(root_tag, reflect::encode(adjudicator));
}

// ---------------------------------------------------------------------------------------------
// Checks the transitions take as parameters.

// Signature checks: BIP-340 by default (l2/ref/schnorr.hpp).
using bip340::SignatureCheck;
using bip340::Bip340Check;

// The applications an adjudicator runs: the consensus application, and every deployed channel VM
// program, run on each move with the deployment's move_gas_limit and the VM's default limits. A
// move is valid exactly when the program halts with ACCEPT; a fault, running out of gas, REJECT and
// STOP all make it invalid. The first program of an app_definition is the one run.
// spec: state_channel.md#applications
struct StateApps {
  const std::vector<AppProgram>* apps;
  u64 move_gas_limit;

  constexpr const AppProgram* find(const Hash32& app_definition) const {
    for (const AppProgram& app : *apps)
      if (app.app_definition == app_definition) return &app;
    return nullptr;
  }
  constexpr bool knows(const Hash32& app_definition) const {
    return app_definition == consensus_app || find(app_definition) != nullptr;
  }
  constexpr bool valid_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) const {
    const AppProgram* app = find(fixed.app_definition);
    if (app == nullptr) return false;
    const auto program = channel_vm::validate_code(app->code, channel_vm::default_limits);
    if (!program.ok()) return false;  // only in a state no deploy_app made: deploy_app validates
    return channel_vm::judge_move(program.value(), fixed, from, to, move_gas_limit, channel_vm::default_limits);
  }
};

// ---------------------------------------------------------------------------------------------
// Helpers shared by the transitions.

using l2::saturating_add;

// The applications `adjudicator` runs. spec: state_channel.md#applications
constexpr StateApps apps_of(const Adjudicator& adjudicator) {
  return StateApps{&adjudicator.apps, adjudicator.config.move_gas_limit};
}

// Index of the channel with this id, or nullopt.
constexpr std::optional<std::size_t> find_channel(const Adjudicator& adjudicator, const Hash32& id) {
  for (std::size_t i = 0; i < adjudicator.channels.size(); ++i)
    if (adjudicator.channels[i].channel_id == id) return i;
  return std::nullopt;
}

// Whether the channel is finalized at `height`: concluded, or a challenge whose timer has run out.
// spec: state_channel.md#finalized
constexpr bool is_finalized(const Channel& channel, u64 height) {
  return channel.phase == ChannelPhase::concluded ||
         (channel.phase == ChannelPhase::challenge && height >= channel.finalizes_at);
}

// Whether every participant's deposits reached its funding. spec: state_channel.md#payout
constexpr bool is_funded(const Channel& channel) {
  for (const Holding& holding : channel.holdings)
    if (holding.deposited != holding.funding) return false;
  return true;
}

// What participant i is paid when the channel finalizes: the registered outcome when the channel was
// fully funded, and its own deposits back when it was not. spec: state_channel.md#payout
constexpr u64 payout(const Channel& channel, std::size_t participant) {
  return is_funded(channel) ? channel.registered.outcome[participant] : channel.holdings[participant].deposited;
}

// The sum of the outcome, or nullopt when it overflows.
constexpr std::optional<u64> outcome_total(const std::vector<u64>& outcome) {
  u64 sum = 0;
  for (const u64 amount : outcome) {
    const Checked next = checked_add(sum, amount);
    if (next.overflow) return std::nullopt;
    sum = next.value;
  }
  return sum;
}

// The form every state the adjudicator reads must have. spec: state_channel.md#check_state
constexpr StateChannelError check_state(const StateChannelConfig& config, const Channel& channel,
                                        const VariablePart& state) {
  // Verify: the outcome has one entry per participant [SC-STATE-1]
  if (state.outcome.size() != channel.fixed.participants.size()) return StateChannelError::state_outcome_length;
  const std::optional<u64> total = outcome_total(state.outcome);
  // Verify: the outcome sums to the channel's total, without overflow [SC-STATE-2]
  if (!total || *total != channel.total) return StateChannelError::state_outcome_total;
  // Verify: app_data is at most max_app_data_bytes long [SC-STATE-3]
  if (state.app_data.size() > config.max_app_data_bytes) return StateChannelError::state_app_data_size;
  return StateChannelError::none;
}

// A state signed by all: signatures[i] is participants[i]'s signature of its state digest.
// spec: state_channel.md#check_signed_by_all
template <SignatureCheck Check>
constexpr StateChannelError check_signed_by_all(const Hash32& id, const FixedPart& fixed, const SignedState& signed_state,
                                                const Check& signature_check) {
  // Verify: the state carries exactly one signature per participant [SC-SIG-1]
  if (signed_state.signatures.size() != fixed.participants.size()) return StateChannelError::signature_count;
  const Hash32 digest = state_digest(id, signed_state.state);
  for (std::size_t i = 0; i < fixed.participants.size(); ++i) {
    // Verify: signatures[i] is participants[i]'s signature of the state digest [SC-SIG-2]
    if (!signature_check(fixed.participants[i], digest, signed_state.signatures[i]))
      return StateChannelError::bad_signature;
  }
  return StateChannelError::none;
}

// The proof's length, checked before anything reads its candidate. spec: state_channel.md#check_support
constexpr StateChannelError check_support_length(const Channel& channel, const std::vector<SignedState>& proof) {
  // Verify: the proof has 1..n states [SC-SUP-1]
  if (proof.empty() || proof.size() > channel.fixed.participants.size()) return StateChannelError::support_length;
  return StateChannelError::none;
}

// That the proof's last state, the candidate, is supported: its first state is signed by all or is
// the registered state, and each later state is a valid move signed by its mover.
// spec: state_channel.md#check_support
template <SignatureCheck Check, AppCheck App>
constexpr StateChannelError check_support(const StateChannelConfig& config, const Channel& channel,
                                          const std::vector<SignedState>& proof, const Check& signature_check,
                                          const App& app) {
  if (const StateChannelError e = check_support_length(channel, proof); e != StateChannelError::none) return e;
  for (const SignedState& step : proof) {
    if (const StateChannelError e = check_state(config, channel, step.state); e != StateChannelError::none) return e;
    // Verify: no state of the proof is final [SC-SUP-2]
    if (step.state.is_final) return StateChannelError::support_final;
  }
  for (std::size_t i = 1; i < proof.size(); ++i) {
    const Checked next_turn = checked_add(proof[i - 1].state.turn, 1);
    // Verify: each state's turn is its predecessor's turn plus 1 [SC-SUP-3]
    if (next_turn.overflow || proof[i].state.turn != next_turn.value) return StateChannelError::support_turns;
  }
  const SignedState& first = proof.front();
  // Verify: an unsigned first state is the registered state [SC-SUP-4]
  if (first.signatures.empty() && !reflect::equal(first.state, channel.registered)) return StateChannelError::support_anchor;
  for (std::size_t i = 1; i < proof.size(); ++i) {
    // Verify: the application accepts each move [SC-SUP-5]
    if (!app.valid_move(channel.fixed, proof[i - 1].state, proof[i].state)) return StateChannelError::support_app;
  }
  if (!first.signatures.empty()) {
    if (const StateChannelError e = check_signed_by_all(channel.channel_id, channel.fixed, first, signature_check);
        e != StateChannelError::none)
      return e;
  }
  for (std::size_t i = 1; i < proof.size(); ++i) {
    // Verify: each move carries exactly one signature [SC-SUP-6]
    if (proof[i].signatures.size() != 1) return StateChannelError::support_mover_count;
    const Hash32& mover = channel.fixed.participants[mover_index(channel.fixed, proof[i].state.turn)];
    // Verify: each move's signature is its mover's signature of the state digest [SC-SUP-7]
    if (!signature_check(mover, state_digest(channel.channel_id, proof[i].state), proof[i].signatures[0]))
      return StateChannelError::support_mover_signature;
  }
  return StateChannelError::none;
}

// The channel with `candidate` registered and phase and timer set.
constexpr Adjudicator with_registered(Adjudicator adjudicator, std::size_t index, const VariablePart& candidate,
                                      ChannelPhase phase, u64 finalizes_at) {
  Channel& channel = adjudicator.channels[index];
  channel.registered = candidate;
  channel.phase = phase;
  channel.finalizes_at = finalizes_at;
  return adjudicator;
}

// ---------------------------------------------------------------------------------------------
// Deployment. spec: state_channel.md#deploy

constexpr StateChannelError check_config(const StateChannelConfig& config) {
  // Verify: censorship_bound_blocks >= 1 [SC-DEPLOY-1]
  if (config.censorship_bound_blocks == 0) return StateChannelError::config_censorship_bound;
  // Verify: censorship_bound_blocks < min_challenge_duration <= max_challenge_duration < 2^32 [SC-DEPLOY-2]
  if (config.min_challenge_duration <= config.censorship_bound_blocks ||
      config.max_challenge_duration < config.min_challenge_duration ||
      config.max_challenge_duration >= challenge_duration_limit)
    return StateChannelError::config_challenge_duration;
  // Verify: 2 <= max_participants <= 64 [SC-DEPLOY-3]
  if (config.max_participants < 2 || config.max_participants > participants_limit)
    return StateChannelError::config_participants;
  // Verify: 1 <= max_app_data_bytes <= 65536 [SC-DEPLOY-4]
  if (config.max_app_data_bytes == 0 || config.max_app_data_bytes > app_data_limit)
    return StateChannelError::config_app_data;
  // Verify: 1 <= move_gas_limit <= 2^24 [SC-DEPLOY-5]
  if (config.move_gas_limit == 0 || config.move_gas_limit > move_gas_ceiling) return StateChannelError::config_move_gas;
  return StateChannelError::none;
}

constexpr Result<Adjudicator, StateChannelError> deploy(const DeployInput& in) {
  if (const StateChannelError e = check_config(in.config); e != StateChannelError::none) return e;
  return Adjudicator{in.chain_id, in.adjudicator_id, in.config, {}, {}};
}

// ---------------------------------------------------------------------------------------------
// Transitions. spec: state_channel.md#transitions

constexpr bool has_duplicate(const std::vector<Hash32>& keys) {
  for (std::size_t i = 0; i < keys.size(); ++i)
    for (std::size_t j = i + 1; j < keys.size(); ++j)
      if (keys[i] == keys[j]) return true;
  return false;
}

// Anyone may deploy a program; its app_definition is the hash of its code, so nobody can take
// another program's identity. spec: state_channel.md#apply_deploy_app
constexpr Result<Adjudicator, StateChannelError> apply_deploy_app(const Adjudicator& adjudicator,
                                                                  const DeployAppInput& in, const Env&) {
  // Verify: the code passes the channel VM's validation under its default limits [SC-APP-1]
  if (!channel_vm::validate_code(in.code, channel_vm::default_limits).ok()) return StateChannelError::app_invalid_code;
  const Hash32 definition = channel_vm::app_definition(in.code);
  // Verify: no deployed program has this app_definition [SC-APP-2]
  if (apps_of(adjudicator).find(definition) != nullptr) return StateChannelError::app_duplicate;

  Adjudicator next = adjudicator;
  next.apps.push_back(AppProgram{definition, in.code});
  return next;
}

// spec: state_channel.md#apply_open
template <SignatureCheck Check, AppCheck App>
constexpr Result<Adjudicator, StateChannelError> apply_open(const Adjudicator& adjudicator, const OpenInput& in,
                                                            const Env&, const Check& signature_check, const App& app) {
  const StateChannelConfig& config = adjudicator.config;
  const FixedPart& fixed = in.fixed;
  const VariablePart& opening = in.opening.state;
  // Verify: the fixed part names this chain and this adjudicator [SC-OPEN-1]
  if (fixed.chain_id != adjudicator.chain_id || fixed.adjudicator_id != adjudicator.adjudicator_id)
    return StateChannelError::open_binding;
  // Verify: 2 <= n <= max_participants [SC-OPEN-2]
  if (fixed.participants.size() < 2 || fixed.participants.size() > config.max_participants)
    return StateChannelError::open_participant_count;
  // Verify: the participant keys are distinct [SC-OPEN-3]
  if (has_duplicate(fixed.participants)) return StateChannelError::open_duplicate_participant;
  // Verify: min_challenge_duration <= challenge_duration <= max_challenge_duration [SC-OPEN-4]
  if (fixed.challenge_duration < config.min_challenge_duration ||
      fixed.challenge_duration > config.max_challenge_duration)
    return StateChannelError::open_challenge_duration;
  // Verify: the adjudicator runs the application app_definition names [SC-OPEN-5]
  if (!app.knows(fixed.app_definition)) return StateChannelError::open_unknown_app;
  // Verify: the opening state has turn 0 and is not final [SC-OPEN-6]
  if (opening.turn != 0 || opening.is_final) return StateChannelError::open_not_initial;
  const std::optional<u64> total = outcome_total(opening.outcome);
  // Verify: the opening outcome's sum does not overflow [SC-OPEN-7]
  if (!total) return StateChannelError::open_total_overflow;

  std::vector<Holding> holdings;
  for (const u64 funding : opening.outcome) holdings.push_back(Holding{funding, 0, false});
  // Open, on the opening state, with no timer.
  Channel channel{channel_id(fixed), fixed, *total, holdings, ChannelPhase::open, opening, 0};
  if (const StateChannelError e = check_state(config, channel, opening); e != StateChannelError::none) return e;
  // Verify: no registered channel has this channel_id [SC-OPEN-8]
  if (find_channel(adjudicator, channel.channel_id)) return StateChannelError::open_duplicate;
  if (const StateChannelError e = check_signed_by_all(channel.channel_id, fixed, in.opening, signature_check);
      e != StateChannelError::none)
    return e;

  Adjudicator next = adjudicator;
  next.channels.push_back(channel);
  return next;
}

// spec: state_channel.md#apply_deposit
constexpr Result<Adjudicator, StateChannelError> apply_deposit(const Adjudicator& adjudicator, const DepositInput& in,
                                                               const Env& env) {
  const std::optional<std::size_t> index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [SC-CHAN-1]
  if (!index) return StateChannelError::unknown_channel;
  const Channel& channel = adjudicator.channels[*index];
  // Verify: the channel is not finalized [SC-DEP-1]
  if (is_finalized(channel, env.height)) return StateChannelError::deposit_finalized;
  // Verify: participant < n [SC-DEP-2]
  if (in.participant >= channel.holdings.size()) return StateChannelError::deposit_participant;
  // Verify: amount >= 1 [SC-DEP-3]
  if (in.amount == 0) return StateChannelError::deposit_zero;
  const Holding& holding = channel.holdings[in.participant];
  const Checked deposited = checked_add(holding.deposited, in.amount);
  // Verify: deposited + amount <= funding, without overflow [SC-DEP-4]
  if (deposited.overflow || deposited.value > holding.funding) return StateChannelError::deposit_excess;

  Adjudicator next = adjudicator;
  next.channels[*index].holdings[in.participant].deposited = deposited.value;
  return next;
}

// spec: state_channel.md#apply_checkpoint
template <SignatureCheck Check, AppCheck App>
constexpr Result<Adjudicator, StateChannelError> apply_checkpoint(const Adjudicator& adjudicator,
                                                                  const SupportInput& in, const Env& env,
                                                                  const Check& signature_check, const App& app) {
  const std::optional<std::size_t> index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [SC-CHAN-1]
  if (!index) return StateChannelError::unknown_channel;
  const Channel& channel = adjudicator.channels[*index];
  // Verify: the channel is not finalized [SC-CKPT-1]
  if (is_finalized(channel, env.height)) return StateChannelError::checkpoint_finalized;
  if (const StateChannelError e = check_support_length(channel, in.proof); e != StateChannelError::none) return e;
  const VariablePart& candidate = in.proof.back().state;
  // Verify: the candidate's turn > the registered turn [SC-CKPT-2]
  if (candidate.turn <= channel.registered.turn) return StateChannelError::checkpoint_stale;
  if (const StateChannelError e = check_support(adjudicator.config, channel, in.proof, signature_check, app);
      e != StateChannelError::none)
    return e;
  return with_registered(adjudicator, *index, candidate, ChannelPhase::open, 0);
}

// spec: state_channel.md#apply_challenge
template <SignatureCheck Check, AppCheck App>
constexpr Result<Adjudicator, StateChannelError> apply_challenge(const Adjudicator& adjudicator,
                                                                 const ChallengeInput& in, const Env& env,
                                                                 const Check& signature_check, const App& app) {
  const std::optional<std::size_t> index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [SC-CHAN-1]
  if (!index) return StateChannelError::unknown_channel;
  const Channel& channel = adjudicator.channels[*index];
  // Verify: the channel is not finalized [SC-CHAL-1]
  if (is_finalized(channel, env.height)) return StateChannelError::challenge_finalized;
  if (const StateChannelError e = check_support_length(channel, in.proof); e != StateChannelError::none) return e;
  const VariablePart& candidate = in.proof.back().state;
  // Verify: turn >= the registered turn when open, turn > the registered turn while a challenge runs [SC-CHAL-2]
  if (candidate.turn < channel.registered.turn ||
      (channel.phase == ChannelPhase::challenge && candidate.turn == channel.registered.turn))
    return StateChannelError::challenge_stale;
  // Verify: challenger < n [SC-CHAL-3]
  if (in.challenger >= channel.fixed.participants.size()) return StateChannelError::challenge_challenger;
  if (const StateChannelError e = check_support(adjudicator.config, channel, in.proof, signature_check, app);
      e != StateChannelError::none)
    return e;
  // Verify: challenger_signature is participants[challenger]'s signature of the challenge digest [SC-CHAL-4]
  if (!signature_check(channel.fixed.participants[in.challenger], challenge_digest(channel.channel_id, candidate),
                       in.challenger_signature))
    return StateChannelError::challenge_signature;
  return with_registered(adjudicator, *index, candidate, ChannelPhase::challenge,
                         saturating_add(env.height, channel.fixed.challenge_duration));
}

// spec: state_channel.md#apply_respond
template <SignatureCheck Check, AppCheck App>
constexpr Result<Adjudicator, StateChannelError> apply_respond(const Adjudicator& adjudicator, const SupportInput& in,
                                                               const Env& env, const Check& signature_check, const App& app) {
  const std::optional<std::size_t> index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [SC-CHAN-1]
  if (!index) return StateChannelError::unknown_channel;
  const Channel& channel = adjudicator.channels[*index];
  // Verify: a challenge runs [SC-RESP-1]
  if (channel.phase != ChannelPhase::challenge) return StateChannelError::respond_no_challenge;
  // Verify: height < finalizes_at [SC-RESP-2]
  if (env.height >= channel.finalizes_at) return StateChannelError::respond_late;
  if (const StateChannelError e = check_support_length(channel, in.proof); e != StateChannelError::none) return e;
  const VariablePart& candidate = in.proof.back().state;
  // Verify: the candidate's turn > the challenged turn [SC-RESP-3]
  if (candidate.turn <= channel.registered.turn) return StateChannelError::respond_stale;
  if (const StateChannelError e = check_support(adjudicator.config, channel, in.proof, signature_check, app);
      e != StateChannelError::none)
    return e;
  return with_registered(adjudicator, *index, candidate, ChannelPhase::open, 0);
}

// spec: state_channel.md#apply_conclude
template <SignatureCheck Check = Bip340Check>
constexpr Result<Adjudicator, StateChannelError> apply_conclude(const Adjudicator& adjudicator,
                                                                const ConcludeInput& in, const Env& env,
                                                                const Check& signature_check = {}) {
  const std::optional<std::size_t> index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [SC-CHAN-1]
  if (!index) return StateChannelError::unknown_channel;
  const Channel& channel = adjudicator.channels[*index];
  const VariablePart& state = in.final_state.state;
  // Verify: the channel is not finalized [SC-CONC-1]
  if (is_finalized(channel, env.height)) return StateChannelError::conclude_finalized;
  // Verify: the state is final [SC-CONC-2]
  if (!state.is_final) return StateChannelError::conclude_not_final;
  if (const StateChannelError e = check_state(adjudicator.config, channel, state); e != StateChannelError::none)
    return e;
  if (const StateChannelError e = check_signed_by_all(channel.channel_id, channel.fixed, in.final_state,
                                                      signature_check);
      e != StateChannelError::none)
    return e;
  return with_registered(adjudicator, *index, state, ChannelPhase::concluded, env.height);
}

// spec: state_channel.md#apply_withdraw
constexpr Result<Adjudicator, StateChannelError> apply_withdraw(const Adjudicator& adjudicator,
                                                                const WithdrawInput& in, const Env& env) {
  const std::optional<std::size_t> index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [SC-CHAN-1]
  if (!index) return StateChannelError::unknown_channel;
  const Channel& channel = adjudicator.channels[*index];
  // Verify: the channel is finalized [SC-WD-1]
  if (!is_finalized(channel, env.height)) return StateChannelError::withdraw_not_finalized;
  // Verify: participant < n [SC-WD-2]
  if (in.participant >= channel.holdings.size()) return StateChannelError::withdraw_participant;
  // Verify: the participant has not withdrawn [SC-WD-3]
  if (channel.holdings[in.participant].withdrawn) return StateChannelError::withdraw_repeated;

  Adjudicator next = adjudicator;
  next.channels[*index].holdings[in.participant].withdrawn = true;
  return next;
}

// The money the adjudicator holds for a channel: what was deposited, less what was paid out. The
// outcome conservation rule makes this never negative. spec: state_channel.md#payout
constexpr u64 held(const Channel& channel) {
  u64 deposited = 0;
  u64 paid = 0;
  for (std::size_t i = 0; i < channel.holdings.size(); ++i) {
    deposited += channel.holdings[i].deposited;
    if (channel.holdings[i].withdrawn) paid += payout(channel, i);
  }
  return deposited - paid;
}

// ---------------------------------------------------------------------------------------------
// The operations table. spec: state_channel.md#vector-operations-mechanism-state_channel

using Transition = Result<Adjudicator, StateChannelError>;

struct DeployApp {
  static constexpr std::string_view name = "deploy_app";
  using State = Adjudicator;
  using Input = DeployAppInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_deploy_app(s, in, env);
  }
};

struct Open {
  static constexpr std::string_view name = "open";
  using State = Adjudicator;
  using Input = OpenInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_open(s, in, env, check, apps_of(s));
  }
};

struct Deposit {
  static constexpr std::string_view name = "deposit";
  using State = Adjudicator;
  using Input = DepositInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_deposit(s, in, env);
  }
};

struct Checkpoint {
  static constexpr std::string_view name = "checkpoint";
  using State = Adjudicator;
  using Input = SupportInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_checkpoint(s, in, env, check, apps_of(s));
  }
};

struct Challenge {
  static constexpr std::string_view name = "challenge";
  using State = Adjudicator;
  using Input = ChallengeInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_challenge(s, in, env, check, apps_of(s));
  }
};

struct Respond {
  static constexpr std::string_view name = "respond";
  using State = Adjudicator;
  using Input = SupportInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_respond(s, in, env, check, apps_of(s));
  }
};

struct Conclude {
  static constexpr std::string_view name = "conclude";
  using State = Adjudicator;
  using Input = ConcludeInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_conclude(s, in, env, check);
  }
};

struct Withdraw {
  static constexpr std::string_view name = "withdraw";
  using State = Adjudicator;
  using Input = WithdrawInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_withdraw(s, in, env);
  }
};

// The adjudicator's transitions in the spec's order; `deploy` creates the state and stays outside.
using Operations = OperationTable<DeployApp, Open, Deposit, Checkpoint, Challenge, Respond, Conclude, Withdraw>;

}  // namespace l2::ref::state_channel
