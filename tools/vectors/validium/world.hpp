// The validium vectors' world and case builder, shared by the suites of this folder.
//
// Every case lives in one validium "world" (validium.md#vector-operations-mechanism-validium):
// zk_rollup's world (chain 1, its configuration and verifying key, tools/vectors/zk_rollup/world.hpp)
// in the committee data mode, with keys secret_from_seed(world seed, i), world seed =
// SHA256("l2spec/vectors/seed/validium/states/world"): 0 the operator, 1 alice, 2 bob, 3 carol,
// 4 a watcher, 5 a griefer, 6 the governor, 7..11 the committee (5 members in ascending order of
// their x-only keys, threshold 3), 12..13 the replacement committee's new members; the rotation
// delay is 50 blocks. The shared pre-states in validium/states/ are zk_rollup's, each batch
// attested by members 0..2 (positions in the committee's ascending order) in the block before its
// commit, and `rotation_proposed`.
//
// A world keeps the contract and, in a zk_rollup world mirroring `contract.rollup`, what the
// committee and an observer of L1 know: the L2 body of every queued priority operation and the
// data of every committed batch (off chain here) with the L2 states before and after it. zk_rollup's
// builders of batches, proofs, exits and payments run on that mirror. Each case's steps are run on a
// C++ mirror of the contract, and generation stops with an error if a step does not end as the case
// says it does. spec: validium.md
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "l2/codec/json.hpp"
#include "l2/ref/validium.hpp"
#include "l2/vectors/contract_scenario.hpp"
#include "l2/vectors/framework.hpp"
#include "l2/vectors/typed_ops.hpp"
#include "../zk_rollup/world.hpp"

namespace l2::vectors::validium_vectors {

namespace vd = ref::validium;
namespace zk = ref::zk_rollup;
namespace orl = ref::optimistic_rollup;
namespace zkv = zk_rollup_vectors;
using vd::Committee;
using vd::Validium;
using vd::ValidiumEffects;
using zk::AccountIndex;
using zk::Env;
using zk::State;
using zk::Transaction;

inline constexpr std::string_view mechanism_name = "validium";

// ---- The world's constants (validium.md#vector-operations-mechanism-validium) ----

// zk_rollup's configuration: B = 6, E = 40; the rotation delay D = 50 > E + B = 46.
inline constexpr u64 rotation_delay_blocks = 50;
inline constexpr u32 world_threshold = 3;
inline constexpr std::size_t world_committee_size = 5;
// The governor proposes the replacement committee in `rotation_proposed` at 50: due at 100.
inline constexpr u64 proposal_height = 50;
inline constexpr u64 rotation_due = proposal_height + rotation_delay_blocks;

// The keys of the world, by index.
enum Key : std::size_t {
  op = 0,
  alice = 1,
  bob = 2,
  carol = 3,
  watcher = 4,
  griefer = 5,
  governor = 6,
  first_member = 7,        // 7..11: the committee
  first_new_member = 12,   // 12..13: the replacement committee's new members
  key_count = 14
};

class Keys {
 public:
  explicit Keys(const Hash32& seed);
  const Hash32& key(std::size_t index) const { return key_.at(index); }
  orl::Signature sign(std::size_t index, const Hash32& digest) const;
  // The index of a world key (generation fails for any other key).
  std::size_t index_of(const Hash32& key) const;

 private:
  std::array<Hash32, key_count> secret_{};
  std::array<Hash32, key_count> key_{};
};

// The contract, and in `rollup` zk_rollup's world of `contract.rollup` (rollup.contract ==
// contract.rollup after every step): the queue's bodies and the batches' data.
struct World {
  Validium contract;
  zkv::World rollup;

  void sync() {
    rollup.contract = contract.rollup;
    rollup.sync();
  }
};

[[noreturn]] void generator_bug(const std::string& what);

struct Worlds {
  Hash32 seed;
  Keys keys;
  // deployed           deploy at 1; alice deposits 5000 at 20 (account 1, op 0), bob 3000 at 21 (account 2, op 1)
  // committed          + batch 0 attested at 29 by members 0..2, committed at 30: ops 0 and 1, alice pays bob
  //                      1000 (fee 10), alice withdraws 500 (fee 5)
  // verified           + proved at 31
  // executed           + executed at 32
  // forced_requested   + alice requests her forced withdrawal at 40 (op 2, expiry 80)
  // stalled            + carol deposits 700 at 41 (account 3, op 3, expiry 81); nothing else
  // exodus             + the freeze (exodus) activated at 80 by the watcher
  // rotation_proposed  executed + the governor proposes keys 9..13, threshold 3, at 50 (due at 100)
  World deployed, committed, verified, executed, forced_requested, stalled, exodus, rotation_proposed;

  explicit Worlds(const Hash32& world_seed);

  const Hash32& key(std::size_t index) const { return keys.key(index); }
  orl::L2Params params() const { return deployed.rollup.params(); }

  // ---- Committees and deployment ----
  // The world keys `indices`, sorted ascending, with the threshold.
  Committee committee_of(std::initializer_list<std::size_t> indices, u32 threshold) const;
  Committee world_committee() const;        // keys 7..11, threshold 3
  Committee replacement_committee() const;  // keys 9..13, threshold 3
  vd::ValidiumDeployInput deploy_input(const zk::ZkConfig& config, const Committee& committee,
                                       u64 delay = rotation_delay_blocks, u64 nonce = 0) const;

  // ---- Transactions (signed under the world's L2 parameters) ----
  Transaction transfer(AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce, std::size_t signer) const;
  Transaction withdrawal(AccountIndex from, const Hash32& recipient, u64 amount, u64 fee, u64 nonce,
                         std::size_t signer) const;
  std::vector<Transaction> batch0_user() const;  // alice pays bob 1000 (fee 10), alice withdraws 500 (fee 5)
  Transaction bob_pays_alice() const;             // bob pays alice 200 (fee 2), bob's nonce 0
  Transaction alice_pays_bob() const;             // alice pays bob 100 (fee 1), alice's nonce 2

  // ---- Batches ----
  // The honest validium batch of the next `k` queued operations, then `user`, from the committed
  // state: make_validium_batch, its transactions kept off chain.
  static vd::ValidiumBatch batch(const World& w, u64 k, const std::vector<Transaction>& user);

  // ---- DA proofs ----
  // The members at these positions of `w`'s committee in force.
  static std::vector<Hash32> members(const World& w, std::initializer_list<std::size_t> positions);
  // `signer`'s BIP-340 signature of `digest` (a world key).
  vd::CommitteeSignature signature(const Hash32& signer, const Hash32& digest) const;
  // The DA proof of (batch_number, data_root) for `w`'s validium, signed by `signers` in order.
  vd::DAProof proof(const World& w, u64 batch_number, const Hash32& data_root, const std::vector<Hash32>& signers) const;
  // verify_availability's input, sent by the operator.
  vd::VerifyAvailabilityInput attestation(const World& w, u64 batch_number, const Hash32& data_root,
                                          const std::vector<Hash32>& signers) const;
  // Members 0..2 attest the batch.
  vd::VerifyAvailabilityInput attestation(const World& w, const vd::ValidiumBatch& batch) const;

 private:
  void build();
};

const Worlds& worlds();
ValidiumEffects snapshot(const World& w);

// `count` keys from a case's seed (secret_from_seed(case_seed, i)), sorted ascending, with the
// threshold: a committee of any size, for the size rule's boundaries (VD-COM-1).
Committee seeded_committee(const Hash32& case_seed, std::size_t count, u32 threshold);
std::vector<SharedState> shared_states(Profile);

// ---- One case under construction ----

// contract_scenario.hpp's case builder with the validium's ops by name; a deposit, a request or a
// commit also updates the zk_rollup world of `contract.rollup`. step<Op> takes the validium's own
// ops (ValidiumError) and zk_rollup's on the rollup (ZkRollupError) alike. A case with no
// pre-state starts with deploy.
class Scenario : public ContractScenario<Scenario, World, ValidiumEffects, Env, generator_bug> {
 public:
  using ContractScenario::ContractScenario;

  Scenario& deploy(u64 height, const vd::ValidiumDeployInput& in, ValidiumError expect = ValidiumError::none);

  // ---- The validium's own ops ----
  Scenario& attest(u64 height, const vd::VerifyAvailabilityInput& in, ValidiumError expect = ValidiumError::none);
  Scenario& propose(u64 height, const Hash32& caller, const Committee& committee,
                    ValidiumError expect = ValidiumError::none);
  Scenario& activate_rotation(u64 height, const Hash32& caller, ValidiumError expect = ValidiumError::none);

  // ---- zk_rollup's ops on the rollup ----
  Scenario& deposit_new_account(u64 height, const Hash32& caller, const Hash32& owner, u64 value,
                                ZkRollupError expect = ZkRollupError::none);
  Scenario& deposit_top_up(u64 height, const Hash32& caller, AccountIndex to, u64 value,
                           ZkRollupError expect = ZkRollupError::none);
  Scenario& request(u64 height, const Hash32& caller, AccountIndex from, const Hash32& recipient, u64 value,
                    ZkRollupError expect = ZkRollupError::none);
  // Commits a batch (its data off chain); the mirror keeps its transactions when it is accepted.
  Scenario& commit(u64 height, const vd::ValidiumBatch& batch, ZkRollupError expect = ZkRollupError::none);
  // A commit of `in` that must be refused.
  Scenario& commit_refused(u64 height, const zk::CommitBatchInput& in, ZkRollupError expect);
  // Members 0..2 attest the batch at height - 1 (the operator sends it), then it is committed at `height`.
  Scenario& attest_and_commit(const Worlds& w, u64 height, const vd::ValidiumBatch& batch);
  Scenario& prove(u64 height, const Hash32& caller, u64 count, const Bytes& proof, ZkRollupError expect = ZkRollupError::none);
  // The honest proof of the next `count` committed batches, sent by `caller`.
  Scenario& prove_next(u64 height, const Hash32& caller, u64 count);
  Scenario& execute(u64 height, const Hash32& caller, ZkRollupError expect = ZkRollupError::none);
  Scenario& revert(u64 height, const Hash32& caller, u64 new_committed, ZkRollupError expect = ZkRollupError::none);
  Scenario& activate_exodus(u64 height, const Hash32& caller, ZkRollupError expect = ZkRollupError::none);
  Scenario& exit(u64 height, const orl::ExitInput& in, ZkRollupError expect = ZkRollupError::none);
  Scenario& exit_many(u64 height, const zk::ExodusWithdrawManyInput& in, ZkRollupError expect = ZkRollupError::none);
  Scenario& refund(u64 height, const Hash32& caller, u64 queue_index, ZkRollupError expect = ZkRollupError::none);
  Scenario& pay(u64 height, const zk::PayZkWithdrawalInput& in, ZkRollupError expect = ZkRollupError::none);

 private:
  // Pushes the queued body when a deposit or request step recorded a priority operation.
  template <class Op>
  Scenario& queue_step(u64 height, const typename Op::Input& in, const Transaction& body, ZkRollupError expect) {
    const std::size_t before = world_.contract.rollup.priority_ops.size();
    step<Op>(height, in, expect);
    if (world_.contract.rollup.priority_ops.size() > before) world_.rollup.queue.push_back(body);
    return *this;
  }
};

// ---- Rule lists ----

const std::vector<std::string>& live_rules();        // VD-LIVE-1, VD-LIVE-2
const std::vector<std::string>& committee_rules();   // VD-COM-1..4
const std::vector<std::string>& deploy_rules();      // VD-DEPLOY-1, VD-COM-1..4, VD-DEPLOY-2
const std::vector<std::string>& da_rules();          // the live rules, VD-DA-1..4
const std::vector<std::string>& propose_rules();     // the live rules, VD-ROT-1, VD-COM-1..4
const std::vector<std::string>& activate_rules();    // the live rules, VD-ROT-2, VD-ROT-3
const std::vector<std::string>& commit_rules();      // ZK-LIVE-1/2, ZK-COMMIT-1..10 and 12 (committee mode)
const std::vector<std::string>& prove_rules();       // ZK-LIVE-1/2, ZK-PROVE-1..3
const std::vector<std::string>& execute_rules();     // ZK-LIVE-1/2, ZK-EXEC-1
// da_rules, commit_rules, prove_rules and execute_rules: a batch attested, committed, proved, executed.
const std::vector<std::string>& pipeline_rules();

// ---- The suites (one file each) ----

void deploy_cases(CaseBook& cases, const Worlds& w);
void availability_cases(CaseBook& cases, const Worlds& w);  // verify_availability and commit_batch
void rotation_cases(CaseBook& cases, const Worlds& w);      // propose_rotation and activate_rotation
void wrapped_cases(CaseBook& cases, const Worlds& w);       // one accepted case per other zk op
void adversarial_cases(CaseBook& cases, const Worlds& w);

std::vector<OpHandler> operations();

}  // namespace l2::vectors::validium_vectors
