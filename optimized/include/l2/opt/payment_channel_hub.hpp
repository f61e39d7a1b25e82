// Optimized payment-channel adjudicator, "the channel hub": must match the fold of the operations
// of l2::ref::payment_channel::Operations (apply_open, apply_fund, apply_update,
// apply_cooperative_close, apply_force_close, apply_challenge, apply_settle, apply_timeout in
// reference/include/l2/ref/payment_channel.hpp) over a stream of inputs: the same error code for
// every input, in the same order, and the same final adjudicator, bit for bit.
// Exploits a structure-of-arrays channel table with hash lookups (the reference scans every
// channel), public keys parsed once per channel, multi-buffer SHA-256 for the signed digests, and
// oneTBB threads across the signatures of a whole stream, verified before the stream is applied.
// spec: payment_channel.md#the-channel-hub-the-optimized-engine
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "l2/opt/schnorr.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/ref/result.hpp"

namespace l2::opt {

// The adjudicator's operations and their codes, as the reference's table defines them.
using ref::payment_channel::ChannelOp;
using ref::payment_channel::op_name;

// One input of a stream: an operation, its reference input struct and the L1 height it is
// included at. Built only through `of<Op>`, so the operation always matches the input's type.
class ChannelItem {
 public:
  using Operations = ref::payment_channel::Operations;
  using Input = Operations::InputVariant;

  template <class Op>
  static ChannelItem of(const typename Op::Input& input, u64 height) {
    return ChannelItem(ref::payment_channel::op_code<Op>, height, input);
  }

  ChannelOp op() const { return op_; }
  u64 height() const { return height_; }
  // The op's reference input struct (Op::Input of the op the code names).
  const Input& input() const { return input_; }

 private:
  ChannelItem(ChannelOp op, u64 height, Input input) : op_(op), height_(height), input_(std::move(input)) {}

  ChannelOp op_;
  u64 height_;
  Input input_;
};

// The adjudicator of many channels, laid out for throughput. It converts losslessly from and to
// ref::payment_channel::Adjudicator: channels keep their order, so the exported adjudicator's
// state_root is the reference's.
class ChannelHub {
 public:
  // Loads every channel of `adjudicator` (any state the reference can represent, reachable or not)
  // and parses its participants' keys on at most `threads` TBB threads (0 = TBB's default).
  explicit ChannelHub(const ref::payment_channel::Adjudicator& adjudicator, unsigned threads = 0);

  ref::payment_channel::Adjudicator to_adjudicator() const;

  // Applies the items in order. errors[i] is the code the reference returns for stream[i] applied to
  // the state left by stream[0 .. i), ChannelError::none if accepted; a rejected item changes
  // nothing. The signatures of the whole stream are verified first, on at most `threads` TBB threads
  // (0 = TBB's default, 1 = the calling thread only); results never depend on `threads`.
  std::vector<ChannelError> process(std::span<const ChannelItem> stream, unsigned threads = 0);

  std::size_t channel_count() const { return channel_ids_.size(); }
  // The channel at `index` (< channel_count()), as the reference stores it.
  ref::payment_channel::PaymentChannel channel(std::size_t index) const;

 private:
  struct FirstWordHash {
    std::size_t operator()(const Hash32& key) const;
  };
  // What the signature pre-pass found for one stream; see payment_channel_hub.cpp.
  struct Plan;

  Plan prepare(std::span<const ChannelItem> stream) const;
  void verify_signatures(std::span<const ChannelItem> stream, Plan& plan, unsigned threads) const;
  ChannelError apply(const ChannelItem& item, std::size_t position, const Plan& plan);
  ChannelError apply_open(const ref::payment_channel::OpenInput& in, u64 height, std::size_t position,
                          const Plan& plan);
  ChannelError apply_fund(const ref::payment_channel::FundInput& in, u64 height);
  ChannelError apply_cosigned(ChannelOp op, const ref::payment_channel::OffChainTransaction& in, u64 height,
                              std::size_t position, const Plan& plan);
  ChannelError apply_ref(ChannelOp op, const Hash32& channel_id, u64 height);
  const std::size_t* find(const Hash32& channel_id) const;
  void append_channel(const ref::payment_channel::PaymentChannel& channel);
  void leave_live(std::size_t index);

  u64 chain_id_;
  Hash32 adjudicator_id_;
  ref::payment_channel::Layer2Config config_;

  // One entry per channel, in the order of open.
  std::vector<Hash32> channel_ids_;
  std::vector<Hash32> participant0_;
  std::vector<Hash32> participant1_;
  std::vector<u64> balance0_;
  std::vector<u64> balance1_;
  std::vector<u64> total_capacity_;
  std::vector<ref::payment_channel::ChannelState> phase_;
  std::vector<u64> sequence_;
  std::vector<u64> created_at_;
  std::vector<u64> timeout_height_;
  std::vector<u64> dispute_deadline_;
  // parsed_keys_[2 i + k] is participant k of channel i after lift_x; key_on_curve_[2 i + k] says
  // whether it parsed (a key off the curve fails every signature, as in the reference).
  std::vector<schnorr::ParsedPubkey> parsed_keys_;
  std::vector<u8> key_on_curve_;

  // channel_id -> index of the first channel with that id (the one the reference's scan finds).
  std::unordered_map<Hash32, std::size_t, FirstWordHash> index_of_;
  // key -> number of live channels it is a participant of (PC-OPEN-4 in O(1)).
  std::unordered_map<Hash32, u64, FirstWordHash> live_channels_;
};

// Loads `adjudicator` into a hub, processes the one item and exports: the hub as a drop-in for
// the reference's apply_<op> (what the vector replay calls). One thread.
Result<ref::payment_channel::Adjudicator, ChannelError> apply_item(const ref::payment_channel::Adjudicator& adjudicator,
                                                                   const ChannelItem& item);

}  // namespace l2::opt
