// Counterexamples as concrete traces (the vectors layer renders them as cases of mechanism
// optimistic_rollup, suite counterexample). Each realiser
// reads the counterexample's shape (which op did what, in what order) from the Z3 model, realises
// the attack in a concrete world with real keys, BIP-340 signatures, batches and fraud proofs, in the
// configuration the vectors use, and takes every step's expected outcome from the engine run with the
// same weakening: the case says what the weakened model says, and tests replay it in a reference with
// the same weakening (the violation shows) and in the real one (the rule refuses it).
// spec: optimistic_rollup.md#the-z3-model
#include <algorithm>
#include <cctype>

#include "engine.hpp"
#include "l2/ref/verify_check.hpp"
#include "obligations.hpp"

namespace l2::inv::optimistic_rollup::model {

namespace {

using ConcreteStep = optimistic_rollup::Step;

// The rules an op's checks cite: every rule of the families it checks, in the error enum's order.
std::vector<std::string> rules_of(Op op) {
  std::vector<std::string> families;
  if (op == op_code<ref::optimistic_rollup::Stake>) families = {"OR-STAKE"};
  if (op == op_code<ref::optimistic_rollup::Unstake>) families = {"OR-STAKE-1", "OR-UNSTAKE"};
  if (op == op_code<ref::optimistic_rollup::DepositNewAccount> || op == op_code<ref::optimistic_rollup::DepositTopUp>) families = {"OR-FROZEN", "OR-BRIDGE"};
  if (op == op_code<ref::optimistic_rollup::RequestForcedExit>) families = {"OR-FROZEN", "OR-FEXQ"};
  if (op == op_code<ref::optimistic_rollup::SubmitBatch>) families = {"OR-FROZEN", "OR-BATCH"};
  if (op == op_code<ref::optimistic_rollup::OpenChallenge>) families = {"OR-CHAL"};
  if (op == op_code<ref::optimistic_rollup::ResolveChallenge>) families = {"OR-RES", "OR-FP"};
  if (op == op_code<ref::optimistic_rollup::ExpireChallenge>) families = {"OR-RES-1", "OR-EXP"};
  if (op == op_code<ref::optimistic_rollup::WithdrawChallenge>) families = {"OR-RES-1", "OR-RES-2", "OR-WDC"};
  if (op == op_code<ref::optimistic_rollup::Finalize>) families = {"OR-FIN"};
  if (op == op_code<ref::optimistic_rollup::PayWithdrawal>) families = {"OR-PAY"};
  if (op == op_code<ref::optimistic_rollup::Freeze>) families = {"OR-FRZ"};
  if (op == op_code<ref::optimistic_rollup::Exit>) families = {"OR-EXIT"};
  if (op == op_code<ref::optimistic_rollup::ReclaimDeposit>) families = {"OR-EXIT-1", "OR-EXIT-2", "OR-EXIT-3", "OR-RECL"};
  std::vector<std::string> rules;
  for (const OptimisticRollupError e : all_rollup_errors) {
    const std::string rule(error_info(e).rule_id);
    for (const std::string& family : families)
      if (rule == family || rule.rfind(family + "-", 0) == 0) rules.push_back(rule);
  }
  return rules;
}

Hash32 seed_of(const std::string& id) {
  const std::string text = "l2spec/prove/counterexample/" + id;
  return ref::sha256(std::span<const u8>(reinterpret_cast<const u8*>(text.data()), text.size()));
}

// The parties of a counterexample, by role.
enum Party : std::size_t { operator_party, alice, challenger, griefer, party_count };

// A concrete world: keys, the contract, the true L2 state at its last root, and the case's steps.
class World {
 public:
  explicit World(const std::string& id) : seed_(seed_of(id)) {
    for (std::size_t p = 0; p < party_count; ++p) {
      secret_[p] = ref::bip340::secret_from_seed(seed_, static_cast<u32>(p));
      key_[p] = ref::bip340::pubkey_from_secret(secret_[p]).value();
    }
    // The vectors' world configuration (optimistic_rollup.md#vector-operations-mechanism-optimistic_rollup).
    const ref::optimistic_rollup::RollupConfig config{4, 100, 20, 10, 20, 40, 6, 1000, 100, 10, ref::optimistic_rollup::StakeRequirements{10000, 500, 50}};
    contract_ = ref::optimistic_rollup::deploy(ref::optimistic_rollup::DeployInput{1, ref::tagged_hash("L2/prove/contract", seed_), key_[operator_party], 0, config}).value();
    state_ = ref::optimistic_rollup::State::genesis(key_[operator_party]);
    setup(op_code<ref::optimistic_rollup::Stake>, ref::optimistic_rollup::StakeInput{key_[operator_party], 10000}, 1);
  }

  const Hash32& key(Party p) const { return key_[p]; }
  const Hash32& seed() const { return seed_; }
  const ref::optimistic_rollup::OptimisticRollup& contract() const { return contract_; }
  const ref::optimistic_rollup::State& state() const { return state_; }

  // A step of the pre-state's history, through the real reference: it must be accepted.
  template <class Input>
  void setup(Op op, const Input& input, u64 height) {
    const ref::optimistic_rollup::Transition t = apply_reference(contract_, ConcreteStep{op, input, height}, ref::optimistic_rollup::Bip340Check{});
    L2_VERIFY_CHECK(t.ok());
    if (t.ok()) contract_ = t.value().contract;
  }
  void deposit(Party owner, u64 amount, u64 height) {
    setup(op_code<ref::optimistic_rollup::DepositNewAccount>, ref::optimistic_rollup::DepositNewAccountInput{key_[owner], key_[owner], amount}, height);
  }

  // The operator's batch of `transactions` on the true state and origin `origin`; with `minted`, its
  // post-state root claims 1000 more in the fee account than the transactions give (a fraud).
  struct Built {
    ref::optimistic_rollup::Batch batch;
    ref::optimistic_rollup::State post;  // the true post-state
  };
  Built batch(const std::vector<ref::optimistic_rollup::Transaction>& transactions, u64 origin, bool minted) const {
    const ref::optimistic_rollup::L1Ids ids = ref::optimistic_rollup::l1_ids_for_origin(contract_, origin);
    const auto executed = ref::optimistic_rollup::execute_batch(ref::optimistic_rollup::params_of(contract_), ids.view(), state_, transactions);
    L2_VERIFY_CHECK(executed.ok());
    std::vector<Hash32> roots = executed.value().state_roots;
    if (minted) {
      ref::optimistic_rollup::State claimed = executed.value().post_state;
      const ref::optimistic_rollup::Account fee = claimed.account(ref::optimistic_rollup::fee_account).value();
      claimed.put(ref::optimistic_rollup::fee_account, ref::optimistic_rollup::Account{fee.balance + 1000, fee.nonce, fee.owner});
      roots.back() = claimed.root();
    }
    return {ref::optimistic_rollup::make_batch(contract_, transactions, roots, origin, secret_[operator_party], Hash32{}),
            executed.value().post_state};
  }
  // The deposit the contract recorded at `index`, as the L2 transaction that credits it.
  ref::optimistic_rollup::Transaction credit(u64 index, Party owner, ref::optimistic_rollup::AccountIndex to) const {
    return ref::optimistic_rollup::make_transaction(ref::optimistic_rollup::Deposit{index, to, key_[owner], contract_.deposits[index].amount});
  }
  // A signed transfer of nothing from the operator's fee account to itself.
  ref::optimistic_rollup::Transaction idle_transfer() const {
    ref::optimistic_rollup::Transfer t{ref::optimistic_rollup::fee_account, ref::optimistic_rollup::fee_account, 0, 0, state_.account(ref::optimistic_rollup::fee_account)->nonce, {}};
    t.signature = ref::bip340::sign(secret_[operator_party], ref::optimistic_rollup::transfer_digest(ref::optimistic_rollup::params_of(contract_), t), Hash32{}).value();
    return ref::optimistic_rollup::make_transaction(t);
  }

  // The case's steps.
  template <class Input>
  void step(Op op, const Input& input, u64 height) {
    steps_.push_back(ConcreteStep{op, input, height});
  }

  // The counterexample: the steps replayed through the engine with the weakening for the expected
  // outcomes; nullopt when the engine cannot model a step.
  std::optional<Counterexample> realise(const std::string& id, const std::string& statement, Weakening weakening) const {
    Engine engine(weakening);
    CounterexampleTrace<ref::optimistic_rollup::Operations, ref::optimistic_rollup::Effects> trace{ref::optimistic_rollup::Effects{contract_, {}, {}}, {}};
    Counterexample counterexample{id,
                                  "counterexample to " + id + ": " + statement +
                                      ". Expected outcomes are the model's with the rule weakening " +
                                      std::string(weakening_name(weakening)),
                                  {}, seed_, {}};
    ref::optimistic_rollup::OptimisticRollup state = contract_;
    for (const ConcreteStep& step : steps_) {
      const Engine::Outcome outcome = engine.apply(state, step);
      if (!outcome.problem.empty()) return std::nullopt;
      std::variant<ref::optimistic_rollup::Effects, Rejection> expect = outcome.effects;
      if (outcome.error == OptimisticRollupError::none) {
        state = outcome.effects.contract;
      } else {
        const ErrorInfo info = error_info(outcome.error);
        expect = Rejection{std::string(info.code), std::string(info.rule_id), std::string(info.summary)};
      }
      trace.steps.push_back({step.op, step.height, step.input, std::move(expect)});
      for (const std::string& rule : rules_of(step.op))
        if (std::find(counterexample.rules.begin(), counterexample.rules.end(), rule) == counterexample.rules.end())
          counterexample.rules.push_back(rule);
    }
    counterexample.trace = std::move(trace);
    return counterexample;
  }

  // The true state moves on with an honest batch the contract accepted.
  void accept(const Built& built, u64 height) {
    setup(op_code<ref::optimistic_rollup::SubmitBatch>, ref::optimistic_rollup::SubmitBatchInput{key_[operator_party], built.batch}, height);
    state_ = built.post;
  }

 private:
  Hash32 seed_;
  std::array<Hash32, party_count> secret_{}, key_{};
  ref::optimistic_rollup::OptimisticRollup contract_;
  ref::optimistic_rollup::State state_;
  std::vector<ConcreteStep> steps_;
};

// The operator's fraudulent batch B (a minted fee balance) on top of alice's credited deposit,
// submitted at height 10 on origin 9, and the honest challenger's proof of it.
struct Fraud {
  World::Built built;
  ref::optimistic_rollup::FraudProof proof;
};
Fraud fraud_at_10(World& w) {
  w.deposit(alice, 5000, 2);
  const ref::optimistic_rollup::State before = w.state();
  Fraud f{w.batch({w.credit(0, alice, 1)}, 9, true), {}};
  w.setup(op_code<ref::optimistic_rollup::SubmitBatch>, ref::optimistic_rollup::SubmitBatchInput{w.key(operator_party), f.built.batch}, 10);
  f.proof = ref::optimistic_rollup::find_fraud(w.contract(), w.contract().batches.back(), f.built.batch, before).value();
  return f;
}

// The op of step i of a bounded model check's trace, as the model chose it.
std::optional<Op> op_at(const z3::model& m, std::size_t i) {
  const ContractModel model(m.ctx(), Weakening::none);
  const Call in = model.call("s" + std::to_string(i));
  const z3::expr v = m.eval(in.op, true);
  std::uint64_t code = 0;
  if (!v.is_numeral_u64(code) || code >= op_count) return std::nullopt;
  return static_cast<Op>(code);
}

// ---- Per weakening.

// OR-FIN-3 dropped: a fraudulent batch is finalized past the honest challenger's open challenge,
// which can then never be resolved.
std::optional<Counterexample> finalize_past_a_challenge(const std::string& id, const std::string& statement, Weakening weakening) {
  World w(id);
  const Fraud f = fraud_at_10(w);
  const ref::optimistic_rollup::BatchRecord& b = w.contract().batches.back();
  const Hash32 evidence = ref::optimistic_rollup::evidence_commitment(w.key(challenger), f.proof);
  const u64 open = b.challenge_deadline - 5;
  w.step(op_code<ref::optimistic_rollup::OpenChallenge>, ref::optimistic_rollup::OpenChallengeInput{w.key(challenger), b.batch_id, f.proof.proof_type, evidence, 1000}, open);
  w.step(op_code<ref::optimistic_rollup::Finalize>, ref::optimistic_rollup::CallerInput{w.key(griefer)}, b.challenge_deadline);
  w.step(op_code<ref::optimistic_rollup::ResolveChallenge>,
         ref::optimistic_rollup::ResolveChallengeInput{w.key(challenger), ref::optimistic_rollup::challenge_id(w.key(challenger), evidence), f.proof},
         b.challenge_deadline + 1);
  return w.realise(id, statement, weakening);
}

// OR-CHAL-2 as `height <= challenge_deadline`: a challenge opened in the block where the batch is
// already final-able.
std::optional<Counterexample> challenge_at_the_deadline(const std::string& id, const std::string& statement, Weakening weakening) {
  World w(id);
  const Fraud f = fraud_at_10(w);
  const ref::optimistic_rollup::BatchRecord& b = w.contract().batches.back();
  const Hash32 evidence = ref::optimistic_rollup::evidence_commitment(w.key(challenger), f.proof);
  w.step(op_code<ref::optimistic_rollup::OpenChallenge>, ref::optimistic_rollup::OpenChallengeInput{w.key(challenger), b.batch_id, f.proof.proof_type, evidence, 1000},
         b.challenge_deadline);
  return w.realise(id, statement, weakening);
}

// OR-CHAL-5 keyed by the evidence alone: the griefer copies the honest commitment from the mempool
// and gets it mined first; the honest open is a duplicate, the honest reveal addresses the griefer's
// challenge and mismatches, the copy expires, and the fraud finalizes.
std::optional<Counterexample> evidence_squatting(const std::string& id, const std::string& statement, Weakening weakening) {
  World w(id);
  const Fraud f = fraud_at_10(w);
  const ref::optimistic_rollup::BatchRecord& b = w.contract().batches.back();
  const Hash32 evidence = ref::optimistic_rollup::evidence_commitment(w.key(challenger), f.proof);
  const Hash32 id_of_honest = weakening == Weakening::challenge_id_is_evidence ? evidence
                                                                                 : ref::optimistic_rollup::challenge_id(w.key(challenger), evidence);
  w.step(op_code<ref::optimistic_rollup::OpenChallenge>, ref::optimistic_rollup::OpenChallengeInput{w.key(griefer), b.batch_id, f.proof.proof_type, evidence, 1000}, 11);
  w.step(op_code<ref::optimistic_rollup::OpenChallenge>, ref::optimistic_rollup::OpenChallengeInput{w.key(challenger), b.batch_id, f.proof.proof_type, evidence, 1000}, 11);
  w.step(op_code<ref::optimistic_rollup::ResolveChallenge>, ref::optimistic_rollup::ResolveChallengeInput{w.key(challenger), id_of_honest, f.proof}, 12);
  w.step(op_code<ref::optimistic_rollup::ExpireChallenge>, ref::optimistic_rollup::ChallengeRef{w.key(griefer), id_of_honest}, 11 + 20);
  w.step(op_code<ref::optimistic_rollup::Finalize>, ref::optimistic_rollup::CallerInput{w.key(griefer)}, b.challenge_deadline);
  return w.realise(id, statement, weakening);
}

// OR-BATCH-13 dropped (review finding 1): after the honest challenger reverts the fraud and the
// operator restores its stake, the griefer submits the same batch again, with the operator's
// signature, and slashes the operator again with the same proof, paid to itself.
std::optional<Counterexample> replayed_batch(const std::string& id, const std::string& statement, Weakening weakening) {
  World w(id);
  const Fraud f = fraud_at_10(w);
  const ref::optimistic_rollup::BatchRecord b = w.contract().batches.back();
  const Hash32 evidence = ref::optimistic_rollup::evidence_commitment(w.key(challenger), f.proof);
  w.setup(op_code<ref::optimistic_rollup::OpenChallenge>,
          ref::optimistic_rollup::OpenChallengeInput{w.key(challenger), b.batch_id, f.proof.proof_type, evidence, 1000}, 11);
  w.step(op_code<ref::optimistic_rollup::ResolveChallenge>,
         ref::optimistic_rollup::ResolveChallengeInput{w.key(challenger), ref::optimistic_rollup::challenge_id(w.key(challenger), evidence), f.proof}, 12);
  // The operator tops its stake up to keep operating; the griefer replays the reverted batch first.
  w.step(op_code<ref::optimistic_rollup::Stake>, ref::optimistic_rollup::StakeInput{w.key(operator_party), 5000}, 12);
  w.step(op_code<ref::optimistic_rollup::SubmitBatch>, ref::optimistic_rollup::SubmitBatchInput{w.key(griefer), f.built.batch}, 12);
  const Hash32 copied = ref::optimistic_rollup::evidence_commitment(w.key(griefer), f.proof);
  w.step(op_code<ref::optimistic_rollup::OpenChallenge>, ref::optimistic_rollup::OpenChallengeInput{w.key(griefer), b.batch_id, f.proof.proof_type, copied, 1000}, 13);
  w.step(op_code<ref::optimistic_rollup::ResolveChallenge>,
         ref::optimistic_rollup::ResolveChallengeInput{w.key(griefer), ref::optimistic_rollup::challenge_id(w.key(griefer), copied), f.proof}, 14);
  return w.realise(id, statement, weakening);
}

// OR-FP-10 judged at the inclusion height (review finding 5 and the medium finding): alice's deposit
// at height 2 is not overdue at the honest batch's origin 11 (2 + queue_inclusion_blocks 10 > 11), so
// the honest operator leaves it for later; the batch lands at 20, when it is, and a griefer's timeout
// proof against the honest batch confirms.
std::optional<Counterexample> honest_batch_slashed(const std::string& id, const std::string& statement, Weakening weakening) {
  World w(id);
  w.deposit(alice, 5000, 2);
  const World::Built honest = w.batch({w.idle_transfer()}, 11, false);
  const u64 landed = 20;
  w.step(op_code<ref::optimistic_rollup::SubmitBatch>, ref::optimistic_rollup::SubmitBatchInput{w.key(operator_party), honest.batch}, landed);
  const ref::optimistic_rollup::FraudProof proof{ref::optimistic_rollup::batch_id(honest.batch.header), ref::optimistic_rollup::FraudProofType::timeout_violation, std::nullopt,
                              ref::optimistic_rollup::TimeoutFault{ref::optimistic_rollup::QueueKind::deposits, 0, honest.post.header()}};
  const Hash32 evidence = ref::optimistic_rollup::evidence_commitment(w.key(griefer), proof);
  w.step(op_code<ref::optimistic_rollup::OpenChallenge>,
         ref::optimistic_rollup::OpenChallengeInput{w.key(griefer), proof.batch_id, ref::optimistic_rollup::FraudProofType::timeout_violation, evidence, 1000},
         landed + 1);
  w.step(op_code<ref::optimistic_rollup::ResolveChallenge>,
         ref::optimistic_rollup::ResolveChallengeInput{w.key(griefer), ref::optimistic_rollup::challenge_id(w.key(griefer), evidence), proof}, landed + 2);
  return w.realise(id, statement, weakening);
}

}  // namespace

Realiser one_step_realiser(Weakening weakening, Op op) {
  if (weakening == Weakening::finalize_ignores_open_challenges && op == op_code<ref::optimistic_rollup::Finalize>)
    return [weakening](const z3::model&, const std::string& id, const std::string& statement) {
      return finalize_past_a_challenge(id, statement, weakening);
    };
  if (weakening == Weakening::challenge_accepted_at_deadline && op == op_code<ref::optimistic_rollup::OpenChallenge>)
    return [weakening](const z3::model&, const std::string& id, const std::string& statement) {
      return challenge_at_the_deadline(id, statement, weakening);
    };
  if (weakening == Weakening::reverted_batch_replayable && op == op_code<ref::optimistic_rollup::SubmitBatch>)
    return [weakening](const z3::model&, const std::string& id, const std::string& statement) {
      return replayed_batch(id, statement, weakening);
    };
  return nullptr;
}

Realiser honest_challenger_realiser(Weakening weakening) {
  return [weakening](const z3::model& m, const std::string& id, const std::string& statement) -> std::optional<Counterexample> {
    // The counterexample's shape: the honest open (step 1) refused as a duplicate of a copy.
    if (op_at(m, 1) != op_code<ref::optimistic_rollup::OpenChallenge>) return std::nullopt;
    if (weakening == Weakening::finalize_ignores_open_challenges) return finalize_past_a_challenge(id, statement, weakening);
    return evidence_squatting(id, statement, weakening);
  };
}

Realiser no_batch_after_revert_realiser(Weakening weakening) {
  return [weakening](const z3::model& m, const std::string& id, const std::string& statement) -> std::optional<Counterexample> {
    // The counterexample's shape: a resolve_challenge, then a submit_batch.
    bool resolved = false, replayed = false;
    for (std::size_t i = 0; i < no_batch_after_revert_depth; ++i) {
      const std::optional<Op> op = op_at(m, i);
      if (op == op_code<ref::optimistic_rollup::ResolveChallenge>) resolved = true;
      if (resolved && op == op_code<ref::optimistic_rollup::SubmitBatch>) replayed = true;
    }
    if (!replayed) return std::nullopt;
    return replayed_batch(id, statement, weakening);
  };
}

Realiser honest_operator_realiser(Weakening weakening) {
  return [weakening](const z3::model& m, const std::string& id, const std::string& statement) -> std::optional<Counterexample> {
    // The counterexample's shape: the honest batch at step 1, a resolve_challenge after it.
    bool resolved = false;
    for (std::size_t i = 2; i < honest_operator_depth; ++i) resolved = resolved || op_at(m, i) == op_code<ref::optimistic_rollup::ResolveChallenge>;
    if (!resolved) return std::nullopt;
    return honest_batch_slashed(id, statement, weakening);
  };
}

}  // namespace l2::inv::optimistic_rollup::model
