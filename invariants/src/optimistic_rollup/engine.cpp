// The engine: concrete contract steps through the model's transition relation, and deploy's
// configuration rules evaluated by the model. spec: optimistic_rollup.md#the-z3-model
#include "engine.hpp"

#include <string>
#include <type_traits>

#include "l2/ref/merkle.hpp"
#include "l2/ref/sparse_merkle.hpp"

namespace l2::inv::optimistic_rollup {

std::string_view weakening_name(Weakening weakening) {
  switch (weakening) {
    case Weakening::none: return "none";
    case Weakening::finalize_ignores_open_challenges: return "finalize_ignores_open_challenges";
    case Weakening::challenge_accepted_at_deadline: return "challenge_accepted_at_deadline";
    case Weakening::challenge_id_is_evidence: return "challenge_id_is_evidence";
    case Weakening::reverted_batch_replayable: return "reverted_batch_replayable";
    case Weakening::overdue_at_inclusion: return "overdue_at_inclusion";
  }
  return "unknown";
}

std::optional<Weakening> parse_weakening(std::string_view name) {
  return parse_weakening_name(name, all_weakenings, weakening_name);
}

bool input_matches_op(const Step& step) { return ref::optimistic_rollup::Operations::input_matches(step.op, step.input); }

OptimisticRollupError deploy_error(const ref::optimistic_rollup::RollupConfig& config, Weakening weakening) {
  z3::context ctx;
  const model::ContractModel m(ctx, weakening);
  const model::Config cfg = m.config("cfg");
  z3::solver solver(ctx);
  const std::array<std::pair<const z3::expr*, u64>, 12> values = {{{&cfg.max_batch_size, config.max_batch_size},
                                                                   {&cfg.challenge_period, config.challenge_period_blocks},
                                                                   {&cfg.resolution_period, config.resolution_period_blocks},
                                                                   {&cfg.queue_inclusion, config.queue_inclusion_blocks},
                                                                   {&cfg.sequencing_window, config.sequencing_window_blocks},
                                                                   {&cfg.escape_delay, config.escape_delay_blocks},
                                                                   {&cfg.censorship_bound, config.censorship_bound_blocks},
                                                                   {&cfg.min_challenge_bond, config.min_challenge_bond},
                                                                   {&cfg.min_deposit, config.min_deposit},
                                                                   {&cfg.forced_exit_fee, config.forced_exit_fee},
                                                                   {&cfg.minimum_stake, config.stake.minimum_stake},
                                                                   {&cfg.stake_lock_period, config.stake.stake_lock_period}}};
  for (const auto& [variable, value] : values) solver.add(*variable == m.u64v(value));
  for (unsigned bit = 0; bit < 8; ++bit)
    solver.add(cfg.penalty_bits[bit] == ctx.bool_val(((config.stake.penalty_percentage >> bit) & 1u) != 0));
  // Every variable deploy reads is fixed, so the one model exists.
  if (solver.check() != z3::sat) return OptimisticRollupError::none;
  return static_cast<OptimisticRollupError>(solver.get_model().eval(m.deploy_error(cfg), true).get_numeral_uint64());
}

namespace {

using z3::expr;
using model::Interner;
using model::Reader;

// The outcome's terms, read from a model: the error, the post-state (recorded slots only), the record
// or key the step appended, the payouts and the resolutions; and the same read back to concrete values.
ReadOutcome<Engine::Outcome> read_outcome(Engine::Impl::Relation& r, const z3::model& zm, const Interner& interner,
                                          const ref::optimistic_rollup::OptimisticRollup& pre, const Step& step) {
  ReadOutcome<Engine::Outcome> out;
  Reader read(zm, interner);
  const model::Step& s = r.out;
  const model::Contract& post = s.post;
  const auto term = [&](const expr& e) { out.term(read, e); };
  term(s.error);
  out.lifted.error = static_cast<OptimisticRollupError>(read.small(s.error));
  ref::optimistic_rollup::Effects& effects = out.lifted.effects;
  effects.contract = pre;
  ref::optimistic_rollup::OptimisticRollup& c = effects.contract;
  if (out.lifted.error != OptimisticRollupError::none) return out;  // the relation leaves a rejected step's state alone

  for (const expr& e : {post.stake, post.staked, post.unlock, post.escrow, post.treasury, post.epoch,
                        post.next_account_index, post.last_root, post.frozen, post.batch_count, post.challenge_count,
                        post.deposits.count, post.forced_exits.count})
    term(e);
  c.stake = read.number(post.stake);
  c.staked = read.boolean(post.staked);
  c.stake_unlock_height = read.number(post.unlock);
  c.escrow = read.number(post.escrow);
  c.treasury = read.number(post.treasury);
  c.epoch = read.number(post.epoch);
  c.next_account_index = read.number(post.next_account_index);
  c.last_state_root = read.hash(post.last_root);
  c.frozen = read.boolean(post.frozen);

  if (read.number(post.deposits.count) == pre.deposits.size() + 1) {
    const model::QueueEntry e = post.deposits.at(r.m.u64v(pre.deposits.size()));
    for (const expr& x : {e.id, e.recorded_at, e.party, e.amount}) term(x);
    c.deposits.push_back({read.hash(e.id), read.number(e.recorded_at), read.hash(e.party), read.number(e.amount)});
  }
  if (read.number(post.forced_exits.count) == pre.forced_exits.size() + 1) {
    const model::QueueEntry e = post.forced_exits.at(r.m.u64v(pre.forced_exits.size()));
    for (const expr& x : {e.id, e.recorded_at}) term(x);
    c.forced_exits.push_back({read.hash(e.id), read.number(e.recorded_at)});
  }

  const u64 batches = read.number(post.batch_count);
  c.batches.resize(batches);
  for (std::size_t k = 0; k < batches && k < post.batches.size(); ++k) {
    const model::BatchRecord& b = post.batches[k];
    for (const expr& x : {b.chain_id, b.rollup_id, b.number, b.epoch, b.origin, b.prev, b.post, b.transactions_root,
                          b.count, b.state_roots_root, b.id, b.submitted_at, b.deadline, b.deposits_visible,
                          b.forced_exits_visible, b.final, b.open_challenges})
      term(x);
    ref::optimistic_rollup::BatchRecord& x = c.batches[k];
    x.header = {read.number(b.chain_id),        read.hash(b.rollup_id), read.number(b.number),
                read.number(b.epoch),           read.number(b.origin),  read.hash(b.prev),
                read.hash(b.post),              read.hash(b.transactions_root), read.number(b.count),
                read.hash(b.state_roots_root)};
    x.batch_id = read.hash(b.id);
    x.submitted_at = read.number(b.submitted_at);
    x.challenge_deadline = read.number(b.deadline);
    x.deposits_visible = read.number(b.deposits_visible);
    x.forced_exits_visible = read.number(b.forced_exits_visible);
    x.final = read.boolean(b.final);
    x.open_challenges = read.number(b.open_challenges);
  }
  const u64 challenges = read.number(post.challenge_count);
  c.challenges.resize(challenges);
  for (std::size_t y = 0; y < challenges && y < post.challenges.size(); ++y) {
    const model::Challenge& m = post.challenges[y];
    for (const expr& x : {m.id, m.batch_id, m.challenger, m.proof_type, m.evidence, m.opened_at, m.deadline, m.bond})
      term(x);
    c.challenges[y] = {read.hash(m.id),        read.hash(m.batch_id),    read.hash(m.challenger),
                       static_cast<ref::optimistic_rollup::FraudProofType>(read.small(m.proof_type)), read.hash(m.evidence),
                       read.number(m.opened_at), read.number(m.deadline), read.number(m.bond)};
  }

  // The sets gain at most the step's own key.
  std::visit(
      [&](const auto& input) {
        using Input = std::decay_t<decltype(input)>;
        const model::ContractModel& m = r.m;
        if constexpr (std::is_same_v<Input, ref::optimistic_rollup::PayWithdrawalInput>) {
          const expr in = post.paid.contains({m.u64v(input.batch_number), m.u64v(input.transaction_index)});
          term(in);
          const bool was = std::any_of(pre.paid.begin(), pre.paid.end(), [&](const ref::optimistic_rollup::PaidWithdrawal& p) {
            return p.batch_number == input.batch_number && p.transaction_index == input.transaction_index;
          });
          if (read.boolean(in) && !was) c.paid.push_back({input.batch_number, input.transaction_index});
        } else if constexpr (std::is_same_v<Input, ref::optimistic_rollup::ExitInput>) {
          const expr in = post.exited.contains({m.u64v(input.account_index)});
          term(in);
          const bool was = std::find(pre.exited.begin(), pre.exited.end(), input.account_index) != pre.exited.end();
          if (read.boolean(in) && !was) c.exited.push_back(input.account_index);
        } else if constexpr (std::is_same_v<Input, ref::optimistic_rollup::ReclaimDepositInput>) {
          const expr in = post.reclaimed.contains({m.u64v(input.deposit_index)});
          term(in);
          const bool was = std::find(pre.reclaimed.begin(), pre.reclaimed.end(), input.deposit_index) != pre.reclaimed.end();
          if (read.boolean(in) && !was) c.reclaimed.push_back(input.deposit_index);
        }
      },
      step.input);

  for (const model::Payout& p : s.payouts) {
    term(p.amount);
    const u64 amount = read.number(p.amount);
    if (amount == 0) continue;  // a zero amount moves nothing and is not a payout
    term(p.to);
    effects.payouts.push_back({read.hash(p.to), amount});
  }
  for (const model::Resolution& res : s.resolutions) {
    term(res.present);
    if (!read.boolean(res.present)) continue;
    for (const expr& x : {res.id, res.kind, res.slashed, res.refunded_bond, res.reward, res.forfeited_bond, res.reason})
      term(x);
    effects.resolutions.push_back({read.hash(res.id), static_cast<ref::optimistic_rollup::ResolutionKind>(read.small(res.kind)),
                                   read.number(res.slashed), read.number(res.refunded_bond), read.number(res.reward),
                                   read.number(res.forfeited_bond), static_cast<OptimisticRollupError>(read.small(res.reason))});
  }
  if (!read.ok()) out.lifted.problem = read.problem();
  return out;
}

}  // namespace

Engine::Engine(Weakening weakening, SignatureOracle oracle) : impl_(std::make_unique<Impl>(weakening, std::move(oracle))) {}
Engine::~Engine() = default;

Engine::Outcome Engine::apply(const ref::optimistic_rollup::OptimisticRollup& pre, const Step& step) {
  Outcome result;
  result.effects.contract = pre;
  if (!input_matches_op(step)) {
    result.problem = "the input's type does not match op " + std::string(ref::optimistic_rollup::Operations::name(step.op));
    return result;
  }
  const model::Bounds bounds{std::max(batch_slots, pre.batches.size() + 1),
                             std::max(challenge_slots, pre.challenges.size() + 1)};
  Impl::Relation& r = impl_->relation(bounds);
  r.solver.push();
  detail::Projection project(r, impl_->interner, impl_->oracle);
  project.config(pre);
  project.contract(pre);
  project.call(pre, step);

  result.problem = no_outcome_problem(r.solver);
  if (!result.problem.empty()) {
    r.solver.pop();
    return result;
  }
  const auto [terms, values, lifted] = read_outcome(r, r.solver.get_model(), impl_->interner, pre, step);
  // Exactly one outcome: no other value of any outcome term satisfies the relation.
  result.problem = second_outcome_problem(r.solver, terms, values, result.ambiguous);
  r.solver.pop();
  return result.problem.empty() ? lifted : result;
}

}  // namespace l2::inv::optimistic_rollup
