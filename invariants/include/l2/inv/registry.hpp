// The formal layer's registry: one entry per mechanism that has obligations. `l2spec prove`,
// `--weaken` and the audit loop over it; adding a mechanism's model adds one line to
// invariants/src/registry.cpp. spec: adding_a_mechanism.md
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "l2/inv/obligation.hpp"

namespace l2::inv {

struct ModelEntry {
  std::string mechanism;
  std::function<std::vector<Obligation>()> obligations;
  // The names of the rules the model can weaken (`l2spec prove --weaken NAME`), and the
  // obligations against one of them. Contract: `name` is one of `weakenings`.
  std::vector<std::string> weakenings;
  std::function<std::vector<Obligation>(std::string_view name)> weakened;
};

// Every mechanism's model, in a fixed order.
const std::vector<ModelEntry>& models();

// The entries that can weaken `name`. A name shared by several mechanisms selects one with a
// "<mechanism>:" prefix; without a prefix every mechanism that has the name is returned.
struct WeakenedObligations {
  std::vector<const ModelEntry*> entries;
  std::string name;  // without its prefix
};
WeakenedObligations find_weakening(std::string_view name);

}  // namespace l2::inv
