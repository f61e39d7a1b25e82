// Optimized BIP-340 Schnorr: must match l2::ref::bip340::pubkey_from_secret, sign and verify
// (reference/include/l2/ref/schnorr.hpp), error codes included.
// Exploits libsecp256k1 (x86-64 assembly field arithmetic, precomputed generator tables) for
// each signature and oneTBB threads across the signatures of a batch.
#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cstring>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "l2/opt/schnorr.hpp"
#include "../threads.hpp"
#include "../secp256k1_context.hpp"

namespace l2::opt::schnorr {
namespace {

// SEC 2 v2 §2.4.1, big-endian, so that memcmp orders them as integers.
constexpr std::array<u8, 32> field_size_be = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFC, 0x2F};
constexpr std::array<u8, 32> group_order_be = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
    0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41};

// big-endian a >= b
bool at_least(const u8* value_be, const std::array<u8, 32>& bound_be) {
  return std::memcmp(value_be, bound_be.data(), 32) >= 0;
}

// One context for the process, used read-only from any thread (../secp256k1_context.hpp).
const secp256k1_context* context() { return detail::secp256k1_shared_context(); }

}  // namespace

std::string_view backend_name() { return "libsecp256k1"; }

Result<Hash32, PrimitiveError> pubkey_from_secret(const Hash32& secret_key) {
  const secp256k1_context* ctx = context();
  secp256k1_keypair keypair;
  // SIG-KEY-1: keypair_create rejects exactly 0 and values >= n.
  if (secp256k1_keypair_create(ctx, &keypair, secret_key.data()) != 1) return PrimitiveError::sig_secret_key_range;
  secp256k1_xonly_pubkey xonly;
  Hash32 pubkey{};
  if (secp256k1_keypair_xonly_pub(ctx, &xonly, nullptr, &keypair) != 1 ||
      secp256k1_xonly_pubkey_serialize(ctx, pubkey.data(), &xonly) != 1) {
    return PrimitiveError::sig_secret_key_range;  // unreachable for a keypair just created
  }
  return pubkey;
}

Result<Signature, PrimitiveError> sign(const Hash32& secret_key, std::span<const u8> msg, const Hash32& aux_rand) {
  const secp256k1_context* ctx = context();
  secp256k1_keypair keypair;
  if (secp256k1_keypair_create(ctx, &keypair, secret_key.data()) != 1) return PrimitiveError::sig_secret_key_range;

  Signature signature{};
  std::array<unsigned char, 32> aux = aux_rand;  // ndata is a non-const pointer in the C API
  int signed_ok = 0;
  if (msg.size() == 32) {
    signed_ok = secp256k1_schnorrsig_sign32(ctx, signature.data(), msg.data(), &keypair, aux.data());
  } else {
    secp256k1_schnorrsig_extraparams params = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
    params.ndata = aux.data();
    signed_ok = secp256k1_schnorrsig_sign_custom(ctx, signature.data(), msg.data(), msg.size(), &keypair, &params);
  }
  // SIG-SIGN-1: a zero nonce makes libsecp256k1 fail, as it makes the reference fail.
  if (signed_ok != 1) return PrimitiveError::sig_invalid;

  // SIG-SIGN-1: BIP-340's final self-verification, which libsecp256k1 leaves to the caller.
  secp256k1_xonly_pubkey xonly;
  if (secp256k1_keypair_xonly_pub(ctx, &xonly, nullptr, &keypair) != 1) return PrimitiveError::sig_invalid;
  if (secp256k1_schnorrsig_verify(ctx, signature.data(), msg.data(), msg.size(), &xonly) != 1) {
    return PrimitiveError::sig_invalid;
  }
  return signature;
}

// libsecp256k1 answers only valid or not, so the rule that failed is found here, in the
// reference's order, with checks that cost nothing beside the verification itself.
PrimitiveError verify(const Hash32& pubkey, std::span<const u8> msg, const Signature& sig) {
  const secp256k1_context* ctx = context();
  secp256k1_xonly_pubkey xonly;
  // SIG-VER-1: the parse fails exactly when lift_x fails (x >= p, or x^3 + 7 not a square).
  if (secp256k1_xonly_pubkey_parse(ctx, &xonly, pubkey.data()) != 1) return PrimitiveError::sig_pubkey_not_on_curve;
  // SIG-VER-2
  if (at_least(sig.data(), field_size_be)) return PrimitiveError::sig_r_out_of_range;
  // SIG-VER-3
  if (at_least(sig.data() + 32, group_order_be)) return PrimitiveError::sig_s_out_of_range;
  // SIG-VER-4: with the key, r and s in range, every remaining rejection is the equation's.
  if (secp256k1_schnorrsig_verify(ctx, sig.data(), msg.data(), msg.size(), &xonly) != 1) {
    return PrimitiveError::sig_invalid;
  }
  return PrimitiveError::none;
}

static_assert(sizeof(ParsedPubkey::opaque) == sizeof(secp256k1_xonly_pubkey),
              "ParsedPubkey carries a secp256k1_xonly_pubkey byte for byte");

std::optional<ParsedPubkey> parse_pubkey(const Hash32& pubkey) {
  secp256k1_xonly_pubkey xonly;
  // SIG-VER-1, as in verify().
  if (secp256k1_xonly_pubkey_parse(context(), &xonly, pubkey.data()) != 1) return std::nullopt;
  ParsedPubkey parsed{};
  std::memcpy(parsed.opaque.data(), &xonly, sizeof xonly);
  return parsed;
}

// secp256k1_schnorrsig_verify itself rejects r >= p and s >= n (SIG-VER-2, SIG-VER-3), so with a
// parsed key its answer alone is verify()'s valid-or-not.
bool verify_parsed(const ParsedPubkey& key, std::span<const u8> msg, const Signature& sig) {
  secp256k1_xonly_pubkey xonly;
  std::memcpy(&xonly, key.opaque.data(), sizeof xonly);
  return secp256k1_schnorrsig_verify(context(), sig.data(), msg.data(), msg.size(), &xonly) == 1;
}

namespace {


}  // namespace

void verify_batch(std::span<const VerifyItem> items, std::span<PrimitiveError> results, unsigned threads) {
  const std::size_t count = std::min(items.size(), results.size());
  const auto verify_range = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) results[i] = verify(items[i].pubkey, items[i].msg, items[i].sig);
  };
  if (threads == 1 || count <= verify_batch_grain) {
    verify_range(0, count);
    return;
  }
  detail::in_arena(threads, [&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, verify_batch_grain),
                      [&](const tbb::blocked_range<std::size_t>& range) { verify_range(range.begin(), range.end()); });
  });
}

bool verify_all(std::span<const VerifyItem> items, unsigned threads) {
  std::atomic<bool> all_valid{true};
  const auto verify_range = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end && all_valid.load(std::memory_order_relaxed); ++i) {
      if (verify(items[i].pubkey, items[i].msg, items[i].sig) != PrimitiveError::none) {
        all_valid.store(false, std::memory_order_relaxed);
      }
    }
  };
  if (threads == 1 || items.size() <= verify_batch_grain) {
    verify_range(0, items.size());
    return all_valid.load();
  }
  detail::in_arena(threads, [&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, items.size(), verify_batch_grain),
                      [&](const tbb::blocked_range<std::size_t>& range) { verify_range(range.begin(), range.end()); });
  });
  return all_valid.load();
}

}  // namespace l2::opt::schnorr
