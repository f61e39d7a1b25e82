// Z3 model of the channel VM's interpreter step (spec: channel_vm.md#the-z3-model).
//
// The machine is abstract: pc, gas_left, the stack's height, the memory's size in bytes, the call
// stack's depth and the number of storage slots, each a 64-bit bit-vector as the reference's u64.
// The step is the reference's `run` loop body for one instruction whose opcode is any defined byte
// of the reference's own table (`ref::channel_vm::opcode_table`: base gas, items popped and pushed,
// immediate size), whose operands (the top three stack items), DUP/SWAP index, code length, jump
// target, return address and storage slot are free, and whose limits are any that VM-LIM-1 accepts.
// The gas is the reference's, in u64 arithmetic that wraps as C++'s does: base + per-word charge +
// memory_cost(w_new) - memory_cost(w_old), memory_cost(w) = 3 w + floor(w^2 / 512). The checks run
// in the reference's order: VM-RUN-1 to VM-RUN-5 before anything changes, then the gas is taken,
// memory grows, and the instruction's own faults (VM-RUN-6 to VM-RUN-12) are decided. Values the
// resource claims do not depend on are free: MUL's overflow (a 64x64 multiplier would only slow the
// solver), whether a jump target is a JUMPDEST, and whether an outcome index is in range; ADD, SUB,
// DIV and MOD are exact. A free value over-approximates the reference, so every claim proved here
// holds of it.
#include "l2/inv/channel_vm_model.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "l2/ref/channel_vm.hpp"

namespace l2::inv::channel_vm {

std::string_view weakening_name(Weakening weakening) {
  switch (weakening) {
    case Weakening::none: return "none";
    case Weakening::gas_free_instruction: return "gas_free_instruction";
    case Weakening::unchecked_memory_limit: return "unchecked_memory_limit";
    case Weakening::unchecked_stack_limit: return "unchecked_stack_limit";
    case Weakening::unchecked_call_depth: return "unchecked_call_depth";
    case Weakening::unchecked_storage_limit: return "unchecked_storage_limit";
    case Weakening::grow_before_gas_check: return "grow_before_gas_check";
  }
  return "unknown";
}

std::optional<Weakening> parse_weakening(std::string_view name) {
  return parse_weakening_name(name, all_weakenings, weakening_name);
}

namespace {

using z3::expr;
using Error = ChannelVmError;
namespace vm = ref::channel_vm;
using vm::Opcode;

const std::string mechanism = "channel_vm";
constexpr unsigned word_bits = 64;

expr bv(z3::context& ctx, std::uint64_t value) { return ctx.bv_val(value, word_bits); }
expr u64_var(z3::context& ctx, const std::string& name) { return ctx.bv_const(name.c_str(), word_bits); }
// Error codes as 8-bit bit-vectors, so that every formula is QF_BV and Z3 bit-blasts it whole.
expr code(z3::context& ctx, Error error) { return ctx.bv_val(static_cast<unsigned>(error), 8); }
expr none(z3::context& ctx) { return code(ctx, Error::none); }

// The code of the first check that fails, in order, else `otherwise`.
expr first_failure(const std::vector<std::pair<expr, expr>>& checks, const expr& otherwise) {
  expr out = otherwise;
  for (auto it = checks.rbegin(); it != checks.rend(); ++it) out = z3::ite(it->first, it->second, out);
  return out;
}

// ceil(bytes / 32), the reference's words_of.
expr words_of(z3::context& ctx, const expr& bytes) {
  return z3::lshr(bytes, 5) + z3::ite((bytes & bv(ctx, 31)) != bv(ctx, 0), bv(ctx, 1), bv(ctx, 0));
}

// Memory sizes in words stay below 2^20 wherever the reference prices them: a range that passes
// VM-RUN-4 ends at or below max_memory_bytes <= 2^24 bytes = 2^19 words (memory_cost_no_overflow
// proves it of every step). A bit-blasted 64-bit multiplier made every gas claim time out, because
// SAT does not find that squares grow with their operand; so the model keeps each square w^2 as a
// value of its own, constrained by a lemma over its finite domain, which tests/unit/channel_vm_model_test.cpp checks
// exhaustively (Z3's nonlinear integer arithmetic did not answer it within its timeout): below 2^20
// words the square is below 2^40 (so the u64 product is exact), 0 for 0, and grows with w. Above 2^20 words
// (reachable only when VM-RUN-4 is weakened away) the square is free, as a wrapped u64 product may be.
constexpr unsigned narrow_bits = 20;

// memory_cost(w) = 3 w + floor(w^2 / 512), in wrapping u64 arithmetic, given w^2.
expr memory_cost(z3::context& ctx, const expr& words, const expr& square) {
  static_assert(vm::memory_quadratic_divisor == 512);
  return bv(ctx, vm::gas_memory_word) * words + z3::lshr(square, 9);
}

// ---- The limits and the machine ----

struct Limits {
  expr code_bytes, stack_items, memory_bytes, call_depth, storage_slots;
};

// Any limits check_limits accepts (VM-LIM-1).
Limits fresh_limits(z3::context& ctx, z3::solver& solver) {
  Limits l{u64_var(ctx, "limits.max_code_bytes"), u64_var(ctx, "limits.max_stack_items"),
           u64_var(ctx, "limits.max_memory_bytes"), u64_var(ctx, "limits.max_call_depth"),
           u64_var(ctx, "limits.max_storage_slots")};
  solver.add(z3::uge(l.code_bytes, bv(ctx, 1)) && z3::ule(l.code_bytes, bv(ctx, vm::code_bytes_ceiling)));
  solver.add(z3::uge(l.stack_items, bv(ctx, 1)) && z3::ule(l.stack_items, bv(ctx, vm::stack_items_ceiling)));
  solver.add(z3::ule(l.memory_bytes, bv(ctx, vm::memory_bytes_ceiling)) &&
             z3::urem(l.memory_bytes, bv(ctx, vm::memory_word_bytes)) == bv(ctx, 0));
  solver.add(z3::ule(l.call_depth, bv(ctx, vm::call_depth_ceiling)));
  solver.add(z3::ule(l.storage_slots, bv(ctx, vm::storage_slots_ceiling)));
  return l;
}

struct Machine {
  expr pc, gas_left, stack, memory, depth, slots;
};

Machine fresh_machine(z3::context& ctx, const std::string& p) {
  return {u64_var(ctx, p + ".pc"),     u64_var(ctx, p + ".gas_left"),   u64_var(ctx, p + ".stack_items"),
          u64_var(ctx, p + ".memory"), u64_var(ctx, p + ".call_depth"), u64_var(ctx, p + ".storage_slots")};
}

expr same(const Machine& a, const Machine& b) {
  return a.pc == b.pc && a.gas_left == b.gas_left && a.stack == b.stack && a.memory == b.memory &&
         a.depth == b.depth && a.slots == b.slots;
}

expr stack_within(const Machine& m, const Limits& l) { return z3::ule(m.stack, l.stack_items); }
expr memory_within(z3::context& ctx, const Machine& m, const Limits& l) {
  return z3::ule(m.memory, l.memory_bytes) && (m.memory & bv(ctx, 31)) == bv(ctx, 0);
}
expr depth_within(const Machine& m, const Limits& l) { return z3::ule(m.depth, l.call_depth); }
expr slots_within(const Machine& m, const Limits& l) { return z3::ule(m.slots, l.storage_slots); }
expr within_limits(z3::context& ctx, const Machine& m, const Limits& l) {
  return stack_within(m, l) && memory_within(ctx, m, l) && depth_within(m, l) && slots_within(m, l);
}

// ---- The instruction table, read from the reference ----

struct Table {
  expr defined, base, pops, pushes, immediate_bytes;
};

expr is(z3::context& ctx, const expr& op, Opcode opcode) { return op == ctx.bv_val(static_cast<unsigned>(opcode), 8); }

Table instruction_table(z3::context& ctx, const expr& op, Weakening weakening) {
  Table t{ctx.bool_val(false), bv(ctx, 0), bv(ctx, 0), bv(ctx, 0), bv(ctx, 0)};
  for (unsigned byte = 0; byte < vm::opcode_table.size(); ++byte) {
    const vm::OpcodeInfo& info = vm::opcode_table[byte];
    if (!info.defined) continue;
    const expr here = op == ctx.bv_val(byte, 8);
    const bool free = weakening == Weakening::gas_free_instruction && byte == static_cast<unsigned>(Opcode::jumpdest);
    t.defined = t.defined || here;
    t.base = z3::ite(here, bv(ctx, free ? 0 : info.gas), t.base);
    t.pops = z3::ite(here, bv(ctx, info.pops), t.pops);
    t.pushes = z3::ite(here, bv(ctx, info.pushes), t.pushes);
    t.immediate_bytes = z3::ite(here, bv(ctx, info.immediate_bytes), t.immediate_bytes);
  }
  return t;
}

// ---- One step ----

// What the reference's MemoryNeed computes: whether every range fits, and the end of the furthest.
struct Need {
  expr fits, end;
};

void touch(z3::context& ctx, Need& need, const expr& offset, const expr& length, const expr& max_memory_bytes,
           Weakening weakening) {
  const expr range_end = offset + length;
  expr bad = !z3::bvadd_no_overflow(offset, length, false) || z3::ugt(range_end, max_memory_bytes);
  if (weakening == Weakening::unchecked_memory_limit) bad = ctx.bool_val(false);
  const expr touches = length != bv(ctx, 0);
  const expr grows = touches && !bad && z3::ugt(range_end, need.end);
  need.fits = need.fits && !(touches && bad);
  need.end = z3::ite(grows, range_end, need.end);
}

struct Step {
  Limits limits;
  Machine pre;
  expr op, a, b, c;  // the opcode byte; b the top item, a below it, c below a (peek 0, 1, 2 = b, a, c)
  Table table;
  std::vector<expr> passes;  // VM-RUN-1 .. VM-RUN-5, each true when its check passes
  expr charged;              // all five pass: the cost is taken
  expr fault;                // the step's error code, none when it executes
  Need need;
  expr old_words, new_words, old_square, new_square, word_gas, expansion, cost;
  Machine decided;  // the machine when VM-RUN-1 .. 5 decide, i.e. what a fault of theirs leaves behind
  Machine post;     // the machine after a step without fault
};

Step step(z3::context& ctx, z3::solver& solver, Weakening weakening, bool assume_need_within = true) {
  const Limits l = fresh_limits(ctx, solver);
  const Machine m = fresh_machine(ctx, "pre");
  solver.add(within_limits(ctx, m, l));
  const expr op = ctx.bv_const("instruction.opcode", 8);
  const Table t = instruction_table(ctx, op, weakening);
  solver.add(t.defined);  // validate_code accepted the code (VM-CODE-2)
  const expr index = z3::zext(ctx.bv_const("instruction.dup_swap_index", 8), word_bits - 8);
  const expr code_length = u64_var(ctx, "env.code_length");
  solver.add(z3::uge(code_length, bv(ctx, 1)) && z3::ule(code_length, l.code_bytes));  // VM-CODE-1
  // Operands: peek(0) = top, peek(1), peek(2), read only once VM-RUN-2 passed.
  const expr top = u64_var(ctx, "pre.stack.peek0"), second = u64_var(ctx, "pre.stack.peek1"), third = u64_var(ctx, "pre.stack.peek2");
  const expr target_is_jumpdest = ctx.bool_const("env.code.target_is_jumpdest");
  const expr return_address = u64_var(ctx, "pre.call_stack.top");
  const expr slot_exists = ctx.bool_const("pre.storage.key_present");
  solver.add(z3::implies(slot_exists, z3::uge(m.slots, bv(ctx, 1))));  // a present key is one of the slots
  const expr mul_overflows = ctx.bool_const("pre.stack.mul_overflows");
  const expr outcome_index_ok = ctx.bool_const("pre.outcome_index_in_range");

  const auto op_is = [&](Opcode o) { return is(ctx, op, o); };
  const expr is_copy = op_is(Opcode::from_data_copy) || op_is(Opcode::to_data_copy);

  // VM-RUN-1 .. VM-RUN-3.
  const expr p1 = z3::ult(m.pc, code_length);
  const expr needed = z3::ite(op_is(Opcode::dup), index + bv(ctx, 1),
                              z3::ite(op_is(Opcode::swap), index + bv(ctx, 2), t.pops));
  const expr p2 = z3::uge(m.stack, needed);
  const expr growth = z3::ite(z3::ugt(t.pushes, t.pops), t.pushes - t.pops, bv(ctx, 0));
  const expr p3 = weakening == Weakening::unchecked_stack_limit ? ctx.bool_val(true)
                                                                 : z3::ule(m.stack + growth, l.stack_items);

  // VM-RUN-4: the ranges, as memory_need reads them from the operands.
  const auto need_of = [&](const std::vector<std::pair<expr, expr>>& ranges) {
    Need n{ctx.bool_val(true), bv(ctx, 0)};
    for (const auto& [offset, length] : ranges) touch(ctx, n, offset, length, l.memory_bytes, weakening);
    return n;
  };
  const Need word_range = need_of({{top, bv(ctx, 8)}});
  const Need byte_range = need_of({{top, bv(ctx, 1)}});
  const Need sha_ranges = need_of({{third, second}, {top, bv(ctx, 32)}});
  const Need copy_range = need_of({{top, second}});
  const expr is_word = op_is(Opcode::mload) || op_is(Opcode::mstore);
  const expr is_byte = op_is(Opcode::mload8) || op_is(Opcode::mstore8);
  const expr is_sha = op_is(Opcode::sha256);
  const auto pick = [&](auto field) {
    return z3::ite(is_word, field(word_range),
                   z3::ite(is_byte, field(byte_range),
                           z3::ite(is_sha, field(sha_ranges), z3::ite(is_copy, field(copy_range), field(Need{ctx.bool_val(true), bv(ctx, 0)})))));
  };
  const Need need{pick([](const Need& n) { return n.fits; }), pick([](const Need& n) { return n.end; })};
  const expr p4 = need.fits;
  // The lemma need_within_limit proves (on this same step, without assuming it): a step that passes
  // VM-RUN-4 touches nothing past max_memory_bytes. Assuming it here spares the solver rediscovering
  // it in every obligation; under unchecked_memory_limit it is false, and not assumed.
  if (assume_need_within && weakening != Weakening::unchecked_memory_limit)
    solver.add(z3::implies(p4, z3::ule(need.end, l.memory_bytes)));

  // The cost (instruction_cost), then VM-RUN-5.
  const expr length_words = words_of(ctx, second);
  const expr word_gas = z3::ite(is_sha && need.fits, bv(ctx, vm::gas_sha256_word) * length_words,
                                z3::ite(is_copy && need.fits, bv(ctx, vm::gas_copy_word) * length_words, bv(ctx, 0)));
  const expr old_words = z3::lshr(m.memory, 5);
  const expr new_words = words_of(ctx, need.end);
  const expr old_square = u64_var(ctx, "pre.memory_words_squared"), new_square = u64_var(ctx, "post.memory_words_squared");
  // mc_new - mc_old, written 3 (w_new - w_old) + (floor(new_square / 512) - floor(old_square / 512)): the same
  // u64 value (wrapping arithmetic is a ring), in a shape whose absence of wrap-around SAT sees piece by piece.
  const expr expansion =
      z3::ite(z3::ugt(new_words, old_words),
              bv(ctx, vm::gas_memory_word) * (new_words - old_words) + (z3::lshr(new_square, 9) - z3::lshr(old_square, 9)),
              bv(ctx, 0));
  // Ground instances of the square lemma: below 2^20 words the square is below 2^40, 0 for 0
  // words, and grows with the words.
  const expr narrow = bv(ctx, std::uint64_t{1} << narrow_bits);
  for (const auto& [words, squared] : {std::pair{old_words, old_square}, std::pair{new_words, new_square}}) {
    solver.add(z3::implies(z3::ult(words, narrow), z3::ult(squared, bv(ctx, std::uint64_t{1} << 40))));
    solver.add(z3::implies(words == bv(ctx, 0), squared == bv(ctx, 0)));
  }
  solver.add(z3::implies(z3::ult(old_words, narrow) && z3::ult(new_words, narrow) && z3::ugt(new_words, old_words),
                         z3::ugt(new_square, old_square)));
  const expr cost = t.base + word_gas + expansion;
  const expr p5 = z3::ule(cost, m.gas_left);
  const expr charged = p1 && p2 && p3 && p4 && p5;

  // The memory after growing to cover need.end.
  const expr grown_bytes = z3::shl(new_words, 5);
  const expr grown = z3::ite(z3::ugt(grown_bytes, m.memory), grown_bytes, m.memory);

  // The instruction's own faults, after the charge. a b -> : b is the top.
  const expr a = second, b = top;
  const expr arithmetic = (op_is(Opcode::add) && !z3::bvadd_no_overflow(a, b, false)) ||
                          (op_is(Opcode::sub) && z3::ult(a, b)) || (op_is(Opcode::mul) && mul_overflows);
  const expr by_zero = (op_is(Opcode::div) || op_is(Opcode::mod)) && b == bv(ctx, 0);
  const expr jumps = op_is(Opcode::jump) || op_is(Opcode::call) || (op_is(Opcode::jumpi) && second != bv(ctx, 0));
  const expr bad_jump = jumps && !target_is_jumpdest;
  const expr too_deep = weakening == Weakening::unchecked_call_depth ? ctx.bool_val(false)
                                                                     : op_is(Opcode::call) && z3::uge(m.depth, l.call_depth);
  const expr no_return = op_is(Opcode::ret) && m.depth == bv(ctx, 0);
  // SSTORE: value key -> ; key = top, value = second.
  const expr adds_slot = op_is(Opcode::sstore) && !slot_exists && second != bv(ctx, 0);
  const expr removes_slot = op_is(Opcode::sstore) && slot_exists && second == bv(ctx, 0);
  const expr storage_full = weakening == Weakening::unchecked_storage_limit ? ctx.bool_val(false)
                                                                            : adds_slot && z3::uge(m.slots, l.storage_slots);
  const expr bad_index = (op_is(Opcode::from_outcome) || op_is(Opcode::to_outcome)) && !outcome_index_ok;
  const expr own = first_failure({{arithmetic, code(ctx, Error::arithmetic_overflow)},
                                  {by_zero, code(ctx, Error::division_by_zero)},
                                  {bad_jump, code(ctx, Error::invalid_jump)},
                                  {too_deep, code(ctx, Error::call_depth)},
                                  {no_return, code(ctx, Error::return_underflow)},
                                  {storage_full, code(ctx, Error::storage_limit)},
                                  {bad_index, code(ctx, Error::outcome_index)}},
                                 none(ctx));
  const expr fault = first_failure({{!p1, code(ctx, Error::end_of_code)},
                                    {!p2, code(ctx, Error::stack_underflow)},
                                    {!p3, code(ctx, Error::stack_overflow)},
                                    {!p4, code(ctx, Error::memory_limit)},
                                    {!p5, code(ctx, Error::out_of_gas)}},
                                   own);

  // What VM-RUN-1 .. 5 leave behind: the machine as it was, but for the weakening that grows memory
  // before the gas check.
  Machine decided = m;
  if (weakening == Weakening::grow_before_gas_check) decided.memory = z3::ite(p1 && p2 && p3 && p4, grown, m.memory);

  const expr jump_taken = jumps;
  Machine post{z3::ite(jump_taken, top, z3::ite(op_is(Opcode::ret), return_address, m.pc + bv(ctx, 1) + t.immediate_bytes)),
               m.gas_left - cost,
               m.stack - t.pops + t.pushes,
               grown,
               z3::ite(op_is(Opcode::call), m.depth + bv(ctx, 1), z3::ite(op_is(Opcode::ret), m.depth - bv(ctx, 1), m.depth)),
               z3::ite(adds_slot, m.slots + bv(ctx, 1), z3::ite(removes_slot, m.slots - bv(ctx, 1), m.slots))};

  return Step{l,      m,       op,        a,         b,    third, t, {p1, p2, p3, p4, p5}, charged, fault, need, old_words,
              new_words, old_square, new_square, word_gas, expansion, cost, decided, post};
}

// ---- The obligations ----

using Assertion = ClaimAssertion;

Obligation obligation(const std::string& invariant, const std::string& transition, Kind kind, const std::string& statement,
                      const Assertion& assertion) {
  return make_claim_obligation(mechanism, invariant, transition, kind, statement, assertion);
}

// Every executed step costs at least 1 and at most gas_left, so gas_left strictly decreases.
void assert_gas_decreases(z3::context& ctx, z3::solver& solver, Weakening w, bool claim) {
  const Step s = step(ctx, solver, w);
  solver.add(s.charged);
  if (claim) {
    solver.add(!(z3::uge(s.cost, bv(ctx, 1)) && z3::ule(s.cost, s.pre.gas_left) && z3::ult(s.post.gas_left, s.pre.gas_left)));
  } else {
    solver.add(s.cost == s.pre.gas_left);  // the step takes the last gas
  }
}

// steps + gas_left <= gas_limit (in 66 bits): true at the start, kept by every executed step.
expr wide(const expr& value) { return z3::zext(value, 2); }

void assert_halts_init(z3::context& ctx, z3::solver& solver, Weakening, bool claim) {
  const expr gas_limit = u64_var(ctx, "env.gas_limit");
  const Machine m{bv(ctx, 0), gas_limit, bv(ctx, 0), bv(ctx, 0), bv(ctx, 0), bv(ctx, 0)};
  const expr steps = bv(ctx, 0);
  const expr claimed = z3::ule(wide(steps) + wide(m.gas_left), wide(gas_limit));
  if (claim) solver.add(!claimed);
  else solver.add(gas_limit == bv(ctx, 0));  // a run with no gas: the invariant is tight at once
}

void assert_halts_step(z3::context& ctx, z3::solver& solver, Weakening w, bool claim) {
  const Step s = step(ctx, solver, w);
  const expr gas_limit = u64_var(ctx, "env.gas_limit"), steps = u64_var(ctx, "pre.steps");
  solver.add(z3::ule(wide(steps) + wide(s.pre.gas_left), wide(gas_limit)));
  solver.add(s.charged);
  const expr after = wide(steps) + wide(ctx.bv_val(1, word_bits));
  const expr claimed = z3::ule(after + wide(s.post.gas_left), wide(gas_limit)) && z3::ule(after, wide(gas_limit));
  if (claim) solver.add(!claimed);
  else solver.add(wide(steps) + wide(s.pre.gas_left) == wide(gas_limit) && s.cost == bv(ctx, 1));
}

// A fault of VM-RUN-1 .. 5 is decided on the machine as it was; exactly one code comes out, the
// first failing check's in the reference's order; a fault of VM-RUN-6 .. 12 comes only after all
// five passed.
void assert_fault_changes_nothing(z3::context& ctx, z3::solver& solver, Weakening w, bool claim) {
  const Step s = step(ctx, solver, w);
  solver.add(s.fault != none(ctx));
  const std::vector<Error> checked = {Error::end_of_code, Error::stack_underflow, Error::stack_overflow,
                                      Error::memory_limit, Error::out_of_gas};
  expr claimed = ctx.bool_val(true);
  expr earlier = ctx.bool_val(true);
  expr by_checks = ctx.bool_val(false);
  for (std::size_t k = 0; k < checked.size(); ++k) {
    const expr is_k = s.fault == code(ctx, checked[k]);
    claimed = claimed && z3::implies(is_k, earlier && !s.passes[k] && same(s.decided, s.pre));
    earlier = earlier && s.passes[k];
    by_checks = by_checks || is_k;
  }
  claimed = claimed && z3::implies(!by_checks, s.charged);
  if (claim) {
    solver.add(!claimed);
  } else {
    // Out of gas on an instruction that would grow memory.
    solver.add(s.fault == code(ctx, Error::out_of_gas) && z3::ugt(z3::shl(s.new_words, 5), s.pre.memory));
  }
}

// Within VM-LIM-1, every u64 the cost is made of stays below 2^64, and the cost below 2^40.
void assert_memory_cost(z3::context& ctx, z3::solver& solver, Weakening w, bool claim) {
  const Step s = step(ctx, solver, w);
  solver.add(s.passes[0] && s.passes[1] && s.passes[2] && s.passes[3]);  // the cost is computed
  const expr narrow = bv(ctx, std::uint64_t{1} << narrow_bits);
  const auto cost_parts_fit = [&](const expr& words, const expr& squared) {
    const expr linear = bv(ctx, vm::gas_memory_word) * words;
    // w < 2^20: w^2 < 2^40 is the u64 product (the square lemma).
    return z3::ult(words, narrow) && z3::bvmul_no_overflow(bv(ctx, vm::gas_memory_word), words, false) &&
           z3::bvadd_no_overflow(linear, z3::lshr(squared, 9), false);
  };
  const expr length_words = words_of(ctx, s.a);
  const expr grows = z3::ugt(s.new_words, s.old_words);
  const expr claimed =
      cost_parts_fit(s.new_words, s.new_square) && cost_parts_fit(s.old_words, s.old_square) &&
      z3::implies(grows, z3::uge(memory_cost(ctx, s.new_words, s.new_square), memory_cost(ctx, s.old_words, s.old_square))) &&
      z3::bvmul_no_overflow(bv(ctx, vm::gas_sha256_word), length_words, false) &&
      z3::bvadd_no_overflow(s.table.base, s.word_gas, false) &&
      z3::bvadd_no_overflow(s.table.base + s.word_gas, s.expansion, false) &&
      z3::bvmul_no_overflow(s.new_words, bv(ctx, vm::memory_word_bytes), false) &&
      z3::ult(s.cost, bv(ctx, std::uint64_t{1} << 40));
  if (claim) {
    solver.add(!claimed);
  } else {
    // The largest expansion VM-LIM-1 allows: from nothing to 2^24 bytes in one SHA256.
    solver.add(s.limits.memory_bytes == bv(ctx, vm::memory_bytes_ceiling) && s.pre.memory == bv(ctx, 0) &&
               s.new_words == bv(ctx, vm::memory_bytes_ceiling / vm::memory_word_bytes) && is(ctx, s.op, Opcode::sha256));
  }
}

// A step that passes VM-RUN-4 touches nothing at or past max_memory_bytes.
void assert_need_within(z3::context& ctx, z3::solver& solver, Weakening w, bool claim) {
  const Step s = step(ctx, solver, w, false);
  solver.add(s.passes[0] && s.passes[1] && s.passes[2] && s.passes[3]);
  if (claim) solver.add(!z3::ule(s.need.end, s.limits.memory_bytes));
  else solver.add(s.need.end == s.limits.memory_bytes && s.limits.memory_bytes != bv(ctx, 0));
}

void assert_within_limits_init(z3::context& ctx, z3::solver& solver, Weakening, bool claim) {
  const Limits l = fresh_limits(ctx, solver);
  const Machine m{bv(ctx, 0), u64_var(ctx, "env.gas_limit"), bv(ctx, 0), bv(ctx, 0), bv(ctx, 0), bv(ctx, 0)};
  if (claim) solver.add(!within_limits(ctx, m, l));
  else solver.add(l.memory_bytes == bv(ctx, 0) && l.call_depth == bv(ctx, 0) && l.storage_slots == bv(ctx, 0));
}

// A step without fault keeps one resource within its limit; the premise: it grows to the limit.
void assert_bounded(z3::context& ctx, z3::solver& solver, Weakening w, bool claim,
                    const std::function<expr(const Step&, const Machine&)>& within,
                    const std::function<expr(const Machine&)>& amount, const std::function<expr(const Limits&)>& limit) {
  const Step s = step(ctx, solver, w);
  solver.add(s.fault == none(ctx));
  if (claim) solver.add(!within(s, s.post));
  else solver.add(amount(s.post) == limit(s.limits) && z3::ugt(amount(s.post), amount(s.pre)));
}

}  // namespace

std::vector<Obligation> obligations(Weakening w) {
  std::vector<Obligation> list;
  // The premises in words. `step_words`: what every one-step obligation ranges over (step()).
  const std::string weakened = weakened_rule_note(weakening_name(w));
  const std::string limits =
      "any limits VM-LIM-1 accepts (1.." + std::to_string(vm::code_bytes_ceiling) + " code bytes, 1.." +
      std::to_string(vm::stack_items_ceiling) + " stack items, memory a multiple of 32 up to 2^24 bytes, call depth up to " +
      std::to_string(vm::call_depth_ceiling) + ", storage slots up to " + std::to_string(vm::storage_slots_ceiling) + ")";
  const auto step_words = [&](const std::string& which, bool lemma) {
    return limits +
           ", any machine within them, and " + which +
           " of any defined opcode of the reference's table in code of 1..max_code_bytes bytes, with any operands, "
           "DUP/SWAP index, jump target, return address and storage key; MUL's overflow, JUMPDEST-ness and the outcome "
           "index's range free; u64 values as 64-bit bit-vectors" +
           (lemma && w != Weakening::unchecked_memory_limit ? "; the lemma need_within_limit assumed" : "") + weakened;
  };
  list.push_back(obligation(
      "gas_strictly_decreases", "step", Kind::safety,
      "for every instruction of the table, any operands and memory within VM-LIM-1, a step that passes VM-RUN-1..5 "
      "costs at least 1 and at most gas_left, so gas_left strictly decreases",
      [w](z3::context& ctx, z3::solver& solver, bool claim) { assert_gas_decreases(ctx, solver, w, claim); }));
  list.back().premise = step_words("a step that passes VM-RUN-1..5", true);
  list.push_back(obligation(
      "halts_within_gas", "init", Kind::initiation, "at the start of a run, steps + gas_left <= gas_limit (steps = 0)",
      [w](z3::context& ctx, z3::solver& solver, bool claim) { assert_halts_init(ctx, solver, w, claim); }));
  list.back().premise = "the machine a run starts with (pc 0, empty stack, memory, call stack and storage), any u64 "
                        "gas_limit as its gas_left, steps = 0";
  list.push_back(obligation(
      "halts_within_gas", "step", Kind::consecution,
      "every executed step keeps steps + gas_left <= gas_limit, so a run executes at most gas_limit instructions",
      [w](z3::context& ctx, z3::solver& solver, bool claim) { assert_halts_step(ctx, solver, w, claim); }));
  list.back().premise = "any u64 gas_limit and step count with steps + gas_left <= gas_limit (in 66 bits), " +
                        step_words("a step that passes VM-RUN-1..5", true);
  list.push_back(obligation(
      "fault_changes_nothing", "step", Kind::safety,
      "a fault of VM-RUN-1..5 is decided on the unchanged machine and is the first failing check in the reference's "
      "order; a fault of VM-RUN-6..12 comes only after all five passed",
      [w](z3::context& ctx, z3::solver& solver, bool claim) { assert_fault_changes_nothing(ctx, solver, w, claim); }));
  list.back().premise = step_words("a step that faults", true);
  list.push_back(obligation(
      "memory_cost_no_overflow", "step", Kind::safety,
      "within VM-LIM-1 (max_memory_bytes <= 2^24), memory_cost of the old and new size, the per-word charge and the "
      "cost's sum never overflow a u64, and the cost stays below 2^40",
      [w](z3::context& ctx, z3::solver& solver, bool claim) { assert_memory_cost(ctx, solver, w, claim); }));
  list.back().premise = step_words("a step that passes VM-RUN-1..4 (so its cost is computed)", true);
  list.push_back(obligation(
      "need_within_limit", "step", Kind::safety,
      "a step that passes VM-RUN-4 touches no memory byte at or past max_memory_bytes (the lemma every other step "
      "obligation assumes)",
      [w](z3::context& ctx, z3::solver& solver, bool claim) { assert_need_within(ctx, solver, w, claim); }));
  list.back().premise = step_words("a step that passes VM-RUN-1..4", false);
  list.push_back(obligation(
      "within_limits", "init", Kind::initiation,
      "the machine a run starts with (empty stack, memory, call stack and storage) is within any limits VM-LIM-1 "
      "accepts",
      [w](z3::context& ctx, z3::solver& solver, bool claim) { assert_within_limits_init(ctx, solver, w, claim); }));
  list.back().premise =
      limits + " and the machine a run starts with (pc 0, empty stack, memory, call stack and storage, any gas_limit)";
  list.push_back(obligation(
      "stack_bounded", "step", Kind::consecution,
      "a step without fault leaves at most max_stack_items on the stack when it found at most that many",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        assert_bounded(
            ctx, solver, w, claim, [](const Step& s, const Machine& m) { return stack_within(m, s.limits); },
            [](const Machine& m) { return m.stack; }, [](const Limits& l) { return l.stack_items; });
      }));
  list.back().premise = step_words("a step without fault", true);
  list.push_back(obligation(
      "memory_bounded", "step", Kind::consecution,
      "a step without fault leaves memory a whole number of words of at most max_memory_bytes",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        assert_bounded(
            ctx, solver, w, claim,
            [&ctx](const Step& s, const Machine& m) { return memory_within(ctx, m, s.limits); },
            [](const Machine& m) { return m.memory; }, [](const Limits& l) { return l.memory_bytes; });
      }));
  list.back().premise = step_words("a step without fault", true);
  list.push_back(obligation(
      "call_depth_bounded", "step", Kind::consecution,
      "a step without fault leaves at most max_call_depth return addresses on the call stack",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        assert_bounded(
            ctx, solver, w, claim, [](const Step& s, const Machine& m) { return depth_within(m, s.limits); },
            [](const Machine& m) { return m.depth; }, [](const Limits& l) { return l.call_depth; });
      }));
  list.back().premise = step_words("a step without fault", true);
  list.push_back(obligation(
      "storage_bounded", "step", Kind::consecution,
      "a step without fault leaves at most max_storage_slots storage slots",
      [w](z3::context& ctx, z3::solver& solver, bool claim) {
        assert_bounded(
            ctx, solver, w, claim, [](const Step& s, const Machine& m) { return slots_within(m, s.limits); },
            [](const Machine& m) { return m.slots; }, [](const Limits& l) { return l.storage_slots; });
      }));
  list.back().premise = step_words("a step without fault", true);
  return list;
}

ModelEntry registry_entry() {
  return model_entry("channel_vm", all_weakenings, weakening_name, parse_weakening, obligations);
}

}  // namespace l2::inv::channel_vm
