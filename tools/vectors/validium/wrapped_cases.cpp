// Suite wrapped: one accepted case for each zk_rollup op the validium wraps (commit_batch has its
// own suite), run on `contract.rollup` in the committee mode. zk_rollup's vectors cover these ops'
// rules; these cases show that the wrapping changes nothing else of the validium and that the
// step's payouts are the op's.
#include "world.hpp"

namespace l2::vectors::validium_vectors {

void wrapped_cases(CaseBook& cases, const Worlds& w) {
  const World& executed = w.executed;
  const World& exodus = w.exodus;
  const auto bridge_rules = concat({zkv::live_rules(), rule_range("ZK-BRIDGE", 1, 2)});

  Scenario(cases.add("wrapped", "deposit_new_account", "carol deposits 700 at 41 for a new account (index 3, op 2)",
                     concat({bridge_rules, {"ZK-BRIDGE-4", "ZK-BRIDGE-5"}})),
           executed, "executed")
      .deposit_new_account(zkv::carol_deposit_height, w.key(carol), w.key(carol), 700);
  Scenario(cases.add("wrapped", "deposit_top_up", "bob tops up alice's account 1 with 200 at 41 (op 2)",
                     concat({bridge_rules, {"ZK-BRIDGE-3"}})),
           executed, "executed")
      .deposit_top_up(zkv::carol_deposit_height, w.key(bob), zkv::alice_account, 200);
  Scenario(cases.add("wrapped", "request_forced_withdrawal",
                     "alice requests the forced withdrawal of her account 1 at 40, paying the fee of 10 (op 2, expiry 80)",
                     concat({zkv::live_rules(), rule_range("ZK-FWQ", 1, 2)})),
           executed, "executed")
      .request(zkv::request_height, w.key(alice), zkv::alice_account, w.key(alice), zkv::forced_withdrawal_fee);
  Scenario(cases.add("wrapped", "prove_batches", "the watcher proves batch 0 at 31 with the reexecution proof",
                     prove_rules()),
           w.committed, "committed")
      .prove_next(zkv::prove_height, w.key(watcher), 1);
  Scenario(cases.add("wrapped", "execute_batch", "the watcher executes batch 0 at 32", execute_rules()), w.verified,
           "verified")
      .execute(zkv::execute_height, w.key(watcher));
  Scenario(cases.add("wrapped", "revert_batches",
                     "the operator reverts the unverified batch 0 at 31: committed 0; its attestation stays recorded",
                     concat({zkv::live_rules(), {"ZK-COMMIT-1"}, rule_range("ZK-REVERT", 1, 2)})),
           w.committed, "committed")
      .revert(zkv::prove_height, w.key(op), 0);
  Scenario(cases.add("wrapped", "activate_exodus",
                     "the watcher activates the freeze at 80, the expiry of alice's unserved forced withdrawal",
                     {"ZK-LIVE-1", "ZK-EXO-1"}),
           w.stalled, "stalled")
      .activate_exodus(zkv::exodus_height, w.key(watcher));
  Scenario(cases.add("wrapped", "exodus_withdraw",
                     "in the freeze alice exits with her opening of the last executed state: 3485 paid to her key",
                     rule_range("ZK-EXIT", 1, 5)),
           exodus, "exodus")
      .exit(zkv::exodus_height + 1, zkv::Worlds::exit_of(exodus.rollup, w.key(alice), zkv::alice_account))
      .expect_payouts({{w.key(alice), zkv::alice_balance}});
  {
    zk::ExodusWithdrawManyInput in{w.key(watcher), exodus.rollup.executed_state().header(), {}};
    for (const AccountIndex i : {zkv::fee_account, zkv::alice_account, zkv::bob_account})
      in.claims.push_back(zkv::Worlds::claim(exodus.rollup, i));
    Scenario(cases.add("wrapped", "exodus_withdraw_many",
                       "in the freeze the watcher sends the exits of the fee account, alice and bob in one call: 15, "
                       "3485 and 4000 to their owners",
                       rule_range("ZK-EXIT", 1, 6)),
             exodus, "exodus")
        .exit_many(zkv::exodus_height + 1, in)
        .expect_payouts({{w.key(op), zkv::fee_balance}, {w.key(alice), zkv::alice_balance}, {w.key(bob), zkv::bob_balance}});
  }
  Scenario(cases.add("wrapped", "refund_deposit", "in the freeze carol's unprocessed deposit (op 3) is refunded: 700",
                     concat({{"ZK-EXIT-1"}, rule_range("ZK-REFUND", 1, 5)})),
           exodus, "exodus")
      .refund(zkv::exodus_height + 1, w.key(carol), 3)
      .expect_payouts({{w.key(carol), 700}});
  Scenario(cases.add("wrapped", "pay_withdrawal", "alice's withdrawal of 500 in the executed batch 0 is paid at 33",
                     rule_range("ZK-PAY", 1, 4)),
           executed, "executed")
      .pay(33, zkv::Worlds::payment(executed.rollup, w.key(alice), 0, 0))
      .expect_payouts({{w.key(alice), zkv::alice_withdrawal}});
}

}  // namespace l2::vectors::validium_vectors
