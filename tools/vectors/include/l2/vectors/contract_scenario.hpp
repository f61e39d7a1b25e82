// The case builder the vector generators of the L1-contract mechanisms share (optimistic_rollup,
// zk_rollup, validium): a case's pre-state (a shared state, an inline one, or none), its steps, and
// a C++ mirror of the contract on which each step is run, so that later inputs can depend on earlier
// results and generation stops with an error if a step does not end as the case says it does. Each
// mechanism's Scenario derives from ContractScenario and adds its named ops (and what its mirror
// keeps besides the contract). spec: vectors.md
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "l2/codec/json.hpp"
#include "l2/ref/result.hpp"
#include "l2/vectors/framework.hpp"

namespace l2::vectors {

// The outcome code a case names for a step: "ok", or the error's stable code (error_info is found
// by ADL next to each mechanism's error enum).
template <class E>
  requires requires(E e) { error_info(e).code; }
std::string code_of(E e) {
  return e == E::none ? std::string("ok") : std::string(error_info(e).code);
}

// The shared pre-states of a mechanism: each named world's vector state, snapshot(world) (found by
// ADL next to World).
template <class World>
std::vector<SharedState> shared_states_of(std::initializer_list<std::pair<const char*, const World*>> worlds) {
  std::vector<SharedState> states;
  for (const auto& [name, world] : worlds) states.push_back(SharedState{name, codec::to_json(snapshot(*world))});
  return states;
}

// The table's ops act on the contract and their effects (the contract and what the step paid out)
// are the vector post-state as they are (typed_ops.hpp's Adapter).
template <class Effects>
struct EffectsAdapter {
  static const auto& input_state(const Effects& state) { return state.contract; }
  template <class Transition>
  static std::decay_t<Transition> output(Transition&& transition) {
    return std::forward<Transition>(transition);
  }
};

// One case under construction, on a mirror of World (its `contract`, and what an observer of L1
// knows besides it). `Derived` is the mechanism's Scenario, which the chained calls return;
// `Effects` is what a contract op's transition yields (the contract and the step's payouts); `Env`
// is the ops' environment; `generator_bug` reports a mistake of the generator (it throws).
// World must have `contract` and `sync()`, which trims the rest of the mirror to the contract after
// a step (a revert drops batches); snapshot(const World&) is its vector state.
template <class Derived, class World, class Effects, class Env, auto generator_bug>
class ContractScenario {
 public:
  using Contract = decltype(World::contract);
  using Payouts = decltype(Effects::payouts);

  // A case on a shared pre-state.
  ContractScenario(CaseSpec& spec, const World& start, std::string state_name) : spec_(spec), world_(start) {
    spec.pre_state_ref = std::move(state_name);
  }
  // A case on an inline pre-state (a contract state no shared state has).
  ContractScenario(CaseSpec& spec, const World& start) : spec_(spec), world_(start) {
    spec.pre_state = codec::to_json(snapshot(start));
  }
  // A case with no pre-state (it starts with deploy, or has a stateless op).
  explicit ContractScenario(CaseSpec& spec) : spec_(spec) { spec.pre_state = nullptr; }

  const World& world() const { return world_; }
  const Contract& contract() const { return world_.contract; }
  const Effects& last_effects() const { return last_; }

  // Pushes a step without running it on the mirror: one already run, or an input the reference's
  // types cannot hold (a malformed case).
  Derived& raw(std::string op, u64 height, json input) {
    spec_.steps.push_back(Step{std::move(op), height, std::move(input)});
    return self();
  }

  // Any op of the mechanism's operations table, run on the contract alone: what the rest of the
  // mirror keeps of a step (a queued body, a batch's data) is the caller's to add. `expect` is of
  // the op's own error type.
  template <class Op, class E = decltype(Op::apply(std::declval<const Contract&>(),
                                                   std::declval<const typename Op::Input&>(), Env{0})
                                             .error())>
  Derived& step(u64 height, const typename Op::Input& in, E expect = E::none) {
    return contract_step(std::string(Op::name), height, codec::to_json(in), Op::apply(world_.contract, in, Env{height}),
                         expect);
  }

  // The last accepted step's payouts must be exactly these.
  Derived& expect_payouts(const Payouts& payouts) {
    bool same = last_.payouts.size() == payouts.size();
    for (std::size_t i = 0; same && i < payouts.size(); ++i)
      same = last_.payouts[i].to == payouts[i].to && last_.payouts[i].amount == payouts[i].amount;
    if (!same) generator_bug(spec_.suite + "/" + spec_.name + ": the payouts are not the intended ones");
    return self();
  }

 protected:
  Derived& self() { return static_cast<Derived&>(*this); }

  // Generation stops unless the reference ends the step as the case intends.
  template <class E>
  void check(const std::string& op, E got, E expect) const {
    if (got != expect)
      generator_bug(spec_.suite + "/" + spec_.name + " step " + std::to_string(spec_.steps.size()) + " (" + op +
                    "): intended " + code_of(expect) + ", the reference gives " + code_of(got));
  }

  // Checks a contract op's transition, takes its effects into the mirror when it is accepted, and
  // pushes the step.
  template <class E>
  Derived& contract_step(const std::string& op, u64 height, json input, const Result<Effects, E>& t, E expect) {
    check(op, t.ok() ? E::none : t.error(), expect);
    if (t.ok()) {
      last_ = t.value();
      world_.contract = t.value().contract;
      world_.sync();
    }
    return raw(op, height, std::move(input));
  }

  CaseSpec& spec_;
  World world_;
  Effects last_;
};

}  // namespace l2::vectors
