// Optimistic-rollup L2 transactions checked at compile time: this file compiling is the test passing.
//
// Every transaction runs with l2::test::rollup::SymbolicCheck in place of BIP-340 (constant-evaluating
// BIP-340 costs seconds per signature); everything else is real: the account tree, the state
// root, the digests, the witnesses and which key must have signed. Constant evaluation of SHA-256
// is slow, so each scenario below is one evaluation that builds its states once and returns a
// record of checks; the static_asserts read the record. The same rules run with real BIP-340
// signatures in tests/unit/optimistic_rollup_test.cpp.
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <vector>

#include "l2/ref/optimistic_rollup.hpp"
#include "l2/test/optimistic_rollup_symbolic_signature.hpp"

namespace {

using l2::Hash32;
using l2::OptimisticRollupError;
using l2::u64;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
using optimistic_rollup::Account;
using optimistic_rollup::Deposit;
using optimistic_rollup::L1View;
using optimistic_rollup::State;
using optimistic_rollup::Transaction;
using optimistic_rollup::Transfer;
using optimistic_rollup::Withdrawal;

constexpr Hash32 key(l2::u8 tag) { return l2::test::rollup::filled(tag); }
constexpr auto toy = l2::test::rollup::symbolic;
constexpr optimistic_rollup::Signature toy_sign(const Hash32& pubkey, const Hash32& digest) {
  return l2::test::rollup::symbolic_sign(pubkey, digest);
}

constexpr Hash32 operator_key = key(0x0f);
constexpr Hash32 alice = key(0xa1);
constexpr Hash32 bob = key(0xb2);
constexpr optimistic_rollup::AccountIndex alice_index = 1;
constexpr optimistic_rollup::AccountIndex bob_index = 2;

constexpr optimistic_rollup::L2Params params{1, optimistic_rollup::rollup_id(1, key(0xcc), operator_key, 0)};

// L1's deposit log: alice opens account 1 with 1000, bob account 2 with 500, then alice tops up 50.
constexpr Deposit deposit_alice{0, alice_index, alice, 1000};
constexpr Deposit deposit_bob{1, bob_index, bob, 500};
constexpr Deposit top_up_alice{2, alice_index, std::nullopt, 50};
constexpr std::array<Hash32, 3> deposit_log{optimistic_rollup::deposit_id(params, deposit_alice), optimistic_rollup::deposit_id(params, deposit_bob),
                                            optimistic_rollup::deposit_id(params, top_up_alice)};
// L1's forced exits: alice asks for her own account, bob for alice's.
constexpr optimistic_rollup::ForcedExit exit_alice{0, alice_index, alice, key(0xe1), 0};
constexpr optimistic_rollup::ForcedExit exit_by_bob{1, alice_index, bob, key(0xe2), 0};
constexpr std::array<Hash32, 2> exit_log{optimistic_rollup::forced_exit_id(params, exit_alice), optimistic_rollup::forced_exit_id(params, exit_by_bob)};
constexpr L1View l1{deposit_log, exit_log};

constexpr Transaction transfer(optimistic_rollup::AccountIndex from, optimistic_rollup::AccountIndex to, u64 amount, u64 fee, u64 nonce,
                               const Hash32& signer) {
  Transfer t{from, to, amount, fee, nonce, {}};
  t.signature = toy_sign(signer, optimistic_rollup::transfer_digest(params, t));
  return optimistic_rollup::make_transaction(t);
}

constexpr Transaction withdrawal(optimistic_rollup::AccountIndex from, u64 amount, u64 fee, u64 nonce, const Hash32& signer) {
  Withdrawal w{from, key(0xe1), amount, fee, nonce, {}};
  w.signature = toy_sign(signer, optimistic_rollup::withdrawal_digest(params, w));
  return optimistic_rollup::make_transaction(w);
}

// Genesis, then the first two deposits: alice 1000 (nonce 0), bob 500, the operator 0.
constexpr State funded() {
  State s = optimistic_rollup::apply_tx(params, l1, State::genesis(operator_key), optimistic_rollup::make_transaction(deposit_alice), toy).value();
  return optimistic_rollup::apply_tx(params, l1, s, optimistic_rollup::make_transaction(deposit_bob), toy).value();
}

constexpr OptimisticRollupError error_of(const State& s, const Transaction& tx, const L1View& view = l1) {
  const auto r = optimistic_rollup::apply_tx(params, view, s, tx, toy);
  return r.ok() ? OptimisticRollupError::none : r.error();
}

// The stateless step on the witness the stateful run recorded; the error, or none with the root
// compared against the stateful post-state's.
constexpr bool stateless_agrees(const State& s, const Transaction& tx, const L1View& view = l1) {
  const optimistic_rollup::TxWitness witness = optimistic_rollup::witness_for(params, view, s, tx, toy);
  const auto stateless = optimistic_rollup::apply_tx(params, view, s.root(), witness, tx, toy);
  const auto stateful = optimistic_rollup::apply_tx(params, view, s, tx, toy);
  if (stateful.ok() != stateless.ok()) return false;
  if (!stateful.ok()) return stateful.error() == stateless.error();
  return stateful.value().root() == stateless.value();
}

constexpr Account at(const State& s, optimistic_rollup::AccountIndex index) { return s.account(index).value(); }

// ---- genesis and deposits [OR-DEP-1 .. OR-DEP-7] ----
struct DepositChecks {
  bool genesis_holds_only_the_fee_account = false;
  bool deposits_create_accounts = false;
  bool top_up_credits = false;
  bool root_commits_to_the_deposit_counter = false;
  bool stateless_matches_stateful = false;
  OptimisticRollupError replayed = OptimisticRollupError::none;
  OptimisticRollupError skipped = OptimisticRollupError::none;
  OptimisticRollupError unrecorded = OptimisticRollupError::none;
  OptimisticRollupError altered = OptimisticRollupError::none;
  OptimisticRollupError slot_taken = OptimisticRollupError::none;
  OptimisticRollupError top_up_of_nobody = OptimisticRollupError::none;
  OptimisticRollupError overflow = OptimisticRollupError::none;
};

constexpr DepositChecks check_deposits() {
  DepositChecks c;
  const State genesis = State::genesis(operator_key);
  c.genesis_holds_only_the_fee_account = genesis.accounts().size() == 1 && at(genesis, optimistic_rollup::fee_account).owner == operator_key &&
                                         at(genesis, optimistic_rollup::fee_account).balance == 0 && genesis.deposits_credited() == 0 &&
                                         genesis.forced_exits_processed() == 0;
  const State s = funded();
  c.deposits_create_accounts = at(s, alice_index).balance == 1000 && at(s, alice_index).owner == alice &&
                               at(s, alice_index).nonce == 0 && at(s, bob_index).balance == 500 &&
                               s.deposits_credited() == 2;
  const State topped = optimistic_rollup::apply_tx(params, l1, s, optimistic_rollup::make_transaction(top_up_alice), toy).value();
  c.top_up_credits = at(topped, alice_index).balance == 1050 && at(topped, alice_index).owner == alice &&
                     topped.deposits_credited() == 3 && topped.forced_exits_processed() == 0;
  // Same accounts, different counter: different roots.
  State recount = s;
  recount.set_counters(optimistic_rollup::Counters{3, 0});
  c.root_commits_to_the_deposit_counter = recount.root() != s.root() && recount.header().accounts_root == s.header().accounts_root;
  c.stateless_matches_stateful = stateless_agrees(s, optimistic_rollup::make_transaction(top_up_alice)) &&
                                 stateless_agrees(genesis, optimistic_rollup::make_transaction(deposit_alice));

  c.replayed = error_of(s, optimistic_rollup::make_transaction(deposit_alice));
  c.skipped = error_of(optimistic_rollup::apply_tx(params, l1, genesis, optimistic_rollup::make_transaction(deposit_alice), toy).value(),
                       optimistic_rollup::make_transaction(top_up_alice));
  c.unrecorded = error_of(s, optimistic_rollup::make_transaction(top_up_alice), L1View{std::span(deposit_log).first(2), exit_log});
  c.altered = error_of(s, optimistic_rollup::make_transaction(Deposit{2, alice_index, std::nullopt, 51}));

  // L1 records deposits the contract would never assign (a creation at a taken slot, a top-up of
  // an empty one): the L2 rules must still refuse them.
  const Deposit create_at_bob{2, bob_index, alice, 5};
  const std::array<Hash32, 3> log_taken{deposit_log[0], deposit_log[1], optimistic_rollup::deposit_id(params, create_at_bob)};
  c.slot_taken = error_of(s, optimistic_rollup::make_transaction(create_at_bob), L1View{log_taken, exit_log});
  const Deposit top_up_empty{2, 7, std::nullopt, 5};
  const std::array<Hash32, 3> log_empty{deposit_log[0], deposit_log[1], optimistic_rollup::deposit_id(params, top_up_empty)};
  c.top_up_of_nobody = error_of(s, optimistic_rollup::make_transaction(top_up_empty), L1View{log_empty, exit_log});
  const Deposit top_up_max{2, alice_index, std::nullopt, l2::u64_max - 999};  // 1000 + this = 2^64
  const std::array<Hash32, 3> log_max{deposit_log[0], deposit_log[1], optimistic_rollup::deposit_id(params, top_up_max)};
  c.overflow = error_of(s, optimistic_rollup::make_transaction(top_up_max), L1View{log_max, exit_log});
  return c;
}

constexpr DepositChecks deposits = check_deposits();
static_assert(deposits.genesis_holds_only_the_fee_account);
static_assert(deposits.deposits_create_accounts);
static_assert(deposits.top_up_credits);
static_assert(deposits.root_commits_to_the_deposit_counter);
static_assert(deposits.stateless_matches_stateful);
static_assert(deposits.replayed == OptimisticRollupError::deposit_already_credited);
static_assert(deposits.skipped == OptimisticRollupError::deposit_out_of_order);
static_assert(deposits.unrecorded == OptimisticRollupError::deposit_not_recorded);
static_assert(deposits.altered == OptimisticRollupError::deposit_mismatch);
static_assert(deposits.slot_taken == OptimisticRollupError::account_exists);
static_assert(deposits.top_up_of_nobody == OptimisticRollupError::unknown_account);
static_assert(deposits.overflow == OptimisticRollupError::deposit_balance_overflow);

// ---- transfers [OR-TX-1, OR-SEND-1 .. OR-SEND-7, OR-XFER-1, OR-XFER-2, OR-FEE-1, OR-FEE-2] ----
struct TransferChecks {
  bool moves_amount_and_fee = false;
  bool stateless_matches_stateful = false;
  bool self_transfer_costs_the_fee = false;
  bool transfer_to_fee_account = false;
  bool zero_fee_leaves_fee_account = false;
  OptimisticRollupError replayed = OptimisticRollupError::none;
  OptimisticRollupError gap = OptimisticRollupError::none;
  OptimisticRollupError wrong_signer = OptimisticRollupError::none;
  OptimisticRollupError other_rollup = OptimisticRollupError::none;
  OptimisticRollupError no_sender = OptimisticRollupError::none;
  OptimisticRollupError no_recipient = OptimisticRollupError::none;
  OptimisticRollupError exact_balance = OptimisticRollupError::none;
  OptimisticRollupError one_too_many = OptimisticRollupError::none;
  OptimisticRollupError amount_plus_fee_overflows = OptimisticRollupError::none;
  OptimisticRollupError nonce_at_max = OptimisticRollupError::none;
  OptimisticRollupError recipient_overflows = OptimisticRollupError::none;
  OptimisticRollupError fee_overflows = OptimisticRollupError::none;
  OptimisticRollupError no_fee_account = OptimisticRollupError::none;
  OptimisticRollupError malformed = OptimisticRollupError::none;
  bool rejections_agree_stateless = false;
};

constexpr TransferChecks check_transfers() {
  TransferChecks c;
  const State s = funded();
  const Transaction pay = transfer(alice_index, bob_index, 100, 3, 0, alice);
  const State after = optimistic_rollup::apply_tx(params, l1, s, pay, toy).value();
  c.moves_amount_and_fee = at(after, alice_index).balance == 897 && at(after, alice_index).nonce == 1 &&
                           at(after, bob_index).balance == 600 && at(after, bob_index).nonce == 0 &&
                           at(after, optimistic_rollup::fee_account).balance == 3 && after.deposits_credited() == 2;
  c.stateless_matches_stateful = stateless_agrees(s, pay);

  // from == to: the debit, then the credit of the same account, read through two openings.
  const Transaction to_self = transfer(alice_index, alice_index, 10, 1, 0, alice);
  const State self = optimistic_rollup::apply_tx(params, l1, s, to_self, toy).value();
  c.self_transfer_costs_the_fee = at(self, alice_index).balance == 999 && at(self, alice_index).nonce == 1 &&
                                  at(self, optimistic_rollup::fee_account).balance == 1 && stateless_agrees(s, to_self);
  const Transaction to_operator = transfer(alice_index, optimistic_rollup::fee_account, 10, 1, 0, alice);
  const State paid_operator = optimistic_rollup::apply_tx(params, l1, s, to_operator, toy).value();
  c.transfer_to_fee_account = at(paid_operator, optimistic_rollup::fee_account).balance == 11 && stateless_agrees(s, to_operator);
  const State free = optimistic_rollup::apply_tx(params, l1, s, transfer(alice_index, bob_index, 1, 0, 0, alice), toy).value();
  c.zero_fee_leaves_fee_account = at(free, optimistic_rollup::fee_account).balance == 0 && at(free, bob_index).balance == 501;

  c.replayed = error_of(after, pay);
  c.gap = error_of(s, transfer(alice_index, bob_index, 100, 3, 1, alice));
  c.wrong_signer = error_of(s, transfer(alice_index, bob_index, 100, 3, 0, bob));
  // Signed for another rollup: the digest binds rollup_id.
  Transfer foreign{alice_index, bob_index, 100, 3, 0, {}};
  foreign.signature = toy_sign(alice, optimistic_rollup::transfer_digest(optimistic_rollup::L2Params{1, key(0xdd)}, foreign));
  c.other_rollup = error_of(s, optimistic_rollup::make_transaction(foreign));
  c.no_sender = error_of(s, transfer(9, bob_index, 1, 0, 0, alice));
  c.no_recipient = error_of(s, transfer(alice_index, 9, 1, 0, 0, alice));
  c.exact_balance = error_of(s, transfer(alice_index, bob_index, 997, 3, 0, alice));
  c.one_too_many = error_of(s, transfer(alice_index, bob_index, 998, 3, 0, alice));
  c.amount_plus_fee_overflows = error_of(s, transfer(alice_index, bob_index, l2::u64_max, 1, 0, alice));

  State exhausted = s;
  exhausted.put(alice_index, Account{1000, l2::u64_max, alice});
  c.nonce_at_max = error_of(exhausted, transfer(alice_index, bob_index, 1, 0, l2::u64_max, alice));
  State rich_bob = s;
  rich_bob.put(bob_index, Account{l2::u64_max, 0, bob});
  c.recipient_overflows = error_of(rich_bob, transfer(alice_index, bob_index, 1, 0, 0, alice));
  State rich_operator = s;
  rich_operator.put(optimistic_rollup::fee_account, Account{l2::u64_max, 0, operator_key});
  c.fee_overflows = error_of(rich_operator, transfer(alice_index, bob_index, 1, 1, 0, alice));
  State no_operator;  // not from genesis: slot 0 is empty
  no_operator.put(alice_index, Account{1000, 0, alice});
  no_operator.put(bob_index, Account{0, 0, bob});
  c.no_fee_account = error_of(no_operator, transfer(alice_index, bob_index, 1, 0, 0, alice));

  Transaction mixed = pay;
  mixed.deposit = deposit_alice;
  c.malformed = error_of(s, mixed);

  c.rejections_agree_stateless = stateless_agrees(after, pay) && stateless_agrees(s, transfer(alice_index, bob_index, 100, 3, 0, bob)) &&
                                 stateless_agrees(s, transfer(alice_index, 9, 1, 0, 0, alice)) &&
                                 stateless_agrees(rich_operator, transfer(alice_index, bob_index, 1, 1, 0, alice)) &&
                                 stateless_agrees(no_operator, transfer(alice_index, bob_index, 1, 0, 0, alice));
  return c;
}

constexpr TransferChecks transfers = check_transfers();
static_assert(transfers.moves_amount_and_fee);
static_assert(transfers.stateless_matches_stateful);
static_assert(transfers.self_transfer_costs_the_fee);
static_assert(transfers.transfer_to_fee_account);
static_assert(transfers.zero_fee_leaves_fee_account);
static_assert(transfers.replayed == OptimisticRollupError::nonce_replayed);
static_assert(transfers.gap == OptimisticRollupError::nonce_gap);
static_assert(transfers.wrong_signer == OptimisticRollupError::bad_signature);
static_assert(transfers.other_rollup == OptimisticRollupError::bad_signature);
static_assert(transfers.no_sender == OptimisticRollupError::unknown_sender);
static_assert(transfers.no_recipient == OptimisticRollupError::unknown_recipient);
static_assert(transfers.exact_balance == OptimisticRollupError::none);  // 997 + 3 == 1000
static_assert(transfers.one_too_many == OptimisticRollupError::insufficient_balance);
static_assert(transfers.amount_plus_fee_overflows == OptimisticRollupError::amount_overflow);
static_assert(transfers.nonce_at_max == OptimisticRollupError::nonce_exhausted);
static_assert(transfers.recipient_overflows == OptimisticRollupError::recipient_balance_overflow);
static_assert(transfers.fee_overflows == OptimisticRollupError::fee_balance_overflow);
static_assert(transfers.no_fee_account == OptimisticRollupError::no_fee_account);
static_assert(transfers.malformed == OptimisticRollupError::tx_malformed);
static_assert(transfers.rejections_agree_stateless);

// ---- withdrawals [OR-SEND-*, OR-FEE-*] ----
struct WithdrawalChecks {
  bool debits_amount_and_fee = false;
  bool stateless_matches_stateful = false;
  OptimisticRollupError transfer_signature_reused = OptimisticRollupError::none;
  OptimisticRollupError replayed = OptimisticRollupError::none;
  OptimisticRollupError too_much = OptimisticRollupError::none;
};

constexpr WithdrawalChecks check_withdrawals() {
  WithdrawalChecks c;
  const State s = funded();
  const Transaction out = withdrawal(alice_index, 200, 2, 0, alice);
  const State after = optimistic_rollup::apply_tx(params, l1, s, out, toy).value();
  c.debits_amount_and_fee = at(after, alice_index).balance == 798 && at(after, alice_index).nonce == 1 &&
                            at(after, optimistic_rollup::fee_account).balance == 2 && at(after, bob_index).balance == 500;
  c.stateless_matches_stateful = stateless_agrees(s, out);
  // A signature over the transfer digest with the same numbers does not authorise a withdrawal.
  Withdrawal w{alice_index, key(0xe1), 200, 2, 0, {}};
  w.signature = toy_sign(alice, optimistic_rollup::transfer_digest(params, Transfer{alice_index, 0, 200, 2, 0, {}}));
  c.transfer_signature_reused = error_of(s, optimistic_rollup::make_transaction(w));
  c.replayed = error_of(after, out);
  c.too_much = error_of(s, withdrawal(alice_index, 999, 2, 0, alice));
  return c;
}

constexpr WithdrawalChecks withdrawals = check_withdrawals();
static_assert(withdrawals.debits_amount_and_fee);
static_assert(withdrawals.stateless_matches_stateful);
static_assert(withdrawals.transfer_signature_reused == OptimisticRollupError::bad_signature);
static_assert(withdrawals.replayed == OptimisticRollupError::nonce_replayed);
static_assert(withdrawals.too_much == OptimisticRollupError::insufficient_balance);

// ---- forced exits [OR-FEX-1 .. OR-FEX-5] ----
struct ForcedExitChecks {
  bool owner_takes_the_whole_balance = false;
  bool someone_elses_is_a_no_op = false;
  bool root_commits_to_the_exit_counter = false;
  bool stateless_matches_stateful = false;
  bool reads_only_the_account = false;
  OptimisticRollupError processed_twice = OptimisticRollupError::none;
  OptimisticRollupError skipped = OptimisticRollupError::none;
  OptimisticRollupError unrecorded = OptimisticRollupError::none;
  OptimisticRollupError other_recipient = OptimisticRollupError::none;
  OptimisticRollupError one_less = OptimisticRollupError::none;
  OptimisticRollupError one_more = OptimisticRollupError::none;
  OptimisticRollupError non_owner_takes_something = OptimisticRollupError::none;
};

constexpr Transaction forced_exit(optimistic_rollup::ForcedExit e, u64 amount) {
  e.amount = amount;
  return optimistic_rollup::make_transaction(e);
}

constexpr ForcedExitChecks check_forced_exits() {
  ForcedExitChecks c;
  const State s = funded();
  const State exited = optimistic_rollup::apply_tx(params, l1, s, forced_exit(exit_alice, 1000), toy).value();
  c.owner_takes_the_whole_balance = at(exited, alice_index).balance == 0 && at(exited, alice_index).owner == alice &&
                                    at(exited, alice_index).nonce == 0 && at(exited, bob_index).balance == 500 &&
                                    exited.deposits_credited() == 2 && exited.forced_exits_processed() == 1;
  const State noop = optimistic_rollup::apply_tx(params, l1, exited, forced_exit(exit_by_bob, 0), toy).value();
  c.someone_elses_is_a_no_op = noop.header().accounts_root == exited.header().accounts_root &&
                               noop.forced_exits_processed() == 2 && noop.deposits_credited() == 2;
  c.root_commits_to_the_exit_counter = noop.root() != exited.root();
  c.stateless_matches_stateful = stateless_agrees(s, forced_exit(exit_alice, 1000)) &&
                                 stateless_agrees(exited, forced_exit(exit_by_bob, 0)) &&
                                 stateless_agrees(s, forced_exit(exit_alice, 999));
  c.reads_only_the_account = optimistic_rollup::witness_for(params, l1, s, forced_exit(exit_alice, 1000), toy).accounts.size() == 1;
  c.processed_twice = error_of(exited, forced_exit(exit_alice, 0));
  c.skipped = error_of(s, forced_exit(exit_by_bob, 0));
  c.unrecorded = error_of(exited, forced_exit(exit_by_bob, 0), L1View{deposit_log, std::span(exit_log).first(1)});
  optimistic_rollup::ForcedExit redirected = exit_alice;
  redirected.l1_recipient = key(0xe2);
  c.other_recipient = error_of(s, forced_exit(redirected, 1000));
  c.one_less = error_of(s, forced_exit(exit_alice, 999));
  c.one_more = error_of(s, forced_exit(exit_alice, 1001));
  c.non_owner_takes_something = error_of(exited, forced_exit(exit_by_bob, 1));
  return c;
}

constexpr ForcedExitChecks forced_exits = check_forced_exits();
static_assert(forced_exits.owner_takes_the_whole_balance);
static_assert(forced_exits.someone_elses_is_a_no_op);
static_assert(forced_exits.root_commits_to_the_exit_counter);
static_assert(forced_exits.stateless_matches_stateful);
static_assert(forced_exits.reads_only_the_account);
static_assert(forced_exits.processed_twice == OptimisticRollupError::forced_exit_already_processed);
static_assert(forced_exits.skipped == OptimisticRollupError::forced_exit_out_of_order);
static_assert(forced_exits.unrecorded == OptimisticRollupError::forced_exit_not_recorded);
static_assert(forced_exits.other_recipient == OptimisticRollupError::forced_exit_mismatch);
static_assert(forced_exits.one_less == OptimisticRollupError::forced_exit_wrong_amount);
static_assert(forced_exits.one_more == OptimisticRollupError::forced_exit_wrong_amount);
static_assert(forced_exits.non_owner_takes_something == OptimisticRollupError::forced_exit_wrong_amount);

// ---- the witness rules of the stateless step [OR-WIT-1 .. OR-WIT-4] ----
struct WitnessChecks {
  OptimisticRollupError wrong_pre_root = OptimisticRollupError::none;
  OptimisticRollupError lying_header = OptimisticRollupError::none;
  OptimisticRollupError missing_opening = OptimisticRollupError::none;
  OptimisticRollupError swapped_openings = OptimisticRollupError::none;
  OptimisticRollupError tampered_sibling = OptimisticRollupError::none;
  OptimisticRollupError inflated_balance = OptimisticRollupError::none;
  OptimisticRollupError hidden_account = OptimisticRollupError::none;
  bool extra_openings_ignored = false;
};

constexpr WitnessChecks check_witnesses() {
  WitnessChecks c;
  const State s = funded();
  const Transaction pay = transfer(alice_index, bob_index, 100, 3, 0, alice);
  const optimistic_rollup::TxWitness good = optimistic_rollup::witness_for(params, l1, s, pay, toy);
  const Hash32 post = optimistic_rollup::apply_tx(params, l1, s, pay, toy).value().root();
  const auto run = [&](const optimistic_rollup::TxWitness& w, const Hash32& pre) {
    const auto r = optimistic_rollup::apply_tx(params, l1, pre, w, pay, toy);
    return r.ok() ? OptimisticRollupError::none : r.error();
  };
  c.wrong_pre_root = run(good, State::genesis(operator_key).root());
  optimistic_rollup::TxWitness lying = good;
  lying.pre_state.deposits_credited = 5;
  c.lying_header = run(lying, s.root());
  optimistic_rollup::TxWitness short_witness = good;
  short_witness.accounts.pop_back();
  c.missing_opening = run(short_witness, s.root());
  optimistic_rollup::TxWitness swapped = good;
  std::swap(swapped.accounts[0], swapped.accounts[1]);
  c.swapped_openings = run(swapped, s.root());
  optimistic_rollup::TxWitness tampered = good;
  tampered.accounts[1].siblings[5][0] ^= 1;
  c.tampered_sibling = run(tampered, s.root());
  optimistic_rollup::TxWitness inflated = good;
  inflated.accounts[0].account->balance = 5000;
  c.inflated_balance = run(inflated, s.root());
  optimistic_rollup::TxWitness hidden = good;
  hidden.accounts[1].account = std::nullopt;  // claims bob's slot is empty
  c.hidden_account = run(hidden, s.root());
  optimistic_rollup::TxWitness padded = good;
  padded.accounts.push_back(good.accounts[0]);
  const auto r = optimistic_rollup::apply_tx(params, l1, s.root(), padded, pay, toy);
  c.extra_openings_ignored = r.ok() && r.value() == post && good.accounts.size() == 3;
  return c;
}

constexpr WitnessChecks witnesses = check_witnesses();
static_assert(witnesses.wrong_pre_root == OptimisticRollupError::witness_state_mismatch);
static_assert(witnesses.lying_header == OptimisticRollupError::witness_state_mismatch);
static_assert(witnesses.missing_opening == OptimisticRollupError::witness_missing);
static_assert(witnesses.swapped_openings == OptimisticRollupError::witness_wrong_account);
static_assert(witnesses.tampered_sibling == OptimisticRollupError::witness_root_mismatch);
static_assert(witnesses.inflated_balance == OptimisticRollupError::witness_root_mismatch);
static_assert(witnesses.hidden_account == OptimisticRollupError::witness_root_mismatch);
static_assert(witnesses.extra_openings_ignored);

// ---- batches and the intermediate roots ----
struct BatchChecks {
  bool roots_chain = false;
  bool each_step_re_executes = false;
  OptimisticRollupError invalid_inside = OptimisticRollupError::none;
};

constexpr BatchChecks check_batch() {
  BatchChecks c;
  const State s = funded();
  const std::vector<Transaction> txs{transfer(alice_index, bob_index, 100, 3, 0, alice), optimistic_rollup::make_transaction(top_up_alice),
                                     withdrawal(bob_index, 50, 1, 0, bob)};
  const optimistic_rollup::BatchExecution batch = optimistic_rollup::execute_batch(params, l1, s, txs, toy).value();
  c.roots_chain = batch.state_roots.size() == 4 && batch.state_roots.front() == s.root() &&
                  batch.state_roots.back() == batch.post_state.root() && at(batch.post_state, bob_index).balance == 549;
  // Each transaction, alone and stateless, takes state_roots[i] to state_roots[i + 1].
  bool all = true;
  State current = s;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    const optimistic_rollup::TxWitness w = optimistic_rollup::witness_for(params, l1, current, txs[i], toy);
    const auto r = optimistic_rollup::apply_tx(params, l1, batch.state_roots[i], w, txs[i], toy);
    all = all && r.ok() && r.value() == batch.state_roots[i + 1];
    current = optimistic_rollup::apply_tx(params, l1, current, txs[i], toy).value();
  }
  c.each_step_re_executes = all;
  const std::vector<Transaction> replaying{txs[0], txs[0]};
  const auto refused = optimistic_rollup::execute_batch(params, l1, s, replaying, toy);
  c.invalid_inside = refused.ok() ? OptimisticRollupError::none : refused.error();
  return c;
}

constexpr BatchChecks batches = check_batch();
static_assert(batches.roots_chain);
static_assert(batches.each_step_re_executes);
static_assert(batches.invalid_inside == OptimisticRollupError::nonce_replayed);

// ---- classification of rejections for fraud proofs ----
static_assert(optimistic_rollup::fault_type(OptimisticRollupError::bad_signature) == optimistic_rollup::FraudProofType::invalid_signature);
static_assert(optimistic_rollup::fault_type(OptimisticRollupError::nonce_replayed) == optimistic_rollup::FraudProofType::double_spend);
static_assert(optimistic_rollup::fault_type(OptimisticRollupError::insufficient_balance) == optimistic_rollup::FraudProofType::double_spend);
static_assert(optimistic_rollup::fault_type(OptimisticRollupError::deposit_already_credited) == optimistic_rollup::FraudProofType::double_spend);
static_assert(optimistic_rollup::fault_type(OptimisticRollupError::forced_exit_already_processed) == optimistic_rollup::FraudProofType::double_spend);
static_assert(optimistic_rollup::fault_type(OptimisticRollupError::forced_exit_wrong_amount) == optimistic_rollup::FraudProofType::invalid_transition);
static_assert(optimistic_rollup::fault_type(OptimisticRollupError::deposit_out_of_order) == optimistic_rollup::FraudProofType::invalid_transition);
static_assert(optimistic_rollup::fault_type(OptimisticRollupError::nonce_gap) == optimistic_rollup::FraudProofType::invalid_transition);
static_assert(optimistic_rollup::fault_type(OptimisticRollupError::tx_malformed) == optimistic_rollup::FraudProofType::invalid_transition);
static_assert(optimistic_rollup::is_witness_error(OptimisticRollupError::witness_root_mismatch));
static_assert(!optimistic_rollup::is_transaction_error(OptimisticRollupError::witness_missing));
static_assert(optimistic_rollup::is_transaction_error(OptimisticRollupError::deposit_balance_overflow));
static_assert(!optimistic_rollup::is_transaction_error(OptimisticRollupError::batch_empty));
static_assert(optimistic_rollup::is_transaction_error(OptimisticRollupError::forced_exit_wrong_amount));
static_assert(!optimistic_rollup::is_transaction_error(OptimisticRollupError::config_censorship_bound));
static_assert(l2::last_transaction_error == OptimisticRollupError::forced_exit_wrong_amount);

}  // namespace

TEST(OptimisticRollupStatic, Compiles) { SUCCEED() << "every static_assert in this file held at compile time"; }
