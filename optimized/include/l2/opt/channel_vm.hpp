// Optimized channel VM interpreter: must match l2::ref::channel_vm::validate_code and run
// (reference/include/l2/ref/channel_vm.hpp) bit for bit: the same verdict, gas_used and storage for
// every program that halts, and the same error code, decided by the same rule, for every one that
// does not (which fault wins when several apply is the reference's).
//
// Exploits that bytecode is validated once and run many times. validate decodes it into an array of
// pre-decoded instructions (the handler's address, a dense handler index and the immediate already
// widened to u64) cut into
// basic blocks: a block starts at byte 0, at each JUMPDEST and after each JUMP, JUMPI, CALL, RET and
// halt, and only its last instruction can leave it. A pseudo-instruction at the head of each block
// holds what the block needs: the sum of its instructions' base gas and the stack heights at which
// none of them underflows or overflows. The run checks those once per block and charges the base
// gas of the whole block up front; inside the block only what depends on operand values is checked
// (memory ranges, the memory and per-word gas, the instructions' own faults). When a block's check
// fails, or its dynamic gas would eat the base gas already charged for the rest of the block, the
// run certainly ends with a fault inside that block, and it finishes in a second, fully checked mode
// that applies the reference's per-instruction checks in the reference's order, so that the fault
// returned is the reference's. A fault returns only its code, so charging a block's gas early is
// invisible; a halt is always the last instruction of its block, so gas_used is exact.
// Runs of instructions that programs often have in a row (a PUSH and the instruction using its
// value, a DUP and a binary instruction, ISZERO PUSH JUMPI) execute as one superinstruction, and
// control entering a block by a jump, call or return does the block head's work without a
// dispatch of its own. Dispatch is direct threading through computed goto on GCC and clang (`goto
// *ip->handler`, the address decoded into the instruction), with a portable switch loop as the
// fallback (also compiled on GCC and clang, selectable for the differential tests). Stack and call stack are preallocated arrays of the limits' size, memory is a
// byte buffer grown by 32-byte words, storage a vector sorted by key (binary search), all reused
// from one run to the next on a thread: a run allocates nothing per instruction.
// spec: channel_vm.md#run
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_vm.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/state_channel.hpp"

namespace l2::opt::channel_vm {

using ref::channel_vm::default_limits;
using ref::channel_vm::FixedPart;
using ref::channel_vm::Halt;
using ref::channel_vm::MoveContext;
using ref::channel_vm::Outcome;
using ref::channel_vm::StorageSlot;
using ref::channel_vm::VariablePart;
using ref::channel_vm::VmLimits;

// One pre-decoded instruction, 24 bytes.
//   handler: the address of op's handler in the threaded fast mode (direct threading: the
//       dispatch jumps to it without a table); null where the compiler has no computed goto;
//   immediate: PUSHn's value, DUP's and SWAP's index; on a block head, the least stack height the
//       block needs (low 32 bits) and the most it adds above its entry height (high 32 bits);
//   arg: on a block head, the base gas of the whole block; on an instruction with memory or per-word
//        gas, the base gas of the instructions after it in its block; on a PUSH fused with a JUMP,
//        JUMPI or CALL, the index its target decodes to (or none);
//   op: the handler the fast mode dispatches to: the instruction's own, or the superinstruction
//       that runs it and the instructions after it (a PUSH followed by an arithmetic, comparison,
//       bitwise, jump or memory instruction; a DUP followed by a binary instruction; ISZERO, PUSH,
//       JUMPI, with or without a DUP before them). The run stays in the array, and the
//       superinstruction steps over it;
//   plain: the instruction's own handler, which the checked mode dispatches to;
//   flag: on a block head, 1 when the block starts with a JUMPDEST (whose 1 gas the head charges).
struct DecodedInstruction {
  const void* handler = nullptr;
  u64 immediate = 0;
  std::uint32_t arg = 0;
  std::uint8_t op = 0;
  std::uint8_t plain = 0;
  std::uint8_t flag = 0;
  std::uint8_t unused = 0;
};
static_assert(sizeof(DecodedInstruction) == 24);

// Validated bytecode, decoded. Only validate (or from_validated) makes a non-empty one; the empty
// default runs into VM_END_OF_CODE at its first step, as the reference's empty ValidatedCode does.
class Program {
 public:
  Program();
  std::span<const u8> code() const { return code_; }
  // Whether `pc` starts a JUMPDEST instruction (never a byte inside an immediate).
  bool is_jumpdest(u64 pc) const { return pc < jump_index_.size() && jump_index_[pc] != no_target; }
  // The decoded array: block heads, the instructions (JUMPDESTs folded into their block's head) and
  // the end-of-code sentinel.
  std::span<const DecodedInstruction> instructions() const { return instructions_; }

 private:
  friend Result<Program, ChannelVmError> validate(std::span<const u8> code, const VmLimits& limits);
  friend Program from_validated(const ref::channel_vm::ValidatedCode& validated);
  friend struct Interpreter;
  static constexpr std::uint32_t no_target = 0xffffffffu;
  struct Undecoded {};
  explicit Program(Undecoded) {}  // no instructions at all: only for handing out the handler table
  void decode();  // code_ -> instructions_, jump_index_; code_ already validated

  Bytes code_;
  std::vector<DecodedInstruction> instructions_;
  // jump_index_[pc]: the index in instructions_ of the block head of the JUMPDEST at byte pc, or
  // no_target.
  std::vector<std::uint32_t> jump_index_;
};

// validate_code: check_limits, VM-CODE-1, then VM-CODE-2 and VM-CODE-3 instruction by instruction.
// spec: channel_vm.md#validate_code
Result<Program, ChannelVmError> validate(std::span<const u8> code, const VmLimits& limits);

// The same program from code the reference validated.
Program from_validated(const ref::channel_vm::ValidatedCode& validated);

// How the interpreter dispatches. The results never depend on it.
enum class Dispatch : u8 {
  best,         // threaded where the compiler has computed goto, else the switch loop
  switch_loop,  // the portable switch loop
  checked,      // every instruction checked one by one, no block precharge (the fallback mode alone)
};

// The reference's run. spec: channel_vm.md#run
Result<Outcome, ChannelVmError> run(const Program& program, const MoveContext& context, u64 gas_limit,
                                    const VmLimits& limits, Dispatch dispatch = Dispatch::best);

// The reference's judge_move: the move is valid exactly when the program halts with ACCEPT within
// gas_limit. spec: channel_vm.md#judge_move
bool judge_move(const Program& program, const FixedPart& fixed, const VariablePart& from, const VariablePart& to,
                u64 gas_limit, const VmLimits& limits);

// Whether this build has the computed-goto dispatch.
bool has_threaded_dispatch();

// The reference's VmApp, on decoded programs: an AppCheck (state_channel.hpp) whose verdicts equal
// ref::channel_vm::VmApp's for the same gas_limit, limits and deployed code.
// spec: channel_vm.md#vmapp
struct VmApp {
  u64 gas_limit = 0;
  VmLimits limits = default_limits;

  bool knows(const Hash32& definition) const { return programs.contains(definition); }
  bool valid_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) const;

  struct DefinitionHash {
    std::size_t operator()(const Hash32& definition) const;
  };
  std::unordered_map<Hash32, Program, DefinitionHash> programs;
};

static_assert(ref::state_channel::AppCheck<VmApp>);

// ref::channel_vm::deploy_program: validates `code` under app.limits and adds it under
// app_definition(code) unless that definition is already deployed.
Result<VmApp, ChannelVmError> deploy_program(const VmApp& app, std::span<const u8> code);

}  // namespace l2::opt::channel_vm
