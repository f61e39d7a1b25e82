// Multi-hop payments: conditional locks in payment channels. A lock is an amount one participant
// offers the other, claimable with a secret (a SHA-256 preimage for an HTLC, a discrete log for a
// PTLC) strictly before its expiry height and refunded at or after it. Off chain, the participants
// move a channel between co-signed states with add_lock, fulfill_lock and fail_lock; on chain, the
// lock adjudicator registers co-signed states with their locks, runs the dispute window, keeps a
// registry of revealed secrets, and resolves each lock of a settled channel on its own.
//
// Pure state machines in the shape of payment_channel.hpp: every transition returns the new state
// or the error of the first rule that rejects its input, and a rejection changes nothing.
// Signatures go through a SignatureCheck parameter (BIP-340 by default).
// spec: channel_network.md#locks
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_network_onion.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/operations.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/secp256k1.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/verify_check.hpp"

namespace l2 {

// spec: channel_network.md#locks, #on-chain-the-lock-adjudicator
#define L2_NETWORK_ERRORS(X) \
  X(bad_signature_0, "CN-SIG-1", "signatures[0] is not participants[0]'s BIP-340 signature of the digest") \
  X(bad_signature_1, "CN-SIG-2", "signatures[1] is not participants[1]'s BIP-340 signature of the digest") \
  X(unknown_channel, "CN-CHAN-1", "no channel with this channel_id is registered") \
  X(config_censorship_bound, "CN-DEPLOY-1", "censorship_bound_blocks is 0") \
  X(config_dispute_period, "CN-DEPLOY-2", "dispute_period_blocks is not above censorship_bound_blocks") \
  X(config_capacity_range, "CN-DEPLOY-3", "min_channel_capacity is 0 or above max_channel_capacity") \
  X(config_dust_limit, "CN-DEPLOY-4", "dust_limit is 0") \
  X(config_lock_limit, "CN-DEPLOY-5", "max_locks_limit is 0 or above 483") \
  X(config_cltv_delta, "CN-DEPLOY-6", "min_cltv_delta is not above censorship_bound_blocks") \
  X(config_max_expiry, "CN-DEPLOY-7", "max_expiry_blocks is not above censorship_bound_blocks or not below 2^32") \
  X(open_same_participants, "CN-OPEN-1", "both participants are the same key") \
  X(open_capacity_too_small, "CN-OPEN-2", "total_capacity is below min_channel_capacity") \
  X(open_capacity_too_large, "CN-OPEN-3", "total_capacity is above max_channel_capacity") \
  X(open_value, "CN-OPEN-4", "the value paid in is not exactly total_capacity") \
  X(open_htlc_minimum, "CN-OPEN-5", "terms.htlc_minimum is below the dust limit") \
  X(open_max_locks, "CN-OPEN-6", "terms.max_locks is 0 or above max_locks_limit") \
  X(open_balances, "CN-OPEN-7", "the opening balances do not sum to total_capacity") \
  X(open_duplicate, "CN-OPEN-8", "a channel with the derived channel_id already exists") \
  X(state_conservation, "CN-STATE-1", "balances plus locked amounts differ from total_capacity") \
  X(state_lock_ids, "CN-STATE-2", "lock ids are not strictly ascending below next_lock_id") \
  X(state_lock_form, "CN-STATE-3", "a lock's sender is not 0 or 1, or its condition is malformed") \
  X(state_lock_count, "CN-STATE-4", "a sender has more than terms.max_locks locks") \
  X(update_phase, "CN-UPD-1", "only an active channel accepts an update") \
  X(update_stale, "CN-UPD-2", "the update's sequence is not above the registered sequence") \
  X(coop_phase, "CN-COOP-1", "only an active or disputing channel can be closed cooperatively") \
  X(coop_stale, "CN-COOP-2", "the closing sequence is not above the registered sequence") \
  X(coop_balances, "CN-COOP-3", "the closing balances do not sum to total_capacity") \
  X(force_phase, "CN-FORCE-1", "only an active channel can be force-closed") \
  X(force_stale, "CN-FORCE-2", "the force-close sequence is below the registered sequence") \
  X(challenge_phase, "CN-CHAL-1", "only a disputing channel can be challenged") \
  X(challenge_late, "CN-CHAL-2", "challenge at or after dispute_deadline") \
  X(challenge_stale, "CN-CHAL-3", "the challenge sequence is not above the disputed sequence") \
  X(settle_phase, "CN-SETTLE-1", "only a disputing channel can be settled") \
  X(settle_early, "CN-SETTLE-2", "settle before dispute_deadline") \
  X(reveal_condition, "CN-REVEAL-1", "the condition is neither a hash lock nor a compressed point") \
  X(reveal_wrong_secret, "CN-REVEAL-2", "the secret does not open the condition") \
  X(reveal_duplicate, "CN-REVEAL-3", "a secret of this condition is already recorded") \
  X(resolve_phase, "CN-RESOLVE-1", "only a settled channel's locks can be resolved") \
  X(resolve_unknown_lock, "CN-RESOLVE-2", "the settled state has no lock with this id") \
  X(resolve_pending, "CN-RESOLVE-3", "the lock is neither claimed before its expiry nor expired") \
  X(sequence_exhausted, "CN-OFF-1", "the state's sequence is 2^64 - 1, so no next state exists") \
  X(add_sender, "CN-ADD-1", "the sender is neither 0 nor 1") \
  X(add_condition, "CN-ADD-2", "the condition is neither a hash lock nor a compressed point") \
  X(add_dust, "CN-ADD-3", "the amount is below the dust limit") \
  X(add_below_minimum, "CN-ADD-4", "the amount is below terms.htlc_minimum") \
  X(add_balance, "CN-ADD-5", "the amount is above the sender's balance") \
  X(add_too_many_locks, "CN-ADD-6", "the sender already has terms.max_locks pending locks") \
  X(add_in_flight, "CN-ADD-7", "the sender's pending amounts would exceed terms.max_in_flight") \
  X(add_expiry_too_soon, "CN-ADD-8", "the expiry is not above height + censorship_bound_blocks") \
  X(add_expiry_too_far, "CN-ADD-9", "the expiry is above height + max_expiry_blocks") \
  X(add_lock_ids_exhausted, "CN-ADD-10", "next_lock_id is 2^64 - 1") \
  X(fulfill_unknown_lock, "CN-FULFILL-1", "no pending lock has this id") \
  X(fulfill_expired, "CN-FULFILL-2", "fulfill at or after the lock's expiry") \
  X(fulfill_wrong_secret, "CN-FULFILL-3", "the secret does not open the lock's condition") \
  X(fail_unknown_lock, "CN-FAIL-1", "no pending lock has this id")
L2_ERROR_ENUM(NetworkError, "CN_", L2_NETWORK_ERRORS)

}  // namespace l2

namespace l2::ref::channel_network {

using payment_channel::Bip340Check;
using payment_channel::Signature;
using payment_channel::SignatureCheck;

inline constexpr std::string_view id_tag = "L2/channel_network/id";
inline constexpr std::string_view open_tag = "L2/channel_network/open";
inline constexpr std::string_view state_tag = "L2/channel_network/state";
inline constexpr std::string_view close_tag = "L2/channel_network/close";
inline constexpr std::string_view root_tag = "L2/channel_network/adjudicator";
inline constexpr std::string_view off_chain_root_tag = "L2/channel_network/off_chain_channel";

// BOLT 2 caps max_accepted_htlcs at 483, what a commitment transaction can carry.
inline constexpr u64 max_locks_bound = 483;
// Routing computes a lock's cost in 128 bits, which needs its locked time below 2^32 blocks.
inline constexpr u64 max_expiry_bound = u64{1} << 32;

// ---------------------------------------------------------------------------------------------
// Locks. spec: channel_network.md#locks

// 00 || payment_hash for a hash lock, or a compressed point T for a point lock.
using LockCondition = ByteArray<33>;

struct Lock {
  BOOST_HANA_DEFINE_STRUCT(Lock, (u64, id), (u8, sender), (u64, amount), (LockCondition, condition), (u64, expiry));
};

struct LockedState {
  BOOST_HANA_DEFINE_STRUCT(LockedState, (u64, sequence), (std::array<u64, 2>, balances), (std::vector<Lock>, locks),
                           (u64, next_lock_id));
};

struct ChannelTerms {
  BOOST_HANA_DEFINE_STRUCT(ChannelTerms, (u64, htlc_minimum), (u64, max_in_flight), (u64, max_locks));
};

struct NetworkConfig {
  BOOST_HANA_DEFINE_STRUCT(NetworkConfig, (u64, censorship_bound_blocks), (u64, dispute_period_blocks),
                           (u64, min_channel_capacity), (u64, max_channel_capacity), (u64, dust_limit),
                           (u64, max_locks_limit), (u64, min_cltv_delta), (u64, max_expiry_blocks));
};

struct Env {
  u64 height = 0;
};

constexpr LockCondition hash_lock(const Hash32& payment_hash) {
  LockCondition condition{};
  for (std::size_t i = 0; i < 32; ++i) condition[1 + i] = payment_hash[i];
  return condition;
}

constexpr bool is_hash_lock(const LockCondition& condition) { return condition[0] == 0x00; }

constexpr bool is_well_formed(const LockCondition& condition) {
  return is_hash_lock(condition) || onion::decompress(condition).has_value();
}

// The point lock of a secret scalar: compress(t*G), or nullopt unless 0 < t < n.
constexpr std::optional<LockCondition> point_lock(const Hash32& secret) {
  const secp256k1::U256 scalar = secp256k1::from_be_bytes(secret);
  if (!secp256k1::is_valid_secret_scalar(scalar)) return std::nullopt;
  return onion::compress(secp256k1::to_affine(secp256k1::multiply(scalar, secp256k1::generator)));
}

// spec: channel_network.md#locks ("a secret opens a condition")
constexpr bool opens(const LockCondition& condition, const Hash32& secret) {
  if (is_hash_lock(condition)) return hash_lock(sha256(secret)) == condition;
  const std::optional<LockCondition> point = point_lock(secret);
  return point && *point == condition;
}

constexpr u8 receiver_of(const Lock& lock) { return static_cast<u8>(1 - lock.sender); }

constexpr std::optional<std::size_t> find_lock(const LockedState& state, u64 lock_id) {
  for (std::size_t i = 0; i < state.locks.size(); ++i)
    if (state.locks[i].id == lock_id) return i;
  return std::nullopt;
}

// What `sender` has pending: its lock count and their amounts together (bounded by conservation).
struct Pending {
  u64 count = 0;
  u64 amount = 0;
};

constexpr Pending pending_of(const LockedState& state, u8 sender) {
  Pending pending;
  for (const Lock& lock : state.locks)
    if (lock.sender == sender) {
      ++pending.count;
      pending.amount = saturating_add(pending.amount, lock.amount);
    }
  return pending;
}

// The lock leaves the state and its amount joins balances[to]. Conservation bounds the sum.
constexpr LockedState release_lock(LockedState state, std::size_t index, u8 to) {
  const Checked sum = checked_add(state.balances[to], state.locks[index].amount);
  L2_VERIFY_CHECK(!sum.overflow);
  state.balances[to] = sum.value;
  state.locks.erase(state.locks.begin() + static_cast<std::ptrdiff_t>(index));
  return state;
}

// CN-STATE-1 to 4: the checks of a state both participants signed, on and off chain.
// spec: channel_network.md#on-chain-the-lock-adjudicator ("a co-signed state")
constexpr NetworkError check_locked_state(const LockedState& state, u64 total_capacity, const ChannelTerms& terms) {
  Checked sum = checked_add(state.balances[0], state.balances[1]);
  for (const Lock& lock : state.locks) {
    const Checked next = checked_add(sum.value, lock.amount);
    sum = Checked{next.value, sum.overflow || next.overflow};
  }
  // Verify: balances plus lock amounts equal total_capacity, without overflow [CN-STATE-1]
  if (sum.overflow || sum.value != total_capacity) return NetworkError::state_conservation;
  bool ids_ascending = true;
  for (std::size_t i = 0; i < state.locks.size(); ++i)
    if (state.locks[i].id >= state.next_lock_id || (i > 0 && state.locks[i - 1].id >= state.locks[i].id))
      ids_ascending = false;
  // Verify: lock ids are strictly ascending and below next_lock_id [CN-STATE-2]
  if (!ids_ascending) return NetworkError::state_lock_ids;
  bool well_formed = true;
  for (const Lock& lock : state.locks)
    if (lock.sender > 1 || !is_well_formed(lock.condition)) well_formed = false;
  // Verify: every lock's sender is 0 or 1 and its condition is well formed [CN-STATE-3]
  if (!well_formed) return NetworkError::state_lock_form;
  // Verify: each sender has at most terms.max_locks locks [CN-STATE-4]
  if (pending_of(state, 0).count > terms.max_locks || pending_of(state, 1).count > terms.max_locks)
    return NetworkError::state_lock_count;
  return NetworkError::none;
}

// ---------------------------------------------------------------------------------------------
// PTLC payments: Malavolta et al.'s anonymous multi-hop locks. spec: channel_network.md#locks

// Hop i's point lock T_i = (y_i + ... + y_{k-1}) * G for the payer's tweaks y_0..y_{k-1}, and the
// secrets t_i behind them. The payee learns t_{k-1} = y_{k-1}; the node between hops i - 1 and i
// learns y_{i-1}. nullopt if a partial sum is 0 mod n (no point lock).
struct PointLocks {
  std::vector<LockCondition> conditions;  // per hop, the payer's channel first
  std::vector<Hash32> secrets;            // t_i, known in full only to the payer
};

constexpr std::optional<PointLocks> point_locks(const std::vector<Hash32>& tweaks) {
  PointLocks locks;
  locks.conditions.resize(tweaks.size());
  locks.secrets.resize(tweaks.size());
  secp256k1::U256 sum{};
  for (std::size_t i = tweaks.size(); i-- > 0;) {
    sum = secp256k1::scalar_add(sum, secp256k1::scalar_reduce(secp256k1::from_be_bytes(tweaks[i])));
    locks.secrets[i] = secp256k1::to_be_bytes(sum);
    const std::optional<LockCondition> condition = point_lock(locks.secrets[i]);
    if (!condition) return std::nullopt;
    locks.conditions[i] = *condition;
  }
  return locks;
}

// What an intermediary claims upstream with once the downstream secret is out: t_in = t_out + y.
constexpr Hash32 upstream_secret(const Hash32& downstream_secret, const Hash32& tweak) {
  return secp256k1::to_be_bytes(secp256k1::scalar_add(secp256k1::scalar_reduce(secp256k1::from_be_bytes(downstream_secret)),
                                                      secp256k1::scalar_reduce(secp256k1::from_be_bytes(tweak))));
}

// ---------------------------------------------------------------------------------------------
// Off chain: add, fulfill and fail. spec: channel_network.md#off-chain-add-fulfill-and-fail

struct OffChainChannel {
  BOOST_HANA_DEFINE_STRUCT(OffChainChannel, (NetworkConfig, config), (Hash32, channel_id), (u64, total_capacity),
                           (ChannelTerms, terms), (LockedState, state));
};

struct AddLockInput {
  BOOST_HANA_DEFINE_STRUCT(AddLockInput, (u8, sender), (u64, amount), (LockCondition, condition), (u64, expiry));
};

struct FulfillLockInput {
  BOOST_HANA_DEFINE_STRUCT(FulfillLockInput, (u64, lock_id), (Hash32, secret));
};

struct FailLockInput {
  BOOST_HANA_DEFINE_STRUCT(FailLockInput, (u64, lock_id));
};

using OffChainTransition = Result<OffChainChannel, NetworkError>;

// The commitment to an off-chain channel, as the vectors compare it. spec: channel_network.md#identifiers-and-digests
constexpr Hash32 off_chain_root(const OffChainChannel& channel) {
  return tagged_hash(off_chain_root_tag, reflect::encode(channel));
}

// The checks every off-chain op starts with: the state is one both could have signed, and it has
// a successor.
constexpr NetworkError check_off_chain(const OffChainChannel& channel) {
  if (const NetworkError e = check_locked_state(channel.state, channel.total_capacity, channel.terms);
      e != NetworkError::none)
    return e;
  // Verify: sequence < 2^64 - 1 [CN-OFF-1]
  if (channel.state.sequence == u64_max) return NetworkError::sequence_exhausted;
  return NetworkError::none;
}

constexpr OffChainChannel with_state(OffChainChannel channel, LockedState state) {
  ++state.sequence;
  channel.state = std::move(state);
  return channel;
}

// spec: channel_network.md#off-chain-add-fulfill-and-fail (add_lock)
constexpr OffChainTransition apply_add_lock(const OffChainChannel& channel, const AddLockInput& in, const Env& env) {
  if (const NetworkError e = check_off_chain(channel); e != NetworkError::none) return e;
  const LockedState& state = channel.state;
  // Verify: the sender is 0 or 1 [CN-ADD-1]
  if (in.sender > 1) return NetworkError::add_sender;
  // Verify: the condition is a well-formed hash or point lock [CN-ADD-2]
  if (!is_well_formed(in.condition)) return NetworkError::add_condition;
  // Verify: amount >= dust_limit [CN-ADD-3]
  if (in.amount < channel.config.dust_limit) return NetworkError::add_dust;
  // Verify: amount >= htlc_minimum [CN-ADD-4]
  if (in.amount < channel.terms.htlc_minimum) return NetworkError::add_below_minimum;
  // Verify: amount <= balances[sender] [CN-ADD-5]
  if (in.amount > state.balances[in.sender]) return NetworkError::add_balance;
  const Pending pending = pending_of(state, in.sender);
  // Verify: the sender has fewer than max_locks pending locks [CN-ADD-6]
  if (pending.count >= channel.terms.max_locks) return NetworkError::add_too_many_locks;
  // Verify: the sender's pending amounts plus amount are at most max_in_flight [CN-ADD-7]
  if (saturating_add(pending.amount, in.amount) > channel.terms.max_in_flight) return NetworkError::add_in_flight;
  // Verify: expiry > height + censorship_bound_blocks [CN-ADD-8]
  if (in.expiry <= saturating_add(env.height, channel.config.censorship_bound_blocks))
    return NetworkError::add_expiry_too_soon;
  // Verify: expiry <= height + max_expiry_blocks [CN-ADD-9]
  if (in.expiry > saturating_add(env.height, channel.config.max_expiry_blocks)) return NetworkError::add_expiry_too_far;
  // Verify: next_lock_id < 2^64 - 1 [CN-ADD-10]
  if (state.next_lock_id == u64_max) return NetworkError::add_lock_ids_exhausted;

  LockedState next = state;
  next.balances[in.sender] -= in.amount;
  next.locks.push_back(Lock{state.next_lock_id, in.sender, in.amount, in.condition, in.expiry});
  ++next.next_lock_id;
  return with_state(channel, std::move(next));
}

// spec: channel_network.md#off-chain-add-fulfill-and-fail (fulfill_lock)
constexpr OffChainTransition apply_fulfill_lock(const OffChainChannel& channel, const FulfillLockInput& in,
                                                const Env& env) {
  if (const NetworkError e = check_off_chain(channel); e != NetworkError::none) return e;
  const std::optional<std::size_t> index = find_lock(channel.state, in.lock_id);
  // Verify: a pending lock has id lock_id [CN-FULFILL-1]
  if (!index) return NetworkError::fulfill_unknown_lock;
  const Lock& lock = channel.state.locks[*index];
  // Verify: height < expiry [CN-FULFILL-2]
  if (env.height >= lock.expiry) return NetworkError::fulfill_expired;
  // Verify: the secret opens the lock's condition [CN-FULFILL-3]
  if (!opens(lock.condition, in.secret)) return NetworkError::fulfill_wrong_secret;

  return with_state(channel, release_lock(channel.state, *index, receiver_of(lock)));
}

// spec: channel_network.md#off-chain-add-fulfill-and-fail (fail_lock)
constexpr OffChainTransition apply_fail_lock(const OffChainChannel& channel, const FailLockInput& in,
                                             const Env& /*env*/) {
  if (const NetworkError e = check_off_chain(channel); e != NetworkError::none) return e;
  const std::optional<std::size_t> index = find_lock(channel.state, in.lock_id);
  // Verify: a pending lock has id lock_id [CN-FAIL-1]
  if (!index) return NetworkError::fail_unknown_lock;

  return with_state(channel, release_lock(channel.state, *index, channel.state.locks[*index].sender));
}

// ---------------------------------------------------------------------------------------------
// On chain: the lock adjudicator. spec: channel_network.md#on-chain-the-lock-adjudicator

enum class ChannelPhase : u8 { active, disputing, settled };
L2_REFLECT_ENUM(ChannelPhase, active, disputing, settled)

struct LockedChannel {
  BOOST_HANA_DEFINE_STRUCT(LockedChannel, (Hash32, channel_id), (std::array<Hash32, 2>, participants),
                           (ChannelTerms, terms), (u64, total_capacity), (ChannelPhase, phase), (LockedState, state),
                           (u64, dispute_deadline));
};

struct Revelation {
  BOOST_HANA_DEFINE_STRUCT(Revelation, (LockCondition, condition), (Hash32, secret), (u64, height));
};

struct NetworkAdjudicator {
  BOOST_HANA_DEFINE_STRUCT(NetworkAdjudicator, (u64, chain_id), (Hash32, adjudicator_id), (NetworkConfig, config),
                           (std::vector<LockedChannel>, channels), (std::vector<Revelation>, revelations));
};

struct DeployInput {
  BOOST_HANA_DEFINE_STRUCT(DeployInput, (u64, chain_id), (Hash32, adjudicator_id), (NetworkConfig, config));
};

struct OpenInput {
  BOOST_HANA_DEFINE_STRUCT(OpenInput, (std::array<Hash32, 2>, participants), (ChannelTerms, terms),
                           (std::array<u64, 2>, balances), (u64, total_capacity), (u64, nonce), (u64, value),
                           (std::array<Signature, 2>, signatures));
};

struct CloseInput {
  BOOST_HANA_DEFINE_STRUCT(CloseInput, (Hash32, channel_id), (u64, sequence), (std::array<u64, 2>, balances),
                           (std::array<Signature, 2>, signatures));
};

// A co-signed LockedState: an update, a force-close or a challenge.
struct StateInput {
  BOOST_HANA_DEFINE_STRUCT(StateInput, (Hash32, channel_id), (LockedState, state), (std::array<Signature, 2>, signatures));
};

struct ChannelRef {
  BOOST_HANA_DEFINE_STRUCT(ChannelRef, (Hash32, channel_id));
};

struct RevealInput {
  BOOST_HANA_DEFINE_STRUCT(RevealInput, (LockCondition, condition), (Hash32, secret));
};

struct ResolveInput {
  BOOST_HANA_DEFINE_STRUCT(ResolveInput, (Hash32, channel_id), (u64, lock_id));
};

// ---- Identifiers and digests. spec: channel_network.md#identifiers-and-digests

struct OpenBody {
  BOOST_HANA_DEFINE_STRUCT(OpenBody, (u64, chain_id), (Hash32, channel_id), (ChannelTerms, terms),
                           (u64, total_capacity), (std::array<u64, 2>, balances));
};

struct StateBody {
  BOOST_HANA_DEFINE_STRUCT(StateBody, (u64, chain_id), (Hash32, channel_id), (LockedState, state));
};

// The preimage shapes are the payment channel's; the tags are this mechanism's own.
constexpr Hash32 channel_id(u64 chain_id, const Hash32& adjudicator_id, const std::array<Hash32, 2>& participants,
                            u64 nonce) {
  return tagged_hash(id_tag, reflect::encode(payment_channel::ChannelIdPreimage{chain_id, adjudicator_id, participants, nonce}));
}

constexpr Hash32 open_digest(u64 chain_id, const Hash32& channel, const ChannelTerms& terms, u64 total_capacity,
                             const std::array<u64, 2>& balances) {
  return tagged_hash(open_tag, reflect::encode(OpenBody{chain_id, channel, terms, total_capacity, balances}));
}

constexpr Hash32 state_digest(u64 chain_id, const Hash32& channel, const LockedState& state) {
  return tagged_hash(state_tag, reflect::encode(StateBody{chain_id, channel, state}));
}

constexpr Hash32 close_digest(u64 chain_id, const Hash32& channel, u64 sequence, const std::array<u64, 2>& balances) {
  return tagged_hash(close_tag, reflect::encode(payment_channel::SignedStateBody{chain_id, channel, sequence, balances}));
}

constexpr Hash32 state_root(const NetworkAdjudicator& adjudicator) {
  return tagged_hash(root_tag, reflect::encode(adjudicator));
}

// ---- Helpers shared by the transitions.

using Transition = Result<NetworkAdjudicator, NetworkError>;

constexpr std::optional<std::size_t> find_channel(const NetworkAdjudicator& adjudicator, const Hash32& id) {
  for (std::size_t i = 0; i < adjudicator.channels.size(); ++i)
    if (adjudicator.channels[i].channel_id == id) return i;
  return std::nullopt;
}

constexpr const Revelation* find_revelation(const NetworkAdjudicator& adjudicator, const LockCondition& condition) {
  for (const Revelation& revelation : adjudicator.revelations)
    if (revelation.condition == condition) return &revelation;
  return nullptr;
}

// A lock is claimed when its condition was revealed strictly before its expiry.
constexpr bool is_claimed(const NetworkAdjudicator& adjudicator, const Lock& lock) {
  const Revelation* revelation = find_revelation(adjudicator, lock.condition);
  return revelation != nullptr && revelation->height < lock.expiry;
}

constexpr bool balances_sum_to(const std::array<u64, 2>& balances, u64 total_capacity) {
  const Checked sum = checked_add(balances[0], balances[1]);
  return !sum.overflow && sum.value == total_capacity;
}

template <SignatureCheck Check>
constexpr NetworkError check_participant_signatures(const std::array<Hash32, 2>& participants, const Hash32& digest,
                                        const std::array<Signature, 2>& signatures, const Check& signature_check) {
  // Verify: signatures[0] is participants[0]'s signature of the digest [CN-SIG-1]
  if (!signature_check(participants[0], digest, signatures[0])) return NetworkError::bad_signature_0;
  // Verify: signatures[1] is participants[1]'s signature of the digest [CN-SIG-2]
  if (!signature_check(participants[1], digest, signatures[1])) return NetworkError::bad_signature_1;
  return NetworkError::none;
}

// The common tail of force_close and challenge: the state's own checks, then both signatures.
template <SignatureCheck Check>
constexpr NetworkError check_cosigned_state(const NetworkAdjudicator& adjudicator, const LockedChannel& channel,
                                            const StateInput& in, const Check& signature_check) {
  if (const NetworkError e = check_locked_state(in.state, channel.total_capacity, channel.terms); e != NetworkError::none)
    return e;
  return check_participant_signatures(channel.participants, state_digest(adjudicator.chain_id, in.channel_id, in.state),
                          in.signatures, signature_check);
}

constexpr NetworkAdjudicator with_channel(NetworkAdjudicator adjudicator, std::size_t index, LockedChannel channel) {
  adjudicator.channels[index] = std::move(channel);
  return adjudicator;
}

// ---- Transitions. spec: channel_network.md#transitions

constexpr NetworkError check_config(const NetworkConfig& config) {
  // Verify: censorship_bound_blocks >= 1 [CN-DEPLOY-1]
  if (config.censorship_bound_blocks == 0) return NetworkError::config_censorship_bound;
  // Verify: dispute_period_blocks > censorship_bound_blocks [CN-DEPLOY-2]
  if (config.dispute_period_blocks <= config.censorship_bound_blocks) return NetworkError::config_dispute_period;
  // Verify: 1 <= min_channel_capacity <= max_channel_capacity [CN-DEPLOY-3]
  if (config.min_channel_capacity == 0 || config.min_channel_capacity > config.max_channel_capacity)
    return NetworkError::config_capacity_range;
  // Verify: dust_limit >= 1 [CN-DEPLOY-4]
  if (config.dust_limit == 0) return NetworkError::config_dust_limit;
  // Verify: 1 <= max_locks_limit <= 483 [CN-DEPLOY-5]
  if (config.max_locks_limit == 0 || config.max_locks_limit > max_locks_bound) return NetworkError::config_lock_limit;
  // Verify: min_cltv_delta > censorship_bound_blocks [CN-DEPLOY-6]
  if (config.min_cltv_delta <= config.censorship_bound_blocks) return NetworkError::config_cltv_delta;
  // Verify: censorship_bound_blocks < max_expiry_blocks < 2^32 [CN-DEPLOY-7]
  if (config.max_expiry_blocks <= config.censorship_bound_blocks || config.max_expiry_blocks >= max_expiry_bound)
    return NetworkError::config_max_expiry;
  return NetworkError::none;
}

// spec: channel_network.md#transitions (deploy)
constexpr Transition deploy(const DeployInput& in) {
  if (const NetworkError e = check_config(in.config); e != NetworkError::none) return e;
  return NetworkAdjudicator{in.chain_id, in.adjudicator_id, in.config, {}, {}};
}

// spec: channel_network.md#transitions (open)
template <SignatureCheck Check = Bip340Check>
constexpr Transition apply_open(const NetworkAdjudicator& adjudicator, const OpenInput& in, const Env& /*env*/,
                                const Check& signature_check = {}) {
  const NetworkConfig& config = adjudicator.config;
  // Verify: participants[0] != participants[1] [CN-OPEN-1]
  if (in.participants[0] == in.participants[1]) return NetworkError::open_same_participants;
  // Verify: total_capacity >= min_channel_capacity [CN-OPEN-2]
  if (in.total_capacity < config.min_channel_capacity) return NetworkError::open_capacity_too_small;
  // Verify: total_capacity <= max_channel_capacity [CN-OPEN-3]
  if (in.total_capacity > config.max_channel_capacity) return NetworkError::open_capacity_too_large;
  // Verify: the value paid in is exactly total_capacity [CN-OPEN-4]
  if (in.value != in.total_capacity) return NetworkError::open_value;
  // Verify: terms.htlc_minimum >= dust_limit [CN-OPEN-5]
  if (in.terms.htlc_minimum < config.dust_limit) return NetworkError::open_htlc_minimum;
  // Verify: 1 <= terms.max_locks <= max_locks_limit [CN-OPEN-6]
  if (in.terms.max_locks == 0 || in.terms.max_locks > config.max_locks_limit) return NetworkError::open_max_locks;
  // Verify: balances[0] + balances[1] == total_capacity, without overflow [CN-OPEN-7]
  if (!balances_sum_to(in.balances, in.total_capacity)) return NetworkError::open_balances;
  const Hash32 id = channel_id(adjudicator.chain_id, adjudicator.adjudicator_id, in.participants, in.nonce);
  // Verify: no registered channel has the derived channel_id [CN-OPEN-8]
  if (find_channel(adjudicator, id)) return NetworkError::open_duplicate;
  const Hash32 digest = open_digest(adjudicator.chain_id, id, in.terms, in.total_capacity, in.balances);
  if (const NetworkError e = check_participant_signatures(in.participants, digest, in.signatures, signature_check);
      e != NetworkError::none)
    return e;

  NetworkAdjudicator next = adjudicator;
  next.channels.push_back(LockedChannel{id, in.participants, in.terms, in.total_capacity, ChannelPhase::active,
                                        LockedState{0, in.balances, {}, 0}, 0});
  return next;
}

// spec: channel_network.md#transitions (update)
template <SignatureCheck Check = Bip340Check>
constexpr Transition apply_update(const NetworkAdjudicator& adjudicator, const StateInput& in, const Env& /*env*/,
                                  const Check& signature_check = {}) {
  const auto index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [CN-CHAN-1]
  if (!index) return NetworkError::unknown_channel;
  LockedChannel channel = adjudicator.channels[*index];
  // Verify: the channel is active [CN-UPD-1]
  if (channel.phase != ChannelPhase::active) return NetworkError::update_phase;
  // Verify: state.sequence > the registered sequence [CN-UPD-2]
  if (in.state.sequence <= channel.state.sequence) return NetworkError::update_stale;
  if (const NetworkError e = check_cosigned_state(adjudicator, channel, in, signature_check); e != NetworkError::none)
    return e;

  channel.state = in.state;
  return with_channel(adjudicator, *index, std::move(channel));
}

// spec: channel_network.md#transitions (cooperative_close)
template <SignatureCheck Check = Bip340Check>
constexpr Transition apply_cooperative_close(const NetworkAdjudicator& adjudicator, const CloseInput& in,
                                             const Env& /*env*/, const Check& signature_check = {}) {
  const auto index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [CN-CHAN-1]
  if (!index) return NetworkError::unknown_channel;
  LockedChannel channel = adjudicator.channels[*index];
  // Verify: the channel is active or disputing [CN-COOP-1]
  if (channel.phase == ChannelPhase::settled) return NetworkError::coop_phase;
  // Verify: sequence > the registered sequence [CN-COOP-2]
  if (in.sequence <= channel.state.sequence) return NetworkError::coop_stale;
  // Verify: balances[0] + balances[1] == total_capacity, without overflow [CN-COOP-3]
  if (!balances_sum_to(in.balances, channel.total_capacity)) return NetworkError::coop_balances;
  const Hash32 digest = close_digest(adjudicator.chain_id, in.channel_id, in.sequence, in.balances);
  if (const NetworkError e = check_participant_signatures(channel.participants, digest, in.signatures, signature_check);
      e != NetworkError::none)
    return e;

  channel.phase = ChannelPhase::settled;
  channel.state = LockedState{in.sequence, in.balances, {}, channel.state.next_lock_id};
  return with_channel(adjudicator, *index, std::move(channel));
}

// spec: channel_network.md#transitions (force_close)
template <SignatureCheck Check = Bip340Check>
constexpr Transition apply_force_close(const NetworkAdjudicator& adjudicator, const StateInput& in, const Env& env,
                                       const Check& signature_check = {}) {
  const auto index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [CN-CHAN-1]
  if (!index) return NetworkError::unknown_channel;
  LockedChannel channel = adjudicator.channels[*index];
  // Verify: the channel is active [CN-FORCE-1]
  if (channel.phase != ChannelPhase::active) return NetworkError::force_phase;
  // Verify: state.sequence >= the registered sequence [CN-FORCE-2]
  if (in.state.sequence < channel.state.sequence) return NetworkError::force_stale;
  if (const NetworkError e = check_cosigned_state(adjudicator, channel, in, signature_check); e != NetworkError::none)
    return e;

  channel.phase = ChannelPhase::disputing;
  channel.state = in.state;
  channel.dispute_deadline = saturating_add(env.height, adjudicator.config.dispute_period_blocks);
  return with_channel(adjudicator, *index, std::move(channel));
}

// spec: channel_network.md#transitions (challenge)
template <SignatureCheck Check = Bip340Check>
constexpr Transition apply_challenge(const NetworkAdjudicator& adjudicator, const StateInput& in, const Env& env,
                                     const Check& signature_check = {}) {
  const auto index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [CN-CHAN-1]
  if (!index) return NetworkError::unknown_channel;
  LockedChannel channel = adjudicator.channels[*index];
  // Verify: the channel is disputing [CN-CHAL-1]
  if (channel.phase != ChannelPhase::disputing) return NetworkError::challenge_phase;
  // Verify: height < dispute_deadline [CN-CHAL-2]
  if (env.height >= channel.dispute_deadline) return NetworkError::challenge_late;
  // Verify: state.sequence > the registered sequence [CN-CHAL-3]
  if (in.state.sequence <= channel.state.sequence) return NetworkError::challenge_stale;
  if (const NetworkError e = check_cosigned_state(adjudicator, channel, in, signature_check); e != NetworkError::none)
    return e;

  // The deadline stays where the force-close put it, so repeated challenges cannot stretch it.
  channel.state = in.state;
  return with_channel(adjudicator, *index, std::move(channel));
}

// spec: channel_network.md#transitions (settle)
constexpr Transition apply_settle(const NetworkAdjudicator& adjudicator, const ChannelRef& in, const Env& env) {
  const auto index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [CN-CHAN-1]
  if (!index) return NetworkError::unknown_channel;
  LockedChannel channel = adjudicator.channels[*index];
  // Verify: the channel is disputing [CN-SETTLE-1]
  if (channel.phase != ChannelPhase::disputing) return NetworkError::settle_phase;
  // Verify: height >= dispute_deadline [CN-SETTLE-2]
  if (env.height < channel.dispute_deadline) return NetworkError::settle_early;

  channel.phase = ChannelPhase::settled;
  return with_channel(adjudicator, *index, std::move(channel));
}

// spec: channel_network.md#transitions (reveal_secret)
constexpr Transition apply_reveal_secret(const NetworkAdjudicator& adjudicator, const RevealInput& in, const Env& env) {
  // Verify: the condition is well formed [CN-REVEAL-1]
  if (!is_well_formed(in.condition)) return NetworkError::reveal_condition;
  // Verify: the secret opens the condition [CN-REVEAL-2]
  if (!opens(in.condition, in.secret)) return NetworkError::reveal_wrong_secret;
  // Verify: no secret of this condition is recorded yet [CN-REVEAL-3]
  if (find_revelation(adjudicator, in.condition) != nullptr) return NetworkError::reveal_duplicate;

  NetworkAdjudicator next = adjudicator;
  next.revelations.push_back(Revelation{in.condition, in.secret, env.height});
  return next;
}

// spec: channel_network.md#transitions (resolve_lock)
constexpr Transition apply_resolve_lock(const NetworkAdjudicator& adjudicator, const ResolveInput& in, const Env& env) {
  const auto index = find_channel(adjudicator, in.channel_id);
  // Verify: the channel is registered [CN-CHAN-1]
  if (!index) return NetworkError::unknown_channel;
  LockedChannel channel = adjudicator.channels[*index];
  // Verify: the channel is settled [CN-RESOLVE-1]
  if (channel.phase != ChannelPhase::settled) return NetworkError::resolve_phase;
  // The settled state passed these checks when it was registered; an adjudicator taken as it
  // stands (a vector's pre-state) is checked again, so that no lock pays out of bounds.
  if (const NetworkError e = check_locked_state(channel.state, channel.total_capacity, channel.terms);
      e != NetworkError::none)
    return e;
  const std::optional<std::size_t> lock_index = find_lock(channel.state, in.lock_id);
  // Verify: the settled state has a lock with id lock_id [CN-RESOLVE-2]
  if (!lock_index) return NetworkError::resolve_unknown_lock;
  const Lock& lock = channel.state.locks[*lock_index];
  const bool claimed = is_claimed(adjudicator, lock);
  // Verify: the lock is claimed before its expiry, or height >= expiry [CN-RESOLVE-3]
  if (!claimed && env.height < lock.expiry) return NetworkError::resolve_pending;

  const u8 payee = claimed ? receiver_of(lock) : lock.sender;
  channel.state = release_lock(std::move(channel.state), *lock_index, payee);
  return with_channel(adjudicator, *index, std::move(channel));
}

// ---------------------------------------------------------------------------------------------
// The operations tables. spec: channel_network.md#transitions

struct Open {
  static constexpr std::string_view name = "open";
  using State = NetworkAdjudicator;
  using Input = OpenInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_open(s, in, env, check);
  }
};

struct Update {
  static constexpr std::string_view name = "update";
  using State = NetworkAdjudicator;
  using Input = StateInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_update(s, in, env, check);
  }
};

struct CooperativeClose {
  static constexpr std::string_view name = "cooperative_close";
  using State = NetworkAdjudicator;
  using Input = CloseInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_cooperative_close(s, in, env, check);
  }
};

struct ForceClose {
  static constexpr std::string_view name = "force_close";
  using State = NetworkAdjudicator;
  using Input = StateInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_force_close(s, in, env, check);
  }
};

struct Challenge {
  static constexpr std::string_view name = "challenge";
  using State = NetworkAdjudicator;
  using Input = StateInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_challenge(s, in, env, check);
  }
};

struct Settle {
  static constexpr std::string_view name = "settle";
  using State = NetworkAdjudicator;
  using Input = ChannelRef;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_settle(s, in, env);
  }
};

struct RevealSecret {
  static constexpr std::string_view name = "reveal_secret";
  using State = NetworkAdjudicator;
  using Input = RevealInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_reveal_secret(s, in, env);
  }
};

struct ResolveLock {
  static constexpr std::string_view name = "resolve_lock";
  using State = NetworkAdjudicator;
  using Input = ResolveInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_resolve_lock(s, in, env);
  }
};

using Operations = OperationTable<Open, Update, CooperativeClose, ForceClose, Challenge, Settle, RevealSecret, ResolveLock>;

struct AddLock {
  static constexpr std::string_view name = "add_lock";
  using State = OffChainChannel;
  using Input = AddLockInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr OffChainTransition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_add_lock(s, in, env);
  }
};

struct FulfillLock {
  static constexpr std::string_view name = "fulfill_lock";
  using State = OffChainChannel;
  using Input = FulfillLockInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr OffChainTransition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_fulfill_lock(s, in, env);
  }
};

struct FailLock {
  static constexpr std::string_view name = "fail_lock";
  using State = OffChainChannel;
  using Input = FailLockInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr OffChainTransition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_fail_lock(s, in, env);
  }
};

using OffChainOperations = OperationTable<AddLock, FulfillLock, FailLock>;

}  // namespace l2::ref::channel_network
