// Optimized engines for the optimistic-rollup contract's submit_batch and resolve_challenge: must
// match l2::ref::optimistic_rollup::apply_submit_batch and apply_resolve_challenge
// (reference/include/l2/ref/optimistic_rollup_contract.hpp) bit for bit: the same checks in the same
// order with the same codes, and the same Effects.
// Exploits the multi-buffer SHA-256 kernels for the posted data's RFC 6962 commitments (all leaves
// of each tree in one call, then level by level) and for batch_id and the evidence commitment (the
// reference's constexpr SHA-256 hashes the whole encoded proof), libsecp256k1 for the operator's
// signature, and the optimized fraud-proof verifier (verifier.cpp). After the checks, the effects
// are the reference's: confirm_fraud and forfeit_challenge are called as they are; submit_batch's
// record is built from the reference's recorded_by and saturating_add.
// spec: optimistic_rollup.md#apply_submit_batch, optimistic_rollup.md#apply_resolve_challenge
#include "l2/opt/optimistic_rollup_contract.hpp"

#include <utility>
#include <vector>

#include "commitments.hpp"
#include "hashes.hpp"
#include "l2/opt/merkle.hpp"
#include "l2/opt/optimistic_rollup_fraud.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/reflect.hpp"

namespace l2::opt::optimistic_rollup {

namespace reference = ref::optimistic_rollup;

reference::Transition apply_submit_batch(const reference::OptimisticRollup& contract,
                                         const reference::SubmitBatchInput& in, const reference::Env& env,
                                         unsigned threads) {
  const reference::Batch& batch = in.batch;
  const reference::BatchHeader& header = batch.header;
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
  const sha256::Kernel& kernel = default_merkle_kernel();
  const std::vector<Hash32> transaction_leaves = detail::transaction_leaf_hashes(kernel, batch.transactions, threads);
  // Verify: transactions_root is the RFC 6962 root of the posted transactions [OR-BATCH-8]
  if (header.transactions_root != rfc6962::root_from_leaf_hashes(kernel, transaction_leaves, threads))
    return OptimisticRollupError::batch_tx_root_mismatch;
  // Verify: len(state_roots) == transaction_count + 1 [OR-BATCH-9]
  if (batch.state_roots.size() != batch.transactions.size() + 1) return OptimisticRollupError::batch_state_root_count;
  // Verify: state_roots[0] == prev_state_root and state_roots[n] == post_state_root [OR-BATCH-10]
  if (batch.state_roots.front() != header.prev_state_root || batch.state_roots.back() != header.post_state_root)
    return OptimisticRollupError::batch_state_root_endpoints;
  const std::vector<Hash32> root_leaves = detail::state_root_leaf_hashes(kernel, batch.state_roots, threads);
  // Verify: state_roots_root is the RFC 6962 root of the posted state roots [OR-BATCH-11]
  if (header.state_roots_root != rfc6962::root_from_leaf_hashes(kernel, root_leaves, threads))
    return OptimisticRollupError::batch_state_roots_mismatch;
  const Hash32 id = detail::tagged_hash(kernel, reference::batch_tag, reflect::encode(header));
  // Verify: the signature is the operator's BIP-340 signature of batch_id [OR-BATCH-12]
  if (!Bip340Check{}(contract.operator_key, id, batch.signature)) return OptimisticRollupError::bad_operator_signature;

  reference::OptimisticRollup c = contract;
  c.batches.push_back(reference::BatchRecord{
      header, id, env.height, saturating_add(env.height, c.config.challenge_period_blocks),
      reference::recorded_by(c.deposits, header.l1_origin_height),
      reference::recorded_by(c.forced_exits, header.l1_origin_height), false, 0});
  c.last_state_root = header.post_state_root;
  return reference::effects_of(std::move(c));
}

reference::Transition apply_resolve_challenge(const reference::OptimisticRollup& contract,
                                              const reference::ResolveChallengeInput& in, const reference::Env& env) {
  const auto index = reference::find_challenge(contract, in.challenge_id);
  const auto batch =
      index ? reference::find_pending_batch(contract, contract.challenges[*index].challenged_object) : std::nullopt;
  // Verify: an open challenge on a pending batch has this challenge_id [OR-RES-1]
  if (!index || !batch) return OptimisticRollupError::unknown_challenge;
  const reference::Challenge& challenge = contract.challenges[*index];
  // Verify: height < the challenge's deadline [OR-RES-2]
  if (env.height >= challenge.deadline) return OptimisticRollupError::challenge_expired;
  // Verify: height > opened_at: the reveal is in a later block than the commitment [OR-RES-3]
  if (env.height <= challenge.opened_at) return OptimisticRollupError::reveal_too_early;
  const Hash32 evidence = detail::tagged_hash(default_merkle_kernel(), reference::evidence_tag,
                                              reflect::encode(reference::EvidencePreimage{challenge.challenger, in.proof}));
  // Verify: the proof is the one committed, by this challenger [OR-RES-4]
  if (evidence != challenge.evidence) return OptimisticRollupError::evidence_mismatch;

  const OptimisticRollupError verdict = verify_fraud_proof(contract, contract.batches[*batch], challenge, in.proof);
  if (verdict == OptimisticRollupError::none) return reference::confirm_fraud(contract, *index, *batch);
  return reference::forfeit_challenge(contract, *index, reference::ResolutionKind::challenge_rejected, verdict);
}

}  // namespace l2::opt::optimistic_rollup
