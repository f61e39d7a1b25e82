// Deterministic BIP-340 keys for randomized tests: `count` signers derived from a seed, plus one
// 32-byte value that is no x coordinate on the curve (index `count`). An account or channel may hold
// that value (nothing checks a key when it is stored), and then every signature check for it fails.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "l2/ref/bytes.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace l2::test {

template <std::size_t Count>
struct KeyPool {
  static constexpr std::size_t signer_count = Count;
  static constexpr std::size_t off_curve = Count;  // pubkey[off_curve] is not on the curve

  std::array<Hash32, Count> secret{};
  std::array<Hash32, Count + 1> pubkey{};

  static KeyPool make(std::string_view seed_text) {
    KeyPool made;
    const Bytes seed = bytes_of(seed_text);
    for (std::size_t i = 0; i < Count; ++i) {
      made.secret[i] = ref::bip340::secret_from_seed(seed, static_cast<u32>(i));
      made.pubkey[i] = libsecp256k1::pubkey(made.secret[i]).value();
    }
    Hash32 x{};
    for (u8 low = 2;; ++low) {
      x[31] = low;
      if (!libsecp256k1::pubkey_parses(x)) break;
    }
    made.pubkey[off_curve] = x;
    return made;
  }

  // The index of `key` in the pool, off_curve for the off-curve value or any key not in it.
  std::size_t index_of(const Hash32& key) const {
    for (std::size_t i = 0; i < Count; ++i)
      if (pubkey[i] == key) return i;
    return off_curve;
  }

  // Signer `signer`'s BIP-340 signature of `digest` (aux_rand zero), by libsecp256k1. The
  // off-curve key has no secret and no signature verifies under it, so key 0 signs in its place.
  ref::bip340::Signature sign(std::size_t signer, const Hash32& digest) const {
    return libsecp256k1::sign(secret[signer == off_curve ? 0 : signer], digest, Hash32{}).value();
  }
};

}  // namespace l2::test
