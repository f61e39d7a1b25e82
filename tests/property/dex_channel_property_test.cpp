// The DEX channel's invariants (dex_channel.md#invariants) on random sequences of actions played by
// make_move and judged by check_move: conservation of each token, the outcome as the claims on A,
// k and Uniswap's fee-adjusted K check on every swap, an LP share's value sqrt(x*y)/L never falling,
// slippage bounds and deadlines, no order filled beyond its lots, limit prices, and price-time
// priority. The oracles are written here: totals summed in 128 bits, the K and share-value checks
// in 256-bit integers (boost::multiprecision), and the matching of a crossed book by a separate
// model that sorts the book, fills it and predicts every trade.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <map>
#include <vector>

#include "l2/ref/dex_channel.hpp"

namespace {

using l2::DexChannelError;
using l2::Hash32;
using l2::u64;
using l2::u8;
namespace dx = l2::ref::dex_channel;
namespace state_channel = l2::ref::state_channel;
using dx::DexAction;
using dx::DexState;
using dx::Order;
using dx::OrderSide;
using dx::Position;
using dx::SwapDirection;
using dx::Trade;
using state_channel::FixedPart;
using state_channel::VariablePart;

__extension__ using u128 = unsigned __int128;
using u256 = boost::multiprecision::uint256_t;

// A value in [min, max), uniform whatever RapidCheck's size (gen::inRange scales its range with it).
template <class T>
T pick(T min, T max) {
  return *rc::gen::resize(100, rc::gen::inRange<T>(min, max));
}

FixedPart fixed_of(std::size_t n) {
  FixedPart fixed{};
  for (std::size_t i = 0; i < n; ++i) {
    Hash32 key{};
    key.fill(static_cast<u8>(0x20 + i));
    fixed.participants.push_back(key);
  }
  fixed.app_definition = dx::dex_app_definition();
  return fixed;
}

DexState state_of(const VariablePart& s) { return dx::decode_data(s.app_data).value().state; }

// The totals of dex_channel.md#totals, summed here in 128 bits.
struct Totals {
  u128 a = 0;
  u128 b = 0;
  bool operator==(const Totals&) const = default;
};
Totals totals(const DexState& s) {
  Totals t{s.reserve_a, s.reserve_b};
  for (const Position& p : s.positions) {
    t.a += p.balance_a;
    t.b += p.balance_b;
  }
  for (const Order& o : s.orders) {
    if (o.side == OrderSide::buy)
      t.a += static_cast<u128>(o.lots) * o.price;
    else
      t.b += static_cast<u128>(o.lots) * s.lot_b;
  }
  return t;
}

// One random action, its amounts scaled to the state so that many are accepted and some are not.
DexAction random_action(const DexState& s, std::size_t actor, u64 turn) {
  const Position& me = s.positions[actor];
  const auto up_to = [](u64 limit) { return pick<u64>(0, limit + 2); };
  DexAction action;
  switch (pick<int>(0, 13)) {  // weights: add 2, remove 1, swap 3, place 3, cancel 1, match 2, pass 1
    case 0:
    case 1:
      action.add_liquidity = dx::AddLiquidity{up_to(me.balance_a / 2), up_to(me.balance_b / 2),
                                              *rc::gen::element<u64>(0, 0, 1, 1000)};
      break;
    case 2:
      action.remove_liquidity = dx::RemoveLiquidity{up_to(me.shares), *rc::gen::element<u64>(0, 0, 1, 50),
                                                    *rc::gen::element<u64>(0, 0, 1, 50)};
      break;
    case 3:
    case 4:
    case 5: {
      const bool a_to_b = *rc::gen::arbitrary<bool>();
      const u64 amount = up_to((a_to_b ? me.balance_a : me.balance_b) / 3);
      const u64 reserve_in = a_to_b ? s.reserve_a : s.reserve_b, reserve_out = a_to_b ? s.reserve_b : s.reserve_a;
      const u64 expected = reserve_in == 0 ? 0 : dx::get_amount_out(amount, reserve_in, reserve_out, s.fee_bps);
      // A min_out around the quote (at, just above, or below it) and a deadline around the turn.
      const u64 min_out = *rc::gen::element<u64>(0, expected, expected + 1, expected / 2);
      const u64 until = *rc::gen::element(u64{turn}, turn - 1, turn + 5, u64{l2::u64_max});
      action.swap_exact_in =
          dx::SwapExactIn{a_to_b ? SwapDirection::a_to_b : SwapDirection::b_to_a, amount, min_out, until};
      break;
    }
    case 6:
    case 7:
    case 8:
      action.place_order = dx::PlaceOrder{*rc::gen::arbitrary<bool>() ? OrderSide::buy : OrderSide::sell,
                                          *rc::gen::element<u64>(0, 5, 6, 6, 7), pick<u64>(0, 9)};
      break;
    case 9:
      action.cancel_order = dx::CancelOrder{s.orders.empty() ? pick<u64>(0, 3)
                                                             : s.orders[pick<std::size_t>(0, s.orders.size())].id};
      break;
    case 10:
    case 11:
      action.match = dx::Match{pick<u64>(0, 4)};
      break;
    default:
      break;  // a pass
  }
  return action;
}

// The model of a match: the book sorted by price-time priority, filled at the maker's price.
std::vector<Trade> model_match(std::vector<Order> book, u64 max_fills) {
  std::vector<Trade> trades;
  while (trades.size() < max_fills) {
    std::vector<Order*> bids, asks;
    for (Order& o : book)
      if (o.lots > 0) (o.side == OrderSide::buy ? bids : asks).push_back(&o);
    if (bids.empty() || asks.empty()) break;
    std::sort(bids.begin(), bids.end(),
              [](const Order* x, const Order* y) { return x->price != y->price ? x->price > y->price : x->id < y->id; });
    std::sort(asks.begin(), asks.end(),
              [](const Order* x, const Order* y) { return x->price != y->price ? x->price < y->price : x->id < y->id; });
    Order& bid = *bids.front();
    Order& ask = *asks.front();
    if (bid.price < ask.price) break;
    const u64 lots = std::min(bid.lots, ask.lots);
    trades.push_back(Trade{bid.id, ask.id, lots, bid.id < ask.id ? bid.price : ask.price});
    bid.lots -= lots;
    ask.lots -= lots;
  }
  return trades;
}

// sqrt(x*y)/L never falls: x'*y'*L^2 >= x*y*L'^2.
bool share_value_kept(const DexState& before, const DexState& after) {
  if (before.total_shares == 0 || after.total_shares == 0) return true;
  const u256 lhs = u256(after.reserve_a) * after.reserve_b * before.total_shares * before.total_shares;
  const u256 rhs = u256(before.reserve_a) * before.reserve_b * after.total_shares * after.total_shares;
  return lhs >= rhs;
}

struct Placed {
  u64 lots = 0;
  u64 price = 0;
  OrderSide side = OrderSide::buy;
};

RC_GTEST_PROP(DexChannelProperty, RandomActionsKeepEveryInvariant, ()) {
  const std::size_t n = pick<std::size_t>(2, 5);
  const u64 fee = *rc::gen::element<u64>(0, 1, 30, 100, 3000, 9999);
  const u64 lot_b = *rc::gen::element<u64>(1, 7, 10, 1000);
  std::vector<Position> positions;
  for (std::size_t i = 0; i < n; ++i) {
    const u64 scale = *rc::gen::element<u64>(5000, 100000, 100000, u64{1} << 40);
    positions.push_back(Position{pick<u64>(0, scale), pick<u64>(0, scale), 0});
  }
  const FixedPart fixed = fixed_of(n);
  VariablePart current = dx::opening_state(fee, lot_b, positions);
  RC_ASSERT(dx::check_opening(fixed, current) == DexChannelError::none);
  const Totals initial = totals(state_of(current));
  std::map<u64, Placed> placed;   // every order ever placed, by id
  std::map<u64, u64> filled;      // the lots each order has traded
  const int steps = pick<int>(10, 150);
  int accepted_swaps = 0, accepted_fills = 0, partial_fills = 0;
  for (int step = 0; step < steps; ++step) {
    const DexState before = state_of(current);
    const u64 turn = current.turn + 1;
    const std::size_t actor = static_cast<std::size_t>(turn % n);
    const DexAction action = random_action(before, actor, turn);
    const auto made = dx::make_move(fixed, current, action);
    if (!made.ok()) {
      // A refused action changes nothing; the mover passes instead, so the turns go on.
      const auto passed = dx::make_move(fixed, current, DexAction{});
      RC_ASSERT(passed.ok());
      current = *passed;
      continue;
    }
    const VariablePart to = *made;
    RC_ASSERT(dx::check_move(fixed, current, to) == DexChannelError::none);
    RC_ASSERT(dx::DexApp{}.valid_move(fixed, current, to));
    const DexState after = state_of(to);
    RC_ASSERT(dx::validate_state(after, n) == DexChannelError::none);
    // Conservation, and the outcome: the claims sum to the total of A.
    RC_ASSERT(totals(after) == initial);
    u128 outcome_sum = 0;
    for (const u64 claim : to.outcome) outcome_sum += claim;
    RC_ASSERT(outcome_sum == initial.a);
    RC_ASSERT(to.outcome.size() == n);
    // An LP share's value never falls, whatever the action.
    RC_ASSERT(share_value_kept(before, after));
    if (action.swap_exact_in) {
      const dx::SwapExactIn& swap = *action.swap_exact_in;
      ++accepted_swaps;
      const bool a_to_b = swap.direction == SwapDirection::a_to_b;
      const u64 x = a_to_b ? before.reserve_a : before.reserve_b, y = a_to_b ? before.reserve_b : before.reserve_a;
      const u64 x2 = a_to_b ? after.reserve_a : after.reserve_b, y2 = a_to_b ? after.reserve_b : after.reserve_a;
      const u64 out = y - y2;
      RC_ASSERT(x2 == x + swap.amount_in);
      // k does not decrease, and Uniswap's K check with the fee counted holds: the input side's
      // balance adjusted by its fee, the output side's by none (it took no input), both scaled by 10000.
      RC_ASSERT(u256(x2) * y2 >= u256(x) * y);
      RC_ASSERT((u256(x2) * 10000 - u256(swap.amount_in) * fee) * (u256(y2) * 10000) >= u256(x) * y * 10000 * 10000);
      // Bounds: at least min_out, at most the deadline's turn; the trader got exactly `out`.
      RC_ASSERT(out >= swap.min_out);
      RC_ASSERT(out >= 1);
      RC_ASSERT(turn <= swap.valid_until_turn);
      const Position& was = before.positions[actor];
      const Position& is = after.positions[actor];
      RC_ASSERT((a_to_b ? is.balance_b - was.balance_b : is.balance_a - was.balance_a) == out);
    }
    if (action.add_liquidity) RC_ASSERT(after.positions[actor].shares - before.positions[actor].shares >= action.add_liquidity->min_shares);
    if (action.remove_liquidity) {
      RC_ASSERT(after.positions[actor].balance_a - before.positions[actor].balance_a >= action.remove_liquidity->min_a);
      RC_ASSERT(after.positions[actor].balance_b - before.positions[actor].balance_b >= action.remove_liquidity->min_b);
    }
    if (action.place_order) {
      const Order& order = after.orders.back();
      RC_ASSERT(order.id == before.next_order_id);
      RC_ASSERT(order.owner == actor);
      placed[order.id] = Placed{order.lots, order.price, order.side};
    }
    if (action.cancel_order) {
      // Only the owner cancels.
      const auto it = std::find_if(before.orders.begin(), before.orders.end(),
                                   [&](const Order& o) { return o.id == action.cancel_order->order_id; });
      RC_ASSERT(it != before.orders.end());
      RC_ASSERT(it->owner == actor);
    }
    if (action.match) {
      // The trades are the model's: price-time priority, at the maker's price.
      RC_ASSERT(l2::reflect::equal(after.trades, model_match(before.orders, action.match->max_fills)));
      for (const Trade& trade : after.trades) {
        ++accepted_fills;
        if (trade.lots != placed.at(trade.buy_id).lots || trade.lots != placed.at(trade.sell_id).lots) ++partial_fills;
        filled[trade.buy_id] += trade.lots;
        filled[trade.sell_id] += trade.lots;
        // Limit prices: the buyer pays at most its price, the seller gets at least its price.
        RC_ASSERT(trade.price <= placed.at(trade.buy_id).price);
        RC_ASSERT(trade.price >= placed.at(trade.sell_id).price);
        RC_ASSERT(placed.at(trade.buy_id).side == OrderSide::buy);
        RC_ASSERT(placed.at(trade.sell_id).side == OrderSide::sell);
      }
    } else {
      RC_ASSERT(after.trades.empty());
    }
    // No overfill: every order's fills plus what is left of it in the book are the lots it was
    // placed with, and an order gone from the book never trades again.
    for (const auto& [id, lots] : filled) RC_ASSERT(lots <= placed.at(id).lots);
    for (const Order& order : after.orders) RC_ASSERT(filled[order.id] + order.lots == placed.at(order.id).lots);
    current = to;
  }
  RC_TAG(accepted_swaps > 0 ? "swapped" : "no swap");
  RC_TAG(accepted_fills > 0 ? "filled" : "no fill");
  RC_TAG(partial_fills > 0 ? "partial" : "no partial");
}

// A crossed book is always matchable, and after a match with enough fills the book no longer crosses.
RC_GTEST_PROP(DexChannelProperty, MatchingEnoughLeavesTheBookUncrossed, ()) {
  DexState s{};
  s.fee_bps = 30;
  s.lot_b = 3;
  s.positions.assign(3, Position{});
  const int count = pick<int>(1, 12);
  for (int i = 0; i < count; ++i) {
    const OrderSide side = *rc::gen::arbitrary<bool>() ? OrderSide::buy : OrderSide::sell;
    const u64 owner = pick<u64>(0, 3);
    const u64 price = pick<u64>(1, 6), lots = pick<u64>(1, 6);
    s.orders.push_back(Order{s.next_order_id, owner, side, price, lots});
    s.next_order_id += pick<u64>(1, 3);
  }
  RC_ASSERT(dx::validate_state(s, 3) == DexChannelError::none);
  const auto matched = dx::apply_match(s, dx::Match{100}, dx::Mover{0, 1});
  const std::vector<Trade> expected = model_match(s.orders, 100);
  if (expected.empty()) {
    RC_ASSERT(matched.error() == DexChannelError::match_not_crossed);
    return;
  }
  RC_ASSERT(matched.ok());
  RC_ASSERT(l2::reflect::equal(matched->trades, expected));
  RC_ASSERT(dx::apply_match(*matched, dx::Match{1}, dx::Mover{0, 2}).error() == DexChannelError::match_not_crossed);
  RC_ASSERT(totals(*matched) == totals(s));
}

}  // namespace
