// Differential test: the optimistic-rollup engine (l2::opt::optimistic_rollup::Engine::execute_batch)
// against l2::ref::optimistic_rollup::execute_batch, with real BIP-340 signatures from deterministic
// keys. Each case loads a random pre-state (genesis, up to a dozen more accounts at dense and sparse
// indices up to UINT32_MAX, balances and nonces at 0, 1 and UINT64_MAX, now and then a key off the
// curve or no fee account, both counters with pending recorded deposits and forced exits) and runs
// a batch of
// 1..200 transactions built against the reference state reached so far, so that most are valid
// (new accounts created by deposits and then spending in the same batch, transfers to oneself and
// to and from the fee account), with at most a few faults injected: forged, misdirected and
// out-of-range signatures, replayed and skipped nonces, overspending, unknown senders and
// recipients, deposits out of order, credited twice, mismatching, unrecorded, creating an existing
// account or topping up an empty slot, forced exits (by the owner, by someone else, of empty slots)
// out of order, processed twice, mismatching, unrecorded or with a wrong amount, malformed
// kind/body combinations, amount + fee overflows and balance overflows. The engine must give every
// intermediate root, the post-state and the error code the reference gives, the index of the
// transaction the reference fails on, and after a rejection the pre-state; on one thread and on
// two, in one call or split into two, on a SHA-256 kernel drawn from those this CPU supports.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "l2/opt/optimistic_rollup.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace {

using l2::Hash32;
using l2::OptimisticRollupError;
using l2::u32;
using l2::u64;
using l2::u8;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
namespace oracle = l2::test::libsecp256k1;
using l2::opt::optimistic_rollup::Engine;
using optimistic_rollup::Account;
using optimistic_rollup::AccountIndex;
using optimistic_rollup::Counters;
using optimistic_rollup::Deposit;
using optimistic_rollup::ForcedExit;
using optimistic_rollup::State;
using optimistic_rollup::Transaction;
using optimistic_rollup::Transfer;
using optimistic_rollup::TxKind;
using optimistic_rollup::Withdrawal;

// ---- Keys -------------------------------------------------------------------------------------

using Keys = l2::test::KeyPool<6>;
constexpr std::size_t signer_count = Keys::signer_count;
constexpr std::size_t off_curve = Keys::off_curve;  // a key no signature verifies under

const Keys& pool() {
  static const Keys keys = Keys::make("optimistic_rollup_engine_differential");
  return keys;
}



const optimistic_rollup::L2Params& params() {
  static const optimistic_rollup::L2Params made{
      7, optimistic_rollup::rollup_id(7, oracle::tagged_hash("test/contract", l2::bytes_of("engine_differential")), pool().pubkey[0], 0)};
  return made;
}

// The reference's rules with libsecp256k1 as the signature check: builds plausible batches fast and
// finds where the reference stops. The expected roots and codes come from the reference's own
// BIP-340 (execute_batch's default check).
struct OracleCheck {
  bool operator()(const Hash32& pubkey, const Hash32& digest, const optimistic_rollup::Signature& signature) const {
    return oracle::verify(pubkey, digest, signature);
  }
};

std::string code(OptimisticRollupError e) { return std::string(l2::error_info(e).code); }

// rc::gen::inRange scales its range with the test's size, which starts at 0: at small sizes every
// batch would be one transaction long and every fault choice "none". These are uniform at any size.
template <class T>
rc::Gen<T> uniform(T min, T max) {
  return rc::gen::resize(100, rc::gen::inRange<T>(min, max));
}

// ---- The pre-state ----------------------------------------------------------------------------

struct LoadedAccount {
  int index_choice = 0;
  std::size_t owner = 0;
  int balance_choice = 0;
  int nonce_choice = 0;
};

struct Setup {
  std::size_t operator_key = 0;
  bool fee_account = true;
  int fee_balance_choice = 0;
  u64 deposits_credited = 0;
  std::size_t pending_deposits = 0;  // recorded by L1, not yet credited: the batch credits them in order
  u64 forced_exits_processed = 0;
  std::size_t pending_forced_exits = 0;  // likewise for forced-exit requests
  std::vector<LoadedAccount> accounts;
};

rc::Gen<std::size_t> owner_gen() {
  // The off-curve key rarely: its accounts can receive but every signature from them fails.
  return rc::gen::weightedOneOf<std::size_t>(
      {{12, uniform<std::size_t>(0, signer_count)}, {1, rc::gen::just<std::size_t>(std::size_t{off_curve})}});
}

u64 balance_of(int choice) {
  // 0 and 1: the smallest balances, for overspending by one; near UINT64_MAX: credits overflow.
  constexpr std::array<u64, 7> balances = {0, 1, 1000, 1'000'000, 1'000'000'000, l2::u64_max - 1, l2::u64_max};
  return balances[static_cast<std::size_t>(choice)];
}

rc::Gen<LoadedAccount> loaded_account_gen() {
  return rc::gen::build<LoadedAccount>(
      // Mostly dense small indices; sometimes far apart (the engine's sparse map) or the last index.
      rc::gen::set(&LoadedAccount::index_choice, rc::gen::weightedElement<int>({{10, 0}, {1, 1}, {1, 2}, {1, 3}})),
      rc::gen::set(&LoadedAccount::owner, owner_gen()),
      rc::gen::set(&LoadedAccount::balance_choice,
                   rc::gen::weightedElement<int>({{2, 0}, {2, 1}, {6, 2}, {12, 3}, {4, 4}, {1, 5}, {1, 6}})),
      // UINT64_MAX: the next signed transaction exhausts the nonce (OR-SEND-5).
      rc::gen::set(&LoadedAccount::nonce_choice, rc::gen::weightedElement<int>({{20, 0}, {4, 1}, {4, 2}, {1, 3}})));
}

rc::Gen<Setup> setup_gen() {
  return rc::gen::build<Setup>(
      rc::gen::set(&Setup::operator_key, owner_gen()),
      // Without account 0 every transfer fails at OR-FEE-1 (a state genesis cannot lead to).
      rc::gen::set(&Setup::fee_account, rc::gen::weightedElement<bool>({{15, true}, {1, false}})),
      rc::gen::set(&Setup::fee_balance_choice, rc::gen::weightedElement<int>({{12, 0}, {8, 3}, {1, 5}, {1, 6}})),
      rc::gen::set(&Setup::deposits_credited, uniform<u64>(0, 4)),
      rc::gen::set(&Setup::pending_deposits, uniform<std::size_t>(0, 4)),
      rc::gen::set(&Setup::forced_exits_processed, uniform<u64>(0, 3)),
      rc::gen::set(&Setup::pending_forced_exits, uniform<std::size_t>(0, 3)),
      rc::gen::set(&Setup::accounts,
                   rc::gen::container<std::vector<LoadedAccount>>(*uniform<std::size_t>(0, 13),
                                                                   loaded_account_gen())));
}

AccountIndex index_of(const LoadedAccount& a, std::size_t position) {
  switch (a.index_choice) {
    case 1: return (AccountIndex{1} << 20) + static_cast<AccountIndex>(position);
    case 2: return 0x80000000u + static_cast<AccountIndex>(position) * 977u;
    case 3: return 0xFFFFFFFFu - static_cast<AccountIndex>(position % 2);
    default: return static_cast<AccountIndex>(position + 1);
  }
}

// What L1 recorded: the ids of every deposit and forced exit so far, and the content of those not
// yet processed.
struct L1Log {
  std::vector<Hash32> ids;
  std::vector<std::optional<Deposit>> contents;  // known content (pending deposits and the batch's)
  std::vector<Hash32> forced_exit_ids;
  std::vector<std::optional<ForcedExit>> forced_exit_contents;  // the amount is decided at execution
  optimistic_rollup::L1View view() const { return optimistic_rollup::L1View{ids, forced_exit_ids}; }
};

// ---- The batch --------------------------------------------------------------------------------

enum Fault : int {
  none = 0,
  flipped_signature,
  wrong_signer,
  other_kind_digest,   // a transfer signed as a withdrawal, or the reverse
  r_out_of_range,
  nonce_replay,
  nonce_skip,
  overspend,
  amount_fee_overflow,
  unknown_sender,
  unknown_recipient,
  malformed,
  deposit_out_of_order,
  deposit_credited_twice,
  deposit_mismatch,
  deposit_not_recorded,
  deposit_existing_account,
  topup_empty_slot,
  topup_overflow,
  credit_overflow,     // a transfer to the richest account, and no fee or amount trimmed to fit
  forced_exit_out_of_order,
  forced_exit_processed_twice,
  forced_exit_mismatch,
  forced_exit_not_recorded,
  forced_exit_wrong_amount,
  fault_count,
};

struct Action {
  int kind = 0;  // 0 transfer, 1 withdrawal, 2 creating deposit, 3 top-up deposit, 4 forced exit
  std::size_t from_pick = 0;
  std::size_t to_pick = 0;
  int amount_choice = 0;
  int fee_choice = 0;
  std::size_t new_owner = 0;
  int fault = none;
  unsigned salt = 0;  // uniform: picks bytes and variants
};

// Each fault has weight `fault_weight` against 40 per fault for none: 0 injects nothing, 1 about one
// transaction in 40, 4 one in 11.
rc::Gen<int> fault_gen(int fault_weight) {
  const int none_weight = 40 * (fault_count - 1);
  return rc::gen::map(uniform<int>(0, none_weight + fault_weight * (fault_count - 1)),
                      [=](int r) { return r < none_weight ? int{none} : 1 + (r - none_weight) / fault_weight; });
}

rc::Gen<Action> action_gen(int fault_weight) {
  return rc::gen::build<Action>(
      rc::gen::set(&Action::kind, rc::gen::weightedElement<int>({{12, 0}, {3, 1}, {3, 2}, {2, 3}, {3, 4}})),
      rc::gen::set(&Action::from_pick, uniform<std::size_t>(0, 1000)),
      rc::gen::set(&Action::to_pick, uniform<std::size_t>(0, 1000)),
      rc::gen::set(&Action::amount_choice, rc::gen::weightedElement<int>({{2, 0}, {8, 1}, {1, 2}, {1, 3}})),
      rc::gen::set(&Action::fee_choice, rc::gen::weightedElement<int>({{3, 0}, {3, 1}, {3, 2}, {1, 3}})),
      rc::gen::set(&Action::new_owner, owner_gen()), rc::gen::set(&Action::fault, fault_gen(fault_weight)),
      rc::gen::set(&Action::salt, uniform<unsigned>(0, 1u << 16)));
}

class BatchBuilder {
 public:
  BatchBuilder(const State& pre_state, L1Log& log) : state_(pre_state), log_(log) {}

  void add(const Action& act) {
    Transaction tx = make(act);
    if (!stopped_) {
      auto next = optimistic_rollup::apply_tx(params(), log_.view(), state_, tx, OracleCheck{});
      if (next.ok()) {
        state_ = std::move(next).value();
        if (tx.kind == TxKind::transfer && tx.transfer->from != 0 && created_.count(tx.transfer->from) != 0)
          ++spent_from_new_accounts_;
      } else {
        // Nothing after the first rejection is reached; later transactions are still built (the
        // engine must not apply them), from the state before it.
        stopped_ = true;
      }
    }
    batch_.push_back(std::move(tx));
  }

  const std::vector<Transaction>& batch() const { return batch_; }
  std::size_t spent_from_new_accounts() const { return spent_from_new_accounts_; }

 private:
  std::vector<AccountIndex> existing() const {
    std::vector<AccountIndex> out;
    for (const auto& [index, account] : state_.accounts()) out.push_back(index);
    return out;
  }

  // An index no account has: just above the highest, or far away.
  AccountIndex absent(unsigned salt) const {
    const auto accounts = state_.accounts();
    if (salt % 3 == 0) {
      for (AccountIndex candidate = 0x7FFFFF00u;; ++candidate)
        if (!state_.account(candidate)) return candidate;
    }
    AccountIndex candidate = accounts.empty() ? 1 : accounts.back().first;
    while (state_.account(candidate)) {
      candidate = candidate == 0xFFFFFFFFu ? 1 : candidate + 1;
    }
    return candidate;
  }

  // A fresh slot for a new account: usually the next small index (what L1 assigns), sometimes far.
  AccountIndex fresh_slot(unsigned salt) {
    if (salt % 8 == 0) return absent(salt / 8);
    AccountIndex candidate = next_small_;
    while (state_.account(candidate)) ++candidate;
    next_small_ = candidate + 1;
    return candidate;
  }

  Transaction make(const Action& act) {
    const std::vector<AccountIndex> accounts = existing();
    switch (act.kind) {
      case 2:
      case 3: return make_deposit(act, accounts);
      case 4: return make_forced_exit(act, accounts);
      default: break;
    }
    if (accounts.empty()) return make_deposit(act, accounts);
    // Mostly a sender that can sign a valid transaction: a key on the curve and a nonce below
    // UINT64_MAX. Now and then any account, which may fail OR-SEND-2 or OR-SEND-5 on its own.
    const bool any_sender = act.salt % 16 == 0;
    AccountIndex from = accounts[act.from_pick % accounts.size()];
    for (std::size_t k = 0; k < accounts.size() && !any_sender; ++k) {
      const AccountIndex candidate = accounts[(act.from_pick + k) % accounts.size()];
      const Account account = *state_.account(candidate);
      if (pool().index_of(account.owner) != off_curve && account.nonce != l2::u64_max) {
        from = candidate;
        break;
      }
    }
    if (act.fault == unknown_sender) from = absent(act.salt);

    const std::optional<Account> sender = state_.account(from);
    const u64 balance = sender ? sender->balance : 0;
    u64 nonce = sender ? sender->nonce : 0;
    if (act.fault == nonce_replay) nonce = nonce == 0 ? 0 : nonce - 1;  // at 0 there is nothing to replay
    if (act.fault == nonce_skip) nonce += nonce == l2::u64_max ? 0 : 1 + act.salt % 3;

    u64 fee = 0;
    switch (act.fee_choice) {
      case 1: fee = 1; break;
      case 2: fee = std::min<u64>(balance / 100, 17); break;
      case 3: fee = balance / 2; break;
      default: break;
    }
    fee = std::min(fee, balance);
    // The fee account near UINT64_MAX: a plausible transaction pays no fee (else OR-FEE-2).
    const std::optional<Account> operator_account = state_.account(optimistic_rollup::fee_account);
    const bool plausible_credits = act.fault != credit_overflow;
    if (plausible_credits && operator_account && fee > l2::u64_max - operator_account->balance) fee = 0;
    const u64 spendable = balance - fee;
    u64 amount = 0;
    switch (act.amount_choice) {
      case 1: amount = spendable == 0 ? 0 : act.salt % std::min<u64>(spendable, 100'000) + 1; break;
      case 2: amount = spendable; break;
      case 3: amount = spendable / 3; break;
      default: break;
    }
    amount = std::min(amount, spendable);

    AccountIndex to = accounts[act.to_pick % accounts.size()];
    if (act.to_pick % 10 == 0) to = from;             // to oneself
    if (act.to_pick % 10 == 1) to = optimistic_rollup::fee_account;  // to the fee account
    if (act.fault == credit_overflow) {
      // The richest account receives everything the sender has (OR-XFER-2 or OR-FEE-2 if that overflows).
      for (const AccountIndex candidate : accounts)
        if (state_.account(candidate)->balance > state_.account(to)->balance) to = candidate;
      amount = spendable;
    }
    if (act.fault == unknown_recipient) to = absent(act.salt + 1);
    // A plausible recipient is credited without overflow (its balance after the debit, if it is the
    // sender): else the amount shrinks to what fits.
    if (const std::optional<Account> recipient = state_.account(to); recipient && plausible_credits) {
      const u64 recipient_balance = to == from ? balance - fee - amount : recipient->balance;
      amount = std::min(amount, l2::u64_max - recipient_balance);
    }
    if (act.fault == overspend) amount = spendable == l2::u64_max ? spendable : spendable + 1;
    if (act.fault == amount_fee_overflow) {
      amount = l2::u64_max - act.salt % 2;
      fee = 2;
    }

    const bool transfer = act.kind == 0;
    const std::size_t signer = sender ? pool().index_of(sender->owner) : act.new_owner;
    Transaction tx;
    if (transfer) {
      Transfer t{from, to, amount, fee, nonce, {}};
      Hash32 digest = optimistic_rollup::transfer_digest(params(), t);
      if (act.fault == other_kind_digest)
        digest = optimistic_rollup::withdrawal_digest(params(), Withdrawal{from, Hash32{}, amount, fee, nonce, {}});
      t.signature = pool().sign(act.fault == wrong_signer ? (signer + 1 + act.salt % 4) % signer_count : signer, digest);
      tx = optimistic_rollup::make_transaction(t);
    } else {
      Withdrawal w{from, oracle::tagged_hash("test/l1_recipient", l2::Bytes{static_cast<u8>(act.salt)}), amount, fee,
                   nonce, {}};
      Hash32 digest = optimistic_rollup::withdrawal_digest(params(), w);
      if (act.fault == other_kind_digest) digest = optimistic_rollup::transfer_digest(params(), Transfer{from, 0, amount, fee, nonce, {}});
      w.signature = pool().sign(act.fault == wrong_signer ? (signer + 1 + act.salt % 4) % signer_count : signer, digest);
      tx = optimistic_rollup::make_transaction(w);
    }
    optimistic_rollup::Signature& signature = transfer ? tx.transfer->signature : tx.withdrawal->signature;
    if (act.fault == flipped_signature) signature[act.salt % 64] ^= static_cast<u8>(1u << (act.salt % 8));
    if (act.fault == r_out_of_range) std::fill(signature.begin(), signature.begin() + 32, u8{0xFF});
    if (act.fault == malformed) break_shape(tx, act.salt);
    return tx;
  }

  // The kind names another body, or a second body is present, or none is.
  static void break_shape(Transaction& tx, unsigned salt) {
    switch (salt % 3) {
      case 0: tx.kind = tx.kind == TxKind::transfer ? TxKind::withdrawal : TxKind::transfer; break;
      case 1: tx.deposit = Deposit{0, 1, std::nullopt, 1}; break;
      default:
        tx.transfer.reset();
        tx.withdrawal.reset();
        break;
    }
  }

  Transaction make_deposit(const Action& act, const std::vector<AccountIndex>& accounts) {
    const u64 credited = state_.deposits_credited();
    Deposit d{};
    const bool pending = credited < log_.ids.size() && log_.contents[credited].has_value();
    if (pending) {
      d = *log_.contents[credited];  // L1 recorded it before the batch: credit exactly that
    } else {
      const bool topup = act.kind == 3 && !accounts.empty();
      d.deposit_index = credited;
      d.to = topup ? accounts[act.to_pick % accounts.size()] : fresh_slot(act.salt);
      if (!topup) d.new_owner = pool().pubkey[act.new_owner];
      // Now and then a deposit near UINT64_MAX, which later credits to the account overflow.
      d.amount = act.amount_choice == 3 && act.salt % 4 == 0 ? l2::u64_max - act.salt % 2 : act.salt * 1000u + act.salt % 7;
    }
    if (!pending && !d.new_owner && act.fault != topup_overflow) {
      if (const std::optional<Account> account = state_.account(d.to))
        d.amount = std::min(d.amount, l2::u64_max - account->balance);
    }
    const bool recordable = credited == log_.ids.size() && !log_frozen_;
    switch (act.fault) {
      case deposit_out_of_order: d.deposit_index = credited + 1 + act.salt % 2; break;
      case deposit_credited_twice:
        if (credited > 0) d.deposit_index = credited - 1 - act.salt % credited;
        break;
      case deposit_existing_account:
        if (!accounts.empty()) {
          d.to = accounts[act.to_pick % accounts.size()];
          d.new_owner = pool().pubkey[act.new_owner];
        }
        break;
      case topup_empty_slot:
        d.to = absent(act.salt);
        d.new_owner.reset();
        break;
      case topup_overflow:
        if (!accounts.empty()) {
          d.to = accounts[act.to_pick % accounts.size()];
          d.new_owner.reset();
          d.amount = l2::u64_max - state_.account(d.to)->balance + 1 + act.salt % 3;
          if (d.amount == 0) d.amount = l2::u64_max;
        }
        break;
      default: break;
    }
    if (act.fault == deposit_not_recorded && recordable) {
      // Never recorded, and nothing after it may be: L1's view is fixed when the batch is posted.
      log_frozen_ = true;
    } else if (recordable && d.deposit_index == credited) {
      log_.ids.push_back(optimistic_rollup::deposit_id(params(), d));
      log_.contents.push_back(d);
    }
    if (act.fault == deposit_mismatch) d.amount += 1 + act.salt % 5;  // differs from what L1 recorded
    if (d.new_owner && state_.account(d.to) == std::nullopt) created_.insert(d.to);
    return optimistic_rollup::make_transaction(d);
  }

  // A forced exit of an account (usually one that exists, sometimes an empty slot), requested by its
  // owner or by someone else, with the amount the reference will require unless a fault says otherwise.
  Transaction make_forced_exit(const Action& act, const std::vector<AccountIndex>& accounts) {
    const u64 processed = state_.forced_exits_processed();
    const bool pending = processed < log_.forced_exit_ids.size() && log_.forced_exit_contents[processed].has_value();
    ForcedExit e{};
    if (pending) {
      e = *log_.forced_exit_contents[processed];  // L1 recorded it before the batch
    } else {
      e.request_index = processed;
      e.from = accounts.empty() || act.salt % 6 == 0 ? absent(act.salt) : accounts[act.from_pick % accounts.size()];
      const std::optional<Account> account = state_.account(e.from);
      // The owner asks two times in three; otherwise another key (which may happen to be the owner's).
      e.requester = account && act.salt % 3 != 0 ? account->owner : pool().pubkey[act.new_owner];
      e.l1_recipient = oracle::tagged_hash("test/forced_exit_recipient", l2::Bytes{static_cast<u8>(act.salt)});
    }
    const std::optional<Account> account = state_.account(e.from);
    e.amount = account && account->owner == e.requester ? account->balance : 0;
    const bool recordable = processed == log_.forced_exit_ids.size() && !forced_exit_log_frozen_;
    switch (act.fault) {
      case forced_exit_out_of_order: e.request_index = processed + 1 + act.salt % 2; break;
      case forced_exit_processed_twice:
        if (processed > 0) e.request_index = processed - 1 - act.salt % processed;
        break;
      default: break;
    }
    if (act.fault == forced_exit_not_recorded && recordable) {
      forced_exit_log_frozen_ = true;
    } else if (recordable && e.request_index == processed) {
      log_.forced_exit_ids.push_back(optimistic_rollup::forced_exit_id(params(), e));
      log_.forced_exit_contents.push_back(e);
    }
    if (act.fault == forced_exit_mismatch) {
      if (act.salt % 2 == 0) {
        e.l1_recipient[act.salt % 32] ^= 0x01;
      } else {
        e.from += 1;
      }
    }
    // 0 for the owner's account, one more or one less than the balance, or the balance for a non-owner.
    if (act.fault == forced_exit_wrong_amount) e.amount = e.amount == 0 ? 1 + (account ? account->balance : 0) : e.amount - 1;
    return optimistic_rollup::make_transaction(e);
  }

  State state_;
  L1Log& log_;
  std::vector<Transaction> batch_;
  std::set<AccountIndex> created_;
  AccountIndex next_small_ = 1;
  bool stopped_ = false;
  bool log_frozen_ = false;
  bool forced_exit_log_frozen_ = false;
  std::size_t spent_from_new_accounts_ = 0;
};

// ---- The comparison ---------------------------------------------------------------------------

// Where the reference stops: the fold of apply_tx (what execute_batch is), with libsecp256k1.
struct Reached {
  std::size_t applied = 0;
  OptimisticRollupError error = OptimisticRollupError::none;
};

Reached fold_reference(const State& pre_state, const optimistic_rollup::L1View& l1, const std::vector<Transaction>& batch) {
  State state = pre_state;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto next = optimistic_rollup::apply_tx(params(), l1, state, batch[i], OracleCheck{});
    if (!next.ok()) return Reached{i, next.error()};
    state = std::move(next).value();
  }
  return Reached{batch.size(), OptimisticRollupError::none};
}

std::string describe(const Transaction& tx) { return l2::reflect::to_text(tx); }

void expect_same_state(const Engine& engine, const State& state, const std::string& how) {
  const auto accounts = engine.accounts();
  RC_ASSERT(accounts.size() == state.accounts().size());
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    if (accounts[i].first != state.accounts()[i].first || !l2::reflect::equal(accounts[i].second, state.accounts()[i].second))
      RC_FAIL("account differs" + how + ": reference " + std::to_string(state.accounts()[i].first) + " " +
              l2::reflect::to_text(state.accounts()[i].second) + ", engine " + std::to_string(accounts[i].first) + " " +
              l2::reflect::to_text(accounts[i].second));
  }
  RC_ASSERT(engine.deposits_credited() == state.deposits_credited());
  RC_ASSERT(engine.forced_exits_processed() == state.forced_exits_processed());
  RC_ASSERT(engine.state_root() == state.root());
}

// How the engine is driven: `threads`, the batch cut into two calls at `split` (none: one call), and
// the SHA-256 kernel.
struct EngineRun {
  unsigned threads = 0;
  std::optional<std::size_t> split;
  const l2::opt::sha256::Kernel* kernel = nullptr;
};

void expect_matches_reference(const State& pre_state, const optimistic_rollup::L1View& l1, const std::vector<Transaction>& batch,
                              const std::vector<EngineRun>& runs) {
  // The reference with its own BIP-340, and where it stops.
  const auto expected = optimistic_rollup::execute_batch(params(), l1, pre_state, batch);
  const Reached reached = fold_reference(pre_state, l1, batch);
  RC_ASSERT(code(expected.ok() ? OptimisticRollupError::none : expected.error()) == code(reached.error));

  for (const EngineRun& run : runs) {
    std::ostringstream how_text;
    how_text << " (threads " << run.threads << ", " << (run.split ? 2 : 1) << " calls, kernel " << run.kernel->name << ")";
    const std::string how = how_text.str();
    Engine engine(pre_state, run.threads, *run.kernel);
    const std::size_t split = run.split.value_or(batch.size());
    const std::span<const Transaction> all(batch);
    auto outcome = engine.execute_batch(params(), l1, all.first(split), run.threads);
    if (outcome.ok() && split < batch.size()) {
      // The second call starts from the first's post-state.
      std::vector<Hash32> roots = std::move(outcome.state_roots);
      const State middle = engine.to_state();
      auto second = engine.execute_batch(params(), l1, all.subspan(split), run.threads);
      if (second.ok()) {
        roots.insert(roots.end(), second.state_roots.begin() + 1, second.state_roots.end());
        second.state_roots = std::move(roots);
      } else {
        second.failed_transaction += split;
        // The second call rolls back to the middle state only.
        expect_same_state(engine, middle, how + " after the second call's rejection");
      }
      outcome = std::move(second);
    }

    if (expected.ok()) {
      if (!outcome.ok())
        RC_FAIL("reference accepts, engine rejects transaction " + std::to_string(outcome.failed_transaction) +
                " with " + code(outcome.error) + how + "\n  " + describe(batch[outcome.failed_transaction]));
      RC_ASSERT(outcome.state_roots.size() == expected.value().state_roots.size());
      for (std::size_t i = 0; i < outcome.state_roots.size(); ++i)
        if (outcome.state_roots[i] != expected.value().state_roots[i])
          RC_FAIL("state root " + std::to_string(i) + " differs" + how);
      expect_same_state(engine, expected.value().post_state, how);
    } else {
      if (outcome.ok())
        RC_FAIL("reference rejects transaction " + std::to_string(reached.applied) + " with " + code(expected.error()) +
                ", engine accepts" + how + "\n  " + describe(batch[reached.applied]));
      if (outcome.error != expected.error() || outcome.failed_transaction != reached.applied)
        RC_FAIL("reference rejects transaction " + std::to_string(reached.applied) + " with " + code(expected.error()) +
                ", engine transaction " + std::to_string(outcome.failed_transaction) + " with " + code(outcome.error) +
                how + "\n  " + describe(batch[reached.applied]));
      RC_ASSERT(outcome.state_roots.empty());
      if (!run.split || *run.split >= batch.size() || outcome.failed_transaction < *run.split)
        expect_same_state(engine, pre_state, how + " after the rejection");
    }
  }
}

State make_pre_state(const Setup& setup, L1Log& log) {
  State state;
  if (setup.fee_account) state.put(optimistic_rollup::fee_account, Account{balance_of(setup.fee_balance_choice), 0,
                                                             pool().pubkey[setup.operator_key]});
  for (std::size_t i = 0; i < setup.accounts.size(); ++i) {
    const LoadedAccount& a = setup.accounts[i];
    constexpr std::array<u64, 4> nonces = {0, 1, 41, l2::u64_max};
    state.put(index_of(a, i), Account{balance_of(a.balance_choice), nonces[static_cast<std::size_t>(a.nonce_choice)],
                                      pool().pubkey[a.owner]});
  }
  state.set_counters(Counters{setup.deposits_credited, setup.forced_exits_processed});
  // Credited deposits: only their ids matter now. Pending ones: recorded with their content.
  for (u64 k = 0; k < setup.deposits_credited; ++k) {
    log.ids.push_back(oracle::tagged_hash("test/old_deposit", l2::Bytes{static_cast<u8>(k)}));
    log.contents.emplace_back(std::nullopt);
  }
  for (std::size_t k = 0; k < setup.pending_deposits; ++k) {
    Deposit d{setup.deposits_credited + k, static_cast<AccountIndex>(100 + k), pool().pubkey[k % signer_count],
              1000 * (k + 1)};
    if (k == 2 && state.account(1)) {  // a pending top-up
      d.to = 1;
      d.new_owner.reset();
    }
    log.ids.push_back(optimistic_rollup::deposit_id(params(), d));
    log.contents.emplace_back(d);
  }
  for (u64 k = 0; k < setup.forced_exits_processed; ++k) {
    log.forced_exit_ids.push_back(oracle::tagged_hash("test/old_forced_exit", l2::Bytes{static_cast<u8>(k)}));
    log.forced_exit_contents.emplace_back(std::nullopt);
  }
  // Pending requests of accounts 1, 2 and 3 (which may not exist), by their owners' keys 1, 2, 3;
  // the amount is decided when the batch runs.
  for (std::size_t k = 0; k < setup.pending_forced_exits; ++k) {
    const ForcedExit e{setup.forced_exits_processed + k, static_cast<AccountIndex>(1 + k), pool().pubkey[1 + k],
                       Hash32{static_cast<u8>(0xe0 + k)}, 0};
    log.forced_exit_ids.push_back(optimistic_rollup::forced_exit_id(params(), e));
    log.forced_exit_contents.emplace_back(e);
  }
  return state;
}

RC_GTEST_PROP(OptimisticRollupEngineDifferential, RandomBatchesMatchTheReference, ()) {
  const Setup setup = *setup_gen();
  L1Log log;
  const State pre_state = make_pre_state(setup, log);
  // A third of the batches carry no injected fault, so that long valid batches are common.
  const int fault_weight = *rc::gen::weightedElement<int>({{1, 0}, {1, 1}, {1, 4}});
  const std::size_t length = *rc::gen::weightedElement<std::size_t>({{2, 20}, {2, 80}, {2, 200}});
  const auto actions =
      *rc::gen::container<std::vector<Action>>(*uniform<std::size_t>(1, length + 1), action_gen(fault_weight));

  BatchBuilder builder(pre_state, log);
  for (const Action& act : actions) builder.add(act);
  const std::vector<Transaction>& batch = builder.batch();
  const optimistic_rollup::L1View l1 = log.view();

  const std::size_t split = *uniform<std::size_t>(0, batch.size() + 1);
  const std::vector<const l2::opt::sha256::Kernel*> kernels = l2::opt::sha256::supported_kernels();
  const auto* kernel = *rc::gen::elementOf(kernels);
  expect_matches_reference(pre_state, l1, batch, {EngineRun{2, std::nullopt, kernel}, EngineRun{1, split, kernel}});

  const Reached reached = fold_reference(pre_state, l1, batch);
  RC_CLASSIFY(reached.error == OptimisticRollupError::none, "valid batch");
  RC_CLASSIFY(reached.error != OptimisticRollupError::none, "rejected: " + code(reached.error));
  RC_CLASSIFY(reached.applied >= 50, "50 or more transactions applied");
  RC_CLASSIFY(builder.spent_from_new_accounts() > 0, "a signed transaction from an account the batch created");
  RC_CLASSIFY(std::any_of(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(reached.applied),
                          [](const Transaction& tx) { return tx.kind == TxKind::forced_exit; }),
              "a forced exit applied");
}

}  // namespace
