// The rollup engine's fraud proofs: must match l2::ref::optimistic_rollup::find_fraud,
// transaction_fault_at and verify_fraud_proof (reference/include/l2/ref/optimistic_rollup_contract.hpp)
// bit for bit.
// Exploits RollupEngine::replay_batch (the batch run once through the engine's pipeline, then the
// writes after the fault rolled back from its journal, instead of the reference's state copy per
// transaction), the multi-buffer SHA-256 kernels for the RFC 6962 leaves and audit paths, and
// libsecp256k1 in the reference's own verifier template.
// spec: optimistic_rollup.md#building-batches-and-proofs
#include <span>
#include <utility>
#include <vector>

#include "l2/opt/merkle.hpp"
#include "l2/opt/optimistic_rollup_fraud.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/reflect.hpp"

namespace l2::opt {

namespace orl = ref::optimistic_rollup;

namespace rfc6962 {

// The reference's recursion (spec: merkle.md#inclusion_proof), each sibling subtree hashed by the
// optimized engine.
std::vector<Hash32> inclusion_proof(std::span<const Hash32> leaf_hashes, std::uint64_t index, unsigned threads) {
  std::vector<Hash32> path;
  while (index < leaf_hashes.size() && leaf_hashes.size() > 1) {
    const std::size_t k = ref::rfc6962::split_point(leaf_hashes.size());
    if (index < k) {
      path.push_back(root_from_leaf_hashes(leaf_hashes.subspan(k), threads));
      leaf_hashes = leaf_hashes.first(k);
    } else {
      path.push_back(root_from_leaf_hashes(leaf_hashes.first(k), threads));
      leaf_hashes = leaf_hashes.subspan(k);
      index -= k;
    }
  }
  // Found from the root down; the path is leaf level first.
  return {path.rbegin(), path.rend()};
}

}  // namespace rfc6962

namespace {

std::vector<Hash32> leaf_hashes_of(std::span<const std::span<const u8>> leaves, unsigned threads) {
  std::vector<Hash32> out(leaves.size());
  rfc6962::leaf_hashes(default_merkle_kernel(), leaves, out, threads);
  return out;
}

std::vector<Hash32> transaction_leaf_hashes(std::span<const orl::Transaction> transactions, unsigned threads) {
  std::vector<Bytes> encoded;
  encoded.reserve(transactions.size());
  for (const orl::Transaction& tx : transactions) encoded.push_back(reflect::encode(tx));
  std::vector<std::span<const u8>> leaves(encoded.begin(), encoded.end());
  return leaf_hashes_of(leaves, threads);
}

std::vector<Hash32> state_root_leaf_hashes(std::span<const Hash32> state_roots, unsigned threads) {
  std::vector<std::span<const u8>> leaves(state_roots.begin(), state_roots.end());
  return leaf_hashes_of(leaves, threads);
}

}  // namespace

orl::TransactionFault transaction_fault_at(const orl::OptimisticRollup& c, const orl::BatchRecord& record,
                                           const orl::Batch& batch, std::uint64_t i, RollupEngine& engine,
                                           unsigned threads) {
  const std::vector<Hash32> deposit_ids = orl::deposit_ids_at(c, record);
  const std::vector<Hash32> tx_leaves = transaction_leaf_hashes(batch.transactions, threads);
  const std::vector<Hash32> root_leaves = state_root_leaf_hashes(batch.state_roots, threads);
  return orl::TransactionFault{i,
                               reflect::encode(batch.transactions[i]),
                               rfc6962::inclusion_proof(tx_leaves, i, threads),
                               batch.state_roots[i],
                               rfc6962::inclusion_proof(root_leaves, i, threads),
                               batch.state_roots[i + 1],
                               rfc6962::inclusion_proof(root_leaves, i + 1, threads),
                               engine.witness_for(orl::params_of(c), orl::L1View{deposit_ids}, batch.transactions[i])};
}

std::optional<orl::FraudProof> find_fraud(const orl::OptimisticRollup& c, const orl::BatchRecord& record,
                                          const orl::Batch& batch, RollupEngine& engine, unsigned threads) {
  if (batch.state_roots.empty() || engine.state_root() != batch.state_roots.front()) return std::nullopt;
  const std::vector<Hash32> deposit_ids = orl::deposit_ids_at(c, record);
  const RollupBatchOutcome outcome =
      engine.replay_batch(orl::params_of(c), orl::L1View{deposit_ids}, batch.transactions, batch.state_roots, threads);
  if (outcome.failed_transaction < batch.transactions.size()) {
    const orl::FraudProofType type =
        outcome.ok() ? orl::FraudProofType::invalid_transition : orl::fault_type(outcome.error);
    return orl::FraudProof{record.batch_id, type,
                           transaction_fault_at(c, record, batch, outcome.failed_transaction, engine, threads),
                           std::nullopt};
  }
  // Every step is right; what is left is a deposit the operator should have credited.
  for (u64 k = engine.deposits_credited(); k < record.deposits_recorded; ++k) {
    const Checked due = checked_add(c.deposits[k].recorded_at, c.config.deposit_inclusion_blocks);
    if (!due.overflow && due.value <= record.submitted_at) {
      return orl::FraudProof{record.batch_id, orl::FraudProofType::timeout_violation, std::nullopt,
                             orl::TimeoutFault{k, engine.header()}};
    }
  }
  return std::nullopt;
}

RollupError verify_fraud_proof(const orl::OptimisticRollup& c, const orl::BatchRecord& record,
                               const orl::Challenge& challenge, const orl::FraudProof& proof) {
  return orl::verify_fraud_proof(c, record, challenge, proof, Bip340Check{});
}

Result<Hash32, RollupError> apply_encoded_tx(const orl::L2Params& params, const orl::L1View& l1, const Hash32& pre_root,
                                             const orl::TxWitness& witness, std::span<const u8> encoded_tx) {
  return orl::apply_encoded_tx(params, l1, pre_root, witness, encoded_tx, Bip340Check{});
}

}  // namespace l2::opt
