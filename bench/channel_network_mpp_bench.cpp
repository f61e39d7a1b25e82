// The multi-part payment planner (l2::opt::channel_network::plan_payment) on the Lightning-sized
// graph of channel_network_graph.hpp (16,384 nodes, 81,920 channels, fixed seed).
//
//   BM_channel_network_mpp/optimized: planned payments per second (items_per_second), wall clock,
//     for 8 payments whose amounts no single route can carry: payer and payee are drawn from a
//     fixed seed among nodes with at least 4 channels, and the amount is 10% above the larger of
//     the payer's best outgoing and the payee's best incoming room (min(capacity, htlc_maximum)),
//     which bounds every single route. Counters: planned_fraction (payments for which a plan was
//     found), parts_per_payment (mean parts of the plans found), fee_ppm (their mean fee against
//     the amount). Every plan found is checked against the reference's contract
//     (route::check_payment_plan) outside the timing; a plan that fails it is an error.
//
// No target: the issue asks for the rate and the parts per payment.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <vector>

#include "channel_network_graph.hpp"
#include "l2/opt/channel_network_mpp.hpp"
#include "l2/ref/channel_network_route.hpp"

namespace {

namespace route = l2::ref::channel_network::route;
namespace graphs = l2::bench::channel_network;
using l2::u32;
using l2::u64;

struct Payment {
  u32 payer;
  u32 payee;
  u64 amount;
};

std::vector<Payment> payments_beyond_one_route(const route::ChannelGraph& graph, std::size_t count) {
  std::vector<u64> best_out(graph.node_count, 0), best_in(graph.node_count, 0);
  std::vector<u32> degree(graph.node_count, 0);
  for (const route::ChannelEdge& e : graph.edges) {
    const u64 room = std::min(e.capacity, e.htlc_maximum);
    best_out[e.from] = std::max(best_out[e.from], room);
    best_in[e.to] = std::max(best_in[e.to], room);
    ++degree[e.from];
  }
  graphs::SplitMix64 rng(0x6d7070);  // "mpp"
  std::vector<Payment> payments;
  while (payments.size() < count) {
    const u32 payer = static_cast<u32>(rng.below(graph.node_count));
    const u32 payee = static_cast<u32>(rng.below(graph.node_count));
    if (payer == payee || degree[payer] < 4 || degree[payee] < 4) continue;
    const u64 single_route_bound = std::min(best_out[payer], best_in[payee]);
    payments.push_back(Payment{payer, payee, single_route_bound + single_route_bound / 10});
  }
  return payments;
}

void BM_channel_network_mpp_optimized(benchmark::State& state) {
  const route::ChannelGraph graph = graphs::make_graph(1);
  const route::RoutingContext ctx = graphs::bench_context();
  const std::vector<Payment> payments = payments_beyond_one_route(graph, 8);
  std::size_t planned = 0, parts = 0, attempts = 0;
  double fee_ppm = 0;
  for (auto _ : state) {
    for (const Payment& p : payments) {
      const auto plan = l2::opt::channel_network::plan_payment(graph, p.payer, p.payee, p.amount, ctx);
      ++attempts;
      if (!plan) continue;
      state.PauseTiming();
      const auto summary = route::check_payment_plan(graph, *plan, p.payer, p.payee, p.amount, ctx);
      if (!summary) {
        state.SkipWithError("a plan fails the reference's contract");
        return;
      }
      ++planned;
      parts += plan->parts.size();
      fee_ppm += 1e6 * static_cast<double>(summary->fee) / static_cast<double>(p.amount);
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(attempts));
  state.counters["planned_fraction"] = attempts == 0 ? 0 : static_cast<double>(planned) / static_cast<double>(attempts);
  state.counters["parts_per_payment"] = planned == 0 ? 0 : static_cast<double>(parts) / static_cast<double>(planned);
  state.counters["fee_ppm"] = planned == 0 ? 0 : fee_ppm / static_cast<double>(planned);
}
BENCHMARK(BM_channel_network_mpp_optimized)->Name("BM_channel_network_mpp/optimized")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
