// libsecp256k1 called directly, as an independent second implementation of BIP-340 for the tests:
// it shares no code with l2::ref::bip340 and none with the classification in l2::opt::schnorr.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string_view>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "l2/ref/bytes.hpp"

namespace l2::test::libsecp256k1 {

inline const secp256k1_context* context() {
  struct Owner {
    secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    ~Owner() { secp256k1_context_destroy(context); }
  };
  static const Owner owner;
  return owner.context;
}

inline std::optional<Hash32> pubkey(const Hash32& secret_key) {
  secp256k1_keypair keypair;
  if (secp256k1_keypair_create(context(), &keypair, secret_key.data()) != 1) return std::nullopt;
  secp256k1_xonly_pubkey xonly;
  Hash32 out{};
  if (secp256k1_keypair_xonly_pub(context(), &xonly, nullptr, &keypair) != 1) return std::nullopt;
  if (secp256k1_xonly_pubkey_serialize(context(), out.data(), &xonly) != 1) return std::nullopt;
  return out;
}

// secp256k1_schnorrsig_sign32 for 32-byte messages (the brief's entry point), sign_custom otherwise.
inline std::optional<ByteArray<64>> sign(const Hash32& secret_key, std::span<const u8> msg, const Hash32& aux_rand) {
  secp256k1_keypair keypair;
  if (secp256k1_keypair_create(context(), &keypair, secret_key.data()) != 1) return std::nullopt;
  ByteArray<64> signature{};
  Hash32 aux = aux_rand;
  int ok = 0;
  if (msg.size() == 32) {
    ok = secp256k1_schnorrsig_sign32(context(), signature.data(), msg.data(), &keypair, aux.data());
  } else {
    secp256k1_schnorrsig_extraparams params = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
    params.ndata = aux.data();
    ok = secp256k1_schnorrsig_sign_custom(context(), signature.data(), msg.data(), msg.size(), &keypair, &params);
  }
  if (ok != 1) return std::nullopt;
  return signature;
}

// True iff the key parses and the signature verifies.
inline bool verify(const Hash32& pubkey, std::span<const u8> msg, const ByteArray<64>& sig) {
  secp256k1_xonly_pubkey xonly;
  if (secp256k1_xonly_pubkey_parse(context(), &xonly, pubkey.data()) != 1) return false;
  return secp256k1_schnorrsig_verify(context(), sig.data(), msg.data(), msg.size(), &xonly) == 1;
}

inline bool pubkey_parses(const Hash32& pubkey) {
  secp256k1_xonly_pubkey xonly;
  return secp256k1_xonly_pubkey_parse(context(), &xonly, pubkey.data()) == 1;
}

inline bool secret_key_valid(const Hash32& secret_key) {
  return secp256k1_ec_seckey_verify(context(), secret_key.data()) == 1;
}

inline Hash32 tagged_hash(std::string_view tag, std::span<const u8> data) {
  Hash32 out{};
  const int ok = secp256k1_tagged_sha256(context(), out.data(), reinterpret_cast<const unsigned char*>(tag.data()),
                                         tag.size(), data.data(), data.size());
  static_cast<void>(ok);  // only fails on null pointers
  return out;
}

}  // namespace l2::test::libsecp256k1
