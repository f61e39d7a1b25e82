// The validium vectors' world, its shared states and the case builder (world.hpp).
#include "world.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "l2/ref/schnorr.hpp"
#include "l2/ref/sha256.hpp"

namespace l2::vectors::validium_vectors {

Keys::Keys(const Hash32& seed) {
  for (std::size_t i = 0; i < key_count; ++i) {
    secret_[i] = ref::bip340::secret_from_seed(seed, static_cast<u32>(i));
    key_[i] = ref::bip340::pubkey_from_secret(secret_[i]).value();
  }
}

orl::Signature Keys::sign(std::size_t index, const Hash32& digest) const {
  return ref::bip340::sign(secret_.at(index), digest, Hash32{}).value();
}

std::size_t Keys::index_of(const Hash32& key) const {
  const auto found = std::find(key_.begin(), key_.end(), key);
  if (found == key_.end()) generator_bug("a signer that is not a world key");
  return static_cast<std::size_t>(found - key_.begin());
}

void generator_bug(const std::string& what) { throw std::logic_error("validium vectors: " + what); }

Committee seeded_committee(const Hash32& case_seed, std::size_t count, u32 threshold) {
  Committee committee{{}, threshold};
  for (std::size_t i = 0; i < count; ++i)
    committee.members.push_back(
        ref::bip340::pubkey_from_secret(ref::bip340::secret_from_seed(case_seed, static_cast<u32>(i))).value());
  std::sort(committee.members.begin(), committee.members.end());
  return committee;
}

// ---- Worlds ----

Worlds::Worlds(const Hash32& world_seed) : seed(world_seed), keys(world_seed) { build(); }

Committee Worlds::committee_of(std::initializer_list<std::size_t> indices, u32 threshold) const {
  Committee committee{{}, threshold};
  for (const std::size_t i : indices) committee.members.push_back(key(i));
  std::sort(committee.members.begin(), committee.members.end());
  return committee;
}

Committee Worlds::world_committee() const { return committee_of({7, 8, 9, 10, 11}, world_threshold); }

Committee Worlds::replacement_committee() const { return committee_of({9, 10, 11, 12, 13}, world_threshold); }

vd::ValidiumDeployInput Worlds::deploy_input(const zk::ZkConfig& config, const Committee& committee, u64 delay,
                                             u64 nonce) const {
  const zk::ZkDeployInput rollup{zkv::chain_id, ref::tagged_hash("L2/vectors/contract", seed), key(op), nonce, config,
                                 zkv::default_key()};
  return vd::ValidiumDeployInput{rollup, key(governor), committee, delay};
}

Transaction Worlds::transfer(AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce, std::size_t signer) const {
  orl::Transfer t{from, to, amount, fee, nonce, {}};
  t.signature = keys.sign(signer, orl::transfer_digest(params(), t));
  return orl::make_transaction(t);
}

Transaction Worlds::withdrawal(AccountIndex from, const Hash32& recipient, u64 amount, u64 fee, u64 nonce,
                               std::size_t signer) const {
  orl::Withdrawal t{from, recipient, amount, fee, nonce, {}};
  t.signature = keys.sign(signer, orl::withdrawal_digest(params(), t));
  return orl::make_transaction(t);
}

std::vector<Transaction> Worlds::batch0_user() const {
  return {transfer(zkv::alice_account, zkv::bob_account, 1000, 10, 0, alice),
          withdrawal(zkv::alice_account, key(alice), zkv::alice_withdrawal, 5, 1, alice)};
}

Transaction Worlds::bob_pays_alice() const { return transfer(zkv::bob_account, zkv::alice_account, 200, 2, 0, bob); }

Transaction Worlds::alice_pays_bob() const { return transfer(zkv::alice_account, zkv::bob_account, 100, 1, 2, alice); }

vd::ValidiumBatch Worlds::batch(const World& w, u64 k, const std::vector<Transaction>& user) {
  std::vector<Transaction> txs = zkv::Worlds::priority_txs(w.rollup, k);
  txs.insert(txs.end(), user.begin(), user.end());
  auto built = vd::make_validium_batch(w.contract, w.rollup.committed_state(), std::move(txs));
  if (!built.ok()) generator_bug(std::string("an honest batch is refused: ") + std::string(error_info(built.error()).code));
  return std::move(built).value();
}

std::vector<Hash32> Worlds::members(const World& w, std::initializer_list<std::size_t> positions) {
  std::vector<Hash32> out;
  for (const std::size_t p : positions) out.push_back(w.contract.committee.members.at(p));
  return out;
}

vd::CommitteeSignature Worlds::signature(const Hash32& signer, const Hash32& digest) const {
  return vd::CommitteeSignature{signer, keys.sign(keys.index_of(signer), digest)};
}

vd::DAProof Worlds::proof(const World& w, u64 batch_number, const Hash32& data_root, const std::vector<Hash32>& signers) const {
  const Hash32 digest = vd::da_digest_of(w.contract, batch_number, data_root);
  vd::DAProof out{batch_number, data_root, {}};
  for (const Hash32& signer : signers) out.signatures.push_back(signature(signer, digest));
  return out;
}

vd::VerifyAvailabilityInput Worlds::attestation(const World& w, u64 batch_number, const Hash32& data_root,
                                                const std::vector<Hash32>& signers) const {
  return vd::VerifyAvailabilityInput{key(op), proof(w, batch_number, data_root, signers)};
}

vd::VerifyAvailabilityInput Worlds::attestation(const World& w, const vd::ValidiumBatch& batch) const {
  const zk::BatchHeader& header = batch.commit.header;
  return attestation(w, header.batch_number, header.transactions_root, members(w, {0, 1, 2}));
}

void Worlds::build() {
  CaseSpec scratch;
  scratch.suite = "states";
  scratch.name = "world";
  Scenario s(scratch);
  s.deploy(zkv::deploy_height, deploy_input(zkv::default_config(), world_committee()))
      .deposit_new_account(zkv::alice_deposit_height, key(alice), key(alice), 5000)
      .deposit_new_account(zkv::bob_deposit_height, key(bob), key(bob), 3000);
  // The transactions are signed under the deployed validium's L2 parameters (params()).
  deployed = s.world();
  s.attest_and_commit(*this, zkv::commit_height, batch(s.world(), 2, batch0_user()));
  committed = s.world();
  s.prove_next(zkv::prove_height, key(watcher), 1);
  verified = s.world();
  s.execute(zkv::execute_height, key(watcher));
  executed = s.world();
  s.request(zkv::request_height, key(alice), zkv::alice_account, key(alice), zkv::forced_withdrawal_fee);
  forced_requested = s.world();
  s.deposit_new_account(zkv::carol_deposit_height, key(carol), key(carol), 700);
  stalled = s.world();
  s.activate_exodus(zkv::exodus_height, key(watcher));
  exodus = s.world();

  Scenario r(scratch, executed);
  r.propose(proposal_height, key(governor), replacement_committee());
  rotation_proposed = r.world();
}

const Worlds& worlds() {
  static const Worlds built(case_seed(mechanism_name, "states", "world"));
  return built;
}

ValidiumEffects snapshot(const World& w) { return ValidiumEffects{w.contract, {}}; }

std::vector<SharedState> shared_states(Profile) {
  const Worlds& w = worlds();
  return shared_states_of<World>({
      {"deployed", &w.deployed},
      {"committed", &w.committed},
      {"verified", &w.verified},
      {"executed", &w.executed},
      {"forced_requested", &w.forced_requested},
      {"stalled", &w.stalled},
      {"exodus", &w.exodus},
      {"rotation_proposed", &w.rotation_proposed},
  });
}

// ---- Scenario ----

Scenario& Scenario::deploy(u64 height, const vd::ValidiumDeployInput& in, ValidiumError expect) {
  const auto deployed = vd::deploy(in);
  check("deploy", deployed.ok() ? ValidiumError::none : deployed.error(), expect);
  if (deployed.ok()) {
    world_ = World{};
    world_.contract = deployed.value();
    world_.rollup.genesis = State::genesis(in.rollup.operator_key);
    world_.sync();
    last_ = ValidiumEffects{world_.contract, {}};
  }
  return raw("deploy", height, codec::to_json(in));
}

Scenario& Scenario::attest(u64 height, const vd::VerifyAvailabilityInput& in, ValidiumError expect) {
  return step<vd::VerifyAvailability>(height, in, expect);
}

Scenario& Scenario::propose(u64 height, const Hash32& caller, const Committee& committee, ValidiumError expect) {
  return step<vd::ProposeRotation>(height, {caller, committee}, expect);
}

Scenario& Scenario::activate_rotation(u64 height, const Hash32& caller, ValidiumError expect) {
  return step<vd::ActivateRotation>(height, {caller}, expect);
}

Scenario& Scenario::deposit_new_account(u64 height, const Hash32& caller, const Hash32& owner, u64 value,
                                        ZkRollupError expect) {
  const zk::ZkRollup& c = world_.contract.rollup;
  const auto to = static_cast<AccountIndex>(c.next_account_index);
  const Transaction body = orl::make_transaction(orl::Deposit{c.deposit_count, to, owner, value});
  return queue_step<vd::DepositNewAccount>(height, {caller, owner, value}, body, expect);
}

Scenario& Scenario::deposit_top_up(u64 height, const Hash32& caller, AccountIndex to, u64 value, ZkRollupError expect) {
  const Transaction body =
      orl::make_transaction(orl::Deposit{world_.contract.rollup.deposit_count, to, std::nullopt, value});
  return queue_step<vd::DepositTopUp>(height, {caller, to, value}, body, expect);
}

Scenario& Scenario::request(u64 height, const Hash32& caller, AccountIndex from, const Hash32& recipient, u64 value,
                            ZkRollupError expect) {
  const Transaction body =
      orl::make_transaction(orl::ForcedExit{world_.contract.rollup.forced_withdrawal_count, from, caller, recipient, 0});
  return queue_step<vd::RequestForcedWithdrawal>(height, {caller, from, recipient, value}, body, expect);
}

Scenario& Scenario::commit(u64 height, const vd::ValidiumBatch& batch, ZkRollupError expect) {
  const State pre = world_.rollup.committed_state();
  const std::size_t before = world_.contract.rollup.batches.size();
  step<vd::CommitBatch>(height, batch.commit, expect);
  if (world_.contract.rollup.batches.size() > before)
    world_.rollup.batches.push_back(zkv::PostedBatch{batch.transactions, batch.commit.withdrawals, pre, batch.post_state});
  return *this;
}

Scenario& Scenario::commit_refused(u64 height, const zk::CommitBatchInput& in, ZkRollupError expect) {
  if (expect == ZkRollupError::none) generator_bug("commit_refused is for refused batches; use commit");
  return step<vd::CommitBatch>(height, in, expect);
}

Scenario& Scenario::attest_and_commit(const Worlds& w, u64 height, const vd::ValidiumBatch& batch) {
  attest(height - 1, w.attestation(world_, batch));
  return commit(height, batch);
}

Scenario& Scenario::prove(u64 height, const Hash32& caller, u64 count, const Bytes& proof, ZkRollupError expect) {
  return step<vd::ProveBatches>(height, {caller, count, proof}, expect);
}

Scenario& Scenario::prove_next(u64 height, const Hash32& caller, u64 count) {
  return prove(height, caller, count, zkv::Worlds::proof(world_.rollup, world_.contract.rollup.verified, count));
}

Scenario& Scenario::execute(u64 height, const Hash32& caller, ZkRollupError expect) {
  return step<vd::ExecuteBatch>(height, {caller}, expect);
}

Scenario& Scenario::revert(u64 height, const Hash32& caller, u64 new_committed, ZkRollupError expect) {
  return step<vd::RevertBatches>(height, {caller, new_committed}, expect);
}

Scenario& Scenario::activate_exodus(u64 height, const Hash32& caller, ZkRollupError expect) {
  return step<vd::ActivateExodus>(height, {caller}, expect);
}

Scenario& Scenario::exit(u64 height, const orl::ExitInput& in, ZkRollupError expect) {
  return step<vd::ExodusWithdraw>(height, in, expect);
}

Scenario& Scenario::exit_many(u64 height, const zk::ExodusWithdrawManyInput& in, ZkRollupError expect) {
  return step<vd::ExodusWithdrawMany>(height, in, expect);
}

Scenario& Scenario::refund(u64 height, const Hash32& caller, u64 queue_index, ZkRollupError expect) {
  return step<vd::RefundDeposit>(height, {caller, queue_index}, expect);
}

Scenario& Scenario::pay(u64 height, const zk::PayZkWithdrawalInput& in, ZkRollupError expect) {
  return step<vd::PayWithdrawal>(height, in, expect);
}

// ---- Rule lists ----

const std::vector<std::string>& live_rules() {
  static const std::vector<std::string> rules = rule_range("VD-LIVE", 1, 2);
  return rules;
}

const std::vector<std::string>& committee_rules() {
  static const std::vector<std::string> rules = rule_range("VD-COM", 1, 4);
  return rules;
}

const std::vector<std::string>& deploy_rules() {
  static const std::vector<std::string> rules = concat({{"VD-DEPLOY-1"}, committee_rules(), {"VD-DEPLOY-2"}});
  return rules;
}

const std::vector<std::string>& da_rules() {
  static const std::vector<std::string> rules = concat({live_rules(), rule_range("VD-DA", 1, 4)});
  return rules;
}

const std::vector<std::string>& propose_rules() {
  static const std::vector<std::string> rules = concat({live_rules(), {"VD-ROT-1"}, committee_rules()});
  return rules;
}

const std::vector<std::string>& activate_rules() {
  static const std::vector<std::string> rules = concat({live_rules(), rule_range("VD-ROT", 2, 3)});
  return rules;
}

const std::vector<std::string>& commit_rules() {
  static const std::vector<std::string> rules =
      concat({zkv::live_rules(), rule_range("ZK-COMMIT", 1, 10), {"ZK-COMMIT-12"}});
  return rules;
}

const std::vector<std::string>& prove_rules() {
  static const std::vector<std::string> rules = concat({zkv::live_rules(), rule_range("ZK-PROVE", 1, 3)});
  return rules;
}

const std::vector<std::string>& execute_rules() {
  static const std::vector<std::string> rules = concat({zkv::live_rules(), {"ZK-EXEC-1"}});
  return rules;
}

const std::vector<std::string>& pipeline_rules() {
  static const std::vector<std::string> rules = concat({da_rules(), commit_rules(), prove_rules(), execute_rules()});
  return rules;
}

}  // namespace l2::vectors::validium_vectors
