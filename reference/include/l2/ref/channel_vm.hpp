// The channel VM: a deterministic, metered stack machine that judges the moves of a state channel's
// application on chain. An app author deploys bytecode; the adjudicator runs it on (fixed part, from,
// to, mover) and the move is valid exactly when the program halts with ACCEPT within the gas limit.
// Words are u64 with checked arithmetic; memory is byte-addressed and grows in 32-byte words at a
// quadratic price, as in the EVM; storage is a per-run u64 -> u64 map; internal calls keep their
// return addresses on a call stack of their own, out of the program's reach.
//
// validate_code checks bytecode once (size, every opcode defined, every immediate complete) and maps
// its JUMPDESTs; run interprets it, charging each instruction's gas before executing it, so every
// step costs at least 1 gas and a run ends within gas_limit steps. A fault returns its error code and
// nothing else: the machine state lives in run's locals and escapes only on a halt. VmApp is an
// AppCheck (state_channel.hpp) over deployed programs keyed by app_definition.
// spec: channel_vm.md
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/state_channel_parts.hpp"
#include "l2/ref/verify_check.hpp"

namespace l2 {

// spec: channel_vm.md#errors
#define L2_CHANNEL_VM_ERRORS(X) \
  X(unsafe_limits, "VM-LIM-1", "a limit of VmLimits is outside its allowed range") \
  X(code_size, "VM-CODE-1", "the code is empty or longer than max_code_bytes") \
  X(undefined_opcode, "VM-CODE-2", "an instruction's opcode byte is not in the instruction set") \
  X(truncated_immediate, "VM-CODE-3", "an instruction's immediate runs past the end of the code") \
  X(end_of_code, "VM-RUN-1", "execution fell off the end of the code without halting") \
  X(stack_underflow, "VM-RUN-2", "the stack holds fewer items than the instruction reads") \
  X(stack_overflow, "VM-RUN-3", "the instruction would leave more than max_stack_items on the stack") \
  X(memory_limit, "VM-RUN-4", "the instruction touches memory at or beyond max_memory_bytes") \
  X(out_of_gas, "VM-RUN-5", "the instruction costs more than the gas left") \
  X(arithmetic_overflow, "VM-RUN-6", "ADD or MUL overflows, or SUB underflows, a u64") \
  X(division_by_zero, "VM-RUN-7", "DIV or MOD by zero") \
  X(invalid_jump, "VM-RUN-8", "a JUMP, taken JUMPI or CALL target is not a JUMPDEST of the code") \
  X(call_depth, "VM-RUN-9", "a CALL would exceed max_call_depth") \
  X(return_underflow, "VM-RUN-10", "a RET with no CALL to return to") \
  X(storage_limit, "VM-RUN-11", "an SSTORE would hold more than max_storage_slots slots") \
  X(outcome_index, "VM-RUN-12", "an outcome index is not below the outcome's length")
L2_ERROR_ENUM(ChannelVmError, "VM_", L2_CHANNEL_VM_ERRORS)

inline constexpr auto all_channel_vm_errors = all_errors(ChannelVmError{});

}  // namespace l2

namespace l2::ref::channel_vm {

using state_channel::FixedPart;
using state_channel::VariablePart;

inline constexpr std::string_view app_tag = "L2/channel_vm/app";

// ---------------------------------------------------------------------------------------------
// Limits. spec: channel_vm.md#limits

// The largest value a deployment may give each limit. They keep every gas sum below 2^64 (memory of
// 2^24 bytes is 2^19 words, whose quadratic price is below 2^40) and the validator's and the
// interpreter's own allocations small.
inline constexpr u64 code_bytes_ceiling = 65536;
inline constexpr u64 stack_items_ceiling = 65536;
inline constexpr u64 memory_bytes_ceiling = u64{1} << 24;
inline constexpr u64 call_depth_ceiling = 65536;
inline constexpr u64 storage_slots_ceiling = 65536;
inline constexpr u64 memory_word_bytes = 32;

// spec: channel_vm.md#vmlimits
struct VmLimits {
  BOOST_HANA_DEFINE_STRUCT(VmLimits, (u64, max_code_bytes), (u64, max_stack_items), (u64, max_memory_bytes),
                           (u64, max_call_depth), (u64, max_storage_slots));
};

// EIP-170's code size, the EVM's stack and call depth; memory for two full 64 KiB app_data copies.
inline constexpr VmLimits default_limits{24576, 1024, 131072, 1024, 1024};

// spec: channel_vm.md#check_limits
constexpr ChannelVmError check_limits(const VmLimits& limits) {
  // Verify: every limit lies in its range of channel_vm.md#vmlimits [VM-LIM-1]
  if (limits.max_code_bytes == 0 || limits.max_code_bytes > code_bytes_ceiling || limits.max_stack_items == 0 ||
      limits.max_stack_items > stack_items_ceiling || limits.max_memory_bytes > memory_bytes_ceiling ||
      limits.max_memory_bytes % memory_word_bytes != 0 || limits.max_call_depth > call_depth_ceiling ||
      limits.max_storage_slots > storage_slots_ceiling)
    return ChannelVmError::unsafe_limits;
  return ChannelVmError::none;
}

// ---------------------------------------------------------------------------------------------
// Gas. spec: channel_vm.md#gas

inline constexpr u64 gas_halt = 1;
inline constexpr u64 gas_base = 2;
inline constexpr u64 gas_very_low = 3;
inline constexpr u64 gas_low = 5;
inline constexpr u64 gas_mid = 8;
inline constexpr u64 gas_high = 10;
inline constexpr u64 gas_sload = 10;
inline constexpr u64 gas_sstore = 20;
inline constexpr u64 gas_sha256 = 30;
inline constexpr u64 gas_sha256_word = 6;
inline constexpr u64 gas_copy_word = 3;
inline constexpr u64 gas_memory_word = 3;
inline constexpr u64 memory_quadratic_divisor = 512;

constexpr u64 words_of(u64 bytes) { return bytes / memory_word_bytes + (bytes % memory_word_bytes != 0 ? 1 : 0); }

// What a memory of `words` 32-byte words has cost in total: 3 words + words^2 / 512, the EVM's rule.
// words <= 2^19 (VM-LIM-1), so this stays below 2^40.
constexpr u64 memory_cost(u64 words) { return gas_memory_word * words + words * words / memory_quadratic_divisor; }

// ---------------------------------------------------------------------------------------------
// The instruction set. spec: channel_vm.md#instruction-set
//
// X(byte, name, mnemonic, immediate bytes, items popped, items pushed, base gas). DUP and SWAP read
// deeper than they pop: stack_needed below. Stacks are written bottom to top, so in `a b -> a-b` b is
// the top item.
#define L2_CHANNEL_VM_OPCODES(X)                                  \
  X(0x00, stop, "STOP", 0, 0, 0, gas_halt)                        \
  X(0x01, accept, "ACCEPT", 0, 0, 0, gas_halt)                    \
  X(0x02, reject, "REJECT", 0, 0, 0, gas_halt)                    \
  X(0x10, add, "ADD", 0, 2, 1, gas_very_low)                      \
  X(0x11, sub, "SUB", 0, 2, 1, gas_very_low)                      \
  X(0x12, mul, "MUL", 0, 2, 1, gas_low)                           \
  X(0x13, div, "DIV", 0, 2, 1, gas_low)                           \
  X(0x14, mod, "MOD", 0, 2, 1, gas_low)                           \
  X(0x18, lt, "LT", 0, 2, 1, gas_very_low)                        \
  X(0x19, gt, "GT", 0, 2, 1, gas_very_low)                        \
  X(0x1a, eq, "EQ", 0, 2, 1, gas_very_low)                        \
  X(0x1b, iszero, "ISZERO", 0, 1, 1, gas_very_low)                \
  X(0x1c, bit_and, "AND", 0, 2, 1, gas_very_low)                  \
  X(0x1d, bit_or, "OR", 0, 2, 1, gas_very_low)                    \
  X(0x1e, bit_xor, "XOR", 0, 2, 1, gas_very_low)                  \
  X(0x1f, bit_not, "NOT", 0, 1, 1, gas_very_low)                  \
  X(0x20, shl, "SHL", 0, 2, 1, gas_very_low)                      \
  X(0x21, shr, "SHR", 0, 2, 1, gas_very_low)                      \
  X(0x30, push1, "PUSH1", 1, 0, 1, gas_very_low)                  \
  X(0x31, push2, "PUSH2", 2, 0, 1, gas_very_low)                  \
  X(0x32, push4, "PUSH4", 4, 0, 1, gas_very_low)                  \
  X(0x33, push8, "PUSH8", 8, 0, 1, gas_very_low)                  \
  X(0x38, pop, "POP", 0, 1, 0, gas_base)                          \
  X(0x39, dup, "DUP", 1, 0, 1, gas_very_low)                      \
  X(0x3a, swap, "SWAP", 1, 0, 0, gas_very_low)                    \
  X(0x40, jump, "JUMP", 0, 1, 0, gas_mid)                         \
  X(0x41, jumpi, "JUMPI", 0, 2, 0, gas_high)                      \
  X(0x42, jumpdest, "JUMPDEST", 0, 0, 0, gas_halt)                \
  X(0x43, call, "CALL", 0, 1, 0, gas_high)                        \
  X(0x44, ret, "RET", 0, 0, 0, gas_mid)                           \
  X(0x50, mload, "MLOAD", 0, 1, 1, gas_very_low)                  \
  X(0x51, mstore, "MSTORE", 0, 2, 0, gas_very_low)                \
  X(0x52, mload8, "MLOAD8", 0, 1, 1, gas_very_low)                \
  X(0x53, mstore8, "MSTORE8", 0, 2, 0, gas_very_low)              \
  X(0x58, sload, "SLOAD", 0, 1, 1, gas_sload)                     \
  X(0x59, sstore, "SSTORE", 0, 2, 0, gas_sstore)                  \
  X(0x5c, sha256, "SHA256", 0, 3, 0, gas_sha256)                  \
  X(0x60, participants, "PARTICIPANTS", 0, 0, 1, gas_base)        \
  X(0x61, mover, "MOVER", 0, 0, 1, gas_base)                      \
  X(0x62, from_turn, "FROM_TURN", 0, 0, 1, gas_base)              \
  X(0x63, to_turn, "TO_TURN", 0, 0, 1, gas_base)                  \
  X(0x64, from_final, "FROM_FINAL", 0, 0, 1, gas_base)            \
  X(0x65, to_final, "TO_FINAL", 0, 0, 1, gas_base)                \
  X(0x66, from_outcome, "FROM_OUTCOME", 0, 1, 1, gas_very_low)    \
  X(0x67, to_outcome, "TO_OUTCOME", 0, 1, 1, gas_very_low)        \
  X(0x68, from_data_size, "FROM_DATA_SIZE", 0, 0, 1, gas_base)    \
  X(0x69, to_data_size, "TO_DATA_SIZE", 0, 0, 1, gas_base)        \
  X(0x6a, from_data_copy, "FROM_DATA_COPY", 0, 3, 0, gas_very_low) \
  X(0x6b, to_data_copy, "TO_DATA_COPY", 0, 3, 0, gas_very_low)

#define L2_CHANNEL_VM_OPCODE_ENUMERATOR(byte, name, mnemonic, immediate, pops, pushes, gas) name = byte,
enum class Opcode : u8 { L2_CHANNEL_VM_OPCODES(L2_CHANNEL_VM_OPCODE_ENUMERATOR) };
#undef L2_CHANNEL_VM_OPCODE_ENUMERATOR

struct OpcodeInfo {
  bool defined = false;
  std::string_view mnemonic;
  u64 immediate_bytes = 0;
  u64 pops = 0;
  u64 pushes = 0;
  u64 gas = 0;
};

// One row per byte value; undefined bytes keep `defined` false.
inline constexpr std::array<OpcodeInfo, 256> opcode_table = [] {
  std::array<OpcodeInfo, 256> table{};
#define L2_CHANNEL_VM_OPCODE_ROW(byte, name, mnemonic, immediate, pops, pushes, gas) \
  table[byte] = OpcodeInfo{true, mnemonic, immediate, pops, pushes, gas};
  L2_CHANNEL_VM_OPCODES(L2_CHANNEL_VM_OPCODE_ROW)
#undef L2_CHANNEL_VM_OPCODE_ROW
  return table;
}();

inline constexpr std::size_t opcode_count = [] {
  std::size_t count = 0;
  for (const OpcodeInfo& info : opcode_table) count += info.defined ? 1 : 0;
  return count;
}();

constexpr const OpcodeInfo& opcode_info(u8 byte) { return opcode_table[byte]; }

// ---------------------------------------------------------------------------------------------
// Validation. spec: channel_vm.md#validate_code

// Bytecode that passed validate_code, with its JUMPDEST map. Only validate_code makes a non-empty
// one, so the interpreter may rely on every instruction being defined and complete; the empty
// default (which Result needs) runs into VM-RUN-1 at its first step.
class ValidatedCode {
 public:
  constexpr ValidatedCode() = default;
  constexpr std::span<const u8> code() const { return code_; }
  // Whether `pc` starts a JUMPDEST instruction (never a byte inside an immediate).
  constexpr bool is_jumpdest(u64 pc) const { return pc < jumpdests_.size() && jumpdests_[pc] != 0; }

 private:
  friend constexpr Result<ValidatedCode, ChannelVmError> validate_code(std::span<const u8> code,
                                                                       const VmLimits& limits);
  Bytes code_;
  Bytes jumpdests_;  // 1 at every JUMPDEST instruction, 0 elsewhere
};

// spec: channel_vm.md#validate_code
constexpr Result<ValidatedCode, ChannelVmError> validate_code(std::span<const u8> code, const VmLimits& limits) {
  if (const ChannelVmError e = check_limits(limits); e != ChannelVmError::none) return e;
  // Verify: 1 <= code length <= max_code_bytes [VM-CODE-1]
  if (code.empty() || code.size() > limits.max_code_bytes) return ChannelVmError::code_size;
  ValidatedCode validated;
  validated.jumpdests_.assign(code.size(), 0);
  u64 pc = 0;
  while (pc < code.size()) {
    const OpcodeInfo& info = opcode_info(code[pc]);
    // Verify: the byte at each instruction boundary is a defined opcode [VM-CODE-2]
    if (!info.defined) return ChannelVmError::undefined_opcode;
    // Verify: the instruction's immediate lies entirely inside the code [VM-CODE-3]
    if (info.immediate_bytes > code.size() - pc - 1) return ChannelVmError::truncated_immediate;
    if (code[pc] == static_cast<u8>(Opcode::jumpdest)) validated.jumpdests_[pc] = 1;
    pc += 1 + info.immediate_bytes;
  }
  validated.code_.assign(code.begin(), code.end());
  return validated;
}

// ---------------------------------------------------------------------------------------------
// Machine state, inputs and outcome. spec: channel_vm.md#machine-state

// The move the program judges: `to` proposed after `from` in the channel `fixed`, signed by
// participants[mover].
struct MoveContext {
  const FixedPart& fixed;
  const VariablePart& from;
  const VariablePart& to;
  u64 mover = 0;
};

struct StorageSlot {
  BOOST_HANA_DEFINE_STRUCT(StorageSlot, (u64, key), (u64, value));
};

// How a run ended: ACCEPT (the move is valid), REJECT (it is not), or STOP (no verdict).
enum class Halt : u8 { accept, reject, stop };
L2_REFLECT_ENUM(Halt, accept, reject, stop)

// spec: channel_vm.md#outcome
struct Outcome {
  BOOST_HANA_DEFINE_STRUCT(Outcome, (Halt, halt), (u64, gas_used), (std::vector<StorageSlot>, storage));
};

// The interpreter's state. It lives in run's locals; only a halt turns part of it into an Outcome.
struct Machine {
  u64 pc = 0;
  u64 gas_left = 0;
  std::vector<u64> stack;
  Bytes memory;                      // a whole number of 32-byte words
  std::vector<u64> return_addresses;  // the call stack
  std::vector<StorageSlot> storage;  // sorted by key; a slot holding 0 is absent

  constexpr u64 peek(u64 depth) const { return stack[stack.size() - 1 - depth]; }
  constexpr u64 pop() {
    const u64 top = stack.back();
    stack.pop_back();
    return top;
  }
  constexpr void push(u64 value) { stack.push_back(value); }
};

// An instruction decoded at pc: its opcode, its immediate (big-endian) and the pc after it.
struct Instruction {
  Opcode opcode{};
  u64 immediate = 0;
  u64 next_pc = 0;
};

constexpr Instruction decode(std::span<const u8> code, u64 pc) {
  const OpcodeInfo& info = opcode_info(code[pc]);
  L2_VERIFY_CHECK(info.defined && info.immediate_bytes < code.size() - pc);
  Instruction instruction{static_cast<Opcode>(code[pc]), 0, pc + 1 + info.immediate_bytes};
  for (u64 i = 0; i < info.immediate_bytes; ++i) instruction.immediate = (instruction.immediate << 8) | code[pc + 1 + i];
  return instruction;
}

// How many items the instruction reads, and how many more it leaves than it found.
constexpr u64 stack_needed(const Instruction& instruction) {
  if (instruction.opcode == Opcode::dup) return instruction.immediate + 1;
  if (instruction.opcode == Opcode::swap) return instruction.immediate + 2;
  return opcode_info(static_cast<u8>(instruction.opcode)).pops;
}

constexpr u64 stack_growth(const Instruction& instruction) {
  const OpcodeInfo& info = opcode_info(static_cast<u8>(instruction.opcode));
  return info.pushes > info.pops ? info.pushes - info.pops : 0;
}

// The memory an instruction touches, read from its operands before it runs: `end` is one past the
// furthest byte (0 when it touches none), `fits` false when a range ends beyond max_memory_bytes or
// past 2^64, and `word_gas` its per-word charge (SHA256, *_DATA_COPY). A range of length 0 touches
// nothing, whatever its offset.
struct MemoryNeed {
  bool fits = true;
  u64 end = 0;
  u64 word_gas = 0;

  constexpr void touch(u64 offset, u64 length, u64 max_memory_bytes) {
    if (length == 0) return;
    const Checked range_end = checked_add(offset, length);
    if (range_end.overflow || range_end.value > max_memory_bytes) {
      fits = false;
      return;
    }
    if (range_end.value > end) end = range_end.value;
  }
};

constexpr MemoryNeed memory_need(const Instruction& instruction, const Machine& machine, u64 max_memory_bytes) {
  MemoryNeed need;
  switch (instruction.opcode) {
    case Opcode::mload:
    case Opcode::mstore:
      need.touch(machine.peek(0), 8, max_memory_bytes);
      break;
    case Opcode::mload8:
    case Opcode::mstore8:
      need.touch(machine.peek(0), 1, max_memory_bytes);
      break;
    case Opcode::sha256:  // source length destination
      need.touch(machine.peek(2), machine.peek(1), max_memory_bytes);
      need.touch(machine.peek(0), 32, max_memory_bytes);
      if (need.fits) need.word_gas = gas_sha256_word * words_of(machine.peek(1));
      break;
    case Opcode::from_data_copy:
    case Opcode::to_data_copy:  // source length destination
      need.touch(machine.peek(0), machine.peek(1), max_memory_bytes);
      if (need.fits) need.word_gas = gas_copy_word * words_of(machine.peek(1));
      break;
    default:
      break;
  }
  return need;
}

// Base gas, plus the per-word charge, plus the price of growing memory to cover need.end.
// spec: channel_vm.md#gas
constexpr u64 instruction_cost(const Instruction& instruction, const MemoryNeed& need, u64 memory_bytes) {
  const u64 old_words = memory_bytes / memory_word_bytes;
  const u64 new_words = words_of(need.end);
  const u64 expansion = new_words > old_words ? memory_cost(new_words) - memory_cost(old_words) : 0;
  return opcode_info(static_cast<u8>(instruction.opcode)).gas + need.word_gas + expansion;
}

constexpr u64 read_word(const Bytes& memory, u64 offset) {
  u64 value = 0;
  for (u64 i = 0; i < 8; ++i) value = (value << 8) | memory[offset + i];
  return value;
}

constexpr void write_word(Bytes& memory, u64 offset, u64 value) {
  for (u64 i = 0; i < 8; ++i) memory[offset + i] = static_cast<u8>(value >> (56 - 8 * i));
}

// app_data[source + i] for i < length into memory[destination + i]; bytes past app_data's end read 0.
constexpr void copy_data(Bytes& memory, const Bytes& data, u64 source, u64 length, u64 destination) {
  for (u64 i = 0; i < length; ++i) {
    const bool inside = source < data.size() && i < data.size() - source;
    memory[destination + i] = inside ? data[source + i] : 0;
  }
}

constexpr std::optional<std::size_t> find_slot(const std::vector<StorageSlot>& storage, u64 key) {
  for (std::size_t i = 0; i < storage.size(); ++i)
    if (storage[i].key == key) return i;
  return std::nullopt;
}

// What executing one instruction did: a fault, a halt, or neither (carry on at machine.pc).
struct Step {
  ChannelVmError fault = ChannelVmError::none;
  std::optional<Halt> halt;
};

// Executes one instruction whose operands, memory and gas run() has already checked and charged.
// spec: channel_vm.md#instruction-set
constexpr Step execute(const Instruction& instruction, Machine& machine, const ValidatedCode& program,
                       const MoveContext& context, const VmLimits& limits) {
  machine.pc = instruction.next_pc;
  switch (instruction.opcode) {
    case Opcode::stop:
      return {ChannelVmError::none, Halt::stop};
    case Opcode::accept:
      return {ChannelVmError::none, Halt::accept};
    case Opcode::reject:
      return {ChannelVmError::none, Halt::reject};

    case Opcode::add: {
      const u64 b = machine.pop(), a = machine.pop();
      const Checked sum = checked_add(a, b);
      // Verify: a + b <= 2^64 - 1 [VM-RUN-6]
      if (sum.overflow) return {ChannelVmError::arithmetic_overflow, {}};
      machine.push(sum.value);
      break;
    }
    case Opcode::sub: {
      const u64 b = machine.pop(), a = machine.pop();
      const Checked difference = checked_sub(a, b);
      // Verify: a >= b [VM-RUN-6]
      if (difference.overflow) return {ChannelVmError::arithmetic_overflow, {}};
      machine.push(difference.value);
      break;
    }
    case Opcode::mul: {
      const u64 b = machine.pop(), a = machine.pop();
      const Checked product = checked_mul(a, b);
      // Verify: a * b <= 2^64 - 1 [VM-RUN-6]
      if (product.overflow) return {ChannelVmError::arithmetic_overflow, {}};
      machine.push(product.value);
      break;
    }
    case Opcode::div: {
      const u64 b = machine.pop(), a = machine.pop();
      // Verify: the divisor is not 0 [VM-RUN-7]
      if (b == 0) return {ChannelVmError::division_by_zero, {}};
      machine.push(a / b);
      break;
    }
    case Opcode::mod: {
      const u64 b = machine.pop(), a = machine.pop();
      // Verify: the divisor is not 0 [VM-RUN-7]
      if (b == 0) return {ChannelVmError::division_by_zero, {}};
      machine.push(a % b);
      break;
    }

    case Opcode::lt: {
      const u64 b = machine.pop(), a = machine.pop();
      machine.push(a < b ? 1 : 0);
      break;
    }
    case Opcode::gt: {
      const u64 b = machine.pop(), a = machine.pop();
      machine.push(a > b ? 1 : 0);
      break;
    }
    case Opcode::eq: {
      const u64 b = machine.pop(), a = machine.pop();
      machine.push(a == b ? 1 : 0);
      break;
    }
    case Opcode::iszero:
      machine.push(machine.pop() == 0 ? 1 : 0);
      break;
    case Opcode::bit_and: {
      const u64 b = machine.pop(), a = machine.pop();
      machine.push(a & b);
      break;
    }
    case Opcode::bit_or: {
      const u64 b = machine.pop(), a = machine.pop();
      machine.push(a | b);
      break;
    }
    case Opcode::bit_xor: {
      const u64 b = machine.pop(), a = machine.pop();
      machine.push(a ^ b);
      break;
    }
    case Opcode::bit_not:
      machine.push(~machine.pop());
      break;
    case Opcode::shl: {  // a shift by 64 or more gives 0, never C++'s undefined behaviour
      const u64 b = machine.pop(), a = machine.pop();
      machine.push(b >= 64 ? 0 : a << b);
      break;
    }
    case Opcode::shr: {
      const u64 b = machine.pop(), a = machine.pop();
      machine.push(b >= 64 ? 0 : a >> b);
      break;
    }

    case Opcode::push1:
    case Opcode::push2:
    case Opcode::push4:
    case Opcode::push8:
      machine.push(instruction.immediate);
      break;
    case Opcode::pop:
      machine.pop();
      break;
    case Opcode::dup:
      machine.push(machine.peek(instruction.immediate));
      break;
    case Opcode::swap: {
      const std::size_t top = machine.stack.size() - 1;
      const std::size_t other = top - 1 - static_cast<std::size_t>(instruction.immediate);
      const u64 held = machine.stack[top];
      machine.stack[top] = machine.stack[other];
      machine.stack[other] = held;
      break;
    }

    case Opcode::jump: {
      const u64 target = machine.pop();
      // Verify: the target is a JUMPDEST [VM-RUN-8]
      if (!program.is_jumpdest(target)) return {ChannelVmError::invalid_jump, {}};
      machine.pc = target;
      break;
    }
    case Opcode::jumpi: {
      const u64 target = machine.pop(), condition = machine.pop();
      if (condition == 0) break;
      // Verify: the target of a taken JUMPI is a JUMPDEST [VM-RUN-8]
      if (!program.is_jumpdest(target)) return {ChannelVmError::invalid_jump, {}};
      machine.pc = target;
      break;
    }
    case Opcode::jumpdest:
      break;
    case Opcode::call: {
      const u64 target = machine.pop();
      // Verify: the target is a JUMPDEST [VM-RUN-8]
      if (!program.is_jumpdest(target)) return {ChannelVmError::invalid_jump, {}};
      // Verify: the call stack holds fewer than max_call_depth return addresses [VM-RUN-9]
      if (machine.return_addresses.size() >= limits.max_call_depth) return {ChannelVmError::call_depth, {}};
      machine.return_addresses.push_back(instruction.next_pc);
      machine.pc = target;
      break;
    }
    case Opcode::ret: {
      // Verify: the call stack is not empty [VM-RUN-10]
      if (machine.return_addresses.empty()) return {ChannelVmError::return_underflow, {}};
      machine.pc = machine.return_addresses.back();
      machine.return_addresses.pop_back();
      break;
    }

    case Opcode::mload:
      machine.push(read_word(machine.memory, machine.pop()));
      break;
    case Opcode::mstore: {
      const u64 offset = machine.pop(), value = machine.pop();
      write_word(machine.memory, offset, value);
      break;
    }
    case Opcode::mload8:
      machine.push(machine.memory[machine.pop()]);
      break;
    case Opcode::mstore8: {
      const u64 offset = machine.pop(), value = machine.pop();
      machine.memory[offset] = static_cast<u8>(value);
      break;
    }

    case Opcode::sload: {
      const std::optional<std::size_t> slot = find_slot(machine.storage, machine.pop());
      machine.push(slot ? machine.storage[*slot].value : 0);
      break;
    }
    case Opcode::sstore: {
      const u64 key = machine.pop(), value = machine.pop();
      const std::optional<std::size_t> slot = find_slot(machine.storage, key);
      if (slot && value == 0) {
        machine.storage.erase(machine.storage.begin() + static_cast<std::ptrdiff_t>(*slot));
      } else if (slot) {
        machine.storage[*slot].value = value;
      } else if (value != 0) {
        // Verify: a new slot leaves at most max_storage_slots slots [VM-RUN-11]
        if (machine.storage.size() >= limits.max_storage_slots) return {ChannelVmError::storage_limit, {}};
        std::size_t at = 0;
        while (at < machine.storage.size() && machine.storage[at].key < key) ++at;
        machine.storage.insert(machine.storage.begin() + static_cast<std::ptrdiff_t>(at), StorageSlot{key, value});
      }
      break;
    }

    case Opcode::sha256: {
      const u64 destination = machine.pop(), length = machine.pop(), source = machine.pop();
      const std::span<const u8> input =
          length == 0 ? std::span<const u8>{} : std::span<const u8>(machine.memory).subspan(source, length);
      const Hash32 digest = l2::ref::sha256(input);
      for (std::size_t i = 0; i < digest.size(); ++i) machine.memory[destination + i] = digest[i];
      break;
    }

    case Opcode::participants:
      machine.push(context.fixed.participants.size());
      break;
    case Opcode::mover:
      machine.push(context.mover);
      break;
    case Opcode::from_turn:
      machine.push(context.from.turn);
      break;
    case Opcode::to_turn:
      machine.push(context.to.turn);
      break;
    case Opcode::from_final:
      machine.push(context.from.is_final ? 1 : 0);
      break;
    case Opcode::to_final:
      machine.push(context.to.is_final ? 1 : 0);
      break;
    case Opcode::from_outcome: {
      const u64 index = machine.pop();
      // Verify: index < length of from.outcome [VM-RUN-12]
      if (index >= context.from.outcome.size()) return {ChannelVmError::outcome_index, {}};
      machine.push(context.from.outcome[index]);
      break;
    }
    case Opcode::to_outcome: {
      const u64 index = machine.pop();
      // Verify: index < length of to.outcome [VM-RUN-12]
      if (index >= context.to.outcome.size()) return {ChannelVmError::outcome_index, {}};
      machine.push(context.to.outcome[index]);
      break;
    }
    case Opcode::from_data_size:
      machine.push(context.from.app_data.size());
      break;
    case Opcode::to_data_size:
      machine.push(context.to.app_data.size());
      break;
    case Opcode::from_data_copy:
    case Opcode::to_data_copy: {
      const u64 destination = machine.pop(), length = machine.pop(), source = machine.pop();
      const Bytes& data = instruction.opcode == Opcode::from_data_copy ? context.from.app_data : context.to.app_data;
      copy_data(machine.memory, data, source, length, destination);
      break;
    }
  }
  return {};
}

// Runs the program on one move. Each step: find the instruction at pc, check its stack and memory,
// charge its gas, execute it. spec: channel_vm.md#run
constexpr Result<Outcome, ChannelVmError> run(const ValidatedCode& program, const MoveContext& context, u64 gas_limit,
                                              const VmLimits& limits) {
  if (const ChannelVmError e = check_limits(limits); e != ChannelVmError::none) return e;
  const std::span<const u8> code = program.code();
  Machine machine;
  machine.gas_left = gas_limit;
  while (true) {
    // Verify: pc is inside the code [VM-RUN-1]
    if (machine.pc >= code.size()) return ChannelVmError::end_of_code;
    const Instruction instruction = decode(code, machine.pc);
    // Verify: the stack holds every item the instruction reads [VM-RUN-2]
    if (machine.stack.size() < stack_needed(instruction)) return ChannelVmError::stack_underflow;
    // Verify: the stack after the instruction holds at most max_stack_items [VM-RUN-3]
    if (machine.stack.size() + stack_growth(instruction) > limits.max_stack_items) return ChannelVmError::stack_overflow;
    const MemoryNeed need = memory_need(instruction, machine, limits.max_memory_bytes);
    // Verify: every memory byte the instruction touches lies below max_memory_bytes [VM-RUN-4]
    if (!need.fits) return ChannelVmError::memory_limit;
    const u64 cost = instruction_cost(instruction, need, machine.memory.size());
    L2_VERIFY_CHECK(cost >= 1);
    // Verify: the instruction's cost is at most the gas left [VM-RUN-5]
    if (cost > machine.gas_left) return ChannelVmError::out_of_gas;
    machine.gas_left -= cost;
    if (words_of(need.end) * memory_word_bytes > machine.memory.size())
      machine.memory.resize(words_of(need.end) * memory_word_bytes, 0);
    const Step step = execute(instruction, machine, program, context, limits);
    if (step.fault != ChannelVmError::none) return step.fault;
    if (step.halt) return Outcome{*step.halt, gas_limit - machine.gas_left, machine.storage};
  }
}

// ---------------------------------------------------------------------------------------------
// The application check. spec: channel_vm.md#vmapp

// spec: channel_vm.md#app_definition
constexpr Hash32 app_definition(std::span<const u8> code) { return tagged_hash(app_tag, code); }

// The verdict on a move: valid exactly when the program halts with ACCEPT within gas_limit, run
// with participants[to.turn mod n] as the mover. A fault, running out of gas, REJECT and STOP all
// make the move invalid, and so does a channel with no participant (it has no mover).
// spec: channel_vm.md#judge_move
constexpr bool judge_move(const ValidatedCode& program, const FixedPart& fixed, const VariablePart& from,
                          const VariablePart& to, u64 gas_limit, const VmLimits& limits) {
  if (fixed.participants.empty()) return false;
  const MoveContext context{fixed, from, to, state_channel::mover_index(fixed, to.turn)};
  const Result<Outcome, ChannelVmError> outcome = run(program, context, gas_limit, limits);
  return outcome.ok() && outcome->halt == Halt::accept;
}

struct DeployedProgram {
  Hash32 app_definition{};
  ValidatedCode program;
};

// The adjudicator's AppCheck over deployed bytecode: a move is valid exactly when the program its
// channel's app_definition names halts with ACCEPT within gas_limit. Every run uses the same
// gas_limit and limits, fixed when the adjudicator is deployed, so the verdict on a move is a pure
// function of the move: a fault or a run out of gas is a rejection, and nobody can make a move
// valid or invalid by choosing how much gas to send.
struct VmApp {
  u64 gas_limit = 0;
  VmLimits limits = default_limits;
  std::vector<DeployedProgram> programs;

  constexpr const DeployedProgram* find(const Hash32& definition) const {
    for (const DeployedProgram& deployed : programs)
      if (deployed.app_definition == definition) return &deployed;
    return nullptr;
  }
  constexpr bool knows(const Hash32& definition) const { return find(definition) != nullptr; }
  constexpr bool valid_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) const {
    const DeployedProgram* deployed = find(fixed.app_definition);
    return deployed != nullptr && judge_move(deployed->program, fixed, from, to, gas_limit, limits);
  }
};

static_assert(state_channel::AppCheck<VmApp>);

// The app with `code` deployed under app_definition(code). Deploying the same code again changes
// nothing: its app_definition is already there. spec: channel_vm.md#deploy_program
constexpr Result<VmApp, ChannelVmError> deploy_program(const VmApp& app, std::span<const u8> code) {
  Result<ValidatedCode, ChannelVmError> validated = validate_code(code, app.limits);
  if (!validated.ok()) return validated.error();
  const Hash32 definition = app_definition(code);
  VmApp next = app;
  if (!next.knows(definition)) next.programs.push_back(DeployedProgram{definition, std::move(validated).value()});
  return next;
}

}  // namespace l2::ref::channel_vm
