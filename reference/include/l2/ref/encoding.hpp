// The canonical encoding that spec/encoding.md specifies, derived from reflection (l2/ref/reflect.hpp)
// with nothing written per type: encode() writes a value's canonical bytes, decode() reads them back
// strictly, every rejection a DecodeError with its code, rule, field path and offset.
//
//   l2::Bytes wire = l2::reflect::encode(balance);
//   auto back = l2::reflect::decode<Balance>(wire);  // Result<Balance, DecodeError>
//
// Everything here is constexpr except describe() and FieldPath::str().
// spec: encoding.md#canonical-encoding, encoding.md#decoding
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "l2/ref/bytes.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"

namespace l2::reflect {

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

}  // namespace l2::reflect
