// The multi-part payment planner: min-cost flow by successive shortest paths with potentials
// (Dijkstra on reduced costs), flow decomposition into paths, and parts built with each route's
// fees and timelocks. spec: channel_network.md#multi-part-payments
#include "l2/opt/channel_network_mpp.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <queue>
#include <utility>
#include <vector>

namespace l2::opt::channel_network {

namespace route = ref::channel_network::route;
using route::ChannelEdge;
using route::ChannelGraph;
using route::PaymentPlan;
using route::Route;
using route::RouteHop;
using route::RoutingContext;
using route::u128;

namespace {

using Cost = std::int64_t;
constexpr Cost unreachable = std::numeric_limits<Cost>::max();
// An arc's unit cost is capped so that a path of any length stays far from overflow.
constexpr Cost max_arc_cost = Cost{1} << 40;

// The residual network: arcs grouped by tail (CSR), each with its reverse arc's index.
struct Network {
  std::vector<std::size_t> first;  // arcs of node v are [first[v], first[v + 1])
  std::vector<u32> head;
  std::vector<u64> residual;
  std::vector<Cost> cost;
  std::vector<std::size_t> reverse;
  std::vector<std::size_t> edge;  // the graph edge an arc belongs to (its segment or its reverse)
  std::vector<bool> forward;
};

struct Arc {
  u32 from, to;
  u64 capacity;
  Cost cost;
  std::size_t edge;
};

Network build_network(u32 node_count, const std::vector<Arc>& arcs) {
  Network net;
  net.first.assign(static_cast<std::size_t>(node_count) + 1, 0);
  for (const Arc& a : arcs) {
    ++net.first[a.from + 1];
    ++net.first[a.to + 1];
  }
  for (std::size_t v = 0; v < node_count; ++v) net.first[v + 1] += net.first[v];
  const std::size_t total = 2 * arcs.size();
  net.head.resize(total);
  net.residual.resize(total);
  net.cost.resize(total);
  net.reverse.resize(total);
  net.edge.resize(total);
  net.forward.resize(total);
  std::vector<std::size_t> next(net.first.begin(), net.first.end() - 1);
  for (const Arc& a : arcs) {
    const std::size_t f = next[a.from]++;
    const std::size_t r = next[a.to]++;
    net.head[f] = a.to;
    net.residual[f] = a.capacity;
    net.cost[f] = a.cost;
    net.reverse[f] = r;
    net.edge[f] = a.edge;
    net.forward[f] = true;
    net.head[r] = a.from;
    net.residual[r] = 0;
    net.cost[r] = -a.cost;
    net.reverse[r] = f;
    net.edge[r] = a.edge;
    net.forward[r] = false;
  }
  return net;
}

// Carries `units` from source to sink at least cost; false if the network cannot.
bool min_cost_flow(Network& net, u32 source, u32 sink, u64 units) {
  const std::size_t n = net.first.size() - 1;
  std::vector<Cost> potential(n, 0);  // every arc cost starts non-negative
  std::vector<Cost> distance(n);
  std::vector<std::size_t> parent(n);
  using Entry = std::pair<Cost, u32>;
  while (units > 0) {
    std::fill(distance.begin(), distance.end(), unreachable);
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
    distance[source] = 0;
    heap.emplace(0, source);
    while (!heap.empty()) {
      const auto [d, v] = heap.top();
      heap.pop();
      if (d != distance[v]) continue;
      for (std::size_t a = net.first[v]; a < net.first[v + 1]; ++a) {
        if (net.residual[a] == 0) continue;
        const u32 w = net.head[a];
        const Cost reduced = net.cost[a] + potential[v] - potential[w];
        if (d + reduced < distance[w]) {
          distance[w] = d + reduced;
          parent[w] = a;
          heap.emplace(distance[w], w);
        }
      }
    }
    if (distance[sink] == unreachable) return false;
    for (std::size_t v = 0; v < n; ++v) potential[v] += std::min(distance[v], distance[sink]);
    u64 push = units;
    for (u32 v = sink; v != source; v = net.head[net.reverse[parent[v]]]) push = std::min(push, net.residual[parent[v]]);
    for (u32 v = sink; v != source; v = net.head[net.reverse[parent[v]]]) {
      net.residual[parent[v]] -= push;
      net.residual[net.reverse[parent[v]]] += push;
    }
    units -= push;
  }
  return true;
}

// The flow on each graph edge: what its forward arcs carry.
std::vector<u64> edge_flows(const Network& net, std::size_t edge_count) {
  std::vector<u64> flow(edge_count, 0);
  for (std::size_t a = 0; a < net.head.size(); ++a)
    if (!net.forward[a]) flow[net.edge[a]] += net.residual[a];  // a reverse arc's residual is the flow
  return flow;
}

struct PathFlow {
  std::vector<std::size_t> edges;
  u64 units = 0;
};

// Splits the edge flows into payer-to-payee paths, widest edge first at every node. Cycles (none
// with positive costs, but a zero-cost cycle is possible in principle) are cancelled on the way.
std::optional<std::vector<PathFlow>> decompose(const ChannelGraph& graph, std::vector<u64> flow, u32 payer, u32 payee,
                                               const std::vector<std::vector<std::size_t>>& out_edges) {
  std::vector<PathFlow> paths;
  while (true) {
    bool any = false;
    for (const std::size_t e : out_edges[payer]) any = any || flow[e] > 0;
    if (!any) return paths;
    std::vector<std::size_t> walk;
    std::vector<std::size_t> seen_at(graph.node_count, std::numeric_limits<std::size_t>::max());
    u32 at = payer;
    seen_at[at] = 0;
    while (at != payee) {
      std::optional<std::size_t> widest;
      for (const std::size_t e : out_edges[at])
        if (flow[e] > 0 && (!widest || flow[e] > flow[*widest])) widest = e;
      if (!widest) return std::nullopt;  // flow conservation broken: cannot happen for a valid flow
      walk.push_back(*widest);
      at = graph.edges[*widest].to;
      if (seen_at[at] != std::numeric_limits<std::size_t>::max()) {
        // A cycle from seen_at[at]: cancel its least flow and walk on from there.
        u64 least = std::numeric_limits<u64>::max();
        for (std::size_t k = seen_at[at]; k < walk.size(); ++k) least = std::min(least, flow[walk[k]]);
        for (std::size_t k = seen_at[at]; k < walk.size(); ++k) flow[walk[k]] -= least;
        for (std::size_t k = seen_at[at] + 1; k < walk.size(); ++k) seen_at[graph.edges[walk[k - 1]].to] = std::numeric_limits<std::size_t>::max();
        walk.resize(seen_at[at]);
        continue;
      }
      seen_at[at] = walk.size();
    }
    u64 units = std::numeric_limits<u64>::max();
    for (const std::size_t e : walk) units = std::min(units, flow[e]);
    for (const std::size_t e : walk) flow[e] -= units;
    paths.push_back(PathFlow{std::move(walk), units});
  }
}

// The part that delivers `amount` over the path: backwards from the payee, each forwarder adds its
// fee and cltv_delta (route::build_route's formula). nullopt on an overflow.
std::optional<Route> build_part(const ChannelGraph& graph, const std::vector<std::size_t>& path, u64 amount,
                                const RoutingContext& ctx) {
  Route part;
  part.hops.resize(path.size());
  u128 locked = amount;
  u128 expiry = u128{ctx.height} + ctx.final_cltv_delta;
  for (std::size_t i = path.size(); i-- > 0;) {
    const ChannelEdge& e = graph.edges[path[i]];
    if (locked > u64{std::numeric_limits<u64>::max()} || expiry > u64{std::numeric_limits<u64>::max()}) return std::nullopt;
    part.hops[i] = RouteHop{e.short_channel_id, e.from, e.to, static_cast<u64>(locked), static_cast<u64>(expiry)};
    if (i > 0) {
      locked += route::fee(e, static_cast<u64>(locked));
      expiry += e.cltv_delta;
    }
  }
  return part;
}

// The unit cost of segment s of an edge that can carry `room`: the fee for one unit plus the
// uncertainty slope 1 / (room + 1 - x) at the segment's middle x, weighted, for one unit.
Cost segment_cost(const ChannelEdge& e, u64 room, u64 unit, u64 units_needed, u32 s, const PlanOptions& options) {
  const u128 fee = (u128{e.fee_ppm} * unit + 999'999) / 1'000'000 + e.fee_base / std::max<u64>(units_needed, 1);
  const u128 segments = options.segments;
  // room * (1 - (s + 1/2) / S) + 1, times 2S to stay in integers.
  const u128 left = u128{room} * (2 * segments - 2 * s - 1) + 2 * segments;
  const u128 uncertainty = u128{options.uncertainty_weight} * unit * 2 * segments / left + 1;
  return static_cast<Cost>(std::min<u128>(fee + uncertainty, static_cast<u128>(max_arc_cost)));
}

}  // namespace

namespace {

// One planning run at a given unit: the flow, its paths, their parts, and replans while fees
// overfill an edge.
Result<PaymentPlan, RouteError> plan_in_units(const ChannelGraph& graph, u32 payer, u32 payee, u64 amount,
                                              const RoutingContext& ctx, const PlanOptions& options, u64 unit,
                                              u32 replans, const std::vector<std::vector<std::size_t>>& out_edges) {
  const u64 units_needed = amount / unit + (amount % unit != 0 ? 1 : 0);
  const u64 excess = units_needed * unit - amount;
  // Every part is whole units, and the largest also gives up the rounding excess: none is smaller.
  const u64 smallest_part = unit - excess;
  // Units taken off an edge after a plan whose fees pushed it over its room.
  std::vector<u64> lowered(graph.edges.size(), 0);

  for (u32 attempt = 0; attempt <= replans; ++attempt) {
    std::vector<Arc> arcs;
    for (std::size_t i = 0; i < graph.edges.size(); ++i) {
      const ChannelEdge& e = graph.edges[i];
      // An edge whose minimum is above the smallest part could refuse a part: it takes no flow.
      if (e.htlc_minimum > smallest_part) continue;
      // An edge carrying u units carries at most u * unit - excess of the amount.
      const u64 room = std::min(e.capacity, e.htlc_maximum);
      const u64 whole = static_cast<u64>((u128{room} + excess) / unit);
      const u64 units = whole > lowered[i] ? whole - lowered[i] : 0;
      if (units == 0) continue;
      for (u32 s = 0; s < options.segments; ++s) {
        const u64 share = units / options.segments + (s < units % options.segments ? 1 : 0);
        if (share > 0) arcs.push_back(Arc{e.from, e.to, share, segment_cost(e, room, unit, units_needed, s, options), i});
      }
    }
    Network net = build_network(graph.node_count, arcs);
    if (!min_cost_flow(net, payer, payee, units_needed)) return RouteError::find_no_route;
    const auto paths = decompose(graph, edge_flows(net, graph.edges.size()), payer, payee, out_edges);
    if (!paths || paths->empty() || paths->size() > route::max_payment_parts) return RouteError::find_no_route;

    // Whole units per path; the rounding excess comes off the largest part.
    std::vector<u64> amounts;
    for (const PathFlow& p : *paths) amounts.push_back(p.units * unit);
    *std::max_element(amounts.begin(), amounts.end()) -= excess;

    PaymentPlan plan;
    std::vector<u128> locked(graph.edges.size(), 0);
    for (std::size_t k = 0; k < paths->size(); ++k) {
      std::optional<Route> part = build_part(graph, (*paths)[k].edges, amounts[k], ctx);
      if (!part) return RouteError::find_no_route;
      for (std::size_t h = 0; h < part->hops.size(); ++h) locked[(*paths)[k].edges[h]] += part->hops[h].amount;
      plan.parts.push_back(std::move(*part));
    }
    // Fees make a part lock more upstream than the flow carried: lower every edge they overfill.
    bool overfilled = false;
    for (std::size_t i = 0; i < graph.edges.size(); ++i) {
      const u128 room = std::min(graph.edges[i].capacity, graph.edges[i].htlc_maximum);
      if (locked[i] > room) {
        lowered[i] += static_cast<u64>((locked[i] - room + unit - 1) / unit);
        overfilled = true;
      }
    }
    if (overfilled) continue;
    // What the construction does not already give: every part within 20 hops, above the dust
    // limit and within the expiry bound. (Fees, deltas, endpoints, simple paths, htlc bounds and
    // capacities hold by construction; the property test checks the whole contract.)
    for (const Route& part : plan.parts)
      if (part.hops.size() > route::max_route_hops || part.hops.back().amount < ctx.dust_limit ||
          u128{part.hops.front().expiry} > u128{ctx.height} + ctx.max_expiry_blocks)
        return RouteError::find_no_route;
    return plan;
  }
  return RouteError::find_no_route;
}

}  // namespace

Result<PaymentPlan, RouteError> plan_payment(const ChannelGraph& graph, u32 payer, u32 payee, u64 amount,
                                             const RoutingContext& ctx, const PlanOptions& options) {
  if (const RouteError e = route::check_graph(graph, ctx); e != RouteError::none) return e;
  if (payer >= graph.node_count || payee >= graph.node_count) return RouteError::find_unknown_node;
  if (payer == payee) return RouteError::find_self_payment;
  if (amount == 0 || options.segments == 0) return RouteError::find_no_route;

  std::vector<std::vector<std::size_t>> out_edges(graph.node_count);
  for (std::size_t i = 0; i < graph.edges.size(); ++i) out_edges[graph.edges[i].from].push_back(i);
  const u64 unit = options.unit != 0 ? options.unit : std::max<u64>({ctx.dust_limit, (amount + 255) / 256, 1});
  const auto split = plan_in_units(graph, payer, payee, amount, ctx, options, unit, options.replans, out_edges);
  if (split.ok() || unit >= amount) return split;
  // Small units shut out edges whose htlc_minimum is above them, and split across paths that fees
  // then overfill: one part of the whole amount is the fallback, a cheapest path replanned until
  // its fees fit (each replan takes at least one edge away, so at most one per edge).
  return plan_in_units(graph, payer, payee, amount, ctx, options, amount, static_cast<u32>(graph.edges.size()), out_edges);
}

}  // namespace l2::opt::channel_network
