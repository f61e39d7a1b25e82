// Vectors for the optimistic rollup: the L1 contract of l2/ref/optimistic_rollup_contract.hpp
// (deploy, stake, deposits, batches, challenges, fraud proofs, finality, payouts), the fraud-proof
// verifier on its own, and the stateless L2 step of l2/ref/optimistic_rollup.hpp.
//
// Every case lives in one rollup "world": chain 1, one deployment, and the same six keys
// (secret_from_seed(world seed, i), world seed = SHA256("l2spec/vectors/seed/optimistic_rollup/states/world"):
// 0 the operator, 1 alice, 2 bob, 3 the challenger, 4 carol, 5 a watcher; L1 callers and L1
// withdrawal recipients are these x-only keys). The shared pre-states in optimistic_rollup/states/
// are snapshots of that world at fixed heights, built here with the reference:
//   deployed      deploy; alice deposits 5000 at 20 (account 1), bob 3000 at 21 (account 2); unstaked
//   funded        + the operator stakes 10000 at 30 (unlock height 530)
//   one_batch     + honest batch 0 at 100 (challenge_deadline 200): deposits 0 and 1, alice pays bob
//                   1000 (fee 10), alice withdraws 500 (fee 5) to her L1 key
//   final_batch   + batch 0 finalized at 200
//   fraud_invalid_root       one_batch + batch 1 at 110 (deadline 210): bob pays alice 200 (fee 2),
//                            and the posted post-root also credits the operator 1000000
//   fraud_invalid_signature  one_batch + batch 1 at 110: bob "pays" the operator 4000, signed by the operator
//   fraud_double_spend       one_batch + batch 1 at 110: alice's transfer of batch 0 replayed
//   fraud_timeout            funded + carol deposits 700 at 90; batch 0 at 100 leaves it uncredited
//                            (recorded_at + deposit_inclusion_blocks == submitted_at: overdue)
//   fresh_deposit            the same with carol's deposit at 91: not overdue, the batch is honest
//   cascade                  fraud_invalid_root + batch 2 at 120: the operator withdraws the minted 1000000
// Config: max_batch_size 4, challenge_period_blocks 100, resolution_period_blocks 20,
// deposit_inclusion_blocks 10, min_challenge_bond 1000, minimum_stake 10000, stake_lock_period 500,
// penalty_percentage 50. Signatures use aux_rand = 32 zero bytes; per-case random values (unknown
// ids) come from the case seed.
//
// Each case's steps are also run here on a C++ mirror of the contract, and generation stops with an
// error if a step does not end as the case says it does. spec: optimistic_rollup.md
#include <algorithm>
#include <cstddef>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "l2/opt/optimistic_rollup_fraud.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/vectors/optimistic_rollup_scenario.hpp"
#include "l2/vectors/payment_channel_scenario.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors {
namespace orv {

using E = RollupError;
using orl::AccountIndex;
using orl::Batch;
using orl::Env;
using orl::FraudProof;
using orl::FraudProofType;
using orl::OptimisticRollup;
using orl::ResolutionKind;
using orl::State;
using orl::Transaction;
using orl::Transition;
using pc_scenario::CaseBook;

constexpr std::string_view mechanism_name = "optimistic_rollup";
constexpr u64 u64_max = std::numeric_limits<u64>::max();

// ---- Op handlers: the reference; the optimized engine for verify_fraud_proof and apply_tx (the
// L1 verifier and the stateless step with libsecp256k1, l2/opt/optimistic_rollup_fraud.hpp); the
// other ops have no optimized or model engine yet ----

Hash32 contract_state_root(const ContractEffects& state) { return orl::contract_root(state.contract); }

template <class In>
using ContractFn = std::function<Transition(const OptimisticRollup&, const In&, const Env&)>;

// A contract entry point on state.contract with Env{height, input.caller}; the post-state carries
// the step's payouts and resolutions.
template <class In>
OpHandler contract_op(std::string name, std::string summary, ContractFn<In> apply) {
  return transition_op<ContractEffects, In, E>(
      std::move(name), std::move(summary),
      TransitionFn<ContractEffects, In, E>(
          [apply = std::move(apply)](const ContractEffects& state, const In& in, u64 height) -> Result<ContractEffects, E> {
            const Transition t = apply(state.contract, in, Env{height, in.caller});
            if (!t.ok()) return t.error();
            return contract_effects(t.value());
          }),
      nullptr, std::function<Hash32(const ContractEffects&)>(contract_state_root));
}

// deploy creates the contract: no pre-state, and its result is the contract's first state, committed
// by contract_root like every later one.
OpHandler deploy_op() {
  OpHandler handler;
  handler.op = "deploy";
  handler.summary = "create the contract [OR-DEPLOY-1]";
  handler.apply = [](Impl impl, const json& state, const json& input, u64) -> StepResult {
    if (impl != Impl::reference) return StepResult{false, {}};
    if (!state.is_null()) return StepResult{true, Outcome::malformed("deploy takes no pre-state")};
    const auto in = codec::from_json<DeployInput>(input);
    if (!in.ok()) return StepResult{true, Outcome::malformed(in.error().message)};
    const DeployInput& d = in.value();
    const auto deployed = orl::deploy(d.chain_id, d.contract, d.operator_key, d.deployment_nonce, d.config);
    if (!deployed.ok()) return StepResult{true, rejection(deployed.error())};
    const ContractEffects out{deployed.value(), {}, {}};
    return StepResult{true, Outcome::ok(codec::to_json(out), to_hex(contract_state_root(out)))};
  };
  return handler;
}

Result<ApplyTxOutput, E> reference_apply_tx(const ApplyTxInput& in) {
  const auto result = orl::apply_encoded_tx(in.params, orl::L1View{in.deposit_ids}, in.pre_root, in.witness, in.transaction);
  if (!result.ok()) return result.error();
  return ApplyTxOutput{result.value()};
}

Result<ApplyTxOutput, E> optimized_apply_tx(const ApplyTxInput& in) {
  const auto result =
      opt::apply_encoded_tx(in.params, orl::L1View{in.deposit_ids}, in.pre_root, in.witness, in.transaction);
  if (!result.ok()) return result.error();
  return ApplyTxOutput{result.value()};
}

using FraudVerifier = E (*)(const OptimisticRollup&, const orl::BatchRecord&, const orl::Challenge&, const FraudProof&);

// The op around a verifier: the challenge and its batch looked up as apply_resolve_challenge does.
Result<ContractEffects, E> verify_with(FraudVerifier verifier, const ContractEffects& state,
                                       const VerifyFraudProofInput& in) {
  const OptimisticRollup& c = state.contract;
  const auto challenge = orl::find_challenge(c, in.challenge_id);
  // The challenge must be open [OR-RES-1]
  if (!challenge) return E::unknown_challenge;
  const auto batch = orl::find_pending_batch(c, c.challenges[*challenge].challenged_object);
  // An open challenge's batch is pending in any state the contract reaches; a hand-made state may not.
  if (!batch) return E::challenge_unknown_batch;
  const E verdict = verifier(c, c.batches[*batch], c.challenges[*challenge], in.proof);
  if (verdict != E::none) return verdict;
  return ContractEffects{c, {}, {}};
}

Result<ContractEffects, E> reference_verify(const ContractEffects& state, const VerifyFraudProofInput& in) {
  return verify_with(
      [](const OptimisticRollup& c, const orl::BatchRecord& record, const orl::Challenge& challenge,
         const FraudProof& proof) { return orl::verify_fraud_proof(c, record, challenge, proof); },
      state, in);
}

Result<ContractEffects, E> optimized_verify(const ContractEffects& state, const VerifyFraudProofInput& in) {
  return verify_with(opt::verify_fraud_proof, state, in);
}

std::vector<OpHandler> ops() {
  std::vector<OpHandler> list;
  list.push_back(deploy_op());
  list.push_back(contract_op<StakeCall>("stake", "the operator adds to its stake [OR-STAKE-1..3]",
                                        [](const OptimisticRollup& c, const StakeCall& in, const Env& env) {
                                          return orl::apply_stake(c, {in.value}, env);
                                        }));
  list.push_back(contract_op<CallerInput>("unstake", "the operator takes its stake back [OR-STAKE-1, OR-UNSTAKE-1..2]",
                                          [](const OptimisticRollup& c, const CallerInput&, const Env& env) {
                                            return orl::apply_unstake(c, env);
                                          }));
  list.push_back(contract_op<CallerInput>("claim_rewards", "the operator claims forfeited bonds [OR-STAKE-1]",
                                          [](const OptimisticRollup& c, const CallerInput&, const Env& env) {
                                            return orl::apply_claim_rewards(c, env);
                                          }));
  list.push_back(contract_op<DepositNewAccountCall>(
      "deposit_new_account", "escrow a deposit that creates the next account [OR-BRIDGE-1, OR-BRIDGE-3]",
      [](const OptimisticRollup& c, const DepositNewAccountCall& in, const Env& env) {
        return orl::apply_deposit_new_account(c, {in.owner, in.value}, env);
      }));
  list.push_back(contract_op<DepositTopUpCall>("deposit_top_up", "escrow a deposit to an existing account [OR-BRIDGE-1..2]",
                                               [](const OptimisticRollup& c, const DepositTopUpCall& in, const Env& env) {
                                                 return orl::apply_deposit_top_up(c, {in.to, in.value}, env);
                                               }));
  list.push_back(contract_op<SubmitBatchCall>("submit_batch", "accept a signed batch [OR-BATCH-1..12]",
                                              [](const OptimisticRollup& c, const SubmitBatchCall& in, const Env& env) {
                                                return orl::apply_submit_batch(c, in.batch, env);
                                              }));
  list.push_back(contract_op<OpenChallengeCall>(
      "open_challenge", "commit to a fraud proof with a bond [OR-CHAL-1..6]",
      [](const OptimisticRollup& c, const OpenChallengeCall& in, const Env& env) {
        return orl::apply_open_challenge(c, {in.batch_id, in.proof_type, in.evidence, in.value}, env);
      }));
  list.push_back(contract_op<ResolveChallengeCall>(
      "resolve_challenge", "reveal the proof: fraud confirmed or challenge rejected [OR-RES-1..4, OR-FP-*]",
      [](const OptimisticRollup& c, const ResolveChallengeCall& in, const Env& env) {
        return orl::apply_resolve_challenge(c, {in.challenge_id, in.proof}, env);
      }));
  list.push_back(contract_op<ChallengeCall>("expire_challenge", "reject a challenge never revealed [OR-RES-1, OR-EXP-1]",
                                            [](const OptimisticRollup& c, const ChallengeCall& in, const Env& env) {
                                              return orl::apply_expire_challenge(c, {in.challenge_id}, env);
                                            }));
  list.push_back(contract_op<ChallengeCall>(
      "withdraw_challenge", "the challenger withdraws, bond refunded [OR-RES-1..2, OR-WDC-1]",
      [](const OptimisticRollup& c, const ChallengeCall& in, const Env& env) {
        return orl::apply_withdraw_challenge(c, {in.challenge_id}, env);
      }));
  list.push_back(contract_op<CallerInput>("finalize", "finalize the oldest pending batch [OR-FIN-1..3]",
                                          [](const OptimisticRollup& c, const CallerInput&, const Env& env) {
                                            return orl::apply_finalize(c, env);
                                          }));
  list.push_back(contract_op<PayWithdrawalCall>(
      "pay_withdrawal", "pay a withdrawal of a final batch [OR-PAY-1..5]",
      [](const OptimisticRollup& c, const PayWithdrawalCall& in, const Env& env) {
        return orl::apply_pay_withdrawal(c, {in.batch_number, in.transaction_index, in.transaction, in.proof}, env);
      }));
  list.push_back(transition_op<ContractEffects, VerifyFraudProofInput, E>(
      "verify_fraud_proof", "check a proof against an open challenge's batch; ok = fraud confirmed [OR-FP-1..11]",
      TransitionFn<ContractEffects, VerifyFraudProofInput, E>(
          [](const ContractEffects& state, const VerifyFraudProofInput& in, u64) { return reference_verify(state, in); }),
      TransitionFn<ContractEffects, VerifyFraudProofInput, E>(
          [](const ContractEffects& state, const VerifyFraudProofInput& in, u64) { return optimized_verify(state, in); }),
      std::function<Hash32(const ContractEffects&)>(contract_state_root)));
  list.push_back(stateless_op<ApplyTxInput, ApplyTxOutput, E>(
      "apply_tx", "the stateless L2 step over encoded transaction bytes [OR-TX, OR-WIT, OR-SEND, OR-XFER, OR-FEE, OR-DEP]",
      PureFn<ApplyTxInput, ApplyTxOutput, E>(reference_apply_tx), PureFn<ApplyTxInput, ApplyTxOutput, E>(optimized_apply_tx)));
  return list;
}

// ---- The world ----

constexpr u64 chain_id = 1;
constexpr AccountIndex fee_account = orl::fee_account;
constexpr AccountIndex alice_account = 1;
constexpr AccountIndex bob_account = 2;
constexpr AccountIndex carol_account = 3;

constexpr u64 bond = 1000;
constexpr u64 minimum_stake = 10000;
constexpr u64 minted = 1'000'000;

// Heights of the shared states.
constexpr u64 deploy_height = 1;
constexpr u64 alice_deposit_height = 20;
constexpr u64 bob_deposit_height = 21;
constexpr u64 stake_height = 30;
constexpr u64 unlock_height = 530;
constexpr u64 batch0_height = 100;
constexpr u64 batch0_deadline = 200;
constexpr u64 batch1_height = 110;
constexpr u64 batch1_deadline = 210;
constexpr u64 batch2_height = 120;
constexpr u64 batch2_deadline = 220;

orl::RollupConfig default_config() {
  return orl::RollupConfig{/*max_batch_size=*/4, /*challenge_period_blocks=*/100, /*resolution_period_blocks=*/20,
                           /*deposit_inclusion_blocks=*/10, /*min_challenge_bond=*/bond,
                           orl::StakeRequirements{minimum_stake, /*stake_lock_period=*/500, /*penalty_percentage=*/50}};
}

enum Role : std::size_t { op = 0, alice = 1, bob = 2, challenger = 3, carol = 4, watcher = 5, role_count = 6 };

class Actors {
 public:
  explicit Actors(const Hash32& seed) {
    for (std::size_t i = 0; i < role_count; ++i) {
      secret_[i] = ref::bip340::secret_from_seed(seed, static_cast<u32>(i));
      key_[i] = ref::bip340::pubkey_from_secret(secret_[i]).value();
    }
  }
  const Hash32& key(std::size_t i) const { return key_[i]; }
  const Hash32& secret(std::size_t i) const { return secret_[i]; }
  orl::Signature sign(std::size_t i, const Hash32& digest) const {
    return ref::bip340::sign(secret_[i], digest, Hash32{}).value();
  }

 private:
  std::array<Hash32, role_count> secret_{};
  std::array<Hash32, role_count> key_{};
};

// A posted batch, with the L2 state at its prev_state_root it was built from (the true state for an
// honest operator) and the state its post_state_root claims.
struct Posted {
  Batch batch;
  State pre;
  State claimed_post;
};

// The contract and what an observer of L1 knows besides it: the posted batch data.
struct World {
  OptimisticRollup contract;
  std::vector<Posted> posted;  // parallel to contract.batches
  State genesis;

  const State& tip() const { return posted.empty() ? genesis : posted.back().claimed_post; }
  std::vector<Hash32> deposit_ids() const {
    std::vector<Hash32> ids;
    for (const auto& d : contract.deposits) ids.push_back(d.deposit_id);
    return ids;
  }
  orl::L2Params params() const { return orl::params_of(contract); }
  // The L2 view batch k was executed against.
  std::vector<Hash32> deposit_ids_of(std::size_t k) const { return orl::deposit_ids_at(contract, contract.batches.at(k)); }
};

std::string code_of(E e) { return e == E::none ? std::string("ok") : std::string(error_info(e).code); }

[[noreturn]] void generator_bug(const std::string& what) {
  throw std::logic_error("optimistic_rollup vectors: " + what);
}

// Applies a transition that must succeed to a world (building the shared states).
void must(World& w, const Transition& t, const std::string& what) {
  if (!t.ok()) generator_bug(what + " refused: " + code_of(t.error()));
  w.contract = t.value().contract;
  if (w.posted.size() > w.contract.batches.size()) w.posted.resize(w.contract.batches.size());
}

// Accepts every signature: how a cheating operator computes the roots of a forged transaction.
struct AcceptAnySignature {
  constexpr bool operator()(const Hash32&, const Hash32&, const orl::Signature&) const { return true; }
};

struct Worlds {
  Hash32 seed;
  Actors actors;
  World deployed, funded, one_batch, final_batch, fraud_invalid_root, fraud_invalid_signature, fraud_double_spend,
      fraud_timeout, fresh_deposit, cascade;

  explicit Worlds(const Hash32& world_seed) : seed(world_seed), actors(world_seed) {}

  const Hash32& key(std::size_t i) const { return actors.key(i); }
  orl::L2Params params() const { return deployed.params(); }

  Transaction transfer(AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce, std::size_t signer,
                       const orl::L2Params* for_params = nullptr) const {
    orl::Transfer t{from, to, amount, fee, nonce, {}};
    t.signature = actors.sign(signer, orl::transfer_digest(for_params ? *for_params : params(), t));
    return orl::make_transaction(t);
  }
  Transaction withdrawal(AccountIndex from, const Hash32& recipient, u64 amount, u64 fee, u64 nonce,
                         std::size_t signer) const {
    orl::Withdrawal w{from, recipient, amount, fee, nonce, {}};
    w.signature = actors.sign(signer, orl::withdrawal_digest(params(), w));
    return orl::make_transaction(w);
  }
  static Transaction deposit(u64 index, AccountIndex to, std::optional<Hash32> owner, u64 amount) {
    return orl::make_transaction(orl::Deposit{index, to, owner, amount});
  }

  // Batch 0 of every honest history.
  std::vector<Transaction> batch0() const {
    return {deposit(0, alice_account, key(alice), 5000), deposit(1, bob_account, key(bob), 3000),
            transfer(alice_account, bob_account, 1000, 10, 0, alice),
            withdrawal(alice_account, key(alice), 500, 5, 1, alice)};
  }
  // Batch 1 of the honest history: bob pays alice 200.
  std::vector<Transaction> batch1() const { return {transfer(bob_account, alice_account, 200, 2, 0, bob)}; }

  // An honest batch over `txs` from the world's tip, signed by the operator.
  Posted honest(const World& w, const std::vector<Transaction>& txs) const {
    const std::vector<Hash32> ids = w.deposit_ids();
    const auto executed = orl::execute_batch(w.params(), orl::L1View{ids}, w.tip(), txs);
    if (!executed.ok()) generator_bug("an honest batch is refused: " + code_of(executed.error()));
    return Posted{orl::make_batch(w.contract, txs, executed.value().state_roots, actors.secret(op), Hash32{}), w.tip(),
                  executed.value().post_state};
  }
  // A batch whose intermediate states are `claimed` (one per transaction), signed by the operator.
  Posted claimed(const World& w, const std::vector<Transaction>& txs, const std::vector<State>& states) const {
    std::vector<Hash32> roots = {w.tip().root()};
    for (const State& s : states) roots.push_back(s.root());
    return Posted{orl::make_batch(w.contract, txs, roots, actors.secret(op), Hash32{}), w.tip(), states.back()};
  }
  void submit(World& w, const Posted& p, u64 height) const {
    must(w, orl::apply_submit_batch(w.contract, p.batch, Env{height, key(op)}), "submit_batch");
    w.posted.push_back(p);
  }

  // The state `s` with `amount` added to account `index`'s balance (no rule checked).
  static State credited(State s, AccountIndex index, u64 amount) {
    orl::Account account = s.account(index).value();
    account.balance += amount;
    s.put(index, account);
    return s;
  }
  static State debited(State s, AccountIndex index, u64 amount) {
    orl::Account account = s.account(index).value();
    account.balance -= amount;
    s.put(index, account);
    return s;
  }

  void build() {
    deployed.contract =
        orl::deploy(chain_id, ref::tagged_hash("L2/vectors/contract", seed), key(op), 0, default_config()).value();
    deployed.genesis = State::genesis(key(op));
    must(deployed, orl::apply_deposit_new_account(deployed.contract, {key(alice), 5000}, Env{alice_deposit_height, key(alice)}),
         "alice's deposit");
    must(deployed, orl::apply_deposit_new_account(deployed.contract, {key(bob), 3000}, Env{bob_deposit_height, key(bob)}),
         "bob's deposit");

    funded = deployed;
    must(funded, orl::apply_stake(funded.contract, {minimum_stake}, Env{stake_height, key(op)}), "stake");

    one_batch = funded;
    submit(one_batch, honest(one_batch, batch0()), batch0_height);

    final_batch = one_batch;
    must(final_batch, orl::apply_finalize(final_batch.contract, Env{batch0_deadline, key(op)}), "finalize");

    {  // The operator credits itself 1000000 in the post-root of an otherwise valid transfer.
      fraud_invalid_root = one_batch;
      const Posted truth = honest(fraud_invalid_root, batch1());
      submit(fraud_invalid_root,
             claimed(fraud_invalid_root, batch1(), {credited(truth.claimed_post, fee_account, minted)}), batch1_height);
    }
    {  // Bob's balance moved to the operator by a transfer the operator signed itself.
      fraud_invalid_signature = one_batch;
      const std::vector<Transaction> forged = {transfer(bob_account, fee_account, 4000, 0, 0, op)};
      const std::vector<Hash32> ids = fraud_invalid_signature.deposit_ids();
      const auto as_if_valid = orl::execute_batch(fraud_invalid_signature.params(), orl::L1View{ids},
                                                  fraud_invalid_signature.tip(), forged, AcceptAnySignature{});
      submit(fraud_invalid_signature, claimed(fraud_invalid_signature, forged, {as_if_valid.value().post_state}),
             batch1_height);
    }
    {  // Alice's transfer to bob of batch 0 applied again: the debit and credits repeated, the nonce not.
      fraud_double_spend = one_batch;
      const Transaction replay = batch0()[2];
      const State again = credited(credited(debited(fraud_double_spend.tip(), alice_account, 1010), bob_account, 1000),
                                   fee_account, 10);
      submit(fraud_double_spend, claimed(fraud_double_spend, {replay}, {again}), batch1_height);
    }
    {  // Carol's deposit at 90 is due at 100, when batch 0 is posted without it.
      fraud_timeout = funded;
      must(fraud_timeout, orl::apply_deposit_new_account(fraud_timeout.contract, {key(carol), 700}, Env{90, key(carol)}),
           "carol's deposit");
      submit(fraud_timeout, honest(fraud_timeout, batch0()), batch0_height);
      fresh_deposit = funded;
      must(fresh_deposit, orl::apply_deposit_new_account(fresh_deposit.contract, {key(carol), 700}, Env{91, key(carol)}),
           "carol's deposit");
      submit(fresh_deposit, honest(fresh_deposit, batch0()), batch0_height);
    }
    {  // Batch 2 withdraws the balance batch 1 minted, honestly executed from batch 1's claimed state.
      cascade = fraud_invalid_root;
      submit(cascade, honest(cascade, {withdrawal(fee_account, key(op), minted, 0, 0, op)}), batch2_height);
    }
  }

  // The honest challenger's proof against batch k (find_fraud from the state the batch was built on).
  FraudProof fraud_proof(const World& w, std::size_t k) const {
    const auto proof = orl::find_fraud(w.contract, w.contract.batches.at(k), w.posted.at(k).batch, w.posted.at(k).pre);
    if (!proof) generator_bug("find_fraud found no fraud in batch " + std::to_string(k));
    return *proof;
  }
  // A proof of type `type` naming transaction i of batch k, built as an honest challenger would (the
  // true witness at state_roots[i]) whether or not there is a fault.
  FraudProof transaction_proof(const World& w, std::size_t k, u64 i, FraudProofType type) const {
    const Posted& p = w.posted.at(k);
    const std::vector<Hash32> ids = w.deposit_ids_of(k);
    const std::vector<Transaction> prefix(p.batch.transactions.begin(),
                                          p.batch.transactions.begin() + static_cast<std::ptrdiff_t>(i));
    const auto before = orl::execute_batch(w.params(), orl::L1View{ids}, p.pre, prefix);
    if (!before.ok()) generator_bug("the prefix of a batch is refused");
    return FraudProof{w.contract.batches.at(k).batch_id, type,
                      orl::transaction_fault_at(w.contract, w.contract.batches.at(k), p.batch, i, before.value().post_state),
                      std::nullopt};
  }
  // The frivolous proof of the cases: transaction 1 of honest batch 0 (bob's deposit), typed
  // invalid_transition, with the true witness. Batch 0 is the same in one_batch and cascade.
  FraudProof frivolous_proof() const { return transaction_proof(one_batch, 0, 1, FraudProofType::invalid_transition); }
  // A timeout proof naming deposit `index` against batch k, opening the post-state the batch claims.
  static FraudProof timeout_proof(const World& w, std::size_t k, u64 index) {
    return FraudProof{w.contract.batches.at(k).batch_id, FraudProofType::timeout_violation, std::nullopt,
                      orl::TimeoutFault{index, w.posted.at(k).claimed_post.header()}};
  }
  // The inclusion of transaction i of batch k, as pay_withdrawal takes it.
  static PayWithdrawalCall payment(const World& w, const Hash32& caller, std::size_t k, u64 i) {
    const Batch& b = w.posted.at(k).batch;
    return PayWithdrawalCall{caller, k, i, reflect::encode(b.transactions.at(i)),
                             ref::rfc6962::inclusion_proof(orl::transaction_leaf_hashes(b.transactions), i)};
  }
};

const Worlds& worlds() {
  static const Worlds built = [] {
    Worlds w(case_seed(mechanism_name, "states", "world"));
    w.build();
    return w;
  }();
  return built;
}

ContractEffects snapshot(const World& w) { return ContractEffects{w.contract, {}, {}}; }

std::vector<SharedState> shared_states(Profile) {
  const Worlds& w = worlds();
  std::vector<SharedState> states;
  const std::pair<const char*, const World*> list[] = {
      {"deployed", &w.deployed},
      {"funded", &w.funded},
      {"one_batch", &w.one_batch},
      {"final_batch", &w.final_batch},
      {"fraud_invalid_root", &w.fraud_invalid_root},
      {"fraud_invalid_signature", &w.fraud_invalid_signature},
      {"fraud_double_spend", &w.fraud_double_spend},
      {"fraud_timeout", &w.fraud_timeout},
      {"fresh_deposit", &w.fresh_deposit},
      {"cascade", &w.cascade},
  };
  for (const auto& [name, world] : list) states.push_back(SharedState{name, codec::to_json(snapshot(*world))});
  return states;
}

// ---- One case under construction ----

// Pushes steps and runs each on a C++ mirror of the contract, so that later inputs can depend on
// earlier results and every step is checked to end as the case intends.
class Scenario {
 public:
  // A case on a shared pre-state.
  Scenario(CaseSpec& spec, const World& start, std::string state_name) : spec_(spec), world_(start) {
    spec.pre_state_ref = std::move(state_name);
  }
  // A case on an inline pre-state (a contract state no shared state has).
  Scenario(CaseSpec& spec, const World& start) : spec_(spec), world_(start) {
    spec.pre_state = codec::to_json(snapshot(start));
  }
  // A case with no pre-state (deploy, apply_tx).
  explicit Scenario(CaseSpec& spec) : spec_(spec) { spec.pre_state = nullptr; }

  const World& world() const { return world_; }
  const OptimisticRollup& contract() const { return world_.contract; }
  const orl::Effects& last_effects() const { return last_; }
  Drbg& drbg() { return drbg_; }

  Scenario& raw(std::string op, u64 height, json input) {
    spec_.steps.push_back(Step{std::move(op), height, std::move(input)});
    return *this;
  }

  Scenario& deploy(u64 height, const DeployInput& in, E expect = E::none) {
    const auto deployed = orl::deploy(in.chain_id, in.contract, in.operator_key, in.deployment_nonce, in.config);
    check("deploy", deployed.ok() ? E::none : deployed.error(), expect);
    if (deployed.ok()) world_.contract = deployed.value();
    world_.genesis = State::genesis(in.operator_key);
    return raw("deploy", height, codec::to_json(in));
  }
  Scenario& stake(u64 height, const Hash32& caller, u64 value, E expect = E::none) {
    return contract_step("stake", height, codec::to_json(StakeCall{caller, value}),
                         orl::apply_stake(world_.contract, {value}, Env{height, caller}), expect);
  }
  Scenario& unstake(u64 height, const Hash32& caller, E expect = E::none) {
    return contract_step("unstake", height, codec::to_json(CallerInput{caller}),
                         orl::apply_unstake(world_.contract, Env{height, caller}), expect);
  }
  Scenario& claim_rewards(u64 height, const Hash32& caller, E expect = E::none) {
    return contract_step("claim_rewards", height, codec::to_json(CallerInput{caller}),
                         orl::apply_claim_rewards(world_.contract, Env{height, caller}), expect);
  }
  Scenario& deposit_new_account(u64 height, const Hash32& caller, const Hash32& owner, u64 value, E expect = E::none) {
    return contract_step("deposit_new_account", height, codec::to_json(DepositNewAccountCall{caller, owner, value}),
                         orl::apply_deposit_new_account(world_.contract, {owner, value}, Env{height, caller}), expect);
  }
  Scenario& deposit_top_up(u64 height, const Hash32& caller, AccountIndex to, u64 value, E expect = E::none) {
    return contract_step("deposit_top_up", height, codec::to_json(DepositTopUpCall{caller, to, value}),
                         orl::apply_deposit_top_up(world_.contract, {to, value}, Env{height, caller}), expect);
  }
  Scenario& submit(u64 height, const Hash32& caller, const Posted& posted, E expect = E::none) {
    const Transition t = orl::apply_submit_batch(world_.contract, posted.batch, Env{height, caller});
    contract_step("submit_batch", height, codec::to_json(SubmitBatchCall{caller, posted.batch}), t, expect);
    if (t.ok()) world_.posted.push_back(posted);
    return *this;
  }
  Scenario& submit_batch(u64 height, const Hash32& caller, const Batch& batch, E expect) {
    return contract_step("submit_batch", height, codec::to_json(SubmitBatchCall{caller, batch}),
                         orl::apply_submit_batch(world_.contract, batch, Env{height, caller}), expect);
  }
  Scenario& open(u64 height, const Hash32& caller, const Hash32& batch_id, FraudProofType type, const Hash32& evidence,
                 u64 value, E expect = E::none) {
    return contract_step("open_challenge", height, codec::to_json(OpenChallengeCall{caller, batch_id, type, evidence, value}),
                         orl::apply_open_challenge(world_.contract, {batch_id, type, evidence, value}, Env{height, caller}),
                         expect);
  }
  // Opens a challenge committing to `proof` as `caller`; returns the challenge id via `id`.
  Scenario& commit(u64 height, const Hash32& caller, const FraudProof& proof, Hash32* id = nullptr, E expect = E::none) {
    const Hash32 evidence = orl::evidence_commitment(caller, proof);
    if (id != nullptr) *id = orl::challenge_id(caller, evidence);
    return open(height, caller, proof.batch_id, proof.proof_type, evidence, bond, expect);
  }
  Scenario& resolve(u64 height, const Hash32& caller, const Hash32& challenge_id, const FraudProof& proof,
                    E expect = E::none) {
    return contract_step("resolve_challenge", height, codec::to_json(ResolveChallengeCall{caller, challenge_id, proof}),
                         orl::apply_resolve_challenge(world_.contract, {challenge_id, proof}, Env{height, caller}), expect);
  }
  Scenario& expire(u64 height, const Hash32& caller, const Hash32& challenge_id, E expect = E::none) {
    return contract_step("expire_challenge", height, codec::to_json(ChallengeCall{caller, challenge_id}),
                         orl::apply_expire_challenge(world_.contract, {challenge_id}, Env{height, caller}), expect);
  }
  Scenario& withdraw(u64 height, const Hash32& caller, const Hash32& challenge_id, E expect = E::none) {
    return contract_step("withdraw_challenge", height, codec::to_json(ChallengeCall{caller, challenge_id}),
                         orl::apply_withdraw_challenge(world_.contract, {challenge_id}, Env{height, caller}), expect);
  }
  Scenario& finalize(u64 height, const Hash32& caller, E expect = E::none) {
    return contract_step("finalize", height, codec::to_json(CallerInput{caller}),
                         orl::apply_finalize(world_.contract, Env{height, caller}), expect);
  }
  Scenario& pay(u64 height, const PayWithdrawalCall& in, E expect = E::none) {
    return contract_step(
        "pay_withdrawal", height, codec::to_json(in),
        orl::apply_pay_withdrawal(world_.contract, {in.batch_number, in.transaction_index, in.transaction, in.proof},
                                  Env{height, in.caller}),
        expect);
  }
  Scenario& verify(u64 height, const Hash32& challenge_id, const FraudProof& proof, E expect = E::none) {
    const auto result = reference_verify(snapshot(world_), VerifyFraudProofInput{challenge_id, proof});
    check("verify_fraud_proof", result.ok() ? E::none : result.error(), expect);
    return raw("verify_fraud_proof", height, codec::to_json(VerifyFraudProofInput{challenge_id, proof}));
  }
  Scenario& apply_tx(const ApplyTxInput& in, E expect = E::none) {
    const auto result = reference_apply_tx(in);
    check("apply_tx", result.ok() ? E::none : result.error(), expect);
    return raw("apply_tx", 0, codec::to_json(in));
  }

  // The last step's resolutions must be exactly these kinds (and the first one's reason).
  Scenario& expect_resolutions(std::vector<ResolutionKind> kinds, E first_reason = E::none) {
    bool same = last_.resolutions.size() == kinds.size();
    for (std::size_t i = 0; same && i < kinds.size(); ++i) same = last_.resolutions[i].kind == kinds[i];
    if (same && !kinds.empty()) same = last_.resolutions[0].reason == first_reason;
    if (!same) generator_bug(spec_.name + ": the resolutions are not the intended ones");
    return *this;
  }

 private:
  void check(const std::string& op, E got, E expect) const {
    if (got != expect)
      generator_bug(spec_.suite + "/" + spec_.name + " step " + std::to_string(spec_.steps.size()) + " (" + op +
                    "): intended " + code_of(expect) + ", the reference gives " + code_of(got));
  }
  Scenario& contract_step(const std::string& op, u64 height, json input, const Transition& t, E expect) {
    check(op, t.ok() ? E::none : t.error(), expect);
    if (t.ok()) {
      last_ = t.value();
      world_.contract = t.value().contract;
      if (world_.posted.size() > world_.contract.batches.size()) world_.posted.resize(world_.contract.batches.size());
    }
    return raw(op, height, std::move(input));
  }

  CaseSpec& spec_;
  World world_;
  orl::Effects last_;
  Drbg drbg_{spec_.seed};
};

class CaseList {
 public:
  CaseSpec& add(std::string suite, std::string name, std::string description, std::vector<std::string> rules) {
    return book_.add(std::move(suite), std::move(name), std::move(description), std::move(rules));
  }
  void mark_adversarial(std::string attack, std::string party) { book_.mark_adversarial(std::move(attack), std::move(party)); }
  std::vector<CaseSpec> take() { return book_.take(); }

 private:
  CaseBook book_{std::string(mechanism_name)};
};

std::vector<std::string> rule_range(const std::string& prefix, int first, int last) {
  std::vector<std::string> out;
  for (int i = first; i <= last; ++i) out.push_back(prefix + "-" + std::to_string(i));
  return out;
}
std::vector<std::string> concat(std::initializer_list<std::vector<std::string>> parts) {
  std::vector<std::string> out;
  for (const auto& part : parts)
    for (const auto& id : part)
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  return out;
}

const std::vector<std::string> transaction_fault_rules = rule_range("OR-FP", 1, 8);
const std::vector<std::string> timeout_fault_rules = {"OR-FP-1", "OR-FP-2", "OR-FP-9", "OR-FP-10", "OR-FP-11"};

// ---- Cases: deployment and stake ----

DeployInput deploy_input(const Worlds& w, u8 penalty_percentage) {
  orl::RollupConfig config = default_config();
  config.stake.penalty_percentage = penalty_percentage;
  return DeployInput{chain_id, ref::tagged_hash("L2/vectors/contract", w.seed), w.key(op), 0, config};
}

void deploy_cases(CaseList& cases, const Worlds& w) {
  Scenario(cases.add("deploy", "basic", "deploy with penalty_percentage 50, then the operator stakes minimum_stake",
                     {"OR-DEPLOY-1", "OR-STAKE-1", "OR-STAKE-2", "OR-STAKE-3"}))
      .deploy(deploy_height, deploy_input(w, 50))
      .stake(10, w.key(op), minimum_stake);
  Scenario(cases.add("deploy", "penalty_100", "penalty_percentage 100: the whole stake per fraud", {"OR-DEPLOY-1"}))
      .deploy(deploy_height, deploy_input(w, 100));
  Scenario(cases.add("deploy", "invalid_penalty_101", "penalty_percentage 101", {"OR-DEPLOY-1"}))
      .deploy(deploy_height, deploy_input(w, 101), E::config_invalid);
  {
    // Periods and sizes at which fraud proofs cannot work, and the smallest ones at which they can.
    struct Edge {
      const char* name;
      const char* description;
      u64 max_batch_size, challenge_period_blocks, resolution_period_blocks;
      E expect;
    };
    const Edge edges[] = {
        {"smallest_working_config", "max_batch_size 1, challenge_period_blocks 1, resolution_period_blocks 2", 1, 1, 2,
         E::none},
        {"invalid_max_batch_size_0", "max_batch_size 0: no batch could hold a transaction", 0, 1, 2, E::config_invalid},
        {"invalid_challenge_period_0", "challenge_period_blocks 0: no challenge could be opened", 1, 0, 2,
         E::config_invalid},
        {"invalid_resolution_period_1", "resolution_period_blocks 1: no reveal could follow its commitment in time", 1,
         1, 1, E::config_invalid},
    };
    for (const Edge& edge : edges) {
      DeployInput input = deploy_input(w, 50);
      input.config.max_batch_size = edge.max_batch_size;
      input.config.challenge_period_blocks = edge.challenge_period_blocks;
      input.config.resolution_period_blocks = edge.resolution_period_blocks;
      Scenario(cases.add("deploy", edge.name, edge.description, {"OR-DEPLOY-1"})).deploy(deploy_height, input, edge.expect);
    }
  }
  {
    Scenario s(cases.add("deploy", "malformed_penalty_256", "penalty_percentage 256 does not fit its u8", {"OR-DEPLOY-1"}));
    json input = codec::to_json(deploy_input(w, 50));
    input["config"]["stake"]["penalty_percentage"] = 256;
    s.raw("deploy", deploy_height, input);
  }
}

void stake_cases(CaseList& cases, const Worlds& w) {
  const u64 holdings = orl::holdings(w.funded.contract).value;  // 18000
  Scenario(cases.add("stake", "first_stake_at_minimum", "the operator's first stake is exactly minimum_stake",
                     {"OR-STAKE-1", "OR-STAKE-2", "OR-STAKE-3"}),
           w.deployed, "deployed")
      .stake(stake_height, w.key(op), minimum_stake);
  Scenario(cases.add("stake", "invalid_first_stake_below_minimum", "a first stake of minimum_stake - 1", {"OR-STAKE-2"}),
           w.deployed, "deployed")
      .stake(stake_height, w.key(op), minimum_stake - 1, E::stake_below_minimum);
  Scenario(cases.add("stake", "invalid_not_operator", "alice stakes for the operator", {"OR-STAKE-1"}), w.deployed, "deployed")
      .stake(stake_height, w.key(alice), minimum_stake, E::not_operator);
  Scenario(cases.add("stake", "add_below_minimum",
                     "once staked, any amount may be added; the lock moves to height + stake_lock_period",
                     {"OR-STAKE-2", "OR-STAKE-3"}),
           w.funded, "funded")
      .stake(40, w.key(op), 1);
  Scenario(cases.add("stake", "holdings_at_uint64_max", "a stake that brings the contract's holdings to exactly UINT64_MAX",
                     {"OR-STAKE-3"}),
           w.funded, "funded")
      .stake(40, w.key(op), u64_max - holdings);
  Scenario(cases.add("stake", "invalid_holdings_overflow", "a stake that would take the holdings to UINT64_MAX + 1",
                     {"OR-STAKE-3"}),
           w.funded, "funded")
      .stake(40, w.key(op), u64_max - holdings + 1, E::stake_overflow);
  Scenario(cases.add("stake", "unstake_at_unlock_height", "unstake at stake_unlock_height with no batch: the stake is paid out",
                     {"OR-STAKE-1", "OR-UNSTAKE-1", "OR-UNSTAKE-2"}),
           w.funded, "funded")
      .unstake(unlock_height, w.key(op));
  Scenario(cases.add("stake", "invalid_unstake_before_unlock", "unstake at stake_unlock_height - 1", {"OR-UNSTAKE-1"}),
           w.funded, "funded")
      .unstake(unlock_height - 1, w.key(op), E::stake_locked);
  Scenario(cases.add("stake", "invalid_unstake_not_operator", "bob asks for the operator's stake", {"OR-STAKE-1"}), w.funded,
           "funded")
      .unstake(unlock_height, w.key(bob), E::not_operator);
  Scenario(cases.add("stake", "invalid_unstake_with_pending_batch", "unstake after the lock while batch 0 is pending",
                     {"OR-UNSTAKE-2"}),
           w.one_batch, "one_batch")
      .unstake(600, w.key(op), E::batches_pending);
  Scenario(cases.add("stake", "unstake_after_finality", "unstake once every batch is final", {"OR-UNSTAKE-1", "OR-UNSTAKE-2"}),
           w.final_batch, "final_batch")
      .unstake(600, w.key(op));
  Scenario(cases.add("stake", "invalid_restake_below_minimum_after_unstake",
                     "after unstaking, the next stake is a first stake again and must reach minimum_stake",
                     {"OR-UNSTAKE-1", "OR-UNSTAKE-2", "OR-STAKE-2"}),
           w.funded, "funded")
      .unstake(unlock_height, w.key(op))
      .stake(unlock_height + 1, w.key(op), minimum_stake - 1, E::stake_below_minimum);
  Scenario(cases.add("stake", "claim_rewards_nothing_forfeited", "claim_rewards with no forfeited bond pays 0",
                     {"OR-STAKE-1"}),
           w.funded, "funded")
      .claim_rewards(40, w.key(op));
  Scenario(cases.add("stake", "invalid_claim_rewards_not_operator", "the watcher claims the operator's rewards",
                     {"OR-STAKE-1"}),
           w.funded, "funded")
      .claim_rewards(40, w.key(watcher), E::not_operator);
}

void bridge_cases(CaseList& cases, const Worlds& w) {
  const u64 holdings = orl::holdings(w.funded.contract).value;
  Scenario(cases.add("bridge", "deposit_new_account", "carol deposits 700: account index 3 is assigned",
                     {"OR-BRIDGE-1", "OR-BRIDGE-3"}),
           w.funded, "funded")
      .deposit_new_account(40, w.key(carol), w.key(carol), 700);
  Scenario(cases.add("bridge", "deposit_top_up", "alice tops up account 1 with 250", {"OR-BRIDGE-1", "OR-BRIDGE-2"}), w.funded,
           "funded")
      .deposit_top_up(40, w.key(alice), alice_account, 250);
  Scenario(cases.add("bridge", "top_up_fee_account", "a top-up of account 0, the operator's fee account", {"OR-BRIDGE-2"}),
           w.funded, "funded")
      .deposit_top_up(40, w.key(op), fee_account, 1);
  Scenario(cases.add("bridge", "invalid_top_up_unassigned_index", "a top-up of index 3 = next_account_index",
                     {"OR-BRIDGE-2"}),
           w.funded, "funded")
      .deposit_top_up(40, w.key(alice), carol_account, 250, E::deposit_unknown_account);
  Scenario(cases.add("bridge", "escrow_at_uint64_max", "a deposit that brings the holdings to exactly UINT64_MAX",
                     {"OR-BRIDGE-1", "OR-BRIDGE-3"}),
           w.funded, "funded")
      .deposit_new_account(40, w.key(carol), w.key(carol), u64_max - holdings);
  Scenario(cases.add("bridge", "invalid_escrow_overflow", "a new-account deposit one above what the holdings can take",
                     {"OR-BRIDGE-1"}),
           w.funded, "funded")
      .deposit_new_account(40, w.key(carol), w.key(carol), u64_max - holdings + 1, E::escrow_overflow);
  Scenario(cases.add("bridge", "invalid_top_up_escrow_overflow", "a top-up one above what the holdings can take",
                     {"OR-BRIDGE-1"}),
           w.funded, "funded")
      .deposit_top_up(40, w.key(alice), alice_account, u64_max - holdings + 1, E::escrow_overflow);
  {
    World last = w.funded;  // hand-made: as if 4294967293 more accounts had been created
    last.contract.next_account_index = std::numeric_limits<AccountIndex>::max();
    Scenario(cases.add("bridge", "last_account_index",
                       "next_account_index = UINT32_MAX (inline pre-state): the last index is assigned",
                       {"OR-BRIDGE-1", "OR-BRIDGE-3"}),
             last)
        .deposit_new_account(40, w.key(carol), w.key(carol), 700);
    Scenario(cases.add("bridge", "invalid_accounts_exhausted",
                       "after index UINT32_MAX is assigned, no account-creating deposit is accepted", {"OR-BRIDGE-3"}),
             last)
        .deposit_new_account(40, w.key(carol), w.key(carol), 700)
        .deposit_new_account(41, w.key(carol), w.key(carol), 700, E::accounts_exhausted);
  }
}

// ---- Cases: batch submission ----

void submit_cases(CaseList& cases, const Worlds& w) {
  const Posted honest0 = w.honest(w.funded, w.batch0());
  // The operator alters the batch and signs the altered header: the data checks, not the signature, fail.
  auto resigned = [&](Batch b) {
    b.signature = w.actors.sign(op, orl::batch_id(b.header));
    return b;
  };
  auto with_header = [&](const std::function<void(orl::BatchHeader&)>& edit) {
    Batch b = honest0.batch;
    edit(b.header);
    return resigned(b);
  };
  Scenario(cases.add("submit_batch", "honest_batch",
                     "batch 0 of max_batch_size (4) transactions: two deposits, a transfer and a withdrawal",
                     rule_range("OR-BATCH", 1, 12)),
           w.funded, "funded")
      .submit(batch0_height, w.key(op), honest0);
  Scenario(cases.add("submit_batch", "second_batch", "batch 1 follows batch 0 from its post-state root",
                     {"OR-BATCH-3", "OR-BATCH-4"}),
           w.one_batch, "one_batch")
      .submit(batch1_height, w.key(op), w.honest(w.one_batch, w.batch1()));
  Scenario(cases.add("submit_batch", "invalid_wrong_chain", "a header for chain 2", {"OR-BATCH-2"}), w.funded, "funded")
      .submit_batch(batch0_height, w.key(op), with_header([](orl::BatchHeader& h) { h.chain_id = 2; }),
                    E::batch_wrong_rollup);
  Scenario(cases.add("submit_batch", "invalid_wrong_rollup", "a header for another rollup_id", {"OR-BATCH-2"}), w.funded,
           "funded")
      .submit_batch(batch0_height, w.key(op),
                    with_header([&](orl::BatchHeader& h) { h.rollup_id = ref::tagged_hash("L2/vectors/other", w.seed); }),
                    E::batch_wrong_rollup);
  Scenario(cases.add("submit_batch", "invalid_batch_number_gap", "batch number 1 when no batch was accepted",
                     {"OR-BATCH-3"}),
           w.funded, "funded")
      .submit_batch(batch0_height, w.key(op), with_header([](orl::BatchHeader& h) { h.batch_number = 1; }),
                    E::batch_out_of_order);
  Scenario(cases.add("submit_batch", "invalid_batch_replayed", "batch 0 submitted again after it was accepted",
                     {"OR-BATCH-3"}),
           w.one_batch, "one_batch")
      .submit_batch(batch1_height, w.key(op), w.one_batch.posted[0].batch, E::batch_out_of_order);
  {
    // Batch 1 built from the genesis state instead of batch 0's post-state.
    World stale = w.one_batch;
    stale.posted.clear();
    Posted from_genesis = w.honest(stale, {Worlds::deposit(0, alice_account, w.key(alice), 5000)});
    Batch b = from_genesis.batch;
    b.header.batch_number = 1;
    Scenario(cases.add("submit_batch", "invalid_prev_root", "batch 1 starting again from the genesis root",
                       {"OR-BATCH-4"}),
             w.one_batch, "one_batch")
        .submit_batch(batch1_height, w.key(op), resigned(b), E::batch_prev_root_mismatch);
  }
  {
    Batch b = honest0.batch;
    b.transactions.clear();
    b.state_roots = {b.header.prev_state_root};
    b.header.post_state_root = b.header.prev_state_root;
    b.header.transaction_count = 0;
    b.header.transactions_root = orl::transactions_root(b.transactions);
    b.header.state_roots_root = orl::state_roots_root(b.state_roots);
    Scenario(cases.add("submit_batch", "invalid_empty", "a batch with no transaction", {"OR-BATCH-5"}), w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), resigned(b), E::batch_empty);
  }
  {
    std::vector<Transaction> five = w.batch0();
    five.push_back(w.transfer(bob_account, alice_account, 100, 1, 0, bob));
    const std::vector<Hash32> ids = w.funded.deposit_ids();
    const auto executed = orl::execute_batch(w.funded.params(), orl::L1View{ids}, w.funded.tip(), five);
    const Batch b = orl::make_batch(w.funded.contract, five, executed.value().state_roots, w.actors.secret(op), Hash32{});
    Scenario(cases.add("submit_batch", "invalid_too_large", "five valid transactions when max_batch_size is 4",
                       {"OR-BATCH-6"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), b, E::batch_too_large);
  }
  Scenario(cases.add("submit_batch", "invalid_count_mismatch", "the header counts 3 transactions, 4 are posted",
                     {"OR-BATCH-7"}),
           w.funded, "funded")
      .submit_batch(batch0_height, w.key(op), with_header([](orl::BatchHeader& h) { h.transaction_count = 3; }),
                    E::batch_count_mismatch);
  {
    Batch b = honest0.batch;
    std::swap(b.transactions[2], b.transactions[3]);
    Scenario(cases.add("submit_batch", "invalid_transactions_reordered",
                       "the posted transactions are not in the order transactions_root commits to", {"OR-BATCH-8"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), b, E::batch_tx_root_mismatch);
  }
  {
    Batch b = honest0.batch;
    b.state_roots.erase(b.state_roots.begin() + 2);
    Scenario(cases.add("submit_batch", "invalid_state_root_missing", "n intermediate roots instead of n + 1",
                       {"OR-BATCH-9"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), b, E::batch_state_root_count);
  }
  {
    Batch b = honest0.batch;
    b.state_roots.back() = b.state_roots[3];
    b.header.state_roots_root = orl::state_roots_root(b.state_roots);
    Scenario(cases.add("submit_batch", "invalid_last_root_not_post_root",
                       "state_roots[n] differs from post_state_root (state_roots_root recomputed)", {"OR-BATCH-10"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), resigned(b), E::batch_state_root_endpoints);
  }
  {
    Batch b = honest0.batch;
    b.state_roots[2] = b.state_roots[1];
    Scenario(cases.add("submit_batch", "invalid_intermediate_root_changed",
                       "an intermediate root differs from what state_roots_root commits to", {"OR-BATCH-11"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), b, E::batch_state_roots_mismatch);
  }
  {
    Batch b = honest0.batch;
    b.signature = w.actors.sign(alice, orl::batch_id(b.header));
    Scenario(cases.add("submit_batch", "invalid_signed_by_user", "the batch is signed by alice, not the operator",
                       {"OR-BATCH-12"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(alice), b, E::bad_operator_signature);
  }
  {
    Batch b = honest0.batch;
    b.signature[63] ^= 0x01;
    Scenario(cases.add("submit_batch", "invalid_signature_bit_flip", "one bit of the operator's signature flipped",
                       {"OR-BATCH-12"}),
             w.funded, "funded")
        .submit_batch(batch0_height, w.key(op), b, E::bad_operator_signature);
  }
  {
    Scenario s(cases.add("submit_batch", "malformed_short_signature", "a 63-byte operator signature", {"OR-BATCH-12"}),
               w.funded, "funded");
    json input = codec::to_json(SubmitBatchCall{w.key(op), honest0.batch});
    input["batch"]["signature"] = input["batch"]["signature"].get<std::string>().substr(2);
    s.raw("submit_batch", batch0_height, input);
  }
}

// ---- Cases: challenges, finality, payouts ----

// The id of the challenge `caller` opens by committing to `proof`.
Hash32 committed_id(const Hash32& caller, const FraudProof& proof) {
  return orl::challenge_id(caller, orl::evidence_commitment(caller, proof));
}

void challenge_cases(CaseList& cases, const Worlds& w) {
  const World& b0 = w.one_batch;
  const Hash32 batch0_id = b0.contract.batches[0].batch_id;
  // A proof against batch 0 that proves nothing, but whose commitment opens a challenge like any other.
  const FraudProof frivolous = w.frivolous_proof();
  const Hash32 evidence = orl::evidence_commitment(w.key(challenger), frivolous);
  const u64 holdings = orl::holdings(b0.contract).value;
  Scenario(cases.add("open_challenge", "open", "the challenger commits to a proof against pending batch 0 with the minimum bond",
                     rule_range("OR-CHAL", 1, 6)),
           b0, "one_batch")
      .open(150, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond);
  {
    Scenario s(cases.add("open_challenge", "invalid_unknown_batch", "a batch_id no batch has", {"OR-CHAL-1"}), b0, "one_batch");
    s.open(150, w.key(challenger), s.drbg().next32(), FraudProofType::invalid_transition, evidence, bond,
           E::challenge_unknown_batch);
  }
  Scenario(cases.add("open_challenge", "invalid_final_batch", "a challenge against batch 0 after it was finalized",
                     {"OR-CHAL-1"}),
           w.final_batch, "final_batch")
      .open(batch0_deadline, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond,
            E::challenge_unknown_batch);
  Scenario(cases.add("open_challenge", "invalid_bond_below_minimum", "a bond of min_challenge_bond - 1", {"OR-CHAL-3"}), b0,
           "one_batch")
      .open(150, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond - 1,
            E::challenge_bond_too_small);
  Scenario(cases.add("open_challenge", "invalid_data_withholding", "a data_withholding challenge: the data is L1 call data",
                     {"OR-CHAL-4"}),
           b0, "one_batch")
      .open(150, w.key(challenger), batch0_id, FraudProofType::data_withholding, evidence, bond,
            E::challenge_type_not_applicable);
  Scenario(cases.add("open_challenge", "invalid_duplicate_evidence", "the same commitment opened twice",
                     {"OR-CHAL-1", "OR-CHAL-5"}),
           b0, "one_batch")
      .open(150, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond)
      .open(151, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, bond, E::challenge_duplicate);
  Scenario(cases.add("open_challenge", "bond_at_holdings_limit", "a bond that brings the holdings to exactly UINT64_MAX",
                     {"OR-CHAL-3", "OR-CHAL-6"}),
           b0, "one_batch")
      .open(150, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, u64_max - holdings);
  Scenario(cases.add("open_challenge", "invalid_bond_overflow", "a bond of UINT64_MAX: the holdings would overflow",
                     {"OR-CHAL-6"}),
           b0, "one_batch")
      .open(150, w.key(challenger), batch0_id, FraudProofType::invalid_transition, evidence, u64_max,
            E::challenge_bond_overflow);
}

void resolve_cases(CaseList& cases, const Worlds& w) {
  const World& bad = w.fraud_invalid_root;
  const FraudProof proof = w.fraud_proof(bad, 1);
  const Hash32 id = committed_id(w.key(challenger), proof);
  Scenario(cases.add("resolve_challenge", "resolve_at_deadline_minus_1",
                     "a challenge opened at 150 (deadline 170) is revealed at 169: fraud confirmed",
                     concat({rule_range("OR-RES", 1, 4), transaction_fault_rules})),
           bad, "fraud_invalid_root")
      .commit(150, w.key(challenger), proof)
      .resolve(169, w.key(challenger), id, proof)
      .expect_resolutions({ResolutionKind::fraud_confirmed});
  Scenario(cases.add("resolve_challenge", "invalid_resolve_at_deadline", "the same reveal at the challenge's deadline, 170",
                     {"OR-RES-2"}),
           bad, "fraud_invalid_root")
      .commit(150, w.key(challenger), proof)
      .resolve(170, w.key(challenger), id, proof, E::challenge_expired);
  Scenario(cases.add("resolve_challenge", "invalid_reveal_in_commit_block",
                     "a challenge opened at 150 is revealed at 150: the reveal must come in a later block", {"OR-RES-3"}),
           bad, "fraud_invalid_root")
      .commit(150, w.key(challenger), proof)
      .resolve(150, w.key(challenger), id, proof, E::reveal_too_early);
  Scenario(cases.add("resolve_challenge", "invalid_unknown_challenge", "a reveal with no challenge opened", {"OR-RES-1"}), bad,
           "fraud_invalid_root")
      .resolve(150, w.key(challenger), id, proof, E::unknown_challenge);
  {
    FraudProof other = proof;
    other.transaction_fault->witness.accounts.push_back(other.transaction_fault->witness.accounts.back());
    Scenario(cases.add("resolve_challenge", "invalid_evidence_mismatch",
                       "the revealed proof (one extra, unread opening) is not the committed one", {"OR-RES-4"}),
             bad, "fraud_invalid_root")
        .commit(150, w.key(challenger), proof)
        .resolve(155, w.key(challenger), id, other, E::evidence_mismatch);
  }
  {
    FraudProof wrong = w.transaction_proof(w.one_batch, 0, 0, FraudProofType::invalid_transition);
    wrong.transaction_fault->transaction_index = 1;
    Hash32 wrong_id{};
    Scenario(cases.add("resolve_challenge", "rejected_proof_forfeits_bond",
                       "a proof naming the wrong index is rejected by OR-FP-3: the bond goes to the operator's rewards",
                       rule_range("OR-RES", 1, 4)),
             w.one_batch, "one_batch")
        .commit(150, w.key(challenger), wrong, &wrong_id)
        .resolve(155, w.key(watcher), wrong_id, wrong)
        .expect_resolutions({ResolutionKind::challenge_rejected}, E::fraud_tx_not_included);
  }
}

void expire_and_withdraw_cases(CaseList& cases, const Worlds& w) {
  const World& b0 = w.one_batch;
  const FraudProof frivolous = w.frivolous_proof();
  const Hash32 id = committed_id(w.key(challenger), frivolous);
  Scenario(cases.add("expire_challenge", "expire_at_deadline",
                     "a challenge opened at 150 and never revealed expires at its deadline 170: the bond is forfeited",
                     {"OR-RES-1", "OR-EXP-1"}),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .expire(170, w.key(op), id)
      .expect_resolutions({ResolutionKind::challenge_rejected}, E::challenge_expired);
  Scenario(cases.add("expire_challenge", "invalid_expire_before_deadline", "expiry at the challenge's deadline - 1",
                     {"OR-EXP-1"}),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .expire(169, w.key(op), id, E::challenge_not_expired);
  Scenario(cases.add("expire_challenge", "invalid_unknown_challenge", "expiry of a challenge never opened", {"OR-RES-1"}), b0,
           "one_batch")
      .expire(170, w.key(op), id, E::unknown_challenge);
  Scenario(cases.add("withdraw_challenge", "withdraw_before_deadline",
                     "the challenger withdraws at its challenge's deadline - 1: the bond is refunded",
                     {"OR-RES-1", "OR-RES-2", "OR-WDC-1"}),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .withdraw(169, w.key(challenger), id)
      .expect_resolutions({ResolutionKind::challenge_withdrawn});
  Scenario(cases.add("withdraw_challenge", "invalid_not_challenger", "the watcher withdraws the challenger's challenge",
                     {"OR-WDC-1"}),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .withdraw(160, w.key(watcher), id, E::not_challenger);
  Scenario(cases.add("withdraw_challenge", "invalid_at_deadline", "the challenger withdraws at its challenge's deadline",
                     {"OR-RES-2"}),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .withdraw(170, w.key(challenger), id, E::challenge_expired);
  Scenario(cases.add("withdraw_challenge", "invalid_unknown_challenge", "withdrawal of a challenge never opened",
                     {"OR-RES-1"}),
           b0, "one_batch")
      .withdraw(160, w.key(challenger), id, E::unknown_challenge);
}

void finalize_cases(CaseList& cases, const Worlds& w) {
  const World& b0 = w.one_batch;
  const FraudProof frivolous = w.frivolous_proof();
  const Hash32 id = committed_id(w.key(challenger), frivolous);
  Scenario(cases.add("finalize", "finalize_at_deadline", "batch 0 becomes final at its challenge_deadline, 200",
                     rule_range("OR-FIN", 1, 3)),
           b0, "one_batch")
      .finalize(batch0_deadline, w.key(alice));
  Scenario(cases.add("finalize", "invalid_before_deadline", "finalization at challenge_deadline - 1", {"OR-FIN-2"}), b0,
           "one_batch")
      .finalize(batch0_deadline - 1, w.key(alice), E::challenge_period_open);
  Scenario(cases.add("finalize", "invalid_nothing_pending", "finalization with no batch", {"OR-FIN-1"}), w.funded, "funded")
      .finalize(batch0_deadline, w.key(alice), E::nothing_to_finalize);
  Scenario(cases.add("finalize", "invalid_already_final", "finalization when the only batch is final", {"OR-FIN-1"}),
           w.final_batch, "final_batch")
      .finalize(300, w.key(alice), E::nothing_to_finalize);
  Scenario(cases.add("finalize", "invalid_open_challenge", "an open challenge holds batch 0 at its deadline", {"OR-FIN-3"}),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .finalize(batch0_deadline, w.key(alice), E::challenges_open);
  Scenario(cases.add("finalize", "after_rejected_challenge", "once the challenge is rejected, batch 0 becomes final",
                     {"OR-FIN-1", "OR-FIN-2", "OR-FIN-3", "OR-RES-1", "OR-RES-2", "OR-RES-3", "OR-RES-4"}),
           b0, "one_batch")
      .commit(150, w.key(challenger), frivolous)
      .resolve(155, w.key(challenger), id, frivolous)
      .finalize(batch0_deadline, w.key(alice));
  Scenario(cases.add("finalize", "in_order", "three pending batches finalize one at a time, each at its own deadline",
                     {"OR-FIN-1", "OR-FIN-2", "OR-FIN-3"}),
           w.cascade, "cascade")
      .finalize(batch0_deadline, w.key(alice))
      .finalize(batch1_deadline, w.key(alice))
      .finalize(batch2_deadline, w.key(alice));
  Scenario(cases.add("finalize", "invalid_second_batch_early",
                     "after batch 0 is final, batch 1 is not final before its own deadline 210", {"OR-FIN-2"}),
           w.cascade, "cascade")
      .finalize(batch0_deadline, w.key(alice))
      .finalize(batch1_deadline - 1, w.key(alice), E::challenge_period_open);
}

void pay_cases(CaseList& cases, const Worlds& w) {
  const World& fin = w.final_batch;
  const PayWithdrawalCall alice_withdrawal = Worlds::payment(fin, w.key(bob), 0, 3);
  Scenario(cases.add("pay_withdrawal", "pay_from_final_batch",
                     "alice's 500 withdrawal (transaction 3 of final batch 0) is paid to her L1 key, by anyone",
                     rule_range("OR-PAY", 1, 5)),
           fin, "final_batch")
      .pay(210, alice_withdrawal);
  Scenario(cases.add("pay_withdrawal", "invalid_not_final", "the same withdrawal while batch 0 is pending", {"OR-PAY-1"}),
           w.one_batch, "one_batch")
      .pay(150, alice_withdrawal, E::pay_batch_not_final);
  {
    PayWithdrawalCall in = alice_withdrawal;
    in.batch_number = 1;
    Scenario(cases.add("pay_withdrawal", "invalid_unknown_batch", "batch number 1 was never accepted", {"OR-PAY-1"}), fin,
             "final_batch")
        .pay(210, in, E::pay_batch_not_final);
  }
  {
    PayWithdrawalCall in = alice_withdrawal;
    in.transaction_index = 2;
    Scenario(cases.add("pay_withdrawal", "invalid_wrong_index", "the withdrawal with its proof, claimed at index 2",
                       {"OR-PAY-2"}),
             fin, "final_batch")
        .pay(210, in, E::pay_tx_not_included);
  }
  {
    PayWithdrawalCall in = alice_withdrawal;
    in.transaction = reflect::encode(w.withdrawal(alice_account, w.key(alice), 4000, 5, 1, alice));
    Scenario(cases.add("pay_withdrawal", "invalid_forged_withdrawal",
                       "a signed withdrawal of 4000 that no batch contains, with the proof of index 3", {"OR-PAY-2"}),
             fin, "final_batch")
        .pay(210, in, E::pay_tx_not_included);
  }
  Scenario(cases.add("pay_withdrawal", "invalid_transfer", "transaction 2, a transfer, with its valid inclusion proof",
                     {"OR-PAY-3"}),
           fin, "final_batch")
      .pay(210, Worlds::payment(fin, w.key(bob), 0, 2), E::pay_not_withdrawal);
  Scenario(cases.add("pay_withdrawal", "invalid_deposit", "transaction 0, a deposit, with its valid inclusion proof",
                     {"OR-PAY-3"}),
           fin, "final_batch")
      .pay(210, Worlds::payment(fin, w.key(bob), 0, 0), E::pay_not_withdrawal);
  Scenario(cases.add("pay_withdrawal", "invalid_paid_twice", "the same withdrawal paid a second time",
                     {"OR-PAY-1", "OR-PAY-2", "OR-PAY-3", "OR-PAY-4", "OR-PAY-5"}),
           fin, "final_batch")
      .pay(210, alice_withdrawal)
      .pay(211, alice_withdrawal, E::pay_already_paid);
}

// ---- Cases: the fraud-proof verifier ----

// Each case opens a challenge committing to `committed` (which fixes the challenge's batch and type),
// then checks `checked` against it.
void verify_case(CaseList& cases, const Worlds& w, const World& world, const std::string& state, std::string name,
                 std::string description, std::vector<std::string> rules, const FraudProof& committed,
                 const FraudProof& checked, E expect) {
  Hash32 id{};
  Scenario(cases.add("verify_fraud_proof", std::move(name), std::move(description), std::move(rules)), world, state)
      .commit(150, w.key(challenger), committed, &id)
      .verify(151, id, checked, expect);
}

void verify_cases(CaseList& cases, const Worlds& w) {
  using T = FraudProofType;
  // Confirmed frauds.
  verify_case(cases, w, w.fraud_invalid_root, "fraud_invalid_root", "confirmed_invalid_transition",
              "batch 1's post-root credits the operator 1000000 that bob's transfer does not", transaction_fault_rules,
              w.fraud_proof(w.fraud_invalid_root, 1), w.fraud_proof(w.fraud_invalid_root, 1), E::none);
  verify_case(cases, w, w.fraud_invalid_signature, "fraud_invalid_signature", "confirmed_invalid_signature",
              "batch 1 applies a transfer from bob signed by the operator", transaction_fault_rules,
              w.fraud_proof(w.fraud_invalid_signature, 1), w.fraud_proof(w.fraud_invalid_signature, 1), E::none);
  verify_case(cases, w, w.fraud_double_spend, "fraud_double_spend", "confirmed_double_spend",
              "batch 1 applies alice's nonce-0 transfer a second time (OR-SEND-3 at re-execution)", transaction_fault_rules,
              w.fraud_proof(w.fraud_double_spend, 1), w.fraud_proof(w.fraud_double_spend, 1), E::none);
  verify_case(cases, w, w.fraud_timeout, "fraud_timeout", "confirmed_timeout_violation",
              "carol's deposit, recorded at 90, is uncredited by batch 0 posted at 90 + deposit_inclusion_blocks",
              timeout_fault_rules, w.fraud_proof(w.fraud_timeout, 0), w.fraud_proof(w.fraud_timeout, 0), E::none);

  // Rejections: a proof against valid batch 0, transaction 1 (bob's deposit), mutated one field at a time.
  const World& b0 = w.one_batch;
  const FraudProof base = w.frivolous_proof();
  auto mutated = [&](const std::function<void(FraudProof&)>& edit) {
    FraudProof p = base;
    edit(p);
    return p;
  };
  auto reject = [&](std::string name, std::string description, std::string rule, const FraudProof& checked, E expect) {
    verify_case(cases, w, b0, "one_batch", std::move(name), std::move(description), {std::move(rule)}, base, checked, expect);
  };
  reject("invalid_other_batch", "the proof names another batch_id than the challenge's", "OR-FP-1",
         mutated([&](FraudProof& p) { p.batch_id = ref::tagged_hash("L2/vectors/other", w.seed); }), E::fraud_batch_mismatch);
  reject("invalid_other_type", "the proof says double_spend, the challenge invalid_transition", "OR-FP-1",
         mutated([](FraudProof& p) { p.proof_type = T::double_spend; }), E::fraud_batch_mismatch);
  reject("invalid_extra_timeout_fault", "an invalid_transition proof that also carries a timeout fault", "OR-FP-2",
         mutated([&](FraudProof& p) { p.timeout_fault = orl::TimeoutFault{0, b0.tip().header()}; }), E::fraud_evidence_shape);
  reject("invalid_missing_transaction_fault", "an invalid_transition proof without its transaction fault", "OR-FP-2",
         mutated([](FraudProof& p) { p.transaction_fault.reset(); }), E::fraud_evidence_shape);
  reject("invalid_wrong_index", "transaction 1's bytes claimed at index 2", "OR-FP-3",
         mutated([](FraudProof& p) { p.transaction_fault->transaction_index = 2; }), E::fraud_tx_not_included);
  reject("invalid_transaction_changed", "the deposit's amount changed from 3000 to 3001", "OR-FP-3",
         mutated([](FraudProof& p) {
           Transaction tx = reflect::decode<Transaction>(p.transaction_fault->transaction).value();
           tx.deposit->amount = 3001;
           p.transaction_fault->transaction = reflect::encode(tx);
         }),
         E::fraud_tx_not_included);
  reject("invalid_pre_root", "state_roots[2] claimed as the pre-root at index 1", "OR-FP-4",
         mutated([&](FraudProof& p) { p.transaction_fault->pre_state_root = b0.posted[0].batch.state_roots[2]; }),
         E::fraud_pre_root_not_included);
  reject("invalid_post_root", "state_roots[1] claimed as the post-root at index 2", "OR-FP-5",
         mutated([&](FraudProof& p) { p.transaction_fault->post_state_root = b0.posted[0].batch.state_roots[1]; }),
         E::fraud_post_root_not_included);
  reject("invalid_witness_state", "the witness's state header does not open the pre-root (OR-WIT-1)", "OR-FP-6",
         mutated([](FraudProof& p) { p.transaction_fault->witness.pre_state.deposits_credited += 1; }), E::fraud_bad_witness);
  reject("invalid_witness_forged_account",
         "the opening of bob's still empty slot claims it holds an account of 1000000 (OR-WIT-4)", "OR-FP-6",
         mutated([&](FraudProof& p) {
           p.transaction_fault->witness.accounts[0].account = orl::Account{minted, 0, w.key(bob)};
         }),
         E::fraud_bad_witness);
  reject("invalid_no_fault", "transaction 1 is valid and state_roots[2] is its result", "OR-FP-7", base, E::fraud_no_fault);
  {
    FraudProof retyped = w.fraud_proof(w.fraud_invalid_signature, 1);
    retyped.proof_type = T::invalid_transition;
    verify_case(cases, w, w.fraud_invalid_signature, "fraud_invalid_signature", "invalid_type_mismatch",
                "the forged transfer proven as invalid_transition: its fault is invalid_signature", {"OR-FP-8"}, retyped,
                retyped, E::fraud_type_mismatch);
  }
  {
    FraudProof timeout = w.fraud_proof(w.fraud_timeout, 0);
    FraudProof bad_opening = timeout;
    bad_opening.timeout_fault->post_state.deposits_credited = 3;
    verify_case(cases, w, w.fraud_timeout, "fraud_timeout", "invalid_bad_state_opening",
                "the timeout proof's post-state header claims 3 deposits credited: it does not open the post-root",
                {"OR-FP-9"}, timeout, bad_opening, E::fraud_bad_state_opening);
  }
  {
    const FraudProof not_overdue = Worlds::timeout_proof(w.fresh_deposit, 0, 2);
    verify_case(cases, w, w.fresh_deposit, "fresh_deposit", "invalid_deposit_not_overdue",
                "carol's deposit, recorded at 91, is due at 101 and batch 0 was posted at 100", {"OR-FP-10"}, not_overdue,
                not_overdue, E::fraud_deposit_not_overdue);
  }
  {
    // Carol deposits after batch 0 was posted: batch 0 could not credit it.
    const FraudProof later = Worlds::timeout_proof(b0, 0, 2);
    Hash32 id{};
    Scenario(cases.add("verify_fraud_proof", "invalid_deposit_after_batch",
                       "a timeout claim against batch 0 for a deposit recorded after it was posted", {"OR-FP-10"}),
             b0, "one_batch")
        .deposit_new_account(140, w.key(carol), w.key(carol), 700)
        .commit(150, w.key(challenger), later, &id)
        .verify(151, id, later, E::fraud_deposit_not_overdue);
  }
  {
    const FraudProof credited = Worlds::timeout_proof(b0, 0, 1);
    verify_case(cases, w, b0, "one_batch", "invalid_deposit_credited", "a timeout claim for bob's deposit, which batch 0 credited",
                {"OR-FP-11"}, credited, credited, E::fraud_deposit_credited);
  }
  Scenario(cases.add("verify_fraud_proof", "invalid_unknown_challenge", "a proof for a challenge that was never opened",
                     {"OR-RES-1"}),
           b0, "one_batch")
      .verify(151, committed_id(w.key(challenger), base), base, E::unknown_challenge);
}

// ---- Cases: the stateless L2 step ----

ApplyTxInput tx_input(const orl::L2Params& params, const std::vector<Hash32>& ids, const State& state,
                      const Transaction& tx) {
  return ApplyTxInput{params, ids, state.root(), orl::witness_for(params, orl::L1View{ids}, state, tx), reflect::encode(tx)};
}

void apply_tx_cases(CaseList& cases, const Worlds& w) {
  const orl::L2Params params = w.params();
  const State s1 = w.one_batch.tip();  // alice 3485 (nonce 2), bob 4000, operator 15; 2 deposits credited
  const std::vector<Hash32> ids = w.one_batch.deposit_ids();
  auto with_ids = [&](std::vector<Hash32> more) {
    std::vector<Hash32> out = ids;
    out.insert(out.end(), more.begin(), more.end());
    return out;
  };
  auto id_of = [&](const Transaction& deposit) { return orl::deposit_id(params, *deposit.deposit); };

  // Hand-made states: the stateless step answers for any state its root opens.
  State near_max = State::genesis(w.key(op));
  near_max.put(fee_account, {u64_max - 2, 0, w.key(op)});
  near_max.put(alice_account, {1000, 0, w.key(alice)});
  near_max.put(bob_account, {u64_max - 5, 0, w.key(bob)});
  near_max.put(3, {1000, u64_max, w.key(carol)});
  near_max.put(4, {1000, u64_max - 1, w.key(carol)});
  State no_fee_account;
  no_fee_account.put(alice_account, {1000, 0, w.key(alice)});
  no_fee_account.put(bob_account, {0, 0, w.key(bob)});
  const std::string near_max_note = " (hand-made state: fee account UINT64_MAX - 2, bob UINT64_MAX - 5, account 3 at nonce "
                                    "UINT64_MAX, account 4 at UINT64_MAX - 1)";

  const std::vector<std::string> transfer_rules =
      concat({{"OR-TX-1"}, rule_range("OR-WIT", 1, 4), rule_range("OR-SEND", 1, 7), rule_range("OR-XFER", 1, 2),
              rule_range("OR-FEE", 1, 2)});
  const std::vector<std::string> withdrawal_rules =
      concat({{"OR-TX-1"}, rule_range("OR-WIT", 1, 4), rule_range("OR-SEND", 1, 7), rule_range("OR-FEE", 1, 2)});

  auto ok_case = [&](std::string name, std::string description, std::vector<std::string> rules, const ApplyTxInput& in) {
    Scenario(cases.add("apply_tx", std::move(name), std::move(description), std::move(rules))).apply_tx(in);
  };
  auto bad_case = [&](std::string name, std::string description, std::string rule, const ApplyTxInput& in, E expect) {
    Scenario(cases.add("apply_tx", std::move(name), std::move(description), {std::move(rule)})).apply_tx(in, expect);
  };

  const Transaction pay_bob = w.transfer(alice_account, bob_account, 100, 3, 2, alice);
  const ApplyTxInput pay_bob_in = tx_input(params, ids, s1, pay_bob);
  const Transaction to_self = w.transfer(alice_account, alice_account, 100, 3, 2, alice);
  const ApplyTxInput to_self_in = tx_input(params, ids, s1, to_self);

  // Accepted.
  ok_case("transfer", "alice pays bob 100 with fee 3 at nonce 2: reads alice, bob, then the fee account", transfer_rules,
          pay_bob_in);
  ok_case("transfer_to_self", "alice pays herself: the second opening of slot 1 sees the first write",
          {"OR-WIT-2", "OR-WIT-3", "OR-WIT-4", "OR-XFER-1", "OR-XFER-2"}, to_self_in);
  ok_case("transfer_to_fee_account", "alice pays the operator's account 0, which is then read again for the fee",
          {"OR-WIT-4", "OR-XFER-1", "OR-FEE-1", "OR-FEE-2"},
          tx_input(params, ids, s1, w.transfer(alice_account, fee_account, 100, 3, 2, alice)));
  ok_case("transfer_zero", "amount 0 and fee 0 are allowed and still consume the nonce", {"OR-SEND-6", "OR-SEND-7"},
          tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 0, 0, 2, alice)));
  ok_case("transfer_whole_balance", "amount + fee is exactly alice's balance, 3485", {"OR-SEND-7"},
          tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 3475, 10, 2, alice)));
  ok_case("withdrawal", "alice withdraws 500 with fee 5 to her L1 key", withdrawal_rules,
          tx_input(params, ids, s1, w.withdrawal(alice_account, w.key(alice), 500, 5, 2, alice)));
  ok_case("operator_spends_fees", "the operator pays bob its 15 of fees from account 0", {"OR-SEND-1", "OR-SEND-2", "OR-FEE-1"},
          tx_input(params, ids, s1, w.transfer(fee_account, bob_account, 15, 0, 0, op)));
  {
    const Transaction dep = Worlds::deposit(2, carol_account, w.key(carol), 700);
    ok_case("deposit_new_account", "deposit 2 creates carol's account 3 with 700",
            concat({{"OR-TX-1", "OR-WIT-1", "OR-WIT-2", "OR-WIT-3", "OR-WIT-4"}, rule_range("OR-DEP", 1, 5)}),
            tx_input(params, with_ids({id_of(dep)}), s1, dep));
  }
  {
    const Transaction dep = Worlds::deposit(2, alice_account, std::nullopt, 250);
    ok_case("deposit_top_up", "deposit 2 adds 250 to alice's account",
            {"OR-DEP-1", "OR-DEP-2", "OR-DEP-3", "OR-DEP-4", "OR-DEP-6", "OR-DEP-7"},
            tx_input(params, with_ids({id_of(dep)}), s1, dep));
  }
  ok_case("recipient_balance_at_max", "bob's balance reaches exactly UINT64_MAX" + near_max_note, {"OR-XFER-2"},
          tx_input(params, {}, near_max, w.transfer(alice_account, bob_account, 5, 0, 0, alice)));
  ok_case("fee_account_at_max", "the fee account reaches exactly UINT64_MAX" + near_max_note, {"OR-FEE-2"},
          tx_input(params, {}, near_max, w.transfer(alice_account, bob_account, 0, 2, 0, alice)));
  ok_case("last_nonce", "account 4 signs at nonce UINT64_MAX - 1, the last one that can advance" + near_max_note,
          {"OR-SEND-5"}, tx_input(params, {}, near_max, w.transfer(4, alice_account, 10, 0, u64_max - 1, carol)));
  {
    const Transaction dep = Worlds::deposit(0, bob_account, std::nullopt, 5);
    ok_case("top_up_to_max", "a deposit brings bob's balance to exactly UINT64_MAX" + near_max_note, {"OR-DEP-7"},
            tx_input(params, {id_of(dep)}, near_max, dep));
  }

  // OR-TX-1: bytes that are not one well-formed transaction.
  // The shape is checked before the witness, which is left empty.
  auto with_bytes = [&](Bytes bytes) {
    ApplyTxInput in = pay_bob_in;
    in.witness.accounts.clear();
    in.transaction = std::move(bytes);
    return in;
  };
  const Bytes encoded = reflect::encode(pay_bob);
  bad_case("invalid_truncated_bytes", "the transfer's encoding without its last byte", "OR-TX-1",
           with_bytes(Bytes(encoded.begin(), encoded.end() - 1)), E::tx_malformed);
  {
    Bytes longer = encoded;
    longer.push_back(0);
    bad_case("invalid_trailing_byte", "the transfer's encoding followed by one zero byte", "OR-TX-1", with_bytes(longer),
             E::tx_malformed);
  }
  {
    Bytes unknown = encoded;
    unknown[0] = 3;
    bad_case("invalid_unknown_kind", "kind byte 3, which names no transaction kind", "OR-TX-1", with_bytes(unknown),
             E::tx_malformed);
  }
  bad_case("invalid_kind_body_mismatch", "kind withdrawal with a transfer body", "OR-TX-1",
           with_bytes(reflect::encode(Transaction{orl::TxKind::withdrawal, pay_bob.transfer, std::nullopt, std::nullopt})),
           E::tx_malformed);
  bad_case("invalid_no_body", "kind transfer with no body", "OR-TX-1",
           with_bytes(reflect::encode(Transaction{orl::TxKind::transfer, std::nullopt, std::nullopt, std::nullopt})),
           E::tx_malformed);
  bad_case("invalid_two_bodies", "kind transfer with a transfer body and a deposit body", "OR-TX-1",
           with_bytes(reflect::encode(Transaction{orl::TxKind::transfer, pay_bob.transfer,
                                                  orl::Deposit{2, carol_account, w.key(carol), 700}, std::nullopt})),
           E::tx_malformed);
  {
    Scenario s(cases.add("apply_tx", "malformed_transaction_not_hex", "the transaction field is not hex", {"OR-TX-1"}));
    json input = codec::to_json(pay_bob_in);
    input["transaction"] = "zz";
    s.raw("apply_tx", 0, input);
  }

  // OR-WIT: the witness, not the transaction, is wrong.
  auto with_witness = [&](const ApplyTxInput& base, const std::function<void(orl::TxWitness&)>& edit) {
    ApplyTxInput in = base;
    edit(in.witness);
    return in;
  };
  bad_case("invalid_witness_pre_state", "the state header claims 3 deposits credited", "OR-WIT-1",
           with_witness(pay_bob_in, [](orl::TxWitness& x) { x.pre_state.deposits_credited = 3; }),
           E::witness_state_mismatch);
  bad_case("invalid_witness_missing_fee_opening", "the opening of the fee account is left out", "OR-WIT-2",
           with_witness(pay_bob_in, [](orl::TxWitness& x) { x.accounts.pop_back(); }), E::witness_missing);
  bad_case("invalid_witness_empty", "no account opening at all", "OR-WIT-2",
           with_witness(pay_bob_in, [](orl::TxWitness& x) { x.accounts.clear(); }), E::witness_missing);
  bad_case("invalid_witness_wrong_order", "bob's opening comes before alice's", "OR-WIT-3",
           with_witness(pay_bob_in, [](orl::TxWitness& x) { std::swap(x.accounts[0], x.accounts[1]); }),
           E::witness_wrong_account);
  bad_case("invalid_witness_inflated_balance", "alice's opening claims 1000000 more than her slot holds", "OR-WIT-4",
           with_witness(pay_bob_in, [](orl::TxWitness& x) { x.accounts[0].account->balance += minted; }),
           E::witness_root_mismatch);
  bad_case("invalid_witness_stale_alias",
           "a transfer to oneself whose second opening of slot 1 is the one from before the debit", "OR-WIT-4",
           with_witness(to_self_in, [](orl::TxWitness& x) { x.accounts[1] = x.accounts[0]; }), E::witness_root_mismatch);

  // OR-SEND: the sender's side.
  bad_case("invalid_unknown_sender", "a transfer from empty slot 7", "OR-SEND-1",
           tx_input(params, ids, s1, w.transfer(7, bob_account, 100, 3, 0, alice)), E::unknown_sender);
  bad_case("invalid_bad_signature", "alice's transfer signed by bob", "OR-SEND-2",
           tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 100, 3, 2, bob)), E::bad_signature);
  bad_case("invalid_nonce_replayed", "alice signs at nonce 1; her account is at 2", "OR-SEND-3",
           tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 100, 3, 1, alice)), E::nonce_replayed);
  bad_case("invalid_nonce_gap", "alice signs at nonce 3; her account is at 2", "OR-SEND-4",
           tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 100, 3, 3, alice)), E::nonce_gap);
  bad_case("invalid_nonce_exhausted", "account 3 is at nonce UINT64_MAX" + near_max_note, "OR-SEND-5",
           tx_input(params, {}, near_max, w.transfer(3, alice_account, 10, 0, u64_max, carol)), E::nonce_exhausted);
  bad_case("invalid_amount_overflow", "amount UINT64_MAX and fee 1", "OR-SEND-6",
           tx_input(params, ids, s1, w.transfer(alice_account, bob_account, u64_max, 1, 2, alice)), E::amount_overflow);
  bad_case("invalid_insufficient_balance", "amount + fee is alice's balance + 1", "OR-SEND-7",
           tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 3476, 10, 2, alice)), E::insufficient_balance);
  bad_case("invalid_withdrawal_insufficient_balance", "a withdrawal of alice's balance - fee + 1", "OR-SEND-7",
           tx_input(params, ids, s1, w.withdrawal(alice_account, w.key(alice), 3481, 5, 2, alice)),
           E::insufficient_balance);

  // OR-XFER and OR-FEE.
  bad_case("invalid_unknown_recipient", "a transfer to empty slot 9", "OR-XFER-1",
           tx_input(params, ids, s1, w.transfer(alice_account, 9, 100, 3, 2, alice)), E::unknown_recipient);
  bad_case("invalid_recipient_balance_overflow", "bob's balance would pass UINT64_MAX by 1" + near_max_note, "OR-XFER-2",
           tx_input(params, {}, near_max, w.transfer(alice_account, bob_account, 6, 0, 0, alice)),
           E::recipient_balance_overflow);
  bad_case("invalid_no_fee_account", "a state without account 0 (hand-made: alice 1000, bob 0)", "OR-FEE-1",
           tx_input(params, {}, no_fee_account, w.transfer(alice_account, bob_account, 10, 1, 0, alice)), E::no_fee_account);
  bad_case("invalid_withdrawal_no_fee_account", "a withdrawal in a state without account 0", "OR-FEE-1",
           tx_input(params, {}, no_fee_account, w.withdrawal(alice_account, w.key(alice), 10, 0, 0, alice)),
           E::no_fee_account);
  bad_case("invalid_fee_balance_overflow", "the fee account would pass UINT64_MAX by 1" + near_max_note, "OR-FEE-2",
           tx_input(params, {}, near_max, w.transfer(alice_account, bob_account, 0, 3, 0, alice)), E::fee_balance_overflow);

  // OR-DEP.
  {
    const Transaction dep = Worlds::deposit(1, bob_account, w.key(bob), 3000);
    bad_case("invalid_deposit_already_credited", "deposit 1 again when 2 are credited", "OR-DEP-1",
             tx_input(params, ids, s1, dep), E::deposit_already_credited);
  }
  {
    const Transaction d2 = Worlds::deposit(2, carol_account, w.key(carol), 700);
    const Transaction d3 = Worlds::deposit(3, alice_account, std::nullopt, 100);
    bad_case("invalid_deposit_out_of_order", "deposit 3 before deposit 2", "OR-DEP-2",
             tx_input(params, with_ids({id_of(d2), id_of(d3)}), s1, d3), E::deposit_out_of_order);
    bad_case("invalid_deposit_not_recorded", "deposit 2 when L1 had recorded 2 deposits (indices 0 and 1)", "OR-DEP-3",
             tx_input(params, ids, s1, d2), E::deposit_not_recorded);
    const Transaction inflated = Worlds::deposit(2, carol_account, w.key(carol), 701);
    bad_case("invalid_deposit_mismatch", "deposit 2 credits 701; L1 recorded 700", "OR-DEP-4",
             tx_input(params, with_ids({id_of(d2)}), s1, inflated), E::deposit_mismatch);
  }
  {
    const Transaction dep = Worlds::deposit(2, alice_account, w.key(carol), 700);
    bad_case("invalid_deposit_account_exists", "an account-creating deposit to alice's occupied slot 1", "OR-DEP-5",
             tx_input(params, with_ids({id_of(dep)}), s1, dep), E::account_exists);
  }
  {
    const Transaction dep = Worlds::deposit(2, 5, std::nullopt, 700);
    bad_case("invalid_deposit_unknown_account", "a top-up of empty slot 5", "OR-DEP-6",
             tx_input(params, with_ids({id_of(dep)}), s1, dep), E::unknown_account);
  }
  {
    const Transaction dep = Worlds::deposit(0, bob_account, std::nullopt, 6);
    bad_case("invalid_deposit_balance_overflow", "a top-up taking bob's balance past UINT64_MAX by 1" + near_max_note,
             "OR-DEP-7", tx_input(params, {id_of(dep)}, near_max, dep), E::deposit_balance_overflow);
  }
}

// ---- Cases: the named attacks ----

void adversarial_cases(CaseList& cases, const Worlds& w) {
  const std::vector<std::string> resolve_rules = concat({rule_range("OR-CHAL", 1, 6), rule_range("OR-RES", 1, 4)});
  const World& bad = w.fraud_invalid_root;
  const FraudProof root_proof = w.fraud_proof(bad, 1);
  const Hash32 root_id = committed_id(w.key(challenger), root_proof);

  Scenario(cases.add("adversarial", "fraudulent_root_proven",
                     "batch 1 posts a post-root crediting the operator 1000000; the challenger proves it: half the slash "
                     "(2500) and the bond to the challenger, batch 1 removed, last_state_root back to batch 0's",
                     concat({resolve_rules, transaction_fault_rules})),
           bad, "fraud_invalid_root")
      .commit(150, w.key(challenger), root_proof)
      .resolve(155, w.key(challenger), root_id, root_proof)
      .expect_resolutions({ResolutionKind::fraud_confirmed});
  cases.mark_adversarial("invalid state root in a batch", "operator");

  {
    const World& sig = w.fraud_invalid_signature;
    const FraudProof proof = w.fraud_proof(sig, 1);
    Scenario(cases.add("adversarial", "forged_signature_proven",
                       "batch 1 applies a transfer of bob's 4000 to the operator, signed by the operator: invalid_signature",
                       concat({resolve_rules, transaction_fault_rules})),
             sig, "fraud_invalid_signature")
        .commit(150, w.key(challenger), proof)
        .resolve(155, w.key(challenger), committed_id(w.key(challenger), proof), proof)
        .expect_resolutions({ResolutionKind::fraud_confirmed});
    cases.mark_adversarial("invalid signature inside a batch", "operator");
  }
  {
    const World& ds = w.fraud_double_spend;
    const FraudProof proof = w.fraud_proof(ds, 1);
    Scenario(cases.add("adversarial", "double_spend_proven",
                       "batch 1 replays alice's nonce-0 transfer to bob from batch 0: double_spend (OR-SEND-3)",
                       concat({resolve_rules, transaction_fault_rules})),
             ds, "fraud_double_spend")
        .commit(150, w.key(challenger), proof)
        .resolve(155, w.key(challenger), committed_id(w.key(challenger), proof), proof)
        .expect_resolutions({ResolutionKind::fraud_confirmed});
    cases.mark_adversarial("double spend: a transfer replayed in a later batch", "operator");
  }
  {
    const World& to = w.fraud_timeout;
    const FraudProof proof = w.fraud_proof(to, 0);
    Scenario(cases.add("adversarial", "ignored_deposit_proven",
                       "carol's deposit recorded at 90 is due at 100 and batch 0 posted at 100 ignores it: "
                       "timeout_violation, batch 0 removed, last_state_root back to genesis",
                       concat({resolve_rules, timeout_fault_rules})),
             to, "fraud_timeout")
        .commit(150, w.key(challenger), proof)
        .resolve(155, w.key(challenger), committed_id(w.key(challenger), proof), proof)
        .expect_resolutions({ResolutionKind::fraud_confirmed});
    cases.mark_adversarial("operator ignores a deposit past its inclusion deadline (censorship of entry)", "operator");
  }

  // The challenge window at its boundary.
  Scenario(cases.add("adversarial", "challenge_at_deadline_minus_1",
                     "a challenge against batch 1 at challenge_deadline - 1 (209) is accepted and wins at 210",
                     concat({resolve_rules, transaction_fault_rules})),
           bad, "fraud_invalid_root")
      .commit(batch1_deadline - 1, w.key(challenger), root_proof)
      .resolve(batch1_deadline, w.key(challenger), root_id, root_proof)
      .expect_resolutions({ResolutionKind::fraud_confirmed});
  cases.mark_adversarial("challenge at the last block of the challenge period", "operator");
  Scenario(cases.add("adversarial", "invalid_challenge_at_deadline", "the same challenge at challenge_deadline (210)",
                     {"OR-CHAL-2"}),
           bad, "fraud_invalid_root")
      .commit(batch1_deadline, w.key(challenger), root_proof, nullptr, E::challenge_too_late);
  cases.mark_adversarial("challenge at the deadline: the window is half-open", "challenger");
  Scenario(cases.add("adversarial", "invalid_challenge_after_deadline", "the same challenge at challenge_deadline + 1 (211)",
                     {"OR-CHAL-2"}),
           bad, "fraud_invalid_root")
      .commit(batch1_deadline + 1, w.key(challenger), root_proof, nullptr, E::challenge_too_late);
  cases.mark_adversarial("challenge after the deadline", "challenger");

  // Frivolous challenges.
  {
    const World& b0 = w.one_batch;
    const FraudProof frivolous = w.frivolous_proof();
    const Hash32 id = committed_id(w.key(challenger), frivolous);
    Scenario(cases.add("adversarial", "frivolous_challenge",
                       "a proof against bob's valid deposit in batch 0 is rejected (OR_FRAUD_NO_FAULT); the operator "
                       "claims the 1000 bond",
                       concat({resolve_rules, {"OR-STAKE-1"}})),
             b0, "one_batch")
        .commit(150, w.key(challenger), frivolous)
        .resolve(155, w.key(challenger), id, frivolous)
        .expect_resolutions({ResolutionKind::challenge_rejected}, E::fraud_no_fault)
        .claim_rewards(156, w.key(op));
    cases.mark_adversarial("frivolous challenge of a valid batch", "challenger");
    Scenario(cases.add("adversarial", "invalid_frivolous_proof", "the frivolous proof, checked alone: OR-FP-7",
                       {"OR-FP-7"}),
             b0, "one_batch")
        .commit(150, w.key(challenger), frivolous)
        .verify(151, id, frivolous, E::fraud_no_fault);
    cases.mark_adversarial("frivolous challenge of a valid batch", "challenger");
    Scenario(cases.add("adversarial", "griefing_delay_is_bounded",
                       "a challenge opened at 199 holds batch 0 past its deadline; withdrawn at 218, the batch becomes final "
                       "at once: the delay is bounded by resolution_period_blocks",
                       {"OR-FIN-1", "OR-FIN-2", "OR-FIN-3", "OR-WDC-1", "OR-RES-1", "OR-RES-2"}),
             b0, "one_batch")
        .commit(batch0_deadline - 1, w.key(watcher), frivolous)
        .finalize(batch0_deadline, w.key(alice), E::challenges_open)
        .withdraw(batch0_deadline + 18, w.key(watcher), committed_id(w.key(watcher), frivolous))
        .finalize(batch0_deadline + 18, w.key(alice));
    cases.mark_adversarial("challenge griefing: open, then withdraw, to delay finality", "challenger");
  }

  // The operator below the minimum stake.
  {
    Scenario s(cases.add("adversarial", "operator_below_minimum_stake",
                         "an unstaked operator's batch is refused (OR-BATCH-1), so is a stake of minimum_stake - 1 "
                         "(OR-STAKE-2); after staking the minimum, the batch is accepted",
                         {"OR-BATCH-1", "OR-STAKE-2"}),
               w.deployed, "deployed");
    const Posted batch = w.honest(w.deployed, w.batch0());
    s.submit(batch0_height, w.key(op), batch, E::operator_understaked)
        .stake(batch0_height, w.key(op), minimum_stake - 1, E::stake_below_minimum)
        .stake(batch0_height + 1, w.key(op), minimum_stake)
        .submit(batch0_height + 2, w.key(op), batch);
    cases.mark_adversarial("operator below the minimum stake", "operator");
  }
  {
    Scenario s(cases.add("adversarial", "understaked_after_slash",
                         "after a confirmed fraud halves its stake to 5000, the operator's next batch is refused until it "
                         "stakes back to minimum_stake",
                         concat({{"OR-BATCH-1", "OR-STAKE-2"}, rule_range("OR-RES", 1, 4)})),
               bad, "fraud_invalid_root");
    s.commit(150, w.key(challenger), root_proof).resolve(155, w.key(challenger), root_id, root_proof);
    const Posted retry = w.honest(s.world(), w.batch1());
    s.submit(160, w.key(op), retry, E::operator_understaked)
        .stake(161, w.key(op), minimum_stake / 2)
        .submit(162, w.key(op), retry);
    cases.mark_adversarial("operator below the minimum stake after a slash", "operator");
  }

  // Withdrawals and finality.
  {
    const PayWithdrawalCall alice_withdrawal = Worlds::payment(w.one_batch, w.key(alice), 0, 3);
    Scenario(cases.add("adversarial", "withdrawal_before_finality",
                       "alice's withdrawal is refused while batch 0 is pending, then paid once it is final",
                       concat({rule_range("OR-PAY", 1, 5), rule_range("OR-FIN", 1, 3)})),
             w.one_batch, "one_batch")
        .pay(150, alice_withdrawal, E::pay_batch_not_final)
        .finalize(batch0_deadline, w.key(alice))
        .pay(batch0_deadline, alice_withdrawal);
    cases.mark_adversarial("withdrawal before finality", "user");
  }
  {
    const World& c = w.cascade;
    Scenario(cases.add("adversarial", "invalid_unwatched_fraud_exceeds_escrow",
                       "nobody challenges batches 1 and 2: they become final, and the operator's withdrawal of the 1000000 "
                       "batch 1 minted is refused because the escrow holds 7500",
                       concat({rule_range("OR-PAY", 1, 5), rule_range("OR-FIN", 1, 3)})),
             c, "cascade")
        .finalize(batch0_deadline, w.key(op))
        .finalize(batch1_deadline, w.key(op))
        .finalize(batch2_deadline, w.key(op))
        .pay(batch2_deadline, Worlds::payment(c, w.key(alice), 0, 3))
        .pay(batch2_deadline, Worlds::payment(c, w.key(op), 2, 0), E::pay_escrow_insufficient);
    cases.mark_adversarial("an unchallenged fraud mints L2 balance and withdraws it", "operator");
  }

  // The revert cascade.
  {
    const World& c = w.cascade;
    const FraudProof proof1 = w.fraud_proof(c, 1);
    const FraudProof on_batch2 = w.transaction_proof(c, 2, 0, FraudProofType::invalid_transition);
    const FraudProof on_batch0 = w.frivolous_proof();
    Scenario(cases.add("adversarial", "revert_cascade",
                       "fraud in batch 1 of 3: batches 1 and 2 are removed, the watcher's challenges on them refunded, its "
                       "challenge on batch 0 left open, and last_state_root reset to batch 0's post-root",
                       concat({resolve_rules, transaction_fault_rules})),
             c, "cascade")
        .commit(150, w.key(challenger), proof1)
        .commit(151, w.key(watcher), on_batch2)
        .commit(152, w.key(watcher), on_batch0)
        .commit(153, w.key(watcher), proof1)
        .resolve(155, w.key(challenger), committed_id(w.key(challenger), proof1), proof1)
        .expect_resolutions({ResolutionKind::fraud_confirmed, ResolutionKind::challenge_withdrawn,
                             ResolutionKind::challenge_withdrawn});
    cases.mark_adversarial("revert cascade over three batches", "operator");
  }

  // Who gets paid.
  Scenario(cases.add("adversarial", "copied_proof_pays_the_challenger",
                     "the watcher copies the revealed proof into its own resolve call: the reward still goes to the "
                     "challenger who committed",
                     concat({resolve_rules, transaction_fault_rules})),
           bad, "fraud_invalid_root")
      .commit(150, w.key(challenger), root_proof)
      .resolve(155, w.key(watcher), root_id, root_proof)
      .expect_resolutions({ResolutionKind::fraud_confirmed});
  cases.mark_adversarial("front-running a revealed proof", "watcher");
  {
    // The challenger's reveal is pending in block 155; the watcher copies the proof, commits it under
    // its own address and tries to reveal it in the same block, ahead of the original.
    const Hash32 copy_id = committed_id(w.key(watcher), root_proof);
    Scenario(cases.add("adversarial", "copied_proof_cannot_overtake_the_reveal",
                       "a copy of a revealed proof, committed and revealed by the watcher in the block of the "
                       "original reveal, is refused (OR-RES-3); the original reveal confirms the fraud and the "
                       "watcher's challenge on the removed batch is refunded",
                       concat({{"OR-RES-3"}, resolve_rules, transaction_fault_rules})),
             bad, "fraud_invalid_root")
        .commit(150, w.key(challenger), root_proof)
        .commit(155, w.key(watcher), root_proof)
        .resolve(155, w.key(watcher), copy_id, root_proof, E::reveal_too_early)
        .resolve(155, w.key(challenger), root_id, root_proof)
        .expect_resolutions({ResolutionKind::fraud_confirmed, ResolutionKind::challenge_withdrawn});
    cases.mark_adversarial("front-running a revealed proof by committing a copy", "watcher");
  }
  {
    const Hash32 root_evidence = orl::evidence_commitment(w.key(challenger), root_proof);
    const Hash32 squatted_id = orl::challenge_id(w.key(watcher), root_evidence);
    Scenario(cases.add("adversarial", "copied_commitment_cannot_be_revealed",
                       "the watcher copies the challenger's commitment from the mempool and opens it first: the "
                       "challenge is the watcher's own (OR-CHAL-5 is per challenger), so the challenger's open still "
                       "succeeds, the watcher cannot reveal (OR-RES-4), the challenger wins, and the watcher's "
                       "challenge on the removed batch is refunded",
                       concat({{"OR-CHAL-5", "OR-RES-4"}, resolve_rules, transaction_fault_rules})),
             bad, "fraud_invalid_root")
        .open(150, w.key(watcher), root_proof.batch_id, root_proof.proof_type, root_evidence, bond)
        .commit(150, w.key(challenger), root_proof)
        .resolve(151, w.key(watcher), squatted_id, root_proof, E::evidence_mismatch)
        .resolve(152, w.key(challenger), root_id, root_proof)
        .expect_resolutions({ResolutionKind::fraud_confirmed, ResolutionKind::challenge_withdrawn});
    cases.mark_adversarial("evidence squatting: copying a challenger's commitment", "watcher");
  }

  // Signatures replayed across rollups, chains and transaction kinds (the stateless step).
  {
    const orl::L2Params params = w.params();
    const State s1 = w.one_batch.tip();
    const std::vector<Hash32> ids = w.one_batch.deposit_ids();
    const orl::L2Params other_rollup{params.chain_id, ref::tagged_hash("L2/vectors/other", w.seed)};
    const orl::L2Params other_chain{params.chain_id + 1, params.rollup_id};
    Scenario(cases.add("adversarial", "invalid_signature_from_other_rollup",
                       "alice's transfer signed for another rollup_id, replayed here", {"OR-SEND-2"}))
        .apply_tx(tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 100, 3, 2, alice, &other_rollup)),
                  E::bad_signature);
    cases.mark_adversarial("signature replayed from another rollup", "relayer");
    Scenario(cases.add("adversarial", "invalid_signature_from_other_chain",
                       "alice's transfer signed for chain 2, replayed on chain 1", {"OR-SEND-2"}))
        .apply_tx(tx_input(params, ids, s1, w.transfer(alice_account, bob_account, 100, 3, 2, alice, &other_chain)),
                  E::bad_signature);
    cases.mark_adversarial("signature replayed from another chain", "relayer");
    const Transaction signed_transfer = w.transfer(alice_account, bob_account, 100, 3, 2, alice);
    const Transaction as_withdrawal = orl::make_transaction(
        orl::Withdrawal{alice_account, w.key(bob), 100, 3, 2, signed_transfer.transfer->signature});
    Scenario(cases.add("adversarial", "invalid_transfer_signature_as_withdrawal",
                       "alice's signed transfer to bob presented as a withdrawal of the same amount to bob's L1 key",
                       {"OR-SEND-2"}))
        .apply_tx(tx_input(params, ids, s1, as_withdrawal), E::bad_signature);
    cases.mark_adversarial("a transfer's signature replayed as a withdrawal", "recipient");
  }
}

std::vector<CaseSpec> all_cases(Profile) {
  const Worlds& w = worlds();
  CaseList cases;
  deploy_cases(cases, w);
  stake_cases(cases, w);
  bridge_cases(cases, w);
  submit_cases(cases, w);
  challenge_cases(cases, w);
  resolve_cases(cases, w);
  expire_and_withdraw_cases(cases, w);
  finalize_cases(cases, w);
  pay_cases(cases, w);
  verify_cases(cases, w);
  apply_tx_cases(cases, w);
  adversarial_cases(cases, w);
  return cases.take();
}

}  // namespace orv

Mechanism optimistic_rollup_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(orv::mechanism_name);
  mechanism.ops = orv::ops();
  mechanism.cases = orv::all_cases;
  mechanism.shared_states = orv::shared_states;
  return mechanism;
}

}  // namespace l2::vectors
