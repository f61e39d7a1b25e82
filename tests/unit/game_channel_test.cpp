// The rock-paper-scissors game channel against game_channel.md: a whole game played through the
// state-channel adjudicator, which runs the game's bytecode after deploy_app, with BIP-340
// signatures made by libsecp256k1; every rule of check_move, execute and validate_state accepted at
// its boundary and rejected one step past it, the bytecode agreeing on each; the error enum and the
// program bytes against the spec; and the attacks of the spec's table: a player who refuses to
// reveal loses by forfeit after the challenge window, a reveal that does not open its commitment, a
// move out of turn, a commitment replayed from an earlier round and one copied from the opponent.
//
// Expected amounts are worked out from the spec's outcome rule (game_channel.md#outcome) by hand,
// commitments from libsecp256k1's tagged SHA-256, not from the header's.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "l2/ref/channel_vm.hpp"
#include "l2/ref/game_channel.hpp"
#include "l2/ref/state_channel.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

using l2::Bytes;
using l2::GameChannelError;
using l2::Hash32;
using l2::StateChannelError;
using l2::u64;
using l2::u8;
namespace gc = l2::ref::game_channel;
namespace vm = l2::ref::channel_vm;
namespace state_channel = l2::ref::state_channel;
using state_channel::Adjudicator;
using state_channel::Env;
using state_channel::FixedPart;
using state_channel::SignedState;
using state_channel::SupportInput;
using state_channel::VariablePart;

constexpr u64 u64_max = l2::u64_max;
constexpr u64 chain = 7;
constexpr u64 duration = 100;
constexpr u64 move_gas = 2000;  // game_channel.md#gas: enough for every accepted move

using Keys = l2::test::KeyPool<3>;
constexpr std::size_t alice = 0;  // participants[0], player A
constexpr std::size_t bob = 1;    // participants[1], player B

const Keys& keys() {
  static const Keys pool = Keys::make("game_channel_test");
  return pool;
}

Hash32 filled(u8 byte) {
  Hash32 h{};
  h.fill(byte);
  return h;
}

// The commitment of game_channel.md#commitment, from libsecp256k1's tagged hash.
Hash32 oracle_commitment(const Hash32& game_id, u64 round, u8 player, u8 move, const Hash32& salt) {
  Bytes message(game_id.begin(), game_id.end());
  for (int i = 7; i >= 0; --i) message.push_back(static_cast<u8>(round >> (8 * i)));
  message.push_back(player);
  message.push_back(move);
  message.insert(message.end(), salt.begin(), salt.end());
  EXPECT_EQ(message.size(), 74u);
  return l2::test::libsecp256k1::tagged_hash("L2/game_channel/commit", message);
}

const vm::ValidatedCode& program() {
  static const vm::ValidatedCode validated = vm::validate_code(gc::game_program(), vm::default_limits).value();
  return validated;
}

// Both judges on one move: the native error, and whether the bytecode accepts (with the gas of the
// adjudicator's deployment below).
struct Verdict {
  GameChannelError native;
  bool bytecode;
};

Verdict judge(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) {
  return {gc::check_move(fixed, from, to), vm::judge_move(program(), fixed, from, to, move_gas, vm::default_limits)};
}

#define EXPECT_ACCEPTED(fixed, from, to)                                  \
  do {                                                                    \
    const Verdict verdict_ = judge(fixed, from, to);                      \
    EXPECT_EQ(verdict_.native, GameChannelError::none)                    \
        << l2::error_info(verdict_.native).code;                          \
    EXPECT_TRUE(verdict_.bytecode) << "the bytecode rejects it";          \
  } while (false)

#define EXPECT_REJECTED(fixed, from, to, error)                           \
  do {                                                                    \
    const Verdict verdict_ = judge(fixed, from, to);                      \
    EXPECT_EQ(verdict_.native, error) << l2::error_info(verdict_.native).code; \
    EXPECT_FALSE(verdict_.bytecode) << "the bytecode accepts it";         \
  } while (false)

FixedPart game_fixed(std::size_t participants = 2) {
  FixedPart fixed{chain, filled(0xad), {}, 1, gc::game_app_definition(), duration};
  for (std::size_t i = 0; i < participants; ++i) fixed.participants.push_back(keys().pubkey[i]);
  return fixed;
}

gc::GameState game_of(const VariablePart& state) { return gc::decode_game(state.app_data); }

VariablePart with_game(VariablePart state, const gc::GameState& game) {
  state.app_data = gc::encode_game(game);
  return state;
}

// One player's secret for a round.
struct Secret {
  u8 move;
  Hash32 salt;
};

VariablePart must(const l2::Result<VariablePart, GameChannelError>& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : l2::error_info(r.error()).code);
  return r.ok() ? r.value() : VariablePart{};
}

gc::GameAction commit_action(const VariablePart& state, u64 player, const Secret& secret) {
  const gc::GameState game = game_of(state);
  return {player, oracle_commitment(game.game_id, game.round, static_cast<u8>(player), secret.move, secret.salt), 0, {}};
}

gc::GameAction reveal_action(u64 player, const Secret& secret) { return {player, {}, secret.move, secret.salt}; }

// The four states of a round after `start`, by execute: B commits, A commits, B reveals, A reveals.
std::vector<VariablePart> play_round(const VariablePart& start, const Secret& a, const Secret& b) {
  std::vector<VariablePart> states;
  states.push_back(must(gc::execute(commit_action(start, gc::player_b, b), start)));
  states.push_back(must(gc::execute(commit_action(states.back(), gc::player_a, a), states.back())));
  states.push_back(must(gc::execute(reveal_action(gc::player_b, b), states.back())));
  states.push_back(must(gc::execute(reveal_action(gc::player_a, a), states.back())));
  return states;
}

const Secret a_rock{gc::rock, filled(0xa1)};
const Secret a_paper{gc::paper, filled(0xa2)};
const Secret a_scissors{gc::scissors, filled(0xa3)};
const Secret b_rock{gc::rock, filled(0xb1)};
const Secret b_paper{gc::paper, filled(0xb2)};
const Secret b_scissors{gc::scissors, filled(0xb3)};

// ---- compile time ---------------------------------------------------------------------------------

// game_channel.md#round-result: rock 1 beats scissors 3, paper 2 beats rock 1, scissors 3 beats paper 2.
static_assert(gc::round_result(gc::rock, gc::scissors) == gc::result_a_wins);
static_assert(gc::round_result(gc::paper, gc::rock) == gc::result_a_wins);
static_assert(gc::round_result(gc::scissors, gc::paper) == gc::result_a_wins);
static_assert(gc::round_result(gc::scissors, gc::rock) == gc::result_b_wins);
static_assert(gc::round_result(gc::rock, gc::paper) == gc::result_b_wins);
static_assert(gc::round_result(gc::paper, gc::scissors) == gc::result_b_wins);
static_assert(gc::round_result(gc::paper, gc::paper) == gc::result_draw);
// B moves in phases 0 and 2, A in 1 and 3.
static_assert(gc::phase_player(0) == 1 && gc::phase_player(1) == 0 && gc::phase_player(2) == 1 && gc::phase_player(3) == 0);
static_assert(gc::validate_state(gc::opening_state(3, 10, Hash32{}, 100, 100)) == GameChannelError::none);
static_assert(gc::validate_state(gc::opening_state(0, 10, Hash32{}, 100, 100)) == GameChannelError::state_rounds);
static_assert(gc::execute({1, Hash32{}, 0, Hash32{}}, gc::opening_state(3, 10, Hash32{}, 100, 100)).ok());
static_assert(gc::execute({0, Hash32{}, 0, Hash32{}}, gc::opening_state(3, 10, Hash32{}, 100, 100)).error() ==
              GameChannelError::exec_player);

// ---- the spec's tables --------------------------------------------------------------------------

TEST(GameChannelErrors, EveryCodeIsARowOfTheSpecAndDistinct) {
  l2::test::expect_rule_table_matches(l2::all_game_channel_errors, "game_channel.md", "GC");
}

// The program's bytes and app_definition are the ones the spec publishes, and the definition is
// channel_vm.md#app_definition of those bytes (libsecp256k1's tagged hash).
TEST(GameChannelSpec, ProgramBytesAndDefinitionAreTheSpecs) {
  const std::string spec = l2::test::read_spec("game_channel.md");
  ASSERT_FALSE(spec.empty());
  const Bytes code = gc::game_program();
  const std::string begin = "<!-- program hex -->\n```\n";
  const std::size_t at = spec.find(begin);
  ASSERT_NE(at, std::string::npos);
  const std::size_t end = spec.find("```", at + begin.size());
  std::string hex;
  for (std::size_t i = at + begin.size(); i < end; ++i)
    if (spec[i] != '\n') hex.push_back(spec[i]);
  EXPECT_EQ(hex, l2::to_hex(code));
  const Hash32 definition = l2::test::libsecp256k1::tagged_hash("L2/channel_vm/app", code);
  EXPECT_EQ(gc::game_app_definition(), definition);
  EXPECT_NE(spec.find("`app_definition` = `" + l2::to_hex(definition) + "`"), std::string::npos);
  EXPECT_NE(spec.find("is " + std::to_string(code.size()) + " bytes"), std::string::npos);
  EXPECT_TRUE(vm::validate_code(code, vm::default_limits).ok());
}

// game_channel.md#layout: the offsets of enc(GameState), written field by field from the table.
TEST(GameChannelSpec, LayoutIsTheSpecs) {
  gc::GameState game{};
  game.rounds = 0x0101010101010101;
  game.stake = 0x0202020202020202;
  game.round = 0x0303030303030303;
  game.wins = {0x0404040404040404, 0x0505050505050505};
  game.game_id = filled(0x06);
  game.commitments = {filled(0x07), filled(0x08)};
  game.salts = {filled(0x09), filled(0x0a)};
  game.phase = 0x0b;
  game.moves = {0x0c, 0x0d};
  const Bytes data = gc::encode_game(game);
  ASSERT_EQ(data.size(), 203u);
  const struct {
    std::size_t offset, size;
    u8 byte;
  } fields[] = {{0, 8, 1},   {8, 8, 2},    {16, 8, 3},   {24, 8, 4},  {32, 8, 5},  {40, 32, 6}, {72, 32, 7},
                {104, 32, 8}, {136, 32, 9}, {168, 32, 10}, {200, 1, 11}, {201, 1, 12}, {202, 1, 13}};
  for (const auto& field : fields)
    for (std::size_t i = 0; i < field.size; ++i) EXPECT_EQ(data[field.offset + i], field.byte) << field.offset;
}

TEST(GameChannelSpec, CommitmentIsTheTaggedHashOfItsPreimage) {
  const Hash32 game_id = filled(0x42);
  EXPECT_EQ(gc::commitment(game_id, 5, 1, gc::paper, filled(0x99)), oracle_commitment(game_id, 5, 1, gc::paper, filled(0x99)));
  EXPECT_EQ(gc::commitment(game_id, u64_max, 0, gc::rock, filled(0x01)),
            oracle_commitment(game_id, u64_max, 0, gc::rock, filled(0x01)));
}

// ---- a whole game through the adjudicator -------------------------------------------------------

struct Table {
  Adjudicator adjudicator;
  FixedPart fixed;
  Hash32 id;
  VariablePart opening;
};

SignedState signed_by_all(const Table& t, const VariablePart& s) {
  const Hash32 digest = state_channel::state_digest(t.id, s);
  return SignedState{s, {keys().sign(alice, digest), keys().sign(bob, digest)}};
}

SignedState signed_by(const Table& t, const VariablePart& s, std::size_t key) {
  return SignedState{s, {keys().sign(key, state_channel::state_digest(t.id, s))}};
}

SignedState signed_by_mover(const Table& t, const VariablePart& s) { return signed_by(t, s, s.turn % 2); }

// A deployed adjudicator running the game's bytecode, a funded channel of Alice and Bob, two rounds
// at a stake of 10, each funding 100.
Table open_table(u64 rounds = 2) {
  Table t;
  const state_channel::StateChannelConfig config{10, 20, 1000, 4, 256, move_gas};
  const auto deployed = state_channel::deploy({chain, filled(0xad), config});
  EXPECT_TRUE(deployed.ok());
  const auto with_app = state_channel::DeployApp::apply(*deployed, {gc::game_program()}, Env{1});
  EXPECT_TRUE(with_app.ok());
  EXPECT_EQ(with_app->apps.size(), 1u);
  t.fixed = game_fixed();
  t.id = state_channel::channel_id(t.fixed);
  t.opening = gc::opening_state(rounds, 10, t.id, 100, 100);
  EXPECT_EQ(gc::validate_state(t.opening), GameChannelError::none);
  const auto opened = state_channel::Open::apply(*with_app, {t.fixed, signed_by_all(t, t.opening)}, Env{2});
  EXPECT_TRUE(opened.ok()) << l2::error_info(opened.error()).code;
  const auto a_paid = state_channel::Deposit::apply(*opened, {t.id, 0, 100}, Env{3});
  const auto b_paid = state_channel::Deposit::apply(*a_paid, {t.id, 1, 100}, Env{3});
  EXPECT_TRUE(b_paid.ok());
  t.adjudicator = *b_paid;
  return t;
}

const state_channel::Channel& channel(const Table& t) { return t.adjudicator.channels.at(0); }

// A move registered by checkpoint: the proof is the registered state, unsigned, and the move signed
// by its mover (game_channel.md#playing-on-chain).
l2::Result<Adjudicator, StateChannelError> checkpoint_move(const Table& t, const VariablePart& move, u64 height,
                                                           std::size_t signer) {
  return state_channel::Checkpoint::apply(t.adjudicator,
                                          SupportInput{t.id, {SignedState{channel(t).registered, {}}, signed_by(t, move, signer)}},
                                          Env{height});
}

void advance(Table& t, const l2::Result<Adjudicator, StateChannelError>& r) {
  ASSERT_TRUE(r.ok()) << l2::error_info(r.error()).code;
  t.adjudicator = *r;
}

// Round 0 on chain, a move at a time; round 1 off chain, its moves countersigned, with B's commit
// and A's commit registered in one checkpoint; then A, whose rock has lost to B's paper, refuses to
// reveal. B challenges on its reveal, A's late answers fail, and the channel pays B the round.
TEST(GameChannelGame, AWholeGameWithAForfeitPaysTheOutcome) {
  Table t = open_table();
  // Round 0: A rock against B scissors: A wins the stake, 10.
  const std::vector<VariablePart> round0 = play_round(t.opening, a_rock, b_scissors);
  const u64 expected_outcomes[4][2] = {{100, 100},   // B committed: nothing at stake yet
                                       {110, 90},    // A committed: B must reveal, its stake provisionally A's
                                       {90, 110},    // B revealed: A must reveal, its stake provisionally B's
                                       {110, 90}};   // A revealed: A won, 100 + 10 and 100 - 10
  for (std::size_t i = 0; i < round0.size(); ++i) {
    EXPECT_EQ(round0[i].outcome, (std::vector<u64>{expected_outcomes[i][0], expected_outcomes[i][1]})) << i;
    EXPECT_EQ(round0[i].turn, i + 1);
    // The move's mover is the player of the phase: B, A, B, A.
    const std::size_t mover = i % 2 == 0 ? bob : alice;
    // Signed by the other player, the move is out of turn.
    EXPECT_EQ(checkpoint_move(t, round0[i], 10 + i, mover ^ 1).error(), StateChannelError::support_mover_signature);
    advance(t, checkpoint_move(t, round0[i], 10 + i, mover));
    EXPECT_EQ(channel(t).registered.turn, i + 1);
  }
  const gc::GameState after_round0 = game_of(channel(t).registered);
  EXPECT_EQ(after_round0.round, 1u);
  EXPECT_EQ(after_round0.wins, (std::array<u64, 2>{1, 0}));
  EXPECT_EQ(after_round0.phase, gc::phase_commit_b);

  // Round 1: B commits paper, A commits rock, off chain. B countersigns A's commit only after A
  // countersigned B's: the checkpoint proves A's commit from B's, signed by all.
  const VariablePart b_commit = must(gc::execute(commit_action(round0.back(), gc::player_b, b_paper), round0.back()));
  const VariablePart a_commit = must(gc::execute(commit_action(b_commit, gc::player_a, a_rock), b_commit));
  advance(t, state_channel::Checkpoint::apply(
                 t.adjudicator, SupportInput{t.id, {signed_by_all(t, b_commit), signed_by_mover(t, a_commit)}}, Env{20}));
  EXPECT_EQ(channel(t).registered.turn, 6u);
  EXPECT_EQ(channel(t).registered.outcome, (std::vector<u64>{120, 80}));  // B must reveal: 110 + 10, 90 - 10
  const VariablePart b_reveal = must(gc::execute(reveal_action(gc::player_b, b_paper), a_commit));
  EXPECT_EQ(b_reveal.outcome, (std::vector<u64>{100, 100}));  // A must reveal: 110 - 10, 90 + 10

  // A sees paper beat its rock and stops. B challenges on its reveal, a move from the registered state.
  const state_channel::ChallengeInput challenge{t.id, {SignedState{a_commit, {}}, signed_by_mover(t, b_reveal)}, bob,
                                                keys().sign(bob, state_channel::challenge_digest(t.id, b_reveal))};
  advance(t, state_channel::Challenge::apply(t.adjudicator, challenge, Env{30}));
  EXPECT_EQ(channel(t).phase, state_channel::ChannelPhase::challenge);
  EXPECT_EQ(channel(t).finalizes_at, 30 + duration);

  // A cannot answer with another move than the rock it committed to: the bytecode refuses it.
  const gc::GameState revealed = game_of(b_reveal);
  gc::GameState lying = revealed;
  lying.moves[gc::player_a] = gc::scissors;  // scissors would beat B's paper
  lying.salts[gc::player_a] = a_rock.salt;
  lying.round = 2;
  lying.phase = gc::phase_done;
  lying.wins = {2, 0};
  VariablePart lie{8, gc::encode_game(lying), {120, 80}, false};
  EXPECT_EQ(gc::check_move(t.fixed, b_reveal, lie), GameChannelError::reveal_opening);
  EXPECT_EQ(state_channel::Respond::apply(t.adjudicator, SupportInput{t.id, {SignedState{b_reveal, {}}, signed_by_mover(t, lie)}},
                                          Env{40})
                .error(),
            StateChannelError::support_app);
  // Nor withdraw before the window closes; after it (height 130), a response is late.
  EXPECT_EQ(state_channel::Withdraw::apply(t.adjudicator, {t.id, 0}, Env{129}).error(),
            StateChannelError::withdraw_not_finalized);
  const VariablePart honest_reveal = must(gc::execute(reveal_action(gc::player_a, a_rock), b_reveal));
  EXPECT_EQ(state_channel::Respond::apply(t.adjudicator,
                                          SupportInput{t.id, {SignedState{b_reveal, {}}, signed_by_mover(t, honest_reveal)}},
                                          Env{130})
                .error(),
            StateChannelError::respond_late);

  // The forfeit: the channel pays B's reveal's outcome, A having lost round 1's stake.
  const auto a_out = state_channel::Withdraw::apply(t.adjudicator, {t.id, 0}, Env{130});
  ASSERT_TRUE(a_out.ok());
  const auto b_out = state_channel::Withdraw::apply(*a_out, {t.id, 1}, Env{130});
  ASSERT_TRUE(b_out.ok());
  const state_channel::Channel& paid = b_out->channels[0];
  EXPECT_EQ(state_channel::payout(paid, 0), 100u);  // 100 + 10 (round 0) - 10 (forfeit of round 1)
  EXPECT_EQ(state_channel::payout(paid, 1), 100u);  // 100 - 10 + 10
  EXPECT_EQ(state_channel::held(paid), 0u);
}

// The honest end: the last reveal ends the game (phase done); both sign it as final and conclude,
// or anyone challenges on it and nobody can answer, since no move follows a finished game.
TEST(GameChannelGame, TheLastRevealEndsTheGameAndConcludes) {
  Table t = open_table(1);
  const std::vector<VariablePart> round0 = play_round(t.opening, a_paper, b_scissors);  // B wins
  for (std::size_t i = 0; i < round0.size(); ++i) advance(t, checkpoint_move(t, round0[i], 10 + i, i % 2 == 0 ? bob : alice));
  const VariablePart done = channel(t).registered;
  EXPECT_EQ(game_of(done).phase, gc::phase_done);
  EXPECT_EQ(done.outcome, (std::vector<u64>{90, 110}));
  EXPECT_EQ(gc::validate_state(done), GameChannelError::none);
  // No move follows it: a B commit of a next round is refused.
  gc::GameState next_round = game_of(done);
  next_round.phase = gc::phase_commit_a;
  const VariablePart beyond{done.turn + 1, gc::encode_game(next_round), done.outcome, false};
  EXPECT_REJECTED(t.fixed, done, beyond, GameChannelError::game_over);
  // Final, signed by all, it concludes.
  VariablePart final_state = done;
  final_state.is_final = true;
  EXPECT_EQ(gc::validate_state(final_state), GameChannelError::none);
  const auto concluded = state_channel::Conclude::apply(t.adjudicator, {t.id, signed_by_all(t, final_state)}, Env{50});
  ASSERT_TRUE(concluded.ok()) << l2::error_info(concluded.error()).code;
  EXPECT_EQ(state_channel::payout(concluded->channels[0], 0), 90u);
  EXPECT_EQ(state_channel::payout(concluded->channels[0], 1), 110u);
}

// ---- the attacks --------------------------------------------------------------------------------

// A reveal whose move or salt is not the committed one is refused, on chain and by both judges.
TEST(GameChannelAttacks, RevealThatDoesNotOpenItsCommitmentIsRejected) {
  Table t = open_table();
  const std::vector<VariablePart> round0 = play_round(t.opening, a_rock, b_scissors);
  advance(t, checkpoint_move(t, round0[0], 10, bob));
  advance(t, checkpoint_move(t, round0[1], 11, alice));
  // B committed scissors: it reveals rock with its salt, or scissors with another salt.
  for (const Secret& claim : {Secret{gc::rock, b_scissors.salt}, Secret{gc::scissors, filled(0xee)}}) {
    gc::GameState game = game_of(round0[2]);
    game.moves[gc::player_b] = claim.move;
    game.salts[gc::player_b] = claim.salt;
    const VariablePart forged{3, gc::encode_game(game), round0[2].outcome, false};
    EXPECT_REJECTED(t.fixed, round0[1], forged, GameChannelError::reveal_opening);
    EXPECT_EQ(checkpoint_move(t, forged, 12, bob).error(), StateChannelError::support_app);
    EXPECT_EQ(gc::execute(reveal_action(gc::player_b, claim), round0[1]).error(), GameChannelError::reveal_opening);
  }
  advance(t, checkpoint_move(t, round0[2], 12, bob));
}

// A move out of turn: signed by the wrong player (the adjudicator), or in a phase that is not its
// mover's (the application).
TEST(GameChannelAttacks, MoveOutOfTurnIsRejected) {
  Table t = open_table();
  const VariablePart b_commit = must(gc::execute(commit_action(t.opening, gc::player_b, b_rock), t.opening));
  // Alice signs the first commit, which is Bob's turn (turn 1).
  EXPECT_EQ(checkpoint_move(t, b_commit, 10, alice).error(), StateChannelError::support_mover_signature);
  // An opening whose turn parity disagrees with its phase: turn 1 would be B's, the phase says A.
  gc::GameState game = game_of(t.opening);
  game.phase = gc::phase_commit_a;
  const VariablePart skewed = with_game(t.opening, game);
  gc::GameState committed = game;
  committed.commitments[gc::player_a] = filled(0x33);
  committed.phase = gc::phase_reveal_b;
  const VariablePart a_commit{1, gc::encode_game(committed), {110, 90}, false};
  EXPECT_REJECTED(t.fixed, skewed, a_commit, GameChannelError::wrong_mover);
  // In execute, the action of the player whose turn it is not.
  EXPECT_EQ(gc::execute(commit_action(t.opening, gc::player_a, a_rock), t.opening).error(), GameChannelError::exec_player);
}

// B's round-0 commitment, replayed in round 1, cannot be opened by its round-0 preimage (which B's
// round-0 reveal made public); nor can A open a copy of B's commitment. Each replayer forfeits.
TEST(GameChannelAttacks, CommitmentReplayedFromAnEarlierRoundIsRejected) {
  Table t = open_table();
  const std::vector<VariablePart> round0 = play_round(t.opening, a_rock, b_scissors);
  for (std::size_t i = 0; i < round0.size(); ++i) advance(t, checkpoint_move(t, round0[i], 10 + i, i % 2 == 0 ? bob : alice));
  const Hash32 round0_commitment_b = game_of(round0[0]).commitments[gc::player_b];
  // Round 1: B commits its round-0 commitment again; A commits.
  const VariablePart replay = must(gc::execute({gc::player_b, round0_commitment_b, 0, {}}, round0.back()));
  const VariablePart a_commit = must(gc::execute(commit_action(replay, gc::player_a, a_paper), replay));
  advance(t, checkpoint_move(t, replay, 20, bob));
  advance(t, checkpoint_move(t, a_commit, 21, alice));
  // B's reveal of scissors with the round-0 salt: the commitment binds round 0, not 1.
  EXPECT_EQ(gc::execute(reveal_action(gc::player_b, b_scissors), a_commit).error(), GameChannelError::reveal_opening);
  gc::GameState game = game_of(a_commit);
  game.moves[gc::player_b] = b_scissors.move;
  game.salts[gc::player_b] = b_scissors.salt;
  game.phase = gc::phase_reveal_a;
  const VariablePart replayed_reveal{a_commit.turn + 1, gc::encode_game(game), {100, 100}, false};
  EXPECT_REJECTED(t.fixed, a_commit, replayed_reveal, GameChannelError::reveal_opening);
  EXPECT_EQ(checkpoint_move(t, replayed_reveal, 22, bob).error(), StateChannelError::support_app);
  // The registered state (A's commit) pays B's stake to A: 110 + 10, 90 - 10, if B stays silent.
  EXPECT_EQ(channel(t).registered.outcome, (std::vector<u64>{120, 80}));

  // The copy: in a fresh round 1, A commits exactly B's commitment, and learns B's preimage at B's
  // reveal; opening it as A's fails, since the commitment binds the player.
  const VariablePart b_commit = must(gc::execute(commit_action(round0.back(), gc::player_b, b_rock), round0.back()));
  const VariablePart copy = must(gc::execute({gc::player_a, game_of(b_commit).commitments[gc::player_b], 0, {}}, b_commit));
  const VariablePart b_reveal = must(gc::execute(reveal_action(gc::player_b, b_rock), copy));
  EXPECT_EQ(gc::execute(reveal_action(gc::player_a, b_rock), b_reveal).error(), GameChannelError::reveal_opening);
}

// ---- every rule at its boundary -----------------------------------------------------------------

// A position for each phase: the states of round 1 of a three-round game at stake 10 after A won
// round 0 (outcome 110 / 90), with its valid next state.
struct Positions {
  FixedPart fixed = game_fixed();
  std::vector<VariablePart> states;  // states[k] -> states[k + 1] is a valid move; states[4] starts round 1
};

Positions positions() {
  Positions p;
  const VariablePart opening = gc::opening_state(3, 10, filled(0x61), 100, 100);
  p.states.push_back(opening);
  for (const VariablePart& s : play_round(opening, a_rock, b_scissors)) p.states.push_back(s);
  for (const VariablePart& s : play_round(p.states.back(), a_paper, b_paper)) p.states.push_back(s);
  return p;
}

TEST(GameChannelRules, HonestMovesAreAcceptedByBoth) {
  const Positions p = positions();
  ASSERT_EQ(p.states.size(), 9u);
  for (std::size_t k = 0; k + 1 < p.states.size(); ++k) EXPECT_ACCEPTED(p.fixed, p.states[k], p.states[k + 1]);
  // Round 1 was a draw: the outcome is round 0's, 110 / 90.
  EXPECT_EQ(p.states[8].outcome, (std::vector<u64>{110, 90}));
  EXPECT_EQ(game_of(p.states[8]).wins, (std::array<u64, 2>{1, 0}));
  EXPECT_EQ(game_of(p.states[8]).round, 2u);
}

TEST(GameChannelRules, MoveRulesAtTheirBoundaries) {
  const Positions p = positions();
  const VariablePart& from = p.states[4];  // round 1, B to commit
  const VariablePart& to = p.states[5];
  // GC-MOVE-1: two participants, not one or three.
  EXPECT_ACCEPTED(game_fixed(2), from, to);
  EXPECT_REJECTED(game_fixed(3), from, to, GameChannelError::participants);
  EXPECT_REJECTED(game_fixed(1), from, to, GameChannelError::participants);
  // GC-MOVE-2: to.turn = from.turn + 1, not + 2 or + 0; nor from turn 2^64 - 1.
  VariablePart skip = to;
  skip.turn += 1;
  EXPECT_REJECTED(p.fixed, from, skip, GameChannelError::turn);
  VariablePart same = to;
  same.turn = from.turn;
  EXPECT_REJECTED(p.fixed, from, same, GameChannelError::turn);
  VariablePart last_from = from, wrapped_to = to;
  last_from.turn = u64_max;
  wrapped_to.turn = 0;
  EXPECT_REJECTED(p.fixed, last_from, wrapped_to, GameChannelError::turn);
  // GC-MOVE-3: 203 bytes each, not 202 or 204.
  VariablePart longer = to, shorter = from;
  longer.app_data.push_back(0);
  shorter.app_data.pop_back();
  EXPECT_REJECTED(p.fixed, from, longer, GameChannelError::data_size);
  EXPECT_REJECTED(p.fixed, shorter, to, GameChannelError::data_size);
  // GC-MOVE-4: entries 0 and 1; a third is read by neither judge (the adjudicator's SC-STATE-1 refuses it).
  VariablePart one_entry = to, three_entries_from = from, three_entries_to = to;
  one_entry.outcome.pop_back();
  three_entries_from.outcome.push_back(5);
  three_entries_to.outcome.push_back(6);
  EXPECT_REJECTED(p.fixed, from, one_entry, GameChannelError::outcome_size);
  EXPECT_ACCEPTED(p.fixed, three_entries_from, three_entries_to);
  // GC-MOVE-5: from final.
  VariablePart final_from = from;
  final_from.is_final = true;
  EXPECT_REJECTED(p.fixed, final_from, to, GameChannelError::from_final);
  // GC-MOVE-6: the last round (round = rounds - 1) may start; at round = rounds the game is over.
  gc::GameState last_round = game_of(from), over = game_of(from);
  last_round.rounds = 2;  // round 1 of 2
  over.rounds = 1;        // round 1 of 1
  gc::GameState last_round_to = game_of(to);
  last_round_to.rounds = 2;
  EXPECT_ACCEPTED(p.fixed, with_game(from, last_round), with_game(to, last_round_to));
  last_round_to.rounds = 1;
  EXPECT_REJECTED(p.fixed, with_game(from, over), with_game(to, last_round_to), GameChannelError::game_over);
  // ... and phase 3 moves, phase 4 does not.
  gc::GameState done = game_of(p.states[7]);
  done.phase = gc::phase_done;
  EXPECT_ACCEPTED(p.fixed, p.states[7], p.states[8]);
  EXPECT_REJECTED(p.fixed, with_game(p.states[7], done), p.states[8], GameChannelError::game_over);
  // GC-MOVE-7: the same move one turn later is the other participant's.
  VariablePart late_from = from, late_to = to;
  late_from.turn += 1;
  late_to.turn += 1;
  EXPECT_REJECTED(p.fixed, late_from, late_to, GameChannelError::wrong_mover);
}

TEST(GameChannelRules, CommitAndRevealRulesAtTheirBoundaries) {
  const Positions p = positions();
  // GC-COMMIT-1: each outcome covers the stake of 10: 10 is enough, 9 is not (both commit phases).
  for (const std::size_t k : {std::size_t{4}, std::size_t{5}}) {
    for (const std::size_t player : {std::size_t{0}, std::size_t{1}}) {
      VariablePart from = p.states[k], to = p.states[k + 1];
      const u64 other = from.outcome[player ^ 1] + from.outcome[player] - 10;
      from.outcome[player] = 10;
      from.outcome[player ^ 1] = other;
      // The commit of phase 1 moves the stake from B to A; phase 0 moves nothing.
      to.outcome = k == 4 ? from.outcome : std::vector<u64>{from.outcome[0] + 10, from.outcome[1] - 10};
      EXPECT_ACCEPTED(p.fixed, from, to);
      from.outcome[player] = 9;
      from.outcome[player ^ 1] = other + 1;
      to.outcome = k == 4 ? from.outcome : std::vector<u64>{from.outcome[0] + 10, from.outcome[1] - 10};
      EXPECT_REJECTED(p.fixed, from, to, GameChannelError::stake_uncovered);
    }
  }
  // GC-REVEAL-1: moves 1 and 3 are moves; 0 and 4 are not (each committed, so only this rule fails).
  const VariablePart& before_reveal = p.states[6];  // round 1, B to reveal
  for (const u8 move : {u8{0}, u8{1}, u8{3}, u8{4}}) {
    gc::GameState game = game_of(before_reveal);
    game.commitments[gc::player_b] = gc::commitment(game.game_id, game.round, gc::player_b, move, filled(0x77));
    const VariablePart from = with_game(before_reveal, game);
    gc::GameState next = game;
    next.moves[gc::player_b] = move;
    next.salts[gc::player_b] = filled(0x77);
    next.phase = gc::phase_reveal_a;
    const VariablePart to{from.turn + 1, gc::encode_game(next), {100, 100}, false};  // 120 - 20, 80 + 20
    if (move == 1 || move == 3) {
      EXPECT_ACCEPTED(p.fixed, from, to);
    } else {
      EXPECT_REJECTED(p.fixed, from, to, GameChannelError::reveal_move);
    }
  }
  // GC-REVEAL-2: one bit of the salt.
  gc::GameState flipped = game_of(p.states[7]);
  flipped.salts[gc::player_b][31] ^= 1;
  EXPECT_REJECTED(p.fixed, p.states[6], with_game(p.states[7], flipped), GameChannelError::reveal_opening);
}

TEST(GameChannelRules, NextStateRulesAtTheirBoundaries) {
  const Positions p = positions();
  // GC-NEXT-1: every byte the mover does not choose is fixed; one bit of any of them is refused.
  for (std::size_t k = 0; k + 1 < p.states.size(); ++k) {
    const u8 phase = game_of(p.states[k]).phase;
    for (std::size_t offset = 0; offset < 203; offset += 7) {
      const u64 player = gc::phase_player(phase);
      const bool chosen = phase <= 1 ? (offset >= 72 + 32 * player && offset < 104 + 32 * player)
                                     : (offset == 201 + player || (offset >= 136 + 32 * player && offset < 168 + 32 * player));
      VariablePart to = p.states[k + 1];
      to.app_data[offset] ^= 0x10;
      if (chosen) continue;  // the mover's own field: another commitment or opening, other rules
      EXPECT_REJECTED(p.fixed, p.states[k], to, GameChannelError::next_app_data);
    }
  }
  // GC-NEXT-2: each amount exactly; one more or one less is refused.
  for (std::size_t k = 0; k + 1 < p.states.size(); ++k) {
    VariablePart more = p.states[k + 1], less = p.states[k + 1];
    more.outcome[0] += 1;
    less.outcome[1] -= 1;
    EXPECT_REJECTED(p.fixed, p.states[k], more, GameChannelError::next_outcome);
    EXPECT_REJECTED(p.fixed, p.states[k], less, GameChannelError::next_outcome);
  }
  // GC-NEXT-2 at the u64 boundary: B's reveal takes 2 stakes from A: A holding exactly 20 reaches 0;
  // 19 cannot pay them (the committed outcome below is what a wrapping implementation would write).
  for (const u64 a_amount : {u64{20}, u64{19}}) {
    VariablePart from = p.states[6], to = p.states[7];
    from.outcome = {a_amount, 200 - a_amount};
    to.outcome = {a_amount - 20, 220 - a_amount};
    if (a_amount == 20) {
      EXPECT_ACCEPTED(p.fixed, from, to);
    } else {
      EXPECT_REJECTED(p.fixed, from, to, GameChannelError::next_outcome);
    }
  }
  // ... and B's side: 2^64 - 1 - 20 plus 20 is 2^64 - 1; one more overflows.
  for (const u64 b_amount : {u64_max - 20, u64_max - 19}) {
    VariablePart from = p.states[6], to = p.states[7];
    from.outcome = {100, b_amount};
    to.outcome = {80, b_amount + 20};  // wraps for the second
    if (b_amount == u64_max - 20) {
      EXPECT_ACCEPTED(p.fixed, from, to);
    } else {
      EXPECT_REJECTED(p.fixed, from, to, GameChannelError::next_outcome);
    }
  }
  // GC-NEXT-1 at the u64 boundary: A's score at 2^64 - 2 wins a round; at 2^64 - 1 it cannot.
  {
    const VariablePart opening = gc::opening_state(1, 10, filled(0x62), 100, 100);
    for (const u64 wins : {u64_max - 1, u64_max}) {
      gc::GameState game = game_of(opening);
      game.wins[gc::player_a] = wins;
      const VariablePart start = with_game(opening, game);
      const VariablePart c1 = must(gc::execute(commit_action(start, gc::player_b, b_scissors), start));
      const VariablePart c2 = must(gc::execute(commit_action(c1, gc::player_a, a_rock), c1));
      const VariablePart r1 = must(gc::execute(reveal_action(gc::player_b, b_scissors), c2));
      const auto r2 = gc::execute(reveal_action(gc::player_a, a_rock), r1);
      gc::GameState won = game_of(r1);
      won.moves[gc::player_a] = a_rock.move;
      won.salts[gc::player_a] = a_rock.salt;
      won.round = 1;
      won.phase = gc::phase_done;
      won.wins[gc::player_a] = wins + 1;  // wraps to 0 for the second
      const VariablePart to{r1.turn + 1, gc::encode_game(won), {110, 90}, false};
      if (wins == u64_max - 1) {
        EXPECT_TRUE(r2.ok());
        EXPECT_ACCEPTED(game_fixed(), r1, to);
      } else {
        EXPECT_EQ(r2.error(), GameChannelError::next_app_data);
        EXPECT_REJECTED(game_fixed(), r1, to, GameChannelError::next_app_data);
      }
    }
  }
  // GC-NEXT-3: final on the move that ends the game (the last round's reveal), not before it.
  gc::GameState last = game_of(p.states[7]);
  last.rounds = 2;
  gc::GameState last_to = game_of(p.states[8]);
  last_to.rounds = 2;
  last_to.phase = gc::phase_done;
  VariablePart ending = with_game(p.states[8], last_to);
  ending.is_final = true;
  EXPECT_ACCEPTED(p.fixed, with_game(p.states[7], last), ending);
  VariablePart early_final = p.states[8];
  early_final.is_final = true;
  EXPECT_REJECTED(p.fixed, p.states[7], early_final, GameChannelError::next_final);
}

// The outcome of each phase (game_channel.md#outcome), from 100 / 100 at stake 10, for each result.
TEST(GameChannelRules, OutcomeOfEveryResult) {
  const VariablePart opening = gc::opening_state(1, 10, filled(0x63), 100, 100);
  struct Row {
    Secret a, b;
    u64 final_a, final_b, wins_a, wins_b;
  } rows[] = {
      {a_rock, b_scissors, 110, 90, 1, 0},  {a_paper, b_rock, 110, 90, 1, 0},    {a_scissors, b_paper, 110, 90, 1, 0},
      {a_scissors, b_rock, 90, 110, 0, 1},  {a_rock, b_paper, 90, 110, 0, 1},    {a_paper, b_scissors, 90, 110, 0, 1},
      {a_rock, b_rock, 100, 100, 0, 0},     {a_paper, b_paper, 100, 100, 0, 0},  {a_scissors, b_scissors, 100, 100, 0, 0}};
  for (const Row& row : rows) {
    const std::vector<VariablePart> states = play_round(opening, row.a, row.b);
    EXPECT_EQ(states[3].outcome, (std::vector<u64>{row.final_a, row.final_b})) << int{row.a.move} << int{row.b.move};
    EXPECT_EQ(game_of(states[3]).wins, (std::array<u64, 2>{row.wins_a, row.wins_b}));
    EXPECT_ACCEPTED(game_fixed(), states[2], states[3]);
  }
}

TEST(GameChannelContract, ValidateStateRulesAtTheirBoundaries) {
  const VariablePart opening = gc::opening_state(2, 10, filled(0x64), 100, 100);
  EXPECT_EQ(gc::validate_state(opening), GameChannelError::none);
  VariablePart s = opening;
  s.app_data.push_back(0);
  EXPECT_EQ(gc::validate_state(s), GameChannelError::state_data_size);  // GC-STATE-1
  s = opening;
  s.outcome.push_back(0);
  EXPECT_EQ(gc::validate_state(s), GameChannelError::state_outcome);  // GC-STATE-2
  const auto with = [&](auto change) {
    gc::GameState game = game_of(opening);
    change(game);
    return gc::validate_state(with_game(opening, game));
  };
  // GC-STATE-3: rounds >= 1; round <= rounds (round = rounds only when done).
  EXPECT_EQ(with([](gc::GameState& g) { g.rounds = 0; }), GameChannelError::state_rounds);
  EXPECT_EQ(with([](gc::GameState& g) { g.rounds = 1; }), GameChannelError::none);
  EXPECT_EQ(with([](gc::GameState& g) { g.round = 2; g.phase = 4; }), GameChannelError::none);
  EXPECT_EQ(with([](gc::GameState& g) { g.round = 3; g.phase = 4; }), GameChannelError::state_rounds);
  // GC-STATE-4: phase 4 exactly when every round is played; nothing above 4.
  EXPECT_EQ(with([](gc::GameState& g) { g.phase = 3; }), GameChannelError::none);
  EXPECT_EQ(with([](gc::GameState& g) { g.phase = 4; }), GameChannelError::state_phase);
  EXPECT_EQ(with([](gc::GameState& g) { g.round = 2; g.phase = 0; }), GameChannelError::state_phase);
  EXPECT_EQ(with([](gc::GameState& g) { g.round = 2; g.phase = 5; }), GameChannelError::state_phase);
  // GC-STATE-5: move bytes 0..3.
  EXPECT_EQ(with([](gc::GameState& g) { g.moves = {3, 3}; }), GameChannelError::none);
  EXPECT_EQ(with([](gc::GameState& g) { g.moves = {0, 4}; }), GameChannelError::state_moves);
  // GC-STATE-6: the scores at most the rounds played, without overflow.
  EXPECT_EQ(with([](gc::GameState& g) { g.round = 1; g.wins = {1, 0}; }), GameChannelError::none);
  EXPECT_EQ(with([](gc::GameState& g) { g.round = 1; g.wins = {1, 1}; }), GameChannelError::state_scores);
  EXPECT_EQ(with([](gc::GameState& g) { g.round = 1; g.wins = {u64_max, 2}; }), GameChannelError::state_scores);
  // GC-STATE-7: final only when done.
  VariablePart final_opening = opening;
  final_opening.is_final = true;
  EXPECT_EQ(gc::validate_state(final_opening), GameChannelError::state_final);
}

TEST(GameChannelContract, ExecuteRefusesWhatNoMoveCanFollow) {
  const VariablePart opening = gc::opening_state(1, 10, filled(0x65), 100, 100);
  VariablePart s = opening;
  s.app_data.pop_back();
  EXPECT_EQ(gc::execute(commit_action(opening, 1, b_rock), s).error(), GameChannelError::data_size);
  s = opening;
  s.outcome = {100};
  EXPECT_EQ(gc::execute(commit_action(opening, 1, b_rock), s).error(), GameChannelError::outcome_size);
  gc::GameState over = game_of(opening);
  over.round = 1;
  over.phase = gc::phase_done;
  EXPECT_EQ(gc::execute(commit_action(opening, 1, b_rock), with_game(opening, over)).error(), GameChannelError::game_over);
  // GC-EXEC-1: player 1 (B) commits first; player 0 (A) is refused, and so is an index past the players.
  EXPECT_TRUE(gc::execute(commit_action(opening, 1, b_rock), opening).ok());
  EXPECT_EQ(gc::execute(commit_action(opening, 0, a_rock), opening).error(), GameChannelError::exec_player);
  EXPECT_EQ(gc::execute({2, filled(1), 0, {}}, opening).error(), GameChannelError::exec_player);
  // B's commit when B's outcome cannot cover the stake.
  VariablePart poor = opening;
  poor.outcome = {191, 9};
  EXPECT_EQ(gc::execute(commit_action(opening, 1, b_rock), poor).error(), GameChannelError::stake_uncovered);
}

TEST(GameChannelContract, StateHashIsTaggedAndBindsEveryField) {
  const VariablePart opening = gc::opening_state(1, 10, filled(0x66), 100, 100);
  EXPECT_EQ(gc::compute_state_hash(opening),
            l2::test::libsecp256k1::tagged_hash("L2/game_channel/state", l2::reflect::encode(opening)));
  VariablePart other = opening;
  other.turn = 1;
  EXPECT_NE(gc::compute_state_hash(other), gc::compute_state_hash(opening));
  other = opening;
  other.is_final = true;
  EXPECT_NE(gc::compute_state_hash(other), gc::compute_state_hash(opening));
}

}  // namespace
