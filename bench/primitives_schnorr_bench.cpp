// BIP-340 Schnorr against its baselines, in one run:
//   BM_primitives_schnorr_verify: one signature at a time on one thread. libsecp256k1 is the
//     library called directly (parse the key, verify); optimized is l2::opt::schnorr::verify,
//     which adds the range checks that name the failing rule; reference is l2::ref::bip340.
//   BM_primitives_schnorr_verify_batch: l2::opt::schnorr::verify_batch over 4096 signatures on one
//     and on two TBB threads. The target is 2 threads >= 1.8x the one-thread rate.
//   BM_primitives_schnorr_sign: signing a 32-byte message, optimized against the reference.
// Every case reports items (signatures) per second, wall-clock (UseRealTime).
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "l2/opt/schnorr.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/schnorr.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::u8;
namespace opt = l2::opt::schnorr;

constexpr std::size_t batch_size = 4096;

struct SignedMessages {
  std::vector<Hash32> secret_keys;
  std::vector<Hash32> aux;
  std::vector<Bytes> messages;
  std::vector<opt::VerifyItem> items;
};

// batch_size distinct keys and 32-byte messages, signed once; deterministic from a fixed seed.
const SignedMessages& signed_messages() {
  static const SignedMessages data = [] {
    SignedMessages made;
    const Bytes seed = l2::bytes_of("BM_primitives_schnorr");
    made.messages.reserve(batch_size);  // items hold spans into these vectors
    for (std::size_t i = 0; i < batch_size; ++i) {
      made.secret_keys.push_back(l2::ref::bip340::secret_from_seed(seed, static_cast<l2::u32>(i)));
      made.aux.push_back(l2::ref::bip340::secret_from_seed(seed, static_cast<l2::u32>(batch_size + i)));
      const Hash32 message = l2::ref::bip340::secret_from_seed(seed, static_cast<l2::u32>(2 * batch_size + i));
      made.messages.emplace_back(message.begin(), message.end());
    }
    for (std::size_t i = 0; i < batch_size; ++i) {
      const Hash32 pubkey = opt::pubkey_from_secret(made.secret_keys[i]).value();
      const auto sig = opt::sign(made.secret_keys[i], made.messages[i], made.aux[i]).value();
      made.items.push_back({pubkey, made.messages[i], sig});
    }
    return made;
  }();
  return data;
}

enum class VerifyBackend { libsecp256k1, optimized, reference };

void BM_primitives_schnorr_verify(benchmark::State& state, VerifyBackend backend) {
  const auto& items = signed_messages().items;
  secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  std::size_t next = 0;
  std::size_t failures = 0;
  for (auto _ : state) {
    const opt::VerifyItem& item = items[next];
    next = (next + 1) % items.size();
    bool valid = false;
    switch (backend) {
      case VerifyBackend::libsecp256k1: {
        secp256k1_xonly_pubkey xonly;
        valid = secp256k1_xonly_pubkey_parse(context, &xonly, item.pubkey.data()) == 1 &&
                secp256k1_schnorrsig_verify(context, item.sig.data(), item.msg.data(), item.msg.size(), &xonly) == 1;
        break;
      }
      case VerifyBackend::optimized:
        valid = opt::verify(item.pubkey, item.msg, item.sig) == l2::PrimitiveError::none;
        break;
      case VerifyBackend::reference:
        valid = l2::ref::bip340::verify(item.pubkey, item.msg, item.sig) == l2::PrimitiveError::none;
        break;
    }
    failures += valid ? 0 : 1;
    benchmark::DoNotOptimize(valid);
  }
  secp256k1_context_destroy(context);
  if (failures != 0) state.SkipWithError("a valid signature failed to verify");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_primitives_schnorr_verify, libsecp256k1, VerifyBackend::libsecp256k1)->UseRealTime();
BENCHMARK_CAPTURE(BM_primitives_schnorr_verify, optimized, VerifyBackend::optimized)->UseRealTime();
BENCHMARK_CAPTURE(BM_primitives_schnorr_verify, reference, VerifyBackend::reference)->UseRealTime();

void BM_primitives_schnorr_verify_batch(benchmark::State& state, unsigned threads) {
  const auto& items = signed_messages().items;
  std::vector<l2::PrimitiveError> results(items.size());
  for (auto _ : state) {
    opt::verify_batch(items, results, threads);
    benchmark::ClobberMemory();
  }
  for (l2::PrimitiveError result : results) {
    if (result != l2::PrimitiveError::none) state.SkipWithError("a valid signature failed to verify");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * items.size()));
}
BENCHMARK_CAPTURE(BM_primitives_schnorr_verify_batch, 1thread, 1u)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_primitives_schnorr_verify_batch, 2threads, 2u)->UseRealTime()->Unit(benchmark::kMillisecond);

enum class SignBackend { optimized, reference };

void BM_primitives_schnorr_sign(benchmark::State& state, SignBackend backend) {
  const SignedMessages& data = signed_messages();
  std::size_t next = 0;
  for (auto _ : state) {
    const std::size_t i = next;
    next = (next + 1) % batch_size;
    const auto sig = backend == SignBackend::optimized
                         ? opt::sign(data.secret_keys[i], data.messages[i], data.aux[i])
                         : l2::ref::bip340::sign(data.secret_keys[i], data.messages[i], data.aux[i]);
    benchmark::DoNotOptimize(sig);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_primitives_schnorr_sign, optimized, SignBackend::optimized)->UseRealTime();
BENCHMARK_CAPTURE(BM_primitives_schnorr_sign, reference, SignBackend::reference)->UseRealTime();

}  // namespace
