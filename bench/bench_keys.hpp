// Deterministic BIP-340 key pairs for the benchmarks that sign their own inputs (the rollups'
// batches): key i is bip340::secret_from_seed(label, i), made once per process with libsecp256k1,
// outside any timing.
#pragma once

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include <cstddef>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/schnorr.hpp"

namespace l2::bench {

// The process's signing context (libsecp256k1 needs no randomisation to sign deterministically).
inline secp256k1_context* signing_context() {
  static secp256k1_context* const context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  return context;
}

struct KeyPairs {
  std::vector<secp256k1_keypair> keypairs;
  std::vector<Hash32> pubkeys;  // the x-only keys, serialized
};

// `count` key pairs derived from the seed `label` (e.g. the benchmark's prefix).
inline KeyPairs derive_key_pairs(std::string_view label, std::size_t count) {
  KeyPairs k;
  k.keypairs.resize(count);
  k.pubkeys.resize(count);
  const Bytes seed = bytes_of(label);
  for (std::size_t i = 0; i < count; ++i) {
    const Hash32 secret = ref::bip340::secret_from_seed(seed, static_cast<u32>(i));
    secp256k1_xonly_pubkey xonly;
    if (secp256k1_keypair_create(signing_context(), &k.keypairs[i], secret.data()) != 1 ||
        secp256k1_keypair_xonly_pub(signing_context(), &xonly, nullptr, &k.keypairs[i]) != 1 ||
        secp256k1_xonly_pubkey_serialize(signing_context(), k.pubkeys[i].data(), &xonly) != 1) {
      std::abort();  // a secret from secret_from_seed is always valid
    }
  }
  return k;
}

}  // namespace l2::bench
