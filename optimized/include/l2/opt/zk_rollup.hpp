// Optimized ZK rollup engines: must match l2::ref::zk_rollup (reference/include/l2/ref/zk_rollup.hpp
// and zk_rollup_contract.hpp) bit for bit:
//   - verify: ref::zk_rollup::verify(vk, proof_input, proof) for the reexecution backend, the same
//     ZkRollupError for every input (none, or the first failing rule of ZK-RX-1..13 in the
//     reference's order: the witnesses in order, within a witness the transactions in order);
//   - apply_exodus_withdraw_many: ref::zk_rollup::apply_exodus_withdraw_many, the same
//     ZkRollupError (ZK-EXIT-1, 6, 2, then per claim 3, 4, 5, the first failing claim's) or the
//     same ZkEffects;
//   - prove_batch / prove: ref::zk_rollup::reexecution_witnesses / prove_reexecution for one batch,
//     the same witness and proof bytes, or the same OptimisticRollupError.
// Exploits, for verify and the prover, optimistic_rollup's batch-engine pipeline (a oneTBB pipeline
// whose parallel stage computes the digests on the finishing kernel and checks the signatures with
// libsecp256k1, chunk after chunk, while one thread at a time applies the verified chunks in order
// over a flat table of the touched slots), a decoder that reads the proof in one pass without
// re-encoding anything (the transactions' RFC 6962 leaves are hashed from the proof's own bytes), and
// the multiproof's two roots hashed level by level, every node of a level in one midstate64_many call
// on the multi-buffer SHA-256 kernels (the shape of the multiproof, which node pairs with which and
// which sibling each takes, computed once for both roots); for the mass exit, the claims' 32-level
// paths hashed in lockstep, a group of claims per midstate64_many call per level, on TBB threads,
// and a hash set for ZK-EXIT-4 where the reference scans the list of exits.
// spec: zk_rollup.md#engines-and-missing-faces
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>

#include "l2/opt/merkle.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/opt/sparse_merkle.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/zk_rollup.hpp"
#include "l2/ref/zk_rollup_contract.hpp"

namespace l2::opt::optimistic_rollup {
class Engine;
}

namespace l2::opt::zk_rollup {

// ref::zk_rollup::verify(vk, proof_input, proof) with BIP-340 as the signature check: none when
// the proof is accepted, else the first failing rule's code. Signatures are checked on at most
// `threads` TBB threads (0 = TBB's default, 1 = the calling thread only), and the multiproof roots
// hashed there too; every hash goes through `kernel`. No result depends on either.
ZkRollupError verify(const ref::zk_rollup::VerifyingKey& vk, const Hash32& proof_input, std::span<const u8> proof,
                     unsigned threads = 0, const sha256::Kernel& kernel = default_merkle_kernel());

// ref::zk_rollup::apply_exodus_withdraw_many(contract, in, env). The claims' paths are hashed on at
// most `threads` TBB threads (0 = TBB's default); no result depends on it or on `kernel`.
ref::zk_rollup::Transition apply_exodus_withdraw_many(const ref::zk_rollup::ZkRollup& contract,
                                                      const ref::zk_rollup::ExodusWithdrawManyInput& in,
                                                      const ref::zk_rollup::Env& env, unsigned threads = 0,
                                                      const sha256::Kernel& kernel = default_merkle_kernel());

// The full L2 state a prover reads: its header (accounts root and counters), each slot's account
// (nullopt: empty) and each slot's opening, as ref::optimistic_rollup::State gives them.
struct ProverState {
  ref::optimistic_rollup::StateHeader header;
  std::function<std::optional<ref::optimistic_rollup::Account>(ref::optimistic_rollup::AccountIndex)> account;
  std::function<smt::Proof(ref::optimistic_rollup::AccountIndex)> prove;
};

// The view of an optimistic-rollup engine's state (it must outlive the view and stay unchanged
// while the view is used).
ProverState prover_state(const optimistic_rollup::Engine& engine);
// The view of a reference state (likewise).
ProverState prover_state(const ref::optimistic_rollup::State& state);

// ref::zk_rollup::reexecution_witnesses(params, vk, <state>, {{batch_number, transactions}}) for
// one batch: its witness, or the first transaction rule the batch breaks. The state is not
// changed. Signatures and hashes as for verify.
Result<ref::zk_rollup::BatchWitness, OptimisticRollupError> prove_batch(
    const ref::optimistic_rollup::L2Params& params, const ref::zk_rollup::VerifyingKey& vk, const ProverState& state,
    u64 batch_number, std::span<const ref::optimistic_rollup::Transaction> transactions, unsigned threads = 0,
    const sha256::Kernel& kernel = default_merkle_kernel());

// ref::zk_rollup::prove_reexecution for that one batch: the canonical bytes of its proof.
Result<Bytes, OptimisticRollupError> prove(const ref::optimistic_rollup::L2Params& params,
                                           const ref::zk_rollup::VerifyingKey& vk, const ProverState& state,
                                           u64 batch_number,
                                           std::span<const ref::optimistic_rollup::Transaction> transactions,
                                           unsigned threads = 0, const sha256::Kernel& kernel = default_merkle_kernel());

}  // namespace l2::opt::zk_rollup
