// Optimized pathfinder of the channel network: must return what the reference's
// l2::ref::channel_network::route::find_route (reference/include/l2/ref/channel_network_route.hpp)
// returns for the same graph and query, bit for bit: the same route, tie for tie, and the same
// error code (the graph's CN-GRAPH-1..4 first, then CN-FIND-1, 2, 3).
// Exploits a graph preprocessed once: the edges into each node in compressed-sparse-row arrays,
// kept in graph order so each node's edges are relaxed in the order the reference scans them,
// with each edge's bounds and prices in one flat record; a 4-ary heap keyed by (cost, node id)
// with lazy deletion for the reference's linear scan; dense per-node labels in a per-thread
// scratch reused across queries (generation stamps, nothing cleared per query); and oneTBB
// threads across the queries of a batch.
// spec: channel_network.md#routing
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_network_route.hpp"
#include "l2/ref/result.hpp"

namespace l2::opt::channel_network {

namespace route = ref::channel_network::route;
using route::u128;

using RouteResult = Result<route::Route, RouteError>;

// One query of a batch: the arguments of route::find_route after the graph.
struct RouteQuery {
  u32 payer = 0;
  u32 payee = 0;
  u64 amount = 0;
  route::RoutingContext ctx{};
  u32 risk_factor = 0;
};

// A channel graph prepared for many searches. Immutable once built: every member function is
// const and safe to call from several threads at once. Its memory grows with the edges (about 60
// bytes per edge); each thread that searches keeps a scratch of about 50 bytes per node that an
// edge touches, reused by every later search on that thread.
class Router {
 public:
  // Prepares `graph` (it is not kept). Any graph is accepted: one that fails check_graph makes
  // every query return the reference's graph error. The only part of check_graph that depends on
  // the context, CN-GRAPH-4, is evaluated per query, so each query may carry its own context.
  // Throws std::length_error if the graph has 2^32 edges or more (the router indexes edges in
  // 32 bits).
  explicit Router(const route::ChannelGraph& graph);

  // route::check_graph(graph, ctx) for the graph this router was built from, in O(log edges).
  RouteError check_graph(const route::RoutingContext& ctx) const;

  // route::find_route(graph, payer, payee, amount, ctx, risk_factor), exactly.
  RouteResult find_route(u32 payer, u32 payee, u64 amount, const route::RoutingContext& ctx,
                         u32 risk_factor) const;

  // find_route on every query; result i is query i's. Runs on a TBB arena of at most `threads`
  // threads (0 = TBB's default, 1 = the calling thread only); results never depend on `threads`.
  std::vector<RouteResult> find_routes(std::span<const RouteQuery> queries, unsigned threads = 0) const;

  u32 node_count() const { return node_count_; }

 private:
  // An edge as the search reads it while relaxing the edges into its `to` node. An edge whose
  // htlc_minimum is above min(htlc_maximum, capacity) carries no amount and is left out.
  struct InEdge {
    u64 htlc_minimum;
    u64 amount_limit;  // min(htlc_maximum, capacity)
    u64 fee_base;
    u64 fee_ppm;
    u64 cltv_delta;
    u32 from;  // its search index
  };

  struct Scratch;
  static Scratch& scratch_for_this_thread();

  // The search index of `node`, or nullopt if no usable edge touches it.
  std::optional<u32> search_index(u32 node) const;

  RouteResult search(u32 payer, u32 payee, u64 amount, const route::RoutingContext& ctx, u32 risk_factor,
                     Scratch& scratch) const;

  u32 node_count_ = 0;

  // check_graph without its context: the first edge that fails CN-GRAPH-1, 2 or 3 and its code
  // (the edge count and none if there is none), and the running minimum of cltv_delta over the
  // edges before it, for the first edge that fails CN-GRAPH-4 under a given min_cltv_delta.
  std::size_t structural_error_at_ = 0;
  RouteError structural_error_ = RouteError::none;
  std::vector<u64> cltv_delta_prefix_min_;

  // Built only when structural_error_ is none. The search indexes the nodes that usable edges
  // touch: node nodes_[i] is index i (ascending, so indices order as ids do), and memory grows with
  // the edges, not with node_count. in_edges_[in_begin_[i] .. in_begin_[i + 1]) are the usable
  // edges into index i, in graph order.
  std::vector<u32> nodes_;
  std::vector<std::size_t> in_begin_;
  std::vector<InEdge> in_edges_;
  // What a route's hop needs of the edge in each CSR slot (`to` as a search index), off the
  // search's hot path.
  std::vector<u64> slot_short_channel_id_;
  std::vector<u32> slot_to_;
};

}  // namespace l2::opt::channel_network
