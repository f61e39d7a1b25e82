// Differential test: the optimized DEX judge (l2::opt::dex_channel: Engine::check_move, the
// thread's check_move, DexApp) against the reference (l2::ref::dex_channel::check_move, DexApp).
// For every fixed part and pair of states: the same DexChannelError, not only the same verdict.
// Each judged pair runs on one Engine shared by every case of the run (its buffers reused across
// channels of every size), on a fresh Engine and on the thread's Engine, and all three must equal
// the reference.
// The pairs:
//   - reachable play: a random opening played by make_move with random actions; every honest move,
//     the same move with one field broken (the turn, an outcome entry or its length, a header field,
//     a position, an order, a trade, the action's amounts, a second operation, the fixed part's
//     participants, from's state), and each refused action carried anyway by a to-state;
//   - unreachable from-states: states built field by field from boundary values (0, 1, 2^64 - 1,
//     fee_bps 9999 and 10000, lot_b 0, reserves of 1 beside 2^62 shares, balances whose totals pass
//     2^64 - 1, orders whose locks overflow or whose ids touch next_order_id = 2^64 - 1), with
//     boundary actions (amounts 0, 1, the balance, the balance + 1, 2^64 - 1; deadlines at the
//     turn - 1, + 0, + 1), honest results where the reference accepts and broken ones;
//   - byte corruption of either app_data: truncation, extension, a flipped byte, an optional tag or
//     enum byte set to 2..255, a list count moved.
// Every rule check_move can return (all of DX- but DX-OPEN-1..3, which only check_opening returns)
// must be the reference's reason for some case, and every operation (and the pass) must be accepted
// in some case, in a run from a fixed seed; the counts are printed.
// get_amount_out and isqrt are compared with the reference's directly at their boundaries.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "l2/opt/dex_channel.hpp"
#include "l2/ref/dex_channel.hpp"
#include "l2/test/rapidcheck_runs.hpp"

namespace {

using l2::Bytes;
using l2::DexChannelError;
using l2::Hash32;
using l2::u64;
using l2::u8;
namespace dx = l2::ref::dex_channel;
namespace opt = l2::opt::dex_channel;
using dx::DexAction;
using dx::DexData;
using dx::DexState;
using dx::FixedPart;
using dx::Order;
using dx::OrderSide;
using dx::Position;
using dx::SwapDirection;
using dx::Trade;
using dx::u128;
using dx::VariablePart;

constexpr u64 u64_max = l2::u64_max;
// Cases per property: together a few seconds at the tests' optimization on one core.
constexpr int play_cases = 1500;
constexpr int unreachable_cases = 20000;
constexpr int corruption_cases = 8000;
constexpr int arithmetic_cases = 20000;

// A value in [min, max), uniform whatever RapidCheck's size.
template <class T>
T pick(T min, T max) {
  return *rc::gen::resize(100, rc::gen::inRange<T>(min, max));
}
bool chance(int one_in) { return pick<int>(0, one_in) == 0; }

// A full-range u64, or a boundary: 0 and 1 for the zero rules, 2^64 - 1 and 2^64 - 2 for the
// overflow rules, powers of two near 2^32 and 2^63 for carries between the words of a product.
u64 edgy() {
  switch (pick<int>(0, 8)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return u64_max;
    case 3: return u64_max - 1;
    case 4: return u64{1} << pick<int>(30, 64);
    case 5: return (u64{1} << pick<int>(30, 64)) - 1;
    case 6: return pick<u64>(0, 3000);
    default: return *rc::gen::resize(100, rc::gen::arbitrary<u64>());
  }
}

// Mostly an amount below 2^40 (so that totals fit and actions get judged), sometimes a boundary.
u64 amount() { return chance(4) ? edgy() : pick<u64>(0, u64{1} << pick<int>(4, 41)); }

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

DexData data_of(const VariablePart& s) { return dx::decode_data(s.app_data).value(); }

std::string code(DexChannelError e) { return std::string(error_info(e).code); }

// ---- judging -------------------------------------------------------------------------------------

std::map<DexChannelError, u64>& tally() {
  static std::map<DexChannelError, u64> counts;
  return counts;
}

std::map<std::string, u64>& accepted() {
  static std::map<std::string, u64> counts;
  return counts;
}

std::string operation_name(const DexAction& a) {
  return a.add_liquidity ? "add_liquidity" : a.remove_liquidity ? "remove_liquidity" : a.swap_exact_in ? "swap_exact_in"
         : a.place_order ? "place_order" : a.cancel_order ? "cancel_order" : a.match ? "match" : "pass";
}

// The Engine every case shares, so that its buffers carry from one channel to the next.
opt::Engine& shared_engine() {
  static opt::Engine engine;
  return engine;
}

// expect_matches_reference: the three faces of the engine against the reference on one pair.
DexChannelError judge(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) {
  const DexChannelError expected = dx::check_move(fixed, from, to);
  RC_ASSERT(code(shared_engine().check_move(fixed, from, to)) == code(expected));
  opt::Engine fresh;
  RC_ASSERT(code(fresh.check_move(fixed, from, to)) == code(expected));
  RC_ASSERT(code(opt::check_move(fixed, from, to)) == code(expected));
  RC_ASSERT(opt::DexApp{}.valid_move(fixed, from, to) == dx::DexApp{}.valid_move(fixed, from, to));
  ++tally()[expected];
  if (expected == DexChannelError::none) ++accepted()[operation_name(data_of(to).action)];
  return expected;
}

// ---- actions -------------------------------------------------------------------------------------

// One action on `s` by `actor` at `turn`, its amounts at the rules' edges: 0, 1, the balance and one
// past it, half of it, the quote and one past it, 2^64 - 1.
DexAction random_action(const DexState& s, std::size_t actor, u64 turn) {
  const Position me = actor < s.positions.size() ? s.positions[actor] : Position{};
  const auto around = [](u64 limit) {
    switch (pick<int>(0, 7)) {
      case 0: return u64{0};
      case 1: return u64{1};
      case 2: return limit;
      case 3: return limit + 1;  // wraps at 2^64 - 1: then 0
      case 4: return u64_max;
      default: return limit == 0 ? u64{0} : pick<u64>(0, limit) / pick<u64>(1, 4);
    }
  };
  DexAction action;
  switch (pick<int>(0, 13)) {
    case 0:
    case 1:
      action.add_liquidity = dx::AddLiquidity{around(me.balance_a), around(me.balance_b),
                                              *rc::gen::element<u64>(0, 0, 1, 1000, u64_max)};
      break;
    case 2:
      action.remove_liquidity = dx::RemoveLiquidity{around(me.shares), *rc::gen::element<u64>(0, 0, 1, 50, u64_max),
                                                    *rc::gen::element<u64>(0, 0, 1, 50, u64_max)};
      break;
    case 3:
    case 4:
    case 5: {
      const bool a_to_b = *rc::gen::arbitrary<bool>();
      const u64 in = around(a_to_b ? me.balance_a : me.balance_b);
      const u64 reserve_in = a_to_b ? s.reserve_a : s.reserve_b, reserve_out = a_to_b ? s.reserve_b : s.reserve_a;
      const bool quotable = s.fee_bps < dx::bps_denominator && (reserve_in != 0 || in != 0);
      const u64 expected = quotable ? dx::get_amount_out(in, reserve_in, reserve_out, s.fee_bps) : 0;
      const u64 min_out = *rc::gen::element<u64>(0, expected, expected + 1, expected / 2, u64_max);
      const u64 until = *rc::gen::element(u64{turn}, turn - 1, turn + 1, u64_max, u64{0});
      action.swap_exact_in =
          dx::SwapExactIn{a_to_b ? SwapDirection::a_to_b : SwapDirection::b_to_a, in, min_out, until};
      break;
    }
    case 6:
    case 7:
    case 8: {
      const bool buy = *rc::gen::arbitrary<bool>();
      const u64 price = chance(5) ? edgy() : *rc::gen::element<u64>(0, 5, 6, 6, 7, 100);
      const u64 lots = chance(5) ? edgy() : pick<u64>(0, 9);
      action.place_order = dx::PlaceOrder{buy ? OrderSide::buy : OrderSide::sell, price, lots};
      break;
    }
    case 9:
      action.cancel_order = dx::CancelOrder{s.orders.empty() || chance(4)
                                                ? edgy()
                                                : s.orders[pick<std::size_t>(0, s.orders.size())].id};
      break;
    case 10:
    case 11:
      action.match = dx::Match{*rc::gen::element<u64>(0, 1, 2, 3, 100, u64_max)};
      break;
    default:
      break;  // a pass
  }
  return action;
}

// A second operation beside the first: DX-MOVE-4.
DexAction with_second_operation(DexAction action) {
  switch (pick<int>(0, 3)) {
    case 0: action.match = dx::Match{1}; break;
    case 1: action.cancel_order = dx::CancelOrder{0}; break;
    default: action.add_liquidity = dx::AddLiquidity{1, 1, 0}; break;
  }
  if (!action.remove_liquidity) action.remove_liquidity = dx::RemoveLiquidity{1, 0, 0};
  return action;
}

// ---- breaking one field --------------------------------------------------------------------------

u64 nudged(u64 v) {
  switch (pick<int>(0, 4)) {
    case 0: return v + 1;
    case 1: return v - 1;
    case 2: return v ^ (u64{1} << pick<int>(0, 64));
    default: return edgy();
  }
}

// One field of a DexData changed: the action's values, a header field, a position, the book or the
// trades (an entry changed, added or removed).
DexData broken_data(DexData d) {
  DexState& s = d.state;
  switch (pick<int>(0, 12)) {
    case 0: s.fee_bps = nudged(s.fee_bps); break;
    case 1: s.lot_b = nudged(s.lot_b); break;
    case 2: s.reserve_a = nudged(s.reserve_a); break;
    case 3: s.reserve_b = nudged(s.reserve_b); break;
    case 4: s.total_shares = nudged(s.total_shares); break;
    case 5: s.pool_creator = nudged(s.pool_creator); break;
    case 6: s.next_order_id = nudged(s.next_order_id); break;
    case 7:
      if (s.positions.empty() || chance(6)) {
        s.positions.push_back(Position{});
      } else {
        Position& p = s.positions[pick<std::size_t>(0, s.positions.size())];
        u64* fields[] = {&p.balance_a, &p.balance_b, &p.shares};
        *fields[pick<int>(0, 3)] = nudged(*fields[pick<int>(0, 3)]);
      }
      break;
    case 8:
      if (s.orders.empty() || chance(4)) {
        s.orders.insert(s.orders.begin() + static_cast<std::ptrdiff_t>(pick<std::size_t>(0, s.orders.size() + 1)),
                        Order{s.next_order_id, 0, OrderSide::sell, 1, 1});
      } else {
        const std::size_t i = pick<std::size_t>(0, s.orders.size());
        Order& o = s.orders[i];
        switch (pick<int>(0, 6)) {
          case 0: o.id = nudged(o.id); break;
          case 1: o.owner = nudged(o.owner); break;
          case 2: o.side = o.side == OrderSide::buy ? OrderSide::sell : OrderSide::buy; break;
          case 3: o.price = nudged(o.price); break;
          case 4: o.lots = nudged(o.lots); break;
          default: s.orders.erase(s.orders.begin() + static_cast<std::ptrdiff_t>(i)); break;
        }
      }
      break;
    case 9:
      if (s.trades.empty() || chance(3)) {
        s.trades.push_back(Trade{0, 1, 1, 1});
      } else {
        const std::size_t i = pick<std::size_t>(0, s.trades.size());
        Trade& t = s.trades[i];
        switch (pick<int>(0, 5)) {
          case 0: t.buy_id = nudged(t.buy_id); break;
          case 1: t.sell_id = nudged(t.sell_id); break;
          case 2: t.lots = nudged(t.lots); break;
          case 3: t.price = nudged(t.price); break;
          default: s.trades.erase(s.trades.begin() + static_cast<std::ptrdiff_t>(i)); break;
        }
      }
      break;
    case 10: {
      DexAction& a = d.action;
      if (a.add_liquidity) a.add_liquidity->min_shares = nudged(a.add_liquidity->min_shares);
      if (a.remove_liquidity) a.remove_liquidity->min_b = nudged(a.remove_liquidity->min_b);
      if (a.swap_exact_in) a.swap_exact_in->amount_in = nudged(a.swap_exact_in->amount_in);
      if (a.place_order) a.place_order->price = nudged(a.place_order->price);
      if (a.cancel_order) a.cancel_order->order_id = nudged(a.cancel_order->order_id);
      if (a.match) a.match->max_fills = nudged(a.match->max_fills);
      if (!a.add_liquidity && !a.remove_liquidity && !a.swap_exact_in && !a.place_order && !a.cancel_order && !a.match)
        a.match = dx::Match{1};  // a pass becomes a match
      break;
    }
    default: d.action = with_second_operation(d.action); break;
  }
  return d;
}

// A judged pair with one thing broken: to's turn, outcome, data or finality; from's turn or data;
// or the fixed part's participants.
void judge_broken(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) {
  FixedPart f = fixed;
  VariablePart a = from, b = to;
  switch (pick<int>(0, 10)) {
    case 0: b.turn = *rc::gen::element(b.turn + 1, b.turn - 1, a.turn, u64{0}); break;
    case 1: a.turn = *rc::gen::element(u64_max, a.turn + 1, b.turn); break;
    case 2:
      if (b.outcome.empty() || chance(3))
        b.outcome.push_back(0);
      else if (chance(2))
        b.outcome.pop_back();
      else
        b.outcome[pick<std::size_t>(0, b.outcome.size())] = nudged(b.outcome[0]);
      break;
    case 3: b.is_final = !b.is_final; break;
    case 4:
      f.participants.resize(fixed.participants.empty() ? 1
                                                       : *rc::gen::element<std::size_t>(0, fixed.participants.size() + 1,
                                                                                        fixed.participants.size() - 1));
      break;
    case 5: a.app_data = dx::encode_data(broken_data(data_of(from))); break;
    default: b.app_data = dx::encode_data(broken_data(data_of(to))); break;
  }
  judge(f, a, b);
}

// The pair from -> the action applied by the turn's mover: the honest to-state when the reference
// applies it, else a to-state carrying the refused action over from's state; both judged, and the
// honest one once more with a field broken. Contract: from's app_data decodes.
void judge_action(const FixedPart& fixed, const VariablePart& from, const DexAction& action) {
  const DexState state = data_of(from).state;
  const u64 turn = from.turn + 1;
  const u64 n = fixed.participants.size();
  VariablePart to{turn, {}, {}, chance(8)};
  DexState next = state;
  next.trades.clear();
  to.outcome.assign(state.positions.size(), 0);
  if (n != 0 && dx::validate_state(state, n) == DexChannelError::none && dx::operation_count(action) <= 1) {
    const auto applied = dx::apply_action(state, action, dx::Mover{turn % n, turn});
    if (applied.ok()) {
      next = applied.value();
      to.outcome = dx::claims_a(next);
    }
  }
  to.app_data = dx::encode_data(DexData{action, next});
  judge(fixed, from, to);
  judge_broken(fixed, from, to);
}

// ---- reachable play ------------------------------------------------------------------------------

void play() {
  const std::size_t n = pick<std::size_t>(1, 5);
  const u64 fee = *rc::gen::element<u64>(0, 1, 30, 100, 3000, 9999);
  const u64 lot_b = *rc::gen::element<u64>(1, 7, 10, 1000);
  // 2^61 per balance: the pool's products pass 2^128 (get_amount_out's 192-bit numerator) and the
  // totals of four positions still fit.
  const u64 scale = *rc::gen::element<u64>(5000, 100000, u64{1} << 40, u64{1} << 61);
  std::vector<Position> positions;
  for (std::size_t i = 0; i < n; ++i) positions.push_back(Position{pick<u64>(0, scale), pick<u64>(0, scale), 0});
  const FixedPart fixed = fixed_of(n);
  VariablePart current = dx::opening_state(fee, lot_b, positions);
  RC_ASSERT(dx::check_opening(fixed, current) == DexChannelError::none);
  current.turn = chance(10) ? u64_max - pick<u64>(1, 30) : 0;  // a turn counter that overflows late in play
  const int steps = pick<int>(5, 40);
  for (int step = 0; step < steps && current.turn != u64_max; ++step) {
    const u64 turn = current.turn + 1;
    const DexState before = data_of(current).state;
    DexAction action = random_action(before, static_cast<std::size_t>(turn % n), turn);
    if (action.swap_exact_in && chance(2)) {  // a swap with loose bounds, so that the pool trades often
      action.swap_exact_in->min_out = 0;
      action.swap_exact_in->valid_until_turn = u64_max;
    }
    const auto made = dx::make_move(fixed, current, action);
    if (!made.ok()) {
      judge_action(fixed, current, action);  // the refused action, carried anyway
      current = *dx::make_move(fixed, current, DexAction{});
      continue;
    }
    RC_ASSERT(judge(fixed, current, *made) == DexChannelError::none);
    judge_broken(fixed, current, *made);
    current = *made;
  }
  if (current.turn == u64_max) judge_action(fixed, current, DexAction{});  // DX-MOVE-1 at 2^64 - 1
}

// ---- unreachable from-states ---------------------------------------------------------------------

DexState random_state(std::size_t n) {
  DexState s{};
  s.fee_bps = chance(8) ? *rc::gen::element<u64>(10000, 10001, u64_max) : *rc::gen::element<u64>(0, 1, 30, 9999);
  s.lot_b = chance(10) ? 0 : *rc::gen::element<u64>(1, 7, 1000, u64{1} << 32, u64_max);
  std::size_t count = n;
  if (chance(12)) count = n == 0 || chance(2) ? n + 1 : n - 1;
  for (std::size_t i = 0; i < count; ++i) s.positions.push_back(Position{amount(), amount(), 0});
  switch (pick<int>(0, 7)) {
    case 0:
    case 1: break;  // an empty pool
    case 6: {       // a deep pool: reserves of 1 to 3 behind about 2^63 shares, where a deposit's shares overflow
      s.reserve_a = pick<u64>(1, 4), s.reserve_b = pick<u64>(1, 4);
      for (Position& p : s.positions) p.shares = pick<u64>(0, 100);
      if (!s.positions.empty()) s.positions[0].shares = (u64{1} << 63) - pick<u64>(0, 3);
      u128 held = 0;
      for (const Position& p : s.positions) held += p.shares;
      s.total_shares = static_cast<u64>(held + dx::minimum_liquidity);
      break;
    }
    case 5: {       // a pool out of form
      s.reserve_a = edgy(), s.reserve_b = edgy(), s.total_shares = edgy();
      if (!s.positions.empty()) s.positions[0].shares = edgy();
      break;
    }
    default: {  // a funded pool: shares + 1000 = total_shares, some reserves of 1 beside many shares
      s.reserve_a = chance(3) ? pick<u64>(1, 4) : std::max<u64>(1, amount());
      s.reserve_b = chance(3) ? pick<u64>(1, 4) : std::max<u64>(1, amount());
      u128 held = 0;
      for (Position& p : s.positions) {
        p.shares = chance(3) ? edgy() >> pick<int>(1, 4) : pick<u64>(0, 100000);
        held += p.shares;
      }
      s.total_shares = held + dx::minimum_liquidity > u64_max ? u64_max : static_cast<u64>(held + dx::minimum_liquidity);
      s.pool_creator = pick<u64>(0, std::max<std::size_t>(n, 1));
      break;
    }
  }
  if (chance(12)) s.pool_creator = *rc::gen::element(u64{n}, u64_max);
  const int orders = pick<int>(0, 9);
  u64 id = chance(8) ? u64_max - 20 : pick<u64>(0, 5);
  for (int i = 0; i < orders; ++i) {
    const bool buy = *rc::gen::arbitrary<bool>();
    const u64 owner = chance(20) ? n : pick<u64>(0, std::max<std::size_t>(n, 1));
    const u64 price = chance(6) ? edgy() : pick<u64>(1, 12);
    const u64 lots = chance(6) ? edgy() : pick<u64>(1, 9);
    s.orders.push_back(Order{id, owner, buy ? OrderSide::buy : OrderSide::sell, price, lots});
    id += chance(20) ? 0 : pick<u64>(1, 3);  // 0: a repeated id, out of order
  }
  // 2^64 - 1: no id is left (DX-PLACE-4); id - 1 and 0: an id at or past next_order_id.
  s.next_order_id = chance(8) ? *rc::gen::element(u64_max, u64_max, u64{id - 1}, u64{0}) : id + pick<u64>(0, 2);
  for (int i = pick<int>(0, 3); i > 0; --i) s.trades.push_back(Trade{edgy(), edgy(), edgy(), edgy()});
  return s;
}

void unreachable() {
  const std::size_t n = chance(25) ? 0 : pick<std::size_t>(1, 5);
  const FixedPart fixed = fixed_of(n);
  const DexState state = random_state(n);
  const u64 turn = *rc::gen::element<u64>(0, 1, pick<u64>(0, 1000), u64_max - 1, u64_max - 2);
  VariablePart from{turn, dx::encode_data(DexData{random_action(state, 0, turn), state}), {}, chance(10)};
  const std::size_t actor = n == 0 ? 0 : static_cast<std::size_t>((turn + 1) % n);
  DexAction action = random_action(state, actor, turn + 1);
  if (chance(30)) action = with_second_operation(action);
  judge_action(fixed, from, action);
}

// ---- byte corruption -----------------------------------------------------------------------------

// The offsets of the bytes of an encoded DexData that only 0 and 1 may fill (the optional tags, the
// swap direction and order sides) and of its three list counts.
struct Offsets {
  std::vector<std::size_t> tags;
  std::vector<std::size_t> counts;
};

Offsets offsets_of(const DexData& d) {
  Offsets o;
  std::size_t at = 0;
  const DexAction& a = d.action;
  const bool present[] = {a.add_liquidity.has_value(), a.remove_liquidity.has_value(), a.swap_exact_in.has_value(),
                          a.place_order.has_value(),   a.cancel_order.has_value(),     a.match.has_value()};
  const std::size_t sizes[] = {24, 24, 25, 17, 8, 8};
  for (std::size_t op = 0; op < 6; ++op) {
    o.tags.push_back(at++);
    if (!present[op]) continue;
    if (op == 2 || op == 3) o.tags.push_back(at);  // SwapDirection, OrderSide
    at += sizes[op];
  }
  at += 7 * 8;
  o.counts.push_back(at);
  at += 4 + 24 * d.state.positions.size();
  o.counts.push_back(at);
  for (std::size_t i = 0; i < d.state.orders.size(); ++i) o.tags.push_back(at + 4 + 33 * i + 16);
  at += 4 + 33 * d.state.orders.size();
  o.counts.push_back(at);
  return o;
}

Bytes corrupted(const Bytes& bytes) {
  const Offsets o = offsets_of(dx::decode_data(bytes).value());
  Bytes out = bytes;
  switch (pick<int>(0, 5)) {
    case 0: out.resize(pick<std::size_t>(0, out.size())); break;  // truncated
    case 1:
      for (int i = pick<int>(1, 40); i > 0; --i) out.push_back(*rc::gen::arbitrary<u8>());  // extended
      break;
    case 2: out[pick<std::size_t>(0, out.size())] ^= pick<u8>(1, 255); break;
    case 3: out[o.tags[pick<std::size_t>(0, o.tags.size())]] = pick<int>(0, 2) == 0 ? 2 : pick<u8>(2, 255); break;
    default: {
      const std::size_t at = o.counts[pick<std::size_t>(0, o.counts.size())] + 3;  // the count's low byte
      out[at] = static_cast<u8>(out[at] + *rc::gen::element<int>(1, -1, 2, 100));
      break;
    }
  }
  return out;
}

void corruption() {
  const std::size_t n = pick<std::size_t>(1, 5);
  const FixedPart fixed = fixed_of(n);
  DexState state = random_state(n);
  if (dx::validate_state(state, n) != DexChannelError::none) {
    state.positions.assign(n, Position{amount(), amount(), 0});
    state.orders.clear();
    state.reserve_a = state.reserve_b = state.total_shares = state.pool_creator = 0;
    state.fee_bps = 30;
    state.lot_b = 10;
  }
  const u64 turn = pick<u64>(0, 100);
  const VariablePart from{turn, dx::encode_data(DexData{DexAction{}, state}), {}, false};
  const DexAction action = random_action(state, static_cast<std::size_t>((turn + 1) % n), turn + 1);
  DexState next = state;
  next.trades.clear();
  std::vector<u64> outcome(n, 0);
  if (dx::validate_state(state, n) == DexChannelError::none) {  // the reset may still pass a total
    if (const auto applied = dx::apply_action(state, action, dx::Mover{(turn + 1) % n, turn + 1}); applied.ok()) {
      next = applied.value();
      outcome = dx::claims_a(next);
    }
  }
  VariablePart to{turn + 1, dx::encode_data(DexData{action, next}), outcome, false};
  VariablePart a = from, b = to;
  const int which = pick<int>(0, 3);
  if (which != 1) b.app_data = corrupted(to.app_data);
  if (which != 0) a.app_data = corrupted(from.app_data);
  judge(fixed, a, b);
}

// ---- running -------------------------------------------------------------------------------------

// The three kinds of pair, each on its number of cases, from `seed` or, without one, a fresh seed.
void judge_every_kind(std::optional<std::uint64_t> seed) {
  l2::test::check_property(play, play_cases, seed);
  l2::test::check_property(unreachable, unreachable_cases, seed);
  l2::test::check_property(corruption, corruption_cases, seed);
}

bool only_check_opening_returns(DexChannelError e) {
  return e == DexChannelError::open_data || e == DexChannelError::open_not_initial ||
         e == DexChannelError::open_outcome;
}

// From a fresh seed: the engine agrees with the reference on every pair.
TEST(DexChannelEngineDifferential, TheEngineAgreesOnEveryKindOfPair) { judge_every_kind(std::nullopt); }

// From l2::test::coverage_seed (rapidcheck_runs.hpp says why not from a fresh one): the engine
// agrees, every rule decides some case and every operation is accepted in some case.
TEST(DexChannelEngineDifferential, EveryRuleDecidesSomeCaseAndTheEngineAgrees) {
  tally().clear();
  accepted().clear();
  judge_every_kind(l2::test::coverage_seed);
  u64 total = 0;
  for (const auto& [e, count] : tally()) total += count;
  std::cout << "pairs judged: " << total << "\n";
  for (const DexChannelError e : l2::all_dex_channel_errors) {
    std::cout << "  " << code(e) << ": " << tally()[e] << "\n";
    if (only_check_opening_returns(e)) continue;
    EXPECT_GT(tally()[e], 0U) << code(e) << " decided no case";
  }
  std::cout << "  accepted: " << tally()[DexChannelError::none] << std::endl;
  for (const char* op : {"add_liquidity", "remove_liquidity", "swap_exact_in", "place_order", "cancel_order", "match", "pass"}) {
    std::cout << "    " << op << ": " << accepted()[op] << "\n";
    EXPECT_GT(accepted()[op], 0U) << "no accepted " << op;
  }
}

// One Engine judging a long game and, interleaved, channels of other sizes, against a fresh Engine
// per move: the buffers it keeps never leak from one call into the next.
RC_GTEST_PROP(DexChannelEngineDifferential, AReusedEngineJudgesAsAFreshOne, ()) {
  opt::Engine reused;
  const std::size_t n = pick<std::size_t>(2, 5);
  const FixedPart fixed = fixed_of(n);
  std::vector<Position> positions(n, Position{1'000'000, 1'000'000, 0});
  VariablePart current = dx::opening_state(30, 10, positions);
  for (int step = 0; step < 60; ++step) {
    const u64 turn = current.turn + 1;
    const DexAction action = random_action(data_of(current).state, static_cast<std::size_t>(turn % n), turn);
    const auto made = dx::make_move(fixed, current, action);
    const VariablePart to = made.ok() ? *made : *dx::make_move(fixed, current, DexAction{});
    const VariablePart other_from = dx::opening_state(0, 1, std::vector<Position>(pick<std::size_t>(1, 6)));
    const VariablePart other_to = *dx::make_move(fixed_of(data_of(other_from).state.positions.size()), other_from,
                                                 DexAction{});
    RC_ASSERT(code(reused.check_move(fixed_of(data_of(other_from).state.positions.size()), other_from, other_to)) ==
              code(DexChannelError::none));
    opt::Engine fresh;
    RC_ASSERT(code(reused.check_move(fixed, current, to)) == code(fresh.check_move(fixed, current, to)));
    RC_ASSERT(reused.check_move(fixed, current, to) == DexChannelError::none);
    current = to;
  }
}

// get_amount_out over its whole contract (reserve_in > 0 or amount_in > 0, fee below 10000), at the
// edges of its numerator's words: the 128-bit fast paths and the 192-bit one.
TEST(DexChannelEngineDifferential, GetAmountOutEqualsTheReference) {
  l2::test::check_property(
      [] {
        const u64 amount_in = edgy(), reserve_in = edgy(), reserve_out = edgy();
        const u64 fee = *rc::gen::element<u64>(0, 1, 30, 9998, 9999, pick<u64>(0, 10000));
        RC_PRE(reserve_in != 0 || amount_in != 0);
        RC_ASSERT(opt::get_amount_out(amount_in, reserve_in, reserve_out, fee) ==
                  dx::get_amount_out(amount_in, reserve_in, reserve_out, fee));
      },
      arithmetic_cases);
}

// isqrt at perfect squares and their neighbours (where a floating-point estimate is off by one),
// at 2^128 - 1, and on random products of two u64.
TEST(DexChannelEngineDifferential, IsqrtEqualsTheReference) {
  l2::test::check_property(
      [] {
        const u64 a = edgy(), b = edgy();
        const u128 product = static_cast<u128>(a) * b;
        const u128 square = static_cast<u128>(a) * a;
        for (const u128 m : {product, product - 1, product + 1, square, square - 1, square + 1, ~u128{0}})
          RC_ASSERT(opt::isqrt(m) == dx::isqrt(m));
      },
      arithmetic_cases);
}

}  // namespace
