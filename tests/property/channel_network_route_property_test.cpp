// The reference pathfinder on random small graphs (at most 7 nodes and 16 edges, with fees,
// capacities, HTLC bounds, deltas and the expiry bound small enough that they bind):
//   (a) every route find_route returns passes validate_route, from the payer to the payee,
//       delivering exactly the amount;
//   (b) with risk_factor 0, every htlc_minimum at most the amount and no bound on the whole route
//       binding, it finds a route iff brute-force enumeration of all simple paths (build_route, which
//       ends in validate_route, on each) finds one, and its fee is the least of theirs;
//   (c) build_route over the channels of find_route's route rebuilds the same route.
// spec: channel_network.md#routing
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <vector>

#include "l2/ref/channel_network_route.hpp"

namespace {

namespace route = l2::ref::channel_network::route;
using l2::RouteError;
using l2::u32;
using l2::u64;
using route::ChannelEdge;
using route::ChannelGraph;
using route::Route;
using route::RoutingContext;

constexpr u32 max_nodes = 7;
constexpr std::size_t max_edges = 16;
constexpr u64 max_cltv_delta = 40;

struct Case {
  ChannelGraph graph;
  RoutingContext ctx;
  u32 payer = 0;
  u32 payee = 0;
  u64 amount = 0;
  u32 risk_factor = 0;
};

// A random graph that passes check_graph: channels between distinct nodes, each with one or both
// directions, each direction its own prices and bounds. `amount_bound` caps every htlc_minimum.
// The payer's own channels cost nothing, so a direct channel to the payee would win most cases:
// three times in four there is none, and routes of several hops are common.
rc::Gen<ChannelGraph> graph_gen(u32 nodes, u32 payer, u32 payee, u64 min_cltv_delta, u64 amount_bound) {
  return rc::gen::exec([=] {
    ChannelGraph graph{nodes, {}};
    const bool direct = nodes == 2 || *rc::gen::inRange(0, 4) == 0;
    const std::size_t channels = *rc::gen::inRange<std::size_t>(2, max_edges + 1);
    for (std::size_t c = 0; c < channels && graph.edges.size() < max_edges; ++c) {
      const u32 a = *rc::gen::inRange<u32>(0, nodes);
      const u32 b = (a + *rc::gen::inRange<u32>(1, nodes)) % nodes;  // b != a
      if (!direct && ((a == payer && b == payee) || (a == payee && b == payer))) continue;
      const bool both = *rc::gen::arbitrary<bool>() && graph.edges.size() + 2 <= max_edges;
      for (int direction = 0; direction < (both ? 2 : 1); ++direction) {
        ChannelEdge e;
        e.short_channel_id = 100 + c;
        e.from = direction == 0 ? a : b;
        e.to = direction == 0 ? b : a;
        e.capacity = *rc::gen::inRange<u64>(30, 500);
        e.fee_base = *rc::gen::inRange<u64>(0, 10);
        e.fee_ppm = *rc::gen::element<u64>(u64{0}, u64{1000}, u64{10'000}, u64{100'000});
        e.cltv_delta = *rc::gen::inRange<u64>(min_cltv_delta, max_cltv_delta + 1);
        e.htlc_minimum = *rc::gen::inRange<u64>(0, amount_bound + 1);
        e.htlc_maximum = *rc::gen::inRange<u64>(30, 600);
        graph.edges.push_back(e);
      }
    }
    return graph;
  });
}

// `any_bounds`: dust_limit, htlc_minimum and max_expiry_blocks range freely (they may bind);
// otherwise htlc_minimum and dust_limit are at most the amount, and max_expiry_blocks leaves room
// for any simple path (at most max_nodes - 1 hops of max_cltv_delta each above the final delta).
// RapidCheck scales inRange with the size, which would crowd every case onto nodes 0 and 1: the
// case is drawn at full size, uniform over its ranges (it still shrinks towards their minimums).
rc::Gen<Case> case_gen(bool any_bounds) {
  return rc::gen::resize(rc::kNominalSize, rc::gen::exec([=] {
    Case c;
    const u32 nodes = *rc::gen::weightedOneOf<u32>({{1, rc::gen::inRange<u32>(2, 4)}, {4, rc::gen::inRange<u32>(4, max_nodes + 1)}});
    c.payer = *rc::gen::inRange<u32>(0, nodes);
    c.payee = (c.payer + *rc::gen::inRange<u32>(1, nodes)) % nodes;
    c.amount = *rc::gen::inRange<u64>(1, 200);
    c.ctx.height = *rc::gen::element<u64>(u64{0}, u64{1}, u64{500'000});
    c.ctx.min_cltv_delta = *rc::gen::inRange<u64>(0, 10);
    c.ctx.final_cltv_delta = *rc::gen::inRange<u32>(0, 20);
    if (any_bounds) {
      c.ctx.dust_limit = *rc::gen::inRange<u64>(0, 12);
      c.ctx.max_expiry_blocks = *rc::gen::inRange<u32>(0, 250);
      c.risk_factor = *rc::gen::element<u32>(u32{0}, u32{1}, u32{1000}, u32{1'000'000}, u32{0xffffffff});
      c.graph = *graph_gen(nodes, c.payer, c.payee, c.ctx.min_cltv_delta, 40);
    } else {
      c.ctx.dust_limit = *rc::gen::inRange<u64>(0, c.amount + 1);
      c.ctx.max_expiry_blocks = c.ctx.final_cltv_delta + static_cast<u32>((max_nodes - 1) * max_cltv_delta);
      c.risk_factor = 0;
      c.graph = *graph_gen(nodes, c.payer, c.payee, c.ctx.min_cltv_delta, c.amount);
    }
    return c;
  }));
}

std::vector<u64> channels_of(const Route& r) {
  std::vector<u64> out;
  for (const auto& hop : r.hops) out.push_back(hop.short_channel_id);
  return out;
}

// The least fee of any simple path from `at` to the payee, as build_route (which validates) prices
// it; `visited` holds the nodes on the path so far, `channels` its channels.
void enumerate(const Case& c, u32 at, std::vector<bool>& visited, std::vector<u64>& channels,
               std::optional<u64>& least) {
  if (at == c.payee) {
    const auto fee = route::compute_routing_fee(c.graph, c.payer, channels, c.amount, c.ctx);
    if (fee.ok() && (!least || *fee < *least)) least = *fee;
    return;
  }
  for (const ChannelEdge& e : c.graph.edges) {
    if (e.from != at || visited[e.to]) continue;
    visited[e.to] = true;
    channels.push_back(e.short_channel_id);
    enumerate(c, e.to, visited, channels, least);
    channels.pop_back();
    visited[e.to] = false;
  }
}

// (a) and (c).
RC_GTEST_PROP(ChannelNetworkRouteProperty, FoundRoutesPassValidateRouteAndRebuildTheSame, ()) {
  const Case c = *case_gen(true);
  const auto found = route::find_route(c.graph, c.payer, c.payee, c.amount, c.ctx, c.risk_factor);
  RC_TAG(found.ok() ? "found" : "no route");
  if (!found.ok()) {
    RC_ASSERT(found.error() == RouteError::find_no_route);
    return;
  }
  RC_TAG(found->hops.size());
  const auto summary = route::validate_route(c.graph, *found, c.ctx);
  RC_ASSERT(summary.ok());
  RC_ASSERT(summary->payer == c.payer);
  RC_ASSERT(summary->payee == c.payee);
  RC_ASSERT(summary->amount_received == c.amount);
  const auto rebuilt = route::build_route(c.graph, c.payer, channels_of(*found), c.amount, c.ctx);
  RC_ASSERT(rebuilt.ok());
  RC_ASSERT(l2::reflect::equal(*rebuilt, *found));
}

// (b).
RC_GTEST_PROP(ChannelNetworkRouteProperty, WithoutRiskTheFeeIsTheLeastOfAllSimplePaths, ()) {
  const Case c = *case_gen(false);
  std::vector<bool> visited(c.graph.node_count, false);
  visited[c.payer] = true;
  std::vector<u64> channels;
  std::optional<u64> least;
  enumerate(c, c.payer, visited, channels, least);
  const auto found = route::find_route(c.graph, c.payer, c.payee, c.amount, c.ctx, 0);
  RC_TAG(least ? "a route exists" : "no route exists");
  RC_ASSERT(found.ok() == least.has_value());
  if (!found.ok()) {
    RC_ASSERT(found.error() == RouteError::find_no_route);
    return;
  }
  RC_TAG(found->hops.size());
  RC_ASSERT(route::validate_route(c.graph, *found, c.ctx).ok());
  RC_ASSERT(found->hops.front().amount - found->hops.back().amount == *least);
}

}  // namespace
