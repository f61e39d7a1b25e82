// The optimized multi-part planner held to the reference's contract (spec:
// channel_network.md#multi-part-payments), with the contract's clauses recomputed here rather than
// taken from check_payment_plan, which the planner also calls:
//   (a) every plan has 1 to 16 parts, each accepted by validate_route from the payer to the payee,
//       their delivered amounts summing to the amount, and, edge by edge, their locked amounts
//       summing to at most the capacity;
//   (b) whenever a single route carries the amount (find_route), the planner finds a plan;
//   (c) on k disjoint paths that each carry only part of the amount, it splits the amount and finds
//       a plan with at least two parts; with one unit less of room in total, it finds none.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <utility>
#include <vector>

#include "l2/opt/channel_network_mpp.hpp"
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

constexpr RoutingContext context{1000, 1, 10, 18, 2000};

// Clause (a), recomputed.
void check_contract(const ChannelGraph& graph, const route::PaymentPlan& plan, u32 payer, u32 payee, u64 amount) {
  RC_ASSERT(!plan.parts.empty());
  RC_ASSERT(plan.parts.size() <= route::max_payment_parts);
  u64 delivered = 0;
  std::map<std::pair<u64, u32>, u64> locked;
  for (const route::Route& part : plan.parts) {
    const auto summary = route::validate_route(graph, part, context);
    RC_ASSERT(summary.ok());
    RC_ASSERT(part.hops.front().from == payer);
    RC_ASSERT(part.hops.back().to == payee);
    delivered += part.hops.back().amount;
    for (const route::RouteHop& hop : part.hops) locked[{hop.short_channel_id, hop.from}] += hop.amount;
  }
  RC_ASSERT(delivered == amount);
  for (const ChannelEdge& e : graph.edges) {
    const auto it = locked.find({e.short_channel_id, e.from});
    if (it != locked.end()) RC_ASSERT(it->second <= e.capacity);
  }
}

// A random graph of up to 7 nodes and 16 directed edges, cheap enough that plans are common.
rc::Gen<ChannelGraph> graph_gen() {
  return rc::gen::exec([] {
    const u32 nodes = *rc::gen::inRange<u32>(2, 8);
    ChannelGraph graph{nodes, {}};
    const std::size_t channels = *rc::gen::inRange<std::size_t>(1, 9);
    for (std::size_t c = 0; c < channels; ++c) {
      const u32 a = *rc::gen::inRange<u32>(0, nodes);
      const u32 b = (a + *rc::gen::inRange<u32>(1, nodes)) % nodes;
      for (int direction = 0; direction < 2; ++direction) {
        ChannelEdge e;
        e.short_channel_id = 100 + c;
        e.from = direction == 0 ? a : b;
        e.to = direction == 0 ? b : a;
        e.capacity = *rc::gen::inRange<u64>(100, 5000);
        e.fee_base = *rc::gen::inRange<u64>(0, 5);
        e.fee_ppm = *rc::gen::element<u64>(u64{0}, u64{1000}, u64{10'000});
        e.cltv_delta = *rc::gen::inRange<u64>(10, 40);
        e.htlc_minimum = *rc::gen::inRange<u64>(0, 3);
        e.htlc_maximum = e.capacity;
        graph.edges.push_back(e);
      }
    }
    return graph;
  });
}

RC_GTEST_PROP(ChannelNetworkMpp, PlansMeetTheContractAndSingleRoutesAreNeverMissed, ()) {
  const ChannelGraph graph = *graph_gen();
  const u32 payer = *rc::gen::inRange<u32>(0, graph.node_count);
  const u32 payee = (payer + *rc::gen::inRange<u32>(1, graph.node_count)) % graph.node_count;
  const u64 amount = *rc::gen::inRange<u64>(1, 8000);
  const auto plan = opt::plan_payment(graph, payer, payee, amount, context);
  for (const ChannelEdge& e : graph.edges)
    RC_LOG() << e.short_channel_id << " " << e.from << "->" << e.to << " cap " << e.capacity << " base " << e.fee_base
             << " ppm " << e.fee_ppm << " min " << e.htlc_minimum << "\n";
  if (!plan.ok()) RC_LOG() << "error " << l2::error_info(plan.error()).code << "\n";
  RC_TAG(plan.ok() ? (plan->parts.size() > 1 ? "split" : "one part") : "no plan");
  if (plan.ok()) check_contract(graph, *plan, payer, payee, amount);
  if (route::find_route(graph, payer, payee, amount, context, 0).ok()) RC_ASSERT(plan.ok());
}

// k disjoint two-hop paths 0 -> i -> k + 1 of capacity `room` each, free of fees.
ChannelGraph parallel_paths(u32 k, u64 room) {
  ChannelGraph graph{k + 2, {}};
  for (u32 i = 1; i <= k; ++i) {
    graph.edges.push_back(ChannelEdge{2 * u64{i}, 0, i, room, 0, 0, 10, 1, room});
    graph.edges.push_back(ChannelEdge{2 * u64{i} + 1, i, k + 1, room, 0, 0, 10, 1, room});
  }
  return graph;
}

RC_GTEST_PROP(ChannelNetworkMpp, AnAmountNoSingleRouteCarriesIsSplit, ()) {
  const u32 k = *rc::gen::inRange<u32>(2, 6);
  const u64 room = *rc::gen::inRange<u64>(50, 10'000);
  const ChannelGraph graph = parallel_paths(k, room);
  const u64 amount = *rc::gen::inRange<u64>(room + 1, k * room + 1);
  RC_ASSERT(!route::find_route(graph, 0, k + 1, amount, context, 0).ok());
  const auto plan = opt::plan_payment(graph, 0, k + 1, amount, context, opt::PlanOptions{1, 4, 1'000'000, 8});
  RC_ASSERT(plan.ok());
  RC_ASSERT(plan->parts.size() >= 2);
  check_contract(graph, *plan, 0, k + 1, amount);
  // One more than the total room cannot be carried.
  RC_ASSERT(opt::plan_payment(graph, 0, k + 1, k * room + 1, context, opt::PlanOptions{1, 4, 1'000'000, 8}).error() ==
            RouteError::find_no_route);
}

TEST(ChannelNetworkMpp, RefusesWhatTheReferenceRefuses) {
  const ChannelGraph graph = parallel_paths(2, 100);
  EXPECT_EQ(opt::plan_payment(graph, 0, 9, 10, context).error(), RouteError::find_unknown_node);
  EXPECT_EQ(opt::plan_payment(graph, 1, 1, 10, context).error(), RouteError::find_self_payment);
  ChannelGraph looped = graph;
  looped.edges[0].to = looped.edges[0].from;
  EXPECT_EQ(opt::plan_payment(looped, 0, 3, 10, context).error(), RouteError::graph_self_loop);
  // Below the dust limit there is no part to send.
  const RoutingContext dusty{1000, 20, 10, 18, 2000};
  EXPECT_EQ(opt::plan_payment(graph, 0, 3, 19, dusty).error(), RouteError::find_no_route);
  EXPECT_TRUE(opt::plan_payment(graph, 0, 3, 20, dusty).ok());
}

}  // namespace
