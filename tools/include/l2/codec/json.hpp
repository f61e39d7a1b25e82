// The JSON form of every reflected type, derived from l2/ref/reflect.hpp (the field kinds), with
// the text and length rules of l2/ref/encoding.hpp. Strict both ways: the reader accepts exactly
// what the writer produces (modulo whitespace and key order) and reports the first problem as a
// sentence naming the field path. Never throws past its API.
// Every JSON text a consumer-facing reader takes goes through parse_document (or parse_json, which
// calls it): nlohmann::json::parse alone keeps the last of two equal keys and reads -0 as 0.
// spec: encoding.md#json-mapping
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"

namespace l2::codec {

struct JsonError {
  std::string field;    // dotted path such as "steps[0].input.balance"; "" for the top-level value
  std::string message;  // a full sentence naming the path, e.g.
                        // field "steps[0].input.balance": expected a decimal string for u64, got number 5
};

namespace json_detail {

template <class T>
inline constexpr bool unsupported = false;

template <reflect::UnsignedInteger U>
constexpr std::string_view unsigned_name() {
  if constexpr (sizeof(U) == 1) return "u8";
  else if constexpr (sizeof(U) == 2) return "u16";
  else if constexpr (sizeof(U) == 4) return "u32";
  else return "u64";
}

inline bool is_lowercase_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// JSON text for messages. Text cut mid-character, or a single byte of a multi-byte character, is
// not valid UTF-8: replacing it (U+FFFD) keeps message building from ever throwing.
inline std::string dump_for_message(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// `text` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD, so that
// a message quoting raw input (nlohmann's "last read: ...") is itself valid text.
inline std::string printable(std::string_view text) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto lead = static_cast<u8>(text[at]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    if (length <= text.size() - at && reflect::is_utf8(text.substr(at, length))) {
      out.append(text.substr(at, length));
      at += length;
    } else {
      out.append("\xef\xbf\xbd");
      ++at;
    }
  }
  return out;
}

// What a JSON value is, for "got ..." in messages: `number 300`, `string "abc"`, `array`, ...
inline std::string describe(const nlohmann::json& value) {
  constexpr std::size_t longest_quoted_string = 40;
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_float: return "number " + dump_for_message(value);
    case nlohmann::json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      if (text.size() <= longest_quoted_string) return "string " + dump_for_message(value);
      return "string " + dump_for_message(nlohmann::json(text.substr(0, longest_quoted_string))) + "... (" +
             std::to_string(text.size()) + " characters)";
    }
    case nlohmann::json::value_t::array: return "an array of " + std::to_string(value.size()) + " elements";
    case nlohmann::json::value_t::object: return "an object";
    default: return "a non-JSON value";
  }
}

// Carries the path to the value being read and the first error.
class Reader {
 public:
  bool fail(const std::string& problem) {
    error_ = JsonError{path_, subject() + ": " + problem};
    return false;
  }
  bool fail_missing() {
    error_ = JsonError{path_, subject() + " is missing"};
    return false;
  }
  bool fail_unknown(const std::string& expected_fields) {
    error_ = JsonError{path_, subject() + " is not a field of this object (its fields are: " + expected_fields + ")"};
    return false;
  }

  std::size_t enter_field(std::string_view name) {
    const std::size_t saved = path_.size();
    if (!path_.empty()) path_ += '.';
    path_ += name;
    return saved;
  }
  std::size_t enter_index(std::size_t index) {
    const std::size_t saved = path_.size();
    path_.append("[").append(std::to_string(index)).append("]");  // piecewise: GCC 12 -O3 false -Wrestrict
    return saved;
  }
  void leave(std::size_t saved) { path_.resize(saved); }

  JsonError take_error() { return std::move(error_); }

 private:
  std::string subject() const { return path_.empty() ? std::string("the top-level value") : "field \"" + path_ + "\""; }

  std::string path_;
  JsonError error_;
};

template <class T>
bool read(const nlohmann::json& json, T& out, Reader& reader);

// A non-negative integer in range, without fraction or exponent [JSON-INT-1]; -0 is caught in the
// text by TextChecks. spec: encoding.md#json-integers
template <reflect::UnsignedInteger U>
bool read_small_unsigned(const nlohmann::json& json, U& out, Reader& reader) {
  const std::string expected = "expected an unsigned integer for " + std::string(unsigned_name<U>());
  // A document built in C++ from an `int` holds a signed integer; a non-negative one is fine.
  const bool negative = json.is_number_integer() && !json.is_number_unsigned() && json.get<std::int64_t>() < 0;
  if (!json.is_number_integer() || negative) return reader.fail(expected + ", got " + describe(json));
  const auto value = json.get<u64>();
  if (value > std::numeric_limits<U>::max())
    return reader.fail("number " + std::to_string(value) + " is out of range for " + std::string(unsigned_name<U>()) +
                       " (at most " + std::to_string(std::numeric_limits<U>::max()) + ")");
  out = static_cast<U>(value);
  return true;
}

// A canonical decimal string [JSON-U64-1]. spec: encoding.md#json-integers
inline bool read_u64(const nlohmann::json& json, u64& out, Reader& reader) {
  if (!json.is_string()) return reader.fail("expected a decimal string for u64, got " + describe(json));
  const auto& text = json.get_ref<const std::string&>();
  const std::string problem = "expected a decimal string for u64 (digits only, no sign, no leading zeros), got " +
                              describe(json);
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return reader.fail(problem);
  u64 value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return reader.fail(problem);
    const auto digit = static_cast<u64>(c - '0');
    if (value > (std::numeric_limits<u64>::max() - digit) / 10)
      return reader.fail("decimal string " + dump_for_message(json) + " is out of range for u64 (at most 18446744073709551615)");
    value = value * 10 + digit;
  }
  out = value;
  return true;
}

// One of the enumeration's names [JSON-ENUM-1]. spec: encoding.md#json-enumerations
template <reflect::EnumWithNames E>
bool read_enum(const nlohmann::json& json, E& out, Reader& reader) {
  std::string choices;
  for (std::string_view name : reflect::EnumTraits<E>::names) {
    if (!choices.empty()) choices += ", ";
    choices += '"';
    choices += name;
    choices += '"';
  }
  const std::string expected = "expected one of " + choices + ", got ";
  if (!json.is_string()) return reader.fail(expected + describe(json));
  const std::optional<E> value = reflect::enum_from_name<E>(json.get_ref<const std::string&>());
  if (!value.has_value()) return reader.fail(expected + describe(json));
  out = *value;
  return true;
}

// Lowercase hex only: one spelling per value keeps vector files byte-for-byte reproducible
// [JSON-HEX-1]. spec: encoding.md#json-bytes
inline bool read_hex(const nlohmann::json& json, Bytes& out, std::optional<std::size_t> exact_bytes, Reader& reader) {
  const std::string expected = exact_bytes.has_value()
                                   ? "expected a string of " + std::to_string(2 * *exact_bytes) +
                                         " lowercase hex digits for a " + std::to_string(*exact_bytes) + "-byte array"
                                   : std::string("expected a string of an even number of lowercase hex digits");
  if (!json.is_string()) return reader.fail(expected + ", got " + describe(json));
  const auto& text = json.get_ref<const std::string&>();
  if ((exact_bytes.has_value() && text.size() != 2 * *exact_bytes) || text.size() % 2 != 0)
    return reader.fail(expected + ", got " + std::to_string(text.size()) + " characters");
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_lowercase_hex_digit(text[i]))
      return reader.fail(expected + ", got " + dump_for_message(nlohmann::json(std::string(1, text[i]))) + " at position " +
                         std::to_string(i) + " (only 0-9 and a-f are allowed)");
  }
  return hex_decode(text, out) || reader.fail(expected + ", got " + describe(json));
}

template <class List>
bool read_elements(const nlohmann::json& json, List& out, Reader& reader) {
  for (std::size_t index = 0; index < json.size(); ++index) {
    const std::size_t saved = reader.enter_index(index);
    if (!json_detail::read(json[index], out[index], reader)) return false;
    reader.leave(saved);
  }
  return true;
}

// An object with exactly the struct's fields as keys [JSON-STRUCT-1]; a key given twice is caught
// in the text by TextChecks. spec: encoding.md#json-structs
template <reflect::Reflected T>
bool read_struct(const nlohmann::json& json, T& out, Reader& reader) {
  if (!json.is_object()) return reader.fail("expected an object, got " + describe(json));
  constexpr auto names = reflect::field_names<T>();
  for (const auto& item : json.items()) {
    bool known = false;
    for (std::string_view name : names) known = known || name == item.key();
    if (known) continue;
    std::string expected_fields;
    for (std::string_view name : names) {
      if (!expected_fields.empty()) expected_fields += ", ";
      expected_fields += name;
    }
    reader.enter_field(item.key());
    return reader.fail_unknown(expected_fields);
  }
  bool all_read = true;
  reflect::for_each_field(out, [&](std::string_view name, auto& member) {
    if (!all_read) return;
    const std::size_t saved = reader.enter_field(name);
    const auto found = json.find(std::string(name));
    all_read = found == json.end() ? reader.fail_missing() : json_detail::read(*found, member, reader);
    if (all_read) reader.leave(saved);
  });
  return all_read;
}

template <class T>
bool read(const nlohmann::json& json, T& out, Reader& reader) {
  if constexpr (reflect::UnsignedInteger<T> && sizeof(T) == 8) {
    u64 value = 0;
    if (!read_u64(json, value, reader)) return false;
    out = static_cast<T>(value);
    return true;
  } else if constexpr (reflect::UnsignedInteger<T>) {
    return read_small_unsigned(json, out, reader);
  } else if constexpr (reflect::Boolean<T>) {
    // [JSON-BOOL-1]
    if (!json.is_boolean()) return reader.fail("expected true or false, got " + describe(json));
    out = json.get<bool>();
    return true;
  } else if constexpr (reflect::ScopedEnum<T>) {
    static_assert(reflect::EnumWithNames<T>,
                  "l2::codec: an enum in JSON is written by name; declare L2_REFLECT_ENUM(Type, names...)");
    return read_enum(json, out, reader);
  } else if constexpr (reflect::FixedBytes<T>) {
    Bytes bytes;
    if (!read_hex(json, bytes, out.size(), reader)) return false;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = bytes[i];
    return true;
  } else if constexpr (reflect::ByteString<T>) {
    return read_hex(json, out, std::nullopt, reader);
  } else if constexpr (reflect::Text<T>) {
    // [JSON-STR-1]. Parsed text is always UTF-8 (JSON-DOC-1); a document built in C++ may hold other
    // bytes, which have no JSON form (and no canonical encoding, ENC-TEXT-0).
    if (!json.is_string()) return reader.fail("expected a string, got " + describe(json));
    const auto& text = json.get_ref<const std::string&>();
    if (!reflect::is_utf8(text)) return reader.fail("expected a string, got bytes that are not well-formed UTF-8");
    out = text;
    return true;
  } else if constexpr (reflect::DynamicList<T>) {
    // [JSON-LIST-1]
    if (!json.is_array()) return reader.fail("expected an array, got " + describe(json));
    out.assign(json.size(), typename T::value_type{});
    return read_elements(json, out, reader);
  } else if constexpr (reflect::FixedList<T>) {
    // [JSON-LIST-1]
    const std::string expected = "expected an array of exactly " + std::to_string(out.size()) + " elements";
    if (!json.is_array()) return reader.fail(expected + ", got " + describe(json));
    if (json.size() != out.size()) return reader.fail(expected + ", got " + std::to_string(json.size()));
    return read_elements(json, out, reader);
  } else if constexpr (reflect::OptionalValue<T>) {
    // null or the value's own form [JSON-OPT-1]
    if (json.is_null()) {
      out.reset();
      return true;
    }
    typename T::value_type value{};
    if (!json_detail::read(json, value, reader)) return false;
    out = std::move(value);
    return true;
  } else if constexpr (reflect::Reflected<T>) {
    return read_struct(json, out, reader);
  } else {
    static_assert(unsupported<T>, "l2::codec: unsupported field type; see l2::reflect::Encodable");
    return false;
  }
}

// Checks that need the JSON text, run as the parser's callback so that they know the path: an object
// that repeats a key [JSON-STRUCT-1] (nlohmann would keep the last silently, other readers may keep
// the first), and the number -0 [JSON-INT-1] (which parses to a plain 0 and would otherwise slip
// through as a second spelling). Every object of the mapping is a struct and -0 is no value of any
// type, so both are rejected wherever they appear.
class TextChecks {
 public:
  bool on_event(nlohmann::json::parse_event_t event, const nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start: frames_.push_back(Frame{true, {}, {}, 0}); break;
      case Event::array_start: frames_.push_back(Frame{false, {}, {}, 0}); break;
      case Event::key: on_key(parsed.get<std::string>()); break;
      case Event::object_end:
      case Event::array_end:
        frames_.pop_back();
        finish_element();
        break;
      case Event::value:
        if (parsed.is_number_integer() && !parsed.is_number_unsigned() && parsed.get<std::int64_t>() == 0)
          record(path_of(frames_.size()), "is the number -0; write 0");
        finish_element();
        break;
    }
    return true;
  }

  std::optional<JsonError> error() const { return error_; }

 private:
  struct Frame {
    bool is_object;
    std::vector<std::string> keys;
    std::string current_key;
    std::size_t index;
  };

  void on_key(const std::string& key) {
    Frame& frame = frames_.back();
    frame.current_key = key;
    for (const std::string& seen : frame.keys)
      if (seen == key) record(path_of(frames_.size()), "appears twice in the same object");
    frame.keys.push_back(key);
  }

  void finish_element() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
  }

  void record(const std::string& path, const std::string& problem) {
    if (error_.has_value()) return;
    const std::string subject = path.empty() ? std::string("the top-level value") : "field \"" + path + "\"";
    error_ = JsonError{path, subject + " " + problem};
  }

  // The position inside the outermost `depth` open containers.
  std::string path_of(std::size_t depth) const {
    std::string path;
    for (std::size_t i = 0; i < depth; ++i) {
      if (frames_[i].is_object) {
        if (!path.empty()) path += '.';
        path += frames_[i].current_key;
      } else {
        path.append("[").append(std::to_string(frames_[i].index)).append("]");  // piecewise: GCC 12 -O3 false -Wrestrict
      }
    }
    return path;
  }

  std::vector<Frame> frames_;
  std::optional<JsonError> error_;
};

}  // namespace json_detail

// ---------------------------------------------------------------------------------------------
// Writing. spec: encoding.md#json-mapping

template <class T>
nlohmann::json to_json(const T& value) {
  L2_REFLECT_REQUIRE_ENCODABLE(T);
  if constexpr (reflect::UnsignedInteger<T> && sizeof(T) == 8) {
    return std::to_string(value);
  } else if constexpr (reflect::UnsignedInteger<T>) {
    return static_cast<u64>(value);
  } else if constexpr (reflect::Boolean<T>) {
    return value;
  } else if constexpr (reflect::ScopedEnum<T>) {
    static_assert(reflect::EnumWithNames<T>,
                  "l2::codec: an enum in JSON is written by name; declare L2_REFLECT_ENUM(Type, names...)");
    // An out-of-range value has no name; its number keeps it visible, and from_json rejects it.
    if (!reflect::enum_in_range(value)) return static_cast<u64>(value);
    return std::string(reflect::enum_name(value));
  } else if constexpr (reflect::FixedBytes<T> || reflect::ByteString<T>) {
    return to_hex(value);
  } else if constexpr (reflect::Text<T>) {
    return value;
  } else if constexpr (reflect::DynamicList<T> || reflect::FixedList<T>) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& element : value) array.push_back(codec::to_json(element));
    return array;
  } else if constexpr (reflect::OptionalValue<T>) {
    return value.has_value() ? codec::to_json(*value) : nlohmann::json(nullptr);
  } else if constexpr (reflect::Reflected<T>) {
    nlohmann::json object = nlohmann::json::object();
    reflect::for_each_field(value, [&](std::string_view name, const auto& member) {
      object[std::string(name)] = codec::to_json(member);
    });
    return object;
  } else {
    static_assert(json_detail::unsupported<T>, "l2::codec: unsupported field type; see l2::reflect::Encodable");
    return nullptr;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading. spec: encoding.md#json-mapping

template <class T>
Result<T, JsonError> from_json(const nlohmann::json& json) {
  L2_REFLECT_REQUIRE_ENCODABLE(T);
  json_detail::Reader reader;
  T value{};
  if (!json_detail::read(json, value, reader)) return reader.take_error();
  return value;
}

// Parses one JSON text strictly [JSON-DOC-1]: RFC 8259 in UTF-8 (no ill-formed byte, no lone
// surrogate escape), no byte-order mark, no comment, nothing but whitespace after the value; and,
// through TextChecks, no object with a key twice and no number -0. Every reader of JSON text that
// a consumer hands us (a vector file, an index, an input) parses with this.
// spec: encoding.md#json-text
inline Result<nlohmann::json, JsonError> parse_document(std::string_view text) {
  // nlohmann skips a leading UTF-8 byte-order mark; RFC 8259 §8.1 forbids writing one, and common
  // readers (JSON.parse, Python's json.loads) reject it, so it is an error here too.
  constexpr std::string_view byte_order_mark = "\xef\xbb\xbf";
  if (text.starts_with(byte_order_mark))
    return JsonError{"", "malformed JSON: the text starts with a UTF-8 byte-order mark (RFC 8259 §8.1)"};
  json_detail::TextChecks text_checks;
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(
        text.begin(), text.end(),
        [&](int, nlohmann::json::parse_event_t event, nlohmann::json& value) {
          return text_checks.on_event(event, value);
        },
        /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const nlohmann::json::exception& error) {
    // what() reads "[json.exception.parse_error.101] parse error at line 1, column 3: ..."
    std::string_view detail = error.what();
    if (const std::size_t bracket = detail.find("] "); bracket != std::string_view::npos) detail.remove_prefix(bracket + 2);
    return JsonError{"", "malformed JSON: " + json_detail::printable(detail)};
  } catch (const std::exception& error) {  // std::bad_alloc on absurd input
    return JsonError{"", "malformed JSON: " + std::string(error.what())};
  }
  if (std::optional<JsonError> problem = text_checks.error(); problem.has_value()) return *problem;
  return parsed;
}

template <class T>
Result<T, JsonError> parse_json(std::string_view text) {
  L2_REFLECT_REQUIRE_ENCODABLE(T);
  auto document = parse_document(text);
  if (!document.ok()) return document.error();
  return from_json<T>(document.value());
}

}  // namespace l2::codec
