// Optimized optimistic-rollup batch engine, l2::opt::optimistic_rollup::Engine: must match
// l2::ref::optimistic_rollup::execute_batch (reference/include/l2/ref/optimistic_rollup.hpp) bit for
// bit: for a valid batch the same n + 1 intermediate state roots and the same post-state (accounts
// and both counters); for an invalid one the same OptimisticRollupError, that of the first transaction the
// reference rejects (transfers, withdrawals, deposits and forced exits alike).
// Exploits a flat account table indexed by account index (one cache line per account), each owner
// key parsed once (libsecp256k1's lift_x) when its account is loaded or created, an account tree
// whose dense range is a complete binary tree in flat per-level arrays (each transaction's paths
// rehashed with no lookup, the nodes they share once; opt::smt::Tree for outlying indices), the tags'
// midstates and the SHA-256 dispatcher's finishing kernel (SHA-NI, four messages in lockstep) for
// every hash, and a oneTBB pipeline in which
// every thread verifies signatures while one thread at a time applies the transactions in order.
// spec: optimistic_rollup.md#the-stateful-form
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "l2/opt/merkle.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/opt/sparse_merkle.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/optimistic_rollup.hpp"

namespace l2::opt::optimistic_rollup {

// The engine's account tree: the depth-32 sparse Merkle tree of
// reference/include/l2/ref/sparse_merkle.hpp (the same root and proofs as l2::ref::smt::Tree
// holding the same slots), laid out for one small update per transaction. Account indices are
// handed out in order, so the slots [0, 2^dense_height) are kept as a complete binary tree in flat
// arrays, one per level: a path update is direct indexing and at most three node hashes per level
// (from, to and the fee account) in one lockstep call, with no lookup, sorting or allocation (an
// opt::smt::Tree::apply_batch call costs ~12 us of bookkeeping whatever its size, more than the
// hashing of three paths). Slots above the dense range (a far outlier) live in an opt::smt::Tree;
// the dense subtree is its leftmost subtree of height dense_height, and the root folds the two.
class AccountTree {
 public:
  using Index = smt::Index;
  // The dense range never covers more than 2^max_dense_height slots.
  static constexpr unsigned max_dense_height = 30;

  // Empty, dense_height 0. Every hash goes through `kernel` (and its finishing kernel,
  // sha256_finish.hpp); the root and proofs never depend on it.
  explicit AccountTree(const sha256::Kernel& kernel = default_merkle_kernel());

  unsigned dense_height() const { return dense_height_; }
  std::size_t dense_size() const { return std::size_t{1} << dense_height_; }

  // Replaces the content with `entries` (distinct indices, values present) and the dense range with
  // [0, 2^dense_height). Hashes on at most `threads` TBB threads (0 = TBB's default).
  void assign(unsigned dense_height, std::span<const smt::Update> entries, unsigned threads);
  // Grows the dense range to [0, 2^dense_height) (>= the current one). `moved` holds the current
  // value of every slot in the new range that was above the old one.
  void grow_dense(unsigned dense_height, std::span<const smt::Update> moved);
  // Applies writes as if one at a time (the last to an index wins; nullopt empties the slot).
  // Meant for one transaction's few writes: each is hashed along its path, nodes shared by the
  // paths once, the up to three nodes of a level in one lockstep SHA-256 call.
  void update(std::span<const smt::Update> writes);
  // The same for many writes at once (a rollback): each dirty node hashed once, level by level.
  void update_bulk(std::span<const smt::Update> writes, unsigned threads);

  // Starts loading the cache lines an update of `index` reads and writes (a 2^20-slot tree's
  // lower levels are far larger than the caches): issued a transaction ahead, the misses overlap
  // each other and the hashing of the transaction before.
  void prefetch(Index index) const;

  // The root of the dense subtree (height dense_height, holding slot 0), after the last update.
  const Hash32& dense_root() const { return levels_[dense_height_].front(); }
  // roots[i] = the tree's root if its dense subtree's root were dense_roots[i] and its slots above
  // the dense range as they are now: the folds of several states' roots, in lockstep. Contract:
  // roots.size() >= dense_roots.size().
  void fold_roots(std::span<const Hash32> dense_roots, std::span<Hash32> roots) const;
  Hash32 root() const;
  // The same as l2::ref::smt::Tree::prove for the same content.
  smt::Proof prove(Index index) const;

 private:
  using Level = std::vector<Hash32, smt::detail::HugePageAllocator<Hash32>>;

  Hash32 leaf_hash(Index index, const std::optional<Hash32>& value) const;
  Hash32 node_hash(const Hash32& left, const Hash32& right) const;
  // Rehashes the dense nodes above the sorted, distinct `leaves` (at most three).
  void rehash_paths(const Index* leaves, std::size_t count);
  // Rereads the outer tree's subtrees beside the leftmost path.
  void refresh_outer();
  // The hash of the subtree of height `height` (>= dense_height) holding slot 0.
  Hash32 leftmost_subtree(unsigned height) const;

  const sha256::Kernel* kernel_;
  sha256::Midstate node_midstate_{};
  std::array<Hash32, smt::depth + 1> empty_hashes_{};
  unsigned dense_height_ = 0;
  std::vector<Level> levels_;               // levels_[h][p]: the node of height h and prefix p, h <= dense_height
  smt::Tree outer_;                         // the slots at or above dense_size(), only
  std::array<Hash32, smt::depth> beside_{};  // beside_[h]: the outer subtree of height h with prefix 1
  // Pad a level's three nodes to four: the SHA-NI kernel hashes four in lockstep in about the time
  // of one (its latency, not its throughput, bounds a lone hash), but hashes three as two then one.
  bool pad_to_four_ = false;
};

// What execute_batch returns. Either every transaction was applied (error == none, state_roots
// holds the n + 1 roots, state_roots[0] the root before the batch), or transaction
// failed_transaction was rejected with `error`, the first failing rule's code, and the engine holds
// the state it had before the call (state_roots is then empty, as the reference returns no roots).
struct BatchOutcome {
  OptimisticRollupError error = OptimisticRollupError::none;
  std::size_t failed_transaction = 0;
  std::vector<Hash32> state_roots;

  bool ok() const { return error == OptimisticRollupError::none; }
};

// The L2 state of one optimistic rollup (accounts, account tree, deposits_credited,
// forced_exits_processed), laid out for
// throughput. It converts losslessly from and to ref::optimistic_rollup::State, so its state_root()
// is the reference's State::root(). Copies are deep and independent.
class Engine {
 public:
  using AccountIndex = ref::optimistic_rollup::AccountIndex;
  using Account = ref::optimistic_rollup::Account;
  using AccountEntry = std::pair<AccountIndex, Account>;

  // The genesis state: account 0 (balance 0, nonce 0, owner = operator_key), both counters 0.
  // spec: optimistic_rollup.md#genesis
  static Engine genesis(const Hash32& operator_key, const sha256::Kernel& kernel = default_merkle_kernel());

  // Loads every account of `state` (any State the reference can hold, reachable or not: no fee
  // account, keys off the curve, balances and nonces at UINT64_MAX). Keys are parsed and the tree
  // is built on at most `threads` TBB threads (0 = TBB's default). Every hash goes through `kernel`
  // (for the tree and, through sha256::finishing_kernel, the tagged hashes); no result depends on it.
  explicit Engine(const ref::optimistic_rollup::State& state, unsigned threads = 0,
                  const sha256::Kernel& kernel = default_merkle_kernel());
  // The same from the accounts themselves: when an index repeats, the last entry wins. What a
  // benchmark or an operator restarting from a snapshot uses; 2^20 accounts load in a few seconds
  // of CPU, most of it parsing their keys.
  Engine(std::span<const AccountEntry> accounts, const ref::optimistic_rollup::Counters& counters,
         unsigned threads = 0, const sha256::Kernel& kernel = default_merkle_kernel());

  // ref::optimistic_rollup::execute_batch(params, l1, <this state>, transactions), applied to this
  // engine: on success the engine holds the post-state. On a rejection the engine rolls back every
  // write of the batch and holds the pre-state again (the reference leaves its pre_state untouched).
  // Signatures are verified on at most `threads` TBB threads (0 = TBB's default, 1 = the calling
  // thread only); results never depend on `threads`. No signature after the first malformed
  // transaction, or after a rejection the engine has already seen, is verified.
  BatchOutcome execute_batch(const ref::optimistic_rollup::L2Params& params,
                                   const ref::optimistic_rollup::L1View& l1,
                                   std::span<const ref::optimistic_rollup::Transaction> transactions,
                                   unsigned threads = 0);

  // The honest challenger's replay (spec: optimistic_rollup.md#building-batches-and-proofs):
  // execute_batch, stopped before the first transaction i that is rejected or whose post-root is not
  // claimed_roots[i + 1]. The engine keeps the writes of transactions [0, i) and rolls back the
  // others, so it holds the true state before transaction i (the whole batch's post-state if there
  // is no such i). failed_transaction = i (transactions.size() if none); error = the rejection's
  // code, none for a root mismatch or no fault; state_roots = the n + 1 roots if every transaction
  // passed, else empty. A missing claimed root (claimed_roots.size() <= i + 1) counts as a mismatch.
  BatchOutcome replay_batch(const ref::optimistic_rollup::L2Params& params,
                                  const ref::optimistic_rollup::L1View& l1,
                                  std::span<const ref::optimistic_rollup::Transaction> transactions,
                                  std::span<const Hash32> claimed_roots, unsigned threads = 0);

  // ref::optimistic_rollup::witness_for(params, l1, <this state>, tx): the openings `tx` reads up
  // to its first failing rule, each against the accounts root after the writes before it. Runs the
  // reference rules (execute_transaction) over a store backed by this engine, with libsecp256k1 as
  // the signature check; the writes go to the tree for the later openings and are undone before it
  // returns, so the engine's state is unchanged (it is not const only for that).
  ref::optimistic_rollup::TxWitness witness_for(const ref::optimistic_rollup::L2Params& params,
                                                const ref::optimistic_rollup::L1View& l1,
                                                const ref::optimistic_rollup::Transaction& tx);

  // The same state as the reference holds it. Builds a reference tree: for tests and small states.
  ref::optimistic_rollup::State to_state() const;
  // Every account, by ascending index.
  std::vector<AccountEntry> accounts() const;
  std::optional<Account> account(AccountIndex index) const;
  std::size_t account_count() const { return account_count_; }
  // The slots [0, dense_capacity()) live in the flat table and the tree's dense range; the others
  // in a hash map and the tree's outer part. Layout only: nothing observable depends on it.
  std::size_t dense_capacity() const { return dense_.size(); }
  u64 deposits_credited() const { return counters_.deposits_credited; }
  u64 forced_exits_processed() const { return counters_.forced_exits_processed; }
  const ref::optimistic_rollup::Counters& counters() const { return counters_; }
  ref::optimistic_rollup::StateHeader header() const {
    return {tree_.root(), counters_.deposits_credited, counters_.forced_exits_processed};
  }
  const sha256::Kernel& kernel() const { return *kernel_; }
  // state_root(header()). spec: optimistic_rollup.md#state_root
  Hash32 state_root() const;

  // The sparse-tree opening of one slot, as ref::optimistic_rollup::State::prove gives it, and as a
  // witness opening (spec: optimistic_rollup.md#witnesses): what a fraud-proof witness for a
  // transaction is built from, slot by slot, against the state before it.
  smt::Proof prove(AccountIndex index) const { return tree_.prove(index); }
  ref::optimistic_rollup::AccountWitness opening(AccountIndex index) const;

 private:
  // One account slot, one cache line: what the sequential pass reads and writes.
  struct alignas(64) Record {
    u64 balance = 0;
    u64 nonce = 0;
    Hash32 owner{};
    u8 present = 0;       // the slot holds an account
    u8 key_on_curve = 0;  // `owner` passed lift_x; its parsed form is in the matching key slot
  };
  // A slot beyond the dense table (an index far above the others).
  struct SparseSlot {
    Record record;
    schnorr::ParsedPubkey key{};
  };
  // One execute_batch call: its plan, its pipeline and its journal; see batch.cpp.
  class Batch;
  // The AccountStore witness_for runs the reference rules over; see witness.cpp.
  class WitnessStore;

  explicit Engine(const sha256::Kernel& kernel);
  void load(std::span<const AccountEntry> accounts, unsigned threads);
  // Grows the dense table (and the tree's dense range) to the next power of two that covers
  // `index`, if that keeps it at most about twice as large as `expected_accounts` (or below a
  // floor); moves the sparse slots it now covers. Invalidates every Record and key pointer.
  void reserve_dense(AccountIndex index, std::size_t expected_accounts);
  const Record* find(AccountIndex index) const;
  Record* find(AccountIndex index);
  // The parsed key of a present account whose key is on the curve. Stable while no slot is added.
  const schnorr::ParsedPubkey* key_of(AccountIndex index) const;
  // Writes `account` into the slot. If the slot was empty, the account is created with
  // `key_on_curve` and, if true, `*key` as its parsed owner; otherwise both are ignored (owners
  // never change).
  void store(AccountIndex index, const Account& account, const schnorr::ParsedPubkey* key, bool key_on_curve);
  void restore(AccountIndex index, const Record& old);

  // dense_[i] for i < tree_.dense_size(); every other account in sparse_.
  std::vector<Record, smt::detail::HugePageAllocator<Record>> dense_;
  std::vector<schnorr::ParsedPubkey, smt::detail::HugePageAllocator<schnorr::ParsedPubkey>> dense_keys_;
  std::unordered_map<AccountIndex, SparseSlot> sparse_;
  const sha256::Kernel* kernel_;
  AccountTree tree_;
  std::size_t account_count_ = 0;
  ref::optimistic_rollup::Counters counters_;
};

}  // namespace l2::opt::optimistic_rollup
