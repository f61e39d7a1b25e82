// Turns typed functions into op handlers. Inputs and outputs are reflected structs, so decoding,
// the JSON form and the state commitment all come from one declaration. An input that does not
// decode is `malformed`; a returned error code is `invalid` with the code's rule ID.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "l2/codec/json.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/vectors/framework.hpp"

namespace l2::vectors {

// The commitment to a stateless op's result: H_tag("L2/vectors/state_root", canonical encoding).
template <class T>
Hash32 output_root(const T& value) {
  const Bytes encoded = reflect::encode(value);
  return ref::tagged_hash("L2/vectors/state_root", encoded);
}

template <class E>
Outcome rejection(E error) {
  const auto info = error_info(error);  // found by ADL next to each mechanism's error enum
  return Outcome::invalid(std::string(info.code), std::string(info.rule_id), std::string(info.summary));
}

template <class In, class Out, class E>
using PureFn = std::function<Result<Out, E>(const In&)>;

// A model engine of a stateless op: the step's outcome itself, so that it can report a step it
// could not model (Outcome::invalid("MODEL_FAILURE", ...)).
template <class In>
using StatelessEngine = std::function<StepResult(const In&)>;

// An op with no state: pre_state must be null and each implementation maps In to Out or an error.
// An empty std::function means that implementation has no engine for this op.
template <class In, class Out, class E>
OpHandler stateless_op(std::string op, std::string summary, PureFn<In, Out, E> reference,
                       PureFn<In, Out, E> optimized, StatelessEngine<In> model = {}) {
  OpHandler handler;
  handler.op = std::move(op);
  handler.summary = std::move(summary);
  handler.optimized_engine = static_cast<bool>(optimized);
  handler.model_engine = static_cast<bool>(model);
  handler.apply = [reference = std::move(reference), optimized = std::move(optimized), model = std::move(model)](
                      Impl impl, const json& state, const json& input, std::uint64_t) -> StepResult {
    const PureFn<In, Out, E>* fn = nullptr;
    if (impl == Impl::reference) fn = &reference;
    if (impl == Impl::optimized && optimized) fn = &optimized;
    if (fn == nullptr && !(impl == Impl::model && model)) return StepResult{false, {}};
    if (!state.is_null()) return StepResult{true, Outcome::malformed("this operation takes no pre-state")};
    auto decoded = codec::from_json<In>(input);
    if (!decoded.ok()) return StepResult{true, Outcome::malformed(decoded.error().message)};
    if (fn == nullptr) return model(decoded.value());
    const Result<Out, E> result = (*fn)(decoded.value());
    if (!result.ok()) return StepResult{true, rejection(result.error())};
    return StepResult{true, Outcome::ok(codec::to_json(result.value()), to_hex(output_root(result.value())))};
  };
  return handler;
}

template <class State, class In, class E>
using TransitionFn = std::function<Result<State, E>(const State&, const In&, std::uint64_t height)>;

// A model engine of an op over a state: the step's outcome itself (see StatelessEngine).
template <class State, class In>
using TransitionEngine = std::function<StepResult(const State&, const In&, std::uint64_t height)>;

// An op over a state: the post-state's commitment comes from `state_root`, and a rejected step
// leaves the state as it was.
template <class State, class In, class E>
OpHandler transition_op(std::string op, std::string summary, TransitionFn<State, In, E> reference,
                        TransitionFn<State, In, E> optimized, std::function<Hash32(const State&)> state_root,
                        TransitionEngine<State, In> model = {}) {
  OpHandler handler;
  handler.op = std::move(op);
  handler.summary = std::move(summary);
  handler.optimized_engine = static_cast<bool>(optimized);
  handler.model_engine = static_cast<bool>(model);
  handler.apply = [reference = std::move(reference), optimized = std::move(optimized),
                   state_root = std::move(state_root), model = std::move(model)](
                      Impl impl, const json& state, const json& input, std::uint64_t height) -> StepResult {
    const TransitionFn<State, In, E>* fn = nullptr;
    if (impl == Impl::reference) fn = &reference;
    if (impl == Impl::optimized && optimized) fn = &optimized;
    if (fn == nullptr && !(impl == Impl::model && model)) return StepResult{false, {}};
    auto decoded_state = codec::from_json<State>(state);
    if (!decoded_state.ok()) return StepResult{true, Outcome::malformed("pre-state: " + decoded_state.error().message)};
    auto decoded = codec::from_json<In>(input);
    if (!decoded.ok()) return StepResult{true, Outcome::malformed(decoded.error().message)};
    if (fn == nullptr) return model(decoded_state.value(), decoded.value(), height);
    const Result<State, E> result = (*fn)(decoded_state.value(), decoded.value(), height);
    if (!result.ok()) return StepResult{true, rejection(result.error())};
    return StepResult{true, Outcome::ok(codec::to_json(result.value()), to_hex(state_root(result.value())))};
  };
  return handler;
}

// The outcome of an accepted or rejected transition, with the post-state's commitment.
template <class State, class E>
StepResult transition_result(const Result<State, E>& result, const std::function<Hash32(const State&)>& state_root) {
  if (!result.ok()) return StepResult{true, rejection(result.error())};
  return StepResult{true, Outcome::ok(codec::to_json(result.value()), to_hex(state_root(result.value())))};
}

// An implementation with no engine for any op of a table.
struct NoEngine {};

// Whether `Engine` has an engine for `Op`: NoEngine for none; an engine that has some ops only
// declares `template <class Op> static constexpr bool handles`; any other engine has every op.
template <class Engine, class Op>
constexpr bool engine_handles() {
  if constexpr (std::is_same_v<Engine, NoEngine>) {
    return false;
  } else if constexpr (requires { Engine::template handles<Op>; }) {
    return Engine::template handles<Op>;
  } else {
    return true;
  }
}

// How the vectors' state of a mechanism relates to the state its operations table acts on. The
// default: they are the same. A mechanism whose vector state wraps the table's state (the rollup's
// contract plus the effects of the step that produced it) provides `input_state` and `output`.
template <class State>
struct SameState {
  static const State& input_state(const State& state) { return state; }
  template <class Transition>
  static Transition output(Transition&& result) {
    return std::forward<Transition>(result);
  }
};

// The vector handlers of a mechanism's operations table (l2/ref/operations.hpp): one per op, named
// by the table, decoding the table's input type. The reference is Op::apply with the Env that
// `env_of(height)` makes, on Adapter::input_state(the vector state), its result mapped by
// Adapter::output to a Result<VectorState, E>. `optimized` and `model` are engines, callables
// `(std::type_identity<Op>, const VectorState&, const Op::Input&, u64 height) -> StepResult`, or
// NoEngine when that implementation has none; an engine for some ops only says which
// (engine_handles).
template <class Table, class VectorState, class Adapter = SameState<VectorState>, class EnvOf, class Optimized = NoEngine,
          class Model = NoEngine>
std::vector<OpHandler> table_ops(std::function<Hash32(const VectorState&)> state_root, EnvOf env_of,
                                 Optimized optimized = {}, Model model = {}) {
  std::vector<OpHandler> handlers;
  Table::for_each([&](auto op) {
    using Op = typename decltype(op)::type;
    using In = typename Op::Input;
    static_assert(std::is_same_v<typename Op::State,
                                 std::decay_t<decltype(Adapter::input_state(std::declval<const VectorState&>()))>>,
                  "every op of the table acts on the state the adapter reads");
    constexpr bool has_optimized = engine_handles<Optimized, Op>();
    constexpr bool has_model = engine_handles<Model, Op>();
    OpHandler handler;
    handler.op = std::string(Op::name);
    handler.summary = "apply_" + handler.op;
    handler.optimized_engine = has_optimized;
    handler.model_engine = has_model;
    handler.apply = [=](Impl impl, const json& state, const json& input, std::uint64_t height) -> StepResult {
      if ((impl == Impl::optimized && !has_optimized) || (impl == Impl::model && !has_model)) return StepResult{false, {}};
      auto decoded_state = codec::from_json<VectorState>(state);
      if (!decoded_state.ok()) return StepResult{true, Outcome::malformed("pre-state: " + decoded_state.error().message)};
      auto decoded = codec::from_json<In>(input);
      if (!decoded.ok()) return StepResult{true, Outcome::malformed(decoded.error().message)};
      if (impl == Impl::optimized) {
        if constexpr (has_optimized) return optimized(std::type_identity<Op>{}, decoded_state.value(), decoded.value(), height);
      } else if (impl == Impl::model) {
        if constexpr (has_model) return model(std::type_identity<Op>{}, decoded_state.value(), decoded.value(), height);
      }
      return transition_result(
          Adapter::output(Op::apply(Adapter::input_state(decoded_state.value()), decoded.value(), env_of(height))),
          state_root);
    };
    handlers.push_back(std::move(handler));
  });
  return handlers;
}

// A `deploy` handler: no pre-state; the post-state is the new state, committed by `state_root`.
// `optimized` and `model` are engines `(const Input&) -> StepResult`, empty for none.
template <class Input, class State, class E>
OpHandler deploy_op(std::function<Result<State, E>(const Input&)> reference, std::function<Hash32(const State&)> state_root,
                    std::function<StepResult(const Input&)> optimized, std::function<StepResult(const Input&)> model) {
  OpHandler handler;
  handler.op = "deploy";
  handler.summary = "deploy";
  handler.optimized_engine = static_cast<bool>(optimized);
  handler.model_engine = static_cast<bool>(model);
  handler.apply = [=](Impl impl, const json& state, const json& input, std::uint64_t) -> StepResult {
    const auto* engine = impl == Impl::optimized ? &optimized : impl == Impl::model ? &model : nullptr;
    if (engine != nullptr && !*engine) return StepResult{false, {}};
    if (!state.is_null()) return StepResult{true, Outcome::malformed("deploy takes no pre-state")};
    auto decoded = codec::from_json<Input>(input);
    if (!decoded.ok()) return StepResult{true, Outcome::malformed(decoded.error().message)};
    if (engine != nullptr) return (*engine)(decoded.value());
    return transition_result(reference(decoded.value()), state_root);
  };
  return handler;
}

// Cases under construction. Each CaseSpec keeps its address while later cases are added, so a
// builder may hold a reference to the one it fills.
class CaseBook {
 public:
  explicit CaseBook(std::string mechanism) : mechanism_(std::move(mechanism)) {}

  CaseSpec& add(std::string suite, std::string name, std::string description, std::vector<std::string> rules) {
    auto spec = std::make_unique<CaseSpec>();
    spec->seed = case_seed(mechanism_, suite, name);
    spec->suite = std::move(suite);
    spec->name = std::move(name);
    spec->description = std::move(description);
    spec->rules = std::move(rules);
    specs_.push_back(std::move(spec));
    return *specs_.back();
  }
  void mark_adversarial(std::string attack, std::string party) {
    specs_.back()->adversarial = Adversarial{std::move(attack), std::move(party)};
  }
  std::vector<CaseSpec> take() {
    std::vector<CaseSpec> out;
    for (auto& spec : specs_) out.push_back(std::move(*spec));
    return out;
  }

 private:
  std::string mechanism_;
  std::vector<std::unique_ptr<CaseSpec>> specs_;
};

}  // namespace l2::vectors
