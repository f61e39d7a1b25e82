// The validium's obligations: the invariants by initiation (deploy) and consecution against each of
// the 15 ops of the table; the DA safety claims da_threshold_distinct (verify_availability) and
// committed_only_if_attested (commit_batch, after any step); the adversarial checks
// distrusting_user_leaves and honest_user_freezes (bounded model checking). spec: validium.md#obligations
#include <functional>
#include <string>
#include <utility>

#include "model.hpp"

namespace l2::inv::validium {

std::string_view weakening_name(Weakening weakening) {
  switch (weakening) {
    case Weakening::none: return "none";
    case Weakening::threshold_counts_duplicates: return "threshold_counts_duplicates";
    case Weakening::attestations_survive_rotation: return "attestations_survive_rotation";
    case Weakening::rotation_without_delay: return "rotation_without_delay";
  }
  return "none";
}

std::optional<Weakening> parse_weakening(std::string_view name) {
  return parse_weakening_name(name, all_weakenings, weakening_name);
}

namespace model {
namespace {

// One obligation's context: the model (with the weakening), a configuration the deployment
// accepts, and the claim-or-premise switch.
struct Context {
  z3::context& ctx;
  z3::solver& solver;
  Model m;
  Config cfg;
  bool claim;
  Context(z3::context& c, z3::solver& s, Weakening weakening, bool negate_claim)
      : ctx(c), solver(s), m(c, weakening), cfg(m.config("env")), claim(negate_claim) {
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
    "the invariants (committee_well_formed, attestations_by_current_committee at a free digest, the pending "
    "rotation's state of rotation_after_delay, data_mode_fixed, queue_in_order at two free indices) hold";

Obligation make(std::string invariant, std::string transition, Kind kind, std::string statement, std::string premise,
                Weakening weakening, std::function<void(Context&)> body) {
  premise += "; any configuration with rotation_delay_blocks > priority_expiry_blocks + censorship_bound_blocks, "
             "censorship_bound_blocks >= 1 and priority_expiry_blocks >= 1; committees of at most " +
             std::to_string(member_slots) + " members (one of " + std::to_string(member_slots + 1) +
             "..64 members is outside the model); of the wrapped rollup only data_mode, rollup_id, exodus, the queue's "
             "expiry heights and priority_executed, each wrapped op's rules but ZK-LIVE-1/2, ZK-EXIT-1, "
             "ZK-EXO-1 and ZK-COMMIT-12 a free verdict; da_digest collision resistant at the recorded digest, a "
             "signature valid only if its key's holder signed";
  premise += weakened_rule_note(weakening_name(weakening));
  Obligation o = make_claim_obligation(std::string(mechanism_name), std::move(invariant), std::move(transition), kind,
                                       std::move(statement), [body, weakening](z3::context& ctx, z3::solver& solver, bool claim) {
                                         Context c(ctx, solver, weakening, claim);
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

// The names of a counterexample's values give each its role in the step (what the audit report
// groups them by): `pre.` the state before, `in.` the input (a trace's step N `in.step<N>.`), `env.`
// the configuration and the free keys the invariants are read at, `post.` the state after.
const std::string key_prefix = "env.key";

// Names `s` as the state `p` (its scalars, and its attestations' membership at `digest` as
// `p.rollup.data_attestations.has_key_digest`), and the step's `error` as `p.error` when given: each
// name is a fresh constant equal to its value, a definitional extension that changes no claim, so
// that a counterexample shows the state after the step.
expr name_state(const Model& m, const std::string& p, const Contract& s, const expr& digest,
                const std::optional<expr>& error = std::nullopt) {
  const Contract named = m.contract(p);
  expr same = m.same_committee(named.committee, s.committee) && named.pending.present == s.pending.present &&
              m.same_committee(named.pending.committee, s.pending.committee) &&
              named.pending.activation == s.pending.activation && named.pending.proposed_at == s.pending.proposed_at &&
              named.committee_mode == s.committee_mode && named.rollup_id == s.rollup_id && named.exodus == s.exodus &&
              named.queue.count == s.queue.count && named.priority_executed == s.priority_executed && named.now == s.now &&
              m.boolean(p + ".rollup.data_attestations.has_key_digest") == s.attestations.contains(digest);
  if (error) same = same && m.ctx().bv_const((p + ".error").c_str(), code_bits) == *error;
  return same;
}

OneStep one_step(Context& c, std::optional<Op> op) {
  const Contract pre = c.m.contract("pre");
  const Call in = c.m.call("in");
  const Keys keys = c.m.keys(key_prefix);
  Step out = c.m.step(c.cfg, pre, in, op);
  c.solver.add(c.m.invariant(pre, c.cfg, keys));
  // The queue's order at the indices the step reads, too.
  c.solver.add(c.m.queue_in_order(pre, c.cfg, pre.priority_executed, keys.j));
  c.solver.add(out.domain);
  c.solver.add(c.m.boolean("pre.rollup.data_attestations.has_key_digest") == pre.attestations.contains(keys.digest));
  c.solver.add(name_state(c.m, "post", out.post, keys.digest, out.error));
  return {pre, in, out, keys};
}

expr accepted(const Model& m, const Step& s) { return s.error == m.none(); }

std::string op_name(Op op) { return std::string(vd::Operations::name(op)); }

expr same_pending(const Model& m, const Pending& a, const Pending& b) {
  return a.present == b.present && z3::implies(a.present, m.same_committee(a.committee, b.committee) &&
                                                              a.activation == b.activation &&
                                                              a.proposed_at == b.proposed_at);
}

struct Invariant {
  std::string name, statement;
  std::function<expr(Context&, const Contract&, const Keys&)> state;  // for initiation
  std::function<expr(Context&, const OneStep&, Op)> claim;            // for consecution
};

std::vector<Invariant> invariants() {
  std::vector<Invariant> list;
  list.push_back({"committee_well_formed",
                  "the committee and any pending one satisfy VD-COM-1..4: 1 <= size, members strictly ascending and on "
                  "the curve, 0 < threshold <= size",
                  [](Context& c, const Contract& s, const Keys&) { return c.m.committee_well_formed(s); },
                  [](Context& c, const OneStep& s, Op) { return c.m.committee_well_formed(s.out.post); }});
  list.push_back({"attestations_by_current_committee",
                  "every digest in data_attestations was signed by at least `threshold` distinct members of the "
                  "committee in force (a rotation clears them)",
                  [](Context& c, const Contract& s, const Keys& keys) {
                    return c.m.attestations_by_current_committee(s, keys.digest);
                  },
                  [](Context& c, const OneStep& s, Op) {
                    return c.m.attestations_by_current_committee(s.out.post, s.keys.digest);
                  }});
  list.push_back({"rotation_after_delay",
                  "the committee changes only by an accepted activate_rotation to the pending committee, at a height >= "
                  "min(h + rotation_delay_blocks, UINT64_MAX), h the height of the governor's proposal of it, while not "
                  "frozen and nothing expired; the pending rotation changes only by the governor's propose_rotation "
                  "(activation_height = min(h + D, UINT64_MAX)) or by its activation",
                  [](Context& c, const Contract& s, const Keys&) { return c.m.rotation_state(s, c.cfg); },
                  [](Context& c, const OneStep& s, Op op) {
                    const Model& m = c.m;
                    const Contract &pre = s.pre, &post = s.out.post;
                    const expr h = s.in.height;
                    const expr committee_changed = !m.same_committee(pre.committee, post.committee);
                    const expr pending_changed = !same_pending(m, pre.pending, post.pending);
                    expr ok = m.rotation_state(post, c.cfg);
                    if (op == op_code<vd::ActivateRotation>) {
                      ok = ok &&
                           z3::implies(committee_changed,
                                       accepted(m, s.out) && pre.pending.present &&
                                           m.same_committee(post.committee, pre.pending.committee) &&
                                           h >= m.saturating_add(pre.pending.proposed_at, c.cfg.rotation_delay) &&
                                           !pre.exodus && !m.expired(pre, h)) &&
                           z3::implies(pending_changed, !post.pending.present);
                    } else if (op == op_code<vd::ProposeRotation>) {
                      ok = ok && !committee_changed &&
                           z3::implies(pending_changed, s.in.caller == c.cfg.governor && post.pending.present &&
                                                            post.pending.proposed_at == h &&
                                                            m.same_committee(post.pending.committee, s.in.committee));
                    } else {
                      ok = ok && !committee_changed && !pending_changed;
                    }
                    return ok;
                  }});
  list.push_back({"data_mode_fixed", "rollup.data_mode is committee and rollup.rollup_id is the validium_id, always",
                  [](Context& c, const Contract& s, const Keys&) { return c.m.data_mode_fixed(s, c.cfg); },
                  [](Context& c, const OneStep& s, Op) { return c.m.data_mode_fixed(s.out.post, c.cfg); }});
  list.push_back({"queue_in_order",
                  "what the model keeps of zk_rollup's priority_in_order: priority_executed <= len(priority_ops), expiry "
                  "heights never decrease along the queue and none is above min(now + E, UINT64_MAX), now the height "
                  "of the last accepted step",
                  [](Context& c, const Contract& s, const Keys& keys) { return c.m.queue_in_order(s, c.cfg, keys.i, keys.j); },
                  [](Context& c, const OneStep& s, Op) {
                    return c.m.queue_in_order(s.out.post, c.cfg, s.keys.i, s.keys.j);
                  }});
  return list;
}

// ---- Safety.

// An accepted verify_availability had at least `threshold` distinct members of the committee in
// force, each with an entry whose signature verified (so each signed the digest), and it records
// the digest of (chain_id, validium id, batch_number, data_root).
void da_threshold_distinct(Context& c) {
  const OneStep s = one_step(c, op_code<vd::VerifyAvailability>);
  const Model& m = c.m;
  c.solver.add(accepted(m, s.out));
  const Committee& committee = s.pre.committee;
  const expr digest = m.da_digest(c.cfg.chain_id, s.pre.rollup_id, s.in.batch_number, s.in.data_root);
  const std::vector<expr> back = m.da_preimage_of(digest);
  c.conclude(m.members_with_valid_entry(committee, s.in) >= committee.threshold &&
                 m.signers_among(committee, digest) >= committee.threshold && s.out.post.attestations.contains(digest) &&
                 back[0] == c.cfg.chain_id && back[1] == m.validium_id(c.cfg) && back[2] == s.in.batch_number &&
                 back[3] == s.in.data_root,
             // the boundary: exactly `threshold` distinct signers, one of them listed twice
             m.distinct_signers(s.in) == committee.threshold && s.in.length > committee.threshold);
}

// After any step from a state where the invariants hold, an accepted commit_batch's batch number
// and transactions root were signed by at least `threshold` distinct members of the committee in
// force.
void committed_only_if_attested(Context& c) {
  const Model& m = c.m;
  const Contract pre = m.contract("pre");
  const Keys keys = m.keys(key_prefix);
  const Call first = m.call("in.step0"), commit = m.call("in.step1");
  const Step one = m.step(c.cfg, pre, first, std::nullopt);
  const Step two = m.step(c.cfg, one.post, commit, op_code<vd::CommitBatch>);
  const expr digest = m.da_digest(c.cfg.chain_id, one.post.rollup_id, commit.batch_number, commit.data_root);
  c.solver.add(m.invariant(pre, c.cfg, keys) && m.attestations_by_current_committee(pre, digest) &&
               m.queue_in_order(pre, c.cfg, pre.priority_executed, keys.j) && one.domain && two.domain &&
               commit.height >= first.height && accepted(m, two));
  c.solver.add(m.boolean("pre.rollup.data_attestations.has_key_digest") == pre.attestations.contains(keys.digest));
  c.solver.add(name_state(m, "post", two.post, keys.digest, two.error));
  const Committee& in_force = one.post.committee;
  c.conclude(m.signers_among(in_force, m.da_digest(c.cfg.chain_id, m.validium_id(c.cfg), commit.batch_number,
                                                   commit.data_root)) >= in_force.threshold,
             // the boundary: the first step attests the batch, by `threshold` members exactly
             first.op == m.opcode<vd::VerifyAvailability>() && accepted(m, one) &&
                 !pre.attestations.contains(digest) && m.distinct_signers(first) == pre.committee.threshold);
}

// ---- Traces (bounded model checking).

struct Trace {
  std::vector<Contract> states;
  std::vector<Call> calls;
  std::vector<Step> steps;
};

// `depth` steps of any op from a state where the invariants hold, at non-decreasing heights, with
// queue_in_order (proved inductive) read at each state's oldest unserved index against `index`.
Trace unroll(Context& c, std::size_t depth, const std::function<expr(const Contract&)>& index) {
  const Model& m = c.m;
  const Contract start = m.contract("pre");
  const Keys keys = m.keys(key_prefix);
  c.solver.add(m.invariant(start, c.cfg, keys) && !start.exodus);
  Trace t{{start}, {}, {}};
  for (std::size_t i = 0; i < depth; ++i) {
    const Call in = m.call("in.step" + std::to_string(i));
    if (i > 0) c.solver.add(in.height >= t.calls.back().height);
    const Step out = m.step(c.cfg, t.states.back(), in, std::nullopt);
    c.solver.add(out.domain);
    t.calls.push_back(in);
    t.steps.push_back(out);
    t.states.push_back(out.post);
  }
  const expr r = index(start);
  for (const Contract& s : t.states) c.solver.add(m.queue_in_order(s, c.cfg, s.priority_executed, r));
  return t;
}

// Step 0: the governor's accepted propose_rotation at height h; step 1: a user's accepted
// request_forced_withdrawal at a height <= h + B; steps 2 .. depth - 1: any call by anyone. Claim:
// no step activates a rotation (this one or a later proposal) while the request is unserved.
void distrusting_user_leaves(Context& c, std::size_t depth) {
  const Model& m = c.m;
  const Trace t = unroll(c, depth, [](const Contract& s) { return s.queue.count; });
  const Call &proposal = t.calls[0], &request = t.calls[1];
  c.solver.add(proposal.op == m.opcode<vd::ProposeRotation>() && proposal.caller == c.cfg.governor &&
               accepted(m, t.steps[0]));
  c.solver.add(request.op == m.opcode<vd::RequestForcedWithdrawal>() &&
               request.height <= proposal.height + c.cfg.censorship_bound && accepted(m, t.steps[1]));
  const expr r = t.states[0].queue.count;  // the request's queue index
  expr ok = m.truth(true);
  for (std::size_t i = 2; i < depth; ++i) {
    const expr activates = t.calls[i].op == m.opcode<vd::ActivateRotation>() && accepted(m, t.steps[i]);
    ok = ok && z3::implies(activates, r < t.states[i].priority_executed);
  }
  const std::size_t last = depth - 1;
  const Contract& before = t.states[last];
  c.conclude(ok,
             // the boundary: the rotation due exactly, the request unserved
             t.calls[last].op == m.opcode<vd::ActivateRotation>() && before.pending.present &&
                 t.calls[last].height == before.pending.activation && r >= before.priority_executed);
}

// Step 0: the user's accepted request_forced_withdrawal; steps 1 .. depth - 2: any call by anyone;
// step depth - 1: the user's activate_exodus at a height >= its request's expiry_height. Claim: an
// executed batch served the request, or the validium is frozen after the activation.
void honest_user_freezes(Context& c, std::size_t depth) {
  const Model& m = c.m;
  const Trace t = unroll(c, depth, [](const Contract& s) { return s.queue.count; });
  const Call &request = t.calls[0], &activation = t.calls[depth - 1];
  const expr user = m.hash("env.user.key");
  c.solver.add(request.op == m.opcode<vd::RequestForcedWithdrawal>() && request.caller == user && accepted(m, t.steps[0]));
  const expr expiry = m.saturating_add(request.height, c.cfg.expiry_blocks);
  c.solver.add(activation.op == m.opcode<vd::ActivateExodus>() && activation.caller == user && activation.height >= expiry);
  const expr r = t.states[0].queue.count;
  const Contract& before = t.states[depth - 1];
  const expr served = r < before.priority_executed;
  c.conclude(served || t.states[depth].exodus,
             // the boundary: unserved, activated by the user exactly at the request's expiry height
             !served && !before.exodus && activation.height == expiry);
}

std::vector<Obligation> all_obligations(Weakening weakening, Depth depth) {
  std::vector<Obligation> list;
  const std::string init_premise =
      "any accepted deploy: a committee of at most " + std::to_string(member_slots) +
      " members that VD-COM-1..4 accept, no pending rotation, no attestation, an empty queue, not frozen, "
      "data_mode committee and rollup_id = validium_id(chain, contract, operator, nonce)";
  for (const Invariant& inv : invariants()) {
    list.push_back(make(inv.name, "init", Kind::initiation, inv.statement, init_premise, weakening,
                        [state = inv.state](Context& c) {
                          // The deploy is the step: its committee the input, the deployed contract the state after.
                          Contract s = c.m.contract("post");
                          const Committee input = c.m.committee("in.committee");
                          c.solver.add(c.m.deployed(s, c.cfg, input));
                          c.conclude(state(c, s, c.m.keys(key_prefix)), c.m.truth(true));
                        }));
    vd::Operations::for_each([&](auto operation) {
      constexpr Op op = op_code<typename decltype(operation)::type>;
      list.push_back(make(inv.name, op_name(op), Kind::consecution, inv.statement,
                          "any contract state where " + invariants_words + ", and any `" + op_name(op) +
                              "` call by anyone, accepted or rejected, with inputs in range at a height >= the last "
                              "accepted one",
                          weakening, [claim = inv.claim, which = op](Context& c) {
                            const OneStep s = one_step(c, which);
                            // Premise: the op can accept a step from such a state.
                            c.conclude(claim(c, s, which), accepted(c.m, s.out));
                          }));
    });
  }
  list.push_back(make("da_threshold_distinct", "verify_availability", Kind::safety,
                      "an accepted verify_availability lists at least `threshold` distinct members of the committee in "
                      "force, each with an entry whose signature verifies (a member listed twice counts once), each of "
                      "them signed the digest, and the digest it records binds (chain_id, validium_id, batch_number, "
                      "data_root)",
                      "any contract state where " + invariants_words +
                          ", and any accepted verify_availability, its list of any length (at most " +
                          std::to_string(member_slots) + " entries pass VD-DA-1)",
                      weakening, [](Context& c) { da_threshold_distinct(c); }));
  list.push_back(make("committed_only_if_attested", "commit_batch", Kind::safety,
                      "after any step, an accepted commit_batch's (chain_id, validium_id, batch_number, "
                      "transactions_root) digest was signed by at least `threshold` distinct members of the committee "
                      "in force",
                      "any contract state where " + invariants_words +
                          " (attestations_by_current_committee also at the commit's digest), then any call by anyone and "
                          "an accepted commit_batch, at non-decreasing heights",
                      weakening, [](Context& c) { committed_only_if_attested(c); }));
  const std::size_t leave = distrusting_user_leaves_depth(depth);
  list.push_back(make("distrusting_user_leaves", "trace", Kind::bmc,
                      "depth " + std::to_string(leave) +
                          ", every other step any call by anyone: after the governor's proposal at h and a user's forced "
                          "withdrawal request landed by h + B, no activate_rotation is accepted while the request is "
                          "unserved (by then it has expired: VD-LIVE-2)",
                      "a trace of " + std::to_string(leave) + " steps from any contract state where " +
                          invariants_words + ", not frozen: step 0 the governor's accepted propose_rotation at h, step 1 "
                          "a user's accepted request_forced_withdrawal at a height <= h + B, steps 2.." +
                          std::to_string(leave - 1) + " any call by anyone, at non-decreasing heights",
                      weakening, [leave](Context& c) { distrusting_user_leaves(c, leave); }));
  const std::size_t freeze = honest_user_freezes_depth(depth);
  list.push_back(make("honest_user_freezes", "trace", Kind::bmc,
                      "depth " + std::to_string(freeze) +
                          ", every other step any call by anyone (the validium's own ops included): after an honest "
                          "user's forced withdrawal request, either an executed batch served it, or the user's "
                          "activate_exodus at its expiry height leaves the validium frozen (the exit is then "
                          "zk_rollup's honest_user_exits, given an opening of the last executed root)",
                      "a trace of " + std::to_string(freeze) + " steps from any contract state where " +
                          invariants_words + ", not frozen: step 0 the user's accepted request_forced_withdrawal, steps "
                          "1.." + std::to_string(freeze - 2) +
                          " any call by anyone at non-decreasing heights, then the user's activate_exodus at a height "
                          ">= its request's expiry_height",
                      weakening, [freeze](Context& c) { honest_user_freezes(c, freeze); }));
  return list;
}

}  // namespace
}  // namespace model

std::vector<Obligation> obligations(Weakening weakening, Depth depth) { return model::all_obligations(weakening, depth); }

ModelEntry registry_entry() {
  return model_entry("validium", all_weakenings, weakening_name, parse_weakening, obligations);
}

}  // namespace l2::inv::validium
