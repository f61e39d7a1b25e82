// The optimistic rollup's Z3 model: every obligation is proved with satisfiable premises; each
// deliberately weakened rule is refuted by the obligation that should catch it (and the same
// obligation is proved against the real rule), the evidence-squatting counterexample to OR-CHAL-5
// as first specified (challenge_id = evidence) among them.
#include "l2/inv/optimistic_rollup_model.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "l2/inv/obligation.hpp"

namespace {

namespace model = l2::inv::optimistic_rollup;
using l2::inv::Verdict;
using namespace std::chrono_literals;

l2::inv::ObligationResult discharge(const l2::inv::Obligation& obligation) {
  // discharge keeps a pointer to the obligation; the result is read before it goes away.
  l2::inv::ObligationResult result = l2::inv::discharge(obligation, 300s);
  result.obligation = nullptr;
  return result;
}

l2::inv::ObligationResult prove(model::Weakening weakening, const std::string& id) {
  for (const auto& obligation : model::obligations(weakening))
    if (obligation.id() == id) return discharge(obligation);
  ADD_FAILURE() << "no obligation " << id;
  return {};
}

TEST(OptimisticRollupModel, EveryObligationIsProvedWithSatisfiablePremises) {
  const auto obligations = l2::inv::optimistic_rollup::obligations();
  ASSERT_FALSE(obligations.empty());
  for (const auto& obligation : obligations) {
    EXPECT_EQ(obligation.mechanism, "optimistic_rollup");
    // A proof whose premises Z3 cannot satisfy comes back `unknown` ("vacuous"), never `proved`.
    ASSERT_TRUE(static_cast<bool>(obligation.assert_premise)) << obligation.id();
    const auto result = discharge(obligation);
    EXPECT_EQ(result.verdict, Verdict::proved) << obligation.id() << ": " << result.reason << "\n"
                                               << result.counterexample;
  }
}

TEST(OptimisticRollupModel, TheSpecsNamedInvariantsAreAllThereAndRegistered) {
  std::set<std::string> invariants;
  for (const auto& obligation : l2::inv::all_obligations())
    if (obligation.mechanism == "optimistic_rollup") invariants.insert(obligation.invariant);
  for (const char* name :
       {"batches_chain", "finality_requires_challenge_period", "fraud_proof_soundness", "fraud_proof_completeness",
        "conservation", "no_withdrawal_from_non_final_batch", "exactly_once_deposits"})
    EXPECT_TRUE(invariants.count(name)) << name;
}

TEST(OptimisticRollupModel, EveryContractInvariantHasInitiationAndConsecutionForEveryTransition) {
  const std::set<std::string> transitions{
      "stake",        "unstake",        "claim_rewards",     "deposit_new_account", "deposit_top_up",
      "submit_batch", "open_challenge", "resolve_challenge", "expire_challenge",    "withdraw_challenge",
      "finalize",     "pay_withdrawal"};
  for (const char* invariant : {"batches_chain", "finality_requires_challenge_period", "conservation",
                                "no_withdrawal_from_non_final_batch", "challenges_well_formed"}) {
    std::set<std::string> seen;
    bool initiation = false;
    for (const auto& obligation : model::obligations()) {
      if (obligation.invariant != invariant) continue;
      if (obligation.kind == l2::inv::Kind::initiation) initiation = true;
      if (obligation.kind == l2::inv::Kind::consecution) seen.insert(obligation.transition);
    }
    EXPECT_TRUE(initiation) << invariant;
    for (const auto& t : transitions) EXPECT_TRUE(seen.count(t)) << invariant << " against " << t;
  }
}

TEST(OptimisticRollupModel, WeakeningNamesRoundTrip) {
  for (auto w : {model::Weakening::none, model::Weakening::finalize_ignores_open_challenges,
                 model::Weakening::challenge_accepted_at_deadline, model::Weakening::challenge_id_is_evidence})
    EXPECT_EQ(model::parse_weakening(model::weakening_name(w)), w);
  EXPECT_FALSE(model::parse_weakening("no_such_weakening").has_value());
}

// Without OR-FIN-3 a batch with an open challenge can be finalized: the finality invariant (a
// final batch has no open challenge) breaks at finalize, and so does "an open challenge names a
// pending batch".
TEST(OptimisticRollupModel, FinalizingPastAnOpenChallengeIsRefuted) {
  const std::string finality = "optimistic_rollup__finality_requires_challenge_period__finalize__consecution";
  const std::string challenges = "optimistic_rollup__challenges_well_formed__finalize__consecution";
  for (const auto& id : {finality, challenges}) {
    const auto weakened = prove(model::Weakening::finalize_ignores_open_challenges, id);
    ASSERT_EQ(weakened.verdict, Verdict::counterexample) << id << ": " << weakened.reason;
    EXPECT_NE(weakened.counterexample.find("open_challenges = "), std::string::npos) << weakened.counterexample;
    EXPECT_EQ(prove(model::Weakening::none, id).verdict, Verdict::proved) << id;
  }
}

// With OR-CHAL-2 as `height <= challenge_deadline`, a challenge can be opened in the block where
// the batch may already be finalized: "every open challenge was opened before its batch's
// challenge deadline" (which bounds how long challenges can delay finality) breaks at open_challenge.
TEST(OptimisticRollupModel, AChallengeAtTheDeadlineIsRefuted) {
  const std::string id = "optimistic_rollup__challenges_well_formed__open_challenge__consecution";
  const auto weakened = prove(model::Weakening::challenge_accepted_at_deadline, id);
  ASSERT_EQ(weakened.verdict, Verdict::counterexample) << weakened.reason;
  EXPECT_NE(weakened.counterexample.find("s0.height = "), std::string::npos) << weakened.counterexample;
  EXPECT_EQ(prove(model::Weakening::none, id).verdict, Verdict::proved);
}

// OR-CHAL-5 as first specified keyed challenges by the evidence alone: another party that copies
// the honest challenger's commitment from the mempool and gets it mined first blocks the honest
// challenge; the copy can never be resolved (the evidence binds the honest challenger), so the
// invalid batch is not reverted. With challenge_id = H(challenger, evidence) the copy opens the
// copier's own challenge and the honest challenger always wins, with no assumption about others.
TEST(OptimisticRollupModel, EvidenceSquattingBlocksTheHonestChallengerOnlyWhenChallengeIdIsTheEvidence) {
  const std::string id = "optimistic_rollup__honest_challenger_wins__trace__bmc";
  const auto squatted = prove(model::Weakening::challenge_id_is_evidence, id);
  ASSERT_EQ(squatted.verdict, Verdict::counterexample) << squatted.reason;
  EXPECT_NE(squatted.counterexample.find("honest.proof = "), std::string::npos) << squatted.counterexample;
  const auto real = prove(model::Weakening::none, id);
  EXPECT_EQ(real.verdict, Verdict::proved) << real.reason << "\n" << real.counterexample;
}

}  // namespace
