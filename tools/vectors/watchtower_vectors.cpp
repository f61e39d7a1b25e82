// Vectors for the watchtower: every op runs on the WatchtowerWorld of l2/ref/watchtower.hpp (the
// payment-channel adjudicator plus one tower). Cases register users, file encrypted appointments,
// have the counterparty publish stale states, and let the tower respond; heights are chosen so that
// the dispute deadline is hit at -1, 0 and +1. Keys derive from the case seed; the reference signs
// and seals at generation time. spec: watchtower.md
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "l2/inv/watchtower_engine.hpp"
#include "l2/inv/watchtower_model.hpp"
#include "l2/opt/aead.hpp"
#include "l2/opt/payment_channel_hub.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/ref/watchtower.hpp"
#include "l2/vectors/counterexample.hpp"
#include "l2/vectors/payment_channel_scenario.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors {
namespace watchtower_vectors {

namespace payment_channel = ref::payment_channel;
namespace watchtower = ref::watchtower;
using payment_channel::OffChainTransaction;
using watchtower::WatchtowerWorld;

constexpr std::string_view mechanism_name = "watchtower";

// ---- Op handlers, derived from the operations table ----

// The payment-channel ops run on the adjudicator, in the channel hub and in the payment-channel
// model. The mechanism's own ops have no optimized engine (spec: the missing-faces table); in the
// model they run in the watchtower's model engine.
using HubOnAdjudicator = payment_channel_scenario::ChannelOpsOnAdjudicator<Impl::optimized, WatchtowerWorld, watchtower::state_root>;
using ModelOnAdjudicator = payment_channel_scenario::ChannelOpsOnAdjudicator<Impl::model, WatchtowerWorld, watchtower::state_root>;

// The watchtower's model engine (l2/inv/watchtower_engine.hpp), one per thread; its oracles are
// BIP-340 in libsecp256k1 and ChaCha20-Poly1305 in OpenSSL.
inv::watchtower::Engine& tower_model_engine() {
  thread_local inv::watchtower::Engine engine(
      [](const Hash32& key, const Hash32& digest, const payment_channel::Signature& signature) {
        return opt::schnorr::verify(key, digest, signature) == PrimitiveError::none;
      },
      [](const Hash32& key, const Hash32& locator, const Bytes& blob) -> std::optional<Bytes> {
        auto plaintext = opt::aead::open(key, watchtower::blob_nonce, locator, blob);
        if (!plaintext) return std::nullopt;
        return plaintext.value();
      });
  return engine;
}

// The model: the tower's own ops in the watchtower's model engine, the payment-channel ops on the
// world's adjudicator in the payment-channel model.
struct TowerModel {
  template <class Op>
  StepResult operator()(std::type_identity<Op> op, const WatchtowerWorld& world, const typename Op::Input& in, u64 height) const {
    if constexpr (ModelOnAdjudicator::handles<Op>) {
      return ModelOnAdjudicator{}(op, world, in, height);
    } else {
      const inv::watchtower::Engine::Outcome outcome = tower_model_engine().apply(world, in, height);
      if (!outcome.problem.empty()) return StepResult{true, Outcome::invalid("MODEL_FAILURE", "", outcome.problem)};
      if (outcome.error != WatchtowerError::none) return StepResult{true, rejection(outcome.error)};
      return StepResult{true, Outcome::ok(codec::to_json(outcome.post), to_hex(watchtower::state_root(outcome.post)))};
    }
  }
};

std::vector<OpHandler> ops() {
  const std::function<Hash32(const WatchtowerWorld&)> root = watchtower::state_root;
  return table_ops<watchtower::Operations, WatchtowerWorld>(root, [](u64 height) { return payment_channel::Env{height}; }, HubOnAdjudicator{},
                                                    TowerModel{});
}

// ---- Cases ----

constexpr u64 chain_id = 1;
using payment_channel_scenario::deadline;
using payment_channel_scenario::force_height;
using payment_channel_scenario::fund_height;
using payment_channel_scenario::open_height;

// Keys: 0 is the counterparty (it publishes stale states), 1 the tower's client, 2 an outsider.
constexpr std::size_t counterparty = 0;
constexpr std::size_t client = 1;
constexpr std::size_t outsider = 2;

// The channel's states: s_k has sequence k and balances 6000 - 1000 k / 4000 + 1000 k; s_0 is the
// opening state.
std::array<u64, 2> balances_at(u64 sequence) { return {6000 - 1000 * sequence, 4000 + 1000 * sequence}; }

class Scenario {
 public:
  explicit Scenario(CaseSpec& spec) : spec_(spec), keys_(spec.seed) {
    WatchtowerWorld world{};
    world.adjudicator = payment_channel_scenario::empty_adjudicator(spec.seed, payment_channel_scenario::default_config());
    world.tower.tower_id = ref::tagged_hash("L2/vectors/tower", spec.seed);
    adjudicator_id_ = world.adjudicator.adjudicator_id;
    tower_id_ = world.tower.tower_id;
    spec.pre_state = codec::to_json(world);
  }

  const Hash32& pubkey(std::size_t i) const { return keys_.pubkey(i); }
  const Hash32& tower_id() const { return tower_id_; }
  Hash32 id() const { return payment_channel::channel_id(chain_id, adjudicator_id_, {pubkey(0), pubkey(1)}, 0); }

  Scenario& step(std::string op, u64 height, json input) {
    spec_.steps.push_back(Step{std::move(op), height, std::move(input)});
    return *this;
  }

  // The state with this sequence, co-signed by both participants.
  OffChainTransaction state(u64 sequence) const {
    const Hash32 d = payment_channel::state_digest(chain_id, id(), sequence, balances_at(sequence));
    return OffChainTransaction{id(), sequence, balances_at(sequence), {keys_.sign(0, d), keys_.sign(1, d)}};
  }

  // The channel opened on s_0 and funded.
  Scenario& open_and_fund() {
    const OffChainTransaction opening = state(0);
    step("open", open_height, codec::to_json(payment_channel::OpenInput{{pubkey(0), pubkey(1)}, opening.new_balances, 10000, 0,
                                                          opening.signatures}));
    return step("fund", fund_height, codec::to_json(payment_channel::FundInput{id(), 10000}));
  }
  Scenario& register_user(std::size_t user, u64 slots, u64 height = 99) {
    return step("register_user", height, codec::to_json(watchtower::RegisterUserInput{pubkey(user), slots}));
  }
  // The user's appointment, signed by `signer` for the tower `tower`.
  watchtower::AppointInput filing(std::size_t user, const Hash32& where, const Bytes& blob, std::size_t signer,
                          const Hash32& tower) const {
    return watchtower::AppointInput{pubkey(user), where, blob, keys_.sign(signer, watchtower::appointment_digest(tower, where, blob))};
  }
  Scenario& file(std::size_t user, const Hash32& where, const Bytes& blob, u64 height) {
    return step("appoint", height, codec::to_json(filing(user, where, blob, user, tower_id_)));
  }
  // What the client files when it co-signs s_{sequence + 1}: that state, under the key of its own
  // signature of s_sequence.
  watchtower::ClientAppointment chain_link(u64 sequence) const { return watchtower::appointment_for(state(sequence), client, state(sequence + 1)); }
  Scenario& client_files(u64 sequence, u64 height) {
    const watchtower::ClientAppointment link = chain_link(sequence);
    return file(client, link.locator, link.blob, height);
  }
  // The client's chain s_0 -> s_1 -> ... -> s_latest, filed at heights 102, 103, ...
  Scenario& client_files_chain(u64 latest) {
    for (u64 k = 0; k < latest; ++k) client_files(k, 102 + k);
    return *this;
  }
  Scenario& release(std::size_t user, const Hash32& where, std::size_t signer, u64 height) {
    const watchtower::ReleaseInput in{pubkey(user), where, keys_.sign(signer, watchtower::release_digest(tower_id_, pubkey(user), where))};
    return step("release", height, codec::to_json(in));
  }
  Scenario& force_close(u64 sequence, u64 height = force_height) {
    return step("force_close", height, codec::to_json(state(sequence)));
  }
  Scenario& respond(const OffChainTransaction& published, u64 height) {
    return step("respond", height, codec::to_json(watchtower::RespondInput{published}));
  }
  Scenario& respond(u64 published_sequence, u64 height) { return respond(state(published_sequence), height); }

 private:
  CaseSpec& spec_;
  payment_channel_scenario::Keys<3> keys_;
  Hash32 adjudicator_id_{};
  Hash32 tower_id_{};
};

const std::vector<std::string> all_appoint_rules = {"WT-APPT-1", "WT-APPT-2", "WT-APPT-3", "WT-APPT-4", "WT-APPT-5"};
const std::vector<std::string> all_respond_rules = {"WT-RESP-1", "WT-RESP-2", "WT-RESP-3", "WT-RESP-4"};

void register_cases(CaseBook& cases) {
  Scenario(cases.add("register_user", "basic", "the client buys 10 slots", {"WT-USER-1", "WT-USER-2"}))
      .register_user(client, 10);
  Scenario(cases.add("register_user", "adds_slots", "10 slots, then 5 more: 15", {"WT-USER-1", "WT-USER-2"}))
      .register_user(client, 10)
      .register_user(client, 5);
  Scenario(cases.add("register_user", "invalid_zero_slots", "a registration of 0 slots", {"WT-USER-1"}))
      .register_user(client, 0);
  Scenario(cases.add("register_user", "slots_at_uint64_max", "UINT64_MAX slots in one registration", {"WT-USER-2"}))
      .register_user(client, u64_max);
  Scenario(cases.add("register_user", "invalid_slots_overflow", "UINT64_MAX slots, then one more", {"WT-USER-2"}))
      .register_user(client, u64_max)
      .register_user(client, 1);
  Scenario(cases.add("register_user", "slots_up_to_uint64_max", "UINT64_MAX - 1 slots, then one more: exactly UINT64_MAX",
                     {"WT-USER-2"}))
      .register_user(client, u64_max - 1)
      .register_user(client, 1);
}

void appoint_cases(CaseBook& cases) {
  {
    Scenario s(cases.add("appoint", "basic", "the client files s_1 under its signature of the opening state",
                         all_appoint_rules));
    s.register_user(client, 2).open_and_fund().client_files(0, 102);
  }
  {
    Scenario s(cases.add("appoint", "last_slot", "a user with one slot files one appointment and has none left",
                         {"WT-APPT-4"}));
    s.register_user(client, 1).open_and_fund().client_files(0, 102);
  }
  {
    Scenario s(cases.add("appoint", "invalid_no_slots", "a user with one slot files a second appointment", {"WT-APPT-4"}));
    s.register_user(client, 1).open_and_fund().client_files(0, 102).client_files(1, 103);
  }
  {
    Scenario s(cases.add("appoint", "invalid_unknown_user", "an appointment from a key the tower never registered",
                         {"WT-APPT-1"}));
    s.open_and_fund().client_files(0, 102);
  }
  {
    Scenario s(cases.add("appoint", "invalid_blob_size_199", "a blob one byte short of appointment_blob_size",
                         {"WT-APPT-2"}));
    watchtower::ClientAppointment link = s.chain_link(0);
    link.blob.pop_back();
    s.register_user(client, 2).open_and_fund().file(client, link.locator, link.blob, 102);
  }
  {
    Scenario s(cases.add("appoint", "invalid_blob_size_201", "a blob one byte over appointment_blob_size", {"WT-APPT-2"}));
    watchtower::ClientAppointment link = s.chain_link(0);
    link.blob.push_back(0);
    s.register_user(client, 2).open_and_fund().file(client, link.locator, link.blob, 102);
  }
  {
    Scenario s(cases.add("appoint", "invalid_duplicate_locator", "the same locator filed twice by one user",
                         {"WT-APPT-3"}));
    s.register_user(client, 3).open_and_fund().client_files(0, 102).client_files(0, 103);
  }
  {
    Scenario s(cases.add("appoint", "duplicate_locator_of_another_user",
                         "the counterparty files under the client's locator first; the client's own filing is still "
                         "accepted, since duplicates are per user",
                         {"WT-APPT-3"}));
    const watchtower::ClientAppointment link = s.chain_link(0);
    s.register_user(client, 2).register_user(counterparty, 2).open_and_fund();
    s.file(counterparty, link.locator, link.blob, 102).file(client, link.locator, link.blob, 103);
  }
  {
    Scenario s(cases.add("appoint", "invalid_bad_signature", "the client's appointment signed by an outsider",
                         {"WT-APPT-5"}));
    const watchtower::ClientAppointment link = s.chain_link(0);
    s.register_user(client, 2).open_and_fund();
    s.step("appoint", 102, codec::to_json(s.filing(client, link.locator, link.blob, outsider, s.tower_id())));
  }
  {
    Scenario s(cases.add("appoint", "malformed_odd_hex_blob", "a blob with an odd number of hex digits", {"WT-APPT-2"}));
    const watchtower::ClientAppointment link = s.chain_link(0);
    json input = codec::to_json(s.filing(client, link.locator, link.blob, client, s.tower_id()));
    input["blob"] = input["blob"].get<std::string>().substr(1);
    s.register_user(client, 2).step("appoint", 102, input);
  }
}

void release_cases(CaseBook& cases) {
  {
    Scenario s(cases.add("release", "basic", "the client releases its appointment and gets its slot back",
                         {"WT-REL-1", "WT-REL-2"}));
    s.register_user(client, 1).open_and_fund().client_files(0, 102).release(client, s.chain_link(0).locator, client, 103);
  }
  {
    Scenario s(cases.add("release", "invalid_no_appointment", "a release of a locator the user never filed",
                         {"WT-REL-1"}));
    s.register_user(client, 1).release(client, s.chain_link(0).locator, client, 103);
  }
  {
    Scenario s(cases.add("release", "invalid_other_users_appointment",
                         "the counterparty releases under its own key a locator only the client filed", {"WT-REL-1"}));
    s.register_user(client, 1).register_user(counterparty, 1).open_and_fund().client_files(0, 102);
    s.release(counterparty, s.chain_link(0).locator, counterparty, 103);
  }
  {
    Scenario s(cases.add("release", "invalid_bad_signature", "the counterparty signs a release of the client's appointment",
                         {"WT-REL-2"}));
    s.register_user(client, 1).open_and_fund().client_files(0, 102).release(client, s.chain_link(0).locator, counterparty, 103);
  }
}

void respond_cases(CaseBook& cases) {
  {
    Scenario s(cases.add("respond", "basic",
                         "the client filed s_0 -> s_1 -> s_2; the counterparty force-closes on s_1; the tower "
                         "answers with s_2",
                         all_respond_rules));
    s.register_user(client, 5).open_and_fund().client_files_chain(2).force_close(1).respond(1, force_height + 1);
  }
  {
    Scenario s(cases.add("respond", "invalid_not_disputing", "a response while the channel is active", {"WT-RESP-1"}));
    s.register_user(client, 5).open_and_fund().client_files_chain(2).respond(0, 150);
  }
  {
    Scenario s(cases.add("respond", "invalid_unknown_channel", "a response about a channel that was never opened",
                         {"WT-RESP-1"}));
    s.register_user(client, 5).respond(1, 150);
  }
  {
    Scenario s(cases.add("respond", "invalid_not_published_state",
                         "the tower is handed s_0 as the published state while s_1 is registered", {"WT-RESP-2"}));
    s.register_user(client, 5).open_and_fund().client_files_chain(2).force_close(1).respond(0, force_height + 1);
  }
  {
    Scenario s(cases.add("respond", "invalid_nothing_newer",
                         "the counterparty force-closes on the latest state: nothing to answer", {"WT-RESP-4"}));
    s.register_user(client, 5).open_and_fund().client_files_chain(2).force_close(2).respond(2, force_height + 1);
  }
  {
    Scenario s(cases.add("respond", "invalid_twice", "a second response finds the answer already registered",
                         {"WT-RESP-2", "WT-RESP-4"}));
    s.register_user(client, 5).open_and_fund().client_files_chain(2).force_close(1);
    s.respond(1, force_height + 1).respond(2, force_height + 2);
  }
  {
    Scenario s(cases.add("respond", "corrupted_blob_is_skipped",
                         "an outsider's corrupted blob under the client's locator does not open and is skipped; the "
                         "client's own appointment answers",
                         all_respond_rules));
    watchtower::ClientAppointment junk = s.chain_link(1);
    junk.blob[17] ^= 0x01;
    s.register_user(client, 5).register_user(outsider, 5).open_and_fund();
    s.file(outsider, junk.locator, junk.blob, 101).client_files_chain(2).force_close(1).respond(1, force_height + 1);
  }
  {
    Scenario s(cases.add("respond", "invalid_only_corrupted_blob", "the only blob under the locator is corrupted",
                         {"WT-RESP-4"}));
    watchtower::ClientAppointment link = s.chain_link(1);
    link.blob[0] ^= 0x80;
    s.register_user(client, 5).open_and_fund().client_files(0, 102).file(client, link.locator, link.blob, 103);
    s.force_close(1).respond(1, force_height + 1);
  }
  {
    Scenario s(cases.add("respond", "invalid_after_release",
                         "the client released its appointment for s_1 -> s_2 before the breach", {"WT-REL-1", "WT-RESP-4"}));
    s.register_user(client, 5).open_and_fund().client_files_chain(2).release(client, s.chain_link(1).locator, client, 150);
    s.force_close(1).respond(1, force_height + 1);
  }
}

void adversarial_cases(CaseBook& cases) {
  const std::string offline = "a stale force-close while the client is offline";
  {
    Scenario s(cases.add("adversarial", "breach_answered_while_client_offline",
                         "the client filed s_0 .. s_3 and went offline; the counterparty force-closes on s_1; the tower "
                         "opens s_2, then s_3, and answers with s_3; settle pays s_3",
                         {"WT-RESP-1", "WT-RESP-2", "WT-RESP-3", "WT-RESP-4", "PC-SETTLE-2"}));
    s.register_user(client, 5).open_and_fund().client_files_chain(3).force_close(1).respond(1, force_height + 1);
    s.step("settle", deadline, codec::to_json(payment_channel::ChannelRef{s.id()}));
    cases.mark_adversarial(offline, "counterparty");
  }
  {
    Scenario s(cases.add("adversarial", "opening_state_breach_answered",
                         "the channel times out on its opening state after three updates off chain; the tower's chain "
                         "starts at the opening's signatures and answers with s_3",
                         {"WT-RESP-1", "WT-RESP-2", "WT-RESP-4", "PC-TIMEOUT-2"}));
    s.register_user(client, 5).open_and_fund().client_files_chain(3);
    s.step("timeout", payment_channel_scenario::timeout_height, codec::to_json(payment_channel::ChannelRef{s.id()}));
    s.respond(0, payment_channel_scenario::timeout_height + 1);
    cases.mark_adversarial(offline + " (the opening state published by a timeout)", "counterparty");
  }
  {
    Scenario s(cases.add("adversarial", "response_one_block_before_deadline", "the tower answers at dispute_deadline - 1",
                         {"WT-RESP-3"}));
    s.register_user(client, 5).open_and_fund().client_files_chain(2).force_close(1).respond(1, deadline - 1);
    cases.mark_adversarial(offline + ", seen at the last block", "counterparty");
  }
  {
    Scenario s(cases.add("adversarial", "invalid_response_at_deadline", "the tower answers at dispute_deadline: too late",
                         {"WT-RESP-3"}));
    s.register_user(client, 5).open_and_fund().client_files_chain(2).force_close(1).respond(1, deadline);
    cases.mark_adversarial(offline + ", answered too late", "counterparty");
  }
  {
    Scenario s(cases.add("adversarial", "invalid_response_after_deadline", "the tower answers at dispute_deadline + 1",
                         {"WT-RESP-3"}));
    s.register_user(client, 5).open_and_fund().client_files_chain(2).force_close(1).respond(1, deadline + 1);
    cases.mark_adversarial(offline + ", answered too late", "counterparty");
  }
  {
    Scenario s(cases.add("adversarial", "counterparty_locator_squatting_fails",
                         "the counterparty, who knows every signature, files junk under the locator of the client's "
                         "signature of s_1 before the client files s_2 there; the tower still answers with s_3",
                         {"WT-APPT-3", "WT-RESP-4"}));
    watchtower::ClientAppointment junk = s.chain_link(1);
    junk.blob[40] ^= 0x04;
    s.register_user(client, 5).register_user(counterparty, 5).open_and_fund();
    s.file(counterparty, junk.locator, junk.blob, 101).client_files_chain(3).force_close(1).respond(1, force_height + 1);
    cases.mark_adversarial("squatting the client's locator at the tower (the weakening locator_duplicates_global)",
                           "counterparty");
  }
  {
    Scenario s(cases.add("adversarial", "older_state_blob_is_ignored",
                         "the counterparty files a valid blob holding s_1 again under the client's locator of s_1; it "
                         "is not newer and is skipped, and the client's chain answers with s_3",
                         {"WT-RESP-4"}));
    const OffChainTransaction s1 = s.state(1);
    const Bytes older = watchtower::seal_blob(s1.signatures[client], s1);
    s.register_user(client, 5).register_user(counterparty, 5).open_and_fund();
    s.file(counterparty, watchtower::locator(s1.signatures[client]), older, 101).client_files_chain(3).force_close(1);
    s.respond(1, force_height + 1);
    cases.mark_adversarial("a blob that opens to an older co-signed state", "counterparty");
  }
  {
    Scenario s(cases.add("adversarial", "invalid_appointment_for_another_tower",
                         "an appointment the client signed for another tower, replayed to this one", {"WT-APPT-5"}));
    const watchtower::ClientAppointment link = s.chain_link(0);
    s.register_user(client, 2).open_and_fund();
    s.step("appoint", 102,
           codec::to_json(s.filing(client, link.locator, link.blob, client, ref::tagged_hash("L2/vectors/other_tower", s.id()))));
    cases.mark_adversarial("an appointment replayed from another tower", "tower operator");
  }
}

std::vector<CaseSpec> all_cases(Profile) {
  CaseBook cases{std::string(mechanism_name)};
  register_cases(cases);
  appoint_cases(cases);
  release_cases(cases);
  respond_cases(cases);
  adversarial_cases(cases);
  return cases.take();
}

}  // namespace watchtower_vectors

Mechanism watchtower_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(watchtower_vectors::mechanism_name);
  mechanism.ops = watchtower_vectors::ops();
  mechanism.cases = watchtower_vectors::all_cases;
  mechanism.shared_states = [](Profile) { return std::vector<SharedState>{}; };
  mechanism.model = inv::watchtower::registry_entry;
  mechanism.counterexample = counterexample_renderer<ref::watchtower::Operations, ref::watchtower::WatchtowerWorld>(
      mechanism.name, ref::watchtower::state_root);
  return mechanism;
}

}  // namespace l2::vectors
