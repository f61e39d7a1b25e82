// Reflection over Boost.Hana structs: declare a type once with BOOST_HANA_DEFINE_STRUCT and get,
// with nothing written per type, the field kinds and the Encodable concept, field-wise equality, a
// readable diff, and visitors that other generic code builds on: the canonical encoding and its
// strict decoder (l2/ref/encoding.hpp), the JSON codec, the RapidCheck generators and the Z3
// symbolic state.
//
//   struct Balance {
//     BOOST_HANA_DEFINE_STRUCT(Balance, (l2::u32, account), (l2::u64, amount));
//   };
//   enum class Phase : l2::u8 { open, closing, closed };
//   L2_REFLECT_ENUM(Phase, open, closing, closed)   // same namespace as Phase
//
// Everything here is constexpr except the text helpers (diff, to_text). Under
// clang 14 with libstdc++ 12, std::string cannot live in a constant expression, so a struct with a
// std::string field is constexpr only under g++; every other kind works under both.
//
// spec: encoding.md#field-kinds
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
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
