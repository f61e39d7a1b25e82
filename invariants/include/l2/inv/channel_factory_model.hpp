// The Z3 model of the channel factory (spec: channel_factory.md#the-z3-model): allocation
// conservation and single funding for allocations of 1..4 sub-channels, the fee bound at
// registration, and the adversarial obligations: the honest group's pre-signed allocation goes
// through whatever anyone registers first, and the funder always gets its deposit back.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"
#include "l2/ref/channel_factory.hpp"

namespace l2::inv::channel_factory {

// A rule deliberately weakened to restore a flaw the adversarial review found. Never used outside
// tests and `l2spec prove --weaken`.
enum class Weakening {
  none,
  factory_id_ignores_deposit,  // factory_id without deposit, fee and funder (review finding 2)
  allocation_checks_quota,     // PCF-SUB-7 restored: the per-user limit on every template (finding 3)
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);
inline constexpr std::array<Weakening, 2> all_weakenings = {Weakening::factory_id_ignores_deposit,
                                                            Weakening::allocation_checks_quota};

std::vector<Obligation> obligations(Weakening weakening = Weakening::none);

// This model's entry in the registry (l2/inv/registry.hpp): its obligations and weakenings; it has
// no trace validation stage.
ModelEntry registry_entry();

// The registry's operations with a weakening applied (the reference itself for Weakening::none):
// what the counterexamples' expected outcomes come from, and what tests replay them in. A
// restored rule reports the draft's own code (PCF-SUB-7's PCF_SUB_TOO_MANY_CHANNELS), which the
// reference no longer has, so outcomes carry codes as text.
struct Outcome {
  std::optional<ref::channel_factory::FactoryRegistry> post;  // accepted: the state after
  std::string error;                        // rejected: the stable code
  std::string rule;                         // rejected: its rule ID
};
Outcome register_factory(const ref::channel_factory::FactoryRegistry& registry, const ref::channel_factory::RegisterFactoryInput& in, const ref::channel_factory::Env& env,
                         Weakening weakening);
Outcome allocate(const ref::channel_factory::FactoryRegistry& registry, const ref::channel_factory::AllocateInput& in, const ref::channel_factory::Env& env,
                 Weakening weakening);

}  // namespace l2::inv::channel_factory
