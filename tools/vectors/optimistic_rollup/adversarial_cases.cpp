// Suite adversarial: the named attacks of optimistic_rollup.md (attacks considered, threat model),
// each as a case that shows the attack fail.
#include "world.hpp"

namespace l2::vectors::optimistic_rollup_vectors {

void adversarial_cases(CaseBook& cases, const Worlds& w) {
  using Error = OptimisticRollupError;
  const World& bad = w.fraud_invalid_root;
  const FraudProof root_proof = w.fraud_proof(bad, 1);
  const Hash32 root_id = committed_id(w.key(challenger), root_proof);

  Scenario(cases.add("adversarial", "fraudulent_root_proven",
                     "batch 1 posts a post-root crediting the operator 1000000; the challenger proves it: half the slash "
                     "(2500) and the bond to the challenger, batch 1 removed, last_state_root back to batch 0's",
                     concat({resolve_rules(), transaction_fault_rules()})),
           bad, "fraud_invalid_root")
      .commit(150, w.key(challenger), root_proof)
      .resolve(155, w.key(challenger), root_id, root_proof)
      .expect_resolutions({ResolutionKind::fraud_confirmed});
  cases.mark_adversarial("invalid state root in a batch", "operator");

  {
    const World& sig = w.fraud_invalid_signature;
    const FraudProof proof = w.fraud_proof(sig, 1);
    Scenario(cases.add("adversarial", "forged_signature_proven",
                       "batch 1 applies a transfer of bob's 4000 to the operator, signed by the operator: invalid_signature",
                       concat({resolve_rules(), transaction_fault_rules()})),
             sig, "fraud_invalid_signature")
        .commit(150, w.key(challenger), proof)
        .resolve(155, w.key(challenger), committed_id(w.key(challenger), proof), proof)
        .expect_resolutions({ResolutionKind::fraud_confirmed});
    cases.mark_adversarial("invalid signature inside a batch", "operator");
  }
  {
    const World& ds = w.fraud_double_spend;
    const FraudProof proof = w.fraud_proof(ds, 1);
    Scenario(cases.add("adversarial", "double_spend_proven",
                       "batch 1 replays alice's nonce-0 transfer to bob from batch 0: double_spend (OR-SEND-3)",
                       concat({resolve_rules(), transaction_fault_rules()})),
             ds, "fraud_double_spend")
        .commit(150, w.key(challenger), proof)
        .resolve(155, w.key(challenger), committed_id(w.key(challenger), proof), proof)
        .expect_resolutions({ResolutionKind::fraud_confirmed});
    cases.mark_adversarial("double spend: a transfer replayed in a later batch", "operator");
  }
  {
    const World& to = w.fraud_timeout;
    const FraudProof proof = w.fraud_proof(to, 0);
    Scenario(cases.add("adversarial", "ignored_deposit_proven",
                       "carol's deposit recorded at 90 is due at 100 and batch 0 posted at 100 ignores it: "
                       "timeout_violation, batch 0 removed, last_state_root back to genesis",
                       concat({resolve_rules(), timeout_fault_rules()})),
             to, "fraud_timeout")
        .commit(150, w.key(challenger), proof)
        .resolve(155, w.key(challenger), committed_id(w.key(challenger), proof), proof)
        .expect_resolutions({ResolutionKind::fraud_confirmed});
    cases.mark_adversarial("operator ignores a deposit past its inclusion deadline (censorship of entry)", "operator");
  }

  // The challenge window at its boundary.
  Scenario(cases.add("adversarial", "challenge_at_deadline_minus_1",
                     "a challenge against batch 1 at challenge_deadline - 1 (209) is accepted and wins at 210",
                     concat({resolve_rules(), transaction_fault_rules()})),
           bad, "fraud_invalid_root")
      .commit(batch1_deadline - 1, w.key(challenger), root_proof)
      .resolve(batch1_deadline, w.key(challenger), root_id, root_proof)
      .expect_resolutions({ResolutionKind::fraud_confirmed});
  cases.mark_adversarial("challenge at the last block of the challenge period", "operator");
  Scenario(cases.add("adversarial", "invalid_challenge_at_deadline", "the same challenge at challenge_deadline (210)",
                     {"OR-CHAL-2"}),
           bad, "fraud_invalid_root")
      .commit(batch1_deadline, w.key(challenger), root_proof, Error::challenge_too_late);
  cases.mark_adversarial("challenge at the deadline: the window is half-open", "challenger");
  Scenario(cases.add("adversarial", "invalid_challenge_after_deadline", "the same challenge at challenge_deadline + 1 (211)",
                     {"OR-CHAL-2"}),
           bad, "fraud_invalid_root")
      .commit(batch1_deadline + 1, w.key(challenger), root_proof, Error::challenge_too_late);
  cases.mark_adversarial("challenge after the deadline", "challenger");

  // Frivolous challenges.
  {
    const World& b0 = w.one_batch;
    const FraudProof frivolous = w.frivolous_proof();
    const Hash32 id = committed_id(w.key(challenger), frivolous);
    Scenario(cases.add("adversarial", "frivolous_challenge",
                       "a proof against bob's valid deposit in batch 0 is rejected (OR_FRAUD_NO_FAULT); the 1000 bond "
                       "is paid to the operator",
                       resolve_rules()),
             b0, "one_batch")
        .commit(150, w.key(challenger), frivolous)
        .resolve(155, w.key(challenger), id, frivolous)
        .expect_resolutions({ResolutionKind::challenge_rejected}, Error::fraud_no_fault)
        .expect_payouts({{w.key(op), bond}});
    cases.mark_adversarial("frivolous challenge of a valid batch", "challenger");
    Scenario(cases.add("adversarial", "invalid_frivolous_proof", "the frivolous proof, checked alone: OR-FP-7",
                       {"OR-FP-7"}),
             b0, "one_batch")
        .commit(150, w.key(challenger), frivolous)
        .verify(151, id, frivolous, Error::fraud_no_fault);
    cases.mark_adversarial("frivolous challenge of a valid batch", "challenger");
    Scenario(cases.add("adversarial", "griefing_delay_is_bounded",
                       "a challenge opened at 199 holds batch 0 past its deadline; withdrawn at 218 (its bond forfeited to "
                       "the operator), the batch becomes final at once: the delay is bounded by resolution_period_blocks",
                       {"OR-FIN-1", "OR-FIN-2", "OR-FIN-3", "OR-WDC-1", "OR-RES-1", "OR-RES-2"}),
             b0, "one_batch")
        .commit(batch0_deadline - 1, w.key(watcher), frivolous)
        .finalize(batch0_deadline, w.key(alice), Error::challenges_open)
        .withdraw(batch0_deadline + 18, w.key(watcher), committed_id(w.key(watcher), frivolous))
        .finalize(batch0_deadline + 18, w.key(alice));
    cases.mark_adversarial("challenge griefing: open, then withdraw, to delay finality", "challenger");
  }

  // The operator below the minimum stake.
  {
    Scenario s(cases.add("adversarial", "operator_below_minimum_stake",
                         "an unstaked operator's batch is refused (OR-BATCH-1), so is a stake of minimum_stake - 1 "
                         "(OR-STAKE-2); after staking the minimum, the batch is accepted",
                         {"OR-BATCH-1", "OR-STAKE-2"}),
               w.deployed, "deployed");
    const Posted batch = w.honest(w.deployed, w.batch0(), batch0_height - 1);
    s.submit(batch0_height, w.key(op), batch, Error::operator_understaked)
        .stake(batch0_height, w.key(op), minimum_stake - 1, Error::stake_below_minimum)
        .stake(batch0_height + 1, w.key(op), minimum_stake)
        .submit(batch0_height + 2, w.key(op), batch);
    cases.mark_adversarial("operator below the minimum stake", "operator");
  }
  {
    Scenario s(cases.add("adversarial", "understaked_after_slash",
                         "after a confirmed fraud halves its stake to 5000, the operator's next batch is refused until it "
                         "stakes back to minimum_stake",
                         concat({{"OR-BATCH-1", "OR-STAKE-2"}, rule_range("OR-RES", 1, 4)})),
               bad, "fraud_invalid_root");
    s.commit(150, w.key(challenger), root_proof).resolve(155, w.key(challenger), root_id, root_proof);
    const Posted retry = w.honest(s.world(), w.batch1(), 159);
    s.submit(160, w.key(op), retry, Error::operator_understaked)
        .stake(161, w.key(op), minimum_stake / 2)
        .submit(162, w.key(op), retry);
    cases.mark_adversarial("operator below the minimum stake after a slash", "operator");
  }

  // Withdrawals and finality.
  {
    const optimistic_rollup::PayWithdrawalInput alice_withdrawal = Worlds::payment(w.one_batch, w.key(alice), 0, 3);
    Scenario(cases.add("adversarial", "withdrawal_before_finality",
                       "alice's withdrawal is refused while batch 0 is pending, then paid once it is final",
                       concat({rule_range("OR-PAY", 1, 5), rule_range("OR-FIN", 1, 3)})),
             w.one_batch, "one_batch")
        .pay(150, alice_withdrawal, Error::pay_batch_not_final)
        .finalize(batch0_deadline, w.key(alice))
        .pay(batch0_deadline, alice_withdrawal);
    cases.mark_adversarial("withdrawal before finality", "user");
  }
  {
    const World& c = w.cascade;
    Scenario(cases.add("adversarial", "invalid_unwatched_fraud_exceeds_escrow",
                       "nobody challenges batches 1 and 2: they become final, and the operator's withdrawal of the 1000000 "
                       "batch 1 minted is refused because the escrow holds 7500",
                       concat({rule_range("OR-PAY", 1, 5), rule_range("OR-FIN", 1, 3)})),
             c, "cascade")
        .finalize(batch0_deadline, w.key(op))
        .finalize(batch1_deadline, w.key(op))
        .finalize(batch2_deadline, w.key(op))
        .pay(batch2_deadline, Worlds::payment(c, w.key(alice), 0, 3))
        .pay(batch2_deadline, Worlds::payment(c, w.key(op), 2, 0), Error::pay_escrow_insufficient);
    cases.mark_adversarial("an unchallenged fraud mints L2 balance and withdraws it", "operator");
  }

  // The revert cascade.
  {
    const World& c = w.cascade;
    const FraudProof proof1 = w.fraud_proof(c, 1);
    const FraudProof on_batch2 = w.transaction_proof(c, 2, 0, FraudProofType::invalid_transition);
    const FraudProof on_batch0 = w.frivolous_proof();
    Scenario(cases.add("adversarial", "revert_cascade",
                       "fraud in batch 1 of 3: batches 1 and 2 are removed, the watcher's challenges on them refunded, its "
                       "challenge on batch 0 left open, and last_state_root reset to batch 0's post-root",
                       concat({resolve_rules(), transaction_fault_rules()})),
             c, "cascade")
        .commit(150, w.key(challenger), proof1)
        .commit(151, w.key(watcher), on_batch2)
        .commit(152, w.key(watcher), on_batch0)
        .commit(153, w.key(watcher), proof1)
        .resolve(155, w.key(challenger), committed_id(w.key(challenger), proof1), proof1)
        .expect_resolutions({ResolutionKind::fraud_confirmed, ResolutionKind::batch_reverted,
                             ResolutionKind::batch_reverted});
    cases.mark_adversarial("revert cascade over three batches", "operator");
  }

  // Who gets paid.
  Scenario(cases.add("adversarial", "copied_proof_pays_the_challenger",
                     "the watcher copies the revealed proof into its own resolve call: the reward still goes to the "
                     "challenger who committed",
                     concat({resolve_rules(), transaction_fault_rules()})),
           bad, "fraud_invalid_root")
      .commit(150, w.key(challenger), root_proof)
      .resolve(155, w.key(watcher), root_id, root_proof)
      .expect_resolutions({ResolutionKind::fraud_confirmed});
  cases.mark_adversarial("front-running a revealed proof", "watcher");
  {
    // The challenger's reveal is pending in block 155; the watcher copies the proof, commits it under
    // its own address and tries to reveal it in the same block, ahead of the original.
    const Hash32 copy_id = committed_id(w.key(watcher), root_proof);
    Scenario(cases.add("adversarial", "copied_proof_cannot_overtake_the_reveal",
                       "a copy of a revealed proof, committed and revealed by the watcher in the block of the "
                       "original reveal, is refused (OR-RES-3); the original reveal confirms the fraud and the "
                       "watcher's challenge on the removed batch is refunded",
                       concat({{"OR-RES-3"}, resolve_rules(), transaction_fault_rules()})),
             bad, "fraud_invalid_root")
        .commit(150, w.key(challenger), root_proof)
        .commit(155, w.key(watcher), root_proof)
        .resolve(155, w.key(watcher), copy_id, root_proof, Error::reveal_too_early)
        .resolve(155, w.key(challenger), root_id, root_proof)
        .expect_resolutions({ResolutionKind::fraud_confirmed, ResolutionKind::batch_reverted});
    cases.mark_adversarial("front-running a revealed proof by committing a copy", "watcher");
  }
  {
    const Hash32 root_evidence = optimistic_rollup::evidence_commitment(w.key(challenger), root_proof);
    const Hash32 squatted_id = optimistic_rollup::challenge_id(w.key(watcher), root_evidence);
    Scenario(cases.add("adversarial", "copied_commitment_cannot_be_revealed",
                       "the watcher copies the challenger's commitment from the mempool and opens it first: the "
                       "challenge is the watcher's own (OR-CHAL-5 is per challenger), so the challenger's open still "
                       "succeeds, the watcher cannot reveal (OR-RES-4), the challenger wins, and the watcher's "
                       "challenge on the removed batch is refunded",
                       concat({{"OR-CHAL-5", "OR-RES-4"}, resolve_rules(), transaction_fault_rules()})),
             bad, "fraud_invalid_root")
        .open(150, w.key(watcher), root_proof.batch_id, root_proof.proof_type, root_evidence, bond)
        .commit(150, w.key(challenger), root_proof)
        .resolve(151, w.key(watcher), squatted_id, root_proof, Error::evidence_mismatch)
        .resolve(152, w.key(challenger), root_id, root_proof)
        .expect_resolutions({ResolutionKind::fraud_confirmed, ResolutionKind::batch_reverted});
    cases.mark_adversarial("evidence squatting: copying a challenger's commitment", "watcher");
  }

  // Signatures replayed across rollups, chains and transaction kinds (the stateless step).
  {
    const optimistic_rollup::L2Params params = w.params();
    const State s1 = w.one_batch.tip();
    const optimistic_rollup::L1Ids ids = w.one_batch.l1_ids_of(0);
    const optimistic_rollup::L2Params other_rollup{params.chain_id, ref::tagged_hash("L2/vectors/other", w.seed)};
    const optimistic_rollup::L2Params other_chain{params.chain_id + 1, params.rollup_id};
    Scenario(cases.add("adversarial", "invalid_signature_from_other_rollup",
                       "alice's transfer signed for another rollup_id, replayed here", {"OR-SEND-2"}))
        .apply_tx(tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 100, 3, 2, alice, &other_rollup)),
                  Error::bad_signature);
    cases.mark_adversarial("signature replayed from another rollup", "relayer");
    Scenario(cases.add("adversarial", "invalid_signature_from_other_chain",
                       "alice's transfer signed for chain 2, replayed on chain 1", {"OR-SEND-2"}))
        .apply_tx(tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 100, 3, 2, alice, &other_chain)),
                  Error::bad_signature);
    cases.mark_adversarial("signature replayed from another chain", "relayer");
    const Transaction signed_transfer = w.transfer(alice_account, bob_account, 100, 3, 2, alice);
    const Transaction as_withdrawal = optimistic_rollup::make_transaction(
        optimistic_rollup::Withdrawal{alice_account, w.key(bob), 100, 3, 2, signed_transfer.transfer->signature});
    Scenario(cases.add("adversarial", "invalid_transfer_signature_as_withdrawal",
                       "alice's signed transfer to bob presented as a withdrawal of the same amount to bob's L1 key",
                       {"OR-SEND-2"}))
        .apply_tx(tx_input(params, ids, s1, as_withdrawal), Error::bad_signature);
    cases.mark_adversarial("a transfer's signature replayed as a withdrawal", "recipient");
  }

  // ---- The review's findings (optimistic_rollup.md#threat-model) ----
  {
    // Finding 1: a batch a revert removed, submitted again. Without the epoch it would be accepted:
    // its number is len(batches) again and its prev root the last state root again.
    const World& c = w.cascade;
    const FraudProof proof1 = w.fraud_proof(c, 1);
    Scenario(cases.add("adversarial", "invalid_reverted_batch_replayed",
                       "batch 1 of the cascade is proven fraudulent and removed with batch 2; the operator restakes, and "
                       "the watcher re-submits the operator's signed batch 1 within its sequencing window: refused, "
                       "it is of epoch 0 and the contract is in epoch 1",
                       concat({{"OR-BATCH-13"}, resolve_rules(), transaction_fault_rules()})),
             c, "cascade")
        .commit(121, w.key(challenger), proof1)
        .reveal(122, w.key(challenger), proof1)
        .stake(123, w.key(op), minimum_stake / 2)
        .submit_batch(124, w.key(watcher), c.posted[1].batch, Error::batch_wrong_epoch);
    cases.mark_adversarial("a reverted batch re-submitted after the revert (review finding 1)", "anyone");
  }
  {
    // Finding 5: with queue_inclusion_blocks = 0, a deposit recorded in the batch's own block was
    // overdue at inclusion, so every honest batch was slashable. Overdue-ness is now judged at the
    // batch's L1 origin, which the operator saw.
    optimistic_rollup::RollupConfig config = default_config();
    config.queue_inclusion_blocks = 0;
    Scenario s(cases.add("adversarial", "deposit_in_the_batch_block_is_not_overdue",
                         "queue_inclusion_blocks 0: carol deposits in block 100, where the honest batch built on origin "
                         "99 lands; a timeout proof for her deposit is rejected (OR_FRAUD_REQUEST_NOT_OVERDUE) and its "
                         "bond goes to the operator",
                         concat({{"OR-FP-10", "OR-BATCH-14"}, resolve_rules()})));
    s.deploy(deploy_height, optimistic_rollup::DeployInput{chain_id, ref::tagged_hash("L2/vectors/contract", w.seed),
                                                           w.key(op), 0, config})
        .deposit_new_account(alice_deposit_height, w.key(alice), w.key(alice), 5000)
        .stake(stake_height, w.key(op), minimum_stake)
        .deposit_new_account(batch0_height, w.key(carol), w.key(carol), 700);
    s.submit(batch0_height, w.key(op),
             w.honest(s.world(), {Worlds::deposit(0, alice_account, w.key(alice), 5000)}, batch0_height - 1));
    const FraudProof proof = Worlds::timeout_proof(s.world(), 0, QueueKind::deposits, 1);
    s.commit(batch0_height + 1, w.key(challenger), proof)
        .reveal(batch0_height + 2, w.key(challenger), proof)
        .expect_resolutions({ResolutionKind::challenge_rejected}, Error::fraud_request_not_overdue);
    cases.mark_adversarial("an honest batch slashed for a deposit it could not see (review finding 5)", "challenger");
  }
  {
    Scenario s(cases.add("adversarial", "batch_waiting_in_the_queue_is_not_slashable",
                         "batch 0, built on origin 99, waits in the L1 queue and lands at 115; carol's deposit of 90 was "
                         "not overdue at the origin (due at 100) though it is at 115: the timeout proof is rejected",
                         concat({{"OR-FP-10", "OR-BATCH-15"}, resolve_rules()})),
               w.funded, "funded");
    s.deposit_new_account(90, w.key(carol), w.key(carol), 700)
        .submit(115, w.key(op), w.honest(s.world(), w.batch0(), batch0_height - 1));
    const FraudProof proof = Worlds::timeout_proof(s.world(), 0, QueueKind::deposits, 2);
    s.commit(120, w.key(challenger), proof)
        .reveal(121, w.key(challenger), proof)
        .expect_resolutions({ResolutionKind::challenge_rejected}, Error::fraud_request_not_overdue);
    cases.mark_adversarial("slashing an honest batch for the time it waited to be included", "challenger");
  }
  {
    Scenario s(cases.add("adversarial", "full_holdings_do_not_block_a_challenge",
                         "carol fills the contract's holdings to UINT64_MAX, so no further deposit fits; the challenger's "
                         "bond is held apart, its challenge opens and wins",
                         concat({{"OR-BRIDGE-1"}, resolve_rules(), transaction_fault_rules()})),
               bad, "fraud_invalid_root");
    const u64 room = u64_max - optimistic_rollup::holdings(bad.contract).value;
    s.deposit_new_account(140, w.key(carol), w.key(carol), room)
        .deposit_new_account(141, w.key(alice), w.key(alice), min_deposit, Error::escrow_overflow)
        .commit(150, w.key(challenger), root_proof)
        .reveal(155, w.key(challenger), root_proof)
        .expect_resolutions({ResolutionKind::fraud_confirmed});
    cases.mark_adversarial("a deposit filling the holdings to block honest challenges (review)", "depositor");
  }
  Scenario(cases.add("adversarial", "self_reported_fraud_costs_half_the_slash",
                     "the operator commits a proof of its own fraud beside the challenger's and reveals first: it takes "
                     "its bond and the challenger's half (2500) of the 5000 slash, the treasury keeps the other half, "
                     "and the challenger's bond is refunded",
                     concat({resolve_rules(), transaction_fault_rules()})),
           bad, "fraud_invalid_root")
      .commit(150, w.key(challenger), root_proof)
      .commit(150, w.key(op), root_proof)
      .reveal(151, w.key(op), root_proof)
      .expect_resolutions({ResolutionKind::fraud_confirmed, ResolutionKind::batch_reverted})
      .expect_payouts({{w.key(op), bond}, {w.key(op), 2500}, {w.key(challenger), bond}});
  cases.mark_adversarial("the operator front-runs the reward for its own fraud (review, low: bounded)", "operator");
  {
    Scenario s(cases.add("adversarial", "stalled_operator_users_exit",
                         "the operator stops after batch 0: carol's deposit and alice's forced-exit request of 210 stay "
                         "unprocessed; at 250 the watcher freezes the rollup; alice's withdrawal is paid, alice, bob and "
                         "the fee account exit, carol reclaims her deposit, and the escrow is left empty",
                         concat({rule_range("OR-FRZ", 1, 5), rule_range("OR-EXIT", 1, 6), rule_range("OR-RECL", 1, 4),
                                 rule_range("OR-PAY", 1, 5)})),
               w.final_batch, "final_batch");
    s.deposit_new_account(stall_height, w.key(carol), w.key(carol), 700)
        .request_forced_exit(stall_height, w.key(alice), alice_account, w.key(alice), forced_exit_fee)
        .freeze(freeze_height - 1, w.key(watcher), QueueKind::forced_exits, 0, Error::freeze_not_overdue)
        .freeze(freeze_height, w.key(watcher), QueueKind::forced_exits, 0)
        .pay(freeze_height, Worlds::payment(s.world(), w.key(alice), 0, 3))
        .exit(freeze_height, Worlds::exit_of(s.world(), w.key(alice), alice_account))
        .exit(freeze_height, Worlds::exit_of(s.world(), w.key(bob), bob_account))
        .exit(freeze_height, Worlds::exit_of(s.world(), w.key(op), fee_account))
        .reclaim(freeze_height, w.key(carol), 2);
    if (s.contract().escrow != 0) generator_bug("stalled_operator_users_exit leaves escrow in the contract");
    cases.mark_adversarial("the operator stops posting batches (liveness)", "operator");
  }
  {
    // Alice asked at 110 to leave; batch 1 (origin 124) ignores her request although it is overdue.
    const World& requested = w.forced_exit_requested;
    Scenario s(cases.add("adversarial", "censored_withdrawal_forced_out",
                         "the operator censors alice: batch 1, built on origin 124, ignores her overdue forced exit; the "
                         "challenger proves the timeout, the operator restakes and includes the exit in the next batch, "
                         "which becomes final, and the 3485 is paid to alice",
                         concat({timeout_fault_rules(), rule_range("OR-FEX", 1, 5), rule_range("OR-PAY", 1, 5)})),
               requested, "forced_exit_requested");
    s.submit(125, w.key(op), w.honest(s.world(), w.batch1(), 124));
    const FraudProof timeout = Worlds::timeout_proof(s.world(), 1, QueueKind::forced_exits, 0);
    s.commit(130, w.key(challenger), timeout)
        .reveal(131, w.key(challenger), timeout)
        .expect_resolutions({ResolutionKind::fraud_confirmed})
        .stake(132, w.key(op), minimum_stake / 2);
    s.submit(133, w.key(op),
             w.honest(s.world(), {Worlds::forced_exit(0, alice_account, w.key(alice), w.key(alice), 3485)}, 132))
        .finalize(batch0_deadline, w.key(bob))
        .finalize(233, w.key(bob))
        .pay(233, Worlds::payment(s.world(), w.key(bob), 1, 0))
        .expect_payouts({{w.key(alice), 3485}});
    cases.mark_adversarial("the operator censors a user's withdrawal", "operator");
  }
}

}  // namespace l2::vectors::optimistic_rollup_vectors
