// The zk-rollup vectors' world and case builder, shared by the suites of this folder.
//
// Every case lives in one rollup "world" (zk_rollup.md#vector-operations-mechanism-zk_rollup): chain
// 1, one deployment, and the same six keys (secret_from_seed(world seed, i), world seed =
// SHA256("l2spec/vectors/seed/zk_rollup/states/world"): 0 the operator, 1 alice, 2 bob, 3 carol,
// 4 a watcher, 5 a griefer; L1 callers and L1 recipients are these x-only keys). The shared
// pre-states in zk_rollup/states/ are snapshots of that world, built here with the reference
// (Worlds lists them). Signatures use aux_rand = 32 zero bytes.
//
// A world keeps, besides the contract, what an observer of L1 knows: the L2 body of every queued
// priority operation and the posted data of every committed batch with the full L2 states before
// and after it, so that later inputs (proofs, exits, inclusion proofs) can be built. Each case's
// steps are run here on a C++ mirror of the contract, and generation stops with an error if a step
// does not end as the case says it does. spec: zk_rollup.md
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "l2/codec/json.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/zk_rollup.hpp"
#include "l2/ref/zk_rollup_contract.hpp"
#include "l2/vectors/contract_scenario.hpp"
#include "l2/vectors/framework.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors::zk_rollup_vectors {

namespace zk = ref::zk_rollup;
namespace orl = ref::optimistic_rollup;
using zk::AccountIndex;
using zk::Env;
using zk::State;
using zk::Transaction;
using zk::Transition;
using zk::ZkEffects;
using zk::ZkRollup;
using Error = ZkRollupError;

inline constexpr std::string_view mechanism_name = "zk_rollup";
inline constexpr u64 u64_max = std::numeric_limits<u64>::max();

// ---- The world's constants (zk_rollup.md#vector-operations-mechanism-zk_rollup) ----

inline constexpr u64 chain_id = 1;
inline constexpr u64 max_batch_size = 4;
inline constexpr u64 censorship_bound_blocks = 6;
inline constexpr u64 proving_time_blocks = 10;
inline constexpr u64 priority_expiry_blocks = 40;
inline constexpr u64 min_deposit = 100;
inline constexpr u64 forced_withdrawal_fee = 10;

inline constexpr AccountIndex fee_account = orl::fee_account;
inline constexpr AccountIndex alice_account = 1;
inline constexpr AccountIndex bob_account = 2;
inline constexpr AccountIndex carol_account = 3;

// Heights of the shared states.
inline constexpr u64 deploy_height = 1;
inline constexpr u64 alice_deposit_height = 20;  // op 0, expiry 60
inline constexpr u64 bob_deposit_height = 21;    // op 1, expiry 61
inline constexpr u64 commit_height = 30;         // batch 0
inline constexpr u64 prove_height = 31;
inline constexpr u64 execute_height = 32;
inline constexpr u64 request_height = 40;  // alice's forced withdrawal, op 2
inline constexpr u64 request_expiry = request_height + priority_expiry_blocks;  // 80
inline constexpr u64 carol_deposit_height = 41;  // op 3, expiry 81
inline constexpr u64 exodus_height = request_expiry;

// Balances of the executed state after batch 0.
inline constexpr u64 alice_balance = 3485;  // 5000 - 1010 - 505
inline constexpr u64 bob_balance = 4000;
inline constexpr u64 fee_balance = 15;
inline constexpr u64 alice_withdrawal = 500;

// A public key that is not on the curve: BIP-340's published test vector 5
// (bips/bip-0340/test-vectors.csv, "public key not on the curve").
Hash32 off_curve_key();

zk::ZkConfig default_config();
zk::VerifyingKey default_key();

enum Role : std::size_t { op = 0, alice = 1, bob = 2, carol = 3, watcher = 4, griefer = 5, role_count = 6 };

class Actors {
 public:
  explicit Actors(const Hash32& seed);
  const Hash32& key(std::size_t role) const { return key_[role]; }
  orl::Signature sign(std::size_t role, const Hash32& digest) const;

 private:
  std::array<Hash32, role_count> secret_{};
  std::array<Hash32, role_count> key_{};
};

// A committed batch's posted data, with the full L2 state its prev_state_root opens and the state
// its post_state_root claims (the true one for an honest operator).
struct PostedBatch {
  std::vector<Transaction> transactions;
  std::vector<zk::WithdrawalRecord> withdrawals;
  State pre;
  State post;
};

// The contract and what an observer of L1 knows besides it.
struct World {
  ZkRollup contract;
  std::vector<Transaction> queue;    // the L2 body of each priority operation, as recorded (forced exits: amount 0)
  std::vector<PostedBatch> batches;  // parallel to contract.batches
  State genesis;

  const State& committed_state() const { return batches.empty() ? genesis : batches.back().post; }
  const State& state_after(u64 count) const { return count == 0 ? genesis : batches.at(count - 1).post; }
  const State& executed_state() const { return state_after(contract.executed); }
  orl::L2Params params() const { return zk::params_of(contract); }
  // Drops the posted data of batches a revert or exodus removed.
  void sync() {
    if (batches.size() > contract.batches.size()) batches.resize(contract.batches.size());
  }
};

[[noreturn]] void generator_bug(const std::string& what);

// Accepts every signature: how a cheating operator computes the roots of a forged transaction.
struct AcceptAnySignature {
  constexpr bool operator()(const Hash32&, const Hash32&, const orl::Signature&) const { return true; }
};

class Scenario;

// The shared states and the builders of transactions, batches, proofs and claims over them.
struct Worlds {
  Hash32 seed;
  Actors actors;
  // deployed          deploy at 1; alice deposits 5000 at 20 (account 1, op 0), bob 3000 at 21 (account 2, op 1)
  // committed         + batch 0 at 30: ops 0 and 1, alice pays bob 1000 (fee 10), alice withdraws 500 (fee 5)
  // verified          + proved at 31
  // executed          + executed at 32
  // forced_requested  + alice requests her forced withdrawal at 40 (op 2, expiry 80)
  // stalled           + carol deposits 700 at 41 (account 3, op 3, expiry 81); nothing else
  // exodus            + exodus activated at 80 by the watcher
  World deployed, committed, verified, executed, forced_requested, stalled, exodus;

  explicit Worlds(const Hash32& world_seed);

  const Hash32& key(std::size_t role) const { return actors.key(role); }
  orl::L2Params params() const { return deployed.params(); }
  zk::ZkDeployInput deploy_input(const zk::ZkConfig& config, const zk::VerifyingKey& vk) const;

  // ---- Transactions ----
  Transaction transfer(AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce, std::size_t signer,
                       const orl::L2Params* for_params = nullptr) const;
  Transaction withdrawal(AccountIndex from, const Hash32& recipient, u64 amount, u64 fee, u64 nonce,
                         std::size_t signer) const;
  // Batch 0's user transactions: alice pays bob 1000 (fee 10), alice withdraws 500 to her L1 key (fee 5).
  std::vector<Transaction> batch0_user() const;
  // A transfer from bob to alice of 200 (fee 2), bob's nonce 0: the user transaction of a batch 1.
  Transaction bob_pays_alice() const;

  // ---- Batches ----
  // The next `k` queued operations as the honest operator processes them from the committed state
  // (a forced withdrawal takes the whole balance if its requester owns the account, else nothing).
  static std::vector<Transaction> priority_txs(const World& w, u64 k);
  // The honest batch over `txs` from the committed state; generation fails if a transaction is invalid.
  static zk::ZkBatch batch(const World& w, std::vector<Transaction> txs);
  // The next `k` queued operations, then `user`.
  static zk::ZkBatch batch(const World& w, u64 k, const std::vector<Transaction>& user);
  // A batch the contract takes (it executes nothing) whose data and claimed post-state are given.
  static zk::CommitBatchInput claimed(const World& w, const std::vector<Transaction>& txs, u64 priority_count,
                                      const State& claimed_post);

  // ---- Proofs ----
  // The honest reexecution proof of batches first .. first + count - 1, under `vk` (the world's key by default).
  static zk::ReexecutionProof witnesses(const World& w, u64 first, u64 count, const zk::VerifyingKey* vk = nullptr);
  static Bytes proof(const World& w, u64 first, u64 count, const zk::VerifyingKey* vk = nullptr);
  // A witness assembled by hand: `statement`, the pre-state's header, `txs`, the slots `touched` with
  // their content in `pre`, and their multiproof.
  static zk::BatchWitness witness(const State& pre, const zk::PublicInputPreimage& statement,
                                  const std::vector<Transaction>& txs, const std::vector<AccountIndex>& touched);
  // The statement the contract recorded for batch k (its public input's preimage).
  static zk::PublicInputPreimage statement_of(const World& w, u64 k);
  // proof_input over the witnesses' statements.
  static Hash32 input_of(const zk::ReexecutionProof& proof);

  // ---- Exits and payouts ----
  static zk::ExodusClaim claim(const World& w, AccountIndex index);  // against the executed state
  static orl::ExitInput exit_of(const World& w, const Hash32& caller, AccountIndex index);
  static zk::PayZkWithdrawalInput payment(const World& w, const Hash32& caller, u64 batch_number, u64 index);

 private:
  void build();
};

const Worlds& worlds();
ZkEffects snapshot(const World& w);
std::vector<SharedState> shared_states(Profile);

// ---- One case under construction ----

// contract_scenario.hpp's case builder with the rollup's ops by name; a deposit, a request or a
// commit also updates the mirror's queue or posted batches. A case with no pre-state starts with
// deploy or is a verify_proof.
class Scenario : public ContractScenario<Scenario, World, ZkEffects, Env, generator_bug> {
 public:
  using ContractScenario::ContractScenario;

  Scenario& deploy(u64 height, const zk::ZkDeployInput& in, Error expect = Error::none);
  Scenario& deposit_new_account(u64 height, const Hash32& caller, const Hash32& owner, u64 value, Error expect = Error::none);
  Scenario& deposit_top_up(u64 height, const Hash32& caller, AccountIndex to, u64 value, Error expect = Error::none);
  Scenario& request(u64 height, const Hash32& caller, AccountIndex from, const Hash32& recipient, u64 value,
                    Error expect = Error::none);
  // Commits a batch; the mirror keeps its data when it is accepted (`post`: the state it claims).
  Scenario& commit(u64 height, const zk::CommitBatchInput& in, const State& post, Error expect = Error::none);
  Scenario& commit(u64 height, const zk::ZkBatch& batch, Error expect = Error::none);
  // A commit that must be refused.
  Scenario& commit_refused(u64 height, const zk::CommitBatchInput& in, Error expect);
  Scenario& prove(u64 height, const Hash32& caller, u64 count, const Bytes& proof, Error expect = Error::none);
  // The honest proof of the next `count` committed batches, sent by `caller`.
  Scenario& prove_next(u64 height, const Hash32& caller, u64 count);
  Scenario& execute(u64 height, const Hash32& caller, Error expect = Error::none);
  Scenario& revert(u64 height, const Hash32& caller, u64 new_committed, Error expect = Error::none);
  Scenario& activate(u64 height, const Hash32& caller, Error expect = Error::none);
  Scenario& exit(u64 height, const orl::ExitInput& in, Error expect = Error::none);
  Scenario& exit_many(u64 height, const zk::ExodusWithdrawManyInput& in, Error expect = Error::none);
  Scenario& refund(u64 height, const Hash32& caller, u64 queue_index, Error expect = Error::none);
  Scenario& pay(u64 height, const zk::PayZkWithdrawalInput& in, Error expect = Error::none);
  // The stateless op (a case with no pre-state).
  Scenario& verify_proof(const zk::VerifyProofInput& in, Error expect = Error::none);

 private:
  // A deposit or request step; `body` joins the mirror's queue when the step records a priority operation.
  template <class Op>
  Scenario& queue_step(u64 height, const typename Op::Input& in, const Transaction& body, Error expect) {
    const std::size_t before = world_.contract.priority_ops.size();
    step<Op>(height, in, expect);
    if (world_.contract.priority_ops.size() > before) world_.queue.push_back(body);
    return *this;
  }
};

// ---- Rule lists ----

const std::vector<std::string>& live_rules();     // ZK-LIVE-1, ZK-LIVE-2
const std::vector<std::string>& new_account_deposit_rules();  // the live rules, ZK-BRIDGE-1, -2, -4 and -5
const std::vector<std::string>& commit_rules();   // the live rules and ZK-COMMIT-1..11 (calldata mode)
const std::vector<std::string>& verify_rules();   // ZK-RX-1..13

// The reference's verify_proof, which the Scenario mirrors.
Result<zk::VerifyProofResult, ZkRollupError> reference_verify_proof(const zk::VerifyProofInput& in);

// ---- The suites (one file each) ----

void deploy_cases(CaseBook& cases, const Worlds& w);
void request_cases(CaseBook& cases, const Worlds& w);
void batch_cases(CaseBook& cases, const Worlds& w);
void verify_proof_cases(CaseBook& cases, const Worlds& w);
void exodus_cases(CaseBook& cases, const Worlds& w);
void adversarial_cases(CaseBook& cases, const Worlds& w);

std::vector<OpHandler> operations();

}  // namespace l2::vectors::zk_rollup_vectors
