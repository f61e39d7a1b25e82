// The DEX channel's application: moves judged per second by check_move, one thread, the reference
// and the optimized engine in the same run (issue 12).
//   BM_dex_channel_<op>/reference: l2::ref::dex_channel::check_move (decodes both app_data into
//     vectors with the reflect codec, validates from's state, applies the action to a copy,
//     reflect::equal, claims_a into a new vector; 128-bit products by bit-serial long division).
//   BM_dex_channel_<op>/optimized: l2::opt::dex_channel::Engine::check_move on one Engine kept
//     across iterations (one-pass parse in place, to's bytes compared with from's, the x86-64 DIV;
//     see optimized/include/l2/opt/dex_channel.hpp).
// The channel: 4 participants; a funded pool of 10^12 A and 2 * 10^12 B (fee 30 bps, every
// participant an LP); lot_b = 1000; a book of 40 resting orders (20 bids at 90..99 A per lot, 20
// asks at 101..110, 1 to 5 lots each, owners in turn). The moves, each made by
// ref::dex_channel::make_move and checked to be accepted by both before timing:
//   swap:  swap_exact_in of 10^9 A for B with min_out at the quote (to's app_data: 1515 bytes);
//   place: a buy order of 3 lots at 98 (1540 bytes);
//   match: after 3 asks at 95, 96 and 97 that cross the bids, a match of up to 8 fills: it makes 5,
//          filling two bids and one ask in parts, and leaves the book uncrossed (1559 bytes).
// The counters: app_data_bytes (to's) and trades (the fills to records).
// items_per_second counts moves judged, so optimized / reference is the speed-up per move. Every
// iteration judges the same accepted (from, to) pair: the whole of check_move runs each time.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "l2/opt/dex_channel.hpp"
#include "l2/ref/dex_channel.hpp"

namespace {

using l2::DexChannelError;
using l2::Hash32;
using l2::u64;
using l2::u8;
namespace dx = l2::ref::dex_channel;
namespace opt = l2::opt::dex_channel;

constexpr std::size_t participants = 4;

struct Move {
  dx::FixedPart fixed;
  dx::VariablePart from;
  dx::VariablePart to;
};

dx::FixedPart fixed_part() {
  dx::FixedPart fixed{};
  fixed.chain_id = 1;
  for (std::size_t i = 0; i < participants; ++i) {
    Hash32 key{};
    key.fill(static_cast<u8>(0x40 + i));
    fixed.participants.push_back(key);
  }
  fixed.app_definition = dx::dex_app_definition();
  fixed.challenge_duration = 100;
  return fixed;
}

dx::DexState book_state() {
  dx::DexState s{};
  s.fee_bps = 30;
  s.lot_b = 1000;
  s.reserve_a = 1'000'000'000'000;
  s.reserve_b = 2'000'000'000'000;
  u64 held = 0;
  for (std::size_t i = 0; i < participants; ++i) {
    const u64 shares = 300'000'000'000 + i * 10'000'000;
    s.positions.push_back(dx::Position{5'000'000'000'000, 7'000'000'000'000, shares});
    held += shares;
  }
  s.total_shares = held + dx::minimum_liquidity;
  for (u64 i = 0; i < 20; ++i) {
    s.orders.push_back(dx::Order{2 * i, (2 * i) % participants, dx::OrderSide::buy, 90 + i / 2, 1 + i % 5});
    s.orders.push_back(dx::Order{2 * i + 1, (2 * i + 1) % participants, dx::OrderSide::sell, 101 + i / 2, 1 + i % 5});
  }
  s.next_order_id = 40;
  return s;
}

dx::VariablePart state_at(u64 turn, const dx::DexState& s) {
  return dx::VariablePart{turn, dx::encode_data(dx::DexData{dx::DexAction{}, s}), dx::claims_a(s), false};
}

// The move `action` from `from`, accepted by both implementations (or the benchmark stops).
Move made(const dx::FixedPart& fixed, const dx::VariablePart& from, const dx::DexAction& action) {
  const auto to = dx::make_move(fixed, from, action);
  if (!to.ok()) std::abort();
  opt::Engine engine;
  if (dx::check_move(fixed, from, *to) != DexChannelError::none ||
      engine.check_move(fixed, from, *to) != DexChannelError::none)
    std::abort();
  return Move{fixed, from, *to};
}

Move swap_move() {
  const dx::FixedPart fixed = fixed_part();
  const dx::DexState s = book_state();
  const u64 amount_in = 1'000'000'000;
  const u64 quote = dx::get_amount_out(amount_in, s.reserve_a, s.reserve_b, s.fee_bps);
  dx::DexAction action;
  action.swap_exact_in = dx::SwapExactIn{dx::SwapDirection::a_to_b, amount_in, quote, 1000};
  return made(fixed, state_at(100, s), action);
}

Move place_move() {
  const dx::FixedPart fixed = fixed_part();
  dx::DexAction action;
  action.place_order = dx::PlaceOrder{dx::OrderSide::buy, 98, 3};
  return made(fixed, state_at(100, book_state()), action);
}

Move match_move() {
  const dx::FixedPart fixed = fixed_part();
  dx::DexState s = book_state();
  for (u64 price = 95; price <= 97; ++price)
    s.orders.push_back(dx::Order{s.next_order_id++, price % participants, dx::OrderSide::sell, price, 4});
  dx::DexAction action;
  action.match = dx::Match{8};
  return made(fixed, state_at(100, s), action);
}

enum class Backend { reference, optimized };

void run(benchmark::State& state, const Move& move, Backend backend) {
  opt::Engine engine;
  for (auto _ : state) {
    const DexChannelError e = backend == Backend::reference ? dx::check_move(move.fixed, move.from, move.to)
                                                            : engine.check_move(move.fixed, move.from, move.to);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["app_data_bytes"] = static_cast<double>(move.to.app_data.size());
  state.counters["trades"] = static_cast<double>(dx::decode_data(move.to.app_data)->state.trades.size());
}

void BM_dex_channel_swap(benchmark::State& state, Backend backend) {
  static const Move move = swap_move();
  run(state, move, backend);
}

void BM_dex_channel_place(benchmark::State& state, Backend backend) {
  static const Move move = place_move();
  run(state, move, backend);
}

void BM_dex_channel_match(benchmark::State& state, Backend backend) {
  static const Move move = match_move();
  run(state, move, backend);
}

}  // namespace

BENCHMARK_CAPTURE(BM_dex_channel_swap, reference, Backend::reference)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_dex_channel_swap, optimized, Backend::optimized)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_dex_channel_place, reference, Backend::reference)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_dex_channel_place, optimized, Backend::optimized)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_dex_channel_match, reference, Backend::reference)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_dex_channel_match, optimized, Backend::optimized)->Unit(benchmark::kMicrosecond);
