// Differential tests: the optimized Merkle engines (l2::opt::rfc6962, l2::opt::smt) against the
// reference (l2::ref::rfc6962, l2::ref::smt), once for every SHA-256 kernel in the build. A kernel
// this CPU lacks is skipped, and says so.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "l2/opt/merkle.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/opt/sparse_merkle.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/sparse_merkle.hpp"
#include "l2/test/rfc6962_published_vectors.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::u8;
using l2::opt::sha256::Kernel;
using l2::opt::smt::Update;
using Index = l2::opt::smt::Index;

constexpr Index max_index = std::numeric_limits<Index>::max();
constexpr unsigned thread_counts[] = {1, 2};

Hash32 random_hash(std::mt19937_64& rng) {
  Hash32 hash{};
  for (u8& byte : hash) byte = static_cast<u8>(rng());
  return hash;
}

std::vector<Hash32> random_hashes(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Hash32> hashes(count);
  for (Hash32& hash : hashes) hash = random_hash(rng);
  return hashes;
}

std::string hex(const Hash32& hash) { return l2::to_hex(hash); }

class MerkleBackend : public ::testing::TestWithParam<const Kernel*> {
 protected:
  void SetUp() override {
    if (!kernel().supported()) GTEST_SKIP() << "this CPU lacks " << kernel().required_isa;
    std::printf("[ kernel   ] %s: %s\n", std::string(kernel().name).c_str(),
                std::string(kernel().description).c_str());
  }
  const Kernel& kernel() const { return *GetParam(); }
};

std::string kernel_test_name(const ::testing::TestParamInfo<const Kernel*>& info) {
  return std::string(info.param->name);
}

INSTANTIATE_TEST_SUITE_P(EveryKernel, MerkleBackend, ::testing::ValuesIn(l2::opt::sha256::all_kernels()),
                         kernel_test_name);

// ---------------------------------------------------------------------------------------------
// RFC 6962 list tree

void expect_rfc6962_matches_reference(const Kernel& kernel, std::span<const Hash32> leaf_hashes) {
  const std::string expected = hex(l2::ref::rfc6962::root_from_leaf_hashes(leaf_hashes));
  for (const unsigned threads : thread_counts) {
    EXPECT_EQ(hex(l2::opt::rfc6962::root_from_leaf_hashes(kernel, leaf_hashes, threads)), expected)
        << leaf_hashes.size() << " leaves, " << threads << " threads";
  }
}

void expect_rfc6962_leaves_match_reference(const Kernel& kernel, std::span<const Bytes> leaves) {
  const std::string expected = hex(l2::ref::rfc6962::root(leaves));
  for (const unsigned threads : thread_counts) {
    EXPECT_EQ(hex(l2::opt::rfc6962::root(kernel, leaves, threads)), expected)
        << leaves.size() << " leaves, " << threads << " threads";
  }
}

TEST_P(MerkleBackend, Rfc6962PublishedRootsOfCertificateTransparency) {
  namespace published = l2::test::rfc6962_published;
  std::vector<Bytes> leaves;
  for (std::size_t size = 0; size < published::roots_hex.size(); ++size) {
    EXPECT_EQ(hex(l2::opt::rfc6962::root(kernel(), std::span<const Bytes>(leaves), 1)), published::roots_hex[size])
        << size << " leaves";
    if (size < published::leaf_inputs_hex.size()) leaves.push_back(l2::bytes_from_hex(published::leaf_inputs_hex[size]));
  }
}

// Every size up to 300 walks every tail a level can have against every lane count (1, 8, 16)
// and every pattern of odd levels whose last node moves up unchanged.
TEST_P(MerkleBackend, Rfc6962RootOfEverySizeUpTo300) {
  const std::vector<Hash32> leaf_hashes = random_hashes(300, 6962);
  for (std::size_t size = 0; size <= leaf_hashes.size(); ++size)
    expect_rfc6962_matches_reference(kernel(), std::span<const Hash32>(leaf_hashes).first(size));
}

// Sizes large enough for the threaded path; +3 and 3*2^14+5 keep odd levels high in the tree,
// where a chunked level might drop or duplicate its promoted last node.
TEST_P(MerkleBackend, Rfc6962RootOfLargeTreesAcrossThreads) {
  const std::vector<Hash32> leaf_hashes = random_hashes((1u << 16) + 3, 16);
  const std::size_t min_threaded_leaves = 2 * l2::opt::rfc6962::parallel_min_pairs();
  for (const std::size_t size : {min_threaded_leaves - 1, min_threaded_leaves, min_threaded_leaves + 1,
                                 std::size_t{1} << 16, (std::size_t{1} << 16) + 3, std::size_t{3} * (1u << 14) + 5})
    expect_rfc6962_matches_reference(kernel(), std::span<const Hash32>(leaf_hashes).first(size));
}

// Leaf lengths around SHA-256 block edges: with the 0x00 prefix and 9 bytes of padding a leaf of
// 54 bytes is the longest that fits one block, 55 spills, 63 fills a block exactly, 118/119 the same
// one block later. 1100 leaves take the threaded leaf hashing.
TEST_P(MerkleBackend, Rfc6962RootOverRawLeavesOfEveryBlockEdge) {
  constexpr std::size_t leaf_lengths[] = {0, 1, 31, 32, 54, 55, 56, 63, 64, 65, 118, 119, 120, 127, 128, 300};
  std::mt19937_64 rng(64);
  std::vector<Bytes> leaves(1100);
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    leaves[i].resize(leaf_lengths[i % std::size(leaf_lengths)]);
    for (u8& byte : leaves[i]) byte = static_cast<u8>(rng());
  }
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{17}, leaves.size()})
    expect_rfc6962_leaves_match_reference(kernel(), std::span<const Bytes>(leaves).first(size));
}

// ---------------------------------------------------------------------------------------------
// Sparse Merkle tree

// Applies `batches` to the optimized tree (one apply_batch each) and, one update at a time, to
// the reference tree; after every batch the roots must agree, and at the end the contents, the
// from-scratch root and the proof of every touched slot and of its leaf-level neighbour.
void expect_smt_matches_reference(const Kernel& kernel, std::span<const std::vector<Update>> batches,
                                  unsigned threads) {
  l2::opt::smt::Tree fast(kernel);
  l2::ref::smt::Tree slow;
  std::set<Index> touched;
  for (std::size_t batch = 0; batch < batches.size(); ++batch) {
    fast.apply_batch(batches[batch], threads);
    for (const Update& update : batches[batch]) {
      touched.insert(update.index);
      if (update.value.has_value())
        slow.set(update.index, *update.value);
      else
        slow.erase(update.index);
    }
    ASSERT_EQ(hex(fast.root()), hex(slow.root())) << "after batch " << batch << " with " << threads << " threads";
    ASSERT_EQ(fast.size(), slow.size()) << "after batch " << batch;
  }
  EXPECT_EQ(hex(fast.root()), hex(l2::ref::smt::rebuild_root(slow.leaves())));
  EXPECT_EQ(hex(l2::opt::smt::rebuild_root(slow.leaves(), threads)), hex(slow.root()));
  for (const Index touched_index : touched) {
    for (const Index index : {touched_index, static_cast<Index>(touched_index ^ 1u)}) {
      EXPECT_EQ(fast.get(index), slow.get(index)) << "slot " << index;
      const l2::opt::smt::Proof fast_proof = fast.prove(index);
      const l2::ref::smt::Proof slow_proof = slow.prove(index);
      EXPECT_EQ(fast_proof.index, slow_proof.index);
      for (std::size_t height = 0; height < l2::opt::smt::depth; ++height)
        EXPECT_EQ(hex(fast_proof.siblings[height]), hex(slow_proof.siblings[height]))
            << "slot " << index << ", sibling at height " << height;
    }
  }
}

// Indices that hunt specific bugs, with their partners.
constexpr Index boundary_indices[] = {
    0,                // leftmost path: every sibling is a right child
    1,                // 0's leaf-level sibling: both children of one parent dirty in one batch
    2, 3,             // share 0's parent's parent
    0x7fffffffu,      // the last left-half slot and
    0x80000000u,      //   the first right-half one: paths that meet only at the root
    max_index - 1,    // neighbour of the last slot
    max_index,        // rightmost path: a prefix of index >> 32 must not wrap to 0 in 32 bits
};

Index biased_index(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0: return boundary_indices[rng() % std::size(boundary_indices)];
    case 1: return static_cast<Index>(rng() % 64);  // dense corner: many shared paths, many duplicates
    default: return static_cast<Index>(rng());
  }
}

std::vector<Update> random_batch(std::mt19937_64& rng, std::size_t size) {
  std::vector<Update> batch;
  batch.reserve(size);
  for (std::size_t i = 0; i < size; ++i) {
    Update update;
    update.index = biased_index(rng);
    if (rng() % 4 != 0) update.value = random_hash(rng);  // a quarter of the writes erase
    batch.push_back(update);
  }
  return batch;
}

Update set_to(Index index, const Hash32& value) { return Update{index, value}; }
Update erase_of(Index index) { return Update{index, std::nullopt}; }

TEST_P(MerkleBackend, SmtEmptyTreeAndEmptyBatchMatchReference) {
  l2::opt::smt::Tree fast(kernel());
  EXPECT_EQ(hex(fast.root()), hex(l2::ref::smt::Tree{}.root()));
  fast.apply_batch({}, 2);
  EXPECT_EQ(hex(fast.root()), hex(l2::ref::smt::empty_hashes[l2::ref::smt::depth]));
  for (std::size_t height = 0; height <= l2::opt::smt::depth; ++height)
    EXPECT_EQ(hex(fast.empty_subtree_hashes()[height]), hex(l2::ref::smt::empty_hashes[height])) << height;
  EXPECT_EQ(fast.size(), 0u);
  EXPECT_FALSE(fast.erase(max_index));
}

TEST_P(MerkleBackend, SmtLaterUpdatesToAnIndexWin) {
  std::mt19937_64 rng(1);
  const Hash32 first = random_hash(rng);
  const Hash32 second = random_hash(rng);
  const std::vector<std::vector<Update>> batches = {
      {set_to(5, first), set_to(5, second), set_to(7, first), erase_of(7), erase_of(9), set_to(9, second)},
      // Rewriting the value a slot already holds and erasing an empty slot change nothing.
      {set_to(5, second), erase_of(11), set_to(max_index, first)},
      {erase_of(max_index), set_to(max_index, second), erase_of(max_index), erase_of(5)},
  };
  for (const unsigned threads : thread_counts) expect_smt_matches_reference(kernel(), batches, threads);

  l2::opt::smt::Tree fast(kernel());
  fast.apply_batch(batches[0], 1);
  EXPECT_EQ(fast.get(5), second);
  EXPECT_EQ(fast.get(7), std::nullopt);
  EXPECT_EQ(fast.get(9), second);
  EXPECT_EQ(fast.size(), 2u);
}

TEST_P(MerkleBackend, SmtRandomBatchesWithBoundaryIndicesMatchReference) {
  std::mt19937_64 rng(32);
  std::vector<std::vector<Update>> batches;
  for (const std::size_t size : {1, 2, 3, 16, 17, 100, 5, 250, 40, 1})
    batches.push_back(random_batch(rng, size));
  for (const unsigned threads : thread_counts) expect_smt_matches_reference(kernel(), batches, threads);
}

// Big enough for the threaded path on the leaves and on the lower levels; then most of it is
// erased in one batch, which drains the node tables through their backward-shift deletion.
TEST_P(MerkleBackend, SmtLargeBatchesAcrossThreadsMatchReference) {
  std::mt19937_64 rng(2048);
  std::vector<Update> fill = random_batch(rng, 3000);
  for (Index index = 5000; index < 6500; ++index) fill.push_back(set_to(index, random_hash(rng)));
  std::vector<Update> drain;
  for (const Update& update : fill)
    if (rng() % 8 != 0) drain.push_back(erase_of(update.index));
  const std::vector<std::vector<Update>> batches = {fill, random_batch(rng, 1200), drain};
  for (const unsigned threads : thread_counts) expect_smt_matches_reference(kernel(), batches, threads);
}

// 4000 writes: enough for the threaded path in both batches.
TEST_P(MerkleBackend, SmtErasingEverySlotGivesTheEmptyRoot) {
  std::mt19937_64 rng(0);
  std::vector<Update> fill = random_batch(rng, 4000);
  for (Update& update : fill) update.value = random_hash(rng);
  std::vector<Update> erase_all;
  for (const Update& update : fill) erase_all.push_back(erase_of(update.index));
  for (const unsigned threads : thread_counts) {
    l2::opt::smt::Tree fast(kernel());
    fast.apply_batch(fill, threads);
    EXPECT_NE(hex(fast.root()), hex(fast.empty_subtree_hashes()[l2::opt::smt::depth]));
    fast.apply_batch(erase_all, threads);
    EXPECT_EQ(fast.size(), 0u);
    EXPECT_EQ(hex(fast.root()), hex(l2::ref::smt::empty_hashes[l2::ref::smt::depth]));
    EXPECT_EQ(hex(fast.prove(0).siblings[31]), hex(l2::ref::smt::empty_hashes[31]));
  }
}

// A copy is a snapshot: updating it leaves the original as it was, as copying the reference does.
TEST_P(MerkleBackend, SmtCopiesAreIndependentSnapshots) {
  std::mt19937_64 rng(7);
  l2::opt::smt::Tree original(kernel());
  original.apply_batch(random_batch(rng, 600), 2);
  const std::string original_root = hex(original.root());
  l2::opt::smt::Tree snapshot = original;
  EXPECT_EQ(hex(snapshot.root()), original_root);
  snapshot.apply_batch(random_batch(rng, 600), 2);
  EXPECT_EQ(hex(original.root()), original_root);
  l2::opt::smt::Tree assigned(kernel());
  assigned = snapshot;
  EXPECT_EQ(hex(assigned.root()), hex(snapshot.root()));
  EXPECT_EQ(assigned.size(), snapshot.size());
  EXPECT_NE(hex(assigned.root()), original_root);
}

// The optimized proofs are accepted by the reference verifiers, for members and non-members.
TEST_P(MerkleBackend, SmtProofsVerifyWithTheReference) {
  std::mt19937_64 rng(340);
  l2::opt::smt::Tree fast(kernel());
  const std::vector<Update> batch = random_batch(rng, 200);
  fast.apply_batch(batch, 2);
  const Hash32 root = fast.root();
  for (const Update& update : batch) {
    const l2::opt::smt::Proof opened = fast.prove(update.index);
    const l2::ref::smt::Proof proof{opened.index, opened.siblings};
    const std::optional<Hash32> value = fast.get(update.index);
    if (value.has_value())
      EXPECT_EQ(l2::ref::smt::verify_membership(root, proof, *value), l2::PrimitiveError::none);
    else
      EXPECT_EQ(l2::ref::smt::verify_non_membership(root, proof), l2::PrimitiveError::none);
  }
}

// Batches drawn by RapidCheck (shrinkable) through every supported kernel, with 1 and 2 threads.
RC_GTEST_PROP(MerkleBackendProperty, SmtBatchEqualsSequentialReference,
              (const std::vector<std::tuple<std::uint8_t, Index, bool, Hash32>>& writes)) {
  std::vector<Update> batch;
  for (const auto& [shape, random_index, erases, value] : writes) {
    // Bias toward boundary slots and a dense corner, where paths share nodes.
    const Index index = shape % 3 == 0   ? boundary_indices[shape % std::size(boundary_indices)]
                        : shape % 3 == 1 ? random_index % 16
                                         : random_index;
    batch.push_back(erases ? erase_of(index) : set_to(index, value));
  }
  l2::ref::smt::Tree slow;
  for (const Update& update : batch) {
    if (update.value.has_value())
      slow.set(update.index, *update.value);
    else
      slow.erase(update.index);
  }
  for (const Kernel* kernel : l2::opt::sha256::supported_kernels()) {
    for (const unsigned threads : thread_counts) {
      l2::opt::smt::Tree fast(*kernel);
      fast.apply_batch(batch, threads);
      RC_ASSERT(fast.root() == slow.root());
      RC_ASSERT(fast.size() == slow.size());
    }
  }
}

}  // namespace
