// Every SHA-256 kernel this CPU supports must equal l2::ref::sha256 on any input, in one-shot and
// batch form (the batch path sees floor(size / 64) messages, so every lane count and tail occurs).
#include <cstdlib>

#include "l2/opt/sha256.hpp"
#include "l2/ref/sha256.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const l2::u8> input(data, size);
  const l2::Hash32 expected = l2::ref::sha256(input);
  const std::size_t messages = size / 64;
  for (const auto* kernel : l2::opt::sha256::supported_kernels()) {
    l2::Hash32 one{};
    kernel->hash_one(data, size, one.data());
    if (one != expected) std::abort();
    std::vector<l2::u8> out(32 * messages);
    kernel->hash64_many(data, out.data(), messages);
    for (std::size_t i = 0; i < messages; ++i) {
      const l2::Hash32 digest = l2::ref::sha256(std::span<const l2::u8>(data + 64 * i, 64));
      if (!l2::bytes_equal(std::span<const l2::u8>(out.data() + 32 * i, 32), digest)) std::abort();
    }
  }
  return 0;
}
