// The validium's contract model: vocabulary, the transition relation op by op, the invariants.
// spec: validium.md#obligations
#include "model.hpp"

#include <type_traits>

namespace l2::inv::validium::model {

Model::Model(z3::context& ctx, Weakening weakening)
    : Vocabulary(ctx, hash_bits),
      weakening_(weakening),
      da_digest_(function(ctx, "da_digest",
                          {ctx.int_sort(), ctx.bv_sort(hash_bits), ctx.int_sort(), ctx.bv_sort(hash_bits)},
                          ctx.bv_sort(hash_bits))),
      validium_id_(function(ctx, "validium_id",
                            {ctx.int_sort(), ctx.bv_sort(hash_bits), ctx.bv_sort(hash_bits), ctx.int_sort()},
                            ctx.bv_sort(hash_bits))),
      signed_(function(ctx, "signed_by", {ctx.bv_sort(hash_bits), ctx.bv_sort(hash_bits)}, ctx.bool_sort())),
      on_curve_(function(ctx, "pubkey_on_curve", {ctx.bv_sort(hash_bits)}, ctx.bool_sort())) {
  const std::vector<std::pair<const char*, bool>> fields = {
      {"chain_id", true}, {"validium_id", false}, {"batch_number", true}, {"data_root", false}};
  for (const auto& [name, integer] : fields)
    da_preimage_.push_back(function(ctx, (std::string("da_digest_inverse.") + name).c_str(), {ctx.bv_sort(hash_bits)},
                                    integer ? ctx.int_sort() : ctx.bv_sort(hash_bits)));
}

expr Model::first_failure(const std::vector<std::pair<expr, expr>>& checks, const expr& rest) const {
  expr result = rest;
  for (auto it = checks.rbegin(); it != checks.rend(); ++it) result = z3::ite(it->first, it->second, result);
  return result;
}

// ---- Cryptography.

expr Model::da_digest(const expr& chain_id, const expr& rollup_id, const expr& batch_number, const expr& data_root) const {
  z3::expr_vector args(ctx());
  for (const expr& e : {chain_id, rollup_id, batch_number, data_root}) args.push_back(e);
  return da_digest_(args);
}

std::vector<expr> Model::da_preimage_of(const expr& digest) const {
  std::vector<expr> out;
  for (const z3::func_decl& f : da_preimage_) out.push_back(f(digest));
  return out;
}

expr Model::da_digest_binds_at(const expr& chain_id, const expr& rollup_id, const expr& batch_number,
                               const expr& data_root) const {
  const std::vector<expr> back = da_preimage_of(da_digest(chain_id, rollup_id, batch_number, data_root));
  return back[0] == chain_id && back[1] == rollup_id && back[2] == batch_number && back[3] == data_root;
}

expr Model::validium_id(const Config& cfg) const {
  z3::expr_vector args(ctx());
  for (const expr& e : {cfg.chain_id, cfg.contract, cfg.operator_key, cfg.nonce}) args.push_back(e);
  return validium_id_(args);
}

expr Model::signed_by(const expr& key, const expr& message) const { return signed_(key, message); }
expr Model::on_curve(const expr& key) const { return on_curve_(key); }

// ---- Configuration, state and inputs.

Config Model::config(const std::string& p) const {
  return {u64(p + ".chain_id"),
          hash(p + ".contract"),
          hash(p + ".operator_key"),
          u64(p + ".deployment_nonce"),
          hash(p + ".governor"),
          u64(p + ".rotation_delay_blocks"),
          u64(p + ".priority_expiry_blocks"),
          u64(p + ".censorship_bound_blocks")};
}

expr Model::config_valid(const Config& c) const {
  return is_u64(c.chain_id) && is_u64(c.nonce) && is_u64(c.rotation_delay) && is_u64(c.expiry_blocks) &&
         is_u64(c.censorship_bound) && c.censorship_bound >= u64v(1) && c.expiry_blocks >= u64v(1) &&
         c.expiry_blocks + c.censorship_bound <= u64max() && c.rotation_delay > c.expiry_blocks + c.censorship_bound;
}

Committee Model::committee(const std::string& p) const {
  Committee c{{}, u64(p + ".members.length"), u64(p + ".threshold")};
  for (std::size_t i = 0; i < member_slots; ++i) c.members.push_back(hash(p + ".members[" + std::to_string(i) + "]"));
  return c;
}

Contract Model::contract(const std::string& p) const {
  const z3::func_decl attested =
      ctx().function((p + ".rollup.data_attestations").c_str(), ctx().bv_sort(hash_bits), ctx().bool_sort());
  const z3::func_decl expiry =
      ctx().function((p + ".rollup.priority_ops.expiry_height").c_str(), ctx().int_sort(), ctx().int_sort());
  return Contract{boolean(p + ".rollup.data_mode_is_committee"),
                  hash(p + ".rollup.rollup_id"),
                  committee(p + ".committee"),
                  Pending{boolean(p + ".pending_rotation.present"), committee(p + ".pending_rotation.committee"),
                          u64(p + ".pending_rotation.activation_height"), u64(p + ".ghost.proposed_at")},
                  DigestSet{[attested](const expr& d) { return attested(d); }, {}},
                  boolean(p + ".rollup.exodus"),
                  Queue{u64(p + ".rollup.priority_ops.length"), [expiry](const expr& k) { return expiry(k); }, {}},
                  u64(p + ".rollup.priority_executed"),
                  u64(p + ".ghost.now")};
}

Call Model::call(const std::string& p) const {
  Call c{ctx().bv_const((p + ".op").c_str(), 8),
         u64(p + ".height"),
         hash(p + ".caller"),
         u64(p + ".batch_number"),
         hash(p + ".data_root"),
         u64(p + ".proof.signatures.length"),
         {},
         committee(p + ".committee"),
         boolean(p + ".rollup_rules_accept"),
         ctx().bv_const((p + ".rollup_error").c_str(), code_bits),
         u64(p + ".priority_consumed")};
  for (std::size_t j = 0; j < member_slots; ++j) {
    const std::string q = p + ".proof.signatures[" + std::to_string(j) + "]";
    c.entries.push_back({hash(q + ".signer"), boolean(q + ".signature_valid")});
  }
  return c;
}

Keys Model::keys(const std::string& p) const {
  return {u64(p + ".priority_ops.i"), u64(p + ".priority_ops.j"), hash(p + ".data_attestations.digest")};
}

expr Model::deployed(Contract& s, const Config& cfg, const Committee& input) const {
  s.attestations.base = [this](const expr&) { return truth(false); };
  return committee_domain(input) && committee_error(input) == none() && same_committee(s.committee, input) &&
         !s.pending.present && !s.exodus && s.queue.count == u64v(0) && s.priority_executed == u64v(0) &&
         s.committee_mode && s.rollup_id == validium_id(cfg) && is_u64(s.now);
}

// ---- The committee.

expr Model::committee_error(const Committee& c) const {
  expr unsorted = truth(false), off_curve = truth(false);
  for (std::size_t i = 0; i < member_slots; ++i) {
    if (i + 1 < member_slots) unsorted = unsorted || (u64v(i + 1) < c.size && !z3::ult(c.members[i], c.members[i + 1]));
    off_curve = off_curve || (u64v(i) < c.size && !on_curve(c.members[i]));
  }
  return first_failure({{c.size == u64v(0) || c.size > u64v(vd::max_committee_size), code(ValidiumError::committee_size)},  // [VD-COM-1]
                        {unsorted, code(ValidiumError::committee_not_sorted)},            // [VD-COM-2]
                        {off_curve, code(ValidiumError::committee_member_invalid)},        // [VD-COM-3]
                        {c.threshold == u64v(0) || c.threshold > c.size, code(ValidiumError::threshold)}},  // [VD-COM-4]
                       none());
}

expr Model::committee_domain(const Committee& c) const {
  return is_u64(c.size) && (c.size <= u64v(member_slots) || c.size > u64v(vd::max_committee_size)) && is_u32(c.threshold);
}

expr Model::same_committee(const Committee& a, const Committee& b) const {
  expr same = a.size == b.size && a.threshold == b.threshold;
  for (std::size_t i = 0; i < member_slots; ++i) same = same && a.members[i] == b.members[i];
  return same;
}

expr Model::well_formed(const Committee& c) const {
  expr ok = c.size >= u64v(1) && c.size <= u64v(member_slots) && c.threshold >= u64v(1) && c.threshold <= c.size;
  for (std::size_t i = 0; i < member_slots; ++i) {
    if (i + 1 < member_slots) ok = ok && z3::implies(u64v(i + 1) < c.size, z3::ult(c.members[i], c.members[i + 1]));
    ok = ok && z3::implies(u64v(i) < c.size, on_curve(c.members[i]));
  }
  return ok;
}

expr Model::signers_among(const Committee& c, const expr& message) const {
  expr n = u64v(0);
  for (std::size_t i = 0; i < member_slots; ++i)
    n = n + z3::ite(u64v(i) < c.size && signed_by(c.members[i], message), u64v(1), u64v(0));
  return n;
}

expr Model::expired(const Contract& s, const expr& height) const {
  return s.priority_executed < s.queue.count && s.queue.expiry(s.priority_executed) <= height;
}

expr Model::distinct_signers(const Call& in) const {
  expr n = u64v(0);
  for (std::size_t j = 0; j < member_slots; ++j) {
    expr first = u64v(j) < in.length;
    for (std::size_t k = 0; k < j; ++k) first = first && in.entries[k].signer != in.entries[j].signer;
    n = n + z3::ite(first, u64v(1), u64v(0));
  }
  return n;
}

expr Model::counted_signers(const Call& in) const {
  if (weakening_ == Weakening::threshold_counts_duplicates) return in.length;
  return distinct_signers(in);
}

expr Model::members_with_valid_entry(const Committee& c, const Call& in) const {
  expr n = u64v(0);
  for (std::size_t i = 0; i < member_slots; ++i) {
    expr valid = truth(false);
    for (std::size_t j = 0; j < member_slots; ++j)
      valid = valid || (u64v(j) < in.length && in.entries[j].signer == c.members[i] && in.entries[j].signature_ok);
    n = n + z3::ite(u64v(i) < c.size && valid, u64v(1), u64v(0));
  }
  return n;
}

// ---- The transition relation.

namespace {

// What one op does, as if accepted: its error (the first failing rule), the state after it, the
// digest it records or whether it clears the attestations, the priority operation it appends, and
// its input domain.
struct Effect {
  expr error;
  Contract post;
  expr attest, digest, clear;
  expr append, append_expiry;
  expr domain;
};

using Checks = std::vector<std::pair<expr, expr>>;

}  // namespace

struct Model::Transition {
  const Model& m;
  const Config& cfg;
  const Contract& pre;
  const Call& in;

  Effect base() const {
    const expr no = m.truth(false);
    return Effect{m.none(), pre, no, m.ctx().bv_val(0, hash_bits), no, no, m.u64v(0), m.truth(true)};
  }
  Checks then(Checks a, const Checks& b) const {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }
  // VD-LIVE-1, VD-LIVE-2: the first checks of the validium's own ops.
  Checks live() const {
    return {{pre.exodus, m.code(ValidiumError::frozen)}, {m.expired(pre, in.height), m.code(ValidiumError::priority_expired)}};
  }
  // ZK-LIVE-1, ZK-LIVE-2: the first checks of every wrapped batch operation and request.
  Checks zk_live() const {
    return {{pre.exodus, m.code(ZkRollupError::exodus_active)},
            {m.expired(pre, in.height), m.code(ZkRollupError::priority_expired)}};
  }
  // The wrapped op's rules the model does not compute: their verdict is free, and on failure the
  // code is any ZK code.
  expr rollup_rules() const { return z3::ite(in.rollup_rules_ok, m.none(), in.rollup_error); }
  // The entry a deposit or a forced-withdrawal request appends to the queue.
  void append(Effect& e) const {
    e.append = m.truth(true);
    e.append_expiry = m.saturating_add(in.height, cfg.expiry_blocks);
  }

  // verify_availability [VD-LIVE-1, 2, VD-DA-1..4]: the digest recorded
  Effect effect(std::type_identity<vd::VerifyAvailability>) const {
    Effect e = base();
    const Committee& c = pre.committee;
    const expr digest = m.da_digest(cfg.chain_id, pre.rollup_id, in.batch_number, in.data_root);
    expr not_member = m.truth(false), bad_signature = m.truth(false);
    for (std::size_t j = 0; j < member_slots; ++j) {
      const Entry& entry = in.entries[j];
      expr member = m.truth(false);
      for (std::size_t i = 0; i < member_slots; ++i) member = member || (m.u64v(i) < c.size && c.members[i] == entry.signer);
      const expr listed = m.u64v(j) < in.length;
      not_member = not_member || (listed && !member);
      bad_signature = bad_signature || (listed && !entry.signature_ok);
      // A signature is valid only if its key's holder signed the message.
      e.domain = e.domain && z3::implies(entry.signature_ok, m.signed_by(entry.signer, digest));
    }
    e.error = m.first_failure(
        then(live(), {{in.length == m.u64v(0) || in.length > c.size, m.code(ValidiumError::da_signature_count)},  // [VD-DA-1]
                      {not_member, m.code(ValidiumError::da_not_member)},                                      // [VD-DA-2]
                      {bad_signature, m.code(ValidiumError::da_bad_signature)},                                // [VD-DA-3]
                      {m.counted_signers(in) < c.threshold, m.code(ValidiumError::da_below_threshold)}}),      // [VD-DA-4]
        m.none());
    // A list longer than the slots is refused by VD-DA-1 (the committee has at most member_slots).
    e.domain = e.domain && m.is_u64(in.batch_number) && m.is_u64(in.length) &&
               (in.length <= m.u64v(member_slots) || in.length > c.size) &&
               m.da_digest_binds_at(cfg.chain_id, pre.rollup_id, in.batch_number, in.data_root);
    e.attest = m.truth(true);
    e.digest = digest;
    return e;
  }
  // propose_rotation [VD-LIVE-1, 2, VD-ROT-1, VD-COM-1..4]: replaces any pending proposal
  Effect effect(std::type_identity<vd::ProposeRotation>) const {
    Effect e = base();
    e.error = m.first_failure(then(live(), {{in.caller != cfg.governor, m.code(ValidiumError::not_governor)}}),
                              m.committee_error(in.committee));
    e.domain = m.committee_domain(in.committee);
    e.post.pending = Pending{m.truth(true), in.committee, m.saturating_add(in.height, cfg.rotation_delay), in.height};
    return e;
  }
  // activate_rotation [VD-LIVE-1, 2, VD-ROT-2, 3]: the pending committee takes over, every
  // attestation is discarded
  Effect effect(std::type_identity<vd::ActivateRotation>) const {
    Effect e = base();
    Checks checks = then(live(), {{!pre.pending.present, m.code(ValidiumError::no_pending_rotation)}});
    if (m.weakening() != Weakening::rotation_without_delay)
      checks.push_back({in.height < pre.pending.activation, m.code(ValidiumError::rotation_not_due)});
    e.error = m.first_failure(checks, m.none());
    e.post.committee = pre.pending.committee;
    e.post.pending.present = m.truth(false);
    e.clear = m.truth(m.weakening() != Weakening::attestations_survive_rotation);
    return e;
  }
  // deposit_new_account [ZK-LIVE-1, 2, then ZK-BRIDGE-1, 2, 4, 5 free]
  Effect effect(std::type_identity<vd::DepositNewAccount>) const {
    Effect e = base();
    e.error = m.first_failure(zk_live(), rollup_rules());
    append(e);
    return e;
  }
  // deposit_top_up [ZK-LIVE-1, 2, then ZK-BRIDGE-1, 2, 3 free]
  Effect effect(std::type_identity<vd::DepositTopUp>) const {
    Effect e = base();
    e.error = m.first_failure(zk_live(), rollup_rules());
    append(e);
    return e;
  }
  // request_forced_withdrawal [ZK-LIVE-1, 2, then ZK-FWQ-1, 2 free]
  Effect effect(std::type_identity<vd::RequestForcedWithdrawal>) const {
    Effect e = base();
    e.error = m.first_failure(zk_live(), rollup_rules());
    append(e);
    return e;
  }
  // commit_batch [ZK-LIVE-1, 2, then ZK-COMMIT-1..11 free, then ZK-COMMIT-12]: in the committee
  // mode, the batch's da_digest must be recorded
  Effect effect(std::type_identity<vd::CommitBatch>) const {
    Effect e = base();
    const expr digest = m.da_digest(cfg.chain_id, pre.rollup_id, in.batch_number, in.data_root);
    e.error = m.first_failure(
        zk_live(),
        z3::ite(in.rollup_rules_ok,
                z3::ite(pre.committee_mode && !pre.attestations.contains(digest),
                        m.code(ZkRollupError::commit_data_not_attested), m.none()),
                in.rollup_error));
    e.domain = m.is_u64(in.batch_number);
    return e;
  }
  // prove_batches [ZK-LIVE-1, 2, then ZK-PROVE-1..3 free]
  Effect effect(std::type_identity<vd::ProveBatches>) const {
    Effect e = base();
    e.error = m.first_failure(zk_live(), rollup_rules());
    return e;
  }
  // execute_batch [ZK-LIVE-1, 2, then ZK-EXEC-1 free]: serves the batch's priority operations, in
  // queue order
  Effect effect(std::type_identity<vd::ExecuteBatch>) const {
    Effect e = base();
    e.error = m.first_failure(zk_live(), rollup_rules());
    e.domain = in.consumed >= m.u64v(0) && pre.priority_executed + in.consumed <= pre.queue.count;
    e.post.priority_executed = pre.priority_executed + in.consumed;
    return e;
  }
  // revert_batches [ZK-LIVE-1, 2, then ZK-COMMIT-1, ZK-REVERT-1, 2 free]
  Effect effect(std::type_identity<vd::RevertBatches>) const {
    Effect e = base();
    e.error = m.first_failure(zk_live(), rollup_rules());
    return e;
  }
  // activate_exodus [ZK-LIVE-1, ZK-EXO-1]: the freeze
  Effect effect(std::type_identity<vd::ActivateExodus>) const {
    Effect e = base();
    e.error = m.first_failure({{pre.exodus, m.code(ZkRollupError::exodus_active)},
                               {!m.expired(pre, in.height), m.code(ZkRollupError::no_expired_request)}},
                              m.none());
    e.post.exodus = m.truth(true);
    return e;
  }
  // exodus_withdraw [ZK-EXIT-1, then ZK-EXIT-2..5 free]
  Effect effect(std::type_identity<vd::ExodusWithdraw>) const {
    Effect e = base();
    e.error = m.first_failure({{!pre.exodus, m.code(ZkRollupError::not_in_exodus)}}, rollup_rules());
    return e;
  }
  // exodus_withdraw_many [ZK-EXIT-1, then ZK-EXIT-6, 2..5 free]
  Effect effect(std::type_identity<vd::ExodusWithdrawMany>) const {
    Effect e = base();
    e.error = m.first_failure({{!pre.exodus, m.code(ZkRollupError::not_in_exodus)}}, rollup_rules());
    return e;
  }
  // refund_deposit [ZK-EXIT-1, then ZK-REFUND-1..5 free]
  Effect effect(std::type_identity<vd::RefundDeposit>) const {
    Effect e = base();
    e.error = m.first_failure({{!pre.exodus, m.code(ZkRollupError::not_in_exodus)}}, rollup_rules());
    return e;
  }
  // pay_withdrawal [ZK-PAY-1..4 free]
  Effect effect(std::type_identity<vd::PayWithdrawal>) const {
    Effect e = base();
    e.error = rollup_rules();
    return e;
  }
};

namespace {

Committee select(const expr& c, const Committee& a, const Committee& b) {
  Committee out{{}, z3::ite(c, a.size, b.size), z3::ite(c, a.threshold, b.threshold)};
  for (std::size_t i = 0; i < a.members.size(); ++i) out.members.push_back(z3::ite(c, a.members[i], b.members[i]));
  return out;
}

// The scalars and slots of `a` where `c`, else of `b` (the attestations and the queue are built
// by step()).
Contract select(const expr& c, const Contract& a, const Contract& b) {
  Contract out = b;
  out.committee_mode = z3::ite(c, a.committee_mode, b.committee_mode);
  out.rollup_id = z3::ite(c, a.rollup_id, b.rollup_id);
  out.committee = select(c, a.committee, b.committee);
  out.pending = Pending{z3::ite(c, a.pending.present, b.pending.present), select(c, a.pending.committee, b.pending.committee),
                        z3::ite(c, a.pending.activation, b.pending.activation),
                        z3::ite(c, a.pending.proposed_at, b.pending.proposed_at)};
  out.exodus = z3::ite(c, a.exodus, b.exodus);
  out.priority_executed = z3::ite(c, a.priority_executed, b.priority_executed);
  return out;
}

}  // namespace

Step Model::step(const Config& cfg, const Contract& pre, const Call& in, std::optional<Op> only) const {
  const Transition t{*this, cfg, pre, in};
  std::vector<std::pair<Op, Effect>> effects;
  vd::Operations::for_each([&](auto operation) {
    using Operation = typename decltype(operation)::type;
    constexpr Op code = op_code<Operation>;
    if (only && *only != code) return;
    effects.emplace_back(code, t.effect(operation));
  });

  Effect chosen = effects.back().second;
  expr known = in.op == opcode(effects.back().first);
  expr domain = z3::implies(known, chosen.domain);
  for (std::size_t i = effects.size() - 1; i-- > 0;) {
    const expr is_op = in.op == opcode(effects[i].first);
    const Effect& e = effects[i].second;
    known = known || is_op;
    domain = domain && z3::implies(is_op, e.domain);
    chosen.error = z3::ite(is_op, e.error, chosen.error);
    chosen.post = select(is_op, e.post, chosen.post);
    chosen.attest = z3::ite(is_op, e.attest, chosen.attest);
    chosen.digest = z3::ite(is_op, e.digest, chosen.digest);
    chosen.clear = z3::ite(is_op, e.clear, chosen.clear);
    chosen.append = z3::ite(is_op, e.append, chosen.append);
    chosen.append_expiry = z3::ite(is_op, e.append_expiry, chosen.append_expiry);
  }
  // The environment: a known op, every input in range, L1 heights never decrease; a wrapped op's
  // free failure is a ZK code.
  const expr zk_code = z3::uge(in.rollup_error, ctx().bv_val(0x101, code_bits)) &&
                       z3::ule(in.rollup_error, ctx().bv_val(0x1ff, code_bits));
  domain = domain && known && is_u64(in.height) && in.height >= pre.now && zk_code;

  const expr accepted = chosen.error == none();
  Step out{chosen.error, select(accepted, chosen.post, pre), domain};
  // The attestations: cleared by an accepted rotation (which records none), else the pre-state's
  // with the recorded digest added.
  const expr cleared = accepted && chosen.clear;
  const DigestSet& before = pre.attestations;
  out.post.attestations.base = [base = before.base, cleared](const expr& d) { return !cleared && base(d); };
  out.post.attestations.added.clear();
  for (const auto& [present, d] : before.added) out.post.attestations.added.emplace_back(present && !cleared, d);
  out.post.attestations.added.emplace_back(accepted && chosen.attest, chosen.digest);
  // The queue: the appended entry, at index len(queue).
  const expr added = accepted && chosen.append;
  out.post.queue = pre.queue;
  out.post.queue.appended.push_back({added, pre.queue.count, chosen.append_expiry});
  out.post.queue.count = z3::ite(added, pre.queue.count + u64v(1), pre.queue.count);
  out.post.now = z3::ite(accepted, in.height, pre.now);
  return out;
}

// ---- Invariants.

expr Model::committee_well_formed(const Contract& s) const {
  return well_formed(s.committee) && z3::implies(s.pending.present, well_formed(s.pending.committee));
}

expr Model::attestations_by_current_committee(const Contract& s, const expr& digest) const {
  return z3::implies(s.attestations.contains(digest), signers_among(s.committee, digest) >= s.committee.threshold);
}

expr Model::rotation_state(const Contract& s, const Config& cfg) const {
  return z3::implies(s.pending.present, is_u64(s.pending.proposed_at) && s.pending.proposed_at <= s.now &&
                                            s.pending.activation ==
                                                saturating_add(s.pending.proposed_at, cfg.rotation_delay));
}

expr Model::data_mode_fixed(const Contract& s, const Config& cfg) const {
  return s.committee_mode && s.rollup_id == validium_id(cfg);
}

expr Model::queue_in_order(const Contract& s, const Config& cfg, const expr& i, const expr& j) const {
  const expr in_range = u64v(0) <= i && i < s.queue.count;
  const expr ei = s.queue.expiry(i);
  return is_u64(s.now) && u64v(0) <= s.priority_executed && s.priority_executed <= s.queue.count &&
         z3::implies(in_range, is_u64(ei) && ei <= saturating_add(s.now, cfg.expiry_blocks)) &&
         z3::implies(in_range && i <= j && j < s.queue.count, ei <= s.queue.expiry(j));
}

expr Model::invariant(const Contract& s, const Config& cfg, const Keys& keys) const {
  return committee_well_formed(s) && attestations_by_current_committee(s, keys.digest) && rotation_state(s, cfg) &&
         data_mode_fixed(s, cfg) && queue_in_order(s, cfg, keys.i, keys.j);
}

}  // namespace l2::inv::validium::model
