// A mechanism's formal face as the one registry sees it (tools/vectors/registry.cpp lists each
// mechanism once; its descriptor holds this entry): its obligations, the rules it can weaken, and
// the trace validation the audit runs. Each model builds its own entry: registry_entry() in its
// header, made with model_entry() below. spec: adding_a_mechanism.md#the-registry-line
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "l2/inv/obligation.hpp"

namespace l2::inv {

// The summary of a trace validation run, whatever the mechanism: reference traces replayed through
// the model's engine, step by step.
struct TraceReport {
  std::size_t traces = 0;
  std::size_t steps = 0;
  std::size_t accepted = 0;
  std::size_t disagreements = 0;
  std::vector<std::string> failures;            // the first disagreements, each naming trace, step and outcomes
  std::map<std::string, std::size_t> outcomes;  // "op: code" -> steps, where the model reports it
  // The first trace with a disagreement, printed in full: one trace_step_line per step, from its
  // first step to its last, so that an auditor can replay it. Empty when every trace agreed.
  std::vector<std::string> first_disagreeing_trace;
};

// One step of a trace printed in full: "step 3 at height 31: challenge {channel_id: 0x..}: reference
// PC-CHAL-2 (ERR_...), model ok  <- disagreement". `input` is the step's input as reflect::to_text
// prints it; `reference` and `model` are the two outcomes as the validator describes them.
std::string trace_step_line(std::size_t step, std::uint64_t height, std::string_view op, std::string_view input,
                            std::string_view reference, std::string_view model, bool agrees);

// The audit's trace validation stage of one mechanism: `traces` traces of at most `max_steps` steps.
struct TraceValidationStage {
  std::size_t traces = 0;
  std::size_t max_steps = 0;
  std::function<TraceReport(std::uint64_t seed, std::size_t traces, std::size_t max_steps,
                            const std::function<void(std::size_t done)>& progress)>
      run;
};

struct ModelEntry {
  std::string mechanism;
  std::function<std::vector<Obligation>(Depth)> obligations;
  // The names of the rules the model can weaken (`l2spec prove --weaken NAME`), and the
  // obligations against one of them. Contract: `name` is one of `weakenings`.
  std::vector<std::string> weakenings;
  std::function<std::vector<Obligation>(std::string_view name)> weakened;
  std::optional<TraceValidationStage> trace_validation;  // none: the model has no concrete engine
};

// The entry of a model whose namespace has a Weakening enum with `none`, all_weakenings,
// weakening_name, parse_weakening and obligations(Weakening, Depth), or obligations(Weakening)
// alone when its bounds are cheap at full depth (one list at both depths). Weakened obligations
// are built at full depth: the counterexamples they are for may need it.
template <class Weakening, std::size_t N, class Obligations>
ModelEntry model_entry(std::string mechanism, const std::array<Weakening, N>& weakenings,
                       std::string_view (*name_of)(Weakening), std::optional<Weakening> (*parse)(std::string_view),
                       Obligations obligations) {
  const auto at = [obligations](Weakening weakening, [[maybe_unused]] Depth depth) {
    if constexpr (std::is_invocable_v<Obligations, Weakening, Depth>) return obligations(weakening, depth);
    else return obligations(weakening);
  };
  ModelEntry entry{std::move(mechanism), [at](Depth depth) { return at(Weakening::none, depth); }, {}, nullptr, std::nullopt};
  for (Weakening w : weakenings) entry.weakenings.emplace_back(name_of(w));
  entry.weakened = [parse, at](std::string_view name) { return at(*parse(name), Depth::full); };
  return entry;
}

// The weakening named `name` ("none" included) among `all`, named by `name_of`: each model's
// parse_weakening.
template <class Weakening, std::size_t N>
std::optional<Weakening> parse_weakening_name(std::string_view name, const std::array<Weakening, N>& all,
                                              std::string_view (*name_of)(Weakening)) {
  if (name == name_of(Weakening::none)) return Weakening::none;
  for (Weakening w : all)
    if (name_of(w) == name) return w;
  return std::nullopt;
}

// A trace validation stage over a model's validate_random_traces (of the unweakened model), whose
// result has the fields of TraceReport (`outcomes` optional).
template <class Validate>
TraceValidationStage trace_validation_stage(std::size_t traces, std::size_t max_steps, Validate validate) {
  return TraceValidationStage{
      traces, max_steps,
      [validate](std::uint64_t seed, std::size_t count, std::size_t steps, const std::function<void(std::size_t)>& progress) {
        const auto result = validate(seed, count, steps, progress);
        TraceReport report{result.traces, result.steps, result.accepted, result.disagreements, result.failures, {},
                           result.first_disagreeing_trace};
        if constexpr (requires { result.outcomes; }) report.outcomes = result.outcomes;
        return report;
      }};
}

// The rules named by `l2spec prove --weaken NAME` among `models`. A name shared by several
// mechanisms selects one with a "<mechanism>:" prefix; without a prefix every mechanism that has
// the name is returned.
struct WeakenedObligations {
  std::vector<const ModelEntry*> entries;
  std::string name;  // without its prefix
};
WeakenedObligations find_weakening(const std::vector<const ModelEntry*>& models, std::string_view name);

// The primitives' entry: obligations only (no weakening, no engine).
ModelEntry primitives_model_entry();

}  // namespace l2::inv
