// Channel VM programs run at compile time: this file compiling is the test passing.
//
// Each scenario validates and runs a short program through the reference as it is (the same
// validate_code and run the unit tests call) inside a constant evaluation. Expected results and gas
// are worked out from channel_vm.md's instruction table. The same programs, and many more, run in
// tests/unit/channel_vm_test.cpp.
#include <gtest/gtest.h>

#include <array>
#include <span>

#include "l2/ref/channel_vm.hpp"
#include "l2/ref/state_channel.hpp"

namespace {

using l2::Bytes;
using l2::ChannelVmError;
using l2::u64;
using l2::u8;
namespace vm = l2::ref::channel_vm;
namespace state_channel = l2::ref::state_channel;
using vm::Halt;
using vm::Opcode;

constexpr u8 op(Opcode o) { return static_cast<u8>(o); }

// A program as a fixed array: a std::vector cannot outlive a constant evaluation.
template <class... Byte>
constexpr std::array<u8, sizeof...(Byte)> code(Byte... bytes) {
  return {static_cast<u8>(bytes)...};
}

// The move every scenario reads: two participants, turn 3 -> 4, counter 9 -> 10 in app_data.
struct Scenario {
  state_channel::FixedPart fixed;
  state_channel::VariablePart from;
  state_channel::VariablePart to;
};

constexpr Scenario scenario() {
  Scenario s{};
  s.fixed = {1, l2::Hash32{}, {l2::Hash32{}, l2::Hash32{}}, 0, l2::Hash32{}, 100};
  s.from = {3, Bytes{0, 0, 0, 0, 0, 0, 0, 9}, {70, 30}, false};
  s.to = {4, Bytes{0, 0, 0, 0, 0, 0, 0, 10}, {70, 30}, false};
  return s;
}

constexpr l2::Result<vm::Outcome, ChannelVmError> run(std::span<const u8> program, u64 gas) {
  const auto validated = vm::validate_code(program, vm::default_limits);
  if (!validated.ok()) return validated.error();
  const Scenario s = scenario();
  return vm::run(*validated, {s.fixed, s.from, s.to, 0}, gas, vm::default_limits);
}

constexpr ChannelVmError fault(std::span<const u8> program, u64 gas) {
  const auto result = run(program, gas);
  return result.ok() ? ChannelVmError::none : result.error();
}

constexpr u64 gas_used(std::span<const u8> program, u64 gas) {
  const auto result = run(program, gas);
  if (!result.ok()) throw "the program faulted";
  return result->gas_used;
}

constexpr u64 slot0(std::span<const u8> program) {
  const auto result = run(program, 100000);
  if (!result.ok() || result->storage.empty() || result->storage[0].key != 0) throw "no slot 0";
  return result->storage[0].value;
}

constexpr Halt halt_of(std::span<const u8> program) {
  const auto result = run(program, 100000);
  if (!result.ok()) throw "the program faulted";
  return result->halt;
}

// (6 * 7) - 2 = 40, stored in slot 0: PUSH1 6, PUSH1 7, MUL, PUSH1 2, SUB, PUSH1 0, SSTORE, STOP.
constexpr auto arithmetic = code(op(Opcode::push1), 6, op(Opcode::push1), 7, op(Opcode::mul), op(Opcode::push1), 2,
                                   op(Opcode::sub), op(Opcode::push1), 0, op(Opcode::sstore), op(Opcode::stop));
static_assert(slot0(arithmetic) == 40);
// 3 + 3 + 5 (MUL) + 3 + 3 (SUB) + 3 + 20 (SSTORE) + 1 (STOP)
static_assert(gas_used(arithmetic, 41) == 41);
static_assert(fault(arithmetic, 40) == ChannelVmError::out_of_gas);

// The counter rule in a few instructions: to's 8-byte counter is from's plus one.
// 0: PUSH1 0, PUSH1 8, PUSH1 0, FROM_DATA_COPY, PUSH1 0, PUSH1 8, PUSH1 8, TO_DATA_COPY,
// 14: PUSH1 0, MLOAD, PUSH1 1, ADD, PUSH1 8, MLOAD, EQ, 24: PUSH1 28, JUMPI, REJECT, 28: JUMPDEST, ACCEPT.
constexpr auto counter_rule = code(op(Opcode::push1), 0, op(Opcode::push1), 8, op(Opcode::push1), 0,
                                     op(Opcode::from_data_copy), op(Opcode::push1), 0, op(Opcode::push1), 8,
                                     op(Opcode::push1), 8, op(Opcode::to_data_copy),  // 0..13
                                     op(Opcode::push1), 0, op(Opcode::mload), op(Opcode::push1), 1, op(Opcode::add),
                                     op(Opcode::push1), 8, op(Opcode::mload), op(Opcode::eq),  // 14..23
                                     op(Opcode::push1), 28, op(Opcode::jumpi), op(Opcode::reject),  // 24..27
                                     op(Opcode::jumpdest), op(Opcode::accept));                    // 28, 29
static_assert(counter_rule.size() == 30);
static_assert(halt_of(counter_rule) == Halt::accept);
// 6 PUSH1 + 2 copies (3 + 3 per word) + one word of memory (3) + 3 PUSH1 + 2 MLOAD + ADD + EQ + PUSH1
// + JUMPI (10) + JUMPDEST + ACCEPT
static_assert(gas_used(counter_rule, 1000) == 6 * 3 + 2 * (3 + 3) + 3 + 3 * 3 + 2 * 3 + 3 + 3 + 3 + 10 + 1 + 1);

// An endless loop (0: JUMPDEST, PUSH1 0, JUMP) ends when its gas does.
constexpr auto endless = code(op(Opcode::jumpdest), op(Opcode::push1), 0, op(Opcode::jump));
static_assert(fault(endless, 5000) == ChannelVmError::out_of_gas);

// Recursion (0: JUMPDEST, PUSH1 0, CALL) ends at the call depth limit, 1024.
constexpr auto recursion = code(op(Opcode::jumpdest), op(Opcode::push1), 0, op(Opcode::call));
static_assert(fault(recursion, 1025 * 14) == ChannelVmError::call_depth);
static_assert(fault(recursion, 1025 * 14 - 1) == ChannelVmError::out_of_gas);

// Faults of single instructions.
static_assert(fault(code(op(Opcode::push1), 1, op(Opcode::push1), 0, op(Opcode::div), op(Opcode::stop)), 100) ==
              ChannelVmError::division_by_zero);
static_assert(fault(code(op(Opcode::push1), 0, op(Opcode::push1), 1, op(Opcode::sub), op(Opcode::stop)), 100) ==
              ChannelVmError::arithmetic_overflow);
static_assert(fault(code(op(Opcode::add)), 100) == ChannelVmError::stack_underflow);
static_assert(fault(code(op(Opcode::push1), 2, op(Opcode::jump), op(Opcode::stop)), 100) ==
              ChannelVmError::invalid_jump);
static_assert(fault(code(op(Opcode::push1), 2), 100) == ChannelVmError::end_of_code);
static_assert(fault(code(op(Opcode::ret)), 100) == ChannelVmError::return_underflow);

// Validation.
static_assert(fault(code(0xff), 100) == ChannelVmError::undefined_opcode);
static_assert(fault(code(op(Opcode::push2), 1), 100) == ChannelVmError::truncated_immediate);
static_assert(fault(std::span<const u8>{}, 100) == ChannelVmError::code_size);

// VmApp is an AppCheck: deployed, it judges the move as the program does.
constexpr bool app_judges() {
  const auto app = vm::deploy_program(vm::VmApp{1000, vm::default_limits, {}}, counter_rule);
  if (!app.ok()) return false;
  Scenario s = scenario();
  s.fixed.app_definition = vm::app_definition(counter_rule);
  const bool accepts = app->valid_move(s.fixed, s.from, s.to);
  s.to.app_data[7] = 11;
  const bool rejects = !app->valid_move(s.fixed, s.from, s.to);
  return accepts && rejects && app->knows(s.fixed.app_definition);
}
static_assert(app_judges());

}  // namespace

TEST(ChannelVmStatic, Compiles) { SUCCEED() << "every static_assert in this file held at compile time"; }
