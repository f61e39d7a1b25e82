// Routes and routing of the channel network (spec: channel_network.md#routes, #routing): every
// graph and route rule accepted at its boundary and rejected one past it, the check order, route
// construction against amounts and expiries worked out by hand from the spec's formulas, and the
// reference pathfinder on small graphs whose best route is known by inspection. The error enum is
// checked against the spec's rule tables.
#include <gtest/gtest.h>

#include <limits>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "l2/ref/channel_network_route.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

namespace route = l2::ref::channel_network::route;
using l2::RouteError;
using l2::u32;
using l2::u64;
using route::ChannelEdge;
using route::ChannelGraph;
using route::Route;
using route::RouteHop;
using route::RoutingContext;
using route::u128;

constexpr u64 u64_max = std::numeric_limits<u64>::max();

// A 128-bit value in decimal, for comparisons that print.
std::string dec(u128 value) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  return out;
}

// height 1000, dust_limit 10, min_cltv_delta 10, final_cltv_delta 18, max_expiry_blocks 1000.
constexpr RoutingContext context{1000, 10, 10, 18, 1000};
constexpr u64 final_expiry = 1018;  // height + final_cltv_delta

// An edge with room for the tests' amounts: capacity and htlc_maximum 1'000'000, htlc_minimum 1.
constexpr ChannelEdge edge(u64 scid, u32 from, u32 to, u64 fee_base = 0, u64 fee_ppm = 0, u64 cltv_delta = 40) {
  return ChannelEdge{scid, from, to, 1'000'000, fee_base, fee_ppm, cltv_delta, 1, 1'000'000};
}

// 0 - 1 - 2 - 3 over channels 1, 2, 3, both directions, each priced fee_base 1000, fee_ppm 100,
// cltv_delta 40.
ChannelGraph line() {
  return ChannelGraph{4, {edge(1, 0, 1, 1000, 100), edge(1, 1, 0, 1000, 100), edge(2, 1, 2, 1000, 100),
                          edge(2, 2, 1, 1000, 100), edge(3, 2, 3, 1000, 100), edge(3, 3, 2, 1000, 100)}};
}

// 100'000 from 0 to 3 over line(), worked backwards:
//   hop 2 (2 -> 3): 100'000 until 1000 + 18 = 1018.
//   hop 1 (1 -> 2): node 2 forwards hop 2 and keeps fee(2->3, 100'000) = 1000 + floor(100'000 * 100 / 10^6)
//                   = 1000 + 10 = 1010: 101'010 until 1018 + 40 = 1058.
//   hop 0 (0 -> 1): node 1 keeps fee(1->2, 101'010) = 1000 + floor(101'010 * 100 / 10^6) = 1000 + floor(10.101)
//                   = 1010: 102'020 until 1058 + 40 = 1098. The payer pays 2020 in fees.
Route base() {
  return Route{{RouteHop{1, 0, 1, 102'020, 1098}, RouteHop{2, 1, 2, 101'010, 1058}, RouteHop{3, 2, 3, 100'000, 1018}}};
}

RouteError validate(const ChannelGraph& graph, const Route& r, const RoutingContext& ctx = context) {
  const auto result = route::validate_route(graph, r, ctx);
  return result.ok() ? RouteError::none : result.error();
}

RouteError build(const ChannelGraph& graph, u32 payer, const std::vector<u64>& channels, u64 amount,
                 const RoutingContext& ctx = context) {
  const auto result = route::build_route(graph, payer, channels, amount, ctx);
  return result.ok() ? RouteError::none : result.error();
}

RouteError find(const ChannelGraph& graph, u32 payer, u32 payee, u64 amount, const RoutingContext& ctx = context,
                u32 risk_factor = 0) {
  const auto result = route::find_route(graph, payer, payee, amount, ctx, risk_factor);
  return result.ok() ? RouteError::none : result.error();
}

std::vector<u64> channels_of(const Route& r) {
  std::vector<u64> out;
  for (const RouteHop& hop : r.hops) out.push_back(hop.short_channel_id);
  return out;
}

// A found route: it passes validate_route, and build_route over its channels reproduces it.
Route found(const ChannelGraph& graph, u32 payer, u32 payee, u64 amount, const RoutingContext& ctx = context,
            u32 risk_factor = 0) {
  const auto result = route::find_route(graph, payer, payee, amount, ctx, risk_factor);
  EXPECT_TRUE(result.ok()) << l2::error_info(result.error()).code;
  if (!result.ok()) return Route{};
  const auto summary = route::validate_route(graph, *result, ctx);
  EXPECT_TRUE(summary.ok()) << l2::error_info(summary.error()).code;
  if (summary.ok()) {
    EXPECT_EQ(summary->payer, payer);
    EXPECT_EQ(summary->payee, payee);
    EXPECT_EQ(summary->amount_received, amount);
  }
  const auto rebuilt = route::build_route(graph, payer, channels_of(*result), amount, ctx);
  EXPECT_TRUE(rebuilt.ok());
  if (rebuilt.ok()) {
    L2_EXPECT_FIELDS_EQ(*rebuilt, *result);
  }
  return *result;
}

// The whole thing is constexpr: the worked example above, at compile time.
static_assert(route::fee(edge(2, 2, 3, 1000, 100), 100'000) == 1010);
static_assert(route::compute_routing_fee(ChannelGraph{3, {edge(1, 0, 1, 1000, 100), edge(2, 1, 2, 1000, 100)}}, 0,
                                         {1, 2}, 100'000, context)
                  .value() == 1010);
static_assert(route::find_route(ChannelGraph{4, {edge(20, 0, 2), edge(21, 2, 3, 3), edge(10, 0, 1), edge(11, 1, 3, 5)}}, 0,
                                3, 100'000, context, 0)
                  .value()
                  .hops[0]
                  .short_channel_id == 20);

// ---- the error enum against the spec ----

TEST(ChannelNetworkRouteErrors, EveryCodeIsARowOfTheSpecAndTheRuleRowsAreExactlyTheEnums) {
  const std::string spec = l2::test::read_spec("channel_network.md");
  ASSERT_FALSE(spec.empty());
  std::set<std::string> codes, rules;
  for (const RouteError e : l2::all_route_errors) {
    const l2::ErrorInfo info = l2::error_info(e);
    EXPECT_TRUE(codes.insert(std::string(info.code)).second) << info.code;
    EXPECT_TRUE(rules.insert(std::string(info.rule_id)).second) << info.rule_id;
    const std::string row = "| " + std::string(info.rule_id) + " | " + std::string(info.code) + " |";
    EXPECT_NE(spec.find(row), std::string::npos) << "spec/channel_network.md has no rule row " << row;
    EXPECT_TRUE(std::regex_match(std::string(info.rule_id), std::regex("CN-(GRAPH|ROUTE|FIND|MPP)-[0-9]+")));
  }
  const std::regex rule_row("\n\\| (CN-(GRAPH|ROUTE|FIND|MPP)-[0-9]+) \\| ");
  std::size_t rows = 0;
  for (auto it = std::sregex_iterator(spec.begin(), spec.end(), rule_row); it != std::sregex_iterator(); ++it) ++rows;
  EXPECT_EQ(rows, l2::all_route_errors.size());
  EXPECT_EQ(l2::all_route_errors.size(), 26u);
  EXPECT_EQ(l2::error_info(RouteError::route_empty).code, "CN_ROUTE_EMPTY");
}

// ---- fees [CN-ROUTE-10] ----

TEST(ChannelNetworkRouteFee, BasePlusFlooredProportionalPart) {
  const ChannelEdge e = edge(1, 0, 1, 1000, 100);
  EXPECT_EQ(dec(route::fee(e, 0)), dec(u128{1000}));
  EXPECT_EQ(dec(route::fee(e, 9'999)), dec(u128{1000}));   // 9'999 * 100 / 10^6 = 0.9999
  EXPECT_EQ(dec(route::fee(e, 10'000)), dec(u128{1001}));  // exactly 1
  EXPECT_EQ(dec(route::fee(e, 123'456)), dec(u128{1012})); // 12.3456
}

TEST(ChannelNetworkRouteFee, TheProductIsTakenIn128Bits) {
  // 2^63 * 4 = 2^65 = 36'893'488'147'419'103'232, over 10^6: 36'893'488'147'419 (a 64-bit product wraps to 0).
  EXPECT_EQ(dec(route::fee(edge(1, 0, 1, 0, 4), u64{1} << 63)), dec(u128{36'893'488'147'419}));
  // fee_ppm 2 * 10^6 doubles the amount: 2 * (2^64 - 1), above 2^64 - 1 and returned exactly.
  EXPECT_EQ(dec(route::fee(edge(1, 0, 1, 0, 2'000'000), u64_max)), "36893488147419103230");
  // The largest fee: (2^64 - 1) + floor((2^64 - 1)^2 / 10^6), no overflow in 128 bits.
  const u128 largest = route::fee(edge(1, 0, 1, u64_max, u64_max), u64_max);
  EXPECT_EQ(dec(largest), "340282366920956910170554828835964");  // worked out in Python
  EXPECT_TRUE(largest > u128{u64_max});
}

// ---- the graph [CN-GRAPH-1 .. CN-GRAPH-4] ----

TEST(ChannelNetworkRouteGraph, NodesAreBelowNodeCount) {  // CN-GRAPH-1
  EXPECT_EQ(route::check_graph(ChannelGraph{4, {edge(1, 0, 3)}}, context), RouteError::none);
  EXPECT_EQ(route::check_graph(ChannelGraph{4, {edge(1, 0, 4)}}, context), RouteError::graph_node);
  EXPECT_EQ(route::check_graph(ChannelGraph{4, {edge(1, 3, 0)}}, context), RouteError::none);
  EXPECT_EQ(route::check_graph(ChannelGraph{4, {edge(1, 4, 0)}}, context), RouteError::graph_node);
  EXPECT_EQ(route::check_graph(ChannelGraph{0, {}}, context), RouteError::none);
  EXPECT_EQ(route::check_graph(ChannelGraph{0, {edge(1, 0, 0)}}, context), RouteError::graph_node);
}

TEST(ChannelNetworkRouteGraph, NoSelfLoop) {  // CN-GRAPH-2
  EXPECT_EQ(route::check_graph(ChannelGraph{4, {edge(1, 2, 2)}}, context), RouteError::graph_self_loop);
}

TEST(ChannelNetworkRouteGraph, OneEdgePerChannelAndDirection) {  // CN-GRAPH-3
  // The two directions of channel 1, and two channels from node 0: accepted.
  EXPECT_EQ(route::check_graph(ChannelGraph{3, {edge(1, 0, 1), edge(1, 1, 0), edge(2, 0, 2)}}, context), RouteError::none);
  // A second edge of channel 1 from node 0, to any node.
  EXPECT_EQ(route::check_graph(ChannelGraph{3, {edge(1, 0, 1), edge(1, 0, 1)}}, context), RouteError::graph_duplicate_edge);
  EXPECT_EQ(route::check_graph(ChannelGraph{3, {edge(1, 0, 1), edge(2, 1, 2), edge(1, 0, 2)}}, context),
            RouteError::graph_duplicate_edge);
}

TEST(ChannelNetworkRouteGraph, CltvDeltaAtLeastTheMinimum) {  // CN-GRAPH-4
  EXPECT_EQ(route::check_graph(ChannelGraph{2, {edge(1, 0, 1, 0, 0, 10)}}, context), RouteError::none);
  EXPECT_EQ(route::check_graph(ChannelGraph{2, {edge(1, 0, 1, 0, 0, 9)}}, context), RouteError::graph_cltv_delta);
  EXPECT_EQ(route::check_graph(ChannelGraph{2, {edge(1, 0, 1, 0, 0, 0)}}, RoutingContext{1000, 10, 0, 18, 1000}),
            RouteError::none);
}

TEST(ChannelNetworkRouteGraph, EdgeByEdgeEachEdgesRulesInOrder) {
  // Edge 0 breaks CN-GRAPH-4, edge 1 CN-GRAPH-1: edge 0 is checked first.
  EXPECT_EQ(route::check_graph(ChannelGraph{2, {edge(1, 0, 1, 0, 0, 9), edge(2, 0, 5)}}, context),
            RouteError::graph_cltv_delta);
  // One edge breaking CN-GRAPH-1 and 2 (5 -> 5), then 2 and 4, then 3 and 4.
  EXPECT_EQ(route::check_graph(ChannelGraph{2, {edge(1, 5, 5)}}, context), RouteError::graph_node);
  EXPECT_EQ(route::check_graph(ChannelGraph{2, {edge(1, 1, 1, 0, 0, 9)}}, context), RouteError::graph_self_loop);
  EXPECT_EQ(route::check_graph(ChannelGraph{2, {edge(1, 0, 1), edge(1, 0, 1, 0, 0, 9)}}, context),
            RouteError::graph_duplicate_edge);
}

// ---- validate_route ----

TEST(ChannelNetworkRouteValidate, TheWorkedRouteIsAcceptedAndSummarised) {
  const auto summary = route::validate_route(line(), base(), context);
  ASSERT_TRUE(summary.ok()) << l2::error_info(summary.error()).code;
  L2_EXPECT_FIELDS_EQ(*summary, (route::RouteSummary{0, 3, 102'020, 100'000, 2020}));
}

TEST(ChannelNetworkRouteValidate, TheGraphIsCheckedFirst) {
  ChannelGraph graph = line();
  graph.edges.push_back(edge(9, 3, 3));
  EXPECT_EQ(validate(graph, base()), RouteError::graph_self_loop);
  EXPECT_EQ(validate(graph, Route{}), RouteError::graph_self_loop);  // also before CN-ROUTE-1
}

TEST(ChannelNetworkRouteValidate, AtLeastOneHop) {  // CN-ROUTE-1
  EXPECT_EQ(validate(line(), Route{}), RouteError::route_empty);
}

// 0 -> 1 -> ... -> n over channels 1 .. n, free, cltv_delta 10, and a context whose
// max_expiry_blocks leaves room for 21 hops.
ChannelGraph long_line(u32 n) {
  ChannelGraph graph{n + 1, {}};
  for (u32 i = 0; i < n; ++i) graph.edges.push_back(edge(i + 1, i, i + 1, 0, 0, 10));
  return graph;
}
constexpr RoutingContext roomy{1000, 10, 10, 18, 1000};

std::vector<u64> first_channels(u32 n) {
  std::vector<u64> out;
  for (u32 i = 0; i < n; ++i) out.push_back(i + 1);
  return out;
}

TEST(ChannelNetworkRouteValidate, AtMostTwentyHops) {  // CN-ROUTE-2
  EXPECT_EQ(route::max_route_hops, 20u);
  const ChannelGraph graph = long_line(21);
  const auto twenty = route::build_route(graph, 0, first_channels(20), 500, roomy);
  ASSERT_TRUE(twenty.ok()) << l2::error_info(twenty.error()).code;
  EXPECT_EQ(twenty->hops.size(), 20u);
  EXPECT_EQ(twenty->hops[0].expiry, final_expiry + 19 * 10);
  EXPECT_EQ(validate(graph, *twenty, roomy), RouteError::none);
  // 21 hops, each valid on its own (the last one is 20 -> 21 at the final expiry, the others 10 more each).
  Route twenty_one;
  for (u32 i = 0; i < 21; ++i) twenty_one.hops.push_back(RouteHop{i + 1, i, i + 1, 500, final_expiry + (20 - i) * 10});
  EXPECT_EQ(validate(graph, twenty_one, roomy), RouteError::route_too_long);
  EXPECT_EQ(build(graph, 0, first_channels(21), 500, roomy), RouteError::route_too_long);
  // CN-ROUTE-2 comes before any hop's rule: the 21 hops with an unknown channel in hop 0.
  twenty_one.hops[0].short_channel_id = 99;
  EXPECT_EQ(validate(graph, twenty_one, roomy), RouteError::route_too_long);
}

TEST(ChannelNetworkRouteValidate, EveryHopIsAnEdgeOfTheGraph) {  // CN-ROUTE-3
  Route r = base();
  r.hops[1].short_channel_id = 9;  // no such channel
  EXPECT_EQ(validate(line(), r), RouteError::route_unknown_channel);
  r = base();
  r.hops[2].to = 1;  // channel 3 from 2 goes to 3, not 1
  EXPECT_EQ(validate(line(), r), RouteError::route_unknown_channel);
  r = base();
  r.hops[0].short_channel_id = 2;  // channel 2 has no edge from 0
  EXPECT_EQ(validate(line(), r), RouteError::route_unknown_channel);
}

TEST(ChannelNetworkRouteValidate, HopsAreConnected) {  // CN-ROUTE-4
  // 0 -> 1, then 2 -> 3: each hop an edge, but the second does not leave node 1.
  const Route r{{RouteHop{1, 0, 1, 101'010, 1058}, RouteHop{3, 2, 3, 100'000, 1018}}};
  EXPECT_EQ(validate(line(), r), RouteError::route_disconnected);
}

TEST(ChannelNetworkRouteValidate, ACyclicRouteIsRefused) {  // CN-ROUTE-5
  // Back to the payer: 0 -> 1 -> 0.
  EXPECT_EQ(build(line(), 0, {1, 1}, 100'000), RouteError::route_cycle);
  // Back to an earlier hop's to: 0 -> 1 -> 2 -> 1 (hops 0 and 1 pass every rule first).
  EXPECT_EQ(build(line(), 0, {1, 2, 2}, 100'000), RouteError::route_cycle);
  // The same walk without the detour is accepted.
  EXPECT_EQ(build(line(), 0, {1, 2}, 100'000), RouteError::none);
}

// One hop over `e` (from 0 to 1) locking `amount` until the final expiry.
RouteError one_hop(const ChannelEdge& e, u64 amount, const RoutingContext& ctx = context) {
  return validate(ChannelGraph{2, {e}}, Route{{RouteHop{e.short_channel_id, 0, 1, amount, final_expiry}}}, ctx);
}

TEST(ChannelNetworkRouteValidate, AmountAtLeastTheDustLimit) {  // CN-ROUTE-6: dust_limit 10
  EXPECT_EQ(one_hop(edge(1, 0, 1), 11), RouteError::none);
  EXPECT_EQ(one_hop(edge(1, 0, 1), 10), RouteError::none);
  EXPECT_EQ(one_hop(edge(1, 0, 1), 9), RouteError::route_dust);
  ChannelEdge free_of_minimum = edge(1, 0, 1);
  free_of_minimum.htlc_minimum = 0;
  EXPECT_EQ(one_hop(free_of_minimum, 0, RoutingContext{1000, 0, 10, 18, 1000}), RouteError::none);
}

TEST(ChannelNetworkRouteValidate, AmountAtLeastHtlcMinimum) {  // CN-ROUTE-7
  ChannelEdge e = edge(1, 0, 1);
  e.htlc_minimum = 500;
  EXPECT_EQ(one_hop(e, 501), RouteError::none);
  EXPECT_EQ(one_hop(e, 500), RouteError::none);
  EXPECT_EQ(one_hop(e, 499), RouteError::route_below_minimum);
}

TEST(ChannelNetworkRouteValidate, AmountAtMostHtlcMaximum) {  // CN-ROUTE-8
  ChannelEdge e = edge(1, 0, 1);
  e.htlc_maximum = 5000;
  EXPECT_EQ(one_hop(e, 4999), RouteError::none);
  EXPECT_EQ(one_hop(e, 5000), RouteError::none);
  EXPECT_EQ(one_hop(e, 5001), RouteError::route_above_maximum);
}

TEST(ChannelNetworkRouteValidate, AmountAtMostCapacity) {  // CN-ROUTE-9
  ChannelEdge e = edge(1, 0, 1);
  e.capacity = 4000;
  EXPECT_EQ(one_hop(e, 3999), RouteError::none);
  EXPECT_EQ(one_hop(e, 4000), RouteError::none);
  EXPECT_EQ(one_hop(e, 4001), RouteError::route_capacity);
  e.capacity = u64_max;
  e.htlc_maximum = u64_max;
  EXPECT_EQ(one_hop(e, u64_max), RouteError::none);
}

TEST(ChannelNetworkRouteValidate, CapacityExhaustedAtAMiddleHopRefusesTheWholeRoute) {  // CN-ROUTE-9
  ChannelGraph graph = line();
  graph.edges[2].capacity = 101'010;  // channel 2 from node 1 carries hop 1's 101'010: exactly enough
  EXPECT_EQ(validate(graph, base()), RouteError::none);
  graph.edges[2].capacity = 101'009;
  EXPECT_EQ(validate(graph, base()), RouteError::route_capacity);
  EXPECT_EQ(build(graph, 0, {1, 2, 3}, 100'000), RouteError::route_capacity);
  EXPECT_EQ(find(graph, 0, 3, 100'000), RouteError::find_no_route);  // no other way around
}

TEST(ChannelNetworkRouteValidate, EachForwarderKeepsItsFee) {  // CN-ROUTE-10
  Route r = base();
  r.hops[0].amount = 102'021;  // paying more than the fee is allowed
  EXPECT_EQ(validate(line(), r), RouteError::none);
  r.hops[0].amount = 102'020;  // exactly 101'010 + fee(1->2, 101'010) = 101'010 + 1010
  EXPECT_EQ(validate(line(), r), RouteError::none);
  r.hops[0].amount = 102'019;
  EXPECT_EQ(validate(line(), r), RouteError::route_fee);
  r = base();
  r.hops[1].amount = 101'009;  // node 2 is short; node 1 still has its fee: 101'009 + 1010 <= 102'020
  EXPECT_EQ(validate(line(), r), RouteError::route_fee);
  // The payer pays no fee on its own channel: a one-hop route of exactly the amount.
  EXPECT_EQ(validate(line(), Route{{RouteHop{1, 0, 1, 100'000, final_expiry}}}), RouteError::none);
}

TEST(ChannelNetworkRouteValidate, AFeeAboveTwoToTheSixtyFourFailsTheFeeRule) {  // CN-ROUTE-10
  // Node 1 asks fee_ppm 2 * 10^6 on 2^63: a fee of 2^64, which no u64 amount covers.
  ChannelGraph graph{3, {edge(1, 0, 1), edge(2, 1, 2, 0, 2'000'000)}};
  graph.edges[0].capacity = graph.edges[0].htlc_maximum = u64_max;
  graph.edges[1].capacity = graph.edges[1].htlc_maximum = u64_max;
  const Route r{{RouteHop{1, 0, 1, u64_max, final_expiry + 40}, RouteHop{2, 1, 2, u64{1} << 63, final_expiry}}};
  EXPECT_EQ(validate(graph, r), RouteError::route_fee);
  EXPECT_EQ(build(graph, 0, {1, 2}, u64{1} << 63), RouteError::route_fee);
  EXPECT_EQ(find(graph, 0, 2, u64{1} << 63), RouteError::find_no_route);
  // One below: the amount plus 2 * 10^6 ppm of it is 3 * amount; at floor(u64_max / 3) it fits exactly.
  const u64 third = u64_max / 3;  // u64_max = 3 * third exactly
  const auto built = route::build_route(graph, 0, {1, 2}, third, context);
  ASSERT_TRUE(built.ok()) << l2::error_info(built.error()).code;
  EXPECT_EQ(built->hops[0].amount, u64_max);
  EXPECT_EQ(build(graph, 0, {1, 2}, third + 1), RouteError::route_fee);
  // fee_base near 2^64: 5 plus fee_base u64_max - 5 is exactly u64_max; 6 plus it one past.
  ChannelGraph base_graph = graph;
  base_graph.edges[1].fee_ppm = 0;
  base_graph.edges[1].fee_base = u64_max - 5;
  EXPECT_EQ(build(base_graph, 0, {1, 2}, 5, RoutingContext{1000, 5, 10, 18, 1000}), RouteError::none);
  EXPECT_EQ(build(base_graph, 0, {1, 2}, 6, RoutingContext{1000, 5, 10, 18, 1000}), RouteError::route_fee);
  const Route over{{RouteHop{1, 0, 1, u64_max, final_expiry + 40}, RouteHop{2, 1, 2, 6, final_expiry}}};
  EXPECT_EQ(validate(base_graph, over, RoutingContext{1000, 5, 10, 18, 1000}), RouteError::route_fee);
}

TEST(ChannelNetworkRouteValidate, EachForwarderKeepsItsCltvDelta) {  // CN-ROUTE-11
  Route r = base();
  r.hops[0].expiry = 1099;
  EXPECT_EQ(validate(line(), r), RouteError::none);
  r.hops[0].expiry = 1098;  // exactly 1058 + 40
  EXPECT_EQ(validate(line(), r), RouteError::none);
  r.hops[0].expiry = 1097;
  EXPECT_EQ(validate(line(), r), RouteError::route_cltv);
  // hop 1 - 1 = 1057 breaks it between hops 1 and 2 (1057 < 1018 + 40) though hop 0 still has 41 over it.
  r = base();
  r.hops[1].expiry = 1057;
  EXPECT_EQ(validate(line(), r), RouteError::route_cltv);
}

TEST(ChannelNetworkRouteValidate, TheLastHopExpiresNoEarlierThanTheFinalDelta) {  // CN-ROUTE-12
  EXPECT_EQ(one_hop(edge(1, 0, 1), 100), RouteError::none);  // one_hop locks until final_expiry exactly
  EXPECT_EQ(validate(line(), Route{{RouteHop{1, 0, 1, 100, final_expiry + 1}}}), RouteError::none);
  Route r = base();
  r.hops[2].expiry = final_expiry;
  EXPECT_EQ(validate(line(), r), RouteError::none);
  r.hops[2].expiry = final_expiry - 1;  // hops 0 and 1 keep their deltas over it
  EXPECT_EQ(validate(line(), r), RouteError::route_final_expiry);
  // height + final_cltv_delta above 2^64 - 1: no expiry meets it.
  const RoutingContext late{u64_max - 5, 10, 10, 18, 1000};
  EXPECT_EQ(one_hop(edge(1, 0, 1), 100, late), RouteError::route_final_expiry);
  EXPECT_EQ(validate(ChannelGraph{2, {edge(1, 0, 1)}}, Route{{RouteHop{1, 0, 1, 100, u64_max}}}, late),
            RouteError::route_final_expiry);
}

TEST(ChannelNetworkRouteValidate, TheFirstHopExpiresNoLaterThanMaxExpiry) {  // CN-ROUTE-13
  // hops[0].expiry = 1098 = height + 98.
  EXPECT_EQ(validate(line(), base(), RoutingContext{1000, 10, 10, 18, 99}), RouteError::none);
  EXPECT_EQ(validate(line(), base(), RoutingContext{1000, 10, 10, 18, 98}), RouteError::none);
  EXPECT_EQ(validate(line(), base(), RoutingContext{1000, 10, 10, 18, 97}), RouteError::route_expiry_too_far);
  // height + max_expiry_blocks above 2^64 - 1 bounds nothing.
  const RoutingContext late{u64_max - 20, 10, 10, 18, 1000};
  EXPECT_EQ(validate(ChannelGraph{2, {edge(1, 0, 1)}}, Route{{RouteHop{1, 0, 1, 100, u64_max}}}, late), RouteError::none);
}

// ---- the check order: an input breaking two rules reports the earlier one ----

TEST(ChannelNetworkRouteValidate, PerHopTheOrderIsThreeToEleven) {
  const auto with = [](auto change) {
    Route r = base();
    change(r);
    return validate(line(), r);
  };
  // 3 before 4: hop 1 unknown and disconnected.
  EXPECT_EQ(with([](Route& r) { r.hops[1] = RouteHop{9, 2, 3, 101'010, 1058}; }), RouteError::route_unknown_channel);
  // 4 before 5: hop 2 is 1 -> 0 (channel 1), disconnected from hop 1 (which ends in 2) and back to the payer.
  EXPECT_EQ(with([](Route& r) { r.hops[2] = RouteHop{1, 1, 0, 100'000, 1018}; }), RouteError::route_disconnected);
  // 5 before 6: 0 -> 1 -> 0 with dust on the way back (hop 0 pays node 1's fee on it: 5 + 1000 + 0).
  EXPECT_EQ(validate(line(), Route{{RouteHop{1, 0, 1, 1005, 1058}, RouteHop{1, 1, 0, 5, 1018}}}), RouteError::route_cycle);
  // 6 before 7 before 8 before 9.
  ChannelEdge e = edge(1, 0, 1);
  e.htlc_minimum = 500;
  EXPECT_EQ(one_hop(e, 9), RouteError::route_dust);  // below dust and below the minimum
  e = edge(1, 0, 1);
  e.htlc_minimum = 500;
  e.htlc_maximum = 100;
  EXPECT_EQ(one_hop(e, 300), RouteError::route_below_minimum);  // below the minimum, above the maximum
  e = edge(1, 0, 1);
  e.htlc_maximum = 100;
  e.capacity = 100;
  EXPECT_EQ(one_hop(e, 300), RouteError::route_above_maximum);  // above the maximum and the capacity
  // 9 before 10: hop 1 above channel 2's capacity, and more than hop 0 pays node 1 for:
  // 101'011 + fee(1->2, 101'011) = 101'011 + 1000 + floor(10.1011) = 102'021 > 102'020.
  ChannelGraph graph = line();
  graph.edges[2].capacity = 100;
  Route r = base();
  r.hops[1].amount = 101'011;
  EXPECT_EQ(validate(graph, r), RouteError::route_capacity);
  // 10 before 11 at one hop.
  EXPECT_EQ(with([](Route& changed) {
              changed.hops[0].amount -= 1;
              changed.hops[0].expiry -= 1;
            }),
            RouteError::route_fee);
  // A whole hop before the next: hop 1's CN-ROUTE-11 before hop 2's CN-ROUTE-6.
  EXPECT_EQ(with([](Route& changed) {
              changed.hops[0].expiry = 1000;
              changed.hops[2].amount = 1;
              changed.hops[1].amount = 1001;  // 1 + fee(2->3, 1) = 1 + 1000 + floor(0.0001)
              changed.hops[0].amount = 2001;  // 1001 + fee(1->2, 1001) = 1001 + 1000 + floor(0.1001)
            }),
            RouteError::route_cltv);
  // Hop 0's CN-ROUTE-9 before hop 1's CN-ROUTE-3.
  graph = line();
  graph.edges[0].capacity = 1;
  r = base();
  r.hops[1].short_channel_id = 9;
  EXPECT_EQ(validate(graph, r), RouteError::route_capacity);
}

TEST(ChannelNetworkRouteValidate, HopsBeforeTheFinalAndMaximumExpiry) {
  // A hop's CN-ROUTE-11 before CN-ROUTE-13 and 12.
  Route r = base();
  r.hops[0].expiry = 1097;
  r.hops[2].expiry = 1017;
  EXPECT_EQ(validate(line(), r, RoutingContext{1000, 10, 10, 18, 50}), RouteError::route_cltv);
  // CN-ROUTE-12 before 13.
  r = base();
  r.hops[2].expiry = 1017;
  EXPECT_EQ(validate(line(), r, RoutingContext{1000, 10, 10, 18, 50}), RouteError::route_final_expiry);
}

// ---- build_route and compute_routing_fee ----

TEST(ChannelNetworkRouteBuild, TheWorkedRouteIsBuiltBackwards) {
  const auto built = route::build_route(line(), 0, {1, 2, 3}, 100'000, context);
  ASSERT_TRUE(built.ok()) << l2::error_info(built.error()).code;
  L2_EXPECT_FIELDS_EQ(*built, base());
  EXPECT_EQ(route::compute_routing_fee(line(), 0, {1, 2, 3}, 100'000, context).value(), 2020u);
}

TEST(ChannelNetworkRouteBuild, FeesAreFlooredAtEachHop) {
  // 123'456 from 3 to 0 over line() (channels 3, 2, 1, the reverse edges, same prices):
  //   hop 2 (1 -> 0): 123'456 until 1018.
  //   hop 1 (2 -> 1): node 1 keeps 1000 + floor(123'456 * 100 / 10^6) = 1000 + floor(12.3456) = 1012:
  //                   124'468 until 1058.
  //   hop 0 (3 -> 2): node 2 keeps 1000 + floor(124'468 * 100 / 10^6) = 1000 + floor(12.4468) = 1012:
  //                   125'480 until 1098. The fee is 2024.
  const auto built = route::build_route(line(), 3, {3, 2, 1}, 123'456, context);
  ASSERT_TRUE(built.ok()) << l2::error_info(built.error()).code;
  L2_EXPECT_FIELDS_EQ(*built, (Route{{RouteHop{3, 3, 2, 125'480, 1098}, RouteHop{2, 2, 1, 124'468, 1058},
                                      RouteHop{1, 1, 0, 123'456, 1018}}}));
  EXPECT_EQ(route::compute_routing_fee(line(), 3, {3, 2, 1}, 123'456, context).value(), 2024u);
}

TEST(ChannelNetworkRouteBuild, MixedPricesAndDeltas) {
  // 0 -> 1 -> 2 -> 3 with node 1 charging 5 + 2500 ppm, cltv_delta 144, node 2 charging 0 + 10'000 ppm,
  // cltv_delta 12, and the payer's own channel priced at 1'000'000 base (never charged). 40'000 from 0:
  //   hop 2 (2 -> 3): 40'000 until 1018.
  //   hop 1 (1 -> 2): node 2 keeps 0 + floor(40'000 * 10'000 / 10^6) = 400: 40'400 until 1018 + 12 = 1030.
  //   hop 0 (0 -> 1): node 1 keeps 5 + floor(40'400 * 2500 / 10^6) = 5 + floor(101) = 106:
  //                   40'506 until 1030 + 144 = 1174. The fee is 506.
  const ChannelGraph graph{4, {edge(7, 0, 1, 1'000'000, 0, 10), edge(8, 1, 2, 5, 2500, 144), edge(9, 2, 3, 0, 10'000, 12)}};
  const auto built = route::build_route(graph, 0, {7, 8, 9}, 40'000, context);
  ASSERT_TRUE(built.ok()) << l2::error_info(built.error()).code;
  L2_EXPECT_FIELDS_EQ(*built, (Route{{RouteHop{7, 0, 1, 40'506, 1174}, RouteHop{8, 1, 2, 40'400, 1030},
                                      RouteHop{9, 2, 3, 40'000, 1018}}}));
  EXPECT_EQ(route::compute_routing_fee(graph, 0, {7, 8, 9}, 40'000, context).value(), 506u);
  // One hop: no fee at all.
  EXPECT_EQ(route::compute_routing_fee(graph, 0, {7}, 40'000, context).value(), 0u);
}

TEST(ChannelNetworkRouteBuild, ChecksTheGraphThenResolvesChannelsThenValidates) {
  ChannelGraph bad = line();
  bad.edges.push_back(edge(9, 0, 9));
  EXPECT_EQ(build(bad, 0, {5}, 100'000), RouteError::graph_node);  // the graph before the unknown channel
  EXPECT_EQ(build(line(), 0, {}, 100'000), RouteError::route_empty);
  EXPECT_EQ(build(line(), 0, {2}, 100'000), RouteError::route_unknown_channel);      // channel 2 has no edge from 0
  EXPECT_EQ(build(line(), 0, {1, 3}, 100'000), RouteError::route_unknown_channel);   // nor channel 3 from 1
  EXPECT_EQ(build(line(), 0, {1, 2, 3}, 9), RouteError::route_dust);                  // validate_route's error
  EXPECT_EQ(route::compute_routing_fee(line(), 0, {1, 2, 3}, 9, context).error(), RouteError::route_dust);
  // An unknown channel is found before the amounts are worked out: node 1's fee would overflow.
  ChannelGraph pricey = line();
  pricey.edges[2].fee_base = u64_max;
  EXPECT_EQ(build(pricey, 0, {1, 2, 9}, 100'000), RouteError::route_unknown_channel);
}

TEST(ChannelNetworkRouteBuild, ExpiryOverflowIsACltvError) {  // CN-ROUTE-11
  ChannelGraph graph = line();
  graph.edges[2].cltv_delta = u64_max - final_expiry;  // 1018 + delta = u64_max: fits
  EXPECT_EQ(build(graph, 0, {1, 2}, 100), RouteError::route_expiry_too_far);  // built, then refused by CN-ROUTE-13
  graph.edges[2].cltv_delta = u64_max - final_expiry + 1;  // one past
  EXPECT_EQ(build(graph, 0, {1, 2}, 100), RouteError::route_cltv);
  // The final expiry itself: height + final_cltv_delta one past 2^64 - 1.
  EXPECT_EQ(build(line(), 0, {1}, 100, RoutingContext{u64_max - 17, 10, 10, 18, 1000}), RouteError::route_final_expiry);
  const RoutingContext last{u64_max - 18, 10, 10, 18, 1000};  // exactly u64_max
  const auto at_max = route::build_route(line(), 0, {1}, 100, last);
  ASSERT_TRUE(at_max.ok()) << l2::error_info(at_max.error()).code;
  EXPECT_EQ(at_max->hops[0].expiry, u64_max);
}

TEST(ChannelNetworkRouteBuild, AnOverflowWhileBuildingComesBeforeValidateRoute) {
  // Each route below also breaks a rule validate_route checks earlier (hop 0 above its capacity, or
  // dust); build_route reports the overflow it meets first.
  ChannelGraph graph{3, {edge(1, 0, 1), edge(2, 1, 2, 0, 2'000'000)}};
  graph.edges[0].capacity = 1;
  graph.edges[1].capacity = graph.edges[1].htlc_maximum = u64_max;
  EXPECT_EQ(build(graph, 0, {1, 2}, u64{1} << 63), RouteError::route_fee);  // 2^63 + 2^64
  graph = line();
  graph.edges[0].capacity = 1;
  graph.edges[2].cltv_delta = u64_max - final_expiry + 1;  // 1018 + delta = 2^64
  EXPECT_EQ(build(graph, 0, {1, 2}, 100), RouteError::route_cltv);
  EXPECT_EQ(build(line(), 0, {1, 2}, 5, RoutingContext{u64_max - 17, 10, 10, 18, 1000}), RouteError::route_final_expiry);
}

// ---- find_route ----

// A diamond 0 -> {1, 2} -> 3 with node 1 charging fee_base f1 and node 2 f2 (the payer's own
// channels free), listed node 2's edges first.
ChannelGraph diamond(u64 f1, u64 f2) {
  return ChannelGraph{4, {edge(20, 0, 2), edge(21, 2, 3, f2), edge(10, 0, 1), edge(11, 1, 3, f1)}};
}

TEST(ChannelNetworkRouteFind, TheCheaperSideOfADiamond) {
  // Through node 2: 100'000 + 3 over channel 20; through node 1 it would be 100'005.
  L2_EXPECT_FIELDS_EQ(found(diamond(5, 3), 0, 3, 100'000),
                      (Route{{RouteHop{20, 0, 2, 100'003, 1058}, RouteHop{21, 2, 3, 100'000, 1018}}}));
  L2_EXPECT_FIELDS_EQ(found(diamond(3, 5), 0, 3, 100'000),
                      (Route{{RouteHop{10, 0, 1, 100'003, 1058}, RouteHop{11, 1, 3, 100'000, 1018}}}));
}

TEST(ChannelNetworkRouteFind, ATieIsBrokenByNodeId) {
  // Equal fees through 1 and 2: node 1 settles first (least (cost, id)), labels the payer, and the
  // payer (id 0) settles before node 2, though node 2's edges come first in graph order.
  L2_EXPECT_FIELDS_EQ(found(diamond(4, 4), 0, 3, 100'000),
                      (Route{{RouteHop{10, 0, 1, 100'004, 1058}, RouteHop{11, 1, 3, 100'000, 1018}}}));
  // Two parallel channels from the payer to node 1, equal in cost: the first in graph order keeps
  // the label (a candidate replaces a label only when strictly cheaper).
  const ChannelGraph parallel{2, {edge(7, 0, 1), edge(5, 0, 1)}};
  EXPECT_EQ(found(parallel, 0, 1, 100).hops.at(0).short_channel_id, 7u);
}

TEST(ChannelNetworkRouteFind, ACheaperButLongerRoute) {
  // 0 -> 1 -> 4 costs node 1's 100; 0 -> 2 -> 3 -> 4 costs nodes 2 and 3 10 each.
  //   hop 2 (3 -> 4): 1000 until 1018; hop 1 (2 -> 3): 1010 until 1058; hop 0 (0 -> 2): 1020 until 1098.
  const ChannelGraph graph{5, {edge(1, 0, 1), edge(2, 1, 4, 100), edge(3, 0, 2), edge(4, 2, 3, 10), edge(5, 3, 4, 10)}};
  L2_EXPECT_FIELDS_EQ(found(graph, 0, 4, 1000), (Route{{RouteHop{3, 0, 2, 1020, 1098}, RouteHop{4, 2, 3, 1010, 1058},
                                                        RouteHop{5, 3, 4, 1000, 1018}}}));
}

TEST(ChannelNetworkRouteFind, ARouteAvoidedForCapacity) {
  // The diamond's cheap side (node 2) cannot carry 100'003 on the payer's channel 20.
  ChannelGraph graph = diamond(5, 3);
  graph.edges[0].capacity = 100'002;
  EXPECT_EQ(found(graph, 0, 3, 100'000).hops.at(0).short_channel_id, 10u);
  graph.edges[0].capacity = 100'003;  // now it can
  EXPECT_EQ(found(graph, 0, 3, 100'000).hops.at(0).short_channel_id, 20u);
  // Likewise node 2's own channel 21 with htlc_maximum one below the amount, and htlc_minimum above it.
  graph = diamond(5, 3);
  graph.edges[1].htlc_maximum = 99'999;
  EXPECT_EQ(found(graph, 0, 3, 100'000).hops.at(0).short_channel_id, 10u);
  graph = diamond(5, 3);
  graph.edges[1].htlc_minimum = 100'001;
  EXPECT_EQ(found(graph, 0, 3, 100'000).hops.at(0).short_channel_id, 10u);
}

TEST(ChannelNetworkRouteFind, RiskFactorTradesFeesAgainstTimelocks) {
  // Node 1: fee 10, cltv_delta 1000 (cheap, long lock); node 2: fee 50, cltv_delta 10. 100'000 from 0
  // to 3, height 1000, so the payee's lock is (100'000, 1018) on either side.
  const ChannelGraph graph{4, {edge(10, 0, 1), edge(11, 1, 3, 10, 0, 1000), edge(20, 0, 2), edge(21, 2, 3, 50, 0, 10)}};
  const RoutingContext ctx{1000, 10, 10, 18, 5000};
  // risk_factor 0: the cost is the fee, 10 against 50.
  EXPECT_EQ(found(graph, 0, 3, 100'000, ctx, 0).hops.at(0).short_channel_id, 10u);
  // risk_factor 10'000: risk(a, x) = floor(a * (x - 1000) * 10'000 / 10^9) = floor(a * (x - 1000) / 10^5).
  //   through 1: 10 + risk(100'000, 1018) + risk(100'010, 2018) = 10 + floor(18) + floor(1018.1018) = 1046.
  //   through 2: 50 + risk(100'000, 1018) + risk(100'050, 1028) = 50 + 18 + floor(28.014) = 96.
  EXPECT_EQ(dec(route::risk(100'000, 1018, ctx, 10'000)), "18");
  EXPECT_EQ(dec(route::risk(100'010, 2018, ctx, 10'000)), "1018");
  EXPECT_EQ(dec(route::risk(100'050, 1028, ctx, 10'000)), "28");
  L2_EXPECT_FIELDS_EQ(found(graph, 0, 3, 100'000, ctx, 10'000),
                      (Route{{RouteHop{20, 0, 2, 100'050, 1028}, RouteHop{21, 2, 3, 100'000, 1018}}}));
  // risk_factor 10: through 1: 10 + floor(0.018) + floor(1.018) = 11; through 2: 50 + 0 + 0 = 50.
  EXPECT_EQ(found(graph, 0, 3, 100'000, ctx, 10).hops.at(0).short_channel_id, 10u);
  // The largest risk is exact: (2^64 - 1) * (2^32 - 1) * (2^32 - 1) / 10^9 in 128 bits.
  const RoutingContext widest{0, 0, 0, 0, 0xffffffff};
  EXPECT_EQ(dec(route::risk(u64_max, 0xffffffff, widest, 0xffffffff)),
            "340282366762482138434845932253");  // worked out in Python
}

TEST(ChannelNetworkRouteFind, PayerAndPayeeAreNodes) {  // CN-FIND-1
  const ChannelGraph graph = line();  // node_count 4
  EXPECT_EQ(found(graph, 0, 3, 100'000).hops.size(), 3u);  // payee node_count - 1
  EXPECT_EQ(found(graph, 3, 0, 100'000).hops.size(), 3u);  // payer node_count - 1
  EXPECT_EQ(find(graph, 0, 4, 100'000), RouteError::find_unknown_node);
  EXPECT_EQ(find(graph, 4, 0, 100'000), RouteError::find_unknown_node);
  EXPECT_EQ(find(graph, 4, 4, 100'000), RouteError::find_unknown_node);  // before CN-FIND-2
}

TEST(ChannelNetworkRouteFind, NoSelfPayment) {  // CN-FIND-2
  EXPECT_EQ(find(line(), 2, 2, 100'000), RouteError::find_self_payment);
  ChannelGraph bad = line();
  bad.edges.push_back(edge(1, 0, 2));  // a duplicate of channel 1 from 0: the graph is checked first
  EXPECT_EQ(find(bad, 2, 2, 100'000), RouteError::graph_duplicate_edge);
  EXPECT_EQ(find(bad, 0, 9, 100'000), RouteError::graph_duplicate_edge);
}

TEST(ChannelNetworkRouteFind, NoRoute) {  // CN-FIND-3
  // Disconnected: 0 - 1 and 2 - 3.
  const ChannelGraph split{4, {edge(1, 0, 1), edge(1, 1, 0), edge(2, 2, 3), edge(2, 3, 2)}};
  EXPECT_EQ(find(split, 0, 3, 100), RouteError::find_no_route);
  // Edges only point the wrong way.
  EXPECT_EQ(find(ChannelGraph{2, {edge(1, 1, 0)}}, 0, 1, 100), RouteError::find_no_route);
  // No edges at all; and an amount below the dust limit.
  EXPECT_EQ(find(ChannelGraph{2, {}}, 0, 1, 100), RouteError::find_no_route);
  EXPECT_EQ(find(line(), 0, 3, 9), RouteError::find_no_route);
  EXPECT_EQ(found(line(), 0, 3, 10).hops.size(), 3u);
  // The final expiry above 2^64 - 1: the payee gets no label.
  EXPECT_EQ(find(line(), 0, 1, 100, RoutingContext{u64_max - 17, 10, 10, 18, 1000}), RouteError::find_no_route);
  EXPECT_EQ(found(line(), 0, 1, 100, RoutingContext{u64_max - 18, 10, 10, 18, 1000}).hops.size(), 1u);
}

TEST(ChannelNetworkRouteFind, MaxExpiryBoundsTheFirstLock) {  // CN-ROUTE-13 in the search
  // line() from 0 to 3: the first lock expires at 1098 = height + 98.
  EXPECT_EQ(found(line(), 0, 3, 100'000, RoutingContext{1000, 10, 10, 18, 98}).hops.size(), 3u);
  EXPECT_EQ(find(line(), 0, 3, 100'000, RoutingContext{1000, 10, 10, 18, 97}), RouteError::find_no_route);
}

TEST(ChannelNetworkRouteFind, TwentyHopsButNotTwentyOne) {  // CN-ROUTE-2 in the search
  EXPECT_EQ(found(long_line(20), 0, 20, 500, roomy).hops.size(), 20u);
  EXPECT_EQ(find(long_line(21), 0, 21, 500, roomy), RouteError::find_no_route);
  EXPECT_EQ(found(long_line(21), 1, 21, 500, roomy).hops.size(), 20u);
}

TEST(ChannelNetworkRouteFind, ALabelKeepsTheCheapestAmountNotTheEarliestExpiry) {
  // The approximation the spec states: 0 -> 1 -> {2 or 3} -> 4. Node 2 forwards for free with
  // cltv_delta 100, node 3 for 10 with cltv_delta 10; node 1 for free with cltv_delta 10.
  // max_expiry_blocks 118 (height 1000, final 1018):
  //   via 2: locks (A, 1018) on 2 -> 4, (A, 1118) on 1 -> 2, (A, 1128) on 0 -> 1: 1128 > 1118.
  //   via 3: locks (A, 1018) on 3 -> 4, (A + 10, 1028) on 1 -> 3, (A + 10, 1038) on 0 -> 1: fits.
  // Node 1 settles with the free label through 2 (expiry 1128) before node 3 settles, so the payer
  // never gets the label that fits: no route is found, though build_route shows one.
  const ChannelGraph graph{5, {edge(1, 0, 1), edge(2, 1, 2, 0, 0, 10), edge(3, 1, 3, 0, 0, 10),
                               edge(4, 2, 4, 0, 0, 100), edge(5, 3, 4, 10, 0, 10)}};
  const RoutingContext ctx{1000, 10, 10, 18, 118};
  EXPECT_EQ(find(graph, 0, 4, 1000, ctx), RouteError::find_no_route);
  const auto exists = route::build_route(graph, 0, {1, 3, 5}, 1000, ctx);
  ASSERT_TRUE(exists.ok()) << l2::error_info(exists.error()).code;
  EXPECT_EQ(exists->hops[0].expiry, 1038u);
  // With room for the long lock, the free route is found.
  EXPECT_EQ(found(graph, 0, 4, 1000, RoutingContext{1000, 10, 10, 18, 128}).hops.at(1).short_channel_id, 2u);
}

// ---- multi-part payments: the planner's contract [CN-MPP-1..6] ----

// Two disjoint 0 -> 3 paths of capacity 60'000 each, free: 0 -> 1 -> 3 (channels 1, 2) and
// 0 -> 2 -> 3 (channels 3, 4). 100'000 fits neither alone and both together.
ChannelGraph two_paths(u64 capacity = 60'000) {
  ChannelGraph graph{4, {edge(1, 0, 1), edge(2, 1, 3), edge(3, 0, 2), edge(4, 2, 3)}};
  for (ChannelEdge& e : graph.edges) e.capacity = e.htlc_maximum = capacity;
  return graph;
}

route::PaymentPlan split(const ChannelGraph& graph, u64 first, u64 second) {
  return route::PaymentPlan{{route::build_route(graph, 0, {1, 2}, first, context).value(),
                             route::build_route(graph, 0, {3, 4}, second, context).value()}};
}

RouteError plan_error(const ChannelGraph& graph, const route::PaymentPlan& plan, u64 amount, u32 payee = 3) {
  const auto result = route::check_payment_plan(graph, plan, 0, payee, amount, context);
  return result.ok() ? RouteError::none : result.error();
}

TEST(ChannelNetworkRoutePlan, PartsSumToTheAmountWithinEveryCapacity) {
  const ChannelGraph graph = two_paths();
  EXPECT_EQ(find(graph, 0, 3, 100'000), RouteError::find_no_route);  // no single route carries it
  const auto summary = route::check_payment_plan(graph, split(graph, 60'000, 40'000), 0, 3, 100'000, context);
  ASSERT_TRUE(summary.ok()) << l2::error_info(summary.error()).code;
  EXPECT_EQ(summary->parts, 2u);
  EXPECT_EQ(summary->amount_sent, 100'000u);
  EXPECT_EQ(summary->fee, 0u);
  // CN-MPP-4 at -1, 0, +1.
  EXPECT_EQ(plan_error(graph, split(graph, 60'000, 40'000), 100'001), RouteError::mpp_sum);
  EXPECT_EQ(plan_error(graph, split(graph, 60'000, 40'000), 99'999), RouteError::mpp_sum);
}

TEST(ChannelNetworkRoutePlan, AtLeastOneAndAtMostSixteenParts) {  // CN-MPP-1, 2
  const ChannelGraph graph = two_paths(1'000'000);
  EXPECT_EQ(plan_error(graph, route::PaymentPlan{}, 0), RouteError::mpp_empty);
  route::PaymentPlan plan;
  for (int i = 0; i < 16; ++i) plan.parts.push_back(route::build_route(graph, 0, {1, 2}, 1000, context).value());
  EXPECT_EQ(plan_error(graph, plan, 16'000), RouteError::none);
  plan.parts.push_back(route::build_route(graph, 0, {3, 4}, 1000, context).value());
  EXPECT_EQ(plan_error(graph, plan, 17'000), RouteError::mpp_too_many_parts);
}

TEST(ChannelNetworkRoutePlan, EveryPartIsAValidRouteFromThePayerToThePayee) {  // validate_route, CN-MPP-3
  const ChannelGraph graph = two_paths();
  route::PaymentPlan plan = split(graph, 60'000, 40'000);
  plan.parts[1].hops[1].expiry -= 1;  // below the final delta
  EXPECT_EQ(plan_error(graph, plan, 100'000), RouteError::route_final_expiry);
  // A part ending at node 1 (the first path's middle) is not to the payee.
  plan = split(graph, 60'000, 40'000);
  plan.parts[0] = route::build_route(graph, 0, {1}, 60'000, context).value();
  EXPECT_EQ(plan_error(graph, plan, 100'000), RouteError::mpp_endpoints);
  EXPECT_EQ(plan_error(graph, split(graph, 60'000, 40'000), 100'000, 1), RouteError::mpp_endpoints);
}

TEST(ChannelNetworkRoutePlan, TwoPartsOnOneChannelStayWithinItsCapacity) {  // CN-MPP-5
  const ChannelGraph graph = two_paths();
  const auto both_first = [&](u64 a, u64 b) {
    return route::PaymentPlan{{route::build_route(graph, 0, {1, 2}, a, context).value(),
                               route::build_route(graph, 0, {1, 2}, b, context).value()}};
  };
  EXPECT_EQ(plan_error(graph, both_first(30'000, 30'000), 60'000), RouteError::none);
  EXPECT_EQ(plan_error(graph, both_first(30'000, 30'001), 60'001), RouteError::mpp_capacity);
  // Each part alone fits; together they exhaust the channel.
  EXPECT_EQ(find(graph, 0, 3, 30'001), RouteError::none);
}

TEST(ChannelNetworkRoutePlan, TheSentTotalFitsAU64) {  // CN-MPP-6
  // Two payer channels of capacity 2^64 - 1 each, to a payee that keeps a huge fee back: parts of
  // 2^63 each sent over 0 -> 1 -> 3 and 0 -> 2 -> 3 with fee_base 2^62 at nodes 1 and 2.
  ChannelGraph graph{4, {edge(1, 0, 1), edge(2, 1, 3, u64{1} << 62), edge(3, 0, 2), edge(4, 2, 3, u64{1} << 62)}};
  for (ChannelEdge& e : graph.edges) e.capacity = e.htlc_maximum = u64_max;
  const u64 part = u64{1} << 62;
  const route::PaymentPlan plan{{route::build_route(graph, 0, {1, 2}, part, context).value(),
                                 route::build_route(graph, 0, {3, 4}, part, context).value()}};
  // Each part sends 2^62 + 2^62 = 2^63; together 2^64: one past the bound.
  EXPECT_EQ(plan_error(graph, plan, 2 * part), RouteError::mpp_total);
  const route::PaymentPlan smaller{{plan.parts[0], route::build_route(graph, 0, {3, 4}, part - 1, context).value()}};
  EXPECT_EQ(plan_error(graph, smaller, 2 * part - 1), RouteError::none);
}

}  // namespace
