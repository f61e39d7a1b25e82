// The reference onion against BOLT 4's published test vectors (tests/data/bolt04/SOURCE.md), and
// every onion rule at its boundaries. HMAC-SHA256 against RFC 4231's test cases.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "l2/ref/channel_network_onion.hpp"
#include "l2/ref/hmac.hpp"

namespace {

namespace onion = l2::ref::channel_network::onion;
using l2::Bytes;
using l2::Hash32;
using l2::OnionError;
using nlohmann::json;

json read_vector(const std::string& name) {
  const char* dir = std::getenv("L2_SOURCE_DIR");
  const std::filesystem::path root = dir != nullptr ? dir : L2_TEST_SOURCE_DIR;
  std::ifstream in(root / "tests/data/bolt04" / name);
  std::ostringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

Bytes hex(const std::string& text) { return l2::bytes_from_hex(text); }
template <std::size_t N>
l2::ByteArray<N> hex_array(const std::string& text) { return l2::from_hex<N>(text); }

Bytes bytes(std::string_view text) { return l2::bytes_of(text); }

// ---- HMAC-SHA256: RFC 4231 §4.2, 4.3, 4.4, 4.7, 4.8 ----

TEST(ChannelNetworkHmac, Rfc4231TestCases) {
  EXPECT_EQ(l2::ref::hmac_sha256(Bytes(20, 0x0b), bytes("Hi There")),
            hex_array<32>("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
  EXPECT_EQ(l2::ref::hmac_sha256(bytes("Jefe"), bytes("what do ya want for nothing?")),
            hex_array<32>("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
  EXPECT_EQ(l2::ref::hmac_sha256(Bytes(20, 0xaa), Bytes(50, 0xdd)),
            hex_array<32>("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"));
  // A key longer than the 64-byte block is hashed first.
  EXPECT_EQ(l2::ref::hmac_sha256(Bytes(131, 0xaa), bytes("Test Using Larger Than Block-Size Key - Hash Key First")),
            hex_array<32>("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));
  EXPECT_EQ(l2::ref::hmac_sha256(Bytes(131, 0xaa),
                                 bytes("This is a test using a larger than block-size key and a larger than block-size data. The "
                                       "key needs to be hashed before being used by the HMAC algorithm.")),
            hex_array<32>("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"));
}

// A 64-byte key is used as it is; a 65-byte one is hashed. Against the definition, computed apart.
TEST(ChannelNetworkHmac, KeysAtTheBlockBoundary) {
  for (std::size_t length : {63, 64, 65}) {
    const Bytes key(length, 0x5a);
    const Hash32 hashed_key = l2::ref::sha256(key);
    Bytes padded = length > 64 ? Bytes(hashed_key.begin(), hashed_key.end()) : key;
    padded.resize(64, 0);
    Bytes inner, outer;
    for (l2::u8 b : padded) inner.push_back(static_cast<l2::u8>(b ^ 0x36));
    for (l2::u8 b : padded) outer.push_back(static_cast<l2::u8>(b ^ 0x5c));
    l2::append(inner, bytes("message"));
    const Hash32 inner_hash = l2::ref::sha256(inner);
    l2::append(outer, inner_hash);
    EXPECT_EQ(l2::ref::hmac_sha256(key, bytes("message")), l2::ref::sha256(outer)) << length;
  }
}

// ---- The BOLT 4 onion vectors ----

struct Bolt4Onion {
  onion::SecretKey session_key{};
  Bytes associated_data;
  std::vector<onion::Hop> hops;
  onion::Packet packet{};
  std::vector<onion::SecretKey> node_keys;
};

// The vector's payloads carry their bigsize length; the API takes the payload alone.
Bolt4Onion bolt4_onion() {
  const json vector = read_vector("onion-test.json");
  Bolt4Onion v;
  v.session_key = hex_array<32>(vector["generate"]["session_key"].get<std::string>());
  v.associated_data = hex(vector["generate"]["associated_data"].get<std::string>());
  for (const auto& hop : vector["generate"]["hops"]) {
    const Bytes framed = hex(hop["payload"].get<std::string>());
    const auto length = onion::read_bigsize(framed);
    EXPECT_TRUE(length.has_value());
    EXPECT_EQ(length->first + length->second, framed.size());
    v.hops.push_back({hex_array<33>(hop["pubkey"].get<std::string>()), Bytes(framed.begin() + static_cast<std::ptrdiff_t>(length->second), framed.end())});
  }
  v.packet = hex_array<onion::packet_size>(vector["onion"].get<std::string>());
  for (const auto& node_key : vector["decode"]) v.node_keys.push_back(hex_array<32>(node_key.get<std::string>()));
  return v;
}

TEST(ChannelNetworkOnion, Bolt4OnionIsBuiltByteForByte) {
  const Bolt4Onion v = bolt4_onion();
  const auto built = onion::create_onion(v.session_key, v.hops, v.associated_data);
  ASSERT_TRUE(built.ok()) << l2::error_info(built.error()).code;
  EXPECT_EQ(l2::to_hex(built.value().packet), l2::to_hex(v.packet));
  EXPECT_EQ(built.value().shared_secrets.size(), v.hops.size());
}

TEST(ChannelNetworkOnion, Bolt4OnionPeelsHopByHop) {
  const Bolt4Onion v = bolt4_onion();
  onion::Packet packet = v.packet;
  for (std::size_t i = 0; i < v.hops.size(); ++i) {
    const auto peeled = onion::peel_onion(v.node_keys[i], packet, v.associated_data);
    ASSERT_TRUE(peeled.ok()) << "hop " << i << ": " << l2::error_info(peeled.error()).code;
    EXPECT_EQ(peeled.value().payload, v.hops[i].payload) << "hop " << i;
    if (i + 1 < v.hops.size()) {
      ASSERT_TRUE(peeled.value().next.has_value()) << "hop " << i;
      packet = *peeled.value().next;
    } else {
      EXPECT_FALSE(peeled.value().next.has_value()) << "the last hop forwards nothing";
    }
  }
}

TEST(ChannelNetworkOnion, Bolt4ErrorIsObfuscatedAndAttributed) {
  const json vector = read_vector("onion-error-test.json");
  const Bolt4Onion v = bolt4_onion();  // the same session key and node ids
  const auto built = onion::create_onion(v.session_key, v.hops, v.associated_data);
  ASSERT_TRUE(built.ok());
  const std::vector<Hash32>& secrets = built.value().shared_secrets;
  const json& hops = vector["generate"]["hops"];
  ASSERT_EQ(hops.size(), secrets.size());
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    EXPECT_EQ(l2::to_hex(secrets[i]), hops[i]["hop_shared_secret"].get<std::string>()) << i;
    EXPECT_EQ(l2::to_hex(onion::generate_key("ammag", secrets[i])), hops[i]["ammag_key"].get<std::string>()) << i;
  }
  const std::size_t erring = secrets.size() - 1;
  EXPECT_EQ(l2::to_hex(onion::generate_key("um", secrets[erring])), hops[erring]["um_key"].get<std::string>());

  const Bytes failure = hex(vector["generate"]["failure_message"].get<std::string>());
  const auto created = onion::create_error(secrets[erring], failure);
  ASSERT_TRUE(created.ok());
  // Unobfuscated, the packet past its HMAC is the vector's payload.
  const Bytes plain = onion::forward_error(secrets[erring], created.value());
  EXPECT_EQ(l2::to_hex(std::span<const l2::u8>(plain).subspan(onion::hmac_size)), hops[erring]["payload"].get<std::string>());
  Bytes returned = created.value();
  for (std::size_t hop = erring; hop-- > 0;) returned = onion::forward_error(secrets[hop], returned);
  EXPECT_EQ(l2::to_hex(returned), vector["errorpacket"].get<std::string>());

  const auto decoded = onion::decode_error(secrets, returned);
  ASSERT_TRUE(decoded.ok()) << l2::error_info(decoded.error()).code;
  EXPECT_EQ(decoded.value().hop, erring);
  EXPECT_EQ(decoded.value().failure_message, failure);
}

// ---- Construction rules ----

onion::PublicKey node_id(l2::u8 tag) {
  Hash32 secret{};
  secret.fill(tag);
  return onion::compress(*onion::scale(l2::ref::secp256k1::from_be_bytes(secret), l2::ref::secp256k1::generator));
}

onion::SecretKey key(l2::u8 tag) {
  onion::SecretKey secret{};
  secret.fill(tag);
  return secret;
}

OnionError construction_error(const onion::SecretKey& session, const std::vector<onion::Hop>& hops) {
  const auto built = onion::create_onion(session, hops, Bytes{});
  return built.ok() ? OnionError::none : built.error();
}

TEST(ChannelNetworkOnion, ARouteNeedsAHop) {
  EXPECT_EQ(construction_error(key(0x41), {}), OnionError::onion_no_hops);
  EXPECT_EQ(construction_error(key(0x41), {{node_id(0x42), Bytes(2, 1)}}), OnionError::none);
}

TEST(ChannelNetworkOnion, TheSessionKeyIsAValidScalar) {
  const std::vector<onion::Hop> hops{{node_id(0x42), Bytes(2, 1)}};
  EXPECT_EQ(construction_error(onion::SecretKey{}, hops), OnionError::onion_session_key);
  const Hash32 n = l2::ref::secp256k1::to_be_bytes(l2::ref::secp256k1::group_order);
  EXPECT_EQ(construction_error(n, hops), OnionError::onion_session_key);
  Hash32 n_minus_1 = n;
  n_minus_1[31] -= 1;
  EXPECT_EQ(construction_error(n_minus_1, hops), OnionError::none);
}

TEST(ChannelNetworkOnion, EveryNodeIdIsACompressedPoint) {
  onion::PublicKey uncompressed_prefix = node_id(0x42);
  uncompressed_prefix[0] = 0x04;
  EXPECT_EQ(construction_error(key(0x41), {{uncompressed_prefix, Bytes(2, 1)}}), OnionError::onion_hop_key);
  // x = 5: 5^3 + 7 = 132 is not a square mod p, so no point has it.
  onion::PublicKey off_curve{};
  off_curve[0] = 0x02;
  off_curve[32] = 5;
  EXPECT_EQ(construction_error(key(0x41), {{node_id(0x42), Bytes(2, 1)}, {off_curve, Bytes(2, 1)}}), OnionError::onion_hop_key);
}

TEST(ChannelNetworkOnion, APayloadIsAtLeastTwoBytes) {
  EXPECT_EQ(construction_error(key(0x41), {{node_id(0x42), Bytes(1, 1)}}), OnionError::onion_payload_too_short);
  EXPECT_EQ(construction_error(key(0x41), {{node_id(0x42), Bytes(2, 1)}}), OnionError::none);
}

// One hop: bigsize(1265) is 3 bytes, so 3 + 1265 + 32 = 1300 fits exactly; one byte more does not.
TEST(ChannelNetworkOnion, TheFramesFitInHopPayloads) {
  EXPECT_EQ(construction_error(key(0x41), {{node_id(0x42), Bytes(1265, 7)}}), OnionError::none);
  EXPECT_EQ(construction_error(key(0x41), {{node_id(0x42), Bytes(1266, 7)}}), OnionError::onion_too_long);
  // Two hops: 1 + 100 + 32 = 133 for the first, 1300 - 133 = 1167 left, so 3 + 1132 + 32.
  EXPECT_EQ(construction_error(key(0x41), {{node_id(0x42), Bytes(100, 7)}, {node_id(0x43), Bytes(1132, 7)}}), OnionError::none);
  EXPECT_EQ(construction_error(key(0x41), {{node_id(0x42), Bytes(100, 7)}, {node_id(0x43), Bytes(1133, 7)}}),
            OnionError::onion_too_long);
}

// A full-size single-hop onion and a two-hop one round-trip through peel.
TEST(ChannelNetworkOnion, BuiltOnionsPeelBackToTheirPayloads) {
  const std::vector<onion::Hop> hops{{node_id(0x42), Bytes(100, 7)}, {node_id(0x43), Bytes(1132, 9)}};
  const auto built = onion::create_onion(key(0x41), hops, bytes("payment hash"));
  ASSERT_TRUE(built.ok());
  const auto first = onion::peel_onion(key(0x42), built.value().packet, bytes("payment hash"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.value().payload, hops[0].payload);
  EXPECT_EQ(first.value().shared_secret, built.value().shared_secrets[0]);
  ASSERT_TRUE(first.value().next.has_value());
  const auto second = onion::peel_onion(key(0x43), *first.value().next, bytes("payment hash"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.value().payload, hops[1].payload);
  EXPECT_FALSE(second.value().next.has_value());
}

// ---- Processing rules ----

OnionError peel_error(const onion::SecretKey& node, const onion::Packet& packet, const Bytes& associated_data) {
  const auto peeled = onion::peel_onion(node, packet, associated_data);
  return peeled.ok() ? OnionError::none : peeled.error();
}

TEST(ChannelNetworkOnion, PeelChecksTheNodeKeyVersionPointAndHmac) {
  const Bolt4Onion v = bolt4_onion();
  EXPECT_EQ(peel_error(onion::SecretKey{}, v.packet, v.associated_data), OnionError::peel_node_key);
  const Hash32 n = l2::ref::secp256k1::to_be_bytes(l2::ref::secp256k1::group_order);
  EXPECT_EQ(peel_error(n, v.packet, v.associated_data), OnionError::peel_node_key);
  Hash32 n_minus_1 = n;
  n_minus_1[31] -= 1;
  // A valid scalar, but not the node's key: past CN-PEEL-1, the HMAC fails.
  EXPECT_EQ(peel_error(n_minus_1, v.packet, v.associated_data), OnionError::peel_hmac);
  onion::Packet versioned = v.packet;
  versioned[0] = 1;
  EXPECT_EQ(peel_error(v.node_keys[0], versioned, v.associated_data), OnionError::peel_version);
  onion::Packet bad_point = v.packet;
  bad_point[1] = 0x04;
  EXPECT_EQ(peel_error(v.node_keys[0], bad_point, v.associated_data), OnionError::peel_public_key);
  onion::Packet flipped_payloads = v.packet;
  flipped_payloads[34 + 700] ^= 1;
  EXPECT_EQ(peel_error(v.node_keys[0], flipped_payloads, v.associated_data), OnionError::peel_hmac);
  onion::Packet flipped_hmac = v.packet;
  flipped_hmac[onion::packet_size - 1] ^= 1;
  EXPECT_EQ(peel_error(v.node_keys[0], flipped_hmac, v.associated_data), OnionError::peel_hmac);
  Bytes other_data = v.associated_data;
  other_data[0] ^= 1;
  EXPECT_EQ(peel_error(v.node_keys[0], v.packet, other_data), OnionError::peel_hmac);
  // Another node's key derives another shared secret, so the HMAC fails too.
  EXPECT_EQ(peel_error(v.node_keys[1], v.packet, v.associated_data), OnionError::peel_hmac);
  EXPECT_EQ(peel_error(v.node_keys[0], v.packet, v.associated_data), OnionError::none);
}

// A packet whose first layer decrypts to `plaintext` (zero-padded to 1300 bytes) for node 0x42,
// with a valid HMAC: what a malicious sender can make.
onion::Packet forged(const Bytes& plaintext) {
  const onion::SecretKey session = key(0x41);
  const auto ephemeral = *onion::scale(l2::ref::secp256k1::from_be_bytes(session), l2::ref::secp256k1::generator);
  const auto node = *onion::decompress(node_id(0x42));
  const Hash32 secret = onion::shared_secret(*onion::scale(l2::ref::secp256k1::from_be_bytes(session), node));
  Bytes payloads = plaintext;
  payloads.resize(onion::hop_payloads_size, 0);
  onion::xor_into(payloads, onion::stream(onion::generate_key("rho", secret), onion::hop_payloads_size));
  const Hash32 mac = l2::ref::hmac_sha256(onion::generate_key("mu", secret), payloads);
  onion::Packet packet{};
  const onion::PublicKey ephemeral_key = onion::compress(ephemeral);
  for (std::size_t i = 0; i < 33; ++i) packet[1 + i] = ephemeral_key[i];
  for (std::size_t i = 0; i < onion::hop_payloads_size; ++i) packet[34 + i] = payloads[i];
  for (std::size_t i = 0; i < onion::hmac_size; ++i) packet[34 + onion::hop_payloads_size + i] = mac[i];
  return packet;
}

TEST(ChannelNetworkOnion, ThePayloadLengthIsAMinimalBigsizeOfAtLeastTwo) {
  EXPECT_EQ(peel_error(key(0x42), forged({0x01}), {}), OnionError::peel_payload_too_short);
  EXPECT_EQ(peel_error(key(0x42), forged({0x00}), {}), OnionError::peel_payload_too_short);
  EXPECT_EQ(peel_error(key(0x42), forged({0x02}), {}), OnionError::none);
  EXPECT_EQ(peel_error(key(0x42), forged({0xfc}), {}), OnionError::none);
  EXPECT_EQ(peel_error(key(0x42), forged({0xfd, 0x00, 0xfc}), {}), OnionError::peel_length_encoding);
  EXPECT_EQ(peel_error(key(0x42), forged({0xfd, 0x00, 0xfd}), {}), OnionError::none);
  EXPECT_EQ(peel_error(key(0x42), forged({0xfe, 0x00, 0x00, 0xff, 0xff}), {}), OnionError::peel_length_encoding);
  EXPECT_EQ(peel_error(key(0x42), forged({0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}), {}), OnionError::peel_length_encoding);
}

// bigsize(1265) + 1265 + 32 = 1300 ends exactly at the end of hop_payloads.
TEST(ChannelNetworkOnion, TheFrameEndsInsideHopPayloads) {
  EXPECT_EQ(peel_error(key(0x42), forged({0xfd, 0x04, 0xf1}), {}), OnionError::none);  // 1265
  EXPECT_EQ(peel_error(key(0x42), forged({0xfd, 0x04, 0xf2}), {}), OnionError::peel_payload_too_long);  // 1266
  EXPECT_EQ(peel_error(key(0x42), forged({0xfe, 0x00, 0x01, 0x00, 0x00}), {}), OnionError::peel_payload_too_long);
}

// ---- Error rules ----

TEST(ChannelNetworkOnion, AFailureMessageFitsAU16Length) {
  const Hash32 secret = key(0x11);
  EXPECT_FALSE(onion::create_error(secret, Bytes(65536, 0)).ok());
  EXPECT_EQ(onion::create_error(secret, Bytes(65536, 0)).error(), OnionError::error_message_too_long);
  const auto longest = onion::create_error(secret, Bytes(65535, 3));
  ASSERT_TRUE(longest.ok());
  EXPECT_EQ(longest.value().size(), onion::hmac_size + 2 + 65535 + 2);  // no pad past 256
  const auto decoded = onion::decode_error({secret}, longest.value());
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded.value().failure_message, Bytes(65535, 3));
}

TEST(ChannelNetworkOnion, AnErrorNoHopAuthenticatesIsUnattributed) {
  const std::vector<Hash32> secrets{key(0x11), key(0x12)};
  Bytes packet = onion::forward_error(secrets[0], onion::create_error(secrets[1], Bytes{0x20, 0x02}).value());
  EXPECT_TRUE(onion::decode_error(secrets, packet).ok());
  packet[40] ^= 1;
  EXPECT_EQ(onion::decode_error(secrets, packet).error(), OnionError::error_unattributed);
  EXPECT_EQ(onion::decode_error({}, packet).error(), OnionError::error_unattributed);
}

// An erring hop that frames its lengths wrongly but authenticates them is refused, not read past.
TEST(ChannelNetworkOnion, AnAuthenticatedErrorWhoseLengthsDisagreeIsMalformed) {
  const Hash32 secret = key(0x11);
  auto framed = [&](const Bytes& rest) {
    const Hash32 mac = l2::ref::hmac_sha256(onion::generate_key("um", secret), rest);
    Bytes packet(mac.begin(), mac.end());
    l2::append(packet, rest);
    return onion::forward_error(secret, packet);
  };
  // failure_len 2, message, pad_len 1, one pad byte: consistent.
  EXPECT_TRUE(onion::decode_error({secret}, framed({0, 2, 0x20, 0x02, 0, 1, 0})).ok());
  // pad_len says 2, one byte follows.
  EXPECT_EQ(onion::decode_error({secret}, framed({0, 2, 0x20, 0x02, 0, 2, 0})).error(), OnionError::error_malformed);
  // failure_len runs past the packet.
  EXPECT_EQ(onion::decode_error({secret}, framed({0, 9, 0x20, 0x02, 0, 0})).error(), OnionError::error_malformed);
}

}  // namespace
