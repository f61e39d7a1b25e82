// The stream items of the channel hub: one reference input (l2::ref::payment_channel::OpenInput,
// FundInput, OffChainTransaction or ChannelRef) tagged with the apply_<op> it goes to and its
// height. No hardware feature: the named constructors only keep the tag and the input's type in step.
#include <utility>

#include "l2/opt/payment_channel_hub.hpp"

namespace l2::opt {

namespace pc = ref::payment_channel;

ChannelItem ChannelItem::open(const pc::OpenInput& input, u64 height) { return {ChannelOp::open, height, input}; }
ChannelItem ChannelItem::fund(const pc::FundInput& input, u64 height) { return {ChannelOp::fund, height, input}; }
ChannelItem ChannelItem::update(const pc::OffChainTransaction& input, u64 height) {
  return {ChannelOp::update, height, input};
}
ChannelItem ChannelItem::cooperative_close(const pc::OffChainTransaction& input, u64 height) {
  return {ChannelOp::cooperative_close, height, input};
}
ChannelItem ChannelItem::force_close(const pc::OffChainTransaction& input, u64 height) {
  return {ChannelOp::force_close, height, input};
}
ChannelItem ChannelItem::challenge(const pc::OffChainTransaction& input, u64 height) {
  return {ChannelOp::challenge, height, input};
}
ChannelItem ChannelItem::settle(const pc::ChannelRef& input, u64 height) { return {ChannelOp::settle, height, input}; }
ChannelItem ChannelItem::timeout(const pc::ChannelRef& input, u64 height) { return {ChannelOp::timeout, height, input}; }

}  // namespace l2::opt
