// The parts shared by the model engines that run one concrete step through a model's transition
// relation with hashes interned as 64-bit values (zk_rollup, optimistic_rollup): the interning
// table, reading a Z3 model's values back, and the checks that the relation admits an outcome and
// no second one. spec: adding_a_mechanism.md
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <z3++.h>

#include "l2/ref/bytes.hpp"

namespace l2::inv {

// Hashes to the model's 64-bit values and back: equal hashes, equal values; distinct hashes,
// distinct values. 0 is the all-zero hash.
class Interner {
 public:
  Interner() {
    forward_.emplace(Hash32{}, 0);
    backward_.emplace(0, Hash32{});
  }
  std::uint64_t operator()(const Hash32& h) {
    const auto [it, added] = forward_.try_emplace(h, forward_.size());
    if (added) backward_.emplace(it->second, h);
    return it->second;
  }
  std::optional<Hash32> lookup(std::uint64_t value) const {
    const auto it = backward_.find(value);
    if (it == backward_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<Hash32, std::uint64_t> forward_;
  std::map<std::uint64_t, Hash32> backward_;
};

// Reads a model's value of an integer, Boolean, 8-bit code or interned hash term; `ok` turns false
// on a value outside the expected range (a modelling error) or a hash no concrete value stands for.
// The first problem is kept.
class Reader {
 public:
  Reader(const z3::model& model, const Interner& interner) : model_(model), interner_(interner) {}
  u64 number(const z3::expr& e) {
    const z3::expr v = model_.eval(e, true);
    std::uint64_t out = 0;
    if (!v.is_numeral_u64(out)) {
      if (problem_.empty()) problem_ = "the model gives " + v.to_string() + " for " + e.to_string() + ", not a u64";
      return 0;
    }
    return out;
  }
  // The value when it is a u64 (no problem recorded otherwise).
  std::optional<u64> number_if_u64(const z3::expr& e) const {
    std::uint64_t out = 0;
    if (!model_.eval(e, true).is_numeral_u64(out)) return std::nullopt;
    return out;
  }
  bool boolean(const z3::expr& e) { return model_.eval(e, true).is_true(); }
  unsigned small(const z3::expr& e) { return static_cast<unsigned>(number(e)); }  // an 8-bit code
  Hash32 hash(const z3::expr& e) {
    const std::optional<Hash32> h = interner_.lookup(number(e));
    if (!h) {
      if (problem_.empty()) problem_ = "the model gives a hash no concrete value stands for: " + e.to_string();
      return Hash32{};
    }
    return *h;
  }
  z3::expr value(const z3::expr& e) { return model_.eval(e, true); }
  bool ok() const { return problem_.empty(); }
  const std::string& problem() const { return problem_; }

 private:
  const z3::model& model_;
  const Interner& interner_;
  std::string problem_;
};

// A step's outcome read from a first model: the outcome terms read, each with its value there (for
// second_outcome_problem), and the outcome lifted to concrete values.
template <class Outcome>
struct ReadOutcome {
  std::vector<z3::expr> terms;
  std::vector<z3::expr> values;
  Outcome lifted;
  // Records `e` as an outcome term, with its value in the model `read` reads.
  void term(Reader& read, const z3::expr& e) {
    terms.push_back(e);
    values.push_back(read.value(e));
  }
};

// Checks the solver's assertions (a step's relation with its projection): "" when some outcome
// satisfies them, otherwise the problem (the step outside the relation's domain, or z3's reason
// for giving up).
inline std::string no_outcome_problem(z3::solver& solver) {
  const z3::check_result first = solver.check();
  if (first == z3::sat) return "";
  return first == z3::unsat ? "the model admits no outcome: the step is outside its domain" : "z3: " + solver.reason_unknown();
}

// After a first model gave `values` to the outcome `terms`: asserts, in the solver's current scope
// (the caller pops it), that some term takes another value, and checks again. "" when the outcome
// is the only one; otherwise the problem, with `ambiguous` set when a second outcome exists (naming
// the first term that differs) rather than z3 giving up.
inline std::string second_outcome_problem(z3::solver& solver, const std::vector<z3::expr>& terms,
                                          const std::vector<z3::expr>& values, bool& ambiguous) {
  z3::expr other = solver.ctx().bool_val(false);
  for (std::size_t i = 0; i < terms.size(); ++i) other = other || terms[i] != values[i];
  solver.add(other);
  const z3::check_result second = solver.check();
  if (second == z3::unsat) return "";
  if (second != z3::sat) return "z3: " + solver.reason_unknown();
  ambiguous = true;
  const z3::model again = solver.get_model();
  std::string differs;
  for (std::size_t i = 0; i < terms.size() && differs.empty(); ++i)
    if (!z3::eq(again.eval(terms[i], true), values[i]))
      differs = ": " + terms[i].to_string() + " may be " + values[i].to_string() + " or " + again.eval(terms[i], true).to_string();
  return "the model admits a second outcome" + differs;
}

}  // namespace l2::inv
