// Vectors for the watchtower: every op runs on the WatchtowerWorld of l2/ref/watchtower.hpp (the
// payment-channel adjudicator plus one tower). Cases build a channel step by step, hand the tower
// appointments, and have a counterparty publish stale states; heights are chosen so that the
// dispute deadline is hit at -1, 0 and +1. Keys derive from the case seed; the reference signs at
// generation time. spec: watchtower.md
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "l2/ref/payment_channel.hpp"
#include "l2/ref/watchtower.hpp"
#include "l2/vectors/payment_channel_scenario.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors {
namespace wtv {

namespace pc = ref::payment_channel;
namespace wt = ref::watchtower;
using pc::OffChainTransaction;
using pc_scenario::CaseBook;
using wt::WatchtowerWorld;
using E = WatchtowerError;

constexpr std::string_view mechanism_name = "watchtower";

// ---- Op handlers: reference only for now ----

std::vector<OpHandler> ops() {
  const std::function<Hash32(const WatchtowerWorld&)> root = [](const WatchtowerWorld& world) { return wt::state_root(world); };
  std::vector<OpHandler> list = pc_scenario::embedded_channel_ops<WatchtowerWorld>(root);
  list.push_back(transition_op<WatchtowerWorld, wt::Appointment, E>(
      "appoint", "hand the tower the latest co-signed state [WT-APPT-1..7]",
      TransitionFn<WatchtowerWorld, wt::Appointment, E>(
          [](const WatchtowerWorld& world, const wt::Appointment& in, u64 height) {
            return wt::apply_appoint(world, in, pc::Env{height});
          }),
      nullptr, root));
  list.push_back(transition_op<WatchtowerWorld, pc::ChannelRef, E>(
      "respond", "the tower answers a stale force-close with its appointment [WT-RESP-1..5]",
      TransitionFn<WatchtowerWorld, pc::ChannelRef, E>(
          [](const WatchtowerWorld& world, const pc::ChannelRef& in, u64 height) {
            return wt::apply_respond(world, in, pc::Env{height});
          }),
      nullptr, root));
  return list;
}

// ---- Cases ----

constexpr u64 chain_id = 1;
using pc_scenario::Digest;
using pc_scenario::open_height;
using pc_scenario::fund_height;
using pc_scenario::timeout_height;
using pc_scenario::force_height;
using pc_scenario::deadline;

// One case under construction: keys 0 and 1 are the channel's participants (0 publishes stale
// states, 1 is the tower's client), key 2 an outsider.
class Scenario {
 public:
  Scenario(CaseSpec& spec, const pc::Layer2Config& config = pc_scenario::default_config())
      : spec_(spec), keys_(spec.seed) {
    WatchtowerWorld world{};
    world.adjudicator = pc_scenario::empty_adjudicator(spec.seed, config);
    adjudicator_id_ = world.adjudicator.adjudicator_id;
    spec.pre_state = codec::to_json(world);
  }

  Hash32 id(u64 nonce = 0) const {
    return pc::channel_id(chain_id, adjudicator_id_, {keys_.pubkey(0), keys_.pubkey(1)}, nonce);
  }
  const pc_scenario::Keys<3>& keys() const { return keys_; }

  Scenario& step(std::string op, u64 height, json input) {
    spec_.steps.push_back(Step{std::move(op), height, std::move(input)});
    return *this;
  }
  Scenario& open(u64 height, std::array<u64, 2> balances, u64 capacity, u64 nonce = 0) {
    return step("open", height, codec::to_json(pc::OpenInput{{keys_.pubkey(0), keys_.pubkey(1)}, balances, capacity, nonce}));
  }
  Scenario& fund(u64 height, u64 nonce = 0) {
    return step("fund", height, codec::to_json(pc::FundInput{id(nonce), ref::tagged_hash("L2/vectors/funding_tx", id(nonce))}));
  }
  // open at 100 and fund at 101: an Active channel with balances 6000 / 4000.
  Scenario& open_and_fund(u64 nonce = 0) {
    open(open_height, {6000, 4000}, 10000, nonce);
    return fund(fund_height, nonce);
  }
  Scenario& ref_op(std::string op, u64 height, u64 nonce = 0) {
    return step(std::move(op), height, codec::to_json(pc::ChannelRef{id(nonce)}));
  }
  Scenario& signed_step(std::string op, u64 height, const OffChainTransaction& tx) {
    return step(std::move(op), height, codec::to_json(tx));
  }
  Scenario& appoint(u64 height, const OffChainTransaction& tx) { return signed_step("appoint", height, tx); }
  Scenario& respond(u64 height, u64 nonce = 0) { return ref_op("respond", height, nonce); }

  // A state of channel `nonce` signed by both participants.
  OffChainTransaction cosigned(u64 sequence, std::array<u64, 2> balances, Digest kind = Digest::state, u64 nonce = 0,
                               u64 signed_chain = chain_id) const {
    const Hash32 d = kind == Digest::close ? pc::close_digest(signed_chain, id(nonce), sequence, balances)
                                           : pc::state_digest(signed_chain, id(nonce), sequence, balances);
    return OffChainTransaction{id(nonce), sequence, balances, {keys_.sign(0, d), keys_.sign(1, d)}};
  }

 private:
  CaseSpec& spec_;
  pc_scenario::Keys<3> keys_;
  Hash32 adjudicator_id_{};
};

const std::vector<std::string> all_appoint_rules = {"WT-APPT-1", "WT-APPT-2", "WT-APPT-3", "WT-APPT-4",
                                                    "WT-APPT-5", "WT-APPT-6", "WT-APPT-7"};

void appoint_cases(CaseBook& cases) {
  {
    Scenario s(cases.add("appoint", "basic", "the client appoints the tower with its off-chain sequence 1", all_appoint_rules));
    s.open_and_fund().appoint(110, s.cosigned(1, {5000, 5000}));
  }
  {
    Scenario s(cases.add("appoint", "refresh_replaces_held",
                         "appointments at sequences 1, 2 and 5: the tower holds only sequence 5", {"WT-APPT-3"}));
    s.open_and_fund().appoint(110, s.cosigned(1, {5000, 5000})).appoint(111, s.cosigned(2, {4000, 6000}));
    s.appoint(112, s.cosigned(5, {1000, 9000}));
  }
  {
    Scenario s(cases.add("appoint", "two_channels", "one tower holds one appointment for each of two channels",
                         {"WT-APPT-1", "WT-APPT-3"}));
    s.open_and_fund(1).open_and_fund(2);
    s.appoint(110, s.cosigned(1, {5000, 5000}, Digest::state, 1)).appoint(111, s.cosigned(1, {3000, 7000}, Digest::state, 2));
  }
  {
    Scenario s(cases.add("appoint", "opening_channel", "an appointment before funding is accepted: the channel is live",
                         {"WT-APPT-2"}));
    s.open(open_height, {6000, 4000}, 10000).appoint(110, s.cosigned(1, {5000, 5000}));
  }
  {
    Scenario s(cases.add("appoint", "during_dispute", "the client appoints the tower after seeing a stale force-close",
                         {"WT-APPT-2", "WT-APPT-4"}));
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {9000, 1000}));
    s.appoint(force_height + 1, s.cosigned(2, {2000, 8000}));
  }
  {
    Scenario s(cases.add("appoint", "invalid_unknown_channel", "an appointment for a channel that was never opened",
                         {"WT-APPT-1"}));
    s.open_and_fund().appoint(110, s.cosigned(1, {5000, 5000}, Digest::state, 5));
  }
  {
    Scenario s(cases.add("appoint", "invalid_settled_channel", "an appointment for a cooperatively settled channel",
                         {"WT-APPT-2", "PC-COOP-1", "PC-COOP-2"}));
    s.open_and_fund().signed_step("cooperative_close", 110, s.cosigned(1, {5000, 5000}, Digest::close));
    s.appoint(111, s.cosigned(2, {4000, 6000}));
  }
  {
    Scenario s(cases.add("appoint", "invalid_closed_channel", "an appointment for a channel that timed out unfunded (Closed)",
                         {"WT-APPT-2", "PC-TIMEOUT-1", "PC-TIMEOUT-2"}));
    s.open(open_height, {6000, 4000}, 10000).ref_op("timeout", timeout_height);
    s.appoint(timeout_height + 1, s.cosigned(1, {5000, 5000}));
  }
  {
    Scenario s(cases.add("appoint", "invalid_stale_appointment", "sequence 2 after the tower holds sequence 3",
                         {"WT-APPT-3"}));
    s.open_and_fund().appoint(110, s.cosigned(3, {5000, 5000})).appoint(111, s.cosigned(2, {9000, 1000}));
  }
  {
    Scenario s(cases.add("appoint", "invalid_equal_sequence", "a second appointment at the held sequence 3, other balances",
                         {"WT-APPT-3"}));
    s.open_and_fund().appoint(110, s.cosigned(3, {5000, 5000})).appoint(111, s.cosigned(3, {9000, 1000}));
  }
  {
    Scenario s(cases.add("appoint", "invalid_behind_chain", "sequence 3 after sequence 4 was registered on chain",
                         {"WT-APPT-4", "PC-UPD-1", "PC-UPD-2"}));
    s.open_and_fund().signed_step("update", 110, s.cosigned(4, {7000, 3000}));
    s.appoint(111, s.cosigned(3, {5000, 5000}));
  }
  {
    Scenario s(cases.add("appoint", "invalid_opening_state", "the sequence-0 opening state: no force-close can be older",
                         {"WT-APPT-4"}));
    s.open_and_fund().appoint(110, s.cosigned(0, {6000, 4000}));
  }
  {
    Scenario s(cases.add("appoint", "invalid_bad_balances", "co-signed balances summing to capacity + 1", {"WT-APPT-5"}));
    s.open_and_fund().appoint(110, s.cosigned(1, {5001, 5000}));
  }
  {
    pc::Layer2Config unbounded = pc_scenario::default_config();
    unbounded.max_channel_capacity = u64_max;
    Scenario s(cases.add("appoint", "invalid_balances_overflow",
                         "co-signed balances UINT64_MAX / 1 in a UINT64_MAX channel would wrap to 0", {"WT-APPT-5"}),
               unbounded);
    s.open(open_height, {u64_max, 0}, u64_max).fund(fund_height).appoint(110, s.cosigned(1, {u64_max, 1}));
  }
  {
    Scenario s(cases.add("appoint", "invalid_bad_signature_0", "one bit of signature 0 flipped", {"WT-APPT-6"}));
    OffChainTransaction tx = s.cosigned(1, {5000, 5000});
    tx.signatures[0][63] ^= 0x01;
    s.open_and_fund().appoint(110, tx);
  }
  {
    Scenario s(cases.add("appoint", "invalid_bad_signature_1", "signature 1 taken from another state", {"WT-APPT-7"}));
    OffChainTransaction tx = s.cosigned(1, {5000, 5000});
    tx.signatures[1] = s.cosigned(2, {5000, 5000}).signatures[1];
    s.open_and_fund().appoint(110, tx);
  }
  {
    Scenario s(cases.add("appoint", "invalid_close_signatures",
                         "a co-signed cooperative close is not an appointment: the tower must never hold one",
                         {"WT-APPT-6"}));
    s.open_and_fund().appoint(110, s.cosigned(1, {5000, 5000}, Digest::close));
  }
  {
    Scenario s(cases.add("appoint", "invalid_other_chain", "a state co-signed under chain_id 2", {"WT-APPT-6"}));
    s.open_and_fund().appoint(110, s.cosigned(1, {5000, 5000}, Digest::state, 0, 2));
  }
  {
    Scenario s(cases.add("appoint", "malformed_short_signature", "a 63-byte signature", {"WT-APPT-6"}));
    json input = codec::to_json(s.cosigned(1, {5000, 5000}));
    input["signatures"][0] = input["signatures"][0].get<std::string>().substr(2);
    s.open_and_fund().step("appoint", 110, input);
  }
}

const std::vector<std::string> all_respond_rules = {"WT-RESP-1", "WT-RESP-2", "WT-RESP-3", "WT-RESP-4", "WT-RESP-5"};

void respond_cases(CaseBook& cases) {
  {
    Scenario s(cases.add("respond", "basic", "the tower answers a published sequence 1 with its sequence 2",
                         all_respond_rules));
    s.open_and_fund().appoint(110, s.cosigned(2, {2000, 8000}));
    s.signed_step("force_close", force_height, s.cosigned(1, {9000, 1000})).respond(force_height + 1);
  }
  {
    Scenario s(cases.add("respond", "after_timeout",
                         "the channel times out on its registered sequence 0; the tower answers with sequence 3",
                         {"WT-RESP-2", "WT-RESP-3", "WT-RESP-4", "PC-TIMEOUT-1", "PC-TIMEOUT-2", "PC-SETTLE-2"}));
    s.open_and_fund().appoint(110, s.cosigned(3, {1000, 9000})).ref_op("timeout", timeout_height);
    s.respond(timeout_height + 1).ref_op("settle", timeout_height + 144);
  }
  {
    Scenario s(cases.add("respond", "invalid_no_appointment", "a force-close of a channel the tower was never told about",
                         {"WT-RESP-1"}));
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {9000, 1000})).respond(force_height + 1);
  }
  {
    Scenario s(cases.add("respond", "invalid_not_disputing", "the channel is Active: there is nothing to answer",
                         {"WT-RESP-2"}));
    s.open_and_fund().appoint(110, s.cosigned(2, {2000, 8000})).respond(111);
  }
  {
    Scenario s(cases.add("respond", "invalid_after_settle",
                         "a response after the channel settled finds it Settled",
                         {"WT-RESP-2", "PC-SETTLE-1", "PC-SETTLE-2"}));
    s.open_and_fund().appoint(110, s.cosigned(2, {2000, 8000}));
    s.signed_step("force_close", force_height, s.cosigned(1, {9000, 1000})).ref_op("settle", deadline).respond(deadline + 1);
  }
  {
    Scenario s(cases.add("respond", "invalid_no_breach", "the counterparty published the latest state, sequence 2",
                         {"WT-RESP-3"}));
    s.open_and_fund().appoint(110, s.cosigned(2, {2000, 8000}));
    s.signed_step("force_close", force_height, s.cosigned(2, {2000, 8000})).respond(force_height + 1);
  }
  {
    Scenario s(cases.add("respond", "invalid_twice", "a second response after the first registered the appointment",
                         {"WT-RESP-3"}));
    s.open_and_fund().appoint(110, s.cosigned(2, {2000, 8000}));
    s.signed_step("force_close", force_height, s.cosigned(1, {9000, 1000})).respond(force_height + 1).respond(force_height + 2);
  }
  {
    CaseSpec& spec = cases.add("respond", "invalid_challenge_rejected",
                               "a tower store not filled by appoint (signature 1 corrupted): the adjudicator rejects the "
                               "response",
                               {"WT-RESP-5"});
    Scenario s(spec);
    OffChainTransaction corrupted = s.cosigned(2, {2000, 8000});
    corrupted.signatures[1][0] ^= 0x01;
    spec.pre_state["tower"]["appointments"] = json::array({codec::to_json(corrupted)});
    s.open_and_fund().signed_step("force_close", force_height, s.cosigned(1, {9000, 1000})).respond(force_height + 1);
  }
}

void adversarial_cases(CaseBook& cases) {
  const std::string stale = "a stale-state broadcast while the client is offline";
  {
    Scenario s(cases.add("adversarial", "breach_answered_while_client_offline",
                         "sequence 1 is registered on chain; off chain the parties reach sequences 2 and 3 and the client "
                         "appoints the tower after each, then goes offline; participant 0 force-closes on sequence 1; the "
                         "tower responds with sequence 3 and settle pays it",
                         {"WT-APPT-3", "WT-APPT-4", "WT-RESP-1", "WT-RESP-2", "WT-RESP-3", "WT-RESP-4", "WT-RESP-5",
                          "PC-FORCE-2", "PC-SETTLE-2"}));
    s.open_and_fund().signed_step("update", 110, s.cosigned(1, {9000, 1000}));
    s.appoint(120, s.cosigned(2, {5000, 5000})).appoint(130, s.cosigned(3, {2000, 8000}));
    // From here on the client (participant 1) sends nothing: every later step is participant 0's,
    // the tower's, or a settle anyone may submit.
    s.signed_step("force_close", force_height, s.cosigned(1, {9000, 1000}));
    s.respond(250).ref_op("settle", deadline);
    cases.mark_adversarial(stale, "participant 0");
  }
  {
    Scenario s(cases.add("adversarial", "response_one_block_before_deadline",
                         "the tower sees the breach only at dispute_deadline - 1 and still answers; settle at the "
                         "deadline pays sequence 2",
                         {"WT-RESP-4", "PC-SETTLE-2"}));
    s.open_and_fund().appoint(110, s.cosigned(2, {2000, 8000}));
    s.signed_step("force_close", force_height, s.cosigned(1, {9000, 1000})).respond(deadline - 1).ref_op("settle", deadline);
    cases.mark_adversarial(stale + ", answered at the last possible block", "participant 0");
  }
  {
    Scenario s(cases.add("adversarial", "invalid_response_at_deadline",
                         "at dispute_deadline the height belongs to settle: the tower no longer answers",
                         {"WT-RESP-4"}));
    s.open_and_fund().appoint(110, s.cosigned(2, {2000, 8000}));
    s.signed_step("force_close", force_height, s.cosigned(1, {9000, 1000})).respond(deadline);
    cases.mark_adversarial(stale + ", seen at the deadline", "participant 0");
  }
  {
    Scenario s(cases.add("adversarial", "invalid_response_after_deadline",
                         "at dispute_deadline + 1 the tower no longer answers", {"WT-RESP-4"}));
    s.open_and_fund().appoint(110, s.cosigned(2, {2000, 8000}));
    s.signed_step("force_close", force_height, s.cosigned(1, {9000, 1000})).respond(deadline + 1);
    cases.mark_adversarial(stale + ", seen one block too late", "participant 0");
  }
  {
    Scenario s(cases.add("adversarial", "invalid_replayed_old_appointment",
                         "an attacker replays the client's old appointment (sequence 2) after sequence 3; the tower keeps "
                         "sequence 3",
                         {"WT-APPT-3"}));
    s.open_and_fund().appoint(110, s.cosigned(2, {5000, 5000})).appoint(111, s.cosigned(3, {2000, 8000}));
    s.appoint(112, s.cosigned(2, {5000, 5000}));
    cases.mark_adversarial("a stale appointment replayed to overwrite a newer one", "network attacker");
  }
  {
    Scenario s(cases.add("adversarial", "invalid_forged_appointment",
                         "an outsider signs in participant 1's slot to plant a state the client never signed",
                         {"WT-APPT-7"}));
    const Hash32 d = pc::state_digest(chain_id, s.id(), 1, {10000, 0});
    s.open_and_fund().appoint(110, OffChainTransaction{s.id(), 1, {10000, 0}, {s.keys().sign(0, d), s.keys().sign(2, d)}});
    cases.mark_adversarial("a forged appointment", "outsider");
  }
}

std::vector<CaseSpec> all_cases(Profile) {
  CaseBook cases{std::string(mechanism_name)};
  appoint_cases(cases);
  respond_cases(cases);
  adversarial_cases(cases);
  return cases.take();
}

}  // namespace wtv

Mechanism watchtower_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(wtv::mechanism_name);
  mechanism.ops = wtv::ops();
  mechanism.cases = wtv::all_cases;
  mechanism.shared_states = [](Profile) { return std::vector<SharedState>{}; };
  return mechanism;
}

}  // namespace l2::vectors
