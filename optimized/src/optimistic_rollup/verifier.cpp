// The optimized fraud-proof verifier and stateless step: must match
// l2::ref::optimistic_rollup::verify_fraud_proof (reference/include/l2/ref/optimistic_rollup_contract.hpp)
// and apply_tx / apply_encoded_tx (reference/include/l2/ref/optimistic_rollup.hpp) bit for bit: the
// same verdict or the same first failing rule for every proof.
// Exploits the SHA-256 kernels for every hash the reference computes with its constexpr SHA-256:
// the RFC 6962 leaf and path of OR-FP-3..5 (commitments.hpp), the state-header openings of OR-WIT-1
// and OR-FP-9, and each account opening (OR-WIT-4) and root update, a 32-level sparse-tree path from
// the "L2/smt/node" midstate with the account value and leaf from their tags' midstates
// (hashes.hpp); libsecp256k1 for OR-SEND-2; and L1 ids copied only for the queue the transaction
// reads (the reference copies both queues' visible ids for every proof). The transaction rules run
// as the reference's execute_transaction over this file's witness cursor.
// spec: optimistic_rollup.md#verify_fraud_proof, optimistic_rollup.md#apply_tx
#include <optional>
#include <vector>

#include "commitments.hpp"
#include "hashes.hpp"
#include "l2/opt/merkle.hpp"
#include "l2/opt/optimistic_rollup_fraud.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/reflect.hpp"

namespace l2::opt::optimistic_rollup {

namespace reference = ref::optimistic_rollup;

namespace {

// ref::optimistic_rollup::WitnessCursor on the kernels: the same rules (OR-WIT-2..4) in the same
// order, each opening checked against the accounts root left by the writes before it, and each write
// moving the root along the path the opening proved.
class WitnessCursor {
 public:
  WitnessCursor(const sha256::Kernel& kernel, const Hash32& accounts_root,
                std::span<const reference::AccountWitness> openings)
      : kernel_(kernel), accounts_root_(accounts_root), openings_(openings) {}

  Result<std::optional<reference::Account>, OptimisticRollupError> open(reference::AccountIndex index) {
    // Verify: the witness has another opening [OR-WIT-2]
    if (next_ >= openings_.size()) return OptimisticRollupError::witness_missing;
    const reference::AccountWitness& opening = openings_[next_];
    // Verify: the opening is for the account read [OR-WIT-3]
    if (opening.index != index) return OptimisticRollupError::witness_wrong_account;
    const std::optional<Hash32> value =
        opening.account ? std::optional<Hash32>(detail::account_value(kernel_, *opening.account)) : std::nullopt;
    // Verify: the opening leads to the current accounts root [OR-WIT-4]
    if (root_through(opening, value) != accounts_root_) return OptimisticRollupError::witness_root_mismatch;
    ++next_;
    return opening.account;
  }

  // Contract: follows a successful open(index).
  void write(reference::AccountIndex /*index*/, const reference::Account& account) {
    accounts_root_ = root_through(openings_[next_ - 1], detail::account_value(kernel_, account));
  }

  const Hash32& accounts_root() const { return accounts_root_; }

 private:
  Hash32 root_through(const reference::AccountWitness& opening, const std::optional<Hash32>& value) const {
    return detail::smt_root_from_path(kernel_, opening.index, detail::smt_leaf_hash(kernel_, opening.index, value),
                                      opening.siblings);
  }

  const sha256::Kernel& kernel_;
  Hash32 accounts_root_;
  std::span<const reference::AccountWitness> openings_;
  std::size_t next_ = 0;
};
static_assert(reference::AccountStore<WitnessCursor>);

// The ids a transaction of this kind may read of the batch's L1 view (reference::l1_ids_at): a
// deposit reads the visible deposits, a forced exit the visible forced exits, and nothing else reads
// either, so the other queue is left empty.
reference::L1Ids ids_read_by(const reference::OptimisticRollup& c, const reference::BatchRecord& record,
                             reference::TxKind kind) {
  reference::BatchRecord view = record;
  if (kind != reference::TxKind::deposit) view.deposits_visible = 0;
  if (kind != reference::TxKind::forced_exit) view.forced_exits_visible = 0;
  return reference::l1_ids_at(c, view);
}

Result<Hash32, OptimisticRollupError> apply_tx_with(const sha256::Kernel& kernel, const reference::L2Params& params,
                                          const reference::L1View& l1, const Hash32& pre_root,
                                          const reference::TxWitness& witness, const reference::Transaction& tx) {
  if (const OptimisticRollupError e = reference::check_shape(tx); e != OptimisticRollupError::none) return e;
  // Verify: the witness's state header hashes to pre_root [OR-WIT-1]
  if (detail::state_root(kernel, witness.pre_state) != pre_root) return OptimisticRollupError::witness_state_mismatch;
  WitnessCursor cursor(kernel, witness.pre_state.accounts_root, witness.accounts);
  reference::Counters counters{witness.pre_state.deposits_credited, witness.pre_state.forced_exits_processed};
  if (const OptimisticRollupError e = reference::execute_transaction(cursor, params, l1, counters, tx, Bip340Check{});
      e != OptimisticRollupError::none)
    return e;
  return detail::state_root(kernel, cursor.accounts_root(), counters);
}

// view_for(kind) -> L1View: the L1 view for a transaction of that kind, asked once it has decoded.
template <class ViewFor>
Result<Hash32, OptimisticRollupError> apply_encoded_tx_with(const sha256::Kernel& kernel, const reference::L2Params& params,
                                                  const ViewFor& view_for, const Hash32& pre_root,
                                                  const reference::TxWitness& witness, std::span<const u8> encoded_tx) {
  const auto decoded = reflect::decode<reference::Transaction>(encoded_tx);
  // Verify: the bytes decode to a Transaction [OR-TX-1]
  if (!decoded) return OptimisticRollupError::tx_malformed;
  return apply_tx_with(kernel, params, view_for(decoded.value().kind), pre_root, witness, decoded.value());
}

// spec: optimistic_rollup.md#verify_fraud_proof (OR-FP-3..8)
OptimisticRollupError verify_transaction_fault(const sha256::Kernel& kernel, const reference::OptimisticRollup& c,
                                     const reference::BatchRecord& record, reference::FraudProofType proof_type,
                                     const reference::TransactionFault& fault) {
  const reference::BatchHeader& header = record.header;
  const u64 i = fault.transaction_index;
  const u64 n = header.transaction_count;
  // Verify: the transaction is at index i of transactions_root [OR-FP-3]
  if (detail::verify_inclusion(kernel, i, n, detail::rfc6962_leaf_hash(kernel, fault.transaction),
                               fault.transaction_proof, header.transactions_root) != PrimitiveError::none)
    return OptimisticRollupError::fraud_tx_not_included;
  // Verify: the pre-root is state_roots[i] [OR-FP-4]
  if (detail::verify_inclusion(kernel, i, n + 1, detail::rfc6962_leaf_hash(kernel, fault.pre_state_root),
                               fault.pre_state_root_proof, header.state_roots_root) != PrimitiveError::none)
    return OptimisticRollupError::fraud_pre_root_not_included;
  // Verify: the post-root is state_roots[i + 1] [OR-FP-5]
  if (detail::verify_inclusion(kernel, i + 1, n + 1, detail::rfc6962_leaf_hash(kernel, fault.post_state_root),
                               fault.post_state_root_proof, header.state_roots_root) != PrimitiveError::none)
    return OptimisticRollupError::fraud_post_root_not_included;

  reference::L1Ids ids;
  const auto view_for = [&](reference::TxKind kind) {
    ids = ids_read_by(c, record, kind);
    return ids.view();
  };
  const auto result = apply_encoded_tx_with(kernel, reference::params_of(c), view_for, fault.pre_state_root,
                                            fault.witness, fault.transaction);
  // Verify: the re-execution did not stop on a witness rule [OR-FP-6]
  if (!result && reference::is_witness_error(result.error())) return OptimisticRollupError::fraud_bad_witness;
  // Verify: a valid transaction's true post-root differs from the claimed one [OR-FP-7]
  if (result && result.value() == fault.post_state_root) return OptimisticRollupError::fraud_no_fault;
  const reference::FraudProofType found =
      result ? reference::FraudProofType::invalid_transition : reference::fault_type(result.error());
  // Verify: the fault found is of the proof's type [OR-FP-8]
  if (found != proof_type) return OptimisticRollupError::fraud_type_mismatch;
  return OptimisticRollupError::none;
}

// spec: optimistic_rollup.md#verify_fraud_proof (OR-FP-9..11)
OptimisticRollupError verify_timeout_fault(const sha256::Kernel& kernel, const reference::OptimisticRollup& c,
                                 const reference::BatchRecord& record, const reference::TimeoutFault& fault) {
  // Verify: the state header opens the batch's post_state_root [OR-FP-9]
  if (detail::state_root(kernel, fault.post_state) != record.header.post_state_root)
    return OptimisticRollupError::fraud_bad_state_opening;
  // Verify: the request is in the batch's L1 view and was overdue at its L1 origin [OR-FP-10]
  if (!reference::overdue_for(c, record, fault.queue, fault.index)) return OptimisticRollupError::fraud_request_not_overdue;
  // Verify: the post-state has not processed it [OR-FP-11]
  if (reference::processed(fault.post_state, fault.queue) > fault.index) return OptimisticRollupError::fraud_request_processed;
  return OptimisticRollupError::none;
}

}  // namespace

OptimisticRollupError verify_fraud_proof(const reference::OptimisticRollup& c, const reference::BatchRecord& record,
                               const reference::Challenge& challenge, const reference::FraudProof& proof) {
  // Verify: the proof names the challenge's batch and type [OR-FP-1]
  if (proof.batch_id != challenge.challenged_object || proof.proof_type != challenge.proof_type)
    return OptimisticRollupError::fraud_batch_mismatch;
  const bool is_timeout = proof.proof_type == reference::FraudProofType::timeout_violation;
  // Verify: exactly the evidence the type needs is present [OR-FP-2]
  if (is_timeout != proof.timeout_fault.has_value() || is_timeout == proof.transaction_fault.has_value())
    return OptimisticRollupError::fraud_evidence_shape;
  const sha256::Kernel& kernel = default_merkle_kernel();
  if (is_timeout) return verify_timeout_fault(kernel, c, record, *proof.timeout_fault);
  return verify_transaction_fault(kernel, c, record, proof.proof_type, *proof.transaction_fault);
}

Result<Hash32, OptimisticRollupError> apply_tx(const reference::L2Params& params, const reference::L1View& l1,
                                     const Hash32& pre_root, const reference::TxWitness& witness,
                                     const reference::Transaction& tx) {
  return apply_tx_with(default_merkle_kernel(), params, l1, pre_root, witness, tx);
}

Result<Hash32, OptimisticRollupError> apply_encoded_tx(const reference::L2Params& params, const reference::L1View& l1,
                                             const Hash32& pre_root, const reference::TxWitness& witness,
                                             std::span<const u8> encoded_tx) {
  return apply_encoded_tx_with(
      default_merkle_kernel(), params, [&](reference::TxKind /*kind*/) { return l1; }, pre_root, witness, encoded_tx);
}

}  // namespace l2::opt::optimistic_rollup
