// HMAC-SHA256 as RFC 2104 defines it, over the reference SHA-256 (FIPS 198-1 with B = 64, L = 32),
// written for reading and for constant evaluation. BOLT 4's onion derives every key with it.
// spec: channel_network.md#hmac-sha256
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "l2/ref/sha256.hpp"

namespace l2::ref {

// [HASH-HMAC-1] HMAC(K, m) = SHA256((K' ^ opad) || SHA256((K' ^ ipad) || m)), where K' is K padded
// with zeros to the 64-byte block, or SHA256(K) padded so when K is longer than the block.
constexpr Hash32 hmac_sha256(std::span<const u8> key, std::span<const u8> message) {
  constexpr std::size_t block = 64;
  std::array<u8, block> padded_key{};
  if (key.size() > block) {
    const Hash32 hashed = sha256(key);
    for (std::size_t i = 0; i < hashed.size(); ++i) padded_key[i] = hashed[i];
  } else {
    for (std::size_t i = 0; i < key.size(); ++i) padded_key[i] = key[i];
  }
  std::array<u8, block> inner_pad{};
  std::array<u8, block> outer_pad{};
  for (std::size_t i = 0; i < block; ++i) {
    inner_pad[i] = static_cast<u8>(padded_key[i] ^ 0x36);
    outer_pad[i] = static_cast<u8>(padded_key[i] ^ 0x5c);
  }
  const Hash32 inner = Sha256{}.update(inner_pad).update(message).finish();
  return Sha256{}.update(outer_pad).update(inner).finish();
}

}  // namespace l2::ref
