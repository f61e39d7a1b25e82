// The watchtower's model engine: the transition relation of register_user, appoint, release and
// respond in Z3, over the concrete pre-state and input of one step, with the cryptographic facts as
// oracle values. spec: watchtower.md#the-model-engine
#include "l2/inv/watchtower_engine.hpp"

#include <map>
#include <utility>
#include <vector>

#include "l2/inv/concrete_values.hpp"
#include "l2/ref/chacha20_poly1305.hpp"
#include "l2/ref/encoding.hpp"

namespace l2::inv::watchtower {

BlobOpener reference_blob_opener() {
  return [](const Hash32& key, const Hash32& locator, const Bytes& blob) -> std::optional<Bytes> {
    auto plaintext = ref::chacha20_poly1305::open(key, ref::watchtower::blob_nonce, locator, blob);
    if (!plaintext) return std::nullopt;
    return plaintext.value();
  };
}

namespace {
using z3::expr;
using Error = WatchtowerError;
using ref::payment_channel::OffChainTransaction;

constexpr unsigned id_bits = 32;     // an interned hash or blob
constexpr unsigned index_bits = 16;  // a list position or a count of entries
constexpr unsigned node_bits = 8;    // a state of the search, its rank, a position in its reached list
static_assert(max_searched_states < (1u << node_bits) && max_searched_appointments + 1 < (1u << node_bits));
static_assert(max_list_size + 1 < (1u << index_bits));

// Hashes (and blobs) to identifiers and back: equal values, equal identifiers; distinct values,
// distinct identifiers. The rules only ever compare them.
template <class Value>
class Interner {
 public:
  unsigned operator()(const Value& value) {
    const auto [it, added] = forward_.try_emplace(value, static_cast<unsigned>(backward_.size()));
    if (added) backward_.push_back(value);
    return it->second;
  }
  const Value* lookup(std::uint64_t id) const { return id < backward_.size() ? &backward_[id] : nullptr; }

 private:
  std::map<Value, unsigned> forward_;
  std::vector<Value> backward_;
};

// ---------------------------------------------------------------------------------------------
// The relation's variables.

// The tower's lists: users (key, slots) and appointments (locator, owner, blob).
struct Lists {
  std::vector<expr> user_key, user_slots;
  std::vector<expr> locator, owner, blob;
  std::size_t users() const { return user_key.size(); }
  std::size_t appointments() const { return locator.size(); }
};

// The post-state: counts, then one entry more than the pre-state holds (an appended user or
// appointment); entries at or beyond a count mean nothing.
struct Post {
  expr user_count, appointment_count;
  Lists lists;
};

// What an accepted step does to the lists, every part guarded by acceptance in the op's relation.
struct Effect {
  std::vector<expr> user_slots;       // every pre-state user's new slots
  expr user_added;                    // a new user is appended ...
  expr added_key, added_slots;        // ... with this key and these slots
  std::vector<expr> removed;          // per pre-state appointment: removed
  expr appointment_added;             // an appointment is appended ...
  expr added_locator, added_owner, added_blob;
};

class Relation {
 public:
  Relation(z3::context& ctx, std::size_t users, std::size_t appointments)
      : ctx_(ctx), solver(ctx), error(code(Error::none)), post{index(0), index(0), {}} {
    for (std::size_t i = 0; i < users; ++i) {
      pre.user_key.push_back(id("pre.user" + std::to_string(i) + ".key"));
      pre.user_slots.push_back(u64var("pre.user" + std::to_string(i) + ".slots"));
    }
    for (std::size_t a = 0; a < appointments; ++a) {
      const std::string p = "pre.appointment" + std::to_string(a);
      pre.locator.push_back(id(p + ".locator"));
      pre.owner.push_back(id(p + ".user"));
      pre.blob.push_back(id(p + ".blob"));
    }
    post.user_count = ctx.bv_const("post.user_count", index_bits);
    post.appointment_count = ctx.bv_const("post.appointment_count", index_bits);
    for (std::size_t i = 0; i <= users; ++i) {
      post.lists.user_key.push_back(id("post.user" + std::to_string(i) + ".key"));
      post.lists.user_slots.push_back(u64var("post.user" + std::to_string(i) + ".slots"));
    }
    for (std::size_t a = 0; a <= appointments; ++a) {
      const std::string p = "post.appointment" + std::to_string(a);
      post.lists.locator.push_back(id(p + ".locator"));
      post.lists.owner.push_back(id(p + ".user"));
      post.lists.blob.push_back(id(p + ".blob"));
    }
  }

  z3::context& ctx() { return ctx_; }
  expr u64v(u64 v) { return ctx_.bv_val(static_cast<std::uint64_t>(v), 64); }
  expr index(std::size_t v) { return ctx_.bv_val(static_cast<std::uint64_t>(v), index_bits); }
  expr node(std::size_t v) { return ctx_.bv_val(static_cast<std::uint64_t>(v), node_bits); }
  expr id_value(unsigned v) { return ctx_.bv_val(v, id_bits); }
  expr code(Error e) { return ctx_.bv_val(static_cast<unsigned>(e), 8); }
  expr phase(ref::payment_channel::ChannelState s) { return ctx_.bv_val(static_cast<unsigned>(s), 8); }
  expr id(const std::string& name) { return ctx_.bv_const(name.c_str(), id_bits); }
  expr u64var(const std::string& name) { return ctx_.bv_const(name.c_str(), 64); }
  expr boolean(const std::string& name) { return ctx_.bool_const(name.c_str()); }
  expr truth(bool v) { return ctx_.bool_val(v); }
  // A fresh constant equal to `value`: keeps the unrolled search's terms linear in its length.
  expr let(const std::string& name, const expr& value) {
    const expr fresh = value.is_bool() ? ctx_.bool_const(name.c_str()) : ctx_.bv_const(name.c_str(), value.get_sort().bv_size());
    solver.add(fresh == value);
    return fresh;
  }

  // checked_add's overflow test as the reference writes it [CHK-ADD-1].
  expr overflows(const expr& a, const expr& b) { return z3::ugt(a, u64v(u64_max) - b); }
  expr saturating_add(const expr& a, const expr& b) { return z3::ite(overflows(a, b), u64v(u64_max), a + b); }

  // The error of the first failing check, in the order given; none when all pass.
  expr first_failure(const std::vector<std::pair<expr, Error>>& checks) {
    expr result = code(Error::none);
    for (auto it = checks.rbegin(); it != checks.rend(); ++it) result = z3::ite(it->first, code(it->second), result);
    return result;
  }
  // matches[i] and no earlier one: the entry a forward search (find_user, find_appointment,
  // find_channel) returns.
  std::vector<expr> first_of(const std::vector<expr>& matches) {
    std::vector<expr> first;
    expr earlier = truth(false);
    for (const expr& m : matches) {
      first.push_back(m && !earlier);
      earlier = earlier || m;
    }
    return first;
  }
  expr any(const std::vector<expr>& conditions) {
    expr result = truth(false);
    for (const expr& c : conditions) result = result || c;
    return result;
  }
  // The value where `selected` holds (at most one does), else `otherwise`.
  expr pick(const std::vector<expr>& selected, const std::vector<expr>& values, const expr& otherwise) {
    expr result = otherwise;
    for (std::size_t i = selected.size(); i-- > 0;) result = z3::ite(selected[i], values[i], result);
    return result;
  }
  // The value at the symbolic position `position` of `values`, else `otherwise`.
  expr at(const expr& position, const std::vector<expr>& values, const expr& otherwise) {
    expr result = otherwise;
    for (std::size_t i = values.size(); i-- > 0;)
      result = z3::ite(position == ctx_.bv_val(static_cast<std::uint64_t>(i), position.get_sort().bv_size()), values[i], result);
    return result;
  }
  // The number of conditions that hold, as a `bits`-wide bit-vector.
  expr count(const std::vector<expr>& conditions, unsigned bits) {
    expr total = ctx_.bv_val(0, bits);
    for (const expr& c : conditions) total = total + z3::ite(c, ctx_.bv_val(1, bits), ctx_.bv_val(0, bits));
    return total;
  }

  // The user entry that find_user returns for the key `key`, one flag per user.
  std::vector<expr> user_entry(const expr& key) {
    std::vector<expr> matches;
    for (const expr& k : pre.user_key) matches.push_back(k == key);
    return first_of(matches);
  }

  // Each removed appointment gives its slot back to its user (remove_appointment): the first user
  // with its key gets one slot per removed appointment, saturating at UINT64_MAX, which is what
  // that many saturating increments give.
  std::vector<expr> slots_given_back(const std::vector<expr>& removed) {
    std::vector<std::vector<expr>> returned(pre.users());
    for (std::size_t a = 0; a < pre.appointments(); ++a) {
      const std::vector<expr> owner = user_entry(pre.owner[a]);
      for (std::size_t i = 0; i < pre.users(); ++i) returned[i].push_back(removed[a] && owner[i]);
    }
    std::vector<expr> slots;
    for (std::size_t i = 0; i < pre.users(); ++i) slots.push_back(saturating_add(pre.user_slots[i], count(returned[i], 64)));
    return slots;
  }

  Effect no_effect() {
    return Effect{pre.user_slots, truth(false), id_value(0), u64v(0), std::vector<expr>(pre.appointments(), truth(false)),
                  truth(false), id_value(0), id_value(0), id_value(0)};
  }

  // The post-state the effect makes: the users in order, with the new one appended; the
  // appointments kept, in order, with the new one appended.
  void assert_post(const Effect& e) {
    const std::size_t users = pre.users();
    solver.add(post.user_count == z3::ite(e.user_added, index(users + 1), index(users)));
    for (std::size_t i = 0; i < users; ++i) {
      solver.add(post.lists.user_key[i] == pre.user_key[i]);
      solver.add(post.lists.user_slots[i] == e.user_slots[i]);
    }
    solver.add(z3::implies(e.user_added, post.lists.user_key[users] == e.added_key && post.lists.user_slots[users] == e.added_slots));

    const std::size_t appointments = pre.appointments();
    std::vector<expr> kept;
    for (std::size_t a = 0; a < appointments; ++a) kept.push_back(!e.removed[a]);
    // An appointment kept keeps its order among those kept: its new position is the number of
    // appointments kept before it.
    for (std::size_t a = 0; a < appointments; ++a) {
      const expr position = count(std::vector<expr>(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(a)), index_bits);
      for (std::size_t j = 0; j <= a; ++j)
        solver.add(z3::implies(kept[a] && position == index(j), same_appointment(j, a)));
    }
    const expr kept_count = count(kept, index_bits);
    solver.add(post.appointment_count == kept_count + z3::ite(e.appointment_added, index(1), index(0)));
    for (std::size_t j = 0; j <= appointments; ++j)
      solver.add(z3::implies(e.appointment_added && kept_count == index(j),
                             post.lists.locator[j] == e.added_locator && post.lists.owner[j] == e.added_owner &&
                                 post.lists.blob[j] == e.added_blob));
  }

  // The outcome as the model gives it: the error and every meaningful entry of the post-state.
  expr same_outcome(const z3::model& m) {
    auto value = [&](const expr& e) { return m.eval(e, true); };
    expr same = error == value(error) && post.user_count == value(post.user_count) &&
                post.appointment_count == value(post.appointment_count);
    for (std::size_t i = 0; i < post.lists.users(); ++i) {
      const expr meaningful = z3::ult(index(i), post.user_count);
      same = same && z3::implies(meaningful, post.lists.user_key[i] == value(post.lists.user_key[i]) &&
                                                 post.lists.user_slots[i] == value(post.lists.user_slots[i]));
    }
    for (std::size_t a = 0; a < post.lists.appointments(); ++a) {
      const expr meaningful = z3::ult(index(a), post.appointment_count);
      same = same && z3::implies(meaningful, post.lists.locator[a] == value(post.lists.locator[a]) &&
                                                 post.lists.owner[a] == value(post.lists.owner[a]) &&
                                                 post.lists.blob[a] == value(post.lists.blob[a]));
    }
    for (const expr& e : also_unique) same = same && e == value(e);
    return same;
  }

  z3::context& ctx_;
  z3::solver solver;
  Lists pre;
  expr error;
  Post post;
  std::vector<expr> also_unique;  // further outputs the outcome depends on (the response's answer)

 private:
  expr same_appointment(std::size_t post_index, std::size_t pre_index) {
    return post.lists.locator[post_index] == pre.locator[pre_index] && post.lists.owner[post_index] == pre.owner[pre_index] &&
           post.lists.blob[post_index] == pre.blob[pre_index];
  }
};

// ---------------------------------------------------------------------------------------------
// The operations' relations. Each sets r.error to the code of its first failing check, in the
// reference's order, and asserts the post-state of its effect, guarded by acceptance.

// register_user [WT-USER-1, WT-USER-2]
void register_user_relation(Relation& r, const expr& user, const expr& slots) {
  const std::vector<expr> entry = r.user_entry(user);
  const expr registered = r.any(entry);
  const expr held = r.pick(entry, r.pre.user_slots, r.u64v(0));  // 0 for a new user
  r.error = r.first_failure({{slots == r.u64v(0), Error::user_no_slots}, {r.overflows(held, slots), Error::user_slots_overflow}});
  const expr accepted = r.error == r.code(Error::none);
  Effect e = r.no_effect();
  for (std::size_t i = 0; i < r.pre.users(); ++i) e.user_slots[i] = z3::ite(accepted && entry[i], held + slots, r.pre.user_slots[i]);
  e.user_added = accepted && !registered;
  e.added_key = user;
  e.added_slots = held + slots;
  r.assert_post(e);
}

// The user's appointment under `locator` (find_appointment), one flag per appointment.
std::vector<expr> appointment_entry(Relation& r, const expr& user, const expr& locator) {
  std::vector<expr> matches;
  for (std::size_t a = 0; a < r.pre.appointments(); ++a) matches.push_back(r.pre.owner[a] == user && r.pre.locator[a] == locator);
  return r.first_of(matches);
}

struct AppointVariables {
  expr user, locator, blob, blob_size, signature_valid;
};

// appoint [WT-APPT-1 .. WT-APPT-5]
void appoint_relation(Relation& r, const AppointVariables& in) {
  const std::vector<expr> entry = r.user_entry(in.user);
  const expr slots = r.pick(entry, r.pre.user_slots, r.u64v(0));
  r.error = r.first_failure({{!r.any(entry), Error::unknown_user},
                             {in.blob_size != r.u64v(ref::watchtower::appointment_blob_size), Error::blob_size},
                             {r.any(appointment_entry(r, in.user, in.locator)), Error::duplicate_locator},
                             {slots == r.u64v(0), Error::no_slots},
                             {!in.signature_valid, Error::bad_appointment_signature}});
  const expr accepted = r.error == r.code(Error::none);
  Effect e = r.no_effect();
  for (std::size_t i = 0; i < r.pre.users(); ++i) e.user_slots[i] = z3::ite(accepted && entry[i], slots - r.u64v(1), r.pre.user_slots[i]);
  e.appointment_added = accepted;
  e.added_locator = in.locator;
  e.added_owner = in.user;
  e.added_blob = in.blob;
  r.assert_post(e);
}

// release [WT-REL-1, WT-REL-2]
void release_relation(Relation& r, const expr& user, const expr& locator, const expr& signature_valid) {
  const std::vector<expr> entry = appointment_entry(r, user, locator);
  r.error = r.first_failure({{!r.any(entry), Error::no_appointment}, {!signature_valid, Error::bad_release_signature}});
  const expr accepted = r.error == r.code(Error::none);
  Effect e = r.no_effect();
  for (std::size_t a = 0; a < r.pre.appointments(); ++a) e.removed[a] = accepted && entry[a];
  e.user_slots = r.slots_given_back(e.removed);
  r.assert_post(e);
}

// The adjudicator's channels as a response reads them.
struct ChannelVariables {
  expr id, phase, sequence, balance0, balance1, capacity, deadline;
};

// The states the search may reach: node 0 is the published state, the others the distinct states
// the appointments open to. Per node: its fields; per signature k, the locator it gives and, per
// appointment, the node the appointment's blob opens to under its key (`nodes` for none); per
// channel and signature, whether the signature verifies as that channel's participant's.
struct NodeVariables {
  expr channel_id, sequence, balance0, balance1;
  std::array<expr, 2> locator;
  std::array<std::vector<expr>, 2> opens;              // [k][appointment]
  std::vector<std::array<expr, 2>> signature_valid;  // [channel][k]
};

struct RespondVariables {
  expr height;
  std::vector<ChannelVariables> channels;
  std::vector<NodeVariables> nodes;
  // The appointments that open under the key of some signature of some node: by the oracle, no
  // other can ever be opened, so the search is unrolled over these only.
  std::vector<std::size_t> openable;
};

struct SearchResult {
  expr found, answer;
  std::vector<expr> opened;  // per appointment
};

// find_latest, unrolled: every position of the reached list (at most one per appointment that can
// open, plus the published state), each of its two signatures, every appointment that can open in
// the tower's order.
SearchResult find_latest_relation(Relation& r, const RespondVariables& in, const std::vector<expr>& channel_entry) {
  const std::size_t node_count = in.nodes.size();
  const expr nothing = r.node(node_count);
  std::vector<expr> ids, capacities;
  for (const ChannelVariables& c : in.channels) {
    ids.push_back(c.id);
    capacities.push_back(c.capacity);
  }
  const expr channel_id = r.pick(channel_entry, ids, r.id_value(0));
  const expr capacity = r.pick(channel_entry, capacities, r.u64v(0));

  // A state the search may append: of the channel, its balances check_balances against the
  // channel's capacity, both signatures the channel's participants' (check_cosigned).
  std::vector<expr> valid, rank;
  for (std::size_t n = 0; n < node_count; ++n) {
    const NodeVariables& node = in.nodes[n];
    std::vector<expr> signature0, signature1;
    for (std::size_t c = 0; c < in.channels.size(); ++c) {
      signature0.push_back(node.signature_valid[c][0]);
      signature1.push_back(node.signature_valid[c][1]);
    }
    valid.push_back(r.let("search.state" + std::to_string(n) + ".valid",
                          node.channel_id == channel_id && !r.overflows(node.balance0, node.balance1) &&
                              node.balance0 + node.balance1 == capacity && r.pick(channel_entry, signature0, r.truth(false)) &&
                              r.pick(channel_entry, signature1, r.truth(false))));
    // A state's rank: how many states have a lower sequence. One sequence exceeds another exactly
    // when its rank does, so the search compares 8-bit ranks rather than 64-bit sequences.
    std::vector<expr> lower;
    for (std::size_t m = 0; m < node_count; ++m) lower.push_back(z3::ult(in.nodes[m].sequence, node.sequence));
    rank.push_back(r.let("search.state" + std::to_string(n) + ".rank", r.count(lower, node_bits)));
  }
  // link[n][k][a]: from state n, appointment a, under the locator of n's signature k, opens to a
  // state that may be appended and is newer than n. target: the state it opens to, and its rank.
  std::vector<std::array<std::map<std::size_t, expr>, 2>> link(node_count), target(node_count), target_rank(node_count);
  for (std::size_t n = 0; n < node_count; ++n)
    for (std::size_t k = 0; k < 2; ++k)
      for (const std::size_t a : in.openable) {
        const expr& to = in.nodes[n].opens[k][a];
        const expr to_rank = r.at(to, rank, r.node(0));
        link[n][k].emplace(a, r.pre.locator[a] == in.nodes[n].locator[k] && to != nothing && r.at(to, valid, r.truth(false)) &&
                                  z3::ugt(to_rank, rank[n]));
        target[n][k].emplace(a, to);
        target_rank[n][k].emplace(a, to_rank);
      }

  std::vector<expr> used(r.pre.appointments(), r.truth(false));
  expr length = r.node(1);  // reached = [published]
  expr found = r.truth(false);
  expr answer = r.node(0);
  expr answer_rank = r.node(0);
  // Every append so far: it happened, the position it filled, the state appended.
  struct Append {
    expr happened, position, state;
  };
  std::vector<Append> appends;
  for (std::size_t p = 0; p <= in.openable.size(); ++p) {
    const std::string where = "search.position" + std::to_string(p);
    const expr active = r.let(where + ".active", z3::ult(r.node(p), length));
    // The state at position p: the published one, or the one the append that filled p appended.
    const expr from = r.ctx().bv_const((where + ".state").c_str(), node_bits);
    if (p == 0) r.solver.add(from == r.node(0));
    for (const Append& append : appends) r.solver.add(z3::implies(append.happened && append.position == r.node(p), from == append.state));
    std::vector<expr> selected;
    for (std::size_t n = 0; n < node_count; ++n) selected.push_back(from == r.node(n));
    for (std::size_t k = 0; k < 2; ++k)
      for (const std::size_t a : in.openable) {
        const std::string step = where + ".signature" + std::to_string(k) + ".appointment" + std::to_string(a);
        std::vector<expr> links, targets, target_ranks;
        for (std::size_t n = 0; n < node_count; ++n) {
          links.push_back(link[n][k].at(a));
          targets.push_back(target[n][k].at(a));
          target_ranks.push_back(target_rank[n][k].at(a));
        }
        const expr opened = r.let(step + ".opened", active && !used[a] && r.pick(selected, links, r.truth(false)));
        const expr state = r.let(step + ".state", r.pick(selected, targets, nothing));
        const expr state_rank = r.pick(selected, target_ranks, r.node(0));
        appends.push_back(Append{opened, length, state});
        used[a] = r.let(step + ".used", used[a] || opened);
        length = r.let(step + ".length", length + z3::ite(opened, r.node(1), r.node(0)));
        // The answer is the first state found with the highest sequence.
        const expr better = opened && (!found || z3::ugt(state_rank, answer_rank));
        answer = r.let(step + ".answer", z3::ite(better, state, answer));
        answer_rank = r.let(step + ".answer_rank", z3::ite(better, state_rank, answer_rank));
        found = r.let(step + ".found", found || opened);
      }
  }
  return SearchResult{found, answer, used};
}

// respond [WT-RESP-1 .. WT-RESP-4]; node 0 is the published state.
SearchResult respond_relation(Relation& r, const RespondVariables& in) {
  const NodeVariables& published = in.nodes[0];
  std::vector<expr> matches, phase, sequence, balance0, balance1, deadline;
  for (const ChannelVariables& c : in.channels) {
    matches.push_back(c.id == published.channel_id);
    phase.push_back(c.phase);
    sequence.push_back(c.sequence);
    balance0.push_back(c.balance0);
    balance1.push_back(c.balance1);
    deadline.push_back(c.deadline);
  }
  const std::vector<expr> channel = r.first_of(matches);
  const SearchResult search = find_latest_relation(r, in, channel);
  r.error = r.first_failure(
      {{!r.any(channel) || r.pick(channel, phase, r.phase(ref::payment_channel::ChannelState::opening)) != r.phase(ref::payment_channel::ChannelState::disputing),
        Error::not_disputing},
       {published.sequence != r.pick(channel, sequence, r.u64v(0)) || published.balance0 != r.pick(channel, balance0, r.u64v(0)) ||
            published.balance1 != r.pick(channel, balance1, r.u64v(0)),
        Error::not_published_state},
       {z3::uge(in.height, r.pick(channel, deadline, r.u64v(0))), Error::response_too_late},
       {!search.found, Error::nothing_newer}});
  const expr accepted = r.error == r.code(Error::none);
  Effect e = r.no_effect();
  for (std::size_t a = 0; a < r.pre.appointments(); ++a) e.removed[a] = accepted && search.opened[a];
  e.user_slots = r.slots_given_back(e.removed);
  r.assert_post(e);
  r.also_unique.push_back(search.found);
  r.also_unique.push_back(z3::ite(search.found, search.answer, r.node(0)));
  return search;
}

// ---------------------------------------------------------------------------------------------
// The oracle side of a response: the states the appointments open to, computed outside Z3.

struct SearchOracle {
  std::vector<OffChainTransaction> states;  // states[0] is the published one
  // opens[n][k][a]: the state appointment a opens to under the key of states[n].signatures[k].
  std::vector<std::array<std::vector<std::optional<std::size_t>>, 2>> opens;
  std::vector<std::array<Hash32, 2>> locators;
};

bool same_state(const OffChainTransaction& a, const OffChainTransaction& b) {
  return reflect::encode(a) == reflect::encode(b);
}

// Every state reachable by opening appointments from the published one, whatever the rules then
// decide about it: AEAD opens and decoding, no rule. nullopt when there are more than the engine
// models.
std::optional<SearchOracle> open_everything(const ref::watchtower::WatchtowerService& tower, const OffChainTransaction& published,
                                            const BlobOpener& open_blob) {
  SearchOracle oracle;
  oracle.states.push_back(published);
  for (std::size_t n = 0; n < oracle.states.size(); ++n) {
    if (oracle.states.size() > max_searched_states) return std::nullopt;
    oracle.opens.emplace_back();
    oracle.locators.emplace_back();
    for (std::size_t k = 0; k < 2; ++k) {
      const ref::payment_channel::Signature signature = oracle.states[n].signatures[k];
      const Hash32 where = ref::watchtower::locator(signature);
      const Hash32 key = ref::watchtower::blob_key(signature);
      oracle.locators[n][k] = where;
      for (const ref::watchtower::EncryptedAppointment& appointment : tower.appointments) {
        std::optional<std::size_t> opened;
        if (const auto plaintext = open_blob(key, where, appointment.blob)) {
          if (const auto decoded = reflect::decode<OffChainTransaction>(*plaintext)) {
            std::size_t m = 0;
            while (m < oracle.states.size() && !same_state(oracle.states[m], decoded.value())) ++m;
            if (m == oracle.states.size()) oracle.states.push_back(decoded.value());
            opened = m;
          }
        }
        oracle.opens[n][k].push_back(opened);
      }
    }
  }
  if (oracle.states.size() > max_searched_states) return std::nullopt;
  return oracle;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The engine.

struct Engine::Impl {
  z3::context ctx;  // one for every step: creating a context costs more than most steps
  payment_channel::SignatureOracle signatures;
  BlobOpener open_blob;
  payment_channel::Engine channel_engine;

  Impl(payment_channel::SignatureOracle s, BlobOpener o)
      : signatures(std::move(s)), open_blob(std::move(o)), channel_engine(payment_channel::Weakening::none, signatures) {}
};

Engine::Engine(payment_channel::SignatureOracle signatures, BlobOpener open_blob)
    : impl_(std::make_unique<Impl>(std::move(signatures), std::move(open_blob))) {}
Engine::~Engine() = default;

Engine::Outcome Engine::apply(const ref::watchtower::WatchtowerWorld& pre, const TowerInput& input, u64 height) {
  Outcome result;
  result.post = pre;
  const ref::watchtower::WatchtowerService& tower = pre.tower;
  if (tower.users.size() > max_list_size || tower.appointments.size() > max_list_size ||
      pre.adjudicator.channels.size() > max_list_size) {
    result.problem = "more than " + std::to_string(max_list_size) + " users, appointments or channels";
    return result;
  }
  const auto* respond = std::get_if<ref::watchtower::RespondInput>(&input);
  if (respond != nullptr && tower.appointments.size() > max_searched_appointments) {
    result.problem = "a response over more than " + std::to_string(max_searched_appointments) +
                     " appointments: the search is unrolled up to that many";
    return result;
  }
  std::optional<SearchOracle> search_oracle;
  if (respond != nullptr) {
    search_oracle = open_everything(tower, respond->published, impl_->open_blob);
    if (!search_oracle) {
      result.problem = "the appointments open to more than " + std::to_string(max_searched_states) + " distinct states";
      return result;
    }
  }

  Relation r(impl_->ctx, tower.users.size(), tower.appointments.size());
  Interner<Hash32> hashes;
  Interner<Bytes> blobs;
  auto fix = [&](const expr& var, u64 value) { r.solver.add(var == r.u64v(value)); };
  auto fix_hash = [&](const expr& var, const Hash32& value) { r.solver.add(var == r.id_value(hashes(value))); };
  auto fix_bool = [&](const expr& var, bool value) { r.solver.add(var == r.truth(value)); };
  for (std::size_t i = 0; i < tower.users.size(); ++i) {
    fix_hash(r.pre.user_key[i], tower.users[i].user);
    fix(r.pre.user_slots[i], tower.users[i].slots);
  }
  for (std::size_t a = 0; a < tower.appointments.size(); ++a) {
    fix_hash(r.pre.locator[a], tower.appointments[a].locator);
    fix_hash(r.pre.owner[a], tower.appointments[a].user);
    r.solver.add(r.pre.blob[a] == r.id_value(blobs(tower.appointments[a].blob)));
  }

  // The op's relation over its input's variables, each fixed to the concrete input; the oracles
  // decide the signatures and the AEAD.
  std::optional<SearchResult> search;
  if (const auto* registration = std::get_if<ref::watchtower::RegisterUserInput>(&input)) {
    const expr user = r.id("in.user"), slots = r.u64var("in.slots");
    fix_hash(user, registration->user);
    fix(slots, registration->slots);
    register_user_relation(r, user, slots);
  } else if (const auto* filing = std::get_if<ref::watchtower::AppointInput>(&input)) {
    const AppointVariables v{r.id("in.user"), r.id("in.locator"), r.id("in.blob"), r.u64var("in.blob_size"),
                             r.boolean("in.signature_valid")};
    fix_hash(v.user, filing->user);
    fix_hash(v.locator, filing->locator);
    r.solver.add(v.blob == r.id_value(blobs(filing->blob)));
    fix(v.blob_size, filing->blob.size());
    fix_bool(v.signature_valid, impl_->signatures(filing->user, ref::watchtower::appointment_digest(tower.tower_id, filing->locator, filing->blob),
                                                  filing->signature));
    appoint_relation(r, v);
  } else if (const auto* release = std::get_if<ref::watchtower::ReleaseInput>(&input)) {
    const expr user = r.id("in.user"), locator = r.id("in.locator"), valid = r.boolean("in.signature_valid");
    fix_hash(user, release->user);
    fix_hash(locator, release->locator);
    fix_bool(valid, impl_->signatures(release->user, ref::watchtower::release_digest(tower.tower_id, release->user, release->locator),
                                      release->signature));
    release_relation(r, user, locator, valid);
  } else {
    const SearchOracle& oracle = *search_oracle;
    const std::vector<ref::payment_channel::PaymentChannel>& channels = pre.adjudicator.channels;
    RespondVariables v{r.u64var("in.height"), {}, {}, {}};
    fix(v.height, height);
    for (std::size_t c = 0; c < channels.size(); ++c) {
      const std::string p = "channel" + std::to_string(c);
      v.channels.push_back(ChannelVariables{r.id(p + ".id"), r.ctx().bv_const((p + ".phase").c_str(), 8), r.u64var(p + ".sequence"),
                                            r.u64var(p + ".balance0"), r.u64var(p + ".balance1"), r.u64var(p + ".capacity"),
                                            r.u64var(p + ".dispute_deadline")});
      const ChannelVariables& cv = v.channels.back();
      fix_hash(cv.id, channels[c].channel_id);
      r.solver.add(cv.phase == r.phase(channels[c].state));
      fix(cv.sequence, channels[c].sequence);
      fix(cv.balance0, channels[c].balances[0]);
      fix(cv.balance1, channels[c].balances[1]);
      fix(cv.capacity, channels[c].total_capacity);
      fix(cv.deadline, channels[c].dispute_deadline);
    }
    const std::size_t node_count = oracle.states.size();
    for (std::size_t n = 0; n < node_count; ++n) {
      const std::string p = "state" + std::to_string(n);
      const OffChainTransaction& state = oracle.states[n];
      NodeVariables node{r.id(p + ".channel_id"), r.u64var(p + ".sequence"), r.u64var(p + ".balance0"),
                         r.u64var(p + ".balance1"), {r.id(p + ".locator0"), r.id(p + ".locator1")}, {}, {}};
      fix_hash(node.channel_id, state.channel_id);
      fix(node.sequence, state.sequence_number);
      fix(node.balance0, state.new_balances[0]);
      fix(node.balance1, state.new_balances[1]);
      const Hash32 digest = ref::payment_channel::state_digest_of(pre.adjudicator, state);
      for (std::size_t k = 0; k < 2; ++k) {
        fix_hash(node.locator[k], oracle.locators[n][k]);
        for (std::size_t a = 0; a < tower.appointments.size(); ++a) {
          node.opens[k].push_back(r.ctx().bv_const((p + ".signature" + std::to_string(k) + ".opens" + std::to_string(a)).c_str(), node_bits));
          const std::optional<std::size_t> opened = oracle.opens[n][k][a];
          r.solver.add(node.opens[k].back() == r.node(opened ? *opened : node_count));
        }
      }
      for (std::size_t c = 0; c < channels.size(); ++c) {
        node.signature_valid.push_back({r.boolean(p + ".channel" + std::to_string(c) + ".signature0_valid"),
                                        r.boolean(p + ".channel" + std::to_string(c) + ".signature1_valid")});
        for (std::size_t k = 0; k < 2; ++k)
          fix_bool(node.signature_valid.back()[k], impl_->signatures(channels[c].participants[k], digest, state.signatures[k]));
      }
      v.nodes.push_back(std::move(node));
    }
    for (std::size_t a = 0; a < tower.appointments.size(); ++a) {
      bool opens = false;
      for (const auto& per_signature : oracle.opens)
        for (const auto& per_appointment : per_signature) opens = opens || per_appointment[a].has_value();
      if (opens) v.openable.push_back(a);
    }
    search = respond_relation(r, v);
  }

  const z3::check_result first = r.solver.check();
  if (first != z3::sat) {
    result.problem = first == z3::unsat ? "the model admits no outcome" : "z3: " + r.solver.reason_unknown();
    return result;
  }
  const z3::model model = r.solver.get_model();
  const auto error = static_cast<Error>(eval_u64(model, r.error));
  ref::watchtower::WatchtowerWorld next = pre;
  next.tower.users.clear();
  next.tower.appointments.clear();
  const std::uint64_t user_count = eval_u64(model, r.post.user_count);
  const std::uint64_t appointment_count = eval_u64(model, r.post.appointment_count);
  if (user_count > r.post.lists.users() || appointment_count > r.post.lists.appointments()) {
    result.problem = "the model's post-state holds more entries than its lists";
    return result;
  }
  bool known = true;
  auto hash_of = [&](const expr& e) {
    const Hash32* h = hashes.lookup(eval_u64(model, e));
    if (h == nullptr) known = false;
    return h != nullptr ? *h : Hash32{};
  };
  for (std::size_t i = 0; i < user_count; ++i)
    next.tower.users.push_back(ref::watchtower::TowerUser{hash_of(r.post.lists.user_key[i]), eval_u64(model, r.post.lists.user_slots[i])});
  for (std::size_t a = 0; a < appointment_count; ++a) {
    const Bytes* blob = blobs.lookup(eval_u64(model, r.post.lists.blob[a]));
    if (blob == nullptr) known = false;
    next.tower.appointments.push_back(
        ref::watchtower::EncryptedAppointment{hash_of(r.post.lists.locator[a]), hash_of(r.post.lists.owner[a]), blob != nullptr ? *blob : Bytes{}});
  }
  if (!known) {
    result.problem = "the model's post-state holds a value no input or pre-state holds";
    return result;
  }
  std::optional<std::size_t> answer;
  if (search && eval_u64(model, r.error) == static_cast<unsigned>(Error::none)) answer = eval_u64(model, search->answer);

  // Exactly one outcome: no other error code or post-state (or answer) satisfies the relation.
  r.solver.add(!r.same_outcome(model));
  const z3::check_result second = r.solver.check();
  if (second != z3::unsat) {
    result.ambiguous = second == z3::sat;
    result.problem = second == z3::sat ? "the model admits a second outcome" : "z3: " + r.solver.reason_unknown();
    return result;
  }

  result.error = error;
  if (error != Error::none) return result;
  if (answer) {
    // The answer registered as a challenge, in the payment-channel model.
    if (*answer >= search_oracle->states.size()) {
      result.problem = "the model's answer is no state the appointments open to";
      return result;
    }
    const payment_channel::Engine::Outcome challenged = impl_->channel_engine.apply(
        pre.adjudicator, payment_channel::Step{ref::payment_channel::op_code<ref::payment_channel::Challenge>, search_oracle->states[*answer], height});
    if (!challenged.problem.empty()) {
      result.problem = "the payment-channel model: " + challenged.problem;
      return result;
    }
    if (challenged.error != ChannelError::none) {
      result.problem = "the adjudicator rejects the tower's answer with " + std::string(error_info(challenged.error).code) +
                       ", which the obligation watchtower_answer_accepted rules out";
      return result;
    }
    next.adjudicator = challenged.post;
  }
  result.post = std::move(next);
  return result;
}

}  // namespace l2::inv::watchtower
