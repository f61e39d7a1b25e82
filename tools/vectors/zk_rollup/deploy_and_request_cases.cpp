// Suites deploy, deposit_new_account, deposit_top_up and request_forced_withdrawal: every
// deployment rule at its boundary, the live rules on the requests, deposits into escrow and the
// priority queue, and forced-withdrawal requests.
#include <functional>

#include "world.hpp"

namespace l2::vectors::zk_rollup_vectors {

namespace {

struct ConfigCase {
  const char* name;
  const char* description;
  const char* rule;
  std::function<void(zk::ZkConfig&, zk::VerifyingKey&)> edit;
  Error expect;
};

zk::VerifyingKey key_bytes(Bytes bytes) { return zk::VerifyingKey{zk::ProofBackend::reexecution, std::move(bytes)}; }

const std::vector<std::string>& bridge_rules() {
  static const std::vector<std::string> rules = concat({live_rules(), rule_range("ZK-BRIDGE", 1, 2)});
  return rules;
}

}  // namespace

void deploy_cases(CaseBook& cases, const Worlds& w) {
  Scenario(cases.add("deploy", "basic",
                     "deploy the world's configuration: batch size 4, B 6, P 10, E 40 (> 3 * 6 + 10 = 28), min deposit "
                     "100, fee 10, the key (reexecution, enc(ReexecutionKey(1, 4)))",
                     rule_range("ZK-DEPLOY", 1, 6)))
      .deploy(deploy_height, w.deploy_input(default_config(), default_key()));

  // Each rule at its boundary, from the world's configuration (3B + P = 28): -1, 0 and +1 where
  // the value has a lower neighbour.
  const ConfigCase edges[] = {
      {"invalid_censorship_bound_0", "censorship_bound_blocks 0: no delay of L1 inclusion could be bounded", "ZK-DEPLOY-1",
       [](auto& c, auto&) { c.censorship_bound_blocks = 0; }, Error::config_censorship_bound},
      {"censorship_bound_1", "censorship_bound_blocks 1 (E 40 > 3 + 10)", "ZK-DEPLOY-1",
       [](auto& c, auto&) { c.censorship_bound_blocks = 1; }, Error::none},
      {"invalid_batch_size_0", "max_batch_size 0: no batch could hold a transaction", "ZK-DEPLOY-2",
       [](auto& c, auto&) { c.max_batch_size = 0; }, Error::config_batch_size},
      {"batch_size_1", "max_batch_size 1 (the key admits 4)", "ZK-DEPLOY-2", [](auto& c, auto&) { c.max_batch_size = 1; },
       Error::none},
      {"invalid_expiry_3b_plus_p_minus_1", "priority_expiry_blocks 27 = 3B + P - 1", "ZK-DEPLOY-3",
       [](auto& c, auto&) { c.priority_expiry_blocks = 27; }, Error::config_priority_expiry},
      {"invalid_expiry_equal_3b_plus_p",
       "priority_expiry_blocks 28 = 3B + P: an honest execution may land at the expiry height itself", "ZK-DEPLOY-3",
       [](auto& c, auto&) { c.priority_expiry_blocks = 28; }, Error::config_priority_expiry},
      {"expiry_3b_plus_p_plus_1", "priority_expiry_blocks 29 = 3B + P + 1, the smallest accepted", "ZK-DEPLOY-3",
       [](auto& c, auto&) { c.priority_expiry_blocks = 29; }, Error::none},
      {"invalid_expiry_sum_overflows",
       "proving_time_blocks UINT64_MAX - 17: 3B + P = 2^64 overflows, so no expiry is enough (E UINT64_MAX)", "ZK-DEPLOY-3",
       [](auto& c, auto&) {
         c.proving_time_blocks = u64_max - 17;
         c.priority_expiry_blocks = u64_max;
       },
       Error::config_priority_expiry},
      {"invalid_expiry_product_overflows",
       "censorship_bound_blocks 2^63: 3B overflows, so no expiry is enough (E UINT64_MAX)", "ZK-DEPLOY-3",
       [](auto& c, auto&) {
         c.censorship_bound_blocks = u64{1} << 63;
         c.priority_expiry_blocks = u64_max;
       },
       Error::config_priority_expiry},
      {"expiry_uint64_max_above_largest_sum", "proving_time_blocks UINT64_MAX - 19: 3B + P = UINT64_MAX - 1 < E = UINT64_MAX",
       "ZK-DEPLOY-3",
       [](auto& c, auto&) {
         c.proving_time_blocks = u64_max - 19;
         c.priority_expiry_blocks = u64_max;
       },
       Error::none},
      {"invalid_min_deposit_0", "min_deposit 0: dust deposits would fill the queue", "ZK-DEPLOY-4",
       [](auto& c, auto&) { c.min_deposit = 0; }, Error::config_min_deposit},
      {"min_deposit_1", "min_deposit 1", "ZK-DEPLOY-4", [](auto& c, auto&) { c.min_deposit = 1; }, Error::none},
      {"invalid_fee_0", "forced_withdrawal_fee 0: requests would be free to spam", "ZK-DEPLOY-5",
       [](auto& c, auto&) { c.forced_withdrawal_fee = 0; }, Error::config_forced_withdrawal_fee},
      {"fee_1", "forced_withdrawal_fee 1", "ZK-DEPLOY-5", [](auto& c, auto&) { c.forced_withdrawal_fee = 1; }, Error::none},
      {"invalid_key_version_2", "a ReexecutionKey of version 2: not this document's rules", "ZK-DEPLOY-6",
       [](auto&, auto& vk) { vk = key_bytes(reflect::encode(zk::ReexecutionKey{2, max_batch_size})); },
       Error::config_verifying_key},
      {"invalid_key_version_0", "a ReexecutionKey of version 0", "ZK-DEPLOY-6",
       [](auto&, auto& vk) { vk = key_bytes(reflect::encode(zk::ReexecutionKey{0, max_batch_size})); },
       Error::config_verifying_key},
      {"invalid_key_max_below_batch_size",
       "key max_transactions 3 with max_batch_size 4: a batch the contract admits would be unprovable", "ZK-DEPLOY-6",
       [](auto&, auto& vk) { vk = zk::reexecution_verifying_key(max_batch_size - 1); }, Error::config_verifying_key},
      {"key_max_above_batch_size", "key max_transactions 5 with max_batch_size 4", "ZK-DEPLOY-6",
       [](auto&, auto& vk) { vk = zk::reexecution_verifying_key(max_batch_size + 1); }, Error::none},
      {"invalid_key_bytes_malformed", "the key's 12 bytes cut to 11: they do not decode to a ReexecutionKey", "ZK-DEPLOY-6",
       [](auto&, auto& vk) { vk.key.pop_back(); }, Error::config_verifying_key},
      {"invalid_key_bytes_trailing", "the key's 12 bytes and one more: not a canonical encoding", "ZK-DEPLOY-6",
       [](auto&, auto& vk) { vk.key.push_back(0); }, Error::config_verifying_key},
      {"invalid_key_empty", "an empty key", "ZK-DEPLOY-6", [](auto&, auto& vk) { vk.key.clear(); },
       Error::config_verifying_key},
  };
  for (const ConfigCase& edge : edges) {
    zk::ZkConfig config = default_config();
    zk::VerifyingKey vk = default_key();
    edge.edit(config, vk);
    Scenario(cases.add("deploy", edge.name, edge.description, {edge.rule}))
        .deploy(deploy_height, w.deploy_input(config, vk), edge.expect);
  }
  {
    // Two rules broken at once: the first in the order of the table names the error.
    zk::ZkConfig config = default_config();
    config.min_deposit = 0;
    config.max_batch_size = 0;
    Scenario(cases.add("deploy", "invalid_first_rule_wins", "max_batch_size 0 and min_deposit 0: ZK-DEPLOY-2 is checked first",
                       {"ZK-DEPLOY-2"}))
        .deploy(deploy_height, w.deploy_input(config, default_key()), Error::config_batch_size);
  }
  {
    // Each adjacent pair of rules broken at once: the earlier rule names the error.
    struct PairCase {
      const char* name;
      const char* description;
      const char* rule;
      std::function<void(zk::ZkConfig&, zk::VerifyingKey&)> edit;
      Error expect;
    };
    const PairCase pairs[] = {
        {"invalid_censorship_bound_before_batch_size",
         "censorship_bound_blocks 0 and max_batch_size 0: ZK-DEPLOY-1 is checked before ZK-DEPLOY-2", "ZK-DEPLOY-1",
         [](auto& c, auto&) {
           c.censorship_bound_blocks = 0;
           c.max_batch_size = 0;
         },
         Error::config_censorship_bound},
        {"invalid_batch_size_before_expiry",
         "max_batch_size 0 and priority_expiry_blocks 28 = 3B + P: ZK-DEPLOY-2 is checked before ZK-DEPLOY-3", "ZK-DEPLOY-2",
         [](auto& c, auto&) {
           c.max_batch_size = 0;
           c.priority_expiry_blocks = 28;
         },
         Error::config_batch_size},
        {"invalid_expiry_before_min_deposit",
         "priority_expiry_blocks 28 = 3B + P and min_deposit 0: ZK-DEPLOY-3 is checked before ZK-DEPLOY-4", "ZK-DEPLOY-3",
         [](auto& c, auto&) {
           c.priority_expiry_blocks = 28;
           c.min_deposit = 0;
         },
         Error::config_priority_expiry},
        {"invalid_min_deposit_before_fee",
         "min_deposit 0 and forced_withdrawal_fee 0: ZK-DEPLOY-4 is checked before ZK-DEPLOY-5", "ZK-DEPLOY-4",
         [](auto& c, auto&) {
           c.min_deposit = 0;
           c.forced_withdrawal_fee = 0;
         },
         Error::config_min_deposit},
        {"invalid_fee_before_key", "forced_withdrawal_fee 0 and a ReexecutionKey of version 2: ZK-DEPLOY-5 is checked "
         "before ZK-DEPLOY-6", "ZK-DEPLOY-5",
         [](auto& c, auto& vk) {
           c.forced_withdrawal_fee = 0;
           vk = key_bytes(reflect::encode(zk::ReexecutionKey{2, max_batch_size}));
         },
         Error::config_forced_withdrawal_fee},
    };
    for (const PairCase& pair : pairs) {
      zk::ZkConfig config = default_config();
      zk::VerifyingKey vk = default_key();
      pair.edit(config, vk);
      Scenario(cases.add("deploy", pair.name, pair.description, {pair.rule}))
          .deploy(deploy_height, w.deploy_input(config, vk), pair.expect);
    }
  }
  {
    Scenario s(cases.add("deploy", "malformed_backend_stark",
                         "the backend `stark`: ProofBackend has one value, reexecution; a decoder refuses any other",
                         {"ZK-DEPLOY-6"}));
    json input = codec::to_json(w.deploy_input(default_config(), default_key()));
    input["verifying_key"]["backend"] = "stark";
    s.raw("deploy", deploy_height, input);
  }
  {
    Scenario s(cases.add("deploy", "malformed_missing_field", "the configuration has no priority_expiry_blocks",
                         {"ZK-DEPLOY-3"}));
    json input = codec::to_json(w.deploy_input(default_config(), default_key()));
    input["config"].erase("priority_expiry_blocks");
    s.raw("deploy", deploy_height, input);
  }
}

void request_cases(CaseBook& cases, const Worlds& w) {
  const World& deployed = w.deployed;
  const World& executed = w.executed;
  const World& forced = w.forced_requested;
  const World& exodus = w.exodus;

  // ---- deposit_new_account ----
  Scenario(cases.add("deposit_new_account", "at_min_deposit",
                     "carol deposits exactly min_deposit 100 at 22: account 3, op 2, expiry 62, escrow 8100",
                     new_account_deposit_rules()),
           deployed, "deployed")
      .deposit_new_account(22, w.key(carol), w.key(carol), min_deposit);
  Scenario(cases.add("deposit_new_account", "invalid_below_minimum", "carol deposits 99 = min_deposit - 1", {"ZK-BRIDGE-1"}),
           deployed, "deployed")
      .deposit_new_account(22, w.key(carol), w.key(carol), min_deposit - 1, Error::deposit_below_minimum);
  {
    Scenario s(cases.add("deposit_new_account", "indices_in_order",
                         "the griefer deposits first in the block for an account owned by itself and takes index 3; "
                         "carol's deposit in the same block gets index 4: L1 assigns the indices in order, nobody can "
                         "take a depositor's funds by racing it",
                         new_account_deposit_rules()),
               deployed, "deployed");
    cases.mark_adversarial("racing a depositor for a new account index", "griefer");
    s.deposit_new_account(22, w.key(griefer), w.key(griefer), min_deposit)
        .deposit_new_account(22, w.key(carol), w.key(carol), 700);
    if (s.contract().next_account_index != 5) generator_bug("indices_in_order: the indices are not 3 and 4");
  }
  Scenario(cases.add("deposit_new_account", "escrow_to_uint64_max",
                     "carol deposits UINT64_MAX - 8000 onto the escrow of 8000: the escrow reaches UINT64_MAX exactly",
                     new_account_deposit_rules()),
           deployed, "deployed")
      .deposit_new_account(22, w.key(carol), w.key(carol), u64_max - 8000);
  Scenario(cases.add("deposit_new_account", "invalid_escrow_one_over",
                     "carol deposits UINT64_MAX - 7999 onto the escrow of 8000: one over UINT64_MAX", {"ZK-BRIDGE-2"}),
           deployed, "deployed")
      .deposit_new_account(22, w.key(carol), w.key(carol), u64_max - 7999, Error::escrow_overflow);
  Scenario(cases.add("deposit_new_account", "invalid_owner_off_curve",
                     "the new account's owner is BIP-340 test vector 5's key, not on the curve", {"ZK-BRIDGE-5"}),
           deployed, "deployed")
      .deposit_new_account(22, w.key(carol), off_curve_key(), 700, Error::deposit_owner_invalid);
  {
    World last = deployed;
    last.contract.next_account_index = u64{1} << 32;
    Scenario(cases.add("deposit_new_account", "invalid_accounts_exhausted",
                       "next_account_index = 2^32 (a hand-made pre-state): every u32 index is assigned", {"ZK-BRIDGE-4"}),
             last)
        .deposit_new_account(22, w.key(carol), w.key(carol), 700, Error::accounts_exhausted);
    last.contract.next_account_index = (u64{1} << 32) - 1;
    Scenario(cases.add("deposit_new_account", "last_account_index",
                       "next_account_index = 2^32 - 1 (a hand-made pre-state): the deposit gets index UINT32_MAX",
                       new_account_deposit_rules()),
             last)
        .deposit_new_account(22, w.key(carol), w.key(carol), 700);
  }
  Scenario(cases.add("deposit_new_account", "invalid_in_exodus", "carol's deposit after exodus was activated", {"ZK-LIVE-1"}),
           exodus, "exodus")
      .deposit_new_account(exodus_height + 1, w.key(carol), w.key(carol), 700, Error::exodus_active);
  Scenario(cases.add("deposit_new_account", "one_block_before_expiry",
                     "carol deposits at 79, one block before alice's request (op 2) expires at 80",
                     new_account_deposit_rules()),
           forced, "forced_requested")
      .deposit_new_account(request_expiry - 1, w.key(carol), w.key(carol), 700);
  Scenario(cases.add("deposit_new_account", "invalid_at_expiry",
                     "carol deposits at 80: alice's request (op 2, expiry 80) is unserved at its expiry height",
                     {"ZK-LIVE-2"}),
           forced, "forced_requested")
      .deposit_new_account(request_expiry, w.key(carol), w.key(carol), 700, Error::priority_expired);
  Scenario(cases.add("deposit_new_account", "invalid_after_expiry", "carol deposits at 81, one block after the expiry",
                     {"ZK-LIVE-2"}),
           forced, "forced_requested")
      .deposit_new_account(request_expiry + 1, w.key(carol), w.key(carol), 700, Error::priority_expired);

  // ---- deposit_top_up ----
  Scenario(cases.add("deposit_top_up", "at_min_deposit", "bob tops up account 2 with exactly min_deposit 100 at 33",
                     concat({bridge_rules(), {"ZK-BRIDGE-3"}})),
           executed, "executed")
      .deposit_top_up(33, w.key(bob), bob_account, min_deposit);
  Scenario(cases.add("deposit_top_up", "anyone_tops_up",
                     "the watcher pays 500 into alice's account: the depositor is the watcher, the account alice's",
                     concat({bridge_rules(), {"ZK-BRIDGE-3"}})),
           executed, "executed")
      .deposit_top_up(33, w.key(watcher), alice_account, 500);
  Scenario(cases.add("deposit_top_up", "invalid_below_minimum", "bob tops up with 99", {"ZK-BRIDGE-1"}), executed, "executed")
      .deposit_top_up(33, w.key(bob), bob_account, min_deposit - 1, Error::deposit_below_minimum);
  Scenario(cases.add("deposit_top_up", "last_assigned_index",
                     "a top-up of account 2 = next_account_index - 1, the last index L1 assigned",
                     concat({bridge_rules(), {"ZK-BRIDGE-3"}})),
           executed, "executed")
      .deposit_top_up(33, w.key(carol), bob_account, 700);
  Scenario(cases.add("deposit_top_up", "invalid_unknown_account",
                     "a top-up of account 3 = next_account_index: L1 never assigned it", {"ZK-BRIDGE-3"}),
           executed, "executed")
      .deposit_top_up(33, w.key(carol), carol_account, 700, Error::deposit_unknown_account);
  Scenario(cases.add("deposit_top_up", "invalid_escrow_one_over",
                     "bob tops up UINT64_MAX - 7999 onto the escrow of 8000", {"ZK-BRIDGE-2"}),
           executed, "executed")
      .deposit_top_up(33, w.key(bob), bob_account, u64_max - 7999, Error::escrow_overflow);
  Scenario(cases.add("deposit_top_up", "invalid_in_exodus", "bob's top-up after exodus", {"ZK-LIVE-1"}), exodus, "exodus")
      .deposit_top_up(exodus_height + 1, w.key(bob), bob_account, 700, Error::exodus_active);
  Scenario(cases.add("deposit_top_up", "invalid_at_expiry", "bob's top-up at 80, alice's request's expiry height",
                     {"ZK-LIVE-2"}),
           forced, "forced_requested")
      .deposit_top_up(request_expiry, w.key(bob), bob_account, 700, Error::priority_expired);

  // ---- request_forced_withdrawal ----
  Scenario(cases.add("request_forced_withdrawal", "owner_request",
                     "alice asks at 40 for the forced withdrawal of account 1 to her L1 key: op 2, expiry 80; the fee "
                     "of 10 is paid to the operator at once",
                     concat({live_rules(), rule_range("ZK-FWQ", 1, 2)})),
           executed, "executed")
      .request(request_height, w.key(alice), alice_account, w.key(alice), forced_withdrawal_fee)
      .expect_payouts({{w.key(op), forced_withdrawal_fee}});
  Scenario(cases.add("request_forced_withdrawal", "another_accounts_request",
                     "the griefer asks for the forced withdrawal of alice's account to its own L1 key: queued like any "
                     "request (ownership is checked on L2, where it moves nothing)",
                     concat({live_rules(), rule_range("ZK-FWQ", 1, 2)})),
           executed, "executed")
      .request(request_height, w.key(griefer), alice_account, w.key(griefer), forced_withdrawal_fee)
      .expect_payouts({{w.key(op), forced_withdrawal_fee}});
  Scenario(cases.add("request_forced_withdrawal", "last_assigned_index",
                     "a request for account 2 = next_account_index - 1", concat({live_rules(), rule_range("ZK-FWQ", 1, 2)})),
           executed, "executed")
      .request(request_height, w.key(bob), bob_account, w.key(bob), forced_withdrawal_fee);
  Scenario(cases.add("request_forced_withdrawal", "invalid_fee_minus_1", "the request pays 9 = fee - 1", {"ZK-FWQ-1"}),
           executed, "executed")
      .request(request_height, w.key(alice), alice_account, w.key(alice), forced_withdrawal_fee - 1,
               Error::forced_withdrawal_fee);
  Scenario(cases.add("request_forced_withdrawal", "invalid_fee_plus_1", "the request pays 11 = fee + 1: exactly the fee",
                     {"ZK-FWQ-1"}),
           executed, "executed")
      .request(request_height, w.key(alice), alice_account, w.key(alice), forced_withdrawal_fee + 1,
               Error::forced_withdrawal_fee);
  Scenario(cases.add("request_forced_withdrawal", "invalid_unknown_account",
                     "a request for account 3 = next_account_index", {"ZK-FWQ-2"}),
           executed, "executed")
      .request(request_height, w.key(carol), carol_account, w.key(carol), forced_withdrawal_fee,
               Error::forced_withdrawal_unknown_account);
  Scenario(cases.add("request_forced_withdrawal", "invalid_in_exodus", "bob's request after exodus", {"ZK-LIVE-1"}), exodus,
           "exodus")
      .request(exodus_height + 1, w.key(bob), bob_account, w.key(bob), forced_withdrawal_fee, Error::exodus_active);
  Scenario(cases.add("request_forced_withdrawal", "invalid_at_expiry", "bob's request at 80, alice's request's expiry height",
                     {"ZK-LIVE-2"}),
           forced, "forced_requested")
      .request(request_expiry, w.key(bob), bob_account, w.key(bob), forced_withdrawal_fee, Error::priority_expired);

  // ---- Two rules broken at once: the earlier rule names the error ----
  Scenario(cases.add("deposit_new_account", "invalid_expired_before_below_minimum",
                     "carol deposits 99 = min_deposit - 1 at 80, alice's request's expiry height: ZK-LIVE-2 is checked "
                     "before ZK-BRIDGE-1",
                     {"ZK-LIVE-2"}),
           forced, "forced_requested")
      .deposit_new_account(request_expiry, w.key(carol), w.key(carol), min_deposit - 1, Error::priority_expired);
  {
    World full = deployed;
    full.contract.escrow = u64_max;
    Scenario(cases.add("deposit_new_account", "invalid_below_minimum_before_escrow_overflow",
                       "escrow UINT64_MAX (a hand-made pre-state) and a deposit of 99 = min_deposit - 1: ZK-BRIDGE-1 is "
                       "checked before ZK-BRIDGE-2",
                       {"ZK-BRIDGE-1"}),
             full)
        .deposit_new_account(22, w.key(carol), w.key(carol), min_deposit - 1, Error::deposit_below_minimum);
  }
  {
    World last = deployed;
    last.contract.next_account_index = u64{1} << 32;
    Scenario(cases.add("deposit_new_account", "invalid_escrow_overflow_before_accounts_exhausted",
                       "next_account_index = 2^32 (a hand-made pre-state) and a deposit of UINT64_MAX - 7999 onto the "
                       "escrow of 8000: ZK-BRIDGE-2 is checked before ZK-BRIDGE-4",
                       {"ZK-BRIDGE-2"}),
             last)
        .deposit_new_account(22, w.key(carol), w.key(carol), u64_max - 7999, Error::escrow_overflow);
    Scenario(cases.add("deposit_new_account", "invalid_accounts_exhausted_before_owner_off_curve",
                       "next_account_index = 2^32 (a hand-made pre-state) and an owner off the curve: ZK-BRIDGE-4 is "
                       "checked before ZK-BRIDGE-5",
                       {"ZK-BRIDGE-4"}),
             last)
        .deposit_new_account(22, w.key(carol), off_curve_key(), 700, Error::accounts_exhausted);
  }
  {
    // A deployment whose expiry E = UINT64_MAX: height + E saturates.
    zk::ZkConfig config = default_config();
    config.priority_expiry_blocks = u64_max;
    Scenario(cases.add("deposit_new_account", "expiry_height_saturates",
                       "a deployment with priority_expiry_blocks UINT64_MAX; carol's deposit at 2 gets expiry_height "
                       "min(2 + UINT64_MAX, UINT64_MAX) = UINT64_MAX",
                       concat({rule_range("ZK-DEPLOY", 1, 6), new_account_deposit_rules()})))
        .deploy(deploy_height, w.deploy_input(config, default_key()))
        .deposit_new_account(2, w.key(carol), w.key(carol), 700);
  }
  Scenario(cases.add("deposit_top_up", "invalid_escrow_overflow_before_unknown_account",
                     "a top-up of account 3 = next_account_index with UINT64_MAX - 7999 onto the escrow of 8000: "
                     "ZK-BRIDGE-2 is checked before ZK-BRIDGE-3",
                     {"ZK-BRIDGE-2"}),
           executed, "executed")
      .deposit_top_up(33, w.key(carol), carol_account, u64_max - 7999, Error::escrow_overflow);
  Scenario(cases.add("request_forced_withdrawal", "invalid_expired_before_fee",
                     "bob's request paying 9 = fee - 1 at 80, alice's request's expiry height: ZK-LIVE-2 is checked before "
                     "ZK-FWQ-1",
                     {"ZK-LIVE-2"}),
           forced, "forced_requested")
      .request(request_expiry, w.key(bob), bob_account, w.key(bob), forced_withdrawal_fee - 1, Error::priority_expired);
  Scenario(cases.add("request_forced_withdrawal", "invalid_fee_before_unknown_account",
                     "a request for account 3 = next_account_index paying 9 = fee - 1: ZK-FWQ-1 is checked before ZK-FWQ-2",
                     {"ZK-FWQ-1"}),
           executed, "executed")
      .request(request_height, w.key(carol), carol_account, w.key(carol), forced_withdrawal_fee - 1,
               Error::forced_withdrawal_fee);
}

}  // namespace l2::vectors::zk_rollup_vectors
