// The Z3 model of multi-hop payments (spec: channel_network.md#the-z3-model): conservation through
// every lock op, the fee rule and shrinking timelocks of an accepted route, a refund that is final,
// and, over routes of up to three hops against any behaviour of the others, that an honest
// intermediary never loses, that the claimed locks of a payment form an upstream prefix with the
// payee's claim implying every claim, and that under PTLCs the payer's lock is never claimed past
// an honest intermediary that was not paid (the wormhole).
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"

namespace l2::inv::channel_network {

// A rule deliberately weakened. Never used outside tests and `l2spec prove --weaken`.
enum class Weakening {
  none,
  equal_timelocks,   // CN-DEPLOY-6 and CN-GRAPH-4 dropped: a hop's cltv_delta may be 0
  claim_at_expiry,   // CN-RESOLVE-3: a revelation at the expiry height still claims
  ptlc_same_point,   // every hop of a PTLC payment locks the same point (the wormhole returns)
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);
inline constexpr std::array<Weakening, 3> all_weakenings = {Weakening::equal_timelocks, Weakening::claim_at_expiry,
                                                            Weakening::ptlc_same_point};

std::vector<Obligation> obligations(Weakening weakening = Weakening::none);

ModelEntry registry_entry();

}  // namespace l2::inv::channel_network
