// The engine: concrete contract steps through the model's transition relation, and deploy's
// configuration rules evaluated by the model. spec: zk_rollup.md#engines-and-missing-faces
#include "engine.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "l2/ref/merkle.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sparse_merkle.hpp"

namespace l2::inv::zk_rollup {

namespace zk = ref::zk_rollup;
using z3::expr;
using model::Interner;
using model::Reader;

bool input_matches_op(const Step& step) { return zk::Operations::input_matches(step.op, step.input); }

ZkRollupError deploy_error(const zk::ZkConfig& config, const zk::VerifyingKey& verifying_key) {
  z3::context ctx;
  const model::Model m(ctx, Weakening::none);
  const model::Config cfg = m.config("env");
  z3::solver solver(ctx);
  const std::array<std::pair<const expr*, u64>, 6> values = {{{&cfg.max_batch_size, config.max_batch_size},
                                                               {&cfg.censorship_bound, config.censorship_bound_blocks},
                                                               {&cfg.proving_time, config.proving_time_blocks},
                                                               {&cfg.expiry_blocks, config.priority_expiry_blocks},
                                                               {&cfg.min_deposit, config.min_deposit},
                                                               {&cfg.fee, config.forced_withdrawal_fee}}};
  for (const auto& [variable, value] : values) solver.add(*variable == m.u64v(value));
  // Every variable ZK-DEPLOY-1..5 reads is fixed, so the one model exists.
  if (solver.check() != z3::sat) return ZkRollupError::none;
  const auto error = static_cast<ZkRollupError>(solver.get_model().eval(m.deploy_error(cfg), true).get_numeral_uint64());
  if (error != ZkRollupError::none) return error;
  // ZK-DEPLOY-6 is the backend's verdict on its key: the model has no key.
  return zk::check_key(verifying_key, config) ? ZkRollupError::none : ZkRollupError::config_verifying_key;
}

namespace {

// Why the step is outside the model's bounds, or empty. The model holds batch_slots batch records,
// each with its header's chain and rollup the contract's, consumes at most priority_per_batch
// operations per batch and takes at most claim_slots claims in one mass exit; it is the calldata
// mode (ZK-COMMIT-12 is validium's).
std::string outside_bounds(const zk::ZkRollup& c, const Step& step) {
  if (c.committed > batch_slots) return "the contract holds " + std::to_string(c.committed) + " batches, the model " + std::to_string(batch_slots);
  if (c.batches.size() != c.committed) return "the contract's batch list is not `committed` long";
  for (const zk::BatchRecord& b : c.batches)
    if (b.header.chain_id != c.chain_id || b.header.rollup_id != c.rollup_id)
      return "a recorded batch names another chain or rollup";
  if (const auto* commit = std::get_if<zk::CommitBatchInput>(&step.input)) {
    if (c.data_mode != zk::DataMode::calldata) return "the committee data mode (ZK-COMMIT-12) is validium's";
    if (c.committed >= batch_slots) return "the commit needs batch slot " + std::to_string(c.committed + 1);
    if (commit->header.priority_count > priority_per_batch)
      return "the batch consumes " + std::to_string(commit->header.priority_count) + " priority operations";
  }
  if (const auto* many = std::get_if<zk::ExodusWithdrawManyInput>(&step.input); many && many->claims.size() > claim_slots)
    return std::to_string(many->claims.size()) + " claims in one call";
  return {};
}

// The values of one step's projection.
class Projection {
 public:
  Projection(Engine::Impl& r) : r_(r), m_(r.m), ctx_(r.ctx) {}

  void number(const expr& var, u64 v) { r_.solver.add(var == m_.u64v(v)); }
  void hash(const expr& var, const Hash32& h) { r_.solver.add(var == ctx_.bv_val(r_.interner(h), model::hash_bits)); }
  void flag(const expr& var, bool v) { r_.solver.add(var == ctx_.bool_val(v)); }
  // The membership of `key` in a set of the pre-state.
  void member(const model::KeySet& set, const std::vector<u64>& key, bool in) {
    std::vector<expr> k;
    for (u64 v : key) k.push_back(m_.u64v(v));
    flag(set.base(k), in);
  }

  void config(const zk::ZkRollup& c) {
    const model::Config& cfg = r_.cfg;
    number(cfg.chain_id, c.chain_id);
    hash(cfg.rollup_id, c.rollup_id);
    hash(cfg.vk_hash, c.vk_hash);
    hash(cfg.operator_key, c.operator_key);
    hash(cfg.genesis_root, c.genesis_root);
    number(cfg.max_batch_size, c.config.max_batch_size);
    number(cfg.censorship_bound, c.config.censorship_bound_blocks);
    number(cfg.proving_time, c.config.proving_time_blocks);
    number(cfg.expiry_blocks, c.config.priority_expiry_blocks);
    number(cfg.min_deposit, c.config.min_deposit);
    number(cfg.fee, c.config.forced_withdrawal_fee);
  }

  void contract(const zk::ZkRollup& c) {
    const model::Contract& s = r_.pre;
    number(s.escrow, c.escrow);
    number(s.next_account_index, c.next_account_index);
    number(s.deposit_count, c.deposit_count);
    number(s.forced_count, c.forced_withdrawal_count);
    number(s.queue.count, c.priority_ops.size());
    for (std::size_t k = 0; k < c.priority_ops.size(); ++k) {
      const model::QueueEntry e = s.queue.base(m_.u64v(k));
      const zk::PriorityOp& op = c.priority_ops[k];
      flag(e.is_deposit, op.kind == zk::PriorityKind::deposit);
      hash(e.id, op.op_id);
      number(e.recorded_at, op.recorded_at);
      number(e.expiry, op.expiry_height);
      hash(e.requester, op.requester);
      number(e.amount, op.amount);
    }
    number(s.priority_committed, c.priority_committed);
    number(s.priority_executed, c.priority_executed);
    number(s.committed, c.committed);
    number(s.verified, c.verified);
    number(s.executed, c.executed);
    for (std::size_t k = 0; k < c.batches.size(); ++k) {
      const model::BatchRecord& b = s.batches[k];
      const zk::BatchRecord& x = c.batches[k];
      const zk::BatchHeader& h = x.header;
      number(b.number, h.batch_number);
      hash(b.prev, h.prev_state_root);
      hash(b.post, h.post_state_root);
      hash(b.tx_root, h.transactions_root);
      number(b.tx_count, h.transaction_count);
      hash(b.wroot, h.withdrawals_root);
      number(b.wcount, h.withdrawal_count);
      number(b.pcount, h.priority_count);
      hash(b.public_input, x.public_input);
      number(b.committed_at, x.committed_at);
      number(b.priority_first, x.priority_first);
    }
    flag(s.exodus, c.exodus);
    // The ghosts are the model's bookkeeping, read by no rule: the balance is the escrow, no height
    // has been seen, nothing has been paid since exodus.
    number(s.total, c.escrow);
    number(s.now, 0);
    number(s.exodus_escrow, c.escrow);
    number(s.exodus_paid, 0);
  }

  // The call: every field its op reads, every verdict computed by the reference.
  void call(const zk::ZkRollup& c, const Step& step) {
    r_.solver.add(r_.in.op == m_.opcode(step.op));
    number(r_.in.height, step.height);
    std::visit(
        [&](const auto& input) {
          hash(r_.in.caller, input.caller);
          if constexpr (requires { input.value; }) number(r_.in.value, input.value);
          else number(r_.in.value, 0);
          inputs(c, input);
        },
        step.input);
  }

 private:
  void inputs(const zk::ZkRollup& c, const zk::DepositNewAccountInput& in) {
    hash(r_.in.owner, in.owner);
    flag(m_.on_curve(r_.in.owner), ref::bip340::pubkey_on_curve(in.owner));
    if (c.next_account_index <= 0xffffffffULL) {
      const zk::Deposit d{c.deposit_count, static_cast<zk::AccountIndex>(c.next_account_index), in.owner, in.value};
      hash(m_.deposit_id(m_.u64v(c.deposit_count), m_.u64v(c.next_account_index), m_.truth(true), r_.in.owner,
                         m_.u64v(in.value)),
           zk::deposit_id(zk::params_of(c), d));
    }
  }
  void inputs(const zk::ZkRollup& c, const zk::DepositTopUpInput& in) {
    number(r_.in.account, in.to);
    const zk::Deposit d{c.deposit_count, in.to, std::nullopt, in.value};
    hash(m_.deposit_id(m_.u64v(c.deposit_count), m_.u64v(in.to), m_.truth(false), m_.zero_hash(), m_.u64v(in.value)),
         zk::deposit_id(zk::params_of(c), d));
  }
  void inputs(const zk::ZkRollup& c, const zk::RequestForcedExitInput& in) {
    number(r_.in.account, in.from);
    hash(r_.in.recipient, in.l1_recipient);
    const zk::ForcedExit e{c.forced_withdrawal_count, in.from, in.caller, in.l1_recipient, 0};
    hash(m_.forced_exit_id(m_.u64v(c.forced_withdrawal_count), m_.u64v(in.from), r_.in.caller, r_.in.recipient),
         zk::forced_exit_id(zk::params_of(c), e));
  }
  void inputs(const zk::ZkRollup& c, const zk::CommitBatchInput& in) {
    const model::Call& x = r_.in;
    const zk::BatchHeader& h = in.header;
    number(x.chain_id, h.chain_id);
    hash(x.rollup_id, h.rollup_id);
    number(x.number, h.batch_number);
    hash(x.prev, h.prev_state_root);
    hash(x.post, h.post_state_root);
    hash(x.tx_root, h.transactions_root);
    number(x.tx_count, h.transaction_count);
    hash(x.wroot, h.withdrawals_root);
    number(x.wcount, h.withdrawal_count);
    number(x.pcount, h.priority_count);
    number(x.withdrawals_length, in.withdrawals.size());
    flag(x.withdrawals_root_ok, h.withdrawals_root == zk::withdrawals_root(in.withdrawals));
    number(x.transactions_length, in.transactions.size());
    flag(x.transactions_root_ok, h.transactions_root == zk::transactions_root(in.transactions));
    // The record's public input: the hash terms the relation builds, at the reference's values.
    const u64 first = c.priority_committed;
    if (first <= c.priority_ops.size() && h.priority_count <= c.priority_ops.size() - first) {
      std::vector<Hash32> ids;
      expr link = m_.zero_hash();
      for (u64 k = 0; k < h.priority_count; ++k) {
        ids.push_back(c.priority_ops[first + k].op_id);
        link = m_.chain_link(link, r_.pre.queue.at(r_.pre.priority_committed + m_.u64v(k)).id, nullptr);
        hash(link, zk::priority_ops_hash(ids));
      }
      const expr data = m_.data_commitment(x.tx_root, x.tx_count, x.wroot, x.wcount);
      hash(data, zk::data_commitment(h));
      const expr pi = m_.public_input(r_.cfg, x.number, x.prev, x.post, data,
                                      m_.priority_hash(r_.pre.queue, r_.pre.priority_committed, x.pcount, nullptr));
      hash(pi, zk::public_input(zk::PublicInputPreimage{c.chain_id, c.rollup_id, c.vk_hash, h.batch_number,
                                                        h.prev_state_root, h.post_state_root, zk::data_commitment(h),
                                                        zk::priority_ops_hash(ids)}));
    }
  }
  void inputs(const zk::ZkRollup& c, const zk::ProveBatchesInput& in) {
    number(r_.in.count, in.count);
    // ZK-PROVE-3's verdict: the proof system's, on the proof input of the covered batches (the rules
    // before it refuse any other call).
    bool accepted = false;
    if (in.count >= 1 && c.verified <= c.batches.size() && in.count <= c.batches.size() - c.verified)
      accepted = zk::verify(c.verifying_key, zk::proof_input_of(c, c.verified, in.count), in.proof, r_.oracle) ==
                 ZkRollupError::none;
    flag(r_.in.proof_ok, accepted);
  }
  void inputs(const zk::ZkRollup&, const zk::CallerInput&) {}
  void inputs(const zk::ZkRollup&, const zk::RevertBatchesInput& in) { number(r_.in.new_committed, in.new_committed); }
  // The opened state header of an exit, with state_root at it.
  void post_state(const zk::StateHeader& header) {
    const model::Call& x = r_.in;
    hash(x.accounts_root, header.accounts_root);
    number(x.deposits_credited, header.deposits_credited);
    number(x.forced_processed, header.forced_exits_processed);
    hash(m_.state_root(x.accounts_root, x.deposits_credited, x.forced_processed), zk::state_root(header));
  }
  void claim(const zk::ZkRollup& c, std::size_t i, const zk::StateHeader& header, const zk::ExodusClaim& claim) {
    const model::Claim& x = r_.in.claims[i];
    number(x.index, claim.account_index);
    hash(x.owner, claim.account.owner);
    number(x.balance, claim.account.balance);
    ref::smt::Proof opening;
    opening.index = claim.account_index;
    opening.siblings = claim.siblings;
    flag(x.proof_ok, ref::smt::root_from_proof(opening, zk::account_value(claim.account)) == header.accounts_root);
    member(r_.pre.exited, {claim.account_index},
           std::find(c.exited.begin(), c.exited.end(), claim.account_index) != c.exited.end());
  }
  void inputs(const zk::ZkRollup& c, const zk::ExitInput& in) {
    post_state(in.post_state);
    number(r_.in.claim_count, 1);
    claim(c, 0, in.post_state, zk::ExodusClaim{in.account_index, in.account, in.siblings});
  }
  void inputs(const zk::ZkRollup& c, const zk::ExodusWithdrawManyInput& in) {
    post_state(in.post_state);
    number(r_.in.claim_count, in.claims.size());
    for (std::size_t i = 0; i < in.claims.size(); ++i) claim(c, i, in.post_state, in.claims[i]);
  }
  void inputs(const zk::ZkRollup& c, const zk::RefundDepositInput& in) {
    number(r_.in.queue_index, in.queue_index);
    member(r_.pre.refunded, {in.queue_index},
           std::find(c.refunded.begin(), c.refunded.end(), in.queue_index) != c.refunded.end());
  }
  void inputs(const zk::ZkRollup& c, const zk::PayZkWithdrawalInput& in) {
    const model::Call& x = r_.in;
    number(x.pay_batch, in.batch_number);
    number(x.pay_index, in.withdrawal_index);
    hash(x.w_recipient, in.withdrawal.l1_recipient);
    number(x.w_amount, in.withdrawal.amount);
    // ZK-PAY-2's verdict, against the recorded batch (the rule before it refuses any other).
    bool included = false;
    if (in.batch_number < c.batches.size()) {
      const zk::BatchHeader& header = c.batches[in.batch_number].header;
      included = ref::rfc6962::verify_inclusion(in.withdrawal_index, header.withdrawal_count,
                                                zk::withdrawal_leaf_hash(in.withdrawal), in.proof,
                                                header.withdrawals_root) == PrimitiveError::none;
    }
    flag(x.included, included);
    member(r_.pre.paid, {in.batch_number, in.withdrawal_index},
           std::any_of(c.paid.begin(), c.paid.end(), [&](const zk::PaidWithdrawal& p) {
             return p.batch_number == in.batch_number && p.withdrawal_index == in.withdrawal_index;
           }));
  }

  Engine::Impl& r_;
  const model::Model& m_;
  z3::context& ctx_;
};

// The outcome's terms, read from a model: the error, the post-state (recorded slots only), the record
// appended to the queue, the keys added and the payouts; and the same lifted to concrete values.
ReadOutcome<Engine::Outcome> read_outcome(Engine::Impl& r, const z3::model& zm, const zk::ZkRollup& pre) {
  ReadOutcome<Engine::Outcome> out;
  Reader read(zm, r.interner);
  const model::Step& s = r.out;
  const model::Contract& post = s.post;
  const auto term = [&](const expr& e) { out.term(read, e); };
  term(s.error);
  out.lifted.error = static_cast<ZkRollupError>(read.number(s.error));
  out.lifted.effects.contract = pre;
  zk::ZkRollup& c = out.lifted.effects.contract;
  if (out.lifted.error != ZkRollupError::none) {  // the relation leaves a rejected step's state alone
    if (!read.ok()) out.lifted.problem = read.problem();
    return out;
  }

  for (const expr& e : {post.escrow, post.next_account_index, post.deposit_count, post.forced_count, post.queue.count,
                        post.priority_committed, post.priority_executed, post.committed, post.verified, post.executed,
                        post.exodus})
    term(e);
  c.escrow = read.number(post.escrow);
  c.next_account_index = read.number(post.next_account_index);
  c.deposit_count = read.number(post.deposit_count);
  c.forced_withdrawal_count = read.number(post.forced_count);
  c.priority_committed = read.number(post.priority_committed);
  c.priority_executed = read.number(post.priority_executed);
  c.committed = read.number(post.committed);
  c.verified = read.number(post.verified);
  c.executed = read.number(post.executed);
  c.exodus = read.boolean(post.exodus);

  const u64 queued = read.number(post.queue.count);
  if (queued == pre.priority_ops.size() + 1) {
    const model::QueueEntry e = post.queue.at(r.m.u64v(pre.priority_ops.size()));
    for (const expr& x : {e.is_deposit, e.id, e.recorded_at, e.expiry, e.requester, e.amount}) term(x);
    c.priority_ops.push_back(zk::PriorityOp{
        read.boolean(e.is_deposit) ? zk::PriorityKind::deposit : zk::PriorityKind::forced_withdrawal, read.hash(e.id),
        read.number(e.recorded_at), read.number(e.expiry), read.hash(e.requester), read.number(e.amount)});
  } else if (queued != pre.priority_ops.size()) {
    out.lifted.problem = "the model's queue changes by more than one record";
    return out;
  }

  if (c.committed > batch_slots) {
    out.lifted.problem = "the model records more batches than it has slots";
    return out;
  }
  c.batches.resize(c.committed);
  for (std::size_t k = 0; k < c.committed; ++k) {
    const model::BatchRecord& b = post.batches[k];
    for (const expr& x : {b.number, b.prev, b.post, b.tx_root, b.tx_count, b.wroot, b.wcount, b.pcount, b.public_input,
                          b.committed_at, b.priority_first})
      term(x);
    // The header's chain and rollup are the contract's (ZK-COMMIT-2; outside_bounds for the pre-state's).
    c.batches[k] = zk::BatchRecord{
        zk::BatchHeader{c.chain_id, c.rollup_id, read.number(b.number), read.hash(b.prev), read.hash(b.post),
                        read.hash(b.tx_root), read.number(b.tx_count), read.hash(b.wroot), read.number(b.wcount),
                        read.number(b.pcount)},
        read.hash(b.public_input), read.number(b.committed_at), read.number(b.priority_first)};
  }

  // The sets gain the step's keys only, in order (the pre-state's are the reference's).
  for (const model::KeySet::Added& a : post.exited.added) {
    term(a.present);
    if (!read.boolean(a.present)) continue;
    term(a.key[0]);
    c.exited.push_back(static_cast<zk::AccountIndex>(read.number(a.key[0])));
  }
  for (const model::KeySet::Added& a : post.refunded.added) {
    term(a.present);
    if (!read.boolean(a.present)) continue;
    term(a.key[0]);
    c.refunded.push_back(read.number(a.key[0]));
  }
  for (const model::KeySet::Added& a : post.paid.added) {
    term(a.present);
    if (!read.boolean(a.present)) continue;
    term(a.key[0]);
    term(a.key[1]);
    c.paid.push_back(zk::PaidWithdrawal{read.number(a.key[0]), read.number(a.key[1])});
  }

  for (const model::Payout& p : s.payouts) {
    term(p.amount);
    const u64 amount = read.number(p.amount);
    if (amount == 0) continue;  // a zero amount moves nothing and is not a payout
    term(p.to);
    out.lifted.effects.payouts.push_back(zk::Payout{read.hash(p.to), amount});
  }
  if (!read.ok()) out.lifted.problem = read.problem();
  return out;
}

}  // namespace

Engine::Engine(Weakening weakening, SignatureOracle oracle) : impl_(std::make_unique<Impl>(weakening, std::move(oracle))) {}
Engine::~Engine() = default;

Engine::Outcome Engine::apply(const zk::ZkRollup& pre, const Step& step) {
  Outcome result;
  result.effects.contract = pre;
  if (!input_matches_op(step)) {
    result.problem = "the input's type does not match op " + std::string(zk::Operations::name(step.op));
    return result;
  }
  result.outside_bounds = outside_bounds(pre, step);
  if (!result.outside_bounds.empty()) return result;

  Impl& r = *impl_;
  r.solver.push();
  Projection project(r);
  project.config(pre);
  project.contract(pre);
  project.call(pre, step);

  result.problem = no_outcome_problem(r.solver);
  if (!result.problem.empty()) {
    r.solver.pop();
    return result;
  }
  const ReadOutcome<Outcome> read = read_outcome(r, r.solver.get_model(), pre);
  if (!read.lifted.problem.empty()) {
    r.solver.pop();
    return read.lifted;
  }
  // Exactly one outcome: no other value of any outcome term satisfies the relation.
  result.problem = second_outcome_problem(r.solver, read.terms, read.values, result.ambiguous);
  r.solver.pop();
  return result.problem.empty() ? read.lifted : result;
}

}  // namespace l2::inv::zk_rollup
