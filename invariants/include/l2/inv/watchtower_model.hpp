// The Z3 model of the watchtower's search (spec: watchtower.md#the-z3-model): whatever other users
// file, the tower's answer to a published stale state is the client's latest co-signed state.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"
#include "l2/ref/watchtower.hpp"

namespace l2::inv::watchtower {

// A rule deliberately weakened. Never used outside tests and `l2spec prove --weaken`.
enum class Weakening {
  none,
  locator_duplicates_global,  // WT-APPT-3 across all users: anyone who knows a locator files under it first
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);
inline constexpr std::array<Weakening, 1> all_weakenings = {Weakening::locator_duplicates_global};

std::vector<Obligation> obligations(Weakening weakening = Weakening::none);

// This model's entry in the registry (l2/inv/registry.hpp): its obligations and weakenings; it has
// no trace validation stage.
ModelEntry registry_entry();

// apply_appoint with a weakening applied (the reference itself for Weakening::none): what the
// counterexamples' expected outcomes come from, and what tests replay them in.
Result<ref::watchtower::WatchtowerWorld, WatchtowerError> appoint(const ref::watchtower::WatchtowerWorld& world, const ref::watchtower::AppointInput& in,
                                                     const ref::watchtower::Env& env, Weakening weakening);

}  // namespace l2::inv::watchtower
