// The optimistic rollup's L1 contract checked at compile time: this file compiling is the test
// passing. The operator's batch signature is l2::test::rollup::SymbolicCheck (constant-evaluating
// BIP-340 costs seconds per signature); the contract executes no transaction, so a batch here is its
// commitments only, over a made-up post-state root. Fraud proofs, which re-execute a transaction,
// run with real signatures in tests/unit/optimistic_rollup_contract_test.cpp. Constant evaluation
// of SHA-256 is slow, so the scenario is one evaluation that returns a record of checks.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/test/optimistic_rollup_symbolic_signature.hpp"

namespace {

using l2::Hash32;
using l2::OptimisticRollupError;
using l2::u64;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
using l2::test::rollup::filled;
using l2::test::rollup::symbolic;
using l2::test::rollup::symbolic_sign;

constexpr Hash32 operator_key = filled(0x0f);
constexpr Hash32 watcher = filled(0xc1);
// secp256k1's generator's x: a key on the curve.
constexpr Hash32 on_curve = l2::from_hex<32>("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
// The field prime: no x coordinate.
constexpr Hash32 off_curve = l2::from_hex<32>("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");

// Every bound distinct: batch 4, challenge 100, resolution 21, queue 10, window 23, escape 40,
// censorship 6, bond 1000, deposit 100, fee 17, stake 10000 locked 500, penalty 50.
constexpr optimistic_rollup::RollupConfig config{4, 100, 21, 10, 23, 40, 6, 1000, 100, 17, optimistic_rollup::StakeRequirements{10000, 500, 50}};

constexpr OptimisticRollupError error_of(const optimistic_rollup::Transition& t) { return t.ok() ? OptimisticRollupError::none : t.error(); }

// ---- deployment [OR-DEPLOY-1 .. OR-DEPLOY-11]: the configuration rules at every boundary ----

template <class Change>
constexpr OptimisticRollupError with(Change change) {
  optimistic_rollup::RollupConfig c = config;
  change(c);
  return optimistic_rollup::check_config(c);
}

static_assert(optimistic_rollup::check_config(config) == OptimisticRollupError::none);
static_assert(with([](auto& c) { c.censorship_bound_blocks = 0; }) == OptimisticRollupError::config_censorship_bound);
static_assert(with([](auto& c) { c.censorship_bound_blocks = 1; }) == OptimisticRollupError::none);
static_assert(with([](auto& c) { c.max_batch_size = 0; }) == OptimisticRollupError::config_batch_size);
static_assert(with([](auto& c) { c.max_batch_size = 1; }) == OptimisticRollupError::none);
static_assert(with([](auto& c) { c.challenge_period_blocks = 5; }) == OptimisticRollupError::config_challenge_period);
static_assert(with([](auto& c) { c.challenge_period_blocks = 6; }) == OptimisticRollupError::config_challenge_period);
static_assert(with([](auto& c) { c.challenge_period_blocks = 7; }) == OptimisticRollupError::none);
static_assert(with([](auto& c) { c.resolution_period_blocks = 6; }) == OptimisticRollupError::config_resolution_period);
static_assert(with([](auto& c) { c.resolution_period_blocks = 7; }) == OptimisticRollupError::none);
static_assert(with([](auto& c) { c.sequencing_window_blocks = 5; }) == OptimisticRollupError::config_sequencing_window);
static_assert(with([](auto& c) { c.sequencing_window_blocks = 6; }) == OptimisticRollupError::none);
static_assert(with([](auto& c) { c.escape_delay_blocks = 33; }) == OptimisticRollupError::config_escape_delay);
static_assert(with([](auto& c) { c.escape_delay_blocks = 34; }) == OptimisticRollupError::none);
static_assert(with([](auto& c) {
                c.queue_inclusion_blocks = l2::u64_max;
                c.escape_delay_blocks = l2::u64_max;
              }) == OptimisticRollupError::config_escape_delay);
static_assert(with([](auto& c) { c.stake.penalty_percentage = 0; }) == OptimisticRollupError::config_penalty);
static_assert(with([](auto& c) { c.stake.penalty_percentage = 100; }) == OptimisticRollupError::none);
static_assert(with([](auto& c) { c.stake.penalty_percentage = 101; }) == OptimisticRollupError::config_penalty);
static_assert(with([](auto& c) { c.stake.minimum_stake = 3; }) == OptimisticRollupError::config_slash);
static_assert(with([](auto& c) { c.stake.minimum_stake = 4; }) == OptimisticRollupError::none);
static_assert(with([](auto& c) { c.min_challenge_bond = 0; }) == OptimisticRollupError::config_challenge_bond);
static_assert(with([](auto& c) { c.min_deposit = 0; }) == OptimisticRollupError::config_min_deposit);
static_assert(with([](auto& c) { c.forced_exit_fee = 0; }) == OptimisticRollupError::config_forced_exit_fee);
static_assert(with([](auto& c) { c.forced_exit_fee = 1; }) == OptimisticRollupError::none);

// ---- the scenario ----

// Everything the contract holds, and one accepted call's conservation (small values: no overflow).
constexpr u64 total(const optimistic_rollup::OptimisticRollup& c) {
  u64 sum = c.escrow + c.stake + c.treasury;
  for (const optimistic_rollup::Challenge& challenge : c.challenges) sum += challenge.bond_amount;
  return sum;
}
constexpr bool conserves(const optimistic_rollup::OptimisticRollup& before, u64 value, const optimistic_rollup::Transition& t) {
  if (!t.ok()) return false;
  u64 paid = 0;
  for (const optimistic_rollup::Payout& p : t.value().payouts) paid += p.amount;
  return total(before) + value == total(t.value().contract) + paid;
}

struct Checks {
  bool deployed_at_genesis = false;
  OptimisticRollupError stake_by_outsider{}, first_stake_below_minimum{}, first_stake_at_minimum{};
  u64 unlock_height = 0;
  OptimisticRollupError unstake_locked{}, unstake_at_unlock{}, unstake_pending{};
  OptimisticRollupError deposit_below_minimum{}, deposit_at_minimum{}, top_up_unassigned{}, owner_off_curve{}, owner_on_curve{};
  bool deposit_recorded = false;
  OptimisticRollupError fee_below{}, fee_above{}, fee_exact{}, exit_unassigned{};
  bool fee_paid_to_operator = false;
  OptimisticRollupError freeze_before_due{}, freeze_at_due{}, freeze_unknown{};
  OptimisticRollupError submit_understaked{}, submit_wrong_epoch{}, origin_in_future{}, origin_at_window{}, origin_stale{},
      submit_forged{};
  u64 visible_at_origin_1 = 9, visible_at_origin_2 = 9, challenge_deadline = 0;
  bool batch_recorded = false;
  OptimisticRollupError challenge_before_deadline{}, challenge_at_deadline{}, challenge_after_deadline{}, small_bond{},
      withholding{};
  OptimisticRollupError finalize_before{}, finalize_at{}, finalize_with_open_challenge{};
  bool withdrawn_bond_to_operator = false, expired_bond_to_operator = false;
  OptimisticRollupError exit_not_frozen{}, exit_pending{}, exit_ok{};
  bool reclaim_to_depositor = false;
  bool every_step_conserves = false;
};

constexpr Checks checks() {
  Checks r{};
  bool conserved = true;
  const optimistic_rollup::OptimisticRollup c0 = optimistic_rollup::deploy(optimistic_rollup::DeployInput{1, filled(0xcc), operator_key, 0, config}).value();
  const optimistic_rollup::State genesis = optimistic_rollup::State::genesis(operator_key);
  r.deployed_at_genesis = c0.last_state_root == genesis.root() && c0.next_account_index == 1 && c0.stake == 0 &&
                          !c0.staked && c0.epoch == 0 && !c0.frozen;

  // Stake [OR-STAKE-1, -2] and its lock.
  r.stake_by_outsider = error_of(optimistic_rollup::apply_stake(c0, {watcher, 10000}, {1}));
  r.first_stake_below_minimum = error_of(optimistic_rollup::apply_stake(c0, {operator_key, 9999}, {1}));
  const optimistic_rollup::Transition staked = optimistic_rollup::apply_stake(c0, {operator_key, 10000}, {1});
  r.first_stake_at_minimum = error_of(staked);
  conserved = conserved && conserves(c0, 10000, staked);
  const optimistic_rollup::OptimisticRollup c1 = staked.value().contract;
  r.unlock_height = c1.stake_unlock_height;
  r.unstake_locked = error_of(optimistic_rollup::apply_unstake(c1, {operator_key}, {500}));
  r.unstake_at_unlock = error_of(optimistic_rollup::apply_unstake(c1, {operator_key}, {501}));

  // Deposits [OR-BRIDGE-4, -2, -5]: a top-up of the fee account, which genesis created.
  r.deposit_below_minimum = error_of(optimistic_rollup::apply_deposit_top_up(c1, {watcher, 0, 99}, {2}));
  const optimistic_rollup::Transition deposited = optimistic_rollup::apply_deposit_top_up(c1, {watcher, 0, 100}, {2});
  r.deposit_at_minimum = error_of(deposited);
  conserved = conserved && conserves(c1, 100, deposited);
  const optimistic_rollup::OptimisticRollup c2 = deposited.value().contract;
  r.deposit_recorded = c2.escrow == 100 && c2.deposits.size() == 1 && c2.deposits[0].recorded_at == 2 &&
                       c2.deposits[0].depositor == watcher &&
                       c2.deposits[0].deposit_id == optimistic_rollup::deposit_id(optimistic_rollup::params_of(c2), optimistic_rollup::Deposit{0, 0, std::nullopt, 100});
  r.top_up_unassigned = error_of(optimistic_rollup::apply_deposit_top_up(c1, {watcher, 1, 100}, {2}));
  r.owner_off_curve = error_of(optimistic_rollup::apply_deposit_new_account(c1, {watcher, off_curve, 100}, {2}));
  r.owner_on_curve = error_of(optimistic_rollup::apply_deposit_new_account(c1, {watcher, on_curve, 100}, {2}));

  // Forced-exit requests [OR-FEXQ-1, -2]: the fee goes to the operator at once.
  r.fee_below = error_of(optimistic_rollup::apply_request_forced_exit(c2, {watcher, 0, watcher, 16}, {3}));
  r.fee_above = error_of(optimistic_rollup::apply_request_forced_exit(c2, {watcher, 0, watcher, 18}, {3}));
  const optimistic_rollup::Transition requested = optimistic_rollup::apply_request_forced_exit(c2, {watcher, 0, watcher, 17}, {3});
  r.fee_exact = error_of(requested);
  conserved = conserved && conserves(c2, 17, requested);
  r.fee_paid_to_operator = requested.ok() && requested.value().payouts.size() == 1 &&
                           requested.value().payouts[0].to == operator_key && requested.value().payouts[0].amount == 17;
  r.exit_unassigned = error_of(optimistic_rollup::apply_request_forced_exit(c2, {watcher, 1, watcher, 17}, {3}));

  // Freeze [OR-FRZ-2, -3]: the deposit recorded at 2 is due at 2 + 40.
  r.freeze_before_due = error_of(optimistic_rollup::apply_freeze(c2, {watcher, optimistic_rollup::QueueKind::deposits, 0, genesis.header()}, {41}));
  const optimistic_rollup::Transition frozen = optimistic_rollup::apply_freeze(c2, {watcher, optimistic_rollup::QueueKind::deposits, 0, genesis.header()}, {42});
  r.freeze_at_due = error_of(frozen);
  r.freeze_unknown = error_of(optimistic_rollup::apply_freeze(c2, {watcher, optimistic_rollup::QueueKind::forced_exits, 0, genesis.header()}, {42}));

  // The escape: frozen with nothing pending, the fee account exits (empty: no payout) and the
  // uncredited deposit goes back to its depositor [OR-EXIT-1, -2, OR-RECL].
  r.exit_not_frozen = error_of(optimistic_rollup::apply_exit(c2, {watcher, genesis.header(), 0, *genesis.account(0),
                                                   genesis.prove(0).siblings},
                                               {43}));
  const optimistic_rollup::OptimisticRollup c_frozen = frozen.value().contract;
  r.exit_ok = error_of(optimistic_rollup::apply_exit(c_frozen, {watcher, genesis.header(), 0, *genesis.account(0),
                                                  genesis.prove(0).siblings},
                                       {43}));
  const optimistic_rollup::Transition reclaimed = optimistic_rollup::apply_reclaim_deposit(c_frozen, {operator_key, genesis.header(), 0}, {43});
  conserved = conserved && conserves(c_frozen, 0, reclaimed);
  r.reclaim_to_depositor = reclaimed.ok() && reclaimed.value().payouts.size() == 1 &&
                           reclaimed.value().payouts[0].to == watcher && reclaimed.value().payouts[0].amount == 100 &&
                           reclaimed.value().contract.escrow == 0;

  // Submission [OR-BATCH-1, -13, -14, -15, -12]: a batch crediting deposit 0, over a made-up root.
  const std::vector<optimistic_rollup::Transaction> txs{optimistic_rollup::make_transaction(optimistic_rollup::Deposit{0, 0, std::nullopt, 100})};
  const std::vector<Hash32> roots{c2.last_state_root, filled(0x51)};
  const auto batch_on = [&](u64 origin, u64 epoch) {
    optimistic_rollup::Batch b{optimistic_rollup::batch_header_for(c2, txs, roots, origin), {}, txs, roots};
    b.header.epoch = epoch;
    b.signature = symbolic_sign(operator_key, optimistic_rollup::batch_id(b.header));
    return b;
  };
  const optimistic_rollup::Batch on_9 = batch_on(9, 0);
  optimistic_rollup::OptimisticRollup under = c2;
  under.stake = 9999;
  r.submit_understaked = error_of(optimistic_rollup::apply_submit_batch(under, {operator_key, on_9}, {10}, symbolic));
  r.submit_wrong_epoch = error_of(optimistic_rollup::apply_submit_batch(c2, {operator_key, batch_on(9, 1)}, {10}, symbolic));
  r.origin_in_future = error_of(optimistic_rollup::apply_submit_batch(c2, {operator_key, on_9}, {9}, symbolic));
  r.origin_at_window = error_of(optimistic_rollup::apply_submit_batch(c2, {operator_key, on_9}, {32}, symbolic));
  r.origin_stale = error_of(optimistic_rollup::apply_submit_batch(c2, {operator_key, on_9}, {33}, symbolic));
  optimistic_rollup::Batch forged = on_9;
  forged.signature = symbolic_sign(watcher, optimistic_rollup::batch_id(forged.header));
  r.submit_forged = error_of(optimistic_rollup::apply_submit_batch(c2, {operator_key, forged}, {10}, symbolic));
  r.visible_at_origin_1 =
      optimistic_rollup::apply_submit_batch(c2, {operator_key, batch_on(1, 0)}, {10}, symbolic).value().contract.batches[0].deposits_visible;
  const optimistic_rollup::Transition submitted = optimistic_rollup::apply_submit_batch(c2, {operator_key, batch_on(2, 0)}, {10}, symbolic);
  conserved = conserved && conserves(c2, 0, submitted);
  const optimistic_rollup::OptimisticRollup c3 = submitted.value().contract;
  r.visible_at_origin_2 = c3.batches[0].deposits_visible;
  r.challenge_deadline = c3.batches[0].challenge_deadline;
  r.batch_recorded = c3.batches.size() == 1 && c3.last_state_root == filled(0x51) && c3.batches[0].submitted_at == 10;
  r.unstake_pending = error_of(optimistic_rollup::apply_unstake(c3, {operator_key}, {600}));

  // Challenges [OR-CHAL-2, -3, -4] at the half-open deadline 110.
  const optimistic_rollup::OpenChallengeInput open{watcher, c3.batches[0].batch_id, optimistic_rollup::FraudProofType::invalid_transition,
                                     filled(0xe0), 1000};
  r.challenge_before_deadline = error_of(optimistic_rollup::apply_open_challenge(c3, open, {109}));
  r.challenge_at_deadline = error_of(optimistic_rollup::apply_open_challenge(c3, open, {110}));
  r.challenge_after_deadline = error_of(optimistic_rollup::apply_open_challenge(c3, open, {111}));
  optimistic_rollup::OpenChallengeInput small = open;
  small.value = 999;
  r.small_bond = error_of(optimistic_rollup::apply_open_challenge(c3, small, {12}));
  optimistic_rollup::OpenChallengeInput withholding = open;
  withholding.proof_type = optimistic_rollup::FraudProofType::data_withholding;
  r.withholding = error_of(optimistic_rollup::apply_open_challenge(c3, withholding, {12}));

  // Finality [OR-FIN-2, -3], and a closed challenge's bond goes to the operator.
  r.finalize_before = error_of(optimistic_rollup::apply_finalize(c3, {watcher}, {109}));
  r.finalize_at = error_of(optimistic_rollup::apply_finalize(c3, {watcher}, {110}));
  const optimistic_rollup::Transition challenged = optimistic_rollup::apply_open_challenge(c3, open, {12});
  conserved = conserved && conserves(c3, 1000, challenged);
  const optimistic_rollup::OptimisticRollup c4 = challenged.value().contract;
  r.finalize_with_open_challenge = error_of(optimistic_rollup::apply_finalize(c4, {watcher}, {200}));
  const Hash32 id = optimistic_rollup::challenge_id(watcher, filled(0xe0));
  const optimistic_rollup::Transition withdrawn = optimistic_rollup::apply_withdraw_challenge(c4, {watcher, id}, {32});
  const optimistic_rollup::Transition expired = optimistic_rollup::apply_expire_challenge(c4, {operator_key, id}, {33});
  conserved = conserved && conserves(c4, 0, withdrawn) && conserves(c4, 0, expired);
  r.withdrawn_bond_to_operator = withdrawn.ok() && withdrawn.value().payouts.size() == 1 &&
                                 withdrawn.value().payouts[0].to == operator_key &&
                                 withdrawn.value().payouts[0].amount == 1000 &&
                                 withdrawn.value().contract.batches[0].open_challenges == 0;
  r.expired_bond_to_operator = expired.ok() && expired.value().payouts.size() == 1 &&
                               expired.value().payouts[0].to == operator_key && expired.value().payouts[0].amount == 1000 &&
                               expired.value().resolutions[0].reason == OptimisticRollupError::challenge_expired;

  // Frozen with a pending batch: no exit yet [OR-EXIT-2].
  optimistic_rollup::OptimisticRollup pending_frozen = c3;
  pending_frozen.frozen = true;
  pending_frozen.last_state_root = genesis.root();
  r.exit_pending = error_of(optimistic_rollup::apply_exit(pending_frozen, {watcher, genesis.header(), 0, *genesis.account(0),
                                                             genesis.prove(0).siblings},
                                            {43}));
  r.every_step_conserves = conserved;
  return r;
}

constexpr Checks result = checks();

static_assert(result.deployed_at_genesis);
static_assert(result.stake_by_outsider == OptimisticRollupError::not_operator);                // OR-STAKE-1
static_assert(result.first_stake_below_minimum == OptimisticRollupError::stake_below_minimum);  // OR-STAKE-2
static_assert(result.first_stake_at_minimum == OptimisticRollupError::none);
static_assert(result.unlock_height == 501);
static_assert(result.unstake_locked == OptimisticRollupError::stake_locked);  // OR-UNSTAKE-1
static_assert(result.unstake_at_unlock == OptimisticRollupError::none);
static_assert(result.unstake_pending == OptimisticRollupError::batches_pending);  // OR-UNSTAKE-2
static_assert(result.deposit_below_minimum == OptimisticRollupError::deposit_below_minimum);  // OR-BRIDGE-4
static_assert(result.deposit_at_minimum == OptimisticRollupError::none);
static_assert(result.deposit_recorded);
static_assert(result.top_up_unassigned == OptimisticRollupError::deposit_unknown_account);  // OR-BRIDGE-2
static_assert(result.owner_off_curve == OptimisticRollupError::deposit_owner_invalid);       // OR-BRIDGE-5
static_assert(result.owner_on_curve == OptimisticRollupError::none);
static_assert(result.fee_below == OptimisticRollupError::forced_exit_fee);  // OR-FEXQ-1
static_assert(result.fee_above == OptimisticRollupError::forced_exit_fee);
static_assert(result.fee_exact == OptimisticRollupError::none);
static_assert(result.fee_paid_to_operator);
static_assert(result.exit_unassigned == OptimisticRollupError::forced_exit_unknown_account);  // OR-FEXQ-2
static_assert(result.freeze_before_due == OptimisticRollupError::freeze_not_overdue);         // OR-FRZ-3
static_assert(result.freeze_at_due == OptimisticRollupError::none);
static_assert(result.freeze_unknown == OptimisticRollupError::freeze_unknown_request);  // OR-FRZ-2
static_assert(result.exit_not_frozen == OptimisticRollupError::not_frozen);             // OR-EXIT-1
static_assert(result.exit_ok == OptimisticRollupError::none);
static_assert(result.exit_pending == OptimisticRollupError::exit_batches_pending);  // OR-EXIT-2
static_assert(result.reclaim_to_depositor);
static_assert(result.submit_understaked == OptimisticRollupError::operator_understaked);  // OR-BATCH-1
static_assert(result.submit_wrong_epoch == OptimisticRollupError::batch_wrong_epoch);     // OR-BATCH-13
static_assert(result.origin_in_future == OptimisticRollupError::batch_origin_in_future);  // OR-BATCH-14
static_assert(result.origin_at_window == OptimisticRollupError::none);                    // 9 + 23
static_assert(result.origin_stale == OptimisticRollupError::batch_origin_stale);          // OR-BATCH-15
static_assert(result.submit_forged == OptimisticRollupError::bad_operator_signature);     // OR-BATCH-12
static_assert(result.visible_at_origin_1 == 0 && result.visible_at_origin_2 == 1);
static_assert(result.challenge_deadline == 110 && result.batch_recorded);
static_assert(result.challenge_before_deadline == OptimisticRollupError::none);          // deadline - 1
static_assert(result.challenge_at_deadline == OptimisticRollupError::challenge_too_late);  // OR-CHAL-2
static_assert(result.challenge_after_deadline == OptimisticRollupError::challenge_too_late);
static_assert(result.small_bond == OptimisticRollupError::challenge_bond_too_small);        // OR-CHAL-3
static_assert(result.withholding == OptimisticRollupError::challenge_type_not_applicable);  // OR-CHAL-4
static_assert(result.finalize_before == OptimisticRollupError::challenge_period_open);      // OR-FIN-2
static_assert(result.finalize_at == OptimisticRollupError::none);
static_assert(result.finalize_with_open_challenge == OptimisticRollupError::challenges_open);  // OR-FIN-3
static_assert(result.withdrawn_bond_to_operator);                                   // OR-WDC-1 effect
static_assert(result.expired_bond_to_operator);                                     // OR-EXP-1 effect
static_assert(result.every_step_conserves);

TEST(OptimisticRollupContractStatic, CompilesMeansPasses) { SUCCEED(); }

}  // namespace
