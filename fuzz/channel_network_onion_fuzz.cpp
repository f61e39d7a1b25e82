// BOLT 4 onion peeling: the reference and the optimized engine (libsecp256k1, OpenSSL) must return
// the same error code, or the same payload, shared secret and next packet, for any node key,
// packet and associated data. Aborts on any disagreement.
// Input: a mode byte, the 32-byte node key, then by mode:
//   even: the 1366-byte packet as it is (missing bytes are zero), then the associated data;
//   odd:  the packet's 33-byte public key, then up to 1300 bytes of the decrypted hop_payloads
//         (the rest zero), then the associated data. The layer is encrypted and authenticated for
//         the node key as a sender would, so that random bytes get past the HMAC check and reach
//         the length rules (CN-PEEL-5 to 7) and the next packet's construction.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "l2/opt/channel_network_onion.hpp"
#include "l2/ref/channel_network_onion.hpp"

namespace {

namespace onion = l2::ref::channel_network::onion;

// Takes up to out.size() bytes from the front of `input`; what is missing stays zero.
void take(std::span<const std::uint8_t>& input, std::span<std::uint8_t> out) {
  const std::size_t n = std::min(input.size(), out.size());
  std::copy_n(input.begin(), n, out.begin());
  input = input.subspan(n);
}

// The packet a sender would build around `plain` for `node_key` (the reference's primitives),
// or the plain layer unauthenticated if the key or the point is invalid.
onion::Packet sealed_layer(const l2::Hash32& node_key, const onion::PublicKey& ephemeral, const l2::Bytes& plain,
                           std::span<const std::uint8_t> associated_data) {
  onion::Packet packet{};
  std::copy(ephemeral.begin(), ephemeral.end(), packet.begin() + 1);
  l2::Bytes hop_payloads = plain;
  const auto secret = l2::ref::secp256k1::from_be_bytes(node_key);
  const auto point = onion::decompress(ephemeral);
  if (l2::ref::secp256k1::is_valid_secret_scalar(secret) && point) {
    const l2::Hash32 shared = onion::shared_secret(*onion::scale(secret, *point));
    onion::xor_into(hop_payloads, onion::stream(onion::generate_key("rho", shared), onion::hop_payloads_size));
    l2::Bytes authenticated = hop_payloads;
    l2::append(authenticated, associated_data);
    const l2::Hash32 mac = l2::ref::hmac_sha256(onion::generate_key("mu", shared), authenticated);
    std::copy(mac.begin(), mac.end(), packet.begin() + 34 + onion::hop_payloads_size);
  }
  std::copy(hop_payloads.begin(), hop_payloads.end(), packet.begin() + 34);
  return packet;
}

bool same(const l2::Result<onion::Peeled, l2::OnionError>& a, const l2::Result<onion::Peeled, l2::OnionError>& b) {
  if (a.ok() != b.ok()) return false;
  if (!a.ok()) return a.error() == b.error();
  return a->payload == b->payload && a->shared_secret == b->shared_secret && a->next == b->next;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool crafted = (data[0] & 1) != 0;
  std::span<const std::uint8_t> input(data + 1, size - 1);
  l2::Hash32 node_key{};
  take(input, node_key);
  onion::Packet packet{};
  if (crafted) {
    onion::PublicKey ephemeral{};
    l2::Bytes plain(onion::hop_payloads_size, 0);
    take(input, ephemeral);
    take(input, plain);
    packet = sealed_layer(node_key, ephemeral, plain, input);
  } else {
    take(input, packet);
  }
  const auto expected = onion::peel_onion(node_key, packet, input);
  const auto got = l2::opt::channel_network::onion::peel_onion(node_key, packet, input);
  if (!same(expected, got)) std::abort();
  return 0;
}
