// The optimistic-rollup vectors' world and case builder, shared by the suites of this folder.
//
// Every case lives in one rollup "world": chain 1, one deployment, and the same six keys
// (secret_from_seed(world seed, i), world seed = SHA256("l2spec/vectors/seed/optimistic_rollup/states/world"):
// 0 the operator, 1 alice, 2 bob, 3 the challenger, 4 carol, 5 a watcher; L1 callers and L1
// recipients are these x-only keys). The shared pre-states in optimistic_rollup/states/ are
// snapshots of that world at fixed heights, built here with the reference (Worlds::build lists
// them). A batch submitted at height h is built on L1 origin h - 1 unless a case says otherwise.
// Signatures use aux_rand = 32 zero bytes; per-case random values come from the case seed.
//
// Each case's steps are also run here on a C++ mirror of the contract, and generation stops with an
// error if a step does not end as the case says it does. spec: optimistic_rollup.md
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "l2/codec/json.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/vectors/contract_scenario.hpp"
#include "l2/vectors/framework.hpp"
#include "l2/vectors/optimistic_rollup_scenario.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors::optimistic_rollup_vectors {

using optimistic_rollup::AccountIndex;
using optimistic_rollup::Batch;
using optimistic_rollup::Env;
using optimistic_rollup::FraudProof;
using optimistic_rollup::FraudProofType;
using optimistic_rollup::OptimisticRollup;
using optimistic_rollup::QueueKind;
using optimistic_rollup::ResolutionKind;
using optimistic_rollup::State;
using optimistic_rollup::Transaction;
using optimistic_rollup::Transition;

inline constexpr std::string_view mechanism_name = "optimistic_rollup";
inline constexpr u64 u64_max = std::numeric_limits<u64>::max();

// ---- The world's constants ----

inline constexpr u64 chain_id = 1;
inline constexpr AccountIndex fee_account = optimistic_rollup::fee_account;
inline constexpr AccountIndex alice_account = 1;
inline constexpr AccountIndex bob_account = 2;
inline constexpr AccountIndex carol_account = 3;

inline constexpr u64 bond = 1000;
inline constexpr u64 minimum_stake = 10000;
inline constexpr u64 min_deposit = 100;
inline constexpr u64 forced_exit_fee = 10;
inline constexpr u64 queue_inclusion_blocks = 10;
inline constexpr u64 sequencing_window_blocks = 20;
inline constexpr u64 escape_delay_blocks = 40;
inline constexpr u64 minted = 1'000'000;

// Heights of the shared states.
inline constexpr u64 deploy_height = 1;
inline constexpr u64 alice_deposit_height = 20;
inline constexpr u64 bob_deposit_height = 21;
inline constexpr u64 stake_height = 30;
inline constexpr u64 unlock_height = 530;
inline constexpr u64 batch0_height = 100;
inline constexpr u64 batch0_deadline = 200;
inline constexpr u64 batch1_height = 110;
inline constexpr u64 batch1_deadline = 210;
inline constexpr u64 batch2_height = 120;
inline constexpr u64 batch2_deadline = 220;
inline constexpr u64 forced_exit_height = 110;  // alice's request in `forced_exit_requested`
inline constexpr u64 stall_height = 210;        // carol's deposit and alice's request in `stalled`
inline constexpr u64 freeze_height = stall_height + escape_delay_blocks;

// A public key that is not on the curve: BIP-340's published test vector 5
// (bips/bip-0340/test-vectors.csv, "public key not on the curve").
Hash32 off_curve_key();

optimistic_rollup::RollupConfig default_config();

enum Role : std::size_t { op = 0, alice = 1, bob = 2, challenger = 3, carol = 4, watcher = 5, role_count = 6 };

class Actors {
 public:
  explicit Actors(const Hash32& seed);
  const Hash32& key(std::size_t role) const { return key_[role]; }
  const Hash32& secret(std::size_t role) const { return secret_[role]; }
  optimistic_rollup::Signature sign(std::size_t role, const Hash32& digest) const;

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
  optimistic_rollup::L2Params params() const { return optimistic_rollup::params_of(contract); }
  // The L1 view batch k was executed against.
  optimistic_rollup::L1Ids l1_ids_of(std::size_t k) const {
    return optimistic_rollup::l1_ids_at(contract, contract.batches.at(k));
  }
  // Drops the posted data of batches a revert removed.
  void sync() {
    if (posted.size() > contract.batches.size()) posted.resize(contract.batches.size());
  }
};

[[noreturn]] void generator_bug(const std::string& what);

// The shared states and the builders of transactions, batches and proofs over them.
struct Worlds {
  Hash32 seed;
  Actors actors;
  // deployed       deploy at 1; alice deposits 5000 at 20 (account 1), bob 3000 at 21 (account 2)
  // funded         + the operator stakes 10000 at 30 (unlock height 530)
  // one_batch      + honest batch 0 at 100 (origin 99, challenge_deadline 200): deposits 0 and 1, alice
  //                  pays bob 1000 (fee 10), alice withdraws 500 (fee 5) to her L1 key
  // final_batch    + batch 0 finalized at 200
  // fraud_invalid_root       one_batch + batch 1 at 110 (deadline 210): bob pays alice 200 (fee 2),
  //                          and the posted post-root also credits the operator 1000000
  // fraud_invalid_signature  one_batch + batch 1 at 110: bob "pays" the operator 4000, signed by the operator
  // fraud_double_spend       one_batch + batch 1 at 110: alice's transfer of batch 0 replayed
  // fraud_timeout            funded + carol deposits 700 at 89; batch 0 at 100 (origin 99) leaves it
  //                          uncredited (recorded_at + queue_inclusion_blocks == origin: overdue)
  // fresh_deposit            the same with carol's deposit at 90: not overdue at origin 99, the batch is honest
  // cascade                  fraud_invalid_root + batch 2 at 120: the operator withdraws the minted 1000000
  // forced_exit_requested    one_batch + alice asks at 110 for the forced exit of account 1 to her L1 key
  // stalled                  final_batch + carol deposits 700 at 210 and alice asks for her forced exit
  //                          at 210; no batch follows
  // frozen                   stalled + frozen at 250 on carol's deposit (deposit 2)
  World deployed, funded, one_batch, final_batch, fraud_invalid_root, fraud_invalid_signature, fraud_double_spend,
      fraud_timeout, fresh_deposit, cascade, forced_exit_requested, stalled, frozen;

  explicit Worlds(const Hash32& world_seed);

  const Hash32& key(std::size_t role) const { return actors.key(role); }
  optimistic_rollup::L2Params params() const { return deployed.params(); }

  // ---- Transactions ----
  Transaction transfer(AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce, std::size_t signer,
                       const optimistic_rollup::L2Params* for_params = nullptr) const;
  Transaction withdrawal(AccountIndex from, const Hash32& recipient, u64 amount, u64 fee, u64 nonce,
                         std::size_t signer) const;
  static Transaction deposit(u64 index, AccountIndex to, std::optional<Hash32> owner, u64 amount);
  static Transaction forced_exit(u64 index, AccountIndex from, const Hash32& requester, const Hash32& recipient,
                                 u64 amount);

  // Batch 0 of every honest history, and batch 1: bob pays alice 200.
  std::vector<Transaction> batch0() const;
  std::vector<Transaction> batch1() const;

  // ---- Batches ----
  // An honest batch over `txs` from the world's tip, built on L1 origin `origin`, signed by the operator.
  Posted honest(const World& w, const std::vector<Transaction>& txs, u64 origin) const;
  // A batch whose intermediate states are `claimed` (one per transaction), signed by the operator.
  Posted claimed(const World& w, const std::vector<Transaction>& txs, const std::vector<State>& states,
                 u64 origin) const;
  // Submits a batch that must be accepted (building the shared states).
  void submit(World& w, const Posted& p, u64 height) const;
  // The batch re-signed by the operator after an edit of its header or data.
  Batch resigned(Batch batch) const;

  static State credited(State s, AccountIndex index, u64 amount);  // no rule checked
  static State debited(State s, AccountIndex index, u64 amount);

  // ---- Proofs ----
  // The honest challenger's proof against batch k (find_fraud from the state the batch was built on).
  FraudProof fraud_proof(const World& w, std::size_t k) const;
  // A proof of type `type` naming transaction i of batch k, built as an honest challenger would (the
  // true witness at state_roots[i]) whether or not there is a fault.
  FraudProof transaction_proof(const World& w, std::size_t k, u64 i, FraudProofType type) const;
  // The frivolous proof of the cases: transaction 1 of honest batch 0 (bob's deposit), typed
  // invalid_transition, with the true witness.
  FraudProof frivolous_proof() const;
  // A timeout proof naming request `index` of `queue` against batch k, opening the post-state the batch claims.
  static FraudProof timeout_proof(const World& w, std::size_t k, QueueKind queue, u64 index);
  // The inclusion of transaction i of batch k, as pay_withdrawal takes it.
  static optimistic_rollup::PayWithdrawalInput payment(const World& w, const Hash32& caller, std::size_t k, u64 i);

  // ---- The escape hatch ----
  // The exit of account `index` against the world's last state (which must be its last final one).
  static optimistic_rollup::ExitInput exit_of(const World& w, const Hash32& caller, AccountIndex index);

 private:
  void build();
};

const Worlds& worlds();
ContractEffects snapshot(const World& w);
std::vector<SharedState> shared_states(Profile);

// The id of the challenge `caller` opens by committing to `proof`.
Hash32 committed_id(const Hash32& caller, const FraudProof& proof);

// ---- One case under construction ----

// contract_scenario.hpp's case builder with the rollup's ops by name; a submitted batch also
// joins the mirror's posted data. A case with no pre-state starts with deploy or is an apply_tx.
class Scenario : public ContractScenario<Scenario, World, optimistic_rollup::Effects, Env, generator_bug> {
 public:
  using ContractScenario::ContractScenario;

  // The case's random values, drawn from its seed.
  Drbg& drbg() { return drbg_; }

  Scenario& deploy(u64 height, const optimistic_rollup::DeployInput& in, OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& stake(u64 height, const Hash32& caller, u64 value, OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& unstake(u64 height, const Hash32& caller, OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& deposit_new_account(u64 height, const Hash32& caller, const Hash32& owner, u64 value,
                                OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& deposit_top_up(u64 height, const Hash32& caller, AccountIndex to, u64 value,
                           OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& request_forced_exit(u64 height, const Hash32& caller, AccountIndex from, const Hash32& recipient, u64 value,
                                OptimisticRollupError expect = OptimisticRollupError::none);
  // Submits a posted batch; the mirror keeps its data when it is accepted.
  Scenario& submit(u64 height, const Hash32& caller, const Posted& posted, OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& submit_batch(u64 height, const Hash32& caller, const Batch& batch, OptimisticRollupError expect);
  Scenario& open(u64 height, const Hash32& caller, const Hash32& batch_id, FraudProofType type, const Hash32& evidence,
                 u64 value, OptimisticRollupError expect = OptimisticRollupError::none);
  // Opens a challenge committing to `proof` as `caller` with the minimum bond.
  Scenario& commit(u64 height, const Hash32& caller, const FraudProof& proof, OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& resolve(u64 height, const Hash32& caller, const Hash32& challenge_id, const FraudProof& proof,
                    OptimisticRollupError expect = OptimisticRollupError::none);
  // The reveal of `caller`'s own commitment to `proof`.
  Scenario& reveal(u64 height, const Hash32& caller, const FraudProof& proof, OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& expire(u64 height, const Hash32& caller, const Hash32& challenge_id, OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& withdraw(u64 height, const Hash32& caller, const Hash32& challenge_id,
                     OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& finalize(u64 height, const Hash32& caller, OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& pay(u64 height, const optimistic_rollup::PayWithdrawalInput& in, OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& freeze(u64 height, const Hash32& caller, QueueKind queue, u64 index, OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& exit(u64 height, const optimistic_rollup::ExitInput& in, OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& reclaim(u64 height, const Hash32& caller, u64 deposit_index, OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& verify(u64 height, const Hash32& challenge_id, const FraudProof& proof,
                   OptimisticRollupError expect = OptimisticRollupError::none);
  Scenario& apply_tx(const ApplyTxInput& in, OptimisticRollupError expect = OptimisticRollupError::none);

  // The last accepted step's resolutions must be exactly these kinds (and the first one's reason).
  Scenario& expect_resolutions(std::vector<ResolutionKind> kinds, OptimisticRollupError first_reason = OptimisticRollupError::none);

 private:
  Drbg drbg_{spec_.seed};
};

// ---- Rule lists ----

const std::vector<std::string>& transaction_fault_rules();
const std::vector<std::string>& timeout_fault_rules();
const std::vector<std::string>& resolve_rules();

// ---- The reference's verify_fraud_proof and apply_tx ops, which the Scenario mirrors ----

// verify_fraud_proof's vector op: the open challenge's lookup [OR-RES-1] and its pending batch, then
// `verifier` (the reference's or an optimized verify_fraud_proof); ok (the state unchanged) for a
// confirmed fraud.
using FraudVerifier = std::function<OptimisticRollupError(const OptimisticRollup&, const optimistic_rollup::BatchRecord&,
                                                const optimistic_rollup::Challenge&, const FraudProof&)>;
Result<ContractEffects, OptimisticRollupError> verify_with(const ContractEffects& state, const VerifyFraudProofInput& in,
                                                 const FraudVerifier& verifier);
Result<ContractEffects, OptimisticRollupError> reference_verify(const ContractEffects& state, const VerifyFraudProofInput& in);
Result<ApplyTxOutput, OptimisticRollupError> reference_apply_tx(const ApplyTxInput& in);
// The stateless step's input for `tx` on `state`, with the true witness, against a batch's L1 view.
ApplyTxInput tx_input(const optimistic_rollup::L2Params& params, const optimistic_rollup::L1Ids& ids, const State& state,
                      const Transaction& tx);

// ---- The suites (one file each) ----

void deploy_and_stake_cases(CaseBook& cases, const Worlds& w);
void deposit_cases(CaseBook& cases, const Worlds& w);
void submit_cases(CaseBook& cases, const Worlds& w);
void challenge_cases(CaseBook& cases, const Worlds& w);
void finality_cases(CaseBook& cases, const Worlds& w);
void escape_hatch_cases(CaseBook& cases, const Worlds& w);
void verify_cases(CaseBook& cases, const Worlds& w);
void apply_tx_cases(CaseBook& cases, const Worlds& w);
void adversarial_cases(CaseBook& cases, const Worlds& w);

std::vector<OpHandler> operations();

}  // namespace l2::vectors::optimistic_rollup_vectors
