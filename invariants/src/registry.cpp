// One line per mechanism with a model. spec: adding_a_mechanism.md
#include "l2/inv/registry.hpp"

#include "l2/inv/channel_factory_model.hpp"
#include "l2/inv/optimistic_rollup_model.hpp"
#include "l2/inv/payment_channel_model.hpp"
#include "l2/inv/watchtower_model.hpp"

namespace l2::inv {
namespace {

// The entry of a mechanism whose model namespace has Weakening, all_weakenings, weakening_name,
// parse_weakening and obligations(Weakening).
template <class Weakening, std::size_t N>
ModelEntry entry(std::string mechanism, const std::array<Weakening, N>& weakenings,
                 std::string_view (*name_of)(Weakening), std::optional<Weakening> (*parse)(std::string_view),
                 std::vector<Obligation> (*obligations)(Weakening)) {
  ModelEntry e{std::move(mechanism), [obligations] { return obligations(Weakening::none); }, {}, nullptr};
  for (Weakening w : weakenings) e.weakenings.emplace_back(name_of(w));
  e.weakened = [parse, obligations](std::string_view name) { return obligations(*parse(name)); };
  return e;
}

}  // namespace

const std::vector<ModelEntry>& models() {
  namespace pc = payment_channel;
  namespace cf = channel_factory;
  namespace wt = watchtower;
  namespace orl = optimistic_rollup;
  static const std::vector<ModelEntry> all = {
      ModelEntry{"primitives", primitives_obligations, {}, nullptr},
      entry("payment_channel", pc::all_weakenings, pc::weakening_name, pc::parse_weakening, pc::obligations),
      entry("channel_factory", cf::all_weakenings, cf::weakening_name, cf::parse_weakening, cf::obligations),
      entry("watchtower", wt::all_weakenings, wt::weakening_name, wt::parse_weakening, wt::obligations),
      entry("optimistic_rollup", orl::all_weakenings, orl::weakening_name, orl::parse_weakening, orl::obligations),
  };
  return all;
}

std::vector<Obligation> all_obligations() {
  std::vector<Obligation> all;
  for (const ModelEntry& model : models())
    for (Obligation& obligation : model.obligations()) all.push_back(std::move(obligation));
  return all;
}

WeakenedObligations find_weakening(std::string_view name) {
  WeakenedObligations found;
  std::string_view mechanism;
  if (const auto colon = name.find(':'); colon != std::string_view::npos) {
    mechanism = name.substr(0, colon);
    name.remove_prefix(colon + 1);
  }
  found.name = std::string(name);
  for (const ModelEntry& model : models()) {
    if (!mechanism.empty() && model.mechanism != mechanism) continue;
    for (const std::string& weakening : model.weakenings)
      if (weakening == name) found.entries.push_back(&model);
  }
  return found;
}

}  // namespace l2::inv
