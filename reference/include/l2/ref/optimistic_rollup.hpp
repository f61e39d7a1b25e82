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
#include "l2/ref/errors.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/sparse_merkle.hpp"

namespace l2 {

// spec: optimistic_rollup.md#errors
enum class RollupError : u8 {
  none = 0,
  // L2 transactions (reference: this header)
  tx_malformed,                    // OR-TX-1
  witness_state_mismatch,          // OR-WIT-1
  witness_missing,                 // OR-WIT-2
  witness_wrong_account,           // OR-WIT-3
  witness_root_mismatch,           // OR-WIT-4
  unknown_sender,                  // OR-SEND-1
  bad_signature,                   // OR-SEND-2
  nonce_replayed,                  // OR-SEND-3
  nonce_gap,                       // OR-SEND-4
  nonce_exhausted,                 // OR-SEND-5
  amount_overflow,                 // OR-SEND-6
  insufficient_balance,            // OR-SEND-7
  unknown_recipient,               // OR-XFER-1
  recipient_balance_overflow,      // OR-XFER-2
  no_fee_account,                  // OR-FEE-1
  fee_balance_overflow,            // OR-FEE-2
  deposit_already_credited,        // OR-DEP-1
  deposit_out_of_order,            // OR-DEP-2
  deposit_not_recorded,            // OR-DEP-3
  deposit_mismatch,                // OR-DEP-4
  account_exists,                  // OR-DEP-5
  unknown_account,                 // OR-DEP-6
  deposit_balance_overflow,        // OR-DEP-7
  // L1 contract (reference: optimistic_rollup_contract.hpp)
  config_invalid,                  // OR-DEPLOY-1
  not_operator,                    // OR-STAKE-1
  stake_below_minimum,             // OR-STAKE-2
  stake_overflow,                  // OR-STAKE-3
  stake_locked,                    // OR-UNSTAKE-1
  batches_pending,                 // OR-UNSTAKE-2
  escrow_overflow,                 // OR-BRIDGE-1
  deposit_unknown_account,         // OR-BRIDGE-2
  accounts_exhausted,              // OR-BRIDGE-3
  operator_understaked,            // OR-BATCH-1
  batch_wrong_rollup,              // OR-BATCH-2
  batch_out_of_order,              // OR-BATCH-3
  batch_prev_root_mismatch,        // OR-BATCH-4
  batch_empty,                     // OR-BATCH-5
  batch_too_large,                 // OR-BATCH-6
  batch_count_mismatch,            // OR-BATCH-7
  batch_tx_root_mismatch,          // OR-BATCH-8
  batch_state_root_count,          // OR-BATCH-9
  batch_state_root_endpoints,      // OR-BATCH-10
  batch_state_roots_mismatch,      // OR-BATCH-11
  bad_operator_signature,          // OR-BATCH-12
  challenge_unknown_batch,         // OR-CHAL-1
  challenge_too_late,              // OR-CHAL-2
  challenge_bond_too_small,        // OR-CHAL-3
  challenge_type_not_applicable,   // OR-CHAL-4
  challenge_duplicate,             // OR-CHAL-5
  challenge_bond_overflow,         // OR-CHAL-6
  unknown_challenge,               // OR-RES-1
  challenge_expired,               // OR-RES-2
  reveal_too_early,                // OR-RES-3
  evidence_mismatch,               // OR-RES-4
  fraud_batch_mismatch,            // OR-FP-1
  fraud_evidence_shape,            // OR-FP-2
  fraud_tx_not_included,           // OR-FP-3
  fraud_pre_root_not_included,     // OR-FP-4
  fraud_post_root_not_included,    // OR-FP-5
  fraud_bad_witness,               // OR-FP-6
  fraud_no_fault,                  // OR-FP-7
  fraud_type_mismatch,             // OR-FP-8
  fraud_bad_state_opening,         // OR-FP-9
  fraud_deposit_not_overdue,       // OR-FP-10
  fraud_deposit_credited,          // OR-FP-11
  challenge_not_expired,           // OR-EXP-1
  not_challenger,                  // OR-WDC-1
  nothing_to_finalize,             // OR-FIN-1
  challenge_period_open,           // OR-FIN-2
  challenges_open,                 // OR-FIN-3
  pay_batch_not_final,             // OR-PAY-1
  pay_tx_not_included,             // OR-PAY-2
  pay_not_withdrawal,              // OR-PAY-3
  pay_already_paid,                // OR-PAY-4
  pay_escrow_insufficient,         // OR-PAY-5
};

constexpr ErrorInfo error_info(RollupError e) {
  using enum RollupError;
  switch (e) {
    case none: return {"OK", "", "no error"};
    case tx_malformed: return {"OR_TX_MALFORMED", "OR-TX-1", "the transaction does not decode, or its kind does not name its one present body"};
    case witness_state_mismatch: return {"OR_WITNESS_STATE_MISMATCH", "OR-WIT-1", "the witness's state header does not hash to the pre-state root"};
    case witness_missing: return {"OR_WITNESS_MISSING", "OR-WIT-2", "the transaction reads more accounts than the witness opens"};
    case witness_wrong_account: return {"OR_WITNESS_WRONG_ACCOUNT", "OR-WIT-3", "the next account opening is for another index than the one read"};
    case witness_root_mismatch: return {"OR_WITNESS_ROOT_MISMATCH", "OR-WIT-4", "the account opening does not lead to the current accounts root"};
    case unknown_sender: return {"OR_UNKNOWN_SENDER", "OR-SEND-1", "the sending account does not exist"};
    case bad_signature: return {"OR_BAD_SIGNATURE", "OR-SEND-2", "the signature is not the sender's BIP-340 signature of the transaction digest"};
    case nonce_replayed: return {"OR_NONCE_REPLAYED", "OR-SEND-3", "the nonce is below the sender's nonce: the transaction was already applied"};
    case nonce_gap: return {"OR_NONCE_GAP", "OR-SEND-4", "the nonce is above the sender's nonce"};
    case nonce_exhausted: return {"OR_NONCE_EXHAUSTED", "OR-SEND-5", "the sender's nonce is UINT64_MAX and cannot advance"};
    case amount_overflow: return {"OR_AMOUNT_OVERFLOW", "OR-SEND-6", "amount + fee exceeds UINT64_MAX"};
    case insufficient_balance: return {"OR_INSUFFICIENT_BALANCE", "OR-SEND-7", "the sender's balance is below amount + fee"};
    case unknown_recipient: return {"OR_UNKNOWN_RECIPIENT", "OR-XFER-1", "the receiving account does not exist"};
    case recipient_balance_overflow: return {"OR_RECIPIENT_BALANCE_OVERFLOW", "OR-XFER-2", "the recipient's balance + amount exceeds UINT64_MAX"};
    case no_fee_account: return {"OR_NO_FEE_ACCOUNT", "OR-FEE-1", "the operator's fee account (index 0) does not exist"};
    case fee_balance_overflow: return {"OR_FEE_BALANCE_OVERFLOW", "OR-FEE-2", "the fee account's balance + fee exceeds UINT64_MAX"};
    case deposit_already_credited: return {"OR_DEPOSIT_ALREADY_CREDITED", "OR-DEP-1", "the deposit's index is below deposits_credited: it was credited before"};
    case deposit_out_of_order: return {"OR_DEPOSIT_OUT_OF_ORDER", "OR-DEP-2", "the deposit's index is above deposits_credited: an earlier deposit was skipped"};
    case deposit_not_recorded: return {"OR_DEPOSIT_NOT_RECORDED", "OR-DEP-3", "L1 had recorded no deposit with this index when the batch was submitted"};
    case deposit_mismatch: return {"OR_DEPOSIT_MISMATCH", "OR-DEP-4", "the deposit's id differs from the id L1 recorded at its index"};
    case account_exists: return {"OR_ACCOUNT_EXISTS", "OR-DEP-5", "an account-creating deposit names an occupied slot"};
    case unknown_account: return {"OR_UNKNOWN_ACCOUNT", "OR-DEP-6", "a top-up deposit names an empty slot"};
    case deposit_balance_overflow: return {"OR_DEPOSIT_BALANCE_OVERFLOW", "OR-DEP-7", "the account's balance + deposit amount exceeds UINT64_MAX"};
    case config_invalid: return {"OR_CONFIG_INVALID", "OR-DEPLOY-1", "penalty_percentage is above 100, or max_batch_size, challenge_period_blocks or resolution_period_blocks is too small to work"};
    case not_operator: return {"OR_NOT_OPERATOR", "OR-STAKE-1", "only the rollup's operator may stake"};
    case stake_below_minimum: return {"OR_STAKE_BELOW_MINIMUM", "OR-STAKE-2", "the first stake is below minimum_stake"};
    case stake_overflow: return {"OR_STAKE_OVERFLOW", "OR-STAKE-3", "the contract's holdings + added stake exceed UINT64_MAX"};
    case stake_locked: return {"OR_STAKE_LOCKED", "OR-UNSTAKE-1", "the stake is withdrawn before stake_unlock_height"};
    case batches_pending: return {"OR_BATCHES_PENDING", "OR-UNSTAKE-2", "the stake is withdrawn while a batch is not final"};
    case escrow_overflow: return {"OR_ESCROW_OVERFLOW", "OR-BRIDGE-1", "the contract's holdings + deposit amount exceed UINT64_MAX"};
    case deposit_unknown_account: return {"OR_DEPOSIT_UNKNOWN_ACCOUNT", "OR-BRIDGE-2", "a top-up deposit names an index L1 never assigned"};
    case accounts_exhausted: return {"OR_ACCOUNTS_EXHAUSTED", "OR-BRIDGE-3", "every account index is assigned"};
    case operator_understaked: return {"OR_OPERATOR_UNDERSTAKED", "OR-BATCH-1", "the operator's stake is below minimum_stake"};
    case batch_wrong_rollup: return {"OR_BATCH_WRONG_ROLLUP", "OR-BATCH-2", "the header names another chain or rollup"};
    case batch_out_of_order: return {"OR_BATCH_OUT_OF_ORDER", "OR-BATCH-3", "batch_number is not the next batch number"};
    case batch_prev_root_mismatch: return {"OR_BATCH_PREV_ROOT_MISMATCH", "OR-BATCH-4", "prev_state_root is not the last accepted post_state_root"};
    case batch_empty: return {"OR_BATCH_EMPTY", "OR-BATCH-5", "the batch has no transaction"};
    case batch_too_large: return {"OR_BATCH_TOO_LARGE", "OR-BATCH-6", "the batch has more than max_batch_size transactions"};
    case batch_count_mismatch: return {"OR_BATCH_COUNT_MISMATCH", "OR-BATCH-7", "transaction_count differs from the number of posted transactions"};
    case batch_tx_root_mismatch: return {"OR_BATCH_TX_ROOT_MISMATCH", "OR-BATCH-8", "transactions_root is not the RFC 6962 root of the posted transactions"};
    case batch_state_root_count: return {"OR_BATCH_STATE_ROOT_COUNT", "OR-BATCH-9", "the intermediate state roots are not transaction_count + 1"};
    case batch_state_root_endpoints: return {"OR_BATCH_STATE_ROOT_ENDPOINTS", "OR-BATCH-10", "the first and last intermediate roots are not prev_state_root and post_state_root"};
    case batch_state_roots_mismatch: return {"OR_BATCH_STATE_ROOTS_MISMATCH", "OR-BATCH-11", "state_roots_root is not the RFC 6962 root of the posted intermediate roots"};
    case bad_operator_signature: return {"OR_BAD_OPERATOR_SIGNATURE", "OR-BATCH-12", "the signature is not the operator's BIP-340 signature of batch_id"};
    case challenge_unknown_batch: return {"OR_CHALLENGE_UNKNOWN_BATCH", "OR-CHAL-1", "no pending batch has this batch_id"};
    case challenge_too_late: return {"OR_CHALLENGE_TOO_LATE", "OR-CHAL-2", "challenge at or after the batch's challenge_deadline"};
    case challenge_bond_too_small: return {"OR_CHALLENGE_BOND_TOO_SMALL", "OR-CHAL-3", "the bond is below min_challenge_bond"};
    case challenge_type_not_applicable: return {"OR_CHALLENGE_TYPE_NOT_APPLICABLE", "OR-CHAL-4", "data_withholding does not apply to this rollup"};
    case challenge_duplicate: return {"OR_CHALLENGE_DUPLICATE", "OR-CHAL-5", "this challenger already has an open challenge with this evidence"};
    case challenge_bond_overflow: return {"OR_CHALLENGE_BOND_OVERFLOW", "OR-CHAL-6", "the contract's holdings + bond exceed UINT64_MAX"};
    case unknown_challenge: return {"OR_UNKNOWN_CHALLENGE", "OR-RES-1", "no open challenge has this challenge_id"};
    case challenge_expired: return {"OR_CHALLENGE_EXPIRED", "OR-RES-2", "the challenge is resolved or withdrawn at or after its deadline"};
    case reveal_too_early: return {"OR_REVEAL_TOO_EARLY", "OR-RES-3", "the proof is revealed in the block that opened the challenge"};
    case evidence_mismatch: return {"OR_EVIDENCE_MISMATCH", "OR-RES-4", "the revealed fraud proof does not hash to the committed evidence"};
    case fraud_batch_mismatch: return {"OR_FRAUD_BATCH_MISMATCH", "OR-FP-1", "the proof names another batch or another type than the challenge"};
    case fraud_evidence_shape: return {"OR_FRAUD_EVIDENCE_SHAPE", "OR-FP-2", "the proof does not carry exactly the evidence its type needs"};
    case fraud_tx_not_included: return {"OR_FRAUD_TX_NOT_INCLUDED", "OR-FP-3", "the transaction is not at transaction_index in transactions_root"};
    case fraud_pre_root_not_included: return {"OR_FRAUD_PRE_ROOT_NOT_INCLUDED", "OR-FP-4", "the pre-root is not at transaction_index in state_roots_root"};
    case fraud_post_root_not_included: return {"OR_FRAUD_POST_ROOT_NOT_INCLUDED", "OR-FP-5", "the post-root is not at transaction_index + 1 in state_roots_root"};
    case fraud_bad_witness: return {"OR_FRAUD_BAD_WITNESS", "OR-FP-6", "re-execution stopped on a witness rule: the proof, not the batch, is wrong"};
    case fraud_no_fault: return {"OR_FRAUD_NO_FAULT", "OR-FP-7", "the transaction is valid and the claimed post-root is the true one"};
    case fraud_type_mismatch: return {"OR_FRAUD_TYPE_MISMATCH", "OR-FP-8", "the fault found is not of the proof's type"};
    case fraud_bad_state_opening: return {"OR_FRAUD_BAD_STATE_OPENING", "OR-FP-9", "the state header does not hash to the batch's post_state_root"};
    case fraud_deposit_not_overdue: return {"OR_FRAUD_DEPOSIT_NOT_OVERDUE", "OR-FP-10", "the deposit was not overdue when the batch was submitted"};
    case fraud_deposit_credited: return {"OR_FRAUD_DEPOSIT_CREDITED", "OR-FP-11", "the batch's post-state has credited the deposit"};
    case challenge_not_expired: return {"OR_CHALLENGE_NOT_EXPIRED", "OR-EXP-1", "the challenge is expired before its deadline"};
    case not_challenger: return {"OR_NOT_CHALLENGER", "OR-WDC-1", "only the challenger may withdraw its challenge"};
    case nothing_to_finalize: return {"OR_NOTHING_TO_FINALIZE", "OR-FIN-1", "no batch is pending"};
    case challenge_period_open: return {"OR_CHALLENGE_PERIOD_OPEN", "OR-FIN-2", "the oldest pending batch's challenge_deadline is not reached"};
    case challenges_open: return {"OR_CHALLENGES_OPEN", "OR-FIN-3", "the oldest pending batch has an open challenge"};
    case pay_batch_not_final: return {"OR_PAY_BATCH_NOT_FINAL", "OR-PAY-1", "the withdrawal's batch is not final"};
    case pay_tx_not_included: return {"OR_PAY_TX_NOT_INCLUDED", "OR-PAY-2", "the withdrawal is not at the claimed index of the batch's transactions_root"};
    case pay_not_withdrawal: return {"OR_PAY_NOT_WITHDRAWAL", "OR-PAY-3", "the included transaction is not a withdrawal"};
    case pay_already_paid: return {"OR_PAY_ALREADY_PAID", "OR-PAY-4", "the withdrawal was already paid"};
    case pay_escrow_insufficient: return {"OR_PAY_ESCROW_INSUFFICIENT", "OR-PAY-5", "the escrow is below the amount: only an unchallenged fraud can lead here"};
  }
  return {"UNKNOWN", "", "unknown error"};
}

inline constexpr auto all_rollup_errors = [] {
  std::array<RollupError, static_cast<std::size_t>(RollupError::pay_escrow_insufficient)> errors{};
  for (std::size_t i = 0; i < errors.size(); ++i) errors[i] = static_cast<RollupError>(i + 1);
  return errors;
}();

// The L2-transaction rules: the ones this header's apply_tx returns.
inline constexpr RollupError last_transaction_error = RollupError::deposit_balance_overflow;

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

// What the state root commits to: the account tree and how many L1 deposits have been credited.
// spec: optimistic_rollup.md#state_root
struct StateHeader {
  BOOST_HANA_DEFINE_STRUCT(StateHeader, (Hash32, accounts_root), (u64, deposits_credited));
};

// What every transaction is bound to. spec: optimistic_rollup.md#l2params
struct L2Params {
  BOOST_HANA_DEFINE_STRUCT(L2Params, (u64, chain_id), (Hash32, rollup_id));
};

// The L1 view a transaction may read: the ids of the deposits L1 had recorded, in order, when the
// batch was submitted. spec: optimistic_rollup.md#l1view
struct L1View {
  std::span<const Hash32> deposit_ids;
};

// ---------------------------------------------------------------------------------------------
// Transactions. spec: optimistic_rollup.md#transactions

enum class TxKind : u8 { transfer, deposit, withdrawal };
L2_REFLECT_ENUM(TxKind, transfer, deposit, withdrawal)

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

// A tagged union: `kind` names the one body that is present.
struct Transaction {
  BOOST_HANA_DEFINE_STRUCT(Transaction, (TxKind, kind), (std::optional<Transfer>, transfer),
                           (std::optional<Deposit>, deposit), (std::optional<Withdrawal>, withdrawal));
};

constexpr Transaction make_transaction(const Transfer& body) { return {TxKind::transfer, body, std::nullopt, std::nullopt}; }
constexpr Transaction make_transaction(const Deposit& body) { return {TxKind::deposit, std::nullopt, body, std::nullopt}; }
constexpr Transaction make_transaction(const Withdrawal& body) {
  return {TxKind::withdrawal, std::nullopt, std::nullopt, body};
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

// What the operator signs (its batch_id) and what L1 keeps of a batch.
struct BatchHeader {
  BOOST_HANA_DEFINE_STRUCT(BatchHeader, (u64, chain_id), (Hash32, rollup_id), (u64, batch_number),
                           (Hash32, prev_state_root), (Hash32, post_state_root), (Hash32, transactions_root),
                           (u64, transaction_count), (Hash32, state_roots_root));
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
constexpr bool is_witness_error(RollupError e) {
  return e == RollupError::witness_state_mismatch || e == RollupError::witness_missing ||
         e == RollupError::witness_wrong_account || e == RollupError::witness_root_mismatch;
}

// A transaction rule failed: the transaction is invalid in that state.
constexpr bool is_transaction_error(RollupError e) {
  return e != RollupError::none && e <= last_transaction_error && !is_witness_error(e);
}

// The fault an invalid transaction inside a batch proves. Contract: is_transaction_error(e).
// spec: optimistic_rollup.md#fraudprooftype
constexpr FraudProofType fault_type(RollupError e) {
  switch (e) {
    case RollupError::bad_signature: return FraudProofType::invalid_signature;
    case RollupError::nonce_replayed:
    case RollupError::insufficient_balance:
    case RollupError::deposit_already_credited: return FraudProofType::double_spend;
    default: return FraudProofType::invalid_transition;
  }
}

// ---------------------------------------------------------------------------------------------
// Signatures.

template <class F>
concept SignatureCheck = requires(const F& check, const Hash32& pubkey, const Hash32& digest, const Signature& sig) {
  { check(pubkey, digest, sig) } -> std::same_as<bool>;
};

// BIP-340 over the 32-byte digest. spec: crypto_schnorr.md#verify
struct Bip340Check {
  constexpr bool operator()(const Hash32& pubkey, const Hash32& digest, const Signature& signature) const {
    return bip340::verify(pubkey, digest, signature) == PrimitiveError::none;
  }
};

// ---------------------------------------------------------------------------------------------
// The transaction rules, once, over an account store. A store answers open(index) with the
// slot's account (nullopt: empty) or a witness error, and write(index, account) after an open of
// the same index.

template <class S>
concept AccountStore = requires(S& store, AccountIndex index, const Account& account) {
  { store.open(index) } -> std::same_as<Result<std::optional<Account>, RollupError>>;
  { store.write(index, account) } -> std::same_as<void>;
};

// Exactly the body named by `kind` is present.
constexpr bool has_only_its_body(const Transaction& tx) {
  switch (tx.kind) {
    case TxKind::transfer: return tx.transfer.has_value() && !tx.deposit && !tx.withdrawal;
    case TxKind::deposit: return tx.deposit.has_value() && !tx.transfer && !tx.withdrawal;
    case TxKind::withdrawal: return tx.withdrawal.has_value() && !tx.transfer && !tx.deposit;
  }
  return false;
}

// spec: optimistic_rollup.md#check_shape
constexpr RollupError check_shape(const Transaction& tx) {
  // Verify: kind names the one body that is present [OR-TX-1]
  if (!has_only_its_body(tx)) return RollupError::tx_malformed;
  return RollupError::none;
}

// The sender's side of a signed transaction (transfer or withdrawal): checks, then the debit.
// spec: optimistic_rollup.md#debit_sender
template <AccountStore Store, SignatureCheck Check>
constexpr RollupError debit_sender(Store& store, AccountIndex from, u64 amount, u64 fee, u64 nonce,
                                   const Hash32& digest, const Signature& signature, const Check& signature_check) {
  const auto opened = store.open(from);
  if (!opened) return opened.error();
  // Verify: the sending account exists [OR-SEND-1]
  if (!opened.value()) return RollupError::unknown_sender;
  Account sender = *opened.value();
  // Verify: the signature is the sender's BIP-340 signature of the digest [OR-SEND-2]
  if (!signature_check(sender.owner, digest, signature)) return RollupError::bad_signature;
  // Verify: nonce >= sender.nonce, else the transaction is a replay [OR-SEND-3]
  if (nonce < sender.nonce) return RollupError::nonce_replayed;
  // Verify: nonce <= sender.nonce [OR-SEND-4]
  if (nonce > sender.nonce) return RollupError::nonce_gap;
  const Checked next_nonce = checked_add(sender.nonce, 1);
  // Verify: sender.nonce + 1 <= UINT64_MAX [OR-SEND-5]
  if (next_nonce.overflow) return RollupError::nonce_exhausted;
  const Checked total = checked_add(amount, fee);
  // Verify: amount + fee <= UINT64_MAX [OR-SEND-6]
  if (total.overflow) return RollupError::amount_overflow;
  const Checked remaining = checked_sub(sender.balance, total.value);
  // Verify: sender.balance >= amount + fee [OR-SEND-7]
  if (remaining.overflow) return RollupError::insufficient_balance;

  sender.balance = remaining.value;
  sender.nonce = next_nonce.value;
  store.write(from, sender);
  return RollupError::none;
}

// spec: optimistic_rollup.md#credit_fee
template <AccountStore Store>
constexpr RollupError credit_fee(Store& store, u64 fee) {
  const auto opened = store.open(fee_account);
  if (!opened) return opened.error();
  // Verify: the fee account exists [OR-FEE-1]
  if (!opened.value()) return RollupError::no_fee_account;
  Account operator_account = *opened.value();
  const Checked balance = checked_add(operator_account.balance, fee);
  // Verify: fee account balance + fee <= UINT64_MAX [OR-FEE-2]
  if (balance.overflow) return RollupError::fee_balance_overflow;
  operator_account.balance = balance.value;
  store.write(fee_account, operator_account);
  return RollupError::none;
}

// spec: optimistic_rollup.md#apply_transfer
template <AccountStore Store, SignatureCheck Check>
constexpr RollupError apply_transfer(Store& store, const L2Params& params, const Transfer& t,
                                     const Check& signature_check) {
  const Hash32 digest = transfer_digest(params, t);
  if (const RollupError e = debit_sender(store, t.from, t.amount, t.fee, t.nonce, digest, t.signature, signature_check);
      e != RollupError::none)
    return e;
  const auto opened = store.open(t.to);
  if (!opened) return opened.error();
  // Verify: the receiving account exists [OR-XFER-1]
  if (!opened.value()) return RollupError::unknown_recipient;
  Account recipient = *opened.value();
  const Checked balance = checked_add(recipient.balance, t.amount);
  // Verify: recipient balance + amount <= UINT64_MAX [OR-XFER-2]
  if (balance.overflow) return RollupError::recipient_balance_overflow;
  recipient.balance = balance.value;
  store.write(t.to, recipient);
  return credit_fee(store, t.fee);
}

// spec: optimistic_rollup.md#apply_withdrawal
template <AccountStore Store, SignatureCheck Check>
constexpr RollupError apply_withdrawal(Store& store, const L2Params& params, const Withdrawal& w,
                                       const Check& signature_check) {
  const Hash32 digest = withdrawal_digest(params, w);
  if (const RollupError e = debit_sender(store, w.from, w.amount, w.fee, w.nonce, digest, w.signature, signature_check);
      e != RollupError::none)
    return e;
  // The amount leaves L2 here; L1 pays it to l1_recipient once the batch is final.
  return credit_fee(store, w.fee);
}

// spec: optimistic_rollup.md#apply_deposit
template <AccountStore Store>
constexpr RollupError apply_deposit(Store& store, const L2Params& params, const L1View& l1, u64& deposits_credited,
                                    const Deposit& d) {
  // Verify: deposit_index >= deposits_credited, else it was credited before [OR-DEP-1]
  if (d.deposit_index < deposits_credited) return RollupError::deposit_already_credited;
  // Verify: deposit_index <= deposits_credited [OR-DEP-2]
  if (d.deposit_index > deposits_credited) return RollupError::deposit_out_of_order;
  // Verify: L1 had recorded a deposit with this index when the batch was submitted [OR-DEP-3]
  if (d.deposit_index >= l1.deposit_ids.size()) return RollupError::deposit_not_recorded;
  // Verify: deposit_id(d) is the id L1 recorded at deposit_index [OR-DEP-4]
  if (deposit_id(params, d) != l1.deposit_ids[d.deposit_index]) return RollupError::deposit_mismatch;
  const auto opened = store.open(d.to);
  if (!opened) return opened.error();
  Account account{};
  if (d.new_owner) {
    // Verify: an account-creating deposit names an empty slot [OR-DEP-5]
    if (opened.value()) return RollupError::account_exists;
    account = Account{d.amount, 0, *d.new_owner};
  } else {
    // Verify: a top-up deposit names an existing account [OR-DEP-6]
    if (!opened.value()) return RollupError::unknown_account;
    account = *opened.value();
    const Checked balance = checked_add(account.balance, d.amount);
    // Verify: balance + amount <= UINT64_MAX [OR-DEP-7]
    if (balance.overflow) return RollupError::deposit_balance_overflow;
    account.balance = balance.value;
  }
  store.write(d.to, account);
  // deposit_index < deposit_ids.size() <= SIZE_MAX, so the count cannot overflow.
  deposits_credited = d.deposit_index + 1;
  return RollupError::none;
}

// One transaction against a store. On success the store holds the post-state and
// deposits_credited is updated; on an error both are to be discarded.
// spec: optimistic_rollup.md#apply_tx
template <AccountStore Store, SignatureCheck Check>
constexpr RollupError execute_transaction(Store& store, const L2Params& params, const L1View& l1,
                                          u64& deposits_credited, const Transaction& tx, const Check& signature_check) {
  if (const RollupError e = check_shape(tx); e != RollupError::none) return e;
  switch (tx.kind) {
    case TxKind::transfer: return apply_transfer(store, params, *tx.transfer, signature_check);
    case TxKind::deposit: return apply_deposit(store, params, l1, deposits_credited, *tx.deposit);
    case TxKind::withdrawal: return apply_withdrawal(store, params, *tx.withdrawal, signature_check);
  }
  return RollupError::tx_malformed;
}

// ---------------------------------------------------------------------------------------------
// The stateless step. spec: optimistic_rollup.md#apply_tx

// Reads the witness's openings in order. Each opening is checked against the accounts root as it
// stands after the writes before it, and a write moves the root along the path the opening proved.
class WitnessCursor {
 public:
  constexpr WitnessCursor(const Hash32& accounts_root, std::span<const AccountWitness> openings)
      : accounts_root_(accounts_root), openings_(openings) {}

  constexpr Result<std::optional<Account>, RollupError> open(AccountIndex index) {
    // Verify: the witness has another opening [OR-WIT-2]
    if (next_ >= openings_.size()) return RollupError::witness_missing;
    const AccountWitness& opening = openings_[next_];
    // Verify: the opening is for the account read [OR-WIT-3]
    if (opening.index != index) return RollupError::witness_wrong_account;
    const std::optional<Hash32> value =
        opening.account ? std::optional<Hash32>(account_value(*opening.account)) : std::nullopt;
    // Verify: the opening leads to the current accounts root [OR-WIT-4]
    if (smt::root_from_proof(proof_of(opening), value) != accounts_root_) return RollupError::witness_root_mismatch;
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
constexpr Result<Hash32, RollupError> apply_tx(const L2Params& params, const L1View& l1, const Hash32& pre_root,
                                               const TxWitness& witness, const Transaction& tx,
                                               const Check& signature_check = {}) {
  if (const RollupError e = check_shape(tx); e != RollupError::none) return e;
  // Verify: the witness's state header hashes to pre_root [OR-WIT-1]
  if (state_root(witness.pre_state) != pre_root) return RollupError::witness_state_mismatch;
  WitnessCursor cursor(witness.pre_state.accounts_root, witness.accounts);
  u64 deposits_credited = witness.pre_state.deposits_credited;
  if (const RollupError e = execute_transaction(cursor, params, l1, deposits_credited, tx, signature_check);
      e != RollupError::none)
    return e;
  return state_root(StateHeader{cursor.accounts_root(), deposits_credited});
}

// The same step over the transaction's canonical bytes, as a batch commits to them.
// spec: optimistic_rollup.md#check_shape
template <SignatureCheck Check = Bip340Check>
constexpr Result<Hash32, RollupError> apply_encoded_tx(const L2Params& params, const L1View& l1, const Hash32& pre_root,
                                                       const TxWitness& witness, std::span<const u8> encoded_tx,
                                                       const Check& signature_check = {}) {
  const auto decoded = reflect::decode<Transaction>(encoded_tx);
  // Verify: the bytes decode to a Transaction [OR-TX-1]
  if (!decoded) return RollupError::tx_malformed;
  return apply_tx(params, l1, pre_root, witness, decoded.value(), signature_check);
}

// ---------------------------------------------------------------------------------------------
// The stateful form. spec: optimistic_rollup.md#the-stateful-form

// The full L2 state: the account tree (slot values are account_value(account)), the accounts
// themselves, and the deposit counter.
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
  constexpr u64 deposits_credited() const { return deposits_credited_; }
  constexpr StateHeader header() const { return StateHeader{tree_.root(), deposits_credited_}; }
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
  constexpr void set_deposits_credited(u64 count) { deposits_credited_ = count; }

 private:
  static constexpr bool before(const Entry& entry, AccountIndex wanted) { return entry.first < wanted; }

  smt::Tree tree_;
  std::vector<Entry> accounts_;  // sorted by index
  u64 deposits_credited_ = 0;
};

// The state as a store; records an opening of every read, so that the stateful run yields the
// witness the stateless step needs.
class StateStore {
 public:
  constexpr explicit StateStore(State& state) : state_(state) {}

  constexpr Result<std::optional<Account>, RollupError> open(AccountIndex index) {
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
constexpr Result<Execution, RollupError> execute_tx(const L2Params& params, const L1View& l1, const State& pre_state,
                                                    const Transaction& tx, const Check& signature_check = {}) {
  Execution execution{pre_state, TxWitness{pre_state.header(), {}}};
  StateStore store(execution.post_state);
  u64 deposits_credited = pre_state.deposits_credited();
  if (const RollupError e = execute_transaction(store, params, l1, deposits_credited, tx, signature_check);
      e != RollupError::none)
    return e;
  execution.post_state.set_deposits_credited(deposits_credited);
  execution.witness.accounts = store.take_openings();
  return execution;
}

// The stateful step: the post-state, or the first failing rule with the state left as it was.
template <SignatureCheck Check = Bip340Check>
constexpr Result<State, RollupError> apply_tx(const L2Params& params, const L1View& l1, const State& pre_state,
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
  u64 deposits_credited = pre_state.deposits_credited();
  static_cast<void>(execute_transaction(store, params, l1, deposits_credited, tx, signature_check));
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
constexpr Result<BatchExecution, RollupError> execute_batch(const L2Params& params, const L1View& l1,
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
