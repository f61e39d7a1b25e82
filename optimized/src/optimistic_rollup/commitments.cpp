// A batch's RFC 6962 commitments on the optimized SHA-256 kernels: must match the reference's
// transaction and state-root leaves, ref::rfc6962::inclusion_proof and verify_inclusion
// (reference/include/l2/ref/merkle.hpp) bit for bit.
// Exploits the leaves' padding done once into a staging buffer and runs of equal-length leaves
// finished together (sha256::finish_many: SHA-NI four in lockstep), the multi-buffer kernels for the
// trees' levels and subtrees, TBB threads over large sets of leaves, and an iterative path check
// (the reference recurses) with one kernel call per node.
// spec: merkle.md#inclusion_proof, merkle.md#verify_inclusion
#include "commitments.hpp"

#include <array>
#include <cstring>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "../threads.hpp"
#include "l2/opt/merkle.hpp"
#include "l2/opt/sha256_finish.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/sha256.hpp"

namespace l2::opt::optimistic_rollup::detail {

namespace reference = ref::optimistic_rollup;

namespace {

// Leaves per padded run and per TBB task.
constexpr std::size_t leaves_per_run = 64;
constexpr std::size_t leaves_per_task = 1024;

// out[i] = SHA256(0x00 || leaves[i]) for i in [begin, end): each message padded into a staging
// buffer, and runs of messages with the same block count finished from SHA-256's initial state
// together (sha256::finish_many: four in lockstep on SHA-NI, where a lone hash is latency-bound).
// A batch's leaves have few distinct lengths (a transfer's encoding is always 101 bytes), so the
// runs are long.
void hash_leaf_range(const sha256::Kernel& kernel, std::span<const std::span<const u8>> leaves, Hash32* out,
                     std::size_t begin, std::size_t end) {
  const sha256::Midstate initial{ref::sha256_detail::initial_state};
  std::vector<u8> staging;
  std::array<std::size_t, leaves_per_run> offsets{};
  std::array<const u8*, leaves_per_run> blocks{};
  std::array<u8*, leaves_per_run> digests{};
  for (std::size_t first = begin; first < end;) {
    const std::size_t block_count = (leaves[first].size() + 1 + 9 + 63) / 64;
    std::size_t run = 0;
    staging.clear();
    while (run < leaves_per_run && first + run < end && (leaves[first + run].size() + 1 + 9 + 63) / 64 == block_count) {
      const std::span<const u8> leaf = leaves[first + run];
      offsets[run] = staging.size();
      staging.resize(staging.size() + 64 * block_count, 0);
      u8* message = staging.data() + offsets[run];
      message[0] = 0x00;
      if (!leaf.empty()) std::memcpy(message + 1, leaf.data(), leaf.size());
      message[1 + leaf.size()] = 0x80;
      const std::uint64_t bits = (std::uint64_t{leaf.size()} + 1) * 8;
      for (std::size_t i = 0; i < 8; ++i) message[64 * block_count - 1 - i] = static_cast<u8>(bits >> (8 * i));
      digests[run] = out[first + run].data();
      ++run;
    }
    for (std::size_t j = 0; j < run; ++j) blocks[j] = staging.data() + offsets[j];
    sha256::finish_many(kernel, initial, blocks.data(), block_count, digests.data(), run);
    first += run;
  }
}

std::vector<Hash32> leaf_hashes_of(const sha256::Kernel& kernel, std::span<const std::span<const u8>> leaves,
                                   unsigned threads) {
  std::vector<Hash32> out(leaves.size());
  if (threads == 1 || leaves.size() < 2 * leaves_per_task) {
    hash_leaf_range(kernel, leaves, out.data(), 0, leaves.size());
    return out;
  }
  opt::detail::in_arena(threads, [&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, leaves.size(), leaves_per_task),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        hash_leaf_range(kernel, leaves, out.data(), range.begin(), range.end());
                      });
  });
  return out;
}

// SHA256(0x01 || left || right).
Hash32 node_hash(const sha256::Kernel& kernel, const Hash32& left, const Hash32& right) {
  std::array<u8, 64> pair;
  std::memcpy(pair.data(), left.data(), 32);
  std::memcpy(pair.data() + 32, right.data(), 32);
  Hash32 out;
  kernel.rfc6962_node_many(pair.data(), out.data(), 1);
  return out;
}

}  // namespace

Hash32 rfc6962_leaf_hash(const sha256::Kernel& kernel, std::span<const u8> leaf) {
  Hash32 out;
  hash_leaf_range(kernel, std::span<const std::span<const u8>>(&leaf, 1), &out, 0, 1);
  return out;
}

std::vector<Hash32> transaction_leaf_hashes(const sha256::Kernel& kernel,
                                            std::span<const reference::Transaction> transactions, unsigned threads) {
  std::vector<Bytes> encoded;
  encoded.reserve(transactions.size());
  for (const reference::Transaction& tx : transactions) encoded.push_back(reflect::encode(tx));
  const std::vector<std::span<const u8>> leaves(encoded.begin(), encoded.end());
  return leaf_hashes_of(kernel, leaves, threads);
}

std::vector<Hash32> state_root_leaf_hashes(const sha256::Kernel& kernel, std::span<const Hash32> state_roots,
                                           unsigned threads) {
  const std::vector<std::span<const u8>> leaves(state_roots.begin(), state_roots.end());
  return leaf_hashes_of(kernel, leaves, threads);
}

// The reference's recursion, unrolled (spec: merkle.md#inclusion_proof): found from the root down.
std::vector<Hash32> inclusion_proof(const sha256::Kernel& kernel, std::span<const Hash32> leaf_hashes,
                                    std::uint64_t index, unsigned threads) {
  std::vector<Hash32> path;
  while (index < leaf_hashes.size() && leaf_hashes.size() > 1) {
    const std::size_t k = ref::rfc6962::split_point(leaf_hashes.size());
    if (index < k) {
      path.push_back(rfc6962::root_from_leaf_hashes(kernel, leaf_hashes.subspan(k), threads));
      leaf_hashes = leaf_hashes.first(k);
    } else {
      path.push_back(rfc6962::root_from_leaf_hashes(kernel, leaf_hashes.first(k), threads));
      leaf_hashes = leaf_hashes.subspan(k);
      index -= k;
    }
  }
  return {path.rbegin(), path.rend()};  // leaf level first
}

PrimitiveError verify_inclusion(const sha256::Kernel& kernel, std::uint64_t index, std::uint64_t tree_size,
                                const Hash32& leaf_hash, std::span<const Hash32> proof, const Hash32& root) {
  // Verify: the leaf index is inside the tree. [MRK-INC-1]
  if (index >= tree_size) return PrimitiveError::merkle_index_out_of_range;
  // Verify: the proof has exactly the length PATH has for (index, tree_size). [MRK-INC-2]
  if (proof.size() != ref::rfc6962::inclusion_proof_length(index, tree_size)) return PrimitiveError::merkle_proof_length;
  // The turns from the root down (true: the leaf is in the left subtree); proof.back() is the
  // sibling just below the root, proof[0] the deepest. At most 64 levels for a 64-bit size.
  std::array<bool, 64> left{};
  std::size_t levels = 0;
  for (std::uint64_t size = tree_size; size > 1; ++levels) {
    const std::uint64_t k = ref::rfc6962::split_point(size);
    left[levels] = index < k;
    if (index < k) {
      size = k;
    } else {
      index -= k;
      size -= k;
    }
  }
  Hash32 hash = leaf_hash;
  for (std::size_t depth = 0; depth < levels; ++depth) {
    const std::size_t level = levels - 1 - depth;  // the turn this sibling answers
    hash = left[level] ? node_hash(kernel, hash, proof[depth]) : node_hash(kernel, proof[depth], hash);
  }
  // Verify: the proof leads from the leaf to the expected root. [MRK-INC-3]
  if (hash != root) return PrimitiveError::merkle_root_mismatch;
  return PrimitiveError::none;
}

}  // namespace l2::opt::optimistic_rollup::detail
