// One executable operations table per mechanism. An operation is declared once, as a type:
//
//   struct Update {
//     static constexpr std::string_view name = "update";     // the vectors' op name: apply_<name>
//     using State = Adjudicator;                              // the state it acts on
//     using Input = OffChainTransaction;                      // its reflected input struct
//     template <SignatureCheck Check = Bip340Check>
//     static constexpr Result<State, ChannelError> apply(const State&, const Input&, const Env&,
//                                                        const Check& = {});
//   };
//
// and listed in the spec's order in an OperationTable. Everything that used to list operations by
// hand is derived from the table: the op code (an operation's index) and the count, the names,
// parsing a name, dispatch from a code, and iteration, which the vector handlers, the Z3 model's
// dispatch and the optimized engines' stream items use. spec: adding_a_mechanism.md#the-operations-table
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "l2/ref/bytes.hpp"

namespace l2::ref {

namespace operations_detail {

template <class Wanted, class... Ops>
constexpr std::size_t index_of() {
  constexpr std::array<bool, sizeof...(Ops)> matches = {std::is_same_v<Wanted, Ops>...};
  for (std::size_t i = 0; i < matches.size(); ++i)
    if (matches[i]) return i;
  return sizeof...(Ops);
}

// std::variant of the distinct types among Ts, in order of first appearance.
template <class Variant, class... Ts>
struct unique_variant {
  using type = Variant;
};
template <class... Seen, class T, class... Rest>
struct unique_variant<std::variant<Seen...>, T, Rest...> {
  using type = typename std::conditional_t<(std::is_same_v<T, Seen> || ...),
                                           unique_variant<std::variant<Seen...>, Rest...>,
                                           unique_variant<std::variant<Seen..., T>, Rest...>>::type;
};

}  // namespace operations_detail

template <class... Ops>
struct OperationTable {
  static_assert(sizeof...(Ops) > 0 && sizeof...(Ops) < 256, "an operation code is one byte");

  // An operation's code: its position in the table. The values 0 .. count - 1 are the operations;
  // the enumeration has no named values, because the table is the one place that names them.
  enum class Code : u8 {};

  static constexpr std::size_t count = sizeof...(Ops);
  // One alternative per distinct input type: what an engine's stream item holds.
  using InputVariant = typename operations_detail::unique_variant<std::variant<>, typename Ops::Input...>::type;
  static constexpr std::array<std::string_view, count> names = {Ops::name...};

  template <class Op>
  static constexpr Code code_of() {
    constexpr std::size_t index = operations_detail::index_of<Op, Ops...>();
    static_assert(index < count, "the operation is not in this table");
    return static_cast<Code>(index);
  }

  static constexpr std::size_t index(Code code) { return static_cast<std::size_t>(code); }
  static constexpr bool valid(Code code) { return index(code) < count; }
  static constexpr std::string_view name(Code code) { return valid(code) ? names[index(code)] : std::string_view{}; }

  static constexpr std::optional<Code> parse(std::string_view name) {
    for (std::size_t i = 0; i < count; ++i)
      if (names[i] == name) return static_cast<Code>(i);
    return std::nullopt;
  }

  // Calls f(std::type_identity<Op>{}) for every operation, in table order.
  template <class F>
  static constexpr void for_each(F&& f) {
    (f(std::type_identity<Ops>{}), ...);
  }

  // Whether `code` names an operation and `input` holds that operation's Input type.
  static constexpr bool input_matches(Code code, const InputVariant& input) {
    if (!valid(code)) return false;
    return visit(code, [&](auto op) { return std::holds_alternative<typename decltype(op)::type::Input>(input); });
  }

  // Calls f(std::type_identity<Op>{}) for the operation with this code and returns its result.
  // Contract: valid(code).
  template <class F>
  static constexpr decltype(auto) visit(Code code, F&& f) {
    return visit_from<0, Ops...>(index(code), f);
  }

 private:
  template <std::size_t I, class Op, class... Rest, class F>
  static constexpr decltype(auto) visit_from(std::size_t wanted, F& f) {
    if constexpr (sizeof...(Rest) == 0) {
      return f(std::type_identity<Op>{});
    } else {
      if (wanted == I) return f(std::type_identity<Op>{});
      return visit_from<I + 1, Rest...>(wanted, f);
    }
  }
};

}  // namespace l2::ref
