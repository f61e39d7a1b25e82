// The validium vector ops: deploy, then the operations table of validium.hpp (the validium's three
// ops, then zk_rollup's twelve contract ops run on `contract.rollup`) on ValidiumEffects states.
// Engines: the optimized face has verify_availability (l2::opt::validium::apply_verify_availability,
// replayed on 1 and on 2 threads, the two results required equal) and exodus_withdraw_many
// (l2::opt::zk_rollup::apply_exodus_withdraw_many on the rollup, as zk_rollup's vectors use it);
// validium.md's `## Missing faces` says why the other ops have none, and why there is no model
// engine (the model is abstract).
// spec: validium.md#vector-operations-mechanism-validium
#include <functional>
#include <type_traits>
#include <utility>

#include "l2/opt/validium.hpp"
#include "l2/opt/zk_rollup.hpp"
#include "l2/ref/encoding.hpp"
#include "world.hpp"

namespace l2::vectors::validium_vectors {

namespace {

// contract_root(contract): the commitment vectors report after every step.
Hash32 contract_state_root(const ValidiumEffects& state) { return vd::contract_root(state.contract); }

Result<ValidiumEffects, ValidiumError> deployed(const vd::ValidiumDeployInput& in) {
  const auto contract = vd::deploy(in);
  if (!contract.ok()) return contract.error();
  return ValidiumEffects{contract.value(), {}};
}

// Whether two results of the same call are the same: the same error, or the same canonical
// encoding of the effects.
bool same_result(const vd::Transition& a, const vd::Transition& b) {
  if (a.ok() != b.ok()) return false;
  if (!a.ok()) return a.error() == b.error();
  return reflect::encode(a.value()) == reflect::encode(b.value());
}

// The optimized engines: the DA check, and the mass exit of the wrapped zk ops (the spec names
// why the other ops have none).
struct OptimizedEngine {
  template <class Op>
  static constexpr bool handles = std::is_same_v<Op, vd::VerifyAvailability> || std::is_same_v<Op, vd::ExodusWithdrawMany>;

  template <class Op>
  StepResult operator()(std::type_identity<Op>, const ValidiumEffects& state, const typename Op::Input& in, u64 height) const {
    const std::function<Hash32(const ValidiumEffects&)> root = contract_state_root;
    if constexpr (std::is_same_v<Op, vd::VerifyAvailability>) {
      // One thread, then two: the signatures are checked in parallel, and no result may depend on it.
      const vd::Transition one = opt::validium::apply_verify_availability(state.contract, in, Env{height}, 1);
      const vd::Transition two = opt::validium::apply_verify_availability(state.contract, in, Env{height}, 2);
      if (!same_result(one, two))
        return StepResult{true, Outcome::invalid("OPTIMIZED_THREADS_DISAGREE", "",
                                                 "opt::validium::apply_verify_availability differs on 1 and 2 threads")};
      return transition_result(one, root);
    } else {
      static_assert(std::is_same_v<Op, vd::ExodusWithdrawMany>);
      // OnRollup's mapping: the rollup's effects on the validium, the rest of it unchanged.
      const zk::Transition next = opt::zk_rollup::apply_exodus_withdraw_many(state.contract.rollup, in, Env{height});
      if (!next.ok()) return transition_result(vd::RollupTransition(next.error()), root);
      ValidiumEffects effects{state.contract, next.value().payouts};
      effects.contract.rollup = next.value().contract;
      return transition_result(vd::RollupTransition(std::move(effects)), root);
    }
  }
};

}  // namespace

std::vector<OpHandler> operations() {
  const std::function<Hash32(const ValidiumEffects&)> root = contract_state_root;
  std::vector<OpHandler> list;
  list.push_back(deploy_op<vd::ValidiumDeployInput, ValidiumEffects, ValidiumError>(deployed, root, nullptr, nullptr));
  for (OpHandler& handler : table_ops<vd::Operations, ValidiumEffects, EffectsAdapter<ValidiumEffects>>(
           root, [](u64 height) { return Env{height}; }, OptimizedEngine{}, NoEngine{}))
    list.push_back(std::move(handler));
  return list;
}

}  // namespace l2::vectors::validium_vectors
