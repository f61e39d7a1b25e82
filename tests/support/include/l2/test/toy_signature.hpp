// A stand-in for BIP-340 in payment-channel tests that only exercise protocol logic: the model's
// signature abstraction, l2::inv::SymbolicSignature (a "signature" is the signer's key followed by
// the digest). Forgeable by design: no test that uses it may claim anything about unforgeability.
#pragma once

#include "l2/inv/symbolic_signature.hpp"
#include "l2/ref/payment_channel.hpp"

namespace l2::test {

using ToySignatureCheck = inv::SymbolicSignature;

inline constexpr ToySignatureCheck toy{};

// A key (or any 32-byte value) with every byte `tag`: readable fixed keys for toy-signed tests.
constexpr Hash32 key(u8 tag) {
  Hash32 k{};
  for (auto& b : k) b = tag;
  return k;
}

constexpr ref::payment_channel::Signature toy_sign(const Hash32& pubkey, const Hash32& digest) {
  return inv::SymbolicSignature::sign(pubkey, digest);
}

}  // namespace l2::test
