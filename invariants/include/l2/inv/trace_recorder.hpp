// The parts shared by the trace validations that replay pseudo-random reference contract traces
// through a model's engine (zk_rollup, optimistic_rollup; payment_channel uses `filled`): the random
// source, and the report's bookkeeping (disagreements, the first disagreeing trace in full,
// progress). spec: adding_a_mechanism.md
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "l2/inv/registry.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/reflect.hpp"

namespace l2::inv {

// The hash with every byte `tag`.
inline Hash32 filled(u8 tag) {
  Hash32 h{};
  h.fill(tag);
  return h;
}

// A trace's random choices, deterministic in the seed.
class TraceRandom {
 public:
  explicit TraceRandom(std::uint64_t seed) : engine_(seed) {}
  // Uniform in [0, bound); 0 when bound is 0.
  u64 below(u64 bound) { return bound == 0 ? 0 : std::uniform_int_distribution<u64>(0, bound - 1)(engine_); }
  bool one_in(u64 n) { return below(n) == 0; }
  template <class T>
  const T& among(const std::vector<T>& values) {
    return values[static_cast<std::size_t>(below(values.size()))];
  }

 private:
  std::mt19937_64 engine_;
};

// A trace validation's bookkeeping in its report (a model's TraceValidation): each disagreement
// counted and the first ten kept, naming trace, step and op; each trace's lines kept while no
// earlier trace disagreed, and made the report's first disagreeing trace when this one does.
class TraceRecorder {
 public:
  TraceRecorder(TraceReport& report, const std::function<void(std::size_t done)>& progress)
      : report_(report), progress_(progress) {}

  // A disagreement at step `s` (op `op`) of trace `t`.
  void fail(std::size_t t, std::size_t s, std::string_view op, const std::string& what) {
    ++report_.disagreements;
    if (report_.failures.size() < 10)
      report_.failures.push_back("trace " + std::to_string(t) + " step " + std::to_string(s) + " (" + std::string(op) +
                                 "): " + what);
  }

  // A trace starts: its lines are kept when no earlier trace disagreed.
  void begin_trace() {
    disagreements_before_ = report_.disagreements;
    lines_.clear();
    recording_ = report_.first_disagreeing_trace.empty();
  }
  bool recording() const { return recording_; }
  void line(std::string text) {
    if (recording_) lines_.push_back(std::move(text));
  }
  // The trace ends (after ++report.traces): kept when it disagreed, and `progress` told.
  void end_trace() {
    if (recording_ && report_.disagreements > disagreements_before_) report_.first_disagreeing_trace = std::move(lines_);
    if (progress_) progress_(report_.traces);
  }

  // Deploy of trace `t` (its step 0): the reference's verdict `want` against the model's `got`.
  template <class Input, class Error>
  void deploy(std::size_t t, const Input& input, Error want, Error got) {
    if (got != want)
      fail(t, 0, "deploy", "reference " + std::string(error_info(want).code) + ", model " + std::string(error_info(got).code));
    if (recording_)
      line("trace " + std::to_string(t) + ", step 0: deploy " + reflect::to_text(input) + ": reference " +
           std::string(error_info(want).code) + ", model " + std::string(error_info(got).code) +
           (got == want ? "" : "  <- disagreement"));
  }

  // Step `s` of trace `t`: the engine's outcome `model` against the reference's: an engine problem,
  // another error, or (both accepting) other effects by `same_effects` is a disagreement, told with
  // `describe` of the reference's outcome (and reflect::diff of the post-states). Returns whether
  // they agree.
  template <class Transition, class Outcome, class SameEffects, class Describe>
  bool compare(std::size_t t, std::size_t s, std::string_view op, const Transition& reference, const Outcome& model,
               SameEffects same_effects, Describe describe) {
    using Error = decltype(model.error);
    if (!model.problem.empty()) {
      fail(t, s, op, "reference " + describe(reference) + "; engine: " + model.problem);
    } else if (model.error != (reference ? Error::none : reference.error())) {
      fail(t, s, op, "reference " + describe(reference) + ", engine " + std::string(error_info(model.error).code));
    } else if (reference && !same_effects(reference.value(), model.effects)) {
      fail(t, s, op, "reference " + describe(reference) + ", engine ok with other effects: " +
                         reflect::diff(reference.value().contract, model.effects.contract));
    } else {
      return true;
    }
    return false;
  }

  // The line of step `s` (its height and input from `step`), with both outcomes in words
  // (trace_step_line); the callables are called only while the trace is recorded.
  template <class Step, class ReferenceWords, class ModelWords>
  void step_line(std::size_t s, const Step& step, std::string_view op, ReferenceWords reference, ModelWords model,
                 bool agrees) {
    if (!recording_) return;
    line(trace_step_line(s, step.height, op, std::visit([](const auto& input) { return reflect::to_text(input); }, step.input),
                         reference(), model(), agrees));
  }

 private:
  TraceReport& report_;
  const std::function<void(std::size_t done)>& progress_;
  std::size_t disagreements_before_ = 0;
  std::vector<std::string> lines_;
  bool recording_ = false;
};

}  // namespace l2::inv
