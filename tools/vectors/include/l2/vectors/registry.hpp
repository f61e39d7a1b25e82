// The registry's formal side: every mechanism's model entry and obligations, in the registry's
// order (registry.cpp). The descriptors themselves: framework.hpp's Mechanism and mechanisms().
// spec: adding_a_mechanism.md#the-registry-line
#pragma once

#include <string_view>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"
#include "l2/vectors/framework.hpp"

namespace l2::vectors {

// The model entry of every mechanism that has one.
std::vector<inv::ModelEntry> models();

// Every obligation of every mechanism, at full depth (the audit's) or small (`./l2 test`'s).
std::vector<inv::Obligation> all_obligations(inv::Depth depth = inv::Depth::full);

// The case document of a counterexample of `mechanism`'s model, by that mechanism's renderer; null
// when the mechanism is unknown or has no renderer.
json counterexample_case(std::string_view mechanism, const inv::Counterexample& counterexample);

}  // namespace l2::vectors
