// BOLT 4 onion peeling, one thread: what a forwarding node does for every HTLC it receives.
//   BM_channel_network_onion/reference: l2::ref::channel_network::onion::peel_onion (readable
//     SHA-256, HMAC, ChaCha20 and secp256k1).
//   BM_channel_network_onion/optimized: l2::opt::channel_network::onion::peel_onion (libsecp256k1
//     ECDH and blinding, OpenSSL ChaCha20 and HMAC-SHA256).
// The onion is a fixed 5-hop one (payloads of 18, 82, 18, 18 and 272 bytes, as in BOLT 4's test
// vector, with 32 bytes of associated data), built once from fixed keys; every iteration peels the
// first hop's layer: one ECDH, two HMAC keys, an HMAC over 1332 bytes, 2600 bytes of ChaCha20, and
// the blinding of the next ephemeral key. items_per_second counts peels per second.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "l2/opt/channel_network_onion.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_network_onion.hpp"

namespace {

namespace onion = l2::ref::channel_network::onion;
using l2::Bytes;
using l2::Hash32;
using l2::u8;

struct Layer {
  Hash32 node_key{};
  onion::Packet packet{};
  Bytes associated_data;
};

// A valid secret from the generator: 0 and values >= n have probability about 2^-128, and a
// fixed seed makes neither.
Hash32 random_key(std::mt19937_64& rng) {
  Hash32 key{};
  for (u8& b : key) b = static_cast<u8>(rng());
  return key;
}

// The first hop's node key and the packet it receives, built once by the reference.
const Layer& first_layer() {
  static const Layer layer = [] {
    std::mt19937_64 rng(0x6f6e696f6e);  // "onion"
    Layer made;
    const Hash32 session_key = random_key(rng);
    std::vector<Hash32> node_keys;
    std::vector<onion::Hop> hops;
    for (const std::size_t size : {18, 82, 18, 18, 272}) {
      node_keys.push_back(random_key(rng));
      const auto point = onion::scale(l2::ref::secp256k1::from_be_bytes(node_keys.back()), l2::ref::secp256k1::generator);
      Bytes payload(size);
      for (u8& b : payload) b = static_cast<u8>(rng());
      hops.push_back({onion::compress(*point), payload});
    }
    made.associated_data.resize(32);
    for (u8& b : made.associated_data) b = static_cast<u8>(rng());
    made.node_key = node_keys[0];
    made.packet = onion::create_onion(session_key, hops, made.associated_data).value().packet;
    return made;
  }();
  return layer;
}

enum class Backend { reference, optimized };

void BM_channel_network_onion(benchmark::State& state, Backend backend) {
  const Layer& layer = first_layer();
  for (auto _ : state) {
    const auto peeled = backend == Backend::reference
                            ? onion::peel_onion(layer.node_key, layer.packet, layer.associated_data)
                            : l2::opt::channel_network::onion::peel_onion(layer.node_key, layer.packet, layer.associated_data);
    if (!peeled.ok() || !peeled->next) {
      state.SkipWithError("the first hop's layer did not peel to a next packet");
      return;
    }
    benchmark::DoNotOptimize(peeled->next->data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

}  // namespace

BENCHMARK_CAPTURE(BM_channel_network_onion, reference, Backend::reference)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_network_onion, optimized, Backend::optimized)->Unit(benchmark::kMicrosecond);
