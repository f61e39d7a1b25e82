// The optimistic rollup's L1 contract checked at compile time: this file compiling is the test
// passing. The operator's batch signature is l2::test::ToySignatureCheck (constant-evaluating
// BIP-340 costs seconds per signature); the contract does not execute transactions, so a batch
// here is its commitments only, over made-up intermediate roots. Fraud proofs, which re-execute
// a transaction, run with real signatures in tests/unit/optimistic_rollup_contract_test.cpp.
#include <gtest/gtest.h>

#include <vector>

#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/test/toy_signature.hpp"

namespace {

using l2::Hash32;
using l2::RollupError;
using l2::u64;
namespace orl = l2::ref::optimistic_rollup;
using l2::test::key;
using l2::test::toy;
using l2::test::toy_sign;

constexpr Hash32 operator_key = key(0x0f);
constexpr Hash32 challenger = key(0xc1);
constexpr orl::RollupConfig config{8, 20, 10, 5, 100, orl::StakeRequirements{1000, 50, 30}};

constexpr RollupError error_of(const orl::Transition& t) { return t.ok() ? RollupError::none : t.error(); }

// A deployed, staked contract with one deposit and one batch submitted at height 10.
struct Scenario {
  orl::OptimisticRollup contract;
  orl::Batch batch;
};

constexpr Scenario scenario() {
  orl::OptimisticRollup c = orl::deploy(1, key(0xcc), operator_key, 0, config).value();
  c = orl::apply_stake(c, {1000}, {1, operator_key}).value().contract;
  c = orl::apply_deposit_new_account(c, {key(0xa1), 700}, {2, key(0xa1)}).value().contract;
  const std::vector<orl::Transaction> txs{orl::make_transaction(orl::Deposit{0, 1, key(0xa1), 700})};
  orl::Batch batch{orl::batch_header_for(c, txs, std::vector{c.last_state_root, key(0x51)}), {}, txs,
                   std::vector{c.last_state_root, key(0x51)}};
  batch.signature = toy_sign(operator_key, orl::batch_id(batch.header));
  c = orl::apply_submit_batch(c, batch, {10, key(0xaa)}, toy).value().contract;
  return {c, batch};
}

struct Checks {
  bool deploy_refuses_penalty_above_100;
  RollupError stake_by_outsider, first_stake_below_minimum, unstake_locked, unstake_pending;
  RollupError top_up_unassigned, submit_again, submit_forged_signature, submit_understaked;
  u64 escrow, next_account_index, challenge_deadline;
  bool recorded, last_root_is_post_root;
  RollupError challenge_before_deadline, challenge_at_deadline, challenge_after_deadline, small_bond, withholding;
  RollupError finalize_before, finalize_at, finalize_with_open_challenge, pay_before_final;
  u64 expired_bond_to_rewards, withdrawn_refund;
};

constexpr Checks checks() {
  const Scenario s = scenario();
  const orl::OptimisticRollup& c = s.contract;
  Checks r{};
  orl::RollupConfig bad = config;
  bad.stake.penalty_percentage = 101;
  r.deploy_refuses_penalty_above_100 = orl::deploy(1, key(0xcc), operator_key, 0, bad).error() == RollupError::config_invalid;
  r.stake_by_outsider = error_of(orl::apply_stake(c, {5}, {11, challenger}));
  orl::OptimisticRollup unstaked = c;
  unstaked.staked = false;
  r.first_stake_below_minimum = error_of(orl::apply_stake(unstaked, {999}, {11, operator_key}));
  r.unstake_locked = error_of(orl::apply_unstake(c, {50, operator_key}));
  r.unstake_pending = error_of(orl::apply_unstake(c, {51, operator_key}));
  r.top_up_unassigned = error_of(orl::apply_deposit_top_up(c, {2, 1}, {11, challenger}));
  r.submit_again = error_of(orl::apply_submit_batch(c, s.batch, {11, operator_key}, toy));
  orl::Batch forged = s.batch;
  forged.signature = toy_sign(challenger, orl::batch_id(forged.header));
  orl::OptimisticRollup before = orl::apply_stake(orl::deploy(1, key(0xcc), operator_key, 0, config).value(), {1000},
                                                  {1, operator_key})
                                     .value()
                                     .contract;
  before = orl::apply_deposit_new_account(before, {key(0xa1), 700}, {2, key(0xa1)}).value().contract;
  r.submit_forged_signature = error_of(orl::apply_submit_batch(before, forged, {10, operator_key}, toy));
  before.stake = 999;
  r.submit_understaked = error_of(orl::apply_submit_batch(before, s.batch, {10, operator_key}, toy));
  r.escrow = c.escrow;
  r.next_account_index = c.next_account_index;
  r.challenge_deadline = c.batches[0].challenge_deadline;
  r.recorded = c.batches.size() == 1 && c.batches[0].batch_id == orl::batch_id(s.batch.header);
  r.last_root_is_post_root = c.last_state_root == key(0x51);

  const orl::OpenChallengeInput open{c.batches[0].batch_id, orl::FraudProofType::invalid_transition, key(0xe0), 100};
  r.challenge_before_deadline = error_of(orl::apply_open_challenge(c, open, {29, challenger}));
  r.challenge_at_deadline = error_of(orl::apply_open_challenge(c, open, {30, challenger}));
  r.challenge_after_deadline = error_of(orl::apply_open_challenge(c, open, {31, challenger}));
  orl::OpenChallengeInput small = open;
  small.value = 99;
  r.small_bond = error_of(orl::apply_open_challenge(c, small, {12, challenger}));
  orl::OpenChallengeInput withholding = open;
  withholding.proof_type = orl::FraudProofType::data_withholding;
  r.withholding = error_of(orl::apply_open_challenge(c, withholding, {12, challenger}));
  r.finalize_before = error_of(orl::apply_finalize(c, {29, challenger}));
  r.finalize_at = error_of(orl::apply_finalize(c, {30, challenger}));
  const orl::OptimisticRollup challenged = orl::apply_open_challenge(c, open, {12, challenger}).value().contract;
  r.finalize_with_open_challenge = error_of(orl::apply_finalize(challenged, {40, challenger}));
  r.pay_before_final = error_of(orl::apply_pay_withdrawal(c, {0, 0, {}, {}}, {12, challenger}));
  r.expired_bond_to_rewards =
      orl::apply_expire_challenge(challenged, {orl::challenge_id(challenger, key(0xe0))}, {22, challenger}).value().contract.rewards.challenge_bonds;
  r.withdrawn_refund = orl::apply_withdraw_challenge(challenged, {orl::challenge_id(challenger, key(0xe0))}, {21, challenger}).value().payouts[0].amount;
  return r;
}

constexpr Checks result = checks();

static_assert(result.deploy_refuses_penalty_above_100);                             // OR-DEPLOY-1
static_assert(result.stake_by_outsider == RollupError::not_operator);               // OR-STAKE-1
static_assert(result.first_stake_below_minimum == RollupError::stake_below_minimum);  // OR-STAKE-2
static_assert(result.unstake_locked == RollupError::stake_locked);                  // OR-UNSTAKE-1
static_assert(result.unstake_pending == RollupError::batches_pending);              // OR-UNSTAKE-2
static_assert(result.top_up_unassigned == RollupError::deposit_unknown_account);    // OR-BRIDGE-2
static_assert(result.submit_again == RollupError::batch_out_of_order);              // OR-BATCH-3
static_assert(result.submit_forged_signature == RollupError::bad_operator_signature);  // OR-BATCH-12
static_assert(result.submit_understaked == RollupError::operator_understaked);      // OR-BATCH-1
static_assert(result.escrow == 700 && result.next_account_index == 2);
static_assert(result.challenge_deadline == 30 && result.recorded && result.last_root_is_post_root);
static_assert(result.challenge_before_deadline == RollupError::none);               // deadline - 1
static_assert(result.challenge_at_deadline == RollupError::challenge_too_late);     // OR-CHAL-2
static_assert(result.challenge_after_deadline == RollupError::challenge_too_late);
static_assert(result.small_bond == RollupError::challenge_bond_too_small);          // OR-CHAL-3
static_assert(result.withholding == RollupError::challenge_type_not_applicable);    // OR-CHAL-4
static_assert(result.finalize_before == RollupError::challenge_period_open);        // OR-FIN-2
static_assert(result.finalize_at == RollupError::none);
static_assert(result.finalize_with_open_challenge == RollupError::challenges_open);  // OR-FIN-3
static_assert(result.pay_before_final == RollupError::pay_batch_not_final);         // OR-PAY-1
static_assert(result.expired_bond_to_rewards == 100);                               // OR-EXP-1
static_assert(result.withdrawn_refund == 100);                                      // OR-WDC-1

TEST(OptimisticRollupContractStatic, CompilesMeansPasses) { SUCCEED(); }

}  // namespace
