// The L2 state, apply_tx and verify_fraud_proof as Z3 terms. spec: optimistic_rollup.md#the-z3-model
//
// THE L2 MODEL (spec-ready text: optimistic_rollup.md, "The Z3 model")
//
// An L2 state is `account_slots` (3) slots, each (exists, balance, nonce, owner), and the two counters
// deposits_credited and forced_exits_processed; an empty slot holds zeros (an opening of an empty
// slot carries no account). A transaction is a transfer, deposit, withdrawal or forced exit over those
// slots, or malformed (OR-TX-1), with the free verdicts of its signature (OR-SEND-2) and of its match
// with L1's record (OR-DEP-4, OR-FEX-4): each is a pure function of the transaction, the sender's key
// and L1, so every execution of one transaction on one state sees the same verdicts. apply(state, tx)
// is the reference's rules in its order, aliasing of from, to and the fee account included. A
// state's root is the state itself: the identity is an injective root function (SHA-256 collision
// resistance over an injective encoding, and the sparse tree's binding of every slot). A committed
// root is any tuple; one that is not a well-formed state is the root of no state, a junk root no
// witness opens. A witness is a well-formed state that passes the witness rules (OR-WIT-1..4) exactly
// when it equals the claimed pre-root: a real witness right on every slot the transaction reads gives
// that outcome, any other a witness error. RFC 6962 inclusion (OR-FP-3..5) and OR-FP-1 are verdicts
// that, when they hold, bind the proof to the committed transaction, roots, batch and type. Each
// queue's recorded_at is an uninterpreted function of the index. A batch is valid when every
// transaction i is valid at the state with root state_roots[i] and leads to state_roots[i + 1], and
// no request overdue at its L1 origin is unprocessed in its post-state.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "symbols.hpp"

namespace l2::inv::optimistic_rollup::model {

struct Account {
  expr exists, balance, nonce, owner;
};

struct L2State {
  std::vector<Account> accounts;
  expr credited, processed;  // deposits_credited, forced_exits_processed
};

// A transaction: its kind's fields (each kind reads its own; a deposit's and a forced exit's index
// is `request_index`), whether it is malformed (OR-TX-1), and the free verdicts of its signature
// (OR-SEND-2) and of its L1 record (OR-DEP-4, OR-FEX-4).
struct Tx {
  expr malformed, kind, from, to, amount, fee, nonce, request_index, creates, new_owner, requester, signature_ok,
      record_matches;
};

struct Applied {
  expr error;
  L2State post;
  expr withdrawn, deposited;  // the amount leaving L2 (a withdrawal or forced exit), the amount entering it
};

// The batch's L1 facts a fraud proof reads: its L1 view (how many deposits and forced exits it may
// read), its L1 origin, queue_inclusion_blocks, and each request's recorded_at.
struct BatchFacts {
  expr deposits_visible, forced_exits_visible, origin, inclusion_blocks;
  z3::func_decl deposit_recorded_at, forced_exit_recorded_at;
};

// A fraud proof: whether it names the challenge's batch and type (OR-FP-1), its type, which evidence
// it carries (OR-FP-2), the RFC 6962 verdicts of its transaction and two roots (OR-FP-3..5), its
// witness, and for a timeout fault the queue, the request and the post-state opening.
struct Proof {
  expr matches_challenge, type, has_transaction_fault, has_timeout_fault;
  expr tx_included, pre_included, post_included;
  L2State witness;
  expr forced_exits, index;  // the timeout fault's queue (forced exits or deposits) and request
  L2State post_state;
};

class L2Model : public Symbols {
 public:
  // `index_bits`: the width of an account index, 8 for the model's slots, 32 for the engine's
  // witness cursor, which reads real indices.
  L2Model(z3::context& ctx, z3::solver& solver, std::size_t accounts = account_slots, unsigned index_bits = 8)
      : Symbols(ctx), solver_(solver), accounts_(accounts), index_bits_(index_bits) {}

  expr account_index(std::size_t i) const { return ctx().bv_val(static_cast<unsigned>(i), index_bits_); }

  L2State state(const std::string& p) const {
    L2State s{{}, u64(p + ".deposits_credited"), u64(p + ".forced_exits_processed")};
    for (std::size_t a = 0; a < accounts_; ++a) {
      const std::string q = p + ".account" + std::to_string(a);
      s.accounts.push_back({boolean(q + ".exists"), u64(q + ".balance"), u64(q + ".nonce"), hash(q + ".owner")});
    }
    return s;
  }
  // Every field is a u64; an empty slot holds no account: its fields are zero, so equal states have
  // equal roots.
  expr well_formed(const L2State& s) const {
    expr ok = is_u64(s.credited) && is_u64(s.processed);
    for (const Account& a : s.accounts)
      ok = ok && is_u64(a.balance) && is_u64(a.nonce) &&
           z3::implies(!a.exists, a.balance == u64v(0) && a.nonce == u64v(0) && a.owner == zero_hash());
    return ok;
  }

  Tx tx(const std::string& p) const {
    return {boolean(p + ".malformed"),
            bv(p + ".kind", 8),
            bv(p + ".from", index_bits_),
            bv(p + ".to", index_bits_),
            u64(p + ".amount"),
            u64(p + ".fee"),
            u64(p + ".nonce"),
            u64(p + ".request_index"),
            boolean(p + ".creates_account"),
            hash(p + ".new_owner"),
            hash(p + ".requester"),
            boolean(p + ".signature_valid"),
            boolean(p + ".matches_l1_record")};
  }
  // Account indices range over the model's slots; the kind byte names one of the four kinds (a byte
  // that names none does not decode: that is `malformed`).
  expr tx_domain(const Tx& t) const {
    return z3::ule(t.kind, kind(TxKind::forced_exit)) && z3::ult(t.from, account_index(accounts_)) &&
           z3::ult(t.to, account_index(accounts_)) && is_u64(t.amount) && is_u64(t.fee) && is_u64(t.nonce) &&
           is_u64(t.request_index);
  }

  // Roots: the state itself stands for its root, so "r opens to s" is equality of the tuples.
  expr same(const L2State& a, const L2State& b) const {
    expr eq = a.credited == b.credited && a.processed == b.processed;
    for (std::size_t k = 0; k < a.accounts.size(); ++k)
      eq = eq && a.accounts[k].exists == b.accounts[k].exists && a.accounts[k].balance == b.accounts[k].balance &&
           a.accounts[k].nonce == b.accounts[k].nonce && a.accounts[k].owner == b.accounts[k].owner;
    return eq;
  }

  Account read(const L2State& s, const expr& index) const {
    Account out = s.accounts.back();
    for (std::size_t a = s.accounts.size() - 1; a-- > 0;) {
      const expr here = index == account_index(a);
      const Account& x = s.accounts[a];
      out = {z3::ite(here, x.exists, out.exists), z3::ite(here, x.balance, out.balance),
             z3::ite(here, x.nonce, out.nonce), z3::ite(here, x.owner, out.owner)};
    }
    return out;
  }
  L2State write(const L2State& s, const expr& index, const Account& value) const {
    L2State out = s;
    for (std::size_t a = 0; a < s.accounts.size(); ++a) {
      const expr here = index == account_index(a);
      const Account& x = s.accounts[a];
      out.accounts[a] = {z3::ite(here, value.exists, x.exists), z3::ite(here, value.balance, x.balance),
                         z3::ite(here, value.nonce, x.nonce), z3::ite(here, value.owner, x.owner)};
    }
    return out;
  }
  L2State choose(const expr& c, const L2State& a, const L2State& b) const {
    L2State out = b;
    out.credited = z3::ite(c, a.credited, b.credited);
    out.processed = z3::ite(c, a.processed, b.processed);
    for (std::size_t k = 0; k < a.accounts.size(); ++k)
      out.accounts[k] = {z3::ite(c, a.accounts[k].exists, b.accounts[k].exists),
                         z3::ite(c, a.accounts[k].balance, b.accounts[k].balance),
                         z3::ite(c, a.accounts[k].nonce, b.accounts[k].nonce),
                         z3::ite(c, a.accounts[k].owner, b.accounts[k].owner)};
    return out;
  }

  // The rules, written once over an account store, as the reference writes them once
  // (execute_transaction): a store answers open(index) with the checks the opening adds (none for a
  // state; the witness rules OR-WIT-2..4 for a witness cursor) and the account, and takes writes.
  // Each kind runs on its own copy of `start`; `deposits_recorded` and `forced_exits_recorded` are the
  // L1 view's lengths [OR-TX-1, OR-SEND-*, OR-XFER-*, OR-FEE-*, OR-DEP-*, OR-FEX-*].
  template <class Store>
  struct Run {
    expr error;
    Store store;
    expr credited, processed;  // the counters after the transaction
    expr withdrawn, deposited;  // the amount leaving L2 (a withdrawal or forced exit), the amount entering it
  };
  template <class Store>
  Run<Store> run(const Store& start, const expr& credited, const expr& processed, const Tx& t,
                 const expr& deposits_recorded, const expr& forced_exits_recorded) const {
    using Checks = std::vector<std::pair<expr, Error>>;
    auto append = [](Checks& to, const Checks& more) { to.insert(to.end(), more.begin(), more.end()); };
    // debit_sender [OR-SEND-1..7]
    auto debit = [&](Store& store, Checks& checks) {
      auto [opening, sender] = store.open(t.from);
      append(checks, opening);
      const expr total = t.amount + t.fee;
      append(checks, {{!sender.exists, Error::unknown_sender},
                      {!t.signature_ok, Error::bad_signature},
                      {t.nonce < sender.nonce, Error::nonce_replayed},
                      {t.nonce > sender.nonce, Error::nonce_gap},
                      {sender.nonce == u64max(), Error::nonce_exhausted},
                      {overflows(t.amount, t.fee), Error::amount_overflow},
                      {sender.balance < total, Error::insufficient_balance}});
      store.write(t.from, {sender.exists, sender.balance - total, sender.nonce + u64v(1), sender.owner}, truth(true));
    };
    // credit_fee [OR-FEE-1, OR-FEE-2]
    auto credit_fee = [&](Store& store, Checks& checks) {
      auto [opening, fee_account] = store.open(account_index(ref::optimistic_rollup::fee_account));
      append(checks, opening);
      append(checks, {{!fee_account.exists, Error::no_fee_account},
                      {overflows(fee_account.balance, t.fee), Error::fee_balance_overflow}});
      store.write(account_index(ref::optimistic_rollup::fee_account), {fee_account.exists, fee_account.balance + t.fee, fee_account.nonce, fee_account.owner},
                  truth(true));
    };

    // apply_transfer: debit_sender, [OR-XFER-1, OR-XFER-2], then credit_fee
    Store transferred = start;
    Checks transfer_checks;
    debit(transferred, transfer_checks);
    {
      auto [opening, recipient] = transferred.open(t.to);
      append(transfer_checks, opening);
      append(transfer_checks, {{!recipient.exists, Error::unknown_recipient},
                               {overflows(recipient.balance, t.amount), Error::recipient_balance_overflow}});
      transferred.write(t.to, {recipient.exists, recipient.balance + t.amount, recipient.nonce, recipient.owner},
                        truth(true));
    }
    credit_fee(transferred, transfer_checks);

    // apply_withdrawal: debit_sender, then credit_fee
    Store withdrawn = start;
    Checks withdrawal_checks;
    debit(withdrawn, withdrawal_checks);
    credit_fee(withdrawn, withdrawal_checks);

    // apply_deposit [OR-DEP-1..4, then the read, OR-DEP-5..7]
    Store deposited = start;
    Checks deposit_checks{{t.request_index < credited, Error::deposit_already_credited},
                          {t.request_index > credited, Error::deposit_out_of_order},
                          {t.request_index >= deposits_recorded, Error::deposit_not_recorded},
                          {!t.record_matches, Error::deposit_mismatch}};
    {
      auto [opening, target] = deposited.open(t.to);
      append(deposit_checks, opening);
      append(deposit_checks, {{t.creates && target.exists, Error::account_exists},
                              {!t.creates && !target.exists, Error::unknown_account},
                              {!t.creates && overflows(target.balance, t.amount), Error::deposit_balance_overflow}});
      deposited.write(t.to,
                      {truth(true), z3::ite(t.creates, t.amount, target.balance + t.amount),
                       z3::ite(t.creates, u64v(0), target.nonce), z3::ite(t.creates, t.new_owner, target.owner)},
                      truth(true));
    }

    // apply_forced_exit [OR-FEX-1..4, then the read, OR-FEX-5]: the whole balance of `from` leaves if
    // the requester owns the account; otherwise nothing is written.
    Store forced_out = start;
    Checks forced_exit_checks{{t.request_index < processed, Error::forced_exit_already_processed},
                              {t.request_index > processed, Error::forced_exit_out_of_order},
                              {t.request_index >= forced_exits_recorded, Error::forced_exit_not_recorded},
                              {!t.record_matches, Error::forced_exit_mismatch}};
    {
      auto [opening, exiting] = forced_out.open(t.from);
      append(forced_exit_checks, opening);
      const expr owned = exiting.exists && exiting.owner == t.requester;
      append(forced_exit_checks, {{t.amount != z3::ite(owned, exiting.balance, u64v(0)), Error::forced_exit_wrong_amount}});
      forced_out.write(t.from, {exiting.exists, u64v(0), exiting.nonce, exiting.owner}, owned);
    }

    const expr is_transfer = t.kind == kind(TxKind::transfer), is_deposit = t.kind == kind(TxKind::deposit),
               is_withdrawal = t.kind == kind(TxKind::withdrawal);
    const expr error = z3::ite(
        t.malformed, code(Error::tx_malformed),
        z3::ite(is_transfer, first_failure(transfer_checks),
                z3::ite(is_deposit, first_failure(deposit_checks),
                        z3::ite(is_withdrawal, first_failure(withdrawal_checks), first_failure(forced_exit_checks)))));
    const Store store =
        transferred.select(is_transfer, deposited.select(is_deposit, withdrawn.select(is_withdrawal, forced_out)));
    const expr is_forced_exit = t.kind == kind(TxKind::forced_exit);
    const expr leaves = !t.malformed && (is_withdrawal || is_forced_exit);
    return {error,
            store,
            z3::ite(is_deposit, t.request_index + u64v(1), credited),
            z3::ite(is_forced_exit, t.request_index + u64v(1), processed),
            z3::ite(leaves, t.amount, u64v(0)),
            z3::ite(!t.malformed && is_deposit, t.amount, u64v(0))};
  }

  // A full state as a store: every opening succeeds.
  struct StateStore {
    const L2Model* m;
    L2State s;
    std::pair<std::vector<std::pair<expr, Error>>, Account> open(const expr& index) const { return {{}, m->read(s, index)}; }
    void write(const expr& index, const Account& value, const expr& when) {
      s = when.is_true() ? m->write(s, index, value) : m->choose(when, m->write(s, index, value), s);
    }
    StateStore select(const expr& c, const StateStore& other) const { return {m, m->choose(c, s, other.s)}; }
  };

  // The stateful step: the post-state (the state itself on an error).
  Applied apply(const L2State& s, const Tx& t, const expr& deposits_recorded, const expr& forced_exits_recorded) const {
    const Run<StateStore> r = run(StateStore{this, s}, s.credited, s.processed, t, deposits_recorded, forced_exits_recorded);
    L2State post = r.store.s;
    post.credited = r.credited;
    post.processed = r.processed;
    return {r.error, choose(r.error == code(Error::none), post, s), r.withdrawn, r.deposited};
  }

  // fault_type [optimistic_rollup.md#fraudprooftype]; meaningful for a transaction error.
  expr fault_type(const expr& error) const {
    return z3::ite(error == code(Error::bad_signature), type(FraudProofType::invalid_signature),
                   z3::ite(error == code(Error::nonce_replayed) || error == code(Error::insufficient_balance) ||
                               error == code(Error::deposit_already_credited) ||
                               error == code(Error::forced_exit_already_processed),
                           type(FraudProofType::double_spend), type(FraudProofType::invalid_transition)));
  }

  // Request `index` of the queue was overdue at the batch's origin [OR-FP-10].
  expr overdue(const BatchFacts& f, const expr& forced_exits, const expr& index) const {
    const expr recorded_at = z3::ite(forced_exits, f.forced_exit_recorded_at(index), f.deposit_recorded_at(index));
    const expr visible = z3::ite(forced_exits, f.forced_exits_visible, f.deposits_visible);
    return index >= u64v(0) && index < visible && !overflows(recorded_at, f.inclusion_blocks) &&
           recorded_at + f.inclusion_blocks <= f.origin;
  }

  // verify_fraud_proof for the challenge's batch, whose committed transaction at the proof's index
  // is `committed`, between committed roots `pre_root` and `post_root`; `batch_post_root` is the
  // batch's post_state_root [OR-FP-1..11].
  expr verify(const Proof& p, const Tx& committed, const L2State& pre_root, const L2State& post_root,
              const L2State& batch_post_root, const BatchFacts& facts) const {
    const expr is_timeout = p.type == type(FraudProofType::timeout_violation);
    // apply_tx on the proof's witness: check_shape first, then the witness rules.
    const Applied run = apply(p.witness, committed, facts.deposits_visible, facts.forced_exits_visible);
    const expr witness_opens = same(p.witness, pre_root);  // [OR-WIT-1..4], by injectivity
    const expr result = z3::ite(committed.malformed, code(Error::tx_malformed),
                                z3::ite(witness_opens, run.error, code(Error::witness_state_mismatch)));
    const expr post_ok = result == code(Error::none);
    const expr expected_type = z3::ite(post_ok, type(FraudProofType::invalid_transition), fault_type(result));
    const expr transaction_error = first_failure({{!p.tx_included, Error::fraud_tx_not_included},
                                                  {!p.pre_included, Error::fraud_pre_root_not_included},
                                                  {!p.post_included, Error::fraud_post_root_not_included},
                                                  {result == code(Error::witness_state_mismatch), Error::fraud_bad_witness},
                                                  {post_ok && same(run.post, post_root), Error::fraud_no_fault},
                                                  {p.type != expected_type, Error::fraud_type_mismatch}});
    const expr processed = z3::ite(p.forced_exits, p.post_state.processed, p.post_state.credited);
    const expr timeout_error = first_failure({{!same(p.post_state, batch_post_root), Error::fraud_bad_state_opening},
                                              {!overdue(facts, p.forced_exits, p.index), Error::fraud_request_not_overdue},
                                              {processed > p.index, Error::fraud_request_processed}});
    const expr shape_wrong = p.has_timeout_fault != is_timeout || p.has_transaction_fault != !is_timeout;
    return z3::ite(!p.matches_challenge, code(Error::fraud_batch_mismatch),
                   z3::ite(shape_wrong, code(Error::fraud_evidence_shape), z3::ite(is_timeout, timeout_error, transaction_error)));
  }

  Proof proof(const std::string& p) const {
    return {boolean(p + ".matches_challenge"),
            bv(p + ".proof_type", 8),
            boolean(p + ".has_transaction_fault"),
            boolean(p + ".has_timeout_fault"),
            boolean(p + ".transaction_included"),
            boolean(p + ".pre_root_included"),
            boolean(p + ".post_root_included"),
            state(p + ".witness"),
            boolean(p + ".timeout.forced_exits_queue"),
            u64(p + ".timeout.index"),
            state(p + ".timeout.post_state")};
  }
  // The proof an honest challenger builds: for the challenge's batch and type, the evidence its type
  // needs, the committed transaction and roots with their inclusion proofs, and the witness of the
  // state it knows.
  Proof honest_proof(const expr& proof_type, const L2State& witness, const expr& forced_exits, const expr& index,
                     const L2State& post_state) const {
    const expr timeout = proof_type == type(FraudProofType::timeout_violation);
    return {truth(true), proof_type, !timeout, timeout, truth(true), truth(true), truth(true),
            witness,     forced_exits, index,  post_state};
  }

  BatchFacts facts(const std::string& p) {
    BatchFacts f{u64(p + ".deposits_visible"), u64(p + ".forced_exits_visible"), u64(p + ".l1_origin_height"),
                 u64(p + ".queue_inclusion_blocks"),
                 ctx().function((p + ".deposits.recorded_at").c_str(), ctx().int_sort(), ctx().int_sort()),
                 ctx().function((p + ".forced_exits.recorded_at").c_str(), ctx().int_sort(), ctx().int_sort())};
    solver_.add(is_u64(f.deposits_visible) && is_u64(f.forced_exits_visible) && is_u64(f.origin) &&
                is_u64(f.inclusion_blocks));
    return f;
  }

  // Σ balances of the existing accounts, exactly.
  expr total_balance(const L2State& s) const {
    expr sum = u64v(0);
    for (const Account& a : s.accounts) sum = sum + z3::ite(a.exists, a.balance, u64v(0));
    return sum;
  }

  z3::solver& solver() { return solver_; }

 private:
  z3::solver& solver_;
  std::size_t accounts_;
  unsigned index_bits_;
};

}  // namespace l2::inv::optimistic_rollup::model
