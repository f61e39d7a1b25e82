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

#include "l2/ref/payment_channel.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors::pc_scenario {

namespace pc = ref::payment_channel;

// The payment-channel defaults every embedding mechanism's vectors use (payment_channel.md).
inline pc::Layer2Config default_config() {
  pc::Layer2Config config{};
  config.max_channels_per_user = 2;
  config.channel_timeout_blocks = 1000;
  config.dispute_period_blocks = 144;
  config.min_channel_capacity = 1000;
  config.max_channel_capacity = 1'000'000;
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

// An empty adjudicator on chain 1 whose id derives from the case seed.
inline pc::Adjudicator empty_adjudicator(const Hash32& seed, const pc::Layer2Config& config) {
  pc::Adjudicator empty{};
  empty.chain_id = 1;
  empty.adjudicator_id = ref::tagged_hash("L2/vectors/adjudicator", seed);
  empty.config = config;
  return empty;
}

template <class In>
using ChannelFn = std::function<Result<pc::Adjudicator, ChannelError>(const pc::Adjudicator&, const In&, const pc::Env&)>;

// One payment-channel op applied to `World::adjudicator`; the rest of the world is unchanged.
template <class World, class In>
OpHandler embedded_channel_op(std::string name, std::string summary, ChannelFn<In> apply,
                              std::function<Hash32(const World&)> state_root) {
  using E = ChannelError;
  return transition_op<World, In, E>(
      std::move(name), std::move(summary),
      TransitionFn<World, In, E>([apply = std::move(apply)](const World& world, const In& in, u64 height) -> Result<World, E> {
        const Result<pc::Adjudicator, E> next = apply(world.adjudicator, in, pc::Env{height});
        if (!next.ok()) return next.error();
        World out = world;
        out.adjudicator = next.value();
        return out;
      }),
      nullptr, std::move(state_root));
}

// Every payment-channel op, on the embedded adjudicator; rejections carry the PC_* codes.
template <class World>
std::vector<OpHandler> embedded_channel_ops(const std::function<Hash32(const World&)>& state_root) {
  using Tx = pc::OffChainTransaction;
  using Adj = pc::Adjudicator;
  using pc::Env;
  std::vector<OpHandler> list;
  list.push_back(embedded_channel_op<World, pc::OpenInput>(
      "open", "payment_channel open on the embedded adjudicator [PC-OPEN-1..5]",
      [](const Adj& a, const pc::OpenInput& in, const Env& env) { return pc::apply_open(a, in, env); }, state_root));
  list.push_back(embedded_channel_op<World, pc::FundInput>(
      "fund", "payment_channel fund on the embedded adjudicator [PC-FUND-1..2]",
      [](const Adj& a, const pc::FundInput& in, const Env& env) { return pc::apply_fund(a, in, env); }, state_root));
  list.push_back(embedded_channel_op<World, Tx>(
      "update", "payment_channel update on the embedded adjudicator [PC-UPD-1..2]",
      [](const Adj& a, const Tx& in, const Env& env) { return pc::apply_update(a, in, env); }, state_root));
  list.push_back(embedded_channel_op<World, Tx>(
      "cooperative_close", "payment_channel cooperative_close on the embedded adjudicator [PC-COOP-1..2]",
      [](const Adj& a, const Tx& in, const Env& env) { return pc::apply_cooperative_close(a, in, env); }, state_root));
  list.push_back(embedded_channel_op<World, Tx>(
      "force_close", "payment_channel force_close on the embedded adjudicator [PC-FORCE-1..2]",
      [](const Adj& a, const Tx& in, const Env& env) { return pc::apply_force_close(a, in, env); }, state_root));
  list.push_back(embedded_channel_op<World, Tx>(
      "challenge", "payment_channel challenge on the embedded adjudicator [PC-CHAL-1..3]",
      [](const Adj& a, const Tx& in, const Env& env) { return pc::apply_challenge(a, in, env); }, state_root));
  list.push_back(embedded_channel_op<World, pc::ChannelRef>(
      "settle", "payment_channel settle on the embedded adjudicator [PC-SETTLE-1..2]",
      [](const Adj& a, const pc::ChannelRef& in, const Env& env) { return pc::apply_settle(a, in, env); }, state_root));
  list.push_back(embedded_channel_op<World, pc::ChannelRef>(
      "timeout", "payment_channel timeout on the embedded adjudicator [PC-TIMEOUT-1..2]",
      [](const Adj& a, const pc::ChannelRef& in, const Env& env) { return pc::apply_timeout(a, in, env); }, state_root));
  return list;
}

// Cases under construction. Each CaseSpec keeps its address while later cases are added, so a
// builder may hold a reference to the one it fills.
class CaseBook {
 public:
  explicit CaseBook(std::string mechanism) : mechanism_(std::move(mechanism)) {}

  CaseSpec& add(std::string suite, std::string name, std::string description, std::vector<std::string> rules) {
    auto spec = std::make_unique<CaseSpec>();
    spec->seed = case_seed(mechanism_, suite, name);
    spec->suite = std::move(suite);
    spec->name = std::move(name);
    spec->description = std::move(description);
    spec->rules = std::move(rules);
    specs_.push_back(std::move(spec));
    return *specs_.back();
  }
  void mark_adversarial(std::string attack, std::string party) {
    specs_.back()->adversarial = Adversarial{std::move(attack), std::move(party)};
  }
  std::vector<CaseSpec> take() {
    std::vector<CaseSpec> out;
    for (auto& spec : specs_) out.push_back(std::move(*spec));
    return out;
  }

 private:
  std::string mechanism_;
  std::vector<std::unique_ptr<CaseSpec>> specs_;
};

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
  pc::Signature sign(std::size_t signer, const Hash32& digest) const {
    return ref::bip340::sign(secret_[signer], digest, Hash32{}).value();
  }

 private:
  std::array<Hash32, N> secret_{};
  std::array<Hash32, N> pubkey_{};
};

}  // namespace l2::vectors::pc_scenario
