// The channel VM against channel_vm.md: every instruction's effect and gas, every fault, every rule
// accepted at its boundary and rejected one step past it, the error enum and the instruction table
// against the spec's tables, and the counter application judging moves, alone and inside the
// state-channel adjudicator with libsecp256k1 signatures.
//
// Expected values are worked out from the spec: results by hand, gas as sums of the spec's table
// entries (written as the sum, so that a reader can check each term), digests from FIPS 180-2's
// published examples, app_definition from libsecp256k1's tagged SHA-256. A program shows a value by
// storing it (PUSH1 slot, SSTORE) and halting; the Outcome's storage is the only window on a run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "l2/ref/channel_vm.hpp"
#include "l2/ref/channel_vm_assembler.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/state_channel.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

using l2::Bytes;
using l2::ChannelVmError;
using l2::Hash32;
using l2::u64;
using l2::u8;
namespace vm = l2::ref::channel_vm;
namespace state_channel = l2::ref::state_channel;
using vm::Halt;
using vm::Opcode;
using vm::Outcome;
using vm::VmLimits;
using RunResult = l2::Result<Outcome, ChannelVmError>;

constexpr u64 u64_max = l2::u64_max;
constexpr u64 plenty = 10'000'000;  // gas no test program below comes near

// Gas of the spec's table, typed from channel_vm.md#instruction-set (not from the header).
constexpr u64 g_halt = 1, g_base = 2, g_very_low = 3, g_low = 5, g_mid = 8, g_high = 10;
constexpr u64 g_sload = 10, g_sstore = 20, g_sha = 30, g_sha_word = 6, g_copy_word = 3;
constexpr u64 g_push = g_very_low;
// memory_cost(w) = 3 w + floor(w^2 / 512), from channel_vm.md#gas.
constexpr u64 mem(u64 words) { return 3 * words + words * words / 512; }

using Asm = vm::Assembler;

// The channel the context opcodes read: three participants, a move from turn 5 to turn 6.
struct Move {
  state_channel::FixedPart fixed;
  state_channel::VariablePart from;
  state_channel::VariablePart to;
  u64 mover = 0;
  vm::MoveContext context() const { return {fixed, from, to, mover}; }
};

Hash32 filled(u8 byte) {
  Hash32 h{};
  h.fill(byte);
  return h;
}

Move standard_move() {
  Move m{};
  m.fixed.chain_id = 1;
  m.fixed.participants = {filled(0xa1), filled(0xb2), filled(0xc3)};
  m.fixed.challenge_duration = 100;
  m.from = {5, Bytes{0x61, 0x62, 0x63}, {10, 20, 30}, false};
  m.to = {6, Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9}, {15, 15, 30}, true};
  m.mover = 0;  // 6 mod 3
  return m;
}

RunResult run_code(const Bytes& code, u64 gas = plenty, const VmLimits& limits = vm::default_limits,
                   const Move& move = standard_move()) {
  const auto validated = vm::validate_code(code, limits);
  if (!validated.ok()) {
    ADD_FAILURE() << "the test program does not validate: " << error_info(validated.error()).code;
    return validated.error();
  }
  return vm::run(*validated, move.context(), gas, limits);
}

ChannelVmError fault_of(const RunResult& result) { return result.ok() ? ChannelVmError::none : result.error(); }

u64 slot(const Outcome& outcome, u64 key) {
  for (const vm::StorageSlot& s : outcome.storage)
    if (s.key == key) return s.value;
  return 0;
}

// The top `count` stack items (top first) after `prefix`: each is stored in slot 0, 1, ...
std::vector<u64> stack_after(Asm prefix, std::size_t count, const Move& move = standard_move()) {
  for (std::size_t i = 0; i < count; ++i) prefix.store(i);
  prefix.op(Opcode::stop);
  const RunResult result = run_code(prefix.code, plenty, vm::default_limits, move);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : error_info(result.error()).code);
  std::vector<u64> values;
  if (!result.ok()) return values;
  for (std::size_t i = 0; i < count; ++i) values.push_back(slot(*result, i));
  return values;
}

u64 top_after(const Asm& prefix, const Move& move = standard_move()) {
  const std::vector<u64> values = stack_after(prefix, 1, move);
  return values.empty() ? 0xdeadbeef : values[0];
}

u64 binary(Opcode o, u64 a, u64 b) { return top_after(Asm{}.push8(a).push8(b).op(o)); }
ChannelVmError binary_fault(Opcode o, u64 a, u64 b) {
  return fault_of(run_code(Asm{}.push8(a).push8(b).op(o).op(Opcode::stop).code));
}

// ---- the spec's tables ----

TEST(ChannelVmErrors, EveryCodeIsARowOfTheSpecAndDistinct) {
  l2::test::expect_rule_table_matches(l2::all_channel_vm_errors, "channel_vm.md", "VM");
}

// Every row `| 0x.. | MNEMONIC | immediate | stack | gas | faults |` of the spec's instruction table
// is an opcode of the header with that mnemonic, immediate size and base gas, and the other way round.
TEST(ChannelVmSpec, InstructionTableMatchesTheHeader) {
  const std::string spec = l2::test::read_spec("channel_vm.md");
  ASSERT_FALSE(spec.empty());
  std::istringstream lines(spec);
  std::string line;
  std::size_t rows = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("| 0x", 0) != 0) continue;
    std::vector<std::string> cells;
    std::size_t at = 1;
    while (at < line.size()) {
      std::size_t end = line.find(" | ", at);
      if (end == std::string::npos) end = line.size() - 1;
      std::string cell = line.substr(at, end - at);
      while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
      while (!cell.empty() && cell.back() == ' ') cell.pop_back();
      cells.push_back(cell);
      at = end + 3;
    }
    ASSERT_GE(cells.size(), 5u) << line;
    const u64 byte = std::stoull(cells[0], nullptr, 16);
    ASSERT_LT(byte, 256u) << line;
    const vm::OpcodeInfo& info = vm::opcode_info(static_cast<u8>(byte));
    ++rows;
    EXPECT_TRUE(info.defined) << line;
    EXPECT_EQ(info.mnemonic, cells[1]) << line;
    const u64 immediate = cells[2] == "—" ? 0 : std::stoull(cells[2]);
    EXPECT_EQ(info.immediate_bytes, immediate) << line;
    EXPECT_EQ(info.gas, std::stoull(cells[4])) << line;
  }
  EXPECT_EQ(rows, vm::opcode_count);
  EXPECT_EQ(rows, 49u);
}

// ---- check_limits [VM-LIM-1] ----

TEST(ChannelVmLimits, DefaultsAreTheSpecsAndPass) {
  EXPECT_EQ(vm::default_limits.max_code_bytes, 24576u);
  EXPECT_EQ(vm::default_limits.max_stack_items, 1024u);
  EXPECT_EQ(vm::default_limits.max_memory_bytes, 131072u);
  EXPECT_EQ(vm::default_limits.max_call_depth, 1024u);
  EXPECT_EQ(vm::default_limits.max_storage_slots, 1024u);
  EXPECT_EQ(vm::check_limits(vm::default_limits), ChannelVmError::none);
}

TEST(ChannelVmLimits, EachFieldAcceptedAtItsBoundsAndRejectedOnePast) {
  struct Case {
    const char* what;
    std::function<void(VmLimits&)> set;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"code 0", [](VmLimits& l) { l.max_code_bytes = 0; }, false},
      {"code 1", [](VmLimits& l) { l.max_code_bytes = 1; }, true},
      {"code 65536", [](VmLimits& l) { l.max_code_bytes = 65536; }, true},
      {"code 65537", [](VmLimits& l) { l.max_code_bytes = 65537; }, false},
      {"stack 0", [](VmLimits& l) { l.max_stack_items = 0; }, false},
      {"stack 1", [](VmLimits& l) { l.max_stack_items = 1; }, true},
      {"stack 65536", [](VmLimits& l) { l.max_stack_items = 65536; }, true},
      {"stack 65537", [](VmLimits& l) { l.max_stack_items = 65537; }, false},
      {"memory 0", [](VmLimits& l) { l.max_memory_bytes = 0; }, true},
      {"memory 32", [](VmLimits& l) { l.max_memory_bytes = 32; }, true},
      {"memory 33 (not whole words)", [](VmLimits& l) { l.max_memory_bytes = 33; }, false},
      {"memory 31 (not whole words)", [](VmLimits& l) { l.max_memory_bytes = 31; }, false},
      {"memory 2^24", [](VmLimits& l) { l.max_memory_bytes = u64{1} << 24; }, true},
      {"memory 2^24 + 32", [](VmLimits& l) { l.max_memory_bytes = (u64{1} << 24) + 32; }, false},
      {"memory 2^64 - 32", [](VmLimits& l) { l.max_memory_bytes = u64_max - 31; }, false},
      {"calls 0", [](VmLimits& l) { l.max_call_depth = 0; }, true},
      {"calls 65536", [](VmLimits& l) { l.max_call_depth = 65536; }, true},
      {"calls 65537", [](VmLimits& l) { l.max_call_depth = 65537; }, false},
      {"storage 0", [](VmLimits& l) { l.max_storage_slots = 0; }, true},
      {"storage 65536", [](VmLimits& l) { l.max_storage_slots = 65536; }, true},
      {"storage 65537", [](VmLimits& l) { l.max_storage_slots = 65537; }, false},
  };
  const Bytes stop{static_cast<u8>(Opcode::stop)};
  for (const Case& c : cases) {
    VmLimits limits = vm::default_limits;
    c.set(limits);
    const ChannelVmError expected = c.ok ? ChannelVmError::none : ChannelVmError::unsafe_limits;
    EXPECT_EQ(vm::check_limits(limits), expected) << c.what;
    // Both entry points check the limits first.
    const auto validated = vm::validate_code(stop, limits);
    EXPECT_EQ(validated.ok() ? ChannelVmError::none : validated.error(), expected) << c.what;
    const auto good = vm::validate_code(stop, vm::default_limits);
    ASSERT_TRUE(good.ok());
    const Move move = standard_move();
    EXPECT_EQ(fault_of(vm::run(*good, move.context(), plenty, limits)), expected) << c.what;
  }
}

// ---- validate_code [VM-CODE-*] ----

TEST(ChannelVmValidate, CodeSizeFromOneToTheLimit) {
  EXPECT_EQ(vm::validate_code(Bytes{}, vm::default_limits).error(), ChannelVmError::code_size);
  EXPECT_TRUE(vm::validate_code(Bytes(1, 0x00), vm::default_limits).ok());
  EXPECT_TRUE(vm::validate_code(Bytes(24576, 0x00), vm::default_limits).ok());
  EXPECT_EQ(vm::validate_code(Bytes(24577, 0x00), vm::default_limits).error(), ChannelVmError::code_size);
  VmLimits small = vm::default_limits;
  small.max_code_bytes = 4;
  EXPECT_TRUE(vm::validate_code(Bytes(4, 0x00), small).ok());
  EXPECT_EQ(vm::validate_code(Bytes(5, 0x00), small).error(), ChannelVmError::code_size);
  // The size is checked before any opcode: an oversized code of undefined bytes is a size error.
  EXPECT_EQ(vm::validate_code(Bytes(5, 0xff), small).error(), ChannelVmError::code_size);
}

TEST(ChannelVmValidate, ExactlyTheSpecsOpcodesAreDefined) {
  // The opcode bytes of channel_vm.md#instruction-set.
  const std::vector<u8> defined = {0x00, 0x01, 0x02, 0x10, 0x11, 0x12, 0x13, 0x14, 0x18, 0x19, 0x1a, 0x1b, 0x1c,
                                   0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x30, 0x31, 0x32, 0x33, 0x38, 0x39, 0x3a, 0x40,
                                   0x41, 0x42, 0x43, 0x44, 0x50, 0x51, 0x52, 0x53, 0x58, 0x59, 0x5c, 0x60, 0x61,
                                   0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b};
  ASSERT_EQ(defined.size(), 49u);
  for (int byte = 0; byte < 256; ++byte) {
    Bytes code{static_cast<u8>(byte)};
    code.resize(9, 0x00);  // room for the longest immediate (PUSH8), then STOPs
    const bool is_defined = std::find(defined.begin(), defined.end(), byte) != defined.end();
    const auto validated = vm::validate_code(code, vm::default_limits);
    if (is_defined)
      EXPECT_TRUE(validated.ok()) << "byte " << byte;
    else
      EXPECT_EQ(validated.error(), ChannelVmError::undefined_opcode) << "byte " << byte;
  }
}

TEST(ChannelVmValidate, ImmediatesCompleteAtTheirLengthAndTruncatedOneShort) {
  struct Case {
    Opcode opcode;
    std::size_t length;
  };
  for (const Case c : {Case{Opcode::push1, 1}, Case{Opcode::push2, 2}, Case{Opcode::push4, 4},
                       Case{Opcode::push8, 8}, Case{Opcode::dup, 1}, Case{Opcode::swap, 1}}) {
    Bytes complete{static_cast<u8>(c.opcode)};
    complete.resize(1 + c.length, 0x00);
    EXPECT_TRUE(vm::validate_code(complete, vm::default_limits).ok()) << static_cast<int>(c.opcode);
    Bytes truncated = complete;
    truncated.pop_back();
    EXPECT_EQ(vm::validate_code(truncated, vm::default_limits).error(), ChannelVmError::truncated_immediate)
        << static_cast<int>(c.opcode);
  }
}

TEST(ChannelVmValidate, ImmediatesAreNotInstructions) {
  // 0xff is undefined as an opcode, but any byte may be an immediate.
  EXPECT_TRUE(vm::validate_code(Asm{}.push1(0xff).op(Opcode::stop).code, vm::default_limits).ok());
  EXPECT_TRUE(vm::validate_code(Asm{}.push8(0xffeeddccbbaa9988).op(Opcode::stop).code, vm::default_limits).ok());
  // After the immediate, the next byte is an instruction again.
  EXPECT_EQ(vm::validate_code(Asm{}.push1(0x00).raw(0xee).code, vm::default_limits).error(),
            ChannelVmError::undefined_opcode);
}

TEST(ChannelVmValidate, TheFirstBadInstructionDecides) {
  // An undefined opcode before a truncated immediate, and the other way round.
  EXPECT_EQ(vm::validate_code(Bytes{0xff, static_cast<u8>(Opcode::push8)}, vm::default_limits).error(),
            ChannelVmError::undefined_opcode);
  EXPECT_EQ(vm::validate_code(Bytes{static_cast<u8>(Opcode::push8), 0xff}, vm::default_limits).error(),
            ChannelVmError::truncated_immediate);
}

// ---- halting, and gas charged per instruction ----

TEST(ChannelVmRun, HaltsReportTheirVerdictAndChargeOne) {
  for (const auto& [opcode, halt] : {std::pair{Opcode::stop, Halt::stop}, std::pair{Opcode::accept, Halt::accept},
                                     std::pair{Opcode::reject, Halt::reject}}) {
    // Nothing after the halt runs: the RET after it would fault.
    const RunResult result = run_code(Asm{}.op(opcode).op(Opcode::ret).code);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->halt, halt);
    EXPECT_EQ(result->gas_used, g_halt);
    EXPECT_TRUE(result->storage.empty());
  }
}

TEST(ChannelVmRun, GasExactlyEnoughPassesAndOneShortRunsOut) {
  // PUSH1 2, PUSH1 3, ADD, PUSH1 0, SSTORE, ACCEPT
  const Bytes code = Asm{}.push1(2).push1(3).op(Opcode::add).store(0).op(Opcode::accept).code;
  const u64 cost = g_push + g_push + g_very_low + g_push + g_sstore + g_halt;
  const RunResult exact = run_code(code, cost);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->gas_used, cost);
  EXPECT_EQ(exact->halt, Halt::accept);
  EXPECT_EQ(slot(*exact, 0), 5u);
  EXPECT_EQ(fault_of(run_code(code, cost - 1)), ChannelVmError::out_of_gas);
  EXPECT_EQ(fault_of(run_code(code, 0)), ChannelVmError::out_of_gas);
  const RunResult more = run_code(code, cost + 1);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->gas_used, cost);
}

TEST(ChannelVmRun, AnEndlessLoopRunsOutOfGas) {
  // 0: JUMPDEST, PUSH1 0, JUMP: 1 + 3 + 8 = 12 gas a round.
  const Bytes code = Asm{}.op(Opcode::jumpdest).push1(0).op(Opcode::jump).code;
  EXPECT_EQ(fault_of(run_code(code, 1'000'000)), ChannelVmError::out_of_gas);
  // 1000 rounds and the next round's JUMPDEST and PUSH1 fit in 12 * 1000 + 4; its JUMP does not.
  EXPECT_EQ(fault_of(run_code(code, 12 * 1000 + 11)), ChannelVmError::out_of_gas);
}

TEST(ChannelVmRun, FallingOffTheEndFaults) {
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(1).code)), ChannelVmError::end_of_code);
  // A JUMPI not taken as the last instruction.
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(0).push1(0).op(Opcode::jumpi).code)), ChannelVmError::end_of_code);
  // A CALL as the last instruction: its function returns to the code's length.
  Asm a;
  a.push1(5).op(Opcode::jump);  // 0: PUSH1 5, 2: JUMP over the function
  a.op(Opcode::jumpdest);       // 3: the function
  a.op(Opcode::ret);            // 4
  a.op(Opcode::jumpdest);       // 5: main
  a.push1(3).op(Opcode::call);  // 6: PUSH1 3, 8: CALL, returning to 9
  ASSERT_EQ(a.here(), 9u);
  EXPECT_EQ(fault_of(run_code(a.code)), ChannelVmError::end_of_code);
}

// ---- arithmetic [VM-RUN-6, VM-RUN-7] ----

TEST(ChannelVmArithmetic, AddAtTheBoundary) {
  EXPECT_EQ(binary(Opcode::add, 2, 3), 5u);
  EXPECT_EQ(binary(Opcode::add, u64_max, 0), u64_max);
  EXPECT_EQ(binary(Opcode::add, u64_max - 1, 1), u64_max);
  EXPECT_EQ(binary_fault(Opcode::add, u64_max, 1), ChannelVmError::arithmetic_overflow);
  EXPECT_EQ(binary_fault(Opcode::add, u64_max, u64_max), ChannelVmError::arithmetic_overflow);
}

TEST(ChannelVmArithmetic, SubTakesTheTopFromTheItemBelow) {
  EXPECT_EQ(binary(Opcode::sub, 7, 3), 4u);
  EXPECT_EQ(binary(Opcode::sub, 1, 1), 0u);
  EXPECT_EQ(binary(Opcode::sub, u64_max, u64_max), 0u);
  EXPECT_EQ(binary_fault(Opcode::sub, 0, 1), ChannelVmError::arithmetic_overflow);
  EXPECT_EQ(binary_fault(Opcode::sub, 3, 7), ChannelVmError::arithmetic_overflow);
}

TEST(ChannelVmArithmetic, MulAtTheBoundary) {
  EXPECT_EQ(binary(Opcode::mul, 6, 7), 42u);
  EXPECT_EQ(binary(Opcode::mul, 0, u64_max), 0u);
  // (2^32 - 1)(2^32 + 1) = 2^64 - 1 fits; 2^32 * 2^32 = 2^64 does not.
  EXPECT_EQ(binary(Opcode::mul, 0xffffffffull, 0x100000001ull), u64_max);
  EXPECT_EQ(binary_fault(Opcode::mul, u64{1} << 32, u64{1} << 32), ChannelVmError::arithmetic_overflow);
  EXPECT_EQ(binary_fault(Opcode::mul, u64_max, 2), ChannelVmError::arithmetic_overflow);
}

TEST(ChannelVmArithmetic, DivAndModFloorAndFaultOnZero) {
  EXPECT_EQ(binary(Opcode::div, 7, 2), 3u);
  EXPECT_EQ(binary(Opcode::mod, 7, 2), 1u);
  EXPECT_EQ(binary(Opcode::div, 0, 5), 0u);
  EXPECT_EQ(binary(Opcode::div, u64_max, 1), u64_max);
  EXPECT_EQ(binary(Opcode::mod, u64_max, u64_max), 0u);
  EXPECT_EQ(binary_fault(Opcode::div, 7, 0), ChannelVmError::division_by_zero);
  EXPECT_EQ(binary_fault(Opcode::mod, 7, 0), ChannelVmError::division_by_zero);
  EXPECT_EQ(binary_fault(Opcode::div, 0, 0), ChannelVmError::division_by_zero);
}

TEST(ChannelVmArithmetic, GasOfEachClass) {
  // PUSH8 a, PUSH8 b, op, STOP
  for (const auto& [opcode, gas] : {std::pair{Opcode::add, g_very_low}, std::pair{Opcode::sub, g_very_low},
                                    std::pair{Opcode::mul, g_low}, std::pair{Opcode::div, g_low},
                                    std::pair{Opcode::mod, g_low}, std::pair{Opcode::lt, g_very_low},
                                    std::pair{Opcode::gt, g_very_low}, std::pair{Opcode::eq, g_very_low},
                                    std::pair{Opcode::bit_and, g_very_low}, std::pair{Opcode::bit_or, g_very_low},
                                    std::pair{Opcode::bit_xor, g_very_low}, std::pair{Opcode::shl, g_very_low},
                                    std::pair{Opcode::shr, g_very_low}}) {
    const RunResult result = run_code(Asm{}.push8(9).push8(3).op(opcode).op(Opcode::stop).code);
    ASSERT_TRUE(result.ok()) << static_cast<int>(opcode);
    EXPECT_EQ(result->gas_used, g_push + g_push + gas + g_halt) << static_cast<int>(opcode);
  }
  for (const Opcode opcode : {Opcode::iszero, Opcode::bit_not}) {
    const RunResult result = run_code(Asm{}.push1(9).op(opcode).op(Opcode::stop).code);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->gas_used, g_push + g_very_low + g_halt);
  }
}

// ---- comparison and bitwise ----

TEST(ChannelVmLogic, Comparisons) {
  EXPECT_EQ(binary(Opcode::lt, 1, 2), 1u);
  EXPECT_EQ(binary(Opcode::lt, 2, 1), 0u);
  EXPECT_EQ(binary(Opcode::lt, 2, 2), 0u);
  EXPECT_EQ(binary(Opcode::gt, 2, 1), 1u);
  EXPECT_EQ(binary(Opcode::gt, 1, 2), 0u);
  EXPECT_EQ(binary(Opcode::gt, 2, 2), 0u);
  EXPECT_EQ(binary(Opcode::eq, u64_max, u64_max), 1u);
  EXPECT_EQ(binary(Opcode::eq, u64_max, u64_max - 1), 0u);
  EXPECT_EQ(top_after(Asm{}.push1(0).op(Opcode::iszero)), 1u);
  EXPECT_EQ(top_after(Asm{}.push1(5).op(Opcode::iszero)), 0u);
  EXPECT_EQ(top_after(Asm{}.push8(u64_max).op(Opcode::iszero)), 0u);
}

TEST(ChannelVmLogic, Bitwise) {
  EXPECT_EQ(binary(Opcode::bit_and, 0b1100, 0b1010), 0b1000u);
  EXPECT_EQ(binary(Opcode::bit_or, 0b1100, 0b1010), 0b1110u);
  EXPECT_EQ(binary(Opcode::bit_xor, 0b1100, 0b1010), 0b0110u);
  EXPECT_EQ(top_after(Asm{}.push1(0).op(Opcode::bit_not)), u64_max);
  EXPECT_EQ(top_after(Asm{}.push8(0x00ff00ff00ff00ffull).op(Opcode::bit_not)), 0xff00ff00ff00ff00ull);
}

TEST(ChannelVmLogic, ShiftsOfSixtyFourOrMoreGiveZero) {
  EXPECT_EQ(binary(Opcode::shl, 1, 0), 1u);
  EXPECT_EQ(binary(Opcode::shl, 1, 63), u64{1} << 63);
  EXPECT_EQ(binary(Opcode::shl, 3, 63), u64{1} << 63);  // the high bit falls off: mod 2^64
  EXPECT_EQ(binary(Opcode::shl, 1, 64), 0u);
  EXPECT_EQ(binary(Opcode::shl, u64_max, u64_max), 0u);
  EXPECT_EQ(binary(Opcode::shr, u64_max, 63), 1u);
  EXPECT_EQ(binary(Opcode::shr, u64_max, 64), 0u);
  EXPECT_EQ(binary(Opcode::shr, 0x80, 7), 1u);
}

// ---- stack instructions ----

TEST(ChannelVmStack, PushesAreBigEndian) {
  EXPECT_EQ(top_after(Asm{}.push1(0xab)), 0xabu);
  EXPECT_EQ(top_after(Asm{}.push2(0x1234)), 0x1234u);
  EXPECT_EQ(top_after(Asm{}.push4(0xdeadbeef)), 0xdeadbeefu);
  EXPECT_EQ(top_after(Asm{}.push8(0x0102030405060708)), 0x0102030405060708u);
  EXPECT_EQ(top_after(Asm{}.push8(u64_max)), u64_max);
}

TEST(ChannelVmStack, PopDupSwap) {
  // [1 2 3] (3 on top)
  const Asm base = Asm{}.push1(1).push1(2).push1(3);
  EXPECT_EQ(stack_after(Asm(base).op(Opcode::pop), 2), (std::vector<u64>{2, 1}));
  EXPECT_EQ(stack_after(Asm(base).dup(0), 4), (std::vector<u64>{3, 3, 2, 1}));
  EXPECT_EQ(stack_after(Asm(base).dup(2), 4), (std::vector<u64>{1, 3, 2, 1}));
  EXPECT_EQ(stack_after(Asm(base).swap(0), 3), (std::vector<u64>{2, 3, 1}));
  EXPECT_EQ(stack_after(Asm(base).swap(1), 3), (std::vector<u64>{1, 2, 3}));
  const RunResult gas = run_code(Asm(base).op(Opcode::pop).dup(0).swap(0).op(Opcode::stop).code);
  ASSERT_TRUE(gas.ok());
  EXPECT_EQ(gas->gas_used, 3 * g_push + g_base + g_very_low + g_very_low + g_halt);
}

TEST(ChannelVmStack, UnderflowWhenAnInstructionReadsMoreThanTheStackHolds) {
  const auto with_items = [](int items, Asm tail) {
    Asm a;
    for (int i = 0; i < items; ++i) a.push1(1);
    for (const u8 b : tail.code) a.raw(b);
    return fault_of(run_code(a.op(Opcode::stop).code));
  };
  EXPECT_EQ(with_items(0, Asm{}.op(Opcode::add)), ChannelVmError::stack_underflow);
  EXPECT_EQ(with_items(1, Asm{}.op(Opcode::add)), ChannelVmError::stack_underflow);
  EXPECT_EQ(with_items(2, Asm{}.op(Opcode::add)), ChannelVmError::none);
  EXPECT_EQ(with_items(0, Asm{}.op(Opcode::pop)), ChannelVmError::stack_underflow);
  EXPECT_EQ(with_items(0, Asm{}.op(Opcode::iszero)), ChannelVmError::stack_underflow);
  EXPECT_EQ(with_items(1, Asm{}.dup(1)), ChannelVmError::stack_underflow);  // DUP i needs i+1
  EXPECT_EQ(with_items(2, Asm{}.dup(1)), ChannelVmError::none);
  EXPECT_EQ(with_items(2, Asm{}.swap(1)), ChannelVmError::stack_underflow);  // SWAP i needs i+2
  EXPECT_EQ(with_items(3, Asm{}.swap(1)), ChannelVmError::none);
  EXPECT_EQ(with_items(1, Asm{}.swap(0)), ChannelVmError::stack_underflow);
  EXPECT_EQ(with_items(1, Asm{}.op(Opcode::jumpi)), ChannelVmError::stack_underflow);
  EXPECT_EQ(with_items(1, Asm{}.op(Opcode::mstore)), ChannelVmError::stack_underflow);
  EXPECT_EQ(with_items(2, Asm{}.op(Opcode::sha256)), ChannelVmError::stack_underflow);
  EXPECT_EQ(with_items(2, Asm{}.op(Opcode::from_data_copy)), ChannelVmError::stack_underflow);
  EXPECT_EQ(with_items(0, Asm{}.op(Opcode::to_outcome)), ChannelVmError::stack_underflow);
  // The stack is checked before the gas: an empty-stack ADD with no gas is an underflow.
  EXPECT_EQ(fault_of(run_code(Asm{}.op(Opcode::add).code, 0)), ChannelVmError::stack_underflow);
}

TEST(ChannelVmStack, OverflowOnePastTheLimit) {
  Asm full;
  for (int i = 0; i < 1024; ++i) full.push1(1);
  EXPECT_TRUE(run_code(Asm(full).op(Opcode::stop).code).ok());
  EXPECT_EQ(fault_of(run_code(Asm(full).push1(1).op(Opcode::stop).code)), ChannelVmError::stack_overflow);
  EXPECT_EQ(fault_of(run_code(Asm(full).dup(0).op(Opcode::stop).code)), ChannelVmError::stack_overflow);
  // A full stack may still swap and combine: neither grows it.
  EXPECT_TRUE(run_code(Asm(full).swap(5).op(Opcode::add).push1(1).op(Opcode::stop).code).ok());
  // Pushing for ever: 0: JUMPDEST, PUSH1 7, PUSH1 0, JUMP.
  const Bytes forever = Asm{}.op(Opcode::jumpdest).push1(7).push1(0).op(Opcode::jump).code;
  EXPECT_EQ(fault_of(run_code(forever)), ChannelVmError::stack_overflow);
  // Round r starts with r - 1 items; its PUSH1 0 makes r + 1. So round 1024's PUSH1 0 overflows,
  // after 1023 rounds of 1 + 3 + 3 + 8 gas and that round's JUMPDEST and PUSH1 7. With exactly that
  // gas the fault is the overflow (checked before the gas); one less and the PUSH1 7 cannot be paid.
  const u64 to_overflow = 1023 * (g_halt + g_push + g_push + g_mid) + g_halt + g_push;
  EXPECT_EQ(fault_of(run_code(forever, to_overflow)), ChannelVmError::stack_overflow);
  EXPECT_EQ(fault_of(run_code(forever, to_overflow - 1)), ChannelVmError::out_of_gas);
  VmLimits two = vm::default_limits;
  two.max_stack_items = 2;
  EXPECT_TRUE(run_code(Asm{}.push1(1).push1(2).op(Opcode::stop).code, plenty, two).ok());
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(1).push1(2).push1(3).code, plenty, two)), ChannelVmError::stack_overflow);
}

// ---- jumps and calls [VM-RUN-8, VM-RUN-9, VM-RUN-10] ----

TEST(ChannelVmJump, JumpAndJumpiGoToJumpdests) {
  // 0: PUSH1 6, JUMP, PUSH1 1 (skipped), 5: STOP | 6: JUMPDEST, PUSH1 42, ...
  Asm a;
  a.push1(6).op(Opcode::jump).push1(1).op(Opcode::stop);
  ASSERT_EQ(a.here(), 6u);
  a.op(Opcode::jumpdest).push1(42);
  EXPECT_EQ(top_after(a), 42u);
  const RunResult gas = run_code(Asm(a).op(Opcode::stop).code);
  ASSERT_TRUE(gas.ok());
  EXPECT_EQ(gas->gas_used, g_push + g_mid + g_halt + g_push + g_halt);

  // JUMPI: cond target. Taken on any non-zero condition, not taken on 0.
  const auto run_branch = [](u64 condition) {
    Asm b;
    b.push8(condition).push1(18).op(Opcode::jumpi);  // 0, 9, 11
    b.push1(1).store(0).op(Opcode::stop);            // 12, 14, 16, 17
    EXPECT_EQ(b.here(), 18u);
    b.op(Opcode::jumpdest).push1(2).store(0).op(Opcode::stop);
    const RunResult result = run_code(b.code);
    EXPECT_TRUE(result.ok());
    return result.ok() ? slot(*result, 0) : 0;
  };
  EXPECT_EQ(run_branch(0), 1u);
  EXPECT_EQ(run_branch(1), 2u);
  EXPECT_EQ(run_branch(u64_max), 2u);
}

TEST(ChannelVmJump, TargetsOtherThanJumpdestsFault) {
  // A target that is a STOP, not a JUMPDEST.
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(3).op(Opcode::jump).op(Opcode::stop).code)), ChannelVmError::invalid_jump);
  // Past the end, and far past it.
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(3).op(Opcode::jump).code)), ChannelVmError::invalid_jump);
  EXPECT_EQ(fault_of(run_code(Asm{}.push8(u64_max).op(Opcode::jump).code)), ChannelVmError::invalid_jump);
  // A 0x42 byte inside a PUSH immediate is not a JUMPDEST: 0: PUSH1 0x42, 2: PUSH1 1, 4: JUMP.
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(0x42).push1(1).op(Opcode::jump).code)), ChannelVmError::invalid_jump);
  // The same target as an instruction is fine: 0: PUSH1 3, 2: JUMP, 3: JUMPDEST, 4: STOP.
  EXPECT_TRUE(run_code(Asm{}.push1(3).op(Opcode::jump).op(Opcode::jumpdest).op(Opcode::stop).code).ok());
  // JUMPI checks the target only when it jumps.
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(1).push1(0xee).op(Opcode::jumpi).op(Opcode::stop).code)),
            ChannelVmError::invalid_jump);
  EXPECT_TRUE(run_code(Asm{}.push1(0).push1(0xee).op(Opcode::jumpi).op(Opcode::stop).code).ok());
  // CALL too.
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(3).op(Opcode::call).op(Opcode::stop).code)), ChannelVmError::invalid_jump);
}

// main: PUSH1 21, PUSH1 F, CALL, (store), STOP; F: JUMPDEST, DUP 0, ADD, RET.
TEST(ChannelVmCall, CallRunsAFunctionAndReturns) {
  Asm a;
  a.push1(21).push1(9).op(Opcode::call);  // 0, 2, 4
  a.store(0).op(Opcode::stop);            // 5, 7, 8
  ASSERT_EQ(a.here(), 9u);
  a.op(Opcode::jumpdest).dup(0).op(Opcode::add).op(Opcode::ret);
  const RunResult result = run_code(a.code);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(slot(*result, 0), 42u);
  EXPECT_EQ(result->gas_used,
            g_push + g_push + g_high + g_halt + g_very_low + g_very_low + g_mid + g_push + g_sstore + g_halt);
}

TEST(ChannelVmCall, RecursionEndsAtTheCallDepthLimit) {
  // 0: JUMPDEST, PUSH1 0, CALL: 1 + 3 + 10 = 14 gas a level.
  const Bytes recurse = Asm{}.op(Opcode::jumpdest).push1(0).op(Opcode::call).code;
  const u64 level = g_halt + g_push + g_high;
  EXPECT_EQ(fault_of(run_code(recurse)), ChannelVmError::call_depth);
  // 1024 calls succeed; the 1025th is charged, then faults. One gas short, it cannot be paid.
  EXPECT_EQ(fault_of(run_code(recurse, 1025 * level)), ChannelVmError::call_depth);
  EXPECT_EQ(fault_of(run_code(recurse, 1025 * level - 1)), ChannelVmError::out_of_gas);
  // With a limit of 3: three nested calls return; a fourth level faults.
  VmLimits three = vm::default_limits;
  three.max_call_depth = 3;
  EXPECT_EQ(fault_of(run_code(recurse, plenty, three)), ChannelVmError::call_depth);
  // main calls f(n); f(k) returns when k is 0 and calls f(k - 1) otherwise:
  //  0 PUSH1 n | 2 PUSH1 7 | 4 CALL | 5 POP | 6 ACCEPT | 7 JUMPDEST | 8 DUP 0 | 10 ISZERO | 11 PUSH1 20 |
  // 13 JUMPI | 14 PUSH1 1 | 16 SUB | 17 PUSH1 7 | 19 CALL | 20 JUMPDEST | 21 RET
  const auto nested = [](u64 n) {
    Asm a;
    a.push1(n).push1(7).op(Opcode::call).op(Opcode::pop).op(Opcode::accept);
    EXPECT_EQ(a.here(), 7u);
    a.op(Opcode::jumpdest).dup(0).op(Opcode::iszero).push1(20).op(Opcode::jumpi);
    a.push1(1).op(Opcode::sub).push1(7).op(Opcode::call);
    EXPECT_EQ(a.here(), 20u);
    a.op(Opcode::jumpdest).op(Opcode::ret);
    return a.code;
  };
  // f(2) nests 3 calls (main->f(2)->f(1)->f(0)); f(3) would need 4.
  EXPECT_TRUE(run_code(nested(2), plenty, three).ok());
  EXPECT_EQ(fault_of(run_code(nested(3), plenty, three)), ChannelVmError::call_depth);
  VmLimits none = vm::default_limits;
  none.max_call_depth = 0;
  EXPECT_EQ(fault_of(run_code(nested(0), plenty, none)), ChannelVmError::call_depth);
}

TEST(ChannelVmCall, RetWithoutCallFaults) {
  EXPECT_EQ(fault_of(run_code(Asm{}.op(Opcode::ret).code)), ChannelVmError::return_underflow);
  // One RET per CALL: 0: PUSH1 3, 2: CALL | 3: JUMPDEST, 4: RET. The RET returns to 3, and the
  // second RET finds the call stack empty.
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(3).op(Opcode::call).op(Opcode::jumpdest).op(Opcode::ret).code)),
            ChannelVmError::return_underflow);
}

// ---- memory [VM-RUN-4] ----

TEST(ChannelVmMemory, WordsAreEightBytesBigEndian) {
  EXPECT_EQ(top_after(Asm{}.push1(0).op(Opcode::mload)), 0u);  // fresh memory is zero
  EXPECT_EQ(top_after(Asm{}.push8(0x0102030405060708).push1(3).op(Opcode::mstore).push1(3).op(Opcode::mload)),
            0x0102030405060708u);
  // Big-endian: the byte at the word's offset is the most significant.
  EXPECT_EQ(top_after(Asm{}.push8(0x0102030405060708).push1(3).op(Opcode::mstore).push1(3).op(Opcode::mload8)), 1u);
  EXPECT_EQ(top_after(Asm{}.push8(0x0102030405060708).push1(3).op(Opcode::mstore).push1(10).op(Opcode::mload8)), 8u);
  // MSTORE8 keeps the low byte.
  EXPECT_EQ(top_after(Asm{}.push2(0x1234).push1(0).op(Opcode::mstore8).push1(0).op(Opcode::mload)),
            0x3400000000000000u);
}

TEST(ChannelVmMemory, ExpansionIsChargedOnceAtTheEVMsPrice) {
  // MLOAD at 0 touches [0, 8): one word.
  RunResult r = run_code(Asm{}.push1(0).op(Opcode::mload).op(Opcode::stop).code);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->gas_used, g_push + g_very_low + mem(1) + g_halt);
  // MLOAD at 1000 touches [1000, 1008): ceil(1008/32) = 32 words, 3*32 + 1024/512 = 98.
  r = run_code(Asm{}.push2(1000).op(Opcode::mload).op(Opcode::stop).code);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->gas_used, g_push + g_very_low + (3 * 32 + 2) + g_halt);
  // A second access inside memory costs no expansion; a larger one pays the difference.
  r = run_code(Asm{}.push2(1000).op(Opcode::mload).push1(0).op(Opcode::mload).push2(2000).op(Opcode::mload)
                   .op(Opcode::stop)
                   .code);
  ASSERT_TRUE(r.ok());
  // [2000, 2008) needs ceil(2008/32) = 63 words.
  EXPECT_EQ(r->gas_used, 3 * (g_push + g_very_low) + mem(32) + (mem(63) - mem(32)) + g_halt);
  // The whole default memory: MSTORE8 at 131071 needs 4096 words, 3*4096 + 4096^2/512 = 12288 + 32768.
  r = run_code(Asm{}.push1(0).push4(131071).op(Opcode::mstore8).op(Opcode::stop).code);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->gas_used, g_push + g_push + g_very_low + (12288 + 32768) + g_halt);
}

TEST(ChannelVmMemory, RangesEndAtTheLimitAndNotOnePast) {
  const u64 limit = vm::default_limits.max_memory_bytes;
  const auto load = [](u64 offset, Opcode o) {
    return fault_of(run_code(Asm{}.push8(offset).op(o).op(Opcode::stop).code));
  };
  EXPECT_EQ(load(limit - 8, Opcode::mload), ChannelVmError::none);
  EXPECT_EQ(load(limit - 7, Opcode::mload), ChannelVmError::memory_limit);
  EXPECT_EQ(load(limit - 1, Opcode::mload8), ChannelVmError::none);
  EXPECT_EQ(load(limit, Opcode::mload8), ChannelVmError::memory_limit);
  // offset + 8 past 2^64 is out of range, not a wrap to a small address.
  EXPECT_EQ(load(u64_max - 3, Opcode::mload), ChannelVmError::memory_limit);
  EXPECT_EQ(load(u64_max, Opcode::mload8), ChannelVmError::memory_limit);
  // The memory check comes before the gas: with gas for the PUSH8 only, the MLOAD is a memory fault.
  EXPECT_EQ(fault_of(run_code(Asm{}.push8(limit).op(Opcode::mload).code, g_push)), ChannelVmError::memory_limit);
  // ... and a fitting MLOAD with gas for the PUSH8 only is out of gas.
  EXPECT_EQ(fault_of(run_code(Asm{}.push8(0).op(Opcode::mload).code, g_push)), ChannelVmError::out_of_gas);
  // A memory limit of 0 allows no access at all.
  VmLimits no_memory = vm::default_limits;
  no_memory.max_memory_bytes = 0;
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(0).op(Opcode::mload8).op(Opcode::stop).code, plenty, no_memory)),
            ChannelVmError::memory_limit);
}

TEST(ChannelVmMemory, GrowingMemoryForEverHitsTheLimitOrRunsOutOfGas) {
  // 0: PUSH1 0 | 2: JUMPDEST, PUSH1 0, DUP 1, MSTORE8, PUSH1 32, ADD, PUSH1 2, JUMP
  const Bytes grow = Asm{}
                         .push1(0)
                         .op(Opcode::jumpdest)
                         .push1(0)
                         .dup(1)
                         .op(Opcode::mstore8)
                         .push1(32)
                         .op(Opcode::add)
                         .push1(2)
                         .op(Opcode::jump)
                         .code;
  EXPECT_EQ(fault_of(run_code(grow, plenty)), ChannelVmError::memory_limit);
  EXPECT_EQ(fault_of(run_code(grow, 20'000)), ChannelVmError::out_of_gas);
}

// ---- storage [VM-RUN-11] ----

TEST(ChannelVmStorage, LoadStoreAndZeroRemoves) {
  EXPECT_EQ(top_after(Asm{}.push1(9).op(Opcode::sload)), 0u);
  EXPECT_EQ(top_after(Asm{}.push1(77).push1(9).op(Opcode::sstore).push1(9).op(Opcode::sload)), 77u);
  // Stored out of order, returned ascending by key; a slot set to 0 is gone.
  const RunResult r = run_code(Asm{}
                                   .push1(30)
                                   .push1(3)
                                   .op(Opcode::sstore)
                                   .push1(10)
                                   .push1(1)
                                   .op(Opcode::sstore)
                                   .push1(20)
                                   .push1(2)
                                   .op(Opcode::sstore)
                                   .push1(0)
                                   .push1(2)
                                   .op(Opcode::sstore)
                                   .op(Opcode::stop)
                                   .code);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->storage.size(), 2u);
  EXPECT_EQ(r->storage[0].key, 1u);
  EXPECT_EQ(r->storage[0].value, 10u);
  EXPECT_EQ(r->storage[1].key, 3u);
  EXPECT_EQ(r->storage[1].value, 30u);
  EXPECT_EQ(r->gas_used, 8 * g_push + 4 * g_sstore + g_halt);
  const RunResult load = run_code(Asm{}.push1(1).op(Opcode::sload).op(Opcode::stop).code);
  ASSERT_TRUE(load.ok());
  EXPECT_EQ(load->gas_used, g_push + g_sload + g_halt);
}

TEST(ChannelVmStorage, AtMostMaxStorageSlots) {
  VmLimits two = vm::default_limits;
  two.max_storage_slots = 2;
  const auto stores = [&](std::initializer_list<std::pair<u64, u64>> writes) {
    Asm a;
    for (const auto& [key, value] : writes) a.push1(value).push1(key).op(Opcode::sstore);
    return fault_of(run_code(a.op(Opcode::stop).code, plenty, two));
  };
  EXPECT_EQ(stores({{1, 1}, {2, 2}}), ChannelVmError::none);
  EXPECT_EQ(stores({{1, 1}, {2, 2}, {3, 3}}), ChannelVmError::storage_limit);
  EXPECT_EQ(stores({{1, 1}, {2, 2}, {2, 5}}), ChannelVmError::none);          // an update adds no slot
  EXPECT_EQ(stores({{1, 1}, {2, 2}, {3, 0}}), ChannelVmError::none);          // a 0 adds no slot
  EXPECT_EQ(stores({{1, 1}, {2, 2}, {1, 0}, {3, 3}}), ChannelVmError::none);  // a freed slot is reusable
  VmLimits none = vm::default_limits;
  none.max_storage_slots = 0;
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(1).push1(1).op(Opcode::sstore).op(Opcode::stop).code, plenty, none)),
            ChannelVmError::storage_limit);
}

// ---- SHA256 ----

TEST(ChannelVmHash, Sha256OfAMemoryRangeMatchesFips180) {
  // "abc" at 0..3, digest to 32..64. SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 ...
  const Asm write_abc = Asm{}.push1('a').push1(0).op(Opcode::mstore8).push1('b').push1(1).op(Opcode::mstore8)
                            .push1('c').push1(2).op(Opcode::mstore8);
  Asm hash = write_abc;
  hash.push1(0).push1(3).push1(32).op(Opcode::sha256);
  EXPECT_EQ(stack_after(Asm(hash).push1(32).op(Opcode::mload).push1(40).op(Opcode::mload), 2),
            (std::vector<u64>{0x414140de5dae2223u, 0xba7816bf8f01cfeau}));
  // Gas: three MSTORE8s (the first grows memory to one word), then 30 + 6*words(3) and growth to 2 words.
  const RunResult r = run_code(Asm(hash).op(Opcode::stop).code);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->gas_used, 6 * g_push + 3 * g_very_low + mem(1) + 3 * g_push + (g_sha + g_sha_word * 1) +
                             (mem(2) - mem(1)) + g_halt);
  // The empty string: e3b0c442 98fc1c14 ...; a length-0 source touches no memory, whatever its offset.
  EXPECT_EQ(top_after(Asm{}.push8(u64_max).push1(0).push1(0).op(Opcode::sha256).push1(0).op(Opcode::mload)),
            0xe3b0c44298fc1c14u);
  const RunResult empty = run_code(Asm{}.push8(u64_max).push1(0).push1(0).op(Opcode::sha256).op(Opcode::stop).code);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->gas_used, 3 * g_push + g_sha + mem(1) + g_halt);
  // 33 bytes are two words.
  const RunResult two = run_code(Asm{}.push1(0).push1(33).push1(64).op(Opcode::sha256).op(Opcode::stop).code);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->gas_used, 3 * g_push + g_sha + 2 * g_sha_word + mem(3) + g_halt);
  // The destination must fit: 32 bytes ending exactly at the limit do, one byte further does not.
  const u64 limit = vm::default_limits.max_memory_bytes;
  EXPECT_TRUE(run_code(Asm{}.push1(0).push1(0).push8(limit - 32).op(Opcode::sha256).op(Opcode::stop).code).ok());
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(0).push1(0).push8(limit - 31).op(Opcode::sha256).op(Opcode::stop).code)),
            ChannelVmError::memory_limit);
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(0).push8(limit + 1).push1(0).op(Opcode::sha256).op(Opcode::stop).code)),
            ChannelVmError::memory_limit);
}

// ---- the channel's state ----

TEST(ChannelVmContext, ReadsTheMove) {
  const Move m = standard_move();
  EXPECT_EQ(top_after(Asm{}.op(Opcode::participants)), 3u);
  Move mover_two = m;
  mover_two.mover = 2;
  EXPECT_EQ(top_after(Asm{}.op(Opcode::mover), mover_two), 2u);
  EXPECT_EQ(top_after(Asm{}.op(Opcode::from_turn)), 5u);
  EXPECT_EQ(top_after(Asm{}.op(Opcode::to_turn)), 6u);
  EXPECT_EQ(top_after(Asm{}.op(Opcode::from_final)), 0u);
  EXPECT_EQ(top_after(Asm{}.op(Opcode::to_final)), 1u);
  EXPECT_EQ(top_after(Asm{}.push1(1).op(Opcode::from_outcome)), 20u);
  EXPECT_EQ(top_after(Asm{}.push1(2).op(Opcode::to_outcome)), 30u);
  EXPECT_EQ(top_after(Asm{}.op(Opcode::from_data_size)), 3u);
  EXPECT_EQ(top_after(Asm{}.op(Opcode::to_data_size)), 9u);
  const RunResult gas = run_code(Asm{}
                                     .op(Opcode::participants)
                                     .op(Opcode::mover)
                                     .op(Opcode::from_turn)
                                     .op(Opcode::to_turn)
                                     .op(Opcode::from_final)
                                     .op(Opcode::to_final)
                                     .op(Opcode::from_data_size)
                                     .op(Opcode::to_data_size)
                                     .push1(0)
                                     .op(Opcode::from_outcome)
                                     .push1(0)
                                     .op(Opcode::to_outcome)
                                     .op(Opcode::stop)
                                     .code);
  ASSERT_TRUE(gas.ok());
  EXPECT_EQ(gas->gas_used, 8 * g_base + 2 * (g_push + g_very_low) + g_halt);
}

TEST(ChannelVmContext, OutcomeIndexBelowTheLength) {
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(2).op(Opcode::from_outcome).op(Opcode::stop).code)), ChannelVmError::none);
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(3).op(Opcode::from_outcome).op(Opcode::stop).code)),
            ChannelVmError::outcome_index);
  EXPECT_EQ(fault_of(run_code(Asm{}.push8(u64_max).op(Opcode::to_outcome).op(Opcode::stop).code)),
            ChannelVmError::outcome_index);
  Move shorter = standard_move();
  shorter.to.outcome = {1};
  EXPECT_EQ(fault_of(run_code(Asm{}.push1(1).op(Opcode::to_outcome).op(Opcode::stop).code, plenty,
                              vm::default_limits, shorter)),
            ChannelVmError::outcome_index);
}

TEST(ChannelVmContext, DataCopyPadsWithZerosPastTheEnd) {
  // from.app_data = "abc": copy 8 bytes from 1 to memory 0: 'b' 'c' then six zeros.
  EXPECT_EQ(top_after(Asm{}.push1(1).push1(8).push1(0).op(Opcode::from_data_copy).push1(0).op(Opcode::mload)),
            0x6263000000000000u);
  // to.app_data = 01..09: bytes 1..8 are 02..09.
  EXPECT_EQ(top_after(Asm{}.push1(1).push1(8).push1(0).op(Opcode::to_data_copy).push1(0).op(Opcode::mload)),
            0x0203040506070809u);
  // A source far past the end (even near 2^64) copies zeros, and does not wrap.
  EXPECT_EQ(top_after(Asm{}
                          .push1(0xff)
                          .push1(0)
                          .op(Opcode::mstore8)
                          .push8(u64_max)
                          .push1(8)
                          .push1(0)
                          .op(Opcode::from_data_copy)
                          .push1(0)
                          .op(Opcode::mload)),
            0u);
  // Gas: 3 + 3 per word + expansion; 33 bytes are two words.
  const RunResult r = run_code(Asm{}.push1(0).push1(33).push1(0).op(Opcode::to_data_copy).op(Opcode::stop).code);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->gas_used, 3 * g_push + g_very_low + 2 * g_copy_word + mem(2) + g_halt);
  // A copy of length 0 touches nothing, whatever its destination.
  EXPECT_TRUE(run_code(Asm{}.push1(0).push1(0).push8(u64_max).op(Opcode::to_data_copy).op(Opcode::stop).code).ok());
  EXPECT_EQ(
      fault_of(run_code(Asm{}.push1(0).push1(1).push8(u64_max).op(Opcode::to_data_copy).op(Opcode::stop).code)),
      ChannelVmError::memory_limit);
}

// ---- determinism ----

TEST(ChannelVmRun, SameInputsSameOutcome) {
  const Bytes code = Asm{}.push1(7).push1(1).op(Opcode::sstore).op(Opcode::to_turn).push1(2).op(Opcode::sstore)
                         .op(Opcode::accept)
                         .code;
  const RunResult a = run_code(code), b = run_code(code);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(l2::reflect::equal(*a, *b));
}

// ---- the counter application ----

// channel_vm.md#example-the-counter-application, assembled from its table.
Bytes counter_app() {
  Asm a;
  constexpr u64 accept_at = 82, reject_at = 84, loop_at = 56;
  a.op(Opcode::from_turn).push1(1).op(Opcode::add).op(Opcode::to_turn).op(Opcode::eq).op(Opcode::iszero);
  a.push1(reject_at).op(Opcode::jumpi);
  EXPECT_EQ(a.here(), 10u);
  a.op(Opcode::from_data_size).push1(8).op(Opcode::eq).op(Opcode::iszero).push1(reject_at).op(Opcode::jumpi);
  a.op(Opcode::to_data_size).push1(8).op(Opcode::eq).op(Opcode::iszero).push1(reject_at).op(Opcode::jumpi);
  EXPECT_EQ(a.here(), 26u);
  a.push1(0).push1(8).push1(0).op(Opcode::from_data_copy).push1(0).push1(8).push1(8).op(Opcode::to_data_copy);
  EXPECT_EQ(a.here(), 40u);
  a.push1(0).op(Opcode::mload).push1(1).op(Opcode::add).push1(8).op(Opcode::mload).op(Opcode::eq);
  a.op(Opcode::iszero).push1(reject_at).op(Opcode::jumpi);
  EXPECT_EQ(a.here(), 54u);
  a.push1(0);
  EXPECT_EQ(a.here(), loop_at);
  a.op(Opcode::jumpdest).dup(0).op(Opcode::participants).op(Opcode::lt).op(Opcode::iszero);
  a.push1(accept_at).op(Opcode::jumpi);
  EXPECT_EQ(a.here(), 65u);
  a.dup(0).op(Opcode::from_outcome).dup(1).op(Opcode::to_outcome).op(Opcode::eq).op(Opcode::iszero);
  a.push1(reject_at).op(Opcode::jumpi).push1(1).op(Opcode::add).push1(loop_at).op(Opcode::jump);
  EXPECT_EQ(a.here(), accept_at);
  a.op(Opcode::jumpdest).op(Opcode::accept);
  EXPECT_EQ(a.here(), reject_at);
  a.op(Opcode::jumpdest).op(Opcode::reject);
  EXPECT_EQ(a.here(), 86u);
  return a.code;
}

Bytes counter_bytes(u64 counter) {
  Bytes out;
  l2::put_u64_be(out, counter);
  return out;
}

struct CounterChannel {
  state_channel::FixedPart fixed;
  state_channel::VariablePart from;
  state_channel::VariablePart to;
};

CounterChannel counter_channel(const Hash32& app_definition) {
  CounterChannel c{};
  c.fixed.chain_id = 1;
  c.fixed.participants = {filled(0xa1), filled(0xb2)};
  c.fixed.app_definition = app_definition;
  c.fixed.challenge_duration = 100;
  c.from = {4, counter_bytes(41), {600, 400}, false};
  c.to = {5, counter_bytes(42), {600, 400}, false};
  return c;
}

// The gas of an accepted move on a channel of n participants, from the spec's table.
constexpr u64 accepted_counter_gas(u64 n) {
  const u64 turn_check = g_base + g_push + g_very_low + g_base + g_very_low + g_very_low + g_push + g_high;
  const u64 size_check = g_base + g_push + g_very_low + g_very_low + g_push + g_high;
  const u64 from_copy = 3 * g_push + (g_very_low + g_copy_word * 1 + mem(1));
  const u64 to_copy = 3 * g_push + (g_very_low + g_copy_word * 1);  // memory already one word
  const u64 counter_check = g_push + g_very_low + g_push + g_very_low + g_push + g_very_low + g_very_low +
                            g_very_low + g_push + g_high;
  const u64 loop_test = g_halt + g_very_low + g_base + g_very_low + g_very_low + g_push + g_high;
  const u64 loop_body = g_very_low + g_very_low + g_very_low + g_very_low + g_very_low + g_very_low + g_push +
                        g_high + g_push + g_very_low + g_push + g_mid;
  return turn_check + 2 * size_check + from_copy + to_copy + counter_check + g_push + n * (loop_test + loop_body) +
         loop_test + g_halt + g_halt;
}
static_assert(accepted_counter_gas(2) == 323);  // the sum channel_vm.md#gas quotes

TEST(ChannelVmCounterApp, AcceptsTheNextCountAndItsGasIsTheSpecs) {
  const auto validated = vm::validate_code(counter_app(), vm::default_limits);
  ASSERT_TRUE(validated.ok());
  const CounterChannel c = counter_channel({});
  const vm::MoveContext context{c.fixed, c.from, c.to, 1};
  const RunResult r = vm::run(*validated, context, plenty, vm::default_limits);
  ASSERT_TRUE(r.ok()) << error_info(r.error()).code;
  EXPECT_EQ(r->halt, Halt::accept);
  EXPECT_EQ(r->gas_used, accepted_counter_gas(2));
  EXPECT_TRUE(r->storage.empty());
  // Three participants: one more round of the loop.
  CounterChannel three = c;
  three.fixed.participants.push_back(filled(0xc3));
  three.from.outcome = {1, 2, 3};
  three.to.outcome = {1, 2, 3};
  const RunResult r3 = vm::run(*validated, {three.fixed, three.from, three.to, 2}, plenty, vm::default_limits);
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(r3->gas_used, accepted_counter_gas(3));
}

TEST(ChannelVmCounterApp, RejectsEveryOtherMove) {
  const auto validated = vm::validate_code(counter_app(), vm::default_limits);
  ASSERT_TRUE(validated.ok());
  const auto verdict = [&](const CounterChannel& c) {
    return vm::run(*validated, {c.fixed, c.from, c.to, 1}, plenty, vm::default_limits);
  };
  const CounterChannel good = counter_channel({});
  struct Case {
    const char* what;
    std::function<void(CounterChannel&)> change;
  };
  const std::vector<Case> rejected = {
      {"turn + 2", [](CounterChannel& c) { c.to.turn = 6; }},
      {"same turn", [](CounterChannel& c) { c.to.turn = 4; }},
      {"counter + 2", [](CounterChannel& c) { c.to.app_data = counter_bytes(43); }},
      {"counter unchanged", [](CounterChannel& c) { c.to.app_data = counter_bytes(41); }},
      {"counter - 1", [](CounterChannel& c) { c.to.app_data = counter_bytes(40); }},
      {"outcome[0] changed", [](CounterChannel& c) { c.to.outcome = {599, 401}; }},
      {"outcome[1] changed", [](CounterChannel& c) { c.to.outcome = {600, 399}; }},
      {"from app_data 7 bytes", [](CounterChannel& c) { c.from.app_data.pop_back(); }},
      {"to app_data 9 bytes", [](CounterChannel& c) { c.to.app_data.push_back(0); }},
  };
  for (const Case& k : rejected) {
    CounterChannel c = good;
    k.change(c);
    const RunResult r = verdict(c);
    ASSERT_TRUE(r.ok()) << k.what;
    EXPECT_EQ(r->halt, Halt::reject) << k.what;
  }
  // The turn check fails first: 8 instructions, then JUMPDEST and REJECT.
  CounterChannel stale = good;
  stale.to.turn = 9;
  const RunResult r = verdict(stale);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->gas_used, g_base + g_push + g_very_low + g_base + g_very_low + g_very_low + g_push + g_high + g_halt +
                             g_halt);
  // A counter at 2^64 - 1 cannot be incremented: the ADD faults, and the move is not valid.
  CounterChannel at_max = good;
  at_max.from.app_data = counter_bytes(u64_max);
  at_max.to.app_data = counter_bytes(0);
  EXPECT_EQ(fault_of(verdict(at_max)), ChannelVmError::arithmetic_overflow);
  // A from.turn of 2^64 - 1 faults at the first ADD.
  CounterChannel last_turn = good;
  last_turn.from.turn = u64_max;
  EXPECT_EQ(fault_of(verdict(last_turn)), ChannelVmError::arithmetic_overflow);
}

// ---- VmApp ----

TEST(ChannelVmApp, AppDefinitionIsTheTaggedHashOfTheCode) {
  const Bytes code = counter_app();
  EXPECT_EQ(vm::app_definition(code), l2::test::libsecp256k1::tagged_hash("L2/channel_vm/app", code));
}

TEST(ChannelVmApp, DeployKnowsAndJudges) {
  const Bytes code = counter_app();
  const Hash32 definition = vm::app_definition(code);
  const vm::VmApp empty{accepted_counter_gas(2), vm::default_limits, {}};
  EXPECT_FALSE(empty.knows(definition));
  const auto app = vm::deploy_program(empty, code);
  ASSERT_TRUE(app.ok());
  EXPECT_TRUE(app->knows(definition));
  EXPECT_FALSE(app->knows(Hash32{}));
  // Deploying again changes nothing.
  const auto again = vm::deploy_program(*app, code);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->programs.size(), 1u);
  // Invalid code is refused with its validation code.
  EXPECT_EQ(vm::deploy_program(*app, Bytes{0xff}).error(), ChannelVmError::undefined_opcode);
  EXPECT_EQ(vm::deploy_program(*app, Bytes{}).error(), ChannelVmError::code_size);

  CounterChannel c = counter_channel(definition);
  EXPECT_TRUE(app->valid_move(c.fixed, c.from, c.to));
  c.to.app_data = counter_bytes(44);
  EXPECT_FALSE(app->valid_move(c.fixed, c.from, c.to));  // REJECT
  c = counter_channel(definition);
  c.from.app_data = counter_bytes(u64_max);
  EXPECT_FALSE(app->valid_move(c.fixed, c.from, c.to));  // a fault
  c = counter_channel(Hash32{});
  EXPECT_FALSE(app->valid_move(c.fixed, c.from, c.to));  // no such program
  c = counter_channel(definition);
  c.fixed.participants.clear();
  EXPECT_FALSE(app->valid_move(c.fixed, c.from, c.to));  // no mover
}

TEST(ChannelVmApp, TheFixedGasLimitDecides) {
  const Bytes code = counter_app();
  const CounterChannel c = counter_channel(vm::app_definition(code));
  const auto exact = vm::deploy_program(vm::VmApp{accepted_counter_gas(2), vm::default_limits, {}}, code);
  const auto short_by_one = vm::deploy_program(vm::VmApp{accepted_counter_gas(2) - 1, vm::default_limits, {}}, code);
  ASSERT_TRUE(exact.ok());
  ASSERT_TRUE(short_by_one.ok());
  EXPECT_TRUE(exact->valid_move(c.fixed, c.from, c.to));
  EXPECT_FALSE(short_by_one->valid_move(c.fixed, c.from, c.to));
}

// The counter app inside the state-channel adjudicator: a checkpoint whose proof is the registered
// state and one move signed by its mover is accepted exactly when the VM accepts the move.
TEST(ChannelVmApp, JudgesMovesForTheAdjudicator) {
  namespace oracle = l2::test::libsecp256k1;
  const Bytes code = counter_app();
  const auto app = vm::deploy_program(vm::VmApp{100'000, vm::default_limits, {}}, code);
  ASSERT_TRUE(app.ok());
  const Hash32 secret[2] = {filled(0x11), filled(0x22)};
  const Hash32 pub[2] = {*oracle::pubkey(secret[0]), *oracle::pubkey(secret[1])};
  const auto sign = [&](int who, const Hash32& digest) { return *oracle::sign(secret[who], digest, filled(0x5a)); };

  const state_channel::StateChannelConfig config{10, 20, 1000, 4, 64, 100'000};
  const auto deployed = state_channel::deploy({1, filled(0xad), config});
  ASSERT_TRUE(deployed.ok());
  state_channel::FixedPart fixed{1, filled(0xad), {pub[0], pub[1]}, 7, vm::app_definition(code), 100};
  const Hash32 id = state_channel::channel_id(fixed);
  const state_channel::VariablePart opening{0, counter_bytes(0), {600, 400}, false};
  const Hash32 opening_digest = state_channel::state_digest(id, opening);
  const state_channel::SignedState opening_signed{opening, {sign(0, opening_digest), sign(1, opening_digest)}};
  const state_channel::Env env{50};
  const auto opened =
      state_channel::apply_open(*deployed, {fixed, opening_signed}, env, state_channel::Bip340Check{}, *app);
  ASSERT_TRUE(opened.ok()) << error_info(opened.error()).code;

  const auto checkpoint = [&](u64 counter) {
    const state_channel::VariablePart move{1, counter_bytes(counter), {600, 400}, false};
    const int mover = 1;  // turn 1 mod 2
    const state_channel::SupportInput proof{
        id, {{opening, {}}, {move, {sign(mover, state_channel::state_digest(id, move))}}}};
    return state_channel::apply_checkpoint(*opened, proof, env, state_channel::Bip340Check{}, *app);
  };
  const auto accepted = checkpoint(1);
  ASSERT_TRUE(accepted.ok()) << error_info(accepted.error()).code;
  EXPECT_EQ(accepted->channels[0].registered.turn, 1u);
  EXPECT_EQ(checkpoint(2).error(), l2::StateChannelError::support_app);
  // Until the program is deployed in the adjudicator, the adjudicator does not know the application;
  // deployed there, its own applications judge the move as VmApp does.
  EXPECT_EQ(state_channel::Open::apply(*deployed, {fixed, opening_signed}, env).error(),
            l2::StateChannelError::open_unknown_app);
  const auto with_program = state_channel::DeployApp::apply(*deployed, state_channel::DeployAppInput{code}, env);
  ASSERT_TRUE(with_program.ok());
  const auto reopened = state_channel::Open::apply(*with_program, {fixed, opening_signed}, env);
  ASSERT_TRUE(reopened.ok());
  const state_channel::VariablePart move{1, counter_bytes(1), {600, 400}, false};
  const state_channel::SupportInput proof{id, {{opening, {}}, {move, {sign(1, state_channel::state_digest(id, move))}}}};
  EXPECT_TRUE(state_channel::Checkpoint::apply(*reopened, proof, env).ok());
}

}  // namespace
