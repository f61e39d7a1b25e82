// The contract's invariants: initiation, and consecution against each of the 15 transitions; the
// slash's bound; fraud-proof soundness at the contract. spec: optimistic_rollup.md#the-z3-model
#include <array>
#include <string>
#include <utility>

#include "obligations.hpp"

namespace l2::inv::optimistic_rollup::model {

Obligation make(std::string invariant, std::string transition, Kind kind, std::string statement, std::string premise,
                std::function<void(z3::context&, z3::solver&, bool)> negation, Realiser realise) {
  Obligation o = make_obligation(std::string(mechanism_name), std::move(invariant), std::move(transition), kind,
                                 std::move(statement),
                                 [negation](z3::context& ctx, z3::solver& solver) { negation(ctx, solver, true); });
  o.assert_premise = [negation](z3::context& ctx, z3::solver& solver) { negation(ctx, solver, false); };
  o.premise = std::move(premise);
  if (realise)
    o.witness = [realise, id = o.id(), statement = o.statement](const z3::model& m) { return realise(m, id, statement); };
  return o;
}

Obligation make_contract(std::string invariant, std::string transition, Kind kind, std::string statement,
                         std::string premise, Weakening weakening, std::function<void(Context&)> negation,
                         Realiser realise) {
  premise += "; any configuration OR-DEPLOY accepts; " + std::to_string(batch_slots) + " batch slots and " +
             std::to_string(challenge_slots) + " challenge slots (a step that needs more is outside the model)";
  premise += weakened_rule_note(weakening_name(weakening));
  return make(std::move(invariant), std::move(transition), kind, std::move(statement), std::move(premise),
              [negation, weakening](z3::context& ctx, z3::solver& solver, bool claim) {
                Context c(ctx, solver, weakening, claim);
                negation(c);
              },
              std::move(realise));
}

std::string invariants_words(unsigned parts) {
  static const std::array<std::pair<unsigned, const char*>, 7> names = {{{chain_part, "batches_chain"},
                                                                         {finality_part, "finality_requires_challenge_period"},
                                                                         {conservation_part, "conservation"},
                                                                         {paid_part, "no_withdrawal_from_non_final_batch"},
                                                                         {challenges_part, "challenges_well_formed"},
                                                                         {epoch_part, "epoch_binds_batches"},
                                                                         {frozen_part, "frozen_is_final"}}};
  std::string words = "typing (every field in range)";
  for (const auto& [part, name] : names)
    if ((parts & part) != 0) words += std::string(", ") + name;
  return words;
}

namespace {

// One step of `op` from a state satisfying the invariants in `parts` (their quantified parts at the
// keys `keys`).
struct OneStep {
  Contract pre;
  Call in;
  Step out;
  Keys keys;
};

OneStep one_step(Context& c, Op op, unsigned parts) {
  const Contract pre = c.m.contract("pre");
  const Call in = c.m.call("s0");
  const Keys keys = c.m.keys("key");
  Step out = c.m.step(c.cfg, pre, in, op);
  c.solver.add(c.m.invariant(pre, c.cfg, keys, parts));
  // The queues' part of the invariant (typing) at the request the step names, too.
  c.solver.add(c.m.in_order_at(pre.deposits, in.index, in.index, pre.now) &&
               c.m.in_order_at(pre.forced_exits, in.index, in.index, pre.now));
  c.solver.add(out.domain);
  return {pre, in, out, keys};
}

expr accepted(Context& c, const Step& out) { return out.error == c.m.code(Error::none); }

using Claim = std::function<expr(Context&, const OneStep&, Op)>;

struct Invariant {
  std::string name;
  std::string statement;
  unsigned assumes;                                                          // the invariants assumed before the step
  std::function<expr(Context&, const Contract&, const Keys&)> state;         // for initiation
  Claim claim;                                                               // for consecution
};

bool is(Op op, Op other) { return op == other; }

std::vector<Invariant> contract_invariants() {
  std::vector<Invariant> list;
  list.push_back({"batches_chain",
                  "batches[k].batch_number == k and batch_id binds it; batches[0] starts at the genesis root and "
                  "batches[k + 1].prev_state_root == batches[k].post_state_root; last_state_root is the last batch's "
                  "post_state_root (genesis if none)",
                  chain_part | challenges_part,
                  [](Context& c, const Contract& s, const Keys&) { return c.m.batches_chain(s, c.cfg); },
                  [](Context& c, const OneStep& s, Op) { return c.m.batches_chain(s.out.post, c.cfg); }});
  list.push_back(
      {"finality_requires_challenge_period",
       "a final batch was finalized at height >= challenge_deadline = min(submitted_at + challenge_period_blocks, "
       "UINT64_MAX) with no open challenge and every earlier batch final; final batches are a prefix, never removed "
       "or changed, and only finalize makes one",
       chain_part | finality_part | challenges_part,
       [](Context& c, const Contract& s, const Keys&) { return c.m.finality(s, c.cfg); },
       [](Context& c, const OneStep& s, Op op) {
         const ContractModel& m = c.m;
         expr ok = m.finality(s.out.post, c.cfg);
         for (std::size_t k = 0; k < batch_slots; ++k) {
           const BatchRecord& before = s.pre.batches[k];
           const BatchRecord& after = s.out.post.batches[k];
           const expr was_final = m.recorded(s.pre, k) && before.final;
           const expr same = before.number == after.number && before.prev == after.prev && before.post == after.post &&
                             before.id == after.id && before.count == after.count && before.epoch == after.epoch &&
                             before.submitted_at == after.submitted_at && before.deadline == after.deadline &&
                             before.finalized_at == after.finalized_at;
           ok = ok && z3::implies(was_final, after.final && m.recorded(s.out.post, k) && same);
           const expr made_final = !was_final && m.recorded(s.out.post, k) && after.final;
           if (is(op, op_code<ref::optimistic_rollup::Finalize>))
             ok = ok && z3::implies(made_final, s.in.height >= before.deadline && before.open_challenges == m.u64v(0) &&
                                                    (k == 0 ? m.truth(true) : s.pre.batches[k - 1].final));
           else
             ok = ok && !made_final;
         }
         return ok;
       }});
  list.push_back(
      {"conservation",
       "the contract holds exactly escrow + stake + treasury + the open challenges' bonds, with escrow + stake + "
       "treasury <= UINT64_MAX and every field in range; a step changes what it holds by the value in minus its "
       "payouts; a slash moves floor(stake * penalty_percentage / 100) <= stake from stake to the challenger and the "
       "treasury without loss",
       chain_part | finality_part | conservation_part | challenges_part,
       [](Context& c, const Contract& s, const Keys& keys) { return c.m.conservation(s) && c.m.typing(s, keys); },
       [](Context& c, const OneStep& s, Op op) {
         const ContractModel& m = c.m;
         expr ok = m.conservation(s.out.post) && m.typing(s.out.post, s.keys);
         for (const Payout& p : s.out.payouts) ok = ok && m.is_u64(p.amount);
         if (is(op, op_code<ref::optimistic_rollup::ResolveChallenge>))
           ok = ok && z3::implies(s.out.confirmed, s.out.post.stake + s.out.reward +
                                                       (s.out.post.treasury - s.pre.treasury) == s.pre.stake);
         return ok;
       }});
  list.push_back({"no_withdrawal_from_non_final_batch",
                  "pay_withdrawal pays only a withdrawal or forced exit included in a final batch and not paid before; "
                  "a paid entry stays paid and always names a final batch and an index inside it",
                  chain_part | finality_part | paid_part | challenges_part,
                  [](Context& c, const Contract& s, const Keys& keys) { return c.m.paid_only_final(s, keys); },
                  [](Context& c, const OneStep& s, Op op) {
                    const ContractModel& m = c.m;
                    const std::vector<expr> key{s.keys.paid_batch, s.keys.paid_index};
                    expr ok = m.paid_only_final(s.out.post, s.keys) &&
                              z3::implies(s.pre.paid.contains(key), s.out.post.paid.contains(key));
                    if (is(op, op_code<ref::optimistic_rollup::PayWithdrawal>)) {
                      const std::vector<expr> paid{s.in.pay_batch, s.in.pay_index};
                      expr final_batch = m.truth(false);
                      for (std::size_t k = 0; k < batch_slots; ++k)
                        final_batch = final_batch || (s.in.pay_batch == m.u64v(k) && m.recorded(s.pre, k) &&
                                                      s.pre.batches[k].final && s.in.pay_index < s.pre.batches[k].count);
                      ok = ok && z3::implies(accepted(c, s.out), final_batch && s.in.included && s.in.is_outflow &&
                                                                     !s.pre.paid.contains(paid) && s.out.post.paid.contains(paid));
                    } else {
                      ok = ok && s.out.post.paid.contains(key) == s.pre.paid.contains(key);
                    }
                    return ok;
                  }});
  list.push_back({"challenges_well_formed",
                  "an open challenge names a pending batch, was opened before its challenge_deadline, has deadline "
                  "min(opened_at + resolution_period_blocks, UINT64_MAX), a type other than data_withholding and id "
                  "H(challenger, evidence); open challenge ids are distinct; open_challenges counts them",
                  chain_part | finality_part | challenges_part,
                  [](Context& c, const Contract& s, const Keys&) { return c.m.challenges_well_formed(s, c.cfg); },
                  [](Context& c, const OneStep& s, Op) { return c.m.challenges_well_formed(s.out.post, c.cfg); }});
  list.push_back({"epoch_binds_batches",
                  "every recorded batch carries the epoch it was submitted in, at most the contract's, which its batch_id "
                  "binds; the epoch counts the confirmed frauds; an accepted batch carries the current epoch, so a batch "
                  "of an older epoch is never accepted",
                  chain_part | challenges_part | epoch_part,
                  [](Context& c, const Contract& s, const Keys&) { return c.m.epoch_binds_batches(s); },
                  [](Context& c, const OneStep& s, Op op) {
                    expr ok = c.m.epoch_binds_batches(s.out.post) && s.out.post.epoch >= s.pre.epoch;
                    if (is(op, op_code<ref::optimistic_rollup::SubmitBatch>)) ok = ok && z3::implies(accepted(c, s.out), s.in.epoch == s.pre.epoch);
                    return ok;
                  }});
  list.push_back(
      {"frozen_is_final",
       "once frozen the rollup stays frozen and records no batch, deposit or forced exit; accounts exit and deposits are "
       "reclaimed only once frozen, each at most once, and an exited or reclaimed entry stays so",
       frozen_part | chain_part,
       [](Context& c, const Contract& s, const Keys& keys) { return c.m.frozen_state(s, keys); },
       [](Context& c, const OneStep& s, Op op) {
         const ContractModel& m = c.m;
         const Contract& pre = s.pre;
         const Contract& post = s.out.post;
         expr ok = m.frozen_state(post, s.keys) &&
                   z3::implies(pre.frozen, post.frozen && post.batch_count <= pre.batch_count &&
                                               post.deposits.count == pre.deposits.count &&
                                               post.forced_exits.count == pre.forced_exits.count) &&
                   z3::implies(pre.exited.contains({s.keys.exited}), post.exited.contains({s.keys.exited})) &&
                   z3::implies(pre.reclaimed.contains({s.keys.reclaimed}), post.reclaimed.contains({s.keys.reclaimed}));
         if (is(op, op_code<ref::optimistic_rollup::Exit>))
           ok = ok && z3::implies(accepted(c, s.out), pre.frozen && !pre.exited.contains({s.in.account}));
         if (is(op, op_code<ref::optimistic_rollup::ReclaimDeposit>))
           ok = ok && z3::implies(accepted(c, s.out), pre.frozen && !pre.reclaimed.contains({s.in.index}));
         return ok;
       }});
  return list;
}

// fraud_proof_soundness at the contract: a resolution confirms only against its own pending batch,
// which then has a faulty transaction (the L2 model's soundness lemma) or leaves a request overdue at
// its origin unprocessed in the post-state its root opens, and it removes exactly that batch and the
// later ones, restoring last_state_root to its prev_state_root.
void contract_soundness_negation(Context& c) {
  const OneStep s = one_step(c, op_code<ref::optimistic_rollup::ResolveChallenge>, chain_part | finality_part | challenges_part);
  const ContractModel& m = c.m;
  c.solver.add(s.out.confirmed);
  if (!c.claim) return;
  const Challenge challenge = m.pick_challenge(m.challenge_with(s.pre, s.in.challenge_id), s.pre);
  const expr processed = z3::ite(s.in.queue == m.queue_kind(QueueKind::forced_exits), m.h.state_root_forced_exits(
                                                                                          m.h.state_root(s.in.accounts_root, s.in.deposits_credited, s.in.forced_exits_processed)),
                                 m.h.state_root_deposits(m.h.state_root(s.in.accounts_root, s.in.deposits_credited,
                                                                        s.in.forced_exits_processed)));
  expr good = m.truth(true), some = m.truth(false);
  for (std::size_t k = 0; k < batch_slots; ++k) {
    const BatchRecord& b = s.pre.batches[k];
    const expr is_it = m.pending(s.pre, k) && b.id == challenge.batch_id;
    some = some || is_it;
    const expr timeout_fault = m.overdue(s.pre, c.cfg, b, s.in.queue, s.in.index) && processed <= s.in.index &&
                               m.h.state_root(s.in.accounts_root, s.in.deposits_credited, s.in.forced_exits_processed) == b.post;
    const expr removed_exactly = s.out.post.batch_count == m.u64v(k) && s.out.post.last_root == b.prev &&
                                 s.out.removed[k] && (k == 0 ? m.truth(true) : !s.out.removed[k - 1]);
    good = good && z3::implies(is_it, (!b.transactions_valid || timeout_fault) && removed_exactly);
  }
  c.solver.add(!(good && some));
}

}  // namespace

std::vector<Obligation> contract_obligations(Weakening weakening) {
  std::vector<Obligation> list;
  for (const Invariant& inv : contract_invariants()) {
    list.push_back(make_contract(inv.name, "init", Kind::initiation, inv.statement,
                                 "the contract as deployed: no stake, escrow, treasury, epoch, batch, challenge or queued "
                                 "request, empty paid, exited and reclaimed sets, last_state_root the genesis root, not "
                                 "frozen",
                                 weakening,
                                 [state = inv.state](Context& c) {
                                   Contract s = c.m.contract("init");
                                   c.m.empty_sets(s);
                                   const Keys keys = c.m.keys("key");
                                   c.solver.add(c.m.initial(s, c.cfg));
                                   if (c.claim) c.solver.add(!state(c, s, keys));
                                 }));
    ref::optimistic_rollup::Operations::for_each([&](auto operation) {
      constexpr Op op = op_code<typename decltype(operation)::type>;
      Realiser realise = weakening == Weakening::none ? nullptr : one_step_realiser(weakening, op);
      list.push_back(make_contract(inv.name, std::string(ref::optimistic_rollup::Operations::name(op)), Kind::consecution, inv.statement,
                                   "any contract state where the invariants " + invariants_words(inv.assumes) +
                                       " hold (and the queues are in recording order at the request the step names), "
                                       "and any `" + std::string(ref::optimistic_rollup::Operations::name(op)) +
                                       "` call by anyone, accepted or rejected, with any value and inputs in range at a "
                                       "height >= the last accepted one; posted-data, signature, Merkle and re-execution "
                                       "checks free verdicts",
                                   weakening,
                                   [claim = inv.claim, parts = inv.assumes](Context& c) {
                                     const OneStep s = one_step(c, op, parts);
                                     // Premise: the transition can accept a step from a state satisfying the invariants.
                                     c.solver.add(c.claim ? !claim(c, s, op) : accepted(c, s.out));
                                   },
                                   realise));
    });
  }

  // The slash's bound, over the u64 values checked_mul_div computes with.
  list.push_back(make("conservation", "slash", Kind::safety,
                      "for penalty_percentage <= 100, slashed = floor(stake * penalty_percentage / 100) is at most the "
                      "stake (so checked_mul_div cannot overflow and stake - slashed cannot underflow)",
                      "any u64 stake and any penalty_percentage <= 100 (by its eight bits), slashed the exact floor of "
                      "stake * penalty_percentage / 100",
                      [](z3::context& ctx, z3::solver& solver, bool claim) {
                        const ContractModel m(ctx, Weakening::none);
                        const Config cfg = m.config("cfg");
                        const expr stake = m.u64("stake"), slashed = m.u64("slashed");
                        const expr product = m.times_penalty(cfg, stake);
                        solver.add(m.is_u64(stake) && cfg.penalty <= m.u64v(100));
                        solver.add(m.u64v(100) * slashed <= product && product < m.u64v(100) * slashed + m.u64v(100));
                        if (claim) solver.add(!(slashed >= m.u64v(0) && slashed <= stake));
                        else solver.add(cfg.penalty == m.u64v(100));  // the boundary: the whole stake
                      }));

  list.push_back(make_contract(
      "fraud_proof_soundness", "resolve_challenge", Kind::safety,
      "resolve_challenge ends FraudConfirmed only against the challenge's own pending batch, which then has a faulty "
      "transaction or leaves a request overdue at its L1 origin unprocessed, and removes exactly that batch and the "
      "later ones, resetting last_state_root to its prev_state_root",
      "any contract state where the invariants " + invariants_words(chain_part | finality_part | challenges_part) +
          " hold, and any resolve_challenge by anyone, in range, that confirms a fraud; the proof's re-execution and "
          "openings free verdicts",
      weakening, [](Context& c) { contract_soundness_negation(c); }));
  return list;
}

}  // namespace l2::inv::optimistic_rollup::model
