// The run-time mutant selector of a schematized reference. tools/mutate/schemata.py copies this file
// into the schematized tree as l2/ref/mutant.hpp and rewrites every mutation point of the reference
// headers to ask it whether its mutant is the active one. Not part of the reference: the committed
// tree never includes it (l2spec's `mutate` command detects it with __has_include).
//
// One build serves every mutant: the active one comes from the environment (L2_MUTANT=<id>; unset
// or 0: none) or, in the vector replay's forked children, from set_active(). Constant evaluation
// never sees a mutant, so static_assert tests always check the original reference.
//
// Two things are recorded for the active mutant: whether its point was reached, and whether the
// mutated value there differed from the original one (the mutant "infected" the run). With
// L2_MUTANT_TRACE=<file> set and no mutant active, every point reached is appended to the file
// once, which is how a test's coverage of mutation points is measured.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <vector>

namespace l2::mutation {

class Selector {
 public:
  Selector() {
    if (const char* id = std::getenv("L2_MUTANT")) active_ = std::strtol(id, nullptr, 10);
    trace_path_ = std::getenv("L2_MUTANT_TRACE");
  }

  // Whether point `id` is the active mutant; records reaching it.
  bool active(long id) {
    if (active_ == 0) {
      if (trace_path_ != nullptr) trace(id);
      return false;
    }
    if (id != active_) return false;
    reached_ = true;
    return true;
  }
  void infect() { infected_ = true; }

  void set_active(long id) {
    active_ = id;
    reached_ = false;
    infected_ = false;
  }
  long active_id() const { return active_; }
  bool reached() const { return reached_; }
  bool infected() const { return infected_; }

 private:
  // Appends `id` once, at once: a test that ends in _exit or a death-test child still records it.
  void trace(long id) {
    if (id <= 0) return;
    const auto index = static_cast<std::size_t>(id);
    if (index >= traced_.size()) traced_.resize(index + 1, 0);
    if (traced_[index] != 0) return;
    traced_[index] = 1;
    if (std::FILE* file = std::fopen(trace_path_, "a")) {
      std::fprintf(file, "%ld\n", id);
      std::fclose(file);
    }
  }

  long active_ = 0;
  const char* trace_path_ = nullptr;
  bool reached_ = false;
  bool infected_ = false;
  std::vector<unsigned char> traced_;
};

inline Selector& selector() {
  static Selector instance;
  return instance;
}

// A mutated value: records the infection when it differs from the original.
template <class T>
constexpr T infected_if_different(const T& mutated, const T& original) {
  if (!(mutated == original)) selector().infect();
  return mutated;
}

// An if condition with its negation (`negate`) and its removal (`drop`: the check never fires).
constexpr bool condition(bool original, long negate, long drop) {
  if (std::is_constant_evaluated()) return original;
  if (selector().active(negate)) return infected_if_different(!original, original);
  if (selector().active(drop)) return infected_if_different(false, original);
  return original;
}

enum class Relation { less, less_equal, greater, greater_equal, equal, not_equal };

// The operands keep their own types, so the usual arithmetic conversions are those of the original
// expression (a literal 0 against a size_t): the sign-compare warning would only repeat them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
template <Relation R, class A, class B>
constexpr bool holds(const A& a, const B& b) {
  if constexpr (R == Relation::less) return a < b;
  else if constexpr (R == Relation::less_equal) return a <= b;
  else if constexpr (R == Relation::greater) return a > b;
  else if constexpr (R == Relation::greater_equal) return a >= b;
  else if constexpr (R == Relation::equal) return a == b;
  else return a != b;
}
#pragma GCC diagnostic pop

// The operator a flip turns R into: strictness for orderings, the opposite for equality.
constexpr Relation flipped(Relation r) {
  switch (r) {
    case Relation::less: return Relation::less_equal;
    case Relation::less_equal: return Relation::less;
    case Relation::greater: return Relation::greater_equal;
    case Relation::greater_equal: return Relation::greater;
    case Relation::equal: return Relation::not_equal;
    case Relation::not_equal: return Relation::equal;
  }
  return r;
}

// `a R b`, with its flipped operator (mutant `flip`) and, for a height comparison, b moved by +1 or
// -1 in its own type (mutants `plus` and `minus`; 0 where the point has no such mutant).
template <Relation R, long flip, long plus, long minus, class A, class B>
constexpr bool compare(const A& a, const B& b) {
  static_assert(plus == 0 || std::is_arithmetic_v<B>, "a height comparison whose right side is not a number");
  const bool original = holds<R>(a, b);
  if (std::is_constant_evaluated()) return original;
  if (selector().active(flip)) return infected_if_different(holds<flipped(R)>(a, b), original);
  if constexpr (plus != 0) {
    if (selector().active(plus)) return infected_if_different(holds<R>(a, static_cast<B>(b + 1)), original);
    if (selector().active(minus)) return infected_if_different(holds<R>(a, static_cast<B>(b - 1)), original);
  }
  return original;
}

// Whether mutant `id` is active here (an error code, a skipped update, a swapped participant):
// reaching such a point with it active always changes what runs, so it also records the infection.
inline bool active(long id) {
  if (!selector().active(id)) return false;
  selector().infect();
  return true;
}

}  // namespace l2::mutation

#define L2_MUTANT(id) (!std::is_constant_evaluated() && ::l2::mutation::active(id))
