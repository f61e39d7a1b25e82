// A decentralized exchange run inside an n-party state channel (the design sketch's DEXChannel):
// every participant holds a position (balances of two tokens A and B and liquidity-pool shares); a
// constant-product pool with a fee fixed at opening (Uniswap v2's pair: swap_exact_in, mint with
// sqrt(x*y) minus 1000 locked shares, burn pro rata); and an order book of limit orders in lots of
// B priced in A, filled in price-time priority with partial fills. Each move of the channel is one
// action by the turn's mover, carried in the new state's app_data beside the DEX state it produces;
// DexApp accepts the move exactly when that state is the action applied to the state before, and
// the channel's outcome is each participant's claim on token A, the channel's asset.
// spec: dex_channel.md
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/state_channel_parts.hpp"
#include "l2/ref/verify_check.hpp"

namespace l2 {

// spec: dex_channel.md#errors
#define L2_DEX_CHANNEL_ERRORS(X) \
  X(state_params, "DX-STATE-1", "fee_bps is not below 10000, or lot_b is 0") \
  X(state_positions, "DX-STATE-2", "positions does not have exactly one entry per participant") \
  X(state_pool, "DX-STATE-3", "the pool is neither empty nor funded with its shares summing to total_shares - 1000, or pool_creator is no participant") \
  X(state_orders, "DX-STATE-4", "an order is out of id order, not below next_order_id, owned by no participant, of price or lots 0, or its lock overflows") \
  X(state_totals, "DX-STATE-5", "a token's balances, order locks and reserve sum past 2^64 - 1") \
  X(open_data, "DX-OPEN-1", "the opening app_data is not the canonical encoding of a DexData") \
  X(open_not_initial, "DX-OPEN-2", "the opening is not turn 0, not final, with no action, an empty pool and an empty book") \
  X(open_outcome, "DX-OPEN-3", "the opening outcome is not each participant's claim on token A") \
  X(turn, "DX-MOVE-1", "to.turn is not from.turn + 1") \
  X(data, "DX-MOVE-2", "an app_data is not the canonical encoding of a DexData") \
  X(participants, "DX-MOVE-3", "the channel has no participant") \
  X(action_form, "DX-MOVE-4", "to's action names more than one operation") \
  X(next_state, "DX-MOVE-5", "to's DEX state is not the action applied to from's") \
  X(next_outcome, "DX-MOVE-6", "to.outcome is not each participant's claim on token A in to's DEX state") \
  X(add_zero, "DX-ADD-1", "amount_a or amount_b is 0") \
  X(add_balance, "DX-ADD-2", "the mover's balance does not cover amount_a or amount_b") \
  X(add_overflow, "DX-ADD-3", "the shares minted, or total_shares after minting, exceed 2^64 - 1") \
  X(add_insufficient, "DX-ADD-4", "the deposit mints no share (a first deposit of sqrt(a*b) <= 1000)") \
  X(add_slippage, "DX-ADD-5", "the deposit mints fewer than min_shares") \
  X(remove_zero, "DX-REM-1", "shares is 0") \
  X(remove_shares, "DX-REM-2", "the mover holds fewer than shares") \
  X(remove_burned, "DX-REM-3", "the burn pays out 0 of token A or of token B") \
  X(remove_slippage, "DX-REM-4", "the burn pays out less than min_a of A or min_b of B") \
  X(swap_expired, "DX-SWAP-1", "the move's turn is past valid_until_turn") \
  X(swap_zero, "DX-SWAP-2", "amount_in is 0") \
  X(swap_no_pool, "DX-SWAP-3", "the pool has no liquidity") \
  X(swap_balance, "DX-SWAP-4", "the mover's balance of the input token is below amount_in") \
  X(swap_zero_out, "DX-SWAP-5", "the swap pays out nothing") \
  X(swap_slippage, "DX-SWAP-6", "the swap pays out less than min_out") \
  X(place_zero, "DX-PLACE-1", "price or lots is 0") \
  X(place_overflow, "DX-PLACE-2", "the order's lock exceeds 2^64 - 1") \
  X(place_balance, "DX-PLACE-3", "the mover's balance does not cover the order's lock") \
  X(place_id, "DX-PLACE-4", "next_order_id is 2^64 - 1: no id is left") \
  X(cancel_unknown, "DX-CANCEL-1", "no open order has order_id") \
  X(cancel_not_owner, "DX-CANCEL-2", "the order is not the mover's") \
  X(match_zero, "DX-MATCH-1", "max_fills is 0") \
  X(match_not_crossed, "DX-MATCH-2", "the best bid's price is below the best ask's, or a side of the book is empty")
L2_ERROR_ENUM(DexChannelError, "DX_", L2_DEX_CHANNEL_ERRORS)

inline constexpr auto all_dex_channel_errors = all_errors(DexChannelError{});

}  // namespace l2

namespace l2::ref::dex_channel {

using state_channel::FixedPart;
using state_channel::VariablePart;

__extension__ using u128 = unsigned __int128;  // GCC and Clang: the exact product of two u64

inline constexpr std::string_view app_tag = "L2/dex_channel/app";

inline constexpr u64 bps_denominator = 10000;     // fee_bps is in 1/10000
inline constexpr u64 minimum_liquidity = 1000;    // Uniswap v2's MINIMUM_LIQUIDITY, locked for ever

// ---------------------------------------------------------------------------------------------
// State. spec: dex_channel.md#state

// What a participant holds inside the channel. spec: dex_channel.md#position
struct Position {
  BOOST_HANA_DEFINE_STRUCT(Position, (u64, balance_a), (u64, balance_b), (u64, shares));
};

// A buy order buys B and pays A (it locks lots * price of A); a sell order sells B for A (it locks
// lots * lot_b of B).
enum class OrderSide : u8 { buy, sell };
L2_REFLECT_ENUM(OrderSide, buy, sell)

// A resting limit order: `lots` lots of lot_b B each, at `price` A per lot. `lots` is what is left
// to fill. spec: dex_channel.md#order
struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order, (u64, id), (u64, owner), (OrderSide, side), (u64, price), (u64, lots));
};

// One fill of the order book: `lots` lots traded at `price` A per lot. spec: dex_channel.md#trade
struct Trade {
  BOOST_HANA_DEFINE_STRUCT(Trade, (u64, buy_id), (u64, sell_id), (u64, lots), (u64, price));
};

// spec: dex_channel.md#dexstate
struct DexState {
  BOOST_HANA_DEFINE_STRUCT(DexState, (u64, fee_bps), (u64, lot_b), (u64, reserve_a), (u64, reserve_b),
                           (u64, total_shares), (u64, pool_creator), (u64, next_order_id),
                           (std::vector<Position>, positions), (std::vector<Order>, orders),
                           (std::vector<Trade>, trades));
};

// ---------------------------------------------------------------------------------------------
// Actions. spec: dex_channel.md#actions

struct AddLiquidity {
  BOOST_HANA_DEFINE_STRUCT(AddLiquidity, (u64, amount_a), (u64, amount_b), (u64, min_shares));
};

struct RemoveLiquidity {
  BOOST_HANA_DEFINE_STRUCT(RemoveLiquidity, (u64, shares), (u64, min_a), (u64, min_b));
};

enum class SwapDirection : u8 { a_to_b, b_to_a };
L2_REFLECT_ENUM(SwapDirection, a_to_b, b_to_a)

struct SwapExactIn {
  BOOST_HANA_DEFINE_STRUCT(SwapExactIn, (SwapDirection, direction), (u64, amount_in), (u64, min_out),
                           (u64, valid_until_turn));
};

struct PlaceOrder {
  BOOST_HANA_DEFINE_STRUCT(PlaceOrder, (OrderSide, side), (u64, price), (u64, lots));
};

struct CancelOrder {
  BOOST_HANA_DEFINE_STRUCT(CancelOrder, (u64, order_id));
};

struct Match {
  BOOST_HANA_DEFINE_STRUCT(Match, (u64, max_fills));
};

// The action of a move: at most one operation present; none is a pass. spec: dex_channel.md#dexaction
struct DexAction {
  BOOST_HANA_DEFINE_STRUCT(DexAction, (std::optional<AddLiquidity>, add_liquidity),
                           (std::optional<RemoveLiquidity>, remove_liquidity),
                           (std::optional<SwapExactIn>, swap_exact_in), (std::optional<PlaceOrder>, place_order),
                           (std::optional<CancelOrder>, cancel_order), (std::optional<Match>, match));
};

// app_data = enc(DexData): the action that produced the state, then the state.
// spec: dex_channel.md#dexdata
struct DexData {
  BOOST_HANA_DEFINE_STRUCT(DexData, (DexAction, action), (DexState, state));
};

// Who acts and when: the mover of the move's turn, and that turn. spec: dex_channel.md#actions
struct Mover {
  u64 participant = 0;
  u64 turn = 0;
};

// ---------------------------------------------------------------------------------------------
// Arithmetic. spec: dex_channel.md#arithmetic

// floor(sqrt(n)), digit by digit.
constexpr u64 isqrt(u128 n) {
  u128 root = 0;
  u128 bit = u128{1} << 126;
  while (bit > n) bit >>= 2;
  while (bit != 0) {
    if (n >= root + bit) {
      n -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  return static_cast<u64>(root);
}

// floor(a * b / d) for a < 2^128, b < 2^64, d > 0, when the quotient is below 2^128: the 192-bit
// product in two u128 words, then long division by bits. Contract: d != 0 and a * b < d * 2^128.
constexpr u128 mul_div_wide(u128 a, u64 b, u128 d) {
  L2_VERIFY_CHECK(d != 0);
  const u128 low = static_cast<u128>(static_cast<u64>(a)) * b;
  const u128 high = static_cast<u128>(static_cast<u64>(a >> 64)) * b;
  const u128 product_lo = low + (high << 64);
  const u128 product_hi = (high >> 64) + (product_lo < low ? 1 : 0);
  L2_VERIFY_CHECK(product_hi < d);
  u128 remainder = product_hi, quotient = 0;
  for (int bit = 127; bit >= 0; --bit) {
    const bool carry = (remainder >> 127) != 0;
    remainder = (remainder << 1) | ((product_lo >> bit) & 1U);
    quotient <<= 1;
    if (carry || remainder >= d) {
      remainder -= d;
      quotient |= 1U;
    }
  }
  return quotient;
}

// Uniswap v2's getAmountOut with the fee in basis points:
// floor(amount_in * (10000 - fee) * reserve_out / (reserve_in * 10000 + amount_in * (10000 - fee))).
// Below reserve_out whenever reserve_in > 0. Contract: reserve_in > 0 or amount_in > 0, fee_bps < 10000.
// spec: dex_channel.md#get_amount_out
constexpr u64 get_amount_out(u64 amount_in, u64 reserve_in, u64 reserve_out, u64 fee_bps) {
  L2_VERIFY_CHECK(fee_bps < bps_denominator);
  const u128 in_with_fee = static_cast<u128>(amount_in) * (bps_denominator - fee_bps);
  const u128 denominator = static_cast<u128>(reserve_in) * bps_denominator + in_with_fee;
  const u128 out = mul_div_wide(in_with_fee, reserve_out, denominator);
  L2_VERIFY_CHECK(out <= reserve_out);
  return static_cast<u64>(out);
}

// Uniswap v2's quote: the amount of the other token worth `amount` at the pool's ratio, rounded
// down; overflow when it exceeds 2^64 - 1. spec: dex_channel.md#quote
constexpr Checked quote(u64 amount, u64 reserve_from, u64 reserve_to) {
  return checked_mul_div(amount, reserve_to, reserve_from);
}

// What an order locks: lots * price of A for a buy, lots * lot_b of B for a sell.
// spec: dex_channel.md#order
constexpr Checked order_lock(const Order& order, u64 lot_b) {
  return checked_mul(order.lots, order.side == OrderSide::buy ? order.price : lot_b);
}

// The totals of one token: balances, order locks and reserve. nullopt when they pass 2^64 - 1.
struct TokenTotals {
  u64 a = 0;
  u64 b = 0;
};

constexpr std::optional<TokenTotals> token_totals(const DexState& state) {
  u128 a = state.reserve_a, b = state.reserve_b;
  for (const Position& p : state.positions) {
    a += p.balance_a;
    b += p.balance_b;
  }
  for (const Order& order : state.orders) {
    const Checked lock = order_lock(order, state.lot_b);
    if (lock.overflow) return std::nullopt;
    (order.side == OrderSide::buy ? a : b) += lock.value;
  }
  if (a > u64_max || b > u64_max) return std::nullopt;
  return TokenTotals{static_cast<u64>(a), static_cast<u64>(b)};
}

// ---------------------------------------------------------------------------------------------
// The state's form. spec: dex_channel.md#validate_state

// The rules every DEX state the application reads must pass, for a channel of n participants.
constexpr DexChannelError validate_state(const DexState& state, u64 n) {
  // Verify: fee_bps < 10000 and lot_b >= 1 [DX-STATE-1]
  if (state.fee_bps >= bps_denominator || state.lot_b == 0) return DexChannelError::state_params;
  // Verify: positions has exactly n entries [DX-STATE-2]
  if (state.positions.size() != n) return DexChannelError::state_positions;
  u128 held_shares = 0;
  for (const Position& p : state.positions) held_shares += p.shares;
  const bool empty_pool =
      state.reserve_a == 0 && state.reserve_b == 0 && state.total_shares == 0 && held_shares == 0;
  const bool funded_pool = state.reserve_a != 0 && state.reserve_b != 0 &&
                           held_shares + minimum_liquidity == static_cast<u128>(state.total_shares);
  // Verify: pool_creator < n, and the pool is empty or funded with shares + 1000 = total_shares [DX-STATE-3]
  if (state.pool_creator >= n || !(empty_pool || funded_pool)) return DexChannelError::state_pool;
  bool orders_ok = true;
  for (std::size_t i = 0; i < state.orders.size(); ++i) {
    const Order& order = state.orders[i];
    orders_ok = orders_ok && (i == 0 || state.orders[i - 1].id < order.id) && order.id < state.next_order_id &&
                order.owner < n && order.price != 0 && order.lots != 0 && !order_lock(order, state.lot_b).overflow;
  }
  // Verify: orders in increasing id below next_order_id, owned by participants, price and lots >= 1, locks fit [DX-STATE-4]
  if (!orders_ok) return DexChannelError::state_orders;
  // Verify: per token, balances + order locks + reserve <= 2^64 - 1 [DX-STATE-5]
  if (!token_totals(state)) return DexChannelError::state_totals;
  return DexChannelError::none;
}

// ---------------------------------------------------------------------------------------------
// The outcome. spec: dex_channel.md#claims

// Each participant's claim on token A: its balance, the A its buy orders lock, and its pro-rata
// part of reserve_a, rounded down; what the rounding and the 1000 locked shares leave of
// reserve_a goes to pool_creator. They sum to the state's total of A. Contract: validate_state passed.
constexpr std::vector<u64> claims_a(const DexState& state) {
  std::vector<u64> claims(state.positions.size(), 0);
  u64 pooled = 0;
  for (std::size_t i = 0; i < state.positions.size(); ++i) {
    claims[i] = state.positions[i].balance_a;
    if (state.total_shares != 0) {
      const Checked part = checked_mul_div(state.positions[i].shares, state.reserve_a, state.total_shares);
      L2_VERIFY_CHECK(!part.overflow);
      claims[i] += part.value;  // <= the state's total of A (DX-STATE-5)
      pooled += part.value;
    }
  }
  for (const Order& order : state.orders)
    if (order.side == OrderSide::buy) claims[order.owner] += order.lots * order.price;
  L2_VERIFY_CHECK(pooled <= state.reserve_a);
  if (!claims.empty()) claims[state.pool_creator] += state.reserve_a - pooled;
  return claims;
}

// ---------------------------------------------------------------------------------------------
// The operations. spec: dex_channel.md#operations. Contract for each: validate_state(state, n)
// passed and mover.participant < n.

// spec: dex_channel.md#add_liquidity
constexpr Result<DexState, DexChannelError> apply_add_liquidity(const DexState& state, const AddLiquidity& in,
                                                                const Mover& mover) {
  const Position& position = state.positions[mover.participant];
  // Verify: amount_a >= 1 and amount_b >= 1 [DX-ADD-1]
  if (in.amount_a == 0 || in.amount_b == 0) return DexChannelError::add_zero;
  // Verify: the mover's balance_a >= amount_a and balance_b >= amount_b [DX-ADD-2]
  if (position.balance_a < in.amount_a || position.balance_b < in.amount_b) return DexChannelError::add_balance;
  const bool first = state.total_shares == 0;
  u64 use_a = in.amount_a, use_b = in.amount_b;
  u128 minted = 0;     // may exceed 2^64 - 1 until DX-ADD-3
  u128 new_total = 0;  // likewise
  if (first) {
    const u64 root = isqrt(static_cast<u128>(use_a) * use_b);
    minted = root > minimum_liquidity ? root - minimum_liquidity : 0;
    new_total = root;
  } else {
    const Checked b_optimal = quote(in.amount_a, state.reserve_a, state.reserve_b);
    if (!b_optimal.overflow && b_optimal.value <= in.amount_b) {
      use_b = b_optimal.value;
    } else {
      const Checked a_optimal = quote(in.amount_b, state.reserve_b, state.reserve_a);
      L2_VERIFY_CHECK(!a_optimal.overflow && a_optimal.value <= in.amount_a);
      use_a = a_optimal.value;
    }
    const Checked by_a = checked_mul_div(use_a, state.total_shares, state.reserve_a);
    const Checked by_b = checked_mul_div(use_b, state.total_shares, state.reserve_b);
    // min(by_a, by_b) with an overflowing quotient counted as above 2^64 - 1.
    minted = (by_a.overflow && by_b.overflow) ? static_cast<u128>(u64_max) + 1
             : by_a.overflow                   ? by_b.value
             : by_b.overflow                   ? by_a.value
             : by_a.value < by_b.value         ? by_a.value
                                               : by_b.value;
    new_total = static_cast<u128>(state.total_shares) + minted;
  }
  // Verify: the shares minted and total_shares + minted are at most 2^64 - 1 [DX-ADD-3]
  if (minted > u64_max || new_total > u64_max) return DexChannelError::add_overflow;
  // Verify: the deposit mints at least one share [DX-ADD-4]
  if (minted == 0) return DexChannelError::add_insufficient;
  // Verify: the shares minted >= min_shares [DX-ADD-5]
  if (minted < in.min_shares) return DexChannelError::add_slippage;
  DexState next = state;
  Position& mine = next.positions[mover.participant];
  mine.balance_a -= use_a;
  mine.balance_b -= use_b;
  mine.shares += static_cast<u64>(minted);  // <= total_shares - 1000 after the deposit
  next.reserve_a += use_a;                  // within the state's total of A (DX-STATE-5)
  next.reserve_b += use_b;
  next.total_shares = static_cast<u64>(new_total);
  if (first) next.pool_creator = mover.participant;
  next.trades.clear();
  return next;
}

// spec: dex_channel.md#remove_liquidity
constexpr Result<DexState, DexChannelError> apply_remove_liquidity(const DexState& state, const RemoveLiquidity& in,
                                                                   const Mover& mover) {
  const Position& position = state.positions[mover.participant];
  // Verify: shares >= 1 [DX-REM-1]
  if (in.shares == 0) return DexChannelError::remove_zero;
  // Verify: the mover holds at least shares [DX-REM-2]
  if (position.shares < in.shares) return DexChannelError::remove_shares;
  // shares <= total_shares - 1000 (DX-STATE-3), so neither quotient overflows nor empties a reserve.
  const Checked out_a = checked_mul_div(in.shares, state.reserve_a, state.total_shares);
  const Checked out_b = checked_mul_div(in.shares, state.reserve_b, state.total_shares);
  L2_VERIFY_CHECK(!out_a.overflow && !out_b.overflow);
  // Verify: the burn pays out at least 1 of A and 1 of B [DX-REM-3]
  if (out_a.value == 0 || out_b.value == 0) return DexChannelError::remove_burned;
  // Verify: out_a >= min_a and out_b >= min_b [DX-REM-4]
  if (out_a.value < in.min_a || out_b.value < in.min_b) return DexChannelError::remove_slippage;
  DexState next = state;
  Position& mine = next.positions[mover.participant];
  mine.shares -= in.shares;
  mine.balance_a += out_a.value;  // within the state's total of A (DX-STATE-5)
  mine.balance_b += out_b.value;
  next.reserve_a -= out_a.value;
  next.reserve_b -= out_b.value;
  next.total_shares -= in.shares;
  L2_VERIFY_CHECK(next.reserve_a != 0 && next.reserve_b != 0);
  next.trades.clear();
  return next;
}

// spec: dex_channel.md#swap_exact_in
constexpr Result<DexState, DexChannelError> apply_swap_exact_in(const DexState& state, const SwapExactIn& in,
                                                                const Mover& mover) {
  const bool a_to_b = in.direction == SwapDirection::a_to_b;
  const Position& position = state.positions[mover.participant];
  // Verify: the move's turn <= valid_until_turn [DX-SWAP-1]
  if (mover.turn > in.valid_until_turn) return DexChannelError::swap_expired;
  // Verify: amount_in >= 1 [DX-SWAP-2]
  if (in.amount_in == 0) return DexChannelError::swap_zero;
  // Verify: the pool has liquidity: total_shares >= 1 [DX-SWAP-3]
  if (state.total_shares == 0) return DexChannelError::swap_no_pool;
  // Verify: the mover's balance of the input token >= amount_in [DX-SWAP-4]
  if ((a_to_b ? position.balance_a : position.balance_b) < in.amount_in) return DexChannelError::swap_balance;
  const u64 reserve_in = a_to_b ? state.reserve_a : state.reserve_b;
  const u64 reserve_out = a_to_b ? state.reserve_b : state.reserve_a;
  const u64 out = get_amount_out(in.amount_in, reserve_in, reserve_out, state.fee_bps);
  // Verify: the swap pays out at least 1 [DX-SWAP-5]
  if (out == 0) return DexChannelError::swap_zero_out;
  // Verify: the swap pays out at least min_out [DX-SWAP-6]
  if (out < in.min_out) return DexChannelError::swap_slippage;
  DexState next = state;
  Position& mine = next.positions[mover.participant];
  if (a_to_b) {
    mine.balance_a -= in.amount_in;
    mine.balance_b += out;          // within the state's total of B (DX-STATE-5)
    next.reserve_a += in.amount_in;  // likewise for A
    next.reserve_b -= out;
  } else {
    mine.balance_b -= in.amount_in;
    mine.balance_a += out;
    next.reserve_b += in.amount_in;
    next.reserve_a -= out;
  }
  // k = reserve_a * reserve_b never decreases: the fee stays in the pool.
  L2_VERIFY_CHECK(static_cast<u128>(next.reserve_a) * next.reserve_b >=
                  static_cast<u128>(state.reserve_a) * state.reserve_b);
  next.trades.clear();
  return next;
}

// spec: dex_channel.md#place_order
constexpr Result<DexState, DexChannelError> apply_place_order(const DexState& state, const PlaceOrder& in,
                                                              const Mover& mover) {
  const Position& position = state.positions[mover.participant];
  const bool buy = in.side == OrderSide::buy;
  // Verify: price >= 1 and lots >= 1 [DX-PLACE-1]
  if (in.price == 0 || in.lots == 0) return DexChannelError::place_zero;
  const Checked lock = checked_mul(in.lots, buy ? in.price : state.lot_b);
  // Verify: the lock, lots * price of A (buy) or lots * lot_b of B (sell), is at most 2^64 - 1 [DX-PLACE-2]
  if (lock.overflow) return DexChannelError::place_overflow;
  // Verify: the mover's balance of the locked token >= the lock [DX-PLACE-3]
  if ((buy ? position.balance_a : position.balance_b) < lock.value) return DexChannelError::place_balance;
  // Verify: next_order_id < 2^64 - 1 [DX-PLACE-4]
  if (state.next_order_id == u64_max) return DexChannelError::place_id;
  DexState next = state;
  Position& mine = next.positions[mover.participant];
  (buy ? mine.balance_a : mine.balance_b) -= lock.value;
  next.orders.push_back(Order{state.next_order_id, mover.participant, in.side, in.price, in.lots});
  next.next_order_id = state.next_order_id + 1;
  next.trades.clear();
  return next;
}

// The index of the open order with this id, or nullopt.
constexpr std::optional<std::size_t> find_order(const DexState& state, u64 id) {
  for (std::size_t i = 0; i < state.orders.size(); ++i)
    if (state.orders[i].id == id) return i;
  return std::nullopt;
}

// spec: dex_channel.md#cancel_order
constexpr Result<DexState, DexChannelError> apply_cancel_order(const DexState& state, const CancelOrder& in,
                                                               const Mover& mover) {
  const std::optional<std::size_t> index = find_order(state, in.order_id);
  // Verify: an open order has order_id [DX-CANCEL-1]
  if (!index) return DexChannelError::cancel_unknown;
  const Order& order = state.orders[*index];
  // Verify: the order's owner is the mover [DX-CANCEL-2]
  if (order.owner != mover.participant) return DexChannelError::cancel_not_owner;
  DexState next = state;
  Position& mine = next.positions[mover.participant];
  const u64 lock = order.lots * (order.side == OrderSide::buy ? order.price : state.lot_b);  // fits (DX-STATE-4)
  (order.side == OrderSide::buy ? mine.balance_a : mine.balance_b) += lock;  // within the total (DX-STATE-5)
  next.orders.erase(next.orders.begin() + static_cast<std::ptrdiff_t>(*index));
  next.trades.clear();
  return next;
}

// The best order of a side: the highest price for buy, the lowest for sell; the lowest id among
// equal prices (the orders are in id order, so the first). nullopt when the side is empty.
// spec: dex_channel.md#price-time-priority
constexpr std::optional<std::size_t> best_order(const DexState& state, OrderSide side) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < state.orders.size(); ++i) {
    const Order& order = state.orders[i];
    if (order.side != side) continue;
    if (!best) {
      best = i;
      continue;
    }
    const u64 best_price = state.orders[*best].price;
    if (side == OrderSide::buy ? order.price > best_price : order.price < best_price) best = i;
  }
  return best;
}

// Whether the book crosses: a best bid and a best ask, the bid's price at or above the ask's.
constexpr bool book_crosses(const DexState& state) {
  const std::optional<std::size_t> bid = best_order(state, OrderSide::buy);
  const std::optional<std::size_t> ask = best_order(state, OrderSide::sell);
  return bid && ask && state.orders[*bid].price >= state.orders[*ask].price;
}

// spec: dex_channel.md#match
constexpr Result<DexState, DexChannelError> apply_match(const DexState& state, const Match& in, const Mover&) {
  // Verify: max_fills >= 1 [DX-MATCH-1]
  if (in.max_fills == 0) return DexChannelError::match_zero;
  // Verify: the best bid's price >= the best ask's price [DX-MATCH-2]
  if (!book_crosses(state)) return DexChannelError::match_not_crossed;
  DexState next = state;
  next.trades.clear();
  for (u64 fills = 0; fills < in.max_fills && book_crosses(next); ++fills) {
    const std::size_t bid = *best_order(next, OrderSide::buy);
    const std::size_t ask = *best_order(next, OrderSide::sell);
    Order& buy = next.orders[bid];
    Order& sell = next.orders[ask];
    const u64 lots = buy.lots < sell.lots ? buy.lots : sell.lots;
    const u64 price = buy.id < sell.id ? buy.price : sell.price;  // the maker's, the earlier order
    // Every amount is part of a lock (DX-STATE-4), so none overflows or passes the total.
    Position& buyer = next.positions[buy.owner];
    buyer.balance_b += lots * state.lot_b;
    buyer.balance_a += lots * (buy.price - price);  // the bid's price improvement, out of its lock
    next.positions[sell.owner].balance_a += lots * price;
    next.trades.push_back(Trade{buy.id, sell.id, lots, price});
    buy.lots -= lots;
    sell.lots -= lots;
    const std::size_t first = bid < ask ? bid : ask, second = bid < ask ? ask : bid;
    if (next.orders[second].lots == 0) next.orders.erase(next.orders.begin() + static_cast<std::ptrdiff_t>(second));
    if (next.orders[first].lots == 0) next.orders.erase(next.orders.begin() + static_cast<std::ptrdiff_t>(first));
  }
  return next;
}

// A pass: nothing changes but the trades of the last move, which it clears.
constexpr DexState apply_pass(const DexState& state) {
  DexState next = state;
  next.trades.clear();
  return next;
}

// The number of operations the action names: 0 is a pass.
constexpr std::size_t operation_count(const DexAction& action) {
  return static_cast<std::size_t>(action.add_liquidity.has_value()) + action.remove_liquidity.has_value() +
         action.swap_exact_in.has_value() + action.place_order.has_value() + action.cancel_order.has_value() +
         action.match.has_value();
}

// The action applied to the state. Contract: operation_count(action) <= 1, and the contract of the
// operations. spec: dex_channel.md#operations
constexpr Result<DexState, DexChannelError> apply_action(const DexState& state, const DexAction& action,
                                                         const Mover& mover) {
  L2_VERIFY_CHECK(operation_count(action) <= 1);
  if (action.add_liquidity) return apply_add_liquidity(state, *action.add_liquidity, mover);
  if (action.remove_liquidity) return apply_remove_liquidity(state, *action.remove_liquidity, mover);
  if (action.swap_exact_in) return apply_swap_exact_in(state, *action.swap_exact_in, mover);
  if (action.place_order) return apply_place_order(state, *action.place_order, mover);
  if (action.cancel_order) return apply_cancel_order(state, *action.cancel_order, mover);
  if (action.match) return apply_match(state, *action.match, mover);
  return apply_pass(state);
}

// ---------------------------------------------------------------------------------------------
// The channel. spec: dex_channel.md#the-channel

constexpr Bytes encode_data(const DexData& data) { return reflect::encode(data); }

constexpr std::optional<DexData> decode_data(std::span<const u8> app_data) {
  const Result<DexData, reflect::DecodeError> decoded = reflect::decode<DexData>(app_data);
  if (!decoded.ok()) return std::nullopt;
  return decoded.value();
}

// The opening state: turn 0, no action, an empty pool and book, and the outcome each participant's
// balance of A. spec: dex_channel.md#opening
constexpr VariablePart opening_state(u64 fee_bps, u64 lot_b, const std::vector<Position>& positions) {
  DexData data{};
  data.state.fee_bps = fee_bps;
  data.state.lot_b = lot_b;
  data.state.positions = positions;
  std::vector<u64> outcome;
  for (const Position& p : positions) outcome.push_back(p.balance_a);
  return VariablePart{0, encode_data(data), outcome, false};
}

// What the participants check before they sign the opening. spec: dex_channel.md#check_opening
constexpr DexChannelError check_opening(const FixedPart& fixed, const VariablePart& opening) {
  const std::optional<DexData> data = decode_data(opening.app_data);
  // Verify: app_data is the canonical encoding of a DexData [DX-OPEN-1]
  if (!data) return DexChannelError::open_data;
  const DexState& state = data->state;
  if (const DexChannelError e = validate_state(state, fixed.participants.size()); e != DexChannelError::none) return e;
  const bool initial = opening.turn == 0 && !opening.is_final && operation_count(data->action) == 0 &&
                       state.total_shares == 0 && state.pool_creator == 0 && state.next_order_id == 0 &&
                       state.orders.empty() && state.trades.empty();
  // Verify: turn 0, not final, no action, pool_creator 0, an empty pool, no order, no trade, next_order_id 0 [DX-OPEN-2]
  if (!initial) return DexChannelError::open_not_initial;
  // Verify: outcome = claims_a(state), each participant's balance_a [DX-OPEN-3]
  if (opening.outcome != claims_a(state)) return DexChannelError::open_outcome;
  return DexChannelError::none;
}

// valid_move's rules: whether `to` is `from` with the action `to` carries applied by the mover of
// to.turn, and the rule that rejects it. spec: dex_channel.md#check_move
constexpr DexChannelError check_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) {
  const Checked next_turn = checked_add(from.turn, 1);
  // Verify: to.turn = from.turn + 1, without overflow [DX-MOVE-1]
  if (next_turn.overflow || to.turn != next_turn.value) return DexChannelError::turn;
  const std::optional<DexData> before = decode_data(from.app_data);
  const std::optional<DexData> after = decode_data(to.app_data);
  // Verify: from.app_data and to.app_data are canonical encodings of DexData [DX-MOVE-2]
  if (!before || !after) return DexChannelError::data;
  const u64 n = fixed.participants.size();
  // Verify: the channel has at least one participant [DX-MOVE-3]
  if (n == 0) return DexChannelError::participants;
  if (const DexChannelError e = validate_state(before->state, n); e != DexChannelError::none) return e;
  // Verify: to's action names at most one operation [DX-MOVE-4]
  if (operation_count(after->action) > 1) return DexChannelError::action_form;
  const Mover mover{state_channel::mover_index(fixed, to.turn), to.turn};
  const Result<DexState, DexChannelError> applied = apply_action(before->state, after->action, mover);
  if (!applied.ok()) return applied.error();
  // Verify: to's state equals the action applied to from's state [DX-MOVE-5]
  if (!reflect::equal(applied.value(), after->state)) return DexChannelError::next_state;
  // Verify: to.outcome = claims_a(to's state) [DX-MOVE-6]
  if (to.outcome != claims_a(applied.value())) return DexChannelError::next_outcome;
  return DexChannelError::none;
}

// The move the mover of from.turn + 1 makes with `action`: the state check_move accepts, with
// is_final false; or the rule that refuses it. spec: dex_channel.md#make_move
constexpr Result<VariablePart, DexChannelError> make_move(const FixedPart& fixed, const VariablePart& from,
                                                          const DexAction& action) {
  const Checked next_turn = checked_add(from.turn, 1);
  // Verify: from.turn + 1 does not overflow [DX-MOVE-1]
  if (next_turn.overflow) return DexChannelError::turn;
  const std::optional<DexData> before = decode_data(from.app_data);
  // Verify: from.app_data is the canonical encoding of a DexData [DX-MOVE-2]
  if (!before) return DexChannelError::data;
  const u64 n = fixed.participants.size();
  // Verify: the channel has at least one participant [DX-MOVE-3]
  if (n == 0) return DexChannelError::participants;
  if (const DexChannelError e = validate_state(before->state, n); e != DexChannelError::none) return e;
  // Verify: the action names at most one operation [DX-MOVE-4]
  if (operation_count(action) > 1) return DexChannelError::action_form;
  const Mover mover{state_channel::mover_index(fixed, next_turn.value), next_turn.value};
  const Result<DexState, DexChannelError> applied = apply_action(before->state, action, mover);
  if (!applied.ok()) return applied.error();
  VariablePart to{next_turn.value, encode_data(DexData{action, applied.value()}), claims_a(applied.value()), false};
  L2_VERIFY_CHECK(check_move(fixed, from, to) == DexChannelError::none);
  return to;
}

// The native application's identity, H_"L2/dex_channel/app"(""): an adjudicator that runs DexApp
// (as its AppCheck) knows the channels that name it. It can never equal a VM program's
// app_definition, H_"L2/channel_vm/app"(code), whose tag differs.
// spec: dex_channel.md#dexapp
constexpr Hash32 dex_app_definition() { return tagged_hash(app_tag, Bytes{}); }

// An AppCheck for the adjudicator: it knows dex_app_definition(), and judges a move by check_move.
// spec: dex_channel.md#dexapp
struct DexApp {
  Hash32 definition = dex_app_definition();

  constexpr bool knows(const Hash32& app_definition) const { return app_definition == definition; }
  constexpr bool valid_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) const {
    return knows(fixed.app_definition) && check_move(fixed, from, to) == DexChannelError::none;
  }
};

static_assert(state_channel::AppCheck<DexApp>);

}  // namespace l2::ref::dex_channel
