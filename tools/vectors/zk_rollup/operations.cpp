// The zk-rollup vector ops: the contract's operations table (zk_rollup_contract.hpp) on ZkEffects
// states, deploy, and the stateless verify_proof (the proof system's verdict and its ZK-RX reason).
// Engines: the optimized face has verify_proof (l2::opt::zk_rollup::verify) and exodus_withdraw_many
// (l2::opt::zk_rollup::apply_exodus_withdraw_many); zk_rollup.md's `## Missing faces` says why the
// other contract ops have none. The model (l2/inv/zk_rollup_model.hpp) has deploy and every contract
// op; a step outside its bounds is not applicable; verify_proof has no model face.
// spec: zk_rollup.md#vector-operations-mechanism-zk_rollup
#include <functional>
#include <string>
#include <type_traits>

#include "l2/inv/zk_rollup_model.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/opt/zk_rollup.hpp"
#include "world.hpp"

namespace l2::vectors::zk_rollup_vectors {

namespace {

// contract_root(contract): the commitment vectors report after every contract step.
Hash32 contract_state_root(const ZkEffects& state) { return zk::contract_root(state.contract); }

Result<ZkEffects, ZkRollupError> deployed(const zk::ZkDeployInput& in) {
  const auto contract = zk::deploy(in);
  if (!contract.ok()) return contract.error();
  return ZkEffects{contract.value(), {}};
}

// The optimized contract engine: the mass exit only (the spec names why the other ops have none).
struct OptimizedEngine {
  template <class Op>
  static constexpr bool handles = std::is_same_v<Op, zk::ExodusWithdrawMany>;

  template <class Op>
  StepResult operator()(std::type_identity<Op>, const ZkEffects& state, const typename Op::Input& in, u64 height) const {
    static_assert(std::is_same_v<Op, zk::ExodusWithdrawMany>);
    return transition_result(opt::zk_rollup::apply_exodus_withdraw_many(state.contract, in, Env{height}),
                             std::function<Hash32(const ZkEffects&)>(contract_state_root));
  }
};

namespace model = l2::inv::zk_rollup;

// The model's engine, one per thread, with BIP-340 (libsecp256k1) giving the signature checks of the
// proof system's verdict their value on the concrete data.
model::Engine& model_engine() {
  thread_local model::Engine engine(model::Weakening::none,
                                    [](const Hash32& key, const Hash32& digest, const orl::Signature& sig) {
                                      return l2::opt::schnorr::verify(key, digest, sig) == PrimitiveError::none;
                                    });
  return engine;
}

StepResult model_failure(const std::string& problem) { return StepResult{true, Outcome::invalid("MODEL_FAILURE", "", problem)}; }

// Every contract op through the model; a step outside the model's bounds is not applicable.
struct ModelEngine {
  template <class Op>
  StepResult operator()(std::type_identity<Op>, const ZkEffects& state, const typename Op::Input& in, u64 height) const {
    const model::Engine::Outcome outcome = model_engine().apply(state.contract, model::Step{zk::op_code<Op>, in, height});
    if (!outcome.outside_bounds.empty()) return StepResult{false, {}};
    if (!outcome.problem.empty()) return model_failure(outcome.problem);
    if (outcome.ambiguous) return model_failure("the model admits more than one outcome");
    if (outcome.error != ZkRollupError::none) return StepResult{true, rejection(outcome.error)};
    return transition_result(Transition(outcome.effects), std::function<Hash32(const ZkEffects&)>(contract_state_root));
  }
};

// deploy: ZK-DEPLOY-1..5 as the model states them, ZK-DEPLOY-6 the backend's check of its key; the
// deployed state is the reference's (deploy has no other effect than recording its input).
StepResult model_deploy(const zk::ZkDeployInput& in) {
  const ZkRollupError error = model::deploy_error(in.config, in.verifying_key);
  if (error != ZkRollupError::none) return StepResult{true, rejection(error)};
  return transition_result(deployed(in), std::function<Hash32(const ZkEffects&)>(contract_state_root));
}

Result<zk::VerifyProofResult, ZkRollupError> optimized_verify_proof(const zk::VerifyProofInput& in) {
  if (const ZkRollupError e = opt::zk_rollup::verify(in.verifying_key, in.proof_input, in.proof); e != ZkRollupError::none)
    return e;
  return zk::VerifyProofResult{true};
}

}  // namespace

std::vector<OpHandler> operations() {
  const std::function<Hash32(const ZkEffects&)> root = contract_state_root;
  std::vector<OpHandler> list;
  list.push_back(deploy_op<zk::ZkDeployInput, ZkEffects, ZkRollupError>(deployed, root, nullptr, model_deploy));
  for (OpHandler& handler : table_ops<zk::Operations, ZkEffects, EffectsAdapter<ZkEffects>>(
           root, [](u64 height) { return Env{height}; }, OptimizedEngine{}, ModelEngine{}))
    list.push_back(std::move(handler));
  list.push_back(stateless_op<zk::VerifyProofInput, zk::VerifyProofResult, ZkRollupError>(
      "verify_proof", "the proof system's verdict on (verifying key, proof input, proof) [ZK-RX-1..13]",
      PureFn<zk::VerifyProofInput, zk::VerifyProofResult, ZkRollupError>(reference_verify_proof),
      PureFn<zk::VerifyProofInput, zk::VerifyProofResult, ZkRollupError>(optimized_verify_proof)));
  return list;
}

}  // namespace l2::vectors::zk_rollup_vectors
