// The zk rollup's entry in the vectors registry: its ops, its suites and its shared states.
#include "l2/inv/zk_rollup_model.hpp"
#include "world.hpp"

namespace l2::vectors {

namespace zk_rollup_vectors {
namespace {

std::vector<CaseSpec> all_cases(Profile) {
  const Worlds& w = worlds();
  CaseBook cases{std::string(mechanism_name)};
  deploy_cases(cases, w);
  request_cases(cases, w);
  batch_cases(cases, w);
  verify_proof_cases(cases, w);
  exodus_cases(cases, w);
  adversarial_cases(cases, w);
  return cases.take();
}

}  // namespace
}  // namespace zk_rollup_vectors

Mechanism zk_rollup_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(zk_rollup_vectors::mechanism_name);
  mechanism.ops = zk_rollup_vectors::operations();
  mechanism.cases = zk_rollup_vectors::all_cases;
  mechanism.shared_states = zk_rollup_vectors::shared_states;
  mechanism.model = inv::zk_rollup::registry_entry;
  mechanism.bench_prefix = "BM_zk_rollup";
  return mechanism;
}

}  // namespace l2::vectors
