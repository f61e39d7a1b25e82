// The Z3 model of the n-party state-channel adjudicator (spec: state_channel.md#the-z3-model):
// turn-taking in a support proof, outcome conservation through every operation, the challenge rules
// (a finalized channel is frozen but for one withdrawal each, a running challenge only ends on a
// higher turn), and, against any calls by the other participants, that the honest participant's
// latest supported state wins and that griefing (answering or restarting its challenges) is bounded
// by the turns the others can sign before the honest participant's next turn.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"

namespace l2::inv::state_channel {

// A rule deliberately weakened. Never used outside tests and `l2spec prove --weaken`.
enum class Weakening {
  none,
  wrong_mover,          // SC-SUP-7: a move signed by any participant is accepted
  equal_turn_response,  // SC-RESP-3: a response of the challenged turn itself clears the challenge
  challenge_restart,    // SC-CHAL-2: while a challenge runs, a challenge of the registered turn restarts it
  withdraw_twice,       // SC-WD-3 dropped: a participant may withdraw again
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);
inline constexpr std::array<Weakening, 4> all_weakenings = {Weakening::wrong_mover, Weakening::equal_turn_response,
                                                            Weakening::challenge_restart, Weakening::withdraw_twice};

// The adversary steps of the bounded obligations (latest_state_wins, honest_calls_bounded,
// challenge_restarts_bounded); the honest participant gets a slot before each and after the last.
inline constexpr unsigned adversary_steps = 4;

std::vector<Obligation> obligations(Weakening weakening = Weakening::none);

ModelEntry registry_entry();

}  // namespace l2::inv::state_channel
