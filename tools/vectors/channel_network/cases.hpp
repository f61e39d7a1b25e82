// The channel network's vectors, in three parts, each with its ops and its cases:
//   adjudicator.cpp: the lock adjudicator on chain (deploy and its operations table) and the
//     off-chain lock ops (add_lock, fulfill_lock, fail_lock), stateful;
//   routing.cpp: graphs, routes, the pathfinder, payment plans and the bridge, stateless;
//   crypto.cpp: the onion (BOLT 4's published vectors among its cases) and adaptor signatures,
//     stateless.
// mechanism.cpp joins them into the registry's descriptor. spec: channel_network.md#vector-operations-mechanism-channel_network
#pragma once

#include <string_view>
#include <vector>

#include "l2/vectors/framework.hpp"

namespace l2::vectors::channel_network_vectors {

inline constexpr std::string_view mechanism_name = "channel_network";

std::vector<OpHandler> adjudicator_ops();
std::vector<CaseSpec> adjudicator_cases(Profile profile);

std::vector<OpHandler> routing_ops();
std::vector<CaseSpec> routing_cases(Profile profile);

std::vector<OpHandler> crypto_ops();
std::vector<CaseSpec> crypto_cases(Profile profile);

}  // namespace l2::vectors::channel_network_vectors
