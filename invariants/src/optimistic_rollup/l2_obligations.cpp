// The fraud-proof verifier's obligations over the L2 model: soundness, one-step and bounded
// completeness, L2 conservation, and exactly-once processing of deposits and forced exits.
// spec: optimistic_rollup.md#the-z3-model
#include "obligations.hpp"

namespace l2::inv::optimistic_rollup::model {

namespace {

constexpr std::array<FraudProofType, 3> transaction_types = {
    FraudProofType::invalid_transition, FraudProofType::invalid_signature, FraudProofType::double_spend};

// Soundness, transaction faults: step i of the batch is valid (its transaction is valid at the state
// u with root r_i and leads to r_{i+1}); then every proof naming step i is rejected.
void soundness_transaction_negation(z3::context& ctx, z3::solver& solver, bool claim) {
  L2Model m(ctx, solver);
  const BatchFacts facts = m.facts("batch");
  const L2State u = m.state("committed_pre_state");
  const Tx t = m.tx("committed_tx");
  solver.add(m.well_formed(u) && m.tx_domain(t));
  const Applied step = m.apply(u, t, facts.deposits_visible, facts.forced_exits_visible);
  const L2State post_root = m.state("committed_post_root");
  solver.add(!t.malformed && step.error == m.code(Error::none) && m.same(post_root, step.post));
  const Proof p = m.proof("proof");
  solver.add(m.well_formed(p.witness) && m.well_formed(p.post_state));
  solver.add(z3::ule(p.type, m.type(FraudProofType::timeout_violation)) &&
             p.type != m.type(FraudProofType::timeout_violation));
  const expr verdict = m.verify(p, t, u, post_root, m.state("batch_post_root"), facts);
  if (claim) solver.add(verdict == m.code(Error::none));
  else solver.add(t.kind == m.kind(TxKind::forced_exit));  // the boundary: the new kind
}

// Soundness, timeout faults: the batch's post-state processes every request of either queue that was
// overdue at its origin; then every timeout proof is rejected.
void soundness_timeout_negation(z3::context& ctx, z3::solver& solver, bool claim) {
  L2Model m(ctx, solver);
  const BatchFacts facts = m.facts("batch");
  const L2State post = m.state("batch_post_state");
  solver.add(m.well_formed(post));
  const Proof p = m.proof("proof");
  solver.add(m.well_formed(p.witness) && m.well_formed(p.post_state));
  solver.add(p.type == m.type(FraudProofType::timeout_violation));
  const expr processed = z3::ite(p.forced_exits, post.processed, post.credited);
  solver.add(z3::implies(m.overdue(facts, p.forced_exits, p.index), processed > p.index));  // valid at that request
  const expr verdict =
      m.verify(p, m.tx("committed_tx"), m.state("committed_pre_root"), m.state("committed_post_root"), post, facts);
  if (claim) solver.add(verdict == m.code(Error::none));
  else solver.add(p.forced_exits && m.overdue(facts, p.forced_exits, p.index));  // the boundary: an overdue forced exit
}

// Completeness of one step, for batches of any size: at the first index i where a batch goes wrong,
// the correct prefix has committed the true state u as state_roots[i]. If transaction i is invalid at
// u, or valid with a result other than state_roots[i + 1], the honest proof at i (witness u) confirms
// with some type.
void completeness_transaction_negation(z3::context& ctx, z3::solver& solver, bool claim) {
  L2Model m(ctx, solver);
  const BatchFacts facts = m.facts("batch");
  const L2State u = m.state("true_state");
  const Tx t = m.tx("committed_tx");
  const L2State next_root = m.state("committed_post_root");  // any root, junk included
  solver.add(m.well_formed(u) && m.tx_domain(t));
  const Applied step = m.apply(u, t, facts.deposits_visible, facts.forced_exits_visible);
  solver.add(!(!t.malformed && step.error == m.code(Error::none) && m.same(step.post, next_root)));
  if (!claim) {
    solver.add(t.kind == m.kind(TxKind::forced_exit) && step.error == m.code(Error::forced_exit_already_processed));
    return;
  }
  for (FraudProofType type : transaction_types) {
    const Proof p = m.honest_proof(m.type(type), u, m.truth(false), m.u64v(0), u);
    solver.add(m.verify(p, t, u, next_root, m.state("batch_post_root"), facts) != m.code(Error::none));
  }
}

// Completeness of the timeout fault: a batch whose transactions are all correct has committed its true
// post-state u as post_state_root; if a request of either queue overdue at its origin is unprocessed
// in u, the honest timeout proof (opening u) confirms.
void completeness_timeout_negation(z3::context& ctx, z3::solver& solver, bool claim) {
  L2Model m(ctx, solver);
  const BatchFacts facts = m.facts("batch");
  const L2State u = m.state("true_post_state");
  solver.add(m.well_formed(u));
  const expr forced = m.boolean("overdue.forced_exits_queue"), index = m.u64("overdue.index");
  solver.add(m.overdue(facts, forced, index) && z3::ite(forced, u.processed, u.credited) <= index);
  if (!claim) {
    solver.add(forced);
    return;
  }
  const Proof timeout = m.honest_proof(m.type(FraudProofType::timeout_violation), u, forced, index, u);
  solver.add(m.verify(timeout, m.tx("committed_tx"), m.state("committed_pre_root"), m.state("committed_post_root"), u,
                      facts) != m.code(Error::none));
}

// Completeness end to end, by bounded model checking over a batch of n transactions and `accounts`
// account slots from an arbitrary real state s_0: if the batch is invalid, the honest proof confirms
// for some index and type, or the honest timeout proof does.
void completeness_negation(z3::context& ctx, z3::solver& solver, std::size_t n, std::size_t accounts, bool claim) {
  L2Model m(ctx, solver, accounts);
  const BatchFacts facts = m.facts("batch");
  std::vector<Tx> txs;
  const L2State start = m.state("start_state");
  solver.add(m.well_formed(start));
  std::vector<L2State> roots{start};  // state_roots[0] = prev_state_root, the root of a real state
  for (std::size_t i = 0; i < n; ++i) {
    txs.push_back(m.tx("tx" + std::to_string(i)));
    solver.add(m.tx_domain(txs.back()));
    roots.push_back(m.state("state_roots" + std::to_string(i + 1)));  // any root, junk included
  }
  std::vector<L2State> states{start};  // the true state before each transaction
  expr invalid = m.truth(false);
  for (std::size_t i = 0; i < n; ++i) {
    const Applied step = m.apply(states[i], txs[i], facts.deposits_visible, facts.forced_exits_visible);
    invalid = invalid || !(m.same(states[i], roots[i]) && !txs[i].malformed && step.error == m.code(Error::none) &&
                           m.same(step.post, roots[i + 1]));
    states.push_back(step.post);  // apply leaves the state as it was on an error
  }
  const expr forced = m.boolean("overdue.forced_exits_queue"), index = m.u64("overdue.index");
  invalid = invalid || (m.overdue(facts, forced, index) &&
                        z3::ite(forced, states[n].processed, states[n].credited) <= index);
  solver.add(invalid);
  if (!claim) return;
  for (std::size_t i = 0; i < n; ++i)
    for (FraudProofType type : transaction_types) {
      const Proof p = m.honest_proof(m.type(type), states[i], m.truth(false), m.u64v(0), states[i]);
      solver.add(m.verify(p, txs[i], roots[i], roots[i + 1], roots[n], facts) != m.code(Error::none));
    }
  const Proof timeout = m.honest_proof(m.type(FraudProofType::timeout_violation), states[n], forced, index, states[n]);
  solver.add(m.verify(timeout, txs[0], roots[0], roots[1], roots[n], facts) != m.code(Error::none));
}

// One valid transaction on any well-formed state.
struct ValidTx {
  L2State pre;
  Tx tx;
  Applied step;
  expr deposits_recorded, forced_exits_recorded;
};
ValidTx valid_transaction(L2Model& m) {
  const expr deposits_recorded = m.u64("deposits_recorded"), forced_exits_recorded = m.u64("forced_exits_recorded");
  m.solver().add(m.is_u64(deposits_recorded) && m.is_u64(forced_exits_recorded));
  const L2State pre = m.state("pre");
  const Tx tx = m.tx("tx");
  ValidTx v{pre, tx, m.apply(pre, tx, deposits_recorded, forced_exits_recorded), deposits_recorded, forced_exits_recorded};
  m.solver().add(m.well_formed(v.pre) && m.tx_domain(v.tx));
  m.solver().add(v.step.error == m.code(Error::none));
  return v;
}

// exactly_once for one queue: a valid transaction of the queue's kind has index == the counter <
// the view's length and advances the counter by one; every other valid transaction leaves it alone.
void exactly_once_negation(z3::context& ctx, z3::solver& solver, bool claim, bool forced_exits) {
  L2Model m(ctx, solver);
  const ValidTx v = valid_transaction(m);
  const expr is_kind = !v.tx.malformed && v.tx.kind == m.kind(forced_exits ? TxKind::forced_exit : TxKind::deposit);
  const expr before = forced_exits ? v.pre.processed : v.pre.credited;
  const expr after = forced_exits ? v.step.post.processed : v.step.post.credited;
  const expr recorded = forced_exits ? v.forced_exits_recorded : v.deposits_recorded;
  if (claim)
    solver.add(!z3::ite(is_kind, v.tx.request_index == before && before < recorded && after == before + m.u64v(1),
                        after == before));
  else
    solver.add(is_kind);
}

}  // namespace

std::vector<Obligation> l2_obligations() {
  std::vector<Obligation> list;
  // The premises in words: an L2 state is `account_slots` account slots and the two counters (l2_model.hpp).
  const std::string slots = std::to_string(account_slots) + " account slots";
  const std::string abstract = "; the transaction's signature and L1-record verdicts free, a root the state itself (an injective root "
                               "function)";
  list.push_back(make("fraud_proof_soundness", "transaction_fault", Kind::safety,
                      "if transaction i is valid at the state with root state_roots[i] and leads to state_roots[i + 1], "
                      "every transaction-fault proof naming i is rejected, whatever its type, witness and inclusion "
                      "verdicts (any batch size, every transaction kind)",
                      "any well-formed L2 state of " + slots +
                          " and any transaction of the domain valid at it whose result is the committed post-root, with "
                          "any batch facts; any proof of a transaction-fault type, its witness and post-state well formed, "
                          "any inclusion verdicts" + abstract,
                      soundness_transaction_negation));
  list.push_back(make("fraud_proof_soundness", "timeout_fault", Kind::safety,
                      "if the batch's post-state processes every deposit and every forced exit overdue at its L1 origin, "
                      "every timeout-fault proof is rejected, whatever its queue, request and state opening",
                      "any well-formed batch post-state of " + slots +
                          " that has processed the request a timeout proof names whenever that request was overdue at the "
                          "batch's L1 origin; any such proof (any queue, index and openings, well formed), any batch facts" +
                          abstract,
                      soundness_timeout_negation));
  list.push_back(make("fraud_proof_completeness", "transaction_fault", Kind::safety,
                      "at the first wrong step of a batch of any size (its transaction invalid at the true state, or its "
                      "committed post-root not the result), the honest proof at that index, with the true state as "
                      "witness, confirms for some type",
                      "any well-formed true state u of " + slots +
                          " committed as state_roots[i], any transaction of the domain and any committed next root (junk "
                          "included) such that the transaction is invalid at u or leads elsewhere; the honest proofs of "
                          "each transaction-fault type with witness u, any batch facts" + abstract,
                      completeness_transaction_negation));
  list.push_back(make("fraud_proof_completeness", "timeout_fault", Kind::safety,
                      "a batch whose steps are all correct but which leaves a deposit or a forced exit overdue at its L1 "
                      "origin unprocessed has a confirmed timeout proof (the true post-state as opening, the queue named)",
                      "any well-formed true post-state u of " + slots +
                          " and any request of either queue overdue at the batch's L1 origin that u has not processed; the "
                          "honest timeout proof opening u, any batch facts" + abstract,
                      completeness_timeout_negation));
  for (std::size_t n = 1; n <= completeness_max_transactions; ++n) {
    const std::size_t accounts = completeness_accounts(n);
    list.push_back(make("fraud_proof_completeness", "batch_of_" + std::to_string(n), Kind::bmc,
                        "every invalid batch of " + std::to_string(n) + " transaction(s) over " + std::to_string(accounts) +
                            " account slots, from any real state, has a confirmed proof: the honest witness at some index "
                            "with some type, or the timeout proof for either queue",
                        "any well-formed starting state of " + std::to_string(accounts) + " account slots, any " +
                            std::to_string(n) +
                            " transaction(s) of the domain and any committed state roots (junk included) making an invalid "
                            "batch (some step wrong, or a request overdue at its origin unprocessed at the end); the "
                            "honest proofs at every index and type, and the honest timeout proof" + abstract,
                        [n, accounts](z3::context& ctx, z3::solver& solver, bool claim) {
                          completeness_negation(ctx, solver, n, accounts, claim);
                        }));
  }
  list.push_back(make("conservation", "l2_transaction", Kind::consecution,
                      "a valid transaction keeps sum of balances + withdrawn and force-exited == previous sum + deposited "
                      "(fees move inside L2), on any state, and keeps it well formed",
                      "any well-formed L2 state of " + slots +
                          ", any L1 view (recorded deposit and forced-exit counts within u64) and any transaction of the "
                          "domain valid at it" + abstract,
                      [](z3::context& ctx, z3::solver& solver, bool claim) {
                        L2Model m(ctx, solver);
                        const ValidTx v = valid_transaction(m);
                        if (claim)
                          solver.add(m.total_balance(v.step.post) + v.step.withdrawn !=
                                         m.total_balance(v.pre) + v.step.deposited ||
                                     !m.well_formed(v.step.post));
                        else
                          solver.add(v.tx.kind == m.kind(TxKind::forced_exit) && v.step.withdrawn > m.u64v(0));
                      }));
  list.push_back(make("exactly_once_deposits", "l2_transaction", Kind::consecution,
                      "a valid deposit has deposit_index == deposits_credited < the view's deposit count and advances "
                      "deposits_credited by one; every other valid transaction leaves it unchanged",
                      "any well-formed L2 state of " + slots +
                          ", any L1 view (recorded deposit and forced-exit counts within u64) and any transaction of the "
                          "domain valid at it" + abstract,
                      [](z3::context& ctx, z3::solver& solver, bool claim) { exactly_once_negation(ctx, solver, claim, false); }));
  list.push_back(make("exactly_once_forced_exits", "l2_transaction", Kind::consecution,
                      "a valid forced exit has request_index == forced_exits_processed < the view's forced-exit count and "
                      "advances forced_exits_processed by one; every other valid transaction leaves it unchanged",
                      "any well-formed L2 state of " + slots +
                          ", any L1 view (recorded deposit and forced-exit counts within u64) and any transaction of the "
                          "domain valid at it" + abstract,
                      [](z3::context& ctx, z3::solver& solver, bool claim) { exactly_once_negation(ctx, solver, claim, true); }));
  return list;
}

}  // namespace l2::inv::optimistic_rollup::model
