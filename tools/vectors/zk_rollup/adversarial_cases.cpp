// Suite adversarial: each attack of zk_rollup.md#attacks-considered, played by the party that
// misbehaves, with the answer the spec gives. The dishonest proofs are checked here against the
// backend's reason (a ZK-RX code) before the contract's ZK-PROVE-3 is recorded.
#include <utility>

#include "world.hpp"

namespace l2::vectors::zk_rollup_vectors {

namespace {

// A dishonest prover's proof of batch k: the witness the reexecution prover builds from the batch's
// transactions, under the statement the contract recorded (so that the proof input matches).
Bytes proof_under_recorded_statement(const World& w, u64 k) {
  zk::ReexecutionProof proof = Worlds::witnesses(w, k, 1);
  proof.batches.at(0).statement = Worlds::statement_of(w, k);
  return reflect::encode(proof);
}

// The proof must fail with `reason` against the contract's proof input of the next batch.
void expect_reason(const World& w, const Bytes& proof, Error reason, const std::string& what) {
  const Hash32 input = zk::proof_input_of(w.contract, w.contract.verified, 1);
  const Error got = zk::verify(w.contract.verifying_key, input, proof);
  if (got != reason) generator_bug(what + ": the backend's reason is " + code_of(got) + ", not " + code_of(reason));
}

const std::vector<std::string>& pipeline_rules() {
  static const std::vector<std::string> rules = concat({commit_rules(), rule_range("ZK-PROVE", 1, 3), {"ZK-EXEC-1"}});
  return rules;
}

}  // namespace

void adversarial_cases(CaseBook& cases, const Worlds& w) {
  const World& committed = w.committed;
  const World& executed = w.executed;
  const World& forced = w.forced_requested;
  const World& stalled = w.stalled;
  const World& exodus = w.exodus;

  {
    Scenario s(cases.add("adversarial", "operator_stops_users_exit",
                         "alice requests her forced withdrawal at 40 and the operator does nothing: exodus cannot start at "
                         "79, anyone starts it at 80, alice exits with her 3485 and her withdrawal of batch 0 is still paid",
                         concat({rule_range("ZK-FWQ", 1, 2), live_rules(), {"ZK-EXO-1"}, rule_range("ZK-EXIT", 1, 5),
                                 rule_range("ZK-PAY", 1, 4)})),
               executed, "executed");
    cases.mark_adversarial("an operator that stops", "operator");
    s.request(request_height, w.key(alice), alice_account, w.key(alice), forced_withdrawal_fee)
        .activate(request_expiry - 1, w.key(alice), Error::no_expired_request)
        .activate(request_expiry, w.key(alice))
        .exit(request_expiry + 1, Worlds::exit_of(s.world(), w.key(alice), alice_account))
        .expect_payouts({{w.key(alice), alice_balance}})
        .pay(request_expiry + 2, Worlds::payment(s.world(), w.key(alice), 0, 0))
        .expect_payouts({{w.key(alice), alice_withdrawal}});
  }
  {
    Scenario s(cases.add("adversarial", "committed_never_proved_exodus",
                         "the operator commits batch 1, which consumes alice's request, and never proves it: the request "
                         "still expires at 80 = 40 + E, counted from its recording; the late proof is refused, exodus "
                         "starts and alice exits against executed batch 0",
                         concat({commit_rules(), {"ZK-EXO-1"}, rule_range("ZK-EXIT", 1, 5)})),
               forced, "forced_requested");
    cases.mark_adversarial("an operator that commits and never proves", "operator");
    s.commit(41, Worlds::batch(s.world(), 1, {}));
    const Bytes late = Worlds::proof(s.world(), 1, 1);
    s.prove(request_expiry, w.key(watcher), 1, late, Error::priority_expired)
        .activate(request_expiry, w.key(watcher))
        .exit(request_expiry + 1, Worlds::exit_of(s.world(), w.key(alice), alice_account))
        .expect_payouts({{w.key(alice), alice_balance}});
  }
  {
    Scenario s(cases.add("adversarial", "revert_does_not_reset_expiry",
                         "the operator commits batch 1 serving alice's request, reverts it at 50 and commits it again at "
                         "79: the request still expires at 80, nothing proceeds then, and exodus starts",
                         concat({commit_rules(), rule_range("ZK-REVERT", 1, 2), {"ZK-EXO-1"}})),
               forced, "forced_requested");
    cases.mark_adversarial("an operator that reverts to censor a request", "operator");
    s.commit(41, Worlds::batch(s.world(), 1, {})).revert(50, w.key(op), 1);
    if (s.contract().priority_ops.at(2).expiry_height != request_expiry) generator_bug("a revert changed an expiry height");
    s.commit(request_expiry - 1, Worlds::batch(s.world(), 1, {}));
    const Bytes proof = Worlds::proof(s.world(), 1, 1);
    s.prove(request_expiry, w.key(watcher), 1, proof, Error::priority_expired).activate(request_expiry, w.key(watcher));
  }
  {
    Scenario s(cases.add("adversarial", "revert_front_run_by_proof",
                         "batch 1 is valid; the watcher's proof lands before the operator's revert, which is then refused "
                         "(only unverified batches are reverted); the batch executes",
                         concat({commit_rules(), rule_range("ZK-PROVE", 1, 3), {"ZK-REVERT-2", "ZK-EXEC-1"}})),
               executed, "executed");
    cases.mark_adversarial("a revert front-run by a proof", "prover");
    s.commit(33, Worlds::batch(s.world(), 0, {w.bob_pays_alice()}))
        .prove_next(34, w.key(watcher), 1)
        .revert(34, w.key(op), 1, Error::revert_verified)
        .execute(35, w.key(watcher));
  }
  {
    Scenario s(cases.add("adversarial", "mass_exit",
                         "in exodus the fee account, alice and bob exit in one call, carol's deposit is refunded and "
                         "alice's withdrawal is paid: the escrow of 8700 is paid out exactly",
                         concat({rule_range("ZK-EXIT", 1, 6), rule_range("ZK-REFUND", 1, 5), rule_range("ZK-PAY", 1, 4)})),
               exodus, "exodus");
    cases.mark_adversarial("a mass exit", "users");
    zk::ExodusWithdrawManyInput in{w.key(watcher), exodus.executed_state().header(), {}};
    for (const AccountIndex i : {fee_account, alice_account, bob_account}) in.claims.push_back(Worlds::claim(exodus, i));
    s.exit_many(exodus_height + 1, in)
        .refund(exodus_height + 1, w.key(carol), 3)
        .pay(exodus_height + 1, Worlds::payment(exodus, w.key(alice), 0, 0));
    if (s.contract().escrow != 0) generator_bug("mass_exit: the escrow is not paid out exactly");
  }
  {
    Scenario s(cases.add("adversarial", "forced_withdrawal_of_another_account_is_a_no_op",
                         "the griefer pays the fee to force the withdrawal of alice's account to its own L1 key: batch 1 "
                         "processes it as a no-op (record amount 0), alice keeps her 3485, and paying the record moves "
                         "nothing",
                         concat({rule_range("ZK-FWQ", 1, 2), pipeline_rules(), rule_range("ZK-PAY", 1, 4)})),
               executed, "executed");
    cases.mark_adversarial("a forced withdrawal of someone else's account", "griefer");
    s.request(request_height, w.key(griefer), alice_account, w.key(griefer), forced_withdrawal_fee)
        .commit(41, Worlds::batch(s.world(), 1, {}))
        .prove_next(42, w.key(watcher), 1)
        .execute(43, w.key(watcher));
    if (s.world().executed_state().account(alice_account)->balance != alice_balance)
      generator_bug("the griefer's forced withdrawal moved alice's balance");
    s.pay(44, Worlds::payment(s.world(), w.key(griefer), 1, 0)).expect_payouts({});
  }
  {
    Scenario s(cases.add("adversarial", "invalid_proof_replayed_against_another_batch",
                         "batch 0's valid proof replayed for batch 1 (bob pays alice 200): the public inputs differ",
                         concat({commit_rules(), {"ZK-PROVE-3"}})),
               executed, "executed");
    cases.mark_adversarial("a proof replayed against another batch", "anyone");
    s.commit(33, Worlds::batch(s.world(), 0, {w.bob_pays_alice()}))
        .prove(34, w.key(griefer), 1, Worlds::proof(executed, 0, 1), Error::proof_rejected);
  }
  {
    Scenario s(cases.add("adversarial", "invalid_proof_replayed_after_revert",
                         "batch 1 (bob pays alice 200) is committed, reverted, and another batch 1 (bob pays alice 300) "
                         "committed; the first batch's valid proof is replayed for the second",
                         concat({commit_rules(), rule_range("ZK-REVERT", 1, 2), {"ZK-PROVE-3"}})),
               executed, "executed");
    cases.mark_adversarial("a proof replayed after a revert", "anyone");
    s.commit(33, Worlds::batch(s.world(), 0, {w.bob_pays_alice()}));
    const Bytes first = Worlds::proof(s.world(), 1, 1);
    s.revert(34, w.key(op), 1)
        .commit(35, Worlds::batch(s.world(), 0, {w.transfer(bob_account, alice_account, 300, 2, 0, bob)}))
        .prove(36, w.key(griefer), 1, first, Error::proof_rejected);
  }
  {
    const zk::VerifyingKey other = zk::reexecution_verifying_key(max_batch_size + 1);
    Scenario(cases.add("adversarial", "invalid_proof_under_another_verifying_key",
                       "batch 0 proved under another key (max_transactions 5): its statements name that key, the "
                       "contract's public input its own",
                       {"ZK-PROVE-3"}),
             committed, "committed")
        .prove(prove_height, w.key(watcher), 1, Worlds::proof(committed, 0, 1, &other), Error::proof_rejected);
    cases.mark_adversarial("a proof checked against a wrong verifying key", "prover");
  }
  {
    Scenario s(cases.add("adversarial", "invalid_skipped_priority_operation",
                         "the operator's batch 1 claims one priority operation but skips alice's request (op 2) and "
                         "credits carol's deposit (op 3); the contract's public input chains op 2, so the proof of the "
                         "batch under it fails (ZK-RX-10)",
                         concat({commit_rules(), {"ZK-PROVE-3", "ZK-RX-10"}})),
               stalled, "stalled");
    cases.mark_adversarial("a skipped priority operation", "operator");
    s.commit(42, Worlds::batch(s.world(), {stalled.queue.at(3)}));
    const Bytes proof = proof_under_recorded_statement(s.world(), 1);
    expect_reason(s.world(), proof, Error::rx_priority_mismatch, "invalid_skipped_priority_operation");
    s.prove(43, w.key(op), 1, proof, Error::proof_rejected);
  }
  {
    std::vector<Transaction> reordered = Worlds::priority_txs(stalled, 2);
    std::swap(reordered.at(0), reordered.at(1));
    Scenario s(cases.add("adversarial", "invalid_reordered_priority_operations",
                         "the operator's batch 1 consumes ops 2 and 3 as carol's deposit first, then alice's forced "
                         "withdrawal: the chain of the queue's order does not match (ZK-RX-10)",
                         concat({commit_rules(), {"ZK-PROVE-3", "ZK-RX-10"}})),
               stalled, "stalled");
    cases.mark_adversarial("reordered priority operations", "operator");
    s.commit(42, Worlds::batch(s.world(), reordered));
    const Bytes proof = proof_under_recorded_statement(s.world(), 1);
    expect_reason(s.world(), proof, Error::rx_priority_mismatch, "invalid_reordered_priority_operations");
    s.prove(43, w.key(op), 1, proof, Error::proof_rejected);
  }
  {
    Scenario s(cases.add("adversarial", "invalid_priority_operation_consumed_twice",
                         "carol deposits 700 (op 2); the operator's batch 1 consumes it and credits alice's deposit 0 "
                         "again, claiming alice 5000 richer: the batch's deposits chain to two ids where the contract's "
                         "public input has one (ZK-RX-10), and re-execution refuses the replayed deposit (OR-DEP-1)",
                         concat({rule_range("ZK-BRIDGE", 1, 2), {"ZK-BRIDGE-4", "ZK-BRIDGE-5"}, commit_rules(),
                                 {"ZK-PROVE-3", "ZK-RX-10"}})),
               executed, "executed");
    cases.mark_adversarial("a priority operation consumed twice", "operator");
    s.deposit_new_account(33, w.key(carol), w.key(carol), 700);
    const std::vector<Transaction> txs = {s.world().queue.at(2), s.world().queue.at(0)};
    const zk::ZkBatch honest = Worlds::batch(s.world(), {txs.at(0)});
    State claimed_post = honest.post_state;
    orl::Account richer = claimed_post.account(alice_account).value();
    richer.balance += 5000;
    claimed_post.put(alice_account, richer);
    s.commit(34, Worlds::claimed(s.world(), txs, 1, claimed_post), claimed_post);
    zk::ReexecutionProof proof;
    proof.batches.push_back(Worlds::witness(s.world().state_after(1), Worlds::statement_of(s.world(), 1), txs,
                                            {alice_account, carol_account}));
    const Bytes bytes = reflect::encode(proof);
    expect_reason(s.world(), bytes, Error::rx_priority_mismatch, "invalid_priority_operation_consumed_twice");
    s.prove(35, w.key(op), 1, bytes, Error::proof_rejected);
  }
  {
    Scenario s(cases.add("adversarial", "invalid_double_exodus_exit", "alice exits, then exits again", {"ZK-EXIT-4"}), exodus,
               "exodus");
    cases.mark_adversarial("a double exodus exit", "user");
    s.exit(exodus_height + 1, Worlds::exit_of(exodus, w.key(alice), alice_account))
        .exit(exodus_height + 2, Worlds::exit_of(exodus, w.key(alice), alice_account), Error::exit_already_exited);
  }
  {
    zk::ExodusWithdrawManyInput in{w.key(alice), exodus.executed_state().header(),
                                   {Worlds::claim(exodus, alice_account), Worlds::claim(exodus, alice_account)}};
    Scenario(cases.add("adversarial", "invalid_double_exit_in_one_call",
                       "alice's claim twice in one mass exit: the second sees the first's record; nothing is paid",
                       {"ZK-EXIT-4"}),
             exodus, "exodus")
        .exit_many(exodus_height + 1, in, Error::exit_already_exited);
    cases.mark_adversarial("a double exodus exit within one call", "user");
  }
  {
    // Alice's transfer to bob, signed over the optimistic rollup's params of the same chain,
    // contract, operator and nonce; the operator's batch 1 claims the post-state of accepting it.
    const orl::L2Params optimistic{chain_id, orl::rollup_id(chain_id, executed.contract.contract, w.key(op), 0)};
    const std::vector<Transaction> txs = {w.transfer(alice_account, bob_account, 1000, 10, 2, alice, &optimistic)};
    const auto as_if_valid = orl::execute_batch(executed.params(), orl::L1View{}, executed.executed_state(), txs,
                                                AcceptAnySignature{});
    if (!as_if_valid.ok()) generator_bug("the replayed transfer does not apply even with any signature");
    const State& pre = executed.executed_state();
    const zk::PublicInputPreimage statement{chain_id,
                                            executed.contract.rollup_id,
                                            executed.contract.vk_hash,
                                            1,
                                            pre.root(),
                                            as_if_valid.value().post_state.root(),
                                            zk::data_commitment_of(txs),
                                            zk::priority_ops_hash({})};
    zk::ReexecutionProof proof;
    proof.batches.push_back(Worlds::witness(pre, statement, txs, {fee_account, alice_account, bob_account}));
    Scenario(cases.add("adversarial", "invalid_transfer_signed_for_another_rollup",
                       "a batch-1 proof whose transfer carries alice's signature over the optimistic rollup of the same "
                       "chain, contract, operator and nonce: the digest binds the zk rollup's own id, so re-execution "
                       "refuses the signature",
                       {"ZK-RX-12"}))
        .verify_proof(zk::VerifyProofInput{executed.contract.verifying_key, Worlds::input_of(proof), reflect::encode(proof)},
                      Error::rx_transaction_rejected);
    cases.mark_adversarial("a signature replayed from an optimistic rollup", "anyone");
  }
}

}  // namespace l2::vectors::zk_rollup_vectors
