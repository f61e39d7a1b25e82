// Optimistic-rollup L2 transactions with real BIP-340 signatures: every rule accepts and rejects,
// a rejection leaves the state as it was, the stateless single-transaction step agrees with the
// stateful form on valid and invalid transactions, and the error codes are the spec's rule rows.
// Signatures are made by libsecp256k1 and tagged hashes and RFC 6962 hashes are recomputed with
// libsecp256k1 and OpenSSL from hand-built bytes, so the digests, the encoding and the signature
// check are not only tested against themselves.
#include <gtest/gtest.h>

#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <optional>
#include <random>
#include <vector>

#include "l2/ref/optimistic_rollup.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::RollupError;
using l2::u64;
namespace orl = l2::ref::optimistic_rollup;
namespace oracle = l2::test::libsecp256k1;
using orl::Account;
using orl::AccountIndex;
using orl::Deposit;
using orl::L1View;
using orl::State;
using orl::Transaction;
using orl::Transfer;
using orl::Withdrawal;

constexpr u64 chain = 5;
constexpr AccountIndex alice = 1;
constexpr AccountIndex bob = 2;

Hash32 openssl_sha256(const Bytes& data) {
  Hash32 out{};
  SHA256(data.data(), data.size(), out.data());
  return out;
}

RollupError error_of(const l2::Result<Hash32, RollupError>& r) { return r.ok() ? RollupError::none : r.error(); }

class OptimisticRollupTest : public ::testing::Test {
 protected:
  OptimisticRollupTest() {
    const Bytes seed = l2::bytes_of("optimistic_rollup_test");
    for (l2::u32 i = 0; i < 4; ++i) {
      secret[i] = l2::ref::bip340::secret_from_seed(seed, i);
      key[i] = oracle::pubkey(secret[i]).value();
    }
    params = orl::L2Params{chain, orl::rollup_id(chain, l2::ref::tagged_hash("test/contract", seed), key[0], 0)};
    // L1's log: alice (key 1) opens account 1 with 1000, bob (key 2) account 2 with 500, alice tops up 50.
    deposits = {Deposit{0, alice, key[1], 1000}, Deposit{1, bob, key[2], 500}, Deposit{2, alice, std::nullopt, 50}};
    for (const Deposit& d : deposits) deposit_log.push_back(orl::deposit_id(params, d));
    genesis = State::genesis(key[0]);
    funded = apply(apply(genesis, orl::make_transaction(deposits[0])), orl::make_transaction(deposits[1]));
  }

  L1View l1() const { return L1View{deposit_log}; }

  State apply(const State& s, const Transaction& tx) const {
    auto r = orl::apply_tx(params, l1(), s, tx);
    EXPECT_TRUE(r.ok()) << l2::error_info(r.error()).code;
    return r.ok() ? std::move(r).value() : s;
  }

  orl::Signature sign(std::size_t signer, const Hash32& digest) const {
    return oracle::sign(secret[signer], digest, Hash32{}).value();
  }
  Transaction transfer(AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce, std::size_t signer) const {
    Transfer t{from, to, amount, fee, nonce, {}};
    t.signature = sign(signer, orl::transfer_digest(params, t));
    return orl::make_transaction(t);
  }
  Transaction withdrawal(AccountIndex from, u64 amount, u64 fee, u64 nonce, std::size_t signer) const {
    Withdrawal w{from, Hash32{0xe1}, amount, fee, nonce, {}};
    w.signature = sign(signer, orl::withdrawal_digest(params, w));
    return orl::make_transaction(w);
  }

  // The rule's code from the stateful form, the pre-state untouched, and the same code from the
  // stateless step on the witness the stateful run read.
  void expect_rejected(const State& s, const Transaction& tx, RollupError expected,
                       std::optional<L1View> view = std::nullopt) const {
    const L1View v = view.value_or(l1());
    const Hash32 root_before = s.root();
    const auto accounts_before = std::vector(s.accounts().begin(), s.accounts().end());
    const auto r = orl::apply_tx(params, v, s, tx);
    ASSERT_FALSE(r.ok()) << "expected " << l2::error_info(expected).code;
    EXPECT_EQ(l2::error_info(r.error()).code, l2::error_info(expected).code);
    EXPECT_EQ(s.root(), root_before);
    EXPECT_EQ(s.accounts().size(), accounts_before.size());
    const orl::TxWitness w = orl::witness_for(params, v, s, tx);
    EXPECT_EQ(l2::error_info(error_of(orl::apply_tx(params, v, s.root(), w, tx))).code, l2::error_info(expected).code)
        << "stateless step disagrees";
  }

  // Accepted by the stateful form, and the stateless step on its witness reaches the same root.
  State expect_accepted(const State& s, const Transaction& tx, std::optional<L1View> view = std::nullopt) const {
    const L1View v = view.value_or(l1());
    auto executed = orl::execute_tx(params, v, s, tx);
    EXPECT_TRUE(executed.ok()) << l2::error_info(executed.error()).code;
    if (!executed.ok()) return s;
    const auto stateless = orl::apply_tx(params, v, s.root(), executed.value().witness, tx);
    EXPECT_TRUE(stateless.ok()) << l2::error_info(stateless.error()).code;
    if (stateless.ok()) {
      EXPECT_EQ(stateless.value(), executed.value().post_state.root());
    }
    return std::move(executed).value().post_state;
  }

  Hash32 secret[4]{};
  Hash32 key[4]{};  // 0 the operator, 1 alice, 2 bob, 3 an outsider
  orl::L2Params params{};
  std::vector<Deposit> deposits;
  std::vector<Hash32> deposit_log;
  State genesis;
  State funded;
};

Account account_of(const State& s, AccountIndex index) { return s.account(index).value(); }

// ---- error codes match the spec's rule tables ----

TEST(OptimisticRollupErrors, EveryCodeIsARowOfTheSpecAndDistinct) {
  l2::test::expect_rule_table_matches(l2::all_rollup_errors, "optimistic_rollup.md", "OR");
}

TEST(OptimisticRollupErrors, TransactionAndWitnessErrorsAreTheL2Rules) {
  std::size_t witness = 0, transaction = 0;
  for (const RollupError e : l2::all_rollup_errors) {
    const std::string_view rule = l2::error_info(e).rule_id;
    const bool l2_rule = rule.starts_with("OR-TX-") || rule.starts_with("OR-WIT-") || rule.starts_with("OR-SEND-") ||
                         rule.starts_with("OR-XFER-") || rule.starts_with("OR-FEE-") || rule.starts_with("OR-DEP-");
    EXPECT_EQ(orl::is_witness_error(e), rule.starts_with("OR-WIT-")) << rule;
    EXPECT_EQ(orl::is_transaction_error(e), l2_rule && !rule.starts_with("OR-WIT-")) << rule;
    witness += orl::is_witness_error(e) ? 1 : 0;
    transaction += orl::is_transaction_error(e) ? 1 : 0;
  }
  EXPECT_EQ(witness, 4u);
  EXPECT_EQ(transaction, 19u);
}

TEST(OptimisticRollupErrors, FaultTypesFollowTheSpecTable) {
  for (const RollupError e : l2::all_rollup_errors) {
    if (!orl::is_transaction_error(e)) continue;
    const std::string_view rule = l2::error_info(e).rule_id;
    orl::FraudProofType expected = orl::FraudProofType::invalid_transition;
    if (rule == "OR-SEND-2") expected = orl::FraudProofType::invalid_signature;
    if (rule == "OR-SEND-3" || rule == "OR-SEND-7" || rule == "OR-DEP-1") expected = orl::FraudProofType::double_spend;
    EXPECT_EQ(orl::fault_type(e), expected) << rule;
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
  EXPECT_EQ(orl::transfer_digest(params, t), oracle::tagged_hash("L2/optimistic_rollup/transfer", body));

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
  EXPECT_EQ(orl::withdrawal_digest(params, w), oracle::tagged_hash("L2/optimistic_rollup/withdrawal", wbody));

  // Optional owner: a 0x01 tag and the key, or a lone 0x00.
  for (const bool creates : {true, false}) {
    const Deposit d{6, 8, creates ? std::optional<Hash32>(key[1]) : std::nullopt, 77};
    Bytes dbody;
    l2::put_u64_be(dbody, chain);
    l2::append(dbody, params.rollup_id);
    l2::put_u64_be(dbody, 6);
    l2::put_u32_be(dbody, 8);
    dbody.push_back(creates ? 1 : 0);
    if (creates) l2::append(dbody, key[1]);
    l2::put_u64_be(dbody, 77);
    EXPECT_EQ(orl::deposit_id(params, d), oracle::tagged_hash("L2/optimistic_rollup/deposit", dbody));
  }

  Bytes id;
  l2::put_u64_be(id, chain);
  l2::append(id, Hash32{0x42});
  l2::append(id, key[0]);
  l2::put_u64_be(id, 3);
  ASSERT_EQ(id.size(), 80u);
  EXPECT_EQ(orl::rollup_id(chain, Hash32{0x42}, key[0], 3), oracle::tagged_hash("L2/optimistic_rollup/id", id));
}

TEST_F(OptimisticRollupTest, AccountValueAndStateRootHashTheDocumentedBytes) {
  Bytes account;
  l2::put_u64_be(account, 1000);
  l2::put_u64_be(account, 3);
  l2::append(account, key[1]);
  ASSERT_EQ(account.size(), 48u);
  EXPECT_EQ(orl::account_value(Account{1000, 3, key[1]}), oracle::tagged_hash("L2/optimistic_rollup/account", account));

  Bytes header;
  l2::append(header, Hash32{0x99});
  l2::put_u64_be(header, 12);
  EXPECT_EQ(orl::state_root(orl::StateHeader{Hash32{0x99}, 12}), oracle::tagged_hash("L2/optimistic_rollup/state", header));

  // The state's accounts root is the sparse tree over account_value of each account.
  const std::vector<l2::ref::smt::Leaf> leaves{{0, orl::account_value(Account{0, 0, key[0]})},
                                               {alice, orl::account_value(Account{1000, 0, key[1]})},
                                               {bob, orl::account_value(Account{500, 0, key[2]})}};
  EXPECT_EQ(funded.header().accounts_root, l2::ref::smt::rebuild_root(leaves));
  EXPECT_EQ(funded.header().deposits_credited, 2u);
}

TEST_F(OptimisticRollupTest, RootsAreRfc6962OverTheCanonicalBytes) {
  const std::vector<Transaction> txs{transfer(alice, bob, 1, 0, 0, 1), orl::make_transaction(deposits[2])};
  Bytes leaf0{0x00}, leaf1{0x00};
  l2::append(leaf0, l2::reflect::encode(txs[0]));
  l2::append(leaf1, l2::reflect::encode(txs[1]));
  Bytes node{0x01};
  l2::append(node, openssl_sha256(leaf0));
  l2::append(node, openssl_sha256(leaf1));
  EXPECT_EQ(orl::transactions_root(txs), openssl_sha256(node));
  EXPECT_EQ(orl::transactions_root(std::span(txs).first(1)), openssl_sha256(leaf0));

  const std::vector<Hash32> roots{Hash32{1}, Hash32{2}};
  Bytes r0{0x00}, r1{0x00};
  l2::append(r0, roots[0]);
  l2::append(r1, roots[1]);
  Bytes rnode{0x01};
  l2::append(rnode, openssl_sha256(r0));
  l2::append(rnode, openssl_sha256(r1));
  EXPECT_EQ(orl::state_roots_root(roots), openssl_sha256(rnode));
}

// ---- deposits [OR-DEP-1 .. OR-DEP-7] ----

TEST_F(OptimisticRollupTest, DepositsCreateAndTopUpAccountsInL1Order) {
  EXPECT_EQ(genesis.accounts().size(), 1u);
  EXPECT_EQ(account_of(genesis, orl::fee_account).owner, key[0]);
  State s = expect_accepted(genesis, orl::make_transaction(deposits[0]));
  EXPECT_EQ(account_of(s, alice).balance, 1000u);
  EXPECT_EQ(account_of(s, alice).owner, key[1]);
  EXPECT_EQ(s.deposits_credited(), 1u);
  s = expect_accepted(s, orl::make_transaction(deposits[1]));
  s = expect_accepted(s, orl::make_transaction(deposits[2]));
  EXPECT_EQ(account_of(s, alice).balance, 1050u);
  EXPECT_EQ(account_of(s, alice).owner, key[1]);
  EXPECT_EQ(s.deposits_credited(), 3u);
}

TEST_F(OptimisticRollupTest, DepositRejections) {
  expect_rejected(funded, orl::make_transaction(deposits[0]), RollupError::deposit_already_credited);
  expect_rejected(funded, orl::make_transaction(deposits[1]), RollupError::deposit_already_credited);
  const State one = apply(genesis, orl::make_transaction(deposits[0]));
  expect_rejected(one, orl::make_transaction(deposits[2]), RollupError::deposit_out_of_order);
  expect_rejected(funded, orl::make_transaction(deposits[2]), RollupError::deposit_not_recorded,
                  L1View{std::span(deposit_log).first(2)});
  expect_rejected(funded, orl::make_transaction(Deposit{2, alice, std::nullopt, 49}), RollupError::deposit_mismatch);
  expect_rejected(funded, orl::make_transaction(Deposit{2, bob, std::nullopt, 50}), RollupError::deposit_mismatch);
  expect_rejected(funded, orl::make_transaction(Deposit{2, alice, key[3], 50}), RollupError::deposit_mismatch);

  // Records L1 would never make; the L2 rules refuse them all the same.
  const auto with_third = [&](const Deposit& d) {
    return std::vector<Hash32>{deposit_log[0], deposit_log[1], orl::deposit_id(params, d)};
  };
  const Deposit create_taken{2, bob, key[3], 5};
  const auto log_taken = with_third(create_taken);
  expect_rejected(funded, orl::make_transaction(create_taken), RollupError::account_exists, L1View{log_taken});
  const Deposit top_up_empty{2, 9, std::nullopt, 5};
  const auto log_empty = with_third(top_up_empty);
  expect_rejected(funded, orl::make_transaction(top_up_empty), RollupError::unknown_account, L1View{log_empty});
  const Deposit to_max{2, alice, std::nullopt, l2::u64_max - 1000};
  const auto log_max = with_third(to_max);
  const State at_max = expect_accepted(funded, orl::make_transaction(to_max), L1View{log_max});
  EXPECT_EQ(account_of(at_max, alice).balance, l2::u64_max);
  const Deposit past_max{2, alice, std::nullopt, l2::u64_max - 999};
  const auto log_past = with_third(past_max);
  expect_rejected(funded, orl::make_transaction(past_max), RollupError::deposit_balance_overflow, L1View{log_past});
}

// ---- transfers [OR-SEND-*, OR-XFER-*, OR-FEE-*] ----

TEST_F(OptimisticRollupTest, TransferMovesAmountAndFee) {
  const State after = expect_accepted(funded, transfer(alice, bob, 100, 3, 0, 1));
  EXPECT_EQ(account_of(after, alice).balance, 897u);
  EXPECT_EQ(account_of(after, alice).nonce, 1u);
  EXPECT_EQ(account_of(after, bob).balance, 600u);
  EXPECT_EQ(account_of(after, bob).nonce, 0u);
  EXPECT_EQ(account_of(after, orl::fee_account).balance, 3u);
  const State again = expect_accepted(after, transfer(alice, bob, 897, 0, 1, 1));  // the whole balance, nonce 1
  EXPECT_EQ(account_of(again, alice).balance, 0u);
  EXPECT_EQ(account_of(again, bob).balance, 1497u);
}

TEST_F(OptimisticRollupTest, AliasedAccountsAreReadAfterEarlierWrites) {
  const State self = expect_accepted(funded, transfer(alice, alice, 400, 7, 0, 1));
  EXPECT_EQ(account_of(self, alice).balance, 993u);
  EXPECT_EQ(account_of(self, orl::fee_account).balance, 7u);
  const State to_operator = expect_accepted(funded, transfer(alice, orl::fee_account, 10, 1, 0, 1));
  EXPECT_EQ(account_of(to_operator, orl::fee_account).balance, 11u);
  // The operator spends from the fee account and pays the fee to itself.
  const State from_operator = expect_accepted(to_operator, transfer(orl::fee_account, bob, 5, 2, 0, 0));
  EXPECT_EQ(account_of(from_operator, orl::fee_account).balance, 6u);
  EXPECT_EQ(account_of(from_operator, bob).balance, 505u);
}

TEST_F(OptimisticRollupTest, TransferRejections) {
  const State after = apply(funded, transfer(alice, bob, 100, 3, 0, 1));
  expect_rejected(after, transfer(alice, bob, 100, 3, 0, 1), RollupError::nonce_replayed);
  expect_rejected(funded, transfer(alice, bob, 100, 3, 1, 1), RollupError::nonce_gap);
  expect_rejected(funded, transfer(9, bob, 1, 0, 0, 1), RollupError::unknown_sender);
  expect_rejected(funded, transfer(alice, 9, 1, 0, 0, 1), RollupError::unknown_recipient);
  expect_rejected(funded, transfer(alice, bob, 998, 3, 0, 1), RollupError::insufficient_balance);
  expect_accepted(funded, transfer(alice, bob, 997, 3, 0, 1));
  expect_rejected(funded, transfer(alice, bob, l2::u64_max, 1, 0, 1), RollupError::amount_overflow);
  expect_rejected(funded, transfer(alice, bob, 1, l2::u64_max, 0, 1), RollupError::amount_overflow);

  State exhausted = funded;
  exhausted.put(alice, Account{1000, l2::u64_max, key[1]});
  expect_rejected(exhausted, transfer(alice, bob, 1, 0, l2::u64_max, 1), RollupError::nonce_exhausted);
  State almost = funded;
  almost.put(alice, Account{1000, l2::u64_max - 1, key[1]});
  EXPECT_EQ(account_of(expect_accepted(almost, transfer(alice, bob, 1, 0, l2::u64_max - 1, 1)), alice).nonce, l2::u64_max);

  State rich_bob = funded;
  rich_bob.put(bob, Account{l2::u64_max - 1, 0, key[2]});
  expect_accepted(rich_bob, transfer(alice, bob, 1, 0, 0, 1));
  expect_rejected(rich_bob, transfer(alice, bob, 2, 0, 0, 1), RollupError::recipient_balance_overflow);

  State rich_operator = funded;
  rich_operator.put(orl::fee_account, Account{l2::u64_max - 1, 0, key[0]});
  expect_accepted(rich_operator, transfer(alice, bob, 1, 1, 0, 1));
  expect_rejected(rich_operator, transfer(alice, bob, 1, 2, 0, 1), RollupError::fee_balance_overflow);

  State no_operator;
  no_operator.put(alice, Account{1000, 0, key[1]});
  no_operator.put(bob, Account{0, 0, key[2]});
  expect_rejected(no_operator, transfer(alice, bob, 1, 0, 0, 1), RollupError::no_fee_account);

  Transaction mixed = transfer(alice, bob, 1, 0, 0, 1);
  mixed.withdrawal = Withdrawal{};
  expect_rejected(funded, mixed, RollupError::tx_malformed);
  Transaction empty{};
  expect_rejected(funded, empty, RollupError::tx_malformed);
}

TEST_F(OptimisticRollupTest, SignaturesAreBoundToOwnerRollupChainAndKind) {
  expect_rejected(funded, transfer(alice, bob, 100, 3, 0, 2), RollupError::bad_signature);  // bob signs for alice
  expect_rejected(funded, transfer(alice, bob, 100, 3, 0, 3), RollupError::bad_signature);

  Transfer t{alice, bob, 100, 3, 0, {}};
  t.signature = sign(1, orl::transfer_digest(orl::L2Params{chain + 1, params.rollup_id}, t));
  expect_rejected(funded, orl::make_transaction(t), RollupError::bad_signature);
  t.signature = sign(1, orl::transfer_digest(orl::L2Params{chain, Hash32{0x01}}, t));
  expect_rejected(funded, orl::make_transaction(t), RollupError::bad_signature);

  // The signature of one transfer does not carry to another amount, fee, nonce or recipient.
  const Transaction signed_tx = transfer(alice, bob, 100, 3, 0, 1);
  for (int field = 0; field < 4; ++field) {
    Transaction changed = signed_tx;
    if (field == 0) changed.transfer->amount = 101;
    if (field == 1) changed.transfer->fee = 2;
    if (field == 2) changed.transfer->to = orl::fee_account;
    if (field == 3) changed.transfer->signature[63] ^= 1;
    expect_rejected(funded, changed, RollupError::bad_signature);
  }

  // A transfer signature over the same numbers is not a withdrawal signature.
  Withdrawal w{alice, Hash32{0xe1}, 100, 3, 0, {}};
  w.signature = sign(1, orl::transfer_digest(params, Transfer{alice, bob, 100, 3, 0, {}}));
  expect_rejected(funded, orl::make_transaction(w), RollupError::bad_signature);
}

// ---- withdrawals ----

TEST_F(OptimisticRollupTest, WithdrawalLeavesL2AndPaysTheFee) {
  const State after = expect_accepted(funded, withdrawal(alice, 200, 2, 0, 1));
  EXPECT_EQ(account_of(after, alice).balance, 798u);
  EXPECT_EQ(account_of(after, alice).nonce, 1u);
  EXPECT_EQ(account_of(after, orl::fee_account).balance, 2u);
  expect_rejected(after, withdrawal(alice, 200, 2, 0, 1), RollupError::nonce_replayed);
  expect_rejected(funded, withdrawal(alice, 999, 2, 0, 1), RollupError::insufficient_balance);
  expect_rejected(funded, withdrawal(alice, 1, 0, 0, 2), RollupError::bad_signature);
  expect_rejected(funded, withdrawal(7, 1, 0, 0, 1), RollupError::unknown_sender);
  expect_rejected(funded, withdrawal(alice, 1, 0, 4, 1), RollupError::nonce_gap);
}

// ---- the stateless step: witness rules [OR-WIT-1 .. OR-WIT-4] ----

TEST_F(OptimisticRollupTest, WitnessRules) {
  const Transaction pay = transfer(alice, bob, 100, 3, 0, 1);
  const orl::TxWitness good = orl::witness_for(params, l1(), funded, pay);
  ASSERT_EQ(good.accounts.size(), 3u);
  const Hash32 post = apply(funded, pay).root();
  const auto run = [&](const orl::TxWitness& w, const Hash32& pre) { return error_of(orl::apply_tx(params, l1(), pre, w, pay)); };
  EXPECT_EQ(run(good, funded.root()), RollupError::none);
  EXPECT_EQ(orl::apply_tx(params, l1(), funded.root(), good, pay).value(), post);

  EXPECT_EQ(run(good, genesis.root()), RollupError::witness_state_mismatch);
  orl::TxWitness lying = good;
  lying.pre_state.deposits_credited = 3;
  EXPECT_EQ(run(lying, funded.root()), RollupError::witness_state_mismatch);
  for (std::size_t keep = 0; keep < 3; ++keep) {
    orl::TxWitness short_witness = good;
    short_witness.accounts.resize(keep);
    EXPECT_EQ(run(short_witness, funded.root()), RollupError::witness_missing) << keep;
  }
  orl::TxWitness swapped = good;
  std::swap(swapped.accounts[1], swapped.accounts[2]);
  EXPECT_EQ(run(swapped, funded.root()), RollupError::witness_wrong_account);
  // Openings taken against the pre-state root: the second one is stale once the sender is written.
  orl::TxWitness stale = good;
  stale.accounts[1] = orl::AccountWitness{bob, funded.account(bob), funded.prove(bob).siblings};
  EXPECT_EQ(run(stale, funded.root()), RollupError::witness_root_mismatch);
  for (std::size_t i = 0; i < 3; ++i) {
    orl::TxWitness inflated = good;
    inflated.accounts[i].account->balance += 1;
    EXPECT_EQ(run(inflated, funded.root()), RollupError::witness_root_mismatch) << i;
    orl::TxWitness hidden = good;
    hidden.accounts[i].account = std::nullopt;
    EXPECT_EQ(run(hidden, funded.root()), RollupError::witness_root_mismatch) << i;
    orl::TxWitness bent = good;
    bent.accounts[i].siblings[31][0] ^= 0x80;
    EXPECT_EQ(run(bent, funded.root()), RollupError::witness_root_mismatch) << i;
  }
  // An opening that shows an existing slot as empty cannot make the deposit rules accept a creation.
  const Deposit create_taken{2, bob, key[3], 5};
  const std::vector<Hash32> log{deposit_log[0], deposit_log[1], orl::deposit_id(params, create_taken)};
  orl::TxWitness fake{funded.header(), {orl::AccountWitness{bob, std::nullopt, funded.prove(bob).siblings}}};
  EXPECT_EQ(error_of(orl::apply_tx(params, L1View{log}, funded.root(), fake, orl::make_transaction(create_taken))),
            RollupError::witness_root_mismatch);
}

TEST_F(OptimisticRollupTest, EncodedTransactionsDecodeStrictly) {
  const Transaction pay = transfer(alice, bob, 100, 3, 0, 1);
  const orl::TxWitness w = orl::witness_for(params, l1(), funded, pay);
  const Bytes bytes = l2::reflect::encode(pay);
  EXPECT_EQ(orl::apply_encoded_tx(params, l1(), funded.root(), w, bytes).value(), apply(funded, pay).root());

  // Each kind survives the canonical round trip, so a fraud proof's bytes are the batch's leaf.
  for (const Transaction& tx : {pay, orl::make_transaction(deposits[0]), orl::make_transaction(deposits[2]),
                                withdrawal(alice, 5, 1, 0, 1)}) {
    const Bytes encoded = l2::reflect::encode(tx);
    const auto decoded = l2::reflect::decode<Transaction>(encoded);
    ASSERT_TRUE(decoded.ok());
    EXPECT_TRUE(l2::reflect::equal(decoded.value(), tx));
    EXPECT_EQ(l2::reflect::encode(decoded.value()), encoded);
  }

  Bytes trailing = bytes;
  trailing.push_back(0);
  EXPECT_EQ(error_of(orl::apply_encoded_tx(params, l1(), funded.root(), w, trailing)), RollupError::tx_malformed);
  const Bytes truncated(bytes.begin(), bytes.end() - 1);
  EXPECT_EQ(error_of(orl::apply_encoded_tx(params, l1(), funded.root(), w, truncated)), RollupError::tx_malformed);
  Bytes bad_kind = bytes;
  bad_kind[0] = 3;
  EXPECT_EQ(error_of(orl::apply_encoded_tx(params, l1(), funded.root(), w, bad_kind)), RollupError::tx_malformed);
  Bytes wrong_kind = bytes;
  wrong_kind[0] = 2;  // says withdrawal, carries a transfer
  EXPECT_EQ(error_of(orl::apply_encoded_tx(params, l1(), funded.root(), w, wrong_kind)), RollupError::tx_malformed);
}

// ---- batches ----

TEST_F(OptimisticRollupTest, BatchRootsAndInclusionProofsLetEachStepBeReExecuted) {
  const std::vector<Transaction> txs{transfer(alice, bob, 100, 3, 0, 1), orl::make_transaction(deposits[2]),
                                     withdrawal(bob, 50, 1, 0, 2), transfer(bob, alice, 10, 0, 1, 2)};
  const auto batch = orl::execute_batch(params, l1(), funded, txs);
  ASSERT_TRUE(batch.ok()) << l2::error_info(batch.error()).code;
  const std::vector<Hash32>& roots = batch.value().state_roots;
  ASSERT_EQ(roots.size(), txs.size() + 1);
  EXPECT_EQ(roots.front(), funded.root());
  EXPECT_EQ(roots.back(), batch.value().post_state.root());

  std::vector<Hash32> tx_leaves, root_leaves;
  for (const Transaction& tx : txs) tx_leaves.push_back(orl::transaction_leaf_hash(l2::reflect::encode(tx)));
  for (const Hash32& r : roots) root_leaves.push_back(l2::ref::rfc6962::leaf_hash(r));
  const Hash32 tx_root = orl::transactions_root(txs);
  const Hash32 roots_root = orl::state_roots_root(roots);

  State current = funded;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    const auto tx_proof = l2::ref::rfc6962::inclusion_proof(tx_leaves, i);
    EXPECT_EQ(l2::ref::rfc6962::verify_inclusion(i, txs.size(), tx_leaves[i], tx_proof, tx_root), l2::PrimitiveError::none);
    for (const std::size_t at : {i, i + 1}) {
      const auto proof = l2::ref::rfc6962::inclusion_proof(root_leaves, at);
      EXPECT_EQ(l2::ref::rfc6962::verify_inclusion(at, roots.size(), root_leaves[at], proof, roots_root),
                l2::PrimitiveError::none);
    }
    const orl::TxWitness w = orl::witness_for(params, l1(), current, txs[i]);
    const auto step = orl::apply_encoded_tx(params, l1(), roots[i], w, l2::reflect::encode(txs[i]));
    ASSERT_TRUE(step.ok()) << i;
    EXPECT_EQ(step.value(), roots[i + 1]) << i;
    current = apply(current, txs[i]);
  }

  // A batch with an invalid transaction is not built: the operator must leave it out.
  const std::vector<Transaction> with_replay{txs[0], txs[0]};
  EXPECT_EQ(orl::execute_batch(params, l1(), funded, with_replay).error(), RollupError::nonce_replayed);
}

// ---- the stateless step agrees with the stateful form on random transactions ----

// Random transfers and withdrawals over a few accounts, biased toward the edges: nonces one off
// (replay and gap), amounts at the balance and one above, the wrong signer, unknown accounts. Each
// runs statefully and statelessly on the witness of the stateful run; the two must agree on the
// error or the root, and the valid ones keep L2 value conserved.
TEST_F(OptimisticRollupTest, StatelessStepAgreesWithStatefulFormOnRandomTransactions) {
  std::mt19937_64 random(0x0b5e55ed);
  State s = funded;
  u64 withdrawn = 0, accepted = 0, rejected = 0;
  const u64 credited = 1500;
  for (int step = 0; step < 150; ++step) {
    const AccountIndex from = static_cast<AccountIndex>(random() % 4);  // 3 is never created
    const AccountIndex to = static_cast<AccountIndex>(random() % 4);
    const Account sender = s.account(from).value_or(Account{0, 0, key[3]});
    u64 nonce = sender.nonce;
    if (random() % 8 == 0) nonce = (random() % 2 == 0 && nonce > 0) ? nonce - 1 : nonce + 1;  // a replay or a gap
    const u64 fee = random() % 3;
    u64 amount = sender.balance > fee ? random() % (sender.balance - fee + 1) : 0;
    if (random() % 8 == 0) amount = sender.balance - std::min(sender.balance, fee) + (random() % 2);  // at the balance, or one above
    const std::size_t signer = random() % 10 == 0 ? 3 : (from == 0 ? 0 : from);
    const bool is_withdrawal = random() % 4 == 0;
    const Transaction tx = is_withdrawal ? withdrawal(from, amount, fee, nonce, signer) : transfer(from, to, amount, fee, nonce, signer);

    const auto stateful = orl::apply_tx(params, l1(), s, tx);
    const orl::TxWitness w = orl::witness_for(params, l1(), s, tx);
    const auto stateless = orl::apply_tx(params, l1(), s.root(), w, tx);
    ASSERT_EQ(stateful.ok(), stateless.ok()) << "step " << step;
    if (!stateful.ok()) {
      EXPECT_EQ(stateful.error(), stateless.error()) << "step " << step;
      EXPECT_TRUE(orl::is_transaction_error(stateful.error()));
      ++rejected;
      continue;
    }
    EXPECT_EQ(stateful.value().root(), stateless.value()) << "step " << step;
    s = stateful.value();
    if (is_withdrawal) withdrawn += amount;
    ++accepted;
    u64 total = 0;
    for (const auto& [index, account] : s.accounts()) total += account.balance;
    EXPECT_EQ(total + withdrawn, credited) << "step " << step;
  }
  // The generator must exercise both sides, or the comparison proves little.
  EXPECT_GT(accepted, 30u);
  EXPECT_GT(rejected, 30u);
}

}  // namespace
