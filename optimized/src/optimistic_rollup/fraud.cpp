// The optimistic-rollup engine's fraud-proof search: must match
// l2::ref::optimistic_rollup::find_fraud and transaction_fault_at
// (reference/include/l2/ref/optimistic_rollup_contract.hpp) bit for bit.
// Exploits Engine::replay_batch (the batch run once through the engine's pipeline, then the writes
// after the fault rolled back from its journal, instead of the reference's state copy per
// transaction), Engine::witness_for, and the multi-buffer SHA-256 kernels for the RFC 6962 leaves
// and audit paths (commitments.hpp).
// spec: optimistic_rollup.md#building-batches-and-proofs
#include <algorithm>
#include <utility>
#include <vector>

#include "commitments.hpp"
#include "l2/opt/optimistic_rollup_fraud.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/reflect.hpp"

namespace l2::opt::optimistic_rollup {

namespace reference = ref::optimistic_rollup;

reference::TransactionFault transaction_fault_at(const reference::OptimisticRollup& c,
                                                 const reference::BatchRecord& record, const reference::Batch& batch,
                                                 std::uint64_t i, Engine& engine, unsigned threads) {
  const sha256::Kernel& kernel = engine.kernel();
  const reference::L1Ids ids = reference::l1_ids_at(c, record);
  const std::vector<Hash32> tx_leaves = detail::transaction_leaf_hashes(kernel, batch.transactions, threads);
  const std::vector<Hash32> root_leaves = detail::state_root_leaf_hashes(kernel, batch.state_roots, threads);
  return reference::TransactionFault{i,
                                     reflect::encode(batch.transactions[i]),
                                     detail::inclusion_proof(kernel, tx_leaves, i, threads),
                                     batch.state_roots[i],
                                     detail::inclusion_proof(kernel, root_leaves, i, threads),
                                     batch.state_roots[i + 1],
                                     detail::inclusion_proof(kernel, root_leaves, i + 1, threads),
                                     engine.witness_for(reference::params_of(c), ids.view(), batch.transactions[i])};
}

std::optional<reference::FraudProof> find_fraud(const reference::OptimisticRollup& c,
                                                const reference::BatchRecord& record, const reference::Batch& batch,
                                                Engine& engine, unsigned threads) {
  if (batch.state_roots.empty() || engine.state_root() != batch.state_roots.front()) return std::nullopt;
  const reference::L1Ids ids = reference::l1_ids_at(c, record);
  const BatchOutcome outcome =
      engine.replay_batch(reference::params_of(c), ids.view(), batch.transactions, batch.state_roots, threads);
  if (outcome.failed_transaction < batch.transactions.size()) {
    const reference::FraudProofType type =
        outcome.ok() ? reference::FraudProofType::invalid_transition : reference::fault_type(outcome.error);
    return reference::FraudProof{record.batch_id, type,
                                 transaction_fault_at(c, record, batch, outcome.failed_transaction, engine, threads),
                                 std::nullopt};
  }
  // Every step is right; what is left is a request the operator should have processed: the first
  // overdue deposit, then the first overdue forced exit, as the reference looks for them. No request
  // past the end of its queue is overdue, so the search stops there even if a hand-made record
  // claims more visible.
  const reference::StateHeader header = engine.header();
  for (const reference::QueueKind queue : {reference::QueueKind::deposits, reference::QueueKind::forced_exits}) {
    const bool deposits = queue == reference::QueueKind::deposits;
    const u64 visible = std::min<u64>(deposits ? record.deposits_visible : record.forced_exits_visible,
                                      deposits ? c.deposits.size() : c.forced_exits.size());
    for (u64 k = reference::processed(header, queue); k < visible; ++k) {
      if (reference::overdue_for(c, record, queue, k))
        return reference::FraudProof{record.batch_id, reference::FraudProofType::timeout_violation, std::nullopt,
                                     reference::TimeoutFault{queue, k, header}};
    }
  }
  return std::nullopt;
}

}  // namespace l2::opt::optimistic_rollup
