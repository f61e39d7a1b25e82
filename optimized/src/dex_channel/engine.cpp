// The DEX channel's check_move: must match l2::ref::dex_channel::check_move bit for bit, the rule
// that rejects a move included (see l2/opt/dex_channel.hpp for the layout and why it is equal).
// Exploits: one pass over each app_data without copying it, a comparison of to's bytes with from's
// (memcmp) wherever the action leaves the state alone, a sort of the orders that can trade instead
// of a scan of the book per fill, and the x86-64 128-by-64 DIV for the pool's products.
// spec: dex_channel.md#check_move
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <span>

#include "l2/opt/dex_channel.hpp"

namespace l2::opt::dex_channel {

namespace ref_dx = ref::dex_channel;

namespace {

using ref_dx::bps_denominator;
using ref_dx::minimum_liquidity;

// The canonical encoding's sizes (dex_channel.md#size).
constexpr std::size_t u64_bytes = 8;
constexpr std::size_t count_bytes = 4;
constexpr std::size_t header_fields = 7;
constexpr std::size_t position_bytes = 24;
constexpr std::size_t order_bytes = 33;  // id, owner, side (1 byte), price, lots
constexpr std::size_t trade_bytes = 32;
constexpr std::size_t order_side_offset = 16;
constexpr std::size_t order_price_offset = 17;
constexpr std::size_t order_lots_offset = 25;

// The header's fields, in DexState's order.
enum Field : std::size_t { fee_bps, lot_b, reserve_a, reserve_b, total_shares, pool_creator, next_order_id };

// The operations, in DexAction's order, and the bytes each one's value takes.
enum Operation : std::size_t { add, remove, swap, place, cancel, match, operation_count };
constexpr std::size_t operation_bytes[operation_count] = {24, 24, 25, 17, 8, 8};

u64 load_u64(const u8* p) {
  u64 value = 0;
  std::memcpy(&value, p, sizeof value);
  if constexpr (std::endian::native == std::endian::little) value = __builtin_bswap64(value);
  return value;
}

u32 load_u32(const u8* p) {
  u32 value = 0;
  std::memcpy(&value, p, sizeof value);
  if constexpr (std::endian::native == std::endian::little) value = __builtin_bswap32(value);
  return value;
}

// memcmp, which must not be given a null pointer even for 0 bytes (an empty app_data's data()).
bool same_bytes(const u8* a, const u8* b, std::size_t size) { return size == 0 || std::memcmp(a, b, size) == 0; }

// floor(p / d), for d > 0 and p < d * 2^64 (the quotient fits 64 bits).
u64 divide_128_by_64(u128 p, u64 d) {
#if defined(__x86_64__)
  u64 quotient = 0, remainder = 0;
  __asm__("divq %4" : "=a"(quotient), "=d"(remainder) : "a"(static_cast<u64>(p)), "d"(static_cast<u64>(p >> 64)), "rm"(d)
          : "cc");
  return quotient;
#else
  return static_cast<u64>(p / d);
#endif
}

// checked_mul_div (l2/ref/checked.hpp): floor(a * b / d), overflow when d is 0 or the quotient
// needs more than 64 bits (exactly when the product's high word is at least d).
Checked mul_div(u64 a, u64 b, u64 d) {
  if (d == 0) return {0, true};
  const u128 product = static_cast<u128>(a) * b;
  if (static_cast<u64>(product >> 64) >= d) return {0, true};
  return {divide_128_by_64(product, d), false};
}

Checked mul(u64 a, u64 b) {
  u64 product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return {0, true};
  return {product, false};
}

struct PositionBytes {
  u64 balance_a = 0;
  u64 balance_b = 0;
  u64 shares = 0;
};

PositionBytes load_position(const u8* p) { return {load_u64(p), load_u64(p + 8), load_u64(p + 16)}; }

bool position_is(const u8* p, const PositionBytes& expected) {
  return load_u64(p) == expected.balance_a && load_u64(p + 8) == expected.balance_b &&
         load_u64(p + 16) == expected.shares;
}

}  // namespace

// One app_data, parsed: the action's values and the state's header decoded, the lists left in place.
struct Engine::View {
  bool present[operation_count] = {};
  std::size_t operations = 0;
  u64 add_amount_a = 0, add_amount_b = 0, add_min_shares = 0;
  u64 remove_shares = 0, remove_min_a = 0, remove_min_b = 0;
  u8 swap_direction = 0;
  u64 swap_amount_in = 0, swap_min_out = 0, swap_valid_until = 0;
  u8 place_side = 0;
  u64 place_price = 0, place_lots = 0;
  u64 cancel_id = 0;
  u64 max_fills = 0;

  u64 header[header_fields] = {};
  const u8* positions = nullptr;
  u32 position_count = 0;
  const u8* orders = nullptr;
  u32 order_count = 0;
  const u8* trades = nullptr;
  u32 trade_count = 0;

  const u8* position(u64 i) const { return positions + i * position_bytes; }
  const u8* order(u64 i) const { return orders + i * order_bytes; }
  u64 order_id(u64 i) const { return load_u64(order(i)); }
  u64 order_owner(u64 i) const { return load_u64(order(i) + 8); }
  bool order_is_buy(u64 i) const { return order(i)[order_side_offset] == 0; }
  u64 order_price(u64 i) const { return load_u64(order(i) + order_price_offset); }
  u64 order_lots(u64 i) const { return load_u64(order(i) + order_lots_offset); }
};

namespace {

using View = Engine::View;

// Whether `bytes` is the canonical encoding of a DexData (ref::dex_channel::decode_data succeeds),
// and where its parts are. Only the bytes that can be invalid are checked: the optional tags and
// the two enums (0 or 1), and that each list's count fits the bytes left and nothing is left over.
bool parse(std::span<const u8> bytes, View& v) {
  const u8* p = bytes.data();
  const u8* const end = p + bytes.size();
  const auto left = [&] { return static_cast<std::size_t>(end - p); };
  v.operations = 0;
  for (std::size_t op = 0; op < operation_count; ++op) {
    if (left() < 1) return false;
    const u8 tag = *p++;
    if (tag > 1) return false;
    v.present[op] = tag == 1;
    if (tag == 0) continue;
    if (left() < operation_bytes[op]) return false;
    ++v.operations;
    switch (op) {
      case add:
        v.add_amount_a = load_u64(p), v.add_amount_b = load_u64(p + 8), v.add_min_shares = load_u64(p + 16);
        break;
      case remove:
        v.remove_shares = load_u64(p), v.remove_min_a = load_u64(p + 8), v.remove_min_b = load_u64(p + 16);
        break;
      case swap:
        if (p[0] > 1) return false;
        v.swap_direction = p[0];
        v.swap_amount_in = load_u64(p + 1), v.swap_min_out = load_u64(p + 9), v.swap_valid_until = load_u64(p + 17);
        break;
      case place:
        if (p[0] > 1) return false;
        v.place_side = p[0];
        v.place_price = load_u64(p + 1), v.place_lots = load_u64(p + 9);
        break;
      case cancel:
        v.cancel_id = load_u64(p);
        break;
      default:
        v.max_fills = load_u64(p);
        break;
    }
    p += operation_bytes[op];
  }
  if (left() < header_fields * u64_bytes) return false;
  for (u64& field : v.header) {
    field = load_u64(p);
    p += u64_bytes;
  }
  // A count past the bytes left fails the reference's ENC-LEN-1 or its truncation check: either
  // way the decode fails.
  if (left() < count_bytes) return false;
  v.position_count = load_u32(p);
  p += count_bytes;
  if (static_cast<u64>(v.position_count) * position_bytes > left()) return false;
  v.positions = p;
  p += static_cast<std::size_t>(v.position_count) * position_bytes;
  if (left() < count_bytes) return false;
  v.order_count = load_u32(p);
  p += count_bytes;
  if (static_cast<u64>(v.order_count) * order_bytes > left()) return false;
  v.orders = p;
  for (u32 i = 0; i < v.order_count; ++i)
    if (p[i * order_bytes + order_side_offset] > 1) return false;
  p += static_cast<std::size_t>(v.order_count) * order_bytes;
  if (left() < count_bytes) return false;
  v.trade_count = load_u32(p);
  p += count_bytes;
  v.trades = p;
  return static_cast<u64>(v.trade_count) * trade_bytes == left();
}

// ref::dex_channel::validate_state, on a parsed state: one pass over the positions and one over
// the orders, the totals in 128 bits.
DexChannelError validate(const View& s, u64 n) {
  const u64* h = s.header;
  if (h[fee_bps] >= bps_denominator || h[lot_b] == 0) return DexChannelError::state_params;
  if (s.position_count != n) return DexChannelError::state_positions;
  u128 held_shares = 0, total_a = h[reserve_a], total_b = h[reserve_b];
  for (u64 i = 0; i < n; ++i) {
    const PositionBytes p = load_position(s.position(i));
    total_a += p.balance_a;
    total_b += p.balance_b;
    held_shares += p.shares;
  }
  const bool empty_pool = h[reserve_a] == 0 && h[reserve_b] == 0 && h[total_shares] == 0 && held_shares == 0;
  const bool funded_pool = h[reserve_a] != 0 && h[reserve_b] != 0 && held_shares + minimum_liquidity == h[total_shares];
  if (h[pool_creator] >= n || !(empty_pool || funded_pool)) return DexChannelError::state_pool;
  // The order checks are or-ed without a branch per order: a book that passes them all is the
  // common case, and which order fails does not change the code returned.
  bool bad_order = false;
  u64 next_id_floor = 0;  // the least id the next order may have
  u64 locked_a = 0, locked_b = 0;
  u64 carry_a = 0, carry_b = 0;
  for (u32 i = 0; i < s.order_count; ++i) {
    const u8* o = s.order(i);
    const u64 id = load_u64(o), owner = load_u64(o + 8), price = load_u64(o + order_price_offset),
              lots = load_u64(o + order_lots_offset);
    const bool buy = o[order_side_offset] == 0;
    u64 lock = 0;
    const bool overflow = __builtin_mul_overflow(lots, buy ? price : h[lot_b], &lock);
    bad_order |= (id < next_id_floor) | (id >= h[next_order_id]) | (owner >= n) | (price == 0) | (lots == 0) | overflow;
    u64& locked = buy ? locked_a : locked_b;
    (buy ? carry_a : carry_b) += __builtin_add_overflow(locked, lock, &locked);
    next_id_floor = id + 1;  // wraps only past id 2^64 - 1, which is never below next_order_id
  }
  if (bad_order) return DexChannelError::state_orders;
  total_a += locked_a + (static_cast<u128>(carry_a) << 64);
  total_b += locked_b + (static_cast<u128>(carry_b) << 64);
  if (total_a > u64_max || total_b > u64_max) return DexChannelError::state_totals;
  return DexChannelError::none;
}

// What an operation other than match makes of from's state: the header, the mover's position,
// and the book: unchanged, one order appended, or one removed.
struct Change {
  enum class Book { same, appended, removed };
  u64 header[header_fields] = {};
  PositionBytes mine;
  Book book = Book::same;
  u64 removed = 0;  // index in from's book
  u64 appended_id = 0, appended_owner = 0, appended_price = 0, appended_lots = 0;
  u8 appended_side = 0;
};

// Whether to's state is `change` applied to from's: the changed fields compared as values, the
// rest of to's bytes compared with from's, and no trade.
bool state_is(const View& from, const View& to, u64 mover, const Change& change) {
  if (!std::equal(std::begin(change.header), std::end(change.header), std::begin(to.header))) return false;
  if (to.position_count != from.position_count || to.trade_count != 0) return false;
  const std::size_t before_mine = static_cast<std::size_t>(mover) * position_bytes;
  const std::size_t after_mine = (from.position_count - mover - 1) * position_bytes;
  if (!same_bytes(from.positions, to.positions, before_mine) || !position_is(to.position(mover), change.mine) ||
      !same_bytes(from.position(mover + 1), to.position(mover + 1), after_mine))
    return false;
  const std::size_t book_bytes = static_cast<std::size_t>(from.order_count) * order_bytes;
  switch (change.book) {
    case Change::Book::same:
      return to.order_count == from.order_count && same_bytes(from.orders, to.orders, book_bytes);
    case Change::Book::appended: {
      if (static_cast<u64>(to.order_count) != static_cast<u64>(from.order_count) + 1) return false;
      const u64 last = from.order_count;
      return same_bytes(from.orders, to.orders, book_bytes) && to.order_id(last) == change.appended_id &&
             to.order_owner(last) == change.appended_owner && to.order(last)[order_side_offset] == change.appended_side &&
             to.order_price(last) == change.appended_price && to.order_lots(last) == change.appended_lots;
    }
    case Change::Book::removed: {
      if (static_cast<u64>(to.order_count) + 1 != from.order_count) return false;
      const std::size_t before = static_cast<std::size_t>(change.removed) * order_bytes;
      return same_bytes(from.orders, to.orders, before) &&
             same_bytes(from.order(change.removed + 1), to.order(change.removed), book_bytes - before - order_bytes);
    }
  }
  return false;
}

// The change that changes nothing: from's header and the mover's position.
Change start(const View& from, u64 mover) {
  Change change;
  std::copy(std::begin(from.header), std::end(from.header), std::begin(change.header));
  change.mine = load_position(from.position(mover));
  return change;
}

// spec: dex_channel.md#add_liquidity
DexChannelError add_liquidity(const View& to, u64 mover, Change& change) {
  u64* h = change.header;
  PositionBytes& mine = change.mine;
  if (to.add_amount_a == 0 || to.add_amount_b == 0) return DexChannelError::add_zero;
  if (mine.balance_a < to.add_amount_a || mine.balance_b < to.add_amount_b) return DexChannelError::add_balance;
  const bool first = h[total_shares] == 0;
  u64 use_a = to.add_amount_a, use_b = to.add_amount_b;
  u128 minted = 0, new_total = 0;
  if (first) {
    const u64 root = isqrt(static_cast<u128>(use_a) * use_b);
    minted = root > minimum_liquidity ? root - minimum_liquidity : 0;
    new_total = root;
  } else {
    const Checked b_optimal = mul_div(use_a, h[reserve_b], h[reserve_a]);
    if (!b_optimal.overflow && b_optimal.value <= use_b)
      use_b = b_optimal.value;
    else
      use_a = mul_div(use_b, h[reserve_a], h[reserve_b]).value;  // fits, and <= amount_a
    const Checked by_a = mul_div(use_a, h[total_shares], h[reserve_a]);
    const Checked by_b = mul_div(use_b, h[total_shares], h[reserve_b]);
    minted = (by_a.overflow && by_b.overflow) ? static_cast<u128>(u64_max) + 1
             : by_a.overflow                   ? by_b.value
             : by_b.overflow                   ? by_a.value
                                               : std::min(by_a.value, by_b.value);
    new_total = static_cast<u128>(h[total_shares]) + minted;
  }
  if (minted > u64_max || new_total > u64_max) return DexChannelError::add_overflow;
  if (minted == 0) return DexChannelError::add_insufficient;
  if (minted < to.add_min_shares) return DexChannelError::add_slippage;
  mine.balance_a -= use_a;
  mine.balance_b -= use_b;
  mine.shares += static_cast<u64>(minted);
  h[reserve_a] += use_a;
  h[reserve_b] += use_b;
  h[total_shares] = static_cast<u64>(new_total);
  if (first) h[pool_creator] = mover;
  return DexChannelError::none;
}

// spec: dex_channel.md#remove_liquidity
DexChannelError remove_liquidity(const View& to, Change& change) {
  u64* h = change.header;
  PositionBytes& mine = change.mine;
  if (to.remove_shares == 0) return DexChannelError::remove_zero;
  if (mine.shares < to.remove_shares) return DexChannelError::remove_shares;
  const u64 out_a = mul_div(to.remove_shares, h[reserve_a], h[total_shares]).value;
  const u64 out_b = mul_div(to.remove_shares, h[reserve_b], h[total_shares]).value;
  if (out_a == 0 || out_b == 0) return DexChannelError::remove_burned;
  if (out_a < to.remove_min_a || out_b < to.remove_min_b) return DexChannelError::remove_slippage;
  mine.shares -= to.remove_shares;
  mine.balance_a += out_a;
  mine.balance_b += out_b;
  h[reserve_a] -= out_a;
  h[reserve_b] -= out_b;
  h[total_shares] -= to.remove_shares;
  return DexChannelError::none;
}

// spec: dex_channel.md#swap_exact_in
DexChannelError swap_exact_in(const View& to, u64 turn, Change& change) {
  u64* h = change.header;
  PositionBytes& mine = change.mine;
  const bool a_to_b = to.swap_direction == 0;
  const u64 amount_in = to.swap_amount_in;
  if (turn > to.swap_valid_until) return DexChannelError::swap_expired;
  if (amount_in == 0) return DexChannelError::swap_zero;
  if (h[total_shares] == 0) return DexChannelError::swap_no_pool;
  if ((a_to_b ? mine.balance_a : mine.balance_b) < amount_in) return DexChannelError::swap_balance;
  u64& reserve_in = a_to_b ? h[reserve_a] : h[reserve_b];
  u64& reserve_out = a_to_b ? h[reserve_b] : h[reserve_a];
  const u64 out = get_amount_out(amount_in, reserve_in, reserve_out, h[fee_bps]);
  if (out == 0) return DexChannelError::swap_zero_out;
  if (out < to.swap_min_out) return DexChannelError::swap_slippage;
  (a_to_b ? mine.balance_a : mine.balance_b) -= amount_in;
  (a_to_b ? mine.balance_b : mine.balance_a) += out;
  reserve_in += amount_in;
  reserve_out -= out;
  return DexChannelError::none;
}

// spec: dex_channel.md#place_order
DexChannelError place_order(const View& to, u64 mover, Change& change) {
  u64* h = change.header;
  const bool buy = to.place_side == 0;
  if (to.place_price == 0 || to.place_lots == 0) return DexChannelError::place_zero;
  const Checked lock = mul(to.place_lots, buy ? to.place_price : h[lot_b]);
  if (lock.overflow) return DexChannelError::place_overflow;
  u64& balance = buy ? change.mine.balance_a : change.mine.balance_b;
  if (balance < lock.value) return DexChannelError::place_balance;
  if (h[next_order_id] == u64_max) return DexChannelError::place_id;
  balance -= lock.value;
  change.book = Change::Book::appended;
  change.appended_id = h[next_order_id];
  change.appended_owner = mover;
  change.appended_side = to.place_side;
  change.appended_price = to.place_price;
  change.appended_lots = to.place_lots;
  h[next_order_id] += 1;
  return DexChannelError::none;
}

// spec: dex_channel.md#cancel_order. The book is in strictly increasing id (DX-STATE-4), so the
// order is found by binary search.
DexChannelError cancel_order(const View& from, const View& to, u64 mover, Change& change) {
  u64 low = 0, high = from.order_count;
  while (low < high) {
    const u64 middle = low + (high - low) / 2;
    if (from.order_id(middle) < to.cancel_id)
      low = middle + 1;
    else
      high = middle;
  }
  if (low == from.order_count || from.order_id(low) != to.cancel_id) return DexChannelError::cancel_unknown;
  if (from.order_owner(low) != mover) return DexChannelError::cancel_not_owner;
  const bool buy = from.order_is_buy(low);
  (buy ? change.mine.balance_a : change.mine.balance_b) += from.order_lots(low) * (buy ? from.order_price(low) : change.header[lot_b]);
  change.book = Change::Book::removed;
  change.removed = low;
  return DexChannelError::none;
}

}  // namespace

// spec: dex_channel.md#isqrt. A double's square root, one integer Newton step from it (which lands
// at or above the floor), then at most a few steps down or up to the exact floor.
u64 isqrt(u128 n) {
  if (n == 0) return 0;
  const double estimate = std::sqrt(static_cast<double>(n));
  u64 root = estimate >= 18446744073709551615.0 ? u64_max : static_cast<u64>(estimate);
  if (root == 0) root = 1;
  const u128 newton = (static_cast<u128>(root) + n / root) / 2;
  root = newton > u64_max ? u64_max : static_cast<u64>(newton);
  while (static_cast<u128>(root) * root > n) --root;
  while (root < u64_max && static_cast<u128>(root + 1) * (root + 1) <= n) ++root;
  return root;
}

// spec: dex_channel.md#get_amount_out. The quotient is at most reserve_out, so it fits 64 bits. The
// numerator takes 192 bits only when amount_in * (10000 - fee_bps) * reserve_out passes 2^128; below
// that one native division does, and a DIV when the denominator fits 64 bits.
u64 get_amount_out(u64 amount_in, u64 reserve_in, u64 reserve_out, u64 fee_bps) {
  const u128 in_with_fee = static_cast<u128>(amount_in) * (bps_denominator - fee_bps);
  const u128 denominator = static_cast<u128>(reserve_in) * bps_denominator + in_with_fee;
  const u128 low_part = static_cast<u128>(static_cast<u64>(in_with_fee)) * reserve_out;
  const u128 high_part = static_cast<u128>(static_cast<u64>(in_with_fee >> 64)) * reserve_out;
  const u128 low = low_part + (high_part << 64);
  const u64 top = static_cast<u64>(high_part >> 64) + (low < low_part ? 1 : 0);  // numerator = top:low
  if (top == 0) {
    if ((denominator >> 64) == 0 && static_cast<u64>(low >> 64) < static_cast<u64>(denominator))
      return divide_128_by_64(low, static_cast<u64>(denominator));
    return static_cast<u64>(low / denominator);
  }
  // numerator / 2^64 < denominator (the quotient fits 64 bits), and denominator < 2^79: long
  // division of the last 64 bits without overflow.
  u128 remainder = (static_cast<u128>(top) << 64) | (low >> 64);
  const u64 last = static_cast<u64>(low);
  u64 quotient = 0;
  for (int bit = 63; bit >= 0; --bit) {
    remainder = (remainder << 1) | ((last >> bit) & 1U);
    quotient <<= 1;
    if (remainder >= denominator) {
      remainder -= denominator;
      quotient |= 1U;
    }
  }
  return quotient;
}

// spec: dex_channel.md#match. Only the orders that cross the other side's best price can trade:
// fills only remove orders and lower lots, so the best bid's price never rises and the best ask's
// never falls, and a bid below the first best ask (or an ask above the first best bid) never
// crosses. Those candidates are sorted by price-time priority (bids by price descending, asks by
// price ascending, then id ascending) and the fills walk the two lists front to front: the
// reference's best order of a side, found by a scan of the book per fill, is the first candidate
// with lots left, and when one side's candidates run out the book no longer crosses. Ids ascend
// with the book's index (DX-STATE-4), so the index stands for the id in the order of time. The
// book after the fills is compared in runs: from's bytes for the orders no fill touched.
DexChannelError Engine::apply_match(const View& from, const View& to, u64 max_fills) {
  if (max_fills == 0) return DexChannelError::match_zero;
  bool any_bid = false, any_ask = false;
  u64 best_bid = 0, best_ask = u64_max;
  for (u32 i = 0; i < from.order_count; ++i) {
    const u64 price = from.order_price(i);
    if (from.order_is_buy(i)) {
      any_bid = true;
      best_bid = std::max(best_bid, price);
    } else {
      any_ask = true;
      best_ask = std::min(best_ask, price);
    }
  }
  if (!any_bid || !any_ask || best_bid < best_ask) return DexChannelError::match_not_crossed;
  bids_.clear();
  asks_.clear();
  for (u32 i = 0; i < from.order_count; ++i) {
    const u64 price = from.order_price(i);
    if (from.order_is_buy(i)) {
      if (price >= best_ask) bids_.push_back({u64_max - price, from.order_lots(i), i});
    } else if (price <= best_bid) {
      asks_.push_back({price, from.order_lots(i), i});
    }
  }
  const auto priority = [](const Candidate& x, const Candidate& y) {
    return x.key != y.key ? x.key < y.key : x.index < y.index;
  };
  std::sort(bids_.begin(), bids_.end(), priority);
  std::sort(asks_.begin(), asks_.end(), priority);
  const u64 n = from.position_count;
  const u64 unit_b = from.header[lot_b];
  positions_.resize(n);
  for (u64 i = 0; i < n; ++i) {
    const PositionBytes p = load_position(from.position(i));
    positions_[i] = Position{p.balance_a, p.balance_b, p.shares};
  }
  trades_.clear();
  std::size_t bid = 0, ask = 0;
  for (u64 fills = 0; fills < max_fills && bid < bids_.size() && ask < asks_.size(); ++fills) {
    Candidate& buy = bids_[bid];
    Candidate& sell = asks_[ask];
    const u64 bid_price = u64_max - buy.key, ask_price = sell.key;
    if (bid_price < ask_price) break;
    const u64 lots = std::min(buy.lots, sell.lots);
    const u64 price = buy.index < sell.index ? bid_price : ask_price;  // the maker's, the earlier order
    Position& buyer = positions_[from.order_owner(buy.index)];
    buyer.balance_b += lots * unit_b;
    buyer.balance_a += lots * (bid_price - price);
    positions_[from.order_owner(sell.index)].balance_a += lots * price;
    trades_.push_back(Trade{from.order_id(buy.index), from.order_id(sell.index), lots, price});
    buy.lots -= lots;
    sell.lots -= lots;
    if (buy.lots == 0) ++bid;
    if (sell.lots == 0) ++ask;
  }
  // The orders the fills touched, in book order: the emptied ones and at most one partly filled
  // per side.
  touched_.clear();
  for (std::size_t i = 0; i < bids_.size() && i <= bid; ++i)
    if (bids_[i].lots != from.order_lots(bids_[i].index)) touched_.push_back(bids_[i]);
  for (std::size_t i = 0; i < asks_.size() && i <= ask; ++i)
    if (asks_[i].lots != from.order_lots(asks_[i].index)) touched_.push_back(asks_[i]);
  std::sort(touched_.begin(), touched_.end(), [](const Candidate& x, const Candidate& y) { return x.index < y.index; });
  // DX-MOVE-5: the header is unchanged; the book is from's with the lots left and the emptied
  // orders removed; the trades are the fills, in order.
  const auto mismatch = DexChannelError::next_state;
  if (!std::equal(std::begin(from.header), std::end(from.header), std::begin(to.header))) return mismatch;
  if (to.position_count != n || to.trade_count != trades_.size()) return mismatch;
  for (u64 i = 0; i < n; ++i) {
    const Position& p = positions_[i];
    if (!position_is(to.position(i), PositionBytes{p.balance_a, p.balance_b, p.shares})) return mismatch;
  }
  u64 kept = 0;       // orders of to's book matched so far
  u64 untouched = 0;  // the first order of from's book not yet matched
  const auto same_run = [&](u64 end) {  // from's orders [untouched, end) are to's next ones
    const u64 run = end - untouched;
    if (to.order_count - kept < run || !same_bytes(from.order(untouched), to.order(kept), run * order_bytes)) return false;
    kept += run;
    return true;
  };
  for (const Candidate& t : touched_) {
    if (!same_run(t.index)) return mismatch;
    untouched = static_cast<u64>(t.index) + 1;
    if (t.lots == 0) continue;
    if (kept == to.order_count || std::memcmp(from.order(t.index), to.order(kept), order_lots_offset) != 0 ||
        to.order_lots(kept) != t.lots)
      return mismatch;
    ++kept;
  }
  if (!same_run(from.order_count) || kept != to.order_count) return mismatch;
  const u8* trade = to.trades;
  for (const Trade& t : trades_) {
    if (load_u64(trade) != t.buy_id || load_u64(trade + 8) != t.sell_id || load_u64(trade + 16) != t.lots ||
        load_u64(trade + 24) != t.price)
      return mismatch;
    trade += trade_bytes;
  }
  return DexChannelError::none;
}

// The operation to's action names, applied to from's state by the mover at `turn`, and DX-MOVE-5.
DexChannelError Engine::apply_and_compare(const View& from, const View& to, u64 mover, u64 turn) {
  if (to.present[match]) return apply_match(from, to, to.max_fills);
  Change change = start(from, mover);
  DexChannelError e = DexChannelError::none;  // a pass: nothing to check
  if (to.present[add])
    e = add_liquidity(to, mover, change);
  else if (to.present[remove])
    e = remove_liquidity(to, change);
  else if (to.present[swap])
    e = swap_exact_in(to, turn, change);
  else if (to.present[place])
    e = place_order(to, mover, change);
  else if (to.present[cancel])
    e = cancel_order(from, to, mover, change);
  if (e != DexChannelError::none) return e;
  return state_is(from, to, mover, change) ? DexChannelError::none : DexChannelError::next_state;
}

// DX-MOVE-6 on to's state, which is the applied state once DX-MOVE-5 passed: the claims of
// ref::dex_channel::claims_a, in the same u64 arithmetic.
bool Engine::outcome_is_claims(const View& to, const std::vector<u64>& outcome) {
  const u64 n = to.position_count;
  if (outcome.size() != n) return false;
  const u64* h = to.header;
  claims_.resize(n);
  u64 pooled = 0;
  for (u64 i = 0; i < n; ++i) {
    const u8* p = to.position(i);
    claims_[i] = load_u64(p);
    if (h[total_shares] != 0) {
      const u64 part = mul_div(load_u64(p + 16), h[reserve_a], h[total_shares]).value;
      claims_[i] += part;
      pooled += part;
    }
  }
  for (u32 i = 0; i < to.order_count; ++i)
    if (to.order_is_buy(i)) claims_[to.order_owner(i)] += to.order_lots(i) * to.order_price(i);
  claims_[h[pool_creator]] += h[reserve_a] - pooled;
  return std::equal(claims_.begin(), claims_.end(), outcome.begin());
}

// spec: dex_channel.md#check_move, the rules in the reference's order.
DexChannelError Engine::check_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) {
  if (from.turn == u64_max || to.turn != from.turn + 1) return DexChannelError::turn;
  View before, after;
  const bool before_ok = parse(from.app_data, before);
  const bool after_ok = parse(to.app_data, after);
  if (!before_ok || !after_ok) return DexChannelError::data;
  const u64 n = fixed.participants.size();
  if (n == 0) return DexChannelError::participants;
  if (const DexChannelError e = validate(before, n); e != DexChannelError::none) return e;
  if (after.operations > 1) return DexChannelError::action_form;
  if (const DexChannelError e = apply_and_compare(before, after, to.turn % n, to.turn); e != DexChannelError::none)
    return e;
  if (!outcome_is_claims(after, to.outcome)) return DexChannelError::next_outcome;
  return DexChannelError::none;
}

DexChannelError check_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) {
  thread_local Engine engine;
  return engine.check_move(fixed, from, to);
}

}  // namespace l2::opt::dex_channel
