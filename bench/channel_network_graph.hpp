// A deterministic channel graph for the routing benchmarks: scale-free, as the Lightning Network's
// graph is, and the same on every machine for a given seed.
//
// The PRNG is splitmix64 (Steele, Lea and Flood, 2014; the constants of Vigna's reference code),
// and a draw below `bound` is the high 64 bits of next() · bound (Lemire's multiply-shift, without
// the rejection step: its bias, below bound / 2^64, is irrelevant here). Every draw is made in a
// fixed order, so the graph depends on the seed alone.
//
// The default shape is 16,384 nodes and 81,920 channels: a complete core of 11 nodes (55
// channels), then each further node opens 5 channels to 5 distinct earlier nodes, each chosen with
// probability proportional to its degree (preferential attachment, Barabási–Albert: a uniform
// draw from the list of every channel's two endpoints). 55 + (16,384 - 11) · 5 = 81,920. Each
// channel is two directed edges with one short_channel_id (distinct across channels) and each
// direction its own prices and bounds:
//   capacity      the channel's, log-uniform in [10^4, 10^8] (the same for both directions)
//   fee_base      uniform in [0, 2000]
//   fee_ppm       uniform in [1, 5000]
//   cltv_delta    uniform in [ctx.min_cltv_delta, 144]
//   htlc_minimum  uniform in [ctx.dust_limit, 1000]
//   htlc_maximum  the capacity half the time, else uniform in [capacity / 10, capacity]
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "l2/ref/channel_network_route.hpp"

namespace l2::bench::channel_network {

namespace route = l2::ref::channel_network::route;

// splitmix64: a 64-bit state advanced by the golden-ratio increment, output through a mixer.
class SplitMix64 {
 public:
  explicit SplitMix64(u64 seed) : state_(seed) {}

  u64 next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    u64 z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound), bound > 0.
  u64 below(u64 bound) { return static_cast<u64>((route::u128{next()} * bound) >> 64); }
  // Uniform in [low, high].
  u64 between(u64 low, u64 high) { return low + below(high - low + 1); }
  // Uniform in [0, 1), 53 bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  u64 state_;
};

struct GraphShape {
  u32 node_count = 16'384;
  u32 core_nodes = 11;         // a complete graph to start from
  u32 channels_per_node = 5;   // opened by each node after the core, to distinct earlier nodes
};

// The context the benchmark routes under; the generator honours its dust_limit and min_cltv_delta.
inline route::RoutingContext bench_context() {
  route::RoutingContext ctx;
  ctx.height = 800'000;
  ctx.dust_limit = 354;
  ctx.min_cltv_delta = 18;
  ctx.final_cltv_delta = 40;
  ctx.max_expiry_blocks = 2016;
  return ctx;
}

// One direction of channel (a, b), priced as the head comment says.
inline route::ChannelEdge make_edge(SplitMix64& rng, u64 short_channel_id, u32 from, u32 to, u64 capacity,
                                    const route::RoutingContext& ctx) {
  route::ChannelEdge e;
  e.short_channel_id = short_channel_id;
  e.from = from;
  e.to = to;
  e.capacity = capacity;
  e.fee_base = rng.between(0, 2000);
  e.fee_ppm = rng.between(1, 5000);
  e.cltv_delta = rng.between(ctx.min_cltv_delta, 144);
  e.htlc_minimum = rng.between(ctx.dust_limit, 1000);
  e.htlc_maximum = rng.below(2) == 0 ? capacity : rng.between(capacity / 10, capacity);
  return e;
}

// The graph of `seed`: channels in the order they are opened, each channel's two directions
// together (a to b first, a the endpoint with the lower id).
inline route::ChannelGraph make_graph(u64 seed, const GraphShape& shape = {},
                                      const route::RoutingContext& ctx = bench_context()) {
  SplitMix64 rng(seed);
  route::ChannelGraph graph;
  graph.node_count = shape.node_count;
  std::vector<u32> endpoints;  // every channel's two endpoints: a uniform pick is degree-weighted
  u64 channel_index = 0;
  const auto open = [&](u32 a, u32 b) {
    // A BOLT 7-style short_channel_id: block height, transaction index, output index.
    const u64 short_channel_id = ((600'000 + channel_index / 1000) << 40) | ((channel_index % 1000) << 16);
    ++channel_index;
    const double log10_capacity = 4.0 + 4.0 * rng.unit();
    const u64 capacity = static_cast<u64>(std::pow(10.0, log10_capacity));
    graph.edges.push_back(make_edge(rng, short_channel_id, a, b, capacity, ctx));
    graph.edges.push_back(make_edge(rng, short_channel_id, b, a, capacity, ctx));
    endpoints.push_back(a);
    endpoints.push_back(b);
  };
  for (u32 a = 0; a < shape.core_nodes; ++a)
    for (u32 b = a + 1; b < shape.core_nodes; ++b) open(a, b);
  std::vector<u32> targets;
  for (u32 node = shape.core_nodes; node < shape.node_count; ++node) {
    targets.clear();
    while (targets.size() < shape.channels_per_node) {
      const u32 target = endpoints[rng.below(endpoints.size())];
      bool taken = false;
      for (const u32 t : targets) taken = taken || t == target;
      if (!taken) targets.push_back(target);
    }
    // The new node's endpoints join the list only once its channels are chosen.
    for (const u32 target : targets) open(target, node);
  }
  return graph;
}

// One random query: distinct payer and payee, an amount log-uniform in [10^3, 10^6].
struct Query {
  u32 payer;
  u32 payee;
  u64 amount;
};

inline std::vector<Query> make_queries(u64 seed, u32 node_count, std::size_t count) {
  SplitMix64 rng(seed);
  std::vector<Query> queries;
  for (std::size_t i = 0; i < count; ++i) {
    const u32 payer = static_cast<u32>(rng.below(node_count));
    const u32 payee = static_cast<u32>((payer + 1 + rng.below(node_count - 1)) % node_count);
    const u64 amount = static_cast<u64>(std::pow(10.0, 3.0 + 3.0 * rng.unit()));
    queries.push_back(Query{payer, payee, amount});
  }
  return queries;
}

}  // namespace l2::bench::channel_network
