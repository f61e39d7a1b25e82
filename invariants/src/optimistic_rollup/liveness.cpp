// The adversarial obligations: in every one, each step but the honest party's is any call by anyone,
// with any value and any caller. spec: optimistic_rollup.md#the-z3-model
//
// - honest_challenger_wins (bounded, depth 4): an honest challenger against an invalid pending batch
//   always gets it reverted, and it is never final, whatever the holdings (UINT64_MAX included: bonds
//   are held apart).
// - no_batch_after_revert (bounded, depth 3): a batch a revert removed is never accepted again, whoever
//   submits it.
// - honest_operator_not_slashed (bounded, depth 4): a batch that processes every request overdue at
//   its L1 origin never gets a confirmed fraud, whatever is deposited or requested while it waits.
// - honest_user_exits (a ranking argument, each step one obligation against any call): escape_delay
//   after its request, a user whose request the latest state has not processed freezes the rollup;
//   once frozen and past every deadline, the pending batches and open challenges only decrease, and
//   the user's next call (expire the first open challenge, else finalize the oldest pending batch)
//   decreases them; with nothing pending the user's exit passes every rule but OR-EXIT-6.
#include "obligations.hpp"

namespace l2::inv::optimistic_rollup::model {

namespace {

// A trace of `depth` steps from a state satisfying the invariants in `parts`; heights never decrease.
struct Trace {
  Contract start;
  Keys keys;
  std::vector<Call> calls;
  std::vector<Contract> states;  // states[i] is before step i; states[depth] is the end
  std::vector<Step> steps;
};

Trace unroll(Context& c, std::size_t depth, unsigned parts) {
  const ContractModel& m = c.m;
  Trace t{m.contract("pre"), m.keys("key"), {}, {}, {}};
  c.solver.add(m.invariant(t.start, c.cfg, t.keys, parts));
  t.states.push_back(t.start);
  for (std::size_t i = 0; i < depth; ++i) {
    const Call in = m.call("s" + std::to_string(i));
    if (i > 0) c.solver.add(in.height >= t.calls.back().height);
    // The queues' part of the invariant at the request the step names.
    c.solver.add(m.in_order_at(t.start.deposits, in.index, in.index, t.start.now) &&
                 m.in_order_at(t.start.forced_exits, in.index, in.index, t.start.now));
    const Step out = m.step(c.cfg, t.states.back(), in, std::nullopt);
    c.solver.add(out.domain);
    t.calls.push_back(in);
    t.steps.push_back(out);
    t.states.push_back(out.post);
  }
  return t;
}

expr accepted(const ContractModel& m, const Step& s) { return s.error == m.code(Error::none); }

// A proof's fields are a function of the proof: wherever `proof` is revealed, its fields are `p`'s.
void proof_is(Context& c, const Call& in, const expr& proof, const ContractModel::ProofFields& p) {
  c.solver.add(z3::implies(in.proof == proof, in.proof_batch_id == p.batch_id && in.proof_proof_type == p.proof_type &&
                                                  in.has_transaction_fault == p.has_transaction_fault &&
                                                  in.has_timeout_fault == p.has_timeout_fault && in.queue == p.queue &&
                                                  in.index == p.index && in.accounts_root == p.accounts_root &&
                                                  in.deposits_credited == p.deposits_credited &&
                                                  in.forced_exits_processed == p.forced_exits_processed &&
                                                  in.transaction_verdict == p.transaction_verdict));
}

// ---- honest_challenger_wins.
//
// The honest challenger (key `honest`) holds a proof P of an invalid pending batch B, of the type its
// fault has: a transaction fault (B's ghost transactions_valid is false; the L2 model's completeness
// lemma says the proof's re-execution confirms) or a timeout fault (a request overdue at B's origin
// that B's post-state, which the challenger opens, has not processed). Its evidence is Error = H(honest,
// P), and it has no open challenge with Error before. Step 1 is its open_challenge(B, Error) at a height below
// B's challenge deadline, with any bond the rules take; step 3 its resolve_challenge with P at a height
// above step 1's and below its challenge's deadline. Steps 0 and 2 are any call by anyone else, who may
// copy Error or P. Claim: B is reverted by the end and is never final before.
void honest_challenger_negation(Context& c) {
  const ContractModel& m = c.m;
  constexpr std::size_t open_step = 1, resolve_step = 3;
  Trace t = unroll(c, honest_challenger_depth, chain_part | finality_part | challenges_part | conservation_part);
  const Contract& start = t.start;
  const expr honest = m.hash("honest.key"), proof = m.hash("honest.proof");
  const expr evidence = m.h.evidence(honest, proof);
  c.solver.add(m.h.evidence_challenger(evidence) == honest && m.h.evidence_proof(evidence) == proof);
  const expr target = m.u64("target_batch");
  std::vector<expr> is_target;
  for (std::size_t k = 0; k < batch_slots; ++k) is_target.push_back(target == m.u64v(k));
  c.solver.add(target >= m.u64v(0) && target < start.batch_count);
  const BatchRecord batch = m.pick_batch(is_target, start);
  c.solver.add(!batch.final);
  // B is invalid, and P proves it with the right type.
  const expr type = m.bv("honest.proof_type", 8);
  const expr queue = m.bv("honest.queue", 8), index = m.u64("honest.index");
  const expr opened_accounts = m.hash("honest.opening.accounts_root"), opened_deposits = m.u64("honest.opening.deposits"),
             opened_forced = m.u64("honest.opening.forced_exits");
  std::vector<expr> facts;
  const expr opened_root = m.h.root_of(opened_accounts, opened_deposits, opened_forced, facts);
  c.solver.add(m.all(facts) && m.is_u64(index) && m.is_u64(opened_deposits) && m.is_u64(opened_forced) &&
               z3::ule(queue, m.queue_kind(QueueKind::forced_exits)));
  const expr timeout = type == m.type(FraudProofType::timeout_violation);
  const expr processed = z3::ite(queue == m.queue_kind(QueueKind::forced_exits), opened_forced, opened_deposits);
  c.solver.add(z3::ule(type, m.type(FraudProofType::timeout_violation)));
  c.solver.add(z3::ite(timeout, opened_root == batch.post && m.overdue(start, c.cfg, batch, queue, index) && processed <= index,
                       !batch.transactions_valid));
  proof_is(c, t.calls[0], proof, {batch.id, type, !timeout, timeout, queue, index, opened_accounts, opened_deposits,
                                  opened_forced, m.code(Error::none)});
  for (std::size_t i = 1; i < t.calls.size(); ++i)
    proof_is(c, t.calls[i], proof, {batch.id, type, !timeout, timeout, queue, index, opened_accounts, opened_deposits,
                                    opened_forced, m.code(Error::none)});
  for (std::size_t y = 0; y < challenge_slots; ++y)
    c.solver.add(z3::implies(m.is_open(start, y), !(start.challenges[y].challenger == honest &&
                                                     start.challenges[y].evidence == evidence)));

  expr reverted = m.truth(false), final_before = m.truth(false);
  const Call& open = t.calls[open_step];
  for (std::size_t i = 0; i < t.calls.size(); ++i) {
    const Call& in = t.calls[i];
    if (i == open_step) {
      c.solver.add(in.op == m.opcode<ref::optimistic_rollup::OpenChallenge>() && in.caller == honest && in.batch_id == batch.id &&
                   in.evidence == evidence && in.proof_type == type && in.value >= c.cfg.min_challenge_bond &&
                   in.height < batch.deadline);
    } else if (i == resolve_step) {
      c.solver.add(in.op == m.opcode<ref::optimistic_rollup::ResolveChallenge>() && in.caller == honest &&
                   in.challenge_id == m.h.challenge_id(honest, evidence) && in.proof == proof &&
                   in.height > open.height && in.height < m.saturating_add(open.height, c.cfg.resolution_period));
    } else {
      c.solver.add(in.caller != honest);
    }
    const Contract& after = t.states[i + 1];
    reverted = reverted || after.batch_count <= target;
    final_before = final_before || (!reverted && m.pick_batch(is_target, after).final);
  }
  if (c.claim) c.solver.add(!reverted || final_before);
  else c.solver.add(m.holdings(start) == m.u64max());  // the boundary: full holdings, the review's finding
}

// ---- no_batch_after_revert.
//
// Every batch a confirmed fraud removes, anywhere in a trace of any calls by anyone, is never accepted
// again later in the trace: no accepted submit_batch has its batch_id (which binds the whole header).
void no_batch_after_revert_negation(Context& c) {
  const ContractModel& m = c.m;
  Trace t = unroll(c, no_batch_after_revert_depth, chain_part | challenges_part | epoch_part | finality_part);
  struct Removed {
    expr present, id;
  };
  std::vector<Removed> removed;
  expr replayed = m.truth(false), attempted = m.truth(false);
  for (std::size_t i = 0; i < t.calls.size(); ++i) {
    const Call& in = t.calls[i];
    const expr id = m.h.batch_id_of({in.chain_id, in.rollup_id, in.number, in.epoch, in.origin, in.prev, in.post,
                                     in.transactions_root, in.count, in.state_roots_root});
    const expr submit = in.op == m.opcode<ref::optimistic_rollup::SubmitBatch>();
    for (const Removed& r : removed) {
      attempted = attempted || (r.present && submit && id == r.id);
      replayed = replayed || (r.present && submit && accepted(m, t.steps[i]) && id == r.id);
    }
    for (std::size_t k = 0; k < batch_slots; ++k) removed.push_back({t.steps[i].removed[k], t.states[i].batches[k].id});
  }
  c.solver.add(c.claim ? replayed : attempted);
}

// ---- honest_operator_not_slashed.
//
// Step 1 is the honest operator's batch H, built on origin o: its transactions are valid (ghost
// transactions_valid) and its post-state, the root of a state (A, D, F), has processed every deposit
// and every forced exit overdue at o (D and F at least the number of requests recorded at or below
// o - queue_inclusion_blocks). Steps 0, 2 and 3 are any call by anyone: deposits and requests landing
// while H waits, challenges with any proof. Claim: no step confirms a fraud against H.
void honest_operator_negation(Context& c) {
  const ContractModel& m = c.m;
  constexpr std::size_t honest_step = 1;
  Trace t = unroll(c, honest_operator_depth, chain_part | challenges_part | epoch_part | finality_part);
  const Call& in = t.calls[honest_step];
  const Contract& before = t.states[honest_step];
  const expr accounts = m.hash("honest.post.accounts_root"), deposits = m.u64("honest.post.deposits_credited"),
             forced = m.u64("honest.post.forced_exits_processed");
  std::vector<expr> facts;
  const expr root = m.h.root_of(accounts, deposits, forced, facts);
  c.solver.add(m.all(facts) && m.is_u64(deposits) && m.is_u64(forced));
  // The requests overdue at o: those recorded at or below o - queue_inclusion_blocks.
  const expr overdue_deposits = m.u64("honest.overdue.deposits"), overdue_forced = m.u64("honest.overdue.forced_exits");
  const expr some_overdue = in.origin >= c.cfg.queue_inclusion;
  const expr judged = in.origin - c.cfg.queue_inclusion;
  c.solver.add(z3::ite(some_overdue, m.recorded_by_is(before.deposits, judged, overdue_deposits), overdue_deposits == m.u64v(0)));
  c.solver.add(z3::ite(some_overdue, m.recorded_by_is(before.forced_exits, judged, overdue_forced), overdue_forced == m.u64v(0)));
  c.solver.add(in.op == m.opcode<ref::optimistic_rollup::SubmitBatch>() && in.caller == c.cfg.operator_key && in.transactions_valid &&
               in.post == root && deposits >= overdue_deposits && forced >= overdue_forced);
  // The queues are in recording order (invariant typing) at the indices the proofs name.
  for (const Call& later : t.calls) {
    c.solver.add(m.in_order_at(t.start.deposits, overdue_deposits, later.index, t.start.now));
    c.solver.add(m.in_order_at(t.start.forced_exits, overdue_forced, later.index, t.start.now));
    c.solver.add(m.in_order_at(t.start.deposits, later.index, later.index, t.start.now));
    c.solver.add(m.in_order_at(t.start.forced_exits, later.index, later.index, t.start.now));
  }
  c.solver.add(m.in_order_at(t.start.deposits, overdue_deposits, overdue_deposits, t.start.now));
  c.solver.add(m.in_order_at(t.start.forced_exits, overdue_forced, overdue_forced, t.start.now));

  // H sits in slot `slot` while it is recorded; a fraud confirmed against it removes that slot first.
  const expr slot = before.batch_count;
  expr alive = accepted(m, t.steps[honest_step]), slashed = m.truth(false), boundary = m.truth(false);
  for (std::size_t j = honest_step + 1; j < t.calls.size(); ++j) {
    const Step& s = t.steps[j];
    expr against_h = m.truth(false), removes_h = m.truth(false);
    for (std::size_t k = 0; k < batch_slots; ++k) {
      const expr here = slot == m.u64v(k);
      removes_h = removes_h || (here && s.removed[k]);
      against_h = against_h || (here && s.removed[k] && (k == 0 ? m.truth(true) : !s.removed[k - 1]));
    }
    slashed = slashed || (alive && s.confirmed && against_h);
    // The boundary the draft got wrong: a timeout proof against H naming a request overdue at H's
    // inclusion height but not at its origin.
    const Call& x = t.calls[j];
    const expr recorded_at = z3::ite(x.queue == m.queue_kind(QueueKind::forced_exits),
                                     t.states[j].forced_exits.at(x.index).recorded_at, t.states[j].deposits.at(x.index).recorded_at);
    const expr submitted = in.height;
    boundary = boundary || (alive && x.op == m.opcode<ref::optimistic_rollup::ResolveChallenge>() && accepted(m, s) &&
                            x.proof_batch_id == m.h.batch_id_of({in.chain_id, in.rollup_id, in.number, in.epoch, in.origin,
                                                                 in.prev, in.post, in.transactions_root, in.count,
                                                                 in.state_roots_root}) &&
                            x.proof_proof_type == m.type(FraudProofType::timeout_violation) && x.has_timeout_fault &&
                            x.index < z3::ite(x.queue == m.queue_kind(QueueKind::forced_exits), in.forced_exits_visible,
                                              in.deposits_visible) &&
                            recorded_at + c.cfg.queue_inclusion > in.origin &&
                            recorded_at + c.cfg.queue_inclusion <= submitted);
    alive = alive && !removes_h;
  }
  c.solver.add(c.claim ? slashed : boundary);
}

// ---- honest_user_exits, as a ranking argument.

// The rank once frozen: pending batches plus open challenges.
expr rank(const ContractModel& m, const Contract& s) {
  std::vector<expr> pending;
  for (std::size_t k = 0; k < batch_slots; ++k) pending.push_back(m.pending(s, k));
  return m.count(pending) + s.challenge_count;
}
// Every pending batch's challenge deadline (hence every challenge's opening) is past at `height`.
expr past_batch_deadlines(const ContractModel& m, const Contract& s, const expr& height) {
  expr ok = m.truth(true);
  for (std::size_t k = 0; k < batch_slots; ++k) ok = ok && z3::implies(m.pending(s, k), height >= s.batches[k].deadline);
  return ok;
}
expr past_challenge_deadlines(const ContractModel& m, const Contract& s, const expr& height) {
  expr ok = m.truth(true);
  for (std::size_t y = 0; y < challenge_slots; ++y)
    ok = ok && z3::implies(m.is_open(s, y), height >= s.challenges[y].deadline);
  return ok;
}

struct UserStep {
  Contract pre;
  Call in;
  Step out;
};
UserStep user_step(Context& c, std::optional<Op> op, unsigned parts) {
  const ContractModel& m = c.m;
  const Contract pre = m.contract("pre");
  const Call in = m.call("s0");
  c.solver.add(m.invariant(pre, c.cfg, m.keys("key"), parts));
  c.solver.add(m.in_order_at(pre.deposits, in.index, in.index, pre.now) &&
               m.in_order_at(pre.forced_exits, in.index, in.index, pre.now));
  const Step out = m.step(c.cfg, pre, in, op);
  c.solver.add(out.domain);
  return {pre, in, out};
}

// Escape_delay_blocks after request r of either queue was recorded, if the latest accepted state (which
// the user opens) has not processed it, the user's freeze is accepted, unless the rollup is frozen.
void user_freezes_negation(Context& c) {
  const ContractModel& m = c.m;
  const UserStep s = user_step(c, op_code<ref::optimistic_rollup::Freeze>, chain_part | finality_part | challenges_part);
  const Call& in = s.in;
  const expr forced = in.queue == m.queue_kind(QueueKind::forced_exits);
  const QueueEntry request = s.pre.forced_exits.at(in.index), deposit = s.pre.deposits.at(in.index);
  const expr recorded_at = z3::ite(forced, request.recorded_at, deposit.recorded_at);
  const expr length = z3::ite(forced, s.pre.forced_exits.count, s.pre.deposits.count);
  c.solver.add(!s.pre.frozen && in.index >= m.u64v(0) && in.index < length && m.is_u64(recorded_at) &&
               !m.overflows(recorded_at, c.cfg.escape_delay) && in.height >= recorded_at + c.cfg.escape_delay);
  c.solver.add(m.h.state_root(in.accounts_root, in.deposits_credited, in.forced_exits_processed) == s.pre.last_root);
  c.solver.add(z3::ite(forced, in.forced_exits_processed, in.deposits_credited) <= in.index);
  if (c.claim) c.solver.add(s.out.error != m.code(Error::none));
  else c.solver.add(forced && in.height == recorded_at + c.cfg.escape_delay);  // the boundary: the first block
}

// Frozen and past every pending batch's challenge deadline: whatever anyone calls, the rollup stays
// frozen, the rank never grows, and every deadline stays past.
void no_regress_negation(Context& c) {
  const ContractModel& m = c.m;
  const UserStep s = user_step(c, std::nullopt, chain_part | finality_part | challenges_part);
  c.solver.add(s.pre.frozen && past_batch_deadlines(m, s.pre, s.in.height));
  const Contract& post = s.out.post;
  const expr kept = post.frozen && rank(m, post) <= rank(m, s.pre) && past_batch_deadlines(m, post, s.in.height) &&
                    z3::implies(past_challenge_deadlines(m, s.pre, s.in.height),
                                past_challenge_deadlines(m, post, s.in.height));
  if (c.claim) c.solver.add(!kept);
  else c.solver.add(s.out.error == m.code(Error::none) && rank(m, s.pre) > m.u64v(0));
}

// Frozen, past every deadline, something pending: the user's call (expire the first open challenge,
// else finalize the oldest pending batch) is accepted and the rank falls.
void settle_negation(Context& c) {
  const ContractModel& m = c.m;
  const UserStep s = user_step(c, std::nullopt, chain_part | finality_part | challenges_part);
  const expr open = s.pre.challenge_count > m.u64v(0);
  c.solver.add(s.pre.frozen && past_batch_deadlines(m, s.pre, s.in.height) &&
               past_challenge_deadlines(m, s.pre, s.in.height) && rank(m, s.pre) > m.u64v(0));
  c.solver.add(z3::ite(open, s.in.op == m.opcode<ref::optimistic_rollup::ExpireChallenge>() && s.in.challenge_id == s.pre.challenges[0].id,
                       s.in.op == m.opcode<ref::optimistic_rollup::Finalize>()));
  if (c.claim) c.solver.add(s.out.error != m.code(Error::none) || rank(m, s.out.post) >= rank(m, s.pre));
  else c.solver.add(!open);
}

// Frozen, nothing pending: the user's exit with the opening of the last state and of its account
// passes every rule up to OR-EXIT-5 (an account exits once; a second exit of the same index would pay
// its owner again), so it is accepted unless the escrow is short (OR-EXIT-6, which only an unwatched
// finalized fraud leads to), and pays the account's balance to its owner.
void user_exits_negation(Context& c) {
  const ContractModel& m = c.m;
  const UserStep s = user_step(c, op_code<ref::optimistic_rollup::Exit>, chain_part | finality_part | challenges_part | frozen_part);
  const Call& in = s.in;
  c.solver.add(s.pre.frozen && !m.any_pending(s.pre));
  c.solver.add(m.h.state_root(in.accounts_root, in.deposits_credited, in.forced_exits_processed) == s.pre.last_root &&
               in.account_proof_ok && !s.pre.exited.contains({in.account}));
  const expr paid = s.out.error == m.code(Error::none) && s.out.payouts[0].to == in.owner && s.out.payouts[0].amount == in.balance;
  if (c.claim) c.solver.add(!(paid || s.out.error == m.code(Error::exit_escrow_insufficient)));
  else c.solver.add(s.pre.escrow == in.balance);  // the boundary: the escrow exactly covers it
}

}  // namespace

std::vector<Obligation> liveness_obligations(Weakening weakening) {
  std::vector<Obligation> list;
  list.push_back(make_contract(
      "honest_challenger_wins", "trace", Kind::bmc,
      "depth " + std::to_string(honest_challenger_depth) +
          ", every other step any call by anyone: a challenger who opens against an invalid pending batch before its "
          "challenge deadline and reveals its proof in a later block before its own deadline gets the batch reverted, "
          "and it is never final, whatever the holdings (UINT64_MAX included) and whoever copies its evidence or proof",
      "a trace of " + std::to_string(honest_challenger_depth) + " steps from any state where the invariants " +
          invariants_words(chain_part | finality_part | challenges_part | conservation_part) +
          " hold, heights non-decreasing: step 1 the honest challenger's open_challenge against an invalid pending batch "
          "(a faulty transaction, or a request overdue at its origin that its post-state has not processed) before its "
          "challenge deadline with a bond >= min_challenge_bond, step 3 its resolve_challenge with its proof in a later "
          "block before its challenge's deadline, steps 0 and 2 any call by anyone else, who may copy its evidence or "
          "proof; no open challenge of its own with that evidence before",
      weakening, [](Context& c) { honest_challenger_negation(c); }, honest_challenger_realiser(weakening)));
  list.push_back(make_contract(
      "no_batch_after_revert", "trace", Kind::bmc,
      "depth " + std::to_string(no_batch_after_revert_depth) +
          ", every step any call by anyone: a batch a confirmed fraud removed is never accepted again, by anyone",
      "every trace of " + std::to_string(no_batch_after_revert_depth) +
          " steps, each any call by anyone with any value and inputs in range at non-decreasing heights, from any state "
          "where the invariants " + invariants_words(chain_part | challenges_part | epoch_part | finality_part) + " hold",
      weakening, [](Context& c) { no_batch_after_revert_negation(c); }, no_batch_after_revert_realiser(weakening)));
  list.push_back(make_contract(
      "honest_operator_not_slashed", "trace", Kind::bmc,
      "depth " + std::to_string(honest_operator_depth) +
          ", every other step any call by anyone: a batch whose transactions are valid and whose post-state processes "
          "every deposit and forced exit overdue at its L1 origin never gets a confirmed fraud, whatever is deposited "
          "or requested while it waits",
      "a trace of " + std::to_string(honest_operator_depth) + " steps from any state where the invariants " +
          invariants_words(chain_part | challenges_part | epoch_part | finality_part) +
          " hold, heights non-decreasing: step 1 the operator's submit_batch on any origin o, its transactions valid and "
          "its post-state the root of a state that has processed every deposit and forced exit recorded at or below o - "
          "queue_inclusion_blocks; steps 0, 2 and 3 any call by anyone, challenges with any proof",
      weakening, [](Context& c) { honest_operator_negation(c); }, honest_operator_realiser(weakening)));
  list.push_back(make_contract("honest_user_exits", "freeze", Kind::safety,
                               "escape_delay_blocks after a deposit or forced exit was recorded, if the latest accepted "
                               "state has not processed it, the user's freeze (with that state's opening) is accepted "
                               "unless the rollup is frozen already",
                               "any state where the invariants " +
                                   invariants_words(chain_part | finality_part | challenges_part) +
                                   " hold, not frozen, a deposit or forced exit recorded at r with r + escape_delay_blocks "
                                   "within u64, and the user's freeze naming it at a height >= r + escape_delay_blocks, "
                                   "opening last_state_root's state, which has not processed it",
                               weakening, [](Context& c) { user_freezes_negation(c); }));
  list.push_back(make_contract("honest_user_exits", "no_regress", Kind::consecution,
                               "once frozen and past every pending batch's challenge deadline, any call by anyone leaves "
                               "the rollup frozen, never adds a pending batch or an open challenge, and leaves every "
                               "deadline past",
                               "any state where the invariants " +
                                   invariants_words(chain_part | finality_part | challenges_part) +
                                   " hold, frozen, every pending batch's challenge deadline past at the step's height, and "
                                   "any call by anyone, accepted or rejected, in range",
                               weakening, [](Context& c) { no_regress_negation(c); }));
  list.push_back(make_contract("honest_user_exits", "settle", Kind::safety,
                               "frozen, past every deadline, with a batch pending or a challenge open: the user's "
                               "expire_challenge of the first open challenge, or else finalize, is accepted and removes one",
                               "any state where the invariants " +
                                   invariants_words(chain_part | finality_part | challenges_part) +
                                   " hold, frozen, every batch and challenge deadline past at the step's height, a batch "
                                   "pending or a challenge open; the user's expire_challenge of the first open challenge, "
                                   "or finalize when none is open",
                               weakening, [](Context& c) { settle_negation(c); }));
  list.push_back(make_contract("honest_user_exits", "exit", Kind::safety,
                               "frozen with nothing pending: the user's exit, opening the last state and its account, "
                               "pays the account's balance to its owner, unless the escrow is short (OR-EXIT-6)",
                               "any state where the invariants " +
                                   invariants_words(chain_part | finality_part | challenges_part | frozen_part) +
                                   " hold, frozen, nothing pending, and the user's exit of an account not exited yet, "
                                   "opening last_state_root's state and the account with a valid account proof",
                               weakening, [](Context& c) { user_exits_negation(c); }));
  return list;
}

}  // namespace l2::inv::optimistic_rollup::model
