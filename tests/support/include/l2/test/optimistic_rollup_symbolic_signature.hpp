// A symbolic BIP-340 stand-in for the optimistic rollup's constexpr tests: a "signature" is the
// signer's key followed by the digest, valid exactly for that key and that digest. It is the
// abstraction of l2::inv::SymbolicSignature (l2/test/toy_signature.hpp), restated here because
// including that header links the test to l2::invariants (the Z3 library), and the rollup's
// static tests must build from the reference alone. Forgeable by design: no test that uses it may
// claim anything about unforgeability; the unit tests run the same rules with real signatures.
#pragma once

#include <cstddef>

#include "l2/ref/bytes.hpp"

namespace l2::test::rollup {

struct SymbolicCheck {
  constexpr bool operator()(const Hash32& pubkey, const Hash32& digest, const ByteArray<64>& signature) const {
    for (std::size_t i = 0; i < 32; ++i)
      if (signature[i] != pubkey[i] || signature[32 + i] != digest[i]) return false;
    return true;
  }
};

inline constexpr SymbolicCheck symbolic{};

constexpr ByteArray<64> symbolic_sign(const Hash32& pubkey, const Hash32& digest) {
  ByteArray<64> signature{};
  for (std::size_t i = 0; i < 32; ++i) {
    signature[i] = pubkey[i];
    signature[32 + i] = digest[i];
  }
  return signature;
}

// A key (or any 32-byte value) with every byte `tag`.
constexpr Hash32 filled(u8 tag) {
  Hash32 k{};
  for (auto& b : k) b = tag;
  return k;
}

}  // namespace l2::test::rollup
