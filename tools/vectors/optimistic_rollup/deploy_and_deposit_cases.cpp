// Suites deploy, stake, bridge and request_forced_exit: every configuration rule at its boundary,
// the operator's stake, deposits into escrow and forced-exit requests.
#include "world.hpp"

namespace l2::vectors::optimistic_rollup_vectors {

namespace {

optimistic_rollup::DeployInput deploy_input(const Worlds& w, const optimistic_rollup::RollupConfig& config) {
  return optimistic_rollup::DeployInput{chain_id, ref::tagged_hash("L2/vectors/contract", w.seed), w.key(op), 0, config};
}

// The smallest configuration every rule accepts: each field at its lowest allowed value.
optimistic_rollup::RollupConfig smallest_config() {
  optimistic_rollup::RollupConfig config{};
  config.censorship_bound_blocks = 1;
  config.max_batch_size = 1;
  config.challenge_period_blocks = 2;
  config.resolution_period_blocks = 2;
  config.queue_inclusion_blocks = 0;
  config.sequencing_window_blocks = 1;
  config.escape_delay_blocks = 2;
  config.min_challenge_bond = 1;
  config.min_deposit = 1;
  config.forced_exit_fee = 1;
  config.stake = optimistic_rollup::StakeRequirements{/*minimum_stake=*/200, /*stake_lock_period=*/0,
                                                      /*penalty_percentage=*/1};
  return config;
}

struct ConfigCase {
  const char* name;
  const char* description;
  const char* rule;
  std::function<void(optimistic_rollup::RollupConfig&)> edit;
  OptimisticRollupError expect;
};

}  // namespace

void deploy_and_stake_cases(CaseBook& cases, const Worlds& w) {
  using Error = OptimisticRollupError;
  Scenario(cases.add("deploy", "basic", "deploy the world's configuration, then the operator stakes minimum_stake",
                     concat({rule_range("OR-DEPLOY", 1, 11), rule_range("OR-STAKE", 1, 3)})))
      .deploy(deploy_height, deploy_input(w, default_config()))
      .stake(10, w.key(op), minimum_stake);
  Scenario(cases.add("deploy", "smallest_windows",
                     "every field at the lowest value its rule allows: censorship bound 1, batch size 1, periods 2, "
                     "queue inclusion 0, sequencing window 1, escape delay 2, bond, deposit and fee 1, a 1% slash of 200",
                     rule_range("OR-DEPLOY", 1, 11)))
      .deploy(deploy_height, deploy_input(w, smallest_config()));

  // Each rule at its boundary, from the world's configuration (bound 6): -1, 0 and +1 where the
  // value has a lower neighbour.
  const ConfigCase edges[] = {
      {"invalid_censorship_bound_0", "censorship_bound_blocks 0: no window could cover an L1 delay", "OR-DEPLOY-1",
       [](auto& c) { c.censorship_bound_blocks = 0; }, Error::config_censorship_bound},
      {"invalid_max_batch_size_0", "max_batch_size 0: no batch could hold a transaction", "OR-DEPLOY-2",
       [](auto& c) { c.max_batch_size = 0; }, Error::config_batch_size},
      {"invalid_challenge_period_below_bound", "challenge_period_blocks 5, the bound - 1", "OR-DEPLOY-3",
       [](auto& c) { c.challenge_period_blocks = 5; }, Error::config_challenge_period},
      {"invalid_challenge_period_at_bound", "challenge_period_blocks 6 = the censorship bound", "OR-DEPLOY-3",
       [](auto& c) { c.challenge_period_blocks = 6; }, Error::config_challenge_period},
      {"challenge_period_one_above_bound", "challenge_period_blocks 7, the bound + 1", "OR-DEPLOY-3",
       [](auto& c) { c.challenge_period_blocks = 7; }, Error::none},
      {"invalid_resolution_period_below_bound", "resolution_period_blocks 5, the bound - 1", "OR-DEPLOY-4",
       [](auto& c) { c.resolution_period_blocks = 5; }, Error::config_resolution_period},
      {"invalid_resolution_period_at_bound", "resolution_period_blocks 6 = the censorship bound", "OR-DEPLOY-4",
       [](auto& c) { c.resolution_period_blocks = 6; }, Error::config_resolution_period},
      {"resolution_period_one_above_bound", "resolution_period_blocks 7, the bound + 1", "OR-DEPLOY-4",
       [](auto& c) { c.resolution_period_blocks = 7; }, Error::none},
      {"invalid_sequencing_window_below_bound", "sequencing_window_blocks 5, the bound - 1", "OR-DEPLOY-5",
       [](auto& c) { c.sequencing_window_blocks = 5; }, Error::config_sequencing_window},
      {"sequencing_window_at_bound", "sequencing_window_blocks 6 = the censorship bound (escape delay 40 > 10 + 6)",
       "OR-DEPLOY-5", [](auto& c) { c.sequencing_window_blocks = 6; }, Error::none},
      {"sequencing_window_one_above_bound", "sequencing_window_blocks 7, the bound + 1", "OR-DEPLOY-5",
       [](auto& c) { c.sequencing_window_blocks = 7; }, Error::none},
      {"invalid_escape_delay_below_bound", "escape_delay_blocks 29 < queue_inclusion 10 + sequencing_window 20",
       "OR-DEPLOY-6", [](auto& c) { c.escape_delay_blocks = 29; }, Error::config_escape_delay},
      {"invalid_escape_delay_at_bound", "escape_delay_blocks 30 = queue_inclusion 10 + sequencing_window 20",
       "OR-DEPLOY-6", [](auto& c) { c.escape_delay_blocks = 30; }, Error::config_escape_delay},
      {"escape_delay_one_above_bound", "escape_delay_blocks 31", "OR-DEPLOY-6",
       [](auto& c) { c.escape_delay_blocks = 31; }, Error::none},
      {"invalid_escape_delay_sum_overflow",
       "queue_inclusion_blocks UINT64_MAX: the honest latest processing height overflows, so no delay is enough",
       "OR-DEPLOY-6",
       [](auto& c) {
         c.queue_inclusion_blocks = u64_max;
         c.escape_delay_blocks = u64_max;
       },
       Error::config_escape_delay},
      {"invalid_penalty_0", "penalty_percentage 0: a fraud would cost nothing", "OR-DEPLOY-7",
       [](auto& c) { c.stake.penalty_percentage = 0; }, Error::config_penalty},
      {"penalty_1", "penalty_percentage 1 (a slash of 100 of the minimum stake 10000)", "OR-DEPLOY-7",
       [](auto& c) { c.stake.penalty_percentage = 1; }, Error::none},
      {"penalty_100", "penalty_percentage 100: the whole stake per fraud", "OR-DEPLOY-7",
       [](auto& c) { c.stake.penalty_percentage = 100; }, Error::none},
      {"invalid_penalty_101", "penalty_percentage 101", "OR-DEPLOY-7", [](auto& c) { c.stake.penalty_percentage = 101; },
       Error::config_penalty},
      {"invalid_slash_0", "minimum_stake 0: a slash of the minimum stake is 0", "OR-DEPLOY-8",
       [](auto& c) { c.stake.minimum_stake = 0; }, Error::config_slash},
      {"invalid_slash_1", "minimum_stake 199 at 1%: the slash floor(1.99) = 1 cannot pay both challenger and treasury",
       "OR-DEPLOY-8",
       [](auto& c) {
         c.stake.minimum_stake = 199;
         c.stake.penalty_percentage = 1;
       },
       Error::config_slash},
      {"slash_2", "minimum_stake 200 at 1%: the slash is exactly 2", "OR-DEPLOY-8",
       [](auto& c) {
         c.stake.minimum_stake = 200;
         c.stake.penalty_percentage = 1;
       },
       Error::none},
      {"slash_of_uint64_max_stake", "minimum_stake UINT64_MAX at 100%: the product does not wrap", "OR-DEPLOY-8",
       [](auto& c) {
         c.stake.minimum_stake = u64_max;
         c.stake.penalty_percentage = 100;
       },
       Error::none},
      {"invalid_challenge_bond_0", "min_challenge_bond 0: frivolous challenges would be free", "OR-DEPLOY-9",
       [](auto& c) { c.min_challenge_bond = 0; }, Error::config_challenge_bond},
      {"invalid_min_deposit_0", "min_deposit 0: dust deposits would fill the queue", "OR-DEPLOY-10",
       [](auto& c) { c.min_deposit = 0; }, Error::config_min_deposit},
      {"invalid_forced_exit_fee_0", "forced_exit_fee 0: requests would be free to spam", "OR-DEPLOY-11",
       [](auto& c) { c.forced_exit_fee = 0; }, Error::config_forced_exit_fee},
  };
  for (const ConfigCase& edge : edges) {
    optimistic_rollup::RollupConfig config = default_config();
    edge.edit(config);
    Scenario(cases.add("deploy", edge.name, edge.description, {edge.rule})).deploy(deploy_height, deploy_input(w, config), edge.expect);
  }
  {
    // Two rules broken at once: the first in the order of check_config names the error.
    optimistic_rollup::RollupConfig config = default_config();
    config.min_deposit = 0;
    config.challenge_period_blocks = 0;
    Scenario(cases.add("deploy", "invalid_first_rule_wins",
                       "challenge_period_blocks 0 and min_deposit 0: OR-DEPLOY-3 is checked first", {"OR-DEPLOY-3"}))
        .deploy(deploy_height, deploy_input(w, config), Error::config_challenge_period);
  }
  {
    Scenario s(cases.add("deploy", "malformed_penalty_256", "penalty_percentage 256 does not fit its u8", {"OR-DEPLOY-7"}));
    json input = codec::to_json(deploy_input(w, default_config()));
    input["config"]["stake"]["penalty_percentage"] = 256;
    s.raw("deploy", deploy_height, input);
  }
  {
    Scenario s(cases.add("deploy", "malformed_missing_field", "the configuration has no censorship_bound_blocks",
                         {"OR-DEPLOY-1"}));
    json input = codec::to_json(deploy_input(w, default_config()));
    input["config"].erase("censorship_bound_blocks");
    s.raw("deploy", deploy_height, input);
  }

  // ---- stake ----
  const u64 holdings = optimistic_rollup::holdings(w.funded.contract).value;  // 18000
  Scenario(cases.add("stake", "first_stake_at_minimum", "the operator's first stake is exactly minimum_stake",
                     {"OR-STAKE-1", "OR-STAKE-2", "OR-STAKE-3"}),
           w.deployed, "deployed")
      .stake(stake_height, w.key(op), minimum_stake);
  Scenario(cases.add("stake", "first_stake_above_minimum", "a first stake of minimum_stake + 1", {"OR-STAKE-2"}),
           w.deployed, "deployed")
      .stake(stake_height, w.key(op), minimum_stake + 1);
  Scenario(cases.add("stake", "invalid_first_stake_below_minimum", "a first stake of minimum_stake - 1", {"OR-STAKE-2"}),
           w.deployed, "deployed")
      .stake(stake_height, w.key(op), minimum_stake - 1, Error::stake_below_minimum);
  Scenario(cases.add("stake", "invalid_not_operator", "alice stakes for the operator", {"OR-STAKE-1"}), w.deployed,
           "deployed")
      .stake(stake_height, w.key(alice), minimum_stake, Error::not_operator);
  Scenario(cases.add("stake", "add_below_minimum",
                     "once staked, any amount may be added; the lock moves to height + stake_lock_period",
                     {"OR-STAKE-2", "OR-STAKE-3"}),
           w.funded, "funded")
      .stake(40, w.key(op), 1);
  Scenario(cases.add("stake", "lock_saturates", "a stake at height UINT64_MAX - 100: the unlock height saturates at UINT64_MAX",
                     {"OR-STAKE-1"}),
           w.funded, "funded")
      .stake(u64_max - 100, w.key(op), 1);
  Scenario(cases.add("stake", "holdings_at_uint64_max", "a stake that brings the contract's holdings to exactly UINT64_MAX",
                     {"OR-STAKE-3"}),
           w.funded, "funded")
      .stake(40, w.key(op), u64_max - holdings);
  Scenario(cases.add("stake", "invalid_holdings_overflow", "a stake that would take the holdings to UINT64_MAX + 1",
                     {"OR-STAKE-3"}),
           w.funded, "funded")
      .stake(40, w.key(op), u64_max - holdings + 1, Error::stake_overflow);
  Scenario(cases.add("stake", "unstake_at_unlock_height", "unstake at stake_unlock_height with no batch: the stake is paid out",
                     {"OR-STAKE-1", "OR-UNSTAKE-1", "OR-UNSTAKE-2"}),
           w.funded, "funded")
      .unstake(unlock_height, w.key(op))
      .expect_payouts({{w.key(op), minimum_stake}});
  Scenario(cases.add("stake", "invalid_unstake_before_unlock", "unstake at stake_unlock_height - 1", {"OR-UNSTAKE-1"}),
           w.funded, "funded")
      .unstake(unlock_height - 1, w.key(op), Error::stake_locked);
  Scenario(cases.add("stake", "unstake_after_unlock", "unstake at stake_unlock_height + 1", {"OR-UNSTAKE-1"}), w.funded,
           "funded")
      .unstake(unlock_height + 1, w.key(op));
  Scenario(cases.add("stake", "invalid_unstake_not_operator", "bob asks for the operator's stake", {"OR-STAKE-1"}), w.funded,
           "funded")
      .unstake(unlock_height, w.key(bob), Error::not_operator);
  Scenario(cases.add("stake", "invalid_unstake_with_pending_batch", "unstake after the lock while batch 0 is pending",
                     {"OR-UNSTAKE-2"}),
           w.one_batch, "one_batch")
      .unstake(600, w.key(op), Error::batches_pending);
  Scenario(cases.add("stake", "unstake_after_finality", "unstake once every batch is final", {"OR-UNSTAKE-1", "OR-UNSTAKE-2"}),
           w.final_batch, "final_batch")
      .unstake(600, w.key(op));
  Scenario(cases.add("stake", "invalid_restake_below_minimum_after_unstake",
                     "after unstaking, the next stake is a first stake again and must reach minimum_stake",
                     {"OR-UNSTAKE-1", "OR-UNSTAKE-2", "OR-STAKE-2"}),
           w.funded, "funded")
      .unstake(unlock_height, w.key(op))
      .stake(unlock_height + 1, w.key(op), minimum_stake - 1, Error::stake_below_minimum);
}

void deposit_cases(CaseBook& cases, const Worlds& w) {
  using Error = OptimisticRollupError;
  const u64 holdings = optimistic_rollup::holdings(w.funded.contract).value;
  Scenario(cases.add("bridge", "deposit_new_account", "carol deposits 700: account index 3 is assigned",
                     {"OR-FROZEN-1", "OR-BRIDGE-1", "OR-BRIDGE-3", "OR-BRIDGE-4", "OR-BRIDGE-5"}),
           w.funded, "funded")
      .deposit_new_account(40, w.key(carol), w.key(carol), 700);
  Scenario(cases.add("bridge", "deposit_for_someone_else",
                     "the watcher pays a deposit that opens an account owned by carol: the watcher is the depositor",
                     {"OR-BRIDGE-5"}),
           w.funded, "funded")
      .deposit_new_account(40, w.key(watcher), w.key(carol), 700);
  Scenario(cases.add("bridge", "deposit_top_up", "alice tops up account 1 with 250",
                     {"OR-FROZEN-1", "OR-BRIDGE-1", "OR-BRIDGE-2", "OR-BRIDGE-4"}),
           w.funded, "funded")
      .deposit_top_up(40, w.key(alice), alice_account, 250);
  Scenario(cases.add("bridge", "deposit_at_minimum", "a new-account deposit of exactly min_deposit (100)", {"OR-BRIDGE-4"}),
           w.funded, "funded")
      .deposit_new_account(40, w.key(carol), w.key(carol), min_deposit);
  Scenario(cases.add("bridge", "invalid_below_minimum", "a new-account deposit of min_deposit - 1 (99)", {"OR-BRIDGE-4"}),
           w.funded, "funded")
      .deposit_new_account(40, w.key(carol), w.key(carol), min_deposit - 1, Error::deposit_below_minimum);
  Scenario(cases.add("bridge", "invalid_zero_value", "a new-account deposit of 0", {"OR-BRIDGE-4"}), w.funded, "funded")
      .deposit_new_account(40, w.key(carol), w.key(carol), 0, Error::deposit_below_minimum);
  Scenario(cases.add("bridge", "top_up_at_minimum", "a top-up of exactly min_deposit", {"OR-BRIDGE-4"}), w.funded, "funded")
      .deposit_top_up(40, w.key(alice), alice_account, min_deposit);
  Scenario(cases.add("bridge", "invalid_top_up_below_minimum", "a top-up of min_deposit - 1", {"OR-BRIDGE-4"}), w.funded,
           "funded")
      .deposit_top_up(40, w.key(alice), alice_account, min_deposit - 1, Error::deposit_below_minimum);
  Scenario(cases.add("bridge", "invalid_owner_off_curve",
                     "a new account owned by an x coordinate with no point on the curve (BIP-340 test vector 5's key): "
                     "no signature could ever move its balance",
                     {"OR-BRIDGE-5"}),
           w.funded, "funded")
      .deposit_new_account(40, w.key(carol), off_curve_key(), 700, Error::deposit_owner_invalid);
  Scenario(cases.add("bridge", "top_up_fee_account", "a top-up of account 0, the operator's fee account", {"OR-BRIDGE-2"}),
           w.funded, "funded")
      .deposit_top_up(40, w.key(op), fee_account, min_deposit);
  Scenario(cases.add("bridge", "top_up_last_assigned_index", "a top-up of index 2 = next_account_index - 1 (bob's)",
                     {"OR-BRIDGE-2"}),
           w.funded, "funded")
      .deposit_top_up(40, w.key(alice), bob_account, 250);
  Scenario(cases.add("bridge", "invalid_top_up_unassigned_index", "a top-up of index 3 = next_account_index",
                     {"OR-BRIDGE-2"}),
           w.funded, "funded")
      .deposit_top_up(40, w.key(alice), carol_account, 250, Error::deposit_unknown_account);
  Scenario(cases.add("bridge", "escrow_at_uint64_max", "a deposit that brings the holdings to exactly UINT64_MAX",
                     {"OR-BRIDGE-1", "OR-BRIDGE-3"}),
           w.funded, "funded")
      .deposit_new_account(40, w.key(carol), w.key(carol), u64_max - holdings);
  Scenario(cases.add("bridge", "invalid_escrow_overflow", "a new-account deposit one above what the holdings can take",
                     {"OR-BRIDGE-1"}),
           w.funded, "funded")
      .deposit_new_account(40, w.key(carol), w.key(carol), u64_max - holdings + 1, Error::escrow_overflow);
  Scenario(cases.add("bridge", "invalid_top_up_escrow_overflow", "a top-up one above what the holdings can take",
                     {"OR-BRIDGE-1"}),
           w.funded, "funded")
      .deposit_top_up(40, w.key(alice), alice_account, u64_max - holdings + 1, Error::escrow_overflow);
  {
    World last = w.funded;  // hand-made: as if 4294967293 more accounts had been created
    last.contract.next_account_index = std::numeric_limits<AccountIndex>::max();
    Scenario(cases.add("bridge", "last_account_index",
                       "next_account_index = UINT32_MAX (inline pre-state): the last index is assigned",
                       {"OR-BRIDGE-1", "OR-BRIDGE-3"}),
             last)
        .deposit_new_account(40, w.key(carol), w.key(carol), 700);
    Scenario(cases.add("bridge", "invalid_accounts_exhausted",
                       "after index UINT32_MAX is assigned, no account-creating deposit is accepted", {"OR-BRIDGE-3"}),
             last)
        .deposit_new_account(40, w.key(carol), w.key(carol), 700)
        .deposit_new_account(41, w.key(carol), w.key(carol), 700, Error::accounts_exhausted);
  }
  {
    // A deposit that breaks three rules: OR-BRIDGE-4 is checked first, then OR-BRIDGE-1.
    Scenario(cases.add("bridge", "invalid_minimum_checked_before_capacity",
                       "a 99 deposit to an off-curve owner: OR-BRIDGE-4 names the error", {"OR-BRIDGE-4"}),
             w.funded, "funded")
        .deposit_new_account(40, w.key(carol), off_curve_key(), min_deposit - 1, Error::deposit_below_minimum);
    Scenario(cases.add("bridge", "invalid_capacity_checked_before_owner",
                       "an overflowing deposit to an off-curve owner: OR-BRIDGE-1 names the error", {"OR-BRIDGE-1"}),
             w.funded, "funded")
        .deposit_new_account(40, w.key(carol), off_curve_key(), u64_max, Error::escrow_overflow);
  }

  // ---- request_forced_exit ----
  Scenario(cases.add("request_forced_exit", "request",
                     "alice asks for the forced exit of account 1 to her L1 key, paying forced_exit_fee (10), which goes "
                     "to the operator at once",
                     {"OR-FROZEN-1", "OR-FEXQ-1", "OR-FEXQ-2"}),
           w.one_batch, "one_batch")
      .request_forced_exit(forced_exit_height, w.key(alice), alice_account, w.key(alice), forced_exit_fee)
      .expect_payouts({{w.key(op), forced_exit_fee}});
  Scenario(cases.add("request_forced_exit", "invalid_fee_below", "a request paying forced_exit_fee - 1", {"OR-FEXQ-1"}),
           w.one_batch, "one_batch")
      .request_forced_exit(forced_exit_height, w.key(alice), alice_account, w.key(alice), forced_exit_fee - 1,
                           Error::forced_exit_fee);
  Scenario(cases.add("request_forced_exit", "invalid_fee_above", "a request paying forced_exit_fee + 1: the fee is exact",
                     {"OR-FEXQ-1"}),
           w.one_batch, "one_batch")
      .request_forced_exit(forced_exit_height, w.key(alice), alice_account, w.key(alice), forced_exit_fee + 1,
                           Error::forced_exit_fee);
  Scenario(cases.add("request_forced_exit", "request_for_another_account",
                     "bob asks for the forced exit of alice's account: L1 records it (ownership is checked on L2, where "
                     "it moves nothing)",
                     {"OR-FEXQ-2"}),
           w.one_batch, "one_batch")
      .request_forced_exit(forced_exit_height, w.key(bob), alice_account, w.key(bob), forced_exit_fee);
  Scenario(cases.add("request_forced_exit", "request_fee_account", "the operator asks for the forced exit of account 0",
                     {"OR-FEXQ-2"}),
           w.one_batch, "one_batch")
      .request_forced_exit(forced_exit_height, w.key(op), fee_account, w.key(op), forced_exit_fee);
  Scenario(cases.add("request_forced_exit", "request_last_assigned_index", "a request for index 2 = next_account_index - 1",
                     {"OR-FEXQ-2"}),
           w.one_batch, "one_batch")
      .request_forced_exit(forced_exit_height, w.key(bob), bob_account, w.key(bob), forced_exit_fee);
  Scenario(cases.add("request_forced_exit", "invalid_unassigned_index", "a request for index 3 = next_account_index",
                     {"OR-FEXQ-2"}),
           w.one_batch, "one_batch")
      .request_forced_exit(forced_exit_height, w.key(carol), carol_account, w.key(carol), forced_exit_fee,
                           Error::forced_exit_unknown_account);
  Scenario(cases.add("request_forced_exit", "second_request_is_next_in_queue",
                     "alice asks twice: the requests are recorded at indices 0 and 1", {"OR-FEXQ-1", "OR-FEXQ-2"}),
           w.forced_exit_requested, "forced_exit_requested")
      .request_forced_exit(forced_exit_height + 1, w.key(alice), alice_account, w.key(alice), forced_exit_fee);
}

}  // namespace l2::vectors::optimistic_rollup_vectors
