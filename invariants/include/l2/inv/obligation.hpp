// The formal layer's core: a proof obligation is a claim whose NEGATION is asserted into a Z3
// solver; the claim is proved when the solver answers unsat. `unknown` or a timeout is a failure.
// spec: README.md#the-formal-layer
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <z3++.h>

#include "l2/inv/counterexample.hpp"

namespace l2::inv {

enum class Kind { initiation, consecution, bmc, safety };
enum class Verdict { proved, counterexample, unknown };

// How deep a bounded obligation unrolls. `full` is the depth its spec states, which the audit's
// `prove` discharges; `small` is the depth `./l2 test` discharges, in the model tests. Both lists
// hold the same obligations with the same ids: a model whose bounds are cheap at full depth gives
// the same list at both, and each spec's obligation table gives both depths where they differ
// (spec/README.md#ci).
enum class Depth { small, full };

std::string_view kind_name(Kind kind);
std::string_view verdict_name(Verdict verdict);
std::string_view depth_name(Depth depth);
std::optional<Depth> parse_depth(std::string_view name);

struct Obligation {
  std::string mechanism;   // e.g. "primitives", "payment_channel"
  std::string invariant;   // the named invariant or property
  std::string transition;  // the transition it is checked against ("init" for initiation)
  Kind kind = Kind::safety;
  std::string statement;   // one line, for the report
  // The claim's hypotheses in words, one or two sentences, for the report: which states, actions,
  // parameters and bounds the claim quantifies over (e.g. "any state where the N invariants hold
  // and any `pay` the reference accepts from it; amounts below 2^64", or "every sequence of up to 6
  // actions by any party from a deployed genesis"). It says what the model's assertions (the
  // negation's hypotheses, and assert_premise's) actually assume, bounds included. Every registered
  // model fills it (tests/unit/invariants_prover_test.cpp).
  std::string premise;
  // Asserts the negation of the claim: every model of these assertions is a counterexample.
  std::function<void(z3::context&, z3::solver&)> assert_negation;
  // Optional: asserts the claim's hypotheses alone (with a reachability condition where the claim
  // is conditional). After a proof, discharge checks that Z3 can satisfy them: a claim whose
  // premises are contradictory is vacuously "proved" and proves nothing, so that is a failure
  // (verdict unknown, reason "vacuous ...").
  std::function<void(z3::context&, z3::solver&)> assert_premise;
  // Optional: realises a counterexample (a model of the negation) as a concrete trace, which the
  // vectors layer renders as a replayable case; nullopt when the model's values cannot be realised.
  std::function<std::optional<Counterexample>(const z3::model&)> witness;

  // File-system-safe identifier: <mechanism>__<invariant>__<transition>__<kind>.
  std::string id() const;
};

struct ObligationResult {
  const Obligation* obligation = nullptr;
  Verdict verdict = Verdict::unknown;
  double seconds = 0;
  std::string counterexample;  // the model, one "name = value" per line, when verdict == counterexample
  std::string reason;          // Z3's reason for unknown, when verdict == unknown
  std::optional<Counterexample> witness;  // the counterexample as a concrete trace, when the obligation realises one
};

Obligation make_obligation(std::string mechanism, std::string invariant, std::string transition, Kind kind,
                           std::string statement, std::function<void(z3::context&, z3::solver&)> assert_negation);

// An obligation written as one assertion: `assertion(ctx, solver, true)` asserts the claim's
// hypotheses and its failure (the negation discharge must refute), `assertion(ctx, solver, false)`
// the hypotheses alone (the premise discharge checks satisfiable, so that no claim is proved
// vacuously).
using ClaimAssertion = std::function<void(z3::context&, z3::solver&, bool claim)>;
Obligation make_claim_obligation(std::string mechanism, std::string invariant, std::string transition, Kind kind,
                                 std::string statement, ClaimAssertion assertion);

// What a weakened obligation's premise adds in words: "; with the rule weakening `NAME`", or
// nothing for "none" (each model's weakening_name of Weakening::none).
std::string weakened_rule_note(std::string_view weakening);

// The body of a ClaimAssertion whose claim is `premise` implies `holds`: the premise, and with
// `claim` the failure of `holds`.
void assert_claim(z3::solver& solver, bool claim, const z3::expr& premise, const z3::expr& holds);

// Runs one obligation in a fresh context. `timeout` bounds the solver; hitting it is `unknown`.
ObligationResult discharge(const Obligation& obligation, std::chrono::milliseconds timeout);

// A standalone SMT-LIB2 script for the obligation; a stock `z3 FILE` answers `unsat` iff proved.
std::string to_smt2(const Obligation& obligation);

// The primitives' obligations (invariants/src/primitives_model.cpp).
std::vector<Obligation> primitives_obligations();

}  // namespace l2::inv
