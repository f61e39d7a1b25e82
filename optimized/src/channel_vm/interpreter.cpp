// The channel VM interpreter: must match l2::ref::channel_vm::validate_code and run bit for bit,
// the fault that wins when several apply included.
// Exploits decoding once: the validated bytecode becomes an array of 24-byte instructions in basic
// blocks, each headed by a pseudo-instruction that checks the block's stack needs and charges its
// base gas in one step (see channel_vm.hpp). The interpreter body is written once, with macros, and
// instantiated four ways: fast (block checks) or checked (the reference's per-instruction checks, in
// its order), each threaded (computed goto, GCC and clang) or as a switch loop. The fast mode hands
// a block over to the checked mode as soon as the block's checks fail or its dynamic gas would eat
// into the base gas charged for the rest of the block: the run then certainly faults inside that
// block, and the checked mode finds which fault the reference reports.
// spec: channel_vm.md#run
#include <algorithm>
#include <bit>
#include <cstring>

#include "l2/opt/channel_vm.hpp"
#include "l2/opt/sha256.hpp"

#if defined(__GNUC__)
#define L2_CHANNEL_VM_THREADED 1
#else
#define L2_CHANNEL_VM_THREADED 0
#endif

namespace l2::opt::channel_vm {

namespace vm = ref::channel_vm;
using vm::Opcode;

namespace {

// The handlers, in the order of the threaded dispatch table. PUSH1..PUSH8 share one handler (the
// immediate is already a u64); JUMPDEST has none: it is folded into the head of its block. The
// handlers named after two or more instructions are the fast mode's superinstructions: a run of
// instructions that a program often has in a row, executed in one dispatch.
#define L2_CHANNEL_VM_HANDLERS(X)                                                                    \
  X(block) X(end) X(stop) X(accept) X(reject) X(iszero) X(bit_not) X(push) X(pop) X(dup) X(swap)   \
  X(jump) X(jumpi) X(call) X(ret) X(mload) X(mstore) X(mload8) X(mstore8) X(sload) X(sstore)       \
  X(sha256) X(participants) X(mover) X(from_turn) X(to_turn) X(from_final) X(to_final)             \
  X(from_outcome) X(to_outcome) X(from_data_size) X(to_data_size) X(from_data_copy) X(to_data_copy)    \
  X(push_jump) X(push_jumpi) X(push_call) X(push_mload) X(push_mstore) X(push_mload8) X(push_mstore8)  \
  X(iszero_push_jumpi) X(dup_iszero_push_jumpi)
// The binary instructions: each has three handlers, name (the instruction alone), push_name (a
// PUSH and the instruction: the PUSH's value is the top operand) and dup_name (a DUP and the
// instruction: the duplicated item is the top operand).
#define L2_CHANNEL_VM_BINARY(Y) \
  Y(add) Y(sub) Y(mul) Y(div) Y(mod) Y(lt) Y(gt) Y(eq) Y(bit_and) Y(bit_or) Y(bit_xor) Y(shl) Y(shr)

#define L2_CHANNEL_VM_HANDLER_ENUMERATOR(name) h_##name,
#define L2_CHANNEL_VM_BINARY_ENUMERATORS(name) h_##name, h_push_##name, h_dup_##name,
enum Handler : u8 {
  L2_CHANNEL_VM_HANDLERS(L2_CHANNEL_VM_HANDLER_ENUMERATOR) L2_CHANNEL_VM_BINARY(L2_CHANNEL_VM_BINARY_ENUMERATORS)
      handler_count
};
#undef L2_CHANNEL_VM_HANDLER_ENUMERATOR
#undef L2_CHANNEL_VM_BINARY_ENUMERATORS

inline bool add_overflows(u64 a, u64 b, u64& result) {
#if defined(__GNUC__)
  return __builtin_add_overflow(a, b, &result);
#else
  result = a + b;
  return result < a;
#endif
}

inline bool mul_overflows(u64 a, u64 b, u64& result) {
#if defined(__GNUC__)
  return __builtin_mul_overflow(a, b, &result);
#else
  result = a * b;
  return a != 0 && result / a != b;
#endif
}

// What each binary instruction computes from a (the item below the top) and b (the top): the fault
// it raises, and otherwise its result in `r`. One definition for the three handlers of each.
inline ChannelVmError binary_add(u64 a, u64 b, u64& r) {
  return add_overflows(a, b, r) ? ChannelVmError::arithmetic_overflow : ChannelVmError::none;  // VM-RUN-6
}
inline ChannelVmError binary_sub(u64 a, u64 b, u64& r) {
  r = a - b;
  return a < b ? ChannelVmError::arithmetic_overflow : ChannelVmError::none;  // VM-RUN-6
}
inline ChannelVmError binary_mul(u64 a, u64 b, u64& r) {
  return mul_overflows(a, b, r) ? ChannelVmError::arithmetic_overflow : ChannelVmError::none;  // VM-RUN-6
}
inline ChannelVmError binary_div(u64 a, u64 b, u64& r) {
  if (b == 0) return ChannelVmError::division_by_zero;  // VM-RUN-7
  r = a / b;
  return ChannelVmError::none;
}
inline ChannelVmError binary_mod(u64 a, u64 b, u64& r) {
  if (b == 0) return ChannelVmError::division_by_zero;  // VM-RUN-7
  r = a % b;
  return ChannelVmError::none;
}
#define L2_CHANNEL_VM_TOTAL_BINARY(name, expression)            \
  inline ChannelVmError binary_##name(u64 a, u64 b, u64& r) {   \
    r = (expression);                                           \
    return ChannelVmError::none;                                \
  }
L2_CHANNEL_VM_TOTAL_BINARY(lt, a < b ? 1 : 0)
L2_CHANNEL_VM_TOTAL_BINARY(gt, a > b ? 1 : 0)
L2_CHANNEL_VM_TOTAL_BINARY(eq, a == b ? 1 : 0)
L2_CHANNEL_VM_TOTAL_BINARY(bit_and, a & b)
L2_CHANNEL_VM_TOTAL_BINARY(bit_or, a | b)
L2_CHANNEL_VM_TOTAL_BINARY(bit_xor, a ^ b)
L2_CHANNEL_VM_TOTAL_BINARY(shl, b >= 64 ? 0 : a << b)
L2_CHANNEL_VM_TOTAL_BINARY(shr, b >= 64 ? 0 : a >> b)
#undef L2_CHANNEL_VM_TOTAL_BINARY

constexpr Handler handler_of(u8 byte) {
  switch (static_cast<Opcode>(byte)) {
    case Opcode::stop: return h_stop;
    case Opcode::accept: return h_accept;
    case Opcode::reject: return h_reject;
    case Opcode::add: return h_add;
    case Opcode::sub: return h_sub;
    case Opcode::mul: return h_mul;
    case Opcode::div: return h_div;
    case Opcode::mod: return h_mod;
    case Opcode::lt: return h_lt;
    case Opcode::gt: return h_gt;
    case Opcode::eq: return h_eq;
    case Opcode::iszero: return h_iszero;
    case Opcode::bit_and: return h_bit_and;
    case Opcode::bit_or: return h_bit_or;
    case Opcode::bit_xor: return h_bit_xor;
    case Opcode::bit_not: return h_bit_not;
    case Opcode::shl: return h_shl;
    case Opcode::shr: return h_shr;
    case Opcode::push1:
    case Opcode::push2:
    case Opcode::push4:
    case Opcode::push8: return h_push;
    case Opcode::pop: return h_pop;
    case Opcode::dup: return h_dup;
    case Opcode::swap: return h_swap;
    case Opcode::jump: return h_jump;
    case Opcode::jumpi: return h_jumpi;
    case Opcode::jumpdest: return h_block;
    case Opcode::call: return h_call;
    case Opcode::ret: return h_ret;
    case Opcode::mload: return h_mload;
    case Opcode::mstore: return h_mstore;
    case Opcode::mload8: return h_mload8;
    case Opcode::mstore8: return h_mstore8;
    case Opcode::sload: return h_sload;
    case Opcode::sstore: return h_sstore;
    case Opcode::sha256: return h_sha256;
    case Opcode::participants: return h_participants;
    case Opcode::mover: return h_mover;
    case Opcode::from_turn: return h_from_turn;
    case Opcode::to_turn: return h_to_turn;
    case Opcode::from_final: return h_from_final;
    case Opcode::to_final: return h_to_final;
    case Opcode::from_outcome: return h_from_outcome;
    case Opcode::to_outcome: return h_to_outcome;
    case Opcode::from_data_size: return h_from_data_size;
    case Opcode::to_data_size: return h_to_data_size;
    case Opcode::from_data_copy: return h_from_data_copy;
    case Opcode::to_data_copy: return h_to_data_copy;
  }
  return h_end;  // not an opcode: validation never lets one through
}

// What a handler pops and pushes and its base gas, from the instruction table. DUP and SWAP read
// deeper than they pop (their need comes from the immediate). A block head's row is JUMPDEST's.
struct HandlerInfo {
  u64 pops = 0;
  u64 pushes = 0;
  u64 gas = 0;
  constexpr u64 growth() const { return pushes > pops ? pushes - pops : 0; }
};

constexpr std::array<HandlerInfo, handler_count> handler_info = [] {
  std::array<HandlerInfo, handler_count> table{};
  for (unsigned byte = 0; byte < 256; ++byte) {
    const vm::OpcodeInfo& info = vm::opcode_info(static_cast<u8>(byte));
    if (info.defined) table[handler_of(static_cast<u8>(byte))] = HandlerInfo{info.pops, info.pushes, info.gas};
  }
  table[h_end] = HandlerInfo{};
  return table;
}();

#define L2_CHANNEL_VM_PUSH_CASE(name) \
  case h_##name:                      \
    return h_push_##name;
#define L2_CHANNEL_VM_DUP_CASE(name) \
  case h_##name:                     \
    return h_dup_##name;

// The superinstruction of PUSH followed by `next`, or h_push when there is none.
constexpr Handler fused_with_push(Handler next) {
  switch (next) {
    L2_CHANNEL_VM_BINARY(L2_CHANNEL_VM_PUSH_CASE)
    case h_jump: return h_push_jump;
    case h_jumpi: return h_push_jumpi;
    case h_call: return h_push_call;
    case h_mload: return h_push_mload;
    case h_mstore: return h_push_mstore;
    case h_mload8: return h_push_mload8;
    case h_mstore8: return h_push_mstore8;
    default: return h_push;
  }
}

// The superinstruction of DUP followed by the instruction whose fast-mode handler is `next`, or
// h_dup when there is none.
constexpr Handler fused_with_dup(Handler next) {
  switch (next) {
    L2_CHANNEL_VM_BINARY(L2_CHANNEL_VM_DUP_CASE)
    case h_iszero_push_jumpi: return h_dup_iszero_push_jumpi;
    default: return h_dup;
  }
}
#undef L2_CHANNEL_VM_PUSH_CASE
#undef L2_CHANNEL_VM_DUP_CASE

constexpr bool is_terminator(Handler h) {
  return h == h_stop || h == h_accept || h == h_reject || h == h_jump || h == h_jumpi || h == h_call || h == h_ret;
}

constexpr u64 stack_needed(Handler h, u64 immediate) {
  if (h == h_dup) return immediate + 1;
  if (h == h_swap) return immediate + 2;
  return handler_info[h].pops;
}

constexpr u64 jumpdest_gas = vm::opcode_info(static_cast<u8>(Opcode::jumpdest)).gas;
constexpr u64 word_bytes = vm::memory_word_bytes;

constexpr u64 words_of(u64 bytes) { return bytes / word_bytes + (bytes % word_bytes != 0 ? 1 : 0); }

// The gas a memory of `words` words has cost in all: 3 words + words^2 / 512 (channel_vm.md#gas).
constexpr u64 memory_cost(u64 words) {
  return vm::gas_memory_word * words + words * words / vm::memory_quadratic_divisor;
}

// The range [offset, offset + length) as the reference's MemoryNeed::touch sees it: false when it
// ends past max_memory or past 2^64; otherwise `end` covers it. A range of length 0 touches nothing.
inline bool touch(u64 offset, u64 length, u64 max_memory, u64& end) {
  if (length == 0) return true;
  if (offset > max_memory || length > max_memory - offset) return false;
  end = std::max(end, offset + length);
  return true;
}

// Big-endian words as one 8-byte move and a byte swap: the byte loop compiled to eight loads and
// shifts at -O2, a quarter of the time of a program that reads its data word by word (the DEX's).
inline u64 to_big_endian(u64 value) {
  if constexpr (std::endian::native == std::endian::big) return value;
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_bswap64(value);
#else
  u64 swapped = 0;
  for (int i = 0; i < 8; ++i) swapped = (swapped << 8) | ((value >> (8 * i)) & 0xff);
  return swapped;
#endif
}

inline u64 load_be64(const u8* p) {
  u64 value = 0;
  std::memcpy(&value, p, sizeof value);
  return to_big_endian(value);
}

inline void store_be64(u8* p, u64 value) {
  value = to_big_endian(value);
  std::memcpy(p, &value, sizeof value);
}

// mem[destination + k] = data[source + k] for k < length, 0 past data's end.
inline void copy_data(u8* mem, const Bytes& data, u64 source, u64 length, u64 destination) {
  if (length == 0) return;
  const u64 inside = source < data.size() ? std::min<u64>(length, data.size() - source) : 0;
  if (inside != 0) std::memcpy(mem + destination, data.data() + source, inside);
  std::memset(mem + destination + inside, 0, length - inside);
}

// The machine's buffers, kept from one run to the next on a thread so that a run allocates only
// when it needs more than an earlier run on the thread did.
struct Workspace {
  std::vector<u64> stack;
  std::vector<const DecodedInstruction*> calls;
  Bytes memory;
  std::vector<StorageSlot> storage;  // sorted by key; a slot holding 0 is absent
};

Workspace& workspace() {
  thread_local Workspace w;
  return w;
}

}  // namespace

namespace {
// The fast threaded mode's handler addresses, indexed by Handler; null without computed goto.
const void* const* threaded_handlers();
}  // namespace

// ---------------------------------------------------------------------------------------------
// Decoding

Program::Program() { decode(); }

void Program::decode() {
  instructions_.clear();
  instructions_.reserve(code_.size() + code_.size() / 4 + 4);
  jump_index_.assign(code_.size(), no_target);
  std::size_t head = 0;
  // Fills the head of the block [head, size): its base gas, the least entry height at which no
  // instruction underflows, the most it rises above the entry height (VM-RUN-2 and VM-RUN-3 for
  // every instruction at once), and for each instruction the base gas of those after it.
  const auto close_block = [&] {
    if (instructions_.empty()) return;
    u64 gas = instructions_[head].flag != 0 ? jumpdest_gas : 0;
    std::int64_t delta = 0, least = 0, most = 0;
    for (std::size_t i = head + 1; i < instructions_.size(); ++i) {
      const DecodedInstruction& in = instructions_[i];
      const Handler h = static_cast<Handler>(in.plain);
      const HandlerInfo& info = handler_info[h];
      least = std::max(least, static_cast<std::int64_t>(stack_needed(h, in.immediate)) - delta);
      most = std::max(most, delta + static_cast<std::int64_t>(info.growth()));
      delta += static_cast<std::int64_t>(info.pushes) - static_cast<std::int64_t>(info.pops);
      gas += info.gas;
    }
    instructions_[head].arg = static_cast<std::uint32_t>(gas);
    instructions_[head].immediate = static_cast<u64>(least) | (static_cast<u64>(most) << 32);
    u64 after = 0;
    for (std::size_t i = instructions_.size(); i-- > head + 1;) {
      instructions_[i].arg = static_cast<std::uint32_t>(after);
      after += handler_info[instructions_[i].plain].gas;
    }
  };
  const auto open_block = [&](bool jumpdest) {
    close_block();
    head = instructions_.size();
    instructions_.push_back(DecodedInstruction{.op = h_block, .plain = h_block, .flag = static_cast<u8>(jumpdest ? 1 : 0)});
  };
  bool pending = true;  // the next instruction starts a block
  std::size_t pc = 0;
  while (pc < code_.size()) {
    const u8 byte = code_[pc];
    const vm::OpcodeInfo& info = vm::opcode_info(byte);
    const Handler h = handler_of(byte);
    if (h == h_block) {
      open_block(true);
      jump_index_[pc] = static_cast<std::uint32_t>(head);
      pending = false;
    } else {
      if (pending) open_block(false);
      pending = false;
      u64 immediate = 0;
      for (u64 i = 0; i < info.immediate_bytes; ++i) immediate = (immediate << 8) | code_[pc + 1 + i];
      instructions_.push_back(DecodedInstruction{.immediate = immediate, .op = h, .plain = h});
      pending = is_terminator(h);
    }
    pc += 1 + info.immediate_bytes;
  }
  if (pending) open_block(false);
  instructions_.push_back(DecodedInstruction{.op = h_end, .plain = h_end});
  close_block();
  // Superinstructions. Consecutive instructions of the array are in the same block (a block head
  // would stand between them otherwise), so in the fast mode, whose checks are the block's, a run
  // of them can execute as one. First a PUSH and the instruction after it (a PUSH of a jump target
  // gets the target resolved now), then ISZERO before a PUSH and JUMPI, then DUP before any of
  // those: each pass reads the fast-mode handler the previous ones chose for the next instruction.
  for (std::size_t i = 0; i + 1 < instructions_.size(); ++i) {
    DecodedInstruction& in = instructions_[i];
    if (in.plain != h_push) continue;
    const Handler fused = fused_with_push(static_cast<Handler>(instructions_[i + 1].plain));
    in.op = fused;
    if (fused == h_push_jump || fused == h_push_jumpi || fused == h_push_call)
      in.arg = in.immediate < jump_index_.size() ? jump_index_[in.immediate] : no_target;
  }
  for (std::size_t i = 0; i + 1 < instructions_.size(); ++i)
    if (instructions_[i].plain == h_iszero && instructions_[i + 1].op == h_push_jumpi)
      instructions_[i].op = h_iszero_push_jumpi;
  for (std::size_t i = 0; i + 1 < instructions_.size(); ++i)
    if (instructions_[i].plain == h_dup)
      instructions_[i].op = fused_with_dup(static_cast<Handler>(instructions_[i + 1].op));
  // Direct threading: each instruction carries its fast-mode handler's address.
  if (const void* const* handlers = threaded_handlers(); handlers != nullptr)
    for (DecodedInstruction& in : instructions_) in.handler = handlers[in.op];
}

Result<Program, ChannelVmError> validate(std::span<const u8> code, const VmLimits& limits) {
  if (const ChannelVmError e = vm::check_limits(limits); e != ChannelVmError::none) return e;
  // VM-CODE-1
  if (code.empty() || code.size() > limits.max_code_bytes) return ChannelVmError::code_size;
  u64 pc = 0;
  while (pc < code.size()) {
    const vm::OpcodeInfo& info = vm::opcode_info(code[pc]);
    if (!info.defined) return ChannelVmError::undefined_opcode;                                   // VM-CODE-2
    if (info.immediate_bytes > code.size() - pc - 1) return ChannelVmError::truncated_immediate;  // VM-CODE-3
    pc += 1 + info.immediate_bytes;
  }
  Program program;
  program.code_.assign(code.begin(), code.end());
  program.decode();
  return program;
}

Program from_validated(const vm::ValidatedCode& validated) {
  Program program;
  program.code_.assign(validated.code().begin(), validated.code().end());
  program.decode();
  return program;
}

// ---------------------------------------------------------------------------------------------
// The interpreter

namespace {
// Where a run stands when the fast mode hands it to the checked mode.
struct Frame {
  const DecodedInstruction* ip;
  u64* sp;
  const DecodedInstruction** rsp;
  u64 gas_left;
};
}  // namespace

struct Interpreter {
  // Set by execute<false, true> when it is called with no instruction (Frame::ip null): a label's
  // address exists only inside its function, so that is how the table gets out.
  static inline const void* const* handler_table = nullptr;
  static const void* const* export_handler_table() {
    static const FixedPart fixed{};
    static const VariablePart part{};
    Workspace scratch;
    static_cast<void>(execute<false, true>(Program(Program::Undecoded{}), MoveContext{fixed, part, part, 0}, 0,
                                           default_limits, scratch, Frame{}));
    return handler_table;
  }
  static Result<Outcome, ChannelVmError> start(const Program& program, const MoveContext& context, u64 gas_limit,
                                               const VmLimits& limits, Dispatch dispatch);
  template <bool Checked, bool Threaded>
  static Result<Outcome, ChannelVmError> execute(const Program& program, const MoveContext& context, u64 gas_limit,
                                                 const VmLimits& limits, Workspace& ws, Frame frame);
  // The fast mode hands the run over to the checked mode (kept out of line: it is the cold path).
  template <bool Threaded>
  [[gnu::noinline, gnu::cold]] static Result<Outcome, ChannelVmError> checked_from(const Program& program,
                                                                                   const MoveContext& context,
                                                                                   u64 gas_limit, const VmLimits& limits,
                                                                                   Workspace& ws, Frame frame) {
    return execute<true, Threaded>(program, context, gas_limit, limits, ws, frame);
  }
};

#if L2_CHANNEL_VM_THREADED
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#if defined(__clang__)
#pragma GCC diagnostic ignored "-Wgnu-label-as-value"
#endif
#endif

// The body, written once. Macros, so that a fault can `return` and a handler can `goto` the next.
//   L2_VM_TARGET(name)  a handler's entry: a label (threaded) and a case (switch loop)
//   L2_VM_DISPATCH()    go to the handler of *ip
//   L2_VM_NEXT()        go to the next instruction
//   L2_VM_STACK(n, g)   checked mode: VM-RUN-2 (n items read) and VM-RUN-3 (g items added)
//   L2_VM_GAS(cost)     checked mode: VM-RUN-5, then charge
//   L2_VM_STATIC(name)  checked mode: both, from the handler's row of the instruction table
#if L2_CHANNEL_VM_THREADED
#define L2_VM_TARGET(name) \
  L_##name:                \
  case h_##name:
#define L2_VM_DISPATCH()                          \
  do {                                            \
    if constexpr (Threaded && Checked) goto* labels[ip->plain]; \
    else if constexpr (Threaded) goto* ip->handler; \
    else goto dispatch;                           \
  } while (0)
#else
#define L2_VM_TARGET(name) case h_##name:
#define L2_VM_DISPATCH() goto dispatch
#endif
#define L2_VM_NEXT()    \
  do {                  \
    ++ip;               \
    L2_VM_DISPATCH();   \
  } while (0)
#define L2_VM_FAULT(code) return ChannelVmError::code
#define L2_VM_STACK(needed, growth)                                          \
  do {                                                                       \
    if constexpr (Checked) {                                                 \
      const u64 size_ = static_cast<u64>(sp - stack_base);                   \
      if (size_ < (needed)) L2_VM_FAULT(stack_underflow);                    \
      if (size_ + (growth) > max_stack) L2_VM_FAULT(stack_overflow);         \
    }                                                                        \
  } while (0)
#define L2_VM_GAS(cost)                                        \
  do {                                                         \
    if constexpr (Checked) {                                   \
      if ((cost) > gas_left) L2_VM_FAULT(out_of_gas);          \
      gas_left -= (cost);                                      \
    }                                                          \
  } while (0)
#define L2_VM_STATIC(name)                                                          \
  do {                                                                              \
    L2_VM_STACK(handler_info[h_##name].pops, handler_info[h_##name].growth());      \
    L2_VM_GAS(handler_info[h_##name].gas);                                          \
  } while (0)
// The memory and per-word gas of an instruction whose ranges end at `end` (VM-RUN-5 on its whole
// cost), then memory grown to cover them. In the fast mode the block's base gas is already
// charged: when the dynamic part exceeds what is left, the checked mode takes over at this
// instruction with the gas the reference would have here (the base of this instruction and of the
// rest of the block given back).
#define L2_VM_MEMORY_GAS(name, end, word_gas)                                                        \
  do {                                                                                               \
    constexpr u64 base_ = handler_info[h_##name].gas;                                                \
    const u64 old_words_ = mem_size / word_bytes;                                                    \
    const u64 new_words_ = words_of(end);                                                            \
    const u64 dynamic_ =                                                                             \
        (word_gas) + (new_words_ > old_words_ ? memory_cost(new_words_) - memory_cost(old_words_) : 0); \
    if constexpr (Checked) {                                                                         \
      if (base_ + dynamic_ > gas_left) L2_VM_FAULT(out_of_gas);                                      \
      gas_left -= base_ + dynamic_;                                                                  \
    } else {                                                                                         \
      if (dynamic_ > gas_left) L2_VM_CHECKED_FROM(gas_left + base_ + ip->arg);                      \
      gas_left -= dynamic_;                                                                          \
    }                                                                                                \
    if (new_words_ * word_bytes > mem_size) {                                                        \
      ws.memory.resize(new_words_ * word_bytes, 0);                                                  \
      mem = ws.memory.data();                                                                        \
      mem_size = ws.memory.size();                                                                   \
    }                                                                                                \
  } while (0)
// A binary instruction's three handlers (see L2_CHANNEL_VM_BINARY). The fused ones exist in the
// fast mode only, where the block's checks cover both instructions; the second instruction's fault
// is the binary instruction's own.
#define L2_VM_BINARY_HANDLERS(name)                                                                  \
  L2_VM_TARGET(name) {                                                                               \
    L2_VM_STATIC(name);                                                                              \
    if (const ChannelVmError fault_ = binary_##name(sp[-2], sp[-1], sp[-2]); fault_ != ChannelVmError::none) \
      return fault_;                                                                                 \
    --sp;                                                                                            \
    L2_VM_NEXT();                                                                                    \
  }                                                                                                  \
  L2_VM_TARGET(push_##name) {                                                                        \
    if (const ChannelVmError fault_ = binary_##name(sp[-1], ip->immediate, sp[-1]);                  \
        fault_ != ChannelVmError::none)                                                              \
      return fault_;                                                                                 \
    ip += 2;                                                                                         \
    L2_VM_DISPATCH();                                                                                \
  }                                                                                                  \
  L2_VM_TARGET(dup_##name) {                                                                         \
    const u64 duplicated_ = sp[-1 - static_cast<std::ptrdiff_t>(ip->immediate)];                     \
    if (const ChannelVmError fault_ = binary_##name(sp[-1], duplicated_, sp[-1]);                    \
        fault_ != ChannelVmError::none)                                                              \
      return fault_;                                                                                 \
    ip += 2;                                                                                         \
    L2_VM_DISPATCH();                                                                                \
  }
#define L2_VM_PUSH(name, expression) \
  L2_VM_TARGET(name) {               \
    L2_VM_STATIC(name);              \
    *sp++ = (expression);            \
    L2_VM_NEXT();                    \
  }

template <bool Checked, bool Threaded>
Result<Outcome, ChannelVmError> Interpreter::execute(const Program& program, const MoveContext& context, u64 gas_limit,
                                                     const VmLimits& limits, Workspace& ws, Frame frame) {
#if L2_CHANNEL_VM_THREADED
#define L2_CHANNEL_VM_LABEL(name) &&L_##name,
#define L2_CHANNEL_VM_BINARY_LABELS(name) &&L_##name, &&L_push_##name, &&L_dup_##name,
  static const void* const labels[handler_count] = {
      L2_CHANNEL_VM_HANDLERS(L2_CHANNEL_VM_LABEL) L2_CHANNEL_VM_BINARY(L2_CHANNEL_VM_BINARY_LABELS)};
#undef L2_CHANNEL_VM_LABEL
#undef L2_CHANNEL_VM_BINARY_LABELS
  static_cast<void>(labels);
  if constexpr (Threaded && !Checked) {
    if (frame.ip == nullptr) {
      handler_table = labels;
      return ChannelVmError::end_of_code;
    }
  }
#endif
  const DecodedInstruction* const base = program.instructions_.data();
  const std::uint32_t* const jump_index = program.jump_index_.data();
  const u64 code_size = program.jump_index_.size();
  u64* const stack_base = ws.stack.data();
  const DecodedInstruction** const calls_base = ws.calls.data();
  const u64 max_stack = limits.max_stack_items;
  const u64 max_calls = limits.max_call_depth;
  const u64 max_memory = limits.max_memory_bytes;
  const u64 max_storage = limits.max_storage_slots;
  const DecodedInstruction* ip = frame.ip;
  u64* sp = frame.sp;
  const DecodedInstruction** rsp = frame.rsp;
  u64 gas_left = frame.gas_left;
  u8* mem = ws.memory.data();
  u64 mem_size = ws.memory.size();

  // Plain functions of their arguments, not lambdas capturing the locals by reference, so that ip,
  // sp and gas_left never have their address taken and stay in registers.
  // The fast mode's way out: the checked mode from `at`, with `gas` left.
#define L2_VM_CHECKED_FROM(gas) \
  return checked_from<Threaded>(program, context, gas_limit, limits, ws, Frame{ip, sp, rsp, (gas)})
#define L2_VM_HALT(how) return Outcome{how, gas_limit - gas_left, ws.storage}
#define L2_VM_JUMP_TARGET(target, out)                                                     \
  do {                                                                                     \
    const u64 target_ = (target);                                                          \
    if (target_ >= code_size || jump_index[target_] == Program::no_target)                 \
      L2_VM_FAULT(invalid_jump); /* VM-RUN-8 */                                            \
    (out) = base + jump_index[target_];                                                    \
  } while (0)

// Control reaches the block head `head` (a jump, a call, a return, or a conditional jump either
// way: every terminator is followed by a block head, and every target is one). The fast mode does
// the head's work here rather than dispatching to it: one dispatch fewer per block entered.
#define L2_VM_ENTER_BLOCK(head)                                                                     \
  do {                                                                                              \
    ip = (head);                                                                                    \
    if constexpr (!Checked) {                                                                       \
      const u64 size_ = static_cast<u64>(sp - stack_base);                                          \
      if (size_ < (ip->immediate & 0xffffffffu) || size_ + (ip->immediate >> 32) > max_stack ||     \
          ip->arg > gas_left)                                                                       \
        L2_VM_CHECKED_FROM(gas_left);                                                               \
      gas_left -= ip->arg;                                                                          \
      ++ip;                                                                                         \
    }                                                                                               \
    L2_VM_DISPATCH();                                                                               \
  } while (0)

  goto dispatch;  // the first instruction through the switch, the others as the mode says
dispatch:
  switch (static_cast<Handler>(Checked ? ip->plain : ip->op)) {
    L2_VM_TARGET(block) {
      if constexpr (Checked) {
        if (ip->flag != 0) L2_VM_GAS(jumpdest_gas);  // the JUMPDEST: reads and adds nothing
        L2_VM_NEXT();
      }
      L2_VM_ENTER_BLOCK(ip);
    }
    L2_VM_TARGET(end) {
      L2_VM_FAULT(end_of_code);  // VM-RUN-1
    }
    L2_VM_TARGET(stop) {
      L2_VM_STATIC(stop);
      L2_VM_HALT(Halt::stop);
    }
    L2_VM_TARGET(accept) {
      L2_VM_STATIC(accept);
      L2_VM_HALT(Halt::accept);
    }
    L2_VM_TARGET(reject) {
      L2_VM_STATIC(reject);
      L2_VM_HALT(Halt::reject);
    }
    L2_CHANNEL_VM_BINARY(L2_VM_BINARY_HANDLERS)
    L2_VM_TARGET(iszero) {
      L2_VM_STATIC(iszero);
      sp[-1] = sp[-1] == 0 ? 1 : 0;
      L2_VM_NEXT();
    }
    L2_VM_TARGET(bit_not) {
      L2_VM_STATIC(bit_not);
      sp[-1] = ~sp[-1];
      L2_VM_NEXT();
    }
    L2_VM_PUSH(push, ip->immediate)
    L2_VM_TARGET(pop) {
      L2_VM_STATIC(pop);
      --sp;
      L2_VM_NEXT();
    }
    L2_VM_TARGET(dup) {
      L2_VM_STACK(ip->immediate + 1, 1);
      L2_VM_GAS(handler_info[h_dup].gas);
      const u64 value = sp[-1 - static_cast<std::ptrdiff_t>(ip->immediate)];
      *sp++ = value;
      L2_VM_NEXT();
    }
    L2_VM_TARGET(swap) {
      L2_VM_STACK(ip->immediate + 2, 0);
      L2_VM_GAS(handler_info[h_swap].gas);
      std::swap(sp[-1], sp[-2 - static_cast<std::ptrdiff_t>(ip->immediate)]);
      L2_VM_NEXT();
    }
    L2_VM_TARGET(jump) {
      L2_VM_STATIC(jump);
      const DecodedInstruction* target = nullptr;
      L2_VM_JUMP_TARGET(*--sp, target);
      L2_VM_ENTER_BLOCK(target);
    }
    L2_VM_TARGET(jumpi) {
      L2_VM_STATIC(jumpi);
      const u64 where = sp[-1], condition = sp[-2];
      sp -= 2;
      if (condition == 0) L2_VM_ENTER_BLOCK(ip + 1);
      const DecodedInstruction* target = nullptr;
      L2_VM_JUMP_TARGET(where, target);
      L2_VM_ENTER_BLOCK(target);
    }
    L2_VM_TARGET(call) {
      L2_VM_STATIC(call);
      const DecodedInstruction* target = nullptr;
      L2_VM_JUMP_TARGET(*--sp, target);
      if (static_cast<u64>(rsp - calls_base) >= max_calls) L2_VM_FAULT(call_depth);  // VM-RUN-9
      *rsp++ = ip + 1;
      L2_VM_ENTER_BLOCK(target);
    }
    L2_VM_TARGET(ret) {
      L2_VM_STATIC(ret);
      if (rsp == calls_base) L2_VM_FAULT(return_underflow);  // VM-RUN-10
      L2_VM_ENTER_BLOCK(*--rsp);
    }
    L2_VM_TARGET(mload) {
      L2_VM_STACK(1, 0);
      const u64 offset = sp[-1];
      u64 end = 0;
      if (!touch(offset, 8, max_memory, end)) L2_VM_FAULT(memory_limit);  // VM-RUN-4
      L2_VM_MEMORY_GAS(mload, end, 0);
      sp[-1] = load_be64(mem + offset);
      L2_VM_NEXT();
    }
    L2_VM_TARGET(mstore) {
      L2_VM_STACK(2, 0);
      const u64 offset = sp[-1];
      u64 end = 0;
      if (!touch(offset, 8, max_memory, end)) L2_VM_FAULT(memory_limit);  // VM-RUN-4
      L2_VM_MEMORY_GAS(mstore, end, 0);
      store_be64(mem + offset, sp[-2]);
      sp -= 2;
      L2_VM_NEXT();
    }
    L2_VM_TARGET(mload8) {
      L2_VM_STACK(1, 0);
      const u64 offset = sp[-1];
      u64 end = 0;
      if (!touch(offset, 1, max_memory, end)) L2_VM_FAULT(memory_limit);  // VM-RUN-4
      L2_VM_MEMORY_GAS(mload8, end, 0);
      sp[-1] = mem[offset];
      L2_VM_NEXT();
    }
    L2_VM_TARGET(mstore8) {
      L2_VM_STACK(2, 0);
      const u64 offset = sp[-1];
      u64 end = 0;
      if (!touch(offset, 1, max_memory, end)) L2_VM_FAULT(memory_limit);  // VM-RUN-4
      L2_VM_MEMORY_GAS(mstore8, end, 0);
      mem[offset] = static_cast<u8>(sp[-2]);
      sp -= 2;
      L2_VM_NEXT();
    }
    L2_VM_TARGET(sha256) {  // source length destination
      L2_VM_STACK(3, 0);
      const u64 destination = sp[-1], length = sp[-2], source = sp[-3];
      u64 end = 0;
      const bool source_fits = touch(source, length, max_memory, end);
      const bool destination_fits = touch(destination, 32, max_memory, end);
      if (!source_fits || !destination_fits) L2_VM_FAULT(memory_limit);  // VM-RUN-4
      L2_VM_MEMORY_GAS(sha256, end, vm::gas_sha256_word * words_of(length));
      const sha256::Hash32 digest =
          sha256::hash(length == 0 ? std::span<const u8>{} : std::span<const u8>(mem + source, length));
      std::memcpy(mem + destination, digest.data(), digest.size());
      sp -= 3;
      L2_VM_NEXT();
    }
    L2_VM_TARGET(sload) {
      L2_VM_STATIC(sload);
      const u64 key = sp[-1];
      const auto it = std::lower_bound(ws.storage.begin(), ws.storage.end(), key,
                                       [](const StorageSlot& slot, u64 k) { return slot.key < k; });
      sp[-1] = it != ws.storage.end() && it->key == key ? it->value : 0;
      L2_VM_NEXT();
    }
    L2_VM_TARGET(sstore) {
      L2_VM_STATIC(sstore);
      const u64 key = sp[-1], value = sp[-2];
      sp -= 2;
      const auto it = std::lower_bound(ws.storage.begin(), ws.storage.end(), key,
                                       [](const StorageSlot& slot, u64 k) { return slot.key < k; });
      if (it != ws.storage.end() && it->key == key) {
        if (value == 0)
          ws.storage.erase(it);
        else
          it->value = value;
      } else if (value != 0) {
        if (ws.storage.size() >= max_storage) L2_VM_FAULT(storage_limit);  // VM-RUN-11
        ws.storage.insert(it, StorageSlot{key, value});
      }
      L2_VM_NEXT();
    }
    L2_VM_PUSH(participants, context.fixed.participants.size())
    L2_VM_PUSH(mover, context.mover)
    L2_VM_PUSH(from_turn, context.from.turn)
    L2_VM_PUSH(to_turn, context.to.turn)
    L2_VM_PUSH(from_final, context.from.is_final ? 1 : 0)
    L2_VM_PUSH(to_final, context.to.is_final ? 1 : 0)
    L2_VM_PUSH(from_data_size, context.from.app_data.size())
    L2_VM_PUSH(to_data_size, context.to.app_data.size())
    L2_VM_TARGET(from_outcome) {
      L2_VM_STATIC(from_outcome);
      if (sp[-1] >= context.from.outcome.size()) L2_VM_FAULT(outcome_index);  // VM-RUN-12
      sp[-1] = context.from.outcome[sp[-1]];
      L2_VM_NEXT();
    }
    L2_VM_TARGET(to_outcome) {
      L2_VM_STATIC(to_outcome);
      if (sp[-1] >= context.to.outcome.size()) L2_VM_FAULT(outcome_index);  // VM-RUN-12
      sp[-1] = context.to.outcome[sp[-1]];
      L2_VM_NEXT();
    }
    L2_VM_TARGET(from_data_copy) {  // source length destination
      L2_VM_STACK(3, 0);
      const u64 destination = sp[-1], length = sp[-2], source = sp[-3];
      u64 end = 0;
      if (!touch(destination, length, max_memory, end)) L2_VM_FAULT(memory_limit);  // VM-RUN-4
      L2_VM_MEMORY_GAS(from_data_copy, end, vm::gas_copy_word * words_of(length));
      copy_data(mem, context.from.app_data, source, length, destination);
      sp -= 3;
      L2_VM_NEXT();
    }
    L2_VM_TARGET(to_data_copy) {
      L2_VM_STACK(3, 0);
      const u64 destination = sp[-1], length = sp[-2], source = sp[-3];
      u64 end = 0;
      if (!touch(destination, length, max_memory, end)) L2_VM_FAULT(memory_limit);  // VM-RUN-4
      L2_VM_MEMORY_GAS(to_data_copy, end, vm::gas_copy_word * words_of(length));
      copy_data(mem, context.to.app_data, source, length, destination);
      sp -= 3;
      L2_VM_NEXT();
    }
    // The superinstructions (fast mode only: the checked mode dispatches on `plain`). b is the
    // PUSH's value, a the item below it; the second instruction's faults as its own handler's.
    L2_VM_TARGET(push_jump) {
      if (ip->arg == Program::no_target) L2_VM_FAULT(invalid_jump);  // VM-RUN-8
      L2_VM_ENTER_BLOCK(base + ip->arg);
    }
    L2_VM_TARGET(push_jumpi) {
      const u64 condition = *--sp;
      if (condition == 0) L2_VM_ENTER_BLOCK(ip + 2);
      if (ip->arg == Program::no_target) L2_VM_FAULT(invalid_jump);  // VM-RUN-8
      L2_VM_ENTER_BLOCK(base + ip->arg);
    }
    // ISZERO, PUSH, JUMPI: jump when the top item is 0, and pop it.
    L2_VM_TARGET(iszero_push_jumpi) {
      const u64 condition = *--sp;
      if (condition != 0) L2_VM_ENTER_BLOCK(ip + 3);
      if (ip[1].arg == Program::no_target) L2_VM_FAULT(invalid_jump);  // VM-RUN-8
      L2_VM_ENTER_BLOCK(base + ip[1].arg);
    }
    // DUP, ISZERO, PUSH, JUMPI: jump when the item DUP names is 0; the stack is as it was.
    L2_VM_TARGET(dup_iszero_push_jumpi) {
      const u64 condition = sp[-1 - static_cast<std::ptrdiff_t>(ip->immediate)];
      if (condition != 0) L2_VM_ENTER_BLOCK(ip + 4);
      if (ip[2].arg == Program::no_target) L2_VM_FAULT(invalid_jump);  // VM-RUN-8
      L2_VM_ENTER_BLOCK(base + ip[2].arg);
    }
    L2_VM_TARGET(push_call) {
      if (ip->arg == Program::no_target) L2_VM_FAULT(invalid_jump);                  // VM-RUN-8
      if (static_cast<u64>(rsp - calls_base) >= max_calls) L2_VM_FAULT(call_depth);  // VM-RUN-9
      *rsp++ = ip + 2;
      L2_VM_ENTER_BLOCK(base + ip->arg);
    }
    // A PUSH of a memory offset and the access: when the range lies in memory already grown, the
    // access has no memory gas and cannot fault, so the pair runs as one. Otherwise the PUSH runs
    // alone and the access's own handler decides growth, gas and VM-RUN-4.
    L2_VM_TARGET(push_mload) {
      const u64 offset = ip->immediate;
      if (mem_size < 8 || offset > mem_size - 8) {
        *sp++ = offset;
        L2_VM_NEXT();
      }
      *sp++ = load_be64(mem + offset);
      ip += 2;
      L2_VM_DISPATCH();
    }
    L2_VM_TARGET(push_mstore) {
      const u64 offset = ip->immediate;
      if (mem_size < 8 || offset > mem_size - 8) {
        *sp++ = offset;
        L2_VM_NEXT();
      }
      store_be64(mem + offset, *--sp);
      ip += 2;
      L2_VM_DISPATCH();
    }
    L2_VM_TARGET(push_mload8) {
      const u64 offset = ip->immediate;
      if (offset >= mem_size) {
        *sp++ = offset;
        L2_VM_NEXT();
      }
      *sp++ = mem[offset];
      ip += 2;
      L2_VM_DISPATCH();
    }
    L2_VM_TARGET(push_mstore8) {
      const u64 offset = ip->immediate;
      if (offset >= mem_size) {
        *sp++ = offset;
        L2_VM_NEXT();
      }
      mem[offset] = static_cast<u8>(*--sp);
      ip += 2;
      L2_VM_DISPATCH();
    }
    case handler_count:
      break;
  }
  L2_VERIFY_CHECK(false);  // every decoded instruction has a handler
  return ChannelVmError::end_of_code;
}

#undef L2_VM_TARGET
#undef L2_VM_DISPATCH
#undef L2_VM_NEXT
#undef L2_VM_FAULT
#undef L2_VM_STACK
#undef L2_VM_GAS
#undef L2_VM_STATIC
#undef L2_VM_MEMORY_GAS
#undef L2_VM_BINARY_HANDLERS
#undef L2_VM_PUSH
#undef L2_VM_CHECKED_FROM
#undef L2_VM_HALT
#undef L2_VM_JUMP_TARGET
#undef L2_VM_ENTER_BLOCK

bool has_threaded_dispatch() { return L2_CHANNEL_VM_THREADED != 0; }

namespace {
const void* const* threaded_handlers() {
#if L2_CHANNEL_VM_THREADED
  static const void* const* const table = Interpreter::export_handler_table();
  return table;
#else
  return nullptr;
#endif
}
}  // namespace

Result<Outcome, ChannelVmError> Interpreter::start(const Program& program, const MoveContext& context, u64 gas_limit,
                                                   const VmLimits& limits, Dispatch dispatch) {
  if (const ChannelVmError e = vm::check_limits(limits); e != ChannelVmError::none) return e;  // VM-LIM-1
  Workspace& ws = workspace();
  if (ws.stack.size() < limits.max_stack_items) ws.stack.resize(limits.max_stack_items);
  if (ws.calls.size() < limits.max_call_depth) ws.calls.resize(limits.max_call_depth);
  ws.memory.clear();
  ws.storage.clear();
  const Frame start{program.instructions_.data(), ws.stack.data(), ws.calls.data(), gas_limit};
  switch (dispatch) {
    case Dispatch::checked:
      return Interpreter::execute<true, L2_CHANNEL_VM_THREADED != 0>(program, context, gas_limit, limits, ws, start);
    case Dispatch::switch_loop:
      return Interpreter::execute<false, false>(program, context, gas_limit, limits, ws, start);
    case Dispatch::best:
      break;
  }
  return Interpreter::execute<false, L2_CHANNEL_VM_THREADED != 0>(program, context, gas_limit, limits, ws, start);
}

#if L2_CHANNEL_VM_THREADED
#pragma GCC diagnostic pop
#endif

Result<Outcome, ChannelVmError> run(const Program& program, const MoveContext& context, u64 gas_limit,
                                    const VmLimits& limits, Dispatch dispatch) {
  return Interpreter::start(program, context, gas_limit, limits, dispatch);
}

// ---------------------------------------------------------------------------------------------
// The application check

std::size_t VmApp::DefinitionHash::operator()(const Hash32& definition) const {
  std::size_t word;
  std::memcpy(&word, definition.data(), sizeof word);  // a tagged hash: its first word spreads it
  return word;
}

bool judge_move(const Program& program, const FixedPart& fixed, const VariablePart& from, const VariablePart& to,
                u64 gas_limit, const VmLimits& limits) {
  if (fixed.participants.empty()) return false;
  const MoveContext context{fixed, from, to, ref::state_channel::mover_index(fixed, to.turn)};
  const Result<Outcome, ChannelVmError> outcome = run(program, context, gas_limit, limits);
  return outcome.ok() && outcome->halt == Halt::accept;
}

bool VmApp::valid_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) const {
  const auto it = programs.find(fixed.app_definition);
  return it != programs.end() && judge_move(it->second, fixed, from, to, gas_limit, limits);
}

Result<VmApp, ChannelVmError> deploy_program(const VmApp& app, std::span<const u8> code) {
  Result<Program, ChannelVmError> program = validate(code, app.limits);
  if (!program.ok()) return program.error();
  const Hash32 definition = vm::app_definition(code);
  VmApp next = app;
  if (!next.knows(definition)) next.programs.emplace(definition, std::move(program).value());
  return next;
}

}  // namespace l2::opt::channel_vm
