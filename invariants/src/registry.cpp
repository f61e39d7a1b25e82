#include "l2/inv/obligation.hpp"
#include "l2/inv/optimistic_rollup_model.hpp"
#include "l2/inv/payment_channel_model.hpp"

namespace l2::inv {

std::vector<Obligation> all_obligations() {
  std::vector<Obligation> all;
  for (auto&& list : {primitives_obligations(), payment_channel_obligations(), channel_factory_obligations(),
                     optimistic_rollup_obligations()}) {
    for (auto& obligation : list) all.push_back(obligation);
  }
  return all;
}

std::vector<Obligation> payment_channel_obligations() { return payment_channel::obligations(); }
std::vector<Obligation> optimistic_rollup_obligations() { return optimistic_rollup::obligations(); }

}  // namespace l2::inv
