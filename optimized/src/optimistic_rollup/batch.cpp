// The optimistic-rollup engine's batch: must match l2::ref::optimistic_rollup::execute_batch
// (reference/include/l2/ref/optimistic_rollup.hpp): apply_tx for each transaction in order, the
// rules in the reference's order (OR-TX-1; OR-SEND-1..7, OR-XFER-1..2, OR-FEE-1..2; OR-DEP-1..7;
// OR-FEX-1..5),
// the state root after each, and the first rejection's code with the pre-state left as it was.
// Exploits the fact that a signature's verdict depends only on the key, the digest and the
// signature, and an account's key never changes once a deposit created it: a serial pre-pass
// names, for every signed transaction, the key its sender will have when the transaction runs;
// then a oneTBB pipeline verifies the signatures of chunk after chunk on every thread (libsecp256k1
// with keys parsed once; the finishing kernel for the digests) while the chunks already verified are applied in
// order on one thread at a time, each transaction's writes rehashed along their paths in the
// account tree (AccountTree::update), the nodes the paths share once.
// The same run serves the challenger (replay_batch, l2::ref::optimistic_rollup::find_fraud's
// replay): the journal is indexed by transaction, so the writes after the first fault can be rolled
// back alone and the engine left just before it.
// spec: optimistic_rollup.md#the-stateful-form
#include <algorithm>
#include <array>
#include <atomic>
#include <optional>
#include <unordered_map>

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include "l2/opt/merkle.hpp"
#include "l2/opt/optimistic_rollup.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/verify_check.hpp"
#include "hashes.hpp"
#include "../threads.hpp"

namespace l2::opt::optimistic_rollup {

namespace reference = ref::optimistic_rollup;

namespace {

// Transactions per pipeline token. A transfer's verification takes ~50 us, so a chunk is close to
// a millisecond of work: the TBB hand-offs vanish next to it, while the serial apply stage, fed a
// chunk at a time, never waits long behind the verifiers (and the last chunk's apply, the only
// work left when the verifiers run dry, stays short).
constexpr std::size_t transactions_per_chunk = 16;
// Chunks in flight per thread: enough that the apply stage always finds the next chunk verified.
constexpr std::size_t tokens_per_thread = 4;

}  // namespace

class Engine::Batch {
 public:
  Batch(Engine& engine, const reference::L2Params& params, const reference::L1View& l1,
        std::span<const reference::Transaction> transactions)
      : engine_(engine),
        params_(params),
        l1_(l1),
        transactions_(transactions),
        counters_before_(engine.counters_) {}

  // claimed_roots: replay_batch's; nullopt: execute_batch's all-or-nothing outcome.
  BatchOutcome run(unsigned threads, std::optional<std::span<const Hash32>> claimed_roots = std::nullopt);

 private:
  // Whose key a signed transaction's signature is checked against.
  enum class Signer : u8 {
    none,       // the sender will not exist: OR-SEND-1 rejects before the signature is looked at
    parsed,     // an account of the pre-state: its key, parsed when it was loaded or created
    raw,        // an account a deposit earlier in the batch creates: that deposit's new_owner
    off_curve,  // an account of the pre-state whose key fails lift_x: every signature fails
  };

  // What the pre-pass and the verifiers found for one transaction.
  struct TxPlan {
    Signer signer = Signer::none;
    u8 signature_valid = 0;
    u8 new_key_on_curve = 0;                       // deposit with new_owner: it passed lift_x
    const schnorr::ParsedPubkey* parsed = nullptr;  // Signer::parsed
    const Hash32* raw = nullptr;                    // Signer::raw
    Hash32 request_id{};                            // deposit or forced exit recorded by L1: its id
    schnorr::ParsedPubkey new_key{};                // deposit with new_owner, if new_key_on_curve
  };

  // The accounts one transaction has written so far, over the table. Reads see the writes before
  // them, as the reference's store does (a transfer to oneself, or to or from the fee account),
  // and nothing reaches the table unless the whole transaction passes. A transaction writes at
  // most three slots.
  class Overlay {
   public:
    explicit Overlay(const Engine& engine) : engine_(engine) {}

    std::optional<Account> read(AccountIndex index) const {
      for (std::size_t k = 0; k < count_; ++k)
        if (writes_[k].first == index) return writes_[k].second;
      const Record* record = engine_.find(index);
      if (record == nullptr || record->present == 0) return std::nullopt;
      return Account{record->balance, record->nonce, record->owner};
    }
    void write(AccountIndex index, const Account& account) {
      for (std::size_t k = 0; k < count_; ++k) {
        if (writes_[k].first == index) {
          writes_[k].second = account;
          return;
        }
      }
      L2_VERIFY_CHECK(count_ < writes_.size());
      writes_[count_++] = {index, account};
    }
    std::span<const AccountEntry> writes() const { return {writes_.data(), count_}; }

   private:
    const Engine& engine_;
    std::array<AccountEntry, 3> writes_{};
    std::size_t count_ = 0;
  };

  struct JournalEntry {
    AccountIndex index;
    Record old;
  };

  std::size_t plan();
  void verify(std::size_t begin, std::size_t end);
  // Applies [begin, end) unless an earlier chunk failed; stops at the first rejection.
  void apply(std::size_t begin, std::size_t end);
  void prefetch(std::size_t position) const;
  OptimisticRollupError apply_one(std::size_t position);
  OptimisticRollupError debit_sender(Overlay& overlay, const TxPlan& plan, AccountIndex from, u64 amount, u64 fee, u64 nonce) const;
  static OptimisticRollupError credit_fee(Overlay& overlay, u64 fee);
  OptimisticRollupError apply_deposit(Overlay& overlay, const reference::Deposit& d, const TxPlan& plan) const;
  OptimisticRollupError apply_forced_exit(Overlay& overlay, const reference::ForcedExit& e, const TxPlan& plan) const;
  void commit(const Overlay& overlay, const TxPlan& plan);
  // Folds the pending dense roots into state roots, appended to roots_.
  void flush_roots();
  // Undoes the writes of the committed transactions from position `kept` on.
  void roll_back(std::size_t kept, unsigned threads);
  // replay_batch's outcome, once the pipeline has stopped.
  BatchOutcome stop_at_first_fault(std::span<const Hash32> claimed_roots, unsigned threads);

  Engine& engine_;
  const reference::L2Params& params_;
  const reference::L1View& l1_;
  std::span<const reference::Transaction> transactions_;
  const reference::Counters counters_before_;

  std::vector<TxPlan> plans_;
  std::vector<Hash32> roots_;
  std::vector<JournalEntry> journal_;
  // Per committed transaction, in order: where its journal entries start, and the counters after
  // it. What a partial roll-back (replay_batch) needs.
  std::vector<std::size_t> journal_begin_;
  std::vector<reference::Counters> counters_after_;
  std::vector<smt::Update> updates_;
  // The transactions applied whose state roots are still to be computed: the tree's top levels
  // are folded for four at a time, in lockstep (AccountTree::fold_roots).
  static constexpr std::size_t fold_group = 4;
  std::array<Hash32, fold_group> pending_dense_roots_{};
  std::array<reference::Counters, fold_group> pending_counters_{};
  std::size_t pending_ = 0;
  std::atomic<bool> failed_{false};
  OptimisticRollupError error_ = OptimisticRollupError::none;
  std::size_t failed_at_ = 0;
};

BatchOutcome Engine::execute_batch(const reference::L2Params& params, const reference::L1View& l1,
                                               std::span<const reference::Transaction> transactions, unsigned threads) {
  Batch batch(*this, params, l1, transactions);
  return batch.run(threads);
}

BatchOutcome Engine::replay_batch(const reference::L2Params& params, const reference::L1View& l1,
                                              std::span<const reference::Transaction> transactions,
                                              std::span<const Hash32> claimed_roots, unsigned threads) {
  Batch batch(*this, params, l1, transactions);
  return batch.run(threads, claimed_roots);
}

// ---- The pre-pass -------------------------------------------------------------------------------

// Sizes the table for the batch's deposits, then names each signed transaction's key. Returns how
// many transactions can run: up to and including the first malformed one, past which the reference
// never gets.
std::size_t Engine::Batch::plan() {
  std::size_t planned = transactions_.size();
  std::size_t creating = 0;
  for (std::size_t i = 0; i < transactions_.size(); ++i) {
    const reference::Transaction& tx = transactions_[i];
    if (reference::check_shape(tx) != OptimisticRollupError::none) {
      planned = i + 1;
      break;
    }
    if (tx.kind == reference::TxKind::deposit && tx.deposit->new_owner) ++creating;
  }
  // Every table growth happens here: the verifiers hold pointers to keys from now on.
  for (std::size_t i = 0; i < planned; ++i) {
    const reference::Transaction& tx = transactions_[i];
    if (tx.kind == reference::TxKind::deposit && tx.deposit)
      engine_.reserve_dense(tx.deposit->to, engine_.account_count() + creating);
  }

  plans_.assign(planned, TxPlan{});
  // The first account-creating deposit to each slot empty before the batch. A second one to the
  // same slot fails (OR-DEP-5), and so does one to a slot of the pre-state, ending the batch; so
  // every signed transaction the batch reaches sees exactly the owner found here.
  std::unordered_map<AccountIndex, const Hash32*> created;
  // The senders' records, a few transactions ahead: this pass runs alone, before the pipeline.
  constexpr std::size_t lookahead = 8;
  const auto prefetch_sender = [&](std::size_t i) {
    const reference::Transaction& tx = transactions_[i];
    const AccountIndex from = tx.transfer ? tx.transfer->from : tx.withdrawal ? tx.withdrawal->from : 0;
    if (from < engine_.dense_.size()) __builtin_prefetch(&engine_.dense_[from]);
  };
  for (std::size_t i = 0; i < std::min(lookahead, planned); ++i) prefetch_sender(i);
  for (std::size_t i = 0; i < planned; ++i) {
    if (i + lookahead < planned) prefetch_sender(i + lookahead);
    const reference::Transaction& tx = transactions_[i];
    if (reference::check_shape(tx) != OptimisticRollupError::none) break;
    if (tx.kind == reference::TxKind::deposit) {
      const reference::Deposit& d = *tx.deposit;
      if (d.new_owner && !engine_.account(d.to)) created.emplace(d.to, &*d.new_owner);
      continue;
    }
    if (tx.kind == reference::TxKind::forced_exit) continue;  // not signed
    const AccountIndex from = tx.kind == reference::TxKind::transfer ? tx.transfer->from : tx.withdrawal->from;
    TxPlan& p = plans_[i];
    if (const Record* record = engine_.find(from); record != nullptr && record->present != 0) {
      p.signer = record->key_on_curve != 0 ? Signer::parsed : Signer::off_curve;
      p.parsed = engine_.key_of(from);
    } else if (const auto it = created.find(from); it != created.end()) {
      p.signer = Signer::raw;
      p.raw = it->second;
    }
  }
  return planned;
}

// ---- The verifiers (any thread) ------------------------------------------------------------------

void Engine::Batch::verify(std::size_t begin, std::size_t end) {
  // The digests of the chunk's signed transactions first, four at a time in lockstep.
  constexpr std::size_t lockstep = 4;
  std::array<detail::Tail, lockstep> tails;
  std::array<std::size_t, lockstep> positions{};
  std::array<Hash32, lockstep> digests;
  std::size_t staged = 0;
  const detail::Tag* staged_tag = nullptr;
  const auto check_staged = [&] {
    if (staged == 0) return;
    detail::finish(*engine_.kernel_, *staged_tag, tails.data(), staged, digests.data());
    for (std::size_t k = 0; k < staged; ++k) {
      const reference::Transaction& tx = transactions_[positions[k]];
      TxPlan& p = plans_[positions[k]];
      const schnorr::Signature& signature = tx.transfer ? tx.transfer->signature : tx.withdrawal->signature;
      const bool valid = p.signer == Signer::parsed
                             ? schnorr::verify_parsed(*p.parsed, digests[k], signature)
                             : schnorr::verify(*p.raw, digests[k], signature) == PrimitiveError::none;
      p.signature_valid = valid ? 1 : 0;
    }
    staged = 0;
  };

  // The senders' parsed keys are scattered over a table as large as the accounts: their cache
  // misses overlap each other and the first verification instead of each preceding its own.
  for (std::size_t i = begin; i < end; ++i)
    if (plans_[i].parsed != nullptr) __builtin_prefetch(plans_[i].parsed);
  for (std::size_t i = begin; i < end; ++i) {
    const reference::Transaction& tx = transactions_[i];
    TxPlan& p = plans_[i];
    if (reference::check_shape(tx) != OptimisticRollupError::none) continue;
    if (tx.kind == reference::TxKind::forced_exit) {
      const reference::ForcedExit& e = *tx.forced_exit;
      if (e.request_index < l1_.forced_exit_ids.size()) p.request_id = detail::forced_exit_id(*engine_.kernel_, params_, e);
      continue;
    }
    if (tx.kind == reference::TxKind::deposit) {
      const reference::Deposit& d = *tx.deposit;
      if (d.deposit_index < l1_.deposit_ids.size()) p.request_id = detail::deposit_id(*engine_.kernel_, params_, d);
      if (d.new_owner) {
        if (const auto parsed = schnorr::parse_pubkey(*d.new_owner)) {
          p.new_key = *parsed;
          p.new_key_on_curve = 1;
        }
      }
      continue;
    }
    if (p.signer == Signer::none || p.signer == Signer::off_curve) continue;
    const bool transfer = tx.kind == reference::TxKind::transfer;
    const detail::Tag& tag = transfer ? detail::transfer_tag() : detail::withdrawal_tag();
    if (staged == lockstep || (staged != 0 && staged_tag != &tag)) check_staged();
    staged_tag = &tag;
    tails[staged] = transfer ? detail::transfer_tail(params_, *tx.transfer)
                             : detail::withdrawal_tail(params_, *tx.withdrawal);
    positions[staged++] = i;
  }
  check_staged();
}

// ---- The sequential pass: the reference's rules, in its order ---------------------------------

// Starts loading what applying transaction `position` reads: its accounts' records and tree paths
// (the fee account's are hot).
void Engine::Batch::prefetch(std::size_t position) const {
  const reference::Transaction& tx = transactions_[position];
  const auto touch = [&](AccountIndex index) {
    if (index < engine_.dense_.size()) __builtin_prefetch(&engine_.dense_[index], 1);
    engine_.tree_.prefetch(index);
  };
  if (tx.transfer) {
    touch(tx.transfer->from);
    touch(tx.transfer->to);
  }
  if (tx.withdrawal) touch(tx.withdrawal->from);
  if (tx.deposit) touch(tx.deposit->to);
  if (tx.forced_exit) touch(tx.forced_exit->from);
}

void Engine::Batch::apply(std::size_t begin, std::size_t end) {
  if (failed_.load(std::memory_order_relaxed)) return;
  if (begin < end) prefetch(begin);
  for (std::size_t i = begin; i < end; ++i) {
    if (i + 1 < plans_.size()) prefetch(i + 1);
    const OptimisticRollupError e = apply_one(i);
    if (e != OptimisticRollupError::none) {
      error_ = e;
      failed_at_ = i;
      failed_.store(true, std::memory_order_relaxed);
      return;
    }
  }
}

// spec: optimistic_rollup.md#apply_tx
OptimisticRollupError Engine::Batch::apply_one(std::size_t position) {
  const reference::Transaction& tx = transactions_[position];
  const TxPlan& p = plans_[position];
  if (const OptimisticRollupError e = reference::check_shape(tx); e != OptimisticRollupError::none) return e;
  Overlay overlay(engine_);
  switch (tx.kind) {
    case reference::TxKind::transfer: {
      // spec: optimistic_rollup.md#apply_transfer
      const reference::Transfer& t = *tx.transfer;
      if (const OptimisticRollupError e = debit_sender(overlay, p, t.from, t.amount, t.fee, t.nonce); e != OptimisticRollupError::none)
        return e;
      const std::optional<Account> opened = overlay.read(t.to);
      // Verify: the receiving account exists [OR-XFER-1]
      if (!opened) return OptimisticRollupError::unknown_recipient;
      Account recipient = *opened;
      const Checked balance = checked_add(recipient.balance, t.amount);
      // Verify: recipient balance + amount <= UINT64_MAX [OR-XFER-2]
      if (balance.overflow) return OptimisticRollupError::recipient_balance_overflow;
      recipient.balance = balance.value;
      overlay.write(t.to, recipient);
      if (const OptimisticRollupError e = credit_fee(overlay, t.fee); e != OptimisticRollupError::none) return e;
      break;
    }
    case reference::TxKind::withdrawal: {
      // spec: optimistic_rollup.md#apply_withdrawal
      const reference::Withdrawal& w = *tx.withdrawal;
      if (const OptimisticRollupError e = debit_sender(overlay, p, w.from, w.amount, w.fee, w.nonce); e != OptimisticRollupError::none)
        return e;
      if (const OptimisticRollupError e = credit_fee(overlay, w.fee); e != OptimisticRollupError::none) return e;
      break;
    }
    case reference::TxKind::deposit: {
      if (const OptimisticRollupError e = apply_deposit(overlay, *tx.deposit, p); e != OptimisticRollupError::none) return e;
      engine_.counters_.deposits_credited = tx.deposit->deposit_index + 1;
      break;
    }
    case reference::TxKind::forced_exit: {
      if (const OptimisticRollupError e = apply_forced_exit(overlay, *tx.forced_exit, p); e != OptimisticRollupError::none) return e;
      engine_.counters_.forced_exits_processed = tx.forced_exit->request_index + 1;
      break;
    }
  }
  commit(overlay, p);
  return OptimisticRollupError::none;
}

// spec: optimistic_rollup.md#debit_sender
OptimisticRollupError Engine::Batch::debit_sender(Overlay& overlay, const TxPlan& plan, AccountIndex from, u64 amount,
                                              u64 fee, u64 nonce) const {
  const std::optional<Account> opened = overlay.read(from);
  // Verify: the sending account exists [OR-SEND-1]
  if (!opened) return OptimisticRollupError::unknown_sender;
  Account sender = *opened;
  // The pre-pass named this sender's key (see plan()).
  L2_VERIFY_CHECK(plan.signer != Signer::none);
  L2_VERIFY_CHECK(plan.signer != Signer::raw || *plan.raw == sender.owner);
  // Verify: the signature is the sender's BIP-340 signature of the digest [OR-SEND-2]
  if (plan.signature_valid == 0) return OptimisticRollupError::bad_signature;
  // Verify: nonce >= sender.nonce, else the transaction is a replay [OR-SEND-3]
  if (nonce < sender.nonce) return OptimisticRollupError::nonce_replayed;
  // Verify: nonce <= sender.nonce [OR-SEND-4]
  if (nonce > sender.nonce) return OptimisticRollupError::nonce_gap;
  const Checked next_nonce = checked_add(sender.nonce, 1);
  // Verify: sender.nonce + 1 <= UINT64_MAX [OR-SEND-5]
  if (next_nonce.overflow) return OptimisticRollupError::nonce_exhausted;
  const Checked total = checked_add(amount, fee);
  // Verify: amount + fee <= UINT64_MAX [OR-SEND-6]
  if (total.overflow) return OptimisticRollupError::amount_overflow;
  const Checked remaining = checked_sub(sender.balance, total.value);
  // Verify: sender.balance >= amount + fee [OR-SEND-7]
  if (remaining.overflow) return OptimisticRollupError::insufficient_balance;
  sender.balance = remaining.value;
  sender.nonce = next_nonce.value;
  overlay.write(from, sender);
  return OptimisticRollupError::none;
}

// spec: optimistic_rollup.md#credit_fee
OptimisticRollupError Engine::Batch::credit_fee(Overlay& overlay, u64 fee) {
  const std::optional<Account> opened = overlay.read(reference::fee_account);
  // Verify: the fee account exists [OR-FEE-1]
  if (!opened) return OptimisticRollupError::no_fee_account;
  Account operator_account = *opened;
  const Checked balance = checked_add(operator_account.balance, fee);
  // Verify: fee account balance + fee <= UINT64_MAX [OR-FEE-2]
  if (balance.overflow) return OptimisticRollupError::fee_balance_overflow;
  operator_account.balance = balance.value;
  overlay.write(reference::fee_account, operator_account);
  return OptimisticRollupError::none;
}

// spec: optimistic_rollup.md#apply_deposit
OptimisticRollupError Engine::Batch::apply_deposit(Overlay& overlay, const reference::Deposit& d, const TxPlan& plan) const {
  const u64 deposits_credited = engine_.counters_.deposits_credited;
  // Verify: deposit_index >= deposits_credited, else it was credited before [OR-DEP-1]
  if (d.deposit_index < deposits_credited) return OptimisticRollupError::deposit_already_credited;
  // Verify: deposit_index <= deposits_credited [OR-DEP-2]
  if (d.deposit_index > deposits_credited) return OptimisticRollupError::deposit_out_of_order;
  // Verify: L1 had recorded a deposit with this index when the batch was submitted [OR-DEP-3]
  if (d.deposit_index >= l1_.deposit_ids.size()) return OptimisticRollupError::deposit_not_recorded;
  // Verify: deposit_id(d) is the id L1 recorded at deposit_index [OR-DEP-4]
  if (plan.request_id != l1_.deposit_ids[d.deposit_index]) return OptimisticRollupError::deposit_mismatch;
  const std::optional<Account> opened = overlay.read(d.to);
  Account account{};
  if (d.new_owner) {
    // Verify: an account-creating deposit names an empty slot [OR-DEP-5]
    if (opened) return OptimisticRollupError::account_exists;
    account = Account{d.amount, 0, *d.new_owner};
  } else {
    // Verify: a top-up deposit names an existing account [OR-DEP-6]
    if (!opened) return OptimisticRollupError::unknown_account;
    account = *opened;
    const Checked balance = checked_add(account.balance, d.amount);
    // Verify: balance + amount <= UINT64_MAX [OR-DEP-7]
    if (balance.overflow) return OptimisticRollupError::deposit_balance_overflow;
    account.balance = balance.value;
  }
  overlay.write(d.to, account);
  return OptimisticRollupError::none;
}

// spec: optimistic_rollup.md#apply_forced_exit
OptimisticRollupError Engine::Batch::apply_forced_exit(Overlay& overlay, const reference::ForcedExit& e, const TxPlan& plan) const {
  const u64 forced_exits_processed = engine_.counters_.forced_exits_processed;
  // Verify: request_index >= forced_exits_processed, else it was processed before [OR-FEX-1]
  if (e.request_index < forced_exits_processed) return OptimisticRollupError::forced_exit_already_processed;
  // Verify: request_index <= forced_exits_processed [OR-FEX-2]
  if (e.request_index > forced_exits_processed) return OptimisticRollupError::forced_exit_out_of_order;
  // Verify: L1 had recorded a forced exit with this index in the batch's L1 view [OR-FEX-3]
  if (e.request_index >= l1_.forced_exit_ids.size()) return OptimisticRollupError::forced_exit_not_recorded;
  // Verify: forced_exit_id(e) is the id L1 recorded at request_index [OR-FEX-4]
  if (plan.request_id != l1_.forced_exit_ids[e.request_index]) return OptimisticRollupError::forced_exit_mismatch;
  const std::optional<Account> opened = overlay.read(e.from);
  const bool owned = opened && opened->owner == e.requester;
  // Verify: amount is the whole balance if the requester owns the account, else 0 [OR-FEX-5]
  if (e.amount != (owned ? opened->balance : 0)) return OptimisticRollupError::forced_exit_wrong_amount;
  if (owned) {
    Account account = *opened;
    account.balance = 0;
    overlay.write(e.from, account);
  }
  return OptimisticRollupError::none;
}

// The transaction passed: its writes go to the table (journaled) and, as one batch, to the tree;
// its state root follows, at the latest with the fourth transaction after it.
void Engine::Batch::commit(const Overlay& overlay, const TxPlan& plan) {
  updates_.clear();
  bool outer = false;
  const std::span<const AccountEntry> writes = overlay.writes();
  journal_begin_.push_back(journal_.size());
  counters_after_.push_back(engine_.counters_);
  std::array<detail::Tail, 3> tails;
  std::array<Hash32, 3> values;
  for (std::size_t k = 0; k < writes.size(); ++k) {
    const auto& [index, account] = writes[k];
    const Record* record = engine_.find(index);
    journal_.push_back(JournalEntry{index, record != nullptr ? *record : Record{}});
    // Only an account-creating deposit writes an empty slot; its key is the one the verifiers parsed.
    engine_.store(index, account, &plan.new_key, plan.new_key_on_curve != 0);
    tails[k] = detail::account_tail(account.balance, account.nonce, account.owner);
    outer = outer || index >= engine_.tree_.dense_size();
  }
  detail::finish(*engine_.kernel_, detail::account_tag(), tails.data(), writes.size(), values.data());
  for (std::size_t k = 0; k < writes.size(); ++k) updates_.push_back(smt::Update{writes[k].first, values[k]});
  // A write above the dense range changes the subtrees the folds read: the pending ones first.
  if (outer) flush_roots();
  engine_.tree_.update(updates_);
  pending_dense_roots_[pending_] = engine_.tree_.dense_root();
  pending_counters_[pending_] = engine_.counters_;
  if (++pending_ == fold_group || outer) flush_roots();
}

void Engine::Batch::flush_roots() {
  std::array<Hash32, fold_group> accounts_roots;
  engine_.tree_.fold_roots(std::span(pending_dense_roots_).first(pending_), accounts_roots);
  std::array<detail::Tail, fold_group> tails;
  for (std::size_t k = 0; k < pending_; ++k)
    tails[k] = detail::state_tail(accounts_roots[k], pending_counters_[k]);
  std::array<Hash32, fold_group> state_roots;
  detail::finish(*engine_.kernel_, detail::state_tag(), tails.data(), pending_, state_roots.data());
  roots_.insert(roots_.end(), state_roots.begin(), state_roots.begin() + static_cast<std::ptrdiff_t>(pending_));
  pending_ = 0;
}

// Undoes every committed write: the table from the journal, newest first, and the tree in one batch
// of the oldest value of each slot touched (update_bulk keeps the last update to an index, and the
// journal read backwards ends with the oldest). The tree's root depends only on its contents, so
// it is the pre-batch root again.
// Only the entries of the transactions from `kept` on are undone: the oldest of those is the
// value the slot had before transaction `kept`.
void Engine::Batch::roll_back(std::size_t kept, unsigned threads) {
  if (kept >= journal_begin_.size()) return;  // nothing committed from `kept` on
  const std::size_t first = journal_begin_[kept];
  std::vector<smt::Update> restores;
  restores.reserve(journal_.size() - first);
  for (std::size_t k = journal_.size(); k-- > first;) {
    const JournalEntry& entry = journal_[k];
    engine_.restore(entry.index, entry.old);
    std::optional<Hash32> value;
    if (entry.old.present != 0)
      value = detail::account_value(*engine_.kernel_, Account{entry.old.balance, entry.old.nonce, entry.old.owner});
    restores.push_back(smt::Update{entry.index, value});
  }
  engine_.tree_.update_bulk(restores, threads);
  engine_.counters_ = kept == 0 ? counters_before_ : counters_after_[kept - 1];
  journal_.resize(first);
  journal_begin_.resize(kept);
  counters_after_.resize(kept);
}

// roots_ holds the roots of the committed prefix (flushed): the first transaction whose root is not
// the claimed one, or the rejected one, or none.
BatchOutcome Engine::Batch::stop_at_first_fault(std::span<const Hash32> claimed_roots,
                                                            unsigned threads) {
  const std::size_t passed = roots_.size() - 1;
  for (std::size_t i = 0; i < passed; ++i) {
    if (i + 1 >= claimed_roots.size() || roots_[i + 1] != claimed_roots[i + 1]) {
      roll_back(i, threads);
      return BatchOutcome{OptimisticRollupError::none, i, {}};
    }
  }
  if (failed_.load()) {
    roll_back(failed_at_, threads);
    return BatchOutcome{error_, failed_at_, {}};
  }
  return BatchOutcome{OptimisticRollupError::none, transactions_.size(), std::move(roots_)};
}

BatchOutcome Engine::Batch::run(unsigned threads, std::optional<std::span<const Hash32>> claimed_roots) {
  const std::size_t planned = plan();
  roots_.reserve(planned + 1);
  roots_.push_back(engine_.state_root());
  journal_.reserve(3 * planned);
  journal_begin_.reserve(planned);
  counters_after_.reserve(planned);
  updates_.reserve(3);

  const std::size_t chunk_count = (planned + transactions_per_chunk - 1) / transactions_per_chunk;
  const auto chunk_end = [&](std::size_t chunk) { return std::min(planned, (chunk + 1) * transactions_per_chunk); };
  if (threads == 1 || chunk_count <= 1) {
    for (std::size_t chunk = 0; chunk < chunk_count && !failed_.load(std::memory_order_relaxed); ++chunk) {
      verify(chunk * transactions_per_chunk, chunk_end(chunk));
      apply(chunk * transactions_per_chunk, chunk_end(chunk));
    }
  } else {
    opt::detail::in_arena(threads, [&] {
      const auto tokens =
          tokens_per_thread * static_cast<std::size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
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
                                                             verify(chunk * transactions_per_chunk, chunk_end(chunk));
                                                           return chunk;
                                                         }) &
              tbb::make_filter<std::size_t, void>(
                  tbb::filter_mode::serial_in_order,
                  [&](std::size_t chunk) { apply(chunk * transactions_per_chunk, chunk_end(chunk)); }));
    });
  }

  if (claimed_roots) {
    flush_roots();
    return stop_at_first_fault(*claimed_roots, threads);
  }
  if (failed_.load()) {
    roll_back(0, threads);
    return BatchOutcome{error_, failed_at_, {}};
  }
  flush_roots();
  return BatchOutcome{OptimisticRollupError::none, 0, std::move(roots_)};
}

}  // namespace l2::opt::optimistic_rollup
