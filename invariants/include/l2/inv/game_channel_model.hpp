// The Z3 model of the game channel (spec: game_channel.md#the-z3-model): check_move's accepted
// moves, with the commitment check abstracted to a free boolean and everything else as the
// reference computes it (phases, rounds, scores, the outcome's transfers and their u64 bounds, the
// round's result). It proves that every accepted move keeps the outcome's sum within u64 entries;
// that the outcome of every reachable state is the one game_channel.md#outcome tabulates against a
// ghost of the round's starting outcome, so that stopping never pays the player who must reveal
// and nothing is at stake before both commitments; that a round settles one stake to its winner;
// that validate_state's form (phases, rounds, moves, scores) is kept; and that a reveal that opens
// its commitment is never refused for its amounts.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"

namespace l2::inv::game_channel {

// A rule deliberately weakened. Never used outside tests and `l2spec prove --weaken`.
enum class Weakening {
  none,
  no_transfer_at_commit_a,    // A's commit moves nothing, and B's reveal then moves one stake, not two
  stake_unchecked,            // GC-COMMIT-1 dropped
  draw_moves_a_stake,         // a draw leaves A's provisional loss standing
  win_credits_without_debit,  // A's winning reveal credits A two stakes and debits B nothing
  draw_scores_both,           // a draw counts as a win for each player
  last_round_continues,       // the reveal that decides the last round goes to phase 0, not done
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);
inline constexpr std::array<Weakening, 6> all_weakenings = {
    Weakening::no_transfer_at_commit_a, Weakening::stake_unchecked,  Weakening::draw_moves_a_stake,
    Weakening::win_credits_without_debit, Weakening::draw_scores_both, Weakening::last_round_continues};

std::vector<Obligation> obligations(Weakening weakening = Weakening::none);

ModelEntry registry_entry();

}  // namespace l2::inv::game_channel
