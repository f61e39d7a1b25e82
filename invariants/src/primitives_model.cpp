// Z3 model of the checked uint64 arithmetic in reference/include/l2/ref/checked.hpp.
// Each obligation encodes the reference's overflow test exactly as written there and proves it
// agrees, for all 2^128 inputs, with the mathematical definition over wider bit-vectors. Every
// later mechanism's amounts rest on these four functions.
// spec: primitives.md#checked-arithmetic
#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"

namespace l2::inv {
namespace {

z3::expr u64_max(z3::context& ctx) { return ctx.bv_val(static_cast<std::uint64_t>(-1), 64); }


}  // namespace

std::vector<Obligation> primitives_obligations() {
  std::vector<Obligation> list;

  // checked_add: `if (a > u64_max - b) overflow` [CHK-ADD-1]
  list.push_back(make_obligation("primitives", "overflow_detected_exactly", "checked_add", Kind::safety,
                      "checked_add reports overflow iff a + b >= 2^64, and otherwise returns a + b",
                      [](z3::context& ctx, z3::solver& s) {
                        const z3::expr a = ctx.bv_const("a", 64), b = ctx.bv_const("b", 64);
                        const z3::expr ref_overflow = z3::ugt(a, u64_max(ctx) - b);
                        const z3::expr wide_sum = z3::zext(a, 1) + z3::zext(b, 1);
                        const z3::expr true_overflow = wide_sum.extract(64, 64) == ctx.bv_val(1, 1);
                        const z3::expr exact = (a + b) == wide_sum.extract(63, 0);
                        s.add(ref_overflow != true_overflow || (!ref_overflow && !exact));
                      }));
  list.back().premise = "every pair of u64 values a, b (all 2^128 inputs, 64-bit bit-vectors), against their sum taken in "
                        "65 bits";

  // checked_sub: `if (a < b) overflow` [CHK-SUB-1]
  list.push_back(make_obligation("primitives", "underflow_detected_exactly", "checked_sub", Kind::safety,
                      "checked_sub reports underflow iff a - b < 0, and otherwise returns a - b",
                      [](z3::context& ctx, z3::solver& s) {
                        const z3::expr a = ctx.bv_const("a", 64), b = ctx.bv_const("b", 64);
                        const z3::expr ref_underflow = z3::ult(a, b);
                        const z3::expr wide_diff = z3::zext(a, 1) - z3::zext(b, 1);  // two's complement in 65 bits
                        const z3::expr true_underflow = wide_diff.extract(64, 64) == ctx.bv_val(1, 1);
                        const z3::expr exact = (a - b) == wide_diff.extract(63, 0);
                        s.add(ref_underflow != true_underflow || (!ref_underflow && !exact));
                      }));
  list.back().premise = "every pair of u64 values a, b (all 2^128 inputs, 64-bit bit-vectors), against their difference "
                        "taken in 65-bit two's complement";

  // checked_mul: `if (a != 0 && b > u64_max / a) overflow` [CHK-MUL-1]. Bit-blasting a 64x64
  // multiplier against a divider does not finish, so the claim is stated over the integers, where
  // u64_max / a is Euclidean division: u64_max = q * a + r with 0 <= r < a. The reference's test is
  // b > q; the true condition is a * b > u64_max.
  list.push_back(make_obligation("primitives", "overflow_detected_exactly", "checked_mul", Kind::safety,
                      "checked_mul reports overflow iff a * b > UINT64_MAX (a != 0; Euclidean quotient)",
                      [](z3::context& ctx, z3::solver& s) {
                        const z3::expr a = ctx.int_const("a"), b = ctx.int_const("b");
                        const z3::expr q = ctx.int_const("quotient"), r = ctx.int_const("remainder");
                        const z3::expr max = ctx.int_val("18446744073709551615");
                        s.add(a >= 0 && a <= max && b >= 0 && b <= max);
                        s.add(a > 0 && max == q * a + r && r >= 0 && r < a);
                        const z3::expr ref_overflow = b > q;
                        const z3::expr true_overflow = a * b > max;
                        s.add(ref_overflow != true_overflow);
                      }));
  list.back().premise = "every pair of integers a, b in 0..2^64-1 with a != 0, and the quotient q and remainder r with "
                        "UINT64_MAX = q·a + r, 0 <= r < a (the reference's UINT64_MAX / a), over the integers";
  // a == 0 never overflows and the reference skips the division: covered by its `a != 0` guard.
  list.push_back(make_obligation("primitives", "zero_never_overflows", "checked_mul", Kind::safety,
                      "checked_mul with a == 0 returns 0 without overflow for every b",
                      [](z3::context& ctx, z3::solver& s) {
                        const z3::expr a = ctx.bv_val(0, 64), b = ctx.bv_const("b", 64);
                        const z3::expr ref_overflow = a != ctx.bv_val(0, 64) && z3::ugt(b, z3::udiv(u64_max(ctx), a));
                        s.add(ref_overflow || (a * b) != ctx.bv_val(0, 64));
                      }));
  list.back().premise = "a = 0 and every u64 value b (64-bit bit-vectors)";

  // checked_mul_div: with P = a * numerator as a 128-bit value (hi, lo), the reference rejects
  // when `hi >= denominator`. The lemma: for d != 0, floor(P / d) < 2^64 iff hi < d. The 128-bit
  // product itself is left free: the lemma holds for every P, so for the true product too.
  list.push_back(make_obligation("primitives", "quotient_fits_exactly", "checked_mul_div", Kind::safety,
                      "for d != 0, floor(P / d) fits in 64 bits iff the high half of P is below d",
                      [](z3::context& ctx, z3::solver& s) {
                        const z3::expr product = ctx.bv_const("product", 128);
                        const z3::expr d = ctx.bv_const("denominator", 64);
                        const z3::expr ref_rejects = z3::uge(product.extract(127, 64), d);
                        const z3::expr quotient = z3::udiv(product, z3::zext(d, 64));
                        const z3::expr too_large = quotient.extract(127, 64) != ctx.bv_val(0, 64);
                        s.add(d != ctx.bv_val(0, 64));
                        s.add(ref_rejects != too_large);
                      }));
  list.back().premise = "every 128-bit value P (the product a·numerator left free, so the true product is among them) and "
                        "every u64 denominator d != 0, as bit-vectors";
  return list;
}

ModelEntry primitives_model_entry() {
  return ModelEntry{"primitives", [](Depth) { return primitives_obligations(); }, {}, nullptr, std::nullopt};
}

}  // namespace l2::inv
