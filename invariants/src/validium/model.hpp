// The validium's contract as a Z3 transition relation. spec: validium.md#obligations
//
// THE ABSTRACTION AND ITS BOUNDS
//
// Numbers: every u64 (heights, counts, the threshold) is an exact integer in [0, UINT64_MAX], and
// saturating_add is min(a + b, UINT64_MAX), as in the ZK rollup's model. Keys, roots, ids and
// digests are 64-bit bit-vectors, only compared (members also by unsigned order, VD-COM-2) and
// passed through uninterpreted functions: da_digest(chain_id, rollup_id, batch_number, data_root),
// validium_id(chain_id, contract, operator_key, nonce) and pubkey_on_curve (VD-COM-3). da_digest is
// collision resistant: the ground instances of its inverses at the digest verify_availability
// records give its four fields back. A signature is valid only if the key holder produced it: each
// DA proof entry's BIP-340 verdict is free and implies signed(signer, digest), an uninterpreted
// predicate over (key, message).
//
// State: the validium's own fields (the committee: `member_slots` member slots, the size and the
// threshold; the pending rotation: present, its committee, activation_height, and a ghost, the
// height of the proposal; the governor and rotation_delay_blocks in the configuration), the set
// data_attestations (a membership predicate plus the digests added since), and of the wrapped
// rollup only what the validium's rules, the commit gate and the freeze read: data_mode (committee
// or not), rollup_id, exodus, the priority queue's length and each entry's expiry_height (an
// uninterpreted function of the index plus the entries appended since), priority_executed, and a
// ghost `now` (the height of the last accepted step; L1 heights never decrease).
//
// Not modelled: the rollup's batches, counters other than priority_executed, escrow, accounts,
// exits, refunds, payouts and proofs; zk_rollup's model proves its own obligations over them. Each
// of the 15 ops of the reference's table is a transition: the validium's three rule by rule in the
// reference's order with their codes; each wrapped zk op with its live rules (ZK-LIVE-1/2, or
// ZK-EXIT-1 for the exits and refund) computed, then the verdict of its remaining rules free (any
// ZK code on failure), except ZK-COMMIT-12, which is computed last in commit_batch in the
// committee mode, and ZK-EXO-1, computed. Their effects on the modelled state: the deposits and the
// forced-withdrawal request append an entry expiring at min(height + E, UINT64_MAX);
// execute_batch advances priority_executed by any count that stays within the queue;
// activate_exodus sets exodus; every other wrapped op leaves the modelled state unchanged (none of
// zk_rollup's ops writes data_mode, rollup_id or data_attestations). The wrapped ops are
// over-approximated, so every claim holds of the reference's.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <z3++.h>

#include "l2/inv/validium_model.hpp"
#include "l2/inv/z3_vocabulary.hpp"
#include "l2/ref/validium.hpp"
#include "l2/ref/zk_rollup.hpp"

namespace l2::inv::validium::model {

using z3::expr;
using Op = ref::validium::ContractOp;
using ref::validium::op_code;
namespace vd = ref::validium;
namespace zk = ref::zk_rollup;

constexpr std::string_view mechanism_name = "validium";
constexpr unsigned hash_bits = 64;
constexpr unsigned code_bits = 16;  // ValidiumError codes as they are, ZkRollupError codes at 0x100 + code

struct Config {
  expr chain_id, contract, operator_key, nonce, governor;
  expr rotation_delay, expiry_blocks, censorship_bound;  // D, E, B
};

struct Committee {
  std::vector<expr> members;  // member_slots; the first `size` are the committee
  expr size, threshold;
};

struct Pending {
  expr present;
  Committee committee;
  expr activation, proposed_at;  // proposed_at: a ghost, the height of the governor's proposal
};

struct DigestSet {
  std::function<expr(const expr&)> base;
  std::vector<std::pair<expr, expr>> added;  // (present, digest)
  expr contains(const expr& digest) const {
    expr in = base(digest);
    for (const auto& [present, d] : added) in = in || (present && d == digest);
    return in;
  }
};

struct Queue {
  struct Appended {
    expr present, index, expiry;
  };
  expr count;
  std::function<expr(const expr&)> base;  // expiry_height by index
  std::vector<Appended> appended;
  expr expiry(const expr& k) const {
    expr e = base(k);
    for (const Appended& a : appended) e = z3::ite(a.present && k == a.index, a.expiry, e);
    return e;
  }
};

struct Contract {
  expr committee_mode, rollup_id;  // rollup.data_mode == committee, rollup.rollup_id
  Committee committee;
  Pending pending;
  DigestSet attestations;  // rollup.data_attestations
  expr exodus;
  Queue queue;
  expr priority_executed;
  expr now;  // ghost
};

// One DA proof entry: its signer and the BIP-340 verdict of its signature over the digest.
struct Entry {
  expr signer, signature_ok;
};

// A step's input: the fields every op reads, each op its own.
struct Call {
  expr op, height, caller;
  // verify_availability: the proof; commit_batch: the header's batch_number and transactions_root
  expr batch_number, data_root, length;
  std::vector<Entry> entries;  // member_slots
  Committee committee;         // propose_rotation
  // a wrapped op: the verdict of its rules the model does not compute, and the code it then returns
  expr rollup_rules_ok, rollup_error;
  expr consumed;  // execute_batch: the priority operations its batch consumes
};

struct Step {
  expr error;
  Contract post;
  expr domain;  // the input domain, the environment and the model's bounds
};

// The keys at which the quantified parts of the invariants are read: two queue indices and a digest.
struct Keys {
  expr i, j, digest;
};

class Model : public Vocabulary {
 public:
  Model(z3::context& ctx, Weakening weakening);

  Weakening weakening() const { return weakening_; }

  // ---- Codes.
  expr code(ValidiumError e) const { return ctx().bv_val(static_cast<unsigned>(e), code_bits); }
  expr code(ZkRollupError e) const {
    return ctx().bv_val(e == ZkRollupError::none ? 0u : 0x100u + static_cast<unsigned>(e), code_bits);
  }
  expr none() const { return ctx().bv_val(0, code_bits); }
  expr opcode(Op op) const { return ctx().bv_val(static_cast<unsigned>(op), 8); }
  template <class Operation>
  expr opcode() const {
    return opcode(op_code<Operation>);
  }
  // The code of the first failing check (each a condition and its code), else `rest`.
  expr first_failure(const std::vector<std::pair<expr, expr>>& checks, const expr& rest) const;

  // ---- Cryptography, uninterpreted.
  expr da_digest(const expr& chain_id, const expr& rollup_id, const expr& batch_number, const expr& data_root) const;
  // da_digest's collision resistance at the term da_digest(...): its inverses give its fields back.
  expr da_digest_binds_at(const expr& chain_id, const expr& rollup_id, const expr& batch_number,
                          const expr& data_root) const;
  std::vector<expr> da_preimage_of(const expr& digest) const;
  expr validium_id(const Config& cfg) const;
  expr signed_by(const expr& key, const expr& message) const;
  expr on_curve(const expr& key) const;

  // ---- Configuration, state and inputs.
  Config config(const std::string& p) const;
  // The configurations the obligations range over: D > E + B without overflow (VD-DEPLOY-2), B >= 1
  // (ZK-DEPLOY-1), E >= 1 (ZK-DEPLOY-3 implies it).
  expr config_valid(const Config& c) const;
  Committee committee(const std::string& p) const;
  Contract contract(const std::string& p) const;
  Call call(const std::string& p) const;
  Keys keys(const std::string& p) const;
  // An accepted deploy of `committee` under `cfg` [VD-DEPLOY-1 (the rollup's configuration as
  // config_valid), VD-COM-1..4, VD-DEPLOY-2]: `s` is then the deployed contract (no pending
  // rotation, no attestation, an empty queue, not frozen).
  expr deployed(Contract& s, const Config& cfg, const Committee& committee) const;

  // VD-COM-1..4's first failure on `c` (none when well formed); `c.size` up to member_slots or
  // above 64 (between them, outside the model).
  expr committee_error(const Committee& c) const;
  expr committee_domain(const Committee& c) const;
  expr same_committee(const Committee& a, const Committee& b) const;
  // The number of members of `c` that signed `message` (the members are distinct in a well formed
  // committee).
  expr signers_among(const Committee& c, const expr& message) const;
  // ZK-LIVE-2's test: the oldest unserved priority operation has expired at `height`.
  expr expired(const Contract& s, const expr& height) const;

  // ---- The transition relation: one op (`only`) or any op (the call's op code selects).
  Step step(const Config& cfg, const Contract& pre, const Call& in, std::optional<Op> only) const;
  // What VD-DA-4 counts: the distinct signers of the proof's first `length` entries (the entries
  // under the weakening threshold_counts_duplicates).
  expr counted_signers(const Call& in) const;
  expr distinct_signers(const Call& in) const;
  // The members of the committee in force with a valid entry (signer, signature_ok) in the proof.
  expr members_with_valid_entry(const Committee& c, const Call& in) const;

  // ---- The invariants (validium.md#invariants).
  expr committee_well_formed(const Contract& s) const;
  expr well_formed(const Committee& c) const;
  expr attestations_by_current_committee(const Contract& s, const expr& digest) const;
  expr rotation_state(const Contract& s, const Config& cfg) const;
  expr data_mode_fixed(const Contract& s, const Config& cfg) const;
  // The queue at indices i and j: in range, expiry heights non-decreasing and none above
  // min(now + E, UINT64_MAX); priority_executed <= len(queue); `now` a u64.
  expr queue_in_order(const Contract& s, const Config& cfg, const expr& i, const expr& j) const;
  // All of the above, at the keys.
  expr invariant(const Contract& s, const Config& cfg, const Keys& keys) const;

 private:
  struct Transition;
  Weakening weakening_;
  z3::func_decl da_digest_, validium_id_, signed_, on_curve_;
  std::vector<z3::func_decl> da_preimage_;  // chain_id, validium_id, batch_number, data_root
};

}  // namespace l2::inv::validium::model
