// Multi-part payments: a min-cost-flow planner in the manner of Pickhardt and Richter (as CLN's
// renepay plans). The amount is cut into units; every directed edge becomes a few parallel arcs
// whose unit costs grow with the share of its capacity already used (a piecewise-linear stand-in
// for the uncertainty cost -log((c + 1 - x) / (c + 1))) plus its proportional fee; successive
// shortest paths with potentials carry the units from payer to payee at least total cost; the flow
// is decomposed into paths, and each path becomes a part with the route's own fees and timelocks.
// The result meets the reference's contract, route::check_payment_plan (channel_network.md#
// multi-part-payments): at most 16 parts, each a valid route, delivering the amount exactly and
// together within every edge's capacity. When fees push a part over an edge's room, the planner
// lowers that edge's arcs and plans again; tests/property/channel_network_mpp_property_test.cpp
// holds it to the contract, and the benchmark checks every plan with check_payment_plan.
// spec: channel_network.md#multi-part-payments
#pragma once

#include <cstddef>

#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_network_route.hpp"
#include "l2/ref/result.hpp"

namespace l2::opt::channel_network {

struct PlanOptions {
  u64 unit = 0;                        // the flow's unit in amount; 0 picks max(dust_limit, ceil(amount / 256))
  u32 segments = 4;                    // arcs per edge, of rising cost
  u64 uncertainty_weight = 1'000'000;  // the weight of the uncertainty cost against the fee (per unit)
  u32 replans = 8;                     // how often a plan over a capacity is redone with that edge lowered
};

// A plan that meets route::check_payment_plan, or: the graph's error (CN-GRAPH-*), CN_FIND_UNKNOWN_NODE,
// CN_FIND_SELF_PAYMENT, or CN_FIND_NO_ROUTE when the flow cannot carry the amount in at most 16
// parts that pass the contract.
Result<ref::channel_network::route::PaymentPlan, RouteError> plan_payment(const ref::channel_network::route::ChannelGraph& graph,
                                                                          u32 payer, u32 payee, u64 amount,
                                                                          const ref::channel_network::route::RoutingContext& ctx,
                                                                          const PlanOptions& options = {});

}  // namespace l2::opt::channel_network
