// Z3 model of the DEX channel (spec: dex_channel.md#the-z3-model).
//
// Every u64 (reserves, balances, shares, amounts, prices, lots, ids, turns) is an integer bounded to
// 0..2^64-1, as in state_channel_model.cpp: the reference computes every product of two u64 exactly
// (in 128 or 192 bits) and checks or bounds every sum (DX-ADD-3, DX-PLACE-2, DX-STATE-5), so within
// the states validate_state accepts its arithmetic is the integers'. Each floor(n / d) is a fresh q
// with q·d <= n < (q + 1)·d, and isqrt(m) a fresh r with r·r <= m < (r + 1)·(r + 1): the
// definitions of the reference's mul_div_wide, checked_mul_div and isqrt.
//
// The pool: one swap, deposit or burn by the mover on a state that passed validate_state, with the
// reference's checks in its order and its formulas. A swap is direction-free: the input token's
// reserve is x and the output's y, and the mover's balances of the two are bal_in and bal_out (the
// two directions of apply_swap_exact_in are this with A and B exchanged). The participants' shares
// other than the mover's are one sum, `others`, which is all DX-STATE-3 says of them.
//
// The book: one fill of apply_match's loop on a book of `book_slots` orders in increasing id (the
// DX-STATE-4 order), each slot present or not, owned by one of two participants. best_order is the
// reference's fold over the slots; a fill trades min(bid lots, ask lots) at the earlier order's
// price, pays the buyer lot_b B per lot and its bid's price improvement, pays the seller the price,
// and removes an order whose lots reach 0. Each slot carries a ghost `filled`, the lots it has
// traded so far, so that "never beyond its amount" is the invariant filled + lots = amount.
#include "l2/inv/dex_channel_model.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "l2/ref/dex_channel.hpp"

namespace l2::inv::dex_channel {

std::string_view weakening_name(Weakening weakening) {
  switch (weakening) {
    case Weakening::none: return "none";
    case Weakening::fee_dropped_from_k: return "fee_dropped_from_k";
    case Weakening::min_out_unchecked: return "min_out_unchecked";
    case Weakening::deadline_unchecked: return "deadline_unchecked";
    case Weakening::mint_rounds_up: return "mint_rounds_up";
    case Weakening::fill_the_bid: return "fill_the_bid";
    case Weakening::later_order_first: return "later_order_first";
  }
  return "unknown";
}

std::optional<Weakening> parse_weakening(std::string_view name) {
  return parse_weakening_name(name, all_weakenings, weakening_name);
}

namespace {

using z3::expr;
namespace dx = ref::dex_channel;

const std::string mechanism = "dex_channel";
constexpr std::uint64_t u64_max = ~std::uint64_t{0};
constexpr unsigned book_slots = 3;

expr num(z3::context& ctx, std::uint64_t value) { return ctx.int_val(value); }

expr u64_var(z3::context& ctx, z3::solver& solver, const std::string& name) {
  const expr v = ctx.int_const(name.c_str());
  solver.add(v >= 0 && v <= num(ctx, u64_max));
  return v;
}

// floor(n / d) for n >= 0 and d >= 1: the q with q·d <= n < (q + 1)·d.
expr floor_div(z3::context& ctx, z3::solver& solver, const expr& n, const expr& d, const std::string& name) {
  const expr q = ctx.int_const(name.c_str());
  solver.add(q >= 0 && q * d <= n && n < (q + 1) * d);
  return q;
}

// d when d >= 1, else 1: a divisor the reference never uses when it is 0 (its check fails first).
expr nonzero(z3::context& ctx, const expr& d) { return z3::ite(d >= 1, d, num(ctx, 1)); }

// ---- The pool ----

// The pool and the mover's position before an operation, with what validate_state says of them:
// fee_bps < 10000 (DX-STATE-1); the pool empty, or funded with the shares held plus the 1000
// locked summing to total_shares (DX-STATE-3); per token, balances and reserve within u64
// (DX-STATE-5, of the two positions it names).
struct Pool {
  expr fee, x, y, shares, mine, others;  // x, y: reserves (of A and B, or in and out); shares: total_shares
  expr funded() const { return shares >= 1; }
};

Pool fresh_pool(z3::context& ctx, z3::solver& solver) {
  Pool p{u64_var(ctx, solver, "pre.fee_bps"), u64_var(ctx, solver, "pre.reserve_x"), u64_var(ctx, solver, "pre.reserve_y"),
         u64_var(ctx, solver, "pre.total_shares"), u64_var(ctx, solver, "pre.mover.shares"), u64_var(ctx, solver, "pre.others.shares")};
  solver.add(p.fee < num(ctx, dx::bps_denominator));
  const expr empty = p.x == 0 && p.y == 0 && p.shares == 0 && p.mine == 0 && p.others == 0;
  const expr funded = p.x >= 1 && p.y >= 1 && p.mine + p.others + num(ctx, dx::minimum_liquidity) == p.shares;
  solver.add(empty || funded);
  return p;
}

struct Swap {
  Pool pool;
  expr in, min_out, turn, valid_until, bal_in, bal_out, out, accepted, x2, y2;
};

// apply_swap_exact_in, DX-SWAP-1 to DX-SWAP-6 in order.
Swap swap(z3::context& ctx, z3::solver& solver, Weakening w) {
  const Pool p = fresh_pool(ctx, solver);
  const expr in = u64_var(ctx, solver, "in.amount_in"), min_out = u64_var(ctx, solver, "in.min_out");
  const expr turn = u64_var(ctx, solver, "env.turn"), valid_until = u64_var(ctx, solver, "in.valid_until_turn");
  const expr bal_in = u64_var(ctx, solver, "pre.mover.balance_in"), bal_out = u64_var(ctx, solver, "pre.mover.balance_out");
  solver.add(bal_in + p.x <= num(ctx, u64_max) && bal_out + p.y <= num(ctx, u64_max));
  const expr f = num(ctx, dx::bps_denominator) - p.fee;
  expr out = ctx.int_const("post.amount_out");
  if (w == Weakening::fee_dropped_from_k) {
    // Any output the fee-less check (x + in)·(y - out) >= x·y lets through.
    solver.add(out >= 0 && out <= p.y && (p.x + in) * (p.y - out) >= p.x * p.y);
  } else {
    out = floor_div(ctx, solver, in * f * p.y, nonzero(ctx, p.x * num(ctx, dx::bps_denominator) + in * f), "post.amount_out");
  }
  const expr accepted = (w == Weakening::deadline_unchecked || turn <= valid_until) && in >= 1 && p.funded() &&
                        bal_in >= in && out >= 1 && (w == Weakening::min_out_unchecked || out >= min_out);
  return {p, in, min_out, turn, valid_until, bal_in, bal_out, out, accepted, p.x + in, p.y - out};
}

struct Deposit {
  Pool pool;
  expr amount_a, amount_b, use_a, use_b, minted, min_shares, accepted, x2, y2, shares2;
};

// apply_add_liquidity on a funded pool (the first deposit has no share value to keep): the quote,
// then min(by_a, by_b), DX-ADD-1 to DX-ADD-5 in order. x, y are reserve_a, reserve_b.
Deposit deposit(z3::context& ctx, z3::solver& solver, Weakening w) {
  const Pool p = fresh_pool(ctx, solver);
  solver.add(p.funded());
  const expr a = u64_var(ctx, solver, "in.amount_a"), b = u64_var(ctx, solver, "in.amount_b");
  const expr min_shares = u64_var(ctx, solver, "in.min_shares");
  const expr bal_a = u64_var(ctx, solver, "pre.mover.balance_a"), bal_b = u64_var(ctx, solver, "pre.mover.balance_b");
  solver.add(bal_a + p.x <= num(ctx, u64_max) && bal_b + p.y <= num(ctx, u64_max));
  const expr b_optimal = floor_div(ctx, solver, a * p.y, p.x, "post.b_optimal");
  const expr a_optimal = floor_div(ctx, solver, b * p.x, p.y, "post.a_optimal");
  const expr quote_b = b_optimal <= b;  // within u64 whenever it is <= amount_b
  const expr use_a = z3::ite(quote_b, a, a_optimal), use_b = z3::ite(quote_b, b_optimal, b);
  const auto pro_rata = [&](const expr& amount, const expr& reserve, const std::string& name) {
    const expr q = floor_div(ctx, solver, amount * p.shares, reserve, name);
    if (w != Weakening::mint_rounds_up) return q;
    return z3::ite(q * reserve == amount * p.shares, q, q + 1);  // the ceiling
  };
  const expr by_a = pro_rata(use_a, p.x, "post.shares_by_a"), by_b = pro_rata(use_b, p.y, "post.shares_by_b");
  const expr minted = z3::ite(by_a < by_b, by_a, by_b);
  const expr accepted = a >= 1 && b >= 1 && bal_a >= a && bal_b >= b && minted <= num(ctx, u64_max) &&
                        p.shares + minted <= num(ctx, u64_max) && minted >= 1 && minted >= min_shares;
  return {p, a, b, use_a, use_b, minted, min_shares, accepted, p.x + use_a, p.y + use_b, p.shares + minted};
}

struct Burn {
  Pool pool;
  expr shares, min_a, min_b, out_a, out_b, accepted, x2, y2, shares2;
};

// apply_remove_liquidity, DX-REM-1 to DX-REM-4 in order.
Burn burn(z3::context& ctx, z3::solver& solver) {
  const Pool p = fresh_pool(ctx, solver);
  const expr s = u64_var(ctx, solver, "in.shares"), min_a = u64_var(ctx, solver, "in.min_a"), min_b = u64_var(ctx, solver, "in.min_b");
  const expr out_a = floor_div(ctx, solver, s * p.x, nonzero(ctx, p.shares), "post.out_a");
  const expr out_b = floor_div(ctx, solver, s * p.y, nonzero(ctx, p.shares), "post.out_b");
  const expr accepted = s >= 1 && p.mine >= s && out_a >= 1 && out_b >= 1 && out_a >= min_a && out_b >= min_b;
  return {p, s, min_a, min_b, out_a, out_b, accepted, p.x - out_a, p.y - out_b, p.shares - s};
}

// ---- The book ----

struct Slot {
  expr present, buy, id, price, lots, owner, filled;  // filled: the ghost, lots traded so far
};

struct Book {
  std::vector<Slot> slots;
  std::vector<expr> balance_a, balance_b;  // of participants 0 and 1
  expr lot_b;
};

// A book as validate_state leaves it: ids increasing, price and lots >= 1 for a present order, owners
// 0 or 1 (DX-STATE-4). The book's claims need no bound on locks or totals (DX-STATE-4's lock bound,
// DX-STATE-5), so the model leaves them out: fewer premises make the claims stronger, and they
// would be the only nonlinear constraints of the no-overfill and priority claims.
Book fresh_book(z3::context& ctx, z3::solver& solver, const std::string& p) {
  Book book{{}, {}, {}, u64_var(ctx, solver, p + "lot_b")};
  solver.add(book.lot_b >= 1);
  for (unsigned i = 0; i < book_slots; ++i) {
    const std::string s = p + "order" + std::to_string(i) + ".";
    Slot slot{ctx.bool_const((s + "present").c_str()), ctx.bool_const((s + "buy").c_str()), u64_var(ctx, solver, s + "id"),
              u64_var(ctx, solver, s + "price"),       u64_var(ctx, solver, s + "lots"),     u64_var(ctx, solver, s + "owner"),
              u64_var(ctx, solver, s + "filled")};
    solver.add(z3::implies(slot.present, slot.price >= 1 && slot.lots >= 1 && slot.owner <= 1));
    if (i > 0) solver.add(book.slots.back().id < slot.id);
    book.slots.push_back(slot);
  }
  for (unsigned k = 0; k < 2; ++k) {
    book.balance_a.push_back(u64_var(ctx, solver, p + "p" + std::to_string(k) + ".balance_a"));
    book.balance_b.push_back(u64_var(ctx, solver, p + "p" + std::to_string(k) + ".balance_b"));
  }
  return book;
}

expr total_a(z3::context& ctx, const Book& book) {
  expr sum = book.balance_a[0] + book.balance_a[1];
  for (const Slot& s : book.slots) sum = sum + z3::ite(s.present && s.buy, s.lots * s.price, num(ctx, 0));
  return sum;
}

expr total_b(z3::context& ctx, const Book& book) {
  expr sum = book.balance_b[0] + book.balance_b[1];
  for (const Slot& s : book.slots) sum = sum + z3::ite(s.present && !s.buy, s.lots * book.lot_b, num(ctx, 0));
  return sum;
}

// best_order: the index of the best present order of a side (-1 when none), the reference's fold.
expr best_order(z3::context& ctx, const Book& book, bool buy, Weakening w) {
  expr best = ctx.int_val(-1);
  expr best_price = num(ctx, 0);
  for (unsigned i = 0; i < book.slots.size(); ++i) {
    const Slot& s = book.slots[i];
    const expr side = buy ? s.buy : !s.buy;
    const expr beats = w == Weakening::later_order_first ? (buy ? s.price >= best_price : s.price <= best_price)
                                                         : (buy ? s.price > best_price : s.price < best_price);
    const expr take = s.present && side && (best == -1 || beats);
    best = z3::ite(take, ctx.int_val(static_cast<int>(i)), best);
    best_price = z3::ite(take, s.price, best_price);
  }
  return best;
}

expr at(const Book& book, const expr& index, const std::function<expr(const Slot&)>& field) {
  expr out = field(book.slots.back());
  for (unsigned i = book.slots.size() - 1; i-- > 0;) out = z3::ite(index == static_cast<int>(i), field(book.slots[i]), out);
  return out;
}

struct Fill {
  Book before, after;
  expr bid, ask, crosses, lots, price;
};

// One iteration of apply_match's loop, when the book crosses.
Fill fill(z3::context& ctx, z3::solver& solver, Weakening w) {
  const Book b = fresh_book(ctx, solver, "pre.");
  const expr bid = best_order(ctx, b, true, w), ask = best_order(ctx, b, false, w);
  const auto price_of = [](const Slot& s) { return s.price; };
  const auto lots_of = [](const Slot& s) { return s.lots; };
  const auto id_of = [](const Slot& s) { return s.id; };
  const auto owner_of = [](const Slot& s) { return s.owner; };
  const expr bid_price = at(b, bid, price_of), ask_price = at(b, ask, price_of);
  const expr bid_lots = at(b, bid, lots_of), ask_lots = at(b, ask, lots_of);
  const expr crosses = bid != -1 && ask != -1 && bid_price >= ask_price;
  const expr lots = w == Weakening::fill_the_bid ? bid_lots : z3::ite(bid_lots < ask_lots, bid_lots, ask_lots);
  const expr price = z3::ite(at(b, bid, id_of) < at(b, ask, id_of), bid_price, ask_price);
  const expr buyer = at(b, bid, owner_of), seller = at(b, ask, owner_of);

  Book a{{}, {}, {}, b.lot_b};
  for (unsigned i = 0; i < b.slots.size(); ++i) {
    const Slot& s = b.slots[i];
    const expr traded = z3::ite(bid == static_cast<int>(i) || ask == static_cast<int>(i), lots, num(ctx, 0));
    const expr left = s.lots - traded;
    a.slots.push_back(Slot{s.present && left != 0, s.buy, s.id, s.price, left, s.owner, s.filled + traded});
  }
  for (unsigned k = 0; k < 2; ++k) {
    const expr is_buyer = buyer == static_cast<int>(k), is_seller = seller == static_cast<int>(k);
    a.balance_a.push_back(b.balance_a[k] + z3::ite(is_buyer, lots * (bid_price - price), num(ctx, 0)) +
                          z3::ite(is_seller, lots * price, num(ctx, 0)));
    a.balance_b.push_back(b.balance_b[k] + z3::ite(is_buyer, lots * b.lot_b, num(ctx, 0)));
  }
  return {b, a, bid, ask, crosses, lots, price};
}

// ---- Obligations ----

using Assertion = ClaimAssertion;

Obligation obligation(const std::string& invariant, const std::string& transition, Kind kind, const std::string& statement,
                      const Assertion& assertion) {
  return make_claim_obligation(mechanism, invariant, transition, kind, statement, assertion);
}

}  // namespace

std::vector<Obligation> obligations(Weakening w) {
  std::vector<Obligation> list;
  const std::string bps = std::to_string(dx::bps_denominator);
  // The premises in words: the pool and the book as validate_state leaves them (fresh_pool, fresh_book).
  const std::string weakened = weakened_rule_note(weakening_name(w));
  const std::string u64s = "; u64 values as integers in 0..2^64-1";
  const std::string pool = "fee_bps < " + bps + ", empty or funded (both reserves >= 1, the shares held plus the " +
                           std::to_string(dx::minimum_liquidity) +
                           " locked summing to total_shares)";
  const auto swap_words = [&](const std::string& extra) {
    return "any pool with " + pool +
           ", and any swap_exact_in of either direction the reference accepts: any amount_in, min_out, turn, "
           "valid_until_turn and mover balances (each plus its token's reserve within u64)" + extra + u64s + weakened;
  };
  const auto deposit_words = [&](const std::string& extra) {
    return "any funded pool with " + pool + ", and any add_liquidity the reference accepts: any amounts, min_shares and "
           "mover balances (each plus its token's reserve within u64)" + extra + u64s + weakened;
  };
  const auto burn_words = [&](const std::string& extra) {
    return "any pool with " + pool + ", and any remove_liquidity the reference accepts: any shares, min_a and min_b" + extra +
           u64s;
  };
  const auto fill_words = [&](const std::string& extra) {
    return "a book of " + std::to_string(book_slots) +
           " order slots in increasing id (each present order with price and lots >= 1, owned by participant 0 or 1, any "
           "lots traded so far), any balances of the two participants and any lot_b >= 1; one fill of apply_match's loop "
           "on it while the best bid's price is at least the best ask's" + extra + u64s + weakened;
  };

  list.push_back(obligation(
      "k_non_decreasing", "swap_exact_in", Kind::safety,
      "an accepted swap never lowers reserve_a · reserve_b",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        const Swap s = swap(ctx, solver, w);
        assert_claim(solver, claim, s.accepted && s.pool.fee >= 1, s.x2 * s.y2 >= s.pool.x * s.pool.y);
      }));
  list.back().premise = swap_words(", with fee_bps >= 1");
  list.push_back(obligation(
      "k_with_fee", "swap_exact_in", Kind::safety,
      "an accepted swap passes Uniswap v2's fee-weighted check: (" + bps + "·x' - fee_bps·amount_in)·y' >= " + bps +
          "·x·y, with x the input token's reserve and y the output's",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        const Swap s = swap(ctx, solver, w);
        assert_claim(solver, claim, s.accepted && s.pool.fee >= 1,
                     (num(ctx, dx::bps_denominator) * s.x2 - s.pool.fee * s.in) * s.y2 >=
                         num(ctx, dx::bps_denominator) * s.pool.x * s.pool.y);
      }));
  list.back().premise = swap_words(", with fee_bps >= 1");
  list.push_back(obligation(
      "swap_within_bounds", "swap_exact_in", Kind::safety,
      "an accepted swap pays out at least 1 and at least min_out, at a turn <= valid_until_turn, from a balance "
      "that covers amount_in",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        const Swap s = swap(ctx, solver, w);
        assert_claim(solver, claim, s.accepted && s.min_out >= 1,
                     s.out >= 1 && s.out >= s.min_out && s.turn <= s.valid_until && s.bal_in >= s.in);
      }));
  list.back().premise = swap_words(", with min_out >= 1");
  list.push_back(obligation(
      "reserve_never_drained", "swap_exact_in", Kind::safety,
      "an accepted swap leaves at least 1 of the output token in the pool (get_amount_out < reserve_out)",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        const Swap s = swap(ctx, solver, w);
        assert_claim(solver, claim, s.accepted, s.y2 >= 1);
      }));
  list.back().premise = swap_words("");
  list.push_back(obligation(
      "share_value_non_decreasing", "add_liquidity", Kind::safety,
      "a deposit into a funded pool never lowers either reserve per share: reserve'·total_shares >= "
      "reserve·total_shares', for A and for B",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        const Deposit d = deposit(ctx, solver, w);
        assert_claim(solver, claim, d.accepted,
                     d.x2 * d.pool.shares >= d.pool.x * d.shares2 && d.y2 * d.pool.shares >= d.pool.y * d.shares2);
      }));
  list.back().premise = deposit_words("");
  list.push_back(obligation(
      "deposit_within_bounds", "add_liquidity", Kind::safety,
      "an accepted deposit into a funded pool takes at most amount_a of A and amount_b of B and mints at least "
      "min_shares and at least 1 share",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        const Deposit d = deposit(ctx, solver, w);
        assert_claim(solver, claim, d.accepted && d.min_shares >= 1,
                     d.use_a <= d.amount_a && d.use_b <= d.amount_b && d.minted >= d.min_shares && d.minted >= 1);
      }));
  list.back().premise = deposit_words(", with min_shares >= 1");
  list.push_back(obligation(
      "share_value_non_decreasing", "remove_liquidity", Kind::safety,
      "a burn never lowers either reserve per share: reserve'·total_shares >= reserve·total_shares', for A and for B",
      [](z3::context& ctx, z3::solver& solver, bool claim) {
        const Burn b = burn(ctx, solver);
        assert_claim(solver, claim, b.accepted,
                     b.x2 * b.pool.shares >= b.pool.x * b.shares2 && b.y2 * b.pool.shares >= b.pool.y * b.shares2);
      }));
  list.back().premise = burn_words("");
  list.push_back(obligation(
      "reserve_never_drained", "remove_liquidity", Kind::safety,
      "an accepted burn pays at least min_a and min_b and leaves at least 1 of each token and the 1000 locked "
      "shares in the pool",
      [](z3::context& ctx, z3::solver& solver, bool claim) {
        const Burn b = burn(ctx, solver);
        assert_claim(solver, claim, b.accepted && b.min_a >= 1,
                     b.out_a >= b.min_a && b.out_b >= b.min_b && b.x2 >= 1 && b.y2 >= 1 &&
                         b.shares2 >= num(ctx, dx::minimum_liquidity));
      }));
  list.back().premise = burn_words(", with min_a >= 1");

  const auto book_invariant = [](z3::context& ctx, const Book& book, const std::vector<expr>& amounts) {
    expr holds = ctx.bool_val(true);
    for (unsigned i = 0; i < book.slots.size(); ++i) {
      const Slot& s = book.slots[i];
      holds = holds && s.filled + s.lots == amounts[i] && s.lots >= 0 && z3::implies(s.present, s.lots >= 1);
    }
    return holds;
  };
  list.push_back(obligation(
      "no_overfill", "match_fill", Kind::consecution,
      "a fill of match trades at most the remaining lots of both orders: each order's traded lots plus its lots "
      "left stay its placed amount, and an order left in the book has at least 1 lot",
      [w, book_invariant](z3::context& ctx, z3::solver& solver, bool claim) {
        const Fill f = fill(ctx, solver, w);
        std::vector<expr> amounts;
        for (const Slot& s : f.before.slots) amounts.push_back(s.filled + s.lots);
        assert_claim(solver, claim, f.crosses && f.lots >= 1, book_invariant(ctx, f.after, amounts));
      }));
  list.back().premise = fill_words(", trading at least 1 lot");
  list.push_back(obligation(
      "price_time_priority", "match_fill", Kind::safety,
      "a fill of match takes the bid of the highest price and the ask of the lowest, the earliest order among "
      "equal prices",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        const Fill f = fill(ctx, solver, w);
        const auto field = [](auto member) { return [member](const Slot& s) { return s.*member; }; };
        const expr bid_price = at(f.before, f.bid, field(&Slot::price)), bid_id = at(f.before, f.bid, field(&Slot::id));
        const expr ask_price = at(f.before, f.ask, field(&Slot::price)), ask_id = at(f.before, f.ask, field(&Slot::id));
        expr holds = ctx.bool_val(true);
        for (const Slot& s : f.before.slots) {
          holds = holds && z3::implies(s.present && s.buy, s.price < bid_price || (s.price == bid_price && s.id >= bid_id));
          holds = holds && z3::implies(s.present && !s.buy, s.price > ask_price || (s.price == ask_price && s.id >= ask_id));
        }
        assert_claim(solver, claim, f.crosses, holds);
      }));
  list.back().premise = fill_words("");
  list.push_back(obligation(
      "fill_within_limits", "match_fill", Kind::safety,
      "a fill of match trades at a price per lot at least the ask's and at most the bid's",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        const Fill f = fill(ctx, solver, w);
        const auto price_of = [](const Slot& s) { return s.price; };
        assert_claim(solver, claim, f.crosses,
                     at(f.before, f.ask, price_of) <= f.price && f.price <= at(f.before, f.bid, price_of));
      }));
  list.back().premise = fill_words("");
  list.push_back(obligation(
      "fill_conserves", "match_fill", Kind::consecution,
      "a fill of match keeps the total of A (balances and buy locks) and the total of B (balances and sell locks)",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        const Fill f = fill(ctx, solver, w);
        assert_claim(solver, claim, f.crosses,
                     total_a(ctx, f.after) == total_a(ctx, f.before) && total_b(ctx, f.after) == total_b(ctx, f.before));
      }));
  list.back().premise = fill_words("");
  return list;
}

ModelEntry registry_entry() {
  return model_entry("dex_channel", all_weakenings, weakening_name, parse_weakening, obligations);
}

}  // namespace l2::inv::dex_channel
