// The channel network's lock adjudicator: co-signed updates per second through the hub with locks
// (l2::opt::channel_network::Hub), with its baselines in the same run.
//
// The stream: 4096 valid co-signed updates spread over 1024 active channels (4 per channel, so
// every one is accepted), each channel's four the states after a lock add, a lock add, a lock
// fulfill and a lock fulfill: each state carries 0, 1 or 2 locks, hash and point locks alternating,
// with expiries in range. Every case is wall-clock (UseRealTime); items_per_second counts updates.
//
//   BM_channel_network_verify/libsecp256k1: bare secp256k1_schnorrsig_verify on one thread, key
//     already parsed, over the stream's own signatures: the hardware limit, in signatures/s.
//   BM_channel_network_update/hub_2threads and /hub_1thread: Hub::process over the stream, on a
//     TBB arena of 2 or 1 threads, on a fresh copy of the loaded hub each time (keys parsed once,
//     outside the timing; the copy, a fraction of a millisecond, inside it).
//   BM_channel_network_update/reference: the fold of ref::channel_network::apply_update with its
//     own BIP-340 (Bip340Check) over the same stream.
//
// The target: every update carries two signatures and the hub must verify both, so on T threads
// the most it can do is T x (one-thread verify rate) / 2 updates/s; with 2 threads that is exactly
// the one-thread verify rate. The hub cases report the one-thread rate of the same bare verify,
// measured between their own iterations (verify_per_s_1thread, 256 signatures after each
// iteration, timing paused: bench/bare_verify.hpp, as BM_payment_channel_update does), the limit
// derived from it (limit_updates_per_s) and fraction_of_limit = the hub's updates/s divided by that
// limit. The target is fraction_of_limit >= 0.85 at 2 threads: the digests, the point
// conditions' decompression and the sequential pass must cost next to nothing beside the
// verifications. The limit assumes T idle cores: while another process holds a core, the 2-thread
// fraction drops for reasons outside the hub.
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <variant>
#include <vector>

#include "bare_verify.hpp"
#include "l2/opt/channel_network_hub.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/ref/channel_network.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sha256.hpp"

namespace {

using l2::Hash32;
using l2::NetworkError;
using l2::u64;
using l2::u8;
namespace network = l2::ref::channel_network;
namespace hub = l2::opt::channel_network;
using l2::bench::BareSignature;
using l2::bench::UpdateBackend;

constexpr std::size_t channel_count = 1024;
constexpr std::size_t updates_per_channel = 4;
constexpr std::size_t update_count = channel_count * updates_per_channel;
constexpr u64 capacity = 1'000'000;
constexpr u64 open_height = 100;
constexpr u64 update_height = 101;
constexpr u64 lock_amount = 10'000;

struct Workload {
  network::NetworkAdjudicator active;  // channel_count open channels, each between two fresh keys
  std::vector<hub::NetworkItem> updates;  // round r of channel c at r * channel_count + c
};

// A lock's condition: a hash lock for even `index`, a point lock (compress(t * G), from
// libsecp256k1) for odd, the secret drawn from `seed`.
network::LockCondition condition_of(const secp256k1_context* context, const l2::Bytes& seed, std::size_t index) {
  const Hash32 secret = l2::ref::bip340::secret_from_seed(seed, static_cast<l2::u32>(index));
  if (index % 2 == 0) return network::hash_lock(l2::ref::sha256(secret));
  secp256k1_pubkey point;
  network::LockCondition condition{};  // a malformed condition if the secret is no scalar: rejected below
  std::size_t length = condition.size();
  if (secp256k1_ec_pubkey_create(context, &point, secret.data()) == 1)
    secp256k1_ec_pubkey_serialize(context, condition.data(), &length, &point, SECP256K1_EC_COMPRESSED);
  return condition;
}

std::array<network::Signature, 2> cosign(const std::array<Hash32, 2>& secrets, const Hash32& digest) {
  return {l2::opt::schnorr::sign(secrets[0], digest, Hash32{}).value(),
          l2::opt::schnorr::sign(secrets[1], digest, Hash32{}).value()};
}

// Deterministic from a fixed seed; built once (about 10k signatures: 2 per open, 2 per update).
const Workload& workload() {
  static const Workload made = [] {
    Workload w;
    const l2::Bytes seed = l2::bytes_of("BM_channel_network_update");
    network::NetworkAdjudicator empty{};
    empty.chain_id = 1;
    empty.adjudicator_id = l2::ref::tagged_hash("bench/network_adjudicator", seed);
    empty.config = network::NetworkConfig{6, 144, 1000, capacity, 1, 483, 40, 2016};
    const network::ChannelTerms terms{1, capacity, 8};
    const std::array<u64, 2> opening_balances{capacity / 2, capacity / 2};

    std::vector<std::array<Hash32, 2>> secrets(channel_count);
    std::vector<Hash32> ids(channel_count);
    std::vector<hub::NetworkItem> opens;
    for (std::size_t c = 0; c < channel_count; ++c) {
      std::array<Hash32, 2> keys{};
      for (std::size_t k = 0; k < 2; ++k) {
        secrets[c][k] = l2::ref::bip340::secret_from_seed(seed, static_cast<l2::u32>(2 * c + k));
        keys[k] = l2::opt::schnorr::pubkey_from_secret(secrets[c][k]).value();
      }
      ids[c] = network::channel_id(empty.chain_id, empty.adjudicator_id, keys, 0);
      const Hash32 digest = network::open_digest(empty.chain_id, ids[c], terms, capacity, opening_balances);
      const network::OpenInput open{keys, terms, opening_balances, capacity, 0, capacity, cosign(secrets[c], digest)};
      opens.push_back(hub::NetworkItem::of<network::Open>(open, open_height));
    }
    hub::Hub loader(empty, 1);
    loader.process(opens, 1);  // a rejected open shows as "a valid update was rejected" below
    w.active = loader.to_adjudicator();

    // Each channel: add a lock from participant 0, add one from participant 1, fulfill the first,
    // fulfill the second. Round r of every channel before round r + 1 of any.
    std::vector<network::LockedState> states(channel_count, network::LockedState{0, opening_balances, {}, 0});
    const l2::Bytes lock_seed = l2::bytes_of("BM_channel_network_update/locks");
    secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    w.updates.reserve(update_count);
    for (std::size_t round = 0; round < updates_per_channel; ++round) {
      for (std::size_t c = 0; c < channel_count; ++c) {
        network::LockedState& state = states[c];
        ++state.sequence;
        if (round < 2) {
          const u8 sender = static_cast<u8>(round);
          const network::LockCondition condition = condition_of(context, lock_seed, 2 * c + round);
          state.balances[sender] -= lock_amount;
          state.locks.push_back(
              network::Lock{state.next_lock_id, sender, lock_amount, condition, update_height + 100 + round});
          ++state.next_lock_id;
        } else {
          const network::Lock lock = state.locks.front();
          state.balances[network::receiver_of(lock)] += lock.amount;
          state.locks.erase(state.locks.begin());
        }
        const Hash32 digest = network::state_digest(empty.chain_id, ids[c], state);
        const network::StateInput in{ids[c], state, cosign(secrets[c], digest)};
        w.updates.push_back(hub::NetworkItem::of<network::Update>(in, update_height));
      }
    }
    secp256k1_context_destroy(context);
    return w;
  }();
  return made;
}

const std::vector<BareSignature>& bare_signatures() {
  static const std::vector<BareSignature> made = [] {
    const Workload& w = workload();
    secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    std::vector<BareSignature> out;
    for (const hub::NetworkItem& item : w.updates) {
      const auto& in = std::get<network::StateInput>(item.input());
      const network::LockedChannel& channel = w.active.channels[*network::find_channel(w.active, in.channel_id)];
      const Hash32 digest = network::state_digest(w.active.chain_id, in.channel_id, in.state);
      for (std::size_t k = 0; k < 2; ++k) {
        BareSignature s{};
        if (secp256k1_xonly_pubkey_parse(context, &s.key, channel.participants[k].data()) != 1) continue;
        s.digest = digest;
        s.signature = in.signatures[k];
        out.push_back(s);
      }
    }
    secp256k1_context_destroy(context);
    return out;
  }();
  return made;
}

void BM_channel_network_verify(benchmark::State& state) { l2::bench::run_bare_verify(state, bare_signatures()); }
BENCHMARK(BM_channel_network_verify)->Name("BM_channel_network_verify/libsecp256k1")->UseRealTime();

// The hub on a fresh copy of the loaded channels each time: the stream's sequences only move
// forward once. Returns the number of rejections.
std::size_t run_hub(const hub::Hub& loaded, const std::vector<hub::NetworkItem>& stream, unsigned threads) {
  hub::Hub engine = loaded;
  const std::vector<NetworkError> errors = engine.process(stream, threads);
  benchmark::DoNotOptimize(errors.data());
  std::size_t rejected = 0;
  for (const NetworkError e : errors) rejected += e == NetworkError::none ? 0 : 1;
  return rejected;
}

// The reference's fold of apply_update (its own BIP-340, a copy of the adjudicator per step).
std::size_t run_reference(const network::NetworkAdjudicator& active, const std::vector<hub::NetworkItem>& stream) {
  network::NetworkAdjudicator adjudicator = active;
  std::size_t rejected = 0;
  for (const hub::NetworkItem& item : stream) {
    auto next = network::apply_update(adjudicator, std::get<network::StateInput>(item.input()), network::Env{item.height()});
    if (!next.ok()) {
      ++rejected;
      continue;
    }
    adjudicator = std::move(next).value();
  }
  benchmark::DoNotOptimize(adjudicator.channels.data());
  return rejected;
}

void BM_channel_network_update(benchmark::State& state, UpdateBackend backend) {
  const Workload& w = workload();
  const hub::Hub loaded(w.active, backend == UpdateBackend::hub_2threads ? 2 : 1);  // keys parsed once, outside the timing
  l2::bench::run_update_benchmark(
      state, backend, w.updates.size(), 2, bare_signatures(),
      [&](unsigned threads) { return run_hub(loaded, w.updates, threads); },
      [&] { return run_reference(w.active, w.updates); });
}
BENCHMARK_CAPTURE(BM_channel_network_update, hub_2threads, UpdateBackend::hub_2threads)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_channel_network_update, hub_1thread, UpdateBackend::hub_1thread)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_channel_network_update, reference, UpdateBackend::reference)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
