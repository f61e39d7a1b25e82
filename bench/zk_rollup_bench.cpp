// The ZK rollup's heavy operations: the reexecution backend's verifier on one batch of signed
// transfers, the mass exit, and the prover, with their baselines in the same run.
//
// The state: 2^20 accounts (account i owned by key i % 4096, as in optimistic_rollup_bench.cpp:
// deriving 2^20 keys would take a minute and changes no work the verifier does, since it parses
// every sender's key anyway), balance 10^12, nonce 0, held in the optimistic rollup's account tree
// (l2::opt::optimistic_rollup::AccountTree). Built once per process, outside any timing, with the
// batches, their proofs and the exit claims.
//
//   BM_zk_rollup_verify/libsecp256k1: bare secp256k1_schnorrsig_verify on one thread, key already
//     parsed, over the batch's own signatures: the hardware limit, in signatures/s.
//   BM_zk_rollup_verify_batch/optimized_2threads: l2::opt::zk_rollup::verify(vk, proof_input, proof,
//     2) of the proof of one batch of 8192 transfers from distinct random senders to random
//     accounts (about 16 400 touched slots, a multiproof of about 100 000 siblings, about 5 MB).
//     items_per_second counts transfers. After each iteration, timing paused, 256 bare verifications
//     give the one-thread verify rate (verify_per_s_1thread); limit_transfers_per_s = 2 x that rate
//     (one signature per transfer) and fraction_of_limit = the transfers/s over that limit, the
//     target being at least 0.8. The limit is the signatures alone with the keys already parsed;
//     the verifier is stateless, so it also parses each sender's key (lift_x, about a tenth of a
//     verification), decodes the proof, hashes the two multiproof roots, the data commitment and
//     every digest, and applies the transfers.
//   BM_zk_rollup_verify_batch/reference: l2::ref::zk_rollup::verify (its own BIP-340 and SHA-256)
//     on the proof of a batch of 512 transfers against the same state (8192 would take seconds per
//     call). items_per_second counts transfers, so the two rates compare per transfer (the smaller
//     batch shares fewer multiproof nodes per transfer; signatures dominate both).
//   BM_zk_rollup_prove/optimized: l2::opt::zk_rollup::prove of the 8192-transfer batch on
//     2 threads (collecting the touched slots, re-executing with every signature checked, the
//     multiproof's siblings from the tree, both roots, the commitments and the proof's encoding).
//   BM_zk_rollup_exodus/optimized_2threads: l2::opt::zk_rollup::apply_exodus_withdraw_many of 2^16
//     claims (distinct random accounts, each with its 32-sibling opening) against the 2^20-account
//     state, on 2 threads; items_per_second counts exits. The contract copy the call makes (the
//     reference makes it too) is included.
//   BM_zk_rollup_exodus/reference: l2::ref::zk_rollup::apply_exodus_withdraw_many on the first
//     2^13 of those claims: at 2^16 a call takes seconds. items_per_second counts exits. The
//     reference looks each claim up in the list of exits so far, so its rate per exit falls as
//     the call grows: the smaller call flatters it, and the ratio to the optimized case (the
//     target is at least 20) is a lower bound.
// Every case is wall-clock (UseRealTime).
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "bare_verify.hpp"
#include "bench_keys.hpp"
#include "l2/opt/optimistic_rollup.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/opt/zk_rollup.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/zk_rollup.hpp"
#include "l2/ref/zk_rollup_contract.hpp"

namespace {

using l2::Hash32;
using l2::u64;
using l2::u8;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
namespace zk_rollup = l2::ref::zk_rollup;
namespace optimized = l2::opt::zk_rollup;
using l2::bench::BareSignature;
using l2::bench::calibration_sample;
using l2::bench::derive_key_pairs;
using l2::bench::KeyPairs;
using l2::bench::signing_context;
using l2::bench::time_bare_verifies;
using optimistic_rollup::Account;
using optimistic_rollup::AccountIndex;
using optimistic_rollup::Transaction;
using optimistic_rollup::Transfer;

constexpr unsigned tree_height = 20;
constexpr std::size_t account_count = std::size_t{1} << tree_height;
constexpr std::size_t key_count = 4096;
constexpr u64 opening_balance = 1'000'000'000'000;
constexpr std::size_t batch_transfers = 8192;
constexpr std::size_t reference_batch_transfers = 512;
constexpr std::size_t exit_count = std::size_t{1} << 16;
constexpr std::size_t reference_exit_count = std::size_t{1} << 13;

const KeyPairs& keys() {
  static const KeyPairs made = derive_key_pairs("BM_zk_rollup", key_count);
  return made;
}

Account account_at(AccountIndex index) { return Account{opening_balance, 0, keys().pubkeys[index % key_count]}; }

const optimistic_rollup::L2Params& params() {
  static const optimistic_rollup::L2Params made{
      1, zk_rollup::rollup_id(1, l2::ref::tagged_hash("bench/contract", l2::bytes_of("zk_rollup")), keys().pubkeys[0], 0)};
  return made;
}

// account_value(account_at(i)) = SHA256(SHA256(tag) || SHA256(tag) || enc(account)), on the kernels.
Hash32 fast_account_value(const Hash32& tag_hash, AccountIndex index) {
  const l2::Bytes encoded = l2::reflect::encode(account_at(index));
  std::array<u8, 64 + 48> preimage;
  std::copy(tag_hash.begin(), tag_hash.end(), preimage.begin());
  std::copy(tag_hash.begin(), tag_hash.end(), preimage.begin() + 32);
  std::copy(encoded.begin(), encoded.end(), preimage.begin() + 64);
  return l2::opt::sha256::hash(preimage);
}

// The 2^20-account state, once per process.
struct World {
  std::unique_ptr<l2::opt::optimistic_rollup::AccountTree> tree;
  optimistic_rollup::StateHeader header;
};

const World& world() {
  static const World made = [] {
    World w;
    const Hash32 tag_hash = l2::ref::sha256(optimistic_rollup::account_tag);
    std::vector<l2::opt::smt::Update> entries(account_count);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, account_count, 4096), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i)
        entries[i] = l2::opt::smt::Update{static_cast<AccountIndex>(i), fast_account_value(tag_hash, static_cast<AccountIndex>(i))};
    });
    w.tree = std::make_unique<l2::opt::optimistic_rollup::AccountTree>();
    w.tree->assign(tree_height, entries, 0);
    w.header = optimistic_rollup::StateHeader{w.tree->root(), 0, 0};
    return w;
  }();
  return made;
}

optimized::ProverState prover_state() {
  const World& w = world();
  return optimized::ProverState{
      w.header,
      [](AccountIndex index) -> std::optional<Account> {
        if (index >= account_count) return std::nullopt;
        return account_at(index);
      },
      [&w](AccountIndex index) { return w.tree->prove(index); }};
}

const zk_rollup::VerifyingKey& verifying_key() {
  static const zk_rollup::VerifyingKey vk = zk_rollup::reexecution_verifying_key(batch_transfers);
  return vk;
}

// `count` transfers from distinct random senders (not the fee account) at nonce 0 to random
// accounts, fee 1, signed (deterministic BIP-340: zero auxiliary randomness).
std::vector<Transaction> transfer_batch(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<AccountIndex> senders(account_count - 1);
  std::iota(senders.begin(), senders.end(), AccountIndex{1});
  std::shuffle(senders.begin(), senders.end(), random);
  std::vector<Transaction> batch;
  batch.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto to = static_cast<AccountIndex>(random() % account_count);
    batch.push_back(optimistic_rollup::make_transaction(Transfer{senders[i], to, 1 + random() % 1000, 1, 0, {}}));
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, batch.size(), 64), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      Transfer& t = *batch[i].transfer;
      const Hash32 digest = optimistic_rollup::transfer_digest(params(), t);
      if (secp256k1_schnorrsig_sign32(signing_context(), t.signature.data(), digest.data(),
                                      &keys().keypairs[t.from % key_count], Hash32{}.data()) != 1)
        std::abort();
    }
  });
  return batch;
}

// A batch, its proof and the proof input the contract would compute.
struct ProvedBatch {
  std::vector<Transaction> transactions;
  l2::Bytes proof;
  Hash32 proof_input{};
  std::size_t siblings = 0;
  std::size_t touched = 0;
};

ProvedBatch prove(std::size_t count, std::uint64_t seed) {
  ProvedBatch b;
  b.transactions = transfer_batch(count, seed);
  auto witness = optimized::prove_batch(params(), verifying_key(), prover_state(), 0, b.transactions, 0);
  if (!witness) std::abort();
  b.siblings = witness.value().siblings.size();
  b.touched = witness.value().accounts.size();
  const Hash32 input = zk_rollup::public_input(witness.value().statement);
  b.proof_input = zk_rollup::proof_input(std::vector<Hash32>{input});
  zk_rollup::ReexecutionProof proof;
  proof.batches.push_back(std::move(witness).value());
  b.proof = l2::reflect::encode(proof);
  return b;
}

const ProvedBatch& big_batch() {
  static const ProvedBatch made = prove(batch_transfers, 8192);
  return made;
}

const ProvedBatch& small_batch() {
  static const ProvedBatch made = prove(reference_batch_transfers, 512);
  return made;
}

const std::vector<BareSignature>& bare_signatures() {
  static const std::vector<BareSignature> made = [] {
    std::vector<BareSignature> out;
    const std::vector<Transaction>& batch = big_batch().transactions;
    for (std::size_t i = 0; i < 4096; ++i) {
      const Transfer& t = *batch[i].transfer;
      BareSignature s{};
      if (secp256k1_xonly_pubkey_parse(signing_context(), &s.key, keys().pubkeys[t.from % key_count].data()) != 1)
        std::abort();
      s.digest = optimistic_rollup::transfer_digest(params(), t);
      s.signature = t.signature;
      out.push_back(s);
    }
    return out;
  }();
  return made;
}

void BM_zk_rollup_verify(benchmark::State& state) { l2::bench::run_bare_verify(state, bare_signatures()); }
BENCHMARK(BM_zk_rollup_verify)->Name("BM_zk_rollup_verify/libsecp256k1")->UseRealTime();

void BM_zk_rollup_verify_batch_optimized(benchmark::State& state) {
  constexpr unsigned threads = 2;
  const ProvedBatch& b = big_batch();
  static_cast<void>(bare_signatures());
  secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  std::size_t rejected = 0;
  double verify_seconds = 0;
  double calibration_seconds = 0;
  std::size_t calibrated = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const l2::ZkRollupError verdict = optimized::verify(verifying_key(), b.proof_input, b.proof, threads);
    verify_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    benchmark::DoNotOptimize(verdict);
    rejected += verdict == l2::ZkRollupError::none ? 0 : 1;
    state.PauseTiming();
    calibration_seconds += time_bare_verifies(context, bare_signatures(), calibrated);
    calibrated += calibration_sample;
    state.ResumeTiming();
  }
  secp256k1_context_destroy(context);
  if (rejected != 0) state.SkipWithError("an honest proof was rejected");
  const auto transfers = static_cast<std::int64_t>(state.iterations() * b.transactions.size());
  state.SetItemsProcessed(transfers);
  state.counters["proof_bytes"] = static_cast<double>(b.proof.size());
  state.counters["touched"] = static_cast<double>(b.touched);
  state.counters["siblings"] = static_cast<double>(b.siblings);
  if (calibration_seconds > 0 && verify_seconds > 0) {
    const double verify_rate = static_cast<double>(calibrated) / calibration_seconds;  // one thread
    const double limit = threads * verify_rate;  // one signature per transfer
    state.counters["verify_per_s_1thread"] = verify_rate;
    state.counters["limit_transfers_per_s"] = limit;
    state.counters["fraction_of_limit"] = static_cast<double>(transfers) / verify_seconds / limit;
  }
}
BENCHMARK(BM_zk_rollup_verify_batch_optimized)
    ->Name("BM_zk_rollup_verify_batch/optimized_2threads")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_zk_rollup_verify_batch_reference(benchmark::State& state) {
  const ProvedBatch& b = small_batch();
  std::size_t rejected = 0;
  for (auto _ : state) {
    const l2::ZkRollupError verdict = zk_rollup::verify(verifying_key(), b.proof_input, b.proof);
    benchmark::DoNotOptimize(verdict);
    rejected += verdict == l2::ZkRollupError::none ? 0 : 1;
  }
  if (rejected != 0) state.SkipWithError("an honest proof was rejected");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * b.transactions.size()));
  state.counters["proof_bytes"] = static_cast<double>(b.proof.size());
}
BENCHMARK(BM_zk_rollup_verify_batch_reference)
    ->Name("BM_zk_rollup_verify_batch/reference")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_zk_rollup_prove(benchmark::State& state) {
  const ProvedBatch& b = big_batch();
  const optimized::ProverState prover = prover_state();
  std::size_t mismatched = 0;
  for (auto _ : state) {
    const auto proof = optimized::prove(params(), verifying_key(), prover, 0, b.transactions, 2);
    mismatched += proof.ok() && proof.value() == b.proof ? 0 : 1;
    benchmark::DoNotOptimize(proof.ok());
  }
  if (mismatched != 0) state.SkipWithError("the proof differs from the one built at setup");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * b.transactions.size()));
}
BENCHMARK(BM_zk_rollup_prove)->Name("BM_zk_rollup_prove/optimized")->UseRealTime()->Unit(benchmark::kMillisecond);

// ---- The mass exit ------------------------------------------------------------------------------

struct ExodusWorkload {
  zk_rollup::ZkRollup contract;
  zk_rollup::ExodusWithdrawManyInput input;            // exit_count claims
  zk_rollup::ExodusWithdrawManyInput reference_input;  // the first reference_exit_count of them
};

// A contract in exodus whose one executed batch left the 2^20-account state (built directly: the
// exits read only exodus, the executed root, the escrow and the exits so far).
const ExodusWorkload& exodus_workload() {
  static const ExodusWorkload made = [] {
    const World& w = world();
    ExodusWorkload e;
    zk_rollup::ZkRollup& c = e.contract;
    c.chain_id = params().chain_id;
    c.rollup_id = params().rollup_id;
    c.operator_key = keys().pubkeys[0];
    c.escrow = opening_balance * account_count;
    c.next_account_index = account_count;
    zk_rollup::BatchRecord record{};
    record.header.post_state_root = optimistic_rollup::state_root(w.header);
    c.batches = {record};
    c.committed = c.verified = c.executed = 1;
    c.exodus = true;

    std::mt19937_64 random(16);
    std::vector<AccountIndex> everyone(account_count);
    std::iota(everyone.begin(), everyone.end(), AccountIndex{0});
    std::shuffle(everyone.begin(), everyone.end(), random);
    e.input.caller = keys().pubkeys[1];
    e.input.post_state = w.header;
    e.input.claims.resize(exit_count);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, exit_count, 1024), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) {
        const AccountIndex index = everyone[i];
        e.input.claims[i] = zk_rollup::ExodusClaim{index, account_at(index), w.tree->prove(index).siblings};
      }
    });
    e.reference_input.caller = e.input.caller;
    e.reference_input.post_state = e.input.post_state;
    e.reference_input.claims.assign(e.input.claims.begin(),
                                    e.input.claims.begin() + static_cast<std::ptrdiff_t>(reference_exit_count));
    return e;
  }();
  return made;
}

enum class ExodusBackend { reference, optimized_2threads };

void BM_zk_rollup_exodus(benchmark::State& state, ExodusBackend backend) {
  const ExodusWorkload& e = exodus_workload();
  const zk_rollup::ExodusWithdrawManyInput& in = backend == ExodusBackend::reference ? e.reference_input : e.input;
  const zk_rollup::Env env{100};
  std::size_t wrong = 0;
  for (auto _ : state) {
    const zk_rollup::Transition t = backend == ExodusBackend::reference
                                        ? zk_rollup::apply_exodus_withdraw_many(e.contract, in, env)
                                        : optimized::apply_exodus_withdraw_many(e.contract, in, env, 2);
    wrong += t.ok() && t.value().payouts.size() == in.claims.size() ? 0 : 1;
    benchmark::DoNotOptimize(t.ok());
  }
  if (wrong != 0) state.SkipWithError("an honest mass exit was refused");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * in.claims.size()));
  state.counters["exits_per_call"] = static_cast<double>(in.claims.size());
}
BENCHMARK_CAPTURE(BM_zk_rollup_exodus, reference, ExodusBackend::reference)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_zk_rollup_exodus, optimized_2threads, ExodusBackend::optimized_2threads)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
