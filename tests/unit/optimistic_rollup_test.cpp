// Optimistic-rollup L2 transactions with real BIP-340 signatures: every rule of the spec's tables
// (OR-TX, OR-WIT, OR-SEND, OR-XFER, OR-FEE, OR-DEP, OR-FEX) rejects at its boundary and accepts one
// step inside it, every accepted transaction is compared account by account (and both counters)
// with a post-state worked out by hand, the stateless single-transaction step agrees with the
// stateful form on every case (the same root or the same code, on the witness the stateful run
// read), and the error codes are the spec's rule rows. Signatures are made by libsecp256k1, and
// tagged hashes, encodings and RFC 6962 roots are recomputed with libsecp256k1 and OpenSSL from
// hand-built bytes, so digests, encodings and the signature check are not tested against themselves.
#include <gtest/gtest.h>

#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "l2/ref/encoding.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::OptimisticRollupError;
using l2::u64;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
namespace oracle = l2::test::libsecp256k1;
using optimistic_rollup::Account;
using optimistic_rollup::AccountIndex;
using optimistic_rollup::Deposit;
using optimistic_rollup::ForcedExit;
using optimistic_rollup::L1View;
using optimistic_rollup::State;
using optimistic_rollup::StateHeader;
using optimistic_rollup::Transaction;
using optimistic_rollup::Transfer;
using optimistic_rollup::Withdrawal;

constexpr u64 chain = 5;
constexpr AccountIndex alice = 1;
constexpr AccountIndex bob = 2;
constexpr AccountIndex empty_slot = 7;
constexpr Hash32 alice_recipient{0xe1};
constexpr Hash32 bob_recipient{0xe2};
constexpr Hash32 carol_recipient{0xe3};
constexpr Hash32 operator_recipient{0xe0};

using Keys = l2::test::KeyPool<4>;  // 0 the operator, 1 alice, 2 bob, 3 carol (an outsider)
using Accounts = std::vector<std::pair<AccountIndex, Account>>;

Hash32 openssl_sha256(const Bytes& data) {
  Hash32 out{};
  SHA256(data.data(), data.size(), out.data());
  return out;
}

OptimisticRollupError error_of(const l2::Result<Hash32, OptimisticRollupError>& r) { return r.ok() ? OptimisticRollupError::none : r.error(); }
std::string code(OptimisticRollupError e) { return std::string(l2::error_info(e).code); }

// The state root by the spec's formula from hand-listed accounts: the sparse tree over
// account_value of each, then the 48-byte header under the state tag (hashed by libsecp256k1).
Hash32 root_of(const Accounts& accounts, u64 deposits_credited, u64 forced_exits_processed) {
  std::vector<l2::ref::smt::Leaf> leaves;
  for (const auto& [index, account] : accounts) leaves.push_back({index, optimistic_rollup::account_value(account)});
  Bytes header;
  l2::append(header, l2::ref::smt::rebuild_root(leaves));
  l2::put_u64_be(header, deposits_credited);
  l2::put_u64_be(header, forced_exits_processed);
  return oracle::tagged_hash("L2/optimistic_rollup/state", header);
}

// Every account, both counters and the root of `s` are the hand-worked ones.
void expect_state(const State& s, const Accounts& accounts, u64 deposits_credited, u64 forced_exits_processed) {
  ASSERT_EQ(s.accounts().size(), accounts.size());
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    EXPECT_EQ(s.accounts()[i].first, accounts[i].first) << i;
    EXPECT_EQ(s.accounts()[i].second.balance, accounts[i].second.balance) << "account " << accounts[i].first;
    EXPECT_EQ(s.accounts()[i].second.nonce, accounts[i].second.nonce) << "account " << accounts[i].first;
    EXPECT_EQ(s.accounts()[i].second.owner, accounts[i].second.owner) << "account " << accounts[i].first;
  }
  EXPECT_EQ(s.deposits_credited(), deposits_credited);
  EXPECT_EQ(s.forced_exits_processed(), forced_exits_processed);
  EXPECT_EQ(s.root(), root_of(accounts, deposits_credited, forced_exits_processed));
}

class OptimisticRollupTest : public ::testing::Test {
 protected:
  OptimisticRollupTest() : keys(Keys::make("optimistic_rollup_test")) {
    params = optimistic_rollup::L2Params{chain, optimistic_rollup::rollup_id(chain, l2::ref::tagged_hash("test/contract", l2::bytes_of("c")),
                                                 keys.pubkey[0], 0)};
    // L1's deposits: alice (key 1) opens account 1 with 1000, bob (key 2) account 2 with 500,
    // alice tops up 50.
    deposits = {Deposit{0, alice, keys.pubkey[1], 1000}, Deposit{1, bob, keys.pubkey[2], 500},
                Deposit{2, alice, std::nullopt, 50}};
    for (const Deposit& d : deposits) deposit_log.push_back(optimistic_rollup::deposit_id(params, d));
    // L1's forced exits: alice asks for her own account, bob asks for alice's, carol for an empty
    // slot, the operator for the fee account.
    exits = {ForcedExit{0, alice, keys.pubkey[1], alice_recipient, 0},
             ForcedExit{1, alice, keys.pubkey[2], bob_recipient, 0},
             ForcedExit{2, empty_slot, keys.pubkey[3], carol_recipient, 0},
             ForcedExit{3, optimistic_rollup::fee_account, keys.pubkey[0], operator_recipient, 0}};
    for (const ForcedExit& e : exits) exit_log.push_back(optimistic_rollup::forced_exit_id(params, e));
    genesis = State::genesis(keys.pubkey[0]);
    funded = apply(apply(genesis, optimistic_rollup::make_transaction(deposits[0])), optimistic_rollup::make_transaction(deposits[1]));
  }

  L1View l1() const { return L1View{deposit_log, exit_log}; }
  const Hash32& key(std::size_t i) const { return keys.pubkey[i]; }
  Account operator_account(u64 balance = 0, u64 nonce = 0) const { return Account{balance, nonce, key(0)}; }

  State apply(const State& s, const Transaction& tx) const {
    auto r = optimistic_rollup::apply_tx(params, l1(), s, tx);
    EXPECT_TRUE(r.ok()) << code(r.error());
    return r.ok() ? std::move(r).value() : s;
  }
  // The state `s` with its counters replaced.
  static State with_counters(State s, u64 deposits_credited, u64 forced_exits_processed) {
    s.set_counters(optimistic_rollup::Counters{deposits_credited, forced_exits_processed});
    return s;
  }

  optimistic_rollup::Signature sign(std::size_t signer, const Hash32& digest) const {
    return oracle::sign(keys.secret[signer], digest, Hash32{}).value();
  }
  Transaction transfer(AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce, std::size_t signer) const {
    Transfer t{from, to, amount, fee, nonce, {}};
    t.signature = sign(signer, optimistic_rollup::transfer_digest(params, t));
    return optimistic_rollup::make_transaction(t);
  }
  Transaction withdrawal(AccountIndex from, u64 amount, u64 fee, u64 nonce, std::size_t signer,
                         const Hash32& recipient = alice_recipient) const {
    Withdrawal w{from, recipient, amount, fee, nonce, {}};
    w.signature = sign(signer, optimistic_rollup::withdrawal_digest(params, w));
    return optimistic_rollup::make_transaction(w);
  }
  Transaction deposit(std::size_t k) const { return optimistic_rollup::make_transaction(deposits[k]); }
  Transaction forced_exit(std::size_t k, u64 amount) const {
    ForcedExit e = exits[k];
    e.amount = amount;
    return optimistic_rollup::make_transaction(e);
  }

  // The rule's code from the stateful form; the stateless step on the witness the stateful run
  // read gives the same code; that witness opens exactly `reads` (the accounts read up to the
  // failing rule, in order).
  void expect_rejected(const State& s, const Transaction& tx, OptimisticRollupError expected, std::vector<AccountIndex> reads,
                       std::optional<L1View> view = std::nullopt) const {
    const L1View v = view.value_or(l1());
    const Hash32 root_before = s.root();
    const auto r = optimistic_rollup::apply_tx(params, v, s, tx);
    ASSERT_FALSE(r.ok()) << "expected " << code(expected);
    EXPECT_EQ(code(r.error()), code(expected));
    EXPECT_EQ(s.root(), root_before);
    const optimistic_rollup::TxWitness w = optimistic_rollup::witness_for(params, v, s, tx);
    EXPECT_EQ(code(error_of(optimistic_rollup::apply_tx(params, v, s.root(), w, tx))), code(expected)) << "stateless step disagrees";
    std::vector<AccountIndex> read;
    for (const auto& opening : w.accounts) read.push_back(opening.index);
    EXPECT_EQ(read, reads) << "accounts read before " << code(expected);
    EXPECT_TRUE(l2::reflect::equal(w.pre_state, s.header()));
  }

  // Accepted by the stateful form, reading exactly `reads`; the stateless step on its witness
  // reaches the same root.
  State expect_accepted(const State& s, const Transaction& tx, std::vector<AccountIndex> reads,
                        std::optional<L1View> view = std::nullopt) const {
    const L1View v = view.value_or(l1());
    auto executed = optimistic_rollup::execute_tx(params, v, s, tx);
    EXPECT_TRUE(executed.ok()) << code(executed.error());
    if (!executed.ok()) return s;
    const auto stateless = optimistic_rollup::apply_tx(params, v, s.root(), executed.value().witness, tx);
    EXPECT_TRUE(stateless.ok()) << code(stateless.error());
    if (stateless.ok()) {
      EXPECT_EQ(stateless.value(), executed.value().post_state.root());
    }
    std::vector<AccountIndex> read;
    for (const auto& opening : executed.value().witness.accounts) read.push_back(opening.index);
    EXPECT_EQ(read, reads);
    // witness_for reads the same openings for a valid transaction.
    EXPECT_TRUE(l2::reflect::equal(optimistic_rollup::witness_for(params, v, s, tx), executed.value().witness));
    return std::move(executed).value().post_state;
  }

  Keys keys;
  optimistic_rollup::L2Params params{};
  std::vector<Deposit> deposits;
  std::vector<Hash32> deposit_log;
  std::vector<ForcedExit> exits;
  std::vector<Hash32> exit_log;
  State genesis;
  State funded;  // genesis, then deposits 0 and 1: the operator 0, alice 1000, bob 500
};

// ---- error codes match the spec's rule tables ----

TEST(OptimisticRollupErrors, EveryCodeIsARowOfTheSpecAndDistinct) {
  l2::test::expect_rule_table_matches(l2::all_rollup_errors, "optimistic_rollup.md", "OR");
}

TEST(OptimisticRollupErrors, TheErrorsSectionListsEveryCodeInTheEnumsOrder) {
  const std::string spec = l2::test::read_spec("optimistic_rollup.md");
  const std::size_t section = spec.find("\n## Errors\n");
  ASSERT_NE(section, std::string::npos);
  std::size_t at = section;
  for (const OptimisticRollupError e : l2::all_rollup_errors) {
    const l2::ErrorInfo info = l2::error_info(e);
    const std::string row =
        "| `" + std::string(info.code) + "` | " + std::string(info.rule_id) + " | " + std::string(info.summary) + " |";
    const std::size_t found = spec.find(row, at);
    ASSERT_NE(found, std::string::npos) << "the Errors table has no row, after the previous one, " << row;
    at = found;
  }
}

TEST(OptimisticRollupErrors, TransactionAndWitnessErrorsAreTheL2Rules) {
  std::size_t witness = 0, transaction = 0;
  for (const OptimisticRollupError e : l2::all_rollup_errors) {
    const std::string_view rule = l2::error_info(e).rule_id;
    const bool l2_rule = rule.starts_with("OR-TX-") || rule.starts_with("OR-WIT-") || rule.starts_with("OR-SEND-") ||
                         rule.starts_with("OR-XFER-") || rule.starts_with("OR-FEE-") || rule.starts_with("OR-DEP-") ||
                         rule.starts_with("OR-FEX-");
    EXPECT_EQ(optimistic_rollup::is_witness_error(e), rule.starts_with("OR-WIT-")) << rule;
    EXPECT_EQ(optimistic_rollup::is_transaction_error(e), l2_rule && !rule.starts_with("OR-WIT-")) << rule;
    witness += optimistic_rollup::is_witness_error(e) ? 1 : 0;
    transaction += optimistic_rollup::is_transaction_error(e) ? 1 : 0;
  }
  // OR-TX-1, OR-SEND-1..7, OR-XFER-1..2, OR-FEE-1..2, OR-DEP-1..7, OR-FEX-1..5.
  EXPECT_EQ(witness, 4u);
  EXPECT_EQ(transaction, 1u + 7 + 2 + 2 + 7 + 5);
  EXPECT_FALSE(optimistic_rollup::is_transaction_error(OptimisticRollupError::none));
  EXPECT_FALSE(optimistic_rollup::is_transaction_error(OptimisticRollupError::config_censorship_bound));
}

TEST(OptimisticRollupErrors, FaultTypesFollowTheSpecTable) {
  for (const OptimisticRollupError e : l2::all_rollup_errors) {
    if (!optimistic_rollup::is_transaction_error(e)) continue;
    const std::string_view rule = l2::error_info(e).rule_id;
    optimistic_rollup::FraudProofType expected = optimistic_rollup::FraudProofType::invalid_transition;
    if (rule == "OR-SEND-2") expected = optimistic_rollup::FraudProofType::invalid_signature;
    if (rule == "OR-SEND-3" || rule == "OR-SEND-7" || rule == "OR-DEP-1" || rule == "OR-FEX-1")
      expected = optimistic_rollup::FraudProofType::double_spend;
    EXPECT_EQ(optimistic_rollup::fault_type(e), expected) << rule;
  }
}

// ---- identifiers, digests and roots hash the documented bytes ----

TEST_F(OptimisticRollupTest, DigestsHashTheDocumentedBytes) {
  const Transfer t{0x01020304, 7, 0x1112131415161718, l2::u64_max, 9, {}};
  Bytes body;
  l2::put_u64_be(body, chain);
  l2::append(body, params.rollup_id);
  l2::put_u32_be(body, 0x01020304);
  l2::put_u32_be(body, 7);
  l2::put_u64_be(body, 0x1112131415161718);
  l2::put_u64_be(body, l2::u64_max);
  l2::put_u64_be(body, 9);
  ASSERT_EQ(body.size(), 72u);
  EXPECT_EQ(optimistic_rollup::transfer_digest(params, t), oracle::tagged_hash("L2/optimistic_rollup/transfer", body));

  const Withdrawal w{3, Hash32{0xaa, 0xbb}, 100, 2, 4, {}};
  Bytes wbody;
  l2::put_u64_be(wbody, chain);
  l2::append(wbody, params.rollup_id);
  l2::put_u32_be(wbody, 3);
  l2::append(wbody, Hash32{0xaa, 0xbb});
  l2::put_u64_be(wbody, 100);
  l2::put_u64_be(wbody, 2);
  l2::put_u64_be(wbody, 4);
  ASSERT_EQ(wbody.size(), 100u);
  EXPECT_EQ(optimistic_rollup::withdrawal_digest(params, w), oracle::tagged_hash("L2/optimistic_rollup/withdrawal", wbody));

  // Optional owner: a 0x01 tag and the key, or a lone 0x00.
  for (const bool creates : {true, false}) {
    const Deposit d{6, 8, creates ? std::optional<Hash32>(key(1)) : std::nullopt, 77};
    Bytes dbody;
    l2::put_u64_be(dbody, chain);
    l2::append(dbody, params.rollup_id);
    l2::put_u64_be(dbody, 6);
    l2::put_u32_be(dbody, 8);
    dbody.push_back(creates ? 1 : 0);
    if (creates) l2::append(dbody, key(1));
    l2::put_u64_be(dbody, 77);
    EXPECT_EQ(optimistic_rollup::deposit_id(params, d), oracle::tagged_hash("L2/optimistic_rollup/deposit", dbody));
  }

  // The forced exit's id: 116 bytes, without the amount (the L2 decides it).
  const ForcedExit e{0x0a0b0c0d0e0f1011, 0x21222324, key(2), Hash32{0x5e, 0x5f}, 12345};
  Bytes ebody;
  l2::put_u64_be(ebody, chain);
  l2::append(ebody, params.rollup_id);
  l2::put_u64_be(ebody, 0x0a0b0c0d0e0f1011);
  l2::put_u32_be(ebody, 0x21222324);
  l2::append(ebody, key(2));
  l2::append(ebody, Hash32{0x5e, 0x5f});
  ASSERT_EQ(ebody.size(), 116u);
  EXPECT_EQ(optimistic_rollup::forced_exit_id(params, e), oracle::tagged_hash("L2/optimistic_rollup/forced_exit", ebody));
  ForcedExit other_amount = e;
  other_amount.amount = 0;
  EXPECT_EQ(optimistic_rollup::forced_exit_id(params, other_amount), optimistic_rollup::forced_exit_id(params, e));

  Bytes id;
  l2::put_u64_be(id, chain);
  l2::append(id, Hash32{0x42});
  l2::append(id, key(0));
  l2::put_u64_be(id, 3);
  ASSERT_EQ(id.size(), 80u);
  EXPECT_EQ(optimistic_rollup::rollup_id(chain, Hash32{0x42}, key(0), 3), oracle::tagged_hash("L2/optimistic_rollup/id", id));

  // The batch header: 200 bytes, fields in the spec's order.
  const optimistic_rollup::BatchHeader header{chain, params.rollup_id, 3, 2, 0x77, Hash32{0x10}, Hash32{0x11}, Hash32{0x12}, 4,
                                Hash32{0x13}};
  Bytes hbody;
  l2::put_u64_be(hbody, chain);
  l2::append(hbody, params.rollup_id);
  l2::put_u64_be(hbody, 3);
  l2::put_u64_be(hbody, 2);
  l2::put_u64_be(hbody, 0x77);
  l2::append(hbody, Hash32{0x10});
  l2::append(hbody, Hash32{0x11});
  l2::append(hbody, Hash32{0x12});
  l2::put_u64_be(hbody, 4);
  l2::append(hbody, Hash32{0x13});
  ASSERT_EQ(hbody.size(), 200u);
  EXPECT_EQ(optimistic_rollup::batch_id(header), oracle::tagged_hash("L2/optimistic_rollup/batch", hbody));
}

TEST_F(OptimisticRollupTest, AccountValueAndTheThreeFieldStateRootHashTheDocumentedBytes) {
  Bytes account;
  l2::put_u64_be(account, 1000);
  l2::put_u64_be(account, 3);
  l2::append(account, key(1));
  ASSERT_EQ(account.size(), 48u);
  EXPECT_EQ(optimistic_rollup::account_value(Account{1000, 3, key(1)}), oracle::tagged_hash("L2/optimistic_rollup/account", account));

  Bytes header;
  l2::append(header, Hash32{0x99});
  l2::put_u64_be(header, 12);
  l2::put_u64_be(header, 0x0102030405060708);
  ASSERT_EQ(header.size(), 48u);
  EXPECT_EQ(optimistic_rollup::state_root(StateHeader{Hash32{0x99}, 12, 0x0102030405060708}),
            oracle::tagged_hash("L2/optimistic_rollup/state", header));
  // Each counter is committed: same accounts, another count, another root.
  EXPECT_NE(optimistic_rollup::state_root(StateHeader{Hash32{0x99}, 12, 1}), optimistic_rollup::state_root(StateHeader{Hash32{0x99}, 12, 0}));
  EXPECT_NE(optimistic_rollup::state_root(StateHeader{Hash32{0x99}, 13, 0}), optimistic_rollup::state_root(StateHeader{Hash32{0x99}, 12, 0}));

  // Genesis: account 0 of the operator, both counters 0.
  expect_state(genesis, {{0, operator_account()}}, 0, 0);
  EXPECT_EQ(genesis.header().forced_exits_processed, 0u);
  expect_state(funded, {{0, operator_account()}, {alice, Account{1000, 0, key(1)}}, {bob, Account{500, 0, key(2)}}}, 2,
               0);
  expect_state(with_counters(funded, 2, 5),
               {{0, operator_account()}, {alice, Account{1000, 0, key(1)}}, {bob, Account{500, 0, key(2)}}}, 2, 5);
}

// A transaction's canonical bytes: the kind, then four optional bodies, only the kind's present.
TEST_F(OptimisticRollupTest, ATransactionEncodesAsItsKindAndFourOptionalBodies) {
  const Transaction tx = forced_exit(1, 0x55);
  Bytes expected{3, 0, 0, 0, 1};
  l2::put_u64_be(expected, 1);
  l2::put_u32_be(expected, alice);
  l2::append(expected, key(2));
  l2::append(expected, bob_recipient);
  l2::put_u64_be(expected, 0x55);
  EXPECT_EQ(l2::reflect::encode(tx), expected);

  Bytes top_up{1, 0, 1};
  l2::put_u64_be(top_up, 2);
  l2::put_u32_be(top_up, alice);
  top_up.push_back(0);
  l2::put_u64_be(top_up, 50);
  top_up.insert(top_up.end(), {0, 0});
  EXPECT_EQ(l2::reflect::encode(deposit(2)), top_up);
}

TEST_F(OptimisticRollupTest, RootsAreRfc6962OverTheCanonicalBytes) {
  const std::vector<Transaction> txs{transfer(alice, bob, 1, 0, 0, 1), deposit(2)};
  Bytes leaf0{0x00}, leaf1{0x00};
  l2::append(leaf0, l2::reflect::encode(txs[0]));
  l2::append(leaf1, l2::reflect::encode(txs[1]));
  Bytes node{0x01};
  l2::append(node, openssl_sha256(leaf0));
  l2::append(node, openssl_sha256(leaf1));
  EXPECT_EQ(optimistic_rollup::transactions_root(txs), openssl_sha256(node));
  EXPECT_EQ(optimistic_rollup::transactions_root(std::span(txs).first(1)), openssl_sha256(leaf0));
  EXPECT_EQ(optimistic_rollup::transaction_leaf_hash(l2::reflect::encode(txs[1])), openssl_sha256(leaf1));

  const std::vector<Hash32> roots{Hash32{1}, Hash32{2}, Hash32{3}};
  Bytes r0{0x00}, r1{0x00}, r2{0x00};
  l2::append(r0, roots[0]);
  l2::append(r1, roots[1]);
  l2::append(r2, roots[2]);
  Bytes left{0x01};
  l2::append(left, openssl_sha256(r0));
  l2::append(left, openssl_sha256(r1));
  Bytes top{0x01};
  l2::append(top, openssl_sha256(left));
  l2::append(top, openssl_sha256(r2));
  EXPECT_EQ(optimistic_rollup::state_roots_root(roots), openssl_sha256(top));
}

// ---- deposits [OR-DEP-1 .. OR-DEP-7] ----

TEST_F(OptimisticRollupTest, DepositsCreateAndTopUpAccountsInL1Order) {
  State s = expect_accepted(genesis, deposit(0), {alice});
  expect_state(s, {{0, operator_account()}, {alice, Account{1000, 0, key(1)}}}, 1, 0);
  s = expect_accepted(s, deposit(1), {bob});
  s = apply(s, transfer(alice, bob, 10, 0, 0, 1));  // alice's nonce becomes 1
  // A top-up adds the amount and keeps the owner and the nonce; only deposits_credited moves.
  s = expect_accepted(with_counters(s, 2, 3), deposit(2), {alice});
  expect_state(s, {{0, operator_account()}, {alice, Account{1040, 1, key(1)}}, {bob, Account{510, 0, key(2)}}}, 3, 3);
}

TEST_F(OptimisticRollupTest, DepositIndexMustBeExactlyTheNextToCredit) {
  // deposits_credited is 2: index 1 was credited (OR-DEP-1), 3 skips one (OR-DEP-2), 2 is next.
  const Deposit index1{1, alice, std::nullopt, 50};
  const Deposit index3{3, alice, std::nullopt, 50};
  const std::vector<Hash32> log{deposit_log[0], optimistic_rollup::deposit_id(params, index1), deposit_log[2],
                                optimistic_rollup::deposit_id(params, index3)};
  expect_rejected(funded, optimistic_rollup::make_transaction(index1), OptimisticRollupError::deposit_already_credited, {}, L1View{log, {}});
  expect_rejected(funded, optimistic_rollup::make_transaction(deposits[0]), OptimisticRollupError::deposit_already_credited, {});
  expect_rejected(funded, optimistic_rollup::make_transaction(index3), OptimisticRollupError::deposit_out_of_order, {}, L1View{log, {}});
  expect_accepted(funded, deposit(2), {alice}, L1View{log, {}});
  // OR-DEP-3 at the end of the view: index 2 needs a view of 3 ids; 2 ids is one short.
  expect_rejected(funded, deposit(2), OptimisticRollupError::deposit_not_recorded, {},
                  L1View{std::span(deposit_log).first(2), {}});
  expect_rejected(funded, deposit(2), OptimisticRollupError::deposit_not_recorded, {}, L1View{{}, exit_log});
  expect_accepted(funded, deposit(2), {alice}, L1View{std::span(deposit_log).first(3), {}});
}

TEST_F(OptimisticRollupTest, DepositMustMatchTheRecordedIdInEveryField) {
  expect_rejected(funded, optimistic_rollup::make_transaction(Deposit{2, alice, std::nullopt, 49}), OptimisticRollupError::deposit_mismatch, {});
  expect_rejected(funded, optimistic_rollup::make_transaction(Deposit{2, alice, std::nullopt, 51}), OptimisticRollupError::deposit_mismatch, {});
  expect_rejected(funded, optimistic_rollup::make_transaction(Deposit{2, bob, std::nullopt, 50}), OptimisticRollupError::deposit_mismatch, {});
  expect_rejected(funded, optimistic_rollup::make_transaction(Deposit{2, alice, key(1), 50}), OptimisticRollupError::deposit_mismatch, {});
  // The id L1 recorded is the one at the deposit's index, not any in the view.
  const std::vector<Hash32> shifted{deposit_log[0], deposit_log[1], deposit_log[1], deposit_log[2]};
  expect_rejected(funded, deposit(2), OptimisticRollupError::deposit_mismatch, {}, L1View{shifted, {}});
  // A deposit recorded by another rollup or chain does not match this one's.
  const optimistic_rollup::L2Params other_rollup{chain, Hash32{0x01}};
  const std::vector<Hash32> foreign{deposit_log[0], deposit_log[1], optimistic_rollup::deposit_id(other_rollup, deposits[2])};
  expect_rejected(funded, deposit(2), OptimisticRollupError::deposit_mismatch, {}, L1View{foreign, {}});
  const std::vector<Hash32> other_chain{deposit_log[0], deposit_log[1],
                                        optimistic_rollup::deposit_id(optimistic_rollup::L2Params{chain + 1, params.rollup_id}, deposits[2])};
  expect_rejected(funded, deposit(2), OptimisticRollupError::deposit_mismatch, {}, L1View{other_chain, {}});
}

TEST_F(OptimisticRollupTest, DepositAccountRules) {
  // Records L1 would never make; the L2 rules refuse them all the same, after reading `to`.
  const auto with_third = [&](const Deposit& d) {
    return std::vector<Hash32>{deposit_log[0], deposit_log[1], optimistic_rollup::deposit_id(params, d)};
  };
  const Deposit create_taken{2, bob, key(3), 5};
  const auto log_taken = with_third(create_taken);
  expect_rejected(funded, optimistic_rollup::make_transaction(create_taken), OptimisticRollupError::account_exists, {bob},
                  L1View{log_taken, {}});
  const Deposit create_fee_account{2, optimistic_rollup::fee_account, key(3), 5};
  const auto log_fee = with_third(create_fee_account);
  expect_rejected(funded, optimistic_rollup::make_transaction(create_fee_account), OptimisticRollupError::account_exists, {0},
                  L1View{log_fee, {}});
  const Deposit create_free{2, empty_slot, key(3), 5};
  const auto log_free = with_third(create_free);
  const State created = expect_accepted(funded, optimistic_rollup::make_transaction(create_free), {empty_slot}, L1View{log_free, {}});
  expect_state(created,
               {{0, operator_account()},
                {alice, Account{1000, 0, key(1)}},
                {bob, Account{500, 0, key(2)}},
                {empty_slot, Account{5, 0, key(3)}}},
               3, 0);

  const Deposit top_up_empty{2, empty_slot, std::nullopt, 5};
  const auto log_empty = with_third(top_up_empty);
  expect_rejected(funded, optimistic_rollup::make_transaction(top_up_empty), OptimisticRollupError::unknown_account, {empty_slot},
                  L1View{log_empty, {}});

  // OR-DEP-7: 1000 + amount <= UINT64_MAX, at the bound and one past it.
  const Deposit to_max{2, alice, std::nullopt, l2::u64_max - 1000};
  const auto log_max = with_third(to_max);
  const State at_max = expect_accepted(funded, optimistic_rollup::make_transaction(to_max), {alice}, L1View{log_max, {}});
  EXPECT_EQ(at_max.account(alice)->balance, l2::u64_max);
  const Deposit below_max{2, alice, std::nullopt, l2::u64_max - 1001};
  const auto log_below = with_third(below_max);
  EXPECT_EQ(expect_accepted(funded, optimistic_rollup::make_transaction(below_max), {alice}, L1View{log_below, {}})
                .account(alice)
                ->balance,
            l2::u64_max - 1);
  const Deposit past_max{2, alice, std::nullopt, l2::u64_max - 999};
  const auto log_past = with_third(past_max);
  expect_rejected(funded, optimistic_rollup::make_transaction(past_max), OptimisticRollupError::deposit_balance_overflow, {alice},
                  L1View{log_past, {}});
}

// ---- forced exits [OR-FEX-1 .. OR-FEX-5] ----

TEST_F(OptimisticRollupTest, ForcedExitByTheOwnerTakesTheWholeBalance) {
  State s = apply(funded, transfer(alice, bob, 100, 4, 0, 1));  // alice 896, nonce 1; bob 600; fee 4
  const State exited = expect_accepted(s, forced_exit(0, 896), {alice});
  // The balance leaves L2; the nonce and the owner stay; only forced_exits_processed moves.
  expect_state(exited,
               {{0, operator_account(4)}, {alice, Account{0, 1, key(1)}}, {bob, Account{600, 0, key(2)}}}, 2, 1);
  // OR-FEX-5 around the balance: one less, one more, and nothing are all refused.
  expect_rejected(s, forced_exit(0, 895), OptimisticRollupError::forced_exit_wrong_amount, {alice});
  expect_rejected(s, forced_exit(0, 897), OptimisticRollupError::forced_exit_wrong_amount, {alice});
  expect_rejected(s, forced_exit(0, 0), OptimisticRollupError::forced_exit_wrong_amount, {alice});
  // The operator exits its own fee account the same way.
  const State op = expect_accepted(with_counters(s, 2, 3), forced_exit(3, 4), {0});
  expect_state(op, {{0, operator_account(0)}, {alice, Account{896, 1, key(1)}}, {bob, Account{600, 0, key(2)}}}, 2, 4);
  // An owner whose balance is 0 exits nothing; the request is still processed.
  const State again = expect_accepted(with_counters(exited, 2, 0), forced_exit(0, 0), {alice});
  expect_state(again, {{0, operator_account(4)}, {alice, Account{0, 1, key(1)}}, {bob, Account{600, 0, key(2)}}}, 2,
               1);
}

TEST_F(OptimisticRollupTest, ForcedExitOfSomeoneElsesAccountIsANoOp) {
  const State s = with_counters(funded, 2, 1);
  // Bob asks for alice's account: nothing moves, the request is processed.
  const State processed = expect_accepted(s, forced_exit(1, 0), {alice});
  expect_state(processed,
               {{0, operator_account()}, {alice, Account{1000, 0, key(1)}}, {bob, Account{500, 0, key(2)}}}, 2, 2);
  EXPECT_EQ(processed.header().accounts_root, s.header().accounts_root);
  expect_rejected(s, forced_exit(1, 1000), OptimisticRollupError::forced_exit_wrong_amount, {alice});
  expect_rejected(s, forced_exit(1, 1), OptimisticRollupError::forced_exit_wrong_amount, {alice});
  // Carol asks for an empty slot: the same, after opening the empty slot.
  const State empty = expect_accepted(with_counters(funded, 2, 2), forced_exit(2, 0), {empty_slot});
  EXPECT_EQ(empty.header().accounts_root, funded.header().accounts_root);
  EXPECT_EQ(empty.forced_exits_processed(), 3u);
  expect_rejected(with_counters(funded, 2, 2), forced_exit(2, 1), OptimisticRollupError::forced_exit_wrong_amount, {empty_slot});
}

TEST_F(OptimisticRollupTest, ForcedExitIndexMustBeExactlyTheNextToProcess) {
  const State s = with_counters(funded, 2, 1);
  // forced_exits_processed is 1: index 0 was processed (OR-FEX-1), 2 skips one (OR-FEX-2).
  expect_rejected(s, forced_exit(0, 1000), OptimisticRollupError::forced_exit_already_processed, {});
  expect_rejected(s, forced_exit(2, 0), OptimisticRollupError::forced_exit_out_of_order, {});
  expect_accepted(s, forced_exit(1, 0), {alice});
  // OR-FEX-3 at the end of the view: index 1 needs 2 ids; 1 id is one short.
  expect_rejected(s, forced_exit(1, 0), OptimisticRollupError::forced_exit_not_recorded, {},
                  L1View{deposit_log, std::span(exit_log).first(1)});
  expect_rejected(s, forced_exit(1, 0), OptimisticRollupError::forced_exit_not_recorded, {}, L1View{exit_log, {}});
  expect_accepted(s, forced_exit(1, 0), {alice}, L1View{deposit_log, std::span(exit_log).first(2)});
  // The deposit counter does not stand in for the forced-exit counter, nor the reverse.
  expect_rejected(with_counters(funded, 0, 2), forced_exit(1, 0), OptimisticRollupError::forced_exit_already_processed, {});
  expect_rejected(with_counters(genesis, 1, 0), deposit(0), OptimisticRollupError::deposit_already_credited, {});
  expect_accepted(with_counters(genesis, 0, 2), deposit(0), {alice});
  expect_accepted(with_counters(genesis, 2, 0), forced_exit(0, 0), {alice});
}

TEST_F(OptimisticRollupTest, ForcedExitMustMatchTheRecordedIdButNotItsAmount) {
  const auto altered = [&](auto change) {
    ForcedExit e = exits[0];
    e.amount = 1000;
    change(e);
    return optimistic_rollup::make_transaction(e);
  };
  expect_rejected(funded, altered([](ForcedExit& e) { e.from = bob; }), OptimisticRollupError::forced_exit_mismatch, {});
  expect_rejected(funded, altered([&](ForcedExit& e) { e.requester = key(2); }), OptimisticRollupError::forced_exit_mismatch, {});
  expect_rejected(funded, altered([](ForcedExit& e) { e.l1_recipient[0] ^= 1; }), OptimisticRollupError::forced_exit_mismatch,
                  {});
  // The id at the request's index, not another one in the view.
  const std::vector<Hash32> shifted{exit_log[1], exit_log[0]};
  expect_rejected(funded, forced_exit(0, 1000), OptimisticRollupError::forced_exit_mismatch, {}, L1View{deposit_log, shifted});
  const optimistic_rollup::L2Params other_rollup{chain, Hash32{0x02}};
  const std::vector<Hash32> foreign{optimistic_rollup::forced_exit_id(other_rollup, exits[0])};
  expect_rejected(funded, forced_exit(0, 1000), OptimisticRollupError::forced_exit_mismatch, {}, L1View{deposit_log, foreign});
  // The amount is not in the id: a wrong amount passes OR-FEX-4 and fails OR-FEX-5.
  expect_rejected(funded, forced_exit(0, 999), OptimisticRollupError::forced_exit_wrong_amount, {alice});
  expect_accepted(funded, forced_exit(0, 1000), {alice});
}

// The two queues are processed independently: a forced exit processed before the deposit that
// creates the account finds an empty slot (a no-op); processed after it, it takes the deposit too.
TEST_F(OptimisticRollupTest, ForcedExitOrderingAgainstDeposits) {
  const State before_deposit = expect_accepted(genesis, forced_exit(0, 0), {alice});
  expect_state(before_deposit, {{0, operator_account()}}, 0, 1);
  expect_rejected(genesis, forced_exit(0, 1000), OptimisticRollupError::forced_exit_wrong_amount, {alice});
  const State then_deposit = expect_accepted(before_deposit, deposit(0), {alice});
  expect_state(then_deposit, {{0, operator_account()}, {alice, Account{1000, 0, key(1)}}}, 1, 1);

  const State deposited = apply(genesis, deposit(0));
  expect_rejected(deposited, forced_exit(0, 0), OptimisticRollupError::forced_exit_wrong_amount, {alice});
  const State after_deposit = expect_accepted(deposited, forced_exit(0, 1000), {alice});
  expect_state(after_deposit, {{0, operator_account()}, {alice, Account{0, 0, key(1)}}}, 1, 1);
  // A top-up credited after the exit stays on L2.
  const State topped = expect_accepted(apply(after_deposit, deposit(1)), deposit(2), {alice});
  expect_state(topped, {{0, operator_account()}, {alice, Account{50, 0, key(1)}}, {bob, Account{500, 0, key(2)}}}, 3, 1);
}

// ---- transfers [OR-SEND-*, OR-XFER-*, OR-FEE-*] ----

TEST_F(OptimisticRollupTest, TransferMovesAmountAndFee) {
  const State after = expect_accepted(funded, transfer(alice, bob, 100, 3, 0, 1), {alice, bob, 0});
  expect_state(after, {{0, operator_account(3)}, {alice, Account{897, 1, key(1)}}, {bob, Account{600, 0, key(2)}}}, 2,
               0);
  // The whole balance, nonce 1; a transfer of 0 is allowed and costs the fee.
  const State again = expect_accepted(after, transfer(alice, bob, 897, 0, 1, 1), {alice, bob, 0});
  expect_state(again, {{0, operator_account(3)}, {alice, Account{0, 2, key(1)}}, {bob, Account{1497, 0, key(2)}}}, 2,
               0);
  const State zero = expect_accepted(funded, transfer(bob, alice, 0, 2, 0, 2), {bob, alice, 0});
  expect_state(zero, {{0, operator_account(2)}, {alice, Account{1000, 0, key(1)}}, {bob, Account{498, 1, key(2)}}}, 2,
               0);
}

TEST_F(OptimisticRollupTest, AliasedAccountsAreReadAfterEarlierWrites) {
  const State self = expect_accepted(funded, transfer(alice, alice, 400, 7, 0, 1), {alice, alice, 0});
  expect_state(self, {{0, operator_account(7)}, {alice, Account{993, 1, key(1)}}, {bob, Account{500, 0, key(2)}}}, 2,
               0);
  const State to_operator = expect_accepted(funded, transfer(alice, optimistic_rollup::fee_account, 10, 1, 0, 1), {alice, 0, 0});
  expect_state(to_operator,
               {{0, operator_account(11)}, {alice, Account{989, 1, key(1)}}, {bob, Account{500, 0, key(2)}}}, 2, 0);
  // The operator spends from the fee account and pays the fee to itself.
  const State from_operator = expect_accepted(to_operator, transfer(optimistic_rollup::fee_account, bob, 5, 2, 0, 0), {0, bob, 0});
  expect_state(from_operator,
               {{0, operator_account(6, 1)}, {alice, Account{989, 1, key(1)}}, {bob, Account{505, 0, key(2)}}}, 2, 0);
  // The fee credit sees the recipient's credit: account 0 at UINT64_MAX - 10 takes 10, then no fee.
  State near_max = funded;
  near_max.put(optimistic_rollup::fee_account, operator_account(l2::u64_max - 10));
  expect_accepted(near_max, transfer(alice, optimistic_rollup::fee_account, 10, 0, 0, 1), {alice, 0, 0});
  expect_rejected(near_max, transfer(alice, optimistic_rollup::fee_account, 10, 1, 0, 1), OptimisticRollupError::fee_balance_overflow,
                  {alice, 0, 0});
}

TEST_F(OptimisticRollupTest, SenderRules) {
  // OR-SEND-1
  expect_rejected(funded, transfer(empty_slot, bob, 1, 0, 0, 1), OptimisticRollupError::unknown_sender, {empty_slot});
  // OR-SEND-3 / -4 around the sender's nonce 2: 1 is a replay, 3 a gap, 2 is the next.
  State s = funded;
  s.put(alice, Account{1000, 2, key(1)});
  expect_rejected(s, transfer(alice, bob, 1, 0, 1, 1), OptimisticRollupError::nonce_replayed, {alice});
  expect_rejected(s, transfer(alice, bob, 1, 0, 0, 1), OptimisticRollupError::nonce_replayed, {alice});
  expect_rejected(s, transfer(alice, bob, 1, 0, 3, 1), OptimisticRollupError::nonce_gap, {alice});
  EXPECT_EQ(expect_accepted(s, transfer(alice, bob, 1, 0, 2, 1), {alice, bob, 0}).account(alice)->nonce, 3u);
  // The signature is checked before the nonce: a replayed genuine transaction is a replay, a
  // forged one with a stale nonce is a bad signature.
  expect_rejected(s, transfer(alice, bob, 1, 0, 1, 2), OptimisticRollupError::bad_signature, {alice});
  // OR-SEND-5: the nonce cannot pass UINT64_MAX; one below it is the last usable.
  State exhausted = funded;
  exhausted.put(alice, Account{1000, l2::u64_max, key(1)});
  expect_rejected(exhausted, transfer(alice, bob, 1, 0, l2::u64_max, 1), OptimisticRollupError::nonce_exhausted, {alice});
  expect_rejected(exhausted, transfer(alice, bob, 1, 0, l2::u64_max - 1, 1), OptimisticRollupError::nonce_replayed, {alice});
  State almost = funded;
  almost.put(alice, Account{1000, l2::u64_max - 1, key(1)});
  EXPECT_EQ(expect_accepted(almost, transfer(alice, bob, 1, 0, l2::u64_max - 1, 1), {alice, bob, 0}).account(alice)->nonce,
            l2::u64_max);
  // OR-SEND-5 comes before OR-SEND-6 and -7.
  expect_rejected(exhausted, transfer(alice, bob, l2::u64_max, 1, l2::u64_max, 1), OptimisticRollupError::nonce_exhausted,
                  {alice});
}

TEST_F(OptimisticRollupTest, AmountAndBalanceRules) {
  // OR-SEND-6 with a sender holding UINT64_MAX: amount + fee at UINT64_MAX passes, one more overflows.
  State rich = funded;
  rich.put(alice, Account{l2::u64_max, 0, key(1)});
  rich.put(bob, Account{0, 0, key(2)});
  const State all = expect_accepted(rich, transfer(alice, bob, l2::u64_max - 5, 5, 0, 1), {alice, bob, 0});
  expect_state(all,
               {{0, operator_account(5)}, {alice, Account{0, 1, key(1)}}, {bob, Account{l2::u64_max - 5, 0, key(2)}}},
               2, 0);
  expect_rejected(rich, transfer(alice, bob, l2::u64_max - 4, 5, 0, 1), OptimisticRollupError::amount_overflow, {alice});
  expect_rejected(rich, transfer(alice, bob, l2::u64_max, 1, 0, 1), OptimisticRollupError::amount_overflow, {alice});
  expect_rejected(rich, transfer(alice, bob, 1, l2::u64_max, 0, 1), OptimisticRollupError::amount_overflow, {alice});
  // OR-SEND-6 before OR-SEND-7: a sender holding 1000 gets the overflow code.
  expect_rejected(funded, transfer(alice, bob, l2::u64_max, 1, 0, 1), OptimisticRollupError::amount_overflow, {alice});
  // OR-SEND-7 around alice's 1000: 997 + 3 empties it, 998 + 3 is one too many, 996 + 3 leaves 1.
  expect_rejected(funded, transfer(alice, bob, 998, 3, 0, 1), OptimisticRollupError::insufficient_balance, {alice});
  expect_rejected(funded, transfer(alice, bob, 1000, 1, 0, 1), OptimisticRollupError::insufficient_balance, {alice});
  EXPECT_EQ(expect_accepted(funded, transfer(alice, bob, 997, 3, 0, 1), {alice, bob, 0}).account(alice)->balance, 0u);
  EXPECT_EQ(expect_accepted(funded, transfer(alice, bob, 996, 3, 0, 1), {alice, bob, 0}).account(alice)->balance, 1u);
  // OR-SEND-7 before OR-XFER-1.
  expect_rejected(funded, transfer(alice, empty_slot, 2000, 0, 0, 1), OptimisticRollupError::insufficient_balance, {alice});
}

TEST_F(OptimisticRollupTest, RecipientAndFeeRules) {
  // OR-XFER-1: the recipient is read after the debit.
  expect_rejected(funded, transfer(alice, empty_slot, 1, 0, 0, 1), OptimisticRollupError::unknown_recipient, {alice, empty_slot});
  // OR-XFER-2 around bob at UINT64_MAX - 1.
  State rich_bob = funded;
  rich_bob.put(bob, Account{l2::u64_max - 1, 0, key(2)});
  EXPECT_EQ(expect_accepted(rich_bob, transfer(alice, bob, 1, 0, 0, 1), {alice, bob, 0}).account(bob)->balance,
            l2::u64_max);
  expect_rejected(rich_bob, transfer(alice, bob, 2, 0, 0, 1), OptimisticRollupError::recipient_balance_overflow, {alice, bob});
  // OR-XFER-1 before OR-FEE-1.
  State no_operator;
  no_operator.put(alice, Account{1000, 0, key(1)});
  no_operator.put(bob, Account{0, 0, key(2)});
  expect_rejected(no_operator, transfer(alice, empty_slot, 1, 0, 0, 1), OptimisticRollupError::unknown_recipient,
                  {alice, empty_slot});
  // OR-FEE-1, read even for a zero fee.
  expect_rejected(no_operator, transfer(alice, bob, 1, 0, 0, 1), OptimisticRollupError::no_fee_account, {alice, bob, 0});
  expect_rejected(no_operator, withdrawal(alice, 1, 0, 0, 1), OptimisticRollupError::no_fee_account, {alice, 0});
  // OR-FEE-2 around the fee account at UINT64_MAX - 1.
  State rich_operator = funded;
  rich_operator.put(optimistic_rollup::fee_account, operator_account(l2::u64_max - 1));
  EXPECT_EQ(expect_accepted(rich_operator, transfer(alice, bob, 1, 1, 0, 1), {alice, bob, 0}).account(0)->balance,
            l2::u64_max);
  expect_rejected(rich_operator, transfer(alice, bob, 1, 2, 0, 1), OptimisticRollupError::fee_balance_overflow, {alice, bob, 0});
  expect_rejected(rich_operator, withdrawal(alice, 1, 2, 0, 1), OptimisticRollupError::fee_balance_overflow, {alice, 0});
  // A zero fee still reads account 0 and leaves it unchanged.
  const State free = expect_accepted(funded, transfer(alice, bob, 1, 0, 0, 1), {alice, bob, 0});
  expect_state(free, {{0, operator_account()}, {alice, Account{999, 1, key(1)}}, {bob, Account{501, 0, key(2)}}}, 2, 0);
}

TEST_F(OptimisticRollupTest, SignaturesAreBoundToOwnerRollupChainAndKind) {
  expect_rejected(funded, transfer(alice, bob, 100, 3, 0, 2), OptimisticRollupError::bad_signature, {alice});
  expect_rejected(funded, transfer(alice, bob, 100, 3, 0, 3), OptimisticRollupError::bad_signature, {alice});
  // An account whose key is not on the curve can never sign.
  State off_curve = funded;
  off_curve.put(alice, Account{1000, 0, keys.pubkey[Keys::off_curve]});
  expect_rejected(off_curve, transfer(alice, bob, 1, 0, 0, 1), OptimisticRollupError::bad_signature, {alice});

  Transfer t{alice, bob, 100, 3, 0, {}};
  t.signature = sign(1, optimistic_rollup::transfer_digest(optimistic_rollup::L2Params{chain + 1, params.rollup_id}, t));
  expect_rejected(funded, optimistic_rollup::make_transaction(t), OptimisticRollupError::bad_signature, {alice});
  t.signature = sign(1, optimistic_rollup::transfer_digest(optimistic_rollup::L2Params{chain, Hash32{0x01}}, t));
  expect_rejected(funded, optimistic_rollup::make_transaction(t), OptimisticRollupError::bad_signature, {alice});

  // The signature of one transfer does not carry to another amount, fee, nonce, sender or recipient.
  const Transaction signed_tx = transfer(alice, bob, 100, 3, 0, 1);
  for (int field = 0; field < 5; ++field) {
    Transaction changed = signed_tx;
    if (field == 0) changed.transfer->amount = 101;
    if (field == 1) changed.transfer->fee = 2;
    if (field == 2) changed.transfer->to = optimistic_rollup::fee_account;
    if (field == 3) changed.transfer->signature[63] ^= 1;
    if (field == 4) changed.transfer->nonce = 1;
    expect_rejected(funded, changed, OptimisticRollupError::bad_signature, {alice});
  }
  // The same for a withdrawal's recipient.
  Transaction redirected = withdrawal(alice, 100, 3, 0, 1);
  redirected.withdrawal->l1_recipient = bob_recipient;
  expect_rejected(funded, redirected, OptimisticRollupError::bad_signature, {alice});

  // A transfer signature over the same numbers is not a withdrawal signature, nor the reverse.
  Withdrawal w{alice, alice_recipient, 100, 3, 0, {}};
  w.signature = sign(1, optimistic_rollup::transfer_digest(params, Transfer{alice, bob, 100, 3, 0, {}}));
  expect_rejected(funded, optimistic_rollup::make_transaction(w), OptimisticRollupError::bad_signature, {alice});
  Transfer from_withdrawal{alice, bob, 100, 3, 0, {}};
  from_withdrawal.signature = sign(1, optimistic_rollup::withdrawal_digest(params, Withdrawal{alice, alice_recipient, 100, 3, 0, {}}));
  expect_rejected(funded, optimistic_rollup::make_transaction(from_withdrawal), OptimisticRollupError::bad_signature, {alice});
}

// ---- withdrawals ----

TEST_F(OptimisticRollupTest, WithdrawalLeavesL2AndPaysTheFee) {
  const State after = expect_accepted(funded, withdrawal(alice, 200, 2, 0, 1), {alice, 0});
  expect_state(after, {{0, operator_account(2)}, {alice, Account{798, 1, key(1)}}, {bob, Account{500, 0, key(2)}}}, 2,
               0);
  expect_rejected(after, withdrawal(alice, 200, 2, 0, 1), OptimisticRollupError::nonce_replayed, {alice});
  expect_rejected(funded, withdrawal(alice, 999, 2, 0, 1), OptimisticRollupError::insufficient_balance, {alice});
  EXPECT_EQ(expect_accepted(funded, withdrawal(alice, 998, 2, 0, 1), {alice, 0}).account(alice)->balance, 0u);
  expect_rejected(funded, withdrawal(alice, 1, 0, 0, 2), OptimisticRollupError::bad_signature, {alice});
  expect_rejected(funded, withdrawal(empty_slot, 1, 0, 0, 1), OptimisticRollupError::unknown_sender, {empty_slot});
  expect_rejected(funded, withdrawal(alice, 1, 0, 1, 1), OptimisticRollupError::nonce_gap, {alice});
  expect_rejected(funded, withdrawal(alice, l2::u64_max, 1, 0, 1), OptimisticRollupError::amount_overflow, {alice});
  // The operator withdraws its fees like any user.
  const State op = expect_accepted(after, withdrawal(optimistic_rollup::fee_account, 2, 0, 0, 0, operator_recipient), {0, 0});
  expect_state(op, {{0, operator_account(0, 1)}, {alice, Account{798, 1, key(1)}}, {bob, Account{500, 0, key(2)}}}, 2,
               0);
}

// ---- the stateless step: witness rules [OR-WIT-1 .. OR-WIT-4] ----

TEST_F(OptimisticRollupTest, WitnessRules) {
  const Transaction pay = transfer(alice, bob, 100, 3, 0, 1);
  const optimistic_rollup::TxWitness good = optimistic_rollup::witness_for(params, l1(), funded, pay);
  ASSERT_EQ(good.accounts.size(), 3u);
  const Hash32 post = apply(funded, pay).root();
  const auto run = [&](const optimistic_rollup::TxWitness& w, const Hash32& pre) { return error_of(optimistic_rollup::apply_tx(params, l1(), pre, w, pay)); };
  EXPECT_EQ(run(good, funded.root()), OptimisticRollupError::none);
  EXPECT_EQ(optimistic_rollup::apply_tx(params, l1(), funded.root(), good, pay).value(), post);

  EXPECT_EQ(run(good, genesis.root()), OptimisticRollupError::witness_state_mismatch);
  for (int field = 0; field < 3; ++field) {
    optimistic_rollup::TxWitness lying = good;
    if (field == 0) lying.pre_state.accounts_root[0] ^= 1;
    if (field == 1) lying.pre_state.deposits_credited += 1;
    if (field == 2) lying.pre_state.forced_exits_processed += 1;
    EXPECT_EQ(run(lying, funded.root()), OptimisticRollupError::witness_state_mismatch) << field;
  }
  for (std::size_t keep = 0; keep < 3; ++keep) {
    optimistic_rollup::TxWitness short_witness = good;
    short_witness.accounts.resize(keep);
    EXPECT_EQ(run(short_witness, funded.root()), OptimisticRollupError::witness_missing) << keep;
  }
  optimistic_rollup::TxWitness swapped = good;
  std::swap(swapped.accounts[1], swapped.accounts[2]);
  EXPECT_EQ(run(swapped, funded.root()), OptimisticRollupError::witness_wrong_account);
  optimistic_rollup::TxWitness renamed = good;
  renamed.accounts[0].index = bob;  // bob's index on alice's opening
  EXPECT_EQ(run(renamed, funded.root()), OptimisticRollupError::witness_wrong_account);
  // Openings taken against the pre-state root: the second one is stale once the sender is written.
  optimistic_rollup::TxWitness stale = good;
  stale.accounts[1] = optimistic_rollup::AccountWitness{bob, funded.account(bob), funded.prove(bob).siblings};
  EXPECT_EQ(run(stale, funded.root()), OptimisticRollupError::witness_root_mismatch);
  for (std::size_t i = 0; i < 3; ++i) {
    optimistic_rollup::TxWitness inflated = good;
    inflated.accounts[i].account->balance += 1;
    EXPECT_EQ(run(inflated, funded.root()), OptimisticRollupError::witness_root_mismatch) << i;
    optimistic_rollup::TxWitness renonced = good;
    renonced.accounts[i].account->nonce += 1;
    EXPECT_EQ(run(renonced, funded.root()), OptimisticRollupError::witness_root_mismatch) << i;
    optimistic_rollup::TxWitness rekeyed = good;
    rekeyed.accounts[i].account->owner[0] ^= 1;
    EXPECT_EQ(run(rekeyed, funded.root()), OptimisticRollupError::witness_root_mismatch) << i;
    optimistic_rollup::TxWitness hidden = good;
    hidden.accounts[i].account = std::nullopt;
    EXPECT_EQ(run(hidden, funded.root()), OptimisticRollupError::witness_root_mismatch) << i;
    for (const std::size_t level : {std::size_t{0}, std::size_t{31}}) {
      optimistic_rollup::TxWitness bent = good;
      bent.accounts[i].siblings[level][0] ^= 0x80;
      EXPECT_EQ(run(bent, funded.root()), OptimisticRollupError::witness_root_mismatch) << i << " " << level;
    }
  }
  // Openings past the ones the transaction reads are ignored.
  optimistic_rollup::TxWitness padded = good;
  padded.accounts.push_back(optimistic_rollup::AccountWitness{9, std::nullopt, {}});
  EXPECT_EQ(optimistic_rollup::apply_tx(params, l1(), funded.root(), padded, pay).value(), post);

  // An opening that shows an existing slot as empty cannot make the deposit rules accept a creation.
  const Deposit create_taken{2, bob, key(3), 5};
  const std::vector<Hash32> log{deposit_log[0], deposit_log[1], optimistic_rollup::deposit_id(params, create_taken)};
  optimistic_rollup::TxWitness fake{funded.header(), {optimistic_rollup::AccountWitness{bob, std::nullopt, funded.prove(bob).siblings}}};
  EXPECT_EQ(error_of(optimistic_rollup::apply_tx(params, L1View{log, {}}, funded.root(), fake, optimistic_rollup::make_transaction(create_taken))),
            OptimisticRollupError::witness_root_mismatch);
  // Nor hide an owner from a forced exit, nor inflate the balance it must take.
  const Transaction exit = forced_exit(0, 1000);
  const optimistic_rollup::TxWitness exit_witness = optimistic_rollup::witness_for(params, l1(), funded, exit);
  ASSERT_EQ(exit_witness.accounts.size(), 1u);
  optimistic_rollup::TxWitness no_owner = exit_witness;
  no_owner.accounts[0].account = std::nullopt;
  EXPECT_EQ(error_of(optimistic_rollup::apply_tx(params, l1(), funded.root(), no_owner, forced_exit(0, 0))),
            OptimisticRollupError::witness_root_mismatch);
  optimistic_rollup::TxWitness inflated = exit_witness;
  inflated.accounts[0].account->balance = 5000;
  EXPECT_EQ(error_of(optimistic_rollup::apply_tx(params, l1(), funded.root(), inflated, forced_exit(0, 5000))),
            OptimisticRollupError::witness_root_mismatch);
  EXPECT_EQ(error_of(optimistic_rollup::apply_tx(params, l1(), funded.root(), optimistic_rollup::TxWitness{funded.header(), {}}, exit)),
            OptimisticRollupError::witness_missing);
}

// OR-DEP-1..4 and OR-FEX-1..4 read no account: the stateless step answers them with no opening.
TEST_F(OptimisticRollupTest, QueueRulesAreCheckedBeforeAnyOpening) {
  const optimistic_rollup::TxWitness bare{funded.header(), {}};
  const auto run = [&](const Transaction& tx, const L1View& v) {
    return code(error_of(optimistic_rollup::apply_tx(params, v, funded.root(), bare, tx)));
  };
  EXPECT_EQ(run(deposit(0), l1()), code(OptimisticRollupError::deposit_already_credited));
  EXPECT_EQ(run(optimistic_rollup::make_transaction(Deposit{3, alice, std::nullopt, 1}), l1()), code(OptimisticRollupError::deposit_out_of_order));
  EXPECT_EQ(run(deposit(2), L1View{std::span(deposit_log).first(2), exit_log}), code(OptimisticRollupError::deposit_not_recorded));
  EXPECT_EQ(run(optimistic_rollup::make_transaction(Deposit{2, alice, std::nullopt, 1}), l1()), code(OptimisticRollupError::deposit_mismatch));
  EXPECT_EQ(run(deposit(2), l1()), code(OptimisticRollupError::witness_missing));
  const optimistic_rollup::TxWitness bare_processed{StateHeader{funded.header().accounts_root, 2, 1}, {}};
  const Hash32 processed_root = optimistic_rollup::state_root(bare_processed.pre_state);
  const auto run_processed = [&](const Transaction& tx, const L1View& v) {
    return code(error_of(optimistic_rollup::apply_tx(params, v, processed_root, bare_processed, tx)));
  };
  EXPECT_EQ(run_processed(forced_exit(0, 0), l1()), code(OptimisticRollupError::forced_exit_already_processed));
  EXPECT_EQ(run_processed(forced_exit(2, 0), l1()), code(OptimisticRollupError::forced_exit_out_of_order));
  EXPECT_EQ(run_processed(forced_exit(1, 0), L1View{deposit_log, std::span(exit_log).first(1)}),
            code(OptimisticRollupError::forced_exit_not_recorded));
  ForcedExit other = exits[1];
  other.from = bob;
  EXPECT_EQ(run_processed(optimistic_rollup::make_transaction(other), l1()), code(OptimisticRollupError::forced_exit_mismatch));
  EXPECT_EQ(run_processed(forced_exit(1, 0), l1()), code(OptimisticRollupError::witness_missing));
}

// ---- OR-TX-1: shape ----

TEST_F(OptimisticRollupTest, EveryKindNeedsExactlyItsOwnBody) {
  const Transaction bodies[4] = {transfer(alice, bob, 1, 0, 0, 1), deposit(2), withdrawal(alice, 1, 0, 0, 1),
                                 forced_exit(0, 1000)};
  for (int kind = 0; kind < 4; ++kind) {
    EXPECT_EQ(optimistic_rollup::check_shape(bodies[kind]), OptimisticRollupError::none) << kind;
    Transaction missing = bodies[kind];
    missing.transfer.reset();
    missing.deposit.reset();
    missing.withdrawal.reset();
    missing.forced_exit.reset();
    expect_rejected(funded, missing, OptimisticRollupError::tx_malformed, {});
    for (int extra = 0; extra < 4; ++extra) {
      if (extra == kind) continue;
      Transaction mixed = bodies[kind];
      if (extra == 0) mixed.transfer = bodies[0].transfer;
      if (extra == 1) mixed.deposit = bodies[1].deposit;
      if (extra == 2) mixed.withdrawal = bodies[2].withdrawal;
      if (extra == 3) mixed.forced_exit = bodies[3].forced_exit;
      expect_rejected(funded, mixed, OptimisticRollupError::tx_malformed, {});
      EXPECT_EQ(error_of(optimistic_rollup::apply_tx(params, l1(), funded.root(), optimistic_rollup::witness_for(params, l1(), funded, bodies[kind]),
                                       mixed)),
                OptimisticRollupError::tx_malformed)
          << kind << " with " << extra;
    }
    // The kind names another body than the one present.
    Transaction relabelled = bodies[kind];
    relabelled.kind = static_cast<optimistic_rollup::TxKind>((kind + 1) % 4);
    expect_rejected(funded, relabelled, OptimisticRollupError::tx_malformed, {});
  }
  // OR-TX-1 comes before OR-WIT-1: a malformed transaction with a wrong pre-root is malformed.
  Transaction mixed = bodies[0];
  mixed.deposit = bodies[1].deposit;
  EXPECT_EQ(error_of(optimistic_rollup::apply_tx(params, l1(), genesis.root(), optimistic_rollup::TxWitness{}, mixed)), OptimisticRollupError::tx_malformed);
}

TEST_F(OptimisticRollupTest, EncodedTransactionsDecodeStrictly) {
  const Transaction pay = transfer(alice, bob, 100, 3, 0, 1);
  const optimistic_rollup::TxWitness w = optimistic_rollup::witness_for(params, l1(), funded, pay);
  const Bytes bytes = l2::reflect::encode(pay);
  EXPECT_EQ(optimistic_rollup::apply_encoded_tx(params, l1(), funded.root(), w, bytes).value(), apply(funded, pay).root());

  // Each kind survives the canonical round trip, so a fraud proof's bytes are the batch's leaf.
  for (const Transaction& tx : {pay, deposit(0), deposit(2), withdrawal(alice, 5, 1, 0, 1), forced_exit(1, 0)}) {
    const Bytes encoded = l2::reflect::encode(tx);
    const auto decoded = l2::reflect::decode<Transaction>(encoded);
    ASSERT_TRUE(decoded.ok());
    EXPECT_TRUE(l2::reflect::equal(decoded.value(), tx));
    EXPECT_EQ(l2::reflect::encode(decoded.value()), encoded);
  }

  const auto run = [&](const Bytes& b) { return error_of(optimistic_rollup::apply_encoded_tx(params, l1(), funded.root(), w, b)); };
  Bytes trailing = bytes;
  trailing.push_back(0);
  EXPECT_EQ(run(trailing), OptimisticRollupError::tx_malformed);
  EXPECT_EQ(run(Bytes(bytes.begin(), bytes.end() - 1)), OptimisticRollupError::tx_malformed);
  EXPECT_EQ(run(Bytes{}), OptimisticRollupError::tx_malformed);
  Bytes bad_kind = bytes;
  bad_kind[0] = 4;  // one past forced_exit
  EXPECT_EQ(run(bad_kind), OptimisticRollupError::tx_malformed);
  Bytes wrong_kind = bytes;
  wrong_kind[0] = 2;  // says withdrawal, carries a transfer
  EXPECT_EQ(run(wrong_kind), OptimisticRollupError::tx_malformed);
  wrong_kind[0] = 3;  // says forced exit, carries a transfer
  EXPECT_EQ(run(wrong_kind), OptimisticRollupError::tx_malformed);
  Bytes bad_tag = bytes;
  bad_tag[1] = 2;  // an optional's presence byte is 0 or 1
  EXPECT_EQ(run(bad_tag), OptimisticRollupError::tx_malformed);
}

// ---- batches ----

TEST_F(OptimisticRollupTest, BatchRootsAndInclusionProofsLetEachStepBeReExecuted) {
  const std::vector<Transaction> txs{transfer(alice, bob, 100, 3, 0, 1), deposit(2), withdrawal(bob, 50, 1, 0, 2),
                                     forced_exit(0, 947), transfer(bob, alice, 10, 0, 1, 2)};
  const auto batch = optimistic_rollup::execute_batch(params, l1(), funded, txs);
  ASSERT_TRUE(batch.ok()) << code(batch.error());
  const std::vector<Hash32>& roots = batch.value().state_roots;
  ASSERT_EQ(roots.size(), txs.size() + 1);
  EXPECT_EQ(roots.front(), funded.root());
  // alice 1000 - 103 + 50 - 947 + 10 = 10; bob 500 + 100 - 51 - 10 = 539; fees 3 + 1 = 4.
  expect_state(batch.value().post_state,
               {{0, operator_account(4)}, {alice, Account{10, 1, key(1)}}, {bob, Account{539, 2, key(2)}}}, 3, 1);
  EXPECT_EQ(roots.back(), batch.value().post_state.root());

  std::vector<Hash32> tx_leaves, root_leaves;
  for (const Transaction& tx : txs) tx_leaves.push_back(optimistic_rollup::transaction_leaf_hash(l2::reflect::encode(tx)));
  for (const Hash32& r : roots) root_leaves.push_back(l2::ref::rfc6962::leaf_hash(r));
  const Hash32 tx_root = optimistic_rollup::transactions_root(txs);
  const Hash32 roots_root = optimistic_rollup::state_roots_root(roots);

  State current = funded;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    const auto tx_proof = l2::ref::rfc6962::inclusion_proof(tx_leaves, i);
    EXPECT_EQ(l2::ref::rfc6962::verify_inclusion(i, txs.size(), tx_leaves[i], tx_proof, tx_root), l2::PrimitiveError::none);
    for (const std::size_t at : {i, i + 1}) {
      const auto proof = l2::ref::rfc6962::inclusion_proof(root_leaves, at);
      EXPECT_EQ(l2::ref::rfc6962::verify_inclusion(at, roots.size(), root_leaves[at], proof, roots_root),
                l2::PrimitiveError::none);
    }
    const optimistic_rollup::TxWitness w = optimistic_rollup::witness_for(params, l1(), current, txs[i]);
    const auto step = optimistic_rollup::apply_encoded_tx(params, l1(), roots[i], w, l2::reflect::encode(txs[i]));
    ASSERT_TRUE(step.ok()) << i;
    EXPECT_EQ(step.value(), roots[i + 1]) << i;
    current = apply(current, txs[i]);
    EXPECT_EQ(current.root(), roots[i + 1]) << i;
  }

  // A batch with an invalid transaction is not built: the operator must leave it out.
  const std::vector<Transaction> with_replay{txs[0], txs[0]};
  EXPECT_EQ(optimistic_rollup::execute_batch(params, l1(), funded, with_replay).error(), OptimisticRollupError::nonce_replayed);
  const std::vector<Transaction> exit_twice{forced_exit(0, 1000), forced_exit(0, 0)};
  EXPECT_EQ(optimistic_rollup::execute_batch(params, l1(), funded, exit_twice).error(), OptimisticRollupError::forced_exit_already_processed);
  const std::vector<Transaction> none;
  const auto empty = optimistic_rollup::execute_batch(params, l1(), funded, none);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value().state_roots, std::vector<Hash32>{funded.root()});
}

// ---- the stateless step agrees with the stateful form on random transactions ----

// Random transfers, withdrawals, deposits and forced exits over a few accounts, biased toward the
// edges: nonces and queue indices one off, amounts at the balance and one above, the wrong
// signer, unknown accounts, someone else's forced exit. Each runs statefully and statelessly on the
// witness of the stateful run; the two agree on the error or the root, and the valid ones keep L2
// value conserved: balances + withdrawn + force-exited = credited deposits.
TEST_F(OptimisticRollupTest, StatelessStepAgreesWithStatefulFormOnRandomTransactions) {
  std::mt19937_64 random(0x0b5e55ed);
  // A longer L1 log: 12 top-ups of 10 * k to account 1 or 2, and 12 forced exits by keys 1..3.
  std::vector<Deposit> log_deposits = deposits;
  std::vector<ForcedExit> log_exits;
  for (u64 k = 3; k < 15; ++k) log_deposits.push_back(Deposit{k, static_cast<AccountIndex>(1 + k % 2), std::nullopt, 10 * k});
  for (u64 k = 0; k < 12; ++k)
    log_exits.push_back(ForcedExit{k, static_cast<AccountIndex>(k % 3), key(1 + k % 3), Hash32{0xee}, 0});
  std::vector<Hash32> deposit_ids, exit_ids;
  for (const Deposit& d : log_deposits) deposit_ids.push_back(optimistic_rollup::deposit_id(params, d));
  for (const ForcedExit& e : log_exits) exit_ids.push_back(optimistic_rollup::forced_exit_id(params, e));
  const L1View view{deposit_ids, exit_ids};

  State s = genesis;
  u64 left_l2 = 0, credited = 0, accepted = 0, rejected = 0;
  for (int step = 0; step < 220; ++step) {
    const AccountIndex from = static_cast<AccountIndex>(random() % 4);  // 3 is never created
    const AccountIndex to = static_cast<AccountIndex>(random() % 4);
    const Account sender = s.account(from).value_or(Account{0, 0, key(3)});
    u64 nonce = sender.nonce;
    if (random() % 8 == 0) nonce = (random() % 2 == 0 && nonce > 0) ? nonce - 1 : nonce + 1;  // a replay or a gap
    const u64 fee = random() % 3;
    u64 amount = sender.balance > fee ? random() % (sender.balance - fee + 1) : 0;
    if (random() % 8 == 0) amount = sender.balance - std::min(sender.balance, fee) + (random() % 2);
    const std::size_t signer = random() % 10 == 0 ? 3 : from;
    Transaction tx;
    u64 leaves = 0, enters = 0;
    switch (random() % 5) {
      case 0: tx = transfer(from, to, amount, fee, nonce, signer); break;
      case 1: tx = transfer(from, to, amount, fee, nonce, signer); break;
      case 2:
        tx = withdrawal(from, amount, fee, nonce, signer);
        leaves = amount;
        break;
      case 3: {
        u64 k = s.deposits_credited();
        if (random() % 6 == 0) k = k + 1 - random() % 3;  // one back, the same, one ahead
        tx = optimistic_rollup::make_transaction(k < log_deposits.size() ? log_deposits[k] : Deposit{k, 1, std::nullopt, 1});
        enters = k < log_deposits.size() ? log_deposits[k].amount : 0;
        break;
      }
      default: {
        u64 k = s.forced_exits_processed();
        if (random() % 6 == 0) k = k + 1 - random() % 3;
        ForcedExit e = k < log_exits.size() ? log_exits[k] : ForcedExit{k, 1, key(1), Hash32{}, 0};
        const std::optional<Account> account = s.account(e.from);
        e.amount = account && account->owner == e.requester ? account->balance : 0;
        if (random() % 8 == 0) e.amount += 1;
        tx = optimistic_rollup::make_transaction(e);
        leaves = e.amount;
        break;
      }
    }

    const auto stateful = optimistic_rollup::apply_tx(params, view, s, tx);
    const optimistic_rollup::TxWitness w = optimistic_rollup::witness_for(params, view, s, tx);
    const auto stateless = optimistic_rollup::apply_tx(params, view, s.root(), w, tx);
    ASSERT_EQ(stateful.ok(), stateless.ok()) << "step " << step;
    if (!stateful.ok()) {
      EXPECT_EQ(stateful.error(), stateless.error()) << "step " << step;
      EXPECT_TRUE(optimistic_rollup::is_transaction_error(stateful.error())) << code(stateful.error());
      ++rejected;
      continue;
    }
    EXPECT_EQ(stateful.value().root(), stateless.value()) << "step " << step;
    s = stateful.value();
    left_l2 += leaves;
    credited += enters;
    ++accepted;
    u64 total = 0;
    for (const auto& [index, account] : s.accounts()) total += account.balance;
    EXPECT_EQ(total + left_l2, credited) << "step " << step;
  }
  // The generator must exercise both sides, and both queues, or the comparison proves little.
  EXPECT_GT(accepted, 50u);
  EXPECT_GT(rejected, 40u);
  EXPECT_GT(s.deposits_credited(), 5u);
  EXPECT_GT(s.forced_exits_processed(), 3u);
}

}  // namespace
