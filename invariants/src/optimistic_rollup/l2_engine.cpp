// The engine's stateless ops: apply_tx through the L2 model's rules over a witness cursor, and
// verify_fraud_proof through the contract model's verdict with the transaction fault re-executed by
// the same cursor. spec: optimistic_rollup.md#vector-operations-mechanism-optimistic_rollup
//
// The witness cursor is the L2 model's store for a witness: opening j of the witness is a set of
// constants (its index, its account, and the root its path leads to, computed by the reference);
// reading an account takes the next opening and adds the witness rules OR-WIT-2..4 as checks; a
// write moves the current accounts root to root_after_update(opening j, the written account), an
// uninterpreted function per opening. The engine fixes that function, and state_root, lazily at the
// arguments the solver's answer uses, with the reference's hashes, and asks again until the answer
// uses only fixed points; then it proves no other outcome is admitted.
#include <algorithm>
#include <set>
#include <string>

#include "engine.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/sparse_merkle.hpp"

namespace l2::inv::optimistic_rollup {

namespace {

using z3::expr;
using model::Error;
using model::Interner;
using model::L2Model;
using model::Reader;

struct Opening {
  expr index, exists, balance, nonce, owner, path_root;
};

// A write to opening `opening`'s slot, under `when`, and the root it leads to.
struct Write {
  std::size_t opening;
  expr when, balance, nonce, owner, root;
};

struct CursorStore {
  const L2Model* m;
  const std::vector<Opening>* openings;
  const std::vector<z3::func_decl>* root_after;  // per opening: (balance, nonce, owner) -> accounts root
  std::size_t next = 0;
  expr current_root;
  std::vector<Write> writes;

  std::pair<std::vector<std::pair<expr, Error>>, model::Account> open(const expr& index) {
    const std::size_t j = next++;
    if (j >= openings->size())  // [OR-WIT-2]
      return {{{m->truth(true), Error::witness_missing}},
              {m->truth(false), m->u64v(0), m->u64v(0), m->zero_hash()}};
    const Opening& o = (*openings)[j];
    return {{{o.index != index, Error::witness_wrong_account},        // [OR-WIT-3]
             {o.path_root != current_root, Error::witness_root_mismatch}},  // [OR-WIT-4]
            {o.exists, o.balance, o.nonce, o.owner}};
  }
  void write(const expr&, const model::Account& value, const expr& when) {
    const std::size_t j = next - 1;  // the opening just read
    if (j >= openings->size()) return;  // a missing opening failed OR-WIT-2: nothing after it counts
    const expr root = (*root_after)[j](value.balance, value.nonce, value.owner);
    writes.push_back({j, when, value.balance, value.nonce, value.owner, root});
    current_root = when.is_true() ? root : z3::ite(when, root, current_root);
  }
  CursorStore select(const expr& c, const CursorStore& other) const {
    CursorStore out = other;
    out.current_root = z3::ite(c, current_root, other.current_root);
    out.writes.clear();
    for (Write w : writes) {
      w.when = c && w.when;
      out.writes.push_back(w);
    }
    for (Write w : other.writes) {
      w.when = !c && w.when;
      out.writes.push_back(w);
    }
    return out;
  }
};

// apply_tx over encoded bytes, as terms: the error, the post-root, and the writes.
struct TransactionRelation {
  expr error, post_root, accounts_root, credited, processed;
  std::vector<Write> writes;
  std::vector<Opening> openings;
  std::vector<ref::smt::Proof> proofs;
  std::vector<z3::func_decl> root_after;
};

class TransactionBuilder {
 public:
  TransactionBuilder(z3::context& ctx, z3::solver& solver, Interner& interner, const SignatureOracle& oracle)
      : ctx_(ctx), solver_(solver), interner_(interner), oracle_(oracle), l2_(ctx, solver, 0, 32), h_(ctx) {}

  expr hash(const Hash32& h) { return ctx_.bv_val(interner_(h), model::hash_bits); }

  // `name` keeps the variables of two relations in one solver apart.
  TransactionRelation build(const std::string& name, const ref::optimistic_rollup::L2Params& params, std::span<const Hash32> deposit_ids,
                            std::span<const Hash32> forced_exit_ids, const Hash32& pre_root, const ref::optimistic_rollup::TxWitness& witness,
                            std::span<const u8> encoded) {
    TransactionRelation rel{l2_.code(Error::none), l2_.zero_hash(), l2_.zero_hash(), l2_.u64v(0), l2_.u64v(0), {}, {}, {}, {}};
    for (std::size_t j = 0; j < witness.accounts.size(); ++j) {
      const ref::optimistic_rollup::AccountWitness& w = witness.accounts[j];
      ref::smt::Proof proof;
      proof.index = w.index;
      proof.siblings = w.siblings;
      const std::optional<Hash32> value = w.account ? std::optional<Hash32>(ref::optimistic_rollup::account_value(*w.account)) : std::nullopt;
      const ref::optimistic_rollup::Account account = w.account.value_or(ref::optimistic_rollup::Account{});
      rel.openings.push_back({ctx_.bv_val(w.index, 32), ctx_.bool_val(w.account.has_value()), l2_.u64v(account.balance),
                              l2_.u64v(account.nonce), hash(account.owner), hash(ref::smt::root_from_proof(proof, value))});
      rel.proofs.push_back(proof);
      z3::sort_vector domain(ctx_);
      domain.push_back(ctx_.int_sort());
      domain.push_back(ctx_.int_sort());
      domain.push_back(ctx_.bv_sort(model::hash_bits));
      rel.root_after.push_back(ctx_.function((name + ".root_after_update.opening" + std::to_string(j)).c_str(), domain,
                                             ctx_.bv_sort(model::hash_bits)));
    }
    const model::Tx t = l2_.tx(name + ".transaction");
    const auto decoded = reflect::decode<ref::optimistic_rollup::Transaction>(encoded);
    const bool malformed = !decoded || ref::optimistic_rollup::check_shape(decoded.value()) != OptimisticRollupError::none;
    solver_.add(t.malformed == ctx_.bool_val(malformed));
    if (!malformed) fix_transaction(t, decoded.value(), params, deposit_ids, forced_exit_ids, witness);

    const ref::optimistic_rollup::StateHeader& header = witness.pre_state;
    const expr header_root = h_.state_root(hash(header.accounts_root), l2_.u64v(header.deposits_credited),
                                           l2_.u64v(header.forced_exits_processed));
    solver_.add(header_root == hash(ref::optimistic_rollup::state_root(header)));
    const CursorStore start{&l2_, &rel.openings, &rel.root_after, 0, hash(header.accounts_root), {}};
    const L2Model::Run<CursorStore> run =
        l2_.run(start, l2_.u64v(header.deposits_credited), l2_.u64v(header.forced_exits_processed), t,
                l2_.u64v(deposit_ids.size()), l2_.u64v(forced_exit_ids.size()));
    rel.error = z3::ite(t.malformed, l2_.code(Error::tx_malformed),  // [OR-TX-1]
                        z3::ite(header_root != hash(pre_root), l2_.code(Error::witness_state_mismatch),  // [OR-WIT-1]
                                run.error));
    rel.accounts_root = run.store.current_root;
    rel.credited = run.credited;
    rel.processed = run.processed;
    rel.post_root = h_.state_root(run.store.current_root, run.credited, run.processed);
    rel.writes = run.store.writes;
    return rel;
  }

 private:
  void number(const expr& var, u64 v) { solver_.add(var == l2_.u64v(v)); }
  void index(const expr& var, u32 v) { solver_.add(var == ctx_.bv_val(v, 32)); }

  // The transaction's fields, with its signature verdict (by the key of the account the witness opens
  // first, the sender's) and its match with L1's record.
  void fix_transaction(const model::Tx& t, const ref::optimistic_rollup::Transaction& tx, const ref::optimistic_rollup::L2Params& params,
                       std::span<const Hash32> deposit_ids, std::span<const Hash32> forced_exit_ids,
                       const ref::optimistic_rollup::TxWitness& witness) {
    solver_.add(t.kind == l2_.kind(tx.kind));
    const Hash32 sender_key = !witness.accounts.empty() && witness.accounts[0].account
                                  ? witness.accounts[0].account->owner
                                  : Hash32{};
    switch (tx.kind) {
      case ref::optimistic_rollup::TxKind::transfer: {
        const ref::optimistic_rollup::Transfer& x = *tx.transfer;
        index(t.from, x.from);
        index(t.to, x.to);
        number(t.amount, x.amount);
        number(t.fee, x.fee);
        number(t.nonce, x.nonce);
        solver_.add(t.signature_ok == ctx_.bool_val(oracle_(sender_key, ref::optimistic_rollup::transfer_digest(params, x), x.signature)));
        break;
      }
      case ref::optimistic_rollup::TxKind::withdrawal: {
        const ref::optimistic_rollup::Withdrawal& x = *tx.withdrawal;
        index(t.from, x.from);
        number(t.amount, x.amount);
        number(t.fee, x.fee);
        number(t.nonce, x.nonce);
        solver_.add(t.signature_ok == ctx_.bool_val(oracle_(sender_key, ref::optimistic_rollup::withdrawal_digest(params, x), x.signature)));
        break;
      }
      case ref::optimistic_rollup::TxKind::deposit: {
        const ref::optimistic_rollup::Deposit& x = *tx.deposit;
        number(t.request_index, x.deposit_index);
        index(t.to, x.to);
        solver_.add(t.creates == ctx_.bool_val(x.new_owner.has_value()));
        solver_.add(t.new_owner == hash(x.new_owner.value_or(Hash32{})));
        number(t.amount, x.amount);
        solver_.add(t.record_matches == ctx_.bool_val(x.deposit_index < deposit_ids.size() &&
                                                      ref::optimistic_rollup::deposit_id(params, x) == deposit_ids[x.deposit_index]));
        break;
      }
      case ref::optimistic_rollup::TxKind::forced_exit: {
        const ref::optimistic_rollup::ForcedExit& x = *tx.forced_exit;
        number(t.request_index, x.request_index);
        index(t.from, x.from);
        solver_.add(t.requester == hash(x.requester));
        number(t.amount, x.amount);
        solver_.add(t.record_matches ==
                    ctx_.bool_val(x.request_index < forced_exit_ids.size() &&
                                  ref::optimistic_rollup::forced_exit_id(params, x) == forced_exit_ids[x.request_index]));
        break;
      }
    }
  }

  z3::context& ctx_;
  z3::solver& solver_;
  Interner& interner_;
  const SignatureOracle& oracle_;
  L2Model l2_;
  model::Hashes h_;
};

// Fixes root_after_update and state_root at the points the solver's answer reads (the writes the
// answer makes, and the post-root of an accepted transaction), with the reference's hashes, until
// the answer reads only fixed points. Returns "" or the problem.
std::string settle(z3::solver& solver, Interner& interner, const TransactionRelation& rel, const expr& accepted) {
  z3::context& ctx = solver.ctx();
  const model::Hashes h(ctx);
  std::set<std::string> fixed;
  for (int round = 0; round < 16; ++round) {
    const z3::check_result answer = solver.check();
    if (answer != z3::sat)
      return answer == z3::unsat ? "the model admits no outcome: the step is outside its domain"
                                 : "z3: " + solver.reason_unknown();
    const z3::model m = solver.get_model();
    Reader read(m, interner);
    bool added = false;
    for (const Write& w : rel.writes) {
      // A write with a value out of range follows a failed check (the first failure decides the
      // outcome, and nothing reads the write); it needs no fixed point.
      const std::optional<u64> balance = read.number_if_u64(w.balance), nonce = read.number_if_u64(w.nonce);
      if (!read.boolean(w.when) || !balance || !nonce) continue;
      const ref::optimistic_rollup::Account account{*balance, *nonce, read.hash(w.owner)};
      if (!read.ok()) return read.problem();
      const expr point = rel.root_after[w.opening](ctx.int_val(account.balance), ctx.int_val(account.nonce),
                                                   ctx.bv_val(interner(account.owner), model::hash_bits));
      if (!fixed.insert(point.to_string()).second) continue;
      const Hash32 root = ref::smt::root_after_update(rel.proofs[w.opening], ref::optimistic_rollup::account_value(account));
      solver.add(point == ctx.bv_val(interner(root), model::hash_bits));
      added = true;
    }
    if (read.boolean(accepted)) {
      const ref::optimistic_rollup::StateHeader header{read.hash(rel.accounts_root), read.number(rel.credited), read.number(rel.processed)};
      if (!read.ok()) return read.problem();
      const expr point = h.state_root(ctx.bv_val(interner(header.accounts_root), model::hash_bits),
                                      ctx.int_val(header.deposits_credited), ctx.int_val(header.forced_exits_processed));
      if (fixed.insert(point.to_string()).second) {
        solver.add(point == ctx.bv_val(interner(ref::optimistic_rollup::state_root(header)), model::hash_bits));
        added = true;
      }
    }
    if (!added) return "";
  }
  return "the lazy hash points did not settle";
}

// Proves that no other value of `terms` is admitted; "" or the problem, `ambiguous` set on a second
// outcome.
std::string unique(z3::solver& solver, const std::vector<expr>& terms, bool& ambiguous) {
  const z3::model m = solver.get_model();
  expr other = solver.ctx().bool_val(false);
  for (const expr& t : terms) other = other || t != m.eval(t, true);
  solver.push();
  solver.add(other);
  const z3::check_result second = solver.check();
  solver.pop();
  if (second == z3::unsat) return "";
  ambiguous = second == z3::sat;
  return second == z3::sat ? "the model admits a second outcome" : "z3: " + solver.reason_unknown();
}

// The outcome terms of a transaction relation: the error, and when accepted the post-root with what
// it is made of.
std::vector<expr> transaction_terms(const z3::model& m, const TransactionRelation& rel, const expr& accepted) {
  std::vector<expr> terms{rel.error};
  if (!m.eval(accepted, true).is_true()) return terms;
  for (const expr& t : {rel.post_root, rel.accounts_root, rel.credited, rel.processed}) terms.push_back(t);
  for (const Write& w : rel.writes) {
    terms.push_back(w.when);
    if (m.eval(w.when, true).is_true())
      for (const expr& t : {w.balance, w.nonce, w.owner}) terms.push_back(t);
  }
  return terms;
}

}  // namespace

Engine::TransactionOutcome Engine::apply_tx(const ref::optimistic_rollup::L2Params& params, std::span<const Hash32> deposit_ids,
                                            std::span<const Hash32> forced_exit_ids, const Hash32& pre_root,
                                            const ref::optimistic_rollup::TxWitness& witness, std::span<const u8> transaction) {
  TransactionOutcome result;
  z3::solver solver(impl_->ctx);
  TransactionBuilder builder(impl_->ctx, solver, impl_->interner, impl_->oracle);
  const TransactionRelation rel =
      builder.build("apply_tx", params, deposit_ids, forced_exit_ids, pre_root, witness, transaction);
  const expr accepted = rel.error == impl_->ctx.bv_val(static_cast<unsigned>(Error::none), 8);
  result.problem = settle(solver, impl_->interner, rel, accepted);
  if (!result.problem.empty()) return result;
  const z3::model m = solver.get_model();
  Reader read(m, impl_->interner);
  result.error = static_cast<OptimisticRollupError>(read.small(rel.error));
  if (result.error == OptimisticRollupError::none) result.post_root = read.hash(rel.post_root);
  if (!read.ok()) {
    result.problem = read.problem();
    return result;
  }
  result.problem = unique(solver, transaction_terms(m, rel, accepted), result.ambiguous);
  return result;
}

Engine::VerdictOutcome Engine::verify_fraud_proof(const ref::optimistic_rollup::OptimisticRollup& contract, const Hash32& challenge_id,
                                                  const ref::optimistic_rollup::FraudProof& proof) {
  VerdictOutcome result;
  z3::context& ctx = impl_->ctx;
  const model::Bounds bounds{std::max(batch_slots, contract.batches.size() + 1),
                             std::max(challenge_slots, contract.challenges.size() + 1)};
  Impl::Relation& r = impl_->relation(bounds);
  const model::ContractModel& m = r.m;
  r.solver.push();
  detail::Projection project(r, impl_->interner, impl_->oracle);
  project.config(contract);
  project.contract(contract);
  project.proof_fields(challenge_id, proof);

  // The challenge and its pending batch, as the model finds them [OR-RES-1, OR-CHAL-1].
  const std::vector<expr> chosen = m.challenge_with(r.pre, r.in.challenge_id);
  const model::Challenge challenge = m.pick_challenge(chosen, r.pre);
  const std::vector<expr> batch_of = m.batch_with(r.pre, challenge.batch_id, true);
  const model::BatchRecord batch = m.pick_batch(batch_of, r.pre);

  // A transaction fault's verdict [OR-FP-3..8]: the inclusion verdicts computed by the reference
  // against the batch's commitments, the re-execution by the model's apply_tx on the proof's witness.
  model::ContractModel::ProofFields fields = m.proof_fields(r.in);
  std::optional<TransactionRelation> fault;
  expr accepted = ctx.bool_val(false);
  const auto index = ref::optimistic_rollup::find_challenge(contract, challenge_id);
  const auto pending = index ? ref::optimistic_rollup::find_pending_batch(contract, contract.challenges[*index].challenged_object) : std::nullopt;
  if (pending && proof.transaction_fault) {
    const ref::optimistic_rollup::BatchRecord& record = contract.batches[*pending];
    const ref::optimistic_rollup::BatchHeader& header = record.header;
    const ref::optimistic_rollup::TransactionFault& f = *proof.transaction_fault;
    const u64 i = f.transaction_index, n = header.transaction_count;
    const bool tx_included = ref::rfc6962::verify_inclusion(i, n, ref::optimistic_rollup::transaction_leaf_hash(f.transaction),
                                                            f.transaction_proof, header.transactions_root) == PrimitiveError::none;
    const bool pre_included = ref::rfc6962::verify_inclusion(i, n + 1, ref::rfc6962::leaf_hash(f.pre_state_root),
                                                             f.pre_state_root_proof, header.state_roots_root) == PrimitiveError::none;
    const bool post_included =
        ref::rfc6962::verify_inclusion(i + 1, n + 1, ref::rfc6962::leaf_hash(f.post_state_root), f.post_state_root_proof,
                                       header.state_roots_root) == PrimitiveError::none;
    const ref::optimistic_rollup::L1Ids ids = ref::optimistic_rollup::l1_ids_at(contract, record);
    TransactionBuilder builder(ctx, r.solver, impl_->interner, impl_->oracle);
    fault = builder.build("fault", ref::optimistic_rollup::params_of(contract), ids.deposit_ids, ids.forced_exit_ids, f.pre_state_root,
                          f.witness, f.transaction);
    const expr run = fault->error;
    accepted = run == m.code(Error::none);
    const expr witness_error = run == m.code(Error::witness_state_mismatch) || run == m.code(Error::witness_missing) ||
                               run == m.code(Error::witness_wrong_account) || run == m.code(Error::witness_root_mismatch);
    const L2Model l2(ctx, r.solver);
    const expr found = z3::ite(accepted, m.type(model::FraudProofType::invalid_transition), l2.fault_type(run));
    fields.transaction_verdict = m.first_failure(
        {{ctx.bool_val(!tx_included), Error::fraud_tx_not_included},
         {ctx.bool_val(!pre_included), Error::fraud_pre_root_not_included},
         {ctx.bool_val(!post_included), Error::fraud_post_root_not_included},
         {witness_error, Error::fraud_bad_witness},
         {accepted && fault->post_root == builder.hash(f.post_state_root), Error::fraud_no_fault},
         {found != fields.proof_type, Error::fraud_type_mismatch}});
  }
  std::vector<expr> facts;
  const expr verdict = m.fraud_verdict(r.cfg, r.pre, challenge, batch, fields, facts);
  r.solver.add(m.all(facts));
  const expr error = z3::ite(!m.any(chosen), m.code(Error::unknown_challenge),
                             z3::ite(!m.any(batch_of), m.code(Error::challenge_unknown_batch), verdict));

  if (fault) {
    result.problem = settle(r.solver, impl_->interner, *fault, accepted);
  } else {
    const z3::check_result answer = r.solver.check();
    if (answer != z3::sat)
      result.problem = answer == z3::unsat ? "the model admits no outcome" : "z3: " + r.solver.reason_unknown();
  }
  if (result.problem.empty()) {
    const z3::model zm = r.solver.get_model();
    result.error = static_cast<OptimisticRollupError>(zm.eval(error, true).get_numeral_uint64());
    std::vector<expr> terms{error};
    if (fault)
      for (const expr& t : transaction_terms(zm, *fault, accepted)) terms.push_back(t);
    result.problem = unique(r.solver, terms, result.ambiguous);
  }
  r.solver.pop();
  return result;
}

}  // namespace l2::inv::optimistic_rollup
