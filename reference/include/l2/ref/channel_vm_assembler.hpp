// The one assembler of channel VM bytecode: the applications' programs (game_channel.hpp), the
// vectors, the tests and the benchmarks all write their programs with it. Each method appends one
// instruction; a label is a JUMPDEST whose position a PUSH2 names before the label is placed, and
// finish() patches those PUSH2s. It knows nothing the VM checks: it writes whatever it is told,
// invalid programs included, so that the vectors can write them too.
// spec: channel_vm.md#instructions
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_vm.hpp"
#include "l2/ref/verify_check.hpp"

namespace l2::ref::channel_vm {

// The methods return Self&, so that a program that adds its own shorthands (a vector's "store
// this value + 1000") still chains: struct Mine : BasicAssembler<Mine> { ... }.
template <class Self>
class BasicAssembler {
 public:
  using Label = std::size_t;

  // The target a PUSH2 of a label never placed reads: past any program, so a jump to it faults.
  static constexpr u64 unplaced = 0xffff;

  Bytes code;

  constexpr Self& op(Opcode o) { return raw(static_cast<u8>(o)); }
  constexpr Self& raw(u8 byte) {
    code.push_back(byte);
    return self();
  }
  constexpr Self& accept() { return op(Opcode::accept); }
  constexpr Self& reject() { return op(Opcode::reject); }

  // PUSHk of `value` in k big-endian bytes. Contract: value < 2^(8k).
  constexpr Self& push1(u64 value) { return push_bytes(Opcode::push1, value, 1); }
  constexpr Self& push2(u64 value) { return push_bytes(Opcode::push2, value, 2); }
  constexpr Self& push4(u64 value) { return push_bytes(Opcode::push4, value, 4); }
  constexpr Self& push8(u64 value) { return push_bytes(Opcode::push8, value, 8); }
  // The shortest PUSH of `value`.
  constexpr Self& push(u64 value) {
    if (value < (u64{1} << 8)) return push1(value);
    if (value < (u64{1} << 16)) return push2(value);
    if (value < (u64{1} << 32)) return push4(value);
    return push8(value);
  }
  constexpr Self& dup(u8 depth) { return op(Opcode::dup).raw(depth); }
  constexpr Self& swap(u8 depth) { return op(Opcode::swap).raw(depth); }
  // value -> ; storage[key] = value
  constexpr Self& store(u64 key) { return push(key).op(Opcode::sstore); }

  // A new label, not yet placed.
  constexpr Label label() {
    placed_at_.push_back(unplaced);
    return placed_at_.size() - 1;
  }
  // A JUMPDEST here, the label's target. Contract: the label is placed once.
  constexpr Self& bind(Label label) {
    L2_VERIFY_CHECK(placed_at_[label] == unplaced);
    placed_at_[label] = code.size();
    return op(Opcode::jumpdest);
  }
  // PUSH2 of the label's position, patched by finish().
  constexpr Self& push_label(Label label) {
    op(Opcode::push2);
    uses_.emplace_back(code.size(), label);
    return raw(0).raw(0);
  }
  constexpr Self& jump(Label label) { return push_label(label).op(Opcode::jump); }
  // cond -> ; jumps to the label when cond != 0
  constexpr Self& jump_if(Label label) { return push_label(label).op(Opcode::jumpi); }
  constexpr Self& call(Label label) { return push_label(label).op(Opcode::call); }

  constexpr u64 here() const { return code.size(); }
  // Where the label was placed, or unplaced.
  constexpr u64 position(Label label) const { return placed_at_[label]; }

  // The code, with every PUSH2 of a label patched to its position (unplaced when never placed).
  // Contract: the code is below 64 KiB wherever a label is used (a PUSH2 holds the position).
  constexpr Bytes finish() const {
    Bytes out = code;
    for (const auto& [at, label] : uses_) {
      const u64 target = placed_at_[label];
      L2_VERIFY_CHECK(target <= unplaced);
      out[at] = static_cast<u8>(target >> 8);
      out[at + 1] = static_cast<u8>(target);
    }
    return out;
  }

 private:
  constexpr Self& self() { return static_cast<Self&>(*this); }
  constexpr Self& push_bytes(Opcode o, u64 value, u64 bytes) {
    L2_VERIFY_CHECK(bytes == 8 || value < (u64{1} << (8 * bytes)));
    op(o);
    for (u64 i = bytes; i-- > 0;) raw(static_cast<u8>(value >> (8 * i)));
    return self();
  }

  std::vector<u64> placed_at_;                       // by label
  std::vector<std::pair<u64, Label>> uses_;          // (position of a PUSH2 immediate, its label)
};

struct Assembler : BasicAssembler<Assembler> {};

}  // namespace l2::ref::channel_vm
