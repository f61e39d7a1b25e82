// The canonical byte encoding of l2/ref/reflect.hpp against spec/encoding.md. Every expected byte
// string below is derived by hand from the spec's rules, not produced by the encoder.

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/reflect_test_types.hpp"

// Records the largest single heap request, so a test can show that a hostile length prefix is
// rejected before anything proportional to it is allocated.
namespace {
std::atomic<std::size_t> largest_allocation{0};
}

void* operator new(std::size_t size) {
  std::size_t seen = largest_allocation.load(std::memory_order_relaxed);
  while (size > seen && !largest_allocation.compare_exchange_weak(seen, size, std::memory_order_relaxed)) {
  }
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
// The pair above allocates with malloc, so free is the matching release; g++ cannot see the pairing.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace l2::test {
namespace {

using namespace reflect_types;
using reflect::DecodeError;
using reflect::DecodeErrorCode;

// spec: encoding.md#worked-example, written out field by field.
const Bytes everything_wire = bytes_from_hex(
    "01"                                  // version   u8 1
    "0203"                                // flags     u16 0x0203
    "04050607"                            // nonce     u32 0x04050607
    "0000000000000001"                    // amount    u64 1
    "01"                                  // final     true
    "01"                                  // phase     closing = 1 (u8 underlying)
    "deadbeef"                            // tag       4 raw bytes, no prefix
    "00000002" "aabb"                     // payload   length 2, bytes
    "00000002" "6869"                     // memo      length 2, "hi"
    "00000002" "00000007" "01000000"      // ids       count 2, u32 7, u32 0x01000000
    "0102" "ffff"                         // pair      2 x u16, no prefix
    "00"                                  // limit     absent
    "01" "00000003" "0000000000000010"    // backup    present, Balance{3, 16}
    "0a0b0c0d" "ffffffffffffffff"         // owner     Balance{0x0a0b0c0d, UINT64_MAX}
    "00000001"                            // steps     count 1
    "0100" "00" "02"                      //   height 256, cooperative false, phase closed = 2
    "00000001" "00000001" "0000000000000002"  // balances count 1, Balance{1, 2}
    "01" "0000000000000005");             //   fee present, u64 5

TEST(ReflectEncoding, SampleMatchesTheHandWrittenBytes) {
  ASSERT_EQ(everything_wire.size(), 108u);
  EXPECT_EQ(to_hex(reflect::encode(sample_everything())), to_hex(everything_wire));
}

TEST(ReflectEncoding, IntegersAreFixedWidthBigEndian) {
  EXPECT_EQ(reflect::encode(u8{0xab}), bytes_from_hex("ab"));
  EXPECT_EQ(reflect::encode(u16{0x1234}), bytes_from_hex("1234"));
  EXPECT_EQ(reflect::encode(u32{1}), bytes_from_hex("00000001"));
  EXPECT_EQ(reflect::encode(u64{1}), bytes_from_hex("0000000000000001"));
  EXPECT_EQ(reflect::encode(u64{0x0102030405060708}), bytes_from_hex("0102030405060708"));
  EXPECT_EQ(reflect::encode(~u64{0}), bytes_from_hex("ffffffffffffffff"));
}

TEST(ReflectEncoding, EveryOtherKindAlone) {
  EXPECT_EQ(reflect::encode(false), bytes_from_hex("00"));
  EXPECT_EQ(reflect::encode(true), bytes_from_hex("01"));
  EXPECT_EQ(reflect::encode(Phase::closed), bytes_from_hex("02"));
  EXPECT_EQ(reflect::encode(Opcode::withdraw), bytes_from_hex("0002"));
  EXPECT_EQ(reflect::encode(static_cast<RawTag>(0xfeedface)), bytes_from_hex("feedface"));
  EXPECT_EQ(reflect::encode(Bytes{}), bytes_from_hex("00000000"));
  EXPECT_EQ(reflect::encode(std::string()), bytes_from_hex("00000000"));
  EXPECT_EQ(reflect::encode(std::string("\xc3\xa9")), bytes_from_hex("00000002c3a9"));
  EXPECT_EQ(reflect::encode(std::vector<u16>{}), bytes_from_hex("00000000"));
  EXPECT_EQ(reflect::encode(std::vector<u16>{1, 2}), bytes_from_hex("0000000200010002"));
  EXPECT_EQ(reflect::encode(std::array<u8, 3>{1, 2, 3}), bytes_from_hex("010203"));
  EXPECT_EQ(reflect::encode(std::array<u32, 2>{1, 2}), bytes_from_hex("0000000100000002"));
  EXPECT_EQ(reflect::encode(std::optional<u8>{}), bytes_from_hex("00"));
  EXPECT_EQ(reflect::encode(std::optional<u8>{7}), bytes_from_hex("0107"));
  EXPECT_EQ(reflect::encode(Balance{0x01020304, 5}), bytes_from_hex("010203040000000000000005"));
}

TEST(ReflectEncoding, SampleDecodesBackToTheSameValue) {
  const auto decoded = reflect::decode<Everything>(everything_wire);
  ASSERT_TRUE(decoded.ok()) << reflect::describe(decoded.error());
  L2_EXPECT_FIELDS_EQ(sample_everything(), decoded.value());
}

TEST(ReflectEncoding, RoundTripOfEdgeValues) {
  Everything value = sample_everything();
  value.payload = {};
  value.memo = "";
  value.ids = {};
  value.limit = ~u64{0};
  value.backup = std::nullopt;
  value.steps.push_back(Step{});
  value.steps.push_back(Step{0xffff, true, Phase::open, {Balance{}, Balance{~u32{0}, ~u64{0}}}, std::nullopt});
  const Bytes wire = reflect::encode(value);
  const auto decoded = reflect::decode<Everything>(wire);
  ASSERT_TRUE(decoded.ok()) << reflect::describe(decoded.error());
  L2_EXPECT_FIELDS_EQ(value, decoded.value());
  EXPECT_EQ(reflect::encode(decoded.value()), wire);
}

// What each strict prefix of everything_wire must be rejected with, worked out from the spec: a cut
// inside a fixed-size item is `truncated` at that item's start; a cut after a length prefix whose
// declared length (or count x minimum element size) no longer fits is `length_too_large` at the
// prefix.
struct TruncationCase {
  std::size_t first_prefix_length;
  std::size_t last_prefix_length;
  DecodeErrorCode code;
  std::string_view field;
  std::size_t offset;
};

constexpr DecodeErrorCode truncated = DecodeErrorCode::truncated;
constexpr DecodeErrorCode too_large = DecodeErrorCode::length_too_large;

const std::vector<TruncationCase> truncation_cases = {
    {0, 0, truncated, "version", 0},
    {1, 2, truncated, "flags", 1},
    {3, 6, truncated, "nonce", 3},
    {7, 14, truncated, "amount", 7},
    {15, 15, truncated, "final", 15},
    {16, 16, truncated, "phase", 16},
    {17, 20, truncated, "tag", 17},
    {21, 24, truncated, "payload", 21},
    {25, 26, too_large, "payload", 21},   // length 2, fewer than 2 bytes left
    {27, 30, truncated, "memo", 27},
    {31, 32, too_large, "memo", 27},
    {33, 36, truncated, "ids", 33},
    {37, 44, too_large, "ids", 33},       // count 2 x 4 bytes > what is left
    {45, 46, truncated, "pair[0]", 45},
    {47, 48, truncated, "pair[1]", 47},
    {49, 49, truncated, "limit", 49},
    {50, 50, truncated, "backup", 50},
    {51, 54, truncated, "backup.account", 51},
    {55, 62, truncated, "backup.amount", 55},
    {63, 66, truncated, "owner.account", 63},
    {67, 74, truncated, "owner.amount", 67},
    {75, 78, truncated, "steps", 75},
    {79, 87, too_large, "steps", 75},     // count 1 x minimum Step (2+1+1+4+1 = 9 bytes)
    {88, 98, too_large, "steps[0].balances", 83},  // count 1 x Balance (12 bytes)
    {99, 99, truncated, "steps[0].fee", 99},
    {100, 107, truncated, "steps[0].fee", 100},
};

TEST(ReflectEncoding, TheTruncationTableCoversEveryPrefix) {
  std::size_t next = 0;
  for (const TruncationCase& expected : truncation_cases) {
    EXPECT_EQ(expected.first_prefix_length, next);
    next = expected.last_prefix_length + 1;
  }
  EXPECT_EQ(next, everything_wire.size());
}

TEST(ReflectEncoding, EveryPrefixIsRejectedAtTheRightField) {
  for (const TruncationCase& expected : truncation_cases) {
    for (std::size_t length = expected.first_prefix_length; length <= expected.last_prefix_length; ++length) {
      const auto decoded = reflect::decode<Everything>(std::span<const u8>(everything_wire.data(), length));
      ASSERT_FALSE(decoded.ok()) << "prefix of " << length << " bytes was accepted";
      const DecodeError error = decoded.error();
      EXPECT_EQ(error.code, expected.code) << "prefix of " << length << " bytes: " << reflect::describe(error);
      EXPECT_EQ(error.field, expected.field) << "prefix of " << length << " bytes";
      EXPECT_EQ(error.offset, expected.offset) << "prefix of " << length << " bytes";
    }
  }
}

TEST(ReflectEncoding, AppendedBytesAreTrailing) {
  for (const Bytes& extra : {bytes_from_hex("00"), bytes_from_hex("ffffffff")}) {
    Bytes wire = everything_wire;
    append(wire, extra);
    const auto decoded = reflect::decode<Everything>(wire);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error(), (DecodeError{DecodeErrorCode::trailing_bytes, reflect::FieldPath{}, 108}));
  }
  EXPECT_EQ(reflect::decode<u8>(bytes_from_hex("0102")).error().code, DecodeErrorCode::trailing_bytes);
}

Bytes with_byte(std::size_t offset, u8 value) {
  Bytes wire = everything_wire;
  wire[offset] = value;
  return wire;
}

DecodeError decode_error_of(const Bytes& wire) {
  const auto decoded = reflect::decode<Everything>(wire);
  EXPECT_FALSE(decoded.ok());
  return decoded.error();
}

TEST(ReflectEncoding, BoolBytesOtherThanZeroOrOneAreInvalid) {
  EXPECT_EQ(decode_error_of(with_byte(15, 0x02)), (DecodeError{DecodeErrorCode::invalid_bool, reflect::FieldPath("final"), 15}));
  EXPECT_EQ(decode_error_of(with_byte(15, 0xff)).code, DecodeErrorCode::invalid_bool);
  EXPECT_EQ(decode_error_of(with_byte(81, 0x02)),
            (DecodeError{DecodeErrorCode::invalid_bool, reflect::FieldPath("steps[0].cooperative"), 81}));
  EXPECT_EQ(reflect::decode<bool>(bytes_from_hex("02")).error().code, DecodeErrorCode::invalid_bool);
}

TEST(ReflectEncoding, EnumValuesOutsideTheDeclaredRangeAreInvalid) {
  EXPECT_EQ(decode_error_of(with_byte(16, 0x03)), (DecodeError{DecodeErrorCode::invalid_enum, reflect::FieldPath("phase"), 16}));
  EXPECT_EQ(decode_error_of(with_byte(82, 0xff)),
            (DecodeError{DecodeErrorCode::invalid_enum, reflect::FieldPath("steps[0].phase"), 82}));
  // Range-only traits: 0..2 valid, 3 not.
  EXPECT_TRUE(reflect::decode<Opcode>(bytes_from_hex("0002")).ok());
  EXPECT_EQ(reflect::decode<Opcode>(bytes_from_hex("0003")).error().code, DecodeErrorCode::invalid_enum);
  // No traits: every value of the underlying type is valid.
  const auto raw = reflect::decode<Instruction>(bytes_from_hex("0001" "ffffffff"));
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(static_cast<u32>(raw.value().tag), 0xffffffffu);
}

TEST(ReflectEncoding, OptionalTagsOtherThanZeroOrOneAreInvalid) {
  EXPECT_EQ(decode_error_of(with_byte(49, 0x02)),
            (DecodeError{DecodeErrorCode::invalid_optional_tag, reflect::FieldPath("limit"), 49}));
  EXPECT_EQ(decode_error_of(with_byte(50, 0x80)),
            (DecodeError{DecodeErrorCode::invalid_optional_tag, reflect::FieldPath("backup"), 50}));
  EXPECT_EQ(decode_error_of(with_byte(99, 0xff)),
            (DecodeError{DecodeErrorCode::invalid_optional_tag, reflect::FieldPath("steps[0].fee"), 99}));
}

TEST(ReflectEncoding, FirstErrorInReadingOrderWins) {
  Bytes wire = with_byte(15, 0x07);  // invalid bool at 15 ...
  wire[16] = 0x09;                   // ... before an invalid enum at 16
  EXPECT_EQ(decode_error_of(wire).field, "final");
}

Bytes with_u32(std::size_t offset, u32 value) {
  Bytes wire = everything_wire;
  for (std::size_t i = 0; i < 4; ++i) wire[offset + i] = static_cast<u8>(value >> (24 - 8 * i));
  return wire;
}

TEST(ReflectEncoding, HugeLengthsAreRejectedBeforeAllocating) {
  struct Case {
    std::size_t prefix_offset;
    std::string_view field;
  };
  for (const Case& c : {Case{21, "payload"}, Case{27, "memo"}, Case{33, "ids"}, Case{75, "steps"}, Case{83, "steps[0].balances"}}) {
    for (u32 length : {0xffffffffu, 0x80000000u, 0x00100000u}) {
      const Bytes wire = with_u32(c.prefix_offset, length);
      largest_allocation = 0;
      const auto decoded = reflect::decode<Everything>(wire);
      const std::size_t largest = largest_allocation;
      ASSERT_FALSE(decoded.ok());
      EXPECT_EQ(decoded.error(), (DecodeError{DecodeErrorCode::length_too_large, reflect::FieldPath(c.field), c.prefix_offset}));
      EXPECT_LT(largest, 4096u) << c.field << " with declared length " << length;
    }
  }
}

TEST(ReflectEncoding, ACountThatFitsOnlyAsBytesIsStillTooLarge) {
  // 8 bytes follow a count of 3 u32s: 3 x 4 = 12 > 8, so the count is rejected, not the 3rd element.
  const auto decoded = reflect::decode<std::vector<u32>>(bytes_from_hex("00000003" "0000000100000002"));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error(), (DecodeError{DecodeErrorCode::length_too_large, reflect::FieldPath{}, 0}));
}

TEST(ReflectEncoding, EmptyInputIsTruncatedAtTheFirstField) {
  const auto decoded = reflect::decode<Balance>(std::span<const u8>{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error(), (DecodeError{DecodeErrorCode::truncated, reflect::FieldPath("account"), 0}));
  EXPECT_EQ(reflect::describe(decoded.error()), "DECODE_TRUNCATED at account (offset 0)");
}

TEST(ReflectEncoding, TopLevelListPathsStartWithTheIndex) {
  const auto decoded = reflect::decode<std::vector<Step>>(bytes_from_hex("00000002" "000100" "00" "00000000" "00"
                                                                          "000200" "05" "00000000" "00"));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error(), (DecodeError{DecodeErrorCode::invalid_enum, reflect::FieldPath("[1].phase"), 16}));
}

// RFC 3629 read as a definition rather than as the table is_utf8 follows: a lead's high bits give
// the sequence length, each further byte is a continuation byte (top two bits 1 and 0), and the
// code point they spell must need that many bytes, be at most U+10FFFF and not be a surrogate.
bool utf8_by_definition(const std::vector<u8>& bytes) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    const u8 lead = bytes[at];
    std::size_t length = 0;
    u32 code_point = 0;
    if ((lead & 0x80) == 0x00) {
      length = 1;
      code_point = lead;
    } else if ((lead & 0xe0) == 0xc0) {
      length = 2;
      code_point = lead & 0x1fu;
    } else if ((lead & 0xf0) == 0xe0) {
      length = 3;
      code_point = lead & 0x0fu;
    } else if ((lead & 0xf8) == 0xf0) {
      length = 4;
      code_point = lead & 0x07u;
    } else {
      return false;
    }
    if (bytes.size() - at < length) return false;
    for (std::size_t i = 1; i < length; ++i) {
      if ((bytes[at + i] & 0xc0) != 0x80) return false;
      code_point = (code_point << 6) | (bytes[at + i] & 0x3fu);
    }
    const u32 smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < smallest[length] || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) return false;
    at += length;
  }
  return true;
}

bool is_utf8(const std::vector<u8>& bytes) {
  return reflect::is_utf8(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

TEST(ReflectEncoding, Utf8CheckAgreesWithTheDefinitionOnEveryShortText) {
  // Every text of 1, 2 and 3 bytes, and every 4-byte text whose lead is f0..f7 with the first
  // continuation byte free and the other two at the edges of the continuation range.
  std::size_t disagreements = 0;
  std::size_t accepted = 0;
  std::vector<u8> text;
  for (u32 length = 1; length <= 3; ++length) {
    text.assign(length, 0);
    for (u32 value = 0; value < (1u << (8 * length)); ++value) {
      for (u32 i = 0; i < length; ++i) text[i] = static_cast<u8>(value >> (8 * (length - 1 - i)));
      const bool expected = utf8_by_definition(text);
      accepted += expected ? 1 : 0;
      if (is_utf8(text) != expected && ++disagreements <= 5) ADD_FAILURE() << "disagree on " << to_hex(text);
    }
  }
  // 128 one-byte texts; 128^2 + 1920 two-byte ones; 128^3 + 2 * 128 * 1920 + 61440 three-byte ones.
  EXPECT_EQ(accepted, 128u + (16384u + 1920u) + (2097152u + 491520u + 61440u));
  constexpr std::array<u8, 4> continuation_edges = {0x7f, 0x80, 0xbf, 0xc0};
  for (u32 lead = 0xf0; lead <= 0xf7; ++lead)
    for (u32 second = 0; second <= 0xff; ++second)
      for (u8 third : continuation_edges)
        for (u8 fourth : continuation_edges) {
          text = {static_cast<u8>(lead), static_cast<u8>(second), third, fourth};
          if (is_utf8(text) != utf8_by_definition(text) && ++disagreements <= 5) ADD_FAILURE() << "disagree on " << to_hex(text);
        }
  EXPECT_EQ(disagreements, 0u);
}

TEST(ReflectEncoding, Utf8BoundariesFromTheStandardsTable) {
  // Table 3-7 of the Unicode Standard, at the edge of each row and one step outside it.
  for (std::string_view hex : {"7f", "c280", "dfbf", "e0a080", "e0bfbf", "e18080", "ecbfbf", "ed8080", "ed9fbf", "ee8080",
                               "efbfbf", "f0908080", "f0bfbfbf", "f1808080", "f3bfbfbf", "f4808080", "f48fbfbf", ""})
    EXPECT_TRUE(is_utf8(bytes_from_hex(hex))) << hex;
  for (std::string_view hex : {"80", "bf", "c0af", "c1bf", "c27f", "c2c0", "e09fbf", "eda080", "edbfbf", "f08fbfbf",
                               "f4908080", "f5808080", "ff", "e282", "f09f98", "c3"})
    EXPECT_FALSE(is_utf8(bytes_from_hex(hex))) << hex;
}

TEST(ReflectEncoding, TextThatIsNotUtf8IsInvalidAtItsLengthPrefix) {
  // memo is "hi" at bytes 31..32 after its length prefix at 27.
  EXPECT_EQ(decode_error_of(with_byte(31, 0xff)), (DecodeError{DecodeErrorCode::invalid_utf8, reflect::FieldPath("memo"), 27}));
  EXPECT_EQ(decode_error_of(with_byte(32, 0xc3)), (DecodeError{DecodeErrorCode::invalid_utf8, reflect::FieldPath("memo"), 27}));
  EXPECT_EQ(reflect::decode<std::string>(bytes_from_hex("00000003eda080")).error(),
            (DecodeError{DecodeErrorCode::invalid_utf8, reflect::FieldPath{}, 0}));
  EXPECT_EQ(reflect::describe(reflect::decode<std::string>(bytes_from_hex("0000000180")).error()),
            "DECODE_INVALID_UTF8 at the top-level value (offset 0)");
  // A byte string is not text: the same bytes decode.
  EXPECT_TRUE(reflect::decode<Bytes>(bytes_from_hex("00000003eda080")).ok());
  const auto text = reflect::decode<std::string>(bytes_from_hex("00000006" "c3a9" "f09f9880"));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text.value(), "\xc3\xa9\xf0\x9f\x98\x80");
  // The length is checked before the bytes are: a long length over bad bytes is too large.
  EXPECT_EQ(reflect::decode<std::string>(bytes_from_hex("00000009ff")).error().code, DecodeErrorCode::length_too_large);
}

TEST(ReflectEncoding, DecodeErrorInfoNamesEveryCode) {
  for (DecodeErrorCode code : reflect::all_decode_errors) {
    const ErrorInfo info = reflect::decode_error_info(code);
    EXPECT_TRUE(info.code.starts_with("DECODE_")) << info.code;
    EXPECT_TRUE(info.rule_id.starts_with("ENC-")) << info.rule_id;
    EXPECT_FALSE(info.summary.empty());
  }
  EXPECT_EQ(reflect::decode_error_info(DecodeErrorCode::length_too_large).code, "DECODE_LENGTH_TOO_LARGE");
  EXPECT_EQ(reflect::decode_error_info(DecodeErrorCode::invalid_utf8).code, "DECODE_INVALID_UTF8");
  EXPECT_EQ(reflect::decode_error_info(DecodeErrorCode::invalid_utf8).rule_id, "ENC-TEXT-1");
}

TEST(ReflectVisitors, FieldNamesAndOrderComeFromTheDeclaration) {
  EXPECT_EQ(reflect::field_count<Balance>, 2u);
  EXPECT_EQ(reflect::field_names<Balance>(), (std::array<std::string_view, 2>{"account", "amount"}));
  EXPECT_EQ(reflect::field_names<Step>(),
            (std::array<std::string_view, 5>{"height", "cooperative", "phase", "balances", "fee"}));

  std::string visited;
  Balance balance{7, 9};
  reflect::for_each_field(balance, [&](std::string_view name, auto& member) {
    visited += std::string(name) + "=" + std::to_string(member) + ";";
    member += 1;
  });
  EXPECT_EQ(visited, "account=7;amount=9;");
  EXPECT_EQ(balance.account, 8u);
  EXPECT_EQ(balance.amount, 10u);

  std::vector<std::string> typed;
  reflect::for_each_field_type<Step>([&](std::string_view name, auto member_type) {
    using Member = typename decltype(member_type)::type;
    typed.push_back(std::string(name) + (reflect::DynamicList<Member> ? ":list" : reflect::OptionalValue<Member> ? ":optional" : ""));
  });
  EXPECT_EQ(typed, (std::vector<std::string>{"height", "cooperative", "phase", "balances:list", "fee:optional"}));
}

TEST(ReflectVisitors, EnumNamesAndRanges) {
  EXPECT_EQ(reflect::enum_name(Phase::closing), "closing");
  EXPECT_EQ(reflect::enum_name(static_cast<Phase>(3)), "");
  EXPECT_EQ(reflect::enum_from_name<Phase>("closed"), Phase::closed);
  EXPECT_EQ(reflect::enum_from_name<Phase>("Closed"), std::nullopt);
  EXPECT_TRUE(reflect::enum_in_range(Opcode::withdraw));
  EXPECT_FALSE(reflect::enum_in_range(static_cast<Opcode>(3)));
  EXPECT_EQ(reflect::enum_name(Opcode::withdraw), "");
  EXPECT_TRUE(reflect::enum_in_range(static_cast<RawTag>(0xffffffff)));
}

TEST(ReflectEquality, EveryFieldTakesPart) {
  const Everything base = sample_everything();
  EXPECT_TRUE(reflect::equal(base, base));
  std::vector<Everything> changed(15, base);
  changed[0].version = 2;
  changed[1].flags = 0;
  changed[2].nonce ^= 1;
  changed[3].amount = 0;
  changed[4].final = false;
  changed[5].phase = Phase::open;
  changed[6].tag[3] = 0;
  changed[7].payload.push_back(0);
  changed[8].memo = "ho";
  changed[9].ids[1] = 8;
  changed[10].pair[0] = 0;
  changed[11].limit = 0;
  changed[12].backup->amount = 17;
  changed[13].owner.account = 0;
  changed[14].steps[0].balances[0].account = 9;
  for (std::size_t i = 0; i < changed.size(); ++i) {
    EXPECT_FALSE(reflect::equal(base, changed[i])) << "field " << reflect::field_names<Everything>()[i];
    EXPECT_FALSE(reflect::equal(changed[i], base)) << "field " << reflect::field_names<Everything>()[i];
  }
}

TEST(ReflectDiff, OneLinePerDifferingLeaf) {
  const Everything base = sample_everything();
  EXPECT_EQ(reflect::diff(base, base), "");

  Everything other = base;
  other.amount = 18446744073709551615u;
  other.phase = Phase::closed;
  other.tag = {0, 0, 0, 1};
  other.payload = {};
  other.memo = "a\"b\n";
  other.ids.push_back(5);
  other.ids[0] = 8;
  other.limit = 12;
  other.backup->amount = 17;
  other.steps[0].balances[0].amount = 3;
  other.steps[0].fee = std::nullopt;
  EXPECT_EQ(reflect::diff(base, other),
            "amount: expected 1 != actual 18446744073709551615\n"
            "phase: expected closing != actual closed\n"
            "tag: expected 0xdeadbeef != actual 0x00000001\n"
            "payload: expected 0xaabb != actual (empty)\n"
            "memo: expected \"hi\" != actual \"a\\\"b\\x0a\"\n"
            "ids: expected 2 elements != actual 3 elements\n"
            "ids[0]: expected 7 != actual 8\n"
            "limit: expected none != actual 12\n"
            "backup.amount: expected 16 != actual 17\n"
            "steps[0].balances[0].amount: expected 2 != actual 3\n"
            "steps[0].fee: expected 5 != actual none\n");
  EXPECT_EQ(reflect::diff(std::optional<Balance>(Balance{3, 16}), std::optional<Balance>()),
            "(value): expected {account: 3, amount: 16} != actual none\n");
  EXPECT_EQ(reflect::diff(Phase::open, static_cast<Phase>(9), "want", "got"), "(value): want open != got 9 (out of range)\n");
  EXPECT_EQ(reflect::diff(Opcode::noop, Opcode::transfer), "(value): expected 0 != actual 1\n");
}

TEST(ReflectDiff, ToTextShowsAWholeValue) {
  EXPECT_EQ(reflect::to_text(sample_everything().steps[0]),
            "{height: 256, cooperative: false, phase: closed, balances: [{account: 1, amount: 2}], fee: 5}");
}

TEST(ReflectDiff, FieldsEqAssertionPrintsTheDiff) {
  Balance a{1, 2};
  Balance b{1, 3};
  const ::testing::AssertionResult result = fields_equal("a", "b", a, b);
  EXPECT_FALSE(result);
  EXPECT_STREQ(result.message(), "a and b differ:\namount: a 2 != b 3\n");
  EXPECT_TRUE(fields_equal("a", "a", a, a));
}

}  // namespace
}  // namespace l2::test
