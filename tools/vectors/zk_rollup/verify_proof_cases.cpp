// Suite verify_proof: the stateless op, the reexecution backend's verdict on (verifying key, proof
// input, proof). The honest proofs of the world's batches, the verifier's own-ids view after a forced
// exit and at the top of the counters, and one negative case per rule ZK-RX-1..13, each built from an
// honest proof by one edit (re-hashing what a dishonest prover would re-hash, so
// that exactly the intended rule is the first to fail).
#include <functional>
#include <utility>

#include "world.hpp"

namespace l2::vectors::zk_rollup_vectors {

namespace {

zk::VerifyProofInput input_for(const zk::VerifyingKey& vk, const zk::ReexecutionProof& proof) {
  return zk::VerifyProofInput{vk, Worlds::input_of(proof), reflect::encode(proof)};
}

}  // namespace

void verify_proof_cases(CaseBook& cases, const Worlds& w) {
  const World& committed = w.committed;
  const zk::VerifyingKey vk = committed.contract.verifying_key;
  const zk::ReexecutionProof honest = Worlds::witnesses(committed, 0, 1);
  const zk::VerifyProofInput honest_input = input_for(vk, honest);
  if (honest_input.proof_input != zk::proof_input_of(committed.contract, 0, 1))
    generator_bug("the honest proof input of batch 0 is not the contract's");
  // `committed` with batch 1 (bob pays alice 200) committed after batch 0.
  World two = committed;
  {
    CaseSpec scratch;
    Scenario s(scratch, committed);
    s.commit(31, Worlds::batch(s.world(), 0, {w.bob_pays_alice()}));
    two = s.world();
  }

  auto add = [&](const char* name, const std::string& description, std::vector<std::string> rules,
                 const zk::VerifyProofInput& in, Error expect) {
    Scenario(cases.add("verify_proof", name, description, std::move(rules))).verify_proof(in, expect);
  };
  // An edit of the honest proof's one witness; `rehash` recomputes the proof input from the edited
  // statement, as a prover that controls the statement would.
  auto edited = [&](const std::function<void(zk::BatchWitness&)>& edit, bool rehash) {
    zk::ReexecutionProof proof = honest;
    edit(proof.batches.at(0));
    zk::VerifyProofInput in = input_for(vk, proof);
    if (!rehash) in.proof_input = honest_input.proof_input;
    return in;
  };

  add("new_accounts_in_empty_slots",
      "the honest proof of batch 0: its deposits create accounts 1 and 2 in empty touched slots; 4 transactions = the "
      "key's max_transactions",
      verify_rules(), honest_input, Error::none);
  add("honest_transfer_batch", "the honest proof of batch 1: bob pays alice 200, touching the fee account, alice and bob",
      verify_rules(), input_for(vk, Worlds::witnesses(two, 1, 1)), Error::none);
  add("two_batches", "one proof of batches 0 and 1: two witnesses, the second opening the first's post-state",
      verify_rules(), input_for(vk, Worlds::witnesses(two, 0, 2)), Error::none);

  // A second forced withdrawal served by a later batch: alice's request (op 2) is served by batch 1
  // at 41, bob requests his at 42 (op 3), batch 2 serves it at 43. Batch 2's witness starts at
  // forced_exits_processed = 1, so its own-ids window starts at request index 1.
  {
    CaseSpec scratch;
    Scenario s(scratch, w.forced_requested);
    s.commit(41, Worlds::batch(s.world(), 1, {}));
    s.request(42, w.key(bob), bob_account, w.key(bob), forced_withdrawal_fee);
    s.commit(43, Worlds::batch(s.world(), 1, {}));
    const zk::ReexecutionProof proof = Worlds::witnesses(s.world(), 2, 1);
    if (proof.batches.at(0).pre_state.forced_exits_processed != 1) generator_bug("batch 2 does not start after one forced exit");
    add("second_forced_exit",
        "the honest proof of a batch serving bob's forced withdrawal (request index 1) after a batch served alice's: the "
        "pre-state has forced_exits_processed = 1, so the verifier's view of the batch's own forced exits starts at index 1",
        verify_rules(), input_for(vk, proof), Error::none);
  }
  // The own-ids view at the top of the counters (OR-DEP-3, OR-FEX-3 through ZK-RX-12): a hand-made
  // pre-state header (verify_proof is stateless) whose counter is UINT64_MAX - 1 or UINT64_MAX, and
  // one priority operation at that index; the statement names the pre-state's root, the data
  // commitment and the operation's id, so that ZK-RX-1..11 pass. The post-state root is the one a
  // verifier crediting the operation computes (at UINT64_MAX: its counter wrapped to 0).
  {
    const State& base = committed.committed_state();
    const orl::Account alices = base.account(alice_account).value();
    const auto boundary_input = [&](const orl::Counters& counters, const Transaction& tx, const orl::Account& after,
                                    const orl::Counters& post_counters) {
      State pre = base;
      pre.set_counters(counters);
      State post = pre;
      post.put(alice_account, after);
      post.set_counters(post_counters);
      const std::vector<Transaction> txs{tx};
      zk::PublicInputPreimage statement = Worlds::statement_of(committed, 0);
      statement.batch_number = 1;
      statement.prev_state_root = pre.root();
      statement.post_state_root = post.root();
      statement.data_commitment = zk::data_commitment_of(txs);
      statement.priority_ops_hash = zk::priority_ops_hash(zk::priority_ids(w.params(), txs));
      zk::ReexecutionProof proof;
      proof.batches.push_back(Worlds::witness(pre, statement, txs, {alice_account}));
      return input_for(vk, proof);
    };
    const u64 credited = base.deposits_credited();
    const u64 processed = base.forced_exits_processed();
    orl::Account topped = alices;
    topped.balance += 100;
    const auto top_up = [&](u64 index) { return orl::make_transaction(orl::Deposit{index, alice_account, std::nullopt, 100}); };
    add("deposit_at_index_max_minus_1",
        "a top-up of alice's account by 100 at deposit index UINT64_MAX - 1 = the pre-state's deposits_credited: the last "
        "index the verifier's view of the batch's own deposits holds (OR-DEP-3); deposits_credited becomes UINT64_MAX",
        verify_rules(), boundary_input({u64_max - 1, processed}, top_up(u64_max - 1), topped, {u64_max, processed}),
        Error::none);
    add("invalid_deposit_at_index_max",
        "a top-up of alice's account by 100 at deposit index UINT64_MAX = the pre-state's deposits_credited: the view of "
        "the batch's own deposits does not hold it, since the count after it would not fit (OR-DEP-3), so the "
        "transaction is rejected (the statement's post-state root is the one with the counter wrapped to 0)",
        {"ZK-RX-12"}, boundary_input({u64_max, processed}, top_up(u64_max), topped, {0, processed}),
        Error::rx_transaction_rejected);
    orl::Account emptied = alices;
    emptied.balance = 0;
    const auto alices_exit = [&](u64 index) {
      return orl::make_transaction(orl::ForcedExit{index, alice_account, w.key(alice), w.key(alice), alices.balance});
    };
    add("forced_exit_at_index_max_minus_1",
        "alice's forced withdrawal of her whole balance at request index UINT64_MAX - 1 = the pre-state's "
        "forced_exits_processed: the last index the verifier's view of the batch's own forced exits holds (OR-FEX-3); "
        "forced_exits_processed becomes UINT64_MAX",
        verify_rules(), boundary_input({credited, u64_max - 1}, alices_exit(u64_max - 1), emptied, {credited, u64_max}),
        Error::none);
    add("invalid_forced_exit_at_index_max",
        "alice's forced withdrawal of her whole balance at request index UINT64_MAX = the pre-state's "
        "forced_exits_processed: the view of the batch's own forced exits does not hold it, since the count after it "
        "would not fit (OR-FEX-3), so the transaction is rejected (the statement's post-state root is the one with the "
        "counter wrapped to 0)",
        {"ZK-RX-12"}, boundary_input({credited, u64_max}, alices_exit(u64_max), emptied, {credited, 0}),
        Error::rx_transaction_rejected);
  }

  // ZK-RX-1
  {
    zk::VerifyProofInput in = honest_input;
    in.verifying_key.key.pop_back();
    add("invalid_key_malformed", "the key's 12 bytes cut to 11", {"ZK-RX-1"}, in, Error::rx_key_malformed);
    in = honest_input;
    in.verifying_key.key = reflect::encode(zk::ReexecutionKey{2, max_batch_size});
    add("invalid_key_version_2", "a version-2 ReexecutionKey", {"ZK-RX-1"}, in, Error::rx_key_malformed);
  }
  // ZK-RX-2
  {
    zk::VerifyProofInput in = honest_input;
    in.proof.pop_back();
    add("invalid_proof_malformed", "the honest proof's bytes without their last byte", {"ZK-RX-2"}, in,
        Error::rx_proof_malformed);
    in = honest_input;
    in.proof.push_back(0);
    add("invalid_proof_trailing_byte", "the honest proof's bytes and one more: not a canonical encoding", {"ZK-RX-2"}, in,
        Error::rx_proof_malformed);
    in = honest_input;
    in.proof = reflect::encode(zk::ReexecutionProof{});
    add("invalid_proof_no_batches", "a ReexecutionProof with no witness", {"ZK-RX-2"}, in, Error::rx_proof_malformed);
  }
  // ZK-RX-3
  {
    zk::VerifyProofInput in = honest_input;
    in.verifying_key = zk::reexecution_verifying_key(max_batch_size + 1);
    add("invalid_key_mismatch",
        "the honest proof of batch 0 checked against another key (max_transactions 5): its statement names the world's key",
        {"ZK-RX-3"}, in, Error::rx_key_mismatch);
  }
  // ZK-RX-4
  {
    zk::VerifyProofInput in = honest_input;
    const Hash32 pi = committed.contract.batches.at(0).public_input;
    const std::vector<Hash32> twice{pi, pi};
    in.proof_input = zk::proof_input(twice);
    add("invalid_input_mismatch", "the honest proof of batch 0 against the proof input of [batch 0, batch 0]", {"ZK-RX-4"},
        in, Error::rx_input_mismatch);
  }
  // ZK-RX-5
  {
    const zk::VerifyingKey three = zk::reexecution_verifying_key(max_batch_size - 1);
    add("invalid_too_many_transactions",
        "batch 0's 4 transactions proved under a key of max_transactions 3 (the statement names that key)", {"ZK-RX-5"},
        input_for(three, Worlds::witnesses(committed, 0, 1, &three)), Error::rx_too_many_transactions);
  }
  // ZK-RX-6
  add("invalid_pre_state_mismatch",
      "the witness's pre-state header claims 1 deposit credited: it does not hash to the statement's prev_state_root",
      {"ZK-RX-6"}, edited([](zk::BatchWitness& b) { b.pre_state.deposits_credited = 1; }, false),
      Error::rx_pre_state_mismatch);
  // ZK-RX-7
  add("invalid_accounts_not_sorted", "the touched slots 0 and 1 listed as 1, 0", {"ZK-RX-7"},
      edited([](zk::BatchWitness& b) { std::swap(b.accounts.at(0), b.accounts.at(1)); }, false),
      Error::rx_accounts_not_sorted);
  add("invalid_account_listed_twice", "touched slot 1 listed twice: not strictly ascending", {"ZK-RX-7"},
      edited(
          [](zk::BatchWitness& b) {
            const zk::TouchedAccount copy = b.accounts.at(1);
            b.accounts.insert(b.accounts.begin() + 1, copy);
          },
          false),
      Error::rx_accounts_not_sorted);
  // ZK-RX-8
  add("invalid_one_sibling_short", "the multiproof without its last sibling", {"ZK-RX-8"},
      edited([](zk::BatchWitness& b) { b.siblings.pop_back(); }, false), Error::rx_multiproof_mismatch);
  add("invalid_one_sibling_extra", "the multiproof with one sibling more than it needs", {"ZK-RX-8"},
      edited([](zk::BatchWitness& b) { b.siblings.push_back(Hash32{}); }, false), Error::rx_multiproof_mismatch);
  add("invalid_wrong_sibling", "the multiproof's first sibling with one bit flipped: another accounts root", {"ZK-RX-8"},
      edited([](zk::BatchWitness& b) { b.siblings.at(0)[0] ^= 1; }, false), Error::rx_multiproof_mismatch);
  add("invalid_no_touched_account", "a witness that opens no slot (and lists no sibling)", {"ZK-RX-8"},
      edited(
          [](zk::BatchWitness& b) {
            b.accounts.clear();
            b.siblings.clear();
          },
          false),
      Error::rx_multiproof_mismatch);
  // ZK-RX-9
  add("invalid_flipped_transaction_byte", "one bit of alice's transfer signature flipped: the data commitment differs",
      {"ZK-RX-9"}, edited([](zk::BatchWitness& b) { b.transactions.at(2).transfer->signature[0] ^= 1; }, false),
      Error::rx_data_mismatch);
  // ZK-RX-10
  add("invalid_skipped_deposit",
      "the batch's transactions without alice's deposit (op 0); the statement (data commitment re-hashed) still names the "
      "contract's chain of ops 0 and 1",
      {"ZK-RX-10"},
      edited(
          [](zk::BatchWitness& b) {
            b.transactions.erase(b.transactions.begin());
            b.statement.data_commitment = zk::data_commitment_of(b.transactions);
          },
          true),
      Error::rx_priority_mismatch);
  // ZK-RX-11
  {
    zk::ReexecutionProof proof = honest;
    proof.batches.at(0) = Worlds::witness(committed.genesis, honest.batches.at(0).statement, honest.batches.at(0).transactions,
                                          {alice_account, bob_account});
    add("invalid_read_of_unopened_slot",
        "the witness opens slots 1 and 2 only: alice's transfer credits its fee to the fee account, slot 0", {"ZK-RX-11"},
        input_for(vk, proof), Error::rx_account_not_opened);
  }
  // ZK-RX-12
  {
    const orl::Signature bobs = w.actors.sign(bob, orl::transfer_digest(w.params(), *honest.batches.at(0).transactions.at(2).transfer));
    add("invalid_bad_signature",
        "alice's transfer carrying bob's signature of its digest (the data commitment re-hashed)", {"ZK-RX-12"},
        edited(
            [&](zk::BatchWitness& b) {
              b.transactions.at(2).transfer->signature = bobs;
              b.statement.data_commitment = zk::data_commitment_of(b.transactions);
            },
            true),
        Error::rx_transaction_rejected);
  }
  // ZK-RX-13
  {
    State minted = committed.committed_state();
    orl::Account fees = minted.account(fee_account).value();
    fees.balance += 1'000'000;
    minted.put(fee_account, fees);
    add("invalid_false_post_root",
        "the statement's post-state root credits the fee account 1000000 more than the batch's execution", {"ZK-RX-13"},
        edited([&](zk::BatchWitness& b) { b.statement.post_state_root = minted.root(); }, true),
        Error::rx_post_root_mismatch);
  }

  // ---- Two rules broken at once: the first in the order of the table names the error ----
  // Puts bob's signature on alice's transfer (transaction 2 of batch 0's witness) and re-hashes the data commitment.
  auto forge_signature = [&](zk::BatchWitness& b) {
    b.transactions.at(2).transfer->signature =
        w.actors.sign(bob, orl::transfer_digest(w.params(), *b.transactions.at(2).transfer));
    b.statement.data_commitment = zk::data_commitment_of(b.transactions);
  };
  {
    zk::VerifyProofInput in = honest_input;
    in.verifying_key.key.pop_back();
    in.proof.pop_back();
    add("invalid_key_malformed_before_proof_malformed",
        "the key cut to 11 bytes and the proof without its last byte: ZK-RX-1 is checked before ZK-RX-2", {"ZK-RX-1", "ZK-RX-2"}, in,
        Error::rx_key_malformed);
  }
  {
    zk::VerifyProofInput in = honest_input;
    in.verifying_key = zk::reexecution_verifying_key(max_batch_size + 1);
    in.proof_input = zk::proof_input(std::vector<Hash32>{committed.contract.batches.at(0).public_input,
                                                         committed.contract.batches.at(0).public_input});
    add("invalid_key_mismatch_before_input_mismatch",
        "the honest proof of batch 0 against another key (max_transactions 5) and the proof input of [batch 0, batch 0]: "
        "ZK-RX-3 is checked before ZK-RX-4",
        {"ZK-RX-3", "ZK-RX-4"}, in, Error::rx_key_mismatch);
  }
  {
    const zk::VerifyingKey three = zk::reexecution_verifying_key(max_batch_size - 1);
    zk::VerifyProofInput in = input_for(three, Worlds::witnesses(committed, 0, 1, &three));
    in.proof_input = honest_input.proof_input;
    add("invalid_input_mismatch_before_too_many",
        "batch 0's 4 transactions under a key of max_transactions 3, against the world key's proof input: ZK-RX-4 is "
        "checked before ZK-RX-5",
        {"ZK-RX-4", "ZK-RX-5"}, in, Error::rx_input_mismatch);
  }
  {
    zk::ReexecutionProof proof = Worlds::witnesses(two, 0, 2);
    forge_signature(proof.batches.at(0));
    zk::VerifyProofInput in = input_for(vk, proof);
    in.proof_input = Worlds::input_of(Worlds::witnesses(two, 0, 2));
    add("invalid_input_mismatch_before_first_witness",
        "one proof of batches 0 and 1 whose witness 0 carries bob's signature on alice's transfer (ZK-RX-12), against the "
        "honest proof input: ZK-RX-4 is checked before any witness's ZK-RX-5..13",
        {"ZK-RX-4", "ZK-RX-12"}, in, Error::rx_input_mismatch);
  }
  {
    zk::ReexecutionProof proof = Worlds::witnesses(two, 0, 2);
    forge_signature(proof.batches.at(0));
    proof.batches.at(1).statement.vk_hash = zk::vk_hash(zk::reexecution_verifying_key(max_batch_size + 1));
    add("invalid_second_witness_key_mismatch",
        "one proof of batches 0 and 1: witness 0 carries bob's signature on alice's transfer (ZK-RX-12), witness 1's "
        "statement names another key (ZK-RX-3); ZK-RX-3 is checked over every witness before any witness's ZK-RX-5..13",
        {"ZK-RX-3", "ZK-RX-12"}, input_for(vk, proof), Error::rx_key_mismatch);
  }
  {
    const zk::VerifyingKey three = zk::reexecution_verifying_key(max_batch_size - 1);
    zk::ReexecutionProof proof = Worlds::witnesses(committed, 0, 1, &three);
    proof.batches.at(0).pre_state.deposits_credited = 1;
    add("invalid_too_many_before_pre_state",
        "batch 0's 4 transactions under a key of max_transactions 3, with a pre-state header claiming 1 deposit credited: "
        "ZK-RX-5 is checked before ZK-RX-6",
        {"ZK-RX-5", "ZK-RX-6"}, input_for(three, proof), Error::rx_too_many_transactions);
  }
  add("invalid_pre_state_before_not_sorted",
      "the pre-state header claims 1 deposit credited and the touched slots 0 and 1 are listed as 1, 0: ZK-RX-6 is checked "
      "before ZK-RX-7",
      {"ZK-RX-6", "ZK-RX-7"},
      edited(
          [](zk::BatchWitness& b) {
            b.pre_state.deposits_credited = 1;
            std::swap(b.accounts.at(0), b.accounts.at(1));
          },
          false),
      Error::rx_pre_state_mismatch);
  add("invalid_sibling_short_before_data",
      "the multiproof without its last sibling and one bit of alice's transfer signature flipped: ZK-RX-8 is checked "
      "before ZK-RX-9",
      {"ZK-RX-8", "ZK-RX-9"},
      edited(
          [](zk::BatchWitness& b) {
            b.siblings.pop_back();
            b.transactions.at(2).transfer->signature[0] ^= 1;
          },
          false),
      Error::rx_multiproof_mismatch);
  add("invalid_data_before_priority",
      "the batch's transactions without alice's deposit (op 0), the data commitment not re-hashed: ZK-RX-9 is checked "
      "before ZK-RX-10",
      {"ZK-RX-9", "ZK-RX-10"}, edited([](zk::BatchWitness& b) { b.transactions.erase(b.transactions.begin()); }, false),
      Error::rx_data_mismatch);
  {
    // Batch 1 (bob pays alice 200) carrying alice's signature of its digest, in a witness that opens the fee account
    // and bob's slot but not alice's, the transfer's `to`.
    Transaction forged = w.bob_pays_alice();
    forged.transfer->signature = w.actors.sign(alice, orl::transfer_digest(w.params(), *forged.transfer));
    zk::PublicInputPreimage statement = Worlds::statement_of(two, 1);
    statement.data_commitment = zk::data_commitment_of(std::vector<Transaction>{forged});
    zk::ReexecutionProof proof;
    proof.batches.push_back(Worlds::witness(two.batches.at(1).pre, statement, {forged}, {fee_account, bob_account}));
    add("invalid_bad_signature_before_unopened_recipient",
        "bob's transfer to alice carrying alice's signature, in a witness that does not open alice's slot: the "
        "transaction stops at its signature (ZK-RX-12) before it reads the recipient (ZK-RX-11)",
        {"ZK-RX-12", "ZK-RX-11"}, input_for(vk, proof), Error::rx_transaction_rejected);
  }
}

}  // namespace l2::vectors::zk_rollup_vectors
