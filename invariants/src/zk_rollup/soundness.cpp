// The reexecution backend's soundness, proved over a small sparse tree. spec: zk_rollup.md#obligations
//
// multiproof_binds: an opening that ZK-RX-6 and ZK-RX-8 accept against the root of a real state opens
// that state's header, the true content of every touched slot, and the true tree node at every
// position whose sibling the multiproof reads. touched_slots_agree (one transaction, so any batch
// length by induction): a transaction the verifier's re-execution accepts on touched slots that agree
// with a full state is valid on the full state, and the results agree again. post_root_recomputed:
// the same siblings with the updated leaves give the full state's tree root. reexecution_sound, end
// to end for a bounded batch: if the verifier accepts a batch witness (ZK-RX-6..8, 11..13) whose
// statement's prev_state_root is the root of a real state, then every transaction of the witness is
// valid on that full state under optimistic_rollup.md's rules, and the statement's post_state_root
// is the root of the state they lead to: no witness makes the verifier accept another post-root.
//
// THE ABSTRACTION AND ITS BOUNDS
//
// The tree: depth `tree_depth` (2^tree_depth account slots; the real tree has 32 levels), the slots
// and accounts of optimistic_rollup's L2 model (l2_model.hpp: exists, balance, nonce, owner; an
// empty slot holds zeros). A slot's leaf is the empty leaf (zero) for an empty slot, else
// leaf(index, owner, balance, nonce), which stands for smt::leaf_hash(index, account_value(account));
// a node is node(left, right), smt::node_hash; the state root is optimistic_rollup's state_root over
// (accounts_root, deposits_credited, forced_exits_processed). All three are uninterpreted; their
// collision resistance is asserted as ground instances of inverse functions at the terms built on
// the pre-state side (every node and leaf of the true tree and of the witness's recomputation, both
// state roots), and no leaf hashes to the empty leaf (a preimage of 32 zero bytes). The post side
// needs none: its equality is congruence.
//
// The witness: a pre-state header, the touched slots as a set (ZK-RX-7 makes the list strictly
// ascending, so a list and its set are one thing) with any content (an absent account as zeros), and
// a sibling list of at most 2^tree_depth - 1 hashes (a longer one never passes ZK-RX-8: a multiproof
// reads at most one sibling per pair of positions and height). multiproof_root is the spec's
// algorithm over positions: the node at (h, p) is computed when a touched slot is below it; a
// position with nothing touched below whose sibling position has one is read from the list, at the
// cursor that counts such positions height by height, by position: the spec's canonical order. ZK-RX-8
// holds when a slot is touched, the cursor ends at the list's length, and the root is the header's
// accounts_root. The post-root is the same computation from the updated leaves with the same list.
//
// The transactions: `transactions` of the L2 model's domain (any kind, malformed included), run by
// the L2 model's rules (L2Model::run, the reference's execute_transaction) on the touched slots for
// the verifier, where opening an untouched slot is the witness error that ZK-RX-11 reports, and on
// the full true state for the truth (L2Model::apply). The verdicts the L2 model leaves free are
// functions of what decides them, so both runs see one verdict when they see the same inputs: a
// transaction's signature verdict (OR-SEND-2) is a function of the sender's key the run reads, and
// its L1 record's (OR-DEP-4, OR-FEX-4) of the base of the L1 view, which the verifier takes from the
// pre-state header's counters; the view's lengths are exact (the base plus the batch's own deposits,
// resp. forced exits, without reaching UINT64_MAX). Not modelled: ZK-RX-1..5, 9 and 10, which bind
// the key, the proof input, the size, and the transactions and consumed operations to the statement
// (public_input_binds and priority_exactly_once are about those); each witness of a proof is checked
// on its own, so one witness is the whole claim.
#include "soundness.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "../optimistic_rollup/l2_model.hpp"
#include "l2/inv/z3_vocabulary.hpp"

namespace l2::inv::zk_rollup {
namespace {

namespace orm = optimistic_rollup::model;
using orm::Account;
using orm::L2Model;
using orm::L2State;
using orm::Tx;
using OrError = OptimisticRollupError;
using z3::expr;

constexpr unsigned index_bits = 8;

// The sparse tree's hashes, uninterpreted, with their inverses for collision resistance.
class TreeHashes {
 public:
  explicit TreeHashes(z3::context& ctx)
      : ctx_(ctx),
        node_(function(ctx, "smt.node_hash", {hash(ctx), hash(ctx)}, hash(ctx))),
        node_left_(function(ctx, "smt.node_hash_inverse.left", {hash(ctx)}, hash(ctx))),
        node_right_(function(ctx, "smt.node_hash_inverse.right", {hash(ctx)}, hash(ctx))),
        leaf_(function(ctx, "smt.leaf_hash", {ctx.bv_sort(index_bits), hash(ctx), ctx.int_sort(), ctx.int_sort()},
                       hash(ctx))),
        leaf_index_(function(ctx, "smt.leaf_hash_inverse.index", {hash(ctx)}, ctx.bv_sort(index_bits))),
        leaf_owner_(function(ctx, "smt.leaf_hash_inverse.owner", {hash(ctx)}, hash(ctx))),
        leaf_balance_(function(ctx, "smt.leaf_hash_inverse.balance", {hash(ctx)}, ctx.int_sort())),
        leaf_nonce_(function(ctx, "smt.leaf_hash_inverse.nonce", {hash(ctx)}, ctx.int_sort())) {}

  expr empty_leaf() const { return ctx_.bv_val(0, orm::hash_bits); }

  // node_hash(left, right); with `facts`, its collision resistance at this term.
  expr node(const expr& left, const expr& right, std::vector<expr>* facts) const {
    const expr n = node_(left, right);
    if (facts) facts->push_back(node_left_(n) == left && node_right_(n) == right);
    return n;
  }

  // The slot's leaf: the empty leaf for no account, else leaf_hash(index, account_value(account));
  // with `facts`, the leaf hash's collision resistance at this term and that it is not the empty leaf.
  expr leaf(const expr& index, const Account& a, std::vector<expr>* facts) const {
    const expr h = leaf_(index, a.owner, a.balance, a.nonce);
    if (facts)
      facts->push_back(leaf_index_(h) == index && leaf_owner_(h) == a.owner && leaf_balance_(h) == a.balance &&
                       leaf_nonce_(h) == a.nonce && h != empty_leaf());
    return z3::ite(a.exists, h, empty_leaf());
  }

 private:
  static z3::sort hash(z3::context& ctx) { return ctx.bv_sort(orm::hash_bits); }
  z3::context& ctx_;
  z3::func_decl node_, node_left_, node_right_;
  z3::func_decl leaf_, leaf_index_, leaf_owner_, leaf_balance_, leaf_nonce_;
};

std::size_t slots_of(std::size_t depth) { return std::size_t{1} << depth; }

// Every node of the full tree of a state, by height then position (levels[depth][0] is the root).
std::vector<std::vector<expr>> full_tree(const TreeHashes& t, const L2Model& m, const L2State& s, std::size_t depth,
                                         std::vector<expr>* facts) {
  std::vector<std::vector<expr>> levels(1);
  for (std::size_t k = 0; k < s.accounts.size(); ++k) levels[0].push_back(t.leaf(m.account_index(k), s.accounts[k], facts));
  for (std::size_t h = 0; h < depth; ++h) {
    std::vector<expr> up;
    for (std::size_t q = 0; q < levels[h].size() / 2; ++q) up.push_back(t.node(levels[h][2 * q], levels[h][2 * q + 1], facts));
    levels.push_back(up);
  }
  return levels;
}

// A batch witness as the model sees it: the pre-state header (its counters are `touched_content`'s),
// the touched set, each slot's content where touched, and the sibling list.
struct Witness {
  expr accounts_root;
  L2State content;  // accounts: each slot's content (read where touched); credited, processed: the header's counters
  std::vector<expr> touched;
  expr sibling_count;
  std::vector<expr> siblings;
};

// The names of a counterexample's values give each its role (what the audit report groups them by):
// `pre.` the real pre-state, `in.` what the verifier is given (`in.witness.`, the transactions
// `in.tx<i>.`), `env.` the rest of the world, `post.` what the runs compute.
// `content` names the slots' content: the witness's pre-state unless the obligation reads the touched
// slots after a run.
Witness witness(const L2Model& m, std::size_t depth, const std::string& content = "in.witness.pre_state") {
  const std::string p = "in.witness";
  Witness w{m.hash(p + ".pre_state.accounts_root"), m.state(content), {}, m.u64(p + ".sibling_count"), {}};
  for (std::size_t k = 0; k < slots_of(depth); ++k) w.touched.push_back(m.boolean(p + ".touched" + std::to_string(k)));
  for (std::size_t j = 0; j + 1 < slots_of(depth); ++j) w.siblings.push_back(m.hash(p + ".siblings[" + std::to_string(j) + "]"));
  return w;
}

// The multiproof's shape, fixed by the touched set: where a touched slot is below (h, p), where the
// multiproof reads a sibling, and the sibling it reads there (the list at the canonical cursor).
struct Shape {
  std::vector<std::vector<expr>> below, reads, read_value;
  expr read_count;
};

Shape shape(const L2Model& m, const Witness& w, std::size_t depth) {
  Shape sh{{w.touched}, {}, {}, m.u64v(0)};
  for (std::size_t h = 0; h < depth; ++h) {
    std::vector<expr> up;
    for (std::size_t q = 0; q < sh.below[h].size() / 2; ++q) up.push_back(sh.below[h][2 * q] || sh.below[h][2 * q + 1]);
    sh.below.push_back(up);
  }
  expr cursor = m.u64v(0);
  for (std::size_t h = 0; h < depth; ++h) {
    std::vector<expr> reads, values;
    for (std::size_t p = 0; p < sh.below[h].size(); ++p) {
      reads.push_back(!sh.below[h][p] && sh.below[h][p ^ 1]);
      expr value = w.siblings.back();
      for (std::size_t j = w.siblings.size() - 1; j-- > 0;) value = z3::ite(cursor == m.u64v(j), w.siblings[j], value);
      values.push_back(value);
      cursor = cursor + z3::ite(reads.back(), m.u64v(1), m.u64v(0));
    }
    sh.reads.push_back(reads);
    sh.read_value.push_back(values);
  }
  sh.read_count = cursor;
  return sh;
}

// multiproof_root over the slots' contents (read where touched) with the shape's siblings.
expr multiproof_root(const TreeHashes& t, const L2Model& m, const Shape& sh, const std::vector<Account>& content,
                     std::size_t depth, std::vector<expr>* facts) {
  std::vector<expr> level;
  for (std::size_t k = 0; k < content.size(); ++k) level.push_back(t.leaf(m.account_index(k), content[k], facts));
  for (std::size_t h = 0; h < depth; ++h) {
    auto at = [&](std::size_t p) { return z3::ite(sh.below[h][p], level[p], sh.read_value[h][p]); };
    std::vector<expr> up;
    for (std::size_t q = 0; q < level.size() / 2; ++q) up.push_back(t.node(at(2 * q), at(2 * q + 1), facts));
    level = up;
  }
  return level[0];
}

// ZK-RX-8: a slot is touched, the multiproof reads exactly the listed siblings, and leads to the
// header's accounts_root (under witness_root_unchecked, the last comparison is dropped).
expr multiproof_accepted(const L2Model& m, const Witness& w, const Shape& sh, const expr& root, Weakening weakening) {
  return m.any(w.touched) && sh.read_count == w.sibling_count &&
         (weakening == Weakening::witness_root_unchecked ? m.truth(true) : root == w.accounts_root);
}

// The witness's hypotheses of form: the content well formed, the sibling list within its bound.
expr witness_domain(const L2Model& m, const Witness& w) {
  return m.well_formed(w.content) && w.sibling_count >= m.u64v(0) &&
         w.sibling_count <= m.u64v(static_cast<std::uint64_t>(w.siblings.size()));
}

expr same_account(const Account& a, const Account& b) {
  return a.exists == b.exists && a.balance == b.balance && a.nonce == b.nonce && a.owner == b.owner;
}

// The touched slots as an account store (the reference's TouchedStore): opening an untouched slot is
// the witness error ZK-RX-11 reports.
struct TouchedStore {
  const L2Model* m;
  std::vector<expr> touched;
  L2State s;
  expr is_touched(const expr& index) const {
    expr out = m->truth(false);
    for (std::size_t k = 0; k < touched.size(); ++k) out = out || (index == m->account_index(k) && touched[k]);
    return out;
  }
  std::pair<std::vector<std::pair<expr, OrError>>, Account> open(const expr& index) const {
    return {{{!is_touched(index), OrError::witness_missing}}, m->read(s, index)};
  }
  void write(const expr& index, const Account& value, const expr& when) {
    s = when.is_true() ? m->write(s, index, value) : m->choose(when, m->write(s, index, value), s);
  }
  TouchedStore select(const expr& c, const TouchedStore& other) const { return {m, touched, m->choose(c, s, other.s)}; }
};

// The batch's transactions with the functions behind their free verdicts.
struct Batch {
  std::vector<Tx> txs;
  std::vector<z3::func_decl> signature_valid, deposit_matches, forced_exit_matches;
  expr deposits, forced_exits;  // how many deposit and forced-exit transactions the batch has (well formed)
};

Batch batch(z3::context& ctx, L2Model& m, std::size_t n) {
  Batch b{{}, {}, {}, {}, m.u64v(0), m.u64v(0)};
  for (std::size_t i = 0; i < n; ++i) {
    const std::string p = "in.tx" + std::to_string(i);
    b.txs.push_back(m.tx(p));
    m.solver().add(m.tx_domain(b.txs.back()));
    b.signature_valid.push_back(function(ctx, p + ".signature_valid_under_key", {ctx.bv_sort(orm::hash_bits)}, ctx.bool_sort()));
    b.deposit_matches.push_back(function(ctx, p + ".matches_l1_view_from_deposit_base", {ctx.int_sort()}, ctx.bool_sort()));
    b.forced_exit_matches.push_back(
        function(ctx, p + ".matches_l1_view_from_forced_exit_base", {ctx.int_sort()}, ctx.bool_sort()));
    const Tx& t = b.txs.back();
    b.deposits = b.deposits + z3::ite(!t.malformed && t.kind == m.kind(orm::TxKind::deposit), m.u64v(1), m.u64v(0));
    b.forced_exits =
        b.forced_exits + z3::ite(!t.malformed && t.kind == m.kind(orm::TxKind::forced_exit), m.u64v(1), m.u64v(0));
  }
  return b;
}

// The L1 view's length from `base`: the base plus the batch's own operations, never reaching UINT64_MAX.
expr view_length(const L2Model& m, const expr& base, const expr& own) {
  return base + z3::ite(own <= m.u64max() - base, own, m.u64max() - base);
}

// Transaction i as one run sees it: its signature verdict under the sender key it reads, its L1
// record's verdict under the view's base.
Tx as_seen(const L2Model& m, const Batch& b, std::size_t i, const expr& sender_key, const expr& deposit_base,
           const expr& forced_exit_base) {
  Tx t = b.txs[i];
  t.signature_ok = b.signature_valid[i](sender_key);
  t.record_matches = z3::ite(t.kind == m.kind(orm::TxKind::deposit), b.deposit_matches[i](deposit_base),
                             b.forced_exit_matches[i](forced_exit_base));
  return t;
}

// One obligation's world: the L2 model, the hashes, a real state and its root, a witness whose
// header ZK-RX-6 accepts against that root, and its multiproof.
struct World {
  L2Model m;
  TreeHashes tree;
  orm::Hashes hashes;
  std::size_t depth;
  L2State truth;
  std::vector<std::vector<expr>> true_tree;
  Witness w;
  Shape sh;
  expr pre_state_accepted;  // ZK-RX-6 and ZK-RX-8
  std::vector<expr> facts;

  World(z3::context& ctx, z3::solver& solver, std::size_t tree_depth, Weakening weakening)
      : m(ctx, solver, slots_of(tree_depth), index_bits),
        tree(ctx),
        hashes(ctx),
        depth(tree_depth),
        truth(m.state("pre")),
        w(witness(m, tree_depth)),
        sh(shape(m, w, tree_depth)),
        pre_state_accepted(m.truth(true)) {
    solver.add(m.well_formed(truth) && witness_domain(m, w));
    true_tree = full_tree(tree, m, truth, depth, &facts);
    const expr prev_state_root = hashes.root_of(true_tree[depth][0], truth.credited, truth.processed, facts);
    // ZK-RX-6: the header hashes to statement.prev_state_root, the root of the real state.
    const expr header_ok = hashes.root_of(w.accounts_root, w.content.credited, w.content.processed, facts) == prev_state_root;
    const expr root = multiproof_root(tree, m, sh, w.content.accounts, depth, &facts);
    pre_state_accepted = header_ok && multiproof_accepted(m, w, sh, root, weakening);
  }
};

std::string bounds_words(std::size_t depth) {
  return "a sparse tree of depth " + std::to_string(depth) + " (" + std::to_string(slots_of(depth)) +
         " account slots, an empty slot's leaf the empty leaf), any real L2 state in it (well formed, any counters)";
}
const std::string hash_words =
    "smt::node_hash, smt::leaf_hash of account_value (one function) and state_root collision resistant at the "
    "pre-state's terms (ground instances of their inverses), no leaf hash equal to the empty leaf";
std::string witness_words(std::size_t depth) {
  return "any witness: a pre-state header, any non-empty set of touched slots (ZK-RX-7's ascending list) with any "
         "well-formed content, any list of up to " +
         std::to_string(slots_of(depth) - 1) + " siblings (a longer one never passes ZK-RX-8)";
}

void multiproof_binds(z3::context& ctx, z3::solver& solver, bool claim, std::size_t depth, Weakening weakening) {
  World world(ctx, solver, depth, weakening);
  const L2Model& m = world.m;
  const Witness& w = world.w;
  solver.add(m.all(world.facts) && world.pre_state_accepted);
  expr holds = w.accounts_root == world.true_tree[depth][0] && w.content.credited == world.truth.credited &&
               w.content.processed == world.truth.processed;
  for (std::size_t k = 0; k < w.touched.size(); ++k)
    holds = holds && z3::implies(w.touched[k], same_account(w.content.accounts[k], world.truth.accounts[k]));
  for (std::size_t h = 0; h < depth; ++h)
    for (std::size_t p = 0; p < world.sh.reads[h].size(); ++p)
      holds = holds && z3::implies(world.sh.reads[h][p], world.sh.read_value[h][p] == world.true_tree[h][p]);
  if (claim) {
    solver.add(!holds);
  } else {
    // The boundary: two touched slots, an untouched one between, an occupied and an empty one.
    const std::size_t last = w.touched.size() - 1;
    solver.add(w.touched[0] && !w.touched[1] && w.touched[last] && w.content.accounts[0].exists &&
               !w.content.accounts[last].exists && w.sibling_count >= m.u64v(2));
  }
}

void reexecution_sound(z3::context& ctx, z3::solver& solver, bool claim, std::size_t depth, std::size_t n,
                       Weakening weakening) {
  World world(ctx, solver, depth, weakening);
  L2Model& m = world.m;
  const Witness& w = world.w;
  const Batch b = batch(ctx, m, n);
  const expr ok = m.code(OrError::none);

  // The verifier: the transactions on the touched slots from the header's counters [ZK-RX-11, 12].
  TouchedStore store{&m, w.touched, w.content};
  expr credited = w.content.credited, processed = w.content.processed;
  const expr deposits_seen = view_length(m, w.content.credited, b.deposits);
  const expr forced_exits_seen = view_length(m, w.content.processed, b.forced_exits);
  expr verifier_accepts = world.pre_state_accepted;
  for (std::size_t i = 0; i < n; ++i) {
    const Tx t = as_seen(m, b, i, m.read(store.s, b.txs[i].from).owner, w.content.credited, w.content.processed);
    const auto r = m.run(store, credited, processed, t, deposits_seen, forced_exits_seen);
    verifier_accepts = verifier_accepts && r.error == ok;
    store = r.store;
    credited = r.credited;
    processed = r.processed;
  }
  // ZK-RX-13: the statement's post-root is the one recomputed from the updated leaves and the same siblings.
  const expr post_accounts_root = multiproof_root(world.tree, m, world.sh, store.s.accounts, depth, nullptr);
  const expr post_state_root = world.hashes.state_root(post_accounts_root, credited, processed);

  // The truth: optimistic_rollup.md's rules on the full real state, with the L1 view from its counters.
  L2State state = world.truth;
  expr valid = m.truth(true);
  const expr true_deposits_seen = view_length(m, world.truth.credited, b.deposits);
  const expr true_forced_exits_seen = view_length(m, world.truth.processed, b.forced_exits);
  for (std::size_t i = 0; i < n; ++i) {
    const Tx t = as_seen(m, b, i, m.read(state, b.txs[i].from).owner, world.truth.credited, world.truth.processed);
    const orm::Applied a = m.apply(state, t, true_deposits_seen, true_forced_exits_seen);
    valid = valid && a.error == ok;
    state = a.post;
  }
  const std::vector<std::vector<expr>> true_post_tree = full_tree(world.tree, m, state, depth, nullptr);
  const expr true_post_root = world.hashes.state_root(true_post_tree[depth][0], state.credited, state.processed);

  // What the runs compute, named as the state after (fresh constants equal to their values, which
  // change no claim): the verifier's touched slots and post-root, the truth's full state, root and
  // verdict.
  L2State touched_after = store.s;
  touched_after.credited = credited;
  touched_after.processed = processed;
  solver.add(m.same(m.state("post.touched"), touched_after) && m.same(m.state("post.full"), state) &&
             m.hash("post.touched.state_root") == post_state_root && m.hash("post.full.state_root") == true_post_root &&
             m.boolean("post.full.transactions_valid") == valid);
  solver.add(m.all(world.facts) && verifier_accepts);
  if (claim) {
    solver.add(!(valid && post_state_root == true_post_root));
  } else {
    // The boundary: a transfer first, from a touched slot other than the fee account's, with a slot untouched.
    const Tx& t = b.txs[0];
    solver.add(!t.malformed && t.kind == m.kind(orm::TxKind::transfer) && t.from != m.account_index(0) &&
               !w.touched[w.touched.size() - 1] && t.amount > m.u64v(0));
  }
}

// The agreement between the verifier's touched slots `t` and the full state `s` that the rules run
// on, relative to the real pre-state `s0`: equal counters, every touched slot as in `s`, and every
// untouched slot of `s` as in `s0`.
expr agree(const std::vector<expr>& touched, const L2State& t, const L2State& s, const L2State& s0) {
  expr ok = t.credited == s.credited && t.processed == s.processed;
  for (std::size_t k = 0; k < touched.size(); ++k)
    ok = ok && z3::ite(touched[k], same_account(t.accounts[k], s.accounts[k]), same_account(s.accounts[k], s0.accounts[k]));
  return ok;
}

// One transaction, any batch length: from touched slots that agree with a well-formed full state, a
// transaction the verifier's run accepts (ZK-RX-11, 12) is valid on the full state, and the two
// results agree again. Both runs read one L1 view (the verifier's, from the header's counters, which
// multiproof_binds shows are the real pre-state's).
void touched_slots_agree(z3::context& ctx, z3::solver& solver, bool claim, std::size_t depth) {
  L2Model m(ctx, solver, slots_of(depth), index_bits);
  // The step is the transaction (`in.tx0`) from the full state (`pre.full`) and the verifier's touched
  // slots (`pre.touched`, the witness's set `in.witness.touched<k>`); the batch's real pre-state and
  // the L1 view are the environment.
  const L2State s0 = m.state("env.batch_pre_state"), s = m.state("pre.full"), t = m.state("pre.touched");
  std::vector<expr> touched;
  for (std::size_t k = 0; k < slots_of(depth); ++k) touched.push_back(m.boolean("in.witness.touched" + std::to_string(k)));
  solver.add(m.well_formed(s0) && m.well_formed(s) && agree(touched, t, s, s0));
  const Batch b = batch(ctx, m, 1);
  const expr deposit_base = m.u64("env.l1_view.deposit_base"), forced_exit_base = m.u64("env.l1_view.forced_exit_base");
  const expr deposits_seen = m.u64("env.l1_view.deposits"), forced_exits_seen = m.u64("env.l1_view.forced_exits");
  solver.add(m.is_u64(deposit_base) && m.is_u64(forced_exit_base) && m.is_u64(deposits_seen) && m.is_u64(forced_exits_seen));
  const expr ok = m.code(OrError::none);
  const Tx& tx = b.txs[0];
  const auto r = m.run(TouchedStore{&m, touched, t}, t.credited, t.processed,
                       as_seen(m, b, 0, m.read(t, tx.from).owner, deposit_base, forced_exit_base), deposits_seen,
                       forced_exits_seen);
  L2State after = r.store.s;
  after.credited = r.credited;
  after.processed = r.processed;
  const orm::Applied a = m.apply(s, as_seen(m, b, 0, m.read(s, tx.from).owner, deposit_base, forced_exit_base),
                                 deposits_seen, forced_exits_seen);
  // The two results as the state after (fresh constants equal to their values, which change no claim).
  solver.add(m.same(m.state("post.touched"), after) && m.same(m.state("post.full"), a.post) &&
             ctx.constant("post.touched.error", r.error.get_sort()) == r.error &&
             ctx.constant("post.full.error", a.error.get_sort()) == a.error);
  solver.add(r.error == ok);
  if (claim) {
    solver.add(!(a.error == ok && agree(touched, after, a.post, s0)));
  } else {
    // The boundary: a transfer with an untouched slot that the full state has changed since s0.
    const std::size_t last = touched.size() - 1;
    solver.add(tx.kind == m.kind(orm::TxKind::transfer) && !touched[last] &&
               !same_account(s.accounts[last], t.accounts[last]));
  }
}

// The same siblings with the updated leaves give the full state's root: when the touched slots agree
// with a full state that differs from the real pre-state only in touched slots, and every sibling the
// multiproof reads is the pre-state tree's node at its position (multiproof_binds), the multiproof's
// root is the full state's tree root. Congruence alone: no collision resistance.
void post_root_recomputed(z3::context& ctx, z3::solver& solver, bool claim, std::size_t depth) {
  L2Model m(ctx, solver, slots_of(depth), index_bits);
  const TreeHashes tree(ctx);
  // The real pre-state `pre`, the full state after the run `post.full` and the touched slots' content
  // after it `post.touched`, with the witness's touched set and siblings.
  const L2State s0 = m.state("pre"), s = m.state("post.full");
  const Witness w = witness(m, depth, "post.touched");
  const Shape sh = shape(m, w, depth);
  // The touched slots' content after a run is the full state's where touched (agree); nothing is
  // assumed of the untouched ones, which the multiproof never reads.
  solver.add(m.well_formed(s0) && m.well_formed(s) && agree(w.touched, w.content, s, s0) && w.sibling_count >= m.u64v(0) &&
             w.sibling_count <= m.u64v(static_cast<std::uint64_t>(w.siblings.size())));
  solver.add(m.any(w.touched) && sh.read_count == w.sibling_count);
  const std::vector<std::vector<expr>> pre_tree = full_tree(tree, m, s0, depth, nullptr);
  for (std::size_t h = 0; h < depth; ++h)
    for (std::size_t p = 0; p < sh.reads[h].size(); ++p)
      solver.add(z3::implies(sh.reads[h][p], sh.read_value[h][p] == pre_tree[h][p]));
  const expr root = multiproof_root(tree, m, sh, w.content.accounts, depth, nullptr);
  const expr full_root = full_tree(tree, m, s, depth, nullptr)[depth][0];
  if (claim) {
    solver.add(root != full_root);
  } else {
    // The boundary: a touched slot changed, an untouched one read through a sibling.
    solver.add(w.touched[0] && !w.touched[1] && !same_account(s.accounts[0], s0.accounts[0]) &&
               w.sibling_count >= m.u64v(1));
  }
}

// `weakening` is the one the obligation reads (witness_root_unchecked or none).
Obligation make(std::string invariant, std::string transition, std::string statement, std::string premise,
                Weakening weakening, ClaimAssertion body, Kind kind = Kind::safety) {
  premise += weakened_rule_note(weakening_name(weakening));
  Obligation o = make_claim_obligation("zk_rollup", std::move(invariant), std::move(transition), kind,
                                       std::move(statement), std::move(body));
  o.premise = std::move(premise);
  return o;
}

}  // namespace

std::vector<Obligation> soundness_obligations(Weakening weakening, Depth depth) {
  const SoundnessBounds bounds = soundness_bounds(depth);
  // Only witness_root_unchecked changes the backend; the other weakenings are the contract's.
  const Weakening backend = weakening == Weakening::witness_root_unchecked ? weakening : Weakening::none;
  std::vector<Obligation> list;
  list.push_back(make(
      "multiproof_binds", "multiproof",
      "an opening ZK-RX-6 and ZK-RX-8 accept against the root of a real state opens its header, the true content of "
      "every touched slot, and the true tree node at every position whose sibling the multiproof reads",
      bounds_words(bounds.tree_depth) + "; " + witness_words(bounds.tree_depth) + "; " + hash_words, backend,
      [d = bounds.tree_depth, backend](z3::context& ctx, z3::solver& solver, bool claim) {
        multiproof_binds(ctx, solver, claim, d, backend);
      }));
  list.push_back(make(
      "touched_slots_agree", "transaction",
      "from touched slots that agree with a full state (equal counters, every touched slot equal, every untouched one "
      "as in the real pre-state), a transaction the verifier's re-execution accepts (ZK-RX-11, 12) is valid on the full "
      "state under optimistic_rollup.md's rules, and the two results agree again",
      bounds_words(bounds.tree_depth) + " as the pre-state, any well-formed current full state, any touched set and "
          "touched content agreeing with it, any one transaction of the L2 model's domain (any kind, malformed "
          "included) and any L1 view shared by both runs (base and lengths within u64, each L1-record verdict a "
          "function of the base); each signature verdict a function of the sender key its run reads",
      Weakening::none,
      [d = bounds.tree_depth](z3::context& ctx, z3::solver& solver, bool claim) {
        touched_slots_agree(ctx, solver, claim, d);
      },
      Kind::consecution));
  list.push_back(make(
      "post_root_recomputed", "multiproof",
      "when the touched slots agree with a full state that differs from the real pre-state only in touched slots, and "
      "every sibling the multiproof reads is the pre-state tree's node at its position, multiproof_root of the updated "
      "leaves with the same siblings is the full state's tree root",
      bounds_words(bounds.tree_depth) + " as the pre-state, any well-formed full state; any non-empty set of "
          "touched slots whose content agrees with it (nothing assumed of the untouched slots' content), any list of up "
          "to " + std::to_string(slots_of(bounds.tree_depth) - 1) +
          " siblings such that the multiproof reads exactly the listed siblings, each the pre-state tree's node at its "
          "position; node and leaf hashes uninterpreted, no collision resistance assumed",
      Weakening::none,
      [d = bounds.tree_depth](z3::context& ctx, z3::solver& solver, bool claim) {
        post_root_recomputed(ctx, solver, claim, d);
      }));
  list.push_back(make(
      "reexecution_sound", "verify",
      "if the reexecution verifier accepts a batch witness (ZK-RX-6..8, 11..13) whose prev_state_root is the root of a "
      "real state, every transaction is valid on that full state under optimistic_rollup.md's rules and the "
      "statement's post_state_root is the root of the state they lead to",
      bounds_words(bounds.tree_depth) + "; " + witness_words(bounds.tree_depth) + ", and any " +
          std::to_string(bounds.transactions) +
          " transaction(s) of the L2 model's domain (any kind, malformed included), re-executed by "
          "optimistic_rollup.md's rules on the touched slots (ZK-RX-11, 12) and on the full state; " +
          hash_words +
          "; each signature verdict a function of the sender key its run reads, each L1-record verdict of the L1 "
          "view's base (the header's counters), the view's lengths exact; ZK-RX-1..5, 9, 10 (key, input, size, "
          "data and priority-ops binding) not modelled",
      backend,
      [d = bounds.tree_depth, n = bounds.transactions, backend](z3::context& ctx, z3::solver& solver, bool claim) {
        reexecution_sound(ctx, solver, claim, d, n, backend);
      }));
  return list;
}

}  // namespace l2::inv::zk_rollup
