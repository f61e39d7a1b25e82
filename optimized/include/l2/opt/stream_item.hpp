// One input of an optimized engine's stream: an operation of a reference operations table, its
// reference input struct and the L1 height it is included at. Built only through `of<Op>`, so the
// operation always matches the input's type.
#pragma once

#include <utility>

#include "l2/ref/bytes.hpp"

namespace l2::opt {

template <class OperationTable>
class StreamItem {
 public:
  using Operations = OperationTable;
  using Code = typename Operations::Code;
  using Input = typename Operations::InputVariant;

  template <class Op>
  static StreamItem of(const typename Op::Input& input, u64 height) {
    return StreamItem(Operations::template code_of<Op>(), height, input);
  }

  Code op() const { return op_; }
  u64 height() const { return height_; }
  // The op's reference input struct (Op::Input of the op the code names).
  const Input& input() const { return input_; }

 private:
  StreamItem(Code op, u64 height, Input input) : op_(op), height_(height), input_(std::move(input)) {}

  Code op_;
  u64 height_;
  Input input_;
};

}  // namespace l2::opt
