// Trace validation of the ZK rollup's Z3 model for `l2spec audit` and the model test: pseudo-random
// traces of reference contract calls over all 12 ops, each step run through the engine, which must
// give exactly the reference's outcome, or say that the step is outside the model's bounds.
// spec: zk_rollup.md#engines-and-missing-faces
#include <algorithm>
#include <array>
#include <numeric>
#include <optional>

#include "l2/inv/symbolic_signature.hpp"
#include "l2/inv/trace_recorder.hpp"
#include "l2/inv/zk_rollup_model.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sparse_merkle.hpp"

namespace l2::inv::zk_rollup {
namespace {

namespace zk = ref::zk_rollup;
namespace orl = ref::optimistic_rollup;
constexpr SymbolicSignature toy{};
constexpr u64 u64_max = ~u64{0};

using Random = TraceRandom;

// The parties: keys on the curve (ZK-BRIDGE-5 reads them), signatures symbolic. users[0] is the operator.
struct Parties {
  std::vector<Hash32> keys;
  Hash32 off_curve = filled(0xff);  // x >= p: lift_x fails
  Parties() {
    const Hash32 seed = ref::sha256(std::span<const u8>(reinterpret_cast<const u8*>("l2spec/model/zk_traces"), 22));
    for (u32 i = 0; i < 4; ++i) keys.push_back(ref::bip340::pubkey_from_secret(ref::bip340::secret_from_seed(seed, i)).value());
  }
  const Hash32& operator_key() const { return keys[0]; }
};

const Parties& parties() {
  static const Parties p;
  return p;
}

// A committed batch's posted data, and the true state after it when the batch was honest.
struct Posted {
  std::vector<zk::Transaction> transactions;
  std::vector<zk::WithdrawalRecord> withdrawals;
  std::optional<zk::State> post;
};

// One trace: the contract, and what an observer of L1 knows besides it.
struct Harness {
  zk::ZkRollup contract;
  std::vector<zk::Transaction> queue;  // the L2 body of each priority operation
  std::vector<Posted> batches;         // parallel to contract.batches
  zk::State genesis;

  const zk::State* state_after(u64 count) const {
    if (count == 0) return &genesis;
    if (count > batches.size() || !batches[count - 1].post) return nullptr;
    return &*batches[count - 1].post;
  }
};

u64 value_near(Random& r, u64 minimum) {
  switch (r.below(8)) {
    case 0: return minimum - 1;
    case 1: return minimum;
    case 2: return u64_max - r.below(3);
    default: return minimum + r.below(2000);
  }
}

const Hash32& anyone(Random& r) { return parties().keys[static_cast<std::size_t>(r.below(parties().keys.size()))]; }

// The next `k` queued operations as the honest operator processes them from `state` (a forced
// withdrawal takes the whole balance if its requester owns the account, else nothing).
std::optional<std::vector<zk::Transaction>> priority_txs(const Harness& h, zk::State state, u64 k) {
  std::vector<zk::Transaction> out;
  const zk::QueueIds ids = zk::queue_ids(h.contract);
  for (u64 q = h.contract.priority_committed; q < h.contract.priority_committed + k; ++q) {
    zk::Transaction tx = h.queue[q];
    if (tx.kind == zk::TxKind::forced_exit) {
      const std::optional<zk::Account> account = state.account(tx.forced_exit->from);
      tx.forced_exit->amount = account && account->owner == tx.forced_exit->requester ? account->balance : 0;
    }
    auto next = orl::apply_tx(zk::params_of(h.contract), ids.view(), state, tx, toy);
    if (!next) return std::nullopt;  // e.g. a top-up of an account a dishonest batch never created
    state = std::move(next).value();
    out.push_back(std::move(tx));
  }
  return out;
}

// A user transaction from the state's accounts, symbolically signed by its owner.
std::optional<zk::Transaction> user_tx(const Harness& h, const zk::State& state, Random& r) {
  const auto accounts = state.accounts();
  if (accounts.empty()) return std::nullopt;
  const auto& [from, account] = accounts[static_cast<std::size_t>(r.below(accounts.size()))];
  const orl::L2Params params = zk::params_of(h.contract);
  const u64 amount = r.below(account.balance / 2 + 2), fee = r.below(2);
  if (r.one_in(3)) {
    orl::Withdrawal w{from, anyone(r), amount, fee, account.nonce, {}};
    w.signature = toy.sign(account.owner, orl::withdrawal_digest(params, w));
    return orl::make_transaction(w);
  }
  const auto& [to, unused] = accounts[static_cast<std::size_t>(r.below(accounts.size()))];
  static_cast<void>(unused);
  orl::Transfer t{from, r.one_in(8) ? static_cast<zk::AccountIndex>(to + 1000) : to, amount, fee, account.nonce, {}};
  t.signature = toy.sign(r.one_in(10) ? parties().keys[1] : account.owner, orl::transfer_digest(params, t));
  return orl::make_transaction(t);
}

// The operator's next batch: honest when the committed state is known (priority operations in queue
// order, then user transactions), or none when it would be empty but one time in four.
std::optional<zk::CommitBatchInput> commit_input(Random& r, Harness& h, std::optional<zk::State>& honest_post) {
  const zk::ZkRollup& c = h.contract;
  const zk::State* state = h.state_after(c.committed);
  const u64 unconsumed = c.priority_ops.size() - c.priority_committed;
  std::vector<zk::Transaction> txs;
  u64 pcount = 0;
  if (state) {
    // Mostly the next one or two operations; sometimes none, sometimes three (outside the model's bounds).
    pcount = r.one_in(6) ? 0 : std::min<u64>(std::min<u64>(unconsumed, r.one_in(10) ? 3 : 1 + r.below(2)), c.config.max_batch_size);
    auto priority = priority_txs(h, *state, pcount);
    if (!priority) pcount = 0;
    else txs = std::move(*priority);
    for (u64 k = r.below(3); k > 0; --k)
      if (auto tx = user_tx(h, *state, r)) txs.push_back(*tx);
    auto built = zk::make_zk_batch(c, *state, txs, toy);
    if (!built && txs.size() > pcount) {  // a user transaction failed: the priority operations alone
      txs.resize(pcount);
      built = zk::make_zk_batch(c, *state, txs, toy);
    }
    if (built && txs.empty() && !r.one_in(4)) return std::nullopt;
    if (built) {
      honest_post = built.value().post_state;
      zk::CommitBatchInput in = std::move(built).value().commit;
      return in;
    }
  }
  // No true state to build on: a batch the contract takes, whose post-state no proof reaches.
  txs = {orl::make_transaction(orl::Transfer{1, 2, 1, 1, 0, {}})};
  const std::vector<zk::WithdrawalRecord> withdrawals = zk::withdrawal_records(txs);
  const zk::BatchHeader header{c.chain_id,          c.rollup_id, c.committed, zk::committed_root(c), filled(0x40),
                               zk::transactions_root(txs), txs.size(), zk::withdrawals_root(withdrawals),
                               withdrawals.size(),  0};
  return zk::CommitBatchInput{c.operator_key, header, withdrawals, txs};
}

// Breaks one rule of an honest commit, or claims a false post-root (the contract takes it; no proof does).
void tamper_commit(Random& r, zk::CommitBatchInput& in, std::optional<zk::State>& honest_post) {
  zk::BatchHeader& header = in.header;
  switch (r.below(11)) {
    case 0: in.caller = parties().keys[1]; break;
    case 1: header.chain_id += 1; break;
    case 2: header.batch_number += 1; break;
    case 3: header.prev_state_root = filled(0x41); break;
    case 4: header.priority_count += 1; honest_post.reset(); break;  // beyond the queue, or an unproved operation
    case 5: if (!in.withdrawals.empty()) in.withdrawals[0].amount += 1; break;
    case 6: header.withdrawal_count += 1; break;
    case 7: if (!in.transactions.empty()) in.transactions.pop_back(); break;
    case 8: header.transactions_root = filled(0x42); break;
    case 9: header.post_state_root = filled(static_cast<u8>(0x50 + r.below(8))); honest_post.reset(); break;
    default: header.transaction_count = 0; in.transactions.clear(); break;
  }
}

Bytes prove_input(Random& r, const Harness& h, u64& count) {
  const zk::ZkRollup& c = h.contract;
  const u64 pending = c.committed - c.verified;
  count = pending == 0 ? r.below(2) : 1 + r.below(pending);
  const u64 proved = count + (r.one_in(8) ? 1 : 0);  // sometimes a proof of one batch more than the count
  zk::VerifyingKey vk = c.verifying_key;
  if (r.one_in(10)) vk = zk::reexecution_verifying_key(c.config.max_batch_size + 1);  // another key
  const zk::State* state = h.state_after(c.verified + (r.one_in(10) ? 1 : 0));
  std::vector<zk::BatchToProve> list;
  for (u64 k = c.verified; k < c.verified + proved && k < h.batches.size(); ++k)
    list.push_back(zk::BatchToProve{k, h.batches[k].transactions});
  if (r.one_in(12)) count += 1;
  if (!state || list.empty() || r.one_in(12)) return Bytes{1, 2, 3};
  auto proof = zk::prove_reexecution(zk::params_of(c), vk, *state, list, toy);
  if (!proof) return Bytes{4, 5, 6};
  return std::move(proof).value();
}

zk::ExodusClaim claim_of(Random& r, const zk::State& state) {
  const auto accounts = state.accounts();
  const auto& [index, account] = accounts[static_cast<std::size_t>(r.below(accounts.size()))];
  zk::ExodusClaim claim{index, account, state.prove(index).siblings};
  switch (r.below(10)) {
    case 0: claim.account.balance += 1; break;
    case 1: claim.siblings[7] = filled(0x5a); break;
    case 2: claim.account_index += 1; break;
    default: break;
  }
  return claim;
}

// A step of `op` at `height` from the harness's contract, or none when no input can be built.
std::optional<Step> generate(Harness& h, Random& r, Op op, u64 height, std::optional<zk::State>& honest_post) {
  const zk::ZkRollup& c = h.contract;
  Step step{op, {}, height};
  const Hash32& caller = anyone(r);
  if (op == zk::op_code<zk::DepositNewAccount>) {
    step.input = zk::DepositNewAccountInput{caller, r.one_in(8) ? parties().off_curve : anyone(r), value_near(r, c.config.min_deposit)};
  } else if (op == zk::op_code<zk::DepositTopUp>) {
    step.input = zk::DepositTopUpInput{caller, static_cast<zk::AccountIndex>(r.below(c.next_account_index + 1)),
                                       value_near(r, c.config.min_deposit)};
  } else if (op == zk::op_code<zk::RequestForcedWithdrawal>) {
    const u64 fee = c.config.forced_withdrawal_fee + (r.one_in(6) ? 1 : 0) - (r.one_in(6) ? 1 : 0);
    step.input = orl::RequestForcedExitInput{caller, static_cast<zk::AccountIndex>(r.below(c.next_account_index + 1)),
                                             anyone(r), fee};
  } else if (op == zk::op_code<zk::CommitBatch>) {
    std::optional<zk::CommitBatchInput> in = commit_input(r, h, honest_post);
    if (!in) return std::nullopt;
    if (r.one_in(4)) tamper_commit(r, *in, honest_post);
    step.input = std::move(*in);
  } else if (op == zk::op_code<zk::ProveBatches>) {
    u64 count = 0;
    Bytes proof = prove_input(r, h, count);
    step.input = zk::ProveBatchesInput{caller, count, std::move(proof)};
  } else if (op == zk::op_code<zk::ExecuteBatch> || op == zk::op_code<zk::ActivateExodus>) {
    step.input = zk::CallerInput{caller};
  } else if (op == zk::op_code<zk::RevertBatches>) {
    const u64 target = c.verified + r.below(c.committed - c.verified + 2);
    step.input = zk::RevertBatchesInput{r.one_in(8) ? caller : c.operator_key, target == 0 || r.one_in(3) ? target : target - 1};
  } else if (op == zk::op_code<zk::ExodusWithdraw> || op == zk::op_code<zk::ExodusWithdrawMany>) {
    const zk::State* state = h.state_after(c.executed);
    if (!state) return std::nullopt;
    zk::StateHeader header = state->header();
    if (r.one_in(10)) header.deposits_credited += 1;
    if (op == zk::op_code<zk::ExodusWithdraw>) {
      const zk::ExodusClaim claim = claim_of(r, *state);
      step.input = zk::ExitInput{caller, header, claim.account_index, claim.account, claim.siblings};
    } else {
      // 1 or 2 claims, sometimes none or 3 (outside the model's bounds), sometimes one account twice.
      const u64 n = r.one_in(10) ? 0 : r.one_in(10) ? claim_slots + 1 : 1 + r.below(claim_slots);
      zk::ExodusWithdrawManyInput in{caller, header, {}};
      for (u64 i = 0; i < n; ++i) in.claims.push_back(i > 0 && r.one_in(4) ? in.claims.back() : claim_of(r, *state));
      step.input = std::move(in);
    }
  } else if (op == zk::op_code<zk::RefundDeposit>) {
    step.input = zk::RefundDepositInput{caller, r.below(c.priority_ops.size() + 1)};
  } else {
    const u64 batch = r.below(std::max<u64>(c.executed + 1, 1));
    if (batch >= h.batches.size() || h.batches[batch].withdrawals.empty()) {
      step.input = zk::PayZkWithdrawalInput{caller, batch, 0, zk::WithdrawalRecord{anyone(r), 1}, {}};
      return step;
    }
    const std::vector<zk::WithdrawalRecord>& records = h.batches[batch].withdrawals;
    const u64 index = r.below(records.size());
    std::vector<Hash32> leaves;
    for (const zk::WithdrawalRecord& w : records) leaves.push_back(zk::withdrawal_leaf_hash(w));
    zk::PayZkWithdrawalInput in{caller, batch, index, records[index], ref::rfc6962::inclusion_proof(leaves, index)};
    switch (r.below(8)) {
      case 0: in.withdrawal.amount += 1; break;
      case 1: in.withdrawal_index = records.size(); break;
      default: break;
    }
    step.input = std::move(in);
  }
  return step;
}

bool same_effects(const zk::ZkEffects& a, const zk::ZkEffects& b) { return reflect::equal(a, b); }

std::string describe(const zk::Transition& t) {
  if (!t) return std::string(error_info(t.error()).code);
  std::string out = "ok (" + std::to_string(t.value().payouts.size()) + " payouts";
  for (const zk::Payout& p : t.value().payouts) out += " " + std::to_string(p.amount);
  return out + ")";
}

// The engine's outcome of a step, in describe()'s words where it matches the reference's.
std::string describe_engine(const Engine::Outcome& model, const zk::Transition& reference) {
  if (!model.outside_bounds.empty()) return "not applicable (" + model.outside_bounds + ")";
  if (!model.problem.empty()) return "no outcome (" + model.problem + ")";
  if (model.ambiguous) return "ambiguous";
  if (model.error != ZkRollupError::none) return std::string(error_info(model.error).code);
  if (reference && same_effects(reference.value(), model.effects)) return describe(reference);
  return "ok (" + std::to_string(model.effects.payouts.size()) + " payouts, another post-state)";
}

zk::ZkConfig random_config(Random& r) {
  const u64 bound = 1 + r.below(3), proving = 1 + r.below(4);
  zk::ZkConfig config{1 + r.below(4), bound, proving, 3 * bound + proving + 1 + r.below(40), 1 + r.below(100),
                      1 + r.below(10)};
  switch (r.below(24)) {  // sometimes a configuration deploy refuses, each rule in turn
    case 0: config.censorship_bound_blocks = 0; break;
    case 1: config.max_batch_size = 0; break;
    case 2: config.priority_expiry_blocks = 3 * bound + proving; break;
    case 3: config.proving_time_blocks = u64_max - 1; break;  // 3B + P overflows
    case 4: config.min_deposit = 0; break;
    case 5: config.forced_withdrawal_fee = 0; break;
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
  TraceRecorder recorder(report, progress);
  for (std::size_t t = 0; t < traces; ++t) {
    ++report.traces;
    const zk::ZkConfig config = random_config(r);
    // The key fits the configuration but one time in twelve (ZK-DEPLOY-6).
    const zk::VerifyingKey vk =
        zk::reexecution_verifying_key(r.one_in(12) ? config.max_batch_size - 1 : config.max_batch_size + r.below(2));
    const zk::ZkDeployInput deploy{1, filled(0xcc), parties().operator_key(), t, config, vk};
    const auto deployed = zk::deploy(deploy);
    ++report.steps;
    const ZkRollupError want = deployed ? ZkRollupError::none : deployed.error();
    ++report.outcomes["deploy: " + std::string(deployed ? "ok" : error_info(want).code)];
    recorder.begin_trace();
    recorder.deploy(t, deploy, want, deploy_error(config, vk));
    if (!deployed) {
      recorder.end_trace();
      continue;
    }
    ++report.accepted;
    Harness h;
    h.contract = deployed.value();
    h.genesis = zk::State::genesis(parties().operator_key());
    u64 height = 1;
    const std::size_t length = 1 + max_steps / 2 + static_cast<std::size_t>(r.below(max_steps - max_steps / 2));
    for (std::size_t s = 1; s <= length; ++s) {
      const zk::ZkRollup& c = h.contract;
      height += std::array<u64, 8>{0, 0, 0, 0, 1, 1, 2, 3}[r.below(8)];
      if (c.priority_executed < c.priority_ops.size() && r.one_in(14)) {  // at the oldest request's expiry -1, 0 or +1
        const u64 expiry = c.priority_ops[c.priority_executed].expiry_height;
        height = std::max(height, expiry - 1 + r.below(3));
      }
      // Weights per op, in the table's order: the batch pipeline while live, exits and refunds in exodus.
      const bool slot_free = c.committed < batch_slots;
      const std::array<u64, op_count> weights{3,
                                              2,
                                              2,
                                              c.exodus ? 1u : slot_free ? 8u : 1u,
                                              c.verified < c.committed ? 6u : 1u,
                                              c.executed < c.verified ? 6u : 1u,
                                              c.verified < c.committed ? 2u : 1u,
                                              c.exodus ? 1u : 2u,
                                              c.exodus ? 6u : 1u,
                                              c.exodus ? 4u : 1u,
                                              c.exodus ? 4u : 1u,
                                              c.executed > 0 ? 3u : 1u};
      u64 pick = r.below(std::accumulate(weights.begin(), weights.end(), u64{0}));
      std::size_t index = 0;
      while (pick >= weights[index]) pick -= weights[index++];
      const Op op = static_cast<Op>(index);
      std::optional<zk::State> honest_post;
      const std::optional<Step> step = generate(h, r, op, height, honest_post);
      if (!step) continue;
      ++report.steps;
      const std::string name(zk::Operations::name(op));
      const zk::Transition reference = zk::Operations::visit(op, [&](auto operation) -> zk::Transition {
        using Operation = typename decltype(operation)::type;
        return Operation::apply(c, std::get<typename Operation::Input>(step->input), zk::Env{step->height}, toy);
      });
      ++report.outcomes[name + ": " + (reference ? std::string("ok") : std::string(error_info(reference.error()).code))];
      const Engine::Outcome model = engine.apply(c, *step);
      bool agrees = true;
      if (!model.outside_bounds.empty()) ++report.not_applicable;
      else agrees = recorder.compare(t, s, name, reference, model, same_effects, describe);
      recorder.step_line(
          s, *step, name, [&] { return describe(reference); }, [&] { return describe_engine(model, reference); }, agrees);
      if (!reference) continue;
      ++report.accepted;
      // What the observer knows follows the accepted step.
      const zk::ZkRollup& post = reference.value().contract;
      if (post.priority_ops.size() > c.priority_ops.size()) {
        if (const auto* in = std::get_if<zk::DepositNewAccountInput>(&step->input))
          h.queue.push_back(orl::make_transaction(orl::Deposit{c.deposit_count, static_cast<zk::AccountIndex>(c.next_account_index),
                                                               in->owner, in->value}));
        else if (const auto* top = std::get_if<zk::DepositTopUpInput>(&step->input))
          h.queue.push_back(orl::make_transaction(orl::Deposit{c.deposit_count, top->to, std::nullopt, top->value}));
        else if (const auto* req = std::get_if<orl::RequestForcedExitInput>(&step->input))
          h.queue.push_back(orl::make_transaction(orl::ForcedExit{c.forced_withdrawal_count, req->from, req->caller,
                                                                  req->l1_recipient, 0}));
      }
      if (op == zk::op_code<zk::CommitBatch>) {
        const auto& in = std::get<zk::CommitBatchInput>(step->input);
        h.batches.push_back(Posted{in.transactions, in.withdrawals, honest_post});
      }
      h.contract = post;
      h.batches.resize(h.contract.batches.size());
    }
    recorder.end_trace();
  }
  return report;
}

}  // namespace l2::inv::zk_rollup
