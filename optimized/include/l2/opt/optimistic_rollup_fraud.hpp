// Optimized optimistic-rollup fraud proofs: the challenger's search and the L1 verifier. Must match
// l2::ref::optimistic_rollup::find_fraud, transaction_fault_at, verify_fraud_proof and the stateless
// apply_tx / apply_encoded_tx (reference/include/l2/ref/optimistic_rollup{,_contract}.hpp) bit for
// bit: the same proof bytes (transaction faults and timeout faults on either queue), the same
// verdict and error code (OR-FP-1..11 and, inside the re-execution, OR-TX-1, OR-WIT-1..4 and the
// transaction rules, in the reference's order).
// Exploits, for the search, the engine (Engine::replay_batch: the batch replayed with the pipelined
// signature checks and flat account tree, stopped at the first fault and rolled back to just before
// it; Engine::witness_for: the openings read off the engine's tree, with no state copy) and the
// multi-buffer SHA-256 kernels for the batch's RFC 6962 leaves and audit paths. For the verifier:
// every hash on the SHA-256 kernels (the three inclusion paths, the state-header opening, each
// account opening's sparse-tree path and its update from the tags' midstates) and libsecp256k1 for
// BIP-340. The transaction rules are not restated: the re-execution is the reference's
// execute_transaction over an optimized witness cursor, with libsecp256k1 plugged in.
// spec: optimistic_rollup.md#building-batches-and-proofs, optimistic_rollup.md#verify_fraud_proof
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "l2/opt/optimistic_rollup.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"

namespace l2::opt::optimistic_rollup {

// The SignatureCheck the optimized rollup code plugs into the reference rule templates: BIP-340
// through libsecp256k1 (opt::schnorr::verify), valid exactly when ref::bip340::verify is.
struct Bip340Check {
  bool operator()(const Hash32& pubkey, const Hash32& digest, const ref::bip340::Signature& signature) const {
    return schnorr::verify(pubkey, digest, signature) == PrimitiveError::none;
  }
};
static_assert(ref::optimistic_rollup::SignatureCheck<Bip340Check>);

// ref::optimistic_rollup::find_fraud(c, record, batch, engine.to_state()), the same FraudProof, for
// an engine holding the true state at the batch's prev_state_root. Contract: `batch` is the batch
// `record` was accepted for (so batch.state_roots.size() == batch.transactions.size() + 1).
// The engine is left holding:
//   - the pre-state, untouched, when it is not at state_roots[0] (nullopt: an earlier batch is the
//     fraudulent one);
//   - the true state before the faulty transaction i, when a transaction fault is returned (the
//     first i that is rejected or whose post-root is not state_roots[i + 1]);
//   - the batch's true post-state otherwise (a timeout fault on the first overdue deposit, else on
//     the first overdue forced exit, or nullopt for a valid batch).
// `threads`: at most this many TBB threads (0 = TBB's default); the result never depends on it.
std::optional<ref::optimistic_rollup::FraudProof> find_fraud(const ref::optimistic_rollup::OptimisticRollup& c,
                                                             const ref::optimistic_rollup::BatchRecord& record,
                                                             const ref::optimistic_rollup::Batch& batch, Engine& engine,
                                                             unsigned threads = 0);

// ref::optimistic_rollup::transaction_fault_at(c, record, batch, i, <engine's state>): the transaction
// fault at index i for an engine holding the true state before transaction i. Contract: i <
// batch.transactions.size() and batch.state_roots.size() > i + 1. The engine is unchanged.
ref::optimistic_rollup::TransactionFault transaction_fault_at(const ref::optimistic_rollup::OptimisticRollup& c,
                                                              const ref::optimistic_rollup::BatchRecord& record,
                                                              const ref::optimistic_rollup::Batch& batch,
                                                              std::uint64_t i, Engine& engine, unsigned threads = 0);

// ref::optimistic_rollup::verify_fraud_proof(c, record, challenge, proof): none (the fraud is
// confirmed) or the first failing rule's code. Any proof, including ones no honest party builds
// (indices and counts up to UINT64_MAX, witnesses of any length, bytes that do not decode).
OptimisticRollupError verify_fraud_proof(const ref::optimistic_rollup::OptimisticRollup& c,
                               const ref::optimistic_rollup::BatchRecord& record,
                               const ref::optimistic_rollup::Challenge& challenge,
                               const ref::optimistic_rollup::FraudProof& proof);

// ref::optimistic_rollup::apply_tx(params, l1, pre_root, witness, tx) with libsecp256k1: the
// stateless step a fraud proof re-executes. spec: optimistic_rollup.md#apply_tx
Result<Hash32, OptimisticRollupError> apply_tx(const ref::optimistic_rollup::L2Params& params,
                                     const ref::optimistic_rollup::L1View& l1, const Hash32& pre_root,
                                     const ref::optimistic_rollup::TxWitness& witness,
                                     const ref::optimistic_rollup::Transaction& tx);

// ref::optimistic_rollup::apply_encoded_tx: the same over the canonical bytes (OR-TX-1 for bytes
// that do not decode).
Result<Hash32, OptimisticRollupError> apply_encoded_tx(const ref::optimistic_rollup::L2Params& params,
                                             const ref::optimistic_rollup::L1View& l1, const Hash32& pre_root,
                                             const ref::optimistic_rollup::TxWitness& witness,
                                             std::span<const u8> encoded_tx);

}  // namespace l2::opt::optimistic_rollup
