// Routes of a multi-hop payment over a channel graph: the graph's rules, the check of a route hop by
// hop (amounts, forwarding fees, timelocks and their bounds), the construction of the route that
// delivers an amount over a list of channels, and the reference pathfinder, Dijkstra's algorithm
// run backwards from the payee as LND and CLN run it. Written to be read: the search's priority
// queue is a linear scan over the labels. An optimized router must return the same routes, tie for
// tie, so the search follows the spec's steps literally.
// spec: channel_network.md#routes
// spec: channel_network.md#routing
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"

namespace l2 {

// Stable error codes of routes and routing (channel_network.md#routes, #routing).
#define L2_ROUTE_ERRORS(X) \
  X(graph_node, "CN-GRAPH-1", "an edge's from or to is not below node_count") \
  X(graph_self_loop, "CN-GRAPH-2", "an edge's from equals its to") \
  X(graph_duplicate_edge, "CN-GRAPH-3", "an earlier edge has the same (short_channel_id, from)") \
  X(graph_cltv_delta, "CN-GRAPH-4", "an edge's cltv_delta is below min_cltv_delta") \
  X(route_empty, "CN-ROUTE-1", "the route has no hop") \
  X(route_too_long, "CN-ROUTE-2", "the route has more than max_route_hops (20) hops") \
  X(route_unknown_channel, "CN-ROUTE-3", "no edge has the hop's (short_channel_id, from) and its to") \
  X(route_disconnected, "CN-ROUTE-4", "a hop's from is not the previous hop's to") \
  X(route_cycle, "CN-ROUTE-5", "a hop's to is the payer or an earlier hop's to") \
  X(route_dust, "CN-ROUTE-6", "a hop's amount is below dust_limit") \
  X(route_below_minimum, "CN-ROUTE-7", "a hop's amount is below its edge's htlc_minimum") \
  X(route_above_maximum, "CN-ROUTE-8", "a hop's amount is above its edge's htlc_maximum") \
  X(route_capacity, "CN-ROUTE-9", "a hop's amount is above its edge's capacity") \
  X(route_fee, "CN-ROUTE-10", "a forwarder receives less than it forwards plus its fee") \
  X(route_cltv, "CN-ROUTE-11", "a forwarder's incoming expiry is below its outgoing expiry plus cltv_delta") \
  X(route_final_expiry, "CN-ROUTE-12", "the last hop expires before height + final_cltv_delta") \
  X(route_expiry_too_far, "CN-ROUTE-13", "the first hop expires after height + max_expiry_blocks") \
  X(find_unknown_node, "CN-FIND-1", "the payer or the payee is not below node_count") \
  X(find_self_payment, "CN-FIND-2", "the payer is the payee") \
  X(find_no_route, "CN-FIND-3", "the search ran out of labelled nodes before it reached the payer") \
  X(mpp_empty, "CN-MPP-1", "the payment plan has no part") \
  X(mpp_too_many_parts, "CN-MPP-2", "the payment plan has more than max_payment_parts parts") \
  X(mpp_endpoints, "CN-MPP-3", "a part does not run from the payer to the payee") \
  X(mpp_sum, "CN-MPP-4", "the parts' delivered amounts do not sum to the amount") \
  X(mpp_capacity, "CN-MPP-5", "the parts together lock more than an edge's capacity") \
  X(mpp_total, "CN-MPP-6", "the parts' sent amounts sum above 2^64 - 1")
L2_ERROR_ENUM(RouteError, "CN_", L2_ROUTE_ERRORS)

inline constexpr auto all_route_errors = all_errors(RouteError{});

namespace ref::channel_network::route {

__extension__ using u128 = unsigned __int128;

// BOLT 7's practical limit on a route's length.
inline constexpr std::size_t max_route_hops = 20;
// fee_ppm is in millionths of the amount; risk_factor in billionths of amount · blocks.
inline constexpr u64 fee_ppm_denominator = 1'000'000;
inline constexpr u64 risk_denominator = 1'000'000'000;

// ---------------------------------------------------------------------------------------------
// Types. spec: channel_network.md#routes

// One direction of a channel, priced and bounded by its `from` node.
struct ChannelEdge {
  BOOST_HANA_DEFINE_STRUCT(ChannelEdge, (u64, short_channel_id), (u32, from), (u32, to), (u64, capacity),
                           (u64, fee_base), (u64, fee_ppm), (u64, cltv_delta), (u64, htlc_minimum),
                           (u64, htlc_maximum));
};

// Nodes are 0 .. node_count - 1; a channel's two directions are two edges sharing its short_channel_id.
struct ChannelGraph {
  BOOST_HANA_DEFINE_STRUCT(ChannelGraph, (u32, node_count), (std::vector<ChannelEdge>, edges));
};

struct RoutingContext {
  BOOST_HANA_DEFINE_STRUCT(RoutingContext, (u64, height), (u64, dust_limit), (u64, min_cltv_delta),
                           (u32, final_cltv_delta), (u32, max_expiry_blocks));
};

// The lock on one channel of the route: `amount` until height `expiry`.
struct RouteHop {
  BOOST_HANA_DEFINE_STRUCT(RouteHop, (u64, short_channel_id), (u32, from), (u32, to), (u64, amount), (u64, expiry));
};

// The payer's channel first, the payee's last.
struct Route {
  BOOST_HANA_DEFINE_STRUCT(Route, (std::vector<RouteHop>, hops));
};

// What validate_route reports of an accepted route.
struct RouteSummary {
  BOOST_HANA_DEFINE_STRUCT(RouteSummary, (u32, payer), (u32, payee), (u64, amount_sent), (u64, amount_received),
                           (u64, fee));
};

// ---------------------------------------------------------------------------------------------
// Fees and timelocks. spec: channel_network.md#routes

// fee(e, a) = e.fee_base + floor(a · e.fee_ppm / 10^6), exact: the product is taken in 128 bits and
// so is the result, which cannot overflow there (it is below 2^64 + 2^128 / 10^6 < 2^109). A fee
// above 2^64 - 1 is returned as it is; every rule that uses it compares it, in 128 bits, with u64
// amounts, so such a fee makes the rule fail.
constexpr u128 fee(const ChannelEdge& edge, u64 amount) {
  return u128{edge.fee_base} + u128{amount} * edge.fee_ppm / fee_ppm_denominator;
}

// The index of the first edge with this (short_channel_id, from), or nullopt. After check_graph
// there is at most one (CN-GRAPH-3).
constexpr std::optional<std::size_t> find_edge(const ChannelGraph& graph, u64 short_channel_id, u32 from) {
  for (std::size_t i = 0; i < graph.edges.size(); ++i)
    if (graph.edges[i].short_channel_id == short_channel_id && graph.edges[i].from == from) return i;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// The graph. spec: channel_network.md#routes

// Which edges repeat the (short_channel_id, from) of an earlier edge: the edges' keys sorted
// with their indices, so that every edge of a run of equal keys but the first in graph order is a
// repeat. O(E log E), so that a Lightning-size graph (about 160,000 directed edges) is checked in
// well under a second.
// (std::vector<u8> built by push_back: clang 14 cannot evaluate std::vector<bool> or a sized
// constructor in a constant expression.)
constexpr std::vector<u8> repeated_keys(const ChannelGraph& graph) {
  struct Key {
    u64 short_channel_id;
    u32 from;
    std::size_t index;
  };
  std::vector<Key> keys;
  keys.reserve(graph.edges.size());
  for (std::size_t i = 0; i < graph.edges.size(); ++i)
    keys.push_back(Key{graph.edges[i].short_channel_id, graph.edges[i].from, i});
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.short_channel_id != b.short_channel_id) return a.short_channel_id < b.short_channel_id;
    if (a.from != b.from) return a.from < b.from;
    return a.index < b.index;
  });
  std::vector<u8> repeated;
  for (std::size_t i = 0; i < graph.edges.size(); ++i) repeated.push_back(0);
  for (std::size_t k = 1; k < keys.size(); ++k)
    if (keys[k].short_channel_id == keys[k - 1].short_channel_id && keys[k].from == keys[k - 1].from)
      repeated[keys[k].index] = 1;
  return repeated;
}

// Edge by edge, in graph order; each edge's rules in the order CN-GRAPH-1, 2, 3, 4.
constexpr RouteError check_graph(const ChannelGraph& graph, const RoutingContext& ctx) {
  const std::vector<u8> repeated = repeated_keys(graph);
  for (std::size_t i = 0; i < graph.edges.size(); ++i) {
    const ChannelEdge& edge = graph.edges[i];
    // Verify: edge.from < node_count and edge.to < node_count [CN-GRAPH-1]
    if (edge.from >= graph.node_count || edge.to >= graph.node_count) return RouteError::graph_node;
    // Verify: edge.from != edge.to [CN-GRAPH-2]
    if (edge.from == edge.to) return RouteError::graph_self_loop;
    // Verify: no earlier edge has this edge's (short_channel_id, from) [CN-GRAPH-3]
    if (repeated[i] != 0) return RouteError::graph_duplicate_edge;
    // Verify: edge.cltv_delta >= ctx.min_cltv_delta [CN-GRAPH-4]
    if (edge.cltv_delta < ctx.min_cltv_delta) return RouteError::graph_cltv_delta;
  }
  return RouteError::none;
}

// ---------------------------------------------------------------------------------------------
// Checking a route. spec: channel_network.md#routes

// Whether hops[i].to is the `to` of a hop before it.
constexpr bool revisits(const std::vector<RouteHop>& hops, std::size_t i) {
  for (std::size_t j = 0; j < i; ++j)
    if (hops[j].to == hops[i].to) return true;
  return false;
}

// The graph, then CN-ROUTE-1 and 2, then each hop in order (CN-ROUTE-3 to 11), then CN-ROUTE-12
// and 13. Every sum is exact (128 bits).
constexpr Result<RouteSummary, RouteError> validate_route(const ChannelGraph& graph, const Route& route,
                                                          const RoutingContext& ctx) {
  if (const RouteError e = check_graph(graph, ctx); e != RouteError::none) return e;
  const std::vector<RouteHop>& hops = route.hops;
  // Verify: the route has at least one hop [CN-ROUTE-1]
  if (hops.empty()) return RouteError::route_empty;
  // Verify: the route has at most max_route_hops hops [CN-ROUTE-2]
  if (hops.size() > max_route_hops) return RouteError::route_too_long;
  const u32 payer = hops[0].from;
  for (std::size_t i = 0; i < hops.size(); ++i) {
    const RouteHop& hop = hops[i];
    const std::optional<std::size_t> index = find_edge(graph, hop.short_channel_id, hop.from);
    // Verify: an edge has the hop's (short_channel_id, from), and its to is the hop's to [CN-ROUTE-3]
    if (!index || graph.edges[*index].to != hop.to) return RouteError::route_unknown_channel;
    const ChannelEdge& edge = graph.edges[*index];
    // Verify: for i >= 1, hops[i].from == hops[i - 1].to [CN-ROUTE-4]
    if (i >= 1 && hop.from != hops[i - 1].to) return RouteError::route_disconnected;
    // Verify: hops[i].to is neither the payer nor an earlier hop's to [CN-ROUTE-5]
    if (hop.to == payer || revisits(hops, i)) return RouteError::route_cycle;
    // Verify: amount >= ctx.dust_limit [CN-ROUTE-6]
    if (hop.amount < ctx.dust_limit) return RouteError::route_dust;
    // Verify: amount >= edge.htlc_minimum [CN-ROUTE-7]
    if (hop.amount < edge.htlc_minimum) return RouteError::route_below_minimum;
    // Verify: amount <= edge.htlc_maximum [CN-ROUTE-8]
    if (hop.amount > edge.htlc_maximum) return RouteError::route_above_maximum;
    // Verify: amount <= edge.capacity [CN-ROUTE-9]
    if (hop.amount > edge.capacity) return RouteError::route_capacity;
    // Verify: for i >= 1, hops[i - 1].amount >= hops[i].amount + fee(edge, hops[i].amount) [CN-ROUTE-10]
    if (i >= 1 && u128{hops[i - 1].amount} < u128{hop.amount} + fee(edge, hop.amount)) return RouteError::route_fee;
    // Verify: for i >= 1, hops[i - 1].expiry >= hops[i].expiry + edge.cltv_delta [CN-ROUTE-11]
    if (i >= 1 && u128{hops[i - 1].expiry} < u128{hop.expiry} + edge.cltv_delta) return RouteError::route_cltv;
  }
  // Verify: the last hop's expiry >= ctx.height + ctx.final_cltv_delta [CN-ROUTE-12]
  if (u128{hops.back().expiry} < u128{ctx.height} + ctx.final_cltv_delta) return RouteError::route_final_expiry;
  // Verify: hops[0].expiry <= ctx.height + ctx.max_expiry_blocks [CN-ROUTE-13]
  if (u128{hops[0].expiry} > u128{ctx.height} + ctx.max_expiry_blocks) return RouteError::route_expiry_too_far;
  // CN-ROUTE-10 makes the amounts non-increasing along the route: the fee is not negative.
  return RouteSummary{payer, hops.back().to, hops[0].amount, hops.back().amount, hops[0].amount - hops.back().amount};
}

// ---------------------------------------------------------------------------------------------
// Building a route. spec: channel_network.md#routes

// The graph; then the channels' edges, forwards from the payer; then the locks, backwards from
// the payee; then validate_route.
constexpr Result<Route, RouteError> build_route(const ChannelGraph& graph, u32 payer, const std::vector<u64>& channels,
                                                u64 amount, const RoutingContext& ctx) {
  if (const RouteError e = check_graph(graph, ctx); e != RouteError::none) return e;
  // Forwards: hop i's edge e_i leaves the node the route has reached, the payer for hop 0.
  std::vector<std::size_t> edges;
  Route route;
  u32 at = payer;
  for (const u64 channel : channels) {
    const std::optional<std::size_t> index = find_edge(graph, channel, at);
    // Verify: the channel has an edge from the node the route has reached [CN-ROUTE-3]
    if (!index) return RouteError::route_unknown_channel;
    const ChannelEdge& edge = graph.edges[*index];
    edges.push_back(*index);
    route.hops.push_back(RouteHop{edge.short_channel_id, edge.from, edge.to, 0, 0});  // its lock comes next
    at = edge.to;
  }
  // Backwards: the last hop locks `amount` until height + final_cltv_delta; hops[i - 1] locks
  // hops[i].amount + fee(e_i, hops[i].amount) until hops[i].expiry + e_i.cltv_delta.
  std::vector<RouteHop>& hops = route.hops;
  if (!hops.empty()) {
    const Checked final_expiry = checked_add(ctx.height, ctx.final_cltv_delta);
    // Verify: ctx.height + ctx.final_cltv_delta <= UINT64_MAX [CN-ROUTE-12]
    if (final_expiry.overflow) return RouteError::route_final_expiry;
    hops.back().amount = amount;
    hops.back().expiry = final_expiry.value;
    for (std::size_t i = hops.size() - 1; i >= 1; --i) {
      const ChannelEdge& forwarded = graph.edges[edges[i]];  // e_i, priced by hops[i].from
      const u128 locked = u128{hops[i].amount} + fee(forwarded, hops[i].amount);
      // Verify: hops[i].amount + fee(e_i, hops[i].amount) <= UINT64_MAX [CN-ROUTE-10]
      if (locked > u64_max) return RouteError::route_fee;
      const Checked expiry = checked_add(hops[i].expiry, forwarded.cltv_delta);
      // Verify: hops[i].expiry + e_i.cltv_delta <= UINT64_MAX [CN-ROUTE-11]
      if (expiry.overflow) return RouteError::route_cltv;
      hops[i - 1].amount = static_cast<u64>(locked);
      hops[i - 1].expiry = expiry.value;
    }
  }
  const Result<RouteSummary, RouteError> checked = validate_route(graph, route, ctx);
  if (!checked) return checked.error();
  return route;
}

// What the payer pays beyond what the payee receives on the built route: hops[0].amount -
// hops[k - 1].amount.
constexpr Result<u64, RouteError> compute_routing_fee(const ChannelGraph& graph, u32 payer,
                                                      const std::vector<u64>& channels, u64 amount,
                                                      const RoutingContext& ctx) {
  const Result<Route, RouteError> route = build_route(graph, payer, channels, amount, ctx);
  if (!route) return route.error();
  return route->hops.front().amount - route->hops.back().amount;
}

// ---------------------------------------------------------------------------------------------
// Routing. spec: channel_network.md#routing

// The cost of locking `a` until height `x`: floor(a · (x - ctx.height) · risk_factor / 10^9).
// find_route prices only locks with ctx.height <= x <= ctx.height + ctx.max_expiry_blocks, so the
// product is below 2^64 · 2^32 · 2^32 = 2^128 and exact; outside that range the result is not
// meaningful.
constexpr u128 risk(u64 a, u64 x, const RoutingContext& ctx, u32 risk_factor) {
  return u128{a} * (x - ctx.height) * risk_factor / risk_denominator;
}

// A node's label in the search: the cheapest way found so far to deliver the payment from it.
// `amount` and `expiry` are the lock the node's outgoing hop carries (what `node` must send on
// `next`), `hops` the route's length from it, `next` the index of its outgoing edge (none for the
// payee).
struct Label {
  u32 node = 0;
  u128 cost = 0;
  u64 amount = 0;
  u64 expiry = 0;
  std::size_t hops = 0;
  std::optional<std::size_t> next;
  bool settled = false;
};

// The position of `node`'s label, or nullopt while it has none.
constexpr std::optional<std::size_t> label_of(const std::vector<Label>& labels, u32 node) {
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i].node == node) return i;
  return std::nullopt;
}

// The unsettled label with the least (cost, node id), or nullopt if every label is settled.
constexpr std::optional<std::size_t> least_unsettled(const std::vector<Label>& labels) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i].settled) continue;
    if (!best || labels[i].cost < labels[*best].cost ||
        (labels[i].cost == labels[*best].cost && labels[i].node < labels[*best].node))
      best = i;
  }
  return best;
}

// Dijkstra's algorithm backwards from the payee, the spec's steps 1 to 4.
constexpr Result<Route, RouteError> find_route(const ChannelGraph& graph, u32 payer, u32 payee, u64 amount,
                                               const RoutingContext& ctx, u32 risk_factor) {
  if (const RouteError e = check_graph(graph, ctx); e != RouteError::none) return e;
  // Verify: payer < node_count and payee < node_count [CN-FIND-1]
  if (payer >= graph.node_count || payee >= graph.node_count) return RouteError::find_unknown_node;
  // Verify: payer != payee [CN-FIND-2]
  if (payer == payee) return RouteError::find_self_payment;

  // Step 1: the payee's label. A final expiry above 2^64 - 1 gives it none: no route can meet
  // CN-ROUTE-12, and the search ends at once.
  std::vector<Label> labels;
  const Checked final_expiry = checked_add(ctx.height, ctx.final_cltv_delta);
  if (!final_expiry.overflow) labels.push_back(Label{payee, 0, amount, final_expiry.value, 0, std::nullopt, false});
  const u128 max_expiry = u128{ctx.height} + ctx.max_expiry_blocks;

  while (true) {
    // Step 2: settle the unsettled label with the least (cost, node id).
    const std::optional<std::size_t> least = least_unsettled(labels);
    // Verify: the search reaches the payer [CN-FIND-3]
    if (!least) return RouteError::find_no_route;
    labels[*least].settled = true;
    const Label v = labels[*least];  // a copy: `labels` grows below
    if (v.node == payer) break;

    // Step 3: offer every edge into v from an unsettled node a candidate label.
    for (std::size_t i = 0; i < graph.edges.size(); ++i) {
      const ChannelEdge& e = graph.edges[i];
      if (e.to != v.node) continue;
      const std::optional<std::size_t> u = label_of(labels, e.from);
      if (u && labels[*u].settled) continue;
      const u64 a = v.amount;  // the lock on e
      const u64 x = v.expiry;
      if (v.hops + 1 > max_route_hops || a < ctx.dust_limit || a < e.htlc_minimum || a > e.htlc_maximum ||
          a > e.capacity || u128{x} > max_expiry)
        continue;
      Label candidate{e.from, v.cost + risk(a, x, ctx, risk_factor), a, x, v.hops + 1, i, false};
      if (e.from != payer) {  // a forwarder: it must receive a + f until x + cltv_delta
        const u128 f = fee(e, a);
        const u128 received = u128{a} + f;
        const u128 received_expiry = u128{x} + e.cltv_delta;
        if (received > u64_max || received_expiry > u64_max) continue;
        candidate.cost += f;
        candidate.amount = static_cast<u64>(received);
        candidate.expiry = static_cast<u64>(received_expiry);
      }
      if (!u) labels.push_back(candidate);
      else if (candidate.cost < labels[*u].cost) labels[*u] = candidate;
    }
  }

  // Step 4: follow `next` from the payer; the hop on e = next(w) locks e.to's amount and expiry.
  Route route;
  u32 w = payer;
  while (w != payee) {
    const ChannelEdge& e = graph.edges[*labels[*label_of(labels, w)].next];
    const Label& to = labels[*label_of(labels, e.to)];
    route.hops.push_back(RouteHop{e.short_channel_id, w, e.to, to.amount, to.expiry});
    w = e.to;
  }
  return route;
}

// ---------------------------------------------------------------------------------------------
// Multi-part payments: the planner's contract. spec: channel_network.md#multi-part-payments

// BOLT 4 caps nothing here; this bound keeps a plan's checks and its payee's bookkeeping small.
inline constexpr std::size_t max_payment_parts = 16;

struct PaymentPlan {
  BOOST_HANA_DEFINE_STRUCT(PaymentPlan, (std::vector<Route>, parts));
};

struct PlanSummary {
  BOOST_HANA_DEFINE_STRUCT(PlanSummary, (u64, parts), (u64, amount_sent), (u64, fee));
};

// What any planner must return: parts that each pass validate_route from the payer to the payee,
// whose delivered amounts sum to `amount`, and that together lock at most each edge's capacity.
// Checked in the order CN-MPP-1, 2, then each part (validate_route's error, then CN-MPP-3), then
// CN-MPP-4, 5 and 6.
constexpr Result<PlanSummary, RouteError> check_payment_plan(const ChannelGraph& graph, const PaymentPlan& plan,
                                                             u32 payer, u32 payee, u64 amount,
                                                             const RoutingContext& ctx) {
  // Verify: the plan has at least one part [CN-MPP-1]
  if (plan.parts.empty()) return RouteError::mpp_empty;
  // Verify: the plan has at most max_payment_parts parts [CN-MPP-2]
  if (plan.parts.size() > max_payment_parts) return RouteError::mpp_too_many_parts;
  u128 delivered = 0;
  u128 sent = 0;
  for (const Route& part : plan.parts) {
    const Result<RouteSummary, RouteError> summary = validate_route(graph, part, ctx);
    if (!summary) return summary.error();
    // Verify: the part runs from the payer to the payee [CN-MPP-3]
    if (summary->payer != payer || summary->payee != payee) return RouteError::mpp_endpoints;
    delivered += summary->amount_received;
    sent += summary->amount_sent;
  }
  // Verify: the parts' delivered amounts sum to amount [CN-MPP-4]
  if (delivered != amount) return RouteError::mpp_sum;
  std::vector<u128> locked(graph.edges.size(), 0);
  for (const Route& part : plan.parts)
    for (const RouteHop& hop : part.hops) locked[*find_edge(graph, hop.short_channel_id, hop.from)] += hop.amount;
  bool within = true;
  for (std::size_t i = 0; i < graph.edges.size(); ++i)
    if (locked[i] > graph.edges[i].capacity) within = false;
  // Verify: the parts together lock at most each edge's capacity [CN-MPP-5]
  if (!within) return RouteError::mpp_capacity;
  // Verify: the parts' sent amounts sum to at most 2^64 - 1 [CN-MPP-6]
  if (sent > u64_max) return RouteError::mpp_total;
  return PlanSummary{plan.parts.size(), static_cast<u64>(sent), static_cast<u64>(sent - delivered)};
}

}  // namespace ref::channel_network::route
}  // namespace l2
