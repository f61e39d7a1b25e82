// The Z3 model's signature abstraction made concrete: a "signature" is the key followed by the
// digest, valid exactly for that key and that digest (valid(key, message) holds only for what the
// key holder signed). It costs nothing to check, which keeps static_assert scenarios, long random
// traces and trace validation fast. It is forgeable by design: nothing about unforgeability may
// rest on it. Header-only and free of Z3, so constexpr tests can use it.
#pragma once

#include <cstddef>

#include "l2/ref/bytes.hpp"

namespace l2::inv {

using SymbolicSignatureBytes = ByteArray<64>;

struct SymbolicSignature {
  constexpr bool operator()(const Hash32& pubkey, const Hash32& digest, const SymbolicSignatureBytes& signature) const {
    for (std::size_t i = 0; i < 32; ++i)
      if (signature[i] != pubkey[i] || signature[32 + i] != digest[i]) return false;
    return true;
  }
  static constexpr SymbolicSignatureBytes sign(const Hash32& pubkey, const Hash32& digest) {
    SymbolicSignatureBytes signature{};
    for (std::size_t i = 0; i < 32; ++i) {
      signature[i] = pubkey[i];
      signature[32 + i] = digest[i];
    }
    return signature;
  }
};

}  // namespace l2::inv
