// Validium's entry in the vectors registry: its ops, its suites, its shared states and its abstract
// model (validium.md#obligations; no concrete engine, validium.md#missing-faces).
#include "l2/inv/validium_model.hpp"
#include "world.hpp"

namespace l2::vectors {

namespace validium_vectors {
namespace {

std::vector<CaseSpec> all_cases(Profile) {
  const Worlds& w = worlds();
  CaseBook cases{std::string(mechanism_name)};
  deploy_cases(cases, w);
  availability_cases(cases, w);
  rotation_cases(cases, w);
  wrapped_cases(cases, w);
  adversarial_cases(cases, w);
  return cases.take();
}

}  // namespace
}  // namespace validium_vectors

Mechanism validium_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(validium_vectors::mechanism_name);
  mechanism.ops = validium_vectors::operations();
  mechanism.cases = validium_vectors::all_cases;
  mechanism.shared_states = validium_vectors::shared_states;
  mechanism.model = inv::validium::registry_entry;
  mechanism.bench_prefix = "BM_validium";
  return mechanism;
}

}  // namespace l2::vectors
