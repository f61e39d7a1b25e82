// The watchtower with real BIP-340 signatures, made by libsecp256k1 (an implementation independent
// of the reference's verifier): every appointment and response rule accepts and rejects, a rejected
// input changes nothing, and the named attack, a breach while the client is offline, ends with the
// latest state settled although the client sends nothing after its appointment.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "l2/ref/payment_channel.hpp"
#include "l2/ref/watchtower.hpp"
#include "l2/test/spec_rule_table.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace {

using l2::Bytes;
using l2::ChannelError;
using l2::Hash32;
using l2::u64;
using l2::WatchtowerError;
namespace pc = l2::ref::payment_channel;
namespace wt = l2::ref::watchtower;
namespace oracle = l2::test::libsecp256k1;
using pc::Adjudicator;
using pc::ChannelState;
using pc::Env;
using pc::OffChainTransaction;
using wt::WatchtowerService;
using wt::WatchtowerWorld;

constexpr u64 chain = 7;
constexpr u64 open_height = 100;
constexpr u64 timeout_height = 1100;
constexpr u64 force_height = 200;
constexpr u64 deadline = 344;  // force_height + dispute_period_blocks

enum class Digest { state, close };

class WatchtowerTest : public ::testing::Test {
 protected:
  WatchtowerTest() {
    const Bytes seed = l2::bytes_of("watchtower_test");
    for (l2::u32 i = 0; i < 3; ++i) {
      secret[i] = l2::ref::bip340::secret_from_seed(seed, i);
      key[i] = oracle::pubkey(secret[i]).value();
    }
    empty.chain_id = chain;
    empty.adjudicator_id = l2::ref::tagged_hash("test/adjudicator", seed);
    empty.config = pc::Layer2Config{2, 1000, 144, 1000, 1'000'000};
  }

  Hash32 id(u64 nonce = 0) const { return pc::channel_id(chain, empty.adjudicator_id, {key[0], key[1]}, nonce); }
  Adjudicator opened(u64 nonce = 0, const Adjudicator* from = nullptr) const {
    return pc::apply_open(from ? *from : empty, pc::OpenInput{{key[0], key[1]}, {6000, 4000}, 10000, nonce}, Env{open_height})
        .value();
  }
  Adjudicator active(u64 nonce = 0, const Adjudicator* from = nullptr) const {
    return pc::apply_fund(opened(nonce, from), pc::FundInput{id(nonce), Hash32{0x42}}, Env{open_height + 1}).value();
  }
  pc::Signature sign(std::size_t signer, const Hash32& digest) const {
    return oracle::sign(secret[signer], digest, Hash32{}).value();
  }
  OffChainTransaction cosigned(u64 sequence, std::array<u64, 2> balances, Digest kind = Digest::state, u64 nonce = 0,
                               u64 signed_chain = chain) const {
    const Hash32 d = kind == Digest::close ? pc::close_digest(signed_chain, id(nonce), sequence, balances)
                                           : pc::state_digest(signed_chain, id(nonce), sequence, balances);
    return OffChainTransaction{id(nonce), sequence, balances, {sign(0, d), sign(1, d)}};
  }
  WatchtowerWorld world_of(const Adjudicator& a, const WatchtowerService& tower = {}) const {
    WatchtowerWorld w{};
    w.adjudicator = a;
    w.tower = tower;
    return w;
  }
  // The tower holds sequence 2 (2000 / 8000); participant 0 then publishes sequence 1 (9000 / 1000) at 200.
  WatchtowerWorld breached() const {
    WatchtowerWorld w = wt::apply_appoint(world_of(active()), cosigned(2, {2000, 8000}), Env{110}).value();
    w.adjudicator = pc::apply_force_close(w.adjudicator, cosigned(1, {9000, 1000}), Env{force_height}).value();
    return w;
  }

  Hash32 secret[3]{};
  Hash32 key[3]{};
  Adjudicator empty{};
};

template <class State, class Apply>
void expect_rejected(const State& state, WatchtowerError expected, Apply apply) {
  const State before = state;
  const auto result = apply(state);
  ASSERT_FALSE(result.ok()) << "expected " << l2::error_info(expected).code;
  EXPECT_EQ(l2::error_info(result.error()).code, l2::error_info(expected).code);
  L2_EXPECT_FIELDS_EQ(before, state);
}

WatchtowerError appoint_error(const WatchtowerService& tower, const OffChainTransaction& tx, const Adjudicator& chain_view) {
  const auto r = wt::apply_appoint(tower, tx, chain_view, Env{120});
  return r.ok() ? WatchtowerError::none : r.error();
}

// ---- error codes match the spec's rule tables ----

TEST(WatchtowerErrors, EveryCodeIsARowOfTheSpecAndDistinct) {
  l2::test::expect_rule_table_matches(l2::all_watchtower_errors, "watchtower.md", "WT");
}

TEST_F(WatchtowerTest, StateRootHashesTheCanonicalEncoding) {
  const WatchtowerWorld w = breached();
  EXPECT_EQ(wt::state_root(w), oracle::tagged_hash("L2/watchtower/world", l2::reflect::encode(w)));
  EXPECT_NE(wt::state_root(w), wt::state_root(world_of(w.adjudicator)));
}

// ---- apply_appoint [WT-APPT-1 .. WT-APPT-7] ----

TEST_F(WatchtowerTest, AppointKeepsOnlyTheLatestStatePerChannel) {
  const Adjudicator first = active(1);
  const Adjudicator both = active(2, &first);
  WatchtowerService tower{};
  tower = wt::apply_appoint(tower, cosigned(1, {5000, 5000}, Digest::state, 1), both, Env{110}).value();
  tower = wt::apply_appoint(tower, cosigned(1, {3000, 7000}, Digest::state, 2), both, Env{111}).value();
  tower = wt::apply_appoint(tower, cosigned(4, {1000, 9000}, Digest::state, 1), both, Env{112}).value();
  ASSERT_EQ(tower.appointments.size(), 2u);
  // The appointment is the co-signed state itself, nothing more: it equals the challenge input.
  L2_EXPECT_FIELDS_EQ(tower.appointments[0], cosigned(4, {1000, 9000}, Digest::state, 1));
  L2_EXPECT_FIELDS_EQ(tower.appointments[1], cosigned(1, {3000, 7000}, Digest::state, 2));
}

TEST_F(WatchtowerTest, AppointAcceptsEveryLivePhase) {
  EXPECT_TRUE(wt::apply_appoint(WatchtowerService{}, cosigned(1, {5000, 5000}), opened(), Env{110}).ok());
  EXPECT_TRUE(wt::apply_appoint(WatchtowerService{}, cosigned(1, {5000, 5000}), active(), Env{110}).ok());
  EXPECT_TRUE(wt::apply_appoint(WatchtowerService{}, cosigned(2, {5000, 5000}), breached().adjudicator, Env{210}).ok());
}

TEST_F(WatchtowerTest, AppointRejectsUnknownAndEndedChannels) {
  const WatchtowerService none{};
  EXPECT_EQ(appoint_error(none, cosigned(1, {5000, 5000}, Digest::state, 9), active()), WatchtowerError::unknown_channel);
  EXPECT_EQ(appoint_error(none, cosigned(1, {5000, 5000}), empty), WatchtowerError::unknown_channel);

  const Adjudicator settled =
      pc::apply_cooperative_close(active(), cosigned(1, {5000, 5000}, Digest::close), Env{110}).value();
  EXPECT_EQ(appoint_error(none, cosigned(2, {5000, 5000}), settled), WatchtowerError::channel_ended);
  const Adjudicator closed = pc::apply_timeout(opened(), pc::ChannelRef{id()}, Env{timeout_height}).value();
  ASSERT_EQ(closed.channels[0].state, ChannelState::closed);
  EXPECT_EQ(appoint_error(none, cosigned(1, {5000, 5000}), closed), WatchtowerError::channel_ended);
  WatchtowerWorld after_settle = breached();
  after_settle.adjudicator = pc::apply_settle(after_settle.adjudicator, pc::ChannelRef{id()}, Env{deadline}).value();
  EXPECT_EQ(appoint_error(after_settle.tower, cosigned(3, {5000, 5000}), after_settle.adjudicator),
            WatchtowerError::channel_ended);
}

TEST_F(WatchtowerTest, AppointRejectsStatesThatCouldNeverAnswerABreach) {
  const WatchtowerService holding3 = wt::apply_appoint(WatchtowerService{}, cosigned(3, {5000, 5000}), active(), Env{110}).value();
  expect_rejected(holding3, WatchtowerError::stale_appointment,
                  [&](const WatchtowerService& t) { return wt::apply_appoint(t, cosigned(2, {1, 9999}), active(), Env{111}); });
  expect_rejected(holding3, WatchtowerError::stale_appointment,
                  [&](const WatchtowerService& t) { return wt::apply_appoint(t, cosigned(3, {1, 9999}), active(), Env{111}); });
  EXPECT_TRUE(wt::apply_appoint(holding3, cosigned(4, {1, 9999}), active(), Env{111}).ok());

  const Adjudicator registered4 = pc::apply_update(active(), cosigned(4, {7000, 3000}), Env{110}).value();
  const WatchtowerService none{};
  EXPECT_EQ(appoint_error(none, cosigned(3, {5000, 5000}), registered4), WatchtowerError::behind_chain);
  EXPECT_EQ(appoint_error(none, cosigned(4, {7000, 3000}), registered4), WatchtowerError::behind_chain);
  EXPECT_EQ(appoint_error(none, cosigned(5, {7000, 3000}), registered4), WatchtowerError::none);
  EXPECT_EQ(appoint_error(none, cosigned(0, {6000, 4000}), active()), WatchtowerError::behind_chain);

  EXPECT_EQ(appoint_error(none, cosigned(1, {5001, 5000}), active()), WatchtowerError::bad_balances);
  EXPECT_EQ(appoint_error(none, cosigned(1, {4999, 5000}), active()), WatchtowerError::bad_balances);
  Adjudicator unbounded = empty;
  unbounded.config.max_channel_capacity = l2::u64_max;
  unbounded = pc::apply_open(unbounded, pc::OpenInput{{key[0], key[1]}, {l2::u64_max, 0}, l2::u64_max, 0}, Env{open_height}).value();
  unbounded = pc::apply_fund(unbounded, pc::FundInput{id(), Hash32{}}, Env{open_height + 1}).value();
  EXPECT_EQ(appoint_error(none, cosigned(1, {l2::u64_max, 1}), unbounded), WatchtowerError::bad_balances);
  EXPECT_EQ(appoint_error(none, cosigned(1, {l2::u64_max - 1, 1}), unbounded), WatchtowerError::none);
}

TEST_F(WatchtowerTest, AppointVerifiesBothSignaturesOverTheStateDigest) {
  const WatchtowerService none{};
  const Hash32 d = pc::state_digest(chain, id(), 1, {5000, 5000});
  const auto with = [&](const pc::Signature& s0, const pc::Signature& s1) {
    return OffChainTransaction{id(), 1, {5000, 5000}, {s0, s1}};
  };
  EXPECT_EQ(appoint_error(none, with(sign(0, d), sign(1, d)), active()), WatchtowerError::none);
  EXPECT_EQ(appoint_error(none, with(sign(2, d), sign(1, d)), active()), WatchtowerError::bad_signature_0);
  EXPECT_EQ(appoint_error(none, with(sign(0, d), sign(2, d)), active()), WatchtowerError::bad_signature_1);
  EXPECT_EQ(appoint_error(none, with(sign(0, d), sign(0, d)), active()), WatchtowerError::bad_signature_1);
  EXPECT_EQ(appoint_error(none, with(sign(1, d), sign(0, d)), active()), WatchtowerError::bad_signature_0);
  // A close signature would let the holder end the channel; it is never a valid appointment.
  EXPECT_EQ(appoint_error(none, cosigned(1, {5000, 5000}, Digest::close), active()), WatchtowerError::bad_signature_0);
  EXPECT_EQ(appoint_error(none, cosigned(1, {5000, 5000}, Digest::state, 0, chain + 1), active()),
            WatchtowerError::bad_signature_0);
  OffChainTransaction flipped = cosigned(1, {5000, 5000});
  flipped.signatures[1][31] ^= 0x10;
  EXPECT_EQ(appoint_error(none, flipped, active()), WatchtowerError::bad_signature_1);
}

// ---- respond and apply_respond [WT-RESP-1 .. WT-RESP-5] ----

TEST_F(WatchtowerTest, BreachAnsweredWhileTheClientIsOffline) {
  // On chain: sequence 1 registered. Off chain: sequences 2 and 3, each appointed by the client
  // (participant 1), who then goes offline.
  Adjudicator chain_state = pc::apply_update(active(), cosigned(1, {9000, 1000}), Env{110}).value();
  WatchtowerWorld w = world_of(chain_state);
  w = wt::apply_appoint(w, cosigned(2, {5000, 5000}), Env{120}).value();
  w = wt::apply_appoint(w, cosigned(3, {2000, 8000}), Env{130}).value();
  // Participant 0 publishes the registered (stale) sequence 1.
  w.adjudicator = pc::apply_force_close(w.adjudicator, cosigned(1, {9000, 1000}), Env{force_height}).value();
  ASSERT_EQ(w.adjudicator.channels[0].dispute_deadline, deadline);

  const auto response = wt::respond(w.tower, id(), w.adjudicator, Env{250});
  ASSERT_TRUE(response.ok());
  L2_EXPECT_FIELDS_EQ(response.value(), cosigned(3, {2000, 8000}));
  w = wt::apply_respond(w, pc::ChannelRef{id()}, Env{250}).value();
  EXPECT_EQ(w.adjudicator.channels[0].sequence, 3u);
  EXPECT_EQ(w.adjudicator.channels[0].dispute_deadline, deadline) << "a response must not move the deadline";
  w.adjudicator = pc::apply_settle(w.adjudicator, pc::ChannelRef{id()}, Env{deadline}).value();
  EXPECT_EQ(w.adjudicator.channels[0].state, ChannelState::settled);
  EXPECT_EQ(w.adjudicator.channels[0].balances, (std::array<u64, 2>{2000, 8000}));
}

TEST_F(WatchtowerTest, ResponseBeforeAtAndAfterTheDeadline) {
  const WatchtowerWorld w = breached();
  const auto last_block = wt::apply_respond(w, pc::ChannelRef{id()}, Env{deadline - 1});
  ASSERT_TRUE(last_block.ok());
  EXPECT_EQ(last_block.value().adjudicator.channels[0].balances, (std::array<u64, 2>{2000, 8000}));
  const Adjudicator paid = pc::apply_settle(last_block.value().adjudicator, pc::ChannelRef{id()}, Env{deadline}).value();
  EXPECT_EQ(paid.channels[0].balances, (std::array<u64, 2>{2000, 8000}));

  for (const u64 late : {deadline, deadline + 1, l2::u64_max}) {
    expect_rejected(w, WatchtowerError::response_too_late,
                    [&](const WatchtowerWorld& s) { return wt::apply_respond(s, pc::ChannelRef{id()}, Env{late}); });
    // The tower's decision and the adjudicator agree on the boundary: the tower never submits a
    // challenge the adjudicator would refuse, and never holds back one it would accept.
    EXPECT_EQ(pc::apply_challenge(w.adjudicator, w.tower.appointments[0], Env{late}).error(), ChannelError::challenge_too_late);
  }
  // Unanswered, the stale state settles.
  const Adjudicator settled = pc::apply_settle(w.adjudicator, pc::ChannelRef{id()}, Env{deadline}).value();
  EXPECT_EQ(settled.channels[0].balances, (std::array<u64, 2>{9000, 1000}));
}

TEST_F(WatchtowerTest, RespondRejections) {
  WatchtowerWorld no_appointment = breached();
  no_appointment.tower = {};
  expect_rejected(no_appointment, WatchtowerError::no_appointment,
                  [&](const WatchtowerWorld& s) { return wt::apply_respond(s, pc::ChannelRef{id()}, Env{250}); });

  const WatchtowerWorld not_yet = wt::apply_appoint(world_of(active()), cosigned(2, {2000, 8000}), Env{110}).value();
  expect_rejected(not_yet, WatchtowerError::not_disputing,
                  [&](const WatchtowerWorld& s) { return wt::apply_respond(s, pc::ChannelRef{id()}, Env{250}); });
  WatchtowerWorld settled = breached();
  settled.adjudicator = pc::apply_settle(settled.adjudicator, pc::ChannelRef{id()}, Env{deadline}).value();
  expect_rejected(settled, WatchtowerError::not_disputing,
                  [&](const WatchtowerWorld& s) { return wt::apply_respond(s, pc::ChannelRef{id()}, Env{deadline}); });

  // The latest state was published: no breach.
  WatchtowerWorld honest = not_yet;
  honest.adjudicator = pc::apply_force_close(honest.adjudicator, cosigned(2, {2000, 8000}), Env{force_height}).value();
  expect_rejected(honest, WatchtowerError::no_breach,
                  [&](const WatchtowerWorld& s) { return wt::apply_respond(s, pc::ChannelRef{id()}, Env{250}); });
  // A newer state than the tower's was published by the client itself.
  WatchtowerWorld newer = not_yet;
  newer.adjudicator = pc::apply_force_close(newer.adjudicator, cosigned(5, {0, 10000}), Env{force_height}).value();
  expect_rejected(newer, WatchtowerError::no_breach,
                  [&](const WatchtowerWorld& s) { return wt::apply_respond(s, pc::ChannelRef{id()}, Env{250}); });
  // Once answered, the breach is gone.
  const WatchtowerWorld answered = wt::apply_respond(breached(), pc::ChannelRef{id()}, Env{250}).value();
  expect_rejected(answered, WatchtowerError::no_breach,
                  [&](const WatchtowerWorld& s) { return wt::apply_respond(s, pc::ChannelRef{id()}, Env{251}); });
}

TEST_F(WatchtowerTest, ACorruptedStoreIsARejectionNotACrash) {
  WatchtowerWorld corrupted = breached();
  corrupted.tower.appointments[0].signatures[1][0] ^= 0x01;
  expect_rejected(corrupted, WatchtowerError::challenge_rejected,
                  [&](const WatchtowerWorld& s) { return wt::apply_respond(s, pc::ChannelRef{id()}, Env{250}); });
  WatchtowerWorld unbalanced = breached();
  unbalanced.tower.appointments[0].new_balances = {2000, 8001};
  expect_rejected(unbalanced, WatchtowerError::challenge_rejected,
                  [&](const WatchtowerWorld& s) { return wt::apply_respond(s, pc::ChannelRef{id()}, Env{250}); });
}

TEST_F(WatchtowerTest, TimedOutChannelIsAnsweredToo) {
  WatchtowerWorld w = wt::apply_appoint(world_of(active()), cosigned(3, {1000, 9000}), Env{110}).value();
  w.adjudicator = pc::apply_timeout(w.adjudicator, pc::ChannelRef{id()}, Env{timeout_height}).value();
  w = wt::apply_respond(w, pc::ChannelRef{id()}, Env{timeout_height + 143}).value();
  w.adjudicator = pc::apply_settle(w.adjudicator, pc::ChannelRef{id()}, Env{timeout_height + 144}).value();
  EXPECT_EQ(w.adjudicator.channels[0].balances, (std::array<u64, 2>{1000, 9000}));
}

}  // namespace
