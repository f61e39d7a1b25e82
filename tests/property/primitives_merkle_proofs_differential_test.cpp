// Properties of the optimized RFC 6962 proof engine (l2::opt::rfc6962::Tree and its batched
// verifiers): on random trees, random indices and old sizes, and random or mutated claims at any
// size up to UINT64_MAX, it returns what the reference (l2::ref::rfc6962) returns, proofs and
// error codes alike, on every kernel this CPU supports and with one or two threads.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "l2/opt/merkle_proofs.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/test/rfc6962_proofs_differential.hpp"

namespace {

using l2::Hash32;
using namespace l2::test::rfc6962_proofs;

// Tree sizes: anything up to 300, and often an edge: 0 and 1 (no proofs), powers of two and their
// neighbours (the split moves, a level gains or loses a carried node), 8 and 16 lanes +-1.
rc::Gen<std::size_t> tree_size() {
  const auto edge = rc::gen::element<std::size_t>(0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128,
                                                  129, 255, 256, 257);
  return rc::gen::weightedOneOf<std::size_t>({{1, edge}, {1, rc::gen::inRange<std::size_t>(0, 301)}});
}

// A 64-bit size or index: often at a power of two +-1 or at the top of the range, where the
// split arithmetic (size - 1, 2k) and a 64-hash path live.
rc::Gen<u64> wide_u64() {
  const auto near_power = rc::gen::map(rc::gen::pair(rc::gen::inRange(0, 64), rc::gen::inRange(-1, 2)),
                                       [](const std::pair<int, int>& shift_and_offset) {
                                         return (u64{1} << shift_and_offset.first) +
                                                static_cast<u64>(static_cast<std::int64_t>(shift_and_offset.second));
                                       });
  return rc::gen::weightedOneOf<u64>({{2, near_power},
                                      {1, rc::gen::element<u64>(0, 1, 2, u64_max - 1, u64_max)},
                                      {2, rc::gen::arbitrary<u64>()},
                                      {2, rc::gen::inRange<u64>(0, 300)}});
}

const Kernel& some_supported_kernel() {
  static const std::vector<const Kernel*> kernels = l2::opt::sha256::supported_kernels();
  return *kernels[*rc::gen::inRange<std::size_t>(0, kernels.size())];
}

unsigned some_thread_count() { return *rc::gen::element(1U, 2U); }

// Random trees: every index and old size of a small tree, a few of a larger one (about 8 of each,
// since the reference recomputes subtrees for every proof), and one out of range.
RC_GTEST_PROP(PrimitivesMerkleProofsDifferential, RandomTreesMatchTheReference, ()) {
  const std::size_t size = *tree_size();
  const std::vector<Hash32> leaf_hashes = random_hashes(size, *rc::gen::arbitrary<u64>());
  std::vector<u64> indices;
  std::vector<u64> old_sizes;
  if (size <= 32) {
    for (u64 position = 0; position < size; ++position) indices.push_back(position);
    for (u64 position = 1; position <= size; ++position) old_sizes.push_back(position);
  } else {
    indices = *rc::gen::resize(8, rc::gen::container<std::vector<u64>>(rc::gen::inRange<u64>(0, size)));
    indices.push_back(0);
    indices.push_back(size - 1);
    old_sizes = *rc::gen::resize(8, rc::gen::container<std::vector<u64>>(rc::gen::inRange<u64>(1, size + 1)));
    old_sizes.push_back(size);
  }
  indices.push_back(*rc::gen::element<u64>(u64{size}, u64{size} + 1, u64_max));
  old_sizes.push_back(*rc::gen::element<u64>(0, u64{size} + 1, u64_max));
  const Kernel& kernel = some_supported_kernel();
  RC_ASSERT(tree_difference(kernel, leaf_hashes, indices, old_sizes, some_thread_count()) == "");
}

// Accepted claims at sizes up to UINT64_MAX, and their mutants: flipped bits, truncated and
// extended proofs, other indices and sizes.
RC_GTEST_PROP(PrimitivesMerkleProofsDifferential, InclusionClaimsAtAnySizeMatchTheReference, ()) {
  const u64 size = std::max<u64>(*wide_u64(), 1);
  const u64 index = *rc::gen::weightedOneOf<u64>(
      {{1, rc::gen::element<u64>(0, size - 1, l2::ref::rfc6962::split_point(std::max<u64>(size, 2)) % size)},
       {2, rc::gen::map(rc::gen::arbitrary<u64>(), [size](u64 value) { return value % size; })}});
  std::mt19937_64 rng(*rc::gen::arbitrary<u64>());
  const std::vector<Inclusion> claims = inclusion_mutants(accepted_inclusion_at(index, size, rng));
  RC_ASSERT(inclusion_verification_difference(some_supported_kernel(), claims, some_thread_count()) == "");
}

RC_GTEST_PROP(PrimitivesMerkleProofsDifferential, ConsistencyClaimsAtAnySizeMatchTheReference, ()) {
  const u64 new_size = std::max<u64>(*wide_u64(), 1);
  const u64 old_size = *rc::gen::weightedOneOf<u64>(
      {{1, rc::gen::element<u64>(1, new_size, l2::ref::rfc6962::split_point(std::max<u64>(new_size, 2)))},
       {2, rc::gen::map(rc::gen::arbitrary<u64>(), [new_size](u64 value) { return 1 + value % new_size; })}});
  std::mt19937_64 rng(*rc::gen::arbitrary<u64>());
  const std::vector<Consistency> claims =
      consistency_mutants(accepted_consistency_at(std::min(old_size, new_size), new_size, rng));
  RC_ASSERT(consistency_verification_difference(some_supported_kernel(), claims, some_thread_count()) == "");
}

// Claims made of anything: sizes, indices and proof lengths drawn independently, so nearly all are
// refused; the first failing rule must be the reference's.
RC_GTEST_PROP(PrimitivesMerkleProofsDifferential, ArbitraryClaimsGetTheReferenceCode, ()) {
  std::mt19937_64 rng(*rc::gen::arbitrary<u64>());
  std::vector<Inclusion> inclusions;
  std::vector<Consistency> consistencies;
  const std::size_t count = *rc::gen::inRange<std::size_t>(1, 300);
  for (std::size_t i = 0; i < count; ++i) {
    Inclusion inclusion{*wide_u64(), *wide_u64(), random_hash(rng), random_hashes(rng() % 66, rng()), random_hash(rng)};
    inclusions.push_back(std::move(inclusion));
    Consistency consistency{*wide_u64(), *wide_u64(), random_hash(rng), random_hash(rng),
                            random_hashes(rng() % 67, rng())};
    consistencies.push_back(std::move(consistency));
  }
  const Kernel& kernel = some_supported_kernel();
  const unsigned threads = some_thread_count();
  RC_ASSERT(inclusion_verification_difference(kernel, inclusions, threads) == "");
  RC_ASSERT(consistency_verification_difference(kernel, consistencies, threads) == "");
}

}  // namespace
