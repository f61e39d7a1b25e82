// Suite adversarial: each attack of validium.md#attacks-considered, played by the party that
// misbehaves, with the answer the spec gives, and what Validium cannot prevent: a committee that
// withholds the data of an executed batch freezes the funds of every user who does not hold it.
#include <algorithm>

#include "world.hpp"

namespace l2::vectors::validium_vectors {

void adversarial_cases(CaseBook& cases, const Worlds& w) {
  const World& executed = w.executed;
  const World& proposed = w.rotation_proposed;
  // Batch 1 on `executed`: bob pays alice 200.
  const vd::ValidiumBatch batch1 = Worlds::batch(executed, 0, {w.bob_pays_alice()});
  const Hash32& root1 = batch1.commit.header.transactions_root;

  {
    // Member 2's signature of batch 0's digest: what it signed for the batch the world committed at 30.
    const zk::BatchHeader& header0 = executed.contract.rollup.batches.at(0).header;
    vd::VerifyAvailabilityInput in = w.attestation(executed, 1, root1, Worlds::members(executed, {0, 1}));
    const Hash32 signer = Worlds::members(executed, {2}).at(0);
    in.proof.signatures.push_back(w.signature(signer, vd::da_digest_of(executed.contract, 0, header0.transactions_root)));
    Scenario(cases.add("adversarial", "invalid_signature_from_another_batch",
                       "members 0 and 1 sign batch 1's digest; the operator adds member 2's signature from its attestation "
                       "of batch 0: da_digest binds the batch number and data root, so it does not verify, and batch 1 "
                       "cannot be committed",
                       {"VD-DA-3", "ZK-COMMIT-12"}),
             executed, "executed")
        .attest(44, in, ValidiumError::da_bad_signature)
        .commit_refused(45, batch1.commit, ZkRollupError::commit_data_not_attested);
    cases.mark_adversarial("a committee signature reused from another batch", "operator");
  }
  {
    // A second validium with the same committee (deployment nonce 1): another validium_id.
    CaseSpec scratch;
    Scenario other(scratch);
    other.deploy(zkv::deploy_height, w.deploy_input(zkv::default_config(), w.world_committee(), rotation_delay_blocks, 1));
    vd::VerifyAvailabilityInput in = w.attestation(executed, 1, root1, Worlds::members(executed, {0, 1}));
    const Hash32 signer = Worlds::members(executed, {2}).at(0);
    in.proof.signatures.push_back(w.signature(signer, vd::da_digest_of(other.contract(), 1, root1)));
    Scenario(cases.add("adversarial", "invalid_signature_from_another_validium",
                       "member 2's signature of batch 1 with the same data root for another validium of the same "
                       "committee (deployment nonce 1), added to members 0 and 1: da_digest binds validium_id",
                       {"VD-DA-3"}),
             executed, "executed")
        .attest(44, in, ValidiumError::da_bad_signature);
    cases.mark_adversarial("a committee signature reused from another validium", "anyone");
  }
  Scenario(cases.add("adversarial", "invalid_below_threshold_da_proof",
                     "the operator, with members 0 and 1 only (threshold 3), attests batch 1 and commits it: both refused",
                     {"VD-DA-4", "ZK-COMMIT-12"}),
           executed, "executed")
      .attest(44, w.attestation(executed, 1, root1, Worlds::members(executed, {0, 1})), ValidiumError::da_below_threshold)
      .commit_refused(45, batch1.commit, ZkRollupError::commit_data_not_attested);
  cases.mark_adversarial("a below-threshold DA proof", "operator");
  Scenario(cases.add("adversarial", "invalid_duplicated_signer_counts_once",
                     "member 0's valid signature listed 3 times (= the threshold), then members 0, 1 and 1: one and two "
                     "distinct signers; a duplicated signer counts once, and batch 1 cannot be committed",
                     {"VD-DA-4", "ZK-COMMIT-12"}),
           executed, "executed")
      .attest(44, w.attestation(executed, 1, root1, Worlds::members(executed, {0, 0, 0})), ValidiumError::da_below_threshold)
      .attest(44, w.attestation(executed, 1, root1, Worlds::members(executed, {0, 1, 1})), ValidiumError::da_below_threshold)
      .commit_refused(45, batch1.commit, ZkRollupError::commit_data_not_attested);
  cases.mark_adversarial("a below-threshold proof padded with a member's signature repeated", "operator");
  {
    const vd::ValidiumBatch other = Worlds::batch(executed, 0, {w.alice_pays_bob()});
    Scenario(cases.add("adversarial", "invalid_attested_other_data_root",
                       "members 0..2 attest batch 1 with the data of other transactions (alice pays bob 100); the "
                       "operator commits batch 1 with bob paying alice 200 instead, whose data nobody attested",
                       concat({da_rules(), {"ZK-COMMIT-12"}})),
             executed, "executed")
        .attest(44, w.attestation(executed, other))
        .commit_refused(45, batch1.commit, ZkRollupError::commit_data_not_attested);
    cases.mark_adversarial("a commit under an attestation of another data root", "operator");
  }
  {
    // The old committee's members 0..2 attest batch 1 at 99, the block before the rotation is due.
    Scenario s(cases.add("adversarial", "invalid_pre_signed_attestation_after_rotation",
                         "under the rotation proposed at 50, the old committee (members 0..2) attests batch 1 at 99; the "
                         "rotation is activated at 100 and discards it: the commit at 101 is refused, and the old "
                         "members 0, 1 and 2 signing again are no members of the new committee (keys 9..13)",
                         concat({da_rules(), activate_rules(), {"ZK-COMMIT-12"}})),
               proposed, "rotation_proposed");
    cases.mark_adversarial("a rotated-out committee's pre-signed attestation", "old committee and operator");
    const std::vector<Hash32> old_members = Worlds::members(proposed, {0, 1, 2});
    const vd::ValidiumBatch batch = Worlds::batch(proposed, 0, {w.bob_pays_alice()});
    s.attest(rotation_due - 1, w.attestation(proposed, batch))
        .activate_rotation(rotation_due, w.key(watcher))
        .commit_refused(rotation_due + 1, batch.commit, ZkRollupError::commit_data_not_attested);
    // Keys 7 and 8 (at least one of them is among the old members 0..2) left the committee.
    const bool any_removed = std::any_of(old_members.begin(), old_members.end(), [&](const Hash32& k) {
      return !vd::is_member(s.contract().committee, k);
    });
    if (!any_removed) generator_bug("the old members 0..2 are all still members");
    s.attest(rotation_due + 1, w.attestation(s.world(), 1, batch.commit.header.transactions_root, old_members),
             ValidiumError::da_not_member);
  }
  {
    Scenario s(cases.add("adversarial", "invalid_proof_replayed_against_another_batch",
                         "batch 1 attested and committed; batch 0's valid proof replayed for it: the public inputs differ",
                         concat({da_rules(), commit_rules(), {"ZK-PROVE-3"}})),
               executed, "executed");
    cases.mark_adversarial("a proof replayed against another batch", "operator");
    s.attest_and_commit(w, 45, batch1).prove(46, w.key(griefer), 1, zkv::Worlds::proof(w.committed.rollup, 0, 1),
                                             ZkRollupError::proof_rejected);
  }

  // ---- The freeze and exits ----
  {
    Scenario s(cases.add("adversarial", "committee_stops_users_exit",
                         "carol deposits 700 at 41 (op 2, expiry 81); the committee stops signing, so no batch can serve "
                         "it; at 81 the watcher activates the freeze; alice and bob exit from the last executed root, "
                         "carol's deposit is refunded and alice's withdrawal of batch 0 is paid",
                         concat({rule_range("ZK-BRIDGE", 1, 2), {"ZK-BRIDGE-4", "ZK-BRIDGE-5"}, zkv::live_rules(),
                                 {"ZK-EXO-1"}, rule_range("ZK-EXIT", 1, 5), rule_range("ZK-REFUND", 1, 5),
                                 rule_range("ZK-PAY", 1, 4)})),
               executed, "executed");
    cases.mark_adversarial("a committee that stops signing", "committee");
    s.deposit_new_account(41, w.key(carol), w.key(carol), 700).activate_exodus(81, w.key(watcher));
    s.exit(82, zkv::Worlds::exit_of(s.world().rollup, w.key(alice), zkv::alice_account))
        .expect_payouts({{w.key(alice), zkv::alice_balance}})
        .exit(82, zkv::Worlds::exit_of(s.world().rollup, w.key(bob), zkv::bob_account))
        .expect_payouts({{w.key(bob), zkv::bob_balance}})
        .refund(82, w.key(carol), 2)
        .expect_payouts({{w.key(carol), 700}})
        .pay(82, zkv::Worlds::payment(s.world().rollup, w.key(alice), 0, 0));
  }
  {
    Scenario s(cases.add("adversarial", "distrusting_user_leaves_before_rotation",
                         "the governor proposed keys 9..13 at 50 (due at 100); alice, distrusting them, requests her "
                         "forced withdrawal at 51; the operator serves it in batch 1 (attested at 52, committed at 53, "
                         "proved at 54, executed at 55) and alice is paid her whole balance at 56, before the new "
                         "committee takes over at 100",
                         concat({rule_range("ZK-FWQ", 1, 2), pipeline_rules(), rule_range("ZK-PAY", 1, 4),
                                 activate_rules()})),
               proposed, "rotation_proposed");
    cases.mark_adversarial("a rotation to a committee a user distrusts", "governor");
    s.request(51, w.key(alice), zkv::alice_account, w.key(alice), zkv::forced_withdrawal_fee)
        .attest_and_commit(w, 53, Worlds::batch(s.world(), 1, {}))
        .prove_next(54, w.key(watcher), 1)
        .execute(55, w.key(watcher))
        .pay(56, zkv::Worlds::payment(s.world().rollup, w.key(alice), 1, 0))
        .expect_payouts({{w.key(alice), zkv::alice_balance}})
        .activate_rotation(rotation_due, w.key(watcher));
  }
  {
    Scenario s(cases.add("adversarial", "unserved_forced_withdrawal_freezes",
                         "the operator never serves alice's forced withdrawal of 40; at 80 = its expiry the watcher "
                         "activates the freeze; alice and bob exit, and alice's withdrawal of batch 0 is paid",
                         concat({{"ZK-LIVE-1", "ZK-EXO-1"}, rule_range("ZK-EXIT", 1, 5), rule_range("ZK-PAY", 1, 4)})),
               w.forced_requested, "forced_requested");
    cases.mark_adversarial("a forced withdrawal the operator never serves", "operator");
    s.activate_exodus(zkv::request_expiry, w.key(watcher));
    s.exit(zkv::request_expiry + 1, zkv::Worlds::exit_of(s.world().rollup, w.key(alice), zkv::alice_account))
        .expect_payouts({{w.key(alice), zkv::alice_balance}})
        .exit(zkv::request_expiry + 1, zkv::Worlds::exit_of(s.world().rollup, w.key(bob), zkv::bob_account))
        .expect_payouts({{w.key(bob), zkv::bob_balance}})
        .pay(zkv::request_expiry + 1, zkv::Worlds::payment(s.world().rollup, w.key(alice), 0, 0));
  }
  {
    // validium.md#what-validium-cannot-guarantee. From `executed`: the griefer deposits 2000 and 1000
    // (accounts 3 and 4, ops 2 and 3); batch 1 consumes them and moves 600 from account 3 to 4, attested
    // at 35 by members 0..2 (colluding with the operator), committed at 36, proved at 37, executed at 38;
    // alice requests her forced withdrawal at 40 (op 4, expiry 80), left unserved; the freeze at 80.
    CaseSpec scratch;
    Scenario pre(scratch, executed);
    const AccountIndex griefer_first = 3;
    const AccountIndex griefer_second = 4;
    pre.deposit_new_account(33, w.key(griefer), w.key(griefer), 2000)
        .deposit_new_account(34, w.key(griefer), w.key(griefer), 1000)
        .attest_and_commit(w, 36, Worlds::batch(pre.world(), 2, {w.transfer(griefer_first, griefer_second, 600, 0, 0, griefer)}))
        .prove_next(37, w.key(watcher), 1)
        .execute(38, w.key(watcher))
        .request(zkv::request_height, w.key(alice), zkv::alice_account, w.key(alice), zkv::forced_withdrawal_fee)
        .activate_exodus(zkv::request_expiry, w.key(watcher));
    // What alice holds: batch 0's state, whose data was served. The post-state of batch 1 only the
    // colluders hold; the case carries neither its header nor its data, only the contract.
    const State& alice_view = executed.rollup.executed_state();
    const State& withheld = pre.world().rollup.executed_state();
    if (alice_view.root() == withheld.root()) generator_bug("batch 1 did not change the state");
    const orl::ExitInput alice_exit{w.key(alice), alice_view.header(), zkv::alice_account,
                                    *alice_view.account(zkv::alice_account), alice_view.prove(zkv::alice_account).siblings};
    Scenario s(cases.add("adversarial", "committee_withholding_freezes_funds",
                         "What Validium cannot guarantee. The pre-state is frozen; its last executed batch 1 (the "
                         "griefer's deposits of 2000 and 1000 and a transfer of 600 between its accounts 3 and 4) was "
                         "attested by members 0, 1 and 2 colluding with the operator, and its post-state's header and "
                         "data are withheld (under a succinct backend nothing else reveals them; the reexecution "
                         "backend's proof would). Step 1: alice exits with her opening of batch 0's state, the last one "
                         "she holds: refused. Step 2: the griefer exits account 4 with the true opening: 1600 paid. "
                         "Alice's 3485 stays frozen in escrow for as long as the data is withheld",
                         rule_range("ZK-EXIT", 1, 5)),
               pre.world());
    cases.mark_adversarial("committee data withholding", "committee and operator");
    s.exit(zkv::request_expiry + 1, alice_exit, ZkRollupError::exit_bad_state_opening)
        .exit(zkv::request_expiry + 2, zkv::Worlds::exit_of(s.world().rollup, w.key(griefer), griefer_second))
        .expect_payouts({{w.key(griefer), 1600}});
  }
}

}  // namespace l2::vectors::validium_vectors
