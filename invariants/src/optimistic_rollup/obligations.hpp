// The obligations' shared machinery: building an Obligation from a negation that can also state its
// premise, and a context for the contract model. spec: optimistic_rollup.md#the-z3-model
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "contract_model.hpp"
#include "l2_model.hpp"

namespace l2::inv::optimistic_rollup::model {

constexpr std::string_view mechanism_name = "optimistic_rollup";

// A counterexample realised as a concrete trace (l2/inv/counterexample.hpp), or nullopt when it cannot be.
using Realiser = std::function<std::optional<Counterexample>(const z3::model&, const std::string& id, const std::string& statement)>;

// `negation(ctx, solver, claim)`: with claim, the hypotheses and the negated claim (every model is a
// counterexample); without, the hypotheses alone with the obligation's boundary, which must be
// satisfiable (obligation.hpp: a vacuous proof is a failure). `premise`: the hypotheses in words
// (Obligation::premise).
Obligation make(std::string invariant, std::string transition, Kind kind, std::string statement, std::string premise,
                std::function<void(z3::context&, z3::solver&, bool claim)> negation, Realiser realise = nullptr);

// One contract obligation's context: the model (with the weakening), a deployed configuration, and
// the claim-or-premise switch.
struct Context {
  z3::context& ctx;
  z3::solver& solver;
  ContractModel m;
  Config cfg;
  bool claim;
  Context(z3::context& c, z3::solver& s, Weakening weakening, bool negate_claim)
      : ctx(c), solver(s), m(c, weakening), cfg(m.config("cfg")), claim(negate_claim) {
    solver.add(m.config_valid(cfg));
  }
};

// `premise` in words; make_contract adds what every Context assumes (the deployment's rules, the slots,
// the weakening).
Obligation make_contract(std::string invariant, std::string transition, Kind kind, std::string statement,
                         std::string premise, Weakening weakening, std::function<void(Context&)> negation,
                         Realiser realise = nullptr);

// The invariants of `parts` (contract_model.hpp's bits), by name, in words, with the typing every
// state satisfies.
std::string invariants_words(unsigned parts);

// The parts of the mechanism's list.
std::vector<Obligation> contract_obligations(Weakening weakening);
std::vector<Obligation> l2_obligations();
std::vector<Obligation> liveness_obligations(Weakening weakening);

// Counterexamples as vector cases (counterexamples.cpp).
Realiser one_step_realiser(Weakening weakening, Op op);
Realiser honest_challenger_realiser(Weakening weakening);
Realiser no_batch_after_revert_realiser(Weakening weakening);
Realiser honest_operator_realiser(Weakening weakening);

}  // namespace l2::inv::optimistic_rollup::model
