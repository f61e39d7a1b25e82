// The reexecution backend's hashes on the optimized SHA-256 kernels: must match
// l2::ref::zk_rollup::multiproof_root, multiproof_siblings' order, touched_leaf, data_commitment_of,
// priority_ids and priority_ops_hash (reference/include/l2/ref/zk_rollup.hpp) bit for bit.
// Exploits the multiproof's shape (which node pairs with which, which sibling each lone node takes)
// being a function of the leaves' positions alone: computed once, it turns each height into one
// flat list of 64-byte node pairs, hashed by midstate64_many from the "L2/smt/node" midstate (16 or
// 8 lanes on the multi-buffer kernels) in blocks on TBB threads; the leaves' account values and leaf
// hashes from their tags' midstates in one compression each (finish_many); the transactions' RFC
// 6962 leaves from their encodings inside the proof, and the optimized RFC 6962 root.
// spec: zk_rollup.md#the-multiproof, zk_rollup.md#data_commitment, zk_rollup.md#priority_ops_hash
#include <algorithm>
#include <array>
#include <cstring>

#include "../optimistic_rollup/hashes.hpp"
#include "../threads.hpp"
#include "l2/opt/merkle.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/reflect.hpp"
#include "reexecution.hpp"

namespace l2::opt::zk_rollup::detail {

namespace hashes = opt::optimistic_rollup::detail;

namespace {

// Nodes per midstate64_many call: a multiple of every kernel's lane count, small enough for the
// staging buffer to stay on the stack and in L1.
constexpr std::size_t nodes_per_block = 64;
// Nodes (or leaves) per TBB task.
constexpr std::size_t nodes_per_task = 2048;

}  // namespace

// ---- The multiproof ---------------------------------------------------------------------------

MultiproofShape MultiproofShape::make(std::span<const AccountIndex> indices) {
  MultiproofShape shape;
  std::vector<u64> positions(indices.begin(), indices.end());
  std::vector<std::uint32_t> representative(indices.size());
  for (std::size_t k = 0; k < indices.size(); ++k) representative[k] = static_cast<std::uint32_t>(k);
  shape.levels_.resize(ref::smt::depth);
  shape.representative_.resize(ref::smt::depth);
  std::vector<u64> next_positions;
  for (std::size_t height = 0; height < ref::smt::depth; ++height) {
    std::vector<Step>& steps = shape.levels_[height];
    std::vector<std::uint32_t>& next_representative = shape.representative_[height];
    steps.reserve(positions.size());
    next_representative.reserve(positions.size());
    next_positions.clear();
    std::size_t i = 0;
    while (i < positions.size()) {
      const u64 position = positions[i];
      const bool left = position % 2 == 0;
      if (left && i + 1 < positions.size() && positions[i + 1] == position + 1) {
        steps.push_back(Step{static_cast<std::uint32_t>(i), Step::paired, true});
        i += 2;
      } else {
        steps.push_back(Step{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(shape.sibling_count_), left});
        ++shape.sibling_count_;
        i += 1;
      }
      next_representative.push_back(representative[steps.back().child]);
      next_positions.push_back(position >> 1);
    }
    positions.swap(next_positions);
    representative = next_representative;
  }
  return shape;
}

std::optional<MultiproofShape> MultiproofShape::make(std::span<const AccountIndex> indices, std::size_t sibling_count) {
  // multiproof_root fails on no leaf, when a sibling is missing (it needs more than there are) or
  // when one is left over: exactly when the count differs from what the shape needs.
  if (indices.empty()) return std::nullopt;
  MultiproofShape shape = make(indices);
  if (shape.sibling_count_ != sibling_count) return std::nullopt;
  return shape;
}

Hash32 MultiproofShape::root(const sha256::Kernel& kernel, std::span<const Hash32> leaves, const u8* siblings,
                             bool parallel) const {
  const sha256::Midstate& node = hashes::smt_node_tag().midstate;
  std::vector<Hash32> current(leaves.begin(), leaves.end());
  std::vector<Hash32> next;
  for (const std::vector<Step>& steps : levels_) {
    next.resize(steps.size());
    opt::detail::for_each_chunk(steps.size(), nodes_per_task, parallel, [&](std::size_t begin, std::size_t end) {
      alignas(64) std::array<u8, 64 * nodes_per_block> pairs;
      for (std::size_t block = begin; block < end; block += nodes_per_block) {
        const std::size_t count = std::min(nodes_per_block, end - block);
        for (std::size_t k = 0; k < count; ++k) {
          const Step& step = steps[block + k];
          u8* pair = pairs.data() + 64 * k;
          if (step.sibling == Step::paired) {
            std::memcpy(pair, current[step.child].data(), 32);
            std::memcpy(pair + 32, current[step.child + 1].data(), 32);
          } else {
            const u8* sibling = siblings + std::size_t{32} * step.sibling;
            std::memcpy(pair + (step.child_left ? 0 : 32), current[step.child].data(), 32);
            std::memcpy(pair + (step.child_left ? 32 : 0), sibling, 32);
          }
        }
        kernel.midstate64_many(node, pairs.data(), next[block].data(), count);
      }
    });
    current.swap(next);
  }
  return current.front();
}

std::vector<MultiproofShape::SiblingSource> MultiproofShape::sibling_sources() const {
  std::vector<SiblingSource> sources(sibling_count_);
  // Level h's nodes come from level h - 1's, whose leaves are representative_[h - 1] (the leaves
  // themselves at h = 0).
  for (std::size_t height = 0; height < levels_.size(); ++height) {
    for (const Step& step : levels_[height]) {
      if (step.sibling == Step::paired) continue;
      const std::uint32_t leaf = height == 0 ? step.child : representative_[height - 1][step.child];
      sources[step.sibling] = SiblingSource{leaf, static_cast<std::uint32_t>(height)};
    }
  }
  return sources;
}

void leaf_hashes(const sha256::Kernel& kernel, std::span<const Slot> slots, std::span<Hash32> out, bool parallel) {
  opt::detail::for_each_chunk(slots.size(), nodes_per_task, parallel, [&](std::size_t begin, std::size_t end) {
    std::array<hashes::Tail, nodes_per_block> tails;
    std::array<Hash32, nodes_per_block> values;
    std::array<std::size_t, nodes_per_block> positions{};
    for (std::size_t block = begin; block < end; block += nodes_per_block) {
      const std::size_t count = std::min(nodes_per_block, end - block);
      std::size_t occupied = 0;
      for (std::size_t k = 0; k < count; ++k) {
        const Slot& slot = slots[block + k];
        if (!slot.account) {
          out[block + k] = ref::smt::empty_leaf_hash;
          continue;
        }
        tails[occupied] = hashes::account_tail(slot.account->balance, slot.account->nonce, slot.account->owner);
        positions[occupied++] = block + k;
      }
      hashes::finish(kernel, hashes::account_tag(), tails.data(), occupied, values.data());
      for (std::size_t j = 0; j < occupied; ++j) tails[j] = hashes::leaf_tail(slots[positions[j]].index, values[j]);
      hashes::finish(kernel, hashes::smt_leaf_tag(), tails.data(), occupied, values.data());
      for (std::size_t j = 0; j < occupied; ++j) out[positions[j]] = values[j];
    }
  });
}

// ---- Commitments ------------------------------------------------------------------------------

Hash32 data_commitment(const sha256::Kernel& kernel, std::span<const Transaction> transactions,
                       std::span<const std::span<const u8>> encodings, bool parallel) {
  const unsigned threads = parallel ? 0 : 1;
  std::vector<Hash32> leaves(encodings.size());
  rfc6962::leaf_hashes(kernel, encodings, leaves, threads);
  const Hash32 transactions_root = rfc6962::root_from_leaf_hashes(kernel, leaves, threads);

  // withdrawal_records: a withdrawal's and a forced exit's, each only with the body its kind names.
  std::vector<std::array<u8, 40>> records;
  for (const Transaction& tx : transactions) {
    const Hash32* recipient = nullptr;
    u64 amount = 0;
    if (tx.kind == optimistic_rollup::TxKind::withdrawal && tx.withdrawal) {
      recipient = &tx.withdrawal->l1_recipient;
      amount = tx.withdrawal->amount;
    } else if (tx.kind == optimistic_rollup::TxKind::forced_exit && tx.forced_exit) {
      recipient = &tx.forced_exit->l1_recipient;
      amount = tx.forced_exit->amount;
    } else {
      continue;
    }
    std::array<u8, 40>& record = records.emplace_back();
    std::memcpy(record.data(), recipient->data(), 32);
    for (std::size_t i = 0; i < 8; ++i) record[32 + i] = static_cast<u8>(amount >> (56 - 8 * i));
  }
  std::vector<std::span<const u8>> record_bytes(records.begin(), records.end());
  std::vector<Hash32> record_leaves(records.size());
  rfc6962::leaf_hashes(kernel, record_bytes, record_leaves, threads);
  const Hash32 withdrawals_root = rfc6962::root_from_leaf_hashes(kernel, record_leaves, threads);

  const Bytes preimage = reflect::encode(ref::zk_rollup::DataCommitmentPreimage{
      transactions_root, transactions.size(), withdrawals_root, records.size()});
  return tagged_hash(kernel, ref::zk_rollup::data_tag, preimage);
}

std::vector<std::optional<Hash32>> request_ids(const sha256::Kernel& kernel, const optimistic_rollup::L2Params& params,
                                               std::span<const Transaction> transactions) {
  std::vector<std::optional<Hash32>> ids(transactions.size());
  for (std::size_t i = 0; i < transactions.size(); ++i) {
    const Transaction& tx = transactions[i];
    if (tx.kind == optimistic_rollup::TxKind::deposit && tx.deposit) ids[i] = hashes::deposit_id(kernel, params, *tx.deposit);
    if (tx.kind == optimistic_rollup::TxKind::forced_exit && tx.forced_exit)
      ids[i] = hashes::forced_exit_id(kernel, params, *tx.forced_exit);
  }
  return ids;
}

Hash32 priority_ops_hash(const sha256::Kernel& kernel, std::span<const std::optional<Hash32>> ids) {
  Hash32 accumulator{};
  std::array<u8, 64> message;
  for (const std::optional<Hash32>& id : ids) {
    if (!id) continue;
    std::memcpy(message.data(), accumulator.data(), 32);
    std::memcpy(message.data() + 32, id->data(), 32);
    accumulator = tagged_hash(kernel, ref::zk_rollup::priority_ops_tag, message);
  }
  return accumulator;
}

Hash32 tagged_hash(const sha256::Kernel& kernel, std::string_view tag, std::span<const u8> message) {
  return hashes::tagged_hash(kernel, tag, message);
}

Hash32 state_root(const sha256::Kernel& kernel, const optimistic_rollup::StateHeader& header) {
  return hashes::state_root(kernel, header);
}

}  // namespace l2::opt::zk_rollup::detail
