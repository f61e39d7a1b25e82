// The optimistic rollup's obligations, in one list. spec: optimistic_rollup.md#the-z3-model
#include "obligations.hpp"

namespace l2::inv::optimistic_rollup {

std::vector<Obligation> obligations(Weakening weakening) {
  std::vector<Obligation> list = model::contract_obligations(weakening);
  for (Obligation& o : model::l2_obligations()) list.push_back(std::move(o));
  for (Obligation& o : model::liveness_obligations(weakening)) list.push_back(std::move(o));
  return list;
}

ModelEntry registry_entry() {
  ModelEntry entry = model_entry("optimistic_rollup", all_weakenings, weakening_name, parse_weakening, obligations);
  entry.trace_validation = trace_validation_stage(
      800, 40, [](std::uint64_t seed, std::size_t traces, std::size_t steps, const std::function<void(std::size_t)>& progress) {
        return validate_random_traces(seed, traces, steps, progress);
      });
  return entry;
}

}  // namespace l2::inv::optimistic_rollup
