// The channel network's optimized pathfinder: must match route::find_route in
// reference/include/l2/ref/channel_network_route.hpp, route and error code, for every graph and
// query.
// Exploits a graph prepared once (the edges into each node in CSR arrays, in graph order, so the
// reference's relaxation order and its strict-improvement tie-break carry over unchanged), a
// 4-ary heap with lazy deletion in place of the scan for the least (cost, node id), the bounds
// that depend only on the settled node (hop count, dust, expiry bound, risk) tested once per node
// instead of once per edge, dense labels reused across queries through generation stamps, and
// oneTBB threads across the queries of a batch.
// spec: channel_network.md#routing
#include "l2/opt/channel_network_router.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "l2/ref/checked.hpp"
#include "../threads.hpp"

namespace l2::opt::channel_network {

namespace {

// a · b / denominator, exact: a 64-bit division when the product fits in 64 bits (the common
// case, and a multiplication once the constant divisor is folded), else the 128-bit one. Equal to
// u128{a} * b / denominator in every case.
template <u64 denominator>
u128 mul_div(u64 a, u64 b) {
  u64 product = 0;
  if (!__builtin_mul_overflow(a, b, &product)) return product / denominator;
  return u128{a} * b / denominator;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The per-thread scratch of a search.

struct Router::Scratch {
  // A node's label, as the reference's route::Label without the node (the index) and the settled
  // flag (in `state`). `next` is the CSR slot of the node's outgoing edge; the payee's is unused.
  struct Label {
    u128 cost;
    u64 amount;
    u64 expiry;
    u32 next;
    u32 hops;
  };

  struct HeapEntry {
    u128 cost;
    u32 node;
  };

  // state[v] < epoch: no label in this search; == epoch: labelled; == epoch + 1: settled. A
  // search advances epoch by 2, so nothing left by an earlier search needs clearing.
  std::vector<u32> state;
  std::vector<Label> labels;  // meaningful where state[v] >= epoch
  // A 4-ary min-heap on (cost, node id). A label that improves is pushed again; the entries it
  // leaves behind are skipped when popped (their cost is no longer the label's: a label only
  // ever changes to a strictly lower cost).
  std::vector<HeapEntry> heap;
  u32 epoch = 0;

  u32 labelled() const { return epoch; }
  u32 settled() const { return epoch + 1; }

  // Starts a search on a graph of `node_count` nodes.
  void begin(u32 node_count) {
    if (state.size() < node_count) {
      state.resize(node_count, 0);
      labels.resize(node_count);
    }
    if (epoch >= UINT32_MAX - 2) {  // the stamps would wrap: clear them once every 2^31 searches
      std::fill(state.begin(), state.end(), 0);
      epoch = 0;
    }
    epoch += 2;
    heap.clear();
  }

  static bool before(const HeapEntry& a, const HeapEntry& b) {
    return a.cost < b.cost || (a.cost == b.cost && a.node < b.node);
  }

  void push(u128 cost, u32 node) {
    const HeapEntry entry{cost, node};
    std::size_t at = heap.size();
    heap.push_back(entry);
    while (at > 0) {
      const std::size_t parent = (at - 1) / 4;
      if (!before(entry, heap[parent])) break;
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = entry;
  }

  // Removes and returns the least entry; the heap must not be empty.
  HeapEntry pop() {
    const HeapEntry top = heap.front();
    const HeapEntry last = heap.back();
    heap.pop_back();
    const std::size_t size = heap.size();
    if (size == 0) return top;
    std::size_t at = 0;
    while (true) {
      const std::size_t first = 4 * at + 1;
      if (first >= size) break;
      const std::size_t end = std::min(first + 4, size);
      std::size_t least = first;
      for (std::size_t child = first + 1; child < end; ++child)
        if (before(heap[child], heap[least])) least = child;
      if (!before(heap[least], last)) break;
      heap[at] = heap[least];
      at = least;
    }
    heap[at] = last;
    return top;
  }
};

Router::Scratch& Router::scratch_for_this_thread() {
  thread_local Scratch scratch;
  return scratch;
}

// ---------------------------------------------------------------------------------------------
// Preparing the graph.

Router::Router(const route::ChannelGraph& graph) : node_count_(graph.node_count) {
  const std::vector<route::ChannelEdge>& edges = graph.edges;
  if (edges.size() > UINT32_MAX) throw std::length_error("l2::opt::channel_network::Router: 2^32 edges or more");

  // CN-GRAPH-1 and 2: the first edge with a node out of range or a self-loop.
  std::size_t first_bad = edges.size();
  RouteError bad_error = RouteError::none;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const route::ChannelEdge& e = edges[i];
    if (e.from >= node_count_ || e.to >= node_count_) bad_error = RouteError::graph_node;
    else if (e.from == e.to) bad_error = RouteError::graph_self_loop;
    else continue;
    first_bad = i;
    break;
  }
  // CN-GRAPH-3: the first edge whose (short_channel_id, from) an earlier edge has. Sorted by key
  // then index, the second edge of each group of equal keys is that key's first duplicate.
  std::vector<std::tuple<u64, u32, u32>> keys(edges.size());
  for (std::size_t i = 0; i < edges.size(); ++i)
    keys[i] = {edges[i].short_channel_id, edges[i].from, static_cast<u32>(i)};
  std::sort(keys.begin(), keys.end());
  std::size_t first_duplicate = edges.size();
  for (std::size_t k = 1; k < keys.size(); ++k) {
    const bool same_key =
        std::get<0>(keys[k]) == std::get<0>(keys[k - 1]) && std::get<1>(keys[k]) == std::get<1>(keys[k - 1]);
    if (same_key) first_duplicate = std::min<std::size_t>(first_duplicate, std::get<2>(keys[k]));
  }
  // At one edge, rules 1 and 2 come before rule 3.
  if (first_bad <= first_duplicate && first_bad < edges.size()) {
    structural_error_at_ = first_bad;
    structural_error_ = bad_error;
  } else if (first_duplicate < edges.size()) {
    structural_error_at_ = first_duplicate;
    structural_error_ = RouteError::graph_duplicate_edge;
  } else {
    structural_error_at_ = edges.size();
  }
  // CN-GRAPH-4 for any min_cltv_delta: the running minimum of cltv_delta up to the structural error.
  cltv_delta_prefix_min_.resize(structural_error_at_);
  for (std::size_t i = 0; i < structural_error_at_; ++i) {
    const u64 before = i == 0 ? u64_max : cltv_delta_prefix_min_[i - 1];
    cltv_delta_prefix_min_[i] = std::min(before, edges[i].cltv_delta);
  }
  if (structural_error_ != RouteError::none) return;  // every query fails before the search

  // The search runs on the nodes that usable edges touch, renumbered 0 .. k-1 in ascending id:
  // the renumbering keeps the order of node ids, so the (cost, node id) order is unchanged, and
  // memory follows the edges, not node_count.
  const auto usable = [](const route::ChannelEdge& e) {
    return e.htlc_minimum <= std::min(e.htlc_maximum, e.capacity);
  };
  for (const route::ChannelEdge& e : edges) {
    if (!usable(e)) continue;
    nodes_.push_back(e.from);
    nodes_.push_back(e.to);
  }
  std::sort(nodes_.begin(), nodes_.end());
  nodes_.erase(std::unique(nodes_.begin(), nodes_.end()), nodes_.end());
  nodes_.shrink_to_fit();
  const auto index = [&](u32 node) { return *search_index(node); };

  // The edges into each node, in graph order (a counting sort by `to`, stable in the edge index).
  const std::size_t k = nodes_.size();
  in_begin_.assign(k + 1, 0);
  for (const route::ChannelEdge& e : edges)
    if (usable(e)) ++in_begin_[index(e.to) + 1];
  for (std::size_t v = 0; v < k; ++v) in_begin_[v + 1] += in_begin_[v];
  const std::size_t slots = in_begin_[k];
  in_edges_.resize(slots);
  slot_short_channel_id_.resize(slots);
  slot_to_.resize(slots);
  std::vector<std::size_t> cursor(in_begin_.begin(), in_begin_.end() - 1);
  for (const route::ChannelEdge& e : edges) {
    if (!usable(e)) continue;
    const u32 to = index(e.to);
    const std::size_t slot = cursor[to]++;
    in_edges_[slot] = InEdge{e.htlc_minimum, std::min(e.htlc_maximum, e.capacity), e.fee_base, e.fee_ppm,
                             e.cltv_delta, index(e.from)};
    slot_short_channel_id_[slot] = e.short_channel_id;
    slot_to_[slot] = to;
  }
}

std::optional<u32> Router::search_index(u32 node) const {
  const auto at = std::lower_bound(nodes_.begin(), nodes_.end(), node);
  if (at == nodes_.end() || *at != node) return std::nullopt;
  return static_cast<u32>(at - nodes_.begin());
}

RouteError Router::check_graph(const route::RoutingContext& ctx) const {
  // The running minimum only falls: the edges before the first CN-GRAPH-4 failure are a prefix.
  const auto first_low = std::partition_point(cltv_delta_prefix_min_.begin(), cltv_delta_prefix_min_.end(),
                                              [&](u64 least) { return least >= ctx.min_cltv_delta; });
  if (first_low != cltv_delta_prefix_min_.end()) return RouteError::graph_cltv_delta;
  return structural_error_;
}

// ---------------------------------------------------------------------------------------------
// Routing.

RouteResult Router::find_route(u32 payer, u32 payee, u64 amount, const route::RoutingContext& ctx,
                               u32 risk_factor) const {
  if (const RouteError e = check_graph(ctx); e != RouteError::none) return e;
  // Verify: payer < node_count and payee < node_count [CN-FIND-1]
  if (payer >= node_count_ || payee >= node_count_) return RouteError::find_unknown_node;
  // Verify: payer != payee [CN-FIND-2]
  if (payer == payee) return RouteError::find_self_payment;
  // A payee no usable edge touches settles alone; a payer no usable edge touches is never labelled.
  const std::optional<u32> payer_index = search_index(payer);
  const std::optional<u32> payee_index = search_index(payee);
  // Verify: the search reaches the payer [CN-FIND-3]
  if (!payer_index || !payee_index) return RouteError::find_no_route;
  return search(*payer_index, *payee_index, amount, ctx, risk_factor, scratch_for_this_thread());
}

// The spec's steps 1 to 4, as the reference runs them, on search indices (nodes_[i] is node i's id).
RouteResult Router::search(u32 payer, u32 payee, u64 amount, const route::RoutingContext& ctx, u32 risk_factor,
                           Scratch& scratch) const {
  scratch.begin(static_cast<u32>(nodes_.size()));
  std::vector<u32>& state = scratch.state;
  std::vector<Scratch::Label>& labels = scratch.labels;
  const u32 labelled = scratch.labelled();
  const u32 settled = scratch.settled();

  // Step 1: the payee's label, none if its expiry overflows.
  const Checked final_expiry = checked_add(ctx.height, ctx.final_cltv_delta);
  // Verify: the search reaches the payer [CN-FIND-3]
  if (final_expiry.overflow) return RouteError::find_no_route;
  labels[payee] = Scratch::Label{0, amount, final_expiry.value, 0, 0};
  state[payee] = labelled;
  scratch.push(0, payee);
  const u128 max_expiry = u128{ctx.height} + ctx.max_expiry_blocks;

  while (true) {
    // Step 2: settle the least (cost, node id); an entry a later improvement replaced is skipped.
    // Verify: the search reaches the payer [CN-FIND-3]
    if (scratch.heap.empty()) return RouteError::find_no_route;
    const Scratch::HeapEntry least = scratch.pop();
    const u32 v = least.node;
    if (state[v] != labelled || labels[v].cost != least.cost) continue;
    state[v] = settled;
    if (v == payer) break;

    // Step 3, with the skips that depend only on v taken once for all its edges.
    const Scratch::Label from_v = labels[v];
    const u64 a = from_v.amount;  // the lock on every edge into v
    const u64 x = from_v.expiry;
    if (from_v.hops + 1 > route::max_route_hops || a < ctx.dust_limit || u128{x} > max_expiry) continue;
    // x - height <= max_expiry_blocks < 2^32 and risk_factor < 2^32: their product fits in 64 bits.
    const u64 risk_scale = (x - ctx.height) * risk_factor;
    const u128 cost_to_v = from_v.cost + mul_div<route::risk_denominator>(a, risk_scale);
    const u32 hops = from_v.hops + 1;
    for (std::size_t slot = in_begin_[v]; slot < in_begin_[v + 1]; ++slot) {
      const InEdge& e = in_edges_[slot];
      const u32 u = e.from;
      if (state[u] == settled || a < e.htlc_minimum || a > e.amount_limit) continue;
      Scratch::Label candidate{cost_to_v, a, x, static_cast<u32>(slot), hops};
      if (u != payer) {  // a forwarder: it must receive a + f until x + cltv_delta
        const u128 f = u128{e.fee_base} + mul_div<route::fee_ppm_denominator>(a, e.fee_ppm);
        const u128 received = u128{a} + f;
        const u128 received_expiry = u128{x} + e.cltv_delta;
        if (received > u64_max || received_expiry > u64_max) continue;
        candidate.cost += f;
        candidate.amount = static_cast<u64>(received);
        candidate.expiry = static_cast<u64>(received_expiry);
      }
      if (state[u] == labelled && !(candidate.cost < labels[u].cost)) continue;
      labels[u] = candidate;
      state[u] = labelled;
      scratch.push(candidate.cost, u);
    }
  }

  // Step 4: follow `next` from the payer.
  route::Route found;
  found.hops.reserve(labels[payer].hops);
  for (u32 w = payer; w != payee;) {
    const u32 slot = labels[w].next;
    const u32 to = slot_to_[slot];
    found.hops.push_back(
        route::RouteHop{slot_short_channel_id_[slot], nodes_[w], nodes_[to], labels[to].amount, labels[to].expiry});
    w = to;
  }
  return found;
}

std::vector<RouteResult> Router::find_routes(std::span<const RouteQuery> queries, unsigned threads) const {
  std::vector<RouteResult> results(queries.size(), RouteResult(route::Route{}));
  const auto run = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const RouteQuery& q = queries[i];
      results[i] = find_route(q.payer, q.payee, q.amount, q.ctx, q.risk_factor);
    }
  };
  if (threads == 1) {
    run(0, queries.size());
    return results;
  }
  // A query is a whole search, milliseconds on a large graph: one query per task.
  detail::in_arena(threads, [&] { detail::for_each_chunk(queries.size(), 1, true, run); });
  return results;
}

}  // namespace l2::opt::channel_network
