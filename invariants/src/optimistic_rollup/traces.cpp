// Trace validation of the optimistic rollup's Z3 model for `l2spec audit` and the property test:
// pseudo-random traces of reference contract calls, each step run through the engine, which must give
// exactly the reference's outcome; every L2 transaction a batch is built from, and every fraud proof a
// challenger reveals, also goes through the engine's stateless ops. spec: optimistic_rollup.md#the-z3-model
#include <algorithm>
#include <map>
#include <numeric>

#include "l2/inv/optimistic_rollup_model.hpp"
#include "l2/inv/symbolic_signature.hpp"
#include "l2/inv/trace_recorder.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sparse_merkle.hpp"

namespace l2::inv::optimistic_rollup {
namespace {

namespace rfc6962 = l2::ref::rfc6962;
constexpr SymbolicSignature toy{};

using Random = TraceRandom;

// The parties: keys on the curve (OR-BRIDGE-5 reads them), signatures symbolic.
struct Parties {
  Hash32 operator_key;
  std::vector<Hash32> users;  // account owners, depositors, requesters, challengers
  Hash32 off_curve = filled(0xff);
  Parties() {
    const Hash32 seed = ref::sha256(std::span<const u8>(reinterpret_cast<const u8*>("l2spec/model/traces"), 19));
    operator_key = ref::bip340::pubkey_from_secret(ref::bip340::secret_from_seed(seed, 0)).value();
    for (u32 i = 1; i <= 4; ++i) users.push_back(ref::bip340::pubkey_from_secret(ref::bip340::secret_from_seed(seed, i)).value());
  }
};

const Parties& parties() {
  static const Parties p;
  return p;
}

u64 amount(Random& r, u64 typical) {
  switch (r.below(10)) {
    case 0: return u64_max - r.below(3);
    case 1: return u64_max / 2 + r.below(3);
    case 2: return 0;
    default: return r.below(typical + 1);
  }
}

// A height for a step whose rule compares with `deadline`: often deadline - 1, deadline or deadline + 1.
u64 around(Random& r, u64 now, u64 deadline) {
  if (r.one_in(2)) return now;
  const u64 target = deadline == 0 ? 0 : deadline - 1 + r.below(3);
  return std::max(now, target < deadline - 1 ? deadline : target);
}

// One trace: the contract, and what the parties know besides it.
struct Harness {
  ref::optimistic_rollup::OptimisticRollup contract;
  std::map<Hash32, ref::optimistic_rollup::State> states;           // L2 states by root
  std::vector<ref::optimistic_rollup::Batch> posted;                // the data of each recorded batch
  std::map<Hash32, ref::optimistic_rollup::FraudProof> committed;   // challenge_id -> the proof its challenger committed
  std::vector<Hash32> owners;                    // the owner of each account index L1 assigned (0: the operator)
};

struct Checked {
  std::size_t stateless = 0;  // apply_tx and verify_fraud_proof steps checked
  std::vector<std::string> problems;
};

// The engine's apply_tx on a transaction's witness against the reference's.
void check_apply_tx(Engine& engine, Checked& out, const ref::optimistic_rollup::L2Params& params, const ref::optimistic_rollup::L1Ids& ids,
                    const ref::optimistic_rollup::State& state, const ref::optimistic_rollup::Transaction& tx, Random& r) {
  ref::optimistic_rollup::TxWitness witness = ref::optimistic_rollup::witness_for(params, ids.view(), state, tx, toy);
  Bytes encoded = reflect::encode(tx);
  Hash32 pre_root = state.root();
  switch (r.below(12)) {  // sometimes a wrong witness or junk bytes
    case 0: if (!witness.accounts.empty()) witness.accounts.pop_back(); break;
    case 1: if (!witness.accounts.empty()) witness.accounts[0].index ^= 1; break;
    case 2: if (!witness.accounts.empty()) witness.accounts.back().siblings[3] = filled(0x3c); break;
    case 3: pre_root = filled(0x3d); break;
    case 4: if (!encoded.empty()) encoded.resize(encoded.size() - 1); break;
    case 5: if (!witness.accounts.empty() && witness.accounts[0].account) witness.accounts[0].account->balance += 1; break;
    default: break;
  }
  const auto expected = ref::optimistic_rollup::apply_encoded_tx(params, ids.view(), pre_root, witness, encoded, toy);
  const Engine::TransactionOutcome got =
      engine.apply_tx(params, ids.deposit_ids, ids.forced_exit_ids, pre_root, witness, encoded);
  ++out.stateless;
  const OptimisticRollupError want = expected ? OptimisticRollupError::none : expected.error();
  if (!got.problem.empty() || got.error != want || (expected && got.post_root != expected.value()))
    out.problems.push_back("apply_tx: reference " + std::string(error_info(want).code) + ", engine " +
                           std::string(error_info(got.error).code) + (got.problem.empty() ? "" : " (" + got.problem + ")"));
}

// The true state at a root the harness knows, or nothing.
const ref::optimistic_rollup::State* known(const Harness& h, const Hash32& root) {
  const auto it = h.states.find(root);
  return it == h.states.end() ? nullptr : &it->second;
}

// A batch on top of the contract's last state, built on `origin`: honest (every request overdue there
// processed, in order, with some visible ones more, and transfers and withdrawals), or fraudulent (a
// minted balance, an unsigned transfer, an overdue request left out), or with its data tampered.
ref::optimistic_rollup::Batch make_batch(Harness& h, Random& r, Engine& engine, Checked& checked, u64 origin) {
  const ref::optimistic_rollup::OptimisticRollup& c = h.contract;
  const ref::optimistic_rollup::L2Params params = ref::optimistic_rollup::params_of(c);
  const ref::optimistic_rollup::L1Ids ids = ref::optimistic_rollup::l1_ids_for_origin(c, origin);
  const ref::optimistic_rollup::State* base = known(h, c.last_state_root);
  ref::optimistic_rollup::State state = base ? *base : ref::optimistic_rollup::State::genesis(c.operator_key);
  std::vector<ref::optimistic_rollup::Transaction> txs;
  std::vector<Hash32> roots{state.root()};
  const bool skip_overdue = r.one_in(6);
  auto add = [&](const ref::optimistic_rollup::Transaction& tx) {
    if (txs.size() >= c.config.max_batch_size + (r.one_in(12) ? 1 : 0)) return false;
    check_apply_tx(engine, checked, params, ids, state, tx, r);
    auto next = ref::optimistic_rollup::apply_tx(params, ids.view(), state, tx, toy);
    if (!next) return false;
    state = std::move(next).value();
    txs.push_back(tx);
    roots.push_back(state.root());
    return true;
  };
  // The requests in the view, in order: the overdue ones always (unless this batch censors), others
  // sometimes.
  auto overdue = [&](u64 recorded_at) { return recorded_at + c.config.queue_inclusion_blocks <= origin; };
  for (u64 k = state.deposits_credited(); k < ids.deposit_ids.size(); ++k) {
    const ref::optimistic_rollup::DepositRecord& d = c.deposits[k];
    if (!(overdue(d.recorded_at) ? !skip_overdue : r.one_in(2))) break;
    // Rebuild the deposit's body from the record: the id binds it, so try both shapes.
    std::optional<ref::optimistic_rollup::Transaction> tx;
    for (ref::optimistic_rollup::AccountIndex to = 0; to < h.owners.size() && !tx; ++to) {
      for (const std::optional<Hash32>& owner : {std::optional<Hash32>(h.owners[to]), std::optional<Hash32>()}) {
        const ref::optimistic_rollup::Deposit body{k, to, owner, d.amount};
        if (ref::optimistic_rollup::deposit_id(params, body) == d.deposit_id) tx = ref::optimistic_rollup::make_transaction(body);
      }
    }
    if (!tx || !add(*tx)) break;
  }
  for (u64 k = state.forced_exits_processed(); k < ids.forced_exit_ids.size(); ++k) {
    if (!(overdue(c.forced_exits[k].recorded_at) ? !skip_overdue : r.one_in(2))) break;
    std::optional<ref::optimistic_rollup::Transaction> tx;
    for (ref::optimistic_rollup::AccountIndex from = 0; from < h.owners.size() && !tx; ++from)
      for (const Hash32& requester : parties().users)
        for (const Hash32& recipient : parties().users) {
          ref::optimistic_rollup::ForcedExit body{k, from, requester, recipient, 0};
          if (ref::optimistic_rollup::forced_exit_id(params, body) != c.forced_exits[k].request_id) continue;
          const auto account = state.account(from);
          body.amount = account && account->owner == requester ? account->balance : 0;
          tx = ref::optimistic_rollup::make_transaction(body);
        }
    if (!tx || !add(*tx)) break;
  }
  for (int attempt = 0; attempt < 6; ++attempt) {
    const auto accounts = state.accounts();
    const auto& [from, account] = accounts[static_cast<std::size_t>(r.below(accounts.size()))];
    const ref::optimistic_rollup::AccountIndex to = accounts[static_cast<std::size_t>(r.below(accounts.size()))].first;
    if (r.one_in(2)) {
      ref::optimistic_rollup::Transfer t{from, to, r.below(account.balance + 2), r.below(3), account.nonce, {}};
      t.signature = SymbolicSignature::sign(account.owner, ref::optimistic_rollup::transfer_digest(params, t));
      add(ref::optimistic_rollup::make_transaction(t));
    } else {
      const bool all = r.one_in(2);
      ref::optimistic_rollup::Withdrawal w{from, r.among(parties().users), all ? account.balance : r.below(account.balance + 2),
                        all ? 0 : r.below(3), account.nonce, {}};
      w.signature = SymbolicSignature::sign(account.owner, ref::optimistic_rollup::withdrawal_digest(params, w));
      add(ref::optimistic_rollup::make_transaction(w));
    }
    if (r.one_in(3)) break;
  }
  // Fraud after the fact: a minted balance in the post-state, or a forged transfer kept as a no-op.
  if (!txs.empty() && r.one_in(5)) {
    const ref::optimistic_rollup::Account fee = state.account(ref::optimistic_rollup::fee_account).value();
    state.put(ref::optimistic_rollup::fee_account, ref::optimistic_rollup::Account{fee.balance + 1000, fee.nonce, fee.owner});
    roots.back() = state.root();
  } else if (txs.size() < c.config.max_batch_size && r.one_in(6)) {
    const ref::optimistic_rollup::Account fee = state.account(ref::optimistic_rollup::fee_account).value();
    txs.push_back(ref::optimistic_rollup::make_transaction(ref::optimistic_rollup::Transfer{0, 0, 1, 0, fee.nonce, ref::optimistic_rollup::Signature{}}));
    roots.push_back(roots.back());
  }
  if (txs.empty()) {  // an empty batch (OR-BATCH-5)
    roots.resize(1);
  }
  h.states.emplace(state.root(), state);
  ref::optimistic_rollup::Batch batch{ref::optimistic_rollup::batch_header_for(c, txs, roots, origin), {}, txs, roots};
  switch (r.below(20)) {
    case 0: batch.header.batch_number += 1; break;
    case 1: batch.header.prev_state_root = filled(0x55); break;
    case 2: batch.header.chain_id += 1; break;
    case 3: batch.header.transaction_count += 1; break;
    case 4: batch.header.transactions_root = filled(0x56); break;
    case 5: if (!batch.state_roots.empty()) batch.state_roots.pop_back(); break;
    case 6: batch.header.state_roots_root = filled(0x57); break;
    case 7: batch.header.post_state_root = filled(0x58); break;
    case 8: batch.header.epoch += 1; break;
    case 9: if (batch.header.epoch > 0) batch.header.epoch -= 1; break;
    default: break;
  }
  batch.signature = SymbolicSignature::sign(r.one_in(12) ? parties().users[0] : c.operator_key, ref::optimistic_rollup::batch_id(batch.header));
  return batch;
}

ref::optimistic_rollup::FraudProof junk_proof(Random& r, const Hash32& batch_id) {
  const auto type = static_cast<ref::optimistic_rollup::FraudProofType>(r.below(4));
  const auto queue = static_cast<ref::optimistic_rollup::QueueKind>(r.below(2));
  switch (r.below(3)) {
    case 0: return ref::optimistic_rollup::FraudProof{batch_id, type, std::nullopt, ref::optimistic_rollup::TimeoutFault{queue, r.below(3), ref::optimistic_rollup::StateHeader{}}};
    case 1: return ref::optimistic_rollup::FraudProof{batch_id, type, ref::optimistic_rollup::TransactionFault{}, std::nullopt};
    default: return ref::optimistic_rollup::FraudProof{batch_id, type, std::nullopt, std::nullopt};
  }
}

// The honest challenger's proof against pending batch k, if the harness knows the state it starts
// from; sometimes with a field spoiled.
std::optional<ref::optimistic_rollup::FraudProof> honest_proof(Harness& h, Random& r, std::size_t k) {
  const ref::optimistic_rollup::State* pre = known(h, h.contract.batches[k].header.prev_state_root);
  if (!pre || k >= h.posted.size()) return std::nullopt;
  std::optional<ref::optimistic_rollup::FraudProof> proof = ref::optimistic_rollup::find_fraud(h.contract, h.contract.batches[k], h.posted[k], *pre, toy);
  if (!proof) return proof;
  switch (r.below(10)) {
    case 0:
      if (proof->transaction_fault && !proof->transaction_fault->witness.accounts.empty())
        proof->transaction_fault->witness.accounts[0].siblings[0] = filled(0x21);
      break;
    case 1:
      if (proof->transaction_fault) proof->transaction_fault->post_state_root = filled(0x22);
      break;
    case 2:
      if (proof->timeout_fault) proof->timeout_fault->post_state.deposits_credited += 1;
      break;
    case 3: proof->proof_type = static_cast<ref::optimistic_rollup::FraudProofType>((static_cast<unsigned>(proof->proof_type) + 1) % 4); break;
    default: break;
  }
  return proof;
}

// A random call of op `op` at (about) `height`; nullopt when the op has nothing to address.
std::optional<Step> generate(Harness& h, Random& r, Engine& engine, Checked& checked, Op op, u64& height) {
  const ref::optimistic_rollup::OptimisticRollup& c = h.contract;
  const Parties& p = parties();
  const Hash32 anyone = r.one_in(5) ? c.operator_key : r.among(p.users);
  Step step{op, {}, height};
  if (op == op_code<ref::optimistic_rollup::Stake>) {
    const u64 value = !r.one_in(4) ? c.config.stake.minimum_stake - (r.one_in(6) ? 1 : 0) + r.below(2) : amount(r, 500);
    step.input = ref::optimistic_rollup::StakeInput{r.one_in(6) ? anyone : c.operator_key, value};
  } else if (op == op_code<ref::optimistic_rollup::Unstake>) {
    step.height = height = around(r, height, c.stake_unlock_height);
    step.input = ref::optimistic_rollup::CallerInput{r.one_in(6) ? anyone : c.operator_key};
  } else if (op == op_code<ref::optimistic_rollup::DepositNewAccount>) {
    const u64 value = r.one_in(3) ? c.config.min_deposit - 1 + r.below(3) : amount(r, 300);
    step.input = ref::optimistic_rollup::DepositNewAccountInput{r.among(p.users), r.one_in(10) ? p.off_curve : r.among(p.users), value};
  } else if (op == op_code<ref::optimistic_rollup::DepositTopUp>) {
    const u64 value = r.one_in(3) ? c.config.min_deposit - 1 + r.below(3) : amount(r, 300);
    step.input = ref::optimistic_rollup::DepositTopUpInput{r.among(p.users), static_cast<ref::optimistic_rollup::AccountIndex>(r.below(c.next_account_index + 2)), value};
  } else if (op == op_code<ref::optimistic_rollup::RequestForcedExit>) {
    const auto from = static_cast<ref::optimistic_rollup::AccountIndex>(r.below(c.next_account_index + 1));
    const Hash32 caller = from < h.owners.size() && !r.one_in(4) ? h.owners[from] : r.among(p.users);
    const u64 value = r.one_in(5) ? c.config.forced_exit_fee - 1 + r.below(3) : c.config.forced_exit_fee;
    step.input = ref::optimistic_rollup::RequestForcedExitInput{caller, from, r.among(p.users), value};
  } else if (op == op_code<ref::optimistic_rollup::SubmitBatch>) {
    if (c.batches.size() >= 4) return std::nullopt;
    const u64 window = c.config.sequencing_window_blocks;
    u64 origin = height >= 1 ? height - 1 : 0;
    switch (r.below(8)) {
      case 0: origin = height; break;                                    // in the future [OR-BATCH-14]
      case 1: origin = height >= window ? height - window : 0; break;     // the window's last block
      case 2: origin = height >= window + 1 ? height - window - 1 : 0; break;  // stale [OR-BATCH-15]
      case 3: origin = height >= 2 ? height - 2 : 0; break;
      default: break;
    }
    step.input = ref::optimistic_rollup::SubmitBatchInput{r.one_in(8) ? anyone : c.operator_key, make_batch(h, r, engine, checked, origin)};
  } else if (op == op_code<ref::optimistic_rollup::OpenChallenge>) {
    if (c.challenges.size() >= 4) return std::nullopt;
    std::vector<std::size_t> pending;
    for (std::size_t k = 0; k < c.batches.size(); ++k)
      if (!c.batches[k].final) pending.push_back(k);
    const bool real = !pending.empty() && !r.one_in(8);
    const std::size_t k = real ? r.among(pending) : 0;
    const Hash32 batch_id = real ? c.batches[k].batch_id : filled(0x99);
    if (real && r.one_in(4)) step.height = height = around(r, height, c.batches[k].challenge_deadline);
    std::optional<ref::optimistic_rollup::FraudProof> proof = real && !r.one_in(4) ? honest_proof(h, r, k) : std::nullopt;
    if (!proof && !r.one_in(3)) proof = junk_proof(r, batch_id);
    Hash32 caller = r.among(p.users);
    Hash32 evidence = proof ? ref::optimistic_rollup::evidence_commitment(caller, *proof) : filled(static_cast<u8>(0x40 + r.below(3)));
    if (!c.challenges.empty() && r.one_in(3)) {  // a copy of an open challenge's evidence, or its duplicate
      const ref::optimistic_rollup::Challenge& copied = c.challenges[static_cast<std::size_t>(r.below(c.challenges.size()))];
      evidence = copied.evidence;
      if (r.one_in(2)) caller = copied.challenger;
      proof.reset();
    }
    auto type = proof ? proof->proof_type : static_cast<ref::optimistic_rollup::FraudProofType>(r.below(5));
    if (r.one_in(10)) type = static_cast<ref::optimistic_rollup::FraudProofType>(r.below(5));
    const u64 bond = r.one_in(6) ? amount(r, 50) : c.config.min_challenge_bond - 1 + r.below(3);
    step.input = ref::optimistic_rollup::OpenChallengeInput{caller, batch_id, type, evidence, bond};
    if (proof) h.committed[ref::optimistic_rollup::challenge_id(caller, evidence)] = *proof;
  } else if (op == op_code<ref::optimistic_rollup::ResolveChallenge> || op == op_code<ref::optimistic_rollup::ExpireChallenge> ||
             op == op_code<ref::optimistic_rollup::WithdrawChallenge>) {
    Hash32 id = filled(0x98);
    if (!c.challenges.empty() && !r.one_in(8)) {
      const bool newest = step.height == c.challenges.back().opened_at;
      const ref::optimistic_rollup::Challenge& x = newest ? c.challenges.back() : c.challenges[static_cast<std::size_t>(r.below(c.challenges.size()))];
      id = x.challenge_id;
      switch (newest ? 0 : r.below(4)) {
        case 0: step.height = height = std::max(height, x.opened_at); break;      // the commitment's block [OR-RES-3]
        case 1: step.height = height = around(r, height, x.deadline); break;      // the deadline [OR-RES-2, OR-EXP-1]
        default: step.height = height = std::max(height, x.opened_at + 1); break;
      }
    }
    const auto index = ref::optimistic_rollup::find_challenge(c, id);
    if (op == op_code<ref::optimistic_rollup::ResolveChallenge>) {
      ref::optimistic_rollup::FraudProof proof = junk_proof(r, index ? c.challenges[*index].challenged_object : filled(0x99));
      if (const auto committed = h.committed.find(id); committed != h.committed.end() && !r.one_in(5)) {
        proof = committed->second;
      } else if (!h.committed.empty() && r.one_in(2)) {  // another challenge's proof
        auto it = h.committed.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(r.below(h.committed.size())));
        proof = it->second;
      }
      // The read-only verifier on the same proof, through the engine.
      const Engine::VerdictOutcome got = engine.verify_fraud_proof(c, id, proof);
      OptimisticRollupError want = OptimisticRollupError::unknown_challenge;
      if (index) {
        const auto batch = ref::optimistic_rollup::find_pending_batch(c, c.challenges[*index].challenged_object);
        want = batch ? ref::optimistic_rollup::verify_fraud_proof(c, c.batches[*batch], c.challenges[*index], proof, toy)
                     : OptimisticRollupError::challenge_unknown_batch;
      }
      ++checked.stateless;
      if (!got.problem.empty() || got.error != want)
        checked.problems.push_back("verify_fraud_proof: reference " + std::string(error_info(want).code) + ", engine " +
                                   std::string(error_info(got.error).code) + (got.problem.empty() ? "" : " (" + got.problem + ")"));
      step.input = ref::optimistic_rollup::ResolveChallengeInput{anyone, id, proof};
    } else {
      const Hash32 caller = index && !r.one_in(4) ? c.challenges[*index].challenger : anyone;
      step.input = ref::optimistic_rollup::ChallengeRef{caller, id};
    }
  } else if (op == op_code<ref::optimistic_rollup::Finalize>) {
    if (const auto oldest = ref::optimistic_rollup::oldest_pending(c)) step.height = height = around(r, height, c.batches[*oldest].challenge_deadline);
    step.input = ref::optimistic_rollup::CallerInput{anyone};
  } else if (op == op_code<ref::optimistic_rollup::PayWithdrawal>) {
    ref::optimistic_rollup::PayWithdrawalInput in{anyone, r.below(c.batches.size() + 1), 0, {}, {}};
    if (in.batch_number < h.posted.size()) {
      const ref::optimistic_rollup::Batch& batch = h.posted[in.batch_number];
      std::vector<std::size_t> outflows;
      for (std::size_t i = 0; i < batch.transactions.size(); ++i)
        if (ref::optimistic_rollup::outflow_of(batch.transactions[i])) outflows.push_back(i);
      const std::size_t i = !outflows.empty() && !r.one_in(4) ? r.among(outflows)
                                                               : static_cast<std::size_t>(r.below(batch.transactions.size()));
      if (i < batch.transactions.size()) {
        in.transaction_index = i;
        in.transaction = reflect::encode(batch.transactions[i]);
        in.proof = rfc6962::inclusion_proof(ref::optimistic_rollup::transaction_leaf_hashes(batch.transactions), i);
      }
      if (r.one_in(8)) in.transaction_index += 1;
      if (r.one_in(8) && !in.proof.empty()) in.proof[0] = filled(0x31);
    }
    step.input = in;
  } else if (op == op_code<ref::optimistic_rollup::Freeze>) {
    const auto queue = static_cast<ref::optimistic_rollup::QueueKind>(r.below(2));
    const auto& size = queue == ref::optimistic_rollup::QueueKind::deposits ? c.deposits.size() : c.forced_exits.size();
    const u64 index = r.below(size + 1);
    const std::optional<u64> recorded = ref::optimistic_rollup::recorded_at(c, queue, index);
    if (recorded) step.height = height = around(r, height, saturating_add(*recorded, c.config.escape_delay_blocks));
    const ref::optimistic_rollup::State* last = known(h, c.last_state_root);
    ref::optimistic_rollup::StateHeader header = last ? last->header() : ref::optimistic_rollup::StateHeader{};
    if (r.one_in(8)) header.forced_exits_processed += 1;
    step.input = ref::optimistic_rollup::FreezeInput{anyone, queue, index, header};
  } else if (op == op_code<ref::optimistic_rollup::Exit>) {
    const ref::optimistic_rollup::State* last = known(h, c.last_state_root);
    if (!last) return std::nullopt;
    const auto accounts = last->accounts();
    const auto& [index, account] = accounts[static_cast<std::size_t>(r.below(accounts.size()))];
    ref::optimistic_rollup::ExitInput in{anyone, last->header(), index, account, last->prove(index).siblings};
    switch (r.below(8)) {
      case 0: in.account.balance += 1; break;
      case 1: in.post_state.deposits_credited += 1; break;
      case 2: in.siblings[5] = filled(0x5a); break;
      default: break;
    }
    step.input = in;
  } else if (op == op_code<ref::optimistic_rollup::ReclaimDeposit>) {
    const ref::optimistic_rollup::State* last = known(h, c.last_state_root);
    ref::optimistic_rollup::StateHeader header = last ? last->header() : ref::optimistic_rollup::StateHeader{};
    if (r.one_in(8)) header.deposits_credited += 1;
    const u64 index = header.deposits_credited + r.below(c.deposits.size() + 2) - std::min<u64>(header.deposits_credited, 1);
    step.input = ref::optimistic_rollup::ReclaimDepositInput{anyone, header, index};
  }
  return step;
}

bool same_effects(const ref::optimistic_rollup::Effects& a, const ref::optimistic_rollup::Effects& b) {
  return reflect::equal(a.contract, b.contract) && a.payouts.size() == b.payouts.size() &&
         std::equal(a.payouts.begin(), a.payouts.end(), b.payouts.begin(),
                    [](const ref::optimistic_rollup::Payout& x, const ref::optimistic_rollup::Payout& y) { return reflect::equal(x, y); }) &&
         a.resolutions == b.resolutions;
}

std::string describe(const ref::optimistic_rollup::Transition& t) {
  if (!t) return std::string(error_info(t.error()).code);
  std::string out = "ok (" + std::to_string(t.value().payouts.size()) + " payouts";
  for (const ref::optimistic_rollup::Payout& p : t.value().payouts) out += " " + std::to_string(p.amount);
  return out + ", " + std::to_string(t.value().resolutions.size()) + " resolutions)";
}

// The engine's outcome of a step, in describe()'s words where it matches the reference's.
std::string describe_engine(const Engine::Outcome& model, const ref::optimistic_rollup::Transition& reference) {
  if (!model.problem.empty()) return "no outcome (" + model.problem + ")";
  if (model.ambiguous) return "ambiguous";
  if (model.error != OptimisticRollupError::none) return std::string(error_info(model.error).code);
  if (reference && same_effects(reference.value(), model.effects)) return describe(reference);
  return "ok (" + std::to_string(model.effects.payouts.size()) + " payouts, " +
         std::to_string(model.effects.resolutions.size()) + " resolutions, another post-state)";
}

ref::optimistic_rollup::RollupConfig random_config(Random& r) {
  const u64 bound = 1 + r.below(3);
  const u64 inclusion = r.below(4), window = bound + r.below(4);
  ref::optimistic_rollup::RollupConfig config{2 + r.below(3),
                           bound + 8 + r.below(20),
                           bound + 2 + r.below(8),
                           inclusion,
                           window,
                           inclusion + window + 1 + r.below(5),
                           bound,
                           1 + r.below(20),
                           1 + r.below(100),
                           1 + r.below(10),
                           ref::optimistic_rollup::StakeRequirements{100, r.below(8), static_cast<u8>(2 + r.below(99))}};
  switch (r.below(60)) {  // sometimes a configuration deploy refuses, each rule in turn
    case 0: config.censorship_bound_blocks = 0; break;
    case 1: config.max_batch_size = 0; break;
    case 2: config.challenge_period_blocks = config.censorship_bound_blocks; break;
    case 3: config.resolution_period_blocks = config.censorship_bound_blocks; break;
    case 4: config.sequencing_window_blocks = config.censorship_bound_blocks - 1; break;
    case 5: config.escape_delay_blocks = config.queue_inclusion_blocks + config.sequencing_window_blocks; break;
    case 6: config.stake.penalty_percentage = static_cast<u8>(r.one_in(2) ? 0 : 101 + r.below(155)); break;
    case 7: config.stake.penalty_percentage = 1; break;  // a slash of 1: OR-DEPLOY-8
    case 8: config.min_challenge_bond = 0; break;
    case 9: config.min_deposit = 0; break;
    case 10: config.forced_exit_fee = 0; break;
    case 11: config.queue_inclusion_blocks = u64_max; break;
    default: break;
  }
  return config;
}

}  // namespace

TraceValidation validate_random_traces(std::uint64_t seed, std::size_t traces, std::size_t max_steps,
                                       const std::function<void(std::size_t done)>& progress, Weakening weakening) {
  TraceValidation report;
  Engine engine(weakening, SymbolicSignature{});
  Random r(seed);
  Checked checked;
  TraceRecorder recorder(report, progress);
  for (std::size_t t = 0; t < traces; ++t) {
    ++report.traces;
    const ref::optimistic_rollup::RollupConfig config = random_config(r);
    const ref::optimistic_rollup::DeployInput deploy{1, filled(0xcc), parties().operator_key, t, config};
    const auto deployed = ref::optimistic_rollup::deploy(deploy);
    ++report.steps;
    const OptimisticRollupError want = deployed ? OptimisticRollupError::none : deployed.error();
    ++report.outcomes["deploy: " + std::string(deployed ? "ok" : error_info(want).code)];
    recorder.begin_trace();
    recorder.deploy(t, deploy, want, deploy_error(config));
    if (!deployed) {
      recorder.end_trace();
      continue;
    }
    ++report.accepted;
    Harness h;
    h.contract = deployed.value();
    h.owners.push_back(parties().operator_key);
    const ref::optimistic_rollup::State genesis = ref::optimistic_rollup::State::genesis(parties().operator_key);
    h.states.emplace(genesis.root(), genesis);
    u64 height = 1;
    bool reveal_now = false;  // the last step opened a challenge: reveal in the same block [OR-RES-3]
    const std::size_t length = 1 + max_steps / 2 + static_cast<std::size_t>(r.below(max_steps - max_steps / 2));
    for (std::size_t s = 1; s <= length; ++s) {
      if (!reveal_now) height += std::array<u64, 8>{0, 0, 1, 1, 1, 2, 3, 7}[r.below(8)];
      const ref::optimistic_rollup::OptimisticRollup& c = h.contract;
      // Weights per op, in the table's order: the operator stakes first and tops its stake up after a
      // slash; batches and challenges dominate.
      const bool pending = ref::optimistic_rollup::oldest_pending(c).has_value(), open = !c.challenges.empty();
      const bool understaked = !c.staked || c.stake < c.config.stake.minimum_stake;
      const std::array<u64, op_count> weights{understaked ? 12u : 1u, pending ? 0u : 1u, 4, 2, 3, pending ? 4u : 8u,
                                              pending ? 8u : 1u, open ? 10u : 1u, open ? 2u : 1u, open ? 2u : 1u,
                                              pending ? 4u : 1u, c.batches.empty() ? 1u : 3u, 2, c.frozen ? 4u : 1u,
                                              c.frozen ? 3u : 1u};
      u64 pick = r.below(std::accumulate(weights.begin(), weights.end(), u64{0}));
      std::size_t index = 0;
      while (pick >= weights[index]) pick -= weights[index++];
      const Op op = reveal_now ? op_code<ref::optimistic_rollup::ResolveChallenge> : static_cast<Op>(index);
      reveal_now = false;
      const std::size_t before = checked.problems.size();
      const std::optional<Step> step = generate(h, r, engine, checked, op, height);
      for (std::size_t k = before; k < checked.problems.size(); ++k) {
        recorder.fail(t, s, "stateless", checked.problems[k]);
        recorder.line("step " + std::to_string(s) + ", building its input: " + checked.problems[k] + "  <- disagreement");
      }
      if (!step) continue;
      ++report.steps;
      const std::string name(ref::optimistic_rollup::Operations::name(op));
      const ref::optimistic_rollup::Transition reference = apply_reference(c, *step, toy);
      std::string outcome = reference ? "ok" : std::string(error_info(reference.error()).code);
      if (reference && !reference.value().resolutions.empty())
        outcome += " (" + std::string(reflect::enum_name(reference.value().resolutions.front().kind)) + ")";
      ++report.outcomes[name + ": " + outcome];
      const Engine::Outcome model = engine.apply(c, *step);
      const bool agrees = recorder.compare(t, s, name, reference, model, same_effects, describe);
      recorder.step_line(
          s, *step, name, [&] { return describe(reference); }, [&] { return describe_engine(model, reference); }, agrees);
      if (!reference) continue;
      ++report.accepted;
      // What the parties know follows the accepted step.
      const ref::optimistic_rollup::OptimisticRollup& post = reference.value().contract;
      reveal_now = op == op_code<ref::optimistic_rollup::OpenChallenge> && r.one_in(3);
      if (op == op_code<ref::optimistic_rollup::SubmitBatch>) h.posted.push_back(std::get<ref::optimistic_rollup::SubmitBatchInput>(step->input).batch);
      if (op == op_code<ref::optimistic_rollup::DepositNewAccount>) h.owners.push_back(std::get<ref::optimistic_rollup::DepositNewAccountInput>(step->input).owner);
      h.posted.resize(post.batches.size());
      h.contract = post;
    }
    recorder.end_trace();
  }
  report.stateless_steps = checked.stateless;
  return report;
}

}  // namespace l2::inv::optimistic_rollup
