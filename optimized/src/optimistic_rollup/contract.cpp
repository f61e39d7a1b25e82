// Optimized engines for the optimistic-rollup contract's submit_batch and resolve_challenge: must
// match l2::ref::optimistic_rollup::apply_submit_batch and apply_resolve_challenge
// (reference/include/l2/ref/optimistic_rollup_contract.hpp) bit for bit: the same checks in the same
// order with the same codes, and the same Effects.
// submit_batch is the reference's own rules with the batch's commitments on the multi-buffer SHA-256
// kernels (all leaves of each RFC 6962 tree in one call, then level by level) and the operator's
// signature on libsecp256k1: its O(1) header checks are not restated here. resolve_challenge uses
// the kernels for the evidence commitment (the reference's constexpr SHA-256 hashes the whole
// encoded proof) and the optimized fraud-proof verifier (verifier.cpp); after its checks, the
// effects are the reference's: confirm_fraud and forfeit_challenge are called as they are.
// spec: optimistic_rollup.md#apply_submit_batch, optimistic_rollup.md#apply_resolve_challenge
#include "l2/opt/optimistic_rollup_contract.hpp"

#include <span>

#include "commitments.hpp"
#include "hashes.hpp"
#include "l2/opt/merkle.hpp"
#include "l2/opt/optimistic_rollup_fraud.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/reflect.hpp"

namespace l2::opt::optimistic_rollup {

namespace reference = ref::optimistic_rollup;

namespace {

// The batch's commitments on the multi-buffer kernels: every leaf of a tree in one call, then level
// by level, on at most `threads` TBB threads.
struct KernelBatchCommitments {
  const sha256::Kernel& kernel;
  unsigned threads;
  Hash32 transactions_root(std::span<const reference::Transaction> transactions) const {
    return rfc6962::root_from_leaf_hashes(kernel, detail::transaction_leaf_hashes(kernel, transactions, threads), threads);
  }
  Hash32 state_roots_root(std::span<const Hash32> state_roots) const {
    return rfc6962::root_from_leaf_hashes(kernel, detail::state_root_leaf_hashes(kernel, state_roots, threads), threads);
  }
  Hash32 batch_id(const reference::BatchHeader& header) const {
    return detail::tagged_hash(kernel, reference::batch_tag, reflect::encode(header));
  }
};

}  // namespace

reference::Transition apply_submit_batch(const reference::OptimisticRollup& contract,
                                         const reference::SubmitBatchInput& in, const reference::Env& env,
                                         unsigned threads) {
  return reference::apply_submit_batch(contract, in, env, Bip340Check{}, KernelBatchCommitments{default_merkle_kernel(), threads});
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
