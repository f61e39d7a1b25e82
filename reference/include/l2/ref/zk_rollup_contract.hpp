// ZK rollup: the L1 contract. It takes deposits into escrow and deposits and forced withdrawals
// into one priority queue, each with an expiry height; takes the operator's batches (commit),
// checking the posted data against the header and recording each batch's public input; counts a
// batch verified once the proof system accepts a proof of it (prove, by anyone); and executes
// verified batches in order (execute, by anyone), which serves their priority operations and makes
// their withdrawals payable. executed <= verified <= committed always; an executed batch is final,
// and the operator may revert only unverified batches. Once a priority operation is still unserved
// at its expiry height, no batch operation proceeds, anyone activates exodus, every account exits
// once against the last executed root, and every deposit no executed batch consumed is refunded.
//
// Every entry point is a pure function (contract, input, env) -> ZkEffects | ZkRollupError: the new
// contract and the value leaving it in this call. The proof system is reached only through
// zk_rollup.hpp's verify(vk, proof_input, proof), so a new backend changes nothing here.
// spec: zk_rollup.md#the-l1-contract
#pragma once

#include <algorithm>
#include <array>
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
#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sparse_merkle.hpp"
#include "l2/ref/verify_check.hpp"
#include "l2/ref/zk_rollup.hpp"

namespace l2::ref::zk_rollup {

inline constexpr std::string_view contract_tag = "L2/zk_rollup/contract";
// The data-availability digest is validium's (validium.md#da_digest); the committee mode of this
// contract's commit_batch reads it (ZK-COMMIT-12).
inline constexpr std::string_view da_tag = "L2/validium/da";

// The contract's input shapes and payouts, reused from the optimistic rollup's contract.
using optimistic_rollup::CallerInput;
using optimistic_rollup::DepositNewAccountInput;
using optimistic_rollup::DepositTopUpInput;
using optimistic_rollup::ExitInput;
using optimistic_rollup::Payout;
using optimistic_rollup::RequestForcedExitInput;

// ---------------------------------------------------------------------------------------------
// Contract state. spec: zk_rollup.md#zkrollup-contract-state

// calldata: the transactions are posted with the batch (this mechanism); committee: they stay off
// chain and a committee attests them (set only by validium.md's deployment).
enum class DataMode : u8 { calldata, committee };
L2_REFLECT_ENUM(DataMode, calldata, committee)

enum class PriorityKind : u8 { deposit, forced_withdrawal };
L2_REFLECT_ENUM(PriorityKind, deposit, forced_withdrawal)

// One L1 request in the priority queue. `op_id` is the optimistic rollup's deposit_id or
// forced_exit_id; `requester` the L1 caller (a deposit is refunded to it); `amount` the deposit's
// value, 0 for a forced withdrawal.
struct PriorityOp {
  BOOST_HANA_DEFINE_STRUCT(PriorityOp, (PriorityKind, kind), (Hash32, op_id), (u64, recorded_at), (u64, expiry_height),
                           (Hash32, requester), (u64, amount));
};

// What the operator posts about a batch.
struct BatchHeader {
  BOOST_HANA_DEFINE_STRUCT(BatchHeader, (u64, chain_id), (Hash32, rollup_id), (u64, batch_number),
                           (Hash32, prev_state_root), (Hash32, post_state_root), (Hash32, transactions_root),
                           (u64, transaction_count), (Hash32, withdrawals_root), (u64, withdrawal_count),
                           (u64, priority_count));
};

// priority_first: priority_committed when the batch was committed.
struct BatchRecord {
  BOOST_HANA_DEFINE_STRUCT(BatchRecord, (BatchHeader, header), (Hash32, public_input), (u64, committed_at),
                           (u64, priority_first));
};

struct PaidWithdrawal {
  BOOST_HANA_DEFINE_STRUCT(PaidWithdrawal, (u64, batch_number), (u64, withdrawal_index));
};

struct ZkRollup {
  BOOST_HANA_DEFINE_STRUCT(ZkRollup, (u64, chain_id), (Hash32, contract), (Hash32, rollup_id), (Hash32, operator_key),
                           (ZkConfig, config), (VerifyingKey, verifying_key), (Hash32, vk_hash), (DataMode, data_mode),
                           (Hash32, genesis_root), (u64, escrow), (u64, next_account_index), (u64, deposit_count),
                           (u64, forced_withdrawal_count), (std::vector<PriorityOp>, priority_ops),
                           (u64, priority_committed), (u64, priority_executed), (u64, committed), (u64, verified),
                           (u64, executed), (std::vector<BatchRecord>, batches), (std::vector<Hash32>, data_attestations),
                           (bool, exodus), (std::vector<AccountIndex>, exited), (std::vector<u64>, refunded),
                           (std::vector<PaidWithdrawal>, paid));
};

// The L1 block a call is included in. spec: zk_rollup.md#env-inputs-and-effects
struct Env {
  BOOST_HANA_DEFINE_STRUCT(Env, (u64, height));
};

// ---------------------------------------------------------------------------------------------
// Inputs: the L1 caller first, and the value attached for the payable ones.
// spec: zk_rollup.md#env-inputs-and-effects

struct ZkDeployInput {
  BOOST_HANA_DEFINE_STRUCT(ZkDeployInput, (u64, chain_id), (Hash32, contract), (Hash32, operator_key),
                           (u64, deployment_nonce), (ZkConfig, config), (VerifyingKey, verifying_key));
};

// `transactions` is the batch's call data: empty in the committee mode.
struct CommitBatchInput {
  BOOST_HANA_DEFINE_STRUCT(CommitBatchInput, (Hash32, caller), (BatchHeader, header),
                           (std::vector<WithdrawalRecord>, withdrawals), (std::vector<Transaction>, transactions));
};

struct ProveBatchesInput {
  BOOST_HANA_DEFINE_STRUCT(ProveBatchesInput, (Hash32, caller), (u64, count), (Bytes, proof));
};

struct RevertBatchesInput {
  BOOST_HANA_DEFINE_STRUCT(RevertBatchesInput, (Hash32, caller), (u64, new_committed));
};

struct ExodusClaim {
  BOOST_HANA_DEFINE_STRUCT(ExodusClaim, (AccountIndex, account_index), (Account, account),
                           (std::array<Hash32, smt::depth>, siblings));
};

struct ExodusWithdrawManyInput {
  BOOST_HANA_DEFINE_STRUCT(ExodusWithdrawManyInput, (Hash32, caller), (StateHeader, post_state),
                           (std::vector<ExodusClaim>, claims));
};

struct RefundDepositInput {
  BOOST_HANA_DEFINE_STRUCT(RefundDepositInput, (Hash32, caller), (u64, queue_index));
};

struct PayZkWithdrawalInput {
  BOOST_HANA_DEFINE_STRUCT(PayZkWithdrawalInput, (Hash32, caller), (u64, batch_number), (u64, withdrawal_index),
                           (WithdrawalRecord, withdrawal), (std::vector<Hash32>, proof));
};

// The stateless vector op verify_proof. spec: zk_rollup.md#vector-operations-mechanism-zk_rollup
struct VerifyProofInput {
  BOOST_HANA_DEFINE_STRUCT(VerifyProofInput, (VerifyingKey, verifying_key), (Hash32, proof_input), (Bytes, proof));
};

struct VerifyProofResult {
  BOOST_HANA_DEFINE_STRUCT(VerifyProofResult, (bool, accepted));
};

// ---------------------------------------------------------------------------------------------
// Effects. spec: zk_rollup.md#env-inputs-and-effects

// The contract after the call and the value leaving it in the call, in order, nonzero amounts only.
struct ZkEffects {
  BOOST_HANA_DEFINE_STRUCT(ZkEffects, (ZkRollup, contract), (std::vector<Payout>, payouts));
};

using Transition = Result<ZkEffects, ZkRollupError>;

// ---------------------------------------------------------------------------------------------
// Views and helpers.

// spec: zk_rollup.md#contract_root
constexpr Hash32 contract_root(const ZkRollup& c) { return tagged_hash(contract_tag, reflect::encode(c)); }

constexpr L2Params params_of(const ZkRollup& c) { return L2Params{c.chain_id, c.rollup_id}; }

// What a committee member signs and the contract records. spec: validium.md#da_digest
struct DaDigestPreimage {
  BOOST_HANA_DEFINE_STRUCT(DaDigestPreimage, (u64, chain_id), (Hash32, validium_id), (u64, batch_number),
                           (Hash32, data_root));
};

constexpr Hash32 da_digest(u64 chain_id, const Hash32& validium_id, u64 batch_number, const Hash32& data_root) {
  return tagged_hash(da_tag, reflect::encode(DaDigestPreimage{chain_id, validium_id, batch_number, data_root}));
}

// Whether the committee attested the batch's data root (its transactions_root). spec: validium.md#da_digest
constexpr bool data_attested(const ZkRollup& c, const BatchHeader& header) {
  const Hash32 digest = da_digest(c.chain_id, c.rollup_id, header.batch_number, header.transactions_root);
  return std::find(c.data_attestations.begin(), c.data_attestations.end(), digest) != c.data_attestations.end();
}

// The post-state root of the last of the first `count` batches, or genesis. Contract: count <= len(batches).
constexpr Hash32 root_after(const ZkRollup& c, u64 count) {
  L2_VERIFY_CHECK(count <= c.batches.size());
  return count == 0 ? c.genesis_root : c.batches[count - 1].header.post_state_root;
}
constexpr Hash32 committed_root(const ZkRollup& c) { return root_after(c, c.committed); }
constexpr Hash32 executed_root(const ZkRollup& c) { return root_after(c, c.executed); }

// Whether the queue's oldest unserved operation has reached its expiry height. Expiry heights never
// decrease along the queue, so it is the first to expire. spec: zk_rollup.md#the-live-rules
constexpr bool unserved_request_expired(const ZkRollup& c, u64 height) {
  return c.priority_executed < c.priority_ops.size() && c.priority_ops[c.priority_executed].expiry_height <= height;
}

constexpr u64 expiry_height_for(const ZkRollup& c, u64 height) {
  return saturating_add(height, c.config.priority_expiry_blocks);
}

constexpr Hash32 data_commitment(const BatchHeader& header) {
  return data_commitment(DataCommitmentPreimage{header.transactions_root, header.transaction_count,
                                                header.withdrawals_root, header.withdrawal_count});
}

constexpr ZkEffects effects_of(ZkRollup contract) { return ZkEffects{std::move(contract), {}}; }

// Records value leaving the contract; a zero amount moves nothing and is not a payout.
constexpr void pay(ZkEffects& effects, const Hash32& to, u64 amount) {
  if (amount != 0) effects.payouts.push_back(Payout{to, amount});
}

// ---------------------------------------------------------------------------------------------
// Deployment. spec: zk_rollup.md#deployment

constexpr ZkRollupError check_deployment(const ZkConfig& config, const VerifyingKey& verifying_key) {
  // Verify: censorship_bound_blocks >= 1 [ZK-DEPLOY-1]
  if (config.censorship_bound_blocks == 0) return ZkRollupError::config_censorship_bound;
  // Verify: max_batch_size >= 1 [ZK-DEPLOY-2]
  if (config.max_batch_size == 0) return ZkRollupError::config_batch_size;
  // A request recorded at t is executed by t + 3B + P at the latest, which must come before t + E.
  const Checked three_bounds = checked_mul(3, config.censorship_bound_blocks);
  const Checked honest_latest =
      three_bounds.overflow ? three_bounds : checked_add(three_bounds.value, config.proving_time_blocks);
  // Verify: priority_expiry_blocks > 3 * censorship_bound_blocks + proving_time_blocks, an overflowing sum failing [ZK-DEPLOY-3]
  if (honest_latest.overflow || config.priority_expiry_blocks <= honest_latest.value)
    return ZkRollupError::config_priority_expiry;
  // Verify: min_deposit >= 1 [ZK-DEPLOY-4]
  if (config.min_deposit == 0) return ZkRollupError::config_min_deposit;
  // Verify: forced_withdrawal_fee >= 1 [ZK-DEPLOY-5]
  if (config.forced_withdrawal_fee == 0) return ZkRollupError::config_forced_withdrawal_fee;
  // Verify: the backend accepts the key for this configuration [ZK-DEPLOY-6]
  if (!check_key(verifying_key, config)) return ZkRollupError::config_verifying_key;
  return ZkRollupError::none;
}

constexpr Result<ZkRollup, ZkRollupError> deploy(const ZkDeployInput& in) {
  if (const ZkRollupError e = check_deployment(in.config, in.verifying_key); e != ZkRollupError::none) return e;
  ZkRollup c{};
  c.chain_id = in.chain_id;
  c.contract = in.contract;
  c.rollup_id = rollup_id(in.chain_id, in.contract, in.operator_key, in.deployment_nonce);
  c.operator_key = in.operator_key;
  c.config = in.config;
  c.verifying_key = in.verifying_key;
  c.vk_hash = vk_hash(in.verifying_key);
  c.data_mode = DataMode::calldata;
  c.genesis_root = optimistic_rollup::genesis_root(in.operator_key);
  c.next_account_index = 1;  // account 0 is the fee account, created at genesis
  return c;
}

// ---------------------------------------------------------------------------------------------
// The live rules. spec: zk_rollup.md#the-live-rules

// Checked first by every batch operation and request.
constexpr ZkRollupError check_live(const ZkRollup& c, const Env& env) {
  // Verify: exodus is false [ZK-LIVE-1]
  if (c.exodus) return ZkRollupError::exodus_active;
  // Verify: no unserved priority operation has expiry_height <= height [ZK-LIVE-2]
  if (unserved_request_expired(c, env.height)) return ZkRollupError::priority_expired;
  return ZkRollupError::none;
}

// ---------------------------------------------------------------------------------------------
// Deposits and forced withdrawals. spec: zk_rollup.md#apply_deposit_l1

constexpr ZkEffects record_deposit(const ZkRollup& contract, const Hash32& depositor, AccountIndex to,
                                   const std::optional<Hash32>& new_owner, u64 amount, const Env& env) {
  ZkRollup c = contract;
  const Deposit deposit{c.deposit_count, to, new_owner, amount};
  c.priority_ops.push_back(PriorityOp{PriorityKind::deposit, deposit_id(params_of(c), deposit), env.height,
                                      expiry_height_for(c, env.height), depositor, amount});
  c.deposit_count += 1;
  c.escrow += amount;
  return effects_of(std::move(c));
}

// ZK-LIVE-1/2, ZK-BRIDGE-1/2: shared by both deposits.
constexpr ZkRollupError check_deposit(const ZkRollup& c, u64 value, const Env& env) {
  if (const ZkRollupError e = check_live(c, env); e != ZkRollupError::none) return e;
  // Verify: value >= min_deposit [ZK-BRIDGE-1]
  if (value < c.config.min_deposit) return ZkRollupError::deposit_below_minimum;
  // Verify: escrow + value <= UINT64_MAX [ZK-BRIDGE-2]
  if (checked_add(c.escrow, value).overflow) return ZkRollupError::escrow_overflow;
  return ZkRollupError::none;
}

constexpr Transition apply_deposit_new_account(const ZkRollup& contract, const DepositNewAccountInput& in, const Env& env) {
  if (const ZkRollupError e = check_deposit(contract, in.value, env); e != ZkRollupError::none) return e;
  // Verify: next_account_index <= UINT32_MAX [ZK-BRIDGE-4]
  if (contract.next_account_index > std::numeric_limits<AccountIndex>::max()) return ZkRollupError::accounts_exhausted;
  // Verify: lift_x(owner) succeeds [ZK-BRIDGE-5]
  if (!bip340::pubkey_on_curve(in.owner)) return ZkRollupError::deposit_owner_invalid;

  const auto to = static_cast<AccountIndex>(contract.next_account_index);
  ZkEffects effects = record_deposit(contract, in.caller, to, in.owner, in.value, env);
  effects.contract.next_account_index += 1;
  return effects;
}

constexpr Transition apply_deposit_top_up(const ZkRollup& contract, const DepositTopUpInput& in, const Env& env) {
  if (const ZkRollupError e = check_deposit(contract, in.value, env); e != ZkRollupError::none) return e;
  // Verify: to < next_account_index [ZK-BRIDGE-3]
  if (in.to >= contract.next_account_index) return ZkRollupError::deposit_unknown_account;
  return record_deposit(contract, in.caller, in.to, std::nullopt, in.value, env);
}

// spec: zk_rollup.md#apply_request_forced_withdrawal
constexpr Transition apply_request_forced_withdrawal(const ZkRollup& contract, const RequestForcedExitInput& in,
                                                     const Env& env) {
  if (const ZkRollupError e = check_live(contract, env); e != ZkRollupError::none) return e;
  // Verify: value == forced_withdrawal_fee [ZK-FWQ-1]
  if (in.value != contract.config.forced_withdrawal_fee) return ZkRollupError::forced_withdrawal_fee;
  // Verify: from < next_account_index [ZK-FWQ-2]
  if (in.from >= contract.next_account_index) return ZkRollupError::forced_withdrawal_unknown_account;

  ZkEffects effects = effects_of(contract);
  ZkRollup& c = effects.contract;
  const ForcedExit request{c.forced_withdrawal_count, in.from, in.caller, in.l1_recipient, 0};
  c.priority_ops.push_back(PriorityOp{PriorityKind::forced_withdrawal, forced_exit_id(params_of(c), request), env.height,
                                      expiry_height_for(c, env.height), in.caller, 0});
  c.forced_withdrawal_count += 1;
  // The fee pays the operator for the transaction it must now include; the escrow is unchanged.
  pay(effects, c.operator_key, in.value);
  return effects;
}

// ---------------------------------------------------------------------------------------------
// Commit. spec: zk_rollup.md#apply_commit_batch

// How commit_batch computes the roots of the posted data: the reference's own functions. An engine
// may pass kernel-backed ones of the same values; the rules and their order stay this function's.
struct ZkBatchCommitments {
  constexpr Hash32 transactions_root(std::span<const Transaction> transactions) const {
    return zk_rollup::transactions_root(transactions);
  }
  constexpr Hash32 withdrawals_root(std::span<const WithdrawalRecord> withdrawals) const {
    return zk_rollup::withdrawals_root(withdrawals);
  }
};

template <class Commitments = ZkBatchCommitments>
constexpr Transition apply_commit_batch(const ZkRollup& contract, const CommitBatchInput& in, const Env& env,
                                        const Commitments& commitments = {}) {
  const BatchHeader& header = in.header;
  if (const ZkRollupError e = check_live(contract, env); e != ZkRollupError::none) return e;
  // Verify: caller == operator_key [ZK-COMMIT-1]
  if (in.caller != contract.operator_key) return ZkRollupError::not_operator;
  // Verify: the header names this chain and rollup [ZK-COMMIT-2]
  if (header.chain_id != contract.chain_id || header.rollup_id != contract.rollup_id)
    return ZkRollupError::commit_wrong_rollup;
  // Verify: batch_number == committed [ZK-COMMIT-3]
  if (header.batch_number != contract.committed) return ZkRollupError::commit_out_of_order;
  // Verify: prev_state_root == committed_root [ZK-COMMIT-4]
  if (header.prev_state_root != committed_root(contract)) return ZkRollupError::commit_prev_root_mismatch;
  // Verify: transaction_count >= 1 [ZK-COMMIT-5]
  if (header.transaction_count == 0) return ZkRollupError::commit_empty;
  // Verify: transaction_count <= max_batch_size [ZK-COMMIT-6]
  if (header.transaction_count > contract.config.max_batch_size) return ZkRollupError::commit_too_large;
  const Checked consumed = checked_add(contract.priority_committed, header.priority_count);
  // Verify: priority_committed + priority_count <= len(priority_ops), an overflowing sum failing [ZK-COMMIT-7]
  if (consumed.overflow || consumed.value > contract.priority_ops.size()) return ZkRollupError::commit_priority_beyond_queue;
  // Verify: len(withdrawals) == withdrawal_count [ZK-COMMIT-8]
  if (in.withdrawals.size() != header.withdrawal_count) return ZkRollupError::commit_withdrawal_count;
  // Verify: withdrawals_root is the root of the posted withdrawals [ZK-COMMIT-9]
  if (header.withdrawals_root != commitments.withdrawals_root(in.withdrawals)) return ZkRollupError::commit_withdrawals_root;
  const u64 posted = contract.data_mode == DataMode::calldata ? header.transaction_count : 0;
  // Verify: len(transactions) == transaction_count in calldata mode, 0 in committee mode [ZK-COMMIT-10]
  if (in.transactions.size() != posted) return ZkRollupError::commit_data_shape;
  // Verify: calldata mode: transactions_root is the root of the posted transactions [ZK-COMMIT-11]
  if (contract.data_mode == DataMode::calldata && header.transactions_root != commitments.transactions_root(in.transactions))
    return ZkRollupError::commit_tx_root_mismatch;
  // Verify: committee mode: da_digest of the batch's data root is in data_attestations [ZK-COMMIT-12]
  if (contract.data_mode == DataMode::committee && !data_attested(contract, header))
    return ZkRollupError::commit_data_not_attested;

  ZkRollup c = contract;
  std::vector<Hash32> ids;
  for (u64 k = c.priority_committed; k < consumed.value; ++k) ids.push_back(c.priority_ops[k].op_id);
  const PublicInputPreimage statement{c.chain_id,
                                      c.rollup_id,
                                      c.vk_hash,
                                      header.batch_number,
                                      header.prev_state_root,
                                      header.post_state_root,
                                      data_commitment(header),
                                      priority_ops_hash(ids)};
  c.batches.push_back(BatchRecord{header, public_input(statement), env.height, c.priority_committed});
  c.committed += 1;
  c.priority_committed = consumed.value;
  return effects_of(std::move(c));
}

// ---------------------------------------------------------------------------------------------
// Prove. spec: zk_rollup.md#apply_prove_batches

// The proof input of the `count` batches from `first`. Contract: first + count <= len(batches).
constexpr Hash32 proof_input_of(const ZkRollup& c, u64 first, u64 count) {
  std::vector<Hash32> public_inputs;
  for (u64 k = first; k < first + count; ++k) public_inputs.push_back(c.batches[k].public_input);
  return proof_input(public_inputs);
}

template <SignatureCheck Check = Bip340Check>
constexpr Transition apply_prove_batches(const ZkRollup& contract, const ProveBatchesInput& in, const Env& env,
                                         const Check& signature_check = {}) {
  if (const ZkRollupError e = check_live(contract, env); e != ZkRollupError::none) return e;
  // Verify: count >= 1 [ZK-PROVE-1]
  if (in.count == 0) return ZkRollupError::prove_nothing;
  const Checked proved = checked_add(contract.verified, in.count);
  // Verify: verified + count <= committed, an overflowing sum failing [ZK-PROVE-2]
  if (proved.overflow || proved.value > contract.committed) return ZkRollupError::prove_beyond_committed;
  const Hash32 input = proof_input_of(contract, contract.verified, in.count);
  // Verify: the proof system accepts the proof for these batches' public inputs [ZK-PROVE-3]
  if (verify(contract.verifying_key, input, in.proof, signature_check) != ZkRollupError::none)
    return ZkRollupError::proof_rejected;

  ZkRollup c = contract;
  c.verified = proved.value;
  return effects_of(std::move(c));
}

// ---------------------------------------------------------------------------------------------
// Execute. spec: zk_rollup.md#apply_execute_batch

constexpr Transition apply_execute_batch(const ZkRollup& contract, const CallerInput& /*in*/, const Env& env) {
  if (const ZkRollupError e = check_live(contract, env); e != ZkRollupError::none) return e;
  // Verify: executed < verified [ZK-EXEC-1]
  if (contract.executed >= contract.verified) return ZkRollupError::execute_not_verified;

  L2_VERIFY_CHECK(contract.verified <= contract.batches.size());
  ZkRollup c = contract;
  // priority_first + priority_count <= priority_committed <= len(priority_ops): no overflow.
  c.priority_executed += c.batches[c.executed].header.priority_count;
  c.executed += 1;
  return effects_of(std::move(c));
}

// ---------------------------------------------------------------------------------------------
// Revert. spec: zk_rollup.md#apply_revert_batches

constexpr Transition apply_revert_batches(const ZkRollup& contract, const RevertBatchesInput& in, const Env& env) {
  if (const ZkRollupError e = check_live(contract, env); e != ZkRollupError::none) return e;
  // Verify: caller == operator_key [ZK-COMMIT-1]
  if (in.caller != contract.operator_key) return ZkRollupError::not_operator;
  // Verify: new_committed < committed [ZK-REVERT-1]
  if (in.new_committed >= contract.committed) return ZkRollupError::revert_nothing;
  // Verify: new_committed >= verified: only unverified batches are reverted [ZK-REVERT-2]
  if (in.new_committed < contract.verified) return ZkRollupError::revert_verified;

  L2_VERIFY_CHECK(contract.committed == contract.batches.size());
  ZkRollup c = contract;
  // The queue and its expiry heights stay: the reverted batches' operations are unconsumed again.
  c.priority_committed = c.batches[in.new_committed].priority_first;
  c.batches.resize(in.new_committed);
  c.committed = in.new_committed;
  return effects_of(std::move(c));
}

// ---------------------------------------------------------------------------------------------
// Exodus. spec: zk_rollup.md#exodus-mode

// spec: zk_rollup.md#apply_activate_exodus
constexpr Transition apply_activate_exodus(const ZkRollup& contract, const CallerInput& /*in*/, const Env& env) {
  // Verify: exodus is false [ZK-LIVE-1]
  if (contract.exodus) return ZkRollupError::exodus_active;
  // Verify: the oldest unserved priority operation has expiry_height <= height [ZK-EXO-1]
  if (!unserved_request_expired(contract, env.height)) return ZkRollupError::no_expired_request;

  ZkRollup c = contract;
  c.exodus = true;
  // The unexecuted batches are discarded: executed_root is the state every exit opens.
  c.batches.resize(c.executed);
  c.committed = c.executed;
  c.verified = c.executed;
  c.priority_committed = c.priority_executed;
  return effects_of(std::move(c));
}

// ZK-EXIT-3..5 for one claim, against the effects the claims before it left; on success the
// claim is paid and recorded in `effects`.
constexpr ZkRollupError exit_claim(ZkEffects& effects, const StateHeader& post_state, const ExodusClaim& claim) {
  ZkRollup& c = effects.contract;
  smt::Proof opening;
  opening.index = claim.account_index;
  opening.siblings = claim.siblings;
  // Verify: the account's opening leads to post_state.accounts_root [ZK-EXIT-3]
  if (smt::root_from_proof(opening, account_value(claim.account)) != post_state.accounts_root)
    return ZkRollupError::exit_bad_account_proof;
  // Verify: account_index is not in exited [ZK-EXIT-4]
  if (std::find(c.exited.begin(), c.exited.end(), claim.account_index) != c.exited.end())
    return ZkRollupError::exit_already_exited;
  // Verify: escrow >= balance [ZK-EXIT-5]
  if (c.escrow < claim.account.balance) return ZkRollupError::exit_escrow_insufficient;

  c.escrow -= claim.account.balance;
  c.exited.push_back(claim.account_index);
  pay(effects, claim.account.owner, claim.account.balance);
  return ZkRollupError::none;
}

// spec: zk_rollup.md#apply_exodus_withdraw-and-apply_exodus_withdraw_many
constexpr Transition apply_exodus_withdraw(const ZkRollup& contract, const ExitInput& in, const Env& /*env*/) {
  // Verify: exodus is true [ZK-EXIT-1]
  if (!contract.exodus) return ZkRollupError::not_in_exodus;
  // Verify: state_root(post_state) == executed_root [ZK-EXIT-2]
  if (state_root(in.post_state) != executed_root(contract)) return ZkRollupError::exit_bad_state_opening;

  ZkEffects effects = effects_of(contract);
  if (const ZkRollupError e = exit_claim(effects, in.post_state, ExodusClaim{in.account_index, in.account, in.siblings});
      e != ZkRollupError::none)
    return e;
  return effects;
}

// All or nothing: each claim against the state the claims before it left; the first failing
// claim's code.
constexpr Transition apply_exodus_withdraw_many(const ZkRollup& contract, const ExodusWithdrawManyInput& in,
                                                const Env& /*env*/) {
  // Verify: exodus is true [ZK-EXIT-1]
  if (!contract.exodus) return ZkRollupError::not_in_exodus;
  // Verify: len(claims) >= 1 [ZK-EXIT-6]
  if (in.claims.empty()) return ZkRollupError::exit_no_claims;
  // Verify: state_root(post_state) == executed_root [ZK-EXIT-2]
  if (state_root(in.post_state) != executed_root(contract)) return ZkRollupError::exit_bad_state_opening;

  ZkEffects effects = effects_of(contract);
  for (const ExodusClaim& claim : in.claims) {
    if (const ZkRollupError e = exit_claim(effects, in.post_state, claim); e != ZkRollupError::none) return e;
  }
  return effects;
}

// spec: zk_rollup.md#apply_refund_deposit
constexpr Transition apply_refund_deposit(const ZkRollup& contract, const RefundDepositInput& in, const Env& /*env*/) {
  // Verify: exodus is true [ZK-EXIT-1]
  if (!contract.exodus) return ZkRollupError::not_in_exodus;
  // Verify: queue_index < len(priority_ops) [ZK-REFUND-1]
  if (in.queue_index >= contract.priority_ops.size()) return ZkRollupError::refund_unknown_request;
  const PriorityOp& op = contract.priority_ops[in.queue_index];
  // Verify: the operation is a deposit [ZK-REFUND-2]
  if (op.kind != PriorityKind::deposit) return ZkRollupError::refund_not_deposit;
  // Verify: queue_index >= priority_executed: no executed batch consumed it [ZK-REFUND-3]
  if (in.queue_index < contract.priority_executed) return ZkRollupError::refund_deposit_processed;
  // Verify: queue_index is not in refunded [ZK-REFUND-4]
  if (std::find(contract.refunded.begin(), contract.refunded.end(), in.queue_index) != contract.refunded.end())
    return ZkRollupError::refund_already_refunded;
  // Verify: escrow >= amount [ZK-REFUND-5]
  if (contract.escrow < op.amount) return ZkRollupError::refund_escrow_insufficient;

  ZkEffects effects = effects_of(contract);
  effects.contract.escrow -= op.amount;
  effects.contract.refunded.push_back(in.queue_index);
  pay(effects, op.requester, op.amount);
  return effects;
}

// ---------------------------------------------------------------------------------------------
// Withdrawals of executed batches. spec: zk_rollup.md#apply_pay_withdrawal

// By anyone, also in exodus.
constexpr Transition apply_pay_withdrawal(const ZkRollup& contract, const PayZkWithdrawalInput& in, const Env& /*env*/) {
  // Verify: batch_number < executed [ZK-PAY-1]
  if (in.batch_number >= contract.executed) return ZkRollupError::pay_batch_not_executed;
  const BatchHeader& header = contract.batches[in.batch_number].header;
  // Verify: the record is at withdrawal_index of the batch's withdrawals_root [ZK-PAY-2]
  if (rfc6962::verify_inclusion(in.withdrawal_index, header.withdrawal_count, withdrawal_leaf_hash(in.withdrawal), in.proof,
                                header.withdrawals_root) != PrimitiveError::none)
    return ZkRollupError::pay_not_included;
  const PaidWithdrawal key{in.batch_number, in.withdrawal_index};
  // Verify: (batch_number, withdrawal_index) is not in paid [ZK-PAY-3]
  if (std::any_of(contract.paid.begin(), contract.paid.end(), [&](const PaidWithdrawal& p) {
        return p.batch_number == key.batch_number && p.withdrawal_index == key.withdrawal_index;
      }))
    return ZkRollupError::pay_already_paid;
  // Verify: escrow >= amount [ZK-PAY-4]
  if (contract.escrow < in.withdrawal.amount) return ZkRollupError::pay_escrow_insufficient;

  ZkEffects effects = effects_of(contract);
  effects.contract.escrow -= in.withdrawal.amount;
  effects.contract.paid.push_back(key);
  pay(effects, in.withdrawal.l1_recipient, in.withdrawal.amount);
  return effects;
}

// ---------------------------------------------------------------------------------------------
// The stateless op verify_proof: the backend's verdict and its reason.
// spec: zk_rollup.md#vector-operations-mechanism-zk_rollup

template <SignatureCheck Check = Bip340Check>
constexpr Result<VerifyProofResult, ZkRollupError> apply_verify_proof(const VerifyProofInput& in,
                                                                     const Check& signature_check = {}) {
  if (const ZkRollupError e = verify(in.verifying_key, in.proof_input, in.proof, signature_check); e != ZkRollupError::none)
    return e;
  return VerifyProofResult{true};
}

// ---------------------------------------------------------------------------------------------
// The operations table. spec: zk_rollup.md#vector-operations-mechanism-zk_rollup
//
// Every contract operation takes a SignatureCheck, so that one call shape fits all; only
// prove_batches checks signatures (re-executing the batches' transactions).

#define L2_ZK_ROLLUP_OPERATION(Type, op_name, InputType, call)                                               \
  struct Type {                                                                                              \
    static constexpr std::string_view name = op_name;                                                       \
    using State = ZkRollup;                                                                                  \
    using Input = InputType;                                                                                 \
    template <SignatureCheck Check = Bip340Check>                                                            \
    static constexpr Transition apply(const State& c, const Input& in, const Env& env, const Check& check = {}) { \
      static_cast<void>(check);                                                                              \
      return call;                                                                                           \
    }                                                                                                        \
  };

L2_ZK_ROLLUP_OPERATION(DepositNewAccount, "deposit_new_account", DepositNewAccountInput, apply_deposit_new_account(c, in, env))
L2_ZK_ROLLUP_OPERATION(DepositTopUp, "deposit_top_up", DepositTopUpInput, apply_deposit_top_up(c, in, env))
L2_ZK_ROLLUP_OPERATION(RequestForcedWithdrawal, "request_forced_withdrawal", RequestForcedExitInput,
                       apply_request_forced_withdrawal(c, in, env))
L2_ZK_ROLLUP_OPERATION(CommitBatch, "commit_batch", CommitBatchInput, apply_commit_batch(c, in, env))
L2_ZK_ROLLUP_OPERATION(ProveBatches, "prove_batches", ProveBatchesInput, apply_prove_batches(c, in, env, check))
L2_ZK_ROLLUP_OPERATION(ExecuteBatch, "execute_batch", CallerInput, apply_execute_batch(c, in, env))
L2_ZK_ROLLUP_OPERATION(RevertBatches, "revert_batches", RevertBatchesInput, apply_revert_batches(c, in, env))
L2_ZK_ROLLUP_OPERATION(ActivateExodus, "activate_exodus", CallerInput, apply_activate_exodus(c, in, env))
L2_ZK_ROLLUP_OPERATION(ExodusWithdraw, "exodus_withdraw", ExitInput, apply_exodus_withdraw(c, in, env))
L2_ZK_ROLLUP_OPERATION(ExodusWithdrawMany, "exodus_withdraw_many", ExodusWithdrawManyInput,
                       apply_exodus_withdraw_many(c, in, env))
L2_ZK_ROLLUP_OPERATION(RefundDeposit, "refund_deposit", RefundDepositInput, apply_refund_deposit(c, in, env))
L2_ZK_ROLLUP_OPERATION(PayWithdrawal, "pay_withdrawal", PayZkWithdrawalInput, apply_pay_withdrawal(c, in, env))

#undef L2_ZK_ROLLUP_OPERATION

// The contract's entry points in the spec's order (deploy, which creates the contract, and the
// stateless verify_proof apart). An op's code is its index here.
using Operations = OperationTable<DepositNewAccount, DepositTopUp, RequestForcedWithdrawal, CommitBatch, ProveBatches,
                                  ExecuteBatch, RevertBatches, ActivateExodus, ExodusWithdraw, ExodusWithdrawMany,
                                  RefundDeposit, PayWithdrawal>;
using ContractOp = Operations::Code;
template <class Op>
inline constexpr ContractOp op_code = Operations::code_of<Op>();

// ---------------------------------------------------------------------------------------------
// The operator's side. spec: zk_rollup.md#building-batches-and-proofs

// An honest batch: what commit_batch takes, and the full state after it.
struct ZkBatch {
  CommitBatchInput commit;
  State post_state;
};

// The L1 view of the whole queue as it stands: every deposit's and every forced withdrawal's id, in
// order (deposit index k is the k-th deposit of the queue).
struct QueueIds {
  std::vector<Hash32> deposit_ids;
  std::vector<Hash32> forced_exit_ids;
  constexpr L1View view() const { return L1View{deposit_ids, forced_exit_ids}; }
};

constexpr QueueIds queue_ids(const ZkRollup& c) {
  QueueIds ids;
  for (const PriorityOp& op : c.priority_ops)
    (op.kind == PriorityKind::deposit ? ids.deposit_ids : ids.forced_exit_ids).push_back(op.op_id);
  return ids;
}

// The batch the operator commits next over `transactions`, executed from `committed_state` (the
// full state at committed_root): the priority transactions (deposits and forced exits, with the
// recorded contents) must come first among themselves in queue order from priority_committed, as
// the proof shows (ZK-RX-10). The error is the first transaction rule one breaks.
template <SignatureCheck Check = Bip340Check>
constexpr Result<ZkBatch, OptimisticRollupError> make_zk_batch(const ZkRollup& c, const State& committed_state,
                                                               std::vector<Transaction> transactions,
                                                               const Check& signature_check = {}) {
  const QueueIds ids = queue_ids(c);
  auto executed = optimistic_rollup::execute_batch(params_of(c), ids.view(), committed_state, transactions, signature_check);
  if (!executed) return executed.error();
  const std::vector<WithdrawalRecord> withdrawals = withdrawal_records(transactions);
  const u64 priority_count = priority_ids(params_of(c), transactions).size();
  const BatchHeader header{c.chain_id,
                           c.rollup_id,
                           c.committed,
                           committed_state.root(),
                           executed.value().post_state.root(),
                           transactions_root(transactions),
                           transactions.size(),
                           withdrawals_root(withdrawals),
                           withdrawals.size(),
                           priority_count};
  return ZkBatch{CommitBatchInput{c.operator_key, header, withdrawals, std::move(transactions)},
                 std::move(executed).value().post_state};
}

}  // namespace l2::ref::zk_rollup
