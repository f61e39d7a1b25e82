// The optimistic-rollup vectors' world, its shared states and the case builder (world.hpp).
#include "world.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "l2/ref/encoding.hpp"
#include "l2/ref/merkle.hpp"

namespace l2::vectors::optimistic_rollup_vectors {

Hash32 off_curve_key() {
  return from_hex<32>("EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34");
}

optimistic_rollup::RollupConfig default_config() {
  optimistic_rollup::RollupConfig config{};
  config.max_batch_size = 4;
  config.challenge_period_blocks = 100;
  config.resolution_period_blocks = 20;
  config.queue_inclusion_blocks = queue_inclusion_blocks;
  config.sequencing_window_blocks = sequencing_window_blocks;
  config.escape_delay_blocks = escape_delay_blocks;
  config.censorship_bound_blocks = 6;
  config.min_challenge_bond = bond;
  config.min_deposit = min_deposit;
  config.forced_exit_fee = forced_exit_fee;
  config.stake = optimistic_rollup::StakeRequirements{minimum_stake, /*stake_lock_period=*/500, /*penalty_percentage=*/50};
  return config;
}

Actors::Actors(const Hash32& seed) {
  for (std::size_t i = 0; i < role_count; ++i) {
    secret_[i] = ref::bip340::secret_from_seed(seed, static_cast<u32>(i));
    key_[i] = ref::bip340::pubkey_from_secret(secret_[i]).value();
  }
}

optimistic_rollup::Signature Actors::sign(std::size_t role, const Hash32& digest) const {
  return ref::bip340::sign(secret_[role], digest, Hash32{}).value();
}

void generator_bug(const std::string& what) { throw std::logic_error("optimistic_rollup vectors: " + what); }

namespace {

// Applies a transition that must succeed to a world (building the shared states).
void must(World& w, const Transition& t, const std::string& what) {
  if (!t.ok()) generator_bug(what + " refused: " + code_of(t.error()));
  w.contract = t.value().contract;
  w.sync();
}

// Accepts every signature: how a cheating operator computes the roots of a forged transaction.
struct AcceptAnySignature {
  constexpr bool operator()(const Hash32&, const Hash32&, const optimistic_rollup::Signature&) const { return true; }
};

}  // namespace

// ---- Worlds ----

Worlds::Worlds(const Hash32& world_seed) : seed(world_seed), actors(world_seed) { build(); }

Transaction Worlds::transfer(AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce, std::size_t signer,
                             const optimistic_rollup::L2Params* for_params) const {
  optimistic_rollup::Transfer t{from, to, amount, fee, nonce, {}};
  t.signature = actors.sign(signer, optimistic_rollup::transfer_digest(for_params ? *for_params : params(), t));
  return optimistic_rollup::make_transaction(t);
}

Transaction Worlds::withdrawal(AccountIndex from, const Hash32& recipient, u64 amount, u64 fee, u64 nonce,
                               std::size_t signer) const {
  optimistic_rollup::Withdrawal w{from, recipient, amount, fee, nonce, {}};
  w.signature = actors.sign(signer, optimistic_rollup::withdrawal_digest(params(), w));
  return optimistic_rollup::make_transaction(w);
}

Transaction Worlds::deposit(u64 index, AccountIndex to, std::optional<Hash32> owner, u64 amount) {
  return optimistic_rollup::make_transaction(optimistic_rollup::Deposit{index, to, owner, amount});
}

Transaction Worlds::forced_exit(u64 index, AccountIndex from, const Hash32& requester, const Hash32& recipient,
                                u64 amount) {
  return optimistic_rollup::make_transaction(optimistic_rollup::ForcedExit{index, from, requester, recipient, amount});
}

std::vector<Transaction> Worlds::batch0() const {
  return {deposit(0, alice_account, key(alice), 5000), deposit(1, bob_account, key(bob), 3000),
          transfer(alice_account, bob_account, 1000, 10, 0, alice),
          withdrawal(alice_account, key(alice), 500, 5, 1, alice)};
}

std::vector<Transaction> Worlds::batch1() const { return {transfer(bob_account, alice_account, 200, 2, 0, bob)}; }

Posted Worlds::honest(const World& w, const std::vector<Transaction>& txs, u64 origin) const {
  const optimistic_rollup::L1Ids ids = optimistic_rollup::l1_ids_for_origin(w.contract, origin);
  const auto executed = optimistic_rollup::execute_batch(w.params(), ids.view(), w.tip(), txs);
  if (!executed.ok()) generator_bug("an honest batch is refused: " + code_of(executed.error()));
  return Posted{optimistic_rollup::make_batch(w.contract, txs, executed.value().state_roots, origin,
                                              actors.secret(op), Hash32{}),
                w.tip(), executed.value().post_state};
}

Posted Worlds::claimed(const World& w, const std::vector<Transaction>& txs, const std::vector<State>& states,
                       u64 origin) const {
  std::vector<Hash32> roots = {w.tip().root()};
  for (const State& s : states) roots.push_back(s.root());
  return Posted{optimistic_rollup::make_batch(w.contract, txs, roots, origin, actors.secret(op), Hash32{}), w.tip(),
                states.back()};
}

void Worlds::submit(World& w, const Posted& p, u64 height) const {
  must(w, optimistic_rollup::apply_submit_batch(w.contract, {key(op), p.batch}, Env{height}), "submit_batch");
  w.posted.push_back(p);
}

Batch Worlds::resigned(Batch batch) const {
  batch.signature = actors.sign(op, optimistic_rollup::batch_id(batch.header));
  return batch;
}

State Worlds::credited(State s, AccountIndex index, u64 amount) {
  optimistic_rollup::Account account = s.account(index).value();
  account.balance += amount;
  s.put(index, account);
  return s;
}

State Worlds::debited(State s, AccountIndex index, u64 amount) {
  optimistic_rollup::Account account = s.account(index).value();
  account.balance -= amount;
  s.put(index, account);
  return s;
}

void Worlds::build() {
  const optimistic_rollup::DeployInput deployment{chain_id, ref::tagged_hash("L2/vectors/contract", seed), key(op), 0,
                                                  default_config()};
  deployed.contract = optimistic_rollup::deploy(deployment).value();
  deployed.genesis = State::genesis(key(op));
  must(deployed,
       optimistic_rollup::apply_deposit_new_account(deployed.contract, {key(alice), key(alice), 5000},
                                                    Env{alice_deposit_height}),
       "alice's deposit");
  must(deployed,
       optimistic_rollup::apply_deposit_new_account(deployed.contract, {key(bob), key(bob), 3000}, Env{bob_deposit_height}),
       "bob's deposit");

  funded = deployed;
  must(funded, optimistic_rollup::apply_stake(funded.contract, {key(op), minimum_stake}, Env{stake_height}), "stake");

  one_batch = funded;
  submit(one_batch, honest(one_batch, batch0(), batch0_height - 1), batch0_height);

  final_batch = one_batch;
  must(final_batch, optimistic_rollup::apply_finalize(final_batch.contract, {key(op)}, Env{batch0_deadline}), "finalize");

  {  // The operator credits itself 1000000 in the post-root of an otherwise valid transfer.
    fraud_invalid_root = one_batch;
    const Posted truth = honest(fraud_invalid_root, batch1(), batch1_height - 1);
    submit(fraud_invalid_root,
           claimed(fraud_invalid_root, batch1(), {credited(truth.claimed_post, fee_account, minted)}, batch1_height - 1),
           batch1_height);
  }
  {  // Bob's balance moved to the operator by a transfer the operator signed itself.
    fraud_invalid_signature = one_batch;
    const std::vector<Transaction> forged = {transfer(bob_account, fee_account, 4000, 0, 0, op)};
    const optimistic_rollup::L1Ids ids =
        optimistic_rollup::l1_ids_for_origin(fraud_invalid_signature.contract, batch1_height - 1);
    const auto as_if_valid = optimistic_rollup::execute_batch(fraud_invalid_signature.params(), ids.view(),
                                                              fraud_invalid_signature.tip(), forged, AcceptAnySignature{});
    submit(fraud_invalid_signature,
           claimed(fraud_invalid_signature, forged, {as_if_valid.value().post_state}, batch1_height - 1), batch1_height);
  }
  {  // Alice's transfer to bob of batch 0 applied again: the debit and credits repeated, the nonce not.
    fraud_double_spend = one_batch;
    const Transaction replay = batch0()[2];
    const State again =
        credited(credited(debited(fraud_double_spend.tip(), alice_account, 1010), bob_account, 1000), fee_account, 10);
    submit(fraud_double_spend, claimed(fraud_double_spend, {replay}, {again}, batch1_height - 1), batch1_height);
  }
  {  // Carol's deposit at 89 is due at origin 99 of batch 0, which is posted without it.
    fraud_timeout = funded;
    must(fraud_timeout,
         optimistic_rollup::apply_deposit_new_account(fraud_timeout.contract, {key(carol), key(carol), 700}, Env{89}),
         "carol's deposit");
    submit(fraud_timeout, honest(fraud_timeout, batch0(), batch0_height - 1), batch0_height);
    fresh_deposit = funded;
    must(fresh_deposit,
         optimistic_rollup::apply_deposit_new_account(fresh_deposit.contract, {key(carol), key(carol), 700}, Env{90}),
         "carol's deposit");
    submit(fresh_deposit, honest(fresh_deposit, batch0(), batch0_height - 1), batch0_height);
  }
  {  // Batch 2 withdraws the balance batch 1 minted, honestly executed from batch 1's claimed state.
    cascade = fraud_invalid_root;
    submit(cascade, honest(cascade, {withdrawal(fee_account, key(op), minted, 0, 0, op)}, batch2_height - 1),
           batch2_height);
  }
  forced_exit_requested = one_batch;
  must(forced_exit_requested,
       optimistic_rollup::apply_request_forced_exit(forced_exit_requested.contract,
                                                    {key(alice), alice_account, key(alice), forced_exit_fee},
                                                    Env{forced_exit_height}),
       "alice's forced-exit request");
  stalled = final_batch;
  must(stalled,
       optimistic_rollup::apply_deposit_new_account(stalled.contract, {key(carol), key(carol), 700}, Env{stall_height}),
       "carol's deposit");
  must(stalled,
       optimistic_rollup::apply_request_forced_exit(stalled.contract, {key(alice), alice_account, key(alice), forced_exit_fee},
                                                    Env{stall_height}),
       "alice's forced-exit request");
  frozen = stalled;
  must(frozen,
       optimistic_rollup::apply_freeze(frozen.contract, {key(watcher), QueueKind::deposits, 2, frozen.tip().header()},
                                       Env{freeze_height}),
       "freeze");
}

FraudProof Worlds::fraud_proof(const World& w, std::size_t k) const {
  const auto proof =
      optimistic_rollup::find_fraud(w.contract, w.contract.batches.at(k), w.posted.at(k).batch, w.posted.at(k).pre);
  if (!proof) generator_bug("find_fraud found no fraud in batch " + std::to_string(k));
  return *proof;
}

FraudProof Worlds::transaction_proof(const World& w, std::size_t k, u64 i, FraudProofType type) const {
  const Posted& p = w.posted.at(k);
  const optimistic_rollup::L1Ids ids = w.l1_ids_of(k);
  const std::vector<Transaction> prefix(p.batch.transactions.begin(),
                                        p.batch.transactions.begin() + static_cast<std::ptrdiff_t>(i));
  const auto before = optimistic_rollup::execute_batch(w.params(), ids.view(), p.pre, prefix);
  if (!before.ok()) generator_bug("the prefix of a batch is refused");
  return FraudProof{w.contract.batches.at(k).batch_id, type,
                    optimistic_rollup::transaction_fault_at(w.contract, w.contract.batches.at(k), p.batch, i,
                                                            before.value().post_state),
                    std::nullopt};
}

FraudProof Worlds::frivolous_proof() const {
  return transaction_proof(one_batch, 0, 1, FraudProofType::invalid_transition);
}

FraudProof Worlds::timeout_proof(const World& w, std::size_t k, QueueKind queue, u64 index) {
  return FraudProof{w.contract.batches.at(k).batch_id, FraudProofType::timeout_violation, std::nullopt,
                    optimistic_rollup::TimeoutFault{queue, index, w.posted.at(k).claimed_post.header()}};
}

optimistic_rollup::PayWithdrawalInput Worlds::payment(const World& w, const Hash32& caller, std::size_t k, u64 i) {
  const Batch& b = w.posted.at(k).batch;
  return optimistic_rollup::PayWithdrawalInput{
      caller, k, i, reflect::encode(b.transactions.at(i)),
      ref::rfc6962::inclusion_proof(optimistic_rollup::transaction_leaf_hashes(b.transactions), i)};
}

optimistic_rollup::ExitInput Worlds::exit_of(const World& w, const Hash32& caller, AccountIndex index) {
  const State& state = w.tip();
  const auto account = state.account(index);
  if (!account) generator_bug("an exit of an empty slot");
  return optimistic_rollup::ExitInput{caller, state.header(), index, *account, state.prove(index).siblings};
}

const Worlds& worlds() {
  static const Worlds built(case_seed(mechanism_name, "states", "world"));
  return built;
}

ContractEffects snapshot(const World& w) { return ContractEffects{w.contract, {}, {}}; }

std::vector<SharedState> shared_states(Profile) {
  const Worlds& w = worlds();
  return shared_states_of<World>({
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
      {"forced_exit_requested", &w.forced_exit_requested},
      {"stalled", &w.stalled},
      {"frozen", &w.frozen},
  });
}

Hash32 committed_id(const Hash32& caller, const FraudProof& proof) {
  return optimistic_rollup::challenge_id(caller, optimistic_rollup::evidence_commitment(caller, proof));
}

// ---- Scenario ----

Scenario& Scenario::deploy(u64 height, const optimistic_rollup::DeployInput& in, OptimisticRollupError expect) {
  const auto deployed = optimistic_rollup::deploy(in);
  check("deploy", deployed.ok() ? OptimisticRollupError::none : deployed.error(), expect);
  if (deployed.ok()) world_.contract = deployed.value();
  world_.genesis = State::genesis(in.operator_key);
  return raw("deploy", height, codec::to_json(in));
}

Scenario& Scenario::stake(u64 height, const Hash32& caller, u64 value, OptimisticRollupError expect) {
  return step<optimistic_rollup::Stake>(height, {caller, value}, expect);
}

Scenario& Scenario::unstake(u64 height, const Hash32& caller, OptimisticRollupError expect) {
  return step<optimistic_rollup::Unstake>(height, {caller}, expect);
}

Scenario& Scenario::deposit_new_account(u64 height, const Hash32& caller, const Hash32& owner, u64 value,
                                        OptimisticRollupError expect) {
  return step<optimistic_rollup::DepositNewAccount>(height, {caller, owner, value}, expect);
}

Scenario& Scenario::deposit_top_up(u64 height, const Hash32& caller, AccountIndex to, u64 value, OptimisticRollupError expect) {
  return step<optimistic_rollup::DepositTopUp>(height, {caller, to, value}, expect);
}

Scenario& Scenario::request_forced_exit(u64 height, const Hash32& caller, AccountIndex from, const Hash32& recipient,
                                        u64 value, OptimisticRollupError expect) {
  return step<optimistic_rollup::RequestForcedExit>(height, {caller, from, recipient, value}, expect);
}

Scenario& Scenario::submit(u64 height, const Hash32& caller, const Posted& posted, OptimisticRollupError expect) {
  const std::size_t before = world_.contract.batches.size();
  step<optimistic_rollup::SubmitBatch>(height, {caller, posted.batch}, expect);
  if (world_.contract.batches.size() > before) world_.posted.push_back(posted);
  return *this;
}

Scenario& Scenario::submit_batch(u64 height, const Hash32& caller, const Batch& batch, OptimisticRollupError expect) {
  if (expect == OptimisticRollupError::none) generator_bug("submit_batch is for refused batches; use submit");
  return step<optimistic_rollup::SubmitBatch>(height, {caller, batch}, expect);
}

Scenario& Scenario::open(u64 height, const Hash32& caller, const Hash32& batch_id, FraudProofType type,
                         const Hash32& evidence, u64 value, OptimisticRollupError expect) {
  return step<optimistic_rollup::OpenChallenge>(height, {caller, batch_id, type, evidence, value}, expect);
}

Scenario& Scenario::commit(u64 height, const Hash32& caller, const FraudProof& proof, OptimisticRollupError expect) {
  return open(height, caller, proof.batch_id, proof.proof_type, optimistic_rollup::evidence_commitment(caller, proof),
              bond, expect);
}

Scenario& Scenario::resolve(u64 height, const Hash32& caller, const Hash32& challenge_id, const FraudProof& proof,
                            OptimisticRollupError expect) {
  return step<optimistic_rollup::ResolveChallenge>(height, {caller, challenge_id, proof}, expect);
}

Scenario& Scenario::reveal(u64 height, const Hash32& caller, const FraudProof& proof, OptimisticRollupError expect) {
  return resolve(height, caller, committed_id(caller, proof), proof, expect);
}

Scenario& Scenario::expire(u64 height, const Hash32& caller, const Hash32& challenge_id, OptimisticRollupError expect) {
  return step<optimistic_rollup::ExpireChallenge>(height, {caller, challenge_id}, expect);
}

Scenario& Scenario::withdraw(u64 height, const Hash32& caller, const Hash32& challenge_id, OptimisticRollupError expect) {
  return step<optimistic_rollup::WithdrawChallenge>(height, {caller, challenge_id}, expect);
}

Scenario& Scenario::finalize(u64 height, const Hash32& caller, OptimisticRollupError expect) {
  return step<optimistic_rollup::Finalize>(height, {caller}, expect);
}

Scenario& Scenario::pay(u64 height, const optimistic_rollup::PayWithdrawalInput& in, OptimisticRollupError expect) {
  return step<optimistic_rollup::PayWithdrawal>(height, in, expect);
}

Scenario& Scenario::freeze(u64 height, const Hash32& caller, QueueKind queue, u64 index, OptimisticRollupError expect) {
  return step<optimistic_rollup::Freeze>(height, {caller, queue, index, world_.tip().header()}, expect);
}

Scenario& Scenario::exit(u64 height, const optimistic_rollup::ExitInput& in, OptimisticRollupError expect) {
  return step<optimistic_rollup::Exit>(height, in, expect);
}

Scenario& Scenario::reclaim(u64 height, const Hash32& caller, u64 deposit_index, OptimisticRollupError expect) {
  return step<optimistic_rollup::ReclaimDeposit>(height, {caller, world_.tip().header(), deposit_index}, expect);
}

Scenario& Scenario::verify(u64 height, const Hash32& challenge_id, const FraudProof& proof, OptimisticRollupError expect) {
  const auto result = reference_verify(snapshot(world_), VerifyFraudProofInput{challenge_id, proof});
  check("verify_fraud_proof", result.ok() ? OptimisticRollupError::none : result.error(), expect);
  return raw("verify_fraud_proof", height, codec::to_json(VerifyFraudProofInput{challenge_id, proof}));
}

Scenario& Scenario::apply_tx(const ApplyTxInput& in, OptimisticRollupError expect) {
  const auto result = reference_apply_tx(in);
  check("apply_tx", result.ok() ? OptimisticRollupError::none : result.error(), expect);
  return raw("apply_tx", 0, codec::to_json(in));
}

Scenario& Scenario::expect_resolutions(std::vector<ResolutionKind> kinds, OptimisticRollupError first_reason) {
  bool same = last_.resolutions.size() == kinds.size();
  for (std::size_t i = 0; same && i < kinds.size(); ++i) same = last_.resolutions[i].kind == kinds[i];
  if (same && !kinds.empty()) same = last_.resolutions[0].reason == first_reason;
  if (!same) generator_bug(spec_.name + ": the resolutions are not the intended ones");
  return *this;
}

// ---- Rule lists ----

const std::vector<std::string>& transaction_fault_rules() {
  static const std::vector<std::string> rules = rule_range("OR-FP", 1, 8);
  return rules;
}

const std::vector<std::string>& timeout_fault_rules() {
  static const std::vector<std::string> rules = {"OR-FP-1", "OR-FP-2", "OR-FP-9", "OR-FP-10", "OR-FP-11"};
  return rules;
}

const std::vector<std::string>& resolve_rules() {
  static const std::vector<std::string> rules = concat({rule_range("OR-CHAL", 1, 5), rule_range("OR-RES", 1, 4)});
  return rules;
}

// ---- The reference's verify_fraud_proof and apply_tx ----

Result<ContractEffects, OptimisticRollupError> verify_with(const ContractEffects& state, const VerifyFraudProofInput& in,
                                                 const FraudVerifier& verifier) {
  const OptimisticRollup& c = state.contract;
  const auto challenge = optimistic_rollup::find_challenge(c, in.challenge_id);
  // The challenge must be open [OR-RES-1]
  if (!challenge) return OptimisticRollupError::unknown_challenge;
  const auto batch = optimistic_rollup::find_pending_batch(c, c.challenges[*challenge].challenged_object);
  // An open challenge's batch is pending in any state the contract reaches; a hand-made state may not.
  if (!batch) return OptimisticRollupError::challenge_unknown_batch;
  const OptimisticRollupError verdict = verifier(c, c.batches[*batch], c.challenges[*challenge], in.proof);
  if (verdict != OptimisticRollupError::none) return verdict;
  return ContractEffects{c, {}, {}};
}

Result<ContractEffects, OptimisticRollupError> reference_verify(const ContractEffects& state, const VerifyFraudProofInput& in) {
  return verify_with(state, in, [](const OptimisticRollup& c, const optimistic_rollup::BatchRecord& record,
                                   const optimistic_rollup::Challenge& challenge, const FraudProof& proof) {
    return optimistic_rollup::verify_fraud_proof(c, record, challenge, proof);
  });
}

Result<ApplyTxOutput, OptimisticRollupError> reference_apply_tx(const ApplyTxInput& in) {
  const auto result = optimistic_rollup::apply_encoded_tx(
      in.params, optimistic_rollup::L1View{in.deposit_ids, in.forced_exit_ids}, in.pre_root, in.witness, in.transaction);
  if (!result.ok()) return result.error();
  return ApplyTxOutput{result.value()};
}

ApplyTxInput tx_input(const optimistic_rollup::L2Params& params, const optimistic_rollup::L1Ids& ids, const State& state,
                      const Transaction& tx) {
  return ApplyTxInput{params,
                      ids.deposit_ids,
                      ids.forced_exit_ids,
                      state.root(),
                      optimistic_rollup::witness_for(params, ids.view(), state, tx),
                      reflect::encode(tx)};
}

}  // namespace l2::vectors::optimistic_rollup_vectors
