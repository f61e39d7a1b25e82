// Payment-channel scenarios checked at compile time: this file compiling is the test passing.
//
// Constant-evaluating one BIP-340 signature plus its verification costs several seconds, and a
// scenario needs a dozen, so these scenarios run every transition with l2::test::ToySignatureCheck
// in place of BIP-340. That keeps everything signature-independent real (phases, heights, sequence
// numbers, balances, digests and which key a signature must come from) while the signature scheme
// is the abstraction the Z3 model uses. The same scenarios with real BIP-340 signatures run in
// tests/unit/payment_channel_test.cpp.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <variant>

#include "l2/ref/payment_channel.hpp"
#include "l2/test/toy_signature.hpp"

namespace {

using l2::ChannelError;
using l2::Hash32;
using l2::u64;
namespace payment_channel = l2::ref::payment_channel;
using payment_channel::Adjudicator;
using payment_channel::ChannelState;
using payment_channel::Env;
using payment_channel::OffChainTransaction;

using l2::test::toy_sign;
using l2::test::toy;

using l2::test::key;
constexpr Hash32 alice = key(0xa1);
constexpr Hash32 bob = key(0xb2);
constexpr Hash32 carol = key(0xc3);
constexpr u64 chain = 1;
constexpr Hash32 adjudicator_id = key(0xcc);

// The vectors' configuration (payment_channel.md#vector-operations): censorship bound 6.
constexpr payment_channel::Layer2Config valid_config() { return payment_channel::Layer2Config{2, 1000, 144, 1000, 1'000'000, 6, 100}; }

constexpr ChannelError deploy_error(const payment_channel::Layer2Config& config) {
  const auto r = payment_channel::deploy(payment_channel::DeployInput{chain, adjudicator_id, config});
  return r.ok() ? ChannelError::none : r.error();
}

constexpr Adjudicator empty_adjudicator() { return payment_channel::deploy(payment_channel::DeployInput{chain, adjudicator_id, valid_config()}).value(); }

constexpr Hash32 channel_of(const std::array<Hash32, 2>& participants, u64 nonce) {
  return payment_channel::channel_id(chain, adjudicator_id, participants, nonce);
}
constexpr Hash32 first_channel_id() { return channel_of({alice, bob}, 7); }

// An open of (participants, nonce) with both participants' toy signatures of its sequence-0 state.
constexpr payment_channel::OpenInput signed_open(const std::array<Hash32, 2>& participants, u64 nonce,
                                    const std::array<u64, 2>& balances = {6000, 4000}, u64 capacity = 10000) {
  const Hash32 opening = payment_channel::state_digest(chain, channel_of(participants, nonce), 0, balances);
  return payment_channel::OpenInput{participants, balances, capacity, nonce,
                       {toy_sign(participants[0], opening), toy_sign(participants[1], opening)}};
}
constexpr payment_channel::OpenInput open_input(u64 nonce) { return signed_open({alice, bob}, nonce); }

constexpr ChannelError open_error(const Adjudicator& a, const payment_channel::OpenInput& in, u64 height = 100) {
  const auto r = payment_channel::apply_open(a, in, Env{height}, toy);
  return r.ok() ? ChannelError::none : r.error();
}
constexpr Adjudicator opened(u64 nonce = 7) { return payment_channel::apply_open(empty_adjudicator(), open_input(nonce), Env{100}, toy).value(); }

// Open at height 100 and fund at 101: an Active channel, sequence 0, balances 6000/4000.
constexpr Adjudicator active_channel() {
  return payment_channel::apply_fund(opened(), payment_channel::FundInput{first_channel_id(), 10000}, Env{101}).value();
}

constexpr OffChainTransaction cosigned(u64 sequence, u64 to_alice, u64 to_bob, bool close = false) {
  const Hash32 id = first_channel_id();
  const std::array<u64, 2> balances{to_alice, to_bob};
  const Hash32 digest = close ? payment_channel::close_digest(chain, id, sequence, balances) : payment_channel::state_digest(chain, id, sequence, balances);
  return OffChainTransaction{id, sequence, balances, {toy_sign(alice, digest), toy_sign(bob, digest)}};
}

constexpr const payment_channel::PaymentChannel& only(const Adjudicator& a) { return a.channels[0]; }

// ---- deploy [PC-DEPLOY-1, PC-DEPLOY-2, PC-DEPLOY-3, PC-DEPLOY-4, PC-DEPLOY-5, PC-DEPLOY-6] ----
constexpr bool deploy_creates_an_empty_adjudicator() {
  const Adjudicator a = empty_adjudicator();
  return a.chain_id == chain && a.adjudicator_id == adjudicator_id && a.channels.empty() &&
         l2::reflect::equal(a.config, valid_config());
}
static_assert(deploy_creates_an_empty_adjudicator());
static_assert(deploy_error(valid_config()) == ChannelError::none);

constexpr payment_channel::Layer2Config with_censorship_bound(u64 v) { auto c = valid_config(); c.censorship_bound_blocks = v; return c; }
constexpr payment_channel::Layer2Config with_dispute_period(u64 v) { auto c = valid_config(); c.dispute_period_blocks = v; return c; }
constexpr payment_channel::Layer2Config with_channel_timeout(u64 v) { auto c = valid_config(); c.channel_timeout_blocks = v; return c; }
constexpr payment_channel::Layer2Config with_capacities(u64 min, u64 max) {
  auto c = valid_config();
  c.min_channel_capacity = min;
  c.max_channel_capacity = max;
  return c;
}
constexpr payment_channel::Layer2Config with_channel_limit(u64 v) { auto c = valid_config(); c.max_channels_per_user = v; return c; }
constexpr payment_channel::Layer2Config with_allocation_window(u64 v) { auto c = valid_config(); c.allocation_window_blocks = v; return c; }

// PC-DEPLOY-1: the bound is at least 1 (no L1 includes a transaction in the block it reacts to).
static_assert(deploy_error(with_censorship_bound(0)) == ChannelError::config_censorship_bound);
static_assert(deploy_error(with_censorship_bound(1)) == ChannelError::none);
static_assert(deploy_error(with_censorship_bound(2)) == ChannelError::none);
// A bound no window can exceed: PC-DEPLOY-2 is the first to refuse it.
static_assert(deploy_error(with_censorship_bound(l2::u64_max)) == ChannelError::config_dispute_period);
// PC-DEPLOY-2..3, 6: each window is strictly above the bound (6): bound - 1 and bound fail, bound + 1 passes.
static_assert(deploy_error(with_dispute_period(0)) == ChannelError::config_dispute_period);
static_assert(deploy_error(with_dispute_period(5)) == ChannelError::config_dispute_period);
static_assert(deploy_error(with_dispute_period(6)) == ChannelError::config_dispute_period);
static_assert(deploy_error(with_dispute_period(7)) == ChannelError::none);
static_assert(deploy_error(with_dispute_period(l2::u64_max)) == ChannelError::none);
static_assert(deploy_error(with_channel_timeout(5)) == ChannelError::config_channel_timeout);
static_assert(deploy_error(with_channel_timeout(6)) == ChannelError::config_channel_timeout);
static_assert(deploy_error(with_channel_timeout(7)) == ChannelError::none);
static_assert(deploy_error(with_allocation_window(5)) == ChannelError::config_allocation_window);
static_assert(deploy_error(with_allocation_window(6)) == ChannelError::config_allocation_window);
static_assert(deploy_error(with_allocation_window(7)) == ChannelError::none);
// PC-DEPLOY-4: 1 <= min <= max, at min 0 / 1 and at min = max - 1, max, max + 1.
static_assert(deploy_error(with_capacities(0, 1'000'000)) == ChannelError::config_capacity_range);
static_assert(deploy_error(with_capacities(1, 1'000'000)) == ChannelError::none);
static_assert(deploy_error(with_capacities(2, 1'000'000)) == ChannelError::none);
static_assert(deploy_error(with_capacities(999'999, 1'000'000)) == ChannelError::none);
static_assert(deploy_error(with_capacities(1'000'000, 1'000'000)) == ChannelError::none);
static_assert(deploy_error(with_capacities(1'000'001, 1'000'000)) == ChannelError::config_capacity_range);
static_assert(deploy_error(with_capacities(0, 0)) == ChannelError::config_capacity_range);
static_assert(deploy_error(with_capacities(l2::u64_max, l2::u64_max)) == ChannelError::none);
// PC-DEPLOY-5: at least one channel per user.
static_assert(deploy_error(with_channel_limit(0)) == ChannelError::config_channel_limit);
static_assert(deploy_error(with_channel_limit(1)) == ChannelError::none);
static_assert(deploy_error(with_channel_limit(2)) == ChannelError::none);

// A configuration that breaks rule `rule` (1..6) and touches no other field.
constexpr payment_channel::Layer2Config break_rule(payment_channel::Layer2Config c, std::size_t rule) {
  switch (rule) {
    case 1: c.censorship_bound_blocks = 0; break;
    case 2: c.dispute_period_blocks = c.censorship_bound_blocks; break;
    case 3: c.channel_timeout_blocks = c.censorship_bound_blocks; break;
    case 4: c.min_channel_capacity = 0; break;
    case 5: c.max_channels_per_user = 0; break;
    default: c.allocation_window_blocks = c.censorship_bound_blocks; break;
  }
  return c;
}
constexpr std::array<ChannelError, 7> deploy_rule_error = {
    ChannelError::none,                  ChannelError::config_censorship_bound, ChannelError::config_dispute_period,
    ChannelError::config_channel_timeout, ChannelError::config_capacity_range,  ChannelError::config_channel_limit,
    ChannelError::config_allocation_window};
// The rules are checked in the spec's order: of any two broken rules, the earlier one is reported.
constexpr bool the_first_broken_deploy_rule_is_reported() {
  for (std::size_t first = 1; first <= 6; ++first) {
    if (deploy_error(break_rule(valid_config(), first)) != deploy_rule_error[first]) return false;
    for (std::size_t second = first + 1; second <= 6; ++second)
      if (deploy_error(break_rule(break_rule(valid_config(), first), second)) != deploy_rule_error[first]) return false;
  }
  return true;
}
static_assert(the_first_broken_deploy_rule_is_reported());

// Why PC-DEPLOY-2 is `>`: with the smallest window the bound allows, an honest challenge sent after
// the force-close's block lands by force height + bound, which is still below the deadline.
constexpr bool the_smallest_dispute_window_admits_an_honest_answer() {
  Adjudicator a = payment_channel::deploy(payment_channel::DeployInput{chain, adjudicator_id, with_dispute_period(7)}).value();
  a = payment_channel::apply_open(a, open_input(7), Env{100}, toy).value();
  a = payment_channel::apply_fund(a, payment_channel::FundInput{first_channel_id(), 10000}, Env{101}).value();
  a = payment_channel::apply_force_close(a, cosigned(1, 9000, 1000), Env{200}, toy).value();
  if (only(a).dispute_deadline != 207) return false;
  return payment_channel::apply_challenge(a, cosigned(2, 2000, 8000), Env{200 + 6}, toy).ok() &&
         payment_channel::apply_challenge(a, cosigned(2, 2000, 8000), Env{200 + 7}, toy).error() == ChannelError::challenge_too_late;
}
static_assert(the_smallest_dispute_window_admits_an_honest_answer());

// ---- the operations table and the error list ----
static_assert(payment_channel::channel_op_count == 8);
// The op names of payment_channel.md#vector-operations, in the spec's order.
static_assert(payment_channel::op_name(payment_channel::op_code<payment_channel::Open>) == "open");
static_assert(payment_channel::op_name(payment_channel::op_code<payment_channel::Fund>) == "fund");
static_assert(payment_channel::op_name(payment_channel::op_code<payment_channel::Update>) == "update");
static_assert(payment_channel::op_name(payment_channel::op_code<payment_channel::CooperativeClose>) == "cooperative_close");
static_assert(payment_channel::op_name(payment_channel::op_code<payment_channel::ForceClose>) == "force_close");
static_assert(payment_channel::op_name(payment_channel::op_code<payment_channel::Challenge>) == "challenge");
static_assert(payment_channel::op_name(payment_channel::op_code<payment_channel::Settle>) == "settle");
static_assert(payment_channel::op_name(payment_channel::op_code<payment_channel::Timeout>) == "timeout");
static_assert(payment_channel::Operations::index(payment_channel::op_code<payment_channel::Open>) == 0 && payment_channel::Operations::index(payment_channel::op_code<payment_channel::Timeout>) == 7);
static_assert(payment_channel::parse_op("cooperative_close") == payment_channel::op_code<payment_channel::CooperativeClose>);
static_assert(!payment_channel::parse_op("deploy").has_value());  // no pre-state: not a transition of the table
static_assert(!payment_channel::parse_op("Open").has_value());
static_assert(!payment_channel::parse_op("").has_value());
static_assert(std::is_same_v<payment_channel::Open::Input, payment_channel::OpenInput> && std::is_same_v<payment_channel::Fund::Input, payment_channel::FundInput> &&
              std::is_same_v<payment_channel::Challenge::Input, OffChainTransaction> && std::is_same_v<payment_channel::Timeout::Input, payment_channel::ChannelRef>);
static_assert(std::variant_size_v<payment_channel::Operations::InputVariant> == 4);
static_assert(payment_channel::is_cosigned(payment_channel::op_code<payment_channel::Update>) && payment_channel::is_cosigned(payment_channel::op_code<payment_channel::CooperativeClose>) &&
              payment_channel::is_cosigned(payment_channel::op_code<payment_channel::ForceClose>) && payment_channel::is_cosigned(payment_channel::op_code<payment_channel::Challenge>));
static_assert(!payment_channel::is_cosigned(payment_channel::op_code<payment_channel::Open>) && !payment_channel::is_cosigned(payment_channel::op_code<payment_channel::Fund>) &&
              !payment_channel::is_cosigned(payment_channel::op_code<payment_channel::Settle>) && !payment_channel::is_cosigned(payment_channel::op_code<payment_channel::Timeout>));

// 32 rule rows in payment_channel.md#errors; the derived list holds every code but `none`, and no
// code follows its last entry (a code added after it would be missing from the list).
static_assert(l2::all_channel_errors.size() == 32);
static_assert(l2::all_channel_errors.front() == ChannelError::config_censorship_bound);
static_assert(l2::all_channel_errors.back() == ChannelError::timeout_not_reached);
constexpr bool every_listed_error_is_a_pc_rule() {
  for (const ChannelError e : l2::all_channel_errors)
    if (e == ChannelError::none || l2::error_info(e).code == "UNKNOWN" || !l2::error_info(e).rule_id.starts_with("PC-"))
      return false;
  return true;
}
static_assert(every_listed_error_is_a_pc_rule());
static_assert(l2::error_info(static_cast<ChannelError>(l2::all_channel_errors.size() + 1)).code == "UNKNOWN");

// ---- open [PC-OPEN-1, PC-OPEN-2, PC-OPEN-3, PC-OPEN-4, PC-OPEN-5, PC-BAL-1, PC-BAL-2, PC-SIG-1, PC-SIG-2] ----
constexpr bool open_registers_an_opening_channel() {
  const auto r = payment_channel::apply_open(empty_adjudicator(), open_input(7), Env{100}, toy);
  if (!r.ok() || r.value().channels.size() != 1) return false;
  const payment_channel::PaymentChannel& c = only(r.value());
  return c.channel_id == first_channel_id() && c.state == ChannelState::opening && c.sequence == 0 &&
         c.created_at == 100 && c.timeout_height == 1100 && c.total_capacity == 10000 && c.balances[0] == 6000 &&
         c.balances[1] == 4000 && c.dispute_deadline == 0;
}
static_assert(open_registers_an_opening_channel());
static_assert(open_error(empty_adjudicator(), signed_open({alice, alice}, 7)) == ChannelError::same_participants);
static_assert(open_error(empty_adjudicator(), signed_open({alice, bob}, 7, {l2::u64_max, 1}, 0)) == ChannelError::balance_overflow);
static_assert(open_error(empty_adjudicator(), signed_open({alice, bob}, 7, {6000, 4000}, 10001)) == ChannelError::balance_mismatch);
static_assert(open_error(empty_adjudicator(), signed_open({alice, bob}, 7, {6000, 4000}, 9999)) == ChannelError::balance_mismatch);
static_assert(open_error(empty_adjudicator(), signed_open({alice, bob}, 7, {999, 0}, 999)) == ChannelError::capacity_too_small);
static_assert(open_error(empty_adjudicator(), signed_open({alice, bob}, 7, {1000, 0}, 1000)) == ChannelError::none);
static_assert(open_error(empty_adjudicator(), signed_open({alice, bob}, 7, {1001, 0}, 1001)) == ChannelError::none);
static_assert(open_error(empty_adjudicator(), signed_open({alice, bob}, 7, {999'999, 0}, 999'999)) == ChannelError::none);
static_assert(open_error(empty_adjudicator(), signed_open({alice, bob}, 7, {1'000'000, 0}, 1'000'000)) == ChannelError::none);
static_assert(open_error(empty_adjudicator(), signed_open({alice, bob}, 7, {1'000'000, 1}, 1'000'001)) ==
              ChannelError::capacity_too_large);

constexpr ChannelError third_channel_for_alice() {
  Adjudicator a = payment_channel::apply_open(empty_adjudicator(), open_input(1), Env{100}, toy).value();
  a = payment_channel::apply_open(a, open_input(2), Env{100}, toy).value();
  return open_error(a, open_input(3));
}
static_assert(third_channel_for_alice() == ChannelError::too_many_channels);

// A settled channel no longer counts against the limit.
constexpr bool settled_channel_frees_a_slot() {
  Adjudicator a = payment_channel::apply_open(active_channel(), open_input(2), Env{100}, toy).value();
  a = payment_channel::apply_cooperative_close(a, cosigned(1, 5000, 5000, true), Env{102}, toy).value();
  return open_error(a, open_input(3), 103) == ChannelError::none;
}
static_assert(settled_channel_frees_a_slot());
static_assert(open_error(active_channel(), open_input(7)) == ChannelError::duplicate_channel);

// The opening signatures [PC-SIG-1, PC-SIG-2]: both participants, over state_digest(chain, id, 0, balances).
constexpr Hash32 opening_digest = payment_channel::state_digest(chain, channel_of({alice, bob}, 7), 0, {6000, 4000});
constexpr ChannelError open_signed_with(const payment_channel::Signature& s0, const payment_channel::Signature& s1) {
  payment_channel::OpenInput in = open_input(7);
  in.signatures = {s0, s1};
  return open_error(empty_adjudicator(), in);
}
static_assert(open_signed_with(toy_sign(alice, opening_digest), toy_sign(bob, opening_digest)) == ChannelError::none);
static_assert(open_signed_with({}, {}) == ChannelError::bad_signature_0);  // no signatures at all
static_assert(open_signed_with(toy_sign(alice, opening_digest), {}) == ChannelError::bad_signature_1);
static_assert(open_signed_with(toy_sign(alice, opening_digest), toy_sign(alice, opening_digest)) == ChannelError::bad_signature_1);
static_assert(open_signed_with(toy_sign(bob, opening_digest), toy_sign(bob, opening_digest)) == ChannelError::bad_signature_0);
static_assert(open_signed_with(toy_sign(bob, opening_digest), toy_sign(alice, opening_digest)) == ChannelError::bad_signature_0);
static_assert(open_signed_with(toy_sign(alice, opening_digest), toy_sign(carol, opening_digest)) == ChannelError::bad_signature_1);
// Signed over another split of the same capacity, over sequence 1, or as a close: not this opening state.
constexpr Hash32 other_split = payment_channel::state_digest(chain, channel_of({alice, bob}, 7), 0, {5000, 5000});
constexpr Hash32 other_sequence = payment_channel::state_digest(chain, channel_of({alice, bob}, 7), 1, {6000, 4000});
constexpr Hash32 as_close = payment_channel::close_digest(chain, channel_of({alice, bob}, 7), 0, {6000, 4000});
constexpr Hash32 other_nonce = payment_channel::state_digest(chain, channel_of({alice, bob}, 8), 0, {6000, 4000});
static_assert(open_signed_with(toy_sign(alice, other_split), toy_sign(bob, other_split)) == ChannelError::bad_signature_0);
static_assert(open_signed_with(toy_sign(alice, other_sequence), toy_sign(bob, other_sequence)) == ChannelError::bad_signature_0);
static_assert(open_signed_with(toy_sign(alice, as_close), toy_sign(bob, as_close)) == ChannelError::bad_signature_0);
static_assert(open_signed_with(toy_sign(alice, other_nonce), toy_sign(bob, other_nonce)) == ChannelError::bad_signature_0);
static_assert(open_signed_with(toy_sign(alice, opening_digest), toy_sign(bob, other_split)) == ChannelError::bad_signature_1);

// Signatures are checked last: an unsigned open that breaks another rule gets that rule's code.
constexpr payment_channel::OpenInput unsigned_open(const std::array<Hash32, 2>& participants, u64 nonce,
                                      const std::array<u64, 2>& balances = {6000, 4000}, u64 capacity = 10000) {
  payment_channel::OpenInput in = signed_open(participants, nonce, balances, capacity);
  in.signatures = {};
  return in;
}
static_assert(open_error(empty_adjudicator(), unsigned_open({alice, alice}, 7)) == ChannelError::same_participants);
static_assert(open_error(empty_adjudicator(), unsigned_open({alice, bob}, 7, {6000, 4000}, 10001)) == ChannelError::balance_mismatch);
static_assert(open_error(empty_adjudicator(), unsigned_open({alice, bob}, 7, {999, 0}, 999)) == ChannelError::capacity_too_small);
static_assert(open_error(empty_adjudicator(), unsigned_open({alice, bob}, 7, {1'000'001, 0}, 1'000'001)) ==
              ChannelError::capacity_too_large);
static_assert(open_error(active_channel(), unsigned_open({alice, bob}, 7)) == ChannelError::duplicate_channel);
constexpr ChannelError unsigned_open_over_the_limit() {
  Adjudicator a = payment_channel::apply_open(empty_adjudicator(), open_input(1), Env{100}, toy).value();
  a = payment_channel::apply_open(a, open_input(2), Env{100}, toy).value();
  return open_error(a, unsigned_open({alice, bob}, 3));
}
static_assert(unsigned_open_over_the_limit() == ChannelError::too_many_channels);

// A copy of a signed open registers the same channel; the second submission is a harmless duplicate,
// and so is a resubmission after the channel ended.
constexpr bool a_copied_open_is_a_harmless_duplicate() {
  const Adjudicator a = opened();
  if (open_error(a, open_input(7), 150) != ChannelError::duplicate_channel) return false;
  const Adjudicator closed = payment_channel::apply_timeout(a, payment_channel::ChannelRef{first_channel_id()}, Env{1100}).value();
  return only(closed).state == ChannelState::closed &&
         open_error(closed, open_input(7), 1101) == ChannelError::duplicate_channel;
}
static_assert(a_copied_open_is_a_harmless_duplicate());

// Quota squatting: carol opens channels naming alice, signed by carol alone, in either slot. None
// registers, so alice's own two opens (her limit) still succeed.
constexpr bool opens_without_a_keys_signature_cannot_use_its_quota() {
  Adjudicator a = empty_adjudicator();
  for (u64 nonce = 0; nonce < 3; ++nonce) {
    payment_channel::OpenInput slot0 = signed_open({alice, carol}, nonce);
    slot0.signatures[0] = toy_sign(carol, payment_channel::state_digest(chain, channel_of({alice, carol}, nonce), 0, {6000, 4000}));
    payment_channel::OpenInput slot1 = signed_open({carol, alice}, nonce);
    slot1.signatures[1] = slot1.signatures[0];
    if (open_error(a, slot0) != ChannelError::bad_signature_0) return false;
    if (open_error(a, slot1) != ChannelError::bad_signature_1) return false;
  }
  if (payment_channel::live_channels_of(a, alice) != 0) return false;
  a = payment_channel::apply_open(a, open_input(1), Env{100}, toy).value();
  return open_error(a, open_input(2)) == ChannelError::none;
}
static_assert(opens_without_a_keys_signature_cannot_use_its_quota());

// The opening signatures are the co-signed sequence-0 state: they can be published as it.
constexpr bool the_opening_signatures_are_the_sequence_0_state() {
  const payment_channel::OpenInput in = open_input(7);
  const auto r = payment_channel::apply_force_close(active_channel(), OffChainTransaction{first_channel_id(), 0, in.balances, in.signatures},
                                       Env{200}, toy);
  return r.ok() && only(r.value()).state == ChannelState::disputing && only(r.value()).balances[0] == 6000;
}
static_assert(the_opening_signatures_are_the_sequence_0_state());

// ---- fund [PC-CHAN-1, PC-FUND-1, PC-FUND-2, PC-FUND-3] ----
static_assert(only(active_channel()).state == ChannelState::active);
constexpr ChannelError fund_error(const Adjudicator& a, u64 value, u64 height = 101, const Hash32& id = first_channel_id()) {
  const auto r = payment_channel::apply_fund(a, payment_channel::FundInput{id, value}, Env{height});
  return r.ok() ? ChannelError::none : r.error();
}
static_assert(fund_error(active_channel(), 10000, 102) == ChannelError::fund_not_opening);
static_assert(fund_error(empty_adjudicator(), 10000, 102) == ChannelError::unknown_channel);
static_assert(fund_error(opened(), 10000, 1099) == ChannelError::none);  // the last block before timeout_height 1100
static_assert(fund_error(opened(), 10000, 1100) == ChannelError::funding_expired);
static_assert(fund_error(opened(), 10000, 1101) == ChannelError::funding_expired);
// PC-FUND-3: exactly the capacity, at capacity - 1, capacity and capacity + 1.
static_assert(fund_error(opened(), 9999) == ChannelError::fund_wrong_amount);
static_assert(fund_error(opened(), 10000) == ChannelError::none);
static_assert(fund_error(opened(), 10001) == ChannelError::fund_wrong_amount);
static_assert(fund_error(opened(), 0) == ChannelError::fund_wrong_amount);
static_assert(fund_error(opened(), l2::u64_max) == ChannelError::fund_wrong_amount);
// The order: phase, then height, then value.
static_assert(fund_error(active_channel(), 9999, 102) == ChannelError::fund_not_opening);
static_assert(fund_error(opened(), 9999, 1100) == ChannelError::funding_expired);

// ---- update and cooperative close [PC-UPD-1, PC-UPD-2, PC-COOP-1, PC-COOP-2, PC-SIG-1, PC-SIG-2] ----
constexpr bool update_then_cooperative_close() {
  Adjudicator a = payment_channel::apply_update(active_channel(), cosigned(1, 5000, 5000), Env{110}, toy).value();
  if (only(a).sequence != 1 || only(a).balances[0] != 5000) return false;
  a = payment_channel::apply_cooperative_close(a, cosigned(2, 2500, 7500, true), Env{111}, toy).value();
  return only(a).state == ChannelState::settled && only(a).balances[1] == 7500 && only(a).sequence == 2;
}
static_assert(update_then_cooperative_close());

static_assert(payment_channel::apply_update(active_channel(), cosigned(0, 5000, 5000), Env{110}, toy).error() == ChannelError::stale_sequence);
static_assert(payment_channel::apply_update(active_channel(), cosigned(1, 5000, 5001), Env{110}, toy).error() == ChannelError::balance_mismatch);
static_assert(payment_channel::apply_update(active_channel(), cosigned(1, l2::u64_max, 1), Env{110}, toy).error() ==
              ChannelError::balance_overflow);

constexpr ChannelError update_with_signatures(const payment_channel::Signature& s0, const payment_channel::Signature& s1) {
  OffChainTransaction tx = cosigned(1, 5000, 5000);
  tx.signatures = {s0, s1};
  const auto r = payment_channel::apply_update(active_channel(), tx, Env{110}, toy);
  return r.ok() ? ChannelError::none : r.error();
}
constexpr Hash32 digest_1 = payment_channel::state_digest(chain, first_channel_id(), 1, {5000, 5000});
static_assert(update_with_signatures(toy_sign(alice, digest_1), toy_sign(bob, digest_1)) == ChannelError::none);
static_assert(update_with_signatures(toy_sign(alice, digest_1), toy_sign(alice, digest_1)) == ChannelError::bad_signature_1);
static_assert(update_with_signatures(toy_sign(bob, digest_1), toy_sign(bob, digest_1)) == ChannelError::bad_signature_0);
static_assert(update_with_signatures(toy_sign(bob, digest_1), toy_sign(alice, digest_1)) == ChannelError::bad_signature_0);

// A co-signed state is not a close: replaying it as one would skip the dispute window.
static_assert(payment_channel::apply_cooperative_close(active_channel(), cosigned(1, 9000, 1000), Env{110}, toy).error() ==
              ChannelError::bad_signature_0);
static_assert(payment_channel::apply_cooperative_close(active_channel(), cosigned(0, 9000, 1000, true), Env{110}, toy).error() ==
              ChannelError::coop_stale_sequence);
static_assert(payment_channel::apply_cooperative_close(opened(), cosigned(1, 9000, 1000, true), Env{110}, toy).error() ==
              ChannelError::coop_wrong_phase);
// Replay binding: the digest changes with the chain, the channel, the sequence and each balance.
static_assert(payment_channel::state_digest(2, first_channel_id(), 1, {5000, 5000}) != digest_1);
static_assert(payment_channel::state_digest(chain, payment_channel::channel_id(chain, key(0xcc), {alice, bob}, 8), 1, {5000, 5000}) != digest_1);
static_assert(payment_channel::state_digest(chain, first_channel_id(), 2, {5000, 5000}) != digest_1);
static_assert(payment_channel::state_digest(chain, first_channel_id(), 1, {5001, 4999}) != digest_1);
static_assert(payment_channel::close_digest(chain, first_channel_id(), 1, {5000, 5000}) != digest_1);
static_assert(payment_channel::channel_id(2, key(0xcc), {alice, bob}, 7) != first_channel_id());
static_assert(payment_channel::channel_id(chain, key(0xcd), {alice, bob}, 7) != first_channel_id());
static_assert(payment_channel::channel_id(chain, key(0xcc), {bob, alice}, 7) != first_channel_id());

// ---- a stale force-close answered by a challenge, then settle [PC-FORCE-1, PC-FORCE-2, PC-CHAL-1, PC-CHAL-2, PC-CHAL-3, PC-SETTLE-1, PC-SETTLE-2] ----
// Off chain the parties reached sequence 2 (alice 2000); alice publishes sequence 1 (alice 9000)
// at height 200. The deadline is 200 + 144 = 344.
constexpr Adjudicator after_stale_force_close() {
  return payment_channel::apply_force_close(active_channel(), cosigned(1, 9000, 1000), Env{200}, toy).value();
}
static_assert(only(after_stale_force_close()).state == ChannelState::disputing);
static_assert(only(after_stale_force_close()).dispute_deadline == 344);

constexpr bool challenge_before_deadline_then_settle_pays_latest() {
  Adjudicator a = payment_channel::apply_challenge(after_stale_force_close(), cosigned(2, 2000, 8000), Env{343}, toy).value();
  if (payment_channel::apply_settle(a, payment_channel::ChannelRef{first_channel_id()}, Env{343}).error() != ChannelError::settle_too_early) return false;
  a = payment_channel::apply_settle(a, payment_channel::ChannelRef{first_channel_id()}, Env{344}).value();
  return only(a).state == ChannelState::settled && only(a).balances[0] == 2000 && only(a).balances[1] == 8000 &&
         only(a).sequence == 2;
}
static_assert(challenge_before_deadline_then_settle_pays_latest());
// The window is half-open: at the deadline only settle is accepted, so the two never race in one block.
static_assert(payment_channel::apply_challenge(after_stale_force_close(), cosigned(2, 2000, 8000), Env{344}, toy).error() ==
              ChannelError::challenge_too_late);
static_assert(payment_channel::apply_challenge(after_stale_force_close(), cosigned(2, 2000, 8000), Env{345}, toy).error() ==
              ChannelError::challenge_too_late);
static_assert(payment_channel::apply_challenge(after_stale_force_close(), cosigned(1, 2000, 8000), Env{300}, toy).error() ==
              ChannelError::challenge_stale_sequence);
static_assert(payment_channel::apply_challenge(active_channel(), cosigned(2, 2000, 8000), Env{300}, toy).error() ==
              ChannelError::challenge_not_disputing);
static_assert(payment_channel::apply_force_close(after_stale_force_close(), cosigned(2, 2000, 8000), Env{300}, toy).error() ==
              ChannelError::force_not_active);
static_assert(payment_channel::apply_settle(active_channel(), payment_channel::ChannelRef{first_channel_id()}, Env{300}).error() ==
              ChannelError::settle_not_disputing);
static_assert(payment_channel::apply_update(after_stale_force_close(), cosigned(2, 2000, 8000), Env{300}, toy).error() ==
              ChannelError::update_not_active);

// ---- a cooperative close ends a dispute [PC-COOP-1, PC-COOP-2] ----
// At any height: before the deadline, at deadline - 1, at it, after it. The disputed state is
// sequence 1, so the close must be at least 2.
constexpr bool cooperative_close_during_dispute_at(u64 height) {
  const auto r = payment_channel::apply_cooperative_close(after_stale_force_close(), cosigned(2, 2500, 7500, true), Env{height}, toy);
  if (!r.ok()) return false;
  const payment_channel::PaymentChannel& c = only(r.value());
  return c.state == ChannelState::settled && c.sequence == 2 && c.balances[0] == 2500 && c.balances[1] == 7500 &&
         c.dispute_deadline == 344 && payment_channel::live_channels_of(r.value(), alice) == 0 &&
         payment_channel::apply_settle(r.value(), payment_channel::ChannelRef{first_channel_id()}, Env{height}).error() ==
             ChannelError::settle_not_disputing;
}
static_assert(cooperative_close_during_dispute_at(201));
static_assert(cooperative_close_during_dispute_at(343));
static_assert(cooperative_close_during_dispute_at(344));
static_assert(cooperative_close_during_dispute_at(345));
static_assert(cooperative_close_during_dispute_at(l2::u64_max));
// Stale: the disputed sequence itself and the one below it.
static_assert(payment_channel::apply_cooperative_close(after_stale_force_close(), cosigned(1, 2500, 7500, true), Env{300}, toy).error() ==
              ChannelError::coop_stale_sequence);
static_assert(payment_channel::apply_cooperative_close(after_stale_force_close(), cosigned(0, 2500, 7500, true), Env{300}, toy).error() ==
              ChannelError::coop_stale_sequence);
// Still the close tag: the newer co-signed state itself is not a close.
static_assert(payment_channel::apply_cooperative_close(after_stale_force_close(), cosigned(2, 2500, 7500), Env{300}, toy).error() ==
              ChannelError::bad_signature_0);
constexpr ChannelError cooperative_close_after_settle() {
  const Adjudicator a = payment_channel::apply_settle(after_stale_force_close(), payment_channel::ChannelRef{first_channel_id()}, Env{344}).value();
  return payment_channel::apply_cooperative_close(a, cosigned(2, 2500, 7500, true), Env{345}, toy).error();
}
static_assert(cooperative_close_after_settle() == ChannelError::coop_wrong_phase);
// A dispute started by timeout ends by a cooperative close too.
constexpr bool cooperative_close_ends_a_timeout_dispute() {
  const Adjudicator a = payment_channel::apply_timeout(active_channel(), payment_channel::ChannelRef{first_channel_id()}, Env{1100}).value();
  const auto r = payment_channel::apply_cooperative_close(a, cosigned(1, 0, 10000, true), Env{1101}, toy);
  return r.ok() && only(r.value()).state == ChannelState::settled;
}
static_assert(cooperative_close_ends_a_timeout_dispute());

constexpr ChannelError force_close_below_registered() {
  const Adjudicator a = payment_channel::apply_update(active_channel(), cosigned(2, 2000, 8000), Env{150}, toy).value();
  const auto r = payment_channel::apply_force_close(a, cosigned(1, 9000, 1000), Env{200}, toy);
  return r.ok() ? ChannelError::none : r.error();
}
static_assert(force_close_below_registered() == ChannelError::force_stale_sequence);

// ---- timeout: nothing stays locked [PC-TIMEOUT-1, PC-TIMEOUT-2] ----
constexpr bool unfunded_channel_times_out_to_closed() {
  const Adjudicator a = opened();
  const payment_channel::ChannelRef ref{first_channel_id()};
  if (payment_channel::apply_timeout(a, ref, Env{1099}).error() != ChannelError::timeout_not_reached) return false;
  const Adjudicator closed = payment_channel::apply_timeout(a, ref, Env{1100}).value();
  return only(closed).state == ChannelState::closed &&
         payment_channel::apply_cooperative_close(closed, cosigned(1, 5000, 5000, true), Env{1101}, toy).error() ==
             ChannelError::coop_wrong_phase;
}
static_assert(unfunded_channel_times_out_to_closed());

constexpr bool active_channel_times_out_into_dispute_then_settles() {
  const payment_channel::ChannelRef ref{first_channel_id()};
  Adjudicator a = payment_channel::apply_timeout(active_channel(), ref, Env{1100}).value();
  if (only(a).state != ChannelState::disputing || only(a).dispute_deadline != 1244) return false;
  if (payment_channel::apply_timeout(a, ref, Env{2000}).error() != ChannelError::timeout_wrong_phase) return false;
  a = payment_channel::apply_settle(a, ref, Env{1244}).value();
  return only(a).state == ChannelState::settled && only(a).balances[0] == 6000 && only(a).balances[1] == 4000;
}
static_assert(active_channel_times_out_into_dispute_then_settles());

// A deadline near the top of the height range saturates instead of wrapping below the height.
constexpr bool deadline_saturates() {
  const Adjudicator a = payment_channel::apply_force_close(active_channel(), cosigned(1, 9000, 1000), Env{l2::u64_max - 10}, toy).value();
  return only(a).dispute_deadline == l2::u64_max;
}
static_assert(deadline_saturates());

}  // namespace

TEST(PaymentChannelStatic, Compiles) { SUCCEED() << "every static_assert in this file held at compile time"; }
