// The optimistic-rollup engine (l2::opt::optimistic_rollup::Engine) on hand-built batches against
// l2::ref::optimistic_rollup::execute_batch with the reference's own BIP-340: the same roots and
// post-state for valid batches; for an invalid one the same code, the index of the failing
// transaction, and the engine back in its pre-state (it rolls back). Cases cover each kind of
// transaction, forced exits (by the owner, by anyone else, of an empty slot, of the fee account, of
// an account the batch created, every OR-FEX rule at its boundaries), aliasing (to oneself, to and
// from the fee account), accounts created earlier in the same batch and then used, sparse indices
// up to UINT32_MAX, keys off the curve, a state without a fee account, and batches long enough for
// the multi-threaded pipeline, failing late. Every engine run is repeated on each SHA-256 kernel
// this CPU supports (the tree's and the tagged hashes' kernels follow it).
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "l2/opt/optimistic_rollup.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace {

using l2::Hash32;
using l2::OptimisticRollupError;
using l2::u64;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
namespace oracle = l2::test::libsecp256k1;
using l2::opt::optimistic_rollup::AccountTree;
using l2::opt::optimistic_rollup::BatchOutcome;
using l2::opt::optimistic_rollup::Engine;
using optimistic_rollup::Account;
using optimistic_rollup::AccountIndex;
using optimistic_rollup::Counters;
using optimistic_rollup::Deposit;
using optimistic_rollup::ForcedExit;
using optimistic_rollup::State;
using optimistic_rollup::Transaction;
using optimistic_rollup::Transfer;
using optimistic_rollup::Withdrawal;

constexpr u64 chain = 11;
constexpr AccountIndex alice = 1;
constexpr AccountIndex bob = 2;
constexpr AccountIndex far = 0xFFFFFFFFu;  // the last index: lives in the engine's sparse map

std::string code(OptimisticRollupError e) { return std::string(l2::error_info(e).code); }

std::vector<const l2::opt::sha256::Kernel*> supported_kernels() { return l2::opt::sha256::supported_kernels(); }

// The reference's accounts and the engine's, by index.
void expect_same_state(const Engine& engine, const State& state) {
  const std::vector<Engine::AccountEntry> accounts = engine.accounts();
  ASSERT_EQ(accounts.size(), state.accounts().size());
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    EXPECT_EQ(accounts[i].first, state.accounts()[i].first);
    EXPECT_TRUE(l2::reflect::equal(accounts[i].second, state.accounts()[i].second)) << "account " << accounts[i].first;
  }
  EXPECT_EQ(engine.deposits_credited(), state.deposits_credited());
  EXPECT_EQ(engine.forced_exits_processed(), state.forced_exits_processed());
  EXPECT_EQ(engine.state_root(), state.root());
  EXPECT_EQ(engine.account_count(), state.accounts().size());
}

class OptimisticRollupEngineTest : public ::testing::Test {
 protected:
  OptimisticRollupEngineTest() {
    const l2::Bytes seed = l2::bytes_of("optimistic_rollup_engine_test");
    for (l2::u32 i = 0; i < 4; ++i) {
      secret[i] = l2::ref::bip340::secret_from_seed(seed, i);
      key[i] = oracle::pubkey(secret[i]).value();
    }
    Hash32 x{};
    for (l2::u8 low = 2;; ++low) {
      x[31] = low;
      if (!oracle::pubkey_parses(x)) break;
    }
    off_curve_key = x;
    params = optimistic_rollup::L2Params{chain, optimistic_rollup::rollup_id(chain, l2::ref::tagged_hash("test/contract", seed), key[0], 0)};
  }

  // Appends the deposit's id to L1's log (as L1 records it) and returns the transaction.
  Transaction recorded(const Deposit& d) {
    if (deposit_log.size() <= d.deposit_index) deposit_log.resize(d.deposit_index + 1);
    deposit_log[d.deposit_index] = optimistic_rollup::deposit_id(params, d);
    return optimistic_rollup::make_transaction(d);
  }
  // Appends the forced exit's id to L1's log, as L1 records the request (the amount is not part of
  // the id), and returns the transaction.
  Transaction requested(const ForcedExit& e) {
    if (forced_exit_log.size() <= e.request_index) forced_exit_log.resize(e.request_index + 1);
    forced_exit_log[e.request_index] = optimistic_rollup::forced_exit_id(params, e);
    return optimistic_rollup::make_transaction(e);
  }
  optimistic_rollup::L1View l1() const { return optimistic_rollup::L1View{deposit_log, forced_exit_log}; }
  Transaction transfer(AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce, std::size_t signer) const {
    Transfer t{from, to, amount, fee, nonce, {}};
    t.signature = oracle::sign(secret[signer], optimistic_rollup::transfer_digest(params, t), Hash32{}).value();
    return optimistic_rollup::make_transaction(t);
  }
  Transaction withdrawal(AccountIndex from, u64 amount, u64 fee, u64 nonce, std::size_t signer) const {
    Withdrawal w{from, Hash32{0xa1}, amount, fee, nonce, {}};
    w.signature = oracle::sign(secret[signer], optimistic_rollup::withdrawal_digest(params, w), Hash32{}).value();
    return optimistic_rollup::make_transaction(w);
  }

  // The reference and the engine (loaded with `pre`, on `threads`, on each supported kernel) on the
  // same batch. Returns the engine's outcome after checking it against the reference.
  BatchOutcome expect_matches_reference(const State& pre, const std::vector<Transaction>& batch,
                                        unsigned threads = 2) const {
    const auto expected = optimistic_rollup::execute_batch(params, l1(), pre, batch);
    BatchOutcome outcome;
    for (const l2::opt::sha256::Kernel* kernel : supported_kernels()) {
      SCOPED_TRACE(std::string("kernel ") + std::string(kernel->name));
      Engine engine(pre, threads, *kernel);
      outcome = engine.execute_batch(params, l1(), batch, threads);
      if (expected.ok()) {
        EXPECT_TRUE(outcome.ok()) << "engine rejected transaction " << outcome.failed_transaction << " with "
                                  << code(outcome.error);
        EXPECT_EQ(outcome.state_roots, expected.value().state_roots);
        expect_same_state(engine, expected.value().post_state);
      } else {
        EXPECT_EQ(code(outcome.error), code(expected.error()));
        EXPECT_TRUE(outcome.state_roots.empty());
        expect_same_state(engine, pre);  // rolled back
      }
    }
    return outcome;
  }

  // Expects the batch to fail at `index` with `error`, and the prefix before it to pass with the
  // reference's roots.
  void expect_rejected_at(const State& pre, const std::vector<Transaction>& batch, std::size_t index,
                          OptimisticRollupError error) const {
    const auto outcome = expect_matches_reference(pre, batch);
    EXPECT_EQ(code(outcome.error), code(error));
    EXPECT_EQ(outcome.failed_transaction, index);
    const std::vector<Transaction> prefix(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(index));
    EXPECT_TRUE(expect_matches_reference(pre, prefix).ok());
  }

  Hash32 secret[4]{};
  Hash32 key[4]{};  // 0 the operator, 1 alice, 2 bob, 3 carol
  Hash32 off_curve_key{};
  optimistic_rollup::L2Params params{};
  std::vector<Hash32> deposit_log;
  std::vector<Hash32> forced_exit_log;
};

TEST_F(OptimisticRollupEngineTest, GenesisIsTheReferenceGenesis) {
  const Engine engine = Engine::genesis(key[0]);
  expect_same_state(engine, State::genesis(key[0]));
  EXPECT_EQ(engine.header().accounts_root, State::genesis(key[0]).header().accounts_root);
}

TEST_F(OptimisticRollupEngineTest, LoadsAndExportsAnyState) {
  State state = State::genesis(key[0]);
  state.put(alice, Account{l2::u64_max, l2::u64_max, key[1]});
  state.put(70000, Account{5, 0, off_curve_key});  // above the dense floor with few accounts: sparse
  state.put(far, Account{0, 3, key[2]});
  state.set_counters(Counters{9, l2::u64_max});
  const Engine engine(state, 2);
  expect_same_state(engine, state);
  const State exported = engine.to_state();
  EXPECT_EQ(exported.root(), state.root());
  for (const AccountIndex index : {AccountIndex{0}, alice, bob, AccountIndex{70000}, far}) {
    EXPECT_EQ(engine.prove(index).siblings, state.prove(index).siblings) << index;
    const optimistic_rollup::AccountWitness opening = engine.opening(index);
    EXPECT_EQ(opening.index, index);
    EXPECT_EQ(opening.account.has_value(), state.account(index).has_value());
  }
  // From a list with a repeated index: the last entry wins.
  const std::vector<Engine::AccountEntry> entries = {{alice, Account{1, 0, key[1]}}, {0, Account{0, 0, key[0]}},
                                                     {alice, Account{2, 0, key[1]}}};
  const Engine listed(entries, Counters{3, 5}, 1);
  EXPECT_EQ(listed.account(alice)->balance, 2u);
  EXPECT_EQ(listed.account_count(), 2u);
  EXPECT_EQ(listed.counters().deposits_credited, 3u);
  EXPECT_EQ(listed.forced_exits_processed(), 5u);
  // Both counters are committed: the root differs from the same accounts with other counters.
  State with_counters;
  with_counters.put(0, Account{0, 0, key[0]});
  with_counters.put(alice, Account{2, 0, key[1]});
  with_counters.set_counters(Counters{3, 5});
  EXPECT_EQ(listed.state_root(), with_counters.root());
  with_counters.set_counters(Counters{3, 4});
  EXPECT_NE(listed.state_root(), with_counters.root());
}

TEST_F(OptimisticRollupEngineTest, EmptyBatchYieldsThePreRoot) {
  const State genesis = State::genesis(key[0]);
  const auto outcome = expect_matches_reference(genesis, {});
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.state_roots, std::vector<Hash32>{genesis.root()});
}

TEST_F(OptimisticRollupEngineTest, DepositsThenTransfersFromTheNewAccountsInOneBatch) {
  const State genesis = State::genesis(key[0]);
  const std::vector<Transaction> batch = {
      recorded(Deposit{0, alice, key[1], 1000}),
      recorded(Deposit{1, far, key[2], 500}),            // sparse slot, created in the batch
      transfer(alice, far, 100, 3, 0, 1),                // signed by a key the batch created
      transfer(far, alice, 50, 0, 0, 2),
      transfer(alice, alice, 10, 1, 1, 1),               // to oneself: only the fee moves
      transfer(alice, 0, 7, 2, 2, 1),                    // to the fee account
      recorded(Deposit{2, alice, std::nullopt, 25}),     // top-up
      withdrawal(far, 400, 5, 1, 2),
      transfer(alice, far, 0, 0, 3, 1),                  // amount 0, fee 0
  };
  const auto outcome = expect_matches_reference(genesis, batch);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.state_roots.size(), batch.size() + 1);
}

TEST_F(OptimisticRollupEngineTest, TheOperatorSpendsItsFees) {
  State state = State::genesis(key[0]);
  state.put(0, Account{100, 0, key[0]});
  state.put(alice, Account{10, 0, key[1]});
  // From account 0 with a fee: the sender and the fee account are one slot, read after its debit.
  const std::vector<Transaction> batch = {transfer(0, alice, 30, 5, 0, 0), withdrawal(0, 60, 5, 1, 0)};
  EXPECT_TRUE(expect_matches_reference(state, batch).ok());
}

TEST_F(OptimisticRollupEngineTest, EachRejectionStopsTheBatchAndRollsBack) {
  State pre = State::genesis(key[0]);
  pre.put(alice, Account{1000, 4, key[1]});
  pre.put(bob, Account{l2::u64_max - 1, 0, key[2]});
  pre.put(3, Account{50, l2::u64_max, key[3]});
  pre.put(4, Account{50, 0, off_curve_key});
  pre.set_counters(Counters{1, 0});
  deposit_log = {Hash32{0x01}};
  const Transaction ok = transfer(alice, 0, 1, 1, 4, 1);  // applied before each fault, then rolled back
  const auto at_1 = [&](const Transaction& fault) { return std::vector<Transaction>{ok, fault, ok}; };

  Transaction forged = transfer(alice, bob, 1, 0, 5, 1);
  forged.transfer->signature[5] ^= 1;
  expect_rejected_at(pre, at_1(forged), 1, OptimisticRollupError::bad_signature);
  expect_rejected_at(pre, at_1(transfer(alice, bob, 1, 0, 5, 2)), 1, OptimisticRollupError::bad_signature);  // bob signs
  expect_rejected_at(pre, at_1(transfer(4, alice, 1, 0, 0, 0)), 1, OptimisticRollupError::bad_signature);    // key off the curve
  expect_rejected_at(pre, at_1(transfer(alice, bob, 1, 0, 4, 1)), 1, OptimisticRollupError::nonce_replayed);
  expect_rejected_at(pre, at_1(transfer(alice, bob, 1, 0, 6, 1)), 1, OptimisticRollupError::nonce_gap);
  expect_rejected_at(pre, at_1(transfer(3, alice, 1, 0, l2::u64_max, 3)), 1, OptimisticRollupError::nonce_exhausted);
  expect_rejected_at(pre, at_1(transfer(alice, 0, l2::u64_max, 1, 5, 1)), 1, OptimisticRollupError::amount_overflow);
  expect_rejected_at(pre, at_1(transfer(alice, 0, 998, 1, 5, 1)), 1, OptimisticRollupError::insufficient_balance);
  expect_rejected_at(pre, at_1(transfer(9, alice, 1, 0, 0, 1)), 1, OptimisticRollupError::unknown_sender);
  expect_rejected_at(pre, at_1(transfer(alice, 9, 1, 0, 5, 1)), 1, OptimisticRollupError::unknown_recipient);
  expect_rejected_at(pre, at_1(transfer(alice, bob, 2, 0, 5, 1)), 1, OptimisticRollupError::recipient_balance_overflow);
  expect_rejected_at(pre, at_1(recorded(Deposit{0, 7, key[3], 1})), 1, OptimisticRollupError::deposit_already_credited);
  expect_rejected_at(pre, at_1(recorded(Deposit{2, 7, key[3], 1})), 1, OptimisticRollupError::deposit_out_of_order);
  deposit_log.resize(1);
  expect_rejected_at(pre, at_1(optimistic_rollup::make_transaction(Deposit{1, 7, key[3], 1})), 1, OptimisticRollupError::deposit_not_recorded);
  recorded(Deposit{1, 7, key[3], 1});
  expect_rejected_at(pre, at_1(optimistic_rollup::make_transaction(Deposit{1, 7, key[3], 2})), 1, OptimisticRollupError::deposit_mismatch);
  expect_rejected_at(pre, at_1(recorded(Deposit{1, bob, key[3], 1})), 1, OptimisticRollupError::account_exists);
  expect_rejected_at(pre, at_1(recorded(Deposit{1, 7, std::nullopt, 1})), 1, OptimisticRollupError::unknown_account);
  expect_rejected_at(pre, at_1(recorded(Deposit{1, bob, std::nullopt, 2})), 1, OptimisticRollupError::deposit_balance_overflow);
  Transaction malformed = ok;
  malformed.deposit = Deposit{1, 7, key[3], 1};
  expect_rejected_at(pre, at_1(malformed), 1, OptimisticRollupError::tx_malformed);

  // The fee account's rules: a state without account 0, and one whose balance is at the top.
  State no_fee_account;
  no_fee_account.put(alice, Account{10, 0, key[1]});
  expect_rejected_at(no_fee_account, {transfer(alice, alice, 1, 0, 0, 1)}, 0, OptimisticRollupError::no_fee_account);
  State rich_operator = pre;
  rich_operator.put(0, Account{l2::u64_max, 0, key[0]});
  expect_rejected_at(rich_operator, {transfer(alice, bob, 0, 0, 4, 1), transfer(alice, bob, 0, 1, 5, 1)}, 1,
                     OptimisticRollupError::fee_balance_overflow);
}

// A forced exit moves the whole balance out when its requester owns the account and nothing
// otherwise; it reads one slot, writes it only when it moves funds, keeps the nonce, and advances
// forced_exits_processed either way.
TEST_F(OptimisticRollupEngineTest, ForcedExitsMatchTheReference) {
  State pre = State::genesis(key[0]);
  pre.put(0, Account{40, 0, key[0]});
  pre.put(alice, Account{1000, 3, key[1]});
  pre.put(bob, Account{0, 0, key[2]});
  pre.put(far, Account{77, 1, key[3]});
  pre.set_counters(Counters{0, 2});
  forced_exit_log = {Hash32{0x0e}, Hash32{0x0f}};  // requests 0 and 1, processed before
  const Hash32 to{0xb1};
  const std::vector<Transaction> batch = {
      requested(ForcedExit{2, alice, key[1], to, 1000}),  // by the owner: the whole balance
      requested(ForcedExit{3, bob, key[1], to, 0}),       // by someone else: a no-op
      requested(ForcedExit{4, 9, key[1], to, 0}),         // of an empty slot: a no-op
      requested(ForcedExit{5, far, key[3], to, 77}),      // a slot of the engine's sparse map
      requested(ForcedExit{6, 0, key[0], to, 40}),        // the fee account, by the operator
      requested(ForcedExit{7, alice, key[1], to, 0}),     // the owner again, after the first: 0 now
      recorded(Deposit{0, 5, key[2], 300}),               // an account the batch creates...
      requested(ForcedExit{8, 5, key[2], to, 300}),       // ...forced out in the same batch
      transfer(alice, bob, 0, 0, 3, 1),                   // the exit left alice's nonce at 3
      transfer(bob, alice, 0, 0, 0, 2),
  };
  const auto outcome = expect_matches_reference(pre, batch);
  ASSERT_TRUE(outcome.ok()) << code(outcome.error) << " at " << outcome.failed_transaction;
  // A no-op changes the root through the counter alone.
  EXPECT_NE(outcome.state_roots[1], outcome.state_roots[2]);
  // Spending what left: alice's balance is 0.
  expect_rejected_at(pre, {requested(ForcedExit{2, alice, key[1], to, 1000}), transfer(alice, bob, 1, 0, 3, 1)}, 1,
                     OptimisticRollupError::insufficient_balance);
}

// OR-FEX-1..5, each rejected at its boundary (-1 and +1) with the passing value (0) beside it.
TEST_F(OptimisticRollupEngineTest, EachForcedExitRuleRejectsAtItsBoundary) {
  State pre = State::genesis(key[0]);
  pre.put(alice, Account{1000, 0, key[1]});
  pre.put(bob, Account{5, 0, key[2]});
  pre.set_counters(Counters{0, 2});
  forced_exit_log = {Hash32{0x0e}, Hash32{0x0f}};
  const Hash32 to{0xb1};
  const Transaction ok = transfer(alice, 0, 1, 1, 0, 1);
  const auto at_1 = [&](const Transaction& fault) { return std::vector<Transaction>{ok, fault, ok}; };
  const auto passes = [&](const Transaction& tx) {
    const auto outcome = expect_matches_reference(pre, {ok, tx});
    EXPECT_TRUE(outcome.ok()) << code(outcome.error);
  };

  // OR-FEX-1 and OR-FEX-2: the index is forced_exits_processed (2), not 1 or 0, nor 3.
  expect_rejected_at(pre, at_1(requested(ForcedExit{1, bob, key[2], to, 5})), 1,
                     OptimisticRollupError::forced_exit_already_processed);
  expect_rejected_at(pre, at_1(requested(ForcedExit{0, bob, key[2], to, 5})), 1,
                     OptimisticRollupError::forced_exit_already_processed);
  expect_rejected_at(pre, at_1(requested(ForcedExit{3, bob, key[2], to, 5})), 1, OptimisticRollupError::forced_exit_out_of_order);
  // OR-FEX-3: index 2 of a view of 2 requests is not recorded; of 3 it is.
  forced_exit_log.resize(2);
  expect_rejected_at(pre, at_1(optimistic_rollup::make_transaction(ForcedExit{2, bob, key[2], to, 5})), 1,
                     OptimisticRollupError::forced_exit_not_recorded);
  passes(requested(ForcedExit{2, bob, key[2], to, 5}));
  // OR-FEX-4: the id binds the account, the requester and the recipient; not the amount.
  expect_rejected_at(pre, at_1(optimistic_rollup::make_transaction(ForcedExit{2, alice, key[2], to, 0})), 1,
                     OptimisticRollupError::forced_exit_mismatch);
  expect_rejected_at(pre, at_1(optimistic_rollup::make_transaction(ForcedExit{2, bob, key[1], to, 0})), 1,
                     OptimisticRollupError::forced_exit_mismatch);
  expect_rejected_at(pre, at_1(optimistic_rollup::make_transaction(ForcedExit{2, bob, key[2], Hash32{0xb2}, 5})), 1,
                     OptimisticRollupError::forced_exit_mismatch);
  // OR-FEX-5 for the owner: the whole balance 5, not 4 or 6 or 0 or UINT64_MAX.
  for (const u64 amount : {u64{4}, u64{6}, u64{0}, l2::u64_max})
    expect_rejected_at(pre, at_1(optimistic_rollup::make_transaction(ForcedExit{2, bob, key[2], to, amount})), 1,
                       OptimisticRollupError::forced_exit_wrong_amount);
  // For anyone else: 0, not 1 nor the balance.
  passes(requested(ForcedExit{2, bob, key[1], to, 0}));
  for (const u64 amount : {u64{1}, u64{5}})
    expect_rejected_at(pre, at_1(optimistic_rollup::make_transaction(ForcedExit{2, bob, key[1], to, amount})), 1,
                       OptimisticRollupError::forced_exit_wrong_amount);
  // For an empty slot: 0, not 1.
  passes(requested(ForcedExit{2, 9, key[1], to, 0}));
  expect_rejected_at(pre, at_1(optimistic_rollup::make_transaction(ForcedExit{2, 9, key[1], to, 1})), 1,
                     OptimisticRollupError::forced_exit_wrong_amount);
  // OR-TX-1: the forced_exit kind without its body, or with a second body.
  Transaction bodiless = requested(ForcedExit{2, bob, key[2], to, 5});
  bodiless.forced_exit.reset();
  expect_rejected_at(pre, at_1(bodiless), 1, OptimisticRollupError::tx_malformed);
  Transaction two_bodies = requested(ForcedExit{2, bob, key[2], to, 5});
  two_bodies.withdrawal = optimistic_rollup::Withdrawal{bob, to, 5, 0, 0, {}};
  expect_rejected_at(pre, at_1(two_bodies), 1, OptimisticRollupError::tx_malformed);
}

TEST_F(OptimisticRollupEngineTest, SecondCreationOfASlotInOneBatchIsRejected) {
  const State genesis = State::genesis(key[0]);
  const std::vector<Transaction> batch = {recorded(Deposit{0, alice, key[1], 10}), recorded(Deposit{1, alice, key[2], 10}),
                                          transfer(alice, 0, 1, 0, 0, 2)};
  expect_rejected_at(genesis, batch, 1, OptimisticRollupError::account_exists);
}

// Long enough for the pipeline (many chunks) on two threads, failing in a late chunk: every earlier
// chunk's writes, a creation in the sparse map included, must be undone.
TEST_F(OptimisticRollupEngineTest, LateRejectionInALongBatchRollsEverythingBack) {
  State pre = State::genesis(key[0]);
  pre.put(alice, Account{1'000'000, 0, key[1]});
  pre.put(bob, Account{1'000'000, 0, key[2]});
  std::vector<Transaction> batch = {recorded(Deposit{0, far, key[3], 77})};
  for (u64 n = 0; n < 150; ++n) {
    batch.push_back(transfer(alice, bob, n, 1, n, 1));
    batch.push_back(transfer(bob, n % 2 == 0 ? far : alice, 2, 1, n, 2));
  }
  batch.push_back(transfer(far, alice, 1, 0, 0, 3));
  EXPECT_TRUE(expect_matches_reference(pre, batch).ok());
  batch.push_back(transfer(far, alice, 1, 0, 0, 3));  // replayed
  const auto outcome = expect_matches_reference(pre, batch);
  EXPECT_EQ(code(outcome.error), code(OptimisticRollupError::nonce_replayed));
  EXPECT_EQ(outcome.failed_transaction, batch.size() - 1);
  const auto one_thread = expect_matches_reference(pre, batch, 1);
  EXPECT_EQ(one_thread.failed_transaction, batch.size() - 1);
}

TEST_F(OptimisticRollupEngineTest, ConsecutiveBatchesContinueFromTheEnginesState) {
  State state = State::genesis(key[0]);
  Engine engine(state, 2);
  const std::vector<Transaction> first = {recorded(Deposit{0, alice, key[1], 100})};
  const std::vector<Transaction> second = {transfer(alice, 0, 10, 1, 0, 1), withdrawal(alice, 5, 0, 1, 1)};
  for (const auto* batch : {&first, &second}) {
    const optimistic_rollup::L1View view = l1();
    auto expected = optimistic_rollup::execute_batch(params, view, state, *batch);
    ASSERT_TRUE(expected.ok());
    const auto outcome = engine.execute_batch(params, view, *batch, 2);
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome.state_roots, expected.value().state_roots);
    state = expected.value().post_state;
    expect_same_state(engine, state);
  }
}

// An account far above the others lives outside the dense table until enough accounts exist for the
// table to reach it; then a batch of deposits grows the table and the account moves in, key and
// all. Too large for the reference: the engine is held to a fresh load of the same accounts, and
// its rollback to its own pre-state.
TEST_F(OptimisticRollupEngineTest, GrowingTheDenseRangeMovesOutlyingAccounts) {
  constexpr AccountIndex outlier = 100000;
  std::vector<Engine::AccountEntry> accounts;
  for (AccountIndex index = 0; index < 40000; ++index) accounts.push_back({index, Account{10, 0, key[index % 3]}});
  accounts.push_back({outlier, Account{500, 0, key[1]}});
  Engine engine(accounts, Counters{}, 2);
  ASSERT_EQ(engine.dense_capacity(), std::size_t{1} << 16);  // the outlier is outside
  const Hash32 pre_root = engine.state_root();

  std::vector<Transaction> batch;
  for (AccountIndex index = 40000; index < 65601; ++index)
    batch.push_back(recorded(Deposit{index - 40000u, index, key[2], 1}));
  batch.push_back(transfer(outlier, 65600, 7, 1, 0, 1));  // signed by the moved account's key
  const optimistic_rollup::L1View view = l1();

  std::vector<Transaction> failing = batch;
  failing.push_back(transfer(outlier, 1, 1, 0, 0, 1));  // nonce replayed
  const auto rejected = engine.execute_batch(params, view, failing, 2);
  EXPECT_EQ(code(rejected.error), code(OptimisticRollupError::nonce_replayed));
  EXPECT_EQ(rejected.failed_transaction, failing.size() - 1);
  EXPECT_EQ(engine.state_root(), pre_root);
  EXPECT_EQ(engine.account_count(), accounts.size());

  const auto outcome = engine.execute_batch(params, view, batch, 2);
  ASSERT_TRUE(outcome.ok()) << code(outcome.error) << " at " << outcome.failed_transaction;
  EXPECT_EQ(engine.dense_capacity(), std::size_t{1} << 17);  // and now inside
  EXPECT_EQ(engine.account(outlier)->balance, 492u);
  const Engine reloaded(engine.accounts(), engine.counters(), 2);
  EXPECT_EQ(outcome.state_roots.back(), reloaded.state_root());
  EXPECT_EQ(engine.state_root(), reloaded.state_root());
  for (const AccountIndex index : {AccountIndex{0}, AccountIndex{65600}, outlier, AccountIndex{131071}, far})
    EXPECT_EQ(engine.prove(index), reloaded.prove(index)) << index;
}

// ---- The account tree -------------------------------------------------------------------------

// AccountTree against opt::smt::Tree (itself held to the reference elsewhere) and, on a few
// slots, against ref::smt::Tree: the same root and proofs after every kind of change, with slots in
// the dense range, above it, at UINT32_MAX, and moving from above it into it as it grows.
class OptimisticRollupAccountTreeTest : public ::testing::Test {
 protected:
  static Hash32 value(std::uint64_t seed) {
    Hash32 v{};
    for (std::size_t i = 0; i < 8; ++i) v[i] = static_cast<l2::u8>(seed >> (8 * i));
    v[31] = 0x5a;
    return v;
  }
  void write(std::span<const l2::opt::smt::Update> updates, bool bulk = false) {
    if (bulk) {
      tree.update_bulk(updates, 2);
    } else {
      tree.update(updates);
    }
    oracle.apply_batch(updates, 1);
    expect_same();
  }
  void expect_same() {
    ASSERT_EQ(tree.root(), oracle.root());
    std::array<Hash32, 1> folded{};
    tree.fold_roots(std::span(&tree.dense_root(), 1), folded);
    EXPECT_EQ(folded[0], oracle.root());
    for (const AccountIndex index : probes) EXPECT_EQ(tree.prove(index), oracle.prove(index)) << index;
  }
  // Slots above the dense range as they stand, for grow_dense.
  std::vector<l2::opt::smt::Update> moved_by(unsigned height) const {
    std::vector<l2::opt::smt::Update> moved;
    for (const AccountIndex index : probes) {
      if (index < tree.dense_size() || index >= (std::size_t{1} << height)) continue;
      if (const auto v = oracle.get(index)) moved.push_back({index, *v});
    }
    return moved;
  }

  AccountTree tree;
  l2::opt::smt::Tree oracle;
  std::vector<AccountIndex> probes = {0, 1, 2, 3, 5, 6, 7, 8, 13, 15, 16, 17, 31, 100, 1000, 4097, 70000, 0x7FFFFFFF, far};
};

TEST_F(OptimisticRollupAccountTreeTest, MatchesTheGeneralTreeThroughEveryKindOfChange) {
  expect_same();  // empty, dense height 0
  using Update = l2::opt::smt::Update;
  const std::vector<Update> first = {{0, value(1)}, {5, value(2)}, {far, value(3)}};
  write(first);                                            // slot 0 dense, 5 and far outer
  write(std::vector<Update>{{5, value(4)}, {5, value(5)}});  // the last write to an index wins
  tree.grow_dense(3, moved_by(3));                          // 5 moves into the dense range
  expect_same();
  write(std::vector<Update>{{6, value(6)}, {7, value(7)}, {0, value(8)}});  // three paths, two siblings
  write(std::vector<Update>{{1000, value(9)}, {2, value(10)}, {3, value(11)}});
  write(std::vector<Update>{{6, std::nullopt}, {1000, std::nullopt}});  // erasures, dense and outer
  tree.grow_dense(11, moved_by(11));  // 1000 is empty now; nothing else moves
  expect_same();
  write(std::vector<Update>{{1000, value(12)}, {17, value(13)}, {0x7FFFFFFF, value(14)}});
  std::vector<Update> many;
  for (std::uint64_t k = 0; k < 300; ++k) many.push_back({static_cast<AccountIndex>((k * 7919) % 2048), value(100 + k)});
  many.push_back({70000, value(99)});
  many.push_back({far, std::nullopt});
  write(many, true);
  tree.grow_dense(17, moved_by(17));  // 70000 moves
  expect_same();
  write(std::vector<Update>{{70000, value(15)}, {4097, value(16)}, {0, value(17)}});

  // A few slots against the reference tree itself.
  l2::ref::smt::Tree reference;
  for (const AccountIndex index : probes)
    if (const auto v = oracle.get(index)) reference.set(index, *v);
  for (std::uint64_t k = 0; k < 300; ++k) {
    const auto index = static_cast<AccountIndex>((k * 7919) % 2048);
    if (const auto v = oracle.get(index)) reference.set(index, *v);
  }
  EXPECT_EQ(reference.root(), tree.root());
  EXPECT_EQ(reference.prove(70000).siblings, tree.prove(70000).siblings);
  EXPECT_EQ(reference.prove(far).siblings, tree.prove(far).siblings);
}

TEST_F(OptimisticRollupAccountTreeTest, AssignBuildsWhatUpdatesBuild) {
  std::vector<l2::opt::smt::Update> entries;
  for (AccountIndex index = 0; index < 5000; index += 3) entries.push_back({index, value(index)});
  entries.push_back({70000, value(1)});
  entries.push_back({far, value(2)});
  tree.assign(13, entries, 2);
  oracle.apply_batch(entries, 2);
  expect_same();
  write(std::vector<l2::opt::smt::Update>{{3, value(7)}, {far, value(8)}, {8191, value(9)}});
}

}  // namespace
