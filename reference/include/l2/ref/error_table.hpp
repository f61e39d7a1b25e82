// One declaration per error code. A mechanism lists its errors once, as rows
// X(enumerator, "RULE-ID", "summary"), and L2_ERROR_ENUM derives from that list:
//   - the enum (u8, `none` = 0 first, then the rows in order);
//   - error_info(e): the stable code, which is the mechanism's prefix followed by the enumerator's
//     name in upper case (`tx_malformed` with prefix "OR_" is OR_TX_MALFORMED), the rule ID and the
//     summary; `none` is "OK";
//   - all_errors(Enum{}): every error but `none`, in declaration order.
//
//   #define L2_EXAMPLE_ERRORS(X)
//     X(too_small, "EX-1", "the value is below the minimum")
//     X(too_large, "EX-2", "the value is above the maximum")
//   L2_ERROR_ENUM(ExampleError, "EX_", L2_EXAMPLE_ERRORS)
// (each line of the #define but the last ends in a backslash).
//
// The codes are what vectors carry: renaming an enumerator renames its code, which a release
// must never do. spec: README.md#error-codes
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace l2 {

struct ErrorInfo {
  std::string_view code;     // stable name carried by vectors
  std::string_view rule_id;  // the spec rule whose check returns it
  std::string_view summary;  // one line
};

struct ErrorRow {
  std::string_view name;  // the enumerator
  std::string_view rule_id;
  std::string_view summary;
};

namespace error_table_detail {

// A string literal as a template argument (the code prefix).
template <std::size_t N>
struct Literal {
  char text[N]{};
  consteval Literal(const char (&literal)[N]) {
    for (std::size_t i = 0; i < N; ++i) text[i] = literal[i];
  }
  static constexpr std::size_t size = N - 1;
};

constexpr char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// The codes of a table, stored once: prefix + upper(name) for every row but `none` (row 0).
template <Literal Prefix, const auto& Rows>
struct Codes {
  static constexpr std::size_t rows = std::size(Rows);
  static constexpr std::size_t total = [] {
    std::size_t sum = 0;
    for (std::size_t i = 1; i < rows; ++i) sum += Prefix.size + Rows[i].name.size();
    return sum;
  }();
  static constexpr std::array<char, total + 1> text = [] {
    std::array<char, total + 1> out{};
    std::size_t at = 0;
    for (std::size_t i = 1; i < rows; ++i) {
      for (std::size_t k = 0; k < Prefix.size; ++k) out[at++] = Prefix.text[k];
      for (const char c : Rows[i].name) out[at++] = upper(c);
    }
    return out;
  }();
  static constexpr std::string_view code(std::size_t row) {
    std::size_t at = 0;
    for (std::size_t i = 1; i < row; ++i) at += Prefix.size + Rows[i].name.size();
    return std::string_view(text.data() + at, Prefix.size + Rows[row].name.size());
  }
};

template <Literal Prefix, const auto& Rows>
constexpr ErrorInfo info(std::size_t row) {
  if (row == 0) return {"OK", "", "no error"};
  if (row >= std::size(Rows)) return {"UNKNOWN", "", "not an error code of this mechanism"};
  return {Codes<Prefix, Rows>::code(row), Rows[row].rule_id, Rows[row].summary};
}

}  // namespace error_table_detail
}  // namespace l2

#define L2_ERROR_ENUMERATOR(name, rule_id, summary) name,
#define L2_ERROR_ROW(name, rule_id, summary) ::l2::ErrorRow{#name, rule_id, summary},

// Declares the enum `Enum` with `none` and the rows of LIST, its error_info and its all_errors, in
// the current namespace (error_info is found by argument-dependent lookup).
#define L2_ERROR_ENUM(Enum, prefix, LIST)                                                                   \
  enum class Enum : std::uint8_t { none = 0, LIST(L2_ERROR_ENUMERATOR) };                                  \
  inline constexpr ::l2::ErrorRow l2_error_rows_of_##Enum[] = {{"none", "", "no error"}, LIST(L2_ERROR_ROW)}; \
  constexpr ::l2::ErrorInfo error_info(Enum e) {                                                            \
    return ::l2::error_table_detail::info<prefix, l2_error_rows_of_##Enum>(static_cast<std::size_t>(e));   \
  }                                                                                                        \
  constexpr auto all_errors(Enum) {                                                                        \
    std::array<Enum, std::size(l2_error_rows_of_##Enum) - 1> errors{};                                     \
    for (std::size_t i = 0; i < errors.size(); ++i) errors[i] = static_cast<Enum>(i + 1);                  \
    return errors;                                                                                         \
  }
