// The DEX channel against dex_channel.md: every rule accepted at its boundary and rejected one step
// past it; get_amount_out against Uniswap v2's getAmountOut computed here with unsigned __int128 and
// with 256-bit integers (boost::multiprecision), isqrt and quote against their definitions; the
// error enum against the spec's rule tables; the book's price-time priority with three orders at two
// prices and its partial fills; and the attacks of the spec's table: a sandwich blocked by min_out
// (with the spec's numbers), a cancel by a non-owner, a later order at the same price, and moves
// through the state-channel adjudicator with BIP-340 signatures made by libsecp256k1.
//
// Expected amounts are worked out by hand from the spec's formulas (the arithmetic is in the
// comments), never taken from the header's output.
#include <gtest/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>

#include <cstddef>
#include <random>
#include <vector>

#include "l2/ref/dex_channel.hpp"
#include "l2/ref/state_channel.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

using l2::Bytes;
using l2::DexChannelError;
using l2::Hash32;
using l2::StateChannelError;
using l2::u64;
using l2::u8;
namespace dx = l2::ref::dex_channel;
namespace state_channel = l2::ref::state_channel;
using dx::DexAction;
using dx::DexData;
using dx::DexState;
using dx::Mover;
using dx::Order;
using dx::OrderSide;
using dx::Position;
using dx::SwapDirection;
using dx::Trade;
using state_channel::FixedPart;
using state_channel::VariablePart;

__extension__ using u128 = unsigned __int128;  // the independent oracle for products of two u64
using u256 = boost::multiprecision::uint256_t;

constexpr u64 u64_max = 18446744073709551615ULL;

// ---- building actions, states and channels --------------------------------------------------------

DexAction add(u64 a, u64 b, u64 min_shares = 0) {
  DexAction x;
  x.add_liquidity = dx::AddLiquidity{a, b, min_shares};
  return x;
}
DexAction remove(u64 shares, u64 min_a = 0, u64 min_b = 0) {
  DexAction x;
  x.remove_liquidity = dx::RemoveLiquidity{shares, min_a, min_b};
  return x;
}
DexAction swap(SwapDirection direction, u64 amount_in, u64 min_out = 0, u64 valid_until_turn = u64_max) {
  DexAction x;
  x.swap_exact_in = dx::SwapExactIn{direction, amount_in, min_out, valid_until_turn};
  return x;
}
DexAction place(OrderSide side, u64 price, u64 lots) {
  DexAction x;
  x.place_order = dx::PlaceOrder{side, price, lots};
  return x;
}
DexAction cancel(u64 id) {
  DexAction x;
  x.cancel_order = dx::CancelOrder{id};
  return x;
}
DexAction match(u64 max_fills = 100) {
  DexAction x;
  x.match = dx::Match{max_fills};
  return x;
}
DexAction pass() { return DexAction{}; }

Hash32 filled(u8 byte) {
  Hash32 h{};
  h.fill(byte);
  return h;
}

FixedPart fixed_of(std::size_t n) {
  FixedPart fixed{};
  fixed.chain_id = 1;
  for (std::size_t i = 0; i < n; ++i) fixed.participants.push_back(filled(static_cast<u8>(0x10 + i)));
  fixed.app_definition = dx::dex_app_definition();
  fixed.challenge_duration = 100;
  return fixed;
}

DexData data_of(const VariablePart& s) {
  const auto decoded = dx::decode_data(s.app_data);
  EXPECT_TRUE(decoded.has_value());
  return decoded.value_or(DexData{});
}
DexState state_of(const VariablePart& s) { return data_of(s).state; }

// A channel played move by move with make_move, each move also judged by check_move.
struct Play {
  FixedPart fixed;
  VariablePart current;

  DexChannelError move(const DexAction& action) {
    const auto next = dx::make_move(fixed, current, action);
    if (!next.ok()) return next.error();
    EXPECT_EQ(dx::check_move(fixed, current, *next), DexChannelError::none);
    current = *next;
    return DexChannelError::none;
  }
  DexState state() const { return state_of(current); }
};

// Three participants, each 1 000 000 of A and of B; fee 30 bps (Uniswap's 0.3%), lots of 10 B.
Play three_party() {
  const std::vector<Position> positions(3, Position{1000000, 1000000, 0});
  return Play{fixed_of(3), dx::opening_state(30, 10, positions)};
}

// A pool of (100000, 100000) after participant 0's first deposit: isqrt(10^10) = 100000 shares,
// 99000 of them participant 0's and 1000 locked.
DexState pool_state() {
  DexState s{};
  s.fee_bps = 30;
  s.lot_b = 10;
  s.reserve_a = 100000;
  s.reserve_b = 100000;
  s.total_shares = 100000;
  s.positions = {Position{900000, 900000, 99000}, Position{1000000, 1000000, 0}, Position{1000000, 1000000, 0}};
  return s;
}

constexpr Mover p1{1, 7};  // participant 1 moving at turn 7

template <class R>
DexChannelError error_of(const R& r) {
  return r.ok() ? DexChannelError::none : r.error();
}

// ---- the spec --------------------------------------------------------------------------------------

TEST(DexChannelSpec, ErrorEnumMatchesTheSpecRuleTables) {
  l2::test::expect_rule_table_matches(l2::all_dex_channel_errors, "dex_channel.md", "DX");
  EXPECT_EQ(l2::error_info(DexChannelError::swap_slippage).code, "DX_SWAP_SLIPPAGE");
  EXPECT_EQ(l2::error_info(DexChannelError::cancel_not_owner).rule_id, "DX-CANCEL-2");
}

// dex_channel.md#size: 6 + |operation| + 68 + 24 n + 33 orders + 32 trades.
TEST(DexChannelSpec, EncodingHasTheSpecsSize) {
  DexData data{};
  data.state.positions.resize(3);
  EXPECT_EQ(dx::encode_data(data).size(), 6u + 0 + 68 + 24 * 3);
  data.state.orders.resize(2, Order{0, 0, OrderSide::buy, 1, 1});
  data.state.trades.resize(5);
  EXPECT_EQ(dx::encode_data(data).size(), 6u + 68 + 24 * 3 + 33 * 2 + 32 * 5);
  const struct {
    DexAction action;
    std::size_t bytes;
  } operations[] = {{add(1, 2, 3), 24}, {remove(1), 24}, {swap(SwapDirection::b_to_a, 1), 25},
                    {place(OrderSide::sell, 1, 1), 17}, {cancel(4), 8}, {match(1), 8}};
  for (const auto& op : operations) {
    data.action = op.action;
    EXPECT_EQ(dx::encode_data(data).size(), 6u + op.bytes + 68 + 24 * 3 + 33 * 2 + 32 * 5);
  }
  // The first byte is add_liquidity's tag: present, then its three u64.
  data.action = add(0x0102, 0, 0);
  const Bytes bytes = dx::encode_data(data);
  EXPECT_EQ(bytes[0], 1);
  EXPECT_EQ(bytes[7], 0x01);
  EXPECT_EQ(bytes[8], 0x02);
}

// ---- arithmetic -----------------------------------------------------------------------------------

// Uniswap v2's getAmountOut, as UniswapV2Library writes it, in 128 bits (exact for the amounts used).
u64 uniswap_amount_out_u128(u64 amount_in, u64 reserve_in, u64 reserve_out) {
  const u128 in_with_fee = static_cast<u128>(amount_in) * 997;
  const u128 numerator = in_with_fee * reserve_out;
  const u128 denominator = static_cast<u128>(reserve_in) * 1000 + in_with_fee;
  return static_cast<u64>(numerator / denominator);
}

// The same in 256 bits, and with any fee in basis points.
u64 uniswap_amount_out_u256(u64 amount_in, u64 reserve_in, u64 reserve_out) {
  const u256 in_with_fee = u256(amount_in) * 997;
  return static_cast<u64>(in_with_fee * reserve_out / (u256(reserve_in) * 1000 + in_with_fee));
}
u64 amount_out_bps_u256(u64 amount_in, u64 reserve_in, u64 reserve_out, u64 fee_bps) {
  const u256 in_with_fee = u256(amount_in) * (10000 - fee_bps);
  return static_cast<u64>(in_with_fee * reserve_out / (u256(reserve_in) * 10000 + in_with_fee));
}

TEST(DexChannelMath, GetAmountOutIsUniswapV2s) {
  // By hand: 10000 in on (100000, 100000): 10000*997*100000 / (100000*1000 + 10000*997)
  //        = 997000000000 / 109970000 = 9066.1...
  EXPECT_EQ(dx::get_amount_out(10000, 100000, 100000, 30), 9066u);
  EXPECT_EQ(dx::get_amount_out(1, 100000, 100000, 30), 0u);  // 997 / 100000.997
  EXPECT_EQ(dx::get_amount_out(2, 100000, 100000, 30), 1u);  // 1994 / 100001.994
  EXPECT_EQ(dx::get_amount_out(5, 10, 100, 0), 33u);         // no fee: 5*100 / 15
  std::mt19937_64 rng(12);
  for (int i = 0; i < 20000; ++i) {
    const u64 in = rng() >> 24, rin = (rng() >> 24) + 1, rout = rng() >> 24;  // < 2^40: the u128 oracle is exact
    ASSERT_EQ(dx::get_amount_out(in, rin, rout, 30), uniswap_amount_out_u128(in, rin, rout)) << in << " " << rin;
  }
  const u64 edges[] = {0, 1, 2, 3, 997, 1000, 0xffffffffULL, 0x100000000ULL, u64_max / 997, u64_max - 1, u64_max};
  for (const u64 in : edges)
    for (const u64 rin : edges)
      for (const u64 rout : edges) {
        if (rin == 0 && in == 0) continue;
        EXPECT_EQ(dx::get_amount_out(in, rin, rout, 30), uniswap_amount_out_u256(in, rin, rout));
        for (const u64 fee : {u64{0}, u64{1}, u64{30}, u64{9999}}) {
          EXPECT_EQ(dx::get_amount_out(in, rin, rout, fee), amount_out_bps_u256(in, rin, rout, fee));
        }
      }
  for (int i = 0; i < 20000; ++i) {
    const u64 in = rng() >> (rng() % 64), rin = (rng() >> (rng() % 64)) | 1, rout = rng() >> (rng() % 64);
    const u64 fee = rng() % 10000;
    ASSERT_EQ(dx::get_amount_out(in, rin, rout, fee), amount_out_bps_u256(in, rin, rout, fee));
    if (rout > 0) {
      ASSERT_LT(dx::get_amount_out(in, rin, rout, fee), rout);  // rin > 0: below the reserve
    }
  }
}

TEST(DexChannelMath, IsqrtIsTheFloorSquareRoot) {
  EXPECT_EQ(dx::isqrt(0), 0u);
  EXPECT_EQ(dx::isqrt(1), 1u);
  EXPECT_EQ(dx::isqrt(3), 1u);
  EXPECT_EQ(dx::isqrt(4), 2u);
  EXPECT_EQ(dx::isqrt(1002001), 1001u);  // 1001^2
  EXPECT_EQ(dx::isqrt(1002000), 1000u);
  EXPECT_EQ(dx::isqrt(static_cast<u128>(u64_max) * u64_max), u64_max);  // (2^64 - 1)^2
  EXPECT_EQ(dx::isqrt(~u128{0}), u64_max);                              // 2^128 - 1 < 2^128
  std::mt19937_64 rng(5);
  for (int i = 0; i < 20000; ++i) {
    const u128 m = (static_cast<u128>(rng()) << 64 | rng()) >> (rng() % 128);
    const u64 r = dx::isqrt(m);
    ASSERT_LE(static_cast<u128>(r) * r, m);
    ASSERT_GT(u256(r + u256(1)) * (r + u256(1)), u256(m));
  }
}

TEST(DexChannelMath, QuoteRoundsDownAndReportsOverflow) {
  EXPECT_EQ(dx::quote(1000, 100000, 200000).value, 2000u);
  EXPECT_EQ(dx::quote(1, 3, 2).value, 0u);  // 2/3
  EXPECT_EQ(dx::quote(u64_max, 1, 1).value, u64_max);
  EXPECT_TRUE(dx::quote(u64_max, 1, 2).overflow);
}

// ---- validate_state, check_opening, check_move ------------------------------------------------------

TEST(DexChannelRules, StateRulesAtTheirBoundaries) {
  const DexState base = pool_state();
  ASSERT_EQ(dx::validate_state(base, 3), DexChannelError::none);
  const auto with = [&](auto change) {
    DexState s = base;
    change(s);
    return dx::validate_state(s, 3);
  };
  // DX-STATE-1
  EXPECT_EQ(with([](DexState& s) { s.fee_bps = 9999; }), DexChannelError::none);
  EXPECT_EQ(with([](DexState& s) { s.fee_bps = 10000; }), DexChannelError::state_params);
  EXPECT_EQ(with([](DexState& s) { s.lot_b = 1; }), DexChannelError::none);
  EXPECT_EQ(with([](DexState& s) { s.lot_b = 0; }), DexChannelError::state_params);
  // DX-STATE-2
  EXPECT_EQ(dx::validate_state(base, 2), DexChannelError::state_positions);
  EXPECT_EQ(dx::validate_state(base, 4), DexChannelError::state_positions);
  // DX-STATE-3
  EXPECT_EQ(with([](DexState& s) { s.pool_creator = 2; }), DexChannelError::none);
  EXPECT_EQ(with([](DexState& s) { s.pool_creator = 3; }), DexChannelError::state_pool);
  EXPECT_EQ(with([](DexState& s) { s.total_shares = 100001; }), DexChannelError::state_pool);
  EXPECT_EQ(with([](DexState& s) { s.positions[1].shares = 1; }), DexChannelError::state_pool);
  EXPECT_EQ(with([](DexState& s) { s.positions[1].shares = 1, s.total_shares = 100001; }), DexChannelError::none);
  EXPECT_EQ(with([](DexState& s) { s.reserve_a = 0; }), DexChannelError::state_pool);
  EXPECT_EQ(with([](DexState& s) { s.reserve_b = 0; }), DexChannelError::state_pool);
  EXPECT_EQ(with([](DexState& s) { s.reserve_a = s.reserve_b = s.total_shares = s.positions[0].shares = 0; }),
            DexChannelError::none);
  EXPECT_EQ(with([](DexState& s) { s.reserve_a = s.reserve_b = s.total_shares = 0; }), DexChannelError::state_pool);
  // DX-STATE-4
  const auto with_orders = [&](std::vector<Order> orders, u64 next_id) {
    return with([&](DexState& s) {
      s.orders = orders;
      s.next_order_id = next_id;
    });
  };
  const Order ok{4, 2, OrderSide::buy, 7, 3};
  EXPECT_EQ(with_orders({ok}, 5), DexChannelError::none);
  EXPECT_EQ(with_orders({ok}, 4), DexChannelError::state_orders);  // id not below next_order_id
  EXPECT_EQ(with_orders({Order{3, 0, OrderSide::sell, 1, 1}, ok}, 5), DexChannelError::none);
  EXPECT_EQ(with_orders({ok, Order{3, 0, OrderSide::sell, 1, 1}}, 5), DexChannelError::state_orders);
  EXPECT_EQ(with_orders({ok, ok}, 5), DexChannelError::state_orders);  // the same id twice
  EXPECT_EQ(with_orders({Order{4, 3, OrderSide::buy, 7, 3}}, 5), DexChannelError::state_orders);
  EXPECT_EQ(with_orders({Order{4, 2, OrderSide::buy, 0, 3}}, 5), DexChannelError::state_orders);
  EXPECT_EQ(with_orders({Order{4, 2, OrderSide::buy, 7, 0}}, 5), DexChannelError::state_orders);
  // DX-STATE-4's lock against DX-STATE-5's totals: a sell of 2^64/10 lots of 10 overflows its lock.
  EXPECT_EQ(with_orders({Order{4, 2, OrderSide::sell, 1, u64_max / 10 + 1}}, 5), DexChannelError::state_orders);
  // DX-STATE-5: A's total is 900000 + 2 * 1000000 + 100000 = 3000000 in the base; a balance that takes
  // it to exactly 2^64 - 1 passes, one more fails.
  EXPECT_EQ(with([](DexState& s) { s.positions[2].balance_a = u64_max - 2000000; }), DexChannelError::none);
  EXPECT_EQ(with([](DexState& s) { s.positions[2].balance_a = u64_max - 1999999; }), DexChannelError::state_totals);
  EXPECT_EQ(with([](DexState& s) { s.positions[2].balance_b = u64_max - 1999999; }), DexChannelError::state_totals);
  // A buy order's lock counts in A: 7 * 3 = 21 takes the boundary down by 21.
  EXPECT_EQ(with([&](DexState& s) {
              s.orders = {ok};
              s.next_order_id = 5;
              s.positions[2].balance_a = u64_max - 2000000 - 21;
            }),
            DexChannelError::none);
  EXPECT_EQ(with([&](DexState& s) {
              s.orders = {ok};
              s.next_order_id = 5;
              s.positions[2].balance_a = u64_max - 2000000 - 20;
            }),
            DexChannelError::state_totals);
}

TEST(DexChannelRules, OpeningRulesAtTheirBoundaries) {
  const FixedPart fixed = fixed_of(2);
  const VariablePart opening = dx::opening_state(30, 10, {Position{5, 6, 0}, Position{7, 8, 0}});
  EXPECT_EQ(opening.outcome, (std::vector<u64>{5, 7}));  // each participant's balance_a
  EXPECT_EQ(dx::check_opening(fixed, opening), DexChannelError::none);
  const auto with = [&](auto change) {
    VariablePart s = opening;
    change(s);
    return dx::check_opening(fixed, s);
  };
  const auto with_data = [&](auto change) {
    return with([&](VariablePart& s) {
      DexData d = data_of(s);
      change(d);
      s.app_data = dx::encode_data(d);
    });
  };
  // DX-OPEN-1
  EXPECT_EQ(with([](VariablePart& s) { s.app_data.push_back(0); }), DexChannelError::open_data);
  EXPECT_EQ(with([](VariablePart& s) { s.app_data.pop_back(); }), DexChannelError::open_data);
  // validate_state runs on the opening
  EXPECT_EQ(with_data([](DexData& d) { d.state.fee_bps = 10000; }), DexChannelError::state_params);
  // DX-OPEN-2
  EXPECT_EQ(with([](VariablePart& s) { s.turn = 1; }), DexChannelError::open_not_initial);
  EXPECT_EQ(with([](VariablePart& s) { s.is_final = true; }), DexChannelError::open_not_initial);
  EXPECT_EQ(with_data([](DexData& d) { d.action = pass(); }), DexChannelError::none);
  EXPECT_EQ(with_data([](DexData& d) { d.action = match(1); }), DexChannelError::open_not_initial);
  EXPECT_EQ(with_data([](DexData& d) { d.state.next_order_id = 1; }), DexChannelError::open_not_initial);
  EXPECT_EQ(with_data([](DexData& d) { d.state.pool_creator = 1; }), DexChannelError::open_not_initial);
  EXPECT_EQ(with_data([](DexData& d) { d.state.trades = {Trade{0, 1, 1, 1}}; }), DexChannelError::open_not_initial);
  EXPECT_EQ(with_data([](DexData& d) {
              d.state.orders = {Order{0, 0, OrderSide::buy, 1, 1}};
              d.state.next_order_id = 1;
            }),
            DexChannelError::open_not_initial);
  // DX-OPEN-3
  EXPECT_EQ(with([](VariablePart& s) { s.outcome = {7, 5}; }), DexChannelError::open_outcome);
  EXPECT_EQ(with([](VariablePart& s) { s.outcome = {5, 7, 0}; }), DexChannelError::open_outcome);
}

TEST(DexChannelRules, MoveRulesAtTheirBoundaries) {
  Play play = three_party();
  const VariablePart from = play.current;
  // Turn 1 is participants[1]'s: a buy of 2 lots at 5 locks 10 of A.
  const auto made = dx::make_move(play.fixed, from, place(OrderSide::buy, 5, 2));
  ASSERT_TRUE(made.ok());
  const VariablePart to = *made;
  EXPECT_EQ(to.turn, 1u);
  L2_EXPECT_FIELDS_EQ(state_of(to).orders, (std::vector<Order>{Order{0, 1, OrderSide::buy, 5, 2}}));
  EXPECT_EQ(state_of(to).positions[1].balance_a, 1000000u - 10);
  // The outcome keeps the locked 10 in participant 1's claim.
  EXPECT_EQ(to.outcome, (std::vector<u64>{1000000, 1000000, 1000000}));
  EXPECT_EQ(dx::check_move(play.fixed, from, to), DexChannelError::none);
  EXPECT_TRUE(dx::DexApp{}.valid_move(play.fixed, from, to));
  const auto judge = [&](auto change) {
    VariablePart t = to;
    change(t);
    return dx::check_move(play.fixed, from, t);
  };
  const auto judge_data = [&](auto change) {
    return judge([&](VariablePart& t) {
      DexData d = data_of(t);
      change(d);
      t.app_data = dx::encode_data(d);
    });
  };
  // DX-MOVE-1
  EXPECT_EQ(judge([](VariablePart& t) { t.turn = 2; }), DexChannelError::turn);
  EXPECT_EQ(judge([](VariablePart& t) { t.turn = 0; }), DexChannelError::turn);
  {
    VariablePart last = from, after = to;
    last.turn = u64_max;
    after.turn = 0;  // 2^64 - 1 + 1 wraps to 0: refused
    EXPECT_EQ(dx::check_move(play.fixed, last, after), DexChannelError::turn);
    EXPECT_EQ(error_of(dx::make_move(play.fixed, last, pass())), DexChannelError::turn);
    last.turn = u64_max - 1;  // the last turn that has a next
    EXPECT_EQ(error_of(dx::make_move(play.fixed, last, pass())), DexChannelError::none);
  }
  // DX-MOVE-2
  EXPECT_EQ(judge([](VariablePart& t) { t.app_data.push_back(0); }), DexChannelError::data);
  {
    VariablePart bad = from;
    bad.app_data.back() = 7;  // the trades' count's last byte: a count of 7 with no bytes behind it
    EXPECT_EQ(dx::check_move(play.fixed, bad, to), DexChannelError::data);
    EXPECT_EQ(error_of(dx::make_move(play.fixed, bad, pass())), DexChannelError::data);
  }
  // DX-MOVE-3
  EXPECT_EQ(dx::check_move(fixed_of(0), from, to), DexChannelError::participants);
  // validate_state on from: 3 positions need 3 participants
  EXPECT_EQ(dx::check_move(fixed_of(2), from, to), DexChannelError::state_positions);
  // DX-MOVE-4
  EXPECT_EQ(judge_data([](DexData& d) { d.action.match = dx::Match{1}; }), DexChannelError::action_form);
  // the operation's own rules: a buy at price 0
  EXPECT_EQ(judge_data([](DexData& d) { d.action = place(OrderSide::buy, 0, 2); }), DexChannelError::place_zero);
  // DX-MOVE-5: a state that is not the result, and a result of another action
  EXPECT_EQ(judge_data([](DexData& d) { d.state.positions[1].balance_a += 1; }), DexChannelError::next_state);
  EXPECT_EQ(judge_data([](DexData& d) { d.action = place(OrderSide::buy, 5, 1); }), DexChannelError::next_state);
  EXPECT_EQ(judge_data([](DexData& d) { d.action = pass(); }), DexChannelError::next_state);
  // DX-MOVE-6: one unit of A moved between claims, or a claim missing
  EXPECT_EQ(judge([](VariablePart& t) { t.outcome = {1000001, 999999, 1000000}; }), DexChannelError::next_outcome);
  EXPECT_EQ(judge([](VariablePart& t) { t.outcome = {1000000, 1000000}; }), DexChannelError::next_outcome);
  // The mover is participants[to.turn mod n]: the same action judged at turn 2 is participant 2's,
  // whose state differs (the order's owner and the lock's balance).
  {
    VariablePart from1 = from, to2 = to;
    from1.turn = 1;
    to2.turn = 2;
    EXPECT_EQ(dx::check_move(play.fixed, from1, to2), DexChannelError::next_state);
  }
  EXPECT_FALSE(dx::DexApp{}.valid_move(fixed_of(0), from, to));
  FixedPart other = play.fixed;
  other.app_definition = filled(0x01);
  EXPECT_FALSE(dx::DexApp{}.valid_move(other, from, to));
  EXPECT_FALSE(dx::DexApp{}.knows(state_channel::consensus_app));
}

// ---- the pool ---------------------------------------------------------------------------------------

TEST(DexChannelRules, AddLiquidityRulesAtTheirBoundaries) {
  const DexState base = pool_state();
  // DX-ADD-1: 1 and 1 into (100000, 100000) with 100000 shares mints 1*100000/100000 = 1.
  const auto one = dx::apply_add_liquidity(base, {1, 1, 0}, p1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->positions[1].shares, 1u);
  EXPECT_EQ(one->total_shares, 100001u);
  EXPECT_EQ(error_of(dx::apply_add_liquidity(base, {0, 1, 0}, p1)), DexChannelError::add_zero);
  EXPECT_EQ(error_of(dx::apply_add_liquidity(base, {1, 0, 0}, p1)), DexChannelError::add_zero);
  // DX-ADD-2: participant 1 holds 1000000 of each.
  EXPECT_EQ(error_of(dx::apply_add_liquidity(base, {1000000, 1000000, 0}, p1)), DexChannelError::none);
  EXPECT_EQ(error_of(dx::apply_add_liquidity(base, {1000001, 1000000, 0}, p1)), DexChannelError::add_balance);
  EXPECT_EQ(error_of(dx::apply_add_liquidity(base, {1000000, 1000001, 0}, p1)), DexChannelError::add_balance);
  // DX-ADD-3: a pool of (1, 1) with T = 2^32 + 1 shares (a divisor of 2^64 - 1). A deposit of
  // a = 2^32 - 2 of each mints a*T, and T + a*T = (2^32 - 1)(2^32 + 1) = 2^64 - 1 exactly.
  {
    DexState thin = base;
    const u64 t = (u64{1} << 32) + 1;
    thin.reserve_a = thin.reserve_b = 1;
    thin.total_shares = t;
    thin.positions[0].shares = t - 1000;
    thin.positions[0].balance_a = thin.positions[0].balance_b = 0;
    const u64 a = (u64{1} << 32) - 2;
    thin.positions[1].balance_a = thin.positions[1].balance_b = u64{1} << 33;
    const auto fits = dx::apply_add_liquidity(thin, {a, a, 0}, p1);
    ASSERT_TRUE(fits.ok()) << l2::error_info(fits.error()).code;
    EXPECT_EQ(fits->total_shares, u64_max);
    EXPECT_EQ(fits->positions[1].shares, u64_max - t);
    // One more of each: T (a + 2) = 2^64 - 1 + T, past the limit (the minted (2^32-1)(2^32+1) still fits).
    EXPECT_EQ(error_of(dx::apply_add_liquidity(thin, {a + 1, a + 1, 0}, p1)), DexChannelError::add_overflow);
    // 2^32 of each mints 2^32 (2^32 + 1) > 2^64 - 1 on its own.
    EXPECT_EQ(error_of(dx::apply_add_liquidity(thin, {a + 2, a + 2, 0}, p1)), DexChannelError::add_overflow);
  }
  // DX-ADD-4, first deposit: isqrt(1001 * 1001) = 1001 mints 1; isqrt(1001 * 1000) = 1000 mints none.
  {
    DexState empty = base;
    empty.reserve_a = empty.reserve_b = empty.total_shares = empty.positions[0].shares = 0;
    const auto first = dx::apply_add_liquidity(empty, {1001, 1001, 0}, p1);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->positions[1].shares, 1u);
    EXPECT_EQ(first->total_shares, 1001u);
    EXPECT_EQ(first->pool_creator, 1u);
    EXPECT_EQ(error_of(dx::apply_add_liquidity(empty, {1001, 1000, 0}, p1)), DexChannelError::add_insufficient);
    EXPECT_EQ(error_of(dx::apply_add_liquidity(empty, {1000, 1000, 0}, p1)), DexChannelError::add_insufficient);
  }
  // DX-ADD-4, later: (300000, 300000) with 100000 shares; 3 of each mints 3*100000/300000 = 1,
  // 2 of each mints 0.
  {
    DexState rich = base;
    rich.reserve_a = rich.reserve_b = 300000;
    rich.positions[0].balance_a = rich.positions[0].balance_b = 700000;
    EXPECT_EQ(error_of(dx::apply_add_liquidity(rich, {3, 3, 0}, p1)), DexChannelError::none);
    EXPECT_EQ(error_of(dx::apply_add_liquidity(rich, {2, 2, 0}, p1)), DexChannelError::add_insufficient);
  }
  // DX-ADD-5: a first deposit of (100000, 100000) mints 100000 - 1000 = 99000.
  {
    DexState empty = base;
    empty.reserve_a = empty.reserve_b = empty.total_shares = empty.positions[0].shares = 0;
    EXPECT_EQ(error_of(dx::apply_add_liquidity(empty, {100000, 100000, 99000}, p1)), DexChannelError::none);
    EXPECT_EQ(error_of(dx::apply_add_liquidity(empty, {100000, 100000, 99001}, p1)), DexChannelError::add_slippage);
  }
}

TEST(DexChannelPool, DepositsTakeTheRoutersAmounts) {
  // (100000, 200000) with isqrt(2*10^10) = 141421 shares (141421^2 = 19999899241 <= 2*10^10 < 141422^2).
  DexState s = pool_state();
  s.reserve_b = 200000;
  s.total_shares = 141421;
  s.positions[0] = Position{900000, 800000, 140421};
  ASSERT_EQ(dx::validate_state(s, 3), DexChannelError::none);
  // Offered (1000, 5000): B at the ratio is 1000*200000/100000 = 2000 <= 5000, so (1000, 2000) are
  // taken, minting min(1000*141421/100000, 2000*141421/200000) = min(1414, 1414) = 1414.
  const auto wide = dx::apply_add_liquidity(s, {1000, 5000, 1414}, p1);
  ASSERT_TRUE(wide.ok());
  L2_EXPECT_FIELDS_EQ(wide->positions[1], (Position{999000, 998000, 1414}));
  EXPECT_EQ(wide->reserve_a, 101000u);
  EXPECT_EQ(wide->reserve_b, 202000u);
  // Offered (1000, 1000): 2000 > 1000, so A at the ratio is 1000*100000/200000 = 500: (500, 1000),
  // minting min(500*141421/100000, 1000*141421/200000) = min(707, 707) = 707.
  const auto narrow = dx::apply_add_liquidity(s, {1000, 1000, 0}, p1);
  ASSERT_TRUE(narrow.ok());
  L2_EXPECT_FIELDS_EQ(narrow->positions[1], (Position{999500, 999000, 707}));
}

TEST(DexChannelRules, RemoveLiquidityRulesAtTheirBoundaries) {
  const DexState base = pool_state();
  const Mover p0{0, 9};
  // DX-REM-1: 1 share of 100000 pays 1 of each.
  const auto one = dx::apply_remove_liquidity(base, {1, 1, 1}, p0);
  ASSERT_TRUE(one.ok());
  L2_EXPECT_FIELDS_EQ(one->positions[0], (Position{900001, 900001, 98999}));
  EXPECT_EQ(error_of(dx::apply_remove_liquidity(base, {0, 0, 0}, p0)), DexChannelError::remove_zero);
  // DX-REM-2: participant 0 holds 99000; burning them all leaves the locked 1000's (1000, 1000).
  const auto all = dx::apply_remove_liquidity(base, {99000, 0, 0}, p0);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->reserve_a, 1000u);
  EXPECT_EQ(all->reserve_b, 1000u);
  EXPECT_EQ(all->total_shares, 1000u);
  EXPECT_EQ(error_of(dx::apply_remove_liquidity(base, {99001, 0, 0}, p0)), DexChannelError::remove_shares);
  EXPECT_EQ(error_of(dx::apply_remove_liquidity(base, {1, 0, 0}, p1)), DexChannelError::remove_shares);
  // DX-REM-3: (100000, 50000): 1 share pays 1 of A and 0.5 -> 0 of B; 2 shares pay 2 and 1.
  DexState lopsided = base;
  lopsided.reserve_b = 50000;
  EXPECT_EQ(error_of(dx::apply_remove_liquidity(lopsided, {1, 0, 0}, p0)), DexChannelError::remove_burned);
  EXPECT_EQ(error_of(dx::apply_remove_liquidity(lopsided, {2, 2, 1}, p0)), DexChannelError::none);
  // DX-REM-4: 2 shares of (100000, 50000) pay exactly (2, 1).
  EXPECT_EQ(error_of(dx::apply_remove_liquidity(lopsided, {2, 3, 1}, p0)), DexChannelError::remove_slippage);
  EXPECT_EQ(error_of(dx::apply_remove_liquidity(lopsided, {2, 2, 2}, p0)), DexChannelError::remove_slippage);
}

TEST(DexChannelRules, SwapRulesAtTheirBoundaries) {
  const DexState base = pool_state();
  const auto run = [&](const DexState& s, SwapDirection d, u64 in, u64 min_out, u64 until) {
    return dx::apply_swap_exact_in(s, {d, in, min_out, until}, p1);
  };
  // DX-SWAP-1: the move's turn is 7.
  EXPECT_EQ(error_of(run(base, SwapDirection::a_to_b, 10000, 0, 7)), DexChannelError::none);
  EXPECT_EQ(error_of(run(base, SwapDirection::a_to_b, 10000, 0, 6)), DexChannelError::swap_expired);
  // DX-SWAP-2
  EXPECT_EQ(error_of(run(base, SwapDirection::a_to_b, 0, 0, 7)), DexChannelError::swap_zero);
  // DX-SWAP-3
  DexState empty = base;
  empty.reserve_a = empty.reserve_b = empty.total_shares = empty.positions[0].shares = 0;
  EXPECT_EQ(error_of(run(empty, SwapDirection::a_to_b, 10000, 0, 7)), DexChannelError::swap_no_pool);
  // DX-SWAP-4: participant 1 holds 1000000 of each. 10^6 in pays
  // 10^6*9970*10^5 / (10^9 + 9.97*10^9) = 9.97*10^14 / 1.097*10^10 = 90884.2.
  const auto whole = run(base, SwapDirection::a_to_b, 1000000, 0, 7);
  ASSERT_TRUE(whole.ok());
  L2_EXPECT_FIELDS_EQ(whole->positions[1], (Position{0, 1090884, 0}));
  EXPECT_EQ(whole->reserve_a, 1100000u);
  EXPECT_EQ(whole->reserve_b, 100000u - 90884);
  EXPECT_EQ(error_of(run(base, SwapDirection::a_to_b, 1000001, 0, 7)), DexChannelError::swap_balance);
  EXPECT_EQ(error_of(run(base, SwapDirection::b_to_a, 1000001, 0, 7)), DexChannelError::swap_balance);
  const auto back = run(base, SwapDirection::b_to_a, 1000000, 0, 7);
  ASSERT_TRUE(back.ok());
  L2_EXPECT_FIELDS_EQ(back->positions[1], (Position{1090884, 0, 0}));
  // DX-SWAP-5: 2 in pays 1 (1994*10^5 / 100001994); 1 in pays 0 (997*10^5 / 100000997).
  EXPECT_EQ(error_of(run(base, SwapDirection::a_to_b, 2, 1, 7)), DexChannelError::none);
  EXPECT_EQ(error_of(run(base, SwapDirection::a_to_b, 1, 0, 7)), DexChannelError::swap_zero_out);
  // DX-SWAP-6: 10000 in pays 9066.
  EXPECT_EQ(error_of(run(base, SwapDirection::a_to_b, 10000, 9066, 7)), DexChannelError::none);
  EXPECT_EQ(error_of(run(base, SwapDirection::a_to_b, 10000, 9067, 7)), DexChannelError::swap_slippage);
}

TEST(DexChannelPool, FirstDepositLocksMinimumLiquidityAndTheCreatorClaimsIt) {
  Play play = three_party();
  ASSERT_EQ(play.move(add(100000, 100000)), DexChannelError::none);  // turn 1: participant 1
  L2_EXPECT_FIELDS_EQ(play.state().positions[1], (Position{900000, 900000, 99000}));
  EXPECT_EQ(play.state().total_shares, 100000u);
  EXPECT_EQ(play.state().pool_creator, 1u);
  // Claims: participant 1 has 900000 + 99000 * 100000 / 100000 + the locked 1000's A.
  EXPECT_EQ(play.current.outcome, (std::vector<u64>{1000000, 1000000, 1000000}));
  ASSERT_EQ(play.move(swap(SwapDirection::a_to_b, 10000)), DexChannelError::none);  // turn 2: participant 2
  // Reserves (110000, 90934); participant 1's part floor(99000 * 110000 / 100000) = 108900 and the
  // residue 110000 - 108900 = 1100: its claim is 900000 + 108900 + 1100 = 1010000.
  EXPECT_EQ(play.state().reserve_b, 100000u - 9066);
  EXPECT_EQ(play.current.outcome, (std::vector<u64>{1000000, 1010000, 990000}));
  // Participant 0 (turn 3) deposits 11000 of A and up to 20000 of B: B at the ratio is
  // 11000 * 90934 / 110000 = 9093.4 -> 9093; shares min(11000 * 100000 / 110000, 9093 * 100000 / 90934)
  // = min(10000, 9999.5) = 9999.
  ASSERT_EQ(play.move(add(11000, 20000)), DexChannelError::none);
  L2_EXPECT_FIELDS_EQ(play.state().positions[0], (Position{989000, 1000000 - 9093, 9999}));
  // Reserves (121000, 100027), 109999 shares. Claims: participant 0: 989000 + floor(9999 * 121000 /
  // 109999) = 989000 + 10998 (10998.99...); participant 1: 900000 + floor(99000 * 121000 / 109999) =
  // 900000 + 108900 (108900.99...), plus the residue 121000 - 10998 - 108900 = 1102. Participant 0's
  // 11000 of A are worth 10998 of claim: the rounding is the pool's.
  EXPECT_EQ(play.current.outcome, (std::vector<u64>{999998, 1010002, 990000}));
}

// ---- the order book -------------------------------------------------------------------------------

TEST(DexChannelRules, PlaceOrderRulesAtTheirBoundaries) {
  const DexState base = pool_state();
  // DX-PLACE-1
  EXPECT_EQ(error_of(dx::apply_place_order(base, {OrderSide::buy, 1, 1}, p1)), DexChannelError::none);
  EXPECT_EQ(error_of(dx::apply_place_order(base, {OrderSide::buy, 0, 1}, p1)), DexChannelError::place_zero);
  EXPECT_EQ(error_of(dx::apply_place_order(base, {OrderSide::sell, 1, 0}, p1)), DexChannelError::place_zero);
  // DX-PLACE-2: participant 1 alone holds 2^64 - 1 of A (nothing else in the state).
  DexState whale = base;
  whale.reserve_a = whale.reserve_b = whale.total_shares = 0;
  whale.positions = {Position{}, Position{u64_max, u64_max, 0}, Position{}};
  ASSERT_EQ(dx::validate_state(whale, 3), DexChannelError::none);
  const auto all_in = dx::apply_place_order(whale, {OrderSide::buy, u64_max, 1}, p1);
  ASSERT_TRUE(all_in.ok());
  EXPECT_EQ(all_in->positions[1].balance_a, 0u);
  EXPECT_EQ(error_of(dx::apply_place_order(whale, {OrderSide::buy, u64{1} << 63, 2}, p1)),
            DexChannelError::place_overflow);
  // A sell locks lots * lot_b: (2^64 - 1) / 10 lots of 10 fit, one lot more does not.
  EXPECT_EQ(error_of(dx::apply_place_order(whale, {OrderSide::sell, 1, u64_max / 10}, p1)), DexChannelError::none);
  EXPECT_EQ(error_of(dx::apply_place_order(whale, {OrderSide::sell, 1, u64_max / 10 + 1}, p1)),
            DexChannelError::place_overflow);
  // DX-PLACE-3: 1000000 of A covers 1000 lots at 1000; 1000001 is one past. 100000 lots of 10 B
  // lock 1000000 of B; 100001 lots do not fit.
  const auto buy = dx::apply_place_order(base, {OrderSide::buy, 1000, 1000}, p1);
  ASSERT_TRUE(buy.ok());
  EXPECT_EQ(buy->positions[1].balance_a, 0u);
  L2_EXPECT_FIELDS_EQ(buy->orders, (std::vector<Order>{Order{0, 1, OrderSide::buy, 1000, 1000}}));
  EXPECT_EQ(buy->next_order_id, 1u);
  EXPECT_EQ(error_of(dx::apply_place_order(base, {OrderSide::buy, 1000001, 1}, p1)), DexChannelError::place_balance);
  EXPECT_EQ(error_of(dx::apply_place_order(base, {OrderSide::sell, 7, 100000}, p1)), DexChannelError::none);
  EXPECT_EQ(error_of(dx::apply_place_order(base, {OrderSide::sell, 7, 100001}, p1)), DexChannelError::place_balance);
  // DX-PLACE-4
  DexState late = base;
  late.next_order_id = u64_max - 1;
  const auto last = dx::apply_place_order(late, {OrderSide::sell, 3, 1}, p1);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->orders.back().id, u64_max - 1);
  EXPECT_EQ(last->next_order_id, u64_max);
  EXPECT_EQ(error_of(dx::apply_place_order(*last, {OrderSide::sell, 3, 1}, p1)), DexChannelError::place_id);
}

TEST(DexChannelRules, CancelAndMatchRulesAtTheirBoundaries) {
  DexState s = pool_state();
  s.orders = {Order{3, 1, OrderSide::buy, 6, 2}, Order{5, 2, OrderSide::sell, 6, 1}};
  s.next_order_id = 6;
  s.positions[1].balance_a -= 12;  // the buy's lock, 2 * 6
  s.positions[2].balance_b -= 10;  // the sell's lock, 1 * 10
  ASSERT_EQ(dx::validate_state(s, 3), DexChannelError::none);
  // DX-CANCEL-1
  EXPECT_EQ(error_of(dx::apply_cancel_order(s, {4}, p1)), DexChannelError::cancel_unknown);
  EXPECT_EQ(error_of(dx::apply_cancel_order(s, {6}, p1)), DexChannelError::cancel_unknown);
  // DX-CANCEL-2
  EXPECT_EQ(error_of(dx::apply_cancel_order(s, {5}, p1)), DexChannelError::cancel_not_owner);
  const auto cancelled = dx::apply_cancel_order(s, {3}, p1);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->positions[1].balance_a, 1000000u);  // the 12 back
  EXPECT_EQ(cancelled->orders.size(), 1u);
  // DX-MATCH-1
  EXPECT_EQ(error_of(dx::apply_match(s, {0}, p1)), DexChannelError::match_zero);
  EXPECT_EQ(error_of(dx::apply_match(s, {1}, p1)), DexChannelError::none);
  // DX-MATCH-2: a bid of 6 against an ask of 6 crosses; an ask of 7 does not; one side alone does not.
  DexState apart = s;
  apart.orders[1].price = 7;
  EXPECT_EQ(error_of(dx::apply_match(apart, {1}, p1)), DexChannelError::match_not_crossed);
  EXPECT_EQ(error_of(dx::apply_match(*cancelled, {1}, p1)), DexChannelError::match_not_crossed);
  DexState bids_only = s;
  bids_only.orders.pop_back();
  EXPECT_EQ(error_of(dx::apply_match(bids_only, {1}, p1)), DexChannelError::match_not_crossed);
}

// Three sell orders at two prices: id 0 at 20, ids 1 and 2 at 19; then a buy of 12 lots at 20.
// Lots are 10 of B.
TEST(DexChannelBook, PriceTimePriorityWithThreeOrders) {
  Play play = three_party();
  ASSERT_EQ(play.move(place(OrderSide::sell, 20, 5)), DexChannelError::none);  // turn 1: p1, id 0
  ASSERT_EQ(play.move(place(OrderSide::sell, 19, 5)), DexChannelError::none);  // turn 2: p2, id 1
  ASSERT_EQ(play.move(pass()), DexChannelError::none);                         // turn 3: p0
  ASSERT_EQ(play.move(place(OrderSide::sell, 19, 5)), DexChannelError::none);  // turn 4: p1, id 2
  ASSERT_EQ(play.move(pass()), DexChannelError::none);                         // turn 5: p2
  ASSERT_EQ(play.move(place(OrderSide::buy, 20, 12)), DexChannelError::none);  // turn 6: p0, id 3
  const VariablePart before = play.current;
  // One fill: the best ask is the lowest price, 19, and of ids 1 and 2 the earlier, 1. The maker is
  // the ask (id 1 < 3): 5 lots at 19.
  {
    Play one = play;
    ASSERT_EQ(one.move(match(1)), DexChannelError::none);
    L2_EXPECT_FIELDS_EQ(one.state().trades, (std::vector<Trade>{Trade{3, 1, 5, 19}}));
    L2_EXPECT_FIELDS_EQ(one.state().orders, (std::vector<Order>{Order{0, 1, OrderSide::sell, 20, 5},
                                                      Order{2, 1, OrderSide::sell, 19, 5},
                                                      Order{3, 0, OrderSide::buy, 20, 7}}));
  }
  // All: id 1 (5 at 19), id 2 (5 at 19), then id 0 (2 of its 5 at 20). The buyer locked 12 * 20 =
  // 240, pays 95 + 95 + 40 = 230 and gets 10 back (1 per lot on the 10 lots at 19) and 120 of B.
  ASSERT_EQ(play.move(match(10)), DexChannelError::none);  // turn 7: p1 matches
  const DexState after = play.state();
  L2_EXPECT_FIELDS_EQ(after.trades, (std::vector<Trade>{Trade{3, 1, 5, 19}, Trade{3, 2, 5, 19}, Trade{3, 0, 2, 20}}));
  L2_EXPECT_FIELDS_EQ(after.orders, (std::vector<Order>{Order{0, 1, OrderSide::sell, 20, 3}}));
  L2_EXPECT_FIELDS_EQ(after.positions[0], (Position{1000000 - 230, 1000000 + 120, 0}));
  // p1 sold 5 lots (id 2) and 2 lots (id 0), 70 of B gone, 30 more still locked in id 0: 95 + 40 of A.
  L2_EXPECT_FIELDS_EQ(after.positions[1], (Position{1000000 + 135, 1000000 - 100, 0}));
  L2_EXPECT_FIELDS_EQ(after.positions[2], (Position{1000000 + 95, 1000000 - 50, 0}));
  EXPECT_EQ(play.current.outcome, (std::vector<u64>{1000000 - 230, 1000000 + 135, 1000000 + 95}));
  // The next move of anyone clears the trades: they belong to the move that made them.
  EXPECT_EQ(error_of(dx::make_move(play.fixed, before, match(10))), DexChannelError::none);
  ASSERT_EQ(play.move(pass()), DexChannelError::none);
  EXPECT_TRUE(play.state().trades.empty());
}

// One sell of 10 lots at 8 against buys of 3, 4 and 5 lots at 9: the sell is the maker (id 0).
TEST(DexChannelBook, PartialFillsNeverOverfill) {
  Play play = three_party();
  ASSERT_EQ(play.move(place(OrderSide::sell, 8, 10)), DexChannelError::none);  // p1, id 0
  ASSERT_EQ(play.move(place(OrderSide::buy, 9, 3)), DexChannelError::none);    // p2, id 1
  ASSERT_EQ(play.move(place(OrderSide::buy, 9, 4)), DexChannelError::none);    // p0, id 2
  ASSERT_EQ(play.move(pass()), DexChannelError::none);                         // p1
  ASSERT_EQ(play.move(place(OrderSide::buy, 9, 5)), DexChannelError::none);    // p2, id 3
  ASSERT_EQ(play.move(match(10)), DexChannelError::none);                      // p0
  // 3 + 4 + 3 = 10 lots: the sell is filled exactly; id 3 keeps 2 of its 5 lots.
  L2_EXPECT_FIELDS_EQ(play.state().trades, (std::vector<Trade>{Trade{1, 0, 3, 8}, Trade{2, 0, 4, 8}, Trade{3, 0, 3, 8}}));
  L2_EXPECT_FIELDS_EQ(play.state().orders, (std::vector<Order>{Order{3, 2, OrderSide::buy, 9, 2}}));
  // p1 sold 100 of B for 80 of A; p2 bought 3 + 3 lots (60 of B) for 48 of A, with 18 still locked.
  L2_EXPECT_FIELDS_EQ(play.state().positions[1], (Position{1000080, 999900, 0}));
  L2_EXPECT_FIELDS_EQ(play.state().positions[2], (Position{1000000 - 48 - 18, 1000060, 0}));
  L2_EXPECT_FIELDS_EQ(play.state().positions[0], (Position{1000000 - 32, 1000040, 0}));
  // Nothing left to sell: a second match is refused, and the rest of id 3 can only be cancelled.
  EXPECT_EQ(error_of(dx::make_move(play.fixed, play.current, match(10))), DexChannelError::match_not_crossed);
  ASSERT_EQ(play.move(pass()), DexChannelError::none);       // p1
  ASSERT_EQ(play.move(cancel(3)), DexChannelError::none);    // p2
  L2_EXPECT_FIELDS_EQ(play.state().positions[2], (Position{1000000 - 48, 1000060, 0}));
}

// When the bid is the earlier order, it is the maker and sets the price.
TEST(DexChannelBook, TheMakersPriceIsTheExecutionPrice) {
  Play play = three_party();
  ASSERT_EQ(play.move(place(OrderSide::buy, 25, 2)), DexChannelError::none);   // p1, id 0
  ASSERT_EQ(play.move(place(OrderSide::sell, 20, 3)), DexChannelError::none);  // p2, id 1
  ASSERT_EQ(play.move(match(1)), DexChannelError::none);                       // p0
  L2_EXPECT_FIELDS_EQ(play.state().trades, (std::vector<Trade>{Trade{0, 1, 2, 25}}));
  L2_EXPECT_FIELDS_EQ(play.state().positions[1], (Position{1000000 - 50, 1000020, 0}));
  L2_EXPECT_FIELDS_EQ(play.state().positions[2], (Position{1000050, 1000000 - 30, 0}));
}

// ---- attacks ----------------------------------------------------------------------------------------

// dex_channel.md#a-sandwich-in-numbers. Participant 0 is the victim V, 1 the liquidity provider,
// 2 the sandwicher S; turn t is participants[t mod 3]'s.
TEST(DexChannelAttacks, SandwichIsBlockedByMinOut) {
  Play play = three_party();
  ASSERT_EQ(play.move(add(100000, 100000)), DexChannelError::none);  // turn 1: the LP
  ASSERT_EQ(play.move(pass()), DexChannelError::none);               // turn 2: S
  ASSERT_EQ(play.move(pass()), DexChannelError::none);               // turn 3: V looks at (100000, 100000)
  // V's quote: 10000*9970*100000 / (100000*10000 + 10000*9970) = 9.97*10^12 / 1.0997*10^9 = 9066.1.
  const u64 quote = 9066;
  EXPECT_EQ(dx::get_amount_out(10000, play.state().reserve_a, play.state().reserve_b, 30), quote);
  const u64 min_out = quote * 99 / 100;  // 1% slippage: 8975
  EXPECT_EQ(min_out, 8975u);
  const DexAction queued = swap(SwapDirection::a_to_b, 10000, min_out, 6);  // for V's next turn, 6
  ASSERT_EQ(play.move(pass()), DexChannelError::none);                      // turn 4: the LP
  // Turn 5, S front-runs: 20000*9970*100000 / (10^9 + 199400000) = 16624.98 -> 16624 of B.
  ASSERT_EQ(play.move(swap(SwapDirection::a_to_b, 20000)), DexChannelError::none);
  EXPECT_EQ(play.state().reserve_a, 120000u);
  EXPECT_EQ(play.state().reserve_b, 83376u);
  const VariablePart after_front_run = play.current;
  // Turn 6, V's queued swap: 10000*9970*83376 / (1200000000 + 99700000) = 6395.8 -> 6395 < 8975.
  EXPECT_EQ(play.move(queued), DexChannelError::swap_slippage);
  // Without min_out V would have lost 9066 - 6395 = 2671 of B, and S's back-run would have paid
  // 16624*9970*130000 / (76981*10000 + 16624*9970) = 23030.6 -> 23030 of A for its 20000.
  {
    Play unprotected = play;
    ASSERT_EQ(unprotected.move(swap(SwapDirection::a_to_b, 10000, 0, 6)), DexChannelError::none);
    EXPECT_EQ(unprotected.state().positions[0].balance_b, 1000000u + 6395);
    EXPECT_EQ(quote - 6395, 2671u);
    ASSERT_EQ(unprotected.move(pass()), DexChannelError::none);  // turn 7: the LP
    ASSERT_EQ(unprotected.move(swap(SwapDirection::b_to_a, 16624)), DexChannelError::none);  // turn 8: S
    EXPECT_EQ(unprotected.state().positions[2].balance_a, 1000000u - 20000 + 23030);  // a profit of 3030
  }
  // With it, V passes; S's round trip pays 16624*9970*120000 / (833760000 + 165741280) = 19898.9:
  // a loss of 102.
  ASSERT_EQ(play.move(pass()), DexChannelError::none);  // turn 6: V
  ASSERT_EQ(play.move(pass()), DexChannelError::none);  // turn 7: the LP
  ASSERT_EQ(play.move(swap(SwapDirection::b_to_a, 16624)), DexChannelError::none);  // turn 8: S
  EXPECT_EQ(play.state().positions[2].balance_a, 1000000u - 20000 + 19898);
  L2_EXPECT_FIELDS_EQ(play.state().positions[0], (Position{1000000, 1000000, 0}));
  // The queued swap, applied late (turn 9 > valid_until_turn 6), fails its deadline.
  EXPECT_EQ(play.move(queued), DexChannelError::swap_expired);
  EXPECT_EQ(error_of(dx::make_move(play.fixed, after_front_run, queued)), DexChannelError::swap_slippage);
}

TEST(DexChannelAttacks, CancelByNonOwnerIsRejected) {
  Play play = three_party();
  ASSERT_EQ(play.move(place(OrderSide::sell, 10, 4)), DexChannelError::none);  // turn 1: p1's order 0
  EXPECT_EQ(play.move(cancel(0)), DexChannelError::cancel_not_owner);           // turn 2: p2 tries
  ASSERT_EQ(play.move(pass()), DexChannelError::none);                          // turn 2: p2
  EXPECT_EQ(play.move(cancel(0)), DexChannelError::cancel_not_owner);           // turn 3: p0 tries
  ASSERT_EQ(play.move(pass()), DexChannelError::none);                          // turn 3: p0
  ASSERT_EQ(play.move(cancel(0)), DexChannelError::none);                       // turn 4: p1, the owner
  EXPECT_TRUE(play.state().orders.empty());
  EXPECT_EQ(play.state().positions[1].balance_b, 1000000u);
  EXPECT_EQ(play.move(cancel(0)), DexChannelError::cancel_unknown);  // an id never returns
  // A state claiming someone else's cancel is not the action's result.
  Play forged = three_party();
  ASSERT_EQ(forged.move(place(OrderSide::sell, 10, 4)), DexChannelError::none);
  DexState cancelled = forged.state();
  cancelled.orders.clear();
  cancelled.positions[1].balance_b += 40;
  VariablePart to{2, dx::encode_data(DexData{cancel(0), cancelled}), forged.current.outcome, false};
  EXPECT_EQ(dx::check_move(forged.fixed, forged.current, to), DexChannelError::cancel_not_owner);
}

// Front-running by order id: a later order at the same price cannot rank ahead; only a better
// price does.
TEST(DexChannelAttacks, LaterOrderAtSamePriceRanksBehind) {
  Play play = three_party();
  ASSERT_EQ(play.move(place(OrderSide::buy, 10, 1)), DexChannelError::none);   // p1, id 0
  ASSERT_EQ(play.move(place(OrderSide::buy, 10, 1)), DexChannelError::none);   // p2, id 1: the same price
  ASSERT_EQ(play.move(place(OrderSide::sell, 10, 1)), DexChannelError::none);  // p0, id 2
  Play same = play;
  ASSERT_EQ(same.move(match(5)), DexChannelError::none);  // p1
  L2_EXPECT_FIELDS_EQ(same.state().trades, (std::vector<Trade>{Trade{0, 2, 1, 10}}));
  // With a better price (id 3 at 11) p2 ranks first, and pays the maker's 10 (1 back).
  ASSERT_EQ(play.move(pass()), DexChannelError::none);                        // p1
  ASSERT_EQ(play.move(place(OrderSide::buy, 11, 1)), DexChannelError::none);  // p2, id 3
  ASSERT_EQ(play.move(match(5)), DexChannelError::none);                      // p0
  L2_EXPECT_FIELDS_EQ(play.state().trades, (std::vector<Trade>{Trade{3, 2, 1, 10}}));
  L2_EXPECT_FIELDS_EQ(play.state().positions[2], (Position{1000000 - 10 - 10, 1000010, 0}));  // id 1 still locks 10
}

// ---- through the adjudicator --------------------------------------------------------------------------

using Keys = l2::test::KeyPool<2>;
const Keys& keys() {
  static const Keys pool = Keys::make("dex_channel_test");
  return pool;
}

TEST(DexChannelAdjudicator, MovesThroughTheAdjudicator) {
  using state_channel::Env;
  using state_channel::SignedState;
  const dx::DexApp app{};
  const state_channel::Bip340Check bip340{};
  const state_channel::StateChannelConfig config{10, 20, 1000, 4, 4096, 1000};
  const auto deployed = state_channel::deploy({7, filled(0xad), config});
  ASSERT_TRUE(deployed.ok());
  FixedPart fixed{7, filled(0xad), {keys().pubkey[0], keys().pubkey[1]}, 0, dx::dex_app_definition(), 100};
  const Hash32 id = state_channel::channel_id(fixed);
  const VariablePart opening = dx::opening_state(30, 10, {Position{500000, 500000, 0}, Position{500000, 500000, 0}});
  ASSERT_EQ(dx::check_opening(fixed, opening), DexChannelError::none);
  const Hash32 opening_digest = state_channel::state_digest(id, opening);
  const SignedState signed_opening{opening, {keys().sign(0, opening_digest), keys().sign(1, opening_digest)}};
  const auto opened = state_channel::apply_open(*deployed, {fixed, signed_opening}, Env{2}, bip340, app);
  ASSERT_TRUE(opened.ok()) << l2::error_info(opened.error()).code;
  EXPECT_EQ(opened->channels[0].total, 1000000u);
  auto funded = state_channel::apply_deposit(*opened, {id, 0, 500000}, Env{3});
  funded = state_channel::apply_deposit(*funded, {id, 1, 500000}, Env{3});
  ASSERT_TRUE(funded.ok());
  const auto signed_by = [&](const VariablePart& s, std::size_t signer) {
    return SignedState{s, {keys().sign(signer, state_channel::state_digest(id, s))}};
  };
  // Turn 1, participant 1 deposits (100000, 100000) and is the pool's creator: its claim stays
  // 400000 + 99000 + the locked 1000's = 500000.
  const auto move1 = dx::make_move(fixed, opening, add(100000, 100000));
  ASSERT_TRUE(move1.ok());
  EXPECT_EQ(move1->outcome, (std::vector<u64>{500000, 500000}));
  EXPECT_EQ(state_channel::apply_checkpoint(*funded, {id, {SignedState{opening, {}}, signed_by(*move1, 0)}}, Env{4},
                                            bip340, app)
                .error(),
            StateChannelError::support_mover_signature);  // participant 0 cannot sign participant 1's move
  const auto checked = state_channel::apply_checkpoint(
      *funded, {id, {SignedState{opening, {}}, signed_by(*move1, 1)}}, Env{4}, bip340, app);
  ASSERT_TRUE(checked.ok()) << l2::error_info(checked.error()).code;
  // Turn 2, participant 0 swaps 10000 of A for 9066 of B. Claims: 490000 for participant 0;
  // 400000 + floor(99000 * 110000 / 100000) = 108900 + the residue 1100 = 510000 for participant 1.
  const auto move2 = dx::make_move(fixed, *move1, swap(SwapDirection::a_to_b, 10000, 9066, 2));
  ASSERT_TRUE(move2.ok());
  EXPECT_EQ(move2->outcome, (std::vector<u64>{490000, 510000}));
  // The same swap with the outcome left as it was (participant 0 keeping its 10000 of A on chain):
  // the application refuses it.
  VariablePart hiding = *move2;
  hiding.outcome = {500000, 500000};
  const auto refused = state_channel::apply_checkpoint(
      *checked, {id, {SignedState{*move1, {}}, signed_by(hiding, 0)}}, Env{5}, bip340, app);
  EXPECT_EQ(refused.error(), StateChannelError::support_app);
  // Participant 0 challenges on its swap; nobody answers; the channel pays the claims.
  const state_channel::ChallengeInput challenge{
      id, {SignedState{*move1, {}}, signed_by(*move2, 0)}, 0,
      keys().sign(0, state_channel::challenge_digest(id, *move2))};
  const auto challenged = state_channel::apply_challenge(*checked, challenge, Env{10}, bip340, app);
  ASSERT_TRUE(challenged.ok()) << l2::error_info(challenged.error()).code;
  const auto& channel = challenged->channels[0];
  EXPECT_TRUE(state_channel::is_finalized(channel, 110));
  EXPECT_EQ(state_channel::payout(channel, 0), 490000u);
  EXPECT_EQ(state_channel::payout(channel, 1), 510000u);
  EXPECT_TRUE(state_channel::apply_withdraw(*challenged, {id, 1}, Env{110}).ok());
}

}  // namespace
