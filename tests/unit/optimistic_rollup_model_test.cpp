// The optimistic rollup's Z3 model: every obligation is proved with satisfiable premises; each
// deliberately weakened rule (the review's findings among them) is refuted by the obligation that
// should catch it, its counterexample renders as a vector case, and that case replays step for step in
// a reference with the same weakening, where the violation shows, while the real reference refuses it.
// The engine gives the reference's outcome on a scenario through every contract op, on apply_tx and on
// verify_fraud_proof, and deploy_error the reference's verdict at every OR-DEPLOY boundary.
#include "l2/inv/optimistic_rollup_model.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "l2/codec/json.hpp"
#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/vectors/optimistic_rollup_scenario.hpp"
#include "l2/vectors/registry.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/test/model_verdicts.hpp"

namespace {

namespace optimistic_rollup = l2::ref::optimistic_rollup;
namespace model = l2::inv::optimistic_rollup;
using l2::Hash32;
using l2::OptimisticRollupError;
using l2::u64;
using l2::inv::Verdict;
using nlohmann::json;

l2::inv::ObligationResult discharge(const l2::inv::Obligation& obligation) {
  // discharge keeps a pointer to the obligation; the result is read before it goes away.
  l2::inv::ObligationResult result = l2::inv::discharge(obligation, std::chrono::seconds(300));
  result.obligation = nullptr;
  return result;
}

l2::inv::ObligationResult prove(model::Weakening weakening, const std::string& id) {
  for (const auto& obligation : model::obligations(weakening))
    if (obligation.id() == id) return discharge(obligation);
  ADD_FAILURE() << "no obligation " << id;
  return {};
}

// ---- Obligations.

TEST(OptimisticRollupModel, EveryObligationIsProvedWithSatisfiablePremises) {
  const auto obligations = model::obligations();
  // Nothing moved out of the list: the 77 obligations of the first design, the new transitions'
  // consecutions, the new invariants and the adversarial obligations.
  EXPECT_GE(obligations.size(), 131u);
  for (const auto& obligation : obligations) {
    EXPECT_EQ(obligation.mechanism, "optimistic_rollup");
    // A proof whose premises Z3 cannot satisfy comes back `unknown` ("vacuous"), never `proved`.
    ASSERT_TRUE(static_cast<bool>(obligation.assert_premise)) << obligation.id();
    const auto result = discharge(obligation);
    EXPECT_EQ(result.verdict, Verdict::proved) << obligation.id() << ": " << result.reason << "\n" << result.counterexample;
  }
}

TEST(OptimisticRollupModel, TheSpecsNamedInvariantsAndAdversarialObligationsAreRegistered) {
  std::set<std::string> invariants;
  for (const auto& obligation : l2::vectors::all_obligations())
    if (obligation.mechanism == "optimistic_rollup") invariants.insert(obligation.invariant);
  for (const char* name :
       {"batches_chain", "finality_requires_challenge_period", "fraud_proof_soundness", "fraud_proof_completeness",
        "conservation", "no_withdrawal_from_non_final_batch", "challenges_well_formed", "epoch_binds_batches",
        "frozen_is_final", "exactly_once_deposits", "exactly_once_forced_exits", "honest_challenger_wins",
        "no_batch_after_revert", "honest_operator_not_slashed", "honest_user_exits"})
    EXPECT_TRUE(invariants.count(name)) << name;
}

TEST(OptimisticRollupModel, EveryContractInvariantHasInitiationAndConsecutionForEveryOpOfTheTable) {
  for (const char* invariant : {"batches_chain", "finality_requires_challenge_period", "conservation",
                                "no_withdrawal_from_non_final_batch", "challenges_well_formed", "epoch_binds_batches",
                                "frozen_is_final"}) {
    l2::test::expect_initiation_and_consecution(model::obligations(), invariant, optimistic_rollup::Operations::names);
  }
}

TEST(OptimisticRollupModel, WeakeningNamesRoundTripAndAreRegistered) {
  EXPECT_EQ(model::parse_weakening("none"), model::Weakening::none);
  for (auto w : model::all_weakenings) {
    EXPECT_EQ(model::parse_weakening(model::weakening_name(w)), w);
    const auto models = l2::vectors::models();
    std::vector<const l2::inv::ModelEntry*> entries;
    for (const auto& entry : models) entries.push_back(&entry);
    const auto found = l2::inv::find_weakening(entries, "optimistic_rollup:" + std::string(model::weakening_name(w)));
    ASSERT_EQ(found.entries.size(), 1u) << model::weakening_name(w);
    EXPECT_EQ(found.entries.front()->mechanism, "optimistic_rollup");
  }
  EXPECT_FALSE(model::parse_weakening("no_such_weakening").has_value());
}

// ---- Counterexamples as vector cases, replayed.

using Outcome = optimistic_rollup::Transition;
using Applier = std::function<Outcome(const optimistic_rollup::OptimisticRollup&, const std::string& op, const json& input, u64 height)>;

// The real reference, through the operations table.
Outcome apply_real(const optimistic_rollup::OptimisticRollup& c, const std::string& op, const json& input, u64 height) {
  const auto code = optimistic_rollup::Operations::parse(op);
  EXPECT_TRUE(code.has_value()) << op;
  return optimistic_rollup::Operations::visit(*code, [&](auto operation) -> Outcome {
    using Op = typename decltype(operation)::type;
    return Op::apply(c, l2::codec::from_json<typename Op::Input>(input).value(), optimistic_rollup::Env{height});
  });
}

// The reference with one op replaced.
Applier with_op(const std::string& replaced,
                std::function<Outcome(const optimistic_rollup::OptimisticRollup&, const json&, u64)> replacement) {
  return [replaced, replacement](const optimistic_rollup::OptimisticRollup& c, const std::string& op, const json& input, u64 height) {
    return op == replaced ? replacement(c, input, height) : apply_real(c, op, input, height);
  };
}

// apply_finalize without OR-FIN-3: the reference run with the oldest pending batch's challenge count
// hidden, which it then restores.
Outcome finalize_ignoring_open_challenges(const optimistic_rollup::OptimisticRollup& c, const json& input, u64 height) {
  const auto oldest = optimistic_rollup::oldest_pending(c);
  optimistic_rollup::OptimisticRollup hidden = c;
  if (oldest) hidden.batches[*oldest].open_challenges = 0;
  Outcome result = optimistic_rollup::apply_finalize(hidden, l2::codec::from_json<optimistic_rollup::CallerInput>(input).value(), optimistic_rollup::Env{height});
  if (!result.ok()) return result;
  optimistic_rollup::Effects effects = result.value();
  effects.contract.batches[*oldest].open_challenges = c.batches[*oldest].open_challenges;
  return effects;
}

// apply_open_challenge with OR-CHAL-2 as `height <= challenge_deadline`: the reference run against the
// batch's deadline one block later, which it then restores.
Outcome open_accepted_at_deadline(const optimistic_rollup::OptimisticRollup& c, const json& input, u64 height) {
  const auto in = l2::codec::from_json<optimistic_rollup::OpenChallengeInput>(input).value();
  const auto batch = optimistic_rollup::find_pending_batch(c, in.batch_id);
  if (!batch || c.batches[*batch].challenge_deadline == l2::u64_max) return optimistic_rollup::apply_open_challenge(c, in, optimistic_rollup::Env{height});
  optimistic_rollup::OptimisticRollup later = c;
  ++later.batches[*batch].challenge_deadline;
  Outcome result = optimistic_rollup::apply_open_challenge(later, in, optimistic_rollup::Env{height});
  if (!result.ok()) return result;
  optimistic_rollup::Effects effects = result.value();
  --effects.contract.batches[*batch].challenge_deadline;
  return effects;
}

// apply_open_challenge with OR-CHAL-5 as first specified: a challenge's id is its evidence, whoever
// commits it.
Outcome open_keyed_by_evidence(const optimistic_rollup::OptimisticRollup& c, const json& input, u64 height) {
  const auto in = l2::codec::from_json<optimistic_rollup::OpenChallengeInput>(input).value();
  Outcome result = optimistic_rollup::apply_open_challenge(c, in, optimistic_rollup::Env{height});
  if (!result.ok() && result.error() != OptimisticRollupError::challenge_duplicate) return result;
  if (optimistic_rollup::find_challenge(c, in.evidence)) return OptimisticRollupError::challenge_duplicate;
  optimistic_rollup::Effects effects = result.value();
  effects.contract.challenges.back().challenge_id = in.evidence;
  return effects;
}

// apply_submit_batch without OR-BATCH-13: the reference run with the contract's epoch set to the
// header's, which it then restores.
Outcome submit_any_epoch(const optimistic_rollup::OptimisticRollup& c, const json& input, u64 height) {
  const auto in = l2::codec::from_json<optimistic_rollup::SubmitBatchInput>(input).value();
  optimistic_rollup::OptimisticRollup same_epoch = c;
  same_epoch.epoch = in.batch.header.epoch;
  Outcome result = optimistic_rollup::apply_submit_batch(same_epoch, in, optimistic_rollup::Env{height});
  if (!result.ok()) return result;
  optimistic_rollup::Effects effects = result.value();
  effects.contract.epoch = c.epoch;
  return effects;
}

// apply_resolve_challenge with OR-FP-10 judged at the batch's inclusion height: the reference run with
// the challenged batch's origin moved to its submission height, which it then restores.
Outcome resolve_overdue_at_inclusion(const optimistic_rollup::OptimisticRollup& c, const json& input, u64 height) {
  const auto in = l2::codec::from_json<optimistic_rollup::ResolveChallengeInput>(input).value();
  optimistic_rollup::OptimisticRollup moved = c;
  for (optimistic_rollup::BatchRecord& b : moved.batches) b.header.l1_origin_height = b.submitted_at;
  Outcome result = optimistic_rollup::apply_resolve_challenge(moved, in, optimistic_rollup::Env{height});
  if (!result.ok()) return result;
  optimistic_rollup::Effects effects = result.value();
  for (std::size_t k = 0; k < effects.contract.batches.size(); ++k) effects.contract.batches[k].header = c.batches[k].header;
  return effects;
}

// The effects as the vectors write them (spec: vector operations).
json effects_json(const optimistic_rollup::Effects& e) {
  return l2::codec::to_json(l2::vectors::optimistic_rollup_vectors::contract_effects(e));
}

// Replays a vector case; the states after each step and whether every outcome matched.
struct Replay {
  std::vector<optimistic_rollup::OptimisticRollup> states;  // states[0] is the pre-state
  std::vector<Outcome> outcomes;
  bool matches = true;
  std::string mismatch;
};

Replay replay(const json& document, const Applier& apply) {
  Replay r;
  r.states.push_back(l2::codec::from_json<optimistic_rollup::OptimisticRollup>(document.at("pre_state").at("contract")).value());
  for (const json& step : document.at("steps")) {
    const u64 height = std::stoull(step.at("height").get<std::string>());
    const std::string op = step.at("op").get<std::string>();
    const Outcome outcome = apply(r.states.back(), op, step.at("input"), height);
    const json& expect = step.at("expect");
    bool same = false;
    if (outcome.ok()) {
      same = expect.at("outcome") == "ok" && expect.at("post_state") == effects_json(outcome.value()) &&
             expect.at("state_root") == l2::to_hex(optimistic_rollup::contract_root(outcome.value().contract));
      r.states.push_back(outcome.value().contract);
    } else {
      same = expect.at("outcome") == "invalid" && expect.at("error") == l2::error_info(outcome.error()).code;
      r.states.push_back(r.states.back());
    }
    if (!same && r.matches)
      r.mismatch = op + ": " + (outcome.ok() ? std::string("ok") : std::string(l2::error_info(outcome.error()).code)) +
                   ", expected " + expect.dump().substr(0, 400);
    r.matches = r.matches && same;
    r.outcomes.push_back(outcome);
  }
  return r;
}

std::vector<std::string> schema_violations(const json& document) {
  static const auto schema = [] {
    std::ifstream file(std::string(L2_TEST_SOURCE_DIR) + "/spec/schema/case.schema.json");
    std::stringstream text;
    text << file.rdbuf();
    const json parsed = json::parse(text.str());
    auto out = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(parsed);
    parser.populateSchema(adapter, *out);
    return out;
  }();
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(document);
  std::vector<std::string> violations;
  if (validator.validate(*schema, target, &results)) return violations;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) violations.push_back(error.description);
  return violations;
}

// The weakening's counterexample, found and rendered as a vector case.
json counterexample(model::Weakening weakening, const std::string& id) {
  const auto result = prove(weakening, id);
  EXPECT_EQ(result.verdict, Verdict::counterexample) << id << ": " << result.reason;
  EXPECT_TRUE(result.witness.has_value()) << result.counterexample;
  if (!result.witness) return json();
  const json document = l2::vectors::counterexample_case("optimistic_rollup", *result.witness);
  EXPECT_TRUE(schema_violations(document).empty()) << document.dump(2);
  EXPECT_EQ(document.at("mechanism"), "optimistic_rollup");
  EXPECT_EQ(document.at("suite"), "counterexample");
  return document;
}

// Without OR-FIN-3, a fraudulent batch is finalized past the honest challenger's open challenge, whose
// reveal then addresses no pending batch.
TEST(OptimisticRollupCounterexample, FinalizingPastAnOpenChallengeLosesTheHonestReveal) {
  const json document = counterexample(model::Weakening::finalize_ignores_open_challenges,
                                       "optimistic_rollup__finality_requires_challenge_period__finalize__consecution");
  ASSERT_FALSE(document.is_null());
  const Replay weak = replay(document, with_op("finalize", finalize_ignoring_open_challenges));
  ASSERT_TRUE(weak.matches) << weak.mismatch;
  ASSERT_EQ(weak.outcomes.size(), 3u);
  const optimistic_rollup::OptimisticRollup& finalized = weak.states[2];
  ASSERT_EQ(finalized.batches.size(), 1u);
  EXPECT_TRUE(finalized.batches[0].final);
  EXPECT_EQ(finalized.batches[0].open_challenges, 1u) << "final with a challenge open: the violation";
  ASSERT_FALSE(weak.outcomes[2].ok());
  EXPECT_EQ(weak.outcomes[2].error(), OptimisticRollupError::unknown_challenge);
  // The real reference refuses the finalization, and the honest reveal then confirms the fraud.
  const Replay real = replay(document, apply_real);
  ASSERT_FALSE(real.outcomes[1].ok());
  EXPECT_EQ(real.outcomes[1].error(), OptimisticRollupError::challenges_open);
  ASSERT_TRUE(real.outcomes[2].ok());
  EXPECT_EQ(real.outcomes[2].value().resolutions.front().kind, optimistic_rollup::ResolutionKind::fraud_confirmed);
  // The same weakening breaks challenges_well_formed and honest_challenger_wins.
  EXPECT_EQ(prove(model::Weakening::finalize_ignores_open_challenges,
                  "optimistic_rollup__challenges_well_formed__finalize__consecution").verdict,
            Verdict::counterexample);
}

// With OR-CHAL-2 as `height <= challenge_deadline`, a challenge is opened in the block where its batch
// may already be finalized.
TEST(OptimisticRollupCounterexample, AChallengeAtTheDeadlineIsAcceptedOnlyByTheDraft) {
  const json document = counterexample(model::Weakening::challenge_accepted_at_deadline,
                                       "optimistic_rollup__challenges_well_formed__open_challenge__consecution");
  ASSERT_FALSE(document.is_null());
  const Replay weak = replay(document, with_op("open_challenge", open_accepted_at_deadline));
  ASSERT_TRUE(weak.matches) << weak.mismatch;
  ASSERT_TRUE(weak.outcomes[0].ok());
  const optimistic_rollup::OptimisticRollup& after = weak.states[1];
  EXPECT_EQ(after.challenges.back().opened_at, after.batches[0].challenge_deadline)
      << "opened at the deadline, where finalize is already accepted";
  const Replay real = replay(document, apply_real);
  ASSERT_FALSE(real.outcomes[0].ok());
  EXPECT_EQ(real.outcomes[0].error(), OptimisticRollupError::challenge_too_late);
}

// OR-CHAL-5 keyed by the evidence alone: a copy of the honest commitment mined first makes the honest
// open a duplicate; the honest reveal hits the copier's challenge and mismatches; the fraud finalizes.
TEST(OptimisticRollupCounterexample, EvidenceSquattingFinalizesAFraudOnlyWhenChallengeIdIsTheEvidence) {
  const json document =
      counterexample(model::Weakening::challenge_id_is_evidence, "optimistic_rollup__honest_challenger_wins__trace__bmc");
  ASSERT_FALSE(document.is_null());
  const Replay weak = replay(document, with_op("open_challenge", open_keyed_by_evidence));
  ASSERT_TRUE(weak.matches) << weak.mismatch;
  ASSERT_EQ(weak.outcomes.size(), 5u);
  ASSERT_FALSE(weak.outcomes[1].ok());
  EXPECT_EQ(weak.outcomes[1].error(), OptimisticRollupError::challenge_duplicate);
  ASSERT_FALSE(weak.outcomes[2].ok());
  EXPECT_EQ(weak.outcomes[2].error(), OptimisticRollupError::evidence_mismatch);
  const optimistic_rollup::OptimisticRollup& end = weak.states.back();
  ASSERT_EQ(end.batches.size(), 1u);
  EXPECT_TRUE(end.batches[0].final) << "the fraudulent batch is final: the violation";
  EXPECT_EQ(end.epoch, 0u) << "and was never reverted";
  // With the real challenge id the copy is the copier's own challenge: the honest open is accepted.
  const Replay real = replay(document, apply_real);
  EXPECT_TRUE(real.outcomes[1].ok()) << l2::error_info(real.outcomes[1].error()).code;
}

// Review finding 1: without OR-BATCH-13 the reverted batch, with the operator's signature, is submitted
// again by a griefer, and the same proof slashes the operator a second time, paid to the griefer.
TEST(OptimisticRollupCounterexample, AReplayedRevertedBatchSlashesTheOperatorTwiceOnlyWithoutTheEpoch) {
  const json document =
      counterexample(model::Weakening::reverted_batch_replayable, "optimistic_rollup__no_batch_after_revert__trace__bmc");
  ASSERT_FALSE(document.is_null());
  const Replay weak = replay(document, with_op("submit_batch", submit_any_epoch));
  ASSERT_TRUE(weak.matches) << weak.mismatch;
  // resolve (the honest revert), stake (the operator tops up), submit (the replay), open, resolve.
  ASSERT_EQ(weak.outcomes.size(), 5u);
  for (const Outcome& o : weak.outcomes) ASSERT_TRUE(o.ok()) << l2::error_info(o.error()).code;
  const Hash32 removed = weak.states[0].batches.back().batch_id;
  EXPECT_TRUE(weak.states[1].batches.empty());
  ASSERT_EQ(weak.states[3].batches.size(), 1u);
  EXPECT_EQ(weak.states[3].batches[0].batch_id, removed) << "the removed batch is back: the violation";
  EXPECT_EQ(weak.outcomes[4].value().resolutions.front().kind, optimistic_rollup::ResolutionKind::fraud_confirmed);
  EXPECT_EQ(weak.states.back().epoch, 2u) << "two slashes for one fraud";
  const Replay real = replay(document, apply_real);
  ASSERT_FALSE(real.outcomes[2].ok());
  EXPECT_EQ(real.outcomes[2].error(), OptimisticRollupError::batch_wrong_epoch);
  // The invariant's own consecution catches the same weakening.
  const json one_step = counterexample(model::Weakening::reverted_batch_replayable,
                                       "optimistic_rollup__epoch_binds_batches__submit_batch__consecution");
  ASSERT_FALSE(one_step.is_null());
  EXPECT_TRUE(replay(one_step, with_op("submit_batch", submit_any_epoch)).matches);
}

// Review finding 5 and the medium finding: with OR-FP-10 judged at the inclusion height, an honest
// batch built on an origin where a deposit is not yet overdue, landing when it is, is slashed.
TEST(OptimisticRollupCounterexample, AnHonestBatchWaitingInTheQueueIsSlashedOnlyWhenOverdueIsJudgedAtInclusion) {
  const json document =
      counterexample(model::Weakening::overdue_at_inclusion, "optimistic_rollup__honest_operator_not_slashed__trace__bmc");
  ASSERT_FALSE(document.is_null());
  const Replay weak = replay(document, with_op("resolve_challenge", resolve_overdue_at_inclusion));
  ASSERT_TRUE(weak.matches) << weak.mismatch;
  ASSERT_EQ(weak.outcomes.size(), 3u);
  ASSERT_TRUE(weak.outcomes[2].ok());
  const optimistic_rollup::ChallengeResolution& resolution = weak.outcomes[2].value().resolutions.front();
  EXPECT_EQ(resolution.kind, optimistic_rollup::ResolutionKind::fraud_confirmed) << "the honest operator slashed: the violation";
  EXPECT_GT(resolution.slashed_amount, 0u);
  // The batch credited nothing it had to: the deposit was not overdue at its origin.
  const optimistic_rollup::OptimisticRollup& landed = weak.states[1];
  const optimistic_rollup::BatchRecord& honest = landed.batches.back();
  EXPECT_GT(landed.deposits[0].recorded_at + landed.config.queue_inclusion_blocks, honest.header.l1_origin_height);
  EXPECT_LE(landed.deposits[0].recorded_at + landed.config.queue_inclusion_blocks, honest.submitted_at);
  const Replay real = replay(document, apply_real);
  ASSERT_TRUE(real.outcomes[2].ok());
  EXPECT_EQ(real.outcomes[2].value().resolutions.front().kind, optimistic_rollup::ResolutionKind::challenge_rejected);
  EXPECT_EQ(real.outcomes[2].value().resolutions.front().reason, OptimisticRollupError::fraud_request_not_overdue);
}

// ---- The engine.

// A world with real keys: 0 the operator, 1 alice, 2 bob, 3 a challenger.
struct World {
  std::array<Hash32, 4> secret{}, key{};
  optimistic_rollup::OptimisticRollup contract;
  optimistic_rollup::State state;
  World() {
    const Hash32 seed = l2::ref::sha256(std::span<const l2::u8>(reinterpret_cast<const l2::u8*>("model test"), 10));
    for (l2::u32 i = 0; i < 4; ++i) {
      secret[i] = l2::ref::bip340::secret_from_seed(seed, i);
      key[i] = l2::ref::bip340::pubkey_from_secret(secret[i]).value();
    }
    const optimistic_rollup::RollupConfig config{4, 100, 20, 10, 20, 40, 6, 1000, 100, 10, optimistic_rollup::StakeRequirements{10000, 500, 50}};
    contract = optimistic_rollup::deploy(optimistic_rollup::DeployInput{1, Hash32{7}, key[0], 0, config}).value();
    state = optimistic_rollup::State::genesis(key[0]);
  }
};

// Runs `step` through the reference and the engine, expects the same outcome, and moves the world on.
void expect_same(model::Engine& engine, World& w, const model::Step& step, std::optional<OptimisticRollupError> expected = std::nullopt) {
  const optimistic_rollup::Transition reference = model::apply_reference(w.contract, step, optimistic_rollup::Bip340Check{});
  const model::Engine::Outcome got = engine.apply(w.contract, step);
  const std::string op(optimistic_rollup::Operations::name(step.op));
  ASSERT_TRUE(got.problem.empty()) << op << ": " << got.problem;
  const OptimisticRollupError want = reference.ok() ? OptimisticRollupError::none : reference.error();
  if (expected) {
    ASSERT_EQ(want, *expected) << op << ": the scenario went wrong: " << l2::error_info(want).code;
  }
  ASSERT_EQ(got.error, want) << op << ": engine " << l2::error_info(got.error).code;
  if (!reference.ok()) return;
  EXPECT_TRUE(l2::reflect::equal(got.effects.contract, reference.value().contract))
      << op << "\n" << l2::reflect::diff(reference.value().contract, got.effects.contract);
  EXPECT_EQ(effects_json(got.effects), effects_json(reference.value())) << op;
  w.contract = reference.value().contract;
}

TEST(OptimisticRollupEngine, EveryContractOpGivesTheReferencesOutcome) {
  model::Engine engine;
  World w;
  const optimistic_rollup::L2Params params = optimistic_rollup::params_of(w.contract);
  const auto ok = OptimisticRollupError::none;
  expect_same(engine, w, {model::op_code<optimistic_rollup::Stake>, optimistic_rollup::StakeInput{w.key[0], 10000}, 1}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::Unstake>, optimistic_rollup::CallerInput{w.key[1]}, 1}, OptimisticRollupError::not_operator);
  expect_same(engine, w, {model::op_code<optimistic_rollup::DepositNewAccount>, optimistic_rollup::DepositNewAccountInput{w.key[1], w.key[1], 5000}, 2}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::DepositTopUp>, optimistic_rollup::DepositTopUpInput{w.key[2], 1, 1000}, 3}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::DepositTopUp>, optimistic_rollup::DepositTopUpInput{w.key[2], 2, 1000}, 3},
              OptimisticRollupError::deposit_unknown_account);
  expect_same(engine, w, {model::op_code<optimistic_rollup::RequestForcedExit>, optimistic_rollup::RequestForcedExitInput{w.key[1], 1, w.key[1], 10}, 4}, ok);

  // An honest batch: both deposits and the forced exit, then a withdrawal of nothing by the operator.
  const optimistic_rollup::L1Ids ids = optimistic_rollup::l1_ids_for_origin(w.contract, 5);
  optimistic_rollup::Withdrawal idle{0, w.key[0], 0, 0, 0, {}};
  idle.signature = l2::ref::bip340::sign(w.secret[0], optimistic_rollup::withdrawal_digest(params, idle), Hash32{}).value();
  const std::vector<optimistic_rollup::Transaction> txs{optimistic_rollup::make_transaction(optimistic_rollup::Deposit{0, 1, w.key[1], 5000}),
                                          optimistic_rollup::make_transaction(optimistic_rollup::Deposit{1, 1, std::nullopt, 1000}),
                                          optimistic_rollup::make_transaction(optimistic_rollup::ForcedExit{0, 1, w.key[1], w.key[1], 6000}),
                                          optimistic_rollup::make_transaction(idle)};
  const auto executed = optimistic_rollup::execute_batch(params, ids.view(), w.state, txs).value();
  const optimistic_rollup::Batch honest = optimistic_rollup::make_batch(w.contract, txs, executed.state_roots, 5, w.secret[0], Hash32{});
  expect_same(engine, w, {model::op_code<optimistic_rollup::SubmitBatch>, optimistic_rollup::SubmitBatchInput{w.key[0], honest}, 6}, ok);
  w.state = executed.post_state;

  // Challenges: a junk proof rejected, one withdrawn, one expired.
  const optimistic_rollup::FraudProof junk{optimistic_rollup::batch_id(honest.header), optimistic_rollup::FraudProofType::timeout_violation, std::nullopt,
                             optimistic_rollup::TimeoutFault{optimistic_rollup::QueueKind::deposits, 0, w.state.header()}};
  const Hash32 evidence = optimistic_rollup::evidence_commitment(w.key[3], junk);
  const Hash32 id = optimistic_rollup::challenge_id(w.key[3], evidence);
  const Hash32 batch = optimistic_rollup::batch_id(honest.header);
  expect_same(engine, w, {model::op_code<optimistic_rollup::OpenChallenge>, optimistic_rollup::OpenChallengeInput{w.key[3], batch, junk.proof_type, evidence, 1000}, 7}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::ResolveChallenge>, optimistic_rollup::ResolveChallengeInput{w.key[2], id, junk}, 7},
              OptimisticRollupError::reveal_too_early);
  expect_same(engine, w, {model::op_code<optimistic_rollup::ResolveChallenge>, optimistic_rollup::ResolveChallengeInput{w.key[2], id, junk}, 8}, ok);
  const Hash32 other = Hash32{0x42};
  expect_same(engine, w, {model::op_code<optimistic_rollup::OpenChallenge>, optimistic_rollup::OpenChallengeInput{w.key[3], batch, optimistic_rollup::FraudProofType::double_spend, other, 1001}, 9}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::WithdrawChallenge>, optimistic_rollup::ChallengeRef{w.key[2], optimistic_rollup::challenge_id(w.key[3], other)}, 9},
              OptimisticRollupError::not_challenger);
  expect_same(engine, w, {model::op_code<optimistic_rollup::WithdrawChallenge>, optimistic_rollup::ChallengeRef{w.key[3], optimistic_rollup::challenge_id(w.key[3], other)}, 9}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::OpenChallenge>, optimistic_rollup::OpenChallengeInput{w.key[2], batch, optimistic_rollup::FraudProofType::invalid_signature, other, 1000}, 10}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::ExpireChallenge>, optimistic_rollup::ChallengeRef{w.key[0], optimistic_rollup::challenge_id(w.key[2], other)}, 29},
              OptimisticRollupError::challenge_not_expired);
  expect_same(engine, w, {model::op_code<optimistic_rollup::ExpireChallenge>, optimistic_rollup::ChallengeRef{w.key[0], optimistic_rollup::challenge_id(w.key[2], other)}, 30}, ok);

  // A fraudulent second batch, reverted by the honest challenger: the slash, the epoch, the refunds.
  const optimistic_rollup::L1Ids later = optimistic_rollup::l1_ids_for_origin(w.contract, 30);
  optimistic_rollup::Transfer transfer{0, 0, 0, 0, 1, {}};
  transfer.signature = l2::ref::bip340::sign(w.secret[0], optimistic_rollup::transfer_digest(params, transfer), Hash32{}).value();
  const std::vector<optimistic_rollup::Transaction> fraud_txs{optimistic_rollup::make_transaction(transfer)};
  auto fraud_roots = optimistic_rollup::execute_batch(params, later.view(), w.state, fraud_txs).value().state_roots;
  fraud_roots.back() = Hash32{0x66};
  const optimistic_rollup::Batch fraud = optimistic_rollup::make_batch(w.contract, fraud_txs, fraud_roots, 30, w.secret[0], Hash32{});
  expect_same(engine, w, {model::op_code<optimistic_rollup::SubmitBatch>, optimistic_rollup::SubmitBatchInput{w.key[0], fraud}, 31}, ok);
  const optimistic_rollup::FraudProof proof = optimistic_rollup::find_fraud(w.contract, w.contract.batches[1], fraud, w.state).value();
  const Hash32 honest_evidence = optimistic_rollup::evidence_commitment(w.key[3], proof);
  expect_same(engine, w, {model::op_code<optimistic_rollup::OpenChallenge>, optimistic_rollup::OpenChallengeInput{w.key[2], optimistic_rollup::batch_id(fraud.header), proof.proof_type, Hash32{0x43}, 1000}, 32}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::OpenChallenge>, optimistic_rollup::OpenChallengeInput{w.key[3], optimistic_rollup::batch_id(fraud.header), proof.proof_type, honest_evidence, 1000}, 32}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::ResolveChallenge>, optimistic_rollup::ResolveChallengeInput{w.key[1], optimistic_rollup::challenge_id(w.key[3], honest_evidence), proof}, 33}, ok);
  EXPECT_EQ(w.contract.epoch, 1u);
  EXPECT_EQ(w.contract.batches.size(), 1u);
  expect_same(engine, w, {model::op_code<optimistic_rollup::SubmitBatch>, optimistic_rollup::SubmitBatchInput{w.key[2], fraud}, 34}, OptimisticRollupError::operator_understaked);
  expect_same(engine, w, {model::op_code<optimistic_rollup::Stake>, optimistic_rollup::StakeInput{w.key[0], 5000}, 34}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::SubmitBatch>, optimistic_rollup::SubmitBatchInput{w.key[2], fraud}, 34}, OptimisticRollupError::batch_wrong_epoch);

  // Finality, the forced exit's payout, the freeze and the escape hatch.
  expect_same(engine, w, {model::op_code<optimistic_rollup::Finalize>, optimistic_rollup::CallerInput{w.key[2]}, 105}, OptimisticRollupError::challenge_period_open);
  expect_same(engine, w, {model::op_code<optimistic_rollup::Finalize>, optimistic_rollup::CallerInput{w.key[2]}, 106}, ok);
  const auto leaves = optimistic_rollup::transaction_leaf_hashes(honest.transactions);
  const optimistic_rollup::PayWithdrawalInput pay{w.key[2], 0, 2, l2::reflect::encode(honest.transactions[2]),
                                    l2::ref::rfc6962::inclusion_proof(leaves, 2)};
  expect_same(engine, w, {model::op_code<optimistic_rollup::PayWithdrawal>, pay, 107}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::PayWithdrawal>, pay, 107}, OptimisticRollupError::pay_already_paid);
  expect_same(engine, w, {model::op_code<optimistic_rollup::DepositNewAccount>, optimistic_rollup::DepositNewAccountInput{w.key[2], w.key[2], 700}, 108}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::Freeze>, optimistic_rollup::FreezeInput{w.key[1], optimistic_rollup::QueueKind::deposits, 2, w.state.header()}, 147},
              OptimisticRollupError::freeze_not_overdue);
  expect_same(engine, w, {model::op_code<optimistic_rollup::Freeze>, optimistic_rollup::FreezeInput{w.key[1], optimistic_rollup::QueueKind::deposits, 2, w.state.header()}, 148}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::SubmitBatch>, optimistic_rollup::SubmitBatchInput{w.key[0], fraud}, 149}, OptimisticRollupError::rollup_frozen);
  const optimistic_rollup::Account fee = w.state.account(0).value();
  const optimistic_rollup::ExitInput exit{w.key[1], w.state.header(), 0, fee, w.state.prove(0).siblings};
  expect_same(engine, w, {model::op_code<optimistic_rollup::Exit>, exit, 149}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::Exit>, exit, 149}, OptimisticRollupError::exit_already_exited);
  expect_same(engine, w, {model::op_code<optimistic_rollup::ReclaimDeposit>, optimistic_rollup::ReclaimDepositInput{w.key[0], w.state.header(), 1}, 150},
              OptimisticRollupError::reclaim_deposit_credited);
  expect_same(engine, w, {model::op_code<optimistic_rollup::ReclaimDeposit>, optimistic_rollup::ReclaimDepositInput{w.key[0], w.state.header(), 2}, 150}, ok);
  expect_same(engine, w, {model::op_code<optimistic_rollup::Unstake>, optimistic_rollup::CallerInput{w.key[0]}, 600}, ok);
}

TEST(OptimisticRollupEngine, AStepWhoseInputIsNotTheOpsIsAProblemNotAnOutcome) {
  model::Engine engine;
  World w;
  const model::Engine::Outcome got = engine.apply(w.contract, {model::op_code<optimistic_rollup::Stake>, optimistic_rollup::CallerInput{w.key[0]}, 1});
  EXPECT_FALSE(got.problem.empty());
}

TEST(OptimisticRollupEngine, ApplyTxGivesTheReferencesRootOrRule) {
  model::Engine engine;
  World w;
  const optimistic_rollup::L2Params params = optimistic_rollup::params_of(w.contract);
  const std::vector<Hash32> deposit_ids{optimistic_rollup::deposit_id(params, optimistic_rollup::Deposit{0, 1, w.key[1], 5000})};
  const optimistic_rollup::L1View view{deposit_ids, {}};
  const optimistic_rollup::Transaction deposit = optimistic_rollup::make_transaction(optimistic_rollup::Deposit{0, 1, w.key[1], 5000});
  const optimistic_rollup::State one = optimistic_rollup::apply_tx(params, view, w.state, deposit).value();
  optimistic_rollup::Transfer t{1, 0, 40, 2, 0, {}};
  t.signature = l2::ref::bip340::sign(w.secret[1], optimistic_rollup::transfer_digest(params, t), Hash32{}).value();
  const optimistic_rollup::Transaction transfer = optimistic_rollup::make_transaction(t);
  optimistic_rollup::Transfer forged = t;
  forged.amount = 41;
  struct Case {
    const optimistic_rollup::State* state;
    optimistic_rollup::Transaction tx;
    std::function<void(optimistic_rollup::TxWitness&, l2::Bytes&, Hash32&)> spoil;
    OptimisticRollupError expected;
  };
  const std::vector<Case> cases{
      {&w.state, deposit, [](auto&, auto&, auto&) {}, OptimisticRollupError::none},
      {&one, transfer, [](auto&, auto&, auto&) {}, OptimisticRollupError::none},
      {&one, optimistic_rollup::make_transaction(forged), [](auto&, auto&, auto&) {}, OptimisticRollupError::bad_signature},
      {&one, transfer, [](auto& opened, auto&, auto&) { opened.accounts[0].index = 2; }, OptimisticRollupError::witness_wrong_account},
      {&one, transfer, [](auto& opened, auto&, auto&) { opened.accounts.pop_back(); }, OptimisticRollupError::witness_missing},
      {&one, transfer, [](auto& opened, auto&, auto&) { opened.accounts[1].siblings[0][0] ^= 1; }, OptimisticRollupError::witness_root_mismatch},
      {&one, transfer, [](auto&, auto&, auto& root) { root[0] ^= 1; }, OptimisticRollupError::witness_state_mismatch},
      {&one, transfer, [](auto&, auto& bytes, auto&) { bytes.pop_back(); }, OptimisticRollupError::tx_malformed},
      {&w.state, deposit, [](auto& opened, auto&, auto&) { opened.pre_state.deposits_credited = 1; }, OptimisticRollupError::witness_state_mismatch},
  };
  for (const Case& c : cases) {
    optimistic_rollup::TxWitness witness = optimistic_rollup::witness_for(params, view, *c.state, c.tx);
    l2::Bytes bytes = l2::reflect::encode(c.tx);
    Hash32 root = c.state->root();
    c.spoil(witness, bytes, root);
    const auto reference = optimistic_rollup::apply_encoded_tx(params, view, root, witness, bytes);
    ASSERT_EQ(reference.ok() ? OptimisticRollupError::none : reference.error(), c.expected);
    const auto got = engine.apply_tx(params, deposit_ids, {}, root, witness, bytes);
    ASSERT_TRUE(got.problem.empty()) << got.problem;
    EXPECT_EQ(got.error, c.expected) << l2::error_info(got.error).code;
    if (reference.ok()) {
      EXPECT_EQ(got.post_root, reference.value());
    }
  }
}

TEST(OptimisticRollupEngine, VerifyFraudProofGivesTheReferencesVerdict) {
  model::Engine engine;
  World w;
  const optimistic_rollup::L2Params params = optimistic_rollup::params_of(w.contract);
  w.contract = optimistic_rollup::apply_stake(w.contract, optimistic_rollup::StakeInput{w.key[0], 10000}, optimistic_rollup::Env{1}).value().contract;
  optimistic_rollup::Transfer t{0, 0, 0, 0, 0, {}};
  t.signature = l2::ref::bip340::sign(w.secret[0], optimistic_rollup::transfer_digest(params, t), Hash32{}).value();
  const std::vector<optimistic_rollup::Transaction> txs{optimistic_rollup::make_transaction(t)};
  auto roots = optimistic_rollup::execute_batch(params, optimistic_rollup::L1View{}, w.state, txs).value().state_roots;
  roots.back() = Hash32{0x66};
  const optimistic_rollup::Batch fraud = optimistic_rollup::make_batch(w.contract, txs, roots, 1, w.secret[0], Hash32{});
  w.contract = optimistic_rollup::apply_submit_batch(w.contract, optimistic_rollup::SubmitBatchInput{w.key[0], fraud}, optimistic_rollup::Env{2}).value().contract;
  const optimistic_rollup::FraudProof proof = optimistic_rollup::find_fraud(w.contract, w.contract.batches[0], fraud, w.state).value();
  const Hash32 evidence = optimistic_rollup::evidence_commitment(w.key[3], proof);
  w.contract = optimistic_rollup::apply_open_challenge(w.contract, optimistic_rollup::OpenChallengeInput{w.key[3], proof.batch_id, proof.proof_type, evidence, 1000},
                                         optimistic_rollup::Env{3}).value().contract;
  const Hash32 id = optimistic_rollup::challenge_id(w.key[3], evidence);
  // A second challenge of another type, so that a proof of that type reaches OR-FP-8.
  w.contract = optimistic_rollup::apply_open_challenge(w.contract, optimistic_rollup::OpenChallengeInput{w.key[2], proof.batch_id, optimistic_rollup::FraudProofType::double_spend,
                                                                             Hash32{0x44}, 1000},
                                         optimistic_rollup::Env{3}).value().contract;
  const Hash32 second = optimistic_rollup::challenge_id(w.key[2], Hash32{0x44});
  std::vector<std::pair<optimistic_rollup::FraudProof, Hash32>> cases{{proof, id}, {proof, Hash32{9}}, {proof, second}};
  optimistic_rollup::FraudProof wrong_type = proof;
  wrong_type.proof_type = optimistic_rollup::FraudProofType::double_spend;
  cases.emplace_back(wrong_type, second);
  optimistic_rollup::FraudProof bad_witness = proof;
  bad_witness.transaction_fault->witness.accounts[0].siblings[1][3] ^= 1;
  cases.emplace_back(bad_witness, id);
  optimistic_rollup::FraudProof not_included = proof;
  not_included.transaction_fault->transaction_index = 1;
  cases.emplace_back(not_included, id);
  optimistic_rollup::FraudProof other_root = proof;
  other_root.transaction_fault->post_state_root = roots.front();
  cases.emplace_back(other_root, id);
  cases.emplace_back(optimistic_rollup::FraudProof{proof.batch_id, proof.proof_type, std::nullopt, optimistic_rollup::TimeoutFault{}}, id);
  std::set<OptimisticRollupError> seen;
  for (const auto& [p, challenge] : cases) {
    const auto index = optimistic_rollup::find_challenge(w.contract, challenge);
    const OptimisticRollupError reference =
        index ? optimistic_rollup::verify_fraud_proof(w.contract, w.contract.batches[0], w.contract.challenges[*index], p)
              : OptimisticRollupError::unknown_challenge;
    const auto got = engine.verify_fraud_proof(w.contract, challenge, p);
    ASSERT_TRUE(got.problem.empty()) << got.problem;
    EXPECT_EQ(got.error, reference) << l2::error_info(got.error).code << " vs " << l2::error_info(reference).code;
    seen.insert(reference);
  }
  for (OptimisticRollupError e : {OptimisticRollupError::none, OptimisticRollupError::unknown_challenge, OptimisticRollupError::fraud_batch_mismatch,
                        OptimisticRollupError::fraud_type_mismatch, OptimisticRollupError::fraud_bad_witness, OptimisticRollupError::fraud_tx_not_included,
                        OptimisticRollupError::fraud_post_root_not_included, OptimisticRollupError::fraud_evidence_shape})
    EXPECT_TRUE(seen.count(e)) << l2::error_info(e).code;
}

// Every OR-DEPLOY rule, at its boundary -1, 0 and +1, gets the reference's verdict from the model.
TEST(OptimisticRollupEngine, DeployErrorIsTheReferencesAtEveryBoundary) {
  const optimistic_rollup::RollupConfig base{4, 100, 20, 10, 20, 40, 6, 1000, 100, 10, optimistic_rollup::StakeRequirements{10000, 500, 50}};
  std::vector<optimistic_rollup::RollupConfig> configs{base};
  auto vary = [&](auto setter) {
    for (int delta : {-1, 0, 1}) {
      optimistic_rollup::RollupConfig c = base;
      setter(c, delta);
      configs.push_back(c);
    }
  };
  vary([](optimistic_rollup::RollupConfig& c, int d) { c.censorship_bound_blocks = static_cast<u64>(0 + 1 + d) % 3; });
  vary([](optimistic_rollup::RollupConfig& c, int d) { c.max_batch_size = static_cast<u64>(1 + d); });
  vary([](optimistic_rollup::RollupConfig& c, int d) { c.challenge_period_blocks = static_cast<u64>(6 + d); });
  vary([](optimistic_rollup::RollupConfig& c, int d) { c.resolution_period_blocks = static_cast<u64>(6 + d); });
  vary([](optimistic_rollup::RollupConfig& c, int d) { c.sequencing_window_blocks = static_cast<u64>(6 + d); });
  vary([](optimistic_rollup::RollupConfig& c, int d) { c.escape_delay_blocks = static_cast<u64>(30 + d); });
  vary([](optimistic_rollup::RollupConfig& c, int d) { c.queue_inclusion_blocks = d == 1 ? l2::u64_max : l2::u64_max - 20 + static_cast<u64>(d + 1); });
  vary([](optimistic_rollup::RollupConfig& c, int d) { c.stake.penalty_percentage = static_cast<l2::u8>(d == -1 ? 0 : 100 + d); });
  vary([](optimistic_rollup::RollupConfig& c, int d) { c.stake.minimum_stake = 4 + static_cast<u64>(d); c.stake.penalty_percentage = 50; });
  vary([](optimistic_rollup::RollupConfig& c, int d) { c.min_challenge_bond = static_cast<u64>(1 + d); });
  vary([](optimistic_rollup::RollupConfig& c, int d) { c.min_deposit = static_cast<u64>(1 + d); });
  vary([](optimistic_rollup::RollupConfig& c, int d) { c.forced_exit_fee = static_cast<u64>(1 + d); });
  std::set<OptimisticRollupError> seen;
  for (const optimistic_rollup::RollupConfig& c : configs) {
    const OptimisticRollupError reference = optimistic_rollup::check_config(c);
    seen.insert(reference);
    EXPECT_EQ(model::deploy_error(c), reference) << l2::error_info(reference).code;
  }
  for (OptimisticRollupError e = OptimisticRollupError::config_censorship_bound; e <= OptimisticRollupError::config_forced_exit_fee;
       e = static_cast<OptimisticRollupError>(static_cast<int>(e) + 1))
    EXPECT_TRUE(seen.count(e)) << l2::error_info(e).code << " never reached";
}

}  // namespace
