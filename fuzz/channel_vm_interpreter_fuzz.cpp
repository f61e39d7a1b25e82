// The channel VM: the reference (l2::ref::channel_vm::validate_code, run) and the optimized
// interpreter (l2::opt::channel_vm::validate, run in each of its dispatch modes) must return the same
// validation error, or the same run result: the same halt, gas_used and storage, or the same fault.
// Aborts on any disagreement.
// Input: a 16-byte header, then the code.
//   byte 0:      the limits: bits 0-1 pick max_stack_items (1, 4, 1024, 65536), bits 2-3
//                max_memory_bytes (0, 64, 1024, 131072), bits 4-5 max_call_depth (0, 2, 1024, 65536),
//                bits 6-7 max_storage_slots (0, 2, 1024, 65536); max_code_bytes stays the default;
//   bytes 1-3:   the gas limit, big-endian, its low 20 bits (so that a run stays short);
//   byte 4:      bits 0-2 the participant count (0-7), bit 3 from.is_final, bit 4 to.is_final;
//   byte 5:      the outcome lengths: bits 0-3 from's, bits 4-7 to's (0-15);
//   bytes 6-7:   from.turn and to.turn (one byte each; 255 means 2^64 - 1), and the mover is
//                to.turn mod the participant count (or to.turn if there are none);
//   bytes 8-9:   the app_data lengths of from and to (0-255 each), filled from the header's bytes
//                10-15 repeated;
//   bytes 10-15: the outcome amounts: amount k of either outcome is bytes 10-15 read cyclically
//                from k, times 2^56 when bit 7 of byte 4 is set (so that sums can overflow).
// A run that halts is also re-run at exactly its gas_used and at one less, which exercise the
// interpreter's block-wise gas accounting at its edge.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "l2/opt/channel_vm.hpp"
#include "l2/ref/channel_vm.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/state_channel.hpp"

namespace {

namespace vm = l2::ref::channel_vm;
namespace opt = l2::opt::channel_vm;
using l2::u64;
using l2::u8;

bool same(const l2::Result<vm::Outcome, l2::ChannelVmError>& a, const l2::Result<vm::Outcome, l2::ChannelVmError>& b) {
  if (a.ok() != b.ok()) return false;
  if (!a.ok()) return a.error() == b.error();
  return l2::reflect::equal(*a, *b);
}

void check_run(const vm::ValidatedCode& reference, const opt::Program& optimized, const vm::MoveContext& context,
               u64 gas, const vm::VmLimits& limits, l2::Result<vm::Outcome, l2::ChannelVmError>* expected_out) {
  const auto expected = vm::run(reference, context, gas, limits);
  for (const opt::Dispatch d : {opt::Dispatch::best, opt::Dispatch::switch_loop, opt::Dispatch::checked})
    if (!same(expected, opt::run(optimized, context, gas, limits, d))) std::abort();
  if (expected_out != nullptr) *expected_out = expected;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t header = 16;
  if (size < header) return 0;
  const std::span<const u8> code(data + header, size - header);

  vm::VmLimits limits = vm::default_limits;
  const u64 stacks[] = {1, 4, 1024, 65536}, memories[] = {0, 64, 1024, 131072}, calls[] = {0, 2, 1024, 65536},
            slots[] = {0, 2, 1024, 65536};
  limits.max_stack_items = stacks[data[0] & 3];
  limits.max_memory_bytes = memories[(data[0] >> 2) & 3];
  limits.max_call_depth = calls[(data[0] >> 4) & 3];
  limits.max_storage_slots = slots[(data[0] >> 6) & 3];
  const u64 gas = ((u64{data[1]} << 16) | (u64{data[2]} << 8) | data[3]) & 0xfffff;

  l2::ref::state_channel::FixedPart fixed{};
  for (u64 i = 0; i < (data[4] & 7u); ++i) fixed.participants.push_back(l2::Hash32{static_cast<u8>(i + 1)});
  l2::ref::state_channel::VariablePart from{}, to{};
  from.is_final = (data[4] & 8) != 0;
  to.is_final = (data[4] & 16) != 0;
  const u64 scale = (data[4] & 128) != 0 ? u64{1} << 56 : 1;
  const auto amount = [&](u64 k) { return u64{data[10 + k % 6]} * scale; };
  for (u64 k = 0; k < (data[5] & 15u); ++k) from.outcome.push_back(amount(k));
  for (u64 k = 0; k < (data[5] >> 4); ++k) to.outcome.push_back(amount(k + 3));
  from.turn = data[6] == 255 ? l2::u64_max : data[6];
  to.turn = data[7] == 255 ? l2::u64_max : data[7];
  for (u64 k = 0; k < data[8]; ++k) from.app_data.push_back(data[10 + k % 6]);
  for (u64 k = 0; k < data[9]; ++k) to.app_data.push_back(static_cast<u8>(data[10 + k % 6] ^ k));
  const u64 mover = fixed.participants.empty() ? to.turn : to.turn % fixed.participants.size();
  const vm::MoveContext context{fixed, from, to, mover};

  const auto reference = vm::validate_code(code, limits);
  const auto optimized = opt::validate(code, limits);
  if (reference.ok() != optimized.ok()) std::abort();
  if (!reference.ok()) {
    if (reference.error() != optimized.error()) std::abort();
    return 0;
  }
  for (u64 pc = 0; pc <= code.size(); ++pc)
    if (reference->is_jumpdest(pc) != optimized->is_jumpdest(pc)) std::abort();

  l2::Result<vm::Outcome, l2::ChannelVmError> expected = l2::ChannelVmError::none;
  check_run(*reference, *optimized, context, gas, limits, &expected);
  if (expected.ok()) {
    const u64 used = expected->gas_used;
    check_run(*reference, *optimized, context, used, limits, nullptr);
    check_run(*reference, *optimized, context, used - 1, limits, nullptr);
  }
  return 0;
}
