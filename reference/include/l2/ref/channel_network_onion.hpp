// The onion of a multi-hop payment: BOLT 4's Sphinx packet, version 0, byte for byte. The sender
// wraps one payload per hop; each hop peels its own layer with its node key, learns only its
// payload and the next packet, and checks the layer's HMAC; a failing hop returns an error packet
// that each hop back obfuscates and only the sender can read. Written for reading, over the
// reference SHA-256, HMAC-SHA256, ChaCha20 and secp256k1; not constant time.
// spec: channel_network.md#the-onion
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/chacha20_poly1305.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/hmac.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/secp256k1.hpp"
#include "l2/ref/sha256.hpp"

namespace l2 {

// Stable error codes of the onion (channel_network.md#onion-rules).
#define L2_ONION_ERRORS(X) \
  X(onion_no_hops, "CN-ONION-1", "an onion needs at least one hop") \
  X(onion_session_key, "CN-ONION-2", "the session key is 0 or not below the group order n") \
  X(onion_hop_key, "CN-ONION-3", "a hop's node id is not a compressed secp256k1 point") \
  X(onion_payload_too_short, "CN-ONION-4", "a hop payload is shorter than 2 bytes") \
  X(onion_too_long, "CN-ONION-5", "the hops' frames (length, payload, HMAC) exceed the 1300-byte hop_payloads") \
  X(onion_degenerate_key, "CN-ONION-6", "a blinded ephemeral key is the point at infinity") \
  X(peel_node_key, "CN-PEEL-1", "the node's secret key is 0 or not below the group order n") \
  X(peel_version, "CN-PEEL-2", "the packet's version byte is not 0") \
  X(peel_public_key, "CN-PEEL-3", "the packet's public key is not a compressed secp256k1 point") \
  X(peel_hmac, "CN-PEEL-4", "the packet's HMAC differs from HMAC(mu, hop_payloads || associated_data)") \
  X(peel_length_encoding, "CN-PEEL-5", "the payload length is not a minimally encoded bigsize") \
  X(peel_payload_too_short, "CN-PEEL-6", "the payload length is below 2") \
  X(peel_payload_too_long, "CN-PEEL-7", "the payload and its HMAC run past the 1300-byte hop_payloads") \
  X(error_message_too_long, "CN-ERR-1", "a failure message longer than 65535 bytes cannot be framed") \
  X(error_unattributed, "CN-ERR-2", "no hop's um key authenticates the returned error packet") \
  X(error_malformed, "CN-ERR-3", "the authenticated error packet's lengths do not match its size")
L2_ERROR_ENUM(OnionError, "CN_", L2_ONION_ERRORS)

namespace ref::channel_network::onion {

inline constexpr u8 version = 0;
inline constexpr std::size_t hop_payloads_size = 1300;
inline constexpr std::size_t hmac_size = 32;
inline constexpr std::size_t packet_size = 1 + 33 + hop_payloads_size + hmac_size;  // 1366
// The error packet pads failure message and padding to at least this many bytes together, so that
// its length does not reveal the failure.
inline constexpr std::size_t error_padded_size = 256;

using Packet = ByteArray<packet_size>;
using PublicKey = ByteArray<33>;  // a compressed secp256k1 point: 02 or 03, then x
using SecretKey = Hash32;

struct Hop {
  PublicKey node_id;
  Bytes payload;  // the hop's TLV payload, without its length prefix
};

// ---- Keys and streams (BOLT 4 "Key Generation", "Pseudo Random Byte Stream") ----

// HMAC-SHA256 keyed with the key type's ASCII bytes ("rho", "mu", "um", "pad", "ammag"), no
// terminating zero, over the 32-byte secret.
constexpr Hash32 generate_key(std::string_view key_type, const Hash32& secret) { return hmac_sha256(bytes_of(key_type), secret); }

// `length` bytes of ChaCha20 keystream under `key`, nonce zero, from block 0.
constexpr Bytes stream(const Hash32& key, std::size_t length) {
  return chacha20_poly1305::chacha20_xor(key, chacha20_poly1305::Nonce{}, 0, Bytes(length, 0));
}

constexpr void xor_into(std::span<u8> target, std::span<const u8> keystream) {
  for (std::size_t i = 0; i < target.size(); ++i) target[i] ^= keystream[i];
}

// ---- Points ----

constexpr PublicKey compress(const secp256k1::AffinePoint& point) {
  PublicKey out{};
  out[0] = secp256k1::is_odd(point.y) ? 0x03 : 0x02;
  const Hash32 x = secp256k1::to_be_bytes(point.x);
  for (std::size_t i = 0; i < 32; ++i) out[1 + i] = x[i];
  return out;
}

// The point a compressed key names, or nullopt if it names none.
constexpr std::optional<secp256k1::AffinePoint> decompress(const PublicKey& key) {
  if (key[0] != 0x02 && key[0] != 0x03) return std::nullopt;
  Hash32 x{};
  for (std::size_t i = 0; i < 32; ++i) x[i] = key[1 + i];
  const auto even = secp256k1::lift_x(secp256k1::from_be_bytes(x));
  if (!even) return std::nullopt;
  if (key[0] == 0x02) return even;
  return secp256k1::AffinePoint{even->x, secp256k1::field_negate(even->y)};
}

// scalar * point in affine form, or nullopt at infinity.
constexpr std::optional<secp256k1::AffinePoint> scale(const secp256k1::U256& scalar, const secp256k1::AffinePoint& point) {
  const secp256k1::JacobianPoint product = secp256k1::multiply(scalar, point);
  if (secp256k1::is_infinity(product)) return std::nullopt;
  return secp256k1::to_affine(product);
}

// BOLT 4 "Shared Secret": SHA256 of the compressed ECDH point (libsecp256k1's default ECDH hash).
constexpr Hash32 shared_secret(const secp256k1::AffinePoint& ecdh_point) { return sha256(compress(ecdh_point)); }

// BOLT 4 "Blinding Ephemeral Onion Keys": SHA256(ephemeral public key || shared secret).
constexpr secp256k1::U256 blinding_factor(const PublicKey& ephemeral, const Hash32& secret) {
  Bytes data(ephemeral.begin(), ephemeral.end());
  append(data, secret);
  return secp256k1::from_be_bytes(sha256(data));
}

// ---- Frames ----

// BOLT 1 bigsize: 1, 3, 5 or 9 bytes, big-endian after a 0xfd, 0xfe or 0xff marker.
constexpr Bytes bigsize(u64 value) {
  Bytes out;
  if (value < 0xfd) {
    out.push_back(static_cast<u8>(value));
  } else if (value <= 0xffff) {
    out.push_back(0xfd);
    for (int shift = 8; shift >= 0; shift -= 8) out.push_back(static_cast<u8>(value >> shift));
  } else if (value <= 0xffffffff) {
    out.push_back(0xfe);
    put_u32_be(out, static_cast<u32>(value));
  } else {
    out.push_back(0xff);
    put_u64_be(out, value);
  }
  return out;
}

// A hop's frame in hop_payloads: bigsize(length) || payload || the next hop's HMAC.
constexpr std::size_t frame_size(const Bytes& payload) { return bigsize(payload.size()).size() + payload.size() + hmac_size; }

// ---- Construction (BOLT 4 "Packet Construction", "Filler Generation") ----

// What the sender keeps: the packet for the first hop, and each hop's shared secret, with which
// it reads a returned error.
struct Onion {
  Packet packet{};
  std::vector<Hash32> shared_secrets;
};

// The filler: the tail of hop_payloads the last hop will see, which the hops before it fill in
// by shifting their layers off the front. Hop j appends frame_j zero bytes and XORs the whole
// filler with its rho stream at the offset those bytes occupy.
constexpr Bytes filler(const std::vector<Hop>& hops, const std::vector<Hash32>& secrets) {
  Bytes tail;
  for (std::size_t j = 0; j + 1 < hops.size(); ++j) {
    const std::size_t start = hop_payloads_size - tail.size();
    tail.resize(tail.size() + frame_size(hops[j].payload), 0);
    const Bytes keystream = stream(generate_key("rho", secrets[j]), 2 * hop_payloads_size);
    xor_into(tail, std::span<const u8>(keystream).subspan(start, tail.size()));
  }
  return tail;
}

constexpr Result<Onion, OnionError> create_onion(const SecretKey& session_key, const std::vector<Hop>& hops,
                                                 std::span<const u8> associated_data) {
  // Verify: the route has at least one hop [CN-ONION-1]
  if (hops.empty()) return OnionError::onion_no_hops;
  secp256k1::U256 ephemeral = secp256k1::from_be_bytes(session_key);
  // Verify: the session key is a valid secret scalar [CN-ONION-2]
  if (!secp256k1::is_valid_secret_scalar(ephemeral)) return OnionError::onion_session_key;
  std::size_t frames = 0;
  for (const Hop& hop : hops) {
    // Verify: every node id is a compressed point [CN-ONION-3]
    if (!decompress(hop.node_id)) return OnionError::onion_hop_key;
    // Verify: every payload is at least 2 bytes [CN-ONION-4]
    if (hop.payload.size() < 2) return OnionError::onion_payload_too_short;
    frames += frame_size(hop.payload);
  }
  // Verify: the frames fit in hop_payloads [CN-ONION-5]
  if (frames > hop_payloads_size) return OnionError::onion_too_long;

  // The ephemeral key, shared secret and blinding of each hop, in route order.
  Onion onion;
  PublicKey first_ephemeral{};
  for (std::size_t i = 0; i < hops.size(); ++i) {
    const auto ephemeral_point = scale(ephemeral, secp256k1::generator);
    const auto ecdh = scale(ephemeral, *decompress(hops[i].node_id));
    // Verify: blinding never reaches the point at infinity [CN-ONION-6]
    if (!ephemeral_point || !ecdh) return OnionError::onion_degenerate_key;
    const PublicKey ephemeral_key = compress(*ephemeral_point);
    if (i == 0) first_ephemeral = ephemeral_key;
    onion.shared_secrets.push_back(shared_secret(*ecdh));
    ephemeral = secp256k1::scalar_multiply(ephemeral, blinding_factor(ephemeral_key, onion.shared_secrets.back()));
  }

  // The layers, last hop first, over 1300 bytes of the pad key's stream.
  Bytes mix = stream(generate_key("pad", session_key), hop_payloads_size);
  const Bytes tail = filler(hops, onion.shared_secrets);
  Hash32 next_hmac{};  // all zero for the last hop: nothing to forward
  for (std::size_t k = hops.size(); k-- > 0;) {
    Bytes frame = bigsize(hops[k].payload.size());
    append(frame, hops[k].payload);
    append(frame, next_hmac);
    Bytes shifted = frame;
    shifted.insert(shifted.end(), mix.begin(), mix.end() - static_cast<std::ptrdiff_t>(frame.size()));
    mix = shifted;
    xor_into(mix, stream(generate_key("rho", onion.shared_secrets[k]), hop_payloads_size));
    if (k + 1 == hops.size())
      for (std::size_t i = 0; i < tail.size(); ++i) mix[hop_payloads_size - tail.size() + i] = tail[i];
    Bytes authenticated = mix;
    append(authenticated, associated_data);
    next_hmac = hmac_sha256(generate_key("mu", onion.shared_secrets[k]), authenticated);
  }

  onion.packet[0] = version;
  for (std::size_t i = 0; i < 33; ++i) onion.packet[1 + i] = first_ephemeral[i];
  for (std::size_t i = 0; i < hop_payloads_size; ++i) onion.packet[34 + i] = mix[i];
  for (std::size_t i = 0; i < hmac_size; ++i) onion.packet[34 + hop_payloads_size + i] = next_hmac[i];
  return onion;
}

// ---- Processing (BOLT 4 "Onion Decryption") ----

struct Peeled {
  Bytes payload;
  Hash32 shared_secret{};        // kept by the hop, to obfuscate a returned error
  std::optional<Packet> next;    // nullopt: this hop is the final one (the next HMAC is all zero)
};

// A minimally encoded bigsize at the front of `bytes`: (value, bytes read), or nullopt.
constexpr std::optional<std::pair<u64, std::size_t>> read_bigsize(std::span<const u8> bytes) {
  if (bytes.empty()) return std::nullopt;
  const u8 marker = bytes[0];
  if (marker < 0xfd) return std::pair<u64, std::size_t>{marker, 1};
  const std::size_t width = marker == 0xfd ? 2 : marker == 0xfe ? 4 : 8;
  if (bytes.size() < 1 + width) return std::nullopt;
  u64 value = 0;
  for (std::size_t i = 0; i < width; ++i) value = (value << 8) | bytes[1 + i];
  const u64 least = marker == 0xfd ? 0xfd : marker == 0xfe ? 0x10000 : 0x100000000;
  if (value < least) return std::nullopt;  // a shorter encoding exists
  return std::pair<u64, std::size_t>{value, 1 + width};
}

constexpr bool equal_in_constant_time(std::span<const u8> a, std::span<const u8> b) {
  u8 difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference |= static_cast<u8>(a[i] ^ b[i]);
  return difference == 0;
}

constexpr Result<Peeled, OnionError> peel_onion(const SecretKey& node_key, const Packet& packet,
                                                std::span<const u8> associated_data) {
  const secp256k1::U256 secret = secp256k1::from_be_bytes(node_key);
  // Verify: the node key is a valid secret scalar [CN-PEEL-1]
  if (!secp256k1::is_valid_secret_scalar(secret)) return OnionError::peel_node_key;
  // Verify: the version byte is 0 [CN-PEEL-2]
  if (packet[0] != version) return OnionError::peel_version;
  PublicKey ephemeral{};
  for (std::size_t i = 0; i < 33; ++i) ephemeral[i] = packet[1 + i];
  const auto ephemeral_point = decompress(ephemeral);
  // Verify: the public key is a compressed point [CN-PEEL-3]
  if (!ephemeral_point) return OnionError::peel_public_key;
  const std::span<const u8> hop_payloads(packet.data() + 34, hop_payloads_size);
  const std::span<const u8> received_hmac(packet.data() + 34 + hop_payloads_size, hmac_size);

  Peeled peeled;
  // A valid secret times a point of the prime-order group is never infinity.
  peeled.shared_secret = shared_secret(*scale(secret, *ephemeral_point));
  Bytes authenticated(hop_payloads.begin(), hop_payloads.end());
  append(authenticated, associated_data);
  const Hash32 expected_hmac = hmac_sha256(generate_key("mu", peeled.shared_secret), authenticated);
  // Verify: the HMAC authenticates hop_payloads and the associated data [CN-PEEL-4]
  if (!equal_in_constant_time(expected_hmac, received_hmac)) return OnionError::peel_hmac;

  Bytes unwrapped(hop_payloads.begin(), hop_payloads.end());
  unwrapped.resize(2 * hop_payloads_size, 0);
  xor_into(unwrapped, stream(generate_key("rho", peeled.shared_secret), 2 * hop_payloads_size));
  const auto length = read_bigsize(unwrapped);
  // Verify: the payload length is a minimal bigsize [CN-PEEL-5]
  if (!length) return OnionError::peel_length_encoding;
  // Verify: the payload is at least 2 bytes [CN-PEEL-6]
  if (length->first < 2) return OnionError::peel_payload_too_short;
  // Verify: the frame ends inside hop_payloads [CN-PEEL-7]
  if (length->first > hop_payloads_size - hmac_size - length->second) return OnionError::peel_payload_too_long;
  const std::size_t payload_start = length->second;
  const std::size_t frame_end = payload_start + length->first + hmac_size;
  peeled.payload.assign(unwrapped.begin() + static_cast<std::ptrdiff_t>(payload_start),
                        unwrapped.begin() + static_cast<std::ptrdiff_t>(payload_start + length->first));
  Hash32 next_hmac{};
  for (std::size_t i = 0; i < hmac_size; ++i) next_hmac[i] = unwrapped[frame_end - hmac_size + i];
  if (next_hmac == Hash32{}) return peeled;

  // The next packet: the blinded ephemeral key, the shifted layers, the next HMAC.
  const secp256k1::U256 blinding = blinding_factor(ephemeral, peeled.shared_secret);
  const auto next_ephemeral = scale(blinding, *ephemeral_point);
  // A blinding factor of 0 mod n is a SHA-256 output no one can aim for; it is refused all the same.
  if (!next_ephemeral) return OnionError::onion_degenerate_key;
  Packet next{};
  next[0] = version;
  const PublicKey next_key = compress(*next_ephemeral);
  for (std::size_t i = 0; i < 33; ++i) next[1 + i] = next_key[i];
  for (std::size_t i = 0; i < hop_payloads_size; ++i) next[34 + i] = unwrapped[frame_end + i];
  for (std::size_t i = 0; i < hmac_size; ++i) next[34 + hop_payloads_size + i] = next_hmac[i];
  peeled.next = next;
  return peeled;
}

// ---- Returning errors (BOLT 4 "Returning Errors") ----

// The erring hop's packet: HMAC(um, rest) || rest, with rest = u16 failure_len || failure ||
// u16 pad_len || zero pad, the pad bringing failure and pad to error_padded_size bytes; then
// XOR the ammag stream.
constexpr Result<Bytes, OnionError> create_error(const Hash32& shared_secret, std::span<const u8> failure_message) {
  // Verify: the failure message's length fits a u16 [CN-ERR-1]
  if (failure_message.size() > 0xffff) return OnionError::error_message_too_long;
  const std::size_t pad = failure_message.size() < error_padded_size ? error_padded_size - failure_message.size() : 0;
  Bytes rest;
  rest.push_back(static_cast<u8>(failure_message.size() >> 8));
  rest.push_back(static_cast<u8>(failure_message.size()));
  append(rest, failure_message);
  rest.push_back(static_cast<u8>(pad >> 8));
  rest.push_back(static_cast<u8>(pad));
  rest.resize(rest.size() + pad, 0);
  const Hash32 mac = hmac_sha256(generate_key("um", shared_secret), rest);
  Bytes packet(mac.begin(), mac.end());
  append(packet, rest);
  xor_into(packet, stream(generate_key("ammag", shared_secret), packet.size()));
  return packet;
}

// Each hop on the way back XORs its own ammag stream over the packet.
constexpr Bytes forward_error(const Hash32& shared_secret, std::span<const u8> packet) {
  Bytes out(packet.begin(), packet.end());
  xor_into(out, stream(generate_key("ammag", shared_secret), out.size()));
  return out;
}

struct DecodedError {
  std::size_t hop = 0;  // the route position of the hop that created it
  Bytes failure_message;
};

// The sender strips one hop's layer after another and stops at the first hop whose um key
// authenticates what is left.
constexpr Result<DecodedError, OnionError> decode_error(const std::vector<Hash32>& shared_secrets, std::span<const u8> packet) {
  Bytes layer(packet.begin(), packet.end());
  for (std::size_t hop = 0; hop < shared_secrets.size(); ++hop) {
    xor_into(layer, stream(generate_key("ammag", shared_secrets[hop]), layer.size()));
    if (layer.size() < hmac_size + 4) continue;
    const std::span<const u8> rest = std::span<const u8>(layer).subspan(hmac_size);
    const Hash32 mac = hmac_sha256(generate_key("um", shared_secrets[hop]), rest);
    if (!equal_in_constant_time(mac, std::span<const u8>(layer).first(hmac_size))) continue;
    const std::size_t failure_length = (std::size_t{rest[0]} << 8) | rest[1];
    // Verify: failure_len and pad_len account for the whole packet [CN-ERR-3]
    if (2 + failure_length + 2 > rest.size()) return OnionError::error_malformed;
    const std::size_t pad_length = (std::size_t{rest[2 + failure_length]} << 8) | rest[3 + failure_length];
    // Verify: failure_len and pad_len account for exactly the packet after the HMAC [CN-ERR-3]
    if (2 + failure_length + 2 + pad_length != rest.size()) return OnionError::error_malformed;
    return DecodedError{hop, Bytes(rest.begin() + 2, rest.begin() + 2 + static_cast<std::ptrdiff_t>(failure_length))};
  }
  // Verify: some hop on the route authenticates the packet [CN-ERR-2]
  return OnionError::error_unattributed;
}

}  // namespace ref::channel_network::onion
}  // namespace l2
