// The Z3 model of the channel VM (spec: channel_vm.md#the-z3-model): one step of the interpreter over
// an abstract machine (pc, gas_left, stack height, memory size, call depth, storage slots), with the
// reference's instruction table, its gas and memory prices in 64-bit bit-vectors, and its checks in
// the reference's order. It proves that every executed step costs at least 1 and at most the gas
// left (so a run takes at most gas_limit steps), that a fault is decided before the machine changes,
// that the memory price never overflows a u64 within VM-LIM-1, and that a step that does not fault
// keeps the stack, memory, call stack and storage within their limits.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"

namespace l2::inv::channel_vm {

// A rule deliberately weakened. Never used outside tests and `l2spec prove --weaken`.
enum class Weakening {
  none,
  gas_free_instruction,     // JUMPDEST costs 0 gas instead of 1
  unchecked_memory_limit,   // VM-RUN-4 dropped: any memory range is accepted
  unchecked_stack_limit,    // VM-RUN-3 dropped
  unchecked_call_depth,     // VM-RUN-9 dropped
  unchecked_storage_limit,  // VM-RUN-11 dropped
  grow_before_gas_check,    // memory grows to cover the ranges before VM-RUN-5 is checked
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);
inline constexpr std::array<Weakening, 6> all_weakenings = {
    Weakening::gas_free_instruction,  Weakening::unchecked_memory_limit,  Weakening::unchecked_stack_limit,
    Weakening::unchecked_call_depth, Weakening::unchecked_storage_limit, Weakening::grow_before_gas_check};

std::vector<Obligation> obligations(Weakening weakening = Weakening::none);

ModelEntry registry_entry();

}  // namespace l2::inv::channel_vm
