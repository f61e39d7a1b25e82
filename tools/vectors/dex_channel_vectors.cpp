// Vectors for the DEX channel (spec: dex_channel.md). Three ops: check_opening (what every
// participant checks before signing the opening), check_move (the application's judge of a move:
// accepted, or the first DX- rule that refuses it) and make_move (a stateful op over the channel's
// latest VariablePart: the move the next mover makes with an action, so a trading session is one
// case). Every rule is accepted at its boundary and refused one step past it; the adversarial suite
// plays the spec's attacks: the sandwich of dex_channel.md#a-sandwich-in-numbers, an action applied
// as another participant, a move built on a stale state, a queued swap applied late, overfills of
// the order book, a cancel by a non-owner. The channel's keys derive from the case seed; the DEX
// reads only their count.
// spec: dex_channel.md#vectors
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/codec/json.hpp"
#include "l2/inv/dex_channel_model.hpp"
#include "l2/opt/dex_channel.hpp"
#include "l2/ref/dex_channel.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors {

namespace dex_channel_vectors {

namespace dx = ref::dex_channel;
using dx::DexAction;
using dx::DexData;
using dx::DexState;
using dx::Order;
using dx::OrderSide;
using dx::Position;
using dx::SwapDirection;
using dx::Trade;
using ref::state_channel::FixedPart;
using ref::state_channel::VariablePart;

inline constexpr std::string_view mechanism_name = "dex_channel";

// ---- Inputs and outputs ----

struct OpeningInput {
  BOOST_HANA_DEFINE_STRUCT(OpeningInput, (FixedPart, fixed), (VariablePart, opening));
};

struct MoveInput {
  BOOST_HANA_DEFINE_STRUCT(MoveInput, (FixedPart, fixed), (VariablePart, from), (VariablePart, to));
};

struct MakeMoveInput {
  BOOST_HANA_DEFINE_STRUCT(MakeMoveInput, (FixedPart, fixed), (DexAction, action));
};

// check_opening and check_move answer `accepted: true` or a rule.
struct Verdict {
  BOOST_HANA_DEFINE_STRUCT(Verdict, (bool, accepted));
};

template <class In>
using Fn = PureFn<In, Verdict, DexChannelError>;

// The decoded DexData of an app_data, else null: the extras of a step.
json data_json(const json& state) {
  const auto decoded = codec::from_json<VariablePart>(state);
  if (!decoded.ok()) return nullptr;
  const std::optional<DexData> data = dx::decode_data(decoded.value().app_data);
  return data ? codec::to_json(*data) : json(nullptr);
}

// Adds the decoded DexData of the step's states as extras (never compared).
OpHandler with_extras(OpHandler handler,
                      std::function<json(const json& state, const json& input, const Outcome&)> extras) {
  handler.apply = [inner = std::move(handler.apply), extras = std::move(extras)](Impl impl, const json& state,
                                                                                 const json& input, u64 height) {
    StepResult result = inner(impl, state, input, height);
    if (result.applicable && result.outcome.outcome != "malformed") {
      json more = extras(state, input, result.outcome);
      if (!more.empty()) result.outcome.extras = std::move(more);
    }
    return result;
  };
  return handler;
}

json input_extras(const json& input, std::initializer_list<std::pair<const char*, const char*>> fields) {
  json out = json::object();
  if (!input.is_object()) return out;
  for (const auto& [field, name] : fields)
    if (input.contains(field))
      if (json data = data_json(input[field]); !data.is_null()) out[name] = std::move(data);
  return out;
}

// The commitment of make_move's post-state: H_"L2/vectors/state_root"(enc(VariablePart)).
Hash32 state_root(const VariablePart& state) { return output_root(state); }

std::vector<OpHandler> ops() {
  std::vector<OpHandler> handlers;
  handlers.push_back(
      with_extras(stateless_op<OpeningInput, Verdict, DexChannelError>(
                      "check_opening", "check_opening(fixed, opening) [DX-OPEN-1, DX-STATE-1..5, DX-OPEN-2, DX-OPEN-3]",
                      Fn<OpeningInput>([](const OpeningInput& in) -> Result<Verdict, DexChannelError> {
                        const DexChannelError error = dx::check_opening(in.fixed, in.opening);
                        if (error != DexChannelError::none) return error;
                        return Verdict{true};
                      }),
                      Fn<OpeningInput>{}),
                  [](const json&, const json& input, const Outcome&) {
                    return input_extras(input, {{"opening", "opening_data"}});
                  }));
  handlers.push_back(with_extras(stateless_op<MoveInput, Verdict, DexChannelError>(
                                     "check_move",
                                     "check_move(fixed, from, to) [DX-MOVE-1..3, DX-STATE-1..5, DX-MOVE-4, the "
                                     "operation's rules, DX-MOVE-5, DX-MOVE-6]",
                                     Fn<MoveInput>([](const MoveInput& in) -> Result<Verdict, DexChannelError> {
                                       const DexChannelError error = dx::check_move(in.fixed, in.from, in.to);
                                       if (error != DexChannelError::none) return error;
                                       return Verdict{true};
                                     }),
                                     Fn<MoveInput>([](const MoveInput& in) -> Result<Verdict, DexChannelError> {
                                       const DexChannelError error = opt::dex_channel::check_move(in.fixed, in.from, in.to);
                                       if (error != DexChannelError::none) return error;
                                       return Verdict{true};
                                     })),
                                 [](const json&, const json& input, const Outcome&) {
                                   return input_extras(input, {{"from", "from_data"}, {"to", "to_data"}});
                                 }));
  handlers.push_back(with_extras(
      transition_op<VariablePart, MakeMoveInput, DexChannelError>(
          "make_move", "make_move(fixed, state, action) [DX-MOVE-1..4, DX-STATE-1..5, the operation's rules]",
          [](const VariablePart& state, const MakeMoveInput& in, u64) {
            return dx::make_move(in.fixed, state, in.action);
          },
          {}, state_root),
      [](const json& state, const json&, const Outcome& outcome) {
        json out = json::object();
        const bool ok = outcome.outcome == "ok";
        if (json data = data_json(ok ? outcome.post_state : state); !data.is_null())
          out[ok ? "data" : "pre_data"] = std::move(data);
        return out;
      }));
  return handlers;
}

// ---- Channels, states and actions ----

constexpr u64 u64_max = ~u64{0};
constexpr u64 fee = 30;
constexpr u64 lot = 10;
constexpr u64 million = 1000000;
constexpr OrderSide buy = OrderSide::buy, sell = OrderSide::sell;
constexpr SwapDirection a_to_b = SwapDirection::a_to_b, b_to_a = SwapDirection::b_to_a;

void require(bool condition, const std::string& what) {
  if (!condition) throw std::logic_error("dex_channel vectors: " + what);
}

// One case's channel: chain 1, the adjudicator id and the n participants' keys drawn from the case
// seed's DRBG, nonce 0, DexApp's app_definition, challenge duration 100.
FixedPart channel(const Hash32& seed, std::size_t n) {
  Drbg drbg(seed);
  FixedPart fixed{1, drbg.next32(), {}, 0, dx::dex_app_definition(), 100};
  for (std::size_t i = 0; i < n; ++i) fixed.participants.push_back(drbg.next32());
  return fixed;
}

// n participants with 1 000 000 of A and of B each; fee 30 bps, lots of 10 B; no pool, no book.
DexState fresh(std::size_t n = 3) {
  DexState s{};
  s.fee_bps = fee;
  s.lot_b = lot;
  s.positions.assign(n, Position{million, million, 0});
  return s;
}

// A pool of (100000, 100000) after participant 0's first deposit: isqrt(10^10) = 100000 shares,
// 99000 of them participant 0's and 1000 locked.
DexState pooled(std::size_t n = 3) {
  DexState s = fresh(n);
  s.reserve_a = 100000;
  s.reserve_b = 100000;
  s.total_shares = 100000;
  s.positions[0] = Position{900000, 900000, 99000};
  return s;
}

// A state of the channel: turn, the action that produced it, the DEX state, and its claims.
VariablePart state_at(u64 turn, const DexState& s, const DexAction& action = {}) {
  return VariablePart{turn, dx::encode_data(DexData{action, s}), dx::claims_a(s), false};
}

// A state whose DEX state fails validate_state: claims_a is not defined on it, so its outcome is
// all zeros (no rule reads it before validate_state refuses the state).
VariablePart invalid_state_at(u64 turn, const DexState& s) {
  return VariablePart{turn, dx::encode_data(DexData{{}, s}), std::vector<u64>(s.positions.size(), 0), false};
}

DexState dex_of(const VariablePart& state) {
  const std::optional<DexData> data = dx::decode_data(state.app_data);
  require(data.has_value(), "a state the generator made does not decode");
  return data->state;
}

template <class Change>
VariablePart changed(const VariablePart& state, Change change) {
  std::optional<DexData> data = dx::decode_data(state.app_data);
  require(data.has_value(), "a state the generator changes does not decode");
  change(*data);
  VariablePart out = state;
  out.app_data = dx::encode_data(*data);
  return out;
}

DexAction add(u64 amount_a, u64 amount_b, u64 min_shares = 0) {
  DexAction x;
  x.add_liquidity = dx::AddLiquidity{amount_a, amount_b, min_shares};
  return x;
}
DexAction remove(u64 shares, u64 min_a = 0, u64 min_b = 0) {
  DexAction x;
  x.remove_liquidity = dx::RemoveLiquidity{shares, min_a, min_b};
  return x;
}
DexAction swap(SwapDirection direction, u64 amount_in, u64 min_out = 0, u64 valid_until_turn = u64_max) {
  DexAction x;
  x.swap_exact_in = dx::SwapExactIn{direction, amount_in, min_out, valid_until_turn};
  return x;
}
DexAction place(OrderSide side, u64 price, u64 lots) {
  DexAction x;
  x.place_order = dx::PlaceOrder{side, price, lots};
  return x;
}
DexAction cancel(u64 id) {
  DexAction x;
  x.cancel_order = dx::CancelOrder{id};
  return x;
}
DexAction match(u64 max_fills = 100) {
  DexAction x;
  x.match = dx::Match{max_fills};
  return x;
}
DexAction pass() { return DexAction{}; }

// The move the next mover makes with `action`, by the reference.
VariablePart next(const FixedPart& fixed, const VariablePart& from, const DexAction& action) {
  const auto to = dx::make_move(fixed, from, action);
  require(to.ok(), "an honest action is refused: " + std::string(error_info(to.error()).code));
  return to.value();
}

// The move that applies `action` for `participant` (not necessarily the mover), unchecked.
VariablePart applied_as(const VariablePart& from, const DexAction& action, u64 participant) {
  const auto result = dx::apply_action(dex_of(from), action, dx::Mover{participant, from.turn + 1});
  require(result.ok(), "an action the generator applies is refused");
  return VariablePart{from.turn + 1, dx::encode_data(DexData{action, result.value()}), dx::claims_a(result.value()),
                      false};
}

// ---- Rules ----

std::vector<std::string> with(std::vector<std::string> rules, const std::vector<std::string>& more) {
  rules.insert(rules.end(), more.begin(), more.end());
  return rules;
}
const std::vector<std::string> state_rules = {"DX-STATE-1", "DX-STATE-2", "DX-STATE-3", "DX-STATE-4", "DX-STATE-5"};
const std::vector<std::string> opening_rules = with({"DX-OPEN-1", "DX-OPEN-2", "DX-OPEN-3"}, state_rules);
const std::vector<std::string> move_rules =
    with({"DX-MOVE-1", "DX-MOVE-2", "DX-MOVE-3", "DX-MOVE-4", "DX-MOVE-5", "DX-MOVE-6"}, state_rules);
const std::vector<std::string> make_rules = with({"DX-MOVE-1", "DX-MOVE-2", "DX-MOVE-3", "DX-MOVE-4"}, state_rules);
const std::vector<std::string> add_rules = {"DX-ADD-1", "DX-ADD-2", "DX-ADD-3", "DX-ADD-4", "DX-ADD-5"};
const std::vector<std::string> remove_rules = {"DX-REM-1", "DX-REM-2", "DX-REM-3", "DX-REM-4"};
const std::vector<std::string> swap_rules = {"DX-SWAP-1", "DX-SWAP-2", "DX-SWAP-3",
                                             "DX-SWAP-4", "DX-SWAP-5", "DX-SWAP-6"};
const std::vector<std::string> place_rules = {"DX-PLACE-1", "DX-PLACE-2", "DX-PLACE-3", "DX-PLACE-4"};
const std::vector<std::string> cancel_rules = {"DX-CANCEL-1", "DX-CANCEL-2"};
const std::vector<std::string> match_rules = {"DX-MATCH-1", "DX-MATCH-2"};

// ---- Cases: inputs only; the reference computes every expected outcome. ----

struct Move {
  FixedPart fixed;
  VariablePart from;
  VariablePart to;
};

// A session of make_move steps: the channel, the pre-state, the actions in order.
struct Session {
  FixedPart fixed;
  VariablePart pre;
  std::vector<DexAction> actions;
};

class Cases {
 public:
  template <class Make>
  void opening(const std::string& name, const std::string& description, std::vector<std::string> rules, Make make,
               std::size_t n = 3) {
    const FixedPart fixed = channel(case_seed(mechanism_name, "check_opening", name), n);
    CaseSpec& spec = book_.add("check_opening", name, description, std::move(rules));
    spec.steps.push_back(Step{"check_opening", 0, codec::to_json(OpeningInput{fixed, make()})});
  }
  template <class Make>
  void move(const std::string& suite, const std::string& name, const std::string& description,
            std::vector<std::string> rules, Make make, std::size_t n = 3) {
    const Move m = make(channel(case_seed(mechanism_name, suite, name), n));
    CaseSpec& spec = book_.add(suite, name, description, std::move(rules));
    spec.steps.push_back(Step{"check_move", 0, codec::to_json(MoveInput{m.fixed, m.from, m.to})});
  }
  // make_move steps; `make` gets the channel and returns the pre-state and the actions.
  template <class Make>
  void session(const std::string& suite, const std::string& name, const std::string& description,
               std::vector<std::string> rules, Make make, std::size_t n = 3) {
    const FixedPart fixed = channel(case_seed(mechanism_name, suite, name), n);
    const std::pair<VariablePart, std::vector<DexAction>> plan = make(fixed);
    CaseSpec& spec = book_.add(suite, name, description, std::move(rules));
    spec.pre_state = codec::to_json(plan.first);
    for (const DexAction& action : plan.second)
      spec.steps.push_back(Step{"make_move", 0, codec::to_json(MakeMoveInput{fixed, action})});
  }
  // One make_move step from a state of turn `turn` whose DEX state is `state`.
  void act(const std::string& suite, const std::string& name, const std::string& description,
           std::vector<std::string> rules, u64 turn, const DexState& state, const DexAction& action) {
    session(
        suite, name, description, std::move(rules),
        [&](const FixedPart&) {
          return std::pair{state_at(turn, state), std::vector<DexAction>{action}};
        },
        state.positions.size());
  }
  CaseSpec& raw(const std::string& suite, const std::string& name, const std::string& description,
                std::vector<std::string> rules) {
    return book_.add(suite, name, description, std::move(rules));
  }
  void adversarial(std::string attack, std::string party) {
    book_.mark_adversarial(std::move(attack), std::move(party));
  }
  std::vector<CaseSpec> take() { return book_.take(); }

 private:
  CaseBook book_{std::string(mechanism_name)};
};

// The turn whose next move is participant p's, in a channel of 3: turn 3k + p - 1 (mod 3).
constexpr u64 before(u64 p) { return 9 + p - 1; }

// ---- check_opening ----

void opening_cases(Cases& c) {
  c.opening("three_participants", "opening_state(30, 10, three positions of 1000000 A and B)", opening_rules,
            [] { return dx::opening_state(fee, lot, fresh().positions); });
  c.opening(
      "one_participant",
      "a channel of one participant: the application allows it (the adjudicator "
      "wants two)",
      opening_rules, [] { return dx::opening_state(fee, lot, fresh(1).positions); }, 1);
  // DX-STATE-1.
  c.opening("fee_9999", "fee_bps 9999, the largest below 10000", opening_rules,
            [] { return dx::opening_state(9999, lot, fresh().positions); });
  c.opening("invalid_fee_10000", "fee_bps 10000", {"DX-STATE-1"},
            [] { return dx::opening_state(10000, lot, fresh().positions); });
  c.opening("lot_b_1", "lot_b 1", opening_rules, [] { return dx::opening_state(fee, 1, fresh().positions); });
  c.opening("invalid_lot_b_0", "lot_b 0", {"DX-STATE-1"}, [] { return dx::opening_state(fee, 0, fresh().positions); });
  // DX-STATE-2.
  c.opening("invalid_two_positions_for_three", "two positions in a channel of three", {"DX-STATE-2"},
            [] { return dx::opening_state(fee, lot, fresh(2).positions); });
  c.opening("invalid_four_positions_for_three", "four positions in a channel of three", {"DX-STATE-2"},
            [] { return dx::opening_state(fee, lot, fresh(4).positions); });
  // DX-STATE-3.
  c.opening("invalid_pool_creator_3_of_3", "pool_creator 3 in a channel of three", {"DX-STATE-3"}, [] {
    return changed(dx::opening_state(fee, lot, fresh().positions), [](DexData& d) { d.state.pool_creator = 3; });
  });
  c.opening("invalid_share_held_in_an_empty_pool", "participant 1 holds 1 share of a pool with no reserve",
            {"DX-STATE-3"}, [] {
              return changed(dx::opening_state(fee, lot, fresh().positions),
                             [](DexData& d) { d.state.positions[1].shares = 1; });
            });
  // DX-STATE-5: the total of A at 2^64 - 1 and one more.
  c.opening("total_a_at_u64_max", "balances of A 2^64 - 3, 1 and 1: the total is 2^64 - 1", opening_rules, [] {
    DexState s = fresh();
    s.positions[0].balance_a = u64_max - 2;
    s.positions[1].balance_a = 1;
    s.positions[2].balance_a = 1;
    return dx::opening_state(fee, lot, s.positions);
  });
  c.opening("invalid_total_a_past_u64_max", "balances of A 2^64 - 3, 1 and 2: the total is 2^64", {"DX-STATE-5"}, [] {
    DexState s = fresh();
    s.positions[0].balance_a = u64_max - 2;
    s.positions[1].balance_a = 1;
    s.positions[2].balance_a = 2;
    return dx::opening_state(fee, lot, s.positions);
  });
  c.opening("invalid_total_b_past_u64_max", "balances of B 2^64 - 1 and 1 (and 0)", {"DX-STATE-5"}, [] {
    DexState s = fresh();
    s.positions[0].balance_b = u64_max;
    s.positions[1].balance_b = 1;
    s.positions[2].balance_b = 0;
    return dx::opening_state(fee, lot, s.positions);
  });
  // DX-OPEN-1.
  c.opening("invalid_app_data_cut_by_one_byte", "the opening's app_data without its last byte", {"DX-OPEN-1"}, [] {
    VariablePart o = dx::opening_state(fee, lot, fresh().positions);
    o.app_data.pop_back();
    return o;
  });
  c.opening("invalid_app_data_one_byte_more", "the opening's app_data with a 0 byte appended", {"DX-OPEN-1"}, [] {
    VariablePart o = dx::opening_state(fee, lot, fresh().positions);
    o.app_data.push_back(0);
    return o;
  });
  c.opening("invalid_app_data_empty", "an empty app_data", {"DX-OPEN-1"}, [] {
    VariablePart o = dx::opening_state(fee, lot, fresh().positions);
    o.app_data.clear();
    return o;
  });
  // DX-OPEN-2, each of its conditions.
  const auto refused = [&c](const std::string& name, const std::string& description, auto change) {
    c.opening("invalid_" + name, description, {"DX-OPEN-2"}, [change] {
      VariablePart o = dx::opening_state(fee, lot, fresh().positions);
      change(o);
      return o;
    });
  };
  refused("turn_1", "the opening at turn 1", [](VariablePart& o) { o.turn = 1; });
  refused("final", "the opening marked final", [](VariablePart& o) { o.is_final = true; });
  refused("with_an_action", "the opening carries a match action",
          [](VariablePart& o) { o = changed(o, [](DexData& d) { d.action = match(1); }); });
  refused("funded_pool", "the opening has a funded pool (reserves 1000 / 1000, 1000 locked shares)",
          [](VariablePart& o) {
            o = changed(o, [](DexData& d) {
              d.state.reserve_a = 1000;
              d.state.reserve_b = 1000;
              d.state.total_shares = 1000;
              d.state.positions[0].balance_a -= 1000;
              d.state.positions[0].balance_b -= 1000;
            });
            o.outcome = dx::claims_a(dex_of(o));
          });
  refused("pool_creator_1", "pool_creator 1 with an empty pool",
          [](VariablePart& o) { o = changed(o, [](DexData& d) { d.state.pool_creator = 1; }); });
  refused("next_order_id_1", "next_order_id 1 with an empty book",
          [](VariablePart& o) { o = changed(o, [](DexData& d) { d.state.next_order_id = 1; }); });
  refused("with_an_order", "a sell order of participant 0 in the opening", [](VariablePart& o) {
    o = changed(o, [](DexData& d) {
      d.state.orders.push_back(Order{0, 0, sell, 100, 1});
      d.state.positions[0].balance_b -= lot;
      d.state.next_order_id = 1;
    });
  });
  refused("with_a_trade", "a trade recorded in the opening", [](VariablePart& o) {
    o = changed(o, [](DexData& d) { d.state.trades.push_back(Trade{0, 1, 1, 100}); });
  });
  // DX-OPEN-3.
  c.opening("invalid_outcome_off_by_one", "outcome[2] is 1000001 instead of 1000000", {"DX-OPEN-3"}, [] {
    VariablePart o = dx::opening_state(fee, lot, fresh().positions);
    o.outcome[2] += 1;
    return o;
  });
  c.opening("invalid_outcome_extra_entry", "an outcome of four entries in a channel of three", {"DX-OPEN-3"}, [] {
    VariablePart o = dx::opening_state(fee, lot, fresh().positions);
    o.outcome.push_back(0);
    return o;
  });
}

// ---- check_move: the move rules ----

void check_move_cases(Cases& c) {
  const std::string S = "check_move";
  // A swap of participant 1 at turn 10 (10 mod 3 = 1) on the usual pool.
  const auto usual = [](const FixedPart& f) {
    const VariablePart from = state_at(before(1), pooled());
    return Move{f, from, next(f, from, swap(a_to_b, 1000, 0, 100))};
  };
  c.move(S, "swap", "participant 1 swaps 1000 A for 987 B at turn 10", with(move_rules, swap_rules), usual);
  c.move(S, "pass", "a pass: nothing changes but the trades, which were empty", move_rules, [](const FixedPart& f) {
    const VariablePart from = state_at(before(2), pooled());
    return Move{f, from, next(f, from, pass())};
  });
  c.move(
      S, "one_participant_pass", "a pass in a channel of one participant (the mover of every turn is 0)", move_rules,
      [](const FixedPart& f) {
        const VariablePart from = state_at(4, fresh(1));
        return Move{f, from, next(f, from, pass())};
      },
      1);
  c.move(S, "final_to_is_allowed", "the swap's state marked final: check_move does not restrict to.is_final",
         with(move_rules, swap_rules), [&](const FixedPart& f) {
           Move m = usual(f);
           m.to.is_final = true;
           return m;
         });
  // DX-MOVE-1.
  c.move(S, "invalid_turn_not_advanced", "to.turn = from.turn", {"DX-MOVE-1"}, [&](const FixedPart& f) {
    Move m = usual(f);
    m.to.turn = m.from.turn;
    return m;
  });
  c.move(S, "invalid_turn_skips_one", "to.turn = from.turn + 2", {"DX-MOVE-1"}, [&](const FixedPart& f) {
    Move m = usual(f);
    m.to.turn = m.from.turn + 2;
    return m;
  });
  c.move(S, "turn_reaches_u64_max", "a pass from turn 2^64 - 2 to 2^64 - 1", move_rules, [](const FixedPart& f) {
    const VariablePart from = state_at(u64_max - 1, pooled());
    return Move{f, from, next(f, from, pass())};
  });
  c.move(S, "invalid_turn_past_u64_max", "a pass from turn 2^64 - 1 to 0", {"DX-MOVE-1"}, [](const FixedPart& f) {
    const VariablePart from = state_at(u64_max, pooled());
    VariablePart to = state_at(0, pooled());
    return Move{f, from, to};
  });
  // DX-MOVE-2.
  c.move(S, "invalid_from_app_data_trailing_byte", "from.app_data with a 0 byte appended", {"DX-MOVE-2"},
         [&](const FixedPart& f) {
           Move m = usual(f);
           m.from.app_data.push_back(0);
           return m;
         });
  c.move(S, "invalid_to_app_data_cut", "to.app_data without its last byte", {"DX-MOVE-2"}, [&](const FixedPart& f) {
    Move m = usual(f);
    m.to.app_data.pop_back();
    return m;
  });
  c.move(S, "invalid_to_bad_option_tag", "to's action with the option tag 2 for add_liquidity", {"DX-MOVE-2"},
         [&](const FixedPart& f) {
           Move m = usual(f);
           m.to.app_data[0] = 2;  // the tag of the first optional field, add_liquidity
           return m;
         });
  // DX-MOVE-3.
  c.move(
      S, "invalid_no_participant", "the swap in a channel of no participant", {"DX-MOVE-3"},
      [&](const FixedPart& f) {
        Move m = usual(channel(Hash32{}, 3));
        m.fixed = f;
        return m;
      },
      0);
  // DX-STATE-3 and DX-STATE-4 on from, with a valid pool and book on each side of each bound.
  c.move(S, "pool_and_book", "a pass from a funded pool with two resting orders", move_rules, [](const FixedPart& f) {
    DexState s = pooled();
    s.orders = {Order{0, 1, buy, 99, 2}, Order{1, 2, sell, 101, 3}};
    s.next_order_id = 2;
    s.positions[1].balance_a -= 198;
    s.positions[2].balance_b -= 30;
    const VariablePart from = state_at(before(2), s);
    return Move{f, from, next(f, from, pass())};
  });
  c.move(S, "invalid_pool_shares_one_more", "a pass from a pool whose held shares + 1000 exceed total_shares by 1",
         {"DX-STATE-3"}, [](const FixedPart& f) {
           DexState s = pooled();
           s.positions[1].shares = 1;
           const VariablePart from = invalid_state_at(before(2), s);
           return Move{f, from, invalid_state_at(from.turn + 1, s)};
         });
  c.move(S, "invalid_pool_with_no_reserve_b", "a pass from a pool whose reserve_b is 0", {"DX-STATE-3"},
         [](const FixedPart& f) {
           DexState s = pooled();
           s.positions[0].balance_b += s.reserve_b;
           s.reserve_b = 0;
           const VariablePart from = invalid_state_at(before(2), s);
           return Move{f, from, invalid_state_at(from.turn + 1, s)};
         });
  const auto book_state = [](auto change) {
    DexState s = pooled();
    s.orders = {Order{3, 1, buy, 99, 2}, Order{5, 2, sell, 101, 3}};
    s.next_order_id = 6;
    s.positions[1].balance_a -= 198;
    s.positions[2].balance_b -= 30;
    change(s);
    return s;
  };
  const auto from_book = [](const FixedPart& f, const DexState& s) {
    const VariablePart from = invalid_state_at(before(2), s);
    return Move{f, from, invalid_state_at(from.turn + 1, s)};
  };
  c.move(S, "order_id_just_below_next", "a pass from a book whose last order has id next_order_id - 1", move_rules,
         [=](const FixedPart& f) {
           const VariablePart from = state_at(before(2), book_state([](DexState&) {}));
           return Move{f, from, next(f, from, pass())};
         });
  c.move(S, "invalid_order_id_equals_next", "an order whose id is next_order_id", {"DX-STATE-4"},
         [=](const FixedPart& f) { return from_book(f, book_state([](DexState& s) { s.next_order_id = 5; })); });
  c.move(S, "invalid_orders_out_of_id_order", "orders of ids 5 then 3", {"DX-STATE-4"}, [=](const FixedPart& f) {
    return from_book(f, book_state([](DexState& s) { std::swap(s.orders[0], s.orders[1]); }));
  });
  c.move(S, "invalid_order_owner_3_of_3", "an order owned by participant 3 of three", {"DX-STATE-4"},
         [=](const FixedPart& f) { return from_book(f, book_state([](DexState& s) { s.orders[1].owner = 3; })); });
  c.move(S, "invalid_order_price_0", "a buy order of price 0", {"DX-STATE-4"},
         [=](const FixedPart& f) { return from_book(f, book_state([](DexState& s) { s.orders[0].price = 0; })); });
  c.move(S, "invalid_order_lots_0", "a sell order of 0 lots", {"DX-STATE-4"},
         [=](const FixedPart& f) { return from_book(f, book_state([](DexState& s) { s.orders[1].lots = 0; })); });
  c.move(S, "invalid_order_lock_overflows", "a buy order of 2 lots at 2^63: its lock is 2^64", {"DX-STATE-4"},
         [=](const FixedPart& f) {
           return from_book(f, book_state([](DexState& s) { s.orders[0].price = u64{1} << 63; }));
         });
  c.move(S, "invalid_from_totals_past_u64_max", "from's balances of A sum with the pool to 2^64", {"DX-STATE-5"},
         [](const FixedPart& f) {
           DexState s = pooled();
           s.positions[1].balance_a = u64_max - s.reserve_a - s.positions[0].balance_a - s.positions[2].balance_a + 1;
           const VariablePart from = invalid_state_at(before(2), s);
           return Move{f, from, invalid_state_at(from.turn + 1, s)};
         });
  // DX-MOVE-4.
  c.move(S, "invalid_two_operations", "to's action names a swap and a match", {"DX-MOVE-4"}, [&](const FixedPart& f) {
    Move m = usual(f);
    m.to = changed(m.to, [](DexData& d) { d.action.match = dx::Match{1}; });
    return m;
  });
  // DX-MOVE-5.
  c.move(S, "invalid_state_not_the_result", "the swap's state with reserve_b one more than the swap leaves",
         {"DX-MOVE-5"}, [&](const FixedPart& f) {
           Move m = usual(f);
           m.to = changed(m.to, [](DexData& d) {
             d.state.reserve_b += 1;
             d.state.positions[1].balance_b -= 1;
           });
           return m;
         });
  c.move(S, "invalid_action_without_its_effect", "to carries the swap but from's DEX state unchanged", {"DX-MOVE-5"},
         [&](const FixedPart& f) {
           Move m = usual(f);
           m.to = changed(m.to, [&](DexData& d) { d.state = dex_of(m.from); });
           m.to.outcome = m.from.outcome;
           return m;
         });
  // DX-MOVE-6.
  c.move(S, "invalid_outcome_off_by_one", "the swap with outcome[1] one more and outcome[0] one less", {"DX-MOVE-6"},
         [&](const FixedPart& f) {
           Move m = usual(f);
           m.to.outcome[1] += 1;
           m.to.outcome[0] -= 1;
           return m;
         });
  c.move(S, "invalid_outcome_extra_entry", "the swap with a fourth outcome entry 0", {"DX-MOVE-6"},
         [&](const FixedPart& f) {
           Move m = usual(f);
           m.to.outcome.push_back(0);
           return m;
         });
  c.move(
      S, "claims_give_the_residue_to_the_pool_creator",
      "participant 2 deposits at most (333, 333) into a pool of "
      "(100003, 100000); each LP's claim on reserve_a rounds down and the pool creator, participant 0, gets the rest",
      with(move_rules, add_rules), [](const FixedPart& f) {
        DexState s = pooled();
        s.reserve_a = 100003;  // a ratio that makes the claims round
        s.positions[0].balance_a -= 3;
        const VariablePart from = state_at(before(2), s);
        return Move{f, from, next(f, from, add(333, 333))};
      });
}

// ---- make_move: each operation's rules at their boundaries ----

void add_cases(Cases& c) {
  const std::string S = "add_liquidity";
  const u64 t = before(1);  // participant 1 moves
  c.act(S, "first_deposit",
        "participant 1's first deposit of (100000, 100000): isqrt = 100000, 99000 shares, "
        "1000 locked, pool_creator 1",
        with(make_rules, add_rules), t, fresh(), add(100000, 100000));
  c.act(S, "first_deposit_sqrt_1001", "a first deposit of (1001, 1001): isqrt 1001 mints 1 share",
        with(make_rules, add_rules), t, fresh(), add(1001, 1001));
  c.act(S, "invalid_first_deposit_sqrt_1000", "a first deposit of (1000, 1000): isqrt 1000 mints none", {"DX-ADD-4"}, t,
        fresh(), add(1000, 1000));
  c.act(S, "invalid_first_deposit_just_below_1001_squared",
        "a first deposit of (1000, 1002): 1002000 < 1001^2, isqrt "
        "1000 mints none",
        {"DX-ADD-4"}, t, fresh(), add(1000, 1002));
  c.act(S, "invalid_amount_a_0", "amount_a 0", {"DX-ADD-1"}, t, pooled(), add(0, 100));
  c.act(S, "invalid_amount_b_0", "amount_b 0", {"DX-ADD-1"}, t, pooled(), add(100, 0));
  c.act(S, "amounts_1_and_1", "(1, 1) into (100000, 100000) of 100000 shares mints 1", with(make_rules, add_rules), t,
        pooled(), add(1, 1));
  c.act(
      S, "invalid_later_deposit_mints_0", "(1, 1) into (200000, 200000) of 100000 shares mints 0", {"DX-ADD-4"}, t,
      [] {
        DexState s = pooled();
        s.reserve_a = s.reserve_b = 200000;
        s.positions[0].balance_a -= 100000;
        s.positions[0].balance_b -= 100000;
        return s;
      }(),
      add(1, 1));
  c.act(S, "balance_exactly_covers", "participant 1 adds its whole balance (1000000, 1000000)",
        with(make_rules, add_rules), t, pooled(), add(million, million));
  c.act(S, "invalid_balance_a_one_short", "participant 1 adds 1000001 A with 1000000", {"DX-ADD-2"}, t, pooled(),
        add(million + 1, million));
  c.act(S, "invalid_balance_b_one_short", "participant 1 adds 1000001 B with 1000000", {"DX-ADD-2"}, t, pooled(),
        add(million, million + 1));
  c.act(S, "router_takes_the_pool_ratio",
        "(1000, 5000) into (100000, 100000): b* = 1000, so (1000, 1000) is used and "
        "1000 shares minted",
        with(make_rules, add_rules), t, pooled(), add(1000, 5000));
  c.act(S, "router_takes_a_from_b", "(5000, 1000) into (100000, 100000): b* = 5000 > 1000, so a = quote(1000) = 1000",
        with(make_rules, add_rules), t, pooled(), add(5000, 1000));
  c.act(
      S, "router_quote_exactly_amount_b",
      "(1000, 1000) into (100000, 100003): b* = floor(1000 * 100003 / 100000) = 1000 = amount_b, so both "
      "amounts are used whole (the quote of a from b would be 999); 999 shares minted",
      with(make_rules, add_rules), t,
      [] {
        DexState s = pooled();
        s.reserve_b = 100003;
        s.positions[0].balance_b -= 3;
        return s;
      }(),
      add(1000, 1000));
  // DX-ADD-5.
  c.act(S, "min_shares_exactly_met", "(1000, 1000) mints 1000 with min_shares 1000", with(make_rules, add_rules), t,
        pooled(), add(1000, 1000, 1000));
  c.act(S, "invalid_min_shares_one_above", "(1000, 1000) mints 1000 with min_shares 1001", {"DX-ADD-5"}, t, pooled(),
        add(1000, 1000, 1001));
  // DX-ADD-3: total_shares 2^63 + 1 over reserves (2^62, 2^62): (a, a) mints floor(a (2^63 + 1) / 2^62)
  // = 2a for a < 2^62, so the total reaches 2^64 - 1 at a = 2^62 - 1; a = 2^62 mints 2^63 + 1.
  const auto deep = [] {
    DexState s = fresh();
    s.reserve_a = s.reserve_b = u64{1} << 62;
    s.total_shares = (u64{1} << 63) + 1;
    s.positions[0] = Position{0, 0, (u64{1} << 63) + 1 - 1000};
    s.positions[1] = Position{u64{1} << 62, u64{1} << 62, 0};
    s.positions[2] = Position{0, 0, 0};
    return s;
  }();
  c.act(S, "total_shares_reach_u64_max",
        "(2^62 - 1, 2^62 - 1) into (2^62, 2^62) of 2^63 + 1 shares: 2^63 - 2 "
        "minted, total 2^64 - 1",
        with(make_rules, add_rules), t, deep, add((u64{1} << 62) - 1, (u64{1} << 62) - 1));
  c.act(S, "invalid_total_shares_past_u64_max", "(2^62, 2^62) into the same pool: 2^63 + 1 minted, total 2^64 + 2",
        {"DX-ADD-3"}, t, deep, add(u64{1} << 62, u64{1} << 62));
  c.act(
      S, "invalid_minted_past_u64_max",
      "(2^64 - 2, 2^64 - 2) into (1, 1) of 1001 shares: each quotient passes "
      "2^64 - 1",
      {"DX-ADD-3"}, t,
      [] {
        DexState s = fresh();
        s.reserve_a = s.reserve_b = 1;
        s.total_shares = 1001;
        s.positions[0] = Position{0, 0, 1};
        s.positions[1] = Position{u64_max - 1, u64_max - 1, 0};
        s.positions[2] = Position{0, 0, 0};
        return s;
      }(),
      add(u64_max - 1, u64_max - 1));
}

void remove_cases(Cases& c) {
  const std::string S = "remove_liquidity";
  const u64 t = before(0);  // participant 0, the LP, moves
  c.act(S, "burn_all_held", "participant 0 burns its 99000 shares: (99000, 99000) out, 1000 locked shares stay",
        with(make_rules, remove_rules), t, pooled(), remove(99000));
  c.act(S, "invalid_burn_one_more_than_held", "participant 0 burns 99001 shares of its 99000", {"DX-REM-2"}, t,
        pooled(), remove(99001));
  c.act(S, "invalid_burn_0", "shares 0", {"DX-REM-1"}, t, pooled(), remove(0));
  c.act(S, "burn_1", "shares 1: (1, 1) out", with(make_rules, remove_rules), t, pooled(), remove(1));
  // DX-REM-3 on a pool of (100000, 100) with 3162 shares (isqrt(10^7)): a share is worth 0.0316 B.
  const DexState thin = [] {
    DexState s = fresh();
    s.reserve_a = 100000;
    s.reserve_b = 100;
    s.total_shares = 3162;
    s.positions[0] = Position{million - 100000, million - 100, 2162};
    return s;
  }();
  c.act(S, "burn_32_pays_1_b", "32 of 3162 shares of (100000, 100): floor(3200 / 3162) = 1 B",
        with(make_rules, remove_rules), t, thin, remove(32));
  c.act(S, "invalid_burn_31_pays_0_b", "31 of 3162 shares of (100000, 100): floor(3100 / 3162) = 0 B", {"DX-REM-3"}, t,
        thin, remove(31));
  // DX-REM-4: 1000 shares of (100000, 100000) pay (1000, 1000).
  c.act(S, "min_a_and_min_b_exactly_met", "1000 shares with min_a = min_b = 1000", with(make_rules, remove_rules), t,
        pooled(), remove(1000, 1000, 1000));
  c.act(S, "invalid_min_a_one_above", "1000 shares with min_a 1001", {"DX-REM-4"}, t, pooled(), remove(1000, 1001, 0));
  c.act(S, "invalid_min_b_one_above", "1000 shares with min_b 1001", {"DX-REM-4"}, t, pooled(), remove(1000, 0, 1001));
}

void swap_cases(Cases& c) {
  const std::string S = "swap_exact_in";
  const u64 t = before(1);  // participant 1 moves at turn 10
  // DX-SWAP-1 at the move's turn 10.
  c.act(S, "valid_until_turn_plus_1", "valid_until_turn 11, the move's turn 10", with(make_rules, swap_rules), t,
        pooled(), swap(a_to_b, 1000, 0, t + 2));
  c.act(S, "valid_until_the_move_turn", "valid_until_turn 10, the move's turn", with(make_rules, swap_rules), t,
        pooled(), swap(a_to_b, 1000, 0, t + 1));
  c.act(S, "invalid_valid_until_turn_minus_1", "valid_until_turn 9, one before the move's turn 10", {"DX-SWAP-1"}, t,
        pooled(), swap(a_to_b, 1000, 0, t));
  c.act(S, "invalid_amount_in_0", "amount_in 0", {"DX-SWAP-2"}, t, pooled(), swap(a_to_b, 0));
  c.act(S, "invalid_no_pool", "a swap before any deposit", {"DX-SWAP-3"}, t, fresh(), swap(a_to_b, 1000));
  // DX-SWAP-2 and DX-SWAP-5 at amount 1 and 2: (1000, 1000000) pays 996 B for 1 A; (100000, 100000)
  // pays 0 for 1 and 1 for 2.
  c.act(
      S, "amount_in_1", "1 A into (1000, 1000000): 996 B out", with(make_rules, swap_rules), t,
      [] {
        DexState s = pooled();
        s.reserve_a = 1000;
        s.reserve_b = million;
        s.total_shares = 31622;  // isqrt(10^9)
        s.positions[0] = Position{million - 1000, 0, 30622};
        return s;
      }(),
      swap(a_to_b, 1));
  c.act(S, "invalid_out_0", "1 A into (100000, 100000): floor(9970 * 100000 / 1000009970) = 0", {"DX-SWAP-5"}, t,
        pooled(), swap(a_to_b, 1));
  c.act(S, "out_1", "2 A into (100000, 100000): 1 B out", with(make_rules, swap_rules), t, pooled(), swap(a_to_b, 2));
  c.act(
      S, "invalid_fee_9999_pays_0", "100 A into (100000, 100000) at fee 9999 bps: floor(100 * 100000 / 1000000100) = 0",
      {"DX-SWAP-5"}, t,
      [] {
        DexState s = pooled();
        s.fee_bps = 9999;
        return s;
      }(),
      swap(a_to_b, 100));
  c.act(
      S, "exact_output_at_fee_0",
      "100000 A into (100000, 100000) at fee 0: exactly 50000 B, a quotient with no remainder (the long "
      "division meets a remainder equal to the divisor)",
      with(make_rules, swap_rules), t,
      [] {
        DexState s = pooled();
        s.fee_bps = 0;
        return s;
      }(),
      swap(a_to_b, 100000));
  // DX-SWAP-4, both directions.
  c.act(S, "whole_balance_a", "participant 1 swaps its whole 1000000 A", with(make_rules, swap_rules), t, pooled(),
        swap(a_to_b, million));
  c.act(S, "invalid_balance_a_one_short", "participant 1 swaps 1000001 A with 1000000", {"DX-SWAP-4"}, t, pooled(),
        swap(a_to_b, million + 1));
  c.act(S, "whole_balance_b", "participant 1 swaps its whole 1000000 B", with(make_rules, swap_rules), t, pooled(),
        swap(b_to_a, million));
  c.act(S, "invalid_balance_b_one_short", "participant 1 swaps 1000001 B with 1000000", {"DX-SWAP-4"}, t, pooled(),
        swap(b_to_a, million + 1));
  // DX-SWAP-6: 10000 A into (100000, 100000) pays 9066 B.
  c.act(S, "min_out_exactly_met", "10000 A with min_out 9066, what it pays", with(make_rules, swap_rules), t, pooled(),
        swap(a_to_b, 10000, 9066));
  c.act(S, "invalid_min_out_one_above", "10000 A with min_out 9067", {"DX-SWAP-6"}, t, pooled(),
        swap(a_to_b, 10000, 9067));
  c.act(
      S, "large_reserves", "2^40 B into (2^62, 2^62) at fee 30: the products pass 2^128 and the result fits",
      with(make_rules, swap_rules), t,
      [] {
        DexState s = fresh();
        s.reserve_a = s.reserve_b = u64{1} << 62;
        s.total_shares = u64{1} << 62;
        s.positions[0] = Position{0, 0, (u64{1} << 62) - 1000};
        s.positions[1] = Position{0, u64{1} << 40, 0};
        s.positions[2] = Position{0, 0, 0};
        return s;
      }(),
      swap(b_to_a, u64{1} << 40));
}

void place_cases(Cases& c) {
  const std::string S = "place_order";
  const u64 t = before(2);  // participant 2 moves
  c.act(S, "buy_1_at_1", "a buy of 1 lot at 1 A: locks 1 A, id 0", with(make_rules, place_rules), t, fresh(),
        place(buy, 1, 1));
  c.act(S, "invalid_price_0", "a buy at price 0", {"DX-PLACE-1"}, t, fresh(), place(buy, 0, 1));
  c.act(S, "invalid_lots_0", "a sell of 0 lots", {"DX-PLACE-1"}, t, fresh(), place(sell, 100, 0));
  const DexState rich = [] {
    DexState s = fresh();
    s.positions = {Position{0, 0, 0}, Position{0, 0, 0}, Position{u64_max, u64_max, 0}};
    return s;
  }();
  c.act(S, "buy_lock_at_u64_max", "a buy of 1 lot at 2^64 - 1 by a participant holding 2^64 - 1 A",
        with(make_rules, place_rules), t, rich, place(buy, u64_max, 1));
  c.act(S, "invalid_buy_lock_past_u64_max", "a buy of 2 lots at 2^63: the lock is 2^64", {"DX-PLACE-2"}, t, rich,
        place(buy, u64{1} << 63, 2));
  c.act(S, "sell_lock_at_the_largest_lot_count", "a sell of floor((2^64 - 1) / 10) lots of 10 B",
        with(make_rules, place_rules), t, rich, place(sell, 5, u64_max / lot));
  c.act(S, "invalid_sell_lock_past_u64_max", "a sell of floor((2^64 - 1) / 10) + 1 lots of 10 B", {"DX-PLACE-2"}, t,
        rich, place(sell, 5, u64_max / lot + 1));
  c.act(S, "buy_lock_exactly_covered", "a buy of 10000 lots at 100 = 1000000 A, the whole balance",
        with(make_rules, place_rules), t, fresh(), place(buy, 100, 10000));
  c.act(S, "invalid_buy_lock_one_short", "a buy of 1 lot at 1000001 with 1000000 A", {"DX-PLACE-3"}, t, fresh(),
        place(buy, million + 1, 1));
  c.act(S, "sell_lock_exactly_covered", "a sell of 100000 lots of 10 B = 1000000 B, the whole balance",
        with(make_rules, place_rules), t, fresh(), place(sell, 7, 100000));
  c.act(
      S, "invalid_sell_lock_one_short", "a sell of 100000 lots of 10 B with 999999 B", {"DX-PLACE-3"}, t,
      [] {
        DexState s = fresh();
        s.positions[2].balance_b = million - 1;
        return s;
      }(),
      place(sell, 7, 100000));
  c.act(
      S, "last_order_id", "next_order_id 2^64 - 2: the order gets it, next_order_id becomes 2^64 - 1",
      with(make_rules, place_rules), t,
      [] {
        DexState s = fresh();
        s.next_order_id = u64_max - 1;
        return s;
      }(),
      place(buy, 1, 1));
  c.act(
      S, "invalid_no_order_id_left", "next_order_id 2^64 - 1", {"DX-PLACE-4"}, t,
      [] {
        DexState s = fresh();
        s.next_order_id = u64_max;
        return s;
      }(),
      place(buy, 1, 1));
}

// A book of participant 1's buy (id 0, 99 A per lot, 2 lots) and participant 2's sell (id 1, 101, 3).
DexState book() {
  DexState s = fresh();
  s.orders = {Order{0, 1, buy, 99, 2}, Order{1, 2, sell, 101, 3}};
  s.next_order_id = 2;
  s.positions[1].balance_a -= 198;
  s.positions[2].balance_b -= 30;
  return s;
}

void cancel_cases(Cases& c) {
  const std::string S = "cancel_order";
  c.act(S, "cancel_own_buy", "participant 1 cancels its buy 0: 198 A return", with(make_rules, cancel_rules), before(1),
        book(), cancel(0));
  c.act(S, "cancel_own_sell", "participant 2 cancels its sell 1: 30 B return", with(make_rules, cancel_rules),
        before(2), book(), cancel(1));
  c.act(S, "invalid_unknown_id", "participant 1 cancels id 2, never placed", {"DX-CANCEL-1"}, before(1), book(),
        cancel(2));
  c.act(S, "invalid_not_owner", "participant 1 cancels participant 2's sell 1", {"DX-CANCEL-2"}, before(1), book(),
        cancel(1));
}

void match_cases(Cases& c) {
  const std::string S = "match";
  const u64 t = before(0);  // participant 0, who owns no order, matches
  const auto crossing = [](u64 bid, u64 ask) {
    DexState s = book();
    s.orders[0].price = bid;
    s.orders[1].price = ask;
    s.positions[1].balance_a = million - 2 * bid;
    return s;
  };
  c.act(S, "bid_equals_ask", "a bid at 100 and an ask at 100: 2 lots trade at the maker's (the bid's) 100",
        with(make_rules, match_rules), t, crossing(100, 100), match(1));
  c.act(S, "invalid_bid_one_below_ask", "a bid at 99 and an ask at 100", {"DX-MATCH-2"}, t, crossing(99, 100),
        match(1));
  c.act(
      S, "invalid_no_ask", "a bid and no ask", {"DX-MATCH-2"}, t,
      [] {
        DexState s = book();
        s.orders.pop_back();
        s.positions[2].balance_b += 30;
        return s;
      }(),
      match(1));
  c.act(S, "invalid_max_fills_0", "max_fills 0 on a crossed book", {"DX-MATCH-1"}, t, crossing(101, 100), match(0));
  c.act(
      S, "maker_is_the_ask",
      "a bid at 105 placed after an ask at 100 fills at 100, and the buyer gets 5 A per lot "
      "back",
      with(make_rules, match_rules), t,
      [] {
        DexState s = book();
        s.orders = {Order{0, 2, sell, 100, 3}, Order{1, 1, buy, 105, 2}};
        s.positions[1].balance_a = million - 210;
        return s;
      }(),
      match(5));
  // Price-time priority: two asks at 100 (ids 1 and 2) and a bid of 4 lots at 100 (id 3).
  const DexState tie = [] {
    DexState s = fresh();
    s.orders = {Order{1, 2, sell, 100, 3}, Order{2, 1, sell, 100, 3}, Order{3, 0, buy, 100, 4}};
    s.next_order_id = 4;
    s.positions[2].balance_b -= 30;
    s.positions[1].balance_b -= 30;
    s.positions[0].balance_a -= 400;
    return s;
  }();
  c.act(S, "price_time_tie_one_fill",
        "asks of ids 1 and 2 at the same price 100, a bid of 4 lots; max_fills 1: only "
        "the earlier ask, id 1, fills (3 lots), the bid keeps 1 lot",
        with(make_rules, match_rules), before(2), tie, match(1));
  c.act(S, "price_time_tie_two_fills",
        "the same book with max_fills 2: id 1 fills 3 lots, then id 2 fills 1 and keeps 2",
        with(make_rules, match_rules), before(2), tie, match(2));
  c.act(
      S, "price_time_tie_between_bids",
      "bids of ids 0 (participant 1, 2 lots) and 1 (participant 0, 5 lots) at the same price 100, an ask of 3 "
      "lots at 100; max_fills 1: the earlier bid, id 0, fills its 2 lots, the ask keeps 1",
      with(make_rules, match_rules), before(2),
      [] {
        DexState s = fresh();
        s.orders = {Order{0, 1, buy, 100, 2}, Order{1, 0, buy, 100, 5}, Order{2, 2, sell, 100, 3}};
        s.next_order_id = 3;
        s.positions[1].balance_a -= 200;
        s.positions[0].balance_a -= 500;
        s.positions[2].balance_b -= 30;
        return s;
      }(),
      match(1));
  c.act(
      S, "better_price_ranks_first",
      "asks of id 1 at 101 and id 2 at 100, a bid of 3 at 101: the later, cheaper id 2 "
      "fills first, at its price as the maker",
      with(make_rules, match_rules), before(2),
      [] {
        DexState s = fresh();
        s.orders = {Order{1, 2, sell, 101, 3}, Order{2, 1, sell, 100, 3}, Order{3, 0, buy, 101, 3}};
        s.next_order_id = 4;
        s.positions[2].balance_b -= 30;
        s.positions[1].balance_b -= 30;
        s.positions[0].balance_a -= 303;
        return s;
      }(),
      match(1));
  c.act(S, "max_fills_stops_when_the_book_uncrosses",
        "max_fills 100 on the tie book: two fills, then the book has no "
        "bid",
        with(make_rules, match_rules), before(2), tie, match(100));
}

// ---- make_move's own rules: DX-MOVE-1..4 before any operation ----

void make_move_cases(Cases& c) {
  const std::string S = "make_move";
  const auto one = [](VariablePart pre, DexAction action) {
    return [pre = std::move(pre), action = std::move(action)](const FixedPart&) {
      return std::pair{pre, std::vector<DexAction>{action}};
    };
  };
  // DX-MOVE-1: (2^64 - 1) mod 3 = 0, so participant 0 makes the move of turn 2^64 - 1.
  c.session(S, "turn_reaches_u64_max", "participant 0 swaps 1000 A from turn 2^64 - 2: the move is turn 2^64 - 1",
            with(make_rules, swap_rules), one(state_at(u64_max - 1, pooled()), swap(a_to_b, 1000)));
  c.session(S, "invalid_turn_past_u64_max", "a swap from turn 2^64 - 1: there is no next turn", {"DX-MOVE-1"},
            one(state_at(u64_max, pooled()), swap(a_to_b, 1000)));
  // DX-MOVE-2.
  VariablePart trailing_byte = state_at(before(1), pooled());
  trailing_byte.app_data.push_back(0);
  VariablePart no_app_data = state_at(before(1), pooled());
  no_app_data.app_data.clear();
  c.session(S, "invalid_pre_state_app_data_trailing_byte", "a swap from a state whose app_data has a 0 byte appended",
            {"DX-MOVE-2"}, one(trailing_byte, swap(a_to_b, 1000)));
  c.session(S, "invalid_pre_state_app_data_empty", "a pass from a state whose app_data is empty", {"DX-MOVE-2"},
            one(no_app_data, pass()));
  // DX-MOVE-3: a pre-state of three positions in a channel of none, refused before validate_state.
  c.session(S, "invalid_no_participant", "a swap in a channel of no participant, from a state of three positions",
            {"DX-MOVE-3"}, one(state_at(before(1), pooled()), swap(a_to_b, 1000)), 0);
  // DX-MOVE-4.
  c.session(S, "invalid_two_operations", "an action naming a swap and a match", {"DX-MOVE-4"}, [](const FixedPart&) {
    DexAction action = swap(a_to_b, 1000);
    action.match = dx::Match{1};
    return std::pair{state_at(before(1), pooled()), std::vector<DexAction>{action}};
  });
  c.session(S, "invalid_all_six_operations", "an action naming all six operations", {"DX-MOVE-4"},
            [](const FixedPart&) {
              DexAction action = add(1000, 1000);
              action.remove_liquidity = remove(1).remove_liquidity;
              action.swap_exact_in = swap(a_to_b, 1000).swap_exact_in;
              action.place_order = place(buy, 1, 1).place_order;
              action.cancel_order = cancel(0).cancel_order;
              action.match = dx::Match{1};
              return std::pair{state_at(before(1), pooled()), std::vector<DexAction>{action}};
            });
}

// ---- Each operation after a match: the trades of the last move are cleared ----

// The usual pool and a crossed book: participant 1's bids of 2 lots at 101 (id 0) and at 100 (id 2),
// participant 2's ask of 3 lots at 100 (id 1). A match of one fill trades 2 lots at 101 (the bid is
// the maker), the ask keeps 1 lot, and the book still crosses at 100.
VariablePart crossed_pool() {
  DexState s = pooled();
  s.orders = {Order{0, 1, buy, 101, 2}, Order{1, 2, sell, 100, 3}, Order{2, 1, buy, 100, 2}};
  s.next_order_id = 3;
  s.positions[1].balance_a -= 402;
  s.positions[2].balance_b -= 30;
  return state_at(before(2), s);
}

void after_match_cases(Cases& c) {
  // Participant 2 matches one fill at turn 11 (the state carries its trade); participant 0, the
  // pool's LP, acts at turn 12 and its state carries no trade but its own.
  const auto after_match = [&c](const std::string& suite, const std::string& name, const std::string& what,
                                std::vector<std::string> rules, DexAction action) {
    c.session(suite, name,
              "participant 2 matches one fill (2 lots at 101: the state's trades hold it); participant 0 then " + what,
              with(make_rules, with(match_rules, std::move(rules))), [action](const FixedPart&) {
                return std::pair{crossed_pool(), std::vector<DexAction>{match(1), action}};
              });
  };
  after_match("add_liquidity", "add_after_a_match_clears_the_trades",
              "adds (1000, 1000): the add's state has no trade", add_rules, add(1000, 1000));
  after_match("remove_liquidity", "remove_after_a_match_clears_the_trades",
              "burns 1000 shares: the burn's state has no trade", remove_rules, remove(1000));
  after_match("swap_exact_in", "swap_after_a_match_clears_the_trades",
              "swaps 1000 A: the swap's state has no trade", swap_rules, swap(a_to_b, 1000));
  after_match("place_order", "place_after_a_match_clears_the_trades",
              "places a buy of 1 lot at 50: the placement's state has no trade", place_rules, place(buy, 50, 1));
  after_match("match", "match_after_a_match_keeps_only_its_own_trades",
              "matches one fill (1 lot at 100, the ask the maker): its state has that trade only", {}, match(1));
}

// ---- Adversarial: the attacks of dex_channel.md#attacks-considered ----

// dex_channel.md#a-sandwich-in-numbers: a pool of (100000, 100000) at 30 bps; participant 0 the
// pool's LP, participant 1 the sandwicher S, participant 2 the victim V, each with 100000 A and B.
// The state is at turn 9: S moves at 10, V at 11, the LP at 12, S at 13.
VariablePart sandwich_pool() {
  DexState s = pooled();
  s.positions[1] = Position{100000, 100000, 0};
  s.positions[2] = Position{100000, 100000, 0};
  return state_at(9, s);
}

void adversarial_cases(Cases& c) {
  const std::string S = "adversarial";
  c.session(S, "victim_swap_without_front_run",
            "S passes at turn 10; V swaps 10000 A at turn 11 against (100000, "
            "100000): 9066 B, above its min_out 8975",
            with(make_rules, swap_rules), [](const FixedPart&) {
              return std::pair{sandwich_pool(), std::vector<DexAction>{pass(), swap(a_to_b, 10000, 8975, 11)}};
            });
  c.session(
      S, "invalid_sandwich_blocked_by_min_out",
      "S front-runs 20000 A at turn 10 (16624 B out, reserves (120000, "
      "83376)); V's swap of 10000 A with min_out 8975 at turn 11 would pay 6395",
      with(make_rules, {"DX-SWAP-6"}), [](const FixedPart&) {
        return std::pair{sandwich_pool(), std::vector<DexAction>{swap(a_to_b, 20000), swap(a_to_b, 10000, 8975, 11)}};
      });
  c.adversarial("a sandwich around a swap", "participant 1, the sandwicher");
  c.session(S, "sandwich_without_min_out",
            "the same sandwich on a swap with min_out 0: V gets 6395 B, the LP passes, "
            "S back-runs its 16624 B for 23030 A, a profit of 3030 A",
            with(make_rules, swap_rules), [](const FixedPart&) {
              return std::pair{sandwich_pool(), std::vector<DexAction>{swap(a_to_b, 20000), swap(a_to_b, 10000, 0, 11),
                                                                       pass(), swap(b_to_a, 16624)}};
            });
  c.adversarial("a sandwich around a swap with no min_out", "participant 1, the sandwicher");
  c.session(S, "invalid_queued_swap_applied_late",
            "V signs nothing late: a client queued V's swap valid until turn 11 "
            "and applies it at V's next turn, 14",
            {"DX-SWAP-1"}, [](const FixedPart&) {
              return std::pair{sandwich_pool(),
                               std::vector<DexAction>{pass(), pass(), pass(), pass(), swap(a_to_b, 10000, 8975, 11)}};
            });
  c.adversarial("a queued swap applied late", "V's client");
  c.move(S, "invalid_action_applied_as_another_participant",
         "participant 1 moves at turn 10 with a swap of 50000 A "
         "applied to participant 2's position",
         {"DX-MOVE-5"}, [](const FixedPart& f) {
           const VariablePart from = state_at(before(1), pooled());
           return Move{f, from, applied_as(from, swap(a_to_b, 50000), 2)};
         });
  c.adversarial("a move out of turn, or for another participant", "participant 1");
  c.move(S, "invalid_move_built_on_a_stale_state",
         "participant 2's swap at turn 11 computed from the state of turn 9, "
         "not from participant 1's swap at turn 10",
         {"DX-MOVE-5"}, [](const FixedPart& f) {
           const VariablePart stale = state_at(before(1), pooled());
           const VariablePart from = next(f, stale, swap(a_to_b, 20000));
           VariablePart to = applied_as(stale, swap(a_to_b, 10000), 2);
           to.turn = from.turn + 1;
           return Move{f, from, to};
         });
  c.adversarial("a stale state", "participant 2");
  c.move(S, "invalid_stale_state_replayed", "the state of turn 10 offered again as the move after it", {"DX-MOVE-1"},
         [](const FixedPart& f) {
           const VariablePart from = next(f, state_at(before(1), pooled()), swap(a_to_b, 1000));
           return Move{f, from, from};
         });
  c.adversarial("a stale state", "participant 2");
  c.move(S, "invalid_match_overfills_the_ask",
         "a match of a bid of 5 lots against an ask of 3 written as a fill of 5: "
         "the buyer gets 50 B, the ask leaves the book",
         {"DX-MOVE-5"}, [](const FixedPart& f) {
           DexState s = fresh();
           s.orders = {Order{0, 2, sell, 100, 3}, Order{1, 1, buy, 100, 5}};
           s.next_order_id = 2;
           s.positions[2].balance_b -= 30;
           s.positions[1].balance_a -= 500;
           const VariablePart from = state_at(before(0), s);
           DexState over = s;
           over.orders.clear();
           over.positions[1].balance_b += 50;
           over.positions[2].balance_a += 500;
           over.trades = {Trade{1, 0, 5, 100}};
           const VariablePart to{from.turn + 1, dx::encode_data(DexData{match(1), over}), dx::claims_a(over), false};
           return Move{f, from, to};
         });
  c.adversarial("a fill beyond an order's amount", "participant 0, the matcher");
  c.session(S, "invalid_cancel_of_a_filled_order",
            "a bid of 5 lots matched against an ask of 3: the ask "
            "leaves the book, the bid keeps 2; the ask's owner then cancels it",
            {"DX-CANCEL-1"}, [](const FixedPart&) {
              DexState s = fresh();
              s.orders = {Order{0, 2, sell, 100, 3}, Order{1, 1, buy, 100, 5}};
              s.next_order_id = 2;
              s.positions[2].balance_b -= 30;
              s.positions[1].balance_a -= 500;
              return std::pair{state_at(before(0), s), std::vector<DexAction>{match(10), pass(), cancel(0)}};
            });
  c.adversarial("a fill beyond an order's amount", "participant 2");
  c.session(S, "invalid_cancel_by_non_owner", "participant 1 cancels participant 2's sell", {"DX-CANCEL-2"},
            [](const FixedPart&) {
              return std::pair{state_at(before(1), book()), std::vector<DexAction>{cancel(1)}};
            });
  c.adversarial("an order cancelled by someone else", "participant 1");
  c.session(S, "later_order_at_the_same_price_cannot_jump",
            "participant 1 places an ask at 100 after participant "
            "2's ask at 100; participant 0 matches a bid of 3 lots: participant 2's earlier ask fills; participant 1 "
            "cancels its own ask, still whole",
            with(make_rules, with(place_rules, with(match_rules, cancel_rules))), [](const FixedPart&) {
              DexState s = fresh();
              s.orders = {Order{0, 2, sell, 100, 3}, Order{1, 0, buy, 100, 3}};
              s.next_order_id = 2;
              s.positions[2].balance_b -= 30;
              s.positions[0].balance_a -= 300;
              // turn 10: 1 places id 2; 11: 2 passes; 12: 0 matches (id 0 fills); 13: 1 cancels id 2 (whole).
              return std::pair{state_at(before(1), s),
                               std::vector<DexAction>{place(sell, 100, 3), pass(), match(5), cancel(2)}};
            });
  c.adversarial("front-running by order id", "participant 1");
  c.move(S, "invalid_outcome_moved_without_a_trade", "a pass whose outcome moves 1 A from participant 0 to 1",
         {"DX-MOVE-6"}, [](const FixedPart& f) {
           const VariablePart from = state_at(before(1), pooled());
           VariablePart to = next(f, from, pass());
           to.outcome[0] -= 1;
           to.outcome[1] += 1;
           return Move{f, from, to};
         });
  c.adversarial("the outcome moved without a trade", "participant 1");
}

// ---- Inputs that do not decode ----

void malformed_cases(Cases& c) {
  {
    const FixedPart f = channel(case_seed(mechanism_name, "make_move", "malformed_unknown_direction"), 3);
    json input = codec::to_json(MakeMoveInput{f, swap(a_to_b, 1000)});
    input["action"]["swap_exact_in"]["direction"] = "sideways";
    CaseSpec& spec =
        c.raw("make_move", "malformed_unknown_direction", "a swap whose direction is \"sideways\"", {"JSON-ENUM-1"});
    spec.pre_state = codec::to_json(state_at(before(1), pooled()));
    spec.steps.push_back(Step{"make_move", 0, input});
  }
  {
    const FixedPart f = channel(case_seed(mechanism_name, "check_opening", "malformed_missing_opening"), 3);
    json input = codec::to_json(OpeningInput{f, dx::opening_state(fee, lot, fresh().positions)});
    input.erase("opening");
    CaseSpec& spec = c.raw("check_opening", "malformed_missing_opening", "an input object without its opening field",
                           {"JSON-STRUCT-1"});
    spec.steps.push_back(Step{"check_opening", 0, input});
  }
}

std::vector<CaseSpec> all_cases(Profile) {
  Cases cases;
  opening_cases(cases);
  check_move_cases(cases);
  add_cases(cases);
  remove_cases(cases);
  swap_cases(cases);
  place_cases(cases);
  cancel_cases(cases);
  match_cases(cases);
  make_move_cases(cases);
  after_match_cases(cases);
  adversarial_cases(cases);
  malformed_cases(cases);
  return cases.take();
}

}  // namespace dex_channel_vectors

Mechanism dex_channel_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(dex_channel_vectors::mechanism_name);
  mechanism.ops = dex_channel_vectors::ops();
  mechanism.cases = dex_channel_vectors::all_cases;
  mechanism.shared_states = [](Profile) { return std::vector<SharedState>{}; };
  mechanism.model = inv::dex_channel::registry_entry;
  mechanism.bench_prefix = "BM_dex_channel";
  return mechanism;
}

}  // namespace l2::vectors
