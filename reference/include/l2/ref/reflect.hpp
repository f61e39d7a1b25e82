// Reflection over Boost.Hana structs: declare a type once with BOOST_HANA_DEFINE_STRUCT and get,
// with nothing written per type, its canonical byte encoding, a strict decoder with field paths in
// its errors, field-wise equality, a readable diff, and visitors that other generic code (the JSON
// codec, the RapidCheck generators, the Z3 symbolic state) builds on.
//
//   struct Balance {
//     BOOST_HANA_DEFINE_STRUCT(Balance, (l2::u32, account), (l2::u64, amount));
//   };
//   enum class Phase : l2::u8 { open, closing, closed };
//   L2_REFLECT_ENUM(Phase, open, closing, closed)   // same namespace as Phase
//
//   l2::Bytes wire = l2::reflect::encode(balance);
//   auto back = l2::reflect::decode<Balance>(wire);  // Result<Balance, DecodeError>
//
// Everything here is constexpr except the text helpers (diff, to_text, FieldPath::str). Under
// clang 14 with libstdc++ 12, std::string cannot live in a constant expression, so a struct with a
// std::string field is constexpr only under g++; every other kind works under both.
//
// spec: encoding.md
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/hana/accessors.hpp>
#include <boost/hana/adapt_struct.hpp>
#include <boost/hana/concept/struct.hpp>
#include <boost/hana/define_struct.hpp>
#include <boost/hana/first.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/second.hpp>
#include <boost/hana/string.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/result.hpp"

namespace l2 {
using u16 = std::uint16_t;  // the one width bytes.hpp does not name; an identical alias may repeat
}  // namespace l2

namespace l2::reflect {

// ---------------------------------------------------------------------------------------------
// Field kinds. Every generic algorithm is an `if constexpr` chain over exactly these concepts, in
// this order; a new algorithm (e.g. the Z3 symbolic state) should follow the same chain.
// spec: encoding.md#field-kinds

namespace detail {
template <class T> inline constexpr bool is_std_vector = false;
template <class E> inline constexpr bool is_std_vector<std::vector<E>> = true;
template <class T> inline constexpr bool is_std_array = false;
template <class E, std::size_t N> inline constexpr bool is_std_array<std::array<E, N>> = true;
template <class T> inline constexpr bool is_std_optional = false;
template <class E> inline constexpr bool is_std_optional<std::optional<E>> = true;

template <class T>
inline constexpr bool is_character = std::same_as<T, char> || std::same_as<T, wchar_t> ||
                                     std::same_as<T, char8_t> || std::same_as<T, char16_t> ||
                                     std::same_as<T, char32_t>;
}  // namespace detail

// u8, u16, u32, u64 (fixed-width big-endian). Character types and bool are not integers here.
template <class T>
concept UnsignedInteger = std::unsigned_integral<T> && !std::same_as<T, bool> && !detail::is_character<T> &&
                          (sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);

template <class T>
concept Boolean = std::same_as<T, bool>;

// `enum class X : u8/u16/u32/u64`, encoded as its underlying integer.
template <class T>
concept ScopedEnum = std::is_enum_v<T> && !std::is_convertible_v<T, std::underlying_type_t<T>> &&
                     UnsignedInteger<std::underlying_type_t<T>>;

// std::array<u8, N>: exactly N raw bytes (hashes, keys, signatures).
template <class T>
concept FixedBytes = detail::is_std_array<T> && std::same_as<typename T::value_type, u8>;

// l2::Bytes (= std::vector<u8>): u32 length, then the bytes.
template <class T>
concept ByteString = std::same_as<T, Bytes>;

// std::string: u32 length, then the bytes (UTF-8 by convention; see encoding.md#text).
template <class T>
concept Text = std::same_as<T, std::string>;

// std::vector<E> for E other than u8: u32 count, then the elements.
template <class T>
concept DynamicList = detail::is_std_vector<T> && !std::same_as<typename T::value_type, u8>;

// std::array<E, N> for E other than u8: N elements, no prefix.
template <class T>
concept FixedList = detail::is_std_array<T> && !std::same_as<typename T::value_type, u8>;

// std::optional<E>: tag byte 0x00 (absent) or 0x01 (present) followed by the value.
template <class T>
concept OptionalValue = detail::is_std_optional<T>;

// A struct declared with BOOST_HANA_DEFINE_STRUCT (or adapted with BOOST_HANA_ADAPT_STRUCT).
template <class T>
concept Reflected = boost::hana::Struct<T>::value;

// A value with no inner fields: diff and to_text print it whole.
template <class T>
concept Leaf = UnsignedInteger<T> || Boolean<T> || ScopedEnum<T> || FixedBytes<T> || ByteString<T> || Text<T>;

// ---------------------------------------------------------------------------------------------
// Enumerations: the valid range and the names of a scoped enum.
// spec: encoding.md#enumerations
//
// EnumTraits<E> may provide
//   static constexpr std::size_t count;                              values 0 .. count-1 are valid
//   static constexpr std::array<std::string_view, count> names;      names[v] names the value v
// An enum without EnumTraits accepts every value of its underlying type and has no names (so it
// has no JSON form). Declare the traits in one of two ways:
//   1. in the enum's own namespace, list every enumerator in value order (0, 1, 2, ...):
//        L2_REFLECT_ENUM(Phase, open, closing, closed)
//      A misspelt name fails to compile; a list that is not 0, 1, 2, ... fails a static_assert.
//   2. at global scope, specialize the trait directly, e.g. with only a range:
//        template <> struct l2::reflect::EnumTraits<Opcode> { static constexpr std::size_t count = 7; };

template <class E>
struct EnumTraits {};

// Found by argument-dependent lookup: L2_REFLECT_ENUM defines `l2_reflect_enum_names(E)`.
template <class E>
  requires requires { l2_reflect_enum_names(E{}); }
struct EnumTraits<E> {
  static constexpr auto names = l2_reflect_enum_names(E{});
  static constexpr std::size_t count = names.size();
};

template <class E>
concept EnumWithRange = ScopedEnum<E> && requires {
  { EnumTraits<E>::count } -> std::convertible_to<std::size_t>;
};

template <class E>
concept EnumWithNames = EnumWithRange<E> && requires {
  { EnumTraits<E>::names[0] } -> std::convertible_to<std::string_view>;
  requires std::tuple_size_v<std::remove_cvref_t<decltype(EnumTraits<E>::names)>> == EnumTraits<E>::count;
};

namespace enum_detail {

template <class E, std::size_t N>
constexpr bool listed_in_value_order(std::array<E, N> listed) {
  for (std::size_t i = 0; i < N; ++i)
    if (static_cast<std::size_t>(listed[i]) != i) return false;
  return true;
}

constexpr std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// "open, closing, closed" -> {"open", "closing", "closed"}
template <std::size_t N>
constexpr std::array<std::string_view, N> split_names(std::string_view comma_separated) {
  std::array<std::string_view, N> names{};
  for (std::size_t i = 0; i < N; ++i) {
    const std::size_t comma = comma_separated.find(',');
    names[i] = trim_spaces(comma_separated.substr(0, comma));
    comma_separated.remove_prefix(comma == std::string_view::npos ? comma_separated.size() : comma + 1);
  }
  return names;
}

}  // namespace enum_detail

// Use at namespace scope, in the namespace that declares EnumType (or one enclosing it).
#define L2_REFLECT_ENUM(EnumType, ...)                                                                       \
  [[maybe_unused]] constexpr auto l2_reflect_enum_names(EnumType) {                                         \
    using enum EnumType;                                                                                     \
    constexpr std::array l2_listed{__VA_ARGS__};                                                             \
    static_assert(::l2::reflect::enum_detail::listed_in_value_order(l2_listed),                              \
                  "L2_REFLECT_ENUM(" #EnumType ", ...) must list every enumerator in value order 0, 1, 2, ..."); \
    return ::l2::reflect::enum_detail::split_names<std::tuple_size_v<decltype(l2_listed)>>(#__VA_ARGS__);    \
  }

// Is `value` inside the declared range? Always true without EnumTraits.
template <ScopedEnum E>
constexpr bool enum_in_range(E value) {
  if constexpr (EnumWithRange<E>) {
    return static_cast<std::size_t>(value) < EnumTraits<E>::count;
  } else {
    return true;
  }
}

// The declared name of `value`, or "" when it is out of range or the enum has no names.
template <ScopedEnum E>
constexpr std::string_view enum_name(E value) {
  if constexpr (EnumWithNames<E>) {
    if (enum_in_range(value)) return EnumTraits<E>::names[static_cast<std::size_t>(value)];
  }
  return {};
}

template <EnumWithNames E>
constexpr std::optional<E> enum_from_name(std::string_view name) {
  for (std::size_t i = 0; i < EnumTraits<E>::count; ++i)
    if (EnumTraits<E>::names[i] == name) return static_cast<E>(i);
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Field visitors over Reflected structs, in declaration order.

template <Reflected T>
inline constexpr std::size_t field_count = decltype(boost::hana::length(boost::hana::accessors<T>()))::value;

// Calls f(std::string_view name, const Member& member) for every field.
template <Reflected T, class F>
constexpr void for_each_field(const T& value, F&& f) {
  boost::hana::for_each(boost::hana::accessors<T>(), [&](auto name_and_accessor) {
    const std::string_view name = boost::hana::to<char const*>(boost::hana::first(name_and_accessor));
    f(name, boost::hana::second(name_and_accessor)(value));
  });
}

// Calls f(std::string_view name, Member& member) for every field.
template <Reflected T, class F>
constexpr void for_each_field(T& value, F&& f) {
  boost::hana::for_each(boost::hana::accessors<T>(), [&](auto name_and_accessor) {
    const std::string_view name = boost::hana::to<char const*>(boost::hana::first(name_and_accessor));
    f(name, boost::hana::second(name_and_accessor)(value));
  });
}

// Calls f(std::string_view name, std::type_identity<Member>{}) for every field: no value needed.
template <Reflected T, class F>
constexpr void for_each_field_type(F&& f) {
  boost::hana::for_each(boost::hana::accessors<T>(), [&](auto name_and_accessor) {
    using Member = std::remove_cvref_t<decltype(boost::hana::second(name_and_accessor)(std::declval<T&>()))>;
    const std::string_view name = boost::hana::to<char const*>(boost::hana::first(name_and_accessor));
    f(name, std::type_identity<Member>{});
  });
}

template <Reflected T>
constexpr std::array<std::string_view, field_count<T>> field_names() {
  std::array<std::string_view, field_count<T>> names{};
  std::size_t next = 0;
  for_each_field_type<T>([&](std::string_view name, auto) { names[next++] = name; });
  return names;
}

// ---------------------------------------------------------------------------------------------
// Encodable: the closure of the field kinds above, plus two rules that keep decoding bounded and
// the JSON mapping unambiguous. spec: encoding.md#field-kinds

namespace detail {

// The fewest bytes any value of T encodes to (an empty list, an absent optional, ...). 0 for a type
// that is not Encodable, so that this stays instantiable while is_encodable() reports the failure.
template <class T>
constexpr std::size_t min_encoded_size() {
  if constexpr (UnsignedInteger<T>) {
    return sizeof(T);
  } else if constexpr (Boolean<T>) {
    return 1;
  } else if constexpr (ScopedEnum<T>) {
    return sizeof(T);
  } else if constexpr (FixedBytes<T>) {
    return std::tuple_size_v<T>;
  } else if constexpr (ByteString<T> || Text<T> || DynamicList<T>) {
    return 4;
  } else if constexpr (FixedList<T>) {
    return std::tuple_size_v<T> * min_encoded_size<typename T::value_type>();
  } else if constexpr (OptionalValue<T>) {
    return 1;
  } else if constexpr (Reflected<T>) {
    std::size_t total = 0;
    for_each_field_type<T>([&](std::string_view, auto member_type) {
      total += min_encoded_size<typename decltype(member_type)::type>();
    });
    return total;
  } else {
    return 0;
  }
}

template <class T>
constexpr bool is_encodable() {
  if constexpr (Leaf<T>) {
    return true;
  } else if constexpr (DynamicList<T>) {
    // A count must be checkable against the remaining input before anything is allocated.
    using Element = typename T::value_type;
    return is_encodable<Element>() && min_encoded_size<Element>() > 0;
  } else if constexpr (FixedList<T>) {
    return is_encodable<typename T::value_type>();
  } else if constexpr (OptionalValue<T>) {
    // optional<optional<E>> would make JSON null ambiguous.
    using Inner = typename T::value_type;
    return !OptionalValue<Inner> && is_encodable<Inner>();
  } else if constexpr (Reflected<T>) {
    bool all_fields_encodable = true;
    for_each_field_type<T>([&](std::string_view, auto member_type) {
      all_fields_encodable = all_fields_encodable && is_encodable<typename decltype(member_type)::type>();
    });
    return all_fields_encodable;
  } else {
    return false;
  }
}

template <class T>
inline constexpr bool unsupported_field_type = false;

}  // namespace detail

template <class T>
concept Encodable = detail::is_encodable<T>();

template <Encodable T>
inline constexpr std::size_t min_encoded_size = detail::min_encoded_size<T>();

#define L2_REFLECT_REQUIRE_ENCODABLE(T)                                                                        \
  static_assert(::l2::reflect::Encodable<T>,                                                                  \
                "l2::reflect: the type is not Encodable. A field must be u8/u16/u32/u64, bool, a scoped enum " \
                "with an unsigned underlying type, std::array<u8, N>, l2::Bytes, std::string, std::vector<E> " \
                "(E encoding to at least one byte), std::array<E, N>, std::optional<E> (E not an optional), "  \
                "or a struct declared with BOOST_HANA_DEFINE_STRUCT whose fields are all Encodable")

#define L2_REFLECT_UNSUPPORTED_FIELD(T)                                                                       \
  static_assert(::l2::reflect::detail::unsupported_field_type<T>,                                            \
                "l2::reflect: unsupported field type (it is the T of this instantiation); see the concept " \
                "l2::reflect::Encodable")

// ---------------------------------------------------------------------------------------------
// Canonical encoding. spec: encoding.md#canonical-encoding
// Preconditions (caller contract): every byte string, text and list holds fewer than 2^32
// elements (ENC-LEN-0), and every text is well-formed UTF-8 (ENC-TEXT-0); other values have no
// encoding.

template <class T>
constexpr void encode_into(Bytes& out, const T& value);

namespace detail {

// spec: encoding.md#integers
template <UnsignedInteger U>
constexpr void encode_integer(Bytes& out, U value) {
  for (std::size_t byte = sizeof(U); byte-- > 0;) out.push_back(static_cast<u8>(value >> (8 * byte)));
}

// spec: encoding.md#lengths
constexpr void encode_length(Bytes& out, std::size_t length) { encode_integer(out, static_cast<u32>(length)); }

// spec: encoding.md#byte-strings-and-text
template <class Sequence>
constexpr void encode_byte_string(Bytes& out, const Sequence& bytes) {
  encode_length(out, bytes.size());
  for (auto byte : bytes) out.push_back(static_cast<u8>(byte));
}

// spec: encoding.md#lists
template <class List>
constexpr void encode_elements(Bytes& out, const List& elements) {
  for (const auto& element : elements) reflect::encode_into(out, element);
}

// spec: encoding.md#optional-values
template <class Optional>
constexpr void encode_optional(Bytes& out, const Optional& value) {
  if (!value.has_value()) {
    out.push_back(0x00);
    return;
  }
  out.push_back(0x01);
  reflect::encode_into(out, *value);
}

// spec: encoding.md#structs
template <Reflected T>
constexpr void encode_struct(Bytes& out, const T& value) {
  for_each_field(value, [&](std::string_view, const auto& member) { reflect::encode_into(out, member); });
}

}  // namespace detail

// Appends the canonical encoding of `value` to `out`.
template <class T>
constexpr void encode_into(Bytes& out, const T& value) {
  L2_REFLECT_REQUIRE_ENCODABLE(T);
  if constexpr (UnsignedInteger<T>) {
    detail::encode_integer(out, value);
  } else if constexpr (Boolean<T>) {
    out.push_back(value ? 0x01 : 0x00);
  } else if constexpr (ScopedEnum<T>) {
    detail::encode_integer(out, static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (FixedBytes<T>) {
    append(out, value);
  } else if constexpr (ByteString<T> || Text<T>) {
    detail::encode_byte_string(out, value);
  } else if constexpr (DynamicList<T>) {
    detail::encode_length(out, value.size());
    detail::encode_elements(out, value);
  } else if constexpr (FixedList<T>) {
    detail::encode_elements(out, value);
  } else if constexpr (OptionalValue<T>) {
    detail::encode_optional(out, value);
  } else if constexpr (Reflected<T>) {
    detail::encode_struct(out, value);
  } else {
    L2_REFLECT_UNSUPPORTED_FIELD(T);
  }
}

template <class T>
constexpr Bytes encode(const T& value) {
  Bytes out;
  reflect::encode_into(out, value);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding errors. spec: encoding.md#decoding

enum class DecodeErrorCode : u8 {
  none = 0,
  truncated,             // ENC-INT-1: the input ends inside a value
  trailing_bytes,        // ENC-END-1: bytes remain after the top-level value
  invalid_bool,          // ENC-BOOL-1: a bool byte other than 0x00 / 0x01
  invalid_enum,          // ENC-ENUM-1: an enum value at or above EnumTraits<E>::count
  invalid_optional_tag,  // ENC-OPT-1: an optional tag other than 0x00 / 0x01
  length_too_large,      // ENC-LEN-1: a length or count the remaining input cannot hold
  invalid_utf8,          // ENC-TEXT-1: a text whose bytes are not well-formed UTF-8
};

constexpr ErrorInfo decode_error_info(DecodeErrorCode code) {
  switch (code) {
    case DecodeErrorCode::none: return {"OK", "", "no error"};
    case DecodeErrorCode::truncated:
      return {"DECODE_TRUNCATED", "ENC-INT-1", "the input ends inside a value"};
    case DecodeErrorCode::trailing_bytes:
      return {"DECODE_TRAILING_BYTES", "ENC-END-1", "bytes remain after the encoded value"};
    case DecodeErrorCode::invalid_bool:
      return {"DECODE_INVALID_BOOL", "ENC-BOOL-1", "a bool byte is neither 0x00 nor 0x01"};
    case DecodeErrorCode::invalid_enum:
      return {"DECODE_INVALID_ENUM", "ENC-ENUM-1", "an enum value is outside its declared range"};
    case DecodeErrorCode::invalid_optional_tag:
      return {"DECODE_INVALID_OPTIONAL_TAG", "ENC-OPT-1", "an optional tag is neither 0x00 nor 0x01"};
    case DecodeErrorCode::length_too_large:
      return {"DECODE_LENGTH_TOO_LARGE", "ENC-LEN-1", "a length or count exceeds what the remaining input can hold"};
    case DecodeErrorCode::invalid_utf8:
      return {"DECODE_INVALID_UTF8", "ENC-TEXT-1", "a text is not well-formed UTF-8"};
  }
  return {"UNKNOWN", "", "unknown error"};
}

inline constexpr std::array<DecodeErrorCode, 7> all_decode_errors = {
    DecodeErrorCode::truncated,    DecodeErrorCode::trailing_bytes,       DecodeErrorCode::invalid_bool,
    DecodeErrorCode::invalid_enum, DecodeErrorCode::invalid_optional_tag, DecodeErrorCode::length_too_large,
    DecodeErrorCode::invalid_utf8};

// Whether `text` is well-formed UTF-8 (RFC 3629; the Unicode Standard, table 3-7): no overlong
// form, no surrogate code point (U+D800..U+DFFF), nothing above U+10FFFF, no sequence cut short.
// spec: encoding.md#byte-strings-and-text
constexpr bool is_utf8(std::string_view text) {
  const auto byte_at = [&](std::size_t i) { return static_cast<u8>(text[i]); };
  std::size_t at = 0;
  while (at < text.size()) {
    const u8 lead = byte_at(at);
    // The lead fixes the number of continuation bytes and the range of the first one, which is
    // what excludes overlong forms (after e0, f0), surrogates (after ed) and U+110000 up (after f4).
    std::size_t continuation = 0;
    u8 first_low = 0x80;
    u8 first_high = 0xbf;
    if (lead <= 0x7f) {
      continuation = 0;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      continuation = 1;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      continuation = 2;
      if (lead == 0xe0) first_low = 0xa0;
      if (lead == 0xed) first_high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      continuation = 3;
      if (lead == 0xf0) first_low = 0x90;
      if (lead == 0xf4) first_high = 0x8f;
    } else {
      return false;  // a continuation byte, an overlong two-byte lead (c0, c1), or f5..ff
    }
    if (text.size() - at - 1 < continuation) return false;
    for (std::size_t i = 1; i <= continuation; ++i) {
      const u8 low = i == 1 ? first_low : u8{0x80};
      const u8 high = i == 1 ? first_high : u8{0xbf};
      if (byte_at(at + i) < low || byte_at(at + i) > high) return false;
    }
    at += continuation + 1;
  }
  return true;
}

// A dotted field path such as "steps[2].balances[1]"; "" is the top-level value. It is a small
// string class rather than std::string only because clang 14 with libstdc++ 12 cannot hold a
// std::string in a constant expression, and decode() must stay constexpr there.
class FieldPath {
 public:
  constexpr FieldPath() = default;
  constexpr explicit FieldPath(std::string_view text) : chars_(text.begin(), text.end()) {}

  constexpr std::string_view view() const { return {chars_.data(), chars_.size()}; }
  constexpr bool empty() const { return chars_.empty(); }
  std::string str() const { return std::string(view()); }

  // The path grows outwards while an error travels up from the failing leaf.
  constexpr void prepend_field(std::string_view name) {
    if (!chars_.empty() && chars_.front() != '[') chars_.insert(chars_.begin(), '.');
    chars_.insert(chars_.begin(), name.begin(), name.end());
  }
  constexpr void prepend_index(std::size_t index) {
    std::array<char, 24> digits{};
    std::size_t count = 0;
    do {
      digits[count++] = static_cast<char>('0' + index % 10);
      index /= 10;
    } while (index != 0);
    std::vector<char> segment{'['};
    while (count > 0) segment.push_back(digits[--count]);
    segment.push_back(']');
    if (!chars_.empty() && chars_.front() != '[') segment.push_back('.');
    chars_.insert(chars_.begin(), segment.begin(), segment.end());
  }

  friend constexpr bool operator==(const FieldPath& a, const FieldPath& b) = default;
  friend constexpr bool operator==(const FieldPath& path, std::string_view text) { return path.view() == text; }
  friend std::ostream& operator<<(std::ostream& os, const FieldPath& path) { return os << path.view(); }

 private:
  std::vector<char> chars_;
};

struct DecodeError {
  DecodeErrorCode code = DecodeErrorCode::none;
  FieldPath field;         // the innermost field that failed; "" for the top-level value
  std::size_t offset = 0;  // where the failing item (integer, tag, length prefix, byte array) starts

  friend constexpr bool operator==(const DecodeError&, const DecodeError&) = default;
};

// "length_too_large at steps[2].payload (offset 17)"
inline std::string describe(const DecodeError& error) {
  std::string text(decode_error_info(error.code).code);
  text += " at ";
  text += error.field.empty() ? std::string("the top-level value") : error.field.str();
  text += " (offset " + std::to_string(error.offset) + ")";
  return text;
}

// ---------------------------------------------------------------------------------------------
// Decoding. spec: encoding.md#decoding

template <class T>
constexpr Result<T, DecodeError> decode(std::span<const u8> input);

namespace detail {

class Reader {
 public:
  constexpr explicit Reader(std::span<const u8> input) : input_(input) {}
  constexpr std::size_t position() const { return position_; }
  constexpr std::size_t remaining() const { return input_.size() - position_; }
  // Precondition: remaining() > 0.
  constexpr u8 next_byte() { return input_[position_++]; }

 private:
  std::span<const u8> input_;
  std::size_t position_ = 0;
};

constexpr DecodeError decoded() { return {}; }
constexpr DecodeError failure(DecodeErrorCode code, std::size_t offset) { return {code, FieldPath{}, offset}; }
constexpr bool failed(const DecodeError& error) { return error.code != DecodeErrorCode::none; }

template <class T>
constexpr DecodeError decode_value(Reader& in, T& out);

// spec: encoding.md#integers
template <UnsignedInteger U>
constexpr DecodeError decode_integer(Reader& in, U& out) {
  // Verify: sizeof(U) bytes remain [ENC-INT-1]
  if (in.remaining() < sizeof(U)) return failure(DecodeErrorCode::truncated, in.position());
  U value = 0;
  for (std::size_t byte = 0; byte < sizeof(U); ++byte) value = static_cast<U>((value << 8) | in.next_byte());
  out = value;
  return decoded();
}

// spec: encoding.md#booleans
constexpr DecodeError decode_bool(Reader& in, bool& out) {
  const std::size_t start = in.position();
  u8 byte = 0;
  if (DecodeError error = decode_integer(in, byte); failed(error)) return error;
  // Verify: the byte is 0x00 or 0x01 [ENC-BOOL-1]
  if (byte > 0x01) return failure(DecodeErrorCode::invalid_bool, start);
  out = byte == 0x01;
  return decoded();
}

// spec: encoding.md#enumerations
template <ScopedEnum E>
constexpr DecodeError decode_enum(Reader& in, E& out) {
  const std::size_t start = in.position();
  std::underlying_type_t<E> raw = 0;
  if (DecodeError error = decode_integer(in, raw); failed(error)) return error;
  // Verify: raw < EnumTraits<E>::count when the enum declares a range [ENC-ENUM-1]
  if (!enum_in_range(static_cast<E>(raw))) return failure(DecodeErrorCode::invalid_enum, start);
  out = static_cast<E>(raw);
  return decoded();
}

// spec: encoding.md#fixed-byte-arrays
template <std::size_t N>
constexpr DecodeError decode_fixed_bytes(Reader& in, std::array<u8, N>& out) {
  // Verify: N bytes remain [ENC-INT-1]
  if (in.remaining() < N) return failure(DecodeErrorCode::truncated, in.position());
  for (u8& byte : out) byte = in.next_byte();
  return decoded();
}

// spec: encoding.md#byte-strings-and-text
template <class Sequence>
constexpr DecodeError decode_byte_string(Reader& in, Sequence& out) {
  const std::size_t start = in.position();
  u32 length = 0;
  if (DecodeError error = decode_integer(in, length); failed(error)) return error;
  // Verify: length <= remaining input, before anything is allocated [ENC-LEN-1]
  if (length > in.remaining()) return failure(DecodeErrorCode::length_too_large, start);
  out.clear();
  out.reserve(length);
  for (u32 i = 0; i < length; ++i) out.push_back(static_cast<typename Sequence::value_type>(in.next_byte()));
  return decoded();
}

// spec: encoding.md#byte-strings-and-text
constexpr DecodeError decode_text(Reader& in, std::string& out) {
  const std::size_t start = in.position();
  if (DecodeError error = decode_byte_string(in, out); failed(error)) return error;
  // Verify: the text's bytes are well-formed UTF-8 [ENC-TEXT-1]
  if (!is_utf8(out)) return failure(DecodeErrorCode::invalid_utf8, start);
  return decoded();
}

// spec: encoding.md#lists
template <DynamicList List>
constexpr DecodeError decode_list(Reader& in, List& out) {
  using Element = typename List::value_type;
  const std::size_t start = in.position();
  u32 count = 0;
  if (DecodeError error = decode_integer(in, count); failed(error)) return error;
  // Verify: count * min_encoded_size<Element> <= remaining input, before allocating [ENC-LEN-1]
  if (count > in.remaining() / min_encoded_size<Element>()) return failure(DecodeErrorCode::length_too_large, start);
  out.clear();
  out.reserve(count);
  for (u32 index = 0; index < count; ++index) {
    Element element{};
    if (DecodeError error = detail::decode_value(in, element); failed(error)) {
      error.field.prepend_index(index);
      return error;
    }
    out.push_back(std::move(element));
  }
  return decoded();
}

// spec: encoding.md#fixed-lists
template <FixedList List>
constexpr DecodeError decode_fixed_list(Reader& in, List& out) {
  for (std::size_t index = 0; index < out.size(); ++index) {
    if (DecodeError error = detail::decode_value(in, out[index]); failed(error)) {
      error.field.prepend_index(index);
      return error;
    }
  }
  return decoded();
}

// spec: encoding.md#optional-values
template <OptionalValue Optional>
constexpr DecodeError decode_optional(Reader& in, Optional& out) {
  const std::size_t start = in.position();
  u8 tag = 0;
  if (DecodeError error = decode_integer(in, tag); failed(error)) return error;
  // Verify: the tag is 0x00 or 0x01 [ENC-OPT-1]
  if (tag > 0x01) return failure(DecodeErrorCode::invalid_optional_tag, start);
  if (tag == 0x00) {
    out.reset();
    return decoded();
  }
  typename Optional::value_type value{};
  if (DecodeError error = detail::decode_value(in, value); failed(error)) return error;
  out = std::move(value);
  return decoded();
}

// spec: encoding.md#structs
template <Reflected T>
constexpr DecodeError decode_struct(Reader& in, T& out) {
  DecodeError first_error = decoded();
  for_each_field(out, [&](std::string_view name, auto& member) {
    if (failed(first_error)) return;
    first_error = detail::decode_value(in, member);
    if (failed(first_error)) first_error.field.prepend_field(name);
  });
  return first_error;
}

template <class T>
constexpr DecodeError decode_value(Reader& in, T& out) {
  if constexpr (UnsignedInteger<T>) {
    return decode_integer(in, out);
  } else if constexpr (Boolean<T>) {
    return decode_bool(in, out);
  } else if constexpr (ScopedEnum<T>) {
    return decode_enum(in, out);
  } else if constexpr (FixedBytes<T>) {
    return decode_fixed_bytes(in, out);
  } else if constexpr (ByteString<T>) {
    return decode_byte_string(in, out);
  } else if constexpr (Text<T>) {
    return decode_text(in, out);
  } else if constexpr (DynamicList<T>) {
    return decode_list(in, out);
  } else if constexpr (FixedList<T>) {
    return decode_fixed_list(in, out);
  } else if constexpr (OptionalValue<T>) {
    return decode_optional(in, out);
  } else if constexpr (Reflected<T>) {
    return decode_struct(in, out);
  } else {
    L2_REFLECT_UNSUPPORTED_FIELD(T);
    return decoded();
  }
}

}  // namespace detail

// Decodes exactly one T that spans the whole input.
template <class T>
constexpr Result<T, DecodeError> decode(std::span<const u8> input) {
  L2_REFLECT_REQUIRE_ENCODABLE(T);
  detail::Reader in(input);
  T value{};
  if (DecodeError error = detail::decode_value(in, value); detail::failed(error)) return error;
  // Verify: no bytes remain after the value [ENC-END-1]
  if (in.remaining() != 0) return detail::failure(DecodeErrorCode::trailing_bytes, in.position());
  return value;
}

// ---------------------------------------------------------------------------------------------
// Equality, field by field (a reflected struct needs no operator==).

template <class T>
constexpr bool equal(const T& a, const T& b) {
  L2_REFLECT_REQUIRE_ENCODABLE(T);
  if constexpr (Leaf<T>) {
    return a == b;
  } else if constexpr (DynamicList<T> || FixedList<T>) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!reflect::equal(a[i], b[i])) return false;
    return true;
  } else if constexpr (OptionalValue<T>) {
    if (a.has_value() != b.has_value()) return false;
    return !a.has_value() || reflect::equal(*a, *b);
  } else if constexpr (Reflected<T>) {
    bool all_equal = true;
    boost::hana::for_each(boost::hana::accessors<T>(), [&](auto name_and_accessor) {
      const auto& field = boost::hana::second(name_and_accessor);
      all_equal = all_equal && reflect::equal(field(a), field(b));
    });
    return all_equal;
  } else {
    L2_REFLECT_UNSUPPORTED_FIELD(T);
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Text for humans: to_text() prints a whole value, diff() the leaves where two values differ.

namespace detail {

inline std::string quoted_text(std::string_view text) {
  constexpr char digits[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<u8>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += digits[byte >> 4];
      out += digits[byte & 0x0f];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

template <Leaf T>
std::string leaf_text(const T& value) {
  if constexpr (UnsignedInteger<T>) {
    return std::to_string(static_cast<u64>(value));
  } else if constexpr (Boolean<T>) {
    return value ? "true" : "false";
  } else if constexpr (ScopedEnum<T>) {
    const std::string_view name = enum_name(value);
    const std::string number = std::to_string(static_cast<u64>(value));
    if (!name.empty()) return std::string(name);
    return enum_in_range(value) ? number : number + " (out of range)";
  } else if constexpr (FixedBytes<T> || ByteString<T>) {
    return value.empty() ? std::string("(empty)") : "0x" + to_hex(value);
  } else {
    return quoted_text(value);
  }
}

template <class T>
void append_text(std::string& out, const T& value) {
  if constexpr (Leaf<T>) {
    out += leaf_text(value);
  } else if constexpr (DynamicList<T> || FixedList<T>) {
    out += '[';
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i != 0) out += ", ";
      detail::append_text(out, value[i]);
    }
    out += ']';
  } else if constexpr (OptionalValue<T>) {
    if (value.has_value()) {
      detail::append_text(out, *value);
    } else {
      out += "none";
    }
  } else if constexpr (Reflected<T>) {
    out += '{';
    bool first = true;
    for_each_field(value, [&](std::string_view name, const auto& member) {
      if (!first) out += ", ";
      first = false;
      out += name;
      out += ": ";
      detail::append_text(out, member);
    });
    out += '}';
  } else {
    L2_REFLECT_UNSUPPORTED_FIELD(T);
  }
}

struct DiffWriter {
  std::string_view name_a;
  std::string_view name_b;
  std::string path;
  std::string lines;

  void line(const std::string& text_a, const std::string& text_b) {
    lines += path.empty() ? std::string("(value)") : path;
    lines += ": ";
    lines += name_a;
    lines += ' ';
    lines += text_a;
    lines += " != ";
    lines += name_b;
    lines += ' ';
    lines += text_b;
    lines += '\n';
  }
};

template <class T>
void diff_value(DiffWriter& writer, const T& a, const T& b);

template <class List>
void diff_elements(DiffWriter& writer, const List& a, const List& b) {
  if (a.size() != b.size())
    writer.line(std::to_string(a.size()) + " elements", std::to_string(b.size()) + " elements");
  const std::size_t common = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < common; ++i) {
    const std::size_t path_length = writer.path.size();
    writer.path.append("[").append(std::to_string(i)).append("]");  // piecewise: GCC 12 -O3 false -Wrestrict
    detail::diff_value(writer, a[i], b[i]);
    writer.path.resize(path_length);
  }
}

template <class Optional>
void diff_optional(DiffWriter& writer, const Optional& a, const Optional& b) {
  if (a.has_value() && b.has_value()) {
    detail::diff_value(writer, *a, *b);
    return;
  }
  if (a.has_value() == b.has_value()) return;
  auto text_of = [](const Optional& value) {
    if (!value.has_value()) return std::string("none");
    std::string text;
    detail::append_text(text, *value);
    return text;
  };
  writer.line(text_of(a), text_of(b));
}

template <Reflected T>
void diff_struct(DiffWriter& writer, const T& a, const T& b) {
  boost::hana::for_each(boost::hana::accessors<T>(), [&](auto name_and_accessor) {
    const std::string_view name = boost::hana::to<char const*>(boost::hana::first(name_and_accessor));
    const auto& field = boost::hana::second(name_and_accessor);
    const std::size_t path_length = writer.path.size();
    if (!writer.path.empty()) writer.path += '.';
    writer.path += name;
    detail::diff_value(writer, field(a), field(b));
    writer.path.resize(path_length);
  });
}

template <class T>
void diff_value(DiffWriter& writer, const T& a, const T& b) {
  if constexpr (Leaf<T>) {
    if (!(a == b)) writer.line(leaf_text(a), leaf_text(b));
  } else if constexpr (DynamicList<T> || FixedList<T>) {
    diff_elements(writer, a, b);
  } else if constexpr (OptionalValue<T>) {
    diff_optional(writer, a, b);
  } else if constexpr (Reflected<T>) {
    diff_struct(writer, a, b);
  } else {
    L2_REFLECT_UNSUPPORTED_FIELD(T);
  }
}

}  // namespace detail

// "{account: 7, amount: 5, payload: 0x0a0b, memo: none}"
template <class T>
std::string to_text(const T& value) {
  L2_REFLECT_REQUIRE_ENCODABLE(T);
  std::string out;
  detail::append_text(out, value);
  return out;
}

// "" when equal(a, b); otherwise one line per differing leaf, in declaration order:
//   steps[2].amount: expected 5 != actual 6
//   steps: expected 3 elements != actual 2 elements      (then the common elements, one by one)
//   memo: expected none != actual "hi"
// Byte arrays print as 0x-prefixed lowercase hex, integers in decimal, enums by name when they have
// names (else the number, marked when out of range), text quoted.
template <class T>
std::string diff(const T& a, const T& b, std::string_view name_a = "expected", std::string_view name_b = "actual") {
  L2_REFLECT_REQUIRE_ENCODABLE(T);
  detail::DiffWriter writer{name_a, name_b, {}, {}};
  detail::diff_value(writer, a, b);
  return writer.lines;
}

}  // namespace l2::reflect
