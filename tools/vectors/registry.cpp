// The registry: one line per mechanism. Each line names the mechanism whose descriptor
// `<name>_mechanism()` (framework.hpp's Mechanism) is defined in its own vectors file; the list's
// order is the order of every listing (vectors, prove, audit, trace). spec: adding_a_mechanism.md#the-registry-line
#include "l2/vectors/registry.hpp"

#include <cctype>

#include "l2/inv/registry.hpp"
#include "l2/vectors/counterexample.hpp"

#define L2_MECHANISMS(X) \
  X(primitives)          \
  X(payment_channel)     \
  X(watchtower)          \
  X(channel_factory)     \
  X(optimistic_rollup)   \
  X(zk_rollup)           \
  X(validium)            \
  X(channel_network)     \
  X(state_channel)       \
  X(channel_vm)          \
  X(game_channel)        \
  X(dex_channel)

namespace l2::vectors {

#define L2_DECLARE_MECHANISM(name) Mechanism name##_mechanism();
L2_MECHANISMS(L2_DECLARE_MECHANISM)
#undef L2_DECLARE_MECHANISM

const std::vector<Mechanism>& mechanisms() {
#define L2_LIST_MECHANISM(name) name##_mechanism(),
  static const std::vector<Mechanism> all = {L2_MECHANISMS(L2_LIST_MECHANISM)};
#undef L2_LIST_MECHANISM
  return all;
}

std::vector<inv::ModelEntry> models() {
  std::vector<inv::ModelEntry> all;
  for (const Mechanism& mechanism : mechanisms())
    if (mechanism.model) all.push_back(mechanism.model());
  return all;
}

std::vector<inv::Obligation> all_obligations(inv::Depth depth) {
  std::vector<inv::Obligation> all;
  for (const inv::ModelEntry& model : models())
    for (inv::Obligation& obligation : model.obligations(depth)) all.push_back(std::move(obligation));
  return all;
}

std::string counterexample_case_name(std::string_view obligation_id) {
  std::string name;
  for (const char ch : obligation_id) {
    const auto c = static_cast<unsigned char>(ch);
    name += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
  }
  return name;
}

json counterexample_case(std::string_view mechanism, const inv::Counterexample& counterexample) {
  for (const Mechanism& m : mechanisms())
    if (m.name == mechanism && m.counterexample) return m.counterexample(counterexample);
  return nullptr;
}

}  // namespace l2::vectors
