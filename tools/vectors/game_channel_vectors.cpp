// Vectors for the rock-paper-scissors game channel (spec: game_channel.md). Four ops: check_move
// (the native judge of a move: accepted, or the first GC- rule that refuses it), judge_move (the
// game's bytecode, game_program(), run by the channel VM on the same move: accepted or not; the
// reference interpreter and the optimized one), execute (a player's action applied to a state: a
// stateful op over the channel's VariablePart, committed by compute_state_hash, so a whole game is
// one case) and validate_state (the form of a state on its own). Every check_move case first asks
// the bytecode about the same move, so each case shows the two judges agreeing. The channel's keys
// and the salts of every commitment derive from the case seed; the game's id is the channel's id,
// as honest players set it.
// spec: game_channel.md#vectors
#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/codec/json.hpp"
#include "l2/inv/game_channel_model.hpp"
#include "l2/opt/channel_vm.hpp"
#include "l2/ref/channel_vm.hpp"
#include "l2/ref/game_channel.hpp"
#include "l2/ref/state_channel.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors {

namespace game_channel_vectors {

namespace gc = ref::game_channel;
namespace vm = ref::channel_vm;
namespace sc = ref::state_channel;
using gc::GameAction;
using gc::GameState;
using sc::FixedPart;
using sc::VariablePart;

inline constexpr std::string_view mechanism_name = "game_channel";

// ---- Inputs and outputs ----

struct MoveInput {
  BOOST_HANA_DEFINE_STRUCT(MoveInput, (FixedPart, fixed), (VariablePart, from), (VariablePart, to));
};

struct JudgeInput {
  BOOST_HANA_DEFINE_STRUCT(JudgeInput, (FixedPart, fixed), (VariablePart, from), (VariablePart, to), (u64, gas_limit));
};

struct StateInput {
  BOOST_HANA_DEFINE_STRUCT(StateInput, (VariablePart, state));
};

// check_move and validate_state answer `accepted: true` or a rule; judge_move answers true or false.
struct Verdict {
  BOOST_HANA_DEFINE_STRUCT(Verdict, (bool, accepted));
};

template <class In>
using Fn = PureFn<In, Verdict, GameChannelError>;

const vm::ValidatedCode& reference_program() {
  static const vm::ValidatedCode program = vm::validate_code(gc::game_program(), vm::default_limits).value();
  return program;
}

const opt::channel_vm::Program& optimized_program() {
  static const opt::channel_vm::Program program =
      opt::channel_vm::validate(gc::game_program(), vm::default_limits).value();
  return program;
}

// The decoded game of an app_data of 203 bytes, else null: the extras of a step.
json game_json(const Bytes& app_data) {
  if (app_data.size() != gc::game_data_bytes) return nullptr;
  return codec::to_json(gc::decode_game(app_data));
}

json state_game(const json& state) {
  auto decoded = codec::from_json<VariablePart>(state);
  return decoded.ok() ? game_json(decoded.value().app_data) : json(nullptr);
}

// Adds the decoded games of the step's states as extras (never compared).
OpHandler with_extras(OpHandler handler,
                      std::function<json(const json& state, const json& input, const Outcome&)> extras) {
  handler.apply = [inner = std::move(handler.apply), extras = std::move(extras)](Impl impl, const json& state,
                                                                                 const json& input, u64 height) {
    StepResult result = inner(impl, state, input, height);
    if (result.applicable && result.outcome.outcome != "malformed") {
      json more = extras(state, input, result.outcome);
      if (!more.empty()) result.outcome.extras = std::move(more);
    }
    return result;
  };
  return handler;
}

json move_extras(const json&, const json& input, const Outcome&) {
  json out = json::object();
  if (!input.is_object()) return out;
  if (input.contains("from")) {
    if (json game = state_game(input["from"]); !game.is_null()) out["from_game"] = std::move(game);
  }
  if (input.contains("to")) {
    if (json game = state_game(input["to"]); !game.is_null()) out["to_game"] = std::move(game);
  }
  return out;
}

std::vector<OpHandler> ops() {
  std::vector<OpHandler> handlers;
  handlers.push_back(with_extras(
      stateless_op<MoveInput, Verdict, GameChannelError>(
          "check_move", "check_move(fixed, from, to) [GC-MOVE-1..7, GC-COMMIT-1, GC-REVEAL-1..2, GC-NEXT-1..3]",
          Fn<MoveInput>([](const MoveInput& in) -> Result<Verdict, GameChannelError> {
            const GameChannelError error = gc::check_move(in.fixed, in.from, in.to);
            if (error != GameChannelError::none) return error;
            return Verdict{true};
          }),
          Fn<MoveInput>{}),
      move_extras));
  using JudgeFn = PureFn<JudgeInput, Verdict, StateChannelError>;
  handlers.push_back(with_extras(
      stateless_op<JudgeInput, Verdict, StateChannelError>(
          "judge_move", "channel_vm judge_move of game_program() under the default limits; false is SC-SUP-5",
          JudgeFn([](const JudgeInput& in) -> Result<Verdict, StateChannelError> {
            if (!vm::judge_move(reference_program(), in.fixed, in.from, in.to, in.gas_limit, vm::default_limits))
              return StateChannelError::support_app;
            return Verdict{true};
          }),
          JudgeFn([](const JudgeInput& in) -> Result<Verdict, StateChannelError> {
            if (!opt::channel_vm::judge_move(optimized_program(), in.fixed, in.from, in.to, in.gas_limit,
                                             vm::default_limits))
              return StateChannelError::support_app;
            return Verdict{true};
          })),
      move_extras));
  handlers.push_back(with_extras(
      transition_op<VariablePart, GameAction, GameChannelError>(
          "execute",
          "execute(action, state) [GC-MOVE-3, GC-MOVE-4, GC-MOVE-6, GC-EXEC-1, GC-NEXT-1, GC-NEXT-2, then "
          "check_game_move]",
          [](const VariablePart& state, const GameAction& action, u64) { return gc::execute(action, state); }, {},
          [](const VariablePart& state) { return gc::compute_state_hash(state); }),
      [](const json& state, const json&, const Outcome& outcome) {
        json out = json::object();
        if (json game = state_game(outcome.outcome == "ok" ? outcome.post_state : state); !game.is_null())
          out[outcome.outcome == "ok" ? "game" : "pre_game"] = std::move(game);
        return out;
      }));
  handlers.push_back(with_extras(stateless_op<StateInput, Verdict, GameChannelError>(
                                     "validate_state", "validate_state(state) [GC-STATE-1..7]",
                                     Fn<StateInput>([](const StateInput& in) -> Result<Verdict, GameChannelError> {
                                       const GameChannelError error = gc::validate_state(in.state);
                                       if (error != GameChannelError::none) return error;
                                       return Verdict{true};
                                     }),
                                     Fn<StateInput>{}),
                                 [](const json&, const json& input, const Outcome&) {
                                   json out = json::object();
                                   if (input.is_object() && input.contains("state"))
                                     if (json game = state_game(input["state"]); !game.is_null())
                                       out["game"] = std::move(game);
                                   return out;
                                 }));
  return handlers;
}

// ---- The games of the cases ----

constexpr u64 u64_max = ~u64{0};
constexpr u64 move_gas = 2000;  // game_channel.md#gas: a deployment's move_gas_limit that judges every move
constexpr u64 stake = 10;
constexpr u64 rounds = 3;
constexpr u64 funding = 100;
constexpr u64 a = gc::player_a, b = gc::player_b;
constexpr u8 rock = gc::rock, paper = gc::paper, scissors = gc::scissors;

void require(bool condition, const std::string& what) {
  if (!condition) throw std::logic_error("game_channel vectors: " + what);
}

// One case's channel: chain 1, the adjudicator id and the participants' keys drawn from the case
// seed's DRBG, nonce 0, the game's app_definition, challenge duration 100; game_id = channel_id;
// then the salt of each (round, player), drawn in that order.
struct Scenario {
  static constexpr std::size_t salt_rounds = 4;
  FixedPart fixed;
  Hash32 game_id{};
  std::array<std::array<Hash32, 2>, salt_rounds> salts{};

  explicit Scenario(const Hash32& seed, std::size_t participants = 2) {
    Drbg drbg(seed);
    fixed = FixedPart{1, drbg.next32(), {}, 0, gc::game_app_definition(), 100};
    for (std::size_t i = 0; i < participants; ++i) fixed.participants.push_back(drbg.next32());
    game_id = sc::channel_id(fixed);
    for (auto& round : salts)
      for (Hash32& salt : round) salt = drbg.next32();
  }

  VariablePart opening(u64 game_rounds = rounds, u64 game_stake = stake, u64 funding_a = funding,
                       u64 funding_b = funding) const {
    return gc::opening_state(game_rounds, game_stake, game_id, funding_a, funding_b);
  }
  GameAction commit(u64 player, u64 round, u8 move) const {
    return GameAction{player, gc::commitment(game_id, round, player, move, salts[round][player]), 0, Hash32{}};
  }
  GameAction reveal(u64 player, u64 round, u8 move) const {
    return GameAction{player, Hash32{}, move, salts[round][player]};
  }
  // A round's four actions: B commits, A commits, B reveals, A reveals.
  std::vector<GameAction> round(u64 r, u8 move_a, u8 move_b) const {
    return {commit(b, r, move_b), commit(a, r, move_a), reveal(b, r, move_b), reveal(a, r, move_a)};
  }
};

VariablePart apply(const VariablePart& state, const GameAction& action) {
  const auto next = gc::execute(action, state);
  require(next.ok(), "an honest action is refused: " + std::string(error_info(next.error()).code));
  return next.value();
}

VariablePart apply_all(VariablePart state, const std::vector<GameAction>& actions) {
  for (const GameAction& action : actions) state = apply(state, action);
  return state;
}

// The states of round 0 of a game from `opening`: [opening, after B's commit, after A's commit,
// after B's reveal, after A's reveal].
std::array<VariablePart, 5> round_states(const Scenario& s, const VariablePart& opening, u8 move_a, u8 move_b) {
  std::array<VariablePart, 5> states{opening};
  const std::vector<GameAction> actions = s.round(0, move_a, move_b);
  for (std::size_t i = 0; i < 4; ++i) states[i + 1] = apply(states[i], actions[i]);
  return states;
}

GameState game_of(const VariablePart& state) { return gc::decode_game(state.app_data); }

VariablePart with_game(VariablePart state, const GameState& game) {
  state.app_data = gc::encode_game(game);
  return state;
}

template <class Change>
VariablePart changed_game(VariablePart state, Change change) {
  GameState game = game_of(state);
  change(game);
  return with_game(std::move(state), game);
}

// The `to` the next-state rule makes from `from` when the phase's player chooses `chosen`, without
// any check: the input of a case whose rule refuses the choice itself. Each amount or score wraps
// where next_state says it overflows.
VariablePart next_of(const VariablePart& from, const gc::Chosen& chosen) {
  const gc::Next next = gc::next_state(game_of(from), {from.outcome[a], from.outcome[b]}, chosen);
  return VariablePart{from.turn + 1, gc::encode_game(next.game), {next.outcome[a], next.outcome[b]}, false};
}

std::string move_name(u8 move) { return move == rock ? "rock" : move == paper ? "paper" : "scissors"; }

// ---- Rules ----

std::vector<std::string> with(std::vector<std::string> rules, const std::vector<std::string>& more) {
  rules.insert(rules.end(), more.begin(), more.end());
  return rules;
}
const std::vector<std::string> move_rules = {"GC-MOVE-1", "GC-MOVE-2", "GC-MOVE-3", "GC-MOVE-4", "GC-MOVE-5",
                                             "GC-MOVE-6", "GC-MOVE-7", "GC-NEXT-1", "GC-NEXT-2", "GC-NEXT-3"};
const std::vector<std::string> commit_rules = with(move_rules, {"GC-COMMIT-1"});
const std::vector<std::string> reveal_rules = with(move_rules, {"GC-REVEAL-1", "GC-REVEAL-2"});
const std::vector<std::string> execute_rules = {"GC-EXEC-1", "GC-MOVE-2", "GC-MOVE-3",   "GC-MOVE-4",   "GC-MOVE-5",
                                                "GC-MOVE-6", "GC-MOVE-7", "GC-COMMIT-1", "GC-REVEAL-1", "GC-REVEAL-2",
                                                "GC-NEXT-1", "GC-NEXT-2", "GC-NEXT-3"};
const std::vector<std::string> state_rules = {"GC-STATE-1", "GC-STATE-2", "GC-STATE-3", "GC-STATE-4",
                                              "GC-STATE-5", "GC-STATE-6", "GC-STATE-7"};

// ---- Cases: inputs only; the reference computes every expected outcome. ----

struct Move {
  FixedPart fixed;
  VariablePart from;
  VariablePart to;
};

class Cases {
 public:
  // A move judged twice, in two cases of the same name: check_move (native) in `suite`, and
  // judge_move (the bytecode, with the gas of game_channel.md#gas; a refusal is SC-SUP-5) in suite
  // judge_move (for a check_move case) or in `suite` with the suffix _by_the_bytecode. Each case
  // builds its move from its own seed; the generator checks that both judges agree on both moves.
  template <class Make>
  void move(const std::string& suite, const std::string& name, const std::string& description,
            const std::vector<std::string>& rules, Make make, std::size_t participants = 2) {
    const std::optional<Adversarial> attack = std::exchange(pending_attack_, std::nullopt);
    {
      const Scenario s(case_seed(mechanism_name, suite, name), participants);
      const Move m = make(s);
      require_agreement(m, name);
      book_.add(suite, name, description, rules)
          .steps.push_back(Step{"check_move", 0, codec::to_json(MoveInput{m.fixed, m.from, m.to})});
      if (attack) book_.mark_adversarial(attack->attack, attack->party);
    }
    const std::string judge_suite = suite == "check_move" ? "judge_move" : suite;
    const std::string judge_name = suite == "check_move" ? name : name + "_by_the_bytecode";
    const Scenario s(case_seed(mechanism_name, judge_suite, judge_name), participants);
    const Move m = make(s);
    require_agreement(m, judge_name);
    book_.add(judge_suite, judge_name, description + "; judged by the game's bytecode", with(rules, {"SC-SUP-5"}))
        .steps.push_back(Step{"judge_move", 0, codec::to_json(JudgeInput{m.fixed, m.from, m.to, move_gas})});
    if (attack) book_.mark_adversarial(attack->attack, attack->party);
  }
  // judge_move alone, with a gas limit.
  template <class Make>
  void judge(const std::string& name, const std::string& description, std::vector<std::string> rules, Make make,
             u64 gas_limit) {
    const Scenario s(case_seed(mechanism_name, "judge_move", name));
    const Move m = make(s);
    CaseSpec& spec = book_.add("judge_move", name, description, std::move(rules));
    spec.steps.push_back(Step{"judge_move", 0, codec::to_json(JudgeInput{m.fixed, m.from, m.to, gas_limit})});
  }
  // A game played by execute steps from a pre-state. `make` returns the pre-state and the actions.
  template <class Make>
  CaseSpec& game(const std::string& suite, const std::string& name, const std::string& description,
                 std::vector<std::string> rules, Make make) {
    const Scenario s(case_seed(mechanism_name, suite, name));
    const std::pair<VariablePart, std::vector<GameAction>> plan = make(s);
    CaseSpec& spec = book_.add(suite, name, description, std::move(rules));
    spec.pre_state = codec::to_json(plan.first);
    for (const GameAction& action : plan.second) spec.steps.push_back(Step{"execute", 0, codec::to_json(action)});
    return spec;
  }
  // validate_state of one state.
  template <class Make>
  void state(const std::string& name, const std::string& description, std::vector<std::string> rules, Make make) {
    const Scenario s(case_seed(mechanism_name, "validate_state", name));
    CaseSpec& spec = book_.add("validate_state", name, description, std::move(rules));
    spec.steps.push_back(Step{"validate_state", 0, codec::to_json(StateInput{make(s)})});
  }
  CaseSpec& raw(const std::string& suite, const std::string& name, const std::string& description,
                std::vector<std::string> rules) {
    return book_.add(suite, name, description, std::move(rules));
  }
  // Marks the last case adversarial; next_adversarial marks both cases of the next move().
  void adversarial(std::string attack, std::string party) {
    book_.mark_adversarial(std::move(attack), std::move(party));
  }
  void next_adversarial(std::string attack, std::string party) {
    pending_attack_ = Adversarial{std::move(attack), std::move(party)};
  }
  std::vector<CaseSpec> take() { return book_.take(); }

 private:
  // The two judges must agree (game_channel.md#gameapp): a move that splits them is a bug of the
  // reference, reported rather than written.
  static void require_agreement(const Move& m, const std::string& name) {
    const bool native = gc::check_move(m.fixed, m.from, m.to) == GameChannelError::none;
    const bool bytecode = vm::judge_move(reference_program(), m.fixed, m.from, m.to, move_gas, vm::default_limits);
    require(native == bytecode, "check_move and the bytecode disagree on " + name);
  }

  CaseBook book_{std::string(mechanism_name)};
  std::optional<Adversarial> pending_attack_;
};

// ---- check_move: each move of a round, and every rule at its boundary ----

void check_move_cases(Cases& c) {
  const std::string S = "check_move";
  // The usual game: 3 rounds for stake 10, fundings 100 / 100, A plays paper against B's rock.
  const auto usual = [](const Scenario& s) {
    return round_states(s, s.opening(), paper, rock);
  };

  c.move(S, "commit_b", "B commits at turn 1 (phase 0 -> 1): the outcome stays 100 / 100", commit_rules,
         [&](const Scenario& s) {
           const auto st = usual(s);
           return Move{s.fixed, st[0], st[1]};
         });
  c.move(S, "commit_a", "A commits at turn 2 (phase 1 -> 2): the outcome pays B's stake to A, 110 / 90", commit_rules,
         [&](const Scenario& s) {
           const auto st = usual(s);
           return Move{s.fixed, st[1], st[2]};
         });
  for (const u8 move : {rock, paper, scissors}) {
    c.move(S, "reveal_b_" + move_name(move),
           "B reveals " + move_name(move) + " (move byte " + std::to_string(move) +
               ") at turn 3 (phase 2 -> 3): the outcome pays A's two stakes to B, 90 / 110",
           reveal_rules, [&](const Scenario& s) {
             const auto st = round_states(s, s.opening(), paper, move);
             return Move{s.fixed, st[2], st[3]};
           });
  }
  for (const u8 move_a : {rock, paper, scissors}) {
    for (const u8 move_b : {rock, paper, scissors}) {
      const u64 result = gc::round_result(move_a, move_b);
      const std::string what = result == gc::result_a_wins   ? "A wins: wins[0] + 1, outcome 110 / 90"
                               : result == gc::result_b_wins ? "B wins: wins[1] + 1, outcome 90 / 110"
                                                             : "a draw: outcome 100 / 100";
      c.move(
          S, "reveal_a_" + move_name(move_a) + "_against_" + move_name(move_b),
          "A reveals " + move_name(move_a) + " against B's " + move_name(move_b) + " at turn 4, round 0 -> 1: " + what,
          reveal_rules, [&](const Scenario& s) {
            const auto st = round_states(s, s.opening(), move_a, move_b);
            return Move{s.fixed, st[3], st[4]};
          });
    }
  }
  c.move(S, "last_reveal_ends_the_game", "A's reveal in the last round of a one-round game: round 1 = rounds, phase 4",
         reveal_rules, [](const Scenario& s) {
           const auto st = round_states(s, s.opening(1), rock, scissors);
           return Move{s.fixed, st[3], st[4]};
         });
  c.move(S, "last_reveal_final", "the same reveal carrying is_final: allowed, the move ends the game", reveal_rules,
         [](const Scenario& s) {
           auto st = round_states(s, s.opening(1), rock, scissors);
           st[4].is_final = true;
           return Move{s.fixed, st[3], st[4]};
         });
  c.move(S, "last_round_commit", "B commits in round 1 of a two-round game (round = rounds - 1)", commit_rules,
         [](const Scenario& s) {
           const VariablePart from = apply_all(s.opening(2), s.round(0, rock, rock));
           return Move{s.fixed, from, apply(from, s.commit(b, 1, paper))};
         });

  // GC-MOVE-1.
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
    c.move(
        S, "invalid_" + std::to_string(n) + "_participants",
        "B's commit in a channel of " + std::to_string(n) + " participants (the bytecode: " +
            (n == 0 ? "no mover, so no verdict but false" : "PARTICIPANTS is not 2") + ")",
        {"GC-MOVE-1"},
        [](const Scenario& s) {
          const auto st = round_states(s, s.opening(), paper, rock);
          return Move{s.fixed, st[0], st[1]};
        },
        n);
  }
  // GC-MOVE-2.
  c.move(S, "invalid_turn_not_advanced", "to.turn = from.turn", {"GC-MOVE-2"}, [&](const Scenario& s) {
    const auto st = usual(s);
    VariablePart to = st[2];
    to.turn = st[1].turn;
    return Move{s.fixed, st[1], to};
  });
  c.move(S, "invalid_turn_skips_one", "to.turn = from.turn + 2", {"GC-MOVE-2"}, [&](const Scenario& s) {
    const auto st = usual(s);
    VariablePart to = st[2];
    to.turn = st[1].turn + 2;
    return Move{s.fixed, st[1], to};
  });
  c.move(S, "turn_reaches_u64_max", "B commits from turn 2^64 - 2 to 2^64 - 1 (odd: B's turn)", commit_rules,
         [](const Scenario& s) {
           VariablePart from = s.opening();
           from.turn = u64_max - 1;
           return Move{s.fixed, from, apply(from, s.commit(b, 0, rock))};
         });
  c.move(S, "invalid_turn_past_u64_max",
         "A commits from turn 2^64 - 1: to.turn would be 2^64 (written 0, even: A's "
         "turn); the bytecode's ADD faults",
         {"GC-MOVE-2"}, [](const Scenario& s) {
           VariablePart from = apply(s.opening(), s.commit(b, 0, rock));
           from.turn = u64_max;
           VariablePart to = next_of(from, gc::Chosen{s.commit(a, 0, paper).commitment, 0, Hash32{}});
           to.turn = 0;
           return Move{s.fixed, from, to};
         });
  // GC-MOVE-3: 202, 203 (every other case) and 204 bytes, in from and in to.
  for (const bool in_from : {true, false}) {
    for (const std::size_t size : {std::size_t{202}, std::size_t{204}}) {
      const std::string which = in_from ? "from" : "to";
      c.move(S, "invalid_" + which + "_app_data_" + std::to_string(size) + "_bytes",
             "B's commit with " + which + ".app_data " +
                 (size == 202 ? "cut to 202 bytes" : "extended by a 0 byte to 204 bytes"),
             {"GC-MOVE-3"}, [=](const Scenario& s) {
               const auto st = round_states(s, s.opening(), paper, rock);
               Move m{s.fixed, st[0], st[1]};
               Bytes& data = in_from ? m.from.app_data : m.to.app_data;
               if (size == 202)
                 data.pop_back();
               else
                 data.push_back(0);
               return m;
             });
    }
  }
  // GC-MOVE-4.
  c.move(S, "invalid_from_outcome_one_entry", "from.outcome has only A's entry", {"GC-MOVE-4"}, [&](const Scenario& s) {
    const auto st = usual(s);
    Move m{s.fixed, st[0], st[1]};
    m.from.outcome.pop_back();
    return m;
  });
  c.move(S, "invalid_to_outcome_one_entry", "to.outcome has only A's entry", {"GC-MOVE-4"}, [&](const Scenario& s) {
    const auto st = usual(s);
    Move m{s.fixed, st[0], st[1]};
    m.to.outcome.pop_back();
    return m;
  });
  c.move(S, "invalid_to_outcome_empty", "to.outcome is empty", {"GC-MOVE-4"}, [&](const Scenario& s) {
    const auto st = usual(s);
    Move m{s.fixed, st[0], st[1]};
    m.to.outcome.clear();
    return m;
  });
  c.move(S, "outcomes_with_a_third_entry",
         "A commits with a third outcome entry 7 in from and 8 in to: both judges read "
         "entries 0 and 1 only",
         commit_rules, [&](const Scenario& s) {
           const auto st = usual(s);
           Move m{s.fixed, st[1], st[2]};
           m.from.outcome.push_back(7);
           m.to.outcome.push_back(8);
           return m;
         });
  // GC-MOVE-5.
  c.move(S, "invalid_from_final", "A's commit from a state that is final", {"GC-MOVE-5"}, [&](const Scenario& s) {
    const auto st = usual(s);
    Move m{s.fixed, st[1], st[2]};
    m.from.is_final = true;
    return m;
  });
  // GC-MOVE-6.
  c.move(S, "invalid_move_after_the_game", "B moves after the last round of a one-round game (phase 4, round = rounds)",
         {"GC-MOVE-6"}, [](const Scenario& s) {
           const auto st = round_states(s, s.opening(1), rock, scissors);
           VariablePart to = st[4];
           to.turn += 1;
           return Move{s.fixed, st[4], to};
         });
  c.move(S, "invalid_phase_5", "from's phase is 5 in round 0 of 3", {"GC-MOVE-6"}, [](const Scenario& s) {
    const VariablePart from = changed_game(s.opening(), [](GameState& g) { g.phase = 5; });
    return Move{s.fixed, from, apply(s.opening(), s.commit(b, 0, rock))};
  });
  c.move(S, "invalid_phase_4_in_round_0", "from's phase is 4 (done) in round 0 of 3: the phase alone ends the game",
         {"GC-MOVE-6"}, [](const Scenario& s) {
           const VariablePart from = changed_game(s.opening(), [](GameState& g) { g.phase = gc::phase_done; });
           return Move{s.fixed, from, apply(s.opening(), s.commit(b, 0, rock))};
         });
  c.move(S, "invalid_round_equals_rounds_in_phase_0", "from's round is 3 of 3 with phase 0", {"GC-MOVE-6"},
         [](const Scenario& s) {
           const VariablePart from = changed_game(s.opening(), [](GameState& g) { g.round = 3; });
           return Move{s.fixed, from,
                       changed_game(apply(s.opening(), s.commit(b, 0, rock)), [](GameState& g) { g.round = 3; })};
         });
  // GC-MOVE-7: to.turn = from.turn + 1 of the wrong parity.
  c.move(S, "invalid_wrong_mover_in_phase_0", "phase 0 (B commits) at turn 1 -> 2: the mover of turn 2 is A",
         {"GC-MOVE-7"}, [](const Scenario& s) {
           VariablePart from = s.opening();
           from.turn = 1;
           return Move{s.fixed, from, next_of(from, gc::Chosen{s.commit(b, 0, rock).commitment, 0, Hash32{}})};
         });
  c.move(S, "invalid_wrong_mover_in_phase_3", "phase 3 (A reveals) at turn 4 -> 5: the mover of turn 5 is B",
         {"GC-MOVE-7"}, [](const Scenario& s) {
           auto st = round_states(s, s.opening(), paper, rock);
           VariablePart from = st[3];
           from.turn = 4;
           VariablePart to = st[4];
           to.turn = 5;
           return Move{s.fixed, from, to};
         });
  // GC-COMMIT-1: stake exactly covered, and one short, by each player in each commit phase.
  for (const u64 player : {a, b}) {
    const std::string who = player == a ? "a" : "b";
    const u64 fa = player == a ? stake : funding, fb = player == b ? stake : funding;
    c.move(S, "stake_exactly_covered_by_" + who + "_in_phase_0",
           "B commits; " + std::string(player == a ? "A's" : "B's") + " outcome is exactly the stake 10", commit_rules,
           [=](const Scenario& s) {
             const VariablePart from = s.opening(rounds, stake, fa, fb);
             return Move{s.fixed, from, apply(from, s.commit(b, 0, rock))};
           });
    c.move(S, "invalid_stake_one_short_by_" + who + "_in_phase_0",
           "B commits; " + std::string(player == a ? "A's" : "B's") + " outcome is 9, one short of the stake 10",
           {"GC-COMMIT-1"}, [=](const Scenario& s) {
             VariablePart from = s.opening(rounds, stake, fa, fb);
             from.outcome[player] -= 1;
             return Move{s.fixed, from, next_of(from, gc::Chosen{s.commit(b, 0, rock).commitment, 0, Hash32{}})};
           });
    c.move(S, "stake_exactly_covered_by_" + who + "_in_phase_1",
           "A commits; " + std::string(player == a ? "A's" : "B's") + " outcome is exactly the stake 10", commit_rules,
           [=](const Scenario& s) {
             const VariablePart from = apply(s.opening(rounds, stake, fa, fb), s.commit(b, 0, rock));
             return Move{s.fixed, from, apply(from, s.commit(a, 0, paper))};
           });
    c.move(S, "invalid_stake_one_short_by_" + who + "_in_phase_1",
           "A commits; " + std::string(player == a ? "A's" : "B's") + " outcome is 9, one short of the stake 10",
           {"GC-COMMIT-1"}, [=](const Scenario& s) {
             VariablePart from = apply(s.opening(rounds, stake, fa, fb), s.commit(b, 0, rock));
             from.outcome[player] -= 1;
             return Move{s.fixed, from, next_of(from, gc::Chosen{s.commit(a, 0, paper).commitment, 0, Hash32{}})};
           });
  }
  c.move(S, "stake_zero_with_zero_fundings", "a game for stake 0 between fundings 0 / 0: 0 covers 0", commit_rules,
         [](const Scenario& s) {
           const VariablePart from = s.opening(1, 0, 0, 0);
           return Move{s.fixed, from, apply(from, s.commit(b, 0, rock))};
         });
  // GC-REVEAL-1: move bytes 0 and 4 (and 255) for each revealer; 1..3 are the reveal cases above.
  for (const u8 move : {u8{0}, u8{4}, u8{255}}) {
    c.move(S, "invalid_b_reveals_move_" + std::to_string(move),
           "B committed to the move byte " + std::to_string(move) + " and reveals it with its salt", {"GC-REVEAL-1"},
           [=](const Scenario& s) {
             const VariablePart from = apply_all(s.opening(), {s.commit(b, 0, move), s.commit(a, 0, paper)});
             return Move{s.fixed, from, next_of(from, gc::Chosen{Hash32{}, move, s.salts[0][b]})};
           });
    if (move == 255) continue;
    c.move(S, "invalid_a_reveals_move_" + std::to_string(move),
           "A committed to the move byte " + std::to_string(move) + " and reveals it with its salt", {"GC-REVEAL-1"},
           [=](const Scenario& s) {
             const VariablePart from =
                 apply_all(s.opening(), {s.commit(b, 0, rock), s.commit(a, 0, move), s.reveal(b, 0, rock)});
             return Move{s.fixed, from, next_of(from, gc::Chosen{Hash32{}, move, s.salts[0][a]})};
           });
  }
  // GC-REVEAL-2.
  c.move(S, "invalid_b_reveals_with_a_wrong_salt", "B reveals its committed move with its salt's last byte changed",
         {"GC-REVEAL-2"}, [](const Scenario& s) {
           const VariablePart from = apply_all(s.opening(), {s.commit(b, 0, rock), s.commit(a, 0, paper)});
           Hash32 salt = s.salts[0][b];
           salt[31] ^= 1;
           return Move{s.fixed, from, next_of(from, gc::Chosen{Hash32{}, rock, salt})};
         });
  c.move(S, "invalid_a_reveals_another_move", "A committed to paper and reveals scissors with the same salt",
         {"GC-REVEAL-2"}, [](const Scenario& s) {
           const VariablePart from =
               apply_all(s.opening(), {s.commit(b, 0, rock), s.commit(a, 0, paper), s.reveal(b, 0, rock)});
           return Move{s.fixed, from, next_of(from, gc::Chosen{Hash32{}, scissors, s.salts[0][a]})};
         });
  // GC-NEXT-1.
  c.move(S, "invalid_commit_changes_the_stake", "B's commit whose to.app_data also sets stake to 11", {"GC-NEXT-1"},
         [&](const Scenario& s) {
           const auto st = usual(s);
           return Move{s.fixed, st[0], changed_game(st[1], [](GameState& g) { g.stake = 11; })};
         });
  c.move(S, "invalid_reveal_keeps_the_round", "A's reveal whose to.app_data keeps round 0 and phase 3", {"GC-NEXT-1"},
         [&](const Scenario& s) {
           const auto st = usual(s);
           return Move{s.fixed, st[3], changed_game(st[4], [](GameState& g) {
                         g.round = 0;
                         g.phase = gc::phase_reveal_a;
                       })};
         });
  c.move(S, "invalid_win_not_counted", "A wins with paper against rock but to's wins[0] stays 0", {"GC-NEXT-1"},
         [&](const Scenario& s) {
           const auto st = usual(s);
           return Move{s.fixed, st[3], changed_game(st[4], [](GameState& g) { g.wins[a] = 0; })};
         });
  c.move(S, "invalid_commit_writes_the_other_slot", "B's commit written to A's commitment slot", {"GC-NEXT-1"},
         [&](const Scenario& s) {
           const auto st = usual(s);
           return Move{s.fixed, st[0], changed_game(st[1], [&](GameState& g) {
                         g.commitments[a] = g.commitments[b];
                         g.commitments[b] = Hash32{};
                       })};
         });
  for (const u64 player : {a, b}) {
    const std::string who = player == a ? "a" : "b";
    const u8 move_a = player == a ? paper : scissors;  // against B's rock: A wins, or B wins
    c.move(S, "wins_of_" + who + "_reach_u64_max",
           std::string(player == a ? "A" : "B") + " wins the round with wins[" + std::to_string(player) +
               "] = 2^64 - 2: it becomes 2^64 - 1",
           reveal_rules, [=](const Scenario& s) {
             const VariablePart from = changed_game(round_states(s, s.opening(), move_a, rock)[3],
                                                    [&](GameState& g) { g.wins[player] = u64_max - 1; });
             return Move{s.fixed, from, apply(from, s.reveal(a, 0, move_a))};
           });
    c.move(S, "invalid_wins_of_" + who + "_past_u64_max",
           std::string(player == a ? "A" : "B") + " wins the round with wins[" + std::to_string(player) +
               "] = 2^64 - 1 (to's score written as 0; the "
               "bytecode's ADD faults)",
           {"GC-NEXT-1"}, [=](const Scenario& s) {
             const VariablePart from = changed_game(round_states(s, s.opening(), move_a, rock)[3],
                                                    [&](GameState& g) { g.wins[player] = u64_max; });
             return Move{s.fixed, from, next_of(from, gc::Chosen{Hash32{}, move_a, s.salts[0][a]})};
           });
  }
  // GC-NEXT-2.
  c.move(S, "invalid_commit_outcome_off_by_one", "A's commit with to.outcome 111 / 89 instead of 110 / 90",
         {"GC-NEXT-2"}, [&](const Scenario& s) {
           const auto st = usual(s);
           VariablePart to = st[2];
           to.outcome = {111, 89};
           return Move{s.fixed, st[1], to};
         });
  c.move(S, "invalid_outcome_not_conserved",
         "A's commit with to.outcome 110 / 100: B's stake paid to A but not taken "
         "from B",
         {"GC-NEXT-2"}, [&](const Scenario& s) {
           const auto st = usual(s);
           VariablePart to = st[2];
           to.outcome = {110, 100};
           return Move{s.fixed, st[1], to};
         });
  c.move(S, "commit_outcome_reaches_u64_max",
         "A commits with outcome (2^64 - 11, 10), stake 10: A's entry becomes "
         "2^64 - 1",
         commit_rules, [](const Scenario& s) {
           VariablePart from = apply(s.opening(), s.commit(b, 0, rock));
           from.outcome = {u64_max - stake, stake};
           return Move{s.fixed, from, apply(from, s.commit(a, 0, paper))};
         });
  c.move(S, "invalid_commit_outcome_past_u64_max",
         "A commits with outcome (2^64 - 10, 10), stake 10: A's entry would "
         "be 2^64 (to's written wrapped to 0)",
         {"GC-NEXT-2"}, [](const Scenario& s) {
           VariablePart from = apply(s.opening(), s.commit(b, 0, rock));
           from.outcome = {u64_max - stake + 1, stake};
           return Move{s.fixed, from, next_of(from, gc::Chosen{s.commit(a, 0, paper).commitment, 0, Hash32{}})};
         });
  c.move(S, "reveal_b_takes_exactly_two_stakes", "B reveals with A's outcome 20 = two stakes: A's entry becomes 0",
         reveal_rules, [](const Scenario& s) {
           VariablePart from = apply_all(s.opening(), {s.commit(b, 0, rock), s.commit(a, 0, paper)});
           from.outcome = {2 * stake, 180};
           return Move{s.fixed, from, apply(from, s.reveal(b, 0, rock))};
         });
  c.move(S, "invalid_reveal_b_one_short_of_two_stakes", "B reveals with A's outcome 19, one short of two stakes",
         {"GC-NEXT-2"}, [](const Scenario& s) {
           VariablePart from = apply_all(s.opening(), {s.commit(b, 0, rock), s.commit(a, 0, paper)});
           from.outcome = {2 * stake - 1, 181};
           return Move{s.fixed, from, next_of(from, gc::Chosen{Hash32{}, rock, s.salts[0][b]})};
         });
  c.move(S, "invalid_two_stakes_past_u64_max",
         "B reveals in phase 2 of a game for stake 2^63, outcome 2^63 / 2^63: "
         "two stakes are 2^64",
         {"GC-NEXT-2"}, [](const Scenario& s) {
           const u64 big = u64{1} << 63;
           VariablePart from = changed_game(apply_all(s.opening(), {s.commit(b, 0, rock), s.commit(a, 0, paper)}),
                                            [&](GameState& g) { g.stake = big; });
           from.outcome = {big, big};
           return Move{s.fixed, from, next_of(from, gc::Chosen{Hash32{}, rock, s.salts[0][b]})};
         });
  // GC-NEXT-3.
  c.move(S, "invalid_final_commit", "B's commit carrying is_final", {"GC-NEXT-3"}, [&](const Scenario& s) {
    const auto st = usual(s);
    VariablePart to = st[1];
    to.is_final = true;
    return Move{s.fixed, st[0], to};
  });
  c.move(S, "invalid_final_with_rounds_left", "A's reveal that ends round 0 of 3 carrying is_final", {"GC-NEXT-3"},
         [&](const Scenario& s) {
           const auto st = usual(s);
           VariablePart to = st[4];
           to.is_final = true;
           return Move{s.fixed, st[3], to};
         });
}

// ---- judge_move: the gas of the bytecode's accepting paths ----

void judge_move_cases(Cases& c) {
  struct Path {
    const char* name;
    const char* what;
    std::size_t from_index;
    u8 move_a;
    u8 move_b;
  };
  for (const Path p :
       {Path{"commit_b", "B's commit", 0, paper, rock}, Path{"commit_a", "A's commit", 1, paper, rock},
        Path{"reveal_b", "B's reveal", 2, paper, rock}, Path{"reveal_a_a_wins", "A's winning reveal", 3, paper, rock},
        Path{"reveal_a_draw", "A's reveal of a draw", 3, rock, rock},
        Path{"reveal_a_b_wins", "A's losing reveal", 3, scissors, rock}}) {
    const auto make = [p](const Scenario& s) {
      const auto st = round_states(s, s.opening(), p.move_a, p.move_b);
      return Move{s.fixed, st[p.from_index], st[p.from_index + 1]};
    };
    const Scenario probe(case_seed(mechanism_name, "judge_move", p.name));
    const Move m = make(probe);
    const auto run = vm::run(reference_program(), vm::MoveContext{m.fixed, m.from, m.to, m.to.turn % 2}, 1'000'000,
                             vm::default_limits);
    require(run.ok() && run.value().halt == vm::Halt::accept, std::string("the bytecode refuses ") + p.what);
    const u64 gas = run.value().gas_used;
    const std::vector<std::string> rules = with(p.from_index < 2 ? commit_rules : reveal_rules, {"SC-SUP-5"});
    c.judge(std::string(p.name) + "_gas_exact",
            std::string(p.what) + " with exactly the " + std::to_string(gas) + " gas its path costs: accepted", rules,
            make, gas);
    c.judge(std::string("invalid_") + p.name + "_gas_one_short",
            std::string(p.what) + " with " + std::to_string(gas - 1) +
                " gas: the run ends out of gas, so the application refuses a move check_move "
                "accepts (SC-SUP-5)",
            {"SC-SUP-5"}, make, gas - 1);
  }
}

// ---- execute: whole games, and every rule execute checks ----

void execute_cases(Cases& c) {
  const std::string S = "execute";
  c.game(S, "three_rounds_a_wins_draw_b_wins",
         "a whole game of 3 rounds for stake 10: A wins (paper on rock), a draw "
         "(scissors), B wins (rock on paper); outcome 100 / 100 at the end, scores 1 / 1, phase 4",
         execute_rules, [](const Scenario& s) {
           std::vector<GameAction> actions = s.round(0, paper, rock);
           for (const GameAction& action : s.round(1, scissors, scissors)) actions.push_back(action);
           for (const GameAction& action : s.round(2, rock, paper)) actions.push_back(action);
           return std::pair{s.opening(), actions};
         });
  c.game(S, "one_round_game", "a one-round game: A wins with rock on scissors, 110 / 90, phase 4", execute_rules,
         [](const Scenario& s) {
           return std::pair{s.opening(1), s.round(0, rock, scissors)};
         });
  for (const u8 move : {rock, paper, scissors}) {
    c.game(
        S, "reveal_move_" + std::to_string(move),
        "B commits, A commits, B reveals the move byte " + std::to_string(move), execute_rules, [=](const Scenario& s) {
          return std::pair{s.opening(),
                           std::vector<GameAction>{s.commit(b, 0, move), s.commit(a, 0, paper), s.reveal(b, 0, move)}};
        });
  }
  for (const u8 move : {u8{0}, u8{4}}) {
    c.game(S, "invalid_reveal_move_" + std::to_string(move),
           "B commits to the move byte " + std::to_string(move) + ", A commits, B reveals it", {"GC-REVEAL-1"},
           [=](const Scenario& s) {
             return std::pair{s.opening(), std::vector<GameAction>{s.commit(b, 0, move), s.commit(a, 0, paper),
                                                                   s.reveal(b, 0, move)}};
           });
  }
  // GC-EXEC-1 in each phase: the action of the player whose turn it is not.
  const std::array<const char*, 4> phase_names = {"b_commits", "a_commits", "b_reveals", "a_reveals"};
  for (std::size_t phase = 0; phase < 4; ++phase) {
    const u64 wrong = gc::phase_player(static_cast<u8>(phase)) ^ 1U;
    c.game(S, std::string("invalid_other_player_acts_when_") + phase_names[phase],
           std::string("phase ") + std::to_string(phase) + ": player " + (wrong == a ? "A" : "B") +
               " acts in the other player's place",
           {"GC-EXEC-1"}, [=](const Scenario& s) {
             std::vector<GameAction> actions = s.round(0, paper, rock);
             actions.resize(phase + 1);
             actions.back().player = wrong;
             return std::pair{s.opening(), actions};
           });
  }
  c.game(S, "invalid_after_the_game", "a one-round game played to phase 4, then B commits again", {"GC-MOVE-6"},
         [](const Scenario& s) {
           std::vector<GameAction> actions = s.round(0, rock, paper);
           actions.push_back(s.commit(b, 1, rock));
           return std::pair{s.opening(1), actions};
         });
  c.game(S, "invalid_phase_4_in_round_0", "B commits on a state of phase 4 (done) in round 0 of 3", {"GC-MOVE-6"},
         [](const Scenario& s) {
           const VariablePart pre = changed_game(s.opening(), [](GameState& g) { g.phase = gc::phase_done; });
           return std::pair{pre, std::vector<GameAction>{s.commit(b, 0, rock)}};
         });
  c.game(S, "invalid_round_equals_rounds_in_phase_0", "B commits on a state of round 3 of 3 in phase 0",
         {"GC-MOVE-6"}, [](const Scenario& s) {
           const VariablePart pre = changed_game(s.opening(), [](GameState& g) { g.round = 3; });
           return std::pair{pre, std::vector<GameAction>{s.commit(b, 0, rock)}};
         });
  for (const std::size_t size : {std::size_t{202}, std::size_t{204}}) {
    c.game(S, "invalid_app_data_" + std::to_string(size) + "_bytes",
           "B commits on a state whose app_data is " + std::to_string(size) + " bytes", {"GC-MOVE-3"},
           [=](const Scenario& s) {
             VariablePart pre = s.opening();
             pre.app_data.resize(size);
             return std::pair{pre, std::vector<GameAction>{s.commit(b, 0, rock)}};
           });
  }
  c.game(S, "invalid_outcome_one_entry", "B commits on a state whose outcome has A's entry only", {"GC-MOVE-4"},
         [](const Scenario& s) {
           VariablePart pre = s.opening();
           pre.outcome.pop_back();
           return std::pair{pre, std::vector<GameAction>{s.commit(b, 0, rock)}};
         });
  c.game(S, "invalid_from_final", "B commits on a final state", {"GC-MOVE-5"}, [](const Scenario& s) {
    VariablePart pre = s.opening();
    pre.is_final = true;
    return std::pair{pre, std::vector<GameAction>{s.commit(b, 0, rock)}};
  });
  c.game(S, "turn_reaches_u64_max", "B commits on a state of turn 2^64 - 2: the next state has turn 2^64 - 1",
         execute_rules, [](const Scenario& s) {
           VariablePart pre = s.opening();
           pre.turn = u64_max - 1;
           return std::pair{pre, std::vector<GameAction>{s.commit(b, 0, rock)}};
         });
  c.game(S, "invalid_turn_past_u64_max",
         "B commits on a state of turn 2^64 - 1 in phase 0: GC-MOVE-2 refuses the "
         "wrapped turn",
         {"GC-MOVE-2"}, [](const Scenario& s) {
           VariablePart pre = s.opening();
           pre.turn = u64_max;
           return std::pair{pre, std::vector<GameAction>{s.commit(b, 0, rock)}};
         });
  c.game(S, "invalid_turn_parity", "B commits in phase 0 on a state of turn 1: the next turn, 2, is A's", {"GC-MOVE-7"},
         [](const Scenario& s) {
           VariablePart pre = s.opening();
           pre.turn = 1;
           return std::pair{pre, std::vector<GameAction>{s.commit(b, 0, rock)}};
         });
  c.game(
      S, "invalid_stake_uncovered", "B commits in a game for stake 10 whose funding of A is 9", {"GC-COMMIT-1"},
      [](const Scenario& s) {
        return std::pair{s.opening(rounds, stake, stake - 1, funding), std::vector<GameAction>{s.commit(b, 0, rock)}};
      });
  c.game(S, "stake_exactly_covered", "B and A commit in a game for stake 10 whose fundings are 10 / 10", execute_rules,
         [](const Scenario& s) {
           return std::pair{s.opening(rounds, stake, stake, stake),
                            std::vector<GameAction>{s.commit(b, 0, rock), s.commit(a, 0, rock)}};
         });
  c.game(S, "invalid_wrong_salt", "B reveals its move with A's salt", {"GC-REVEAL-2"}, [](const Scenario& s) {
    GameAction reveal = s.reveal(b, 0, rock);
    reveal.salt = s.salts[0][a];
    return std::pair{s.opening(), std::vector<GameAction>{s.commit(b, 0, rock), s.commit(a, 0, paper), reveal}};
  });
  c.game(S, "invalid_wins_past_u64_max", "A wins on a state whose wins[0] is 2^64 - 1", {"GC-NEXT-1"},
         [](const Scenario& s) {
           const VariablePart pre =
               changed_game(round_states(s, s.opening(), paper, rock)[3], [](GameState& g) { g.wins[a] = u64_max; });
           return std::pair{pre, std::vector<GameAction>{s.reveal(a, 0, paper)}};
         });
  c.game(S, "invalid_outcome_past_u64_max", "A commits on a state whose outcome is (2^64 - 10, 10), stake 10",
         {"GC-NEXT-2"}, [](const Scenario& s) {
           VariablePart pre = apply(s.opening(), s.commit(b, 0, rock));
           pre.outcome = {u64_max - stake + 1, stake};
           return std::pair{pre, std::vector<GameAction>{s.commit(a, 0, paper)}};
         });
  // execute's own checks come before check_game_move's: at turn 2^64 - 1, whose successor GC-MOVE-2
  // refuses, each of them still names its own rule.
  c.game(S, "invalid_outcome_one_entry_at_turn_u64_max",
         "B commits on a state of turn 2^64 - 1 whose outcome has A's entry only: GC-MOVE-4 comes first",
         {"GC-MOVE-4"}, [](const Scenario& s) {
           VariablePart pre = s.opening();
           pre.turn = u64_max;
           pre.outcome.pop_back();
           return std::pair{pre, std::vector<GameAction>{s.commit(b, 0, rock)}};
         });
  c.game(S, "invalid_wins_past_u64_max_at_turn_u64_max",
         "A wins on a state of turn 2^64 - 1 whose wins[0] is 2^64 - 1: GC-NEXT-1 comes first", {"GC-NEXT-1"},
         [](const Scenario& s) {
           VariablePart pre =
               changed_game(round_states(s, s.opening(), paper, rock)[3], [](GameState& g) { g.wins[a] = u64_max; });
           pre.turn = u64_max;
           return std::pair{pre, std::vector<GameAction>{s.reveal(a, 0, paper)}};
         });
  c.game(S, "invalid_outcome_past_u64_max_at_turn_u64_max",
         "A commits on a state of turn 2^64 - 1 whose outcome is (2^64 - 10, 10), stake 10: GC-NEXT-2 comes first",
         {"GC-NEXT-2"}, [](const Scenario& s) {
           VariablePart pre = apply(s.opening(), s.commit(b, 0, rock));
           pre.turn = u64_max;
           pre.outcome = {u64_max - stake + 1, stake};
           return std::pair{pre, std::vector<GameAction>{s.commit(a, 0, paper)}};
         });
  // The execute table's GC-NEXT-3 row: execute never makes a final state, so check_game_move's
  // GC-NEXT-3 holds on every next state; the game above ends with is_final false.
}

// ---- validate_state ----

void validate_state_cases(Cases& c) {
  c.state("opening", "the opening of a 3-round game for stake 10, 100 / 100", state_rules,
          [](const Scenario& s) { return s.opening(); });
  for (std::size_t i = 1; i <= 4; ++i) {
    c.state("after_move_" + std::to_string(i) + "_of_round_0",
            "the state after move " + std::to_string(i) + " of round 0 (phase " + std::to_string(i % 4) + ")",
            state_rules, [=](const Scenario& s) { return round_states(s, s.opening(), paper, rock)[i]; });
  }
  c.state("game_over_final", "a one-round game over (round 1 = rounds, phase 4), final", state_rules,
          [](const Scenario& s) {
            VariablePart state = round_states(s, s.opening(1), paper, rock)[4];
            state.is_final = true;
            return state;
          });
  // GC-STATE-1.
  for (const std::size_t size : {std::size_t{202}, std::size_t{204}}) {
    c.state("invalid_app_data_" + std::to_string(size) + "_bytes",
            "the opening with app_data of " + std::to_string(size) + " bytes", {"GC-STATE-1"}, [=](const Scenario& s) {
              VariablePart state = s.opening();
              state.app_data.resize(size);
              return state;
            });
  }
  // GC-STATE-2.
  for (const std::size_t entries : {std::size_t{1}, std::size_t{3}}) {
    c.state("invalid_outcome_" + std::to_string(entries) + "_entries",
            "the opening with " + std::to_string(entries) + " outcome entries", {"GC-STATE-2"}, [=](const Scenario& s) {
              VariablePart state = s.opening();
              state.outcome.resize(entries, 5);
              return state;
            });
  }
  // GC-STATE-3.
  c.state("invalid_zero_rounds", "rounds 0 (round 0, phase 4)", {"GC-STATE-3"}, [](const Scenario& s) {
    return changed_game(s.opening(), [](GameState& g) {
      g.rounds = 0;
      g.phase = gc::phase_done;
    });
  });
  c.state("one_round", "rounds 1, round 0, phase 0", state_rules, [](const Scenario& s) { return s.opening(1); });
  c.state("invalid_round_past_rounds", "round 4 of 3, phase 4", {"GC-STATE-3"}, [](const Scenario& s) {
    return changed_game(s.opening(), [](GameState& g) {
      g.round = 4;
      g.phase = gc::phase_done;
    });
  });
  c.state("round_equals_rounds_done", "round 3 of 3, phase 4", state_rules, [](const Scenario& s) {
    return changed_game(s.opening(), [](GameState& g) {
      g.round = 3;
      g.phase = gc::phase_done;
    });
  });
  c.state("rounds_u64_max", "rounds 2^64 - 1, round 2^64 - 2, phase 3", state_rules, [](const Scenario& s) {
    return changed_game(s.opening(), [](GameState& g) {
      g.rounds = u64_max;
      g.round = u64_max - 1;
      g.phase = gc::phase_reveal_a;
    });
  });
  // GC-STATE-4.
  c.state("invalid_phase_5", "phase 5 in round 0 of 3", {"GC-STATE-4"},
          [](const Scenario& s) { return changed_game(s.opening(), [](GameState& g) { g.phase = 5; }); });
  c.state("invalid_done_with_rounds_left", "phase 4 in round 2 of 3", {"GC-STATE-4"}, [](const Scenario& s) {
    return changed_game(s.opening(), [](GameState& g) {
      g.round = 2;
      g.phase = gc::phase_done;
    });
  });
  c.state("invalid_not_done_when_over", "phase 3 with round 3 of 3", {"GC-STATE-4"}, [](const Scenario& s) {
    return changed_game(s.opening(), [](GameState& g) {
      g.round = 3;
      g.phase = gc::phase_reveal_a;
    });
  });
  // GC-STATE-5.
  c.state("moves_3_and_3", "both move bytes 3 (scissors)", state_rules, [](const Scenario& s) {
    return changed_game(s.opening(), [](GameState& g) { g.moves = {3, 3}; });
  });
  c.state("invalid_move_a_4", "A's move byte 4", {"GC-STATE-5"}, [](const Scenario& s) {
    return changed_game(s.opening(), [](GameState& g) { g.moves = {4, 0}; });
  });
  c.state("invalid_move_b_4", "B's move byte 4", {"GC-STATE-5"}, [](const Scenario& s) {
    return changed_game(s.opening(), [](GameState& g) { g.moves = {0, 4}; });
  });
  // GC-STATE-6.
  c.state("scores_equal_round", "wins 1 / 1 in round 2 of 3", state_rules, [](const Scenario& s) {
    return changed_game(s.opening(), [](GameState& g) {
      g.round = 2;
      g.wins = {1, 1};
    });
  });
  c.state("invalid_scores_past_round", "wins 2 / 1 in round 2 of 3", {"GC-STATE-6"}, [](const Scenario& s) {
    return changed_game(s.opening(), [](GameState& g) {
      g.round = 2;
      g.wins = {2, 1};
    });
  });
  c.state("invalid_scores_overflow", "wins (2^64 - 1) / 1 with rounds = round = 2^64 - 1, phase 4: the sum overflows",
          {"GC-STATE-6"}, [](const Scenario& s) {
            return changed_game(s.opening(), [](GameState& g) {
              g.rounds = u64_max;
              g.round = u64_max;
              g.phase = gc::phase_done;
              g.wins = {u64_max, 1};
            });
          });
  // GC-STATE-7.
  c.state("invalid_final_before_the_end", "the state after B's reveal (phase 3), final", {"GC-STATE-7"},
          [](const Scenario& s) {
            VariablePart state = round_states(s, s.opening(), paper, rock)[3];
            state.is_final = true;
            return state;
          });
}

// ---- Adversarial: the attacks of game_channel.md#attacks-considered ----

void adversarial_cases(Cases& c) {
  const std::string S = "adversarial";
  c.game(S, "b_stops_before_revealing_forfeits",
         "B commits, A commits, then B never reveals: the latest state's "
         "outcome, 110 / 90, is what a challenge on it pays: B loses the stake",
         execute_rules, [](const Scenario& s) {
           return std::pair{s.opening(), std::vector<GameAction>{s.commit(b, 0, rock), s.commit(a, 0, paper)}};
         });
  c.adversarial("refusing to reveal after committing", "player B");
  c.game(S, "a_stops_after_b_reveals_forfeits",
         "B commits, A commits, B reveals; A, who sees it has lost, never reveals: "
         "the latest state's outcome, 90 / 110, is what a challenge on it pays",
         execute_rules, [](const Scenario& s) {
           return std::pair{s.opening(), std::vector<GameAction>{s.commit(b, 0, paper), s.commit(a, 0, rock),
                                                                 s.reveal(b, 0, paper)}};
         });
  c.adversarial("refusing to reveal after losing", "player A");
  c.next_adversarial("paying itself back the forfeited stake", "player A");
  c.move(S, "invalid_a_refunds_its_forfeit",
         "A, having lost, reveals but writes the outcome of a draw, 100 / 100, "
         "instead of 90 / 110",
         {"GC-NEXT-2"}, [](const Scenario& s) {
           auto st = round_states(s, s.opening(), rock, paper);
           st[4].outcome = {funding, funding};
           return Move{s.fixed, st[3], st[4]};
         });
  c.game(S, "invalid_move_out_of_turn", "A commits first, in B's phase 0", {"GC-EXEC-1"}, [](const Scenario& s) {
    return std::pair{s.opening(), std::vector<GameAction>{s.commit(a, 0, paper)}};
  });
  c.adversarial("a move out of turn", "player A");
  c.next_adversarial("a move out of turn", "player A");
  c.move(S, "invalid_move_signed_out_of_turn", "a state of turn 2 (A's) that makes B's phase-0 commit", {"GC-MOVE-7"},
         [](const Scenario& s) {
           VariablePart from = s.opening();
           from.turn = 1;
           return Move{s.fixed, from, next_of(from, gc::Chosen{s.commit(b, 0, rock).commitment, 0, Hash32{}})};
         });
  c.game(S, "invalid_reveal_with_a_wrong_salt", "B reveals its committed rock with a fresh salt", {"GC-REVEAL-2"},
         [](const Scenario& s) {
           GameAction reveal = s.reveal(b, 0, rock);
           reveal.salt = s.salts[3][b];
           return std::pair{s.opening(), std::vector<GameAction>{s.commit(b, 0, rock), s.commit(a, 0, paper), reveal}};
         });
  c.adversarial("revealing another salt than committed", "player B");
  c.game(S, "invalid_reveal_of_another_move",
         "B committed to rock, sees A's commitment and reveals paper with the same salt", {"GC-REVEAL-2"},
         [](const Scenario& s) {
           return std::pair{s.opening(), std::vector<GameAction>{s.commit(b, 0, rock), s.commit(a, 0, paper),
                                                                 s.reveal(b, 0, paper)}};
         });
  c.adversarial("revealing another move than committed", "player B");
  c.game(S, "invalid_commitment_replayed_from_an_earlier_round",
         "round 0 is played (B reveals rock and its salt); in "
         "round 1 B commits its round-0 commitment again and reveals round 0's preimage: the round is in the hash",
         {"GC-REVEAL-2"}, [](const Scenario& s) {
           std::vector<GameAction> actions = s.round(0, paper, rock);
           GameAction replay = s.commit(b, 0, rock);  // round 0's commitment
           actions.push_back(replay);
           actions.push_back(s.commit(a, 1, paper));
           actions.push_back(s.reveal(b, 0, rock));  // round 0's move and salt
           return std::pair{s.opening(), actions};
         });
  c.adversarial("a commitment replayed from an earlier round", "player B");
  c.game(S, "invalid_commitment_copied_from_the_opponent",
         "A commits B's commitment; B reveals rock; A reveals B's "
         "move and salt for a sure draw: the player is in the hash",
         {"GC-REVEAL-2"}, [](const Scenario& s) {
           GameAction copy = s.commit(b, 0, rock);
           copy.player = a;
           GameAction reveal = s.reveal(b, 0, rock);
           reveal.player = a;
           return std::pair{s.opening(),
                            std::vector<GameAction>{s.commit(b, 0, rock), copy, s.reveal(b, 0, rock), reveal}};
         });
  c.adversarial("the opponent's commitment copied", "player A");
  c.game(S, "invalid_commitment_from_another_game",
         "B commits with a commitment made for another game (game_id of "
         "another channel), then reveals its move and salt here",
         {"GC-REVEAL-2"}, [](const Scenario& s) {
           FixedPart other = s.fixed;
           other.channel_nonce = 1;
           const Hash32 other_game = sc::channel_id(other);
           const GameAction foreign{b, gc::commitment(other_game, 0, b, rock, s.salts[0][b]), 0, Hash32{}};
           return std::pair{s.opening(), std::vector<GameAction>{foreign, s.commit(a, 0, paper), s.reveal(b, 0, rock)}};
         });
  c.adversarial("a commitment replayed from another game", "player B");
  c.next_adversarial("a round started that a reveal cannot pay", "player B");
  c.move(S, "invalid_round_started_that_a_reveal_cannot_pay", "B commits in a game for stake 10 where A's outcome is 5",
         {"GC-COMMIT-1"}, [](const Scenario& s) {
           const VariablePart from = s.opening(rounds, stake, 5, 195);
           return Move{s.fixed, from, next_of(from, gc::Chosen{s.commit(b, 0, rock).commitment, 0, Hash32{}})};
         });
  c.next_adversarial("a final state before the game ends", "player A");
  c.move(S, "invalid_final_state_before_the_game_ends", "A commits with a state marked final, to conclude on 110 / 90",
         {"GC-NEXT-3"}, [](const Scenario& s) {
           const auto st = round_states(s, s.opening(), paper, rock);
           VariablePart to = st[2];
           to.is_final = true;
           return Move{s.fixed, st[1], to};
         });
}

// ---- Inputs that do not decode ----

void malformed_cases(Cases& c) {
  {
    const Scenario s(case_seed(mechanism_name, "check_move", "malformed_turn_as_a_number"));
    const auto st = round_states(s, s.opening(), paper, rock);
    json input = codec::to_json(MoveInput{s.fixed, st[0], st[1]});
    input["to"]["turn"] = 1;
    CaseSpec& spec = c.raw("check_move", "malformed_turn_as_a_number",
                           "to.turn written as the JSON number 1, not \"1\"", {"JSON-U64-1"});
    spec.steps.push_back(Step{"check_move", 0, input});
  }
  {
    const Scenario s(case_seed(mechanism_name, "execute", "malformed_move_256"));
    json action = codec::to_json(s.reveal(b, 0, rock));
    action["move"] = 256;
    CaseSpec& spec =
        c.raw("execute", "malformed_move_256", "a GameAction whose move is 256, outside a u8", {"JSON-INT-1"});
    spec.pre_state = codec::to_json(apply_all(s.opening(), {s.commit(b, 0, rock), s.commit(a, 0, paper)}));
    spec.steps.push_back(Step{"execute", 0, action});
  }
  {
    const Scenario s(case_seed(mechanism_name, "validate_state", "malformed_app_data_odd_hex"));
    json input = codec::to_json(StateInput{s.opening()});
    input["state"]["app_data"] = input["state"]["app_data"].get<std::string>() + "0";
    CaseSpec& spec =
        c.raw("validate_state", "malformed_app_data_odd_hex", "app_data of 407 hex digits", {"JSON-HEX-1"});
    spec.steps.push_back(Step{"validate_state", 0, input});
  }
}

std::vector<CaseSpec> all_cases(Profile) {
  Cases cases;
  check_move_cases(cases);
  judge_move_cases(cases);
  execute_cases(cases);
  validate_state_cases(cases);
  adversarial_cases(cases);
  malformed_cases(cases);
  return cases.take();
}

}  // namespace game_channel_vectors

Mechanism game_channel_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(game_channel_vectors::mechanism_name);
  mechanism.ops = game_channel_vectors::ops();
  mechanism.cases = game_channel_vectors::all_cases;
  mechanism.model = inv::game_channel::registry_entry;
  mechanism.shared_states = [](Profile) {
    return std::vector<SharedState>{};
  };
  return mechanism;
}

}  // namespace l2::vectors
