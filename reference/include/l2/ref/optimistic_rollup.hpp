// Optimistic rollup: the L2 state and its transactions. The core is the stateless single-transaction
// step apply_tx(params, l1, pre_root, witness, tx): it checks the witness (an opening of the state
// root and of every account the transaction touches) against pre_root, runs the transaction, and
// returns the post-root or the error code of the first rule that rejects. A fraud proof re-executes
// exactly this step on L1. The stateful form apply_tx(params, l1, state, tx) runs the same rules
// over a full account tree; it is what an operator uses to build batches and a challenger uses to
// build witnesses, and it returns the witness it read so the two forms can be held to each other.
//
// The rules are written once (execute_transaction) over an account store with two
// implementations: the witness cursor (stateless) and the full tree (stateful).
//
// The L1 rollup contract (operator stake, batch submission, challenges, fraud-proof resolution,
// finalization, withdrawal payout) is in optimistic_rollup_contract.hpp.
// spec: optimistic_rollup.md
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/sparse_merkle.hpp"

namespace l2 {

// spec: optimistic_rollup.md#errors
#define L2_ROLLUP_ERRORS(X) \
  X(tx_malformed, "OR-TX-1", "the transaction does not decode, or its kind does not name its one present body") \
  X(witness_state_mismatch, "OR-WIT-1", "the witness's state header does not hash to the pre-state root") \
  X(witness_missing, "OR-WIT-2", "the transaction reads more accounts than the witness opens") \
  X(witness_wrong_account, "OR-WIT-3", "the next account opening is for another index than the one read") \
  X(witness_root_mismatch, "OR-WIT-4", "the account opening does not lead to the current accounts root") \
  X(unknown_sender, "OR-SEND-1", "the sending account does not exist") \
  X(bad_signature, "OR-SEND-2", "the signature is not the sender's BIP-340 signature of the transaction digest") \
  X(nonce_replayed, "OR-SEND-3", "the nonce is below the sender's nonce: the transaction was already applied") \
  X(nonce_gap, "OR-SEND-4", "the nonce is above the sender's nonce") \
  X(nonce_exhausted, "OR-SEND-5", "the sender's nonce is UINT64_MAX and cannot advance") \
  X(amount_overflow, "OR-SEND-6", "amount + fee exceeds UINT64_MAX") \
  X(insufficient_balance, "OR-SEND-7", "the sender's balance is below amount + fee") \
  X(unknown_recipient, "OR-XFER-1", "the receiving account does not exist") \
  X(recipient_balance_overflow, "OR-XFER-2", "the recipient's balance + amount exceeds UINT64_MAX") \
  X(no_fee_account, "OR-FEE-1", "the operator's fee account (index 0) does not exist") \
  X(fee_balance_overflow, "OR-FEE-2", "the fee account's balance + fee exceeds UINT64_MAX") \
  X(deposit_already_credited, "OR-DEP-1", "the deposit's index is below deposits_credited: it was credited before") \
  X(deposit_out_of_order, "OR-DEP-2", "the deposit's index is above deposits_credited: an earlier deposit was skipped") \
  X(deposit_not_recorded, "OR-DEP-3", "L1 had recorded no deposit with this index when the batch was submitted") \
  X(deposit_mismatch, "OR-DEP-4", "the deposit's id differs from the id L1 recorded at its index") \
  X(account_exists, "OR-DEP-5", "an account-creating deposit names an occupied slot") \
  X(unknown_account, "OR-DEP-6", "a top-up deposit names an empty slot") \
  X(deposit_balance_overflow, "OR-DEP-7", "the account's balance + deposit amount exceeds UINT64_MAX") \
  X(forced_exit_already_processed, "OR-FEX-1", "the request's index is below forced_exits_processed: it was processed before") \
  X(forced_exit_out_of_order, "OR-FEX-2", "the request's index is above forced_exits_processed: an earlier request was skipped") \
  X(forced_exit_not_recorded, "OR-FEX-3", "L1 had recorded no forced exit with this index in the batch's L1 view") \
  X(forced_exit_mismatch, "OR-FEX-4", "the forced exit's id differs from the id L1 recorded at its index") \
  X(forced_exit_wrong_amount, "OR-FEX-5", "the amount is not the account's whole balance (its owner requested) or 0 (anyone else did)") \
  X(config_censorship_bound, "OR-DEPLOY-1", "censorship_bound_blocks is 0") \
  X(config_batch_size, "OR-DEPLOY-2", "max_batch_size is 0") \
  X(config_challenge_period, "OR-DEPLOY-3", "challenge_period_blocks is not above censorship_bound_blocks") \
  X(config_resolution_period, "OR-DEPLOY-4", "resolution_period_blocks is not above censorship_bound_blocks") \
  X(config_sequencing_window, "OR-DEPLOY-5", "sequencing_window_blocks is below censorship_bound_blocks") \
  X(config_escape_delay, "OR-DEPLOY-6", "escape_delay_blocks is not above queue_inclusion_blocks + sequencing_window_blocks") \
  X(config_penalty, "OR-DEPLOY-7", "penalty_percentage is not in 1..100") \
  X(config_slash, "OR-DEPLOY-8", "a slash of minimum_stake would not pay both the challenger and the treasury") \
  X(config_challenge_bond, "OR-DEPLOY-9", "min_challenge_bond is 0") \
  X(config_min_deposit, "OR-DEPLOY-10", "min_deposit is 0") \
  X(config_forced_exit_fee, "OR-DEPLOY-11", "forced_exit_fee is 0") \
  X(rollup_frozen, "OR-FROZEN-1", "the rollup is frozen: no batch, deposit or forced exit is taken") \
  X(not_operator, "OR-STAKE-1", "only the rollup's operator may stake") \
  X(stake_below_minimum, "OR-STAKE-2", "the first stake is below minimum_stake") \
  X(stake_overflow, "OR-STAKE-3", "the contract's holdings + added stake exceed UINT64_MAX") \
  X(stake_locked, "OR-UNSTAKE-1", "the stake is withdrawn before stake_unlock_height") \
  X(batches_pending, "OR-UNSTAKE-2", "the stake is withdrawn while a batch is not final") \
  X(escrow_overflow, "OR-BRIDGE-1", "the contract's holdings + deposit amount exceed UINT64_MAX") \
  X(deposit_unknown_account, "OR-BRIDGE-2", "a top-up deposit names an index L1 never assigned") \
  X(accounts_exhausted, "OR-BRIDGE-3", "every account index is assigned") \
  X(deposit_below_minimum, "OR-BRIDGE-4", "the deposit is below min_deposit") \
  X(deposit_owner_invalid, "OR-BRIDGE-5", "the new account's owner is not an x-only key on the curve") \
  X(forced_exit_fee, "OR-FEXQ-1", "the value paid is not exactly forced_exit_fee") \
  X(forced_exit_unknown_account, "OR-FEXQ-2", "a forced exit names an index L1 never assigned") \
  X(operator_understaked, "OR-BATCH-1", "the operator's stake is below minimum_stake") \
  X(batch_wrong_rollup, "OR-BATCH-2", "the header names another chain or rollup") \
  X(batch_out_of_order, "OR-BATCH-3", "batch_number is not the next batch number") \
  X(batch_prev_root_mismatch, "OR-BATCH-4", "prev_state_root is not the last accepted post_state_root") \
  X(batch_empty, "OR-BATCH-5", "the batch has no transaction") \
  X(batch_too_large, "OR-BATCH-6", "the batch has more than max_batch_size transactions") \
  X(batch_count_mismatch, "OR-BATCH-7", "transaction_count differs from the number of posted transactions") \
  X(batch_tx_root_mismatch, "OR-BATCH-8", "transactions_root is not the RFC 6962 root of the posted transactions") \
  X(batch_state_root_count, "OR-BATCH-9", "the intermediate state roots are not transaction_count + 1") \
  X(batch_state_root_endpoints, "OR-BATCH-10", "the first and last intermediate roots are not prev_state_root and post_state_root") \
  X(batch_state_roots_mismatch, "OR-BATCH-11", "state_roots_root is not the RFC 6962 root of the posted intermediate roots") \
  X(bad_operator_signature, "OR-BATCH-12", "the signature is not the operator's BIP-340 signature of batch_id") \
  X(batch_wrong_epoch, "OR-BATCH-13", "the header's epoch is not the contract's: the batch was built before a revert") \
  X(batch_origin_in_future, "OR-BATCH-14", "l1_origin_height is not below the submission height") \
  X(batch_origin_stale, "OR-BATCH-15", "the batch lands more than sequencing_window_blocks after its L1 origin") \
  X(challenge_unknown_batch, "OR-CHAL-1", "no pending batch has this batch_id") \
  X(challenge_too_late, "OR-CHAL-2", "challenge at or after the batch's challenge_deadline") \
  X(challenge_bond_too_small, "OR-CHAL-3", "the bond is below min_challenge_bond") \
  X(challenge_type_not_applicable, "OR-CHAL-4", "data_withholding does not apply to this rollup") \
  X(challenge_duplicate, "OR-CHAL-5", "this challenger already has an open challenge with this evidence") \
  X(unknown_challenge, "OR-RES-1", "no open challenge has this challenge_id") \
  X(challenge_expired, "OR-RES-2", "the challenge is resolved or withdrawn at or after its deadline") \
  X(reveal_too_early, "OR-RES-3", "the proof is revealed in the block that opened the challenge") \
  X(evidence_mismatch, "OR-RES-4", "the revealed fraud proof does not hash to the committed evidence") \
  X(fraud_batch_mismatch, "OR-FP-1", "the proof names another batch or another type than the challenge") \
  X(fraud_evidence_shape, "OR-FP-2", "the proof does not carry exactly the evidence its type needs") \
  X(fraud_tx_not_included, "OR-FP-3", "the transaction is not at transaction_index in transactions_root") \
  X(fraud_pre_root_not_included, "OR-FP-4", "the pre-root is not at transaction_index in state_roots_root") \
  X(fraud_post_root_not_included, "OR-FP-5", "the post-root is not at transaction_index + 1 in state_roots_root") \
  X(fraud_bad_witness, "OR-FP-6", "re-execution stopped on a witness rule: the proof, not the batch, is wrong") \
  X(fraud_no_fault, "OR-FP-7", "the transaction is valid and the claimed post-root is the true one") \
  X(fraud_type_mismatch, "OR-FP-8", "the fault found is not of the proof's type") \
  X(fraud_bad_state_opening, "OR-FP-9", "the state header does not hash to the batch's post_state_root") \
  X(fraud_request_not_overdue, "OR-FP-10", "the request was not overdue at the batch's L1 origin") \
  X(fraud_request_processed, "OR-FP-11", "the batch's post-state has processed the request") \
  X(challenge_not_expired, "OR-EXP-1", "the challenge is expired before its deadline") \
  X(not_challenger, "OR-WDC-1", "only the challenger may withdraw its challenge") \
  X(nothing_to_finalize, "OR-FIN-1", "no batch is pending") \
  X(challenge_period_open, "OR-FIN-2", "the oldest pending batch's challenge_deadline is not reached") \
  X(challenges_open, "OR-FIN-3", "the oldest pending batch has an open challenge") \
  X(pay_batch_not_final, "OR-PAY-1", "the withdrawal's batch is not final") \
  X(pay_tx_not_included, "OR-PAY-2", "the withdrawal is not at the claimed index of the batch's transactions_root") \
  X(pay_not_withdrawal, "OR-PAY-3", "the included transaction is neither a withdrawal nor a forced exit") \
  X(pay_already_paid, "OR-PAY-4", "the withdrawal was already paid") \
  X(pay_escrow_insufficient, "OR-PAY-5", "the escrow is below the amount: only an unchallenged fraud can lead here") \
  X(already_frozen, "OR-FRZ-1", "the rollup is frozen already") \
  X(freeze_unknown_request, "OR-FRZ-2", "no deposit or forced exit has this index") \
  X(freeze_not_overdue, "OR-FRZ-3", "the request was recorded less than escape_delay_blocks ago") \
  X(freeze_bad_state_opening, "OR-FRZ-4", "the state header does not hash to last_state_root") \
  X(freeze_request_processed, "OR-FRZ-5", "the latest accepted state has processed the request") \
  X(not_frozen, "OR-EXIT-1", "exits and reclaims are open only once the rollup is frozen") \
  X(exit_batches_pending, "OR-EXIT-2", "a batch is still pending: the last state is not final yet") \
  X(exit_bad_state_opening, "OR-EXIT-3", "the state header does not hash to last_state_root") \
  X(exit_bad_account_proof, "OR-EXIT-4", "the account's sparse-tree opening does not lead to the state's accounts_root") \
  X(exit_already_exited, "OR-EXIT-5", "this account index has exited already") \
  X(exit_escrow_insufficient, "OR-EXIT-6", "the escrow is below the balance: only an unchallenged fraud can lead here") \
  X(reclaim_unknown_deposit, "OR-RECL-1", "no deposit has this index") \
  X(reclaim_deposit_credited, "OR-RECL-2", "the final state credited the deposit on L2: it leaves by an exit") \
  X(reclaim_already_reclaimed, "OR-RECL-3", "the deposit was reclaimed already") \
  X(reclaim_escrow_insufficient, "OR-RECL-4", "the escrow is below the deposit: only an unchallenged fraud can lead here")
L2_ERROR_ENUM(OptimisticRollupError, "OR_", L2_ROLLUP_ERRORS)

inline constexpr auto all_rollup_errors = all_errors(OptimisticRollupError{});

// The L2-transaction rules: the ones this header's apply_tx returns.
inline constexpr OptimisticRollupError last_transaction_error = OptimisticRollupError::forced_exit_wrong_amount;

}  // namespace l2

namespace l2::ref::optimistic_rollup {

using Signature = bip340::Signature;
using AccountIndex = smt::Index;

inline constexpr std::string_view id_tag = "L2/optimistic_rollup/id";
inline constexpr std::string_view account_tag = "L2/optimistic_rollup/account";
inline constexpr std::string_view state_tag = "L2/optimistic_rollup/state";
inline constexpr std::string_view transfer_tag = "L2/optimistic_rollup/transfer";
inline constexpr std::string_view withdrawal_tag = "L2/optimistic_rollup/withdrawal";
inline constexpr std::string_view deposit_tag = "L2/optimistic_rollup/deposit";
inline constexpr std::string_view forced_exit_tag = "L2/optimistic_rollup/forced_exit";
inline constexpr std::string_view batch_tag = "L2/optimistic_rollup/batch";

// Fees are credited to this account, the operator's, which genesis creates.
// spec: optimistic_rollup.md#fee-account
inline constexpr AccountIndex fee_account = 0;

// ---------------------------------------------------------------------------------------------
// State. spec: optimistic_rollup.md#l2-state

// spec: optimistic_rollup.md#account
struct Account {
  BOOST_HANA_DEFINE_STRUCT(Account, (u64, balance), (u64, nonce), (Hash32, owner));
};

// What the state root commits to: the account tree, and how many of L1's deposits and forced
// exits the L2 has processed, each in L1's order. spec: optimistic_rollup.md#state_root
struct StateHeader {
  BOOST_HANA_DEFINE_STRUCT(StateHeader, (Hash32, accounts_root), (u64, deposits_credited),
                           (u64, forced_exits_processed));
};

// What every transaction is bound to. spec: optimistic_rollup.md#l2params
struct L2Params {
  BOOST_HANA_DEFINE_STRUCT(L2Params, (u64, chain_id), (Hash32, rollup_id));
};

// The L1 view a transaction may read: the ids of the deposits and of the forced exits L1 had
// recorded, in order, at the batch's L1 origin. spec: optimistic_rollup.md#l1view
//
// A view may be a window: deposit_ids[0] is the id at deposit index deposit_base (forced exits
// likewise). The rules read only indices at or above the state's counters (OR-DEP-1 and OR-FEX-1
// refuse a lower one first), so a window starting at those counters answers exactly as the whole
// list; the zk rollup's verifier supplies one (zk_rollup.md#what-is-reused-from-the-optimistic-rollup).
// The optimistic rollup's views are whole lists: both bases 0. Contract: base + size <= UINT64_MAX,
// so that the count after the last index a view holds fits a u64.
struct L1View {
  std::span<const Hash32> deposit_ids;
  std::span<const Hash32> forced_exit_ids;
  u64 deposit_base = 0;
  u64 forced_exit_base = 0;

  // The id recorded at deposit index `index`, or nullptr when the view does not hold it.
  constexpr const Hash32* deposit_id_at(u64 index) const { return id_at(deposit_ids, deposit_base, index); }
  constexpr const Hash32* forced_exit_id_at(u64 index) const { return id_at(forced_exit_ids, forced_exit_base, index); }

 private:
  static constexpr const Hash32* id_at(std::span<const Hash32> ids, u64 base, u64 index) {
    if (index < base || index - base >= ids.size()) return nullptr;
    return &ids[index - base];
  }
};

// ---------------------------------------------------------------------------------------------
// Transactions. spec: optimistic_rollup.md#transactions

enum class TxKind : u8 { transfer, deposit, withdrawal, forced_exit };
L2_REFLECT_ENUM(TxKind, transfer, deposit, withdrawal, forced_exit)

struct Transfer {
  BOOST_HANA_DEFINE_STRUCT(Transfer, (AccountIndex, from), (AccountIndex, to), (u64, amount), (u64, fee),
                           (u64, nonce), (Signature, signature));
};

// new_owner present: create the account at `to` with that key; absent: credit the account at `to`.
struct Deposit {
  BOOST_HANA_DEFINE_STRUCT(Deposit, (u64, deposit_index), (AccountIndex, to), (std::optional<Hash32>, new_owner),
                           (u64, amount));
};

struct Withdrawal {
  BOOST_HANA_DEFINE_STRUCT(Withdrawal, (AccountIndex, from), (Hash32, l1_recipient), (u64, amount), (u64, fee),
                           (u64, nonce), (Signature, signature));
};

// The L2 side of an L1 forced-exit request: the whole balance of `from` leaves L2 for
// `l1_recipient` if `requester` owns the account, and nothing otherwise. Not signed: it is
// authorised by the L1 record it must match, which the requester made as the L1 caller.
struct ForcedExit {
  BOOST_HANA_DEFINE_STRUCT(ForcedExit, (u64, request_index), (AccountIndex, from), (Hash32, requester),
                           (Hash32, l1_recipient), (u64, amount));
};

// A tagged union: `kind` names the one body that is present.
struct Transaction {
  BOOST_HANA_DEFINE_STRUCT(Transaction, (TxKind, kind), (std::optional<Transfer>, transfer),
                           (std::optional<Deposit>, deposit), (std::optional<Withdrawal>, withdrawal),
                           (std::optional<ForcedExit>, forced_exit));
};

constexpr Transaction make_transaction(const Transfer& body) {
  return {TxKind::transfer, body, std::nullopt, std::nullopt, std::nullopt};
}
constexpr Transaction make_transaction(const Deposit& body) {
  return {TxKind::deposit, std::nullopt, body, std::nullopt, std::nullopt};
}
constexpr Transaction make_transaction(const Withdrawal& body) {
  return {TxKind::withdrawal, std::nullopt, std::nullopt, body, std::nullopt};
}
constexpr Transaction make_transaction(const ForcedExit& body) {
  return {TxKind::forced_exit, std::nullopt, std::nullopt, std::nullopt, body};
}

// ---------------------------------------------------------------------------------------------
// Witnesses. spec: optimistic_rollup.md#witnesses

// The opening of one account slot: its content (nullopt: empty) and the sparse-tree siblings of
// its path, leaf level first (smt::Proof as a reflected struct, so it has an encoding).
struct AccountWitness {
  BOOST_HANA_DEFINE_STRUCT(AccountWitness, (AccountIndex, index), (std::optional<Account>, account),
                           (std::array<Hash32, smt::depth>, siblings));
};

// Everything apply_tx reads besides the transaction: the pre-state header and the openings of the
// accounts in the order the transaction reads them, each against the accounts root left by the
// writes before it.
struct TxWitness {
  BOOST_HANA_DEFINE_STRUCT(TxWitness, (StateHeader, pre_state), (std::vector<AccountWitness>, accounts));
};

// ---------------------------------------------------------------------------------------------
// Identifiers, digests and roots. spec: optimistic_rollup.md#identifiers-and-digests

struct RollupIdPreimage {
  BOOST_HANA_DEFINE_STRUCT(RollupIdPreimage, (u64, chain_id), (Hash32, contract), (Hash32, operator_key), (u64, nonce));
};

struct TransferBody {
  BOOST_HANA_DEFINE_STRUCT(TransferBody, (u64, chain_id), (Hash32, rollup_id), (AccountIndex, from), (AccountIndex, to),
                           (u64, amount), (u64, fee), (u64, nonce));
};

struct WithdrawalBody {
  BOOST_HANA_DEFINE_STRUCT(WithdrawalBody, (u64, chain_id), (Hash32, rollup_id), (AccountIndex, from),
                           (Hash32, l1_recipient), (u64, amount), (u64, fee), (u64, nonce));
};

struct DepositBody {
  BOOST_HANA_DEFINE_STRUCT(DepositBody, (u64, chain_id), (Hash32, rollup_id), (u64, deposit_index), (AccountIndex, to),
                           (std::optional<Hash32>, new_owner), (u64, amount));
};

// The amount is not part of the id: the L2 decides it from the account it opens.
struct ForcedExitBody {
  BOOST_HANA_DEFINE_STRUCT(ForcedExitBody, (u64, chain_id), (Hash32, rollup_id), (u64, request_index),
                           (AccountIndex, from), (Hash32, requester), (Hash32, l1_recipient));
};

// spec: optimistic_rollup.md#rollup_id
constexpr Hash32 rollup_id(u64 chain_id, const Hash32& contract, const Hash32& operator_key, u64 nonce) {
  return tagged_hash(id_tag, reflect::encode(RollupIdPreimage{chain_id, contract, operator_key, nonce}));
}

// The value an account's slot holds in the account tree. spec: optimistic_rollup.md#account
constexpr Hash32 account_value(const Account& account) { return tagged_hash(account_tag, reflect::encode(account)); }

// spec: optimistic_rollup.md#state_root
constexpr Hash32 state_root(const StateHeader& header) { return tagged_hash(state_tag, reflect::encode(header)); }

// What the sender signs. spec: optimistic_rollup.md#transfer_digest
constexpr Hash32 transfer_digest(const L2Params& params, const Transfer& t) {
  return tagged_hash(transfer_tag, reflect::encode(TransferBody{params.chain_id, params.rollup_id, t.from, t.to,
                                                                t.amount, t.fee, t.nonce}));
}

// Its own tag, so that a signed transfer is never a valid withdrawal. spec: optimistic_rollup.md#withdrawal_digest
constexpr Hash32 withdrawal_digest(const L2Params& params, const Withdrawal& w) {
  return tagged_hash(withdrawal_tag, reflect::encode(WithdrawalBody{params.chain_id, params.rollup_id, w.from,
                                                                    w.l1_recipient, w.amount, w.fee, w.nonce}));
}

// The id L1 records when it takes the deposit into escrow. spec: optimistic_rollup.md#deposit_id
constexpr Hash32 deposit_id(const L2Params& params, const Deposit& d) {
  return tagged_hash(deposit_tag, reflect::encode(DepositBody{params.chain_id, params.rollup_id, d.deposit_index, d.to,
                                                              d.new_owner, d.amount}));
}

// The id L1 records when it takes a forced-exit request. spec: optimistic_rollup.md#forced_exit_id
constexpr Hash32 forced_exit_id(const L2Params& params, const ForcedExit& e) {
  return tagged_hash(forced_exit_tag, reflect::encode(ForcedExitBody{params.chain_id, params.rollup_id, e.request_index,
                                                                     e.from, e.requester, e.l1_recipient}));
}

// A transaction's leaf in the batch's transactions root: RFC 6962 over its canonical encoding.
// spec: optimistic_rollup.md#transactions_root
constexpr Hash32 transaction_leaf_hash(std::span<const u8> encoded_transaction) {
  return rfc6962::leaf_hash(encoded_transaction);
}

constexpr Hash32 transactions_root(std::span<const Transaction> transactions) {
  std::vector<Hash32> leaves;
  leaves.reserve(transactions.size());
  for (const Transaction& tx : transactions) leaves.push_back(transaction_leaf_hash(reflect::encode(tx)));
  return rfc6962::root_from_leaf_hashes(leaves);
}

// spec: optimistic_rollup.md#state_roots_root
constexpr Hash32 state_roots_root(std::span<const Hash32> state_roots) {
  std::vector<Hash32> leaves;
  leaves.reserve(state_roots.size());
  for (const Hash32& root : state_roots) leaves.push_back(rfc6962::leaf_hash(root));
  return rfc6962::root_from_leaf_hashes(leaves);
}

// ---------------------------------------------------------------------------------------------
// Batches. spec: optimistic_rollup.md#batch

// What the operator signs (its batch_id) and what L1 keeps of a batch. `epoch` is the number of
// confirmed frauds when the batch was built, so a batch a revert removed is never valid again;
// `l1_origin_height` is the L1 block whose deposits and forced exits the batch was built on.
struct BatchHeader {
  BOOST_HANA_DEFINE_STRUCT(BatchHeader, (u64, chain_id), (Hash32, rollup_id), (u64, batch_number), (u64, epoch),
                           (u64, l1_origin_height), (Hash32, prev_state_root), (Hash32, post_state_root),
                           (Hash32, transactions_root), (u64, transaction_count), (Hash32, state_roots_root));
};

// The batch as posted to L1: the header, the operator's signature of its batch_id, and the data
// (the transactions and the n + 1 intermediate state roots: state_roots[0] = prev_state_root,
// state_roots[i + 1] = the root after transaction i, state_roots[n] = post_state_root).
struct Batch {
  BOOST_HANA_DEFINE_STRUCT(Batch, (BatchHeader, header), (Signature, signature), (std::vector<Transaction>, transactions),
                           (std::vector<Hash32>, state_roots));
};

// spec: optimistic_rollup.md#batch_id
constexpr Hash32 batch_id(const BatchHeader& header) { return tagged_hash(batch_tag, reflect::encode(header)); }

// ---------------------------------------------------------------------------------------------
// Fraud-proof types and how a rejection of apply_tx classifies. spec: optimistic_rollup.md#fraudprooftype

enum class FraudProofType : u8 { invalid_transition, invalid_signature, double_spend, timeout_violation, data_withholding };
L2_REFLECT_ENUM(FraudProofType, invalid_transition, invalid_signature, double_spend, timeout_violation,
                data_withholding)

// A witness rule (OR-WIT-*) failed: the witness, not the transaction, is wrong.
constexpr bool is_witness_error(OptimisticRollupError e) {
  return e == OptimisticRollupError::witness_state_mismatch || e == OptimisticRollupError::witness_missing ||
         e == OptimisticRollupError::witness_wrong_account || e == OptimisticRollupError::witness_root_mismatch;
}

// A transaction rule failed: the transaction is invalid in that state.
constexpr bool is_transaction_error(OptimisticRollupError e) {
  return e != OptimisticRollupError::none && e <= last_transaction_error && !is_witness_error(e);
}

// The fault an invalid transaction inside a batch proves. Contract: is_transaction_error(e).
// spec: optimistic_rollup.md#fraudprooftype
constexpr FraudProofType fault_type(OptimisticRollupError e) {
  switch (e) {
    case OptimisticRollupError::bad_signature: return FraudProofType::invalid_signature;
    case OptimisticRollupError::nonce_replayed:
    case OptimisticRollupError::insufficient_balance:
    case OptimisticRollupError::deposit_already_credited:
    case OptimisticRollupError::forced_exit_already_processed: return FraudProofType::double_spend;
    default: return FraudProofType::invalid_transition;
  }
}

// ---------------------------------------------------------------------------------------------
// Signatures.

// Signature checks: BIP-340 by default (l2/ref/schnorr.hpp).
using bip340::SignatureCheck;
using bip340::Bip340Check;

// ---------------------------------------------------------------------------------------------
// The transaction rules, once, over an account store. A store answers open(index) with the
// slot's account (nullopt: empty) or a witness error, and write(index, account) after an open of
// the same index.

template <class S>
concept AccountStore = requires(S& store, AccountIndex index, const Account& account) {
  { store.open(index) } -> std::same_as<Result<std::optional<Account>, OptimisticRollupError>>;
  { store.write(index, account) } -> std::same_as<void>;
};

// Exactly the body named by `kind` is present.
constexpr bool has_only_its_body(const Transaction& tx) {
  switch (tx.kind) {
    case TxKind::transfer: return tx.transfer.has_value() && !tx.deposit && !tx.withdrawal && !tx.forced_exit;
    case TxKind::deposit: return tx.deposit.has_value() && !tx.transfer && !tx.withdrawal && !tx.forced_exit;
    case TxKind::withdrawal: return tx.withdrawal.has_value() && !tx.transfer && !tx.deposit && !tx.forced_exit;
    case TxKind::forced_exit: return tx.forced_exit.has_value() && !tx.transfer && !tx.deposit && !tx.withdrawal;
  }
  return false;
}

// spec: optimistic_rollup.md#check_shape
constexpr OptimisticRollupError check_shape(const Transaction& tx) {
  // Verify: kind names the one body that is present [OR-TX-1]
  if (!has_only_its_body(tx)) return OptimisticRollupError::tx_malformed;
  return OptimisticRollupError::none;
}

// The sender's side of a signed transaction (transfer or withdrawal): checks, then the debit.
// spec: optimistic_rollup.md#debit_sender
template <AccountStore Store, SignatureCheck Check>
constexpr OptimisticRollupError debit_sender(Store& store, AccountIndex from, u64 amount, u64 fee, u64 nonce,
                                   const Hash32& digest, const Signature& signature, const Check& signature_check) {
  const auto opened = store.open(from);
  if (!opened) return opened.error();
  // Verify: the sending account exists [OR-SEND-1]
  if (!opened.value()) return OptimisticRollupError::unknown_sender;
  Account sender = *opened.value();
  // Verify: the signature is the sender's BIP-340 signature of the digest [OR-SEND-2]
  if (!signature_check(sender.owner, digest, signature)) return OptimisticRollupError::bad_signature;
  // Verify: nonce >= sender.nonce, else the transaction is a replay [OR-SEND-3]
  if (nonce < sender.nonce) return OptimisticRollupError::nonce_replayed;
  // Verify: nonce <= sender.nonce [OR-SEND-4]
  if (nonce > sender.nonce) return OptimisticRollupError::nonce_gap;
  const Checked next_nonce = checked_add(sender.nonce, 1);
  // Verify: sender.nonce + 1 <= UINT64_MAX [OR-SEND-5]
  if (next_nonce.overflow) return OptimisticRollupError::nonce_exhausted;
  const Checked total = checked_add(amount, fee);
  // Verify: amount + fee <= UINT64_MAX [OR-SEND-6]
  if (total.overflow) return OptimisticRollupError::amount_overflow;
  const Checked remaining = checked_sub(sender.balance, total.value);
  // Verify: sender.balance >= amount + fee [OR-SEND-7]
  if (remaining.overflow) return OptimisticRollupError::insufficient_balance;

  sender.balance = remaining.value;
  sender.nonce = next_nonce.value;
  store.write(from, sender);
  return OptimisticRollupError::none;
}

// spec: optimistic_rollup.md#credit_fee
template <AccountStore Store>
constexpr OptimisticRollupError credit_fee(Store& store, u64 fee) {
  const auto opened = store.open(fee_account);
  if (!opened) return opened.error();
  // Verify: the fee account exists [OR-FEE-1]
  if (!opened.value()) return OptimisticRollupError::no_fee_account;
  Account operator_account = *opened.value();
  const Checked balance = checked_add(operator_account.balance, fee);
  // Verify: fee account balance + fee <= UINT64_MAX [OR-FEE-2]
  if (balance.overflow) return OptimisticRollupError::fee_balance_overflow;
  operator_account.balance = balance.value;
  store.write(fee_account, operator_account);
  return OptimisticRollupError::none;
}

// spec: optimistic_rollup.md#apply_transfer
template <AccountStore Store, SignatureCheck Check>
constexpr OptimisticRollupError apply_transfer(Store& store, const L2Params& params, const Transfer& t,
                                     const Check& signature_check) {
  const Hash32 digest = transfer_digest(params, t);
  if (const OptimisticRollupError e = debit_sender(store, t.from, t.amount, t.fee, t.nonce, digest, t.signature, signature_check);
      e != OptimisticRollupError::none)
    return e;
  const auto opened = store.open(t.to);
  if (!opened) return opened.error();
  // Verify: the receiving account exists [OR-XFER-1]
  if (!opened.value()) return OptimisticRollupError::unknown_recipient;
  Account recipient = *opened.value();
  const Checked balance = checked_add(recipient.balance, t.amount);
  // Verify: recipient balance + amount <= UINT64_MAX [OR-XFER-2]
  if (balance.overflow) return OptimisticRollupError::recipient_balance_overflow;
  recipient.balance = balance.value;
  store.write(t.to, recipient);
  return credit_fee(store, t.fee);
}

// spec: optimistic_rollup.md#apply_withdrawal
template <AccountStore Store, SignatureCheck Check>
constexpr OptimisticRollupError apply_withdrawal(Store& store, const L2Params& params, const Withdrawal& w,
                                       const Check& signature_check) {
  const Hash32 digest = withdrawal_digest(params, w);
  if (const OptimisticRollupError e = debit_sender(store, w.from, w.amount, w.fee, w.nonce, digest, w.signature, signature_check);
      e != OptimisticRollupError::none)
    return e;
  // The amount leaves L2 here; L1 pays it to l1_recipient once the batch is final.
  return credit_fee(store, w.fee);
}

// spec: optimistic_rollup.md#apply_deposit
template <AccountStore Store>
constexpr OptimisticRollupError apply_deposit(Store& store, const L2Params& params, const L1View& l1, u64& deposits_credited,
                                    const Deposit& d) {
  // Verify: deposit_index >= deposits_credited, else it was credited before [OR-DEP-1]
  if (d.deposit_index < deposits_credited) return OptimisticRollupError::deposit_already_credited;
  // Verify: deposit_index <= deposits_credited [OR-DEP-2]
  if (d.deposit_index > deposits_credited) return OptimisticRollupError::deposit_out_of_order;
  const Hash32* recorded = l1.deposit_id_at(d.deposit_index);
  // Verify: L1 had recorded a deposit with this index when the batch was submitted [OR-DEP-3]
  if (recorded == nullptr) return OptimisticRollupError::deposit_not_recorded;
  // Verify: deposit_id(d) is the id L1 recorded at deposit_index [OR-DEP-4]
  if (deposit_id(params, d) != *recorded) return OptimisticRollupError::deposit_mismatch;
  const auto opened = store.open(d.to);
  if (!opened) return opened.error();
  Account account{};
  if (d.new_owner) {
    // Verify: an account-creating deposit names an empty slot [OR-DEP-5]
    if (opened.value()) return OptimisticRollupError::account_exists;
    account = Account{d.amount, 0, *d.new_owner};
  } else {
    // Verify: a top-up deposit names an existing account [OR-DEP-6]
    if (!opened.value()) return OptimisticRollupError::unknown_account;
    account = *opened.value();
    const Checked balance = checked_add(account.balance, d.amount);
    // Verify: balance + amount <= UINT64_MAX [OR-DEP-7]
    if (balance.overflow) return OptimisticRollupError::deposit_balance_overflow;
    account.balance = balance.value;
  }
  store.write(d.to, account);
  // The view holds deposit_index, so deposit_index < deposit_base + deposit_ids.size(), which a view
  // keeps <= UINT64_MAX: the count cannot overflow.
  deposits_credited = d.deposit_index + 1;
  return OptimisticRollupError::none;
}

// spec: optimistic_rollup.md#apply_forced_exit
template <AccountStore Store>
constexpr OptimisticRollupError apply_forced_exit(Store& store, const L2Params& params, const L1View& l1,
                                        u64& forced_exits_processed, const ForcedExit& e) {
  // Verify: request_index >= forced_exits_processed, else it was processed before [OR-FEX-1]
  if (e.request_index < forced_exits_processed) return OptimisticRollupError::forced_exit_already_processed;
  // Verify: request_index <= forced_exits_processed [OR-FEX-2]
  if (e.request_index > forced_exits_processed) return OptimisticRollupError::forced_exit_out_of_order;
  const Hash32* recorded = l1.forced_exit_id_at(e.request_index);
  // Verify: L1 had recorded a forced exit with this index in the batch's L1 view [OR-FEX-3]
  if (recorded == nullptr) return OptimisticRollupError::forced_exit_not_recorded;
  // Verify: forced_exit_id(e) is the id L1 recorded at request_index [OR-FEX-4]
  if (forced_exit_id(params, e) != *recorded) return OptimisticRollupError::forced_exit_mismatch;
  const auto opened = store.open(e.from);
  if (!opened) return opened.error();
  const bool owned = opened.value() && opened.value()->owner == e.requester;
  // Verify: amount is the whole balance if the requester owns the account, else 0 [OR-FEX-5]
  if (e.amount != (owned ? opened.value()->balance : 0)) return OptimisticRollupError::forced_exit_wrong_amount;
  if (owned) {
    Account account = *opened.value();
    account.balance = 0;  // the whole balance leaves L2; L1 pays it once the batch is final
    store.write(e.from, account);
  }
  // The view holds request_index, so request_index < forced_exit_base + forced_exit_ids.size(), which
  // a view keeps <= UINT64_MAX: the count cannot overflow.
  forced_exits_processed = e.request_index + 1;
  return OptimisticRollupError::none;
}

// How many of L1's deposits and forced exits the state has processed.
struct Counters {
  u64 deposits_credited = 0;
  u64 forced_exits_processed = 0;
};

// One transaction against a store. On success the store holds the post-state and the counters are
// updated; on an error both are to be discarded. spec: optimistic_rollup.md#apply_tx
template <AccountStore Store, SignatureCheck Check>
constexpr OptimisticRollupError execute_transaction(Store& store, const L2Params& params, const L1View& l1, Counters& counters,
                                          const Transaction& tx, const Check& signature_check) {
  if (const OptimisticRollupError e = check_shape(tx); e != OptimisticRollupError::none) return e;
  switch (tx.kind) {
    case TxKind::transfer: return apply_transfer(store, params, *tx.transfer, signature_check);
    case TxKind::deposit: return apply_deposit(store, params, l1, counters.deposits_credited, *tx.deposit);
    case TxKind::withdrawal: return apply_withdrawal(store, params, *tx.withdrawal, signature_check);
    case TxKind::forced_exit: return apply_forced_exit(store, params, l1, counters.forced_exits_processed, *tx.forced_exit);
  }
  return OptimisticRollupError::tx_malformed;
}

// ---------------------------------------------------------------------------------------------
// The stateless step. spec: optimistic_rollup.md#apply_tx

// Reads the witness's openings in order. Each opening is checked against the accounts root as it
// stands after the writes before it, and a write moves the root along the path the opening proved.
class WitnessCursor {
 public:
  constexpr WitnessCursor(const Hash32& accounts_root, std::span<const AccountWitness> openings)
      : accounts_root_(accounts_root), openings_(openings) {}

  constexpr Result<std::optional<Account>, OptimisticRollupError> open(AccountIndex index) {
    // Verify: the witness has another opening [OR-WIT-2]
    if (next_ >= openings_.size()) return OptimisticRollupError::witness_missing;
    const AccountWitness& opening = openings_[next_];
    // Verify: the opening is for the account read [OR-WIT-3]
    if (opening.index != index) return OptimisticRollupError::witness_wrong_account;
    const std::optional<Hash32> value =
        opening.account ? std::optional<Hash32>(account_value(*opening.account)) : std::nullopt;
    // Verify: the opening leads to the current accounts root [OR-WIT-4]
    if (smt::root_from_proof(proof_of(opening), value) != accounts_root_) return OptimisticRollupError::witness_root_mismatch;
    ++next_;
    return opening.account;
  }

  // Contract: follows a successful open(index).
  constexpr void write(AccountIndex /*index*/, const Account& account) {
    accounts_root_ = smt::root_after_update(proof_of(openings_[next_ - 1]), account_value(account));
  }

  constexpr const Hash32& accounts_root() const { return accounts_root_; }

 private:
  static constexpr smt::Proof proof_of(const AccountWitness& opening) {
    smt::Proof proof;
    proof.index = opening.index;
    proof.siblings = opening.siblings;
    return proof;
  }

  Hash32 accounts_root_;
  std::span<const AccountWitness> openings_;
  std::size_t next_ = 0;
};

// The step a fraud proof re-executes: the post-state root of `tx` applied to the state whose root
// is pre_root, read through `witness`; or the first failing rule. A witness error (OR-WIT-*) says
// the witness is wrong; any other error says the transaction is invalid in that state. Openings
// past the ones the transaction reads are ignored.
template <SignatureCheck Check = Bip340Check>
constexpr Result<Hash32, OptimisticRollupError> apply_tx(const L2Params& params, const L1View& l1, const Hash32& pre_root,
                                               const TxWitness& witness, const Transaction& tx,
                                               const Check& signature_check = {}) {
  if (const OptimisticRollupError e = check_shape(tx); e != OptimisticRollupError::none) return e;
  // Verify: the witness's state header hashes to pre_root [OR-WIT-1]
  if (state_root(witness.pre_state) != pre_root) return OptimisticRollupError::witness_state_mismatch;
  WitnessCursor cursor(witness.pre_state.accounts_root, witness.accounts);
  Counters counters{witness.pre_state.deposits_credited, witness.pre_state.forced_exits_processed};
  if (const OptimisticRollupError e = execute_transaction(cursor, params, l1, counters, tx, signature_check); e != OptimisticRollupError::none)
    return e;
  return state_root(StateHeader{cursor.accounts_root(), counters.deposits_credited, counters.forced_exits_processed});
}

// The same step over the transaction's canonical bytes, as a batch commits to them.
// spec: optimistic_rollup.md#check_shape
template <SignatureCheck Check = Bip340Check>
constexpr Result<Hash32, OptimisticRollupError> apply_encoded_tx(const L2Params& params, const L1View& l1, const Hash32& pre_root,
                                                       const TxWitness& witness, std::span<const u8> encoded_tx,
                                                       const Check& signature_check = {}) {
  const auto decoded = reflect::decode<Transaction>(encoded_tx);
  // Verify: the bytes decode to a Transaction [OR-TX-1]
  if (!decoded) return OptimisticRollupError::tx_malformed;
  return apply_tx(params, l1, pre_root, witness, decoded.value(), signature_check);
}

// ---------------------------------------------------------------------------------------------
// The stateful form. spec: optimistic_rollup.md#the-stateful-form

// The full L2 state: the account tree (slot values are account_value(account)), the accounts
// themselves, and the counters of processed L1 requests.
class State {
 public:
  using Entry = std::pair<AccountIndex, Account>;

  constexpr State() = default;

  // spec: optimistic_rollup.md#genesis
  static constexpr State genesis(const Hash32& operator_key) {
    State state;
    state.put(fee_account, Account{0, 0, operator_key});
    return state;
  }

  constexpr std::optional<Account> account(AccountIndex index) const {
    const auto it = std::lower_bound(accounts_.begin(), accounts_.end(), index, before);
    if (it == accounts_.end() || it->first != index) return std::nullopt;
    return it->second;
  }
  constexpr std::span<const Entry> accounts() const { return accounts_; }
  constexpr u64 deposits_credited() const { return counters_.deposits_credited; }
  constexpr u64 forced_exits_processed() const { return counters_.forced_exits_processed; }
  constexpr const Counters& counters() const { return counters_; }
  constexpr StateHeader header() const {
    return StateHeader{tree_.root(), counters_.deposits_credited, counters_.forced_exits_processed};
  }
  constexpr Hash32 root() const { return state_root(header()); }

  constexpr smt::Proof prove(AccountIndex index) const { return tree_.prove(index); }

  constexpr void put(AccountIndex index, const Account& value) {
    tree_.set(index, account_value(value));
    const auto it = std::lower_bound(accounts_.begin(), accounts_.end(), index, before);
    if (it != accounts_.end() && it->first == index) {
      it->second = value;
    } else {
      accounts_.insert(it, {index, value});
    }
  }
  constexpr void set_counters(const Counters& counters) { counters_ = counters; }

 private:
  static constexpr bool before(const Entry& entry, AccountIndex wanted) { return entry.first < wanted; }

  smt::Tree tree_;
  std::vector<Entry> accounts_;  // sorted by index
  Counters counters_;
};

// The state as a store; records an opening of every read, so that the stateful run yields the
// witness the stateless step needs.
class StateStore {
 public:
  constexpr explicit StateStore(State& state) : state_(state) {}

  constexpr Result<std::optional<Account>, OptimisticRollupError> open(AccountIndex index) {
    const std::optional<Account> account = state_.account(index);
    openings_.push_back(AccountWitness{index, account, state_.prove(index).siblings});
    return account;
  }
  constexpr void write(AccountIndex index, const Account& account) { state_.put(index, account); }

  constexpr std::vector<AccountWitness> take_openings() { return std::move(openings_); }

 private:
  State& state_;
  std::vector<AccountWitness> openings_;
};

// A transaction applied to a full state, with the witness the stateless step reads for it.
struct Execution {
  State post_state;
  TxWitness witness;
};

template <SignatureCheck Check = Bip340Check>
constexpr Result<Execution, OptimisticRollupError> execute_tx(const L2Params& params, const L1View& l1, const State& pre_state,
                                                    const Transaction& tx, const Check& signature_check = {}) {
  Execution execution{pre_state, TxWitness{pre_state.header(), {}}};
  StateStore store(execution.post_state);
  Counters counters = pre_state.counters();
  if (const OptimisticRollupError e = execute_transaction(store, params, l1, counters, tx, signature_check); e != OptimisticRollupError::none)
    return e;
  execution.post_state.set_counters(counters);
  execution.witness.accounts = store.take_openings();
  return execution;
}

// The stateful step: the post-state, or the first failing rule with the state left as it was.
template <SignatureCheck Check = Bip340Check>
constexpr Result<State, OptimisticRollupError> apply_tx(const L2Params& params, const L1View& l1, const State& pre_state,
                                              const Transaction& tx, const Check& signature_check = {}) {
  auto executed = execute_tx(params, l1, pre_state, tx, signature_check);
  if (!executed) return executed.error();
  return std::move(executed).value().post_state;
}

// The witness for `tx` even when it is invalid: the openings read up to the failing rule. A
// challenger proving an invalid transaction needs exactly these.
template <SignatureCheck Check = Bip340Check>
constexpr TxWitness witness_for(const L2Params& params, const L1View& l1, const State& pre_state, const Transaction& tx,
                                const Check& signature_check = {}) {
  State scratch = pre_state;
  StateStore store(scratch);
  Counters counters = pre_state.counters();
  static_cast<void>(execute_transaction(store, params, l1, counters, tx, signature_check));
  return TxWitness{pre_state.header(), store.take_openings()};
}

// The data of an honest batch: apply every transaction in order and record the root after each.
// Every transaction must be valid: a batch must not contain an invalid one.
// spec: optimistic_rollup.md#batch
struct BatchExecution {
  State post_state;
  std::vector<Hash32> state_roots;  // n + 1 roots, the pre-state's first
};

template <SignatureCheck Check = Bip340Check>
constexpr Result<BatchExecution, OptimisticRollupError> execute_batch(const L2Params& params, const L1View& l1,
                                                            const State& pre_state,
                                                            std::span<const Transaction> transactions,
                                                            const Check& signature_check = {}) {
  BatchExecution batch{pre_state, {pre_state.root()}};
  for (const Transaction& tx : transactions) {
    auto next = apply_tx(params, l1, batch.post_state, tx, signature_check);
    if (!next) return next.error();
    batch.post_state = std::move(next).value();
    batch.state_roots.push_back(batch.post_state.root());
  }
  return batch;
}

}  // namespace l2::ref::optimistic_rollup
