// Optimized BOLT 4 onion: must match l2::ref::channel_network::onion::create_onion and peel_onion
// (reference/include/l2/ref/channel_network_onion.hpp) on every input, valid or hostile: the same
// packet, shared secrets and payload byte for byte, and the same error code, found in the same
// order (channel_network.md#onion-rules).
// Exploits libsecp256k1 (constant-time ECDH whose default hash is BOLT 4's shared secret,
// precomputed generator tables, x86-64 assembly field arithmetic), OpenSSL's ChaCha20 and
// HMAC-SHA256 (assembly chosen at run time) on reused per-thread contexts, and a peel that works
// in fixed stack buffers: its only allocation is the returned payload.
// spec: channel_network.md#the-onion
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_network_onion.hpp"
#include "l2/ref/result.hpp"

namespace l2::opt::channel_network::onion {

using ref::channel_network::onion::Hop;
using ref::channel_network::onion::Onion;
using ref::channel_network::onion::Packet;
using ref::channel_network::onion::Peeled;
using ref::channel_network::onion::SecretKey;

// The libraries doing the work, e.g. "libsecp256k1, OpenSSL 3.0.19 27 Jan 2026"; for logs.
std::string_view backend_name();

// The first hop's packet and every hop's shared secret, exactly the reference's create_onion:
// onion_no_hops [CN-ONION-1], onion_session_key [CN-ONION-2], then per hop in route order
// onion_hop_key [CN-ONION-3] and onion_payload_too_short [CN-ONION-4], then onion_too_long
// [CN-ONION-5], then onion_degenerate_key [CN-ONION-6]. Safe to call from any thread.
// OpenSSL can fail only when it cannot allocate; that throws std::bad_alloc, as the reference's
// own allocations would.
Result<Onion, OnionError> create_onion(const SecretKey& session_key, const std::vector<Hop>& hops,
                                       std::span<const u8> associated_data);

// This hop's payload, shared secret and next packet, exactly the reference's peel_onion:
// peel_node_key [CN-PEEL-1], peel_version [CN-PEEL-2], peel_public_key [CN-PEEL-3], peel_hmac
// [CN-PEEL-4], peel_length_encoding [CN-PEEL-5], peel_payload_too_short [CN-PEEL-6],
// peel_payload_too_long [CN-PEEL-7], then onion_degenerate_key [CN-ONION-6] for a next ephemeral
// key at infinity. Safe to call from any thread; throws std::bad_alloc as create_onion does.
Result<Peeled, OnionError> peel_onion(const SecretKey& node_key, const Packet& packet, std::span<const u8> associated_data);

}  // namespace l2::opt::channel_network::onion
