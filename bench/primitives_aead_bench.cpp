// ChaCha20-Poly1305 sealing (RFC 8439 AEAD encryption), one thread, every backend in one run:
//   BM_primitives_aead_seal/reference/<bytes>: l2::ref::chacha20_poly1305::seal.
//   BM_primitives_aead_seal/openssl/<bytes>: l2::opt::aead::seal, OpenSSL's EVP ChaCha20-Poly1305
//     on one reused context per thread.
//   BM_primitives_aead_seal/openssl_evp/<bytes>: OpenSSL called directly the plain way, a fresh
//     EVP context per message; for information, it shows what the engine's context reuse saves.
// Plaintexts of 64 B (a small appointment), 1 KiB and 16 KiB, with no aad; bytes_per_second
// counts plaintext bytes sealed.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "l2/opt/aead.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/chacha20_poly1305.hpp"

namespace {

using l2::Bytes;
using l2::u8;

struct SealInput {
  l2::ByteArray<32> key;
  l2::ByteArray<12> nonce;
  Bytes plaintext;
};

SealInput seal_input(std::size_t length) {
  std::mt19937_64 rng(length);
  SealInput in{};
  for (u8& b : in.key) b = static_cast<u8>(rng());
  for (u8& b : in.nonce) b = static_cast<u8>(rng());
  in.plaintext.resize(length);
  for (u8& b : in.plaintext) b = static_cast<u8>(rng());
  return in;
}

void count_bytes(benchmark::State& state, std::size_t length) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(length));
}

void seal_reference(benchmark::State& state) {
  const SealInput in = seal_input(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    Bytes sealed = l2::ref::chacha20_poly1305::seal(in.key, in.nonce, Bytes{}, in.plaintext);
    benchmark::DoNotOptimize(sealed.data());
  }
  count_bytes(state, in.plaintext.size());
}

void seal_openssl(benchmark::State& state) {
  const SealInput in = seal_input(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto sealed = l2::opt::aead::seal(in.key, in.nonce, Bytes{}, in.plaintext);
    if (!sealed) {
      state.SkipWithError("OpenSSL failed to seal");
      return;
    }
    benchmark::DoNotOptimize(sealed->data());
  }
  count_bytes(state, in.plaintext.size());
}

void seal_openssl_evp(benchmark::State& state) {
  const SealInput in = seal_input(static_cast<std::size_t>(state.range(0)));
  Bytes out(in.plaintext.size() + 16);
  for (auto _ : state) {
    const std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> context(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int written = 0;
    int final_written = 0;
    if (!context || EVP_EncryptInit_ex(context.get(), EVP_chacha20_poly1305(), nullptr, in.key.data(), in.nonce.data()) != 1 ||
        EVP_EncryptUpdate(context.get(), out.data(), &written, in.plaintext.data(), static_cast<int>(in.plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(context.get(), out.data() + written, &final_written) != 1 ||
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_AEAD_GET_TAG, 16, out.data() + in.plaintext.size()) != 1) {
      state.SkipWithError("OpenSSL failed to seal");
      return;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  count_bytes(state, in.plaintext.size());
}

bool register_benchmarks() {
  for (const auto& [backend, function] : {std::pair{"reference", &seal_reference}, std::pair{"openssl", &seal_openssl},
                                          std::pair{"openssl_evp", &seal_openssl_evp}}) {
    benchmark::RegisterBenchmark((std::string("BM_primitives_aead_seal/") + backend).c_str(), function)
        ->Arg(64)
        ->Arg(1024)
        ->Arg(16 * 1024);
  }
  return true;
}

const bool registered = register_benchmarks();

}  // namespace
