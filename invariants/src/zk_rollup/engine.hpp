// The engine's state: one Z3 context and the model's transition relation over every op, built once;
// its hash interning table and the reader of Z3 values are l2/inv/concrete_engine.hpp's.
// spec: zk_rollup.md#engines-and-missing-faces
#pragma once

#include <optional>

#include "l2/inv/concrete_engine.hpp"
#include "model.hpp"

namespace l2::inv::zk_rollup::model {

// The hash interning table and the reader of a Z3 model's values, shared with the other engines.
using inv::Interner;
using inv::Reader;

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
