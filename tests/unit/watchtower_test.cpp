// The watchtower with real BIP-340 signatures, made by libsecp256k1, and blobs checked against
// OpenSSL's ChaCha20-Poly1305: both independent of the reference, which verifies and seals with its
// own code. Every rule of watchtower.md accepts at its boundary and rejects one step past it, in the
// spec's order; find_latest follows the appointment chain and skips every kind of useless blob; and
// each attack of the spec's "Attacks considered" and threat model is played out on a world with a
// real adjudicator: the breach answered while the client is offline ends with the client's latest
// state settled although the client sends nothing after its appointments.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "l2/ref/encoding.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/ref/watchtower.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

using l2::Bytes;
using l2::ChannelError;
using l2::Hash32;
using l2::u64;
using l2::WatchtowerError;
namespace payment_channel = l2::ref::payment_channel;
namespace watchtower = l2::ref::watchtower;
namespace oracle = l2::test::libsecp256k1;
using payment_channel::ChannelState;
using payment_channel::Env;
using payment_channel::OffChainTransaction;
using watchtower::WatchtowerWorld;

constexpr u64 chain = 7;
constexpr u64 capacity = 10000;
// Open at 100 (timeout_height 1100), fund at 101, force-close at 200: dispute_deadline 344, so the
// last block for a response is 343.
constexpr u64 open_height = 100;
constexpr u64 fund_height = 101;
constexpr u64 timeout_height = 1100;
constexpr u64 force_height = 200;
constexpr u64 dispute_period = 144;
constexpr u64 deadline = force_height + dispute_period;

// Key 0 is the counterparty (it publishes stale states), key 1 the tower's client, key 2 an outsider.
constexpr std::size_t counterparty = 0;
constexpr std::size_t client = 1;
constexpr std::size_t outsider = 2;

// ---- OpenSSL's ChaCha20-Poly1305 (EVP), sharing no code with l2::ref::chacha20_poly1305 ----
namespace openssl {

struct CipherFree {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};

// The AEAD of RFC 8439 with a 12-byte zero nonce, the watchtower's blob_nonce: ciphertext || tag.
Bytes seal(const Hash32& key, const Bytes& aad, const Bytes& plaintext) {
  const std::array<l2::u8, 12> nonce{};
  const std::unique_ptr<EVP_CIPHER_CTX, CipherFree> context(EVP_CIPHER_CTX_new());
  Bytes out(plaintext.size() + 16);
  int written = 0;
  EXPECT_EQ(EVP_EncryptInit_ex(context.get(), EVP_chacha20_poly1305(), nullptr, key.data(), nonce.data()), 1);
  EXPECT_EQ(EVP_EncryptUpdate(context.get(), nullptr, &written, aad.data(), static_cast<int>(aad.size())), 1);
  EXPECT_EQ(EVP_EncryptUpdate(context.get(), out.data(), &written, plaintext.data(), static_cast<int>(plaintext.size())), 1);
  int final_written = 0;
  EXPECT_EQ(EVP_EncryptFinal_ex(context.get(), out.data() + written, &final_written), 1);
  EXPECT_EQ(EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_AEAD_GET_TAG, 16, out.data() + plaintext.size()), 1);
  return out;
}

std::optional<Bytes> open(const Hash32& key, const Bytes& aad, const Bytes& sealed) {
  if (sealed.size() < 16) return std::nullopt;
  const std::array<l2::u8, 12> nonce{};
  const std::size_t length = sealed.size() - 16;
  Bytes tag(sealed.end() - 16, sealed.end());
  const std::unique_ptr<EVP_CIPHER_CTX, CipherFree> context(EVP_CIPHER_CTX_new());
  Bytes out(length + 1);
  int written = 0;
  EXPECT_EQ(EVP_DecryptInit_ex(context.get(), EVP_chacha20_poly1305(), nullptr, key.data(), nonce.data()), 1);
  EXPECT_EQ(EVP_DecryptUpdate(context.get(), nullptr, &written, aad.data(), static_cast<int>(aad.size())), 1);
  EXPECT_EQ(EVP_DecryptUpdate(context.get(), out.data(), &written, sealed.data(), static_cast<int>(length)), 1);
  EXPECT_EQ(EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_AEAD_SET_TAG, 16, tag.data()), 1);
  int final_written = 0;
  if (EVP_DecryptFinal_ex(context.get(), out.data() + written, &final_written) != 1) return std::nullopt;
  out.resize(length);
  return out;
}

}  // namespace openssl

// The result's code: "OK" or the error's spec code, so a failure prints both names.
template <class T, class E>
std::string_view code_of(const l2::Result<T, E>& result) {
  return result.ok() ? std::string_view{"OK"} : l2::error_info(result.error()).code;
}
template <class E>
std::string_view code(E e) {
  return l2::error_info(e).code;
}

// The value of a step the scenario needs to succeed. A rejection fails the test and ends it (the
// exception is caught by GoogleTest): Result::value() of a rejection is a default value, and a
// scenario that went on with it would index channels that are not there.
struct StepRejected : std::runtime_error {
  using std::runtime_error::runtime_error;
};
template <class T, class E>
T must(const l2::Result<T, E>& result, std::string_view step) {
  if (!result.ok())
    throw StepRejected(std::string(step) + " rejected: " + std::string(l2::error_info(result.error()).code));
  return result.value();
}

payment_channel::Layer2Config test_config() {
  payment_channel::Layer2Config config{};
  config.max_channels_per_user = 2;
  config.channel_timeout_blocks = timeout_height - open_height;
  config.dispute_period_blocks = dispute_period;
  config.min_channel_capacity = 1000;
  config.max_channel_capacity = 1'000'000;
  config.censorship_bound_blocks = 6;
  config.allocation_window_blocks = 100;
  return config;
}

// The canonical encoding of an OffChainTransaction laid out by hand (encoding.md): channel_id,
// sequence and both balances big-endian, both signatures: 184 bytes.
Bytes encoded_by_hand(const OffChainTransaction& tx) {
  Bytes out;
  l2::append(out, tx.channel_id);
  l2::put_u64_be(out, tx.sequence_number);
  l2::put_u64_be(out, tx.new_balances[0]);
  l2::put_u64_be(out, tx.new_balances[1]);
  l2::append(out, tx.signatures[0]);
  l2::append(out, tx.signatures[1]);
  return out;
}

bool contains(const Bytes& haystack, const Bytes& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

class WatchtowerTest : public ::testing::Test {
 protected:
  WatchtowerTest() {
    const Bytes seed = l2::bytes_of("watchtower_test");
    for (l2::u32 i = 0; i < 3; ++i) {
      secret[i] = l2::ref::bip340::secret_from_seed(seed, i);
      key[i] = oracle::pubkey(secret[i]).value();
    }
    adjudicator_id = oracle::tagged_hash("test/adjudicator", seed);
    tower_id = oracle::tagged_hash("test/tower", seed);
    other_tower_id = oracle::tagged_hash("test/other_tower", seed);
    empty.adjudicator = must(payment_channel::deploy(payment_channel::DeployInput{chain, adjudicator_id, test_config()}), "deploy");
    empty.tower.tower_id = tower_id;
  }

  Hash32 id(u64 nonce = 0) const { return payment_channel::channel_id(chain, adjudicator_id, {key[0], key[1]}, nonce); }
  payment_channel::Signature sign(std::size_t signer, const Hash32& digest) const {
    return oracle::sign(secret[signer], digest, Hash32{}).value();
  }

  // s_k: sequence k, balances 6000 - 1000 k / 4000 + 1000 k, co-signed by both participants. s_0
  // is the opening state.
  static std::array<u64, 2> balances_at(u64 k) { return {6000 - 1000 * k, 4000 + 1000 * k}; }
  OffChainTransaction signed_state(u64 sequence, std::array<u64, 2> balances, u64 nonce = 0,
                                   std::array<std::size_t, 2> signers = {0, 1}) const {
    const Hash32 digest = payment_channel::state_digest(chain, id(nonce), sequence, balances);
    return OffChainTransaction{id(nonce), sequence, balances, {sign(signers[0], digest), sign(signers[1], digest)}};
  }
  OffChainTransaction state(u64 k, u64 nonce = 0) const { return signed_state(k, balances_at(k), nonce); }

  // Channel `nonce` opened on s_0 at 100 and funded at 101, through the world's operations table.
  WatchtowerWorld funded(WatchtowerWorld world, u64 nonce = 0) const {
    const OffChainTransaction opening = state(0, nonce);
    world = must(watchtower::OnWorldAdjudicator<payment_channel::Open>::apply(
                     world, payment_channel::OpenInput{{key[0], key[1]}, opening.new_balances, capacity, nonce, opening.signatures},
                     Env{open_height}),
                 "open");
    return must(watchtower::OnWorldAdjudicator<payment_channel::Fund>::apply(world, payment_channel::FundInput{id(nonce), capacity}, Env{fund_height}),
                "fund");
  }
  WatchtowerWorld funded() const { return funded(empty); }
  WatchtowerWorld with_user(const WatchtowerWorld& world, std::size_t user, u64 slots) const {
    return must(watchtower::apply_register_user(world, watchtower::RegisterUserInput{key[user], slots}, Env{99}), "register_user");
  }

  // `user`'s appointment, signed by `signer` for the tower `tower`.
  watchtower::AppointInput filing(std::size_t user, const Hash32& where, const Bytes& blob, std::size_t signer,
                          const Hash32& tower) const {
    return watchtower::AppointInput{key[user], where, blob, sign(signer, watchtower::appointment_digest(tower, where, blob))};
  }
  watchtower::AppointInput filing(std::size_t user, const Hash32& where, const Bytes& blob) const {
    return filing(user, where, blob, user, tower_id);
  }
  watchtower::AppointInput filing(std::size_t user, const watchtower::ClientAppointment& appointment) const {
    return filing(user, appointment.locator, appointment.blob);
  }
  WatchtowerWorld file(const WatchtowerWorld& world, std::size_t user, const watchtower::ClientAppointment& appointment) const {
    return must(watchtower::apply_appoint(world, filing(user, appointment), Env{102}), "appoint");
  }
  // What the client files when it co-signs s_{k+1}: that state under its own signature of s_k.
  watchtower::ClientAppointment link(u64 k, u64 nonce = 0) const {
    return watchtower::appointment_for(state(k, nonce), client, state(k + 1, nonce));
  }
  // The client's chain s_0 -> s_1 -> ... -> s_latest.
  WatchtowerWorld client_files_chain(WatchtowerWorld world, u64 latest, u64 nonce = 0) const {
    for (u64 k = 0; k < latest; ++k) world = file(world, client, link(k, nonce));
    return world;
  }
  watchtower::ReleaseInput releasing(std::size_t user, const Hash32& where, std::size_t signer, const Hash32& tower) const {
    return watchtower::ReleaseInput{key[user], where, sign(signer, watchtower::release_digest(tower, key[user], where))};
  }
  WatchtowerWorld force_closed(WatchtowerWorld world, u64 k, u64 nonce = 0) const {
    return must(watchtower::OnWorldAdjudicator<payment_channel::ForceClose>::apply(world, state(k, nonce), Env{force_height}), "force_close");
  }
  // The client (5 slots) filed s_0 .. s_latest and went offline; the counterparty force-closed on
  // s_published at 200.
  WatchtowerWorld breached(u64 latest = 3, u64 published = 1) const {
    return force_closed(client_files_chain(with_user(funded(), client, 5), latest), published);
  }
  static l2::Result<WatchtowerWorld, WatchtowerError> respond(const WatchtowerWorld& world,
                                                              const OffChainTransaction& published, u64 height) {
    return watchtower::apply_respond(world, watchtower::RespondInput{published}, Env{height});
  }
  static std::optional<watchtower::Answer> latest_from(const WatchtowerWorld& world, const OffChainTransaction& published,
                                               std::size_t channel = 0) {
    return watchtower::find_latest(world.tower, world.adjudicator, world.adjudicator.channels[channel], published,
                           payment_channel::Bip340Check{});
  }

  u64 slots_of(const WatchtowerWorld& world, std::size_t user) const {
    const auto index = watchtower::find_user(world.tower, key[user]);
    return index ? world.tower.users[*index].slots : 0;
  }
  std::size_t held_by(const WatchtowerWorld& world, std::size_t user) const {
    return static_cast<std::size_t>(std::count_if(world.tower.appointments.begin(), world.tower.appointments.end(),
                                                  [&](const watchtower::EncryptedAppointment& a) { return a.user == key[user]; }));
  }

  Hash32 secret[3]{};
  Hash32 key[3]{};
  Hash32 adjudicator_id{};
  Hash32 tower_id{};
  Hash32 other_tower_id{};
  WatchtowerWorld empty{};
};

// ---- error codes match the spec's rule tables ----

TEST(WatchtowerErrors, EveryCodeIsARowOfTheSpecAndDistinct) {
  l2::test::expect_rule_table_matches(l2::all_watchtower_errors, "watchtower.md", "WT");
}

// ---- identifiers, keys and digests ----

TEST_F(WatchtowerTest, LocatorAndKeyHashTheSignatureUnderTheirOwnTags) {
  const payment_channel::Signature signature = state(1).signatures[client];
  EXPECT_EQ(watchtower::locator(signature), oracle::tagged_hash("L2/watchtower/locator", signature));
  EXPECT_EQ(watchtower::blob_key(signature), oracle::tagged_hash("L2/watchtower/blob_key", signature));
  // The tower stores locators: the key must not be the locator (one tag for both would hand it
  // every key).
  EXPECT_NE(watchtower::locator(signature), watchtower::blob_key(signature));
  // Each signature has its own locator: the counterparty's signature of the same state files elsewhere.
  EXPECT_NE(watchtower::locator(signature), watchtower::locator(state(1).signatures[counterparty]));
}

TEST_F(WatchtowerTest, SealBlobIsRfc8439UnderTheBlobKeyWithTheLocatorAsAad) {
  const payment_channel::Signature signature = state(0).signatures[client];
  const OffChainTransaction next = state(1);
  const Hash32 key_bytes = oracle::tagged_hash("L2/watchtower/blob_key", signature);
  const Hash32 where = oracle::tagged_hash("L2/watchtower/locator", signature);
  const Bytes aad(where.begin(), where.end());
  const Bytes plaintext = encoded_by_hand(next);
  ASSERT_EQ(plaintext.size(), 184u);
  EXPECT_EQ(l2::reflect::encode(next), plaintext);

  const Bytes blob = watchtower::seal_blob(signature, next);
  EXPECT_EQ(blob.size(), 200u);
  EXPECT_EQ(watchtower::appointment_blob_size, 200u);
  EXPECT_EQ(l2::to_hex(blob), l2::to_hex(openssl::seal(key_bytes, aad, plaintext)));
  const std::optional<Bytes> opened = openssl::open(key_bytes, aad, blob);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, plaintext);
  // The locator the tower stores opens nothing, and the blob is bound to its locator.
  EXPECT_FALSE(openssl::open(where, aad, blob).has_value());
  const Hash32 other = watchtower::locator(state(1).signatures[client]);
  EXPECT_FALSE(openssl::open(key_bytes, Bytes(other.begin(), other.end()), blob).has_value());
}

TEST_F(WatchtowerTest, EveryBlobHasOneSize) {
  // What the tower sees of a blob must not depend on the state: not its sequence, not its balances.
  const payment_channel::Signature signature = state(0).signatures[client];
  for (const OffChainTransaction& next :
       {state(1), signed_state(0, {capacity, 0}), signed_state(l2::u64_max, {0, capacity}), state(2, 1)})
    EXPECT_EQ(watchtower::seal_blob(signature, next).size(), watchtower::appointment_blob_size);
}

TEST_F(WatchtowerTest, AppointmentForUsesTheClientsOwnSignatureOfTheSupersededState) {
  const OffChainTransaction previous = state(1);
  const OffChainTransaction next = state(2);
  for (const std::size_t slot : {counterparty, client}) {
    const watchtower::ClientAppointment appointment = watchtower::appointment_for(previous, slot, next);
    EXPECT_EQ(appointment.locator, watchtower::locator(previous.signatures[slot]));
    EXPECT_EQ(appointment.blob, watchtower::seal_blob(previous.signatures[slot], next));
  }
  EXPECT_NE(watchtower::appointment_for(previous, counterparty, next).locator, watchtower::appointment_for(previous, client, next).locator);
}

TEST_F(WatchtowerTest, DigestsAndStateRootHashTheDocumentedBytes) {
  const watchtower::ClientAppointment appointment = link(0);
  // appointment_digest: tower_id || locator || u32 length 200 || blob = 268 bytes.
  Bytes body;
  l2::append(body, tower_id);
  l2::append(body, appointment.locator);
  l2::put_u32_be(body, 200);
  l2::append(body, appointment.blob);
  ASSERT_EQ(body.size(), 32u + 32u + 4u + 200u);
  EXPECT_EQ(watchtower::appointment_digest(tower_id, appointment.locator, appointment.blob),
            oracle::tagged_hash("L2/watchtower/appointment", body));
  // release_digest: tower_id || user || locator = 96 bytes.
  Bytes release;
  l2::append(release, tower_id);
  l2::append(release, key[client]);
  l2::append(release, appointment.locator);
  EXPECT_EQ(watchtower::release_digest(tower_id, key[client], appointment.locator),
            oracle::tagged_hash("L2/watchtower/release", release));
  // Both digests bind the tower.
  EXPECT_NE(watchtower::appointment_digest(other_tower_id, appointment.locator, appointment.blob),
            watchtower::appointment_digest(tower_id, appointment.locator, appointment.blob));
  EXPECT_NE(watchtower::release_digest(other_tower_id, key[client], appointment.locator),
            watchtower::release_digest(tower_id, key[client], appointment.locator));

  const WatchtowerWorld world = breached();
  EXPECT_EQ(watchtower::state_root(world), oracle::tagged_hash("L2/watchtower/world", l2::reflect::encode(world)));
  WatchtowerWorld without_tower = world;
  without_tower.tower = {};
  EXPECT_NE(watchtower::state_root(world), watchtower::state_root(without_tower));
}

// ---- apply_register_user [WT-USER-1, WT-USER-2] ----

TEST_F(WatchtowerTest, RegisterUserAppendsNewUsersAndAddsSlotsToKnownOnes) {
  WatchtowerWorld world = with_user(empty, client, 10);
  world = with_user(world, counterparty, 3);
  world = with_user(world, client, 5);
  ASSERT_EQ(world.tower.users.size(), 2u);
  EXPECT_EQ(world.tower.users[0].user, key[client]) << "users stay in order of first registration";
  EXPECT_EQ(world.tower.users[0].slots, 15u);
  EXPECT_EQ(world.tower.users[1].user, key[counterparty]);
  EXPECT_EQ(world.tower.users[1].slots, 3u);
  L2_EXPECT_FIELDS_EQ(world.adjudicator, empty.adjudicator);
}

TEST_F(WatchtowerTest, RegisterUserAddsOneSlotAtLeast) {
  const auto register_slots = [&](const WatchtowerWorld& world, u64 slots) {
    return watchtower::apply_register_user(world, watchtower::RegisterUserInput{key[client], slots}, Env{99});
  };
  EXPECT_EQ(code_of(register_slots(empty, 0)), code(WatchtowerError::user_no_slots));
  EXPECT_EQ(code_of(register_slots(with_user(empty, client, 4), 0)), code(WatchtowerError::user_no_slots))
      << "a known user adding nothing is refused as well";
  EXPECT_EQ(must(register_slots(empty, 1), "1 slot").tower.users[0].slots, 1u);
  EXPECT_EQ(must(register_slots(empty, 2), "2 slots").tower.users[0].slots, 2u);
}

TEST_F(WatchtowerTest, RegisterUserSlotsOverflowBoundary) {
  const auto register_slots = [&](const WatchtowerWorld& world, u64 slots) {
    return watchtower::apply_register_user(world, watchtower::RegisterUserInput{key[client], slots}, Env{99});
  };
  EXPECT_EQ(must(register_slots(empty, l2::u64_max), "UINT64_MAX").tower.users[0].slots, l2::u64_max);
  const WatchtowerWorld almost = with_user(empty, client, l2::u64_max - 1);
  EXPECT_EQ(must(register_slots(almost, 1), "to UINT64_MAX").tower.users[0].slots, l2::u64_max);
  EXPECT_EQ(code_of(register_slots(almost, 2)), code(WatchtowerError::user_slots_overflow));
  const WatchtowerWorld full = with_user(empty, client, l2::u64_max);
  EXPECT_EQ(code_of(register_slots(full, 1)), code(WatchtowerError::user_slots_overflow));
  EXPECT_EQ(code_of(register_slots(full, l2::u64_max)), code(WatchtowerError::user_slots_overflow));
  // WT-USER-1 comes first.
  EXPECT_EQ(code_of(register_slots(full, 0)), code(WatchtowerError::user_no_slots));
}

// ---- apply_appoint [WT-APPT-1 .. WT-APPT-5] ----

TEST_F(WatchtowerTest, AppointFilesTheBlobUnderItsLocatorAndTakesOneSlot) {
  const WatchtowerWorld before = with_user(funded(), client, 2);
  const watchtower::ClientAppointment appointment = link(0);
  const WatchtowerWorld after = must(watchtower::apply_appoint(before, filing(client, appointment), Env{102}), "appoint");
  ASSERT_EQ(after.tower.appointments.size(), 1u);
  EXPECT_EQ(after.tower.appointments[0].locator, appointment.locator);
  EXPECT_EQ(after.tower.appointments[0].user, key[client]);
  EXPECT_EQ(after.tower.appointments[0].blob, appointment.blob);
  EXPECT_EQ(slots_of(after, client), 1u);
  L2_EXPECT_FIELDS_EQ(after.adjudicator, before.adjudicator);
}

TEST_F(WatchtowerTest, AppointNeedsARegisteredUser) {
  const watchtower::ClientAppointment appointment = link(0);
  EXPECT_EQ(code_of(watchtower::apply_appoint(funded(), filing(client, appointment), Env{102})),
            code(WatchtowerError::unknown_user));
  // Another key's slots do not count for this user.
  EXPECT_EQ(code_of(watchtower::apply_appoint(with_user(funded(), counterparty, 5), filing(client, appointment), Env{102})),
            code(WatchtowerError::unknown_user));
  EXPECT_EQ(code_of(watchtower::apply_appoint(with_user(funded(), client, 1), filing(client, appointment), Env{102})), "OK");
}

TEST_F(WatchtowerTest, AppointBlobSizeBoundary) {
  const WatchtowerWorld world = with_user(funded(), client, 2);
  const watchtower::ClientAppointment appointment = link(0);
  for (const std::size_t size : {std::size_t{0}, std::size_t{199}, std::size_t{200}, std::size_t{201}}) {
    Bytes blob = appointment.blob;
    blob.resize(size, 0);
    // Signed over the blob as filed, so only its size can reject it.
    const auto result = watchtower::apply_appoint(world, filing(client, appointment.locator, blob), Env{102});
    EXPECT_EQ(code_of(result), size == 200 ? "OK" : code(WatchtowerError::blob_size)) << "size " << size;
  }
}

TEST_F(WatchtowerTest, AppointDuplicateLocatorIsPerUser) {
  const WatchtowerWorld world = with_user(with_user(funded(), client, 5), counterparty, 5);
  const WatchtowerWorld filed = file(world, client, link(0));
  EXPECT_EQ(code_of(watchtower::apply_appoint(filed, filing(client, link(0)), Env{103})), code(WatchtowerError::duplicate_locator));
  // Another blob under the same locator is still a duplicate for that user.
  Bytes other_blob = link(0).blob;
  other_blob[0] ^= 0x01;
  EXPECT_EQ(code_of(watchtower::apply_appoint(filed, filing(client, link(0).locator, other_blob), Env{103})),
            code(WatchtowerError::duplicate_locator));
  // Another user under the same locator, and the same user under another locator, are accepted.
  const WatchtowerWorld both = must(watchtower::apply_appoint(filed, filing(counterparty, link(0)), Env{103}), "other user");
  EXPECT_EQ(both.tower.appointments.size(), 2u);
  EXPECT_EQ(code_of(watchtower::apply_appoint(filed, filing(client, link(1)), Env{103})), "OK");
}

TEST_F(WatchtowerTest, AppointSlotBoundary) {
  // One slot: the first appointment takes it, the second finds none.
  const WatchtowerWorld one = with_user(funded(), client, 1);
  const WatchtowerWorld used = file(one, client, link(0));
  EXPECT_EQ(slots_of(used, client), 0u);
  EXPECT_EQ(code_of(watchtower::apply_appoint(used, filing(client, link(1)), Env{103})), code(WatchtowerError::no_slots));
  // Two slots: the second appointment is the last.
  const WatchtowerWorld two = file(file(with_user(funded(), client, 2), client, link(0)), client, link(1));
  EXPECT_EQ(slots_of(two, client), 0u);
  // A top-up gives the user room again.
  EXPECT_EQ(code_of(watchtower::apply_appoint(with_user(used, client, 1), filing(client, link(1)), Env{103})), "OK");
  // UINT64_MAX slots: one appointment leaves UINT64_MAX - 1.
  EXPECT_EQ(slots_of(file(with_user(funded(), client, l2::u64_max), client, link(0)), client), l2::u64_max - 1);
}

TEST_F(WatchtowerTest, AppointSignatureBindsUserTowerLocatorAndBlob) {
  const WatchtowerWorld world = with_user(with_user(funded(), client, 2), outsider, 2);
  const watchtower::ClientAppointment appointment = link(0);
  const auto appoint = [&](const watchtower::AppointInput& in) { return watchtower::apply_appoint(world, in, Env{102}); };
  EXPECT_EQ(code_of(appoint(filing(client, appointment.locator, appointment.blob, client, tower_id))), "OK");
  const std::string_view bad = code(WatchtowerError::bad_appointment_signature);
  EXPECT_EQ(code_of(appoint(filing(client, appointment.locator, appointment.blob, outsider, tower_id))), bad)
      << "signed by another registered user";
  EXPECT_EQ(code_of(appoint(filing(client, appointment.locator, appointment.blob, client, other_tower_id))), bad)
      << "signed for another tower";
  watchtower::AppointInput other_blob = filing(client, appointment.locator, appointment.blob);
  other_blob.blob[199] ^= 0x80;
  EXPECT_EQ(code_of(appoint(other_blob)), bad) << "the blob changed after signing";
  watchtower::AppointInput other_locator = filing(client, appointment.locator, appointment.blob);
  other_locator.locator = link(1).locator;
  EXPECT_EQ(code_of(appoint(other_locator)), bad) << "the locator changed after signing";
  watchtower::AppointInput flipped = filing(client, appointment.locator, appointment.blob);
  flipped.signature[63] ^= 0x01;
  EXPECT_EQ(code_of(appoint(flipped)), bad);
  // A release signature is not an appointment signature (their tags differ).
  const watchtower::AppointInput with_release_signature{key[client], appointment.locator, appointment.blob,
                                                releasing(client, appointment.locator, client, tower_id).signature};
  EXPECT_EQ(code_of(appoint(with_release_signature)), bad);
}

TEST_F(WatchtowerTest, AppointRulesAreCheckedInSpecOrder) {
  const watchtower::ClientAppointment appointment = link(0);
  Bytes short_blob = appointment.blob;
  short_blob.pop_back();
  // WT-APPT-1 before WT-APPT-2.
  EXPECT_EQ(code_of(watchtower::apply_appoint(funded(), filing(client, appointment.locator, short_blob), Env{102})),
            code(WatchtowerError::unknown_user));
  // WT-APPT-2 before WT-APPT-3: a short blob under a locator already held.
  const WatchtowerWorld held = file(with_user(funded(), client, 1), client, appointment);
  EXPECT_EQ(code_of(watchtower::apply_appoint(held, filing(client, appointment.locator, short_blob), Env{103})),
            code(WatchtowerError::blob_size));
  // WT-APPT-3 before WT-APPT-4: the user has no slot left and refiles the same locator.
  ASSERT_EQ(slots_of(held, client), 0u);
  EXPECT_EQ(code_of(watchtower::apply_appoint(held, filing(client, appointment), Env{103})), code(WatchtowerError::duplicate_locator));
  // WT-APPT-4 before WT-APPT-5: no slot and a bad signature.
  EXPECT_EQ(code_of(watchtower::apply_appoint(held, filing(client, link(1).locator, link(1).blob, outsider, tower_id), Env{103})),
            code(WatchtowerError::no_slots));
}

// ---- apply_release [WT-REL-1, WT-REL-2] ----

TEST_F(WatchtowerTest, ReleaseRemovesTheAppointmentAndGivesItsSlotBack) {
  const WatchtowerWorld filed = client_files_chain(with_user(funded(), client, 3), 3);
  ASSERT_EQ(slots_of(filed, client), 0u);
  const WatchtowerWorld released =
      must(watchtower::apply_release(filed, releasing(client, link(1).locator, client, tower_id), Env{150}), "release");
  EXPECT_EQ(slots_of(released, client), 1u);
  ASSERT_EQ(released.tower.appointments.size(), 2u);
  // The others stay, in filing order.
  EXPECT_EQ(released.tower.appointments[0].locator, link(0).locator);
  EXPECT_EQ(released.tower.appointments[1].locator, link(2).locator);
  // The freed slot and the freed locator can be used again.
  EXPECT_EQ(code_of(watchtower::apply_appoint(released, filing(client, link(1)), Env{151})), "OK");
}

TEST_F(WatchtowerTest, ReleaseNeedsTheUsersOwnAppointment) {
  const WatchtowerWorld world = file(with_user(with_user(funded(), client, 2), counterparty, 2), client, link(0));
  const std::string_view none = code(WatchtowerError::no_appointment);
  EXPECT_EQ(code_of(watchtower::apply_release(world, releasing(client, link(1).locator, client, tower_id), Env{150})), none)
      << "a locator the user never filed";
  EXPECT_EQ(code_of(watchtower::apply_release(world, releasing(counterparty, link(0).locator, counterparty, tower_id), Env{150})),
            none)
      << "the counterparty, under its own key, cannot release the client's appointment";
  const WatchtowerWorld released =
      must(watchtower::apply_release(world, releasing(client, link(0).locator, client, tower_id), Env{150}), "release");
  EXPECT_EQ(code_of(watchtower::apply_release(released, releasing(client, link(0).locator, client, tower_id), Env{151})), none)
      << "a second release of the same appointment";
}

TEST_F(WatchtowerTest, ReleaseSignatureBindsTowerUserAndLocator) {
  const WatchtowerWorld world =
      file(file(with_user(with_user(funded(), client, 2), counterparty, 2), client, link(0)), client, link(1));
  const auto release = [&](const watchtower::ReleaseInput& in) { return watchtower::apply_release(world, in, Env{150}); };
  const std::string_view bad = code(WatchtowerError::bad_release_signature);
  EXPECT_EQ(code_of(release(releasing(client, link(0).locator, client, tower_id))), "OK");
  EXPECT_EQ(code_of(release(releasing(client, link(0).locator, counterparty, tower_id))), bad) << "the counterparty signs";
  EXPECT_EQ(code_of(release(releasing(client, link(0).locator, client, other_tower_id))), bad) << "for another tower";
  watchtower::ReleaseInput other_locator = releasing(client, link(1).locator, client, tower_id);
  other_locator.locator = link(0).locator;
  EXPECT_EQ(code_of(release(other_locator)), bad) << "signed for another of the user's locators";
  const watchtower::ReleaseInput with_appointment_signature{key[client], link(0).locator, filing(client, link(0)).signature};
  EXPECT_EQ(code_of(release(with_appointment_signature)), bad) << "the appointment's own signature";
  // WT-REL-1 before WT-REL-2.
  EXPECT_EQ(code_of(release(releasing(client, link(2).locator, counterparty, tower_id))), code(WatchtowerError::no_appointment));
}

TEST_F(WatchtowerTest, ReleaseSlotSaturatesAtUint64Max) {
  // UINT64_MAX slots, one appointment (UINT64_MAX - 1), one more slot bought (UINT64_MAX): the
  // release's slot has nowhere to go and must not wrap to 0.
  WatchtowerWorld world = file(with_user(funded(), client, l2::u64_max), client, link(0));
  world = with_user(world, client, 1);
  ASSERT_EQ(slots_of(world, client), l2::u64_max);
  world = must(watchtower::apply_release(world, releasing(client, link(0).locator, client, tower_id), Env{150}), "release");
  EXPECT_EQ(slots_of(world, client), l2::u64_max);
  EXPECT_TRUE(world.tower.appointments.empty());
}

TEST_F(WatchtowerTest, AReleaseReplayedAfterRefilingRemovesTheNewAppointment) {
  // The threat model's replayer: a release binds tower, user and locator, not the blob, so a
  // client files each locator once (watchtower.md#the-clients-side). This pins that limit.
  const WatchtowerWorld world = file(with_user(funded(), client, 2), client, link(0));
  const watchtower::ReleaseInput release = releasing(client, link(0).locator, client, tower_id);
  const WatchtowerWorld refiled = file(must(watchtower::apply_release(world, release, Env{150}), "release"), client, link(0));
  const WatchtowerWorld replayed = must(watchtower::apply_release(refiled, release, Env{151}), "replayed release");
  EXPECT_TRUE(replayed.tower.appointments.empty());
}

// ---- find_latest ----

TEST_F(WatchtowerTest, FindLatestFollowsTheChainFromThePublishedState) {
  const WatchtowerWorld world = client_files_chain(with_user(funded(), client, 5), 3);
  // From the opening state: s_1, s_2, s_3, opening every appointment in turn.
  const auto from_opening = latest_from(world, state(0));
  ASSERT_TRUE(from_opening.has_value());
  L2_EXPECT_FIELDS_EQ(from_opening->latest, state(3));
  EXPECT_EQ(from_opening->opened, (std::vector<std::size_t>{0, 1, 2}));
  // From s_1: the appointment under s_0's locator cannot be reached (s_0's signatures are not in s_1).
  const auto from_one = latest_from(world, state(1));
  ASSERT_TRUE(from_one.has_value());
  L2_EXPECT_FIELDS_EQ(from_one->latest, state(3));
  EXPECT_EQ(from_one->opened, (std::vector<std::size_t>{1, 2}));
  const auto from_two = latest_from(world, state(2));
  ASSERT_TRUE(from_two.has_value());
  L2_EXPECT_FIELDS_EQ(from_two->latest, state(3));
  EXPECT_EQ(from_two->opened, (std::vector<std::size_t>{2}));
  // From the latest state: nothing.
  EXPECT_FALSE(latest_from(world, state(3)).has_value());
}

TEST_F(WatchtowerTest, FindLatestFollowsBothParticipantsSignatures) {
  // s_0 -> s_1 filed by participant 0 under its own signature, s_1 -> s_2 by participant 1 under
  // its own: the tower tries the locators of both signatures of every state it reaches.
  WatchtowerWorld world = with_user(with_user(funded(), client, 2), counterparty, 2);
  world = file(world, counterparty, watchtower::appointment_for(state(0), counterparty, state(1)));
  world = file(world, client, watchtower::appointment_for(state(1), client, state(2)));
  const auto answer = latest_from(world, state(0));
  ASSERT_TRUE(answer.has_value());
  L2_EXPECT_FIELDS_EQ(answer->latest, state(2));
  EXPECT_EQ(answer->opened, (std::vector<std::size_t>{0, 1}));
}

TEST_F(WatchtowerTest, FindLatestOpensEachAppointmentOnce) {
  // The counterparty files an exact copy of the client's s_1 -> s_2 blob: s_2 is reached twice,
  // and from each copy the s_2 -> s_3 appointment is reachable, but it opens once.
  WatchtowerWorld world = with_user(with_user(funded(), client, 5), counterparty, 5);
  world = client_files_chain(world, 3);
  world = file(world, counterparty, link(1));
  const auto answer = latest_from(world, state(1));
  ASSERT_TRUE(answer.has_value());
  L2_EXPECT_FIELDS_EQ(answer->latest, state(3));
  std::vector<std::size_t> opened = answer->opened;
  std::sort(opened.begin(), opened.end());
  EXPECT_EQ(opened, (std::vector<std::size_t>{1, 2, 3}));
}

TEST_F(WatchtowerTest, FindLatestKeepsTheFirstStateFoundOnATie) {
  // Two co-signed states with sequence 2 (which honest participants never sign): the first one in
  // the tower's order wins, as the spec says.
  const OffChainTransaction other_two = signed_state(2, {1000, 9000});
  const watchtower::ClientAppointment other_link = watchtower::appointment_for(state(1), client, other_two);
  const WatchtowerWorld users = with_user(with_user(funded(), client, 5), counterparty, 5);
  const auto other_first = latest_from(file(file(users, counterparty, other_link), client, link(1)), state(1));
  ASSERT_TRUE(other_first.has_value());
  L2_EXPECT_FIELDS_EQ(other_first->latest, other_two);
  EXPECT_EQ(other_first->opened.size(), 2u);
  const auto client_first = latest_from(file(file(users, client, link(1)), counterparty, other_link), state(1));
  ASSERT_TRUE(client_first.has_value());
  L2_EXPECT_FIELDS_EQ(client_first->latest, state(2));
}

TEST_F(WatchtowerTest, FindLatestSkipsEveryBlobThatIsNotANewerValidStateOfTheChannel) {
  // Each junk blob is filed (by the counterparty, who knows the key) under the locator of the
  // client's signature of the published s_1, so only its content can keep it out.
  const payment_channel::Signature published_signature = state(1).signatures[client];
  const Hash32 where = watchtower::locator(published_signature);
  const WatchtowerWorld base = with_user(with_user(funded(), client, 5), counterparty, 5);
  const auto sealed = [&](const OffChainTransaction& y) { return watchtower::seal_blob(published_signature, y); };
  struct Junk {
    std::string why;
    Bytes blob;
  };
  Bytes corrupted = sealed(state(2));
  corrupted[17] ^= 0x01;
  Bytes bad_tag = sealed(state(2));
  bad_tag.back() ^= 0x01;
  const payment_channel::Signature other_signature = state(0).signatures[client];
  const Hash32 close = payment_channel::close_digest(chain, id(), 2, balances_at(2));
  const OffChainTransaction close_signed{id(), 2, balances_at(2), {sign(0, close), sign(1, close)}};
  const Hash32 other_chain = payment_channel::state_digest(chain + 1, id(), 2, balances_at(2));
  const OffChainTransaction other_chain_signed{id(), 2, balances_at(2), {sign(0, other_chain), sign(1, other_chain)}};
  const std::vector<Junk> junk = {
      {"a corrupted ciphertext", corrupted},
      {"a corrupted tag", bad_tag},
      {"sealed under another signature's key", watchtower::seal_blob(other_signature, state(2))},
      {"sealed with another locator as associated data",
       l2::ref::chacha20_poly1305::seal(watchtower::blob_key(published_signature), watchtower::blob_nonce, watchtower::locator(other_signature),
                                        l2::reflect::encode(state(2)))},
      {"a state of another channel", sealed(state(2, 1))},
      {"the published state itself (not newer)", sealed(state(1))},
      {"an older state", sealed(state(0))},
      {"balances that do not sum to the capacity", sealed(signed_state(2, {4000, 6001}))},
      {"balances that overflow", sealed(signed_state(2, {l2::u64_max, 1}))},
      {"signed by the counterparty alone", sealed(signed_state(9, {capacity, 0}, 0, {0, 0}))},
      {"participant 1's signature from another state", [&] {
         OffChainTransaction forged = signed_state(9, {capacity, 0});
         forged.signatures[1] = state(3).signatures[1];
         return sealed(forged);
       }()},
      {"signatures in swapped slots", sealed(signed_state(2, balances_at(2), 0, {1, 0}))},
      {"signed over the close digest", sealed(close_signed)},
      {"signed for another chain", sealed(other_chain_signed)},
      {"185 bytes sealed (not a canonical encoding)", [&] {
         Bytes long_plaintext = l2::reflect::encode(state(2));
         long_plaintext.push_back(0);
         return l2::ref::chacha20_poly1305::seal(watchtower::blob_key(published_signature), watchtower::blob_nonce, where, long_plaintext);
       }()},
  };
  for (const Junk& j : junk) {
    WatchtowerWorld world = base;
    // The world is built directly so that even blobs WT-APPT-2 would refuse reach find_latest.
    world.tower.appointments.push_back(watchtower::EncryptedAppointment{where, key[counterparty], j.blob});
    EXPECT_FALSE(latest_from(world, state(1)).has_value()) << j.why;
  }
  // The control: the honest blob under the same locator is found.
  WatchtowerWorld honest = base;
  honest.tower.appointments.push_back(watchtower::EncryptedAppointment{where, key[counterparty], sealed(state(2))});
  EXPECT_TRUE(latest_from(honest, state(1)).has_value());
}

// ---- apply_respond [WT-RESP-1 .. WT-RESP-4] ----

TEST_F(WatchtowerTest, BreachAnsweredWhileTheClientIsOfflineThroughAChainOfThree) {
  // Attack: a stale force-close while the client is offline. The client filed s_0 -> s_1 -> s_2
  // -> s_3 and went offline; the counterparty force-closes on s_1.
  const WatchtowerWorld world = breached(3, 1);
  ASSERT_EQ(world.adjudicator.channels[0].state, ChannelState::disputing);
  ASSERT_EQ(world.adjudicator.channels[0].dispute_deadline, deadline);
  ASSERT_EQ(slots_of(world, client), 2u);

  const WatchtowerWorld answered = must(respond(world, state(1), force_height + 1), "respond");
  const payment_channel::PaymentChannel& channel = answered.adjudicator.channels[0];
  EXPECT_EQ(channel.state, ChannelState::disputing);
  EXPECT_EQ(channel.sequence, 3u);
  EXPECT_EQ(channel.balances, balances_at(3));
  EXPECT_EQ(channel.dispute_deadline, deadline) << "a response is a challenge: the deadline does not move";
  // The adjudicator's effect is exactly apply_challenge with s_3.
  L2_EXPECT_FIELDS_EQ(answered.adjudicator,
                      must(payment_channel::apply_challenge(world.adjudicator, state(3), Env{force_height + 1}), "challenge"));
  // The two appointments it opened are gone and their slots are back; s_0 -> s_1 was not reachable.
  ASSERT_EQ(answered.tower.appointments.size(), 1u);
  EXPECT_EQ(answered.tower.appointments[0].locator, link(0).locator);
  EXPECT_EQ(slots_of(answered, client), 4u);

  const payment_channel::Adjudicator paid = must(payment_channel::apply_settle(answered.adjudicator, payment_channel::ChannelRef{id()}, Env{deadline}), "settle");
  EXPECT_EQ(paid.channels[0].state, ChannelState::settled);
  EXPECT_EQ(paid.channels[0].balances, balances_at(3));
  // Without the tower the stale state would have settled.
  const payment_channel::Adjudicator unanswered = must(payment_channel::apply_settle(world.adjudicator, payment_channel::ChannelRef{id()}, Env{deadline}), "settle");
  EXPECT_EQ(unanswered.channels[0].balances, balances_at(1));
}

TEST_F(WatchtowerTest, OpeningStateBreachAnsweredAfterATimeout) {
  // Attack: the channel times out on its opening state after three updates off chain. The chain
  // starts at the opening's signatures, which the open published.
  WatchtowerWorld world = client_files_chain(with_user(funded(), client, 5), 3);
  world = must(watchtower::OnWorldAdjudicator<payment_channel::Timeout>::apply(world, payment_channel::ChannelRef{id()}, Env{timeout_height}), "timeout");
  const u64 timeout_deadline = timeout_height + dispute_period;
  ASSERT_EQ(world.adjudicator.channels[0].dispute_deadline, timeout_deadline);
  ASSERT_EQ(world.adjudicator.channels[0].sequence, 0u);

  const WatchtowerWorld answered = must(respond(world, state(0), timeout_height + 1), "respond");
  EXPECT_EQ(answered.adjudicator.channels[0].sequence, 3u);
  EXPECT_TRUE(answered.tower.appointments.empty()) << "all three appointments were opened";
  EXPECT_EQ(slots_of(answered, client), 5u);
  const payment_channel::Adjudicator paid =
      must(payment_channel::apply_settle(answered.adjudicator, payment_channel::ChannelRef{id()}, Env{timeout_deadline}), "settle");
  EXPECT_EQ(paid.channels[0].balances, balances_at(3));
  // Its boundary: the last block before that deadline answers, the deadline does not.
  EXPECT_EQ(code_of(respond(world, state(0), timeout_deadline - 1)), "OK");
  EXPECT_EQ(code_of(respond(world, state(0), timeout_deadline)), code(WatchtowerError::response_too_late));
}

TEST_F(WatchtowerTest, OpeningStateBreachAnsweredAfterAForceClose) {
  const WatchtowerWorld world = breached(3, 0);
  const WatchtowerWorld answered = must(respond(world, state(0), force_height + 1), "respond");
  EXPECT_EQ(answered.adjudicator.channels[0].sequence, 3u);
  EXPECT_EQ(answered.adjudicator.channels[0].balances, balances_at(3));
}

TEST_F(WatchtowerTest, ACheckpointedStateStartsTheChainFromItsOwnSignatures) {
  // s_2 registered by update (an on-chain checkpoint), then the counterparty force-closes on it:
  // the tower starts from s_2's signatures, read from the force-close's call data.
  WatchtowerWorld world = client_files_chain(with_user(funded(), client, 5), 4);
  world = must(watchtower::OnWorldAdjudicator<payment_channel::Update>::apply(world, state(2), Env{150}), "update");
  world = force_closed(world, 2);
  const WatchtowerWorld answered = must(respond(world, state(2), force_height + 1), "respond");
  EXPECT_EQ(answered.adjudicator.channels[0].sequence, 4u);
  EXPECT_EQ(answered.tower.appointments.size(), 2u) << "s_0 -> s_1 and s_1 -> s_2 were not opened";
}

TEST_F(WatchtowerTest, RespondRemovesExactlyTheOpenedAppointmentsWhateverTheirFilingOrder) {
  // The chain filed newest link first, then another channel's appointment: the search from s_0
  // opens the appointments at 2, 1 and 0, in that order. Whatever the order they were opened in,
  // the response removes exactly those three (watchtower.md#apply_respond) and keeps the other.
  WatchtowerWorld world = with_user(funded(), client, 5);
  for (u64 k = 3; k-- > 0;) world = file(world, client, link(k));
  const watchtower::ClientAppointment other_channel = link(0, 1);
  world = file(world, client, other_channel);
  world = force_closed(world, 0);
  const auto answer = latest_from(world, state(0));
  ASSERT_TRUE(answer.has_value());
  ASSERT_EQ(answer->opened, (std::vector<std::size_t>{2, 1, 0}));

  const WatchtowerWorld answered = must(respond(world, state(0), force_height + 1), "respond");
  EXPECT_EQ(answered.adjudicator.channels[0].sequence, 3u);
  ASSERT_EQ(answered.tower.appointments.size(), 1u);
  EXPECT_EQ(answered.tower.appointments[0].locator, other_channel.locator);
  EXPECT_EQ(answered.tower.appointments[0].blob, other_channel.blob);
  EXPECT_EQ(slots_of(answered, client), 4u) << "5 slots, 4 filed, 3 given back";
}

TEST_F(WatchtowerTest, ResponseDeadlineBoundary) {
  const WatchtowerWorld world = breached(2, 1);
  const WatchtowerWorld last_block = must(respond(world, state(1), deadline - 1), "respond at deadline - 1");
  EXPECT_EQ(last_block.adjudicator.channels[0].balances, balances_at(2));
  EXPECT_EQ(must(payment_channel::apply_settle(last_block.adjudicator, payment_channel::ChannelRef{id()}, Env{deadline}), "settle").channels[0].balances,
            balances_at(2));
  for (const u64 late : {deadline, deadline + 1, l2::u64_max}) {
    EXPECT_EQ(code_of(respond(world, state(1), late)), code(WatchtowerError::response_too_late)) << "height " << late;
    // The tower's boundary is the adjudicator's (PC-CHAL-2).
    EXPECT_EQ(code_of(payment_channel::apply_challenge(world.adjudicator, state(2), Env{late})), code(ChannelError::challenge_too_late));
  }
  // And the force-close's own block.
  EXPECT_EQ(code_of(respond(world, state(1), force_height)), "OK");
}

TEST_F(WatchtowerTest, RespondNeedsADisputingChannel) {
  const std::string_view not_disputing = code(WatchtowerError::not_disputing);
  const WatchtowerWorld active = client_files_chain(with_user(funded(), client, 5), 2);
  EXPECT_EQ(code_of(respond(active, state(0), 150)), not_disputing) << "active";
  EXPECT_EQ(code_of(respond(with_user(empty, client, 5), state(1), 150)), not_disputing) << "never opened";
  EXPECT_EQ(code_of(respond(active, state(1, 1), 150)), not_disputing) << "another channel id";
  const OffChainTransaction opening = state(0);
  const WatchtowerWorld opened =
      must(watchtower::OnWorldAdjudicator<payment_channel::Open>::apply(
               empty, payment_channel::OpenInput{{key[0], key[1]}, opening.new_balances, capacity, 0, opening.signatures}, Env{open_height}),
           "open");
  EXPECT_EQ(code_of(respond(opened, opening, 150)), not_disputing) << "opening";
  const WatchtowerWorld closed =
      must(watchtower::OnWorldAdjudicator<payment_channel::Timeout>::apply(opened, payment_channel::ChannelRef{id()}, Env{timeout_height}), "timeout");
  ASSERT_EQ(closed.adjudicator.channels[0].state, ChannelState::closed);
  EXPECT_EQ(code_of(respond(closed, opening, timeout_height)), not_disputing) << "closed";
  WatchtowerWorld settled = breached(2, 1);
  settled = must(watchtower::OnWorldAdjudicator<payment_channel::Settle>::apply(settled, payment_channel::ChannelRef{id()}, Env{deadline}), "settle");
  EXPECT_EQ(code_of(respond(settled, state(1), deadline)), not_disputing) << "settled";
}

TEST_F(WatchtowerTest, RespondNeedsTheRegisteredState) {
  const WatchtowerWorld world = breached(3, 1);
  const std::string_view not_published = code(WatchtowerError::not_published_state);
  EXPECT_EQ(code_of(respond(world, state(0), 250)), not_published) << "an older sequence";
  EXPECT_EQ(code_of(respond(world, state(2), 250)), not_published) << "a newer sequence";
  EXPECT_EQ(code_of(respond(world, signed_state(1, {8000, 2000}), 250)), not_published) << "same sequence, other balances";
  // Sequence and balances are the registered ones: WT-RESP-2 holds, since signatures are not
  // checked; other ones derive keys that open nothing newer.
  OffChainTransaction other_signatures = state(1);
  other_signatures.signatures = state(0).signatures;
  EXPECT_EQ(code_of(respond(world, other_signatures, 250)), code(WatchtowerError::nothing_newer))
      << "s_0's signatures open only s_1, which is not newer than the sequence 1 claimed";
  OffChainTransaction junk_signatures = state(1);
  junk_signatures.signatures[0][5] ^= 0x01;
  junk_signatures.signatures[1][5] ^= 0x01;
  EXPECT_EQ(code_of(respond(world, junk_signatures, 250)), code(WatchtowerError::nothing_newer));
}

TEST_F(WatchtowerTest, RespondNeedsSomethingNewer) {
  const std::string_view nothing = code(WatchtowerError::nothing_newer);
  EXPECT_EQ(code_of(respond(breached(2, 2), state(2), 250)), nothing) << "the latest state was published";
  WatchtowerWorld no_appointments = breached(2, 1);
  no_appointments.tower.appointments.clear();
  EXPECT_EQ(code_of(respond(no_appointments, state(1), 250)), nothing);
  // The client released s_1 -> s_2 before the breach.
  WatchtowerWorld released = client_files_chain(with_user(funded(), client, 5), 2);
  released = must(watchtower::apply_release(released, releasing(client, link(1).locator, client, tower_id), Env{150}), "release");
  EXPECT_EQ(code_of(respond(force_closed(released, 1), state(1), 250)), nothing);
  // A second response: the answer is registered and its appointments are gone.
  const WatchtowerWorld answered = must(respond(breached(2, 1), state(1), 250), "respond");
  EXPECT_EQ(code_of(respond(answered, state(1), 251)), code(WatchtowerError::not_published_state));
  EXPECT_EQ(code_of(respond(answered, state(2), 251)), nothing);
}

TEST_F(WatchtowerTest, RespondRulesAreCheckedInSpecOrder) {
  const WatchtowerWorld world = breached(2, 1);
  // WT-RESP-2 before WT-RESP-3.
  EXPECT_EQ(code_of(respond(world, state(0), deadline)), code(WatchtowerError::not_published_state));
  // WT-RESP-3 before WT-RESP-4.
  EXPECT_EQ(code_of(respond(breached(2, 2), state(2), deadline)), code(WatchtowerError::response_too_late));
}

// ---- attacks considered and the threat model ----

TEST_F(WatchtowerTest, CounterpartySquattingTheClientsLocatorWithJunkFails) {
  // The counterparty knows the client's signature of s_1 and files junk under its locator before
  // the client files s_1 -> s_2 there. Duplicates are per user: the client's filing is accepted.
  watchtower::ClientAppointment junk = link(1);
  junk.blob[40] ^= 0x04;
  WatchtowerWorld world = with_user(with_user(funded(), client, 5), counterparty, 5);
  world = file(world, counterparty, junk);
  world = force_closed(client_files_chain(world, 3), 1);
  const WatchtowerWorld answered = must(respond(world, state(1), force_height + 1), "respond");
  EXPECT_EQ(answered.adjudicator.channels[0].sequence, 3u);
  // The junk did not open, so it stays, on the counterparty's slot.
  ASSERT_EQ(held_by(answered, counterparty), 1u);
  EXPECT_EQ(slots_of(answered, counterparty), 4u);
}

TEST_F(WatchtowerTest, CounterpartyBlobHoldingAnOlderValidStateIsIgnored) {
  // Valid encryptions under the client's locator of s_1, holding s_1 and s_0: both co-signed, both
  // not newer than the state they are reached from.
  const payment_channel::Signature published_signature = state(1).signatures[client];
  const Hash32 where = watchtower::locator(published_signature);
  WatchtowerWorld world = with_user(with_user(funded(), client, 5), counterparty, 5);
  world = must(watchtower::apply_appoint(world, filing(counterparty, where, watchtower::seal_blob(published_signature, state(1))), Env{101}),
               "older blob");
  world = force_closed(client_files_chain(world, 3), 1);
  // And s_0, sealed under the client's locator of s_2, which the tower reaches next.
  const payment_channel::Signature second = state(2).signatures[client];
  world = must(watchtower::apply_appoint(world, filing(counterparty, watchtower::locator(second), watchtower::seal_blob(second, state(0))), Env{201}),
               "older blob");
  const WatchtowerWorld answered = must(respond(world, state(1), force_height + 2), "respond");
  EXPECT_EQ(answered.adjudicator.channels[0].sequence, 3u);
  EXPECT_EQ(answered.adjudicator.channels[0].balances, balances_at(3));
  EXPECT_EQ(held_by(answered, counterparty), 2u) << "neither older blob opened";
}

TEST_F(WatchtowerTest, ACopyOfTheClientsBlobOrAForgedNewerStateCannotChangeTheAnswer) {
  // The counterparty files an exact copy of the client's s_1 -> s_2 blob, and, under the client's
  // locator of s_2, a state of sequence 9 paying it everything, with the client's signature of s_3.
  const payment_channel::Signature second = state(2).signatures[client];
  OffChainTransaction forged = signed_state(9, {capacity, 0});
  forged.signatures[client] = state(3).signatures[client];
  WatchtowerWorld world = with_user(with_user(funded(), client, 5), counterparty, 5);
  world = file(world, counterparty, link(1));
  world = must(watchtower::apply_appoint(world, filing(counterparty, watchtower::locator(second), watchtower::seal_blob(second, forged)), Env{101}),
               "forged blob");
  world = force_closed(client_files_chain(world, 3), 1);
  const WatchtowerWorld answered = must(respond(world, state(1), force_height + 1), "respond");
  EXPECT_EQ(answered.adjudicator.channels[0].sequence, 3u);
  // The copy opened (to s_2, a valid state) and its slot went back; the forgery did not open.
  EXPECT_EQ(held_by(answered, counterparty), 1u);
  EXPECT_EQ(slots_of(answered, counterparty), 4u);
}

TEST_F(WatchtowerTest, AnotherChannelsStateUnderTheClientsLocatorIsIgnored) {
  // The client's second channel with the same counterparty: a valid state of it sealed under the
  // first channel's locator is not an answer for the first, and stays filed.
  const payment_channel::Signature published_signature = state(1).signatures[client];
  WatchtowerWorld world = funded(with_user(with_user(funded(), client, 5), counterparty, 5), 1);
  world = must(watchtower::apply_appoint(world,
                                 filing(counterparty, watchtower::locator(published_signature),
                                        watchtower::seal_blob(published_signature, state(5, 1))),
                                 Env{102}),
               "other channel's state");
  world = force_closed(client_files_chain(world, 2), 1);
  const WatchtowerWorld answered = must(respond(world, state(1), force_height + 1), "respond");
  EXPECT_EQ(answered.adjudicator.channels[0].sequence, 2u);
  EXPECT_EQ(answered.adjudicator.channels[1].sequence, 0u) << "the other channel is untouched";
  EXPECT_EQ(held_by(answered, counterparty), 1u);
}

TEST_F(WatchtowerTest, CorruptedBlobIsSkipped) {
  // An outsider files a corrupted copy of the client's next blob under its locator first.
  watchtower::ClientAppointment corrupted = link(1);
  corrupted.blob[17] ^= 0x01;
  WatchtowerWorld world = with_user(with_user(funded(), client, 5), outsider, 5);
  world = file(world, outsider, corrupted);
  world = force_closed(client_files_chain(world, 2), 1);
  EXPECT_EQ(must(respond(world, state(1), force_height + 1), "respond").adjudicator.channels[0].sequence, 2u);
  // If the corrupted blob is the only one under the locator, there is nothing to answer with.
  WatchtowerWorld only_corrupted = file(with_user(funded(), client, 5), client, link(0));
  only_corrupted = force_closed(file(only_corrupted, client, corrupted), 1);
  EXPECT_EQ(code_of(respond(only_corrupted, state(1), force_height + 1)), code(WatchtowerError::nothing_newer));
}

TEST_F(WatchtowerTest, AppointmentForAnotherTowerIsRefused) {
  // A signed appointment for another tower replayed to this one.
  const WatchtowerWorld world = with_user(funded(), client, 2);
  const watchtower::AppointInput for_other = filing(client, link(0).locator, link(0).blob, client, other_tower_id);
  EXPECT_EQ(code_of(watchtower::apply_appoint(world, for_other, Env{102})), code(WatchtowerError::bad_appointment_signature));
  // And at its own tower it is accepted.
  WatchtowerWorld other = world;
  other.tower.tower_id = other_tower_id;
  EXPECT_EQ(code_of(watchtower::apply_appoint(other, for_other, Env{102})), "OK");
  // The same signed appointment replayed to the same tower is a duplicate.
  const WatchtowerWorld filed = must(watchtower::apply_appoint(other, for_other, Env{102}), "appoint");
  EXPECT_EQ(code_of(watchtower::apply_appoint(filed, for_other, Env{103})), code(WatchtowerError::duplicate_locator));
}

TEST_F(WatchtowerTest, StorageIsPaidByTheFilersOwnSlots) {
  // An attacker with 2 slots fills them with junk under the client's locators; its third filing
  // is refused, and the client's slots and filings are untouched.
  WatchtowerWorld world = with_user(with_user(funded(), client, 3), outsider, 2);
  for (u64 k = 0; k < 2; ++k) {
    watchtower::ClientAppointment junk = link(k);
    junk.blob[0] ^= 0xff;
    world = file(world, outsider, junk);
  }
  watchtower::ClientAppointment third = link(2);
  third.blob[0] ^= 0xff;
  EXPECT_EQ(code_of(watchtower::apply_appoint(world, filing(outsider, third), Env{102})), code(WatchtowerError::no_slots));
  EXPECT_EQ(slots_of(world, client), 3u);
  world = client_files_chain(world, 3);
  EXPECT_EQ(slots_of(world, client), 0u);
  EXPECT_EQ(held_by(world, client), 3u);
}

TEST_F(WatchtowerTest, AChallengeThatLandsFirstMovesThePublishedState) {
  // Someone challenges with s_2 before the tower's response lands: the tower's response to s_1 is
  // stale (WT-RESP-2), and the tower answers the new registered state s_2 with s_3.
  WatchtowerWorld world = breached(3, 1);
  world = must(watchtower::OnWorldAdjudicator<payment_channel::Challenge>::apply(world, state(2), Env{210}), "challenge");
  EXPECT_EQ(code_of(respond(world, state(1), 211)), code(WatchtowerError::not_published_state));
  const WatchtowerWorld answered = must(respond(world, state(2), 211), "respond");
  EXPECT_EQ(answered.adjudicator.channels[0].sequence, 3u);
  EXPECT_EQ(answered.adjudicator.channels[0].dispute_deadline, deadline);
}

TEST_F(WatchtowerTest, EachChannelOfAClientIsAnsweredSeparately) {
  // Two channels between the same keys, each with its own chain at the tower.
  WatchtowerWorld world = funded(with_user(funded(), client, 10), 1);
  world = client_files_chain(world, 2, 0);
  world = client_files_chain(world, 3, 1);
  world = force_closed(world, 0, 1);
  const WatchtowerWorld answered = must(respond(world, state(0, 1), force_height + 1), "respond on channel 1");
  EXPECT_EQ(answered.adjudicator.channels[1].sequence, 3u);
  EXPECT_EQ(answered.adjudicator.channels[0].state, ChannelState::active);
  ASSERT_EQ(answered.tower.appointments.size(), 2u) << "channel 0's chain is untouched";
  EXPECT_EQ(answered.tower.appointments[0].locator, link(0, 0).locator);
  EXPECT_EQ(answered.tower.appointments[1].locator, link(1, 0).locator);
}

TEST_F(WatchtowerTest, TheTowerStoresNothingReadableBeforeABreach) {
  // Before a breach the tower holds locators, user keys and blobs: never the channel id, a
  // balance pair or a signature of any state in the clear.
  const WatchtowerWorld world = client_files_chain(with_user(funded(), client, 5), 3);
  const Bytes stored = l2::reflect::encode(world.tower);
  const Hash32 channel = id();
  EXPECT_FALSE(contains(stored, Bytes(channel.begin(), channel.end())));
  for (u64 k = 0; k <= 3; ++k) {
    const OffChainTransaction s = state(k);
    for (const payment_channel::Signature& signature : s.signatures)
      EXPECT_FALSE(contains(stored, Bytes(signature.begin(), signature.end()))) << "a signature of s_" << k;
    const Bytes encoded = l2::reflect::encode(s);
    EXPECT_FALSE(contains(stored, Bytes(encoded.begin() + 32, encoded.begin() + 56))) << "the sequence and balances of s_" << k;
  }
}

TEST_F(WatchtowerTest, SlotsAccountForStorageThroughAScenario) {
  // slots + appointments held == slots registered, for every user after every step (no step here
  // saturates, where the spec's invariant is an inequality).
  std::map<std::size_t, u64> registered;
  WatchtowerWorld world = funded();
  const auto check = [&](std::string_view step) {
    for (const auto& [user, total] : registered)
      EXPECT_EQ(slots_of(world, user) + held_by(world, user), total) << "user " << user << " after " << step;
  };
  const auto buy = [&](std::size_t user, u64 slots) {
    world = with_user(world, user, slots);
    registered[user] += slots;
    check("register_user");
  };
  buy(client, 4);
  buy(counterparty, 2);
  for (u64 k = 0; k < 3; ++k) {
    world = file(world, client, link(k));
    check("appoint");
  }
  world = file(world, counterparty, link(1));
  check("counterparty appoint");
  watchtower::ClientAppointment junk = link(2);
  junk.blob[3] ^= 0x10;
  world = file(world, counterparty, junk);
  check("junk appoint");
  EXPECT_EQ(code_of(watchtower::apply_appoint(world, filing(counterparty, link(0)), Env{102})), code(WatchtowerError::no_slots));
  world = must(watchtower::apply_release(world, releasing(client, link(0).locator, client, tower_id), Env{150}), "release");
  check("release");
  buy(client, 1);
  world = force_closed(world, 1);
  world = must(respond(world, state(1), force_height + 1), "respond");
  check("respond");
  EXPECT_EQ(world.adjudicator.channels[0].sequence, 3u);
  // The client's opened appointments and the counterparty's opened copy are gone; the junk stays.
  EXPECT_EQ(held_by(world, client), 0u);
  EXPECT_EQ(held_by(world, counterparty), 1u);
}

// ---- the operations table ----

TEST_F(WatchtowerTest, OperationsTableNamesEveryVectorOp) {
  // watchtower.md#vector-operations-mechanism-watchtower: the tower's four ops, then the payment
  // channel's eight.
  const std::vector<std::string_view> expected = {"register_user", "appoint", "release", "respond",
                                                  "open", "fund", "update", "cooperative_close",
                                                  "force_close", "challenge", "settle", "timeout"};
  ASSERT_EQ(watchtower::Operations::count, expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(watchtower::Operations::names[i], expected[i]);
    const auto parsed = watchtower::Operations::parse(expected[i]);
    ASSERT_TRUE(parsed.has_value()) << expected[i];
    EXPECT_EQ(watchtower::Operations::index(*parsed), i);
  }
  EXPECT_FALSE(watchtower::Operations::parse("deploy").has_value());
}

TEST_F(WatchtowerTest, ChannelOpsOnTheWorldChangeOnlyTheAdjudicator) {
  const WatchtowerWorld world = client_files_chain(with_user(funded(), client, 5), 2);
  const auto updated = watchtower::OnWorldAdjudicator<payment_channel::Update>::apply(world, state(1), Env{150});
  ASSERT_TRUE(updated.ok());
  L2_EXPECT_FIELDS_EQ(updated.value().tower, world.tower);
  EXPECT_EQ(updated.value().adjudicator.channels[0].sequence, 1u);
  // Their errors are the PC codes.
  const OffChainTransaction opening = state(0, 1);
  const WatchtowerWorld opened = must(
      watchtower::OnWorldAdjudicator<payment_channel::Open>::apply(
          world, payment_channel::OpenInput{{key[0], key[1]}, opening.new_balances, capacity, 1, opening.signatures}, Env{150}),
      "open");
  L2_EXPECT_FIELDS_EQ(opened.tower, world.tower);
  for (const u64 value : {capacity - 1, capacity + 1})
    EXPECT_EQ(code_of(watchtower::OnWorldAdjudicator<payment_channel::Fund>::apply(opened, payment_channel::FundInput{id(1), value}, Env{151})),
              code(ChannelError::fund_wrong_amount));
  const auto stale = watchtower::OnWorldAdjudicator<payment_channel::Update>::apply(updated.value(), state(1), Env{151});
  EXPECT_EQ(code_of(stale), code(ChannelError::stale_sequence));
}

TEST_F(WatchtowerTest, RespondDispatchedThroughTheTableIsApplyRespond) {
  const WatchtowerWorld world = breached(3, 1);
  const auto via_table = watchtower::Respond::apply(world, watchtower::RespondInput{state(1)}, Env{250});
  ASSERT_TRUE(via_table.ok());
  L2_EXPECT_FIELDS_EQ(via_table.value(), must(respond(world, state(1), 250), "respond"));
}

}  // namespace
