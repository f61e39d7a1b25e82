// Optimized BIP-340 Schnorr: must match l2::ref::bip340::pubkey_from_secret, sign and verify
// (reference/include/l2/ref/schnorr.hpp) on every input, error codes and their order included.
// Exploits libsecp256k1 (its x86-64 assembly field arithmetic, precomputed generator tables and
// Strauss/wNAF multiplication) and oneTBB threads across independent signatures.
// spec: crypto_schnorr.md#optimized-engine
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/result.hpp"

namespace l2::opt::schnorr {

using Signature = ByteArray<64>;

// Which library does the work, e.g. "libsecp256k1"; for test and benchmark logs.
std::string_view backend_name();

// BIP-340 PubKey(sk): the 32-byte x-only public key. sig_secret_key_range [SIG-KEY-1] unless
// 0 < sk < n.
Result<Hash32, PrimitiveError> pubkey_from_secret(const Hash32& secret_key);

// BIP-340 Sign(sk, m, a) for a message of any length, self-verification included. Errors:
// sig_secret_key_range [SIG-KEY-1]; sig_invalid [SIG-SIGN-1] if the nonce is zero or the
// signature fails to verify (neither happens short of a fault or a library bug).
Result<Signature, PrimitiveError> sign(const Hash32& secret_key, std::span<const u8> msg, const Hash32& aux_rand);

// BIP-340 Verify(pk, m, sig). none if valid; otherwise the first failing rule, checked in the
// reference's order: sig_pubkey_not_on_curve [SIG-VER-1], sig_r_out_of_range [SIG-VER-2],
// sig_s_out_of_range [SIG-VER-3], sig_invalid [SIG-VER-4]. Safe to call from any thread.
PrimitiveError verify(const Hash32& pubkey, std::span<const u8> msg, const Signature& sig);

// A public key with lift_x already done (libsecp256k1's secp256k1_xonly_pubkey, kept opaque), for
// checking many signatures under one key: lift_x costs a field square root, about a tenth of a
// verification, and a key that signs many messages need pay it only once.
struct ParsedPubkey {
  std::array<u8, 64> opaque;
};

// nullopt exactly when verify(pubkey, ...) returns sig_pubkey_not_on_curve [SIG-VER-1].
std::optional<ParsedPubkey> parse_pubkey(const Hash32& pubkey);

// verify(pubkey, msg, sig) == PrimitiveError::none, where `key` came from parse_pubkey(pubkey):
// only valid-or-not, so none of verify's classification. Safe to call from any thread.
bool verify_parsed(const ParsedPubkey& key, std::span<const u8> msg, const Signature& sig);

// One signature to check. `msg` must stay alive for the duration of the call.
struct VerifyItem {
  Hash32 pubkey;
  std::span<const u8> msg;
  Signature sig;
};

// Verifications per TBB task: each takes tens of microseconds, so 32 amortize the scheduling
// cost while leaving a 4096-item batch over a thousand tasks to balance.
inline constexpr std::size_t verify_batch_grain = 32;

// results[i] = verify(items[i]) for i < min(items.size(), results.size()); results beyond
// items.size() are left untouched. `threads`: at most this many TBB threads (0 = TBB's default).
// Each result is exactly the single verification's, whatever the thread count or scheduling: the
// group has prime order, so no batch equation can accept what a single check rejects.
void verify_batch(std::span<const VerifyItem> items, std::span<PrimitiveError> results, unsigned threads = 0);

// True iff every item verifies (an empty batch does). Stops handing out work after the first
// failure it sees.
bool verify_all(std::span<const VerifyItem> items, unsigned threads = 0);

}  // namespace l2::opt::schnorr
