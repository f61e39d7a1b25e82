// The Z3 model of the DEX channel (spec: dex_channel.md#the-z3-model): the pool's operations
// (swap_exact_in, add_liquidity, remove_liquidity) and one fill of the order book's match, each with
// the reference's checks and arithmetic over integers bounded to u64. It proves that k = x·y never
// decreases, nor the fee-weighted k Uniswap v2's pair checks; that a share's part of each reserve
// never decreases; that no swap executes below its minimum output or after its deadline, and no
// deposit or burn below its minimums; that neither reserve is ever drained; and that match fills no
// order beyond its amount, fills the best bid against the best ask in price-time priority, at a
// price within both limits, and conserves both tokens.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"

namespace l2::inv::dex_channel {

// A rule deliberately weakened. Never used outside tests and `l2spec prove --weaken`.
enum class Weakening {
  none,
  fee_dropped_from_k,       // the swap pays out whatever keeps x·y from decreasing, the fee left out
  min_out_unchecked,        // DX-SWAP-6 dropped
  deadline_unchecked,       // DX-SWAP-1 dropped
  mint_rounds_up,           // a deposit mints ceil instead of floor of its pro-rata shares
  fill_the_bid,             // a fill trades the bid's remaining lots, not the smaller of the two
  later_order_first,        // among equal prices the later order is filled first
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);
inline constexpr std::array<Weakening, 6> all_weakenings = {
    Weakening::fee_dropped_from_k, Weakening::min_out_unchecked, Weakening::deadline_unchecked,
    Weakening::mint_rounds_up,     Weakening::fill_the_bid,      Weakening::later_order_first};

std::vector<Obligation> obligations(Weakening weakening = Weakening::none);

ModelEntry registry_entry();

}  // namespace l2::inv::dex_channel
