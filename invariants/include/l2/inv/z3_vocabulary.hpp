// The Z3 vocabulary the contract models share (optimistic_rollup's symbols.hpp, zk_rollup's and
// validium's model.hpp): u64s as exact integers, hashes as bit-vectors of the model's width,
// uninterpreted functions, and sets as a membership predicate plus the keys added since. A term
// built here is the same term in every model: the same name, the same sort.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <z3++.h>

namespace l2::inv {

// The uninterpreted function `name` over `domain`. A declaration is its name and sorts, so every
// builder in a context that declares the same one gets the same function.
inline z3::func_decl function(z3::context& ctx, const std::string& name, const std::vector<z3::sort>& domain,
                              const z3::sort& range) {
  z3::sort_vector sorts(ctx);
  for (const z3::sort& s : domain) sorts.push_back(s);
  return ctx.function(name.c_str(), sorts, range);
}

// A set as its membership predicate before the trace plus the keys added since, each under the
// condition that its step added it.
struct KeySet {
  struct Added {
    z3::expr present;
    std::vector<z3::expr> key;
  };
  std::function<z3::expr(const std::vector<z3::expr>&)> base;
  std::vector<Added> added;

  z3::expr contains(const std::vector<z3::expr>& key) const {
    z3::expr in = base(key);
    for (const Added& a : added) {
      z3::expr same = a.present;
      for (std::size_t i = 0; i < key.size(); ++i) same = same && key[i] == a.key[i];
      in = in || same;
    }
    return in;
  }
};

class Vocabulary {
 public:
  // `hash_width`: the bits of every key, root, id and digest. The models only compare them and pass
  // them through uninterpreted functions, so any width with more values than the finitely many hash
  // terms of a query is equisatisfiable with 256 bits.
  Vocabulary(z3::context& ctx, unsigned hash_width) : ctx_(ctx), hash_width_(hash_width) {}

  z3::context& ctx() const { return ctx_; }

  z3::expr truth(bool b) const { return ctx_.bool_val(b); }
  z3::expr boolean(const std::string& name) const { return ctx_.bool_const(name.c_str()); }

  // Every u64 (amounts, heights, counts, nonces, indices) is read as an exact integer in [0,
  // UINT64_MAX]. For such integers checked_add's test `a > UINT64_MAX - b` is exactly `a + b >
  // UINT64_MAX`, checked_sub's `a < b` is `a - b < 0` and saturating_add is min(a + b, UINT64_MAX)
  // (the primitives obligations prove the reference's tests), so every checked operation reads the
  // same; the unchecked ones are claimed to stay in range. Sums and comparisons are then linear
  // integer arithmetic: bit-blasted adders make the solver prove circuit equivalences, which it does
  // badly.
  z3::expr u64(const std::string& name) const { return ctx_.int_const(name.c_str()); }
  z3::expr u64v(std::uint64_t v) const { return ctx_.int_val(v); }
  z3::expr u64max() const { return u64v(~std::uint64_t{0}); }
  z3::expr is_u64(const z3::expr& a) const { return a >= u64v(0) && a <= u64max(); }
  z3::expr is_u32(const z3::expr& a) const { return a >= u64v(0) && a <= u64v(0xffffffffULL); }
  // checked_add's overflow test [CHK-ADD-1]; saturating_add.
  z3::expr overflows(const z3::expr& a, const z3::expr& b) const { return a + b > u64max(); }
  z3::expr saturating_add(const z3::expr& a, const z3::expr& b) const {
    return z3::ite(overflows(a, b), u64max(), a + b);
  }

  z3::expr hash(const std::string& name) const { return ctx_.bv_const(name.c_str(), hash_width_); }
  z3::expr zero_hash() const { return ctx_.bv_val(0, hash_width_); }

  // The conjunction, `true` for none.
  z3::expr all(const std::vector<z3::expr>& conditions) const {
    z3::expr out = truth(true);
    for (const z3::expr& c : conditions) out = out && c;
    return out;
  }

  // The set `name` over keys of `arity` u64s, as its membership predicate, with no key added.
  KeySet key_set(const std::string& name, unsigned arity) const {
    std::vector<z3::sort> domain(arity, ctx_.int_sort());
    const z3::func_decl member = function(ctx_, name, domain, ctx_.bool_sort());
    return {[member](const std::vector<z3::expr>& key) {
              z3::expr_vector args(member.ctx());
              for (const z3::expr& k : key) args.push_back(k);
              return member(args);
            },
            {}};
  }

 private:
  z3::context& ctx_;
  unsigned hash_width_;
};

}  // namespace l2::inv
