// The watchtower's model engine (l2::inv::watchtower::Engine, spec: watchtower.md#the-model-engine).
// Every committed watchtower vector replays in the model through the vectors' own op handlers, with
// no step left to the reference; the expected outcomes are the reference's, computed when the vectors
// were generated. Then the engine is run against the reference (l2::ref::watchtower's apply_*) on
// pseudo-random step sequences over a world of two channels and four keys: registrations at 0 slots
// and with the user's total at UINT64_MAX - 1, UINT64_MAX and one over; appointments with a user's
// last slot and with none, blobs of 199, 200 and 201 bytes, duplicates of one's own and of another's
// locator, signatures by the wrong key or for another tower; releases of one's own, another's and
// unknown appointments; responses one block before, at and after the dispute deadline, about an
// unknown, an active or a disputing channel, with the registered state, another state or the
// registered one with other signatures, over appointments that open to the next state, to a later
// or an older one, to another channel's, to a second co-signed state with the same sequence (the
// first found is kept), to a badly signed or unbalanced state, or not at all. Both
// use libsecp256k1 for BIP-340; the test checks that every rule's code and every op's acceptance
// was reached, with the boundaries above.
#include "l2/inv/watchtower_engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "l2/codec/json.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/vectors/framework.hpp"

namespace {

namespace payment_channel = l2::ref::payment_channel;
namespace watchtower = l2::ref::watchtower;
namespace model = l2::inv::watchtower;
namespace oracle = l2::test::libsecp256k1;
using l2::Bytes;
using l2::Hash32;
using l2::u64;
using l2::WatchtowerError;
using nlohmann::json;

// BIP-340 in libsecp256k1, for the engine and the reference alike.
struct Libsecp256k1Check {
  bool operator()(const Hash32& key, const Hash32& digest, const payment_channel::Signature& signature) const {
    return oracle::verify(key, digest, signature);
  }
};

// ---------------------------------------------------------------------------------------------
// The committed vectors, in the model.

const l2::vectors::Mechanism& watchtower_mechanism() {
  for (const l2::vectors::Mechanism& mechanism : l2::vectors::mechanisms())
    if (mechanism.name == "watchtower") return mechanism;
  throw std::runtime_error("no watchtower mechanism in the registry");
}

TEST(WatchtowerModelEngine, EveryOpHasAModelEngine) {
  const l2::vectors::Mechanism& mechanism = watchtower_mechanism();
  EXPECT_EQ(mechanism.ops.size(), watchtower::Operations::count);
  for (const l2::vectors::OpHandler& handler : mechanism.ops)
    EXPECT_TRUE(handler.has_engine(l2::vectors::Impl::model)) << handler.op;
}

TEST(WatchtowerModelEngine, EveryWatchtowerVectorReplaysInTheModel) {
  const l2::vectors::Mechanism& mechanism = watchtower_mechanism();
  const std::filesystem::path root = std::filesystem::path(L2_TEST_SOURCE_DIR) / "vectors" / "watchtower";
  const std::set<std::string, std::less<>> own_ops = {std::string(watchtower::RegisterUser::name), std::string(watchtower::Appoint::name),
                                                     std::string(watchtower::Release::name), std::string(watchtower::Respond::name)};
  std::map<std::string, std::set<std::string>> outcomes;  // own op -> the outcomes replayed (ok, or the code)
  std::size_t cases = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream file(entry.path());
    const json document = json::parse(file);
    if (!document.contains("steps")) continue;
    ++cases;
    json state = document.at("pre_state");
    std::size_t number = 0;
    for (const json& step : document.at("steps")) {
      const std::string where = entry.path().filename().string() + " step " + std::to_string(number++);
      const std::string op = step.at("op");
      const l2::vectors::OpHandler* handler = mechanism.find_op(op);
      ASSERT_NE(handler, nullptr) << where;
      const l2::vectors::StepResult result =
          handler->apply(l2::vectors::Impl::model, state, step.at("input"), std::stoull(step.at("height").get<std::string>()));
      ASSERT_TRUE(result.applicable) << where << ": " << op << " has no model engine";
      const json& expect = step.at("expect");
      const l2::vectors::Outcome& got = result.outcome;
      ASSERT_EQ(got.outcome, expect.at("outcome").get<std::string>()) << where << ": " << got.error << " " << got.reason;
      if (got.outcome == "ok") {
        EXPECT_EQ(got.post_state, expect.at("post_state")) << where;
        EXPECT_EQ(got.state_root, expect.at("state_root").get<std::string>()) << where;
        state = got.post_state;
      } else if (got.outcome == "invalid") {
        EXPECT_EQ(got.error, expect.at("error").get<std::string>()) << where;
        EXPECT_EQ(got.rule, expect.at("rule").get<std::string>()) << where;
      }
      if (own_ops.count(op)) outcomes[op].insert(got.outcome == "ok" ? "ok" : got.error);
    }
  }
  EXPECT_GT(cases, 30u);
  // Each of the tower's ops was replayed accepting and rejecting.
  for (const std::string op : {"register_user", "appoint", "release", "respond"}) {
    EXPECT_TRUE(outcomes[op].count("ok")) << op;
    EXPECT_GE(outcomes[op].size(), 2u) << op;
  }
}

// ---------------------------------------------------------------------------------------------
// The engine against the reference.

constexpr u64 chain = 1;
constexpr u64 capacity = 10000;
constexpr u64 dispute_blocks = 144;

struct Keys {
  std::vector<Hash32> secret, pubkey;
  Keys() {
    const Bytes seed = l2::bytes_of("watchtower_model_engine_test");
    for (l2::u32 i = 0; i < 4; ++i) {
      secret.push_back(l2::ref::bip340::secret_from_seed(seed, i));
      pubkey.push_back(oracle::pubkey(secret.back()).value());
    }
  }
  payment_channel::Signature sign(std::size_t who, const Hash32& digest) const { return oracle::sign(secret[who], digest, Hash32{}).value(); }
};

// What the differential run reached: per op, each code (none for acceptance), and the boundaries.
struct Coverage {
  std::map<std::string, std::set<WatchtowerError>> codes;
  std::set<std::string> boundaries;
};

class World {
 public:
  World(const Keys& keys, std::mt19937_64& random) : keys_(keys), random_(random) {
    payment_channel::Layer2Config config{};
    config.max_channels_per_user = 2;
    config.channel_timeout_blocks = 1000;
    config.dispute_period_blocks = dispute_blocks;
    config.min_channel_capacity = 1000;
    config.max_channel_capacity = 1'000'000;
    config.censorship_bound_blocks = 6;
    config.allocation_window_blocks = 100;
    world_.adjudicator = payment_channel::Adjudicator{chain, l2::ref::tagged_hash("L2/test/adjudicator", keys.pubkey[0]), config, {}};
    world_.tower.tower_id = l2::ref::tagged_hash("L2/test/tower", keys.pubkey[1]);
    // Channel 0 between keys 0 and 1, channel 1 between keys 3 and 1: key 1 is the client of both.
    participants_ = {{{0, 1}, {3, 1}}};
    for (std::size_t c = 0; c < 2; ++c) {
      const payment_channel::OffChainTransaction opening = state(c, 0);
      const payment_channel::OpenInput open{{keys.pubkey[participants_[c][0]], keys.pubkey[participants_[c][1]]}, opening.new_balances,
                               capacity, 0, opening.signatures};
      world_.adjudicator = payment_channel::apply_open(world_.adjudicator, open, payment_channel::Env{100}, Libsecp256k1Check{}).value();
      world_.adjudicator = payment_channel::apply_fund(world_.adjudicator, payment_channel::FundInput{id(c), capacity}, payment_channel::Env{101}).value();
    }
  }

  Hash32 id(std::size_t c) const {
    return payment_channel::channel_id(chain, world_.adjudicator.adjudicator_id,
                          {keys_.pubkey[participants_[c][0]], keys_.pubkey[participants_[c][1]]}, 0);
  }
  // Channel c's state with this sequence, signed by `signers` (its participants unless told).
  payment_channel::OffChainTransaction state(std::size_t c, u64 sequence, std::array<u64, 2> balances, std::array<std::size_t, 2> signers) const {
    const Hash32 digest = payment_channel::state_digest(chain, id(c), sequence, balances);
    return payment_channel::OffChainTransaction{id(c), sequence, balances, {keys_.sign(signers[0], digest), keys_.sign(signers[1], digest)}};
  }
  payment_channel::OffChainTransaction state(std::size_t c, u64 sequence) const {
    return state(c, sequence, {6000 - 500 * sequence, 4000 + 500 * sequence}, participants_[c]);
  }
  // A second state with the same sequence and another split, co-signed too: the search may reach
  // both, and keeps the first one found.
  payment_channel::OffChainTransaction fork(std::size_t c, u64 sequence) const {
    return state(c, sequence, {6000 - 500 * sequence - 100, 4000 + 500 * sequence + 100}, participants_[c]);
  }

  // ---- Step makers ----

  u64 below(u64 bound) { return std::uniform_int_distribution<u64>(0, bound - 1)(random_); }
  bool chance(u64 percent) { return below(100) < percent; }
  std::size_t any_key() { return static_cast<std::size_t>(below(4)); }
  Hash32 random_hash() {
    Hash32 h{};
    for (auto& byte : h) byte = static_cast<l2::u8>(below(256));
    return h;
  }
  u64 slots_of(const Hash32& user) const {
    const auto index = watchtower::find_user(world_.tower, user);
    return index ? world_.tower.users[*index].slots : 0;
  }

  watchtower::RegisterUserInput registration() {
    const Hash32 user = chance(90) ? keys_.pubkey[any_key()] : random_hash();
    const u64 held = slots_of(user);
    u64 slots = 1 + below(3);
    switch (below(8)) {
      case 0: slots = 0; break;
      case 1: if (held < l2::u64_max) slots = l2::u64_max - held; break;        // exactly UINT64_MAX
      case 2: if (held >= 1) slots = l2::u64_max - held + 1; break;             // one over
      case 3: if (held < l2::u64_max - 1) slots = l2::u64_max - held - 1; break;  // one under
      default: break;
    }
    return watchtower::RegisterUserInput{user, slots};
  }

  // A blob a user might file: for channel c, sealed under the key of a signature of state `from`.
  struct Filing {
    Hash32 locator;
    Bytes blob;
  };
  Filing filing() {
    const std::size_t c = static_cast<std::size_t>(below(2));
    const u64 from = below(5);
    const std::size_t signer = static_cast<std::size_t>(below(2));  // whose signature of `from` keys it
    const payment_channel::Signature key_signature = state(c, from).signatures[chance(70) ? 1 : signer];
    payment_channel::OffChainTransaction inside = state(c, from + 1);
    switch (below(12)) {
      case 0: inside = state(c, from + 2 + below(2)); break;                       // a later state
      case 1: inside = state(c, from > 0 ? from - below(2) : 0); break;           // not newer
      case 2: inside = state(1 - c, from + 1); break;                             // another channel's
      case 3: inside = state(c, from + 1, {6000, 4000 + 1}, participants_[c]); break;  // unbalanced
      case 4: inside = state(c, from + 1, {6000 - 500 * (from + 1), 4000 + 500 * (from + 1)}, {2, participants_[c][1]}); break;
      case 5: inside.sequence_number = from + 1 + below(3); break;                 // signatures of another sequence
      case 6: inside = fork(c, from + 1); break;                                   // co-signed, same sequence, other split
      default: break;
    }
    Filing out{watchtower::locator(key_signature), watchtower::seal_blob(key_signature, inside)};
    switch (below(14)) {
      case 0: out.blob[below(out.blob.size())] ^= static_cast<l2::u8>(1 + below(255)); break;  // corrupted
      case 1: out.blob.pop_back(); break;                                                      // 199 bytes
      case 2: out.blob.push_back(0); break;                                                    // 201 bytes
      case 3: out.locator = random_hash(); break;                                              // misfiled
      case 4: out.locator = watchtower::locator(state(c, from).signatures[1 - (chance(70) ? 1 : signer)]); break;
      default: break;
    }
    return out;
  }

  watchtower::AppointInput appointment() {
    std::size_t user = any_key();
    Filing f = filing();
    if (chance(15) && !world_.tower.appointments.empty()) {
      // Someone's locator again: a duplicate for its owner, not for anyone else.
      const watchtower::EncryptedAppointment& held = world_.tower.appointments[below(world_.tower.appointments.size())];
      f.locator = held.locator;
      for (std::size_t k = 0; k < 4; ++k)
        if (keys_.pubkey[k] == held.user && chance(70)) user = k;
    }
    Hash32 tower = world_.tower.tower_id;
    std::size_t signer = user;
    if (chance(8)) signer = (user + 1 + below(3)) % 4;
    if (chance(5)) tower = l2::ref::tagged_hash("L2/test/other_tower", tower);
    return watchtower::AppointInput{keys_.pubkey[user], f.locator, f.blob, keys_.sign(signer, watchtower::appointment_digest(tower, f.locator, f.blob))};
  }

  watchtower::ReleaseInput release() {
    Hash32 user = keys_.pubkey[any_key()];
    Hash32 where = random_hash();
    if (!world_.tower.appointments.empty() && chance(80)) {
      const watchtower::EncryptedAppointment& held = world_.tower.appointments[below(world_.tower.appointments.size())];
      where = held.locator;
      if (chance(85)) user = held.user;
    }
    std::size_t signer = 0;
    for (std::size_t k = 0; k < 4; ++k)
      if (keys_.pubkey[k] == user) signer = k;
    if (chance(15)) signer = (signer + 1 + below(3)) % 4;
    return watchtower::ReleaseInput{user, where, keys_.sign(signer, watchtower::release_digest(world_.tower.tower_id, user, where))};
  }

  // A response and its height.
  std::pair<watchtower::RespondInput, u64> response() {
    const std::size_t c = static_cast<std::size_t>(below(2));
    const auto index = payment_channel::find_channel(world_.adjudicator, id(c));
    const payment_channel::PaymentChannel& channel = world_.adjudicator.channels[*index];
    payment_channel::OffChainTransaction published = state(c, channel.sequence);
    switch (below(10)) {
      case 0: published = state(c, below(5)); break;                               // maybe another state
      case 1: published.new_balances[0] += 1; break;                                 // not the registered balances
      case 2: published.channel_id = random_hash(); break;                           // an unknown channel
      case 3: std::swap(published.signatures[0], published.signatures[1]); break;    // other keys
      case 4: published.signatures[0] = state(c, channel.sequence + 1).signatures[0]; break;
      default: break;
    }
    u64 height = now_;
    if (channel.state == payment_channel::ChannelState::disputing) {
      const u64 deadline = channel.dispute_deadline;
      const u64 choice = below(5);
      height = choice == 0 ? deadline - 1 : choice == 1 ? deadline : choice == 2 ? deadline + 1 : now_;
      if (choice > 2 && deadline > now_) height = now_ + below(deadline - now_);
    }
    return {watchtower::RespondInput{published}, height};
  }

  // A payment-channel step through the reference: the adjudicator moves on.
  void channel_step() {
    const std::size_t c = static_cast<std::size_t>(below(2));
    const auto index = payment_channel::find_channel(world_.adjudicator, id(c));
    const payment_channel::PaymentChannel channel = world_.adjudicator.channels[*index];
    const u64 next = channel.sequence + below(3);
    l2::Result<payment_channel::Adjudicator, l2::ChannelError> moved = l2::ChannelError::unknown_channel;
    if (channel.state == payment_channel::ChannelState::active) {
      moved = chance(50) ? payment_channel::apply_force_close(world_.adjudicator, state(c, next), payment_channel::Env{now_}, Libsecp256k1Check{})
                         : payment_channel::apply_update(world_.adjudicator, state(c, next + 1), payment_channel::Env{now_}, Libsecp256k1Check{});
    } else if (channel.state == payment_channel::ChannelState::disputing && chance(30)) {
      moved = payment_channel::apply_challenge(world_.adjudicator, state(c, next + 1), payment_channel::Env{now_}, Libsecp256k1Check{});
    }
    if (moved) world_.adjudicator = moved.value();
  }

  void advance() { now_ += below(40); }

  watchtower::WatchtowerWorld world_;
  u64 now_ = 102;

 private:
  const Keys& keys_;
  std::mt19937_64& random_;
  std::array<std::array<std::size_t, 2>, 2> participants_{};
};

std::string describe(const watchtower::WatchtowerWorld& world) { return l2::codec::to_json(world).dump(); }

// The reference's outcome and the engine's; on agreement the world moves to the post-state.
template <class Input, class Apply>
void differential(model::Engine& engine, World& w, const std::string& op, const Input& in, u64 height, Apply reference,
                  Coverage& coverage, const std::string& boundary_if_accepted = "",
                  const std::string& boundary_if_rejected = "") {
  const watchtower::WatchtowerWorld pre = w.world_;
  const l2::Result<watchtower::WatchtowerWorld, WatchtowerError> expected = reference(pre, in, payment_channel::Env{height});
  const model::Engine::Outcome got = engine.apply(pre, in, height);
  ASSERT_TRUE(got.problem.empty()) << op << ": " << got.problem << "\n" << describe(pre);
  ASSERT_FALSE(got.ambiguous) << op;
  const WatchtowerError code = expected ? WatchtowerError::none : expected.error();
  ASSERT_EQ(got.error, code) << op << ": the model says " << l2::error_info(got.error).code << ", the reference "
                             << l2::error_info(code).code << "\ninput " << l2::codec::to_json(in).dump() << "\n"
                             << describe(pre);
  const watchtower::WatchtowerWorld& post = expected ? expected.value() : pre;
  ASSERT_EQ(l2::reflect::encode(got.post), l2::reflect::encode(post))
      << op << ": post-states differ\nmodel     " << describe(got.post) << "\nreference " << describe(post);
  coverage.codes[op].insert(code);
  if (expected && !boundary_if_accepted.empty()) coverage.boundaries.insert(boundary_if_accepted);
  if (!expected && !boundary_if_rejected.empty()) coverage.boundaries.insert(boundary_if_rejected);
  w.world_ = post;
}

TEST(WatchtowerModelEngine, AgreesWithTheReferenceOnRandomSteps) {
  const Keys keys;
  model::Engine engine(Libsecp256k1Check{});
  const Libsecp256k1Check check;
  std::mt19937_64 random(20261205);
  Coverage coverage;
  constexpr std::size_t sequences = 40;
  constexpr std::size_t steps = 40;
  for (std::size_t sequence = 0; sequence < sequences; ++sequence) {
    World w(keys, random);
    for (std::size_t step = 0; step < steps && !::testing::Test::HasFatalFailure(); ++step) {
      w.advance();
      const u64 kind = w.below(100);
      if (kind < 15) {
        const watchtower::RegisterUserInput in = w.registration();
        const u64 held = w.slots_of(in.user);
        // The user's total against UINT64_MAX: one under, equal, one over.
        std::string boundary;
        if (in.slots > 0 && held <= l2::u64_max - in.slots) {
          if (held + in.slots == l2::u64_max) boundary = "register_user total at UINT64_MAX";
          if (held + in.slots == l2::u64_max - 1) boundary = "register_user total at UINT64_MAX - 1";
        }
        const bool over = in.slots > 0 && held > l2::u64_max - in.slots && held + in.slots == 0;
        differential(engine, w, "register_user", in, w.now_,
                     [](const auto& s, const auto& i, const auto& env) { return watchtower::apply_register_user(s, i, env); }, coverage,
                     boundary, over ? "register_user total at UINT64_MAX + 1" : "");
      } else if (kind < 55) {
        if (w.world_.tower.appointments.size() >= model::max_searched_appointments) continue;
        const watchtower::AppointInput in = w.appointment();
        const u64 held = w.slots_of(in.user);
        const bool registered = watchtower::find_user(w.world_.tower, in.user).has_value();
        differential(engine, w, "appoint", in, w.now_,
                     [&](const auto& s, const auto& i, const auto& env) { return watchtower::apply_appoint(s, i, env, check); }, coverage,
                     registered && held == 1 ? "appoint with the last slot" : "",
                     registered && held == 0 ? "appoint with no slot" : "");
        if (in.blob.size() != watchtower::appointment_blob_size && registered)
          coverage.boundaries.insert("appoint blob of " + std::to_string(in.blob.size()) + " bytes");
      } else if (kind < 65) {
        const watchtower::ReleaseInput in = w.release();
        differential(engine, w, "release", in, w.now_,
                     [&](const auto& s, const auto& i, const auto& env) { return watchtower::apply_release(s, i, env, check); }, coverage);
      } else if (kind < 85) {
        const auto [in, height] = w.response();
        const auto index = payment_channel::find_channel(w.world_.adjudicator, in.published.channel_id);
        std::string accepted, rejected;
        if (index && w.world_.adjudicator.channels[*index].state == payment_channel::ChannelState::disputing) {
          const u64 deadline = w.world_.adjudicator.channels[*index].dispute_deadline;
          if (height + 1 == deadline) accepted = "respond at dispute_deadline - 1";
          if (height == deadline) rejected = "respond at dispute_deadline";
          if (height == deadline + 1) rejected = "respond at dispute_deadline + 1";
        }
        differential(engine, w, "respond", in, height,
                     [&](const auto& s, const auto& i, const auto& env) { return watchtower::apply_respond(s, i, env, check); }, coverage,
                     accepted, rejected);
      } else {
        w.channel_step();
      }
    }
    if (::testing::Test::HasFatalFailure()) return;
    // Each sequence ends with the responses around the deadline of a channel still disputing, the
    // rejected ones first: at dispute_deadline + 1, at dispute_deadline, then at dispute_deadline - 1.
    for (std::size_t c = 0; c < 2; ++c) {
      const payment_channel::PaymentChannel channel = w.world_.adjudicator.channels[c];
      if (channel.state != payment_channel::ChannelState::disputing) continue;
      const watchtower::RespondInput in{w.state(c, channel.sequence)};
      for (const u64 height : {channel.dispute_deadline + 1, channel.dispute_deadline, channel.dispute_deadline - 1}) {
        const std::string at = height == channel.dispute_deadline       ? "respond at dispute_deadline"
                               : height > channel.dispute_deadline      ? "respond at dispute_deadline + 1"
                                                                        : "respond at dispute_deadline - 1";
        differential(engine, w, "respond", in, height,
                     [&](const auto& s, const auto& i, const auto& env) { return watchtower::apply_respond(s, i, env, check); }, coverage,
                     height < channel.dispute_deadline ? at : "", height < channel.dispute_deadline ? "" : at);
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
  }

  const std::map<std::string, std::vector<WatchtowerError>> every_code = {
      {"register_user", {WatchtowerError::none, WatchtowerError::user_no_slots, WatchtowerError::user_slots_overflow}},
      {"appoint",
       {WatchtowerError::none, WatchtowerError::unknown_user, WatchtowerError::blob_size, WatchtowerError::duplicate_locator,
        WatchtowerError::no_slots, WatchtowerError::bad_appointment_signature}},
      {"release", {WatchtowerError::none, WatchtowerError::no_appointment, WatchtowerError::bad_release_signature}},
      {"respond",
       {WatchtowerError::none, WatchtowerError::not_disputing, WatchtowerError::not_published_state,
        WatchtowerError::response_too_late, WatchtowerError::nothing_newer}}};
  std::size_t codes = 0;
  for (const auto& [op, wanted] : every_code)
    for (const WatchtowerError code : wanted) {
      EXPECT_TRUE(coverage.codes[op].count(code)) << op << " never reached " << l2::error_info(code).code;
      ++codes;
    }
  EXPECT_EQ(codes, l2::all_watchtower_errors.size() + 4) << "every code of the tower, and each op's acceptance";
  for (const std::string boundary :
       {"register_user total at UINT64_MAX - 1", "register_user total at UINT64_MAX", "register_user total at UINT64_MAX + 1",
        "appoint with the last slot", "appoint with no slot", "appoint blob of 199 bytes", "appoint blob of 201 bytes",
        "respond at dispute_deadline - 1", "respond at dispute_deadline", "respond at dispute_deadline + 1"})
    EXPECT_TRUE(coverage.boundaries.count(boundary)) << "never reached: " << boundary;
}

// A long chain: the client files s_0 -> s_1 -> ... -> s_8 and the counterparty files a blob of
// s_1 under each of the client's locators; the counterparty force-closes on s_0. The tower opens
// the whole chain and answers with s_8, in the model as in the reference, and every appointment
// it opened is removed.
TEST(WatchtowerModelEngine, ALongChainIsOpenedToItsEnd) {
  const Keys keys;
  const Libsecp256k1Check check;
  std::mt19937_64 random(11);
  World w(keys, random);
  constexpr u64 latest = 8;
  model::Engine engine(check);
  Coverage coverage;
  for (const std::size_t user : {std::size_t{0}, std::size_t{1}})
    differential(engine, w, "register_user", watchtower::RegisterUserInput{keys.pubkey[user], 2 * latest}, 102,
                 [](const auto& s, const auto& i, const auto& env) { return watchtower::apply_register_user(s, i, env); }, coverage);
  for (u64 k = 0; k < latest; ++k) {
    const watchtower::ClientAppointment link = watchtower::appointment_for(w.state(0, k), 1, w.state(0, k + 1));
    const Bytes older = watchtower::seal_blob(w.state(0, k).signatures[1], w.state(0, 1));
    for (const auto& [user, blob] : {std::pair<std::size_t, Bytes>{0, older}, std::pair<std::size_t, Bytes>{1, link.blob}}) {
      const watchtower::AppointInput in{keys.pubkey[user], link.locator, blob,
                                keys.sign(user, watchtower::appointment_digest(w.world_.tower.tower_id, link.locator, blob))};
      differential(engine, w, "appoint", in, 103,
                   [&](const auto& s, const auto& i, const auto& env) { return watchtower::apply_appoint(s, i, env, check); }, coverage);
    }
  }
  ASSERT_EQ(w.world_.tower.appointments.size(), 2 * latest);
  w.world_.adjudicator = payment_channel::apply_force_close(w.world_.adjudicator, w.state(0, 0), payment_channel::Env{200}, check).value();
  differential(engine, w, "respond", watchtower::RespondInput{w.state(0, 0)}, 201,
               [&](const auto& s, const auto& i, const auto& env) { return watchtower::apply_respond(s, i, env, check); }, coverage);
  EXPECT_EQ(coverage.codes["respond"], std::set<WatchtowerError>{WatchtowerError::none});
  EXPECT_EQ(w.world_.adjudicator.channels[0].sequence, latest);
  // s_1 under the locator of s_0 opened too (newer than s_0); the other blobs of s_1 are older than
  // the state they were reached from and stay.
  EXPECT_EQ(w.world_.tower.appointments.size(), latest - 1);
}

// Two co-signed states with sequence 1 under the locator of s_0, filed in either order: the
// answer is the one filed first (find_latest keeps the first state found on a tie).
TEST(WatchtowerModelEngine, OnATieTheFirstStateFoundIsKept) {
  const Keys keys;
  const Libsecp256k1Check check;
  for (const bool fork_first : {false, true}) {
    std::mt19937_64 random(13);
    World w(keys, random);
    model::Engine engine(check);
    Coverage coverage;
    for (const std::size_t user : {std::size_t{0}, std::size_t{1}})
      differential(engine, w, "register_user", watchtower::RegisterUserInput{keys.pubkey[user], 2}, 102,
                   [](const auto& s, const auto& i, const auto& env) { return watchtower::apply_register_user(s, i, env); }, coverage);
    const payment_channel::Signature key = w.state(0, 0).signatures[1];
    std::vector<std::pair<std::size_t, payment_channel::OffChainTransaction>> filings = {{1, w.state(0, 1)}, {0, w.fork(0, 1)}};
    if (fork_first) std::swap(filings[0], filings[1]);
    for (const auto& [user, inside] : filings) {
      const Bytes blob = watchtower::seal_blob(key, inside);
      const watchtower::AppointInput in{keys.pubkey[user], watchtower::locator(key), blob,
                                keys.sign(user, watchtower::appointment_digest(w.world_.tower.tower_id, watchtower::locator(key), blob))};
      differential(engine, w, "appoint", in, 103,
                   [&](const auto& s, const auto& i, const auto& env) { return watchtower::apply_appoint(s, i, env, check); }, coverage);
    }
    w.world_.adjudicator = payment_channel::apply_force_close(w.world_.adjudicator, w.state(0, 0), payment_channel::Env{200}, check).value();
    differential(engine, w, "respond", watchtower::RespondInput{w.state(0, 0)}, 201,
                 [&](const auto& s, const auto& i, const auto& env) { return watchtower::apply_respond(s, i, env, check); }, coverage);
    EXPECT_EQ(w.world_.adjudicator.channels[0].balances, filings[0].second.new_balances) << "fork first: " << fork_first;
  }
}

// A response over more appointments than the search is unrolled for is reported, not guessed.
TEST(WatchtowerModelEngine, ReportsAResponseItCannotModel) {
  const Keys keys;
  std::mt19937_64 random(7);
  World w(keys, random);
  for (std::size_t i = 0; i <= model::max_searched_appointments; ++i)
    w.world_.tower.appointments.push_back(watchtower::EncryptedAppointment{w.random_hash(), keys.pubkey[1], Bytes(watchtower::appointment_blob_size, 0)});
  model::Engine engine(Libsecp256k1Check{});
  const model::Engine::Outcome outcome = engine.apply(w.world_, watchtower::RespondInput{w.state(0, 0)}, 200);
  EXPECT_FALSE(outcome.problem.empty());
  // One appointment fewer is modelled.
  w.world_.tower.appointments.pop_back();
  const model::Engine::Outcome modelled = engine.apply(w.world_, watchtower::RespondInput{w.state(0, 0)}, 200);
  EXPECT_TRUE(modelled.problem.empty()) << modelled.problem;
  EXPECT_EQ(modelled.error, WatchtowerError::not_disputing);
}

}  // namespace
