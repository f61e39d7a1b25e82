// The optimistic rollup's L1 contract with real BIP-340 signatures: every rule of deployment, stake,
// deposits, forced-exit requests, batch submission, challenges, the fraud-proof verifier,
// resolution, expiry, withdrawal of a challenge, finalization, payout and the frozen rule rejects
// at its boundary (-1, 0, +1 where the rule is a bound) and accepts one step inside it; every
// accepted call's contract, payouts and resolutions are compared field by field with what the
// spec's arithmetic gives by hand; and every accepted call conserves value (World::call).
// The escape hatch (freeze, exit, reclaim) is in optimistic_rollup_escape_hatch_test.cpp, the
// adversarial review's attacks in optimistic_rollup_adversarial_test.cpp.
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "l2/ref/encoding.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/optimistic_rollup_world.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::OptimisticRollupError;
using l2::u64;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
namespace oracle = l2::test::libsecp256k1;
using l2::test::rollup::BuiltBatch;
using l2::test::rollup::code;
using l2::test::rollup::code_of;
using l2::test::rollup::Party;
using l2::test::rollup::test_config;
using l2::test::rollup::World;
using optimistic_rollup::AccountIndex;
using optimistic_rollup::Batch;
using optimistic_rollup::Effects;
using optimistic_rollup::Env;
using optimistic_rollup::FraudProof;
using optimistic_rollup::FraudProofType;
using optimistic_rollup::OptimisticRollup;
using optimistic_rollup::ResolutionKind;
using optimistic_rollup::State;
using optimistic_rollup::Transaction;

// The world's parties (l2/test/optimistic_rollup_world.hpp).
using l2::test::rollup::alice, l2::test::rollup::bob, l2::test::rollup::carol, l2::test::rollup::challenger,
    l2::test::rollup::operator_party, l2::test::rollup::watcher;
constexpr AccountIndex alice_account = 1;
constexpr AccountIndex bob_account = 2;
constexpr Hash32 recipient{0xe1};

void expect_payouts(const Effects& e, const std::vector<optimistic_rollup::Payout>& expected) {
  ASSERT_EQ(e.payouts.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(e.payouts[i].to, expected[i].to) << "payout " << i;
    EXPECT_EQ(e.payouts[i].amount, expected[i].amount) << "payout " << i;
  }
}

void expect_resolutions(const Effects& e, const std::vector<optimistic_rollup::ChallengeResolution>& expected) {
  ASSERT_EQ(e.resolutions.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const optimistic_rollup::ChallengeResolution& r = e.resolutions[i];
    EXPECT_EQ(r.challenge_id, expected[i].challenge_id) << i;
    EXPECT_EQ(r.kind, expected[i].kind) << i;
    EXPECT_EQ(r.slashed_amount, expected[i].slashed_amount) << i;
    EXPECT_EQ(r.refunded_bond, expected[i].refunded_bond) << i;
    EXPECT_EQ(r.reward, expected[i].reward) << i;
    EXPECT_EQ(r.forfeited_bond, expected[i].forfeited_bond) << i;
    EXPECT_EQ(code(r.reason), code(expected[i].reason)) << i;
  }
}

// The contract after the calls of every test: the operator staked 10000 at height 1 (unlocked at
// 501), alice opened account 1 with 1000 and bob account 2 with 500, both at height 2.
class RollupContractTest : public ::testing::Test {
 protected:
  RollupContractTest() {
    w.stake(10000, 1);
    w.deposit_new(alice, alice, 1000, 2);
    w.deposit_new(bob, bob, 500, 2);
  }

  const Hash32& key(Party p) const { return w.key(p); }
  optimistic_rollup::L2Params params() const { return w.params(); }
  // A valid transaction for any state: the operator's empty transfer from its account to itself.
  Transaction filler(u64 nonce) const { return w.transfer(operator_party, 0, 0, 0, 0, nonce); }

  World w;
};

// ---- the error table ----

// The error table against the spec: optimistic_rollup_test.cpp (OptimisticRollupErrors).

TEST(RollupContractErrors, TheOperationsTableIsTheSpecsOrder) {
  const std::vector<std::string_view> expected{"stake",           "unstake",           "deposit_new_account",
                                               "deposit_top_up",  "request_forced_exit", "submit_batch",
                                               "open_challenge",  "resolve_challenge", "expire_challenge",
                                               "withdraw_challenge", "finalize",       "pay_withdrawal",
                                               "freeze",          "exit",              "reclaim_deposit"};
  ASSERT_EQ(optimistic_rollup::Operations::count, expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(optimistic_rollup::Operations::names[i], expected[i]);
  EXPECT_EQ(optimistic_rollup::Operations::index(optimistic_rollup::op_code<optimistic_rollup::SubmitBatch>), 5u);
  EXPECT_EQ(optimistic_rollup::Operations::index(optimistic_rollup::op_code<optimistic_rollup::ReclaimDeposit>), 14u);
}

// ---- deployment [OR-DEPLOY-1 .. OR-DEPLOY-11] ----

TEST(RollupDeploy, CreatesTheContractWithEveryFieldAtItsStart) {
  const auto keys = l2::test::KeyPool<1>::make("deploy");
  const auto deployed = optimistic_rollup::deploy(optimistic_rollup::DeployInput{9, Hash32{0xab}, keys.pubkey[0], 4, test_config});
  ASSERT_TRUE(deployed.ok()) << code_of(deployed);
  Bytes id;
  l2::put_u64_be(id, 9);
  l2::append(id, Hash32{0xab});
  l2::append(id, keys.pubkey[0]);
  l2::put_u64_be(id, 4);
  // Genesis: one account, 0 = (0, 0, operator), both counters 0.
  const std::vector<l2::ref::smt::Leaf> genesis{{0, optimistic_rollup::account_value(optimistic_rollup::Account{0, 0, keys.pubkey[0]})}};
  Bytes header;
  l2::append(header, l2::ref::smt::rebuild_root(genesis));
  l2::put_u64_be(header, 0);
  l2::put_u64_be(header, 0);
  OptimisticRollup expected{};
  expected.chain_id = 9;
  expected.contract = Hash32{0xab};
  expected.rollup_id = oracle::tagged_hash("L2/optimistic_rollup/id", id);
  expected.operator_key = keys.pubkey[0];
  expected.config = test_config;
  expected.next_account_index = 1;
  expected.last_state_root = oracle::tagged_hash("L2/optimistic_rollup/state", header);
  L2_EXPECT_FIELDS_EQ(expected, deployed.value());
  EXPECT_EQ(optimistic_rollup::genesis_root(keys.pubkey[0]), expected.last_state_root);
}

OptimisticRollupError deploy_error(void (*change)(optimistic_rollup::RollupConfig&)) {
  optimistic_rollup::RollupConfig config = test_config;
  change(config);
  const auto deployed = optimistic_rollup::deploy(optimistic_rollup::DeployInput{1, Hash32{}, Hash32{0x02}, 0, config});
  if (deployed.ok()) {
    EXPECT_TRUE(l2::reflect::equal(deployed.value().config, config));
  }
  return deployed.ok() ? OptimisticRollupError::none : deployed.error();
}

TEST(RollupDeploy, EveryBoundIsRefusedAtItsBoundaryAndAcceptedInside) {
  using C = optimistic_rollup::RollupConfig;
  constexpr u64 max = l2::u64_max;
  struct Case {
    const char* name;
    void (*change)(C&);
    OptimisticRollupError expected;
  };
  // test_config: censorship 6, queue 10, window 23, escape 40, stake 10000 at 50%.
  const Case cases[] = {
      {"censorship 0", [](C& c) { c.censorship_bound_blocks = 0; }, OptimisticRollupError::config_censorship_bound},
      {"censorship 1", [](C& c) { c.censorship_bound_blocks = 1; }, OptimisticRollupError::none},
      {"censorship 2", [](C& c) { c.censorship_bound_blocks = 2; }, OptimisticRollupError::none},
      {"batch 0", [](C& c) { c.max_batch_size = 0; }, OptimisticRollupError::config_batch_size},
      {"batch 1", [](C& c) { c.max_batch_size = 1; }, OptimisticRollupError::none},
      {"batch 2", [](C& c) { c.max_batch_size = 2; }, OptimisticRollupError::none},
      {"challenge 5", [](C& c) { c.challenge_period_blocks = 5; }, OptimisticRollupError::config_challenge_period},
      {"challenge 6", [](C& c) { c.challenge_period_blocks = 6; }, OptimisticRollupError::config_challenge_period},
      {"challenge 7", [](C& c) { c.challenge_period_blocks = 7; }, OptimisticRollupError::none},
      {"resolution 5", [](C& c) { c.resolution_period_blocks = 5; }, OptimisticRollupError::config_resolution_period},
      {"resolution 6", [](C& c) { c.resolution_period_blocks = 6; }, OptimisticRollupError::config_resolution_period},
      {"resolution 7", [](C& c) { c.resolution_period_blocks = 7; }, OptimisticRollupError::none},
      {"window 5", [](C& c) { c.sequencing_window_blocks = 5; }, OptimisticRollupError::config_sequencing_window},
      {"window 6", [](C& c) { c.sequencing_window_blocks = 6; }, OptimisticRollupError::none},
      {"window 7", [](C& c) { c.sequencing_window_blocks = 7; }, OptimisticRollupError::none},
      {"escape 32", [](C& c) { c.escape_delay_blocks = 32; }, OptimisticRollupError::config_escape_delay},
      {"escape 33", [](C& c) { c.escape_delay_blocks = 33; }, OptimisticRollupError::config_escape_delay},
      {"escape 34", [](C& c) { c.escape_delay_blocks = 34; }, OptimisticRollupError::none},
      {"queue 16", [](C& c) { c.queue_inclusion_blocks = 16; }, OptimisticRollupError::none},
      {"queue 17", [](C& c) { c.queue_inclusion_blocks = 17; }, OptimisticRollupError::config_escape_delay},
      {"queue 0", [](C& c) { c.queue_inclusion_blocks = 0; }, OptimisticRollupError::none},
      {"window 30", [](C& c) { c.sequencing_window_blocks = 30; }, OptimisticRollupError::config_escape_delay},
      {"queue + window overflows",
       [](C& c) {
         c.queue_inclusion_blocks = max;
         c.escape_delay_blocks = max;
       },
       OptimisticRollupError::config_escape_delay},
      {"queue + window = UINT64_MAX",
       [](C& c) {
         c.queue_inclusion_blocks = max - 23;
         c.escape_delay_blocks = max;
       },
       OptimisticRollupError::config_escape_delay},
      {"queue + window = UINT64_MAX - 1",
       [](C& c) {
         c.queue_inclusion_blocks = max - 24;
         c.escape_delay_blocks = max;
       },
       OptimisticRollupError::none},
      {"penalty 0", [](C& c) { c.stake.penalty_percentage = 0; }, OptimisticRollupError::config_penalty},
      {"penalty 1", [](C& c) { c.stake.penalty_percentage = 1; }, OptimisticRollupError::none},
      {"penalty 100", [](C& c) { c.stake.penalty_percentage = 100; }, OptimisticRollupError::none},
      {"penalty 101", [](C& c) { c.stake.penalty_percentage = 101; }, OptimisticRollupError::config_penalty},
      {"penalty 255", [](C& c) { c.stake.penalty_percentage = 255; }, OptimisticRollupError::config_penalty},
      {"slash of 3 at 50%", [](C& c) { c.stake.minimum_stake = 3; }, OptimisticRollupError::config_slash},
      {"slash of 4 at 50%", [](C& c) { c.stake.minimum_stake = 4; }, OptimisticRollupError::none},
      {"slash of 5 at 50%", [](C& c) { c.stake.minimum_stake = 5; }, OptimisticRollupError::none},
      {"slash of 0", [](C& c) { c.stake.minimum_stake = 0; }, OptimisticRollupError::config_slash},
      {"slash of 199 at 1%",
       [](C& c) {
         c.stake.minimum_stake = 199;
         c.stake.penalty_percentage = 1;
       },
       OptimisticRollupError::config_slash},
      {"slash of 200 at 1%",
       [](C& c) {
         c.stake.minimum_stake = 200;
         c.stake.penalty_percentage = 1;
       },
       OptimisticRollupError::none},
      {"slash of 1 at 100%",
       [](C& c) {
         c.stake.minimum_stake = 1;
         c.stake.penalty_percentage = 100;
       },
       OptimisticRollupError::config_slash},
      {"slash of 2 at 100%",
       [](C& c) {
         c.stake.minimum_stake = 2;
         c.stake.penalty_percentage = 100;
       },
       OptimisticRollupError::none},
      {"slash of UINT64_MAX at 100%",
       [](C& c) {
         c.stake.minimum_stake = max;
         c.stake.penalty_percentage = 100;
       },
       OptimisticRollupError::none},
      {"bond 0", [](C& c) { c.min_challenge_bond = 0; }, OptimisticRollupError::config_challenge_bond},
      {"bond 1", [](C& c) { c.min_challenge_bond = 1; }, OptimisticRollupError::none},
      {"min deposit 0", [](C& c) { c.min_deposit = 0; }, OptimisticRollupError::config_min_deposit},
      {"min deposit 1", [](C& c) { c.min_deposit = 1; }, OptimisticRollupError::none},
      {"fee 0", [](C& c) { c.forced_exit_fee = 0; }, OptimisticRollupError::config_forced_exit_fee},
      {"fee 1", [](C& c) { c.forced_exit_fee = 1; }, OptimisticRollupError::none},
  };
  for (const Case& c : cases) EXPECT_EQ(code(deploy_error(c.change)), code(c.expected)) << c.name;
}

// From an all-zero configuration, fixing one bound at a time names the next rule in order, and
// the smallest configuration that passes all of them deploys.
TEST(RollupDeploy, RulesAreCheckedInTheSpecsOrder) {
  optimistic_rollup::RollupConfig c{};
  const auto step = [&](OptimisticRollupError expected) {
    const auto deployed = optimistic_rollup::deploy(optimistic_rollup::DeployInput{1, Hash32{}, Hash32{0x02}, 0, c});
    EXPECT_EQ(code_of(deployed), code(expected));
  };
  step(OptimisticRollupError::config_censorship_bound);
  c.censorship_bound_blocks = 1;
  step(OptimisticRollupError::config_batch_size);
  c.max_batch_size = 1;
  step(OptimisticRollupError::config_challenge_period);
  c.challenge_period_blocks = 2;
  step(OptimisticRollupError::config_resolution_period);
  c.resolution_period_blocks = 2;
  step(OptimisticRollupError::config_sequencing_window);
  c.sequencing_window_blocks = 1;
  step(OptimisticRollupError::config_escape_delay);
  c.escape_delay_blocks = 2;
  step(OptimisticRollupError::config_penalty);
  c.stake.penalty_percentage = 100;
  step(OptimisticRollupError::config_slash);
  c.stake.minimum_stake = 2;
  step(OptimisticRollupError::config_challenge_bond);
  c.min_challenge_bond = 1;
  step(OptimisticRollupError::config_min_deposit);
  c.min_deposit = 1;
  step(OptimisticRollupError::config_forced_exit_fee);
  c.forced_exit_fee = 1;
  step(OptimisticRollupError::none);
}

// ---- stake and unstake [OR-STAKE-1 .. 3, OR-UNSTAKE-1 .. 2] ----

TEST(RollupStake, FirstStakeNeedsTheMinimumAndTheOperator) {
  World w;
  const OptimisticRollup fresh = w.contract;
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({w.key(alice), 20000}, 10), OptimisticRollupError::not_operator);
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({w.key(operator_party), 9999}, 10), OptimisticRollupError::stake_below_minimum);
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({w.key(operator_party), 0}, 10), OptimisticRollupError::stake_below_minimum);
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({w.key(operator_party), 10001}, 10), OptimisticRollupError::none);
  // OR-STAKE-1 before OR-STAKE-2.
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({w.key(alice), 1}, 10), OptimisticRollupError::not_operator);

  const Effects e = w.accept<optimistic_rollup::Stake>({w.key(operator_party), 10000}, 10);
  OptimisticRollup expected = fresh;
  expected.stake = 10000;
  expected.staked = true;
  expected.stake_unlock_height = 510;
  L2_EXPECT_FIELDS_EQ(expected, e.contract);
  expect_payouts(e, {});
  expect_resolutions(e, {});

  // Staked: any top-up, 0 included; the lock moves only later, never earlier.
  const Effects one = w.accept<optimistic_rollup::Stake>({w.key(operator_party), 1}, 5);
  expected.stake = 10001;
  L2_EXPECT_FIELDS_EQ(expected, one.contract);
  const Effects zero = w.accept<optimistic_rollup::Stake>({w.key(operator_party), 0}, 20);
  expected.stake_unlock_height = 520;
  L2_EXPECT_FIELDS_EQ(expected, zero.contract);
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({w.key(bob), 1}, 21), OptimisticRollupError::not_operator);
}

TEST(RollupStake, TheLockSaturatesAtUint64Max) {
  World w;
  const auto unlock_after = [&](u64 height) {
    return optimistic_rollup::apply_stake(w.contract, {w.key(operator_party), 10000}, Env{height}).value().contract.stake_unlock_height;
  };
  EXPECT_EQ(unlock_after(l2::u64_max - 501), l2::u64_max - 1);
  EXPECT_EQ(unlock_after(l2::u64_max - 500), l2::u64_max);
  EXPECT_EQ(unlock_after(l2::u64_max - 499), l2::u64_max);
  EXPECT_EQ(unlock_after(l2::u64_max), l2::u64_max);
}

TEST(RollupStake, HoldingsCapCountsEscrowStakeAndTreasuryButNotBonds) {
  World w;
  w.stake(10000, 1);
  OptimisticRollup c = w.contract;
  c.escrow = 7000;
  c.treasury = 300;
  const u64 room = l2::u64_max - 7000 - 10000 - 300;
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({w.key(operator_party), room}, 2, &c), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({w.key(operator_party), room + 1}, 2, &c), OptimisticRollupError::stake_overflow);
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({w.key(operator_party), l2::u64_max}, 2, &c), OptimisticRollupError::stake_overflow);
  // A challenge's bond is held apart: it takes no room.
  c.challenges.push_back(optimistic_rollup::Challenge{Hash32{1}, Hash32{2}, w.key(carol), FraudProofType::invalid_transition,
                                        Hash32{3}, 1, 22, l2::u64_max});
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({w.key(operator_party), room}, 2, &c), OptimisticRollupError::none);
  // OR-STAKE-2 before OR-STAKE-3.
  c.staked = false;
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({w.key(operator_party), 9999}, 2, &c), OptimisticRollupError::stake_below_minimum);
}

TEST_F(RollupContractTest, UnstakeWaitsForTheLockAndForPendingBatches) {
  EXPECT_EQ(w.refusal<optimistic_rollup::Unstake>({key(alice)}, 600), OptimisticRollupError::not_operator);
  EXPECT_EQ(w.refusal<optimistic_rollup::Unstake>({key(operator_party)}, 500), OptimisticRollupError::stake_locked);
  EXPECT_EQ(w.refusal<optimistic_rollup::Unstake>({key(operator_party)}, 499), OptimisticRollupError::stake_locked);
  EXPECT_EQ(w.refusal<optimistic_rollup::Unstake>({key(operator_party)}, 501), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::Unstake>({key(operator_party)}, 502), OptimisticRollupError::none);
  w.submit_honest(10);  // challenge deadline 110
  EXPECT_EQ(w.refusal<optimistic_rollup::Unstake>({key(operator_party)}, 501), OptimisticRollupError::batches_pending);
  // OR-STAKE-1, then OR-UNSTAKE-1, then OR-UNSTAKE-2.
  EXPECT_EQ(w.refusal<optimistic_rollup::Unstake>({key(alice)}, 500), OptimisticRollupError::not_operator);
  EXPECT_EQ(w.refusal<optimistic_rollup::Unstake>({key(operator_party)}, 500), OptimisticRollupError::stake_locked);
  w.accept<optimistic_rollup::Finalize>({key(carol)}, 110);

  const OptimisticRollup before = w.contract;
  const Effects e = w.accept<optimistic_rollup::Unstake>({key(operator_party)}, 501);
  OptimisticRollup expected = before;
  expected.stake = 0;
  expected.staked = false;
  L2_EXPECT_FIELDS_EQ(expected, e.contract);
  expect_payouts(e, {{key(operator_party), 10000}});
  expect_resolutions(e, {});
  // Unstaked: no batch, and the next stake is a first stake again.
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), w.honest(600, {filler(0)}).batch}, 601),
            OptimisticRollupError::operator_understaked);
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({key(operator_party), 9999}, 602), OptimisticRollupError::stake_below_minimum);
  // An empty stake unstakes with no payout.
  const Effects again = w.accept<optimistic_rollup::Unstake>({key(operator_party)}, 603);
  expect_payouts(again, {});
}

// ---- deposits [OR-BRIDGE-1 .. OR-BRIDGE-5] ----

TEST_F(RollupContractTest, DepositsRecordTheirIdAndTakeTheValueIntoEscrow) {
  const OptimisticRollup before = w.contract;
  // Alice pays for an account carol owns: carol's key owns it, alice gets it back if it is reclaimed.
  const Effects e = w.accept<optimistic_rollup::DepositNewAccount>({key(alice), key(carol), 100}, 5);
  OptimisticRollup expected = before;
  expected.deposits.push_back(
      optimistic_rollup::DepositRecord{optimistic_rollup::deposit_id(params(), optimistic_rollup::Deposit{2, 3, key(carol), 100}), 5, key(alice), 100});
  expected.escrow = 1600;
  expected.next_account_index = 4;
  L2_EXPECT_FIELDS_EQ(expected, e.contract);
  expect_payouts(e, {});
  expect_resolutions(e, {});

  const Effects top = w.accept<optimistic_rollup::DepositTopUp>({key(bob), alice_account, 101}, 6);
  expected.deposits.push_back(
      optimistic_rollup::DepositRecord{optimistic_rollup::deposit_id(params(), optimistic_rollup::Deposit{3, alice_account, std::nullopt, 101}), 6, key(bob), 101});
  expected.escrow = 1701;
  L2_EXPECT_FIELDS_EQ(expected, top.contract);
  expect_payouts(top, {});
  // The fixture's deposits too.
  EXPECT_EQ(before.deposits[1].deposit_id, optimistic_rollup::deposit_id(params(), optimistic_rollup::Deposit{1, bob_account, key(bob), 500}));
  EXPECT_EQ(before.deposits[1].recorded_at, 2u);
  EXPECT_EQ(before.deposits[1].depositor, key(bob));
  EXPECT_EQ(before.deposits[1].amount, 500u);
}

TEST_F(RollupContractTest, DepositMinimumAndTargetRules) {
  for (const u64 value : {u64{0}, u64{99}}) {
    EXPECT_EQ(w.refusal<optimistic_rollup::DepositNewAccount>({key(carol), key(carol), value}, 5), OptimisticRollupError::deposit_below_minimum);
    EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), alice_account, value}, 5), OptimisticRollupError::deposit_below_minimum);
  }
  for (const u64 value : {u64{100}, u64{101}}) {
    EXPECT_EQ(w.refusal<optimistic_rollup::DepositNewAccount>({key(carol), key(carol), value}, 5), OptimisticRollupError::none);
    EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), alice_account, value}, 5), OptimisticRollupError::none);
  }
  // OR-BRIDGE-2 around next_account_index 3; account 0 exists from genesis.
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), 2, 100}, 5), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), 3, 100}, 5), OptimisticRollupError::deposit_unknown_account);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), 4, 100}, 5), OptimisticRollupError::deposit_unknown_account);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(operator_party), 0, 100}, 5), OptimisticRollupError::none);
  // OR-BRIDGE-4 before OR-BRIDGE-2.
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), 3, 99}, 5), OptimisticRollupError::deposit_below_minimum);
}

TEST_F(RollupContractTest, DepositHoldingsCap) {
  OptimisticRollup c = w.contract;  // holdings 1500 + 10000
  c.treasury = 20;
  const u64 room = l2::u64_max - 1500 - 10000 - 20;
  c.escrow += room - 100;  // exactly 100 left
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositNewAccount>({key(carol), key(carol), 100}, 5, &c), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositNewAccount>({key(carol), key(carol), 101}, 5, &c), OptimisticRollupError::escrow_overflow);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), alice_account, 100}, 5, &c), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), alice_account, 101}, 5, &c), OptimisticRollupError::escrow_overflow);
  // OR-BRIDGE-4 before OR-BRIDGE-1; OR-BRIDGE-1 before OR-BRIDGE-2.
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), alice_account, 99}, 5, &c), OptimisticRollupError::deposit_below_minimum);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), 9, 101}, 5, &c), OptimisticRollupError::escrow_overflow);
  // Bonds take no room.
  c.challenges.push_back(optimistic_rollup::Challenge{Hash32{1}, Hash32{2}, key(carol), FraudProofType::invalid_transition, Hash32{3},
                                        1, 22, 5000});
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), alice_account, 100}, 5, &c), OptimisticRollupError::none);
}

TEST_F(RollupContractTest, NewAccountIndicesAndOwners) {
  OptimisticRollup c = w.contract;
  c.next_account_index = 0xffffffff;  // the last index
  const auto last = optimistic_rollup::apply_deposit_new_account(c, {key(carol), key(carol), 100}, Env{5});
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last.value().contract.next_account_index, u64{1} << 32);
  EXPECT_EQ(last.value().contract.deposits.back().deposit_id,
            optimistic_rollup::deposit_id(params(), optimistic_rollup::Deposit{2, 0xffffffff, key(carol), 100}));
  c.next_account_index = u64{1} << 32;
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositNewAccount>({key(carol), key(carol), 100}, 5, &c), OptimisticRollupError::accounts_exhausted);
  // OR-BRIDGE-3 before OR-BRIDGE-5; a top-up of the last index still works.
  const Hash32 off_curve = w.keys.pubkey[l2::test::KeyPool<6>::off_curve];
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositNewAccount>({key(carol), off_curve, 100}, 5, &c), OptimisticRollupError::accounts_exhausted);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), 0xffffffff, 100}, 5, &c), OptimisticRollupError::none);

  // OR-BRIDGE-5: keys libsecp256k1 cannot parse are refused; the parties' keys are accepted.
  ASSERT_FALSE(oracle::pubkey_parses(off_curve));
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositNewAccount>({key(carol), off_curve, 100}, 5), OptimisticRollupError::deposit_owner_invalid);
  const Hash32 field_prime = l2::from_hex<32>("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
  ASSERT_FALSE(oracle::pubkey_parses(field_prime));
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositNewAccount>({key(carol), field_prime, 100}, 5), OptimisticRollupError::deposit_owner_invalid);
  for (std::size_t p = 0; p < 6; ++p)
    EXPECT_EQ(w.refusal<optimistic_rollup::DepositNewAccount>({key(carol), w.keys.pubkey[p], 100}, 5), OptimisticRollupError::none) << p;
  // OR-BRIDGE-4 and -1 before OR-BRIDGE-5.
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositNewAccount>({key(carol), off_curve, 99}, 5), OptimisticRollupError::deposit_below_minimum);
}

// ---- forced-exit requests [OR-FEXQ-1, OR-FEXQ-2] ----

TEST_F(RollupContractTest, ForcedExitRequestRecordsItsIdAndPaysTheFeeToTheOperator) {
  const OptimisticRollup before = w.contract;
  // Anyone may ask for any assigned account; ownership is decided on L2.
  const Effects e = w.accept<optimistic_rollup::RequestForcedExit>({key(bob), alice_account, recipient, 17}, 8);
  OptimisticRollup expected = before;
  expected.forced_exits.push_back(optimistic_rollup::ForcedExitRecord{
      optimistic_rollup::forced_exit_id(params(), optimistic_rollup::ForcedExit{0, alice_account, key(bob), recipient, 0}), 8});
  L2_EXPECT_FIELDS_EQ(expected, e.contract);
  expect_payouts(e, {{key(operator_party), 17}});
  expect_resolutions(e, {});
  const Effects second = w.accept<optimistic_rollup::RequestForcedExit>({key(operator_party), 0, Hash32{0xe0}, 17}, 9);
  EXPECT_EQ(second.contract.forced_exits[1].request_id,
            optimistic_rollup::forced_exit_id(params(), optimistic_rollup::ForcedExit{1, 0, key(operator_party), Hash32{0xe0}, 0}));
  EXPECT_EQ(second.contract.forced_exits[1].recorded_at, 9u);
}

TEST_F(RollupContractTest, ForcedExitRequestRules) {
  for (const u64 value : {u64{0}, u64{16}, u64{18}, l2::u64_max})
    EXPECT_EQ(w.refusal<optimistic_rollup::RequestForcedExit>({key(alice), alice_account, recipient, value}, 5),
              OptimisticRollupError::forced_exit_fee)
        << value;
  EXPECT_EQ(w.refusal<optimistic_rollup::RequestForcedExit>({key(alice), 2, recipient, 17}, 5), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::RequestForcedExit>({key(alice), 3, recipient, 17}, 5),
            OptimisticRollupError::forced_exit_unknown_account);
  EXPECT_EQ(w.refusal<optimistic_rollup::RequestForcedExit>({key(alice), 4, recipient, 17}, 5),
            OptimisticRollupError::forced_exit_unknown_account);
  EXPECT_EQ(w.refusal<optimistic_rollup::RequestForcedExit>({key(alice), 0, recipient, 17}, 5), OptimisticRollupError::none);
  // OR-FEXQ-1 before OR-FEXQ-2.
  EXPECT_EQ(w.refusal<optimistic_rollup::RequestForcedExit>({key(alice), 3, recipient, 16}, 5), OptimisticRollupError::forced_exit_fee);
}

// ---- the frozen rule [OR-FROZEN-1] ----

TEST_F(RollupContractTest, AFrozenRollupTakesNoBatchDepositOrRequestButFinishesTheRest) {
  w.submit_honest(10);
  const Hash32 challenge = w.open(carol, FraudProof{w.contract.batches[0].batch_id, FraudProofType::double_spend,
                                                    std::nullopt, std::nullopt},
                                  11);
  OptimisticRollup frozen = w.contract;
  frozen.frozen = true;
  const Batch next = w.honest(11, {filler(0)}).batch;
  // Checked first: inputs that break other rules too still get OR_ROLLUP_FROZEN.
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), next}, 12, &frozen), OptimisticRollupError::rollup_frozen);
  Batch unsigned_batch = next;
  unsigned_batch.signature = {};
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(carol), unsigned_batch}, 12, &frozen), OptimisticRollupError::rollup_frozen);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositNewAccount>({key(carol), key(carol), 100}, 12, &frozen), OptimisticRollupError::rollup_frozen);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositNewAccount>({key(carol), key(carol), 1}, 12, &frozen), OptimisticRollupError::rollup_frozen);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), alice_account, 100}, 12, &frozen), OptimisticRollupError::rollup_frozen);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), 9, 1}, 12, &frozen), OptimisticRollupError::rollup_frozen);
  EXPECT_EQ(w.refusal<optimistic_rollup::RequestForcedExit>({key(alice), alice_account, recipient, 17}, 12, &frozen),
            OptimisticRollupError::rollup_frozen);
  EXPECT_EQ(w.refusal<optimistic_rollup::RequestForcedExit>({key(alice), 9, recipient, 0}, 12, &frozen), OptimisticRollupError::rollup_frozen);
  // The same calls on the live rollup pass.
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), next}, 12), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::DepositTopUp>({key(carol), alice_account, 100}, 12), OptimisticRollupError::none);
  // What is not a new batch or request still runs once frozen: stake, challenges, finality, payout.
  EXPECT_EQ(w.refusal<optimistic_rollup::Stake>({key(operator_party), 5}, 12, &frozen), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(w.open_input(bob, FraudProof{w.contract.batches[0].batch_id,
                                                                        FraudProofType::invalid_transition, std::nullopt,
                                                                        std::nullopt},
                                                       1000),
                                          12, &frozen),
            OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::WithdrawChallenge>({key(carol), challenge}, 12, &frozen), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::ExpireChallenge>({key(bob), challenge}, 32, &frozen), OptimisticRollupError::none);
  OptimisticRollup closed = optimistic_rollup::apply_expire_challenge(frozen, {key(bob), challenge}, Env{32}).value().contract;
  EXPECT_EQ(w.refusal<optimistic_rollup::Finalize>({key(bob)}, 110, &closed), OptimisticRollupError::none);
}

// ---- batch submission [OR-BATCH-1 .. OR-BATCH-15] ----

TEST_F(RollupContractTest, SubmissionRecordsTheBatchAndItsL1View) {
  // Deposit 2 lands at 5, forced exits at 5 and 7; the batch's view is what was recorded by its origin.
  w.deposit_new(carol, carol, 100, 5);
  w.request_exit(alice, alice_account, recipient, 5);
  w.request_exit(bob, bob_account, recipient, 7);
  struct Case {
    u64 origin;
    u64 deposits_visible;
    u64 exits_visible;
  };
  for (const Case& c : {Case{1, 0, 0}, Case{2, 2, 0}, Case{4, 2, 0}, Case{5, 3, 1}, Case{6, 3, 1}, Case{7, 3, 2}}) {
    World copy = w;
    const BuiltBatch built = copy.honest(c.origin, {filler(0)}, false);
    const OptimisticRollup before = copy.contract;
    const Effects e = copy.accept<optimistic_rollup::SubmitBatch>({key(carol), built.batch}, 20);  // anyone may submit it
    OptimisticRollup expected = before;
    const Hash32 id = optimistic_rollup::batch_id(built.batch.header);
    expected.batches.push_back(optimistic_rollup::BatchRecord{built.batch.header, id, 20, 120, c.deposits_visible, c.exits_visible,
                                                false, 0});
    expected.last_state_root = built.batch.header.post_state_root;
    L2_EXPECT_FIELDS_EQ(expected, e.contract);
    expect_payouts(e, {});
    expect_resolutions(e, {});
  }
  // The header the operator signs: chain, rollup, the next number, the epoch, the origin, the roots.
  const BuiltBatch built = w.honest(7);
  const optimistic_rollup::BatchHeader& h = built.batch.header;
  EXPECT_EQ(h.chain_id, World::chain);
  EXPECT_EQ(h.rollup_id, w.contract.rollup_id);
  EXPECT_EQ(h.batch_number, 0u);
  EXPECT_EQ(h.epoch, 0u);
  EXPECT_EQ(h.l1_origin_height, 7u);
  EXPECT_EQ(h.prev_state_root, w.contract.last_state_root);
  EXPECT_EQ(h.post_state_root, built.post.root());
  EXPECT_EQ(h.transaction_count, 5u);  // 3 deposits and 2 forced exits
  EXPECT_TRUE(oracle::verify(key(operator_party), optimistic_rollup::batch_id(h), built.batch.signature));
  // make_batch signs the same header with the reference's BIP-340: the same bytes as libsecp256k1.
  const Batch made = optimistic_rollup::make_batch(w.contract, built.batch.transactions, built.batch.state_roots, 7,
                                     w.keys.secret[operator_party], Hash32{});
  EXPECT_TRUE(l2::reflect::equal(made, built.batch));
}

TEST_F(RollupContractTest, ChallengeDeadlineSaturates) {
  for (const auto& [height, deadline] : {std::pair{l2::u64_max - 101, l2::u64_max - 1}, std::pair{l2::u64_max - 100, l2::u64_max},
                                         std::pair{l2::u64_max - 50, l2::u64_max}}) {
    World copy = w;
    copy.submit_honest(height);
    EXPECT_EQ(copy.contract.batches[0].challenge_deadline, deadline) << height;
    EXPECT_EQ(copy.contract.batches[0].submitted_at, height);
  }
}

TEST_F(RollupContractTest, SubmissionChecksTheOperatorAndTheHeader) {
  const Batch good = w.honest(9).batch;
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(carol), good}, 10), OptimisticRollupError::none);
  // OR-BATCH-1: staked with at least minimum_stake.
  World unstaked;
  unstaked.deposits = w.deposits;
  EXPECT_EQ(unstaked.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), good}, 10), OptimisticRollupError::operator_understaked);
  OptimisticRollup under = w.contract;
  under.stake = 9999;  // what a slash leaves
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), good}, 10, &under), OptimisticRollupError::operator_understaked);
  under.stake = 10000;
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), good}, 10, &under), OptimisticRollupError::none);
  under.staked = false;  // a hand-made state: the stake is there, the flag says it was withdrawn
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), good}, 10, &under), OptimisticRollupError::operator_understaked);

  const auto refused = [&](Batch b, OptimisticRollupError e, bool resign) {
    if (resign) b = w.resigned(b);
    EXPECT_EQ(code(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), b}, 10)), code(e));
  };
  // OR-BATCH-2, -13, -3, -4: each refused even when the operator signed the edited header.
  for (const bool resign : {false, true}) {
    Batch b = good;
    b.header.chain_id += 1;
    refused(b, OptimisticRollupError::batch_wrong_rollup, resign);
    b = good;
    b.header.rollup_id[31] ^= 1;
    refused(b, OptimisticRollupError::batch_wrong_rollup, resign);
    b = good;
    b.header.epoch = 1;
    refused(b, OptimisticRollupError::batch_wrong_epoch, resign);
    b = good;
    b.header.batch_number = 1;
    refused(b, OptimisticRollupError::batch_out_of_order, resign);
    b = good;
    b.header.prev_state_root[0] ^= 1;
    refused(b, OptimisticRollupError::batch_prev_root_mismatch, resign);
  }
  // In that order: a header wrong in all of them names OR-BATCH-2, then -13, -3, -4.
  Batch b = good;
  b.header.chain_id += 1;
  b.header.epoch = 3;
  b.header.batch_number = 2;
  b.header.prev_state_root[0] ^= 1;
  refused(b, OptimisticRollupError::batch_wrong_rollup, true);
  b.header.chain_id -= 1;
  refused(b, OptimisticRollupError::batch_wrong_epoch, true);
  b.header.epoch = 0;
  refused(b, OptimisticRollupError::batch_out_of_order, true);
  b.header.batch_number = 0;
  refused(b, OptimisticRollupError::batch_prev_root_mismatch, true);
}

TEST_F(RollupContractTest, EpochMustBeTheContracts) {
  OptimisticRollup later = w.contract;
  later.epoch = 1;  // one confirmed fraud ago
  const Batch epoch0 = w.honest(9).batch;
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), epoch0}, 10, &later), OptimisticRollupError::batch_wrong_epoch);
  for (const u64 epoch : {u64{1}, u64{2}}) {
    Batch b = epoch0;
    b.header.epoch = epoch;
    b = w.resigned(b);
    EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), b}, 10, &later),
              epoch == 1 ? OptimisticRollupError::none : OptimisticRollupError::batch_wrong_epoch)
        << epoch;
  }
}

TEST_F(RollupContractTest, OriginMustBeAnEarlierBlockWithinTheSequencingWindow) {
  const auto at = [&](u64 origin, u64 height) {
    Batch b = w.honest(9).batch;
    b.header.l1_origin_height = origin;
    return code(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), w.resigned(b)}, height));
  };
  // OR-BATCH-14: the origin is below the height.
  EXPECT_EQ(at(49, 50), code(OptimisticRollupError::none));
  EXPECT_EQ(at(50, 50), code(OptimisticRollupError::batch_origin_in_future));
  EXPECT_EQ(at(51, 50), code(OptimisticRollupError::batch_origin_in_future));
  // OR-BATCH-15: the height is at most origin + 23.
  EXPECT_EQ(at(28, 50), code(OptimisticRollupError::none));
  EXPECT_EQ(at(27, 50), code(OptimisticRollupError::none));
  EXPECT_EQ(at(26, 50), code(OptimisticRollupError::batch_origin_stale));
  EXPECT_EQ(at(0, 23), code(OptimisticRollupError::none));
  EXPECT_EQ(at(0, 24), code(OptimisticRollupError::batch_origin_stale));
  // origin + window past UINT64_MAX saturates: never stale.
  EXPECT_EQ(at(l2::u64_max - 10, l2::u64_max), code(OptimisticRollupError::none));
  EXPECT_EQ(at(l2::u64_max - 23, l2::u64_max), code(OptimisticRollupError::none));
  EXPECT_EQ(at(l2::u64_max - 24, l2::u64_max), code(OptimisticRollupError::batch_origin_stale));
  // OR-BATCH-4 before OR-BATCH-14; OR-BATCH-14 before OR-BATCH-15 and the data rules.
  Batch b = w.honest(9).batch;
  b.header.prev_state_root[0] ^= 1;
  b.header.l1_origin_height = 60;
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), w.resigned(b)}, 50), OptimisticRollupError::batch_prev_root_mismatch);
  b = w.honest(9).batch;
  b.header.l1_origin_height = 60;
  b.transactions.clear();
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), w.resigned(b)}, 50), OptimisticRollupError::batch_origin_in_future);
  b.header.l1_origin_height = 2;
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), w.resigned(b)}, 50), OptimisticRollupError::batch_origin_stale);
}

TEST_F(RollupContractTest, SubmissionChecksTheDataAgainstTheCommitments) {
  const Batch good = w.honest(9, {filler(0)}).batch;  // 3 transactions
  const auto refused = [&](const Batch& b, OptimisticRollupError e) {
    EXPECT_EQ(code(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), b}, 10)), code(e));
  };
  Batch b = good;
  b.transactions.clear();
  refused(b, OptimisticRollupError::batch_empty);
  // OR-BATCH-6 around max_batch_size 4: 5 is refused, 4 is accepted (below).
  b = good;
  b.transactions.assign(5, good.transactions[0]);
  refused(b, OptimisticRollupError::batch_too_large);
  // OR-BATCH-7: the count is the posted list's, one more and one less.
  for (const u64 count : {u64{2}, u64{4}}) {
    b = good;
    b.header.transaction_count = count;
    refused(b, OptimisticRollupError::batch_count_mismatch);
  }
  b = good;
  b.transactions.pop_back();
  refused(b, OptimisticRollupError::batch_count_mismatch);
  // OR-BATCH-8
  b = good;
  std::swap(b.transactions[0], b.transactions[1]);
  refused(b, OptimisticRollupError::batch_tx_root_mismatch);
  b = good;
  b.transactions[2].transfer->fee = 1;
  refused(b, OptimisticRollupError::batch_tx_root_mismatch);
  // OR-BATCH-9: n + 1 roots, one fewer and one more.
  b = good;
  b.state_roots.pop_back();
  refused(b, OptimisticRollupError::batch_state_root_count);
  b = good;
  b.state_roots.push_back(b.state_roots.back());
  refused(b, OptimisticRollupError::batch_state_root_count);
  // OR-BATCH-10: each endpoint.
  b = good;
  b.state_roots.front()[0] ^= 1;
  refused(b, OptimisticRollupError::batch_state_root_endpoints);
  b = good;
  b.state_roots.back()[0] ^= 1;
  refused(b, OptimisticRollupError::batch_state_root_endpoints);
  // OR-BATCH-11: an intermediate root.
  b = good;
  b.state_roots[1][0] ^= 1;
  refused(b, OptimisticRollupError::batch_state_roots_mismatch);
  b = good;
  b.header.state_roots_root[0] ^= 1;
  refused(w.resigned(b), OptimisticRollupError::batch_state_roots_mismatch);
  // OR-BATCH-12: a flipped bit, another signer, a signature of another header.
  b = good;
  b.signature[5] ^= 1;
  refused(b, OptimisticRollupError::bad_operator_signature);
  refused(w.resigned(good, carol), OptimisticRollupError::bad_operator_signature);
  b = good;
  b.signature = w.honest(8, {filler(0)}).batch.signature;
  refused(b, OptimisticRollupError::bad_operator_signature);
  // The data rules in order: count before root, root before the roots' count, and so on.
  b = good;
  b.transactions.pop_back();
  b.state_roots.pop_back();
  refused(b, OptimisticRollupError::batch_count_mismatch);
  b = good;
  b.transactions[0] = good.transactions[1];
  b.state_roots.pop_back();
  refused(b, OptimisticRollupError::batch_tx_root_mismatch);
  b = good;
  b.state_roots.pop_back();
  b.signature = {};
  refused(b, OptimisticRollupError::batch_state_root_count);
  // Exactly max_batch_size transactions.
  const Batch four = w.honest(9, {filler(0), filler(1)}).batch;
  ASSERT_EQ(four.transactions.size(), 4u);
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), four}, 10), OptimisticRollupError::none);
}

TEST_F(RollupContractTest, BatchesChainInOrder) {
  w.submit_honest(10);
  // The same batch again is out of order; the next one must start from its post-root.
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), w.posted[0]}, 11), OptimisticRollupError::batch_out_of_order);
  w.submit_honest(11, {w.transfer(alice, alice_account, bob_account, 10, 1, 0)});
  EXPECT_EQ(w.contract.batches[1].header.batch_number, 1u);
  EXPECT_EQ(w.contract.batches[1].header.prev_state_root, w.contract.batches[0].header.post_state_root);
  EXPECT_EQ(w.contract.last_state_root, w.contract.batches[1].header.post_state_root);
}

// ---- open_challenge [OR-CHAL-1 .. OR-CHAL-5] ----

TEST_F(RollupContractTest, OpenChallengeRecordsTheCommitmentAndTheBond) {
  w.submit_honest(10);
  w.submit_honest(12, {filler(0)});
  const FraudProof proof{w.contract.batches[1].batch_id, FraudProofType::double_spend, std::nullopt, std::nullopt};
  const optimistic_rollup::OpenChallengeInput in = w.open_input(carol, proof, 1234);
  const OptimisticRollup before = w.contract;
  const Effects e = w.accept<optimistic_rollup::OpenChallenge>(in, 30);
  // evidence = H(challenger || enc(proof)), challenge_id = H(challenger || evidence), by libsecp256k1.
  Bytes preimage;
  l2::append(preimage, key(carol));
  l2::append(preimage, l2::reflect::encode(proof));
  const Hash32 evidence = oracle::tagged_hash("L2/optimistic_rollup/evidence", preimage);
  EXPECT_EQ(in.evidence, evidence);
  Bytes id_preimage;
  l2::append(id_preimage, key(carol));
  l2::append(id_preimage, evidence);
  const Hash32 id = oracle::tagged_hash("L2/optimistic_rollup/challenge", id_preimage);
  EXPECT_EQ(optimistic_rollup::challenge_id(key(carol), evidence), id);
  OptimisticRollup expected = before;
  expected.challenges.push_back(
      optimistic_rollup::Challenge{id, proof.batch_id, key(carol), FraudProofType::double_spend, evidence, 30, 51, 1234});
  expected.batches[1].open_challenges = 1;
  L2_EXPECT_FIELDS_EQ(expected, e.contract);
  expect_payouts(e, {});
  expect_resolutions(e, {});
}

TEST_F(RollupContractTest, ChallengeWindowIsHalfOpenAtTheDeadline) {
  w.submit_honest(10);  // challenge_deadline 110
  const FraudProof proof{w.contract.batches[0].batch_id, FraudProofType::invalid_transition, std::nullopt, std::nullopt};
  const optimistic_rollup::OpenChallengeInput in = w.open_input(challenger, proof, 1000);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(in, 109), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(in, 110), OptimisticRollupError::challenge_too_late);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(in, 111), OptimisticRollupError::challenge_too_late);
  // And finalization is possible exactly from the deadline.
  EXPECT_EQ(w.refusal<optimistic_rollup::Finalize>({key(carol)}, 109), OptimisticRollupError::challenge_period_open);
  EXPECT_EQ(w.refusal<optimistic_rollup::Finalize>({key(carol)}, 110), OptimisticRollupError::none);
}

TEST_F(RollupContractTest, OpenChallengeRules) {
  w.submit_honest(10);
  const Hash32 batch = w.contract.batches[0].batch_id;
  const auto input = [&](Party who, FraudProofType type, u64 bond, l2::u8 evidence = 0x77) {
    return optimistic_rollup::OpenChallengeInput{key(who), batch, type, Hash32{evidence}, bond};
  };
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>({key(carol), Hash32{1}, FraudProofType::invalid_transition, Hash32{}, 1000}, 11),
            OptimisticRollupError::challenge_unknown_batch);
  // OR-CHAL-3 around min_challenge_bond 1000; a bond of UINT64_MAX is held apart from holdings.
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(carol, FraudProofType::invalid_transition, 999), 11),
            OptimisticRollupError::challenge_bond_too_small);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(carol, FraudProofType::invalid_transition, 0), 11),
            OptimisticRollupError::challenge_bond_too_small);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(carol, FraudProofType::invalid_transition, 1000), 11), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(carol, FraudProofType::invalid_transition, 1001), 11), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(carol, FraudProofType::invalid_transition, l2::u64_max), 11),
            OptimisticRollupError::none);
  // OR-CHAL-4: every type but data_withholding.
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(carol, FraudProofType::data_withholding, 1000), 11),
            OptimisticRollupError::challenge_type_not_applicable);
  for (const FraudProofType type : {FraudProofType::invalid_transition, FraudProofType::invalid_signature,
                                    FraudProofType::double_spend, FraudProofType::timeout_violation})
    EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(carol, type, 1000), 11), OptimisticRollupError::none);
  // In order: OR-CHAL-2 before -3, -3 before -4.
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(carol, FraudProofType::data_withholding, 1, 0x77), 110),
            OptimisticRollupError::challenge_too_late);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(carol, FraudProofType::data_withholding, 1), 11),
            OptimisticRollupError::challenge_bond_too_small);

  // OR-CHAL-5: one party commits to one evidence once; other parties and other evidence are free.
  w.accept<optimistic_rollup::OpenChallenge>(input(carol, FraudProofType::double_spend, 1000), 11);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(carol, FraudProofType::invalid_signature, 1000), 12),
            OptimisticRollupError::challenge_duplicate);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(challenger, FraudProofType::double_spend, 1000), 12), OptimisticRollupError::none);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(carol, FraudProofType::double_spend, 1000, 0x78), 12), OptimisticRollupError::none);
  // OR-CHAL-4 before OR-CHAL-5.
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(carol, FraudProofType::data_withholding, 1000), 12),
            OptimisticRollupError::challenge_type_not_applicable);
  // Once the first is closed, the same commitment may be opened again.
  const Hash32 first = optimistic_rollup::challenge_id(key(carol), Hash32{0x77});
  w.accept<optimistic_rollup::WithdrawChallenge>({key(carol), first}, 12);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(carol, FraudProofType::double_spend, 1000), 13), OptimisticRollupError::none);
  // A final batch cannot be challenged.
  w.accept<optimistic_rollup::Finalize>({key(carol)}, 110);
  EXPECT_EQ(w.refusal<optimistic_rollup::OpenChallenge>(input(bob, FraudProofType::double_spend, 1000), 109),
            OptimisticRollupError::challenge_unknown_batch);
}

TEST_F(RollupContractTest, ChallengeResolutionDeadlineSaturates) {
  w.submit_honest(l2::u64_max - 110);  // challenge_deadline UINT64_MAX - 10
  const FraudProof proof{w.contract.batches[0].batch_id, FraudProofType::double_spend, std::nullopt, std::nullopt};
  for (const auto& [height, deadline] : {std::pair{l2::u64_max - 22, l2::u64_max - 1}, std::pair{l2::u64_max - 21, l2::u64_max},
                                         std::pair{l2::u64_max - 20, l2::u64_max}}) {
    World copy = w;
    const Hash32 id = copy.open(carol, proof, height);
    EXPECT_EQ(copy.contract.challenges[0].deadline, deadline) << height;
    EXPECT_EQ(copy.contract.challenges[0].challenge_id, id);
  }
}

// ---- the fraud-proof verifier [OR-FP-1 .. OR-FP-11] ----

// A batch whose second transaction's result is wrong, after an honest batch.
class FraudProofTest : public RollupContractTest {
 protected:
  FraudProofTest() {
    w.submit_honest(5);
    const BuiltBatch built =
        w.honest(5, {w.transfer(alice, alice_account, bob_account, 10, 1, 0), w.transfer(bob, bob_account, alice_account, 5, 0, 0)});
    std::vector<Hash32> roots = built.batch.state_roots;
    roots[2][0] ^= 1;
    bad = w.signed_batch(built.batch.transactions, roots, 5);
    w.submit(bad, 6, built.pre, built.post);
    good = *w.fraud_in(1);
  }
  const optimistic_rollup::BatchRecord& record() const { return w.contract.batches[1]; }
  optimistic_rollup::Challenge challenge_for(FraudProofType type) const {
    return optimistic_rollup::Challenge{{}, record().batch_id, key(challenger), type, {}, 0, 0, 0};
  }
  std::string verdict(const FraudProof& p) const {
    return code(optimistic_rollup::verify_fraud_proof(w.contract, record(), challenge_for(good.proof_type), p));
  }

  Batch bad;
  FraudProof good;
};

TEST_F(FraudProofTest, TheHonestProofConfirms) {
  EXPECT_EQ(good.proof_type, FraudProofType::invalid_transition);
  ASSERT_TRUE(good.transaction_fault.has_value());
  EXPECT_FALSE(good.timeout_fault.has_value());
  EXPECT_EQ(good.batch_id, record().batch_id);
  EXPECT_EQ(good.transaction_fault->transaction_index, 1u);
  EXPECT_EQ(good.transaction_fault->transaction, l2::reflect::encode(bad.transactions[1]));
  EXPECT_EQ(good.transaction_fault->pre_state_root, bad.state_roots[1]);
  EXPECT_EQ(good.transaction_fault->post_state_root, bad.state_roots[2]);
  EXPECT_EQ(verdict(good), code(OptimisticRollupError::none));
  EXPECT_EQ(w.fraud_in(0), std::nullopt) << "the honest batch has no fault";
}

TEST_F(FraudProofTest, BatchAndShapeRules) {
  FraudProof p = good;
  p.batch_id = w.contract.batches[0].batch_id;
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_batch_mismatch));
  p = good;
  p.proof_type = FraudProofType::double_spend;
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_batch_mismatch));
  // OR-FP-2 for a transaction type: a timeout fault added, or the transaction fault missing.
  p = good;
  p.timeout_fault = optimistic_rollup::TimeoutFault{optimistic_rollup::QueueKind::deposits, 0, {}};
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_evidence_shape));
  p = good;
  p.transaction_fault.reset();
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_evidence_shape));
  // For the timeout type: a transaction fault instead, both, neither.
  const optimistic_rollup::Challenge timeout = challenge_for(FraudProofType::timeout_violation);
  const auto timeout_verdict = [&](const FraudProof& q) {
    return code(optimistic_rollup::verify_fraud_proof(w.contract, record(), timeout, q));
  };
  p = good;
  p.proof_type = FraudProofType::timeout_violation;
  EXPECT_EQ(timeout_verdict(p), code(OptimisticRollupError::fraud_evidence_shape));
  p.timeout_fault = optimistic_rollup::TimeoutFault{optimistic_rollup::QueueKind::deposits, 0, {}};
  EXPECT_EQ(timeout_verdict(p), code(OptimisticRollupError::fraud_evidence_shape));
  p.transaction_fault.reset();
  p.timeout_fault.reset();
  EXPECT_EQ(timeout_verdict(p), code(OptimisticRollupError::fraud_evidence_shape));
  p.timeout_fault = optimistic_rollup::TimeoutFault{optimistic_rollup::QueueKind::deposits, 0, {}};
  EXPECT_EQ(timeout_verdict(p), code(OptimisticRollupError::fraud_bad_state_opening));
}

TEST_F(FraudProofTest, InclusionRules) {
  FraudProof p = good;
  p.transaction_fault->transaction_index = 0;
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_tx_not_included));
  p = good;
  p.transaction_fault->transaction_index = 2;  // = n: past the batch
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_tx_not_included));
  p = good;
  p.transaction_fault->transaction.back() ^= 1;
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_tx_not_included));
  p = good;
  p.transaction_fault->transaction_proof[0][0] ^= 1;
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_tx_not_included));
  p = good;
  p.transaction_fault->pre_state_root = p.transaction_fault->post_state_root;
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_pre_root_not_included));
  p = good;
  p.transaction_fault->pre_state_root_proof[0][0] ^= 1;
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_pre_root_not_included));
  p = good;
  p.transaction_fault->post_state_root = p.transaction_fault->pre_state_root;
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_post_root_not_included));
  p = good;
  p.transaction_fault->post_state_root_proof.clear();
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_post_root_not_included));
  // The proofs in order: a wrong transaction with wrong roots is OR-FP-3, wrong roots OR-FP-4.
  p = good;
  p.transaction_fault->transaction.back() ^= 1;
  p.transaction_fault->pre_state_root[0] ^= 1;
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_tx_not_included));
  p = good;
  p.transaction_fault->pre_state_root[0] ^= 1;
  p.transaction_fault->post_state_root[0] ^= 1;
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_pre_root_not_included));
}

TEST_F(FraudProofTest, ReExecutionRules) {
  FraudProof p = good;
  p.transaction_fault->witness.accounts[0].account->balance += 1;  // a forged opening
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_bad_witness));
  p = good;
  p.transaction_fault->witness.accounts.pop_back();
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_bad_witness));
  p = good;
  p.transaction_fault->witness.accounts[0].index += 1;  // the first opening is of another account (OR-WIT-3)
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_bad_witness));
  p = good;
  p.transaction_fault->witness.pre_state.forced_exits_processed += 1;
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_bad_witness));
  // The same kind of proof against the first, correct step: no fault.
  const FraudProof at_zero{record().batch_id, FraudProofType::invalid_transition,
                           optimistic_rollup::transaction_fault_at(w.contract, record(), bad, 0, w.pre_states[1]), std::nullopt};
  EXPECT_EQ(verdict(at_zero), code(OptimisticRollupError::fraud_no_fault));
  // A wrong result typed as a double spend, and a valid step typed as one.
  const optimistic_rollup::Challenge typed = challenge_for(FraudProofType::double_spend);
  p = good;
  p.proof_type = FraudProofType::double_spend;
  EXPECT_EQ(code(optimistic_rollup::verify_fraud_proof(w.contract, record(), typed, p)), code(OptimisticRollupError::fraud_type_mismatch));
  FraudProof q = at_zero;
  q.proof_type = FraudProofType::double_spend;
  EXPECT_EQ(code(optimistic_rollup::verify_fraud_proof(w.contract, record(), typed, q)), code(OptimisticRollupError::fraud_no_fault));
  // The proof's bytes must decode: a proof whose transaction is junk bytes is not included.
  p = good;
  p.transaction_fault->transaction = Bytes{0xff};
  EXPECT_EQ(verdict(p), code(OptimisticRollupError::fraud_tx_not_included));
}

// Each way an invalid transaction inside a batch is proven, with its type.
TEST_F(RollupContractTest, InvalidTransactionsInsideABatchAreProvenWithTheirType) {
  w.submit_honest(5);
  const State pre = w.l2;
  struct Attack {
    const char* name;
    std::vector<Transaction> txs;
    FraudProofType type;
    u64 index;
  };
  const Transaction pay = w.transfer(alice, alice_account, bob_account, 10, 0, 0);
  optimistic_rollup::Deposit credited_again = w.deposits[0];
  const std::vector<Attack> attacks{
      {"signed by an outsider", {w.transfer(carol, alice_account, bob_account, 10, 0, 0)}, FraudProofType::invalid_signature, 0},
      {"more than the balance", {w.transfer(alice, alice_account, bob_account, 2000, 0, 0)}, FraudProofType::double_spend, 0},
      {"a nonce replayed", {pay, pay}, FraudProofType::double_spend, 1},
      {"a deposit credited twice", {optimistic_rollup::make_transaction(credited_again)}, FraudProofType::double_spend, 0},
      {"a nonce gap", {w.transfer(alice, alice_account, bob_account, 10, 0, 1)}, FraudProofType::invalid_transition, 0},
      {"an unknown recipient", {w.transfer(alice, alice_account, 9, 10, 0, 0)}, FraudProofType::invalid_transition, 0},
  };
  for (const Attack& attack : attacks) {
    World copy = w;
    // The operator claims the pre-state root after every invalid step (any root would do).
    std::vector<Hash32> roots(attack.txs.size() + 1, pre.root());
    if (attack.txs.size() == 2) roots[1] = optimistic_rollup::apply_tx(copy.params(), optimistic_rollup::L1View{}, pre, pay).value().root();
    const Batch b = copy.signed_batch(attack.txs, roots, 5);
    copy.submit(b, 6, pre, pre);
    const auto proof = copy.fraud_in(1);
    ASSERT_TRUE(proof.has_value()) << attack.name;
    EXPECT_EQ(proof->proof_type, attack.type) << attack.name;
    EXPECT_EQ(proof->transaction_fault->transaction_index, attack.index) << attack.name;
    const Hash32 id = copy.open(challenger, *proof, 7);
    EXPECT_EQ(copy.resolve(id, *proof, 8).resolutions.at(0).kind, ResolutionKind::fraud_confirmed) << attack.name;
  }
}

// A forced exit processed twice, or with the wrong amount, inside a batch.
TEST_F(RollupContractTest, ForcedExitFaultsAreProven) {
  w.request_exit(alice, alice_account, recipient, 3);
  w.submit_honest(5);  // credits both deposits and processes alice's exit: she has 0
  const State pre = w.l2;
  ASSERT_EQ(pre.forced_exits_processed(), 1u);
  ASSERT_EQ(pre.account(alice_account)->balance, 0u);
  optimistic_rollup::ForcedExit again = w.exits[0];
  again.amount = 1000;
  optimistic_rollup::ForcedExit wrong = w.exits[0];
  wrong.request_index = 1;
  struct Attack {
    Transaction tx;
    FraudProofType type;
  };
  for (const Attack& attack : {Attack{optimistic_rollup::make_transaction(again), FraudProofType::double_spend},
                               Attack{optimistic_rollup::make_transaction(wrong), FraudProofType::invalid_transition}}) {
    World copy = w;
    copy.submit(copy.signed_batch({attack.tx}, {pre.root(), pre.root()}, 5), 6, pre, pre);
    const auto proof = copy.fraud_in(1);
    ASSERT_TRUE(proof.has_value());
    EXPECT_EQ(proof->proof_type, attack.type);
  }
}

// ---- timeout faults [OR-FP-9 .. OR-FP-11] ----

// Deposit 2 (carol, 100) and forced exit 0 (alice) recorded at 5 are overdue for origins from 15.
class TimeoutTest : public RollupContractTest {
 protected:
  TimeoutTest() {
    w.deposit_new(carol, carol, 100, 5);
    w.request_exit(alice, alice_account, recipient, 5);
    first_two = {optimistic_rollup::make_transaction(w.deposits[0]), optimistic_rollup::make_transaction(w.deposits[1])};
  }
  // A batch on `origin`, landing at origin + 1, that credits only the first two deposits.
  void submit_ignoring(u64 origin) {
    const BuiltBatch built = w.honest(origin, first_two, false);
    w.submit(built.batch, origin + 1, built.pre, built.post);
  }
  optimistic_rollup::TimeoutFault fault(optimistic_rollup::QueueKind queue, u64 index) const {
    return optimistic_rollup::TimeoutFault{queue, index, w.l2.header()};
  }
  std::string verdict(const optimistic_rollup::TimeoutFault& f) const {
    const FraudProof p{w.contract.batches[0].batch_id, FraudProofType::timeout_violation, std::nullopt, f};
    const optimistic_rollup::Challenge c{{}, p.batch_id, w.key(challenger), p.proof_type, {}, 0, 0, 0};
    return code(optimistic_rollup::verify_fraud_proof(w.contract, w.contract.batches[0], c, p));
  }
  std::vector<Transaction> first_two;
};

TEST_F(TimeoutTest, ARequestIsOverdueFromOriginRecordedAtPlusQueueInclusion) {
  for (const u64 origin : {u64{13}, u64{14}}) {
    const World saved = w;
    submit_ignoring(origin);
    EXPECT_EQ(w.fraud_in(0), std::nullopt) << origin;
    EXPECT_EQ(verdict(fault(optimistic_rollup::QueueKind::deposits, 2)), code(OptimisticRollupError::fraud_request_not_overdue)) << origin;
    EXPECT_EQ(verdict(fault(optimistic_rollup::QueueKind::forced_exits, 0)), code(OptimisticRollupError::fraud_request_not_overdue)) << origin;
    w = saved;
  }
  for (const u64 origin : {u64{15}, u64{16}}) {
    const World saved = w;
    submit_ignoring(origin);
    const auto proof = w.fraud_in(0);
    ASSERT_TRUE(proof.has_value()) << origin;
    EXPECT_EQ(proof->proof_type, FraudProofType::timeout_violation);
    ASSERT_TRUE(proof->timeout_fault.has_value());
    EXPECT_FALSE(proof->transaction_fault.has_value());
    // The first overdue deposit comes before any forced exit.
    EXPECT_EQ(proof->timeout_fault->queue, optimistic_rollup::QueueKind::deposits);
    EXPECT_EQ(proof->timeout_fault->index, 2u);
    EXPECT_TRUE(l2::reflect::equal(proof->timeout_fault->post_state, w.l2.header()));
    EXPECT_EQ(verdict(fault(optimistic_rollup::QueueKind::deposits, 2)), code(OptimisticRollupError::none)) << origin;
    EXPECT_EQ(verdict(fault(optimistic_rollup::QueueKind::forced_exits, 0)), code(OptimisticRollupError::none)) << origin;
    w = saved;
  }
}

TEST_F(TimeoutTest, TimeoutRules) {
  submit_ignoring(15);  // post-state: deposits_credited 2, forced_exits_processed 0
  // OR-FP-9: the header must open the batch's post-state root.
  optimistic_rollup::TimeoutFault f = fault(optimistic_rollup::QueueKind::deposits, 2);
  f.post_state.deposits_credited = 3;
  EXPECT_EQ(verdict(f), code(OptimisticRollupError::fraud_bad_state_opening));
  f = fault(optimistic_rollup::QueueKind::deposits, 2);
  f.post_state.forced_exits_processed = 1;
  EXPECT_EQ(verdict(f), code(OptimisticRollupError::fraud_bad_state_opening));
  // OR-FP-10: an index past the view (3 deposits, 1 forced exit) is not overdue.
  EXPECT_EQ(verdict(fault(optimistic_rollup::QueueKind::deposits, 3)), code(OptimisticRollupError::fraud_request_not_overdue));
  EXPECT_EQ(verdict(fault(optimistic_rollup::QueueKind::forced_exits, 1)), code(OptimisticRollupError::fraud_request_not_overdue));
  EXPECT_EQ(verdict(fault(optimistic_rollup::QueueKind::deposits, l2::u64_max)), code(OptimisticRollupError::fraud_request_not_overdue));
  // OR-FP-11: the counter is above the index (deposits 0 and 1 were credited).
  EXPECT_EQ(verdict(fault(optimistic_rollup::QueueKind::deposits, 1)), code(OptimisticRollupError::fraud_request_processed));
  EXPECT_EQ(verdict(fault(optimistic_rollup::QueueKind::deposits, 0)), code(OptimisticRollupError::fraud_request_processed));
  EXPECT_EQ(verdict(fault(optimistic_rollup::QueueKind::deposits, 2)), code(OptimisticRollupError::none));
  EXPECT_EQ(verdict(fault(optimistic_rollup::QueueKind::forced_exits, 0)), code(OptimisticRollupError::none));
  // OR-FP-9 before -10 before -11.
  f = fault(optimistic_rollup::QueueKind::deposits, 9);
  f.post_state.accounts_root[0] ^= 1;
  EXPECT_EQ(verdict(f), code(OptimisticRollupError::fraud_bad_state_opening));
}

TEST_F(TimeoutTest, TheQueueOfTheFaultIsTheOneItsCounterComesFrom) {
  // Credits all three deposits but skips the forced exit: only the forced-exit queue is overdue.
  const BuiltBatch built = w.honest(15, {first_two[0], first_two[1], optimistic_rollup::make_transaction(w.deposits[2])}, false);
  w.submit(built.batch, 16, built.pre, built.post);
  EXPECT_EQ(verdict(fault(optimistic_rollup::QueueKind::deposits, 2)), code(OptimisticRollupError::fraud_request_processed));
  EXPECT_EQ(verdict(fault(optimistic_rollup::QueueKind::forced_exits, 0)), code(OptimisticRollupError::none));
  const auto proof = w.fraud_in(0);
  ASSERT_TRUE(proof.has_value());
  EXPECT_EQ(proof->timeout_fault->queue, optimistic_rollup::QueueKind::forced_exits);
  EXPECT_EQ(proof->timeout_fault->index, 0u);
}

TEST_F(RollupContractTest, AnOverdueSumPastUint64MaxIsNeverOverdue) {
  w.submit_honest(10);
  OptimisticRollup c = w.contract;
  c.deposits[0].recorded_at = l2::u64_max - 5;  // hand-made: + 10 overflows
  c.batches[0].header.l1_origin_height = l2::u64_max;
  EXPECT_FALSE(optimistic_rollup::overdue_for(c, c.batches[0], optimistic_rollup::QueueKind::deposits, 0));
  c.deposits[0].recorded_at = l2::u64_max - 10;  // + 10 = UINT64_MAX: overdue at origin UINT64_MAX
  EXPECT_TRUE(optimistic_rollup::overdue_for(c, c.batches[0], optimistic_rollup::QueueKind::deposits, 0));
  c.batches[0].header.l1_origin_height = l2::u64_max - 1;
  EXPECT_FALSE(optimistic_rollup::overdue_for(c, c.batches[0], optimistic_rollup::QueueKind::deposits, 0));
  // Beyond the visible count, or past the queue, never.
  c.batches[0].header.l1_origin_height = l2::u64_max;
  c.batches[0].deposits_visible = 0;
  EXPECT_FALSE(optimistic_rollup::overdue_for(c, c.batches[0], optimistic_rollup::QueueKind::deposits, 0));
  EXPECT_FALSE(optimistic_rollup::overdue_for(c, c.batches[0], optimistic_rollup::QueueKind::forced_exits, 0));
}

// ---- resolve_challenge [OR-RES-1 .. OR-RES-4] and its two outcomes ----

TEST_F(FraudProofTest, ResolveRules) {
  const Hash32 id = w.open(challenger, good, 10);  // opened_at 10, deadline 31
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), Hash32{9}, good}, 12), OptimisticRollupError::unknown_challenge);
  // OR-RES-2: revealed before the deadline.
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), id, good}, 31), OptimisticRollupError::challenge_expired);
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), id, good}, 32), OptimisticRollupError::challenge_expired);
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), id, good}, 30), OptimisticRollupError::none);
  // OR-RES-3: in a later block than the commitment.
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), id, good}, 10), OptimisticRollupError::reveal_too_early);
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), id, good}, 9), OptimisticRollupError::reveal_too_early);
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), id, good}, 11), OptimisticRollupError::none);
  // OR-RES-4: the proof committed to, by this challenger.
  FraudProof other = good;
  other.proof_type = FraudProofType::double_spend;
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), id, other}, 12), OptimisticRollupError::evidence_mismatch);
  // OR-RES-2 before -3 before -4 (a hand-made challenge whose deadline is its opening block).
  OptimisticRollup c = w.contract;
  c.challenges[0].deadline = 10;
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), id, other}, 10, &c), OptimisticRollupError::challenge_expired);
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), id, other}, 10), OptimisticRollupError::reveal_too_early);
  // OR-RES-1 for a hand-made challenge whose batch is not pending.
  c = w.contract;
  c.challenges[0].challenged_object = Hash32{0x66};
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), id, good}, 12, &c), OptimisticRollupError::unknown_challenge);
  c = w.contract;
  c.batches[1].final = true;
  EXPECT_EQ(w.refusal<optimistic_rollup::ResolveChallenge>({key(carol), id, good}, 12, &c), OptimisticRollupError::unknown_challenge);
}

// Batch 0 honest, 1 fraudulent, 2 built on it; four open challenges; the honest one on batch 1
// resolves: the slash, the challenger's two payouts, the revert of batches 1 and 2 with the refund
// of their other challenges in the order of `challenges`, the survivor on batch 0, a new epoch.
TEST_F(RollupContractTest, ConfirmedFraudSlashesRevertsAndRefunds) {
  w.stake(3, 4);  // stake 10003: slashed floor(10003 * 50 / 100) = 5001, half 2500, treasury 2501
  w.submit_honest(5);
  const BuiltBatch honest1 = w.honest(5, {w.transfer(alice, alice_account, bob_account, 10, 0, 0)});
  State forged = honest1.post;
  forged.put(bob_account, optimistic_rollup::Account{5000, 0, key(bob)});
  const Batch fraud = w.signed_batch(honest1.batch.transactions, {honest1.pre.root(), forged.root()}, 5);
  w.submit(fraud, 6, honest1.pre, forged);
  w.submit_honest(7, {w.transfer(bob, bob_account, alice_account, 4000, 0, 0)});

  const auto junk = [&](std::size_t k, FraudProofType type) {
    return FraudProof{w.contract.batches[k].batch_id, type, std::nullopt, std::nullopt};
  };
  const Hash32 survivor = w.open(carol, junk(0, FraudProofType::invalid_signature), 8, 1100);
  const Hash32 on_batch2 = w.open(bob, junk(2, FraudProofType::double_spend), 8, 1500);
  const Hash32 on_batch1 = w.open(watcher, junk(1, FraudProofType::double_spend), 8, 1200);
  const auto proof = w.fraud_in(1);
  ASSERT_TRUE(proof.has_value());
  const Hash32 id = w.open(challenger, *proof, 9, 1000);
  ASSERT_EQ(w.contract.batches[1].open_challenges, 2u);

  const OptimisticRollup before = w.contract;
  const Effects e = w.resolve(id, *proof, 10, carol);  // revealed by someone else: still pays the challenger
  OptimisticRollup expected = before;
  expected.stake = 5002;
  expected.treasury = 2501;
  expected.epoch = 1;
  expected.batches.resize(1);
  expected.last_state_root = before.batches[1].header.prev_state_root;
  expected.challenges = {before.challenges[0]};
  L2_EXPECT_FIELDS_EQ(expected, e.contract);
  EXPECT_EQ(e.contract.batches[0].open_challenges, 1u);
  EXPECT_EQ(e.contract.challenges[0].challenge_id, survivor);
  expect_payouts(e, {{key(challenger), 1000}, {key(challenger), 2500}, {key(bob), 1500}, {key(watcher), 1200}});
  expect_resolutions(e, {{id, ResolutionKind::fraud_confirmed, 5001, 1000, 2500, 0, OptimisticRollupError::none},
                         {on_batch2, ResolutionKind::batch_reverted, 0, 1500, 0, 0, OptimisticRollupError::none},
                         {on_batch1, ResolutionKind::batch_reverted, 0, 1200, 0, 0, OptimisticRollupError::none}});

  // The chain resumes from batch 0 in epoch 1, batch number 1, once the operator is staked again.
  w.rewind();
  EXPECT_EQ(w.refusal<optimistic_rollup::SubmitBatch>({key(operator_party), w.honest(10, {filler(0)}).batch}, 11),
            OptimisticRollupError::operator_understaked);
  w.stake(4998, 11);
  const BuiltBatch next = w.honest(10, {filler(0)});
  EXPECT_EQ(next.batch.header.batch_number, 1u);
  EXPECT_EQ(next.batch.header.epoch, 1u);
  EXPECT_EQ(next.batch.header.prev_state_root, w.contract.batches[0].header.post_state_root);
  w.submit(next.batch, 11, next.pre, next.post);
}

TEST_F(RollupContractTest, TheSlashRoundsTheChallengersHalfDown) {
  struct Case {
    u64 stake;
    u64 slashed, half;
  };
  // floor(stake * 50 / 100), then floor(slashed / 2) to the challenger and the rest to the treasury.
  for (const Case& c : {Case{10000, 5000, 2500}, Case{10001, 5000, 2500}, Case{10002, 5001, 2500}, Case{10003, 5001, 2500},
                        Case{10004, 5002, 2501}}) {
    World copy = w;
    copy.stake(c.stake - 10000, 3);
    const BuiltBatch built = copy.honest(4, {copy.transfer(alice, alice_account, bob_account, 10, 0, 0)});
    std::vector<Hash32> roots = built.batch.state_roots;
    roots.back() = built.pre.root();  // the transfer's result claimed to be the state before it
    const Batch fraud = copy.signed_batch(built.batch.transactions, roots, 4);
    copy.submit(fraud, 5, built.pre, built.pre);
    const auto proof = copy.fraud_in(0);
    ASSERT_TRUE(proof.has_value());
    const Hash32 id = copy.open(challenger, *proof, 6, 1000);
    const Effects e = copy.resolve(id, *proof, 7);
    EXPECT_EQ(e.contract.stake, c.stake - c.slashed) << c.stake;
    EXPECT_EQ(e.contract.treasury, c.slashed - c.half) << c.stake;
    expect_payouts(e, {{copy.key(challenger), 1000}, {copy.key(challenger), c.half}});
    EXPECT_EQ(e.resolutions.at(0).slashed_amount, c.slashed);
    EXPECT_EQ(e.resolutions.at(0).refunded_bond, 1000u);
    EXPECT_EQ(e.resolutions.at(0).reward, c.half);
  }
}

TEST_F(FraudProofTest, ARejectedProofForfeitsTheBondToTheOperatorAtOnce) {
  const FraudProof at_zero{record().batch_id, FraudProofType::invalid_transition,
                           optimistic_rollup::transaction_fault_at(w.contract, record(), bad, 0, w.pre_states[1]), std::nullopt};
  const Hash32 other = w.open(bob, FraudProof{record().batch_id, FraudProofType::double_spend, std::nullopt, std::nullopt},
                              10, 1300);
  const Hash32 id = w.open(challenger, at_zero, 10, 1234);
  const OptimisticRollup before = w.contract;
  const Effects e = w.resolve(id, at_zero, 11);
  OptimisticRollup expected = before;
  expected.challenges = {before.challenges[0]};
  expected.batches[1].open_challenges = 1;
  L2_EXPECT_FIELDS_EQ(expected, e.contract);
  EXPECT_EQ(e.contract.challenges[0].challenge_id, other);
  expect_payouts(e, {{key(operator_party), 1234}});
  expect_resolutions(e, {{id, ResolutionKind::challenge_rejected, 0, 0, 0, 1234, OptimisticRollupError::fraud_no_fault}});
  // The reason names the rule that rejected the proof.
  const Hash32 shaped = w.open(challenger, FraudProof{record().batch_id, FraudProofType::double_spend, std::nullopt,
                                                      std::nullopt},
                               12);
  const Effects rejected = w.resolve(shaped, FraudProof{record().batch_id, FraudProofType::double_spend, std::nullopt,
                                                        std::nullopt},
                                     13);
  expect_resolutions(rejected, {{shaped, ResolutionKind::challenge_rejected, 0, 0, 0, 1000, OptimisticRollupError::fraud_evidence_shape}});
}

// ---- expire_challenge [OR-EXP-1] and withdraw_challenge [OR-WDC-1] ----

TEST_F(RollupContractTest, ExpireAndWithdrawForfeitTheBondToTheOperator) {
  w.submit_honest(10);
  w.submit_honest(11, {filler(0)});
  const FraudProof junk{w.contract.batches[1].batch_id, FraudProofType::invalid_transition, std::nullopt, std::nullopt};
  const Hash32 id = w.open(challenger, junk, 12, 1500);  // deadline 33
  const Hash32 other = w.open(carol, junk, 12, 1000);
  EXPECT_EQ(w.refusal<optimistic_rollup::ExpireChallenge>({key(bob), Hash32{9}}, 40), OptimisticRollupError::unknown_challenge);
  EXPECT_EQ(w.refusal<optimistic_rollup::ExpireChallenge>({key(bob), id}, 32), OptimisticRollupError::challenge_not_expired);
  EXPECT_EQ(w.refusal<optimistic_rollup::ExpireChallenge>({key(bob), id}, 12), OptimisticRollupError::challenge_not_expired);
  EXPECT_EQ(w.refusal<optimistic_rollup::ExpireChallenge>({key(bob), id}, 34), OptimisticRollupError::none);
  const OptimisticRollup before = w.contract;
  const Effects expired = w.accept<optimistic_rollup::ExpireChallenge>({key(bob), id}, 33);
  OptimisticRollup expected = before;
  expected.challenges = {before.challenges[1]};
  expected.batches[1].open_challenges = 1;
  L2_EXPECT_FIELDS_EQ(expected, expired.contract);
  expect_payouts(expired, {{key(operator_party), 1500}});
  expect_resolutions(expired, {{id, ResolutionKind::challenge_rejected, 0, 0, 0, 1500, OptimisticRollupError::challenge_expired}});

  // withdraw: the challenger only, before its deadline.
  EXPECT_EQ(w.refusal<optimistic_rollup::WithdrawChallenge>({key(carol), Hash32{9}}, 20), OptimisticRollupError::unknown_challenge);
  EXPECT_EQ(w.refusal<optimistic_rollup::WithdrawChallenge>({key(challenger), other}, 20), OptimisticRollupError::not_challenger);
  EXPECT_EQ(w.refusal<optimistic_rollup::WithdrawChallenge>({key(operator_party), other}, 20), OptimisticRollupError::not_challenger);
  EXPECT_EQ(w.refusal<optimistic_rollup::WithdrawChallenge>({key(carol), other}, 33), OptimisticRollupError::challenge_expired);
  EXPECT_EQ(w.refusal<optimistic_rollup::WithdrawChallenge>({key(carol), other}, 34), OptimisticRollupError::challenge_expired);
  // OR-RES-1, then OR-WDC-1, then OR-RES-2.
  EXPECT_EQ(w.refusal<optimistic_rollup::WithdrawChallenge>({key(bob), other}, 33), OptimisticRollupError::not_challenger);
  const OptimisticRollup live = w.contract;
  const Effects withdrawn = w.accept<optimistic_rollup::WithdrawChallenge>({key(carol), other}, 32);
  expected = live;
  expected.challenges.clear();
  expected.batches[1].open_challenges = 0;
  L2_EXPECT_FIELDS_EQ(expected, withdrawn.contract);
  expect_payouts(withdrawn, {{key(operator_party), 1000}});
  expect_resolutions(withdrawn, {{other, ResolutionKind::challenge_withdrawn, 0, 0, 0, 1000, OptimisticRollupError::none}});
  EXPECT_EQ(w.refusal<optimistic_rollup::WithdrawChallenge>({key(carol), other}, 32), OptimisticRollupError::unknown_challenge);
  EXPECT_EQ(w.refusal<optimistic_rollup::ExpireChallenge>({key(carol), other}, 40), OptimisticRollupError::unknown_challenge);
}

// ---- finalize [OR-FIN-1 .. OR-FIN-3] ----

TEST_F(RollupContractTest, FinalizationIsInOrderAndWaitsForChallenges) {
  EXPECT_EQ(w.refusal<optimistic_rollup::Finalize>({key(carol)}, 1000), OptimisticRollupError::nothing_to_finalize);
  w.submit_honest(10);                 // deadline 110
  w.submit_honest(12, {filler(0)});    // deadline 112
  const FraudProof junk{w.contract.batches[0].batch_id, FraudProofType::invalid_transition, std::nullopt, std::nullopt};
  const Hash32 id = w.open(challenger, junk, 100);  // deadline 121
  EXPECT_EQ(w.refusal<optimistic_rollup::Finalize>({key(carol)}, 109), OptimisticRollupError::challenge_period_open);
  EXPECT_EQ(w.refusal<optimistic_rollup::Finalize>({key(carol)}, 110), OptimisticRollupError::challenges_open);
  EXPECT_EQ(w.refusal<optimistic_rollup::Finalize>({key(carol)}, 200), OptimisticRollupError::challenges_open);
  w.accept<optimistic_rollup::ExpireChallenge>({key(carol), id}, 121);
  EXPECT_EQ(w.refusal<optimistic_rollup::Finalize>({key(carol)}, 109), OptimisticRollupError::challenge_period_open);
  const OptimisticRollup before = w.contract;
  const Effects e = w.accept<optimistic_rollup::Finalize>({key(carol)}, 121);
  OptimisticRollup expected = before;
  expected.batches[0].final = true;
  L2_EXPECT_FIELDS_EQ(expected, e.contract);
  expect_payouts(e, {});
  expect_resolutions(e, {});
  // The next oldest is batch 1: its own deadline counts.
  OptimisticRollup early = w.contract;
  EXPECT_EQ(w.refusal<optimistic_rollup::Finalize>({key(carol)}, 111), OptimisticRollupError::challenge_period_open);
  early.batches[1].open_challenges = 1;  // hand-made
  EXPECT_EQ(w.refusal<optimistic_rollup::Finalize>({key(carol)}, 112, &early), OptimisticRollupError::challenges_open);
  w.accept<optimistic_rollup::Finalize>({key(carol)}, 112);
  EXPECT_TRUE(w.contract.batches[1].final);
  EXPECT_EQ(w.refusal<optimistic_rollup::Finalize>({key(carol)}, 1000), OptimisticRollupError::nothing_to_finalize);
}

// ---- pay_withdrawal [OR-PAY-1 .. OR-PAY-5] ----

TEST_F(RollupContractTest, WithdrawalsAndForcedExitsArePaidOnlyFromAFinalBatchAndOnce) {
  w.submit_honest(5);  // batch 0 credits both deposits
  w.request_exit(bob, bob_account, Hash32{0xb0}, 6);
  w.request_exit(carol, alice_account, Hash32{0xc0}, 6);  // not carol's: a no-op on L2
  // Batch 1: forced exits 0 (bob's 500) and 1 (0), then alice's withdrawal of 300 + 5.
  w.submit_honest(10, {w.withdrawal(alice, alice_account, recipient, 300, 5, 0)});
  const std::vector<Transaction>& txs = w.posted[1].transactions;
  ASSERT_EQ(txs.size(), 3u);
  const auto leaves = optimistic_rollup::transaction_leaf_hashes(txs);
  const auto pay = [&](u64 index) {
    return optimistic_rollup::PayWithdrawalInput{key(watcher), 1, index, l2::reflect::encode(txs[index]),
                                   l2::ref::rfc6962::inclusion_proof(leaves, index)};
  };
  w.accept<optimistic_rollup::Finalize>({key(carol)}, 105);
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>(pay(2), 109), OptimisticRollupError::pay_batch_not_final);
  optimistic_rollup::PayWithdrawalInput unknown = pay(2);
  unknown.batch_number = 2;
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>(unknown, 109), OptimisticRollupError::pay_batch_not_final);
  w.accept<optimistic_rollup::Finalize>({key(carol)}, 110);
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>(unknown, 111), OptimisticRollupError::pay_batch_not_final);
  unknown.batch_number = l2::u64_max;
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>(unknown, 111), OptimisticRollupError::pay_batch_not_final);
  // The same bytes and proof against batch 0 are not included there.
  unknown.batch_number = 0;
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>(unknown, 111), OptimisticRollupError::pay_tx_not_included);

  // OR-PAY-2: another index, altered bytes, a bent proof.
  for (const u64 index : {u64{1}, u64{3}}) {
    optimistic_rollup::PayWithdrawalInput bad = pay(2);
    bad.transaction_index = index;
    EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>(bad, 111), OptimisticRollupError::pay_tx_not_included) << index;
  }
  optimistic_rollup::PayWithdrawalInput bad = pay(2);
  bad.transaction.back() ^= 1;
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>(bad, 111), OptimisticRollupError::pay_tx_not_included);
  bad = pay(2);
  bad.proof[0][0] ^= 1;
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>(bad, 111), OptimisticRollupError::pay_tx_not_included);
  // OR-PAY-3: a deposit is included but pays nothing.
  const auto first_leaves = optimistic_rollup::transaction_leaf_hashes(w.posted[0].transactions);
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>({key(watcher), 0, 0, l2::reflect::encode(w.posted[0].transactions[0]),
                                           l2::ref::rfc6962::inclusion_proof(first_leaves, 0)},
                                          111),
            OptimisticRollupError::pay_not_withdrawal);

  // The withdrawal: 300 to its recipient (the fee stayed on L2).
  const OptimisticRollup before = w.contract;
  const Effects paid = w.accept<optimistic_rollup::PayWithdrawal>(pay(2), 111);
  OptimisticRollup expected = before;
  expected.escrow = 1200;
  expected.paid.push_back(optimistic_rollup::PaidWithdrawal{1, 2});
  L2_EXPECT_FIELDS_EQ(expected, paid.contract);
  expect_payouts(paid, {{recipient, 300}});
  expect_resolutions(paid, {});
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>(pay(2), 112), OptimisticRollupError::pay_already_paid);
  // Bob's forced exit: his whole 500 to the recipient he named.
  const Effects exited = w.accept<optimistic_rollup::PayWithdrawal>(pay(0), 112);
  expected.escrow = 700;
  expected.paid.push_back(optimistic_rollup::PaidWithdrawal{1, 0});
  L2_EXPECT_FIELDS_EQ(expected, exited.contract);
  expect_payouts(exited, {{Hash32{0xb0}, 500}});
  // Carol's no-op forced exit: recorded as paid, no payout of 0.
  const Effects noop = w.accept<optimistic_rollup::PayWithdrawal>(pay(1), 113);
  expected.paid.push_back(optimistic_rollup::PaidWithdrawal{1, 1});
  L2_EXPECT_FIELDS_EQ(expected, noop.contract);
  expect_payouts(noop, {});
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>(pay(1), 114), OptimisticRollupError::pay_already_paid);
}

TEST_F(RollupContractTest, PaidIsKeyedByBatchAndIndexAndTheEscrowCapsThePayout) {
  w.submit_honest(10, {w.withdrawal(alice, alice_account, recipient, 300, 0, 0)});  // index 2 of batch 0
  w.submit_honest(11, {filler(0), w.withdrawal(bob, bob_account, recipient, 200, 0, 0)});  // index 1 of batch 1
  w.accept<optimistic_rollup::Finalize>({key(carol)}, 110);
  w.accept<optimistic_rollup::Finalize>({key(carol)}, 111);
  const auto pay = [&](u64 batch, u64 index) {
    const auto leaves = optimistic_rollup::transaction_leaf_hashes(w.posted[batch].transactions);
    return optimistic_rollup::PayWithdrawalInput{key(watcher), batch, index, l2::reflect::encode(w.posted[batch].transactions[index]),
                                   l2::ref::rfc6962::inclusion_proof(leaves, index)};
  };
  // (0, 2) paid does not block (1, 1), and a payment of (1, 1) is not one of (0, 1).
  w.accept<optimistic_rollup::PayWithdrawal>(pay(0, 2), 112);
  OptimisticRollup c = w.contract;
  c.paid.push_back(optimistic_rollup::PaidWithdrawal{0, 1});
  c.paid.push_back(optimistic_rollup::PaidWithdrawal{2, 1});
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>(pay(1, 1), 112, &c), OptimisticRollupError::none);
  // OR-PAY-5 around the amount 200 (reachable only after an unwatched fraud).
  c.escrow = 199;
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>(pay(1, 1), 112, &c), OptimisticRollupError::pay_escrow_insufficient);
  c.escrow = 200;
  const auto exact = optimistic_rollup::apply_pay_withdrawal(c, pay(1, 1), Env{112});
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact.value().contract.escrow, 0u);
  // OR-PAY-4 before OR-PAY-5.
  c = w.contract;
  c.escrow = 0;
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>(pay(0, 2), 112, &c), OptimisticRollupError::pay_already_paid);
}

TEST_F(RollupContractTest, AMalformedTransactionInAFinalBatchIsNotAWithdrawal) {
  // An unwatched operator finalizes a batch holding a transaction with two bodies.
  Transaction mixed = w.withdrawal(alice, alice_account, recipient, 300, 0, 0);
  mixed.transfer = optimistic_rollup::Transfer{};
  const State pre = w.l2;
  w.submit(w.signed_batch({mixed}, {pre.root(), pre.root()}, 9), 10, pre, pre);
  w.accept<optimistic_rollup::Finalize>({key(carol)}, 110);
  const auto leaves = optimistic_rollup::transaction_leaf_hashes(w.posted[0].transactions);
  EXPECT_EQ(w.refusal<optimistic_rollup::PayWithdrawal>({key(watcher), 0, 0, l2::reflect::encode(mixed),
                                           l2::ref::rfc6962::inclusion_proof(leaves, 0)},
                                          111),
            OptimisticRollupError::pay_not_withdrawal);
}

}  // namespace
