// Z3 model of the channel factory's allocation (spec: channel_factory.md, the factory
// conservation invariant). An allocation of n sub-channels, for each n up to max_templates, is
// encoded as the reference checks it: the per-template balance checks [PCF-SUB-3, PCF-SUB-4],
// sub-channel ids fresh against the registered channels and the earlier templates [PCF-SUB-8],
// and the running checked sum fee + capacities with its early exit on overflow [PCF-ALLOC-3], then
// the exact comparison with the deposit [PCF-ALLOC-4, PCF-ALLOC-5]. The remaining checks
// (membership, capacity bounds, signatures) only reject, so they are free Booleans: the claims hold
// whatever they answer. Sub-channel ids are an uninterpreted function of (factory, participants,
// nonce), injective by ground inverse instances (collision resistance).
//
// The adversarial obligations follow: honest_group_allocates and funder_recovers, and the
// counterexamples of their weakenings realised as concrete traces (the vectors layer renders them as cases).
#include "l2/inv/channel_factory_model.hpp"

#include <string>
#include <type_traits>
#include <variant>

#include "l2/ref/encoding.hpp"
#include "l2/ref/schnorr.hpp"

namespace l2::inv::channel_factory {
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

  // `factory.allocated` stands for !is_open: the deposit left already, into sub-channels or by refund.
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

std::vector<Obligation> conservation_obligations() {
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
    const bool ids = o.invariant == "funded_once";
    o.premise = "any factory (any u64 deposited_amount and fee, allocated or not) and any allocation of " +
                std::to_string(n) +
                " template(s), any capacities and balances, that apply_allocate accepts: PCF-ALLOC-1, each template's "
                "PCF-SUB-3 and PCF-SUB-4, the running checked sum of fee and capacities [PCF-ALLOC-3..5]; " +
                (ids ? "sub-channel ids an injective function of (factory, participants, nonce) checked fresh against any "
                       "set of registered ids and the earlier templates [PCF-SUB-8]; membership, capacity bounds and "
                       "signatures free verdicts"
                     : "id freshness, membership, capacity bounds and signatures free verdicts");
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
  list.back().premise = "any u64 deposited_amount and fee that PCF-REG-3 accepts (fee <= deposited_amount), and the "
                        "one-template allocation of capacity deposited_amount - fee";
  return list;
}


std::string_view weakening_name(Weakening weakening) {
  switch (weakening) {
    case Weakening::none: return "none";
    case Weakening::factory_id_ignores_deposit: return "factory_id_ignores_deposit";
    case Weakening::allocation_checks_quota: return "allocation_checks_quota";
  }
  return "unknown";
}

std::optional<Weakening> parse_weakening(std::string_view name) {
  return parse_weakening_name(name, all_weakenings, weakening_name);
}

// ---------------------------------------------------------------------------------------------
// The weakened rules, concretely: the reference with one rule as the earlier draft had it.

namespace {

// The draft's factory_id: chain, adjudicator, participants and nonce only.
struct DraftFactoryIdPreimage {
  BOOST_HANA_DEFINE_STRUCT(DraftFactoryIdPreimage, (u64, chain_id), (Hash32, adjudicator_id),
                           (std::vector<Hash32>, participants), (u64, nonce));
};

Hash32 draft_factory_id(const ref::channel_factory::FactoryRegistry& registry, const ref::channel_factory::RegisterFactoryInput& in) {
  return ref::tagged_hash(ref::channel_factory::id_tag, reflect::encode(DraftFactoryIdPreimage{
                                          registry.adjudicator.chain_id, registry.adjudicator.adjudicator_id,
                                          in.participants, in.nonce}));
}

Outcome outcome_of(const Result<ref::channel_factory::FactoryRegistry, FactoryError>& result) {
  if (result) return Outcome{result.value(), "", ""};
  const ErrorInfo info = error_info(result.error());
  return Outcome{std::nullopt, std::string(info.code), std::string(info.rule_id)};
}

}  // namespace

Outcome register_factory(const ref::channel_factory::FactoryRegistry& registry, const ref::channel_factory::RegisterFactoryInput& in, const ref::channel_factory::Env& env,
                         Weakening weakening) {
  const auto registered = ref::channel_factory::apply_register_factory(registry, in, env);
  if (weakening != Weakening::factory_id_ignores_deposit) return outcome_of(registered);
  // The same rules with the draft's id: PCF-REG-4 then refuses any factory with the same
  // participants and nonce, whatever its deposit, fee and funder.
  if (!registered && registered.error() != FactoryError::duplicate_factory) return outcome_of(registered);
  const Hash32 id = draft_factory_id(registry, in);
  for (const ref::channel_factory::ChannelFactory& factory : registry.factories)
    if (factory.factory_id == id) return outcome_of(FactoryError::duplicate_factory);
  if (!registered) return outcome_of(registered);
  ref::channel_factory::FactoryRegistry next = registered.value();
  next.factories.back().factory_id = id;
  return Outcome{next, "", ""};
}

Outcome allocate(const ref::channel_factory::FactoryRegistry& registry, const ref::channel_factory::AllocateInput& in, const ref::channel_factory::Env& env,
                 Weakening weakening) {
  if (weakening == Weakening::allocation_checks_quota) {
    // The draft's PCF-SUB-7, checked after PCF-SUB-6 of each template, with the draft's code: each
    // template's participants have fewer than max_channels_per_user live channels, counting the
    // templates before it.
    if (const auto index = ref::channel_factory::find_factory(registry, in.factory_id); index && registry.factories[*index].used_channels.empty()) {
      ref::payment_channel::Adjudicator adjudicator = registry.adjudicator;
      for (const ref::channel_factory::ChannelTemplate& channel : in.channels) {
        if (ref::channel_factory::check_template(adjudicator, registry.factories[*index], channel) != FactoryError::none) break;
        for (const Hash32& user : channel.participants)
          if (ref::payment_channel::live_channels_of(adjudicator, user) >= adjudicator.config.max_channels_per_user)
            return Outcome{std::nullopt, "PCF_SUB_TOO_MANY_CHANNELS", "PCF-SUB-7"};
        ref::payment_channel::PaymentChannel sub{};
        sub.channel_id = ref::channel_factory::sub_channel_id(in.factory_id, channel.participants, channel.nonce);
        sub.participants = channel.participants;
        sub.state = ref::payment_channel::ChannelState::active;
        adjudicator.channels.push_back(sub);
      }
    }
  }
  return outcome_of(ref::channel_factory::apply_allocate(registry, in, env));
}

// ---------------------------------------------------------------------------------------------
// Adversarial obligations.

namespace {

constexpr unsigned squatter_steps = 2;

// The registry slot of one factory id: what a registration under that id wrote.
struct Slot {
  expr exists, deposit, fee, funder, deadline, allocated, refunded;
};

Slot select(const expr& c, const Slot& a, const Slot& b) {
  return {z3::ite(c, a.exists, b.exists),     z3::ite(c, a.deposit, b.deposit),   z3::ite(c, a.fee, b.fee),
          z3::ite(c, a.funder, b.funder),     z3::ite(c, a.deadline, b.deadline), z3::ite(c, a.allocated, b.allocated),
          z3::ite(c, a.refunded, b.refunded)};
}

expr saturating_add(z3::context& ctx, const expr& a, const expr& b) {
  return z3::ite(overflows(ctx, a, b), u64max(ctx), a + b);
}

// The terms a registration binds: participants (their list, abstracted to one value), nonce,
// deposit, fee and funder.
struct Terms {
  expr participants, nonce, deposit, fee, funder;
};

Terms terms(z3::context& ctx, const std::string& p) {
  return {ctx.bv_const((p + ".participants").c_str(), 64), ctx.bv_const((p + ".nonce").c_str(), 64),
          ctx.bv_const((p + ".deposited_amount").c_str(), 64), ctx.bv_const((p + ".fee").c_str(), 64),
          ctx.bv_const((p + ".funder").c_str(), 64)};
}

// factory_id: an injective function of every term (ground inverse instances), or of the
// participants and nonce alone under factory_id_ignores_deposit.
struct FactoryIds {
  z3::context& ctx;
  z3::solver& solver;
  Weakening weakening;
  expr of(const Terms& t) const {
    const z3::sort bv64 = ctx.bv_sort(64);
    const bool draft = weakening == Weakening::factory_id_ignores_deposit;
    std::vector<expr> key = {t.participants, t.nonce};
    if (!draft)
      for (const expr& e : {t.deposit, t.fee, t.funder}) key.push_back(e);
    z3::sort_vector domain(ctx);
    z3::expr_vector args(ctx);
    for (const expr& e : key) {
      domain.push_back(bv64);
      args.push_back(e);
    }
    const expr id = ctx.function(draft ? "factory_id_draft" : "factory_id", domain, ctx.bv_sort(64))(args);
    for (std::size_t k = 0; k < key.size(); ++k)
      solver.add(ctx.function(("factory_id_inverse" + std::to_string(k)).c_str(), bv64, bv64)(id) == key[k]);
    return id;
  }
};

// The honest group: the members signed an allocation of deposit - fee into sub-channels for the
// factory with terms `honest`, before anyone paid. Squatters register any factories and call
// refund_factory on any, in any order before the group's own registration; a member of the group
// may fill its own channel quota. Then the funder registers the group's terms (a duplicate if a
// squatter registered the same id first), and the group submits its allocation after the block in
// which the id got registered, within the censorship bound. The allocation is accepted.
void assert_group_allocates_negation(z3::context& ctx, z3::solver& solver, bool claim, Weakening weakening) {
  const expr bound = ctx.bv_const("cfg.censorship_bound_blocks", 64);
  const expr window = ctx.bv_const("cfg.allocation_window_blocks", 64);
  const expr min_capacity = ctx.bv_const("cfg.min_channel_capacity", 64);
  const expr max_per_user = ctx.bv_const("cfg.max_channels_per_user", 64);
  // The deployment rules that bear on the factory [PC-DEPLOY-1, PC-DEPLOY-4, PC-DEPLOY-5, PC-DEPLOY-6].
  solver.add(z3::uge(bound, ctx.bv_val(1, 64)) && z3::ugt(window, bound) && z3::uge(min_capacity, ctx.bv_val(1, 64)) &&
             z3::uge(max_per_user, ctx.bv_val(1, 64)));
  const FactoryIds ids{ctx, solver, weakening};
  const Terms honest = terms(ctx, "honest");
  // The group's terms pass PCF-REG-1..3 and PCF-REG-5.
  solver.add(z3::ule(honest.fee, honest.deposit) && z3::uge(honest.deposit - honest.fee, min_capacity));
  const expr honest_id = ids.of(honest);
  Slot slot{ctx.bool_val(false), ctx.bv_const("slot.deposit", 64), ctx.bv_const("slot.fee", 64),
            ctx.bv_const("slot.funder", 64), ctx.bv_const("slot.deadline", 64), ctx.bool_val(false), ctx.bool_val(false)};
  expr registered_at = ctx.bv_const("slot.registered_at", 64);
  expr height = ctx.bv_const("start_height", 64);
  expr squats = ctx.bool_val(false);
  for (unsigned i = 0; i < squatter_steps; ++i) {
    const std::string p = "s" + std::to_string(i);
    const expr h = ctx.bv_const((p + ".height").c_str(), 64);
    solver.add(z3::uge(h, height));
    height = h;
    const expr is_refund = ctx.bool_const((p + ".refund").c_str());
    // register_factory with any terms and any value [PCF-REG-1..6]
    const Terms t = terms(ctx, p);
    const expr value = ctx.bv_const((p + ".value").c_str(), 64);
    const expr participants_ok = ctx.bool_const((p + ".participants_ok").c_str());  // [PCF-REG-1, PCF-REG-2]
    const expr id = ids.of(t);
    const expr targets = id == honest_id;
    const expr other_registered = ctx.bool_const((p + ".other_registered").c_str());
    const expr duplicate = z3::ite(targets, slot.exists, other_registered);
    const expr registers = !is_refund && participants_ok && z3::ule(t.fee, t.deposit) &&
                           z3::uge(t.deposit - t.fee, min_capacity) && value == t.deposit && !duplicate;
    const Slot created{ctx.bool_val(true), t.deposit, t.fee, t.funder, saturating_add(ctx, h, window),
                       ctx.bool_val(false), ctx.bool_val(false)};
    // refund_factory of the group's id [PCF-FAC-1, PCF-REFUND-1, PCF-REFUND-2]
    const expr refunds = is_refund && slot.exists && !slot.allocated && !slot.refunded && z3::uge(h, slot.deadline);
    Slot refunded = slot;
    refunded.refunded = ctx.bool_val(true);
    registered_at = z3::ite(registers && targets, h, registered_at);
    slot = select(registers && targets, created, select(refunds, refunded, slot));
    squats = squats || (!is_refund && t.participants == honest.participants && t.nonce == honest.nonce &&
                        !(t.deposit == honest.deposit && t.fee == honest.fee && t.funder == honest.funder));
  }
  // The funder's registration: accepted unless the id is taken [PCF-REG-4].
  const expr h_register = ctx.bv_const("honest.register_height", 64);
  solver.add(z3::uge(h_register, height));
  const Slot created{ctx.bool_val(true), honest.deposit, honest.fee, honest.funder,
                     saturating_add(ctx, h_register, window), ctx.bool_val(false), ctx.bool_val(false)};
  registered_at = z3::ite(slot.exists, registered_at, h_register);
  slot = select(slot.exists, slot, created);
  // The allocation, sent after the block that registered the id, lands within the bound.
  const expr h_allocate = ctx.bv_const("honest.allocate_height", 64);
  solver.add(z3::ugt(h_allocate, registered_at) && z3::ule(h_allocate - registered_at, bound) &&
             !overflows(ctx, registered_at, window));
  // A member's live channels, which it may have filled itself: PCF-SUB-7 read them in the draft.
  const expr member_live = ctx.bv_const("member.live_channels", 64);
  expr accepted = slot.exists && !slot.allocated && z3::ult(h_allocate, slot.deadline);  // [PCF-FAC-1, -ALLOC-1, -ALLOC-6]
  if (weakening == Weakening::allocation_checks_quota) accepted = accepted && z3::ult(member_live, max_per_user);
  // The templates sum to deposit - fee of the group's terms; the sums and the signatures are checked
  // against the registered factory's deposit and fee [PCF-ALLOC-3..5, PCF-SIG-2].
  const expr allocated_total = slot.fee + (honest.deposit - honest.fee);
  accepted = accepted && !overflows(ctx, slot.fee, honest.deposit - honest.fee) && allocated_total == slot.deposit;
  accepted = accepted && slot.deposit == honest.deposit && slot.fee == honest.fee;
  if (claim) solver.add(!accepted);
  else solver.add(squats);  // the boundary: a squatter registers the group's participants and nonce with other terms
}

// The funder alone recovers: from any registered, open factory, whatever anyone else does, a
// refund_factory at max(now, allocation_deadline) succeeds unless the members allocated first
// (which paid the funder the fee). Other parties can only register other factories, refund too
// early, or allocate with the members' signatures.
void assert_funder_recovers_negation(z3::context& ctx, z3::solver& solver, bool claim) {
  Slot slot{ctx.bool_val(true), ctx.bv_const("slot.deposit", 64), ctx.bv_const("slot.fee", 64),
            ctx.bv_const("slot.funder", 64), ctx.bv_const("slot.deadline", 64), ctx.bool_val(false), ctx.bool_val(false)};
  expr height = ctx.bv_const("now", 64);
  for (unsigned i = 0; i < squatter_steps; ++i) {
    const std::string p = "s" + std::to_string(i);
    const expr h = ctx.bv_const((p + ".height").c_str(), 64);
    solver.add(z3::uge(h, height));
    height = h;
    const expr is_refund = ctx.bool_const((p + ".refund").c_str());
    const expr members_signed = ctx.bool_const((p + ".members_signed").c_str());
    const expr open = !slot.allocated && !slot.refunded;
    const expr refunds = is_refund && open && z3::uge(h, slot.deadline);
    const expr allocates = !is_refund && members_signed && open && z3::ult(h, slot.deadline);
    slot.refunded = slot.refunded || refunds;
    slot.allocated = slot.allocated || allocates;
  }
  const expr move_height = z3::ite(z3::uge(height, slot.deadline), height, slot.deadline);
  const expr refunds = !slot.allocated && !slot.refunded && z3::uge(move_height, slot.deadline);
  const expr recovered = slot.allocated || slot.refunded || refunds;
  if (claim) solver.add(!recovered);
  else solver.add(z3::ult(height, slot.deadline));  // the boundary: the funder's move is at the deadline itself
}

// ---- Counterexamples as concrete traces (the vectors layer renders them as cases) ----

struct Keys {
  std::vector<Hash32> secret, pubkey;
  Keys(const Hash32& seed, u32 count) {
    for (u32 i = 0; i < count; ++i) {
      secret.push_back(ref::bip340::secret_from_seed(seed, i));
      pubkey.push_back(ref::bip340::pubkey_from_secret(secret.back()).value());
    }
  }
  ref::bip340::Signature sign(std::size_t who, const Hash32& digest) const {
    return ref::bip340::sign(secret[who], digest, Hash32{}).value();
  }
};

// The group's attack, concretely. Members are keys 0, 1, 2; the funder key 3; the squatter key 4
// (and an outsider, key 5, for the quota filler channels).
Counterexample realise_group_allocates(const std::string& id, const std::string& statement, Weakening weakening) {
  const std::string seed_text = "l2spec/prove/counterexample/" + id;
  const Hash32 seed = ref::sha256(std::span<const u8>(reinterpret_cast<const u8*>(seed_text.data()), seed_text.size()));
  const Keys keys(seed, 6);
  ref::payment_channel::DeployInput deploy{1, ref::tagged_hash("L2/prove/adjudicator", seed),
                                           {2, 1000, 144, 1000, 1'000'000, 6, 100}};
  ref::channel_factory::FactoryRegistry registry = ref::channel_factory::deploy(deploy).value();
  const ref::channel_factory::FactoryRegistry pre = registry;
  const std::vector<Hash32> members{keys.pubkey[0], keys.pubkey[1], keys.pubkey[2]};
  const ref::channel_factory::RegisterFactoryInput honest{members, 10'000, 100, keys.pubkey[3], 0, 10'000};
  const Hash32 factory = weakening == Weakening::factory_id_ignores_deposit ? draft_factory_id(registry, honest)
                                                                           : ref::channel_factory::factory_id(1, deploy.adjudicator_id, honest);
  const ref::channel_factory::AllocateInput allocation = [&] {
    ref::channel_factory::AllocateInput in{factory, {{{members[0], members[1]}, {4000, 1900}, 5900, 0}, {{members[1], members[2]}, {2000, 2000}, 4000, 0}}, {}};
    const Hash32 digest = ref::channel_factory::allocation_digest(1, factory, honest.deposited_amount, honest.fee, in.channels);
    for (std::size_t i = 0; i < members.size(); ++i) in.signatures.push_back(keys.sign(i, digest));
    return in;
  }();
  CounterexampleTrace<ref::channel_factory::Operations, ref::channel_factory::FactoryRegistry> trace{pre, {}};
  auto run = [&]<class Op>(std::type_identity<Op>, u64 height, const typename Op::Input& input, const Outcome& outcome) {
    std::variant<ref::channel_factory::FactoryRegistry, Rejection> expect =
        Rejection{outcome.error, outcome.rule, "the weakened rule " + std::string(weakening_name(weakening))};
    if (outcome.post) expect = registry = *outcome.post;
    trace.add<Op>(height, input, std::move(expect));
  };
  if (weakening == Weakening::factory_id_ignores_deposit) {
    // The squatter registers the members' participants and nonce with a dust deposit and itself as funder.
    const ref::channel_factory::RegisterFactoryInput dust{members, 1000, 0, keys.pubkey[4], 0, 1000};
    run(std::type_identity<ref::channel_factory::RegisterFactory>{}, 100, dust, register_factory(registry, dust, ref::channel_factory::Env{100}, weakening));
  } else {
    // Member 2 fills its own quota (two live channels) with the outsider before the allocation.
    for (u64 nonce = 1; nonce <= 2; ++nonce) {
      const std::array<Hash32, 2> pair{members[2], keys.pubkey[5]};
      const Hash32 channel = ref::payment_channel::channel_id(1, deploy.adjudicator_id, pair, nonce);
      const Hash32 digest = ref::payment_channel::state_digest(1, channel, 0, {500, 500});
      const ref::payment_channel::OpenInput open{pair, {500, 500}, 1000, nonce, {keys.sign(2, digest), keys.sign(5, digest)}};
      const auto opened = ref::payment_channel::OnAdjudicator<ref::payment_channel::Open, ref::channel_factory::FactoryRegistry>::apply(
          registry, open, ref::channel_factory::Env{100});
      run(std::type_identity<ref::channel_factory::OnRegistryAdjudicator<ref::payment_channel::Open>>{}, 100, open,
          opened ? Outcome{opened.value(), "", ""}
                 : Outcome{std::nullopt, std::string(error_info(opened.error()).code), std::string(error_info(opened.error()).rule_id)});
    }
  }
  run(std::type_identity<ref::channel_factory::RegisterFactory>{}, 101, honest, register_factory(registry, honest, ref::channel_factory::Env{101}, weakening));
  run(std::type_identity<ref::channel_factory::Allocate>{}, 102, allocation, allocate(registry, allocation, ref::channel_factory::Env{102}, weakening));
  return Counterexample{id,
                        "counterexample to " + id + ": " + statement +
                            ", realised with the vectors' configuration; expected outcomes are the reference's with the "
                            "rule weakening " + std::string(weakening_name(weakening)),
                        {"PCF-REG-4", "PCF-ALLOC-4", "PCF-SIG-2"},
                        seed,
                        std::move(trace)};
}

}  // namespace

std::vector<Obligation> obligations(Weakening weakening) {
  std::vector<Obligation> list = conservation_obligations();
  list.push_back(make_obligation(
      "channel_factory", "honest_group_allocates", "trace", Kind::bmc,
      std::to_string(squatter_steps) +
          " registrations or refunds by anyone first, any terms, and any quota a member filled itself: the group's "
          "registration and its pre-signed allocation, sent within the censorship bound, are accepted",
      [weakening](z3::context& ctx, z3::solver& solver) { assert_group_allocates_negation(ctx, solver, true, weakening); }));
  list.back().assert_premise = [weakening](z3::context& ctx, z3::solver& solver) {
    assert_group_allocates_negation(ctx, solver, false, weakening);
  };
  list.back().premise =
      "a configuration with censorship_bound_blocks >= 1, allocation_window_blocks > censorship_bound_blocks and "
      "min_channel_capacity, max_channels_per_user >= 1; the group's terms pass PCF-REG-3 and PCF-REG-5; factory ids an "
      "injective function of " +
      std::string(weakening == Weakening::factory_id_ignores_deposit ? "the participants and nonce only"
                                                                    : "participants, nonce, deposit, fee and funder") +
      "; " + std::to_string(squatter_steps) +
      " registrations (any terms and value) or refunds by anyone first, at non-decreasing heights; then the funder's "
      "registration, and the group's allocation of deposit - fee after the registering block, within "
      "censorship_bound_blocks of it (registering height + allocation_window_blocks below 2^64); any live-channel "
      "count of a member" +
      weakened_rule_note(weakening_name(weakening));
  list.back().witness = [weakening, id = list.back().id(),
                         statement = list.back().statement](const z3::model&) -> std::optional<Counterexample> {
    if (weakening == Weakening::none) return std::nullopt;
    return realise_group_allocates(id, statement, weakening);
  };
  list.push_back(make_obligation(
      "channel_factory", "funder_recovers", "trace", Kind::bmc,
      std::to_string(squatter_steps) +
          " calls by anyone first: the funder alone, with refund_factory at max(now, allocation_deadline), ends every "
          "open factory refunded, unless the members allocated it (which paid the funder the fee)",
      [](z3::context& ctx, z3::solver& solver) { assert_funder_recovers_negation(ctx, solver, true); }));
  list.back().assert_premise = [](z3::context& ctx, z3::solver& solver) {
    assert_funder_recovers_negation(ctx, solver, false);
  };
  list.back().premise = "any registered, open factory (any deposit, fee, funder and allocation deadline) and " +
                        std::to_string(squatter_steps) +
                        " calls by anyone first at non-decreasing heights from any current height, each a refund_factory or "
                        "an allocation the members may have signed; then the funder's refund_factory at max(now, "
                        "allocation_deadline)";
  return list;
}

ModelEntry registry_entry() {
  ModelEntry entry = model_entry("channel_factory", all_weakenings, weakening_name, parse_weakening, obligations);
  return entry;
}

}  // namespace l2::inv::channel_factory
