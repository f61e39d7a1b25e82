// Vectors for two-party payment channels: every op runs on the adjudicator state of
// l2/ref/payment_channel.hpp. Cases start from an empty adjudicator and build the channel step by
// step, with heights chosen so that every boundary (timeout, dispute deadline) is hit at -1, 0 and
// +1. Keys derive from the case seed; the reference signs at generation time.
// spec: payment_channel.md
#include <boost/hana.hpp>

#include <string>
#include <memory>
#include <utility>
#include <vector>

#include "l2/inv/payment_channel_model.hpp"
#include "l2/opt/payment_channel_hub.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/vectors/payment_channel_scenario.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors {
namespace pcv {

namespace pc = ref::payment_channel;
using pc::Adjudicator;
using pc::OffChainTransaction;
using E = ChannelError;

constexpr std::string_view mechanism_name = "payment_channel";
constexpr u64 chain_id = 1;

// ---- Op handlers: the reference, and the optimized channel hub (l2/opt/payment_channel_hub.hpp) ----

// `item` tags the input with its op for the hub, which loads the pre-state, processes the one item
// and exports the adjudicator.
template <class In>
OpHandler op(std::string name, std::string summary,
             std::function<Result<Adjudicator, E>(const Adjudicator&, const In&, const pc::Env&)> apply,
             opt::ChannelItem (*item)(const In&, u64)) {
  return transition_op<Adjudicator, In, E>(
      std::move(name), std::move(summary),
      TransitionFn<Adjudicator, In, E>([apply](const Adjudicator& state, const In& in, u64 height) {
        return apply(state, in, pc::Env{height});
      }),
      TransitionFn<Adjudicator, In, E>([item](const Adjudicator& state, const In& in, u64 height) {
        return opt::apply_item(state, item(in, height));
      }),
      std::function<Hash32(const Adjudicator&)>(pc::state_root));
}

std::vector<OpHandler> ops() {
  using Tx = OffChainTransaction;
  std::vector<OpHandler> list;
  list.push_back(op<pc::OpenInput>("open", "register a channel [PC-OPEN-1..5, PC-BAL-1..2]",
                                   [](const Adjudicator& a, const pc::OpenInput& in, const pc::Env& env) {
                                     return pc::apply_open(a, in, env);
                                   },
                                   opt::ChannelItem::open));
  list.push_back(op<pc::FundInput>("fund", "confirm the funding transaction [PC-CHAN-1, PC-FUND-1..2]",
                                   [](const Adjudicator& a, const pc::FundInput& in, const pc::Env& env) {
                                     return pc::apply_fund(a, in, env);
                                   },
                                   opt::ChannelItem::fund));
  list.push_back(op<Tx>("update", "register a newer co-signed state [PC-UPD-1..2, PC-BAL, PC-SIG]",
                        [](const Adjudicator& a, const Tx& in, const pc::Env& env) { return pc::apply_update(a, in, env); },
                        opt::ChannelItem::update));
  list.push_back(op<Tx>("cooperative_close", "settle at once on a co-signed close [PC-COOP-1..2, PC-BAL, PC-SIG]",
                        [](const Adjudicator& a, const Tx& in, const pc::Env& env) {
                          return pc::apply_cooperative_close(a, in, env);
                        },
                        opt::ChannelItem::cooperative_close));
  list.push_back(op<Tx>("force_close", "publish a co-signed state and open the dispute window [PC-FORCE-1..2]",
                        [](const Adjudicator& a, const Tx& in, const pc::Env& env) { return pc::apply_force_close(a, in, env); },
                        opt::ChannelItem::force_close));
  list.push_back(op<Tx>("challenge", "replace the disputed state with a newer one [PC-CHAL-1..3]",
                        [](const Adjudicator& a, const Tx& in, const pc::Env& env) { return pc::apply_challenge(a, in, env); },
                        opt::ChannelItem::challenge));
  list.push_back(op<pc::ChannelRef>("settle", "pay out a disputed channel after its deadline [PC-SETTLE-1..2]",
                                    [](const Adjudicator& a, const pc::ChannelRef& in, const pc::Env& env) {
                                      return pc::apply_settle(a, in, env);
                                    },
                                    opt::ChannelItem::settle));
  list.push_back(op<pc::ChannelRef>("timeout", "end a channel whose lifetime is over [PC-TIMEOUT-1..2]",
                                    [](const Adjudicator& a, const pc::ChannelRef& in, const pc::Env& env) {
                                      return pc::apply_timeout(a, in, env);
                                    },
                                    opt::ChannelItem::timeout));
  return list;
}

// ---- Cases ----

using pc_scenario::default_config;

using pc_scenario::Digest;
using pc_scenario::open_height;
using pc_scenario::fund_height;
using pc_scenario::timeout_height;
using pc_scenario::force_height;
using pc_scenario::deadline;

// One case under construction: its keys (participants 0 and 1, and an outsider 2) and steps.
class Scenario {
 public:
  Scenario(CaseSpec& spec, const pc::Layer2Config& config) : spec_(spec), keys_(spec.seed) {
    const Adjudicator empty = pc_scenario::empty_adjudicator(spec.seed, config);
    adjudicator_id_ = empty.adjudicator_id;
    spec.pre_state = codec::to_json(empty);
  }

  const Hash32& pubkey(std::size_t i) const { return keys_.pubkey(i); }
  Hash32 id(u64 nonce = 0) const { return pc::channel_id(chain_id, adjudicator_id_, {pubkey(0), pubkey(1)}, nonce); }

  Scenario& step(std::string op, u64 height, json input) {
    spec_.steps.push_back(Step{std::move(op), height, std::move(input)});
    return *this;
  }
  Scenario& open(u64 height, std::array<u64, 2> balances, u64 capacity, u64 nonce = 0) {
    return step("open", height, codec::to_json(pc::OpenInput{{pubkey(0), pubkey(1)}, balances, capacity, nonce}));
  }
  // open at 100 and fund at 101: an Active channel with balances 6000 / 4000.
  Scenario& open_and_fund(u64 nonce = 0) {
    open(open_height, {6000, 4000}, 10000, nonce);
    return fund(fund_height, nonce);
  }
  Scenario& fund(u64 height, u64 nonce = 0) {
    return step("fund", height, codec::to_json(pc::FundInput{id(nonce), ref::tagged_hash("L2/vectors/funding_tx", id(nonce))}));
  }
  Scenario& ref_op(std::string op, u64 height, u64 nonce = 0) {
    return step(std::move(op), height, codec::to_json(pc::ChannelRef{id(nonce)}));
  }

  Hash32 digest(Digest kind, u64 chain, const Hash32& channel, u64 sequence, std::array<u64, 2> balances) const {
    return kind == Digest::close ? pc::close_digest(chain, channel, sequence, balances)
                                 : pc::state_digest(chain, channel, sequence, balances);
  }
  pc::Signature sign(std::size_t signer, const Hash32& digest) const {
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

 private:
  CaseSpec& spec_;
  pc_scenario::Keys<3> keys_;
  Hash32 adjudicator_id_{};
};

class CaseList {
 public:
  Scenario add(std::string suite, std::string name, std::string description, std::vector<std::string> rules,
               const pc::Layer2Config& config = default_config()) {
    return Scenario(book_.add(std::move(suite), std::move(name), std::move(description), std::move(rules)), config);
  }
  void mark_adversarial(std::string attack, std::string party) { book_.mark_adversarial(std::move(attack), std::move(party)); }
  std::vector<CaseSpec> take() { return book_.take(); }

 private:
  pc_scenario::CaseBook book_{std::string(mechanism_name)};  // stable addresses while Scenarios point at them
};

void open_cases(CaseList& cases) {
  cases.add("open", "basic", "open a 10000 channel split 6000 / 4000",
            {"PC-OPEN-1", "PC-OPEN-2", "PC-OPEN-3", "PC-OPEN-4", "PC-OPEN-5", "PC-BAL-1", "PC-BAL-2"})
      .open(open_height, {6000, 4000}, 10000);
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
    s.step("open", open_height, codec::to_json(pc::OpenInput{{s.pubkey(0), s.pubkey(0)}, {6000, 4000}, 10000, 0}));
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
  cases.add("open", "invalid_duplicate_channel", "the same participants and nonce twice", {"PC-OPEN-5"})
      .open(open_height, {6000, 4000}, 10000, 9)
      .open(open_height + 1, {6000, 4000}, 10000, 9);
  {
    auto s = cases.add("open", "malformed_short_key", "a 31-byte participant key", {"PC-OPEN-1"});
    json input = codec::to_json(pc::OpenInput{{s.pubkey(0), s.pubkey(1)}, {6000, 4000}, 10000, 0});
    input["participants"][0] = input["participants"][0].get<std::string>().substr(2);
    s.step("open", open_height, input);
  }
}

void fund_cases(CaseList& cases) {
  cases.add("fund", "basic", "fund an Opening channel at the next block", {"PC-CHAN-1", "PC-FUND-1", "PC-FUND-2"})
      .open_and_fund();
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
  pc::Layer2Config unbounded = default_config();
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
  open_cases(cases);
  fund_cases(cases);
  update_cases(cases);
  close_cases(cases);
  dispute_cases(cases);
  adversarial_cases(cases);
  return cases.take();
}

// ---- The Z3 model as an implementation: `vectors verify --impl model` ----
// Each step is projected onto the model's variables and the solver is asked for the model's
// outcome, then asked to rule out any other; the outcome is lifted back to an adjudicator. The
// abstract signature check takes its value from BIP-340 (libsecp256k1) on the concrete digest.

namespace model = inv::payment_channel;

template <class In>
StepResult model_step(model::Op op, const json& state, const json& input, u64 height) {
  thread_local model::Engine engine(model::Weakening::none, [](const Hash32& key, const Hash32& digest, const pc::Signature& sig) {
    return opt::schnorr::verify(key, digest, sig) == PrimitiveError::none;
  });
  auto decoded_state = codec::from_json<Adjudicator>(state);
  if (!decoded_state.ok()) return StepResult{true, Outcome::malformed("pre-state: " + decoded_state.error().message)};
  auto decoded = codec::from_json<In>(input);
  if (!decoded.ok()) return StepResult{true, Outcome::malformed(decoded.error().message)};
  const model::Engine::Outcome outcome = engine.apply(decoded_state.value(), model::Step{op, decoded.value(), height});
  if (!outcome.problem.empty()) return StepResult{true, Outcome::invalid("MODEL_FAILURE", "", outcome.problem)};
  if (outcome.error != E::none) return StepResult{true, rejection(outcome.error)};
  return StepResult{true, Outcome::ok(codec::to_json(outcome.post), to_hex(pc::state_root(outcome.post)))};
}

StepResult model_apply(model::Op op, const json& state, const json& input, u64 height) {
  switch (op) {
    case model::Op::open: return model_step<pc::OpenInput>(op, state, input, height);
    case model::Op::fund: return model_step<pc::FundInput>(op, state, input, height);
    case model::Op::settle:
    case model::Op::timeout: return model_step<pc::ChannelRef>(op, state, input, height);
    default: return model_step<OffChainTransaction>(op, state, input, height);
  }
}

std::vector<OpHandler> with_model(std::vector<OpHandler> handlers) {
  for (OpHandler& handler : handlers) {
    const auto op = model::parse_op(handler.op);
    if (!op) continue;
    handler.apply = [inner = std::move(handler.apply), op = *op](Impl impl, const json& state, const json& input,
                                                                   u64 height) -> StepResult {
      if (impl != Impl::model) return inner(impl, state, input, height);
      return model_apply(op, state, input, height);
    };
  }
  return handlers;
}

}  // namespace pcv

Mechanism payment_channel_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(pcv::mechanism_name);
  mechanism.ops = pcv::with_model(pcv::ops());
  mechanism.cases = pcv::all_cases;
  mechanism.shared_states = [](Profile) { return std::vector<SharedState>{}; };
  return mechanism;
}

}  // namespace l2::vectors
