// Suites activate_exodus, exodus_withdraw, exodus_withdraw_many, refund_deposit and pay_withdrawal:
// the rollup stopping exactly at an expiry, the exits against the last executed root, the refunds
// of unprocessed deposits, and the withdrawals of executed batches. The rules no reachable state
// breaks (ZK-EXIT-5, ZK-REFUND-5, ZK-PAY-4) are played on hand-made pre-states.
#include <algorithm>

#include "world.hpp"

namespace l2::vectors::zk_rollup_vectors {

namespace {

const std::vector<std::string>& exit_rules() {
  static const std::vector<std::string> rules = rule_range("ZK-EXIT", 1, 5);
  return rules;
}

const std::vector<std::string>& exit_many_rules() {
  static const std::vector<std::string> rules = rule_range("ZK-EXIT", 1, 6);
  return rules;
}

const std::vector<std::string>& refund_rules() {
  static const std::vector<std::string> rules = concat({{"ZK-EXIT-1"}, rule_range("ZK-REFUND", 1, 5)});
  return rules;
}

const std::vector<std::string>& pay_rules() {
  static const std::vector<std::string> rules = rule_range("ZK-PAY", 1, 4);
  return rules;
}

const std::vector<std::string>& exodus_rules() {
  static const std::vector<std::string> rules = {"ZK-LIVE-1", "ZK-EXO-1"};
  return rules;
}

// Commit, prove and execute: every rule the three pass.
const std::vector<std::string>& pipeline_rules() {
  static const std::vector<std::string> rules =
      concat({commit_rules(), rule_range("ZK-PROVE", 1, 3), {"ZK-EXEC-1"}});
  return rules;
}

zk::ExodusWithdrawManyInput many(const World& w, const Hash32& caller, const std::vector<AccountIndex>& indices) {
  zk::ExodusWithdrawManyInput in{caller, w.executed_state().header(), {}};
  for (const AccountIndex index : indices) in.claims.push_back(Worlds::claim(w, index));
  return in;
}

// `executed` with 61 more accounts (3 .. 63, deposits of 100 + i at 33 by the six keys in turn),
// served by 16 batches executed at 36; alice's forced withdrawal at 40 is never served and exodus
// is activated at 80: 64 accounts to exit.
World sixty_four_accounts(const Worlds& w) {
  CaseSpec scratch;
  Scenario s(scratch, w.executed);
  constexpr u64 added = 61;
  for (u64 i = 0; i < added; ++i) s.deposit_new_account(33, w.key(i % role_count), w.key(i % role_count), min_deposit + i);
  u64 batches = 0;
  while (s.contract().priority_committed < s.contract().priority_ops.size()) {
    const u64 left = s.contract().priority_ops.size() - s.contract().priority_committed;
    s.commit(34, Worlds::batch(s.world(), std::min(left, max_batch_size), {}));
    ++batches;
  }
  s.prove_next(35, w.key(watcher), batches);
  for (u64 k = 0; k < batches; ++k) s.execute(36, w.key(watcher));
  s.request(request_height, w.key(alice), alice_account, w.key(alice), forced_withdrawal_fee);
  s.activate(exodus_height, w.key(watcher));
  if (s.world().executed_state().accounts().size() != 64) generator_bug("the 64-account world does not have 64 accounts");
  return s.world();
}

}  // namespace

void exodus_cases(CaseBook& cases, const Worlds& w) {
  const World& committed = w.committed;
  const World& executed = w.executed;
  const World& forced = w.forced_requested;
  const World& stalled = w.stalled;
  const World& exodus = w.exodus;
  const u64 after = exodus_height + 1;

  // ---- activate_exodus ----
  Scenario(cases.add("activate_exodus", "at_expiry",
                     "alice's request (op 2, recorded at 40) is unserved at 80 = its expiry height: the watcher activates "
                     "exodus",
                     exodus_rules()),
           stalled, "stalled")
      .activate(exodus_height, w.key(watcher));
  Scenario(cases.add("activate_exodus", "invalid_one_block_early", "the same activation at 79", {"ZK-EXO-1"}), stalled,
           "stalled")
      .activate(exodus_height - 1, w.key(watcher), Error::no_expired_request);
  Scenario(cases.add("activate_exodus", "one_block_late", "the same activation at 81", exodus_rules()), stalled, "stalled")
      .activate(exodus_height + 1, w.key(alice));
  {
    Scenario s(cases.add("activate_exodus", "invalid_empty_queue", "a fresh deployment has no priority operation to expire",
                         concat({rule_range("ZK-DEPLOY", 1, 6), {"ZK-EXO-1"}})));
    s.deploy(deploy_height, w.deploy_input(default_config(), default_key())).activate(1000, w.key(watcher), Error::no_expired_request);
  }
  Scenario(cases.add("activate_exodus", "invalid_all_served",
                     "ops 0 and 1 are served by executed batch 0: nothing can expire, even at 1000", {"ZK-EXO-1"}),
           executed, "executed")
      .activate(1000, w.key(watcher), Error::no_expired_request);
  Scenario(cases.add("activate_exodus", "invalid_twice", "a second activation", {"ZK-LIVE-1"}), exodus, "exodus")
      .activate(after, w.key(watcher), Error::exodus_active);
  {
    Scenario s(cases.add("activate_exodus", "discards_unexecuted_batches",
                         "batch 1 (ops 2 and 3) is committed at 42 and verified at 43 but not executed by 80: exodus "
                         "discards it, committed = verified = executed = 1",
                         concat({commit_rules(), rule_range("ZK-PROVE", 1, 3), exodus_rules()})),
               stalled, "stalled");
    s.commit(42, Worlds::batch(s.world(), 2, {})).prove_next(43, w.key(watcher), 1).activate(exodus_height, w.key(watcher));
    if (s.contract().committed != 1 || s.contract().verified != 1 || s.contract().priority_committed != 2)
      generator_bug("exodus did not discard the unexecuted batch");
  }

  // ---- exodus_withdraw ----
  Scenario(cases.add("exodus_withdraw", "alice_exits",
                     "alice's account 1 leaves with its balance in the last executed state, 3485, paid to its owner",
                     exit_rules()),
           exodus, "exodus")
      .exit(after, Worlds::exit_of(exodus, w.key(alice), alice_account))
      .expect_payouts({{w.key(alice), alice_balance}});
  Scenario(cases.add("exodus_withdraw", "exit_sent_by_anyone", "the watcher sends bob's exit: the 4000 is paid to bob",
                     exit_rules()),
           exodus, "exodus")
      .exit(after, Worlds::exit_of(exodus, w.key(watcher), bob_account))
      .expect_payouts({{w.key(bob), bob_balance}});
  Scenario(cases.add("exodus_withdraw", "fee_account_exits", "the operator's fee account leaves with its 15", exit_rules()),
           exodus, "exodus")
      .exit(after, Worlds::exit_of(exodus, w.key(op), fee_account))
      .expect_payouts({{w.key(op), fee_balance}});
  {
    Scenario s(cases.add("exodus_withdraw", "balance_0",
                         "bob withdraws his whole 4000 in batch 1 (executed at 35); alice's request at 40 is never served; "
                         "in exodus bob's account exits with balance 0: no payout",
                         concat({pipeline_rules(), rule_range("ZK-FWQ", 1, 2), exodus_rules(), exit_rules()})),
               executed, "executed");
    s.commit(33, Worlds::batch(s.world(), 0, {w.withdrawal(bob_account, w.key(bob), bob_balance, 0, 0, bob)}))
        .prove_next(34, w.key(watcher), 1)
        .execute(35, w.key(watcher))
        .request(request_height, w.key(alice), alice_account, w.key(alice), forced_withdrawal_fee)
        .activate(exodus_height, w.key(watcher))
        .exit(after, Worlds::exit_of(s.world(), w.key(bob), bob_account))
        .expect_payouts({});
  }
  Scenario(cases.add("exodus_withdraw", "invalid_not_in_exodus", "alice's exit at 79, before exodus", {"ZK-EXIT-1"}), stalled,
           "stalled")
      .exit(exodus_height - 1, Worlds::exit_of(stalled, w.key(alice), alice_account), Error::not_in_exodus);
  {
    orl::ExitInput in{w.key(op), exodus.genesis.header(), fee_account, exodus.genesis.account(fee_account).value(),
                      exodus.genesis.prove(fee_account).siblings};
    Scenario(cases.add("exodus_withdraw", "invalid_stale_root",
                       "the fee account's exit opens the genesis state, older than the last executed root", {"ZK-EXIT-2"}),
             exodus, "exodus")
        .exit(after, in, Error::exit_bad_state_opening);
  }
  {
    Scenario s(cases.add("exodus_withdraw", "invalid_discarded_batch_root",
                         "batch 1 (ops 2 and 3) verified but not executed when exodus starts; carol's exit opens its "
                         "post-state, which exodus discarded",
                         concat({commit_rules(), rule_range("ZK-PROVE", 1, 3), exodus_rules(), {"ZK-EXIT-2"}})),
               stalled, "stalled");
    s.commit(42, Worlds::batch(s.world(), 2, {})).prove_next(43, w.key(watcher), 1);
    const State discarded = s.world().batches.at(1).post;
    const orl::ExitInput in{w.key(carol), discarded.header(), carol_account, discarded.account(carol_account).value(),
                            discarded.prove(carol_account).siblings};
    s.activate(exodus_height, w.key(watcher)).exit(after, in, Error::exit_bad_state_opening);
  }
  {
    orl::ExitInput in = Worlds::exit_of(exodus, w.key(alice), alice_account);
    in.account.balance += 1;
    Scenario(cases.add("exodus_withdraw", "invalid_inflated_balance", "alice's opening claims 3486", {"ZK-EXIT-3"}), exodus,
             "exodus")
        .exit(after, in, Error::exit_bad_account_proof);
    in = Worlds::exit_of(exodus, w.key(griefer), alice_account);
    in.account.owner = w.key(griefer);
    Scenario(cases.add("exodus_withdraw", "invalid_owner_changed", "alice's account claimed as owned by the griefer",
                       {"ZK-EXIT-3"}),
             exodus, "exodus")
        .exit(after, in, Error::exit_bad_account_proof);
    in = Worlds::exit_of(exodus, w.key(alice), alice_account);
    in.account_index = bob_account;
    Scenario(cases.add("exodus_withdraw", "invalid_other_slot", "alice's opening presented for slot 2", {"ZK-EXIT-3"}), exodus,
             "exodus")
        .exit(after, in, Error::exit_bad_account_proof);
  }
  Scenario(cases.add("exodus_withdraw", "invalid_twice", "alice exits a second time", {"ZK-EXIT-4"}), exodus, "exodus")
      .exit(after, Worlds::exit_of(exodus, w.key(alice), alice_account))
      .exit(after + 1, Worlds::exit_of(exodus, w.key(alice), alice_account), Error::exit_already_exited);
  {
    World exact = exodus;
    exact.contract.escrow = alice_balance;
    Scenario(cases.add("exodus_withdraw", "escrow_exactly_the_balance",
                       "escrow 3485 (a hand-made pre-state) pays alice's 3485", {"ZK-EXIT-5"}),
             exact)
        .exit(after, Worlds::exit_of(exodus, w.key(alice), alice_account));
    World short_by_one = exodus;
    short_by_one.contract.escrow = alice_balance - 1;
    Scenario(cases.add("exodus_withdraw", "invalid_escrow_short",
                       "escrow 3484 (a hand-made pre-state: no sound proof system reaches it) for alice's 3485",
                       {"ZK-EXIT-5"}),
             short_by_one)
        .exit(after, Worlds::exit_of(exodus, w.key(alice), alice_account), Error::exit_escrow_insufficient);
  }

  // ---- exodus_withdraw_many ----
  Scenario(cases.add("exodus_withdraw_many", "three_claims",
                     "the fee account, alice and bob exit in one call: 15 to the operator, 3485 to alice, 4000 to bob",
                     exit_many_rules()),
           exodus, "exodus")
      .exit_many(after, many(exodus, w.key(watcher), {fee_account, alice_account, bob_account}))
      .expect_payouts({{w.key(op), fee_balance}, {w.key(alice), alice_balance}, {w.key(bob), bob_balance}});
  {
    const World big = sixty_four_accounts(w);
    std::vector<AccountIndex> all;
    for (AccountIndex i = 0; i < 64; ++i) all.push_back(i);
    Scenario(cases.add("exodus_withdraw_many", "sixty_four_exits",
                       "64 accounts (the world's three and 61 deposited at 33, served by 16 batches) exit in one call "
                       "after exodus at 80 (a pre-state built by the reference)",
                       exit_many_rules()),
             big)
        .exit_many(after, many(big, w.key(watcher), all));
  }
  Scenario(cases.add("exodus_withdraw_many", "invalid_no_claims", "a mass exit with an empty list of claims", {"ZK-EXIT-6"}),
           exodus, "exodus")
      .exit_many(after, many(exodus, w.key(watcher), {}), Error::exit_no_claims);
  {
    zk::ExodusWithdrawManyInput in = many(exodus, w.key(watcher), {fee_account, alice_account, bob_account});
    in.claims.at(1).account.balance += 1;
    Scenario(cases.add("exodus_withdraw_many", "invalid_second_of_three_fails",
                       "the second of three claims (alice's) claims 3486: all or nothing, nobody is paid", {"ZK-EXIT-3"}),
             exodus, "exodus")
        .exit_many(after, in, Error::exit_bad_account_proof);
  }
  Scenario(cases.add("exodus_withdraw_many", "invalid_not_in_exodus", "a mass exit at 79, before exodus", {"ZK-EXIT-1"}),
           stalled, "stalled")
      .exit_many(exodus_height - 1, many(stalled, w.key(watcher), {alice_account, bob_account}), Error::not_in_exodus);
  {
    zk::ExodusWithdrawManyInput in = many(exodus, w.key(watcher), {alice_account});
    in.post_state.forced_exits_processed = 1;
    Scenario(cases.add("exodus_withdraw_many", "invalid_bad_state_opening",
                       "the header claims 1 forced withdrawal processed: it does not open the last executed root",
                       {"ZK-EXIT-2"}),
             exodus, "exodus")
        .exit_many(after, in, Error::exit_bad_state_opening);
  }
  {
    World exact = exodus;
    exact.contract.escrow = alice_balance + fee_balance;
    Scenario(cases.add("exodus_withdraw_many", "escrow_exactly_the_sum",
                       "escrow 3500 (a hand-made pre-state) pays alice's 3485, then the fee account's 15", exit_many_rules()),
             exact)
        .exit_many(after, many(exodus, w.key(watcher), {alice_account, fee_account}));
    World short_by_one = exodus;
    short_by_one.contract.escrow = alice_balance + fee_balance - 1;
    Scenario(cases.add("exodus_withdraw_many", "invalid_escrow_short",
                       "escrow 3499 (a hand-made pre-state): alice's 3485 leaves 14, below the fee account's 15; each "
                       "claim is checked against the escrow the claims before it left",
                       {"ZK-EXIT-5"}),
             short_by_one)
        .exit_many(after, many(exodus, w.key(watcher), {alice_account, fee_account}), Error::exit_escrow_insufficient);
  }

  // ---- refund_deposit ----
  Scenario(cases.add("refund_deposit", "unconsumed_deposit",
                     "carol's deposit (op 3), never consumed by an executed batch, goes back to her", refund_rules()),
           exodus, "exodus")
      .refund(after, w.key(carol), 3)
      .expect_payouts({{w.key(carol), 700}});
  {
    Scenario s(cases.add("refund_deposit", "pays_the_depositor",
                         "the watcher paid a deposit (op 4) for an account owned by carol; carol sends the refund, the "
                         "watcher is paid",
                         concat({rule_range("ZK-BRIDGE", 1, 2), {"ZK-BRIDGE-4", "ZK-BRIDGE-5"}, exodus_rules(),
                                 refund_rules()})),
               stalled, "stalled");
    s.deposit_new_account(42, w.key(watcher), w.key(carol), 300)
        .activate(exodus_height, w.key(watcher))
        .refund(after, w.key(carol), 4)
        .expect_payouts({{w.key(watcher), 300}});
  }
  {
    Scenario s(cases.add("refund_deposit", "consumed_by_discarded_batch",
                         "carol's deposit (op 3) was consumed by batch 1, committed at 42 and never executed: exodus "
                         "discards the batch, and the deposit is refunded",
                         concat({commit_rules(), exodus_rules(), refund_rules()})),
               stalled, "stalled");
    s.commit(42, Worlds::batch(s.world(), 2, {}))
        .activate(exodus_height, w.key(watcher))
        .refund(after, w.key(watcher), 3)
        .expect_payouts({{w.key(carol), 700}});
  }
  Scenario(cases.add("refund_deposit", "invalid_unknown", "queue index 4: the queue holds 4 operations", {"ZK-REFUND-1"}),
           exodus, "exodus")
      .refund(after, w.key(carol), 4, Error::refund_unknown_request);
  Scenario(cases.add("refund_deposit", "invalid_forced_withdrawal",
                     "queue index 2 is alice's forced withdrawal: nothing to refund", {"ZK-REFUND-2"}),
           exodus, "exodus")
      .refund(after, w.key(alice), 2, Error::refund_not_deposit);
  Scenario(cases.add("refund_deposit", "invalid_processed",
                     "alice's deposit (op 0) was served by executed batch 0: it leaves by an exit", {"ZK-REFUND-3"}),
           exodus, "exodus")
      .refund(after, w.key(alice), 0, Error::refund_deposit_processed);
  Scenario(cases.add("refund_deposit", "invalid_processed_last",
                     "bob's deposit (op 1 = priority_executed - 1) was served by executed batch 0", {"ZK-REFUND-3"}),
           exodus, "exodus")
      .refund(after, w.key(bob), 1, Error::refund_deposit_processed);
  Scenario(cases.add("refund_deposit", "invalid_twice", "carol's deposit refunded a second time", {"ZK-REFUND-4"}), exodus,
           "exodus")
      .refund(after, w.key(carol), 3)
      .refund(after + 1, w.key(carol), 3, Error::refund_already_refunded);
  {
    World exact = exodus;
    exact.contract.escrow = 700;
    Scenario(cases.add("refund_deposit", "escrow_exactly_the_amount", "escrow 700 (a hand-made pre-state) pays carol's 700",
                       refund_rules()),
             exact)
        .refund(after, w.key(carol), 3);
    World short_by_one = exodus;
    short_by_one.contract.escrow = 699;
    Scenario(cases.add("refund_deposit", "invalid_escrow_short",
                       "escrow 699 (a hand-made pre-state: no sound proof system reaches it) for carol's 700",
                       {"ZK-REFUND-5"}),
             short_by_one)
        .refund(after, w.key(carol), 3, Error::refund_escrow_insufficient);
  }
  Scenario(cases.add("refund_deposit", "invalid_not_in_exodus", "carol's refund at 79, before exodus", {"ZK-EXIT-1"}),
           stalled, "stalled")
      .refund(exodus_height - 1, w.key(carol), 3, Error::not_in_exodus);

  // ---- pay_withdrawal ----
  Scenario(cases.add("pay_withdrawal", "withdrawal",
                     "alice's withdrawal of 500 (batch 0, record 0) paid to her L1 key; the watcher sends it", pay_rules()),
           executed, "executed")
      .pay(33, Worlds::payment(executed, w.key(watcher), 0, 0))
      .expect_payouts({{w.key(alice), alice_withdrawal}});
  {
    Scenario s(cases.add("pay_withdrawal", "forced_withdrawal",
                         "batch 1 serves alice's forced withdrawal; its record pays her whole 3485",
                         concat({pipeline_rules(), pay_rules()})),
               forced, "forced_requested");
    s.commit(41, Worlds::batch(s.world(), 1, {}))
        .prove_next(42, w.key(watcher), 1)
        .execute(43, w.key(watcher))
        .pay(44, Worlds::payment(s.world(), w.key(alice), 1, 0))
        .expect_payouts({{w.key(alice), alice_balance}});
  }
  {
    Scenario s(cases.add("pay_withdrawal", "forced_withdrawal_amount_0",
                         "the griefer's forced withdrawal of alice's account is processed as a no-op: its record has "
                         "amount 0, and paying it moves nothing",
                         concat({rule_range("ZK-FWQ", 1, 2), pipeline_rules(), pay_rules()})),
               executed, "executed");
    s.request(request_height, w.key(griefer), alice_account, w.key(griefer), forced_withdrawal_fee)
        .commit(41, Worlds::batch(s.world(), 1, {}))
        .prove_next(42, w.key(watcher), 1)
        .execute(43, w.key(watcher))
        .pay(44, Worlds::payment(s.world(), w.key(griefer), 1, 0))
        .expect_payouts({});
  }
  Scenario(cases.add("pay_withdrawal", "after_exodus", "alice's withdrawal of executed batch 0 is paid in exodus too",
                     pay_rules()),
           exodus, "exodus")
      .pay(after, Worlds::payment(exodus, w.key(alice), 0, 0))
      .expect_payouts({{w.key(alice), alice_withdrawal}});
  Scenario(cases.add("pay_withdrawal", "invalid_not_executed", "batch 0 is committed, not executed", {"ZK-PAY-1"}), committed,
           "committed")
      .pay(31, Worlds::payment(committed, w.key(alice), 0, 0), Error::pay_batch_not_executed);
  {
    zk::PayZkWithdrawalInput in = Worlds::payment(executed, w.key(alice), 0, 0);
    in.batch_number = 1;
    Scenario(cases.add("pay_withdrawal", "invalid_batch_number_executed",
                       "batch number 1 = executed: no such executed batch", {"ZK-PAY-1"}),
             executed, "executed")
        .pay(33, in, Error::pay_batch_not_executed);
    in = Worlds::payment(executed, w.key(alice), 0, 0);
    in.withdrawal_index = 1;
    Scenario(cases.add("pay_withdrawal", "invalid_wrong_index", "alice's record claimed at index 1 of a 1-record root",
                       {"ZK-PAY-2"}),
             executed, "executed")
        .pay(33, in, Error::pay_not_included);
    in = Worlds::payment(executed, w.key(alice), 0, 0);
    in.withdrawal.amount += 1;
    Scenario(cases.add("pay_withdrawal", "invalid_inflated_amount", "alice's record claims 501", {"ZK-PAY-2"}), executed,
             "executed")
        .pay(33, in, Error::pay_not_included);
    in = Worlds::payment(executed, w.key(griefer), 0, 0);
    in.withdrawal.l1_recipient = w.key(griefer);
    Scenario(cases.add("pay_withdrawal", "invalid_recipient_changed", "alice's record with the griefer as recipient",
                       {"ZK-PAY-2"}),
             executed, "executed")
        .pay(33, in, Error::pay_not_included);
  }
  Scenario(cases.add("pay_withdrawal", "invalid_twice", "alice's withdrawal paid a second time", {"ZK-PAY-3"}), executed,
           "executed")
      .pay(33, Worlds::payment(executed, w.key(alice), 0, 0))
      .pay(34, Worlds::payment(executed, w.key(watcher), 0, 0), Error::pay_already_paid);
  {
    World exact = executed;
    exact.contract.escrow = alice_withdrawal;
    Scenario(cases.add("pay_withdrawal", "escrow_exactly_the_amount", "escrow 500 (a hand-made pre-state) pays alice's 500",
                       pay_rules()),
             exact)
        .pay(33, Worlds::payment(executed, w.key(alice), 0, 0));
    World short_by_one = executed;
    short_by_one.contract.escrow = alice_withdrawal - 1;
    Scenario(cases.add("pay_withdrawal", "invalid_escrow_short",
                       "escrow 499 (a hand-made pre-state: no sound proof system reaches it) for alice's 500", {"ZK-PAY-4"}),
             short_by_one)
        .pay(33, Worlds::payment(executed, w.key(alice), 0, 0), Error::pay_escrow_insufficient);
  }

  // ---- Two rules broken at once: the earlier rule names the error ----
  {
    orl::ExitInput in = Worlds::exit_of(stalled, w.key(alice), alice_account);
    in.post_state = stalled.genesis.header();
    Scenario(cases.add("exodus_withdraw", "invalid_not_in_exodus_before_stale_root",
                       "alice's exit at 79, before exodus, opening the genesis state: ZK-EXIT-1 is checked before "
                       "ZK-EXIT-2",
                       {"ZK-EXIT-1"}),
             stalled, "stalled")
        .exit(exodus_height - 1, in, Error::not_in_exodus);
    in = Worlds::exit_of(exodus, w.key(alice), alice_account);
    in.post_state.forced_exits_processed = 1;
    in.account.balance += 1;
    Scenario(cases.add("exodus_withdraw", "invalid_state_opening_before_account_proof",
                       "alice's exit with a header claiming 1 forced withdrawal processed and an opening claiming 3486: "
                       "ZK-EXIT-2 is checked before ZK-EXIT-3",
                       {"ZK-EXIT-2"}),
             exodus, "exodus")
        .exit(after, in, Error::exit_bad_state_opening);
    in = Worlds::exit_of(exodus, w.key(alice), alice_account);
    in.account.balance += 1;
    Scenario(cases.add("exodus_withdraw", "invalid_account_proof_before_already_exited",
                       "alice exits, then presents an opening claiming 3486: ZK-EXIT-3 is checked before ZK-EXIT-4",
                       {"ZK-EXIT-3"}),
             exodus, "exodus")
        .exit(after, Worlds::exit_of(exodus, w.key(alice), alice_account))
        .exit(after + 1, in, Error::exit_bad_account_proof);
    World spare = exodus;
    spare.contract.escrow = alice_balance + 1;
    Scenario(cases.add("exodus_withdraw", "invalid_already_exited_before_escrow_short",
                       "escrow 3486 (a hand-made pre-state); alice exits, leaving 1, then exits again: ZK-EXIT-4 is checked "
                       "before ZK-EXIT-5",
                       {"ZK-EXIT-4"}),
             spare)
        .exit(after, Worlds::exit_of(exodus, w.key(alice), alice_account))
        .exit(after + 1, Worlds::exit_of(exodus, w.key(alice), alice_account), Error::exit_already_exited);
  }
  Scenario(cases.add("exodus_withdraw_many", "invalid_not_in_exodus_before_no_claims",
                     "a mass exit with no claims at 79, before exodus: ZK-EXIT-1 is checked before ZK-EXIT-6", {"ZK-EXIT-1"}),
           stalled, "stalled")
      .exit_many(exodus_height - 1, many(stalled, w.key(watcher), {}), Error::not_in_exodus);
  {
    zk::ExodusWithdrawManyInput in = many(exodus, w.key(watcher), {});
    in.post_state.forced_exits_processed = 1;
    Scenario(cases.add("exodus_withdraw_many", "invalid_no_claims_before_state_opening",
                       "a mass exit with no claims and a header claiming 1 forced withdrawal processed: ZK-EXIT-6 is "
                       "checked before ZK-EXIT-2",
                       {"ZK-EXIT-6"}),
             exodus, "exodus")
        .exit_many(after, in, Error::exit_no_claims);
    in = many(exodus, w.key(watcher), {alice_account, bob_account});
    in.claims.at(1).account.balance += 1;
    Scenario(cases.add("exodus_withdraw_many", "invalid_first_claim_already_exited",
                       "alice exits; then a mass exit of alice again (ZK-EXIT-4) and bob claiming 4001 (ZK-EXIT-3): the "
                       "claims are checked in order, each through ZK-EXIT-3..5 before the next",
                       {"ZK-EXIT-4"}),
             exodus, "exodus")
        .exit(after, Worlds::exit_of(exodus, w.key(alice), alice_account))
        .exit_many(after + 1, in, Error::exit_already_exited);
  }
  Scenario(cases.add("refund_deposit", "invalid_not_in_exodus_before_unknown",
                     "queue index 4 of a 4-operation queue at 79, before exodus: ZK-EXIT-1 is checked before ZK-REFUND-1",
                     {"ZK-EXIT-1"}),
           stalled, "stalled")
      .refund(exodus_height - 1, w.key(carol), 4, Error::not_in_exodus);
  {
    Scenario s(cases.add("refund_deposit", "invalid_not_deposit_before_processed",
                         "batch 1 serves alice's forced withdrawal (op 2) and is executed; carol deposits at 44 (op 3, "
                         "expiry 84), never served; exodus at 84; a refund of op 2, a processed forced withdrawal: "
                         "ZK-REFUND-2 is checked before ZK-REFUND-3",
                         concat({pipeline_rules(), new_account_deposit_rules(), exodus_rules(),
                                 {"ZK-EXIT-1", "ZK-REFUND-1", "ZK-REFUND-2"}})),
               forced, "forced_requested");
    s.commit(41, Worlds::batch(s.world(), 1, {}))
        .prove_next(42, w.key(watcher), 1)
        .execute(43, w.key(watcher))
        .deposit_new_account(44, w.key(carol), w.key(carol), 700)
        .activate(44 + priority_expiry_blocks, w.key(watcher))
        .refund(45 + priority_expiry_blocks, w.key(alice), 2, Error::refund_not_deposit);
  }
  {
    Scenario s(cases.add("refund_deposit", "queue_index_equal_to_priority_executed",
                         "carol deposits at 41 (op 2 = priority_executed, expiry 81), never served; exodus at 81; her "
                         "refund of op 2 is paid: ZK-REFUND-3 admits queue_index == priority_executed",
                         concat({new_account_deposit_rules(), exodus_rules(), refund_rules()})),
               executed, "executed");
    s.deposit_new_account(41, w.key(carol), w.key(carol), 700)
        .activate(41 + priority_expiry_blocks, w.key(watcher))
        .refund(42 + priority_expiry_blocks, w.key(carol), 2)
        .expect_payouts({{w.key(carol), 700}});
  }
  {
    World spare = exodus;
    spare.contract.escrow = 700 + 699;
    Scenario(cases.add("refund_deposit", "invalid_already_refunded_before_escrow_short",
                       "escrow 1399 (a hand-made pre-state); carol's deposit is refunded, leaving 699, then refunded again: "
                       "ZK-REFUND-4 is checked before ZK-REFUND-5",
                       {"ZK-REFUND-4"}),
             spare)
        .refund(after, w.key(carol), 3)
        .refund(after + 1, w.key(carol), 3, Error::refund_already_refunded);
  }
  {
    zk::PayZkWithdrawalInput in = Worlds::payment(committed, w.key(alice), 0, 0);
    in.withdrawal.amount += 1;
    Scenario(cases.add("pay_withdrawal", "invalid_not_executed_before_not_included",
                       "batch 0 committed, not executed, and alice's record claiming 501: ZK-PAY-1 is checked before "
                       "ZK-PAY-2",
                       {"ZK-PAY-1"}),
             committed, "committed")
        .pay(31, in, Error::pay_batch_not_executed);
    in = Worlds::payment(executed, w.key(alice), 0, 0);
    in.withdrawal.amount += 1;
    Scenario(cases.add("pay_withdrawal", "invalid_not_included_before_already_paid",
                       "alice's withdrawal is paid, then claimed again as 501: ZK-PAY-2 is checked before ZK-PAY-3",
                       {"ZK-PAY-2"}),
             executed, "executed")
        .pay(33, Worlds::payment(executed, w.key(alice), 0, 0))
        .pay(34, in, Error::pay_not_included);
    World spare = executed;
    spare.contract.escrow = alice_withdrawal + alice_withdrawal - 1;
    Scenario(cases.add("pay_withdrawal", "invalid_already_paid_before_escrow_short",
                       "escrow 999 (a hand-made pre-state); alice's 500 is paid, leaving 499, then paid again: ZK-PAY-3 is "
                       "checked before ZK-PAY-4",
                       {"ZK-PAY-3"}),
             spare)
        .pay(33, Worlds::payment(executed, w.key(alice), 0, 0))
        .pay(34, Worlds::payment(executed, w.key(alice), 0, 0), Error::pay_already_paid);
  }
}

}  // namespace l2::vectors::zk_rollup_vectors
