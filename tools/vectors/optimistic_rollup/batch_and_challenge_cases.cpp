// Suites submit_batch, open_challenge, resolve_challenge, expire_challenge, withdraw_challenge,
// finalize and pay_withdrawal.
#include "world.hpp"

#include "l2/ref/encoding.hpp"
#include "l2/ref/merkle.hpp"

namespace l2::vectors::optimistic_rollup_vectors {

void submit_cases(CaseBook& cases, const Worlds& w) {
  using Error = OptimisticRollupError;
  const u64 origin = batch0_height - 1;
  const Posted honest0 = w.honest(w.funded, w.batch0(), origin);
  auto with_header = [&](const std::function<void(optimistic_rollup::BatchHeader&)>& edit) {
    Batch b = honest0.batch;
    edit(b.header);
    return w.resigned(b);
  };
  Scenario(cases.add("submit_batch", "honest_batch",
                     "batch 0 of max_batch_size (4) transactions built on L1 origin 99: two deposits, a transfer and a "
                     "withdrawal",
                     concat({{"OR-FROZEN-1"}, rule_range("OR-BATCH", 1, 15)})),
           w.funded, "funded")
      .submit(batch0_height, w.key(op), honest0);
  Scenario(cases.add("submit_batch", "submitted_by_anyone",
                     "the watcher posts the operator's signed batch: the signature, not the caller, authenticates it",
                     {"OR-BATCH-12"}),
           w.funded, "funded")
      .submit(batch0_height, w.key(watcher), honest0);
  Scenario(cases.add("submit_batch", "second_batch", "batch 1 follows batch 0 from its post-state root",
                     {"OR-BATCH-3", "OR-BATCH-4"}),
           w.one_batch, "one_batch")
      .submit(batch1_height, w.key(op), w.honest(w.one_batch, w.batch1(), batch1_height - 1));
  Scenario(cases.add("submit_batch", "invalid_wrong_chain", "a header for chain 2", {"OR-BATCH-2"}), w.funded, "funded")
      .submit_batch(batch0_height, w.key(op), with_header([](auto& h) { h.chain_id = 2; }), Error::batch_wrong_rollup);
  Scenario(cases.add("submit_batch", "invalid_wrong_rollup", "a header for another rollup_id", {"OR-BATCH-2"}), w.funded,
           "funded")
      .submit_batch(batch0_height, w.key(op),
                    with_header([&](auto& h) { h.rollup_id = ref::tagged_hash("L2/vectors/other", w.seed); }),
                    Error::batch_wrong_rollup);
  Scenario(cases.add("submit_batch", "invalid_wrong_epoch", "a header of epoch 1 while the contract is in epoch 0",
                     {"OR-BATCH-13"}),
           w.funded, "funded")
      .submit_batch(batch0_height, w.key(op), with_header([](auto& h) { h.epoch = 1; }), Error::batch_wrong_epoch);
  Scenario(cases.add("submit_batch", "invalid_batch_number_gap", "batch number 1 when no batch was accepted",
                     {"OR-BATCH-3"}),
           w.funded, "funded")
      .submit_batch(batch0_height, w.key(op), with_header([](auto& h) { h.batch_number = 1; }), Error::batch_out_of_order);
  Scenario(cases.add("submit_batch", "invalid_batch_replayed", "batch 0 submitted again after it was accepted",
                     {"OR-BATCH-3"}),
           w.one_batch, "one_batch")
      .submit_batch(batch1_height, w.key(op), w.one_batch.posted[0].batch, Error::batch_out_of_order);
  {
    // Batch 1 built from the genesis state instead of batch 0's post-state.
    World stale = w.one_batch;
    stale.posted.clear();
    Batch b = w.honest(stale, {Worlds::deposit(0, alice_account, w.key(alice), 5000)}, batch1_height - 1).batch;
    b.header.batch_number = 1;
    Scenario(cases.add("submit_batch", "invalid_prev_root", "batch 1 starting again from the genesis root", {"OR-BATCH-4"}),
             w.one_batch, "one_batch")
        .submit_batch(batch1_height, w.key(op), w.resigned(b), Error::batch_prev_root_mismatch);
  }
  // The L1 origin: below the submission height [OR-BATCH-14], at most sequencing_window_blocks below
  // it [OR-BATCH-15].
  Scenario(cases.add("submit_batch", "invalid_origin_at_height", "a batch built on origin 100 submitted at 100: the "
                     "origin block is not on L1 yet",
                     {"OR-BATCH-14"}),
           w.funded, "funded")
      .submit_batch(batch0_height, w.key(op), w.honest(w.funded, w.batch0(), batch0_height).batch,
                    Error::batch_origin_in_future);
  Scenario(cases.add("submit_batch", "invalid_origin_in_future", "a batch built on origin 101 submitted at 100",
                     {"OR-BATCH-14"}),
           w.funded, "funded")
      .submit_batch(batch0_height, w.key(op), w.honest(w.funded, w.batch0(), batch0_height + 1).batch,
                    Error::batch_origin_in_future);
  Scenario(cases.add("submit_batch", "origin_at_sequencing_window",
                     "a batch built on origin 99 lands at 119 = origin + sequencing_window_blocks", {"OR-BATCH-15"}),
           w.funded, "funded")
      .submit(origin + sequencing_window_blocks, w.key(op), honest0);
  Scenario(cases.add("submit_batch", "invalid_origin_stale",
                     "the same batch lands at 120 = origin + sequencing_window_blocks + 1", {"OR-BATCH-15"}),
           w.funded, "funded")
      .submit_batch(origin + sequencing_window_blocks + 1, w.key(op), honest0.batch, Error::batch_origin_stale);
  Scenario(cases.add("submit_batch", "origin_saturates",
                     "a batch built on origin UINT64_MAX - 5 lands at UINT64_MAX: origin + window saturates",
                     {"OR-BATCH-14", "OR-BATCH-15"}),
           w.funded, "funded")
      .submit(u64_max, w.key(op), w.honest(w.funded, w.batch0(), u64_max - 5));
  {
    Batch b = honest0.batch;
    b.transactions.clear();
    b.state_roots = {b.header.prev_state_root};
    b.header.post_state_root = b.header.prev_state_root;
    b.header.transaction_count = 0;
    b.header.transactions_root = optimistic_rollup::transactions_root(b.transactions);
    b.header.state_roots_root = optimistic_rollup::state_roots_root(b.state_roots);
    Scenario(cases.add("submit_batch", "invalid_empty", "a batch with no transaction", {"OR-BATCH-5"}), w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), w.resigned(b), Error::batch_empty);
  }
  {
    std::vector<Transaction> five = w.batch0();
    five.push_back(w.transfer(bob_account, alice_account, 100, 1, 0, bob));
    Scenario(cases.add("submit_batch", "invalid_too_large", "five valid transactions when max_batch_size is 4",
                       {"OR-BATCH-6"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), w.honest(w.funded, five, origin).batch, Error::batch_too_large);
  }
  Scenario(cases.add("submit_batch", "invalid_count_mismatch", "the header counts 3 transactions, 4 are posted",
                     {"OR-BATCH-7"}),
           w.funded, "funded")
      .submit_batch(batch0_height, w.key(op), with_header([](auto& h) { h.transaction_count = 3; }), Error::batch_count_mismatch);
  {
    Batch b = honest0.batch;
    std::swap(b.transactions[2], b.transactions[3]);
    Scenario(cases.add("submit_batch", "invalid_transactions_reordered",
                       "the posted transactions are not in the order transactions_root commits to", {"OR-BATCH-8"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), b, Error::batch_tx_root_mismatch);
  }
  {
    Batch b = honest0.batch;
    b.state_roots.erase(b.state_roots.begin() + 2);
    Scenario(cases.add("submit_batch", "invalid_state_root_missing", "n intermediate roots instead of n + 1",
                       {"OR-BATCH-9"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), b, Error::batch_state_root_count);
  }
  {
    Batch b = honest0.batch;
    b.state_roots.push_back(b.state_roots.back());
    Scenario(cases.add("submit_batch", "invalid_state_root_extra", "n + 2 intermediate roots", {"OR-BATCH-9"}), w.funded,
             "funded")
        .submit_batch(batch0_height, w.key(op), b, Error::batch_state_root_count);
  }
  {
    Batch b = honest0.batch;
    b.state_roots.back() = b.state_roots[3];
    b.header.state_roots_root = optimistic_rollup::state_roots_root(b.state_roots);
    Scenario(cases.add("submit_batch", "invalid_last_root_not_post_root",
                       "state_roots[n] differs from post_state_root (state_roots_root recomputed)", {"OR-BATCH-10"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), w.resigned(b), Error::batch_state_root_endpoints);
  }
  {
    Batch b = honest0.batch;
    b.state_roots.front() = b.state_roots[1];
    b.header.state_roots_root = optimistic_rollup::state_roots_root(b.state_roots);
    Scenario(cases.add("submit_batch", "invalid_first_root_not_prev_root",
                       "state_roots[0] differs from prev_state_root (state_roots_root recomputed)", {"OR-BATCH-10"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), w.resigned(b), Error::batch_state_root_endpoints);
  }
  {
    Batch b = honest0.batch;
    b.state_roots[2] = b.state_roots[1];
    Scenario(cases.add("submit_batch", "invalid_intermediate_root_changed",
                       "an intermediate root differs from what state_roots_root commits to", {"OR-BATCH-11"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), b, Error::batch_state_roots_mismatch);
  }
  {
    Batch b = honest0.batch;
    b.signature = w.actors.sign(alice, optimistic_rollup::batch_id(b.header));
    Scenario(cases.add("submit_batch", "invalid_signed_by_user", "the batch is signed by alice, not the operator",
                       {"OR-BATCH-12"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(alice), b, Error::bad_operator_signature);
  }
  {
    Batch b = honest0.batch;
    b.signature[63] ^= 0x01;
    Scenario(cases.add("submit_batch", "invalid_signature_bit_flip", "one bit of the operator's signature flipped",
                       {"OR-BATCH-12"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), b, Error::bad_operator_signature);
  }
  {
    Scenario s(cases.add("submit_batch", "malformed_short_signature", "a 63-byte operator signature", {"OR-BATCH-12"}),
               w.funded, "funded");
    json input = codec::to_json(optimistic_rollup::SubmitBatchInput{w.key(op), honest0.batch});
    input["batch"]["signature"] = input["batch"]["signature"].get<std::string>().substr(2);
    s.raw("submit_batch", batch0_height, input);
  }
  Scenario(cases.add("submit_batch", "invalid_operator_unstaked", "the operator never staked", {"OR-BATCH-1"}), w.deployed,
           "deployed")
      .submit_batch(batch0_height, w.key(op), honest0.batch, Error::operator_understaked);
  {
    // The L1 view is the requests recorded at or below the origin: a deposit recorded in the block
    // after the origin is not visible to the batch.
    Scenario s(cases.add("submit_batch", "view_ends_at_the_origin",
                         "carol deposits at 99 and the watcher at 100; batch 0 built on origin 99 sees carol's deposit "
                         "but not the watcher's (deposits_visible 3)",
                         {"OR-BATCH-14"}),
               w.funded, "funded");
    s.deposit_new_account(origin, w.key(carol), w.key(carol), 700)
        .deposit_new_account(batch0_height, w.key(watcher), w.key(watcher), 700);
    s.submit(batch0_height, w.key(op), w.honest(s.world(), w.batch0(), origin));
  }
}

void challenge_cases(CaseBook& cases, const Worlds& w) {
  using Error = OptimisticRollupError;
  const World& b0 = w.one_batch;
  const Hash32 batch0_id = b0.contract.batches[0].batch_id;
  // A proof against batch 0 that proves nothing, but whose commitment opens a challenge like any other.
  const FraudProof frivolous = w.frivolous_proof();
  const Hash32 evidence = optimistic_rollup::evidence_commitment(w.key(challenger), frivolous);
  const Hash32 frivolous_id = committed_id(w.key(challenger), frivolous);

  // ---- open_challenge ----
  Scenario(cases.add("open_challenge", "open", "the challenger commits to a proof against pending batch 0 with the minimum bond",
                     rule_range("OR-CHAL", 1, 5)),
           b0, "one_batch")
      .open(150, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond);
  Scenario(cases.add("open_challenge", "bond_above_minimum", "a bond of min_challenge_bond + 1", {"OR-CHAL-3"}), b0,
           "one_batch")
      .open(150, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond + 1);
  Scenario(cases.add("open_challenge", "invalid_bond_below_minimum", "a bond of min_challenge_bond - 1", {"OR-CHAL-3"}), b0,
           "one_batch")
      .open(150, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond - 1,
            Error::challenge_bond_too_small);
  Scenario(cases.add("open_challenge", "bond_of_uint64_max",
                     "a bond of UINT64_MAX: bonds are held apart from the capped holdings", {"OR-CHAL-3"}),
           b0, "one_batch")
      .open(150, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, u64_max);
  {
    Scenario s(cases.add("open_challenge", "invalid_unknown_batch", "a batch_id no batch has", {"OR-CHAL-1"}), b0, "one_batch");
    s.open(150, w.key(challenger), s.drbg().next32(), FraudProofType::invalid_transition, evidence, bond,
           Error::challenge_unknown_batch);
  }
  Scenario(cases.add("open_challenge", "invalid_final_batch", "a challenge against batch 0 after it was finalized",
                     {"OR-CHAL-1"}),
           w.final_batch, "final_batch")
      .open(batch0_deadline, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond,
            Error::challenge_unknown_batch);
  Scenario(cases.add("open_challenge", "at_deadline_minus_1", "a challenge at challenge_deadline - 1 (199)", {"OR-CHAL-2"}),
           b0, "one_batch")
      .open(batch0_deadline - 1, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond);
  Scenario(cases.add("open_challenge", "invalid_at_deadline", "a challenge at challenge_deadline (200)", {"OR-CHAL-2"}), b0,
           "one_batch")
      .open(batch0_deadline, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond,
            Error::challenge_too_late);
  Scenario(cases.add("open_challenge", "invalid_data_withholding", "a data_withholding challenge: the data is L1 call data",
                     {"OR-CHAL-4"}),
           b0, "one_batch")
      .open(150, w.key(challenger), batch0_id, FraudProofType::data_withholding, evidence, bond,
            Error::challenge_type_not_applicable);
  Scenario(cases.add("open_challenge", "invalid_duplicate_evidence", "the same commitment opened twice by the same challenger",
                     {"OR-CHAL-1", "OR-CHAL-5"}),
           b0, "one_batch")
      .open(150, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond)
      .open(151, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond, Error::challenge_duplicate);
  Scenario(cases.add("open_challenge", "same_evidence_other_challenger",
                     "the watcher opens the challenger's evidence: it is the watcher's own challenge, a distinct id",
                     {"OR-CHAL-5"}),
           b0, "one_batch")
      .open(150, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond)
      .open(150, w.key(watcher), batch0_id, FraudProofType::invalid_transition, evidence, bond);

  // ---- resolve_challenge ----
  const World& bad = w.fraud_invalid_root;
  const FraudProof proof = w.fraud_proof(bad, 1);
  const Hash32 id = committed_id(w.key(challenger), proof);
  Scenario(cases.add("resolve_challenge", "resolve_at_deadline_minus_1",
                     "a challenge opened at 150 (deadline 170) is revealed at 169: fraud confirmed, half the 5000 slash "
                     "and the bond to the challenger, the other half to the treasury",
                     concat({rule_range("OR-RES", 1, 4), transaction_fault_rules()})),
           bad, "fraud_invalid_root")
      .commit(150, w.key(challenger), proof)
      .resolve(169, w.key(challenger), id, proof)
      .expect_resolutions({ResolutionKind::fraud_confirmed})
      .expect_payouts({{w.key(challenger), bond}, {w.key(challenger), 2500}});
  Scenario(cases.add("resolve_challenge", "confirmed_with_bond_of_uint64_max",
                     "a confirmed fraud whose bond is UINT64_MAX: the bond (refunded_bond) and the 2500 reward are two "
                     "payouts and two fields; their sum does not fit a u64",
                     {"OR-CHAL-3", "OR-RES-1", "OR-RES-2", "OR-RES-3", "OR-RES-4"}),
           bad, "fraud_invalid_root")
      .open(150, w.key(challenger), proof.batch_id, proof.proof_type,
            optimistic_rollup::evidence_commitment(w.key(challenger), proof), u64_max)
      .resolve(160, w.key(challenger), id, proof)
      .expect_resolutions({ResolutionKind::fraud_confirmed})
      .expect_payouts({{w.key(challenger), u64_max}, {w.key(challenger), 2500}});
  Scenario(cases.add("resolve_challenge", "invalid_resolve_at_deadline", "the same reveal at the challenge's deadline, 170",
                     {"OR-RES-2"}),
           bad, "fraud_invalid_root")
      .commit(150, w.key(challenger), proof)
      .resolve(170, w.key(challenger), id, proof, Error::challenge_expired);
  Scenario(cases.add("resolve_challenge", "invalid_resolve_after_deadline", "the same reveal at 171", {"OR-RES-2"}), bad,
           "fraud_invalid_root")
      .commit(150, w.key(challenger), proof)
      .resolve(171, w.key(challenger), id, proof, Error::challenge_expired);
  Scenario(cases.add("resolve_challenge", "invalid_reveal_in_commit_block",
                     "a challenge opened at 150 is revealed at 150: the reveal must come in a later block", {"OR-RES-3"}),
           bad, "fraud_invalid_root")
      .commit(150, w.key(challenger), proof)
      .resolve(150, w.key(challenger), id, proof, Error::reveal_too_early);
  Scenario(cases.add("resolve_challenge", "reveal_one_block_after_commit", "the reveal at 151, the block after the commitment",
                     {"OR-RES-3"}),
           bad, "fraud_invalid_root")
      .commit(150, w.key(challenger), proof)
      .resolve(151, w.key(challenger), id, proof)
      .expect_resolutions({ResolutionKind::fraud_confirmed});
  Scenario(cases.add("resolve_challenge", "invalid_unknown_challenge", "a reveal with no challenge opened", {"OR-RES-1"}), bad,
           "fraud_invalid_root")
      .resolve(150, w.key(challenger), id, proof, Error::unknown_challenge);
  {
    FraudProof other = proof;
    other.transaction_fault->witness.accounts.push_back(other.transaction_fault->witness.accounts.back());
    Scenario(cases.add("resolve_challenge", "invalid_evidence_mismatch",
                       "the revealed proof (one extra, unread opening) is not the committed one", {"OR-RES-4"}),
             bad, "fraud_invalid_root")
        .commit(150, w.key(challenger), proof)
        .resolve(155, w.key(challenger), id, other, Error::evidence_mismatch);
  }
  {
    FraudProof wrong = w.transaction_proof(w.one_batch, 0, 0, FraudProofType::invalid_transition);
    wrong.transaction_fault->transaction_index = 1;
    Scenario(cases.add("resolve_challenge", "rejected_proof_forfeits_bond",
                       "a proof naming the wrong index is rejected by OR-FP-3: the bond is paid to the operator at once",
                       rule_range("OR-RES", 1, 4)),
             w.one_batch, "one_batch")
        .commit(150, w.key(challenger), wrong)
        .resolve(155, w.key(watcher), committed_id(w.key(challenger), wrong), wrong)
        .expect_resolutions({ResolutionKind::challenge_rejected}, Error::fraud_tx_not_included)
        .expect_payouts({{w.key(op), bond}});
  }

  // ---- expire_challenge and withdraw_challenge ----
  Scenario(cases.add("expire_challenge", "expire_at_deadline",
                     "a challenge opened at 150 and never revealed expires at its deadline 170: the bond is paid to the "
                     "operator",
                     {"OR-RES-1", "OR-EXP-1"}),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .expire(170, w.key(op), frivolous_id)
      .expect_resolutions({ResolutionKind::challenge_rejected}, Error::challenge_expired)
      .expect_payouts({{w.key(op), bond}});
  Scenario(cases.add("expire_challenge", "expire_after_deadline", "the same expiry at 171, by anyone", {"OR-EXP-1"}), b0,
           "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .expire(171, w.key(watcher), frivolous_id);
  Scenario(cases.add("expire_challenge", "invalid_expire_before_deadline", "expiry at the challenge's deadline - 1",
                     {"OR-EXP-1"}),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .expire(169, w.key(op), frivolous_id, Error::challenge_not_expired);
  Scenario(cases.add("expire_challenge", "invalid_unknown_challenge", "expiry of a challenge never opened", {"OR-RES-1"}), b0,
           "one_batch")
      .expire(170, w.key(op), frivolous_id, Error::unknown_challenge);
  Scenario(cases.add("withdraw_challenge", "forfeits_the_bond",
                     "the challenger withdraws at its challenge's deadline - 1: the bond is paid to the operator, so "
                     "delaying finality is never free",
                     {"OR-RES-1", "OR-RES-2", "OR-WDC-1"}),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .withdraw(169, w.key(challenger), frivolous_id)
      .expect_resolutions({ResolutionKind::challenge_withdrawn})
      .expect_payouts({{w.key(op), bond}});
  Scenario(cases.add("withdraw_challenge", "invalid_not_challenger", "the watcher withdraws the challenger's challenge",
                     {"OR-WDC-1"}),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .withdraw(160, w.key(watcher), frivolous_id, Error::not_challenger);
  Scenario(cases.add("withdraw_challenge", "invalid_at_deadline", "the challenger withdraws at its challenge's deadline",
                     {"OR-RES-2"}),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .withdraw(170, w.key(challenger), frivolous_id, Error::challenge_expired);
  Scenario(cases.add("withdraw_challenge", "invalid_unknown_challenge", "withdrawal of a challenge never opened",
                     {"OR-RES-1"}),
           b0, "one_batch")
      .withdraw(160, w.key(challenger), frivolous_id, Error::unknown_challenge);
}

void finality_cases(CaseBook& cases, const Worlds& w) {
  using Error = OptimisticRollupError;
  const World& b0 = w.one_batch;
  const FraudProof frivolous = w.frivolous_proof();

  // ---- finalize ----
  Scenario(cases.add("finalize", "finalize_at_deadline", "batch 0 becomes final at its challenge_deadline, 200",
                     rule_range("OR-FIN", 1, 3)),
           b0, "one_batch")
      .finalize(batch0_deadline, w.key(alice));
  Scenario(cases.add("finalize", "invalid_before_deadline", "finalization at challenge_deadline - 1", {"OR-FIN-2"}), b0,
           "one_batch")
      .finalize(batch0_deadline - 1, w.key(alice), Error::challenge_period_open);
  Scenario(cases.add("finalize", "after_deadline", "finalization at challenge_deadline + 1", {"OR-FIN-2"}), b0, "one_batch")
      .finalize(batch0_deadline + 1, w.key(alice));
  Scenario(cases.add("finalize", "invalid_nothing_pending", "finalization with no batch", {"OR-FIN-1"}), w.funded, "funded")
      .finalize(batch0_deadline, w.key(alice), Error::nothing_to_finalize);
  Scenario(cases.add("finalize", "invalid_already_final", "finalization when the only batch is final", {"OR-FIN-1"}),
           w.final_batch, "final_batch")
      .finalize(300, w.key(alice), Error::nothing_to_finalize);
  Scenario(cases.add("finalize", "invalid_open_challenge", "an open challenge holds batch 0 at its deadline", {"OR-FIN-3"}),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .finalize(batch0_deadline, w.key(alice), Error::challenges_open);
  Scenario(cases.add("finalize", "after_rejected_challenge", "once the challenge is rejected, batch 0 becomes final",
                     concat({rule_range("OR-FIN", 1, 3), rule_range("OR-RES", 1, 4)})),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .reveal(155, w.key(challenger), frivolous)
      .finalize(batch0_deadline, w.key(alice));
  Scenario(cases.add("finalize", "in_order", "three pending batches finalize one at a time, each at its own deadline",
                     rule_range("OR-FIN", 1, 3)),
           w.cascade, "cascade")
      .finalize(batch0_deadline, w.key(alice))
      .finalize(batch1_deadline, w.key(alice))
      .finalize(batch2_deadline, w.key(alice));
  Scenario(cases.add("finalize", "invalid_second_batch_early",
                     "after batch 0 is final, batch 1 is not final before its own deadline 210", {"OR-FIN-2"}),
           w.cascade, "cascade")
      .finalize(batch0_deadline, w.key(alice))
      .finalize(batch1_deadline - 1, w.key(alice), Error::challenge_period_open);

  // ---- pay_withdrawal ----
  const World& fin = w.final_batch;
  const optimistic_rollup::PayWithdrawalInput alice_withdrawal = Worlds::payment(fin, w.key(bob), 0, 3);
  Scenario(cases.add("pay_withdrawal", "pay_from_final_batch",
                     "alice's 500 withdrawal (transaction 3 of final batch 0) is paid to her L1 key, by anyone",
                     rule_range("OR-PAY", 1, 5)),
           fin, "final_batch")
      .pay(210, alice_withdrawal)
      .expect_payouts({{w.key(alice), 500}});
  Scenario(cases.add("pay_withdrawal", "invalid_not_final", "the same withdrawal while batch 0 is pending", {"OR-PAY-1"}),
           w.one_batch, "one_batch")
      .pay(150, alice_withdrawal, Error::pay_batch_not_final);
  {
    optimistic_rollup::PayWithdrawalInput in = alice_withdrawal;
    in.batch_number = 1;
    Scenario(cases.add("pay_withdrawal", "invalid_unknown_batch", "batch number 1 was never accepted", {"OR-PAY-1"}), fin,
             "final_batch")
        .pay(210, in, Error::pay_batch_not_final);
  }
  {
    optimistic_rollup::PayWithdrawalInput in = alice_withdrawal;
    in.transaction_index = 2;
    Scenario(cases.add("pay_withdrawal", "invalid_wrong_index", "the withdrawal with its proof, claimed at index 2",
                       {"OR-PAY-2"}),
             fin, "final_batch")
        .pay(210, in, Error::pay_tx_not_included);
  }
  {
    optimistic_rollup::PayWithdrawalInput in = alice_withdrawal;
    in.transaction = reflect::encode(w.withdrawal(alice_account, w.key(alice), 4000, 5, 1, alice));
    Scenario(cases.add("pay_withdrawal", "invalid_forged_withdrawal",
                       "a signed withdrawal of 4000 that no batch contains, with the proof of index 3", {"OR-PAY-2"}),
             fin, "final_batch")
        .pay(210, in, Error::pay_tx_not_included);
  }
  Scenario(cases.add("pay_withdrawal", "invalid_transfer", "transaction 2, a transfer, with its valid inclusion proof",
                     {"OR-PAY-3"}),
           fin, "final_batch")
      .pay(210, Worlds::payment(fin, w.key(bob), 0, 2), Error::pay_not_withdrawal);
  Scenario(cases.add("pay_withdrawal", "invalid_deposit", "transaction 0, a deposit, with its valid inclusion proof",
                     {"OR-PAY-3"}),
           fin, "final_batch")
      .pay(210, Worlds::payment(fin, w.key(bob), 0, 0), Error::pay_not_withdrawal);
  Scenario(cases.add("pay_withdrawal", "invalid_paid_twice", "the same withdrawal paid a second time",
                     rule_range("OR-PAY", 1, 5)),
           fin, "final_batch")
      .pay(210, alice_withdrawal)
      .pay(211, alice_withdrawal, Error::pay_already_paid);
  {
    // Escrow exactly the amount, and one below it (hand-made states: the escrow lowered).
    World exact = fin;
    exact.contract.escrow = 500;
    Scenario(cases.add("pay_withdrawal", "escrow_exactly_the_amount",
                       "escrow 500 (inline pre-state) pays the 500 withdrawal and is left empty", {"OR-PAY-5"}),
             exact)
        .pay(210, alice_withdrawal);
    World short_by_one = fin;
    short_by_one.contract.escrow = 499;
    Scenario(cases.add("pay_withdrawal", "invalid_escrow_one_below", "escrow 499 (inline pre-state) for the 500 withdrawal",
                       {"OR-PAY-5"}),
             short_by_one)
        .pay(210, alice_withdrawal, Error::pay_escrow_insufficient);
  }
  {
    // A malformed transaction (kind withdrawal, no body) in a batch nobody challenged: it is never paid.
    Scenario s(cases.add("pay_withdrawal", "invalid_malformed_withdrawal",
                         "an unchallenged batch holds a transaction of kind withdrawal with no body; once final, it "
                         "is not paid",
                         {"OR-PAY-3"}),
               w.final_batch, "final_batch");
    const Transaction malformed{optimistic_rollup::TxKind::withdrawal, std::nullopt, std::nullopt, std::nullopt,
                                std::nullopt};
    const World& world = s.world();
    s.submit(250, w.key(op), w.claimed(world, {malformed}, {world.tip()}, 249)).finalize(350, w.key(op));
    s.pay(350, Worlds::payment(s.world(), w.key(alice), 1, 0), Error::pay_not_withdrawal);
  }
}

}  // namespace l2::vectors::optimistic_rollup_vectors
