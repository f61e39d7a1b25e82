// The adversarial review's findings (spec: optimistic_rollup.md#threat-model, "What the review
// found, and the answers") replayed as attacks on the reference contract, each of which must now
// fail, plus the front-running attacks of the attacks table. Each test is named after the vector
// the threat model names for it. Every call conserves value (World::call), with 128-bit totals so
// that a contract holding UINT64_MAX is checked too.
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "l2/ref/encoding.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/test/optimistic_rollup_world.hpp"

namespace {

using l2::Hash32;
using l2::OptimisticRollupError;
using l2::u64;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
using l2::test::rollup::code;
using l2::test::rollup::Party;
using l2::test::rollup::test_config;
using l2::test::rollup::World;
using optimistic_rollup::AccountIndex;
using optimistic_rollup::Batch;
using optimistic_rollup::Effects;
using optimistic_rollup::FraudProof;
using optimistic_rollup::FraudProofType;
using optimistic_rollup::QueueKind;
using optimistic_rollup::ResolutionKind;
using optimistic_rollup::State;

// The world's parties (l2/test/optimistic_rollup_world.hpp).
using l2::test::rollup::alice, l2::test::rollup::bob, l2::test::rollup::carol, l2::test::rollup::challenger,
    l2::test::rollup::operator_party, l2::test::rollup::watcher;
constexpr AccountIndex alice_account = 1;
constexpr AccountIndex bob_account = 2;
constexpr Hash32 alice_recipient{0xa0};

// What each party received in a sequence of calls.
struct Ledger {
  std::vector<optimistic_rollup::Payout> received;
  void add(const Effects& e) { received.insert(received.end(), e.payouts.begin(), e.payouts.end()); }
  u64 of(const Hash32& who) const {
    u64 total = 0;
    for (const optimistic_rollup::Payout& p : received)
      if (p.to == who) total += p.amount;
    return total;
  }
};

// Staked at 1; alice 1000 and bob 500 deposited at 2 and credited by batch 0 at 5.
class AdversarialTest : public ::testing::Test {
 protected:
  explicit AdversarialTest(const optimistic_rollup::RollupConfig& config = test_config) : w(config) {
    w.stake(10000, 1);
    w.deposit_new(alice, alice, 1000, 2);
    w.deposit_new(bob, bob, 500, 2);
    w.submit_honest(5);
  }
  const Hash32& key(Party p) const { return w.key(p); }

  // A batch on `origin` landing at `height` whose one transfer's result is forged (bob credited
  // 5000 from nowhere); the operator's state follows the forgery.
  Batch submit_fraud(u64 origin, u64 height) {
    const l2::test::rollup::BuiltBatch built =
        w.honest(origin, {w.transfer(alice, alice_account, bob_account, 10, 0, w.l2.account(alice_account)->nonce)});
    State forged = built.post;
    forged.put(bob_account, optimistic_rollup::Account{5000, 0, key(bob)});
    std::vector<l2::Hash32> roots = built.batch.state_roots;
    roots.back() = forged.root();
    const Batch fraud = w.signed_batch(built.batch.transactions, roots, origin);
    w.submit(fraud, height, built.pre, forged);
    return fraud;
  }

  World w;
};

// Finding 1 (high): a reverted batch, still carrying the operator's signature, re-submitted by
// anyone after the revert. The epoch in the header refuses it (OR-BATCH-13).
TEST_F(AdversarialTest, InvalidRevertedBatchReplayed) {
  const Batch fraud = submit_fraud(5, 6);
  const auto proof = w.fraud_in(1);
  ASSERT_TRUE(proof.has_value());
  const Hash32 id = w.open(challenger, *proof, 7);
  w.resolve(id, *proof, 8);
  w.rewind();
  ASSERT_EQ(w.contract.epoch, 1u);
  ASSERT_EQ(w.contract.batches.size(), 1u);
  // The slashed operator stakes again, so only the epoch can stop the replay.
  w.stake(5000, 9);
  // It matches batch_number 1 and prev_state_root again, and its signature is genuine.
  EXPECT_EQ(fraud.header.batch_number, w.contract.batches.size());
  EXPECT_EQ(fraud.header.prev_state_root, w.contract.last_state_root);
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(carol), fraud}, 10), OptimisticRollupError::batch_wrong_epoch);
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), fraud}, 10), OptimisticRollupError::batch_wrong_epoch);
  // The removed batch is gone for challenges too, and its refunded challenges for every call.
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(w.open_input(carol, *proof, 1000), 10), OptimisticRollupError::challenge_unknown_batch);
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), id, *proof}, 10), OptimisticRollupError::unknown_challenge);
  EXPECT_EQ(w.refusal<optimistic_rollup::ExpireChallenge>({key(carol), id}, 100), OptimisticRollupError::unknown_challenge);
  // Edited into the new epoch, the operator's signature no longer matches.
  Batch edited = fraud;
  edited.header.epoch = 1;
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(carol), edited}, 10), OptimisticRollupError::bad_operator_signature);
  // The corrected batch of the new epoch is accepted at the same number.
  const l2::test::rollup::BuiltBatch corrected = w.honest(9, {w.transfer(alice, alice_account, bob_account, 10, 0, 0)});
  EXPECT_EQ(corrected.batch.header.epoch, 1u);
  w.submit(corrected.batch, 10, corrected.pre, corrected.post);
  EXPECT_EQ(w.contract.batches[1].batch_id, optimistic_rollup::batch_id(corrected.batch.header));
}

// Finding 5 (high) with queue_inclusion_blocks = 0: a deposit landing in the block of an honest
// batch made the batch fraudulent. Overdue-ness is judged at the batch's L1 origin.
class ZeroQueueInclusionTest : public AdversarialTest {
 protected:
  static optimistic_rollup::RollupConfig zero_inclusion() {
    optimistic_rollup::RollupConfig c = test_config;
    c.queue_inclusion_blocks = 0;
    return c;
  }
  ZeroQueueInclusionTest() : AdversarialTest(zero_inclusion()) {}
};

TEST_F(ZeroQueueInclusionTest, DepositInTheBatchBlockIsNotOverdue) {
  // The operator builds on origin 19 with everything visible there; carol's deposit lands at 20,
  // in the block the batch lands in.
  const l2::test::rollup::BuiltBatch built = w.honest(19, {w.transfer(alice, alice_account, bob_account, 1, 0, 0)});
  w.deposit_new(carol, carol, 100, 20);
  w.submit(built.batch, 20, built.pre, built.post);
  EXPECT_EQ(w.contract.batches[1].deposits_visible, 2u);
  EXPECT_EQ(w.fraud_in(1), std::nullopt);
  // A timeout proof for it is rejected: the bond goes to the operator, whose stake is untouched.
  const FraudProof timeout{w.contract.batches[1].batch_id, FraudProofType::timeout_violation, std::nullopt,
                           optimistic_rollup::TimeoutFault{QueueKind::deposits, 2, w.l2.header()}};
  const Hash32 id = w.open(watcher, timeout, 21);
  const Effects e = w.resolve(id, timeout, 22);
  ASSERT_EQ(e.resolutions.size(), 1u);
  EXPECT_EQ(e.resolutions[0].kind, ResolutionKind::challenge_rejected);
  EXPECT_EQ(code(e.resolutions[0].reason), code(OptimisticRollupError::fraud_request_not_overdue));
  EXPECT_EQ(w.contract.stake, 10000u);
  EXPECT_EQ(w.contract.batches.size(), 2u);
}

TEST_F(ZeroQueueInclusionTest, ADepositRecordedAtTheOriginMustBeProcessed) {
  // At the origin itself, with queue_inclusion_blocks 0, the deposit is overdue (OR-FP-10 at its
  // boundary): a batch on origin 20 that leaves out the deposit recorded at 20 is fraudulent.
  w.deposit_new(carol, carol, 100, 20);
  const l2::test::rollup::BuiltBatch ignoring = w.honest(20, {w.transfer(alice, alice_account, bob_account, 1, 0, 0)}, false);
  World honest_world = w;
  w.submit(ignoring.batch, 21, ignoring.pre, ignoring.post);
  const auto proof = w.fraud_in(1);
  ASSERT_TRUE(proof.has_value());
  EXPECT_EQ(proof->proof_type, FraudProofType::timeout_violation);
  EXPECT_EQ(proof->timeout_fault->index, 2u);
  const Hash32 id = w.open(challenger, *proof, 22);
  EXPECT_EQ(w.resolve(id, *proof, 23).resolutions.at(0).kind, ResolutionKind::fraud_confirmed);
  // One block earlier, on origin 19, it is not visible and the same transactions are honest.
  const l2::test::rollup::BuiltBatch before = honest_world.honest(19, {honest_world.transfer(alice, alice_account, bob_account, 1, 0, 0)});
  honest_world.submit(before.batch, 21, before.pre, before.post);
  EXPECT_EQ(honest_world.fraud_in(1), std::nullopt);
}

// Medium: overdue-ness judged at the inclusion height. A batch that waits in the L1 queue for the
// whole sequencing window while a deposit ages past queue_inclusion_blocks is not slashable.
TEST_F(AdversarialTest, BatchWaitingInTheQueueIsNotSlashable) {
  w.deposit_new(carol, carol, 100, 25);  // overdue from origin 35
  const l2::test::rollup::BuiltBatch built = w.honest(30, {w.transfer(alice, alice_account, bob_account, 1, 0, 0)}, false);
  w.top_up(bob, bob_account, 100, 40);  // recorded while the batch waits
  w.submit(built.batch, 53, built.pre, built.post);  // 30 + 23: the last block it may land in
  EXPECT_EQ(w.fraud_in(1), std::nullopt);
  for (const u64 index : {u64{2}, u64{3}}) {
    const FraudProof timeout{w.contract.batches[1].batch_id, FraudProofType::timeout_violation, std::nullopt,
                             optimistic_rollup::TimeoutFault{QueueKind::deposits, index, w.l2.header()}};
    const optimistic_rollup::Challenge c{{}, timeout.batch_id, key(watcher), timeout.proof_type, {}, 0, 0, 0};
    EXPECT_EQ(code(optimistic_rollup::verify_fraud_proof(w.contract, w.contract.batches[1], c, timeout)),
              code(OptimisticRollupError::fraud_request_not_overdue))
        << index;
  }
  // One block later the batch is stale: the window bounds how long it can wait.
  World late = w;
  late.contract.batches.pop_back();
  late.contract.last_state_root = built.pre.root();
  EXPECT_EQ(late.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), built.batch}, 54), OptimisticRollupError::batch_origin_stale);
}

// Medium: a user deposit that fills the holdings made every honest challenge fail. Bonds are held
// apart: the challenge opens and wins with the holdings at UINT64_MAX.
TEST_F(AdversarialTest, FullHoldingsDoNotBlockAChallenge) {
  submit_fraud(5, 6);
  const u64 room = l2::u64_max - w.contract.escrow - w.contract.stake - w.contract.treasury;
  w.deposit_new(carol, carol, room, 7);
  ASSERT_EQ(optimistic_rollup::holdings(w.contract).value, l2::u64_max);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), 0, 100}, 8), OptimisticRollupError::escrow_overflow);
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({key(operator_party), 1}, 8), OptimisticRollupError::stake_overflow);
  const auto proof = w.fraud_in(1);
  ASSERT_TRUE(proof.has_value());
  const Hash32 id = w.open(challenger, *proof, 8, 1000);
  const Hash32 second = w.open(watcher, *proof, 8, l2::u64_max);  // any bond fits
  const Effects e = w.resolve(id, *proof, 9);
  EXPECT_EQ(e.resolutions.at(0).kind, ResolutionKind::fraud_confirmed);
  EXPECT_EQ(e.resolutions.at(1).challenge_id, second);
  EXPECT_EQ(e.resolutions.at(1).kind, ResolutionKind::batch_reverted);
  EXPECT_EQ(e.resolutions.at(1).refunded_bond, l2::u64_max);
  EXPECT_EQ(w.contract.batches.size(), 1u);
}

// Low, out of scope but bounded: the operator proves its own fraud first and takes the reward. It
// still loses half the slash (the treasury's), and the honest challenger's bond comes back.
TEST_F(AdversarialTest, SelfReportedFraudCostsHalfTheSlash) {
  w.stake(3, 5);  // 10003: a slash of 5001, 2500 back to the reporter, 2501 to the treasury
  submit_fraud(5, 6);
  const auto proof = w.fraud_in(1);
  ASSERT_TRUE(proof.has_value());
  const Hash32 honest = w.open(challenger, *proof, 7, 1000);
  const Hash32 own = w.open(operator_party, *proof, 7, 1000);
  const u64 stake_before = w.contract.stake;
  const Effects e = w.resolve(own, *proof, 8, operator_party);
  ASSERT_EQ(e.resolutions.size(), 2u);
  EXPECT_EQ(e.resolutions[0].challenge_id, own);
  EXPECT_EQ(e.resolutions[0].kind, ResolutionKind::fraud_confirmed);
  EXPECT_EQ(e.resolutions[0].slashed_amount, 5001u);
  EXPECT_EQ(e.resolutions[1].challenge_id, honest);
  EXPECT_EQ(e.resolutions[1].kind, ResolutionKind::batch_reverted);
  Ledger ledger;
  ledger.add(e);
  EXPECT_EQ(ledger.of(key(challenger)), 1000u);            // the honest bond, refunded
  EXPECT_EQ(ledger.of(key(operator_party)), 1000u + 2500);  // its own bond and half the slash
  // Net, the operator lost ceil(5001 / 2) = 2501: its stake fell by 5001 and it got 2500 back.
  EXPECT_EQ(stake_before - w.contract.stake, 5001u);
  EXPECT_EQ(w.contract.treasury, 2501u);
}

// Evidence squatting: a copy of the honest commitment is the copier's own challenge, which it can
// never reveal; the honest challenger wins and the copier only gets its bond back.
TEST_F(AdversarialTest, CopiedCommitmentIsTheCopiersOwnChallenge) {
  submit_fraud(5, 6);
  const auto proof = w.fraud_in(1);
  ASSERT_TRUE(proof.has_value());
  const optimistic_rollup::OpenChallengeInput honest_in = w.open_input(challenger, *proof, 1000);
  optimistic_rollup::OpenChallengeInput copy = honest_in;
  copy.caller = key(carol);
  w.accept<optimistic_rollup::OpenChallenge>(copy, 7);  // opened first, with the honest evidence
  w.accept<optimistic_rollup::OpenChallenge>(honest_in, 7);
  const Hash32 copy_id = optimistic_rollup::challenge_id(key(carol), honest_in.evidence);
  const Hash32 honest_id = optimistic_rollup::challenge_id(key(challenger), honest_in.evidence);
  EXPECT_NE(copy_id, honest_id);
  // The copier's challenge with the honest proof: the evidence binds the challenger.
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), copy_id, *proof}, 8), OptimisticRollupError::evidence_mismatch);
  const Effects e = w.resolve(honest_id, *proof, 8);
  EXPECT_EQ(e.resolutions.at(0).challenge_id, honest_id);
  EXPECT_EQ(e.resolutions.at(0).kind, ResolutionKind::fraud_confirmed);
  EXPECT_EQ(e.payouts.at(0).to, key(challenger));
  EXPECT_EQ(e.resolutions.at(1).challenge_id, copy_id);
  EXPECT_EQ(e.resolutions.at(1).kind, ResolutionKind::batch_reverted);
}

// Front-running a revealed proof: a copy committed in the reveal's block can be revealed only a
// block later, after the original.
TEST_F(AdversarialTest, ARevealedProofCannotBeOvertakenInItsBlock) {
  submit_fraud(5, 6);
  const auto proof = w.fraud_in(1);
  ASSERT_TRUE(proof.has_value());
  const Hash32 honest_id = w.open(challenger, *proof, 7);
  // At 9 the honest reveal is in the mempool; carol commits to the proof under her own name.
  const Hash32 copy_id = w.open(carol, *proof, 9);
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), copy_id, *proof}, 9), OptimisticRollupError::reveal_too_early);
  const Effects e = w.resolve(honest_id, *proof, 9);
  EXPECT_EQ(e.payouts.at(0).to, key(challenger));
  EXPECT_EQ(e.resolutions.at(1).challenge_id, copy_id);
  EXPECT_EQ(e.resolutions.at(1).kind, ResolutionKind::batch_reverted);
}

// Missing escape hatch: the operator stops posting. Users queue forced exits, anyone freezes once
// a request is overdue by escape_delay_blocks, the pending batches finish, and every user gets
// exactly its funds: its balance in the last final state, its withdrawals, its uncredited deposits.
TEST_F(AdversarialTest, StalledOperatorUsersExit) {
  Ledger ledger;
  // Batch 1: alice pays bob 100 + fee 3; bob withdraws 50 + fee 1 to his L1 address.
  w.submit_honest(6, {w.transfer(alice, alice_account, bob_account, 100, 3, 0),
                      w.withdrawal(bob, bob_account, key(bob), 50, 1, 0)});
  const State last = w.l2;  // alice 897, bob 549, the operator 4
  // Then the operator stops. Carol deposits 100 for a new account, alice tops up 200, alice asks
  // for her exit.
  w.deposit_new(carol, carol, 100, 10);
  w.top_up(alice, alice_account, 200, 11);
  ledger.add(w.request_exit(alice, alice_account, alice_recipient, 12));
  ASSERT_EQ(w.contract.escrow, 1800u);
  // Deposit 2 is due for a freeze at 10 + 40, the forced exit at 52.
  const optimistic_rollup::FreezeInput freeze{key(watcher), QueueKind::deposits, 2, last.header()};
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze, 49), OptimisticRollupError::freeze_not_overdue);
  w.accept<optimistic_rollup::Freeze>(freeze, 50);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(alice), alice_account, 100}, 51), OptimisticRollupError::rollup_frozen);
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), w.honest(50).batch}, 51), OptimisticRollupError::rollup_frozen);
  // The pending batches run their course.
  const optimistic_rollup::ExitInput alice_exit{key(alice), last.header(), alice_account, *last.account(alice_account),
                                  last.prove(alice_account).siblings};
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(alice_exit, 105), OptimisticRollupError::exit_batches_pending);
  w.accept<optimistic_rollup::Finalize>({key(watcher)}, 105);
  w.accept<optimistic_rollup::Finalize>({key(watcher)}, 106);
  // Bob's withdrawal from the final batch 1.
  const auto leaves = optimistic_rollup::transaction_leaf_hashes(w.posted[1].transactions);
  ledger.add(w.accept<optimistic_rollup::PayWithdrawal>(
      {key(watcher), 1, 1, l2::reflect::encode(w.posted[1].transactions[1]), l2::ref::rfc6962::inclusion_proof(leaves, 1)},
      107));
  // Every account exits, every uncredited deposit goes back.
  for (const AccountIndex index : {alice_account, bob_account, AccountIndex{0}})
    ledger.add(w.accept<optimistic_rollup::Exit>({key(watcher), last.header(), index, *last.account(index), last.prove(index).siblings}, 108));
  ledger.add(w.accept<optimistic_rollup::ReclaimDeposit>({key(watcher), last.header(), 2}, 108));
  ledger.add(w.accept<optimistic_rollup::ReclaimDeposit>({key(watcher), last.header(), 3}, 108));
  EXPECT_EQ(ledger.of(key(alice)), 897u + 200);
  EXPECT_EQ(ledger.of(key(bob)), 549u + 50);
  EXPECT_EQ(ledger.of(key(carol)), 100u);
  EXPECT_EQ(ledger.of(key(operator_party)), 4u + 17);
  EXPECT_EQ(w.contract.escrow, 0u);
  // Nothing is paid twice.
  EXPECT_EQ(w.refusal<optimistic_rollup::Exit>(alice_exit, 109), OptimisticRollupError::exit_already_exited);
  EXPECT_EQ(w.refusal<optimistic_rollup::ReclaimDeposit>({key(watcher), last.header(), 2}, 109), OptimisticRollupError::reclaim_already_reclaimed);
  EXPECT_EQ(w.refusal<optimistic_rollup::Freeze>(freeze, 109), OptimisticRollupError::already_frozen);
}

// Missing escape hatch: the operator keeps posting but censors alice's withdrawal. Her forced exit
// must be processed once it is overdue at a batch's origin: a batch that leaves it out is slashed,
// and one that processes it pays her whole balance once final.
TEST_F(AdversarialTest, CensoredWithdrawalForcedOut) {
  const optimistic_rollup::Transaction censored = w.withdrawal(alice, alice_account, alice_recipient, 600, 0, 0);
  // Alice's withdrawal never makes it into a batch; she asks L1 at 10.
  w.request_exit(alice, alice_account, alice_recipient, 10);
  World processes = w;

  // The operator leaves the request out of a batch on origin 20 = 10 + 10: slashed and reverted.
  const l2::test::rollup::BuiltBatch leaves_out =
      w.honest(20, {w.transfer(bob, bob_account, alice_account, 1, 0, 0)}, false);
  w.submit(leaves_out.batch, 21, leaves_out.pre, leaves_out.post);
  const auto proof = w.fraud_in(1);
  ASSERT_TRUE(proof.has_value());
  EXPECT_EQ(proof->timeout_fault->queue, QueueKind::forced_exits);
  EXPECT_EQ(proof->timeout_fault->index, 0u);
  const Hash32 id = w.open(challenger, *proof, 22);
  EXPECT_EQ(w.resolve(id, *proof, 23).resolutions.at(0).kind, ResolutionKind::fraud_confirmed);
  w.rewind();
  // Still censored at 50 = 10 + 40: anyone freezes, and alice exits with her balance.
  w.accept<optimistic_rollup::Freeze>({key(watcher), QueueKind::forced_exits, 0, w.l2.header()}, 50);
  w.accept<optimistic_rollup::Finalize>({key(watcher)}, 105);
  const Effects out = w.accept<optimistic_rollup::Exit>(
      {key(watcher), w.l2.header(), alice_account, *w.l2.account(alice_account), w.l2.prove(alice_account).siblings}, 106);
  ASSERT_EQ(out.payouts.size(), 1u);
  EXPECT_EQ(out.payouts[0].to, key(alice));
  EXPECT_EQ(out.payouts[0].amount, 1000u);

  // The other way: the operator processes it (by origin 19 at the latest), and once the batch is
  // final her whole balance goes to the recipient she named; her withdrawal is then worthless.
  const l2::test::rollup::BuiltBatch forced = processes.honest(19);
  ASSERT_EQ(forced.batch.transactions.size(), 1u);
  EXPECT_EQ(forced.batch.transactions[0].forced_exit->amount, 1000u);
  processes.submit(forced.batch, 20, forced.pre, forced.post);
  EXPECT_EQ(processes.fraud_in(1), std::nullopt);
  processes.accept<optimistic_rollup::Finalize>({key(watcher)}, 105);
  processes.accept<optimistic_rollup::Finalize>({key(watcher)}, 120);
  const auto leaves = optimistic_rollup::transaction_leaf_hashes(processes.posted[1].transactions);
  const Effects paid = processes.accept<optimistic_rollup::PayWithdrawal>(
      {key(watcher), 1, 0, l2::reflect::encode(processes.posted[1].transactions[0]),
       l2::ref::rfc6962::inclusion_proof(leaves, 0)},
      121);
  ASSERT_EQ(paid.payouts.size(), 1u);
  EXPECT_EQ(paid.payouts[0].to, alice_recipient);
  EXPECT_EQ(paid.payouts[0].amount, 1000u);
  EXPECT_EQ(optimistic_rollup::apply_tx(processes.params(), optimistic_rollup::L1View{}, processes.l2, censored).error(),
            OptimisticRollupError::insufficient_balance);
}

// Medium: the draft's windows were arithmetic minimums. A challenger whose commitment the L1
// delays by the whole censorship bound still lands it: challenge_period_blocks > the bound.
TEST_F(AdversarialTest, AChallengeSentAfterTheBatchLandsWithinTheCensorshipBound) {
  submit_fraud(5, 6);  // challenge_deadline 106; censorship_bound_blocks 6
  const auto proof = w.fraud_in(1);
  ASSERT_TRUE(proof.has_value());
  // Sent after block 6, delayed to 6 + 6; revealed after block 12, delayed to 12 + 6 < 12 + 21.
  const Hash32 id = w.open(challenger, *proof, 12);
  EXPECT_EQ(w.resolve(id, *proof, 18).resolutions.at(0).kind, ResolutionKind::fraud_confirmed);
}

}  // namespace
