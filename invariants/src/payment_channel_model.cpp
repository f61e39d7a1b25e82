// Z3 model of the payment-channel adjudicator: the transition relation of one channel, the
// obligations over it (and over several channel slots where a quota is shared), trace validation of
// concrete steps, and counterexamples as concrete traces.
// spec: payment_channel.md#the-z3-model, README.md#the-formal-layer
#include "l2/inv/payment_channel_model.hpp"

#include <algorithm>
#include <array>
#include <sstream>
#include <variant>

#include "l2/inv/concrete_values.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/verify_check.hpp"

namespace l2::inv::payment_channel {

std::string_view weakening_name(Weakening weakening) {
  switch (weakening) {
    case Weakening::none: return "none";
    case Weakening::update_accepts_equal_sequence: return "update_accepts_equal_sequence";
    case Weakening::challenge_accepted_at_deadline: return "challenge_accepted_at_deadline";
    case Weakening::open_unsigned: return "open_unsigned";
    case Weakening::dispute_period_at_bound: return "dispute_period_at_bound";
  }
  return "unknown";
}

std::optional<Weakening> parse_weakening(std::string_view name) {
  return parse_weakening_name(name, all_weakenings, weakening_name);
}

bool input_matches_op(const Step& step) { return ref::payment_channel::Operations::input_matches(step.op, step.input); }

namespace {

using z3::expr;
using ref::payment_channel::ChannelState;
using Error = ChannelError;

constexpr std::string_view mechanism_name = "payment_channel";

// ---------------------------------------------------------------------------------------------
// Symbolic state. Every u64 is a 64-bit bit-vector; keys, ids and hashes are 256-bit ones.

struct Config {
  expr chain_id, max_per_user, timeout_blocks, dispute_blocks, min_capacity, max_capacity, censorship_bound,
      allocation_window;
};

// The addressed channel. `exists` is false when no channel has the addressed id.
struct Chan {
  expr exists, phase, p0, p1, b0, b1, capacity, sequence, created_at, timeout_height, deadline;
};

// A step's input: the fields of every op's input, of which each op reads its own, plus the
// abstract signature verdicts (of the opening state for open, of the co-signed state otherwise)
// and, for open, the live-channel counts of its two keys. `value` is fund's payment.
struct In {
  expr op, height, sequence, b0, b1, capacity, p0, p1, value, sig0, sig1, live0, live1;
};

struct Out {
  expr error;
  Chan post;
};

class Builder {
 public:
  explicit Builder(z3::context& ctx) : ctx_(ctx) {}

  z3::context& ctx() { return ctx_; }
  expr u64v(u64 v) { return ctx_.bv_val(static_cast<std::uint64_t>(v), 64); }
  expr code(Error e) { return ctx_.bv_val(static_cast<unsigned>(e), 8); }
  expr phase(ChannelState s) { return ctx_.bv_val(static_cast<unsigned>(s), 8); }
  expr opcode(Op op) { return ctx_.bv_val(static_cast<unsigned>(op), 8); }
  template <class Operation>
  expr opcode() {
    return opcode(op_code<Operation>);
  }
  expr zero256() { return ctx_.bv_val(0, 256); }
  expr u64max() { return u64v(u64_max); }

  // checked_add's overflow test, exactly as the reference writes it [CHK-ADD-1]; the primitives
  // obligations prove it equals true overflow.
  expr overflows(const expr& a, const expr& b) { return z3::ugt(a, u64max() - b); }
  expr saturating_add(const expr& a, const expr& b) { return z3::ite(overflows(a, b), u64max(), a + b); }

  expr bv(const std::string& name, unsigned width) { return ctx_.bv_const(name.c_str(), width); }
  expr boolean(const std::string& name) { return ctx_.bool_const(name.c_str()); }

  Config config(const std::string& p) {
    return {bv(p + ".chain_id", 64),          bv(p + ".max_channels_per_user", 64), bv(p + ".channel_timeout_blocks", 64),
            bv(p + ".dispute_period_blocks", 64), bv(p + ".min_channel_capacity", 64),  bv(p + ".max_channel_capacity", 64),
            bv(p + ".censorship_bound_blocks", 64), bv(p + ".allocation_window_blocks", 64)};
  }
  Chan chan(const std::string& p) {
    return {boolean(p + ".exists"),       bv(p + ".phase", 8),          bv(p + ".participant0", 256),
            bv(p + ".participant1", 256), bv(p + ".balance0", 64),      bv(p + ".balance1", 64),
            bv(p + ".total_capacity", 64), bv(p + ".sequence", 64),     bv(p + ".created_at", 64),
            bv(p + ".timeout_height", 64), bv(p + ".dispute_deadline", 64)};
  }
  In input(const std::string& p) {
    return {bv(p + ".op", 8),          bv(p + ".height", 64),        bv(p + ".sequence_number", 64),
            bv(p + ".balance0", 64),   bv(p + ".balance1", 64),      bv(p + ".total_capacity", 64),
            bv(p + ".participant0", 256), bv(p + ".participant1", 256), bv(p + ".value", 64),
            boolean(p + ".signature0_valid"), boolean(p + ".signature1_valid"), bv(p + ".live0", 64), bv(p + ".live1", 64)};
  }

  Chan select(const expr& c, const Chan& a, const Chan& b) {
    return {z3::ite(c, a.exists, b.exists),     z3::ite(c, a.phase, b.phase),
            z3::ite(c, a.p0, b.p0),             z3::ite(c, a.p1, b.p1),
            z3::ite(c, a.b0, b.b0),             z3::ite(c, a.b1, b.b1),
            z3::ite(c, a.capacity, b.capacity), z3::ite(c, a.sequence, b.sequence),
            z3::ite(c, a.created_at, b.created_at), z3::ite(c, a.timeout_height, b.timeout_height),
            z3::ite(c, a.deadline, b.deadline)};
  }
  expr same(const Chan& a, const Chan& b) {
    return a.exists == b.exists && a.phase == b.phase && a.p0 == b.p0 && a.p1 == b.p1 && a.b0 == b.b0 && a.b1 == b.b1 &&
           a.capacity == b.capacity && a.sequence == b.sequence && a.created_at == b.created_at &&
           a.timeout_height == b.timeout_height && a.deadline == b.deadline;
  }

  // The error of the first failing check, in the order given; `none` when all pass.
  expr first_failure(const std::vector<std::pair<expr, Error>>& checks) {
    expr result = code(Error::none);
    for (auto it = checks.rbegin(); it != checks.rend(); ++it) result = z3::ite(it->first, code(it->second), result);
    return result;
  }

  // The deployment rules, check_config in the reference's order [PC-DEPLOY-1..6]: the first failing
  // rule's code, or none.
  expr config_error(const Config& cfg, Weakening weakening) {
    const expr dispute_short = weakening == Weakening::dispute_period_at_bound
                                   ? z3::ult(cfg.dispute_blocks, cfg.censorship_bound)
                                   : z3::ule(cfg.dispute_blocks, cfg.censorship_bound);
    return first_failure({{cfg.censorship_bound == u64v(0), Error::config_censorship_bound},
                          {dispute_short, Error::config_dispute_period},
                          {z3::ule(cfg.timeout_blocks, cfg.censorship_bound), Error::config_channel_timeout},
                          {cfg.min_capacity == u64v(0) || z3::ugt(cfg.min_capacity, cfg.max_capacity), Error::config_capacity_range},
                          {cfg.max_per_user == u64v(0), Error::config_channel_limit},
                          {z3::ule(cfg.allocation_window, cfg.censorship_bound), Error::config_allocation_window}});
  }
  // The configurations the adversarial obligations range over.
  expr config_valid(const Config& cfg, Weakening weakening) { return config_error(cfg, weakening) == code(Error::none); }

  // The transition relation: for each op of the table, its checks in the reference's order and
  // its effect. A table entry without an effect here does not compile.
  Out step(const Config& cfg, const Chan& pre, const In& in, Weakening weakening) {
    Transition t{*this, cfg, pre, in, weakening};
    std::vector<std::pair<expr, Chan>> effects;
    ref::payment_channel::Operations::for_each([&](auto op) { effects.push_back(t.effect(op)); });
    expr error = effects.back().first;
    Chan next = effects.back().second;
    for (std::size_t i = effects.size() - 1; i-- > 0;) {
      const expr is_op = in.op == opcode(static_cast<Op>(i));
      error = z3::ite(is_op, effects[i].first, error);
      next = select(is_op, effects[i].second, next);
    }
    // A rejected step changes nothing.
    return {error, select(error == code(Error::none), next, pre)};
  }

  expr live(const expr& phase_value) {
    return phase_value == phase(ChannelState::opening) || phase_value == phase(ChannelState::active) ||
           phase_value == phase(ChannelState::disputing);
  }
  // The adjudicator holds the channel's capacity (payment_channel.md#paymentchannel).
  expr holds_capacity(const Chan& c) {
    return c.exists && (c.phase == phase(ChannelState::active) || c.phase == phase(ChannelState::disputing));
  }

  // Conservation of one channel: its balances add up to its capacity without overflow.
  expr conserved(const Chan& c) { return z3::implies(c.exists, !overflows(c.b0, c.b1) && c.b0 + c.b1 == c.capacity); }

  // Well-formedness: a known phase.
  expr well_formed(const Chan& c) { return z3::implies(c.exists, z3::ule(c.phase, phase(ChannelState::settled))); }

  // The state invariant every reachable channel satisfies.
  expr invariant(const Chan& c) { return conserved(c) && well_formed(c); }

 private:
  // One step's effects, op by op, overloaded on the table's operation types.
  struct Transition {
    Builder& b;
    const Config& cfg;
    const Chan& pre;
    const In& in;
    Weakening weakening;

    using Effect = std::pair<expr, Chan>;
    expr unknown() const { return !pre.exists; }  // [PC-CHAN-1]
    expr sum() const { return in.b0 + in.b1; }

    // check_balances against the channel's capacity, then check_signatures
    // [PC-BAL-1, PC-BAL-2, PC-SIG-1, PC-SIG-2]
    expr cosigned(std::vector<std::pair<expr, Error>> checks) const {
      checks.emplace_back(b.overflows(in.b0, in.b1), Error::balance_overflow);
      checks.emplace_back(sum() != pre.capacity, Error::balance_mismatch);
      checks.emplace_back(!in.sig0, Error::bad_signature_0);
      checks.emplace_back(!in.sig1, Error::bad_signature_1);
      return b.first_failure(checks);
    }
    Chan registered() const {
      Chan c = pre;
      c.sequence = in.sequence;
      c.b0 = in.b0;
      c.b1 = in.b1;
      return c;
    }
    Chan with_phase(Chan c, ChannelState phase) const {
      c.phase = b.phase(phase);
      return c;
    }

    // open [PC-OPEN-1, PC-BAL-1, PC-BAL-2, PC-OPEN-2, PC-OPEN-3, PC-OPEN-4, PC-OPEN-5, PC-SIG-1, PC-SIG-2]
    Effect effect(std::type_identity<ref::payment_channel::Open>) const {
      std::vector<std::pair<expr, Error>> checks = {
          {in.p0 == in.p1, Error::same_participants},
          {b.overflows(in.b0, in.b1), Error::balance_overflow},
          {sum() != in.capacity, Error::balance_mismatch},
          {z3::ult(in.capacity, cfg.min_capacity), Error::capacity_too_small},
          {z3::ugt(in.capacity, cfg.max_capacity), Error::capacity_too_large},
          {z3::uge(in.live0, cfg.max_per_user) || z3::uge(in.live1, cfg.max_per_user), Error::too_many_channels},
          {pre.exists, Error::duplicate_channel}};
      if (weakening != Weakening::open_unsigned) {
        checks.emplace_back(!in.sig0, Error::bad_signature_0);
        checks.emplace_back(!in.sig1, Error::bad_signature_1);
      }
      const Chan opened{b.ctx().bool_val(true), b.phase(ChannelState::opening), in.p0, in.p1, in.b0, in.b1, in.capacity,
                        b.u64v(0), in.height, b.saturating_add(in.height, cfg.timeout_blocks), b.u64v(0)};
      return {b.first_failure(checks), opened};
    }
    // fund [PC-CHAN-1, PC-FUND-1, PC-FUND-2, PC-FUND-3]
    Effect effect(std::type_identity<ref::payment_channel::Fund>) const {
      return {b.first_failure({{unknown(), Error::unknown_channel},
                               {pre.phase != b.phase(ChannelState::opening), Error::fund_not_opening},
                               {z3::uge(in.height, pre.timeout_height), Error::funding_expired},
                               {in.value != pre.capacity, Error::fund_wrong_amount}}),
              with_phase(pre, ChannelState::active)};
    }
    // update [PC-CHAN-1, PC-UPD-1, PC-UPD-2, then the co-signed checks]
    Effect effect(std::type_identity<ref::payment_channel::Update>) const {
      const expr stale = weakening == Weakening::update_accepts_equal_sequence ? z3::ult(in.sequence, pre.sequence)
                                                                               : z3::ule(in.sequence, pre.sequence);
      return {cosigned({{unknown(), Error::unknown_channel},
                        {pre.phase != b.phase(ChannelState::active), Error::update_not_active},
                        {stale, Error::stale_sequence}}),
              registered()};
    }
    // cooperative_close [PC-CHAN-1, PC-COOP-1, PC-COOP-2, then the co-signed checks]
    Effect effect(std::type_identity<ref::payment_channel::CooperativeClose>) const {
      const expr open_phase = pre.phase == b.phase(ChannelState::active) || pre.phase == b.phase(ChannelState::disputing);
      return {cosigned({{unknown(), Error::unknown_channel},
                        {!open_phase, Error::coop_wrong_phase},
                        {z3::ule(in.sequence, pre.sequence), Error::coop_stale_sequence}}),
              with_phase(registered(), ChannelState::settled)};
    }
    // force_close [PC-CHAN-1, PC-FORCE-1, PC-FORCE-2, then the co-signed checks]
    Effect effect(std::type_identity<ref::payment_channel::ForceClose>) const {
      Chan disputed = with_phase(registered(), ChannelState::disputing);
      disputed.deadline = b.saturating_add(in.height, cfg.dispute_blocks);
      return {cosigned({{unknown(), Error::unknown_channel},
                        {pre.phase != b.phase(ChannelState::active), Error::force_not_active},
                        {z3::ult(in.sequence, pre.sequence), Error::force_stale_sequence}}),
              disputed};
    }
    // challenge [PC-CHAL-1, PC-CHAL-2, PC-CHAL-3, then the co-signed checks]
    Effect effect(std::type_identity<ref::payment_channel::Challenge>) const {
      const expr too_late = weakening == Weakening::challenge_accepted_at_deadline ? z3::ugt(in.height, pre.deadline)
                                                                                   : z3::uge(in.height, pre.deadline);
      return {cosigned({{unknown(), Error::unknown_channel},
                        {pre.phase != b.phase(ChannelState::disputing), Error::challenge_not_disputing},
                        {too_late, Error::challenge_too_late},
                        {z3::ule(in.sequence, pre.sequence), Error::challenge_stale_sequence}}),
              registered()};
    }
    // settle [PC-CHAN-1, PC-SETTLE-1, PC-SETTLE-2]
    Effect effect(std::type_identity<ref::payment_channel::Settle>) const {
      return {b.first_failure({{unknown(), Error::unknown_channel},
                               {pre.phase != b.phase(ChannelState::disputing), Error::settle_not_disputing},
                               {z3::ult(in.height, pre.deadline), Error::settle_too_early}}),
              with_phase(pre, ChannelState::settled)};
    }
    // timeout [PC-CHAN-1, PC-TIMEOUT-1, PC-TIMEOUT-2]
    Effect effect(std::type_identity<ref::payment_channel::Timeout>) const {
      const expr was_opening = pre.phase == b.phase(ChannelState::opening);
      Chan timed_out = pre;
      timed_out.phase = z3::ite(was_opening, b.phase(ChannelState::closed), b.phase(ChannelState::disputing));
      timed_out.deadline = z3::ite(was_opening, pre.deadline, b.saturating_add(in.height, cfg.dispute_blocks));
      return {b.first_failure({{unknown(), Error::unknown_channel},
                               {!was_opening && pre.phase != b.phase(ChannelState::active), Error::timeout_wrong_phase},
                               {z3::ult(in.height, pre.timeout_height), Error::timeout_not_reached}}),
              timed_out};
    }
  };

  z3::context& ctx_;
};

// ---------------------------------------------------------------------------------------------
// Concrete values <-> bit-vectors (the shared conversions are l2/inv/concrete_values.hpp).

Chan evaluated(const z3::model& m, const Chan& c) {
  auto v = [&](const expr& e) { return m.eval(e, true); };
  return {v(c.exists),   v(c.phase),      v(c.p0),             v(c.p1),       v(c.b0), v(c.b1), v(c.capacity),
          v(c.sequence), v(c.created_at), v(c.timeout_height), v(c.deadline)};
}

// The rules each op's checks cite, for a counterexample vector's "rules".
std::vector<std::string> rules_of(Op op) {
  if (op == op_code<ref::payment_channel::Open>)
    return {"PC-OPEN-1", "PC-OPEN-2", "PC-OPEN-3", "PC-OPEN-4", "PC-OPEN-5", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"};
  if (op == op_code<ref::payment_channel::Fund>) return {"PC-CHAN-1", "PC-FUND-1", "PC-FUND-2", "PC-FUND-3"};
  if (op == op_code<ref::payment_channel::Update>) return {"PC-CHAN-1", "PC-UPD-1", "PC-UPD-2", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"};
  if (op == op_code<ref::payment_channel::CooperativeClose>)
    return {"PC-CHAN-1", "PC-COOP-1", "PC-COOP-2", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"};
  if (op == op_code<ref::payment_channel::ForceClose>)
    return {"PC-CHAN-1", "PC-FORCE-1", "PC-FORCE-2", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"};
  if (op == op_code<ref::payment_channel::Challenge>)
    return {"PC-CHAN-1", "PC-CHAL-1", "PC-CHAL-2", "PC-CHAL-3", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"};
  if (op == op_code<ref::payment_channel::Settle>) return {"PC-CHAN-1", "PC-SETTLE-1", "PC-SETTLE-2"};
  return {"PC-CHAN-1", "PC-TIMEOUT-1", "PC-TIMEOUT-2"};
}

// ---------------------------------------------------------------------------------------------
// Projection of a concrete adjudicator and step onto the model's variables.

struct Projection {
  std::optional<std::size_t> index;  // the addressed channel, if registered
  Hash32 id{};
  bool sig0 = false, sig1 = false;
  u64 live0 = 0, live1 = 0;
  Hash32 p0{}, p1{};
  u64 sequence = 0, b0 = 0, b1 = 0, capacity = 0, value = 0;
};

Hash32 signed_digest(const ref::payment_channel::Adjudicator& a, Op op, const ref::payment_channel::OffChainTransaction& tx) {
  return op == op_code<ref::payment_channel::CooperativeClose> ? ref::payment_channel::close_digest(a.chain_id, tx.channel_id, tx.sequence_number, tx.new_balances)
                                             : ref::payment_channel::state_digest(a.chain_id, tx.channel_id, tx.sequence_number, tx.new_balances);
}

Projection project(const ref::payment_channel::Adjudicator& a, const Step& step, const SignatureOracle& oracle) {
  Projection p;
  if (const auto* open = std::get_if<ref::payment_channel::OpenInput>(&step.input)) {
    p.id = ref::payment_channel::channel_id(a.chain_id, a.adjudicator_id, open->participants, open->nonce);
    p.p0 = open->participants[0];
    p.p1 = open->participants[1];
    p.b0 = open->balances[0];
    p.b1 = open->balances[1];
    p.capacity = open->total_capacity;
    p.live0 = ref::payment_channel::live_channels_of(a, p.p0);
    p.live1 = ref::payment_channel::live_channels_of(a, p.p1);
    const Hash32 digest = ref::payment_channel::state_digest(a.chain_id, p.id, 0, open->balances);
    p.sig0 = oracle(p.p0, digest, open->signatures[0]);
    p.sig1 = oracle(p.p1, digest, open->signatures[1]);
  } else if (const auto* fund = std::get_if<ref::payment_channel::FundInput>(&step.input)) {
    p.id = fund->channel_id;
    p.value = fund->value;
  } else if (const auto* tx = std::get_if<ref::payment_channel::OffChainTransaction>(&step.input)) {
    p.id = tx->channel_id;
    p.sequence = tx->sequence_number;
    p.b0 = tx->new_balances[0];
    p.b1 = tx->new_balances[1];
  } else {
    p.id = std::get<ref::payment_channel::ChannelRef>(step.input).channel_id;
  }
  p.index = ref::payment_channel::find_channel(a, p.id);
  if (const auto* tx = std::get_if<ref::payment_channel::OffChainTransaction>(&step.input); tx != nullptr && p.index) {
    const ref::payment_channel::PaymentChannel& c = a.channels[*p.index];
    const Hash32 digest = signed_digest(a, step.op, *tx);
    p.sig0 = oracle(c.participants[0], digest, tx->signatures[0]);
    p.sig1 = oracle(c.participants[1], digest, tx->signatures[1]);
  }
  return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Engine: concrete steps through the model.

struct Engine::Impl {
  z3::context ctx;
  z3::solver solver{ctx};
  Builder b{ctx};
  Config cfg = b.config("cfg");
  Chan pre = b.chan("pre");
  In in = b.input("in");
  Out out;
  SignatureOracle oracle;

  Impl(Weakening weakening, SignatureOracle o) : out(b.step(cfg, pre, in, weakening)), oracle(std::move(o)) {}

  void fix(const expr& var, u64 value) { solver.add(var == b.u64v(value)); }
  void fix(const expr& var, const Hash32& value) { solver.add(var == hash_bv(ctx, value)); }
  void fix_bool(const expr& var, bool value) { solver.add(var == ctx.bool_val(value)); }
};

Engine::Engine(Weakening weakening, SignatureOracle oracle) : impl_(std::make_unique<Impl>(weakening, std::move(oracle))) {}
Engine::~Engine() = default;

Engine::Outcome Engine::apply(const ref::payment_channel::Adjudicator& a, const Step& step) {
  Outcome result;
  result.post = a;
  if (!input_matches_op(step)) {
    result.problem = "the input's type does not match op " + std::string(op_name(step.op));
    return result;
  }
  Impl& m = *impl_;
  const Projection p = project(a, step, m.oracle);
  m.solver.push();
  m.fix(m.cfg.chain_id, a.chain_id);
  m.fix(m.cfg.max_per_user, a.config.max_channels_per_user);
  m.fix(m.cfg.timeout_blocks, a.config.channel_timeout_blocks);
  m.fix(m.cfg.dispute_blocks, a.config.dispute_period_blocks);
  m.fix(m.cfg.min_capacity, a.config.min_channel_capacity);
  m.fix(m.cfg.max_capacity, a.config.max_channel_capacity);
  m.fix(m.cfg.censorship_bound, a.config.censorship_bound_blocks);
  m.fix(m.cfg.allocation_window, a.config.allocation_window_blocks);
  m.fix_bool(m.pre.exists, p.index.has_value());
  const ref::payment_channel::PaymentChannel none{};
  const ref::payment_channel::PaymentChannel& c = p.index ? a.channels[*p.index] : none;
  m.solver.add(m.pre.phase == m.b.phase(c.state));
  m.fix(m.pre.p0, c.participants[0]);
  m.fix(m.pre.p1, c.participants[1]);
  m.fix(m.pre.b0, c.balances[0]);
  m.fix(m.pre.b1, c.balances[1]);
  m.fix(m.pre.capacity, c.total_capacity);
  m.fix(m.pre.sequence, c.sequence);
  m.fix(m.pre.created_at, c.created_at);
  m.fix(m.pre.timeout_height, c.timeout_height);
  m.fix(m.pre.deadline, c.dispute_deadline);
  m.solver.add(m.in.op == m.b.opcode(step.op));
  m.fix(m.in.height, step.height);
  m.fix(m.in.sequence, p.sequence);
  m.fix(m.in.b0, p.b0);
  m.fix(m.in.b1, p.b1);
  m.fix(m.in.capacity, p.capacity);
  m.fix(m.in.p0, p.p0);
  m.fix(m.in.p1, p.p1);
  m.fix(m.in.value, p.value);
  m.fix_bool(m.in.sig0, p.sig0);
  m.fix_bool(m.in.sig1, p.sig1);
  m.fix(m.in.live0, p.live0);
  m.fix(m.in.live1, p.live1);

  const z3::check_result first = m.solver.check();
  if (first != z3::sat) {
    result.problem = first == z3::unsat ? "the model admits no outcome" : "z3: " + m.solver.reason_unknown();
    m.solver.pop();
    return result;
  }
  const z3::model model = m.solver.get_model();
  const u8 error = static_cast<u8>(eval_u64(model, m.out.error));
  const Chan& post = m.out.post;
  ref::payment_channel::PaymentChannel next = c;
  next.state = static_cast<ChannelState>(eval_u64(model, post.phase));
  next.participants = {eval_hash(model, post.p0), eval_hash(model, post.p1)};
  next.balances = {eval_u64(model, post.b0), eval_u64(model, post.b1)};
  next.total_capacity = eval_u64(model, post.capacity);
  next.sequence = eval_u64(model, post.sequence);
  next.created_at = eval_u64(model, post.created_at);
  next.timeout_height = eval_u64(model, post.timeout_height);
  next.dispute_deadline = eval_u64(model, post.deadline);

  // Exactly one outcome: no other error code or post-state satisfies the relation.
  m.solver.add(m.out.error != m.ctx.bv_val(static_cast<unsigned>(error), 8) || !m.b.same(post, evaluated(model, post)));
  const z3::check_result second = m.solver.check();
  m.solver.pop();
  if (second != z3::unsat) {
    result.ambiguous = second == z3::sat;
    result.problem = second == z3::sat ? "the model admits a second outcome" : "z3: " + m.solver.reason_unknown();
    return result;
  }

  result.error = static_cast<Error>(error);
  if (result.error != Error::none) return result;
  if (step.op == op_code<ref::payment_channel::Open>) {
    next.channel_id = p.id;
    result.post.channels.push_back(next);
  } else {
    result.post.channels[*p.index] = next;
  }
  return result;
}

ChannelError deploy_error(const ref::payment_channel::Layer2Config& config, Weakening weakening) {
  z3::context ctx;
  Builder b(ctx);
  const Config cfg = b.config("cfg");
  z3::solver solver(ctx);
  const std::array<std::pair<const expr*, u64>, 7> values = {{{&cfg.max_per_user, config.max_channels_per_user},
                                                               {&cfg.timeout_blocks, config.channel_timeout_blocks},
                                                               {&cfg.dispute_blocks, config.dispute_period_blocks},
                                                               {&cfg.min_capacity, config.min_channel_capacity},
                                                               {&cfg.max_capacity, config.max_channel_capacity},
                                                               {&cfg.censorship_bound, config.censorship_bound_blocks},
                                                               {&cfg.allocation_window, config.allocation_window_blocks}}};
  for (const auto& [variable, value] : values) solver.add(*variable == b.u64v(value));
  // Every variable is fixed, so the one model exists.
  const z3::check_result answer = solver.check();
  L2_VERIFY_CHECK(answer == z3::sat);
  return static_cast<Error>(eval_u64(solver.get_model(), b.config_error(cfg, weakening)));
}

// ---------------------------------------------------------------------------------------------
// Obligations.

namespace {

// `claim` false builds an obligation's premise instead of its negation: the same hypotheses,
// with a reachability condition in place of the negated claim. A premise Z3 cannot satisfy would
// make the proof vacuous (obligation.hpp).
struct Context {
  z3::context& ctx;
  z3::solver& solver;
  Builder b;
  Config cfg;
  bool claim = true;
  Context(z3::context& c, z3::solver& s, bool negate_claim)
      : ctx(c), solver(s), b(c), cfg(b.config("cfg")), claim(negate_claim) {}
};

// ---- Counterexamples as concrete traces (the vectors layer renders them as cases) ----

// Keys 0 and 1 are a channel's participants, 2 an outsider; more for the multi-channel obligation.
struct Keys {
  std::vector<Hash32> secret, pubkey;
  Keys(const Hash32& seed, u32 count) {
    for (u32 i = 0; i < count; ++i) {
      secret.push_back(ref::bip340::secret_from_seed(seed, i));
      pubkey.push_back(ref::bip340::pubkey_from_secret(secret.back()).value());
    }
  }
  ref::payment_channel::Signature sign(std::size_t who, const Hash32& digest) const {
    return ref::bip340::sign(secret[who], digest, Hash32{}).value();
  }
};

Hash32 seed_of(const std::string& id) {
  const std::string text = "l2spec/prove/counterexample/" + id;
  return ref::sha256(std::span<const u8>(reinterpret_cast<const u8*>(text.data()), text.size()));
}

// A step's expected outcome as the model gives it.
std::variant<ref::payment_channel::Adjudicator, Rejection> expected(ChannelError error, const ref::payment_channel::Adjudicator& post) {
  if (error == Error::none) return post;
  const ErrorInfo info = error_info(error);
  return Rejection{std::string(info.code), std::string(info.rule_id), std::string(info.summary)};
}

ref::payment_channel::Layer2Config config_of(const z3::model& model, const Config& cfg) {
  return {eval_u64(model, cfg.max_per_user),      eval_u64(model, cfg.timeout_blocks),   eval_u64(model, cfg.dispute_blocks),
          eval_u64(model, cfg.min_capacity),      eval_u64(model, cfg.max_capacity),     eval_u64(model, cfg.censorship_bound),
          eval_u64(model, cfg.allocation_window)};
}

// A counterexample of mechanism payment_channel: the trace replayed through the (possibly weakened)
// model for the expected outcomes, so that the case says what the model says; nullopt when the
// model cannot decide a step.
std::optional<Counterexample> replayed_counterexample(const std::string& id, const std::string& statement, Weakening weakening,
                                                  const Hash32& seed, const ref::payment_channel::Adjudicator& pre, const std::vector<Step>& trace) {
  Engine engine(weakening);
  CounterexampleTrace<ref::payment_channel::Operations, ref::payment_channel::Adjudicator> typed{pre, {}};
  Counterexample counterexample{id, "counterexample to " + id + ": " + statement + ". Expected outcomes are the model's", {}, seed, {}};
  if (weakening != Weakening::none) counterexample.description += " with the rule weakening " + std::string(weakening_name(weakening));
  ref::payment_channel::Adjudicator state = pre;
  for (const Step& step : trace) {
    const Engine::Outcome outcome = engine.apply(state, step);
    if (!outcome.problem.empty()) return std::nullopt;
    typed.steps.push_back({step.op, step.height, step.input, expected(outcome.error, outcome.post)});
    for (const std::string& rule : rules_of(step.op))
      if (std::find(counterexample.rules.begin(), counterexample.rules.end(), rule) == counterexample.rules.end())
        counterexample.rules.push_back(rule);
    if (outcome.error == Error::none) state = outcome.post;
  }
  counterexample.trace = std::move(typed);
  return counterexample;
}

// The concrete input of the model's step `in`, addressed to channel `addressed` whose participants
// are `participants`: a slot the model found valid is signed by that participant, an invalid one by
// the outsider (key `outsider`).
Step concrete_step(const z3::model& model, const In& in, const ref::payment_channel::Adjudicator& a, const Keys& keys,
                   const std::array<std::size_t, 2>& signer, std::size_t outsider, const Hash32& addressed, u64 nonce) {
  Step step;
  const u64 opcode = eval_u64(model, in.op);
  step.op = static_cast<Op>(opcode);
  step.height = eval_u64(model, in.height);
  const std::array<u64, 2> balances{eval_u64(model, in.b0), eval_u64(model, in.b1)};
  auto sign_slots = [&](const Hash32& digest) {
    return std::array<ref::payment_channel::Signature, 2>{keys.sign(eval_bool(model, in.sig0) ? signer[0] : outsider, digest),
                                        keys.sign(eval_bool(model, in.sig1) ? signer[1] : outsider, digest)};
  };
  if (step.op == op_code<ref::payment_channel::Open>) {
    const std::array<Hash32, 2> participants{keys.pubkey[signer[0]],
                                             eval_bool(model, in.p0 == in.p1) ? keys.pubkey[signer[0]] : keys.pubkey[signer[1]]};
    const Hash32 id = ref::payment_channel::channel_id(a.chain_id, a.adjudicator_id, participants, nonce);
    step.input = ref::payment_channel::OpenInput{participants, balances, eval_u64(model, in.capacity), nonce,
                               sign_slots(ref::payment_channel::state_digest(a.chain_id, id, 0, balances))};
  } else if (step.op == op_code<ref::payment_channel::Fund>) {
    step.input = ref::payment_channel::FundInput{addressed, eval_u64(model, in.value)};
  } else if (ref::payment_channel::is_cosigned(step.op)) {
    ref::payment_channel::OffChainTransaction tx{addressed, eval_u64(model, in.sequence), balances, {}};
    tx.signatures = sign_slots(signed_digest(a, step.op, tx));
    step.input = tx;
  } else {
    step.input = ref::payment_channel::ChannelRef{addressed};
  }
  return step;
}

// The model's single-channel trace (pre-state "pre", steps "s0", "s1", ...) realised with real keys
// and signatures. The channel is between keys 0 and 1 with nonce 0.
std::optional<Counterexample> realise_counterexample(const z3::model& model, const std::string& id, const std::string& statement,
                                  Weakening weakening, std::size_t steps, bool first_step_is_open) {
  z3::context& ctx = model.ctx();
  Builder b(ctx);
  const Config cfg = b.config("cfg");
  const Chan pre = b.chan("pre");
  const Hash32 seed = seed_of(id);
  const Keys keys(seed, 3);

  ref::payment_channel::Adjudicator a{};
  a.chain_id = eval_u64(model, cfg.chain_id);
  a.adjudicator_id = ref::tagged_hash("L2/prove/adjudicator", seed);
  a.config = config_of(model, cfg);
  const std::array<Hash32, 2> participants{keys.pubkey[0], keys.pubkey[1]};
  const Hash32 id_of_channel = ref::payment_channel::channel_id(a.chain_id, a.adjudicator_id, participants, 0);
  const Hash32 absent_id = ref::tagged_hash("L2/prove/absent", seed);

  // Open's live-channel counts are realised as that many live channels with a third key.
  if (first_step_is_open) {
    const In in0 = b.input("s0");
    const u64 live0 = eval_u64(model, in0.live0), live1 = eval_u64(model, in0.live1);
    if (live0 > 16 || live1 > 16) return std::nullopt;
    for (std::size_t who = 0; who < 2; ++who)
      for (u64 n = 0; n < (who == 0 ? live0 : live1); ++n) {
        ref::payment_channel::PaymentChannel filler{};
        filler.participants = {keys.pubkey[who], keys.pubkey[2]};
        filler.channel_id = ref::payment_channel::channel_id(a.chain_id, a.adjudicator_id, filler.participants, 1000 + n);
        filler.state = ChannelState::opening;
        a.channels.push_back(filler);
      }
  }
  if (eval_bool(model, pre.exists)) {
    ref::payment_channel::PaymentChannel c{};
    c.channel_id = id_of_channel;
    c.participants = participants;
    c.state = static_cast<ChannelState>(eval_u64(model, pre.phase));
    c.balances = {eval_u64(model, pre.b0), eval_u64(model, pre.b1)};
    c.total_capacity = eval_u64(model, pre.capacity);
    c.sequence = eval_u64(model, pre.sequence);
    c.created_at = eval_u64(model, pre.created_at);
    c.timeout_height = eval_u64(model, pre.timeout_height);
    c.dispute_deadline = eval_u64(model, pre.deadline);
    a.channels.push_back(c);
  }
  // An open in the trace registers the channel, which later steps then address.
  bool registered = eval_bool(model, pre.exists);
  std::vector<Step> trace;
  for (std::size_t i = 0; i < steps; ++i) {
    const In in = b.input("s" + std::to_string(i));
    if (eval_u64(model, in.op) >= op_count) return std::nullopt;
    const Step step = concrete_step(model, in, a, keys, {0, 1}, 2, registered ? id_of_channel : absent_id, 0);
    if (step.op == op_code<ref::payment_channel::Open>) registered = true;
    trace.push_back(step);
  }
  return replayed_counterexample(id, statement, weakening, seed, a, trace);
}

// A single step from an invariant-satisfying pre-state, as the trace "s0".
struct OneStep {
  Chan pre;
  In in;
  Out out;
};

OneStep one_step(Context& c, Op op, Weakening weakening) {
  OneStep s{c.b.chan("pre"), c.b.input("s0"), Out{c.ctx.bv_val(0, 8), c.b.chan("unused")}};
  s.out = c.b.step(c.cfg, s.pre, s.in, weakening);
  c.solver.add(s.in.op == c.b.opcode(op));
  c.solver.add(c.b.invariant(s.pre));
  // The per-user limit holds before the step [PC-OPEN-4].
  c.solver.add(z3::ule(s.in.live0, c.cfg.max_per_user) && z3::ule(s.in.live1, c.cfg.max_per_user));
  return s;
}

expr accepted(Context& c, const Out& out) { return out.error == c.b.code(Error::none); }

// Two-state claims, each over one step from an invariant-satisfying pre-state.
using Claim = std::function<expr(Context&, const OneStep&, Op)>;

struct Invariant {
  std::string name;
  std::string statement;
  Claim claim;
};

std::vector<Invariant> step_invariants() {
  std::vector<Invariant> list;
  list.push_back({"conservation",
                  "balances[0] + balances[1] == total_capacity without overflow, and total_capacity never changes",
                  [](Context& c, const OneStep& s, Op) {
                    return c.b.conserved(s.out.post) &&
                           z3::implies(s.pre.exists, s.out.post.capacity == s.pre.capacity);
                  }});
  list.push_back({"phase_order",
                  "an accepted step follows an edge of the phase graph and keeps the channel well formed; a rejected "
                  "step changes nothing",
                  [](Context& c, const OneStep& s, Op op) {
                    Builder& b = c.b;
                    const expr from = s.pre.phase, to = s.out.post.phase;
                    auto edge = [&](ChannelState x, ChannelState y) { return from == b.phase(x) && to == b.phase(y); };
                    expr allowed = c.ctx.bool_val(false);
                    if (op == op_code<ref::payment_channel::Open>) allowed = !s.pre.exists && to == b.phase(ChannelState::opening);
                    if (op == op_code<ref::payment_channel::Fund>) allowed = edge(ChannelState::opening, ChannelState::active);
                    if (op == op_code<ref::payment_channel::Update>) allowed = edge(ChannelState::active, ChannelState::active);
                    if (op == op_code<ref::payment_channel::CooperativeClose>)
                      allowed = edge(ChannelState::active, ChannelState::settled) ||
                                edge(ChannelState::disputing, ChannelState::settled);
                    if (op == op_code<ref::payment_channel::ForceClose>) allowed = edge(ChannelState::active, ChannelState::disputing);
                    if (op == op_code<ref::payment_channel::Challenge>) allowed = edge(ChannelState::disputing, ChannelState::disputing);
                    if (op == op_code<ref::payment_channel::Settle>) allowed = edge(ChannelState::disputing, ChannelState::settled);
                    if (op == op_code<ref::payment_channel::Timeout>)
                      allowed = edge(ChannelState::opening, ChannelState::closed) ||
                                edge(ChannelState::active, ChannelState::disputing);
                    return z3::ite(accepted(c, s.out), allowed && s.out.post.exists && b.well_formed(s.out.post),
                                   b.same(s.out.post, s.pre));
                  }});
  list.push_back({"sequence_monotonicity",
                  "sequence never decreases; update, cooperative_close and challenge strictly increase it; nothing is "
                  "accepted for a closed or settled channel",
                  [](Context& c, const OneStep& s, Op op) {
                    Builder& b = c.b;
                    const expr ok = accepted(c, s.out);
                    const bool strict = op == op_code<ref::payment_channel::Update> || op == op_code<ref::payment_channel::CooperativeClose> ||
                                        op == op_code<ref::payment_channel::Challenge>;
                    const expr terminal = s.pre.phase == b.phase(ChannelState::closed) ||
                                          s.pre.phase == b.phase(ChannelState::settled);
                    return z3::implies(ok && s.pre.exists, z3::uge(s.out.post.sequence, s.pre.sequence)) &&
                           z3::implies(ok, strict ? z3::ugt(s.out.post.sequence, s.pre.sequence) : c.ctx.bool_val(true)) &&
                           z3::implies(s.pre.exists && terminal, !ok);
                  }});
  list.push_back({"dispute_window",
                  "entering disputing sets dispute_deadline = min(height + dispute_period_blocks, UINT64_MAX); the "
                  "deadline never moves; a disputed state is replaced only below the deadline and settles unchanged "
                  "only at or after it",
                  [](Context& c, const OneStep& s, Op) {
                    Builder& b = c.b;
                    const expr ok = accepted(c, s.out);
                    const expr was = s.pre.exists && s.pre.phase == b.phase(ChannelState::disputing);
                    const expr is = s.out.post.phase == b.phase(ChannelState::disputing);
                    const expr unchanged = s.out.post.sequence == s.pre.sequence && s.out.post.b0 == s.pre.b0 &&
                                           s.out.post.b1 == s.pre.b1;
                    const expr height = s.in.height;
                    return z3::implies(ok && was, s.out.post.deadline == s.pre.deadline) &&
                           z3::implies(ok && !was && is, s.out.post.deadline == b.saturating_add(height, c.cfg.dispute_blocks) &&
                                                             z3::uge(s.out.post.deadline, height)) &&
                           z3::implies(ok && was && s.out.post.phase == b.phase(ChannelState::settled) && unchanged,
                                       z3::uge(height, s.pre.deadline)) &&
                           z3::implies(ok && was && is, z3::ult(height, s.pre.deadline));
                  }});
  list.push_back({"per_user_limit",
                  "open adds one live channel per key only below max_channels_per_user, and no other step makes a "
                  "channel live",
                  [](Context& c, const OneStep& s, Op op) {
                    Builder& b = c.b;
                    const expr ok = accepted(c, s.out);
                    if (op == op_code<ref::payment_channel::Open>)
                      return z3::implies(ok, z3::ule(s.in.live0 + 1, c.cfg.max_per_user) &&
                                                 z3::ule(s.in.live1 + 1, c.cfg.max_per_user) &&
                                                 z3::ugt(s.in.live0 + 1, s.in.live0) && z3::ugt(s.in.live1 + 1, s.in.live1));
                    return z3::implies(s.out.post.exists && b.live(s.out.post.phase), s.pre.exists && b.live(s.pre.phase));
                  }});
  list.push_back({"funds_in_funds_out",
                  "a channel starts holding value only by fund, paying exactly total_capacity, and stops only by "
                  "settling, paying out balances that sum to total_capacity",
                  [](Context& c, const OneStep& s, Op op) {
                    Builder& b = c.b;
                    const expr ok = accepted(c, s.out);
                    const expr held = b.holds_capacity(s.pre), holds = b.holds_capacity(s.out.post);
                    const expr starts = op == op_code<ref::payment_channel::Fund> ? s.in.value == s.pre.capacity : c.ctx.bool_val(false);
                    const expr pays_out = s.out.post.phase == b.phase(ChannelState::settled) &&
                                          !b.overflows(s.out.post.b0, s.out.post.b1) &&
                                          s.out.post.b0 + s.out.post.b1 == s.out.post.capacity;
                    const expr fund_holds = op == op_code<ref::payment_channel::Fund> ? z3::implies(ok, holds) : c.ctx.bool_val(true);
                    return z3::implies(ok && !held && holds, starts) && z3::implies(ok && held && !holds, pays_out) &&
                           fund_holds;
                  }});
  return list;
}

// Replay binding: the digest is an uninterpreted function, injective by ground instances of its
// inverse functions (collision resistance), and each key's signature validates exactly the one
// digest its holder signed (unforgeability). A step whose signatures were made for any other
// (tag, chain, channel, sequence, balances) is rejected. For open the checked tuple is the opening
// state: the state tag, the derived channel id and sequence 0.
void assert_replay_negation(Context& c, Op op, Weakening weakening) {
  Builder& b = c.b;
  z3::sort bv8 = c.ctx.bv_sort(8), bv64 = c.ctx.bv_sort(64), bv256 = c.ctx.bv_sort(256);
  z3::sort_vector domain(c.ctx);
  for (const z3::sort& s : {bv8, bv64, bv256, bv64, bv64, bv64}) domain.push_back(s);
  const z3::func_decl digest = c.ctx.function("digest", domain, bv256);
  std::vector<z3::func_decl> inverse;
  const std::array<z3::sort, 6> parts{bv8, bv64, bv256, bv64, bv64, bv64};
  for (std::size_t k = 0; k < parts.size(); ++k)
    inverse.push_back(c.ctx.function(("digest_inverse" + std::to_string(k)).c_str(), bv256, parts[k]));
  auto make_digest = [&](const std::array<expr, 6>& x) {
    z3::expr_vector args(c.ctx);
    for (const expr& e : x) args.push_back(e);
    const expr d = digest(args);
    for (std::size_t k = 0; k < x.size(); ++k) c.solver.add(inverse[k](d) == x[k]);  // ground injectivity
    return d;
  };
  OneStep s{b.chan("pre"), b.input("s0"), Out{c.ctx.bv_val(0, 8), b.chan("unused")}};
  const expr state_tag = c.ctx.bv_val(0, 8), close_tag = c.ctx.bv_val(1, 8);
  const expr channel = b.bv("channel_id", 256);
  const bool is_open = op == op_code<ref::payment_channel::Open>;
  const std::array<expr, 6> checked{op == op_code<ref::payment_channel::CooperativeClose> ? close_tag : state_tag, c.cfg.chain_id, channel,
                                    is_open ? b.u64v(0) : s.in.sequence, s.in.b0, s.in.b1};
  const expr checked_digest = make_digest(checked);
  std::array<expr, 2> signed_digest{checked_digest, checked_digest};
  expr replayed = c.ctx.bool_val(false);
  for (std::size_t who = 0; who < 2; ++who) {
    const std::string p = "signed_by" + std::to_string(who);
    const std::array<expr, 6> x{b.bv(p + ".tag", 8), b.bv(p + ".chain_id", 64), b.bv(p + ".channel_id", 256),
                                b.bv(p + ".sequence", 64), b.bv(p + ".balance0", 64), b.bv(p + ".balance1", 64)};
    c.solver.add(x[0] == state_tag || x[0] == close_tag);
    signed_digest[who] = make_digest(x);
    expr differs = c.ctx.bool_val(false);
    for (std::size_t k = 0; k < x.size(); ++k) differs = differs || x[k] != checked[k];
    replayed = replayed || differs;
  }
  // The signature in slot i validates iff its digest is the checked one.
  c.solver.add(s.in.sig0 == (signed_digest[0] == checked_digest));
  c.solver.add(s.in.sig1 == (signed_digest[1] == checked_digest));
  s.out = b.step(c.cfg, s.pre, s.in, weakening);
  c.solver.add(s.in.op == b.opcode(op));
  // Premise: with signatures made for the checked tuple itself, the step can be accepted.
  c.solver.add(c.claim ? replayed : !replayed);
  c.solver.add(accepted(c, s.out));
}

// Bounded model checking over `depth` steps of one channel. `with_open`: the trace may open the
// channel (an open then names the channel's fixed participants, so it addresses this channel's
// id); otherwise the channel exists and open, which would address another id, is left out.
struct Unrolled {
  Chan start;
  std::vector<In> inputs;
  std::vector<Chan> states;  // states[i] is before step i; states[depth] is the end
  expr participant0, participant1;
};

Unrolled unroll(Context& c, std::size_t depth, Weakening weakening, bool with_open) {
  Builder& b = c.b;
  Unrolled u{b.chan("pre"), {}, {}, b.bv("channel.participant0", 256), b.bv("channel.participant1", 256)};
  c.solver.add(b.invariant(u.start));
  c.solver.add(u.participant0 != u.participant1);
  c.solver.add(z3::implies(u.start.exists, u.start.p0 == u.participant0 && u.start.p1 == u.participant1));
  if (!with_open) c.solver.add(u.start.exists);
  u.states.push_back(u.start);
  for (std::size_t i = 0; i < depth; ++i) {
    const In in = b.input("s" + std::to_string(i));
    c.solver.add(z3::ult(in.op, c.ctx.bv_val(static_cast<unsigned>(op_count), 8)));
    if (with_open) c.solver.add(z3::implies(in.op == b.opcode<ref::payment_channel::Open>(), in.p0 == u.participant0 && in.p1 == u.participant1));
    else c.solver.add(in.op != b.opcode<ref::payment_channel::Open>());
    if (i > 0) c.solver.add(z3::uge(in.height, u.inputs.back().height));  // time never runs backwards
    u.inputs.push_back(in);
    u.states.push_back(b.step(c.cfg, u.states.back(), in, weakening).post);
  }
  return u;
}

// The honest participant's signing discipline (payment_channel.md#threat-model): it signs one state
// per sequence number below the latest, `at(seq)` (an uninterpreted choice), exactly `latest` at
// its sequence, nothing above, and no cooperative close; every state it signs splits the channel's
// capacity.
struct HonestSigner {
  expr sequence, balance0, balance1, capacity;
  z3::func_decl at0, at1;

  HonestSigner(Builder& b, z3::context& ctx)
      : sequence(b.bv("honest.sequence", 64)),
        balance0(b.bv("honest.balance0", 64)),
        balance1(b.bv("honest.balance1", 64)),
        capacity(b.bv("honest.capacity", 64)),
        at0(ctx.function("honest.state_at.balance0", ctx.bv_sort(64), ctx.bv_sort(64))),
        at1(ctx.function("honest.state_at.balance1", ctx.bv_sort(64), ctx.bv_sort(64))) {}

  expr signed_state(Builder& b, const expr& seq, const expr& b0, const expr& b1) const {
    const expr splits = !b.overflows(b0, b1) && b0 + b1 == capacity;
    return splits && ((z3::ult(seq, sequence) && b0 == at0(seq) && b1 == at1(seq)) ||
                      (seq == sequence && b0 == balance0 && b1 == balance1));
  }
  // Whether a signature by the honest key on this step's digest can be valid.
  expr may_sign(Builder& b, const In& in) const {
    return z3::ite(in.op == b.opcode<ref::payment_channel::Open>(), signed_state(b, b.u64v(0), in.b0, in.b1),
                   z3::ite(in.op == b.opcode<ref::payment_channel::CooperativeClose>(), b.ctx().bool_val(false),
                           signed_state(b, in.sequence, in.b0, in.b1)));
  }
};

// Latest state wins. The honest participant holds its latest co-signed state and follows the
// signing discipline; the other participant signs anything, and any party submits anything,
// including the open of the channel. In every trace of `depth` steps in which the
// honest participant, having seen the dispute, submits its state as a challenge at a height
// PC-CHAL-2 admits, a channel that ends settled pays the honest state. `at_opening`: the latest
// state is the opening state itself (sequence 0), and the trace starts before the open.
void assert_latest_state_negation(Context& c, Weakening weakening, std::size_t depth, bool at_opening) {
  Builder& b = c.b;
  const Unrolled u = unroll(c, depth, weakening, true);
  const expr honest_is_1 = b.boolean("honest_is_participant1");
  const HonestSigner honest(b, c.ctx);
  c.solver.add(!b.overflows(honest.balance0, honest.balance1) && honest.balance0 + honest.balance1 == honest.capacity);
  // A channel that exists already registered a state both signed (the consent invariant).
  c.solver.add(z3::implies(u.start.exists, honest.signed_state(b, u.start.sequence, u.start.b0, u.start.b1) &&
                                               u.start.capacity == honest.capacity));
  if (at_opening) c.solver.add(honest.sequence == b.u64v(0) && !u.start.exists);
  expr honest_acted = c.ctx.bool_val(false);
  expr dispute_seen = c.ctx.bool_val(false);
  for (std::size_t i = 0; i < depth; ++i) {
    const In& in = u.inputs[i];
    const Chan& before = u.states[i];
    dispute_seen = dispute_seen || (before.exists && before.phase == b.phase(ChannelState::disputing));
    const expr is_honest_step = b.boolean("s" + std::to_string(i) + ".honest");
    const expr honest_signature = z3::ite(honest_is_1, in.sig1, in.sig0);
    c.solver.add(z3::implies(is_honest_step, in.op == b.opcode<ref::payment_channel::Challenge>() && in.sequence == honest.sequence &&
                                                 in.b0 == honest.balance0 && in.b1 == honest.balance1 && in.sig0 &&
                                                 in.sig1));
    c.solver.add(z3::implies(!is_honest_step && honest_signature, honest.may_sign(b, in)));
    const expr in_window = weakening == Weakening::challenge_accepted_at_deadline ? z3::ule(in.height, before.deadline)
                                                                                 : z3::ult(in.height, before.deadline);
    // The honest participant saw the dispute and submits at a height inside the window; the other
    // may still order its own steps of the same block first.
    honest_acted = honest_acted || (is_honest_step && dispute_seen && in_window);
  }
  const Chan& end = u.states.back();
  c.solver.add(honest_acted);
  c.solver.add(end.exists && end.phase == b.phase(ChannelState::settled));
  if (c.claim) c.solver.add(!(end.sequence == honest.sequence && end.b0 == honest.balance0 && end.b1 == honest.balance1));
}

// No funds locked forever: one participant alone, reacting to whatever the other does, ends the
// channel. Its move needs no signature: on an opening or active channel, `timeout` at
// max(now, timeout_height); on a disputing one, `settle` at max(now, dispute_deadline). In every
// trace of `depth` steps with at least two such moves, the channel ends closed or settled,
// settled if it ever held value, and no such move on a live channel is rejected.
void assert_unilateral_negation(Context& c, Weakening weakening, std::size_t depth) {
  Builder& b = c.b;
  const Unrolled u = unroll(c, depth, weakening, false);
  expr moves = c.ctx.bv_val(0, 8);
  expr move_rejected = c.ctx.bool_val(false);
  expr held = b.holds_capacity(u.start);
  for (std::size_t i = 0; i < depth; ++i) {
    const In& in = u.inputs[i];
    const Chan& before = u.states[i];
    const expr mine = b.boolean("s" + std::to_string(i) + ".unilateral");
    const expr previous = i == 0 ? b.bv("now", 64) : u.inputs[i - 1].height;
    const expr disputing = before.phase == b.phase(ChannelState::disputing);
    const expr bound = z3::ite(disputing, before.deadline, before.timeout_height);
    const expr height = z3::ite(z3::uge(previous, bound), previous, bound);
    c.solver.add(z3::implies(mine, in.op == z3::ite(disputing, b.opcode<ref::payment_channel::Settle>(), b.opcode<ref::payment_channel::Timeout>()) &&
                                       in.height == height));
    const Out out = b.step(c.cfg, before, in, weakening);
    move_rejected = move_rejected || (mine && b.live(before.phase) && out.error != b.code(Error::none));
    moves = moves + z3::ite(mine, c.ctx.bv_val(1, 8), c.ctx.bv_val(0, 8));
    held = held || b.holds_capacity(u.states[i + 1]);
  }
  const Chan& end = u.states.back();
  const expr ended = end.phase == b.phase(ChannelState::closed) || end.phase == b.phase(ChannelState::settled);
  c.solver.add(z3::uge(moves, c.ctx.bv_val(2, 8)));
  if (c.claim) c.solver.add(move_rejected || !ended || (held && end.phase != b.phase(ChannelState::settled)));
  else c.solver.add(b.live(u.start.phase) && b.holds_capacity(u.start));
}

// The watchtower's answer (watchtower.md#apply_respond) is always accepted by the adjudicator:
// find_latest checked the answer's balances against the channel's capacity and both its signatures
// over the state digest, and respond checks WT-RESP-1..3 (disputing, the published state is the
// registered one and the answer is newer, height below the deadline). So the challenge it submits
// passes every PC-CHAL and PC-BAL/PC-SIG rule, the adjudicator never rejects it, and the registered state
// becomes the answer.
void assert_watchtower_negation(Context& c, Weakening weakening) {
  Builder& b = c.b;
  const Chan pre = b.chan("pre");
  const In in = b.input("s0");
  c.solver.add(b.invariant(pre));
  c.solver.add(in.op == b.opcode<ref::payment_channel::Challenge>());
  // find_latest's checks of a reached state.
  c.solver.add(!b.overflows(in.b0, in.b1) && in.b0 + in.b1 == pre.capacity && in.sig0 && in.sig1);
  c.solver.add(z3::ult(pre.sequence, in.sequence));
  // respond's checks [WT-RESP-1, WT-RESP-3].
  c.solver.add(pre.exists && pre.phase == b.phase(ChannelState::disputing));
  c.solver.add(z3::ult(in.height, pre.deadline));
  const Out out = b.step(c.cfg, pre, in, weakening);
  if (c.claim)
    c.solver.add(!(out.error == b.code(Error::none) && out.post.sequence == in.sequence && out.post.b0 == in.b0 &&
                 out.post.b1 == in.b1 && out.post.phase == b.phase(ChannelState::disputing)));
}

// ---- honest_open_succeeds: two honest keys, and the channels anyone else opens first ----

constexpr std::size_t squatter_opens = 2;

// The state the obligation tracks: the channel slot with the honest opening's id, and the live
// counts of the two honest keys. Other channels matter only through those counts.
struct Quota {
  Chan honest_slot;
  expr live_a, live_b;
};

// The honest pair A, B (participants 0 and 1 of the opening O) signed only O's opening state.
// Squatters then submit `squatter_opens` opens with any keys and any signatures; an open names the
// id of O exactly when its participants are (A, B) and its nonce O's; a key other than A and B has
// any live count and any signature verdict. Then the honest open of O: it is accepted, or a copy of
// it registered O with O's opening balances already. Nobody without A's or B's signature uses up
// their quota, and nobody registers O's id with another split.
void assert_honest_open_negation(Context& c, Weakening weakening) {
  Builder& b = c.b;
  const expr A = b.bv("honest.participant0", 256), B = b.bv("honest.participant1", 256);
  In honest = b.input("honest");
  c.solver.add(b.config_valid(c.cfg, weakening));
  c.solver.add(honest.op == b.opcode<ref::payment_channel::Open>() && honest.p0 == A && honest.p1 == B && A != B && honest.sig0 &&
               honest.sig1);
  // The opening is valid on its own: its balances sum to a capacity within the bounds.
  c.solver.add(!b.overflows(honest.b0, honest.b1) && honest.b0 + honest.b1 == honest.capacity &&
               z3::uge(honest.capacity, c.cfg.min_capacity) && z3::ule(honest.capacity, c.cfg.max_capacity));
  Quota q{b.chan("o"), b.bv("live.a", 64), b.bv("live.b", 64)};
  c.solver.add(!q.honest_slot.exists);
  // Both have room for O.
  c.solver.add(z3::ult(q.live_a, c.cfg.max_per_user) && z3::ult(q.live_b, c.cfg.max_per_user));
  const expr initial_live_a = q.live_a;
  expr names_a = c.ctx.bool_val(false);
  for (std::size_t i = 0; i < squatter_opens; ++i) {
    const std::string p = "s" + std::to_string(i);
    const In in = b.input(p);
    c.solver.add(in.op == b.opcode<ref::payment_channel::Open>());
    const expr targets = b.boolean(p + ".targets_honest_id");
    c.solver.add(z3::implies(targets, in.p0 == A && in.p1 == B));
    // A's and B's signatures validate only O's opening state.
    const expr honest_state = targets && in.b0 == honest.b0 && in.b1 == honest.b1;
    for (const auto& [key, verdict] : {std::pair{in.p0, in.sig0}, std::pair{in.p1, in.sig1}})
      c.solver.add(z3::implies(key == A || key == B, verdict == honest_state));
    for (const auto& [key, live] : {std::pair{in.p0, in.live0}, std::pair{in.p1, in.live1}})
      c.solver.add(z3::implies(key == A, live == q.live_a) && z3::implies(key == B, live == q.live_b));
    const Chan other = b.chan(p + ".other");  // the slot of another id: registered or not
    c.solver.add(b.invariant(other));
    const Out out = b.step(c.cfg, b.select(targets, q.honest_slot, other), in, weakening);
    const expr ok = out.error == b.code(Error::none);
    q.honest_slot = b.select(targets && ok, out.post, q.honest_slot);
    auto bump = [&](const expr& live, const expr& key) {
      return live + z3::ite(ok && (in.p0 == key || in.p1 == key), b.u64v(1), b.u64v(0));
    };
    q.live_a = bump(q.live_a, A);
    q.live_b = bump(q.live_b, B);
    names_a = names_a || in.p0 == A || in.p1 == A;
  }
  honest.live0 = q.live_a;
  honest.live1 = q.live_b;
  const Out last = b.step(c.cfg, q.honest_slot, honest, weakening);
  const expr succeeded = last.error == b.code(Error::none) ||
                         (q.honest_slot.exists && q.honest_slot.b0 == honest.b0 && q.honest_slot.b1 == honest.b1 &&
                          q.honest_slot.capacity == honest.capacity);
  if (c.claim) {
    c.solver.add(!succeeded);
  } else {
    // The boundary: A has exactly one slot left, and a squatter's open names A.
    c.solver.add(initial_live_a + 1 == c.cfg.max_per_user && names_a);
  }
}

// The squatters' opens and the honest open realised: A and B are keys 0 and 1, every other key the
// model names is a key of its own, each live count is that many channels with an outsider.
std::optional<Counterexample> realise_honest_open(const z3::model& model, const std::string& id, const std::string& statement,
                               Weakening weakening) {
  z3::context& ctx = model.ctx();
  Builder b(ctx);
  const Config cfg = b.config("cfg");
  const Hash32 seed = seed_of(id);
  const std::size_t outsider = 2;
  // Keys: 0 = A, 1 = B, 2 = the outsider who signs invalid slots, 3.. = other keys named by squatters.
  const Keys keys(seed, 3 + 2 * squatter_opens + 1);
  ref::payment_channel::Adjudicator a{};
  a.chain_id = eval_u64(model, cfg.chain_id);
  a.adjudicator_id = ref::tagged_hash("L2/prove/adjudicator", seed);
  a.config = config_of(model, cfg);
  const expr A = b.bv("honest.participant0", 256), B = b.bv("honest.participant1", 256);
  // The rules compare a live count only with max_channels_per_user, and the squatters add at most
  // squatter_opens channels, so a smaller limit with the same room below it for A and B (room
  // beyond the squatters' reach stays beyond it) is the same counterexample in realisable numbers.
  const u64 model_limit = eval_u64(model, cfg.max_per_user);
  const u64 limit = std::min<u64>(model_limit, squatter_opens + 1);
  auto realisable = [&](const expr& live) {
    const u64 room = model_limit - eval_u64(model, live);
    return room >= limit ? 0 : limit - room;
  };
  a.config.max_channels_per_user = limit;
  const u64 live_a = realisable(b.bv("live.a", 64)), live_b = realisable(b.bv("live.b", 64));
  const std::size_t filler_key = keys.pubkey.size() - 1;
  for (std::size_t who = 0; who < 2; ++who)
    for (u64 n = 0; n < (who == 0 ? live_a : live_b); ++n) {
      ref::payment_channel::PaymentChannel filler{};
      filler.participants = {keys.pubkey[who], keys.pubkey[filler_key]};
      filler.channel_id = ref::payment_channel::channel_id(a.chain_id, a.adjudicator_id, filler.participants, 1000 + n);
      filler.state = ChannelState::opening;
      a.channels.push_back(filler);
    }
  const In honest = b.input("honest");
  const u64 honest_nonce = 7;
  std::vector<Step> trace;
  for (std::size_t i = 0; i < squatter_opens; ++i) {
    const std::string p = "s" + std::to_string(i);
    const In in = b.input(p);
    const bool targets = eval_bool(model, b.boolean(p + ".targets_honest_id"));
    auto key_of = [&](const expr& key, std::size_t fresh) -> std::size_t {
      if (eval_bool(model, key == A)) return 0;
      if (eval_bool(model, key == B)) return 1;
      return fresh;
    };
    std::array<std::size_t, 2> signer{key_of(in.p0, 3 + 2 * i), key_of(in.p1, 4 + 2 * i)};
    if (eval_bool(model, in.p0 == in.p1)) signer[1] = signer[0];
    const std::array<Hash32, 2> participants{keys.pubkey[signer[0]], keys.pubkey[signer[1]]};
    const std::array<u64, 2> balances{eval_u64(model, in.b0), eval_u64(model, in.b1)};
    const u64 nonce = targets ? honest_nonce : 100 + i;
    const Hash32 digest = ref::payment_channel::state_digest(a.chain_id, ref::payment_channel::channel_id(a.chain_id, a.adjudicator_id, participants, nonce), 0,
                                           balances);
    Step step;
    step.op = op_code<ref::payment_channel::Open>;
    step.height = 1 + i;
    step.input = ref::payment_channel::OpenInput{participants, balances, eval_u64(model, in.capacity), nonce,
                               {keys.sign(eval_bool(model, in.sig0) ? signer[0] : outsider, digest),
                                keys.sign(eval_bool(model, in.sig1) ? signer[1] : outsider, digest)}};
    trace.push_back(step);
  }
  const std::array<Hash32, 2> pair{keys.pubkey[0], keys.pubkey[1]};
  const std::array<u64, 2> balances{eval_u64(model, honest.b0), eval_u64(model, honest.b1)};
  const Hash32 digest =
      ref::payment_channel::state_digest(a.chain_id, ref::payment_channel::channel_id(a.chain_id, a.adjudicator_id, pair, honest_nonce), 0, balances);
  Step open_step;
  open_step.op = op_code<ref::payment_channel::Open>;
  open_step.height = 1 + squatter_opens;
  open_step.input = ref::payment_channel::OpenInput{pair, balances, eval_u64(model, honest.capacity), honest_nonce,
                                  {keys.sign(0, digest), keys.sign(1, digest)}};
  trace.push_back(open_step);
  return replayed_counterexample(id, statement, weakening, seed, a, trace);
}

// ---- The deployment rules keep the dispute window longer than the censorship bound ----

// For every configuration deploy accepts, a dispute that starts at height h and an answer that L1
// includes at i, h < i <= h + censorship_bound_blocks: PC-CHAL-2 accepts the answer (i <
// dispute_deadline). Heights below UINT64_MAX - dispute_period_blocks (no saturation).
void assert_window_covers_censorship_negation(Context& c, Weakening weakening) {
  Builder& b = c.b;
  const expr start = b.bv("dispute_start", 64), included = b.bv("answer_included", 64);
  c.solver.add(b.config_valid(c.cfg, weakening));
  c.solver.add(!b.overflows(start, c.cfg.dispute_blocks));
  c.solver.add(z3::ugt(included, start) && z3::ule(included - start, c.cfg.censorship_bound));
  const expr deadline = b.saturating_add(start, c.cfg.dispute_blocks);
  if (c.claim) c.solver.add(z3::uge(included, deadline));
  else c.solver.add(included - start == c.cfg.censorship_bound);  // the boundary: the last block of the bound
}

// Its counterexample as a trace: the weakened configuration, a channel opened and funded, a stale
// force-close at h, the honest challenge included at h + censorship_bound_blocks (too late), and
// the settle of the stale state in that block. Deployment is not a model transition, so the
// expected outcomes come from the reference, run with the model's configuration.
std::optional<Counterexample> realise_window_counterexample(const z3::model& model, const std::string& id, const std::string& statement,
                                         Weakening weakening) {
  Builder b(model.ctx());
  const Config cfg = b.config("cfg");
  const Hash32 seed = seed_of(id);
  const Keys keys(seed, 3);
  ref::payment_channel::Adjudicator a{};
  a.chain_id = 1;
  a.adjudicator_id = ref::tagged_hash("L2/prove/adjudicator", seed);
  a.config = config_of(model, cfg);
  // Small numbers that keep the model's boundary: dispute_period_blocks == censorship_bound_blocks.
  a.config.censorship_bound_blocks = a.config.dispute_period_blocks = 6;
  a.config.channel_timeout_blocks = 1000;
  a.config.allocation_window_blocks = 100;
  a.config.min_channel_capacity = 1;
  a.config.max_channel_capacity = 1'000'000;
  a.config.max_channels_per_user = 2;
  const std::array<Hash32, 2> pair{keys.pubkey[0], keys.pubkey[1]};
  const Hash32 channel = ref::payment_channel::channel_id(a.chain_id, a.adjudicator_id, pair, 0);
  auto cosigned = [&](u64 sequence, std::array<u64, 2> balances) {
    const Hash32 digest = ref::payment_channel::state_digest(a.chain_id, channel, sequence, balances);
    return std::array<ref::payment_channel::Signature, 2>{keys.sign(0, digest), keys.sign(1, digest)};
  };
  const u64 start = 200;
  std::vector<Step> trace;
  trace.push_back(Step{op_code<ref::payment_channel::Open>, ref::payment_channel::OpenInput{pair, {600, 400}, 1000, 0, cosigned(0, {600, 400})}, 100});
  trace.push_back(Step{op_code<ref::payment_channel::Fund>, ref::payment_channel::FundInput{channel, 1000}, 101});
  trace.push_back(Step{op_code<ref::payment_channel::ForceClose>, ref::payment_channel::OffChainTransaction{channel, 0, {600, 400}, cosigned(0, {600, 400})}, start});
  const u64 late = start + a.config.censorship_bound_blocks;
  trace.push_back(Step{op_code<ref::payment_channel::Settle>, ref::payment_channel::ChannelRef{channel}, late});
  trace.push_back(Step{op_code<ref::payment_channel::Challenge>, ref::payment_channel::OffChainTransaction{channel, 1, {100, 900}, cosigned(1, {100, 900})}, late});
  return replayed_counterexample(id, statement, weakening, seed, a, trace);
}

}  // namespace

std::vector<Obligation> obligations(Weakening weakening, Depth depth) {
  std::vector<Obligation> list;
  const TraceDepths depths = trace_depths(depth);
  using Realiser = std::function<std::optional<Counterexample>(const z3::model&, const std::string& id, const std::string& statement)>;
  // The weakened rule, where it changes the relation or the configurations an obligation ranges over.
  const std::string weakened = weakened_rule_note(weakening_name(weakening));
  auto add = [&](std::string invariant, std::string transition, Kind kind, std::string statement, std::string premise,
                 std::function<void(Context&)> negation, Realiser realise = nullptr) {
    list.push_back(make_obligation(std::string(mechanism_name), std::move(invariant), std::move(transition), kind,
                                   std::move(statement), [negation](z3::context& ctx, z3::solver& solver) {
                                     Context c(ctx, solver, true);
                                     negation(c);
                                   }));
    list.back().assert_premise = [negation](z3::context& ctx, z3::solver& solver) {
      Context c(ctx, solver, false);
      negation(c);
    };
    list.back().premise = premise + weakened;
    if (realise)
      list.back().witness = [realise, id = list.back().id(), statement = list.back().statement](const z3::model& m) {
        return realise(m, id, statement);
      };
  };
  // Counterexamples of a single-channel trace of `steps` steps, the first an open when `open_first`.
  auto trace_of = [weakening](std::size_t steps, bool open_first) -> Realiser {
    return [=](const z3::model& m, const std::string& id, const std::string& statement) {
      return realise_counterexample(m, id, statement, weakening, steps, open_first);
    };
  };

  // Initiation: the deployed adjudicator has no channel; every channel `open` creates satisfies the
  // state invariant and starts at sequence 0, opening, with no deadline.
  add("state_invariant", "open", Kind::initiation, "a channel created by open is conserved and well formed, opening, sequence 0",
      "any configuration (deployable or not), no channel at the opened id, and any open the relation accepts: any "
      "participants, balances, capacity, height and signature verdicts, each key with at most max_channels_per_user "
      "live channels; u64 values as 64-bit bit-vectors",
      [weakening](Context& c) {
        const OneStep s = one_step(c, op_code<ref::payment_channel::Open>, weakening);
        c.solver.add(!s.pre.exists);
        c.solver.add(accepted(c, s.out));
        if (c.claim)
          c.solver.add(!(c.b.invariant(s.out.post) && s.out.post.exists && s.out.post.phase == c.b.phase(ChannelState::opening) &&
                         s.out.post.sequence == c.b.u64v(0)));
      },
      trace_of(1, true));

  // Consecution: each invariant against each transition.
  for (std::size_t t = 0; t < op_count; ++t) {
    const Op op = static_cast<Op>(t);
    for (const Invariant& inv : step_invariants())
      add(inv.name, std::string(op_name(op)), Kind::consecution, inv.statement,
          "any configuration, any channel slot at the addressed id (empty, or conserved with a known phase), and any `" +
              std::string(op_name(op)) +
              "` step from it, accepted or rejected: any height, sequence, balances, capacity and signature verdicts" +
              (op == op_code<ref::payment_channel::Open> ? ", each key with at most max_channels_per_user live channels" : "") +
              "; u64 values as 64-bit bit-vectors",
          [op, weakening, claim = inv.claim](Context& c) {
            const OneStep s = one_step(c, op, weakening);
            // Premise: the transition can accept a step from a state that satisfies the invariant.
            c.solver.add(c.claim ? !claim(c, s, op) : accepted(c, s.out));
          },
          trace_of(1, op == op_code<ref::payment_channel::Open>));
  }

  // Replay binding, for the open and every co-signed transition.
  for (std::size_t t = 0; t < op_count; ++t) {
    const Op op = static_cast<Op>(t);
    if (op != op_code<ref::payment_channel::Open> && !ref::payment_channel::is_cosigned(op)) continue;
    add("replay_binding", std::string(op_name(op)), Kind::safety,
        "signatures made for any other (tag, chain_id, channel_id, sequence, balances) are rejected",
        "any configuration, any channel slot (no invariant assumed) and any `" + std::string(op_name(op)) +
            "` step whose two signatures were made over any (tag, chain_id, channel_id, sequence, balances) tuples, each "
            "valid exactly when its tuple is the checked one" +
            (op == op_code<ref::payment_channel::Open> ? " (for open: the opening state, sequence 0)" : "") +
            "; the digest an uninterpreted function, injective by ground inverse instances",
        [op, weakening](Context& c) { assert_replay_negation(c, op, weakening); });
  }

  add("watchtower_answer_accepted", "respond", Kind::safety,
      "a watchtower answer that passed find_latest's checks and WT-RESP-1..3 is accepted as a challenge and registers "
      "it: the adjudicator never rejects the tower's answer",
      "any configuration, a disputing channel that is conserved and well formed, and a challenge at a height below its "
      "dispute_deadline whose state has a higher sequence, balances summing to the capacity without overflow and both "
      "signatures valid (find_latest's checks and WT-RESP-1..3)",
      [weakening](Context& c) { assert_watchtower_negation(c, weakening); });

  add("latest_state_wins", "trace", Kind::bmc,
      "depth " + std::to_string(depths.latest_state) +
          ", open included, the other party unconstrained: if the honest participant, having seen the dispute, "
          "challenges with its latest co-signed state at a height the window admits, a channel that ends settled pays "
          "that state",
      "every trace of " + std::to_string(depths.latest_state) +
          " steps, any op by anyone at non-decreasing heights, opens only between the channel's two distinct "
          "participants, from an empty slot or a conserved channel holding a state both signed; any configuration; the "
          "honest participant signs one state per sequence up to its latest, each splitting the capacity, and no "
          "cooperative close, the other signs anything; in some step the honest participant, having seen the dispute, "
          "challenges with its latest state below dispute_deadline" +
          (weakening == Weakening::challenge_accepted_at_deadline ? " or at it" : "") + "; the channel ends settled",
      [weakening, steps = depths.latest_state](Context& c) { assert_latest_state_negation(c, weakening, steps, false); },
      trace_of(depths.latest_state, false));

  add("latest_state_wins_at_opening", "trace", Kind::bmc,
      "depth " + std::to_string(depths.latest_state_at_opening) +
          ", from before the open: if the honest participant's latest co-signed state is the opening state, a "
          "channel that ends settled pays the opening balances it signed",
      "every trace of " + std::to_string(depths.latest_state_at_opening) +
          " steps from before the open (no channel yet), any op by anyone at non-decreasing heights, opens only between "
          "the channel's two distinct participants; any configuration; the honest participant's latest state is the "
          "opening (sequence 0) and it signs nothing else, the other signs anything; in some step the honest "
          "participant, having seen the dispute, challenges with that state below dispute_deadline" +
          (weakening == Weakening::challenge_accepted_at_deadline ? " or at it" : "") + "; the channel ends settled",
      [weakening, steps = depths.latest_state_at_opening](Context& c) { assert_latest_state_negation(c, weakening, steps, true); },
      trace_of(depths.latest_state_at_opening, false));

  add("no_funds_locked_forever", "trace", Kind::bmc,
      "depth " + std::to_string(depths.unilateral) +
          ": either participant alone (timeout, then settle, no signature) ends any live channel in two moves whatever "
          "the other does; a channel that ever held value ends settled",
      "every trace of " + std::to_string(depths.unilateral) +
          " steps on one registered, conserved channel between two distinct participants, any op but open by anyone at "
          "non-decreasing heights, any configuration, at least two of them one participant's unsigned moves: timeout at "
          "max(now, timeout_height) while opening or active, settle at max(now, dispute_deadline) while disputing",
      [weakening, steps = depths.unilateral](Context& c) { assert_unilateral_negation(c, weakening, steps); },
      trace_of(depths.unilateral, false));

  add("honest_open_succeeds", "trace", Kind::bmc,
      std::to_string(squatter_opens) +
          " opens by anyone first, any keys, any signatures: the honest pair's co-signed open is accepted or already "
          "registered with its balances; no open without a key's signature uses up that key's quota",
      "any configuration PC-DEPLOY accepts; honest keys A != B, each below max_channels_per_user live channels, whose "
      "co-signed opening O splits a capacity within the bounds and who sign nothing else; " +
          std::to_string(squatter_opens) +
          " opens first by anyone with any keys, balances, capacity and signature verdicts, each addressing O's id "
          "exactly when it names (A, B) with O's nonce; then the honest open of O",
      [weakening](Context& c) { assert_honest_open_negation(c, weakening); },
      [weakening](const z3::model& m, const std::string& id, const std::string& statement) {
        return realise_honest_open(m, id, statement, weakening);
      });

  add("dispute_window_covers_censorship", "deploy", Kind::safety,
      "for every configuration PC-DEPLOY accepts, an answer included within censorship_bound_blocks of a dispute's "
      "start is inside the dispute window",
      "every configuration PC-DEPLOY accepts, a dispute starting at any height h with h + dispute_period_blocks below "
      "2^64 (no saturation), and an answer included at any height i with h < i <= h + censorship_bound_blocks",
      [weakening](Context& c) { assert_window_covers_censorship_negation(c, weakening); },
      [weakening](const z3::model& m, const std::string& id, const std::string& statement) {
        return realise_window_counterexample(m, id, statement, weakening);
      });
  return list;
}

ModelEntry registry_entry() {
  ModelEntry entry = model_entry("payment_channel", all_weakenings, weakening_name, parse_weakening, obligations);
  entry.trace_validation = trace_validation_stage(
      2000, 30, [](std::uint64_t seed, std::size_t traces, std::size_t steps, const std::function<void(std::size_t)>& progress) {
        return validate_random_traces(seed, traces, steps, progress);
      });
  return entry;
}

}  // namespace l2::inv::payment_channel
