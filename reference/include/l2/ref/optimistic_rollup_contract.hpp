// Optimistic rollup: the L1 rollup contract. It takes deposits into escrow and forced-exit
// requests into its queues, holds the operator's stake, accepts batches whose commitments match the
// posted data (it executes nothing), takes bonded challenges, re-executes the one transaction a
// fraud proof names (verify_fraud_proof, through optimistic_rollup.hpp's stateless apply_tx),
// slashes and reverts on a confirmed fraud, finalizes batches in order after their challenge
// period, and pays withdrawals from final batches only. If the latest accepted state leaves a queued
// request unprocessed for escape_delay_blocks, anyone freezes the rollup; once no batch is pending,
// every account exits once against the last final state, and every uncredited deposit goes back.
//
// Every entry point is a pure function (contract, input, env) -> Effects | OptimisticRollupError. The input
// names the L1 caller (and, for a payable entry point, the value attached); env is the block
// height. Effects carry the new contract state, the payments the call makes (value leaving the
// contract) and the challenge resolutions it produced, so conservation is a statement about one
// step's effects.
//
// The challenger's side (find_fraud) and the operator's side (make_batch) are here too: they are
// what the tests, the vectors and the benchmarks use to build honest and adversarial inputs.
// spec: optimistic_rollup.md#the-l1-rollup-contract
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/operations.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sparse_merkle.hpp"

namespace l2::ref::optimistic_rollup {

inline constexpr std::string_view evidence_tag = "L2/optimistic_rollup/evidence";
inline constexpr std::string_view contract_tag = "L2/optimistic_rollup/contract";
inline constexpr std::string_view challenge_tag = "L2/optimistic_rollup/challenge";

// ---------------------------------------------------------------------------------------------
// Configuration and contract state. spec: optimistic_rollup.md#configuration

// The sketch's StakeRequirements without performance_threshold (nothing on L1 observes uptime).
struct StakeRequirements {
  BOOST_HANA_DEFINE_STRUCT(StakeRequirements, (u64, minimum_stake), (u64, stake_lock_period),
                           (u8, penalty_percentage));
};

struct RollupConfig {
  BOOST_HANA_DEFINE_STRUCT(RollupConfig, (u64, max_batch_size), (u64, challenge_period_blocks),
                           (u64, resolution_period_blocks), (u64, queue_inclusion_blocks),
                           (u64, sequencing_window_blocks), (u64, escape_delay_blocks), (u64, censorship_bound_blocks),
                           (u64, min_challenge_bond), (u64, min_deposit), (u64, forced_exit_fee),
                           (StakeRequirements, stake));
};

// spec: optimistic_rollup.md#optimisticrollup-contract-state
struct DepositRecord {
  BOOST_HANA_DEFINE_STRUCT(DepositRecord, (Hash32, deposit_id), (u64, recorded_at), (Hash32, depositor), (u64, amount));
};

struct ForcedExitRecord {
  BOOST_HANA_DEFINE_STRUCT(ForcedExitRecord, (Hash32, request_id), (u64, recorded_at));
};

// deposits_visible and forced_exits_visible: how many of each queue the batch's L1 view holds,
// the requests recorded at or below the header's l1_origin_height.
struct BatchRecord {
  BOOST_HANA_DEFINE_STRUCT(BatchRecord, (BatchHeader, header), (Hash32, batch_id), (u64, submitted_at),
                           (u64, challenge_deadline), (u64, deposits_visible), (u64, forced_exits_visible),
                           (bool, final), (u64, open_challenges));
};

// challenge_id = H(challenger, evidence): a challenge is one party's commitment, so nobody can take
// another's evidence. The proof may be revealed only in a block after opened_at, so a proof seen in
// the mempool cannot be committed and revealed ahead of it.
struct Challenge {
  BOOST_HANA_DEFINE_STRUCT(Challenge, (Hash32, challenge_id), (Hash32, challenged_object), (Hash32, challenger),
                           (FraudProofType, proof_type), (Hash32, evidence), (u64, opened_at), (u64, deadline),
                           (u64, bond_amount));
};

// A withdrawal or forced exit paid out of a final batch.
struct PaidWithdrawal {
  BOOST_HANA_DEFINE_STRUCT(PaidWithdrawal, (u64, batch_number), (u64, transaction_index));
};

struct OptimisticRollup {
  BOOST_HANA_DEFINE_STRUCT(OptimisticRollup, (u64, chain_id), (Hash32, contract), (Hash32, rollup_id),
                           (Hash32, operator_key), (RollupConfig, config), (u64, stake), (bool, staked),
                           (u64, stake_unlock_height), (u64, escrow), (u64, treasury), (u64, epoch),
                           (std::vector<DepositRecord>, deposits), (std::vector<ForcedExitRecord>, forced_exits),
                           (u64, next_account_index), (Hash32, last_state_root), (std::vector<BatchRecord>, batches),
                           (std::vector<Challenge>, challenges), (std::vector<PaidWithdrawal>, paid), (bool, frozen),
                           (std::vector<AccountIndex>, exited), (std::vector<u64>, reclaimed));
};

// The L1 block a call is included in. The caller and the value attached are the inputs' own.
// spec: optimistic_rollup.md#env
struct Env {
  BOOST_HANA_DEFINE_STRUCT(Env, (u64, height));
};

// ---------------------------------------------------------------------------------------------
// Inputs. Each names the L1 `caller`; a payable entry point's input names the `value` attached.
// spec: optimistic_rollup.md#inputs

struct DeployInput {
  BOOST_HANA_DEFINE_STRUCT(DeployInput, (u64, chain_id), (Hash32, contract), (Hash32, operator_key),
                           (u64, deployment_nonce), (RollupConfig, config));
};

// unstake, finalize: the caller alone.
struct CallerInput {
  BOOST_HANA_DEFINE_STRUCT(CallerInput, (Hash32, caller));
};

struct StakeInput {
  BOOST_HANA_DEFINE_STRUCT(StakeInput, (Hash32, caller), (u64, value));
};

struct DepositNewAccountInput {
  BOOST_HANA_DEFINE_STRUCT(DepositNewAccountInput, (Hash32, caller), (Hash32, owner), (u64, value));
};

struct DepositTopUpInput {
  BOOST_HANA_DEFINE_STRUCT(DepositTopUpInput, (Hash32, caller), (AccountIndex, to), (u64, value));
};

// The caller asks for the whole balance of `from`, which the L2 pays only if the caller owns it.
struct RequestForcedExitInput {
  BOOST_HANA_DEFINE_STRUCT(RequestForcedExitInput, (Hash32, caller), (AccountIndex, from), (Hash32, l1_recipient),
                           (u64, value));
};

struct SubmitBatchInput {
  BOOST_HANA_DEFINE_STRUCT(SubmitBatchInput, (Hash32, caller), (Batch, batch));
};

struct OpenChallengeInput {
  BOOST_HANA_DEFINE_STRUCT(OpenChallengeInput, (Hash32, caller), (Hash32, batch_id), (FraudProofType, proof_type),
                           (Hash32, evidence), (u64, value));
};

// expire_challenge, withdraw_challenge
struct ChallengeRef {
  BOOST_HANA_DEFINE_STRUCT(ChallengeRef, (Hash32, caller), (Hash32, challenge_id));
};

struct PayWithdrawalInput {
  BOOST_HANA_DEFINE_STRUCT(PayWithdrawalInput, (Hash32, caller), (u64, batch_number), (u64, transaction_index),
                           (Bytes, transaction), (std::vector<Hash32>, proof));
};

// Which L1 queue a request is in.
enum class QueueKind : u8 { deposits, forced_exits };
L2_REFLECT_ENUM(QueueKind, deposits, forced_exits)

// The request `index` of `queue`, and the opening of the state that has not processed it.
struct FreezeInput {
  BOOST_HANA_DEFINE_STRUCT(FreezeInput, (Hash32, caller), (QueueKind, queue), (u64, index), (StateHeader, post_state));
};

// One account of the last final state, opened against it.
struct ExitInput {
  BOOST_HANA_DEFINE_STRUCT(ExitInput, (Hash32, caller), (StateHeader, post_state), (AccountIndex, account_index),
                           (Account, account), (std::array<Hash32, smt::depth>, siblings));
};

struct ReclaimDepositInput {
  BOOST_HANA_DEFINE_STRUCT(ReclaimDepositInput, (Hash32, caller), (StateHeader, post_state), (u64, deposit_index));
};

// ---------------------------------------------------------------------------------------------
// Fraud proofs. spec: optimistic_rollup.md#fraudproof

// One transaction of the batch with its committed pre-root and post-root, and the witness the
// stateless step reads.
struct TransactionFault {
  BOOST_HANA_DEFINE_STRUCT(TransactionFault, (u64, transaction_index), (Bytes, transaction),
                           (std::vector<Hash32>, transaction_proof), (Hash32, pre_state_root),
                           (std::vector<Hash32>, pre_state_root_proof), (Hash32, post_state_root),
                           (std::vector<Hash32>, post_state_root_proof), (TxWitness, witness));
};

// A request overdue at the batch's L1 origin, and the opening of the batch's post-state header that
// shows it unprocessed.
struct TimeoutFault {
  BOOST_HANA_DEFINE_STRUCT(TimeoutFault, (QueueKind, queue), (u64, index), (StateHeader, post_state));
};

struct FraudProof {
  BOOST_HANA_DEFINE_STRUCT(FraudProof, (Hash32, batch_id), (FraudProofType, proof_type),
                           (std::optional<TransactionFault>, transaction_fault),
                           (std::optional<TimeoutFault>, timeout_fault));
};

struct ResolveChallengeInput {
  BOOST_HANA_DEFINE_STRUCT(ResolveChallengeInput, (Hash32, caller), (Hash32, challenge_id), (FraudProof, proof));
};

// What the evidence commitment hashes: the challenger, then the proof.
struct EvidencePreimage {
  BOOST_HANA_DEFINE_STRUCT(EvidencePreimage, (Hash32, challenger), (FraudProof, proof));
};

struct ChallengeIdPreimage {
  BOOST_HANA_DEFINE_STRUCT(ChallengeIdPreimage, (Hash32, challenger), (Hash32, evidence));
};

// spec: optimistic_rollup.md#challenge
constexpr Hash32 challenge_id(const Hash32& challenger, const Hash32& evidence) {
  return tagged_hash(challenge_tag, reflect::encode(ChallengeIdPreimage{challenger, evidence}));
}

// spec: optimistic_rollup.md#challenge
constexpr Hash32 evidence_commitment(const Hash32& challenger, const FraudProof& proof) {
  return tagged_hash(evidence_tag, reflect::encode(EvidencePreimage{challenger, proof}));
}

// ---------------------------------------------------------------------------------------------
// Effects. spec: optimistic_rollup.md#effects

// Value leaving the contract.
struct Payout {
  BOOST_HANA_DEFINE_STRUCT(Payout, (Hash32, to), (u64, amount));
};

// The sketch's ChallengeResolution: FraudConfirmed, ChallengeRejected, ChallengeWithdrawn, plus
// BatchReverted for a challenge whose batch another fraud proof removed.
enum class ResolutionKind : u8 { fraud_confirmed, challenge_rejected, challenge_withdrawn, batch_reverted };
L2_REFLECT_ENUM(ResolutionKind, fraud_confirmed, challenge_rejected, challenge_withdrawn, batch_reverted)

// fraud_confirmed: `slashed_amount` taken from the stake, the bond refunded to the challenger
// (`refunded_bond`) and half of the slash paid to it (`reward`); challenge_rejected and
// challenge_withdrawn: `forfeited_bond` paid to the operator (`reason` is the rule that rejected the
// proof, or OR_CHALLENGE_EXPIRED); batch_reverted: `refunded_bond` paid back. Each amount is one
// payout, so each fits a u64 (their sum may not: bonds are held apart from the capped holdings).
struct ChallengeResolution {
  Hash32 challenge_id{};
  ResolutionKind kind = ResolutionKind::fraud_confirmed;
  u64 slashed_amount = 0;
  u64 refunded_bond = 0;
  u64 reward = 0;
  u64 forfeited_bond = 0;
  OptimisticRollupError reason = OptimisticRollupError::none;
  friend constexpr bool operator==(const ChallengeResolution&, const ChallengeResolution&) = default;
};

struct Effects {
  OptimisticRollup contract;
  std::vector<Payout> payouts;
  std::vector<ChallengeResolution> resolutions;
};

using Transition = Result<Effects, OptimisticRollupError>;

// ---------------------------------------------------------------------------------------------
// Views and helpers.

// The commitment to the whole contract state, as vectors and traces report it.
// spec: optimistic_rollup.md#contract_root
constexpr Hash32 contract_root(const OptimisticRollup& c) { return tagged_hash(contract_tag, reflect::encode(c)); }

constexpr L2Params params_of(const OptimisticRollup& c) { return L2Params{c.chain_id, c.rollup_id}; }

// spec: optimistic_rollup.md#genesis
constexpr Hash32 genesis_root(const Hash32& operator_key) { return State::genesis(operator_key).root(); }

// What the contract holds besides the challenge bonds: escrow, stake and treasury. The payable
// entry points that add to it keep it <= UINT64_MAX, so no field and no internal move (a slash)
// can overflow. Bonds are held apart, each in its own challenge: a full escrow never blocks a
// challenge. spec: optimistic_rollup.md#holdings
constexpr Checked holdings(const OptimisticRollup& c) {
  const Checked sum = checked_add(c.escrow, c.stake);
  return sum.overflow ? sum : checked_add(sum.value, c.treasury);
}

constexpr bool holdings_can_take(const OptimisticRollup& c, u64 value) {
  const Checked now = holdings(c);
  return !now.overflow && !checked_add(now.value, value).overflow;
}

// Final batches are a prefix of `batches`; the oldest pending batch follows them.
constexpr std::optional<std::size_t> oldest_pending(const OptimisticRollup& c) {
  for (std::size_t k = 0; k < c.batches.size(); ++k) {
    if (!c.batches[k].final) return k;
  }
  return std::nullopt;
}

constexpr std::optional<std::size_t> find_pending_batch(const OptimisticRollup& c, const Hash32& id) {
  for (std::size_t k = 0; k < c.batches.size(); ++k) {
    if (!c.batches[k].final && c.batches[k].batch_id == id) return k;
  }
  return std::nullopt;
}

constexpr std::optional<std::size_t> find_challenge(const OptimisticRollup& c, const Hash32& id) {
  for (std::size_t k = 0; k < c.challenges.size(); ++k) {
    if (c.challenges[k].challenge_id == id) return k;
  }
  return std::nullopt;
}

// How many requests of a queue were recorded at or below `height` (queues are in recording order).
template <class Record>
constexpr u64 recorded_by(const std::vector<Record>& queue, u64 height) {
  u64 count = 0;
  while (count < queue.size() && queue[count].recorded_at <= height) ++count;
  return count;
}

// The ids the batch `record` may read: the first deposits_visible deposits and
// forced_exits_visible forced exits. spec: optimistic_rollup.md#l1view
// (A record never counts more than exist; the bound only keeps a hand-made state safe.)
struct L1Ids {
  std::vector<Hash32> deposit_ids;
  std::vector<Hash32> forced_exit_ids;
  constexpr L1View view() const { return L1View{deposit_ids, forced_exit_ids}; }
};

constexpr L1Ids l1_ids_at(const OptimisticRollup& c, const BatchRecord& record) {
  L1Ids ids;
  for (u64 k = 0; k < std::min<u64>(record.deposits_visible, c.deposits.size()); ++k)
    ids.deposit_ids.push_back(c.deposits[k].deposit_id);
  for (u64 k = 0; k < std::min<u64>(record.forced_exits_visible, c.forced_exits.size()); ++k)
    ids.forced_exit_ids.push_back(c.forced_exits[k].request_id);
  return ids;
}

// The recording height of request `index` of `queue`, if there is one.
constexpr std::optional<u64> recorded_at(const OptimisticRollup& c, QueueKind queue, u64 index) {
  if (queue == QueueKind::deposits) {
    if (index < c.deposits.size()) return c.deposits[index].recorded_at;
  } else if (index < c.forced_exits.size()) {
    return c.forced_exits[index].recorded_at;
  }
  return std::nullopt;
}

// How many requests of `queue` the state with this header has processed.
constexpr u64 processed(const StateHeader& header, QueueKind queue) {
  return queue == QueueKind::deposits ? header.deposits_credited : header.forced_exits_processed;
}

constexpr std::vector<Hash32> state_root_leaf_hashes(std::span<const Hash32> state_roots) {
  std::vector<Hash32> leaves;
  leaves.reserve(state_roots.size());
  for (const Hash32& root : state_roots) leaves.push_back(rfc6962::leaf_hash(root));
  return leaves;
}

constexpr std::vector<Hash32> transaction_leaf_hashes(std::span<const Transaction> transactions) {
  std::vector<Hash32> leaves;
  leaves.reserve(transactions.size());
  for (const Transaction& tx : transactions) leaves.push_back(transaction_leaf_hash(reflect::encode(tx)));
  return leaves;
}

constexpr Effects effects_of(OptimisticRollup contract) { return Effects{std::move(contract), {}, {}}; }

// Records value leaving the contract; a zero amount moves nothing and is not a payout.
constexpr void pay(Effects& effects, const Hash32& to, u64 amount) {
  if (amount != 0) effects.payouts.push_back(Payout{to, amount});
}

// Closes challenge `k`: removes it and decrements its batch's open count.
constexpr Challenge close_challenge(OptimisticRollup& c, std::size_t k) {
  const Challenge challenge = c.challenges[k];
  c.challenges.erase(c.challenges.begin() + static_cast<std::ptrdiff_t>(k));
  if (const auto batch = find_pending_batch(c, challenge.challenged_object)) c.batches[*batch].open_challenges -= 1;
  return challenge;
}

// ---------------------------------------------------------------------------------------------
// Deployment. spec: optimistic_rollup.md#deployment

// The configuration rules, each a bound the protocol needs to work against an L1 that may delay
// an honest transaction by censorship_bound_blocks.
constexpr OptimisticRollupError check_config(const RollupConfig& config) {
  // Verify: censorship_bound_blocks >= 1 [OR-DEPLOY-1]
  if (config.censorship_bound_blocks == 0) return OptimisticRollupError::config_censorship_bound;
  // Verify: max_batch_size >= 1 [OR-DEPLOY-2]
  if (config.max_batch_size == 0) return OptimisticRollupError::config_batch_size;
  // Verify: challenge_period_blocks > censorship_bound_blocks [OR-DEPLOY-3]
  if (config.challenge_period_blocks <= config.censorship_bound_blocks) return OptimisticRollupError::config_challenge_period;
  // Verify: resolution_period_blocks > censorship_bound_blocks [OR-DEPLOY-4]
  if (config.resolution_period_blocks <= config.censorship_bound_blocks) return OptimisticRollupError::config_resolution_period;
  // Verify: sequencing_window_blocks >= censorship_bound_blocks [OR-DEPLOY-5]
  if (config.sequencing_window_blocks < config.censorship_bound_blocks) return OptimisticRollupError::config_sequencing_window;
  const Checked honest_latest = checked_add(config.queue_inclusion_blocks, config.sequencing_window_blocks);
  // Verify: escape_delay_blocks > queue_inclusion_blocks + sequencing_window_blocks [OR-DEPLOY-6]
  if (honest_latest.overflow || config.escape_delay_blocks <= honest_latest.value) return OptimisticRollupError::config_escape_delay;
  const u8 penalty = config.stake.penalty_percentage;
  // Verify: 1 <= penalty_percentage <= 100 [OR-DEPLOY-7]
  if (penalty == 0 || penalty > 100) return OptimisticRollupError::config_penalty;
  // Verify: floor(minimum_stake * penalty_percentage / 100) >= 2 [OR-DEPLOY-8]
  if (checked_mul_div(config.stake.minimum_stake, penalty, 100).value < 2) return OptimisticRollupError::config_slash;
  // Verify: min_challenge_bond >= 1 [OR-DEPLOY-9]
  if (config.min_challenge_bond == 0) return OptimisticRollupError::config_challenge_bond;
  // Verify: min_deposit >= 1 [OR-DEPLOY-10]
  if (config.min_deposit == 0) return OptimisticRollupError::config_min_deposit;
  // Verify: forced_exit_fee >= 1 [OR-DEPLOY-11]
  if (config.forced_exit_fee == 0) return OptimisticRollupError::config_forced_exit_fee;
  return OptimisticRollupError::none;
}

constexpr Result<OptimisticRollup, OptimisticRollupError> deploy(const DeployInput& in) {
  if (const OptimisticRollupError e = check_config(in.config); e != OptimisticRollupError::none) return e;
  OptimisticRollup c{};
  c.chain_id = in.chain_id;
  c.contract = in.contract;
  c.rollup_id = rollup_id(in.chain_id, in.contract, in.operator_key, in.deployment_nonce);
  c.operator_key = in.operator_key;
  c.config = in.config;
  c.next_account_index = 1;  // account 0 is the fee account, created at genesis
  c.last_state_root = genesis_root(in.operator_key);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Stake. spec: optimistic_rollup.md#apply_stake-and-apply_unstake

constexpr Transition apply_stake(const OptimisticRollup& contract, const StakeInput& in, const Env& env) {
  // Verify: the caller is the operator [OR-STAKE-1]
  if (in.caller != contract.operator_key) return OptimisticRollupError::not_operator;
  // Verify: a first stake is at least minimum_stake [OR-STAKE-2]
  if (!contract.staked && in.value < contract.config.stake.minimum_stake) return OptimisticRollupError::stake_below_minimum;
  // Verify: holdings + value <= UINT64_MAX [OR-STAKE-3]
  if (!holdings_can_take(contract, in.value)) return OptimisticRollupError::stake_overflow;

  OptimisticRollup c = contract;
  c.stake += in.value;
  c.staked = true;
  c.stake_unlock_height = std::max(c.stake_unlock_height, saturating_add(env.height, c.config.stake.stake_lock_period));
  return effects_of(std::move(c));
}

constexpr Transition apply_unstake(const OptimisticRollup& contract, const CallerInput& in, const Env& env) {
  // Verify: the caller is the operator [OR-STAKE-1]
  if (in.caller != contract.operator_key) return OptimisticRollupError::not_operator;
  // Verify: height >= stake_unlock_height [OR-UNSTAKE-1]
  if (env.height < contract.stake_unlock_height) return OptimisticRollupError::stake_locked;
  // Verify: no batch is pending [OR-UNSTAKE-2]
  if (oldest_pending(contract)) return OptimisticRollupError::batches_pending;

  Effects effects = effects_of(contract);
  pay(effects, contract.operator_key, contract.stake);
  effects.contract.stake = 0;
  effects.contract.staked = false;
  return effects;
}

// ---------------------------------------------------------------------------------------------
// Deposits into escrow and forced-exit requests. spec: optimistic_rollup.md#apply_deposit_l1

constexpr Effects record_deposit(const OptimisticRollup& contract, const Hash32& depositor, AccountIndex to,
                                 const std::optional<Hash32>& new_owner, u64 amount, const Env& env) {
  OptimisticRollup c = contract;
  const Deposit deposit{c.deposits.size(), to, new_owner, amount};
  c.deposits.push_back(DepositRecord{deposit_id(params_of(c), deposit), env.height, depositor, amount});
  c.escrow += amount;
  return effects_of(std::move(c));
}

constexpr Transition apply_deposit_new_account(const OptimisticRollup& contract, const DepositNewAccountInput& in,
                                               const Env& env) {
  // Verify: the rollup is not frozen [OR-FROZEN-1]
  if (contract.frozen) return OptimisticRollupError::rollup_frozen;
  // Verify: value >= min_deposit [OR-BRIDGE-4]
  if (in.value < contract.config.min_deposit) return OptimisticRollupError::deposit_below_minimum;
  // Verify: holdings + amount <= UINT64_MAX [OR-BRIDGE-1]
  if (!holdings_can_take(contract, in.value)) return OptimisticRollupError::escrow_overflow;
  // Verify: an account index is left to assign [OR-BRIDGE-3]
  if (contract.next_account_index > std::numeric_limits<AccountIndex>::max()) return OptimisticRollupError::accounts_exhausted;
  // Verify: the owner is an x-only key on the curve, which can sign for the account [OR-BRIDGE-5]
  if (!bip340::pubkey_on_curve(in.owner)) return OptimisticRollupError::deposit_owner_invalid;

  const auto to = static_cast<AccountIndex>(contract.next_account_index);
  Effects effects = record_deposit(contract, in.caller, to, in.owner, in.value, env);
  effects.contract.next_account_index += 1;
  return effects;
}

constexpr Transition apply_deposit_top_up(const OptimisticRollup& contract, const DepositTopUpInput& in,
                                          const Env& env) {
  // Verify: the rollup is not frozen [OR-FROZEN-1]
  if (contract.frozen) return OptimisticRollupError::rollup_frozen;
  // Verify: value >= min_deposit [OR-BRIDGE-4]
  if (in.value < contract.config.min_deposit) return OptimisticRollupError::deposit_below_minimum;
  // Verify: holdings + amount <= UINT64_MAX [OR-BRIDGE-1]
  if (!holdings_can_take(contract, in.value)) return OptimisticRollupError::escrow_overflow;
  // Verify: the index was assigned by L1 (or is account 0) [OR-BRIDGE-2]
  if (in.to >= contract.next_account_index) return OptimisticRollupError::deposit_unknown_account;
  return record_deposit(contract, in.caller, in.to, std::nullopt, in.value, env);
}

// spec: optimistic_rollup.md#apply_request_forced_exit
constexpr Transition apply_request_forced_exit(const OptimisticRollup& contract, const RequestForcedExitInput& in,
                                               const Env& env) {
  // Verify: the rollup is not frozen [OR-FROZEN-1]
  if (contract.frozen) return OptimisticRollupError::rollup_frozen;
  // Verify: value == forced_exit_fee [OR-FEXQ-1]
  if (in.value != contract.config.forced_exit_fee) return OptimisticRollupError::forced_exit_fee;
  // Verify: the index was assigned by L1 (or is account 0) [OR-FEXQ-2]
  if (in.from >= contract.next_account_index) return OptimisticRollupError::forced_exit_unknown_account;

  Effects effects = effects_of(contract);
  OptimisticRollup& c = effects.contract;
  const ForcedExit request{c.forced_exits.size(), in.from, in.caller, in.l1_recipient, 0};
  c.forced_exits.push_back(ForcedExitRecord{forced_exit_id(params_of(c), request), env.height});
  // The fee pays the operator for the transaction it must now include.
  pay(effects, c.operator_key, in.value);
  return effects;
}

// ---------------------------------------------------------------------------------------------
// Batch submission. spec: optimistic_rollup.md#apply_submit_batch

// How submit_batch computes the batch's three commitments: the reference's own functions. The
// optimized engine passes kernel-backed ones of the same values (l2/opt/optimistic_rollup_contract.hpp),
// so the rules, their order and the recorded batch are this function's alone.
struct BatchCommitments {
  constexpr Hash32 transactions_root(std::span<const Transaction> transactions) const {
    return optimistic_rollup::transactions_root(transactions);
  }
  constexpr Hash32 state_roots_root(std::span<const Hash32> state_roots) const {
    return optimistic_rollup::state_roots_root(state_roots);
  }
  constexpr Hash32 batch_id(const BatchHeader& header) const { return optimistic_rollup::batch_id(header); }
};

template <SignatureCheck Check = Bip340Check, class Commitments = BatchCommitments>
constexpr Transition apply_submit_batch(const OptimisticRollup& contract, const SubmitBatchInput& in, const Env& env,
                                        const Check& signature_check = {}, const Commitments& commitments = {}) {
  const Batch& batch = in.batch;
  const BatchHeader& header = batch.header;
  // Verify: the rollup is not frozen [OR-FROZEN-1]
  if (contract.frozen) return OptimisticRollupError::rollup_frozen;
  // Verify: the operator is staked at least minimum_stake [OR-BATCH-1]
  if (!contract.staked || contract.stake < contract.config.stake.minimum_stake)
    return OptimisticRollupError::operator_understaked;
  // Verify: the header names this chain and rollup [OR-BATCH-2]
  if (header.chain_id != contract.chain_id || header.rollup_id != contract.rollup_id)
    return OptimisticRollupError::batch_wrong_rollup;
  // Verify: the header's epoch is the contract's: no batch built before a revert [OR-BATCH-13]
  if (header.epoch != contract.epoch) return OptimisticRollupError::batch_wrong_epoch;
  // Verify: batch_number == len(batches) [OR-BATCH-3]
  if (header.batch_number != contract.batches.size()) return OptimisticRollupError::batch_out_of_order;
  // Verify: prev_state_root == last_state_root [OR-BATCH-4]
  if (header.prev_state_root != contract.last_state_root) return OptimisticRollupError::batch_prev_root_mismatch;
  // Verify: l1_origin_height < height: the batch was built on a block already on L1 [OR-BATCH-14]
  if (header.l1_origin_height >= env.height) return OptimisticRollupError::batch_origin_in_future;
  // Verify: height <= l1_origin_height + sequencing_window_blocks [OR-BATCH-15]
  if (env.height > saturating_add(header.l1_origin_height, contract.config.sequencing_window_blocks))
    return OptimisticRollupError::batch_origin_stale;
  // Verify: at least one transaction [OR-BATCH-5]
  if (batch.transactions.empty()) return OptimisticRollupError::batch_empty;
  // Verify: at most max_batch_size transactions [OR-BATCH-6]
  if (batch.transactions.size() > contract.config.max_batch_size) return OptimisticRollupError::batch_too_large;
  // Verify: transaction_count == len(transactions) [OR-BATCH-7]
  if (header.transaction_count != batch.transactions.size()) return OptimisticRollupError::batch_count_mismatch;
  // Verify: transactions_root is the RFC 6962 root of the posted transactions [OR-BATCH-8]
  if (header.transactions_root != commitments.transactions_root(batch.transactions))
    return OptimisticRollupError::batch_tx_root_mismatch;
  // Verify: len(state_roots) == transaction_count + 1 [OR-BATCH-9]
  if (batch.state_roots.size() != batch.transactions.size() + 1) return OptimisticRollupError::batch_state_root_count;
  // Verify: state_roots[0] == prev_state_root and state_roots[n] == post_state_root [OR-BATCH-10]
  if (batch.state_roots.front() != header.prev_state_root || batch.state_roots.back() != header.post_state_root)
    return OptimisticRollupError::batch_state_root_endpoints;
  // Verify: state_roots_root is the RFC 6962 root of the posted state roots [OR-BATCH-11]
  if (header.state_roots_root != commitments.state_roots_root(batch.state_roots))
    return OptimisticRollupError::batch_state_roots_mismatch;
  const Hash32 id = commitments.batch_id(header);
  // Verify: the signature is the operator's BIP-340 signature of batch_id [OR-BATCH-12]
  if (!signature_check(contract.operator_key, id, batch.signature)) return OptimisticRollupError::bad_operator_signature;

  OptimisticRollup c = contract;
  c.batches.push_back(BatchRecord{header, id, env.height, saturating_add(env.height, c.config.challenge_period_blocks),
                                  recorded_by(c.deposits, header.l1_origin_height),
                                  recorded_by(c.forced_exits, header.l1_origin_height), false, 0});
  c.last_state_root = header.post_state_root;
  return effects_of(std::move(c));
}

// ---------------------------------------------------------------------------------------------
// Challenges. spec: optimistic_rollup.md#apply_open_challenge

constexpr Transition apply_open_challenge(const OptimisticRollup& contract, const OpenChallengeInput& in,
                                          const Env& env) {
  const auto batch = find_pending_batch(contract, in.batch_id);
  // Verify: a pending batch has this batch_id [OR-CHAL-1]
  if (!batch) return OptimisticRollupError::challenge_unknown_batch;
  // Verify: height < challenge_deadline [OR-CHAL-2]
  if (env.height >= contract.batches[*batch].challenge_deadline) return OptimisticRollupError::challenge_too_late;
  // Verify: bond >= min_challenge_bond [OR-CHAL-3]
  if (in.value < contract.config.min_challenge_bond) return OptimisticRollupError::challenge_bond_too_small;
  // Verify: the type applies to this rollup: not data_withholding [OR-CHAL-4]
  if (in.proof_type == FraudProofType::data_withholding) return OptimisticRollupError::challenge_type_not_applicable;
  const Hash32 id = challenge_id(in.caller, in.evidence);
  // Verify: no open challenge has challenge_id = H(caller, evidence) [OR-CHAL-5]
  if (find_challenge(contract, id)) return OptimisticRollupError::challenge_duplicate;

  OptimisticRollup c = contract;
  c.challenges.push_back(Challenge{id, in.batch_id, in.caller, in.proof_type, in.evidence, env.height,
                                   saturating_add(env.height, c.config.resolution_period_blocks), in.value});
  c.batches[*batch].open_challenges += 1;
  return effects_of(std::move(c));
}

// ---------------------------------------------------------------------------------------------
// The fraud-proof verifier. spec: optimistic_rollup.md#verify_fraud_proof

// Re-executes the one transaction the proof names. OptimisticRollupError::none: the fraud is confirmed.
template <SignatureCheck Check = Bip340Check>
constexpr OptimisticRollupError verify_transaction_fault(const OptimisticRollup& c, const BatchRecord& record,
                                               FraudProofType proof_type, const TransactionFault& fault,
                                               const Check& signature_check) {
  const BatchHeader& header = record.header;
  const u64 i = fault.transaction_index;
  const u64 n = header.transaction_count;
  // Verify: the transaction is at index i of transactions_root [OR-FP-3]
  if (rfc6962::verify_inclusion(i, n, transaction_leaf_hash(fault.transaction), fault.transaction_proof,
                                header.transactions_root) != PrimitiveError::none)
    return OptimisticRollupError::fraud_tx_not_included;
  // i < n, and n + 1 cannot overflow: n counts a posted list.
  // Verify: the pre-root is state_roots[i] [OR-FP-4]
  if (rfc6962::verify_inclusion(i, n + 1, rfc6962::leaf_hash(fault.pre_state_root), fault.pre_state_root_proof,
                                header.state_roots_root) != PrimitiveError::none)
    return OptimisticRollupError::fraud_pre_root_not_included;
  // Verify: the post-root is state_roots[i + 1] [OR-FP-5]
  if (rfc6962::verify_inclusion(i + 1, n + 1, rfc6962::leaf_hash(fault.post_state_root), fault.post_state_root_proof,
                                header.state_roots_root) != PrimitiveError::none)
    return OptimisticRollupError::fraud_post_root_not_included;

  const L1Ids ids = l1_ids_at(c, record);
  const auto result =
      apply_encoded_tx(params_of(c), ids.view(), fault.pre_state_root, fault.witness, fault.transaction, signature_check);
  // Verify: the re-execution did not stop on a witness rule [OR-FP-6]
  if (!result && is_witness_error(result.error())) return OptimisticRollupError::fraud_bad_witness;
  // Verify: a valid transaction's true post-root differs from the claimed one [OR-FP-7]
  if (result && result.value() == fault.post_state_root) return OptimisticRollupError::fraud_no_fault;
  const FraudProofType found = result ? FraudProofType::invalid_transition : fault_type(result.error());
  // Verify: the fault found is of the proof's type [OR-FP-8]
  if (found != proof_type) return OptimisticRollupError::fraud_type_mismatch;
  return OptimisticRollupError::none;
}

// Whether request `index` of `queue` was overdue for the batch: in its L1 view, and recorded
// queue_inclusion_blocks or more before its L1 origin (an overflowing sum is not overdue).
constexpr bool overdue_for(const OptimisticRollup& c, const BatchRecord& record, QueueKind queue, u64 index) {
  const u64 visible = queue == QueueKind::deposits ? record.deposits_visible : record.forced_exits_visible;
  const std::optional<u64> recorded = recorded_at(c, queue, index);
  if (index >= visible || !recorded) return false;
  const Checked due = checked_add(*recorded, c.config.queue_inclusion_blocks);
  return !due.overflow && due.value <= record.header.l1_origin_height;
}

constexpr OptimisticRollupError verify_timeout_fault(const OptimisticRollup& c, const BatchRecord& record,
                                           const TimeoutFault& fault) {
  // Verify: the state header opens the batch's post_state_root [OR-FP-9]
  if (state_root(fault.post_state) != record.header.post_state_root) return OptimisticRollupError::fraud_bad_state_opening;
  // Verify: the request is in the batch's L1 view and was overdue at its L1 origin [OR-FP-10]
  if (!overdue_for(c, record, fault.queue, fault.index)) return OptimisticRollupError::fraud_request_not_overdue;
  // Verify: the post-state has not processed it [OR-FP-11]
  if (processed(fault.post_state, fault.queue) > fault.index) return OptimisticRollupError::fraud_request_processed;
  return OptimisticRollupError::none;
}

// The proof against the challenge's batch `record`. OptimisticRollupError::none: FraudConfirmed; otherwise the
// first failing rule, and the challenge is rejected.
template <SignatureCheck Check = Bip340Check>
constexpr OptimisticRollupError verify_fraud_proof(const OptimisticRollup& c, const BatchRecord& record,
                                         const Challenge& challenge, const FraudProof& proof,
                                         const Check& signature_check = {}) {
  // Verify: the proof names the challenge's batch and type [OR-FP-1]
  if (proof.batch_id != challenge.challenged_object || proof.proof_type != challenge.proof_type)
    return OptimisticRollupError::fraud_batch_mismatch;
  const bool is_timeout = proof.proof_type == FraudProofType::timeout_violation;
  // Verify: exactly the evidence the type needs is present [OR-FP-2]
  if (is_timeout != proof.timeout_fault.has_value() || is_timeout == proof.transaction_fault.has_value())
    return OptimisticRollupError::fraud_evidence_shape;
  if (is_timeout) return verify_timeout_fault(c, record, *proof.timeout_fault);
  return verify_transaction_fault(c, record, proof.proof_type, *proof.transaction_fault, signature_check);
}

// ---------------------------------------------------------------------------------------------
// Resolution. spec: optimistic_rollup.md#apply_resolve_challenge

// FraudConfirmed: slash, pay the challenger, remove batch k and every later one, refund the other
// challenges on removed batches, and start a new epoch, in which no removed batch is valid again.
constexpr Effects confirm_fraud(const OptimisticRollup& contract, std::size_t challenge_index,
                                std::size_t batch_index) {
  Effects effects = effects_of(contract);
  OptimisticRollup& c = effects.contract;
  const Challenge challenge = c.challenges[challenge_index];
  c.challenges.erase(c.challenges.begin() + static_cast<std::ptrdiff_t>(challenge_index));

  // penalty_percentage <= 100 (OR-DEPLOY-7), so the quotient fits.
  const u64 slashed = checked_mul_div(c.stake, c.config.stake.penalty_percentage, 100).value;
  const u64 reward = slashed / 2;
  c.stake -= slashed;
  c.treasury += slashed - reward;
  pay(effects, challenge.challenger, challenge.bond_amount);
  pay(effects, challenge.challenger, reward);
  effects.resolutions.push_back(ChallengeResolution{challenge.challenge_id, ResolutionKind::fraud_confirmed, slashed,
                                                    challenge.bond_amount, reward, 0, OptimisticRollupError::none});

  // The revert cascade: the batch and every later one go; the chain resumes from its prev root.
  c.last_state_root = c.batches[batch_index].header.prev_state_root;
  c.epoch += 1;  // one per confirmed fraud: cannot overflow before 2^64 slashes
  std::vector<Hash32> removed;
  for (std::size_t k = batch_index; k < c.batches.size(); ++k) removed.push_back(c.batches[k].batch_id);
  c.batches.resize(batch_index);
  for (std::size_t k = 0; k < c.challenges.size();) {
    if (std::find(removed.begin(), removed.end(), c.challenges[k].challenged_object) == removed.end()) {
      ++k;
      continue;
    }
    const Challenge refunded = c.challenges[k];
    c.challenges.erase(c.challenges.begin() + static_cast<std::ptrdiff_t>(k));
    pay(effects, refunded.challenger, refunded.bond_amount);
    effects.resolutions.push_back(ChallengeResolution{refunded.challenge_id, ResolutionKind::batch_reverted, 0,
                                                      refunded.bond_amount, 0, 0, OptimisticRollupError::none});
  }
  return effects;
}

// The challenge ends without a fraud: its bond is paid to the operator at once.
constexpr Effects forfeit_challenge(const OptimisticRollup& contract, std::size_t challenge_index, ResolutionKind kind,
                                    OptimisticRollupError reason) {
  Effects effects = effects_of(contract);
  const Challenge challenge = close_challenge(effects.contract, challenge_index);
  pay(effects, effects.contract.operator_key, challenge.bond_amount);
  effects.resolutions.push_back(ChallengeResolution{challenge.challenge_id, kind, 0, 0, 0, challenge.bond_amount, reason});
  return effects;
}

template <SignatureCheck Check = Bip340Check>
constexpr Transition apply_resolve_challenge(const OptimisticRollup& contract, const ResolveChallengeInput& in,
                                             const Env& env, const Check& signature_check = {}) {
  const auto index = find_challenge(contract, in.challenge_id);
  // An open challenge's batch is pending: a challenge is opened on a pending batch, finalization
  // waits for its challenges, and a revert closes the challenges of the batches it removes. The
  // check only keeps a hand-made state safe.
  const auto batch = index ? find_pending_batch(contract, contract.challenges[*index].challenged_object) : std::nullopt;
  // Verify: an open challenge on a pending batch has this challenge_id [OR-RES-1]
  if (!index || !batch) return OptimisticRollupError::unknown_challenge;
  const Challenge& challenge = contract.challenges[*index];
  // Verify: height < the challenge's deadline [OR-RES-2]
  if (env.height >= challenge.deadline) return OptimisticRollupError::challenge_expired;
  // Verify: height > opened_at: the reveal is in a later block than the commitment [OR-RES-3]
  if (env.height <= challenge.opened_at) return OptimisticRollupError::reveal_too_early;
  // Verify: the proof is the one committed, by this challenger [OR-RES-4]
  if (evidence_commitment(challenge.challenger, in.proof) != challenge.evidence) return OptimisticRollupError::evidence_mismatch;

  const OptimisticRollupError verdict = verify_fraud_proof(contract, contract.batches[*batch], challenge, in.proof,
                                                 signature_check);
  if (verdict == OptimisticRollupError::none) return confirm_fraud(contract, *index, *batch);
  return forfeit_challenge(contract, *index, ResolutionKind::challenge_rejected, verdict);
}

// spec: optimistic_rollup.md#apply_expire_challenge-and-apply_withdraw_challenge
constexpr Transition apply_expire_challenge(const OptimisticRollup& contract, const ChallengeRef& in, const Env& env) {
  const auto index = find_challenge(contract, in.challenge_id);
  // Verify: an open challenge has this challenge_id [OR-RES-1]
  if (!index) return OptimisticRollupError::unknown_challenge;
  // Verify: height >= the challenge's deadline [OR-EXP-1]
  if (env.height < contract.challenges[*index].deadline) return OptimisticRollupError::challenge_not_expired;
  return forfeit_challenge(contract, *index, ResolutionKind::challenge_rejected, OptimisticRollupError::challenge_expired);
}

// The challenger gives up before its deadline. The bond goes to the operator, as for a rejected
// proof: a challenge delays finality, so withdrawing one must not be free.
constexpr Transition apply_withdraw_challenge(const OptimisticRollup& contract, const ChallengeRef& in,
                                              const Env& env) {
  const auto index = find_challenge(contract, in.challenge_id);
  // Verify: an open challenge has this challenge_id [OR-RES-1]
  if (!index) return OptimisticRollupError::unknown_challenge;
  // Verify: the caller is the challenger [OR-WDC-1]
  if (in.caller != contract.challenges[*index].challenger) return OptimisticRollupError::not_challenger;
  // Verify: height < the challenge's deadline [OR-RES-2]
  if (env.height >= contract.challenges[*index].deadline) return OptimisticRollupError::challenge_expired;
  return forfeit_challenge(contract, *index, ResolutionKind::challenge_withdrawn, OptimisticRollupError::none);
}

// ---------------------------------------------------------------------------------------------
// Finality and payout. spec: optimistic_rollup.md#apply_finalize

constexpr Transition apply_finalize(const OptimisticRollup& contract, const CallerInput& /*in*/, const Env& env) {
  const auto oldest = oldest_pending(contract);
  // Verify: some batch is pending [OR-FIN-1]
  if (!oldest) return OptimisticRollupError::nothing_to_finalize;
  const BatchRecord& record = contract.batches[*oldest];
  // Verify: height >= its challenge_deadline [OR-FIN-2]
  if (env.height < record.challenge_deadline) return OptimisticRollupError::challenge_period_open;
  // Verify: it has no open challenge [OR-FIN-3]
  if (record.open_challenges != 0) return OptimisticRollupError::challenges_open;

  OptimisticRollup c = contract;
  c.batches[*oldest].final = true;
  return effects_of(std::move(c));
}

// What leaves L2 in a transaction of a final batch: a withdrawal's or a forced exit's recipient
// and amount.
struct Outflow {
  Hash32 l1_recipient{};
  u64 amount = 0;
};

constexpr std::optional<Outflow> outflow_of(const Transaction& tx) {
  if (check_shape(tx) != OptimisticRollupError::none) return std::nullopt;
  if (tx.kind == TxKind::withdrawal) return Outflow{tx.withdrawal->l1_recipient, tx.withdrawal->amount};
  if (tx.kind == TxKind::forced_exit) return Outflow{tx.forced_exit->l1_recipient, tx.forced_exit->amount};
  return std::nullopt;
}

// spec: optimistic_rollup.md#apply_pay_withdrawal
constexpr Transition apply_pay_withdrawal(const OptimisticRollup& contract, const PayWithdrawalInput& in,
                                          const Env& /*env*/) {
  // Verify: the batch is recorded and final [OR-PAY-1]
  if (in.batch_number >= contract.batches.size() || !contract.batches[in.batch_number].final)
    return OptimisticRollupError::pay_batch_not_final;
  const BatchHeader& header = contract.batches[in.batch_number].header;
  // Verify: the transaction is at transaction_index of the batch's transactions_root [OR-PAY-2]
  if (rfc6962::verify_inclusion(in.transaction_index, header.transaction_count, transaction_leaf_hash(in.transaction),
                                in.proof, header.transactions_root) != PrimitiveError::none)
    return OptimisticRollupError::pay_tx_not_included;
  const auto decoded = reflect::decode<Transaction>(in.transaction);
  const std::optional<Outflow> outflow = decoded ? outflow_of(decoded.value()) : std::nullopt;
  // Verify: it decodes to a well-formed withdrawal or forced exit [OR-PAY-3]
  if (!outflow) return OptimisticRollupError::pay_not_withdrawal;
  const PaidWithdrawal key{in.batch_number, in.transaction_index};
  // Verify: it was not paid before [OR-PAY-4]
  if (std::any_of(contract.paid.begin(), contract.paid.end(), [&](const PaidWithdrawal& p) {
        return p.batch_number == key.batch_number && p.transaction_index == key.transaction_index;
      }))
    return OptimisticRollupError::pay_already_paid;
  // Verify: escrow >= amount [OR-PAY-5]
  if (contract.escrow < outflow->amount) return OptimisticRollupError::pay_escrow_insufficient;

  Effects effects = effects_of(contract);
  effects.contract.escrow -= outflow->amount;
  effects.contract.paid.push_back(key);
  pay(effects, outflow->l1_recipient, outflow->amount);
  return effects;
}

// ---------------------------------------------------------------------------------------------
// The escape hatch. spec: optimistic_rollup.md#the-escape-hatch

// Anyone freezes the rollup when the latest accepted state leaves a request unprocessed
// escape_delay_blocks after it was recorded: the operator stalled or censors.
constexpr Transition apply_freeze(const OptimisticRollup& contract, const FreezeInput& in, const Env& env) {
  // Verify: the rollup is not frozen already [OR-FRZ-1]
  if (contract.frozen) return OptimisticRollupError::already_frozen;
  const std::optional<u64> recorded = recorded_at(contract, in.queue, in.index);
  // Verify: the queue holds a request with this index [OR-FRZ-2]
  if (!recorded) return OptimisticRollupError::freeze_unknown_request;
  const Checked due = checked_add(*recorded, contract.config.escape_delay_blocks);
  // Verify: recorded_at + escape_delay_blocks <= height (an overflowing sum is never due) [OR-FRZ-3]
  if (due.overflow || env.height < due.value) return OptimisticRollupError::freeze_not_overdue;
  // Verify: the state header opens last_state_root [OR-FRZ-4]
  if (state_root(in.post_state) != contract.last_state_root) return OptimisticRollupError::freeze_bad_state_opening;
  // Verify: that state has not processed the request [OR-FRZ-5]
  if (processed(in.post_state, in.queue) > in.index) return OptimisticRollupError::freeze_request_processed;

  OptimisticRollup c = contract;
  c.frozen = true;
  return effects_of(std::move(c));
}

// OR-EXIT-1..3, shared by exit and reclaim_deposit: frozen, nothing pending, and `post_state` opens
// the last final state.
constexpr OptimisticRollupError check_final_state(const OptimisticRollup& c, const StateHeader& post_state) {
  // Verify: the rollup is frozen [OR-EXIT-1]
  if (!c.frozen) return OptimisticRollupError::not_frozen;
  // Verify: no batch is pending, so last_state_root is final [OR-EXIT-2]
  if (oldest_pending(c)) return OptimisticRollupError::exit_batches_pending;
  // Verify: the state header opens last_state_root [OR-EXIT-3]
  if (state_root(post_state) != c.last_state_root) return OptimisticRollupError::exit_bad_state_opening;
  return OptimisticRollupError::none;
}

// One account leaves with its whole balance of the last final state, paid to its owner.
constexpr Transition apply_exit(const OptimisticRollup& contract, const ExitInput& in, const Env& /*env*/) {
  if (const OptimisticRollupError e = check_final_state(contract, in.post_state); e != OptimisticRollupError::none) return e;
  smt::Proof opening;
  opening.index = in.account_index;
  opening.siblings = in.siblings;
  // Verify: the account's opening leads to the state's accounts_root [OR-EXIT-4]
  if (smt::root_from_proof(opening, account_value(in.account)) != in.post_state.accounts_root)
    return OptimisticRollupError::exit_bad_account_proof;
  // Verify: the account has not exited [OR-EXIT-5]
  if (std::find(contract.exited.begin(), contract.exited.end(), in.account_index) != contract.exited.end())
    return OptimisticRollupError::exit_already_exited;
  // Verify: escrow >= balance [OR-EXIT-6]
  if (contract.escrow < in.account.balance) return OptimisticRollupError::exit_escrow_insufficient;

  Effects effects = effects_of(contract);
  effects.contract.escrow -= in.account.balance;
  effects.contract.exited.push_back(in.account_index);
  pay(effects, in.account.owner, in.account.balance);
  return effects;
}

// A deposit the last final state never credited goes back to whoever paid it.
constexpr Transition apply_reclaim_deposit(const OptimisticRollup& contract, const ReclaimDepositInput& in,
                                           const Env& /*env*/) {
  if (const OptimisticRollupError e = check_final_state(contract, in.post_state); e != OptimisticRollupError::none) return e;
  // Verify: a deposit has this index [OR-RECL-1]
  if (in.deposit_index >= contract.deposits.size()) return OptimisticRollupError::reclaim_unknown_deposit;
  // Verify: the final state has not credited it [OR-RECL-2]
  if (in.deposit_index < in.post_state.deposits_credited) return OptimisticRollupError::reclaim_deposit_credited;
  // Verify: it was not reclaimed before [OR-RECL-3]
  if (std::find(contract.reclaimed.begin(), contract.reclaimed.end(), in.deposit_index) != contract.reclaimed.end())
    return OptimisticRollupError::reclaim_already_reclaimed;
  const DepositRecord& deposit = contract.deposits[in.deposit_index];
  // Verify: escrow >= amount [OR-RECL-4]
  if (contract.escrow < deposit.amount) return OptimisticRollupError::reclaim_escrow_insufficient;

  Effects effects = effects_of(contract);
  effects.contract.escrow -= deposit.amount;
  effects.contract.reclaimed.push_back(in.deposit_index);
  pay(effects, deposit.depositor, deposit.amount);
  return effects;
}

// ---------------------------------------------------------------------------------------------
// The operations table. spec: optimistic_rollup.md#vector-operations-mechanism-optimistic_rollup
//
// Every contract operation takes a SignatureCheck, so that one call shape fits all; the ones that
// check no signature ignore it.

#define L2_ROLLUP_OPERATION(Type, op_name, InputType, call)                                                  \
  struct Type {                                                                                              \
    static constexpr std::string_view name = op_name;                                                       \
    using State = OptimisticRollup;                                                                          \
    using Input = InputType;                                                                                 \
    template <SignatureCheck Check = Bip340Check>                                                            \
    static constexpr Transition apply(const State& c, const Input& in, const Env& env, const Check& check = {}) { \
      static_cast<void>(check);                                                                              \
      return call;                                                                                           \
    }                                                                                                        \
  };

L2_ROLLUP_OPERATION(Stake, "stake", StakeInput, apply_stake(c, in, env))
L2_ROLLUP_OPERATION(Unstake, "unstake", CallerInput, apply_unstake(c, in, env))
L2_ROLLUP_OPERATION(DepositNewAccount, "deposit_new_account", DepositNewAccountInput, apply_deposit_new_account(c, in, env))
L2_ROLLUP_OPERATION(DepositTopUp, "deposit_top_up", DepositTopUpInput, apply_deposit_top_up(c, in, env))
L2_ROLLUP_OPERATION(RequestForcedExit, "request_forced_exit", RequestForcedExitInput, apply_request_forced_exit(c, in, env))
L2_ROLLUP_OPERATION(SubmitBatch, "submit_batch", SubmitBatchInput, apply_submit_batch(c, in, env, check))
L2_ROLLUP_OPERATION(OpenChallenge, "open_challenge", OpenChallengeInput, apply_open_challenge(c, in, env))
L2_ROLLUP_OPERATION(ResolveChallenge, "resolve_challenge", ResolveChallengeInput, apply_resolve_challenge(c, in, env, check))
L2_ROLLUP_OPERATION(ExpireChallenge, "expire_challenge", ChallengeRef, apply_expire_challenge(c, in, env))
L2_ROLLUP_OPERATION(WithdrawChallenge, "withdraw_challenge", ChallengeRef, apply_withdraw_challenge(c, in, env))
L2_ROLLUP_OPERATION(Finalize, "finalize", CallerInput, apply_finalize(c, in, env))
L2_ROLLUP_OPERATION(PayWithdrawal, "pay_withdrawal", PayWithdrawalInput, apply_pay_withdrawal(c, in, env))
L2_ROLLUP_OPERATION(Freeze, "freeze", FreezeInput, apply_freeze(c, in, env))
L2_ROLLUP_OPERATION(Exit, "exit", ExitInput, apply_exit(c, in, env))
L2_ROLLUP_OPERATION(ReclaimDeposit, "reclaim_deposit", ReclaimDepositInput, apply_reclaim_deposit(c, in, env))

#undef L2_ROLLUP_OPERATION

// The contract's entry points in the spec's order (deploy, which creates the contract, apart). An
// op's code is its index here; the vectors, the Z3 model and its trace validation dispatch
// through this table.
using Operations = OperationTable<Stake, Unstake, DepositNewAccount, DepositTopUp, RequestForcedExit, SubmitBatch,
                                  OpenChallenge, ResolveChallenge, ExpireChallenge, WithdrawChallenge, Finalize,
                                  PayWithdrawal, Freeze, Exit, ReclaimDeposit>;
using ContractOp = Operations::Code;
template <class Op>
inline constexpr ContractOp op_code = Operations::code_of<Op>();

// ---------------------------------------------------------------------------------------------
// The operator's and the challenger's sides. spec: optimistic_rollup.md#building-batches-and-proofs

// The header of a batch over `transactions` with intermediate roots `state_roots` (n + 1 of them),
// numbered to follow the contract's last batch, in the current epoch, built on L1 block
// `l1_origin_height`.
constexpr BatchHeader batch_header_for(const OptimisticRollup& c, std::span<const Transaction> transactions,
                                       std::span<const Hash32> state_roots, u64 l1_origin_height) {
  return BatchHeader{c.chain_id,           c.rollup_id,         c.batches.size(),
                     c.epoch,              l1_origin_height,    state_roots.front(),
                     state_roots.back(),   transactions_root(transactions), transactions.size(),
                     state_roots_root(state_roots)};
}

// The posted batch, signed with the operator's secret key (aux_rand: the BIP-340 auxiliary
// randomness). Contract: state_roots.size() == transactions.size() + 1.
constexpr Batch make_batch(const OptimisticRollup& c, std::vector<Transaction> transactions,
                           std::vector<Hash32> state_roots, u64 l1_origin_height, const Hash32& operator_secret,
                           const Hash32& aux_rand) {
  Batch batch{batch_header_for(c, transactions, state_roots, l1_origin_height), {}, std::move(transactions),
              std::move(state_roots)};
  const Hash32 id = batch_id(batch.header);
  batch.signature = bip340::sign(operator_secret, id, aux_rand).value();
  return batch;
}

// The L1 view a batch built on `l1_origin_height` would get: what the operator executes against.
constexpr L1Ids l1_ids_for_origin(const OptimisticRollup& c, u64 l1_origin_height) {
  BatchRecord record{};
  record.deposits_visible = recorded_by(c.deposits, l1_origin_height);
  record.forced_exits_visible = recorded_by(c.forced_exits, l1_origin_height);
  return l1_ids_at(c, record);
}

// The transaction fault at index i of `batch`, whose true pre-state `state` has root state_roots[i].
template <SignatureCheck Check = Bip340Check>
constexpr TransactionFault transaction_fault_at(const OptimisticRollup& c, const BatchRecord& record,
                                                const Batch& batch, u64 i, const State& state,
                                                const Check& signature_check = {}) {
  const L1Ids ids = l1_ids_at(c, record);
  const std::vector<Hash32> tx_leaves = transaction_leaf_hashes(batch.transactions);
  const std::vector<Hash32> root_leaves = state_root_leaf_hashes(batch.state_roots);
  return TransactionFault{i,
                          reflect::encode(batch.transactions[i]),
                          rfc6962::inclusion_proof(tx_leaves, i),
                          batch.state_roots[i],
                          rfc6962::inclusion_proof(root_leaves, i),
                          batch.state_roots[i + 1],
                          rfc6962::inclusion_proof(root_leaves, i + 1),
                          witness_for(params_of(c), ids.view(), state, batch.transactions[i], signature_check)};
}

// The honest challenger's search: replays `batch` (recorded as `record`) from `pre_state`, the true
// state at its prev_state_root, and returns a proof of its first fault, or nullopt if the batch is
// valid. Also nullopt when pre_state is not at prev_state_root: then an earlier batch is the
// fraudulent one, and its proof removes this batch too. spec: optimistic_rollup.md#verify_fraud_proof
template <SignatureCheck Check = Bip340Check>
constexpr std::optional<FraudProof> find_fraud(const OptimisticRollup& c, const BatchRecord& record, const Batch& batch,
                                               const State& pre_state, const Check& signature_check = {}) {
  if (batch.state_roots.empty() || pre_state.root() != batch.state_roots.front()) return std::nullopt;
  const L1Ids ids = l1_ids_at(c, record);
  State state = pre_state;
  for (u64 i = 0; i < batch.transactions.size(); ++i) {
    auto next = apply_tx(params_of(c), ids.view(), state, batch.transactions[i], signature_check);
    if (!next || next.value().root() != batch.state_roots[i + 1]) {
      const FraudProofType type = next ? FraudProofType::invalid_transition : fault_type(next.error());
      return FraudProof{record.batch_id, type, transaction_fault_at(c, record, batch, i, state, signature_check),
                        std::nullopt};
    }
    state = std::move(next).value();
  }
  // Every step is right; what is left is a request the operator should have processed.
  for (const QueueKind queue : {QueueKind::deposits, QueueKind::forced_exits}) {
    const u64 visible = queue == QueueKind::deposits ? record.deposits_visible : record.forced_exits_visible;
    for (u64 k = processed(state.header(), queue); k < visible; ++k) {
      if (overdue_for(c, record, queue, k))
        return FraudProof{record.batch_id, FraudProofType::timeout_violation, std::nullopt,
                          TimeoutFault{queue, k, state.header()}};
    }
  }
  return std::nullopt;
}

}  // namespace l2::ref::optimistic_rollup
