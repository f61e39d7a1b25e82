// Vectors for the channel VM (spec: channel_vm.md). Two stateless ops: validate_code (bytecode and
// limits -> the JUMPDEST map, or a VM-LIM / VM-CODE error) and run (bytecode, limits, gas limit and a
// move -> the Outcome, or the first failing rule's error). Both run on the reference and on the
// optimized interpreter (l2::opt::channel_vm). Every rule has a case that passes it at its boundary
// and an `invalid_*` case one past it; the adversarial suite plays hostile programs (an endless
// loop, a stack bomb, a memory bomb, unbounded recursion, a storage bomb, a hash bomb, a jump into
// push data). A program shows what it computed by storing it (PUSH1 slot, SSTORE): the Outcome's
// storage is the only window on a run. The participants' keys and the adjudicator id of every move
// derive from the case seed; the VM reads only their count.
// spec: channel_vm.md#vector-operations-mechanism-channel_vm
#include <cstddef>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/codec/json.hpp"
#include "l2/inv/channel_vm_model.hpp"
#include "l2/opt/channel_vm.hpp"
#include "l2/ref/channel_vm.hpp"
#include "l2/ref/channel_vm_assembler.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors {

namespace channel_vm_vectors {

namespace vm = ref::channel_vm;
using vm::FixedPart;
using vm::Opcode;
using vm::Outcome;
using vm::VariablePart;
using vm::VmLimits;

inline constexpr std::string_view mechanism_name = "channel_vm";

// ---- Inputs and outputs: their encoding, JSON form and state roots derive from these. ----

struct ValidateCodeInput {
  BOOST_HANA_DEFINE_STRUCT(ValidateCodeInput, (Bytes, code), (VmLimits, limits));
};

// The JUMPDEST map: the positions of the JUMPDEST instructions, ascending.
struct JumpdestMap {
  BOOST_HANA_DEFINE_STRUCT(JumpdestMap, (std::vector<u64>, jumpdests));
};

struct RunInput {
  BOOST_HANA_DEFINE_STRUCT(RunInput, (Bytes, code), (VmLimits, limits), (u64, gas_limit), (FixedPart, fixed),
                           (VariablePart, from), (VariablePart, to), (u64, mover));
};

template <class In, class Out>
using Fn = PureFn<In, Out, ChannelVmError>;

template <class Program>
JumpdestMap jumpdest_map(const Program& program) {
  JumpdestMap map;
  for (u64 pc = 0; pc < program.code().size(); ++pc)
    if (program.is_jumpdest(pc)) map.jumpdests.push_back(pc);
  return map;
}

Result<Outcome, ChannelVmError> run_reference(const RunInput& in) {
  const auto validated = vm::validate_code(in.code, in.limits);
  if (!validated.ok()) return validated.error();
  return vm::run(validated.value(), vm::MoveContext{in.fixed, in.from, in.to, in.mover}, in.gas_limit, in.limits);
}

Result<Outcome, ChannelVmError> run_optimized(const RunInput& in) {
  const auto program = opt::channel_vm::validate(in.code, in.limits);
  if (!program.ok()) return program.error();
  return opt::channel_vm::run(program.value(), vm::MoveContext{in.fixed, in.from, in.to, in.mover}, in.gas_limit,
                              in.limits);
}

std::vector<OpHandler> ops() {
  std::vector<OpHandler> handlers;
  handlers.push_back(stateless_op<ValidateCodeInput, JumpdestMap, ChannelVmError>(
      "validate_code", "check_limits, then the code's size, opcodes and immediates [VM-LIM-1, VM-CODE-1..3]",
      Fn<ValidateCodeInput, JumpdestMap>([](const ValidateCodeInput& in) -> Result<JumpdestMap, ChannelVmError> {
        const auto validated = vm::validate_code(in.code, in.limits);
        if (!validated.ok()) return validated.error();
        return jumpdest_map(validated.value());
      }),
      Fn<ValidateCodeInput, JumpdestMap>([](const ValidateCodeInput& in) -> Result<JumpdestMap, ChannelVmError> {
        const auto program = opt::channel_vm::validate(in.code, in.limits);
        if (!program.ok()) return program.error();
        return jumpdest_map(program.value());
      })));
  handlers.push_back(stateless_op<RunInput, Outcome, ChannelVmError>(
      "run", "validate_code, then run the program on the move [VM-LIM-1, VM-CODE-1..3, VM-RUN-1..12]",
      Fn<RunInput, Outcome>(run_reference), Fn<RunInput, Outcome>(run_optimized)));
  return handlers;
}

// ---- Programs ----

constexpr u64 u64_max = ~u64{0};
constexpr u64 plenty = 10'000'000;  // gas none of the bounded programs comes near

// The channel VM assembler, with one shorthand of the vectors: value -> ; storage[slot] = value +
// 1000, so that a 0 shows too.
struct Asm : vm::BasicAssembler<Asm> {
  Asm& show(u64 slot) { return push2(1000).op(Opcode::add).store(slot); }
};

// The counter application of channel_vm.md#example-the-counter-application (86 bytes).
Bytes counter_app() {
  Asm a;
  const auto reject_unless_equal = [&a] { a.op(Opcode::eq).op(Opcode::iszero).push1(84).op(Opcode::jumpi); };
  a.op(Opcode::from_turn).push1(1).op(Opcode::add).op(Opcode::to_turn);
  reject_unless_equal();
  a.op(Opcode::from_data_size).push1(8);
  reject_unless_equal();
  a.op(Opcode::to_data_size).push1(8);
  reject_unless_equal();
  a.push1(0).push1(8).push1(0).op(Opcode::from_data_copy).push1(0).push1(8).push1(8).op(Opcode::to_data_copy);
  a.push1(0).op(Opcode::mload).push1(1).op(Opcode::add).push1(8).op(Opcode::mload);
  reject_unless_equal();
  a.push1(0);
  a.op(Opcode::jumpdest).dup(0).op(Opcode::participants).op(Opcode::lt).op(Opcode::iszero).push1(82).op(Opcode::jumpi);
  a.dup(0).op(Opcode::from_outcome).dup(1).op(Opcode::to_outcome);
  reject_unless_equal();
  a.push1(1).op(Opcode::add).push1(56).op(Opcode::jump);
  a.op(Opcode::jumpdest).accept();
  a.op(Opcode::jumpdest).op(Opcode::reject);
  return a.code;
}

// ---- Moves ----

Bytes counter_data(u64 value) {
  Bytes out;
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<u8>(value >> (8 * i)));
  return out;
}

// The channel of a case: chain 1, the adjudicator id and then n participant keys drawn from the case
// seed's DRBG, nonce 0, app_definition(code), challenge duration 100.
FixedPart fixed_part(const Hash32& seed, const Bytes& code, std::size_t n) {
  Drbg drbg(seed);
  FixedPart fixed{1, drbg.next32(), {}, 0, vm::app_definition(code), 100};
  for (std::size_t i = 0; i < n; ++i) fixed.participants.push_back(drbg.next32());
  return fixed;
}

// The usual move: three participants, from turn 5 (40 bytes of app_data 1, 2, .., 40, outcome 100 /
// 200 / 300) to turn 6 (app_data 8 bytes 0xa1 .. 0xa8, outcome 150 / 150 / 300, final), mover 0.
RunInput run_input(const Hash32& seed, Bytes code, u64 gas_limit, const VmLimits& limits = vm::default_limits) {
  Bytes from_data;
  for (u8 i = 1; i <= 40; ++i) from_data.push_back(i);
  RunInput in{std::move(code), limits, gas_limit, {}, {5, from_data, {100, 200, 300}, false},
              {6, {0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8}, {150, 150, 300}, true}, 0};
  in.fixed = fixed_part(seed, in.code, 3);
  return in;
}

// A counter move of a two-party channel: turn 5 -> 6, counter `from_counter` -> `to_counter`,
// outcome 10 / 20 kept; the mover is 6 mod 2 = 0.
RunInput counter_move(const Hash32& seed, u64 from_counter, u64 to_counter, u64 gas_limit) {
  RunInput in{counter_app(), vm::default_limits, gas_limit, {}, {5, counter_data(from_counter), {10, 20}, false},
              {6, counter_data(to_counter), {10, 20}, false}, 0};
  in.fixed = fixed_part(seed, in.code, 2);
  return in;
}

// The gas a run that halts uses, by the reference: the exact budget of a boundary case.
u64 gas_used(const RunInput& in) {
  RunInput probe = in;
  probe.gas_limit = plenty;
  const auto result = run_reference(probe);
  return result.ok() ? result.value().gas_used : plenty;
}

VmLimits limits_with(auto change) {
  VmLimits limits = vm::default_limits;
  change(limits);
  return limits;
}

// ---- Cases: inputs only; the reference computes every expected outcome. ----

class Cases {
 public:
  CaseSpec& add(const std::string& suite, const std::string& name, const std::string& description,
                std::vector<std::string> rules, const std::string& op, json input) {
    CaseSpec& spec = book_.add(suite, name, description, std::move(rules));
    spec.steps.push_back(Step{op, 0, std::move(input)});
    return spec;
  }
  // A validate_code case.
  void validate(const std::string& name, const std::string& description, std::vector<std::string> rules, Bytes code,
                const VmLimits& limits = vm::default_limits, const std::string& suite = "validate_code") {
    add(suite, name, description, std::move(rules), "validate_code", codec::to_json(ValidateCodeInput{std::move(code), limits}));
  }
  // A run case on the usual move; `make` may change the input built from the case seed.
  template <class Make>
  void run(const std::string& suite, const std::string& name, const std::string& description, std::vector<std::string> rules,
           Make make) {
    const Hash32 seed = case_seed(mechanism_name, suite, name);
    add(suite, name, description, std::move(rules), "run", codec::to_json(make(seed)));
  }
  void run_code(const std::string& name, const std::string& description, std::vector<std::string> rules, Bytes code,
                u64 gas_limit = plenty, const VmLimits& limits = vm::default_limits, const std::string& suite = "run") {
    run(suite, name, description, std::move(rules),
        [&](const Hash32& seed) { return run_input(seed, code, gas_limit, limits); });
  }
  // Two cases of one program: with exactly the gas it needs, and with one less.
  void gas_boundary(const std::string& name, const std::string& description, std::vector<std::string> rules, Bytes code,
                    const VmLimits& limits = vm::default_limits) {
    const u64 exact = gas_used(run_input(Hash32{}, code, plenty, limits));
    run_code(name + "_gas_exact", description + ", with exactly the " + std::to_string(exact) + " gas it needs", rules,
             code, exact, limits);
    run_code("invalid_" + name + "_gas_one_short", description + ", with " + std::to_string(exact - 1) + " gas", rules,
             code, exact - 1, limits);
  }
  void adversarial(std::string attack, std::string party) { book_.mark_adversarial(std::move(attack), std::move(party)); }
  std::vector<CaseSpec> take() { return book_.take(); }

 private:
  CaseBook book_{std::string(mechanism_name)};
};

const std::vector<std::string> code_rules = {"VM-LIM-1", "VM-CODE-1", "VM-CODE-2", "VM-CODE-3"};

// ---- validate_code ----

void validate_code_cases(Cases& cases) {
  cases.validate("counter_app", "the 86-byte counter application under the default limits: JUMPDESTs at 56, 82 and 84",
                 code_rules, counter_app());
  {
    Asm every;
    for (unsigned byte = 0; byte < vm::opcode_table.size(); ++byte) {
      const vm::OpcodeInfo& info = vm::opcode_table[byte];
      if (!info.defined) continue;
      every.raw(static_cast<u8>(byte));
      for (u64 i = 0; i < info.immediate_bytes; ++i) every.raw(0x42);  // JUMPDEST bytes inside immediates
    }
    cases.validate("every_defined_opcode", "each of the 49 instructions once, in byte order, every immediate filled with "
                   "0x42 bytes: only the JUMPDEST instruction is in the map", code_rules, every.code);
  }
  cases.validate("push_immediate_hides_undefined_byte", "PUSH1 0xff, ACCEPT: 0xff is an immediate, not an opcode",
                 {"VM-CODE-2"}, Asm{}.push1(0xff).accept().code);
  cases.validate("jumpdest_byte_in_immediate_not_mapped", "PUSH1 0x42, JUMPDEST, ACCEPT: the map holds 2 only",
                 {"VM-CODE-2"}, Asm{}.push1(0x42).op(Opcode::jumpdest).accept().code);

  // VM-CODE-1 at its edges.
  cases.validate("invalid_empty_code", "no byte of code", {"VM-CODE-1"}, {});
  const VmLimits sixteen = limits_with([](VmLimits& l) { l.max_code_bytes = 16; });
  cases.validate("code_one_below_max_code_bytes", "15 STOPs under max_code_bytes 16", {"VM-CODE-1"}, Bytes(15, 0x00), sixteen);
  cases.validate("code_at_max_code_bytes", "16 STOPs under max_code_bytes 16", {"VM-CODE-1"}, Bytes(16, 0x00), sixteen);
  cases.validate("invalid_code_one_past_max_code_bytes", "17 STOPs under max_code_bytes 16", {"VM-CODE-1"},
                 Bytes(17, 0x00), sixteen);
  cases.validate("code_at_default_max_code_bytes", "24576 JUMPDESTs, EIP-170's size, under the default limits",
                 {"VM-CODE-1"}, Bytes(24576, 0x42));
  cases.validate("invalid_code_one_past_default_max_code_bytes", "24577 STOPs under the default limits", {"VM-CODE-1"},
                 Bytes(24577, 0x00));
  const VmLimits one_byte = limits_with([](VmLimits& l) { l.max_code_bytes = 1; });
  cases.validate("one_byte_code_at_max_code_bytes_one", "ACCEPT under max_code_bytes 1", {"VM-CODE-1", "VM-LIM-1"},
                 Asm{}.accept().code, one_byte);
  cases.validate("invalid_two_bytes_at_max_code_bytes_one", "ACCEPT, ACCEPT under max_code_bytes 1", {"VM-CODE-1"},
                 Asm{}.accept().accept().code, one_byte);

  // VM-CODE-2: the undefined bytes next to each run of defined ones, and the highest.
  for (const u8 byte : {0x03, 0x0f, 0x15, 0x17, 0x22, 0x2f, 0x34, 0x37, 0x3b, 0x3f, 0x45, 0x4f, 0x54, 0x57, 0x5a, 0x5b,
                        0x5d, 0x5f, 0x6c, 0xff}) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", byte);
    cases.validate(std::string("invalid_undefined_opcode_0x") + hex,
                   std::string("ACCEPT, then the undefined byte 0x") + hex + " at an instruction boundary", {"VM-CODE-2"},
                   Asm{}.accept().raw(byte).code);
  }
  cases.validate("invalid_undefined_before_truncated", "0x03 then a PUSH1 with no immediate: the first bad instruction "
                 "decides", {"VM-CODE-2", "VM-CODE-3"}, Asm{}.raw(0x03).op(Opcode::push1).code);

  // VM-CODE-3: each immediate one byte short, and complete at the end of the code.
  struct Immediate {
    Opcode opcode;
    const char* name;
    std::size_t bytes;
  };
  for (const Immediate im : {Immediate{Opcode::push1, "push1", 1}, Immediate{Opcode::push2, "push2", 2},
                             Immediate{Opcode::push4, "push4", 4}, Immediate{Opcode::push8, "push8", 8},
                             Immediate{Opcode::dup, "dup", 1}, Immediate{Opcode::swap, "swap", 1}}) {
    Asm complete = Asm{}.accept().op(im.opcode);
    for (std::size_t i = 0; i < im.bytes; ++i) complete.raw(0x01);
    Bytes short_one = complete.code;
    short_one.pop_back();
    cases.validate(std::string(im.name) + "_immediate_ends_at_code_end",
                   std::string("ACCEPT, then ") + im.name + " with its whole immediate as the last bytes", {"VM-CODE-3"},
                   complete.code);
    cases.validate(std::string("invalid_truncated_") + im.name,
                   std::string("ACCEPT, then ") + im.name + " with one byte of its immediate missing", {"VM-CODE-3"},
                   short_one);
  }
  cases.validate("invalid_truncated_hides_undefined", "PUSH2 with one byte, 0x03: the 0x03 is inside the immediate",
                 {"VM-CODE-2", "VM-CODE-3"}, Asm{}.op(Opcode::push2).raw(0x03).code);

  // VM-LIM-1: every field at the edges of its range.
  const Bytes accept = Asm{}.accept().code;
  struct Edge {
    std::string name;
    std::string description;
    VmLimits limits;
  };
  const std::vector<Edge> ok_edges = {
      {"limits_at_minimum", "max_code_bytes 1, max_stack_items 1, max_memory_bytes 0, max_call_depth 0, "
                            "max_storage_slots 0",
       VmLimits{1, 1, 0, 0, 0}},
      {"limits_at_maximum", "max_code_bytes 65536, max_stack_items 65536, max_memory_bytes 2^24, max_call_depth 65536, "
                            "max_storage_slots 65536",
       VmLimits{65536, 65536, u64{1} << 24, 65536, 65536}},
      {"max_memory_bytes_one_word", "max_memory_bytes 32", limits_with([](VmLimits& l) { l.max_memory_bytes = 32; })},
      {"max_memory_bytes_one_word_below_ceiling", "max_memory_bytes 2^24 - 32",
       limits_with([](VmLimits& l) { l.max_memory_bytes = (u64{1} << 24) - 32; })},
  };
  for (const Edge& e : ok_edges) cases.validate(e.name, e.description, {"VM-LIM-1"}, accept, e.limits);
  const std::vector<Edge> bad_edges = {
      {"invalid_max_code_bytes_zero", "max_code_bytes 0", limits_with([](VmLimits& l) { l.max_code_bytes = 0; })},
      {"invalid_max_code_bytes_65537", "max_code_bytes 65537", limits_with([](VmLimits& l) { l.max_code_bytes = 65537; })},
      {"invalid_max_stack_items_zero", "max_stack_items 0", limits_with([](VmLimits& l) { l.max_stack_items = 0; })},
      {"invalid_max_stack_items_65537", "max_stack_items 65537", limits_with([](VmLimits& l) { l.max_stack_items = 65537; })},
      {"invalid_max_memory_bytes_one_word_past_ceiling", "max_memory_bytes 2^24 + 32",
       limits_with([](VmLimits& l) { l.max_memory_bytes = (u64{1} << 24) + 32; })},
      {"invalid_max_memory_bytes_31", "max_memory_bytes 31, not a whole word",
       limits_with([](VmLimits& l) { l.max_memory_bytes = 31; })},
      {"invalid_max_memory_bytes_33", "max_memory_bytes 33, not a whole number of words",
       limits_with([](VmLimits& l) { l.max_memory_bytes = 33; })},
      {"invalid_max_memory_bytes_u64_max", "max_memory_bytes 2^64 - 1",
       limits_with([](VmLimits& l) { l.max_memory_bytes = u64_max; })},
      {"invalid_max_call_depth_65537", "max_call_depth 65537", limits_with([](VmLimits& l) { l.max_call_depth = 65537; })},
      {"invalid_max_storage_slots_65537", "max_storage_slots 65537",
       limits_with([](VmLimits& l) { l.max_storage_slots = 65537; })},
  };
  for (const Edge& e : bad_edges) cases.validate(e.name, e.description, {"VM-LIM-1"}, accept, e.limits);
  cases.validate("invalid_limits_before_code", "empty code under max_code_bytes 0: the limits are checked first",
                 {"VM-LIM-1", "VM-CODE-1"}, {}, limits_with([](VmLimits& l) { l.max_code_bytes = 0; }));
}

// ---- run ----

void run_cases(Cases& cases) {
  const std::vector<std::string> counter_rules = {"VM-LIM-1", "VM-CODE-1", "VM-CODE-2", "VM-CODE-3", "VM-RUN-1", "VM-RUN-2",
                                                  "VM-RUN-3", "VM-RUN-4", "VM-RUN-5", "VM-RUN-6", "VM-RUN-8", "VM-RUN-12"};
  // The counter application: 323 gas on an accepted move of two participants (channel_vm.md#gas).
  cases.run("run", "counter_app_accepts_gas_exact", "the counter application accepts counter 7 -> 8 with exactly 323 gas",
            counter_rules, [](const Hash32& seed) { return counter_move(seed, 7, 8, 323); });
  cases.run("run", "invalid_counter_app_gas_one_short", "the same move with 322 gas: the final ACCEPT is out of gas",
            {"VM-RUN-5"}, [](const Hash32& seed) { return counter_move(seed, 7, 8, 322); });
  cases.run("run", "counter_app_rejects_wrong_counter", "counter 7 -> 9: the program halts with REJECT", counter_rules,
            [](const Hash32& seed) { return counter_move(seed, 7, 9, plenty); });
  cases.run("run", "invalid_counter_app_counter_at_u64_max", "counter 2^64 - 1: its ADD overflows", {"VM-RUN-6"},
            [](const Hash32& seed) { return counter_move(seed, u64_max, 0, plenty); });

  cases.run_code("stop_halts_without_verdict", "STOP: halt stop, 1 gas", {"VM-RUN-1", "VM-RUN-5"}, Asm{}.op(Opcode::stop).code);
  cases.run_code("reject_halts", "REJECT: halt reject, 1 gas", {"VM-RUN-1", "VM-RUN-5"}, Asm{}.op(Opcode::reject).code);
  {
    Asm a;
    a.push1(7).push1(5).op(Opcode::add).store(1);
    a.push1(7).push1(5).op(Opcode::sub).store(2);
    a.push1(7).push1(5).op(Opcode::mul).store(3);
    a.push1(7).push1(5).op(Opcode::div).store(4);
    a.push1(7).push1(5).op(Opcode::mod).store(5);
    a.push1(5).push1(7).op(Opcode::lt).show(6);
    a.push1(7).push1(5).op(Opcode::lt).show(7);
    a.push1(5).push1(7).op(Opcode::gt).show(8);
    a.push1(7).push1(5).op(Opcode::gt).show(9);
    a.push1(7).push1(7).op(Opcode::eq).show(10);
    a.push1(7).push1(8).op(Opcode::eq).show(11);
    a.push1(0).op(Opcode::iszero).show(12);
    a.push1(9).op(Opcode::iszero).show(13);
    a.push2(0xf0f0).push2(0xff00).op(Opcode::bit_and).store(14);
    a.push2(0xf0f0).push2(0xff00).op(Opcode::bit_or).store(15);
    a.push2(0xf0f0).push2(0xff00).op(Opcode::bit_xor).store(16);
    a.push1(0).op(Opcode::bit_not).store(17);
    a.push1(3).push1(63).op(Opcode::shl).store(18);
    a.push1(3).push1(64).op(Opcode::shl).show(19);
    a.push8(u64_max).push1(63).op(Opcode::shr).store(20);
    a.push8(u64_max).push1(64).op(Opcode::shr).show(21);
    a.push8(0x0102030405060708).store(22);
    a.push4(0x0a0b0c0d).store(23);
    a.push2(0xbeef).store(24);
    a.push1(10).push1(20).push1(30).swap(1).store(25).store(26).store(27);
    a.push1(40).push1(50).push1(60).dup(2).store(28).op(Opcode::pop).store(29).store(30);
    a.accept();
    cases.run_code("arithmetic_logic_and_stack", "every arithmetic, comparison, bitwise, shift, push, dup, swap and pop "
                   "instruction on small operands, each result stored (a 0 or 1 shown as 1000 or 1001)",
                   {"VM-RUN-1", "VM-RUN-2", "VM-RUN-3", "VM-RUN-5", "VM-RUN-6", "VM-RUN-7", "VM-RUN-11"}, a.code);
  }
  {
    Asm a;
    a.push8(0x0102030405060708).push1(3).op(Opcode::mstore);  // memory[3..11)
    a.push1(3).op(Opcode::mload).store(1);
    a.push1(4).op(Opcode::mload8).store(2);
    a.push1(0).op(Opcode::mload).store(3);
    a.push2(0x01ab).push1(40).op(Opcode::mstore8);  // memory[40] = 0xab
    a.push1(40).op(Opcode::mload8).store(4);
    a.push1(0).push1(48).push1(64).op(Opcode::sha256);  // SHA-256(memory[0..48)) to memory[64..96)
    a.push1(64).op(Opcode::mload).store(5);
    a.push1(88).op(Opcode::mload).store(6);
    a.push1(0).push1(64).push1(16).op(Opcode::sha256);  // overlapping: hashes before it writes
    a.push1(16).op(Opcode::mload).store(7);
    a.push1(0).push1(0).push2(300).op(Opcode::sha256);  // SHA-256 of no bytes
    a.push2(300).op(Opcode::mload).store(8);
    a.push1(2).push1(40).push1(100).op(Opcode::from_data_copy);  // from.app_data[2..42): 38 bytes, then 2 zeros
    a.push1(100).op(Opcode::mload).store(9);
    a.push1(132).op(Opcode::mload).store(10);
    a.push1(0).push1(8).push2(200).op(Opcode::to_data_copy);
    a.push2(200).op(Opcode::mload).store(11);
    a.push1(50).push1(8).push2(400).op(Opcode::from_data_copy);  // a source past the data's end: zeros
    a.push2(400).op(Opcode::mload).show(12);
    a.push2(0xffff).push1(0).push2(0xffff).op(Opcode::sha256);  // length 0 touches nothing, whatever its offsets
    a.accept();
    cases.run_code("memory_sha256_and_data_copy", "MSTORE, MLOAD, MSTORE8, MLOAD8, SHA256 (overlapping and empty) and both "
                   "data copies (past the data's end: zeros), each result stored",
                   {"VM-RUN-2", "VM-RUN-4", "VM-RUN-5", "VM-RUN-11"}, a.code);
  }
  {
    Asm a;
    a.op(Opcode::participants).show(1).op(Opcode::mover).show(2).op(Opcode::from_turn).show(3).op(Opcode::to_turn).show(4);
    a.op(Opcode::from_final).show(5).op(Opcode::to_final).show(6);
    for (u64 i = 0; i < 3; ++i) a.push1(i).op(Opcode::from_outcome).show(7 + i).push1(i).op(Opcode::to_outcome).show(10 + i);
    a.op(Opcode::from_data_size).show(13).op(Opcode::to_data_size).show(14).accept();
    cases.run_code("context_instructions", "PARTICIPANTS, MOVER, the turns, the final flags, every outcome entry up to "
                   "index n - 1 and the data sizes, each stored", {"VM-RUN-12"}, a.code);
    cases.run("run", "context_mover_as_given", "MOVER returns the input's mover (2), whatever the turn", {"VM-RUN-12"},
              [&](const Hash32& seed) {
                RunInput in = run_input(seed, a.code, plenty);
                in.mover = 2;
                return in;
              });
  }
  {
    Asm a;
    a.push1(9).op(Opcode::call).push1(1).store(1).accept();  // 0..8
    a.op(Opcode::jumpdest).push1(2).store(2).op(Opcode::ret);  // 9: the subroutine
    cases.run_code("call_and_return", "CALL a subroutine that stores 2, RET to just after the CALL, store 1, ACCEPT",
                   {"VM-RUN-8", "VM-RUN-9", "VM-RUN-10"}, a.code);
  }
  cases.run_code("jump_to_jumpdest", "PUSH1 4, JUMP over a REJECT to JUMPDEST, ACCEPT", {"VM-RUN-8"},
                 Asm{}.push1(4).op(Opcode::jump).op(Opcode::reject).op(Opcode::jumpdest).accept().code);
  cases.run_code("jumpi_taken", "a JUMPI with condition 5 jumps to its JUMPDEST", {"VM-RUN-8"},
                 Asm{}.push1(5).push1(6).op(Opcode::jumpi).op(Opcode::reject).op(Opcode::jumpdest).accept().code);
  cases.run_code("jumpi_not_taken_ignores_target", "a JUMPI with condition 0 and target 3 (no JUMPDEST) falls through",
                 {"VM-RUN-8"}, Asm{}.push1(0).push1(3).op(Opcode::jumpi).accept().code);

  // VM-LIM-1 and the VM-CODE rules through run.
  cases.run_code("invalid_run_unsafe_limits", "ACCEPT with max_stack_items 0", {"VM-LIM-1"}, Asm{}.accept().code, plenty,
                 limits_with([](VmLimits& l) { l.max_stack_items = 0; }));
  cases.run_code("invalid_run_undefined_opcode", "ACCEPT, 0x03: run validates the code first", {"VM-CODE-2"},
                 Asm{}.accept().raw(0x03).code);
  cases.run_code("invalid_run_truncated_immediate", "ACCEPT, PUSH2 with one byte", {"VM-CODE-3"},
                 Asm{}.accept().op(Opcode::push2).raw(1).code);
  cases.run_code("invalid_run_empty_code", "no code", {"VM-CODE-1"}, {});

  // VM-RUN-1.
  cases.run_code("invalid_falls_off_the_end", "PUSH1 1 and nothing after it", {"VM-RUN-1"}, Asm{}.push1(1).code);
  cases.run_code("invalid_jumpi_not_taken_at_the_end", "a JUMPI not taken as the last instruction", {"VM-RUN-1"},
                 Asm{}.push1(0).push1(0).op(Opcode::jumpi).code);
  cases.run_code("invalid_ret_to_the_end", "CALL as the last instruction; its RET returns past the end", {"VM-RUN-1"},
                 Asm{}.push1(5).op(Opcode::jump).op(Opcode::jumpdest).op(Opcode::ret).op(Opcode::jumpdest).push1(3)
                     .op(Opcode::call).code);

  // VM-RUN-2: each shape of stack need at its boundary.
  cases.run_code("add_with_two_items", "ADD with exactly two items", {"VM-RUN-2"},
                 Asm{}.push1(1).push1(2).op(Opcode::add).store(0).accept().code);
  cases.run_code("invalid_add_with_one_item", "ADD with one item", {"VM-RUN-2"}, Asm{}.push1(1).op(Opcode::add).accept().code);
  cases.run_code("invalid_pop_on_empty_stack", "POP first", {"VM-RUN-2"}, Asm{}.op(Opcode::pop).accept().code);
  cases.run_code("invalid_sha256_with_two_items", "SHA256 with two items", {"VM-RUN-2"},
                 Asm{}.push1(0).push1(0).op(Opcode::sha256).accept().code);
  cases.run_code("dup_deepest_item", "DUP 2 with three items copies the bottom one", {"VM-RUN-2"},
                 Asm{}.push1(7).push1(8).push1(9).dup(2).store(0).accept().code);
  cases.run_code("invalid_dup_one_too_deep", "DUP 3 with three items", {"VM-RUN-2"},
                 Asm{}.push1(7).push1(8).push1(9).dup(3).accept().code);
  cases.run_code("swap_deepest_item", "SWAP 1 with three items swaps the top and the bottom", {"VM-RUN-2"},
                 Asm{}.push1(7).push1(8).push1(9).swap(1).store(0).store(1).store(2).accept().code);
  cases.run_code("invalid_swap_one_too_deep", "SWAP 2 with three items", {"VM-RUN-2"},
                 Asm{}.push1(7).push1(8).push1(9).swap(2).accept().code);
  cases.run_code("invalid_dup_255_on_short_stack", "DUP 255 with one item", {"VM-RUN-2"},
                 Asm{}.push1(7).dup(255).accept().code);

  // VM-RUN-3 at max_stack_items 4, and at 1.
  const VmLimits four_items = limits_with([](VmLimits& l) { l.max_stack_items = 4; });
  cases.run_code("stack_at_max_stack_items", "four PUSH1 under max_stack_items 4", {"VM-RUN-3"},
                 Asm{}.push1(1).push1(2).push1(3).push1(4).accept().code, plenty, four_items);
  cases.run_code("invalid_stack_one_past_max_stack_items", "five PUSH1 under max_stack_items 4", {"VM-RUN-3"},
                 Asm{}.push1(1).push1(2).push1(3).push1(4).push1(5).accept().code, plenty, four_items);
  cases.run_code("invalid_dup_at_max_stack_items", "DUP 0 on a full stack of 4", {"VM-RUN-3"},
                 Asm{}.push1(1).push1(2).push1(3).push1(4).dup(0).accept().code, plenty, four_items);
  cases.run_code("add_on_full_stack", "ADD on a full stack of 4 (it shrinks)", {"VM-RUN-3"},
                 Asm{}.push1(1).push1(2).push1(3).push1(4).op(Opcode::add).accept().code, plenty, four_items);
  const VmLimits one_item = limits_with([](VmLimits& l) { l.max_stack_items = 1; });
  cases.run_code("stack_of_one_item", "PUSH1 under max_stack_items 1", {"VM-RUN-3"}, Asm{}.push1(1).accept().code, plenty,
                 one_item);
  cases.run_code("invalid_second_item_on_stack_of_one", "two PUSH1 under max_stack_items 1", {"VM-RUN-3"},
                 Asm{}.push1(1).push1(2).accept().code, plenty, one_item);

  // VM-RUN-4 at max_memory_bytes 64.
  const VmLimits two_words = limits_with([](VmLimits& l) { l.max_memory_bytes = 64; });
  cases.run_code("mstore_ends_at_memory_limit", "MSTORE at offset 56: bytes 56..64 under max_memory_bytes 64",
                 {"VM-RUN-4"}, Asm{}.push1(1).push1(56).op(Opcode::mstore).accept().code, plenty, two_words);
  cases.run_code("invalid_mstore_one_past_memory_limit", "MSTORE at offset 57: its last byte is 64", {"VM-RUN-4"},
                 Asm{}.push1(1).push1(57).op(Opcode::mstore).accept().code, plenty, two_words);
  cases.run_code("mload8_last_byte", "MLOAD8 at offset 63", {"VM-RUN-4"},
                 Asm{}.push1(63).op(Opcode::mload8).accept().code, plenty, two_words);
  cases.run_code("invalid_mstore8_at_memory_limit", "MSTORE8 at offset 64", {"VM-RUN-4"},
                 Asm{}.push1(1).push1(64).op(Opcode::mstore8).accept().code, plenty, two_words);
  cases.run_code("sha256_digest_ends_at_memory_limit", "SHA256 of bytes 0..64 to offset 32", {"VM-RUN-4"},
                 Asm{}.push1(0).push1(64).push1(32).op(Opcode::sha256).accept().code, plenty, two_words);
  cases.run_code("invalid_sha256_digest_one_past_memory_limit", "SHA256 to offset 33", {"VM-RUN-4"},
                 Asm{}.push1(0).push1(1).push1(33).op(Opcode::sha256).accept().code, plenty, two_words);
  cases.run_code("invalid_sha256_source_one_past_memory_limit", "SHA256 of bytes 0..65", {"VM-RUN-4"},
                 Asm{}.push1(0).push1(65).push1(0).op(Opcode::sha256).accept().code, plenty, two_words);
  cases.run_code("data_copy_fills_memory", "FROM_DATA_COPY of 64 bytes to offset 0", {"VM-RUN-4"},
                 Asm{}.push1(0).push1(64).push1(0).op(Opcode::from_data_copy).accept().code, plenty, two_words);
  cases.run_code("invalid_data_copy_one_past_memory_limit", "TO_DATA_COPY of 65 bytes to offset 0", {"VM-RUN-4"},
                 Asm{}.push1(0).push1(65).push1(0).op(Opcode::to_data_copy).accept().code, plenty, two_words);
  cases.run_code("zero_length_copy_at_u64_max", "TO_DATA_COPY of 0 bytes to offset 2^64 - 1 touches nothing",
                 {"VM-RUN-4"}, Asm{}.push1(0).push1(0).push8(u64_max).op(Opcode::to_data_copy).accept().code, plenty,
                 two_words);
  cases.run_code("invalid_range_past_2_64", "FROM_DATA_COPY of 2 bytes to offset 2^64 - 1: the range ends past 2^64",
                 {"VM-RUN-4"}, Asm{}.push1(0).push1(2).push8(u64_max).op(Opcode::from_data_copy).accept().code);
  cases.run_code("invalid_mload_at_u64_max", "MLOAD at offset 2^64 - 8 under the default limits", {"VM-RUN-4"},
                 Asm{}.push8(u64_max - 7).op(Opcode::mload).accept().code);
  cases.run_code("invalid_memory_limit_zero", "MLOAD8 at 0 under max_memory_bytes 0", {"VM-RUN-4"},
                 Asm{}.push1(0).op(Opcode::mload8).accept().code, plenty,
                 limits_with([](VmLimits& l) { l.max_memory_bytes = 0; }));
  cases.run_code("memory_at_ceiling", "MSTORE8 at 2^24 - 1 under max_memory_bytes 2^24: 2^19 words, 538'443'776 gas of "
                 "memory", {"VM-RUN-4", "VM-RUN-5"},
                 Asm{}.push1(1).push4((u64{1} << 24) - 1).op(Opcode::mstore8).accept().code, u64{1} << 30,
                 limits_with([](VmLimits& l) { l.max_memory_bytes = u64{1} << 24; }));
  cases.run_code("invalid_memory_one_past_ceiling", "MSTORE8 at 2^24 under max_memory_bytes 2^24", {"VM-RUN-4"},
                 Asm{}.push1(1).push4(u64{1} << 24).op(Opcode::mstore8).accept().code, u64{1} << 30,
                 limits_with([](VmLimits& l) { l.max_memory_bytes = u64{1} << 24; }));

  // VM-RUN-5: the exact budget of programs with each kind of cost, and one less.
  cases.run_code("accept_with_one_gas", "ACCEPT with gas_limit 1", {"VM-RUN-5"}, Asm{}.accept().code, 1);
  cases.run_code("invalid_accept_with_zero_gas", "ACCEPT with gas_limit 0: even a halt costs 1", {"VM-RUN-5"},
                 Asm{}.accept().code, 0);
  cases.gas_boundary("mstore8_expansion", "MSTORE8 at offset 4095 (128 words of memory, 3·128 + 128²/512 = 416 gas)",
                     {"VM-RUN-5"}, Asm{}.push1(1).push2(4095).op(Opcode::mstore8).accept().code);
  cases.gas_boundary("sha256_per_word", "SHA256 of 65 bytes (3 words: 30 + 18) to offset 96, memory 4 words",
                     {"VM-RUN-5"}, Asm{}.push1(0).push1(65).push1(96).op(Opcode::sha256).accept().code);
  cases.gas_boundary("data_copy_per_word", "TO_DATA_COPY of 33 bytes (2 words: 3 + 6) to offset 0", {"VM-RUN-5"},
                     Asm{}.push1(0).push1(33).push1(0).op(Opcode::to_data_copy).accept().code);
  cases.gas_boundary("sha256_fills_default_memory", "SHA256 of 131040 bytes to offset 131040: memory grows to the default "
                     "4096 words in one instruction", {"VM-RUN-4", "VM-RUN-5"},
                     Asm{}.push1(0).push4(131040).push4(131040).op(Opcode::sha256).accept().code);
  cases.gas_boundary("memory_grown_twice", "MSTORE8 at 31 (1 word), then at 32 (2 words): the second pays "
                     "memory_cost(2) - memory_cost(1)", {"VM-RUN-5"},
                     Asm{}.push1(1).push1(31).op(Opcode::mstore8).push1(1).push1(32).op(Opcode::mstore8).push1(1)
                         .push1(0).op(Opcode::mstore8).accept().code);
  cases.gas_boundary("storage_and_calls", "SSTORE, SLOAD, POP, CALL, RET and a taken JUMPI, each priced once",
                     {"VM-RUN-5"},
                     Asm{}.push1(5).push1(1).op(Opcode::sstore).push1(1).op(Opcode::sload).op(Opcode::pop).push1(17)
                         .op(Opcode::call).push1(1).push1(19).op(Opcode::jumpi).op(Opcode::jumpdest).op(Opcode::ret)
                         .op(Opcode::jumpdest).accept().code);

  // VM-RUN-6.
  cases.run_code("add_to_u64_max", "(2^64 - 2) + 1 = 2^64 - 1", {"VM-RUN-6"},
                 Asm{}.push8(u64_max - 1).push1(1).op(Opcode::add).store(0).accept().code);
  cases.run_code("invalid_add_past_u64_max", "(2^64 - 1) + 1", {"VM-RUN-6"},
                 Asm{}.push8(u64_max).push1(1).op(Opcode::add).accept().code);
  cases.run_code("sub_to_zero", "5 - 5 = 0", {"VM-RUN-6"}, Asm{}.push1(5).push1(5).op(Opcode::sub).show(0).accept().code);
  cases.run_code("invalid_sub_below_zero", "5 - 6", {"VM-RUN-6"}, Asm{}.push1(5).push1(6).op(Opcode::sub).accept().code);
  cases.run_code("mul_to_u64_max", "(2^32 - 1)(2^32 + 1) = 2^64 - 1", {"VM-RUN-6"},
                 Asm{}.push4(0xffffffff).push8(0x100000001).op(Opcode::mul).store(0).accept().code);
  cases.run_code("invalid_mul_past_u64_max", "2^32 · 2^32", {"VM-RUN-6"},
                 Asm{}.push8(u64{1} << 32).push8(u64{1} << 32).op(Opcode::mul).accept().code);
  cases.run_code("mul_by_zero", "(2^64 - 1) · 0 = 0", {"VM-RUN-6"},
                 Asm{}.push8(u64_max).push1(0).op(Opcode::mul).show(0).accept().code);

  // VM-RUN-7.
  cases.run_code("div_and_mod_by_one", "7 / 1 and 7 mod 1", {"VM-RUN-7"},
                 Asm{}.push1(7).push1(1).op(Opcode::div).store(0).push1(7).push1(1).op(Opcode::mod).show(1).accept().code);
  cases.run_code("invalid_div_by_zero", "7 / 0", {"VM-RUN-7"}, Asm{}.push1(7).push1(0).op(Opcode::div).accept().code);
  cases.run_code("invalid_mod_by_zero", "7 mod 0", {"VM-RUN-7"}, Asm{}.push1(7).push1(0).op(Opcode::mod).accept().code);
  cases.run_code("div_zero_by_seven", "0 / 7 = 0: only the divisor matters", {"VM-RUN-7"},
                 Asm{}.push1(0).push1(7).op(Opcode::div).show(0).accept().code);

  // VM-RUN-8.
  cases.run_code("invalid_jump_to_non_jumpdest", "JUMP to an ACCEPT", {"VM-RUN-8"},
                 Asm{}.push1(3).op(Opcode::jump).accept().code);
  cases.run_code("invalid_jump_past_the_code", "JUMP to 1000", {"VM-RUN-8"}, Asm{}.push2(1000).op(Opcode::jump).accept().code);
  cases.run_code("invalid_jump_to_u64_max", "JUMP to 2^64 - 1", {"VM-RUN-8"},
                 Asm{}.push8(u64_max).op(Opcode::jump).accept().code);
  cases.run_code("invalid_jumpi_taken_to_non_jumpdest", "JUMPI with condition 1 to an ACCEPT", {"VM-RUN-8"},
                 Asm{}.push1(1).push1(5).op(Opcode::jumpi).accept().code);
  cases.run_code("invalid_call_to_non_jumpdest", "CALL to an ACCEPT", {"VM-RUN-8"},
                 Asm{}.push1(3).op(Opcode::call).accept().code);

  // VM-RUN-9 at max_call_depth 3: three nested CALLs; and one more.
  {
    Asm nested;
    nested.push1(3).op(Opcode::call);                        // 0: CALL 3
    nested.op(Opcode::jumpdest).push1(7).op(Opcode::call);   // 3: CALL 7
    nested.op(Opcode::jumpdest).push1(11).op(Opcode::call);  // 7: CALL 11
    nested.op(Opcode::jumpdest).accept();                    // 11
    const VmLimits three_calls = limits_with([](VmLimits& l) { l.max_call_depth = 3; });
    const VmLimits two_calls = limits_with([](VmLimits& l) { l.max_call_depth = 2; });
    cases.run_code("call_depth_at_max_call_depth", "three nested CALLs under max_call_depth 3", {"VM-RUN-9"}, nested.code,
                   plenty, three_calls);
    cases.run_code("invalid_call_depth_one_past_max_call_depth", "three nested CALLs under max_call_depth 2",
                   {"VM-RUN-9"}, nested.code, plenty, two_calls);
    cases.run_code("invalid_call_with_max_call_depth_zero", "one CALL under max_call_depth 0", {"VM-RUN-9"},
                   Asm{}.push1(3).op(Opcode::call).op(Opcode::jumpdest).accept().code, plenty,
                   limits_with([](VmLimits& l) { l.max_call_depth = 0; }));
    cases.run_code("invalid_call_bad_target_at_full_depth", "a CALL to a non-JUMPDEST with the call stack full: VM-RUN-8 "
                   "is checked first", {"VM-RUN-8", "VM-RUN-9"},
                   Asm{}.push1(3).op(Opcode::call).op(Opcode::jumpdest).push1(3).op(Opcode::call).accept().code, plenty,
                   limits_with([](VmLimits& l) { l.max_call_depth = 1; }));
  }

  // VM-RUN-10.
  cases.run_code("invalid_ret_without_call", "RET first", {"VM-RUN-10"}, Asm{}.op(Opcode::ret).accept().code);
  cases.run_code("invalid_second_ret", "CALL, RET, then RET again", {"VM-RUN-10"},
                 Asm{}.push1(5).op(Opcode::call).op(Opcode::ret).accept().op(Opcode::jumpdest).op(Opcode::ret).code);

  // VM-RUN-11 at max_storage_slots 2.
  const VmLimits two_slots = limits_with([](VmLimits& l) { l.max_storage_slots = 2; });
  cases.run_code("storage_at_max_storage_slots", "two slots under max_storage_slots 2", {"VM-RUN-11"},
                 Asm{}.push1(5).store(1).push1(6).store(2).accept().code, plenty, two_slots);
  cases.run_code("invalid_storage_one_past_max_storage_slots", "a third slot under max_storage_slots 2", {"VM-RUN-11"},
                 Asm{}.push1(5).store(1).push1(6).store(2).push1(7).store(3).accept().code, plenty, two_slots);
  cases.run_code("storage_overwrite_when_full", "overwriting a slot of a full storage adds none", {"VM-RUN-11"},
                 Asm{}.push1(5).store(1).push1(6).store(2).push1(7).store(2).accept().code, plenty, two_slots);
  cases.run_code("storage_remove_then_add_when_full", "storing 0 removes a slot, which makes room for another",
                 {"VM-RUN-11"}, Asm{}.push1(5).store(1).push1(6).store(2).push1(0).store(1).push1(7).store(3).push1(3)
                     .op(Opcode::sload).store(4).accept().code, plenty,
                 limits_with([](VmLimits& l) { l.max_storage_slots = 3; }));
  cases.run_code("storage_zero_at_max_storage_slots_zero", "SSTORE of 0 to an absent key under max_storage_slots 0",
                 {"VM-RUN-11"}, Asm{}.push1(0).store(1).accept().code, plenty,
                 limits_with([](VmLimits& l) { l.max_storage_slots = 0; }));
  cases.run_code("invalid_storage_with_max_storage_slots_zero", "SSTORE of 1 under max_storage_slots 0", {"VM-RUN-11"},
                 Asm{}.push1(1).store(1).accept().code, plenty, limits_with([](VmLimits& l) { l.max_storage_slots = 0; }));
  cases.run_code("storage_keys_sorted", "keys 2^64 - 1, 0 and 7 stored in that order come out ascending", {"VM-RUN-11"},
                 Asm{}.push1(1).push8(u64_max).op(Opcode::sstore).push1(2).push1(0).op(Opcode::sstore).push1(3).store(7)
                     .accept().code);

  // VM-RUN-12: index n - 1 and n (n = 3).
  cases.run_code("outcome_last_index", "FROM_OUTCOME 2 and TO_OUTCOME 2 of three entries", {"VM-RUN-12"},
                 Asm{}.push1(2).op(Opcode::from_outcome).store(0).push1(2).op(Opcode::to_outcome).store(1).accept().code);
  cases.run_code("invalid_from_outcome_index_n", "FROM_OUTCOME 3 of three entries", {"VM-RUN-12"},
                 Asm{}.push1(3).op(Opcode::from_outcome).accept().code);
  cases.run_code("invalid_to_outcome_index_n", "TO_OUTCOME 3 of three entries", {"VM-RUN-12"},
                 Asm{}.push1(3).op(Opcode::to_outcome).accept().code);
  cases.run_code("invalid_outcome_index_u64_max", "TO_OUTCOME 2^64 - 1", {"VM-RUN-12"},
                 Asm{}.push8(u64_max).op(Opcode::to_outcome).accept().code);

  // Which fault wins.
  cases.run_code("invalid_underflow_before_out_of_gas", "ADD with one item and no gas left: VM-RUN-2 first",
                 {"VM-RUN-2", "VM-RUN-5"}, Asm{}.push1(1).op(Opcode::add).accept().code, 3);
  cases.run_code("invalid_overflow_before_out_of_gas", "a fifth PUSH1 under max_stack_items 4 and no gas left: VM-RUN-3 "
                 "first", {"VM-RUN-3", "VM-RUN-5"}, Asm{}.push1(1).push1(2).push1(3).push1(4).push1(5).accept().code, 12,
                 four_items);
  cases.run_code("invalid_memory_limit_before_out_of_gas", "MSTORE past max_memory_bytes with 6 gas: VM-RUN-4 first",
                 {"VM-RUN-4", "VM-RUN-5"}, Asm{}.push1(1).push1(57).op(Opcode::mstore).accept().code, 6, two_words);
  cases.run_code("invalid_out_of_gas_before_arithmetic", "an overflowing ADD with 2 gas left: VM-RUN-5 first",
                 {"VM-RUN-5", "VM-RUN-6"}, Asm{}.push8(u64_max).push1(1).op(Opcode::add).accept().code, 8);
  cases.run_code("invalid_arithmetic_with_exact_gas", "an overflowing ADD with exactly its gas: VM-RUN-6 after the charge",
                 {"VM-RUN-5", "VM-RUN-6"}, Asm{}.push8(u64_max).push1(1).op(Opcode::add).accept().code, 9);
}

// ---- Adversarial programs ----

void adversarial_cases(Cases& cases) {
  cases.run_code("invalid_endless_loop", "JUMPDEST, PUSH1 0, JUMP for ever with 100000 gas: each pass costs 12, so it "
                 "ends out of gas", {"VM-RUN-5"},
                 Asm{}.op(Opcode::jumpdest).push1(0).op(Opcode::jump).code, 100000, vm::default_limits, "adversarial");
  cases.adversarial("a program that loops for ever", "app author");
  cases.run_code("invalid_stack_bomb", "a loop that pushes one item per pass: it ends at max_stack_items (1024)",
                 {"VM-RUN-3"}, Asm{}.op(Opcode::jumpdest).push1(1).push1(0).op(Opcode::jump).code, plenty,
                 vm::default_limits, "adversarial");
  cases.adversarial("a program that overflows its stack", "app author");
  {
    // offset on the stack; each pass writes one byte 1024 bytes further on.
    Asm bomb;
    bomb.push1(0).op(Opcode::jumpdest).push1(1).dup(1).op(Opcode::mstore8).push2(1024).op(Opcode::add).push1(2)
        .op(Opcode::jump);
    cases.run_code("invalid_memory_bomb_at_memory_limit", "a loop that grows memory by 32 words per pass, with plenty of "
                   "gas: it ends at max_memory_bytes (131072)", {"VM-RUN-4"}, bomb.code, plenty, vm::default_limits,
                   "adversarial");
    cases.adversarial("a program that grows memory without bound", "app author");
    cases.run_code("invalid_memory_bomb_out_of_gas", "the same loop with 20000 gas: the quadratic price stops it first",
                   {"VM-RUN-5"}, bomb.code, 20000, vm::default_limits, "adversarial");
    cases.adversarial("a program that grows memory without bound", "app author");
  }
  cases.run_code("invalid_unbounded_recursion", "JUMPDEST, PUSH1 0, CALL: it ends at max_call_depth (1024)",
                 {"VM-RUN-9"}, Asm{}.op(Opcode::jumpdest).push1(0).op(Opcode::call).code, plenty, vm::default_limits,
                 "adversarial");
  cases.adversarial("a program that recurses without bound", "app author");
  cases.run_code("invalid_recursion_out_of_gas", "the same recursion with 1000 gas: each call costs 14", {"VM-RUN-5"},
                 Asm{}.op(Opcode::jumpdest).push1(0).op(Opcode::call).code, 1000, vm::default_limits, "adversarial");
  cases.adversarial("a program that recurses without bound", "app author");
  {
    // key on the stack; each pass stores 1 under it, then the next key.
    Asm bomb;
    bomb.push1(1).op(Opcode::jumpdest).push1(1).dup(1).op(Opcode::sstore).push1(1).op(Opcode::add).push1(2)
        .op(Opcode::jump);
    cases.run_code("invalid_storage_bomb", "a loop that fills a new slot per pass: it ends at max_storage_slots (1024)",
                   {"VM-RUN-11"}, bomb.code, plenty, vm::default_limits, "adversarial");
    cases.adversarial("a program that fills storage without bound", "app author");
  }
  cases.run_code("invalid_hash_bomb", "SHA256 of the whole default memory, again and again, with 1000000 gas",
                 {"VM-RUN-5"},
                 Asm{}.op(Opcode::jumpdest).push1(0).push4(131040).push1(0).op(Opcode::sha256).push1(0).op(Opcode::jump).code,
                 1'000'000, vm::default_limits, "adversarial");
  cases.adversarial("a program that hashes without bound", "app author");
  cases.run_code("invalid_jump_into_push_data", "a JUMP to a 0x42 byte inside a PUSH1 immediate", {"VM-RUN-8"},
                 Asm{}.push1(0x42).op(Opcode::pop).push1(1).op(Opcode::jump).code, plenty, vm::default_limits, "adversarial");
  cases.adversarial("a jump into push data", "app author");
  cases.run_code("invalid_return_address_forgery", "a RET with no CALL: return addresses are out of the program's reach",
                 {"VM-RUN-10"}, Asm{}.push1(0).op(Opcode::ret).code, plenty, vm::default_limits, "adversarial");
  cases.adversarial("a return to a forged address", "app author");
  cases.run("adversarial", "invalid_move_makes_judgement_fault", "a participant's move whose counter is 2^64 - 1 makes the "
            "counter application's ADD fault: a fault, not an acceptance", {"VM-RUN-6"},
            [](const Hash32& seed) { return counter_move(seed, u64_max, 0, plenty); });
  cases.adversarial("a move whose data makes the judgement fault", "participant");
}

std::vector<CaseSpec> all_cases(Profile) {
  Cases cases;
  validate_code_cases(cases);
  run_cases(cases);
  adversarial_cases(cases);
  return cases.take();
}

}  // namespace channel_vm_vectors

Mechanism channel_vm_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(channel_vm_vectors::mechanism_name);
  mechanism.ops = channel_vm_vectors::ops();
  mechanism.cases = channel_vm_vectors::all_cases;
  mechanism.shared_states = [](Profile) { return std::vector<SharedState>{}; };
  mechanism.model = inv::channel_vm::registry_entry;
  mechanism.bench_prefix = "BM_channel_vm";
  return mechanism;
}

}  // namespace l2::vectors
