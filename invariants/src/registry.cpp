#include "l2/inv/obligation.hpp"

namespace l2::inv {

std::vector<Obligation> all_obligations() {
  std::vector<Obligation> all;
  for (auto&& list : {primitives_obligations()}) {
    for (auto& obligation : list) all.push_back(obligation);
  }
  return all;
}

}  // namespace l2::inv
