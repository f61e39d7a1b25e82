// The cross-channel bridge: what a node does with a lock that arrives with an onion. It peels its
// layer, reads BOLT 4's TLV payload, checks the instructions against the incoming lock and its own
// channel policy (the fee and the timelock delta), and hands back either the lock to offer on the
// next channel with the next onion, or the delivery to this node as the payee. The payer's side,
// payment_onion, writes those payloads for a route. validate_route and compute_routing_fee, the
// other two calls of the sketch's CrossChannelBridge, are in channel_network_route.hpp.
// spec: channel_network.md#the-bridge-forwarding-a-lock
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_network.hpp"
#include "l2/ref/channel_network_onion.hpp"
#include "l2/ref/channel_network_route.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/secp256k1.hpp"

namespace l2 {

// spec: channel_network.md#the-bridge-forwarding-a-lock
#define L2_BRIDGE_ERRORS(X) \
  X(tlv_encoding, "CN-TLV-1", "a TLV type or length is incomplete or not a minimal bigsize") \
  X(tlv_truncated, "CN-TLV-2", "a TLV length runs past the payload") \
  X(tlv_order, "CN-TLV-3", "TLV types are not strictly increasing") \
  X(tlv_field, "CN-TLV-4", "a known TLV record's value does not have its encoding") \
  X(tlv_unknown_even, "CN-TLV-5", "the payload has an even TLV type this bridge does not know") \
  X(fwd_unknown_channel, "CN-FWD-1", "from_channel is not an edge into this node") \
  X(fwd_onion, "CN-FWD-2", "the onion does not peel with this node's key") \
  X(fwd_missing_field, "CN-FWD-3", "the payload lacks amt_to_forward, outgoing_cltv_value or short_channel_id") \
  X(fwd_tweak, "CN-FWD-4", "ptlc_tweak is missing for a point lock, present for a hash lock, or not below n") \
  X(fwd_wrong_channel, "CN-FWD-5", "the onion names another channel, or to_channel is not an edge out of this node") \
  X(fwd_fee, "CN-FWD-6", "the incoming amount does not cover amt_to_forward plus this node's fee") \
  X(fwd_cltv, "CN-FWD-7", "the incoming expiry is below outgoing_cltv_value plus this node's cltv_delta") \
  X(fwd_point, "CN-FWD-8", "the point lock does not match the tweak") \
  X(fwd_final_amount, "CN-FWD-9", "the payee is offered less than amt_to_forward") \
  X(fwd_final_cltv, "CN-FWD-10", "the payee's lock expires before outgoing_cltv_value") \
  X(fwd_condition, "CN-FWD-11", "the incoming lock's condition is neither a hash lock nor a compressed point")
L2_ERROR_ENUM(BridgeError, "CN_", L2_BRIDGE_ERRORS)

inline constexpr auto all_bridge_errors = all_errors(BridgeError{});

}  // namespace l2

namespace l2::ref::channel_network::bridge {

using onion::Packet;
using route::ChannelGraph;
using route::u128;

// The TLV types of the payload. spec: channel_network.md#the-bridge-forwarding-a-lock
inline constexpr u64 amt_to_forward_type = 2;
inline constexpr u64 outgoing_cltv_value_type = 4;
inline constexpr u64 short_channel_id_type = 6;
inline constexpr u64 ptlc_tweak_type = 65538;

// The payload's known records; an absent record is nullopt.
struct Payload {
  std::optional<u64> amt_to_forward;
  std::optional<u64> outgoing_cltv_value;  // a tu32 on the wire
  std::optional<u64> short_channel_id;
  std::optional<Hash32> ptlc_tweak;
};

// ---- TLV ----

// A truncated unsigned integer of at most `width` bytes: big-endian, no leading zero byte.
constexpr std::optional<u64> read_truncated(std::span<const u8> value, std::size_t width) {
  if (value.size() > width || (!value.empty() && value[0] == 0)) return std::nullopt;
  u64 out = 0;
  for (const u8 byte : value) out = (out << 8) | byte;
  return out;
}

constexpr Bytes truncated(u64 value) {
  Bytes out;
  for (int shift = 56; shift >= 0; shift -= 8)
    if (!out.empty() || (value >> shift) != 0) out.push_back(static_cast<u8>(value >> shift));
  return out;
}

// Decodes a known record into `payload`; false if its bytes do not have the type's encoding.
constexpr bool decode_known(Payload& payload, u64 type, std::span<const u8> value) {
  if (type == amt_to_forward_type) {
    payload.amt_to_forward = read_truncated(value, 8);
    return payload.amt_to_forward.has_value();
  }
  if (type == outgoing_cltv_value_type) {
    payload.outgoing_cltv_value = read_truncated(value, 4);
    return payload.outgoing_cltv_value.has_value();
  }
  if (type == short_channel_id_type) {
    if (value.size() != 8) return false;
    u64 id = 0;
    for (const u8 byte : value) id = (id << 8) | byte;
    payload.short_channel_id = id;
    return true;
  }
  // ptlc_tweak
  if (value.size() != 32) return false;
  Hash32 tweak{};
  for (std::size_t i = 0; i < 32; ++i) tweak[i] = value[i];
  payload.ptlc_tweak = tweak;
  return true;
}

constexpr bool is_known(u64 type) {
  return type == amt_to_forward_type || type == outgoing_cltv_value_type || type == short_channel_id_type ||
         type == ptlc_tweak_type;
}

// BOLT 1's TLV stream, record by record. spec: channel_network.md#the-bridge-forwarding-a-lock
constexpr Result<Payload, BridgeError> parse_payload(std::span<const u8> bytes) {
  Payload payload;
  std::optional<u64> previous_type;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const auto type = onion::read_bigsize(bytes.subspan(at));
    // Verify: the type is a complete, minimal bigsize [CN-TLV-1]
    if (!type) return BridgeError::tlv_encoding;
    at += type->second;
    const auto length = onion::read_bigsize(bytes.subspan(at));
    // Verify: the length is a complete, minimal bigsize [CN-TLV-1]
    if (!length) return BridgeError::tlv_encoding;
    at += length->second;
    // Verify: the length is at most the bytes left [CN-TLV-2]
    if (length->first > bytes.size() - at) return BridgeError::tlv_truncated;
    const std::span<const u8> value = bytes.subspan(at, static_cast<std::size_t>(length->first));
    at += value.size();
    // Verify: types are strictly increasing [CN-TLV-3]
    if (previous_type && type->first <= *previous_type) return BridgeError::tlv_order;
    previous_type = type->first;
    // Verify: a known type's value has its encoding [CN-TLV-4]
    if (is_known(type->first) && !decode_known(payload, type->first, value)) return BridgeError::tlv_field;
    // Verify: no unknown type is even [CN-TLV-5]
    if (!is_known(type->first) && type->first % 2 == 0) return BridgeError::tlv_unknown_even;
  }
  return payload;
}

constexpr void append_record(Bytes& out, u64 type, std::span<const u8> value) {
  append(out, onion::bigsize(type));
  append(out, onion::bigsize(value.size()));
  append(out, value);
}

// The payload's bytes, records in type order. Every value is encodable: outgoing_cltv_value must
// be below 2^32 (the caller checks).
constexpr Bytes encode_payload(const Payload& payload) {
  Bytes out;
  if (payload.amt_to_forward) append_record(out, amt_to_forward_type, truncated(*payload.amt_to_forward));
  if (payload.outgoing_cltv_value) append_record(out, outgoing_cltv_value_type, truncated(*payload.outgoing_cltv_value));
  if (payload.short_channel_id) {
    Bytes id;
    put_u64_be(id, *payload.short_channel_id);
    append_record(out, short_channel_id_type, id);
  }
  if (payload.ptlc_tweak) append_record(out, ptlc_tweak_type, *payload.ptlc_tweak);
  return out;
}

// ---- Forwarding ----

// The onion's associated data: the payment hash for a hash lock (BOLT 4), nothing for a point lock.
constexpr Bytes associated_data(const LockCondition& condition) {
  if (!is_hash_lock(condition)) return {};
  return Bytes(condition.begin() + 1, condition.end());
}

struct IncomingLock {
  u64 amount = 0;
  LockCondition condition{};
  u64 expiry = 0;
  Packet onion{};
};

// This node is the payee: the lock is accepted, and for a point lock its secret is t = y.
struct Deliver {
  u64 amount = 0;
  u64 expiry = 0;
  std::optional<Hash32> secret;
};

// The lock to offer on to_channel, with the onion for the next node.
struct Forward {
  u64 to_channel = 0;
  u64 amount = 0;
  LockCondition condition{};
  u64 expiry = 0;
  Packet onion{};
};

using Routed = std::variant<Deliver, Forward>;

constexpr bool has_edge_into(const ChannelGraph& graph, u64 short_channel_id, u32 node) {
  for (const route::ChannelEdge& edge : graph.edges)
    if (edge.short_channel_id == short_channel_id && edge.to == node) return true;
  return false;
}

// T - y*G for a point lock T and a scalar y, or nullopt at infinity.
constexpr std::optional<LockCondition> subtract_tweak(const LockCondition& point, const secp256k1::U256& tweak) {
  const secp256k1::AffinePoint t_point = *onion::decompress(point);
  const secp256k1::JacobianPoint difference =
      secp256k1::multiply_add(secp256k1::u256_from_u64(1), t_point, secp256k1::scalar_negate(tweak), secp256k1::generator);
  if (secp256k1::is_infinity(difference)) return std::nullopt;
  return onion::compress(secp256k1::to_affine(difference));
}

// spec: channel_network.md#the-bridge-forwarding-a-lock (route_message)
constexpr Result<Routed, BridgeError> route_message(const ChannelGraph& graph, u32 node, const onion::SecretKey& node_key,
                                                    u64 from_channel, u64 to_channel, const IncomingLock& message) {
  // Verify: the incoming condition is a well-formed hash or point lock [CN-FWD-11]
  if (!is_well_formed(message.condition)) return BridgeError::fwd_condition;
  // Verify: from_channel is an edge into this node [CN-FWD-1]
  if (!has_edge_into(graph, from_channel, node)) return BridgeError::fwd_unknown_channel;
  const auto peeled = onion::peel_onion(node_key, message.onion, associated_data(message.condition));
  // Verify: the onion peels with this node's key [CN-FWD-2]
  if (!peeled) return BridgeError::fwd_onion;
  const auto parsed = parse_payload(peeled.value().payload);
  if (!parsed) return parsed.error();
  const Payload& payload = parsed.value();
  const bool forwarding = peeled.value().next.has_value();
  // Verify: amt_to_forward, outgoing_cltv_value and, when forwarding, short_channel_id are present [CN-FWD-3]
  if (!payload.amt_to_forward || !payload.outgoing_cltv_value || (forwarding && !payload.short_channel_id))
    return BridgeError::fwd_missing_field;
  const bool point_lock = !is_hash_lock(message.condition);
  const secp256k1::U256 tweak = secp256k1::from_be_bytes(payload.ptlc_tweak.value_or(Hash32{}));
  // Verify: ptlc_tweak is present exactly for a point lock, and below n [CN-FWD-4]
  if (payload.ptlc_tweak.has_value() != point_lock || secp256k1::compare(tweak, secp256k1::group_order) >= 0)
    return BridgeError::fwd_tweak;
  const u64 amount_out = *payload.amt_to_forward;
  const u64 expiry_out = *payload.outgoing_cltv_value;

  if (!forwarding) {
    // Verify: delivering a point lock, y*G is the lock's point [CN-FWD-8]
    if (point_lock && channel_network::point_lock(*payload.ptlc_tweak) != message.condition) return BridgeError::fwd_point;
    // Verify: delivering, amt_to_forward <= amount [CN-FWD-9]
    if (amount_out > message.amount) return BridgeError::fwd_final_amount;
    // Verify: delivering, outgoing_cltv_value <= expiry [CN-FWD-10]
    if (expiry_out > message.expiry) return BridgeError::fwd_final_cltv;
    return Routed{Deliver{message.amount, message.expiry, payload.ptlc_tweak}};
  }

  const auto edge_index = route::find_edge(graph, to_channel, node);
  // Verify: forwarding, the onion names to_channel and it is an edge out of this node [CN-FWD-5]
  if (*payload.short_channel_id != to_channel || !edge_index) return BridgeError::fwd_wrong_channel;
  const route::ChannelEdge& edge = graph.edges[*edge_index];
  // Verify: forwarding, amount >= amt_to_forward + fee(edge, amt_to_forward) [CN-FWD-6]
  if (u128{message.amount} < u128{amount_out} + route::fee(edge, amount_out)) return BridgeError::fwd_fee;
  // Verify: forwarding, expiry >= outgoing_cltv_value + cltv_delta [CN-FWD-7]
  if (u128{message.expiry} < u128{expiry_out} + edge.cltv_delta) return BridgeError::fwd_cltv;
  std::optional<LockCondition> condition_out = message.condition;
  if (point_lock) condition_out = subtract_tweak(message.condition, tweak);
  // Verify: forwarding a point lock, T - y*G is not the point at infinity [CN-FWD-8]
  if (!condition_out) return BridgeError::fwd_point;
  return Routed{Forward{to_channel, amount_out, *condition_out, expiry_out, *peeled.value().next}};
}

// ---- The payer's side ----

// spec: channel_network.md#the-bridge-forwarding-a-lock (payment_onion). `node_ids[j]` is the node
// id of hops[j].to; `tweaks` is empty for a hash lock and y_0 .. y_{k-1} for point locks. An
// expiry that does not fit the tu32 outgoing_cltv_value is CN_TLV_FIELD; a tweak count that is
// neither 0 nor k, or a node id count other than k, is CN_FWD_MISSING_FIELD; an onion that cannot
// be built (a bad key or payload sizes) is CN_FWD_ONION.
constexpr Result<onion::Onion, BridgeError> payment_onion(const onion::SecretKey& session_key, const route::Route& route,
                                                          const std::vector<onion::PublicKey>& node_ids,
                                                          const LockCondition& condition,
                                                          const std::vector<Hash32>& tweaks) {
  const std::size_t k = route.hops.size();
  if (node_ids.size() != k || (!tweaks.empty() && tweaks.size() != k)) return BridgeError::fwd_missing_field;
  std::vector<onion::Hop> hops;
  for (std::size_t j = 0; j < k; ++j) {
    const bool last = j + 1 == k;
    const route::RouteHop& next = route.hops[last ? j : j + 1];
    if (next.expiry > 0xffffffff) return BridgeError::tlv_field;
    Payload payload;
    payload.amt_to_forward = next.amount;
    payload.outgoing_cltv_value = next.expiry;
    if (!last) payload.short_channel_id = next.short_channel_id;
    if (!tweaks.empty()) payload.ptlc_tweak = tweaks[j];
    hops.push_back(onion::Hop{node_ids[j], encode_payload(payload)});
  }
  const auto built = onion::create_onion(session_key, hops, associated_data(condition));
  if (!built) return BridgeError::fwd_onion;
  return built.value();
}

}  // namespace l2::ref::channel_network::bridge
