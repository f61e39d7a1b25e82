// The ZK rollup's Z3 model (spec: zk_rollup.md#obligations): every obligation is proved at the small
// depth with a satisfiable premise, every contract invariant has its initiation and a consecution
// against every op of the reference's table, and each weakening is refuted exactly by the
// obligations the spec's weakening table names, each with a counterexample, while the others of the
// weakened ops still hold.
#include "l2/inv/zk_rollup_model.hpp"

#include <gtest/gtest.h>
#include <z3++.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "l2/inv/symbolic_signature.hpp"
#include "l2/ref/zk_rollup_contract.hpp"
#include "l2/test/first_disagreeing_trace.hpp"
#include "l2/test/model_verdicts.hpp"

namespace {

namespace model = l2::inv::zk_rollup;
namespace zk = l2::ref::zk_rollup;
using l2::inv::Depth;
using l2::inv::Verdict;
using l2::test::refuted;

// A weakening changes the rules of a few ops; the obligations of the others are the unweakened
// formulas, proved at the same depth by the first test. So here only the obligations against the
// weakened ops (and the ones the spec names) are discharged; `l2spec prove --weaken zk_rollup:<name>`
// in the audit discharges every one.
std::map<std::string, Verdict> verdicts_of(model::Weakening weakening, const std::set<std::string>& transitions,
                                           const std::set<std::string>& invariants = {}) {
  std::set<std::string> others;
  for (const l2::inv::Obligation& o : model::obligations(weakening, Depth::small))
    if (!transitions.contains(o.transition) && !invariants.contains(o.invariant))
      others.insert(o.invariant + "/" + o.transition);
  const auto results = l2::test::model_verdicts(model::obligations(weakening, Depth::small), false, others);
  EXPECT_FALSE(results.empty());
  return results;
}

TEST(ZkRollupModel, EveryObligationIsProvedWithASatisfiablePremise) {
  const auto obligations = model::obligations(model::Weakening::none, Depth::small);
  // 9 invariants by initiation and 12 consecutions, 4 pipeline safety claims, exodus_exactly_on_expiry
  // against the 11 ops other than pay_withdrawal, honest_user_exits; then the reexecution backend's
  // 4 soundness obligations (soundness.cpp).
  EXPECT_EQ(obligations.size(), 9u * 13u + 4u + 11u + 1u + 4u);
  for (const l2::inv::Obligation& obligation : obligations) {
    EXPECT_EQ(obligation.mechanism, "zk_rollup");
    EXPECT_TRUE(static_cast<bool>(obligation.assert_premise)) << obligation.id();
    EXPECT_FALSE(obligation.premise.empty()) << obligation.id();
  }
  const auto results = l2::test::model_verdicts(obligations, true);
  EXPECT_EQ(results.size(), obligations.size());
  EXPECT_TRUE(refuted(results).empty());
}

TEST(ZkRollupModel, EveryContractInvariantHasInitiationAndConsecutionForEveryOpOfTheTable) {
  const auto obligations = model::obligations(model::Weakening::none, Depth::small);
  for (const char* invariant : {"counters_ordered", "batches_chain", "priority_in_order", "verified_only_by_proof",
                                "executed_is_final", "exodus_is_final", "exits_once", "conservation",
                                "exodus_conservation"}) {
    l2::test::expect_initiation_and_consecution(obligations, invariant, zk::Operations::names);
  }
}

TEST(ZkRollupModel, BothDepthsGiveTheSameObligationsAndOnlyTheTraceDiffers) {
  l2::test::expect_same_obligations_at_both_depths(model::obligations(model::Weakening::none, Depth::small),
                                                   model::obligations(model::Weakening::none, Depth::full));
  EXPECT_LT(model::honest_user_exits_depth(Depth::small), model::honest_user_exits_depth(Depth::full));
}

TEST(ZkRollupModel, ExecutionBeforeVerificationExecutesAnUnprovedBatch) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::execute_before_verify, {"execute_batch"})),
            (std::set<std::string>{"counters_ordered/execute_batch", "no_unverified_execution/execute_batch",
                                   "priority_exactly_once/execute_batch"}));
}

TEST(ZkRollupModel, APublicInputWithoutThePriorityOpsHashLetsABatchSkipADeposit) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::public_input_omits_priority_ops,
                                {"execute_batch", "commit_batch", "public_input"})),
            (std::set<std::string>{"priority_exactly_once/execute_batch", "public_input_binds/public_input"}));
}

TEST(ZkRollupModel, ASecondExodusExitTakesAnotherUsersShare) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::exodus_exit_twice, {"exodus_withdraw", "exodus_withdraw_many"})),
            (std::set<std::string>{"exits_once/exodus_withdraw", "exits_once/exodus_withdraw_many",
                                   "exodus_conservation/exodus_withdraw", "exodus_conservation/exodus_withdraw_many"}));
}

// The expiry rule is read by every live op and by activate_exodus; the invariants do not read it
// (their consecutions against those ops hold whatever a rule refuses), so the claims about expiry
// are the ones discharged.
TEST(ZkRollupModel, AnExclusiveExpiryLetsAnExecutionServeAnExpiredRequest) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::expiry_exclusive, {"activate_exodus"},
                                {"exodus_exactly_on_expiry", "honest_user_exits"})),
            (std::set<std::string>{"exodus_exactly_on_expiry/deposit_new_account", "exodus_exactly_on_expiry/deposit_top_up",
                                   "exodus_exactly_on_expiry/request_forced_withdrawal",
                                   "exodus_exactly_on_expiry/commit_batch", "exodus_exactly_on_expiry/prove_batches",
                                   "exodus_exactly_on_expiry/execute_batch", "exodus_exactly_on_expiry/revert_batches",
                                   "exodus_exactly_on_expiry/activate_exodus", "honest_user_exits/trace"}));
}

TEST(ZkRollupModel, RevertingAVerifiedBatchRemovesAProvedState) {
  EXPECT_EQ(refuted(verdicts_of(model::Weakening::revert_verified, {"revert_batches"})),
            (std::set<std::string>{"counters_ordered/revert_batches", "revert_only_unverified/revert_batches",
                                   "executed_is_final/revert_batches"}));
}

// The roles the audit report groups a counterexample's values by (tools/l2spec/report_model.cpp,
// value_role): the part of a value's name before its first '.'.
const std::set<std::string> roles = {"pre", "in", "env", "post"};
std::string group_of(const std::string& name) { return name.substr(0, name.find('.')); }

// Each weakening's counterexamples read as one step: every value named by its role, the state after
// the step and its error shown for a step of the contract, a trace's steps as `in.step<N>.`. The
// obligations are the ones each weakening refutes at the small depth (the tests above and
// zk_rollup_soundness_test).
TEST(ZkRollupModel, CounterexampleValuesAreNamedByTheirRoleInTheStep) {
  const std::map<model::Weakening, std::set<std::string>> refuting = {
      {model::Weakening::execute_before_verify,
       {"counters_ordered/execute_batch", "no_unverified_execution/execute_batch", "priority_exactly_once/execute_batch"}},
      {model::Weakening::public_input_omits_priority_ops,
       {"priority_exactly_once/execute_batch", "public_input_binds/public_input"}},
      {model::Weakening::exodus_exit_twice,
       {"exits_once/exodus_withdraw", "exits_once/exodus_withdraw_many", "exodus_conservation/exodus_withdraw",
        "exodus_conservation/exodus_withdraw_many"}},
      {model::Weakening::expiry_exclusive,
       {"exodus_exactly_on_expiry/deposit_new_account", "exodus_exactly_on_expiry/deposit_top_up",
        "exodus_exactly_on_expiry/request_forced_withdrawal", "exodus_exactly_on_expiry/commit_batch",
        "exodus_exactly_on_expiry/prove_batches", "exodus_exactly_on_expiry/execute_batch",
        "exodus_exactly_on_expiry/revert_batches", "exodus_exactly_on_expiry/activate_exodus", "honest_user_exits/trace"}},
      {model::Weakening::revert_verified,
       {"counters_ordered/revert_batches", "revert_only_unverified/revert_batches", "executed_is_final/revert_batches"}},
      {model::Weakening::witness_root_unchecked, {"multiproof_binds/multiproof", "reexecution_sound/verify"}}};
  // The obligations that are no step of the contract, with the roles their values have: two
  // contracts' records (`pre.first`, `pre.second`) under two configurations; the real pre-state and
  // the witness; the same and what the verifier and the truth compute.
  const std::map<std::string, std::set<std::string>> not_a_step = {
      {"public_input_binds/public_input", {"pre", "in", "env"}},
      {"multiproof_binds/multiproof", {"pre", "in"}},
      {"reexecution_sound/verify", {"pre", "in", "post"}}};
  std::size_t checked = 0;
  for (const auto& [weakening, names] : refuting)
    for (const l2::inv::Obligation& o : model::obligations(weakening, Depth::small)) {
      const std::string name = o.invariant + "/" + o.transition;
      if (!names.contains(name)) continue;
      const l2::inv::ObligationResult result = l2::inv::discharge(o, std::chrono::seconds(60));
      ASSERT_EQ(result.verdict, Verdict::counterexample) << o.id();
      std::istringstream lines(result.counterexample);
      std::set<std::string> groups, values;
      for (std::string line; std::getline(lines, line);) {
        const std::string value = line.substr(0, line.find(" = "));
        values.insert(value);
        groups.insert(group_of(value));
        EXPECT_TRUE(roles.contains(group_of(value))) << o.id() << ": " << value;
      }
      const auto other = not_a_step.find(name);
      EXPECT_EQ(groups, other == not_a_step.end() ? roles : other->second) << o.id();
      if (other == not_a_step.end()) {
        // The step's outcome, and the environment's configuration.
        EXPECT_TRUE(values.contains("post.error") && values.contains("post.committed") &&
                    values.contains("env.priority_expiry_blocks"))
            << o.id();
      }
      const bool trace_steps = values.contains("in.step0.op") && values.contains("in.step1.op");
      EXPECT_EQ(trace_steps, o.kind == l2::inv::Kind::bmc) << o.id();
      if (name == "public_input_binds/public_input") {
        EXPECT_TRUE(values.contains("pre.first.committed") && values.contains("pre.second.committed") &&
                    values.contains("in.first.record") && values.contains("in.second.record") &&
                    values.contains("env.first.chain_id") && values.contains("env.second.chain_id"))
            << result.counterexample;
      }
      ++checked;
    }
  EXPECT_EQ(checked, 23u);
}

// Whatever any weakening refutes, every obligation's values are named by role: those of a model of
// its premise (its hypotheses with the boundary case) are.
TEST(ZkRollupModel, EveryObligationNamesItsValuesByTheirRole) {
  for (const l2::inv::Obligation& o : model::obligations(model::Weakening::none, Depth::small)) {
    z3::context ctx;
    z3::solver solver(ctx);
    o.assert_premise(ctx, solver);
    ASSERT_EQ(solver.check(), z3::sat) << o.id();
    const z3::model values = solver.get_model();
    std::set<std::string> groups;
    for (unsigned i = 0; i < values.size(); ++i) {
      if (values[i].arity() != 0) continue;
      const std::string value = values[i].name().str();
      groups.insert(group_of(value));
      EXPECT_TRUE(roles.contains(group_of(value))) << o.id() << ": " << value;
    }
    if (o.kind == l2::inv::Kind::initiation) {
      // The deploy is the step: the configuration, and the deployed contract as the state after.
      EXPECT_EQ(groups, (std::set<std::string>{"env", "post"})) << o.id();
    } else {
      EXPECT_TRUE(groups.contains("pre") && groups.contains("in")) << o.id();
      if (o.kind == l2::inv::Kind::consecution) {
        EXPECT_TRUE(groups.contains("post")) << o.id();
      }
    }
  }
}

TEST(ZkRollupModel, WeakeningsHaveNamesThatParseBack) {
  for (const model::Weakening w : model::all_weakenings) EXPECT_EQ(model::parse_weakening(model::weakening_name(w)), w);
  EXPECT_EQ(model::parse_weakening("none"), model::Weakening::none);
  EXPECT_FALSE(model::parse_weakening("no_such_weakening").has_value());
  const l2::inv::ModelEntry entry = model::registry_entry();
  EXPECT_EQ(entry.mechanism, "zk_rollup");
  EXPECT_EQ(entry.weakenings.size(), model::all_weakenings.size());
  EXPECT_EQ(entry.obligations(Depth::small).size(), entry.obligations(Depth::full).size());
}

// ---- The engine (zk_rollup.md#engines-and-missing-faces) and trace validation.

std::string failures(const model::TraceValidation& report) {
  std::string out;
  for (const std::string& f : report.failures) out += f + "\n";
  return out;
}

// deploy_error gives the reference's verdict on each deployment rule at its edge, and on acceptance.
TEST(ZkRollupModelEngine, DeployErrorIsTheReferencesOnEveryRule) {
  const zk::ZkConfig good{4, 6, 10, 40, 100, 10};
  std::vector<zk::ZkConfig> configs(8, good);
  configs[1].censorship_bound_blocks = 0;
  configs[2].max_batch_size = 0;
  configs[3].priority_expiry_blocks = 3 * 6 + 10;       // ZK-DEPLOY-3 at its edge
  configs[4].priority_expiry_blocks = 3 * 6 + 10 + 1;   // accepted
  configs[5].proving_time_blocks = ~std::uint64_t{0};  // 3B + P overflows
  configs[6].min_deposit = 0;
  configs[7].forced_withdrawal_fee = 0;
  for (const zk::ZkConfig& config : configs)
    for (const std::uint64_t max_transactions : {std::uint64_t{3}, std::uint64_t{4}}) {
      const zk::VerifyingKey vk = zk::reexecution_verifying_key(max_transactions);
      const auto deployed = zk::deploy(zk::ZkDeployInput{1, {}, {}, 0, config, vk});
      EXPECT_EQ(model::deploy_error(config, vk), deployed ? l2::ZkRollupError::none : deployed.error())
          << l2::reflect::to_text(config) << " key " << max_transactions;
    }
}

// A small trace by hand: deposits, three batches committed, proved and executed, then a fourth batch
// slot and a third exit claim, which are outside the model's bounds and reported so (not compared),
// and exits and refunds in exodus, which are compared again.
TEST(ZkRollupModelEngine, StepsOutsideTheBoundsAreNotApplicableAndTheOthersAgree) {
  constexpr l2::inv::SymbolicSignature toy{};
  model::Engine engine(model::Weakening::none, toy);
  const l2::Hash32 operator_key = l2::ref::bip340::pubkey_from_secret(l2::ref::bip340::secret_from_seed({}, 0)).value();
  const l2::Hash32 alice = l2::ref::bip340::pubkey_from_secret(l2::ref::bip340::secret_from_seed({}, 1)).value();
  const auto deployed = zk::deploy(zk::ZkDeployInput{1, {}, operator_key, 0, zk::ZkConfig{4, 6, 10, 40, 100, 10},
                                                     zk::reexecution_verifying_key(4)});
  ASSERT_TRUE(deployed.ok());
  zk::ZkRollup c = deployed.value();
  zk::State state = zk::State::genesis(operator_key);
  std::uint64_t height = 2;
  // Runs a step on both and moves the contract on by the reference's outcome.
  auto both = [&](model::Step step) -> model::Engine::Outcome {
    step.height = height++;
    const model::Engine::Outcome got = engine.apply(c, step);
    const zk::Transition want = zk::Operations::visit(step.op, [&](auto operation) -> zk::Transition {
      using Operation = typename decltype(operation)::type;
      return Operation::apply(c, std::get<typename Operation::Input>(step.input), zk::Env{step.height}, toy);
    });
    if (got.outside_bounds.empty()) {
      EXPECT_TRUE(got.problem.empty()) << got.problem;
      EXPECT_EQ(got.error, want ? l2::ZkRollupError::none : want.error()) << zk::Operations::name(step.op);
      if (want) {
        EXPECT_TRUE(l2::reflect::equal(got.effects, want.value())) << l2::reflect::diff(want.value().contract, got.effects.contract);
      }
    }
    if (want) c = want.value().contract;
    return got;
  };
  both({zk::op_code<zk::DepositNewAccount>, l2::ref::optimistic_rollup::DepositNewAccountInput{alice, alice, 5000}, 0});
  both({zk::op_code<zk::DepositNewAccount>, l2::ref::optimistic_rollup::DepositNewAccountInput{alice, alice, 99}, 0});
  both({zk::op_code<zk::DepositNewAccount>, l2::ref::optimistic_rollup::DepositNewAccountInput{alice, alice, 100}, 0});
  both({zk::op_code<zk::DepositTopUp>, l2::ref::optimistic_rollup::DepositTopUpInput{alice, 2, 100}, 0});
  ASSERT_EQ(c.priority_ops.size(), 3u);
  for (int k = 0; k < 3; ++k) {
    // Batch k: the queued deposit (batch 0), then a transfer of 1 from alice to the fee account.
    std::vector<zk::Transaction> txs;
    if (k == 0) txs.push_back(l2::ref::optimistic_rollup::make_transaction(l2::ref::optimistic_rollup::Deposit{0, 1, alice, 5000}));
    l2::ref::optimistic_rollup::Transfer t{1, 0, 1, 0, static_cast<std::uint64_t>(k), {}};
    t.signature = toy.sign(alice, l2::ref::optimistic_rollup::transfer_digest(zk::params_of(c), t));
    txs.push_back(l2::ref::optimistic_rollup::make_transaction(t));
    auto batch = zk::make_zk_batch(c, state, txs, toy);
    ASSERT_TRUE(batch.ok());
    const zk::State pre = state;
    EXPECT_TRUE(both({zk::op_code<zk::CommitBatch>, batch.value().commit, 0}).outside_bounds.empty());
    const std::vector<zk::BatchToProve> list{{static_cast<std::uint64_t>(k), txs}};
    const auto proof = zk::prove_reexecution(zk::params_of(c), c.verifying_key, pre, list, toy);
    ASSERT_TRUE(proof.ok());
    both({zk::op_code<zk::ExecuteBatch>, zk::CallerInput{alice}, 0});  // not verified yet
    both({zk::op_code<zk::ProveBatches>, zk::ProveBatchesInput{alice, 1, l2::Bytes{1, 2}}, 0});  // junk
    both({zk::op_code<zk::ProveBatches>, zk::ProveBatchesInput{alice, 1, proof.value()}, 0});
    both({zk::op_code<zk::ExecuteBatch>, zk::CallerInput{alice}, 0});
    state = batch.value().post_state;
  }
  ASSERT_EQ(c.executed, 3u);
  // A fourth batch needs a fourth slot.
  l2::ref::optimistic_rollup::Transfer t{1, 0, 1, 0, 3, {}};
  t.signature = toy.sign(alice, l2::ref::optimistic_rollup::transfer_digest(zk::params_of(c), t));
  auto fourth = zk::make_zk_batch(c, state, {l2::ref::optimistic_rollup::make_transaction(t)}, toy);
  ASSERT_TRUE(fourth.ok());
  EXPECT_NE(both({zk::op_code<zk::CommitBatch>, fourth.value().commit, 0}).outside_bounds, "");
  // A step the engine models: its outcome was compared by `both`.
  auto modelled = [](const model::Engine::Outcome& o) {
    EXPECT_EQ(o.outside_bounds, "");
    return o.error;
  };
  // Exodus once the later deposits expire unserved: from 4 records, outside the bounds too; it
  // discards the fourth, and the exits are within the bounds again but for three claims.
  height = c.priority_ops[1].expiry_height;
  EXPECT_NE(both({zk::op_code<zk::ActivateExodus>, zk::CallerInput{alice}, 0}).outside_bounds, "");
  ASSERT_TRUE(c.exodus);
  ASSERT_EQ(c.committed, 3u);
  const zk::ExodusClaim claim{1, *state.account(1), state.prove(1).siblings};
  EXPECT_NE(both({zk::op_code<zk::ExodusWithdrawMany>, zk::ExodusWithdrawManyInput{alice, state.header(), {claim, claim, claim}}, 0})
                .outside_bounds,
            "");
  EXPECT_EQ(modelled(both({zk::op_code<zk::ExodusWithdrawMany>, zk::ExodusWithdrawManyInput{alice, state.header(), {claim, claim}}, 0})),
            l2::ZkRollupError::exit_already_exited);
  EXPECT_EQ(modelled(both({zk::op_code<zk::ExodusWithdraw>,
                           l2::ref::optimistic_rollup::ExitInput{alice, state.header(), 1, claim.account, claim.siblings}, 0})),
            l2::ZkRollupError::none);
  EXPECT_EQ(modelled(both({zk::op_code<zk::ExodusWithdraw>,
                           l2::ref::optimistic_rollup::ExitInput{alice, state.header(), 1, claim.account, claim.siblings}, 0})),
            l2::ZkRollupError::exit_already_exited);
  EXPECT_EQ(modelled(both({zk::op_code<zk::RefundDeposit>, zk::RefundDepositInput{alice, 0}, 0})),
            l2::ZkRollupError::refund_deposit_processed);
  EXPECT_EQ(modelled(both({zk::op_code<zk::RefundDeposit>, zk::RefundDepositInput{alice, 2}, 0})), l2::ZkRollupError::none);
  EXPECT_EQ(modelled(both({zk::op_code<zk::RefundDeposit>, zk::RefundDepositInput{alice, 2}, 0})),
            l2::ZkRollupError::refund_already_refunded);
  EXPECT_EQ(modelled(both({zk::op_code<zk::ExecuteBatch>, zk::CallerInput{alice}, 0})), l2::ZkRollupError::exodus_active);
  // A commit from 3 records is outside the bounds, whatever rule refuses it (the model's domain
  // needs a free slot).
  EXPECT_NE(both({zk::op_code<zk::CommitBatch>, fourth.value().commit, 0}).outside_bounds, "");
  // An input of another op's type is a problem, not an outcome.
  const model::Engine::Outcome mismatched = engine.apply(c, {zk::op_code<zk::ExecuteBatch>, zk::RefundDepositInput{alice, 0}, height});
  EXPECT_NE(mismatched.problem, "");
}

TEST(ZkRollupModelTraces, AFixedSeedAgreesStepByStepOverEveryOp) {
  const auto report = model::validate_random_traces(20261206, 40, 30);
  EXPECT_EQ(report.traces, 40u);
  EXPECT_GT(report.accepted, report.traces);
  EXPECT_GT(report.not_applicable, 0u);
  EXPECT_EQ(report.disagreements, 0u) << failures(report);
  EXPECT_TRUE(report.first_disagreeing_trace.empty());
  for (const auto& [outcome, count] : report.outcomes) std::printf("%6zu  %s\n", count, outcome.c_str());
  for (std::string_view op : zk::Operations::names) {
    bool accepted = false, refused = false;
    for (const auto& [outcome, count] : report.outcomes) {
      if (outcome.rfind(std::string(op) + ": ", 0) != 0) continue;
      (outcome == std::string(op) + ": ok" ? accepted : refused) = true;
    }
    EXPECT_TRUE(accepted) << op << " never accepted";
    EXPECT_TRUE(refused) << op << " never refused";
  }
}

// An engine weakened to execute unverified batches [ZK-EXEC-1] disagrees with the reference on the
// seeded traces, and the first trace that shows it is printed in full from deploy on.
TEST(ZkRollupModelTraces, AWeakenedEngineDisagreesAndItsFirstTraceIsPrintedInFull) {
  const auto weakened = model::validate_random_traces(20261206, 40, 30, {}, model::Weakening::execute_before_verify);
  ASSERT_GT(weakened.disagreements, 0u);
  l2::test::expect_printed_in_full(weakened.first_disagreeing_trace, weakened.failures, weakened.disagreements, 1);
  EXPECT_NE(weakened.first_disagreeing_trace.front().find("step 0: deploy {"), std::string::npos);
  bool execute_marked = false;
  for (const std::string& line : weakened.first_disagreeing_trace)
    execute_marked = execute_marked || (line.find(": execute_batch {") != std::string::npos && line.find("<- disagreement") != std::string::npos);
  EXPECT_TRUE(execute_marked) << "the weakened rule is execute_batch's";
}

TEST(ZkRollupModelTraces, TheRegistryRunsTraceValidation) {
  const l2::inv::ModelEntry entry = model::registry_entry();
  ASSERT_TRUE(entry.trace_validation.has_value());
  const l2::inv::TraceReport report = entry.trace_validation->run(5, 3, 10, {});
  EXPECT_EQ(report.traces, 3u);
  EXPECT_EQ(report.disagreements, 0u);
}

}  // namespace
