// The optimistic rollup's entry in the vectors registry: its ops, its suites and its shared states.
#include "l2/inv/optimistic_rollup_model.hpp"
#include "l2/vectors/counterexample.hpp"
#include "world.hpp"

namespace l2::vectors {

namespace optimistic_rollup_vectors {
namespace {

std::vector<CaseSpec> all_cases(Profile) {
  const Worlds& w = worlds();
  CaseBook cases{std::string(mechanism_name)};
  deploy_and_stake_cases(cases, w);
  deposit_cases(cases, w);
  submit_cases(cases, w);
  challenge_cases(cases, w);
  finality_cases(cases, w);
  escape_hatch_cases(cases, w);
  verify_cases(cases, w);
  apply_tx_cases(cases, w);
  adversarial_cases(cases, w);
  return cases.take();
}

}  // namespace
}  // namespace optimistic_rollup_vectors

Mechanism optimistic_rollup_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(optimistic_rollup_vectors::mechanism_name);
  mechanism.ops = optimistic_rollup_vectors::operations();
  mechanism.cases = optimistic_rollup_vectors::all_cases;
  mechanism.shared_states = optimistic_rollup_vectors::shared_states;
  mechanism.model = inv::optimistic_rollup::registry_entry;
  // A counterexample's states are the contract with the effects of the step that produced it
  // (the vector state of every contract op), committed by the contract's root.
  mechanism.counterexample = [name = mechanism.name](const inv::Counterexample& counterexample) {
    return render_counterexample<ref::optimistic_rollup::Operations, ref::optimistic_rollup::Effects>(
        name, counterexample,
        [](const ref::optimistic_rollup::Effects& effects) { return codec::to_json(optimistic_rollup_vectors::contract_effects(effects)); },
        [](const ref::optimistic_rollup::Effects& effects) { return ref::optimistic_rollup::contract_root(effects.contract); });
  };
  mechanism.bench_prefix = "BM_optimistic_rollup";
  return mechanism;
}

}  // namespace l2::vectors
