// The ZK rollup's obligations: the contract invariants by initiation and consecution against each of
// the 12 ops of the table; the safety claims of the pipeline (no_unverified_execution,
// revert_only_unverified, public_input_binds, priority_exactly_once) and of exodus
// (exodus_exactly_on_expiry, exodus_conservation); the adversarial liveness check honest_user_exits
// (bounded model checking). spec: zk_rollup.md#obligations
#include <functional>
#include <string>
#include <utility>

#include "model.hpp"
#include "soundness.hpp"

namespace l2::inv::zk_rollup {

std::string_view weakening_name(Weakening weakening) {
  switch (weakening) {
    case Weakening::none: return "none";
    case Weakening::execute_before_verify: return "execute_before_verify";
    case Weakening::public_input_omits_priority_ops: return "public_input_omits_priority_ops";
    case Weakening::exodus_exit_twice: return "exodus_exit_twice";
    case Weakening::expiry_exclusive: return "expiry_exclusive";
    case Weakening::revert_verified: return "revert_verified";
    case Weakening::witness_root_unchecked: return "witness_root_unchecked";
  }
  return "none";
}

std::optional<Weakening> parse_weakening(std::string_view name) {
  return parse_weakening_name(name, all_weakenings, weakening_name);
}

namespace model {
namespace {

// One obligation's context: the model (with the weakening), a configuration ZK-DEPLOY-1..5 accept,
// and the claim-or-premise switch.
struct Context {
  z3::context& ctx;
  z3::solver& solver;
  Model m;
  Config cfg;
  bool claim;
  Context(z3::context& c, z3::solver& s, Weakening weakening, bool negate_claim, const std::string& config)
      : ctx(c), solver(s), m(c, weakening), cfg(m.config(config)), claim(negate_claim) {
    solver.add(m.config_valid(cfg));
  }
  // The claim's hypotheses are asserted by the caller; with the claim, its negation, else the
  // premise's boundary (which must be satisfiable).
  void conclude(const expr& holds, const expr& boundary) {
    if (claim) solver.add(!holds);
    else solver.add(boundary);
  }
};

const std::string invariants_words =
    "the invariants (typing with the queue in recording order and expiry_height = min(recorded_at + E, UINT64_MAX) "
    "at two free indices, counters_ordered, batches_chain, priority_in_order, verified_only_by_proof, the state parts "
    "of exodus_is_final and exits_once, conservation, exodus_conservation) hold";

// The names of a counterexample's values give each its role in the step (what the audit report
// groups them by): `pre.` the state before, `in.` the input (a trace's step N `in.step<N>.`), `env.`
// the configuration, the free keys the invariants are read at and the other free quantities, `post.`
// the state after with what the step computes.
const std::string config_prefix = "env";
const std::string key_prefix = "env.key";

// `config` names the configuration Context asserts (the environment's, `config_prefix`, unless the
// obligation compares two).
Obligation make(std::string invariant, std::string transition, Kind kind, std::string statement, std::string premise,
                Weakening weakening, std::function<void(Context&)> body, std::string config = config_prefix) {
  premise += "; any configuration ZK-DEPLOY-1..5 accept; " + std::to_string(batch_slots) +
             " batch slots, at most " + std::to_string(priority_per_batch) + " priority operations per batch and " +
             std::to_string(claim_slots) + " claims per exodus_withdraw_many (a step beyond them is outside the model)";
  premise += weakened_rule_note(weakening_name(weakening));
  Obligation o = make_claim_obligation(std::string(mechanism_name), std::move(invariant), std::move(transition), kind,
                                       std::move(statement), [body, weakening, config](z3::context& ctx, z3::solver& solver, bool claim) {
                                         Context c(ctx, solver, weakening, claim, config);
                                         body(c);
                                       });
  o.premise = std::move(premise);
  return o;
}

// One step of `op` (any op when nullopt) from a state satisfying every invariant.
struct OneStep {
  Contract pre;
  Call in;
  Step out;
  Keys keys;
};

expr same_record(const BatchRecord& a, const BatchRecord& b) {
  return a.number == b.number && a.prev == b.prev && a.post == b.post && a.tx_root == b.tx_root &&
         a.tx_count == b.tx_count && a.wroot == b.wroot && a.wcount == b.wcount && a.pcount == b.pcount &&
         a.public_input == b.public_input && a.committed_at == b.committed_at && a.priority_first == b.priority_first;
}

// `name` as a fresh constant equal to `value`: a definitional extension that changes no claim, so
// that a counterexample shows the value under a name that gives its role.
expr named(const Model& m, const std::string& name, const expr& value) {
  return m.ctx().constant(name.c_str(), value.get_sort()) == value;
}

// The membership in `s`'s sets of the keys the invariants read them at, named
// `p.exited.has_key_account_index`, `p.refunded.has_key_queue_index` and `p.paid.has_key_withdrawal`.
expr name_key_memberships(const Model& m, const std::string& p, const Contract& s, const Keys& keys) {
  return named(m, p + ".exited.has_key_account_index", s.exited.contains({keys.exited})) &&
         named(m, p + ".refunded.has_key_queue_index", s.refunded.contains({keys.refunded})) &&
         named(m, p + ".paid.has_key_withdrawal", s.paid.contains({keys.paid_batch, keys.paid_index}));
}

// Names `s` as the state `p`: its scalars and batch slots under the names Model::contract gives the
// state `p`, and its sets' membership at the keys.
expr name_state(const Model& m, const std::string& p, const Contract& s, const Keys& keys) {
  const Contract n = m.contract(p);
  expr same = n.escrow == s.escrow && n.next_account_index == s.next_account_index && n.deposit_count == s.deposit_count &&
              n.forced_count == s.forced_count && n.queue.count == s.queue.count &&
              n.priority_committed == s.priority_committed && n.priority_executed == s.priority_executed &&
              n.committed == s.committed && n.verified == s.verified && n.executed == s.executed && n.exodus == s.exodus &&
              n.total == s.total && n.now == s.now && n.exodus_escrow == s.exodus_escrow && n.exodus_paid == s.exodus_paid;
  for (std::size_t k = 0; k < batch_slots; ++k) same = same && same_record(n.batches[k], s.batches[k]);
  return same && name_key_memberships(m, p, s, keys);
}

// Names a step's outcome as the state after it: `post.` its contract, `post.error` the step's code,
// `post.payouts[i].to` and `.amount` its payout slots (an amount of 0 is no payout).
expr name_outcome(const Model& m, const Step& out, const Keys& keys) {
  expr same = name_state(m, "post", out.post, keys) && named(m, "post.error", out.error);
  for (std::size_t i = 0; i < out.payouts.size(); ++i) {
    const std::string q = "post.payouts[" + std::to_string(i) + "]";
    same = same && named(m, q + ".to", out.payouts[i].to) && named(m, q + ".amount", out.payouts[i].amount);
  }
  return same;
}

// The pre-state's sets at the keys and at what the step looks up in them: each claim's account
// (`pre.exited.has_claims[i].account_index`), the refund's queue index and the payment's withdrawal.
expr name_lookups(const Model& m, const Contract& pre, const Call& in, const Keys& keys) {
  expr same = name_key_memberships(m, "pre", pre, keys) &&
              named(m, "pre.refunded.has_queue_index", pre.refunded.contains({in.queue_index})) &&
              named(m, "pre.paid.has_withdrawal", pre.paid.contains({in.pay_batch, in.pay_index}));
  for (std::size_t i = 0; i < in.claims.size(); ++i)
    same = same && named(m, "pre.exited.has_claims[" + std::to_string(i) + "].account_index",
                         pre.exited.contains({in.claims[i].index}));
  return same;
}

// The step's values are named by role: the pre-state's lookups and the outcome as `post.`.
OneStep one_step(Context& c, std::optional<Op> op) {
  const Contract pre = c.m.contract("pre");
  const Call in = c.m.call("in");
  const Keys keys = c.m.keys(key_prefix);
  Step out = c.m.step(c.cfg, pre, in, op);
  c.solver.add(c.m.invariant(pre, c.cfg, keys));
  // The queue's typing at the indices the step reads, too.
  c.solver.add(c.m.queue_at(pre.queue, c.cfg, pre.priority_executed, pre.priority_executed, pre.now) &&
               c.m.queue_at(pre.queue, c.cfg, in.queue_index, in.queue_index, pre.now));
  c.solver.add(out.domain);
  c.solver.add(name_lookups(c.m, pre, in, keys) && name_outcome(c.m, out, keys));
  return {pre, in, out, keys};
}

expr accepted(const Model& m, const Step& s) { return s.error == m.code(Error::none); }

std::string op_name(Op op) { return std::string(zk::Operations::name(op)); }

// The claims of an accepted exit name accounts that had not exited, pairwise distinct.
expr exits_fresh(const Model& m, const OneStep& s, Op op) {
  const expr n = op == op_code<zk::ExodusWithdraw> ? m.u64v(1) : s.in.claim_count;
  expr ok = m.truth(true);
  for (std::size_t i = 0; i < claim_slots; ++i) {
    expr fresh = !s.pre.exited.contains({s.in.claims[i].index});
    for (std::size_t j = 0; j < i; ++j) fresh = fresh && s.in.claims[j].index != s.in.claims[i].index;
    ok = ok && z3::implies(m.u64v(i) < n, fresh);
  }
  return z3::implies(accepted(m, s.out), ok);
}
bool is_exit(Op op) { return op == op_code<zk::ExodusWithdraw> || op == op_code<zk::ExodusWithdrawMany>; }

struct Invariant {
  std::string name, statement;
  std::function<expr(Context&, const Contract&, const Keys&)> state;  // for initiation
  std::function<expr(Context&, const OneStep&, Op)> claim;            // for consecution
};

std::vector<Invariant> invariants() {
  std::vector<Invariant> list;
  list.push_back({"counters_ordered",
                  "executed <= verified <= committed == the recorded batches, and priority_executed <= "
                  "priority_committed <= len(priority_ops)",
                  [](Context& c, const Contract& s, const Keys&) { return c.m.counters_ordered(s); },
                  [](Context& c, const OneStep& s, Op) { return c.m.counters_ordered(s.out.post); }});
  list.push_back({"batches_chain",
                  "batches[k].batch_number == k, batches[0] starts at the genesis root and batches[k + 1] where batches[k] "
                  "ended; every record's public_input is the hash of its own fields with the contract's chain, rollup and "
                  "vk_hash and the priority-ops hash of the operations it consumed",
                  [](Context& c, const Contract& s, const Keys&) { return c.m.batches_chain(s, c.cfg); },
                  [](Context& c, const OneStep& s, Op) { return c.m.batches_chain(s.out.post, c.cfg); }});
  list.push_back({"priority_in_order",
                  "batches consume the queue in order: priority_first is 0 for batch 0 and the previous batch's end for the "
                  "next; priority_committed and priority_executed are the ends of the last committed and executed batch; "
                  "deposit_count + forced_withdrawal_count == len(priority_ops); expiry heights never decrease along the queue",
                  [](Context& c, const Contract& s, const Keys&) { return c.m.priority_in_order(s); },
                  [](Context& c, const OneStep& s, Op) {
                    return c.m.priority_in_order(s.out.post) &&
                           c.m.queue_at(s.out.post.queue, c.cfg, s.keys.i, s.keys.j, s.out.post.now);
                  }});
  list.push_back({"verified_only_by_proof",
                  "every verified batch's public input is a valid statement; verified grows only by an accepted "
                  "prove_batches whose proof the backend accepted",
                  [](Context& c, const Contract& s, const Keys&) { return c.m.verified_only_by_proof(s); },
                  [](Context& c, const OneStep& s, Op op) {
                    expr ok = c.m.verified_only_by_proof(s.out.post);
                    const expr grew = s.out.post.verified > s.pre.verified;
                    if (op == op_code<zk::ProveBatches>) return ok && z3::implies(grew, s.in.proof_ok);
                    return ok && !grew;
                  }});
  list.push_back({"executed_is_final",
                  "executed never decreases, grows only by one accepted execute_batch, and the first executed records "
                  "stay recorded and never change",
                  [](Context& c, const Contract& s, const Keys&) { return s.executed == c.m.u64v(0); },
                  [](Context& c, const OneStep& s, Op op) {
                    const Model& m = c.m;
                    expr ok = op == op_code<zk::ExecuteBatch>
                                  ? s.out.post.executed == z3::ite(accepted(m, s.out), s.pre.executed + m.u64v(1), s.pre.executed)
                                  : s.out.post.executed == s.pre.executed;
                    for (std::size_t k = 0; k < batch_slots; ++k)
                      ok = ok && z3::implies(m.u64v(k) < s.pre.executed,
                                             m.recorded(s.out.post, k) && same_record(s.pre.batches[k], s.out.post.batches[k]));
                    return ok;
                  }});
  list.push_back({"exodus_is_final",
                  "once exodus it stays, with committed == verified == executed and priority_committed == "
                  "priority_executed, and the counters, the batches and the queue never change again; exits and refunds "
                  "happen only in exodus",
                  [](Context& c, const Contract& s, const Keys& keys) { return c.m.exodus_state(s, keys); },
                  [](Context& c, const OneStep& s, Op) {
                    const Model& m = c.m;
                    const Contract &pre = s.pre, &post = s.out.post;
                    expr frozen = post.exodus && post.committed == pre.committed && post.verified == pre.verified &&
                                  post.executed == pre.executed && post.priority_committed == pre.priority_committed &&
                                  post.priority_executed == pre.priority_executed && post.queue.count == pre.queue.count;
                    for (std::size_t k = 0; k < batch_slots; ++k)
                      frozen = frozen && z3::implies(m.recorded(pre, k), same_record(pre.batches[k], post.batches[k]));
                    return m.exodus_state(post, s.keys) && z3::implies(pre.exodus, frozen);
                  }});
  list.push_back({"exits_once",
                  "exited and refunded have no repeats (an accepted exit names accounts not exited, pairwise distinct; an "
                  "accepted refund a queue index not refunded), members stay, and every refunded index is a deposit at or "
                  "above priority_executed",
                  [](Context& c, const Contract& s, const Keys& keys) { return c.m.refunded_state(s, keys); },
                  [](Context& c, const OneStep& s, Op op) {
                    const Model& m = c.m;
                    expr ok = m.refunded_state(s.out.post, s.keys) &&
                              z3::implies(s.pre.exited.contains({s.keys.exited}), s.out.post.exited.contains({s.keys.exited})) &&
                              z3::implies(s.pre.refunded.contains({s.keys.refunded}),
                                          s.out.post.refunded.contains({s.keys.refunded}));
                    if (is_exit(op)) ok = ok && exits_fresh(m, s, op);
                    if (op == op_code<zk::RefundDeposit>)
                      ok = ok && z3::implies(accepted(m, s.out), !s.pre.refunded.contains({s.in.queue_index}));
                    return ok;
                  }});
  list.push_back({"conservation",
                  "the contract holds exactly escrow, a u64: every step changes it by the value it takes in minus its "
                  "payouts, each a u64 (the forced-withdrawal fee passes through to the operator)",
                  [](Context& c, const Contract& s, const Keys&) { return c.m.conservation(s) && c.m.is_u64(s.escrow); },
                  [](Context& c, const OneStep& s, Op) {
                    expr ok = c.m.conservation(s.out.post) && c.m.is_u64(s.out.post.escrow);
                    for (const Payout& p : s.out.payouts) ok = ok && c.m.is_u64(p.amount);
                    return ok;
                  }});
  list.push_back({"exodus_conservation",
                  "in exodus, the exits, refunds and withdrawals paid since activation plus the escrow equal the escrow "
                  "at activation, so their sum never exceeds it; each account exits at most once",
                  [](Context& c, const Contract& s, const Keys&) { return c.m.exodus_conservation(s); },
                  [](Context& c, const OneStep& s, Op op) {
                    expr ok = c.m.exodus_conservation(s.out.post) && s.out.post.exodus_paid >= c.m.u64v(0);
                    if (is_exit(op)) ok = ok && exits_fresh(c.m, s, op);
                    return ok;
                  }});
  return list;
}

// ---- Safety.

// An accepted execution executes batch `executed`, which was verified: its public input is a valid
// statement; it serves that batch's priority operations.
void no_unverified_execution(Context& c) {
  const OneStep s = one_step(c, op_code<zk::ExecuteBatch>);
  const Model& m = c.m;
  c.solver.add(accepted(m, s.out));
  const BatchRecord b = m.pick_batch(s.pre, s.pre.executed);
  c.conclude(s.pre.executed < s.pre.verified && m.valid_statement(b.public_input) &&
                 s.out.post.executed == s.pre.executed + m.u64v(1) &&
                 s.out.post.priority_executed == s.pre.priority_executed + b.pcount,
             s.pre.verified == s.pre.executed + m.u64v(1));  // the boundary: the last verified batch
}

// An accepted revert is the operator's and removes only batches at or above verified, restoring
// priority_committed to the first removed batch's priority_first.
void revert_only_unverified(Context& c) {
  const OneStep s = one_step(c, op_code<zk::RevertBatches>);
  const Model& m = c.m;
  c.solver.add(accepted(m, s.out));
  expr kept = m.truth(true);
  for (std::size_t k = 0; k < batch_slots; ++k)
    kept = kept && z3::implies(m.u64v(k) < s.in.new_committed, same_record(s.pre.batches[k], s.out.post.batches[k]));
  c.conclude(s.in.caller == c.cfg.operator_key && s.in.new_committed >= s.pre.verified &&
                 s.out.post.committed == s.in.new_committed && s.out.post.verified == s.pre.verified &&
                 s.out.post.executed == s.pre.executed && kept,
             s.in.new_committed == s.pre.verified);  // the boundary: down to verified exactly
}

// Two batch records, of any two contracts, with equal public inputs have equal statements.
void public_input_binds(Context& c) {
  const Model& m = c.m;
  // The two sides: `pre.first` under the context's configuration `env.first`, `pre.second` under
  // `env.second`, each with its record index `in.first.record`, `in.second.record`.
  const Config cfg2 = m.config("env.second");
  c.solver.add(m.config_valid(cfg2));
  const Contract s1 = m.contract("pre.first"), s2 = m.contract("pre.second");
  const std::vector<std::pair<const Contract*, const Config*>> both{{&s1, &c.cfg}, {&s2, &cfg2}};
  struct Fields {
    std::vector<expr> f;
    expr pi;
  };
  std::vector<Fields> records;
  for (std::size_t side = 0; side < 2; ++side) {
    const Contract& s = *both[side].first;
    const Config& cfg = *both[side].second;
    c.solver.add(m.counters_ordered(s) && s.committed <= m.u64v(batch_slots) && m.batches_chain(s, cfg) &&
                 m.priority_in_order(s));
    const expr k = m.u64(side == 0 ? "in.first.record" : "in.second.record");
    c.solver.add(k >= m.u64v(0) && k < s.committed);
    const BatchRecord b = m.pick_batch(s, k);
    const expr data = m.data_commitment(b.tx_root, b.tx_count, b.wroot, b.wcount);
    const expr ph = m.priority_hash(s.queue, b.priority_first, b.pcount, nullptr);
    // Collision resistance at the record's term.
    c.solver.add(m.public_input_binds_at(cfg, b.number, b.prev, b.post, data, ph));
    records.push_back({{cfg.chain_id, cfg.rollup_id, cfg.vk_hash, b.number, b.prev, b.post, data, ph}, b.public_input});
  }
  c.solver.add(records[0].pi == records[1].pi);
  expr same = m.truth(true);
  for (std::size_t i = 0; i < records[0].f.size(); ++i) same = same && records[0].f[i] == records[1].f[i];
  c.conclude(same, m.truth(true));
}

// When batch `executed` is executed, the priority operations its valid statement's L2 execution
// consumed (any list of up to statement_priority_max ids whose chain is the statement's
// priority-ops hash) are exactly priority_ops[priority_first .. priority_first + priority_count), in
// order.
void priority_exactly_once(Context& c) {
  const OneStep s = one_step(c, op_code<zk::ExecuteBatch>);
  const Model& m = c.m;
  c.solver.add(accepted(m, s.out));
  const BatchRecord b = m.pick_batch(s.pre, s.pre.executed);
  std::vector<expr> facts;
  // The record's public input, with its collision resistance at that term.
  const expr data = m.data_commitment(b.tx_root, b.tx_count, b.wroot, b.wcount);
  const expr ph = m.priority_hash(s.pre.queue, b.priority_first, b.pcount, &facts);
  c.solver.add(m.public_input_binds_at(c.cfg, b.number, b.prev, b.post, data, ph));
  // The statement's execution: the ids it consumed, in order, chaining to the statement's hash.
  const expr n = m.u64("env.statement.priority_count");
  std::vector<expr> ids;
  expr acc = m.zero_hash(), chain = m.zero_hash();
  for (std::size_t i = 0; i < statement_priority_max; ++i) {
    ids.push_back(m.hash("env.statement.priority_ids[" + std::to_string(i) + "]"));
    acc = m.chain_link(acc, ids.back(), &facts);
    chain = z3::ite(n == m.u64v(i + 1), acc, chain);
  }
  c.solver.add(m.all(facts) && n >= m.u64v(0) && n <= m.u64v(statement_priority_max));
  // Soundness: a valid statement's execution consumed exactly the operations chaining to its hash.
  const expr statement_hash = m.preimage_of(b.public_input).back();
  c.solver.add(z3::implies(m.valid_statement(b.public_input), chain == statement_hash));
  expr exact = n == b.pcount;
  for (std::size_t i = 0; i < priority_per_batch; ++i)
    exact = exact && z3::implies(m.u64v(i) < b.pcount, ids[i] == s.pre.queue.at(b.priority_first + m.u64v(i)).id);
  c.conclude(exact, b.pcount == m.u64v(priority_per_batch));  // the boundary: a full batch
}

// activate_exodus is accepted exactly when the rollup is live and the oldest unexecuted operation's
// expiry_height <= height; at such a height (or in exodus) every batch operation and request is
// refused; the exits and refunds are accepted only in exodus.
void exodus_exactly_on_expiry(Context& c, Op op) {
  const OneStep s = one_step(c, op);
  const Model& m = c.m;
  const expr ok = accepted(m, s.out);
  const expr h = s.in.height;
  const expr expired = m.expired_exactly(s.pre, h);
  const expr oldest = s.pre.queue.at(s.pre.priority_executed).expiry;
  const expr live_queue = s.pre.priority_executed < s.pre.queue.count;
  if (op == op_code<zk::ActivateExodus>) {
    c.conclude(ok == (!s.pre.exodus && expired), ok && live_queue && oldest == h);  // accepted at expiry_height
  } else if (op == op_code<zk::ExodusWithdraw> || op == op_code<zk::ExodusWithdrawMany> ||
             op == op_code<zk::RefundDeposit>) {
    c.conclude(z3::implies(ok, s.pre.exodus), ok);
  } else {
    c.conclude(z3::implies(s.pre.exodus || expired, !ok), ok && live_queue && oldest == h + m.u64v(1));  // one block early
  }
}

// ---- honest_user_exits (bounded model checking).
//
// From any state where the invariants hold, not in exodus and nothing expired: step 0 is the user's
// request_forced_withdrawal of its account `a` (accepted); steps 1 .. depth - 3 are any call by anyone
// (the user included), at non-decreasing heights; step depth - 2 is the user's activate_exodus at a
// height at or after its request's expiry_height; step depth - 1 its exodus_withdraw of `a`, opening
// the last executed root's state and its account. Claim: the request was served by an executed
// batch, or the rollup is in exodus after the activation and the exit pays the account's balance to
// its owner, or is refused by ZK-EXIT-5 only, or `a` had already exited (paid to the same owner: the
// opening binds it).
void honest_user_exits(Context& c, std::size_t depth) {
  const Model& m = c.m;
  const Contract start = m.contract("pre");
  const Keys keys = m.keys(key_prefix);
  c.solver.add(m.invariant(start, c.cfg, keys));
  const expr user = m.hash("env.user.key"), account = m.u64("env.user.account_index");
  std::vector<Contract> states{start};
  std::vector<Call> calls;
  std::vector<Step> steps;
  for (std::size_t i = 0; i < depth; ++i) {
    const Call in = m.call("in.step" + std::to_string(i));
    if (i > 0) c.solver.add(in.height >= calls.back().height);
    c.solver.add(m.queue_at(start.queue, c.cfg, in.queue_index, in.queue_index, start.now));
    const Step out = m.step(c.cfg, states.back(), in, std::nullopt);
    c.solver.add(out.domain);
    calls.push_back(in);
    steps.push_back(out);
    states.push_back(out.post);
  }
  // The queue's typing at every state's oldest unexecuted index.
  for (const Contract& s : states)
    c.solver.add(m.queue_at(start.queue, c.cfg, s.priority_executed, s.priority_executed, start.now));
  // The state after the last step (the exit) as `post.`.
  c.solver.add(name_outcome(m, steps.back(), keys));
  const std::size_t activate = depth - 2, leave = depth - 1;
  const Call &request = calls[0], &activation = calls[activate], &withdrawal = calls[leave];
  c.solver.add(request.op == m.opcode<zk::RequestForcedWithdrawal>() && request.caller == user &&
               request.account == account && request.value == c.cfg.fee && accepted(m, steps[0]));
  const expr r = start.queue.count;  // the request's queue index
  const expr expiry = m.saturating_add(request.height, c.cfg.expiry_blocks);
  c.solver.add(activation.op == m.opcode<zk::ActivateExodus>() && activation.caller == user && activation.height >= expiry);
  const Claim& claim = withdrawal.claims[0];
  c.solver.add(withdrawal.op == m.opcode<zk::ExodusWithdraw>() && withdrawal.caller == user && claim.index == account &&
               claim.proof_ok &&
               m.state_root(withdrawal.accounts_root, withdrawal.deposits_credited, withdrawal.forced_processed) ==
                   m.executed_root(states[leave], c.cfg));
  const expr served = r < states[activate].priority_executed;
  const Step& out = steps[leave];
  const expr paid = accepted(m, out) && out.payouts[0].to == claim.owner && out.payouts[0].amount == claim.balance;
  const expr exit_ok = paid || out.error == m.code(Error::exit_escrow_insufficient) ||
                       states[leave].exited.contains({account});
  c.conclude(served || (states[activate + 1].exodus && exit_ok),
             // the boundary: unserved, activated by the user exactly at the request's expiry height
             !served && !states[activate].exodus && activation.height == expiry);
}

std::vector<Obligation> contract_obligations(Weakening weakening, Depth depth) {
  std::vector<Obligation> list;
  const std::string init_premise =
      "the contract as deployed: no escrow, queue, batch, exit, refund or payment, every counter 0, "
      "next_account_index 1, not in exodus";
  for (const Invariant& inv : invariants()) {
    list.push_back(make(inv.name, "init", Kind::initiation, inv.statement, init_premise, weakening,
                        [state = inv.state](Context& c) {
                          // The deploy is the step: the deployed contract the state after.
                          Contract s = c.m.contract("post");
                          const expr init = c.m.initial(s);
                          c.solver.add(init);
                          c.conclude(state(c, s, c.m.keys(key_prefix)), c.m.truth(true));
                        }));
    zk::Operations::for_each([&](auto operation) {
      constexpr Op op = op_code<typename decltype(operation)::type>;
      list.push_back(make(inv.name, op_name(op), Kind::consecution, inv.statement,
                          "any contract state where " + invariants_words + ", and any `" + op_name(op) +
                              "` call by anyone, accepted or rejected, with any value and inputs in range at a height "
                              ">= the last accepted one; posted-data, opening and inclusion checks and the proof "
                              "system's verdict free (the verdict sound)",
                          weakening, [claim = inv.claim, which = op](Context& c) {
                            const OneStep s = one_step(c, which);
                            // Premise: the op can accept a step from such a state.
                            c.conclude(claim(c, s, which), accepted(c.m, s.out));
                          }));
    });
  }
  list.push_back(make("no_unverified_execution", "execute_batch", Kind::safety,
                      "an accepted execute_batch executes batch `executed` with executed < verified in the pre-state, "
                      "whose public input is a valid statement, and serves its priority operations",
                      "any contract state where " + invariants_words + ", and any accepted execute_batch", weakening,
                      [](Context& c) { no_unverified_execution(c); }));
  list.push_back(make("revert_only_unverified", "revert_batches", Kind::safety,
                      "an accepted revert_batches is the operator's and removes only batches at or above verified; "
                      "verified, executed and the kept records are unchanged",
                      "any contract state where " + invariants_words + ", and any accepted revert_batches", weakening,
                      [](Context& c) { revert_only_unverified(c); }));
  list.push_back(make("public_input_binds", "public_input", Kind::safety,
                      "two batch records of any two contracts with equal public_input have equal chain, rollup, vk_hash, "
                      "batch number, roots, data commitment and priority-ops hash",
                      "two contract states, under two configurations, where counters_ordered, batches_chain and "
                      "priority_in_order hold, a recorded batch of each, equal public inputs; public_input collision "
                      "resistant at the two records' terms",
                      weakening, [](Context& c) { public_input_binds(c); }, "env.first"));
  list.push_back(make("priority_exactly_once", "execute_batch", Kind::safety,
                      "when batch k is executed, the deposits and forced exits its valid statement's L2 execution consumed "
                      "are exactly priority_ops[priority_first .. priority_first + priority_count), in order",
                      "any contract state where " + invariants_words + ", any accepted execute_batch, and any list of up "
                      "to " + std::to_string(statement_priority_max) +
                          " consumed ids that a valid statement's execution chains to its priority-ops hash; "
                          "public_input and the chain's links collision resistant at the terms built",
                      weakening, [](Context& c) { priority_exactly_once(c); }));
  zk::Operations::for_each([&](auto operation) {
    constexpr Op op = op_code<typename decltype(operation)::type>;
    if (op == op_code<zk::PayWithdrawal>) return;  // open in both modes
    list.push_back(make("exodus_exactly_on_expiry", op_name(op), Kind::safety,
                        op == op_code<zk::ActivateExodus>
                            ? "activate_exodus is accepted iff not in exodus and the oldest unexecuted operation's "
                              "expiry_height <= height"
                        : (op == op_code<zk::ExodusWithdraw> || op == op_code<zk::ExodusWithdrawMany> ||
                           op == op_code<zk::RefundDeposit>)
                            ? "`" + op_name(op) + "` is accepted only in exodus"
                            : "in exodus, or at a height >= the oldest unexecuted operation's expiry_height, `" +
                                  op_name(op) + "` is refused",
                        "any contract state where " + invariants_words + ", and any `" + op_name(op) +
                            "` call by anyone, accepted or rejected, in range",
                        weakening, [which = op](Context& c) { exodus_exactly_on_expiry(c, which); }));
  });
  const std::size_t d = honest_user_exits_depth(depth);
  list.push_back(make("honest_user_exits", "trace", Kind::bmc,
                      "depth " + std::to_string(d) +
                          ", every other step any call by anyone: after an honest user's forced withdrawal request, "
                          "either an executed batch served it, or the user's activate_exodus at its expiry height leaves "
                          "the rollup in exodus and its exodus_withdraw pays its account's balance to the owner (refused "
                          "only by ZK-EXIT-5, or the account had exited already, paid to the same owner)",
                      "a trace of " + std::to_string(d) + " steps from any contract state where " + invariants_words +
                          ", not in exodus: step 0 the user's accepted request_forced_withdrawal, steps 1.." +
                          std::to_string(d - 3) +
                          " any call by anyone at non-decreasing heights, then the user's activate_exodus at a height >= "
                          "its request's expiry_height and its exodus_withdraw with the opening of the last executed "
                          "root's state and of its account",
                      weakening, [d](Context& c) { honest_user_exits(c, d); }));
  return list;
}

}  // namespace
}  // namespace model

std::vector<Obligation> obligations(Weakening weakening, Depth depth) {
  std::vector<Obligation> list = model::contract_obligations(weakening, depth);
  for (Obligation& o : soundness_obligations(weakening, depth)) list.push_back(std::move(o));  // soundness.cpp
  return list;
}

ModelEntry registry_entry() {
  ModelEntry entry = model_entry("zk_rollup", all_weakenings, weakening_name, parse_weakening, obligations);
  entry.trace_validation = trace_validation_stage(
      800, 40, [](std::uint64_t seed, std::size_t traces, std::size_t steps, const std::function<void(std::size_t)>& progress) {
        return validate_random_traces(seed, traces, steps, progress);
      });
  return entry;
}

}  // namespace l2::inv::zk_rollup
