// The reexecution verifier's loop over the transactions: must match the loop of
// l2::ref::zk_rollup::verify_batch_witness (reference/include/l2/ref/zk_rollup.hpp) over its
// TouchedStore, which runs optimistic_rollup.hpp's execute_transaction with own_ids_view's L1 view:
// the rules in the reference's order (OR-TX-1; OR-SEND-1..7, OR-XFER-1..2, OR-FEE-1..2; OR-DEP-1..7;
// OR-FEX-1..5), a read of an unopened slot reported as ZK-RX-11 before any later rule, any other
// rejection as ZK-RX-12, and on success the same slots and counters.
// Exploits optimistic_rollup's batch pipeline (optimized/src/optimistic_rollup/batch.cpp): a
// signature's verdict depends only on the key, the digest and the signature, and an account's key
// never changes once it exists, so a serial pre-pass names the key each signed transaction's
// sender will have; then a oneTBB pipeline computes the digests (finishing kernel, four in
// lockstep) and checks the signatures (libsecp256k1) of chunk after chunk on every thread, while
// one thread at a time applies the verified chunks in order over the touched slots. The verifier
// stops at the first rejection, so nothing is journaled: a write goes straight to its slot.
// spec: zk_rollup.md#verify-for-reexecution
#include <algorithm>
#include <array>
#include <atomic>
#include <unordered_map>

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include "../optimistic_rollup/hashes.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/ref/checked.hpp"
#include "reexecution.hpp"

namespace l2::opt::zk_rollup::detail {

namespace hashes = opt::optimistic_rollup::detail;
using optimistic_rollup::TxKind;

namespace {

// Transactions per pipeline token and tokens per thread: optimistic_rollup's batch engine's values
// (a chunk is about a millisecond of verification, so TBB's hand-offs vanish next to it).
constexpr std::size_t transactions_per_chunk = 16;
constexpr std::size_t tokens_per_thread = 4;

class Run {
 public:
  Run(const sha256::Kernel& kernel, const optimistic_rollup::L2Params& params, const optimistic_rollup::Counters& counters,
      std::span<const Transaction> transactions, std::span<const std::optional<Hash32>> ids, std::vector<Slot>& slots)
      : kernel_(kernel), params_(params), transactions_(transactions), ids_(ids), slots_(slots), counters_(counters) {
    indices_.reserve(slots.size());
    for (const Slot& slot : slots) indices_.push_back(slot.index);
    build_view();
  }

  Reexecution run(bool parallel);

 private:
  // The key a signed transaction's signature is checked against, when its sender will exist.
  struct Plan {
    Hash32 key{};
    u8 has_key = 0;
    u8 valid = 0;
  };
  struct Outcome {
    ZkRollupError error = ZkRollupError::none;
    OptimisticRollupError rule = OptimisticRollupError::none;
  };
  static Outcome rejected(OptimisticRollupError rule) { return {ZkRollupError::rx_transaction_rejected, rule}; }
  static Outcome unopened() { return {ZkRollupError::rx_account_not_opened, OptimisticRollupError::witness_missing}; }

  void build_view();
  std::size_t plan();
  Slot* open(AccountIndex index);
  Hash32 digest(const Transaction& tx) const;
  void verify(std::size_t begin, std::size_t end);
  void apply(std::size_t begin, std::size_t end);
  Outcome apply_one(std::size_t position);
  Outcome debit_sender(std::size_t position, AccountIndex from, u64 amount, u64 fee, u64 nonce,
                       const schnorr::Signature& signature);
  Outcome credit_fee(u64 fee);
  Outcome apply_deposit(std::size_t position, const optimistic_rollup::Deposit& d);
  Outcome apply_forced_exit(std::size_t position, const optimistic_rollup::ForcedExit& e);

  const sha256::Kernel& kernel_;
  const optimistic_rollup::L2Params& params_;
  std::span<const Transaction> transactions_;
  std::span<const std::optional<Hash32>> ids_;
  std::vector<Slot>& slots_;
  std::vector<AccountIndex> indices_;
  optimistic_rollup::Counters counters_;
  // own_ids_view: the batch's own deposit and forced-exit ids, in batch order, from the counters.
  std::vector<Hash32> deposit_ids_;
  std::vector<Hash32> forced_exit_ids_;
  optimistic_rollup::L1View view_;
  std::vector<Plan> plans_;
  std::atomic<bool> failed_{false};
  Reexecution result_;
};

void Run::build_view() {
  const u64 deposit_base = counters_.deposits_credited;
  const u64 forced_exit_base = counters_.forced_exits_processed;
  for (std::size_t i = 0; i < transactions_.size(); ++i) {
    if (!ids_[i]) continue;
    // A window never reaches index UINT64_MAX (own_ids_view's bound).
    if (transactions_[i].kind == TxKind::deposit && deposit_ids_.size() < u64_max - deposit_base)
      deposit_ids_.push_back(*ids_[i]);
    if (transactions_[i].kind == TxKind::forced_exit && forced_exit_ids_.size() < u64_max - forced_exit_base)
      forced_exit_ids_.push_back(*ids_[i]);
  }
  view_ = optimistic_rollup::L1View{deposit_ids_, forced_exit_ids_, deposit_base, forced_exit_base};
}

Slot* Run::open(AccountIndex index) {
  const auto it = std::lower_bound(indices_.begin(), indices_.end(), index);
  if (it == indices_.end() || *it != index) return nullptr;
  return &slots_[static_cast<std::size_t>(it - indices_.begin())];
}

// Names each signed transaction's key; returns how many transactions can run: up to and including
// the first malformed one, past which the reference never gets.
std::size_t Run::plan() {
  std::size_t planned = transactions_.size();
  for (std::size_t i = 0; i < transactions_.size(); ++i) {
    if (optimistic_rollup::check_shape(transactions_[i]) != OptimisticRollupError::none) {
      planned = i + 1;
      break;
    }
  }
  plans_.assign(planned, Plan{});
  // The first account-creating deposit into each touched slot that is empty before the batch. A
  // second one into the same slot fails (OR-DEP-5) and ends the run, so every signed transaction
  // the run reaches sees that owner. The key is checked again when the transaction is applied.
  std::unordered_map<AccountIndex, Hash32> created;
  for (std::size_t i = 0; i < planned; ++i) {
    const Transaction& tx = transactions_[i];
    if (optimistic_rollup::check_shape(tx) != OptimisticRollupError::none) break;
    if (tx.kind == TxKind::deposit) {
      const optimistic_rollup::Deposit& d = *tx.deposit;
      const Slot* slot = open(d.to);
      if (d.new_owner && slot != nullptr && !slot->account) created.emplace(d.to, *d.new_owner);
      continue;
    }
    if (tx.kind == TxKind::forced_exit) continue;  // not signed
    const AccountIndex from = tx.kind == TxKind::transfer ? tx.transfer->from : tx.withdrawal->from;
    const Slot* slot = open(from);
    if (slot == nullptr) continue;  // ZK-RX-11 before the signature
    Plan& p = plans_[i];
    if (slot->account) {
      p.key = slot->account->owner;
      p.has_key = 1;
    } else if (const auto it = created.find(from); it != created.end()) {
      p.key = it->second;
      p.has_key = 1;
    }
  }
  return planned;
}

Hash32 Run::digest(const Transaction& tx) const {
  const hashes::Tail tail = tx.kind == TxKind::transfer ? hashes::transfer_tail(params_, *tx.transfer)
                                                        : hashes::withdrawal_tail(params_, *tx.withdrawal);
  Hash32 out;
  hashes::finish(kernel_, tx.kind == TxKind::transfer ? hashes::transfer_tag() : hashes::withdrawal_tag(), &tail, 1, &out);
  return out;
}

// Any thread: the digests of the chunk's signed transactions, four at a time in lockstep, and their
// signatures under the planned keys.
void Run::verify(std::size_t begin, std::size_t end) {
  constexpr std::size_t lockstep = 4;
  std::array<hashes::Tail, lockstep> tails;
  std::array<std::size_t, lockstep> positions{};
  std::array<Hash32, lockstep> digests;
  std::size_t staged = 0;
  const hashes::Tag* staged_tag = nullptr;
  const auto check_staged = [&] {
    if (staged == 0) return;
    hashes::finish(kernel_, *staged_tag, tails.data(), staged, digests.data());
    for (std::size_t k = 0; k < staged; ++k) {
      const Transaction& tx = transactions_[positions[k]];
      Plan& p = plans_[positions[k]];
      const schnorr::Signature& signature = tx.transfer ? tx.transfer->signature : tx.withdrawal->signature;
      p.valid = schnorr::verify(p.key, digests[k], signature) == PrimitiveError::none ? 1 : 0;
    }
    staged = 0;
  };
  for (std::size_t i = begin; i < end; ++i) {
    const Transaction& tx = transactions_[i];
    if (plans_[i].has_key == 0 || optimistic_rollup::check_shape(tx) != OptimisticRollupError::none) continue;
    const bool transfer = tx.kind == TxKind::transfer;
    const hashes::Tag& tag = transfer ? hashes::transfer_tag() : hashes::withdrawal_tag();
    if (staged == lockstep || (staged != 0 && staged_tag != &tag)) check_staged();
    staged_tag = &tag;
    tails[staged] = transfer ? hashes::transfer_tail(params_, *tx.transfer) : hashes::withdrawal_tail(params_, *tx.withdrawal);
    positions[staged++] = i;
  }
  check_staged();
}

// One thread at a time, in order.
void Run::apply(std::size_t begin, std::size_t end) {
  if (failed_.load(std::memory_order_relaxed)) return;
  for (std::size_t i = begin; i < end; ++i) {
    const Outcome outcome = apply_one(i);
    if (outcome.error != ZkRollupError::none) {
      result_.error = outcome.error;
      result_.rule = outcome.rule;
      result_.failed = i;
      failed_.store(true, std::memory_order_relaxed);
      return;
    }
  }
}

// spec: optimistic_rollup.md#apply_tx, over the touched slots
Run::Outcome Run::apply_one(std::size_t position) {
  const Transaction& tx = transactions_[position];
  // Verify: kind names the one body that is present [OR-TX-1]
  if (optimistic_rollup::check_shape(tx) != OptimisticRollupError::none) return rejected(OptimisticRollupError::tx_malformed);
  switch (tx.kind) {
    case TxKind::transfer: {
      // spec: optimistic_rollup.md#apply_transfer
      const optimistic_rollup::Transfer& t = *tx.transfer;
      if (const Outcome o = debit_sender(position, t.from, t.amount, t.fee, t.nonce, t.signature);
          o.error != ZkRollupError::none)
        return o;
      Slot* to = open(t.to);
      // Verify: every slot the transaction reads is a touched slot [ZK-RX-11]
      if (to == nullptr) return unopened();
      // Verify: the receiving account exists [OR-XFER-1]
      if (!to->account) return rejected(OptimisticRollupError::unknown_recipient);
      const Checked balance = checked_add(to->account->balance, t.amount);
      // Verify: recipient balance + amount <= UINT64_MAX [OR-XFER-2]
      if (balance.overflow) return rejected(OptimisticRollupError::recipient_balance_overflow);
      to->account->balance = balance.value;
      return credit_fee(t.fee);
    }
    case TxKind::withdrawal: {
      // spec: optimistic_rollup.md#apply_withdrawal
      const optimistic_rollup::Withdrawal& w = *tx.withdrawal;
      if (const Outcome o = debit_sender(position, w.from, w.amount, w.fee, w.nonce, w.signature);
          o.error != ZkRollupError::none)
        return o;
      return credit_fee(w.fee);
    }
    case TxKind::deposit: return apply_deposit(position, *tx.deposit);
    case TxKind::forced_exit: return apply_forced_exit(position, *tx.forced_exit);
  }
  return rejected(OptimisticRollupError::tx_malformed);
}

// spec: optimistic_rollup.md#debit_sender
Run::Outcome Run::debit_sender(std::size_t position, AccountIndex from, u64 amount, u64 fee, u64 nonce,
                               const schnorr::Signature& signature) {
  Slot* slot = open(from);
  // Verify: every slot the transaction reads is a touched slot [ZK-RX-11]
  if (slot == nullptr) return unopened();
  // Verify: the sending account exists [OR-SEND-1]
  if (!slot->account) return rejected(OptimisticRollupError::unknown_sender);
  Account& sender = *slot->account;
  const Plan& p = plans_[position];
  // The pre-pass named this key; should the sender's owner differ, the signature is checked here.
  const bool valid = p.has_key != 0 && p.key == sender.owner
                         ? p.valid != 0
                         : schnorr::verify(sender.owner, digest(transactions_[position]), signature) == PrimitiveError::none;
  // Verify: the signature is the sender's BIP-340 signature of the digest [OR-SEND-2]
  if (!valid) return rejected(OptimisticRollupError::bad_signature);
  // Verify: nonce >= sender.nonce, else the transaction is a replay [OR-SEND-3]
  if (nonce < sender.nonce) return rejected(OptimisticRollupError::nonce_replayed);
  // Verify: nonce <= sender.nonce [OR-SEND-4]
  if (nonce > sender.nonce) return rejected(OptimisticRollupError::nonce_gap);
  const Checked next_nonce = checked_add(sender.nonce, 1);
  // Verify: sender.nonce + 1 <= UINT64_MAX [OR-SEND-5]
  if (next_nonce.overflow) return rejected(OptimisticRollupError::nonce_exhausted);
  const Checked total = checked_add(amount, fee);
  // Verify: amount + fee <= UINT64_MAX [OR-SEND-6]
  if (total.overflow) return rejected(OptimisticRollupError::amount_overflow);
  const Checked remaining = checked_sub(sender.balance, total.value);
  // Verify: sender.balance >= amount + fee [OR-SEND-7]
  if (remaining.overflow) return rejected(OptimisticRollupError::insufficient_balance);
  sender.balance = remaining.value;
  sender.nonce = next_nonce.value;
  return {};
}

// spec: optimistic_rollup.md#credit_fee
Run::Outcome Run::credit_fee(u64 fee) {
  Slot* slot = open(optimistic_rollup::fee_account);
  // Verify: every slot the transaction reads is a touched slot [ZK-RX-11]
  if (slot == nullptr) return unopened();
  // Verify: the fee account exists [OR-FEE-1]
  if (!slot->account) return rejected(OptimisticRollupError::no_fee_account);
  const Checked balance = checked_add(slot->account->balance, fee);
  // Verify: fee account balance + fee <= UINT64_MAX [OR-FEE-2]
  if (balance.overflow) return rejected(OptimisticRollupError::fee_balance_overflow);
  slot->account->balance = balance.value;
  return {};
}

// spec: optimistic_rollup.md#apply_deposit
Run::Outcome Run::apply_deposit(std::size_t position, const optimistic_rollup::Deposit& d) {
  // Verify: deposit_index >= deposits_credited, else it was credited before [OR-DEP-1]
  if (d.deposit_index < counters_.deposits_credited) return rejected(OptimisticRollupError::deposit_already_credited);
  // Verify: deposit_index <= deposits_credited [OR-DEP-2]
  if (d.deposit_index > counters_.deposits_credited) return rejected(OptimisticRollupError::deposit_out_of_order);
  const Hash32* recorded = view_.deposit_id_at(d.deposit_index);
  // Verify: L1 had recorded a deposit with this index when the batch was submitted [OR-DEP-3]
  if (recorded == nullptr) return rejected(OptimisticRollupError::deposit_not_recorded);
  // Verify: deposit_id(d) is the id L1 recorded at deposit_index [OR-DEP-4]
  if (*ids_[position] != *recorded) return rejected(OptimisticRollupError::deposit_mismatch);
  Slot* slot = open(d.to);
  // Verify: every slot the transaction reads is a touched slot [ZK-RX-11]
  if (slot == nullptr) return unopened();
  if (d.new_owner) {
    // Verify: an account-creating deposit names an empty slot [OR-DEP-5]
    if (slot->account) return rejected(OptimisticRollupError::account_exists);
    slot->account = Account{d.amount, 0, *d.new_owner};
  } else {
    // Verify: a top-up deposit names an existing account [OR-DEP-6]
    if (!slot->account) return rejected(OptimisticRollupError::unknown_account);
    const Checked balance = checked_add(slot->account->balance, d.amount);
    // Verify: balance + amount <= UINT64_MAX [OR-DEP-7]
    if (balance.overflow) return rejected(OptimisticRollupError::deposit_balance_overflow);
    slot->account->balance = balance.value;
  }
  counters_.deposits_credited = d.deposit_index + 1;
  return {};
}

// spec: optimistic_rollup.md#apply_forced_exit
Run::Outcome Run::apply_forced_exit(std::size_t position, const optimistic_rollup::ForcedExit& e) {
  // Verify: request_index >= forced_exits_processed, else it was processed before [OR-FEX-1]
  if (e.request_index < counters_.forced_exits_processed)
    return rejected(OptimisticRollupError::forced_exit_already_processed);
  // Verify: request_index <= forced_exits_processed [OR-FEX-2]
  if (e.request_index > counters_.forced_exits_processed) return rejected(OptimisticRollupError::forced_exit_out_of_order);
  const Hash32* recorded = view_.forced_exit_id_at(e.request_index);
  // Verify: L1 had recorded a forced exit with this index in the batch's L1 view [OR-FEX-3]
  if (recorded == nullptr) return rejected(OptimisticRollupError::forced_exit_not_recorded);
  // Verify: forced_exit_id(e) is the id L1 recorded at request_index [OR-FEX-4]
  if (*ids_[position] != *recorded) return rejected(OptimisticRollupError::forced_exit_mismatch);
  Slot* slot = open(e.from);
  // Verify: every slot the transaction reads is a touched slot [ZK-RX-11]
  if (slot == nullptr) return unopened();
  const bool owned = slot->account && slot->account->owner == e.requester;
  // Verify: amount is the whole balance if the requester owns the account, else 0 [OR-FEX-5]
  if (e.amount != (owned ? slot->account->balance : 0)) return rejected(OptimisticRollupError::forced_exit_wrong_amount);
  if (owned) slot->account->balance = 0;
  counters_.forced_exits_processed = e.request_index + 1;
  return {};
}

Reexecution Run::run(bool parallel) {
  const std::size_t planned = plan();
  const std::size_t chunk_count = (planned + transactions_per_chunk - 1) / transactions_per_chunk;
  const auto chunk_begin = [](std::size_t chunk) { return chunk * transactions_per_chunk; };
  const auto chunk_end = [&](std::size_t chunk) { return std::min(planned, (chunk + 1) * transactions_per_chunk); };
  if (!parallel || chunk_count <= 1) {
    for (std::size_t chunk = 0; chunk < chunk_count && !failed_.load(std::memory_order_relaxed); ++chunk) {
      verify(chunk_begin(chunk), chunk_end(chunk));
      apply(chunk_begin(chunk), chunk_end(chunk));
    }
  } else {
    const auto tokens = tokens_per_thread * static_cast<std::size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
    std::size_t next_chunk = 0;
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order,
                                            [&](tbb::flow_control& control) -> std::size_t {
                                              if (next_chunk == chunk_count || failed_.load(std::memory_order_relaxed)) {
                                                control.stop();
                                                return 0;
                                              }
                                              return next_chunk++;
                                            }) &
            tbb::make_filter<std::size_t, std::size_t>(tbb::filter_mode::parallel,
                                                       [&](std::size_t chunk) {
                                                         if (!failed_.load(std::memory_order_relaxed))
                                                           verify(chunk_begin(chunk), chunk_end(chunk));
                                                         return chunk;
                                                       }) &
            tbb::make_filter<std::size_t, void>(tbb::filter_mode::serial_in_order,
                                                [&](std::size_t chunk) { apply(chunk_begin(chunk), chunk_end(chunk)); }));
  }
  result_.counters = counters_;
  return result_;
}

}  // namespace

Reexecution reexecute(const sha256::Kernel& kernel, const optimistic_rollup::L2Params& params,
                      const optimistic_rollup::Counters& pre_counters, std::span<const Transaction> transactions,
                      std::span<const std::optional<Hash32>> ids, std::vector<Slot>& slots, bool parallel) {
  Run run(kernel, params, pre_counters, transactions, ids, slots);
  return run.run(parallel);
}

}  // namespace l2::opt::zk_rollup::detail
