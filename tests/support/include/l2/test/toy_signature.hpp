// A stand-in for BIP-340 in payment-channel tests that only exercise protocol logic: a "signature"
// is the signer's key followed by the digest, so it is valid exactly for that key and that digest.
// This is the abstraction the Z3 model uses (valid(key, message) holds only for what the key holder
// signed); it costs nothing to check, which keeps static_assert scenarios and long random traces
// fast. It is forgeable by design: no test that uses it may claim anything about unforgeability.
#pragma once

#include <cstddef>

#include "l2/ref/payment_channel.hpp"

namespace l2::test {

struct ToySignatureCheck {
  constexpr bool operator()(const Hash32& pubkey, const Hash32& digest, const ref::payment_channel::Signature& signature) const {
    for (std::size_t i = 0; i < 32; ++i)
      if (signature[i] != pubkey[i] || signature[32 + i] != digest[i]) return false;
    return true;
  }
};

constexpr ref::payment_channel::Signature toy_sign(const Hash32& pubkey, const Hash32& digest) {
  ref::payment_channel::Signature signature{};
  for (std::size_t i = 0; i < 32; ++i) {
    signature[i] = pubkey[i];
    signature[32 + i] = digest[i];
  }
  return signature;
}

}  // namespace l2::test
