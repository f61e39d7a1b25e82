// Shared pieces of the vector generators whose state embeds the payment-channel adjudicator
// (watchtower, channel_factory): the payment-channel ops lifted onto the embedding state, a case
// list with stable addresses, and the case's keys. spec: watchtower.md, channel_factory.md
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "l2/inv/payment_channel_model.hpp"
#include "l2/opt/payment_channel_hub.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors::payment_channel_scenario {

namespace payment_channel = ref::payment_channel;

// The payment-channel defaults every embedding mechanism's vectors use (payment_channel.md).
inline payment_channel::Layer2Config default_config() {
  payment_channel::Layer2Config config{};
  config.max_channels_per_user = 2;
  config.channel_timeout_blocks = 1000;
  config.dispute_period_blocks = 144;
  config.min_channel_capacity = 1000;
  config.max_channel_capacity = 1'000'000;
  config.censorship_bound_blocks = 6;
  config.allocation_window_blocks = 100;
  return config;
}

// Heights every payment-channel scenario uses: open at 100 (timeout_height 1100), fund at 101,
// force-close at 200 (dispute_deadline 344: the last block for a challenge is 343, the first for
// settle 344).
inline constexpr u64 open_height = 100;
inline constexpr u64 fund_height = 101;
inline constexpr u64 timeout_height = 1100;
inline constexpr u64 force_height = 200;
inline constexpr u64 deadline = 344;

// Which digest a co-signed state is signed over: state_digest or close_digest.
enum class Digest { state, close };

// A deployed adjudicator on chain 1 whose id derives from the case seed.
inline payment_channel::Adjudicator empty_adjudicator(const Hash32& seed, const payment_channel::Layer2Config& config) {
  return payment_channel::Adjudicator{1, ref::tagged_hash("L2/vectors/adjudicator", seed), config, {}};
}

// The case's keys: key i is secret_from_seed(case seed, i). Signatures use aux_rand = 0.
template <std::size_t N>
class Keys {
 public:
  explicit Keys(const Hash32& seed) {
    for (std::size_t i = 0; i < N; ++i) {
      secret_[i] = ref::bip340::secret_from_seed(seed, static_cast<u32>(i));
      pubkey_[i] = ref::bip340::pubkey_from_secret(secret_[i]).value();
    }
  }
  const Hash32& pubkey(std::size_t i) const { return pubkey_[i]; }
  payment_channel::Signature sign(std::size_t signer, const Hash32& digest) const {
    return ref::bip340::sign(secret_[signer], digest, Hash32{}).value();
  }

 private:
  std::array<Hash32, N> secret_{};
  std::array<Hash32, N> pubkey_{};
};

// ---- The payment-channel engines, shared by every mechanism whose state embeds an adjudicator.

// The payment-channel Z3 model's engine (l2/inv/payment_channel_model.hpp), one per thread: the
// step is projected onto the model's variables, the solver is asked for the model's outcome and
// then to rule out any other. The abstract signature check takes its value from BIP-340
// (libsecp256k1) on the concrete digest.
inline inv::payment_channel::Engine& channel_model_engine() {
  thread_local inv::payment_channel::Engine engine(
      inv::payment_channel::Weakening::none, [](const Hash32& key, const Hash32& digest, const payment_channel::Signature& sig) {
        return opt::schnorr::verify(key, digest, sig) == PrimitiveError::none;
      });
  return engine;
}

// The outcome of payment-channel op `Op` on `adjudicator` in the optimized implementation (the
// channel hub, l2/opt/payment_channel_hub.hpp) or in the model; `embed` puts a post-adjudicator
// back into the vector state.
template <class Op, class Embed>
StepResult channel_step(Impl impl, const payment_channel::Adjudicator& adjudicator, const typename Op::Input& in, u64 height, Embed embed) {
  if (impl == Impl::optimized) {
    const auto next = opt::apply_item(adjudicator, opt::ChannelItem::of<Op>(in, height));
    if (!next) return StepResult{true, rejection(next.error())};
    return embed(next.value());
  }
  const auto outcome = channel_model_engine().apply(adjudicator, inv::payment_channel::Step{payment_channel::op_code<Op>, in, height});
  if (!outcome.problem.empty()) return StepResult{true, Outcome::invalid("MODEL_FAILURE", "", outcome.problem)};
  if (outcome.ambiguous) return StepResult{true, Outcome::invalid("MODEL_FAILURE", "", "the model admits more than one outcome")};
  if (outcome.error != ChannelError::none) return StepResult{true, rejection(outcome.error)};
  return embed(outcome.post);
}

// deploy in the model: the payment-channel model's deployment rules (deploy_error); an accepted
// configuration is recorded as the reference records it, then put into the vector state by `embed`.
template <class Embed>
StepResult channel_model_deploy(const payment_channel::DeployInput& in, Embed embed) {
  const ChannelError error = inv::payment_channel::deploy_error(in.config);
  if (error != ChannelError::none) return StepResult{true, rejection(error)};
  return embed(payment_channel::Adjudicator{in.chain_id, in.adjudicator_id, in.config, {}});
}

// The engines of `impl` for a mechanism whose vector state `World` embeds the adjudicator
// (`world.adjudicator`) and whose table wraps payment-channel ops (Op::ChannelOperation): those ops
// run on the adjudicator; the mechanism's own ops have no engine here (table_ops' engine_handles).
template <Impl impl, class World, Hash32 (*state_root)(const World&)>
struct ChannelOpsOnAdjudicator {
  template <class Op>
  static constexpr bool handles = requires { typename Op::ChannelOperation; };

  template <class Op>
    requires handles<Op>
  StepResult operator()(std::type_identity<Op>, const World& world, const typename Op::Input& in, u64 height) const {
    return channel_step<typename Op::ChannelOperation>(impl, world.adjudicator, in, height, [&](const payment_channel::Adjudicator& post) {
      World out = world;
      out.adjudicator = post;
      return StepResult{true, Outcome::ok(codec::to_json(out), to_hex(state_root(out)))};
    });
  }
};

}  // namespace l2::vectors::payment_channel_scenario
