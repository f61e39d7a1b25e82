// The state-channel adjudicator: supported-state updates per second through the batch engine
// (l2::opt::state_channel::Engine), for 2-, 3- and 8-party channels, with its baselines in the same
// run.
//
// The stream, for n parties (the benchmark argument): 256 open channels of the consensus
// application, each between n fresh keys, and 4 checkpoints per channel, each a one-state proof of
// the next turn signed by all n participants (round r of every channel before round r + 1 of any),
// so every one is accepted and each carries n signatures. Every case is wall-clock (UseRealTime);
// items_per_second counts updates.
//
//   BM_state_channel_verify/libsecp256k1: bare secp256k1_schnorrsig_verify on one thread, key
//     already parsed, over the 8-party stream's own signatures: the hardware limit, in signatures/s.
//   BM_state_channel_update/batch_2threads/<n> and /batch_1thread/<n>: Engine::process over the
//     stream, on a TBB arena of 2 or 1 threads, on a fresh copy of the loaded engine each time (the
//     copy, a fraction of a millisecond, inside the timing; so are the parsing of every key the
//     stream names and every digest).
//   BM_state_channel_update/reference/<n>: the fold of ref::state_channel::apply_checkpoint with its
//     own BIP-340 (Bip340Check) over the same stream.
//
// The target (issue 12): an update carries n signatures and the engine must verify all of them, so
// on T threads the most it can do is T x (one-thread verify rate) / n updates/s. The batch cases
// report the one-thread rate of the same bare verify, measured between their own iterations
// (verify_per_s_1thread: bench/bare_verify.hpp), the limit derived from it (limit_updates_per_s)
// and fraction_of_limit, the engine's updates/s over that limit. The target is fraction_of_limit
// >= 0.85 at 2 threads, for each n. The limit assumes T idle cores: while another process holds a
// core, the 2-thread fraction drops for reasons outside the engine.
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include <cstddef>
#include <map>
#include <variant>
#include <vector>

#include "bare_verify.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/opt/state_channel.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/state_channel.hpp"

namespace {

using l2::Hash32;
using l2::StateChannelError;
using l2::u64;
namespace sc = l2::ref::state_channel;
namespace engine = l2::opt::state_channel;
using l2::bench::BareSignature;
using l2::bench::UpdateBackend;

constexpr std::size_t channel_count = 256;
constexpr std::size_t updates_per_channel = 4;
constexpr u64 open_height = 100;
constexpr u64 update_height = 101;
constexpr u64 funding = 1000;

struct Workload {
  sc::Adjudicator active;            // channel_count open channels of n fresh keys each
  std::vector<engine::Item> updates;  // round r of channel c at r * channel_count + c
  std::vector<BareSignature> bare;    // every signature of the updates, key parsed
};

// Deterministic from a fixed seed; built once per n.
const Workload& workload(std::size_t parties) {
  static std::map<std::size_t, Workload> made;
  if (const auto it = made.find(parties); it != made.end()) return it->second;
  Workload& w = made[parties];
  const l2::Bytes seed = l2::bytes_of("BM_state_channel_update");
  sc::Adjudicator empty = sc::deploy(sc::DeployInput{1, l2::ref::tagged_hash("bench/state_channel", seed),
                                                     sc::StateChannelConfig{6, 144, 2016, 8, 64, 100'000}})
                              .value();
  std::vector<std::vector<Hash32>> secrets(channel_count);
  std::vector<sc::FixedPart> fixed(channel_count);
  std::vector<engine::Item> opens;
  const auto sign_all = [&](std::size_t c, const sc::VariablePart& state) {
    const Hash32 digest = sc::state_digest(sc::channel_id(fixed[c]), state);
    std::vector<sc::Signature> out;
    for (const Hash32& secret : secrets[c]) out.push_back(l2::opt::schnorr::sign(secret, digest, Hash32{}).value());
    return out;
  };
  for (std::size_t c = 0; c < channel_count; ++c) {
    fixed[c] = sc::FixedPart{empty.chain_id, empty.adjudicator_id, {}, c, sc::consensus_app, 144};
    for (std::size_t k = 0; k < parties; ++k) {
      secrets[c].push_back(l2::ref::bip340::secret_from_seed(seed, static_cast<l2::u32>(parties * 1000 * c + k)));
      fixed[c].participants.push_back(l2::opt::schnorr::pubkey_from_secret(secrets[c].back()).value());
    }
    const sc::VariablePart opening{0, {}, std::vector<u64>(parties, funding), false};
    opens.push_back(engine::Item::of<sc::Open>(sc::OpenInput{fixed[c], sc::SignedState{opening, sign_all(c, opening)}},
                                               open_height));
  }
  engine::Engine loader(empty);
  loader.process(opens, 1);  // a rejected open shows as "a valid update was rejected" below
  w.active = loader.to_adjudicator();

  secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  for (std::size_t round = 0; round < updates_per_channel; ++round) {
    for (std::size_t c = 0; c < channel_count; ++c) {
      // Turn round + 1: participant 0 pays participant 1 one unit per round.
      std::vector<u64> outcome(parties, funding);
      outcome[0] -= round + 1;
      outcome[1] += round + 1;
      const sc::VariablePart state{round + 1, {}, outcome, false};
      const sc::SignedState signed_state{state, sign_all(c, state)};
      const Hash32 id = sc::channel_id(fixed[c]);
      w.updates.push_back(engine::Item::of<sc::Checkpoint>(sc::SupportInput{id, {signed_state}}, update_height));
      for (std::size_t k = 0; k < parties; ++k) {
        BareSignature s{};
        if (secp256k1_xonly_pubkey_parse(context, &s.key, fixed[c].participants[k].data()) != 1) continue;
        s.digest = sc::state_digest(id, state);
        s.signature = signed_state.signatures[k];
        w.bare.push_back(s);
      }
    }
  }
  secp256k1_context_destroy(context);
  return w;
}

void BM_state_channel_verify(benchmark::State& state) { l2::bench::run_bare_verify(state, workload(8).bare); }
BENCHMARK(BM_state_channel_verify)->Name("BM_state_channel_verify/libsecp256k1")->UseRealTime();

// The engine on a fresh copy of the loaded channels each time: the turns only move forward once.
// Returns the number of rejections.
std::size_t run_batch(const engine::Engine& loaded, const std::vector<engine::Item>& stream, unsigned threads) {
  engine::Engine copy = loaded;
  const std::vector<StateChannelError> errors = copy.process(stream, threads);
  benchmark::DoNotOptimize(errors.data());
  std::size_t rejected = 0;
  for (const StateChannelError e : errors) rejected += e == StateChannelError::none ? 0 : 1;
  return rejected;
}

// The reference's fold of apply_checkpoint (its own BIP-340, a copy of the adjudicator per step).
std::size_t run_reference(const sc::Adjudicator& active, const std::vector<engine::Item>& stream) {
  sc::Adjudicator adjudicator = active;
  std::size_t rejected = 0;
  for (const engine::Item& item : stream) {
    auto next = sc::Checkpoint::apply(adjudicator, std::get<sc::SupportInput>(item.input()), sc::Env{item.height()});
    if (!next.ok()) {
      ++rejected;
      continue;
    }
    adjudicator = std::move(next).value();
  }
  benchmark::DoNotOptimize(adjudicator.channels.data());
  return rejected;
}

void BM_state_channel_update(benchmark::State& state, UpdateBackend backend) {
  const std::size_t parties = static_cast<std::size_t>(state.range(0));
  const Workload& w = workload(parties);
  const engine::Engine loaded(w.active);
  l2::bench::run_update_benchmark(
      state, backend, w.updates.size(), parties, w.bare,
      [&](unsigned threads) { return run_batch(loaded, w.updates, threads); },
      [&] { return run_reference(w.active, w.updates); });
}
BENCHMARK_CAPTURE(BM_state_channel_update, batch_2threads, UpdateBackend::hub_2threads)
    ->Arg(2)->Arg(3)->Arg(8)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_state_channel_update, batch_1thread, UpdateBackend::hub_1thread)
    ->Arg(2)->Arg(3)->Arg(8)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_state_channel_update, reference, UpdateBackend::reference)
    ->Arg(2)->Arg(3)->Arg(8)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
