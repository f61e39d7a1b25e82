// Differential test: the game's native move rule (game_channel::GameApp::valid_move, check_move)
// against its channel VM bytecode (game_program, judged by channel_vm::judge_move) on the same
// moves. A case is a game played from a random opening by execute with random honest actions,
// then one proposed next state: the valid one execute makes, or that state with one rule broken
// (each mutation aims at one rule of game_channel.md#check_move, and the native verdict must name
// exactly that rule), or a from-state no valid opening reaches (counters and amounts at the u64
// boundary, any phase and move byte, sizes one off). Both verdicts must agree on every case, an
// accepted move's gas must stay within the spec's bound, and every rule must be the reason for
// some rejection.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "l2/ref/channel_vm.hpp"
#include "l2/ref/game_channel.hpp"
#include "l2/test/rapidcheck_runs.hpp"

namespace {

using l2::Bytes;
using l2::GameChannelError;
using l2::Hash32;
using l2::u64;
using l2::u8;
namespace gc = l2::ref::game_channel;
namespace vm = l2::ref::channel_vm;
using gc::FixedPart;
using gc::VariablePart;

constexpr u64 u64_max = l2::u64_max;
constexpr u64 generous_gas = 10'000'000;
// game_channel.md#gas: every accepted move costs at most this much.
constexpr u64 gas_bound = 2000;

const vm::ValidatedCode& program() {
  static const vm::ValidatedCode validated = vm::validate_code(gc::game_program(), vm::default_limits).value();
  return validated;
}

const gc::GameApp& app() {
  static const gc::GameApp game_app{};
  return game_app;
}

FixedPart fixed_part(std::size_t participants = 2) {
  FixedPart fixed{1, Hash32{0xad}, {}, 3, gc::game_app_definition(), 100};
  for (std::size_t i = 0; i < participants; ++i) fixed.participants.push_back(Hash32{static_cast<u8>(0x10 + i)});
  return fixed;
}

// The verdicts of both implementations on one move, and the VM's gas when it accepts.
struct Verdicts {
  GameChannelError native = GameChannelError::none;
  bool native_valid = false;
  bool vm_valid = false;
  u64 gas = 0;
};

Verdicts judge(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) {
  Verdicts v;
  v.native = gc::check_move(fixed, from, to);
  v.native_valid = app().valid_move(fixed, from, to);
  v.vm_valid = vm::judge_move(program(), fixed, from, to, generous_gas, vm::default_limits);
  if (v.vm_valid) {
    const vm::MoveContext context{fixed, from, to, l2::ref::state_channel::mover_index(fixed, to.turn)};
    const auto run = vm::run(program(), context, generous_gas, vm::default_limits);
    v.gas = run.ok() ? run->gas_used : u64_max;
  }
  return v;
}

// ---- Generators ---------------------------------------------------------------------------------

// Amounts that hunt the outcome's arithmetic: 0 and 1 (an empty side), the stake and twice it (the
// cover rule and the two-stake swing), and the u64 boundary (overflow of a + 2 stake).
rc::Gen<u64> stake_gen() {
  return rc::gen::weightedOneOf<u64>({{6, rc::gen::inRange<u64>(0, 50)},
                                      {1, rc::gen::element<u64>(u64{1} << 62, (u64{1} << 63) - 1, u64{1} << 63, u64_max)}});
}

rc::Gen<u64> funding_gen(u64 stake) {
  return rc::gen::weightedOneOf<u64>(
      {{6, rc::gen::map(rc::gen::inRange<u64>(0, 400), [stake](u64 extra) { return l2::saturating_add(stake, extra); })},
       {1, rc::gen::inRange<u64>(0, 400)},
       {2, rc::gen::elementOf(std::vector<u64>{stake, stake == 0 ? 0 : stake - 1, l2::saturating_add(stake, 1),
                                               l2::saturating_add(stake, stake)})},
       {1, rc::gen::elementOf(std::vector<u64>{u64_max, u64_max - stake, u64_max / 2})}});
}

struct Secret {
  u8 move = gc::no_move;
  Hash32 salt{};
};

// A position: a from-state reached from an opening by honest moves, and the action that plays on
// (the mover's next honest action), with the secrets both players hold.
struct Position {
  VariablePart from;
  gc::GameAction action;
  std::vector<VariablePart> history;  // every state before `from`
};

rc::Gen<Hash32> hash_gen() {
  return rc::gen::map(rc::gen::container<std::vector<u8>>(32, rc::gen::arbitrary<u8>()), [](const std::vector<u8>& b) {
    Hash32 h{};
    for (std::size_t i = 0; i < 32; ++i) h[i] = b[i];
    return h;
  });
}

// Plays `steps` honest moves from a random opening (possibly with unreachable counters: wins near
// 2^64, funding near 2^64), stopping early when the game is over or execute refuses; with
// `in_reveal`, it stops only in a reveal phase (or where it cannot go on).
Position play_position(bool in_reveal = false) {
  const u64 rounds = *rc::gen::weightedOneOf<u64>({{6, rc::gen::inRange<u64>(1, 4)}, {1, rc::gen::just(u64_max)}});
  const u64 stake = *stake_gen();
  const Hash32 game_id = *hash_gen();
  const u64 funding_a = *funding_gen(stake), funding_b = *funding_gen(stake);
  VariablePart state = gc::opening_state(rounds, stake, game_id, funding_a, funding_b);
  if (*rc::gen::weightedElement<int>({{5, 0}, {1, 1}}) == 1) {
    // Counters no opening should have, but that an opening signed by all may carry.
    gc::GameState game = gc::decode_game(state.app_data);
    game.wins = {*rc::gen::element<u64>(u64{0}, u64_max - 1, u64_max), *rc::gen::element<u64>(u64{0}, u64_max)};
    state.app_data = gc::encode_game(game);
    state.turn = *rc::gen::element<u64>(u64{0}, u64{4}, u64_max - 3);
    if (state.turn % 2 == 1) state.turn -= 1;  // keep B the mover of the next turn
  }
  std::array<Secret, 2> secrets{};
  std::vector<VariablePart> history;
  const int steps = *rc::gen::inRange(0, 14);
  for (int step = 0;; ++step) {
    const gc::GameState game = gc::decode_game(state.app_data);
    const u64 player = gc::phase_player(game.phase);
    gc::GameAction action{player, {}, 0, {}};
    if (game.phase == gc::phase_commit_b || game.phase == gc::phase_commit_a) {
      secrets[player] = Secret{*rc::gen::inRange<u8>(1, 4), *hash_gen()};
      action.commitment = gc::commitment(game.game_id, game.round, player, secrets[player].move, secrets[player].salt);
    } else {
      action.move = secrets[player].move;
      action.salt = secrets[player].salt;
    }
    const bool reveal_phase = game.phase == gc::phase_reveal_b || game.phase == gc::phase_reveal_a;
    if ((step >= steps && (reveal_phase || !in_reveal)) || game.phase >= gc::phase_done)
      return Position{state, action, history};
    const auto next = gc::execute(action, state);
    if (!next.ok()) return Position{state, action, history};
    history.push_back(state);
    state = *next;
  }
}

// ---- Mutations: each breaks one rule of check_move ----------------------------------------------

enum class Mutation : u8 {
  none,             // the state execute makes
  participants,     // GC-MOVE-1
  turn,             // GC-MOVE-2
  data_size,        // GC-MOVE-3
  outcome_size,     // GC-MOVE-4
  from_final,       // GC-MOVE-5
  game_over,        // GC-MOVE-6
  wrong_mover,      // GC-MOVE-7
  stake_uncovered,  // GC-COMMIT-1
  reveal_move,      // GC-REVEAL-1
  reveal_opening,   // GC-REVEAL-2
  next_app_data,    // GC-NEXT-1
  next_outcome,     // GC-NEXT-2
  next_final,       // GC-NEXT-3
  extra_outcome,    // accepted: an outcome entry past the two players' is read by neither
  count
};

// Where the mover's free fields are in app_data, which a next_app_data mutation must leave alone.
bool is_chosen_byte(u8 phase, std::size_t offset) {
  const u64 player = gc::phase_player(phase);
  if (phase <= gc::phase_commit_a) {
    const u64 at = gc::offset_commitments + 32 * player;
    return offset >= at && offset < at + 32;
  }
  const u64 salt_at = gc::offset_salts + 32 * player;
  return offset == gc::offset_moves + player || (offset >= salt_at && offset < salt_at + 32);
}

struct Case {
  FixedPart fixed;
  VariablePart from;
  VariablePart to;
  GameChannelError expected = GameChannelError::none;  // the rule the mutation breaks
  bool applicable = true;                               // false when this position cannot host the mutation
};

// The case for `mutation` at `position`; `valid` is the state execute made from it.
Case mutate(Mutation mutation, const Position& position, const VariablePart& valid, u64 choice) {
  Case c{fixed_part(), position.from, valid, GameChannelError::none, true};
  const gc::GameState game = gc::decode_game(c.from.app_data);
  const bool commit_phase = game.phase <= gc::phase_commit_a;
  switch (mutation) {
    case Mutation::none:
    case Mutation::count:
      break;
    case Mutation::participants:
      c.fixed = fixed_part(choice % 2 == 0 ? 1 : 3);
      c.expected = GameChannelError::participants;
      break;
    case Mutation::turn:
      c.to.turn += choice % 2 == 0 ? 1 : u64_max;  // one past, or the same turn (wraps to turn - 1 + 1)
      c.expected = GameChannelError::turn;
      break;
    case Mutation::data_size:
      if (choice % 4 == 0) c.to.app_data.push_back(0);
      if (choice % 4 == 1) c.to.app_data.pop_back();
      if (choice % 4 == 2) c.from.app_data.push_back(0);
      if (choice % 4 == 3) c.from.app_data.pop_back();
      c.expected = GameChannelError::data_size;
      break;
    case Mutation::outcome_size:
      (choice % 2 == 0 ? c.to : c.from).outcome.resize(choice % 3 == 0 ? 0 : 1);
      c.expected = GameChannelError::outcome_size;
      break;
    case Mutation::from_final:
      c.from.is_final = true;
      c.expected = GameChannelError::from_final;
      break;
    case Mutation::game_over: {
      gc::GameState over = game;
      if (choice % 3 == 0) over.phase = static_cast<u8>(gc::phase_done + (choice >> 8) % 252);
      if (choice % 3 == 1) over.round = over.rounds;  // every round played
      if (choice % 3 == 2) over.rounds = over.round;
      c.from.app_data = gc::encode_game(over);
      c.expected = GameChannelError::game_over;
      break;
    }
    case Mutation::wrong_mover:
      c.applicable = c.from.turn < u64_max - 1;
      c.from.turn += 1;
      c.to.turn += 1;
      c.expected = GameChannelError::wrong_mover;
      break;
    case Mutation::stake_uncovered:
      c.applicable = commit_phase && game.stake > 0;
      if (c.applicable) c.from.outcome[choice % 2] = game.stake - 1 - (choice >> 8) % game.stake;
      c.expected = GameChannelError::stake_uncovered;
      break;
    case Mutation::reveal_move: {
      c.applicable = !commit_phase;
      const u64 player = gc::phase_player(game.phase);
      const u8 bad = choice % 2 == 0 ? u8{0} : static_cast<u8>(4 + (choice >> 8) % 252);
      c.to.app_data[gc::offset_moves + player] = bad;
      c.expected = GameChannelError::reveal_move;
      break;
    }
    case Mutation::reveal_opening: {
      c.applicable = !commit_phase;
      const u64 player = gc::phase_player(game.phase);
      if (choice % 2 == 0) {
        c.to.app_data[gc::offset_salts + 32 * player + (choice >> 8) % 32] ^= static_cast<u8>(1 << (choice >> 16) % 8);
      } else {  // another move, still rock, paper or scissors: the commitment binds it
        u8& move = c.to.app_data[gc::offset_moves + player];
        move = static_cast<u8>(move % 3 + 1);
      }
      c.expected = GameChannelError::reveal_opening;
      break;
    }
    case Mutation::next_app_data: {
      std::size_t offset = choice % gc::game_data_bytes;
      while (is_chosen_byte(game.phase, offset)) offset = (offset + 1) % gc::game_data_bytes;
      c.to.app_data[offset] ^= static_cast<u8>(1 << (choice >> 16) % 8);
      c.expected = GameChannelError::next_app_data;
      break;
    }
    case Mutation::next_outcome: {
      u64& amount = c.to.outcome[choice % 2];
      amount = amount == u64_max ? amount - 1 : amount + 1;
      c.expected = GameChannelError::next_outcome;
      break;
    }
    case Mutation::next_final: {
      c.to.is_final = true;
      const bool ends_game = gc::decode_game(c.to.app_data).phase == gc::phase_done;
      c.expected = ends_game ? GameChannelError::none : GameChannelError::next_final;
      break;
    }
    case Mutation::extra_outcome:
      c.from.outcome.push_back(choice);
      c.to.outcome.push_back(choice % 2 == 0 ? choice : choice + 1);
      break;
  }
  return c;
}

std::set<GameChannelError>& rejections_seen() {
  static std::set<GameChannelError> seen;
  return seen;
}

std::string code_of(GameChannelError e) { return std::string(error_info(e).code); }

void expect_agree(const Case& c) {
  const Verdicts v = judge(c.fixed, c.from, c.to);
  RC_ASSERT(v.native_valid == (v.native == GameChannelError::none));
  RC_ASSERT(v.native_valid == v.vm_valid);
  if (v.vm_valid) RC_ASSERT(v.gas <= gas_bound);
  if (v.native != GameChannelError::none) rejections_seen().insert(v.native);
}

// The honest moves, and each rule broken once: the native rule is the one aimed at, and the VM agrees.
void native_and_bytecode_agree_on_every_move_and_mutation();
RC_GTEST_PROP(GameChannelDifferential, NativeAndBytecodeAgreeOnEveryMoveAndMutation, ()) {
  native_and_bytecode_agree_on_every_move_and_mutation();
}
void native_and_bytecode_agree_on_every_move_and_mutation() {
  const Position position = play_position();
  const auto valid = gc::execute(position.action, position.from);
  if (!valid.ok()) {
    // execute refuses only where no next state exists (the game is over, or an amount or counter
    // would leave the u64 range). Any proposal is then invalid for both: take the next state with
    // wrapped arithmetic, as a careless implementation would write it.
    const gc::GameState game = gc::decode_game(position.from.app_data);
    VariablePart to = position.from;
    to.turn += 1;
    gc::GameState wrapped = game;
    wrapped.phase = static_cast<u8>(game.phase + 1);
    to.app_data = gc::encode_game(wrapped);
    to.outcome[0] += game.stake;
    to.outcome[1] -= game.stake;
    const Verdicts v = judge(fixed_part(), position.from, to);
    RC_ASSERT(!v.native_valid);
    RC_ASSERT(!v.vm_valid);
    rejections_seen().insert(v.native);
    RC_TAG("execute refused: " + code_of(valid.error()));
    return;
  }
  RC_ASSERT(gc::check_move(fixed_part(), position.from, *valid) == GameChannelError::none);
  RC_TAG("phase " + std::to_string(gc::decode_game(position.from.app_data).phase));
  for (int kind = 0; kind < static_cast<int>(Mutation::count); ++kind) {
    const Case c = mutate(static_cast<Mutation>(kind), position, *valid, *rc::gen::arbitrary<u64>());
    if (!c.applicable) continue;
    RC_ASSERT(gc::check_move(c.fixed, c.from, c.to) == c.expected);
    expect_agree(c);
  }
}

// A reveal that opens a commitment of an earlier round (its preimage is public since that round's
// reveal), or the other player's commitment: both verdicts refuse it, and the native one says why.
void replayed_and_copied_commitments_are_refused_by_both();
RC_GTEST_PROP(GameChannelDifferential, ReplayedAndCopiedCommitmentsAreRefusedByBoth, ()) {
  replayed_and_copied_commitments_are_refused_by_both();
}
void replayed_and_copied_commitments_are_refused_by_both() {
  const Position position = play_position(true);
  const gc::GameState game = gc::decode_game(position.from.app_data);
  RC_PRE(game.phase == gc::phase_reveal_b || game.phase == gc::phase_reveal_a);
  const u64 player = gc::phase_player(game.phase);
  const u64 other = player ^ 1;
  const bool copy = *rc::gen::arbitrary<bool>();
  // The replay: the player commits this round to its earlier preimage (earlier round), or copies
  // the other player's commitment, and reveals the preimage that opens it.
  gc::GameState from_game = game;
  const u64 earlier_round = game.round == 0 ? 0 : *rc::gen::inRange<u64>(0, game.round);
  const u8 move = *rc::gen::inRange<u8>(1, 4);
  const Hash32 salt = *hash_gen();
  const u64 committed_round = copy ? game.round : earlier_round;
  const u64 committed_player = copy ? other : player;
  RC_PRE(copy || game.round > 0);
  from_game.commitments[player] = gc::commitment(game.game_id, committed_round, committed_player, move, salt);
  VariablePart from = position.from;
  from.app_data = gc::encode_game(from_game);
  // The state a replayer proposes: next_state with its preimage, whatever it opens.
  const gc::Next next = gc::next_state(from_game, {from.outcome[0], from.outcome[1]}, gc::Chosen{{}, move, salt});
  RC_PRE(next.game_ok && next.outcome_ok && from.turn < u64_max);
  const auto honest_next = gc::execute(gc::GameAction{player, {}, move, salt}, from);
  RC_ASSERT(!honest_next.ok());
  RC_ASSERT(honest_next.error() == GameChannelError::reveal_opening);
  VariablePart to{from.turn + 1, gc::encode_game(next.game), {next.outcome[0], next.outcome[1]}, false};
  const Verdicts v = judge(fixed_part(), from, to);
  RC_ASSERT(v.native == GameChannelError::reveal_opening);
  RC_ASSERT(!v.vm_valid);
  RC_TAG(copy ? "copied the other's commitment" : "replayed an earlier round's");
}

// From-states no honest game reaches: random bytes at every field, sizes and outcomes at their
// boundaries, and a proposal that is random or is execute's answer to a random action.
void agree_on_arbitrary_states();
RC_GTEST_PROP(GameChannelDifferential, AgreeOnArbitraryStates, ()) {
  agree_on_arbitrary_states();
}
void agree_on_arbitrary_states() {
  Bytes data = *rc::gen::container<Bytes>(gc::game_data_bytes, rc::gen::arbitrary<u8>());
  gc::GameState game = gc::decode_game(data);
  game.phase = *rc::gen::weightedOneOf<u8>({{6, rc::gen::inRange<u8>(0, 4)}, {1, rc::gen::arbitrary<u8>()}});
  game.rounds = *rc::gen::weightedOneOf<u64>({{3, rc::gen::inRange<u64>(0, 5)}, {1, rc::gen::arbitrary<u64>()}});
  game.round = *rc::gen::weightedOneOf<u64>({{3, rc::gen::inRange<u64>(0, 5)}, {1, rc::gen::arbitrary<u64>()}});
  game.stake = *stake_gen();
  game.moves = {*rc::gen::weightedOneOf<u8>({{4, rc::gen::inRange<u8>(0, 4)}, {1, rc::gen::arbitrary<u8>()}}),
                *rc::gen::weightedOneOf<u8>({{4, rc::gen::inRange<u8>(0, 4)}, {1, rc::gen::arbitrary<u8>()}})};
  game.wins = {*rc::gen::weightedOneOf<u64>({{3, rc::gen::inRange<u64>(0, 3)}, {1, rc::gen::just(u64_max)}}),
               *rc::gen::weightedOneOf<u64>({{3, rc::gen::inRange<u64>(0, 3)}, {1, rc::gen::just(u64_max)}})};
  VariablePart from{*rc::gen::weightedOneOf<u64>({{6, rc::gen::inRange<u64>(0, 20)}, {1, rc::gen::just(u64_max)}}),
                    gc::encode_game(game),
                    {*funding_gen(game.stake), *funding_gen(game.stake)},
                    *rc::gen::weightedElement<bool>({{8, false}, {1, true}})};
  const u64 player = *rc::gen::weightedElement<u64>({{8, gc::phase_player(game.phase)}, {1, gc::phase_player(game.phase) ^ 1}});
  const u8 move = *rc::gen::weightedOneOf<u8>({{6, rc::gen::inRange<u8>(1, 4)}, {1, rc::gen::arbitrary<u8>()}});
  const Hash32 salt = *hash_gen();
  if (*rc::gen::arbitrary<bool>() && game.phase < gc::phase_done && game.phase >= gc::phase_reveal_b)
    game.commitments[gc::phase_player(game.phase)] = gc::commitment(game.game_id, game.round, gc::phase_player(game.phase), move, salt);
  from.app_data = gc::encode_game(game);
  VariablePart to;
  const auto executed = gc::execute(gc::GameAction{player, *hash_gen(), move, salt}, from);
  if (executed.ok() && *rc::gen::weightedElement<int>({{4, 0}, {1, 1}}) == 0) {
    to = *executed;
    RC_TAG("proposal from execute");
  } else {
    to = from;
    to.turn += *rc::gen::weightedElement<u64>({{6, 1}, {1, 0}, {1, 2}});
    to.app_data = gc::encode_game(game);
    to.app_data[*rc::gen::inRange<std::size_t>(0, gc::game_data_bytes)] = *rc::gen::arbitrary<u8>();
    if (*rc::gen::weightedElement<int>({{6, 0}, {1, 1}}) == 1) to.app_data.push_back(0);
    to.outcome = *rc::gen::weightedOneOf<std::vector<u64>>(
        {{6, rc::gen::container<std::vector<u64>>(2, rc::gen::arbitrary<u64>())},
         {1, rc::gen::container<std::vector<u64>>(rc::gen::arbitrary<u64>())}});
    to.is_final = *rc::gen::weightedElement<bool>({{6, false}, {1, true}});
    RC_TAG("random proposal");
  }
  const FixedPart fixed = fixed_part(*rc::gen::weightedElement<std::size_t>({{12, 2}, {1, 0}, {1, 1}, {1, 3}}));
  const Verdicts v = judge(fixed, from, to);
  RC_ASSERT(v.native_valid == v.vm_valid);
  if (v.vm_valid) RC_ASSERT(v.gas <= gas_bound);
  if (v.native != GameChannelError::none) rejections_seen().insert(v.native);
  RC_TAG(code_of(v.native));
}

// Every state an honest game reaches passes validate_state, and execute's moves pass both judges.
void honest_games_stay_well_formed();
RC_GTEST_PROP(GameChannelDifferential, HonestGamesStayWellFormed, ()) {
  honest_games_stay_well_formed();
}
void honest_games_stay_well_formed() {
  const Position position = play_position();
  const gc::GameState opening = gc::decode_game(position.history.empty() ? position.from.app_data
                                                                          : position.history.front().app_data);
  RC_PRE(opening.wins[0] == 0 && opening.wins[1] == 0 && opening.rounds < u64_max);
  std::vector<VariablePart> states = position.history;
  states.push_back(position.from);
  for (std::size_t i = 0; i < states.size(); ++i) {
    RC_ASSERT(gc::validate_state(states[i]) == GameChannelError::none);
    RC_ASSERT(states[i].outcome[0] + states[i].outcome[1] == states[0].outcome[0] + states[0].outcome[1]);
    if (i > 0) {
      const Verdicts v = judge(fixed_part(), states[i - 1], states[i]);
      RC_ASSERT(v.native_valid && v.vm_valid);
      RC_ASSERT(v.gas <= gas_bound);
    }
  }
}

// Every rule of check_move is the native reason for some rejection the VM agreed with, in the
// properties above run from l2::test::coverage_seed (rapidcheck_runs.hpp says why not from a fresh
// seed).
TEST(GameChannelDifferential, EveryMoveRuleIsReachedFromTheCoverageSeed) {
  const std::vector<GameChannelError> move_rules = {
      GameChannelError::participants,    GameChannelError::turn,           GameChannelError::data_size,
      GameChannelError::outcome_size,    GameChannelError::from_final,     GameChannelError::game_over,
      GameChannelError::wrong_mover,     GameChannelError::stake_uncovered, GameChannelError::reveal_move,
      GameChannelError::reveal_opening,  GameChannelError::next_app_data,  GameChannelError::next_outcome,
      GameChannelError::next_final};
  rejections_seen().clear();
  for (void (*property)() : {native_and_bytecode_agree_on_every_move_and_mutation,
                             replayed_and_copied_commitments_are_refused_by_both, agree_on_arbitrary_states,
                             honest_games_stay_well_formed})
    l2::test::check_property(property, 100, l2::test::coverage_seed);
  for (const GameChannelError e : move_rules)
    EXPECT_TRUE(rejections_seen().count(e) == 1) << code_of(e) << " was never the reason for a rejection";
}

}  // namespace
