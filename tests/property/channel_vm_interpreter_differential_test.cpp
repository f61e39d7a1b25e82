// Differential test: the optimized channel VM (l2::opt::channel_vm: validate, run in its three
// dispatch modes, from_validated, VmApp) against the reference (l2::ref::channel_vm::validate_code,
// run, VmApp). For every program, move, gas limit and limits: the same validation error, or the
// same run result: the same halt, gas_used and storage (reflect::equal on the Outcome), or the same
// fault code.
// Programs: structured ones (straight-line arithmetic on boundary values; a counter loop that
// stores into storage; CALL/RET recursion; memory at the limits' edges with MLOAD/MSTORE, their
// 8-bit forms, SHA256 and the data copies; storage writes, overwrites and deletions; every read of
// the move context), random streams of defined instructions whose jumps aim at JUMPDESTs, beside
// them or anywhere, and raw bytes. Moves: random fixed parts (0 to 4 participants), outcomes of
// random length and boundary amounts, app_data of 0 to 40 bytes, boundary turns. Gas: a large limit,
// then, when the run halts there, exactly the gas it used, one less (where the reference must run
// out of gas) and one more, plus random and tiny limits. Limits: each field at and around the values
// programs hit (1, 2, 3 stack items; 0, 32, 64 memory bytes; 0 and 1 call levels and slots; the
// code's own size), at its ceilings, and one past its range (VM_UNSAFE_LIMITS); validation and run
// may use different limits.
// A deterministic test runs one program per fault code of the VM, and per precedence between two
// faults that apply at once, each with its expected code worked out by hand from channel_vm.md.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <iostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "l2/opt/channel_vm.hpp"
#include "l2/ref/channel_vm.hpp"
#include "l2/ref/channel_vm_assembler.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/state_channel.hpp"
#include "l2/test/rapidcheck_runs.hpp"

namespace {

using l2::Bytes;
using l2::ChannelVmError;
using l2::Hash32;
using l2::u64;
using l2::u8;
namespace vm = l2::ref::channel_vm;
namespace opt = l2::opt::channel_vm;
namespace state_channel = l2::ref::state_channel;
using vm::Opcode;
using vm::VmLimits;
using RunResult = l2::Result<vm::Outcome, ChannelVmError>;

constexpr u64 u64_max = l2::u64_max;
constexpr u64 large_gas = 60'000;
// Cases per property: together about 2 s at the tests' -Og on one core.
constexpr int structured_cases = 25000;
constexpr int stream_cases = 25000;
constexpr int raw_cases = 8000;
constexpr int app_cases = 3000;

// ---- building programs ---------------------------------------------------------------------------

using Asm = vm::Assembler;

// The random choices a program, its move and its limits are built from: RapidCheck shrinks them
// toward 0, which shrinks the program (a 0 picks the first, simplest option everywhere). Past the
// end of the generated values, a splitmix64 sequence seeded by the last one continues.
class Choices {
 public:
  explicit Choices(std::vector<u64> values) : values_(std::move(values)) {}
  u64 next() {
    if (at_ < values_.size()) {
      state_ ^= values_[at_];
      return values_[at_++];
    }
    u64 z = (state_ += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }
  u64 below(u64 n) { return n == 0 ? 0 : next() % n; }
  bool chance(u64 percent) { return below(100) < percent; }
  template <class T>
  T pick(std::initializer_list<T> options) {
    return *(options.begin() + below(options.size()));
  }
  // A word where arithmetic breaks: 0, 1, small, powers of two and their neighbours, the top.
  u64 word() {
    switch (below(10)) {
      case 0: return 0;
      case 1: return 1;
      case 2: return below(8);
      case 3: return below(256);
      case 4: {
        const u64 k = below(64);
        return (u64{1} << k) + pick<u64>({0, 1, u64_max});
      }
      case 5: return u64_max - below(3);
      case 6: return u64{1} << 32;
      case 7: return pick<u64>({63, 64, 65});
      default: return next();
    }
  }
  // A memory offset near the end of one of the memory limits the test uses, or far beyond.
  u64 offset() {
    const u64 edge = pick<u64>({0, 32, 64, 96, 128, 1024, 131072, u64{1} << 24});
    switch (below(8)) {
      case 0:
      case 1:
      case 2:
      case 3: return below(200);
      case 4:
      case 5: {
        const u64 back = pick<u64>({1, 7, 8, 9, 31, 32, 33});
        return edge >= back ? edge - back : 0;
      }
      case 6: return edge + below(2);
      default: return pick<u64>({u64_max, u64_max - 7, u64_max - 31, u64{1} << 63, u64{1} << 32});
    }
  }
  u64 length() { return pick<u64>({0, 1, 8, 31, 32, 33, 64, 100, 1000, 1u << 20, u64_max}); }

 private:
  std::vector<u64> values_;
  std::size_t at_ = 0;
  u64 state_ = 0;
};

const std::vector<Opcode>& all_opcodes() {
  static const std::vector<Opcode> opcodes = [] {
    std::vector<Opcode> out;
    for (unsigned b = 0; b < 256; ++b)
      if (vm::opcode_info(static_cast<u8>(b)).defined) out.push_back(static_cast<Opcode>(b));
    return out;
  }();
  return opcodes;
}

void halt(Asm& a, Choices& c) {
  a.op(c.pick({Opcode::accept, Opcode::accept, Opcode::reject, Opcode::stop}));
}

// Straight-line arithmetic on boundary words; each result is stored.
Bytes straight_line(Choices& c) {
  Asm a;
  const u64 count = 1 + c.below(12);
  for (u64 k = 0; k < count; ++k) {
    const Opcode o = c.pick({Opcode::add, Opcode::sub, Opcode::mul, Opcode::div, Opcode::mod, Opcode::lt, Opcode::gt,
                             Opcode::eq, Opcode::bit_and, Opcode::bit_or, Opcode::bit_xor, Opcode::shl, Opcode::shr,
                             Opcode::iszero, Opcode::bit_not});
    a.push(c.word());
    if (vm::opcode_info(static_cast<u8>(o)).pops == 2) a.push(c.word());
    a.op(o).store(k);
  }
  if (c.chance(10)) a.op(Opcode::pop);  // one pop too many: an underflow
  if (!c.chance(5)) halt(a, c);         // or fall off the end
  return a.finish();
}

// A counter loop: n iterations, an accumulator updated by ADD, MUL or XOR, stored at key n each time.
Bytes counter_loop(Choices& c) {
  Asm a;
  const std::size_t loop = a.label(), done = a.label();
  a.push(c.below(70)).push(c.word());  // [n, acc]
  a.bind(loop);
  a.push(c.pick<u64>({1, 2, 3, 1000, u64_max / 4})).op(c.pick({Opcode::add, Opcode::mul, Opcode::bit_xor}));
  if (c.chance(70)) a.dup(0).dup(2).op(Opcode::sstore);  // storage[n] = acc
  a.swap(0).push(1).op(Opcode::sub);                      // [acc, n - 1]
  a.dup(0).op(Opcode::iszero).push_label(done).op(Opcode::jumpi);
  a.swap(0).push_label(loop).op(Opcode::jump);
  a.bind(done).op(Opcode::pop).store(c.below(3));
  halt(a, c);
  return a.finish();
}

// sum(n) = n + sum(n - 1) by CALL and RET, n up to 90 levels deep; sometimes a stray RET.
Bytes recursion(Choices& c) {
  Asm a;
  const std::size_t f = a.label(), base = a.label();
  if (c.chance(5)) a.op(Opcode::ret);
  a.push(c.below(90)).push_label(f).op(Opcode::call).store(0);
  if (c.chance(10)) a.op(Opcode::ret);
  halt(a, c);
  a.bind(f).dup(0).op(Opcode::iszero).push_label(base).op(Opcode::jumpi);  // [n]
  a.dup(0).push(1).op(Opcode::sub).push_label(f).op(Opcode::call);         // [n, sum(n - 1)]
  a.op(Opcode::add).op(Opcode::ret);
  a.bind(base).op(Opcode::ret);
  return a.finish();
}

// Memory at the edges of the limits: loads, stores, SHA256 and data copies; loaded words are stored.
Bytes memory_ops(Choices& c) {
  Asm a;
  const u64 count = 1 + c.below(10);
  for (u64 k = 0; k < count; ++k) {
    switch (c.below(7)) {
      case 0: a.push(c.word()).push(c.offset()).op(Opcode::mstore); break;
      case 1: a.push(c.offset()).op(Opcode::mload).store(k); break;
      case 2: a.push(c.word()).push(c.offset()).op(Opcode::mstore8); break;
      case 3: a.push(c.offset()).op(Opcode::mload8).store(k); break;
      case 4: a.push(c.offset()).push(c.length()).push(c.offset()).op(Opcode::sha256); break;
      case 5:
        a.push(c.pick<u64>({0, 1, 5, 39, 40, 41, u64_max})).push(c.length()).push(c.offset());
        a.op(c.pick({Opcode::from_data_copy, Opcode::to_data_copy}));
        break;
      default: a.push(c.below(4) * 8).op(Opcode::mload).store(k); break;
    }
  }
  a.push(0).op(Opcode::mload).store(100);
  halt(a, c);
  return a.finish();
}

// Storage writes over a few keys: new slots, overwrites, deletions (value 0), reads copied.
Bytes storage_ops(Choices& c) {
  Asm a;
  const u64 count = 1 + c.below(16);
  for (u64 k = 0; k < count; ++k) {
    const u64 key = c.chance(10) ? u64_max - c.below(2) : c.below(6);
    if (c.chance(25)) {
      a.push(key).op(Opcode::sload).store(c.below(6));
    } else {
      a.push(c.chance(30) ? 0 : c.word()).store(key);
    }
  }
  halt(a, c);
  return a.finish();
}

// Every read of the move context; outcome indices around the outcomes' lengths.
Bytes context_reads(Choices& c) {
  Asm a;
  const u64 count = 1 + c.below(10);
  for (u64 k = 0; k < count; ++k) {
    const Opcode o = c.pick({Opcode::participants, Opcode::mover, Opcode::from_turn, Opcode::to_turn, Opcode::from_final,
                             Opcode::to_final, Opcode::from_outcome, Opcode::to_outcome, Opcode::from_data_size,
                             Opcode::to_data_size});
    if (o == Opcode::from_outcome || o == Opcode::to_outcome) a.push(c.chance(10) ? u64_max : c.below(5));
    a.op(o).store(k);
  }
  if (c.chance(50)) a.push(0).push(8).push(0).op(Opcode::to_data_copy).push(0).op(Opcode::mload).store(50);
  halt(a, c);
  return a.finish();
}

// The runs of instructions the optimized interpreter fuses into one handler (DUP then a binary
// instruction; ISZERO, PUSH and JUMPI, with or without a DUP before them; a PUSH then a binary
// instruction) on boundary words, with DUP indices past the stack's depth and jump targets that
// are a JUMPDEST, the byte after one, or past the end; loaded between them so that every fault of
// the second instruction (overflow, division by zero, invalid jump) happens inside the run.
Bytes fused_runs(Choices& c) {
  Asm a;
  std::vector<std::size_t> labels;
  for (u64 k = 0; k < 4; ++k) labels.push_back(a.label());
  std::size_t bound = 0;
  const auto target = [&] {
    switch (c.below(6)) {
      case 0: a.push(c.word()); break;
      case 1: a.push_label(labels[c.below(labels.size())]).push(1).op(Opcode::add); break;  // one byte into it
      default: a.push_label(labels[c.below(labels.size())]); break;
    }
  };
  const Opcode binary[] = {Opcode::add, Opcode::sub, Opcode::mul, Opcode::div, Opcode::mod, Opcode::lt, Opcode::gt,
                           Opcode::eq, Opcode::bit_and, Opcode::bit_or, Opcode::bit_xor, Opcode::shl, Opcode::shr};
  for (u64 items = 0; items < 4; ++items) a.push(c.word());  // deep enough for most DUPs
  const u64 count = 1 + c.below(10);
  for (u64 k = 0; k < count; ++k) {
    for (u64 items = c.below(3); items > 0; --items) a.push(c.word());
    switch (c.below(5)) {
      case 0:
      case 1: a.dup(c.below(4)).op(binary[c.below(std::size(binary))]).store(k); break;
      case 2: a.dup(c.below(4)).push(c.word()).op(binary[c.below(std::size(binary))]).store(k); break;
      case 3:
        a.op(Opcode::iszero);
        target();
        a.op(Opcode::jumpi);
        break;
      default:
        a.dup(c.below(4)).op(Opcode::iszero);
        target();
        a.op(Opcode::jumpi);
        break;
    }
    if (bound < labels.size() && c.chance(30)) {
      a.bind(labels[bound]).push(k).store(100 + k);
      ++bound;
    }
  }
  for (; bound < labels.size(); ++bound) a.bind(labels[bound]).push(bound).store(200 + bound);
  halt(a, c);
  return a.finish();
}

// Random defined instructions. About one in eight is a JUMPDEST; a PUSH is often the position of a
// JUMPDEST (or one byte off), so that jumps, calls and loops happen; immediates are boundary words.
Bytes instruction_stream(Choices& c) {
  Asm a;
  const u64 count = 1 + c.below(60);
  std::vector<std::size_t> labels;
  for (u64 k = 0; k < 8; ++k) labels.push_back(a.label());
  std::size_t bound = 0;
  for (u64 k = c.below(7); k > 0; --k) a.push(c.word());  // something to pop
  for (u64 k = 0; k < count; ++k) {
    const u64 kind = c.below(16);
    if (kind == 0 && bound < labels.size()) {
      a.bind(labels[bound++]);
    } else if (kind <= 3) {
      if (c.chance(50)) {
        a.push_label(labels[c.below(labels.size())]);
        if (c.chance(10)) a.push(1).op(Opcode::add);  // the byte after a JUMPDEST
      } else {
        a.push(c.chance(50) ? c.below(64) : c.word());
      }
    } else if (kind <= 5) {
      a.op(c.pick({Opcode::jump, Opcode::jumpi, Opcode::call, Opcode::ret}));
    } else {
      const Opcode o = all_opcodes()[c.below(all_opcodes().size())];
      const vm::OpcodeInfo& info = vm::opcode_info(static_cast<u8>(o));
      if (o == Opcode::dup || o == Opcode::swap) {
        a.op(o).raw(static_cast<u8>(c.chance(5) ? 255 : c.below(4)));
      } else if (o == Opcode::jumpdest) {
        a.op(o);
      } else if (info.immediate_bytes != 0) {
        a.op(o);  // an immediate of random bytes
        const u64 word = c.word();
        for (u64 i = info.immediate_bytes; i-- > 0;) a.raw(static_cast<u8>(word >> (8 * i)));
      } else {
        a.op(o);
      }
    }
  }
  if (c.chance(70)) halt(a, c);
  return a.finish();
}

// Raw bytes: uniform, or mostly defined opcodes (so that validation sometimes passes) with an
// occasional truncated immediate at the end.
Bytes raw_bytes(Choices& c) {
  const u64 size = c.below(48);
  Bytes code;
  const bool uniform = c.chance(40);
  for (u64 k = 0; k < size; ++k) {
    if (uniform || c.chance(5))
      code.push_back(static_cast<u8>(c.next()));
    else
      code.push_back(static_cast<u8>(all_opcodes()[c.below(all_opcodes().size())]));
  }
  return code;
}

enum class Shape : u8 { straight_line, counter_loop, recursion, memory, storage, context, fused, stream, raw };

Bytes build(Shape shape, Choices& c) {
  switch (shape) {
    case Shape::straight_line: return straight_line(c);
    case Shape::counter_loop: return counter_loop(c);
    case Shape::recursion: return recursion(c);
    case Shape::memory: return memory_ops(c);
    case Shape::storage: return storage_ops(c);
    case Shape::context: return context_reads(c);
    case Shape::fused: return fused_runs(c);
    case Shape::stream: return instruction_stream(c);
    case Shape::raw: return raw_bytes(c);
  }
  return {};
}

const char* shape_name(Shape shape) {
  switch (shape) {
    case Shape::straight_line: return "straight_line";
    case Shape::counter_loop: return "counter_loop";
    case Shape::recursion: return "recursion";
    case Shape::memory: return "memory";
    case Shape::storage: return "storage";
    case Shape::context: return "context";
    case Shape::fused: return "fused";
    case Shape::stream: return "stream";
    case Shape::raw: return "raw";
  }
  return "";
}

// ---- moves and limits ----------------------------------------------------------------------------

struct Move {
  state_channel::FixedPart fixed;
  state_channel::VariablePart from;
  state_channel::VariablePart to;
  u64 mover = 0;
  vm::MoveContext context() const { return {fixed, from, to, mover}; }
};

Move random_move(Choices& c) {
  Move m{};
  m.fixed.chain_id = c.next();
  const u64 n = c.below(5);
  for (u64 i = 0; i < n; ++i) {
    Hash32 key{};
    key.fill(static_cast<u8>(0xa0 + i));
    m.fixed.participants.push_back(key);
  }
  m.fixed.challenge_duration = 100;
  for (state_channel::VariablePart* part : {&m.from, &m.to}) {
    part->turn = c.chance(20) ? u64_max - c.below(2) : c.below(1000);
    part->is_final = c.chance(30);
    const u64 outcomes = c.chance(80) ? n : c.below(5);
    for (u64 i = 0; i < outcomes; ++i) part->outcome.push_back(c.word());
    const u64 size = c.pick<u64>({0, 1, 8, 8, 9, 32, 40});
    for (u64 i = 0; i < size; ++i) part->app_data.push_back(static_cast<u8>(c.next()));
  }
  m.mover = c.chance(80) && n != 0 ? m.to.turn % n : c.word();
  return m;
}

// One field's value: mostly near the values programs hit, sometimes a ceiling, rarely out of range.
u64 limit_value(Choices& c, std::initializer_list<u64> near, std::initializer_list<u64> far,
                std::initializer_list<u64> unsafe) {
  const u64 roll = c.below(100);
  if (roll < 78) return c.pick(near);
  if (roll < 97) return c.pick(far);
  return c.pick(unsafe);
}

VmLimits random_limits(Choices& c, std::size_t code_size) {
  VmLimits l{};
  const u64 size = code_size;
  l.max_code_bytes = !c.chance(20) ? 24576
                                  : limit_value(c, {size == 0 ? 1 : size, size + 1, size > 1 ? size - 1 : 1}, {1, 65536},
                                                {0, 65537});
  l.max_stack_items = limit_value(c, {1, 2, 3, 4, 8, 1024, 1024}, {65536}, {0, 65537});
  l.max_memory_bytes = limit_value(c, {0, 32, 64, 96, 128, 1024, 131072, 131072}, {u64{1} << 24}, {31, 33, (u64{1} << 24) + 32});
  l.max_call_depth = limit_value(c, {0, 1, 2, 3, 16, 1024, 1024}, {65536}, {65537});
  l.max_storage_slots = limit_value(c, {0, 1, 2, 3, 8, 1024, 1024}, {65536}, {65537});
  return l;
}

// ---- comparing ---------------------------------------------------------------------------------

std::string describe(const RunResult& r) {
  if (!r.ok()) return std::string(error_info(r.error()).code);
  return "halt " + std::to_string(static_cast<int>(r->halt)) + " gas " + std::to_string(r->gas_used) + " slots " +
         std::to_string(r->storage.size());
}

bool same(const RunResult& a, const RunResult& b) {
  if (a.ok() != b.ok()) return false;
  if (!a.ok()) return a.error() == b.error();
  return l2::reflect::equal(*a, *b);
}

// The reference's result; every optimized way of running the same program must agree with it.
RunResult run_both(const vm::ValidatedCode& reference, const opt::Program& optimized, const Move& move, u64 gas,
                   const VmLimits& limits) {
  const vm::MoveContext context = move.context();
  const RunResult expected = vm::run(reference, context, gas, limits);
  for (const opt::Dispatch d : {opt::Dispatch::best, opt::Dispatch::switch_loop, opt::Dispatch::checked}) {
    const RunResult got = opt::run(optimized, context, gas, limits, d);
    if (!same(expected, got))
      RC_FAIL("dispatch " + std::to_string(static_cast<int>(d)) + ": reference " + describe(expected) + ", optimized " +
              describe(got));
  }
  return expected;
}

// Validates under `validate_limits` on both sides, then runs under `run_limits` at a ladder of gas
// limits. Returns the code that decided the case (validation's or the large-gas run's), for
// classification.
std::string check_program(const Bytes& code, const Move& move, const VmLimits& validate_limits,
                          const VmLimits& run_limits, Choices& c) {
  const auto reference = vm::validate_code(code, validate_limits);
  const auto optimized = opt::validate(code, validate_limits);
  RC_ASSERT(reference.ok() == optimized.ok());
  if (!reference.ok()) {
    RC_ASSERT(reference.error() == optimized.error());
    return std::string(error_info(reference.error()).code);
  }
  RC_ASSERT(std::equal(reference->code().begin(), reference->code().end(), optimized->code().begin(),
                       optimized->code().end()));
  for (u64 pc = 0; pc <= code.size(); ++pc) RC_ASSERT(reference->is_jumpdest(pc) == optimized->is_jumpdest(pc));

  const RunResult at_large = run_both(*reference, *optimized, move, large_gas, run_limits);
  // The program decoded from the reference's ValidatedCode runs the same.
  RC_ASSERT(same(at_large, opt::run(opt::from_validated(*reference), move.context(), large_gas, run_limits)));
  std::vector<u64> gases = {0, 1, 2, 3, c.below(64), c.below(large_gas)};
  if (at_large.ok()) {
    const u64 used = at_large->gas_used;
    gases.insert(gases.end(), {used, used + 1, used - 1, c.below(used + 1)});
    // One less than a halting run used: the same steps, until the last instruction cannot be paid.
    RC_ASSERT(!vm::run(*reference, move.context(), used - 1, run_limits).ok());
    RC_ASSERT(vm::run(*reference, move.context(), used - 1, run_limits).error() == ChannelVmError::out_of_gas);
  }
  for (const u64 gas : gases) run_both(*reference, *optimized, move, gas, run_limits);
  return at_large.ok() ? "halt " + std::string(l2::reflect::enum_name(at_large->halt))
                       : std::string(error_info(at_large.error()).code);
}

// 200 full-range values (at RapidCheck's nominal size, so that the first cases are not all zeros).
Choices choices() {
  return Choices(*rc::gen::resize(rc::kNominalSize, rc::gen::container<std::vector<u64>>(200, rc::gen::arbitrary<u64>())));
}

TEST(ChannelVmInterpreterDifferential, StructuredProgramsMatchTheReference) {
  l2::test::check_property(
      [] {
        const Shape shape = *rc::gen::element(Shape::straight_line, Shape::counter_loop, Shape::recursion,
                                              Shape::memory, Shape::storage, Shape::context, Shape::fused);
        Choices c = choices();
        const Bytes code = build(shape, c);
        const Move move = random_move(c);
        const VmLimits limits = random_limits(c, code.size());
        const VmLimits run_limits = c.chance(20) ? random_limits(c, code.size()) : limits;
        const std::string decided = check_program(code, move, limits, run_limits, c);
        RC_CLASSIFY(true, std::string(shape_name(shape)) + ": " + decided);
      },
      structured_cases);
}

TEST(ChannelVmInterpreterDifferential, RandomInstructionStreamsMatchTheReference) {
  l2::test::check_property(
      [] {
        Choices c = choices();
        const Bytes code = instruction_stream(c);
        const Move move = random_move(c);
        const VmLimits limits = random_limits(c, code.size());
        const VmLimits run_limits = c.chance(20) ? random_limits(c, code.size()) : limits;
        RC_CLASSIFY(true, check_program(code, move, limits, run_limits, c));
      },
      stream_cases);
}

TEST(ChannelVmInterpreterDifferential, RawBytesMatchTheReference) {
  l2::test::check_property(
      [] {
        Choices c = choices();
        const Bytes code = raw_bytes(c);
        const Move move = random_move(c);
        const VmLimits limits = random_limits(c, code.size());
        RC_CLASSIFY(true, check_program(code, move, limits, limits, c));
      },
      raw_cases);
}

// The counter application of channel_vm.md#example-the-counter-application, from its table.
Bytes counter_app() {
  Asm a;
  const std::size_t accept = a.label(), reject = a.label(), loop = a.label();
  a.op(Opcode::from_turn).push(1).op(Opcode::add).op(Opcode::to_turn).op(Opcode::eq).op(Opcode::iszero);
  a.push1(84).op(Opcode::jumpi);
  a.op(Opcode::from_data_size).push(8).op(Opcode::eq).op(Opcode::iszero).push1(84).op(Opcode::jumpi);
  a.op(Opcode::to_data_size).push(8).op(Opcode::eq).op(Opcode::iszero).push1(84).op(Opcode::jumpi);
  a.push(0).push(8).push(0).op(Opcode::from_data_copy).push(0).push(8).push(8).op(Opcode::to_data_copy);
  a.push(0).op(Opcode::mload).push(1).op(Opcode::add).push(8).op(Opcode::mload).op(Opcode::eq);
  a.op(Opcode::iszero).push1(84).op(Opcode::jumpi);
  a.push(0);
  a.bind(loop).dup(0).op(Opcode::participants).op(Opcode::lt).op(Opcode::iszero);
  a.push1(82).op(Opcode::jumpi);
  a.dup(0).op(Opcode::from_outcome).dup(1).op(Opcode::to_outcome).op(Opcode::eq).op(Opcode::iszero);
  a.push1(84).op(Opcode::jumpi).push(1).op(Opcode::add).push1(56).op(Opcode::jump);
  a.bind(accept).op(Opcode::accept);
  a.bind(reject).op(Opcode::reject);
  const Bytes code = a.finish();
  // The spec's positions: the loop at 56, ACCEPT's JUMPDEST at 82, REJECT's at 84, 86 bytes.
  EXPECT_EQ(a.position(loop), 56u);
  EXPECT_EQ(a.position(accept), 82u);
  EXPECT_EQ(a.position(reject), 84u);
  EXPECT_EQ(code.size(), 86u);
  return code;
}

// A move of the counter application: mostly a valid one, else one thing off.
void counter_move(Move& m, Choices& c) {
  const u64 counter = c.chance(10) ? u64_max : c.below(1000);
  m.from.app_data.clear();
  m.to.app_data.clear();
  l2::put_u64_be(m.from.app_data, counter);
  l2::put_u64_be(m.to.app_data, counter + (c.chance(80) ? 1 : c.below(3)));
  if (c.chance(85)) m.from.turn = c.below(1000);
  m.to.turn = m.from.turn + (c.chance(80) ? 1 : c.below(3));
  if (c.chance(85)) m.from.outcome.resize(m.fixed.participants.size(), c.word());
  m.to.outcome = m.from.outcome;
  if (c.chance(10) && !m.to.outcome.empty()) m.to.outcome.back() ^= 1;
  if (c.chance(5)) m.to.app_data.push_back(0);
}

// VmApp: the same verdicts for the same deployed code, on the move's fixed part and on channels
// naming no deployed program or having no participants.
TEST(ChannelVmInterpreterDifferential, VmAppVerdictsMatchTheReference) {
  l2::test::check_property(
      [] {
        Choices c = choices();
        const bool counter = c.chance(30);
        const Shape shape = *rc::gen::element(Shape::straight_line, Shape::counter_loop, Shape::context, Shape::stream);
        const Bytes code = counter ? counter_app() : build(shape, c);
        Move move = random_move(c);
        if (counter) counter_move(move, c);
        const u64 gas = c.chance(50) ? large_gas : c.below(600);
        const VmLimits limits = random_limits(c, code.size());
        const auto reference = vm::deploy_program(vm::VmApp{gas, limits, {}}, code);
        opt::VmApp empty;
        empty.gas_limit = gas;
        empty.limits = limits;
        const auto optimized = opt::deploy_program(empty, code);
        RC_ASSERT(reference.ok() == optimized.ok());
        if (!reference.ok()) {
          RC_ASSERT(reference.error() == optimized.error());
          return;
        }
        // A second deploy of the same code changes nothing.
        const auto again = opt::deploy_program(*optimized, code);
        RC_ASSERT(again.ok());
        RC_ASSERT(again->programs.size() == 1u);
        const Hash32 definition = vm::app_definition(code);
        RC_ASSERT(optimized->knows(definition) && reference->knows(definition));
        move.fixed.app_definition = c.chance(85) ? definition : Hash32{};
        RC_ASSERT(optimized->knows(move.fixed.app_definition) == reference->knows(move.fixed.app_definition));
        const bool expected = reference->valid_move(move.fixed, move.from, move.to);
        RC_ASSERT(optimized->valid_move(move.fixed, move.from, move.to) == expected);
        RC_CLASSIFY(expected, "accepted");
      },
      app_cases);
}

// ---- one program per fault, and per precedence ----------------------------------------------------

struct FaultCase {
  const char* what;
  Bytes code;
  u64 gas;
  VmLimits validate_limits;
  VmLimits run_limits;
  ChannelVmError expected;
};

VmLimits with(void (*set)(VmLimits&)) {
  VmLimits l = vm::default_limits;
  set(l);
  return l;
}

Move standard_move() {
  Move m{};
  m.fixed.participants = {Hash32{}, Hash32{}, Hash32{}};
  m.from = {5, Bytes{1, 2, 3}, {10, 20, 30}, false};
  m.to = {6, Bytes{4, 5}, {15, 15, 30}, false};
  return m;
}

std::vector<FaultCase> fault_cases() {
  const VmLimits d = vm::default_limits;
  const VmLimits one_item = with([](VmLimits& l) { l.max_stack_items = 1; });
  const VmLimits memory_32 = with([](VmLimits& l) { l.max_memory_bytes = 32; });
  const VmLimits no_calls = with([](VmLimits& l) { l.max_call_depth = 0; });
  const VmLimits no_storage = with([](VmLimits& l) { l.max_storage_slots = 0; });
  const VmLimits unsafe = with([](VmLimits& l) { l.max_stack_items = 0; });
  constexpr u64 plenty = 100'000;
  std::vector<FaultCase> cases;
  // Validation.
  cases.push_back({"stack limit 0", Asm{}.op(Opcode::stop).code, plenty, unsafe, d, ChannelVmError::unsafe_limits});
  cases.push_back({"run under stack limit 0", Asm{}.op(Opcode::stop).code, plenty, d, unsafe,
                   ChannelVmError::unsafe_limits});
  cases.push_back({"empty code", Bytes{}, plenty, d, d, ChannelVmError::code_size});
  cases.push_back({"byte 0x03", Bytes{0x03}, plenty, d, d, ChannelVmError::undefined_opcode});
  cases.push_back({"PUSH2 with one byte", Bytes{0x31, 0x01}, plenty, d, d, ChannelVmError::truncated_immediate});
  cases.push_back({"0x03 before a truncated PUSH8", Bytes{0x00, 0x03, 0x33}, plenty, d, d,
                   ChannelVmError::undefined_opcode});
  // Each run rule.
  cases.push_back({"falls off the end", Asm{}.push(1).code, plenty, d, d, ChannelVmError::end_of_code});
  cases.push_back({"ADD on one item", Asm{}.push(1).op(Opcode::add).op(Opcode::stop).code, plenty, d, d,
                   ChannelVmError::stack_underflow});
  cases.push_back({"DUP 1 on one item", Asm{}.push(1).dup(1).op(Opcode::stop).code, plenty, d, d,
                   ChannelVmError::stack_underflow});
  cases.push_back({"two pushes, one item allowed", Asm{}.push(1).push(2).op(Opcode::stop).code, plenty, d, one_item,
                   ChannelVmError::stack_overflow});
  cases.push_back({"MLOAD of bytes 25..33 under 32", Asm{}.push(25).op(Opcode::mload).op(Opcode::stop).code, plenty, d,
                   memory_32, ChannelVmError::memory_limit});
  cases.push_back({"MSTORE at 2^64 - 1", Asm{}.push(7).push(u64_max).op(Opcode::mstore).op(Opcode::stop).code, plenty,
                   d, d, ChannelVmError::memory_limit});
  // PUSH1 3 gas, then STOP needs 1 of the 0 left.
  cases.push_back({"STOP with no gas left", Asm{}.push(1).op(Opcode::stop).code, 3, d, d, ChannelVmError::out_of_gas});
  cases.push_back({"2^64 - 1 + 1", Asm{}.push(u64_max).push(1).op(Opcode::add).op(Opcode::stop).code, plenty, d, d,
                   ChannelVmError::arithmetic_overflow});
  cases.push_back({"0 - 1", Asm{}.push(0).push(1).op(Opcode::sub).op(Opcode::stop).code, plenty, d, d,
                   ChannelVmError::arithmetic_overflow});
  cases.push_back({"2^32 * 2^32", Asm{}.push(u64{1} << 32).push(u64{1} << 32).op(Opcode::mul).op(Opcode::stop).code,
                   plenty, d, d, ChannelVmError::arithmetic_overflow});
  cases.push_back({"1 / 0", Asm{}.push(1).push(0).op(Opcode::div).op(Opcode::stop).code, plenty, d, d,
                   ChannelVmError::division_by_zero});
  cases.push_back({"1 mod 0", Asm{}.push(1).push(0).op(Opcode::mod).op(Opcode::stop).code, plenty, d, d,
                   ChannelVmError::division_by_zero});
  cases.push_back({"JUMP to a PUSH", Asm{}.push(0).op(Opcode::jump).code, plenty, d, d, ChannelVmError::invalid_jump});
  // PUSH1 0x42 at 0 holds a 0x42 byte at 1, inside the immediate: not a JUMPDEST.
  cases.push_back({"JUMP into an immediate 0x42", Asm{}.push(0x42).push(1).op(Opcode::jump).code, plenty, d, d,
                   ChannelVmError::invalid_jump});
  cases.push_back({"taken JUMPI past the end", Asm{}.push(1).push(200).op(Opcode::jumpi).code, plenty, d, d,
                   ChannelVmError::invalid_jump});
  cases.push_back({"CALL with call depth 0", Asm{}.op(Opcode::jumpdest).push(0).op(Opcode::call).code, plenty, d,
                   no_calls, ChannelVmError::call_depth});
  cases.push_back({"unbounded recursion", Asm{}.op(Opcode::jumpdest).push(0).op(Opcode::call).code, plenty, d, d,
                   ChannelVmError::call_depth});
  cases.push_back({"RET at top level", Asm{}.op(Opcode::ret).code, plenty, d, d, ChannelVmError::return_underflow});
  cases.push_back({"SSTORE with no slots", Asm{}.push(1).push(0).op(Opcode::sstore).op(Opcode::stop).code, plenty, d,
                   no_storage, ChannelVmError::storage_limit});
  cases.push_back({"FROM_OUTCOME 3 of 3", Asm{}.push(3).op(Opcode::from_outcome).op(Opcode::stop).code, plenty, d, d,
                   ChannelVmError::outcome_index});
  cases.push_back({"TO_OUTCOME 2^64 - 1", Asm{}.push(u64_max).op(Opcode::to_outcome).op(Opcode::stop).code, plenty, d,
                   d, ChannelVmError::outcome_index});
  // Precedence: VM-RUN-1 to 5 in order, then the instruction's own.
  cases.push_back({"underflow before gas", Asm{}.op(Opcode::add).op(Opcode::stop).code, 0, d, d,
                   ChannelVmError::stack_underflow});
  cases.push_back({"overflow before gas", Asm{}.push(1).push(2).op(Opcode::stop).code, 3, d, one_item,
                   ChannelVmError::stack_overflow});
  cases.push_back({"underflow before overflow", Asm{}.push(1).dup(3).op(Opcode::stop).code, plenty, d, one_item,
                   ChannelVmError::stack_underflow});
  cases.push_back({"memory before gas", Asm{}.push(25).op(Opcode::mload).op(Opcode::stop).code, 3, d, memory_32,
                   ChannelVmError::memory_limit});
  // JUMP costs 8; 3 + 7 leaves 7.
  cases.push_back({"gas before the jump target", Asm{}.push(5).op(Opcode::jump).code, 3 + 7, d, d,
                   ChannelVmError::out_of_gas});
  cases.push_back({"gas before the overflow", Asm{}.push(u64_max).push(1).op(Opcode::add).op(Opcode::stop).code,
                   3 + 3 + 2, d, d, ChannelVmError::out_of_gas});
  cases.push_back({"target before depth", Asm{}.push(1).op(Opcode::call).code, plenty, d, no_calls,
                   ChannelVmError::invalid_jump});
  cases.push_back({"untaken JUMPI to nowhere falls off the end", Asm{}.push(0).push(200).op(Opcode::jumpi).code,
                   plenty, d, d, ChannelVmError::end_of_code});
  // Gas inside a block: PUSH1 7 (3), PUSH1 0 (3), MSTORE at 0..8 (its base 3 + memory_cost(1) = 3,
  // so 6), PUSH1 1 (3), PUSH1 0 (3), ADD (3), STOP (1): 22 in all.
  const Bytes block = Asm{}.push(7).push(0).op(Opcode::mstore).push(1).push(0).op(Opcode::add).op(Opcode::stop).code;
  cases.push_back({"memory paid, ADD not", block, 3 + 3 + 6 + 3 + 3, d, d, ChannelVmError::out_of_gas});
  cases.push_back({"memory paid, STOP not", block, 3 + 3 + 6 + 3 + 3 + 3, d, d, ChannelVmError::out_of_gas});
  cases.push_back({"memory not paid", block, 3 + 3 + 5, d, d, ChannelVmError::out_of_gas});
  // The same block with a division by zero after the MSTORE: with the gas for everything up to the
  // DIV, the division faults before the STOP's unpaid gas matters.
  const Bytes divide = Asm{}.push(7).push(0).op(Opcode::mstore).push(1).push(0).op(Opcode::div).op(Opcode::stop).code;
  cases.push_back({"division before a later unpaid STOP", divide, 3 + 3 + 6 + 3 + 3 + 5, d, d,
                   ChannelVmError::division_by_zero});
  cases.push_back({"division before an unpaid STOP", Asm{}.push(1).push(0).op(Opcode::div).op(Opcode::stop).code,
                   3 + 3 + 5, d, d, ChannelVmError::division_by_zero});
  return cases;
}

TEST(ChannelVmInterpreterFaults, EveryFaultCodeIsReachedAndBothAgree) {
  std::set<ChannelVmError> reached;
  const Move move = standard_move();
  for (const FaultCase& f : fault_cases()) {
    const auto reference = vm::validate_code(f.code, f.validate_limits);
    const auto optimized = opt::validate(f.code, f.validate_limits);
    ASSERT_EQ(reference.ok(), optimized.ok()) << f.what;
    ChannelVmError ref_error = ChannelVmError::none;
    if (!reference.ok()) {
      EXPECT_EQ(optimized.error(), reference.error()) << f.what;
      ref_error = reference.error();
    } else {
      const RunResult expected = vm::run(*reference, move.context(), f.gas, f.run_limits);
      ASSERT_FALSE(expected.ok()) << f.what;
      ref_error = expected.error();
      for (const opt::Dispatch d : {opt::Dispatch::best, opt::Dispatch::switch_loop, opt::Dispatch::checked}) {
        const RunResult got = opt::run(*optimized, move.context(), f.gas, f.run_limits, d);
        ASSERT_FALSE(got.ok()) << f.what;
        EXPECT_EQ(got.error(), ref_error) << f.what << " (dispatch " << static_cast<int>(d) << ")";
      }
    }
    EXPECT_EQ(ref_error, f.expected) << f.what << ": " << error_info(ref_error).code;
    reached.insert(ref_error);
  }
  for (const ChannelVmError e : l2::all_channel_vm_errors) EXPECT_TRUE(reached.contains(e)) << error_info(e).code;
}

// The block from the precedence cases runs to STOP with exactly its 22 gas and leaves no storage.
TEST(ChannelVmInterpreterFaults, ExactGasHalts) {
  const Bytes block = Asm{}.push(7).push(0).op(Opcode::mstore).push(1).push(0).op(Opcode::add).op(Opcode::stop).code;
  const Move move = standard_move();
  const auto program = opt::validate(block, vm::default_limits);
  ASSERT_TRUE(program.ok());
  for (const opt::Dispatch d : {opt::Dispatch::best, opt::Dispatch::switch_loop, opt::Dispatch::checked}) {
    const RunResult r = opt::run(*program, move.context(), 3 + 3 + 6 + 3 + 3 + 3 + 1, vm::default_limits, d);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->halt, vm::Halt::stop);
    EXPECT_EQ(r->gas_used, 22u);
    EXPECT_TRUE(r->storage.empty());
  }
}

// The empty Program, like the reference's empty ValidatedCode, runs into VM_END_OF_CODE.
TEST(ChannelVmInterpreterFaults, EmptyProgramFallsOffTheEnd) {
  const Move move = standard_move();
  const RunResult expected = vm::run(vm::ValidatedCode{}, move.context(), 10, vm::default_limits);
  const RunResult got = opt::run(opt::Program{}, move.context(), 10, vm::default_limits);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), ChannelVmError::end_of_code);
  EXPECT_TRUE(same(expected, got));
}

}  // namespace
