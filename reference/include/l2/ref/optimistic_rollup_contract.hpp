// Optimistic rollup: the L1 rollup contract. It takes deposits into escrow, holds the operator's
// stake, accepts batches whose commitments match the posted data (it executes nothing), takes
// bonded challenges, re-executes the one transaction a fraud proof names (verify_fraud_proof,
// through optimistic_rollup.hpp's stateless apply_tx), slashes and reverts on a confirmed fraud,
// finalizes batches in order after their challenge period, and pays withdrawals from final
// batches only.
//
// Every entry point is a pure function (contract, input, env) -> Effects | RollupError. Effects
// carry the new contract state, the payments the call makes (value leaving the contract) and the
// challenge resolutions it produced, so conservation is a statement about one step's effects.
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
#include "l2/ref/merkle.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/schnorr.hpp"

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
                           (u64, resolution_period_blocks), (u64, deposit_inclusion_blocks), (u64, min_challenge_bond),
                           (StakeRequirements, stake));
};

// spec: optimistic_rollup.md#optimisticrollup-contract-state
struct DepositRecord {
  BOOST_HANA_DEFINE_STRUCT(DepositRecord, (Hash32, deposit_id), (u64, recorded_at));
};

struct BatchRecord {
  BOOST_HANA_DEFINE_STRUCT(BatchRecord, (BatchHeader, header), (Hash32, batch_id), (u64, submitted_at),
                           (u64, challenge_deadline), (u64, deposits_recorded), (bool, final),
                           (u64, open_challenges));
};

// challenge_id = H(challenger, evidence): a challenge is one party's commitment, so nobody can take
// another's evidence. The proof may be revealed only in a block after opened_at, so a proof seen in
// the mempool cannot be committed and revealed ahead of it.
struct Challenge {
  BOOST_HANA_DEFINE_STRUCT(Challenge, (Hash32, challenge_id), (Hash32, challenged_object), (Hash32, challenger),
                           (FraudProofType, proof_type), (Hash32, evidence), (u64, opened_at), (u64, deadline),
                           (u64, bond_amount));
};

struct PaidWithdrawal {
  BOOST_HANA_DEFINE_STRUCT(PaidWithdrawal, (u64, batch_number), (u64, transaction_index));
};

// The operator's L1 income: bonds forfeited by rejected challenges. Batch and priority fees are L2
// balances of the fee account. spec: optimistic_rollup.md#optimisticrollup-contract-state
struct OperatorRewards {
  BOOST_HANA_DEFINE_STRUCT(OperatorRewards, (u64, challenge_bonds));
};

struct OptimisticRollup {
  BOOST_HANA_DEFINE_STRUCT(OptimisticRollup, (u64, chain_id), (Hash32, contract), (Hash32, rollup_id),
                           (Hash32, operator_key), (RollupConfig, config), (u64, stake), (bool, staked),
                           (u64, stake_unlock_height), (u64, escrow), (std::vector<DepositRecord>, deposits),
                           (u64, next_account_index), (Hash32, last_state_root), (std::vector<BatchRecord>, batches),
                           (std::vector<Challenge>, challenges), (std::vector<PaidWithdrawal>, paid),
                           (OperatorRewards, rewards), (u64, treasury));
};

// The L1 call context: the block height and the caller. Value attached to a call is an input of
// the three payable entry points only (stake, deposits, open_challenge); the others cannot carry
// any. spec: optimistic_rollup.md#env
struct Env {
  BOOST_HANA_DEFINE_STRUCT(Env, (u64, height), (Hash32, caller));
};

// ---------------------------------------------------------------------------------------------
// Inputs. spec: optimistic_rollup.md#the-l1-rollup-contract

struct StakeInput {
  BOOST_HANA_DEFINE_STRUCT(StakeInput, (u64, value));
};

struct DepositNewAccountInput {
  BOOST_HANA_DEFINE_STRUCT(DepositNewAccountInput, (Hash32, owner), (u64, value));
};

struct DepositTopUpInput {
  BOOST_HANA_DEFINE_STRUCT(DepositTopUpInput, (AccountIndex, to), (u64, value));
};

struct OpenChallengeInput {
  BOOST_HANA_DEFINE_STRUCT(OpenChallengeInput, (Hash32, batch_id), (FraudProofType, proof_type), (Hash32, evidence),
                           (u64, value));
};

struct ChallengeRef {
  BOOST_HANA_DEFINE_STRUCT(ChallengeRef, (Hash32, challenge_id));
};

struct PayWithdrawalInput {
  BOOST_HANA_DEFINE_STRUCT(PayWithdrawalInput, (u64, batch_number), (u64, transaction_index), (Bytes, transaction),
                           (std::vector<Hash32>, proof));
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

// An overdue deposit and the opening of the batch's post-state header that shows it uncredited.
struct TimeoutFault {
  BOOST_HANA_DEFINE_STRUCT(TimeoutFault, (u64, deposit_index), (StateHeader, post_state));
};

struct FraudProof {
  BOOST_HANA_DEFINE_STRUCT(FraudProof, (Hash32, batch_id), (FraudProofType, proof_type),
                           (std::optional<TransactionFault>, transaction_fault),
                           (std::optional<TimeoutFault>, timeout_fault));
};

struct ResolveChallengeInput {
  BOOST_HANA_DEFINE_STRUCT(ResolveChallengeInput, (Hash32, challenge_id), (FraudProof, proof));
};

// What the evidence commitment hashes: the challenger, then the proof.
struct EvidencePreimage {
  BOOST_HANA_DEFINE_STRUCT(EvidencePreimage, (Hash32, challenger), (FraudProof, proof));
};

struct ChallengeIdPreimage {
  BOOST_HANA_DEFINE_STRUCT(ChallengeIdPreimage, (Hash32, challenger), (Hash32, evidence));
};

// spec: optimistic_rollup.md#optimisticrollup-contract-state
constexpr Hash32 challenge_id(const Hash32& challenger, const Hash32& evidence) {
  return tagged_hash(challenge_tag, reflect::encode(ChallengeIdPreimage{challenger, evidence}));
}

// spec: optimistic_rollup.md#optimisticrollup-contract-state
constexpr Hash32 evidence_commitment(const Hash32& challenger, const FraudProof& proof) {
  return tagged_hash(evidence_tag, reflect::encode(EvidencePreimage{challenger, proof}));
}

// ---------------------------------------------------------------------------------------------
// Effects. spec: optimistic_rollup.md#effects

// Value leaving the contract.
struct Payout {
  BOOST_HANA_DEFINE_STRUCT(Payout, (Hash32, to), (u64, amount));
};

// The sketch's ChallengeResolution: FraudConfirmed, ChallengeRejected, ChallengeWithdrawn.
enum class ResolutionKind : u8 { fraud_confirmed, challenge_rejected, challenge_withdrawn };
L2_REFLECT_ENUM(ResolutionKind, fraud_confirmed, challenge_rejected, challenge_withdrawn)

// fraud_confirmed: `slashed_amount` taken from the stake, `paid_to_challenger` = bond + half of it;
// challenge_rejected: `forfeited_bond` to the operator's rewards, `reason` the rule that rejected;
// challenge_withdrawn: `paid_to_challenger` = the bond refunded.
struct ChallengeResolution {
  Hash32 challenge_id{};
  ResolutionKind kind = ResolutionKind::fraud_confirmed;
  u64 slashed_amount = 0;
  u64 paid_to_challenger = 0;
  u64 forfeited_bond = 0;
  RollupError reason = RollupError::none;
  friend constexpr bool operator==(const ChallengeResolution&, const ChallengeResolution&) = default;
};

struct Effects {
  OptimisticRollup contract;
  std::vector<Payout> payouts;
  std::vector<ChallengeResolution> resolutions;
};

using Transition = Result<Effects, RollupError>;

// ---------------------------------------------------------------------------------------------
// Views and helpers.

// The commitment to the whole contract state, as vectors and traces report it.
// spec: optimistic_rollup.md#contract_root
constexpr Hash32 contract_root(const OptimisticRollup& c) { return tagged_hash(contract_tag, reflect::encode(c)); }

constexpr L2Params params_of(const OptimisticRollup& c) { return L2Params{c.chain_id, c.rollup_id}; }

// spec: optimistic_rollup.md#genesis
constexpr Hash32 genesis_root(const Hash32& operator_key) { return State::genesis(operator_key).root(); }

// Everything the contract holds. The payable entry points keep it <= UINT64_MAX, so no field and no
// internal move can overflow. spec: optimistic_rollup.md#conservation
constexpr Checked holdings(const OptimisticRollup& c) {
  Checked sum = checked_add(c.escrow, c.stake);
  for (const u64 part : {c.rewards.challenge_bonds, c.treasury}) {
    if (!sum.overflow) sum = checked_add(sum.value, part);
  }
  for (const Challenge& challenge : c.challenges) {
    if (!sum.overflow) sum = checked_add(sum.value, challenge.bond_amount);
  }
  return sum;
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

// The deposits L1 had recorded when batch `record` was submitted. spec: optimistic_rollup.md#l1view
// (A record never counts more deposits than exist; the bound only keeps a hand-made state safe.)
constexpr std::vector<Hash32> deposit_ids_at(const OptimisticRollup& c, const BatchRecord& record) {
  const u64 count = std::min<u64>(record.deposits_recorded, c.deposits.size());
  std::vector<Hash32> ids;
  ids.reserve(count);
  for (u64 k = 0; k < count; ++k) ids.push_back(c.deposits[k].deposit_id);
  return ids;
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

constexpr Result<OptimisticRollup, RollupError> deploy(u64 chain_id, const Hash32& contract, const Hash32& operator_key,
                                                       u64 deployment_nonce, const RollupConfig& config) {
  // Verify: penalty_percentage <= 100, a batch may hold a transaction, a challenge can be opened, and
  // a challenge opened at h can be revealed at h + 1 before its deadline [OR-DEPLOY-1]
  if (config.stake.penalty_percentage > 100 || config.max_batch_size == 0 || config.challenge_period_blocks == 0 ||
      config.resolution_period_blocks < 2)
    return RollupError::config_invalid;
  OptimisticRollup c{};
  c.chain_id = chain_id;
  c.contract = contract;
  c.rollup_id = rollup_id(chain_id, contract, operator_key, deployment_nonce);
  c.operator_key = operator_key;
  c.config = config;
  c.next_account_index = 1;  // account 0 is the fee account, created at genesis
  c.last_state_root = genesis_root(operator_key);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Stake. spec: optimistic_rollup.md#apply_stake-and-apply_unstake

constexpr Transition apply_stake(const OptimisticRollup& contract, const StakeInput& in, const Env& env) {
  // Verify: the caller is the operator [OR-STAKE-1]
  if (env.caller != contract.operator_key) return RollupError::not_operator;
  // Verify: a first stake is at least minimum_stake [OR-STAKE-2]
  if (!contract.staked && in.value < contract.config.stake.minimum_stake) return RollupError::stake_below_minimum;
  // Verify: holdings + value <= UINT64_MAX [OR-STAKE-3]
  if (!holdings_can_take(contract, in.value)) return RollupError::stake_overflow;

  OptimisticRollup c = contract;
  c.stake += in.value;
  c.staked = true;
  c.stake_unlock_height = std::max(c.stake_unlock_height, saturating_add(env.height, c.config.stake.stake_lock_period));
  return effects_of(std::move(c));
}

constexpr Transition apply_unstake(const OptimisticRollup& contract, const Env& env) {
  // Verify: the caller is the operator [OR-STAKE-1]
  if (env.caller != contract.operator_key) return RollupError::not_operator;
  // Verify: height >= stake_unlock_height [OR-UNSTAKE-1]
  if (env.height < contract.stake_unlock_height) return RollupError::stake_locked;
  // Verify: no batch is pending [OR-UNSTAKE-2]
  if (oldest_pending(contract)) return RollupError::batches_pending;

  Effects effects = effects_of(contract);
  pay(effects, contract.operator_key, contract.stake);
  effects.contract.stake = 0;
  effects.contract.staked = false;
  return effects;
}

constexpr Transition apply_claim_rewards(const OptimisticRollup& contract, const Env& env) {
  // Verify: the caller is the operator [OR-STAKE-1]
  if (env.caller != contract.operator_key) return RollupError::not_operator;

  Effects effects = effects_of(contract);
  pay(effects, contract.operator_key, contract.rewards.challenge_bonds);
  effects.contract.rewards.challenge_bonds = 0;
  return effects;
}

// ---------------------------------------------------------------------------------------------
// Deposits into escrow. spec: optimistic_rollup.md#apply_deposit_l1

constexpr Effects record_deposit(const OptimisticRollup& contract, AccountIndex to,
                                 const std::optional<Hash32>& new_owner, u64 amount, const Env& env) {
  OptimisticRollup c = contract;
  const Deposit deposit{c.deposits.size(), to, new_owner, amount};
  c.deposits.push_back(DepositRecord{deposit_id(params_of(c), deposit), env.height});
  c.escrow += amount;
  return effects_of(std::move(c));
}

constexpr Transition apply_deposit_new_account(const OptimisticRollup& contract, const DepositNewAccountInput& in,
                                               const Env& env) {
  // Verify: holdings + amount <= UINT64_MAX [OR-BRIDGE-1]
  if (!holdings_can_take(contract, in.value)) return RollupError::escrow_overflow;
  // Verify: an account index is left to assign [OR-BRIDGE-3]
  if (contract.next_account_index > std::numeric_limits<AccountIndex>::max()) return RollupError::accounts_exhausted;

  const auto to = static_cast<AccountIndex>(contract.next_account_index);
  Effects effects = record_deposit(contract, to, in.owner, in.value, env);
  effects.contract.next_account_index += 1;
  return effects;
}

constexpr Transition apply_deposit_top_up(const OptimisticRollup& contract, const DepositTopUpInput& in,
                                          const Env& env) {
  // Verify: holdings + amount <= UINT64_MAX [OR-BRIDGE-1]
  if (!holdings_can_take(contract, in.value)) return RollupError::escrow_overflow;
  // Verify: the index was assigned by L1 (or is account 0) [OR-BRIDGE-2]
  if (in.to >= contract.next_account_index) return RollupError::deposit_unknown_account;
  return record_deposit(contract, in.to, std::nullopt, in.value, env);
}

// ---------------------------------------------------------------------------------------------
// Batch submission. spec: optimistic_rollup.md#apply_submit_batch

template <SignatureCheck Check = Bip340Check>
constexpr Transition apply_submit_batch(const OptimisticRollup& contract, const Batch& batch, const Env& env,
                                        const Check& signature_check = {}) {
  const BatchHeader& header = batch.header;
  // Verify: the operator is staked at least minimum_stake [OR-BATCH-1]
  if (!contract.staked || contract.stake < contract.config.stake.minimum_stake)
    return RollupError::operator_understaked;
  // Verify: the header names this chain and rollup [OR-BATCH-2]
  if (header.chain_id != contract.chain_id || header.rollup_id != contract.rollup_id)
    return RollupError::batch_wrong_rollup;
  // Verify: batch_number == len(batches) [OR-BATCH-3]
  if (header.batch_number != contract.batches.size()) return RollupError::batch_out_of_order;
  // Verify: prev_state_root == last_state_root [OR-BATCH-4]
  if (header.prev_state_root != contract.last_state_root) return RollupError::batch_prev_root_mismatch;
  // Verify: at least one transaction [OR-BATCH-5]
  if (batch.transactions.empty()) return RollupError::batch_empty;
  // Verify: at most max_batch_size transactions [OR-BATCH-6]
  if (batch.transactions.size() > contract.config.max_batch_size) return RollupError::batch_too_large;
  // Verify: transaction_count == len(transactions) [OR-BATCH-7]
  if (header.transaction_count != batch.transactions.size()) return RollupError::batch_count_mismatch;
  // Verify: transactions_root is the RFC 6962 root of the posted transactions [OR-BATCH-8]
  if (header.transactions_root != transactions_root(batch.transactions)) return RollupError::batch_tx_root_mismatch;
  // Verify: len(state_roots) == transaction_count + 1 [OR-BATCH-9]
  if (batch.state_roots.size() != batch.transactions.size() + 1) return RollupError::batch_state_root_count;
  // Verify: state_roots[0] == prev_state_root and state_roots[n] == post_state_root [OR-BATCH-10]
  if (batch.state_roots.front() != header.prev_state_root || batch.state_roots.back() != header.post_state_root)
    return RollupError::batch_state_root_endpoints;
  // Verify: state_roots_root is the RFC 6962 root of the posted state roots [OR-BATCH-11]
  if (header.state_roots_root != state_roots_root(batch.state_roots)) return RollupError::batch_state_roots_mismatch;
  const Hash32 id = batch_id(header);
  // Verify: the signature is the operator's BIP-340 signature of batch_id [OR-BATCH-12]
  if (!signature_check(contract.operator_key, id, batch.signature)) return RollupError::bad_operator_signature;

  OptimisticRollup c = contract;
  c.batches.push_back(BatchRecord{header, id, env.height,
                                  saturating_add(env.height, c.config.challenge_period_blocks), c.deposits.size(),
                                  false, 0});
  c.last_state_root = header.post_state_root;
  return effects_of(std::move(c));
}

// ---------------------------------------------------------------------------------------------
// Challenges. spec: optimistic_rollup.md#apply_open_challenge

constexpr Transition apply_open_challenge(const OptimisticRollup& contract, const OpenChallengeInput& in,
                                          const Env& env) {
  const auto batch = find_pending_batch(contract, in.batch_id);
  // Verify: a pending batch has this batch_id [OR-CHAL-1]
  if (!batch) return RollupError::challenge_unknown_batch;
  // Verify: height < challenge_deadline [OR-CHAL-2]
  if (env.height >= contract.batches[*batch].challenge_deadline) return RollupError::challenge_too_late;
  // Verify: bond >= min_challenge_bond [OR-CHAL-3]
  if (in.value < contract.config.min_challenge_bond) return RollupError::challenge_bond_too_small;
  // Verify: the type applies to this rollup: not data_withholding [OR-CHAL-4]
  if (in.proof_type == FraudProofType::data_withholding) return RollupError::challenge_type_not_applicable;
  const Hash32 id = challenge_id(env.caller, in.evidence);
  // Verify: no open challenge has challenge_id = H(caller, evidence) [OR-CHAL-5]
  if (find_challenge(contract, id)) return RollupError::challenge_duplicate;
  // Verify: holdings + bond <= UINT64_MAX [OR-CHAL-6]
  if (!holdings_can_take(contract, in.value)) return RollupError::challenge_bond_overflow;

  OptimisticRollup c = contract;
  c.challenges.push_back(Challenge{id, in.batch_id, env.caller, in.proof_type, in.evidence, env.height,
                                   saturating_add(env.height, c.config.resolution_period_blocks), in.value});
  c.batches[*batch].open_challenges += 1;
  return effects_of(std::move(c));
}

// ---------------------------------------------------------------------------------------------
// The fraud-proof verifier. spec: optimistic_rollup.md#verify_fraud_proof

// Re-executes the one transaction the proof names. RollupError::none: the fraud is confirmed.
template <SignatureCheck Check = Bip340Check>
constexpr RollupError verify_transaction_fault(const OptimisticRollup& c, const BatchRecord& record,
                                               FraudProofType proof_type, const TransactionFault& fault,
                                               const Check& signature_check) {
  const BatchHeader& header = record.header;
  const u64 i = fault.transaction_index;
  const u64 n = header.transaction_count;
  // Verify: the transaction is at index i of transactions_root [OR-FP-3]
  if (rfc6962::verify_inclusion(i, n, transaction_leaf_hash(fault.transaction), fault.transaction_proof,
                                header.transactions_root) != PrimitiveError::none)
    return RollupError::fraud_tx_not_included;
  // i < n, and n + 1 cannot overflow: n counts a posted list.
  // Verify: the pre-root is state_roots[i] [OR-FP-4]
  if (rfc6962::verify_inclusion(i, n + 1, rfc6962::leaf_hash(fault.pre_state_root), fault.pre_state_root_proof,
                                header.state_roots_root) != PrimitiveError::none)
    return RollupError::fraud_pre_root_not_included;
  // Verify: the post-root is state_roots[i + 1] [OR-FP-5]
  if (rfc6962::verify_inclusion(i + 1, n + 1, rfc6962::leaf_hash(fault.post_state_root), fault.post_state_root_proof,
                                header.state_roots_root) != PrimitiveError::none)
    return RollupError::fraud_post_root_not_included;

  const std::vector<Hash32> deposit_ids = deposit_ids_at(c, record);
  const auto result = apply_encoded_tx(params_of(c), L1View{deposit_ids}, fault.pre_state_root, fault.witness,
                                       fault.transaction, signature_check);
  // Verify: the re-execution did not stop on a witness rule [OR-FP-6]
  if (!result && is_witness_error(result.error())) return RollupError::fraud_bad_witness;
  // Verify: a valid transaction's true post-root differs from the claimed one [OR-FP-7]
  if (result && result.value() == fault.post_state_root) return RollupError::fraud_no_fault;
  const FraudProofType found = result ? FraudProofType::invalid_transition : fault_type(result.error());
  // Verify: the fault found is of the proof's type [OR-FP-8]
  if (found != proof_type) return RollupError::fraud_type_mismatch;
  return RollupError::none;
}

constexpr RollupError verify_timeout_fault(const OptimisticRollup& c, const BatchRecord& record,
                                           const TimeoutFault& fault) {
  // Verify: the state header opens the batch's post_state_root [OR-FP-9]
  if (state_root(fault.post_state) != record.header.post_state_root) return RollupError::fraud_bad_state_opening;
  // Verify: the deposit was recorded before the batch and overdue at submission [OR-FP-10]
  if (fault.deposit_index >= record.deposits_recorded || fault.deposit_index >= c.deposits.size())
    return RollupError::fraud_deposit_not_overdue;
  const Checked due = checked_add(c.deposits[fault.deposit_index].recorded_at, c.config.deposit_inclusion_blocks);
  if (due.overflow || due.value > record.submitted_at) return RollupError::fraud_deposit_not_overdue;
  // Verify: the post-state has not credited it [OR-FP-11]
  if (fault.post_state.deposits_credited > fault.deposit_index) return RollupError::fraud_deposit_credited;
  return RollupError::none;
}

// The proof against the challenge's batch `record`. RollupError::none: FraudConfirmed; otherwise the
// first failing rule, and the challenge is rejected.
template <SignatureCheck Check = Bip340Check>
constexpr RollupError verify_fraud_proof(const OptimisticRollup& c, const BatchRecord& record,
                                         const Challenge& challenge, const FraudProof& proof,
                                         const Check& signature_check = {}) {
  // Verify: the proof names the challenge's batch and type [OR-FP-1]
  if (proof.batch_id != challenge.challenged_object || proof.proof_type != challenge.proof_type)
    return RollupError::fraud_batch_mismatch;
  const bool is_timeout = proof.proof_type == FraudProofType::timeout_violation;
  // Verify: exactly the evidence the type needs is present [OR-FP-2]
  if (is_timeout != proof.timeout_fault.has_value() || is_timeout == proof.transaction_fault.has_value())
    return RollupError::fraud_evidence_shape;
  if (is_timeout) return verify_timeout_fault(c, record, *proof.timeout_fault);
  return verify_transaction_fault(c, record, proof.proof_type, *proof.transaction_fault, signature_check);
}

// ---------------------------------------------------------------------------------------------
// Resolution. spec: optimistic_rollup.md#apply_resolve_challenge

// FraudConfirmed: slash, pay the challenger, remove batch k and every later one, refund the other
// challenges on removed batches.
constexpr Effects confirm_fraud(const OptimisticRollup& contract, std::size_t challenge_index,
                                std::size_t batch_index) {
  Effects effects = effects_of(contract);
  OptimisticRollup& c = effects.contract;
  const Challenge challenge = c.challenges[challenge_index];
  c.challenges.erase(c.challenges.begin() + static_cast<std::ptrdiff_t>(challenge_index));

  // penalty_percentage <= 100 (OR-DEPLOY-1), so the quotient fits.
  const u64 slashed = checked_mul_div(c.stake, c.config.stake.penalty_percentage, 100).value;
  const u64 reward = slashed / 2;
  c.stake -= slashed;
  c.treasury += slashed - reward;
  pay(effects, challenge.challenger, challenge.bond_amount);
  pay(effects, challenge.challenger, reward);
  effects.resolutions.push_back(ChallengeResolution{challenge.challenge_id, ResolutionKind::fraud_confirmed, slashed,
                                                    challenge.bond_amount + reward, 0, RollupError::none});

  // The revert cascade: the batch and every later one go; the chain resumes from its prev root.
  c.last_state_root = c.batches[batch_index].header.prev_state_root;
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
    effects.resolutions.push_back(ChallengeResolution{refunded.challenge_id, ResolutionKind::challenge_withdrawn, 0,
                                                      refunded.bond_amount, 0, RollupError::none});
  }
  return effects;
}

// ChallengeRejected: the bond goes to the operator's rewards.
constexpr Effects reject_challenge(const OptimisticRollup& contract, std::size_t challenge_index, RollupError reason) {
  Effects effects = effects_of(contract);
  const Challenge challenge = close_challenge(effects.contract, challenge_index);
  effects.contract.rewards.challenge_bonds += challenge.bond_amount;
  effects.resolutions.push_back(ChallengeResolution{challenge.challenge_id, ResolutionKind::challenge_rejected, 0, 0,
                                                    challenge.bond_amount, reason});
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
  if (!index || !batch) return RollupError::unknown_challenge;
  const Challenge& challenge = contract.challenges[*index];
  // Verify: height < the challenge's deadline [OR-RES-2]
  if (env.height >= challenge.deadline) return RollupError::challenge_expired;
  // Verify: height > opened_at: the reveal is in a later block than the commitment [OR-RES-3]
  if (env.height <= challenge.opened_at) return RollupError::reveal_too_early;
  // Verify: the proof is the one committed, by this challenger [OR-RES-4]
  if (evidence_commitment(challenge.challenger, in.proof) != challenge.evidence) return RollupError::evidence_mismatch;

  const RollupError verdict = verify_fraud_proof(contract, contract.batches[*batch], challenge, in.proof,
                                                 signature_check);
  if (verdict == RollupError::none) return confirm_fraud(contract, *index, *batch);
  return reject_challenge(contract, *index, verdict);
}

// spec: optimistic_rollup.md#apply_expire_challenge-and-apply_withdraw_challenge
constexpr Transition apply_expire_challenge(const OptimisticRollup& contract, const ChallengeRef& in, const Env& env) {
  const auto index = find_challenge(contract, in.challenge_id);
  // Verify: an open challenge has this challenge_id [OR-RES-1]
  if (!index) return RollupError::unknown_challenge;
  // Verify: height >= the challenge's deadline [OR-EXP-1]
  if (env.height < contract.challenges[*index].deadline) return RollupError::challenge_not_expired;
  return reject_challenge(contract, *index, RollupError::challenge_expired);
}

constexpr Transition apply_withdraw_challenge(const OptimisticRollup& contract, const ChallengeRef& in,
                                              const Env& env) {
  const auto index = find_challenge(contract, in.challenge_id);
  // Verify: an open challenge has this challenge_id [OR-RES-1]
  if (!index) return RollupError::unknown_challenge;
  // Verify: the caller is the challenger [OR-WDC-1]
  if (env.caller != contract.challenges[*index].challenger) return RollupError::not_challenger;
  // Verify: height < the challenge's deadline [OR-RES-2]
  if (env.height >= contract.challenges[*index].deadline) return RollupError::challenge_expired;

  Effects effects = effects_of(contract);
  const Challenge challenge = close_challenge(effects.contract, *index);
  pay(effects, challenge.challenger, challenge.bond_amount);
  effects.resolutions.push_back(ChallengeResolution{challenge.challenge_id, ResolutionKind::challenge_withdrawn, 0,
                                                    challenge.bond_amount, 0, RollupError::none});
  return effects;
}

// ---------------------------------------------------------------------------------------------
// Finality and payout. spec: optimistic_rollup.md#apply_finalize

constexpr Transition apply_finalize(const OptimisticRollup& contract, const Env& env) {
  const auto oldest = oldest_pending(contract);
  // Verify: some batch is pending [OR-FIN-1]
  if (!oldest) return RollupError::nothing_to_finalize;
  const BatchRecord& record = contract.batches[*oldest];
  // Verify: height >= its challenge_deadline [OR-FIN-2]
  if (env.height < record.challenge_deadline) return RollupError::challenge_period_open;
  // Verify: it has no open challenge [OR-FIN-3]
  if (record.open_challenges != 0) return RollupError::challenges_open;

  OptimisticRollup c = contract;
  c.batches[*oldest].final = true;
  return effects_of(std::move(c));
}

// spec: optimistic_rollup.md#apply_pay_withdrawal
constexpr Transition apply_pay_withdrawal(const OptimisticRollup& contract, const PayWithdrawalInput& in,
                                          const Env& /*env*/) {
  // Verify: the batch is recorded and final [OR-PAY-1]
  if (in.batch_number >= contract.batches.size() || !contract.batches[in.batch_number].final)
    return RollupError::pay_batch_not_final;
  const BatchHeader& header = contract.batches[in.batch_number].header;
  // Verify: the transaction is at transaction_index of the batch's transactions_root [OR-PAY-2]
  if (rfc6962::verify_inclusion(in.transaction_index, header.transaction_count, transaction_leaf_hash(in.transaction),
                                in.proof, header.transactions_root) != PrimitiveError::none)
    return RollupError::pay_tx_not_included;
  const auto decoded = reflect::decode<Transaction>(in.transaction);
  // Verify: it decodes to a well-formed withdrawal [OR-PAY-3]
  if (!decoded || check_shape(decoded.value()) != RollupError::none || decoded.value().kind != TxKind::withdrawal)
    return RollupError::pay_not_withdrawal;
  const PaidWithdrawal key{in.batch_number, in.transaction_index};
  // Verify: it was not paid before [OR-PAY-4]
  if (std::any_of(contract.paid.begin(), contract.paid.end(), [&](const PaidWithdrawal& p) {
        return p.batch_number == key.batch_number && p.transaction_index == key.transaction_index;
      }))
    return RollupError::pay_already_paid;
  const Withdrawal& w = *decoded.value().withdrawal;
  // Verify: escrow >= amount [OR-PAY-5]
  if (contract.escrow < w.amount) return RollupError::pay_escrow_insufficient;

  Effects effects = effects_of(contract);
  effects.contract.escrow -= w.amount;
  effects.contract.paid.push_back(key);
  pay(effects, w.l1_recipient, w.amount);
  return effects;
}

// ---------------------------------------------------------------------------------------------
// The operator's and the challenger's sides. spec: optimistic_rollup.md#building-batches-and-proofs

// The header of a batch over `transactions` with intermediate roots `state_roots` (n + 1 of them),
// numbered to follow the contract's last batch.
constexpr BatchHeader batch_header_for(const OptimisticRollup& c, std::span<const Transaction> transactions,
                                       std::span<const Hash32> state_roots) {
  return BatchHeader{c.chain_id,          c.rollup_id,       c.batches.size(),
                     state_roots.front(), state_roots.back(), transactions_root(transactions),
                     transactions.size(), state_roots_root(state_roots)};
}

// The posted batch, signed with the operator's secret key (aux_rand: the BIP-340 auxiliary
// randomness). Contract: state_roots.size() == transactions.size() + 1.
constexpr Batch make_batch(const OptimisticRollup& c, std::vector<Transaction> transactions,
                           std::vector<Hash32> state_roots, const Hash32& operator_secret, const Hash32& aux_rand) {
  Batch batch{batch_header_for(c, transactions, state_roots), {}, std::move(transactions), std::move(state_roots)};
  const Hash32 id = batch_id(batch.header);
  batch.signature = bip340::sign(operator_secret, id, aux_rand).value();
  return batch;
}

// The transaction fault at index i of `batch`, whose true pre-state `state` has root state_roots[i].
template <SignatureCheck Check = Bip340Check>
constexpr TransactionFault transaction_fault_at(const OptimisticRollup& c, const BatchRecord& record,
                                                const Batch& batch, u64 i, const State& state,
                                                const Check& signature_check = {}) {
  const std::vector<Hash32> deposit_ids = deposit_ids_at(c, record);
  const std::vector<Hash32> tx_leaves = transaction_leaf_hashes(batch.transactions);
  const std::vector<Hash32> root_leaves = state_root_leaf_hashes(batch.state_roots);
  return TransactionFault{i,
                          reflect::encode(batch.transactions[i]),
                          rfc6962::inclusion_proof(tx_leaves, i),
                          batch.state_roots[i],
                          rfc6962::inclusion_proof(root_leaves, i),
                          batch.state_roots[i + 1],
                          rfc6962::inclusion_proof(root_leaves, i + 1),
                          witness_for(params_of(c), L1View{deposit_ids}, state, batch.transactions[i], signature_check)};
}

// The honest challenger's search: replays `batch` (recorded as `record`) from `pre_state`, the true
// state at its prev_state_root, and returns a proof of its first fault, or nullopt if the batch is
// valid. Also nullopt when pre_state is not at prev_state_root: then an earlier batch is the
// fraudulent one, and its proof removes this batch too. spec: optimistic_rollup.md#verify_fraud_proof
template <SignatureCheck Check = Bip340Check>
constexpr std::optional<FraudProof> find_fraud(const OptimisticRollup& c, const BatchRecord& record, const Batch& batch,
                                               const State& pre_state, const Check& signature_check = {}) {
  if (batch.state_roots.empty() || pre_state.root() != batch.state_roots.front()) return std::nullopt;
  const std::vector<Hash32> deposit_ids = deposit_ids_at(c, record);
  const L1View l1{deposit_ids};
  State state = pre_state;
  for (u64 i = 0; i < batch.transactions.size(); ++i) {
    auto next = apply_tx(params_of(c), l1, state, batch.transactions[i], signature_check);
    if (!next || next.value().root() != batch.state_roots[i + 1]) {
      const FraudProofType type = next ? FraudProofType::invalid_transition : fault_type(next.error());
      return FraudProof{record.batch_id, type, transaction_fault_at(c, record, batch, i, state, signature_check),
                        std::nullopt};
    }
    state = std::move(next).value();
  }
  // Every step is right; what is left is a deposit the operator should have credited.
  for (u64 k = state.deposits_credited(); k < record.deposits_recorded; ++k) {
    const Checked due = checked_add(c.deposits[k].recorded_at, c.config.deposit_inclusion_blocks);
    if (!due.overflow && due.value <= record.submitted_at) {
      return FraudProof{record.batch_id, FraudProofType::timeout_violation, std::nullopt,
                        TimeoutFault{k, state.header()}};
    }
  }
  return std::nullopt;
}

}  // namespace l2::ref::optimistic_rollup
