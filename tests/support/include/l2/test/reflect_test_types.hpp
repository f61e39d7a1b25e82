// Structs that exercise every field kind of l2/ref/reflect.hpp, shared by the reflection tests.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/reflect.hpp"

namespace l2::test::reflect_types {

// Named enum: range 0..2 and JSON names.
enum class Phase : u8 { open, closing, closed };
L2_REFLECT_ENUM(Phase, open, closing, closed)

// Range only (EnumTraits specialized below): values 0..2 valid, no names.
enum class Opcode : u16 { noop, transfer, withdraw };

// No traits at all: every u32 is valid.
enum class RawTag : u32 {};

struct Balance {
  BOOST_HANA_DEFINE_STRUCT(Balance,
    (u32, account),
    (u64, amount));
};

struct Step {
  BOOST_HANA_DEFINE_STRUCT(Step,
    (u16, height),
    (bool, cooperative),
    (Phase, phase),
    (std::vector<Balance>, balances),
    (std::optional<u64>, fee));
};

// One field of every kind, nested structs and lists of structs included.
struct Everything {
  BOOST_HANA_DEFINE_STRUCT(Everything,
    (u8, version),
    (u16, flags),
    (u32, nonce),
    (u64, amount),
    (bool, final),
    (Phase, phase),
    (ByteArray<4>, tag),
    (Bytes, payload),
    (std::string, memo),
    (std::vector<u32>, ids),
    (std::array<u16, 2>, pair),
    (std::optional<u64>, limit),
    (std::optional<Balance>, backup),
    (Balance, owner),
    (std::vector<Step>, steps));
};

// No std::string anywhere, so it is constexpr under clang 14 too.
struct Channel {
  BOOST_HANA_DEFINE_STRUCT(Channel,
    (u64, id),
    (Phase, phase),
    (Hash32, root),
    (Bytes, memo),
    (std::vector<Balance>, balances),
    (std::optional<u32>, timeout),
    (std::array<bool, 2>, signed_by));
};

// The enums without names (not JSON-able).
struct Instruction {
  BOOST_HANA_DEFINE_STRUCT(Instruction,
    (Opcode, opcode),
    (RawTag, tag));
};

// The value whose encoding reflect_encoding_test.cpp writes out by hand.
inline Everything sample_everything() {
  Everything value;
  value.version = 1;
  value.flags = 0x0203;
  value.nonce = 0x04050607;
  value.amount = 1;
  value.final = true;
  value.phase = Phase::closing;
  value.tag = {0xde, 0xad, 0xbe, 0xef};
  value.payload = {0xaa, 0xbb};
  value.memo = "hi";
  value.ids = {7, 0x01000000};
  value.pair = {0x0102, 0xffff};
  value.limit = std::nullopt;
  value.backup = Balance{3, 0x10};
  value.owner = Balance{0x0a0b0c0d, 0xffffffffffffffff};
  Step step;
  step.height = 0x0100;
  step.cooperative = false;
  step.phase = Phase::closed;
  step.balances = {Balance{1, 2}};
  step.fee = 5;
  value.steps = {step};
  return value;
}

}  // namespace l2::test::reflect_types

template <>
struct l2::reflect::EnumTraits<l2::test::reflect_types::Opcode> {
  static constexpr std::size_t count = 3;
};
