// Z3 model of multi-hop payments (spec: channel_network.md#the-z3-model).
//
// Heights, amounts and fees are unbounded integers: the reference refuses every overflow with a
// rule (CN-STATE-1, CN-ROUTE-10 and 11, saturating heights), so within the values it accepts, its
// arithmetic is the integers'. A route of k hops is hop i = (n_i -> n_{i+1}) locking amount a_i
// until x_i; n_0 is the payer, n_k the payee, and the forwarder n_i (1 <= i < k) keeps fee_i and
// delta_i: a_{i-1} >= a_i + fee_i and x_{i-1} >= x_i + delta_i (CN-ROUTE-10, 11), with
// delta_i >= min_cltv_delta > censorship_bound_blocks = c >= 1 (CN-GRAPH-4, CN-DEPLOY-6).
//
// Secrets are modelled by when they are disclosed. The sender of hop i learns t_i when the
// receiver fulfills the lock off chain or anyone reveals it on chain; the lock is claimed exactly
// when that disclosure happens strictly before x_i (CN-FULFILL-2, CN-RESOLVE-3). The honest
// intermediary's strategy (spec: channel_network.md#the-z3-model): on learning its downstream
// secret at height d, if d + c < its upstream expiry, it discloses its upstream secret (t_in = t_out
// for an HTLC, t_out + y for a PTLC) on chain, where censorship can delay the revelation to any
// height in [d, d + c]; otherwise it discloses nothing. Everyone else is adversarial: they choose
// whether and when to disclose what they know, and the order of transactions within a block.
#include "l2/inv/channel_network_model.hpp"

#include <string>

namespace l2::inv::channel_network {

std::string_view weakening_name(Weakening weakening) {
  switch (weakening) {
    case Weakening::none: return "none";
    case Weakening::equal_timelocks: return "equal_timelocks";
    case Weakening::claim_at_expiry: return "claim_at_expiry";
    case Weakening::ptlc_same_point: return "ptlc_same_point";
  }
  return "unknown";
}

std::optional<Weakening> parse_weakening(std::string_view name) {
  return parse_weakening_name(name, all_weakenings, weakening_name);
}

namespace {

using z3::expr;

const std::string mechanism = "channel_network";

expr int_var(z3::context& ctx, const std::string& name) { return ctx.int_const(name.c_str()); }

// CN-RESOLVE-3 (and CN-FULFILL-2): a disclosure at height r claims a lock expiring at x.
expr claims(const expr& r, const expr& x, Weakening weakening) {
  return weakening == Weakening::claim_at_expiry ? r <= x : r < x;
}

// A route of k hops that validate_route accepts, in a network whose deployment passed CN-DEPLOY.
struct Route {
  std::vector<expr> amount, expiry, fee, delta;  // fee[i], delta[i] for forwarders i >= 1 (index 0 unused)
  expr censorship;
};

Route accepted_route(z3::context& ctx, z3::solver& solver, unsigned k, Weakening weakening) {
  Route route{{}, {}, {}, {}, int_var(ctx, "env.censorship_bound_blocks")};
  // CN-DEPLOY-1: c >= 1.
  solver.add(route.censorship >= 1);
  for (unsigned i = 0; i < k; ++i) {
    const std::string hop = "in.hop" + std::to_string(i);
    route.amount.push_back(int_var(ctx, hop + ".amount"));
    route.expiry.push_back(int_var(ctx, hop + ".expiry"));
    route.fee.push_back(int_var(ctx, "in.node" + std::to_string(i) + ".fee"));
    route.delta.push_back(int_var(ctx, "in.node" + std::to_string(i) + ".cltv_delta"));
    // CN-ROUTE-6 with dust_limit >= 1 (CN-DEPLOY-4); heights are not negative.
    solver.add(route.amount[i] >= 1 && route.expiry[i] >= 0);
  }
  for (unsigned i = 1; i < k; ++i) {
    solver.add(route.fee[i] >= 0);
    // CN-GRAPH-4 and CN-DEPLOY-6: delta_i >= min_cltv_delta > c, or only >= 0 when weakened.
    solver.add(weakening == Weakening::equal_timelocks ? route.delta[i] >= 0 : route.delta[i] >= route.censorship + 1);
    // CN-ROUTE-10 and 11.
    solver.add(route.amount[i - 1] >= route.amount[i] + route.fee[i]);
    solver.add(route.expiry[i - 1] >= route.expiry[i] + route.delta[i]);
  }
  return route;
}

// The honest forwarder between hop i - 1 and hop i: it learned t_i at `learned_at` (if `learned`),
// and discloses t_{i-1} upstream when it still has time; censorship picks the height in
// [learned_at, learned_at + c]. Returns (discloses, disclosed_at).
std::pair<expr, expr> honest_disclosure(z3::context& ctx, z3::solver& solver, const Route& route, unsigned i,
                                        const expr& learned, const expr& learned_at) {
  const expr at = int_var(ctx, "in.node" + std::to_string(i) + ".discloses_upstream_at");
  solver.add(at >= learned_at && at <= learned_at + route.censorship);
  return {learned && learned_at + route.censorship < route.expiry[i - 1], at};
}

// ---- conservation: every lock op keeps balances + locked == capacity ----

// A channel with two lock slots; `pre` holds conservation. Each op's effect is the reference's
// (channel_network.hpp): add_lock moves an amount of the sender's balance into a free slot;
// fulfill_lock and a claimed resolve_lock pay the receiver; fail_lock and a refund pay the sender.
void assert_conservation(z3::context& ctx, z3::solver& solver, const std::string& op, bool claim) {
  const expr cap = int_var(ctx, "pre.total_capacity");
  std::array<expr, 2> balance{int_var(ctx, "pre.balances[0]"), int_var(ctx, "pre.balances[1]")};
  std::array<expr, 2> present{ctx.bool_const("pre.lock0.present"), ctx.bool_const("pre.lock1.present")};
  std::array<expr, 2> amount{int_var(ctx, "pre.lock0.amount"), int_var(ctx, "pre.lock1.amount")};
  std::array<expr, 2> sender{int_var(ctx, "pre.lock0.sender"), int_var(ctx, "pre.lock1.sender")};
  auto locked = [&](const std::array<expr, 2>& p) {
    return z3::ite(p[0], amount[0], ctx.int_val(0)) + z3::ite(p[1], amount[1], ctx.int_val(0));
  };
  for (unsigned s = 0; s < 2; ++s) {
    solver.add(balance[s] >= 0 && amount[s] >= 1 && (sender[s] == 0 || sender[s] == 1));
  }
  // The pre-state: CN-STATE-1 holds.
  solver.add(balance[0] + balance[1] + locked(present) == cap);

  std::array<expr, 2> post_balance = balance;
  std::array<expr, 2> post_present = present;
  auto pay = [&](const expr& to, const expr& value) {
    post_balance[0] = z3::ite(to == 0, balance[0] + value, balance[0]);
    post_balance[1] = z3::ite(to == 1, balance[1] + value, balance[1]);
  };
  if (op == "add_lock") {
    const expr who = int_var(ctx, "in.sender");
    const expr value = int_var(ctx, "in.amount");
    // CN-ADD-1, CN-ADD-3 (dust >= 1), CN-ADD-5; the new lock takes the free slot 1.
    solver.add((who == 0 || who == 1) && value >= 1 && !present[1]);
    solver.add(z3::ite(who == 0, value <= balance[0], value <= balance[1]));
    post_balance[0] = z3::ite(who == 0, balance[0] - value, balance[0]);
    post_balance[1] = z3::ite(who == 1, balance[1] - value, balance[1]);
    post_present[1] = ctx.bool_val(true);
    amount[1] = value;
  } else if (op == "fulfill_lock" || op == "fail_lock" || op == "resolve_lock") {
    // CN-FULFILL-1, CN-FAIL-1, CN-RESOLVE-2: the lock is pending.
    solver.add(present[0]);
    const expr receiver = 1 - sender[0];
    expr to = sender[0];
    if (op == "fulfill_lock") to = receiver;
    if (op == "resolve_lock") to = z3::ite(ctx.bool_const("in.claimed"), receiver, sender[0]);
    pay(to, amount[0]);
    post_present[0] = ctx.bool_val(false);
  } else if (op == "cooperative_close") {
    const std::array<expr, 2> closing{int_var(ctx, "in.balances[0]"), int_var(ctx, "in.balances[1]")};
    // CN-COOP-3; the close carries no lock.
    solver.add(closing[0] >= 0 && closing[1] >= 0 && closing[0] + closing[1] == cap);
    post_balance = closing;
    post_present = {ctx.bool_val(false), ctx.bool_val(false)};
  } else {  // force_close, challenge: the registered state is the co-signed one, checked by CN-STATE-1
    const std::array<expr, 2> signed_balance{int_var(ctx, "in.balances[0]"), int_var(ctx, "in.balances[1]")};
    const std::array<expr, 2> signed_present{ctx.bool_const("in.lock0.present"), ctx.bool_const("in.lock1.present")};
    solver.add(signed_balance[0] >= 0 && signed_balance[1] >= 0);
    solver.add(signed_balance[0] + signed_balance[1] + locked(signed_present) == cap);
    post_balance = signed_balance;
    post_present = signed_present;
  }
  if (claim) {
    solver.add(!(post_balance[0] >= 0 && post_balance[1] >= 0 &&
                 post_balance[0] + post_balance[1] + locked(post_present) == cap));
  } else {
    solver.add(present[0]);  // the premise: the op applies with a lock pending
  }
}

// ---- the route: every forwarder keeps its fee and more than the censorship bound in time ----

void assert_route(z3::context& ctx, z3::solver& solver, Weakening weakening, bool claim) {
  const Route route = accepted_route(ctx, solver, 3, weakening);
  expr keeps = ctx.bool_val(true);
  for (unsigned i = 1; i < 3; ++i)
    keeps = keeps && route.amount[i - 1] - route.amount[i] >= route.fee[i] && route.fee[i] >= 0 &&
            route.expiry[i - 1] - route.expiry[i] > route.censorship;
  if (claim) solver.add(!keeps);
}

// ---- a refund is final ----

// resolve_lock refunds at height f >= x when the registry holds no claiming revelation; a
// revelation at r that lands after the refund (r > f, or r = f ordered after it in the block)
// must then not be a claim either, or its revealer was entitled to a lock already paid back.
void assert_refund_final(z3::context& ctx, z3::solver& solver, Weakening weakening, bool claim) {
  const expr x = int_var(ctx, "pre.lock.expiry");
  const expr f = int_var(ctx, "in.refund.height");
  const expr r = int_var(ctx, "in.revelation.height");
  solver.add(x >= 0 && f >= x && r >= f);  // the refund is allowed and the revelation comes after it
  if (claim) solver.add(claims(r, x, weakening));
  else solver.add(r == x && f == x);  // the boundary: both in the expiry block
}

// ---- an honest intermediary never loses ----

// Hop 0 pays the honest node h, which forwards hop 1 (a two-lock window: every hop beyond it is
// the adversary's and touches neither of h's locks). The adversary decides whether and when h
// learns t_1 (off-chain fulfill or on-chain revelation) and whether anyone discloses t_0 on its own.
void assert_honest_intermediary(z3::context& ctx, z3::solver& solver, Weakening weakening, bool claim) {
  const Route route = accepted_route(ctx, solver, 2, weakening);
  const expr learned = ctx.bool_const("in.downstream.disclosed");
  const expr learned_at = int_var(ctx, "in.downstream.disclosed_at");
  solver.add(learned_at >= 0);
  const expr down_claimed = learned && claims(learned_at, route.expiry[1], weakening);
  const auto [discloses, disclosed_at] = honest_disclosure(ctx, solver, route, 1, learned, learned_at);
  const expr others_disclose = ctx.bool_const("in.upstream.disclosed_by_others");
  const expr others_at = int_var(ctx, "in.upstream.disclosed_by_others_at");
  const expr up_claimed = (discloses && claims(disclosed_at, route.expiry[0], weakening)) ||
                          (others_disclose && claims(others_at, route.expiry[0], weakening));
  const expr change = z3::ite(up_claimed, route.amount[0], ctx.int_val(0)) - z3::ite(down_claimed, route.amount[1], ctx.int_val(0));
  if (claim) {
    solver.add(!(change >= 0 && z3::implies(down_claimed, change >= route.fee[1])));
  } else {
    // The boundary: the downstream claim in its last block, and h censored for the whole bound.
    solver.add(learned && learned_at == route.expiry[1] - 1 && disclosed_at == learned_at + route.censorship &&
               !others_disclose);
  }
}

// ---- atomicity over k hops ----

// Every intermediary honest, the payer honest, the payee adversarial: it discloses t_{k-1} to
// n_{k-1} whenever it likes, or never, and, for an HTLC, may also reveal the one payment hash's
// preimage on chain at any height R, which discloses it to every hop at once. Claim: the claimed
// locks are an upstream prefix (hop i claimed implies hop i - 1 claimed), so the payee's claim
// implies every claim.
void assert_atomicity(z3::context& ctx, z3::solver& solver, unsigned k, bool hash_lock, Weakening weakening,
                      bool claim) {
  const Route route = accepted_route(ctx, solver, k, weakening);
  const expr global = hash_lock ? ctx.bool_const("in.payee.reveals_on_chain") : ctx.bool_val(false);
  const expr global_at = int_var(ctx, "in.payee.reveals_on_chain_at");
  solver.add(global_at >= 0);
  std::vector<expr> claimed(k, ctx.bool_val(false));
  // Walk upstream from the payee's hop: the receiver's disclosure of t_i, then what the sender n_i
  // learns (the earlier of that and the on-chain revelation).
  expr disclosed = ctx.bool_const("in.payee.discloses");
  expr disclosed_at = int_var(ctx, "in.payee.discloses_at");
  solver.add(disclosed_at >= 0);
  const expr payee_last_block = disclosed && disclosed_at == route.expiry[k - 1] - 1;
  for (unsigned i = k; i-- > 0;) {
    claimed[i] = (disclosed && claims(disclosed_at, route.expiry[i], weakening)) ||
                 (global && claims(global_at, route.expiry[i], weakening));
    if (i == 0) break;
    const expr learned = disclosed || global;
    const expr learned_at = z3::ite(disclosed && (!global || disclosed_at <= global_at), disclosed_at, global_at);
    const auto [discloses, at] = honest_disclosure(ctx, solver, route, i, learned, learned_at);
    disclosed = discloses;
    disclosed_at = at;
  }
  expr prefix = ctx.bool_val(true);
  for (unsigned i = 1; i < k; ++i) prefix = prefix && z3::implies(claimed[i], claimed[i - 1]);
  if (claim) solver.add(!prefix);
  else solver.add(payee_last_block && !global);
}

// ---- the wormhole, under PTLCs ----

// P -> A -> H -> B: the payer P and H honest, A and B colluding. B knows t_2 and discloses it to H
// when it likes; t_1 = t_2 + y_1 needs y_1, which only H (and P) hold, so the coalition learns t_1
// only from H's disclosure; A holds y_0, so it knows t_0 = t_1 + y_0 once it knows t_1. With one
// point on every hop it knows t from the start. Claim: if the payer's lock is claimed, H ends at
// least its fee up.
void assert_wormhole(z3::context& ctx, z3::solver& solver, Weakening weakening, bool claim) {
  const Route route = accepted_route(ctx, solver, 3, weakening);
  const expr b_discloses = ctx.bool_const("in.B.discloses_t2");
  const expr b_at = int_var(ctx, "in.B.discloses_t2_at");
  solver.add(b_at >= 0);
  const expr h_paid_downstream = b_discloses && claims(b_at, route.expiry[2], weakening);
  const auto [h_discloses, h_at] = honest_disclosure(ctx, solver, route, 2, b_discloses, b_at);
  // The coalition may also reveal t_1 on chain once it knows it; that only pays H.
  const expr same_point = ctx.bool_val(weakening == Weakening::ptlc_same_point);
  const expr coalition_knows_t1 = same_point || h_discloses;
  const expr coalition_knows_t1_at = z3::ite(same_point, ctx.int_val(0), h_at);
  const expr reveals_t1 = ctx.bool_const("in.coalition.reveals_t1");
  const expr reveals_t1_at = int_var(ctx, "in.coalition.reveals_t1_at");
  solver.add(z3::implies(reveals_t1, coalition_knows_t1 && reveals_t1_at >= coalition_knows_t1_at));
  const expr h_paid_upstream = (h_discloses && claims(h_at, route.expiry[1], weakening)) ||
                               (reveals_t1 && claims(reveals_t1_at, route.expiry[1], weakening));
  // A claims the payer's lock with t_0 once the coalition knows t_1 (A adds y_0).
  const expr a_claims_at = int_var(ctx, "in.A.claims_t0_at");
  const expr payer_paid = ctx.bool_const("in.A.claims_t0") && coalition_knows_t1 && a_claims_at >= coalition_knows_t1_at &&
                          claims(a_claims_at, route.expiry[0], weakening);
  const expr change = z3::ite(h_paid_upstream, route.amount[1], ctx.int_val(0)) -
                      z3::ite(h_paid_downstream, route.amount[2], ctx.int_val(0));
  if (claim) {
    solver.add(payer_paid && !(change >= route.fee[2]));
  } else {
    solver.add(payer_paid && route.fee[2] >= 1);
  }
}

// `words`: the premise in words (Obligation::premise).
Obligation with_premise(Obligation obligation, std::function<void(z3::context&, z3::solver&)> premise, std::string words) {
  obligation.assert_premise = std::move(premise);
  obligation.premise = std::move(words);
  return obligation;
}

// What each lock op of the conservation obligations applies, as assert_conservation models it.
std::string conservation_op(const std::string& op) {
  if (op == "add_lock")
    return "a new lock of any amount >= 1 from either party's balance, at most that balance, into the free slot";
  if (op == "fulfill_lock") return "the pending lock paid to its receiver";
  if (op == "fail_lock") return "the pending lock paid back to its sender";
  if (op == "resolve_lock") return "the pending lock paid to its receiver (claimed) or back to its sender (refunded)";
  if (op == "cooperative_close") return "any closing split of non-negative balances summing to the capacity, with no lock";
  return "any co-signed state (non-negative balances, any locks) whose balances and locks sum to the capacity (CN-STATE-1)";
}

// A route validate_route accepts, as accepted_route models it, for k hops.
std::string accepted_route_words(unsigned k, Weakening weakening) {
  return "a " + std::to_string(k) +
         "-hop route validate_route accepts in a deployed network: unbounded integers, amounts >= 1, expiries >= 0, fees "
         ">= 0, each forwarder's cltv_delta " +
         (weakening == Weakening::equal_timelocks ? std::string(">= 0 (weakened)")
                                                   : std::string("> censorship_bound_blocks >= 1")) +
         ", amounts and expiries falling by at least the forwarder's fee and cltv_delta per hop";
}

// The claim rule CN-RESOLVE-3 / CN-FULFILL-2 in the weakened form, when it is.
std::string claim_rule_words(Weakening weakening) {
  return weakening == Weakening::claim_at_expiry ? "; a disclosure at or before a lock's expiry claims it (weakened)"
                                                  : "; a disclosure strictly before a lock's expiry claims it";
}

}  // namespace

std::vector<Obligation> obligations(Weakening weakening) {
  std::vector<Obligation> list;
  for (const std::string op : {"add_lock", "fulfill_lock", "fail_lock", "resolve_lock", "cooperative_close", "force_close"}) {
    list.push_back(with_premise(
        make_obligation(mechanism, "conservation", op, Kind::consecution,
                        "balances plus pending lock amounts equal the capacity after " + op + " when they did before",
                        [op](z3::context& ctx, z3::solver& solver) { assert_conservation(ctx, solver, op, true); }),
        [op](z3::context& ctx, z3::solver& solver) { assert_conservation(ctx, solver, op, false); },
        "a two-party channel with two lock slots whose balances (>= 0) plus pending lock amounts (>= 1) equal its "
        "capacity, unbounded integers, and " + op + " applied to it: " + conservation_op(op)));
  }
  list.push_back(with_premise(
      make_obligation(mechanism, "forwarders_keep_fee_and_time", "validate_route", Kind::consecution,
                      "on a route validate_route accepts in a deployed network, every forwarder receives at least its fee "
                      "more than it forwards and its incoming lock outlives its outgoing one by more than "
                      "censorship_bound_blocks",
                      [weakening](z3::context& ctx, z3::solver& solver) { assert_route(ctx, solver, weakening, true); }),
      [weakening](z3::context& ctx, z3::solver& solver) { assert_route(ctx, solver, weakening, false); },
      "every " + accepted_route_words(3, weakening)));
  list.push_back(with_premise(
      make_obligation(mechanism, "refund_is_final", "resolve_lock", Kind::safety,
                      "a revelation that lands after a lock's refund (same block or later) never counts as its claim",
                      [weakening](z3::context& ctx, z3::solver& solver) { assert_refund_final(ctx, solver, weakening, true); }),
      [weakening](z3::context& ctx, z3::solver& solver) { assert_refund_final(ctx, solver, weakening, false); },
      "a lock of any expiry x >= 0, its refund at any height f >= x, and a revelation at any height r >= f (unbounded "
      "integers)" + claim_rule_words(weakening)));
  list.push_back(with_premise(
      make_obligation(mechanism, "honest_intermediary_never_loses", "route", Kind::bmc,
                      "an intermediary that reveals upstream as soon as it learns the downstream secret, censored up to "
                      "censorship_bound_blocks, never ends below its starting balance, and at least its fee up when its "
                      "downstream lock was claimed, whatever the others disclose, fulfill, fail or reveal, and when",
                      [weakening](z3::context& ctx, z3::solver& solver) { assert_honest_intermediary(ctx, solver, weakening, true); }),
      [weakening](z3::context& ctx, z3::solver& solver) { assert_honest_intermediary(ctx, solver, weakening, false); },
      "the honest node's two locks on " + accepted_route_words(2, weakening) +
          "; the downstream secret disclosed to it at any height >= 0 or never; it discloses upstream when that height "
          "plus censorship_bound_blocks is below its upstream expiry, landing anywhere in that bound; anyone else may "
          "disclose the upstream secret at any height" + claim_rule_words(weakening)));
  for (const bool hash_lock : {true, false}) {
    for (const unsigned k : {2u, 3u}) {
      const std::string kind = hash_lock ? "htlc" : "ptlc";
      list.push_back(with_premise(
          make_obligation(mechanism, "atomicity_" + kind + "_" + std::to_string(k) + "_hops", "route", Kind::bmc,
                          "on a " + std::to_string(k) + "-hop " + kind +
                              " payment with honest intermediaries and an adversarial payee, a claimed lock's upstream "
                              "lock is claimed too, so the payee's claim means every lock is claimed",
                          [k, hash_lock, weakening](z3::context& ctx, z3::solver& solver) {
                            assert_atomicity(ctx, solver, k, hash_lock, weakening, true);
                          }),
          [k, hash_lock, weakening](z3::context& ctx, z3::solver& solver) {
            assert_atomicity(ctx, solver, k, hash_lock, weakening, false);
          },
          accepted_route_words(k, weakening) +
              ", payer and intermediaries honest (each discloses upstream when it learns in time, censored up to "
              "censorship_bound_blocks), the payee discloses to the last hop at any height or never" +
              (hash_lock ? std::string(" and may reveal the preimage on chain at any height, to every hop at once")
                         : std::string()) +
              claim_rule_words(weakening)));
    }
  }
  list.push_back(with_premise(
      make_obligation(mechanism, "ptlc_no_wormhole", "route", Kind::bmc,
                      "on a 3-hop PTLC payment P -> A -> H -> B with A and B colluding, the payer's lock is claimed only "
                      "if the honest H ends at least its fee up",
                      [weakening](z3::context& ctx, z3::solver& solver) { assert_wormhole(ctx, solver, weakening, true); }),
      [weakening](z3::context& ctx, z3::solver& solver) { assert_wormhole(ctx, solver, weakening, false); },
      "P -> A -> H -> B on " + accepted_route_words(3, weakening) +
          ", P and H honest, A and B colluding: B discloses t_2 to H at any height or never, H discloses upstream as the "
          "honest strategy says, and the coalition learns t_1 " +
          (weakening == Weakening::ptlc_same_point ? std::string("from the start (one point on every hop, weakened)")
                                                   : std::string("only from H")) +
          ", then may reveal it on chain or claim the payer's lock at any later height" + claim_rule_words(weakening)));
  return list;
}

ModelEntry registry_entry() {
  return model_entry("channel_network", all_weakenings, weakening_name, parse_weakening, obligations);
}

}  // namespace l2::inv::channel_network
