// Optimized DEX channel application: must match l2::ref::dex_channel::check_move
// (reference/include/l2/ref/dex_channel.hpp) bit for bit: the same DexChannelError, decided by the
// same rule, for every fixed part and every pair of states, malformed app_data and unreachable
// from-states included.
//
// Exploits that a move changes little of a state that is mostly bytes it already carries. The
// reference decodes both app_data into vectors, applies the action to a copy of from's DexState and
// compares the copy with to's field by field. This engine instead:
//   - parses each app_data in one pass without copying it: a View keeps the decoded action, the
//     seven header integers and where the positions, orders and trades lists start; only the bytes
//     that can be malformed are read (the optional tags, the two enum bytes, the list counts, the
//     length), and u64 fields are read big-endian in place when needed;
//   - validates from's state in one pass over the positions and one over the orders, totals summed
//     in unsigned __int128;
//   - applies the action without building the next state: it computes only the fields the action
//     changes, and compares to's bytes with from's bytes (memcmp) wherever the action leaves them
//     alone. The encoding is canonical and to's app_data decoded, so equal bytes are equal values
//     and DX-MOVE-5 is decided exactly;
//   - matches a crossed book by sorting only the orders that can trade (those crossing the other
//     side's best price) into price-time priority and filling the two lists front to front,
//     instead of the reference's scan of the whole book per fill;
//   - computes the claims from to's bytes (equal to the applied state once DX-MOVE-5 passed) into
//     a buffer it reuses;
//   - does 128-bit arithmetic with unsigned __int128 and the x86-64 DIV instruction (a 128-by-64
//     division whose quotient fits 64 bits) instead of the reference's bit-by-bit long division.
// An Engine keeps its buffers across calls: after the first calls on a channel it allocates nothing.
// spec: dex_channel.md#check_move, dex_channel.md#optimized-engine
#pragma once

#include <cstddef>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/dex_channel.hpp"
#include "l2/ref/state_channel_parts.hpp"

namespace l2::opt::dex_channel {

using ref::dex_channel::FixedPart;
using ref::dex_channel::Position;
using ref::dex_channel::Trade;
using ref::dex_channel::u128;
using ref::dex_channel::VariablePart;

// floor(sqrt(n)): equals ref::dex_channel::isqrt for every n.
u64 isqrt(u128 n);

// floor(amount_in * (10000 - fee_bps) * reserve_out / (reserve_in * 10000 + amount_in * (10000 -
// fee_bps))): equals ref::dex_channel::get_amount_out under its contract (reserve_in > 0 or
// amount_in > 0, and fee_bps < 10000).
u64 get_amount_out(u64 amount_in, u64 reserve_in, u64 reserve_out, u64 fee_bps);

// The judge of DEX moves, with the buffers it reuses from one call to the next. Not thread-safe:
// one Engine per thread.
class Engine {
 public:
  // ref::dex_channel::check_move(fixed, from, to), the same code for every input.
  DexChannelError check_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to);

  // Where a parsed app_data's parts are; see dex_channel/engine.cpp.
  struct View;

 private:
  DexChannelError apply_and_compare(const View& from, const View& to, u64 mover, u64 turn);
  DexChannelError apply_match(const View& from, const View& to, u64 max_fills);
  bool outcome_is_claims(const View& to, const std::vector<u64>& outcome);

  // match: an order that may trade, with its lots left: key is the price for an ask and
  // 2^64 - 1 - price for a bid, so that both sides sort ascending into price-time priority.
  struct Candidate {
    u64 key = 0;
    u64 lots = 0;
    u32 index = 0;  // in from's book
  };
  std::vector<Candidate> bids_, asks_;
  std::vector<Candidate> touched_;   // match: the orders the fills changed, in book order
  std::vector<Position> positions_;  // match: the positions after the fills
  std::vector<Trade> trades_;        // match: the fills made
  std::vector<u64> claims_;          // the claims on A of to's state
};

// check_move on this thread's Engine.
DexChannelError check_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to);

// ref::dex_channel::DexApp with the engine's check_move: an AppCheck whose verdicts equal the
// reference's. spec: dex_channel.md#dexapp
struct DexApp {
  Hash32 definition = ref::dex_channel::dex_app_definition();

  bool knows(const Hash32& app_definition) const { return app_definition == definition; }
  bool valid_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) const {
    return knows(fixed.app_definition) && check_move(fixed, from, to) == DexChannelError::none;
  }
};

static_assert(ref::state_channel::AppCheck<DexApp>);

}  // namespace l2::opt::dex_channel
