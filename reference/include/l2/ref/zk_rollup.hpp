// ZK rollup: the identifiers and digests, the proof-system interface and its first backend,
// `reexecution`. A batch's public input is one hash over the chain, the rollup, the verifying key,
// the batch number, both state roots, the data commitment and the priority operations it consumes;
// the L1 contract computes it and asks `verify(vk, proof_input, proof)` whether a proof covers it,
// without ever reading a key or a proof. The contract dispatches on nothing: `verify` dispatches on
// the key's backend tag, so a later backend (the transparent STARK of a later issue) is one more
// case here and leaves the contract as it is.
//
// The reexecution backend's "proof" is the batches' full witness: every transaction and every
// account slot the batch touches, opened by one sparse-tree multiproof. The verifier re-executes the
// optimistic rollup's transaction rules (optimistic_rollup.hpp's execute_transaction, reused
// unchanged) against the previous root and recomputes the new one. It is sound, but neither
// succinct nor zero-knowledge: its size and its verification cost grow with the batch.
//
// The L1 contract (priority queue, commit / prove / execute, revert, exodus) is in
// zk_rollup_contract.hpp.
// spec: zk_rollup.md
#pragma once

#include <algorithm>
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
#include "l2/ref/merkle.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/sparse_merkle.hpp"
#include "l2/ref/verify_check.hpp"

namespace l2 {

// spec: zk_rollup.md#errors
#define L2_ZK_ROLLUP_ERRORS(X) \
  X(rx_key_malformed, "ZK-RX-1", "the verifying key is not a version-1 reexecution key") \
  X(rx_proof_malformed, "ZK-RX-2", "the proof does not decode to a non-empty list of batch witnesses") \
  X(rx_key_mismatch, "ZK-RX-3", "a statement names another verifying key") \
  X(rx_input_mismatch, "ZK-RX-4", "the statements do not hash to the given proof input") \
  X(rx_too_many_transactions, "ZK-RX-5", "a batch has more transactions than the key admits") \
  X(rx_pre_state_mismatch, "ZK-RX-6", "the witness's state header does not hash to the previous root") \
  X(rx_accounts_not_sorted, "ZK-RX-7", "the touched accounts are not strictly ascending by index") \
  X(rx_multiproof_mismatch, "ZK-RX-8", "the multiproof is short, long, or does not lead to the accounts root") \
  X(rx_data_mismatch, "ZK-RX-9", "the transactions and their withdrawals do not hash to the data commitment") \
  X(rx_priority_mismatch, "ZK-RX-10", "the batch's deposits and forced exits do not chain to the priority-ops hash") \
  X(rx_account_not_opened, "ZK-RX-11", "a transaction reads a slot the witness does not open") \
  X(rx_transaction_rejected, "ZK-RX-12", "a transaction fails a rule of optimistic_rollup.md's apply_tx") \
  X(rx_post_root_mismatch, "ZK-RX-13", "the re-executed batch does not reach the new root") \
  X(config_censorship_bound, "ZK-DEPLOY-1", "censorship_bound_blocks is 0") \
  X(config_batch_size, "ZK-DEPLOY-2", "max_batch_size is 0") \
  X(config_priority_expiry, "ZK-DEPLOY-3", "priority_expiry_blocks is not above 3 * censorship bound + proving time") \
  X(config_min_deposit, "ZK-DEPLOY-4", "min_deposit is 0") \
  X(config_forced_withdrawal_fee, "ZK-DEPLOY-5", "forced_withdrawal_fee is 0") \
  X(config_verifying_key, "ZK-DEPLOY-6", "the backend refuses the verifying key for this configuration") \
  X(exodus_active, "ZK-LIVE-1", "exodus mode is active: no batch, request or second activation") \
  X(priority_expired, "ZK-LIVE-2", "a priority operation is past its expiry height unserved: only exodus remains") \
  X(deposit_below_minimum, "ZK-BRIDGE-1", "the deposit is below min_deposit") \
  X(escrow_overflow, "ZK-BRIDGE-2", "escrow + deposit exceeds UINT64_MAX") \
  X(deposit_unknown_account, "ZK-BRIDGE-3", "a top-up names an index L1 never assigned") \
  X(accounts_exhausted, "ZK-BRIDGE-4", "every account index is assigned") \
  X(deposit_owner_invalid, "ZK-BRIDGE-5", "the new account's owner is not an x-only key on the curve") \
  X(forced_withdrawal_fee, "ZK-FWQ-1", "the value paid is not exactly forced_withdrawal_fee") \
  X(forced_withdrawal_unknown_account, "ZK-FWQ-2", "a forced withdrawal names an index L1 never assigned") \
  X(not_operator, "ZK-COMMIT-1", "only the operator commits and reverts batches") \
  X(commit_wrong_rollup, "ZK-COMMIT-2", "the header names another chain or rollup") \
  X(commit_out_of_order, "ZK-COMMIT-3", "batch_number is not the number of committed batches") \
  X(commit_prev_root_mismatch, "ZK-COMMIT-4", "prev_state_root is not the last committed post-state root") \
  X(commit_empty, "ZK-COMMIT-5", "the batch has no transaction") \
  X(commit_too_large, "ZK-COMMIT-6", "the batch has more than max_batch_size transactions") \
  X(commit_priority_beyond_queue, "ZK-COMMIT-7", "the batch consumes more priority operations than the queue holds unconsumed") \
  X(commit_withdrawal_count, "ZK-COMMIT-8", "withdrawal_count differs from the posted withdrawals") \
  X(commit_withdrawals_root, "ZK-COMMIT-9", "withdrawals_root is not the root of the posted withdrawals") \
  X(commit_data_shape, "ZK-COMMIT-10", "the posted transactions do not match the data mode and transaction_count") \
  X(commit_tx_root_mismatch, "ZK-COMMIT-11", "transactions_root is not the root of the posted transactions") \
  X(commit_data_not_attested, "ZK-COMMIT-12", "the committee has not attested this batch's data root") \
  X(prove_nothing, "ZK-PROVE-1", "count is 0") \
  X(prove_beyond_committed, "ZK-PROVE-2", "the proof would verify more batches than are committed") \
  X(proof_rejected, "ZK-PROVE-3", "the proof system rejects the proof for these batches' public inputs") \
  X(execute_not_verified, "ZK-EXEC-1", "no verified batch is waiting for execution") \
  X(revert_nothing, "ZK-REVERT-1", "new_committed is not below committed") \
  X(revert_verified, "ZK-REVERT-2", "the revert would remove a verified batch") \
  X(no_expired_request, "ZK-EXO-1", "no unserved priority operation has reached its expiry height") \
  X(not_in_exodus, "ZK-EXIT-1", "exits and refunds are open only in exodus mode") \
  X(exit_bad_state_opening, "ZK-EXIT-2", "the state header does not hash to the last executed root") \
  X(exit_bad_account_proof, "ZK-EXIT-3", "the account's opening does not lead to the state's accounts root") \
  X(exit_already_exited, "ZK-EXIT-4", "this account has exited already") \
  X(exit_escrow_insufficient, "ZK-EXIT-5", "the escrow is below the balance: unreachable with a sound proof system") \
  X(exit_no_claims, "ZK-EXIT-6", "a mass exit with no claim") \
  X(refund_unknown_request, "ZK-REFUND-1", "no priority operation has this index") \
  X(refund_not_deposit, "ZK-REFUND-2", "the operation is a forced withdrawal: nothing to refund") \
  X(refund_deposit_processed, "ZK-REFUND-3", "an executed batch consumed the deposit: it leaves by an exit") \
  X(refund_already_refunded, "ZK-REFUND-4", "the deposit was refunded already") \
  X(refund_escrow_insufficient, "ZK-REFUND-5", "the escrow is below the deposit: unreachable with a sound proof system") \
  X(pay_batch_not_executed, "ZK-PAY-1", "the withdrawal's batch is not executed") \
  X(pay_not_included, "ZK-PAY-2", "the record is not at the claimed index of the batch's withdrawals root") \
  X(pay_already_paid, "ZK-PAY-3", "the withdrawal was already paid") \
  X(pay_escrow_insufficient, "ZK-PAY-4", "the escrow is below the amount: unreachable with a sound proof system")
L2_ERROR_ENUM(ZkRollupError, "ZK_", L2_ZK_ROLLUP_ERRORS)

inline constexpr auto all_zk_rollup_errors = all_errors(ZkRollupError{});

// The backend's rules, ZK-RX-1..13: what verify returns; the contract's rules follow them.
inline constexpr ZkRollupError last_verify_error = ZkRollupError::rx_post_root_mismatch;

}  // namespace l2

namespace l2::ref::zk_rollup {

// Reused from the optimistic rollup unchanged (zk_rollup.md#what-is-reused-from-the-optimistic-rollup).
using optimistic_rollup::Account;
using optimistic_rollup::AccountIndex;
using optimistic_rollup::account_value;
using optimistic_rollup::Deposit;
using optimistic_rollup::deposit_id;
using optimistic_rollup::ForcedExit;
using optimistic_rollup::forced_exit_id;
using optimistic_rollup::L1View;
using optimistic_rollup::L2Params;
using optimistic_rollup::State;
using optimistic_rollup::StateHeader;
using optimistic_rollup::state_root;
using optimistic_rollup::Transaction;
using optimistic_rollup::transactions_root;
using optimistic_rollup::TxKind;
using bip340::Bip340Check;
using bip340::SignatureCheck;

inline constexpr std::string_view id_tag = "L2/zk_rollup/id";
inline constexpr std::string_view verifying_key_tag = "L2/zk_rollup/verifying_key";
inline constexpr std::string_view priority_ops_tag = "L2/zk_rollup/priority_ops";
inline constexpr std::string_view data_tag = "L2/zk_rollup/data";
inline constexpr std::string_view public_input_tag = "L2/zk_rollup/public_input";
inline constexpr std::string_view proof_input_tag = "L2/zk_rollup/proof_input";

// ---------------------------------------------------------------------------------------------
// Configuration. spec: zk_rollup.md#configuration
//
// Here rather than in the contract's header because the proof-system interface reads it: a
// backend accepts a key for a configuration (check_key).

struct ZkConfig {
  BOOST_HANA_DEFINE_STRUCT(ZkConfig, (u64, max_batch_size), (u64, censorship_bound_blocks), (u64, proving_time_blocks),
                           (u64, priority_expiry_blocks), (u64, min_deposit), (u64, forced_withdrawal_fee));
};

// ---------------------------------------------------------------------------------------------
// The proof-system interface. spec: zk_rollup.md#verifyingkey

// One value per backend; a decoder refuses every other value. A later backend adds `stark`.
enum class ProofBackend : u8 { reexecution };
L2_REFLECT_ENUM(ProofBackend, reexecution)

// `key` is the backend's own key, opaque to the contract.
struct VerifyingKey {
  BOOST_HANA_DEFINE_STRUCT(VerifyingKey, (ProofBackend, backend), (Bytes, key));
};

// ---------------------------------------------------------------------------------------------
// Identifiers and digests. spec: zk_rollup.md#identifiers-and-digests

// The optimistic rollup's preimage shape (chain, contract, operator, nonce) under this rollup's own
// tag: no optimistic rollup id equals a zk rollup id but by a SHA-256 collision.
// spec: zk_rollup.md#rollup_id
constexpr Hash32 rollup_id(u64 chain_id, const Hash32& contract, const Hash32& operator_key, u64 nonce) {
  return tagged_hash(id_tag, reflect::encode(optimistic_rollup::RollupIdPreimage{chain_id, contract, operator_key, nonce}));
}

// spec: zk_rollup.md#vk_hash
constexpr Hash32 vk_hash(const VerifyingKey& vk) { return tagged_hash(verifying_key_tag, reflect::encode(vk)); }

// A chain, not a tree: a circuit consumes the operations one at a time. No operation: 32 zero
// bytes, which no tagged hash reaches but by a preimage. spec: zk_rollup.md#priority_ops_hash
constexpr Hash32 priority_ops_hash(std::span<const Hash32> ids) {
  Hash32 accumulator{};
  for (const Hash32& id : ids) {
    Bytes message;
    append(message, accumulator);
    append(message, id);
    accumulator = tagged_hash(priority_ops_tag, message);
  }
  return accumulator;
}

// What a batch pays out on L1, derived from its transactions.
// spec: zk_rollup.md#withdrawalrecord-and-withdrawals_root
struct WithdrawalRecord {
  BOOST_HANA_DEFINE_STRUCT(WithdrawalRecord, (Hash32, l1_recipient), (u64, amount));
};

constexpr Hash32 withdrawal_leaf_hash(const WithdrawalRecord& record) { return rfc6962::leaf_hash(reflect::encode(record)); }

constexpr Hash32 withdrawals_root(std::span<const WithdrawalRecord> records) {
  std::vector<Hash32> leaves;
  leaves.reserve(records.size());
  for (const WithdrawalRecord& record : records) leaves.push_back(withdrawal_leaf_hash(record));
  return rfc6962::root_from_leaf_hashes(leaves);
}

// In transaction order: a withdrawal and a forced exit give one record each (a forced exit of
// someone else's account has amount 0, OR-FEX-5); transfers and deposits give none. A transaction
// whose kind names an absent body gives none: re-execution rejects it (OR-TX-1).
constexpr std::vector<WithdrawalRecord> withdrawal_records(std::span<const Transaction> transactions) {
  std::vector<WithdrawalRecord> records;
  for (const Transaction& tx : transactions) {
    if (tx.kind == TxKind::withdrawal && tx.withdrawal) records.push_back({tx.withdrawal->l1_recipient, tx.withdrawal->amount});
    if (tx.kind == TxKind::forced_exit && tx.forced_exit)
      records.push_back({tx.forced_exit->l1_recipient, tx.forced_exit->amount});
  }
  return records;
}

// spec: zk_rollup.md#data_commitment
struct DataCommitmentPreimage {
  BOOST_HANA_DEFINE_STRUCT(DataCommitmentPreimage, (Hash32, transactions_root), (u64, transaction_count),
                           (Hash32, withdrawals_root), (u64, withdrawal_count));
};

constexpr Hash32 data_commitment(const DataCommitmentPreimage& preimage) {
  return tagged_hash(data_tag, reflect::encode(preimage));
}

// The data commitment of a batch's transactions and the withdrawal records they derive.
constexpr Hash32 data_commitment_of(std::span<const Transaction> transactions) {
  const std::vector<WithdrawalRecord> records = withdrawal_records(transactions);
  return data_commitment(DataCommitmentPreimage{transactions_root(transactions), transactions.size(),
                                                withdrawals_root(records), records.size()});
}

// The ids of a batch's priority operations: its deposits' and forced exits' ids, in batch order.
// A transaction whose kind names an absent body has none (re-execution rejects it).
constexpr std::vector<Hash32> priority_ids(const L2Params& params, std::span<const Transaction> transactions) {
  std::vector<Hash32> ids;
  for (const Transaction& tx : transactions) {
    if (tx.kind == TxKind::deposit && tx.deposit) ids.push_back(deposit_id(params, *tx.deposit));
    if (tx.kind == TxKind::forced_exit && tx.forced_exit) ids.push_back(forced_exit_id(params, *tx.forced_exit));
  }
  return ids;
}

// The statement one batch's proof proves. spec: zk_rollup.md#public_input
struct PublicInputPreimage {
  BOOST_HANA_DEFINE_STRUCT(PublicInputPreimage, (u64, chain_id), (Hash32, rollup_id), (Hash32, vk_hash),
                           (u64, batch_number), (Hash32, prev_state_root), (Hash32, post_state_root),
                           (Hash32, data_commitment), (Hash32, priority_ops_hash));
};

constexpr Hash32 public_input(const PublicInputPreimage& statement) {
  return tagged_hash(public_input_tag, reflect::encode(statement));
}

// The input of one prove_batches call: the public inputs of the batches it proves, in order.
// spec: zk_rollup.md#proof_input
constexpr Hash32 proof_input(std::span<const Hash32> public_inputs) {
  return tagged_hash(proof_input_tag, reflect::encode(std::vector<Hash32>(public_inputs.begin(), public_inputs.end())));
}

// ---------------------------------------------------------------------------------------------
// The reexecution backend's types. spec: zk_rollup.md#the-reexecution-backend

// version 1: the rules of zk_rollup.md. `vk.key` is its canonical encoding.
struct ReexecutionKey {
  BOOST_HANA_DEFINE_STRUCT(ReexecutionKey, (u32, version), (u64, max_transactions));
};

// A slot the batch reads, with its content before the batch (nullopt: empty).
struct TouchedAccount {
  BOOST_HANA_DEFINE_STRUCT(TouchedAccount, (AccountIndex, index), (std::optional<Account>, account));
};

// One batch's witness: its statement, the pre-state header that opens statement.prev_state_root,
// the transactions, the touched slots in strictly ascending index order, and the multiproof of
// those slots in canonical order.
struct BatchWitness {
  BOOST_HANA_DEFINE_STRUCT(BatchWitness, (PublicInputPreimage, statement), (StateHeader, pre_state),
                           (std::vector<Transaction>, transactions), (std::vector<TouchedAccount>, accounts),
                           (std::vector<Hash32>, siblings));
};

// One witness per batch proved, in order. The proof bytes are its canonical encoding.
struct ReexecutionProof {
  BOOST_HANA_DEFINE_STRUCT(ReexecutionProof, (std::vector<BatchWitness>, batches));
};

inline constexpr u32 reexecution_version = 1;

// The key a reexecution deployment carries: `(reexecution, enc(ReexecutionKey(1, max_transactions)))`.
constexpr VerifyingKey reexecution_verifying_key(u64 max_transactions) {
  return VerifyingKey{ProofBackend::reexecution, reflect::encode(ReexecutionKey{reexecution_version, max_transactions})};
}

// ---------------------------------------------------------------------------------------------
// The multiproof. spec: zk_rollup.md#the-multiproof

// A node of one level: its position within the level (at height 0, the slot index) and its hash.
struct MultiproofNode {
  u64 position = 0;
  Hash32 hash{};
};

// The leaf of a touched slot: smt::leaf_hash of its account value, or the empty leaf.
constexpr MultiproofNode touched_leaf(AccountIndex index, const std::optional<Account>& account) {
  return MultiproofNode{index, account ? smt::leaf_hash(index, account_value(*account)) : smt::empty_leaf_hash};
}

// The root of the tree whose slots at the leaves' positions hold the leaves, every other node on
// their paths being the next sibling; nullopt when there is no leaf, a sibling is missing, or one
// is left over. Contract: the leaves' positions are strictly ascending (ZK-RX-7 checks it first).
constexpr std::optional<Hash32> multiproof_root(std::vector<MultiproofNode> level, std::span<const Hash32> siblings) {
  if (level.empty()) return std::nullopt;
  std::size_t next_sibling = 0;
  for (std::size_t height = 0; height < smt::depth; ++height) {
    std::vector<MultiproofNode> out;
    std::size_t i = 0;
    while (i < level.size()) {
      const MultiproofNode& node = level[i];
      const bool is_left = node.position % 2 == 0;
      Hash32 parent{};
      if (is_left && i + 1 < level.size() && level[i + 1].position == node.position + 1) {
        parent = smt::node_hash(node.hash, level[i + 1].hash);
        i += 2;
      } else {
        if (next_sibling == siblings.size()) return std::nullopt;
        const Hash32& sibling = siblings[next_sibling];
        ++next_sibling;
        parent = is_left ? smt::node_hash(node.hash, sibling) : smt::node_hash(sibling, node.hash);
        i += 1;
      }
      out.push_back(MultiproofNode{node.position >> 1, parent});
    }
    level = std::move(out);
  }
  if (next_sibling != siblings.size()) return std::nullopt;
  L2_VERIFY_CHECK(level.size() == 1);
  return level[0].hash;
}

// The siblings multiproof_root needs for the slots `indices` (strictly ascending) of `state`, in
// the order it reads them: height by height from the leaves up, by position within a height.
constexpr std::vector<Hash32> multiproof_siblings(const State& state, std::span<const AccountIndex> indices) {
  // Each node of a level keeps one slot below it; that slot's path gives the node's sibling.
  struct Node {
    u64 position;
    std::size_t slot;
  };
  std::vector<smt::Proof> paths;
  std::vector<Node> level;
  for (std::size_t k = 0; k < indices.size(); ++k) {
    paths.push_back(state.prove(indices[k]));
    level.push_back(Node{indices[k], k});
  }
  std::vector<Hash32> siblings;
  for (std::size_t height = 0; height < smt::depth && !level.empty(); ++height) {
    std::vector<Node> out;
    std::size_t i = 0;
    while (i < level.size()) {
      const Node node = level[i];
      if (node.position % 2 == 0 && i + 1 < level.size() && level[i + 1].position == node.position + 1) {
        i += 2;
      } else {
        siblings.push_back(paths[node.slot].siblings[height]);
        i += 1;
      }
      out.push_back(Node{node.position >> 1, node.slot});
    }
    level = std::move(out);
  }
  return siblings;
}

// ---------------------------------------------------------------------------------------------
// Re-execution over the touched slots. spec: zk_rollup.md#verify-for-reexecution

// The touched slots as an account store (optimistic_rollup.hpp's AccountStore): a read of a
// touched slot answers its current content; a read of any other slot is remembered and answered
// with a witness error, which stops the transaction (the verifier reports it as ZK-RX-11).
class TouchedStore {
 public:
  constexpr explicit TouchedStore(std::vector<TouchedAccount> accounts) : accounts_(std::move(accounts)) {}

  constexpr Result<std::optional<Account>, OptimisticRollupError> open(AccountIndex index) {
    const std::size_t slot = position(index);
    if (slot == accounts_.size()) {
      read_unopened_ = true;
      return OptimisticRollupError::witness_missing;
    }
    return accounts_[slot].account;
  }

  // Contract: follows a successful open(index).
  constexpr void write(AccountIndex index, const Account& account) {
    const std::size_t slot = position(index);
    L2_VERIFY_CHECK(slot < accounts_.size());
    if (slot < accounts_.size()) accounts_[slot].account = account;
  }

  constexpr bool read_unopened() const { return read_unopened_; }

  // The touched slots' leaves as they stand now.
  constexpr std::vector<MultiproofNode> leaves() const {
    std::vector<MultiproofNode> out;
    out.reserve(accounts_.size());
    for (const TouchedAccount& slot : accounts_) out.push_back(touched_leaf(slot.index, slot.account));
    return out;
  }

 private:
  // The slot holding `index`, or accounts_.size(). The slots are strictly ascending (ZK-RX-7).
  constexpr std::size_t position(AccountIndex index) const {
    const auto it = std::lower_bound(accounts_.begin(), accounts_.end(), index,
                                     [](const TouchedAccount& slot, AccountIndex wanted) { return slot.index < wanted; });
    if (it == accounts_.end() || it->index != index) return accounts_.size();
    return static_cast<std::size_t>(it - accounts_.begin());
  }

  std::vector<TouchedAccount> accounts_;
  bool read_unopened_ = false;
};

// The L1 view the re-executing verifier (and the prover) runs the transaction rules with: windows
// that start at the pre-state's counters and hold, in batch order, the ids of the batch's own
// deposits and forced exits. The j-th deposit of the batch passes OR-DEP-1/2 only at index
// deposits_credited + j, where the window holds its own id, so OR-DEP-3/4 then pass; what binds the
// ids to L1's queue is the priority-ops hash (ZK-RX-10). A window never reaches index UINT64_MAX:
// the count after it would not fit.
struct OwnIdsView {
  std::vector<Hash32> deposit_ids;
  std::vector<Hash32> forced_exit_ids;
  u64 deposit_base = 0;
  u64 forced_exit_base = 0;

  constexpr L1View view() const { return L1View{deposit_ids, forced_exit_ids, deposit_base, forced_exit_base}; }
};

constexpr OwnIdsView own_ids_view(const L2Params& params, const StateHeader& pre_state,
                                  std::span<const Transaction> transactions) {
  OwnIdsView ids;
  ids.deposit_base = pre_state.deposits_credited;
  ids.forced_exit_base = pre_state.forced_exits_processed;
  for (const Transaction& tx : transactions) {
    if (tx.kind == TxKind::deposit && tx.deposit && ids.deposit_ids.size() < u64_max - ids.deposit_base)
      ids.deposit_ids.push_back(deposit_id(params, *tx.deposit));
    if (tx.kind == TxKind::forced_exit && tx.forced_exit && ids.forced_exit_ids.size() < u64_max - ids.forced_exit_base)
      ids.forced_exit_ids.push_back(forced_exit_id(params, *tx.forced_exit));
  }
  return ids;
}

// ZK-RX-5..13 for one witness.
template <SignatureCheck Check>
constexpr ZkRollupError verify_batch_witness(const ReexecutionKey& key, const BatchWitness& w, const Check& signature_check) {
  const PublicInputPreimage& statement = w.statement;
  // Verify: len(transactions) <= key.max_transactions [ZK-RX-5]
  if (w.transactions.size() > key.max_transactions) return ZkRollupError::rx_too_many_transactions;
  // Verify: state_root(pre_state) == statement.prev_state_root [ZK-RX-6]
  if (state_root(w.pre_state) != statement.prev_state_root) return ZkRollupError::rx_pre_state_mismatch;
  const auto not_ascending = [](const TouchedAccount& a, const TouchedAccount& b) { return a.index >= b.index; };
  // Verify: the touched accounts' indices are strictly ascending [ZK-RX-7]
  if (std::adjacent_find(w.accounts.begin(), w.accounts.end(), not_ascending) != w.accounts.end())
    return ZkRollupError::rx_accounts_not_sorted;
  TouchedStore store(w.accounts);
  const std::optional<Hash32> pre_accounts_root = multiproof_root(store.leaves(), w.siblings);
  // Verify: at least one touched slot, and the multiproof uses every sibling and leads to pre_state.accounts_root [ZK-RX-8]
  if (!pre_accounts_root || *pre_accounts_root != w.pre_state.accounts_root) return ZkRollupError::rx_multiproof_mismatch;
  // Verify: the transactions and their withdrawal records hash to statement.data_commitment [ZK-RX-9]
  if (data_commitment_of(w.transactions) != statement.data_commitment) return ZkRollupError::rx_data_mismatch;
  const L2Params params{statement.chain_id, statement.rollup_id};
  // Verify: the batch's deposits and forced exits chain, in batch order, to statement.priority_ops_hash [ZK-RX-10]
  if (priority_ops_hash(priority_ids(params, w.transactions)) != statement.priority_ops_hash)
    return ZkRollupError::rx_priority_mismatch;

  const OwnIdsView ids = own_ids_view(params, w.pre_state, w.transactions);
  optimistic_rollup::Counters counters{w.pre_state.deposits_credited, w.pre_state.forced_exits_processed};
  for (const Transaction& tx : w.transactions) {
    const OptimisticRollupError rejected =
        optimistic_rollup::execute_transaction(store, params, ids.view(), counters, tx, signature_check);
    // Verify: every slot the transaction reads is a touched slot [ZK-RX-11]
    if (store.read_unopened()) return ZkRollupError::rx_account_not_opened;
    // Verify: the transaction passes optimistic_rollup.md's transaction rules [ZK-RX-12]
    if (rejected != OptimisticRollupError::none) return ZkRollupError::rx_transaction_rejected;
  }
  // The same siblings with the touched leaves updated: nothing outside the touched slots changed.
  const std::optional<Hash32> post_accounts_root = multiproof_root(store.leaves(), w.siblings);
  L2_VERIFY_CHECK(post_accounts_root.has_value());
  const StateHeader post_state{post_accounts_root.value_or(Hash32{}), counters.deposits_credited,
                               counters.forced_exits_processed};
  // Verify: the re-executed batch reaches statement.post_state_root [ZK-RX-13]
  if (state_root(post_state) != statement.post_state_root) return ZkRollupError::rx_post_root_mismatch;
  return ZkRollupError::none;
}

// verify for vk.backend = reexecution: none when the proof is accepted, else the first failing
// rule. The witnesses are checked in order; within a witness, the transactions in order.
// spec: zk_rollup.md#verify-for-reexecution
template <SignatureCheck Check = Bip340Check>
constexpr ZkRollupError verify_reexecution(const VerifyingKey& vk, const Hash32& input, std::span<const u8> proof,
                                           const Check& signature_check = {}) {
  const auto key = reflect::decode<ReexecutionKey>(vk.key);
  // Verify: vk.key decodes canonically to a ReexecutionKey with version 1 [ZK-RX-1]
  if (!key || key.value().version != reexecution_version) return ZkRollupError::rx_key_malformed;
  const auto decoded = reflect::decode<ReexecutionProof>(proof);
  // Verify: the proof decodes canonically to a ReexecutionProof with at least one witness [ZK-RX-2]
  if (!decoded || decoded.value().batches.empty()) return ZkRollupError::rx_proof_malformed;
  const std::vector<BatchWitness>& batches = decoded.value().batches;
  const Hash32 key_hash = vk_hash(vk);
  // Verify: every witness's statement.vk_hash == vk_hash(vk) [ZK-RX-3]
  if (std::any_of(batches.begin(), batches.end(), [&](const BatchWitness& w) { return w.statement.vk_hash != key_hash; }))
    return ZkRollupError::rx_key_mismatch;
  std::vector<Hash32> public_inputs;
  for (const BatchWitness& w : batches) public_inputs.push_back(public_input(w.statement));
  // Verify: the statements' public inputs hash to proof_input [ZK-RX-4]
  if (proof_input(public_inputs) != input) return ZkRollupError::rx_input_mismatch;
  for (const BatchWitness& w : batches) {
    if (const ZkRollupError e = verify_batch_witness(key.value(), w, signature_check); e != ZkRollupError::none) return e;
  }
  return ZkRollupError::none;
}

// ---------------------------------------------------------------------------------------------
// The interface the contract calls. spec: zk_rollup.md#the-interface

// Whether the backend accepts the key for this configuration: every batch the contract admits
// (at most max_batch_size transactions) must be provable under it. Used by ZK-DEPLOY-6.
constexpr bool check_key(const VerifyingKey& vk, const ZkConfig& config) {
  switch (vk.backend) {
    case ProofBackend::reexecution: {
      const auto key = reflect::decode<ReexecutionKey>(vk.key);
      return key && key.value().version == reexecution_version && key.value().max_transactions >= config.max_batch_size;
    }
  }
  return false;  // no other value decodes
}

// Pure: no state, no height. none when the backend accepts the proof for proof_input, else its
// reason (a ZK-RX code for reexecution); the contract reads only "accepted or not" (ZK-PROVE-3).
template <SignatureCheck Check = Bip340Check>
constexpr ZkRollupError verify(const VerifyingKey& vk, const Hash32& input, std::span<const u8> proof,
                               const Check& signature_check = {}) {
  switch (vk.backend) {
    case ProofBackend::reexecution: return verify_reexecution(vk, input, proof, signature_check);
  }
  return ZkRollupError::rx_key_malformed;  // no other value decodes: no backend knows the key
}

// ---------------------------------------------------------------------------------------------
// The prover. spec: zk_rollup.md#the-reexecution-backend (the prover)

// A batch as the operator proves it: its number and its transactions.
struct BatchToProve {
  u64 batch_number = 0;
  std::vector<Transaction> transactions;
};

// The witnesses of consecutive batches from the full state before the first: each batch is
// executed by optimistic_rollup.md's rules (with the view the verifier uses), the slots it reads
// are collected with their pre-batch content, and the multiproof is listed from the full tree.
// The error is the first transaction rule a batch breaks: such a batch has no proof.
template <SignatureCheck Check = Bip340Check>
constexpr Result<ReexecutionProof, OptimisticRollupError> reexecution_witnesses(const L2Params& params,
                                                                              const VerifyingKey& vk,
                                                                              const State& pre_state,
                                                                              std::span<const BatchToProve> batches,
                                                                              const Check& signature_check = {}) {
  ReexecutionProof proof;
  State state = pre_state;
  for (const BatchToProve& batch : batches) {
    const OwnIdsView ids = own_ids_view(params, state.header(), batch.transactions);
    State post = state;
    std::vector<AccountIndex> read;
    for (const Transaction& tx : batch.transactions) {
      auto executed = optimistic_rollup::execute_tx(params, ids.view(), post, tx, signature_check);
      if (!executed) return executed.error();
      for (const optimistic_rollup::AccountWitness& opening : executed.value().witness.accounts) read.push_back(opening.index);
      post = std::move(executed).value().post_state;
    }
    std::sort(read.begin(), read.end());
    read.erase(std::unique(read.begin(), read.end()), read.end());
    BatchWitness witness;
    witness.statement = PublicInputPreimage{params.chain_id,
                                            params.rollup_id,
                                            vk_hash(vk),
                                            batch.batch_number,
                                            state.root(),
                                            post.root(),
                                            data_commitment_of(batch.transactions),
                                            priority_ops_hash(priority_ids(params, batch.transactions))};
    witness.pre_state = state.header();
    witness.transactions = batch.transactions;
    for (const AccountIndex index : read) witness.accounts.push_back(TouchedAccount{index, state.account(index)});
    witness.siblings = multiproof_siblings(state, read);
    proof.batches.push_back(std::move(witness));
    state = std::move(post);
  }
  return proof;
}

// prove(vk, batches) for reexecution: the canonical bytes of the witnesses.
template <SignatureCheck Check = Bip340Check>
constexpr Result<Bytes, OptimisticRollupError> prove_reexecution(const L2Params& params, const VerifyingKey& vk,
                                                                 const State& pre_state,
                                                                 std::span<const BatchToProve> batches,
                                                                 const Check& signature_check = {}) {
  auto witnesses = reexecution_witnesses(params, vk, pre_state, batches, signature_check);
  if (!witnesses) return witnesses.error();
  return reflect::encode(witnesses.value());
}

}  // namespace l2::ref::zk_rollup
