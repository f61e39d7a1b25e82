#include "l2/inv/obligation.hpp"

#include <sstream>

namespace l2::inv {

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::initiation: return "initiation";
    case Kind::consecution: return "consecution";
    case Kind::bmc: return "bmc";
    case Kind::safety: return "safety";
  }
  return "unknown";
}

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::proved: return "proved";
    case Verdict::counterexample: return "counterexample";
    case Verdict::unknown: return "unknown";
  }
  return "unknown";
}

std::string_view depth_name(Depth depth) { return depth == Depth::small ? "small" : "full"; }

std::optional<Depth> parse_depth(std::string_view name) {
  for (Depth depth : {Depth::small, Depth::full})
    if (depth_name(depth) == name) return depth;
  return std::nullopt;
}

std::string Obligation::id() const {
  std::string out = mechanism + "__" + invariant + "__" + transition + "__" + std::string(kind_name(kind));
  for (char& c : out) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!safe) c = '_';
  }
  return out;
}

Obligation make_obligation(std::string mechanism, std::string invariant, std::string transition, Kind kind,
                           std::string statement, std::function<void(z3::context&, z3::solver&)> assert_negation) {
  Obligation o;
  o.mechanism = std::move(mechanism);
  o.invariant = std::move(invariant);
  o.transition = std::move(transition);
  o.kind = kind;
  o.statement = std::move(statement);
  o.assert_negation = std::move(assert_negation);
  return o;
}

Obligation make_claim_obligation(std::string mechanism, std::string invariant, std::string transition, Kind kind,
                                 std::string statement, ClaimAssertion assertion) {
  Obligation o = make_obligation(std::move(mechanism), std::move(invariant), std::move(transition), kind,
                                 std::move(statement),
                                 [assertion](z3::context& ctx, z3::solver& solver) { assertion(ctx, solver, true); });
  o.assert_premise = [assertion](z3::context& ctx, z3::solver& solver) { assertion(ctx, solver, false); };
  return o;
}

std::string weakened_rule_note(std::string_view weakening) {
  return weakening == "none" ? std::string() : "; with the rule weakening `" + std::string(weakening) + "`";
}

void assert_claim(z3::solver& solver, bool claim, const z3::expr& premise, const z3::expr& holds) {
  solver.add(premise);
  if (claim) solver.add(!holds);
}

ObligationResult discharge(const Obligation& obligation, std::chrono::milliseconds timeout) {
  ObligationResult result;
  result.obligation = &obligation;
  const auto start = std::chrono::steady_clock::now();
  z3::context ctx;
  z3::solver solver(ctx);
  z3::params params(ctx);
  params.set("timeout", static_cast<unsigned>(timeout.count()));
  solver.set(params);
  try {
    obligation.assert_negation(ctx, solver);
    switch (solver.check()) {
      case z3::unsat:
        result.verdict = Verdict::proved;
        if (obligation.assert_premise) {
          z3::solver premise(ctx);
          premise.set(params);
          obligation.assert_premise(ctx, premise);
          const z3::check_result reachable = premise.check();
          if (reachable != z3::sat) {
            result.verdict = Verdict::unknown;
            result.reason = reachable == z3::unsat ? "vacuous: the premises are unsatisfiable, so the claim says nothing"
                                                   : "the premises' satisfiability is unknown: " + premise.reason_unknown();
          }
        }
        break;
      case z3::sat: {
        result.verdict = Verdict::counterexample;
        const z3::model model = solver.get_model();
        std::ostringstream text;
        for (unsigned i = 0; i < model.size(); ++i) {
          const z3::func_decl decl = model[i];
          if (decl.arity() != 0) continue;
          text << decl.name().str() << " = " << model.get_const_interp(decl) << "\n";
        }
        result.counterexample = text.str();
        if (obligation.witness) result.witness = obligation.witness(model);
        break;
      }
      case z3::unknown:
        result.verdict = Verdict::unknown;
        result.reason = solver.reason_unknown();
        break;
    }
  } catch (const z3::exception& e) {
    // A Z3 error is never a proof.
    result.verdict = Verdict::unknown;
    result.reason = std::string("z3 error: ") + e.msg();
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::string to_smt2(const Obligation& obligation) {
  z3::context ctx;
  z3::solver solver(ctx);
  obligation.assert_negation(ctx, solver);
  std::ostringstream out;
  out << "; l2spec proof obligation " << obligation.id() << "\n"
      << "; mechanism: " << obligation.mechanism << "\n"
      << "; invariant: " << obligation.invariant << "\n"
      << "; transition: " << obligation.transition << "\n"
      << "; kind: " << kind_name(obligation.kind) << "\n"
      << "; claim: " << obligation.statement << "\n"
      << (obligation.premise.empty() ? "" : "; premise: " + obligation.premise + "\n")
      << "; the negated claim follows: `unsat` means the claim is proved.\n"
      << solver.to_smt2();
  return out.str();
}

}  // namespace l2::inv
