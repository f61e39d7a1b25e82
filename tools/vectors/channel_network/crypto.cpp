// The channel network's cryptography as vectors: BOLT 4's onion (create, peel, and the error packet
// on the way back), HMAC-SHA256 under it, and the adaptor signatures of PTLCs. Every op is
// stateless; create_onion and peel_onion also run on the optimized onion. BOLT 4's published
// vectors are the suite bolt04/. spec: channel_network.md#hmac-sha256, channel_network.md#the-onion,
// channel_network.md#adaptor-signatures, channel_network.md#vector-operations-mechanism-channel_network
#include <boost/hana.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cases.hpp"
#include "l2/codec/json.hpp"
#include "l2/opt/channel_network_onion.hpp"
#include "l2/ref/channel_network_adaptor.hpp"
#include "l2/ref/channel_network_onion.hpp"
#include "l2/ref/hmac.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/secp256k1.hpp"
#include "l2/vectors/bolt04_published_vectors.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors::channel_network_vectors {
namespace {

namespace onion = ref::channel_network::onion;
namespace adaptor = ref::channel_network::adaptor;
namespace secp = ref::secp256k1;
namespace bolt04 = bolt04_published;

// ---- Inputs and outputs, declared once: encoding, JSON and state roots derive from these. ----

struct OnionHop {
  BOOST_HANA_DEFINE_STRUCT(OnionHop, (onion::PublicKey, node_id), (Bytes, payload));
};
struct CreateOnionInput {
  BOOST_HANA_DEFINE_STRUCT(CreateOnionInput, (Hash32, session_key), (std::vector<OnionHop>, hops), (Bytes, associated_data));
};
struct CreateOnionOutput {
  BOOST_HANA_DEFINE_STRUCT(CreateOnionOutput, (onion::Packet, packet), (std::vector<Hash32>, shared_secrets));
};
struct PeelOnionInput {
  BOOST_HANA_DEFINE_STRUCT(PeelOnionInput, (Hash32, node_key), (onion::Packet, packet), (Bytes, associated_data));
};
struct PeelOnionOutput {
  BOOST_HANA_DEFINE_STRUCT(PeelOnionOutput, (Bytes, payload), (Hash32, shared_secret),
                           (std::optional<onion::Packet>, next_packet));
};
struct CreateErrorInput {
  BOOST_HANA_DEFINE_STRUCT(CreateErrorInput, (Hash32, shared_secret), (Bytes, failure_message));
};
struct ForwardErrorInput {
  BOOST_HANA_DEFINE_STRUCT(ForwardErrorInput, (Hash32, shared_secret), (Bytes, packet));
};
struct ErrorPacketOutput {
  BOOST_HANA_DEFINE_STRUCT(ErrorPacketOutput, (Bytes, packet));
};
struct DecodeErrorInput {
  BOOST_HANA_DEFINE_STRUCT(DecodeErrorInput, (std::vector<Hash32>, shared_secrets), (Bytes, packet));
};
struct DecodeErrorOutput {
  BOOST_HANA_DEFINE_STRUCT(DecodeErrorOutput, (u64, hop), (Bytes, failure_message));
};
struct HmacInput {
  BOOST_HANA_DEFINE_STRUCT(HmacInput, (Bytes, key), (Bytes, message));
};
struct HmacOutput {
  BOOST_HANA_DEFINE_STRUCT(HmacOutput, (Hash32, mac));
};
struct PresignInput {
  BOOST_HANA_DEFINE_STRUCT(PresignInput, (Hash32, secret_key), (Bytes, message), (adaptor::Point, adaptor_point),
                           (Hash32, aux_rand));
};
struct PresignOutput {
  BOOST_HANA_DEFINE_STRUCT(PresignOutput, (Hash32, pubkey), (adaptor::PreSignature, pre_signature));
};
struct PreVerifyInput {
  BOOST_HANA_DEFINE_STRUCT(PreVerifyInput, (Hash32, pubkey), (Bytes, message), (adaptor::Point, adaptor_point),
                           (adaptor::PreSignature, pre_signature));
};
struct Accepted {
  BOOST_HANA_DEFINE_STRUCT(Accepted, (bool, accepted));
};
struct AdaptInput {
  BOOST_HANA_DEFINE_STRUCT(AdaptInput, (adaptor::PreSignature, pre_signature), (adaptor::Point, adaptor_point),
                           (Hash32, adaptor_secret));
};
struct SignatureOutput {
  BOOST_HANA_DEFINE_STRUCT(SignatureOutput, (ref::bip340::Signature, signature));
};
struct ExtractInput {
  BOOST_HANA_DEFINE_STRUCT(ExtractInput, (adaptor::PreSignature, pre_signature), (adaptor::Point, adaptor_point),
                           (ref::bip340::Signature, signature));
};
struct ExtractOutput {
  BOOST_HANA_DEFINE_STRUCT(ExtractOutput, (Hash32, adaptor_secret));
};

// ---- The ops ----

std::vector<onion::Hop> hops_of(const CreateOnionInput& in) {
  std::vector<onion::Hop> hops;
  for (const OnionHop& hop : in.hops) hops.push_back({hop.node_id, hop.payload});
  return hops;
}

Result<CreateOnionOutput, OnionError> onion_output(const Result<onion::Onion, OnionError>& built) {
  if (!built.ok()) return built.error();
  return CreateOnionOutput{built.value().packet, built.value().shared_secrets};
}

Result<PeelOnionOutput, OnionError> peel_output(const Result<onion::Peeled, OnionError>& peeled) {
  if (!peeled.ok()) return peeled.error();
  return PeelOnionOutput{peeled.value().payload, peeled.value().shared_secret, peeled.value().next};
}

template <class In, class Out>
using OnionFn = PureFn<In, Out, OnionError>;
template <class In, class Out>
using AdaptorFn = PureFn<In, Out, AdaptorError>;

std::vector<OpHandler> onion_ops() {
  std::vector<OpHandler> list;
  list.push_back(stateless_op<CreateOnionInput, CreateOnionOutput, OnionError>(
      "create_onion", "BOLT 4 onion for a route, and each hop's shared secret [CN-ONION-1..6]",
      OnionFn<CreateOnionInput, CreateOnionOutput>([](const CreateOnionInput& in) {
        return onion_output(onion::create_onion(in.session_key, hops_of(in), in.associated_data));
      }),
      OnionFn<CreateOnionInput, CreateOnionOutput>([](const CreateOnionInput& in) {
        return onion_output(opt::channel_network::onion::create_onion(in.session_key, hops_of(in), in.associated_data));
      })));
  list.push_back(stateless_op<PeelOnionInput, PeelOnionOutput, OnionError>(
      "peel_onion", "one hop's layer of a BOLT 4 onion: its payload, shared secret and next packet [CN-PEEL-1..7, CN-ONION-6]",
      OnionFn<PeelOnionInput, PeelOnionOutput>([](const PeelOnionInput& in) {
        return peel_output(onion::peel_onion(in.node_key, in.packet, in.associated_data));
      }),
      OnionFn<PeelOnionInput, PeelOnionOutput>([](const PeelOnionInput& in) {
        return peel_output(opt::channel_network::onion::peel_onion(in.node_key, in.packet, in.associated_data));
      })));
  list.push_back(stateless_op<CreateErrorInput, ErrorPacketOutput, OnionError>(
      "create_error", "the failing hop's error packet [CN-ERR-1]",
      OnionFn<CreateErrorInput, ErrorPacketOutput>([](const CreateErrorInput& in) -> Result<ErrorPacketOutput, OnionError> {
        const auto packet = onion::create_error(in.shared_secret, in.failure_message);
        if (!packet.ok()) return packet.error();
        return ErrorPacketOutput{packet.value()};
      }),
      {}));
  list.push_back(stateless_op<ForwardErrorInput, ErrorPacketOutput, OnionError>(
      "forward_error", "one hop's obfuscation of an error packet on its way back; rejects nothing",
      OnionFn<ForwardErrorInput, ErrorPacketOutput>([](const ForwardErrorInput& in) -> Result<ErrorPacketOutput, OnionError> {
        return ErrorPacketOutput{onion::forward_error(in.shared_secret, in.packet)};
      }),
      {}));
  list.push_back(stateless_op<DecodeErrorInput, DecodeErrorOutput, OnionError>(
      "decode_error", "the payer's reading of a returned error: the hop that made it and its message [CN-ERR-2, CN-ERR-3]",
      OnionFn<DecodeErrorInput, DecodeErrorOutput>([](const DecodeErrorInput& in) -> Result<DecodeErrorOutput, OnionError> {
        const auto decoded = onion::decode_error(in.shared_secrets, in.packet);
        if (!decoded.ok()) return decoded.error();
        return DecodeErrorOutput{decoded.value().hop, decoded.value().failure_message};
      }),
      {}));
  // HMAC-SHA256 rejects nothing; OnionError is only the type the handler needs for an error.
  list.push_back(stateless_op<HmacInput, HmacOutput, OnionError>(
      "hmac_sha256", "HMAC-SHA256 (RFC 2104) [HASH-HMAC-1]",
      OnionFn<HmacInput, HmacOutput>([](const HmacInput& in) -> Result<HmacOutput, OnionError> {
        return HmacOutput{ref::hmac_sha256(in.key, in.message)};
      }),
      {}));
  return list;
}

std::vector<OpHandler> adaptor_ops() {
  std::vector<OpHandler> list;
  list.push_back(stateless_op<PresignInput, PresignOutput, AdaptorError>(
      "adaptor_presign", "the signer's pre-signature of a message under an adaptor point [CN-ADAPT-1..3]",
      AdaptorFn<PresignInput, PresignOutput>([](const PresignInput& in) -> Result<PresignOutput, AdaptorError> {
        const auto pre = adaptor::presign(in.secret_key, in.message, in.adaptor_point, in.aux_rand);
        if (!pre.ok()) return pre.error();
        // presign accepted the key [CN-ADAPT-1], so it has a public key.
        return PresignOutput{ref::bip340::pubkey_from_secret(in.secret_key).value(), pre.value()};
      }),
      {}));
  list.push_back(stateless_op<PreVerifyInput, Accepted, AdaptorError>(
      "adaptor_pre_verify", "the receiver's check of a pre-signature [CN-ADAPT-2..5]",
      AdaptorFn<PreVerifyInput, Accepted>([](const PreVerifyInput& in) -> Result<Accepted, AdaptorError> {
        const AdaptorError error = adaptor::pre_verify(in.pubkey, in.message, in.adaptor_point, in.pre_signature);
        if (error != AdaptorError::none) return error;
        return Accepted{true};
      }),
      {}));
  list.push_back(stateless_op<AdaptInput, SignatureOutput, AdaptorError>(
      "adaptor_adapt", "the completed BIP-340 signature from a pre-signature and the adaptor secret [CN-ADAPT-1..4]",
      AdaptorFn<AdaptInput, SignatureOutput>([](const AdaptInput& in) -> Result<SignatureOutput, AdaptorError> {
        const auto signature = adaptor::adapt(in.pre_signature, in.adaptor_point, in.adaptor_secret);
        if (!signature.ok()) return signature.error();
        return SignatureOutput{signature.value()};
      }),
      {}));
  list.push_back(stateless_op<ExtractInput, ExtractOutput, AdaptorError>(
      "adaptor_extract", "the adaptor secret from a pre-signature and its completed signature [CN-ADAPT-2..5]",
      AdaptorFn<ExtractInput, ExtractOutput>([](const ExtractInput& in) -> Result<ExtractOutput, AdaptorError> {
        const auto secret = adaptor::extract(in.pre_signature, in.adaptor_point, in.signature);
        if (!secret.ok()) return secret.error();
        return ExtractOutput{secret.value()};
      }),
      {}));
  return list;
}

// ---- Case helpers ----

// One-step cases: every op is stateless, so a case is one input and its outcome.
class Cases {
 public:
  CaseSpec& add(std::string suite, std::string name, std::string description, std::vector<std::string> rules,
                std::string op, json input) {
    CaseSpec& spec = book_.add(std::move(suite), std::move(name), std::move(description), std::move(rules));
    spec.steps.push_back(Step{std::move(op), 0, std::move(input)});
    return spec;
  }
  void mark_adversarial(std::string attack, std::string party) { book_.mark_adversarial(std::move(attack), std::move(party)); }
  std::vector<CaseSpec> take() { return book_.take(); }

 private:
  CaseBook book_{std::string(mechanism_name)};
};

Hash32 seed_of(std::string_view suite, std::string_view name) { return case_seed(mechanism_name, suite, name); }
Hash32 key_from(const Hash32& seed, u32 index) { return ref::bip340::secret_from_seed(seed, index); }


Bytes hex_bytes(std::string_view hex) { return bytes_from_hex(hex); }

const Hash32 order_n = secp::to_be_bytes(secp::group_order);
const Hash32 order_n_minus_1 = from_hex<32>("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140");
const Hash32 field_p = from_hex<32>("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
const Hash32 all_ones = from_hex<32>("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");

Hash32 small(u8 value) {
  Hash32 out{};
  out[31] = value;
  return out;
}

// compress(secret * G).
onion::PublicKey point_of(const Hash32& secret) {
  return onion::compress(*onion::scale(secp::from_be_bytes(secret), secp::generator));
}

onion::PublicKey point_with_x(u8 prefix, const Hash32& x) {
  onion::PublicKey out{};
  out[0] = prefix;
  for (std::size_t i = 0; i < x.size(); ++i) out[1 + i] = x[i];
  return out;
}

onion::PublicKey with_prefix(onion::PublicKey point, u8 prefix) {
  point[0] = prefix;
  return point;
}

// -P: the same x, the other parity.
onion::PublicKey negated(const onion::PublicKey& point) { return with_prefix(point, point[0] == 0x02 ? 0x03 : 0x02); }

// Payload lengths at the bigsize boundaries: the shortest allowed, the largest one-byte length (fc)
// and the smallest three-byte one (fd 00 fd).
constexpr std::array<std::size_t, 3> bigsize_boundary_lengths = {2, 252, 253};

// x = 5 names no point: 5^3 + 7 = 132 is not a square mod p.
const Hash32 x_off_curve = small(5);

// ---- The onion ----

// A packet whose layer for `node_key` decrypts to `plaintext` zero-padded to 1300 bytes, with a valid
// HMAC over it and the associated data: what a malicious sender can make, to reach the checks past
// CN-PEEL-4. The ephemeral key is session_key * G.
onion::Packet forged_packet(const Hash32& session_key, const Hash32& node_key, const Bytes& plaintext,
                            const Bytes& associated_data) {
  const secp::U256 session = secp::from_be_bytes(session_key);
  const onion::PublicKey ephemeral = point_of(session_key);
  const Hash32 secret = onion::shared_secret(*onion::scale(session, *onion::decompress(point_of(node_key))));
  Bytes payloads = plaintext;
  payloads.resize(onion::hop_payloads_size, 0);
  onion::xor_into(payloads, onion::stream(onion::generate_key("rho", secret), onion::hop_payloads_size));
  Bytes authenticated = payloads;
  append(authenticated, associated_data);
  const Hash32 mac = ref::hmac_sha256(onion::generate_key("mu", secret), authenticated);
  onion::Packet packet{};
  packet[0] = onion::version;
  for (std::size_t i = 0; i < ephemeral.size(); ++i) packet[1 + i] = ephemeral[i];
  for (std::size_t i = 0; i < onion::hop_payloads_size; ++i) packet[34 + i] = payloads[i];
  for (std::size_t i = 0; i < onion::hmac_size; ++i) packet[34 + onion::hop_payloads_size + i] = mac[i];
  return packet;
}

// The packet each hop of a route receives: the first is `first`, each later one the reference's
// next packet from peeling the one before with that hop's key.
std::vector<onion::Packet> packets_along(const onion::Packet& first, const std::vector<Hash32>& node_keys,
                                         const Bytes& associated_data) {
  std::vector<onion::Packet> packets{first};
  for (std::size_t i = 0; i + 1 < node_keys.size(); ++i)
    packets.push_back(*onion::peel_onion(node_keys[i], packets.back(), associated_data).value().next);
  return packets;
}

std::string bolt04_onion_source() {
  return "BOLT 4 published vector (" + std::string(bolt04::repository) + " " + std::string(bolt04::commit.substr(0, 8)) +
         ", bolt04/onion-test.json, " + std::string(bolt04::licence) + ")";
}
std::string bolt04_error_source() {
  return "BOLT 4 published vector (" + std::string(bolt04::repository) + " " + std::string(bolt04::commit.substr(0, 8)) +
         ", bolt04/onion-error-test.json; intermediate packets from 04-onion-routing.md at " +
         std::string(bolt04::trace_commit.substr(0, 8)) + "; " + std::string(bolt04::licence) + ")";
}
std::string bolt04_padded_source() {
  return "BOLT 4 published vector (" + std::string(bolt04::repository) + " " + std::string(bolt04::commit.substr(0, 8)) +
         ", 04-onion-routing.md \"Returning Errors\" test vector, " + std::string(bolt04::licence) + ")";
}

const std::vector<std::string> all_onion_rules = {"CN-ONION-1", "CN-ONION-2", "CN-ONION-3",
                                                  "CN-ONION-4", "CN-ONION-5", "CN-ONION-6"};
const std::vector<std::string> all_peel_rules = {"CN-PEEL-1", "CN-PEEL-2", "CN-PEEL-3", "CN-PEEL-4",
                                                 "CN-PEEL-5", "CN-PEEL-6", "CN-PEEL-7"};

// A peel that forwards also blinds the next ephemeral key, which CN-ONION-6 checks.
std::vector<std::string> peel_rules(bool forwards) {
  std::vector<std::string> rules = all_peel_rules;
  if (forwards) rules.push_back("CN-ONION-6");
  return rules;
}

// The published onion's hops, each payload without the bigsize length the vector carries.
std::vector<OnionHop> bolt04_hops() {
  std::vector<OnionHop> hops;
  for (const auto& hop : bolt04::onion_hops) {
    const Bytes framed = hex_bytes(hop.payload_hex);
    const auto length = onion::read_bigsize(framed);
    hops.push_back({from_hex<33>(hop.pubkey_hex), Bytes(framed.begin() + static_cast<std::ptrdiff_t>(length->second), framed.end())});
  }
  return hops;
}

void bolt04_cases(Cases& cases) {
  const Hash32 session_key = from_hex<32>(bolt04::onion_session_key_hex);
  const Bytes associated_data = hex_bytes(bolt04::onion_associated_data_hex);
  const std::vector<OnionHop> hops = bolt04_hops();
  cases.add("bolt04", "create_onion",
            bolt04_onion_source() + ": the five-hop onion, payloads of 18, 82, 18, 18 and 272 bytes; the packet is the "
                                    "published one and the shared secrets those of bolt04/onion-error-test.json. "
                                    "CN-ONION-6 is listed as passed: no blinded key reaches infinity",
            all_onion_rules, "create_onion", codec::to_json(CreateOnionInput{session_key, hops, associated_data}));

  std::vector<Hash32> node_keys;
  for (std::string_view key : bolt04::onion_node_keys_hex) node_keys.push_back(from_hex<32>(key));
  const std::vector<onion::Packet> packets =
      packets_along(from_hex<onion::packet_size>(bolt04::onion_packet_hex), node_keys, associated_data);
  for (std::size_t i = 0; i < packets.size(); ++i) {
    const bool forwards = i + 1 < packets.size();
    const std::string origin = i == 0 ? "the published onion" : "the next_packet of bolt04/peel_hop_" + std::to_string(i - 1);
    cases.add("bolt04", "peel_hop_" + std::to_string(i),
              bolt04_onion_source() + ": hop " + std::to_string(i) + " peels " + origin + " with its published node key; " +
                  (forwards ? "it forwards the next packet" : "the last hop, it forwards nothing"),
              peel_rules(forwards), "peel_onion", codec::to_json(PeelOnionInput{node_keys[i], packets[i], associated_data}));
  }

  // The error: made by hop 4, obfuscated by each hop back, read by the payer.
  const auto& error_hops = bolt04::error_hops;
  const std::size_t failing = bolt04::error_failing_hop;
  cases.add("bolt04", "create_error_node_4",
            bolt04_error_source() + ": hop 4 returns failure 2002 (temporary_node_failure), padded to 256 bytes; the "
                                    "packet is the trace's \"error packet for node 4\"",
            {"CN-ERR-1"}, "create_error",
            codec::to_json(CreateErrorInput{from_hex<32>(error_hops[failing].shared_secret_hex),
                                            hex_bytes(bolt04::error_failure_message_hex)}));
  for (std::size_t hop = failing; hop-- > 0;) {
    cases.add("bolt04", "forward_error_node_" + std::to_string(hop),
              bolt04_error_source() + ": hop " + std::to_string(hop) + " obfuscates node " + std::to_string(hop + 1) +
                  "'s error packet into its own (forward_error rejects nothing; listed under CN-ERR-2, the rule its "
                  "layers serve)",
              {"CN-ERR-2"}, "forward_error",
              codec::to_json(ForwardErrorInput{from_hex<32>(error_hops[hop].shared_secret_hex),
                                               hex_bytes(error_hops[hop + 1].error_packet_hex)}));
  }
  std::vector<Hash32> secrets;
  for (const auto& hop : error_hops) secrets.push_back(from_hex<32>(hop.shared_secret_hex));
  cases.add("bolt04", "decode_error",
            bolt04_error_source() + ": the payer strips the five layers of the published errorpacket and finds hop 4's "
                                    "failure 2002",
            {"CN-ERR-2", "CN-ERR-3"}, "decode_error",
            codec::to_json(DecodeErrorInput{secrets, hex_bytes(bolt04::error_packet_hex)}));

  // The current text's trace: a 320-byte failure padded to 1024, which create_error (padding to 256)
  // does not make, so only the hops back and the payer's reading are cases.
  const auto& padded = bolt04::padded_error_hops;
  for (std::size_t hop = failing; hop-- > 0;) {
    cases.add("bolt04", "padded_1024_forward_error_node_" + std::to_string(hop),
              bolt04_padded_source() + ": hop " + std::to_string(hop) + " obfuscates node " + std::to_string(hop + 1) +
                  "'s 1060-byte error packet (a 320-byte failure padded to 1024; attribution_data left out)",
              {"CN-ERR-2"}, "forward_error",
              codec::to_json(ForwardErrorInput{from_hex<32>(padded[hop].shared_secret_hex),
                                               hex_bytes(padded[hop + 1].error_packet_hex)}));
  }
  std::vector<Hash32> padded_secrets;
  for (const auto& hop : padded) padded_secrets.push_back(from_hex<32>(hop.shared_secret_hex));
  cases.add("bolt04", "padded_1024_decode_error",
            bolt04_padded_source() + ": the payer reads hop 4's 320-byte incorrect_or_unknown_payment_details failure "
                                     "(pad_len 704) from the 1060-byte packet node 0 returns",
            {"CN-ERR-2", "CN-ERR-3"}, "decode_error",
            codec::to_json(DecodeErrorInput{padded_secrets, hex_bytes(padded[0].error_packet_hex)}));
}

void hmac_cases(Cases& cases) {
  struct Rfc4231 {
    const char* name;
    Bytes key;
    Bytes message;
    const char* what;
  };
  const std::vector<Rfc4231> published = {
      {"rfc4231_case_1", Bytes(20, 0x0b), bytes_of("Hi There"), "RFC 4231 4.2, test case 1: a 20-byte key"},
      {"rfc4231_case_2", bytes_of("Jefe"), bytes_of("what do ya want for nothing?"),
       "RFC 4231 4.3, test case 2: a key shorter than the output"},
      {"rfc4231_case_3", Bytes(20, 0xaa), Bytes(50, 0xdd), "RFC 4231 4.4, test case 3: 50 bytes of 0xdd"},
      {"rfc4231_case_6", Bytes(131, 0xaa), bytes_of("Test Using Larger Than Block-Size Key - Hash Key First"),
       "RFC 4231 4.7, test case 6: a 131-byte key, hashed first"},
      {"rfc4231_case_7", Bytes(131, 0xaa),
       bytes_of("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be "
                "hashed before being used by the HMAC algorithm."),
       "RFC 4231 4.8, test case 7: a 131-byte key and a 152-byte message"},
  };
  for (const Rfc4231& v : published)
    cases.add("hmac_sha256", v.name, std::string(v.what) + " (published; the expected mac is the RFC's HMAC-SHA-256)",
              {"HASH-HMAC-1"}, "hmac_sha256", codec::to_json(HmacInput{v.key, v.message}));
  for (std::size_t length : {63u, 64u, 65u}) {
    const std::string name = "key_" + std::to_string(length) + "_bytes";
    Drbg rng(seed_of("hmac_sha256", name));
    const Bytes key = rng.next_bytes(length);
    cases.add("hmac_sha256", name,
              "a " + std::to_string(length) + "-byte seeded key: " +
                  (length > 64 ? "longer than the 64-byte block, so hashed first" : "used as it is, zero-padded to the block"),
              {"HASH-HMAC-1"}, "hmac_sha256", codec::to_json(HmacInput{key, rng.next_bytes(40)}));
  }
  cases.add("hmac_sha256", "empty_key_and_message", "the empty key and the empty message", {"HASH-HMAC-1"}, "hmac_sha256",
            codec::to_json(HmacInput{Bytes{}, Bytes{}}));
  // HMAC rejects nothing: its negatives are inputs that are not byte strings.
  cases.add("hmac_sha256", "malformed_key_odd_hex", "a key of 3 hex digits is not a byte string", {"HASH-HMAC-1"},
            "hmac_sha256", json{{"key", "0b0"}, {"message", "4869"}});
  cases.add("hmac_sha256", "malformed_message_uppercase_hex", "uppercase hex is not the JSON form of bytes",
            {"HASH-HMAC-1"}, "hmac_sha256", json{{"key", "0b0b"}, {"message", "4869AB"}});
}

void create_onion_cases(Cases& cases) {
  auto one_hop = [&](const std::string& name, const std::string& what, std::vector<std::string> rules,
                     const Bytes& payload) {
    const Hash32 seed = seed_of("create_onion", name);
    Drbg rng(seed);
    const CreateOnionInput in{key_from(seed, 0), {{point_of(key_from(seed, 1)), payload}}, rng.next_bytes(32)};
    cases.add("create_onion", name, what, std::move(rules), "create_onion", codec::to_json(in));
  };
  one_hop("payload_2_bytes", "one hop with a 2-byte payload, the shortest allowed", all_onion_rules, Bytes(2, 0x07));
  one_hop("invalid_payload_1_byte", "one hop with a 1-byte payload: BOLT 4 reserves lengths 0 and 1", {"CN-ONION-4"},
          Bytes(1, 0x07));
  one_hop("invalid_payload_0_bytes", "one hop with an empty payload", {"CN-ONION-4"}, Bytes{});
  one_hop("payload_1265_bytes", "one hop whose frame fills hop_payloads exactly: 3 + 1265 + 32 = 1300", all_onion_rules,
          Bytes(1265, 0x07));
  one_hop("invalid_payload_1266_bytes", "one hop whose frame is 1301 bytes, one past hop_payloads", {"CN-ONION-5"},
          Bytes(1266, 0x07));

  {
    const std::string name = "three_hops_payloads_2_252_253";
    const Hash32 seed = seed_of("create_onion", name);
    Drbg rng(seed);
    CreateOnionInput in{key_from(seed, 0), {}, rng.next_bytes(32)};
    for (u32 i = 0; i < 3; ++i)
      in.hops.push_back({point_of(key_from(seed, 1 + i)), rng.next_bytes(bigsize_boundary_lengths[i])});
    cases.add("create_onion", name,
              "three seeded hops whose lengths are bigsize boundaries: 2, 252 (one byte, fc) and 253 (fd 00 fd); "
              "CN-ONION-6 is listed as passed: no blinded key reaches infinity, and none can but for a SHA-256 "
              "preimage, so it has no negative case",
              all_onion_rules, "create_onion", codec::to_json(in));
  }
  auto two_hops = [&](const std::string& name, const std::string& what, std::vector<std::string> rules,
                      std::size_t second_length) {
    const Hash32 seed = seed_of("create_onion", name);
    const CreateOnionInput in{key_from(seed, 0),
                              {{point_of(key_from(seed, 1)), Bytes(100, 0x07)}, {point_of(key_from(seed, 2)), Bytes(second_length, 0x09)}},
                              Bytes{}};
    cases.add("create_onion", name, what, std::move(rules), "create_onion", codec::to_json(in));
  };
  two_hops("two_hops_frames_1300", "two hops whose frames sum to 1300: 1 + 100 + 32 and 3 + 1132 + 32", all_onion_rules, 1132);
  two_hops("invalid_two_hops_frames_1301", "two hops whose frames sum to 1301", {"CN-ONION-5"}, 1133);

  const Hash32 seed = seed_of("create_onion", "keys");
  const onion::PublicKey node = point_of(key_from(seed, 1));
  const Bytes payload(2, 0x07);
  auto route = [&](const std::string& name, const std::string& what, std::vector<std::string> rules,
                   const Hash32& session_key, std::vector<OnionHop> hops) {
    cases.add("create_onion", name, what, std::move(rules), "create_onion",
              codec::to_json(CreateOnionInput{session_key, std::move(hops), Bytes{}}));
  };
  route("invalid_no_hops", "an empty route", {"CN-ONION-1"}, key_from(seed, 0), {});
  route("session_key_n_minus_1", "the largest valid session key, n - 1", all_onion_rules, order_n_minus_1, {{node, payload}});
  route("invalid_session_key_zero", "session key 0", {"CN-ONION-2"}, Hash32{}, {{node, payload}});
  route("invalid_session_key_n", "session key n, the group order", {"CN-ONION-2"}, order_n, {{node, payload}});
  route("invalid_hop_key_prefix_04", "a node id with the uncompressed prefix 04", {"CN-ONION-3"}, key_from(seed, 0),
        {{with_prefix(node, 0x04), payload}});
  route("invalid_hop_key_x_equals_p", "a node id whose x is p, the field size", {"CN-ONION-3"}, key_from(seed, 0),
        {{point_with_x(0x02, field_p), payload}});
  route("invalid_second_hop_key_off_curve", "the second hop's node id has x = 5, which names no point", {"CN-ONION-3"},
        key_from(seed, 0), {{node, payload}, {point_with_x(0x02, x_off_curve), payload}});
  route("invalid_short_payload_before_later_bad_key",
        "hop 0's payload is 1 byte and hop 1's node id is not a point: the hops are checked in route order, so CN-ONION-4",
        {"CN-ONION-3", "CN-ONION-4"}, key_from(seed, 0), {{node, Bytes(1, 0x07)}, {with_prefix(node, 0x04), payload}});
  route("invalid_bad_key_before_too_long", "hop 0's node id is not a point and the frames exceed 1300: CN-ONION-3 first",
        {"CN-ONION-3", "CN-ONION-5"}, key_from(seed, 0), {{with_prefix(node, 0x04), Bytes(1266, 0x07)}});
  json short_id = codec::to_json(CreateOnionInput{key_from(seed, 0), {{node, payload}}, Bytes{}});
  short_id["hops"][0]["node_id"] = to_hex(std::span<const u8>(node).subspan(1));
  cases.add("create_onion", "malformed_node_id_32_bytes", "a 32-byte node id where a 33-byte compressed point is due",
            {"CN-ONION-3"}, "create_onion", short_id);
  // CN-ONION-6's check cannot fail for any input short of a SHA-256 output that is 0 mod n, so it
  // has no invalid case; like SIG-SIGN-1, its negative vector is an input no key can come from.
  json short_session = codec::to_json(CreateOnionInput{key_from(seed, 0), {{node, payload}}, Bytes{}});
  short_session["session_key"] = short_session["session_key"].get<std::string>().substr(2);
  cases.add("create_onion", "malformed_session_key_31_bytes",
            "a 31-byte session key: no ephemeral key, and so no blinded key, comes from it (CN-ONION-6 cannot fail "
            "for a well-formed input short of a SHA-256 output that is 0 mod n)",
            {"CN-ONION-2", "CN-ONION-6"}, "create_onion", short_session);
}

// The route of suite peel_onion, from the seed of the name peel_onion/route: session key
// secret_from_seed(seed, 0), node keys secret_from_seed(seed, 1..3), then from the seed's DRBG the
// associated data (32 bytes) and the payloads of 2, 252 and 253 bytes, which reach both bigsize widths.
struct SeededRoute {
  Bytes associated_data;
  std::vector<Hash32> node_keys;
  std::vector<onion::Packet> packets;  // the packet each hop receives
};

SeededRoute seeded_route() {
  const Hash32 seed = seed_of("peel_onion", "route");
  Drbg rng(seed);
  SeededRoute route;
  route.associated_data = rng.next_bytes(32);
  std::vector<onion::Hop> hops;
  for (u32 i = 0; i < 3; ++i) {
    route.node_keys.push_back(key_from(seed, 1 + i));
    hops.push_back({point_of(route.node_keys.back()), rng.next_bytes(bigsize_boundary_lengths[i])});
  }
  const onion::Packet first = onion::create_onion(key_from(seed, 0), hops, route.associated_data).value().packet;
  route.packets = packets_along(first, route.node_keys, route.associated_data);
  return route;
}

void peel_onion_cases(Cases& cases, const SeededRoute& route) {
  const Bytes& associated_data = route.associated_data;
  const std::vector<Hash32>& node_keys = route.node_keys;
  const std::vector<onion::Packet>& packets = route.packets;
  const onion::Packet& first = packets[0];
  for (std::size_t i = 0; i < packets.size(); ++i) {
    const bool forwards = i + 1 < packets.size();
    cases.add("peel_onion", "hop_" + std::to_string(i),
              "hop " + std::to_string(i) + " of a seeded three-hop route (payloads of 2, 252 and 253 bytes) peels its "
                  "layer; " + (forwards ? "it forwards the next packet" : "the last hop, it forwards nothing"),
              peel_rules(forwards), "peel_onion", codec::to_json(PeelOnionInput{node_keys[i], packets[i], associated_data}));
  }

  auto peel = [&](const std::string& name, const std::string& what, std::vector<std::string> rules, const Hash32& key,
                  const onion::Packet& packet, const Bytes& data) {
    cases.add("peel_onion", name, what, std::move(rules), "peel_onion", codec::to_json(PeelOnionInput{key, packet, data}));
  };
  {
    const Hash32 seed = seed_of("peel_onion", "node_key_n_minus_1");
    const onion::Packet packet =
        onion::create_onion(key_from(seed, 0), {{point_of(order_n_minus_1), Bytes(2, 0x07)}}, associated_data).value().packet;
    peel("node_key_n_minus_1", "a one-hop onion to the node whose key is n - 1, the largest valid", peel_rules(false),
         order_n_minus_1, packet, associated_data);
  }
  peel("invalid_node_key_zero", "node key 0, on hop 0's packet", {"CN-PEEL-1"}, Hash32{}, first, associated_data);
  peel("invalid_node_key_n", "node key n, the group order, on hop 0's packet", {"CN-PEEL-1"}, order_n, first, associated_data);
  onion::Packet versioned = first;
  versioned[0] = 0x01;
  peel("invalid_version_1", "hop 0's packet with version byte 1", {"CN-PEEL-2"}, node_keys[0], versioned, associated_data);
  onion::Packet bad_point = first;
  bad_point[1] = 0x04;
  peel("invalid_public_key_prefix_04", "hop 0's packet with its public key's prefix set to 04", {"CN-PEEL-3"}, node_keys[0],
       bad_point, associated_data);
  onion::Packet off_curve = first;
  for (std::size_t i = 0; i < 32; ++i) off_curve[2 + i] = x_off_curve[i];
  peel("invalid_public_key_off_curve", "hop 0's packet with public key 02 || x, x = 5 naming no point", {"CN-PEEL-3"},
       node_keys[0], off_curve, associated_data);
  onion::Packet both = bad_point;
  both[0] = 0x01;
  peel("invalid_version_before_public_key", "version 1 and a public key with prefix 04: the version is checked first",
       {"CN-PEEL-2", "CN-PEEL-3"}, node_keys[0], both, associated_data);
  onion::Packet flipped_payloads = first;
  flipped_payloads[34 + 700] ^= 0x01;
  peel("invalid_hmac_flipped_payload_bit", "hop 0's packet with one bit of hop_payloads flipped", {"CN-PEEL-4"},
       node_keys[0], flipped_payloads, associated_data);
  onion::Packet flipped_hmac = first;
  flipped_hmac[onion::packet_size - 1] ^= 0x01;
  peel("invalid_hmac_flipped_hmac_bit", "hop 0's packet with one bit of its HMAC flipped", {"CN-PEEL-4"}, node_keys[0],
       flipped_hmac, associated_data);
  Bytes other_data = associated_data;
  other_data[0] ^= 0x01;
  peel("invalid_hmac_other_associated_data", "hop 0's packet under associated data with one bit flipped", {"CN-PEEL-4"},
       node_keys[0], first, other_data);
  peel("invalid_hmac_wrong_node_key", "hop 0's packet peeled with hop 1's key: another shared secret", {"CN-PEEL-4"},
       node_keys[1], first, associated_data);
  peel("invalid_node_key_n_minus_1_not_the_hops", "hop 0's packet peeled with key n - 1: a valid key, not the hop's",
       {"CN-PEEL-1", "CN-PEEL-4"}, order_n_minus_1, first, associated_data);

  // Forged first layers, authenticated, whose length prefix is each boundary.
  struct Forged {
    const char* name;
    Bytes prefix;
    const char* what;
    std::vector<std::string> rules;
  };
  const std::vector<Forged> forged = {
      {"length_252_one_byte", {0xfc}, "length fc = 252, the largest one-byte bigsize", peel_rules(false)},
      {"length_253_fd00fd", {0xfd, 0x00, 0xfd}, "length fd 00 fd = 253, the smallest three-byte bigsize", peel_rules(false)},
      {"invalid_length_fd00fc", {0xfd, 0x00, 0xfc}, "length fd 00 fc: 252 in three bytes, not minimal", {"CN-PEEL-5"}},
      {"invalid_length_fe0000ffff", {0xfe, 0x00, 0x00, 0xff, 0xff}, "length fe 00 00 ff ff: 65535 in five bytes, not minimal",
       {"CN-PEEL-5"}},
      {"invalid_length_ff00000000ffffffff", {0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff},
       "length ff 00 00 00 00 ff ff ff ff: 2^32 - 1 in nine bytes, not minimal", {"CN-PEEL-5"}},
      {"length_2", {0x02}, "length 2, the shortest payload", peel_rules(false)},
      {"invalid_length_1", {0x01}, "length 1, reserved", {"CN-PEEL-6"}},
      {"invalid_length_0", {0x00}, "length 0, reserved", {"CN-PEEL-6"}},
      {"length_1265", {0xfd, 0x04, 0xf1}, "length 1265: 3 + 1265 + 32 ends exactly at the end of hop_payloads",
       peel_rules(false)},
      {"invalid_length_1266", {0xfd, 0x04, 0xf2}, "length 1266: the frame runs one byte past hop_payloads", {"CN-PEEL-7"}},
      {"invalid_length_65536", {0xfe, 0x00, 0x01, 0x00, 0x00}, "length fe 00 01 00 00 = 65536, minimal but far too long",
       {"CN-PEEL-7"}},
  };
  for (const Forged& f : forged) {
    const Hash32 seed = seed_of("peel_onion", f.name);
    Drbg forged_rng(seed);
    const Bytes data = forged_rng.next_bytes(32);
    const Hash32 node_key = key_from(seed, 1);
    peel(f.name,
         std::string("a sender-forged layer, authenticated, whose plaintext is ") + f.what +
             ", then zeros (a zero next HMAC: the last hop)",
         f.rules, node_key, forged_packet(key_from(seed, 0), node_key, f.prefix, data), data);
  }
  json short_packet = codec::to_json(PeelOnionInput{node_keys[0], first, associated_data});
  short_packet["packet"] = short_packet["packet"].get<std::string>().substr(2);
  cases.add("peel_onion", "malformed_packet_1365_bytes", "a packet one byte short of 1366 (its version byte dropped)",
            {"CN-PEEL-2"}, "peel_onion", short_packet);
}

// An authenticated error packet whose `rest` (after the HMAC) is given as is: what an erring hop that
// frames its lengths wrongly sends.
Bytes framed_error(const Hash32& secret, const Bytes& rest) {
  const Hash32 mac = ref::hmac_sha256(onion::generate_key("um", secret), rest);
  Bytes packet(mac.begin(), mac.end());
  append(packet, rest);
  return onion::forward_error(secret, packet);
}

void error_cases(Cases& cases) {
  auto create = [&](const std::string& name, const std::string& what, std::vector<std::string> rules, const Bytes& failure) {
    const Hash32 secret = Drbg(seed_of("create_error", name)).next32();
    cases.add("create_error", name, what, std::move(rules), "create_error",
              codec::to_json(CreateErrorInput{secret, failure}));
  };
  create("failure_2_bytes", "failure 2002 (temporary_node_failure), padded with 254 zero bytes", {"CN-ERR-1"}, {0x20, 0x02});
  create("failure_0_bytes", "an empty failure, padded with 256 zero bytes", {"CN-ERR-1"}, {});
  create("failure_256_bytes", "a 256-byte failure: no padding", {"CN-ERR-1"}, Bytes(256, 0x03));
  create("failure_65535_bytes", "a 65535-byte failure, the longest a u16 length frames", {"CN-ERR-1"}, Bytes(65535, 0x03));
  create("invalid_failure_65536_bytes", "a 65536-byte failure, one past a u16 length", {"CN-ERR-1"}, Bytes(65536, 0x03));

  {
    Drbg rng(seed_of("forward_error", "one_layer"));
    const Hash32 failing = rng.next32();
    const Hash32 forwarding = rng.next32();
    cases.add("forward_error", "one_layer",
              "a hop obfuscates the next hop's error packet with its own ammag stream (forward_error rejects nothing; "
              "listed under CN-ERR-2, the rule its layers serve)",
              {"CN-ERR-2"}, "forward_error",
              codec::to_json(ForwardErrorInput{forwarding, onion::create_error(failing, Bytes{0x20, 0x02}).value()}));
    cases.add("forward_error", "empty_packet", "an empty packet stays empty", {"CN-ERR-2"}, "forward_error",
              codec::to_json(ForwardErrorInput{forwarding, Bytes{}}));
  }

  const Hash32 seed = seed_of("decode_error", "secrets");
  Drbg rng(seed);
  const std::vector<Hash32> secrets{rng.next32(), rng.next32()};
  const Bytes failure{0x20, 0x02};
  const Bytes from_second = onion::forward_error(secrets[0], onion::create_error(secrets[1], failure).value());
  auto decode = [&](const std::string& name, const std::string& what, std::vector<std::string> rules,
                    const std::vector<Hash32>& keys, const Bytes& packet) {
    cases.add("decode_error", name, what, std::move(rules), "decode_error", codec::to_json(DecodeErrorInput{keys, packet}));
  };
  decode("from_second_hop", "a two-hop route; hop 1 made the error and hop 0 forwarded it", {"CN-ERR-2", "CN-ERR-3"},
         secrets, from_second);
  decode("from_first_hop", "a two-hop route; hop 0 made the error", {"CN-ERR-2", "CN-ERR-3"}, secrets,
         onion::create_error(secrets[0], failure).value());
  Bytes flipped = from_second;
  flipped[40] ^= 0x01;
  decode("invalid_unattributed_flipped_bit", "hop 1's forwarded error with one bit flipped: no hop's um key authenticates it",
         {"CN-ERR-2"}, secrets, flipped);
  decode("invalid_unattributed_no_secrets", "a valid error packet decoded with no shared secrets", {"CN-ERR-2"}, {},
         from_second);
  decode("minimal_36_bytes", "the shortest packet: HMAC, failure_len 0, pad_len 0, made by hop 0", {"CN-ERR-2", "CN-ERR-3"},
         secrets, framed_error(secrets[0], {0, 0, 0, 0}));
  decode("invalid_unattributed_35_bytes", "35 bytes: too short to hold an HMAC and two lengths, so no hop authenticates it",
         {"CN-ERR-2"}, secrets, Bytes(from_second.begin(), from_second.begin() + 35));
  decode("short_consistent_padding", "failure_len 2, the failure, pad_len 1, one pad byte: consistent though short",
         {"CN-ERR-2", "CN-ERR-3"}, secrets, framed_error(secrets[0], {0, 2, 0x20, 0x02, 0, 1, 0}));
  decode("invalid_pad_length_past_end", "pad_len says 2 and one byte follows, under a valid HMAC", {"CN-ERR-3"}, secrets,
         framed_error(secrets[0], {0, 2, 0x20, 0x02, 0, 2, 0}));
  decode("invalid_pad_length_short_of_end", "pad_len says 0 and one byte follows, under a valid HMAC", {"CN-ERR-3"},
         secrets, framed_error(secrets[0], {0, 2, 0x20, 0x02, 0, 0, 0}));
  decode("invalid_failure_length_past_end", "failure_len says 9 and the packet ends first, under a valid HMAC",
         {"CN-ERR-3"}, secrets, framed_error(secrets[0], {0, 9, 0x20, 0x02, 0, 0}));
  json short_secret = codec::to_json(DecodeErrorInput{secrets, from_second});
  short_secret["shared_secrets"][0] = short_secret["shared_secrets"][0].get<std::string>().substr(2);
  cases.add("decode_error", "malformed_secret_31_bytes", "a shared secret of 31 bytes", {"CN-ERR-2"}, "decode_error",
            short_secret);
}

// ---- Adaptor signatures ----

// One PTLC lock: the signer's key and message, the adaptor secret t and point T, and the reference's
// pre-signature and completed signature.
struct Lock {
  Hash32 secret_key{};
  Hash32 pubkey{};
  Bytes message;
  Hash32 aux_rand{};
  Hash32 t{};
  adaptor::Point big_t{};
  adaptor::PreSignature pre{};
  ref::bip340::Signature signature{};
};

bool combined_nonce_is_even(const adaptor::PreSignature& pre, const adaptor::Point& big_t) {
  const auto sum = adaptor::detail::combined_nonce(*onion::decompress(adaptor::nonce_point_of(pre)), *onion::decompress(big_t));
  return secp::has_even_y(*sum);
}

// The signer is secret_from_seed(seed, 0); t is secret_from_seed(seed, j) for the first j >= 1 that
// gives R = R^ + T the wanted parity; the message (32 bytes) and aux_rand are the seed's first DRBG blocks.
Lock make_lock(const Hash32& seed, bool even_r) {
  Drbg rng(seed);
  Lock lock;
  lock.secret_key = key_from(seed, 0);
  lock.pubkey = ref::bip340::pubkey_from_secret(lock.secret_key).value();
  lock.message = rng.next_bytes(32);
  lock.aux_rand = rng.next32();
  for (u32 j = 1;; ++j) {
    lock.t = key_from(seed, j);
    lock.big_t = point_of(lock.t);
    lock.pre = adaptor::presign(lock.secret_key, lock.message, lock.big_t, lock.aux_rand).value();
    if (combined_nonce_is_even(lock.pre, lock.big_t) == even_r) break;
  }
  lock.signature = adaptor::adapt(lock.pre, lock.big_t, lock.t).value();
  return lock;
}

adaptor::PreSignature with_nonce_point(adaptor::PreSignature pre, const adaptor::Point& point) {
  for (std::size_t i = 0; i < point.size(); ++i) pre[i] = point[i];
  return pre;
}

adaptor::PreSignature with_s_prime(adaptor::PreSignature pre, const Hash32& s_prime) {
  for (std::size_t i = 0; i < s_prime.size(); ++i) pre[33 + i] = s_prime[i];
  return pre;
}

ref::bip340::Signature with_r(ref::bip340::Signature signature, const Hash32& r) {
  for (std::size_t i = 0; i < r.size(); ++i) signature[i] = r[i];
  return signature;
}

ref::bip340::Signature with_s(ref::bip340::Signature signature, const Hash32& s) {
  for (std::size_t i = 0; i < s.size(); ++i) signature[32 + i] = s[i];
  return signature;
}

Hash32 s_of(const ref::bip340::Signature& signature) {
  Hash32 s{};
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = signature[32 + i];
  return s;
}

void adaptor_cases(Cases& cases) {
  const Lock even = make_lock(seed_of("adaptor", "even_r"), true);
  const Lock odd = make_lock(seed_of("adaptor", "odd_r"), false);
  const std::vector<std::pair<std::string, const Lock*>> locks = {{"even_r", &even}, {"odd_r", &odd}};
  const adaptor::Point off_curve_point = point_with_x(0x02, x_off_curve);

  // presign
  auto presign = [&](const std::string& name, const std::string& what, std::vector<std::string> rules,
                     const Hash32& secret_key, const adaptor::Point& big_t) {
    cases.add("adaptor_presign", name, what, std::move(rules), "adaptor_presign",
              codec::to_json(PresignInput{secret_key, even.message, big_t, even.aux_rand}));
  };
  for (const auto& [parity, lock] : locks)
    cases.add("adaptor_presign", parity,
              "a seeded lock whose R = R^ + T has " + std::string(parity == "even_r" ? "even" : "odd") +
                  " y; CN-ADAPT-3 is listed as passed: k0 = 0, or R^ = -T with R^ derived from T, needs a hash "
                  "preimage, so presign's branch of it has no negative case (pre_verify, adapt and extract have)",
              {"CN-ADAPT-1", "CN-ADAPT-2", "CN-ADAPT-3"}, "adaptor_presign",
              codec::to_json(PresignInput{lock->secret_key, lock->message, lock->big_t, lock->aux_rand}));
  presign("secret_key_n_minus_1", "the largest valid signing key, n - 1", {"CN-ADAPT-1", "CN-ADAPT-2", "CN-ADAPT-3"},
          order_n_minus_1, even.big_t);
  presign("invalid_secret_key_zero", "signing key 0", {"CN-ADAPT-1"}, Hash32{}, even.big_t);
  presign("invalid_secret_key_n", "signing key n, the group order", {"CN-ADAPT-1"}, order_n, even.big_t);
  presign("invalid_adaptor_point_prefix_04", "T with the uncompressed prefix 04", {"CN-ADAPT-2"}, even.secret_key,
          with_prefix(even.big_t, 0x04));
  presign("invalid_adaptor_point_off_curve", "T = 02 || x with x = 5, which names no point", {"CN-ADAPT-2"},
          even.secret_key, off_curve_point);
  presign("invalid_adaptor_point_x_equals_p", "T whose x is p, the field size", {"CN-ADAPT-2"}, even.secret_key,
          point_with_x(0x03, field_p));
  presign("invalid_secret_key_before_point", "signing key 0 and T off the curve: the key is checked first",
          {"CN-ADAPT-1", "CN-ADAPT-2"}, Hash32{}, off_curve_point);
  json short_point = codec::to_json(PresignInput{even.secret_key, even.message, even.big_t, even.aux_rand});
  short_point["adaptor_point"] = short_point["adaptor_point"].get<std::string>().substr(2);
  cases.add("adaptor_presign", "malformed_adaptor_point_32_bytes", "T of 32 bytes: an x-only key where a compressed point is due",
            {"CN-ADAPT-2"}, "adaptor_presign", short_point);

  // pre_verify
  auto pre_verify = [&](const std::string& name, const std::string& what, std::vector<std::string> rules,
                        const Hash32& pubkey, const Bytes& message, const adaptor::Point& big_t,
                        const adaptor::PreSignature& pre) {
    cases.add("adaptor_pre_verify", name, what, std::move(rules), "adaptor_pre_verify",
              codec::to_json(PreVerifyInput{pubkey, message, big_t, pre}));
  };
  for (const auto& [parity, lock] : locks)
    pre_verify(parity, "the seeded lock's pre-signature, R = R^ + T with " + std::string(parity == "even_r" ? "even" : "odd") +
                           " y: s'*G = " + (parity == "even_r" ? "+" : "-") + "R^ + e*P",
               {"CN-ADAPT-2", "CN-ADAPT-3", "CN-ADAPT-4", "CN-ADAPT-5"}, lock->pubkey, lock->message, lock->big_t, lock->pre);
  pre_verify("invalid_pubkey_off_curve", "P = 5, an x with no point", {"CN-ADAPT-2"}, x_off_curve, even.message, even.big_t,
             even.pre);
  pre_verify("invalid_pubkey_x_equals_p", "P = p, the field size", {"CN-ADAPT-2"}, field_p, even.message, even.big_t, even.pre);
  pre_verify("invalid_adaptor_point_prefix_04", "T with the prefix 04", {"CN-ADAPT-2"}, even.pubkey, even.message,
             with_prefix(even.big_t, 0x04), even.pre);
  pre_verify("invalid_nonce_point_x_equals_p", "R^ whose x is p", {"CN-ADAPT-2"}, even.pubkey, even.message, even.big_t,
             with_nonce_point(even.pre, point_with_x(0x02, field_p)));
  pre_verify("invalid_pubkey_before_adaptor_point", "P and T both invalid: P is checked first", {"CN-ADAPT-2"}, x_off_curve,
             even.message, off_curve_point, even.pre);
  pre_verify("invalid_nonce_point_negated_adaptor_point", "R^ = -T, so R = R^ + T is the point at infinity", {"CN-ADAPT-3"},
             even.pubkey, even.message, even.big_t, with_nonce_point(even.pre, negated(even.big_t)));
  pre_verify("invalid_s_prime_n", "s' = n, the group order", {"CN-ADAPT-4"}, even.pubkey, even.message, even.big_t,
             with_s_prime(even.pre, order_n));
  pre_verify("invalid_s_prime_all_ones", "s' = 2^256 - 1", {"CN-ADAPT-4"}, even.pubkey, even.message, even.big_t,
             with_s_prime(even.pre, all_ones));
  pre_verify("invalid_s_prime_n_minus_1", "s' = n - 1: in range, so only the equation fails", {"CN-ADAPT-4", "CN-ADAPT-5"},
             even.pubkey, even.message, even.big_t, with_s_prime(even.pre, order_n_minus_1));
  Bytes other_message = even.message;
  other_message[0] ^= 0x01;
  pre_verify("invalid_other_message", "the pre-signature checked against a message with one bit flipped", {"CN-ADAPT-5"},
             even.pubkey, other_message, even.big_t, even.pre);
  pre_verify("invalid_wrong_pubkey", "the pre-signature checked against another signer's key", {"CN-ADAPT-5"}, odd.pubkey,
             even.message, even.big_t, even.pre);
  for (const auto& [parity, lock] : locks)
    pre_verify("invalid_negated_adaptor_point_" + parity, "-T instead of T: the same x for R, the other parity",
               {"CN-ADAPT-5"}, lock->pubkey, lock->message, negated(lock->big_t), lock->pre);
  pre_verify("invalid_negated_nonce_point", "-R^ with the same s'", {"CN-ADAPT-5"}, even.pubkey, even.message, even.big_t,
             with_nonce_point(even.pre, negated(adaptor::nonce_point_of(even.pre))));

  // adapt
  auto adapt = [&](const std::string& name, const std::string& what, std::vector<std::string> rules,
                   const adaptor::PreSignature& pre, const adaptor::Point& big_t, const Hash32& t) {
    cases.add("adaptor_adapt", name, what, std::move(rules), "adaptor_adapt", codec::to_json(AdaptInput{pre, big_t, t}));
  };
  const std::vector<std::string> adapt_rules = {"CN-ADAPT-1", "CN-ADAPT-2", "CN-ADAPT-3", "CN-ADAPT-4"};
  for (const auto& [parity, lock] : locks)
    adapt(parity, "the seeded lock completed with t: s = s' " + std::string(parity == "even_r" ? "+" : "-") +
                      " t, a BIP-340 signature under P",
          adapt_rules, lock->pre, lock->big_t, lock->t);
  {
    const adaptor::Point big_t = point_of(order_n_minus_1);
    const auto pre = adaptor::presign(even.secret_key, even.message, big_t, even.aux_rand).value();
    adapt("adaptor_secret_n_minus_1", "t = n - 1, the largest valid secret, with a pre-signature under T = (n - 1)G",
          adapt_rules, pre, big_t, order_n_minus_1);
  }
  adapt("s_prime_n_minus_1_not_verified", "s' = n - 1: in range, and adapt does not check the equation (pre_verify does)",
        adapt_rules, with_s_prime(even.pre, order_n_minus_1), even.big_t, even.t);
  adapt("invalid_adaptor_secret_zero", "t = 0", {"CN-ADAPT-1"}, even.pre, even.big_t, Hash32{});
  adapt("invalid_adaptor_secret_n", "t = n, the group order", {"CN-ADAPT-1"}, even.pre, even.big_t, order_n);
  adapt("invalid_adaptor_point_off_curve", "T = 02 || x with x = 5", {"CN-ADAPT-2"}, even.pre, off_curve_point, even.t);
  adapt("invalid_nonce_point_prefix_04", "R^ with the prefix 04", {"CN-ADAPT-2"},
        with_nonce_point(even.pre, with_prefix(adaptor::nonce_point_of(even.pre), 0x04)), even.big_t, even.t);
  adapt("invalid_nonce_point_negated_adaptor_point", "R^ = -T: R is the point at infinity", {"CN-ADAPT-3"},
        with_nonce_point(even.pre, negated(even.big_t)), even.big_t, even.t);
  adapt("invalid_s_prime_n", "s' = n", {"CN-ADAPT-4"}, with_s_prime(even.pre, order_n), even.big_t, even.t);

  // extract
  auto extract = [&](const std::string& name, const std::string& what, std::vector<std::string> rules,
                     const adaptor::PreSignature& pre, const adaptor::Point& big_t, const ref::bip340::Signature& signature) {
    cases.add("adaptor_extract", name, what, std::move(rules), "adaptor_extract",
              codec::to_json(ExtractInput{pre, big_t, signature}));
  };
  const std::vector<std::string> extract_rules = {"CN-ADAPT-2", "CN-ADAPT-3", "CN-ADAPT-4", "CN-ADAPT-5"};
  for (const auto& [parity, lock] : locks)
    extract(parity, "the signer learns t from the completed signature: t = " +
                        std::string(parity == "even_r" ? "s - s'" : "s' - s"),
            extract_rules, lock->pre, lock->big_t, lock->signature);
  extract("invalid_adaptor_point_off_curve", "T = 02 || x with x = 5", {"CN-ADAPT-2"}, even.pre, off_curve_point,
          even.signature);
  extract("invalid_nonce_point_prefix_04", "R^ with the prefix 04", {"CN-ADAPT-2"},
          with_nonce_point(even.pre, with_prefix(adaptor::nonce_point_of(even.pre), 0x04)), even.big_t, even.signature);
  extract("invalid_nonce_point_negated_adaptor_point", "R^ = -T: R is the point at infinity", {"CN-ADAPT-3"},
          with_nonce_point(even.pre, negated(even.big_t)), even.big_t, even.signature);
  extract("invalid_s_prime_n", "s' = n", {"CN-ADAPT-4"}, with_s_prime(even.pre, order_n), even.big_t, even.signature);
  extract("invalid_signature_s_n", "the signature's s = n", {"CN-ADAPT-4"}, even.pre, even.big_t, with_s(even.signature, order_n));
  Hash32 other_r{};
  for (std::size_t i = 0; i < other_r.size(); ++i) other_r[i] = even.signature[i];
  other_r[31] ^= 0x01;
  extract("invalid_signature_r_not_r", "the signature's r differs from bytes(R) in one bit", {"CN-ADAPT-4"}, even.pre,
          even.big_t, with_r(even.signature, other_r));
  const Hash32 s_plus_1 = secp::to_be_bytes(secp::scalar_add(secp::from_be_bytes(s_of(even.signature)), secp::from_be_bytes(small(1))));
  extract("invalid_signature_s_plus_1", "the signature's s + 1: the extracted t gives t*G != T", {"CN-ADAPT-4", "CN-ADAPT-5"},
          even.pre, even.big_t, with_s(even.signature, s_plus_1));
  extract("invalid_other_lock", "the even lock's pre-signature with the odd lock's T and signature: r is not bytes(R)",
          {"CN-ADAPT-4"}, even.pre, odd.big_t, odd.signature);
}

// ---- Attacks ----

void adversarial_cases(Cases& cases, const SeededRoute& route) {
  cases.add("adversarial", "replayed_onion",
            "peel_onion/hop_0's packet delivered again: it peels to the same payload, shared secret and next packet; "
            "the onion keeps no state, and refusing the replayed payment is the bridge's job",
            peel_rules(true), "peel_onion",
            codec::to_json(PeelOnionInput{route.node_keys[0], route.packets[0], route.associated_data}));
  cases.mark_adversarial("a replayed onion", "anyone");

  onion::Packet tampered = route.packets[1];
  tampered[34 + 10] ^= 0x01;
  cases.add("adversarial", "invalid_tampered_forwarded_onion",
            "hop 0 flips one bit of hop_payloads in the packet it forwards: hop 1's HMAC check refuses it",
            {"CN-PEEL-4"}, "peel_onion", codec::to_json(PeelOnionInput{route.node_keys[1], tampered, route.associated_data}));
  cases.mark_adversarial("an intermediary altering the onion it forwards", "intermediary");

  std::vector<Hash32> secrets;
  for (const auto& hop : bolt04::error_hops) secrets.push_back(from_hex<32>(hop.shared_secret_hex));
  Bytes garbled = hex_bytes(bolt04::error_packet_hex);
  garbled[100] ^= 0x01;
  cases.add("adversarial", "invalid_garbled_error_packet",
            bolt04_error_source() + " with one bit of the returned packet flipped on the way back: no hop authenticates "
                                    "it, so the payer cannot attribute the failure",
            {"CN-ERR-2"}, "decode_error", codec::to_json(DecodeErrorInput{secrets, garbled}));
  cases.mark_adversarial("an error packet garbled on the way back", "intermediary");
}

}  // namespace

std::vector<OpHandler> crypto_ops() {
  std::vector<OpHandler> ops = onion_ops();
  for (OpHandler& handler : adaptor_ops()) ops.push_back(std::move(handler));
  return ops;
}

std::vector<CaseSpec> crypto_cases(Profile) {
  Cases cases;
  bolt04_cases(cases);
  hmac_cases(cases);
  create_onion_cases(cases);
  const SeededRoute route = seeded_route();
  peel_onion_cases(cases, route);
  error_cases(cases);
  adaptor_cases(cases);
  adversarial_cases(cases, route);
  return cases.take();
}

}  // namespace l2::vectors::channel_network_vectors
