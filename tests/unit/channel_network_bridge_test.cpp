// The cross-channel bridge (spec: channel_network.md#the-bridge-forwarding-a-lock): BOLT 4's
// published hop payloads parsed as TLV streams, every TLV and forwarding rule at its boundary, and
// whole payments forwarded hop by hop, HTLC and PTLC, from the payer's onion to the payee's
// delivery, with each hop's outgoing lock what build_route and the spec's PTLC construction say.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "l2/ref/channel_network.hpp"
#include "l2/ref/channel_network_bridge.hpp"
#include "l2/ref/channel_network_onion.hpp"
#include "l2/ref/channel_network_route.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

namespace cn = l2::ref::channel_network;
namespace bridge = cn::bridge;
namespace onion = cn::onion;
namespace route = cn::route;
namespace secp = l2::ref::secp256k1;
using l2::BridgeError;
using l2::Bytes;
using l2::Hash32;
using l2::u32;
using l2::u64;
using nlohmann::json;

std::string code(BridgeError e) { return std::string(l2::error_info(e).code); }
template <class T>
std::string code_of(const l2::Result<T, BridgeError>& result) {
  return result.ok() ? "OK" : code(result.error());
}

Hash32 scalar_bytes(u64 value) { return secp::to_be_bytes(secp::u256_from_u64(value)); }

json read_vector(const std::string& name) {
  const char* dir = std::getenv("L2_SOURCE_DIR");
  const std::filesystem::path root = dir != nullptr ? dir : L2_TEST_SOURCE_DIR;
  std::ifstream in(root / "tests/data/bolt04" / name);
  std::ostringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::string parse(const Bytes& payload) { return code_of(bridge::parse_payload(payload)); }

// ---- the error table ----

TEST(ChannelNetworkBridgeSpec, EveryErrorHasItsRuleRowAndNoRowLacksAnError) {
  const std::string spec = l2::test::read_spec("channel_network.md");
  ASSERT_FALSE(spec.empty());
  for (const BridgeError e : l2::all_bridge_errors) {
    const l2::ErrorInfo info = l2::error_info(e);
    const std::string row = "| " + std::string(info.rule_id) + " | " + std::string(info.code) + " |";
    EXPECT_NE(spec.find(row), std::string::npos) << row;
  }
  const std::regex families("\n\\| CN-(TLV|FWD)-[0-9]+ \\| ");
  EXPECT_EQ(static_cast<std::size_t>(std::distance(std::sregex_iterator(spec.begin(), spec.end(), families),
                                                   std::sregex_iterator())),
            l2::all_bridge_errors.size());
}

// ---- TLV payloads [CN-TLV-1..5] ----

TEST(ChannelNetworkBridgeTlv, Bolt4PublishedPayloadsParse) {
  // onion-test.json's hop payloads carry their bigsize length first; after it, a TLV stream.
  // BOLT 4 states their values: amt_to_forward, outgoing_cltv_value and short_channel_id of
  // 15000/1500/1, 14000/1400/2 (with an unknown odd record 513 of 60 bytes), 12500/1250/3 and
  // 10000/1000/4. The fifth, the final hop's, has payment_data (type 8), which this bridge does not
  // know: an even unknown type.
  const json hops = read_vector("onion-test.json")["generate"]["hops"];
  ASSERT_EQ(hops.size(), 5u);
  const std::array<std::array<u64, 3>, 4> expected{{{15000, 1500, 1}, {14000, 1400, 2}, {12500, 1250, 3}, {10000, 1000, 4}}};
  for (std::size_t i = 0; i < 5; ++i) {
    const Bytes framed = l2::bytes_from_hex(hops[i]["payload"].get<std::string>());
    const auto length = onion::read_bigsize(framed).value();
    const Bytes payload(framed.begin() + static_cast<std::ptrdiff_t>(length.second), framed.end());
    ASSERT_EQ(payload.size(), length.first);
    const auto parsed = bridge::parse_payload(payload);
    if (i == 4) {
      EXPECT_EQ(code_of(parsed), "CN_TLV_UNKNOWN_EVEN");
      continue;
    }
    ASSERT_TRUE(parsed.ok()) << i;
    EXPECT_EQ(parsed.value().amt_to_forward, expected[i][0]);
    EXPECT_EQ(parsed.value().outgoing_cltv_value, expected[i][1]);
    EXPECT_EQ(parsed.value().short_channel_id, expected[i][2]);
    EXPECT_FALSE(parsed.value().ptlc_tweak.has_value());
    // Re-encoding the known records gives the published bytes, less the unknown odd record.
    if (i != 1) {
      EXPECT_EQ(bridge::encode_payload(parsed.value()), payload) << i;
    }
  }
}

TEST(ChannelNetworkBridgeTlv, TypesAndLengthsAreCompleteMinimalBigsizes) {  // CN-TLV-1
  EXPECT_EQ(parse(Bytes{}), "OK");
  EXPECT_EQ(parse(Bytes{0x02, 0x01, 0x05}), "OK");
  EXPECT_EQ(parse(Bytes{0xfd, 0x00, 0x02, 0x01, 0x05}), "CN_TLV_ENCODING");  // type 2 in 3 bytes
  EXPECT_EQ(parse(Bytes{0xfd, 0x00, 0xfd, 0x00}), "OK");                     // type 253, empty: odd, skipped
  EXPECT_EQ(parse(Bytes{0xfd, 0x00, 0xfc, 0x00}), "CN_TLV_ENCODING");        // 252 fits one byte
  EXPECT_EQ(parse(Bytes{0x02, 0xfd, 0x00, 0x01, 0x05}), "CN_TLV_ENCODING");  // length 1 in 3 bytes
  EXPECT_EQ(parse(Bytes{0xfd, 0x01}), "CN_TLV_ENCODING");                    // the type runs out
  EXPECT_EQ(parse(Bytes{0x02}), "CN_TLV_ENCODING");                          // no length
}

TEST(ChannelNetworkBridgeTlv, ALengthFitsTheBytesLeft) {  // CN-TLV-2
  EXPECT_EQ(parse(Bytes{0x02, 0x02, 0x05, 0x06}), "OK");
  EXPECT_EQ(parse(Bytes{0x02, 0x03, 0x05, 0x06}), "CN_TLV_TRUNCATED");
  EXPECT_EQ(parse(Bytes{0x03, 0x01}), "CN_TLV_TRUNCATED");
}

TEST(ChannelNetworkBridgeTlv, TypesStrictlyIncrease) {  // CN-TLV-3
  EXPECT_EQ(parse(Bytes{0x02, 0x01, 0x05, 0x04, 0x01, 0x05}), "OK");
  EXPECT_EQ(parse(Bytes{0x04, 0x01, 0x05, 0x02, 0x01, 0x05}), "CN_TLV_ORDER");
  EXPECT_EQ(parse(Bytes{0x02, 0x01, 0x05, 0x02, 0x01, 0x05}), "CN_TLV_ORDER");
  EXPECT_EQ(parse(Bytes{0x03, 0x00, 0x03, 0x00}), "CN_TLV_ORDER");  // a repeated unknown odd type too
}

TEST(ChannelNetworkBridgeTlv, KnownValuesHaveTheirEncoding) {  // CN-TLV-4
  // tu64: 0 to 8 bytes, no leading zero.
  EXPECT_EQ(parse(Bytes{0x02, 0x00}), "OK");
  EXPECT_EQ(bridge::parse_payload(Bytes{0x02, 0x00}).value().amt_to_forward, 0u);
  EXPECT_EQ(parse(Bytes{0x02, 0x01, 0x00}), "CN_TLV_FIELD");
  EXPECT_EQ(parse(Bytes{0x02, 0x08, 0xff, 1, 2, 3, 4, 5, 6, 7}), "OK");
  EXPECT_EQ(bridge::parse_payload(Bytes{0x02, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}).value().amt_to_forward,
            l2::u64_max);
  EXPECT_EQ(parse(Bytes{0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0}), "CN_TLV_FIELD");
  // tu32: at most 4 bytes.
  EXPECT_EQ(parse(Bytes{0x04, 0x04, 0xff, 0xff, 0xff, 0xff}), "OK");
  EXPECT_EQ(parse(Bytes{0x04, 0x05, 0x01, 0, 0, 0, 0}), "CN_TLV_FIELD");
  EXPECT_EQ(parse(Bytes{0x04, 0x02, 0x00, 0x01}), "CN_TLV_FIELD");
  // short_channel_id: exactly 8 bytes, leading zeros allowed.
  EXPECT_EQ(parse(Bytes{0x06, 0x08, 0, 0, 0, 0, 0, 0, 0, 1}), "OK");
  EXPECT_EQ(parse(Bytes{0x06, 0x07, 0, 0, 0, 0, 0, 0, 1}), "CN_TLV_FIELD");
  EXPECT_EQ(parse(Bytes{0x06, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 1}), "CN_TLV_FIELD");
  // ptlc_tweak (65538 = fe 00 01 00 02): exactly 32 bytes.
  const auto tweak = [](std::size_t size) {
    Bytes out{0xfe, 0x00, 0x01, 0x00, 0x02, static_cast<l2::u8>(size)};
    out.resize(out.size() + size, 0x11);
    return out;
  };
  EXPECT_EQ(parse(tweak(31)), "CN_TLV_FIELD");
  EXPECT_EQ(parse(tweak(32)), "OK");
  EXPECT_EQ(parse(tweak(33)), "CN_TLV_FIELD");
}

TEST(ChannelNetworkBridgeTlv, UnknownEvenTypesAreRefusedAndOddOnesSkipped) {  // CN-TLV-5
  EXPECT_EQ(parse(Bytes{0x07, 0x01, 0xaa}), "OK");
  EXPECT_EQ(parse(Bytes{0x08, 0x01, 0xaa}), "CN_TLV_UNKNOWN_EVEN");
  EXPECT_EQ(parse(Bytes{0x00, 0x00}), "CN_TLV_UNKNOWN_EVEN");
  EXPECT_EQ(parse(Bytes{0xfe, 0x00, 0x01, 0x00, 0x01, 0x00}), "OK");  // 65537, odd
  EXPECT_EQ(parse(Bytes{0xfe, 0x00, 0x01, 0x00, 0x04, 0x00}), "CN_TLV_UNKNOWN_EVEN");
  // Order within a record: a truncated record of an unknown even type is truncated first.
  EXPECT_EQ(parse(Bytes{0x08, 0x02, 0xaa}), "CN_TLV_TRUNCATED");
}

// ---- forwarding [CN-FWD-1..10] ----

// Four nodes in a line, 0 -> 1 -> 2 -> 3, channels 1, 2, 3 (one direction each, plus channel 9
// from 1 to 3 as a wrong turn). Node 1 charges 1000 + 1%, node 2 charges 500 + 0.2%; deltas 40 and 50.
class ChannelNetworkBridge : public ::testing::Test {
 protected:
  ChannelNetworkBridge() {
    graph.node_count = 4;
    graph.edges = {
        route::ChannelEdge{1, 0, 1, 1'000'000, 0, 0, 40, 10, 1'000'000},
        route::ChannelEdge{2, 1, 2, 1'000'000, 1000, 10'000, 40, 10, 1'000'000},
        route::ChannelEdge{3, 2, 3, 1'000'000, 500, 2'000, 50, 10, 1'000'000},
        route::ChannelEdge{9, 1, 3, 1'000'000, 1000, 10'000, 40, 10, 1'000'000},
    };
    for (u64 i = 0; i < 4; ++i) {
      node_key[i] = scalar_bytes(0x1000 + i);
      node_id[i] = onion::compress(secp::to_affine(secp::multiply(secp::from_be_bytes(node_key[i]), secp::generator)));
    }
    payment = route::build_route(graph, 0, {1, 2, 3}, 100'000, context).value();
  }

  // The payer's onion for `payment`, with `tweaks` for a point-lock payment.
  onion::Packet packet(const cn::LockCondition& condition, const std::vector<Hash32>& tweaks = {}) const {
    return bridge::payment_onion(scalar_bytes(0x4242), payment, {node_id[1], node_id[2], node_id[3]}, condition, tweaks)
        .value()
        .packet;
  }
  bridge::IncomingLock first_lock(const cn::LockCondition& condition, const onion::Packet& onion_packet) const {
    return bridge::IncomingLock{payment.hops[0].amount, condition, payment.hops[0].expiry, onion_packet};
  }
  // An onion for node 1 alone with `payload`, as if node 1 were the last hop (or with a second hop).
  onion::Packet custom(const Bytes& payload, const cn::LockCondition& condition, bool with_next = true) const {
    std::vector<onion::Hop> hops{onion::Hop{node_id[1], payload}};
    if (with_next) hops.push_back(onion::Hop{node_id[2], Bytes{0x02, 0x01, 0x05, 0x04, 0x01, 0x05}});
    return onion::create_onion(scalar_bytes(0x99), hops, bridge::associated_data(condition)).value().packet;
  }

  route::ChannelGraph graph;
  route::RoutingContext context{800'000, 10, 40, 18, 2016};
  std::array<Hash32, 4> node_key{};
  std::array<onion::PublicKey, 4> node_id{};
  route::Route payment;
};

const cn::LockCondition payment_hash = cn::hash_lock(l2::ref::sha256(Bytes{1, 2, 3}));

TEST_F(ChannelNetworkBridge, AnHtlcPaymentIsForwardedHopByHopAndDelivered) {
  // build_route: 100000 to node 3 until 800018; node 2 asks 500 + 200 = 700 and delta 50; node 1
  // asks 1000 + 1007 = 2007 and delta 40.
  ASSERT_EQ(payment.hops[0].amount, 102'707u);
  ASSERT_EQ(payment.hops[1].amount, 100'700u);
  ASSERT_EQ(payment.hops[0].expiry, 800'108u);
  bridge::IncomingLock lock = first_lock(payment_hash, packet(payment_hash));
  const std::array<u64, 2> from{1, 2};
  const std::array<u64, 2> to{2, 3};
  for (std::size_t i = 0; i < 2; ++i) {
    const auto routed = bridge::route_message(graph, static_cast<u32>(i + 1), node_key[i + 1], from[i], to[i], lock);
    ASSERT_TRUE(routed.ok()) << code(routed.error());
    const auto& forward = std::get<bridge::Forward>(routed.value());
    EXPECT_EQ(forward.to_channel, to[i]);
    EXPECT_EQ(forward.amount, payment.hops[i + 1].amount);
    EXPECT_EQ(forward.expiry, payment.hops[i + 1].expiry);
    EXPECT_EQ(forward.condition, payment_hash);
    lock = bridge::IncomingLock{forward.amount, forward.condition, forward.expiry, forward.onion};
  }
  const auto delivered = bridge::route_message(graph, 3, node_key[3], 3, 0, lock);
  ASSERT_TRUE(delivered.ok());
  const auto& deliver = std::get<bridge::Deliver>(delivered.value());
  EXPECT_EQ(deliver.amount, 100'000u);
  EXPECT_EQ(deliver.expiry, 800'018u);
  EXPECT_FALSE(deliver.secret.has_value());
}

TEST_F(ChannelNetworkBridge, APtlcPaymentForwardsEachHopsOwnPointAndDeliversTheSecret) {
  const std::vector<Hash32> tweaks{scalar_bytes(71), scalar_bytes(72), scalar_bytes(73)};
  const cn::PointLocks locks = cn::point_locks(tweaks).value();
  bridge::IncomingLock lock = first_lock(locks.conditions[0], packet(locks.conditions[0], tweaks));
  for (u32 node = 1; node <= 2; ++node) {
    const auto routed = bridge::route_message(graph, node, node_key[node], node, node + 1, lock);
    ASSERT_TRUE(routed.ok()) << code(routed.error());
    const auto& forward = std::get<bridge::Forward>(routed.value());
    EXPECT_EQ(forward.condition, locks.conditions[node]);  // T_i - y_{i-1} G = T_{i+1}... hop by hop
    lock = bridge::IncomingLock{forward.amount, forward.condition, forward.expiry, forward.onion};
  }
  const auto delivered = bridge::route_message(graph, 3, node_key[3], 3, 0, lock);
  ASSERT_TRUE(delivered.ok()) << code(delivered.error());
  const Hash32 secret = std::get<bridge::Deliver>(delivered.value()).secret.value();
  EXPECT_EQ(secret, locks.secrets[2]);
  EXPECT_TRUE(cn::opens(locks.conditions[2], secret));
}

TEST_F(ChannelNetworkBridge, TheIncomingConditionIsWellFormedAndCheckedFirst) {  // CN-FWD-11
  bridge::IncomingLock lock = first_lock(payment_hash, packet(payment_hash));
  for (const l2::u8 prefix : {l2::u8{0x01}, l2::u8{0x04}, l2::u8{0x05}}) {
    lock.condition[0] = prefix;
    // Before the channel check: from_channel 7 is no edge either.
    EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 7, 2, lock)), "CN_FWD_CONDITION") << int(prefix);
  }
  cn::LockCondition x_at_p{};
  x_at_p.fill(0xff);
  x_at_p[0] = 0x02;
  lock.condition = x_at_p;
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, lock)), "CN_FWD_CONDITION");
}

TEST_F(ChannelNetworkBridge, TheIncomingChannelLeadsToThisNode) {  // CN-FWD-1
  const bridge::IncomingLock lock = first_lock(payment_hash, packet(payment_hash));
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 2, 2, lock)), "CN_FWD_UNKNOWN_CHANNEL");
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 7, 2, lock)), "CN_FWD_UNKNOWN_CHANNEL");
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, lock)), "OK");
}

TEST_F(ChannelNetworkBridge, TheOnionPeelsWithThisNodesKeyAndThePaymentHash) {  // CN-FWD-2
  const bridge::IncomingLock lock = first_lock(payment_hash, packet(payment_hash));
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[2], 1, 2, lock)), "CN_FWD_ONION");
  bridge::IncomingLock other_hash = lock;
  other_hash.condition = cn::hash_lock(l2::ref::sha256(Bytes{9}));
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, other_hash)), "CN_FWD_ONION");
  bridge::IncomingLock tampered = lock;
  tampered.onion[100] ^= 1;
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, tampered)), "CN_FWD_ONION");
  // A payload that is no TLV stream is reported by its TLV rule.
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2,
                                          first_lock(payment_hash, custom(Bytes{0x04, 0x01, 0x05, 0x02, 0x01, 0x05}, payment_hash)))),
            "CN_TLV_ORDER");
}

TEST_F(ChannelNetworkBridge, TheInstructionsAreComplete) {  // CN-FWD-3
  const auto route_with = [&](const Bytes& payload, bool with_next) {
    return code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, first_lock(payment_hash, custom(payload, payment_hash, with_next))));
  };
  // amt 100 (02 01 64), cltv 800000 (04 03 0c3500), scid 2 (06 08 ...02).
  const Bytes amt{0x02, 0x01, 0x64};
  const Bytes cltv{0x04, 0x03, 0x0c, 0x35, 0x00};
  const Bytes scid{0x06, 0x08, 0, 0, 0, 0, 0, 0, 0, 2};
  const auto concat = [](std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& part : parts) l2::append(out, part);
    return out;
  };
  EXPECT_EQ(route_with(concat({amt, cltv, scid}), true), "OK");
  EXPECT_EQ(route_with(concat({cltv, scid}), true), "CN_FWD_MISSING_FIELD");
  EXPECT_EQ(route_with(concat({amt, scid}), true), "CN_FWD_MISSING_FIELD");
  EXPECT_EQ(route_with(concat({amt, cltv}), true), "CN_FWD_MISSING_FIELD");
  EXPECT_EQ(route_with(concat({amt, cltv}), false), "OK");  // the payee needs no channel
}

TEST_F(ChannelNetworkBridge, ATweakComesExactlyWithAPointLock) {  // CN-FWD-4
  const std::vector<Hash32> tweaks{scalar_bytes(71), scalar_bytes(72), scalar_bytes(73)};
  const cn::PointLocks locks = cn::point_locks(tweaks).value();
  // A point lock whose onion carries no tweak, and a hash lock whose onion carries one.
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, first_lock(locks.conditions[0], packet(locks.conditions[0])))),
            "CN_FWD_TWEAK");
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, first_lock(payment_hash, packet(payment_hash, tweaks)))),
            "CN_FWD_TWEAK");
  // y = n - 1 is a scalar; y = n is not.
  std::vector<Hash32> at_order = tweaks;
  at_order[0] = secp::to_be_bytes(secp::scalar_negate(secp::u256_from_u64(1)));
  const cn::LockCondition t0 = cn::point_locks(at_order).value().conditions[0];
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, first_lock(t0, packet(t0, at_order)))), "OK");
  at_order[0] = secp::to_be_bytes(secp::group_order);
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, first_lock(t0, packet(t0, at_order)))), "CN_FWD_TWEAK");
}

TEST_F(ChannelNetworkBridge, TheNamedChannelIsTheOutgoingOneAndLeavesThisNode) {  // CN-FWD-5
  const bridge::IncomingLock lock = first_lock(payment_hash, packet(payment_hash));
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 9, lock)), "CN_FWD_WRONG_CHANNEL");
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 3, lock)), "CN_FWD_WRONG_CHANNEL");
  // An onion naming channel 3, which leaves node 2, not node 1.
  route::Route wrong = payment;
  wrong.hops[1].short_channel_id = 3;
  const auto built = bridge::payment_onion(scalar_bytes(0x4242), wrong, {node_id[1], node_id[2], node_id[3]}, payment_hash, {});
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 3, first_lock(payment_hash, built.value().packet))),
            "CN_FWD_WRONG_CHANNEL");
}

TEST_F(ChannelNetworkBridge, TheIncomingAmountCoversTheFeeExactly) {  // CN-FWD-6
  bridge::IncomingLock lock = first_lock(payment_hash, packet(payment_hash));
  lock.amount = 102'707;  // 100700 + 1000 + floor(100700 * 10000 / 10^6) = 100700 + 2007
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, lock)), "OK");
  lock.amount = 102'706;
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, lock)), "CN_FWD_FEE");
  lock.amount = 0;
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, lock)), "CN_FWD_FEE");
}

TEST_F(ChannelNetworkBridge, TheIncomingExpiryKeepsTheDelta) {  // CN-FWD-7
  bridge::IncomingLock lock = first_lock(payment_hash, packet(payment_hash));
  lock.expiry = payment.hops[1].expiry + 40;
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, lock)), "OK");
  lock.expiry -= 1;
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, lock)), "CN_FWD_CLTV");
  // Order: a short fee is reported before a short delta.
  lock.amount -= 1;
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, lock)), "CN_FWD_FEE");
}

TEST_F(ChannelNetworkBridge, ThePointMatchesTheTweak) {  // CN-FWD-8
  const std::vector<Hash32> tweaks{scalar_bytes(71), scalar_bytes(72), scalar_bytes(73)};
  const cn::PointLocks locks = cn::point_locks(tweaks).value();
  // Delivering: node 3 is offered T_2 = y_2 G, but a lock on another point fails.
  const auto deliver_onion = [&](const cn::LockCondition& condition, const Hash32& tweak) {
    Bytes payload{0x02, 0x01, 0x64, 0x04, 0x03, 0x0c, 0x35, 0x00, 0xfe, 0x00, 0x01, 0x00, 0x02, 0x20};
    l2::append(payload, tweak);
    return onion::create_onion(scalar_bytes(0x99), {onion::Hop{node_id[3], payload}}, bridge::associated_data(condition))
        .value()
        .packet;
  };
  const auto deliver = [&](const cn::LockCondition& condition, const Hash32& tweak) {
    return code_of(bridge::route_message(graph, 3, node_key[3], 3, 0,
                                         bridge::IncomingLock{100, condition, 800'000, deliver_onion(condition, tweak)}));
  };
  EXPECT_EQ(deliver(locks.conditions[2], tweaks[2]), "OK");
  EXPECT_EQ(deliver(locks.conditions[1], tweaks[2]), "CN_FWD_POINT");
  EXPECT_EQ(deliver(locks.conditions[2], Hash32{}), "CN_FWD_POINT");  // y = 0 has no point
  // Forwarding: T_in = y G leaves T_in - y G at infinity.
  const cn::LockCondition only_y = cn::point_lock(tweaks[0]).value();
  EXPECT_EQ(code_of(bridge::route_message(graph, 1, node_key[1], 1, 2, first_lock(only_y, packet(only_y, tweaks)))),
            "CN_FWD_POINT");
}

TEST_F(ChannelNetworkBridge, ThePayeeIsOfferedAtLeastItsAmountUntilAtLeastItsExpiry) {  // CN-FWD-9, 10
  const Bytes final_payload{0x02, 0x01, 0x64, 0x04, 0x03, 0x0c, 0x35, 0x00};  // 100 until 800000
  const onion::Packet p =
      onion::create_onion(scalar_bytes(0x99), {onion::Hop{node_id[3], final_payload}}, bridge::associated_data(payment_hash))
          .value()
          .packet;
  const auto deliver = [&](u64 amount, u64 expiry) {
    return code_of(bridge::route_message(graph, 3, node_key[3], 3, 0, bridge::IncomingLock{amount, payment_hash, expiry, p}));
  };
  EXPECT_EQ(deliver(100, 800'000), "OK");
  EXPECT_EQ(deliver(101, 800'001), "OK");
  EXPECT_EQ(deliver(99, 800'000), "CN_FWD_FINAL_AMOUNT");
  EXPECT_EQ(deliver(100, 799'999), "CN_FWD_FINAL_CLTV");
  EXPECT_EQ(deliver(99, 799'999), "CN_FWD_FINAL_AMOUNT");
}

TEST_F(ChannelNetworkBridge, ThePayerCannotEncodeAnExpiryBeyondATu32) {
  route::Route far = payment;
  far.hops[1].expiry = 0xffffffff;
  EXPECT_EQ(code_of(bridge::payment_onion(scalar_bytes(1), far, {node_id[1], node_id[2], node_id[3]}, payment_hash, {})), "OK");
  far.hops[1].expiry = 0x100000000;
  EXPECT_EQ(code_of(bridge::payment_onion(scalar_bytes(1), far, {node_id[1], node_id[2], node_id[3]}, payment_hash, {})),
            "CN_TLV_FIELD");
  EXPECT_EQ(code_of(bridge::payment_onion(scalar_bytes(1), payment, {node_id[1], node_id[2]}, payment_hash, {})),
            "CN_FWD_MISSING_FIELD");
  EXPECT_EQ(code_of(bridge::payment_onion(Hash32{}, payment, {node_id[1], node_id[2], node_id[3]}, payment_hash, {})),
            "CN_FWD_ONION");
}

}  // namespace
