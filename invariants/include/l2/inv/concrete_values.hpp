// Concrete values as Z3 terms and back, for the model engines that run concrete steps through a
// model's relation: a 32-byte hash is a 256-bit bit-vector whose first byte is its most
// significant, a u64 a 64-bit one.
#pragma once

#include <cstddef>
#include <cstdint>

#include <z3++.h>

#include "l2/ref/bytes.hpp"

namespace l2::inv {

inline z3::expr hash_bv(z3::context& ctx, const Hash32& h) {
  z3::expr out = ctx.bv_val(static_cast<std::uint64_t>(0), 64);
  for (std::size_t limb = 0; limb < 4; ++limb) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | h[limb * 8 + i];
    const z3::expr part = ctx.bv_val(v, 64);
    out = limb == 0 ? part : z3::concat(out, part);
  }
  return out;
}

inline std::uint64_t eval_u64(const z3::model& m, const z3::expr& e) { return m.eval(e, true).get_numeral_uint64(); }

inline bool eval_bool(const z3::model& m, const z3::expr& e) { return m.eval(e, true).is_true(); }

inline Hash32 eval_hash(const z3::model& m, const z3::expr& e) {
  Hash32 h{};
  for (unsigned limb = 0; limb < 4; ++limb) {
    const std::uint64_t v = m.eval(e.extract(255 - 64 * limb, 192 - 64 * limb), true).get_numeral_uint64();
    for (std::size_t i = 0; i < 8; ++i) h[limb * 8 + i] = static_cast<u8>(v >> (56 - 8 * i));
  }
  return h;
}

}  // namespace l2::inv
