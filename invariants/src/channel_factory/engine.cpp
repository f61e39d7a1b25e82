// The channel factory's model engine: register_factory, allocate and refund_factory as Z3
// transition relations over a concrete pre-state and input, one relation per step, sized to it.
// Every rule is a term of the relation, in the reference's order of checks; so is every field the
// step writes. Hashes (factory_id, sub-channel ids) and BIP-340 verdicts over the allocation digest
// are oracle values computed outside Z3. spec: channel_factory.md#the-model-engine
#include "l2/inv/channel_factory_engine.hpp"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "l2/inv/concrete_values.hpp"

namespace l2::inv::channel_factory {
namespace {

using z3::expr;
using Error = FactoryError;
using ref::payment_channel::ChannelState;

// ---------------------------------------------------------------------------------------------
// The terms of a relation. Every u64 is a 64-bit bit-vector; keys and ids are 256-bit ones.

// One factory. Its lists are as long as the longest the relation needs; the first `*_count` terms
// are the factory's.
struct FactoryTerms {
  expr id;
  std::vector<expr> participants;
  expr participant_count;
  expr deposited, fee, funder, deadline;
  std::vector<expr> used;
  expr used_count;
  expr refunded;
};

// One channel the step appends to the adjudicator (payment_channel.md#paymentchannel).
struct ChannelTerms {
  expr id, p0, p1, b0, b1, capacity, phase, sequence, created_at, timeout_height, deadline;
};

// What a step's relation defines: the error of the first failing rule, and the effect. A rejected
// step writes nothing, creates nothing and moves no value.
struct Relation {
  expr error;
  expr writes_factory;  // the step writes `factory` at `factory_slot`; the factory count appends it
  expr factory_slot;
  FactoryTerms factory;
  expr created_count;  // the first `created_count` of `created` are appended to the adjudicator
  std::vector<ChannelTerms> created;
  expr value_taken, paid_to_funder;
};

// The registered factory an input's factory_id names: `found`, its index (the first match, as
// find_factory returns it) and its fields.
struct Lookup {
  expr found, index;
  FactoryTerms factory;
};

// Builds one step's relation: declares its variables, each fixed to the concrete pre-state, input
// or oracle value it stands for, and the terms over them.
class Builder {
 public:
  Builder(z3::context& ctx, z3::solver& solver) : ctx_(ctx), solver_(solver) {}

  expr u64v(u64 v) { return ctx_.bv_val(static_cast<std::uint64_t>(v), 64); }
  expr code(Error e) { return ctx_.bv_val(static_cast<unsigned>(e), 8); }
  expr phase(ChannelState s) { return ctx_.bv_val(static_cast<unsigned>(s), 8); }
  expr zero256() { return ctx_.bv_val(0, 256); }
  expr truth(bool b) { return ctx_.bool_val(b); }

  // checked_add's overflow test as the reference writes it [CHK-ADD-1].
  expr overflows(const expr& a, const expr& b) { return z3::ugt(a, u64v(u64_max) - b); }
  expr saturating_add(const expr& a, const expr& b) { return z3::ite(overflows(a, b), u64v(u64_max), a + b); }

  // A variable fixed to a concrete value.
  expr number(const std::string& name, u64 value) {
    const expr v = ctx_.bv_const(name.c_str(), 64);
    solver_.add(v == u64v(value));
    return v;
  }
  expr hash(const std::string& name, const Hash32& value) {
    const expr v = ctx_.bv_const(name.c_str(), 256);
    solver_.add(v == hash_bv(ctx_, value));
    return v;
  }
  expr boolean(const std::string& name, bool value) {
    const expr v = ctx_.bool_const(name.c_str());
    solver_.add(v == truth(value));
    return v;
  }

  // The error of the first failing check, in the order given; `none` when all pass.
  expr first_failure(const std::vector<std::pair<expr, Error>>& checks) {
    expr result = code(Error::none);
    for (auto it = checks.rbegin(); it != checks.rend(); ++it) result = z3::ite(it->first, code(it->second), result);
    return result;
  }

  // Some term of `list` equals `value`.
  expr any_equal(const expr& value, const std::vector<expr>& list) {
    expr out = truth(false);
    for (const expr& e : list) out = out || value == e;
    return out;
  }

  // The registered factories, every field a variable fixed to the pre-state.
  std::vector<FactoryTerms> factories(const ref::channel_factory::FactoryRegistry& registry) {
    std::vector<FactoryTerms> out;
    for (std::size_t i = 0; i < registry.factories.size(); ++i) {
      const ref::channel_factory::ChannelFactory& f = registry.factories[i];
      const std::string p = "pre.factory" + std::to_string(i) + ".";
      FactoryTerms t{hash(p + "factory_id", f.factory_id),
                     {},
                     number(p + "participant_count", f.participants.size()),
                     number(p + "deposited_amount", f.deposited_amount),
                     number(p + "fee", f.fee),
                     hash(p + "funder", f.funder),
                     number(p + "allocation_deadline", f.allocation_deadline),
                     {},
                     number(p + "used_count", f.used_channels.size()),
                     boolean(p + "refunded", f.refunded)};
      for (std::size_t j = 0; j < f.participants.size(); ++j)
        t.participants.push_back(hash(p + "participant" + std::to_string(j), f.participants[j]));
      for (std::size_t j = 0; j < f.used_channels.size(); ++j)
        t.used.push_back(hash(p + "used" + std::to_string(j), f.used_channels[j]));
      out.push_back(std::move(t));
    }
    return out;
  }

  // find_factory in Z3: the first registered factory whose id is `id` [PCF-FAC-1], and its fields
  // (each an ite over the factories; lists padded with zeros past a factory's own length).
  Lookup lookup(const std::vector<FactoryTerms>& factories, const expr& id) {
    std::size_t participants = 0, used = 0;
    for (const FactoryTerms& f : factories) {
      participants = std::max(participants, f.participants.size());
      used = std::max(used, f.used.size());
    }
    Lookup l{truth(false), u64v(factories.size()),
             FactoryTerms{zero256(), std::vector<expr>(participants, zero256()), u64v(0), u64v(0), u64v(0), zero256(),
                          u64v(0), std::vector<expr>(used, zero256()), u64v(0), truth(false)}};
    for (std::size_t i = factories.size(); i-- > 0;) {
      const FactoryTerms& f = factories[i];
      const expr match = f.id == id;
      l.found = l.found || match;
      l.index = z3::ite(match, u64v(i), l.index);
      FactoryTerms& s = l.factory;
      s.id = z3::ite(match, f.id, s.id);
      for (std::size_t j = 0; j < participants; ++j)
        s.participants[j] = z3::ite(match, j < f.participants.size() ? f.participants[j] : zero256(), s.participants[j]);
      s.participant_count = z3::ite(match, f.participant_count, s.participant_count);
      s.deposited = z3::ite(match, f.deposited, s.deposited);
      s.fee = z3::ite(match, f.fee, s.fee);
      s.funder = z3::ite(match, f.funder, s.funder);
      s.deadline = z3::ite(match, f.deadline, s.deadline);
      for (std::size_t j = 0; j < used; ++j) s.used[j] = z3::ite(match, j < f.used.size() ? f.used[j] : zero256(), s.used[j]);
      s.used_count = z3::ite(match, f.used_count, s.used_count);
      s.refunded = z3::ite(match, f.refunded, s.refunded);
    }
    return l;
  }

  // is_open: neither allocated (used_channels empty) nor refunded.
  expr is_open(const FactoryTerms& f) { return f.used_count == u64v(0) && !f.refunded; }

  // is_member: `key` is one of the factory's first participant_count participants.
  expr is_member(const FactoryTerms& f, const expr& key) {
    expr out = truth(false);
    for (std::size_t j = 0; j < f.participants.size(); ++j)
      out = out || (z3::ult(u64v(j), f.participant_count) && key == f.participants[j]);
    return out;
  }

  // A relation that writes nothing, creates nothing and moves no value (its error is set by the op).
  Relation unchanged(const FactoryTerms& factory) {
    return {code(Error::none), truth(false), u64v(0), factory, u64v(0), {}, u64v(0), u64v(0)};
  }

  // apply_register_factory [PCF-REG-1, PCF-REG-2, PCF-REG-3, PCF-REG-5, PCF-REG-6, PCF-REG-4].
  // `derived_id` is the oracle's factory_id of the input's terms.
  Relation register_factory(const ref::channel_factory::FactoryRegistry& registry, const ref::channel_factory::RegisterFactoryInput& in, u64 height,
                            const Hash32& derived_id) {
    const std::vector<FactoryTerms> registered = factories(registry);
    const expr count = number("in.participant_count", in.participants.size());
    std::vector<expr> participants;
    for (std::size_t j = 0; j < in.participants.size(); ++j)
      participants.push_back(hash("in.participant" + std::to_string(j), in.participants[j]));
    const expr deposited = number("in.deposited_amount", in.deposited_amount);
    const expr fee = number("in.fee", in.fee);
    const expr funder = hash("in.funder", in.funder);
    const expr value = number("in.value", in.value);
    const expr now = number("env.height", height);
    const expr min_capacity = number("cfg.min_channel_capacity", registry.adjudicator.config.min_channel_capacity);
    const expr window = number("cfg.allocation_window_blocks", registry.adjudicator.config.allocation_window_blocks);
    const expr id = hash("oracle.factory_id", derived_id);

    expr duplicate_participant = truth(false);
    for (std::size_t i = 0; i < participants.size(); ++i)
      for (std::size_t j = i + 1; j < participants.size(); ++j)
        duplicate_participant = duplicate_participant || participants[i] == participants[j];
    expr duplicate_factory = truth(false);
    for (const FactoryTerms& f : registered) duplicate_factory = duplicate_factory || f.id == id;

    Relation r = unchanged(FactoryTerms{id, participants, count, deposited, fee, funder,
                                        saturating_add(now, window), {}, u64v(0), truth(false)});
    r.error = first_failure({
        // 2 <= len(participants) <= max_factory_participants [PCF-REG-1]
        {z3::ult(count, u64v(2)) || z3::ugt(count, u64v(ref::channel_factory::max_factory_participants)), Error::participant_count},
        // the participants are distinct [PCF-REG-2]
        {duplicate_participant, Error::duplicate_participant},
        // fee <= deposited_amount [PCF-REG-3]
        {z3::ugt(fee, deposited), Error::fee_above_deposit},
        // deposited_amount - fee >= min_channel_capacity (no wrap: PCF-REG-3 held) [PCF-REG-5]
        {z3::ult(deposited - fee, min_capacity), Error::deposit_too_small},
        // value == deposited_amount [PCF-REG-6]
        {value != deposited, Error::deposit_wrong_amount},
        // no registered factory has the derived factory_id: same terms, same id [PCF-REG-4]
        {duplicate_factory, Error::duplicate_factory},
    });
    const expr accepted = r.error == code(Error::none);
    // Effect: the factory is appended, open, with its deadline; the registry keeps the value paid.
    r.writes_factory = accepted;
    r.factory_slot = u64v(registry.factories.size());
    r.value_taken = z3::ite(accepted, value, u64v(0));
    return r;
  }

  // apply_allocate [PCF-FAC-1, PCF-ALLOC-1, PCF-ALLOC-6, PCF-ALLOC-2, PCF-SIG-1, then PCF-SUB-1..6
  // and PCF-SUB-8 per template, PCF-ALLOC-3, PCF-ALLOC-4, PCF-ALLOC-5, PCF-SIG-2]. The oracle gives
  // each template's sub_channel_id and each signature's BIP-340 verdict.
  Relation allocate(const ref::channel_factory::FactoryRegistry& registry, const ref::channel_factory::AllocateInput& in, u64 height,
                    const std::vector<Hash32>& sub_ids, const std::vector<bool>& signature_valid) {
    const std::vector<FactoryTerms> registered = factories(registry);
    const Lookup l = lookup(registered, hash("in.factory_id", in.factory_id));
    const FactoryTerms& factory = l.factory;
    std::vector<expr> channel_ids;
    for (std::size_t i = 0; i < registry.adjudicator.channels.size(); ++i)
      channel_ids.push_back(hash("pre.channel" + std::to_string(i) + ".channel_id", registry.adjudicator.channels[i].channel_id));
    const ref::payment_channel::Layer2Config& config = registry.adjudicator.config;
    const expr min_capacity = number("cfg.min_channel_capacity", config.min_channel_capacity);
    const expr max_capacity = number("cfg.max_channel_capacity", config.max_channel_capacity);
    const expr timeout_blocks = number("cfg.channel_timeout_blocks", config.channel_timeout_blocks);
    const expr now = number("env.height", height);
    const expr channel_count = number("in.channel_count", in.channels.size());
    const expr signature_count = number("in.signature_count", in.signatures.size());

    std::vector<std::pair<expr, Error>> checks = {
        {!l.found, Error::unknown_factory},                                      // [PCF-FAC-1]
        {!is_open(factory), Error::factory_not_open},                            // [PCF-ALLOC-1]
        {z3::uge(now, factory.deadline), Error::allocation_too_late},            // [PCF-ALLOC-6]
        {channel_count == u64v(0), Error::empty_allocation},                     // [PCF-ALLOC-2]
        {signature_count != factory.participant_count, Error::signature_count},  // [PCF-SIG-1]
    };
    // check_template, template 0 first; ids are fresh against the registered channels and the
    // sub-channels of the earlier templates.
    std::vector<ChannelTerms> created;
    std::vector<expr> taken = channel_ids;
    expr total = factory.fee;  // allocation_total: fee, then each capacity with checked_add
    expr total_overflow = truth(false);
    for (std::size_t j = 0; j < in.channels.size(); ++j) {
      const ref::channel_factory::ChannelTemplate& t = in.channels[j];
      const std::string p = "in.template" + std::to_string(j) + ".";
      const ChannelTerms c{hash("oracle.sub_channel_id" + std::to_string(j), sub_ids[j]),
                           hash(p + "participant0", t.participants[0]),
                           hash(p + "participant1", t.participants[1]),
                           number(p + "balance0", t.balances[0]),
                           number(p + "balance1", t.balances[1]),
                           number(p + "total_capacity", t.total_capacity),
                           phase(ChannelState::active),
                           u64v(0),
                           now,
                           saturating_add(now, timeout_blocks),
                           u64v(0)};
      checks.emplace_back(c.p0 == c.p1, Error::sub_same_participants);  // [PCF-SUB-1]
      checks.emplace_back(!(is_member(factory, c.p0) && is_member(factory, c.p1)), Error::not_a_member);  // [PCF-SUB-2]
      checks.emplace_back(overflows(c.b0, c.b1), Error::sub_balance_overflow);                // [PCF-SUB-3]
      checks.emplace_back(c.b0 + c.b1 != c.capacity, Error::sub_balance_mismatch);            // [PCF-SUB-4]
      checks.emplace_back(z3::ult(c.capacity, min_capacity), Error::sub_capacity_too_small);  // [PCF-SUB-5]
      checks.emplace_back(z3::ugt(c.capacity, max_capacity), Error::sub_capacity_too_large);  // [PCF-SUB-6]
      checks.emplace_back(any_equal(c.id, taken), Error::duplicate_sub_channel);              // [PCF-SUB-8]
      taken.push_back(c.id);
      total_overflow = total_overflow || overflows(total, c.capacity);
      total = z3::ite(total_overflow, total, total + c.capacity);
      created.push_back(c);
    }
    checks.emplace_back(total_overflow, Error::allocation_overflow);                 // [PCF-ALLOC-3]
    checks.emplace_back(z3::ugt(total, factory.deposited), Error::over_allocation);  // [PCF-ALLOC-4]
    checks.emplace_back(z3::ult(total, factory.deposited), Error::under_allocation); // [PCF-ALLOC-5]
    // Signature i against participant i, signature 0 first [PCF-SIG-2].
    for (std::size_t i = 0; i < in.signatures.size(); ++i)
      checks.emplace_back(
          z3::ult(u64v(i), factory.participant_count) && !boolean("oracle.signature" + std::to_string(i) + "_valid", signature_valid[i]),
          Error::bad_signature);

    Relation r = unchanged(factory);
    r.error = first_failure(checks);
    const expr accepted = r.error == code(Error::none);
    // Effect: the sub-channels are appended, Active; the factory records their ids in order; the
    // funder is paid the fee.
    r.writes_factory = accepted;
    r.factory_slot = l.index;
    r.factory.used.clear();
    for (const ChannelTerms& c : created) r.factory.used.push_back(c.id);
    r.factory.used_count = channel_count;
    r.created_count = z3::ite(accepted, channel_count, u64v(0));
    r.created = std::move(created);
    r.paid_to_funder = z3::ite(accepted, factory.fee, u64v(0));
    return r;
  }

  // apply_refund_factory [PCF-FAC-1, PCF-REFUND-1, PCF-REFUND-2].
  Relation refund_factory(const ref::channel_factory::FactoryRegistry& registry, const ref::channel_factory::FactoryRef& in, u64 height) {
    const std::vector<FactoryTerms> registered = factories(registry);
    const Lookup l = lookup(registered, hash("in.factory_id", in.factory_id));
    const expr now = number("env.height", height);
    Relation r = unchanged(l.factory);
    r.error = first_failure({{!l.found, Error::unknown_factory},                  // [PCF-FAC-1]
                             {!is_open(l.factory), Error::refund_not_open},        // [PCF-REFUND-1]
                             {z3::ult(now, l.factory.deadline), Error::refund_too_early}});  // [PCF-REFUND-2]
    const expr accepted = r.error == code(Error::none);
    // Effect: the factory is refunded; the funder is paid the whole deposit.
    r.writes_factory = accepted;
    r.factory_slot = l.index;
    r.factory.refunded = truth(true);
    r.paid_to_funder = z3::ite(accepted, l.factory.deposited, u64v(0));
    return r;
  }

 private:
  z3::context& ctx_;
  z3::solver& solver_;
};

// Every term the relation defines, for the uniqueness check.
std::vector<expr> outputs(const Relation& r) {
  std::vector<expr> out = {r.error,
                           r.writes_factory,
                           r.factory_slot,
                           r.factory.id,
                           r.factory.participant_count,
                           r.factory.deposited,
                           r.factory.fee,
                           r.factory.funder,
                           r.factory.deadline,
                           r.factory.used_count,
                           r.factory.refunded,
                           r.created_count,
                           r.value_taken,
                           r.paid_to_funder};
  out.insert(out.end(), r.factory.participants.begin(), r.factory.participants.end());
  out.insert(out.end(), r.factory.used.begin(), r.factory.used.end());
  for (const ChannelTerms& c : r.created)
    out.insert(out.end(), {c.id, c.p0, c.p1, c.b0, c.b1, c.capacity, c.phase, c.sequence, c.created_at, c.timeout_height,
                           c.deadline});
  return out;
}

// Reads a model's values back into concrete ones; `problem` records a value out of range.
class Reader {
 public:
  explicit Reader(const z3::model& model) : model_(model) {}
  u64 number(const expr& e) {
    std::uint64_t out = 0;
    if (!model_.eval(e, true).is_numeral_u64(out)) fail("a term has no u64 value");
    return out;
  }
  bool boolean(const expr& e) { return model_.eval(e, true).is_true(); }
  Hash32 hash(const expr& e) {
    Hash32 h{};
    for (unsigned limb = 0; limb < 4; ++limb) {
      const u64 v = number(e.extract(255 - 64 * limb, 192 - 64 * limb));
      for (std::size_t i = 0; i < 8; ++i) h[limb * 8 + i] = static_cast<u8>(v >> (56 - 8 * i));
    }
    return h;
  }
  // The first `count` terms of a list, or a problem when the list is shorter.
  std::vector<Hash32> hashes(const expr& count, const std::vector<expr>& list, const std::string& what) {
    const u64 n = number(count);
    if (n > list.size()) {
      fail("the model's " + what + " count exceeds its terms");
      return {};
    }
    std::vector<Hash32> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(hash(list[i]));
    return out;
  }
  void fail(const std::string& why) {
    if (problem.empty()) problem = why;
  }
  std::string problem;

 private:
  const z3::model& model_;
};

}  // namespace

struct Engine::Impl {
  z3::context ctx;
  payment_channel::SignatureOracle oracle;
};

Engine::Engine(payment_channel::SignatureOracle oracle) : impl_(std::make_unique<Impl>()) {
  impl_->oracle = std::move(oracle);
}
Engine::~Engine() = default;

Engine::Outcome Engine::apply(const ref::channel_factory::FactoryRegistry& pre, const Step& step) {
  Outcome result;
  result.post = pre;
  if (!ref::channel_factory::Operations::input_matches(step.op, step.input)) {
    result.problem = "the input's type does not match op " + std::string(ref::channel_factory::Operations::name(step.op));
    return result;
  }
  const auto too_long = [](std::size_t n) { return n > max_modelled_entries; };
  if (too_long(pre.factories.size()) || too_long(pre.adjudicator.channels.size()) ||
      std::any_of(pre.factories.begin(), pre.factories.end(), [&](const ref::channel_factory::ChannelFactory& f) {
        return too_long(f.participants.size()) || too_long(f.used_channels.size());
      })) {
    result.problem = "the pre-state has a list longer than the model encodes (" + std::to_string(max_modelled_entries) + ")";
    return result;
  }

  Impl& m = *impl_;
  z3::solver solver(m.ctx, "QF_BV");  // quantifier-free bit-vectors: every term of the relation
  Builder b(m.ctx, solver);
  const u64 chain_id = pre.adjudicator.chain_id;
  std::optional<Relation> relation;
  ref::channel_factory::Operations::visit(step.op, [&](auto op) {
    using Operation = typename decltype(op)::type;
    const auto& in = std::get<typename Operation::Input>(step.input);
    if constexpr (std::is_same_v<Operation, ref::channel_factory::RegisterFactory>) {
      if (too_long(in.participants.size())) return;
      // Oracle: SHA-256 of the terms.
      relation = b.register_factory(pre, in, step.height, ref::channel_factory::factory_id(chain_id, pre.adjudicator.adjudicator_id, in));
    } else if constexpr (std::is_same_v<Operation, ref::channel_factory::Allocate>) {
      if (too_long(in.channels.size()) || too_long(in.signatures.size())) return;
      // Oracle: SHA-256 for the sub-channel ids; BIP-340 for the signatures, each against the key at
      // its position in the factory the input names (none is valid when no factory has that id).
      std::vector<Hash32> sub_ids;
      for (const ref::channel_factory::ChannelTemplate& t : in.channels) sub_ids.push_back(ref::channel_factory::sub_channel_id(in.factory_id, t.participants, t.nonce));
      const auto index = ref::channel_factory::find_factory(pre, in.factory_id);
      std::optional<Hash32> digest;
      if (index) {
        const ref::channel_factory::ChannelFactory& f = pre.factories[*index];
        digest = ref::channel_factory::allocation_digest(chain_id, f.factory_id, f.deposited_amount, f.fee, in.channels);
      }
      std::vector<bool> signature_valid;
      for (std::size_t i = 0; i < in.signatures.size(); ++i) {
        const bool has_key = index && i < pre.factories[*index].participants.size();
        signature_valid.push_back(has_key && m.oracle(pre.factories[*index].participants[i], *digest, in.signatures[i]));
      }
      relation = b.allocate(pre, in, step.height, sub_ids, signature_valid);
    } else if constexpr (std::is_same_v<Operation, ref::channel_factory::RefundFactory>) {
      relation = b.refund_factory(pre, in, step.height);
    } else {
      static_assert(!engine_models<Operation>, "every op the engine models has a relation");
    }
  });
  if (!relation) {
    const bool own = ref::channel_factory::Operations::visit(step.op, [](auto op) { return engine_models<typename decltype(op)::type>; });
    result.problem = own ? "the input has a list longer than the model encodes (" + std::to_string(max_modelled_entries) + ")"
                         : "op " + std::string(ref::channel_factory::Operations::name(step.op)) +
                               " acts on the embedded adjudicator: the payment-channel model's engine replays it";
    return result;
  }
  const Relation& r = *relation;

  const z3::check_result first = solver.check();
  if (first != z3::sat) {
    result.problem = first == z3::unsat ? "the model admits no outcome" : "z3: " + solver.reason_unknown();
    return result;
  }
  const z3::model model = solver.get_model();
  Reader read(model);
  const u64 error = read.number(r.error);
  if (error > all_factory_errors.size()) read.fail("the model's error code is no FactoryError");

  // Exactly one outcome: no other error code or written term satisfies the relation.
  const std::vector<expr> terms = outputs(r);
  expr other = m.ctx.bool_val(false);
  for (const expr& t : terms) other = other || t != model.eval(t, true);
  solver.add(other);
  const z3::check_result second = solver.check();
  if (second != z3::unsat) {
    result.ambiguous = second == z3::sat;
    result.problem = second == z3::sat ? "the model admits a second outcome" : "z3: " + solver.reason_unknown();
    return result;
  }

  // The post-state: the pre-state with the written factory and the created channels, as the model
  // gives them.
  ref::channel_factory::FactoryRegistry post = pre;
  if (read.boolean(r.writes_factory)) {
    ref::channel_factory::ChannelFactory f{};
    f.factory_id = read.hash(r.factory.id);
    f.participants = read.hashes(r.factory.participant_count, r.factory.participants, "participant");
    f.deposited_amount = read.number(r.factory.deposited);
    f.fee = read.number(r.factory.fee);
    f.funder = read.hash(r.factory.funder);
    f.allocation_deadline = read.number(r.factory.deadline);
    f.used_channels = read.hashes(r.factory.used_count, r.factory.used, "used channel");
    f.refunded = read.boolean(r.factory.refunded);
    const u64 slot = read.number(r.factory_slot);
    if (slot == post.factories.size()) {
      post.factories.push_back(f);
    } else if (slot < post.factories.size()) {
      post.factories[slot] = f;
    } else {
      read.fail("the model writes a factory past the end of the registry");
    }
  }
  const u64 created = read.number(r.created_count);
  if (created > r.created.size()) read.fail("the model creates more channels than it has terms for");
  for (std::size_t j = 0; j < created && j < r.created.size(); ++j) {
    const ChannelTerms& c = r.created[j];
    ref::payment_channel::PaymentChannel channel{};
    channel.channel_id = read.hash(c.id);
    channel.participants = {read.hash(c.p0), read.hash(c.p1)};
    channel.balances = {read.number(c.b0), read.number(c.b1)};
    channel.total_capacity = read.number(c.capacity);
    const u64 phase = read.number(c.phase);
    if (phase > static_cast<u64>(ChannelState::settled)) read.fail("the model's channel phase is no ChannelState");
    channel.state = static_cast<ChannelState>(phase);
    channel.sequence = read.number(c.sequence);
    channel.created_at = read.number(c.created_at);
    channel.timeout_height = read.number(c.timeout_height);
    channel.dispute_deadline = read.number(c.deadline);
    post.adjudicator.channels.push_back(channel);
  }
  const u64 value_taken = read.number(r.value_taken);
  const u64 paid = read.number(r.paid_to_funder);
  if (!read.problem.empty()) {
    result.problem = read.problem;
    return result;
  }
  result.error = static_cast<Error>(error);
  result.value_taken = value_taken;
  result.paid_to_funder = paid;
  result.post = std::move(post);  // the pre-state itself when rejected: the relation writes nothing then
  return result;
}

}  // namespace l2::inv::channel_factory
