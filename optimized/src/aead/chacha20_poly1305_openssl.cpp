// Optimized ChaCha20-Poly1305 AEAD: must match l2::ref::chacha20_poly1305::seal and open
// (reference/include/l2/ref/chacha20_poly1305.hpp), error codes included.
// Exploits OpenSSL's EVP_chacha20_poly1305 (SSSE3, AVX2 or AVX-512 assembly chosen by OpenSSL at
// run time) with one cipher context per thread, re-keyed for every call.
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <climits>
#include <memory>

#include "l2/opt/aead.hpp"

namespace l2::opt::aead {
namespace {

struct ContextFree {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using ContextPtr = std::unique_ptr<EVP_CIPHER_CTX, ContextFree>;

// This thread's context, set to ChaCha20-Poly1305 once; nullptr if OpenSSL cannot allocate one.
// A fresh context per call would cost an allocation and OpenSSL's algorithm lookup, more than
// sealing 64 bytes. Every call re-initializes it with a key and a nonce, which resets all of its
// AEAD state (the aad and text lengths, the Poly1305 state), so nothing carries over from one
// call to the next, a failed one included.
EVP_CIPHER_CTX* thread_context() {
  thread_local ContextPtr context;
  if (!context) {
    ContextPtr fresh(EVP_CIPHER_CTX_new());
    if (fresh && EVP_CipherInit_ex(fresh.get(), EVP_chacha20_poly1305(), nullptr, nullptr, nullptr, 1) == 1) {
      context = std::move(fresh);
    }
  }
  return context.get();
}

// EVP's update functions take an int length, so longer inputs go in pieces; 2^30 is a multiple of
// the 64-byte ChaCha20 block, though OpenSSL carries partial blocks across calls anyway.
constexpr std::size_t max_piece = std::size_t{1} << 30;

int piece_length(std::size_t remaining) { return static_cast<int>(std::min(remaining, max_piece)); }

// Feeds the aad to Poly1305 (an update with no output buffer).
bool add_aad(EVP_CIPHER_CTX* context, std::span<const u8> aad) {
  for (std::size_t offset = 0; offset < aad.size(); offset += max_piece) {
    const int length = piece_length(aad.size() - offset);
    int written = 0;
    if (EVP_CipherUpdate(context, nullptr, &written, aad.data() + offset, length) != 1) return false;
  }
  return true;
}

// Encrypts or decrypts `in` into `out` (the same length), as the context was initialized.
bool xor_stream(EVP_CIPHER_CTX* context, std::span<const u8> in, u8* out) {
  for (std::size_t offset = 0; offset < in.size(); offset += max_piece) {
    const int length = piece_length(in.size() - offset);
    int written = 0;
    if (EVP_CipherUpdate(context, out + offset, &written, in.data() + offset, length) != 1 || written != length) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view backend_name() { return OpenSSL_version(OPENSSL_VERSION); }

std::optional<Bytes> seal(const Key& key, const Nonce& nonce, std::span<const u8> aad, std::span<const u8> plaintext) {
  EVP_CIPHER_CTX* context = thread_context();
  if (context == nullptr) return std::nullopt;
  Bytes ciphertext_and_tag(plaintext.size() + tag_size);
  u8* const tag = ciphertext_and_tag.data() + plaintext.size();
  std::array<u8, 16> final_output{};  // a stream cipher writes nothing at the end
  int final_written = 0;
  if (EVP_EncryptInit_ex(context, nullptr, nullptr, key.data(), nonce.data()) != 1 || !add_aad(context, aad) ||
      !xor_stream(context, plaintext, ciphertext_and_tag.data()) ||
      EVP_EncryptFinal_ex(context, final_output.data(), &final_written) != 1 || final_written != 0 ||
      EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_size), tag) != 1) {
    return std::nullopt;
  }
  return ciphertext_and_tag;
}

Result<Bytes, PrimitiveError> open(const Key& key, const Nonce& nonce, std::span<const u8> aad,
                                   std::span<const u8> ciphertext_and_tag) {
  // AEAD-OPEN-1 is checked here: OpenSSL would take a short input for a short tag.
  if (ciphertext_and_tag.size() < tag_size) return PrimitiveError::aead_input_too_short;
  const std::span<const u8> ciphertext = ciphertext_and_tag.first(ciphertext_and_tag.size() - tag_size);
  std::array<u8, 16> received_tag{};  // EVP_CTRL_AEAD_SET_TAG takes a non-const pointer
  std::copy(ciphertext_and_tag.end() - tag_size, ciphertext_and_tag.end(), received_tag.begin());

  EVP_CIPHER_CTX* context = thread_context();
  if (context == nullptr) return PrimitiveError::aead_tag_mismatch;
  Bytes plaintext(ciphertext.size());
  std::array<u8, 16> final_output{};
  int final_written = 0;
  // AEAD-OPEN-2: DecryptFinal fails exactly when the tags differ, having compared them with
  // CRYPTO_memcmp, which reads all 16 bytes. OpenSSL decrypts before it can check, so the
  // plaintext it wrote is erased on every failure.
  if (EVP_DecryptInit_ex(context, nullptr, nullptr, key.data(), nonce.data()) != 1 ||
      EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_size), received_tag.data()) != 1 ||
      !add_aad(context, aad) || !xor_stream(context, ciphertext, plaintext.data()) ||
      EVP_DecryptFinal_ex(context, final_output.data(), &final_written) != 1) {
    if (!plaintext.empty()) OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return PrimitiveError::aead_tag_mismatch;
  }
  return plaintext;
}

}  // namespace l2::opt::aead
