// The optimistic rollup's escape hatch: freeze (OR-FRZ-1..5), exit and reclaim_deposit
// (OR-EXIT-1..6, OR-RECL-1..4), each rule refused at its boundary and accepted one step inside it,
// every accepted call's contract and payouts compared field by field with the spec's effects, and
// value conserved on every call (World::call). The end-to-end escapes of a stalled or censoring
// operator are in optimistic_rollup_adversarial_test.cpp.
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/optimistic_rollup_world.hpp"

namespace {

using l2::Hash32;
using l2::OptimisticRollupError;
using l2::u64;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
using l2::test::rollup::code;
using l2::test::rollup::Party;
using l2::test::rollup::World;
using optimistic_rollup::AccountIndex;
using optimistic_rollup::Effects;
using optimistic_rollup::Env;
using optimistic_rollup::FraudProof;
using optimistic_rollup::FraudProofType;
using optimistic_rollup::OptimisticRollup;
using optimistic_rollup::QueueKind;
using optimistic_rollup::State;
using optimistic_rollup::StateHeader;

// The world's parties (l2/test/optimistic_rollup_world.hpp).
using l2::test::rollup::alice, l2::test::rollup::bob, l2::test::rollup::carol, l2::test::rollup::challenger,
    l2::test::rollup::operator_party, l2::test::rollup::watcher;
constexpr AccountIndex alice_account = 1;
constexpr AccountIndex bob_account = 2;
constexpr AccountIndex carol_account = 3;

void expect_payouts(const Effects& e, const std::vector<optimistic_rollup::Payout>& expected) {
  ASSERT_EQ(e.payouts.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(e.payouts[i].to, expected[i].to) << "payout " << i;
    EXPECT_EQ(e.payouts[i].amount, expected[i].amount) << "payout " << i;
  }
  EXPECT_TRUE(e.resolutions.empty());
}

// Alice (1000) and bob (500) deposit at 2; batch 0 (landing at 5) credits them and moves 100 + 3
// from alice to bob: alice 897, bob 600, the operator 3. Then alice pays a deposit of 100 for a new
// account of carol's at 10 (deposit 2), and bob asks for a forced exit of his account at 12
// (forced exit 0). The operator posts nothing more: deposit 2 is due for a freeze at 50, the
// forced exit at 52.
class EscapeHatchTest : public ::testing::Test {
 protected:
  EscapeHatchTest() {
    w.stake(10000, 1);
    w.deposit_new(alice, alice, 1000, 2);
    w.deposit_new(bob, bob, 500, 2);
    w.submit_honest(5, {w.transfer(alice, alice_account, bob_account, 100, 3, 0)});
    EXPECT_EQ(w.deposit_new(alice, carol, 100, 10), carol_account);
    w.request_exit(bob, bob_account, Hash32{0xb0}, 12);
    final_state = w.l2;
  }

  const Hash32& key(Party p) const { return w.key(p); }
  optimistic_rollup::FreezeInput freeze(QueueKind queue, u64 index, const StateHeader& header) const {
    return optimistic_rollup::FreezeInput{key(watcher), queue, index, header};
  }
  optimistic_rollup::FreezeInput freeze(QueueKind queue, u64 index) const { return freeze(queue, index, final_state.header()); }
  optimistic_rollup::ExitInput exit_of(AccountIndex index, Party caller = watcher) const {
    return optimistic_rollup::ExitInput{key(caller), final_state.header(), index, *final_state.account(index),
                          final_state.prove(index).siblings};
  }
  optimistic_rollup::ReclaimDepositInput reclaim(u64 index) const {
    return optimistic_rollup::ReclaimDepositInput{key(watcher), final_state.header(), index};
  }
  // Frozen at 50 and batch 0 final at 105: exits and reclaims are open.
  void freeze_and_finalize() {
    w.accept<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2), 50);
    w.accept<optimistic_rollup::Finalize>({key(carol)}, 105);
  }

  World w;
  State final_state;
};

// ---- freeze [OR-FRZ-1 .. OR-FRZ-5] ----

TEST_F(EscapeHatchTest, FreezeIsDueEscapeDelayAfterTheRequestWasRecorded) {
  // Deposit 2, recorded at 10: due at 10 + 40.
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2), 49), OptimisticRollupError::freeze_not_overdue);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2), 11), OptimisticRollupError::freeze_not_overdue);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2), 50), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2), 51), OptimisticRollupError::none);
  // Forced exit 0, recorded at 12: due at 52.
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::forced_exits, 0), 51), OptimisticRollupError::freeze_not_overdue);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::forced_exits, 0), 52), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::forced_exits, 0), 53), OptimisticRollupError::none);
  // A recording height whose sum with the delay overflows is never due.
  OptimisticRollup c = w.contract;
  c.deposits[2].recorded_at = l2::u64_max - 39;
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2), l2::u64_max, &c), OptimisticRollupError::freeze_not_overdue);
  c.deposits[2].recorded_at = l2::u64_max - 40;
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2), l2::u64_max, &c), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2), l2::u64_max - 1, &c), OptimisticRollupError::freeze_not_overdue);

  const OptimisticRollup before = w.contract;
  const Effects e = w.accept<optimistic_rollup::Freeze>(freeze(QueueKind::forced_exits, 0), 52);
  OptimisticRollup expected = before;
  expected.frozen = true;
  L2_EXPECT_FIELDS_EQ(expected, e.contract);
  expect_payouts(e, {});
}

TEST_F(EscapeHatchTest, FreezeRules) {
  // OR-FRZ-2: each queue's length is its bound.
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 3), 100), OptimisticRollupError::freeze_unknown_request);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::forced_exits, 1), 100), OptimisticRollupError::freeze_unknown_request);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::forced_exits, l2::u64_max), 100),
            OptimisticRollupError::freeze_unknown_request);
  // OR-FRZ-4: the header opens last_state_root, in every field.
  for (int field = 0; field < 3; ++field) {
    StateHeader h = final_state.header();
    if (field == 0) h.accounts_root[0] ^= 1;
    if (field == 1) h.deposits_credited = 3;
    if (field == 2) h.forced_exits_processed = 1;
    EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2, h), 100), OptimisticRollupError::freeze_bad_state_opening)
        << field;
  }
  // OR-FRZ-5: the latest state credited deposits 0 and 1, and processed no forced exit.
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 1), 100), OptimisticRollupError::freeze_request_processed);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 0), 100), OptimisticRollupError::freeze_request_processed);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2), 100), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::forced_exits, 0), 100), OptimisticRollupError::none);
  // In order: OR-FRZ-2 before -3, -3 before -4, -4 before -5.
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 3), 11), OptimisticRollupError::freeze_unknown_request);
  StateHeader bad = final_state.header();
  bad.accounts_root[0] ^= 1;
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2, bad), 49), OptimisticRollupError::freeze_not_overdue);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 1, bad), 100), OptimisticRollupError::freeze_bad_state_opening);
  // OR-FRZ-1 first of all, and a freeze is final.
  w.accept<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2), 50);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::forced_exits, 0), 100), OptimisticRollupError::already_frozen);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 9, bad), 11), OptimisticRollupError::already_frozen);
}

TEST_F(EscapeHatchTest, AnHonestOperatorThatProcessesRequestsInTimeIsNeverFrozen) {
  // The operator's latest batch for deposit 2 (recorded at 10): origin 19, landing at 19 + 23 = 42.
  w.submit_honest_on(19, 42);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2, w.l2.header()), 50),
            OptimisticRollupError::freeze_request_processed);
  for (const u64 height : {u64{52}, u64{1000}}) {
    EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2, w.l2.header()), height),
              OptimisticRollupError::freeze_request_processed);
    EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::forced_exits, 0, w.l2.header()), height),
              OptimisticRollupError::freeze_request_processed);
  }
}

// A fraudulent latest batch that claims to have processed the request blocks the freeze until its
// fraud proof reverts it; then the freeze goes through against the state before it.
TEST_F(EscapeHatchTest, AFraudulentClaimOfProcessingIsRevertedThenFrozen) {
  State claimed = w.l2;
  claimed.set_counters(optimistic_rollup::Counters{3, 1});
  const optimistic_rollup::Batch fraud =
      w.signed_batch({w.transfer(operator_party, 0, 0, 0, 0, 0)}, {w.l2.root(), claimed.root()}, 20);
  w.submit(fraud, 21, w.l2, claimed);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2, claimed.header()), 50),
            OptimisticRollupError::freeze_request_processed);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2), 50), OptimisticRollupError::freeze_bad_state_opening);
  const auto proof = w.fraud_in(1);
  ASSERT_TRUE(proof.has_value());
  const Hash32 id = w.open(challenger, *proof, 50);
  w.resolve(id, *proof, 51);
  w.rewind();
  EXPECT_EQ(w.contract.last_state_root, final_state.root());
  w.accept<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2), 51);
  EXPECT_TRUE(w.contract.frozen);
}

// ---- exit [OR-EXIT-1 .. OR-EXIT-6] ----

TEST_F(EscapeHatchTest, ExitWaitsForTheFreezeAndForNoBatchPending) {
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(exit_of(alice_account), 49), OptimisticRollupError::not_frozen);
  w.accept<optimistic_rollup::Freeze>(freeze(QueueKind::deposits, 2), 50);
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(exit_of(alice_account), 51), OptimisticRollupError::exit_batches_pending);
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(2), 51), OptimisticRollupError::exit_batches_pending);
  // A frozen rollup still finalizes its pending batch, then every account exits.
  EXPECT_EQ(w.refusal<optimistic_rollup::Finalize>({key(carol)}, 104), OptimisticRollupError::challenge_period_open);
  w.accept<optimistic_rollup::Finalize>({key(carol)}, 105);
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(exit_of(alice_account), 105), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(2), 105), OptimisticRollupError::none);
}

TEST_F(EscapeHatchTest, ExitPaysTheWholeFinalBalanceToTheOwnerOnce) {
  freeze_and_finalize();
  const OptimisticRollup before = w.contract;
  // Anyone may call it; the owner is paid.
  const Effects e = w.accept<optimistic_rollup::Exit>(exit_of(alice_account, carol), 106);
  OptimisticRollup expected = before;
  expected.escrow = 1600 - 897;
  expected.exited = {alice_account};
  L2_EXPECT_FIELDS_EQ(expected, e.contract);
  expect_payouts(e, {{key(alice), 897}});
  // OR-EXIT-5: once per account; another account is unaffected.
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(exit_of(alice_account), 107), OptimisticRollupError::exit_already_exited);
  const Effects op = w.accept<optimistic_rollup::Exit>(exit_of(0), 107);
  expected.escrow -= 3;
  expected.exited = {alice_account, 0};
  L2_EXPECT_FIELDS_EQ(expected, op.contract);
  expect_payouts(op, {{key(operator_party), 3}});
  // An empty account exits with no payout and is recorded.
  State empty = final_state;
  OptimisticRollup c = w.contract;
  empty.put(5, optimistic_rollup::Account{0, 0, key(watcher)});
  c.last_state_root = empty.root();
  const auto zero = optimistic_rollup::apply_exit(c, {key(watcher), empty.header(), 5, *empty.account(5), empty.prove(5).siblings},
                                    Env{108});
  ASSERT_TRUE(zero.ok()) << code(zero.error());
  EXPECT_TRUE(zero.value().payouts.empty());
  EXPECT_EQ(zero.value().contract.exited.back(), 5u);
  EXPECT_EQ(zero.value().contract.escrow, c.escrow);
}

TEST_F(EscapeHatchTest, ExitRules) {
  freeze_and_finalize();
  // OR-EXIT-3: the header opens last_state_root.
  optimistic_rollup::ExitInput in = exit_of(bob_account);
  in.post_state.forced_exits_processed = 1;
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(in, 106), OptimisticRollupError::exit_bad_state_opening);
  in = exit_of(bob_account);
  in.post_state.deposits_credited = 3;
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(in, 106), OptimisticRollupError::exit_bad_state_opening);
  // OR-EXIT-4: the account is the one in the final state, at its index.
  for (int field = 0; field < 6; ++field) {
    in = exit_of(bob_account);
    if (field == 0) in.account.balance += 1;
    if (field == 1) in.account.balance -= 1;
    if (field == 2) in.account.nonce += 1;
    if (field == 3) in.account.owner = key(carol);
    if (field == 4) in.account_index = carol_account;
    if (field == 5) in.siblings[0][0] ^= 1;
    EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(in, 106), OptimisticRollupError::exit_bad_account_proof) << field;
  }
  // Carol's account was never credited: there is nothing to open at her index.
  in = optimistic_rollup::ExitInput{key(carol), final_state.header(), carol_account, optimistic_rollup::Account{100, 0, key(carol)},
                      final_state.prove(carol_account).siblings};
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(in, 106), OptimisticRollupError::exit_bad_account_proof);
  // OR-EXIT-6 around bob's 600 (reachable only after an unwatched fraud).
  OptimisticRollup c = w.contract;
  c.escrow = 599;
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(exit_of(bob_account), 106, &c), OptimisticRollupError::exit_escrow_insufficient);
  c.escrow = 600;
  const auto exact = optimistic_rollup::apply_exit(c, exit_of(bob_account), Env{106});
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact.value().contract.escrow, 0u);
  // In order: OR-EXIT-3 before -4, -4 before -5, -5 before -6.
  in = exit_of(bob_account);
  in.post_state.accounts_root[0] ^= 1;
  in.account.balance = 1;
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(in, 106), OptimisticRollupError::exit_bad_state_opening);
  w.accept<optimistic_rollup::Exit>(exit_of(bob_account), 106);
  in = exit_of(bob_account);
  in.account.balance = 1;
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(in, 107), OptimisticRollupError::exit_bad_account_proof);
  c = w.contract;
  c.escrow = 0;
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(exit_of(bob_account), 107, &c), OptimisticRollupError::exit_already_exited);
  // OR-EXIT-1 before -2 before -3.
  c = w.contract;
  c.frozen = false;
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(exit_of(alice_account), 107, &c), OptimisticRollupError::not_frozen);
  c = w.contract;
  c.batches[0].final = false;
  in = exit_of(alice_account);
  in.post_state.accounts_root[0] ^= 1;
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(in, 107, &c), OptimisticRollupError::exit_batches_pending);
}

// ---- reclaim_deposit [OR-RECL-1 .. OR-RECL-4] ----

TEST_F(EscapeHatchTest, ReclaimReturnsAnUncreditedDepositToItsDepositorOnce) {
  freeze_and_finalize();
  const OptimisticRollup before = w.contract;
  const Effects e = w.accept<optimistic_rollup::ReclaimDeposit>(reclaim(2), 106);
  OptimisticRollup expected = before;
  expected.escrow = 1500;
  expected.reclaimed = {2};
  L2_EXPECT_FIELDS_EQ(expected, e.contract);
  expect_payouts(e, {{key(alice), 100}});  // alice paid it, for carol's account
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(2), 107), OptimisticRollupError::reclaim_already_reclaimed);
}

TEST_F(EscapeHatchTest, ReclaimRules) {
  freeze_and_finalize();
  // OR-RECL-1: deposits 0..2 exist.
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(3), 106), OptimisticRollupError::reclaim_unknown_deposit);
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(l2::u64_max), 106), OptimisticRollupError::reclaim_unknown_deposit);
  // OR-RECL-2: the final state credited 0 and 1; 2 is the first it did not.
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(1), 106), OptimisticRollupError::reclaim_deposit_credited);
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(0), 106), OptimisticRollupError::reclaim_deposit_credited);
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(2), 106), OptimisticRollupError::none);
  // OR-RECL-3 is keyed by the index: another reclaimed index does not block it.
  OptimisticRollup c = w.contract;
  c.reclaimed = {1, 3};
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(2), 106, &c), OptimisticRollupError::none);
  // OR-RECL-4 around the amount 100.
  c.escrow = 99;
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(2), 106, &c), OptimisticRollupError::reclaim_escrow_insufficient);
  c.escrow = 100;
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(2), 106, &c), OptimisticRollupError::none);
  // In order: OR-EXIT-3 before RECL-1, RECL-1 before -2, -2 before -3, -3 before -4.
  optimistic_rollup::ReclaimDepositInput in = reclaim(9);
  in.post_state.deposits_credited = 5;
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(in, 106), OptimisticRollupError::exit_bad_state_opening);
  c = w.contract;
  c.reclaimed = {1};
  c.escrow = 0;
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(1), 106, &c), OptimisticRollupError::reclaim_deposit_credited);
  c.reclaimed = {2};
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(2), 106, &c), OptimisticRollupError::reclaim_already_reclaimed);
  // OR-EXIT-1 for reclaims too.
  c = w.contract;
  c.frozen = false;
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>(reclaim(2), 106, &c), OptimisticRollupError::not_frozen);
}

// Every account and every uncredited deposit leaves, and together they take exactly the escrow.
TEST_F(EscapeHatchTest, TheHatchPaysOutExactlyTheEscrow) {
  freeze_and_finalize();
  ASSERT_EQ(w.contract.escrow, 1600u);
  l2::test::rollup::Wide paid = 0;
  for (const AccountIndex index : {AccountIndex{0}, alice_account, bob_account})
    paid += l2::test::rollup::payout_total(w.accept<optimistic_rollup::Exit>(exit_of(index), 106));
  paid += l2::test::rollup::payout_total(w.accept<optimistic_rollup::ReclaimDeposit>(reclaim(2), 106));
  EXPECT_TRUE(paid == 1600);
  EXPECT_EQ(w.contract.escrow, 0u);
  // Nothing new is taken in.
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(alice), alice_account, 100}, 107), OptimisticRollupError::rollup_frozen);
  EXPECT_EQ(w.refusal<optimistic_rollup::RequestForcedExit>({key(alice), alice_account, Hash32{}, 17}, 107),
            OptimisticRollupError::rollup_frozen);
}

}  // namespace
