// The zk-rollup vectors' world, its shared states and the case builder (world.hpp).
#include "world.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "l2/ref/encoding.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/schnorr.hpp"

namespace l2::vectors::zk_rollup_vectors {

Hash32 off_curve_key() { return from_hex<32>("EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34"); }

zk::ZkConfig default_config() {
  return zk::ZkConfig{max_batch_size,         censorship_bound_blocks, proving_time_blocks,
                      priority_expiry_blocks, min_deposit,             forced_withdrawal_fee};
}

zk::VerifyingKey default_key() { return zk::reexecution_verifying_key(max_batch_size); }

Actors::Actors(const Hash32& seed) {
  for (std::size_t i = 0; i < role_count; ++i) {
    secret_[i] = ref::bip340::secret_from_seed(seed, static_cast<u32>(i));
    key_[i] = ref::bip340::pubkey_from_secret(secret_[i]).value();
  }
}

orl::Signature Actors::sign(std::size_t role, const Hash32& digest) const {
  return ref::bip340::sign(secret_[role], digest, Hash32{}).value();
}

void generator_bug(const std::string& what) { throw std::logic_error("zk_rollup vectors: " + what); }

// ---- Worlds ----

Worlds::Worlds(const Hash32& world_seed) : seed(world_seed), actors(world_seed) { build(); }

zk::ZkDeployInput Worlds::deploy_input(const zk::ZkConfig& config, const zk::VerifyingKey& vk) const {
  return zk::ZkDeployInput{chain_id, ref::tagged_hash("L2/vectors/contract", seed), key(op), 0, config, vk};
}

Transaction Worlds::transfer(AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce, std::size_t signer,
                             const orl::L2Params* for_params) const {
  orl::Transfer t{from, to, amount, fee, nonce, {}};
  t.signature = actors.sign(signer, orl::transfer_digest(for_params ? *for_params : params(), t));
  return orl::make_transaction(t);
}

Transaction Worlds::withdrawal(AccountIndex from, const Hash32& recipient, u64 amount, u64 fee, u64 nonce,
                               std::size_t signer) const {
  orl::Withdrawal w{from, recipient, amount, fee, nonce, {}};
  w.signature = actors.sign(signer, orl::withdrawal_digest(params(), w));
  return orl::make_transaction(w);
}

std::vector<Transaction> Worlds::batch0_user() const {
  return {transfer(alice_account, bob_account, 1000, 10, 0, alice),
          withdrawal(alice_account, key(alice), alice_withdrawal, 5, 1, alice)};
}

Transaction Worlds::bob_pays_alice() const { return transfer(bob_account, alice_account, 200, 2, 0, bob); }

std::vector<Transaction> Worlds::priority_txs(const World& w, u64 k) {
  std::vector<Transaction> out;
  State scratch = w.committed_state();
  const zk::QueueIds ids = zk::queue_ids(w.contract);
  for (u64 q = w.contract.priority_committed; q < w.contract.priority_committed + k; ++q) {
    if (q >= w.queue.size()) generator_bug("the batch consumes more priority operations than the queue holds");
    Transaction tx = w.queue[q];
    if (tx.kind == zk::TxKind::forced_exit) {
      const std::optional<orl::Account> account = scratch.account(tx.forced_exit->from);
      tx.forced_exit->amount = account && account->owner == tx.forced_exit->requester ? account->balance : 0;
    }
    auto next = orl::apply_tx(w.params(), ids.view(), scratch, tx);
    if (!next.ok()) generator_bug("queued operation " + std::to_string(q) + " does not apply");
    scratch = std::move(next).value();
    out.push_back(tx);
  }
  return out;
}

zk::ZkBatch Worlds::batch(const World& w, std::vector<Transaction> txs) {
  auto built = zk::make_zk_batch(w.contract, w.committed_state(), std::move(txs));
  if (!built.ok()) generator_bug(std::string("an honest batch is refused: ") + std::string(error_info(built.error()).code));
  return std::move(built).value();
}

zk::ZkBatch Worlds::batch(const World& w, u64 k, const std::vector<Transaction>& user) {
  std::vector<Transaction> txs = priority_txs(w, k);
  txs.insert(txs.end(), user.begin(), user.end());
  return batch(w, std::move(txs));
}

zk::CommitBatchInput Worlds::claimed(const World& w, const std::vector<Transaction>& txs, u64 priority_count,
                                     const State& claimed_post) {
  const std::vector<zk::WithdrawalRecord> records = zk::withdrawal_records(txs);
  const zk::BatchHeader header{w.contract.chain_id,
                               w.contract.rollup_id,
                               w.contract.committed,
                               w.committed_state().root(),
                               claimed_post.root(),
                               zk::transactions_root(txs),
                               txs.size(),
                               zk::withdrawals_root(records),
                               records.size(),
                               priority_count};
  return zk::CommitBatchInput{w.contract.operator_key, header, records, txs};
}

zk::ReexecutionProof Worlds::witnesses(const World& w, u64 first, u64 count, const zk::VerifyingKey* vk) {
  std::vector<zk::BatchToProve> list;
  for (u64 k = first; k < first + count; ++k) list.push_back(zk::BatchToProve{k, w.batches.at(k).transactions});
  auto proof = zk::reexecution_witnesses(w.params(), vk ? *vk : w.contract.verifying_key, w.state_after(first), list);
  if (!proof.ok()) generator_bug("the honest prover fails on batches from " + std::to_string(first));
  return std::move(proof).value();
}

Bytes Worlds::proof(const World& w, u64 first, u64 count, const zk::VerifyingKey* vk) {
  return reflect::encode(witnesses(w, first, count, vk));
}

zk::BatchWitness Worlds::witness(const State& pre, const zk::PublicInputPreimage& statement,
                                 const std::vector<Transaction>& txs, const std::vector<AccountIndex>& touched) {
  zk::BatchWitness out;
  out.statement = statement;
  out.pre_state = pre.header();
  out.transactions = txs;
  for (const AccountIndex index : touched) out.accounts.push_back(zk::TouchedAccount{index, pre.account(index)});
  out.siblings = zk::multiproof_siblings(pre, touched);
  return out;
}

zk::PublicInputPreimage Worlds::statement_of(const World& w, u64 k) {
  const zk::BatchRecord& record = w.contract.batches.at(k);
  std::vector<Hash32> ids;
  for (u64 q = record.priority_first; q < record.priority_first + record.header.priority_count; ++q)
    ids.push_back(w.contract.priority_ops.at(q).op_id);
  const zk::PublicInputPreimage statement{w.contract.chain_id,
                                          w.contract.rollup_id,
                                          w.contract.vk_hash,
                                          record.header.batch_number,
                                          record.header.prev_state_root,
                                          record.header.post_state_root,
                                          zk::data_commitment(record.header),
                                          zk::priority_ops_hash(ids)};
  if (zk::public_input(statement) != record.public_input) generator_bug("a batch record's public input is not its statement's");
  return statement;
}

Hash32 Worlds::input_of(const zk::ReexecutionProof& proof) {
  std::vector<Hash32> inputs;
  for (const zk::BatchWitness& w : proof.batches) inputs.push_back(zk::public_input(w.statement));
  return zk::proof_input(inputs);
}

zk::ExodusClaim Worlds::claim(const World& w, AccountIndex index) {
  const State& state = w.executed_state();
  const std::optional<orl::Account> account = state.account(index);
  if (!account) generator_bug("a claim of an empty slot");
  return zk::ExodusClaim{index, *account, state.prove(index).siblings};
}

orl::ExitInput Worlds::exit_of(const World& w, const Hash32& caller, AccountIndex index) {
  const zk::ExodusClaim c = claim(w, index);
  return orl::ExitInput{caller, w.executed_state().header(), c.account_index, c.account, c.siblings};
}

zk::PayZkWithdrawalInput Worlds::payment(const World& w, const Hash32& caller, u64 batch_number, u64 index) {
  const std::vector<zk::WithdrawalRecord>& records = w.batches.at(batch_number).withdrawals;
  std::vector<Hash32> leaves;
  for (const zk::WithdrawalRecord& r : records) leaves.push_back(zk::withdrawal_leaf_hash(r));
  return zk::PayZkWithdrawalInput{caller, batch_number, index, records.at(index), ref::rfc6962::inclusion_proof(leaves, index)};
}

void Worlds::build() {
  CaseSpec scratch;
  scratch.suite = "states";
  scratch.name = "world";
  Scenario s(scratch);
  s.deploy(deploy_height, deploy_input(default_config(), default_key()))
      .deposit_new_account(alice_deposit_height, key(alice), key(alice), 5000)
      .deposit_new_account(bob_deposit_height, key(bob), key(bob), 3000);
  deployed = s.world();
  s.commit(commit_height, batch(s.world(), 2, batch0_user()));
  committed = s.world();
  s.prove_next(prove_height, key(watcher), 1);
  verified = s.world();
  s.execute(execute_height, key(watcher));
  executed = s.world();
  s.request(request_height, key(alice), alice_account, key(alice), forced_withdrawal_fee);
  forced_requested = s.world();
  s.deposit_new_account(carol_deposit_height, key(carol), key(carol), 700);
  stalled = s.world();
  s.activate(exodus_height, key(watcher));
  exodus = s.world();
}

const Worlds& worlds() {
  static const Worlds built(case_seed(mechanism_name, "states", "world"));
  return built;
}

ZkEffects snapshot(const World& w) { return ZkEffects{w.contract, {}}; }

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
  });
}

// ---- Scenario ----

Scenario& Scenario::deploy(u64 height, const zk::ZkDeployInput& in, Error expect) {
  const auto deployed = zk::deploy(in);
  check("deploy", deployed.ok() ? Error::none : deployed.error(), expect);
  if (deployed.ok()) {
    world_ = World{};
    world_.contract = deployed.value();
    world_.genesis = State::genesis(in.operator_key);
    last_ = ZkEffects{world_.contract, {}};
  }
  return raw("deploy", height, codec::to_json(in));
}

Scenario& Scenario::deposit_new_account(u64 height, const Hash32& caller, const Hash32& owner, u64 value, Error expect) {
  const auto to = static_cast<AccountIndex>(world_.contract.next_account_index);
  const Transaction body = orl::make_transaction(orl::Deposit{world_.contract.deposit_count, to, owner, value});
  return queue_step<zk::DepositNewAccount>(height, {caller, owner, value}, body, expect);
}

Scenario& Scenario::deposit_top_up(u64 height, const Hash32& caller, AccountIndex to, u64 value, Error expect) {
  const Transaction body = orl::make_transaction(orl::Deposit{world_.contract.deposit_count, to, std::nullopt, value});
  return queue_step<zk::DepositTopUp>(height, {caller, to, value}, body, expect);
}

Scenario& Scenario::request(u64 height, const Hash32& caller, AccountIndex from, const Hash32& recipient, u64 value,
                            Error expect) {
  const Transaction body =
      orl::make_transaction(orl::ForcedExit{world_.contract.forced_withdrawal_count, from, caller, recipient, 0});
  return queue_step<zk::RequestForcedWithdrawal>(height, {caller, from, recipient, value}, body, expect);
}

Scenario& Scenario::commit(u64 height, const zk::CommitBatchInput& in, const State& post, Error expect) {
  const State pre = world_.committed_state();
  const std::size_t before = world_.contract.batches.size();
  step<zk::CommitBatch>(height, in, expect);
  if (world_.contract.batches.size() > before) world_.batches.push_back(PostedBatch{in.transactions, in.withdrawals, pre, post});
  return *this;
}

Scenario& Scenario::commit(u64 height, const zk::ZkBatch& batch, Error expect) {
  return commit(height, batch.commit, batch.post_state, expect);
}

Scenario& Scenario::commit_refused(u64 height, const zk::CommitBatchInput& in, Error expect) {
  if (expect == Error::none) generator_bug("commit_refused is for refused batches; use commit");
  return step<zk::CommitBatch>(height, in, expect);
}

Scenario& Scenario::prove(u64 height, const Hash32& caller, u64 count, const Bytes& proof, Error expect) {
  return step<zk::ProveBatches>(height, {caller, count, proof}, expect);
}

Scenario& Scenario::prove_next(u64 height, const Hash32& caller, u64 count) {
  return prove(height, caller, count, Worlds::proof(world_, world_.contract.verified, count));
}

Scenario& Scenario::execute(u64 height, const Hash32& caller, Error expect) {
  return step<zk::ExecuteBatch>(height, {caller}, expect);
}

Scenario& Scenario::revert(u64 height, const Hash32& caller, u64 new_committed, Error expect) {
  return step<zk::RevertBatches>(height, {caller, new_committed}, expect);
}

Scenario& Scenario::activate(u64 height, const Hash32& caller, Error expect) {
  return step<zk::ActivateExodus>(height, {caller}, expect);
}

Scenario& Scenario::exit(u64 height, const orl::ExitInput& in, Error expect) { return step<zk::ExodusWithdraw>(height, in, expect); }

Scenario& Scenario::exit_many(u64 height, const zk::ExodusWithdrawManyInput& in, Error expect) {
  return step<zk::ExodusWithdrawMany>(height, in, expect);
}

Scenario& Scenario::refund(u64 height, const Hash32& caller, u64 queue_index, Error expect) {
  return step<zk::RefundDeposit>(height, {caller, queue_index}, expect);
}

Scenario& Scenario::pay(u64 height, const zk::PayZkWithdrawalInput& in, Error expect) {
  return step<zk::PayWithdrawal>(height, in, expect);
}

Scenario& Scenario::verify_proof(const zk::VerifyProofInput& in, Error expect) {
  const auto result = reference_verify_proof(in);
  check("verify_proof", result.ok() ? Error::none : result.error(), expect);
  return raw("verify_proof", 0, codec::to_json(in));
}

// ---- Rule lists ----

const std::vector<std::string>& live_rules() {
  static const std::vector<std::string> rules = rule_range("ZK-LIVE", 1, 2);
  return rules;
}

const std::vector<std::string>& new_account_deposit_rules() {
  static const std::vector<std::string> rules =
      concat({live_rules(), rule_range("ZK-BRIDGE", 1, 2), {"ZK-BRIDGE-4", "ZK-BRIDGE-5"}});
  return rules;
}

const std::vector<std::string>& commit_rules() {
  static const std::vector<std::string> rules = concat({live_rules(), rule_range("ZK-COMMIT", 1, 11)});
  return rules;
}

const std::vector<std::string>& verify_rules() {
  static const std::vector<std::string> rules = rule_range("ZK-RX", 1, 13);
  return rules;
}

Result<zk::VerifyProofResult, ZkRollupError> reference_verify_proof(const zk::VerifyProofInput& in) {
  return zk::apply_verify_proof(in);
}

}  // namespace l2::vectors::zk_rollup_vectors
