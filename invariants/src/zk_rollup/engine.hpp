// The engine's shared parts: the hash interning table, reading Z3 values back, and the engine's
// state (one Z3 context and the model's transition relation over every op, built once).
// spec: zk_rollup.md#engines-and-missing-faces
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "model.hpp"

namespace l2::inv::zk_rollup::model {

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

// Reads a model's value of an integer, Boolean, code or hash term; `ok` turns false on a value
// outside the expected range (a modelling error) or a hash no concrete value stands for.
class Reader {
 public:
  Reader(const z3::model& model, const Interner& interner) : model_(model), interner_(interner) {}
  u64 number(const expr& e) {
    const expr v = model_.eval(e, true);
    std::uint64_t out = 0;
    if (!v.is_numeral_u64(out)) {
      if (problem_.empty()) problem_ = "the model gives " + v.to_string() + " for " + e.to_string() + ", not a u64";
      return 0;
    }
    return out;
  }
  bool boolean(const expr& e) { return model_.eval(e, true).is_true(); }
  Hash32 hash(const expr& e) {
    const std::optional<Hash32> h = interner_.lookup(number(e));
    if (!h) {
      if (problem_.empty()) problem_ = "the model gives a hash no concrete value stands for: " + e.to_string();
      return Hash32{};
    }
    return *h;
  }
  expr value(const expr& e) { return model_.eval(e, true); }
  bool ok() const { return problem_.empty(); }
  const std::string& problem() const { return problem_; }

 private:
  const z3::model& model_;
  const Interner& interner_;
  std::string problem_;
};

}  // namespace l2::inv::zk_rollup::model

namespace l2::inv::zk_rollup {

// One Z3 context; the relation of any op (the call's op code selects), with its domain asserted.
struct Engine::Impl {
  Impl(Weakening w, SignatureOracle o)
      : weakening(w),
        oracle(std::move(o)),
        m(ctx, w),
        cfg(m.config("env")),
        pre(m.contract("pre")),
        in(m.call("in")),
        out(m.step(cfg, pre, in, std::nullopt)),
        solver(ctx) {
    solver.add(out.domain);
  }

  z3::context ctx;
  Weakening weakening;
  SignatureOracle oracle;
  model::Interner interner;
  model::Model m;
  model::Config cfg;
  model::Contract pre;
  model::Call in;
  model::Step out;
  z3::solver solver;
};

}  // namespace l2::inv::zk_rollup
