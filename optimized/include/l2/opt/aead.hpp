// Optimized ChaCha20-Poly1305 AEAD: must match l2::ref::chacha20_poly1305::seal and open
// (reference/include/l2/ref/chacha20_poly1305.hpp) on every input, error codes included.
// Exploits OpenSSL's EVP ChaCha20-Poly1305, whose x86-64 assembly runs ChaCha20 and Poly1305 on
// SSSE3, AVX2 or AVX-512 as the CPU allows, through one reused cipher context per thread.
// spec: primitives.md#chacha20-poly1305
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/result.hpp"

namespace l2::opt::aead {

using Key = ByteArray<32>;
using Nonce = ByteArray<12>;

inline constexpr std::size_t tag_size = 16;

// The library doing the work and its version, e.g. "OpenSSL 3.0.19 27 Jan 2026"; for logs.
std::string_view backend_name();

// RFC 8439 AEAD_CHACHA20_POLY1305 encryption: ciphertext || 16-byte tag [AEAD-SEAL-1], byte for
// byte the reference's seal(). nullopt only if OpenSSL itself fails (it cannot allocate its
// context), which no input causes. Contract: plaintext.size() is at most RFC 8439's P_MAX,
// 274,877,906,880 bytes. Safe to call from any thread.
std::optional<Bytes> seal(const Key& key, const Nonce& nonce, std::span<const u8> aad, std::span<const u8> plaintext);

// Decryption of ciphertext || tag: the plaintext, or exactly the reference's rejection:
// aead_input_too_short [AEAD-OPEN-1] for an input shorter than the tag, else aead_tag_mismatch
// [AEAD-OPEN-2]. A rejection returns no plaintext. Should OpenSSL itself fail, the input is
// rejected as aead_tag_mismatch, since it was not authenticated. Safe to call from any thread.
Result<Bytes, PrimitiveError> open(const Key& key, const Nonce& nonce, std::span<const u8> aad,
                                   std::span<const u8> ciphertext_and_tag);

}  // namespace l2::opt::aead
