// Counterexamples as vector cases: the vectors layer renders the typed trace a model builds
// (l2/inv/counterexample.hpp) as a case of suite `counterexample`, in the same shape as every
// generated case. A mechanism names its renderer in its registry descriptor
// (Mechanism::counterexample). spec: vectors.md#counterexample-cases
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include "l2/codec/json.hpp"
#include "l2/inv/counterexample.hpp"
#include "l2/vectors/framework.hpp"

namespace l2::vectors {

// The case name of an obligation's counterexample: its ID in lower case, every other character
// than a letter or digit replaced by '_'.
std::string counterexample_case_name(std::string_view obligation_id);

// The case document of a counterexample whose trace is a CounterexampleTrace<Operations, State>:
// each state is written by `state_json` and committed by `state_root`.
template <class Operations, class State>
json render_counterexample(std::string_view mechanism, const inv::Counterexample& counterexample,
                           const std::function<json(const State&)>& state_json,
                           const std::function<Hash32(const State&)>& state_root) {
  using Trace = inv::CounterexampleTrace<Operations, State>;
  const Trace& trace = std::any_cast<const Trace&>(counterexample.trace);
  json steps = json::array();
  for (const typename Trace::Step& step : trace.steps) {
    Outcome outcome;
    if (const State* post = std::get_if<State>(&step.expect)) {
      outcome = Outcome::ok(state_json(*post), to_hex(state_root(*post)));
    } else {
      const inv::Rejection& rejection = std::get<inv::Rejection>(step.expect);
      outcome = Outcome::invalid(rejection.error, rejection.rule, rejection.reason);
    }
    steps.push_back({{"op", std::string(Operations::name(step.op))},
                     {"height", std::to_string(step.height)},
                     {"input", std::visit([](const auto& input) { return codec::to_json(input); }, step.input)},
                     {"expect", outcome_to_json(outcome)}});
  }
  return {{"schema", case_schema},
          {"schema_version", schema_version},
          {"generator", generator_version},
          {"mechanism", std::string(mechanism)},
          {"suite", "counterexample"},
          {"case", counterexample_case_name(counterexample.obligation_id)},
          {"description", counterexample.description},
          {"rules", counterexample.rules},
          {"seed", to_hex(counterexample.seed)},
          {"pre_state", state_json(trace.pre_state)},
          {"steps", steps}};
}

// A mechanism's renderer, for its descriptor, when its states are written by codec::to_json.
template <class Operations, class State>
std::function<json(const inv::Counterexample&)> counterexample_renderer(std::string_view mechanism,
                                                                        Hash32 (*state_root)(const State&)) {
  return [mechanism = std::string(mechanism), state_root](const inv::Counterexample& counterexample) {
    return render_counterexample<Operations, State>(
        mechanism, counterexample, [](const State& state) { return codec::to_json(state); }, state_root);
  };
}

}  // namespace l2::vectors
