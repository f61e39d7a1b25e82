// The Z3 model of the validium (spec: validium.md#obligations, README.md#the-formal-layer): the
// validium's own state (the committee, its pending rotation, the data attestations) and the part of
// the wrapped ZK rollup that its rules and the freeze read (the data mode and rollup id, exodus, the
// priority queue's expiry heights and priority_executed), with each of the 15 ops of the reference's
// operations table (l2/ref/validium.hpp) as a transition over it; the named invariants by initiation
// and consecution, the DA safety claims (da_threshold_distinct, committed_only_if_attested) and the
// adversarial checks distrusting_user_leaves and honest_user_freezes (bounded model checking). The
// abstraction and its bounds are described at the top of invariants/src/validium/model.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"

namespace l2::inv::validium {

// The model's bound: a committee (in force, pending or proposed) has at most `member_slots` members
// (the contract's cap is 64: a larger committee is outside the model). A DA proof has any length;
// VD-DA-1 refuses one longer than the committee, so at most `member_slots` entries are ever read.
inline constexpr std::size_t member_slots = 5;

// distrusting_user_leaves: the steps of the trace, the governor's proposal and the user's request
// included; honest_user_freezes: the steps of the trace, the user's request and activate_exodus
// included. The others are any call by anyone.
constexpr std::size_t distrusting_user_leaves_depth(Depth depth) { return depth == Depth::full ? 8 : 4; }
constexpr std::size_t honest_user_freezes_depth(Depth depth) { return depth == Depth::full ? 8 : 3; }

// A rule deliberately weakened, to show that the obligations have teeth. Never used outside tests
// and `l2spec prove --weaken`.
enum class Weakening {
  none,
  threshold_counts_duplicates,    // VD-DA-4 counts entries, not distinct signers
  attestations_survive_rotation,  // activate_rotation keeps data_attestations
  rotation_without_delay,         // VD-ROT-3 dropped
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);
inline constexpr std::array<Weakening, 3> all_weakenings = {
    Weakening::threshold_counts_duplicates, Weakening::attestations_survive_rotation, Weakening::rotation_without_delay};

// Every obligation of the mechanism, in one list with the same ids at both depths (only the two
// traces' depths differ).
std::vector<Obligation> obligations(Weakening weakening = Weakening::none, Depth depth = Depth::full);

// This model's entry in the registry (l2/inv/registry.hpp): its obligations and weakenings. The
// model has no concrete engine, so no trace validation stage.
ModelEntry registry_entry();

}  // namespace l2::inv::validium
