// The channel network's entry in the registry: its three parts' ops and cases, its Z3 model, and
// its benchmarks. spec: channel_network.md
#include <utility>

#include "cases.hpp"
#include "l2/inv/channel_network_model.hpp"

namespace l2::vectors {

Mechanism channel_network_mechanism() {
  using namespace channel_network_vectors;
  Mechanism mechanism;
  mechanism.name = std::string(mechanism_name);
  for (auto part : {adjudicator_ops, routing_ops, crypto_ops})
    for (OpHandler& handler : part()) mechanism.ops.push_back(std::move(handler));
  mechanism.cases = [](Profile profile) {
    std::vector<CaseSpec> all;
    for (auto part : {adjudicator_cases, routing_cases, crypto_cases})
      for (CaseSpec& spec : part(profile)) all.push_back(std::move(spec));
    return all;
  };
  mechanism.shared_states = [](Profile) { return std::vector<SharedState>{}; };
  mechanism.model = inv::channel_network::registry_entry;
  mechanism.bench_prefix = "BM_channel_network";
  return mechanism;
}

}  // namespace l2::vectors
