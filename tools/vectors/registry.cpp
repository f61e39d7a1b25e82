#include "l2/vectors/framework.hpp"

namespace l2::vectors {

const std::vector<Mechanism>& mechanisms() {
  static const std::vector<Mechanism> all = {primitives_mechanism(), payment_channel_mechanism(), watchtower_mechanism(),
                                             channel_factory_mechanism(), optimistic_rollup_mechanism()};
  return all;
}

}  // namespace l2::vectors
