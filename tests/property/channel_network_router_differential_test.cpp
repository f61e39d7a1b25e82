// Differential test: the optimized router (l2::opt::channel_network::Router) against the reference
// pathfinder (route::find_route) on random graphs, 64 queries per graph, one property per shape:
// small graphs (0 to 8 nodes), medium ones (9 to 160 nodes, up to 3 channels per node), and
// chains of 24 to 45 nodes, channels both ways and a few shortcuts, with half the queries 15 to
// 25 hops apart, so the 20-hop bound binds. A third of the channels repeat the previous channel's
// pair (multi-edges); one graph in five gives every edge the same prices and bounds (ties
// everywhere, broken by node id and graph order). Prices are tight (fees often zero, up to 25%;
// capacities and HTLC bounds around the amounts, so they bind), generous (small fees, ample
// bounds: long routes stay feasible) or huge (amounts near 2^64: fees, amounts and expiries
// overflow); cltv deltas up to 40 make max_expiry_blocks (0 to 400, or large) bind. One graph in
// six is corrupted at a random position (a duplicate (short_channel_id, from), a self-loop, a node
// out of range), and one in four has cltv deltas below some of its contexts' min_cltv_delta, so
// CN-GRAPH-4 holds for some queries of a graph and fails for others (each graph has 1 to 3
// contexts). One graph in eight (not chains) spreads its node ids up to 2^20 or near 2^32, most
// ids without an edge. Queries mix valid, out-of-range and equal payer and payee, amounts from 0 to 2^64 - 1,
// heights up to near 2^64 (a final expiry that overflows), and risk factors from 0 to 2^32 - 1.
// Every result must equal the reference's, the route field by field or the error code, and
// Router::check_graph the reference's check_graph; the batch API on 1 and 2 threads must return
// the one-by-one results in input order.
// spec: channel_network.md#routing
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "l2/opt/channel_network_router.hpp"
#include "l2/ref/channel_network_route.hpp"

namespace {

namespace route = l2::ref::channel_network::route;
namespace opt = l2::opt::channel_network;
using l2::RouteError;
using l2::u32;
using l2::u64;
using route::ChannelEdge;
using route::ChannelGraph;
using route::RoutingContext;

constexpr u64 u64_max = UINT64_MAX;
constexpr u32 u32_max = UINT32_MAX;
constexpr std::size_t queries_per_graph = 64;

struct GraphCase {
  ChannelGraph graph;
  std::vector<RoutingContext> contexts;
  std::vector<opt::RouteQuery> queries;
};

// One of `values`, uniformly.
template <class T>
rc::Gen<T> pick(std::initializer_list<T> values) {
  return rc::gen::elementOf(std::vector<T>(values));
}

// How a graph's edges are priced and bounded. `tight`: fees up to 25% and capacities and HTLC
// bounds around the amounts, so they bind; `generous`: small fees and ample bounds, so routes of
// 20 hops and more stay feasible; `huge`: amounts near 2^64, so fees, amounts and expiries
// overflow. `low_deltas`: cltv_delta from 0, below some contexts' min_cltv_delta (CN-GRAPH-4);
// otherwise at least every context's.
enum class Prices { tight, generous, huge };
constexpr u64 highest_min_cltv_delta = 18;

struct Profile {
  Prices prices = Prices::tight;
  bool low_deltas = false;
};

// The prices and bounds of one edge.
ChannelEdge edge_gen(u64 short_channel_id, u32 from, u32 to, const Profile& profile) {
  ChannelEdge e;
  e.short_channel_id = short_channel_id;
  e.from = from;
  e.to = to;
  e.cltv_delta = *rc::gen::inRange<u64>(profile.low_deltas ? 0 : highest_min_cltv_delta, 41);
  switch (profile.prices) {
    case Prices::tight:
      e.fee_base = *pick<u64>({0, 0, 1, 5, 30});
      e.fee_ppm = *pick<u64>({0, 0, 1000, 10'000, 250'000});
      e.htlc_minimum = *rc::gen::weightedOneOf<u64>({{3, rc::gen::just<u64>(0)}, {2, rc::gen::inRange<u64>(0, 120)}});
      e.htlc_maximum = *rc::gen::inRange<u64>(40, 1300);
      e.capacity = *rc::gen::inRange<u64>(40, 1300);
      break;
    case Prices::generous:
      e.fee_base = *pick<u64>({0, 0, 1, 2});
      e.fee_ppm = *pick<u64>({0, 0, 1000, 5000});
      e.htlc_minimum = *pick<u64>({0, 0, 1, 50});
      e.htlc_maximum = *rc::gen::inRange<u64>(1000, 1300);
      e.capacity = *rc::gen::inRange<u64>(1000, 1300);
      break;
    case Prices::huge:
      e.fee_base = *pick<u64>({0, 1, u64{1} << 62, u64_max});
      e.fee_ppm = *pick<u64>({0, 1, 1'000'000, u64_max});
      if (*rc::gen::inRange(0, 4) == 0) e.cltv_delta = *pick<u64>({u64_max - 10, u64_max});
      e.htlc_minimum = *pick<u64>({0, 1, u64{1} << 62});
      e.htlc_maximum = *pick<u64>({u64_max, u64_max - 1, u64{1} << 63});
      e.capacity = *pick<u64>({u64_max, u64_max - 1, u64{1} << 63});
      break;
  }
  return e;
}

// A corruption check_graph rejects, inserted at a random position (before it, the graph may also
// hold edges whose cltv_delta fails CN-GRAPH-4 under some contexts: which error comes first then
// depends on the context).
void corrupt(ChannelGraph& graph) {
  if (graph.edges.empty()) return;
  ChannelEdge bad = *rc::gen::elementOf(graph.edges);
  switch (*rc::gen::inRange(0, 4)) {
    case 0: break;  // an exact copy: a duplicate (short_channel_id, from)
    case 1: bad.to = *rc::gen::inRange<u32>(0, graph.node_count); break;  // a duplicate key, another `to`
    case 2: bad.to = bad.from; break;  // a self-loop
    default: (*rc::gen::arbitrary<bool>() ? bad.from : bad.to) = graph.node_count + *rc::gen::inRange<u32>(0, 3);
  }
  const auto at = *rc::gen::inRange<std::size_t>(0, graph.edges.size() + 1);
  graph.edges.insert(graph.edges.begin() + static_cast<std::ptrdiff_t>(at), bad);
}

enum class Shape { small, medium, chain };

rc::Gen<GraphCase> graph_case_gen(Shape shape) {
  // RapidCheck scales inRange with the size, which would crowd every case onto its smallest
  // values: the case is drawn at full size, uniform over its ranges.
  return rc::gen::resize(rc::kNominalSize, rc::gen::exec([shape] {
    GraphCase c;
    Profile profile;
    profile.prices = *rc::gen::weightedOneOf<Prices>({{shape == Shape::chain ? 1 : 6, rc::gen::just(Prices::tight)},
                                                      {3, rc::gen::just(Prices::generous)},
                                                      {1, rc::gen::just(Prices::huge)}});
    profile.low_deltas = *rc::gen::inRange(0, 4) == 0;
    ChannelGraph& graph = c.graph;
    u64 next_channel = *pick<u64>({0, 1000, u64_max - 500});
    const auto add_channel = [&](u32 a, u32 b) {
      const u64 id = next_channel++;
      // 0: a -> b only, 1: b -> a only, else both; a chain's channels go both ways.
      const int directions = shape == Shape::chain ? 2 : *rc::gen::inRange(0, 4);
      if (directions != 1) graph.edges.push_back(edge_gen(id, a, b, profile));
      if (directions != 0) graph.edges.push_back(edge_gen(id, b, a, profile));
    };
    if (shape == Shape::chain) {  // 0 - 1 - ... - n-1 and a few shortcuts: routes of 20 hops and more
      graph.node_count = *rc::gen::inRange<u32>(24, 46);
      for (u32 v = 0; v + 1 < graph.node_count; ++v) add_channel(v, v + 1);
      const int shortcuts = *rc::gen::inRange(0, 4);
      for (int k = 0; k < shortcuts; ++k) {
        const u32 a = *rc::gen::inRange<u32>(0, graph.node_count - 3);
        add_channel(a, a + *rc::gen::inRange<u32>(2, std::min<u32>(8, graph.node_count - a)));
      }
    } else {
      graph.node_count = shape == Shape::small ? *rc::gen::inRange<u32>(0, 9) : *rc::gen::inRange<u32>(9, 161);
      const std::size_t most = shape == Shape::small ? 13 : std::size_t{graph.node_count} * 3;
      const std::size_t channels = graph.node_count < 2 ? 0 : *rc::gen::inRange<std::size_t>(0, most + 1);
      u32 a = 0;
      u32 b = 0;
      for (std::size_t k = 0; k < channels; ++k) {
        if (k == 0 || *rc::gen::inRange(0, 3) != 0) {  // else a multi-edge: the previous pair again
          a = *rc::gen::inRange<u32>(0, graph.node_count);
          b = (a + *rc::gen::inRange<u32>(1, graph.node_count)) % graph.node_count;
        }
        add_channel(a, b);
      }
    }
    // One graph in eight spreads its nodes over ids up to 2^20 or near 2^32, in the same order:
    // most ids then have no edge (the router's memory must follow the edges, not node_count).
    std::vector<u32> ids(graph.node_count);
    std::iota(ids.begin(), ids.end(), u32{0});
    if (shape != Shape::chain && *rc::gen::inRange(0, 8) == 0) {
      const u32 spread = *pick<u32>({u32{1} << 20, u32_max - 8});
      std::set<u32> drawn;
      while (drawn.size() < graph.node_count) drawn.insert(*rc::gen::inRange<u32>(0, spread));
      ids.assign(drawn.begin(), drawn.end());
      for (ChannelEdge& e : graph.edges) {
        e.from = ids[e.from];
        e.to = ids[e.to];
      }
      graph.node_count = spread;
    }
    if (*rc::gen::inRange(0, 5) == 0) {  // one price and bound for all: ties everywhere
      const ChannelEdge same = edge_gen(0, 0, 0, profile);
      for (ChannelEdge& e : graph.edges) {
        const ChannelEdge kept = e;
        e = same;
        e.short_channel_id = kept.short_channel_id;
        e.from = kept.from;
        e.to = kept.to;
      }
    }
    if (*rc::gen::inRange(0, 6) == 0) corrupt(graph);

    const int context_count = *rc::gen::inRange(1, 4);
    for (int k = 0; k < context_count; ++k) {
      RoutingContext ctx;
      ctx.height = *rc::gen::weightedOneOf<u64>({{6, pick<u64>({0, 1, 500'000})},
                                                 {1, rc::gen::inRange<u64>(u64_max - 200, u64_max)}});
      ctx.dust_limit = *pick<u64>({0, 1, 10, 100});
      ctx.min_cltv_delta = *pick<u64>({0, 0, 1, 5, highest_min_cltv_delta});
      ctx.final_cltv_delta = *pick<u32>({0, 9, 40, u32_max});
      ctx.max_expiry_blocks = *rc::gen::weightedOneOf<u32>({{3, rc::gen::inRange<u32>(0, 400)},
                                                            {2, pick<u32>({1000, u32_max})}});
      c.contexts.push_back(ctx);
    }

    for (std::size_t q = 0; q < queries_per_graph; ++q) {
      opt::RouteQuery query;
      const u32 nodes = graph.node_count;
      // A node of the graph, any id below node_count (most have no edge in a spread graph), or
      // one out of range.
      const rc::Gen<u32> graph_node = ids.empty() ? rc::gen::just(u32{0}) : rc::gen::elementOf(ids);
      const auto node_gen = rc::gen::weightedOneOf<u32>({{12, graph_node},
                                                         {1, rc::gen::inRange<u32>(0, std::max<u32>(nodes, 1))},
                                                         {1, rc::gen::inRange<u32>(nodes, nodes + 3)}});
      query.payer = *node_gen;
      query.payee = *rc::gen::weightedOneOf<u32>({{8, node_gen}, {1, rc::gen::just(query.payer)}});
      if (shape == Shape::chain && *rc::gen::arbitrary<bool>()) {  // 15 to 25 hops apart along the chain
        query.payee = *rc::gen::inRange<u32>(0, nodes);
        const u32 apart = *rc::gen::inRange<u32>(15, 26);
        if (query.payee + apart < nodes) query.payer = query.payee + apart;
        else query.payer = query.payee >= apart ? query.payee - apart : 0;
      }
      query.amount = profile.prices == Prices::huge ? *pick<u64>({1, 1000, u64{1} << 62, u64_max - 1000, u64_max})
                          : *rc::gen::weightedOneOf<u64>({{6, rc::gen::inRange<u64>(1, 300)},
                                                          {2, rc::gen::inRange<u64>(0, 1300)},
                                                          {1, rc::gen::just(u64_max)}});
      query.ctx = *rc::gen::elementOf(c.contexts);
      query.risk_factor = *pick<u32>({0, 0, 1, 1000, 1'000'000, u32_max});
      c.queries.push_back(query);
    }
    return c;
  }));
}

using Outcome = opt::RouteResult;

bool same_outcome(const Outcome& a, const Outcome& b) {
  if (a.ok() != b.ok()) return false;
  return a.ok() ? l2::reflect::equal(*a, *b) : a.error() == b.error();
}

std::string describe(const Outcome& outcome) {
  if (!outcome.ok()) return std::string(l2::error_info(outcome.error()).code);
  std::string out = "route:";
  for (const route::RouteHop& hop : outcome->hops)
    out += " (" + std::to_string(hop.short_channel_id) + ", " + std::to_string(hop.from) + " -> " +
           std::to_string(hop.to) + ", " + std::to_string(hop.amount) + ", " + std::to_string(hop.expiry) + ")";
  return out;
}

// Every query of `c`, one by one and in batches on 1 and 2 threads.
void check_graph_case(const GraphCase& c) {
  const opt::Router router(c.graph);
  std::vector<Outcome> expected;
  std::set<std::string> outcomes;
  std::size_t longest = 0;
  for (const opt::RouteQuery& q : c.queries) {
    const Outcome reference = route::find_route(c.graph, q.payer, q.payee, q.amount, q.ctx, q.risk_factor);
    const Outcome optimized = router.find_route(q.payer, q.payee, q.amount, q.ctx, q.risk_factor);
    RC_ASSERT(router.check_graph(q.ctx) == route::check_graph(c.graph, q.ctx));
    if (!same_outcome(reference, optimized)) {
      RC_LOG() << "payer " << q.payer << ", payee " << q.payee << ", amount " << q.amount << ", risk_factor "
               << q.risk_factor << "\n  reference: " << describe(reference) << "\n  optimized: " << describe(optimized)
               << "\n";
      RC_FAIL("the router differs from the reference");
    }
    outcomes.insert(reference.ok() ? std::string("a route") : std::string(l2::error_info(reference.error()).code));
    if (reference.ok()) longest = std::max(longest, reference->hops.size());
    expected.push_back(reference);
  }
  for (const std::string& outcome : outcomes) RC_TAG(outcome);
  RC_CLASSIFY(longest >= 10, "a route of 10 hops or more");
  RC_CLASSIFY(longest == route::max_route_hops, "a route of 20 hops");
  for (const unsigned threads : {1u, 2u}) {
    const std::vector<Outcome> batch = router.find_routes(c.queries, threads);
    RC_ASSERT(batch.size() == expected.size());
    for (std::size_t i = 0; i < batch.size(); ++i) RC_ASSERT(same_outcome(batch[i], expected[i]));
  }
}

RC_GTEST_PROP(ChannelNetworkRouterDifferential, SmallGraphs, ()) { check_graph_case(*graph_case_gen(Shape::small)); }

RC_GTEST_PROP(ChannelNetworkRouterDifferential, MediumGraphsWithMultiEdges, ()) {
  check_graph_case(*graph_case_gen(Shape::medium));
}

RC_GTEST_PROP(ChannelNetworkRouterDifferential, ChainsWhereTheHopBoundBinds, ()) {
  check_graph_case(*graph_case_gen(Shape::chain));
}

}  // namespace
