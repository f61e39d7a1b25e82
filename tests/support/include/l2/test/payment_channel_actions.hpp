// Random payment-channel actions for RapidCheck traces: each Action is drawn independently and
// interpreted against the current adjudicator, so most are plausible (a registered channel, a
// nearby sequence) and many are deliberately not (wrong sums, UINT64_MAX, bad or duplicated
// signatures on opens and co-signed states, fund values one off the capacity, unknown ids, heights
// around timeouts and deadlines). Signatures are the toy ones
// (l2/test/toy_signature.hpp), so long traces stay fast. Shared by the reference's invariant
// traces and the model's trace validation.
#pragma once

#include <rapidcheck.h>

#include <array>
#include <cstddef>

#include "l2/inv/payment_channel_model.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/test/toy_signature.hpp"

namespace l2::test::payment_channel_actions {

namespace payment_channel = l2::ref::payment_channel;
using Op = l2::inv::payment_channel::Op;
using Step = l2::inv::payment_channel::Step;
using Outcome = l2::Result<payment_channel::Adjudicator, ChannelError>;

using l2::test::toy;

using l2::test::key;
inline const std::array<Hash32, 3> keys = {key(0xa1), key(0xb2), key(0xc3)};

// The op an Action's `op` number names, in the operations table's order.
inline constexpr std::array<Op, 8> action_ops = {payment_channel::op_code<payment_channel::Open>,  payment_channel::op_code<payment_channel::Fund>,
                                                 payment_channel::op_code<payment_channel::Update>, payment_channel::op_code<payment_channel::CooperativeClose>,
                                                 payment_channel::op_code<payment_channel::ForceClose>, payment_channel::op_code<payment_channel::Challenge>,
                                                 payment_channel::op_code<payment_channel::Settle>, payment_channel::op_code<payment_channel::Timeout>};
inline constexpr int open_action = 0, fund_action = 1, update_action = 2, cooperative_close_action = 3,
                     force_close_action = 4, challenge_action = 5, settle_action = 6, timeout_action = 7;

// A deployed adjudicator: a dispute window of 30 blocks and a lifetime of 200, both above the
// censorship bound of 6 (PC-DEPLOY-2, PC-DEPLOY-3).
inline payment_channel::Adjudicator empty_adjudicator() {
  const payment_channel::Layer2Config config{3, 200, 30, 1, u64_max, 6, 100};
  return payment_channel::deploy(payment_channel::DeployInput{1, key(0xdd), config}).value();
}

struct Action {
  int op = 0;                // open, fund, update, cooperative_close, force_close, challenge, settle, timeout
  int channel = 0;           // index into the registered channels; past the end means an unknown id
  int pair = 0;              // which two of the three keys open a channel; 3: key 0 twice (PC-OPEN-1)
  u64 nonce = 0;
  int sequence_step = 0;     // new sequence = registered + step - 1 (so -1, 0, +1, +2, ...)
  u64 split = 0;             // balances[0] = split % (capacity + 1), the rest to balances[1]
  int balance_error = 0;     // 0: exact sum; 1: +1; 2: -1; 3: UINT64_MAX in slot 0
  int signature_fault = 0;   // 0: both valid; 1: slot 0 bad; 2: slot 1 duplicated from slot 0; 3: wrong digest
                             // (the other tag; for an open, sequence 1 instead of the opening sequence 0)
  int value_error = 0;       // fund: 0: exactly the capacity; 1: capacity - 1; 2: capacity + 1; 3: nothing
  u64 capacity = 0;
  u64 height_step = 0;
};

inline rc::Gen<Action> action_gen() {
  return rc::gen::build<Action>(
      // Opening and funding come often enough that most traces reach disputes and settlements.
      rc::gen::set(&Action::op, rc::gen::weightedElement<int>({{3, 0}, {3, 1}, {3, 2}, {1, 3}, {2, 4}, {3, 5}, {2, 6}, {1, 7}})),
      rc::gen::set(&Action::channel, rc::gen::weightedElement<int>({{4, 0}, {2, 1}, {1, 2}})),
      rc::gen::set(&Action::pair, rc::gen::weightedElement<int>({{3, 0}, {3, 1}, {3, 2}, {1, 3}})),
      rc::gen::set(&Action::nonce, rc::gen::inRange<u64>(0, 3)),
      rc::gen::set(&Action::sequence_step, rc::gen::inRange(0, 4)),
      rc::gen::set(&Action::split, rc::gen::arbitrary<u64>()),
      rc::gen::set(&Action::balance_error, rc::gen::weightedElement<int>({{6, 0}, {1, 1}, {1, 2}, {1, 3}})),
      rc::gen::set(&Action::signature_fault, rc::gen::weightedElement<int>({{6, 0}, {1, 1}, {1, 2}, {1, 3}})),
      // A fund one unit off either way: an off-by-one in PC-FUND-3 accepts it.
      rc::gen::set(&Action::value_error, rc::gen::weightedElement<int>({{6, 0}, {1, 1}, {1, 2}, {1, 3}})),
      // Capacities around the boundaries: the smallest channel, a round one, and UINT64_MAX where
      // any unchecked sum of balances overflows.
      rc::gen::set(&Action::capacity, rc::gen::element<u64>(u64{1}, u64{2}, u64{10000}, u64_max - 1, u64_max)),
      // Heights mostly creep, sometimes jump by most of a dispute window (30) or past a channel's lifetime (200).
      rc::gen::set(&Action::height_step, rc::gen::weightedElement<u64>({{6, 0}, {6, 1}, {1, 10}, {1, 29}, {1, 30}, {1, 31}, {1, 201}})));
}

inline std::array<u64, 2> balances_for(const Action& act, u64 capacity) {
  std::array<u64, 2> balances{act.split % (capacity == u64_max ? capacity : capacity + 1), 0};
  balances[1] = capacity - balances[0];
  if (act.balance_error == 1) balances[1] += 1;  // may wrap; either way the sum is not the capacity
  if (act.balance_error == 2) balances[1] -= 1;
  if (act.balance_error == 3) balances[0] = u64_max;
  return balances;
}

inline void apply_signature_fault(const Action& act, std::array<payment_channel::Signature, 2>& signatures) {
  if (act.signature_fault == 1) signatures[0][40] ^= 1;
  if (act.signature_fault == 2) signatures[1] = signatures[0];
}

inline payment_channel::OffChainTransaction cosigned_tx(const payment_channel::Adjudicator& a, const Action& act, const Hash32& id,
                                           const payment_channel::PaymentChannel* channel) {
  const u64 registered = channel ? channel->sequence : 0;
  const u64 capacity = channel ? channel->total_capacity : act.capacity;
  const u64 sequence = registered + static_cast<u64>(act.sequence_step) - 1;  // registered 0, step 0: wraps to max
  const std::array<u64, 2> balances = balances_for(act, capacity);
  const bool close = act.op == cooperative_close_action;
  const bool wrong_kind = act.signature_fault == 3;
  const Hash32 digest = (close != wrong_kind) ? payment_channel::close_digest(a.chain_id, id, sequence, balances)
                                              : payment_channel::state_digest(a.chain_id, id, sequence, balances);
  const Hash32 p0 = channel ? channel->participants[0] : keys[0];
  const Hash32 p1 = channel ? channel->participants[1] : keys[1];
  payment_channel::OffChainTransaction tx{id, sequence, balances, {toy_sign(p0, digest), toy_sign(p1, digest)}};
  apply_signature_fault(act, tx.signatures);
  return tx;
}

// An open signed by both participants over its sequence-0 state, unless the action asks for a fault.
inline payment_channel::OpenInput open_input(const payment_channel::Adjudicator& a, const Action& act) {
  const Hash32 first = keys[static_cast<std::size_t>(act.pair % 3)];
  const Hash32 second = act.pair == 3 ? first : keys[static_cast<std::size_t>((act.pair + 1 + act.pair / 2) % 3)];
  payment_channel::OpenInput in{{first, second}, balances_for(act, act.capacity), act.capacity, act.nonce, {}};
  const Hash32 id = payment_channel::channel_id(a.chain_id, a.adjudicator_id, in.participants, in.nonce);
  const u64 signed_sequence = act.signature_fault == 3 ? 1 : 0;
  const Hash32 digest = payment_channel::state_digest(a.chain_id, id, signed_sequence, in.balances);
  in.signatures = {toy_sign(first, digest), toy_sign(second, digest)};
  apply_signature_fault(act, in.signatures);
  return in;
}

inline u64 fund_value(const Action& act, const payment_channel::PaymentChannel* channel) {
  const u64 capacity = channel ? channel->total_capacity : act.capacity;
  switch (act.value_error) {
    case 1: return capacity - 1;  // wraps to UINT64_MAX for a zero capacity: still not the capacity
    case 2: return capacity + 1;
    case 3: return 0;
    default: return capacity;
  }
}

// The concrete step an action denotes against `a` at `height`.
inline Step to_step(const payment_channel::Adjudicator& a, const Action& act, u64 height) {
  const std::size_t index = static_cast<std::size_t>(act.channel);
  const payment_channel::PaymentChannel* channel = index < a.channels.size() ? &a.channels[index] : nullptr;
  const Hash32 id = channel ? channel->channel_id : key(0xee);
  Step step;
  step.op = action_ops[static_cast<std::size_t>(act.op)];
  step.height = height;
  switch (act.op) {
    case open_action: step.input = open_input(a, act); break;
    case fund_action: step.input = payment_channel::FundInput{id, fund_value(act, channel)}; break;
    case settle_action:
    case timeout_action: step.input = payment_channel::ChannelRef{id}; break;
    default: step.input = cosigned_tx(a, act, id, channel);
  }
  return step;
}

// The reference's outcome for a step, with the toy signature check.
inline Outcome apply_reference(const payment_channel::Adjudicator& a, const Step& step) {
  return l2::inv::payment_channel::apply_reference(a, step, toy);
}

// One funded channel between keys 0 and 1, so that random actions reach updates, disputes and
// settlements instead of mostly failing to find a channel.
inline payment_channel::Adjudicator adjudicator_with_one_funded_channel() {
  payment_channel::Adjudicator a = empty_adjudicator();
  const Hash32 first = payment_channel::channel_id(a.chain_id, a.adjudicator_id, {keys[0], keys[1]}, 0);
  const std::array<u64, 2> balances{6000, 4000};
  const Hash32 opening = payment_channel::state_digest(a.chain_id, first, 0, balances);
  const payment_channel::OpenInput open{{keys[0], keys[1]}, balances, 10000, 0, {toy_sign(keys[0], opening), toy_sign(keys[1], opening)}};
  a = payment_channel::apply_open(a, open, payment_channel::Env{1}, toy).value();
  return payment_channel::apply_fund(a, payment_channel::FundInput{first, 10000}, payment_channel::Env{1}).value();
}

}  // namespace l2::test::payment_channel_actions
