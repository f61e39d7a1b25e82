// Optimized optimistic-rollup fraud proofs: the challenger's search and the L1 verifier. Must match
// l2::ref::optimistic_rollup::find_fraud and verify_fraud_proof
// (reference/include/l2/ref/optimistic_rollup_contract.hpp) bit for bit: the same proof bytes, the
// same verdict and error code (OR-FP-1..11).
// Exploits the rollup engine (RollupEngine::replay_batch: the batch replayed with the pipelined
// signature checks and flat account tree, stopped at the first fault and rolled back to just before
// it; RollupEngine::witness_for: the openings read off the engine's tree, with no state copy), the
// multi-buffer SHA-256 kernels for the batch's RFC 6962 leaves and proof siblings, and libsecp256k1
// as the BIP-340 check. The rules themselves are not restated: the verifier is the reference's
// template with libsecp256k1 plugged in, and the witness is read by the reference's
// execute_transaction over an engine-backed store.
// spec: optimistic_rollup.md#building-batches-and-proofs, optimistic_rollup.md#verify_fraud_proof
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "l2/opt/optimistic_rollup.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"

namespace l2::opt {

// The SignatureCheck the optimized rollup code plugs into the reference rule templates: BIP-340
// through libsecp256k1 (opt::schnorr::verify), valid exactly when ref::bip340::verify is.
struct Bip340Check {
  bool operator()(const Hash32& pubkey, const Hash32& digest, const ref::bip340::Signature& signature) const {
    return schnorr::verify(pubkey, digest, signature) == PrimitiveError::none;
  }
};
static_assert(ref::optimistic_rollup::SignatureCheck<Bip340Check>);

namespace rfc6962 {
// ref::rfc6962::inclusion_proof(leaf_hashes, index): the audit path of leaf `index`, leaf level
// first; empty when index >= leaf_hashes.size() or the tree has one leaf. Each sibling is an
// opt::rfc6962::root_from_leaf_hashes of a subrange, so the path costs about one pass over the
// leaves, through the multi-buffer kernels.
std::vector<Hash32> inclusion_proof(std::span<const Hash32> leaf_hashes, std::uint64_t index, unsigned threads = 0);
}  // namespace rfc6962

// ref::optimistic_rollup::find_fraud(c, record, batch, engine.to_state()), the same FraudProof, for
// an engine holding the true state at the batch's prev_state_root. Contract: `batch` is the batch
// `record` was accepted for (so batch.state_roots.size() == batch.transactions.size() + 1).
// The engine is left holding:
//   - the pre-state, untouched, when it is not at state_roots[0] (nullopt: an earlier batch is the
//     fraudulent one);
//   - the true state before the faulty transaction i, when a transaction fault is returned (the
//     first i that is rejected or whose post-root is not state_roots[i + 1]);
//   - the batch's true post-state otherwise (a timeout fault, or nullopt for a valid batch).
// `threads`: at most this many TBB threads (0 = TBB's default); the result never depends on it.
std::optional<ref::optimistic_rollup::FraudProof> find_fraud(const ref::optimistic_rollup::OptimisticRollup& c,
                                                             const ref::optimistic_rollup::BatchRecord& record,
                                                             const ref::optimistic_rollup::Batch& batch,
                                                             RollupEngine& engine, unsigned threads = 0);

// ref::optimistic_rollup::transaction_fault_at(c, record, batch, i, <engine's state>): the transaction
// fault at index i for an engine holding the true state before transaction i. Contract: i <
// batch.transactions.size(). The engine is unchanged.
ref::optimistic_rollup::TransactionFault transaction_fault_at(const ref::optimistic_rollup::OptimisticRollup& c,
                                                              const ref::optimistic_rollup::BatchRecord& record,
                                                              const ref::optimistic_rollup::Batch& batch,
                                                              std::uint64_t i, RollupEngine& engine,
                                                              unsigned threads = 0);

// ref::optimistic_rollup::verify_fraud_proof(c, record, challenge, proof): none (the fraud is
// confirmed) or the first failing rule's code, OR-FP-1..11 and, inside the re-execution, the
// reference's own order of checks.
RollupError verify_fraud_proof(const ref::optimistic_rollup::OptimisticRollup& c,
                               const ref::optimistic_rollup::BatchRecord& record,
                               const ref::optimistic_rollup::Challenge& challenge,
                               const ref::optimistic_rollup::FraudProof& proof);

// ref::optimistic_rollup::apply_encoded_tx with libsecp256k1: the stateless step a fraud proof
// re-executes. spec: optimistic_rollup.md#apply_tx
Result<Hash32, RollupError> apply_encoded_tx(const ref::optimistic_rollup::L2Params& params,
                                             const ref::optimistic_rollup::L1View& l1, const Hash32& pre_root,
                                             const ref::optimistic_rollup::TxWitness& witness,
                                             std::span<const u8> encoded_tx);

}  // namespace l2::opt
