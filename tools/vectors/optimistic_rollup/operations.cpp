// The optimistic-rollup vector ops: the contract's operations table (optimistic_rollup_contract.hpp)
// on ContractEffects states, deploy, the read-only verify_fraud_proof, and the stateless apply_tx.
// Engines: the optimized face has submit_batch and resolve_challenge (l2/opt/optimistic_rollup_contract.hpp),
// verify_fraud_proof and apply_tx (l2/opt/optimistic_rollup_fraud.hpp); the contract's other ops are
// O(1) bookkeeping with no optimized engine. The model (l2/inv/optimistic_rollup_model.hpp) has every op.
// spec: optimistic_rollup.md#vector-operations-mechanism-optimistic_rollup
#include <functional>
#include <span>
#include <type_traits>

#include "l2/inv/optimistic_rollup_model.hpp"
#include "l2/opt/optimistic_rollup_contract.hpp"
#include "l2/opt/optimistic_rollup_fraud.hpp"
#include "l2/opt/schnorr.hpp"
#include "world.hpp"

namespace l2::vectors::optimistic_rollup_vectors {

namespace {

namespace opt = l2::opt::optimistic_rollup;
namespace model = l2::inv::optimistic_rollup;

Hash32 contract_state_root(const ContractEffects& state) { return optimistic_rollup::contract_root(state.contract); }

Result<ContractEffects, OptimisticRollupError> deployed(const optimistic_rollup::DeployInput& in) {
  const auto contract = optimistic_rollup::deploy(in);
  if (!contract.ok()) return contract.error();
  return ContractEffects{contract.value(), {}, {}};
}

StepResult contract_outcome(const Result<ContractEffects, OptimisticRollupError>& result) {
  return transition_result(result, std::function<Hash32(const ContractEffects&)>(contract_state_root));
}

// The optimized contract engines: submit_batch and resolve_challenge only (the spec names why the
// other ops have none).
struct OptimizedEngine {
  template <class Op>
  static constexpr bool handles =
      std::is_same_v<Op, optimistic_rollup::SubmitBatch> || std::is_same_v<Op, optimistic_rollup::ResolveChallenge>;

  template <class Op>
  StepResult operator()(std::type_identity<Op>, const ContractEffects& state, const typename Op::Input& in, u64 height) const {
    const Env env{height};
    if constexpr (std::is_same_v<Op, optimistic_rollup::SubmitBatch>) {
      return contract_outcome(ContractEffectsAdapter::output(opt::apply_submit_batch(state.contract, in, env)));
    } else {
      static_assert(std::is_same_v<Op, optimistic_rollup::ResolveChallenge>);
      return contract_outcome(ContractEffectsAdapter::output(opt::apply_resolve_challenge(state.contract, in, env)));
    }
  }
};

// The model's engine, one per thread, with BIP-340 (libsecp256k1) giving the abstract signature
// check its value on the concrete digest.
model::Engine& model_engine() {
  thread_local model::Engine engine(model::Weakening::none,
                                    [](const Hash32& key, const Hash32& digest, const optimistic_rollup::Signature& sig) {
                                      return l2::opt::schnorr::verify(key, digest, sig) == PrimitiveError::none;
                                    });
  return engine;
}

StepResult model_failure(const std::string& problem) {
  return StepResult{true, Outcome::invalid("MODEL_FAILURE", "", problem)};
}

struct ModelEngine {
  template <class Op>
  StepResult operator()(std::type_identity<Op>, const ContractEffects& state, const typename Op::Input& in, u64 height) const {
    const model::Engine::Outcome outcome =
        model_engine().apply(state.contract, model::Step{optimistic_rollup::op_code<Op>, in, height});
    if (!outcome.problem.empty()) return model_failure(outcome.problem);
    if (outcome.ambiguous) return model_failure("the model admits more than one outcome");
    if (outcome.error != OptimisticRollupError::none) return StepResult{true, rejection(outcome.error)};
    return contract_outcome(contract_effects(outcome.effects));
  }
};

StepResult model_deploy(const optimistic_rollup::DeployInput& in) {
  const OptimisticRollupError error = model::deploy_error(in.config);
  if (error != OptimisticRollupError::none) return StepResult{true, rejection(error)};
  // The model admits the configuration; the deployed state itself is the reference's (deploy has no
  // other effect than recording the configuration and the operator).
  return contract_outcome(deployed(in));
}

StepResult model_verify(const ContractEffects& state, const VerifyFraudProofInput& in, u64) {
  const model::Engine::VerdictOutcome outcome = model_engine().verify_fraud_proof(state.contract, in.challenge_id, in.proof);
  if (!outcome.problem.empty()) return model_failure(outcome.problem);
  if (outcome.ambiguous) return model_failure("the model admits more than one verdict");
  if (outcome.error != OptimisticRollupError::none) return StepResult{true, rejection(outcome.error)};
  return contract_outcome(state);
}

StepResult model_apply_tx(const ApplyTxInput& in) {
  const model::Engine::TransactionOutcome outcome = model_engine().apply_tx(
      in.params, in.deposit_ids, in.forced_exit_ids, in.pre_root, in.witness, in.transaction);
  if (!outcome.problem.empty()) return model_failure(outcome.problem);
  if (outcome.ambiguous) return model_failure("the model admits more than one outcome");
  if (outcome.error != OptimisticRollupError::none) return StepResult{true, rejection(outcome.error)};
  const ApplyTxOutput out{outcome.post_root};
  return StepResult{true, Outcome::ok(codec::to_json(out), to_hex(output_root(out)))};
}

Result<ContractEffects, OptimisticRollupError> optimized_verify(const ContractEffects& state, const VerifyFraudProofInput& in, u64) {
  return verify_with(state, in, [](const OptimisticRollup& c, const optimistic_rollup::BatchRecord& record,
                                   const optimistic_rollup::Challenge& challenge, const FraudProof& proof) {
    return opt::verify_fraud_proof(c, record, challenge, proof);
  });
}

Result<ApplyTxOutput, OptimisticRollupError> optimized_apply_tx(const ApplyTxInput& in) {
  const auto result = opt::apply_encoded_tx(in.params, optimistic_rollup::L1View{in.deposit_ids, in.forced_exit_ids},
                                            in.pre_root, in.witness, in.transaction);
  if (!result.ok()) return result.error();
  return ApplyTxOutput{result.value()};
}

}  // namespace

std::vector<OpHandler> operations() {
  const std::function<Hash32(const ContractEffects&)> root = contract_state_root;
  std::vector<OpHandler> list;
  // deploy has no optimized engine: it only checks and records a configuration (optimistic_rollup.md#the-batch-engine-the-optimized-face).
  list.push_back(deploy_op<optimistic_rollup::DeployInput, ContractEffects, OptimisticRollupError>(deployed, root, nullptr, model_deploy));
  for (OpHandler& handler : table_ops<optimistic_rollup::Operations, ContractEffects, ContractEffectsAdapter>(
           root, [](u64 height) { return Env{height}; }, OptimizedEngine{}, ModelEngine{}))
    list.push_back(std::move(handler));
  list.push_back(transition_op<ContractEffects, VerifyFraudProofInput, OptimisticRollupError>(
      "verify_fraud_proof", "check a proof against an open challenge's batch; ok = fraud confirmed [OR-FP-1..11]",
      TransitionFn<ContractEffects, VerifyFraudProofInput, OptimisticRollupError>(
          [](const ContractEffects& state, const VerifyFraudProofInput& in, u64) { return reference_verify(state, in); }),
      optimized_verify, root, model_verify));
  list.push_back(stateless_op<ApplyTxInput, ApplyTxOutput, OptimisticRollupError>(
      "apply_tx", "the stateless L2 step over encoded transaction bytes [OR-TX, OR-WIT, OR-SEND, OR-XFER, OR-FEE, OR-DEP, OR-FEX]",
      PureFn<ApplyTxInput, ApplyTxOutput, OptimisticRollupError>(reference_apply_tx), optimized_apply_tx, model_apply_tx));
  return list;
}

}  // namespace l2::vectors::optimistic_rollup_vectors
