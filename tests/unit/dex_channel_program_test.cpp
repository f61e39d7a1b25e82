// The DEX channel's bytecode twin (dex_channel.md#the-bytecode): its bytes and app_definition are
// the ones the spec publishes; it validates under the default limits; the largest moves of its
// domain are judged, within the spec's gas bound and the adjudicator's largest move_gas_limit
// where the spec says they are; and an adjudicator that deployed it runs a DEX channel.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "l2/ref/channel_vm.hpp"
#include "l2/ref/dex_channel.hpp"
#include "l2/ref/dex_channel_program.hpp"
#include "l2/ref/state_channel.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

using l2::Bytes;
using l2::DexChannelError;
using l2::Hash32;
using l2::u64;
using l2::u8;
namespace dx = l2::ref::dex_channel;
namespace vm = l2::ref::channel_vm;
namespace state_channel = l2::ref::state_channel;
using dx::DexAction;
using dx::DexData;
using dx::DexState;
using dx::Order;
using dx::OrderSide;
using dx::Position;
using state_channel::FixedPart;
using state_channel::VariablePart;

constexpr u64 move_gas = u64{1} << 24;  // state_channel.md: the largest move_gas_limit

const vm::ValidatedCode& program() {
  static const vm::ValidatedCode validated = vm::validate_code(dx::dex_program(), vm::default_limits).value();
  return validated;
}

FixedPart fixed_of(std::size_t n) {
  FixedPart fixed{};
  for (std::size_t i = 0; i < n; ++i) {
    Hash32 key{};
    key[0] = static_cast<u8>(i >> 8);
    key[1] = static_cast<u8>(i);
    fixed.participants.push_back(key);
  }
  fixed.app_definition = dx::dex_vm_app_definition();
  return fixed;
}

// The gas an accepted run used; u64_max when the VM does not accept.
u64 gas_of(const FixedPart& fixed, const VariablePart& from, const VariablePart& to, u64 gas_limit = move_gas) {
  const vm::MoveContext context{fixed, from, to, state_channel::mover_index(fixed, to.turn)};
  const auto run = vm::run(program(), context, gas_limit, vm::default_limits);
  return run.ok() && run->halt == vm::Halt::accept ? run->gas_used : l2::u64_max;
}

VariablePart state_of(const DexState& s, u64 turn) {
  return VariablePart{turn, dx::encode_data(DexData{DexAction{}, s}), dx::claims_a(s), false};
}

// The program's bytes and app_definition are the ones the spec publishes, and the definition is
// channel_vm.md#app_definition of those bytes (libsecp256k1's tagged hash).
TEST(DexChannelProgramSpec, ProgramBytesAndDefinitionAreTheSpecs) {
  const std::string spec = l2::test::read_spec("dex_channel.md");
  ASSERT_FALSE(spec.empty());
  const Bytes code = dx::dex_program();
  const std::string begin = "<!-- program hex -->\n```\n";
  const std::size_t at = spec.find(begin);
  ASSERT_NE(at, std::string::npos);
  const std::size_t end = spec.find("```", at + begin.size());
  std::string hex;
  for (std::size_t i = at + begin.size(); i < end; ++i)
    if (spec[i] != '\n') hex.push_back(spec[i]);
  EXPECT_EQ(hex, l2::to_hex(code));
  const Hash32 definition = l2::test::libsecp256k1::tagged_hash("L2/channel_vm/app", code);
  EXPECT_EQ(dx::dex_vm_app_definition(), definition);
  EXPECT_NE(spec.find("`app_definition` = `" + l2::to_hex(definition) + "`"), std::string::npos);
  EXPECT_NE(spec.find("is " + std::to_string(code.size()) + " bytes"), std::string::npos);
  EXPECT_TRUE(vm::validate_code(code, vm::default_limits).ok());
  EXPECT_NE(dx::dex_vm_app_definition(), dx::dex_app_definition());
}

// The most participants whose positions fit 65536 bytes (n = 2727, 24 bytes each), every one an
// LP of a funded pool: each claim is a verified quotient, the costliest loop of a move that is not
// a match. It is judged within the bound, and the bound is within 2^24.
TEST(DexChannelProgramGas, TheMostParticipantsAreJudgedWithinTheBound) {
  const std::size_t n = 2727;
  DexState s{};
  s.fee_bps = 30;
  s.lot_b = 10;
  for (std::size_t i = 0; i < n; ++i) s.positions.push_back(Position{1000 + i, 1000, 1000 + 7 * i});
  u64 held = 0;
  for (const Position& p : s.positions) held += p.shares;
  s.total_shares = held + 1000;
  s.reserve_a = 123456789;
  s.reserve_b = 987654321;
  s.pool_creator = 5;
  ASSERT_EQ(dx::validate_state(s, n), DexChannelError::none);
  const FixedPart fixed = fixed_of(n);
  const VariablePart from = state_of(s, 3);
  ASSERT_LE(from.app_data.size(), dx::program_detail::max_from_bytes);
  const auto to = dx::make_move(fixed, from, DexAction{});
  ASSERT_TRUE(to.ok());
  const u64 bound = dx::dex_program_gas_bound(n, 0, 0, from.app_data.size());
  const u64 gas = gas_of(fixed, from, *to);
  EXPECT_LE(gas, bound);
  EXPECT_LE(bound, move_gas);
  EXPECT_TRUE(vm::judge_move(program(), fixed, from, *to, bound, vm::default_limits));
}

// Two participants and the most orders that fit 65536 bytes (1982 of 33 bytes): a pass, a cancel
// of the last order and a match of one fill are judged within the bound, itself within 2^24.
TEST(DexChannelProgramGas, TheLargestBookIsJudgedWithinTheBound) {
  DexState s{};
  s.fee_bps = 30;
  s.lot_b = 10;
  s.positions = {Position{1000, 1000, 0}, Position{1000, 1000, 0}};
  const std::size_t k = (dx::program_detail::max_from_bytes - 6 - 68 - 48) / 33;
  for (u64 i = 0; i < k; ++i) {
    const bool buy = i % 2 == 0;
    s.orders.push_back(Order{i, i % 2, buy ? OrderSide::buy : OrderSide::sell, buy ? 10 + i % 7 : 9 + i % 5, 1});
  }
  s.next_order_id = k;
  const FixedPart fixed = fixed_of(2);
  const VariablePart from = state_of(s, 1);  // to.turn = 2: participant 0 moves, the owner of even ids
  ASSERT_LE(from.app_data.size(), dx::program_detail::max_from_bytes);
  DexAction cancel, match;
  cancel.cancel_order = dx::CancelOrder{k - 2};
  match.match = dx::Match{1};
  for (const DexAction& action : {DexAction{}, cancel, match}) {
    const auto to = dx::make_move(fixed, from, action);
    ASSERT_TRUE(to.ok());
    const u64 bound =
        dx::dex_program_gas_bound(2, k, dx::decode_data(to->app_data)->state.trades.size(), from.app_data.size());
    EXPECT_LE(gas_of(fixed, from, *to), bound);
    EXPECT_LE(bound, move_gas);
    EXPECT_TRUE(vm::judge_move(program(), fixed, from, *to, bound, vm::default_limits));
  }
}

// A match of many fills on a large book is where the bound passes 2^24: each fill scans the book.
// The bound still holds; a mover who wants the book matched within 2^24 chooses max_fills so.
TEST(DexChannelProgramGas, AMatchOfManyFillsStaysWithinTheBound) {
  DexState s{};
  s.fee_bps = 30;
  s.lot_b = 10;
  s.positions = {Position{0, 0, 0}, Position{0, 0, 0}};
  const u64 k = 600;
  for (u64 i = 0; i < k; ++i) {
    const bool buy = i % 2 == 0;
    s.orders.push_back(Order{i, i % 2, buy ? OrderSide::buy : OrderSide::sell, buy ? 20 + i % 7 : 9 + i % 5, 1});
  }
  s.next_order_id = k;
  const FixedPart fixed = fixed_of(2);
  const VariablePart from = state_of(s, 1);
  DexAction match;
  match.match = dx::Match{l2::u64_max};
  const auto to = dx::make_move(fixed, from, match);
  ASSERT_TRUE(to.ok());
  const u64 fills = dx::decode_data(to->app_data)->state.trades.size();
  EXPECT_EQ(fills, k / 2);
  const u64 bound = dx::dex_program_gas_bound(2, k, fills, from.app_data.size());
  EXPECT_GT(bound, move_gas);
  EXPECT_LE(gas_of(fixed, from, *to, bound), bound);
  EXPECT_FALSE(vm::judge_move(program(), fixed, from, *to, move_gas, vm::default_limits));
  // The same book matched 40 fills at a time: each move is judged within 2^24.
  match.match = dx::Match{40};
  const auto part = dx::make_move(fixed, from, match);
  ASSERT_TRUE(part.ok());
  EXPECT_LE(dx::dex_program_gas_bound(2, k, 40, from.app_data.size()), move_gas);
  EXPECT_TRUE(vm::judge_move(program(), fixed, from, *part, move_gas, vm::default_limits));
}

// ---- a DEX channel through an adjudicator that deployed the program -------------------------------

using Keys = l2::test::KeyPool<3>;

const Keys& keys() {
  static const Keys pool = Keys::make("dex_channel_program_test");
  return pool;
}

// Two participants, funded 100000 each, open a DEX channel under the program's app_definition on an
// adjudicator with the largest move_gas_limit and app_data bound and no native application. Moves
// registered by checkpoint, each signed by its mover, are judged by the bytecode: a deposit, an
// order each side that cross, a match, then a move whose outcome is one off, which the adjudicator
// refuses as the application's rejection (SC-SUP-5).
TEST(DexChannelProgramAdjudicator, ADeployedProgramJudgesTheMovesOfAChannel) {
  namespace sc = state_channel;
  const u64 chain = 7;
  Hash32 adjudicator_id{};
  adjudicator_id.fill(0xad);
  const sc::StateChannelConfig config{10, 20, 1000, 4, 65536, move_gas};
  const auto deployed = sc::deploy({chain, adjudicator_id, config});
  ASSERT_TRUE(deployed.ok());
  const auto with_app = sc::DeployApp::apply(*deployed, {dx::dex_program()}, sc::Env{1});
  ASSERT_TRUE(with_app.ok()) << l2::error_info(with_app.error()).code;
  FixedPart fixed{chain, adjudicator_id, {keys().pubkey[0], keys().pubkey[1]}, 1, dx::dex_vm_app_definition(), 100};
  const Hash32 id = sc::channel_id(fixed);
  const VariablePart opening = dx::opening_state(30, 10, {Position{100000, 50000, 0}, Position{100000, 50000, 0}});
  ASSERT_EQ(dx::check_opening(fixed, opening), DexChannelError::none);
  const auto sign = [&](const VariablePart& s, std::size_t key) { return keys().sign(key, sc::state_digest(id, s)); };
  const auto opened =
      sc::Open::apply(*with_app, {fixed, sc::SignedState{opening, {sign(opening, 0), sign(opening, 1)}}}, sc::Env{2});
  ASSERT_TRUE(opened.ok()) << l2::error_info(opened.error()).code;
  sc::Adjudicator adjudicator = *opened;
  VariablePart current = opening;
  std::vector<DexAction> actions(4);
  actions[0].add_liquidity = dx::AddLiquidity{40000, 30000, 0};   // turn 1: participant 1 funds the pool
  actions[1].place_order = dx::PlaceOrder{OrderSide::buy, 7, 5};   // turn 2: participant 0 bids
  actions[2].place_order = dx::PlaceOrder{OrderSide::sell, 6, 3};  // turn 3: participant 1 asks below
  actions[3].match = dx::Match{5};                                 // turn 4: participant 0 matches
  u64 height = 10;
  for (const DexAction& action : actions) {
    const auto move = dx::make_move(fixed, current, action);
    ASSERT_TRUE(move.ok()) << l2::error_info(move.error()).code;
    const std::size_t mover = static_cast<std::size_t>(move->turn % 2);
    const auto registered = sc::Checkpoint::apply(
        adjudicator, sc::SupportInput{id, {sc::SignedState{current, {}}, sc::SignedState{*move, {sign(*move, mover)}}}},
        sc::Env{height++});
    ASSERT_TRUE(registered.ok()) << l2::error_info(registered.error()).code;
    adjudicator = *registered;
    current = *move;
    EXPECT_EQ(adjudicator.channels.at(0).registered.turn, current.turn);
  }
  EXPECT_EQ(dx::decode_data(current.app_data)->state.trades.size(), 1U);
  // A pass whose outcome moves one unit of A between the participants: refused by the bytecode.
  VariablePart wrong = *dx::make_move(fixed, current, DexAction{});
  wrong.outcome[0] += 1;
  wrong.outcome[1] -= 1;
  const auto refused = sc::Checkpoint::apply(
      adjudicator, sc::SupportInput{id, {sc::SignedState{current, {}}, sc::SignedState{wrong, {sign(wrong, 1)}}}},
      sc::Env{height});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), l2::StateChannelError::support_app);
}

}  // namespace
