// The JSON shapes of the optimistic-rollup vector ops that are not the reference's own types,
// shared by the generator and anyone who replays the cases from C++. Contract ops run on a
// ContractEffects state: the contract, plus the payouts and challenge resolutions of the step that
// produced it (empty in a pre-state); a step reads only `contract`, and its ok post_state carries its
// own payouts and resolutions so that an implementer must reproduce them. Every contract op's input
// is the reference's input type (optimistic_rollup_contract.hpp), which names the L1 caller.
// spec: optimistic_rollup.md#vector-operations-mechanism-optimistic_rollup, vectors.md
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/ref/result.hpp"

namespace l2::vectors::optimistic_rollup_vectors {

namespace optimistic_rollup = ref::optimistic_rollup;

// optimistic_rollup::ChallengeResolution with `reason` as the stable error code (OR_FRAUD_NO_FAULT,
// ...), or null when the resolution has no reason (fraud_confirmed, challenge_withdrawn,
// batch_reverted).
struct ResolutionRecord {
  BOOST_HANA_DEFINE_STRUCT(ResolutionRecord, (Hash32, challenge_id), (optimistic_rollup::ResolutionKind, kind),
                           (u64, slashed_amount), (u64, refunded_bond), (u64, reward), (u64, forfeited_bond),
                           (std::optional<std::string>, reason));
};

// The state of every contract op: optimistic_rollup::Effects as JSON. Its commitment (state_root) is
// contract_root(contract).
struct ContractEffects {
  BOOST_HANA_DEFINE_STRUCT(ContractEffects, (optimistic_rollup::OptimisticRollup, contract),
                           (std::vector<optimistic_rollup::Payout>, payouts),
                           (std::vector<ResolutionRecord>, resolutions));
};

inline ResolutionRecord resolution_record(const optimistic_rollup::ChallengeResolution& resolution) {
  std::optional<std::string> reason;
  if (resolution.reason != OptimisticRollupError::none) reason = std::string(error_info(resolution.reason).code);
  return ResolutionRecord{resolution.challenge_id,  resolution.kind,   resolution.slashed_amount, resolution.refunded_bond,
                          resolution.reward, resolution.forfeited_bond, reason};
}

inline ContractEffects contract_effects(const optimistic_rollup::Effects& effects) {
  ContractEffects out{effects.contract, effects.payouts, {}};
  for (const optimistic_rollup::ChallengeResolution& r : effects.resolutions) out.resolutions.push_back(resolution_record(r));
  return out;
}

// The contract's transitions as vector states: the table's ops read `contract` and their effects
// become the post-state (typed_ops.hpp's Adapter).
struct ContractEffectsAdapter {
  static const optimistic_rollup::OptimisticRollup& input_state(const ContractEffects& state) { return state.contract; }
  static Result<ContractEffects, OptimisticRollupError> output(const optimistic_rollup::Transition& transition) {
    if (!transition.ok()) return transition.error();
    return contract_effects(transition.value());
  }
};

// verify_fraud_proof: the open challenge `challenge_id` and a proof against its batch. ok: the fraud
// is confirmed (the contract is unchanged, no payout); invalid: the OR-FP rule that rejects.
struct VerifyFraudProofInput {
  BOOST_HANA_DEFINE_STRUCT(VerifyFraudProofInput, (Hash32, challenge_id), (optimistic_rollup::FraudProof, proof));
};

// apply_tx: the stateless step over the transaction's canonical bytes (apply_encoded_tx), against
// the L1 view of a batch (the deposit and forced-exit ids it may read).
struct ApplyTxInput {
  BOOST_HANA_DEFINE_STRUCT(ApplyTxInput, (optimistic_rollup::L2Params, params), (std::vector<Hash32>, deposit_ids),
                           (std::vector<Hash32>, forced_exit_ids), (Hash32, pre_root),
                           (optimistic_rollup::TxWitness, witness), (Bytes, transaction));
};

struct ApplyTxOutput {
  BOOST_HANA_DEFINE_STRUCT(ApplyTxOutput, (Hash32, post_root));
};

}  // namespace l2::vectors::optimistic_rollup_vectors
