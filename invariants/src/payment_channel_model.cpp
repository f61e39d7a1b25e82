// Z3 model of the payment-channel adjudicator: the transition relation of one channel, the
// obligations over it, trace validation of concrete steps, and counterexamples as vectors.
// spec: payment_channel.md#the-z3-model, README.md#the-formal-layer
#include "l2/inv/payment_channel_model.hpp"

#include <algorithm>
#include <array>
#include <sstream>

#include <nlohmann/json.hpp>

#include "l2/codec/json.hpp"
#include "l2/ref/schnorr.hpp"

namespace l2::inv::payment_channel {

std::string_view weakening_name(Weakening weakening) {
  switch (weakening) {
    case Weakening::none: return "none";
    case Weakening::update_accepts_equal_sequence: return "update_accepts_equal_sequence";
    case Weakening::challenge_accepted_at_deadline: return "challenge_accepted_at_deadline";
  }
  return "unknown";
}

std::optional<Weakening> parse_weakening(std::string_view name) {
  for (Weakening w : {Weakening::none, Weakening::update_accepts_equal_sequence, Weakening::challenge_accepted_at_deadline})
    if (weakening_name(w) == name) return w;
  return std::nullopt;
}

namespace {

using z3::expr;
using pc::ChannelState;
using E = ChannelError;

constexpr std::string_view mechanism_name = "payment_channel";

// ---------------------------------------------------------------------------------------------
// Symbolic state. Every u64 is a 64-bit bit-vector; keys, ids and hashes are 256-bit ones.

struct Config {
  expr chain_id, max_per_user, timeout_blocks, dispute_blocks, min_capacity, max_capacity;
};

// The addressed channel. `exists` is false when no channel has the addressed id.
struct Chan {
  expr exists, phase, p0, p1, b0, b1, capacity, sequence, created_at, timeout_height, deadline, funded, funding;
};

// A step's input: the fields of every op's input, of which each op reads its own, plus the
// abstract signature verdicts and, for open, the live-channel counts of its two keys.
struct In {
  expr op, height, sequence, b0, b1, capacity, p0, p1, funding, sig0, sig1, live0, live1;
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
  expr code(E e) { return ctx_.bv_val(static_cast<unsigned>(e), 8); }
  expr phase(ChannelState s) { return ctx_.bv_val(static_cast<unsigned>(s), 8); }
  expr opcode(Op op) { return ctx_.bv_val(static_cast<unsigned>(op), 8); }
  expr zero256() { return ctx_.bv_val(0, 256); }
  expr u64max() { return u64v(u64_max); }

  // checked_add's overflow test, exactly as the reference writes it [CHK-ADD-1]; the primitives
  // obligations prove it equals true overflow.
  expr overflows(const expr& a, const expr& b) { return z3::ugt(a, u64max() - b); }
  expr saturating_add(const expr& a, const expr& b) { return z3::ite(overflows(a, b), u64max(), a + b); }

  expr bv(const std::string& name, unsigned width) { return ctx_.bv_const(name.c_str(), width); }
  expr boolean(const std::string& name) { return ctx_.bool_const(name.c_str()); }

  Config config(const std::string& p) {
    return {bv(p + ".chain_id", 64),       bv(p + ".max_channels_per_user", 64), bv(p + ".channel_timeout_blocks", 64),
            bv(p + ".dispute_period_blocks", 64), bv(p + ".min_channel_capacity", 64), bv(p + ".max_channel_capacity", 64)};
  }
  Chan chan(const std::string& p) {
    return {boolean(p + ".exists"),     bv(p + ".phase", 8),          bv(p + ".participant0", 256),
            bv(p + ".participant1", 256), bv(p + ".balance0", 64),     bv(p + ".balance1", 64),
            bv(p + ".total_capacity", 64), bv(p + ".sequence", 64),    bv(p + ".created_at", 64),
            bv(p + ".timeout_height", 64), bv(p + ".dispute_deadline", 64), boolean(p + ".funded"),
            bv(p + ".funding_tx_hash", 256)};
  }
  In input(const std::string& p) {
    return {bv(p + ".op", 8),          bv(p + ".height", 64),        bv(p + ".sequence_number", 64),
            bv(p + ".balance0", 64),   bv(p + ".balance1", 64),      bv(p + ".total_capacity", 64),
            bv(p + ".participant0", 256), bv(p + ".participant1", 256), bv(p + ".funding_tx_hash", 256),
            boolean(p + ".signature0_valid"), boolean(p + ".signature1_valid"), bv(p + ".live0", 64), bv(p + ".live1", 64)};
  }

  Chan select(const expr& c, const Chan& a, const Chan& b) {
    return {z3::ite(c, a.exists, b.exists),     z3::ite(c, a.phase, b.phase),
            z3::ite(c, a.p0, b.p0),             z3::ite(c, a.p1, b.p1),
            z3::ite(c, a.b0, b.b0),             z3::ite(c, a.b1, b.b1),
            z3::ite(c, a.capacity, b.capacity), z3::ite(c, a.sequence, b.sequence),
            z3::ite(c, a.created_at, b.created_at), z3::ite(c, a.timeout_height, b.timeout_height),
            z3::ite(c, a.deadline, b.deadline), z3::ite(c, a.funded, b.funded),
            z3::ite(c, a.funding, b.funding)};
  }
  expr same(const Chan& a, const Chan& b) {
    return a.exists == b.exists && a.phase == b.phase && a.p0 == b.p0 && a.p1 == b.p1 && a.b0 == b.b0 && a.b1 == b.b1 &&
           a.capacity == b.capacity && a.sequence == b.sequence && a.created_at == b.created_at &&
           a.timeout_height == b.timeout_height && a.deadline == b.deadline && a.funded == b.funded && a.funding == b.funding;
  }

  // The error of the first failing check, in the order given; `none` when all pass.
  expr first_failure(const std::vector<std::pair<expr, E>>& checks) {
    expr result = code(E::none);
    for (auto it = checks.rbegin(); it != checks.rend(); ++it) result = z3::ite(it->first, code(it->second), result);
    return result;
  }

  // The transition relation: for each op, its checks in the reference's order and its effect.
  Out step(const Config& cfg, const Chan& pre, const In& in, Weakening weakening) {
    const expr unknown = !pre.exists;  // [PC-CHAN-1]
    const expr sum = in.b0 + in.b1;
    // check_balances against a capacity, then check_signatures [PC-BAL-1, PC-BAL-2, PC-SIG-1, PC-SIG-2]
    auto cosigned = [&](std::vector<std::pair<expr, E>> checks) {
      checks.emplace_back(overflows(in.b0, in.b1), E::balance_overflow);
      checks.emplace_back(sum != pre.capacity, E::balance_mismatch);
      checks.emplace_back(!in.sig0, E::bad_signature_0);
      checks.emplace_back(!in.sig1, E::bad_signature_1);
      return first_failure(checks);
    };
    auto with = [&](Chan c, auto&& edit) {
      edit(c);
      return c;
    };
    // open [PC-OPEN-1, PC-BAL-1, PC-BAL-2, PC-OPEN-2, PC-OPEN-3, PC-OPEN-4, PC-OPEN-5]
    const expr open_error = first_failure({{in.p0 == in.p1, E::same_participants},
                                           {overflows(in.b0, in.b1), E::balance_overflow},
                                           {sum != in.capacity, E::balance_mismatch},
                                           {z3::ult(in.capacity, cfg.min_capacity), E::capacity_too_small},
                                           {z3::ugt(in.capacity, cfg.max_capacity), E::capacity_too_large},
                                           {z3::uge(in.live0, cfg.max_per_user) || z3::uge(in.live1, cfg.max_per_user),
                                            E::too_many_channels},
                                           {pre.exists, E::duplicate_channel}});
    const Chan opened{ctx_.bool_val(true), phase(ChannelState::opening), in.p0, in.p1, in.b0, in.b1, in.capacity,
                      u64v(0), in.height, saturating_add(in.height, cfg.timeout_blocks), u64v(0),
                      ctx_.bool_val(false), zero256()};

    // fund [PC-CHAN-1, PC-FUND-1, PC-FUND-2]
    const expr fund_error = first_failure({{unknown, E::unknown_channel},
                                           {pre.phase != phase(ChannelState::opening), E::fund_not_opening},
                                           {z3::uge(in.height, pre.timeout_height), E::funding_expired}});
    const Chan funded = with(pre, [&](Chan& c) {
      c.phase = phase(ChannelState::active);
      c.funded = ctx_.bool_val(true);
      c.funding = in.funding;
    });

    const Chan registered = with(pre, [&](Chan& c) {
      c.sequence = in.sequence;
      c.b0 = in.b0;
      c.b1 = in.b1;
    });

    // update [PC-CHAN-1, PC-UPD-1, PC-UPD-2, then the co-signed checks]
    const expr update_stale = weakening == Weakening::update_accepts_equal_sequence ? z3::ult(in.sequence, pre.sequence)
                                                                                     : z3::ule(in.sequence, pre.sequence);
    const expr update_error = cosigned({{unknown, E::unknown_channel},
                                        {pre.phase != phase(ChannelState::active), E::update_not_active},
                                        {update_stale, E::stale_sequence}});

    // cooperative_close [PC-CHAN-1, PC-COOP-1, PC-COOP-2, then the co-signed checks]
    const expr coop_error = cosigned({{unknown, E::unknown_channel},
                                      {pre.phase != phase(ChannelState::active), E::coop_not_active},
                                      {z3::ule(in.sequence, pre.sequence), E::coop_stale_sequence}});
    const Chan closed_cooperatively = with(registered, [&](Chan& c) { c.phase = phase(ChannelState::settled); });

    // force_close [PC-CHAN-1, PC-FORCE-1, PC-FORCE-2, then the co-signed checks]
    const expr force_error = cosigned({{unknown, E::unknown_channel},
                                       {pre.phase != phase(ChannelState::active), E::force_not_active},
                                       {z3::ult(in.sequence, pre.sequence), E::force_stale_sequence}});
    const Chan disputed = with(registered, [&](Chan& c) {
      c.phase = phase(ChannelState::disputing);
      c.deadline = saturating_add(in.height, cfg.dispute_blocks);
    });

    // challenge [PC-CHAL-1, PC-CHAL-2, PC-CHAL-3, then the co-signed checks]
    const expr too_late = weakening == Weakening::challenge_accepted_at_deadline ? z3::ugt(in.height, pre.deadline)
                                                                                 : z3::uge(in.height, pre.deadline);
    const expr challenge_error = cosigned({{unknown, E::unknown_channel},
                                           {pre.phase != phase(ChannelState::disputing), E::challenge_not_disputing},
                                           {too_late, E::challenge_too_late},
                                           {z3::ule(in.sequence, pre.sequence), E::challenge_stale_sequence}});

    // settle [PC-CHAN-1, PC-SETTLE-1, PC-SETTLE-2]
    const expr settle_error = first_failure({{unknown, E::unknown_channel},
                                             {pre.phase != phase(ChannelState::disputing), E::settle_not_disputing},
                                             {z3::ult(in.height, pre.deadline), E::settle_too_early}});
    const Chan settled = with(pre, [&](Chan& c) { c.phase = phase(ChannelState::settled); });

    // timeout [PC-CHAN-1, PC-TIMEOUT-1, PC-TIMEOUT-2]
    const expr was_opening = pre.phase == phase(ChannelState::opening);
    const expr timeout_error =
        first_failure({{unknown, E::unknown_channel},
                       {!was_opening && pre.phase != phase(ChannelState::active), E::timeout_wrong_phase},
                       {z3::ult(in.height, pre.timeout_height), E::timeout_not_reached}});
    const Chan timed_out = with(pre, [&](Chan& c) {
      c.phase = z3::ite(was_opening, phase(ChannelState::closed), phase(ChannelState::disputing));
      c.deadline = z3::ite(was_opening, pre.deadline, saturating_add(in.height, cfg.dispute_blocks));
    });

    const std::array<std::pair<expr, Chan>, op_count> effects = {{
        {open_error, opened},
        {fund_error, funded},
        {update_error, registered},
        {coop_error, closed_cooperatively},
        {force_error, disputed},
        {challenge_error, registered},
        {settle_error, settled},
        {timeout_error, timed_out},
    }};
    expr error = effects[op_count - 1].first;
    Chan next = effects[op_count - 1].second;
    for (std::size_t i = op_count - 1; i-- > 0;) {
      const expr is_op = in.op == opcode(static_cast<Op>(i));
      error = z3::ite(is_op, effects[i].first, error);
      next = select(is_op, effects[i].second, next);
    }
    // A rejected step changes nothing.
    return {error, select(error == code(E::none), next, pre)};
  }

  expr live(const expr& phase_value) {
    return phase_value == phase(ChannelState::opening) || phase_value == phase(ChannelState::active) ||
           phase_value == phase(ChannelState::disputing);
  }

  // Conservation of one channel: its balances add up to its capacity without overflow.
  expr conserved(const Chan& c) { return z3::implies(c.exists, !overflows(c.b0, c.b1) && c.b0 + c.b1 == c.capacity); }

  // Well-formedness: a known phase, and funded exactly when the channel got past `opening` by funding.
  expr well_formed(const Chan& c) {
    const expr funded_phase = c.phase == phase(ChannelState::active) || c.phase == phase(ChannelState::disputing) ||
                              c.phase == phase(ChannelState::settled);
    return z3::implies(c.exists, z3::ule(c.phase, phase(ChannelState::settled)) && c.funded == funded_phase);
  }

  // The state invariant every reachable channel satisfies.
  expr invariant(const Chan& c) { return conserved(c) && well_formed(c); }

 private:
  z3::context& ctx_;
};

// ---------------------------------------------------------------------------------------------
// Concrete values <-> bit-vectors.

expr hash_bv(z3::context& ctx, const Hash32& h) {
  expr out = ctx.bv_val(static_cast<std::uint64_t>(0), 64);
  for (std::size_t limb = 0; limb < 4; ++limb) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | h[limb * 8 + i];
    const expr part = ctx.bv_val(v, 64);
    out = limb == 0 ? part : z3::concat(out, part);
  }
  return out;
}

Chan evaluated(const z3::model& m, const Chan& c) {
  auto v = [&](const expr& e) { return m.eval(e, true); };
  return {v(c.exists),   v(c.phase),    v(c.p0),         v(c.p1),           v(c.b0),     v(c.b1),     v(c.capacity),
          v(c.sequence), v(c.created_at), v(c.timeout_height), v(c.deadline), v(c.funded), v(c.funding)};
}

std::uint64_t eval_u64(const z3::model& m, const expr& e) { return m.eval(e, true).get_numeral_uint64(); }
bool eval_bool(const z3::model& m, const expr& e) { return m.eval(e, true).is_true(); }
Hash32 eval_hash(const z3::model& m, const expr& e) {
  Hash32 h{};
  for (unsigned limb = 0; limb < 4; ++limb) {
    const std::uint64_t v = m.eval(e.extract(255 - 64 * limb, 192 - 64 * limb), true).get_numeral_uint64();
    for (std::size_t i = 0; i < 8; ++i) h[limb * 8 + i] = static_cast<u8>(v >> (56 - 8 * i));
  }
  return h;
}

// The rules each op's checks cite, for a counterexample vector's "rules".
std::vector<std::string> rules_of(Op op) {
  switch (op) {
    case Op::open: return {"PC-OPEN-1", "PC-OPEN-2", "PC-OPEN-3", "PC-OPEN-4", "PC-OPEN-5", "PC-BAL-1", "PC-BAL-2"};
    case Op::fund: return {"PC-CHAN-1", "PC-FUND-1", "PC-FUND-2"};
    case Op::update: return {"PC-CHAN-1", "PC-UPD-1", "PC-UPD-2", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"};
    case Op::cooperative_close: return {"PC-CHAN-1", "PC-COOP-1", "PC-COOP-2", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"};
    case Op::force_close: return {"PC-CHAN-1", "PC-FORCE-1", "PC-FORCE-2", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"};
    case Op::challenge: return {"PC-CHAN-1", "PC-CHAL-1", "PC-CHAL-2", "PC-CHAL-3", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"};
    case Op::settle: return {"PC-CHAN-1", "PC-SETTLE-1", "PC-SETTLE-2"};
    case Op::timeout: return {"PC-CHAN-1", "PC-TIMEOUT-1", "PC-TIMEOUT-2"};
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Projection of a concrete adjudicator and step onto the model's variables.

struct Projection {
  std::optional<std::size_t> index;  // the addressed channel, if registered
  Hash32 id{};
  bool sig0 = false, sig1 = false;
  u64 live0 = 0, live1 = 0;
  Hash32 p0{}, p1{}, funding{};
  u64 sequence = 0, b0 = 0, b1 = 0, capacity = 0;
};

Hash32 signed_digest(const pc::Adjudicator& a, Op op, const pc::OffChainTransaction& tx) {
  return op == Op::cooperative_close ? pc::close_digest(a.chain_id, tx.channel_id, tx.sequence_number, tx.new_balances)
                                     : pc::state_digest(a.chain_id, tx.channel_id, tx.sequence_number, tx.new_balances);
}

Projection project(const pc::Adjudicator& a, const Step& step, const SignatureOracle& oracle) {
  Projection p;
  if (const auto* open = std::get_if<pc::OpenInput>(&step.input)) {
    p.id = pc::channel_id(a.chain_id, a.adjudicator_id, open->participants, open->nonce);
    p.p0 = open->participants[0];
    p.p1 = open->participants[1];
    p.b0 = open->balances[0];
    p.b1 = open->balances[1];
    p.capacity = open->total_capacity;
    p.live0 = pc::live_channels_of(a, p.p0);
    p.live1 = pc::live_channels_of(a, p.p1);
  } else if (const auto* fund = std::get_if<pc::FundInput>(&step.input)) {
    p.id = fund->channel_id;
    p.funding = fund->funding_tx_hash;
  } else if (const auto* tx = std::get_if<pc::OffChainTransaction>(&step.input)) {
    p.id = tx->channel_id;
    p.sequence = tx->sequence_number;
    p.b0 = tx->new_balances[0];
    p.b1 = tx->new_balances[1];
  } else {
    p.id = std::get<pc::ChannelRef>(step.input).channel_id;
  }
  p.index = pc::find_channel(a, p.id);
  if (const auto* tx = std::get_if<pc::OffChainTransaction>(&step.input); tx != nullptr && p.index) {
    const pc::PaymentChannel& c = a.channels[*p.index];
    const Hash32 digest = signed_digest(a, step.op, *tx);
    p.sig0 = oracle(c.participants[0], digest, tx->signatures[0]);
    p.sig1 = oracle(c.participants[1], digest, tx->signatures[1]);
  }
  return p;
}

bool input_matches_op(const Step& step) {
  switch (step.op) {
    case Op::open: return std::holds_alternative<pc::OpenInput>(step.input);
    case Op::fund: return std::holds_alternative<pc::FundInput>(step.input);
    case Op::settle:
    case Op::timeout: return std::holds_alternative<pc::ChannelRef>(step.input);
    default: return std::holds_alternative<pc::OffChainTransaction>(step.input);
  }
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

Engine::Outcome Engine::apply(const pc::Adjudicator& a, const Step& step) {
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
  m.fix_bool(m.pre.exists, p.index.has_value());
  const pc::PaymentChannel none{};
  const pc::PaymentChannel& c = p.index ? a.channels[*p.index] : none;
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
  m.fix_bool(m.pre.funded, c.funding_tx_hash.has_value());
  m.fix(m.pre.funding, c.funding_tx_hash.value_or(Hash32{}));
  m.solver.add(m.in.op == m.b.opcode(step.op));
  m.fix(m.in.height, step.height);
  m.fix(m.in.sequence, p.sequence);
  m.fix(m.in.b0, p.b0);
  m.fix(m.in.b1, p.b1);
  m.fix(m.in.capacity, p.capacity);
  m.fix(m.in.p0, p.p0);
  m.fix(m.in.p1, p.p1);
  m.fix(m.in.funding, p.funding);
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
  pc::PaymentChannel next = c;
  next.state = static_cast<ChannelState>(eval_u64(model, post.phase));
  next.participants = {eval_hash(model, post.p0), eval_hash(model, post.p1)};
  next.balances = {eval_u64(model, post.b0), eval_u64(model, post.b1)};
  next.total_capacity = eval_u64(model, post.capacity);
  next.sequence = eval_u64(model, post.sequence);
  next.created_at = eval_u64(model, post.created_at);
  next.timeout_height = eval_u64(model, post.timeout_height);
  next.dispute_deadline = eval_u64(model, post.deadline);
  next.funding_tx_hash = eval_bool(model, post.funded) ? std::optional<Hash32>(eval_hash(model, post.funding)) : std::nullopt;

  // Exactly one outcome: no other error code or post-state satisfies the relation.
  m.solver.add(m.out.error != m.ctx.bv_val(static_cast<unsigned>(error), 8) || !m.b.same(post, evaluated(model, post)));
  const z3::check_result second = m.solver.check();
  m.solver.pop();
  if (second != z3::unsat) {
    result.ambiguous = second == z3::sat;
    result.problem = second == z3::sat ? "the model admits a second outcome" : "z3: " + m.solver.reason_unknown();
    return result;
  }

  result.error = static_cast<E>(error);
  if (result.error != E::none) return result;
  if (step.op == Op::open) {
    next.channel_id = p.id;
    result.post.channels.push_back(next);
  } else {
    result.post.channels[*p.index] = next;
  }
  return result;
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

// ---- Counterexamples as vectors ----

struct Keys {
  std::array<Hash32, 3> secret{}, pubkey{};
  explicit Keys(const Hash32& seed) {
    for (u32 i = 0; i < 3; ++i) {
      secret[i] = ref::bip340::secret_from_seed(seed, i);
      pubkey[i] = ref::bip340::pubkey_from_secret(secret[i]).value();
    }
  }
  pc::Signature sign(std::size_t who, const Hash32& digest) const {
    return ref::bip340::sign(secret[who], digest, Hash32{}).value();
  }
};

nlohmann::json expect_json(const Engine::Outcome& outcome) {
  if (outcome.error == E::none)
    return {{"outcome", "ok"}, {"post_state", codec::to_json(outcome.post)}, {"state_root", to_hex(pc::state_root(outcome.post))}};
  const ErrorInfo info = error_info(outcome.error);
  return {{"outcome", "invalid"}, {"error", std::string(info.code)}, {"rule", std::string(info.rule_id)}, {"reason", std::string(info.summary)}};
}

// The model's trace (pre-state and step variables named `<prefix><i>.*`) realised with real keys
// and signatures, then replayed through the (possibly weakened) model for the expected outcomes.
std::string render_counterexample(const z3::model& model, const std::string& id, const std::string& statement,
                                  Weakening weakening, std::size_t steps, bool first_step_is_open) {
  z3::context& ctx = model.ctx();
  Builder b(ctx);
  const Config cfg = b.config("cfg");
  const Chan pre = b.chan("pre");
  const std::string seed_text = "l2spec/prove/counterexample/" + id;
  const Hash32 seed = ref::sha256(std::span<const u8>(reinterpret_cast<const u8*>(seed_text.data()), seed_text.size()));
  const Keys keys(seed);

  pc::Adjudicator a{};
  a.chain_id = eval_u64(model, cfg.chain_id);
  a.adjudicator_id = ref::tagged_hash("L2/prove/adjudicator", seed);
  a.config = {eval_u64(model, cfg.max_per_user), eval_u64(model, cfg.timeout_blocks), eval_u64(model, cfg.dispute_blocks),
              eval_u64(model, cfg.min_capacity), eval_u64(model, cfg.max_capacity)};
  const std::array<Hash32, 2> participants{keys.pubkey[0], keys.pubkey[1]};
  const Hash32 id_of_channel = pc::channel_id(a.chain_id, a.adjudicator_id, participants, 0);
  const Hash32 absent_id = ref::tagged_hash("L2/prove/absent", seed);

  // Open's live-channel counts are realised as that many live channels with a third key.
  if (first_step_is_open) {
    const In in0 = b.input("s0");
    const u64 live0 = eval_u64(model, in0.live0), live1 = eval_u64(model, in0.live1);
    if (live0 > 16 || live1 > 16) return "";
    for (std::size_t who = 0; who < 2; ++who)
      for (u64 n = 0; n < (who == 0 ? live0 : live1); ++n) {
        pc::PaymentChannel filler{};
        filler.participants = {keys.pubkey[who], keys.pubkey[2]};
        filler.channel_id = pc::channel_id(a.chain_id, a.adjudicator_id, filler.participants, 1000 + n);
        filler.state = ChannelState::opening;
        a.channels.push_back(filler);
      }
  }
  if (eval_bool(model, pre.exists)) {
    pc::PaymentChannel c{};
    c.channel_id = id_of_channel;
    c.participants = participants;
    c.state = static_cast<ChannelState>(eval_u64(model, pre.phase));
    c.balances = {eval_u64(model, pre.b0), eval_u64(model, pre.b1)};
    c.total_capacity = eval_u64(model, pre.capacity);
    c.sequence = eval_u64(model, pre.sequence);
    c.created_at = eval_u64(model, pre.created_at);
    c.timeout_height = eval_u64(model, pre.timeout_height);
    c.dispute_deadline = eval_u64(model, pre.deadline);
    if (eval_bool(model, pre.funded)) c.funding_tx_hash = eval_hash(model, pre.funding);
    a.channels.push_back(c);
  }
  const Hash32 addressed = eval_bool(model, pre.exists) ? id_of_channel : absent_id;

  std::vector<Step> trace;
  for (std::size_t i = 0; i < steps; ++i) {
    const In in = b.input("s" + std::to_string(i));
    const u64 opcode = eval_u64(model, in.op);
    if (opcode >= op_count) return "";
    Step step;
    step.op = static_cast<Op>(opcode);
    step.height = eval_u64(model, in.height);
    switch (step.op) {
      case Op::open: {
        const Hash32 second = eval_bool(model, in.p0 == in.p1) ? keys.pubkey[0] : keys.pubkey[1];
        step.input = pc::OpenInput{{keys.pubkey[0], second}, {eval_u64(model, in.b0), eval_u64(model, in.b1)},
                                   eval_u64(model, in.capacity), 0};
        break;
      }
      case Op::fund: step.input = pc::FundInput{addressed, eval_hash(model, in.funding)}; break;
      case Op::settle:
      case Op::timeout: step.input = pc::ChannelRef{addressed}; break;
      default: {
        pc::OffChainTransaction tx{addressed, eval_u64(model, in.sequence), {eval_u64(model, in.b0), eval_u64(model, in.b1)}, {}};
        const Hash32 digest = signed_digest(a, step.op, tx);
        tx.signatures[0] = keys.sign(eval_bool(model, in.sig0) ? 0 : 2, digest);
        tx.signatures[1] = keys.sign(eval_bool(model, in.sig1) ? 1 : 2, digest);
        step.input = tx;
      }
    }
    trace.push_back(step);
  }

  Engine engine(weakening);
  nlohmann::json json_steps = nlohmann::json::array();
  std::vector<std::string> rules;
  pc::Adjudicator state = a;
  for (const Step& step : trace) {
    const Engine::Outcome outcome = engine.apply(state, step);
    if (!outcome.problem.empty()) return "";
    nlohmann::json input = std::visit([](const auto& value) { return codec::to_json(value); }, step.input);
    json_steps.push_back({{"op", std::string(op_name(step.op))}, {"height", std::to_string(step.height)},
                          {"input", input}, {"expect", expect_json(outcome)}});
    for (const std::string& rule : rules_of(step.op))
      if (std::find(rules.begin(), rules.end(), rule) == rules.end()) rules.push_back(rule);
    if (outcome.error == E::none) state = outcome.post;
  }
  std::string name;
  for (char ch : id) name += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : (std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_');
  std::string description = "counterexample to " + id + ": " + statement + ". Expected outcomes are the model's";
  if (weakening != Weakening::none) description += " with the rule weakening " + std::string(weakening_name(weakening));
  const nlohmann::json document = {{"schema", "l2spec/case"},  {"schema_version", "1.0.0"},
                                   {"generator", "l2spec prove"}, {"mechanism", std::string(mechanism_name)},
                                   {"suite", "counterexample"},  {"case", name},
                                   {"description", description}, {"rules", rules},
                                   {"seed", to_hex(seed)},       {"pre_state", codec::to_json(a)},
                                   {"steps", json_steps}};
  return document.dump(2) + "\n";
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

expr accepted(Context& c, const Out& out) { return out.error == c.b.code(E::none); }

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
                    switch (op) {
                      case Op::open: allowed = !s.pre.exists && to == b.phase(ChannelState::opening); break;
                      case Op::fund: allowed = edge(ChannelState::opening, ChannelState::active); break;
                      case Op::update: allowed = edge(ChannelState::active, ChannelState::active); break;
                      case Op::cooperative_close: allowed = edge(ChannelState::active, ChannelState::settled); break;
                      case Op::force_close: allowed = edge(ChannelState::active, ChannelState::disputing); break;
                      case Op::challenge: allowed = edge(ChannelState::disputing, ChannelState::disputing); break;
                      case Op::settle: allowed = edge(ChannelState::disputing, ChannelState::settled); break;
                      case Op::timeout:
                        allowed = edge(ChannelState::opening, ChannelState::closed) ||
                                  edge(ChannelState::active, ChannelState::disputing);
                        break;
                    }
                    return z3::ite(accepted(c, s.out), allowed && s.out.post.exists && b.well_formed(s.out.post),
                                   b.same(s.out.post, s.pre));
                  }});
  list.push_back({"sequence_monotonicity",
                  "sequence never decreases; update, cooperative_close and challenge strictly increase it; nothing is "
                  "accepted for a closed or settled channel",
                  [](Context& c, const OneStep& s, Op op) {
                    Builder& b = c.b;
                    const expr ok = accepted(c, s.out);
                    const bool strict = op == Op::update || op == Op::cooperative_close || op == Op::challenge;
                    const expr terminal = s.pre.phase == b.phase(ChannelState::closed) ||
                                          s.pre.phase == b.phase(ChannelState::settled);
                    return z3::implies(ok && s.pre.exists, z3::uge(s.out.post.sequence, s.pre.sequence)) &&
                           z3::implies(ok, strict ? z3::ugt(s.out.post.sequence, s.pre.sequence) : c.ctx.bool_val(true)) &&
                           z3::implies(s.pre.exists && terminal, !ok);
                  }});
  list.push_back({"dispute_window",
                  "entering disputing sets dispute_deadline = min(height + dispute_period_blocks, UINT64_MAX); the "
                  "deadline never moves; a disputed state changes only below the deadline and settles only at or after it",
                  [](Context& c, const OneStep& s, Op) {
                    Builder& b = c.b;
                    const expr ok = accepted(c, s.out);
                    const expr was = s.pre.exists && s.pre.phase == b.phase(ChannelState::disputing);
                    const expr is = s.out.post.phase == b.phase(ChannelState::disputing);
                    const expr height = s.in.height;
                    return z3::implies(ok && was, s.out.post.deadline == s.pre.deadline) &&
                           z3::implies(ok && !was && is, s.out.post.deadline == b.saturating_add(height, c.cfg.dispute_blocks) &&
                                                             z3::uge(s.out.post.deadline, height)) &&
                           z3::implies(ok && was && s.out.post.phase == b.phase(ChannelState::settled),
                                       z3::uge(height, s.pre.deadline)) &&
                           z3::implies(ok && was && is, z3::ult(height, s.pre.deadline));
                  }});
  list.push_back({"per_user_limit",
                  "no key is in more than max_channels_per_user live channels: open adds one live channel per key only "
                  "below the limit, and no other step makes a channel live",
                  [](Context& c, const OneStep& s, Op op) {
                    Builder& b = c.b;
                    const expr ok = accepted(c, s.out);
                    if (op == Op::open)
                      return z3::implies(ok, z3::ule(s.in.live0 + 1, c.cfg.max_per_user) &&
                                                 z3::ule(s.in.live1 + 1, c.cfg.max_per_user) &&
                                                 z3::ugt(s.in.live0 + 1, s.in.live0) && z3::ugt(s.in.live1 + 1, s.in.live1));
                    return z3::implies(s.out.post.exists && b.live(s.out.post.phase), s.pre.exists && b.live(s.pre.phase));
                  }});
  return list;
}

// Replay binding: the digest is an uninterpreted function, injective by ground instances of its
// inverse functions (collision resistance), and each key's signature validates exactly the one
// digest its holder signed (unforgeability). A step whose signatures were made for any other
// (tag, chain, channel, sequence, balances) is rejected.
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
  const std::array<expr, 6> checked{op == Op::cooperative_close ? close_tag : state_tag, c.cfg.chain_id, channel,
                                    s.in.sequence, s.in.b0, s.in.b1};
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
  s.in = b.input("s0");
  c.solver.add(s.in.sig0 == (signed_digest[0] == checked_digest));
  c.solver.add(s.in.sig1 == (signed_digest[1] == checked_digest));
  s.out = b.step(c.cfg, s.pre, s.in, weakening);
  c.solver.add(s.in.op == b.opcode(op));
  // Premise: with signatures made for the checked tuple itself, the step can be accepted.
  c.solver.add(c.claim ? replayed : !replayed);
  c.solver.add(accepted(c, s.out));
}

// Bounded model checking over `depth` steps of one channel from an invariant-satisfying state.
struct Unrolled {
  Chan start;
  std::vector<In> inputs;
  std::vector<Chan> states;  // states[i] is before step i; states[depth] is the end
};

Unrolled unroll(Context& c, std::size_t depth, Weakening weakening) {
  Unrolled u{c.b.chan("pre"), {}, {}};
  c.solver.add(c.b.invariant(u.start) && u.start.exists);
  u.states.push_back(u.start);
  for (std::size_t i = 0; i < depth; ++i) {
    const In in = c.b.input("s" + std::to_string(i));
    // Open addresses a different channel id, so it is left out: it cannot touch this one.
    c.solver.add(z3::uge(in.op, c.b.opcode(Op::fund)) && z3::ule(in.op, c.b.opcode(Op::timeout)));
    if (i > 0) c.solver.add(z3::uge(in.height, u.inputs.back().height));  // time never runs backwards
    u.inputs.push_back(in);
    u.states.push_back(c.b.step(c.cfg, u.states.back(), in, weakening).post);
  }
  return u;
}

constexpr std::size_t latest_state_depth = 6;
constexpr std::size_t unilateral_depth = 6;

// Latest state wins: the honest participant holds the latest co-signed state (sequence H). Its
// key signed no later state and exactly one state at H; it signed no cooperative close. The other
// participant signs anything. In every trace of `latest_state_depth` steps in which the honest
// participant, having seen the dispute, submits its state as a challenge at a height PC-CHAL-2
// admits, a channel that ends settled pays the honest state.
void assert_latest_state_negation(Context& c, Weakening weakening) {
  Builder& b = c.b;
  const Unrolled u = unroll(c, latest_state_depth, weakening);
  const expr honest_is_1 = b.boolean("honest_is_participant1");
  const expr h_seq = b.bv("honest.sequence", 64), h_b0 = b.bv("honest.balance0", 64), h_b1 = b.bv("honest.balance1", 64);
  c.solver.add(!b.overflows(h_b0, h_b1) && h_b0 + h_b1 == u.start.capacity);
  auto cosigned = [&](const expr& seq, const expr& b0, const expr& b1) {
    return z3::ule(seq, h_seq) && z3::implies(seq == h_seq, b0 == h_b0 && b1 == h_b1);
  };
  // The registered state is one both signed (sequence 0 is the opening split both agreed to).
  c.solver.add(cosigned(u.start.sequence, u.start.b0, u.start.b1));
  c.solver.add(u.start.phase == b.phase(ChannelState::active) || u.start.phase == b.phase(ChannelState::disputing));
  expr honest_acted = c.ctx.bool_val(false);
  expr dispute_seen = c.ctx.bool_val(false);
  for (std::size_t i = 0; i < latest_state_depth; ++i) {
    const In& in = u.inputs[i];
    const Chan& before = u.states[i];
    dispute_seen = dispute_seen || before.phase == b.phase(ChannelState::disputing);
    const expr honest = b.boolean("s" + std::to_string(i) + ".honest");
    const expr honest_signature = z3::ite(honest_is_1, in.sig1, in.sig0);
    c.solver.add(z3::implies(honest, in.op == b.opcode(Op::challenge) && in.sequence == h_seq && in.b0 == h_b0 &&
                                         in.b1 == h_b1 && in.sig0 && in.sig1));
    c.solver.add(z3::implies(!honest && honest_signature && in.op == b.opcode(Op::cooperative_close), c.ctx.bool_val(false)));
    c.solver.add(z3::implies(!honest && honest_signature, cosigned(in.sequence, in.b0, in.b1)));
    const expr in_window = weakening == Weakening::challenge_accepted_at_deadline ? z3::ule(in.height, before.deadline)
                                                                                 : z3::ult(in.height, before.deadline);
    // The honest participant saw the dispute and submits at a height inside the window; the other
    // may still order its own steps of the same block first.
    honest_acted = honest_acted || (honest && dispute_seen && in_window);
  }
  const Chan& end = u.states.back();
  c.solver.add(honest_acted);
  c.solver.add(end.phase == b.phase(ChannelState::settled));
  if (c.claim) c.solver.add(!(end.sequence == h_seq && end.b0 == h_b0 && end.b1 == h_b1));
}

// No funds locked forever: one participant alone, reacting to whatever the other does, ends the
// channel. Its move needs no signature: on an opening or active channel, `timeout` at
// max(now, timeout_height); on a disputing one, `settle` at max(now, dispute_deadline). In every
// trace of `unilateral_depth` steps with at least two such moves, the channel ends closed or
// settled, settled if it was ever funded, and no such move on a live channel is rejected.
void assert_unilateral_negation(Context& c, Weakening weakening) {
  Builder& b = c.b;
  const Unrolled u = unroll(c, unilateral_depth, weakening);
  expr moves = c.ctx.bv_val(0, 8);
  expr move_rejected = c.ctx.bool_val(false);
  for (std::size_t i = 0; i < unilateral_depth; ++i) {
    const In& in = u.inputs[i];
    const Chan& before = u.states[i];
    const expr mine = b.boolean("s" + std::to_string(i) + ".unilateral");
    const expr previous = i == 0 ? b.bv("now", 64) : u.inputs[i - 1].height;
    const expr disputing = before.phase == b.phase(ChannelState::disputing);
    const expr bound = z3::ite(disputing, before.deadline, before.timeout_height);
    const expr height = z3::ite(z3::uge(previous, bound), previous, bound);
    c.solver.add(z3::implies(mine, in.op == z3::ite(disputing, b.opcode(Op::settle), b.opcode(Op::timeout)) &&
                                       in.height == height));
    const Out out = b.step(c.cfg, before, in, weakening);
    move_rejected = move_rejected || (mine && b.live(before.phase) && out.error != b.code(E::none));
    moves = moves + z3::ite(mine, c.ctx.bv_val(1, 8), c.ctx.bv_val(0, 8));
  }
  const Chan& end = u.states.back();
  const expr ended = end.phase == b.phase(ChannelState::closed) || end.phase == b.phase(ChannelState::settled);
  c.solver.add(z3::uge(moves, c.ctx.bv_val(2, 8)));
  if (c.claim) c.solver.add(move_rejected || !ended || (end.funded && end.phase != b.phase(ChannelState::settled)));
  else c.solver.add(b.live(u.start.phase) && u.start.funded);
}

// The watchtower's answer (watchtower.md#respond) is always accepted by the adjudicator: an
// appointment passed WT-APPT-5..7 when it was taken (balances sum to the channel's capacity, both
// signatures valid over the state digest; a signature's validity is a pure function of key, digest
// and signature, and the keys, chain and channel id never change), and respond checks WT-RESP-2..4
// (disputing, registered sequence below the appointment's, height below the deadline). So the
// challenge it submits passes every PC-CHAL and PC-BAL/PC-SIG rule, WT-RESP-5 is unreachable, and
// the registered state becomes the appointment.
void assert_watchtower_negation(Context& c, Weakening weakening) {
  Builder& b = c.b;
  const Chan pre = b.chan("pre");
  const In in = b.input("s0");
  c.solver.add(b.invariant(pre));
  c.solver.add(in.op == b.opcode(Op::challenge));
  // The appointment's own checks [WT-APPT-5, WT-APPT-6, WT-APPT-7].
  c.solver.add(!b.overflows(in.b0, in.b1) && in.b0 + in.b1 == pre.capacity && in.sig0 && in.sig1);
  // respond's checks [WT-RESP-2, WT-RESP-3, WT-RESP-4].
  c.solver.add(pre.exists && pre.phase == b.phase(ChannelState::disputing));
  c.solver.add(z3::ult(pre.sequence, in.sequence));
  c.solver.add(z3::ult(in.height, pre.deadline));
  const Out out = b.step(c.cfg, pre, in, weakening);
  if (c.claim)
    c.solver.add(!(out.error == b.code(E::none) && out.post.sequence == in.sequence && out.post.b0 == in.b0 &&
                 out.post.b1 == in.b1 && out.post.phase == b.phase(ChannelState::disputing)));
}

}  // namespace

std::vector<Obligation> obligations(Weakening weakening) {
  std::vector<Obligation> list;
  // One obligation; `witness_steps` > 0 renders its counterexamples as vector cases of that many
  // steps (trace "s0", "s1", ...), the first an open when `open_first`.
  auto add = [&](std::string invariant, std::string transition, Kind kind, std::string statement,
                 std::function<void(Context&)> negation, std::size_t witness_steps = 0, bool open_first = false) {
    list.push_back(make_obligation(std::string(mechanism_name), std::move(invariant), std::move(transition), kind,
                                   std::move(statement), [negation](z3::context& ctx, z3::solver& solver) {
                                     Context c(ctx, solver, true);
                                     negation(c);
                                   }));
    list.back().assert_premise = [negation](z3::context& ctx, z3::solver& solver) {
      Context c(ctx, solver, false);
      negation(c);
    };
    if (witness_steps > 0)
      list.back().witness = [=, id = list.back().id(), statement = list.back().statement](const z3::model& m) {
        return render_counterexample(m, id, statement, weakening, witness_steps, open_first);
      };
  };

  // Initiation: the empty adjudicator has no channel; every channel `open` creates satisfies the
  // state invariant and starts at sequence 0, unfunded, with no deadline.
  add("state_invariant", "open", Kind::initiation,
      "a channel created by open is conserved and well formed, opening, sequence 0, unfunded",
      [weakening](Context& c) {
        const OneStep s = one_step(c, Op::open, weakening);
        c.solver.add(!s.pre.exists);
        c.solver.add(accepted(c, s.out));
        if (c.claim)
          c.solver.add(!(c.b.invariant(s.out.post) && s.out.post.exists && s.out.post.phase == c.b.phase(ChannelState::opening) &&
                         s.out.post.sequence == c.b.u64v(0) && !s.out.post.funded));
      },
      1, true);

  // Consecution: each invariant against each transition.
  for (std::size_t t = 0; t < op_count; ++t) {
    const Op op = static_cast<Op>(t);
    for (const Invariant& inv : step_invariants())
      add(inv.name, std::string(op_name(op)), Kind::consecution, inv.statement,
          [op, weakening, claim = inv.claim](Context& c) {
            const OneStep s = one_step(c, op, weakening);
            // Premise: the transition can accept a step from a state that satisfies the invariant.
            c.solver.add(c.claim ? !claim(c, s, op) : accepted(c, s.out));
          },
          1, op == Op::open);
  }

  // Replay binding, for every co-signed transition.
  for (Op op : {Op::update, Op::cooperative_close, Op::force_close, Op::challenge})
    add("replay_binding", std::string(op_name(op)), Kind::safety,
        "signatures made for any other (tag, chain_id, channel_id, sequence, balances) are rejected",
        [op, weakening](Context& c) { assert_replay_negation(c, op, weakening); });

  add("watchtower_answer_accepted", "respond", Kind::safety,
      "a watchtower answer that passed WT-APPT-5..7 and WT-RESP-2..4 is accepted as a challenge and registers the "
      "appointment, so WT-RESP-5 is unreachable",
      [weakening](Context& c) { assert_watchtower_negation(c, weakening); });

  add("latest_state_wins", "trace", Kind::bmc,
      "depth " + std::to_string(latest_state_depth) +
          ": if the honest participant, having seen the dispute, challenges with its latest co-signed state at a height "
          "the window admits, a channel that ends settled pays that state",
      [weakening](Context& c) { assert_latest_state_negation(c, weakening); }, latest_state_depth);

  add("no_funds_locked_forever", "trace", Kind::bmc,
      "depth " + std::to_string(unilateral_depth) +
          ": either participant alone (timeout, then settle, no signature) ends any live channel in two moves whatever "
          "the other does; a funded channel ends settled",
      [weakening](Context& c) { assert_unilateral_negation(c, weakening); }, unilateral_depth);
  return list;
}

}  // namespace l2::inv::payment_channel
