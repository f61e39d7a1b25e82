// The reexecution backend's verifier and prover: must match l2::ref::zk_rollup::verify (with
// BIP-340 as the signature check) and reexecution_witnesses / prove_reexecution for one batch
// (reference/include/l2/ref/zk_rollup.hpp) bit for bit: ZK-RX-1..13 in the reference's order, the
// witnesses in order; the same witness, proof bytes or first transaction rule.
// Exploits the parts of reexecution.hpp: the one-pass decoder, the multiproof's shape computed once
// for both roots and hashed level by level on the multi-buffer kernels, the pipeline that checks
// signatures in parallel while it applies the transactions in order, all inside one TBB arena of
// `threads` threads. The cheap rules (ZK-RX-1..7) come first, so a hostile proof costs little
// before it reaches the hashing, and each later rule's work starts only once the rules before it
// passed.
// spec: zk_rollup.md#verify-for-reexecution, zk_rollup.md#the-reexecution-backend
#include <algorithm>

#include "../threads.hpp"
#include "l2/opt/optimistic_rollup.hpp"
#include "l2/opt/zk_rollup.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/reflect.hpp"
#include "reexecution.hpp"

namespace l2::opt::zk_rollup {

namespace reference = ref::zk_rollup;
namespace optimistic_rollup = ref::optimistic_rollup;
using detail::Slot;

namespace {

std::vector<optimistic_rollup::AccountIndex> indices_of(std::span<const Slot> slots) {
  std::vector<optimistic_rollup::AccountIndex> indices;
  indices.reserve(slots.size());
  for (const Slot& slot : slots) indices.push_back(slot.index);
  return indices;
}

// ZK-RX-5..13 for one witness. `parallel`: inside an arena of more than one thread.
ZkRollupError verify_witness(const sha256::Kernel& kernel, const reference::ReexecutionKey& key,
                             detail::DecodedWitness& w, bool parallel) {
  const reference::PublicInputPreimage& statement = w.statement;
  // Verify: len(transactions) <= key.max_transactions [ZK-RX-5]
  if (w.transactions.size() > key.max_transactions) return ZkRollupError::rx_too_many_transactions;
  // Verify: state_root(pre_state) == statement.prev_state_root [ZK-RX-6]
  if (detail::state_root(kernel, w.pre_state) != statement.prev_state_root) return ZkRollupError::rx_pre_state_mismatch;
  const auto not_ascending = [](const Slot& a, const Slot& b) { return a.index >= b.index; };
  // Verify: the touched accounts' indices are strictly ascending [ZK-RX-7]
  if (std::adjacent_find(w.accounts.begin(), w.accounts.end(), not_ascending) != w.accounts.end())
    return ZkRollupError::rx_accounts_not_sorted;

  const std::vector<optimistic_rollup::AccountIndex> indices = indices_of(w.accounts);
  const std::optional<detail::MultiproofShape> shape = detail::MultiproofShape::make(indices, w.sibling_count);
  std::vector<Hash32> leaves(w.accounts.size());
  if (shape) detail::leaf_hashes(kernel, w.accounts, leaves, parallel);
  // Verify: at least one touched slot, and the multiproof uses every sibling and leads to pre_state.accounts_root [ZK-RX-8]
  if (!shape || shape->root(kernel, leaves, w.siblings, parallel) != w.pre_state.accounts_root)
    return ZkRollupError::rx_multiproof_mismatch;
  // Verify: the transactions and their withdrawal records hash to statement.data_commitment [ZK-RX-9]
  if (detail::data_commitment(kernel, w.transactions, w.transaction_bytes, parallel) != statement.data_commitment)
    return ZkRollupError::rx_data_mismatch;
  const optimistic_rollup::L2Params params{statement.chain_id, statement.rollup_id};
  const std::vector<std::optional<Hash32>> ids = detail::request_ids(kernel, params, w.transactions);
  // Verify: the batch's deposits and forced exits chain, in batch order, to statement.priority_ops_hash [ZK-RX-10]
  if (detail::priority_ops_hash(kernel, ids) != statement.priority_ops_hash) return ZkRollupError::rx_priority_mismatch;

  const optimistic_rollup::Counters pre_counters{w.pre_state.deposits_credited, w.pre_state.forced_exits_processed};
  // ZK-RX-11 and ZK-RX-12, transaction by transaction.
  const detail::Reexecution run = detail::reexecute(kernel, params, pre_counters, w.transactions, ids, w.accounts, parallel);
  if (run.error != ZkRollupError::none) return run.error;
  // The same siblings with the touched leaves updated: nothing outside the touched slots changed.
  detail::leaf_hashes(kernel, w.accounts, leaves, parallel);
  const optimistic_rollup::StateHeader post_state{shape->root(kernel, leaves, w.siblings, parallel),
                                                  run.counters.deposits_credited, run.counters.forced_exits_processed};
  // Verify: the re-executed batch reaches statement.post_state_root [ZK-RX-13]
  if (detail::state_root(kernel, post_state) != statement.post_state_root) return ZkRollupError::rx_post_root_mismatch;
  return ZkRollupError::none;
}

ZkRollupError verify_reexecution(const reference::VerifyingKey& vk, const Hash32& input, std::span<const u8> proof,
                                 unsigned threads, const sha256::Kernel& kernel) {
  const auto key = reflect::decode<reference::ReexecutionKey>(vk.key);
  // Verify: vk.key decodes canonically to a ReexecutionKey with version 1 [ZK-RX-1]
  if (!key || key.value().version != reference::reexecution_version) return ZkRollupError::rx_key_malformed;
  std::optional<std::vector<detail::DecodedWitness>> batches = detail::decode_proof(proof);
  // Verify: the proof decodes canonically to a ReexecutionProof with at least one witness [ZK-RX-2]
  if (!batches || batches->empty()) return ZkRollupError::rx_proof_malformed;
  const Hash32 key_hash = detail::tagged_hash(kernel, reference::verifying_key_tag, reflect::encode(vk));
  // Verify: every witness's statement.vk_hash == vk_hash(vk) [ZK-RX-3]
  if (std::any_of(batches->begin(), batches->end(),
                  [&](const detail::DecodedWitness& w) { return w.statement.vk_hash != key_hash; }))
    return ZkRollupError::rx_key_mismatch;
  std::vector<Hash32> public_inputs;
  public_inputs.reserve(batches->size());
  for (const detail::DecodedWitness& w : *batches)
    public_inputs.push_back(detail::tagged_hash(kernel, reference::public_input_tag, reflect::encode(w.statement)));
  // Verify: the statements' public inputs hash to proof_input [ZK-RX-4]
  if (detail::tagged_hash(kernel, reference::proof_input_tag, reflect::encode(public_inputs)) != input)
    return ZkRollupError::rx_input_mismatch;
  return opt::detail::in_arena(threads, [&] {
    const bool parallel = threads != 1 && tbb::this_task_arena::max_concurrency() > 1;
    for (detail::DecodedWitness& w : *batches) {
      if (const ZkRollupError e = verify_witness(kernel, key.value(), w, parallel); e != ZkRollupError::none) return e;
    }
    return ZkRollupError::none;
  });
}

}  // namespace

ZkRollupError verify(const reference::VerifyingKey& vk, const Hash32& proof_input, std::span<const u8> proof,
                     unsigned threads, const sha256::Kernel& kernel) {
  switch (vk.backend) {
    case reference::ProofBackend::reexecution: return verify_reexecution(vk, proof_input, proof, threads, kernel);
  }
  return ZkRollupError::rx_key_malformed;  // no other value decodes: no backend knows the key
}

// ---- The prover -------------------------------------------------------------------------------

ProverState prover_state(const opt::optimistic_rollup::Engine& engine) {
  return ProverState{engine.header(), [&engine](optimistic_rollup::AccountIndex index) { return engine.account(index); },
                     [&engine](optimistic_rollup::AccountIndex index) { return engine.prove(index); }};
}

ProverState prover_state(const optimistic_rollup::State& state) {
  return ProverState{state.header(), [&state](optimistic_rollup::AccountIndex index) { return state.account(index); },
                     [&state](optimistic_rollup::AccountIndex index) {
                       const ref::smt::Proof proof = state.prove(index);
                       return smt::Proof{proof.index, proof.siblings};
                     }};
}

Result<reference::BatchWitness, OptimisticRollupError> prove_batch(const optimistic_rollup::L2Params& params,
                                                                   const reference::VerifyingKey& vk,
                                                                   const ProverState& state, u64 batch_number,
                                                                   std::span<const optimistic_rollup::Transaction> transactions,
                                                                   unsigned threads, const sha256::Kernel& kernel) {
  // Every slot a transaction of the batch can read: a valid batch reads each of them (a transfer its
  // sender, its recipient and the fee account; a withdrawal its sender and the fee account; a
  // deposit or a forced exit its one slot), and an invalid one stops before reading outside them.
  std::vector<optimistic_rollup::AccountIndex> read;
  for (const optimistic_rollup::Transaction& tx : transactions) {
    if (optimistic_rollup::check_shape(tx) != OptimisticRollupError::none) break;
    switch (tx.kind) {
      case optimistic_rollup::TxKind::transfer:
        read.insert(read.end(), {tx.transfer->from, tx.transfer->to, optimistic_rollup::fee_account});
        break;
      case optimistic_rollup::TxKind::withdrawal:
        read.insert(read.end(), {tx.withdrawal->from, optimistic_rollup::fee_account});
        break;
      case optimistic_rollup::TxKind::deposit: read.push_back(tx.deposit->to); break;
      case optimistic_rollup::TxKind::forced_exit: read.push_back(tx.forced_exit->from); break;
    }
  }
  std::sort(read.begin(), read.end());
  read.erase(std::unique(read.begin(), read.end()), read.end());
  std::vector<Slot> slots;
  slots.reserve(read.size());
  for (const optimistic_rollup::AccountIndex index : read) slots.push_back(Slot{index, state.account(index)});
  const std::vector<Slot> pre_slots = slots;

  return opt::detail::in_arena(threads, [&]() -> Result<reference::BatchWitness, OptimisticRollupError> {
    const bool parallel = threads != 1 && tbb::this_task_arena::max_concurrency() > 1;
    const std::vector<std::optional<Hash32>> ids = detail::request_ids(kernel, params, transactions);
    const optimistic_rollup::Counters pre_counters{state.header.deposits_credited, state.header.forced_exits_processed};
    const detail::Reexecution run = detail::reexecute(kernel, params, pre_counters, transactions, ids, slots, parallel);
    if (run.error != ZkRollupError::none) return run.rule;

    reference::BatchWitness witness;
    witness.pre_state = state.header;
    witness.transactions.assign(transactions.begin(), transactions.end());
    witness.accounts.reserve(pre_slots.size());
    for (const Slot& slot : pre_slots) witness.accounts.push_back(reference::TouchedAccount{slot.index, slot.account});
    Hash32 post_accounts_root = state.header.accounts_root;  // a batch that reads nothing changes nothing
    if (!read.empty()) {
      const detail::MultiproofShape shape = detail::MultiproofShape::make(read);
      // The siblings in the order the shape reads them, each from the opening of the leaf below.
      std::vector<std::optional<smt::Proof>> openings(read.size());
      witness.siblings.reserve(shape.sibling_count());
      for (const detail::MultiproofShape::SiblingSource& source : shape.sibling_sources()) {
        std::optional<smt::Proof>& opening = openings[source.leaf];
        if (!opening) opening = state.prove(read[source.leaf]);
        witness.siblings.push_back(opening->siblings[source.height]);
      }
      std::vector<Hash32> leaves(slots.size());
      detail::leaf_hashes(kernel, slots, leaves, parallel);
      post_accounts_root = shape.root(kernel, leaves,
                                      witness.siblings.empty() ? nullptr : witness.siblings.front().data(), parallel);
    }
    const optimistic_rollup::StateHeader post_state{post_accounts_root, run.counters.deposits_credited,
                                                    run.counters.forced_exits_processed};
    std::vector<Bytes> encodings;
    encodings.reserve(transactions.size());
    for (const optimistic_rollup::Transaction& tx : transactions) encodings.push_back(reflect::encode(tx));
    const std::vector<std::span<const u8>> encoding_spans(encodings.begin(), encodings.end());
    witness.statement = reference::PublicInputPreimage{
        params.chain_id,
        params.rollup_id,
        detail::tagged_hash(kernel, reference::verifying_key_tag, reflect::encode(vk)),
        batch_number,
        detail::state_root(kernel, state.header),
        detail::state_root(kernel, post_state),
        detail::data_commitment(kernel, transactions, encoding_spans, parallel),
        detail::priority_ops_hash(kernel, ids)};
    return witness;
  });
}

Result<Bytes, OptimisticRollupError> prove(const optimistic_rollup::L2Params& params, const reference::VerifyingKey& vk,
                                           const ProverState& state, u64 batch_number,
                                           std::span<const optimistic_rollup::Transaction> transactions, unsigned threads,
                                           const sha256::Kernel& kernel) {
  auto witness = prove_batch(params, vk, state, batch_number, transactions, threads, kernel);
  if (!witness) return witness.error();
  reference::ReexecutionProof proof;
  proof.batches.push_back(std::move(witness).value());
  return reflect::encode(proof);
}

}  // namespace l2::opt::zk_rollup
