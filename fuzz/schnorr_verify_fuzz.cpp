// BIP-340 verification: the reference and libsecp256k1 (through the optimized wrapper) must give the
// same error code for any key, signature and message, including keys off the curve and r, s out of range.
#include <cstdlib>

#include "l2/opt/schnorr.hpp"
#include "l2/ref/schnorr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 96) return 0;
  l2::Hash32 pubkey{};
  l2::ByteArray<64> signature{};
  std::copy(data, data + 32, pubkey.begin());
  std::copy(data + 32, data + 96, signature.begin());
  const std::span<const l2::u8> message(data + 96, size - 96);
  if (l2::ref::bip340::verify(pubkey, message, signature) != l2::opt::schnorr::verify(pubkey, message, signature)) std::abort();
  return 0;
}
