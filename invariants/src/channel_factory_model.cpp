// Z3 model of the channel factory's allocation (spec: channel_factory.md, the factory
// conservation invariant). An allocation of n sub-channels, for each n up to max_templates, is
// encoded as the reference checks it: the per-template balance checks [PCF-SUB-3, PCF-SUB-4],
// sub-channel ids fresh against the registered channels and the earlier templates [PCF-SUB-8],
// and the running checked sum fee + capacities with its early exit on overflow [PCF-ALLOC-3], then
// the exact comparison with the deposit [PCF-ALLOC-4, PCF-ALLOC-5]. The remaining checks
// (membership, capacity bounds, per-user limit, signatures) only reject, so they are free Booleans:
// the claims hold whatever they answer. Sub-channel ids are an uninterpreted function of (factory,
// participants, nonce), injective by ground inverse instances (collision resistance).
#include <string>

#include "l2/inv/obligation.hpp"

namespace l2::inv {
namespace {

using z3::expr;

constexpr unsigned max_templates = 4;


expr u64max(z3::context& ctx) { return ctx.bv_val(static_cast<std::uint64_t>(-1), 64); }
expr overflows(z3::context& ctx, const expr& a, const expr& b) { return z3::ugt(a, u64max(ctx) - b); }  // [CHK-ADD-1]

struct Allocation {
  expr deposit, fee, allocated;
  std::vector<expr> capacity, balance0, balance1, id, other_checks_pass;
  expr accepted;
};

// An allocation of n templates against a factory, with the acceptance condition of apply_allocate.
// Without `ids`, the freshness check [PCF-SUB-8] is a free Boolean like the other rejecting checks:
// the conservation claims do not depend on it, and bit-blasting the 256-bit id function would
// dominate their cost.
Allocation allocation(z3::context& ctx, z3::solver& solver, unsigned n, bool ids) {
  Allocation a{ctx.bv_const("factory.deposited_amount", 64), ctx.bv_const("factory.fee", 64),
               ctx.bool_const("factory.allocated"), {}, {}, {}, {}, {}, ctx.bool_val(true)};
  const z3::sort bv64 = ctx.bv_sort(64), bv256 = ctx.bv_sort(256);
  z3::sort_vector domain(ctx);
  for (const z3::sort& s : {bv256, bv256, bv256, bv64}) domain.push_back(s);
  const z3::func_decl sub_channel_id = ctx.function("sub_channel_id", domain, bv256);
  const z3::func_decl registered = ctx.function("registered", bv256, ctx.bool_sort());  // ids already in the adjudicator
  const expr factory = ctx.bv_const("factory.factory_id", 256);
  const std::array<std::string, 4> inverse_names{"id_factory", "id_participant0", "id_participant1", "id_nonce"};
  const std::array<z3::sort, 4> parts{bv256, bv256, bv256, bv64};

  expr accepted = !a.allocated;  // [PCF-ALLOC-1]
  expr total = a.fee;            // allocation_total's running sum
  expr total_overflow = ctx.bool_val(false);
  for (unsigned i = 0; i < n; ++i) {
    const std::string p = "template" + std::to_string(i) + ".";
    a.capacity.push_back(ctx.bv_const((p + "total_capacity").c_str(), 64));
    a.balance0.push_back(ctx.bv_const((p + "balance0").c_str(), 64));
    a.balance1.push_back(ctx.bv_const((p + "balance1").c_str(), 64));
    a.other_checks_pass.push_back(ctx.bool_const((p + "other_checks_pass").c_str()));
    // [PCF-SUB-3] no overflow, [PCF-SUB-4] exact sum, [PCF-SUB-8] a fresh id
    expr fresh = ctx.bool_const((p + "fresh").c_str());
    if (ids) {
      const std::array<expr, 4> key{factory, ctx.bv_const((p + "participant0").c_str(), 256),
                                    ctx.bv_const((p + "participant1").c_str(), 256), ctx.bv_const((p + "nonce").c_str(), 64)};
      z3::expr_vector args(ctx);
      for (const expr& e : key) args.push_back(e);
      const expr id = sub_channel_id(args);
      for (std::size_t k = 0; k < key.size(); ++k)
        solver.add(ctx.function(inverse_names[k].c_str(), bv256, parts[k])(id) == key[k]);
      fresh = !registered(id);
      for (const expr& earlier : a.id) fresh = fresh && id != earlier;
      a.id.push_back(id);
    }
    accepted = accepted && !overflows(ctx, a.balance0[i], a.balance1[i]) &&
               a.balance0[i] + a.balance1[i] == a.capacity[i] && fresh && a.other_checks_pass[i];
    // allocation_total: total = checked_add(total, capacity), returning at the first overflow
    total_overflow = total_overflow || overflows(ctx, total, a.capacity[i]);
    total = z3::ite(total_overflow, total, total + a.capacity[i]);
  }
  accepted = accepted && !total_overflow;  // [PCF-ALLOC-3]
  accepted = accepted && !z3::ugt(total, a.deposit) && !z3::ult(total, a.deposit);  // [PCF-ALLOC-4, PCF-ALLOC-5]
  accepted = accepted && ctx.bool_const("signatures_valid");  // [PCF-SIG-1, PCF-SIG-2]
  a.accepted = accepted;
  return a;
}

}  // namespace

std::vector<Obligation> channel_factory_obligations() {
  std::vector<Obligation> list;
  for (unsigned n = 1; n <= max_templates; ++n) {
    list.push_back(make_obligation("channel_factory", "factory_conservation", "allocate_" + std::to_string(n), Kind::consecution,
                        "an accepted allocation of " + std::to_string(n) +
                            " sub-channel(s) has fee + sum(total_capacity) == deposited_amount exactly (no wrap), "
                            "and each sub-channel's balances sum exactly to its capacity",
                        [n](z3::context& ctx, z3::solver& solver) {
                          const Allocation a = allocation(ctx, solver, n, false);
                          // Exact arithmetic: 64 + 3 bits hold the sum of up to 5 u64 values.
                          expr exact = z3::zext(a.fee, 3);
                          expr subs_conserved = ctx.bool_val(true);
                          for (unsigned i = 0; i < n; ++i) {
                            exact = exact + z3::zext(a.capacity[i], 3);
                            subs_conserved = subs_conserved && z3::zext(a.balance0[i], 1) + z3::zext(a.balance1[i], 1) ==
                                                                   z3::zext(a.capacity[i], 1);
                          }
                          solver.add(a.accepted);
                          solver.add(!(exact == z3::zext(a.deposit, 3) && subs_conserved));
                        }));
    list.push_back(make_obligation("channel_factory", "funded_once", "allocate_" + std::to_string(n), Kind::consecution,
                        "an accepted allocation of " + std::to_string(n) +
                            " sub-channel(s) creates pairwise distinct sub-channels, none already registered, and "
                            "only on a factory that had not allocated",
                        [n](z3::context& ctx, z3::solver& solver) {
                          const Allocation a = allocation(ctx, solver, n, true);
                          const z3::func_decl registered = ctx.function("registered", ctx.bv_sort(256), ctx.bool_sort());
                          expr distinct = !a.allocated;
                          for (unsigned i = 0; i < n; ++i) {
                            distinct = distinct && !registered(a.id[i]);
                            for (unsigned j = 0; j < i; ++j) distinct = distinct && a.id[i] != a.id[j];
                          }
                          solver.add(a.accepted);
                          solver.add(!distinct);
                        }));
  }
  // Premises: an allocation of n sub-channels can be accepted at all (with the ids modelled).
  for (Obligation& o : list) {
    const unsigned n = static_cast<unsigned>(std::stoul(o.transition.substr(std::string("allocate_").size())));
    o.assert_premise = [n](z3::context& ctx, z3::solver& solver) { solver.add(allocation(ctx, solver, n, true).accepted); };
  }
  // A factory's fee never exceeds its deposit [PCF-REG-3], so some allocation can always balance it.
  list.push_back(make_obligation("channel_factory", "fee_within_deposit", "register_factory", Kind::initiation,
                      "a registered factory is unallocated and has fee <= deposited_amount, so deposited_amount - fee is "
                      "a non-negative amount some allocation can match exactly",
                      [](z3::context& ctx, z3::solver& solver) {
                        const expr deposit = ctx.bv_const("deposited_amount", 64), fee = ctx.bv_const("fee", 64);
                        const expr accepted = !z3::ugt(fee, deposit);  // the reference's check, negated [PCF-REG-3]
                        solver.add(accepted);
                        // An allocation of one sub-channel of capacity deposit - fee balances exactly.
                        const expr capacity = deposit - fee;
                        solver.add(!(z3::zext(fee, 1) + z3::zext(capacity, 1) == z3::zext(deposit, 1)));
                      }));
  list.back().assert_premise = [](z3::context& ctx, z3::solver& solver) {
    solver.add(!z3::ugt(ctx.bv_const("fee", 64), ctx.bv_const("deposited_amount", 64)));
  };
  return list;
}

}  // namespace l2::inv
