// Validium: the ZK rollup's contract (zk_rollup_contract.hpp) in its `committee` data mode. The
// operator posts each batch's header and withdrawals but not its transactions; a committee of
// BIP-340 keys attests that it holds them. A DA proof carries `threshold` distinct members'
// signatures of the batch's da_digest (chain, validium, batch number, data root);
// verify_availability checks it and records the digest, and zk_rollup's commit_batch admits a batch
// only with that digest recorded (ZK-COMMIT-12). The governor replaces the committee, but only
// rotation_delay_blocks after proposing it, a delay longer than a forced withdrawal takes to land
// and expire: a user who distrusts the new committee leaves first, or the rollup freezes. A
// rotation discards every attestation, so a committee rotated out cannot have signed ahead.
//
// Everything else is zk_rollup's, reused unchanged: the priority queue, proving, execution, and
// the freeze (zk_rollup's exodus) with its exits and refunds. Each of its ops is listed in this
// mechanism's operations table as OnRollup<Op>, which runs it on `validium.rollup`.
// spec: validium.md
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/operations.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/zk_rollup.hpp"
#include "l2/ref/zk_rollup_contract.hpp"

namespace l2 {

// spec: validium.md#errors
#define L2_VALIDIUM_ERRORS(X) \
  X(rollup_config, "VD-DEPLOY-1", "zk_rollup's deployment refuses the rollup's configuration or key") \
  X(config_rotation_delay, "VD-DEPLOY-2", "rotation_delay_blocks is not above priority_expiry_blocks + censorship_bound_blocks") \
  X(committee_size, "VD-COM-1", "the committee has no member or more than 64") \
  X(committee_not_sorted, "VD-COM-2", "the members are not strictly ascending (or repeat)") \
  X(committee_member_invalid, "VD-COM-3", "a member is not an x-only key on the curve") \
  X(threshold, "VD-COM-4", "the threshold is 0 or above the committee size") \
  X(frozen, "VD-LIVE-1", "the validium is frozen") \
  X(priority_expired, "VD-LIVE-2", "a priority operation has expired unserved: only the freeze remains") \
  X(da_signature_count, "VD-DA-1", "the DA proof has no signature or more than the committee has members") \
  X(da_not_member, "VD-DA-2", "a signer is not a member of the committee in force") \
  X(da_bad_signature, "VD-DA-3", "a signature is not its signer's BIP-340 signature of the batch's DA digest") \
  X(da_below_threshold, "VD-DA-4", "fewer distinct members signed than the threshold") \
  X(not_governor, "VD-ROT-1", "only the governor proposes a rotation") \
  X(no_pending_rotation, "VD-ROT-2", "no rotation is pending") \
  X(rotation_not_due, "VD-ROT-3", "the rotation's delay has not passed")
L2_ERROR_ENUM(ValidiumError, "VD_", L2_VALIDIUM_ERRORS)

inline constexpr auto all_validium_errors = all_errors(ValidiumError{});

}  // namespace l2

namespace l2::ref::validium {

// Reused from the ZK rollup unchanged (validium.md#what-is-reused-from-the-zk-rollup).
using zk_rollup::CallerInput;
using zk_rollup::CommitBatchInput;
using zk_rollup::da_digest;
using zk_rollup::DataMode;
using zk_rollup::Env;
using zk_rollup::Payout;
using zk_rollup::State;
using zk_rollup::Transaction;
using zk_rollup::ZkConfig;
using zk_rollup::ZkDeployInput;
using zk_rollup::ZkRollup;
using bip340::Bip340Check;
using bip340::SignatureCheck;

inline constexpr std::string_view id_tag = "L2/validium/id";
inline constexpr std::string_view contract_tag = "L2/validium/contract";

// VD-COM-1: the cap bounds the DA check's cost, 64 signature verifications at most.
inline constexpr std::size_t max_committee_size = 64;

// ---------------------------------------------------------------------------------------------
// Identifiers. spec: validium.md#identifiers-and-digests

// The zk rollup's preimage shape (chain, contract, operator, nonce) under this mechanism's own
// tag: no zk or optimistic rollup id equals a validium id but by a SHA-256 collision.
// spec: validium.md#validium_id
constexpr Hash32 validium_id(u64 chain_id, const Hash32& contract, const Hash32& operator_key, u64 nonce) {
  return tagged_hash(id_tag, reflect::encode(optimistic_rollup::RollupIdPreimage{chain_id, contract, operator_key, nonce}));
}

// ---------------------------------------------------------------------------------------------
// State. spec: validium.md#state

// The members in strictly ascending byte order (VD-COM-2).
struct Committee {
  BOOST_HANA_DEFINE_STRUCT(Committee, (std::vector<Hash32>, members), (u32, threshold));
};

struct PendingRotation {
  BOOST_HANA_DEFINE_STRUCT(PendingRotation, (Committee, committee), (u64, activation_height));
};

struct Validium {
  BOOST_HANA_DEFINE_STRUCT(Validium, (ZkRollup, rollup), (Hash32, governor), (Committee, committee),
                           (u64, rotation_delay_blocks), (std::optional<PendingRotation>, pending_rotation));
};

struct CommitteeSignature {
  BOOST_HANA_DEFINE_STRUCT(CommitteeSignature, (Hash32, signer), (bip340::Signature, signature));
};

// The data root is the batch's transactions_root.
struct DAProof {
  BOOST_HANA_DEFINE_STRUCT(DAProof, (u64, batch_number), (Hash32, data_root), (std::vector<CommitteeSignature>, signatures));
};

// ---------------------------------------------------------------------------------------------
// Inputs and effects. spec: validium.md#env-inputs-and-effects

struct ValidiumDeployInput {
  BOOST_HANA_DEFINE_STRUCT(ValidiumDeployInput, (ZkDeployInput, rollup), (Hash32, governor), (Committee, committee),
                           (u64, rotation_delay_blocks));
};

struct VerifyAvailabilityInput {
  BOOST_HANA_DEFINE_STRUCT(VerifyAvailabilityInput, (Hash32, caller), (DAProof, proof));
};

struct ProposeRotationInput {
  BOOST_HANA_DEFINE_STRUCT(ProposeRotationInput, (Hash32, caller), (Committee, committee));
};

// The contract after the call and the value leaving it in the call (the validium's own ops pay
// nothing; the wrapped zk ops pay what they pay).
struct ValidiumEffects {
  BOOST_HANA_DEFINE_STRUCT(ValidiumEffects, (Validium, contract), (std::vector<Payout>, payouts));
};

// The validium's own ops, and the wrapped zk ops, which keep zk_rollup's codes.
using Transition = Result<ValidiumEffects, ValidiumError>;
using RollupTransition = Result<ValidiumEffects, ZkRollupError>;

// ---------------------------------------------------------------------------------------------
// Views and helpers.

// spec: validium.md#contract_root
constexpr Hash32 contract_root(const Validium& v) { return tagged_hash(contract_tag, reflect::encode(v)); }

// What each member signs for a batch of this validium, and what verify_availability records.
// spec: validium.md#da_digest
constexpr Hash32 da_digest_of(const Validium& v, u64 batch_number, const Hash32& data_root) {
  return da_digest(v.rollup.chain_id, v.rollup.rollup_id, batch_number, data_root);
}

constexpr bool is_member(const Committee& committee, const Hash32& key) {
  return std::find(committee.members.begin(), committee.members.end(), key) != committee.members.end();
}

// The number of distinct signers a proof lists: a signer listed twice counts once (VD-DA-4).
constexpr u64 distinct_signers(std::span<const CommitteeSignature> signatures) {
  std::vector<Hash32> signers;
  signers.reserve(signatures.size());
  for (const CommitteeSignature& entry : signatures) signers.push_back(entry.signer);
  std::sort(signers.begin(), signers.end());
  return static_cast<u64>(std::unique(signers.begin(), signers.end()) - signers.begin());
}

constexpr ValidiumEffects effects_of(Validium contract) { return ValidiumEffects{std::move(contract), {}}; }

// ---------------------------------------------------------------------------------------------
// The committee. spec: validium.md#deployment (VD-COM-1..4, also propose_rotation's checks)

constexpr ValidiumError check_committee(const Committee& committee) {
  const std::vector<Hash32>& members = committee.members;
  // Verify: 1 <= len(members) <= 64 [VD-COM-1]
  if (members.empty() || members.size() > max_committee_size) return ValidiumError::committee_size;
  const auto not_ascending = [](const Hash32& a, const Hash32& b) { return !(a < b); };
  // Verify: the members are strictly ascending as 32-byte strings, so distinct [VD-COM-2]
  if (std::adjacent_find(members.begin(), members.end(), not_ascending) != members.end())
    return ValidiumError::committee_not_sorted;
  const auto on_curve = [](const Hash32& member) { return bip340::pubkey_on_curve(member); };
  // Verify: every member is an x-only key on the curve (lift_x succeeds) [VD-COM-3]
  if (!std::all_of(members.begin(), members.end(), on_curve)) return ValidiumError::committee_member_invalid;
  // Verify: 0 < threshold <= len(members) [VD-COM-4]
  if (committee.threshold == 0 || committee.threshold > members.size()) return ValidiumError::threshold;
  return ValidiumError::none;
}

// ---------------------------------------------------------------------------------------------
// Deployment. spec: validium.md#deployment

constexpr Result<Validium, ValidiumError> deploy(const ValidiumDeployInput& in) {
  const Result<ZkRollup, ZkRollupError> rollup = zk_rollup::deploy(in.rollup);
  // Verify: zk_rollup.md's deployment accepts input.rollup: ZK-DEPLOY-1..6 hold [VD-DEPLOY-1]
  if (!rollup) return ValidiumError::rollup_config;
  if (const ValidiumError e = check_committee(in.committee); e != ValidiumError::none) return e;
  const ZkConfig& config = in.rollup.config;
  // A forced withdrawal sent when the proposal is seen lands within B blocks and expires E later.
  const Checked request_window = checked_add(config.priority_expiry_blocks, config.censorship_bound_blocks);
  // Verify: rotation_delay_blocks > priority_expiry_blocks + censorship_bound_blocks, an overflowing sum failing [VD-DEPLOY-2]
  if (request_window.overflow || in.rotation_delay_blocks <= request_window.value)
    return ValidiumError::config_rotation_delay;

  Validium v{};
  v.rollup = rollup.value();
  v.rollup.rollup_id =
      validium_id(in.rollup.chain_id, in.rollup.contract, in.rollup.operator_key, in.rollup.deployment_nonce);
  v.rollup.data_mode = DataMode::committee;
  v.governor = in.governor;
  v.committee = in.committee;
  v.rotation_delay_blocks = in.rotation_delay_blocks;
  return v;
}

// ---------------------------------------------------------------------------------------------
// The frozen rule. spec: validium.md#the-frozen-rule

// Checked first by verify_availability, propose_rotation and activate_rotation.
constexpr ValidiumError check_live(const Validium& v, const Env& env) {
  // Verify: rollup.exodus is false [VD-LIVE-1]
  if (v.rollup.exodus) return ValidiumError::frozen;
  // Verify: no unserved priority operation of rollup has reached its expiry height (ZK-LIVE-2) [VD-LIVE-2]
  if (zk_rollup::unserved_request_expired(v.rollup, env.height)) return ValidiumError::priority_expired;
  return ValidiumError::none;
}

// ---------------------------------------------------------------------------------------------
// spec: validium.md#apply_verify_availability

// By anyone. Every signer's membership is checked before any signature (VD-DA-2 before VD-DA-3),
// so an engine may verify the signatures in any order.
template <SignatureCheck Check = Bip340Check>
constexpr Transition apply_verify_availability(const Validium& v, const VerifyAvailabilityInput& in, const Env& env,
                                               const Check& signature_check = {}) {
  if (const ValidiumError e = check_live(v, env); e != ValidiumError::none) return e;
  const DAProof& proof = in.proof;
  const std::vector<CommitteeSignature>& signatures = proof.signatures;
  // Verify: 1 <= len(signatures) <= len(committee.members) [VD-DA-1]
  if (signatures.empty() || signatures.size() > v.committee.members.size()) return ValidiumError::da_signature_count;
  const auto by_member = [&](const CommitteeSignature& entry) { return is_member(v.committee, entry.signer); };
  // Verify: every signer is a member of the committee in force [VD-DA-2]
  if (!std::all_of(signatures.begin(), signatures.end(), by_member)) return ValidiumError::da_not_member;
  const Hash32 digest = da_digest_of(v, proof.batch_number, proof.data_root);
  const auto signs_digest = [&](const CommitteeSignature& entry) {
    return signature_check(entry.signer, digest, entry.signature);
  };
  // Verify: every signature is its signer's BIP-340 signature of da_digest(chain_id, rollup_id, batch_number, data_root) [VD-DA-3]
  if (!std::all_of(signatures.begin(), signatures.end(), signs_digest)) return ValidiumError::da_bad_signature;
  // Verify: at least committee.threshold distinct signers [VD-DA-4]
  if (distinct_signers(signatures) < v.committee.threshold) return ValidiumError::da_below_threshold;

  ValidiumEffects effects = effects_of(v);
  std::vector<Hash32>& attestations = effects.contract.rollup.data_attestations;
  // The same attestation again is accepted and records nothing new.
  if (std::find(attestations.begin(), attestations.end(), digest) == attestations.end()) attestations.push_back(digest);
  return effects;
}

// ---------------------------------------------------------------------------------------------
// Committee rotation. spec: validium.md#committee-rotation

// spec: validium.md#apply_propose_rotation
constexpr Transition apply_propose_rotation(const Validium& v, const ProposeRotationInput& in, const Env& env) {
  if (const ValidiumError e = check_live(v, env); e != ValidiumError::none) return e;
  // Verify: caller == governor [VD-ROT-1]
  if (in.caller != v.governor) return ValidiumError::not_governor;
  if (const ValidiumError e = check_committee(in.committee); e != ValidiumError::none) return e;

  ValidiumEffects effects = effects_of(v);
  // A new proposal replaces the pending one and restarts the delay.
  effects.contract.pending_rotation = PendingRotation{in.committee, saturating_add(env.height, v.rotation_delay_blocks)};
  return effects;
}

// By anyone, once due. spec: validium.md#apply_activate_rotation
constexpr Transition apply_activate_rotation(const Validium& v, const CallerInput& /*in*/, const Env& env) {
  if (const ValidiumError e = check_live(v, env); e != ValidiumError::none) return e;
  // Verify: pending_rotation is present [VD-ROT-2]
  if (!v.pending_rotation) return ValidiumError::no_pending_rotation;
  // Verify: height >= pending_rotation.activation_height [VD-ROT-3]
  if (env.height < v.pending_rotation->activation_height) return ValidiumError::rotation_not_due;

  ValidiumEffects effects = effects_of(v);
  Validium& c = effects.contract;
  c.committee = v.pending_rotation->committee;
  c.pending_rotation = std::nullopt;
  // No attestation of the committee rotated out survives: it cannot have signed ahead. Batches
  // already committed keep theirs (ZK-COMMIT-12 was checked at their commit).
  c.rollup.data_attestations.clear();
  return effects;
}

// ---------------------------------------------------------------------------------------------
// The operator's side. spec: zk_rollup.md#building-batches-and-proofs, in the committee mode

// A batch as the operator builds it: what commit_batch takes (no transactions posted), the
// transactions the committee keeps and the prover reads, and the full state after them.
struct ValidiumBatch {
  CommitBatchInput commit;
  std::vector<Transaction> transactions;
  State post_state;
};

// zk_rollup's make_zk_batch on `v.rollup`, with the transactions moved off chain. The data root
// the committee signs is commit.header.transactions_root.
template <SignatureCheck Check = Bip340Check>
constexpr Result<ValidiumBatch, OptimisticRollupError> make_validium_batch(const Validium& v, const State& committed_state,
                                                                         std::vector<Transaction> transactions,
                                                                         const Check& signature_check = {}) {
  auto built = zk_rollup::make_zk_batch(v.rollup, committed_state, std::move(transactions), signature_check);
  if (!built) return built.error();
  ValidiumBatch batch;
  batch.commit = std::move(built).value().commit;
  batch.transactions = std::exchange(batch.commit.transactions, {});
  batch.post_state = std::move(built).value().post_state;
  return batch;
}

// ---------------------------------------------------------------------------------------------
// The operations table. spec: validium.md#vector-operations-mechanism-validium
//
// The validium's own ops, then every zk_rollup contract op in zk_rollup's table order, under its
// zk_rollup name, run on `validium.rollup`.

struct VerifyAvailability {
  static constexpr std::string_view name = "verify_availability";
  using State = Validium;
  using Input = VerifyAvailabilityInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& v, const Input& in, const Env& env, const Check& check = {}) {
    return apply_verify_availability(v, in, env, check);
  }
};

struct ProposeRotation {
  static constexpr std::string_view name = "propose_rotation";
  using State = Validium;
  using Input = ProposeRotationInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& v, const Input& in, const Env& env, const Check& = {}) {
    return apply_propose_rotation(v, in, env);
  }
};

struct ActivateRotation {
  static constexpr std::string_view name = "activate_rotation";
  using State = Validium;
  using Input = CallerInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& v, const Input& in, const Env& env, const Check& = {}) {
    return apply_activate_rotation(v, in, env);
  }
};

// A zk_rollup contract op applied to the validium's rollup; the rest of the validium is unchanged
// and the op's payouts are the step's. Its errors are the ZK_* codes.
template <class Op>
struct OnRollup {
  using RollupOperation = Op;
  static constexpr std::string_view name = Op::name;
  using State = Validium;
  using Input = typename Op::Input;
  template <SignatureCheck Check = Bip340Check>
  static constexpr RollupTransition apply(const Validium& v, const Input& in, const Env& env, const Check& check = {}) {
    zk_rollup::Transition next = Op::apply(v.rollup, in, env, check);
    if (!next) return next.error();
    zk_rollup::ZkEffects rollup_effects = std::move(next).value();
    ValidiumEffects effects{v, std::move(rollup_effects.payouts)};
    effects.contract.rollup = std::move(rollup_effects.contract);
    return effects;
  }
};

using DepositNewAccount = OnRollup<zk_rollup::DepositNewAccount>;
using DepositTopUp = OnRollup<zk_rollup::DepositTopUp>;
using RequestForcedWithdrawal = OnRollup<zk_rollup::RequestForcedWithdrawal>;
using CommitBatch = OnRollup<zk_rollup::CommitBatch>;
using ProveBatches = OnRollup<zk_rollup::ProveBatches>;
using ExecuteBatch = OnRollup<zk_rollup::ExecuteBatch>;
using RevertBatches = OnRollup<zk_rollup::RevertBatches>;
using ActivateExodus = OnRollup<zk_rollup::ActivateExodus>;  // the freeze
using ExodusWithdraw = OnRollup<zk_rollup::ExodusWithdraw>;
using ExodusWithdrawMany = OnRollup<zk_rollup::ExodusWithdrawMany>;
using RefundDeposit = OnRollup<zk_rollup::RefundDeposit>;
using PayWithdrawal = OnRollup<zk_rollup::PayWithdrawal>;

// The contract's entry points (deploy, which creates the contract, apart). An op's code is its
// index here: the validium's 3, then zk_rollup's 12.
using Operations = OperationTable<VerifyAvailability, ProposeRotation, ActivateRotation, DepositNewAccount, DepositTopUp,
                                  RequestForcedWithdrawal, CommitBatch, ProveBatches, ExecuteBatch, RevertBatches,
                                  ActivateExodus, ExodusWithdraw, ExodusWithdrawMany, RefundDeposit, PayWithdrawal>;
using ContractOp = Operations::Code;
template <class Op>
inline constexpr ContractOp op_code = Operations::code_of<Op>();

static_assert(Operations::count == 3 + zk_rollup::Operations::count, "every zk_rollup contract op is wrapped once");

}  // namespace l2::ref::validium
