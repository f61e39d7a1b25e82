// Suites verify_fraud_proof and apply_tx: the fraud-proof verifier against an open challenge, every
// OR-FP rule with its negative case, and the stateless L2 step of every transaction kind.
#include "world.hpp"

#include "l2/ref/encoding.hpp"

namespace l2::vectors::optimistic_rollup_vectors {

namespace {

// Each case opens a challenge committing to `committed` (which fixes the challenge's batch and type),
// then checks `checked` against it.
void verify_case(CaseBook& cases, const Worlds& w, const World& world, const std::string& state, std::string name,
                 std::string description, std::vector<std::string> rules, const FraudProof& committed,
                 const FraudProof& checked, OptimisticRollupError expect) {
  Scenario(cases.add("verify_fraud_proof", std::move(name), std::move(description), std::move(rules)), world, state)
      .commit(150, w.key(challenger), committed)
      .verify(151, committed_id(w.key(challenger), committed), checked, expect);
}

// The forced-exit queue's fraud proofs. Alice asked at 110 for the forced exit of account 1
// (forced_exit_requested); batch 1 is built on origin 124 (the request is overdue: 110 + 10 <= 124)
// or 119 (not yet overdue).
void forced_exit_verify_cases(CaseBook& cases, const Worlds& w) {
  using Error = OptimisticRollupError;
  const World& requested = w.forced_exit_requested;
  const Transaction exit_all = Worlds::forced_exit(0, alice_account, w.key(alice), w.key(alice), 3485);
  {
    Scenario s(cases.add("verify_fraud_proof", "confirmed_forced_exit_timeout",
                         "batch 1, built on origin 124, ignores alice's forced exit recorded at 110: overdue since 120",
                         timeout_fault_rules()),
               requested, "forced_exit_requested");
    s.submit(125, w.key(op), w.honest(s.world(), w.batch1(), 124));
    const FraudProof proof = Worlds::timeout_proof(s.world(), 1, QueueKind::forced_exits, 0);
    s.commit(150, w.key(challenger), proof).verify(151, committed_id(w.key(challenger), proof), proof);
  }
  {
    Scenario s(cases.add("verify_fraud_proof", "invalid_forced_exit_not_overdue",
                         "batch 1 built on origin 119 ignores the request recorded at 110: due at 120, not yet overdue",
                         {"OR-FP-10"}),
               requested, "forced_exit_requested");
    s.submit(120, w.key(op), w.honest(s.world(), w.batch1(), 119));
    const FraudProof proof = Worlds::timeout_proof(s.world(), 1, QueueKind::forced_exits, 0);
    s.commit(150, w.key(challenger), proof)
        .verify(151, committed_id(w.key(challenger), proof), proof, Error::fraud_request_not_overdue);
  }
  {
    Scenario s(cases.add("verify_fraud_proof", "invalid_forced_exit_processed",
                         "batch 1 processes alice's forced exit (3485 leaves L2): a timeout claim for it is refused",
                         {"OR-FP-11"}),
               requested, "forced_exit_requested");
    s.submit(125, w.key(op), w.honest(s.world(), {exit_all}, 124));
    const FraudProof proof = Worlds::timeout_proof(s.world(), 1, QueueKind::forced_exits, 0);
    s.commit(150, w.key(challenger), proof)
        .verify(151, committed_id(w.key(challenger), proof), proof, Error::fraud_request_processed);
  }
  {
    // The operator marks the request processed but keeps alice's balance: amount 0 for an owned account.
    Scenario s(cases.add("verify_fraud_proof", "confirmed_forced_exit_wrong_amount",
                         "batch 1 processes alice's forced exit with amount 0 and leaves her 3485 on L2 (OR-FEX-5 at "
                         "re-execution): invalid_transition",
                         transaction_fault_rules()),
               requested, "forced_exit_requested");
    State kept = s.world().tip();
    kept.set_counters(optimistic_rollup::Counters{2, 1});
    const Transaction nothing = Worlds::forced_exit(0, alice_account, w.key(alice), w.key(alice), 0);
    s.submit(125, w.key(op), w.claimed(s.world(), {nothing}, {kept}, 124));
    const FraudProof proof = w.fraud_proof(s.world(), 1);
    s.commit(150, w.key(challenger), proof).verify(151, committed_id(w.key(challenger), proof), proof);
  }
}

// The stateless step of forced exits, on one_batch's state (alice 3485, bob 4000; 2 deposits
// credited, no forced exit processed).
void forced_exit_apply_tx_cases(CaseBook& cases, const Worlds& w) {
  using Error = OptimisticRollupError;
  const optimistic_rollup::L2Params params = w.params();
  const State s1 = w.one_batch.tip();
  const optimistic_rollup::L1Ids deposits_only = w.one_batch.l1_ids_of(0);
  // The L1 view holding `requests` (as L1 recorded them, amount 0) after the world's deposits.
  auto view = [&](std::initializer_list<optimistic_rollup::ForcedExit> requests) {
    optimistic_rollup::L1Ids ids = deposits_only;
    for (optimistic_rollup::ForcedExit request : requests) {
      request.amount = 0;
      ids.forced_exit_ids.push_back(optimistic_rollup::forced_exit_id(params, request));
    }
    return ids;
  };
  auto exit_of = [&](u64 index, AccountIndex from, std::size_t requester, std::size_t recipient, u64 amount) {
    return optimistic_rollup::ForcedExit{index, from, w.key(requester), w.key(recipient), amount};
  };
  auto input = [&](const optimistic_rollup::L1Ids& ids, const State& state, const optimistic_rollup::ForcedExit& e) {
    return tx_input(params, ids, state, optimistic_rollup::make_transaction(e));
  };
  auto ok_case = [&](std::string name, std::string description, std::vector<std::string> rules, const ApplyTxInput& in) {
    Scenario(cases.add("apply_tx", std::move(name), std::move(description), std::move(rules))).apply_tx(in);
  };
  auto bad_case = [&](std::string name, std::string description, std::string rule, const ApplyTxInput& in, Error expect) {
    Scenario(cases.add("apply_tx", std::move(name), std::move(description), {std::move(rule)})).apply_tx(in, expect);
  };

  const auto owned = exit_of(0, alice_account, alice, alice, 3485);
  ok_case("forced_exit_owned", "alice's request 0 for account 1: her whole 3485 leaves L2 and the counter advances",
          concat({{"OR-TX-1", "OR-WIT-1", "OR-WIT-2", "OR-WIT-3", "OR-WIT-4"}, rule_range("OR-FEX", 1, 5)}),
          input(view({owned}), s1, owned));
  {
    const auto to_bob = exit_of(0, alice_account, alice, bob, 3485);
    ok_case("forced_exit_to_another_recipient", "alice's request pays her balance to bob's L1 key", {"OR-FEX-5"},
            input(view({to_bob}), s1, to_bob));
  }
  {
    const auto not_owned = exit_of(0, alice_account, bob, bob, 0);
    ok_case("forced_exit_not_owned", "bob's request for alice's account moves nothing: amount 0, the counter advances",
            {"OR-FEX-5"}, input(view({not_owned}), s1, not_owned));
    bad_case("invalid_forced_exit_not_owned_takes_balance", "bob's request for alice's account claims her 3485",
             "OR-FEX-5", input(view({not_owned}), s1, exit_of(0, alice_account, bob, bob, 3485)),
             Error::forced_exit_wrong_amount);
    bad_case("invalid_forced_exit_not_owned_takes_one", "bob's request for alice's account claims 1", "OR-FEX-5",
             input(view({not_owned}), s1, exit_of(0, alice_account, bob, bob, 1)), Error::forced_exit_wrong_amount);
  }
  {
    const auto empty = exit_of(0, 5, carol, carol, 0);
    ok_case("forced_exit_empty_slot", "a request for empty slot 5 moves nothing", {"OR-FEX-5"},
            input(view({empty}), s1, empty));
  }
  bad_case("invalid_forced_exit_amount_below_balance", "alice's own request with amount 3484", "OR-FEX-5",
           input(view({owned}), s1, exit_of(0, alice_account, alice, alice, 3484)), Error::forced_exit_wrong_amount);
  bad_case("invalid_forced_exit_amount_above_balance", "alice's own request with amount 3486", "OR-FEX-5",
           input(view({owned}), s1, exit_of(0, alice_account, alice, alice, 3486)), Error::forced_exit_wrong_amount);
  bad_case("invalid_forced_exit_owned_amount_zero", "alice's own request with amount 0 keeps her balance on L2",
           "OR-FEX-5", input(view({owned}), s1, exit_of(0, alice_account, alice, alice, 0)), Error::forced_exit_wrong_amount);
  {
    State processed_one = s1;  // hand-made: one forced exit already processed
    processed_one.set_counters(optimistic_rollup::Counters{2, 1});
    bad_case("invalid_forced_exit_already_processed", "request 0 when the state has processed 1 (hand-made counters)",
             "OR-FEX-1", input(view({owned}), processed_one, owned), Error::forced_exit_already_processed);
  }
  {
    const auto second = exit_of(1, bob_account, bob, bob, 4000);
    bad_case("invalid_forced_exit_out_of_order", "request 1 before request 0", "OR-FEX-2",
             input(view({owned, second}), s1, second), Error::forced_exit_out_of_order);
  }
  bad_case("invalid_forced_exit_not_recorded", "request 0 when the batch's L1 view holds no forced exit", "OR-FEX-3",
           input(deposits_only, s1, owned), Error::forced_exit_not_recorded);
  bad_case("invalid_forced_exit_recipient_changed", "request 0 paying carol, while L1 recorded alice as the recipient",
           "OR-FEX-4", input(view({owned}), s1, exit_of(0, alice_account, alice, carol, 3485)), Error::forced_exit_mismatch);
  bad_case("invalid_forced_exit_requester_changed", "request 0 naming alice as requester, while bob asked", "OR-FEX-4",
           input(view({exit_of(0, alice_account, bob, alice, 0)}), s1, owned), Error::forced_exit_mismatch);
  {
    ApplyTxInput in = input(view({owned}), s1, owned);
    in.witness.accounts.clear();
    bad_case("invalid_forced_exit_witness_missing", "the opening of account 1 is left out", "OR-WIT-2", in,
             Error::witness_missing);
  }
}

}  // namespace

void verify_cases(CaseBook& cases, const Worlds& w) {
  using Error = OptimisticRollupError;
  using T = FraudProofType;
  // Confirmed frauds.
  verify_case(cases, w, w.fraud_invalid_root, "fraud_invalid_root", "confirmed_invalid_transition",
              "batch 1's post-root credits the operator 1000000 that bob's transfer does not", transaction_fault_rules(),
              w.fraud_proof(w.fraud_invalid_root, 1), w.fraud_proof(w.fraud_invalid_root, 1), Error::none);
  verify_case(cases, w, w.fraud_invalid_signature, "fraud_invalid_signature", "confirmed_invalid_signature",
              "batch 1 applies a transfer from bob signed by the operator", transaction_fault_rules(),
              w.fraud_proof(w.fraud_invalid_signature, 1), w.fraud_proof(w.fraud_invalid_signature, 1), Error::none);
  verify_case(cases, w, w.fraud_double_spend, "fraud_double_spend", "confirmed_double_spend",
              "batch 1 applies alice's nonce-0 transfer a second time (OR-SEND-3 at re-execution)", transaction_fault_rules(),
              w.fraud_proof(w.fraud_double_spend, 1), w.fraud_proof(w.fraud_double_spend, 1), Error::none);
  verify_case(cases, w, w.fraud_timeout, "fraud_timeout", "confirmed_timeout_violation",
              "carol's deposit, recorded at 89, is uncredited by batch 0 built on origin 99 = 89 + queue_inclusion_blocks",
              timeout_fault_rules(), w.fraud_proof(w.fraud_timeout, 0), w.fraud_proof(w.fraud_timeout, 0), Error::none);

  // Rejections: a proof against valid batch 0, transaction 1 (bob's deposit), mutated one field at a time.
  const World& b0 = w.one_batch;
  const FraudProof base = w.frivolous_proof();
  auto mutated = [&](const std::function<void(FraudProof&)>& edit) {
    FraudProof p = base;
    edit(p);
    return p;
  };
  auto reject = [&](std::string name, std::string description, std::string rule, const FraudProof& checked, OptimisticRollupError expect) {
    verify_case(cases, w, b0, "one_batch", std::move(name), std::move(description), {std::move(rule)}, base, checked, expect);
  };
  reject("invalid_other_batch", "the proof names another batch_id than the challenge's", "OR-FP-1",
         mutated([&](FraudProof& p) { p.batch_id = ref::tagged_hash("L2/vectors/other", w.seed); }), Error::fraud_batch_mismatch);
  reject("invalid_other_type", "the proof says double_spend, the challenge invalid_transition", "OR-FP-1",
         mutated([](FraudProof& p) { p.proof_type = T::double_spend; }), Error::fraud_batch_mismatch);
  reject("invalid_extra_timeout_fault", "an invalid_transition proof that also carries a timeout fault", "OR-FP-2",
         mutated([&](FraudProof& p) { p.timeout_fault = optimistic_rollup::TimeoutFault{QueueKind::deposits, 0, b0.tip().header()}; }), Error::fraud_evidence_shape);
  reject("invalid_missing_transaction_fault", "an invalid_transition proof without its transaction fault", "OR-FP-2",
         mutated([](FraudProof& p) { p.transaction_fault.reset(); }), Error::fraud_evidence_shape);
  reject("invalid_wrong_index", "transaction 1's bytes claimed at index 2", "OR-FP-3",
         mutated([](FraudProof& p) { p.transaction_fault->transaction_index = 2; }), Error::fraud_tx_not_included);
  reject("invalid_transaction_changed", "the deposit's amount changed from 3000 to 3001", "OR-FP-3",
         mutated([](FraudProof& p) {
           Transaction tx = reflect::decode<Transaction>(p.transaction_fault->transaction).value();
           tx.deposit->amount = 3001;
           p.transaction_fault->transaction = reflect::encode(tx);
         }),
         Error::fraud_tx_not_included);
  reject("invalid_pre_root", "state_roots[2] claimed as the pre-root at index 1", "OR-FP-4",
         mutated([&](FraudProof& p) { p.transaction_fault->pre_state_root = b0.posted[0].batch.state_roots[2]; }),
         Error::fraud_pre_root_not_included);
  reject("invalid_post_root", "state_roots[1] claimed as the post-root at index 2", "OR-FP-5",
         mutated([&](FraudProof& p) { p.transaction_fault->post_state_root = b0.posted[0].batch.state_roots[1]; }),
         Error::fraud_post_root_not_included);
  reject("invalid_witness_state", "the witness's state header does not open the pre-root (OR-WIT-1)", "OR-FP-6",
         mutated([](FraudProof& p) { p.transaction_fault->witness.pre_state.deposits_credited += 1; }), Error::fraud_bad_witness);
  reject("invalid_witness_forged_account",
         "the opening of bob's still empty slot claims it holds an account of 1000000 (OR-WIT-4)", "OR-FP-6",
         mutated([&](FraudProof& p) {
           p.transaction_fault->witness.accounts[0].account = optimistic_rollup::Account{minted, 0, w.key(bob)};
         }),
         Error::fraud_bad_witness);
  reject("invalid_no_fault", "transaction 1 is valid and state_roots[2] is its result", "OR-FP-7", base, Error::fraud_no_fault);
  {
    FraudProof retyped = w.fraud_proof(w.fraud_invalid_signature, 1);
    retyped.proof_type = T::invalid_transition;
    verify_case(cases, w, w.fraud_invalid_signature, "fraud_invalid_signature", "invalid_type_mismatch",
                "the forged transfer proven as invalid_transition: its fault is invalid_signature", {"OR-FP-8"}, retyped,
                retyped, Error::fraud_type_mismatch);
  }
  {
    FraudProof timeout = w.fraud_proof(w.fraud_timeout, 0);
    FraudProof bad_opening = timeout;
    bad_opening.timeout_fault->post_state.deposits_credited = 3;
    verify_case(cases, w, w.fraud_timeout, "fraud_timeout", "invalid_bad_state_opening",
                "the timeout proof's post-state header claims 3 deposits credited: it does not open the post-root",
                {"OR-FP-9"}, timeout, bad_opening, Error::fraud_bad_state_opening);
  }
  {
    const FraudProof not_overdue = Worlds::timeout_proof(w.fresh_deposit, 0, QueueKind::deposits, 2);
    verify_case(cases, w, w.fresh_deposit, "fresh_deposit", "invalid_deposit_not_overdue",
                "carol's deposit, recorded at 90, is due at 100 and batch 0 was built on origin 99", {"OR-FP-10"}, not_overdue,
                not_overdue, Error::fraud_request_not_overdue);
  }
  {
    // Carol deposits after batch 0's origin: batch 0 could not see it.
    const FraudProof later = Worlds::timeout_proof(b0, 0, QueueKind::deposits, 2);
    Scenario(cases.add("verify_fraud_proof", "invalid_deposit_after_origin",
                       "a timeout claim against batch 0 for a deposit recorded after its origin: not in its L1 view",
                       {"OR-FP-10"}),
             b0, "one_batch")
        .deposit_new_account(140, w.key(carol), w.key(carol), 700)
        .commit(150, w.key(challenger), later)
        .verify(151, committed_id(w.key(challenger), later), later, Error::fraud_request_not_overdue);
  }
  {
    const FraudProof credited = Worlds::timeout_proof(b0, 0, QueueKind::deposits, 1);
    verify_case(cases, w, b0, "one_batch", "invalid_deposit_credited", "a timeout claim for bob's deposit, which batch 0 credited",
                {"OR-FP-11"}, credited, credited, Error::fraud_request_processed);
  }
  Scenario(cases.add("verify_fraud_proof", "invalid_unknown_challenge", "a proof for a challenge that was never opened",
                     {"OR-RES-1"}),
           b0, "one_batch")
      .verify(151, committed_id(w.key(challenger), base), base, Error::unknown_challenge);
  forced_exit_verify_cases(cases, w);
}


void apply_tx_cases(CaseBook& cases, const Worlds& w) {
  using Error = OptimisticRollupError;
  const optimistic_rollup::L2Params params = w.params();
  const State s1 = w.one_batch.tip();  // alice 3485 (nonce 2), bob 4000, operator 15; 2 deposits credited
  const optimistic_rollup::L1Ids ids = w.one_batch.l1_ids_of(0);  // deposits 0 and 1, no forced exit
  auto with_ids = [&](std::vector<Hash32> more) {
    optimistic_rollup::L1Ids out = ids;
    out.deposit_ids.insert(out.deposit_ids.end(), more.begin(), more.end());
    return out;
  };
  const optimistic_rollup::L1Ids no_requests{};
  auto id_of = [&](const Transaction& deposit) { return optimistic_rollup::deposit_id(params, *deposit.deposit); };

  // Hand-made states: the stateless step answers for any state its root opens.
  State near_max = State::genesis(w.key(op));
  near_max.put(fee_account, {u64_max - 2, 0, w.key(op)});
  near_max.put(alice_account, {1000, 0, w.key(alice)});
  near_max.put(bob_account, {u64_max - 5, 0, w.key(bob)});
  near_max.put(3, {1000, u64_max, w.key(carol)});
  near_max.put(4, {1000, u64_max - 1, w.key(carol)});
  State no_fee_account;
  no_fee_account.put(alice_account, {1000, 0, w.key(alice)});
  no_fee_account.put(bob_account, {0, 0, w.key(bob)});
  const std::string near_max_note = " (hand-made state: fee account UINT64_MAX - 2, bob UINT64_MAX - 5, account 3 at nonce "
                                    "UINT64_MAX, account 4 at UINT64_MAX - 1)";

  const std::vector<std::string> transfer_rules =
      concat({{"OR-TX-1"}, rule_range("OR-WIT", 1, 4), rule_range("OR-SEND", 1, 7), rule_range("OR-XFER", 1, 2),
              rule_range("OR-FEE", 1, 2)});
  const std::vector<std::string> withdrawal_rules =
      concat({{"OR-TX-1"}, rule_range("OR-WIT", 1, 4), rule_range("OR-SEND", 1, 7), rule_range("OR-FEE", 1, 2)});

  auto ok_case = [&](std::string name, std::string description, std::vector<std::string> rules, const ApplyTxInput& in) {
    Scenario(cases.add("apply_tx", std::move(name), std::move(description), std::move(rules))).apply_tx(in);
  };
  auto bad_case = [&](std::string name, std::string description, std::string rule, const ApplyTxInput& in, Error expect) {
    Scenario(cases.add("apply_tx", std::move(name), std::move(description), {std::move(rule)})).apply_tx(in, expect);
  };

  const Transaction pay_bob = w.transfer(alice_account, bob_account, 100, 3, 2, alice);
  const ApplyTxInput pay_bob_in = tx_input(params, ids, s1, pay_bob);
  const Transaction to_self = w.transfer(alice_account, alice_account, 100, 3, 2, alice);
  const ApplyTxInput to_self_in = tx_input(params, ids, s1, to_self);

  // Accepted.
  ok_case("transfer", "alice pays bob 100 with fee 3 at nonce 2: reads alice, bob, then the fee account", transfer_rules,
          pay_bob_in);
  ok_case("transfer_to_self", "alice pays herself: the second opening of slot 1 sees the first write",
          {"OR-WIT-2", "OR-WIT-3", "OR-WIT-4", "OR-XFER-1", "OR-XFER-2"}, to_self_in);
  ok_case("transfer_to_fee_account", "alice pays the operator's account 0, which is then read again for the fee",
          {"OR-WIT-4", "OR-XFER-1", "OR-FEE-1", "OR-FEE-2"},
          tx_input(params, ids, s1, w.transfer(alice_account, fee_account, 100, 3, 2, alice)));
  ok_case("transfer_zero", "amount 0 and fee 0 are allowed and still consume the nonce", {"OR-SEND-6", "OR-SEND-7"},
          tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 0, 0, 2, alice)));
  ok_case("transfer_whole_balance", "amount + fee is exactly alice's balance, 3485", {"OR-SEND-7"},
          tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 3475, 10, 2, alice)));
  ok_case("withdrawal", "alice withdraws 500 with fee 5 to her L1 key", withdrawal_rules,
          tx_input(params, ids, s1, w.withdrawal(alice_account, w.key(alice), 500, 5, 2, alice)));
  ok_case("operator_spends_fees", "the operator pays bob its 15 of fees from account 0", {"OR-SEND-1", "OR-SEND-2", "OR-FEE-1"},
          tx_input(params, ids, s1, w.transfer(fee_account, bob_account, 15, 0, 0, op)));
  {
    const Transaction dep = Worlds::deposit(2, carol_account, w.key(carol), 700);
    ok_case("deposit_new_account", "deposit 2 creates carol's account 3 with 700",
            concat({{"OR-TX-1", "OR-WIT-1", "OR-WIT-2", "OR-WIT-3", "OR-WIT-4"}, rule_range("OR-DEP", 1, 5)}),
            tx_input(params, with_ids({id_of(dep)}), s1, dep));
  }
  {
    const Transaction dep = Worlds::deposit(2, alice_account, std::nullopt, 250);
    ok_case("deposit_top_up", "deposit 2 adds 250 to alice's account",
            {"OR-DEP-1", "OR-DEP-2", "OR-DEP-3", "OR-DEP-4", "OR-DEP-6", "OR-DEP-7"},
            tx_input(params, with_ids({id_of(dep)}), s1, dep));
  }
  ok_case("recipient_balance_at_max", "bob's balance reaches exactly UINT64_MAX" + near_max_note, {"OR-XFER-2"},
          tx_input(params, no_requests, near_max, w.transfer(alice_account, bob_account, 5, 0, 0, alice)));
  ok_case("fee_account_at_max", "the fee account reaches exactly UINT64_MAX" + near_max_note, {"OR-FEE-2"},
          tx_input(params, no_requests, near_max, w.transfer(alice_account, bob_account, 0, 2, 0, alice)));
  ok_case("last_nonce", "account 4 signs at nonce UINT64_MAX - 1, the last one that can advance" + near_max_note,
          {"OR-SEND-5"}, tx_input(params, no_requests, near_max, w.transfer(4, alice_account, 10, 0, u64_max - 1, carol)));
  {
    const Transaction dep = Worlds::deposit(0, bob_account, std::nullopt, 5);
    ok_case("top_up_to_max", "a deposit brings bob's balance to exactly UINT64_MAX" + near_max_note, {"OR-DEP-7"},
            tx_input(params, optimistic_rollup::L1Ids{{id_of(dep)}, {}}, near_max, dep));
  }

  // OR-TX-1: bytes that are not one well-formed transaction.
  // The shape is checked before the witness, which is left empty.
  auto with_bytes = [&](Bytes bytes) {
    ApplyTxInput in = pay_bob_in;
    in.witness.accounts.clear();
    in.transaction = std::move(bytes);
    return in;
  };
  const Bytes encoded = reflect::encode(pay_bob);
  bad_case("invalid_truncated_bytes", "the transfer's encoding without its last byte", "OR-TX-1",
           with_bytes(Bytes(encoded.begin(), encoded.end() - 1)), Error::tx_malformed);
  {
    Bytes longer = encoded;
    longer.push_back(0);
    bad_case("invalid_trailing_byte", "the transfer's encoding followed by one zero byte", "OR-TX-1", with_bytes(longer),
             Error::tx_malformed);
  }
  {
    Bytes unknown = encoded;
    unknown[0] = 4;
    bad_case("invalid_unknown_kind", "kind byte 4, which names no transaction kind", "OR-TX-1", with_bytes(unknown),
             Error::tx_malformed);
  }
  bad_case("invalid_kind_body_mismatch", "kind withdrawal with a transfer body", "OR-TX-1",
           with_bytes(reflect::encode(Transaction{optimistic_rollup::TxKind::withdrawal, pay_bob.transfer, std::nullopt, std::nullopt,
                                                  std::nullopt})),
           Error::tx_malformed);
  bad_case("invalid_no_body", "kind transfer with no body", "OR-TX-1",
           with_bytes(reflect::encode(Transaction{optimistic_rollup::TxKind::transfer, std::nullopt, std::nullopt, std::nullopt,
                                                  std::nullopt})),
           Error::tx_malformed);
  bad_case("invalid_two_bodies", "kind transfer with a transfer body and a deposit body", "OR-TX-1",
           with_bytes(reflect::encode(Transaction{optimistic_rollup::TxKind::transfer, pay_bob.transfer,
                                                  optimistic_rollup::Deposit{2, carol_account, w.key(carol), 700}, std::nullopt,
                                                  std::nullopt})),
           Error::tx_malformed);
  bad_case("invalid_forced_exit_no_body", "kind forced_exit with no body", "OR-TX-1",
           with_bytes(reflect::encode(Transaction{optimistic_rollup::TxKind::forced_exit, std::nullopt, std::nullopt,
                                                  std::nullopt, std::nullopt})),
           Error::tx_malformed);
  bad_case("invalid_forced_exit_with_transfer_body", "kind forced_exit with a forced-exit body and a transfer body",
           "OR-TX-1",
           with_bytes(reflect::encode(Transaction{optimistic_rollup::TxKind::forced_exit, pay_bob.transfer, std::nullopt,
                                                  std::nullopt,
                                                  optimistic_rollup::ForcedExit{0, alice_account, w.key(alice),
                                                                                w.key(alice), 3485}})),
           Error::tx_malformed);
  {
    Scenario s(cases.add("apply_tx", "malformed_transaction_not_hex", "the transaction field is not hex", {"OR-TX-1"}));
    json input = codec::to_json(pay_bob_in);
    input["transaction"] = "zz";
    s.raw("apply_tx", 0, input);
  }

  // OR-WIT: the witness, not the transaction, is wrong.
  auto with_witness = [&](const ApplyTxInput& base, const std::function<void(optimistic_rollup::TxWitness&)>& edit) {
    ApplyTxInput in = base;
    edit(in.witness);
    return in;
  };
  bad_case("invalid_witness_pre_state", "the state header claims 3 deposits credited", "OR-WIT-1",
           with_witness(pay_bob_in, [](optimistic_rollup::TxWitness& x) { x.pre_state.deposits_credited = 3; }),
           Error::witness_state_mismatch);
  bad_case("invalid_witness_missing_fee_opening", "the opening of the fee account is left out", "OR-WIT-2",
           with_witness(pay_bob_in, [](optimistic_rollup::TxWitness& x) { x.accounts.pop_back(); }), Error::witness_missing);
  bad_case("invalid_witness_empty", "no account opening at all", "OR-WIT-2",
           with_witness(pay_bob_in, [](optimistic_rollup::TxWitness& x) { x.accounts.clear(); }), Error::witness_missing);
  bad_case("invalid_witness_wrong_order", "bob's opening comes before alice's", "OR-WIT-3",
           with_witness(pay_bob_in, [](optimistic_rollup::TxWitness& x) { std::swap(x.accounts[0], x.accounts[1]); }),
           Error::witness_wrong_account);
  bad_case("invalid_witness_inflated_balance", "alice's opening claims 1000000 more than her slot holds", "OR-WIT-4",
           with_witness(pay_bob_in, [](optimistic_rollup::TxWitness& x) { x.accounts[0].account->balance += minted; }),
           Error::witness_root_mismatch);
  bad_case("invalid_witness_stale_alias",
           "a transfer to oneself whose second opening of slot 1 is the one from before the debit", "OR-WIT-4",
           with_witness(to_self_in, [](optimistic_rollup::TxWitness& x) { x.accounts[1] = x.accounts[0]; }), Error::witness_root_mismatch);

  // OR-SEND: the sender's side.
  bad_case("invalid_unknown_sender", "a transfer from empty slot 7", "OR-SEND-1",
           tx_input(params, ids, s1, w.transfer(7, bob_account, 100, 3, 0, alice)), Error::unknown_sender);
  bad_case("invalid_bad_signature", "alice's transfer signed by bob", "OR-SEND-2",
           tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 100, 3, 2, bob)), Error::bad_signature);
  bad_case("invalid_nonce_replayed", "alice signs at nonce 1; her account is at 2", "OR-SEND-3",
           tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 100, 3, 1, alice)), Error::nonce_replayed);
  bad_case("invalid_nonce_gap", "alice signs at nonce 3; her account is at 2", "OR-SEND-4",
           tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 100, 3, 3, alice)), Error::nonce_gap);
  bad_case("invalid_nonce_exhausted", "account 3 is at nonce UINT64_MAX" + near_max_note, "OR-SEND-5",
           tx_input(params, no_requests, near_max, w.transfer(3, alice_account, 10, 0, u64_max, carol)), Error::nonce_exhausted);
  bad_case("invalid_amount_overflow", "amount UINT64_MAX and fee 1", "OR-SEND-6",
           tx_input(params, ids, s1, w.transfer(alice_account, bob_account, u64_max, 1, 2, alice)), Error::amount_overflow);
  bad_case("invalid_insufficient_balance", "amount + fee is alice's balance + 1", "OR-SEND-7",
           tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 3476, 10, 2, alice)), Error::insufficient_balance);
  bad_case("invalid_withdrawal_insufficient_balance", "a withdrawal of alice's balance - fee + 1", "OR-SEND-7",
           tx_input(params, ids, s1, w.withdrawal(alice_account, w.key(alice), 3481, 5, 2, alice)),
           Error::insufficient_balance);

  // OR-XFER and OR-FEE.
  bad_case("invalid_unknown_recipient", "a transfer to empty slot 9", "OR-XFER-1",
           tx_input(params, ids, s1, w.transfer(alice_account, 9, 100, 3, 2, alice)), Error::unknown_recipient);
  bad_case("invalid_recipient_balance_overflow", "bob's balance would pass UINT64_MAX by 1" + near_max_note, "OR-XFER-2",
           tx_input(params, no_requests, near_max, w.transfer(alice_account, bob_account, 6, 0, 0, alice)),
           Error::recipient_balance_overflow);
  bad_case("invalid_no_fee_account", "a state without account 0 (hand-made: alice 1000, bob 0)", "OR-FEE-1",
           tx_input(params, no_requests, no_fee_account, w.transfer(alice_account, bob_account, 10, 1, 0, alice)), Error::no_fee_account);
  bad_case("invalid_withdrawal_no_fee_account", "a withdrawal in a state without account 0", "OR-FEE-1",
           tx_input(params, no_requests, no_fee_account, w.withdrawal(alice_account, w.key(alice), 10, 0, 0, alice)),
           Error::no_fee_account);
  bad_case("invalid_fee_balance_overflow", "the fee account would pass UINT64_MAX by 1" + near_max_note, "OR-FEE-2",
           tx_input(params, no_requests, near_max, w.transfer(alice_account, bob_account, 0, 3, 0, alice)), Error::fee_balance_overflow);

  // OR-DEP.
  {
    const Transaction dep = Worlds::deposit(1, bob_account, w.key(bob), 3000);
    bad_case("invalid_deposit_already_credited", "deposit 1 again when 2 are credited", "OR-DEP-1",
             tx_input(params, ids, s1, dep), Error::deposit_already_credited);
  }
  {
    const Transaction d2 = Worlds::deposit(2, carol_account, w.key(carol), 700);
    const Transaction d3 = Worlds::deposit(3, alice_account, std::nullopt, 100);
    bad_case("invalid_deposit_out_of_order", "deposit 3 before deposit 2", "OR-DEP-2",
             tx_input(params, with_ids({id_of(d2), id_of(d3)}), s1, d3), Error::deposit_out_of_order);
    bad_case("invalid_deposit_not_recorded", "deposit 2 when L1 had recorded 2 deposits (indices 0 and 1)", "OR-DEP-3",
             tx_input(params, ids, s1, d2), Error::deposit_not_recorded);
    const Transaction inflated = Worlds::deposit(2, carol_account, w.key(carol), 701);
    bad_case("invalid_deposit_mismatch", "deposit 2 credits 701; L1 recorded 700", "OR-DEP-4",
             tx_input(params, with_ids({id_of(d2)}), s1, inflated), Error::deposit_mismatch);
  }
  {
    const Transaction dep = Worlds::deposit(2, alice_account, w.key(carol), 700);
    bad_case("invalid_deposit_account_exists", "an account-creating deposit to alice's occupied slot 1", "OR-DEP-5",
             tx_input(params, with_ids({id_of(dep)}), s1, dep), Error::account_exists);
  }
  {
    const Transaction dep = Worlds::deposit(2, 5, std::nullopt, 700);
    bad_case("invalid_deposit_unknown_account", "a top-up of empty slot 5", "OR-DEP-6",
             tx_input(params, with_ids({id_of(dep)}), s1, dep), Error::unknown_account);
  }
  {
    const Transaction dep = Worlds::deposit(0, bob_account, std::nullopt, 6);
    bad_case("invalid_deposit_balance_overflow", "a top-up taking bob's balance past UINT64_MAX by 1" + near_max_note,
             "OR-DEP-7", tx_input(params, optimistic_rollup::L1Ids{{id_of(dep)}, {}}, near_max, dep), Error::deposit_balance_overflow);
  }
  forced_exit_apply_tx_cases(cases, w);
}

}  // namespace l2::vectors::optimistic_rollup_vectors
