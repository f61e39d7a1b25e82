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
inline pc::Adjudicator empty_adjudicator(const Hash32& seed, const pc::Layer2Config& config) {
  return pc::Adjudicator{1, ref::tagged_hash("L2/vectors/adjudicator", seed), config, {}};
}

// A `deploy` handler: no pre-state; the post-state is the new state, committed by `state_root`.
// `optimized` and `model` are engines `(const DeployInput&) -> StepResult`, empty for none.
template <class State, class E>
OpHandler deploy_op(std::function<Result<State, E>(const pc::DeployInput&)> reference,
                    std::function<Hash32(const State&)> state_root,
                    std::function<StepResult(const pc::DeployInput&)> optimized,
                    std::function<StepResult(const pc::DeployInput&)> model) {
  OpHandler handler;
  handler.op = "deploy";
  handler.summary = "deploy";
  handler.apply = [=](Impl impl, const json& state, const json& input, u64) -> StepResult {
    const auto* engine = impl == Impl::optimized ? &optimized : impl == Impl::model ? &model : nullptr;
    if (engine != nullptr && !*engine) return StepResult{false, {}};
    if (!state.is_null()) return StepResult{true, Outcome::malformed("deploy takes no pre-state")};
    auto decoded = codec::from_json<pc::DeployInput>(input);
    if (!decoded.ok()) return StepResult{true, Outcome::malformed(decoded.error().message)};
    if (engine != nullptr) return (*engine)(decoded.value());
    return transition_result(reference(decoded.value()), state_root);
  };
  return handler;
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
