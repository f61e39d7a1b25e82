// A game with hidden information played in a two-party state channel: rock-paper-scissors over a
// fixed number of rounds, each round a commit-reveal exchange. Player B (participants[1]) commits,
// player A (participants[0]) commits, B reveals, A reveals; a commitment is a tagged hash of the
// game's id, the round, the player, the move and a 32-byte salt, so it hides the move from the other
// player and binds its author to it. The winner of a round takes the stake from the loser in the
// outcome. A player who must reveal and does not loses the round: the outcome of each state already
// pays what that refusal would cost, so a challenge on the latest state forfeits the silent player.
//
// The game exists twice, and the two must agree on every move: as native C++ (check_move, GameApp,
// and the ChannelContract trio execute / validate_state / compute_state_hash) and as channel VM
// bytecode (game_program) that the state-channel adjudicator runs after deploy_app.
// spec: game_channel.md
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_vm.hpp"
#include "l2/ref/channel_vm_assembler.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/state_channel_parts.hpp"
#include "l2/ref/verify_check.hpp"

namespace l2 {

// spec: game_channel.md#errors
#define L2_GAME_CHANNEL_ERRORS(X) \
  X(participants, "GC-MOVE-1", "the channel does not have exactly two participants") \
  X(turn, "GC-MOVE-2", "to.turn is not from.turn + 1") \
  X(data_size, "GC-MOVE-3", "an app_data is not exactly 203 bytes") \
  X(outcome_size, "GC-MOVE-4", "an outcome has no entry for one of the two players") \
  X(from_final, "GC-MOVE-5", "the state moved from is final") \
  X(game_over, "GC-MOVE-6", "the game is over (phase done or beyond, or every round played)") \
  X(wrong_mover, "GC-MOVE-7", "the mover of to.turn is not the player whose turn the phase says it is") \
  X(stake_uncovered, "GC-COMMIT-1", "a player's outcome does not cover the round's stake") \
  X(reveal_move, "GC-REVEAL-1", "the revealed move is not rock (1), paper (2) or scissors (3)") \
  X(reveal_opening, "GC-REVEAL-2", "the revealed move and salt do not open the player's commitment") \
  X(next_app_data, "GC-NEXT-1", "to.app_data is not the next game state") \
  X(next_outcome, "GC-NEXT-2", "to.outcome is not the next outcome, or it overflows") \
  X(next_final, "GC-NEXT-3", "to is final but the move does not end the game") \
  X(exec_player, "GC-EXEC-1", "the acting player is not the player whose turn it is") \
  X(state_data_size, "GC-STATE-1", "app_data is not exactly 203 bytes") \
  X(state_outcome, "GC-STATE-2", "the outcome does not have exactly two entries") \
  X(state_rounds, "GC-STATE-3", "rounds is 0 or round is above rounds") \
  X(state_phase, "GC-STATE-4", "the phase is above 4, or done when rounds remain, or not done when none remain") \
  X(state_moves, "GC-STATE-5", "a move byte is above 3") \
  X(state_scores, "GC-STATE-6", "the scores add up to more than the rounds played") \
  X(state_final, "GC-STATE-7", "the state is final but the game is not over")
L2_ERROR_ENUM(GameChannelError, "GC_", L2_GAME_CHANNEL_ERRORS)

inline constexpr auto all_game_channel_errors = all_errors(GameChannelError{});

}  // namespace l2

namespace l2::ref::game_channel {

using state_channel::FixedPart;
using state_channel::VariablePart;

inline constexpr std::string_view commit_tag = "L2/game_channel/commit";
inline constexpr std::string_view state_tag = "L2/game_channel/state";

// ---------------------------------------------------------------------------------------------
// The game state. spec: game_channel.md#gamestate

inline constexpr u64 player_a = 0;  // participants[0]
inline constexpr u64 player_b = 1;  // participants[1]
inline constexpr u64 player_count = 2;

inline constexpr u8 no_move = 0;
inline constexpr u8 rock = 1;
inline constexpr u8 paper = 2;
inline constexpr u8 scissors = 3;

// The phases of a round, in order; B moves in the even ones, A in the odd ones.
inline constexpr u8 phase_commit_b = 0;
inline constexpr u8 phase_commit_a = 1;
inline constexpr u8 phase_reveal_b = 2;
inline constexpr u8 phase_reveal_a = 3;
inline constexpr u8 phase_done = 4;

// app_data = enc(GameState): the canonical encoding, 203 bytes, every field at a fixed offset
// (game_channel.md#layout). Arrays are indexed by player: [0] is A's, [1] is B's.
struct GameState {
  BOOST_HANA_DEFINE_STRUCT(GameState, (u64, rounds), (u64, stake), (u64, round), (std::array<u64, 2>, wins),
                           (Hash32, game_id), (std::array<Hash32, 2>, commitments), (std::array<Hash32, 2>, salts),
                           (u8, phase), (std::array<u8, 2>, moves));
};

// The byte offsets of game_channel.md#layout; the bytecode addresses the fields by them.
inline constexpr u64 offset_rounds = 0;
inline constexpr u64 offset_stake = 8;
inline constexpr u64 offset_round = 16;
inline constexpr u64 offset_wins = 24;         // + 8 * player
inline constexpr u64 offset_game_id = 40;
inline constexpr u64 offset_commitments = 72;  // + 32 * player
inline constexpr u64 offset_salts = 136;       // + 32 * player
inline constexpr u64 offset_phase = 200;
inline constexpr u64 offset_moves = 201;       // + player
inline constexpr u64 game_data_bytes = 203;

constexpr Bytes encode_game(const GameState& game) { return reflect::encode(game); }

// Contract: data.size() == game_data_bytes. Every 203-byte string is some GameState.
constexpr GameState decode_game(std::span<const u8> data) {
  const Result<GameState, reflect::DecodeError> decoded = reflect::decode<GameState>(data);
  L2_VERIFY_CHECK(decoded.ok());
  return decoded.value();
}

// The player who moves in a phase below phase_done: B in phases 0 and 2, A in phases 1 and 3.
constexpr u64 phase_player(u8 phase) { return (phase & 1U) ^ 1U; }

// commitment = H_"L2/game_channel/commit"(game_id || round || player || move || salt), 74 bytes.
// spec: game_channel.md#commitment
constexpr Hash32 commitment(const Hash32& game_id, u64 round, u64 player, u8 move, const Hash32& salt) {
  Bytes preimage;
  append(preimage, game_id);
  put_u64_be(preimage, round);
  preimage.push_back(static_cast<u8>(player));
  preimage.push_back(move);
  append(preimage, salt);
  return tagged_hash(commit_tag, preimage);
}

// The round's result, (move_a - move_b) mod 3: 0 a draw, 1 A wins, 2 B wins. Defined for every
// pair of bytes (rock 1 beats scissors 3, paper 2 beats rock 1, scissors 3 beats paper 2).
inline constexpr u64 result_draw = 0;
inline constexpr u64 result_a_wins = 1;
inline constexpr u64 result_b_wins = 2;
constexpr u64 round_result(u8 move_a, u8 move_b) { return (u64{move_a} + 3 - u64{move_b} % 3) % 3; }

// The opening state of a game: turn 0, round 0, B to commit, outcome the two fundings.
constexpr VariablePart opening_state(u64 rounds, u64 stake, const Hash32& game_id, u64 funding_a, u64 funding_b) {
  GameState game{};
  game.rounds = rounds;
  game.stake = stake;
  game.game_id = game_id;
  return VariablePart{0, encode_game(game), {funding_a, funding_b}, false};
}

// ---------------------------------------------------------------------------------------------
// The next state. spec: game_channel.md#the-next-state

// What the mover chooses: its commitment in a commit phase, its move and salt in a reveal phase.
struct Chosen {
  Hash32 commitment{};
  u8 move = no_move;
  Hash32 salt{};
};

// The game state and outcome that follow `game` when the phase's player chooses `chosen`, with
// each counter and amount computed in integers; `game_ok` / `outcome_ok` are false when one falls
// outside 0..2^64-1. Contract: game.phase <= 3 and game.round < game.rounds (GC-MOVE-6).
struct Next {
  GameState game;
  bool game_ok = true;
  std::array<u64, 2> outcome{};
  bool outcome_ok = true;
};

constexpr Next next_state(const GameState& game, const std::array<u64, 2>& outcome, const Chosen& chosen) {
  L2_VERIFY_CHECK(game.phase < phase_done && game.round < game.rounds);
  const u64 player = phase_player(game.phase);
  const u64 a = outcome[player_a], b = outcome[player_b], s = game.stake;
  Next next{game, true, outcome, true};
  // (a + da, b - db) for the round's transfer; `twice` moves two stakes.
  const auto transfer_to_a = [&](bool twice) {
    const Checked amount = twice ? checked_add(s, s) : Checked{s, false};
    const Checked to_a = checked_add(a, amount.value), from_b = checked_sub(b, amount.value);
    next.outcome_ok = !amount.overflow && !to_a.overflow && !from_b.overflow;
    next.outcome = {to_a.value, from_b.value};
  };
  const auto transfer_to_b = [&](bool twice) {
    const Checked amount = twice ? checked_add(s, s) : Checked{s, false};
    const Checked from_a = checked_sub(a, amount.value), to_b = checked_add(b, amount.value);
    next.outcome_ok = !amount.overflow && !from_a.overflow && !to_b.overflow;
    next.outcome = {from_a.value, to_b.value};
  };
  switch (game.phase) {
    case phase_commit_b:  // nothing at stake yet: the outcome stays
      next.game.commitments[player] = chosen.commitment;
      next.game.phase = phase_commit_a;
      break;
    case phase_commit_a:  // B must reveal next: the outcome pays B's stake to A
      next.game.commitments[player] = chosen.commitment;
      next.game.phase = phase_reveal_b;
      transfer_to_a(false);
      break;
    case phase_reveal_b:  // A must reveal next: the outcome pays A's stake to B instead
      next.game.moves[player] = chosen.move;
      next.game.salts[player] = chosen.salt;
      next.game.phase = phase_reveal_a;
      transfer_to_b(true);
      break;
    default: {  // phase_reveal_a: the round is decided, and A's provisional loss undone
      next.game.moves[player] = chosen.move;
      next.game.salts[player] = chosen.salt;
      next.game.round = game.round + 1;
      next.game.phase = next.game.round == game.rounds ? phase_done : phase_commit_b;
      const u64 result = round_result(chosen.move, game.moves[player_b]);
      if (result == result_a_wins) {
        const Checked wins = checked_add(game.wins[player_a], 1);
        next.game_ok = !wins.overflow;
        next.game.wins[player_a] = wins.value;
        transfer_to_a(true);
      } else if (result == result_b_wins) {
        const Checked wins = checked_add(game.wins[player_b], 1);
        next.game_ok = !wins.overflow;
        next.game.wins[player_b] = wins.value;
      } else {
        transfer_to_a(false);
      }
      break;
    }
  }
  return next;
}

// What `to` chose, read from its app_data at the mover's fields. Contract: to's app_data is 203 bytes.
constexpr Chosen chosen_in(const GameState& to, u64 player) {
  return Chosen{to.commitments[player], to.moves[player], to.salts[player]};
}

// ---------------------------------------------------------------------------------------------
// The move rule. spec: game_channel.md#check_move

// valid_move's rules for a two-player channel; check_move adds the participant count.
constexpr GameChannelError check_game_move(const VariablePart& from, const VariablePart& to) {
  const Checked next_turn = checked_add(from.turn, 1);
  // Verify: to.turn = from.turn + 1, without overflow [GC-MOVE-2]
  if (next_turn.overflow || to.turn != next_turn.value) return GameChannelError::turn;
  // Verify: from.app_data and to.app_data are each exactly 203 bytes [GC-MOVE-3]
  if (from.app_data.size() != game_data_bytes || to.app_data.size() != game_data_bytes)
    return GameChannelError::data_size;
  // Verify: from.outcome and to.outcome each have entries 0 and 1 [GC-MOVE-4]
  if (from.outcome.size() < player_count || to.outcome.size() < player_count) return GameChannelError::outcome_size;
  // Verify: from is not final [GC-MOVE-5]
  if (from.is_final) return GameChannelError::from_final;
  const GameState game = decode_game(from.app_data);
  // Verify: phase <= 3 and round < rounds [GC-MOVE-6]
  if (game.phase >= phase_done || game.round >= game.rounds) return GameChannelError::game_over;
  const u64 player = phase_player(game.phase);
  // Verify: the mover of to.turn, to.turn mod 2, is the phase's player [GC-MOVE-7]
  if (to.turn % player_count != player) return GameChannelError::wrong_mover;
  const bool commit_phase = game.phase == phase_commit_b || game.phase == phase_commit_a;
  const std::array<u64, 2> outcome{from.outcome[player_a], from.outcome[player_b]};
  // Verify: in a commit phase, outcome[0] >= stake and outcome[1] >= stake [GC-COMMIT-1]
  if (commit_phase && (outcome[player_a] < game.stake || outcome[player_b] < game.stake))
    return GameChannelError::stake_uncovered;
  const GameState proposed = decode_game(to.app_data);
  const Chosen chosen = chosen_in(proposed, player);
  // Verify: in a reveal phase, the revealed move is 1, 2 or 3 [GC-REVEAL-1]
  if (!commit_phase && (chosen.move < rock || chosen.move > scissors)) return GameChannelError::reveal_move;
  // Verify: in a reveal phase, commitment(game_id, round, player, move, salt) is the player's commitment [GC-REVEAL-2]
  if (!commit_phase &&
      commitment(game.game_id, game.round, player, chosen.move, chosen.salt) != game.commitments[player])
    return GameChannelError::reveal_opening;
  const Next next = next_state(game, outcome, chosen);
  // Verify: to.app_data is enc(next game state), each counter without overflow [GC-NEXT-1]
  if (!next.game_ok || !bytes_equal(encode_game(next.game), to.app_data)) return GameChannelError::next_app_data;
  // Verify: to.outcome[0..1] is the next outcome, each amount within a u64 [GC-NEXT-2]
  if (!next.outcome_ok || to.outcome[player_a] != next.outcome[player_a] || to.outcome[player_b] != next.outcome[player_b])
    return GameChannelError::next_outcome;
  // Verify: to is final only when the move ends the game [GC-NEXT-3]
  if (to.is_final && next.game.phase != phase_done) return GameChannelError::next_final;
  return GameChannelError::none;
}

// Whether `to` may follow `from` in the channel `fixed`: the AppCheck question, with the rule that
// rejects it. spec: game_channel.md#check_move
constexpr GameChannelError check_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) {
  // Verify: the channel has exactly two participants [GC-MOVE-1]
  if (fixed.participants.size() != player_count) return GameChannelError::participants;
  return check_game_move(from, to);
}

// ---------------------------------------------------------------------------------------------
// The ChannelContract trio. spec: game_channel.md#the-channelcontract

// A player's action: its commitment in a commit phase; its move and salt in a reveal phase.
struct GameAction {
  BOOST_HANA_DEFINE_STRUCT(GameAction, (u64, player), (Hash32, commitment), (u8, move), (Hash32, salt));
};

// spec: game_channel.md#validate_state
constexpr GameChannelError validate_state(const VariablePart& state) {
  // Verify: app_data is exactly 203 bytes [GC-STATE-1]
  if (state.app_data.size() != game_data_bytes) return GameChannelError::state_data_size;
  // Verify: the outcome has exactly two entries [GC-STATE-2]
  if (state.outcome.size() != player_count) return GameChannelError::state_outcome;
  const GameState game = decode_game(state.app_data);
  // Verify: rounds >= 1 and round <= rounds [GC-STATE-3]
  if (game.rounds == 0 || game.round > game.rounds) return GameChannelError::state_rounds;
  // Verify: phase <= 4, and phase = 4 exactly when round = rounds [GC-STATE-4]
  if (game.phase > phase_done || (game.phase == phase_done) != (game.round == game.rounds))
    return GameChannelError::state_phase;
  // Verify: each move byte is 0 (none), 1, 2 or 3 [GC-STATE-5]
  if (game.moves[player_a] > scissors || game.moves[player_b] > scissors) return GameChannelError::state_moves;
  const Checked scores = checked_add(game.wins[player_a], game.wins[player_b]);
  // Verify: wins[0] + wins[1] <= round, without overflow [GC-STATE-6]
  if (scores.overflow || scores.value > game.round) return GameChannelError::state_scores;
  // Verify: the state is final only when the game is over (phase 4) [GC-STATE-7]
  if (state.is_final && game.phase != phase_done) return GameChannelError::state_final;
  return GameChannelError::none;
}

// The next state after `input`: the state check_move accepts as the acting player's move, with
// is_final false. spec: game_channel.md#execute
constexpr Result<VariablePart, GameChannelError> execute(const GameAction& input, const VariablePart& state) {
  // Verify: app_data is exactly 203 bytes [GC-MOVE-3]
  if (state.app_data.size() != game_data_bytes) return GameChannelError::data_size;
  // Verify: the outcome has entries 0 and 1 [GC-MOVE-4]
  if (state.outcome.size() < player_count) return GameChannelError::outcome_size;
  const GameState game = decode_game(state.app_data);
  // Verify: phase <= 3 and round < rounds [GC-MOVE-6]
  if (game.phase >= phase_done || game.round >= game.rounds) return GameChannelError::game_over;
  // Verify: the acting player is the phase's player [GC-EXEC-1]
  if (input.player != phase_player(game.phase)) return GameChannelError::exec_player;
  const Next next = next_state(game, {state.outcome[player_a], state.outcome[player_b]},
                               Chosen{input.commitment, input.move, input.salt});
  // Verify: every counter of the next game state fits a u64 [GC-NEXT-1]
  if (!next.game_ok) return GameChannelError::next_app_data;
  // Verify: every amount of the next outcome fits a u64 [GC-NEXT-2]
  if (!next.outcome_ok) return GameChannelError::next_outcome;
  VariablePart to = state;
  to.turn = state.turn + 1;  // wraps only at 2^64 - 1, which check_game_move refuses (GC-MOVE-2)
  to.app_data = encode_game(next.game);
  to.outcome[player_a] = next.outcome[player_a];
  to.outcome[player_b] = next.outcome[player_b];
  to.is_final = false;
  if (const GameChannelError e = check_game_move(state, to); e != GameChannelError::none) return e;
  return to;
}

// The application's hash of a state: H_"L2/game_channel/state"(enc(state)). It binds no channel;
// the adjudicator's state_digest does. spec: game_channel.md#compute_state_hash
constexpr Hash32 compute_state_hash(const VariablePart& state) { return tagged_hash(state_tag, reflect::encode(state)); }

// ---------------------------------------------------------------------------------------------
// The bytecode. spec: game_channel.md#the-bytecode

namespace program_detail {

// Memory: the copies of from's and to's app_data, the expected next app_data, the commitment's
// preimage and its digest. Copies are 208 bytes (26 words); bytes 203..207 read 0 in every copy.
inline constexpr u64 mem_from = 0;
inline constexpr u64 mem_to = 224;
inline constexpr u64 mem_expected = 448;
inline constexpr u64 mem_preimage = 672;
inline constexpr u64 mem_digest = 832;
inline constexpr u64 copy_bytes = 208;
inline constexpr u64 preimage_bytes = 64 + 74;  // SHA256(tag) twice, then the commitment's message

// SHA256(commit_tag) as four big-endian words: the tagged hash's 64-byte prefix is it, twice.
constexpr std::array<u64, 4> commit_tag_words() {
  const Hash32 tag_hash = sha256(commit_tag);
  std::array<u64, 4> words{};
  for (std::size_t k = 0; k < 4; ++k)
    for (std::size_t i = 0; i < 8; ++i) words[k] = (words[k] << 8) | tag_hash[8 * k + i];
  return words;
}

}  // namespace program_detail

// The game as channel VM bytecode; valid_move's verdict on every move, the listing of
// game_channel.md#listing. Every path that accepts reads outcome entries 0 and 1 of both states.
constexpr Bytes game_program() {
  using channel_vm::Opcode;
  namespace m = program_detail;
  constexpr u64 F = m::mem_from, T = m::mem_to, E = m::mem_expected, H = m::mem_preimage, D = m::mem_digest;
  channel_vm::Assembler a;
  const auto commit = a.label(), reveal = a.label(), resolve = a.label(), a_wins = a.label(), b_wins = a.label(),
             finish = a.label(), reject = a.label(), accept = a.label();

  // GC-MOVE-1: two participants.
  a.op(Opcode::participants).push1(2).op(Opcode::eq).op(Opcode::iszero).jump_if(reject);
  // GC-MOVE-2: to.turn = from.turn + 1 (the ADD faults at 2^64 - 1).
  a.op(Opcode::from_turn).push1(1).op(Opcode::add).op(Opcode::to_turn).op(Opcode::eq).op(Opcode::iszero);
  a.jump_if(reject);
  // GC-MOVE-3: both app_data are 203 bytes.
  a.op(Opcode::from_data_size).push1(game_data_bytes).op(Opcode::eq).op(Opcode::iszero).jump_if(reject);
  a.op(Opcode::to_data_size).push1(game_data_bytes).op(Opcode::eq).op(Opcode::iszero).jump_if(reject);
  // GC-MOVE-4: outcome[1] of both states exists (reading it faults otherwise).
  a.push1(player_b).op(Opcode::from_outcome).op(Opcode::pop).push1(player_b).op(Opcode::to_outcome).op(Opcode::pop);
  // GC-MOVE-5: from is not final.
  a.op(Opcode::from_final).jump_if(reject);
  // F <- from.app_data, T <- to.app_data, E <- from.app_data (source length destination).
  a.push1(0).push1(m::copy_bytes).push1(F).op(Opcode::from_data_copy);
  a.push1(0).push1(m::copy_bytes).push1(T).op(Opcode::to_data_copy);
  a.push1(0).push1(m::copy_bytes).push2(E).op(Opcode::from_data_copy);
  // GC-MOVE-6: phase <= 3 and round < rounds.
  a.push1(F + offset_phase).op(Opcode::mload8).push1(3).op(Opcode::gt).jump_if(reject);
  a.push1(F + offset_round).op(Opcode::mload).push1(F + offset_rounds).op(Opcode::mload).op(Opcode::lt);
  a.op(Opcode::iszero).jump_if(reject);
  // GC-MOVE-7: MOVER = (phase AND 1) XOR 1.
  a.push1(F + offset_phase).op(Opcode::mload8).push1(1).op(Opcode::bit_and).push1(1).op(Opcode::bit_xor);
  a.op(Opcode::mover).op(Opcode::eq).op(Opcode::iszero).jump_if(reject);
  // Phases 0 and 1 commit, 2 and 3 reveal.
  a.push1(F + offset_phase).op(Opcode::mload8).push1(2).op(Opcode::lt).jump_if(commit);
  a.jump(reveal);

  // ---- commit: stack [] ----
  a.bind(commit);
  // GC-COMMIT-1: outcome[0] >= stake and outcome[1] >= stake.
  a.push1(player_a).op(Opcode::from_outcome).push1(F + offset_stake).op(Opcode::mload).op(Opcode::lt);
  a.jump_if(reject);
  a.push1(player_b).op(Opcode::from_outcome).push1(F + offset_stake).op(Opcode::mload).op(Opcode::lt);
  a.jump_if(reject);
  // E.commitments[mover] <- T.commitments[mover]: c = 72 + 32 * MOVER, then four words.
  a.op(Opcode::mover).push1(32).op(Opcode::mul).push1(offset_commitments).op(Opcode::add);
  for (u64 k = 0; k < 4; ++k) {
    a.dup(0).push2(T + 8 * k).op(Opcode::add).op(Opcode::mload);
    a.dup(1).push2(E + 8 * k).op(Opcode::add).op(Opcode::mstore);
  }
  a.op(Opcode::pop);
  // E.phase <- phase + 1.
  a.push1(F + offset_phase).op(Opcode::mload8).push1(1).op(Opcode::add).push2(E + offset_phase).op(Opcode::mstore8);
  // Expected outcome: (a + stake * phase, b - stake * phase); phase is 0 or 1 here.
  a.push1(player_a).op(Opcode::from_outcome).push1(F + offset_stake).op(Opcode::mload);
  a.push1(F + offset_phase).op(Opcode::mload8).op(Opcode::mul).op(Opcode::add);
  a.push1(player_b).op(Opcode::from_outcome).push1(F + offset_stake).op(Opcode::mload);
  a.push1(F + offset_phase).op(Opcode::mload8).op(Opcode::mul).op(Opcode::sub);
  a.jump(finish);

  // ---- reveal: stack [] ----
  a.bind(reveal);
  // The move m = T.moves[MOVER]; GC-REVEAL-1: 1 <= m <= 3.
  a.op(Opcode::mover).push2(T + offset_moves).op(Opcode::add).op(Opcode::mload8);
  a.dup(0).op(Opcode::iszero).jump_if(reject);
  a.dup(0).push1(3).op(Opcode::gt).jump_if(reject);
  // The preimage at H: SHA256(tag) twice, game_id, round, player, move, salt (138 bytes).
  const std::array<u64, 4> tag_words = m::commit_tag_words();
  for (u64 k = 0; k < 4; ++k) {
    a.push8(tag_words[k]).push2(H + 8 * k).op(Opcode::mstore);
    a.push8(tag_words[k]).push2(H + 32 + 8 * k).op(Opcode::mstore);
  }
  for (u64 k = 0; k < 4; ++k) a.push1(F + offset_game_id + 8 * k).op(Opcode::mload).push2(H + 64 + 8 * k).op(Opcode::mstore);
  a.push1(F + offset_round).op(Opcode::mload).push2(H + 96).op(Opcode::mstore);
  a.op(Opcode::mover).push2(H + 104).op(Opcode::mstore8);
  a.dup(0).push2(H + 105).op(Opcode::mstore8);
  // The salt, s = 136 + 32 * MOVER: into the preimage, and E.salts[mover] <- T.salts[mover].
  a.op(Opcode::mover).push1(32).op(Opcode::mul).push1(offset_salts).op(Opcode::add);
  for (u64 k = 0; k < 4; ++k) {
    a.dup(0).push2(T + 8 * k).op(Opcode::add).op(Opcode::mload).push2(H + 106 + 8 * k).op(Opcode::mstore);
    a.dup(0).push2(T + 8 * k).op(Opcode::add).op(Opcode::mload);
    a.dup(1).push2(E + 8 * k).op(Opcode::add).op(Opcode::mstore);
  }
  a.op(Opcode::pop);
  a.push2(H).push1(m::preimage_bytes).push2(D).op(Opcode::sha256);
  // GC-REVEAL-2: the digest equals F.commitments[MOVER] (c = 72 + 32 * MOVER; F is at 0).
  a.op(Opcode::mover).push1(32).op(Opcode::mul).push1(offset_commitments).op(Opcode::add).push1(0);
  for (u64 k = 0; k < 4; ++k) {
    a.dup(1).push1(F + 8 * k).op(Opcode::add).op(Opcode::mload).push2(D + 8 * k).op(Opcode::mload);
    a.op(Opcode::bit_xor).op(Opcode::bit_or);
  }
  a.jump_if(reject).op(Opcode::pop);
  // E.moves[MOVER] <- m.
  a.dup(0).op(Opcode::mover).push2(E + offset_moves).op(Opcode::add).op(Opcode::mstore8);
  a.push1(F + offset_phase).op(Opcode::mload8).push1(phase_reveal_a).op(Opcode::eq).jump_if(resolve);
  // Phase 2 (B revealed): E.phase <- 3, outcome (a - 2 stake, b + 2 stake).
  a.op(Opcode::pop).push1(phase_reveal_a).push2(E + offset_phase).op(Opcode::mstore8);
  a.push1(player_a).op(Opcode::from_outcome).push1(F + offset_stake).op(Opcode::mload).push1(2).op(Opcode::mul);
  a.op(Opcode::sub);
  a.push1(player_b).op(Opcode::from_outcome).push1(F + offset_stake).op(Opcode::mload).push1(2).op(Opcode::mul);
  a.op(Opcode::add);
  a.jump(finish);

  // ---- resolve (phase 3, A revealed): stack [m] ----
  a.bind(resolve);
  // d = (m + 3 - (move_b mod 3)) mod 3.
  a.push1(3).op(Opcode::add).push1(F + offset_moves + player_b).op(Opcode::mload8).push1(3).op(Opcode::mod);
  a.op(Opcode::sub).push1(3).op(Opcode::mod);
  // E.round <- round + 1; E.phase <- 4 when round + 1 = rounds, else 0.
  a.push1(F + offset_round).op(Opcode::mload).push1(1).op(Opcode::add).dup(0).push2(E + offset_round).op(Opcode::mstore);
  a.push1(F + offset_rounds).op(Opcode::mload).op(Opcode::eq).push1(phase_done).op(Opcode::mul);
  a.push2(E + offset_phase).op(Opcode::mstore8);
  a.dup(0).push1(result_a_wins).op(Opcode::eq).jump_if(a_wins);
  a.dup(0).push1(result_b_wins).op(Opcode::eq).jump_if(b_wins);
  // A draw: outcome (a + stake, b - stake).
  a.op(Opcode::pop);
  a.push1(player_a).op(Opcode::from_outcome).push1(F + offset_stake).op(Opcode::mload).op(Opcode::add);
  a.push1(player_b).op(Opcode::from_outcome).push1(F + offset_stake).op(Opcode::mload).op(Opcode::sub);
  a.jump(finish);
  // A wins: wins[0] + 1 (the ADD faults at 2^64 - 1), outcome (a + 2 stake, b - 2 stake).
  a.bind(a_wins).op(Opcode::pop);
  a.push1(F + offset_wins).op(Opcode::mload).push1(1).op(Opcode::add).push2(E + offset_wins).op(Opcode::mstore);
  a.push1(player_a).op(Opcode::from_outcome).push1(F + offset_stake).op(Opcode::mload).push1(2).op(Opcode::mul);
  a.op(Opcode::add);
  a.push1(player_b).op(Opcode::from_outcome).push1(F + offset_stake).op(Opcode::mload).push1(2).op(Opcode::mul);
  a.op(Opcode::sub);
  a.jump(finish);
  // B wins: wins[1] + 1, outcome (a, b): A's provisional loss stands.
  a.bind(b_wins).op(Opcode::pop);
  a.push1(F + offset_wins + 8).op(Opcode::mload).push1(1).op(Opcode::add).push2(E + offset_wins + 8).op(Opcode::mstore);
  a.push1(player_a).op(Opcode::from_outcome).push1(player_b).op(Opcode::from_outcome);

  // ---- finish: stack [expected a, expected b] ----
  a.bind(finish);
  // GC-NEXT-2: to.outcome[1] and to.outcome[0] are the expected amounts.
  a.push1(player_b).op(Opcode::to_outcome).op(Opcode::eq).op(Opcode::iszero).jump_if(reject);
  a.push1(player_a).op(Opcode::to_outcome).op(Opcode::eq).op(Opcode::iszero).jump_if(reject);
  // GC-NEXT-1: E = T, word by word: OR of the 26 words' XORs is 0.
  a.push1(0);
  for (u64 k = 0; k < m::copy_bytes / 8; ++k) {
    a.push2(E + 8 * k).op(Opcode::mload).push2(T + 8 * k).op(Opcode::mload).op(Opcode::bit_xor).op(Opcode::bit_or);
  }
  a.jump_if(reject);
  // GC-NEXT-3: to.is_final only when E.phase = 4.
  a.op(Opcode::to_final).op(Opcode::iszero).jump_if(accept);
  a.push2(E + offset_phase).op(Opcode::mload8).push1(phase_done).op(Opcode::eq).jump_if(accept);
  a.bind(reject).op(Opcode::reject);
  a.bind(accept).op(Opcode::accept);
  return a.finish();
}

// The program's identity: channel_vm.md#app_definition of its bytes.
constexpr Hash32 game_app_definition() { return channel_vm::app_definition(game_program()); }

// ---------------------------------------------------------------------------------------------
// The native application. spec: game_channel.md#gameapp

// An AppCheck for the adjudicator: it knows the game's app_definition, and judges a move by
// check_move, as the bytecode does.
struct GameApp {
  Hash32 definition = game_app_definition();

  constexpr bool knows(const Hash32& app_definition) const { return app_definition == definition; }
  constexpr bool valid_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) const {
    return knows(fixed.app_definition) && check_move(fixed, from, to) == GameChannelError::none;
  }
};

static_assert(state_channel::AppCheck<GameApp>);

}  // namespace l2::ref::game_channel
