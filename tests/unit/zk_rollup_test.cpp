// The ZK rollup's reference with real BIP-340 signatures: the digests against byte layouts written
// out from the spec and hashed by libsecp256k1; the multiproof; every rule of deployment, the live
// rules, deposits, forced-withdrawal requests, commit, prove, execute, revert, exodus, exits,
// refunds and payouts rejecting at its boundary (-1, 0, +1 where the rule is a bound) and
// accepting one step inside it; every rule of the reexecution verifier; the happy path deposit ->
// commit -> prove -> execute -> pay_withdrawal; exodus after an expired request; and the attacks
// the issue names (a proof replayed against another batch or under another key, a skipped and a
// reordered priority operation, a revert of a verified batch). Every accepted call conserves value
// (ZkWorld::call). Expected values are the spec's arithmetic, written here by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "l2/ref/encoding.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/zk_rollup.hpp"
#include "l2/ref/zk_rollup_contract.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/spec_rule_table.hpp"
#include "l2/test/zk_rollup_world.hpp"

namespace {

namespace zk = l2::ref::zk_rollup;
namespace orl = l2::ref::optimistic_rollup;
namespace oracle = l2::test::libsecp256k1;
using namespace l2::test::zk_world;
using l2::Bytes;
using l2::Hash32;
using l2::OptimisticRollupError;
using l2::u32;
using l2::u64;
using l2::ZkRollupError;
using zk::AccountIndex;
using zk::State;
using zk::Transaction;

constexpr u64 u64_max = ~u64{0};

std::string code(ZkRollupError e) { return std::string(l2::error_info(e).code); }
template <class T>
std::string code_of(const l2::Result<T, ZkRollupError>& r) {
  return code(r.ok() ? ZkRollupError::none : r.error());
}

// One zk rollup (l2/test/zk_rollup_world.hpp) deployed with `config`, six keys of its own.
class ZkWorld : public World<ZkRollupFace, l2::test::KeyPool<6>> {
 public:
  explicit ZkWorld(const zk::ZkConfig& config = test_config) : World(l2::test::KeyPool<6>::make("zk_rollup_test")) {
    vk = zk::reexecution_verifying_key(config.max_batch_size);
    contract = zk::deploy(zk::ZkDeployInput{chain, contract_address, key(operator_party), 0, config, vk}).value();
  }

  static constexpr u64 chain = 7;
  static constexpr Hash32 contract_address{0xcc, 0x02};

  // The code a call is refused with, on a copy; none if it would be accepted.
  template <class Op>
  ZkRollupError refusal(const typename Op::Input& in, u64 height, const zk::ZkRollup* on = nullptr) const {
    const zk::Transition t = Op::apply(on != nullptr ? *on : contract, in, zk::Env{height});
    return t.ok() ? ZkRollupError::none : t.error();
  }
};

// The shared states of l2/test/zk_rollup_world.hpp on a ZkWorld.
ZkWorld world_at(Stage stage) { return l2::test::zk_world::world_at<ZkWorld>(stage); }

// ================================================================================================
// Constant evaluation: the deployment rules, the key check, the chain and the multiproof are constexpr.

constexpr std::optional<Hash32> lone_empty_slot_root() {
  std::vector<Hash32> siblings(l2::ref::smt::empty_hashes.begin(), l2::ref::smt::empty_hashes.end() - 1);
  return zk::multiproof_root({zk::MultiproofNode{5, Hash32{}}}, siblings);
}

static_assert(zk::check_deployment(test_config, zk::reexecution_verifying_key(4)) == ZkRollupError::none);
static_assert(zk::check_deployment(test_config, zk::reexecution_verifying_key(3)) == ZkRollupError::config_verifying_key);
static_assert(zk::check_deployment(zk::ZkConfig{4, 6, 11, 29, 100, 17}, zk::reexecution_verifying_key(4)) ==
              ZkRollupError::config_priority_expiry);
static_assert(zk::priority_ops_hash({}) == Hash32{});
// One empty slot and the empty subtrees beside it: the empty tree's root.
static_assert(lone_empty_slot_root() == l2::ref::smt::empty_hashes[l2::ref::smt::depth]);

// ================================================================================================
// The error table and the operations table

TEST(ZkRollupErrors, EveryCodeIsARowOfTheSpecAndDistinct) {
  l2::test::expect_rule_table_matches(l2::all_zk_rollup_errors, "zk_rollup.md", "ZK");
}

TEST(ZkRollupErrors, TheErrorsSectionListsEveryCodeInTheEnumsOrder) {
  const std::string spec = l2::test::read_spec("zk_rollup.md");
  std::size_t at = spec.find("\n## Errors\n");
  ASSERT_NE(at, std::string::npos);
  for (const ZkRollupError e : l2::all_zk_rollup_errors) {
    const l2::ErrorInfo info = l2::error_info(e);
    const std::string row =
        "| `" + std::string(info.code) + "` | " + std::string(info.rule_id) + " | " + std::string(info.summary) + " |";
    const std::size_t found = spec.find(row, at);
    ASSERT_NE(found, std::string::npos) << "the Errors table has no row, after the previous one, " << row;
    at = found;
  }
  // The backend's rules come first and end with ZK-RX-13.
  EXPECT_EQ(l2::error_info(l2::last_verify_error).rule_id, "ZK-RX-13");
  EXPECT_EQ(static_cast<std::size_t>(l2::last_verify_error), 13u);
}

TEST(ZkRollupErrors, TheOperationsTableIsTheSpecsOrder) {
  const std::vector<std::string_view> expected{"deposit_new_account", "deposit_top_up",  "request_forced_withdrawal",
                                               "commit_batch",        "prove_batches",   "execute_batch",
                                               "revert_batches",      "activate_exodus", "exodus_withdraw",
                                               "exodus_withdraw_many", "refund_deposit", "pay_withdrawal"};
  ASSERT_EQ(zk::Operations::count, expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(zk::Operations::names[i], expected[i]);
  EXPECT_EQ(zk::Operations::index(zk::op_code<zk::ProveBatches>), 4u);
  EXPECT_EQ(zk::Operations::index(zk::op_code<zk::PayWithdrawal>), 11u);
}

// ================================================================================================
// Identifiers and digests, against the byte layouts of zk_rollup.md#identifiers-and-digests

Bytes u64_bytes(u64 v) {
  Bytes out;
  l2::put_u64_be(out, v);
  return out;
}

TEST(ZkRollupDigests, RollupIdIsTheTaggedHashOfChainContractOperatorNonce) {
  const Hash32 op{0x02, 0x03};
  Bytes preimage = u64_bytes(9);
  l2::append(preimage, Hash32{0xab});
  l2::append(preimage, op);
  l2::put_u64_be(preimage, 4);
  ASSERT_EQ(preimage.size(), 80u);
  EXPECT_EQ(zk::rollup_id(9, Hash32{0xab}, op, 4), oracle::tagged_hash("L2/zk_rollup/id", preimage));
  // Its own tag: never an optimistic rollup's id for the same deployment.
  EXPECT_NE(zk::rollup_id(9, Hash32{0xab}, op, 4), orl::rollup_id(9, Hash32{0xab}, op, 4));
}

TEST(ZkRollupDigests, VkHashIsOverBackendLengthAndKey) {
  const zk::VerifyingKey vk = zk::reexecution_verifying_key(4);
  // key = enc(ReexecutionKey(1, 4)): u32 1, u64 4.
  const Bytes key{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4};
  EXPECT_EQ(vk.key, key);
  Bytes preimage{0x00, 0, 0, 0, 12};  // backend 0 (reexecution), u32 length 12
  l2::append(preimage, key);
  ASSERT_EQ(preimage.size(), 1u + 4 + 12);
  EXPECT_EQ(zk::vk_hash(vk), oracle::tagged_hash("L2/zk_rollup/verifying_key", preimage));
  EXPECT_NE(zk::vk_hash(vk), zk::vk_hash(zk::reexecution_verifying_key(5)));
}

TEST(ZkRollupDigests, PriorityOpsHashIsAChainFromZero) {
  EXPECT_EQ(zk::priority_ops_hash({}), Hash32{});
  const Hash32 a{0x01}, b{0x02};
  Bytes first(32, 0);
  l2::append(first, a);
  const Hash32 one = oracle::tagged_hash("L2/zk_rollup/priority_ops", first);
  Bytes second;
  l2::append(second, one);
  l2::append(second, b);
  const Hash32 two = oracle::tagged_hash("L2/zk_rollup/priority_ops", second);
  const std::vector<Hash32> only_a{a}, a_then_b{a, b}, b_then_a{b, a};
  EXPECT_EQ(zk::priority_ops_hash(only_a), one);
  EXPECT_EQ(zk::priority_ops_hash(a_then_b), two);
  // Queue order is bound: the reordered chain differs.
  EXPECT_NE(zk::priority_ops_hash(b_then_a), two);
}

TEST(ZkRollupDigests, WithdrawalsRootIsRfc6962OverTheRecords) {
  EXPECT_EQ(zk::withdrawals_root({}), l2::ref::sha256(std::span<const l2::u8>{}));
  const zk::WithdrawalRecord r0{Hash32{0x11}, 500}, r1{Hash32{0x22}, 0};
  auto leaf = [](const zk::WithdrawalRecord& r) {
    Bytes bytes{0x00};
    l2::append(bytes, r.l1_recipient);
    l2::put_u64_be(bytes, r.amount);
    EXPECT_EQ(bytes.size(), 41u);  // 0x00 || 40 bytes
    return l2::ref::sha256(bytes);
  };
  Bytes node{0x01};
  l2::append(node, leaf(r0));
  l2::append(node, leaf(r1));
  const std::vector<zk::WithdrawalRecord> one{r0}, two{r0, r1}, swapped{r1, r0};
  EXPECT_EQ(zk::withdrawals_root(one), leaf(r0));
  EXPECT_EQ(zk::withdrawals_root(two), l2::ref::sha256(node));
  EXPECT_NE(zk::withdrawals_root(swapped), zk::withdrawals_root(two));
}

TEST(ZkRollupDigests, WithdrawalRecordsComeFromWithdrawalsAndForcedExitsInOrder) {
  ZkWorld w;
  const std::vector<Transaction> txs{
      w.transfer(alice, 1, 2, 5, 1, 0), orl::make_transaction(orl::ForcedExit{0, 2, Hash32{0x05}, bob_l1, 0}),
      orl::make_transaction(orl::Deposit{0, 3, Hash32{0x07}, 100}), w.withdrawal(alice, 1, alice_l1, 42, 1, 1)};
  const std::vector<zk::WithdrawalRecord> records = zk::withdrawal_records(txs);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].l1_recipient, bob_l1);
  EXPECT_EQ(records[0].amount, 0u);
  EXPECT_EQ(records[1].l1_recipient, alice_l1);
  EXPECT_EQ(records[1].amount, 42u);
}

TEST(ZkRollupDigests, DataCommitmentPublicInputAndProofInputLayouts) {
  const Hash32 tx_root{0x31}, w_root{0x32};
  Bytes data;
  l2::append(data, tx_root);
  l2::put_u64_be(data, 3);
  l2::append(data, w_root);
  l2::put_u64_be(data, 1);
  ASSERT_EQ(data.size(), 80u);
  const Hash32 commitment = zk::data_commitment(zk::DataCommitmentPreimage{tx_root, 3, w_root, 1});
  EXPECT_EQ(commitment, oracle::tagged_hash("L2/zk_rollup/data", data));

  const zk::PublicInputPreimage statement{7, Hash32{0x41}, Hash32{0x42}, 5, Hash32{0x43}, Hash32{0x44}, commitment, Hash32{0x45}};
  Bytes pi = u64_bytes(7);
  l2::append(pi, Hash32{0x41});
  l2::append(pi, Hash32{0x42});
  l2::put_u64_be(pi, 5);
  l2::append(pi, Hash32{0x43});
  l2::append(pi, Hash32{0x44});
  l2::append(pi, commitment);
  l2::append(pi, Hash32{0x45});
  ASSERT_EQ(pi.size(), 208u);
  const Hash32 input = zk::public_input(statement);
  EXPECT_EQ(input, oracle::tagged_hash("L2/zk_rollup/public_input", pi));

  const std::vector<Hash32> inputs{input, Hash32{0x46}};
  Bytes range{0, 0, 0, 2};
  l2::append(range, input);
  l2::append(range, Hash32{0x46});
  EXPECT_EQ(zk::proof_input(inputs), oracle::tagged_hash("L2/zk_rollup/proof_input", range));
}

TEST(ZkRollupDigests, EncodedSizesAreTheSpecs) {
  ZkWorld w;
  EXPECT_EQ(l2::reflect::encode(w.transfer(alice, 1, 2, 5, 1, 0)).size(), 101u);
  EXPECT_EQ(l2::reflect::encode(w.withdrawal(alice, 1, alice_l1, 5, 1, 0)).size(), 129u);
  EXPECT_EQ(l2::reflect::encode(orl::make_transaction(orl::ForcedExit{0, 2, Hash32{}, bob_l1, 0})).size(), 89u);
  EXPECT_EQ(l2::reflect::encode(orl::make_transaction(orl::Deposit{0, 3, Hash32{0x07}, 100})).size(), 58u);
  EXPECT_EQ(l2::reflect::encode(zk::TouchedAccount{1, orl::Account{1, 2, Hash32{}}}).size(), 53u);
  EXPECT_EQ(l2::reflect::encode(zk::TouchedAccount{1, std::nullopt}).size(), 5u);
  EXPECT_EQ(l2::reflect::encode(zk::PublicInputPreimage{}).size(), 208u);
  // enc(BatchWitness) = 208 + 48 + (4 + Σ enc(tx)) + (4 + 53 a + 5 e) + (4 + 32 s).
  zk::BatchWitness witness;
  witness.transactions = {w.transfer(alice, 1, 2, 5, 1, 0)};
  witness.accounts = {zk::TouchedAccount{0, orl::Account{}}, zk::TouchedAccount{5, std::nullopt}};
  witness.siblings = std::vector<Hash32>(3);
  EXPECT_EQ(l2::reflect::encode(witness).size(), 208u + 48 + (4 + 101) + (4 + 53 + 5) + (4 + 32 * 3));
}

// ================================================================================================
// The multiproof. spec: zk_rollup.md#the-multiproof

State tree_with(std::initializer_list<AccountIndex> indices) {
  State s;
  for (const AccountIndex i : indices) s.put(i, orl::Account{100 + i, i, Hash32{static_cast<l2::u8>(i + 1)}});
  return s;
}

std::vector<zk::MultiproofNode> leaves_of(const State& s, std::initializer_list<AccountIndex> touched) {
  std::vector<zk::MultiproofNode> out;
  for (const AccountIndex i : touched) {
    const std::optional<orl::Account> a = s.account(i);
    out.push_back({i, a ? l2::ref::smt::leaf_hash(i, orl::account_value(*a)) : Hash32{}});
  }
  return out;
}

TEST(ZkRollupMultiproof, TwoSiblingSlotsNeedOneSiblingPerHeightAboveThem) {
  const State s = tree_with({0, 1, 2, 5, 1000});
  const std::vector<AccountIndex> touched{0, 1};
  const std::vector<Hash32> siblings = zk::multiproof_siblings(s, touched);
  // 0 and 1 pair at height 0; every height above needs one sibling: 31.
  ASSERT_EQ(siblings.size(), 31u);
  EXPECT_EQ(zk::multiproof_root(leaves_of(s, {0, 1}), siblings), s.header().accounts_root);
}

TEST(ZkRollupMultiproof, SiblingsAreListedByHeightThenPosition) {
  const State s = tree_with({0, 1, 2, 5, 1000});
  const std::vector<AccountIndex> touched{1, 2};
  const std::vector<Hash32> siblings = zk::multiproof_siblings(s, touched);
  // Height 0: 1 is a right child (sibling: slot 0's leaf), 2 a left child (sibling: empty slot 3);
  // height 1: positions 0 and 1 pair; heights 2..31: one each. 2 + 30 = 32.
  ASSERT_EQ(siblings.size(), 32u);
  EXPECT_EQ(siblings[0], l2::ref::smt::leaf_hash(0, orl::account_value(*s.account(0))));
  EXPECT_EQ(siblings[1], Hash32{});
  EXPECT_EQ(zk::multiproof_root(leaves_of(s, {1, 2}), siblings), s.header().accounts_root);
  // An empty touched slot (7) is the empty leaf.
  const std::vector<AccountIndex> with_empty{2, 7, 1000};
  EXPECT_EQ(zk::multiproof_root(leaves_of(s, {2, 7, 1000}), zk::multiproof_siblings(s, with_empty)), s.header().accounts_root);
}

TEST(ZkRollupMultiproof, FailsWithNoLeafOrASiblingShortOrLeftOver) {
  const State s = tree_with({0, 1, 2, 5});
  const std::vector<AccountIndex> touched{1, 5};
  std::vector<Hash32> siblings = zk::multiproof_siblings(s, touched);
  ASSERT_TRUE(zk::multiproof_root(leaves_of(s, {1, 5}), siblings).has_value());
  EXPECT_FALSE(zk::multiproof_root({}, {}).has_value());
  std::vector<Hash32> short_one(siblings.begin(), siblings.end() - 1);
  EXPECT_FALSE(zk::multiproof_root(leaves_of(s, {1, 5}), short_one).has_value());
  siblings.push_back(Hash32{});
  EXPECT_FALSE(zk::multiproof_root(leaves_of(s, {1, 5}), siblings).has_value());
}

// ================================================================================================
// Deployment [ZK-DEPLOY-1 .. ZK-DEPLOY-6]

zk::ZkDeployInput deploy_input(const zk::ZkConfig& config, const zk::VerifyingKey& vk) {
  return zk::ZkDeployInput{1, Hash32{0x0c}, ZkWorld().key(operator_party), 0, config, vk};
}

ZkRollupError deploy_error(const zk::ZkConfig& config, const zk::VerifyingKey& vk) {
  const auto deployed = zk::deploy(deploy_input(config, vk));
  return deployed.ok() ? ZkRollupError::none : deployed.error();
}
ZkRollupError deploy_error(const zk::ZkConfig& config) {
  return deploy_error(config, zk::reexecution_verifying_key(config.max_batch_size));
}

TEST(ZkRollupDeploy, CreatesTheContractWithEveryFieldAtItsStart) {
  const zk::VerifyingKey vk = zk::reexecution_verifying_key(4);
  const zk::ZkDeployInput in = deploy_input(test_config, vk);
  const auto deployed = zk::deploy(in);
  ASSERT_TRUE(deployed.ok()) << code_of(deployed);
  zk::ZkRollup expected{};
  expected.chain_id = 1;
  expected.contract = Hash32{0x0c};
  expected.rollup_id = zk::rollup_id(1, Hash32{0x0c}, in.operator_key, 0);
  expected.operator_key = in.operator_key;
  expected.config = test_config;
  expected.verifying_key = vk;
  expected.vk_hash = zk::vk_hash(vk);
  expected.data_mode = zk::DataMode::calldata;
  expected.genesis_root = State::genesis(in.operator_key).root();
  expected.next_account_index = 1;
  L2_EXPECT_FIELDS_EQ(expected, deployed.value());
}

TEST(ZkRollupDeploy, EachBoundAtItsEdge) {
  auto with = [](auto change) {
    zk::ZkConfig c = test_config;
    change(c);
    return c;
  };
  EXPECT_EQ(code(deploy_error(test_config)), code(ZkRollupError::none));
  // ZK-DEPLOY-1: B = 0 refused, B = 1 accepted.
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) { c.censorship_bound_blocks = 0; }))),
            code(ZkRollupError::config_censorship_bound));
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) { c.censorship_bound_blocks = 1; }))), code(ZkRollupError::none));
  // ZK-DEPLOY-2: max_batch_size 0 refused, 1 accepted.
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) { c.max_batch_size = 0; }),
                              zk::reexecution_verifying_key(4))),
            code(ZkRollupError::config_batch_size));
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) { c.max_batch_size = 1; }))), code(ZkRollupError::none));
  // ZK-DEPLOY-3: 3 * 6 + 11 = 29: E = 28 and 29 refused, 30 accepted.
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) { c.priority_expiry_blocks = 28; }))),
            code(ZkRollupError::config_priority_expiry));
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) { c.priority_expiry_blocks = 29; }))),
            code(ZkRollupError::config_priority_expiry));
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) { c.priority_expiry_blocks = 30; }))), code(ZkRollupError::none));
  // ... at the top of u64: UINT64_MAX = 3 * (UINT64_MAX / 3). 3B + P = UINT64_MAX - 1 accepts E = UINT64_MAX;
  // 3B + P = UINT64_MAX leaves no E above it; 3B + P overflowing and 3B overflowing are refused.
  constexpr u64 third = u64_max / 3;
  static_assert(3 * third == u64_max);
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) {
              c.censorship_bound_blocks = third - 1;
              c.proving_time_blocks = 2;
              c.priority_expiry_blocks = u64_max;
            }))),
            code(ZkRollupError::none));
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) {
              c.censorship_bound_blocks = third;
              c.proving_time_blocks = 0;
              c.priority_expiry_blocks = u64_max;
            }))),
            code(ZkRollupError::config_priority_expiry));
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) {
              c.censorship_bound_blocks = third;
              c.proving_time_blocks = 1;
              c.priority_expiry_blocks = u64_max;
            }))),
            code(ZkRollupError::config_priority_expiry));
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) {
              c.censorship_bound_blocks = third + 1;
              c.proving_time_blocks = 0;
              c.priority_expiry_blocks = u64_max;
            }))),
            code(ZkRollupError::config_priority_expiry));
  // ZK-DEPLOY-4 and -5: 0 refused, 1 accepted.
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) { c.min_deposit = 0; }))), code(ZkRollupError::config_min_deposit));
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) { c.min_deposit = 1; }))), code(ZkRollupError::none));
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) { c.forced_withdrawal_fee = 0; }))),
            code(ZkRollupError::config_forced_withdrawal_fee));
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) { c.forced_withdrawal_fee = 1; }))), code(ZkRollupError::none));
  // The first failing rule wins: B = 0 and a bad key give ZK-DEPLOY-1.
  EXPECT_EQ(code(deploy_error(with([](zk::ZkConfig& c) { c.censorship_bound_blocks = 0; }), zk::VerifyingKey{})),
            code(ZkRollupError::config_censorship_bound));
}

TEST(ZkRollupDeploy, TheBackendMustAcceptTheKeyForTheBatchSize) {
  // ZK-DEPLOY-6: max_transactions = max_batch_size - 1 refused, = and + 1 accepted.
  EXPECT_EQ(code(deploy_error(test_config, zk::reexecution_verifying_key(3))), code(ZkRollupError::config_verifying_key));
  EXPECT_EQ(code(deploy_error(test_config, zk::reexecution_verifying_key(4))), code(ZkRollupError::none));
  EXPECT_EQ(code(deploy_error(test_config, zk::reexecution_verifying_key(5))), code(ZkRollupError::none));
  // Version 2 and 0, a trailing byte, a truncated key.
  for (const u32 version : {0u, 2u}) {
    const zk::VerifyingKey vk{zk::ProofBackend::reexecution, l2::reflect::encode(zk::ReexecutionKey{version, 4})};
    EXPECT_EQ(code(deploy_error(test_config, vk)), code(ZkRollupError::config_verifying_key)) << version;
  }
  zk::VerifyingKey trailing = zk::reexecution_verifying_key(4);
  trailing.key.push_back(0);
  EXPECT_EQ(code(deploy_error(test_config, trailing)), code(ZkRollupError::config_verifying_key));
  zk::VerifyingKey truncated = zk::reexecution_verifying_key(4);
  truncated.key.pop_back();
  EXPECT_EQ(code(deploy_error(test_config, truncated)), code(ZkRollupError::config_verifying_key));
  // A ProofBackend value no decoder accepts.
  const auto bad_backend = l2::reflect::decode<zk::VerifyingKey>(Bytes{0x01, 0, 0, 0, 0});
  EXPECT_FALSE(bad_backend.ok());
}

// ================================================================================================
// Deposits [ZK-LIVE-1/2, ZK-BRIDGE-1 .. ZK-BRIDGE-5]

TEST(ZkRollupDeposit, NewAccountRecordsAPriorityOperation) {
  ZkWorld w;
  const zk::ZkEffects e = w.accept<zk::DepositNewAccount>({w.key(carol), w.key(alice), 100}, 20);  // exactly min_deposit
  expect_payouts(e, {});
  const zk::ZkRollup& c = e.contract;
  EXPECT_EQ(c.escrow, 100u);
  EXPECT_EQ(c.next_account_index, 2u);
  EXPECT_EQ(c.deposit_count, 1u);
  ASSERT_EQ(c.priority_ops.size(), 1u);
  const zk::PriorityOp& op = c.priority_ops[0];
  EXPECT_EQ(op.kind, zk::PriorityKind::deposit);
  EXPECT_EQ(op.op_id, orl::deposit_id(w.params(), orl::Deposit{0, 1, w.key(alice), 100}));
  EXPECT_EQ(op.recorded_at, 20u);
  EXPECT_EQ(op.expiry_height, 60u);  // 20 + E
  EXPECT_EQ(op.requester, w.key(carol));
  EXPECT_EQ(op.amount, 100u);
  // Indices in order: the next new account gets 2.
  const zk::ZkEffects next = w.accept<zk::DepositNewAccount>({w.key(bob), w.key(bob), 101}, 21);
  EXPECT_EQ(next.contract.priority_ops[1].op_id, orl::deposit_id(w.params(), orl::Deposit{1, 2, w.key(bob), 101}));
  EXPECT_EQ(next.contract.next_account_index, 3u);
}

TEST(ZkRollupDeposit, TopUpRecordsNoOwnerAndNeedsAnAssignedIndex) {
  ZkWorld w = world_at(Stage::deployed);  // next_account_index 3
  const zk::ZkEffects e = w.accept<zk::DepositTopUp>({w.key(carol), 2, 150}, 25);
  EXPECT_EQ(e.contract.priority_ops[2].op_id, orl::deposit_id(w.params(), orl::Deposit{2, 2, std::nullopt, 150}));
  EXPECT_EQ(e.contract.escrow, 8150u);
  EXPECT_EQ(e.contract.next_account_index, 3u);
  // ZK-BRIDGE-3: to = next_account_index refused; the fee account 0 is an assigned index.
  EXPECT_EQ(code(w.refusal<zk::DepositTopUp>({w.key(carol), 3, 150}, 25)), code(ZkRollupError::deposit_unknown_account));
  EXPECT_EQ(code(w.refusal<zk::DepositTopUp>({w.key(carol), 0, 150}, 25)), code(ZkRollupError::none));
}

TEST(ZkRollupDeposit, MinimumDepositAtItsEdge) {
  ZkWorld w = world_at(Stage::deployed);
  // ZK-BRIDGE-1: 99 refused, 100 and 101 accepted, for both deposits.
  EXPECT_EQ(code(w.refusal<zk::DepositNewAccount>({w.key(carol), w.key(carol), 99}, 25)),
            code(ZkRollupError::deposit_below_minimum));
  EXPECT_EQ(code(w.refusal<zk::DepositNewAccount>({w.key(carol), w.key(carol), 100}, 25)), code(ZkRollupError::none));
  EXPECT_EQ(code(w.refusal<zk::DepositNewAccount>({w.key(carol), w.key(carol), 101}, 25)), code(ZkRollupError::none));
  EXPECT_EQ(code(w.refusal<zk::DepositTopUp>({w.key(carol), 1, 99}, 25)), code(ZkRollupError::deposit_below_minimum));
  EXPECT_EQ(code(w.refusal<zk::DepositTopUp>({w.key(carol), 1, 100}, 25)), code(ZkRollupError::none));
}

TEST(ZkRollupDeposit, EscrowUpToUint64MaxExactly) {
  ZkWorld w = world_at(Stage::deployed);
  w.contract.escrow = u64_max - 150;  // hand-made
  // ZK-BRIDGE-2: 150 fills the escrow exactly, 151 overflows.
  EXPECT_EQ(code(w.refusal<zk::DepositNewAccount>({w.key(carol), w.key(carol), 151}, 25)), code(ZkRollupError::escrow_overflow));
  EXPECT_EQ(code(w.refusal<zk::DepositTopUp>({w.key(carol), 1, 151}, 25)), code(ZkRollupError::escrow_overflow));
  const zk::ZkEffects e = w.accept<zk::DepositTopUp>({w.key(carol), 1, 150}, 25);
  EXPECT_EQ(e.contract.escrow, u64_max);
}

TEST(ZkRollupDeposit, AccountIndicesRunOutAt2To32) {
  ZkWorld w;
  w.contract.next_account_index = u64{1} << 32;  // hand-made: every index assigned
  EXPECT_EQ(code(w.refusal<zk::DepositNewAccount>({w.key(carol), w.key(carol), 100}, 25)),
            code(ZkRollupError::accounts_exhausted));
  w.contract.next_account_index = (u64{1} << 32) - 1;  // UINT32_MAX is the last index
  const zk::ZkEffects e = w.accept<zk::DepositNewAccount>({w.key(carol), w.key(carol), 100}, 25);
  EXPECT_EQ(e.contract.priority_ops.back().op_id,
            orl::deposit_id(w.params(), orl::Deposit{0, 0xffffffffu, w.key(carol), 100}));
  EXPECT_EQ(e.contract.next_account_index, u64{1} << 32);
}

TEST(ZkRollupDeposit, TheOwnerMustBeOnTheCurve) {
  ZkWorld w;
  // ZK-BRIDGE-5.
  EXPECT_EQ(code(w.refusal<zk::DepositNewAccount>({w.key(carol), w.keys.pubkey[w.keys.off_curve], 100}, 25)),
            code(ZkRollupError::deposit_owner_invalid));
  // ZK-BRIDGE-1 comes first.
  EXPECT_EQ(code(w.refusal<zk::DepositNewAccount>({w.key(carol), w.keys.pubkey[w.keys.off_curve], 1}, 25)),
            code(ZkRollupError::deposit_below_minimum));
}

TEST(ZkRollupDeposit, ExpiryHeightSaturates) {
  ZkWorld w;
  const zk::ZkEffects e = w.accept<zk::DepositNewAccount>({w.key(carol), w.key(carol), 100}, u64_max - 39);
  EXPECT_EQ(e.contract.priority_ops[0].expiry_height, u64_max);  // min(height + 40, UINT64_MAX)
  ZkWorld v;
  const zk::ZkEffects f = v.accept<zk::DepositNewAccount>({v.key(carol), v.key(carol), 100}, u64_max - 40);
  EXPECT_EQ(f.contract.priority_ops[0].expiry_height, u64_max);
  ZkWorld x;
  const zk::ZkEffects g = x.accept<zk::DepositNewAccount>({x.key(carol), x.key(carol), 100}, u64_max - 41);
  EXPECT_EQ(g.contract.priority_ops[0].expiry_height, u64_max - 1);
}

// ================================================================================================
// Forced-withdrawal requests [ZK-FWQ-1, ZK-FWQ-2]

TEST(ZkRollupForcedWithdrawal, TheFeeIsPaidToTheOperatorAndTheRequestQueued) {
  ZkWorld w = world_at(Stage::executed);
  // ZK-FWQ-1: fee - 1 and fee + 1 refused.
  EXPECT_EQ(code(w.refusal<zk::RequestForcedWithdrawal>({w.key(griefer), 1, bob_l1, 16}, 40)),
            code(ZkRollupError::forced_withdrawal_fee));
  EXPECT_EQ(code(w.refusal<zk::RequestForcedWithdrawal>({w.key(griefer), 1, bob_l1, 18}, 40)),
            code(ZkRollupError::forced_withdrawal_fee));
  // ZK-FWQ-2: next_account_index (3) refused, 2 accepted.
  EXPECT_EQ(code(w.refusal<zk::RequestForcedWithdrawal>({w.key(griefer), 3, bob_l1, 17}, 40)),
            code(ZkRollupError::forced_withdrawal_unknown_account));
  const zk::ZkEffects e = w.accept<zk::RequestForcedWithdrawal>({w.key(griefer), 2, bob_l1, 17}, 40);
  expect_payouts(e, {{w.key(operator_party), 17}});
  EXPECT_EQ(e.contract.escrow, 8000u);  // unchanged: the fee passes through
  EXPECT_EQ(e.contract.forced_withdrawal_count, 1u);
  const zk::PriorityOp& op = e.contract.priority_ops.back();
  EXPECT_EQ(op.kind, zk::PriorityKind::forced_withdrawal);
  EXPECT_EQ(op.op_id, orl::forced_exit_id(w.params(), orl::ForcedExit{0, 2, w.key(griefer), bob_l1, 0}));
  EXPECT_EQ(op.recorded_at, 40u);
  EXPECT_EQ(op.expiry_height, 80u);
  EXPECT_EQ(op.requester, w.key(griefer));
  EXPECT_EQ(op.amount, 0u);
}

// ================================================================================================
// The live rules [ZK-LIVE-1, ZK-LIVE-2] on every operation that checks them

// One input of each operation that checks the live rules, valid in the `stalled` world at 79.
struct LiveInputs {
  zk::DepositNewAccountInput deposit_new;
  zk::DepositTopUpInput top_up;
  zk::RequestForcedExitInput request;
  zk::CommitBatchInput commit;
  zk::ProveBatchesInput prove;
  zk::CallerInput execute;
  zk::RevertBatchesInput revert;
};

std::vector<std::pair<std::string, ZkRollupError>> live_refusals(const ZkWorld& w, const LiveInputs& in, u64 height,
                                                                 const zk::ZkRollup* on) {
  return {{"deposit_new_account", w.refusal<zk::DepositNewAccount>(in.deposit_new, height, on)},
          {"deposit_top_up", w.refusal<zk::DepositTopUp>(in.top_up, height, on)},
          {"request_forced_withdrawal", w.refusal<zk::RequestForcedWithdrawal>(in.request, height, on)},
          {"commit_batch", w.refusal<zk::CommitBatch>(in.commit, height, on)},
          {"prove_batches", w.refusal<zk::ProveBatches>(in.prove, height, on)},
          {"execute_batch", w.refusal<zk::ExecuteBatch>(in.execute, height, on)},
          {"revert_batches", w.refusal<zk::RevertBatches>(in.revert, height, on)}};
}

TEST(ZkRollupLive, EveryBatchOperationAndRequestStopsExactlyAtTheExpiryHeight) {
  // The stalled world with one more committed batch (batch 1 at 50, consuming nothing but a
  // transfer), so that prove, revert and a second commit all have something to act on.
  ZkWorld w = world_at(Stage::stalled);
  w.commit_ok(0, {w.transfer(bob, 2, 1, 1, 0, 0)}, 50);
  const zk::ZkBatch next = w.build(0, {w.transfer(bob, 2, 1, 1, 0, 1)});
  LiveInputs in{{w.key(griefer), w.key(griefer), 100},
                {w.key(griefer), 1, 100},
                {w.key(griefer), 1, bob_l1, 17},
                next.commit,
                {w.key(watcher), 1, w.proof_for(1, 1)},
                {w.key(watcher)},
                {w.key(operator_party), 1}};
  // Op 2's expiry is 80: at 79 every operation is accepted (execute has no verified batch yet, so
  // it is refused by ZK-EXEC-1, not by the live rules), at 80 and 81 each is refused by ZK-LIVE-2.
  for (const auto& [name, error] : live_refusals(w, in, 79, nullptr)) {
    const ZkRollupError expected = name == "execute_batch" ? ZkRollupError::execute_not_verified : ZkRollupError::none;
    EXPECT_EQ(code(error), code(expected)) << name << " at 79";
  }
  for (const u64 height : {80u, 81u}) {
    for (const auto& [name, error] : live_refusals(w, in, height, nullptr))
      EXPECT_EQ(code(error), code(ZkRollupError::priority_expired)) << name << " at " << height;
  }
  // In exodus every one is refused by ZK-LIVE-1, which comes first.
  w.accept<zk::ActivateExodus>({w.key(watcher)}, 80);
  for (const auto& [name, error] : live_refusals(w, in, 90, nullptr))
    EXPECT_EQ(code(error), code(ZkRollupError::exodus_active)) << name;
}

TEST(ZkRollupLive, ExecuteAtExpiryMinusOneServesTheRequest) {
  ZkWorld w = world_at(Stage::stalled);
  w.commit_ok(2, {}, 50);  // serves op 2 (alice's forced withdrawal) and op 3 (carol's deposit)
  w.prove_ok(1, 51);
  ZkWorld late = w;
  EXPECT_EQ(code(late.refusal<zk::ExecuteBatch>({w.key(watcher)}, 80)), code(ZkRollupError::priority_expired));
  EXPECT_EQ(code(late.refusal<zk::ExecuteBatch>({w.key(watcher)}, 81)), code(ZkRollupError::priority_expired));
  const zk::ZkEffects e = w.accept<zk::ExecuteBatch>({w.key(watcher)}, 79);
  EXPECT_EQ(e.contract.priority_executed, 4u);
  EXPECT_EQ(e.contract.executed, 2u);
  // Everything is served: no activation at 80, and batch operations go on.
  EXPECT_EQ(code(w.refusal<zk::ActivateExodus>({w.key(watcher)}, 80)), code(ZkRollupError::no_expired_request));
  EXPECT_EQ(code(w.refusal<zk::DepositTopUp>({w.key(carol), 3, 100}, 200)), code(ZkRollupError::none));
}

// ================================================================================================
// Commit [ZK-COMMIT-1 .. ZK-COMMIT-12]

TEST(ZkRollupCommit, RecordsThePublicInputOfTheHeader) {
  ZkWorld w = world_at(Stage::deployed);
  const zk::ZkBatch batch = w.build(2, {w.transfer(alice, 1, 2, 1000, 10, 0), w.withdrawal(alice, 1, alice_l1, 500, 5, 1)});
  const zk::ZkEffects e = w.commit(batch, 30).value();
  const zk::BatchHeader& h = batch.commit.header;
  EXPECT_EQ(h.batch_number, 0u);
  EXPECT_EQ(h.transaction_count, 4u);
  EXPECT_EQ(h.withdrawal_count, 1u);
  EXPECT_EQ(h.priority_count, 2u);
  EXPECT_EQ(h.prev_state_root, State::genesis(w.key(operator_party)).root());
  // The public input, from the spec's layout: the chain of ops 0 and 1, the data commitment of the
  // header, and the contract's identity and key.
  Bytes chain0(32, 0);
  l2::append(chain0, e.contract.priority_ops[0].op_id);
  Bytes chain1;
  l2::append(chain1, oracle::tagged_hash("L2/zk_rollup/priority_ops", chain0));
  l2::append(chain1, e.contract.priority_ops[1].op_id);
  Bytes data;
  l2::append(data, h.transactions_root);
  l2::put_u64_be(data, 4);
  l2::append(data, h.withdrawals_root);
  l2::put_u64_be(data, 1);
  Bytes pi = u64_bytes(ZkWorld::chain);
  l2::append(pi, w.contract.rollup_id);
  l2::append(pi, w.contract.vk_hash);
  l2::put_u64_be(pi, 0);
  l2::append(pi, h.prev_state_root);
  l2::append(pi, h.post_state_root);
  l2::append(pi, oracle::tagged_hash("L2/zk_rollup/data", data));
  l2::append(pi, oracle::tagged_hash("L2/zk_rollup/priority_ops", chain1));
  ASSERT_EQ(e.contract.batches.size(), 1u);
  const zk::BatchRecord& record = e.contract.batches[0];
  EXPECT_EQ(record.public_input, oracle::tagged_hash("L2/zk_rollup/public_input", pi));
  EXPECT_EQ(record.committed_at, 30u);
  EXPECT_EQ(record.priority_first, 0u);
  EXPECT_EQ(e.contract.committed, 1u);
  EXPECT_EQ(e.contract.priority_committed, 2u);
  EXPECT_EQ(e.contract.verified, 0u);
  EXPECT_EQ(e.contract.executed, 0u);
  EXPECT_EQ(zk::committed_root(e.contract), h.post_state_root);
  expect_payouts(e, {});
}

TEST(ZkRollupCommit, EachRuleBrokenOnce) {
  ZkWorld w = world_at(Stage::deployed);
  const zk::ZkBatch good = w.build(2, {w.transfer(alice, 1, 2, 1000, 10, 0)});
  auto refusal = [&](auto change) {
    zk::CommitBatchInput in = good.commit;
    change(in);
    return code(w.refusal<zk::CommitBatch>(in, 30));
  };
  EXPECT_EQ(refusal([](zk::CommitBatchInput&) {}), code(ZkRollupError::none));
  EXPECT_EQ(refusal([&](zk::CommitBatchInput& in) { in.caller = w.key(alice); }), code(ZkRollupError::not_operator));
  EXPECT_EQ(refusal([](zk::CommitBatchInput& in) { in.header.chain_id += 1; }), code(ZkRollupError::commit_wrong_rollup));
  EXPECT_EQ(refusal([](zk::CommitBatchInput& in) { in.header.rollup_id[0] ^= 1; }), code(ZkRollupError::commit_wrong_rollup));
  EXPECT_EQ(refusal([](zk::CommitBatchInput& in) { in.header.batch_number = 1; }), code(ZkRollupError::commit_out_of_order));
  EXPECT_EQ(refusal([](zk::CommitBatchInput& in) { in.header.prev_state_root[0] ^= 1; }),
            code(ZkRollupError::commit_prev_root_mismatch));
  EXPECT_EQ(refusal([](zk::CommitBatchInput& in) {
              in.header.transaction_count = 0;
              in.transactions.clear();
            }),
            code(ZkRollupError::commit_empty));
  // ZK-COMMIT-7: the queue holds 2 unconsumed ops: 2 accepted (above), 3 refused, and a sum that
  // overflows is refused.
  EXPECT_EQ(refusal([](zk::CommitBatchInput& in) { in.header.priority_count = 3; }),
            code(ZkRollupError::commit_priority_beyond_queue));
  EXPECT_EQ(refusal([](zk::CommitBatchInput& in) { in.header.priority_count = 1; }), code(ZkRollupError::none));
  EXPECT_EQ(refusal([](zk::CommitBatchInput& in) { in.withdrawals.push_back({alice_l1, 1}); }),
            code(ZkRollupError::commit_withdrawal_count));
  EXPECT_EQ(refusal([](zk::CommitBatchInput& in) {
              in.withdrawals.push_back({alice_l1, 1});
              in.header.withdrawal_count = 1;
            }),
            code(ZkRollupError::commit_withdrawals_root));
  EXPECT_EQ(refusal([](zk::CommitBatchInput& in) { in.transactions.pop_back(); }), code(ZkRollupError::commit_data_shape));
  EXPECT_EQ(refusal([](zk::CommitBatchInput& in) { std::swap(in.transactions[0], in.transactions[1]); }),
            code(ZkRollupError::commit_tx_root_mismatch));
  EXPECT_EQ(refusal([](zk::CommitBatchInput& in) { in.header.transactions_root[0] ^= 1; }),
            code(ZkRollupError::commit_tx_root_mismatch));
}

TEST(ZkRollupCommit, BatchSizeAndQueueBounds) {
  ZkWorld w = world_at(Stage::executed);
  // ZK-COMMIT-6: max_batch_size (4) transactions accepted, 5 refused.
  std::vector<Transaction> five;
  for (u64 n = 0; n < 5; ++n) five.push_back(w.transfer(bob, 2, 1, 1, 0, n));
  const zk::ZkBatch too_large = w.build(five);
  EXPECT_EQ(code(w.refusal<zk::CommitBatch>(too_large.commit, 40)), code(ZkRollupError::commit_too_large));
  five.pop_back();
  const zk::ZkBatch at_max = w.build(five);
  EXPECT_EQ(code(w.refusal<zk::CommitBatch>(at_max.commit, 40)), code(ZkRollupError::none));
  // ZK-COMMIT-7 with priority_committed 2: priority_count UINT64_MAX overflows the sum.
  zk::CommitBatchInput overflow = at_max.commit;
  overflow.header.priority_count = u64_max;
  EXPECT_EQ(code(w.refusal<zk::CommitBatch>(overflow, 40)), code(ZkRollupError::commit_priority_beyond_queue));
  // Consuming the whole queue (after two more requests) is accepted; one past it is refused.
  w.request(bob, 2, bob_l1, 41);
  w.top_up(carol, 1, 300, 42);
  const zk::ZkBatch whole = w.build(2, {});
  EXPECT_EQ(whole.commit.header.priority_count, 2u);
  zk::CommitBatchInput past = whole.commit;
  past.header.priority_count = 3;
  EXPECT_EQ(code(w.refusal<zk::CommitBatch>(past, 43)), code(ZkRollupError::commit_priority_beyond_queue));
  EXPECT_EQ(code(w.refusal<zk::CommitBatch>(whole.commit, 43)), code(ZkRollupError::none));
}

TEST(ZkRollupCommit, TheWithdrawalsRootOfAReorderedListIsRefused) {
  ZkWorld w = world_at(Stage::executed);
  const zk::ZkBatch batch =
      w.build(0, {w.withdrawal(alice, 1, alice_l1, 10, 0, 2), w.withdrawal(bob, 2, bob_l1, 20, 0, 0)});
  ASSERT_EQ(batch.commit.withdrawals.size(), 2u);
  zk::CommitBatchInput reordered = batch.commit;
  std::swap(reordered.withdrawals[0], reordered.withdrawals[1]);
  EXPECT_EQ(code(w.refusal<zk::CommitBatch>(reordered, 40)), code(ZkRollupError::commit_withdrawals_root));
  EXPECT_EQ(code(w.refusal<zk::CommitBatch>(batch.commit, 40)), code(ZkRollupError::none));
}

TEST(ZkRollupCommit, CommitteeModePostsNoTransactionsAndNeedsAnAttestation) {
  ZkWorld w = world_at(Stage::deployed);
  w.contract.data_mode = zk::DataMode::committee;  // as validium.md's deployment sets it
  const zk::ZkBatch batch = w.build(2, {w.transfer(alice, 1, 2, 1000, 10, 0)});
  zk::CommitBatchInput off_chain = batch.commit;
  off_chain.transactions.clear();
  // ZK-COMMIT-10: the transactions are posted: refused in committee mode.
  EXPECT_EQ(code(w.refusal<zk::CommitBatch>(batch.commit, 30)), code(ZkRollupError::commit_data_shape));
  // ZK-COMMIT-12: not attested, then attested (da_digest over chain, rollup, batch, data root).
  EXPECT_EQ(code(w.refusal<zk::CommitBatch>(off_chain, 30)), code(ZkRollupError::commit_data_not_attested));
  Bytes digest = u64_bytes(ZkWorld::chain);
  l2::append(digest, w.contract.rollup_id);
  l2::put_u64_be(digest, 0);
  l2::append(digest, batch.commit.header.transactions_root);
  w.contract.data_attestations.push_back(oracle::tagged_hash("L2/validium/da", digest));
  EXPECT_EQ(code(w.refusal<zk::CommitBatch>(off_chain, 30)), code(ZkRollupError::none));
  // ZK-COMMIT-11 does not apply: the root is not recomputed from posted data (there is none), but
  // an attestation of another data root does not cover it.
  zk::CommitBatchInput other_root = off_chain;
  other_root.header.transactions_root[0] ^= 1;
  EXPECT_EQ(code(w.refusal<zk::CommitBatch>(other_root, 30)), code(ZkRollupError::commit_data_not_attested));
}

// ================================================================================================
// Prove [ZK-PROVE-1 .. ZK-PROVE-3] and execute [ZK-EXEC-1]

TEST(ZkRollupProve, CountBoundsAndTheProofOfTheRange) {
  ZkWorld w = world_at(Stage::executed);
  w.commit_ok(0, {w.transfer(bob, 2, 1, 1, 0, 0)}, 40);
  w.commit_ok(0, {w.transfer(bob, 2, 1, 1, 0, 1)}, 41);
  w.commit_ok(0, {w.transfer(bob, 2, 1, 1, 0, 2)}, 42);
  const Bytes three = w.proof_for(1, 3);
  // ZK-PROVE-1: count 0.
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), 0, three}, 43)), code(ZkRollupError::prove_nothing));
  // ZK-PROVE-2: verified 1, committed 4: count 4 refused, 3 accepted; an overflowing count refused.
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), 4, three}, 43)), code(ZkRollupError::prove_beyond_committed));
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), u64_max, three}, 43)),
            code(ZkRollupError::prove_beyond_committed));
  // ZK-PROVE-3: the proof of batches 2..3 when verified = 1; junk; the proof of 1..3 for count 2.
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), 2, w.proof_for(2, 2)}, 43)), code(ZkRollupError::proof_rejected));
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), 3, Bytes{1, 2, 3}}, 43)), code(ZkRollupError::proof_rejected));
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), 2, three}, 43)), code(ZkRollupError::proof_rejected));
  // Three batches under one proof, by anyone.
  const zk::ZkEffects e = w.accept<zk::ProveBatches>({w.key(griefer), 3, three}, 43);
  EXPECT_EQ(e.contract.verified, 4u);
  EXPECT_EQ(e.contract.committed, 4u);
  EXPECT_EQ(e.contract.executed, 1u);
  expect_payouts(e, {});
}

TEST(ZkRollupExecute, OnlyAVerifiedBatch) {
  ZkWorld w = world_at(Stage::committed);
  // ZK-EXEC-1: executed 0 == verified 0.
  EXPECT_EQ(code(w.refusal<zk::ExecuteBatch>({w.key(watcher)}, 31)), code(ZkRollupError::execute_not_verified));
  w.prove_ok(1, 31);
  const zk::ZkEffects e = w.accept<zk::ExecuteBatch>({w.key(griefer)}, 32);
  EXPECT_EQ(e.contract.executed, 1u);
  EXPECT_EQ(e.contract.priority_executed, 2u);
  EXPECT_EQ(zk::executed_root(e.contract), w.state_after(1).root());
  // And not twice.
  EXPECT_EQ(code(w.refusal<zk::ExecuteBatch>({w.key(watcher)}, 33)), code(ZkRollupError::execute_not_verified));
}

// ================================================================================================
// Revert [ZK-COMMIT-1, ZK-REVERT-1, ZK-REVERT-2]

TEST(ZkRollupRevert, OnlyTheOperatorAndOnlyUnverifiedBatches) {
  ZkWorld w = world_at(Stage::executed);  // committed = verified = executed = 1
  w.request(alice, 1, alice_l1, 40);      // op 2
  w.commit_ok(1, {}, 41);                 // batch 1 consumes op 2
  w.commit_ok(0, {w.transfer(bob, 2, 1, 1, 0, 0)}, 42);
  EXPECT_EQ(code(w.refusal<zk::RevertBatches>({w.key(alice), 1}, 43)), code(ZkRollupError::not_operator));
  // ZK-REVERT-1: new_committed = committed (3) and above refused.
  EXPECT_EQ(code(w.refusal<zk::RevertBatches>({w.key(operator_party), 3}, 43)), code(ZkRollupError::revert_nothing));
  EXPECT_EQ(code(w.refusal<zk::RevertBatches>({w.key(operator_party), 4}, 43)), code(ZkRollupError::revert_nothing));
  // ZK-REVERT-2: verified - 1 (0) refused; verified (1) accepted.
  EXPECT_EQ(code(w.refusal<zk::RevertBatches>({w.key(operator_party), 0}, 43)), code(ZkRollupError::revert_verified));
  const u64 expiry = w.contract.priority_ops[2].expiry_height;
  const zk::ZkEffects e = w.revert(1, 43).value();
  EXPECT_EQ(e.contract.committed, 1u);
  EXPECT_EQ(e.contract.batches.size(), 1u);
  EXPECT_EQ(e.contract.priority_committed, 2u);  // batch 1's priority_first: op 2 is unconsumed again
  EXPECT_EQ(e.contract.priority_ops.size(), 3u);
  EXPECT_EQ(e.contract.priority_ops[2].expiry_height, expiry);  // the expiry is not reset
  EXPECT_EQ(zk::committed_root(e.contract), w.state_after(1).root());
  // The operator commits again from there.
  w.commit_ok(1, {}, 44);
  EXPECT_EQ(w.contract.committed, 2u);
}

TEST(ZkRollupRevert, AnUnverifiedBatchIsRevertedAVerifiedOneIsNot) {
  ZkWorld w = world_at(Stage::committed);
  ZkWorld unverified = w;
  EXPECT_TRUE(unverified.revert(0, 31).ok());
  EXPECT_EQ(unverified.contract.committed, 0u);
  EXPECT_EQ(unverified.contract.priority_committed, 0u);
  EXPECT_EQ(zk::committed_root(unverified.contract), State::genesis(w.key(operator_party)).root());
  w.prove_ok(1, 31);
  EXPECT_EQ(code(w.refusal<zk::RevertBatches>({w.key(operator_party), 0}, 32)), code(ZkRollupError::revert_verified));
  w.execute_ok(32);
  EXPECT_EQ(code(w.refusal<zk::RevertBatches>({w.key(operator_party), 0}, 33)), code(ZkRollupError::revert_verified));
  EXPECT_EQ(code(w.refusal<zk::RevertBatches>({w.key(operator_party), 1}, 33)), code(ZkRollupError::revert_nothing));
}

TEST(ZkRollupRevert, AProofFrontRunningTheRevertMakesItFail) {
  ZkWorld w = world_at(Stage::committed);
  w.prove_ok(1, 31);  // a prover lands first
  EXPECT_EQ(code(w.refusal<zk::RevertBatches>({w.key(operator_party), 0}, 31)), code(ZkRollupError::revert_verified));
}

// ================================================================================================
// The happy path: deposit -> commit -> prove -> execute -> pay_withdrawal [ZK-PAY-1 .. ZK-PAY-4]

TEST(ZkRollupHappyPath, DepositCommitProveExecutePay) {
  ZkWorld w = world_at(Stage::deployed);
  EXPECT_EQ(w.contract.escrow, 8000u);
  w.commit_ok(2, {w.transfer(alice, 1, 2, 1000, 10, 0), w.withdrawal(alice, 1, alice_l1, 500, 5, 1)}, 30);
  // Alice 5000 - 1010 - 505, bob 3000 + 1000, the fee account 10 + 5.
  const State after = w.state_after(1);
  EXPECT_EQ(after.account(1)->balance, 3485u);
  EXPECT_EQ(after.account(2)->balance, 4000u);
  EXPECT_EQ(after.account(0)->balance, 15u);
  // Not executed yet: ZK-PAY-1.
  EXPECT_EQ(code(w.refusal<zk::PayWithdrawal>(w.pay_input(0, 0), 30)), code(ZkRollupError::pay_batch_not_executed));
  w.prove_ok(1, 31);
  EXPECT_EQ(code(w.refusal<zk::PayWithdrawal>(w.pay_input(0, 0), 31)), code(ZkRollupError::pay_batch_not_executed));
  w.execute_ok(32);
  // ZK-PAY-2: another index, an inflated amount, a proof one hash long.
  zk::PayZkWithdrawalInput wrong_index = w.pay_input(0, 0);
  wrong_index.withdrawal_index = 1;
  EXPECT_EQ(code(w.refusal<zk::PayWithdrawal>(wrong_index, 33)), code(ZkRollupError::pay_not_included));
  zk::PayZkWithdrawalInput inflated = w.pay_input(0, 0);
  inflated.withdrawal.amount = 501;
  EXPECT_EQ(code(w.refusal<zk::PayWithdrawal>(inflated, 33)), code(ZkRollupError::pay_not_included));
  zk::PayZkWithdrawalInput long_proof = w.pay_input(0, 0);
  long_proof.proof.push_back(Hash32{});
  EXPECT_EQ(code(w.refusal<zk::PayWithdrawal>(long_proof, 33)), code(ZkRollupError::pay_not_included));
  const zk::ZkEffects e = w.accept<zk::PayWithdrawal>(w.pay_input(0, 0), 33);
  expect_payouts(e, {{alice_l1, 500}});
  EXPECT_EQ(e.contract.escrow, 7500u);
  ASSERT_EQ(e.contract.paid.size(), 1u);
  EXPECT_EQ(e.contract.paid[0].batch_number, 0u);
  EXPECT_EQ(e.contract.paid[0].withdrawal_index, 0u);
  // The escrow now holds exactly the executed state's balances: 3485 + 4000 + 15.
  EXPECT_EQ(e.contract.escrow, 3485u + 4000 + 15);
  // ZK-PAY-3: twice.
  EXPECT_EQ(code(w.refusal<zk::PayWithdrawal>(w.pay_input(0, 0), 34)), code(ZkRollupError::pay_already_paid));
}

TEST(ZkRollupPay, EscrowAtTheAmountAndAForcedWithdrawalOfAnotherAccount) {
  ZkWorld w = world_at(Stage::executed);
  // ZK-PAY-4 on a hand-made escrow: 499 refused, 500 accepted.
  ZkWorld short_escrow = w;
  short_escrow.contract.escrow = 499;
  EXPECT_EQ(code(short_escrow.refusal<zk::PayWithdrawal>(w.pay_input(0, 0), 33)), code(ZkRollupError::pay_escrow_insufficient));
  short_escrow.contract.escrow = 500;
  EXPECT_EQ(short_escrow.accept<zk::PayWithdrawal>(w.pay_input(0, 0), 33).contract.escrow, 0u);
  // A griefer's forced withdrawal of alice's account is processed as a no-op: a record of amount 0,
  // paid with no payout; alice's balance stays.
  w.request(griefer, 1, Hash32{0x66}, 40);
  w.commit_ok(1, {}, 41);
  w.prove_ok(1, 42);
  w.execute_ok(43);
  ASSERT_EQ(w.batch_withdrawals[1].size(), 1u);
  EXPECT_EQ(w.batch_withdrawals[1][0].amount, 0u);
  EXPECT_EQ(w.executed_l2().account(1)->balance, 3485u);
  const zk::ZkEffects e = w.accept<zk::PayWithdrawal>(w.pay_input(1, 0), 44);
  expect_payouts(e, {});
  ASSERT_EQ(e.contract.paid.size(), 1u);
  EXPECT_EQ(e.contract.paid[0].batch_number, 1u);
}

TEST(ZkRollupPay, AServedForcedWithdrawalPaysTheWholeBalance) {
  ZkWorld w = world_at(Stage::forced_requested);  // alice's request: op 2
  w.commit_ok(1, {}, 45);
  w.prove_ok(1, 46);
  w.execute_ok(47);
  EXPECT_EQ(w.executed_l2().account(1)->balance, 0u);
  const zk::ZkEffects e = w.accept<zk::PayWithdrawal>(w.pay_input(1, 0), 48);
  expect_payouts(e, {{alice_l1, 3485}});
  // After exodus too: a withdrawal of an executed batch is still paid.
  ZkWorld x = world_at(Stage::stalled);
  x.accept<zk::ActivateExodus>({x.key(watcher)}, 80);
  expect_payouts(x.accept<zk::PayWithdrawal>(x.pay_input(0, 0), 90), {{alice_l1, 500}});
}

// ================================================================================================
// Exodus [ZK-EXO-1, ZK-EXIT-1 .. ZK-EXIT-6, ZK-REFUND-1 .. ZK-REFUND-5]

TEST(ZkRollupExodus, ActivationExactlyAtTheExpiryHeight) {
  ZkWorld w = world_at(Stage::stalled);  // op 2 expires at 80, op 3 at 81
  // ZK-EXO-1: one block early refused, at the expiry accepted, by anyone.
  EXPECT_EQ(code(w.refusal<zk::ActivateExodus>({w.key(watcher)}, 79)), code(ZkRollupError::no_expired_request));
  w.commit_ok(0, {w.transfer(bob, 2, 1, 1, 0, 0)}, 60);  // committed, never proved: discarded
  const zk::ZkEffects e = w.accept<zk::ActivateExodus>({w.key(griefer)}, 80);
  EXPECT_TRUE(e.contract.exodus);
  EXPECT_EQ(e.contract.committed, 1u);
  EXPECT_EQ(e.contract.verified, 1u);
  EXPECT_EQ(e.contract.executed, 1u);
  EXPECT_EQ(e.contract.batches.size(), 1u);
  EXPECT_EQ(e.contract.priority_committed, 2u);
  EXPECT_EQ(e.contract.priority_executed, 2u);
  expect_payouts(e, {});
  // ZK-LIVE-1: a second activation.
  EXPECT_EQ(code(w.refusal<zk::ActivateExodus>({w.key(watcher)}, 81)), code(ZkRollupError::exodus_active));
  // An empty queue never expires.
  ZkWorld empty;
  EXPECT_EQ(code(empty.refusal<zk::ActivateExodus>({empty.key(watcher)}, u64_max)), code(ZkRollupError::no_expired_request));
}

TEST(ZkRollupExodus, ExpiryCountsFromRecordingEvenIfCommittedAndNeverProved) {
  ZkWorld w = world_at(Stage::forced_requested);
  w.commit_ok(1, {}, 45);  // consumes op 2, never proved
  EXPECT_EQ(code(w.refusal<zk::ActivateExodus>({w.key(watcher)}, 79)), code(ZkRollupError::no_expired_request));
  EXPECT_EQ(code(w.refusal<zk::ActivateExodus>({w.key(watcher)}, 80)), code(ZkRollupError::none));
  // A verified but unexecuted batch does not serve it either.
  w.prove_ok(1, 46);
  EXPECT_EQ(code(w.refusal<zk::ActivateExodus>({w.key(watcher)}, 80)), code(ZkRollupError::none));
}

TEST(ZkRollupExodus, EachAccountExitsOnceAndUnprocessedDepositsAreRefunded) {
  ZkWorld w = world_at(Stage::stalled);
  const State final_state = w.executed_l2();
  // ZK-EXIT-1: not in exodus yet.
  EXPECT_EQ(code(w.refusal<zk::ExodusWithdraw>(w.exit_input(alice, final_state, 1), 79)), code(ZkRollupError::not_in_exodus));
  EXPECT_EQ(code(w.refusal<zk::ExodusWithdrawMany>({w.key(watcher), final_state.header(), {w.claim(final_state, 2)}}, 79)),
            code(ZkRollupError::not_in_exodus));
  EXPECT_EQ(code(w.refusal<zk::RefundDeposit>({w.key(carol), 3}, 79)), code(ZkRollupError::not_in_exodus));
  w.accept<zk::ActivateExodus>({w.key(watcher)}, 80);
  // 5000 + 3000 + 700 taken in, nothing paid yet.
  EXPECT_EQ(w.contract.escrow, 8700u);

  // Alice exits once, paid to the account's owner whoever calls.
  const zk::ZkEffects first = w.accept<zk::ExodusWithdraw>(w.exit_input(griefer, final_state, 1), 81);
  expect_payouts(first, {{w.key(alice), 3485}});
  EXPECT_EQ(first.contract.exited, std::vector<AccountIndex>{1});
  // ZK-EXIT-4: twice.
  EXPECT_EQ(code(w.refusal<zk::ExodusWithdraw>(w.exit_input(alice, final_state, 1), 82)),
            code(ZkRollupError::exit_already_exited));
  // ZK-EXIT-4 within one call: bob listed twice; nothing is paid.
  const zk::ExodusWithdrawManyInput duplicate{w.key(watcher), final_state.header(),
                                              {w.claim(final_state, 2), w.claim(final_state, 2)}};
  EXPECT_EQ(code(w.refusal<zk::ExodusWithdrawMany>(duplicate, 82)), code(ZkRollupError::exit_already_exited));
  // ZK-EXIT-6: no claim.
  EXPECT_EQ(code(w.refusal<zk::ExodusWithdrawMany>({w.key(watcher), final_state.header(), {}}, 82)),
            code(ZkRollupError::exit_no_claims));
  // Bob and the operator's fee account in one call.
  const zk::ZkEffects many = w.accept<zk::ExodusWithdrawMany>(
      {w.key(watcher), final_state.header(), {w.claim(final_state, 2), w.claim(final_state, 0)}}, 82);
  expect_payouts(many, {{w.key(bob), 4000}, {w.key(operator_party), 15}});
  EXPECT_EQ(many.contract.exited, (std::vector<AccountIndex>{1, 2, 0}));

  // Refunds [ZK-REFUND-1 .. ZK-REFUND-4]: op 3 (carol's 700) was never processed.
  EXPECT_EQ(code(w.refusal<zk::RefundDeposit>({w.key(carol), 4}, 83)), code(ZkRollupError::refund_unknown_request));
  EXPECT_EQ(code(w.refusal<zk::RefundDeposit>({w.key(carol), 2}, 83)), code(ZkRollupError::refund_not_deposit));
  EXPECT_EQ(code(w.refusal<zk::RefundDeposit>({w.key(carol), 1}, 83)), code(ZkRollupError::refund_deposit_processed));
  EXPECT_EQ(code(w.refusal<zk::RefundDeposit>({w.key(carol), 0}, 83)), code(ZkRollupError::refund_deposit_processed));
  const zk::ZkEffects refund = w.accept<zk::RefundDeposit>({w.key(griefer), 3}, 83);
  expect_payouts(refund, {{w.key(carol), 700}});
  EXPECT_EQ(refund.contract.refunded, std::vector<u64>{3});
  EXPECT_EQ(code(w.refusal<zk::RefundDeposit>({w.key(carol), 3}, 84)), code(ZkRollupError::refund_already_refunded));
  // What is left is alice's unpaid withdrawal of batch 0: 8700 - 3485 - 4000 - 15 - 700 = 500,
  // which pay_withdrawal still pays in exodus; then nothing is left.
  EXPECT_EQ(w.contract.escrow, 500u);
  expect_payouts(w.accept<zk::PayWithdrawal>(w.pay_input(0, 0), 85), {{alice_l1, 500}});
  EXPECT_EQ(w.contract.escrow, 0u);
}

TEST(ZkRollupExodus, ExitRulesAtTheirEdges) {
  ZkWorld w = world_at(Stage::stalled);
  w.accept<zk::ActivateExodus>({w.key(watcher)}, 80);
  const State final_state = w.executed_l2();
  // ZK-EXIT-2: the opening of an earlier executed state (genesis) is stale.
  const State genesis = State::genesis(w.key(operator_party));
  EXPECT_EQ(code(w.refusal<zk::ExodusWithdraw>(w.exit_input(operator_party, genesis, 0), 81)),
            code(ZkRollupError::exit_bad_state_opening));
  EXPECT_EQ(code(w.refusal<zk::ExodusWithdrawMany>({w.key(watcher), genesis.header(), {w.claim(genesis, 0)}}, 81)),
            code(ZkRollupError::exit_bad_state_opening));
  // ZK-EXIT-3: an inflated balance, a claim for an empty slot's index with another's account.
  zk::ExitInput inflated = w.exit_input(alice, final_state, 1);
  inflated.account.balance += 1;
  EXPECT_EQ(code(w.refusal<zk::ExodusWithdraw>(inflated, 81)), code(ZkRollupError::exit_bad_account_proof));
  zk::ExitInput moved = w.exit_input(alice, final_state, 1);
  moved.account_index = 9;
  EXPECT_EQ(code(w.refusal<zk::ExodusWithdraw>(moved, 81)), code(ZkRollupError::exit_bad_account_proof));
  // ZK-EXIT-5 on a hand-made escrow: 3484 refused, 3485 accepted.
  ZkWorld short_escrow = w;
  short_escrow.contract.escrow = 3484;
  EXPECT_EQ(code(short_escrow.refusal<zk::ExodusWithdraw>(w.exit_input(alice, final_state, 1), 81)),
            code(ZkRollupError::exit_escrow_insufficient));
  short_escrow.contract.escrow = 3485;
  EXPECT_EQ(short_escrow.accept<zk::ExodusWithdraw>(w.exit_input(alice, final_state, 1), 81).contract.escrow, 0u);
  // ZK-REFUND-5 on a hand-made escrow: 699 refused.
  ZkWorld short_refund = w;
  short_refund.contract.escrow = 699;
  EXPECT_EQ(code(short_refund.refusal<zk::RefundDeposit>({w.key(carol), 3}, 81)),
            code(ZkRollupError::refund_escrow_insufficient));
  short_refund.contract.escrow = 700;
  EXPECT_EQ(code(short_refund.refusal<zk::RefundDeposit>({w.key(carol), 3}, 81)), code(ZkRollupError::none));
  // All or nothing: the 2nd of 3 claims fails (inflated), nothing is paid and nobody is recorded.
  zk::ExodusClaim bad = w.claim(final_state, 2);
  bad.account.balance = 1;
  EXPECT_EQ(code(w.refusal<zk::ExodusWithdrawMany>(
                {w.key(watcher), final_state.header(), {w.claim(final_state, 1), bad, w.claim(final_state, 0)}}, 81)),
            code(ZkRollupError::exit_bad_account_proof));
  EXPECT_TRUE(w.contract.exited.empty());
}

TEST(ZkRollupExodus, AZeroBalanceExitsWithNoPayout) {
  ZkWorld w = world_at(Stage::forced_requested);
  w.commit_ok(1, {}, 45);  // serves alice's forced withdrawal: her balance becomes 0
  w.prove_ok(1, 46);
  w.execute_ok(47);
  w.deposit_new(carol, carol, 700, 48);  // expires at 88, never served
  w.accept<zk::ActivateExodus>({w.key(watcher)}, 88);
  const zk::ZkEffects e = w.accept<zk::ExodusWithdraw>(w.exit_input(alice, w.executed_l2(), 1), 89);
  expect_payouts(e, {});
  EXPECT_EQ(e.contract.exited, std::vector<AccountIndex>{1});
}

TEST(ZkRollupExodus, ADepositConsumedByADiscardedBatchIsRefunded) {
  ZkWorld w = world_at(Stage::stalled);
  w.commit_ok(2, {}, 50);  // consumes ops 2 and 3; never executed
  w.prove_ok(1, 51);
  w.accept<zk::ActivateExodus>({w.key(watcher)}, 80);
  EXPECT_EQ(w.contract.priority_committed, 2u);
  expect_payouts(w.accept<zk::RefundDeposit>({w.key(watcher), 3}, 81), {{w.key(carol), 700}});
}

// ================================================================================================
// The reexecution verifier [ZK-RX-1 .. ZK-RX-13], stateless

// Batch 0 of the `executed` world (two account-creating deposits, a transfer, a withdrawal), its
// honest proof and the contract's proof input for it.
class ZkVerify : public ::testing::Test {
 protected:
  ZkVerify() : w(world_at(Stage::executed)) {
    proof = w.proof_for(0, 1);
    input = zk::proof_input_of(w.contract, 0, 1);
    witnesses = l2::reflect::decode<zk::ReexecutionProof>(proof).value();
  }

  ZkRollupError verify(const Bytes& p, const Hash32& in) const { return zk::verify(w.vk, in, p); }
  // The tampered witnesses, re-encoded, against the proof input of their own statements (so that
  // ZK-RX-4 passes and the rule under test is the one that fails).
  ZkRollupError verify_own_input(const zk::ReexecutionProof& tampered) const {
    std::vector<Hash32> inputs;
    for (const zk::BatchWitness& b : tampered.batches) inputs.push_back(zk::public_input(b.statement));
    return zk::verify(w.vk, zk::proof_input(inputs), l2::reflect::encode(tampered));
  }

  ZkWorld w;
  Bytes proof;
  Hash32 input;
  zk::ReexecutionProof witnesses;
};

TEST_F(ZkVerify, TheHonestProofIsAccepted) {
  EXPECT_EQ(code(verify(proof, input)), code(ZkRollupError::none));
  ASSERT_EQ(witnesses.batches.size(), 1u);
  const zk::BatchWitness& b = witnesses.batches[0];
  // Touched: the fee account (occupied) and the two slots the deposits create (empty before).
  ASSERT_EQ(b.accounts.size(), 3u);
  EXPECT_TRUE(b.accounts[0].account.has_value());
  EXPECT_FALSE(b.accounts[1].account.has_value());
  EXPECT_FALSE(b.accounts[2].account.has_value());
  EXPECT_EQ(zk::public_input(b.statement), w.contract.batches[0].public_input);
}

TEST_F(ZkVerify, KeyAndProofMustDecode) {
  // ZK-RX-1: version 2, version 0, a trailing byte; checked before the proof.
  for (const u32 version : {0u, 2u}) {
    const zk::VerifyingKey vk{zk::ProofBackend::reexecution, l2::reflect::encode(zk::ReexecutionKey{version, 4})};
    EXPECT_EQ(code(zk::verify(vk, input, proof)), code(ZkRollupError::rx_key_malformed)) << version;
    EXPECT_EQ(code(zk::verify(vk, input, Bytes{})), code(ZkRollupError::rx_key_malformed)) << version;
  }
  zk::VerifyingKey trailing = w.vk;
  trailing.key.push_back(0);
  EXPECT_EQ(code(zk::verify(trailing, input, proof)), code(ZkRollupError::rx_key_malformed));
  // ZK-RX-2: no bytes, no witness, a trailing byte.
  EXPECT_EQ(code(verify(Bytes{}, input)), code(ZkRollupError::rx_proof_malformed));
  EXPECT_EQ(code(verify(l2::reflect::encode(zk::ReexecutionProof{}), input)), code(ZkRollupError::rx_proof_malformed));
  Bytes longer = proof;
  longer.push_back(0);
  EXPECT_EQ(code(verify(longer, input)), code(ZkRollupError::rx_proof_malformed));
}

TEST_F(ZkVerify, StatementsMustNameTheKeyAndHashToTheInput) {
  // ZK-RX-3, before ZK-RX-4 (which this tampering also breaks).
  zk::ReexecutionProof other_key = witnesses;
  other_key.batches[0].statement.vk_hash[0] ^= 1;
  EXPECT_EQ(code(verify(l2::reflect::encode(other_key), input)), code(ZkRollupError::rx_key_mismatch));
  EXPECT_EQ(code(verify_own_input(other_key)), code(ZkRollupError::rx_key_mismatch));
  // ZK-RX-4: another input.
  Hash32 other = input;
  other[31] ^= 1;
  EXPECT_EQ(code(verify(proof, other)), code(ZkRollupError::rx_input_mismatch));
}

TEST_F(ZkVerify, TheKeyBoundsTheTransactions) {
  // Batch 0 has 4 transactions. ZK-RX-5: a key admitting 3 refuses it, one admitting 4 accepts.
  for (const u64 max : {3u, 4u}) {
    const zk::VerifyingKey vk = zk::reexecution_verifying_key(max);
    const Bytes p = w.proof_for(0, 1, vk);
    const zk::ReexecutionProof decoded = l2::reflect::decode<zk::ReexecutionProof>(p).value();
    const std::vector<Hash32> inputs{zk::public_input(decoded.batches[0].statement)};
    const ZkRollupError expected = max == 3 ? ZkRollupError::rx_too_many_transactions : ZkRollupError::none;
    EXPECT_EQ(code(zk::verify(vk, zk::proof_input(inputs), p)), code(expected)) << max;
  }
}

TEST_F(ZkVerify, TheWitnessMustOpenThePreState) {
  // ZK-RX-6.
  zk::ReexecutionProof pre = witnesses;
  pre.batches[0].pre_state.deposits_credited += 1;
  EXPECT_EQ(code(verify_own_input(pre)), code(ZkRollupError::rx_pre_state_mismatch));
  // ZK-RX-7: swapped, and repeated.
  zk::ReexecutionProof swapped = witnesses;
  std::swap(swapped.batches[0].accounts[0], swapped.batches[0].accounts[1]);
  EXPECT_EQ(code(verify_own_input(swapped)), code(ZkRollupError::rx_accounts_not_sorted));
  zk::ReexecutionProof repeated = witnesses;
  repeated.batches[0].accounts[2] = repeated.batches[0].accounts[1];
  EXPECT_EQ(code(verify_own_input(repeated)), code(ZkRollupError::rx_accounts_not_sorted));
  // ZK-RX-8: one sibling short, one extra, one wrong, a wrong account content, no touched slot.
  zk::ReexecutionProof short_one = witnesses;
  short_one.batches[0].siblings.pop_back();
  EXPECT_EQ(code(verify_own_input(short_one)), code(ZkRollupError::rx_multiproof_mismatch));
  zk::ReexecutionProof extra = witnesses;
  extra.batches[0].siblings.push_back(Hash32{});
  EXPECT_EQ(code(verify_own_input(extra)), code(ZkRollupError::rx_multiproof_mismatch));
  zk::ReexecutionProof wrong = witnesses;
  wrong.batches[0].siblings[0][0] ^= 1;
  EXPECT_EQ(code(verify_own_input(wrong)), code(ZkRollupError::rx_multiproof_mismatch));
  zk::ReexecutionProof richer = witnesses;
  richer.batches[0].accounts[0].account->balance += 1;
  EXPECT_EQ(code(verify_own_input(richer)), code(ZkRollupError::rx_multiproof_mismatch));
  zk::ReexecutionProof none = witnesses;
  none.batches[0].accounts.clear();
  none.batches[0].siblings.clear();
  EXPECT_EQ(code(verify_own_input(none)), code(ZkRollupError::rx_multiproof_mismatch));
}

TEST_F(ZkVerify, TheTransactionsAndPriorityOperationsMustBeTheStatements) {
  // ZK-RX-9: a flipped transaction byte (the transfer's amount), the statement unchanged.
  zk::ReexecutionProof flipped = witnesses;
  flipped.batches[0].transactions[2].transfer->amount ^= 1;
  EXPECT_EQ(code(verify_own_input(flipped)), code(ZkRollupError::rx_data_mismatch));
  // ... and a withdrawal record is part of the data: an amount changed in a withdrawal.
  zk::ReexecutionProof withdrawn = witnesses;
  withdrawn.batches[0].transactions[3].withdrawal->amount += 1;
  EXPECT_EQ(code(verify_own_input(withdrawn)), code(ZkRollupError::rx_data_mismatch));
  // ZK-RX-10: the statement names another chain of operations (none).
  zk::ReexecutionProof skipped = witnesses;
  skipped.batches[0].statement.priority_ops_hash = Hash32{};
  EXPECT_EQ(code(verify_own_input(skipped)), code(ZkRollupError::rx_priority_mismatch));
}

TEST_F(ZkVerify, EveryReadSlotMustBeOpenedAndEveryTransactionValid) {
  // ZK-RX-11: slot 2 (bob's, created by the second deposit) left out, with the multiproof of the
  // other two so that ZK-RX-8 passes.
  zk::ReexecutionProof unopened = witnesses;
  unopened.batches[0].accounts.pop_back();
  const std::vector<AccountIndex> kept{0, 1};
  unopened.batches[0].siblings = zk::multiproof_siblings(w.batch_pre[0], kept);
  EXPECT_EQ(code(verify_own_input(unopened)), code(ZkRollupError::rx_account_not_opened));
  // ZK-RX-12: every signature refused; a signature that is not alice's, with the data commitment
  // of the changed transactions.
  EXPECT_EQ(code(zk::verify(w.vk, input, proof, RejectAll{})), code(ZkRollupError::rx_transaction_rejected));
  zk::ReexecutionProof forged = witnesses;
  forged.batches[0].transactions[2].transfer->signature[5] ^= 1;
  forged.batches[0].statement.data_commitment = zk::data_commitment_of(forged.batches[0].transactions);
  EXPECT_EQ(code(verify_own_input(forged)), code(ZkRollupError::rx_transaction_rejected));
  // ... and a transaction signed by its owner but invalid here: without the transfer before it,
  // the withdrawal's nonce 1 skips alice's nonce 0 (OR-SEND-4). With it repeated, ZK-RX-5 comes first.
  zk::ReexecutionProof replayed = witnesses;
  replayed.batches[0].transactions.push_back(replayed.batches[0].transactions[3]);
  replayed.batches[0].statement.data_commitment = zk::data_commitment_of(replayed.batches[0].transactions);
  EXPECT_EQ(code(verify_own_input(replayed)), code(ZkRollupError::rx_too_many_transactions));  // 5 > 4 first
  replayed.batches[0].transactions.erase(replayed.batches[0].transactions.begin() + 2);  // drop the transfer
  replayed.batches[0].statement.data_commitment = zk::data_commitment_of(replayed.batches[0].transactions);
  EXPECT_EQ(code(verify_own_input(replayed)), code(ZkRollupError::rx_transaction_rejected));
  // ZK-RX-13: a false post-root.
  zk::ReexecutionProof false_root = witnesses;
  false_root.batches[0].statement.post_state_root[0] ^= 1;
  EXPECT_EQ(code(verify_own_input(false_root)), code(ZkRollupError::rx_post_root_mismatch));
}

TEST_F(ZkVerify, NoDepositIndexReachesUint64Max) {
  // A hand-made pre-state that credited UINT64_MAX deposits, and a deposit at index UINT64_MAX: the
  // count after it would not fit, so the view never holds it (OR-DEP-3), rather than wrapping.
  zk::ReexecutionProof edge = witnesses;
  zk::BatchWitness& b = edge.batches[0];
  b.pre_state.deposits_credited = u64_max;
  b.statement.prev_state_root = orl::state_root(b.pre_state);
  b.transactions = {orl::make_transaction(orl::Deposit{u64_max, 1, w.key(alice), 100})};
  b.statement.data_commitment = zk::data_commitment_of(b.transactions);
  const zk::L2Params params{b.statement.chain_id, b.statement.rollup_id};
  b.statement.priority_ops_hash = zk::priority_ops_hash(zk::priority_ids(params, b.transactions));
  EXPECT_EQ(code(verify_own_input(edge)), code(ZkRollupError::rx_transaction_rejected));
  // One below, the same deposit is credited and the batch reaches its post-root.
  zk::ReexecutionProof below = edge;
  zk::BatchWitness& c = below.batches[0];
  c.pre_state.deposits_credited = u64_max - 1;
  c.statement.prev_state_root = orl::state_root(c.pre_state);
  c.transactions = {orl::make_transaction(orl::Deposit{u64_max - 1, 1, w.key(alice), 100})};
  c.statement.data_commitment = zk::data_commitment_of(c.transactions);
  c.statement.priority_ops_hash = zk::priority_ops_hash(zk::priority_ids(params, c.transactions));
  State post = w.batch_pre[0];
  post.put(1, orl::Account{100, 0, w.key(alice)});
  c.statement.post_state_root = orl::state_root(orl::StateHeader{post.header().accounts_root, u64_max, 0});
  EXPECT_EQ(code(verify_own_input(below)), code(ZkRollupError::none));
}

TEST_F(ZkVerify, WitnessesAreCheckedInOrder) {
  w.commit_ok(0, {w.transfer(bob, 2, 1, 7, 1, 0)}, 40);
  w.commit_ok(0, {w.transfer(alice, 1, 2, 9, 1, 2)}, 41);
  const Bytes two = w.proof_for(1, 2);
  EXPECT_EQ(code(zk::verify(w.vk, zk::proof_input_of(w.contract, 1, 2), two)), code(ZkRollupError::none));
  zk::ReexecutionProof decoded = l2::reflect::decode<zk::ReexecutionProof>(two).value();
  decoded.batches[1].statement.post_state_root[0] ^= 1;
  EXPECT_EQ(code(verify_own_input(decoded)), code(ZkRollupError::rx_post_root_mismatch));
  // The first witness's failure is reported before the second's.
  decoded.batches[0].pre_state.forced_exits_processed += 1;
  EXPECT_EQ(code(verify_own_input(decoded)), code(ZkRollupError::rx_pre_state_mismatch));
}

TEST_F(ZkVerify, TheStatelessOpReportsTheVerdict) {
  const auto accepted = zk::apply_verify_proof(zk::VerifyProofInput{w.vk, input, proof});
  ASSERT_TRUE(accepted.ok());
  EXPECT_TRUE(accepted.value().accepted);
  const auto rejected = zk::apply_verify_proof(zk::VerifyProofInput{w.vk, Hash32{}, proof});
  EXPECT_EQ(code_of(rejected), code(ZkRollupError::rx_input_mismatch));
}

// ================================================================================================
// Attacks: replayed proofs, another key, skipped and reordered priority operations

TEST(ZkRollupAttack, AProofReplayedAgainstAnotherBatch) {
  ZkWorld w = world_at(Stage::executed);
  w.commit_ok(0, {w.transfer(bob, 2, 1, 1, 0, 0)}, 40);
  w.commit_ok(0, {w.transfer(bob, 2, 1, 1, 0, 1)}, 41);
  const Bytes proof_of_1 = w.proof_for(1, 1);
  const Bytes proof_of_2 = w.proof_for(2, 1);
  // Batch 1 is next: the proof of batch 2 is refused for it; then batch 1's proof is accepted and
  // is refused when replayed for batch 2.
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), 1, proof_of_2}, 42)), code(ZkRollupError::proof_rejected));
  EXPECT_EQ(code(zk::verify(w.vk, zk::proof_input_of(w.contract, 1, 1), proof_of_2)), code(ZkRollupError::rx_input_mismatch));
  w.accept<zk::ProveBatches>({w.key(watcher), 1, proof_of_1}, 42);
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), 1, proof_of_1}, 43)), code(ZkRollupError::proof_rejected));
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), 1, proof_of_2}, 43)), code(ZkRollupError::none));
}

TEST(ZkRollupAttack, AProofReplayedAfterARevert) {
  ZkWorld w = world_at(Stage::executed);
  w.commit_ok(0, {w.transfer(bob, 2, 1, 1, 0, 0)}, 40);
  const Bytes old_proof = w.proof_for(1, 1);
  ASSERT_TRUE(w.revert(1, 41).ok());
  w.commit_ok(0, {w.transfer(bob, 2, 1, 2, 0, 0)}, 42);  // another batch 1, same number and pre-root
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), 1, old_proof}, 43)), code(ZkRollupError::proof_rejected));
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), 1, w.proof_for(1, 1)}, 43)), code(ZkRollupError::none));
}

TEST(ZkRollupAttack, AProofUnderAnotherVerifyingKey) {
  ZkWorld w = world_at(Stage::committed);
  const zk::VerifyingKey other = zk::reexecution_verifying_key(5);
  const Bytes proof = w.proof_for(0, 1, other);
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), 1, proof}, 31)), code(ZkRollupError::proof_rejected));
  const Hash32 input = zk::proof_input_of(w.contract, 0, 1);
  // Against the contract's key its statements name another key; under the other key, the contract's
  // public input (which binds vk_hash) is not the statements'.
  EXPECT_EQ(code(zk::verify(w.vk, input, proof)), code(ZkRollupError::rx_key_mismatch));
  EXPECT_EQ(code(zk::verify(other, input, proof)), code(ZkRollupError::rx_input_mismatch));
}

// The `executed` world, then bob requests the forced withdrawal of his account at 40 (op 2,
// request 0) and carol deposits 700 at 41 (op 3, deposit index 2, account 3).
ZkWorld forced_then_deposit() {
  ZkWorld w = world_at(Stage::executed);
  w.request(bob, 2, bob_l1, 40);
  w.deposit_new(carol, carol, 700, 41);
  return w;
}

// The witnesses of the last committed batch with the statement's priority-ops hash replaced by the
// contract's own, so that the statement hashes to the contract's public input (ZK-RX-4 passes) and
// only the batch's transactions disagree with it.
ZkRollupError verify_against_contract_chain(const ZkWorld& w) {
  const u64 k = w.contract.committed - 1;
  zk::ReexecutionProof witnesses = l2::reflect::decode<zk::ReexecutionProof>(w.proof_for(k, 1)).value();
  std::vector<Hash32> ids;
  const zk::BatchRecord& record = w.contract.batches[k];
  for (u64 q = record.priority_first; q < record.priority_first + record.header.priority_count; ++q)
    ids.push_back(w.contract.priority_ops[q].op_id);
  witnesses.batches[0].statement.priority_ops_hash = zk::priority_ops_hash(ids);
  EXPECT_EQ(zk::public_input(witnesses.batches[0].statement), record.public_input);
  return zk::verify(w.vk, zk::proof_input_of(w.contract, k, 1), l2::reflect::encode(witnesses));
}

TEST(ZkRollupAttack, ASkippedPriorityOperation) {
  ZkWorld w = forced_then_deposit();
  // The operator consumes one operation but processes carol's deposit (op 3), skipping bob's
  // request (op 2). On L2 the batch is valid; the contract's chain is op 2's id.
  const Transaction carols = w.queue_bodies[3];
  const zk::ZkBatch skipping = w.build({carols});
  ASSERT_EQ(skipping.commit.header.priority_count, 1u);
  ASSERT_TRUE(w.commit(skipping, 42).ok());
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), 1, w.proof_for(1, 1)}, 43)), code(ZkRollupError::proof_rejected));
  EXPECT_EQ(code(verify_against_contract_chain(w)), code(ZkRollupError::rx_priority_mismatch));
}

TEST(ZkRollupAttack, ReorderedPriorityOperations) {
  ZkWorld w = forced_then_deposit();
  const std::vector<Transaction> in_order = w.priority_txs(2);
  // Carol's deposit before bob's request: each is valid on L2 (separate counters).
  ASSERT_TRUE(w.commit(w.build({in_order[1], in_order[0]}), 42).ok());
  EXPECT_EQ(code(w.refusal<zk::ProveBatches>({w.key(watcher), 1, w.proof_for(1, 1)}, 43)), code(ZkRollupError::proof_rejected));
  EXPECT_EQ(code(verify_against_contract_chain(w)), code(ZkRollupError::rx_priority_mismatch));
  // In queue order the same operations are proved, executed, and bob's withdrawal is paid.
  ASSERT_TRUE(w.revert(1, 44).ok());
  ASSERT_TRUE(w.commit(w.build(in_order), 44).ok());
  EXPECT_EQ(code(verify_against_contract_chain(w)), code(ZkRollupError::none));
  w.prove_ok(1, 45);
  w.execute_ok(46);
  expect_payouts(w.accept<zk::PayWithdrawal>(w.pay_input(1, 0), 47), {{bob_l1, 4000}});
}

TEST(ZkRollupAttack, ATransferSignedForAnotherRollupIsRejected) {
  ZkWorld w = world_at(Stage::executed);
  // The same keys and accounts under an optimistic rollup's id for the same deployment.
  orl::L2Params foreign = w.params();
  foreign.rollup_id = orl::rollup_id(ZkWorld::chain, ZkWorld::contract_address, w.key(operator_party), 0);
  orl::Transfer t{1, 2, 5, 0, 2, {}};
  t.signature = oracle::sign(w.keys.secret[alice], orl::transfer_digest(foreign, t), Hash32{}).value();
  const auto built = zk::make_zk_batch(w.contract, w.committed_l2, {orl::make_transaction(t)});
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(l2::error_info(built.error()).code, "OR_BAD_SIGNATURE");
}

}  // namespace
