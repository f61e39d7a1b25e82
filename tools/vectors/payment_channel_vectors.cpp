// Vectors for two-party payment channels: every op runs on the adjudicator state of
// l2/ref/payment_channel.hpp. Cases start from an empty adjudicator and build the channel step by
// step, with heights chosen so that every boundary (timeout, dispute deadline) is hit at -1, 0 and
// +1. Keys derive from the case seed; the reference signs at generation time.
// spec: payment_channel.md
#include <boost/hana.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "l2/inv/payment_channel_model.hpp"
#include "l2/opt/payment_channel_hub.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/vectors/counterexample.hpp"
#include "l2/vectors/payment_channel_scenario.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors {
namespace payment_channel_vectors {

namespace payment_channel = ref::payment_channel;
using payment_channel::Adjudicator;
using payment_channel::OffChainTransaction;
using Error = ChannelError;

constexpr std::string_view mechanism_name = "payment_channel";
constexpr u64 chain_id = 1;

// ---- Op handlers: derived from the operations table. The optimized engine is the channel hub
// (l2/opt/payment_channel_hub.hpp), the model engine the Z3 model (l2/inv/payment_channel_model.hpp).

namespace model = inv::payment_channel;

// The hub loads the pre-state, processes the one item and exports the adjudicator; the model
// engine runs the step through the Z3 model (payment_channel_scenario.hpp's channel_step).
template <Impl impl>
struct ChannelEngine {
  template <class Op>
  StepResult operator()(std::type_identity<Op>, const Adjudicator& state, const typename Op::Input& in, u64 height) const {
    return payment_channel_scenario::channel_step<Op>(impl, state, in, height, [](const Adjudicator& post) {
      return StepResult{true, Outcome::ok(codec::to_json(post), to_hex(payment_channel::state_root(post)))};
    });
  }
};

std::vector<OpHandler> ops() {
  const std::function<Hash32(const Adjudicator&)> root = payment_channel::state_root;
  std::vector<OpHandler> list;
  // The hub starts from a deployed adjudicator; it has no engine for deploy (payment_channel.md#guarantees).
  list.push_back(deploy_op<payment_channel::DeployInput, Adjudicator, Error>(payment_channel::deploy, root, nullptr, [](const payment_channel::DeployInput& in) {
    return payment_channel_scenario::channel_model_deploy(in, [](const Adjudicator& deployed) {
      return StepResult{true, Outcome::ok(codec::to_json(deployed), to_hex(payment_channel::state_root(deployed)))};
    });
  }));
  for (OpHandler& handler : table_ops<payment_channel::Operations, Adjudicator>(root, [](u64 height) { return payment_channel::Env{height}; },
                                                                    ChannelEngine<Impl::optimized>{}, ChannelEngine<Impl::model>{}))
    list.push_back(std::move(handler));
  return list;
}

// ---- Cases ----

using payment_channel_scenario::default_config;

using payment_channel_scenario::Digest;
using payment_channel_scenario::open_height;
using payment_channel_scenario::fund_height;
using payment_channel_scenario::timeout_height;
using payment_channel_scenario::force_height;
using payment_channel_scenario::deadline;

// One case under construction: its keys (participants 0 and 1, and an outsider 2) and steps.
class Scenario {
 public:
  Scenario(CaseSpec& spec, const payment_channel::Layer2Config& config) : spec_(spec), keys_(spec.seed) {
    const Adjudicator empty = payment_channel_scenario::empty_adjudicator(spec.seed, config);
    adjudicator_id_ = empty.adjudicator_id;
    spec.pre_state = codec::to_json(empty);
  }

  const Hash32& pubkey(std::size_t i) const { return keys_.pubkey(i); }
  Hash32 id(u64 nonce = 0) const { return payment_channel::channel_id(chain_id, adjudicator_id_, {pubkey(0), pubkey(1)}, nonce); }

  Scenario& step(std::string op, u64 height, json input) {
    spec_.steps.push_back(Step{std::move(op), height, std::move(input)});
    return *this;
  }
  // The open of channel `nonce` between participants 0 and 1, its opening state signed by both.
  payment_channel::OpenInput opening(std::array<u64, 2> balances, u64 capacity, u64 nonce = 0) const {
    const Hash32 d = payment_channel::state_digest(chain_id, id(nonce), 0, balances);
    return payment_channel::OpenInput{{pubkey(0), pubkey(1)}, balances, capacity, nonce, {sign(0, d), sign(1, d)}};
  }
  Scenario& open(u64 height, std::array<u64, 2> balances, u64 capacity, u64 nonce = 0) {
    capacity_[nonce] = capacity;
    return step("open", height, codec::to_json(opening(balances, capacity, nonce)));
  }
  // open at 100 and fund at 101: an Active channel with balances 6000 / 4000.
  Scenario& open_and_fund(u64 nonce = 0) {
    open(open_height, {6000, 4000}, 10000, nonce);
    return fund(fund_height, nonce);
  }
  // Pays the capacity the channel was opened with (or `value`).
  Scenario& fund(u64 height, u64 nonce = 0, std::optional<u64> value = std::nullopt) {
    return step("fund", height, codec::to_json(payment_channel::FundInput{id(nonce), value.value_or(capacity_[nonce])}));
  }
  Scenario& ref_op(std::string op, u64 height, u64 nonce = 0) {
    return step(std::move(op), height, codec::to_json(payment_channel::ChannelRef{id(nonce)}));
  }

  Hash32 digest(Digest kind, u64 chain, const Hash32& channel, u64 sequence, std::array<u64, 2> balances) const {
    return kind == Digest::close ? payment_channel::close_digest(chain, channel, sequence, balances)
                                 : payment_channel::state_digest(chain, channel, sequence, balances);
  }
  payment_channel::Signature sign(std::size_t signer, const Hash32& digest) const {
    return keys_.sign(signer, digest);
  }
  // A state of channel `nonce` signed by both participants.
  OffChainTransaction cosigned(u64 sequence, std::array<u64, 2> balances, Digest kind = Digest::state, u64 nonce = 0) const {
    const Hash32 d = digest(kind, chain_id, id(nonce), sequence, balances);
    return OffChainTransaction{id(nonce), sequence, balances, {sign(0, d), sign(1, d)}};
  }
  Scenario& signed_step(std::string op, u64 height, const OffChainTransaction& tx) {
    return step(std::move(op), height, codec::to_json(tx));
  }
  // An open between keys `who` (participants in that order) whose signature slots are made by
  // `signers` over the opening state of `balances`: an honest open has signers == who.
  payment_channel::OpenInput opening_by(std::array<std::size_t, 2> who, std::array<std::size_t, 2> signers, std::array<u64, 2> balances,
                           u64 capacity, u64 nonce) const {
    const std::array<Hash32, 2> participants{pubkey(who[0]), pubkey(who[1])};
    const Hash32 d = payment_channel::state_digest(chain_id, payment_channel::channel_id(chain_id, adjudicator_id_, participants, nonce), 0, balances);
    return payment_channel::OpenInput{participants, balances, capacity, nonce, {sign(signers[0], d), sign(signers[1], d)}};
  }

 private:
  CaseSpec& spec_;
  payment_channel_scenario::Keys<4> keys_;
  Hash32 adjudicator_id_{};
  std::map<u64, u64> capacity_;  // nonce -> the capacity its open declared
};

class CaseList {
 public:
  Scenario add(std::string suite, std::string name, std::string description, std::vector<std::string> rules,
               const payment_channel::Layer2Config& config = default_config()) {
    return Scenario(book_.add(std::move(suite), std::move(name), std::move(description), std::move(rules)), config);
  }
  // A case with no pre-state whose one step deploys `config`, on the adjudicator id other cases use.
  CaseSpec& deploy(std::string name, std::string description, std::vector<std::string> rules, const payment_channel::Layer2Config& config) {
    CaseSpec& spec = book_.add("deploy", std::move(name), std::move(description), std::move(rules));
    const payment_channel::Adjudicator empty = payment_channel_scenario::empty_adjudicator(spec.seed, config);
    spec.steps.push_back(Step{"deploy", 1, codec::to_json(payment_channel::DeployInput{empty.chain_id, empty.adjudicator_id, config})});
    return spec;
  }
  void mark_adversarial(std::string attack, std::string party) { book_.mark_adversarial(std::move(attack), std::move(party)); }
  std::vector<CaseSpec> take() { return book_.take(); }

 private:
  CaseBook book_{std::string(mechanism_name)};  // stable addresses while Scenarios point at them
};

// Every deployment rule at its boundary: the bound itself, one below and one above.
void deploy_cases(CaseList& cases) {
  const std::vector<std::string> all_rules = {"PC-DEPLOY-1", "PC-DEPLOY-2", "PC-DEPLOY-3",
                                              "PC-DEPLOY-4", "PC-DEPLOY-5", "PC-DEPLOY-6"};
  cases.deploy("basic", "the vectors' configuration: bound 6, dispute period 144, timeout 1000, capacities 1000..1000000, "
               "2 channels per user, allocation window 100", all_rules, default_config());
  // The smallest working configuration: every window one block above a bound of one block.
  payment_channel::Layer2Config tight{1, 2, 2, 1, 1, 1, 2};
  cases.deploy("smallest_windows", "censorship bound 1, every window 2, capacity exactly 1, one channel per user", all_rules,
               tight);
  auto with = [](payment_channel::Layer2Config config, auto edit) {
    edit(config);
    return config;
  };
  const payment_channel::Layer2Config base = default_config();
  cases.deploy("invalid_censorship_bound_0", "censorship_bound_blocks 0 states an L1 that includes nothing",
               {"PC-DEPLOY-1"}, with(base, [](auto& c) { c.censorship_bound_blocks = 0; }));
  cases.deploy("invalid_dispute_period_at_bound", "dispute_period_blocks == censorship_bound_blocks: an honest answer "
               "may land at the deadline", {"PC-DEPLOY-2"}, with(base, [](auto& c) { c.dispute_period_blocks = 6; }));
  cases.deploy("invalid_dispute_period_below_bound", "dispute_period_blocks = censorship_bound_blocks - 1",
               {"PC-DEPLOY-2"}, with(base, [](auto& c) { c.dispute_period_blocks = 5; }));
  cases.deploy("invalid_dispute_period_0", "dispute_period_blocks 0: no dispute window at all", {"PC-DEPLOY-2"},
               with(base, [](auto& c) { c.dispute_period_blocks = 0; }));
  cases.deploy("dispute_period_one_above_bound", "dispute_period_blocks = censorship_bound_blocks + 1", {"PC-DEPLOY-2"},
               with(base, [](auto& c) { c.dispute_period_blocks = 7; }));
  cases.deploy("invalid_channel_timeout_at_bound", "channel_timeout_blocks == censorship_bound_blocks", {"PC-DEPLOY-3"},
               with(base, [](auto& c) { c.channel_timeout_blocks = 6; }));
  cases.deploy("channel_timeout_one_above_bound", "channel_timeout_blocks = censorship_bound_blocks + 1", {"PC-DEPLOY-3"},
               with(base, [](auto& c) { c.channel_timeout_blocks = 7; }));
  cases.deploy("invalid_min_capacity_0", "min_channel_capacity 0 admits zero-value channels", {"PC-DEPLOY-4"},
               with(base, [](auto& c) { c.min_channel_capacity = 0; }));
  cases.deploy("min_capacity_equals_max", "a single allowed capacity", {"PC-DEPLOY-4"},
               with(base, [](auto& c) { c.min_channel_capacity = c.max_channel_capacity; }));
  cases.deploy("invalid_min_capacity_above_max", "min_channel_capacity = max_channel_capacity + 1: no capacity fits",
               {"PC-DEPLOY-4"}, with(base, [](auto& c) { c.min_channel_capacity = c.max_channel_capacity + 1; }));
  cases.deploy("invalid_channel_limit_0", "max_channels_per_user 0 refuses every channel", {"PC-DEPLOY-5"},
               with(base, [](auto& c) { c.max_channels_per_user = 0; }));
  cases.deploy("invalid_allocation_window_at_bound", "allocation_window_blocks == censorship_bound_blocks",
               {"PC-DEPLOY-6"}, with(base, [](auto& c) { c.allocation_window_blocks = 6; }));
  cases.deploy("allocation_window_one_above_bound", "allocation_window_blocks = censorship_bound_blocks + 1",
               {"PC-DEPLOY-6"}, with(base, [](auto& c) { c.allocation_window_blocks = 7; }));
  {
    CaseSpec& spec = cases.deploy("then_open", "deploy, then open and fund a channel on the new adjudicator",
                                  {"PC-DEPLOY-1", "PC-OPEN-1", "PC-SIG-1", "PC-SIG-2", "PC-FUND-3"}, base);
    Scenario probe(spec, base);  // keys and ids of this case; deploy cases keep no pre-state
    spec.pre_state = nullptr;
    const payment_channel::OpenInput open = probe.opening({6000, 4000}, 10000);
    spec.steps.push_back(Step{"open", open_height, codec::to_json(open)});
    spec.steps.push_back(Step{"fund", fund_height, codec::to_json(payment_channel::FundInput{probe.id(), 10000})});
  }
  {
    CaseSpec& spec = cases.deploy("malformed_missing_field", "a configuration without censorship_bound_blocks",
                                  {"PC-DEPLOY-1"}, base);
    spec.steps.back().input["config"].erase("censorship_bound_blocks");
  }
}

void open_cases(CaseList& cases) {
  cases.add("open", "basic", "open a 10000 channel split 6000 / 4000, the opening state signed by both",
            {"PC-OPEN-1", "PC-OPEN-2", "PC-OPEN-3", "PC-OPEN-4", "PC-OPEN-5", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"})
      .open(open_height, {6000, 4000}, 10000);
  {
    auto s = cases.add("open", "invalid_signature_0_missing", "participant 0's slot signed by an outsider", {"PC-SIG-1"});
    s.step("open", open_height, codec::to_json(s.opening_by({0, 1}, {2, 1}, {6000, 4000}, 10000, 0)));
  }
  {
    auto s = cases.add("open", "invalid_signature_1_missing", "participant 1's slot signed by participant 0", {"PC-SIG-2"});
    s.step("open", open_height, codec::to_json(s.opening_by({0, 1}, {0, 0}, {6000, 4000}, 10000, 0)));
  }
  {
    auto s = cases.add("open", "invalid_signed_other_balances", "both signed 5000 / 5000; the open says 6000 / 4000",
                       {"PC-SIG-1"});
    payment_channel::OpenInput open = s.opening({5000, 5000}, 10000);
    open.balances = {6000, 4000};
    s.step("open", open_height, codec::to_json(open));
  }
  {
    auto s = cases.add("open", "invalid_signed_sequence_1", "both signed the state with sequence 1, not the opening state",
                       {"PC-SIG-1"});
    payment_channel::OpenInput open = s.opening({6000, 4000}, 10000);
    const Hash32 d = payment_channel::state_digest(chain_id, s.id(), 1, {6000, 4000});
    open.signatures = {s.sign(0, d), s.sign(1, d)};
    s.step("open", open_height, codec::to_json(open));
  }
  {
    auto s = cases.add("open", "invalid_signed_other_nonce", "the signatures of the opening of nonce 1 on nonce 2",
                       {"PC-SIG-1"});
    payment_channel::OpenInput open = s.opening({6000, 4000}, 10000, 1);
    open.nonce = 2;
    s.step("open", open_height, codec::to_json(open));
  }
  cases.add("open", "capacity_at_min", "capacity exactly min_channel_capacity (1000) is accepted", {"PC-OPEN-2"})
      .open(open_height, {1000, 0}, 1000);
  cases.add("open", "capacity_at_max", "capacity exactly max_channel_capacity is accepted", {"PC-OPEN-3"})
      .open(open_height, {0, 1'000'000}, 1'000'000);
  cases.add("open", "invalid_capacity_below_min", "capacity min_channel_capacity - 1", {"PC-OPEN-2"})
      .open(open_height, {999, 0}, 999);
  cases.add("open", "invalid_capacity_above_max", "capacity max_channel_capacity + 1", {"PC-OPEN-3"})
      .open(open_height, {1'000'000, 1}, 1'000'001);
  cases.add("open", "invalid_balances_above_capacity", "balances sum to capacity + 1", {"PC-BAL-2"})
      .open(open_height, {6001, 4000}, 10000);
  cases.add("open", "invalid_balances_below_capacity", "balances sum to capacity - 1", {"PC-BAL-2"})
      .open(open_height, {5999, 4000}, 10000);
  {
    auto s = cases.add("open", "invalid_same_participants", "a channel with oneself", {"PC-OPEN-1"});
    s.step("open", open_height, codec::to_json(s.opening_by({0, 0}, {0, 0}, {6000, 4000}, 10000, 0)));
  }
  cases.add("open", "limit_reached_exactly", "two channels between the same keys: exactly max_channels_per_user",
            {"PC-OPEN-4", "PC-OPEN-5"})
      .open(open_height, {6000, 4000}, 10000, 1)
      .open(open_height, {6000, 4000}, 10000, 2);
  cases.add("open", "invalid_too_many_channels", "a third live channel when max_channels_per_user is 2", {"PC-OPEN-4"})
      .open(open_height, {6000, 4000}, 10000, 1)
      .open(open_height, {6000, 4000}, 10000, 2)
      .open(open_height, {6000, 4000}, 10000, 3);
  {
    auto s = cases.add("open", "settled_channel_frees_a_slot",
                       "after one of two channels settles cooperatively, a new one fits under the limit",
                       {"PC-OPEN-4", "PC-COOP-1", "PC-COOP-2"});
    s.open_and_fund(1).open(open_height, {6000, 4000}, 10000, 2);
    s.signed_step("cooperative_close", 110, s.cosigned(1, {5000, 5000}, Digest::close, 1));
    s.open(111, {6000, 4000}, 10000, 3);
  }
  {
    auto s = cases.add("open", "other_keys_at_the_limit_do_not_count",
                       "keys 0 and 1 hold max_channels_per_user = 2 channels; keys 2 and 3 still open one: the limit "
                       "counts each participant's own live channels",
                       {"PC-OPEN-4", "PC-OPEN-5", "PC-SIG-1", "PC-SIG-2"});
    s.open(open_height, {6000, 4000}, 10000, 1).open(open_height, {6000, 4000}, 10000, 2);
    s.step("open", open_height, codec::to_json(s.opening_by({2, 3}, {2, 3}, {500, 500}, 1000, 7)));
  }
  {
    auto s = cases.add("open", "invalid_one_participant_at_the_limit",
                       "key 0 holds two channels with key 1; a channel of key 0 with the fresh key 2 is over key 0's "
                       "limit",
                       {"PC-OPEN-4"});
    s.open(open_height, {6000, 4000}, 10000, 1).open(open_height, {6000, 4000}, 10000, 2);
    s.step("open", open_height, codec::to_json(s.opening_by({2, 0}, {2, 0}, {500, 500}, 1000, 7)));
  }
  cases.add("open", "invalid_duplicate_channel", "the same participants and nonce twice", {"PC-OPEN-5"})
      .open(open_height, {6000, 4000}, 10000, 9)
      .open(open_height + 1, {6000, 4000}, 10000, 9);
  {
    auto s = cases.add("open", "malformed_short_key", "a 31-byte participant key", {"PC-OPEN-1"});
    json input = codec::to_json(s.opening({6000, 4000}, 10000));
    input["participants"][0] = input["participants"][0].get<std::string>().substr(2);
    s.step("open", open_height, input);
  }
}

void fund_cases(CaseList& cases) {
  cases.add("fund", "basic", "pay exactly the capacity into an Opening channel at the next block",
            {"PC-CHAN-1", "PC-FUND-1", "PC-FUND-2", "PC-FUND-3"})
      .open_and_fund();
  cases.add("fund", "invalid_value_capacity_minus_1", "pay capacity - 1", {"PC-FUND-3"})
      .open(open_height, {6000, 4000}, 10000)
      .fund(fund_height, 0, 9999);
  cases.add("fund", "invalid_value_capacity_plus_1", "pay capacity + 1", {"PC-FUND-3"})
      .open(open_height, {6000, 4000}, 10000)
      .fund(fund_height, 0, 10001);
  cases.add("fund", "invalid_value_zero", "report a funding without paying anything", {"PC-FUND-3"})
      .open(open_height, {6000, 4000}, 10000)
      .fund(fund_height, 0, 0);
  cases.add("fund", "last_block_before_timeout", "funding confirmed at timeout_height - 1", {"PC-FUND-2"})
      .open(open_height, {6000, 4000}, 10000)
      .fund(timeout_height - 1);
  cases.add("fund", "invalid_at_timeout", "funding confirmed at timeout_height", {"PC-FUND-2"})
      .open(open_height, {6000, 4000}, 10000)
      .fund(timeout_height);
  cases.add("fund", "invalid_already_active", "a second funding confirmation", {"PC-FUND-1"}).open_and_fund().fund(102);
  cases.add("fund", "invalid_unknown_channel", "funding a channel that was never opened", {"PC-CHAN-1"}).fund(fund_height);
}

void update_cases(CaseList& cases) {
  {
    auto s = cases.add("update", "basic", "register sequence 1 with balances 5000 / 5000",
                       {"PC-UPD-1", "PC-UPD-2", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"});
    s.open_and_fund().signed_step("update", 110, s.cosigned(1, {5000, 5000}));
  }
  {
    auto s = cases.add("update", "sequence_gap", "sequence 1 then 7: any strictly higher sequence is accepted", {"PC-UPD-2"});
    s.open_and_fund().signed_step("update", 110, s.cosigned(1, {5000, 5000})).signed_step("update", 111, s.cosigned(7, {0, 10000}));
  }
  {
    auto s = cases.add("update", "invalid_equal_sequence", "sequence 3 registered twice", {"PC-UPD-2"});
    s.open_and_fund().signed_step("update", 110, s.cosigned(3, {5000, 5000})).signed_step("update", 111, s.cosigned(3, {1, 9999}));
  }
  {
    auto s = cases.add("update", "invalid_lower_sequence", "sequence 2 after sequence 3", {"PC-UPD-2"});
    s.open_and_fund().signed_step("update", 110, s.cosigned(3, {5000, 5000})).signed_step("update", 111, s.cosigned(2, {1, 9999}));
  }
  {
    auto s = cases.add("update", "invalid_sum_capacity_plus_1", "co-signed balances summing to capacity + 1", {"PC-BAL-2"});
    s.open_and_fund().signed_step("update", 110, s.cosigned(1, {5001, 5000}));
  }
  {
    auto s = cases.add("update", "invalid_sum_capacity_minus_1", "co-signed balances summing to capacity - 1", {"PC-BAL-2"});
    s.open_and_fund().signed_step("update", 110, s.cosigned(1, {4999, 5000}));
  }
  {
    auto s = cases.add("update", "invalid_not_active", "an update before funding", {"PC-UPD-1"});
    s.open(open_height, {6000, 4000}, 10000).signed_step("update", 110, s.cosigned(1, {5000, 5000}));
  }
  {
    auto s = cases.add("update", "invalid_unknown_channel", "an update for a channel id that is not registered", {"PC-CHAN-1"});
    s.open_and_fund().signed_step("update", 110, s.cosigned(1, {5000, 5000}, Digest::state, 5));
  }
  {
    auto s = cases.add("update", "invalid_flipped_signature_0", "one bit of signature 0 flipped", {"PC-SIG-1"});
    OffChainTransaction tx = s.cosigned(1, {5000, 5000});
    tx.signatures[0][63] ^= 0x01;
    s.open_and_fund().signed_step("update", 110, tx);
  }
  {
    auto s = cases.add("update", "invalid_flipped_signature_1", "one bit of signature 1 flipped", {"PC-SIG-2"});
    OffChainTransaction tx = s.cosigned(1, {5000, 5000});
    tx.signatures[1][5] ^= 0x80;
    s.open_and_fund().signed_step("update", 110, tx);
  }
  {
    auto s = cases.add("update", "invalid_signatures_over_other_balances",
                       "signatures of 5000 / 5000 attached to 9000 / 1000", {"PC-SIG-1"});
    OffChainTransaction tx = s.cosigned(1, {5000, 5000});
    tx.new_balances = {9000, 1000};
    s.open_and_fund().signed_step("update", 110, tx);
  }
  {
    auto s = cases.add("update", "malformed_short_signature", "a 63-byte signature", {"PC-SIG-1"});
    json input = codec::to_json(s.cosigned(1, {5000, 5000}));
    input["signatures"][0] = input["signatures"][0].get<std::string>().substr(2);
    s.open_and_fund().step("update", 110, input);
  }
}

void close_cases(CaseList& cases) {
  {
    auto s = cases.add("cooperative_close", "basic", "both sign a close at sequence 2; the channel settles at once",
                       {"PC-COOP-1", "PC-COOP-2", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"});
    s.open_and_fund().signed_step("update", 110, s.cosigned(1, {5000, 5000}));
    s.signed_step("cooperative_close", 111, s.cosigned(2, {2500, 7500}, Digest::close));
  }
  {
    auto s = cases.add("cooperative_close", "during_dispute",
                       "a force-close on sequence 1, then both sign a close at sequence 2 before the deadline",
                       {"PC-COOP-1", "PC-COOP-2", "PC-SIG-1", "PC-SIG-2"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}));
    s.signed_step("cooperative_close", force_height + 1, s.cosigned(2, {5000, 5000}, Digest::close));
  }
  {
    auto s = cases.add("cooperative_close", "during_dispute_after_deadline",
                       "a disputing channel past its deadline, not yet settled, closed cooperatively",
                       {"PC-COOP-1", "PC-COOP-2"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}));
    s.signed_step("cooperative_close", deadline + 10, s.cosigned(2, {5000, 5000}, Digest::close));
  }
  {
    auto s = cases.add("cooperative_close", "invalid_during_dispute_stale", "a close at the disputed sequence",
                       {"PC-COOP-2"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}));
    s.signed_step("cooperative_close", force_height + 1, s.cosigned(1, {5000, 5000}, Digest::close));
  }
  {
    auto s = cases.add("cooperative_close", "invalid_unknown_channel",
                       "a close of a channel id that is not registered, beside an Active channel", {"PC-CHAN-1"});
    s.open_and_fund().signed_step("cooperative_close", 111, s.cosigned(2, {2500, 7500}, Digest::close, 5));
  }
  {
    auto s = cases.add("cooperative_close", "invalid_not_active", "closing an unfunded channel", {"PC-COOP-1"});
    s.open(open_height, {6000, 4000}, 10000).signed_step("cooperative_close", 110, s.cosigned(1, {6000, 4000}, Digest::close));
  }
  {
    auto s = cases.add("cooperative_close", "invalid_after_settled", "a second close of a settled channel", {"PC-COOP-1"});
    s.open_and_fund().signed_step("cooperative_close", 110, s.cosigned(1, {6000, 4000}, Digest::close));
    s.signed_step("cooperative_close", 111, s.cosigned(2, {0, 10000}, Digest::close));
  }
  {
    auto s = cases.add("cooperative_close", "invalid_stale_sequence", "a close at the registered sequence 3", {"PC-COOP-2"});
    s.open_and_fund().signed_step("update", 110, s.cosigned(3, {5000, 5000}));
    s.signed_step("cooperative_close", 111, s.cosigned(3, {5000, 5000}, Digest::close));
  }

  {
    auto s = cases.add("force_close", "basic", "participant 0 publishes sequence 1; the deadline is 200 + 144",
                       {"PC-FORCE-1", "PC-FORCE-2", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}));
  }
  {
    auto s = cases.add("force_close", "invalid_unknown_channel",
                       "a force-close of a channel id that is not registered, beside an Active channel", {"PC-CHAN-1"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}, Digest::state, 5));
  }
  {
    auto s = cases.add("force_close", "registered_sequence", "force-close on the state registered by update", {"PC-FORCE-2"});
    s.open_and_fund().signed_step("update", 110, s.cosigned(4, {7000, 3000}));
    s.signed_step("force_close", force_height, s.cosigned(4, {7000, 3000}));
  }
  {
    auto s = cases.add("force_close", "invalid_below_registered", "sequence 3 published after sequence 4 was registered",
                       {"PC-FORCE-2"});
    s.open_and_fund().signed_step("update", 110, s.cosigned(4, {7000, 3000}));
    s.signed_step("force_close", force_height, s.cosigned(3, {9000, 1000}));
  }
  {
    auto s = cases.add("force_close", "invalid_not_active", "force-closing an unfunded channel", {"PC-FORCE-1"});
    s.open(open_height, {6000, 4000}, 10000).signed_step("force_close", force_height, s.cosigned(0, {6000, 4000}));
  }
  {
    auto s = cases.add("force_close", "invalid_twice", "a second force-close during the dispute", {"PC-FORCE-1"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}));
    s.signed_step("force_close", force_height + 1, s.cosigned(2, {3000, 7000}));
  }
}

void dispute_cases(CaseList& cases) {
  {
    auto s = cases.add("challenge", "invalid_unknown_channel",
                       "a challenge naming a channel id that is not registered, while another channel is disputed",
                       {"PC-CHAN-1"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}));
    s.signed_step("challenge", force_height + 1, s.cosigned(2, {3000, 7000}, Digest::state, 5));
  }
  {
    auto s = cases.add("challenge", "basic", "sequence 2 answers a published sequence 1",
                       {"PC-CHAL-1", "PC-CHAL-2", "PC-CHAL-3", "PC-BAL-1", "PC-BAL-2", "PC-SIG-1", "PC-SIG-2"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}));
    s.signed_step("challenge", force_height + 1, s.cosigned(2, {3000, 7000}));
  }
  {
    auto s = cases.add("challenge", "invalid_not_disputing", "a challenge of an Active channel", {"PC-CHAL-1"});
    s.open_and_fund().signed_step("challenge", 110, s.cosigned(2, {3000, 7000}));
  }
  {
    auto s = cases.add("challenge", "invalid_equal_sequence", "a challenge with the disputed sequence", {"PC-CHAL-3"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}));
    s.signed_step("challenge", force_height + 1, s.cosigned(1, {3000, 7000}));
  }
  {
    auto s = cases.add("challenge", "invalid_bad_signature_1", "a challenge whose second signature is from another state",
                       {"PC-SIG-2"});
    OffChainTransaction tx = s.cosigned(2, {3000, 7000});
    tx.signatures[1] = s.cosigned(3, {3000, 7000}).signatures[1];
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}));
    s.signed_step("challenge", force_height + 1, tx);
  }

  {
    auto s = cases.add("settle", "at_deadline", "settle at exactly dispute_deadline pays the disputed state",
                       {"PC-SETTLE-1", "PC-SETTLE-2"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}));
    s.ref_op("settle", deadline);
  }
  {
    auto s = cases.add("settle", "invalid_one_block_early", "settle at dispute_deadline - 1", {"PC-SETTLE-2"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}));
    s.ref_op("settle", deadline - 1);
  }
  cases.add("settle", "invalid_not_disputing", "settle an Active channel", {"PC-SETTLE-1"}).open_and_fund().ref_op("settle", deadline);
  {
    auto s = cases.add("settle", "invalid_twice", "settle an already settled channel", {"PC-SETTLE-1"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}));
    s.ref_op("settle", deadline).ref_op("settle", deadline + 1);
  }
  cases.add("settle", "invalid_unknown_channel", "settle a channel that was never opened", {"PC-CHAN-1"}).ref_op("settle", deadline);

  cases.add("timeout", "invalid_unknown_channel", "a timeout of a channel id that is not registered, beside an open one",
            {"PC-CHAN-1"})
      .open(open_height, {6000, 4000}, 10000)
      .ref_op("timeout", timeout_height, 5);
  cases.add("timeout", "opening_to_closed", "an unfunded channel closes at timeout_height", {"PC-TIMEOUT-1", "PC-TIMEOUT-2"})
      .open(open_height, {6000, 4000}, 10000)
      .ref_op("timeout", timeout_height);
  cases.add("timeout", "active_to_dispute_then_settle",
            "participant 1 alone: timeout at timeout_height, settle at timeout_height + 144",
            {"PC-TIMEOUT-1", "PC-TIMEOUT-2", "PC-SETTLE-1", "PC-SETTLE-2"})
      .open_and_fund()
      .ref_op("timeout", timeout_height)
      .ref_op("settle", timeout_height + 144);
  cases.add("timeout", "invalid_one_block_early", "timeout at timeout_height - 1", {"PC-TIMEOUT-2"})
      .open_and_fund()
      .ref_op("timeout", timeout_height - 1);
  {
    auto s = cases.add("timeout", "invalid_disputing", "timeout of a channel already in dispute", {"PC-TIMEOUT-1"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {7000, 3000}));
    s.ref_op("timeout", timeout_height);
  }
  cases.add("timeout", "invalid_closed", "timeout of a closed channel", {"PC-TIMEOUT-1"})
      .open(open_height, {6000, 4000}, 10000)
      .ref_op("timeout", timeout_height)
      .ref_op("timeout", timeout_height + 1);
}

void adversarial_cases(CaseList& cases) {
  {
    auto s = cases.add("adversarial", "unsigned_opening_split_is_refused",
                       "participant 1 opens first with a 1000 / 9000 split participant 0 never signed; the co-signed "
                       "6000 / 4000 opening then registers the channel",
                       {"PC-SIG-1", "PC-OPEN-5"});
    s.step("open", open_height, codec::to_json(s.opening_by({0, 1}, {2, 1}, {1000, 9000}, 10000, 0)));
    s.open(open_height, {6000, 4000}, 10000).fund(fund_height);
    cases.mark_adversarial("opening a channel with a split nobody co-signed (review finding 4)", "participant 1");
  }
  {
    auto s = cases.add("adversarial", "invalid_quota_squatting_without_signature",
                       "an outsider opens a channel naming participant 0 without its signature", {"PC-SIG-1"});
    s.step("open", open_height, codec::to_json(s.opening_by({0, 2}, {2, 2}, {500, 500}, 1000, 5)));
    cases.mark_adversarial("filling a victim's channel quota with opens it never signed (review finding 3)", "outsider");
  }
  {
    auto s = cases.add("adversarial", "quota_squatting_leaves_the_honest_open",
                       "two opens naming participant 0 without its signature are refused, so its two real channels "
                       "still fit under max_channels_per_user = 2",
                       {"PC-SIG-1", "PC-SIG-2", "PC-OPEN-4"});
    s.step("open", open_height, codec::to_json(s.opening_by({0, 2}, {2, 2}, {500, 500}, 1000, 5)));
    s.step("open", open_height, codec::to_json(s.opening_by({2, 0}, {2, 1}, {500, 500}, 1000, 6)));
    s.open(open_height + 1, {6000, 4000}, 10000, 1).open(open_height + 1, {6000, 4000}, 10000, 2);
    cases.mark_adversarial("filling a victim's channel quota with opens it never signed (review finding 3)", "outsider");
  }
  {
    auto s = cases.add("adversarial", "copied_open_registers_the_same_channel",
                       "a copy of the signed open, submitted first, registers exactly the channel the participants "
                       "signed; the original is a harmless duplicate",
                       {"PC-OPEN-5", "PC-SIG-1", "PC-SIG-2"});
    s.open(open_height, {6000, 4000}, 10000).open(open_height, {6000, 4000}, 10000).fund(fund_height);
    cases.mark_adversarial("front-running a signed open", "outsider");
  }
  {
    auto s = cases.add("adversarial", "invalid_reopen_after_settle",
                       "the channel settles cooperatively; its signed opening replayed later cannot register it again",
                       {"PC-OPEN-5"});
    s.open_and_fund().signed_step("cooperative_close", 110, s.cosigned(1, {5000, 5000}, Digest::close));
    s.open(120, {6000, 4000}, 10000);
    cases.mark_adversarial("a signed opening replayed after the channel ended", "participant 1");
  }
  const std::string stale = "a stale-state broadcast";
  {
    auto s = cases.add("adversarial", "stale_force_close_answered_by_challenge",
                       "off chain the parties reached sequence 2; participant 0 publishes sequence 1, participant 1 "
                       "answers with sequence 2, and settle pays sequence 2",
                       {"PC-FORCE-2", "PC-CHAL-2", "PC-CHAL-3", "PC-SETTLE-2"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {9000, 1000}));
    s.signed_step("challenge", 250, s.cosigned(2, {2000, 8000})).ref_op("settle", deadline);
    cases.mark_adversarial(stale + " (e.g. a node restored from an old backup)", "participant 0");
  }
  {
    auto s = cases.add("adversarial", "challenge_one_block_before_deadline",
                       "a challenge included at dispute_deadline - 1 is accepted, and settle at the deadline pays it",
                       {"PC-CHAL-2"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {9000, 1000}));
    s.signed_step("challenge", deadline - 1, s.cosigned(2, {2000, 8000})).ref_op("settle", deadline);
    cases.mark_adversarial(stale + " answered at the last possible block", "participant 0");
  }
  {
    auto s = cases.add("adversarial", "invalid_challenge_at_deadline",
                       "a challenge at exactly dispute_deadline is too late: that height belongs to settle",
                       {"PC-CHAL-2"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {9000, 1000}));
    s.signed_step("challenge", deadline, s.cosigned(2, {2000, 8000}));
    cases.mark_adversarial(stale + " answered in the block where settle is already allowed", "participant 0");
  }
  {
    auto s = cases.add("adversarial", "invalid_challenge_after_deadline", "a challenge at dispute_deadline + 1 is too late",
                       {"PC-CHAL-2"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {9000, 1000}));
    s.signed_step("challenge", deadline + 1, s.cosigned(2, {2000, 8000}));
    cases.mark_adversarial(stale + " answered one block too late", "participant 0");
  }
  {
    auto s = cases.add("adversarial", "repeated_challenges_keep_deadline",
                       "sequences 2, 3, 4 answer in turn; the deadline stays 344 and settle pays sequence 4",
                       {"PC-CHAL-2", "PC-CHAL-3", "PC-SETTLE-2"});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {9000, 1000}));
    s.signed_step("challenge", 300, s.cosigned(2, {8000, 2000}));
    s.signed_step("challenge", 330, s.cosigned(3, {7000, 3000}));
    s.signed_step("challenge", deadline - 1, s.cosigned(4, {1000, 9000})).ref_op("settle", deadline);
    cases.mark_adversarial("griefing by repeated challenges", "both participants");
  }
  {
    auto s = cases.add("adversarial", "invalid_replay_from_other_channel",
                       "a state co-signed for channel nonce 1 submitted to channel nonce 2", {"PC-SIG-1"});
    OffChainTransaction tx = s.cosigned(1, {9000, 1000}, Digest::state, 1);
    tx.channel_id = s.id(2);
    s.open_and_fund(1).open_and_fund(2).signed_step("update", 110, tx);
    cases.mark_adversarial("a signature replayed from another channel", "participant 0");
  }
  {
    auto s = cases.add("adversarial", "invalid_replay_from_other_chain", "a state co-signed under chain_id 2", {"PC-SIG-1"});
    const Hash32 d = s.digest(Digest::state, 2, s.id(), 1, {9000, 1000});
    s.open_and_fund().signed_step("update", 110, OffChainTransaction{s.id(), 1, {9000, 1000}, {s.sign(0, d), s.sign(1, d)}});
    cases.mark_adversarial("a signature replayed from another chain ID", "participant 0");
  }
  {
    auto s = cases.add("adversarial", "invalid_duplicated_signature", "participant 0's signature in both slots", {"PC-SIG-2"});
    const Hash32 d = s.digest(Digest::state, chain_id, s.id(), 1, {9000, 1000});
    s.open_and_fund().signed_step("force_close", force_height, OffChainTransaction{s.id(), 1, {9000, 1000}, {s.sign(0, d), s.sign(0, d)}});
    cases.mark_adversarial("a duplicated signature", "participant 0");
  }
  {
    auto s = cases.add("adversarial", "invalid_wrong_signer", "an outsider signs in participant 1's slot", {"PC-SIG-2"});
    const Hash32 d = s.digest(Digest::state, chain_id, s.id(), 1, {9000, 1000});
    s.open_and_fund().signed_step("update", 110, OffChainTransaction{s.id(), 1, {9000, 1000}, {s.sign(0, d), s.sign(2, d)}});
    cases.mark_adversarial("a signature from the wrong participant", "outsider");
  }
  {
    auto s = cases.add("adversarial", "invalid_swapped_signatures", "both signatures present but in each other's slot",
                       {"PC-SIG-1"});
    const Hash32 d = s.digest(Digest::state, chain_id, s.id(), 1, {9000, 1000});
    s.open_and_fund().signed_step("update", 110, OffChainTransaction{s.id(), 1, {9000, 1000}, {s.sign(1, d), s.sign(0, d)}});
    cases.mark_adversarial("a signature from the wrong participant", "participant 0");
  }
  {
    auto s = cases.add("adversarial", "invalid_state_replayed_as_close",
                       "an old co-signed state (sequence 1) submitted as a cooperative close", {"PC-SIG-1"});
    s.open_and_fund().signed_step("cooperative_close", 110, s.cosigned(1, {9000, 1000}, Digest::state));
    cases.mark_adversarial("a co-signed state replayed as a close to skip the dispute window", "participant 0");
  }
  payment_channel::Layer2Config unbounded = default_config();
  unbounded.max_channel_capacity = u64_max;
  {
    auto s = cases.add("adversarial", "balances_at_uint64_max",
                       "capacity UINT64_MAX: balances UINT64_MAX / 0, then UINT64_MAX - 1 / 1",
                       {"PC-OPEN-3", "PC-BAL-1", "PC-BAL-2"}, unbounded);
    s.open(open_height, {u64_max, 0}, u64_max).fund(fund_height).signed_step("update", 110, s.cosigned(1, {u64_max - 1, 1}));
  }
  {
    auto s = cases.add("adversarial", "invalid_balances_overflow",
                       "co-signed balances UINT64_MAX / 1 would wrap to capacity 0", {"PC-BAL-1"}, unbounded);
    s.open(open_height, {u64_max, 0}, u64_max).fund(fund_height).signed_step("update", 110, s.cosigned(1, {u64_max, 1}));
    cases.mark_adversarial("balances that overflow uint64", "participant 0");
  }
  cases.add("adversarial", "invalid_open_balances_overflow", "open with balances UINT64_MAX / 1 and capacity 0", {"PC-BAL-1"},
            unbounded)
      .open(open_height, {u64_max, 1}, 0);
  cases.mark_adversarial("balances that overflow uint64", "opener");
}

std::vector<CaseSpec> all_cases(Profile) {
  CaseList cases;
  deploy_cases(cases);
  open_cases(cases);
  fund_cases(cases);
  update_cases(cases);
  close_cases(cases);
  dispute_cases(cases);
  adversarial_cases(cases);
  return cases.take();
}

}  // namespace payment_channel_vectors

Mechanism payment_channel_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(payment_channel_vectors::mechanism_name);
  mechanism.ops = payment_channel_vectors::ops();
  mechanism.cases = payment_channel_vectors::all_cases;
  mechanism.shared_states = [](Profile) { return std::vector<SharedState>{}; };
  mechanism.model = inv::payment_channel::registry_entry;
  mechanism.counterexample = counterexample_renderer<ref::payment_channel::Operations, ref::payment_channel::Adjudicator>(
      mechanism.name, ref::payment_channel::state_root);
  mechanism.bench_prefix = "BM_payment_channel";
  return mechanism;
}

}  // namespace l2::vectors
