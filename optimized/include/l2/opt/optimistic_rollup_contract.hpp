// Optimized engines for the optimistic-rollup L1 contract's two heavy entry points: must match
// l2::ref::optimistic_rollup::apply_submit_batch and apply_resolve_challenge
// (reference/include/l2/ref/optimistic_rollup_contract.hpp) bit for bit: the same OptimisticRollupError for
// every input, from the same rule in the same order (OR-FROZEN-1, OR-BATCH-1, 2, 13, 3, 4, 14, 15, 5..12;
// OR-RES-1..4), and on success the same Effects (contract, payouts, resolutions).
// Exploits, for submit_batch, the multi-buffer SHA-256 kernels for the posted data's commitments
// (every transaction's and every state root's RFC 6962 leaf, then the two trees' levels) and for
// batch_id, and libsecp256k1 for the operator's signature; for resolve_challenge, the kernels for the
// evidence commitment (a hash over the whole encoded proof) and the optimized fraud-proof verifier
// (optimistic_rollup_fraud.hpp). The bookkeeping after the checks (the batch record, the slash and
// revert cascade, the forfeit) is the reference's own functions, not restated.
// The contract's other entry points (deploy, stake, unstake, both deposits, request_forced_exit,
// open_challenge, expire_challenge, withdraw_challenge, finalize, pay_withdrawal, freeze, exit,
// reclaim_deposit) have no optimized engine: each is O(1) bookkeeping or one fixed-size hash or
// path, with nothing to optimize (spec: optimistic_rollup.md#the-batch-engine-the-optimized-face).
// spec: optimistic_rollup.md#apply_submit_batch, optimistic_rollup.md#apply_resolve_challenge
#pragma once

#include "l2/ref/optimistic_rollup_contract.hpp"

namespace l2::opt::optimistic_rollup {

// ref::optimistic_rollup::apply_submit_batch(c, in, env). The commitments are hashed on at most
// `threads` TBB threads (0 = TBB's default; small batches stay on this thread); no result depends
// on it.
ref::optimistic_rollup::Transition apply_submit_batch(const ref::optimistic_rollup::OptimisticRollup& c,
                                                      const ref::optimistic_rollup::SubmitBatchInput& in,
                                                      const ref::optimistic_rollup::Env& env, unsigned threads = 0);

// ref::optimistic_rollup::apply_resolve_challenge(c, in, env): a confirmed fraud or a rejected
// challenge (both accepted transitions), or OR-RES-1..4.
ref::optimistic_rollup::Transition apply_resolve_challenge(const ref::optimistic_rollup::OptimisticRollup& c,
                                                           const ref::optimistic_rollup::ResolveChallengeInput& in,
                                                           const ref::optimistic_rollup::Env& env);

}  // namespace l2::opt::optimistic_rollup
