// Suites commit_batch, prove_batches, execute_batch and revert_batches: the operator's batches, the
// proofs anyone posts, execution in order, and the revert of unverified batches.
#include <utility>

#include "world.hpp"

namespace l2::vectors::zk_rollup_vectors {

namespace {

const std::vector<std::string>& prove_rules() {
  static const std::vector<std::string> rules = concat({live_rules(), rule_range("ZK-PROVE", 1, 3)});
  return rules;
}

const std::vector<std::string>& execute_rules() {
  static const std::vector<std::string> rules = concat({live_rules(), {"ZK-EXEC-1"}});
  return rules;
}

const std::vector<std::string>& revert_rules() {
  static const std::vector<std::string> rules = concat({live_rules(), {"ZK-COMMIT-1"}, rule_range("ZK-REVERT", 1, 2)});
  return rules;
}

// Every rule a commit, a proof and an execution pass.
const std::vector<std::string>& pipeline_rules() {
  static const std::vector<std::string> rules = concat({commit_rules(), prove_rules(), execute_rules()});
  return rules;
}

}  // namespace

void batch_cases(CaseBook& cases, const Worlds& w) {
  const World& deployed = w.deployed;
  const World& committed = w.committed;
  const World& verified = w.verified;
  const World& executed = w.executed;
  const World& forced = w.forced_requested;
  const World& stalled = w.stalled;
  const World& exodus = w.exodus;
  const zk::ZkBatch batch0 = Worlds::batch(deployed, 2, w.batch0_user());

  // ---- commit_batch ----
  Scenario(cases.add("commit_batch", "honest_batch",
                     "batch 0 at 30: alice's and bob's deposits (ops 0 and 1), alice pays bob 1000 (fee 10), alice "
                     "withdraws 500 (fee 5): 4 transactions = max_batch_size",
                     commit_rules()),
           deployed, "deployed")
      .commit(commit_height, batch0);
  Scenario(cases.add("commit_batch", "with_forced_withdrawal",
                     "batch 1 at 41 serves alice's forced withdrawal (op 2): her whole balance, 3485, to her L1 key",
                     commit_rules()),
           forced, "forced_requested")
      .commit(41, Worlds::batch(forced, 1, {}));
  Scenario(cases.add("commit_batch", "priority_count_whole_queue",
                     "batch 1 at 42 consumes ops 2 and 3: priority_committed + priority_count = len(priority_ops) exactly",
                     commit_rules()),
           stalled, "stalled")
      .commit(42, Worlds::batch(stalled, 2, {}));
  Scenario(cases.add("commit_batch", "at_expiry_minus_1",
                     "batch 1, serving alice's request, committed at 79 = its expiry height - 1", commit_rules()),
           forced, "forced_requested")
      .commit(request_expiry - 1, Worlds::batch(forced, 1, {}));
  {
    zk::CommitBatchInput in = batch0.commit;
    in.caller = w.key(bob);
    Scenario(cases.add("commit_batch", "invalid_not_operator", "bob sends the operator's batch 0", {"ZK-COMMIT-1"}), deployed,
             "deployed")
        .commit_refused(commit_height, in, Error::not_operator);
  }
  {
    zk::CommitBatchInput in = batch0.commit;
    in.header.chain_id = 2;
    Scenario(cases.add("commit_batch", "invalid_wrong_chain", "batch 0's header names chain 2", {"ZK-COMMIT-2"}), deployed,
             "deployed")
        .commit_refused(commit_height, in, Error::commit_wrong_rollup);
    in = batch0.commit;
    in.header.rollup_id = orl::rollup_id(chain_id, deployed.contract.contract, w.key(op), 0);
    Scenario(cases.add("commit_batch", "invalid_wrong_rollup",
                       "batch 0's header names the optimistic rollup of the same chain, contract, operator and nonce",
                       {"ZK-COMMIT-2"}),
             deployed, "deployed")
        .commit_refused(commit_height, in, Error::commit_wrong_rollup);
  }
  Scenario(cases.add("commit_batch", "invalid_old_batch_number", "batch 0 committed a second time: committed is 1",
                     {"ZK-COMMIT-3"}),
           committed, "committed")
      .commit_refused(commit_height + 1, batch0.commit, Error::commit_out_of_order);
  {
    zk::CommitBatchInput in = batch0.commit;
    in.header.batch_number = 1;
    Scenario(cases.add("commit_batch", "invalid_batch_number_ahead", "batch number 1 when no batch is committed",
                       {"ZK-COMMIT-3"}),
             deployed, "deployed")
        .commit_refused(commit_height, in, Error::commit_out_of_order);
  }
  {
    zk::CommitBatchInput in = Worlds::batch(committed, 0, {w.bob_pays_alice()}).commit;
    in.header.prev_state_root = committed.genesis.root();
    Scenario(cases.add("commit_batch", "invalid_prev_root_mismatch",
                       "batch 1 built on the genesis root instead of batch 0's post-state root", {"ZK-COMMIT-4"}),
             committed, "committed")
        .commit_refused(commit_height + 1, in, Error::commit_prev_root_mismatch);
  }
  Scenario(cases.add("commit_batch", "invalid_empty", "a batch with no transaction", {"ZK-COMMIT-5"}), committed, "committed")
      .commit_refused(commit_height + 1, Worlds::claimed(committed, {}, 0, committed.committed_state()), Error::commit_empty);
  {
    std::vector<Transaction> user = w.batch0_user();
    user.push_back(w.bob_pays_alice());
    Scenario(cases.add("commit_batch", "invalid_too_large",
                       "batch 0 with bob's transfer added: 5 transactions = max_batch_size + 1", {"ZK-COMMIT-6"}),
             deployed, "deployed")
        .commit_refused(commit_height, Worlds::batch(deployed, 2, user).commit, Error::commit_too_large);
  }
  {
    zk::CommitBatchInput in = batch0.commit;
    in.header.priority_count = 3;
    Scenario(cases.add("commit_batch", "invalid_priority_beyond_queue",
                       "batch 0 claims 3 priority operations: the queue holds 2, one past it", {"ZK-COMMIT-7"}),
             deployed, "deployed")
        .commit_refused(commit_height, in, Error::commit_priority_beyond_queue);
    in = Worlds::batch(committed, 0, {w.bob_pays_alice()}).commit;
    in.header.priority_count = u64_max;
    Scenario(cases.add("commit_batch", "invalid_priority_count_overflows",
                       "priority_count UINT64_MAX after 2 committed: the sum overflows", {"ZK-COMMIT-7"}),
             committed, "committed")
        .commit_refused(commit_height + 1, in, Error::commit_priority_beyond_queue);
  }
  {
    zk::CommitBatchInput in = batch0.commit;
    in.withdrawals.clear();
    Scenario(cases.add("commit_batch", "invalid_withdrawal_count",
                       "the header counts 1 withdrawal; none is posted", {"ZK-COMMIT-8"}),
             deployed, "deployed")
        .commit_refused(commit_height, in, Error::commit_withdrawal_count);
  }
  {
    const zk::ZkBatch two = Worlds::batch(
        deployed, 2, {w.withdrawal(alice_account, w.key(alice), 500, 5, 0, alice), w.withdrawal(bob_account, w.key(bob), 300, 3, 0, bob)});
    zk::CommitBatchInput in = two.commit;
    std::swap(in.withdrawals[0], in.withdrawals[1]);
    Scenario(cases.add("commit_batch", "invalid_withdrawals_root_of_reordered_list",
                       "alice's and bob's withdrawals posted in the other order than the header's root", {"ZK-COMMIT-9"}),
             deployed, "deployed")
        .commit_refused(commit_height, in, Error::commit_withdrawals_root);
  }
  {
    zk::CommitBatchInput in = batch0.commit;
    in.transactions.pop_back();
    Scenario(cases.add("commit_batch", "invalid_data_shape", "the header counts 4 transactions; 3 are posted",
                       {"ZK-COMMIT-10"}),
             deployed, "deployed")
        .commit_refused(commit_height, in, Error::commit_data_shape);
  }
  {
    zk::CommitBatchInput in = batch0.commit;
    in.transactions[2] = w.transfer(alice_account, bob_account, 999, 10, 0, alice);
    Scenario(cases.add("commit_batch", "invalid_tx_root_mismatch",
                       "alice's transfer posted as 999 instead of the 1000 the transactions root commits to", {"ZK-COMMIT-11"}),
             deployed, "deployed")
        .commit_refused(commit_height, in, Error::commit_tx_root_mismatch);
  }
  {
    // The committee mode of this contract (validium.md's deployment): the data stays off chain.
    World committee = deployed;
    committee.contract.data_mode = zk::DataMode::committee;
    zk::CommitBatchInput in = batch0.commit;
    in.transactions.clear();
    committee.contract.data_attestations.push_back(
        zk::da_digest(chain_id, committee.contract.rollup_id, 0, in.header.transactions_root));
    Scenario(cases.add("commit_batch", "committee_mode_attested",
                       "a hand-made pre-state: `deployed` in committee mode with batch 0's data attested; batch 0 is "
                       "committed with no transactions posted",
                       concat({live_rules(), rule_range("ZK-COMMIT", 1, 10), {"ZK-COMMIT-12"}})),
             committee)
        .commit(commit_height, in, batch0.post_state);
    Scenario(cases.add("commit_batch", "invalid_committee_mode_with_calldata",
                       "the same committee-mode pre-state; batch 0 posted with its transactions", {"ZK-COMMIT-10"}),
             committee)
        .commit_refused(commit_height, batch0.commit, Error::commit_data_shape);
    committee.contract.data_attestations.clear();
    Scenario(cases.add("commit_batch", "invalid_committee_mode_not_attested",
                       "a hand-made pre-state: `deployed` in committee mode, nothing attested", {"ZK-COMMIT-12"}),
             committee)
        .commit_refused(commit_height, in, Error::commit_data_not_attested);
  }
  Scenario(cases.add("commit_batch", "invalid_in_exodus", "the operator's next batch after exodus", {"ZK-LIVE-1"}), exodus,
           "exodus")
      .commit_refused(exodus_height + 1, Worlds::batch(exodus, 0, {w.bob_pays_alice()}).commit, Error::exodus_active);
  Scenario(cases.add("commit_batch", "invalid_at_expiry",
                     "batch 1, serving alice's request, committed at 80 = its expiry height", {"ZK-LIVE-2"}),
           forced, "forced_requested")
      .commit_refused(request_expiry, Worlds::batch(forced, 1, {}).commit, Error::priority_expired);

  // ---- prove_batches ----
  Scenario(cases.add("prove_batches", "one_batch", "the watcher proves batch 0 at 31: verified + 1 = committed", prove_rules()),
           committed, "committed")
      .prove_next(prove_height, w.key(watcher), 1);
  Scenario(cases.add("prove_batches", "proved_by_anyone", "the griefer posts the valid proof of batch 0: the proof authenticates itself",
                     prove_rules()),
           committed, "committed")
      .prove_next(prove_height, w.key(griefer), 1);
  {
    Scenario s(cases.add("prove_batches", "three_batches_one_proof",
                         "batches 1 (bob pays alice 200) and 2 (alice pays bob 100) committed after batch 0; one proof "
                         "verifies batches 0, 1 and 2",
                         concat({commit_rules(), prove_rules()})),
               committed, "committed");
    s.commit(31, Worlds::batch(s.world(), 0, {w.bob_pays_alice()}));
    s.commit(32, Worlds::batch(s.world(), 0, {w.transfer(alice_account, bob_account, 100, 1, 2, alice)}));
    s.prove_next(33, w.key(watcher), 3);
  }
  Scenario(cases.add("prove_batches", "invalid_count_0", "a proof of 0 batches", {"ZK-PROVE-1"}), committed, "committed")
      .prove(prove_height, w.key(watcher), 0, Worlds::proof(committed, 0, 1), Error::prove_nothing);
  Scenario(cases.add("prove_batches", "invalid_count_past_committed", "count 2 with 1 batch committed", {"ZK-PROVE-2"}),
           committed, "committed")
      .prove(prove_height, w.key(watcher), 2, Worlds::proof(committed, 0, 1), Error::prove_beyond_committed);
  {
    Scenario s(cases.add("prove_batches", "invalid_count_overflows",
                         "count UINT64_MAX with verified 1: verified + count overflows",
                         concat({commit_rules(), {"ZK-PROVE-2"}})),
               verified, "verified");
    s.commit(32, Worlds::batch(s.world(), 0, {w.bob_pays_alice()}));
    s.prove(33, w.key(watcher), u64_max, Worlds::proof(s.world(), 1, 1), Error::prove_beyond_committed);
  }
  {
    Scenario s(cases.add("prove_batches", "invalid_proof_for_batches_1_2_when_verified_0",
                         "batches 0, 1 and 2 committed, none verified; the valid proof of batches 1 and 2 is posted with "
                         "count 2, so the contract checks it against batches 0 and 1",
                         concat({commit_rules(), {"ZK-PROVE-3"}})),
               committed, "committed");
    s.commit(31, Worlds::batch(s.world(), 0, {w.bob_pays_alice()}));
    s.commit(32, Worlds::batch(s.world(), 0, {w.transfer(alice_account, bob_account, 100, 1, 2, alice)}));
    s.prove(33, w.key(watcher), 2, Worlds::proof(s.world(), 1, 2), Error::proof_rejected);
  }
  Scenario(cases.add("prove_batches", "invalid_junk_proof", "three bytes that decode to no proof", {"ZK-PROVE-3"}), committed,
           "committed")
      .prove(prove_height, w.key(griefer), 1, Bytes{1, 2, 3}, Error::proof_rejected);
  Scenario(cases.add("prove_batches", "invalid_in_exodus", "a proof after exodus", {"ZK-LIVE-1"}), exodus, "exodus")
      .prove(exodus_height + 1, w.key(watcher), 1, Worlds::proof(executed, 0, 1), Error::exodus_active);
  {
    Scenario s(cases.add("prove_batches", "invalid_at_expiry",
                         "batch 1, serving alice's request, committed at 41; its proof arrives at 80 = the request's expiry",
                         concat({commit_rules(), {"ZK-LIVE-2"}})),
               forced, "forced_requested");
    s.commit(41, Worlds::batch(s.world(), 1, {}));
    s.prove(request_expiry, w.key(watcher), 1, Worlds::proof(s.world(), 1, 1), Error::priority_expired);
  }

  // ---- execute_batch ----
  Scenario(cases.add("execute_batch", "after_prove", "the watcher executes verified batch 0 at 32", execute_rules()), verified,
           "verified")
      .execute(execute_height, w.key(watcher));
  {
    Scenario s(cases.add("execute_batch", "at_expiry_minus_1",
                         "batch 1 serves alice's request (op 2, expiry 80): committed at 41, proved at 42, executed at 79",
                         pipeline_rules()),
               forced, "forced_requested");
    s.commit(41, Worlds::batch(s.world(), 1, {})).prove_next(42, w.key(watcher), 1).execute(request_expiry - 1, w.key(watcher));
  }
  {
    Scenario s(cases.add("execute_batch", "invalid_at_expiry",
                         "the same batch 1, verified, executed at 80 = the request's expiry height: too late",
                         concat({commit_rules(), prove_rules()})),
               forced, "forced_requested");
    s.commit(41, Worlds::batch(s.world(), 1, {}))
        .prove_next(42, w.key(watcher), 1)
        .execute(request_expiry, w.key(watcher), Error::priority_expired);
  }
  {
    Scenario s(cases.add("execute_batch", "invalid_after_expiry", "the same batch 1 executed at 81",
                         concat({commit_rules(), prove_rules()})),
               forced, "forced_requested");
    s.commit(41, Worlds::batch(s.world(), 1, {}))
        .prove_next(42, w.key(watcher), 1)
        .execute(request_expiry + 1, w.key(watcher), Error::priority_expired);
  }
  Scenario(cases.add("execute_batch", "invalid_not_verified", "batch 0 is committed, not verified", {"ZK-EXEC-1"}), committed,
           "committed")
      .execute(execute_height, w.key(watcher), Error::execute_not_verified);
  Scenario(cases.add("execute_batch", "invalid_nothing_left", "batch 0 is executed; no verified batch waits", {"ZK-EXEC-1"}),
           executed, "executed")
      .execute(execute_height + 1, w.key(watcher), Error::execute_not_verified);
  {
    Scenario s(cases.add("execute_batch", "in_order",
                         "batches 1 and 2 verified by one proof, executed one per call, in order",
                         concat({commit_rules(), prove_rules(), execute_rules()})),
               executed, "executed");
    s.commit(33, Worlds::batch(s.world(), 0, {w.bob_pays_alice()}));
    s.commit(34, Worlds::batch(s.world(), 0, {w.transfer(alice_account, bob_account, 100, 1, 2, alice)}));
    s.prove_next(35, w.key(watcher), 2).execute(36, w.key(watcher)).execute(36, w.key(alice));
  }
  Scenario(cases.add("execute_batch", "invalid_in_exodus", "an execution after exodus", {"ZK-LIVE-1"}), exodus, "exodus")
      .execute(exodus_height + 1, w.key(watcher), Error::exodus_active);

  // ---- revert_batches ----
  {
    Scenario s(cases.add("revert_batches", "to_verified_exactly",
                         "batches 1 and 2 committed after executed batch 0; the operator reverts to new_committed 1 = "
                         "verified",
                         concat({commit_rules(), revert_rules()})),
               executed, "executed");
    s.commit(33, Worlds::batch(s.world(), 0, {w.bob_pays_alice()}));
    s.commit(34, Worlds::batch(s.world(), 0, {w.transfer(alice_account, bob_account, 100, 1, 2, alice)}));
    s.revert(35, w.key(op), 1);
  }
  {
    Scenario s(cases.add("revert_batches", "restores_priority_operations",
                         "batch 1 consumed alice's request; its revert makes op 2 unconsumed again, and the operator "
                         "commits it anew",
                         concat({commit_rules(), revert_rules()})),
               forced, "forced_requested");
    s.commit(41, Worlds::batch(s.world(), 1, {}));
    s.revert(42, w.key(op), 1);
    if (s.contract().priority_committed != 2) generator_bug("revert did not restore priority_committed");
    s.commit(43, Worlds::batch(s.world(), 1, {}));
  }
  {
    Scenario s(cases.add("revert_batches", "invalid_by_another_caller", "bob reverts the operator's batch 1",
                         concat({commit_rules(), {"ZK-COMMIT-1"}})),
               executed, "executed");
    s.commit(33, Worlds::batch(s.world(), 0, {w.bob_pays_alice()})).revert(34, w.key(bob), 1, Error::not_operator);
  }
  {
    Scenario s(cases.add("revert_batches", "invalid_nothing", "new_committed 2 = committed: nothing to revert",
                         concat({commit_rules(), {"ZK-REVERT-1"}})),
               executed, "executed");
    s.commit(33, Worlds::batch(s.world(), 0, {w.bob_pays_alice()})).revert(34, w.key(op), 2, Error::revert_nothing);
  }
  {
    Scenario s(cases.add("revert_batches", "invalid_verified",
                         "batch 0 verified, batch 1 committed: a revert to new_committed 0 = verified - 1 would remove a "
                         "verified batch",
                         concat({commit_rules(), {"ZK-REVERT-2"}})),
               verified, "verified");
    s.commit(32, Worlds::batch(s.world(), 0, {w.bob_pays_alice()})).revert(33, w.key(op), 0, Error::revert_verified);
  }
  Scenario(cases.add("revert_batches", "invalid_executed", "a revert of executed batch 0", {"ZK-REVERT-2"}), executed,
           "executed")
      .revert(33, w.key(op), 0, Error::revert_verified);
  Scenario(cases.add("revert_batches", "invalid_in_exodus", "a revert after exodus", {"ZK-LIVE-1"}), exodus, "exodus")
      .revert(exodus_height + 1, w.key(op), 0, Error::exodus_active);
  {
    Scenario s(cases.add("revert_batches", "invalid_at_expiry",
                         "batch 1 serving alice's request committed at 41; the operator's revert at 80 = its expiry",
                         concat({commit_rules(), {"ZK-LIVE-2"}})),
               forced, "forced_requested");
    s.commit(41, Worlds::batch(s.world(), 1, {})).revert(request_expiry, w.key(op), 1, Error::priority_expired);
  }

  // ---- Two rules broken at once: the earlier rule names the error ----
  {
    zk::CommitBatchInput in = Worlds::batch(forced, 1, {}).commit;
    in.caller = w.key(bob);
    Scenario(cases.add("commit_batch", "invalid_expired_before_not_operator",
                       "bob sends batch 1, serving alice's request, at 80 = its expiry height: ZK-LIVE-2 is checked before "
                       "ZK-COMMIT-1",
                       {"ZK-LIVE-2"}),
             forced, "forced_requested")
        .commit_refused(request_expiry, in, Error::priority_expired);
  }
  {
    zk::CommitBatchInput in = batch0.commit;
    in.caller = w.key(bob);
    in.header.chain_id = 2;
    Scenario(cases.add("commit_batch", "invalid_not_operator_before_wrong_chain",
                       "bob sends batch 0 with a header naming chain 2: ZK-COMMIT-1 is checked before ZK-COMMIT-2",
                       {"ZK-COMMIT-1"}),
             deployed, "deployed")
        .commit_refused(commit_height, in, Error::not_operator);
    in = batch0.commit;
    in.header.chain_id = 2;
    in.header.batch_number = 1;
    Scenario(cases.add("commit_batch", "invalid_wrong_chain_before_batch_number",
                       "batch 0's header names chain 2 and batch number 1: ZK-COMMIT-2 is checked before ZK-COMMIT-3",
                       {"ZK-COMMIT-2"}),
             deployed, "deployed")
        .commit_refused(commit_height, in, Error::commit_wrong_rollup);
    in = batch0.commit;
    in.header.batch_number = 1;
    in.header.prev_state_root = batch0.commit.header.post_state_root;
    Scenario(cases.add("commit_batch", "invalid_batch_number_before_prev_root",
                       "batch 0's header names batch number 1 and its own post-state root as prev_state_root: ZK-COMMIT-3 "
                       "is checked before ZK-COMMIT-4",
                       {"ZK-COMMIT-3"}),
             deployed, "deployed")
        .commit_refused(commit_height, in, Error::commit_out_of_order);
  }
  {
    zk::CommitBatchInput in = Worlds::claimed(committed, {}, 0, committed.committed_state());
    in.header.prev_state_root = committed.genesis.root();
    Scenario(cases.add("commit_batch", "invalid_prev_root_before_empty",
                       "an empty batch 1 built on the genesis root: ZK-COMMIT-4 is checked before ZK-COMMIT-5",
                       {"ZK-COMMIT-4"}),
             committed, "committed")
        .commit_refused(commit_height + 1, in, Error::commit_prev_root_mismatch);
  }
  {
    std::vector<Transaction> user = w.batch0_user();
    user.push_back(w.bob_pays_alice());
    zk::CommitBatchInput in = Worlds::batch(deployed, 2, user).commit;
    in.header.priority_count = 3;
    Scenario(cases.add("commit_batch", "invalid_too_large_before_priority_beyond_queue",
                       "5 transactions = max_batch_size + 1 and 3 priority operations with 2 queued: ZK-COMMIT-6 is "
                       "checked before ZK-COMMIT-7",
                       {"ZK-COMMIT-6"}),
             deployed, "deployed")
        .commit_refused(commit_height, in, Error::commit_too_large);
    in = batch0.commit;
    in.header.priority_count = 3;
    in.withdrawals.clear();
    Scenario(cases.add("commit_batch", "invalid_priority_beyond_queue_before_withdrawal_count",
                       "batch 0 claims 3 priority operations with 2 queued and posts none of its 1 withdrawal: ZK-COMMIT-7 "
                       "is checked before ZK-COMMIT-8",
                       {"ZK-COMMIT-7"}),
             deployed, "deployed")
        .commit_refused(commit_height, in, Error::commit_priority_beyond_queue);
  }
  {
    const zk::ZkBatch two = Worlds::batch(
        deployed, 2, {w.withdrawal(alice_account, w.key(alice), 500, 5, 0, alice), w.withdrawal(bob_account, w.key(bob), 300, 3, 0, bob)});
    zk::CommitBatchInput in = two.commit;
    std::swap(in.withdrawals[0], in.withdrawals[1]);
    in.transactions.pop_back();
    Scenario(cases.add("commit_batch", "invalid_withdrawals_root_before_data_shape",
                       "alice's and bob's withdrawals posted in the other order than the header's root, and 3 of the 4 "
                       "transactions posted: ZK-COMMIT-9 is checked before ZK-COMMIT-10",
                       {"ZK-COMMIT-9"}),
             deployed, "deployed")
        .commit_refused(commit_height, in, Error::commit_withdrawals_root);
    World committee = deployed;
    committee.contract.data_mode = zk::DataMode::committee;
    in = two.commit;
    std::swap(in.withdrawals[0], in.withdrawals[1]);
    Scenario(cases.add("commit_batch", "invalid_committee_withdrawals_root_before_data_shape",
                       "a hand-made pre-state: `deployed` in committee mode; alice's and bob's withdrawals posted in the "
                       "other order than the header's root, and the transactions posted: ZK-COMMIT-9 is checked before "
                       "ZK-COMMIT-10",
                       {"ZK-COMMIT-9"}),
             committee)
        .commit_refused(commit_height, in, Error::commit_withdrawals_root);
    Scenario(cases.add("commit_batch", "invalid_committee_data_shape_before_not_attested",
                       "a hand-made pre-state: `deployed` in committee mode, nothing attested; batch 0 posted with its "
                       "transactions: ZK-COMMIT-10 is checked before ZK-COMMIT-12",
                       {"ZK-COMMIT-10"}),
             committee)
        .commit_refused(commit_height, batch0.commit, Error::commit_data_shape);
  }
  {
    Scenario s(cases.add("prove_batches", "invalid_expired_before_count_0",
                         "batch 1, serving alice's request, committed at 41; a proof of 0 batches at 80 = the request's "
                         "expiry: ZK-LIVE-2 is checked before ZK-PROVE-1",
                         concat({commit_rules(), {"ZK-LIVE-2"}})),
               forced, "forced_requested");
    s.commit(41, Worlds::batch(s.world(), 1, {}));
    s.prove(request_expiry, w.key(watcher), 0, Worlds::proof(s.world(), 1, 1), Error::priority_expired);
  }
  Scenario(cases.add("prove_batches", "invalid_count_past_committed_before_junk_proof",
                     "count 2 with 1 batch committed, and three bytes that decode to no proof: ZK-PROVE-2 is checked "
                     "before ZK-PROVE-3",
                     {"ZK-PROVE-2"}),
           committed, "committed")
      .prove(prove_height, w.key(watcher), 2, Bytes{1, 2, 3}, Error::prove_beyond_committed);
  Scenario(cases.add("execute_batch", "invalid_expired_before_not_verified",
                     "nothing verified, at 80 = alice's request's expiry height: ZK-LIVE-2 is checked before ZK-EXEC-1",
                     {"ZK-LIVE-2"}),
           forced, "forced_requested")
      .execute(request_expiry, w.key(watcher), Error::priority_expired);
  {
    Scenario s(cases.add("revert_batches", "invalid_expired_before_not_operator",
                         "batch 1 serving alice's request committed at 41; bob's revert at 80 = its expiry: ZK-LIVE-2 is "
                         "checked before ZK-COMMIT-1",
                         concat({commit_rules(), {"ZK-LIVE-2"}})),
               forced, "forced_requested");
    s.commit(41, Worlds::batch(s.world(), 1, {})).revert(request_expiry, w.key(bob), 1, Error::priority_expired);
  }
  {
    Scenario s(cases.add("revert_batches", "invalid_not_operator_before_nothing",
                         "batch 1 committed; bob's revert to new_committed 2 = committed: ZK-COMMIT-1 is checked before "
                         "ZK-REVERT-1",
                         concat({commit_rules(), {"ZK-COMMIT-1"}})),
               executed, "executed");
    s.commit(33, Worlds::batch(s.world(), 0, {w.bob_pays_alice()})).revert(34, w.key(bob), 2, Error::not_operator);
  }
}

}  // namespace l2::vectors::zk_rollup_vectors
