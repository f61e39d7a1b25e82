// The optimized onion (l2::opt::channel_network::onion, libsecp256k1 and OpenSSL) against the
// reference (l2::ref::channel_network::onion), byte for byte and error code for error code:
//   (a) random routes of 1 to 20 hops, payloads of 2 to 600 bytes, random keys and associated
//       data: the same packet and shared secrets from create_onion, the same payload, secret and
//       next packet from peel_onion at every hop;
//   (b) hostile packets: flipped bits, version bytes, public keys that name no point (prefixes
//       other than 02 and 03, x >= p, x with no y), node keys 0 and >= n, changed associated
//       data, and layers crafted with a valid HMAC around non-minimal, too short and too long
//       bigsize lengths, one to three of these at once so that the check order shows;
//   (c) hostile routes for create_onion: no hops, bad session keys, bad node ids, short and
//       too long payloads, several at once;
//   (d) BOLT 4's published onion vector through the optimized create and peel.
// spec: channel_network.md#the-onion
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <secp256k1.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "l2/opt/channel_network_onion.hpp"
#include "l2/ref/channel_network_onion.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/rapidcheck_runs.hpp"

namespace {

namespace onion = l2::ref::channel_network::onion;
namespace optimized = l2::opt::channel_network::onion;
using l2::Bytes;
using l2::Hash32;
using l2::OnionError;
using l2::u8;

// ---- Keys ----

// n and p, big-endian.
const Hash32 group_order = l2::from_hex<32>("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
const Hash32 field_size = l2::from_hex<32>("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");

// value + delta as a 256-bit big-endian integer, wrapping; |delta| < 2^16.
Hash32 plus(Hash32 value, int delta) {
  const bool down = delta < 0;
  unsigned carry = static_cast<unsigned>(down ? -delta : delta);  // what is still to add or subtract
  for (std::size_t i = 32; i-- > 0 && carry != 0;) {
    const int digit = static_cast<int>(carry & 0xff);
    const int sum = down ? value[i] - digit : value[i] + digit;
    value[i] = static_cast<u8>(sum & 0xff);
    carry = (carry >> 8) + (sum < 0 || sum > 0xff ? 1U : 0U);
  }
  return value;
}

bool valid_secret(const Hash32& key) { return l2::test::libsecp256k1::secret_key_valid(key); }

// A random valid secret key, often an edge: 1 or n - 1.
Hash32 secret_key() {
  Hash32 key{};
  switch (*rc::gen::inRange(0, 10)) {
    case 0: key[31] = 1; return key;
    case 1: return plus(group_order, -1);
    default:
      for (u8& b : key) b = *rc::gen::arbitrary<u8>();
      if (!valid_secret(key)) key[0] = 0x01;  // 0 or >= n: now nonzero and below n
      return key;
  }
}

// The compressed public key of a valid secret, from libsecp256k1 directly (an input here; the
// reference's peel succeeding at every hop checks it).
onion::PublicKey node_id_of(const Hash32& secret) {
  const secp256k1_context* ctx = l2::test::libsecp256k1::context();
  secp256k1_pubkey point;
  onion::PublicKey out{};
  std::size_t length = out.size();
  RC_ASSERT(secp256k1_ec_pubkey_create(ctx, &point, secret.data()) == 1);
  secp256k1_ec_pubkey_serialize(ctx, out.data(), &length, &point, SECP256K1_EC_COMPRESSED);
  return out;
}

Bytes random_bytes(std::size_t size) {
  Bytes out(size);
  for (u8& b : out) b = *rc::gen::arbitrary<u8>();
  return out;
}

Bytes associated_data() { return random_bytes(*rc::gen::element<std::size_t>(0, 1, 32, 32, 32, 65)); }

// A 33-byte key that names no point, or names one only by accident for a random x (case 5).
onion::PublicKey bad_public_key(const onion::PublicKey& valid) {
  onion::PublicKey key = valid;
  switch (*rc::gen::inRange(0, 6)) {
    case 0:  // a prefix other than 02 and 03: 04, 06 and 07 name uncompressed keys
      key[0] = *rc::gen::element<u8>(0x00, 0x01, 0x04, 0x05, 0x06, 0x07, 0xff);
      break;
    case 1: {  // x >= p: p itself, just above it, or the top of the range
      const Hash32 x = plus(field_size, *rc::gen::element(0, 1, 2, 0x3d0));
      std::copy(x.begin(), x.end(), key.begin() + 1);
      break;
    }
    case 2:
      key.fill(0xff);
      key[0] = *rc::gen::element<u8>(0x02, 0x03);
      break;
    case 3: {  // an x below p with x^3 + 7 no square
      Hash32 x{};
      do {
        for (u8& b : x) b = *rc::gen::arbitrary<u8>();
      } while (l2::ref::secp256k1::lift_x(l2::ref::secp256k1::from_be_bytes(x)).has_value());
      std::copy(x.begin(), x.end(), key.begin() + 1);
      break;
    }
    case 4:
      key.fill(0);
      key[0] = *rc::gen::element<u8>(0x02, 0x03);  // x = 0: 7 is no square mod p
      break;
    default:  // any x with a good prefix: a point about half the time
      for (std::size_t i = 1; i < key.size(); ++i) key[i] = *rc::gen::arbitrary<u8>();
      key[0] = *rc::gen::element<u8>(0x02, 0x03);
      break;
  }
  return key;
}

// A key peel_onion must refuse (CN-PEEL-1), or n - 1, a valid one that is not the hop's.
Hash32 bad_node_key() {
  switch (*rc::gen::inRange(0, 5)) {
    case 0: return Hash32{};
    case 1: return group_order;
    case 2: return plus(group_order, *rc::gen::inRange(1, 1000));
    case 3: {
      Hash32 all{};
      all.fill(0xff);
      return all;
    }
    default: return plus(group_order, -1);
  }
}

// ---- Comparison ----

std::string code(OnionError error) { return std::string(l2::error_info(error).code); }

template <class T>
std::string describe(const l2::Result<T, OnionError>& result) {
  return result.ok() ? std::string("ok") : code(result.error());
}

// "" if equal, else what differs.
std::string difference(const l2::Result<onion::Onion, OnionError>& expected, const l2::Result<onion::Onion, OnionError>& got) {
  if (expected.ok() != got.ok() || (!expected.ok() && expected.error() != got.error())) {
    return "reference " + describe(expected) + ", optimized " + describe(got);
  }
  if (!expected.ok()) return "";
  if (expected->packet != got->packet) return "packets differ: " + l2::to_hex(expected->packet) + " vs " + l2::to_hex(got->packet);
  if (expected->shared_secrets != got->shared_secrets) return "shared secrets differ";
  return "";
}

std::string difference(const l2::Result<onion::Peeled, OnionError>& expected, const l2::Result<onion::Peeled, OnionError>& got) {
  if (expected.ok() != got.ok() || (!expected.ok() && expected.error() != got.error())) {
    return "reference " + describe(expected) + ", optimized " + describe(got);
  }
  if (!expected.ok()) return "";
  if (expected->payload != got->payload) return "payloads differ";
  if (expected->shared_secret != got->shared_secret) return "shared secrets differ";
  if (expected->next.has_value() != got->next.has_value()) return "one forwards, the other does not";
  if (expected->next && *expected->next != *got->next) return "next packets differ";
  return "";
}

l2::Result<onion::Peeled, OnionError> peel_both(const Hash32& node_key, const onion::Packet& packet, std::span<const u8> ad) {
  const auto expected = onion::peel_onion(node_key, packet, ad);
  const auto got = optimized::peel_onion(node_key, packet, ad);
  const std::string diff = difference(expected, got);
  if (!diff.empty()) RC_FAIL("peel: " + diff);
  return expected;
}

l2::Result<onion::Onion, OnionError> create_both(const Hash32& session_key, const std::vector<onion::Hop>& hops,
                                                 std::span<const u8> ad) {
  const auto expected = onion::create_onion(session_key, hops, ad);
  const auto got = optimized::create_onion(session_key, hops, ad);
  const std::string diff = difference(expected, got);
  if (!diff.empty()) RC_FAIL("create: " + diff);
  return expected;
}

// ---- Routes ----

struct Route {
  Hash32 session_key{};
  std::vector<Hash32> node_keys;
  std::vector<onion::Hop> hops;
  Bytes associated_data;
};

std::size_t frame_size(std::size_t payload) { return onion::bigsize(payload).size() + payload + onion::hmac_size; }

// `hop_count` hops whose frames fit hop_payloads, each payload 2 to 600 bytes and at most its
// share of the 1300; the last one sometimes fills what is left exactly (the filler then reaches
// the front of hop_payloads).
Route random_route(std::size_t hop_count) {
  Route route;
  route.session_key = secret_key();
  route.associated_data = associated_data();
  const std::size_t share = std::max<std::size_t>(2, std::min<std::size_t>(600, onion::hop_payloads_size / hop_count - 35));
  std::size_t used = 0;
  for (std::size_t i = 0; i < hop_count; ++i) {
    std::size_t size = *rc::gen::inRange<std::size_t>(2, share + 1);
    if (i + 1 == hop_count && *rc::gen::inRange(0, 4) == 0) {
      const std::size_t left = onion::hop_payloads_size - used;
      for (std::size_t candidate = left; candidate >= 2 && candidate + 35 > left; --candidate) {
        if (frame_size(candidate) == left) size = candidate;
      }
    }
    used += frame_size(size);
    route.node_keys.push_back(secret_key());
    route.hops.push_back({node_id_of(route.node_keys.back()), random_bytes(size)});
  }
  return route;
}

// ---- (a) Random routes ----

// Each property runs on its own number of cases (l2::test::check_property), not the configured 100:
// the reference's curve arithmetic is readable code, and a 20-hop route costs it some 80
// multiplications.
TEST(ChannelNetworkOnionDifferential, RandomRoutesCreateAndPeelAsTheReference) {
  l2::test::check_property(
      [] {
        const std::size_t hop_count = *rc::gen::weightedOneOf<std::size_t>(
            {{3, rc::gen::inRange<std::size_t>(1, 6)}, {1, rc::gen::inRange<std::size_t>(6, 21)}});
        const Route route = random_route(hop_count);
        const auto built = create_both(route.session_key, route.hops, route.associated_data);
        RC_ASSERT(built.ok());
        RC_ASSERT(built->shared_secrets.size() == hop_count);
        onion::Packet packet = built->packet;
        for (std::size_t i = 0; i < hop_count; ++i) {
          // Another hop's key (if any) fails the HMAC in both.
          if (hop_count > 1 && i == 0) peel_both(route.node_keys[1], packet, route.associated_data);
          const auto peeled = peel_both(route.node_keys[i], packet, route.associated_data);
          RC_ASSERT(peeled.ok());
          RC_ASSERT(peeled->payload == route.hops[i].payload);
          RC_ASSERT(peeled->shared_secret == built->shared_secrets[i]);
          RC_ASSERT(peeled->next.has_value() == (i + 1 < hop_count));
          if (peeled->next) packet = *peeled->next;
        }
      },
      200);
}

// One mutation alone most of the time; two or three at once, where the earlier check must report.
int mutation_count() { return *rc::gen::weightedElement<int>({{4, 1}, {1, 2}, {1, 3}}); }

// ---- (b) Hostile packets ----

// A layer for `node_key` built by hand around `front` (the decrypted start of hop_payloads),
// with a valid HMAC, so that the checks after CN-PEEL-4 are reached. The rest is random; the
// next HMAC (after a valid frame) is all zero half the time.
onion::Packet crafted_packet(const Hash32& node_key, const Bytes& front, std::span<const u8> ad) {
  const onion::PublicKey ephemeral = node_id_of(secret_key());
  const auto point = onion::decompress(ephemeral);
  RC_ASSERT(point.has_value());
  const Hash32 secret = onion::shared_secret(*onion::scale(l2::ref::secp256k1::from_be_bytes(node_key), *point));
  Bytes plain = random_bytes(onion::hop_payloads_size);
  std::copy(front.begin(), front.end(), plain.begin());
  const auto length = onion::read_bigsize(plain);
  if (length && length->first <= onion::hop_payloads_size - onion::hmac_size - length->second && *rc::gen::arbitrary<bool>()) {
    std::fill_n(plain.begin() + static_cast<std::ptrdiff_t>(length->second + length->first), onion::hmac_size, u8{0});
  }
  onion::xor_into(plain, onion::stream(onion::generate_key("rho", secret), onion::hop_payloads_size));
  Bytes authenticated = plain;
  l2::append(authenticated, ad);
  const Hash32 mac = l2::ref::hmac_sha256(onion::generate_key("mu", secret), authenticated);
  onion::Packet packet{};
  std::copy(ephemeral.begin(), ephemeral.end(), packet.begin() + 1);
  std::copy(plain.begin(), plain.end(), packet.begin() + 34);
  std::copy(mac.begin(), mac.end(), packet.begin() + 34 + onion::hop_payloads_size);
  return packet;
}

struct Front {
  Bytes bytes;
  OnionError expected;  // what the reference must return: checks the crafting
};

// Lengths at every bigsize width, minimal or not, and at the 1300-byte boundary:
// 3 + 1265 + 32 = 1300 fits, 1266 does not.
const std::vector<Front>& fronts() {
  static const std::vector<Front> all = {
      {{0x00}, OnionError::peel_payload_too_short},
      {{0x01}, OnionError::peel_payload_too_short},
      {{0x02}, OnionError::none},
      {{0xfc}, OnionError::none},
      {{0xfd, 0x00, 0x01}, OnionError::peel_length_encoding},
      {{0xfd, 0x00, 0xfc}, OnionError::peel_length_encoding},
      {{0xfd, 0x00, 0xfd}, OnionError::none},
      {{0xfd, 0x04, 0xf1}, OnionError::none},
      {{0xfd, 0x04, 0xf2}, OnionError::peel_payload_too_long},
      {{0xfd, 0xff, 0xff}, OnionError::peel_payload_too_long},
      {{0xfe, 0x00, 0x00, 0xff, 0xff}, OnionError::peel_length_encoding},
      {{0xfe, 0x00, 0x00, 0x00, 0x02}, OnionError::peel_length_encoding},
      {{0xfe, 0x00, 0x01, 0x00, 0x00}, OnionError::peel_payload_too_long},
      {{0xfe, 0xff, 0xff, 0xff, 0xff}, OnionError::peel_payload_too_long},
      {{0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff}, OnionError::peel_length_encoding},
      {{0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, OnionError::peel_length_encoding},
      {{0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00}, OnionError::peel_payload_too_long},
      {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, OnionError::peel_payload_too_long},
  };
  return all;
}

TEST(ChannelNetworkOnionDifferential, CraftedLengthsPeelAsTheReference) {
  l2::test::check_property(
      [] {
        const Hash32 node_key = secret_key();
        const Bytes ad = associated_data();
        for (const Front& front : fronts()) {
          const onion::Packet packet = crafted_packet(node_key, front.bytes, ad);
          const auto expected = peel_both(node_key, packet, ad);
          RC_ASSERT(code(expected.ok() ? OnionError::none : expected.error()) == code(front.expected));
        }
        // Any first byte, a random layer behind it.
        const onion::Packet packet = crafted_packet(node_key, Bytes{*rc::gen::arbitrary<u8>()}, ad);
        peel_both(node_key, packet, ad);
      },
      40);
}

TEST(ChannelNetworkOnionDifferential, HostilePacketsPeelAsTheReference) {
  l2::test::check_property(
      [] {
        const std::size_t hop_count = *rc::gen::inRange<std::size_t>(1, 4);
        const Route route = random_route(hop_count);
        const auto built = onion::create_onion(route.session_key, route.hops, route.associated_data);
        RC_ASSERT(built.ok());
        const std::size_t hop = *rc::gen::inRange<std::size_t>(0, hop_count);
        // The packet as hop `hop` receives it.
        onion::Packet packet = built->packet;
        for (std::size_t i = 0; i < hop; ++i) packet = *onion::peel_onion(route.node_keys[i], packet, route.associated_data)->next;
        Hash32 node_key = route.node_keys[hop];
        Bytes ad = route.associated_data;

        const int mutations = mutation_count();
        for (int m = 0; m < mutations; ++m) {
          switch (*rc::gen::inRange(0, 7)) {
            case 0: {  // flip one to three bits anywhere
              const int flips = *rc::gen::inRange(1, 4);
              for (int f = 0; f < flips; ++f) {
                const std::size_t at = *rc::gen::inRange<std::size_t>(0, onion::packet_size);
                packet[at] ^= static_cast<u8>(1U << *rc::gen::inRange(0, 8));
              }
              break;
            }
            case 1:
              packet[0] = *rc::gen::element<u8>(0x01, 0x02, 0x80, 0xff);
              break;
            case 2: {
              onion::PublicKey key{};
              std::copy_n(packet.begin() + 1, 33, key.begin());
              key = bad_public_key(key);
              std::copy(key.begin(), key.end(), packet.begin() + 1);
              break;
            }
            case 3:
              node_key = bad_node_key();
              break;
            case 4:  // the associated data changed, extended or dropped
              if (!ad.empty() && *rc::gen::arbitrary<bool>()) {
                ad[*rc::gen::inRange<std::size_t>(0, ad.size())] ^= 0x01;
              } else if (ad.empty()) {
                ad.push_back(0x00);
              } else {
                ad.clear();
              }
              break;
            case 5:  // the HMAC
              packet[onion::packet_size - 1 - *rc::gen::inRange<std::size_t>(0, onion::hmac_size)] ^= 0x80;
              break;
            default:  // the node key of another hop, or an unrelated one
              node_key = secret_key();
              break;
          }
        }
        RC_TAG(describe(onion::peel_onion(node_key, packet, ad)));
        peel_both(node_key, packet, ad);
      },
      400);
}

// ---- (c) Hostile routes ----

TEST(ChannelNetworkOnionDifferential, HostileRoutesCreateAsTheReference) {
  l2::test::check_property(
      [] {
        Route route = random_route(*rc::gen::inRange<std::size_t>(1, 6));
        const int mutations = mutation_count();
        for (int m = 0; m < mutations; ++m) {
          const std::size_t hop = *rc::gen::inRange<std::size_t>(0, std::max<std::size_t>(route.hops.size(), 1));
          // The early rules (no hops, the session key) would hide the later ones if drawn as often.
          switch (*rc::gen::weightedElement<int>({{1, 0}, {2, 1}, {4, 2}, {3, 3}, {3, 4}, {2, 5}})) {
            case 0:
              route.hops.clear();
              break;
            case 1:
              route.session_key = bad_node_key();
              break;
            case 2:
              if (!route.hops.empty()) route.hops[hop].node_id = bad_public_key(route.hops[hop].node_id);
              break;
            case 3:
              if (!route.hops.empty()) route.hops[hop].payload.resize(*rc::gen::inRange<std::size_t>(0, 2));
              break;
            case 4:  // frames past 1300: one payload of 1266, or all grown
              if (!route.hops.empty()) route.hops[hop].payload.resize(*rc::gen::element<std::size_t>(1266, 1300, 70000));
              break;
            default:
              for (onion::Hop& h : route.hops) h.payload.resize(h.payload.size() + 300, 0x55);
              break;
          }
        }
        RC_TAG(describe(onion::create_onion(route.session_key, route.hops, route.associated_data)));
        create_both(route.session_key, route.hops, route.associated_data);
      },
      300);
}

// ---- (d) BOLT 4's vector ----

nlohmann::json read_vector(const std::string& name) {
  const char* dir = std::getenv("L2_SOURCE_DIR");
  const std::filesystem::path root = dir != nullptr ? dir : L2_TEST_SOURCE_DIR;
  std::ifstream in(root / "tests/data/bolt04" / name);
  std::ostringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

struct Bolt4Onion {
  Hash32 session_key{};
  Bytes associated_data;
  std::vector<onion::Hop> hops;
  onion::Packet packet{};
  std::vector<Hash32> node_keys;
};

// The vector's payloads carry their bigsize length; the API takes the payload alone.
Bolt4Onion bolt4_onion() {
  const nlohmann::json vector = read_vector("onion-test.json");
  Bolt4Onion v;
  v.session_key = l2::from_hex<32>(vector["generate"]["session_key"].get<std::string>());
  v.associated_data = l2::bytes_from_hex(vector["generate"]["associated_data"].get<std::string>());
  for (const auto& hop : vector["generate"]["hops"]) {
    const Bytes framed = l2::bytes_from_hex(hop["payload"].get<std::string>());
    const auto length = onion::read_bigsize(framed);
    EXPECT_TRUE(length.has_value());
    v.hops.push_back({l2::from_hex<33>(hop["pubkey"].get<std::string>()),
                      Bytes(framed.begin() + static_cast<std::ptrdiff_t>(length ? length->second : 0), framed.end())});
  }
  v.packet = l2::from_hex<onion::packet_size>(vector["onion"].get<std::string>());
  for (const auto& node_key : vector["decode"]) v.node_keys.push_back(l2::from_hex<32>(node_key.get<std::string>()));
  return v;
}

TEST(ChannelNetworkOnionDifferential, Bolt4OnionIsBuiltByteForByte) {
  const Bolt4Onion v = bolt4_onion();
  const auto built = optimized::create_onion(v.session_key, v.hops, v.associated_data);
  ASSERT_TRUE(built.ok()) << code(built.error());
  EXPECT_EQ(l2::to_hex(built->packet), l2::to_hex(v.packet));
  // The shared secrets the error vector publishes for the same session key and route.
  const nlohmann::json error_vector = read_vector("onion-error-test.json");
  const nlohmann::json& hops = error_vector["generate"]["hops"];
  ASSERT_EQ(built->shared_secrets.size(), hops.size());
  for (std::size_t i = 0; i < hops.size(); ++i) {
    EXPECT_EQ(l2::to_hex(built->shared_secrets[i]), hops[i]["hop_shared_secret"].get<std::string>()) << i;
  }
}

TEST(ChannelNetworkOnionDifferential, Bolt4OnionPeelsAsTheReference) {
  const Bolt4Onion v = bolt4_onion();
  onion::Packet packet = v.packet;
  for (std::size_t i = 0; i < v.hops.size(); ++i) {
    const auto expected = onion::peel_onion(v.node_keys[i], packet, v.associated_data);
    const auto got = optimized::peel_onion(v.node_keys[i], packet, v.associated_data);
    ASSERT_EQ(difference(expected, got), "") << "hop " << i;
    ASSERT_TRUE(got.ok()) << "hop " << i;
    EXPECT_EQ(got->payload, v.hops[i].payload) << "hop " << i;
    EXPECT_EQ(got->next.has_value(), i + 1 < v.hops.size()) << "hop " << i;
    if (got->next) packet = *got->next;
  }
}

// The per-thread OpenSSL contexts and the shared libsecp256k1 context: two threads peeling and
// building at once get what one thread gets.
TEST(ChannelNetworkOnionDifferential, ThreadsPeelAndBuildIndependently) {
  const Bolt4Onion v = bolt4_onion();
  const auto expected = optimized::peel_onion(v.node_keys[0], v.packet, v.associated_data);
  ASSERT_TRUE(expected.ok());
  std::array<int, 2> mismatches{};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        const auto peeled = optimized::peel_onion(v.node_keys[0], v.packet, v.associated_data);
        if (!peeled.ok() || peeled->payload != expected->payload || peeled->next != expected->next) ++mismatches[t];
        const auto built = optimized::create_onion(v.session_key, v.hops, v.associated_data);
        if (!built.ok() || built->packet != v.packet) ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches[0], 0);
  EXPECT_EQ(mismatches[1], 0);
}

}  // namespace
