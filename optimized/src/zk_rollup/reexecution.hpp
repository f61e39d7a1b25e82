// The reexecution backend's parts on the optimized kernels, shared by the verifier and the prover:
// must match l2::ref::zk_rollup's decode of ReexecutionProof, multiproof_root,
// multiproof_siblings, data_commitment_of, priority_ops_hash, own_ids_view and the re-execution of
// verify_batch_witness (reference/include/l2/ref/zk_rollup.hpp) bit for bit.
// Exploits a one-pass decoder that keeps the transactions' byte ranges, a multiproof shape computed
// once and hashed level by level through midstate64_many, and optimistic_rollup's batch pipeline
// (signatures checked in parallel chunks, application in order). Internal to optimized/src.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "l2/opt/sha256.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/zk_rollup.hpp"

namespace l2::opt::zk_rollup::detail {

namespace optimistic_rollup = ref::optimistic_rollup;
using optimistic_rollup::Account;
using optimistic_rollup::AccountIndex;
using optimistic_rollup::Transaction;

// A touched slot and its content (nullopt: empty).
struct Slot {
  AccountIndex index = 0;
  std::optional<Account> account;
};

// ---- The proof's decoder ----------------------------------------------------------------------

// One BatchWitness as the decoder leaves it: the transactions decoded, each with the range of the
// proof bytes it was decoded from (its canonical encoding: the decoder accepts nothing else), and
// the siblings where they lie in the proof.
struct DecodedWitness {
  ref::zk_rollup::PublicInputPreimage statement;
  optimistic_rollup::StateHeader pre_state;
  std::vector<Transaction> transactions;
  std::vector<std::span<const u8>> transaction_bytes;
  std::vector<Slot> accounts;
  const u8* siblings = nullptr;  // sibling_count hashes of 32 bytes
  std::size_t sibling_count = 0;
};

// The witnesses of `proof` when it is the canonical encoding of a ReexecutionProof (exactly what
// reflect::decode<ReexecutionProof> accepts, empty list included), else nullopt.
std::optional<std::vector<DecodedWitness>> decode_proof(std::span<const u8> proof);

// ---- The multiproof ---------------------------------------------------------------------------

// How multiproof_root combines the nodes of each height: which nodes pair with their right
// neighbour and which take the next sibling. It depends only on the leaves' positions, so one shape
// serves the root before the batch and the root after it.
class MultiproofShape {
 public:
  // One node of the next height: from node `child` of this height and its right neighbour, or from
  // node `child` and sibling `sibling` (child on the left when child_left).
  struct Step {
    std::uint32_t child = 0;
    std::uint32_t sibling = 0;
    static constexpr std::uint32_t paired = ~std::uint32_t{0};
    bool child_left = true;
  };

  // The shape over the strictly ascending leaf positions `indices` with `sibling_count` siblings, or
  // nullopt where multiproof_root would fail: no leaf, or a sibling count other than the shape needs.
  static std::optional<MultiproofShape> make(std::span<const AccountIndex> indices, std::size_t sibling_count);
  // The shape over `indices` (strictly ascending, at least one) with as many siblings as it needs.
  static MultiproofShape make(std::span<const AccountIndex> indices);
  std::size_t sibling_count() const { return sibling_count_; }

  // The root from the leaves (one per index, in order) and the siblings (32 bytes each). Hashes on
  // at most the current TBB arena's threads when `parallel`.
  Hash32 root(const sha256::Kernel& kernel, std::span<const Hash32> leaves, const u8* siblings, bool parallel) const;

  // For the prover: level by level, the leaf below each node that takes a sibling (its index into
  // `indices`) and the height, in the order the siblings are read.
  struct SiblingSource {
    std::uint32_t leaf = 0;
    std::uint32_t height = 0;
  };
  std::vector<SiblingSource> sibling_sources() const;

 private:
  std::vector<std::vector<Step>> levels_;        // levels_[h]: the nodes of height h + 1
  std::vector<std::vector<std::uint32_t>> representative_;  // the leaf below each node of height h + 1
  std::size_t sibling_count_ = 0;
};

// The leaves of the touched slots: smt::leaf_hash(index, account_value(account)), or the empty leaf.
void leaf_hashes(const sha256::Kernel& kernel, std::span<const Slot> slots, std::span<Hash32> out, bool parallel);

// ---- Commitments ------------------------------------------------------------------------------

// ref::zk_rollup::data_commitment_of(transactions), from their canonical encodings.
Hash32 data_commitment(const sha256::Kernel& kernel, std::span<const Transaction> transactions,
                       std::span<const std::span<const u8>> encodings, bool parallel);
// Per transaction, the id of its priority operation: deposit_id for a deposit, forced_exit_id for a
// forced exit (each only when the body its kind names is present), else nullopt.
std::vector<std::optional<Hash32>> request_ids(const sha256::Kernel& kernel, const optimistic_rollup::L2Params& params,
                                               std::span<const Transaction> transactions);
// ref::zk_rollup::priority_ops_hash of the present ids, in order (priority_ids' chain).
Hash32 priority_ops_hash(const sha256::Kernel& kernel, std::span<const std::optional<Hash32>> ids);
// The tagged hash of a short message (statements, keys, the proof input).
Hash32 tagged_hash(const sha256::Kernel& kernel, std::string_view tag, std::span<const u8> message);
Hash32 state_root(const sha256::Kernel& kernel, const optimistic_rollup::StateHeader& header);

// ---- Re-execution -----------------------------------------------------------------------------

// How a re-execution ended: every transaction applied (error none), or transaction `failed` read an
// unopened slot (rx_account_not_opened) or broke a rule (rx_transaction_rejected, with `rule`).
struct Reexecution {
  ZkRollupError error = ZkRollupError::none;
  OptimisticRollupError rule = OptimisticRollupError::none;
  std::size_t failed = 0;
  optimistic_rollup::Counters counters;  // after the batch, when error is none
};

// The transactions re-executed over the touched slots `slots` (strictly ascending, updated in
// place), from the counters `pre_counters`, with own_ids_view's L1 view built from `ids`
// (request_ids of the same transactions) and BIP-340 checked by libsecp256k1: verify_batch_witness's
// loop. Signatures are checked on the current TBB arena's threads when `parallel`.
Reexecution reexecute(const sha256::Kernel& kernel, const optimistic_rollup::L2Params& params,
                      const optimistic_rollup::Counters& pre_counters, std::span<const Transaction> transactions,
                      std::span<const std::optional<Hash32>> ids, std::vector<Slot>& slots, bool parallel);

}  // namespace l2::opt::zk_rollup::detail
