// A counterexample realised concretely: the trace of typed steps (the operations table's codes and
// input structs, the mechanism's states) that a model builds from a Z3 model of an obligation's
// negation. The formal layer stops at typed values; the vectors layer renders them as a vector case
// (l2/vectors/counterexample.hpp), so the models include no JSON. spec: vectors.md#counterexample-cases
#pragma once

#include <any>
#include <string>
#include <variant>
#include <vector>

#include "l2/ref/bytes.hpp"

namespace l2::inv {

// A step the model rejects: the stable code, its rule ID and the reason the case states. A code
// is text because a weakening may restore a rule the reference no longer has.
struct Rejection {
  std::string error;
  std::string rule;
  std::string reason;
};

// The steps of a counterexample over one operations table (l2/ref/operations.hpp) and one vector
// state: each step's expected outcome is the post-state or the rejection.
template <class Operations, class State>
struct CounterexampleTrace {
  struct Step {
    typename Operations::Code op;
    u64 height = 0;
    typename Operations::InputVariant input;
    std::variant<State, Rejection> expect;
  };
  State pre_state;
  std::vector<Step> steps;

  // Appends a step, with its expected outcome as the model gives it.
  template <class Op>
  void add(u64 height, const typename Op::Input& input, std::variant<State, Rejection> expect) {
    steps.push_back(Step{Operations::template code_of<Op>(), height, input, std::move(expect)});
  }
};

// What an obligation's witness returns: the case's metadata and the mechanism's typed trace
// (a CounterexampleTrace of the mechanism's operations table and vector state, which its renderer
// in the vectors layer names).
struct Counterexample {
  std::string obligation_id;       // the case is named after it
  std::string description;         // "counterexample to <id>: <statement> ..."
  std::vector<std::string> rules;  // the rules the case exercises
  Hash32 seed{};                   // what the case's keys are derived from
  std::any trace;
};

}  // namespace l2::inv
