// Optimized BOLT 4 onion: must match l2::ref::channel_network::onion::create_onion and peel_onion
// (reference/include/l2/ref/channel_network_onion.hpp), error codes and their order included.
// Exploits libsecp256k1 for the curve (ECDH, generator multiplication, blinding, key and point
// validation) and OpenSSL for ChaCha20, HMAC-SHA256 and SHA-256, each on contexts made once: one
// libsecp256k1 context per process, one cipher and one MAC context per thread. Peeling works in
// fixed buffers on the stack.
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>
#include <secp256k1.h>
#include <secp256k1_ecdh.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>

#include "l2/opt/channel_network_onion.hpp"
#include "../secp256k1_context.hpp"

namespace l2::opt::channel_network::onion {
namespace {

using ref::channel_network::onion::hmac_size;
using ref::channel_network::onion::hop_payloads_size;
using ref::channel_network::onion::PublicKey;
using ref::channel_network::onion::version;

// Where the fields of a packet start: version (1), public key (33), hop_payloads (1300), HMAC.
constexpr std::size_t public_key_offset = 1;
constexpr std::size_t hop_payloads_offset = public_key_offset + 33;
constexpr std::size_t hmac_offset = hop_payloads_offset + hop_payloads_size;

// The rho stream a hop decrypts with: hop_payloads followed by as many zero bytes.
constexpr std::size_t stream_size = 2 * hop_payloads_size;

// ---- libsecp256k1 ----

// SEC 2 v2 §2.4.1, big-endian.
constexpr std::array<u8, 32> group_order_be = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
    0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41};

// The process's one context, used read-only from any thread (../secp256k1_context.hpp).
const secp256k1_context* secp() { return detail::secp256k1_shared_context(); }

// A 33-byte parse accepts exactly what the reference's decompress accepts: prefix 02 or 03,
// x < p and x^3 + 7 a square mod p (libsecp256k1 0.2 refuses an x that overflows the field).
// A 04, 06 or 07 prefix names an uncompressed key, which needs 65 bytes, so it fails here too.
bool parse_compressed(const u8* key, secp256k1_pubkey& point) {
  return secp256k1_ec_pubkey_parse(secp(), &point, key, 33) == 1;
}

void serialize_compressed(const secp256k1_pubkey& point, u8* out) {
  std::size_t length = 33;
  secp256k1_ec_pubkey_serialize(secp(), out, &length, &point, SECP256K1_EC_COMPRESSED);
}

// value mod n in place, for a 256-bit big-endian value: since 2^256 < 2n, one subtraction of n
// at most. The reference multiplies by the unreduced blinding factor; both name the same point,
// and libsecp256k1 takes only reduced scalars.
void reduce_mod_order(Hash32& value) {
  if (std::memcmp(value.data(), group_order_be.data(), 32) < 0) return;
  unsigned borrow = 0;
  for (std::size_t i = 32; i-- > 0;) {
    const unsigned difference = unsigned{value[i]} - group_order_be[i] - borrow;
    value[i] = static_cast<u8>(difference);
    borrow = (difference >> 8) & 1;
  }
}

bool is_zero(std::span<const u8> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](u8 b) { return b == 0; });
}

// BOLT 4's blinding factor SHA256(ephemeral public key || shared secret), reduced mod n.
Hash32 blinding_factor(const u8* ephemeral_key, const Hash32& shared_secret) {
  std::array<u8, 33 + 32> input{};
  std::copy_n(ephemeral_key, 33, input.begin());
  std::copy(shared_secret.begin(), shared_secret.end(), input.begin() + 33);
  Hash32 factor{};
  SHA256(input.data(), input.size(), factor.data());
  reduce_mod_order(factor);
  return factor;
}

// ---- OpenSSL ----

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
struct MacFree {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacContextFree {
  void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};

// OpenSSL's HMAC, fetched once for the process (EVP_MAC_fetch is thread-safe; so is the static).
EVP_MAC* hmac_algorithm() {
  static const std::unique_ptr<EVP_MAC, MacFree> algorithm(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!algorithm) throw std::bad_alloc();
  return algorithm.get();
}

// This thread's ChaCha20 and HMAC-SHA256 contexts. Each call re-keys them (and, for ChaCha20,
// resets the counter and nonce), so nothing carries over from one call to the next.
class Crypto {
 public:
  Crypto() : cipher_(EVP_CIPHER_CTX_new()), mac_(EVP_MAC_CTX_new(hmac_algorithm())) {
    if (!cipher_ || !mac_) throw std::bad_alloc();
    std::array<char, 7> digest = {'S', 'H', 'A', '2', '5', '6', '\0'};
    const std::array<OSSL_PARAM, 2> params = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
                                              OSSL_PARAM_construct_end()};
    check(EVP_EncryptInit_ex(cipher_.get(), EVP_chacha20(), nullptr, nullptr, nullptr));
    check(EVP_MAC_CTX_set_params(mac_.get(), params.data()));
  }

  // data ^= ChaCha20(key), RFC 8439 with a zero nonce, from block 0. OpenSSL's 16-byte IV is the
  // 32-bit block counter, little-endian, then the 12-byte nonce: all zero here.
  void xor_stream(const Hash32& key, std::span<u8> data) {
    const std::array<u8, 16> counter_and_nonce{};
    int written = 0;
    check(EVP_EncryptInit_ex(cipher_.get(), nullptr, nullptr, key.data(), counter_and_nonce.data()));
    // data is at most stream_size bytes, far below INT_MAX; in place is allowed for a stream cipher.
    check(EVP_EncryptUpdate(cipher_.get(), data.data(), &written, data.data(), static_cast<int>(data.size())));
    check(written == static_cast<int>(data.size()));
  }

  // HMAC-SHA256(key, first || second).
  Hash32 hmac(std::span<const u8> key, std::span<const u8> first, std::span<const u8> second = {}) {
    Hash32 out{};
    std::size_t written = 0;
    check(EVP_MAC_init(mac_.get(), key.data(), key.size(), nullptr));
    check(EVP_MAC_update(mac_.get(), first.data(), first.size()));
    if (!second.empty()) check(EVP_MAC_update(mac_.get(), second.data(), second.size()));
    check(EVP_MAC_final(mac_.get(), out.data(), &written, out.size()));
    check(written == out.size());
    return out;
  }

  // BOLT 4's key(type, secret) = HMAC(ASCII(type), secret).
  Hash32 generate_key(std::string_view key_type, const Hash32& secret) {
    return hmac(std::span<const u8>(reinterpret_cast<const u8*>(key_type.data()), key_type.size()), secret);
  }

 private:
  // On valid contexts and lengths OpenSSL fails only when it cannot allocate.
  static void check(bool succeeded) {
    if (!succeeded) throw std::bad_alloc();
  }
  static void check(int status) { check(status == 1); }

  std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree> cipher_;
  std::unique_ptr<EVP_MAC_CTX, MacContextFree> mac_;
};

Crypto& crypto() {
  thread_local Crypto contexts;
  return contexts;
}

// ---- Frames ----

// BOLT 1 bigsize: 1, 3, 5 or 9 bytes.
constexpr std::size_t bigsize_length(u64 value) {
  return value < 0xfd ? 1 : value <= 0xffff ? 3 : value <= 0xffffffff ? 5 : 9;
}

// Writes bigsize(value) at `out`; returns its length.
std::size_t write_bigsize(u64 value, u8* out) {
  const std::size_t length = bigsize_length(value);
  if (length == 1) {
    out[0] = static_cast<u8>(value);
    return 1;
  }
  out[0] = length == 3 ? 0xfd : length == 5 ? 0xfe : 0xff;
  for (std::size_t i = 1; i < length; ++i) out[i] = static_cast<u8>(value >> (8 * (length - 1 - i)));
  return length;
}

struct Bigsize {
  u64 value;
  std::size_t length;
};

// A minimally encoded bigsize at the front of `bytes`, or nullopt.
std::optional<Bigsize> read_bigsize(std::span<const u8> bytes) {
  if (bytes.empty()) return std::nullopt;
  const u8 marker = bytes[0];
  if (marker < 0xfd) return Bigsize{marker, 1};
  const std::size_t width = marker == 0xfd ? 2 : marker == 0xfe ? 4 : 8;
  if (bytes.size() < 1 + width) return std::nullopt;
  u64 value = 0;
  for (std::size_t i = 0; i < width; ++i) value = (value << 8) | bytes[1 + i];
  const u64 least = marker == 0xfd ? 0xfd : marker == 0xfe ? 0x10000 : 0x100000000;
  if (value < least) return std::nullopt;  // a shorter encoding exists
  return Bigsize{value, 1 + width};
}

// bigsize(length) || payload || HMAC: the bytes a hop's frame takes in hop_payloads.
std::size_t frame_size(const Hop& hop) { return bigsize_length(hop.payload.size()) + hop.payload.size() + hmac_size; }

}  // namespace

std::string_view backend_name() {
  static const std::string name = std::string("libsecp256k1, ") + OpenSSL_version(OPENSSL_VERSION);
  return name;
}

Result<Onion, OnionError> create_onion(const SecretKey& session_key, const std::vector<Hop>& hops,
                                       std::span<const u8> associated_data) {
  // CN-ONION-1
  if (hops.empty()) return OnionError::onion_no_hops;
  const secp256k1_context* ctx = secp();
  // CN-ONION-2: seckey_verify accepts exactly 0 < k < n.
  if (secp256k1_ec_seckey_verify(ctx, session_key.data()) != 1) return OnionError::onion_session_key;
  std::vector<secp256k1_pubkey> node_ids(hops.size());
  std::size_t frames = 0;
  for (std::size_t i = 0; i < hops.size(); ++i) {
    // CN-ONION-3, then CN-ONION-4, hop by hop.
    if (!parse_compressed(hops[i].node_id.data(), node_ids[i])) return OnionError::onion_hop_key;
    if (hops[i].payload.size() < 2) return OnionError::onion_payload_too_short;
    frames += frame_size(hops[i]);
  }
  // CN-ONION-5
  if (frames > hop_payloads_size) return OnionError::onion_too_long;

  // Every hop's shared secret, with e_{i+1} = e_i * b_i mod n. A blinding factor of 0 mod n makes
  // the next ephemeral key 0, which pubkey_create then refuses, as the reference finds e_{i+1} * G
  // at infinity: CN-ONION-6 only if a hop follows.
  Crypto& c = crypto();
  Onion onion;
  onion.shared_secrets.resize(hops.size());
  PublicKey first_ephemeral{};
  SecretKey ephemeral = session_key;
  for (std::size_t i = 0; i < hops.size(); ++i) {
    secp256k1_pubkey ephemeral_point;
    // CN-ONION-6: both fail only for a zero scalar (it was checked below n).
    if (secp256k1_ec_pubkey_create(ctx, &ephemeral_point, ephemeral.data()) != 1) return OnionError::onion_degenerate_key;
    if (secp256k1_ecdh(ctx, onion.shared_secrets[i].data(), &node_ids[i], ephemeral.data(), nullptr, nullptr) != 1) {
      return OnionError::onion_degenerate_key;
    }
    PublicKey ephemeral_key{};
    serialize_compressed(ephemeral_point, ephemeral_key.data());
    if (i == 0) first_ephemeral = ephemeral_key;
    const Hash32 blinding = blinding_factor(ephemeral_key.data(), onion.shared_secrets[i]);
    // Fails exactly for a zero factor, and zeroes the key then; zeroed here all the same.
    if (secp256k1_ec_seckey_tweak_mul(ctx, ephemeral.data(), blinding.data()) != 1) ephemeral.fill(0);
  }

  std::vector<Hash32> rho(hops.size());
  for (std::size_t i = 0; i < hops.size(); ++i) rho[i] = c.generate_key("rho", onion.shared_secrets[i]);

  // The filler: hop j appends its frame's zero bytes and XORs the whole filler with its rho
  // stream from the offset 1300 - (the filler's length before), so only the stream's first
  // start + length bytes are needed.
  std::array<u8, hop_payloads_size> filler{};
  std::size_t filler_length = 0;
  std::array<u8, stream_size> keystream{};
  for (std::size_t j = 0; j + 1 < hops.size(); ++j) {
    const std::size_t start = hop_payloads_size - filler_length;
    filler_length += frame_size(hops[j]);
    const std::span<u8> needed(keystream.data(), start + filler_length);
    std::fill(needed.begin(), needed.end(), u8{0});
    c.xor_stream(rho[j], needed);
    for (std::size_t b = 0; b < filler_length; ++b) filler[b] ^= keystream[start + b];
  }

  // The layers, last hop first: shift the frame in at the front, XOR the hop's rho stream, and
  // authenticate; the last hop's layer ends in the filler.
  std::array<u8, hop_payloads_size> mix{};
  c.xor_stream(c.generate_key("pad", session_key), mix);
  Hash32 next_hmac{};  // all zero for the last hop
  for (std::size_t k = hops.size(); k-- > 0;) {
    const Hop& hop = hops[k];
    const std::size_t frame = frame_size(hop);
    std::memmove(mix.data() + frame, mix.data(), hop_payloads_size - frame);
    const std::size_t length = write_bigsize(hop.payload.size(), mix.data());
    std::copy(hop.payload.begin(), hop.payload.end(), mix.begin() + static_cast<std::ptrdiff_t>(length));
    std::copy(next_hmac.begin(), next_hmac.end(), mix.begin() + static_cast<std::ptrdiff_t>(length + hop.payload.size()));
    c.xor_stream(rho[k], mix);
    if (k + 1 == hops.size()) {
      std::copy_n(filler.begin(), filler_length, mix.end() - static_cast<std::ptrdiff_t>(filler_length));
    }
    next_hmac = c.hmac(c.generate_key("mu", onion.shared_secrets[k]), mix, associated_data);
  }

  onion.packet[0] = version;
  std::copy(first_ephemeral.begin(), first_ephemeral.end(), onion.packet.begin() + public_key_offset);
  std::copy(mix.begin(), mix.end(), onion.packet.begin() + hop_payloads_offset);
  std::copy(next_hmac.begin(), next_hmac.end(), onion.packet.begin() + hmac_offset);
  return onion;
}

Result<Peeled, OnionError> peel_onion(const SecretKey& node_key, const Packet& packet, std::span<const u8> associated_data) {
  const secp256k1_context* ctx = secp();
  // CN-PEEL-1: seckey_verify accepts exactly 0 < k < n.
  if (secp256k1_ec_seckey_verify(ctx, node_key.data()) != 1) return OnionError::peel_node_key;
  // CN-PEEL-2
  if (packet[0] != version) return OnionError::peel_version;
  secp256k1_pubkey ephemeral;
  // CN-PEEL-3
  if (!parse_compressed(packet.data() + public_key_offset, ephemeral)) return OnionError::peel_public_key;
  const std::span<const u8> hop_payloads(packet.data() + hop_payloads_offset, hop_payloads_size);

  // libsecp256k1's default ECDH hash is SHA256(compressed point), BOLT 4's shared secret. It fails
  // only for a scalar seckey_verify refuses.
  Peeled peeled;
  if (secp256k1_ecdh(ctx, peeled.shared_secret.data(), &ephemeral, node_key.data(), nullptr, nullptr) != 1) {
    return OnionError::peel_node_key;
  }
  Crypto& c = crypto();
  const Hash32 expected_hmac = c.hmac(c.generate_key("mu", peeled.shared_secret), hop_payloads, associated_data);
  // CN-PEEL-4, compared in constant time.
  if (CRYPTO_memcmp(expected_hmac.data(), packet.data() + hmac_offset, hmac_size) != 0) return OnionError::peel_hmac;

  std::array<u8, stream_size> unwrapped{};
  std::copy(hop_payloads.begin(), hop_payloads.end(), unwrapped.begin());
  c.xor_stream(c.generate_key("rho", peeled.shared_secret), unwrapped);
  const std::optional<Bigsize> length = read_bigsize(unwrapped);
  // CN-PEEL-5
  if (!length) return OnionError::peel_length_encoding;
  // CN-PEEL-6
  if (length->value < 2) return OnionError::peel_payload_too_short;
  // CN-PEEL-7
  if (length->value > hop_payloads_size - hmac_size - length->length) return OnionError::peel_payload_too_long;
  const auto payload_start = unwrapped.begin() + static_cast<std::ptrdiff_t>(length->length);
  const auto payload_end = payload_start + static_cast<std::ptrdiff_t>(length->value);
  const auto frame_end = payload_end + static_cast<std::ptrdiff_t>(hmac_size);
  peeled.payload.assign(payload_start, payload_end);
  if (is_zero(std::span<const u8>(payload_end, frame_end))) return peeled;

  // CN-ONION-6: the next ephemeral key is b * public_key with b reduced mod n, at infinity
  // exactly when b is 0 mod n; otherwise tweak_mul succeeds.
  const Hash32 blinding = blinding_factor(packet.data() + public_key_offset, peeled.shared_secret);
  if (is_zero(blinding) || secp256k1_ec_pubkey_tweak_mul(ctx, &ephemeral, blinding.data()) != 1) {
    return OnionError::onion_degenerate_key;
  }
  Packet& next = peeled.next.emplace();
  next[0] = version;
  serialize_compressed(ephemeral, next.data() + public_key_offset);
  std::copy_n(frame_end, hop_payloads_size, next.begin() + hop_payloads_offset);
  std::copy(payload_end, frame_end, next.begin() + hmac_offset);
  return peeled;
}

}  // namespace l2::opt::channel_network::onion
