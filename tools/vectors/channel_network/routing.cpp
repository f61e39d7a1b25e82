// The channel network's routing vectors: graphs and routes (validate_route, build_route,
// compute_routing_fee), the pathfinder (find_route, whose optimized engine is the CSR router),
// the multi-part payment contract (check_payment_plan) and the bridge (parse_payload,
// route_message). Every op is stateless. Every rule has a case that passes it at its boundary and
// an `invalid_*` case one past it; route_message's onions are built by the payer's side,
// bridge::payment_onion, from keys drawn from each case's seed.
// spec: channel_network.md#routes, #routing, #multi-part-payments, #the-bridge-forwarding-a-lock
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "cases.hpp"
#include "l2/codec/json.hpp"
#include "l2/opt/channel_network_router.hpp"
#include "l2/ref/channel_network.hpp"
#include "l2/ref/channel_network_bridge.hpp"
#include "l2/ref/channel_network_onion.hpp"
#include "l2/ref/channel_network_route.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/secp256k1.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors::channel_network_vectors {
namespace {

namespace cn = ref::channel_network;
namespace bridge = cn::bridge;
namespace onion = cn::onion;
namespace secp = ref::secp256k1;
using cn::LockCondition;
using cn::route::ChannelEdge;
using cn::route::ChannelGraph;
using cn::route::PaymentPlan;
using cn::route::PlanSummary;
using cn::route::Route;
using cn::route::RouteHop;
using cn::route::RouteSummary;
using cn::route::RoutingContext;
using onion::Packet;

// ---- Inputs and outputs: their encoding, JSON form and state roots derive from these. ----

struct ValidateRouteInput {
  BOOST_HANA_DEFINE_STRUCT(ValidateRouteInput, (ChannelGraph, graph), (Route, route), (RoutingContext, ctx));
};
// build_route's and compute_routing_fee's input.
struct BuildRouteInput {
  BOOST_HANA_DEFINE_STRUCT(BuildRouteInput, (ChannelGraph, graph), (u32, payer), (std::vector<u64>, channels),
                           (u64, amount), (RoutingContext, ctx));
};
struct FeeOutput {
  BOOST_HANA_DEFINE_STRUCT(FeeOutput, (u64, fee));
};
struct FindRouteInput {
  BOOST_HANA_DEFINE_STRUCT(FindRouteInput, (ChannelGraph, graph), (u32, payer), (u32, payee), (u64, amount),
                           (RoutingContext, ctx), (u32, risk_factor));
};
struct CheckPaymentPlanInput {
  BOOST_HANA_DEFINE_STRUCT(CheckPaymentPlanInput, (ChannelGraph, graph), (PaymentPlan, plan), (u32, payer), (u32, payee),
                           (u64, amount), (RoutingContext, ctx));
};
struct ParsePayloadInput {
  BOOST_HANA_DEFINE_STRUCT(ParsePayloadInput, (Bytes, payload));
};
// bridge::Payload, reflected: an absent record is null. outgoing_cltv_value is a tu32 on the wire.
struct PayloadOutput {
  BOOST_HANA_DEFINE_STRUCT(PayloadOutput, (std::optional<u64>, amt_to_forward), (std::optional<u32>, outgoing_cltv_value),
                           (std::optional<u64>, short_channel_id), (std::optional<Hash32>, ptlc_tweak));
};
// route_message's arguments, the incoming lock's fields in line.
struct RouteMessageInput {
  BOOST_HANA_DEFINE_STRUCT(RouteMessageInput, (ChannelGraph, graph), (u32, node), (Hash32, node_key), (u64, from_channel),
                           (u64, to_channel), (u64, amount), (LockCondition, condition), (u64, expiry), (Packet, onion));
};
struct Delivery {
  BOOST_HANA_DEFINE_STRUCT(Delivery, (u64, amount), (u64, expiry), (std::optional<Hash32>, secret));
};
struct Forwarding {
  BOOST_HANA_DEFINE_STRUCT(Forwarding, (u64, to_channel), (u64, amount), (LockCondition, condition), (u64, expiry),
                           (Packet, onion));
};
// Exactly one of the two is present.
struct RoutedOutput {
  BOOST_HANA_DEFINE_STRUCT(RoutedOutput, (std::optional<Delivery>, deliver), (std::optional<Forwarding>, forward));
};

template <class In, class Out, class E>
using Fn = PureFn<In, Out, E>;

PayloadOutput payload_output(const bridge::Payload& payload) {
  PayloadOutput out;
  out.amt_to_forward = payload.amt_to_forward;
  if (payload.outgoing_cltv_value) out.outgoing_cltv_value = static_cast<u32>(*payload.outgoing_cltv_value);
  out.short_channel_id = payload.short_channel_id;
  out.ptlc_tweak = payload.ptlc_tweak;
  return out;
}

RoutedOutput routed_output(const bridge::Routed& routed) {
  RoutedOutput out;
  if (const auto* deliver = std::get_if<bridge::Deliver>(&routed))
    out.deliver = Delivery{deliver->amount, deliver->expiry, deliver->secret};
  if (const auto* forward = std::get_if<bridge::Forward>(&routed))
    out.forward = Forwarding{forward->to_channel, forward->amount, forward->condition, forward->expiry, forward->onion};
  return out;
}

// route_message on the reference.
OpHandler route_message_op() {
  return stateless_op<RouteMessageInput, RoutedOutput, BridgeError>(
      "route_message", "a node's handling of an incoming lock and its onion [CN-FWD-1..11, CN-TLV-1..5]",
      Fn<RouteMessageInput, RoutedOutput, BridgeError>([](const RouteMessageInput& in) -> Result<RoutedOutput, BridgeError> {
        const bridge::IncomingLock lock{in.amount, in.condition, in.expiry, in.onion};
        const auto routed = bridge::route_message(in.graph, in.node, in.node_key, in.from_channel, in.to_channel, lock);
        if (!routed) return routed.error();
        return routed_output(routed.value());
      }),
      nullptr);
}

}  // namespace

std::vector<OpHandler> routing_ops() {
  namespace route = cn::route;
  std::vector<OpHandler> ops;
  ops.push_back(stateless_op<ValidateRouteInput, RouteSummary, RouteError>(
      "validate_route", "the graph, then a route hop by hop [CN-GRAPH-1..4, CN-ROUTE-1..13]",
      Fn<ValidateRouteInput, RouteSummary, RouteError>(
          [](const ValidateRouteInput& in) { return route::validate_route(in.graph, in.route, in.ctx); }),
      nullptr));
  ops.push_back(stateless_op<BuildRouteInput, Route, RouteError>(
      "build_route", "the route delivering an amount over listed channels [CN-GRAPH-1..4, CN-ROUTE-1..13]",
      Fn<BuildRouteInput, Route, RouteError>([](const BuildRouteInput& in) {
        return route::build_route(in.graph, in.payer, in.channels, in.amount, in.ctx);
      }),
      nullptr));
  ops.push_back(stateless_op<BuildRouteInput, FeeOutput, RouteError>(
      "compute_routing_fee", "the built route's fee, hops[0].amount - hops[k - 1].amount [CN-ROUTE-1..13]",
      Fn<BuildRouteInput, FeeOutput, RouteError>([](const BuildRouteInput& in) -> Result<FeeOutput, RouteError> {
        const auto fee = route::compute_routing_fee(in.graph, in.payer, in.channels, in.amount, in.ctx);
        if (!fee) return fee.error();
        return FeeOutput{fee.value()};
      }),
      nullptr));
  ops.push_back(stateless_op<FindRouteInput, Route, RouteError>(
      "find_route", "Dijkstra's search backwards from the payee [CN-GRAPH-1..4, CN-FIND-1..3]",
      Fn<FindRouteInput, Route, RouteError>([](const FindRouteInput& in) {
        return route::find_route(in.graph, in.payer, in.payee, in.amount, in.ctx, in.risk_factor);
      }),
      Fn<FindRouteInput, Route, RouteError>([](const FindRouteInput& in) {
        const opt::channel_network::Router router(in.graph);
        return router.find_route(in.payer, in.payee, in.amount, in.ctx, in.risk_factor);
      })));
  ops.push_back(stateless_op<CheckPaymentPlanInput, PlanSummary, RouteError>(
      "check_payment_plan", "a multi-part payment plan against the planner's contract [CN-MPP-1..6]",
      Fn<CheckPaymentPlanInput, PlanSummary, RouteError>([](const CheckPaymentPlanInput& in) {
        return route::check_payment_plan(in.graph, in.plan, in.payer, in.payee, in.amount, in.ctx);
      }),
      nullptr));
  ops.push_back(stateless_op<ParsePayloadInput, PayloadOutput, BridgeError>(
      "parse_payload", "BOLT 4's TLV hop payload [CN-TLV-1..5]",
      Fn<ParsePayloadInput, PayloadOutput, BridgeError>([](const ParsePayloadInput& in) -> Result<PayloadOutput, BridgeError> {
        const auto parsed = bridge::parse_payload(in.payload);
        if (!parsed) return parsed.error();
        return payload_output(parsed.value());
      }),
      nullptr));
  ops.push_back(route_message_op());
  return ops;
}

namespace {

namespace route = cn::route;

constexpr u64 u64_max = ~u64{0};

// ---- Cases: inputs only; the reference computes every expected outcome. ----

class Cases {
 public:
  // A one-step case of `op` on `input`.
  CaseSpec& add(const std::string& suite, const std::string& name, const std::string& description,
                std::vector<std::string> rules, const std::string& op, json input) {
    CaseSpec& spec = book_.add(suite, name, description, std::move(rules));
    spec.steps.push_back(Step{op, 0, std::move(input)});
    return spec;
  }
  void adversarial(std::string attack, std::string party) { book_.mark_adversarial(std::move(attack), std::move(party)); }
  std::vector<CaseSpec> take() { return book_.take(); }

 private:
  CaseBook book_{std::string(mechanism_name)};
};

// height 1000, dust_limit 10, min_cltv_delta 10, final_cltv_delta 18, max_expiry_blocks 1000.
constexpr RoutingContext context{1000, 10, 10, 18, 1000};
constexpr u64 final_expiry = 1018;  // height + final_cltv_delta

RoutingContext with_max_expiry(u32 max_expiry_blocks) {
  RoutingContext ctx = context;
  ctx.max_expiry_blocks = max_expiry_blocks;
  return ctx;
}

// An edge with room for the cases' amounts: capacity and htlc_maximum 1'000'000, htlc_minimum 1.
ChannelEdge edge(u64 scid, u32 from, u32 to, u64 fee_base = 0, u64 fee_ppm = 0, u64 cltv_delta = 40) {
  return ChannelEdge{scid, from, to, 1'000'000, fee_base, fee_ppm, cltv_delta, 1, 1'000'000};
}

// 0 - 1 - 2 - 3 over channels 1, 2, 3, both directions, each priced fee_base 1000, fee_ppm 100,
// cltv_delta 40. Edge 2k is channel k+1 forwards, edge 2k + 1 backwards.
ChannelGraph line() {
  return ChannelGraph{4, {edge(1, 0, 1, 1000, 100), edge(1, 1, 0, 1000, 100), edge(2, 1, 2, 1000, 100),
                          edge(2, 2, 1, 1000, 100), edge(3, 2, 3, 1000, 100), edge(3, 3, 2, 1000, 100)}};
}

// 100'000 from 0 to 3 over line(), worked backwards (channel_network_route_test.cpp): node 2
// keeps 1000 + floor(100'000 * 100 / 10^6) = 1010, node 1 keeps 1000 + floor(101'010 * 100 / 10^6)
// = 1010; each adds cltv_delta 40.
Route base() {
  return Route{{RouteHop{1, 0, 1, 102'020, 1098}, RouteHop{2, 1, 2, 101'010, 1058}, RouteHop{3, 2, 3, 100'000, 1018}}};
}

// 0 -> 1 -> ... -> n over channels 1 .. n, free, cltv_delta 10.
ChannelGraph long_line(u32 n) {
  ChannelGraph graph{n + 1, {}};
  for (u32 i = 0; i < n; ++i) graph.edges.push_back(edge(i + 1, i, i + 1, 0, 0, 10));
  return graph;
}

std::vector<u64> first_channels(u32 n) {
  std::vector<u64> out;
  for (u32 i = 0; i < n; ++i) out.push_back(i + 1);
  return out;
}

// A diamond 0 -> {1, 2} -> 3 with node 1 charging fee_base f1 and node 2 f2 (the payer's own
// channels free), node 2's edges listed first.
ChannelGraph diamond(u64 f1, u64 f2) {
  return ChannelGraph{4, {edge(20, 0, 2), edge(21, 2, 3, f2), edge(10, 0, 1), edge(11, 1, 3, f1)}};
}

// Two disjoint free paths 0 -> 1 -> 3 (channels 1, 2) and 0 -> 2 -> 3 (channels 3, 4).
ChannelGraph two_paths(u64 capacity) {
  ChannelGraph graph{4, {edge(1, 0, 1), edge(2, 1, 3), edge(3, 0, 2), edge(4, 2, 3)}};
  for (ChannelEdge& e : graph.edges) e.capacity = e.htlc_maximum = capacity;
  return graph;
}

// A route the cases build on purpose; its construction cannot fail.
Route built(const ChannelGraph& graph, u32 payer, const std::vector<u64>& channels, u64 amount,
            const RoutingContext& ctx = context) {
  return route::build_route(graph, payer, channels, amount, ctx).value();
}

// One hop over `e` (from 0 to 1) locking `amount` until the final expiry, and its graph.
ValidateRouteInput one_hop(const ChannelEdge& e, u64 amount, const RoutingContext& ctx = context) {
  return ValidateRouteInput{ChannelGraph{2, {e}}, Route{{RouteHop{e.short_channel_id, 0, 1, amount, final_expiry}}}, ctx};
}

// ---- validate_route ----

void validate_route_cases(Cases& cases) {
  const auto add = [&](const std::string& name, const std::string& description, std::vector<std::string> rules,
                       const ValidateRouteInput& in) {
    cases.add("validate_route", name, description, std::move(rules), "validate_route", codec::to_json(in));
  };
  const auto on_line = [](const Route& r, const RoutingContext& ctx = context) { return ValidateRouteInput{line(), r, ctx}; };
  const auto changed = [](auto change) {
    Route r = base();
    change(r);
    return r;
  };

  add("worked_route_fees_and_deltas_exact",
      "100000 from 0 to 3 over the line 0-1-2-3: each forwarder gets exactly its fee (1010) and its delta (40)",
      {"CN-GRAPH-1", "CN-GRAPH-2", "CN-GRAPH-3", "CN-GRAPH-4", "CN-ROUTE-1", "CN-ROUTE-2", "CN-ROUTE-3", "CN-ROUTE-4",
       "CN-ROUTE-5", "CN-ROUTE-6", "CN-ROUTE-7", "CN-ROUTE-8", "CN-ROUTE-9", "CN-ROUTE-10", "CN-ROUTE-11", "CN-ROUTE-12",
       "CN-ROUTE-13"},
      on_line(base()));

  // The graph [CN-GRAPH-1..4].
  add("graph_node_count_minus_one", "an edge to node node_count - 1 (3 of 4) is a node of the graph", {"CN-GRAPH-1"},
      ValidateRouteInput{ChannelGraph{4, {edge(1, 0, 3)}}, Route{{RouteHop{1, 0, 3, 100, final_expiry}}}, context});
  {
    ChannelGraph graph = line();
    graph.edges.push_back(edge(9, 0, 4));
    add("invalid_graph_to_equals_node_count", "an edge to node 4 in a graph of 4 nodes", {"CN-GRAPH-1"}, ValidateRouteInput{graph, base(), context});
    graph = line();
    graph.edges.push_back(edge(9, 4, 0));
    add("invalid_graph_from_equals_node_count", "an edge from node 4 in a graph of 4 nodes", {"CN-GRAPH-1"},
        ValidateRouteInput{graph, base(), context});
    graph = line();
    graph.edges.push_back(edge(9, 3, 3));
    add("invalid_graph_self_loop", "an edge from node 3 to itself", {"CN-GRAPH-2"}, ValidateRouteInput{graph, base(), context});
    add("invalid_graph_checked_before_route", "a self-loop in the graph and an empty route: the graph is checked first",
        {"CN-GRAPH-2", "CN-ROUTE-1"}, ValidateRouteInput{graph, Route{}, context});
    graph = line();
    graph.edges.push_back(edge(1, 0, 2));
    add("invalid_graph_duplicate_edge", "a second edge of channel 1 from node 0 (to another node)", {"CN-GRAPH-3"},
        ValidateRouteInput{graph, base(), context});
  }
  add("graph_cltv_delta_at_minimum", "an edge's cltv_delta equal to min_cltv_delta (10)", {"CN-GRAPH-4"},
      one_hop(edge(1, 0, 1, 0, 0, 10), 100));
  add("invalid_graph_cltv_delta_one_below", "an edge's cltv_delta one below min_cltv_delta (9 < 10)", {"CN-GRAPH-4"},
      one_hop(edge(1, 0, 1, 0, 0, 9), 100));

  // The route's length [CN-ROUTE-1, 2].
  add("invalid_empty_route", "a route with no hop", {"CN-ROUTE-1"}, on_line(Route{}));
  add("one_hop_route", "one hop: the payer pays no fee on its own channel, so it locks exactly the amount",
      {"CN-ROUTE-1", "CN-ROUTE-10"}, on_line(Route{{RouteHop{1, 0, 1, 100'000, final_expiry}}}));
  {
    const ChannelGraph graph = long_line(21);
    add("twenty_hops", "a route of 20 hops, max_route_hops", {"CN-ROUTE-2"},
        ValidateRouteInput{graph, built(graph, 0, first_channels(20), 500), context});
    Route twenty_one;
    for (u32 i = 0; i < 21; ++i) twenty_one.hops.push_back(RouteHop{i + 1, i, i + 1, 500, final_expiry + (20 - i) * 10});
    add("invalid_twenty_one_hops", "21 hops, each valid on its own", {"CN-ROUTE-2"}, ValidateRouteInput{graph, twenty_one, context});
    twenty_one.hops[0].short_channel_id = 99;
    add("invalid_too_long_before_hop_rules", "21 hops with an unknown channel in hop 0: the length is checked first",
        {"CN-ROUTE-2", "CN-ROUTE-3"}, ValidateRouteInput{graph, twenty_one, context});
  }

  // Hops on the graph [CN-ROUTE-3, 4, 5].
  add("invalid_unknown_channel", "hop 1 names channel 9, which the graph lacks", {"CN-ROUTE-3"},
      on_line(changed([](Route& r) { r.hops[1].short_channel_id = 9; })));
  add("invalid_channel_to_mismatch", "hop 2 says channel 3 from node 2 goes to node 1; its edge goes to 3", {"CN-ROUTE-3"},
      on_line(changed([](Route& r) { r.hops[2].to = 1; })));
  add("invalid_channel_not_from_this_node", "hop 0 names channel 2, which has no edge from node 0", {"CN-ROUTE-3"},
      on_line(changed([](Route& r) { r.hops[0].short_channel_id = 2; })));
  add("invalid_disconnected", "hop 0 ends at node 1, hop 1 leaves node 2", {"CN-ROUTE-4"},
      on_line(Route{{RouteHop{1, 0, 1, 101'010, 1058}, RouteHop{3, 2, 3, 100'000, 1018}}}));
  add("invalid_cycle_back_to_payer", "0 -> 1 -> 0: the route returns to the payer", {"CN-ROUTE-5"},
      on_line(Route{{RouteHop{1, 0, 1, 101'010, 1058}, RouteHop{1, 1, 0, 100'000, 1018}}}));

  // Amount bounds [CN-ROUTE-6..9] on one hop: dust_limit 10.
  add("dust_limit_plus_one", "a hop of 11, dust_limit 10", {"CN-ROUTE-6"}, one_hop(edge(1, 0, 1), 11));
  add("dust_limit_exactly", "a hop of 10, dust_limit 10", {"CN-ROUTE-6"}, one_hop(edge(1, 0, 1), 10));
  add("invalid_dust_limit_minus_one", "a hop of 9, dust_limit 10", {"CN-ROUTE-6"}, one_hop(edge(1, 0, 1), 9));
  {
    ChannelEdge free_of_minimum = edge(1, 0, 1);
    free_of_minimum.htlc_minimum = 0;
    RoutingContext no_dust = context;
    no_dust.dust_limit = 0;
    add("zero_amount_without_dust_limit", "a hop of 0 with dust_limit 0 and htlc_minimum 0", {"CN-ROUTE-6", "CN-ROUTE-7"},
        one_hop(free_of_minimum, 0, no_dust));
  }
  ChannelEdge bounded = edge(1, 0, 1);
  bounded.htlc_minimum = 500;
  add("htlc_minimum_plus_one", "a hop of 501, htlc_minimum 500", {"CN-ROUTE-7"}, one_hop(bounded, 501));
  add("htlc_minimum_exactly", "a hop of 500, htlc_minimum 500", {"CN-ROUTE-7"}, one_hop(bounded, 500));
  add("invalid_htlc_minimum_minus_one", "a hop of 499, htlc_minimum 500", {"CN-ROUTE-7"}, one_hop(bounded, 499));
  bounded = edge(1, 0, 1);
  bounded.htlc_maximum = 5000;
  add("htlc_maximum_minus_one", "a hop of 4999, htlc_maximum 5000", {"CN-ROUTE-8"}, one_hop(bounded, 4999));
  add("htlc_maximum_exactly", "a hop of 5000, htlc_maximum 5000", {"CN-ROUTE-8"}, one_hop(bounded, 5000));
  add("invalid_htlc_maximum_plus_one", "a hop of 5001, htlc_maximum 5000", {"CN-ROUTE-8"}, one_hop(bounded, 5001));
  bounded = edge(1, 0, 1);
  bounded.capacity = 4000;
  add("capacity_minus_one", "a hop of 3999 on a channel of capacity 4000", {"CN-ROUTE-9"}, one_hop(bounded, 3999));
  add("capacity_exactly", "a hop of 4000 on a channel of capacity 4000", {"CN-ROUTE-9"}, one_hop(bounded, 4000));
  add("invalid_capacity_plus_one", "a hop of 4001 on a channel of capacity 4000", {"CN-ROUTE-9"}, one_hop(bounded, 4001));
  bounded.capacity = bounded.htlc_maximum = u64_max;
  add("capacity_u64_max", "a hop of 2^64 - 1 on a channel of that capacity and maximum", {"CN-ROUTE-8", "CN-ROUTE-9"},
      one_hop(bounded, u64_max));
  {
    ChannelGraph graph = line();
    graph.edges[2].capacity = 101'010;
    add("capacity_exactly_midway", "channel 2 from node 1 has exactly the 101010 hop 1 locks", {"CN-ROUTE-9"},
        ValidateRouteInput{graph, base(), context});
  }

  // Fees [CN-ROUTE-10].
  add("fee_one_above", "the payer locks one more than node 1's fee asks", {"CN-ROUTE-10"},
      on_line(changed([](Route& r) { r.hops[0].amount = 102'021; })));
  add("invalid_fee_one_short", "hop 0 locks 102019, one short of 101010 + fee(101010) = 102020", {"CN-ROUTE-10"},
      on_line(changed([](Route& r) { r.hops[0].amount = 102'019; })));
  add("invalid_fee_one_short_at_second_forwarder",
      "hop 1 locks 101009, one short of node 2's 100000 + 1010; node 1 still has its fee over it", {"CN-ROUTE-10"},
      on_line(changed([](Route& r) { r.hops[1].amount = 101'009; })));
  {
    // Node 1 asks fee_ppm 2 * 10^6 on 2^63: a fee of 2^64, which no u64 amount covers.
    ChannelGraph graph{3, {edge(1, 0, 1), edge(2, 1, 2, 0, 2'000'000)}};
    for (ChannelEdge& e : graph.edges) e.capacity = e.htlc_maximum = u64_max;
    add("invalid_fee_above_u64", "node 1's fee on 2^63 at 2 * 10^6 ppm is 2^64: no u64 amount covers it", {"CN-ROUTE-10"},
        ValidateRouteInput{graph, Route{{RouteHop{1, 0, 1, u64_max, final_expiry + 40}, RouteHop{2, 1, 2, u64{1} << 63, final_expiry}}},
                           context});
    graph.edges[1].fee_ppm = 0;
    graph.edges[1].fee_base = u64_max - 5;
    RoutingContext dust_five = context;
    dust_five.dust_limit = 5;
    add("fee_base_sum_at_u64_max", "5 forwarded plus fee_base 2^64 - 6 is exactly 2^64 - 1, which hop 0 locks", {"CN-ROUTE-10"},
        ValidateRouteInput{graph, Route{{RouteHop{1, 0, 1, u64_max, final_expiry + 40}, RouteHop{2, 1, 2, 5, final_expiry}}},
                           dust_five});
    add("invalid_fee_base_sum_above_u64", "6 forwarded plus fee_base 2^64 - 6 is 2^64: above any u64", {"CN-ROUTE-10"},
        ValidateRouteInput{graph, Route{{RouteHop{1, 0, 1, u64_max, final_expiry + 40}, RouteHop{2, 1, 2, 6, final_expiry}}},
                           dust_five});
  }

  // Timelocks [CN-ROUTE-11..13].
  add("cltv_one_above", "hop 0 expires one block later than node 1's delta needs", {"CN-ROUTE-11"},
      on_line(changed([](Route& r) { r.hops[0].expiry = 1099; })));
  add("invalid_cltv_one_short", "hop 0 expires at 1097, one short of 1058 + 40", {"CN-ROUTE-11"},
      on_line(changed([](Route& r) { r.hops[0].expiry = 1097; })));
  add("invalid_cltv_one_short_at_second_forwarder", "hop 1 expires at 1057, one short of 1018 + 40", {"CN-ROUTE-11"},
      on_line(changed([](Route& r) { r.hops[1].expiry = 1057; })));
  add("final_expiry_one_above", "the last hop expires at height + final_cltv_delta + 1", {"CN-ROUTE-12"},
      on_line(Route{{RouteHop{1, 0, 1, 100, final_expiry + 1}}}));
  add("invalid_final_expiry_one_short", "the last hop expires at 1017, one short of 1000 + 18", {"CN-ROUTE-12"},
      on_line(changed([](Route& r) { r.hops[2].expiry = final_expiry - 1; })));
  {
    RoutingContext late = context;
    late.height = u64_max - 5;
    ValidateRouteInput in = one_hop(edge(1, 0, 1), 100, late);
    in.route.hops[0].expiry = u64_max;
    add("invalid_final_expiry_bound_above_u64", "height + final_cltv_delta is above 2^64 - 1: no expiry meets it",
        {"CN-ROUTE-12"}, in);
    late.height = u64_max - 20;
    in.ctx = late;
    add("max_expiry_bound_above_u64", "height + max_expiry_blocks above 2^64 - 1 bounds nothing: an expiry of 2^64 - 1 passes",
        {"CN-ROUTE-12", "CN-ROUTE-13"}, in);
  }
  add("max_expiry_one_above", "hop 0 expires at 1098, max_expiry_blocks 99", {"CN-ROUTE-13"}, on_line(base(), with_max_expiry(99)));
  add("max_expiry_exactly", "hop 0 expires at 1098 = height + max_expiry_blocks 98", {"CN-ROUTE-13"},
      on_line(base(), with_max_expiry(98)));
  add("invalid_max_expiry_one_short", "hop 0 expires at 1098, one past height + max_expiry_blocks 97", {"CN-ROUTE-13"},
      on_line(base(), with_max_expiry(97)));

  // The check order: an input breaking two rules reports the earlier one.
  add("invalid_disconnected_before_cycle", "hop 2 is 1 -> 0: disconnected from hop 1 and back to the payer",
      {"CN-ROUTE-4", "CN-ROUTE-5"}, on_line(changed([](Route& r) { r.hops[2] = RouteHop{1, 1, 0, 100'000, 1018}; })));
  {
    ChannelEdge e = edge(1, 0, 1);
    e.htlc_minimum = 500;
    add("invalid_dust_before_minimum", "a hop of 9: below dust_limit 10 and htlc_minimum 500", {"CN-ROUTE-6", "CN-ROUTE-7"},
        one_hop(e, 9));
    e.htlc_maximum = 100;
    add("invalid_minimum_before_maximum", "a hop of 300: below htlc_minimum 500 and above htlc_maximum 100",
        {"CN-ROUTE-7", "CN-ROUTE-8"}, one_hop(e, 300));
    e = edge(1, 0, 1);
    e.htlc_maximum = e.capacity = 100;
    add("invalid_maximum_before_capacity", "a hop of 300: above htlc_maximum and capacity 100", {"CN-ROUTE-8", "CN-ROUTE-9"},
        one_hop(e, 300));
  }
  {
    ChannelGraph graph = line();
    graph.edges[2].capacity = 100;
    add("invalid_capacity_before_fee", "hop 1 of 101011: above channel 2's capacity and more than hop 0 pays node 1 for",
        {"CN-ROUTE-9", "CN-ROUTE-10"}, ValidateRouteInput{graph, changed([](Route& r) { r.hops[1].amount = 101'011; }), context});
  }
  add("invalid_fee_before_cltv", "hop 0 one short in both amount and expiry", {"CN-ROUTE-10", "CN-ROUTE-11"},
      on_line(changed([](Route& r) {
        r.hops[0].amount -= 1;
        r.hops[0].expiry -= 1;
      })));
  add("invalid_hop_before_next_hop", "hop 1's delta is short and hop 2 is dust: hop 1 is checked first",
      {"CN-ROUTE-11", "CN-ROUTE-6"}, on_line(changed([](Route& r) {
        r.hops[0].expiry = 1000;
        r.hops[2].amount = 1;
        r.hops[1].amount = 1001;
        r.hops[0].amount = 2001;
      })));
  add("invalid_cltv_before_final_expiry", "hop 0's delta one short, the last hop one short of the final expiry",
      {"CN-ROUTE-11", "CN-ROUTE-12", "CN-ROUTE-13"}, on_line(changed([](Route& r) {
        r.hops[0].expiry = 1097;
        r.hops[2].expiry = 1017;
      }), with_max_expiry(50)));
  add("invalid_final_expiry_before_max_expiry", "the last hop short of the final expiry and hop 0 past the maximum",
      {"CN-ROUTE-12", "CN-ROUTE-13"}, on_line(changed([](Route& r) { r.hops[2].expiry = 1017; }), with_max_expiry(50)));

  // Inputs that do not decode.
  json amount_as_number = codec::to_json(on_line(base()));
  amount_as_number["route"]["hops"][0]["amount"] = 102'020;
  cases.add("validate_route", "malformed_amount_not_a_string", "a u64 amount written as a JSON number", {"CN-ROUTE-1"},
            "validate_route", amount_as_number);
  json missing_ctx = codec::to_json(on_line(base()));
  missing_ctx.erase("ctx");
  cases.add("validate_route", "malformed_missing_ctx", "the input has no ctx", {"CN-ROUTE-1"}, "validate_route", missing_ctx);
}

// ---- build_route and compute_routing_fee ----

void build_route_cases(Cases& cases) {
  const auto add = [&](const std::string& name, const std::string& description, std::vector<std::string> rules,
                       const BuildRouteInput& in) {
    cases.add("build_route", name, description, std::move(rules), "build_route", codec::to_json(in));
  };
  add("worked_route", "100000 from 0 over channels 1, 2, 3 of the line: 102020 until 1098, 101010 until 1058, 100000 until 1018",
      {"CN-ROUTE-3", "CN-ROUTE-10", "CN-ROUTE-11", "CN-ROUTE-12"}, BuildRouteInput{line(), 0, {1, 2, 3}, 100'000, context});
  add("fees_floored_at_each_hop", "123456 from 3 over channels 3, 2, 1: each forwarder keeps 1000 + floor(12.3...) = 1012",
      {"CN-ROUTE-10", "CN-ROUTE-11"}, BuildRouteInput{line(), 3, {3, 2, 1}, 123'456, context});
  const ChannelGraph mixed{4, {edge(7, 0, 1, 1'000'000, 0, 10), edge(8, 1, 2, 5, 2500, 144), edge(9, 2, 3, 0, 10'000, 12)}};
  add("mixed_prices_and_deltas", "node 1 at 5 + 2500 ppm and delta 144, node 2 at 10000 ppm and delta 12; the payer's own price is never charged",
      {"CN-ROUTE-10", "CN-ROUTE-11"}, BuildRouteInput{mixed, 0, {7, 8, 9}, 40'000, context});
  add("twenty_channels", "20 channels of a long line", {"CN-ROUTE-2"}, BuildRouteInput{long_line(21), 0, first_channels(20), 500, context});
  add("invalid_twenty_one_channels", "21 channels that all resolve", {"CN-ROUTE-2"},
      BuildRouteInput{long_line(21), 0, first_channels(21), 500, context});
  add("invalid_no_channels", "an empty channel list", {"CN-ROUTE-1"}, BuildRouteInput{line(), 0, {}, 100'000, context});
  add("invalid_channel_not_from_payer", "channel 2 has no edge from node 0", {"CN-ROUTE-3"},
      BuildRouteInput{line(), 0, {2}, 100'000, context});
  add("invalid_channel_not_from_reached_node", "channel 3 has no edge from node 1, where channel 1 arrives", {"CN-ROUTE-3"},
      BuildRouteInput{line(), 0, {1, 3}, 100'000, context});
  {
    ChannelGraph bad = line();
    bad.edges.push_back(edge(9, 0, 9));
    add("invalid_graph_before_channels", "an edge to node 9 of 4, and an unknown channel: the graph is checked first",
        {"CN-GRAPH-1", "CN-ROUTE-3"}, BuildRouteInput{bad, 0, {5}, 100'000, context});
    ChannelGraph pricey = line();
    pricey.edges[2].fee_base = u64_max;
    add("invalid_unknown_channel_before_amounts", "an unknown third channel is found before node 1's overflowing fee is worked out",
        {"CN-ROUTE-3", "CN-ROUTE-10"}, BuildRouteInput{pricey, 0, {1, 2, 9}, 100'000, context});
  }
  add("dust_limit_exactly", "10 delivered, dust_limit 10", {"CN-ROUTE-6"}, BuildRouteInput{line(), 0, {1, 2, 3}, 10, context});
  add("invalid_cycle_through_earlier_node", "channels 1, 2, 2: 0 -> 1 -> 2 -> 1", {"CN-ROUTE-5"},
      BuildRouteInput{line(), 0, {1, 2, 2}, 100'000, context});
  add("invalid_cycle_back_to_payer", "channels 1, 1: 0 -> 1 -> 0", {"CN-ROUTE-5"}, BuildRouteInput{line(), 0, {1, 1}, 100'000, context});
  {
    // fee_ppm 2 * 10^6 at node 1: hop 0 locks 3 times the amount.
    ChannelGraph graph{3, {edge(1, 0, 1), edge(2, 1, 2, 0, 2'000'000)}};
    for (ChannelEdge& e : graph.edges) e.capacity = e.htlc_maximum = u64_max;
    const u64 third = u64_max / 3;
    add("fee_sum_at_u64_max", "floor((2^64 - 1) / 3) forwarded at 2 * 10^6 ppm: hop 0 locks exactly 2^64 - 1", {"CN-ROUTE-10"},
        BuildRouteInput{graph, 0, {1, 2}, third, context});
    add("invalid_fee_sum_above_u64", "one more: hop 0 would lock 2^64 + 2", {"CN-ROUTE-10"}, BuildRouteInput{graph, 0, {1, 2}, third + 1, context});
    graph.edges[0].capacity = 1;
    add("invalid_fee_overflow_before_validate", "2^63 forwarded at 2 * 10^6 ppm overflows before hop 0's capacity of 1 is checked",
        {"CN-ROUTE-9", "CN-ROUTE-10"}, BuildRouteInput{graph, 0, {1, 2}, u64{1} << 63, context});
    graph = ChannelGraph{3, {edge(1, 0, 1), edge(2, 1, 2, u64_max - 5)}};
    for (ChannelEdge& e : graph.edges) e.capacity = e.htlc_maximum = u64_max;
    RoutingContext dust_five = context;
    dust_five.dust_limit = 5;
    add("fee_base_sum_at_u64_max", "5 forwarded plus fee_base 2^64 - 6: exactly 2^64 - 1", {"CN-ROUTE-10"},
        BuildRouteInput{graph, 0, {1, 2}, 5, dust_five});
    add("invalid_fee_base_sum_above_u64", "6 forwarded plus fee_base 2^64 - 6: 2^64", {"CN-ROUTE-10"},
        BuildRouteInput{graph, 0, {1, 2}, 6, dust_five});
  }
  {
    ChannelGraph graph = line();
    graph.edges[2].cltv_delta = u64_max - final_expiry;
    add("invalid_expiry_sum_at_u64_max_too_far", "1018 + cltv_delta is exactly 2^64 - 1: built, then past max_expiry_blocks",
        {"CN-ROUTE-11", "CN-ROUTE-13"}, BuildRouteInput{graph, 0, {1, 2}, 100, context});
    graph.edges[2].cltv_delta = u64_max - final_expiry + 1;
    add("invalid_expiry_sum_above_u64", "1018 + cltv_delta is 2^64", {"CN-ROUTE-11"}, BuildRouteInput{graph, 0, {1, 2}, 100, context});
    add("invalid_expiry_sum_above_u64_before_dust",
        "1018 + cltv_delta is 2^64 while 5 is delivered under dust_limit 10: the overflow while building comes first",
        {"CN-ROUTE-11", "CN-ROUTE-6"}, BuildRouteInput{graph, 0, {1, 2}, 5, context});
  }
  {
    RoutingContext last = context;
    last.height = u64_max - 18;
    add("final_expiry_at_u64_max", "height + final_cltv_delta is exactly 2^64 - 1", {"CN-ROUTE-12"},
        BuildRouteInput{line(), 0, {1}, 100, last});
    last.height = u64_max - 17;
    add("invalid_final_expiry_above_u64", "height + final_cltv_delta is 2^64", {"CN-ROUTE-12"}, BuildRouteInput{line(), 0, {1}, 100, last});
    add("invalid_final_expiry_above_u64_before_dust",
        "height + final_cltv_delta is 2^64 while 5 is delivered under dust_limit 10: the overflow while building comes first",
        {"CN-ROUTE-12", "CN-ROUTE-6"}, BuildRouteInput{line(), 0, {1}, 5, last});
  }
  json payer_as_string = codec::to_json(BuildRouteInput{line(), 0, {1, 2, 3}, 100'000, context});
  payer_as_string["payer"] = "0";
  cases.add("build_route", "malformed_payer_as_string", "a u32 payer written as a string", {"CN-ROUTE-1"}, "build_route",
            payer_as_string);

  const auto fee = [&](const std::string& name, const std::string& description, std::vector<std::string> rules,
                       const BuildRouteInput& in) {
    cases.add("compute_routing_fee", name, description, std::move(rules), "compute_routing_fee", codec::to_json(in));
  };
  fee("worked_route_fee", "the worked route's fee: 102020 - 100000 = 2020", {"CN-ROUTE-10"},
      BuildRouteInput{line(), 0, {1, 2, 3}, 100'000, context});
  fee("fees_floored_at_each_hop", "125480 - 123456 = 2024", {"CN-ROUTE-10"}, BuildRouteInput{line(), 3, {3, 2, 1}, 123'456, context});
  fee("mixed_prices_and_deltas", "40506 - 40000 = 506", {"CN-ROUTE-10"}, BuildRouteInput{mixed, 0, {7, 8, 9}, 40'000, context});
  fee("one_hop_pays_no_fee", "one hop: the fee is 0", {"CN-ROUTE-1", "CN-ROUTE-10"}, BuildRouteInput{mixed, 0, {7}, 40'000, context});
  fee("invalid_dust", "9 delivered: validate_route's dust error", {"CN-ROUTE-6"}, BuildRouteInput{line(), 0, {1, 2, 3}, 9, context});
  fee("invalid_unknown_channel", "channel 2 has no edge from node 0", {"CN-ROUTE-3"}, BuildRouteInput{line(), 0, {2}, 100'000, context});
}

// ---- find_route ----

// A random connected graph of `n` nodes from the case seed: a ring 0 - 1 - ... - n-1 - 0 and
// `extra` more channels, both directions each, with random prices, deltas and bounds.
ChannelGraph random_graph(Drbg& rng, u32 n, u32 extra) {
  ChannelGraph graph{n, {}};
  u64 scid = 1;
  const auto channel = [&](u32 a, u32 b) {
    for (const auto& [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
      ChannelEdge e;
      e.short_channel_id = scid;
      e.from = from;
      e.to = to;
      e.capacity = 50'000 + rng.below(950'000);
      e.fee_base = rng.below(2000);
      e.fee_ppm = rng.below(5000);
      e.cltv_delta = 10 + rng.below(50);
      e.htlc_minimum = 1 + rng.below(100);
      e.htlc_maximum = e.capacity - rng.below(10'000);
      graph.edges.push_back(e);
    }
    ++scid;
  };
  for (u32 i = 0; i < n; ++i) channel(i, (i + 1) % n);
  for (u32 k = 0; k < extra; ++k) {
    const u32 a = static_cast<u32>(rng.below(n));
    const u32 b = static_cast<u32>((a + 1 + rng.below(n - 1)) % n);
    channel(a, b);
  }
  return graph;
}

void find_route_cases(Cases& cases, Profile profile) {
  const auto add = [&](const std::string& name, const std::string& description, std::vector<std::string> rules,
                       const FindRouteInput& in) {
    cases.add("find_route", name, description, std::move(rules), "find_route", codec::to_json(in));
  };
  const std::vector<std::string> found{"CN-FIND-1", "CN-FIND-2", "CN-FIND-3"};
  add("diamond_cheaper_side", "0 -> {1, 2} -> 3: node 2 asks 3, node 1 asks 5", found, FindRouteInput{diamond(5, 3), 0, 3, 100'000, context, 0});
  add("diamond_other_side", "the same diamond with the prices swapped", found, FindRouteInput{diamond(3, 5), 0, 3, 100'000, context, 0});
  add("tie_broken_by_node_id", "equal fees through 1 and 2: node 1 settles first and labels the payer", found,
      FindRouteInput{diamond(4, 4), 0, 3, 100'000, context, 0});
  add("parallel_channels_first_in_graph_order", "two equal channels from 0 to 1: the first edge keeps the label", found,
      FindRouteInput{ChannelGraph{2, {edge(7, 0, 1), edge(5, 0, 1)}}, 0, 1, 100, context, 0});
  add("cheaper_but_longer", "0 -> 2 -> 3 -> 4 costs 20, 0 -> 1 -> 4 costs 100", found,
      FindRouteInput{ChannelGraph{5, {edge(1, 0, 1), edge(2, 1, 4, 100), edge(3, 0, 2), edge(4, 2, 3, 10), edge(5, 3, 4, 10)}},
                     0, 4, 1000, context, 0});
  {
    ChannelGraph graph = diamond(5, 3);
    graph.edges[0].capacity = 100'002;
    add("avoids_channel_one_below_capacity", "the cheap side's first channel holds 100002 of the 100003 it would lock",
        {"CN-FIND-3", "CN-ROUTE-9"}, FindRouteInput{graph, 0, 3, 100'000, context, 0});
    graph.edges[0].capacity = 100'003;
    add("uses_channel_at_capacity", "the cheap side's first channel holds exactly 100003", {"CN-FIND-3", "CN-ROUTE-9"},
        FindRouteInput{graph, 0, 3, 100'000, context, 0});
    graph = diamond(5, 3);
    graph.edges[1].htlc_maximum = 99'999;
    add("avoids_channel_below_amount_maximum", "node 2's channel has htlc_maximum 99999", {"CN-FIND-3", "CN-ROUTE-8"},
        FindRouteInput{graph, 0, 3, 100'000, context, 0});
    graph = diamond(5, 3);
    graph.edges[1].htlc_minimum = 100'001;
    add("avoids_channel_above_amount_minimum", "node 2's channel has htlc_minimum 100001", {"CN-FIND-3", "CN-ROUTE-7"},
        FindRouteInput{graph, 0, 3, 100'000, context, 0});
  }
  {
    // Node 1: fee 10 and cltv_delta 1000; node 2: fee 50 and cltv_delta 10.
    const ChannelGraph graph{4, {edge(10, 0, 1), edge(11, 1, 3, 10, 0, 1000), edge(20, 0, 2), edge(21, 2, 3, 50, 0, 10)}};
    const RoutingContext ctx = with_max_expiry(5000);
    add("risk_factor_zero_prices_fees_only", "risk_factor 0: fee 10 through node 1 against 50", found, FindRouteInput{graph, 0, 3, 100'000, ctx, 0});
    add("risk_factor_prefers_short_lock", "risk_factor 10000: node 1's long lock costs 1046 against node 2's 96", found,
        FindRouteInput{graph, 0, 3, 100'000, ctx, 10'000});
    add("risk_factor_small", "risk_factor 10: 11 through node 1 against 50", found, FindRouteInput{graph, 0, 3, 100'000, ctx, 10});
  }
  add("payee_node_count_minus_one", "payee 3 of 4 nodes", found, FindRouteInput{line(), 0, 3, 100'000, context, 0});
  add("payer_node_count_minus_one", "payer 3 of 4 nodes", found, FindRouteInput{line(), 3, 0, 100'000, context, 0});
  add("invalid_payee_equals_node_count", "payee 4 of 4 nodes", {"CN-FIND-1"}, FindRouteInput{line(), 0, 4, 100'000, context, 0});
  add("invalid_payer_equals_node_count", "payer 4 of 4 nodes", {"CN-FIND-1"}, FindRouteInput{line(), 4, 0, 100'000, context, 0});
  add("invalid_unknown_node_before_self_payment", "payer and payee both 4 of 4 nodes", {"CN-FIND-1", "CN-FIND-2"},
      FindRouteInput{line(), 4, 4, 100'000, context, 0});
  add("invalid_self_payment", "payer and payee both node 2", {"CN-FIND-2"}, FindRouteInput{line(), 2, 2, 100'000, context, 0});
  {
    ChannelGraph bad = line();
    bad.edges.push_back(edge(1, 0, 2));
    add("invalid_graph_before_self_payment", "a duplicate edge and a self-payment: the graph is checked first",
        {"CN-GRAPH-3", "CN-FIND-2"}, FindRouteInput{bad, 2, 2, 100'000, context, 0});
    bad = line();
    bad.edges[4].cltv_delta = 9;
    add("invalid_graph_cltv_delta_below_minimum", "an edge with cltv_delta 9, min_cltv_delta 10", {"CN-GRAPH-4"},
        FindRouteInput{bad, 0, 3, 100'000, context, 0});
  }
  add("invalid_no_route_disconnected", "0 - 1 and 2 - 3 are not connected", {"CN-FIND-3"},
      FindRouteInput{ChannelGraph{4, {edge(1, 0, 1), edge(1, 1, 0), edge(2, 2, 3), edge(2, 3, 2)}}, 0, 3, 100, context, 0});
  add("invalid_no_route_wrong_direction", "the only edge points from the payee to the payer", {"CN-FIND-3"},
      FindRouteInput{ChannelGraph{2, {edge(1, 1, 0)}}, 0, 1, 100, context, 0});
  add("invalid_no_route_no_edges", "a graph of two nodes and no edge", {"CN-FIND-3"}, FindRouteInput{ChannelGraph{2, {}}, 0, 1, 100, context, 0});
  add("dust_limit_exactly", "10 delivered, dust_limit 10", found, FindRouteInput{line(), 0, 3, 10, context, 0});
  add("invalid_no_route_dust", "9 delivered, dust_limit 10: every edge is skipped", {"CN-FIND-3", "CN-ROUTE-6"},
      FindRouteInput{line(), 0, 3, 9, context, 0});
  {
    RoutingContext last = context;
    last.height = u64_max - 18;
    add("final_expiry_at_u64_max", "height + final_cltv_delta is exactly 2^64 - 1", found, FindRouteInput{line(), 0, 1, 100, last, 0});
    last.height = u64_max - 17;
    add("invalid_no_route_final_expiry_above_u64", "height + final_cltv_delta is 2^64: the payee gets no label",
        {"CN-FIND-3", "CN-ROUTE-12"}, FindRouteInput{line(), 0, 1, 100, last, 0});
  }
  add("max_expiry_exactly", "the first lock expires at 1098 = height + max_expiry_blocks 98", {"CN-FIND-3", "CN-ROUTE-13"},
      FindRouteInput{line(), 0, 3, 100'000, with_max_expiry(98), 0});
  add("invalid_no_route_max_expiry_one_short", "the only route's first lock expires one past height + 97",
      {"CN-FIND-3", "CN-ROUTE-13"}, FindRouteInput{line(), 0, 3, 100'000, with_max_expiry(97), 0});
  add("twenty_hops", "a line of 20 channels", {"CN-FIND-3", "CN-ROUTE-2"}, FindRouteInput{long_line(20), 0, 20, 500, context, 0});
  add("invalid_no_route_twenty_one_hops", "a line of 21 channels: the payer is 21 hops away", {"CN-FIND-3", "CN-ROUTE-2"},
      FindRouteInput{long_line(21), 0, 21, 500, context, 0});
  add("twenty_hops_from_second_node", "the same line from node 1: 20 hops", {"CN-FIND-3", "CN-ROUTE-2"},
      FindRouteInput{long_line(21), 1, 21, 500, context, 0});
  {
    // The spec's approximation: node 1 settles with the free label through node 2, whose lock is
    // too late for the payer's hop; the route through node 3 exists but is never labelled.
    const ChannelGraph graph{5, {edge(1, 0, 1), edge(2, 1, 2, 0, 0, 10), edge(3, 1, 3, 0, 0, 10), edge(4, 2, 4, 0, 0, 100),
                                 edge(5, 3, 4, 10, 0, 10)}};
    add("invalid_no_route_label_keeps_cheapest_amount",
        "a label keeps the cheapest amount, not the earliest expiry: no route found though one exists", {"CN-FIND-3"},
        FindRouteInput{graph, 0, 4, 1000, with_max_expiry(118), 0});
    add("label_keeps_cheapest_amount_with_room", "the same graph with room for the long lock: the free route",
        {"CN-FIND-3", "CN-ROUTE-13"}, FindRouteInput{graph, 0, 4, 1000, with_max_expiry(128), 0});
  }
  json missing_risk = codec::to_json(FindRouteInput{line(), 0, 3, 100'000, context, 0});
  missing_risk.erase("risk_factor");
  cases.add("find_route", "malformed_missing_risk_factor", "the input has no risk_factor", {"CN-FIND-1"}, "find_route", missing_risk);

  // Random graphs from the case seed: the optimized router must return the reference's route.
  const u32 count = profile == Profile::large ? 24 : 3;
  for (u32 i = 0; i < count; ++i) {
    const std::string name = "random_graph_" + std::to_string(i);
    CaseSpec& spec = cases.add("find_route", name, "", found, "find_route", nullptr);
    Drbg rng(spec.seed);
    // The small profile's three graphs come first in the large one too; the large one's others are larger.
    const u32 n = 8 + static_cast<u32>(rng.below(i < 3 ? 12 : 40));
    FindRouteInput in{random_graph(rng, n, 2 * n), 0, n / 2, 0, with_max_expiry(2016), 0};
    in.risk_factor = rng.below(2) == 0 ? 0 : static_cast<u32>(rng.below(50'000));
    // An amount the ring carries: halved until the reference finds a route (1000 always fits: at
    // most 10 hops of fees below 2100 each stay below every htlc_maximum, 40000 or more).
    in.amount = 1000 + rng.below(40'000);
    while (in.amount > 1000 && !route::find_route(in.graph, in.payer, in.payee, in.amount, in.ctx, in.risk_factor).ok())
      in.amount = std::max<u64>(1000, in.amount / 2);
    spec.description = "a random graph of " + std::to_string(n) + " nodes and " + std::to_string(in.graph.edges.size()) +
                       " edges, risk_factor " + std::to_string(in.risk_factor);
    spec.steps[0].input = codec::to_json(in);
  }
}

// ---- check_payment_plan ----

void check_payment_plan_cases(Cases& cases) {
  const auto add = [&](const std::string& name, const std::string& description, std::vector<std::string> rules,
                       const CheckPaymentPlanInput& in) {
    cases.add("check_payment_plan", name, description, std::move(rules), "check_payment_plan", codec::to_json(in));
  };
  const ChannelGraph graph = two_paths(60'000);
  const auto split = [&](u64 first, u64 second) {
    return PaymentPlan{{built(graph, 0, {1, 2}, first), built(graph, 0, {3, 4}, second)}};
  };
  const auto plan = [&](const PaymentPlan& p, u64 amount, u32 payee = 3) {
    return CheckPaymentPlanInput{graph, p, 0, payee, amount, context};
  };
  add("two_parts_sum_exactly", "60000 and 40000 over two disjoint paths of capacity 60000 deliver 100000",
      {"CN-MPP-1", "CN-MPP-2", "CN-MPP-3", "CN-MPP-4", "CN-MPP-5", "CN-MPP-6"}, plan(split(60'000, 40'000), 100'000));
  add("invalid_sum_one_above", "the parts deliver 100000, the amount is 100001", {"CN-MPP-4"}, plan(split(60'000, 40'000), 100'001));
  add("invalid_sum_one_below", "the parts deliver 100000, the amount is 99999", {"CN-MPP-4"}, plan(split(60'000, 40'000), 99'999));
  add("invalid_empty", "a plan with no part", {"CN-MPP-1"}, plan(PaymentPlan{}, 0));
  add("one_part", "a plan of one part", {"CN-MPP-1", "CN-MPP-4"}, plan(PaymentPlan{{built(graph, 0, {1, 2}, 50'000)}}, 50'000));
  {
    const ChannelGraph wide = two_paths(1'000'000);
    PaymentPlan parts;
    for (int i = 0; i < 16; ++i) parts.parts.push_back(built(wide, 0, {1, 2}, 1000));
    add("sixteen_parts", "16 parts of 1000, max_payment_parts", {"CN-MPP-2"}, CheckPaymentPlanInput{wide, parts, 0, 3, 16'000, context});
    parts.parts.push_back(built(wide, 0, {3, 4}, 1000));
    add("invalid_seventeen_parts", "17 parts of 1000", {"CN-MPP-2"}, CheckPaymentPlanInput{wide, parts, 0, 3, 17'000, context});
  }
  {
    PaymentPlan p = split(60'000, 40'000);
    p.parts[1].hops[1].expiry -= 1;
    add("invalid_part_final_expiry", "the second part's last lock expires one block early: validate_route's error",
        {"CN-ROUTE-12"}, plan(p, 100'000));
    p = split(60'000, 40'000);
    p.parts[0] = built(graph, 0, {1}, 60'000);
    add("invalid_part_ends_midway", "the first part ends at node 1, not at the payee", {"CN-MPP-3"}, plan(p, 100'000));
    add("invalid_wrong_payee", "both parts end at node 3, the payee is node 1", {"CN-MPP-3"}, plan(split(60'000, 40'000), 100'000, 1));
    p = split(60'000, 40'000);
    p.parts[1] = built(graph, 2, {4}, 40'000);
    add("invalid_part_from_other_payer", "the second part starts at node 2", {"CN-MPP-3"}, plan(p, 100'000));
  }
  const auto both_first = [&](u64 a, u64 b) { return PaymentPlan{{built(graph, 0, {1, 2}, a), built(graph, 0, {1, 2}, b)}}; };
  add("two_parts_one_channel_at_capacity", "30000 and 30000 on the same path of capacity 60000", {"CN-MPP-5"},
      plan(both_first(30'000, 30'000), 60'000));
  add("invalid_two_parts_one_channel_over_capacity", "30000 and 30001 on the same path: each fits, together one over",
      {"CN-MPP-5"}, plan(both_first(30'000, 30'001), 60'001));
  {
    // Parts of 2^62 each, over 0 -> 1 -> 3 and 0 -> 2 -> 3 with fee_base 2^62 at nodes 1 and 2:
    // each sends 2^63.
    ChannelGraph huge{4, {edge(1, 0, 1), edge(2, 1, 3, u64{1} << 62), edge(3, 0, 2), edge(4, 2, 3, u64{1} << 62)}};
    for (ChannelEdge& e : huge.edges) e.capacity = e.htlc_maximum = u64_max;
    const u64 part = u64{1} << 62;
    const Route first = built(huge, 0, {1, 2}, part);
    add("sent_total_u64_max", "the parts send 2^63 and 2^63 - 1: together 2^64 - 1", {"CN-MPP-6"},
        CheckPaymentPlanInput{huge, PaymentPlan{{first, built(huge, 0, {3, 4}, part - 1)}}, 0, 3, 2 * part - 1, context});
    add("invalid_sent_total_above_u64", "the parts send 2^63 each: together 2^64", {"CN-MPP-6"},
        CheckPaymentPlanInput{huge, PaymentPlan{{first, built(huge, 0, {3, 4}, part)}}, 0, 3, 2 * part, context});
  }
  json parts_not_list = codec::to_json(plan(split(60'000, 40'000), 100'000));
  parts_not_list["plan"]["parts"] = json::object();
  cases.add("check_payment_plan", "malformed_parts_not_a_list", "plan.parts is an object", {"CN-MPP-1"}, "check_payment_plan",
            parts_not_list);
}

// ---- parse_payload ----

// BOLT 4's published hop payloads: onion-test.json's generate.hops[i].payload, each a bigsize
// length and then the TLV stream. From lightning/bolts, bolt04/onion-test.json at commit
// a3772650d8ebc06acf457fcadf97968ebfc4dfff, CC-BY 4.0, by the Lightning Network specification
// authors (tests/data/bolt04/SOURCE.md).
constexpr std::array<std::string_view, 5> bolt04_hop_payloads{
    "1202023a98040205dc06080000000000000001",
    "52020236b00402057806080000000000000002fd02013c0102030405060708090a0b0c0d0e0f0102030405060708090a0b0c0d0e0f010203040506"
    "0708090a0b0c0d0e0f0102030405060708090a0b0c0d0e0f",
    "12020230d4040204e206080000000000000003",
    "1202022710040203e806080000000000000004",
    "fd011002022710040203e8082224a33562c54507a9334e79f0dc4f17d407e6d7c61f0e2f3d0d38599502f617042710fd012de02a2a2a2a2a2a2a2a"
    "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a"
    "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a"
    "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a"
    "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a"
    "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a"
    "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a"};

// A payload of the BOLT 4 hop payload `framed`, without its bigsize length.
Bytes unframed(std::string_view framed) {
  const Bytes bytes = bytes_from_hex(framed);
  const auto length = onion::read_bigsize(bytes).value();
  return Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(length.second), bytes.end());
}

// A ptlc_tweak record (type 65538 = fe 00 01 00 02) of `size` bytes of 0x11.
Bytes tweak_record(std::size_t size) {
  Bytes out{0xfe, 0x00, 0x01, 0x00, 0x02, static_cast<u8>(size)};
  out.resize(out.size() + size, 0x11);
  return out;
}

void parse_payload_cases(Cases& cases) {
  const auto add = [&](const std::string& name, const std::string& description, std::vector<std::string> rules,
                       const Bytes& payload) {
    cases.add("parse_payload", name, description, std::move(rules), "parse_payload", codec::to_json(ParsePayloadInput{payload}));
  };
  const std::vector<std::string> all_tlv{"CN-TLV-1", "CN-TLV-2", "CN-TLV-3", "CN-TLV-4", "CN-TLV-5"};
  const std::array<std::string_view, 4> published{"15000 until 1500 on channel 1", "14000 until 1400 on channel 2, and an unknown odd record 513 of 60 bytes",
                                                  "12500 until 1250 on channel 3", "10000 until 1000 on channel 4"};
  for (std::size_t i = 0; i < 4; ++i)
    add("bolt04_hop_" + std::to_string(i), "BOLT 4's published hop payload " + std::to_string(i) + ": " + std::string(published[i]),
        all_tlv, unframed(bolt04_hop_payloads[i]));
  add("invalid_bolt04_hop_4_payment_data", "BOLT 4's published final hop payload: payment_data (type 8), an even type this bridge does not know",
      {"CN-TLV-5"}, unframed(bolt04_hop_payloads[4]));
  add("empty", "no record at all", all_tlv, Bytes{});

  // CN-TLV-1: complete, minimal bigsizes.
  add("type_253_in_three_bytes", "type 253 (fd 00 fd), the least that needs three bytes; odd, so skipped", {"CN-TLV-1", "CN-TLV-5"},
      Bytes{0xfd, 0x00, 0xfd, 0x00});
  add("type_65537_in_five_bytes", "type 65537 (fe 00 01 00 01); odd, so skipped", {"CN-TLV-1", "CN-TLV-5"},
      Bytes{0xfe, 0x00, 0x01, 0x00, 0x01, 0x00});
  add("type_2_pow_32_plus_1_in_nine_bytes", "type 2^32 + 1 (ff 00 00 00 01 00 00 00 01); odd, so skipped", {"CN-TLV-1", "CN-TLV-5"},
      Bytes{0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00});
  add("invalid_type_252_in_three_bytes", "fd 00 fc: 252 fits one byte", {"CN-TLV-1"}, Bytes{0xfd, 0x00, 0xfc, 0x00});
  add("invalid_type_2_in_three_bytes", "fd 00 02: type 2 not minimal", {"CN-TLV-1"}, Bytes{0xfd, 0x00, 0x02, 0x01, 0x05});
  add("invalid_type_65535_in_five_bytes", "fe 00 00 ff ff: 65535 fits three bytes", {"CN-TLV-1"}, Bytes{0xfe, 0x00, 0x00, 0xff, 0xff, 0x00});
  add("invalid_type_2_pow_32_minus_1_in_nine_bytes", "ff 00 00 00 00 ff ff ff ff: 2^32 - 1 fits five bytes", {"CN-TLV-1"},
      Bytes{0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00});
  add("invalid_length_in_three_bytes", "length 1 written fd 00 01", {"CN-TLV-1"}, Bytes{0x02, 0xfd, 0x00, 0x01, 0x05});
  add("invalid_type_runs_out", "fd 01: the type's bigsize is incomplete", {"CN-TLV-1"}, Bytes{0xfd, 0x01});
  add("invalid_no_length", "a type with no length", {"CN-TLV-1"}, Bytes{0x02});

  // CN-TLV-2: the length fits.
  add("length_exactly_bytes_left", "amt_to_forward of 2 bytes, exactly the bytes left", {"CN-TLV-2", "CN-TLV-4"}, Bytes{0x02, 0x02, 0x05, 0x06});
  add("invalid_length_one_past", "a length of 3 with 2 bytes left", {"CN-TLV-2"}, Bytes{0x02, 0x03, 0x05, 0x06});
  add("invalid_length_past_empty", "a length of 1 with none left", {"CN-TLV-2"}, Bytes{0x03, 0x01});
  add("invalid_truncated_before_unknown_even", "a truncated record of an unknown even type: truncated first", {"CN-TLV-2", "CN-TLV-5"},
      Bytes{0x08, 0x02, 0xaa});

  // CN-TLV-3: strictly increasing types.
  add("types_increasing", "amt_to_forward then outgoing_cltv_value", {"CN-TLV-3"}, Bytes{0x02, 0x01, 0x05, 0x04, 0x01, 0x05});
  add("invalid_types_decreasing", "outgoing_cltv_value then amt_to_forward", {"CN-TLV-3"}, Bytes{0x04, 0x01, 0x05, 0x02, 0x01, 0x05});
  add("invalid_type_repeated", "amt_to_forward twice", {"CN-TLV-3"}, Bytes{0x02, 0x01, 0x05, 0x02, 0x01, 0x05});
  add("invalid_unknown_odd_type_repeated", "an unknown odd type twice", {"CN-TLV-3"}, Bytes{0x03, 0x00, 0x03, 0x00});

  // CN-TLV-4: known values' encodings.
  add("amt_to_forward_zero_bytes", "a tu64 of no byte is 0", {"CN-TLV-4"}, Bytes{0x02, 0x00});
  add("invalid_amt_to_forward_leading_zero", "a tu64 of one zero byte", {"CN-TLV-4"}, Bytes{0x02, 0x01, 0x00});
  add("amt_to_forward_eight_bytes", "a tu64 of 8 bytes: 2^64 - 1", {"CN-TLV-4"},
      Bytes{0x02, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  add("invalid_amt_to_forward_nine_bytes", "a tu64 of 9 bytes", {"CN-TLV-4"}, Bytes{0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0});
  add("outgoing_cltv_value_four_bytes", "a tu32 of 4 bytes: 2^32 - 1", {"CN-TLV-4"}, Bytes{0x04, 0x04, 0xff, 0xff, 0xff, 0xff});
  add("invalid_outgoing_cltv_value_five_bytes", "a tu32 of 5 bytes", {"CN-TLV-4"}, Bytes{0x04, 0x05, 0x01, 0, 0, 0, 0});
  add("invalid_outgoing_cltv_value_leading_zero", "a tu32 00 01", {"CN-TLV-4"}, Bytes{0x04, 0x02, 0x00, 0x01});
  add("short_channel_id_eight_bytes", "short_channel_id 1 in 8 bytes, leading zeros allowed", {"CN-TLV-4"},
      Bytes{0x06, 0x08, 0, 0, 0, 0, 0, 0, 0, 1});
  add("invalid_short_channel_id_seven_bytes", "a short_channel_id of 7 bytes", {"CN-TLV-4"}, Bytes{0x06, 0x07, 0, 0, 0, 0, 0, 0, 1});
  add("invalid_short_channel_id_nine_bytes", "a short_channel_id of 9 bytes", {"CN-TLV-4"}, Bytes{0x06, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  add("ptlc_tweak_thirty_two_bytes", "a ptlc_tweak of 32 bytes", {"CN-TLV-4"}, tweak_record(32));
  add("invalid_ptlc_tweak_thirty_one_bytes", "a ptlc_tweak of 31 bytes", {"CN-TLV-4"}, tweak_record(31));
  add("invalid_ptlc_tweak_thirty_three_bytes", "a ptlc_tweak of 33 bytes", {"CN-TLV-4"}, tweak_record(33));
  {
    Bytes every{0x02, 0x03, 0x01, 0x86, 0xa0, 0x04, 0x03, 0x0c, 0x35, 0x00, 0x06, 0x08, 0, 0, 0, 0, 0, 0, 0, 2};
    append(every, tweak_record(32));
    add("every_known_record", "amt_to_forward 100000, outgoing_cltv_value 800000, short_channel_id 2 and a ptlc_tweak", all_tlv, every);
  }

  // CN-TLV-5: unknown even types are refused, odd ones skipped.
  add("unknown_odd_type_skipped", "type 7 of one byte", {"CN-TLV-5"}, Bytes{0x07, 0x01, 0xaa});
  add("invalid_unknown_even_type", "type 8 of one byte", {"CN-TLV-5"}, Bytes{0x08, 0x01, 0xaa});
  add("invalid_type_zero", "type 0, even and unknown", {"CN-TLV-5"}, Bytes{0x00, 0x00});
  add("invalid_unknown_even_type_65540", "type 65540 (fe 00 01 00 04)", {"CN-TLV-5"}, Bytes{0xfe, 0x00, 0x01, 0x00, 0x04, 0x00});

  cases.add("parse_payload", "malformed_odd_hex", "payload hex with an odd number of digits", {"CN-TLV-1"}, "parse_payload",
            json{{"payload", "021"}});
}

// ---- route_message ----

onion::PublicKey public_key(const Hash32& secret) {
  return onion::compress(secp::to_affine(secp::multiply(secp::from_be_bytes(secret), secp::generator)));
}

// The bridge's world of one case, every key from its seed. Four nodes in a line, 0 -> 1 -> 2 -> 3
// over channels 1, 2, 3 (one direction each), and channel 9 from 1 to 3 as a wrong turn; node 1
// charges 1000 + 1% with cltv_delta 40, node 2 500 + 0.2% with cltv_delta 50. Node i's key is
// secret_from_seed(seed, i) (i = 1, 2, 3), the payer's session key secret_from_seed(seed, 100),
// the HTLC preimage secret_from_seed(seed, 200) and the PTLC tweak y_j secret_from_seed(seed, 300 + j).
class BridgeWorld {
 public:
  explicit BridgeWorld(const Hash32& seed) {
    graph.node_count = 4;
    graph.edges = {
        ChannelEdge{1, 0, 1, 1'000'000, 0, 0, 40, 10, 1'000'000},
        ChannelEdge{2, 1, 2, 1'000'000, 1000, 10'000, 40, 10, 1'000'000},
        ChannelEdge{3, 2, 3, 1'000'000, 500, 2'000, 50, 10, 1'000'000},
        ChannelEdge{9, 1, 3, 1'000'000, 1000, 10'000, 40, 10, 1'000'000},
    };
    for (u32 i = 1; i < 4; ++i) {
      node_key[i] = ref::bip340::secret_from_seed(seed, i);
      node_id[i] = public_key(node_key[i]);
    }
    session_key = ref::bip340::secret_from_seed(seed, 100);
    payment_hash = cn::hash_lock(ref::sha256(ref::bip340::secret_from_seed(seed, 200)));
    for (u32 j = 0; j < 3; ++j) tweaks.push_back(ref::bip340::secret_from_seed(seed, 300 + j));
    // build_route: 100000 to node 3 until 800018; node 2 asks 500 + 200 and delta 50, node 1
    // 1000 + 1007 and delta 40: 102707 until 800108, 100700 until 800068, 100000 until 800018.
    payment = route::build_route(graph, 0, {1, 2, 3}, 100'000, RoutingContext{800'000, 10, 40, 18, 2016}).value();
  }

  // The payer's onion for the payment, or for route `r`, with `point_tweaks` for a point-lock payment.
  Packet packet(const LockCondition& condition, const std::vector<Hash32>& point_tweaks = {}) const {
    return packet_for(payment, condition, point_tweaks);
  }
  Packet packet_for(const Route& r, const LockCondition& condition, const std::vector<Hash32>& point_tweaks = {}) const {
    return bridge::payment_onion(session_key, r, {node_id[1], node_id[2], node_id[3]}, condition, point_tweaks).value().packet;
  }
  // An onion of explicit hops: node `first`'s payload, then optionally node 2's (a forward onward).
  Packet custom(u32 first, const Bytes& payload, const LockCondition& condition, bool with_next) const {
    std::vector<onion::Hop> hops{onion::Hop{node_id[first], payload}};
    if (with_next) hops.push_back(onion::Hop{node_id[2], Bytes{0x02, 0x01, 0x05, 0x04, 0x01, 0x05}});
    return onion::create_onion(session_key, hops, bridge::associated_data(condition)).value().packet;
  }

  // The input of node `node` receiving `lock` on `from_channel` and asked to forward on `to_channel`.
  RouteMessageInput message(u32 node, u64 from_channel, u64 to_channel, const bridge::IncomingLock& lock) const {
    return RouteMessageInput{graph, node, node_key[node], from_channel, to_channel, lock.amount, lock.condition, lock.expiry, lock.onion};
  }
  // The lock the payer offers node 1 on channel 1.
  bridge::IncomingLock first_lock(const LockCondition& condition, const Packet& onion_packet) const {
    return bridge::IncomingLock{payment.hops[0].amount, condition, payment.hops[0].expiry, onion_packet};
  }
  // What node `node` forwards of `lock` from `from_channel` to `to_channel`, as the next incoming lock.
  bridge::IncomingLock forwarded(u32 node, u64 from_channel, u64 to_channel, const bridge::IncomingLock& lock) const {
    const auto routed = bridge::route_message(graph, node, node_key[node], from_channel, to_channel, lock);
    const auto& forward = std::get<bridge::Forward>(routed.value());
    return bridge::IncomingLock{forward.amount, forward.condition, forward.expiry, forward.onion};
  }

  ChannelGraph graph;
  std::array<Hash32, 4> node_key{};
  std::array<onion::PublicKey, 4> node_id{};
  Hash32 session_key{};
  LockCondition payment_hash{};
  std::vector<Hash32> tweaks;
  Route payment;
};

// A payee's payload: amt_to_forward 100, outgoing_cltv_value 800000, and a ptlc_tweak if given.
Bytes final_payload(const std::optional<Hash32>& tweak = std::nullopt) {
  Bytes payload{0x02, 0x01, 0x64, 0x04, 0x03, 0x0c, 0x35, 0x00};
  if (tweak) {
    append(payload, Bytes{0xfe, 0x00, 0x01, 0x00, 0x02, 0x20});
    append(payload, *tweak);
  }
  return payload;
}

void route_message_cases(Cases& cases) {
  const std::string suite = "route_message";
  // Adds a case whose input `make` builds from the case's world.
  const auto add = [&](const std::string& name, const std::string& description, std::vector<std::string> rules, auto make) {
    CaseSpec& spec = cases.add(suite, name, description, std::move(rules), suite, nullptr);
    const BridgeWorld world(spec.seed);
    spec.steps[0].input = codec::to_json(make(world));
  };
  const std::vector<std::string> forwarding{"CN-FWD-11", "CN-FWD-1", "CN-FWD-2", "CN-FWD-3", "CN-FWD-4", "CN-FWD-5", "CN-FWD-6", "CN-FWD-7"};
  const std::vector<std::string> delivering{"CN-FWD-11", "CN-FWD-1", "CN-FWD-2", "CN-FWD-3", "CN-FWD-4", "CN-FWD-9", "CN-FWD-10"};

  // Whole payments, hop by hop.
  add("htlc_forward_at_first_intermediary", "node 1 receives 102707 until 800108 and forwards 100700 until 800068 on channel 2: its fee and delta exactly",
      forwarding, [](const BridgeWorld& w) { return w.message(1, 1, 2, w.first_lock(w.payment_hash, w.packet(w.payment_hash))); });
  add("htlc_forward_at_second_intermediary", "node 2 receives node 1's lock and forwards 100000 until 800018 on channel 3", forwarding,
      [](const BridgeWorld& w) {
        return w.message(2, 2, 3, w.forwarded(1, 1, 2, w.first_lock(w.payment_hash, w.packet(w.payment_hash))));
      });
  add("htlc_deliver_at_payee", "node 3 receives 100000 until 800018, as its payload asks", delivering, [](const BridgeWorld& w) {
    const bridge::IncomingLock second = w.forwarded(1, 1, 2, w.first_lock(w.payment_hash, w.packet(w.payment_hash)));
    return w.message(3, 3, 0, w.forwarded(2, 2, 3, second));
  });
  const auto ptlc_first = [](const BridgeWorld& w) {
    const LockCondition t0 = cn::point_locks(w.tweaks).value().conditions[0];
    return w.first_lock(t0, w.packet(t0, w.tweaks));
  };
  std::vector<std::string> ptlc_forwarding = forwarding;
  ptlc_forwarding.push_back("CN-FWD-8");
  std::vector<std::string> ptlc_delivering = delivering;
  ptlc_delivering.push_back("CN-FWD-8");
  add("ptlc_forward_at_first_intermediary", "node 1 receives T_0 and forwards T_0 - y_0 G = T_1", ptlc_forwarding,
      [&](const BridgeWorld& w) { return w.message(1, 1, 2, ptlc_first(w)); });
  add("ptlc_forward_at_second_intermediary", "node 2 receives T_1 and forwards T_2", ptlc_forwarding,
      [&](const BridgeWorld& w) { return w.message(2, 2, 3, w.forwarded(1, 1, 2, ptlc_first(w))); });
  add("ptlc_deliver_at_payee", "node 3 receives T_2 = y_2 G and learns the secret y_2", ptlc_delivering, [&](const BridgeWorld& w) {
    return w.message(3, 3, 0, w.forwarded(2, 2, 3, w.forwarded(1, 1, 2, ptlc_first(w))));
  });

  // CN-FWD-1: the incoming channel.
  add("invalid_from_channel_leaves_node", "channel 2 leaves node 1; it does not arrive there", {"CN-FWD-1"}, [](const BridgeWorld& w) {
    return w.message(1, 2, 2, w.first_lock(w.payment_hash, w.packet(w.payment_hash)));
  });
  add("invalid_from_channel_unknown", "channel 7 is not in the graph", {"CN-FWD-1"}, [](const BridgeWorld& w) {
    return w.message(1, 7, 2, w.first_lock(w.payment_hash, w.packet(w.payment_hash)));
  });

  // CN-FWD-2: the onion peels.
  add("invalid_onion_other_node_key", "node 1 peels with node 2's key", {"CN-FWD-2"}, [](const BridgeWorld& w) {
    RouteMessageInput in = w.message(1, 1, 2, w.first_lock(w.payment_hash, w.packet(w.payment_hash)));
    in.node_key = w.node_key[2];
    return in;
  });
  add("invalid_onion_other_payment_hash", "the lock's payment hash is not the onion's associated data", {"CN-FWD-2"},
      [](const BridgeWorld& w) {
        RouteMessageInput in = w.message(1, 1, 2, w.first_lock(w.payment_hash, w.packet(w.payment_hash)));
        in.condition = cn::hash_lock(ref::sha256(Bytes{9}));
        return in;
      });
  add("invalid_onion_tampered", "one bit of hop_payloads flipped", {"CN-FWD-2"}, [](const BridgeWorld& w) {
    RouteMessageInput in = w.message(1, 1, 2, w.first_lock(w.payment_hash, w.packet(w.payment_hash)));
    in.onion[100] ^= 1;
    return in;
  });
  add("invalid_payload_types_out_of_order", "the peeled payload lists outgoing_cltv_value before amt_to_forward", {"CN-FWD-2", "CN-TLV-3"},
      [](const BridgeWorld& w) {
        return w.message(1, 1, 2, w.first_lock(w.payment_hash, w.custom(1, Bytes{0x04, 0x01, 0x05, 0x02, 0x01, 0x05}, w.payment_hash, true)));
      });

  // CN-FWD-3: complete instructions. amt 100 (02 01 64), cltv 800000 (04 03 0c3500), scid 2.
  const Bytes amt{0x02, 0x01, 0x64};
  const Bytes cltv{0x04, 0x03, 0x0c, 0x35, 0x00};
  const Bytes scid{0x06, 0x08, 0, 0, 0, 0, 0, 0, 0, 2};
  const auto concat = [](std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& part : parts) append(out, part);
    return out;
  };
  const auto instructions = [&](const std::string& name, const std::string& description, std::vector<std::string> rules,
                                const Bytes& payload, bool with_next) {
    add(name, description, std::move(rules), [&](const BridgeWorld& w) {
      return w.message(1, 1, 2, w.first_lock(w.payment_hash, w.custom(1, payload, w.payment_hash, with_next)));
    });
  };
  instructions("instructions_complete", "amt_to_forward, outgoing_cltv_value and short_channel_id, with an onion onward",
               {"CN-FWD-3"}, concat({amt, cltv, scid}), true);
  instructions("invalid_missing_amt_to_forward", "no amt_to_forward", {"CN-FWD-3"}, concat({cltv, scid}), true);
  instructions("invalid_missing_outgoing_cltv_value", "no outgoing_cltv_value", {"CN-FWD-3"}, concat({amt, scid}), true);
  instructions("invalid_missing_short_channel_id", "no short_channel_id, with an onion onward", {"CN-FWD-3"}, concat({amt, cltv}), true);
  instructions("payee_needs_no_channel", "no short_channel_id and no onion onward: node 1 is the payee", {"CN-FWD-3", "CN-FWD-9", "CN-FWD-10"},
               concat({amt, cltv}), false);

  // CN-FWD-4: a tweak exactly with a point lock.
  add("invalid_point_lock_without_tweak", "a point lock whose onion carries no ptlc_tweak", {"CN-FWD-4"}, [](const BridgeWorld& w) {
    const LockCondition t0 = cn::point_locks(w.tweaks).value().conditions[0];
    return w.message(1, 1, 2, w.first_lock(t0, w.packet(t0)));
  });
  add("invalid_hash_lock_with_tweak", "a hash lock whose onion carries a ptlc_tweak", {"CN-FWD-4"}, [](const BridgeWorld& w) {
    return w.message(1, 1, 2, w.first_lock(w.payment_hash, w.packet(w.payment_hash, w.tweaks)));
  });
  add("ptlc_tweak_n_minus_one", "y_0 = n - 1, the largest scalar", {"CN-FWD-4", "CN-FWD-8"}, [](const BridgeWorld& w) {
    std::vector<Hash32> at_order = w.tweaks;
    at_order[0] = secp::to_be_bytes(secp::scalar_negate(secp::u256_from_u64(1)));
    const LockCondition t0 = cn::point_locks(at_order).value().conditions[0];
    return w.message(1, 1, 2, w.first_lock(t0, w.packet(t0, at_order)));
  });
  add("invalid_ptlc_tweak_equals_n", "y_0 = n is no scalar", {"CN-FWD-4"}, [](const BridgeWorld& w) {
    std::vector<Hash32> at_order = w.tweaks;
    at_order[0] = secp::to_be_bytes(secp::scalar_negate(secp::u256_from_u64(1)));
    const LockCondition t0 = cn::point_locks(at_order).value().conditions[0];
    at_order[0] = secp::to_be_bytes(secp::group_order);
    return w.message(1, 1, 2, w.first_lock(t0, w.packet(t0, at_order)));
  });

  // CN-FWD-5: the named channel is the outgoing one and leaves this node.
  add("invalid_to_channel_not_named", "asked to forward on channel 9; the onion names channel 2", {"CN-FWD-5"}, [](const BridgeWorld& w) {
    return w.message(1, 1, 9, w.first_lock(w.payment_hash, w.packet(w.payment_hash)));
  });
  add("invalid_onion_names_channel_of_other_node", "the onion names channel 3, which leaves node 2, and node 1 is asked to use it",
      {"CN-FWD-5"}, [](const BridgeWorld& w) {
        Route wrong = w.payment;
        wrong.hops[1].short_channel_id = 3;
        return w.message(1, 1, 3, w.first_lock(w.payment_hash, w.packet_for(wrong, w.payment_hash)));
      });

  // CN-FWD-6, 7: the fee and the delta, at the first intermediary (fee 1000 + 1007, delta 40).
  const auto first_hop = [&](const std::string& name, const std::string& description, std::vector<std::string> rules,
                             std::int64_t amount_change, std::int64_t expiry_change) {
    add(name, description, std::move(rules), [&](const BridgeWorld& w) {
      bridge::IncomingLock lock = w.first_lock(w.payment_hash, w.packet(w.payment_hash));
      lock.amount = static_cast<u64>(static_cast<std::int64_t>(lock.amount) + amount_change);
      lock.expiry = static_cast<u64>(static_cast<std::int64_t>(lock.expiry) + expiry_change);
      return w.message(1, 1, 2, lock);
    });
  };
  first_hop("fee_one_above", "node 1 receives 102708, one more than 100700 + its fee 2007", {"CN-FWD-6"}, 1, 0);
  first_hop("invalid_fee_one_short", "node 1 receives 102706, one short of 100700 + 2007", {"CN-FWD-6"}, -1, 0);
  first_hop("cltv_one_above", "node 1's lock expires at 800109, one more than 800068 + 40", {"CN-FWD-7"}, 0, 1);
  first_hop("invalid_cltv_one_short", "node 1's lock expires at 800107, one short of 800068 + 40", {"CN-FWD-7"}, 0, -1);
  first_hop("invalid_fee_before_cltv", "both one short: the fee is checked first", {"CN-FWD-6", "CN-FWD-7"}, -1, -1);

  // CN-FWD-8: the point matches the tweak.
  const auto deliver_point = [&](const std::string& name, const std::string& description, std::vector<std::string> rules,
                                 auto condition_of, auto tweak_of) {
    add(name, description, std::move(rules), [&](const BridgeWorld& w) {
      const cn::PointLocks locks = cn::point_locks(w.tweaks).value();
      const LockCondition condition = condition_of(locks);
      const Hash32 tweak = tweak_of(w);
      const Packet p = onion::create_onion(w.session_key, {onion::Hop{w.node_id[3], final_payload(tweak)}}, Bytes{}).value().packet;
      return w.message(3, 3, 0, bridge::IncomingLock{100, condition, 800'000, p});
    });
  };
  deliver_point("ptlc_deliver_point_matches", "the payee is offered y_2 G with y_2 in its payload", ptlc_delivering,
                [](const cn::PointLocks& locks) { return locks.conditions[2]; }, [](const BridgeWorld& w) { return w.tweaks[2]; });
  deliver_point("invalid_ptlc_deliver_other_point", "the payee is offered T_1 with y_2 in its payload", {"CN-FWD-8"},
                [](const cn::PointLocks& locks) { return locks.conditions[1]; }, [](const BridgeWorld& w) { return w.tweaks[2]; });
  deliver_point("invalid_ptlc_deliver_tweak_zero", "the payee's tweak is 0, which has no point", {"CN-FWD-8"},
                [](const cn::PointLocks& locks) { return locks.conditions[2]; }, [](const BridgeWorld&) { return Hash32{}; });
  add("invalid_ptlc_forward_point_at_infinity", "node 1 is offered y_0 G itself: T_in - y_0 G is the point at infinity", {"CN-FWD-8"},
      [](const BridgeWorld& w) {
        const LockCondition only_y = cn::point_lock(w.tweaks[0]).value();
        return w.message(1, 1, 2, w.first_lock(only_y, w.packet(only_y, w.tweaks)));
      });

  // CN-FWD-9, 10: the payee's amount and expiry (its payload: 100 until 800000).
  const auto deliver = [&](const std::string& name, const std::string& description, std::vector<std::string> rules, u64 amount,
                           u64 expiry) {
    add(name, description, std::move(rules), [&](const BridgeWorld& w) {
      const Packet p = onion::create_onion(w.session_key, {onion::Hop{w.node_id[3], final_payload()}},
                                           bridge::associated_data(w.payment_hash))
                           .value()
                           .packet;
      return w.message(3, 3, 0, bridge::IncomingLock{amount, w.payment_hash, expiry, p});
    });
  };
  deliver("deliver_exactly", "the payee is offered exactly 100 until 800000", {"CN-FWD-9", "CN-FWD-10"}, 100, 800'000);
  deliver("deliver_one_above", "the payee is offered 101 until 800001", {"CN-FWD-9", "CN-FWD-10"}, 101, 800'001);
  deliver("invalid_deliver_amount_one_short", "the payee is offered 99", {"CN-FWD-9"}, 99, 800'000);
  deliver("invalid_deliver_expiry_one_short", "the payee's lock expires at 799999", {"CN-FWD-10"}, 100, 799'999);
  deliver("invalid_deliver_amount_before_expiry", "both one short: the amount is checked first", {"CN-FWD-9", "CN-FWD-10"}, 99, 799'999);

  // Inputs that do not decode.
  {
    CaseSpec& spec = cases.add(suite, "malformed_onion_one_byte_short", "an onion of 1365 bytes", {"CN-FWD-2"}, suite, nullptr);
    const BridgeWorld w(spec.seed);
    json input = codec::to_json(w.message(1, 1, 2, w.first_lock(w.payment_hash, w.packet(w.payment_hash))));
    input["onion"] = input["onion"].get<std::string>().substr(2);
    spec.steps[0].input = input;
  }
  {
    CaseSpec& spec = cases.add(suite, "invalid_condition_prefix_05", "a condition starting 05: neither a hash lock nor a point",
                               {"CN-FWD-11"}, suite, nullptr);
    const BridgeWorld w(spec.seed);
    LockCondition condition = w.payment_hash;
    condition[0] = 0x05;
    spec.steps[0].input = codec::to_json(w.message(1, 1, 2, w.first_lock(condition, w.packet(condition))));
  }
  {
    CaseSpec& spec = cases.add(suite, "invalid_condition_x_not_below_p", "a point condition 02 || ff..ff: x is not below p",
                               {"CN-FWD-11"}, suite, nullptr);
    const BridgeWorld w(spec.seed);
    LockCondition condition{};
    condition.fill(0xff);
    condition[0] = 0x02;
    spec.steps[0].input = codec::to_json(w.message(1, 1, 2, w.first_lock(condition, w.packet(condition, w.tweaks))));
  }
}

// ---- Attacks (channel_network.md#attacks-considered) ----

void adversarial_cases(Cases& cases) {
  const std::string suite = "adversarial";
  cases.add(suite, "invalid_cyclic_route", "0 -> 1 -> 2 -> 1: hop 2 returns to node 1, hops 0 and 1 pass every rule",
            {"CN-ROUTE-5"}, "validate_route",
            codec::to_json(ValidateRouteInput{
                line(), Route{{RouteHop{1, 0, 1, 102'020, 1098}, RouteHop{2, 1, 2, 101'010, 1058}, RouteHop{2, 2, 1, 100'000, 1018}}},
                context}));
  cases.adversarial("a cyclic route", "payer");
  cases.add(suite, "invalid_cyclic_route_built", "build_route over channels 1, 2, 2", {"CN-ROUTE-5"}, "build_route",
            codec::to_json(BuildRouteInput{line(), 0, {1, 2, 2}, 100'000, context}));
  cases.adversarial("a cyclic route", "payer");

  // 9 delivered, dust_limit 10: the forwarders' locks (2009 and 1009) pass, the last does not.
  cases.add(suite, "invalid_dust_last_hop", "the last hop locks 9, below dust_limit 10, behind forwarders paid their fees",
            {"CN-ROUTE-6"}, "validate_route",
            codec::to_json(ValidateRouteInput{
                line(), Route{{RouteHop{1, 0, 1, 2009, 1098}, RouteHop{2, 1, 2, 1009, 1058}, RouteHop{3, 2, 3, 9, 1018}}}, context}));
  cases.adversarial("dust", "sender");
  cases.add(suite, "invalid_dust_built", "build_route delivering 9, dust_limit 10", {"CN-ROUTE-6"}, "build_route",
            codec::to_json(BuildRouteInput{line(), 0, {1, 2, 3}, 9, context}));
  cases.adversarial("dust", "sender");

  ChannelGraph exhausted = line();
  exhausted.edges[2].capacity = 101'009;  // channel 2 from node 1: one short of hop 1's 101010
  cases.add(suite, "invalid_capacity_exhausted_midway", "channel 2 from node 1 holds 101009 of the 101010 hop 1 locks: the whole route is refused",
            {"CN-ROUTE-9"}, "validate_route", codec::to_json(ValidateRouteInput{exhausted, base(), context}));
  cases.adversarial("capacity exhausted midway", "payer");
  cases.add(suite, "invalid_capacity_exhausted_midway_built", "build_route over the exhausted channel", {"CN-ROUTE-9"}, "build_route",
            codec::to_json(BuildRouteInput{exhausted, 0, {1, 2, 3}, 100'000, context}));
  cases.adversarial("capacity exhausted midway", "payer");
  cases.add(suite, "invalid_capacity_exhausted_midway_no_route", "find_route has no other way around the exhausted channel",
            {"CN-FIND-3", "CN-ROUTE-9"}, "find_route", codec::to_json(FindRouteInput{exhausted, 0, 3, 100'000, context, 0}));
  cases.adversarial("capacity exhausted midway", "payer");

  // The payer's onion asks node 2 to forward 100000 for 100699, one short of 100000 + its fee 700;
  // node 1 still gets its own fee on 100699 (1000 + 1006 within 102707).
  const auto short_fee_lock = [](const BridgeWorld& w) {
    Route short_route = w.payment;
    short_route.hops[1].amount = 100'699;
    return w.first_lock(w.payment_hash, w.packet_for(short_route, w.payment_hash));
  };
  {
    CaseSpec& spec = cases.add(suite, "onion_fee_short_downstream_first_intermediary_paid",
                               "node 1 forwards 100699 on an onion whose fee is short at node 2: node 1 itself is paid",
                               {"CN-FWD-6"}, "route_message", nullptr);
    cases.adversarial("an onion whose fee is short at one intermediary", "payer");
    const BridgeWorld w(spec.seed);
    spec.steps[0].input = codec::to_json(w.message(1, 1, 2, short_fee_lock(w)));
  }
  {
    CaseSpec& spec = cases.add(suite, "invalid_onion_fee_short_at_second_intermediary",
                               "node 2 is asked to forward 100000 for 100699, one short of its fee 700", {"CN-FWD-6"},
                               "route_message", nullptr);
    cases.adversarial("an onion whose fee is short at one intermediary", "payer");
    const BridgeWorld w(spec.seed);
    spec.steps[0].input = codec::to_json(w.message(2, 2, 3, w.forwarded(1, 1, 2, short_fee_lock(w))));
  }
}

}  // namespace

std::vector<CaseSpec> routing_cases(Profile profile) {
  Cases cases;
  validate_route_cases(cases);
  build_route_cases(cases);
  find_route_cases(cases, profile);
  check_payment_plan_cases(cases);
  parse_payload_cases(cases);
  route_message_cases(cases);
  adversarial_cases(cases);
  return cases.take();
}

}  // namespace l2::vectors::channel_network_vectors
