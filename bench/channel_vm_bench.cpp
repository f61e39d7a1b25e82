// The channel VM interpreter, one thread: bytecode judging state-channel moves (issue 12).
//   BM_channel_vm_execute/reference: l2::ref::channel_vm::run (decodes each instruction at pc every
//     step, a switch per step, std::vector stack, linear storage scan).
//   BM_channel_vm_execute/optimized: l2::opt::channel_vm::run (pre-decoded instructions in basic
//     blocks, gas and stack checked once per block, superinstructions, direct threading through
//     computed goto, preallocated stack).
// Both run the same fixed mix of five programs, validated once outside the timed loop, each once
// per iteration:
//   counter:  the counter application of channel_vm.md#example-the-counter-application on an
//             accepted move of a 2-party channel (the move checks, two data copies, the outcome loop);
//   loop:     2000 iterations of acc = (acc * 31 + i) mod 1000003 xor (i << 3) with a counter: the
//             arithmetic, DUP/SWAP and JUMPI of a tight loop;
//   sha256:   200 iterations of SHA256 over 64 bytes of memory into its first 32, with an MLOAD and
//             an MSTORE of a counter beside it: memory instructions and the hash;
//   call:     1000 CALLs of a 6-instruction function from a counted loop: CALL/RET.
// items_per_second counts VM instructions executed, so the ratio optimized / reference is the
// speed-up per instruction on this mix (target: optimized at least 15x the reference, issue 12).
// The instruction count of each program comes from a step counter built on the reference's own
// decode, checks and execute, and that counter's outcome must equal run's. The per-program cases
// BM_channel_vm_program/<program>/<backend> show where the mix's time goes.
//   game:     the game channel's bytecode (game_channel.md) judging A's reveal that wins round 0 of
//             two: the commitment check (one SHA256 over 138 bytes), the round result and the
//             outcome transfer;
//   amm_swap: the DEX channel's bytecode (dex_channel.md#the-bytecode) judging a swap of A for B
//             against a funded pool beside a book of four orders: its decoding, the 192-bit check of
//             get_amount_out in 32-bit limbs, the field-by-field comparison and the claims.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "l2/opt/channel_vm.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_vm.hpp"
#include "l2/ref/channel_vm_assembler.hpp"
#include "l2/ref/dex_channel.hpp"
#include "l2/ref/dex_channel_program.hpp"
#include "l2/ref/game_channel.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/state_channel.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::u64;
using l2::u8;
namespace vm = l2::ref::channel_vm;
namespace opt = l2::opt::channel_vm;
namespace state_channel = l2::ref::state_channel;
using vm::Opcode;

constexpr u64 gas_limit = 10'000'000;

using Asm = vm::Assembler;

// channel_vm.md#example-the-counter-application, as tests/unit/channel_vm_test.cpp assembles it.
Bytes counter_app() {
  Asm a;
  const std::size_t accept = a.label(), reject = a.label(), loop = a.label();
  a.op(Opcode::from_turn).push(1).op(Opcode::add).op(Opcode::to_turn).op(Opcode::eq).op(Opcode::iszero);
  a.push(84).op(Opcode::jumpi);
  a.op(Opcode::from_data_size).push(8).op(Opcode::eq).op(Opcode::iszero).push(84).op(Opcode::jumpi);
  a.op(Opcode::to_data_size).push(8).op(Opcode::eq).op(Opcode::iszero).push(84).op(Opcode::jumpi);
  a.push(0).push(8).push(0).op(Opcode::from_data_copy).push(0).push(8).push(8).op(Opcode::to_data_copy);
  a.push(0).op(Opcode::mload).push(1).op(Opcode::add).push(8).op(Opcode::mload).op(Opcode::eq);
  a.op(Opcode::iszero).push(84).op(Opcode::jumpi);
  a.push(0);
  a.bind(loop).dup(0).op(Opcode::participants).op(Opcode::lt).op(Opcode::iszero);
  a.push(82).op(Opcode::jumpi);
  a.dup(0).op(Opcode::from_outcome).dup(1).op(Opcode::to_outcome).op(Opcode::eq).op(Opcode::iszero);
  a.push(84).op(Opcode::jumpi).push(1).op(Opcode::add).push(56).op(Opcode::jump);
  a.bind(accept).op(Opcode::accept);
  a.bind(reject).op(Opcode::reject);
  return a.finish();
}

// [i, acc]: acc = (acc * 31 + i) mod 1000003 xor (i << 3), i from 2000 down to 1; stores acc.
Bytes loop_program() {
  Asm a;
  const std::size_t loop = a.label(), done = a.label();
  a.push(2000).push(7);
  a.bind(loop);
  a.push(31).op(Opcode::mul).dup(1).op(Opcode::add).push(1000003).op(Opcode::mod);
  a.dup(1).push(3).op(Opcode::shl).op(Opcode::bit_xor);                 // [i, acc']
  a.swap(0).push(1).op(Opcode::sub).swap(0);                            // [i - 1, acc']
  a.dup(1).op(Opcode::iszero).push_label(done).op(Opcode::jumpi);
  a.push_label(loop).op(Opcode::jump);
  a.bind(done).push(0).op(Opcode::sstore).op(Opcode::pop).op(Opcode::accept);
  return a.finish();
}

// 200 times: SHA256(mem[0..64)) into mem[0..32), and mem[64..72) += 1; stores the first word.
Bytes sha256_program() {
  Asm a;
  const std::size_t loop = a.label(), done = a.label();
  a.push(200);
  a.bind(loop);
  a.push(0).push(64).push(0).op(Opcode::sha256);
  a.push(64).op(Opcode::mload).push(1).op(Opcode::add).push(64).op(Opcode::mstore);
  a.push(1).op(Opcode::sub).dup(0).op(Opcode::iszero).push_label(done).op(Opcode::jumpi);
  a.push_label(loop).op(Opcode::jump);
  a.bind(done).push(0).op(Opcode::mload).push(0).op(Opcode::sstore).op(Opcode::accept);
  return a.finish();
}

// 1000 calls of f(x) = (x * 3 + 1) and 0xffffff from a counted loop; stores x.
Bytes call_program() {
  Asm a;
  const std::size_t loop = a.label(), done = a.label(), f = a.label();
  a.push(1000).push(1);  // [n, x]
  a.bind(loop);
  a.push_label(f).op(Opcode::call);                                     // [n, f(x)]
  a.swap(0).push(1).op(Opcode::sub).swap(0);                            // [n - 1, f(x)]
  a.dup(1).op(Opcode::iszero).push_label(done).op(Opcode::jumpi);
  a.push_label(loop).op(Opcode::jump);
  a.bind(done).push(0).op(Opcode::sstore).op(Opcode::pop).op(Opcode::accept);
  a.bind(f).push(3).op(Opcode::mul).push(1).op(Opcode::add).push(0xffffff).op(Opcode::bit_and).op(Opcode::ret);
  return a.finish();
}

struct Move {
  state_channel::FixedPart fixed;
  state_channel::VariablePart from;
  state_channel::VariablePart to;
  vm::MoveContext context() const { return {fixed, from, to, state_channel::mover_index(fixed, to.turn)}; }
};

Bytes counter_bytes(u64 counter) {
  Bytes out;
  l2::put_u64_be(out, counter);
  return out;
}

// The accepted counter move of tests/unit/channel_vm_test.cpp: turn 4 -> 5, counter 41 -> 42.
const Move& move() {
  static const Move m = [] {
    Move made{};
    made.fixed.chain_id = 1;
    made.fixed.participants = {Hash32{0xa1}, Hash32{0xb2}};
    made.fixed.challenge_duration = 100;
    made.from = {4, counter_bytes(41), {600, 400}, false};
    made.to = {5, counter_bytes(42), {600, 400}, false};
    return made;
  }();
  return m;
}

// The reference's run, counting steps: the same loop over the reference's decode, stack checks,
// memory_need, instruction_cost and execute.
u64 count_steps(const vm::ValidatedCode& program, const vm::MoveContext& context, u64 gas, const vm::VmLimits& limits,
                vm::Outcome& outcome) {
  const std::span<const u8> code = program.code();
  vm::Machine machine;
  machine.gas_left = gas;
  for (u64 steps = 1;; ++steps) {
    if (machine.pc >= code.size()) return 0;
    const vm::Instruction instruction = vm::decode(code, machine.pc);
    if (machine.stack.size() < vm::stack_needed(instruction)) return 0;
    if (machine.stack.size() + vm::stack_growth(instruction) > limits.max_stack_items) return 0;
    const vm::MemoryNeed need = vm::memory_need(instruction, machine, limits.max_memory_bytes);
    if (!need.fits) return 0;
    const u64 cost = vm::instruction_cost(instruction, need, machine.memory.size());
    if (cost > machine.gas_left) return 0;
    machine.gas_left -= cost;
    if (vm::words_of(need.end) * vm::memory_word_bytes > machine.memory.size())
      machine.memory.resize(vm::words_of(need.end) * vm::memory_word_bytes, 0);
    const vm::Step step = vm::execute(instruction, machine, program, context, limits);
    if (step.fault != l2::ChannelVmError::none) return 0;
    if (step.halt) {
      outcome = vm::Outcome{*step.halt, gas - machine.gas_left, machine.storage};
      return steps;
    }
  }
}

// A's reveal of rock against B's scissors, in round 0 of 2 of a game staking 10 on fundings of 100
// each: from phase reveal_a (turn 3, outcome 90 / 110 after B's reveal) to round 1 (turn 4).
const Move& game_move() {
  namespace game = l2::ref::game_channel;
  static const Move m = [] {
    Move made{};
    made.fixed.chain_id = 1;
    made.fixed.participants = {Hash32{0xa1}, Hash32{0xb2}};
    made.fixed.challenge_duration = 100;
    const Hash32 game_id{0x9a};
    const Hash32 salt_a{0x5a}, salt_b{0x5b};
    game::GameState g{};
    g.rounds = 2;
    g.stake = 10;
    g.game_id = game_id;
    g.commitments[game::player_a] = game::commitment(game_id, 0, game::player_a, game::rock, salt_a);
    g.commitments[game::player_b] = game::commitment(game_id, 0, game::player_b, game::scissors, salt_b);
    g.moves[game::player_b] = game::scissors;
    g.salts[game::player_b] = salt_b;
    g.phase = game::phase_reveal_a;
    made.from = {3, game::encode_game(g), {90, 110}, false};
    const game::Next next = game::next_state(g, {90, 110}, game::Chosen{{}, game::rock, salt_a});
    made.to = {4, game::encode_game(next.game), {next.outcome[0], next.outcome[1]}, false};
    return made;
  }();
  return m;
}

// A swap of 10^6 A for B with min_out at the quote, by participant 1 at turn 7 of a two-party DEX
// channel (fee 30 bps, lot_b 10) whose pool holds 10^9 A and 2 * 10^9 B and whose book rests four
// orders: the DEX's bytecode (dex_channel.md#the-bytecode) judging it. Every state is made by the
// native make_move, so the move is valid natively; the mix checks that both interpreters accept it.
const Move& amm_swap_move() {
  namespace dx = l2::ref::dex_channel;
  static const Move m = [] {
    Move made{};
    made.fixed.chain_id = 1;
    made.fixed.participants = {Hash32{0xa1}, Hash32{0xb2}};
    made.fixed.challenge_duration = 100;
    made.fixed.app_definition = dx::dex_vm_app_definition();
    constexpr u64 funds = 1'000'000'000'000;
    l2::ref::state_channel::VariablePart state = dx::opening_state(30, 10, {{funds, funds, 0}, {funds, funds, 0}});
    const auto apply = [&](const dx::DexAction& action) {
      const auto next = dx::make_move(made.fixed, state, action);
      if (!next.ok()) throw std::logic_error("the DEX channel of the mix refuses a move");
      state = next.value();
    };
    dx::DexAction add{};
    add.add_liquidity = dx::AddLiquidity{1'000'000'000, 2'000'000'000, 0};
    apply(add);  // turn 1, participant 1 creates the pool
    for (const auto& [side, price] : {std::pair{dx::OrderSide::buy, u64{18}}, std::pair{dx::OrderSide::sell, u64{22}},
                                      std::pair{dx::OrderSide::buy, u64{17}}, std::pair{dx::OrderSide::sell, u64{23}}}) {
      dx::DexAction place{};
      place.place_order = dx::PlaceOrder{side, price, 5};
      apply(place);  // turns 2 to 5
    }
    apply(dx::DexAction{});  // turn 6, a pass
    made.from = state;
    const u64 quote = dx::get_amount_out(1'000'000, 1'000'000'000, 2'000'000'000, 30);
    dx::DexAction swap{};
    swap.swap_exact_in = dx::SwapExactIn{dx::SwapDirection::a_to_b, 1'000'000, quote, made.from.turn + 1};
    apply(swap);  // turn 7, participant 1
    made.to = state;
    return made;
  }();
  return m;
}

struct Prepared {
  std::string name;
  const Move* move = nullptr;
  vm::ValidatedCode reference;
  opt::Program optimized;
  u64 steps = 0;
};

// The mix, validated once; empty (and a reported error) if a program does not accept.
const std::vector<Prepared>& mix(std::string& error) {
  static std::string failure;
  static const std::vector<Prepared> programs = [] {
    std::vector<Prepared> out;
    struct Source {
      const char* name;
      Bytes code;
      const Move* move;
    };
    const std::array<Source, 6> sources = {{{"counter", counter_app(), &move()},
                                            {"loop", loop_program(), &move()},
                                            {"sha256", sha256_program(), &move()},
                                            {"call", call_program(), &move()},
                                            {"game", l2::ref::game_channel::game_program(), &game_move()},
                                            {"amm_swap", l2::ref::dex_channel::dex_program(), &amm_swap_move()}}};
    if (l2::ref::game_channel::check_game_move(game_move().from, game_move().to) != l2::GameChannelError::none) {
      failure = "the game move is not valid natively";
      return std::vector<Prepared>{};
    }
    for (const auto& [name, code, context_move] : sources) {
      const auto reference = vm::validate_code(code, vm::default_limits);
      const auto optimized = opt::validate(code, vm::default_limits);
      if (!reference.ok() || !optimized.ok()) {
        failure = std::string(name) + " does not validate";
        return std::vector<Prepared>{};
      }
      vm::Outcome counted{};
      const u64 steps = count_steps(*reference, context_move->context(), gas_limit, vm::default_limits, counted);
      const auto expected = vm::run(*reference, context_move->context(), gas_limit, vm::default_limits);
      const auto got = opt::run(*optimized, context_move->context(), gas_limit, vm::default_limits);
      if (steps == 0 || !expected.ok() || expected->halt != vm::Halt::accept || !l2::reflect::equal(counted, *expected) ||
          !got.ok() || !l2::reflect::equal(*got, *expected)) {
        failure = std::string(name) + " does not accept alike on both interpreters";
        return std::vector<Prepared>{};
      }
      out.push_back(Prepared{name, context_move, *reference, *optimized, steps});
    }
    return out;
  }();
  error = failure;
  return programs;
}

enum class Backend { reference, optimized };

bool run_once(const Prepared& p, Backend backend) {
  const auto result = backend == Backend::reference
                          ? vm::run(p.reference, p.move->context(), gas_limit, vm::default_limits)
                          : opt::run(p.optimized, p.move->context(), gas_limit, vm::default_limits);
  benchmark::DoNotOptimize(result);
  return result.ok();
}

void BM_channel_vm_execute(benchmark::State& state, Backend backend) {
  std::string error;
  const std::vector<Prepared>& programs = mix(error);
  if (programs.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  u64 steps = 0;
  for (const Prepared& p : programs) steps += p.steps;
  for (auto _ : state) {
    for (const Prepared& p : programs) {
      if (!run_once(p, backend)) {
        state.SkipWithError("a program of the mix faulted");
        return;
      }
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * steps));
  state.counters["instructions_per_run"] = static_cast<double>(steps);
}

void BM_channel_vm_program(benchmark::State& state, std::size_t index, Backend backend) {
  std::string error;
  const std::vector<Prepared>& programs = mix(error);
  if (programs.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  const Prepared& p = programs[index];
  for (auto _ : state) {
    if (!run_once(p, backend)) {
      state.SkipWithError("the program faulted");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.steps));
  state.counters["instructions_per_run"] = static_cast<double>(p.steps);
}

}  // namespace

BENCHMARK_CAPTURE(BM_channel_vm_execute, reference, Backend::reference)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_vm_execute, optimized, Backend::optimized)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_vm_program, counter/reference, 0, Backend::reference)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_vm_program, counter/optimized, 0, Backend::optimized)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_vm_program, loop/reference, 1, Backend::reference)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_vm_program, loop/optimized, 1, Backend::optimized)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_vm_program, sha256/reference, 2, Backend::reference)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_vm_program, sha256/optimized, 2, Backend::optimized)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_vm_program, call/reference, 3, Backend::reference)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_vm_program, call/optimized, 3, Backend::optimized)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_vm_program, game/reference, 4, Backend::reference)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_vm_program, game/optimized, 4, Backend::optimized)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_vm_program, amm_swap/reference, 5, Backend::reference)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_channel_vm_program, amm_swap/optimized, 5, Backend::optimized)->Unit(benchmark::kMicrosecond);
