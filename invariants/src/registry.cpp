// The formal layer's part of the registry: finding a weakening among the models. The list of
// mechanisms is tools/vectors/registry.cpp. spec: adding_a_mechanism.md#the-registry-line
#include "l2/inv/registry.hpp"

namespace l2::inv {

WeakenedObligations find_weakening(const std::vector<const ModelEntry*>& models, std::string_view name) {
  WeakenedObligations found;
  std::string_view mechanism;
  if (const auto colon = name.find(':'); colon != std::string_view::npos) {
    mechanism = name.substr(0, colon);
    name.remove_prefix(colon + 1);
  }
  found.name = std::string(name);
  for (const ModelEntry* model : models) {
    if (!mechanism.empty() && model->mechanism != mechanism) continue;
    for (const std::string& weakening : model->weakenings)
      if (weakening == name) found.entries.push_back(model);
  }
  return found;
}

std::string trace_step_line(std::size_t step, std::uint64_t height, std::string_view op, std::string_view input,
                            std::string_view reference, std::string_view model, bool agrees) {
  std::string line = "step " + std::to_string(step) + " at height " + std::to_string(height) + ": ";
  line.append(op).append(" ").append(input).append(": reference ").append(reference).append(", model ").append(model);
  if (!agrees) line += "  <- disagreement";
  return line;
}

}  // namespace l2::inv
