// The ZK rollup's contract model: vocabulary, the transition relation op by op, the invariants.
// spec: zk_rollup.md#obligations
#include "model.hpp"

#include <type_traits>

namespace l2::inv::zk_rollup::model {

Model::Model(z3::context& ctx, Weakening weakening)
    : Vocabulary(ctx, hash_bits),
      weakening_(weakening),
      public_input_(weakening == Weakening::public_input_omits_priority_ops
                        ? function(ctx, "public_input",
                                   {ctx.int_sort(), ctx.bv_sort(hash_bits), ctx.bv_sort(hash_bits), ctx.int_sort(),
                                    ctx.bv_sort(hash_bits), ctx.bv_sort(hash_bits), ctx.bv_sort(hash_bits)},
                                   ctx.bv_sort(hash_bits))
                        : function(ctx, "public_input",
                                   {ctx.int_sort(), ctx.bv_sort(hash_bits), ctx.bv_sort(hash_bits), ctx.int_sort(),
                                    ctx.bv_sort(hash_bits), ctx.bv_sort(hash_bits), ctx.bv_sort(hash_bits),
                                    ctx.bv_sort(hash_bits)},
                                   ctx.bv_sort(hash_bits))),
      data_commitment_(function(ctx, "data_commitment",
                                {ctx.bv_sort(hash_bits), ctx.int_sort(), ctx.bv_sort(hash_bits), ctx.int_sort()},
                                ctx.bv_sort(hash_bits))),
      chain_link_(function(ctx, "priority_ops_link", {ctx.bv_sort(hash_bits), ctx.bv_sort(hash_bits)}, ctx.bv_sort(hash_bits))),
      chain_acc_(function(ctx, "priority_ops_link_inverse.acc", {ctx.bv_sort(hash_bits)}, ctx.bv_sort(hash_bits))),
      chain_id_(function(ctx, "priority_ops_link_inverse.id", {ctx.bv_sort(hash_bits)}, ctx.bv_sort(hash_bits))),
      state_root_(function(ctx, "state_root", {ctx.bv_sort(hash_bits), ctx.int_sort(), ctx.int_sort()}, ctx.bv_sort(hash_bits))),
      valid_(function(ctx, "valid_statement", {ctx.bv_sort(hash_bits)}, ctx.bool_sort())),
      account_owner_(function(ctx, "account_owner", {ctx.bv_sort(hash_bits), ctx.int_sort()}, ctx.bv_sort(hash_bits))),
      account_balance_(function(ctx, "account_balance", {ctx.bv_sort(hash_bits), ctx.int_sort()}, ctx.int_sort())),
      withdrawal_recipient_(function(ctx, "withdrawal_recipient", {ctx.bv_sort(hash_bits), ctx.int_sort()}, ctx.bv_sort(hash_bits))),
      withdrawal_amount_(function(ctx, "withdrawal_amount", {ctx.bv_sort(hash_bits), ctx.int_sort()}, ctx.int_sort())),
      on_curve_(function(ctx, "pubkey_on_curve", {ctx.bv_sort(hash_bits)}, ctx.bool_sort())),
      deposit_id_(function(ctx, "deposit_id",
                           {ctx.int_sort(), ctx.int_sort(), ctx.bool_sort(), ctx.bv_sort(hash_bits), ctx.int_sort()},
                           ctx.bv_sort(hash_bits))),
      forced_exit_id_(function(ctx, "forced_exit_id",
                               {ctx.int_sort(), ctx.int_sort(), ctx.bv_sort(hash_bits), ctx.bv_sort(hash_bits)},
                               ctx.bv_sort(hash_bits))) {
  const std::vector<std::pair<const char*, bool>> fields = {
      {"chain_id", true}, {"rollup_id", false}, {"vk_hash", false}, {"batch_number", true}, {"prev_state_root", false},
      {"post_state_root", false}, {"data_commitment", false}, {"priority_ops_hash", false}};
  for (const auto& [name, integer] : fields)
    preimage_.push_back(function(ctx, (std::string("public_input_inverse.") + name).c_str(), {ctx.bv_sort(hash_bits)},
                                 integer ? ctx.int_sort() : ctx.bv_sort(hash_bits)));
}

expr Model::first_failure(const std::vector<std::pair<expr, Error>>& checks) const {
  expr result = code(Error::none);
  for (auto it = checks.rbegin(); it != checks.rend(); ++it) result = z3::ite(it->first, code(it->second), result);
  return result;
}

// ---- Hashes.

expr Model::public_input(const Config& cfg, const expr& number, const expr& prev, const expr& post, const expr& data,
                         const expr& priority_hash) const {
  z3::expr_vector args(ctx());
  for (const expr& e : {cfg.chain_id, cfg.rollup_id, cfg.vk_hash, number, prev, post, data}) args.push_back(e);
  if (weakening_ != Weakening::public_input_omits_priority_ops) args.push_back(priority_hash);
  return public_input_(args);
}

std::vector<expr> Model::preimage_of(const expr& pi) const {
  std::vector<expr> out;
  for (const z3::func_decl& f : preimage_) out.push_back(f(pi));
  return out;
}

expr Model::public_input_binds_at(const Config& cfg, const expr& number, const expr& prev, const expr& post,
                                  const expr& data, const expr& priority_hash) const {
  const expr pi = public_input(cfg, number, prev, post, data, priority_hash);
  const std::vector<expr> back = preimage_of(pi);
  const std::vector<expr> fields{cfg.chain_id, cfg.rollup_id, cfg.vk_hash, number, prev, post, data, priority_hash};
  // Under public_input_omits_priority_ops the hash does not take the priority-ops hash, so nothing
  // gives it back.
  const std::size_t bound = weakening_ == Weakening::public_input_omits_priority_ops ? fields.size() - 1 : fields.size();
  expr ok = truth(true);
  for (std::size_t i = 0; i < bound; ++i) ok = ok && back[i] == fields[i];
  return ok;
}

expr Model::data_commitment(const expr& tx_root, const expr& tx_count, const expr& wroot, const expr& wcount) const {
  return data_commitment_(tx_root, tx_count, wroot, wcount);
}

expr Model::chain_link(const expr& acc, const expr& id, std::vector<expr>* facts) const {
  const expr link = chain_link_(acc, id);
  if (facts) facts->push_back(chain_acc_(link) == acc && chain_id_(link) == id && link != zero_hash());
  return link;
}

expr Model::priority_hash(const Queue& q, const expr& first, const expr& count, std::vector<expr>* facts) const {
  expr acc = zero_hash(), out = zero_hash();
  for (std::size_t k = 0; k < priority_per_batch; ++k) {
    acc = chain_link(acc, q.at(first + u64v(k)).id, facts);
    out = z3::ite(count == u64v(k + 1), acc, out);
  }
  return out;
}

expr Model::state_root(const expr& accounts_root, const expr& deposits, const expr& forced) const {
  return state_root_(accounts_root, deposits, forced);
}
expr Model::valid_statement(const expr& pi) const { return valid_(pi); }
expr Model::account_owner(const expr& root, const expr& index) const { return account_owner_(root, index); }
expr Model::account_balance(const expr& root, const expr& index) const { return account_balance_(root, index); }
expr Model::withdrawal_recipient(const expr& wroot, const expr& index) const { return withdrawal_recipient_(wroot, index); }
expr Model::withdrawal_amount(const expr& wroot, const expr& index) const { return withdrawal_amount_(wroot, index); }
expr Model::on_curve(const expr& key) const { return on_curve_(key); }
expr Model::deposit_id(const expr& index, const expr& to, const expr& creates, const expr& owner, const expr& amount) const {
  z3::expr_vector args(ctx());
  for (const expr& e : {index, to, creates, owner, amount}) args.push_back(e);
  return deposit_id_(args);
}
expr Model::forced_exit_id(const expr& index, const expr& from, const expr& requester, const expr& recipient) const {
  z3::expr_vector args(ctx());
  for (const expr& e : {index, from, requester, recipient}) args.push_back(e);
  return forced_exit_id_(args);
}

// ---- Configuration, state and inputs.

Config Model::config(const std::string& p) const {
  return {u64(p + ".chain_id"),        hash(p + ".rollup_id"),
          hash(p + ".vk_hash"),        hash(p + ".operator_key"),
          hash(p + ".genesis_root"),   u64(p + ".max_batch_size"),
          u64(p + ".censorship_bound_blocks"), u64(p + ".proving_time_blocks"),
          u64(p + ".priority_expiry_blocks"),  u64(p + ".min_deposit"),
          u64(p + ".forced_withdrawal_fee")};
}

expr Model::config_valid(const Config& c) const {
  const expr typed = is_u64(c.chain_id) && is_u64(c.max_batch_size) && is_u64(c.censorship_bound) &&
                     is_u64(c.proving_time) && is_u64(c.expiry_blocks) && is_u64(c.min_deposit) && is_u64(c.fee);
  return typed && deploy_error(c) == code(Error::none);
}

expr Model::deploy_error(const Config& c) const {
  const expr honest_latest = u64v(3) * c.censorship_bound + c.proving_time;
  return first_failure({{c.censorship_bound == u64v(0), Error::config_censorship_bound},  // [ZK-DEPLOY-1]
                        {c.max_batch_size == u64v(0), Error::config_batch_size},          // [ZK-DEPLOY-2]
                        {honest_latest > u64max() || c.expiry_blocks <= honest_latest,
                         Error::config_priority_expiry},                                  // [ZK-DEPLOY-3]
                        {c.min_deposit == u64v(0), Error::config_min_deposit},             // [ZK-DEPLOY-4]
                        {c.fee == u64v(0), Error::config_forced_withdrawal_fee}});         // [ZK-DEPLOY-5]
}

Contract Model::contract(const std::string& p) const {
  const z3::sort I = ctx().int_sort(), H = ctx().bv_sort(hash_bits), B = ctx().bool_sort();
  const z3::func_decl kind = ctx().function((p + ".priority_ops.is_deposit").c_str(), I, B);
  const z3::func_decl id = ctx().function((p + ".priority_ops.op_id").c_str(), I, H);
  const z3::func_decl recorded = ctx().function((p + ".priority_ops.recorded_at").c_str(), I, I);
  const z3::func_decl expiry = ctx().function((p + ".priority_ops.expiry_height").c_str(), I, I);
  const z3::func_decl requester = ctx().function((p + ".priority_ops.requester").c_str(), I, H);
  const z3::func_decl amount = ctx().function((p + ".priority_ops.amount").c_str(), I, I);
  Contract s{u64(p + ".escrow"),
             u64(p + ".next_account_index"),
             u64(p + ".deposit_count"),
             u64(p + ".forced_withdrawal_count"),
             Queue{u64(p + ".priority_ops.length"),
                   [=](const expr& k) {
                     return QueueEntry{kind(k), id(k), recorded(k), expiry(k), requester(k), amount(k)};
                   },
                   {}},
             u64(p + ".priority_committed"),
             u64(p + ".priority_executed"),
             u64(p + ".committed"),
             u64(p + ".verified"),
             u64(p + ".executed"),
             {},
             boolean(p + ".exodus"),
             key_set(p + ".exited", 1),
             key_set(p + ".refunded", 1),
             key_set(p + ".paid", 2),
             u64(p + ".ghost.balance"),
             u64(p + ".ghost.now"),
             u64(p + ".ghost.escrow_at_exodus"),
             u64(p + ".ghost.paid_since_exodus")};
  for (std::size_t k = 0; k < batch_slots; ++k) {
    const std::string q = p + ".batches[" + std::to_string(k) + "]";
    s.batches.push_back({u64(q + ".header.batch_number"), hash(q + ".header.prev_state_root"),
                         hash(q + ".header.post_state_root"), hash(q + ".header.transactions_root"),
                         u64(q + ".header.transaction_count"), hash(q + ".header.withdrawals_root"),
                         u64(q + ".header.withdrawal_count"), u64(q + ".header.priority_count"),
                         hash(q + ".public_input"), u64(q + ".committed_at"), u64(q + ".priority_first")});
  }
  return s;
}

Call Model::call(const std::string& p) const {
  Call c{ctx().bv_const((p + ".op").c_str(), 8),
         u64(p + ".height"),
         hash(p + ".caller"),
         u64(p + ".value"),
         hash(p + ".owner"),
         u64(p + ".account_index"),
         hash(p + ".l1_recipient"),
         u64(p + ".header.chain_id"),
         hash(p + ".header.rollup_id"),
         u64(p + ".header.batch_number"),
         hash(p + ".header.prev_state_root"),
         hash(p + ".header.post_state_root"),
         hash(p + ".header.transactions_root"),
         u64(p + ".header.transaction_count"),
         hash(p + ".header.withdrawals_root"),
         u64(p + ".header.withdrawal_count"),
         u64(p + ".header.priority_count"),
         u64(p + ".withdrawals.length"),
         boolean(p + ".withdrawals_root_matches"),
         u64(p + ".transactions.length"),
         boolean(p + ".transactions_root_matches"),
         u64(p + ".count"),
         boolean(p + ".proof_accepted"),
         u64(p + ".new_committed"),
         hash(p + ".post_state.accounts_root"),
         u64(p + ".post_state.deposits_credited"),
         u64(p + ".post_state.forced_exits_processed"),
         u64(p + ".claims.length"),
         {},
         u64(p + ".queue_index"),
         u64(p + ".batch_number"),
         u64(p + ".withdrawal_index"),
         hash(p + ".withdrawal.l1_recipient"),
         u64(p + ".withdrawal.amount"),
         boolean(p + ".withdrawal_included")};
  for (std::size_t i = 0; i < claim_slots; ++i) {
    const std::string q = p + ".claims[" + std::to_string(i) + "]";
    c.claims.push_back({u64(q + ".account_index"), hash(q + ".account.owner"), u64(q + ".account.balance"),
                        boolean(q + ".account_proof_valid")});
  }
  return c;
}

Keys Model::keys(const std::string& p) const {
  return {u64(p + ".priority_ops.i"), u64(p + ".priority_ops.j"), u64(p + ".exited.account_index"),
          u64(p + ".refunded.queue_index"), u64(p + ".paid.batch_number"), u64(p + ".paid.withdrawal_index")};
}

expr Model::initial(Contract& s) const {
  s.exited.base = [this](const std::vector<expr>&) { return truth(false); };
  s.refunded.base = [this](const std::vector<expr>&) { return truth(false); };
  s.paid.base = [this](const std::vector<expr>&) { return truth(false); };
  const expr zero = u64v(0);
  return s.escrow == zero && s.next_account_index == u64v(1) && s.deposit_count == zero && s.forced_count == zero &&
         s.queue.count == zero && s.priority_committed == zero && s.priority_executed == zero && s.committed == zero &&
         s.verified == zero && s.executed == zero && !s.exodus && s.total == zero && s.now == zero &&
         s.exodus_escrow == zero && s.exodus_paid == zero;
}

BatchRecord Model::pick_batch(const Contract& s, const expr& index) const {
  BatchRecord out = s.batches.back();
  for (std::size_t k = batch_slots - 1; k-- > 0;) {
    const expr c = index == u64v(k);
    const BatchRecord& a = s.batches[k];
    auto m = [&](const expr& x, const expr& y) { return z3::ite(c, x, y); };
    out = {m(a.number, out.number),         m(a.prev, out.prev),         m(a.post, out.post),
           m(a.tx_root, out.tx_root),       m(a.tx_count, out.tx_count), m(a.wroot, out.wroot),
           m(a.wcount, out.wcount),         m(a.pcount, out.pcount),     m(a.public_input, out.public_input),
           m(a.committed_at, out.committed_at), m(a.priority_first, out.priority_first)};
  }
  return out;
}

expr Model::root_after(const Contract& s, const Config& cfg, const expr& count) const {
  expr root = cfg.genesis_root;
  for (std::size_t k = 0; k < batch_slots; ++k) root = z3::ite(count == u64v(k + 1), s.batches[k].post, root);
  return root;
}

expr Model::expired_exactly(const Contract& s, const expr& height) const {
  return s.priority_executed < s.queue.count && s.queue.at(s.priority_executed).expiry <= height;
}

expr Model::expired(const Contract& s, const expr& height) const {
  if (weakening_ == Weakening::expiry_exclusive)
    return s.priority_executed < s.queue.count && s.queue.at(s.priority_executed).expiry < height;
  return expired_exactly(s, height);
}

// ---- The transition relation.

namespace {

// What one op does, as if accepted: its error (the first failing rule), the scalars and slots after
// it, the record it appends, the keys it adds, its payouts, and its input domain.
struct KeyAdd {
  expr present;
  std::vector<expr> key;
};
struct Effect {
  expr error;
  Contract post;
  expr append_present;
  QueueEntry append;
  std::vector<KeyAdd> exited;  // claim_slots
  KeyAdd refunded, paid;
  std::vector<Payout> payouts;  // claim_slots
  expr domain;
};

}  // namespace

struct Model::Transition {
  const Model& m;
  const Config& cfg;
  const Contract& pre;
  const Call& in;

  Effect base() const {
    const expr no = m.truth(false), zero = m.u64v(0);
    Effect e{m.code(Error::none),
             pre,
             no,
             QueueEntry{no, m.zero_hash(), zero, zero, m.zero_hash(), zero},
             {},
             KeyAdd{no, {zero}},
             KeyAdd{no, {zero, zero}},
             {},
             m.truth(true)};
    for (std::size_t i = 0; i < claim_slots; ++i) {
      e.exited.push_back(KeyAdd{no, {zero}});
      e.payouts.push_back(Payout{m.zero_hash(), zero});
    }
    return e;
  }

  // ZK-LIVE-1, ZK-LIVE-2: the first checks of every batch operation and request.
  std::vector<std::pair<expr, Error>> live() const {
    return {{pre.exodus, Error::exodus_active}, {m.expired(pre, in.height), Error::priority_expired}};
  }
  std::vector<std::pair<expr, Error>> then(std::vector<std::pair<expr, Error>> a,
                                           const std::vector<std::pair<expr, Error>>& b) const {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  QueueEntry entry(const expr& is_deposit, const expr& id, const expr& amount) const {
    return {is_deposit, id, in.height, m.saturating_add(in.height, cfg.expiry_blocks), in.caller, amount};
  }

  // deposit_new_account [ZK-LIVE-1, 2, ZK-BRIDGE-1, 2, 4, 5]
  Effect effect(std::type_identity<zk::DepositNewAccount>) const {
    Effect e = base();
    e.error = m.first_failure(then(live(), {{in.value < cfg.min_deposit, Error::deposit_below_minimum},
                                            {m.overflows(pre.escrow, in.value), Error::escrow_overflow},
                                            {pre.next_account_index > m.u64v(0xffffffffULL), Error::accounts_exhausted},
                                            {!m.on_curve(in.owner), Error::deposit_owner_invalid}}));
    e.append_present = m.truth(true);
    e.append = entry(m.truth(true), m.deposit_id(pre.deposit_count, pre.next_account_index, m.truth(true), in.owner, in.value),
                     in.value);
    e.post.deposit_count = pre.deposit_count + m.u64v(1);
    e.post.escrow = pre.escrow + in.value;
    e.post.next_account_index = pre.next_account_index + m.u64v(1);
    return e;
  }
  // deposit_top_up [ZK-LIVE-1, 2, ZK-BRIDGE-1, 2, 3]
  Effect effect(std::type_identity<zk::DepositTopUp>) const {
    Effect e = base();
    e.error = m.first_failure(then(live(), {{in.value < cfg.min_deposit, Error::deposit_below_minimum},
                                            {m.overflows(pre.escrow, in.value), Error::escrow_overflow},
                                            {in.account >= pre.next_account_index, Error::deposit_unknown_account}}));
    e.append_present = m.truth(true);
    e.append = entry(m.truth(true), m.deposit_id(pre.deposit_count, in.account, m.truth(false), m.zero_hash(), in.value),
                     in.value);
    e.post.deposit_count = pre.deposit_count + m.u64v(1);
    e.post.escrow = pre.escrow + in.value;
    return e;
  }
  // request_forced_withdrawal [ZK-LIVE-1, 2, ZK-FWQ-1, 2]; the fee pays the operator at once
  Effect effect(std::type_identity<zk::RequestForcedWithdrawal>) const {
    Effect e = base();
    e.error = m.first_failure(then(live(), {{in.value != cfg.fee, Error::forced_withdrawal_fee},
                                            {in.account >= pre.next_account_index, Error::forced_withdrawal_unknown_account}}));
    e.append_present = m.truth(true);
    e.append = entry(m.truth(false), m.forced_exit_id(pre.forced_count, in.account, in.caller, in.recipient), m.u64v(0));
    e.post.forced_count = pre.forced_count + m.u64v(1);
    e.payouts[0] = {cfg.operator_key, in.value};
    return e;
  }
  // commit_batch [ZK-LIVE-1, 2, ZK-COMMIT-1..11]
  Effect effect(std::type_identity<zk::CommitBatch>) const {
    Effect e = base();
    e.error = m.first_failure(
        then(live(), {{in.caller != cfg.operator_key, Error::not_operator},
                      {in.chain_id != cfg.chain_id || in.rollup_id != cfg.rollup_id, Error::commit_wrong_rollup},
                      {in.number != pre.committed, Error::commit_out_of_order},
                      {in.prev != m.committed_root(pre, cfg), Error::commit_prev_root_mismatch},
                      {in.tx_count == m.u64v(0), Error::commit_empty},
                      {in.tx_count > cfg.max_batch_size, Error::commit_too_large},
                      {m.overflows(pre.priority_committed, in.pcount) ||
                           pre.priority_committed + in.pcount > pre.queue.count,
                       Error::commit_priority_beyond_queue},
                      {in.withdrawals_length != in.wcount, Error::commit_withdrawal_count},
                      {!in.withdrawals_root_ok, Error::commit_withdrawals_root},
                      {in.transactions_length != in.tx_count, Error::commit_data_shape},
                      {!in.transactions_root_ok, Error::commit_tx_root_mismatch}}));
    // A free slot, and at most priority_per_batch operations consumed: the model's bounds.
    e.domain = pre.committed < m.u64v(batch_slots) && in.pcount <= m.u64v(priority_per_batch);
    for (const expr& field : {in.chain_id, in.number, in.tx_count, in.wcount, in.pcount, in.withdrawals_length,
                              in.transactions_length})
      e.domain = e.domain && m.is_u64(field);
    const expr data = m.data_commitment(in.tx_root, in.tx_count, in.wroot, in.wcount);
    const expr pi = m.public_input(cfg, in.number, in.prev, in.post, data,
                                   m.priority_hash(pre.queue, pre.priority_committed, in.pcount, nullptr));
    const BatchRecord record{in.number, in.prev,   in.post, in.tx_root, in.tx_count,           in.wroot,
                             in.wcount, in.pcount, pi,      in.height,  pre.priority_committed};
    for (std::size_t k = 0; k < batch_slots; ++k) {
      const expr here = pre.committed == m.u64v(k);
      BatchRecord& slot = e.post.batches[k];
      const BatchRecord& old = pre.batches[k];
      auto s = [&](const expr& x, const expr& y) { return z3::ite(here, x, y); };
      slot = {s(record.number, old.number),     s(record.prev, old.prev),
              s(record.post, old.post),         s(record.tx_root, old.tx_root),
              s(record.tx_count, old.tx_count), s(record.wroot, old.wroot),
              s(record.wcount, old.wcount),     s(record.pcount, old.pcount),
              s(record.public_input, old.public_input), s(record.committed_at, old.committed_at),
              s(record.priority_first, old.priority_first)};
    }
    e.post.committed = pre.committed + m.u64v(1);
    e.post.priority_committed = pre.priority_committed + in.pcount;
    return e;
  }
  // prove_batches [ZK-LIVE-1, 2, ZK-PROVE-1..3]; the proof system's soundness: an accepted proof
  // makes every covered batch's public input a valid statement
  Effect effect(std::type_identity<zk::ProveBatches>) const {
    Effect e = base();
    e.error = m.first_failure(then(live(), {{in.count == m.u64v(0), Error::prove_nothing},
                                            {m.overflows(pre.verified, in.count) || pre.verified + in.count > pre.committed,
                                             Error::prove_beyond_committed},
                                            {!in.proof_ok, Error::proof_rejected}}));
    e.domain = m.is_u64(in.count);
    for (std::size_t k = 0; k < batch_slots; ++k) {
      const expr covered = pre.verified <= m.u64v(k) && m.u64v(k) < pre.verified + in.count && m.recorded(pre, k);
      e.domain = e.domain && z3::implies(in.proof_ok && covered, m.valid_statement(pre.batches[k].public_input));
    }
    e.post.verified = pre.verified + in.count;
    return e;
  }
  // execute_batch [ZK-LIVE-1, 2, ZK-EXEC-1]
  Effect effect(std::type_identity<zk::ExecuteBatch>) const {
    Effect e = base();
    const expr bound = m.weakening() == Weakening::execute_before_verify ? pre.committed : pre.verified;
    e.error = m.first_failure(then(live(), {{pre.executed >= bound, Error::execute_not_verified}}));
    e.post.priority_executed = pre.priority_executed + m.pick_batch(pre, pre.executed).pcount;
    e.post.executed = pre.executed + m.u64v(1);
    return e;
  }
  // revert_batches [ZK-LIVE-1, 2, ZK-COMMIT-1, ZK-REVERT-1, 2]
  Effect effect(std::type_identity<zk::RevertBatches>) const {
    Effect e = base();
    std::vector<std::pair<expr, Error>> checks =
        then(live(), {{in.caller != cfg.operator_key, Error::not_operator},
                      {in.new_committed >= pre.committed, Error::revert_nothing}});
    if (m.weakening() != Weakening::revert_verified)
      checks.push_back({in.new_committed < pre.verified, Error::revert_verified});
    e.error = m.first_failure(checks);
    e.domain = m.is_u64(in.new_committed);
    e.post.priority_committed = m.pick_batch(pre, in.new_committed).priority_first;
    e.post.committed = in.new_committed;
    return e;
  }
  // activate_exodus [ZK-LIVE-1, ZK-EXO-1]: the unexecuted batches are discarded
  Effect effect(std::type_identity<zk::ActivateExodus>) const {
    Effect e = base();
    e.error = m.first_failure({{pre.exodus, Error::exodus_active}, {!m.expired(pre, in.height), Error::no_expired_request}});
    e.post.exodus = m.truth(true);
    e.post.committed = pre.executed;
    e.post.verified = pre.executed;
    e.post.priority_committed = pre.priority_executed;
    e.post.exodus_escrow = pre.escrow;
    e.post.exodus_paid = m.u64v(0);
    return e;
  }
  // The claims of an exit, in order, each against the state the ones before it left [ZK-EXIT-3, 4, 5];
  // `n` claims (1 for exodus_withdraw).
  void claims(Effect& e, std::vector<std::pair<expr, Error>> checks, const expr& n) const {
    expr escrow = pre.escrow;
    for (std::size_t i = 0; i < claim_slots; ++i) {
      const Claim& c = in.claims[i];
      const expr here = m.u64v(i) < n;
      expr exited = pre.exited.contains({c.index});
      for (std::size_t j = 0; j < i; ++j) exited = exited || in.claims[j].index == c.index;
      checks.push_back({here && !c.proof_ok, Error::exit_bad_account_proof});
      if (m.weakening() != Weakening::exodus_exit_twice) checks.push_back({here && exited, Error::exit_already_exited});
      checks.push_back({here && escrow < c.balance, Error::exit_escrow_insufficient});
      // An accepted opening binds the account to the root and index (the tree's collision resistance).
      e.domain = e.domain && m.is_u32(c.index) && m.is_u64(c.balance) &&
                 z3::implies(c.proof_ok, c.owner == m.account_owner(in.accounts_root, c.index) &&
                                             c.balance == m.account_balance(in.accounts_root, c.index));
      e.exited[i] = KeyAdd{here, {c.index}};
      e.payouts[i] = Payout{c.owner, z3::ite(here, c.balance, m.u64v(0))};
      escrow = z3::ite(here, escrow - c.balance, escrow);
    }
    e.error = m.first_failure(checks);
    e.post.escrow = escrow;
  }
  // exodus_withdraw [ZK-EXIT-1, 2, 3, 4, 5]
  Effect effect(std::type_identity<zk::ExodusWithdraw>) const {
    Effect e = base();
    claims(e,
           {{!pre.exodus, Error::not_in_exodus},
            {m.state_root(in.accounts_root, in.deposits_credited, in.forced_processed) != m.executed_root(pre, cfg),
             Error::exit_bad_state_opening}},
           m.u64v(1));
    return e;
  }
  // exodus_withdraw_many [ZK-EXIT-1, 6, 2, then per claim 3, 4, 5]: all or nothing
  Effect effect(std::type_identity<zk::ExodusWithdrawMany>) const {
    Effect e = base();
    claims(e,
           {{!pre.exodus, Error::not_in_exodus},
            {in.claim_count == m.u64v(0), Error::exit_no_claims},
            {m.state_root(in.accounts_root, in.deposits_credited, in.forced_processed) != m.executed_root(pre, cfg),
             Error::exit_bad_state_opening}},
           in.claim_count);
    e.domain = e.domain && in.claim_count >= m.u64v(0) && in.claim_count <= m.u64v(claim_slots);
    return e;
  }
  // refund_deposit [ZK-EXIT-1, ZK-REFUND-1..5]
  Effect effect(std::type_identity<zk::RefundDeposit>) const {
    Effect e = base();
    const QueueEntry op = pre.queue.at(in.queue_index);
    e.error = m.first_failure({{!pre.exodus, Error::not_in_exodus},
                               {in.queue_index >= pre.queue.count, Error::refund_unknown_request},
                               {!op.is_deposit, Error::refund_not_deposit},
                               {in.queue_index < pre.priority_executed, Error::refund_deposit_processed},
                               {pre.refunded.contains({in.queue_index}), Error::refund_already_refunded},
                               {pre.escrow < op.amount, Error::refund_escrow_insufficient}});
    e.domain = m.is_u64(in.queue_index);
    e.post.escrow = pre.escrow - op.amount;
    e.refunded = KeyAdd{m.truth(true), {in.queue_index}};
    e.payouts[0] = {op.requester, op.amount};
    return e;
  }
  // pay_withdrawal [ZK-PAY-1..4]; an accepted inclusion binds the record to the batch's root and index
  Effect effect(std::type_identity<zk::PayWithdrawal>) const {
    Effect e = base();
    const BatchRecord b = m.pick_batch(pre, in.pay_batch);
    e.error = m.first_failure({{in.pay_batch >= pre.executed, Error::pay_batch_not_executed},
                               {!in.included, Error::pay_not_included},
                               {pre.paid.contains({in.pay_batch, in.pay_index}), Error::pay_already_paid},
                               {pre.escrow < in.w_amount, Error::pay_escrow_insufficient}});
    e.domain = m.is_u64(in.pay_batch) && m.is_u64(in.pay_index) && m.is_u64(in.w_amount) &&
               z3::implies(in.included, in.w_recipient == m.withdrawal_recipient(b.wroot, in.pay_index) &&
                                            in.w_amount == m.withdrawal_amount(b.wroot, in.pay_index) &&
                                            in.pay_index < b.wcount);
    e.post.escrow = pre.escrow - in.w_amount;
    e.paid = KeyAdd{m.truth(true), {in.pay_batch, in.pay_index}};
    e.payouts[0] = {in.w_recipient, in.w_amount};
    return e;
  }
};

namespace {

Contract select(const expr& c, const Contract& a, const Contract& b) {
  auto m = [&](const expr& x, const expr& y) { return z3::ite(c, x, y); };
  Contract out = b;
  out.escrow = m(a.escrow, b.escrow);
  out.next_account_index = m(a.next_account_index, b.next_account_index);
  out.deposit_count = m(a.deposit_count, b.deposit_count);
  out.forced_count = m(a.forced_count, b.forced_count);
  out.priority_committed = m(a.priority_committed, b.priority_committed);
  out.priority_executed = m(a.priority_executed, b.priority_executed);
  out.committed = m(a.committed, b.committed);
  out.verified = m(a.verified, b.verified);
  out.executed = m(a.executed, b.executed);
  for (std::size_t k = 0; k < out.batches.size(); ++k) {
    const BatchRecord &x = a.batches[k], &y = b.batches[k];
    out.batches[k] = {m(x.number, y.number),         m(x.prev, y.prev),         m(x.post, y.post),
                      m(x.tx_root, y.tx_root),       m(x.tx_count, y.tx_count), m(x.wroot, y.wroot),
                      m(x.wcount, y.wcount),         m(x.pcount, y.pcount),     m(x.public_input, y.public_input),
                      m(x.committed_at, y.committed_at), m(x.priority_first, y.priority_first)};
  }
  out.exodus = m(a.exodus, b.exodus);
  out.exodus_escrow = m(a.exodus_escrow, b.exodus_escrow);
  out.exodus_paid = m(a.exodus_paid, b.exodus_paid);
  return out;
}

KeyAdd select(const expr& c, const KeyAdd& a, const KeyAdd& b) {
  KeyAdd out{z3::ite(c, a.present, b.present), {}};
  for (std::size_t i = 0; i < a.key.size(); ++i) out.key.push_back(z3::ite(c, a.key[i], b.key[i]));
  return out;
}

}  // namespace

Step Model::step(const Config& cfg, const Contract& pre, const Call& in, std::optional<Op> only) const {
  const Transition t{*this, cfg, pre, in};
  std::vector<std::pair<Op, Effect>> effects;
  zk::Operations::for_each([&](auto operation) {
    using Operation = typename decltype(operation)::type;
    constexpr Op code = op_code<Operation>;
    if (only && *only != code) return;
    Effect e = t.effect(operation);
    // Only the payable entry points take value.
    if (code != op_code<zk::DepositNewAccount> && code != op_code<zk::DepositTopUp> &&
        code != op_code<zk::RequestForcedWithdrawal>)
      e.domain = e.domain && in.value == u64v(0);
    effects.emplace_back(code, std::move(e));
  });

  Effect chosen = effects.back().second;
  expr known = in.op == opcode(effects.back().first);
  expr domain = z3::implies(known, chosen.domain);
  expr is_activate = known && truth(effects.back().first == op_code<zk::ActivateExodus>);
  for (std::size_t i = effects.size() - 1; i-- > 0;) {
    const expr is_op = in.op == opcode(effects[i].first);
    const Effect& e = effects[i].second;
    known = known || is_op;
    domain = domain && z3::implies(is_op, e.domain);
    if (effects[i].first == op_code<zk::ActivateExodus>) is_activate = is_activate || is_op;
    chosen.error = z3::ite(is_op, e.error, chosen.error);
    chosen.post = select(is_op, e.post, chosen.post);
    chosen.append_present = z3::ite(is_op, e.append_present, chosen.append_present);
    const QueueEntry &a = e.append, &b = chosen.append;
    chosen.append = {z3::ite(is_op, a.is_deposit, b.is_deposit), z3::ite(is_op, a.id, b.id),
                     z3::ite(is_op, a.recorded_at, b.recorded_at), z3::ite(is_op, a.expiry, b.expiry),
                     z3::ite(is_op, a.requester, b.requester), z3::ite(is_op, a.amount, b.amount)};
    for (std::size_t k = 0; k < claim_slots; ++k) {
      chosen.exited[k] = select(is_op, e.exited[k], chosen.exited[k]);
      chosen.payouts[k] = {z3::ite(is_op, e.payouts[k].to, chosen.payouts[k].to),
                           z3::ite(is_op, e.payouts[k].amount, chosen.payouts[k].amount)};
    }
    chosen.refunded = select(is_op, e.refunded, chosen.refunded);
    chosen.paid = select(is_op, e.paid, chosen.paid);
  }
  // The environment: a known op, every input in range, L1 heights never decrease.
  domain = domain && known && is_u64(in.height) && is_u64(in.value) && is_u32(in.account) && in.height >= pre.now;

  const expr accepted = chosen.error == code(Error::none);
  Step out{chosen.error, select(accepted, chosen.post, pre), {}, domain, u64v(0)};
  out.post.queue = pre.queue;
  if (effects.size() > 1 || effects.front().second.append_present.is_true()) {
    const expr added = accepted && chosen.append_present;
    out.post.queue.appended.push_back({added, pre.queue.count, chosen.append});
    out.post.queue.count = z3::ite(added, pre.queue.count + u64v(1), pre.queue.count);
  }
  out.post.exited = pre.exited;
  for (const KeyAdd& k : chosen.exited) out.post.exited.added.push_back({accepted && k.present, k.key});
  out.post.refunded = pre.refunded;
  out.post.refunded.added.push_back({accepted && chosen.refunded.present, chosen.refunded.key});
  out.post.paid = pre.paid;
  out.post.paid.added.push_back({accepted && chosen.paid.present, chosen.paid.key});
  for (const Payout& p : chosen.payouts) {
    out.payouts.push_back({p.to, z3::ite(accepted, p.amount, u64v(0))});
    out.paid_out = out.paid_out + out.payouts.back().amount;
  }
  out.post.total = z3::ite(accepted, pre.total + in.value - out.paid_out, pre.total);
  out.post.now = z3::ite(accepted, in.height, pre.now);
  // Since activation: what exodus pays out (activate_exodus itself sets the ghosts).
  out.post.exodus_paid =
      z3::ite(accepted && !is_activate && pre.exodus, pre.exodus_paid + out.paid_out, out.post.exodus_paid);
  return out;
}

// ---- Invariants.

expr Model::queue_at(const Queue& q, const Config& cfg, const expr& i, const expr& j, const expr& now) const {
  const QueueEntry a = q.at(i), b = q.at(j);
  const expr in_range = u64v(0) <= i && i < q.count;
  return z3::implies(in_range, is_u64(a.recorded_at) && a.recorded_at <= now &&
                                   a.expiry == saturating_add(a.recorded_at, cfg.expiry_blocks) && is_u64(a.amount) &&
                                   z3::implies(!a.is_deposit, a.amount == u64v(0))) &&
         z3::implies(in_range && i <= j && j < q.count, a.recorded_at <= b.recorded_at);
}

expr Model::typing(const Contract& s, const Config& cfg, const Keys& keys) const {
  // Counts that grow by one per step (the queue's length, deposit_count, ...) are not bounded above:
  // 2^64 steps do not happen.
  expr ok = is_u64(s.escrow) && s.next_account_index >= u64v(1) && s.next_account_index <= u64v(0x100000000ULL) &&
            s.deposit_count >= u64v(0) && s.forced_count >= u64v(0) && s.queue.count >= u64v(0) && is_u64(s.now) &&
            s.committed >= u64v(0) && s.committed <= u64v(batch_slots) && s.exodus_escrow >= u64v(0) &&
            s.exodus_paid >= u64v(0);
  for (std::size_t k = 0; k < batch_slots; ++k) {
    const BatchRecord& b = s.batches[k];
    ok = ok && z3::implies(recorded(s, k), is_u64(b.tx_count) && is_u64(b.wcount) && b.pcount >= u64v(0) &&
                                               b.pcount <= u64v(priority_per_batch) && is_u64(b.committed_at) &&
                                               b.committed_at <= s.now);
  }
  return ok && queue_at(s.queue, cfg, keys.i, keys.j, s.now);
}

expr Model::counters_ordered(const Contract& s) const {
  return u64v(0) <= s.executed && s.executed <= s.verified && s.verified <= s.committed && u64v(0) <= s.priority_executed &&
         s.priority_executed <= s.priority_committed && s.priority_committed <= s.queue.count;
}

expr Model::batches_chain(const Contract& s, const Config& cfg) const {
  expr ok = truth(true);
  for (std::size_t k = 0; k < batch_slots; ++k) {
    const BatchRecord& b = s.batches[k];
    const expr prev = k == 0 ? cfg.genesis_root : s.batches[k - 1].post;
    const expr pi = public_input(cfg, b.number, b.prev, b.post, data_commitment(b.tx_root, b.tx_count, b.wroot, b.wcount),
                                 priority_hash(s.queue, b.priority_first, b.pcount, nullptr));
    ok = ok && z3::implies(recorded(s, k), b.number == u64v(k) && b.prev == prev && b.public_input == pi);
  }
  return ok;
}

expr Model::priority_in_order(const Contract& s) const {
  expr ok = z3::implies(s.committed == u64v(0), s.priority_committed == u64v(0)) &&
            z3::implies(s.executed == u64v(0), s.priority_executed == u64v(0)) &&
            s.deposit_count + s.forced_count == s.queue.count;
  for (std::size_t k = 0; k < batch_slots; ++k) {
    const BatchRecord& b = s.batches[k];
    const expr first = k == 0 ? u64v(0) : s.batches[k - 1].priority_first + s.batches[k - 1].pcount;
    const expr end = b.priority_first + b.pcount;
    ok = ok && z3::implies(recorded(s, k), b.priority_first == first) &&
         z3::implies(s.committed == u64v(k + 1), s.priority_committed == end) &&
         z3::implies(s.executed == u64v(k + 1), s.priority_executed == end);
  }
  return ok;
}

expr Model::verified_only_by_proof(const Contract& s) const {
  expr ok = truth(true);
  for (std::size_t k = 0; k < batch_slots; ++k)
    ok = ok && z3::implies(u64v(k) < s.verified && recorded(s, k), valid_statement(s.batches[k].public_input));
  return ok;
}

expr Model::exodus_state(const Contract& s, const Keys& keys) const {
  return z3::implies(s.exodus, s.committed == s.executed && s.verified == s.executed &&
                                   s.priority_committed == s.priority_executed) &&
         z3::implies(s.exited.contains({keys.exited}), s.exodus) && z3::implies(s.refunded.contains({keys.refunded}), s.exodus);
}

expr Model::refunded_state(const Contract& s, const Keys& keys) const {
  const expr k = keys.refunded;
  return z3::implies(s.refunded.contains({k}),
                     u64v(0) <= k && k < s.queue.count && s.queue.at(k).is_deposit && k >= s.priority_executed);
}

expr Model::exodus_conservation(const Contract& s) const {
  return z3::implies(s.exodus, s.exodus_paid + s.escrow == s.exodus_escrow);
}

expr Model::invariant(const Contract& s, const Config& cfg, const Keys& keys) const {
  return typing(s, cfg, keys) && counters_ordered(s) && batches_chain(s, cfg) && priority_in_order(s) &&
         verified_only_by_proof(s) && exodus_state(s, keys) && refunded_state(s, keys) && conservation(s) &&
         exodus_conservation(s);
}

}  // namespace l2::inv::zk_rollup::model
