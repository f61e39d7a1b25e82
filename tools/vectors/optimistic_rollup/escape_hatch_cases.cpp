// Suites freeze, exit and reclaim_deposit: the escape hatch of a stalled or censoring operator, and
// the frozen rule on every entry point it closes.
#include "world.hpp"

namespace l2::vectors::optimistic_rollup_vectors {

void escape_hatch_cases(CaseBook& cases, const Worlds& w) {
  using Error = OptimisticRollupError;
  const World& stalled = w.stalled;
  const World& frozen = w.frozen;
  const optimistic_rollup::StateHeader last = stalled.tip().header();  // batch 0's post-state: 2 deposits, 0 exits

  // ---- freeze ----
  Scenario(cases.add("freeze", "deposit_overdue",
                     "carol's deposit, recorded at 210, is still uncredited by the latest state at 250 = 210 + "
                     "escape_delay_blocks: anyone freezes the rollup",
                     rule_range("OR-FRZ", 1, 5)),
           stalled, "stalled")
      .freeze(freeze_height, w.key(watcher), QueueKind::deposits, 2);
  Scenario(cases.add("freeze", "invalid_one_block_early", "the same freeze at 249", {"OR-FRZ-3"}), stalled, "stalled")
      .freeze(freeze_height - 1, w.key(watcher), QueueKind::deposits, 2, Error::freeze_not_overdue);
  Scenario(cases.add("freeze", "one_block_late", "the same freeze at 251", {"OR-FRZ-3"}), stalled, "stalled")
      .freeze(freeze_height + 1, w.key(watcher), QueueKind::deposits, 2);
  Scenario(cases.add("freeze", "forced_exit_overdue", "alice's forced exit, requested at 210, unprocessed at 250",
                     rule_range("OR-FRZ", 1, 5)),
           stalled, "stalled")
      .freeze(freeze_height, w.key(alice), QueueKind::forced_exits, 0);
  Scenario(cases.add("freeze", "invalid_unknown_deposit", "deposit index 3: only 3 deposits were recorded", {"OR-FRZ-2"}),
           stalled, "stalled")
      .freeze(freeze_height, w.key(watcher), QueueKind::deposits, 3, Error::freeze_unknown_request);
  Scenario(cases.add("freeze", "invalid_unknown_forced_exit", "forced exit index 1: only 1 request was recorded",
                     {"OR-FRZ-2"}),
           stalled, "stalled")
      .freeze(freeze_height, w.key(watcher), QueueKind::forced_exits, 1, Error::freeze_unknown_request);
  Scenario(cases.add("freeze", "invalid_already_frozen", "a second freeze", {"OR-FRZ-1"}), frozen, "frozen")
      .freeze(freeze_height + 1, w.key(watcher), QueueKind::forced_exits, 0, Error::already_frozen);
  {
    optimistic_rollup::StateHeader forged = last;
    forged.deposits_credited = 3;
    Scenario(cases.add("freeze", "invalid_bad_state_opening",
                       "the header claims 3 deposits credited: it does not open last_state_root", {"OR-FRZ-4"}),
             stalled, "stalled")
        .step<optimistic_rollup::Freeze>(freeze_height, {w.key(watcher), QueueKind::deposits, 2, forged},
                                         Error::freeze_bad_state_opening);
  }
  Scenario(cases.add("freeze", "invalid_request_processed",
                     "bob's deposit (index 1 = deposits_credited - 1), recorded at 21, was credited by batch 0",
                     {"OR-FRZ-5"}),
           stalled, "stalled")
      .freeze(freeze_height, w.key(watcher), QueueKind::deposits, 1, Error::freeze_request_processed);
  {
    Scenario s(cases.add("freeze", "invalid_due_height_overflows",
                         "a deposit recorded at UINT64_MAX - 10: recorded_at + escape_delay_blocks overflows, so it is "
                         "never due",
                         {"OR-FRZ-3"}),
               stalled, "stalled");
    s.deposit_new_account(u64_max - 10, w.key(watcher), w.key(watcher), 700)
        .freeze(u64_max, w.key(watcher), QueueKind::deposits, 3, Error::freeze_not_overdue);
  }
  Scenario(cases.add("freeze", "with_a_pending_batch",
                     "batch 0 is pending and carol's deposit of 110 is not in it: at 150 its post-state, the latest "
                     "accepted one, leaves the deposit unprocessed",
                     rule_range("OR-FRZ", 1, 5)),
           w.one_batch, "one_batch")
      .deposit_new_account(110, w.key(carol), w.key(carol), 700)
      .freeze(150, w.key(carol), QueueKind::deposits, 2);

  // The frozen rule: no deposit, forced exit or batch is taken; finality, payouts, challenges and
  // stake go on.
  Scenario(cases.add("freeze", "invalid_deposit_after_freeze", "a new-account deposit to a frozen rollup", {"OR-FROZEN-1"}),
           frozen, "frozen")
      .deposit_new_account(freeze_height + 1, w.key(carol), w.key(carol), 700, Error::rollup_frozen);
  Scenario(cases.add("freeze", "invalid_top_up_after_freeze", "a top-up of a frozen rollup", {"OR-FROZEN-1"}), frozen,
           "frozen")
      .deposit_top_up(freeze_height + 1, w.key(alice), alice_account, 700, Error::rollup_frozen);
  Scenario(cases.add("freeze", "invalid_forced_exit_after_freeze", "a forced-exit request to a frozen rollup",
                     {"OR-FROZEN-1"}),
           frozen, "frozen")
      .request_forced_exit(freeze_height + 1, w.key(bob), bob_account, w.key(bob), forced_exit_fee, Error::rollup_frozen);
  Scenario(cases.add("freeze", "invalid_batch_after_freeze", "the operator's next batch, honest, after the freeze",
                     {"OR-FROZEN-1"}),
           frozen, "frozen")
      .submit_batch(freeze_height + 1, w.key(op), w.honest(frozen, w.batch1(), freeze_height).batch, Error::rollup_frozen);
  Scenario(cases.add("freeze", "withdrawal_paid_after_freeze", "alice's withdrawal of final batch 0 is paid after the freeze",
                     rule_range("OR-PAY", 1, 5)),
           frozen, "frozen")
      .pay(freeze_height + 1, Worlds::payment(frozen, w.key(alice), 0, 3));

  // ---- exit ----
  Scenario(cases.add("exit", "alice_exits",
                     "alice's account 1 leaves with its whole balance of the last final state, 3485, paid to its owner",
                     rule_range("OR-EXIT", 1, 6)),
           frozen, "frozen")
      .exit(freeze_height + 1, Worlds::exit_of(frozen, w.key(alice), alice_account))
      .expect_payouts({{w.key(alice), 3485}});
  Scenario(cases.add("exit", "exit_sent_by_anyone", "the watcher sends bob's exit: the 4000 is paid to bob, the owner",
                     {"OR-EXIT-4"}),
           frozen, "frozen")
      .exit(freeze_height + 1, Worlds::exit_of(frozen, w.key(watcher), bob_account))
      .expect_payouts({{w.key(bob), 4000}});
  Scenario(cases.add("exit", "fee_account_exits", "the operator's fee account leaves with its 15", {"OR-EXIT-4"}), frozen,
           "frozen")
      .exit(freeze_height + 1, Worlds::exit_of(frozen, w.key(op), fee_account))
      .expect_payouts({{w.key(op), 15}});
  Scenario(cases.add("exit", "invalid_not_frozen", "alice's exit before any freeze", {"OR-EXIT-1"}), stalled, "stalled")
      .exit(freeze_height, Worlds::exit_of(stalled, w.key(alice), alice_account), Error::not_frozen);
  {
    optimistic_rollup::ExitInput in = Worlds::exit_of(frozen, w.key(alice), alice_account);
    in.post_state.deposits_credited = 3;
    Scenario(cases.add("exit", "invalid_bad_state_opening", "the header claims 3 deposits credited", {"OR-EXIT-3"}), frozen,
             "frozen")
        .exit(freeze_height + 1, in, Error::exit_bad_state_opening);
  }
  {
    optimistic_rollup::ExitInput in = Worlds::exit_of(frozen, w.key(alice), alice_account);
    in.account.balance += 1;
    Scenario(cases.add("exit", "invalid_inflated_balance", "alice's opening claims 3486", {"OR-EXIT-4"}), frozen, "frozen")
        .exit(freeze_height + 1, in, Error::exit_bad_account_proof);
  }
  {
    optimistic_rollup::ExitInput in = Worlds::exit_of(frozen, w.key(watcher), alice_account);
    in.account.owner = w.key(watcher);
    Scenario(cases.add("exit", "invalid_owner_changed", "alice's account claimed as owned by the watcher", {"OR-EXIT-4"}),
             frozen, "frozen")
        .exit(freeze_height + 1, in, Error::exit_bad_account_proof);
  }
  {
    optimistic_rollup::ExitInput in = Worlds::exit_of(frozen, w.key(alice), alice_account);
    in.account_index = bob_account;
    Scenario(cases.add("exit", "invalid_other_slot", "alice's opening presented for slot 2", {"OR-EXIT-4"}), frozen, "frozen")
        .exit(freeze_height + 1, in, Error::exit_bad_account_proof);
  }
  Scenario(cases.add("exit", "invalid_twice", "alice exits a second time", {"OR-EXIT-5"}), frozen, "frozen")
      .exit(freeze_height + 1, Worlds::exit_of(frozen, w.key(alice), alice_account))
      .exit(freeze_height + 2, Worlds::exit_of(frozen, w.key(alice), alice_account), Error::exit_already_exited);
  {
    World exact = frozen;
    exact.contract.escrow = 3485;
    Scenario(cases.add("exit", "escrow_exactly_the_balance", "escrow 3485 (inline pre-state) pays alice's 3485",
                       {"OR-EXIT-6"}),
             exact)
        .exit(freeze_height + 1, Worlds::exit_of(frozen, w.key(alice), alice_account));
    World short_by_one = frozen;
    short_by_one.contract.escrow = 3484;
    Scenario(cases.add("exit", "invalid_escrow_one_below", "escrow 3484 (inline pre-state) for alice's 3485",
                       {"OR-EXIT-6"}),
             short_by_one)
        .exit(freeze_height + 1, Worlds::exit_of(frozen, w.key(alice), alice_account), Error::exit_escrow_insufficient);
  }
  {
    Scenario s(cases.add("exit", "waits_for_the_pending_batch",
                         "frozen while batch 0 is pending: alice's exit is refused until batch 0 is final at 200, then "
                         "paid from it",
                         {"OR-EXIT-2", "OR-FIN-1", "OR-FIN-2", "OR-FIN-3"}),
               w.one_batch, "one_batch");
    s.deposit_new_account(110, w.key(carol), w.key(carol), 700).freeze(150, w.key(carol), QueueKind::deposits, 2);
    s.exit(151, Worlds::exit_of(s.world(), w.key(alice), alice_account), Error::exit_batches_pending)
        .finalize(batch0_deadline, w.key(alice))
        .exit(batch0_deadline, Worlds::exit_of(s.world(), w.key(alice), alice_account));
  }

  // ---- reclaim_deposit ----
  Scenario(cases.add("reclaim_deposit", "uncredited_deposit",
                     "carol's deposit 2, never credited by the last final state, goes back to her",
                     concat({rule_range("OR-EXIT", 1, 3), rule_range("OR-RECL", 1, 4)})),
           frozen, "frozen")
      .reclaim(freeze_height + 1, w.key(carol), 2)
      .expect_payouts({{w.key(carol), 700}});
  {
    Scenario s(cases.add("reclaim_deposit", "pays_the_depositor",
                         "the watcher paid a deposit for an account owned by carol; the reclaim pays the watcher, whoever "
                         "sends it",
                         {"OR-RECL-1", "OR-RECL-2"}),
               stalled, "stalled");
    s.deposit_new_account(stall_height + 1, w.key(watcher), w.key(carol), 300)
        .freeze(freeze_height + 1, w.key(watcher), QueueKind::deposits, 3)
        .reclaim(freeze_height + 2, w.key(carol), 3)
        .expect_payouts({{w.key(watcher), 300}});
  }
  Scenario(cases.add("reclaim_deposit", "invalid_unknown_deposit", "deposit index 3: only 3 were recorded", {"OR-RECL-1"}),
           frozen, "frozen")
      .reclaim(freeze_height + 1, w.key(carol), 3, Error::reclaim_unknown_deposit);
  Scenario(cases.add("reclaim_deposit", "invalid_credited",
                     "bob's deposit (index 1 = deposits_credited - 1) is in the final state: it leaves by an exit",
                     {"OR-RECL-2"}),
           frozen, "frozen")
      .reclaim(freeze_height + 1, w.key(bob), 1, Error::reclaim_deposit_credited);
  Scenario(cases.add("reclaim_deposit", "invalid_twice", "carol reclaims deposit 2 a second time", {"OR-RECL-3"}), frozen,
           "frozen")
      .reclaim(freeze_height + 1, w.key(carol), 2)
      .reclaim(freeze_height + 2, w.key(carol), 2, Error::reclaim_already_reclaimed);
  {
    World exact = frozen;
    exact.contract.escrow = 700;
    Scenario(cases.add("reclaim_deposit", "escrow_exactly_the_amount", "escrow 700 (inline pre-state) pays carol's 700",
                       {"OR-RECL-4"}),
             exact)
        .reclaim(freeze_height + 1, w.key(carol), 2);
    World short_by_one = frozen;
    short_by_one.contract.escrow = 699;
    Scenario(cases.add("reclaim_deposit", "invalid_escrow_one_below", "escrow 699 (inline pre-state) for carol's 700",
                       {"OR-RECL-4"}),
             short_by_one)
        .reclaim(freeze_height + 1, w.key(carol), 2, Error::reclaim_escrow_insufficient);
  }
  Scenario(cases.add("reclaim_deposit", "invalid_not_frozen", "carol's reclaim before any freeze", {"OR-EXIT-1"}), stalled,
           "stalled")
      .reclaim(freeze_height, w.key(carol), 2, Error::not_frozen);
  {
    optimistic_rollup::ReclaimDepositInput in{w.key(carol), last, 2};
    in.post_state.deposits_credited = 3;
    Scenario(cases.add("reclaim_deposit", "invalid_bad_state_opening",
                       "a header claiming 3 deposits credited: it does not open last_state_root", {"OR-EXIT-3"}),
             frozen, "frozen")
        .step<optimistic_rollup::ReclaimDeposit>(freeze_height + 1, in, Error::exit_bad_state_opening);
  }
}

}  // namespace l2::vectors::optimistic_rollup_vectors
