// Z3 model of the n-party state-channel adjudicator (spec: state_channel.md#the-z3-model).
//
// One channel of n participants. Every u64 (turns, heights, amounts) is an integer bounded to
// 0..2^64-1: the reference checks every sum it forms (SC-OPEN-7, SC-STATE-2, SC-DEP-4, SC-SUP-3), so
// within the values it accepts its arithmetic is the integers' (bit-vectors were tried: the n = 3
// withdrawal's consecution did not finish in a minute). Heights stay below 2^63, so
// `saturating_add(height, challenge_duration)`, with challenge_duration < 2^32, never saturates in
// the bounded traces (the model states the saturation anyway). The transitions are the reference's,
// check by check in its order, with the error code each input gets. Two things are abstract:
//
// - Support (check_support). In the one-step obligations a candidate is its turn, its is_final
//   flag and its outcome, which the model checks (SC-STATE-2, SC-SUP-2), and the code of the first
//   failing check among the rest (turns, anchor, application, signatures), a free variable. In the
//   bounded obligations support is "who can sign": participant H is honest and signed states only
//   up to its latest turn L_H; the others are one adversary, which signs anything as any of them.
//   A proof is an anchor, either the registered state (unsigned, SC-SUP-4) or a state signed by all
//   (so signed by H: turn <= L_H), followed by up to n - 1 moves, the move of turn j signed by
//   participants[j mod n] (SC-SUP-7); the adversary signs a move of turn j itself unless
//   j mod n = H, and then only if j <= L_H (H signed it). The application accepts every move (the
//   worst application for H: the claims hold for every application). So the adversary's turns stop
//   at M = N_H - 1, where N_H is the first turn above L_H whose mover is H.
// - Keys. Participant keys are distinct integers (SC-OPEN-3); a signature verifies for a key
//   exactly when that key's holder produced it.
//
// The honest participant's calls land within censorship_bound_blocks of when it decides to make
// them (SC-DEPLOY-2 and SC-OPEN-4 give challenge_duration > censorship_bound_blocks). Its policy,
// for latest_state_wins: when a challenge on a turn below L runs, respond with its supported state
// of turn L. For the griefing bounds: whenever the channel is not finalized and either a turn below
// L is registered or no challenge runs, challenge on its state of turn L, or on the registered
// state when that is newer (a proof of one unsigned state, SC-SUP-4). It decides after every step
// and sends one call at a time; the call is fixed when sent, and what lands is checked against the
// channel as it is then.
#include "l2/inv/state_channel_model.hpp"

#include <cstdint>
#include <string>
#include <utility>

#include "l2/ref/state_channel.hpp"

namespace l2::inv::state_channel {

std::string_view weakening_name(Weakening weakening) {
  switch (weakening) {
    case Weakening::none: return "none";
    case Weakening::wrong_mover: return "wrong_mover";
    case Weakening::equal_turn_response: return "equal_turn_response";
    case Weakening::challenge_restart: return "challenge_restart";
    case Weakening::withdraw_twice: return "withdraw_twice";
  }
  return "unknown";
}

std::optional<Weakening> parse_weakening(std::string_view name) {
  return parse_weakening_name(name, all_weakenings, weakening_name);
}

namespace {

using z3::expr;
using Error = StateChannelError;
using Phase = ref::state_channel::ChannelPhase;

const std::string mechanism = "state_channel";

constexpr std::uint64_t u64_max = ~std::uint64_t{0};
constexpr std::uint64_t height_limit = std::uint64_t{1} << 63;  // the model's heights stay below
constexpr std::uint64_t turn_limit = std::uint64_t{1} << 62;    // and the honest participant's turns

expr int_var(z3::context& ctx, const std::string& name) { return ctx.int_const(name.c_str()); }
expr bool_var(z3::context& ctx, const std::string& name) { return ctx.bool_const(name.c_str()); }
expr u64_val(z3::context& ctx, std::uint64_t value) { return ctx.int_val(value); }
// A u64 amount: an integer in 0..2^64-1.
expr amount_var(z3::context& ctx, z3::solver& solver, const std::string& name) {
  const expr v = ctx.int_const(name.c_str());
  solver.add(v >= 0 && v <= u64_val(ctx, u64_max));
  return v;
}
expr phase_val(z3::context& ctx, Phase phase) { return ctx.int_val(static_cast<int>(phase)); }
expr code(z3::context& ctx, Error error) { return ctx.int_val(static_cast<int>(error)); }
expr ok(z3::context& ctx) { return code(ctx, Error::none); }

// The code of the first check that fails, in order, else `otherwise`.
expr first_failure(const std::vector<std::pair<expr, expr>>& checks, const expr& otherwise) {
  expr out = otherwise;
  for (auto it = checks.rbegin(); it != checks.rend(); ++it) out = z3::ite(it->first, it->second, out);
  return out;
}

expr sum(z3::context& ctx, const std::vector<expr>& amounts) {
  expr out = ctx.int_val(0);
  for (const expr& amount : amounts) out = out + amount;
  return out;
}

// Element `index` of `items` (an integer index below items.size(); items[0] otherwise).
expr select(const std::vector<expr>& items, const expr& index) {
  expr out = items[0];
  for (unsigned k = 1; k < items.size(); ++k) out = z3::ite(index == static_cast<int>(k), items[k], out);
  return out;
}

// ---- The channel's control part and the rules on it ----

struct Control {
  expr phase, turn, finalizes_at;
};

Control fresh_control(z3::context& ctx, z3::solver& solver, const std::string& p) {
  Control c{int_var(ctx, p + ".phase"), int_var(ctx, p + ".registered.turn"), int_var(ctx, p + ".finalizes_at")};
  solver.add(c.phase >= 0 && c.phase <= 2);
  solver.add(c.turn >= 0 && c.turn <= u64_val(ctx, u64_max));
  solver.add(c.finalizes_at >= 0 && c.finalizes_at <= u64_val(ctx, u64_max));
  return c;
}

Control choose(const expr& cond, const Control& then, const Control& otherwise) {
  return {z3::ite(cond, then.phase, otherwise.phase), z3::ite(cond, then.turn, otherwise.turn),
          z3::ite(cond, then.finalizes_at, otherwise.finalizes_at)};
}

// is_finalized: concluded, or a challenge whose timer has run out.
expr finalized(z3::context& ctx, const Control& c, const expr& height) {
  return c.phase == phase_val(ctx, Phase::concluded) ||
         (c.phase == phase_val(ctx, Phase::challenge) && height >= c.finalizes_at);
}

// The deployment: censorship_bound_blocks >= 1 (SC-DEPLOY-1), and a channel's challenge_duration in
// min..max with censorship_bound_blocks < min <= max < 2^32 (SC-DEPLOY-2, SC-OPEN-4).
struct Timing {
  expr censorship, duration;
};

Timing fresh_timing(z3::context& ctx, z3::solver& solver) {
  Timing t{int_var(ctx, "config.censorship_bound_blocks"), int_var(ctx, "fixed.challenge_duration")};
  solver.add(t.censorship >= 1 && t.duration > t.censorship && t.duration < u64_val(ctx, std::uint64_t{1} << 32));
  return t;
}

expr saturating_add(z3::context& ctx, const expr& a, const expr& b) {
  return z3::ite(a + b > u64_val(ctx, u64_max), u64_val(ctx, u64_max), a + b);
}

// A support proof's candidate: its turn, is_final and whether its outcome sums to the total are
// checked by the model (SC-STATE-2, SC-SUP-2); `rest` is the code of the first failing check among
// the others, or none.
struct Candidate {
  expr turn, is_final, outcome_ok, rest;
};

expr support_error(z3::context& ctx, const Candidate& c) {
  return first_failure({{!c.outcome_ok, code(ctx, Error::state_outcome_total)}, {c.is_final, code(ctx, Error::support_final)}},
                       c.rest);
}

struct Step {
  expr error;
  Control post;
};

// apply_checkpoint.
Step checkpoint(z3::context& ctx, const Control& pre, const Candidate& cand, const expr& height) {
  return {first_failure({{finalized(ctx, pre, height), code(ctx, Error::checkpoint_finalized)},
                         {cand.turn <= pre.turn, code(ctx, Error::checkpoint_stale)}},
                        support_error(ctx, cand)),
          {phase_val(ctx, Phase::open), cand.turn, ctx.int_val(0)}};
}

// apply_challenge; the challenger's index is below n exactly when `challenger_ok` (SC-CHAL-3).
Step challenge(z3::context& ctx, const Control& pre, const Candidate& cand, const expr& challenger_ok,
               const expr& challenger_signed, const expr& height, const Timing& timing, Weakening weakening) {
  const expr running = pre.phase == phase_val(ctx, Phase::challenge);
  const expr stale = weakening == Weakening::challenge_restart ? cand.turn < pre.turn
                                                                : cand.turn < pre.turn || (running && cand.turn == pre.turn);
  const expr support = support_error(ctx, cand);
  return {first_failure({{finalized(ctx, pre, height), code(ctx, Error::challenge_finalized)},
                         {stale, code(ctx, Error::challenge_stale)},
                         {!challenger_ok, code(ctx, Error::challenge_challenger)},
                         {support != ok(ctx), support},
                         {!challenger_signed, code(ctx, Error::challenge_signature)}},
                        ok(ctx)),
          {phase_val(ctx, Phase::challenge), cand.turn, saturating_add(ctx, height, timing.duration)}};
}

// apply_respond.
Step respond(z3::context& ctx, const Control& pre, const Candidate& cand, const expr& height, Weakening weakening) {
  const expr stale = weakening == Weakening::equal_turn_response ? cand.turn < pre.turn : cand.turn <= pre.turn;
  return {first_failure({{pre.phase != phase_val(ctx, Phase::challenge), code(ctx, Error::respond_no_challenge)},
                         {height >= pre.finalizes_at, code(ctx, Error::respond_late)},
                         {stale, code(ctx, Error::respond_stale)}},
                        support_error(ctx, cand)),
          {phase_val(ctx, Phase::open), cand.turn, ctx.int_val(0)}};
}

// apply_conclude; `signed_by_all` is check_signed_by_all.
Step conclude(z3::context& ctx, const Control& pre, const Candidate& cand, const expr& signed_by_all, const expr& height) {
  return {first_failure({{finalized(ctx, pre, height), code(ctx, Error::conclude_finalized)},
                         {!cand.is_final, code(ctx, Error::conclude_not_final)},
                         {!cand.outcome_ok, code(ctx, Error::state_outcome_total)},
                         {!signed_by_all, code(ctx, Error::bad_signature)}},
                        ok(ctx)),
          {phase_val(ctx, Phase::concluded), cand.turn, height}};
}

// ---- The money ----

struct Money {
  std::vector<expr> funding, deposited, outcome, withdrawn;
  expr total;
  expr paid;  // ghost: what withdraw has paid out (an unbounded integer)
};

Money fresh_money(z3::context& ctx, z3::solver& solver, unsigned n, const std::string& p) {
  Money m{{}, {}, {}, {}, amount_var(ctx, solver, p + ".total"), int_var(ctx, p + ".paid_out")};
  solver.add(m.paid >= 0);
  for (unsigned k = 0; k < n; ++k) {
    const std::string h = p + ".holdings[" + std::to_string(k) + "]";
    m.funding.push_back(amount_var(ctx, solver, h + ".funding"));
    m.deposited.push_back(amount_var(ctx, solver, h + ".deposited"));
    m.withdrawn.push_back(bool_var(ctx, h + ".withdrawn"));
    m.outcome.push_back(amount_var(ctx, solver, p + ".registered.outcome[" + std::to_string(k) + "]"));
  }
  return m;
}

expr funded(z3::context& ctx, const Money& m) {
  expr all = ctx.bool_val(true);
  for (unsigned k = 0; k < m.funding.size(); ++k) all = all && m.deposited[k] == m.funding[k];
  return all;
}

expr payout(z3::context& ctx, const Money& m, unsigned k) { return z3::ite(funded(ctx, m), m.outcome[k], m.deposited[k]); }

// check_state's SC-STATE-2: the outcome sums to the total without overflow.
expr sums_to_total(z3::context& ctx, const std::vector<expr>& outcome, const expr& total) {
  return sum(ctx, outcome) == total;
}

// The invariant: the claim (what withdraw paid out is at most what was deposited, and no deposit
// exceeds its funding) with what makes it inductive.
expr conserved(z3::context& ctx, const Control& c, const Money& m, const expr& now) {
  expr paid = ctx.int_val(0);
  expr any_withdrawn = ctx.bool_val(false);
  expr deposits_within = ctx.bool_val(true);
  for (unsigned k = 0; k < m.funding.size(); ++k) {
    paid = paid + z3::ite(m.withdrawn[k], payout(ctx, m, k), ctx.int_val(0));
    any_withdrawn = any_withdrawn || m.withdrawn[k];
    deposits_within = deposits_within && m.deposited[k] <= m.funding[k];
  }
  return deposits_within && m.paid <= sum(ctx, m.deposited) &&  // the claim
         sums_to_total(ctx, m.funding, m.total) && sums_to_total(ctx, m.outcome, m.total) && m.paid == paid &&
         z3::implies(any_withdrawn, finalized(ctx, c, now));
}

// ---- One operation on a whole channel ----

struct Input {
  expr participant, amount;  // deposit, withdraw
  std::vector<expr> outcome;  // the candidate's outcome
  Candidate cand;
  expr challenger_ok, challenger_signed, signed_by_all;
};

Input fresh_input(z3::context& ctx, z3::solver& solver, unsigned n, const expr& total) {
  Input in{int_var(ctx, "in.participant"), amount_var(ctx, solver, "in.amount"), {},
           Candidate{int_var(ctx, "in.candidate.turn"), bool_var(ctx, "in.candidate.is_final"), ctx.bool_val(true),
                     int_var(ctx, "in.proof.first_failing_check")},
           bool_var(ctx, "in.challenger_below_n"), bool_var(ctx, "in.challenger_signed"),
           bool_var(ctx, "in.signed_by_all")};
  solver.add(in.participant >= 0 && in.participant <= u64_val(ctx, u64_max));
  solver.add(in.cand.turn >= 0 && in.cand.turn <= u64_val(ctx, u64_max));
  for (unsigned k = 0; k < n; ++k)
    in.outcome.push_back(amount_var(ctx, solver, "in.candidate.outcome[" + std::to_string(k) + "]"));
  in.cand.outcome_ok = sums_to_total(ctx, in.outcome, total);
  // The checks of check_support the model leaves abstract.
  expr rest = in.cand.rest == ok(ctx);
  for (Error e : {Error::support_turns, Error::support_anchor, Error::support_app, Error::signature_count,
                  Error::bad_signature, Error::support_mover_count, Error::support_mover_signature,
                  Error::state_app_data_size})
    rest = rest || in.cand.rest == code(ctx, e);
  solver.add(rest);
  return in;
}

struct Outcome {
  expr error;
  Control control;
  Money money;
};

Outcome apply(z3::context& ctx, const std::string& op, const Control& pre, const Money& m, const Input& in,
              const expr& height, const Timing& timing, Weakening weakening) {
  const auto n = static_cast<int>(m.funding.size());
  Money post = m;
  if (op == "deposit") {
    const expr deposited = select(m.deposited, in.participant);
    // checked_add's overflow is a sum above 2^64 - 1 >= funding.
    const expr excess = deposited + in.amount > select(m.funding, in.participant);
    for (unsigned k = 0; k < m.deposited.size(); ++k)
      post.deposited[k] = z3::ite(in.participant == static_cast<int>(k), m.deposited[k] + in.amount, m.deposited[k]);
    return {first_failure({{finalized(ctx, pre, height), code(ctx, Error::deposit_finalized)},
                           {in.participant >= n, code(ctx, Error::deposit_participant)},
                           {in.amount == 0, code(ctx, Error::deposit_zero)},
                           {excess, code(ctx, Error::deposit_excess)}},
                          ok(ctx)),
            pre, post};
  }
  if (op == "withdraw") {
    std::vector<expr> payouts;
    for (unsigned k = 0; k < m.funding.size(); ++k) {
      payouts.push_back(payout(ctx, m, k));
      post.withdrawn[k] = m.withdrawn[k] || in.participant == static_cast<int>(k);
    }
    post.paid = m.paid + select(payouts, in.participant);
    const expr repeated = weakening == Weakening::withdraw_twice ? ctx.bool_val(false) : select(m.withdrawn, in.participant);
    return {first_failure({{!finalized(ctx, pre, height), code(ctx, Error::withdraw_not_finalized)},
                           {in.participant >= n, code(ctx, Error::withdraw_participant)},
                           {repeated, code(ctx, Error::withdraw_repeated)}},
                          ok(ctx)),
            pre, post};
  }
  post.outcome = in.outcome;  // the candidate is registered
  Step step = op == "checkpoint" ? checkpoint(ctx, pre, in.cand, height)
              : op == "challenge"
                  ? challenge(ctx, pre, in.cand, in.challenger_ok, in.challenger_signed, height, timing, weakening)
              : op == "respond" ? respond(ctx, pre, in.cand, height, weakening)
                                : conclude(ctx, pre, in.cand, in.signed_by_all, height);
  return {step.error, step.post, post};
}

// ---- Outcome conservation ----

void assert_conservation(z3::context& ctx, z3::solver& solver, unsigned n, const std::string& op, Weakening weakening,
                         bool claim) {
  const Timing timing = fresh_timing(ctx, solver);
  const expr height = int_var(ctx, "env.height");
  solver.add(height >= 0 && height <= u64_val(ctx, u64_max));
  if (op == "open") {
    // apply_open: the opening outcome is the funding and the registered outcome; SC-OPEN-7 refuses
    // a sum that overflows; nothing is deposited yet.
    Money m{{}, {}, {}, {}, int_var(ctx, "total"), ctx.int_val(0)};
    for (unsigned k = 0; k < n; ++k) {
      const expr o = amount_var(ctx, solver, "in.opening.outcome[" + std::to_string(k) + "]");
      m.funding.push_back(o);
      m.outcome.push_back(o);
      m.deposited.push_back(ctx.int_val(0));
      m.withdrawn.push_back(ctx.bool_val(false));
    }
    const expr opening_sum = sum(ctx, m.outcome);
    solver.add(opening_sum <= u64_val(ctx, u64_max));  // SC-OPEN-7
    solver.add(m.total == opening_sum);
    const Control opened{phase_val(ctx, Phase::open), ctx.int_val(0), ctx.int_val(0)};
    if (claim) solver.add(!conserved(ctx, opened, m, height));
    else solver.add(opening_sum == u64_val(ctx, u64_max));  // the boundary: the largest total
    return;
  }
  const Control pre = fresh_control(ctx, solver, "pre");
  const Money m = fresh_money(ctx, solver, n, "pre");
  const expr now = int_var(ctx, "pre.last_height");
  solver.add(now >= 0 && height >= now);
  solver.add(conserved(ctx, pre, m, now));
  const Input in = fresh_input(ctx, solver, n, m.total);
  const Outcome out = apply(ctx, op, pre, m, in, height, timing, weakening);
  solver.add(out.error == ok(ctx));
  if (claim) {
    solver.add(!conserved(ctx, out.control, out.money, height));
    return;
  }
  // The boundary each operation is about.
  if (op == "deposit") {
    solver.add(funded(ctx, out.money) && !funded(ctx, m));  // the deposit that completes the funding
  } else if (op == "withdraw") {
    solver.add(out.money.paid == sum(ctx, m.deposited) && funded(ctx, m) && m.total > 0);
  } else {
    expr changed = ctx.bool_val(false);
    for (unsigned k = 0; k < n; ++k) changed = changed || in.outcome[k] != m.outcome[k];
    solver.add(funded(ctx, m) && changed);  // a funded channel registers a different outcome
  }
}

// ---- A finalized channel is frozen but for one withdrawal each ----

void assert_frozen(z3::context& ctx, z3::solver& solver, const std::string& op, Weakening weakening, bool claim) {
  constexpr unsigned n = 2;
  const Timing timing = fresh_timing(ctx, solver);
  const expr height = int_var(ctx, "env.height");
  solver.add(height >= 1 && height <= u64_val(ctx, u64_max));
  const Control pre = fresh_control(ctx, solver, "pre");
  const Money m = fresh_money(ctx, solver, n, "pre");
  const Input in = fresh_input(ctx, solver, n, m.total);
  solver.add(finalized(ctx, pre, height));
  const Outcome out = apply(ctx, op, pre, m, in, height, timing, weakening);
  if (claim) {
    expr frozen = ctx.bool_val(false);  // no operation but withdraw is accepted
    if (op == "withdraw") {
      frozen = !select(m.withdrawn, in.participant) && out.control.phase == pre.phase && out.control.turn == pre.turn &&
               out.control.finalizes_at == pre.finalizes_at;
      for (unsigned k = 0; k < n; ++k)
        frozen = frozen && out.money.deposited[k] == m.deposited[k] && out.money.outcome[k] == m.outcome[k] &&
                 out.money.withdrawn[k] == (m.withdrawn[k] || in.participant == static_cast<int>(k));
    }
    solver.add(out.error == ok(ctx) && !frozen);
    return;
  }
  // The boundary: the challenge timer ran out at this very height. An operation other than
  // withdraw would have been accepted one block earlier; a withdrawal is accepted now.
  solver.add(pre.phase == phase_val(ctx, Phase::challenge) && height == pre.finalizes_at);
  if (op == "withdraw") {
    solver.add(out.error == ok(ctx));
  } else {
    solver.add(apply(ctx, op, pre, m, in, height - 1, timing, weakening).error == ok(ctx));
  }
}

// ---- A running challenge ends only on a higher turn ----

void assert_progress(z3::context& ctx, z3::solver& solver, const std::string& op, Weakening weakening, bool claim) {
  constexpr unsigned n = 2;
  const Timing timing = fresh_timing(ctx, solver);
  const expr height = int_var(ctx, "env.height");
  solver.add(height >= 0 && height <= u64_val(ctx, u64_max));
  const Control pre = fresh_control(ctx, solver, "pre");
  const Money m = fresh_money(ctx, solver, n, "pre");
  const Input in = fresh_input(ctx, solver, n, m.total);
  const Outcome out = apply(ctx, op, pre, m, in, height, timing, weakening);
  solver.add(out.error == ok(ctx));
  const expr running = pre.phase == phase_val(ctx, Phase::challenge);
  if (claim) {
    expr progress = out.control.turn >= pre.turn && z3::implies(running, out.control.turn > pre.turn);
    if (op == "respond") progress = progress && running && height < pre.finalizes_at;
    solver.add(!progress);
    return;
  }
  // The boundary: a challenge runs and the candidate is one turn above it; a response comes in the
  // last block before finalizes_at.
  solver.add(running && in.cand.turn == pre.turn + 1);
  if (op == "respond") solver.add(height == pre.finalizes_at - 1);
}

// ---- Who can sign: the honest participant and the turns the others reach ----

struct Honest {
  expr index;             // H
  expr latest_signed;     // L_H: H signed states of turns up to L_H only
  expr latest_supported;  // L <= L_H: H holds a supported state of turn L
  expr last_other;        // M = N_H - 1: N_H is the first turn above L_H whose mover is H
};

// Whether participants[who] moves at turn t + k, for `residue` = t mod n and 0 <= k <= n: the
// residue plus k is below 2n, so one `mod` per base turn serves every offset.
template <class Offset>  // int or an integer expr
expr mover_at_offset(unsigned n, const expr& residue, const Offset& k, const expr& who) {
  return residue + k == who || residue + k == who + static_cast<int>(n);
}

Honest honest_participant(z3::context& ctx, z3::solver& solver, unsigned n) {
  Honest h{int_var(ctx, "env.honest.index"), int_var(ctx, "pre.honest.latest_signed_turn"),
           int_var(ctx, "pre.honest.latest_supported_turn"), int_var(ctx, "pre.honest.last_turn_of_others")};
  const expr gap = int_var(ctx, "pre.honest.turns_to_next_move");
  solver.add(h.index >= 0 && h.index < static_cast<int>(n));
  solver.add(h.latest_signed >= 0 && h.latest_signed <= u64_val(ctx, turn_limit));
  solver.add(h.latest_supported >= 0 && h.latest_supported <= h.latest_signed);
  solver.add(gap >= 1 && gap <= static_cast<int>(n));
  const expr residue = z3::mod(h.latest_signed, static_cast<int>(n));
  solver.add(mover_at_offset(n, residue, gap, h.index));
  for (unsigned k = 1; k < n; ++k)
    solver.add(z3::implies(gap > static_cast<int>(k), !mover_at_offset(n, residue, static_cast<int>(k), h.index)));
  solver.add(h.last_other == h.latest_signed + gap - 1);
  return h;
}

// ---- Turn-taking ----

// A proof of 1..n states against a registered turn the others can reach. Claims: every move it
// carries was signed by its mover (keys are distinct, SC-OPEN-3), and its candidate is not past M.
void assert_turn_taking(z3::context& ctx, z3::solver& solver, unsigned n, Weakening weakening, bool claim) {
  const Honest h = honest_participant(ctx, solver, n);
  const expr registered = int_var(ctx, "pre.registered.turn");
  solver.add(registered >= 0 && registered <= h.last_other);
  std::vector<expr> keys;
  z3::expr_vector distinct(ctx);
  for (unsigned k = 0; k < n; ++k) {
    keys.push_back(int_var(ctx, "fixed.participants[" + std::to_string(k) + "]"));
    distinct.push_back(keys.back());
  }
  solver.add(z3::distinct(distinct));  // SC-OPEN-3
  const expr length = int_var(ctx, "in.proof.length");
  solver.add(length >= 1 && length <= static_cast<int>(n));  // SC-SUP-1
  std::vector<expr> turn;
  for (unsigned j = 0; j < n; ++j) {
    turn.push_back(int_var(ctx, "in.proof[" + std::to_string(j) + "].turn"));
    solver.add(turn[j] >= 0 && turn[j] <= u64_val(ctx, u64_max));
  }
  const expr first_signed = bool_var(ctx, "in.proof[0].signed_by_all");
  // SC-SUP-4: an unsigned first state is the registered one. A state signed by all carries H's
  // signature (SC-SIG-2), so the adversary has one only up to L_H.
  expr accepted = z3::ite(first_signed, turn[0] <= h.latest_signed, turn[0] == registered);
  expr by_mover = ctx.bool_val(true);
  expr candidate = turn[0];
  for (unsigned j = 1; j < n; ++j) {
    const expr in_proof = length > static_cast<int>(j);
    // The participant whose key produced the move's one signature (SC-SUP-6): the adversary signs
    // as any participant but H, and as H only a state H signed.
    const expr signer = int_var(ctx, "in.proof[" + std::to_string(j) + "].signer");
    solver.add(signer >= 0 && signer < static_cast<int>(n));
    solver.add(z3::implies(signer == h.index, turn[j] <= h.latest_signed));
    const expr mover = z3::mod(turn[j], static_cast<int>(n));
    // SC-SUP-7: the signature verifies for participants[mover]'s key; weakened, for any participant's.
    const expr verifies = weakening == Weakening::wrong_mover ? ctx.bool_val(true) : select(keys, signer) == select(keys, mover);
    accepted = accepted && z3::implies(in_proof, turn[j] == turn[j - 1] + 1 && verifies);  // SC-SUP-3, SC-SUP-7
    by_mover = by_mover && z3::implies(in_proof, signer == mover);
    candidate = z3::ite(in_proof, turn[j], candidate);
  }
  if (claim) {
    solver.add(accepted && !(by_mover && candidate <= h.last_other));
  } else {
    // The boundary: a full proof whose candidate is the others' last turn before H's next.
    solver.add(accepted && length == static_cast<int>(n) && candidate == h.last_other && h.last_other > h.latest_signed);
  }
}

// ---- The bounded traces: the adversary's calls interleaved with the honest participant's ----

enum class Policy { defend, finalize };

// A candidate the adversary can get supported against the registered turn (see the file comment).
Candidate adversary_candidate(z3::context& ctx, z3::solver& solver, const Honest& h, unsigned n, const Control& c,
                              const std::string& p, Weakening weakening) {
  const expr anchor_signed = bool_var(ctx, p + ".anchor_signed_by_all");
  const expr anchor = int_var(ctx, p + ".anchor.turn");
  const expr moves = int_var(ctx, p + ".moves");
  solver.add(anchor >= 0 && moves >= 0 && moves < static_cast<int>(n));
  expr supported = z3::ite(anchor_signed, anchor <= h.latest_signed, anchor == c.turn) &&
                   anchor + moves <= u64_val(ctx, u64_max);
  if (weakening != Weakening::wrong_mover) {
    const expr residue = z3::mod(anchor, static_cast<int>(n));
    for (unsigned k = 1; k < n; ++k) {
      const auto offset = static_cast<int>(k);
      supported = supported && z3::implies(moves >= offset, !mover_at_offset(n, residue, offset, h.index) ||
                                                                anchor + offset <= h.latest_signed);
    }
  }
  return {anchor + moves, ctx.bool_val(false), ctx.bool_val(true),
          z3::ite(supported, ok(ctx), code(ctx, Error::support_mover_signature))};
}

struct Trace {
  Honest honest;
  expr wrong_finalization;  // at some point the channel is finalized on a turn outside L..M
  expr calls;               // the honest participant's calls that landed
  expr restarts;            // the adversary's accepted calls that ended or restarted a challenge on a turn >= L
  expr answered_at_bound;   // an honest call landed in the last block of the censorship bound against a challenge below L
  expr ends_finalized_on_latest;
};

Trace run_trace(z3::context& ctx, z3::solver& solver, unsigned n, Policy policy, Weakening weakening) {
  const Honest h = honest_participant(ctx, solver, n);
  const Timing timing = fresh_timing(ctx, solver);
  const expr L = h.latest_supported;
  const expr M = h.last_other;
  // H signed at most one final state, its last: turn L_H.
  const expr signed_final = bool_var(ctx, "pre.honest.signed_final_state");
  const expr start_turn = int_var(ctx, "pre.registered.turn");
  solver.add(start_turn >= 0 && start_turn <= M);
  Control c{phase_val(ctx, Phase::open), start_turn, ctx.int_val(0)};
  expr height = int_var(ctx, "pre.height");
  solver.add(height >= 0 && height <= u64_val(ctx, height_limit));

  const expr open_phase = phase_val(ctx, Phase::open);
  const expr running_phase = phase_val(ctx, Phase::challenge);
  auto need = [&](const Control& s, const expr& at) {
    if (policy == Policy::defend) return s.phase == running_phase && !finalized(ctx, s, at) && s.turn < L;
    return !finalized(ctx, s, at) && (s.turn < L || s.phase == open_phase);
  };
  auto target = [&](const Control& s) { return policy == Policy::defend ? L : z3::ite(s.turn < L, L, s.turn); };

  expr pending = need(c, height);
  expr since = height;
  expr sent = target(c);
  Trace t{h, ctx.bool_val(false), ctx.int_val(0), ctx.int_val(0), ctx.bool_val(false), ctx.bool_val(false)};
  auto wrong = [&](const Control& s, const expr& at) { return finalized(ctx, s, at) && !(s.turn >= L && s.turn <= M); };

  for (unsigned slot = 0; slot <= 2 * adversary_steps; ++slot) {
    const std::string p = "in.step" + std::to_string(slot);
    const expr at = int_var(ctx, p + ".height");
    solver.add(at >= height && at <= u64_val(ctx, height_limit));
    solver.add(z3::implies(pending, at <= since + timing.censorship));  // the censorship bound
    t.wrong_finalization = t.wrong_finalization || wrong(c, at);
    if (slot % 2 == 0) {
      // H's call, if one is on its way, may land here.
      const expr lands = bool_var(ctx, p + ".honest_call_lands");
      solver.add(z3::implies(lands, pending));
      // Its proof: its own state of turn L, or the registered state it saw (one unsigned state,
      // valid while that state is still registered and no challenge runs on it).
      const Candidate cand{sent, ctx.bool_val(false), ctx.bool_val(true),
                           z3::ite(sent == L || (c.phase == open_phase && c.turn == sent), ok(ctx),
                                   code(ctx, Error::support_anchor))};
      const Step step = policy == Policy::defend
                            ? respond(ctx, c, cand, at, weakening)
                            : challenge(ctx, c, cand, ctx.bool_val(true), ctx.bool_val(true), at, timing, weakening);
      const expr accepted = lands && step.error == ok(ctx);
      t.answered_at_bound = t.answered_at_bound ||
                            (accepted && c.phase == running_phase && c.turn < L && at == since + timing.censorship);
      t.calls = t.calls + z3::ite(lands, ctx.int_val(1), ctx.int_val(0));
      c = choose(accepted, step.post, c);
      pending = pending && !lands;
    } else {
      // The adversary: nothing (time passes), checkpoint, challenge, respond or conclude.
      const expr op = int_var(ctx, p + ".adversary_op");
      solver.add(op >= 0 && op <= 4);
      const Candidate cand = adversary_candidate(ctx, solver, h, n, c, p, weakening);
      const Candidate final_state{h.latest_signed, ctx.bool_val(true), ctx.bool_val(true), ok(ctx)};
      const Step ck = checkpoint(ctx, c, cand, at);
      const Step ch = challenge(ctx, c, cand, ctx.bool_val(true), ctx.bool_val(true), at, timing, weakening);
      const Step rs = respond(ctx, c, cand, at, weakening);
      const Step cc = conclude(ctx, c, final_state, signed_final, at);
      const expr error = z3::ite(op == 1, ck.error, z3::ite(op == 2, ch.error, z3::ite(op == 3, rs.error, cc.error)));
      const Control post = choose(op == 1, ck.post, choose(op == 2, ch.post, choose(op == 3, rs.post, cc.post)));
      const expr accepted = op != 0 && error == ok(ctx);
      const expr restart = accepted && op >= 1 && op <= 3 && c.phase == running_phase && c.turn >= L;
      t.restarts = t.restarts + z3::ite(restart, ctx.int_val(1), ctx.int_val(0));
      c = choose(accepted, post, c);
    }
    // H looks at the channel and, with no call on its way, sends one if its policy says so.
    const expr needed = need(c, at);
    since = z3::ite(pending, since, at);
    sent = z3::ite(pending, sent, target(c));
    pending = pending || needed;
    height = at;
  }
  t.wrong_finalization = t.wrong_finalization || wrong(c, height);
  t.ends_finalized_on_latest = finalized(ctx, c, height) && c.turn == L;
  return t;
}

void assert_latest_state_wins(z3::context& ctx, z3::solver& solver, unsigned n, Weakening weakening, bool claim) {
  const Trace t = run_trace(ctx, solver, n, Policy::defend, weakening);
  if (claim) solver.add(t.wrong_finalization);
  else solver.add(t.answered_at_bound && t.ends_finalized_on_latest);
}

void assert_calls_bounded(z3::context& ctx, z3::solver& solver, unsigned n, Weakening weakening, bool claim) {
  const Trace t = run_trace(ctx, solver, n, Policy::finalize, weakening);
  const expr bound = t.honest.last_other - t.honest.latest_supported + 1;
  if (claim) solver.add(t.calls > bound);
  else solver.add(t.calls == bound && bound >= 2);  // griefed as far as the others' turns allow
}

void assert_restarts_bounded(z3::context& ctx, z3::solver& solver, unsigned n, Weakening weakening, bool claim) {
  const Trace t = run_trace(ctx, solver, n, Policy::finalize, weakening);
  const expr bound = t.honest.last_other - t.honest.latest_supported;
  if (claim) solver.add(t.restarts > bound);
  else solver.add(t.restarts == bound && bound >= 1);
}

using Assertion = ClaimAssertion;

Obligation obligation(const std::string& invariant, const std::string& transition, Kind kind, const std::string& statement,
                      const Assertion& assertion) {
  return make_claim_obligation(mechanism, invariant, transition, kind, statement, assertion);
}

}  // namespace

std::vector<Obligation> obligations(Weakening w) {
  std::vector<Obligation> list;
  const std::string steps = std::to_string(adversary_steps);
  // The premises in words, each with the weakened rule when there is one.
  const std::string weakened = weakened_rule_note(weakening_name(w));
  const std::string timing = "censorship_bound_blocks >= 1 and a challenge_duration above it and below 2^32";
  const std::string u64s = "; u64 values as integers in 0..2^64-1";
  const auto honest = [](const std::string& size) {
    return "a channel of " + size +
           " participants with distinct keys; the honest participant H signed states only up to its latest turn L_H < "
           "2^62, M is the others' last turn before H's next move";
  };
  const auto trace = [&](const std::string& size, const std::string& policy) {
    return honest(size) + ", L <= L_H the turn of H's supported state; from an open channel registered at a turn <= M, " +
           steps +
           " calls of the others (nothing, checkpoint, challenge, respond, or conclude on H's final state if it signed "
           "one), each with any proof they can get supported, interleaved with H, who " +
           policy + ", each call landing within censorship_bound_blocks of its decision; heights below 2^63; " + timing +
           weakened;
  };
  for (const unsigned n : {2u, 3u, 4u}) {
    list.push_back(obligation(
        "turn_taking_n" + std::to_string(n), "check_support", Kind::safety,
        "in a channel of " + std::to_string(n) +
            " participants, every move of an accepted proof is signed by participants[turn mod n], so the others "
            "never get a state supported past the turn before the honest participant's next move",
        [n, w](z3::context& ctx, z3::solver& solver, bool claim) { assert_turn_taking(ctx, solver, n, w, claim); }));
    list.back().premise = honest(std::to_string(n)) +
                          "; a registered turn <= M and any proof of 1.." + std::to_string(n) +
                          " states whose first is the registered state (unsigned) or one signed by all (turn <= L_H), each "
                          "next state one turn higher with one signature by any participant's key (H's only on a turn <= "
                          "L_H)" + weakened;
  }
  for (const unsigned n : {2u, 3u}) {
    for (const std::string op : {"open", "deposit", "checkpoint", "challenge", "respond", "conclude", "withdraw"}) {
      list.push_back(obligation(
          "outcome_conservation_n" + std::to_string(n), op, op == "open" ? Kind::initiation : Kind::consecution,
          "in a channel of " + std::to_string(n) +
              " participants, what withdraw has paid out is at most what was deposited and no deposit exceeds its "
              "funding, after " +
              op + (op == "open" ? "" : " when it held before"),
          [n, op, w](z3::context& ctx, z3::solver& solver, bool claim) { assert_conservation(ctx, solver, n, op, w, claim); }));
      list.back().premise =
          op == "open"
              ? "any opening outcome of " + std::to_string(n) +
                    " amounts whose sum SC-OPEN-7 accepts (at most 2^64-1), nothing deposited yet, at any height; " + timing +
                    u64s
              : "a channel of " + std::to_string(n) +
                    " participants in any phase where the invariant holds (paid out <= deposited, no deposit above its "
                    "funding, funding and registered outcome summing to the total, withdrawals only once finalized), "
                    "and any `" + op +
                    "` it accepts at a height >= the last: any participant, amount and candidate (turn, is_final, outcome), "
                    "the support checks other than outcome and is_final a free verdict; " + timing + u64s + weakened;
    }
  }
  for (const std::string op : {"deposit", "checkpoint", "challenge", "respond", "conclude", "withdraw"}) {
    list.push_back(obligation(
        "finalized_is_frozen", op, Kind::safety,
        op == "withdraw" ? "on a finalized channel, withdraw is accepted once per participant and changes only its "
                           "withdrawn flag"
                         : "no " + op + " is accepted on a finalized channel",
        [op, w](z3::context& ctx, z3::solver& solver, bool claim) { assert_frozen(ctx, solver, op, w, claim); }));
    list.back().premise = "a channel of 2 participants finalized at the step's height >= 1 (concluded, or a challenge past "
                          "finalizes_at), any money state (no invariant assumed), and any `" + op +
                          "` input: participant, amount, candidate and support verdicts; " + timing + u64s + weakened;
  }
  for (const std::string op : {"checkpoint", "challenge", "respond"}) {
    list.push_back(obligation(
        "challenge_progress", op, Kind::safety,
        "an accepted " + op +
            " never lowers the registered turn, and raises it strictly when a challenge runs" +
            (op == "respond" ? "; a response is accepted only before finalizes_at" : ""),
        [op, w](z3::context& ctx, z3::solver& solver, bool claim) { assert_progress(ctx, solver, op, w, claim); }));
    list.back().premise = "a channel of 2 participants in any phase, registered turn and finalizes_at, any money state, and "
                          "any `" + op +
                          "` it accepts at any height: any candidate turn and outcome, the support checks other than "
                          "outcome and is_final a free verdict; " + timing + u64s + weakened;
  }
  for (const unsigned n : {2u, 3u}) {
    const std::string size = std::to_string(n);
    list.push_back(obligation(
        "latest_state_wins_n" + size, "trace", Kind::bmc,
        "in a channel of " + size + " participants, over " + steps +
            " calls of the others interleaved with an honest participant that answers every challenge below its "
            "supported turn L within the censorship bound, the channel never finalizes on a turn below L, nor on one "
            "at or past the honest participant's next move",
        [n, w](z3::context& ctx, z3::solver& solver, bool claim) { assert_latest_state_wins(ctx, solver, n, w, claim); }));
    list.back().premise = trace(size, "responds with its state of turn L whenever a challenge on a turn below L runs");
    list.push_back(obligation(
        "honest_calls_bounded_n" + size, "trace", Kind::bmc,
        "in a channel of " + size + " participants, over " + steps +
            " calls of the others, an honest participant that challenges whenever no challenge on a turn >= L runs "
            "makes at most M - L + 1 calls (M: the others' last turn before its next move; at most n when L is its "
            "latest signed turn)",
        [n, w](z3::context& ctx, z3::solver& solver, bool claim) { assert_calls_bounded(ctx, solver, n, w, claim); }));
    list.back().premise = trace(size, "challenges on its state of turn L (or the newer registered one) whenever the channel "
                                      "is not finalized and a turn below L is registered or no challenge runs");
    list.push_back(obligation(
        "challenge_restarts_bounded_n" + size, "trace", Kind::bmc,
        "in a channel of " + size + " participants, over " + steps +
            " calls of the others against the same honest participant, the others end or restart a challenge on a "
            "turn >= L at most M - L times",
        [n, w](z3::context& ctx, z3::solver& solver, bool claim) { assert_restarts_bounded(ctx, solver, n, w, claim); }));
    list.back().premise = trace(size, "challenges on its state of turn L (or the newer registered one) whenever the channel "
                                      "is not finalized and a turn below L is registered or no challenge runs");
  }
  return list;
}

ModelEntry registry_entry() {
  return model_entry("state_channel", all_weakenings, weakening_name, parse_weakening, obligations);
}

}  // namespace l2::inv::state_channel
