// l2/ref/reflect.hpp in constant evaluation: encode, decode (errors and field paths included),
// equal, the visitors and the concepts. This file compiling is the test passing. Expected bytes
// are written by hand from spec/encoding.md.
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/test/reflect_test_types.hpp"

namespace {

using l2::Bytes;
using l2::u8;
using l2::u16;
using l2::u32;
using l2::u64;
using l2::reflect::DecodeError;
using l2::reflect::DecodeErrorCode;
using namespace l2::test::reflect_types;
namespace reflect = l2::reflect;

// ---- Which types are Encodable.
enum Unscoped : u8 {};
enum class SignedEnum : int {};
struct NotReflected {
  u8 value;
};
struct WithSignedField {
  BOOST_HANA_DEFINE_STRUCT(WithSignedField, (int, value));
};
struct WithNestedBadField {
  BOOST_HANA_DEFINE_STRUCT(WithNestedBadField, (std::vector<WithSignedField>, items));
};

static_assert(reflect::Encodable<u8> && reflect::Encodable<u16> && reflect::Encodable<u32> && reflect::Encodable<u64>);
static_assert(reflect::Encodable<Everything> && reflect::Encodable<Channel> && reflect::Encodable<Instruction>);
static_assert(reflect::Encodable<std::vector<std::array<Balance, 2>>>);
static_assert(!reflect::Encodable<int> && !reflect::Encodable<double> && !reflect::Encodable<char>);
static_assert(!reflect::Encodable<char8_t> && !reflect::Encodable<char16_t> && !reflect::Encodable<bool const*>);
static_assert(!reflect::Encodable<Unscoped> && !reflect::Encodable<SignedEnum>);
static_assert(!reflect::Encodable<NotReflected> && !reflect::Encodable<WithSignedField>);
static_assert(!reflect::Encodable<WithNestedBadField>);
static_assert(!reflect::Encodable<std::optional<std::optional<u8>>>);  // JSON null would be ambiguous
static_assert(!reflect::Encodable<std::vector<std::array<u8, 0>>>);    // count not boundable by input size
static_assert(!reflect::Encodable<std::vector<std::array<u32, 0>>>);

static_assert(reflect::FixedBytes<l2::Hash32> && !reflect::FixedList<l2::Hash32>);
static_assert(reflect::ByteString<Bytes> && !reflect::DynamicList<Bytes>);
static_assert(reflect::FixedList<std::array<u16, 2>> && reflect::DynamicList<std::vector<Balance>>);

static_assert(reflect::min_encoded_size<Balance> == 4 + 8);
static_assert(reflect::min_encoded_size<Step> == 2 + 1 + 1 + 4 + 1);
static_assert(reflect::min_encoded_size<Channel> == 8 + 1 + 32 + 4 + 4 + 1 + 2);
static_assert(reflect::min_encoded_size<std::array<Balance, 3>> == 36);

// ---- Visitors and enum traits.
static_assert(reflect::field_count<Step> == 5);
static_assert(reflect::field_names<Channel>()[0] == "id" && reflect::field_names<Channel>()[6] == "signed_by");
static_assert(reflect::EnumTraits<Phase>::count == 3 && reflect::EnumTraits<Phase>::names[2] == "closed");
static_assert(reflect::EnumWithNames<Phase> && reflect::EnumWithRange<Opcode> && !reflect::EnumWithNames<Opcode>);
static_assert(!reflect::EnumWithRange<RawTag>);
static_assert(reflect::enum_name(Phase::closing) == "closing" && reflect::enum_name(static_cast<Phase>(3)).empty());
static_assert(reflect::enum_from_name<Phase>("open") == Phase::open && !reflect::enum_from_name<Phase>("opened"));

constexpr u64 sum_of_integer_fields(const Balance& balance) {
  u64 total = 0;
  reflect::for_each_field(balance, [&](std::string_view, const auto& member) { total += member; });
  return total;
}
static_assert(sum_of_integer_fields(Balance{40, 2}) == 42);

constexpr bool field_path_grows_outwards() {
  reflect::FieldPath path;
  path.prepend_field("amount");
  path.prepend_index(12);
  path.prepend_field("balances");
  path.prepend_index(0);
  path.prepend_field("steps");
  return path == "steps[0].balances[12].amount";
}
static_assert(field_path_grows_outwards());

// ---- Encoding, checked against bytes written from the spec rules.
constexpr Channel sample_channel() {
  Channel channel;
  channel.id = 0x0102030405060708;
  channel.phase = Phase::closed;
  channel.root = l2::from_hex<32>("1111111111111111111111111111111111111111111111111111111111111111");
  channel.memo = {0xff};
  channel.balances = {Balance{1, 2}};
  channel.timeout = 0x0a0b0c0d;
  channel.signed_by = {true, false};
  return channel;
}

constexpr Bytes sample_channel_wire() {
  return l2::bytes_from_hex(
      "0102030405060708"                                                  // id
      "02"                                                                // phase closed
      "1111111111111111111111111111111111111111111111111111111111111111"  // root, 32 raw bytes
      "00000001" "ff"                                                     // memo
      "00000001" "00000001" "0000000000000002"                            // balances
      "01" "0a0b0c0d"                                                     // timeout present
      "01" "00");                                                         // signed_by {true, false}
}

static_assert(reflect::encode(sample_channel()) == sample_channel_wire());
static_assert(reflect::encode(u64{1}) == l2::bytes_from_hex("0000000000000001"));
static_assert(reflect::encode(std::optional<u16>{0x0102}) == l2::bytes_from_hex("010102"));

// ---- Decoding.
static_assert(sample_channel_wire().size() == 69);
static_assert(reflect::decode<Channel>(sample_channel_wire()).ok());
static_assert(reflect::equal(reflect::decode<Channel>(sample_channel_wire()).value(), sample_channel()));
static_assert(reflect::decode<Balance>(l2::bytes_from_hex("000000070000000000000009")).value().amount == 9);

constexpr DecodeError channel_error(const Bytes& wire) { return reflect::decode<Channel>(wire).error(); }

constexpr Bytes channel_prefix(std::size_t length) {
  const Bytes wire = sample_channel_wire();
  return Bytes(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(length));
}

constexpr Bytes channel_with_byte(std::size_t offset, u8 value) {
  Bytes wire = sample_channel_wire();
  wire[offset] = value;
  return wire;
}

constexpr Bytes channel_with_trailing_byte() {
  Bytes wire = sample_channel_wire();
  wire.push_back(0);
  return wire;
}

static_assert(channel_error(channel_prefix(0)) == DecodeError{DecodeErrorCode::truncated, reflect::FieldPath("id"), 0});
static_assert(channel_error(channel_prefix(20)) == DecodeError{DecodeErrorCode::truncated, reflect::FieldPath("root"), 9});
static_assert(channel_error(channel_prefix(45)) ==
              DecodeError{DecodeErrorCode::length_too_large, reflect::FieldPath("memo"), 41});
static_assert(channel_error(channel_prefix(60)) ==
              DecodeError{DecodeErrorCode::length_too_large, reflect::FieldPath("balances"), 46});
static_assert(channel_error(channel_prefix(63)) ==
              DecodeError{DecodeErrorCode::truncated, reflect::FieldPath("timeout"), 63});
static_assert(channel_error(channel_prefix(68)) ==
              DecodeError{DecodeErrorCode::truncated, reflect::FieldPath("signed_by[1]"), 68});
static_assert(channel_error(channel_with_trailing_byte()) ==
              DecodeError{DecodeErrorCode::trailing_bytes, reflect::FieldPath(), 69});
static_assert(channel_error(channel_with_byte(8, 0x03)) ==
              DecodeError{DecodeErrorCode::invalid_enum, reflect::FieldPath("phase"), 8});
static_assert(channel_error(channel_with_byte(62, 0x02)) ==
              DecodeError{DecodeErrorCode::invalid_optional_tag, reflect::FieldPath("timeout"), 62});
static_assert(channel_error(channel_with_byte(68, 0x02)) ==
              DecodeError{DecodeErrorCode::invalid_bool, reflect::FieldPath("signed_by[1]"), 68});
static_assert(channel_error(channel_with_byte(47, 0xff)) ==  // balances count 0x00ff0001
              DecodeError{DecodeErrorCode::length_too_large, reflect::FieldPath("balances"), 46});

// ---- Equality.
constexpr bool equal_sees_each_field() {
  const Channel base = sample_channel();
  Channel changed[7] = {base, base, base, base, base, base, base};
  changed[0].id += 1;
  changed[1].phase = Phase::open;
  changed[2].root[31] = 0;
  changed[3].memo.clear();
  changed[4].balances[0].amount = 3;
  changed[5].timeout.reset();
  changed[6].signed_by[1] = true;
  for (const Channel& other : changed)
    if (reflect::equal(base, other) || reflect::equal(other, base)) return false;
  return reflect::equal(base, sample_channel());
}
static_assert(equal_sees_each_field());

}  // namespace

TEST(ReflectStatic, Compiled) { SUCCEED() << "the static_assert suite compiled, so it passed"; }
