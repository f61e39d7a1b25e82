// Z3 model of the game channel (spec: game_channel.md#the-z3-model).
//
// A state is the fields of GameState that check_move reads, and the outcome's entries 0 and 1;
// every u64 is an integer bounded to 0..2^64-1 and every u8 (the phase, the moves) one bounded to
// 0..255. A move is check_move's accepted move from the phase's rules on: GC-MOVE-6, GC-COMMIT-1,
// GC-REVEAL-1, then next_state with its amounts computed in integers and GC-NEXT-1 / GC-NEXT-2
// accepting it only when they stay within 0..2^64-1, as the reference's checked arithmetic does.
// The rules before GC-MOVE-6 (participants, turn, sizes, is_final) and GC-NEXT-3 say nothing of the
// game's values: they are left out, which only adds moves. So is the commitment: an accepted reveal
// opens its commitment (GC-REVEAL-2), which the model leaves a free boolean, `opens`; the reference
// accepts a subset of the model's moves, so what the model proves of every accepted move holds of
// the reference's.
//
// The outcome rule is a claim about every state of a round, so each state carries a ghost, the
// outcome at the round's start: set at the opening, kept by every move but A's reveal, and set to
// its outcome by A's reveal, which starts the next round (or ends the game).
#include "l2/inv/game_channel_model.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "l2/ref/game_channel.hpp"

namespace l2::inv::game_channel {

std::string_view weakening_name(Weakening weakening) {
  switch (weakening) {
    case Weakening::none: return "none";
    case Weakening::no_transfer_at_commit_a: return "no_transfer_at_commit_a";
    case Weakening::stake_unchecked: return "stake_unchecked";
    case Weakening::draw_moves_a_stake: return "draw_moves_a_stake";
    case Weakening::win_credits_without_debit: return "win_credits_without_debit";
    case Weakening::draw_scores_both: return "draw_scores_both";
    case Weakening::last_round_continues: return "last_round_continues";
  }
  return "unknown";
}

std::optional<Weakening> parse_weakening(std::string_view name) {
  return parse_weakening_name(name, all_weakenings, weakening_name);
}

namespace {

using z3::expr;
namespace gc = ref::game_channel;

const std::string mechanism = "game_channel";
constexpr std::uint64_t u64_max = ~std::uint64_t{0};
constexpr std::uint64_t u8_max = 255;

expr num(z3::context& ctx, std::uint64_t value) { return ctx.int_val(value); }

expr in_u64(z3::context& ctx, const expr& e) { return e >= 0 && e <= num(ctx, u64_max); }

expr bounded_var(z3::context& ctx, z3::solver& solver, const std::string& name, std::uint64_t max) {
  const expr v = ctx.int_const(name.c_str());
  solver.add(v >= 0 && v <= num(ctx, max));
  return v;
}

// The game's values in a state: GameState's counters, phase and moves, and outcome[0..1] (a is
// A's, b is B's). The ghost (ghost_a, ghost_b) is the outcome when the state's round started.
struct State {
  expr rounds, stake, round, wins_a, wins_b, phase, move_a, move_b, a, b, ghost_a, ghost_b;
};

State fresh_state(z3::context& ctx, z3::solver& solver, const std::string& p) {
  const auto u64 = [&](const std::string& name) { return bounded_var(ctx, solver, p + name, u64_max); };
  const auto u8 = [&](const std::string& name) { return bounded_var(ctx, solver, p + name, u8_max); };
  return State{u64("rounds"), u64("stake"),   u64("round"),      u64("wins[0]"),    u64("wins[1]"),   u8("phase"),
               u8("moves[0]"), u8("moves[1]"), u64("outcome[0]"), u64("outcome[1]"), u64("ghost[0]"), u64("ghost[1]")};
}

// opening_state(rounds, stake, game_id, funding_a, funding_b): round 0, phase 0, no scores and no
// moves, the fundings as the outcome and as the ghost.
State opening(z3::context& ctx, z3::solver& solver) {
  const expr rounds = bounded_var(ctx, solver, "in.rounds", u64_max), stake = bounded_var(ctx, solver, "in.stake", u64_max);
  const expr funding_a = bounded_var(ctx, solver, "in.funding_a", u64_max);
  const expr funding_b = bounded_var(ctx, solver, "in.funding_b", u64_max);
  const expr zero = num(ctx, 0);
  return State{rounds, stake, zero, zero, zero, zero, zero, zero, funding_a, funding_b, funding_a, funding_b};
}

// The round's result, (move_a - move_b) mod 3 as round_result computes it, for a move_a of 1..3.
expr round_result(const expr& move_a, const expr& move_b) { return z3::mod(move_a + 3 - z3::mod(move_b, 3), 3); }

enum class Transition { commit_b, commit_a, reveal_b, reveal_a };

struct Move {
  State to;
  expr accepted;
  expr result;  // A's reveal: the round's result; otherwise -1
  expr chosen;  // a reveal: the move in to's app_data; a commit: 0 (its commitment is not modelled)
  expr opens;   // a reveal: it opens the revealer's commitment (GC-REVEAL-2), a free boolean
};

// check_move's accepted move `t` from `from`, the mover's choice fresh under the name `in.<p>` (the step's input).
Move step(z3::context& ctx, z3::solver& solver, const State& from, Transition t, const std::string& p, Weakening w) {
  const expr s = from.stake;
  State to = from;
  expr ok = ctx.bool_val(true);  // GC-NEXT-1 and GC-NEXT-2: every counter and amount within a u64
  // next_state's transfers, (a + amount, b - amount) and (a - amount, b + amount), with their bounds.
  const auto transfer = [&](const expr& a, const expr& b, const expr& amount, bool to_a) {
    const expr new_a = to_a ? a + amount : a - amount, new_b = to_a ? b - amount : b + amount;
    return std::make_pair(std::make_pair(new_a, new_b), amount <= num(ctx, u64_max) && in_u64(ctx, new_a) && in_u64(ctx, new_b));
  };
  expr result = ctx.int_val(-1), chosen = num(ctx, 0), opens = ctx.bool_val(true);
  expr accepted = from.round < from.rounds;  // GC-MOVE-6 (with the phase below)
  const bool commit = t == Transition::commit_b || t == Transition::commit_a;
  if (commit) {
    // GC-COMMIT-1
    if (w != Weakening::stake_unchecked) accepted = accepted && from.a >= s && from.b >= s;
  } else {
    chosen = bounded_var(ctx, solver, "in." + p + "move", u8_max);
    opens = ctx.bool_const(("in." + p + "opens").c_str());
    accepted = accepted && chosen >= gc::rock && chosen <= gc::scissors && opens;  // GC-REVEAL-1, GC-REVEAL-2
  }
  switch (t) {
    case Transition::commit_b:  // nothing at stake yet
      accepted = accepted && from.phase == gc::phase_commit_b;
      to.phase = num(ctx, gc::phase_commit_a);
      break;
    case Transition::commit_a: {  // B must reveal next: B's stake to A
      accepted = accepted && from.phase == gc::phase_commit_a;
      to.phase = num(ctx, gc::phase_reveal_b);
      if (w != Weakening::no_transfer_at_commit_a) {
        const auto [outcome, fits] = transfer(from.a, from.b, s, true);
        std::tie(to.a, to.b) = outcome;
        ok = fits;
      }
      break;
    }
    case Transition::reveal_b: {  // A must reveal next: A's stake to B instead
      accepted = accepted && from.phase == gc::phase_reveal_b;
      to.move_b = chosen;
      to.phase = num(ctx, gc::phase_reveal_a);
      const auto [outcome, fits] = transfer(from.a, from.b, w == Weakening::no_transfer_at_commit_a ? s : 2 * s, false);
      std::tie(to.a, to.b) = outcome;
      ok = fits;
      break;
    }
    case Transition::reveal_a: {  // the round is decided, and A's provisional loss undone
      accepted = accepted && from.phase == gc::phase_reveal_a;
      to.move_a = chosen;
      to.round = from.round + 1;
      to.phase = w == Weakening::last_round_continues
                     ? num(ctx, gc::phase_commit_b)
                     : z3::ite(to.round == from.rounds, num(ctx, gc::phase_done), num(ctx, gc::phase_commit_b));
      result = round_result(chosen, from.move_b);
      const expr a_wins = result == static_cast<int>(gc::result_a_wins);
      const expr b_wins = result == static_cast<int>(gc::result_b_wins);
      // A wins: wins[0] + 1, two stakes to A.
      const auto [win_outcome, win_fits] =
          w == Weakening::win_credits_without_debit
              ? std::make_pair(std::make_pair(from.a + 2 * s, from.b), in_u64(ctx, from.a + 2 * s))
              : transfer(from.a, from.b, 2 * s, true);
      // A draw: one stake to A.
      const auto [draw_outcome, draw_fits] = w == Weakening::draw_moves_a_stake
                                                 ? std::make_pair(std::make_pair(from.a, from.b), ctx.bool_val(true))
                                                 : transfer(from.a, from.b, s, true);
      const expr draw_scores = w == Weakening::draw_scores_both ? num(ctx, 1) : num(ctx, 0);
      const expr draw = !a_wins && !b_wins;
      to.wins_a = from.wins_a + z3::ite(a_wins, num(ctx, 1), z3::ite(draw, draw_scores, num(ctx, 0)));
      to.wins_b = from.wins_b + z3::ite(b_wins, num(ctx, 1), z3::ite(draw, draw_scores, num(ctx, 0)));
      // B wins: wins[1] + 1, the outcome stays.
      to.a = z3::ite(a_wins, win_outcome.first, z3::ite(b_wins, from.a, draw_outcome.first));
      to.b = z3::ite(a_wins, win_outcome.second, z3::ite(b_wins, from.b, draw_outcome.second));
      ok = z3::ite(a_wins, win_fits, z3::ite(b_wins, ctx.bool_val(true), draw_fits)) && to.wins_a <= num(ctx, u64_max) &&
           to.wins_b <= num(ctx, u64_max);
      // The next round starts from the outcome A's reveal leaves.
      to.ghost_a = to.a;
      to.ghost_b = to.b;
      break;
    }
  }
  return Move{to, accepted && ok, result, chosen, opens};
}

// ---- The invariants ----

// The outcome of game_channel.md#outcome against the round's starting outcome (a0, b0) = the ghost:
// (a0, b0) before both commitments and once the game is done; (a0 + s, b0 - s) where B must reveal
// and (a0 - s, b0 + s) where A must, each with both sides of the round's start covering the stake.
expr round_outcome(z3::context& ctx, const State& x) {
  const expr s = x.stake;
  const expr covered = x.ghost_a >= s && x.ghost_b >= s;
  const expr at_start = x.a == x.ghost_a && x.b == x.ghost_b;
  return in_u64(ctx, x.ghost_a) && in_u64(ctx, x.ghost_b) &&
         z3::implies(x.phase == gc::phase_commit_b || x.phase == gc::phase_commit_a || x.phase == gc::phase_done, at_start) &&
         z3::implies(x.phase == gc::phase_reveal_b, x.a == x.ghost_a + s && x.b == x.ghost_b - s && covered) &&
         z3::implies(x.phase == gc::phase_reveal_a, x.a == x.ghost_a - s && x.b == x.ghost_b + s && covered);
}

// validate_state's GC-STATE-3, GC-STATE-4 and GC-STATE-5.
expr phase_form(const State& x) {
  return x.rounds >= 1 && x.round <= x.rounds && x.phase <= gc::phase_done &&
         (x.phase == gc::phase_done) == (x.round == x.rounds) && x.move_a <= gc::scissors && x.move_b <= gc::scissors;
}

// validate_state's GC-STATE-6 (the sum of two u64 is an integer here, so "without overflow" is
// implied by its bound).
expr scores_bounded(const State& x) { return x.wins_a + x.wins_b <= x.round; }

// ---- Obligations ----

using Assertion = ClaimAssertion;

Obligation obligation(const std::string& invariant, const std::string& transition, Kind kind, const std::string& statement,
                      const Assertion& assertion) {
  return make_claim_obligation(mechanism, invariant, transition, kind, statement, assertion);
}


// A transition of the obligation tables: a move, and for A's reveal the round's result it has
// (-1: any).
struct Case {
  std::string name;
  Transition transition;
  int result;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> list = {
      {"commit_b", Transition::commit_b, -1},
      {"commit_a", Transition::commit_a, -1},
      {"reveal_b", Transition::reveal_b, -1},
      {"reveal_a_a_wins", Transition::reveal_a, static_cast<int>(gc::result_a_wins)},
      {"reveal_a_draw", Transition::reveal_a, static_cast<int>(gc::result_draw)},
      {"reveal_a_b_wins", Transition::reveal_a, static_cast<int>(gc::result_b_wins)},
  };
  return list;
}

// The accepted move of `c` from a fresh state: (from, move, premise).
struct Taken {
  State from;
  Move move;
  expr accepted;
};

Taken take(z3::context& ctx, z3::solver& solver, const Case& c, Weakening w) {
  const State from = fresh_state(ctx, solver, "from.");
  const Move move = step(ctx, solver, from, c.transition, c.name + ".", w);
  expr accepted = move.accepted;
  if (c.result >= 0) accepted = accepted && move.result == c.result;
  return {from, move, accepted};
}

// A case's accepted move, in words.
std::string move_words(const Case& c) {
  std::string words = "any `";
  switch (c.transition) {
    case Transition::commit_b: words += "commit_b"; break;
    case Transition::commit_a: words += "commit_a"; break;
    case Transition::reveal_b: words += "reveal_b"; break;
    case Transition::reveal_a: words += "reveal_a"; break;
  }
  words += "` check_move accepts";
  if (c.result == static_cast<int>(gc::result_a_wins)) words += " that A wins";
  if (c.result == static_cast<int>(gc::result_draw)) words += " that draws";
  if (c.result == static_cast<int>(gc::result_b_wins)) words += " that B wins";
  return words;
}

}  // namespace

std::vector<Obligation> obligations(Weakening w) {
  std::vector<Obligation> list;
  // The premises in words.
  const std::string weakened = weakened_rule_note(weakening_name(w));
  const std::string rules =
      " (GC-MOVE-6, GC-COMMIT-1 or GC-REVEAL-1, a reveal's opening of its commitment a free verdict, next_state's "
      "amounts and counters within u64; the rules on participants, turn and sizes left out); u64 and u8 values as "
      "integers in range";

  for (const Case& c : cases()) {
    list.push_back(obligation(
        "outcome_conservation", c.name, Kind::consecution,
        "an accepted " + c.name + " keeps outcome[0] + outcome[1], and each entry within 0..2^64-1",
        [w, c](z3::context& ctx, z3::solver& solver, bool claim) {
          const Taken m = take(ctx, solver, c, w);
          const State& to = m.move.to;
          assert_claim(solver, claim, m.accepted,
                       to.a + to.b == m.from.a + m.from.b && in_u64(ctx, to.a) && in_u64(ctx, to.b));
        }));
    list.back().premise = "any state of the game (no invariant assumed) and " + move_words(c) + " from it" + rules + weakened;
  }

  const auto initiation = [&list](const std::string& invariant, const std::string& statement,
                                  const std::function<expr(z3::context&, const State&)>& holds) {
    list.push_back(obligation(invariant, "open", Kind::initiation, statement,
                              [holds](z3::context& ctx, z3::solver& solver, bool claim) {
                                const State open = opening(ctx, solver);
                                assert_claim(solver, claim, open.rounds >= 1, holds(ctx, open));
                              }));
    list.back().premise = "the opening state of any rounds >= 1 and any u64 stake and fundings (round 0, phase 0, no wins "
                          "or moves, the fundings as the outcome)";
  };
  const auto consecution = [&list, w, &rules, &weakened](const std::string& invariant, const std::string& statement,
                                                         const std::string& holds_words,
                                                         const std::function<expr(z3::context&, const State&)>& holds) {
    for (const Case& c : cases()) {
      list.push_back(obligation(invariant, c.name, Kind::consecution, statement + " (" + c.name + ")",
                                [w, c, holds](z3::context& ctx, z3::solver& solver, bool claim) {
                                  const Taken m = take(ctx, solver, c, w);
                                  assert_claim(solver, claim, holds(ctx, m.from) && m.accepted, holds(ctx, m.move.to));
                                }));
      list.back().premise = "any state where " + holds_words + " holds and " + move_words(c) + " from it" + rules + weakened;
    }
  };

  const std::string outcome_statement =
      "the outcome against the round's starting outcome (a0, b0): (a0, b0) in phases 0, 1 and 4 (nothing at stake), "
      "(a0 + stake, b0 - stake) in phase 2 and (a0 - stake, b0 + stake) in phase 3, with a0, b0 >= stake";
  initiation("round_outcome", "the opening satisfies " + outcome_statement, round_outcome);
  const std::string round_rule = "the round outcome rule (the outcome against the round's starting outcome)";
  consecution("round_outcome", "an accepted move keeps " + outcome_statement, round_rule, round_outcome);

  const auto form = [](z3::context&, const State& x) { return phase_form(x); };
  initiation("phase_form", "an opening with rounds >= 1 passes GC-STATE-3, GC-STATE-4 and GC-STATE-5", form);
  consecution("phase_form", "an accepted move keeps GC-STATE-3, GC-STATE-4 and GC-STATE-5", "GC-STATE-3..5", form);

  const auto scores = [](z3::context&, const State& x) { return scores_bounded(x); };
  initiation("scores_bounded", "the opening has wins[0] + wins[1] <= round (GC-STATE-6)", scores);
  consecution("scores_bounded", "an accepted move keeps wins[0] + wins[1] <= round (GC-STATE-6)", "GC-STATE-6", scores);

  const std::vector<std::pair<int, std::string>> settlements = {
      {static_cast<int>(gc::result_a_wins), "reveal_a_a_wins"},
      {static_cast<int>(gc::result_draw), "reveal_a_draw"},
      {static_cast<int>(gc::result_b_wins), "reveal_a_b_wins"}};
  for (const auto& settlement : settlements) {
    const int result = settlement.first;
    const std::string& name = settlement.second;
    list.push_back(obligation(
        "round_settlement", name, Kind::safety,
        "from a reachable state where A must reveal, an accepted reveal leaves the round's starting outcome with one "
        "stake moved to the winner, none on a draw (" + name + ")",
        [w, result, name](z3::context& ctx, z3::solver& solver, bool claim) {
          const Taken m = take(ctx, solver, Case{name, Transition::reveal_a, result}, w);
          const int sign = result == static_cast<int>(gc::result_a_wins) ? 1 : result == static_cast<int>(gc::result_draw) ? 0 : -1;
          const expr moved = sign * m.from.stake;
          assert_claim(solver, claim, round_outcome(ctx, m.from) && m.accepted,
                       m.move.to.a == m.from.ghost_a + moved && m.move.to.b == m.from.ghost_b - moved);
        }));
    list.back().premise = "any state where " + round_rule + " holds and " +
                          move_words(Case{name, Transition::reveal_a, result}) + " from it" + rules + weakened;
  }

  list.push_back(obligation(
      "stopping_never_pays", "reveal_b", Kind::safety,
      "from a reachable state where B must reveal, after any accepted B reveal and any accepted A reveal B's outcome "
      "is at least its outcome in the state where it would stop",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        const State from = fresh_state(ctx, solver, "from.");
        const Move reveal_b = step(ctx, solver, from, Transition::reveal_b, "reveal_b.", w);
        const Move reveal_a = step(ctx, solver, reveal_b.to, Transition::reveal_a, "reveal_a.", w);
        assert_claim(solver, claim, round_outcome(ctx, from) && reveal_b.accepted && reveal_a.accepted,
                     reveal_a.to.b >= from.b);
      }));
  list.back().premise = "any state where " + round_rule + " holds, any `reveal_b` check_move accepts from it, and any "
                        "`reveal_a` it accepts after that" + rules + weakened;
  list.push_back(obligation(
      "stopping_never_pays", "reveal_a", Kind::safety,
      "from a reachable state where A must reveal, after any accepted A reveal A's outcome is at least its outcome now",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        const Taken m = take(ctx, solver, Case{"reveal_a", Transition::reveal_a, -1}, w);
        assert_claim(solver, claim, round_outcome(ctx, m.from) && m.accepted, m.move.to.a >= m.from.a);
      }));
  list.back().premise = "any state where " + round_rule + " holds and " + move_words(Case{"reveal_a", Transition::reveal_a, -1}) +
                        " from it" + rules + weakened;

  for (const Transition t : {Transition::reveal_b, Transition::reveal_a}) {
    const std::string name = t == Transition::reveal_b ? "reveal_b" : "reveal_a";
    list.push_back(obligation(
        "reveal_always_accepted", name, Kind::safety,
        "from a reachable state where " + std::string(t == Transition::reveal_b ? "B" : "A") +
            " must reveal, whose outcome sums to at most 2^64-1, check_move accepts every reveal of a move 1..3 that "
            "opens the commitment: no amount or score leaves a u64",
        [w, t, name](z3::context& ctx, z3::solver& solver, bool claim) {
          const State from = fresh_state(ctx, solver, "from.");
          const Move m = step(ctx, solver, from, t, name + ".", w);
          const expr phase = num(ctx, t == Transition::reveal_b ? gc::phase_reveal_b : gc::phase_reveal_a);
          const expr reachable = round_outcome(ctx, from) && phase_form(from) && scores_bounded(from);
          assert_claim(solver, claim,
                       reachable && from.phase == phase && from.a + from.b <= num(ctx, u64_max) && m.chosen >= gc::rock &&
                           m.chosen <= gc::scissors && m.opens,
                       m.accepted);
        }));
    list.back().premise = "any state where " + round_rule + ", GC-STATE-3..5 and GC-STATE-6 hold, in the phase where " +
                          (t == Transition::reveal_b ? "B" : "A") +
                          " must reveal, whose outcome sums to at most 2^64-1, and its reveal of any move 1..3 that opens "
                          "its commitment (the opening a free verdict); u64 and u8 values as integers in range" + weakened;
  }
  return list;
}

ModelEntry registry_entry() {
  return model_entry("game_channel", all_weakenings, weakening_name, parse_weakening, obligations);
}

}  // namespace l2::inv::game_channel
