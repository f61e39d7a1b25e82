// The JSON shapes of the optimistic-rollup vector ops, shared by the generator and anyone who
// replays the cases from C++. Contract ops run on a ContractEffects state: the contract, plus the
// payouts and challenge resolutions of the step that produced it (empty in a pre-state); a step
// reads only `contract`, and its ok post_state carries its own payouts and resolutions so that an
// implementer must reproduce them. spec: optimistic_rollup.md, vectors.md
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"

namespace l2::vectors::orv {

namespace orl = ref::optimistic_rollup;

// orl::ChallengeResolution with `reason` as the stable error code (OR_FRAUD_NO_FAULT, ...), or null
// when the resolution has no reason (fraud_confirmed, challenge_withdrawn).
struct ResolutionRecord {
  BOOST_HANA_DEFINE_STRUCT(ResolutionRecord, (Hash32, challenge_id), (orl::ResolutionKind, kind), (u64, slashed_amount),
                           (u64, paid_to_challenger), (u64, forfeited_bond), (std::optional<std::string>, reason));
};

// The state of every contract op: orl::Effects as JSON. Its commitment (state_root) is
// contract_root(contract).
struct ContractEffects {
  BOOST_HANA_DEFINE_STRUCT(ContractEffects, (orl::OptimisticRollup, contract), (std::vector<orl::Payout>, payouts),
                           (std::vector<ResolutionRecord>, resolutions));
};

inline ResolutionRecord resolution_record(const orl::ChallengeResolution& r) {
  std::optional<std::string> reason;
  if (r.reason != RollupError::none) reason = std::string(error_info(r.reason).code);
  return ResolutionRecord{r.challenge_id, r.kind, r.slashed_amount, r.paid_to_challenger, r.forfeited_bond, reason};
}

inline ContractEffects contract_effects(const orl::Effects& effects) {
  ContractEffects out{effects.contract, effects.payouts, {}};
  for (const orl::ChallengeResolution& r : effects.resolutions) out.resolutions.push_back(resolution_record(r));
  return out;
}

// ---- Inputs. Every contract op's input names the L1 `caller` (Env.caller); the step's height is
// Env.height. The other fields are the entry point's own inputs. ----

struct DeployInput {
  BOOST_HANA_DEFINE_STRUCT(DeployInput, (u64, chain_id), (Hash32, contract), (Hash32, operator_key),
                           (u64, deployment_nonce), (orl::RollupConfig, config));
};

struct CallerInput {  // unstake, claim_rewards, finalize
  BOOST_HANA_DEFINE_STRUCT(CallerInput, (Hash32, caller));
};

struct StakeCall {
  BOOST_HANA_DEFINE_STRUCT(StakeCall, (Hash32, caller), (u64, value));
};

struct DepositNewAccountCall {
  BOOST_HANA_DEFINE_STRUCT(DepositNewAccountCall, (Hash32, caller), (Hash32, owner), (u64, value));
};

struct DepositTopUpCall {
  BOOST_HANA_DEFINE_STRUCT(DepositTopUpCall, (Hash32, caller), (orl::AccountIndex, to), (u64, value));
};

struct SubmitBatchCall {
  BOOST_HANA_DEFINE_STRUCT(SubmitBatchCall, (Hash32, caller), (orl::Batch, batch));
};

struct OpenChallengeCall {
  BOOST_HANA_DEFINE_STRUCT(OpenChallengeCall, (Hash32, caller), (Hash32, batch_id), (orl::FraudProofType, proof_type),
                           (Hash32, evidence), (u64, value));
};

struct ResolveChallengeCall {
  BOOST_HANA_DEFINE_STRUCT(ResolveChallengeCall, (Hash32, caller), (Hash32, challenge_id), (orl::FraudProof, proof));
};

struct ChallengeCall {  // expire_challenge, withdraw_challenge
  BOOST_HANA_DEFINE_STRUCT(ChallengeCall, (Hash32, caller), (Hash32, challenge_id));
};

struct PayWithdrawalCall {
  BOOST_HANA_DEFINE_STRUCT(PayWithdrawalCall, (Hash32, caller), (u64, batch_number), (u64, transaction_index),
                           (Bytes, transaction), (std::vector<Hash32>, proof));
};

// verify_fraud_proof: the open challenge `challenge_id` and a proof against its batch. ok: the fraud
// is confirmed (the contract is unchanged, no payout); invalid: the OR-FP rule that rejects.
struct VerifyFraudProofInput {
  BOOST_HANA_DEFINE_STRUCT(VerifyFraudProofInput, (Hash32, challenge_id), (orl::FraudProof, proof));
};

// apply_tx: the stateless step over the transaction's canonical bytes (apply_encoded_tx).
struct ApplyTxInput {
  BOOST_HANA_DEFINE_STRUCT(ApplyTxInput, (orl::L2Params, params), (std::vector<Hash32>, deposit_ids), (Hash32, pre_root),
                           (orl::TxWitness, witness), (Bytes, transaction));
};

struct ApplyTxOutput {
  BOOST_HANA_DEFINE_STRUCT(ApplyTxOutput, (Hash32, post_root));
};

}  // namespace l2::vectors::orv
