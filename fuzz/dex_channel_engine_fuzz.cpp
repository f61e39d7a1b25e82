// The DEX channel: the reference's check_move (l2::ref::dex_channel) and the optimized engine's
// (l2::opt::dex_channel::Engine, one kept across inputs as the adjudicator keeps it, and a fresh
// one) must return the same DexChannelError for every move. Aborts on any disagreement.
// Random bytes would almost never decode as a DexData, so an input starts from a reachable state
// and a move made from it, then breaks them:
//   byte 0:     the participants, 1 + (byte mod 4), and bit 7: start from the state after a match
//               (whose trades are not empty) instead of after the deposits and orders;
//   byte 1:     the action: its operation (byte mod 7: pass, add, remove, swap, place, cancel,
//               match), and bit 7 a second operation (a pass) next to it;
//   bytes 2-25: three u64, big-endian, the operation's amounts (for a swap or an order, the low
//               bit of the first picks the direction or the side);
//   then triples (offset, 2 bytes big-endian; value): each overwrites one byte of to's app_data
//               (offset mod its size), or, when the offset is 0xffff, truncates it by `value`
//               bytes, or when 0xfffe, appends `value` and moves to.turn or one outcome entry by one.
// The move is make_move's when the reference makes one, else to is from with the action carried.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "l2/opt/dex_channel.hpp"
#include "l2/ref/dex_channel.hpp"

namespace {

namespace dx = l2::ref::dex_channel;
namespace opt = l2::opt::dex_channel;
using l2::u64;
using l2::u8;

u64 read_u64(const std::uint8_t* p) {
  u64 value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | p[i];
  return value;
}

dx::FixedPart channel(std::size_t n) {
  dx::FixedPart fixed{};
  fixed.chain_id = 1;
  for (std::size_t i = 0; i < n; ++i) fixed.participants.push_back(l2::Hash32{static_cast<u8>(0x40 + i)});
  fixed.app_definition = dx::dex_app_definition();
  fixed.challenge_duration = 100;
  return fixed;
}

// The state after a deposit, two crossing orders and, with `matched`, their match.
dx::VariablePart start(const dx::FixedPart& fixed, bool matched) {
  const std::size_t n = fixed.participants.size();
  dx::VariablePart state = dx::opening_state(30, 10, std::vector<dx::Position>(n, dx::Position{1'000'000, 1'000'000, 0}));
  const auto apply = [&](const dx::DexAction& action) {
    const auto next = dx::make_move(fixed, state, action);
    if (next.ok()) state = next.value();
  };
  dx::DexAction add{}, buy{}, sell{}, match{};
  add.add_liquidity = dx::AddLiquidity{100'000, 200'000, 0};
  buy.place_order = dx::PlaceOrder{dx::OrderSide::buy, 30, 5};
  sell.place_order = dx::PlaceOrder{dx::OrderSide::sell, 20, 3};
  match.match = dx::Match{1};
  apply(add);
  apply(buy);
  apply(sell);
  if (matched) apply(match);
  return state;
}

dx::DexAction action_of(u8 kind, u64 a, u64 b, u64 c) {
  dx::DexAction action{};
  switch (kind % 7) {
    case 1: action.add_liquidity = dx::AddLiquidity{a, b, c}; break;
    case 2: action.remove_liquidity = dx::RemoveLiquidity{a, b, c}; break;
    case 3:
      action.swap_exact_in =
          dx::SwapExactIn{(a & 1) != 0 ? dx::SwapDirection::b_to_a : dx::SwapDirection::a_to_b, a >> 1, b, c};
      break;
    case 4: action.place_order = dx::PlaceOrder{(a & 1) != 0 ? dx::OrderSide::sell : dx::OrderSide::buy, b, c}; break;
    case 5: action.cancel_order = dx::CancelOrder{a}; break;
    case 6: action.match = dx::Match{a}; break;
    default: break;  // a pass
  }
  if ((kind & 0x80) != 0 && !action.match) action.match = dx::Match{1};
  return action;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t header = 26;
  if (size < header) return 0;
  static opt::Engine kept;
  const dx::FixedPart fixed = channel(1 + data[0] % 4);
  const dx::VariablePart from = start(fixed, (data[0] & 0x80) != 0);
  const dx::DexAction action = action_of(data[1], read_u64(data + 2), read_u64(data + 10), read_u64(data + 18));

  dx::VariablePart to = from;
  if (const auto made = dx::make_move(fixed, from, action); made.ok()) {
    to = made.value();
  } else {
    to.turn = from.turn + 1;
    to.app_data = dx::encode_data(dx::DexData{action, dx::decode_data(from.app_data).value().state});
  }
  for (std::size_t i = header; i + 2 < size; i += 3) {
    const unsigned offset = (unsigned{data[i]} << 8) | data[i + 1];
    const u8 value = data[i + 2];
    if (offset == 0xffff) {
      to.app_data.resize(to.app_data.size() > value ? to.app_data.size() - value : 0);
    } else if (offset == 0xfffe) {
      to.app_data.push_back(value);
      if ((value & 1) != 0) to.turn += 1;
      else if (!to.outcome.empty()) to.outcome[value % to.outcome.size()] += 1;
    } else if (!to.app_data.empty()) {
      to.app_data[offset % to.app_data.size()] = value;
    }
  }

  const l2::DexChannelError expected = dx::check_move(fixed, from, to);
  if (kept.check_move(fixed, from, to) != expected) std::abort();
  opt::Engine fresh;
  if (fresh.check_move(fixed, from, to) != expected) std::abort();
  return 0;
}
