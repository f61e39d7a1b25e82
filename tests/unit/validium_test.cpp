// Validium's reference with real BIP-340 signatures (libsecp256k1 signs, the reference verifies):
// validium_id and da_digest against byte layouts written out from the spec; every rule of the
// deployment and the committee (VD-DEPLOY-1/2, VD-COM-1..4), the frozen rule (VD-LIVE-1/2), the DA
// proof (VD-DA-1..4) and the rotation (VD-ROT-1..3) rejecting at its boundary and accepting one
// step inside it; zk_rollup's ops wrapped on the validium's rollup in the committee mode; the happy
// path attest -> commit -> prove (prove_reexecution) -> execute -> pay; and the attacks and
// limits of validium.md: a signature reused from another batch, validium or chain, a
// below-threshold proof padded with a duplicate, a pre-signed attestation after a rotation, a
// distrusting user leaving before a rotation, a committee that stops signing, an unserved forced
// withdrawal, and the committee's data withholding, which freezes funds. Every accepted call
// conserves value (ValidiumWorld::call). Expected values are the spec's arithmetic, written here by
// hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "l2/ref/encoding.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/secp256k1.hpp"
#include "l2/ref/validium.hpp"
#include "l2/ref/zk_rollup.hpp"
#include "l2/ref/zk_rollup_contract.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/spec_rule_table.hpp"
#include "l2/test/zk_rollup_world.hpp"

namespace {

namespace vd = l2::ref::validium;
namespace zk = l2::ref::zk_rollup;
namespace orl = l2::ref::optimistic_rollup;
namespace oracle = l2::test::libsecp256k1;
using namespace l2::test::zk_world;
using l2::Bytes;
using l2::Hash32;
using l2::u32;
using l2::u64;
using l2::ValidiumError;
using l2::ZkRollupError;
using zk::AccountIndex;
using zk::State;
using zk::Transaction;

constexpr u64 u64_max = ~u64{0};

std::string code(ValidiumError e) { return std::string(l2::error_info(e).code); }
std::string code(ZkRollupError e) { return std::string(l2::error_info(e).code); }
template <class T, class E>
std::string code_of(const l2::Result<T, E>& r) {
  return r.ok() ? std::string("OK") : code(r.error());
}
const std::string accepted = "OK";

// The parties are zk_rollup_world.hpp's (operator_party, alice, bob, carol, watcher, griefer: keys
// 0 .. 5), then the governor; 7 .. 71 are committee candidates. L1 addresses are these x-only keys.
constexpr std::size_t governor = 6;
constexpr std::size_t first_candidate = 7;
constexpr std::size_t candidate_count = 65;  // one more than VD-COM-1 admits
using Keys = l2::test::KeyPool<first_candidate + candidate_count>;

const Keys& key_pool() {
  static const Keys pool = Keys::make("validium_test");
  return pool;
}
const Hash32& key(std::size_t party) { return key_pool().pubkey[party]; }

// `count` candidates from `first`, sorted ascending (VD-COM-2), with the threshold.
vd::Committee committee_of(std::size_t first, std::size_t count, u32 threshold) {
  std::vector<Hash32> members;
  for (std::size_t i = 0; i < count; ++i) members.push_back(key(first_candidate + first + i));
  std::sort(members.begin(), members.end());
  return vd::Committee{members, threshold};
}

// The zk bounds are zk_rollup_world.hpp's test_config, as in zk_rollup_test: B = 6, E = 40.
// E + B = 46; the world's rotation delay D is 50.
constexpr u64 test_delay = 50;

// The world's committee: candidates 0 .. 4, threshold 3.
vd::Committee world_committee() { return committee_of(0, 5, 3); }

Bytes u64_bytes(u64 v) {
  Bytes out;
  l2::put_u64_be(out, v);
  return out;
}

// da_digest written out from validium.md#da_digest: H_"L2/validium/da"(u64 chain || validium id ||
// u64 batch number || data root), 80 bytes, hashed by libsecp256k1.
Hash32 spec_da_digest(u64 chain, const Hash32& validium, u64 batch_number, const Hash32& data_root) {
  Bytes preimage = u64_bytes(chain);
  l2::append(preimage, validium);
  l2::put_u64_be(preimage, batch_number);
  l2::append(preimage, data_root);
  EXPECT_EQ(preimage.size(), 80u);
  return oracle::tagged_hash("L2/validium/da", preimage);
}

vd::CommitteeSignature signature_by(const Hash32& signer, const Hash32& digest) {
  return vd::CommitteeSignature{signer, key_pool().sign(key_pool().index_of(signer), digest)};
}

// One validium (l2/test/zk_rollup_world.hpp) with its committee, whose members 0 .. 2 attest each
// batch in the block before commit_ok commits it.
class ValidiumWorld : public World<ValidiumFace, Keys> {
 public:
  explicit ValidiumWorld(const vd::Committee& committee = world_committee(), u64 delay = test_delay, u64 nonce = 0,
                         u64 chain_id = chain)
      : World(key_pool()) {
    vk = zk::reexecution_verifying_key(test_config.max_batch_size);
    const auto deployed =
        vd::deploy({{chain_id, contract_address, key(operator_party), nonce, test_config, vk}, key(governor), committee, delay});
    EXPECT_TRUE(deployed.ok()) << code_of(deployed);
    contract = deployed.value();
  }

  static constexpr u64 chain = 7;
  static constexpr Hash32 contract_address{0xcc, 0x03};

  const Hash32& member(std::size_t position) const { return contract.committee.members.at(position); }
  std::vector<Hash32> members(std::initializer_list<std::size_t> positions) const {
    std::vector<Hash32> out;
    for (const std::size_t p : positions) out.push_back(member(p));
    return out;
  }

  // The code a call is refused with, on a copy ("OK" if it would be accepted).
  template <class Op>
  std::string refusal(const typename Op::Input& in, u64 height) const {
    return code_of(Op::apply(contract, in, vd::Env{height}));
  }

  // ---- the committee

  // A DA proof of (batch_number, data_root) for this validium, signed by `signers` in that order,
  // over the digest written out from the spec.
  vd::DAProof proof_by(u64 batch_number, const Hash32& data_root, const std::vector<Hash32>& signers) const {
    const Hash32 digest = spec_da_digest(contract.rollup.chain_id, contract.rollup.rollup_id, batch_number, data_root);
    vd::DAProof proof{batch_number, data_root, {}};
    for (const Hash32& signer : signers) proof.signatures.push_back(signature_by(signer, digest));
    return proof;
  }
  vd::VerifyAvailabilityInput attestation(u64 batch_number, const Hash32& data_root,
                                          const std::vector<Hash32>& signers) const {
    return {key(watcher), proof_by(batch_number, data_root, signers)};
  }
  // Members 0, 1 and 2 attest the batch.
  void attest(const vd::ValidiumBatch& batch, u64 height) {
    accept<vd::VerifyAvailability>(
        attestation(batch.commit.header.batch_number, batch.commit.header.transactions_root, members({0, 1, 2})), height);
  }

  // Attested by members 0 .. 2 in the block before the commit.
  void commit_ok(u64 k, const std::vector<Transaction>& user, u64 height) {
    const vd::ValidiumBatch batch = build(k, user);
    attest(batch, height - 1);
    World::commit_ok(batch, height);
  }
};

// The shared states of l2/test/zk_rollup_world.hpp on a ValidiumWorld: batch 0 is attested by
// members 0 .. 2 at 29 and committed at 30.
ValidiumWorld world_at(Stage stage) { return l2::test::zk_world::world_at<ValidiumWorld>(stage); }

// ================================================================================================
// Constant evaluation: the committee rules are constexpr. The generator's x and 2G's x are x-only
// keys (ascending: 0x79be... < 0xc604...); 32 bytes of 0xff are not below p.

constexpr Hash32 generator_x = l2::ref::secp256k1::to_be_bytes(l2::ref::secp256k1::generator.x);
constexpr Hash32 two_g_x{0xc6, 0x04, 0x7f, 0x94, 0x41, 0xed, 0x7d, 0x6d, 0x30, 0x45, 0x40, 0x6e, 0x95, 0xc0, 0x7c, 0xd8,
                         0x5c, 0x77, 0x8e, 0x4b, 0x8c, 0xef, 0x3c, 0xa7, 0xab, 0xac, 0x09, 0xb9, 0x5c, 0x70, 0x9e, 0xe5};
constexpr Hash32 all_ff = [] {
  Hash32 h{};
  for (auto& b : h) b = 0xff;
  return h;
}();

static_assert(generator_x < two_g_x);
static_assert(vd::check_committee(vd::Committee{{generator_x, two_g_x}, 2}) == ValidiumError::none);
static_assert(vd::check_committee(vd::Committee{{generator_x, two_g_x}, 1}) == ValidiumError::none);
static_assert(vd::check_committee(vd::Committee{{generator_x, two_g_x}, 0}) == ValidiumError::threshold);
static_assert(vd::check_committee(vd::Committee{{generator_x, two_g_x}, 3}) == ValidiumError::threshold);
static_assert(vd::check_committee(vd::Committee{{two_g_x, generator_x}, 1}) == ValidiumError::committee_not_sorted);
static_assert(vd::check_committee(vd::Committee{{generator_x, generator_x}, 1}) == ValidiumError::committee_not_sorted);
static_assert(vd::check_committee(vd::Committee{{generator_x, all_ff}, 1}) == ValidiumError::committee_member_invalid);
static_assert(vd::check_committee(vd::Committee{{}, 0}) == ValidiumError::committee_size);
static_assert(vd::max_committee_size == 64);

// ================================================================================================
// The error table and the operations table

TEST(ValidiumErrors, EveryCodeIsARowOfTheSpecAndDistinct) {
  l2::test::expect_rule_table_matches(l2::all_validium_errors, "validium.md", "VD");
}

TEST(ValidiumErrors, TheErrorsSectionListsEveryCodeInTheEnumsOrder) {
  const std::string spec = l2::test::read_spec("validium.md");
  std::size_t at = spec.find("\n## Errors\n");
  ASSERT_NE(at, std::string::npos);
  for (const ValidiumError e : l2::all_validium_errors) {
    const l2::ErrorInfo info = l2::error_info(e);
    const std::string row =
        "| `" + std::string(info.code) + "` | " + std::string(info.rule_id) + " | " + std::string(info.summary) + " |";
    const std::size_t found = spec.find(row, at);
    ASSERT_NE(found, std::string::npos) << "the Errors table has no row, after the previous one, " << row;
    at = found;
  }
  EXPECT_EQ(l2::all_validium_errors.size(), 15u);
}

TEST(ValidiumOperations, TheValidiumsOpsThenEveryZkOpInItsOrder) {
  const std::vector<std::string_view> expected{
      "verify_availability", "propose_rotation", "activate_rotation", "deposit_new_account", "deposit_top_up",
      "request_forced_withdrawal", "commit_batch", "prove_batches", "execute_batch", "revert_batches",
      "activate_exodus", "exodus_withdraw", "exodus_withdraw_many", "refund_deposit", "pay_withdrawal"};
  ASSERT_EQ(vd::Operations::count, expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(vd::Operations::names[i], expected[i]);
  EXPECT_EQ(vd::Operations::index(vd::op_code<vd::CommitBatch>), 6u);
  EXPECT_EQ(vd::Operations::parse("activate_exodus"), vd::op_code<vd::ActivateExodus>);
  // Dispatch by code reaches the wrapped op, acting on the validium's rollup.
  const ValidiumWorld w = world_at(Stage::deployed);
  const std::string refused = vd::Operations::visit(vd::op_code<vd::ExecuteBatch>, [&](auto op) {
    using Op = typename decltype(op)::type;
    if constexpr (std::is_same_v<typename Op::Input, zk::CallerInput>) {
      return code_of(Op::apply(w.contract, zk::CallerInput{key(watcher)}, vd::Env{22}));
    } else {
      return std::string("wrong input type");
    }
  });
  EXPECT_EQ(refused, code(ZkRollupError::execute_not_verified));
}

// ================================================================================================
// Identifiers and digests, against the byte layouts of validium.md#identifiers-and-digests

TEST(ValidiumDigests, ValidiumIdIsTheTaggedHashOfChainContractOperatorNonce) {
  const Hash32 op{0x02, 0x03};
  Bytes preimage = u64_bytes(9);
  l2::append(preimage, Hash32{0xab});
  l2::append(preimage, op);
  l2::put_u64_be(preimage, 4);
  ASSERT_EQ(preimage.size(), 80u);
  EXPECT_EQ(vd::validium_id(9, Hash32{0xab}, op, 4), oracle::tagged_hash("L2/validium/id", preimage));
  // Its own tag: never the zk rollup's or the optimistic rollup's id of the same deployment.
  EXPECT_NE(vd::validium_id(9, Hash32{0xab}, op, 4), zk::rollup_id(9, Hash32{0xab}, op, 4));
  EXPECT_NE(vd::validium_id(9, Hash32{0xab}, op, 4), orl::rollup_id(9, Hash32{0xab}, op, 4));
}

TEST(ValidiumDigests, DaDigestBindsChainValidiumBatchAndDataRoot) {
  const ValidiumWorld w;
  const Hash32 root{0x71};
  const Hash32 digest = vd::da_digest_of(w.contract, 3, root);
  EXPECT_EQ(digest, spec_da_digest(ValidiumWorld::chain, w.contract.rollup.rollup_id, 3, root));
  EXPECT_NE(digest, vd::da_digest_of(w.contract, 4, root));
  EXPECT_NE(digest, vd::da_digest_of(w.contract, 3, Hash32{0x72}));
  EXPECT_NE(digest, vd::da_digest(ValidiumWorld::chain + 1, w.contract.rollup.rollup_id, 3, root));
}

TEST(ValidiumDigests, ContractRootIsTheTaggedHashOfTheEncodedValidium) {
  ValidiumWorld w = world_at(Stage::deployed);
  w.accept<vd::ProposeRotation>({key(governor), committee_of(2, 5, 3)}, 22);
  const Bytes encoded = l2::reflect::encode(w.contract);
  // enc(Validium) = enc(ZkRollup) || governor || enc(committee) || u64 D || optional pending.
  const Bytes rollup = l2::reflect::encode(w.contract.rollup);
  const std::size_t committee_bytes = 4 + 5 * 32 + 4;
  const std::size_t pending_bytes = 1 + committee_bytes + 8;
  EXPECT_EQ(encoded.size(), rollup.size() + 32 + committee_bytes + 8 + pending_bytes);
  EXPECT_EQ(vd::contract_root(w.contract), oracle::tagged_hash("L2/validium/contract", encoded));
}

// ================================================================================================
// Deployment [VD-DEPLOY-1, VD-COM-1 .. VD-COM-4, VD-DEPLOY-2]

vd::ValidiumDeployInput deploy_input(const vd::Committee& committee, u64 delay = test_delay,
                                     const zk::ZkConfig& config = test_config) {
  return vd::ValidiumDeployInput{
      {1, Hash32{0x0d}, key(operator_party), 2, config, zk::reexecution_verifying_key(config.max_batch_size)},
      key(governor),
      committee,
      delay};
}

std::string deploy_code(const vd::ValidiumDeployInput& in) { return code_of(vd::deploy(in)); }

TEST(ValidiumDeploy, TheZkDeploymentInTheCommitteeModeUnderTheValidiumId) {
  const vd::ValidiumDeployInput in = deploy_input(world_committee());
  const auto deployed = vd::deploy(in);
  ASSERT_TRUE(deployed.ok()) << code_of(deployed);
  zk::ZkRollup rollup = zk::deploy(in.rollup).value();
  rollup.rollup_id = vd::validium_id(1, Hash32{0x0d}, key(operator_party), 2);
  rollup.data_mode = zk::DataMode::committee;
  vd::Validium expected{};
  expected.rollup = rollup;
  expected.governor = key(governor);
  expected.committee = world_committee();
  expected.rotation_delay_blocks = test_delay;
  L2_EXPECT_FIELDS_EQ(expected, deployed.value());
  EXPECT_FALSE(deployed.value().pending_rotation.has_value());
  EXPECT_TRUE(deployed.value().rollup.data_attestations.empty());
}

TEST(ValidiumDeploy, AZkBoundBrokenIsTheRollupConfiguration) {
  // VD-DEPLOY-1: each zk rule broken once (which one is zk_rollup's vectors' business).
  zk::ZkConfig no_bound = test_config;
  no_bound.censorship_bound_blocks = 0;
  EXPECT_EQ(deploy_code(deploy_input(world_committee(), test_delay, no_bound)), code(ValidiumError::rollup_config));
  zk::ZkConfig short_expiry = test_config;
  short_expiry.priority_expiry_blocks = 29;  // not above 3 * 6 + 11
  EXPECT_EQ(deploy_code(deploy_input(world_committee(), test_delay, short_expiry)), code(ValidiumError::rollup_config));
  vd::ValidiumDeployInput small_key = deploy_input(world_committee());
  small_key.rollup.verifying_key = zk::reexecution_verifying_key(3);  // below max_batch_size 4
  EXPECT_EQ(deploy_code(small_key), code(ValidiumError::rollup_config));
  // VD-DEPLOY-1 comes first: a broken zk bound and a threshold of 0 give VD_ROLLUP_CONFIG.
  EXPECT_EQ(deploy_code(deploy_input(committee_of(0, 5, 0), test_delay, no_bound)), code(ValidiumError::rollup_config));
}

TEST(ValidiumDeploy, CommitteeSizeFromOneTo64) {
  // VD-COM-1: 0 members refused; 1 accepted; 64 accepted; 65 refused.
  EXPECT_EQ(deploy_code(deploy_input(vd::Committee{{}, 1})), code(ValidiumError::committee_size));
  EXPECT_EQ(deploy_code(deploy_input(committee_of(0, 1, 1))), accepted);
  EXPECT_EQ(deploy_code(deploy_input(committee_of(0, 64, 64))), accepted);
  EXPECT_EQ(deploy_code(deploy_input(committee_of(0, 65, 1))), code(ValidiumError::committee_size));
  // With 65 the size is reported before anything else is read: a threshold of 0 too.
  EXPECT_EQ(deploy_code(deploy_input(committee_of(0, 65, 0))), code(ValidiumError::committee_size));
}

TEST(ValidiumDeploy, MembersStrictlyAscending) {
  // VD-COM-2: two neighbours swapped; a member repeated (not strictly ascending).
  vd::Committee swapped = world_committee();
  std::swap(swapped.members[1], swapped.members[2]);
  EXPECT_EQ(deploy_code(deploy_input(swapped)), code(ValidiumError::committee_not_sorted));
  vd::Committee last_two_swapped = world_committee();
  std::swap(last_two_swapped.members[3], last_two_swapped.members[4]);
  EXPECT_EQ(deploy_code(deploy_input(last_two_swapped)), code(ValidiumError::committee_not_sorted));
  vd::Committee repeated = world_committee();
  repeated.members[2] = repeated.members[1];
  EXPECT_EQ(deploy_code(deploy_input(repeated)), code(ValidiumError::committee_not_sorted));
  // Sorting is checked before the curve: an unsorted list with an off-curve key is VD-COM-2.
  vd::Committee both = world_committee();
  both.members.push_back(key(Keys::off_curve));  // a small x: sorts first, here last
  EXPECT_EQ(deploy_code(deploy_input(both)), code(ValidiumError::committee_not_sorted));
}

TEST(ValidiumDeploy, EveryMemberOnTheCurve) {
  // VD-COM-3: an x with no curve point (it sorts first); an x not below p (it sorts last).
  vd::Committee off_curve = world_committee();
  off_curve.members.insert(off_curve.members.begin(), key(Keys::off_curve));
  ASSERT_TRUE(std::is_sorted(off_curve.members.begin(), off_curve.members.end()));
  EXPECT_EQ(deploy_code(deploy_input(off_curve)), code(ValidiumError::committee_member_invalid));
  vd::Committee above_p = world_committee();
  above_p.members.push_back(all_ff);
  EXPECT_EQ(deploy_code(deploy_input(above_p)), code(ValidiumError::committee_member_invalid));
  // VD-COM-3 comes before VD-COM-4.
  off_curve.threshold = 0;
  EXPECT_EQ(deploy_code(deploy_input(off_curve)), code(ValidiumError::committee_member_invalid));
}

TEST(ValidiumDeploy, ThresholdFromOneToTheSize) {
  // VD-COM-4 on 5 members: 0 refused, 1 accepted, 5 (= size) accepted, 6 (= size + 1) refused.
  EXPECT_EQ(deploy_code(deploy_input(committee_of(0, 5, 0))), code(ValidiumError::threshold));
  EXPECT_EQ(deploy_code(deploy_input(committee_of(0, 5, 1))), accepted);
  EXPECT_EQ(deploy_code(deploy_input(committee_of(0, 5, 5))), accepted);
  EXPECT_EQ(deploy_code(deploy_input(committee_of(0, 5, 6))), code(ValidiumError::threshold));
  // On 64 members: 65 refused.
  EXPECT_EQ(deploy_code(deploy_input(committee_of(0, 64, 65))), code(ValidiumError::threshold));
  // Far above the size, at the top of u32.
  EXPECT_EQ(deploy_code(deploy_input(committee_of(0, 5, ~u32{0}))), code(ValidiumError::threshold));
}

TEST(ValidiumDeploy, RotationDelayAboveExpiryPlusCensorshipBound) {
  // VD-DEPLOY-2: E + B = 46: D = 45 and 46 refused, 47 accepted.
  EXPECT_EQ(deploy_code(deploy_input(world_committee(), 45)), code(ValidiumError::config_rotation_delay));
  EXPECT_EQ(deploy_code(deploy_input(world_committee(), 46)), code(ValidiumError::config_rotation_delay));
  EXPECT_EQ(deploy_code(deploy_input(world_committee(), 47)), accepted);
  EXPECT_EQ(deploy_code(deploy_input(world_committee(), 0)), code(ValidiumError::config_rotation_delay));
  // At the top of u64 (E stays above 3B + P = 29): E + B = UINT64_MAX - 1 admits D = UINT64_MAX;
  // E + B = UINT64_MAX leaves no D above it; E + B overflowing is refused.
  zk::ZkConfig high = test_config;
  high.priority_expiry_blocks = u64_max - 7;
  EXPECT_EQ(deploy_code(deploy_input(world_committee(), u64_max, high)), accepted);
  high.priority_expiry_blocks = u64_max - 6;
  EXPECT_EQ(deploy_code(deploy_input(world_committee(), u64_max, high)), code(ValidiumError::config_rotation_delay));
  high.priority_expiry_blocks = u64_max - 5;
  EXPECT_EQ(deploy_code(deploy_input(world_committee(), u64_max, high)), code(ValidiumError::config_rotation_delay));
  high.priority_expiry_blocks = u64_max;
  EXPECT_EQ(deploy_code(deploy_input(world_committee(), u64_max, high)), code(ValidiumError::config_rotation_delay));
  // The committee comes before the delay.
  EXPECT_EQ(deploy_code(deploy_input(committee_of(0, 5, 0), 46)), code(ValidiumError::threshold));
}

// ================================================================================================
// The frozen rule [VD-LIVE-1, VD-LIVE-2] on the validium's own ops

TEST(ValidiumLive, EveryValidiumOpStopsAtTheExpiryHeightAndInTheFreeze) {
  // The stalled world with a proposal at 29, due at 79, one block before op 2 expires (80).
  ValidiumWorld w;
  w.deposit_new(alice, alice, 5000, 20);
  w.deposit_new(bob, bob, 3000, 21);
  w.accept<vd::ProposeRotation>({key(governor), committee_of(2, 5, 3)}, 29);
  w.commit_ok(2, {w.transfer(alice, 1, 2, 1000, 10, 0), w.withdrawal(alice, 1, alice_l1, 500, 5, 1)}, 30);
  w.prove_ok(1, 31);
  w.execute_ok(32);
  w.request(alice, 1, alice_l1, 40);
  w.deposit_new(carol, carol, 700, 41);
  const vd::ValidiumBatch next = w.build(2, {});
  const vd::VerifyAvailabilityInput attest =
      w.attestation(1, next.commit.header.transactions_root, w.members({0, 1, 2}));
  const vd::ProposeRotationInput propose{key(governor), committee_of(1, 5, 2)};
  const zk::CallerInput activate{key(griefer)};
  // At 79 each is accepted.
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(attest, 79), accepted);
  EXPECT_EQ(w.refusal<vd::ProposeRotation>(propose, 79), accepted);
  EXPECT_EQ(w.refusal<vd::ActivateRotation>(activate, 79), accepted);
  // At 80 (the expiry height exactly) and 81: VD-LIVE-2.
  for (const u64 height : {80u, 81u}) {
    EXPECT_EQ(w.refusal<vd::VerifyAvailability>(attest, height), code(ValidiumError::priority_expired)) << height;
    EXPECT_EQ(w.refusal<vd::ProposeRotation>(propose, height), code(ValidiumError::priority_expired)) << height;
    EXPECT_EQ(w.refusal<vd::ActivateRotation>(activate, height), code(ValidiumError::priority_expired)) << height;
  }
  // Frozen: VD-LIVE-1, which comes first.
  w.accept<vd::ActivateExodus>({key(watcher)}, 80);
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(attest, 90), code(ValidiumError::frozen));
  EXPECT_EQ(w.refusal<vd::ProposeRotation>(propose, 90), code(ValidiumError::frozen));
  EXPECT_EQ(w.refusal<vd::ActivateRotation>(activate, 90), code(ValidiumError::frozen));
}

// ================================================================================================
// verify_availability [VD-DA-1 .. VD-DA-4]

TEST(ValidiumAvailability, ExactlyThresholdDistinctSignersRecordTheDigest) {
  ValidiumWorld w;
  const Hash32 root{0x51};
  const vd::ValidiumEffects e = w.accept<vd::VerifyAvailability>(w.attestation(0, root, w.members({0, 1, 2})), 10);
  expect_payouts(e, {});
  ASSERT_EQ(e.contract.rollup.data_attestations.size(), 1u);
  EXPECT_EQ(e.contract.rollup.data_attestations[0], spec_da_digest(ValidiumWorld::chain, w.contract.rollup.rollup_id, 0, root));
  // Nothing else changes.
  vd::Validium unchanged = e.contract;
  unchanged.rollup.data_attestations.clear();
  L2_EXPECT_FIELDS_EQ(ValidiumWorld().contract, unchanged);
  // The same proof again: accepted, nothing new recorded.
  const vd::ValidiumEffects again = w.accept<vd::VerifyAvailability>(w.attestation(0, root, w.members({0, 1, 2})), 11);
  EXPECT_EQ(again.contract.rollup.data_attestations.size(), 1u);
  // Another batch's attestation is a second entry.
  EXPECT_EQ(w.accept<vd::VerifyAvailability>(w.attestation(1, root, w.members({2, 3, 4})), 12)
                .contract.rollup.data_attestations.size(),
            2u);
}

TEST(ValidiumAvailability, SignerCountsAtTheirEdges) {
  const ValidiumWorld w;  // 5 members, threshold 3
  const Hash32 root{0x52};
  // VD-DA-4: threshold - 1 = 2 distinct refused; 3 (in any order) and all 5 accepted.
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, w.members({0, 4})), 10),
            code(ValidiumError::da_below_threshold));
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, w.members({4, 0, 2})), 10), accepted);
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, w.members({0, 1, 2, 3, 4})), 10), accepted);
  // A duplicated signer counts once: 3 distinct plus a repeat accepted; 2 distinct with a repeat
  // making 3 entries refused; one member listed 3 times refused.
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, w.members({0, 1, 2, 1})), 10), accepted);
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, w.members({0, 1, 0})), 10),
            code(ValidiumError::da_below_threshold));
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, w.members({3, 3, 3})), 10),
            code(ValidiumError::da_below_threshold));
  // 2 distinct padded to 5 entries (= the size): VD-DA-1 passes, VD-DA-4 refuses.
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, w.members({0, 1, 0, 1, 0})), 10),
            code(ValidiumError::da_below_threshold));
  // VD-DA-1: no signature; 6 entries (size + 1), even with 3 distinct valid signers.
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, {}), 10), code(ValidiumError::da_signature_count));
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, w.members({0, 1, 2, 3, 4, 0})), 10),
            code(ValidiumError::da_signature_count));
}

TEST(ValidiumAvailability, ThresholdEqualToTheSize) {
  // 5 of 5: all five accepted; four distinct plus a repeat (5 entries) refused.
  const ValidiumWorld w(committee_of(0, 5, 5));
  const Hash32 root{0x53};
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, w.members({0, 1, 2, 3, 4})), 10), accepted);
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, w.members({0, 1, 2, 3, 3})), 10),
            code(ValidiumError::da_below_threshold));
}

TEST(ValidiumAvailability, SixtyFourMembersAllSigning) {
  const ValidiumWorld w(committee_of(0, 64, 64));
  const Hash32 root{0x54};
  std::vector<Hash32> all = w.contract.committee.members;
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, all), 10), accepted);
  // 63 distinct and one repeat: 64 entries, one short of the threshold.
  std::vector<Hash32> one_short = all;
  one_short.back() = one_short.front();
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, one_short), 10),
            code(ValidiumError::da_below_threshold));
  // 65 entries: more than the committee has members.
  all.push_back(all.front());
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, all), 10), code(ValidiumError::da_signature_count));
}

TEST(ValidiumAvailability, OnlyMembersAndOnlyTheirSignaturesOfThisDigest) {
  const ValidiumWorld w;
  const Hash32 root{0x55};
  // VD-DA-2: a non-member's valid signature (alice's; the governor's), anywhere in the list.
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(0, root, {w.member(0), w.member(1), key(alice)}), 10),
            code(ValidiumError::da_not_member));
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(
                w.attestation(0, root, {key(governor), w.member(0), w.member(1), w.member(2)}), 10),
            code(ValidiumError::da_not_member));
  // A candidate who is not in this committee (candidate 5).
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(
                w.attestation(0, root, {w.member(0), w.member(1), key(first_candidate + 5)}), 10),
            code(ValidiumError::da_not_member));
  // VD-DA-3: one byte of one signature changed.
  vd::VerifyAvailabilityInput tampered = w.attestation(0, root, w.members({0, 1, 2}));
  tampered.proof.signatures[1].signature[63] ^= 1;
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(tampered, 10), code(ValidiumError::da_bad_signature));
  // A member's signature under another member's name.
  vd::VerifyAvailabilityInput misattributed = w.attestation(0, root, w.members({0, 1, 2}));
  misattributed.proof.signatures[2].signer = w.member(3);
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(misattributed, 10), code(ValidiumError::da_bad_signature));
  // A bad signature on a repeated signer is refused even though the signer counted already.
  vd::VerifyAvailabilityInput bad_repeat = w.attestation(0, root, w.members({0, 1, 2, 2}));
  bad_repeat.proof.signatures[3].signature[0] ^= 1;
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(bad_repeat, 10), code(ValidiumError::da_bad_signature));
  // VD-DA-2 before VD-DA-3 over the whole list: a bad signature first, a non-member last.
  vd::VerifyAvailabilityInput both = w.attestation(0, root, {w.member(0), w.member(1), key(alice)});
  both.proof.signatures[0].signature[5] ^= 1;
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(both, 10), code(ValidiumError::da_not_member));
  // VD-DA-3 before VD-DA-4: two members, one signature bad.
  vd::VerifyAvailabilityInput short_and_bad = w.attestation(0, root, w.members({0, 1}));
  short_and_bad.proof.signatures[0].signature[5] ^= 1;
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(short_and_bad, 10), code(ValidiumError::da_bad_signature));
  // The signature check is the transition's parameter: one that refuses all gives VD-DA-3.
  EXPECT_EQ(code_of(vd::apply_verify_availability(w.contract, w.attestation(0, root, w.members({0, 1, 2})), vd::Env{10},
                                                   RejectAll{})),
            code(ValidiumError::da_bad_signature));
}

TEST(ValidiumAvailability, ASignatureOfAnotherBatchRootValidiumOrChainDoesNotVerify) {
  const ValidiumWorld w;
  const Hash32 root{0x56};
  // Signed for batch 0, presented for batch 1 (the attack adversarial/invalid_signature_from_another_batch).
  vd::VerifyAvailabilityInput other_batch = w.attestation(0, root, w.members({0, 1, 2}));
  other_batch.proof.batch_number = 1;
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(other_batch, 10), code(ValidiumError::da_bad_signature));
  // Signed for another data root of the same batch.
  vd::VerifyAvailabilityInput other_root = w.attestation(0, Hash32{0x57}, w.members({0, 1, 2}));
  other_root.proof.data_root = root;
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(other_root, 10), code(ValidiumError::da_bad_signature));
  // Signed by the same committee for another validium (another nonce) and another chain.
  const ValidiumWorld other_validium(world_committee(), test_delay, 1);
  const ValidiumWorld other_chain(world_committee(), test_delay, 0, ValidiumWorld::chain + 1);
  ASSERT_EQ(other_validium.contract.committee.members, w.contract.committee.members);
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(other_validium.attestation(0, root, w.members({0, 1, 2})), 10),
            code(ValidiumError::da_bad_signature));
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(other_chain.attestation(0, root, w.members({0, 1, 2})), 10),
            code(ValidiumError::da_bad_signature));
  // Each is accepted where it was signed.
  EXPECT_EQ(other_validium.refusal<vd::VerifyAvailability>(other_validium.attestation(0, root, w.members({0, 1, 2})), 10),
            accepted);
}

// ================================================================================================
// commit_batch in the committee mode [ZK-COMMIT-10, ZK-COMMIT-12], wrapped

TEST(ValidiumCommit, AnAttestedBatchWithNoTransactionsPosted) {
  ValidiumWorld w = world_at(Stage::deployed);
  const vd::ValidiumBatch batch = w.build(2, {w.transfer(alice, 1, 2, 1000, 10, 0)});
  EXPECT_TRUE(batch.commit.transactions.empty());
  EXPECT_EQ(batch.transactions.size(), 3u);
  EXPECT_EQ(batch.commit.header.transactions_root, orl::transactions_root(batch.transactions));
  // Not attested.
  EXPECT_EQ(w.refusal<vd::CommitBatch>(batch.commit, 30), code(ZkRollupError::commit_data_not_attested));
  // Attested for another data root, and for another batch number with this root.
  w.accept<vd::VerifyAvailability>(w.attestation(0, Hash32{0x99}, w.members({0, 1, 2})), 28);
  w.accept<vd::VerifyAvailability>(w.attestation(1, batch.commit.header.transactions_root, w.members({0, 1, 2})), 28);
  EXPECT_EQ(w.refusal<vd::CommitBatch>(batch.commit, 30), code(ZkRollupError::commit_data_not_attested));
  w.attest(batch, 29);
  // The transactions posted: refused in the committee mode (ZK-COMMIT-10 comes before ZK-COMMIT-12).
  zk::CommitBatchInput posted = batch.commit;
  posted.transactions = batch.transactions;
  EXPECT_EQ(w.refusal<vd::CommitBatch>(posted, 30), code(ZkRollupError::commit_data_shape));
  const vd::ValidiumEffects e = w.accept<vd::CommitBatch>(batch.commit, 30);
  EXPECT_EQ(e.contract.rollup.committed, 1u);
  EXPECT_EQ(e.contract.rollup.priority_committed, 2u);
  // The validium's own fields are untouched by a wrapped op.
  EXPECT_EQ(e.contract.committee.members, world_committee().members);
  EXPECT_EQ(e.contract.governor, key(governor));
}

TEST(ValidiumCommit, AWrappedOpsPayoutsAreTheSteps) {
  ValidiumWorld w = world_at(Stage::executed);
  // ZK-FWQ-1 keeps its code through the wrapper; the accepted request pays the fee to the operator.
  EXPECT_EQ(w.refusal<vd::RequestForcedWithdrawal>({key(griefer), 1, bob_l1, 16}, 40),
            code(ZkRollupError::forced_withdrawal_fee));
  const vd::ValidiumEffects e = w.accept<vd::RequestForcedWithdrawal>({key(griefer), 2, bob_l1, 17}, 40);
  expect_payouts(e, {{key(operator_party), 17}});
  EXPECT_EQ(e.contract.rollup.priority_ops.back().expiry_height, 80u);
}

// ================================================================================================
// The happy path: deposit, attest, commit, prove (reexecution), execute, pay

TEST(ValidiumHappyPath, AttestCommitProveExecutePay) {
  ValidiumWorld w = world_at(Stage::deployed);
  EXPECT_EQ(w.contract.rollup.escrow, 8000u);
  const vd::ValidiumBatch batch =
      w.build(2, {w.transfer(alice, 1, 2, 1000, 10, 0), w.withdrawal(alice, 1, alice_l1, 500, 5, 1)});
  w.attest(batch, 29);
  ASSERT_TRUE(w.commit(batch, 30).ok());
  // Alice 5000 - 1010 - 505, bob 3000 + 1000, the fee account 10 + 5.
  const State after = w.state_after(1);
  EXPECT_EQ(after.account(1)->balance, 3485u);
  EXPECT_EQ(after.account(2)->balance, 4000u);
  EXPECT_EQ(after.account(0)->balance, 15u);
  // The public input the commit recorded is the one the prover's statement hashes to.
  const Bytes proof = w.proof_for(0, 1);
  EXPECT_EQ(code(zk::verify(w.vk, zk::proof_input_of(w.contract.rollup, 0, 1), proof)), code(ZkRollupError::none));
  // A proof that does not decode is refused (ZK-PROVE-3).
  EXPECT_EQ(w.refusal<vd::ProveBatches>({key(watcher), 1, Bytes{0x00}}, 31), code(ZkRollupError::proof_rejected));
  w.accept<vd::ProveBatches>({key(watcher), 1, proof}, 31);
  EXPECT_EQ(w.refusal<vd::PayWithdrawal>(w.pay_input(0, 0), 31), code(ZkRollupError::pay_batch_not_executed));
  w.execute_ok(32);
  EXPECT_EQ(w.contract.rollup.executed, 1u);
  EXPECT_EQ(w.contract.rollup.priority_executed, 2u);
  const vd::ValidiumEffects paid = w.accept<vd::PayWithdrawal>(w.pay_input(0, 0), 33);
  expect_payouts(paid, {{alice_l1, 500}});
  // The escrow holds exactly the executed state's balances: 3485 + 4000 + 15.
  EXPECT_EQ(paid.contract.rollup.escrow, 3485u + 4000 + 15);
  EXPECT_EQ(w.refusal<vd::PayWithdrawal>(w.pay_input(0, 0), 34), code(ZkRollupError::pay_already_paid));
}

TEST(ValidiumHappyPath, AProofOfOtherTransactionsUnderTheAttestedRootIsRejected) {
  ValidiumWorld w = world_at(Stage::executed);
  w.commit_ok(0, {w.transfer(bob, 2, 1, 7, 0, 0)}, 40);
  // The operator proves a different transfer from the same pre-state: its data commitment differs
  // from the committed header's, so the statement's public input is another one (ZK-PROVE-3).
  std::vector<zk::BatchToProve> other{{1, {w.transfer(bob, 2, 1, 8, 0, 0)}}};
  const Bytes forged = zk::prove_reexecution(w.params(), w.vk, w.batch_pre.at(1), other).value();
  EXPECT_EQ(w.refusal<vd::ProveBatches>({key(watcher), 1, forged}, 41), code(ZkRollupError::proof_rejected));
  EXPECT_EQ(w.refusal<vd::ProveBatches>({key(watcher), 1, w.proof_for(1, 1)}, 41), accepted);
}

// ================================================================================================
// Committee rotation [VD-ROT-1 .. VD-ROT-3]

TEST(ValidiumRotation, OnlyTheGovernorProposesAWellFormedCommittee) {
  ValidiumWorld w = world_at(Stage::executed);
  const vd::Committee next = committee_of(2, 5, 3);
  // VD-ROT-1: the operator, a member.
  EXPECT_EQ(w.refusal<vd::ProposeRotation>({key(operator_party), next}, 40), code(ValidiumError::not_governor));
  EXPECT_EQ(w.refusal<vd::ProposeRotation>({w.member(0), next}, 40), code(ValidiumError::not_governor));
  // VD-ROT-1 comes before the committee's rules.
  EXPECT_EQ(w.refusal<vd::ProposeRotation>({key(operator_party), committee_of(2, 5, 0)}, 40),
            code(ValidiumError::not_governor));
  // VD-COM-1 .. VD-COM-4 on the new committee.
  EXPECT_EQ(w.refusal<vd::ProposeRotation>({key(governor), vd::Committee{{}, 1}}, 40), code(ValidiumError::committee_size));
  EXPECT_EQ(w.refusal<vd::ProposeRotation>({key(governor), committee_of(0, 65, 3)}, 40),
            code(ValidiumError::committee_size));
  vd::Committee unsorted = next;
  std::swap(unsorted.members[0], unsorted.members[1]);
  EXPECT_EQ(w.refusal<vd::ProposeRotation>({key(governor), unsorted}, 40), code(ValidiumError::committee_not_sorted));
  vd::Committee off_curve = next;
  off_curve.members.insert(off_curve.members.begin(), key(Keys::off_curve));
  EXPECT_EQ(w.refusal<vd::ProposeRotation>({key(governor), off_curve}, 40), code(ValidiumError::committee_member_invalid));
  EXPECT_EQ(w.refusal<vd::ProposeRotation>({key(governor), committee_of(2, 5, 0)}, 40), code(ValidiumError::threshold));
  EXPECT_EQ(w.refusal<vd::ProposeRotation>({key(governor), committee_of(2, 5, 6)}, 40), code(ValidiumError::threshold));
  EXPECT_EQ(w.refusal<vd::ProposeRotation>({key(governor), committee_of(0, 64, 64)}, 40), accepted);
  // Accepted: pending at 40 + D = 90; nothing else changes, the committee in force included.
  const vd::ValidiumEffects e = w.accept<vd::ProposeRotation>({key(governor), next}, 40);
  expect_payouts(e, {});
  ASSERT_TRUE(e.contract.pending_rotation.has_value());
  EXPECT_EQ(e.contract.pending_rotation->activation_height, 90u);
  EXPECT_EQ(e.contract.pending_rotation->committee.members, next.members);
  EXPECT_EQ(e.contract.pending_rotation->committee.threshold, 3u);
  EXPECT_EQ(e.contract.committee.members, world_committee().members);
  // A second proposal replaces the first and restarts the delay: due at 45 + 50 = 95.
  const vd::Committee replacement = committee_of(3, 4, 2);
  const vd::ValidiumEffects second = w.accept<vd::ProposeRotation>({key(governor), replacement}, 45);
  EXPECT_EQ(second.contract.pending_rotation->activation_height, 95u);
  EXPECT_EQ(second.contract.pending_rotation->committee.members, replacement.members);
  EXPECT_EQ(second.contract.pending_rotation->committee.threshold, 2u);
}

TEST(ValidiumRotation, TheActivationHeightSaturates) {
  ValidiumWorld w;
  // min(height + 50, UINT64_MAX): UINT64_MAX - 50 reaches it exactly, UINT64_MAX - 49 saturates.
  EXPECT_EQ(w.accept<vd::ProposeRotation>({key(governor), committee_of(2, 5, 3)}, u64_max - 51)
                .contract.pending_rotation->activation_height,
            u64_max - 1);
  EXPECT_EQ(w.accept<vd::ProposeRotation>({key(governor), committee_of(2, 5, 3)}, u64_max - 50)
                .contract.pending_rotation->activation_height,
            u64_max);
  EXPECT_EQ(w.accept<vd::ProposeRotation>({key(governor), committee_of(2, 5, 3)}, u64_max - 49)
                .contract.pending_rotation->activation_height,
            u64_max);
  EXPECT_EQ(w.refusal<vd::ActivateRotation>({key(watcher)}, u64_max - 1), code(ValidiumError::rotation_not_due));
  EXPECT_EQ(w.refusal<vd::ActivateRotation>({key(watcher)}, u64_max), accepted);
}

TEST(ValidiumRotation, ActivationExactlyAtTheActivationHeightClearsTheAttestations) {
  ValidiumWorld w = world_at(Stage::executed);
  // VD-ROT-2: nothing pending.
  EXPECT_EQ(w.refusal<vd::ActivateRotation>({key(watcher)}, 40), code(ValidiumError::no_pending_rotation));
  const vd::Committee next = committee_of(2, 5, 3);  // candidates 2 .. 6: three old members, two new
  w.accept<vd::ProposeRotation>({key(governor), next}, 40);  // due at 90
  w.accept<vd::VerifyAvailability>(w.attestation(1, Hash32{0x61}, w.members({0, 1, 2})), 41);
  ASSERT_EQ(w.contract.rollup.data_attestations.size(), 2u);  // batch 0's and this one
  // VD-ROT-3: at 89 (activation_height - 1) refused; at 90 and 91 accepted, by anyone.
  EXPECT_EQ(w.refusal<vd::ActivateRotation>({key(griefer)}, 89), code(ValidiumError::rotation_not_due));
  EXPECT_EQ(w.refusal<vd::ActivateRotation>({key(griefer)}, 91), accepted);
  const vd::ValidiumEffects e = w.accept<vd::ActivateRotation>({key(griefer)}, 90);
  expect_payouts(e, {});
  EXPECT_EQ(e.contract.committee.members, next.members);
  EXPECT_EQ(e.contract.committee.threshold, 3u);
  EXPECT_FALSE(e.contract.pending_rotation.has_value());
  EXPECT_TRUE(e.contract.rollup.data_attestations.empty());
  // The executed batch keeps its record; nothing else of the rollup changes.
  EXPECT_EQ(e.contract.rollup.executed, 1u);
  EXPECT_EQ(e.contract.rollup.batches.size(), 1u);
  // VD-ROT-2: a second activation.
  EXPECT_EQ(w.refusal<vd::ActivateRotation>({key(griefer)}, 91), code(ValidiumError::no_pending_rotation));
}

TEST(ValidiumRotation, APreSignedAttestationDoesNotSurviveTheRotation) {
  ValidiumWorld w = world_at(Stage::executed);
  const vd::Committee next = committee_of(2, 5, 3);  // candidates 2 .. 6: candidates 0 and 1 leave
  w.accept<vd::ProposeRotation>({key(governor), next}, 40);  // due at 90
  // The old committee (candidates 0, 1, 2) pre-signs batch 1, which the operator commits only
  // after the rotation.
  const vd::ValidiumBatch batch = w.build(0, {w.transfer(bob, 2, 1, 1, 0, 0)});
  const vd::VerifyAvailabilityInput old_attestation = w.attestation(
      1, batch.commit.header.transactions_root, {key(first_candidate), key(first_candidate + 1), key(first_candidate + 2)});
  w.accept<vd::VerifyAvailability>(old_attestation, 41);
  EXPECT_EQ(w.refusal<vd::CommitBatch>(batch.commit, 89), accepted);  // before the rotation: admitted
  w.accept<vd::ActivateRotation>({key(watcher)}, 90);
  EXPECT_EQ(w.refusal<vd::CommitBatch>(batch.commit, 91), code(ZkRollupError::commit_data_not_attested));
  // The old attestation resubmitted: two of its three signers are no longer members.
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(old_attestation, 91), code(ValidiumError::da_not_member));
  // The new committee attests: admitted.
  w.accept<vd::VerifyAvailability>(w.attestation(1, batch.commit.header.transactions_root, w.members({0, 3, 4})), 91);
  EXPECT_EQ(w.refusal<vd::CommitBatch>(batch.commit, 92), accepted);
}

// ================================================================================================
// The freeze and the limits of validium.md

TEST(ValidiumFreeze, AnUnservedForcedWithdrawalFreezesAtItsExpiryExactly) {
  ValidiumWorld w = world_at(Stage::forced_requested);  // op 2 expires at 80
  EXPECT_EQ(w.refusal<vd::ActivateExodus>({key(watcher)}, 79), code(ZkRollupError::no_expired_request));
  const vd::ValidiumEffects e = w.accept<vd::ActivateExodus>({key(watcher)}, 80);
  EXPECT_TRUE(e.contract.rollup.exodus);
  // Alice exits from the last executed state, whose data the committee served: 3485.
  const State executed = w.executed_l2();
  expect_payouts(w.accept<vd::ExodusWithdraw>(w.exit_input(alice, executed, 1), 81), {{key(alice), 3485}});
  // The freeze is final: no attestation, no rotation, no batch.
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(w.attestation(1, Hash32{0x62}, w.members({0, 1, 2})), 82),
            code(ValidiumError::frozen));
  EXPECT_EQ(w.refusal<vd::ProposeRotation>({key(governor), committee_of(2, 5, 3)}, 82), code(ValidiumError::frozen));
  EXPECT_EQ(w.refusal<vd::DepositTopUp>({key(carol), 1, 100}, 82), code(ZkRollupError::exodus_active));
}

TEST(ValidiumFreeze, ACommitteeThatStopsSigningHaltsThenUsersExit) {
  ValidiumWorld w = world_at(Stage::stalled);  // op 2 expires at 80, op 3 at 81
  const vd::ValidiumBatch batch = w.build(2, {});
  // Three of five members refuse: two signatures are below the threshold; nothing commits.
  EXPECT_EQ(w.refusal<vd::VerifyAvailability>(
                w.attestation(1, batch.commit.header.transactions_root, w.members({3, 4})), 50),
            code(ValidiumError::da_below_threshold));
  EXPECT_EQ(w.refusal<vd::CommitBatch>(batch.commit, 50), code(ZkRollupError::commit_data_not_attested));
  // The queue expires; the rollup freezes; users leave from the last executed root.
  EXPECT_EQ(w.refusal<vd::CommitBatch>(batch.commit, 80), code(ZkRollupError::priority_expired));
  w.accept<vd::ActivateExodus>({key(watcher)}, 80);
  const State executed = w.executed_l2();
  expect_payouts(w.accept<vd::ExodusWithdraw>(w.exit_input(alice, executed, 1), 81), {{key(alice), 3485}});
  expect_payouts(w.accept<vd::ExodusWithdraw>(w.exit_input(bob, executed, 2), 81), {{key(bob), 4000}});
  expect_payouts(w.accept<vd::RefundDeposit>({key(carol), 3}, 82), {{key(carol), 700}});
  expect_payouts(w.accept<vd::PayWithdrawal>(w.pay_input(0, 0), 83), {{alice_l1, 500}});
  // The operator's fee account is what is left.
  EXPECT_EQ(w.contract.rollup.escrow, 15u);
}

TEST(ValidiumFreeze, ADistrustingUserLeavesBeforeTheRotation) {
  // The governor proposes at 40 (due at 90); alice sees it and her forced withdrawal lands at
  // 40 + B = 46, expiring at 86 < 90.
  ValidiumWorld w = world_at(Stage::executed);
  w.accept<vd::ProposeRotation>({key(governor), committee_of(2, 5, 3)}, 40);
  w.request(alice, 1, alice_l1, 46);
  EXPECT_EQ(w.contract.rollup.priority_ops.back().expiry_height, 86u);

  // The operator serves it: attested, committed, proved and executed by 85; her balance is payable
  // whatever the new committee does; the rotation goes ahead at 90.
  ValidiumWorld served = w;
  served.commit_ok(1, {}, 50);
  served.prove_ok(1, 51);
  served.execute_ok(85);
  served.accept<vd::ActivateRotation>({key(watcher)}, 90);
  expect_payouts(served.accept<vd::PayWithdrawal>(served.pay_input(1, 0), 91), {{alice_l1, 3485}});

  // The operator does not serve it: from 86 the rotation cannot be activated, even when due, and
  // the rollup freezes with the old committee's executed state.
  ValidiumWorld unserved = w;
  EXPECT_EQ(unserved.refusal<vd::ActivateRotation>({key(watcher)}, 85), code(ValidiumError::rotation_not_due));
  EXPECT_EQ(unserved.refusal<vd::ActivateRotation>({key(watcher)}, 90), code(ValidiumError::priority_expired));
  unserved.accept<vd::ActivateExodus>({key(watcher)}, 86);
  EXPECT_EQ(unserved.refusal<vd::ActivateRotation>({key(watcher)}, 90), code(ValidiumError::frozen));
  expect_payouts(unserved.accept<vd::ExodusWithdraw>(unserved.exit_input(alice, unserved.executed_l2(), 1), 91),
                 {{key(alice), 3485}});
}

TEST(ValidiumFreeze, ACommitteeWithholdingDataFreezesFunds) {
  // validium.md#what-validium-cannot-guarantee: members 0, 1 and 2 collude with the operator. The
  // batches are proved here with the reexecution backend, whose proof carries the data; the case
  // stands for a succinct backend, where only the colluders hold batch 1's post-state: alice's view
  // stops at batch 0's state.
  ValidiumWorld w;
  w.deposit_new(alice, alice, 5000, 20);      // account 1, op 0
  w.deposit_new(griefer, griefer, 2000, 21);  // account 2, op 1
  w.deposit_new(griefer, griefer, 1000, 22);  // account 3, op 2
  w.commit_ok(3, {}, 30);
  w.prove_ok(1, 31);
  w.execute_ok(32);
  const State alice_view = w.executed_l2();  // batch 0's state, whose data was served
  // Batch 1: a transfer between the griefer's accounts, attested by the colluders only.
  w.commit_ok(0, {w.transfer(griefer, 2, 3, 600, 0, 0)}, 40);
  w.prove_ok(1, 41);
  w.execute_ok(42);
  const State withheld = w.executed_l2();
  ASSERT_NE(withheld.root(), alice_view.root());
  // Alice's forced withdrawal is left unserved; at its expiry (50 + 40) the rollup freezes.
  w.request(alice, 1, alice_l1, 50);
  EXPECT_EQ(w.refusal<vd::ActivateExodus>({key(watcher)}, 89), code(ZkRollupError::no_expired_request));
  w.accept<vd::ActivateExodus>({key(watcher)}, 90);
  // Step 1: alice's exit with the last opening she holds (batch 0's state) is refused, alone or
  // in a batch of claims.
  EXPECT_EQ(w.refusal<vd::ExodusWithdraw>(w.exit_input(alice, alice_view, 1), 91), code(ZkRollupError::exit_bad_state_opening));
  const zk::ExodusClaim claim{1, alice_view.account(1).value(), alice_view.prove(1).siblings};
  EXPECT_EQ(w.refusal<vd::ExodusWithdrawMany>({key(alice), alice_view.header(), {claim}}, 91),
            code(ZkRollupError::exit_bad_state_opening));
  // Step 2: the griefer, holding the withheld state, exits with the true opening: 1000 + 600.
  expect_payouts(w.accept<vd::ExodusWithdraw>(w.exit_input(griefer, withheld, 3), 92), {{key(griefer), 1600}});
  // Alice's 5000 stays in escrow, frozen while the data is withheld: 8000 - 1600 = 6400 holds her
  // 5000 and the griefer's other account's 1400.
  EXPECT_EQ(w.contract.rollup.escrow, 6400u);
  EXPECT_EQ(withheld.account(1)->balance, 5000u);
  // Nothing refunds her: her deposit was consumed by an executed batch.
  EXPECT_EQ(w.refusal<vd::RefundDeposit>({key(alice), 0}, 93), code(ZkRollupError::refund_deposit_processed));
}

}  // namespace
