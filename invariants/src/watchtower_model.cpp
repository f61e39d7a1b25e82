// Z3 model of the watchtower's search (spec: watchtower.md#the-z3-model, #find_latest).
//
// The client co-signs a chain of states s_0 .. s_n (strictly increasing sequences) and files, for
// each i < n, the appointment (locator(c_i), seal(key(c_i), s_{i+1})), where c_i is its own
// signature of s_i. Signatures are abstract values, pairwise distinct (distinct states have
// distinct signatures); locator and key are injective functions of a signature (ground inverse
// instances), under different tags. A blob opens under a key exactly when it was sealed under that
// key (the AEAD's integrity), to the state sealed in it. The adversary knows every signature, so it
// can file appointments under any locator, sealed under any key, holding any state both
// participants co-signed (the chain's states: the client signs nothing else) or junk. A breach
// publishes any s_j, j < n, with both its signatures. find_latest's fixpoint is unrolled to the
// number of appointments, which bounds it. The claim: s_n is reached.
#include "l2/inv/watchtower_model.hpp"

#include <type_traits>

#include "l2/ref/schnorr.hpp"

namespace l2::inv::watchtower {

std::string_view weakening_name(Weakening weakening) {
  switch (weakening) {
    case Weakening::none: return "none";
    case Weakening::locator_duplicates_global: return "locator_duplicates_global";
  }
  return "unknown";
}

std::optional<Weakening> parse_weakening(std::string_view name) {
  return parse_weakening_name(name, all_weakenings, weakening_name);
}

Result<ref::watchtower::WatchtowerWorld, WatchtowerError> appoint(const ref::watchtower::WatchtowerWorld& world, const ref::watchtower::AppointInput& in,
                                                     const ref::watchtower::Env& env, Weakening weakening) {
  if (weakening == Weakening::locator_duplicates_global && ref::watchtower::find_user(world.tower, in.user) &&
      in.blob.size() == ref::watchtower::appointment_blob_size) {
    // The draft's WT-APPT-3: no appointment of any user holds this locator.
    for (const ref::watchtower::EncryptedAppointment& held : world.tower.appointments)
      if (held.locator == in.locator) return WatchtowerError::duplicate_locator;
  }
  return ref::watchtower::apply_appoint(world, in, env);
}

namespace {

using z3::expr;

constexpr unsigned chain_length = 3;        // s_0 .. s_3
constexpr unsigned adversary_filings = 3;

// The tower's appointments, in filing order: who filed, the locator, the key the blob was sealed
// under, and the state inside (an index into the chain), or junk that opens under no key.
struct Filing {
  expr present, locator, key, state, junk;
};

void assert_answers_with_latest_negation(z3::context& ctx, z3::solver& solver, bool claim, Weakening weakening) {
  const z3::sort bv64 = ctx.bv_sort(64);
  const z3::func_decl locator = ctx.function("locator", bv64, bv64);
  const z3::func_decl key = ctx.function("blob_key", bv64, bv64);
  const z3::func_decl locator_inverse = ctx.function("locator_inverse", bv64, bv64);
  const z3::func_decl key_inverse = ctx.function("blob_key_inverse", bv64, bv64);
  auto locator_of = [&](const expr& signature) {
    const expr l = locator(signature);
    solver.add(locator_inverse(l) == signature);
    return l;
  };
  auto key_of = [&](const expr& signature) {
    const expr k = key(signature);
    solver.add(key_inverse(k) == signature);
    return k;
  };

  // The chain: sequences strictly increasing; the client's and the counterparty's signatures of each
  // state, all distinct.
  std::vector<expr> sequence, client, counterparty;
  for (unsigned i = 0; i <= chain_length; ++i) {
    sequence.push_back(ctx.bv_const(("s" + std::to_string(i) + ".sequence").c_str(), 64));
    client.push_back(ctx.bv_const(("s" + std::to_string(i) + ".client_signature").c_str(), 64));
    counterparty.push_back(ctx.bv_const(("s" + std::to_string(i) + ".counterparty_signature").c_str(), 64));
    if (i > 0) solver.add(z3::ult(sequence[i - 1], sequence[i]));
  }
  z3::expr_vector signatures(ctx);
  for (unsigned i = 0; i <= chain_length; ++i) {
    signatures.push_back(client[i]);
    signatures.push_back(counterparty[i]);
  }
  solver.add(z3::distinct(signatures));

  // Filings: the adversary's, each either before all of the client's or after (the order that can
  // matter is whether it precedes the client's filing under the same locator), then the client's.
  std::vector<Filing> filings;
  std::vector<expr> adversary_first;
  for (unsigned j = 0; j < adversary_filings; ++j) {
    const std::string p = "adversary" + std::to_string(j);
    filings.push_back(Filing{ctx.bool_val(true), ctx.bv_const((p + ".locator").c_str(), 64),
                             ctx.bv_const((p + ".sealed_under").c_str(), 64), ctx.bv_const((p + ".state").c_str(), 8),
                             ctx.bool_const((p + ".junk").c_str())});
    solver.add(z3::ule(filings.back().state, ctx.bv_val(chain_length, 8)));
    adversary_first.push_back(ctx.bool_const((p + ".before_client").c_str()));
  }
  for (unsigned i = 0; i < chain_length; ++i) {
    const expr where = locator_of(client[i]);
    // WT-APPT-3: the client's filing is refused if it already holds this locator (never, it files
    // each once); in the draft, if anyone does.
    expr refused = ctx.bool_val(false);
    if (weakening == Weakening::locator_duplicates_global)
      for (unsigned j = 0; j < adversary_filings; ++j) refused = refused || (adversary_first[j] && filings[j].locator == where);
    filings.push_back(Filing{!refused, where, key_of(client[i]), ctx.bv_val(i + 1, 8), ctx.bool_val(false)});
  }

  // The breach: s_j published with both signatures.
  const expr published = ctx.bv_const("published", 8);
  solver.add(z3::ult(published, ctx.bv_val(chain_length, 8)));

  // find_latest as a fixpoint: reached[k] says s_k was reached. A filing connects s_x to s_y when
  // it is held, it sits under the locator of one of s_x's signatures, it was sealed under that
  // signature's key, it holds s_y, and s_y is newer than s_x.
  std::vector<std::array<expr, 2>> locators, keys;
  for (unsigned x = 0; x <= chain_length; ++x) {
    locators.push_back({locator_of(client[x]), locator_of(counterparty[x])});
    keys.push_back({key_of(client[x]), key_of(counterparty[x])});
  }
  // connects[x][y]: some held filing leads from s_x to s_y.
  std::vector<std::vector<expr>> connects(chain_length + 1);
  for (unsigned x = 0; x <= chain_length; ++x)
    for (unsigned y = 0; y <= chain_length; ++y) {
      expr via = ctx.bool_val(false);
      for (const Filing& f : filings)
        for (std::size_t k = 0; k < 2; ++k)
          via = via || (f.present && !f.junk && f.locator == locators[x][k] && f.key == keys[x][k] &&
                        f.state == ctx.bv_val(y, 8));
      connects[x].push_back(via && z3::ult(sequence[x], sequence[y]));
    }
  std::vector<expr> reached;
  for (unsigned k = 0; k <= chain_length; ++k) reached.push_back(published == ctx.bv_val(k, 8));
  for (std::size_t round = 0; round < filings.size(); ++round) {
    std::vector<expr> next = reached;
    for (unsigned y = 0; y <= chain_length; ++y)
      for (unsigned x = 0; x <= chain_length; ++x) next[y] = next[y] || (reached[x] && connects[x][y]);
    reached = next;
  }
  if (claim) {
    solver.add(!reached[chain_length]);
  } else {
    // The boundary: the counterparty files under the locator of the client's signature of the
    // published state, before the client's next filing.
    expr squats = ctx.bool_val(false);
    for (unsigned j = 0; j < adversary_filings; ++j)
      for (unsigned i = 0; i < chain_length; ++i)
        squats = squats || (published == ctx.bv_val(i, 8) && adversary_first[j] && filings[j].locator == locator_of(client[i]));
    solver.add(squats);
  }
}

// ---- The counterexample as a vector case (mechanism watchtower) ----

struct Keys {
  std::vector<Hash32> secret, pubkey;
  Keys(const Hash32& seed, u32 count) {
    for (u32 i = 0; i < count; ++i) {
      secret.push_back(ref::bip340::secret_from_seed(seed, i));
      pubkey.push_back(ref::bip340::pubkey_from_secret(secret.back()).value());
    }
  }
  ref::bip340::Signature sign(std::size_t who, const Hash32& digest) const {
    return ref::bip340::sign(secret[who], digest, Hash32{}).value();
  }
};

// The client (key 0, participant 0) co-signs s_0 (the opening) .. s_3 with the counterparty (key 1)
// and files its chain; the counterparty first files under the locator of the client's signature of
// s_1, then force-closes on s_1; the tower responds.
Counterexample realise_answers_with_latest(const std::string& id, const std::string& statement, Weakening weakening) {
  const std::string seed_text = "l2spec/prove/counterexample/" + id;
  const Hash32 seed = ref::sha256(std::span<const u8>(reinterpret_cast<const u8*>(seed_text.data()), seed_text.size()));
  const Keys keys(seed, 2);
  ref::watchtower::WatchtowerWorld world{};
  world.adjudicator = ref::payment_channel::deploy({1, ref::tagged_hash("L2/prove/adjudicator", seed), {2, 1000, 144, 1000, 1'000'000, 6, 100}}).value();
  world.tower.tower_id = ref::tagged_hash("L2/vectors/tower", seed);
  const ref::watchtower::WatchtowerWorld pre = world;
  const std::array<Hash32, 2> pair{keys.pubkey[0], keys.pubkey[1]};
  const Hash32 channel = ref::payment_channel::channel_id(1, world.adjudicator.adjudicator_id, pair, 0);
  std::vector<ref::payment_channel::OffChainTransaction> states;
  for (u64 sequence = 0; sequence <= chain_length; ++sequence) {
    const std::array<u64, 2> balances{6000 - 1000 * sequence, 4000 + 1000 * sequence};
    const Hash32 digest = ref::payment_channel::state_digest(1, channel, sequence, balances);
    states.push_back(ref::payment_channel::OffChainTransaction{channel, sequence, balances, {keys.sign(0, digest), keys.sign(1, digest)}});
  }
  CounterexampleTrace<ref::watchtower::Operations, ref::watchtower::WatchtowerWorld> trace{pre, {}};
  // A step of `Op` with the outcome `next` gives: the world after it, or the rejection.
  auto record = [&]<class Op, class E>(std::type_identity<Op>, u64 height, const typename Op::Input& input,
                                       const Result<ref::watchtower::WatchtowerWorld, E>& next) {
    if (next) {
      world = next.value();
      trace.add<Op>(height, input, world);
    } else {
      const ErrorInfo info = error_info(next.error());
      trace.add<Op>(height, input, Rejection{std::string(info.code), std::string(info.rule_id), std::string(info.summary)});
    }
  };
  // A payment-channel op on the world's adjudicator.
  auto lift = [&]<class ChannelOp>(std::type_identity<ChannelOp>, u64 height, const typename ChannelOp::Input& input) {
    using Op = ref::watchtower::OnWorldAdjudicator<ChannelOp>;
    record(std::type_identity<Op>{}, height, input, Op::apply(world, input, ref::payment_channel::Env{height}));
  };
  auto file = [&](std::size_t user, const Hash32& where, const Bytes& blob, u64 height) {
    const ref::watchtower::AppointInput in{keys.pubkey[user], where, blob,
                              keys.sign(user, ref::watchtower::appointment_digest(world.tower.tower_id, where, blob))};
    record(std::type_identity<ref::watchtower::Appoint>{}, height, in, appoint(world, in, ref::watchtower::Env{height}, weakening));
  };
  for (std::size_t user = 0; user < 2; ++user) {
    const ref::watchtower::RegisterUserInput in{keys.pubkey[user], 10};
    record(std::type_identity<ref::watchtower::RegisterUser>{}, 100, in, ref::watchtower::apply_register_user(world, in, ref::watchtower::Env{100}));
  }
  lift(std::type_identity<ref::payment_channel::Open>{}, 100, ref::payment_channel::OpenInput{pair, states[0].new_balances, 10000, 0, states[0].signatures});
  lift(std::type_identity<ref::payment_channel::Fund>{}, 101, ref::payment_channel::FundInput{channel, 10000});
  // The counterparty squats the locator of the client's signature of s_1 with a valid blob of s_1 itself.
  file(1, ref::watchtower::locator(states[1].signatures[0]), ref::watchtower::seal_blob(states[1].signatures[0], states[1]), 102);
  for (std::size_t i = 0; i < chain_length; ++i) {
    const ref::watchtower::ClientAppointment filed = ref::watchtower::appointment_for(states[i], 0, states[i + 1]);
    file(0, filed.locator, filed.blob, 103 + i);
  }
  lift(std::type_identity<ref::payment_channel::ForceClose>{}, 200, states[1]);
  const ref::watchtower::RespondInput respond{states[1]};
  record(std::type_identity<ref::watchtower::Respond>{}, 201, respond, ref::watchtower::apply_respond(world, respond, ref::watchtower::Env{201}));
  return Counterexample{id,
                        "counterexample to " + id + ": " + statement +
                            "; expected outcomes are the reference's with the rule weakening " +
                            std::string(weakening_name(weakening)),
                        {"WT-APPT-3", "WT-RESP-4"},
                        seed,
                        std::move(trace)};
}

}  // namespace

std::vector<Obligation> obligations(Weakening weakening) {
  std::vector<Obligation> list;
  list.push_back(make_obligation(
      "watchtower", "tower_answers_with_latest", "respond", Kind::bmc,
      "a chain of " + std::to_string(chain_length + 1) + " co-signed states and " + std::to_string(adversary_filings) +
          " filings by others under any locator, sealed under any key, holding any co-signed state or junk: from any "
          "published stale state, find_latest reaches the client's latest state",
      [weakening](z3::context& ctx, z3::solver& solver) { assert_answers_with_latest_negation(ctx, solver, true, weakening); }));
  list.back().assert_premise = [weakening](z3::context& ctx, z3::solver& solver) {
    assert_answers_with_latest_negation(ctx, solver, false, weakening);
  };
  list.back().premise =
      "a chain s_0..s_" + std::to_string(chain_length) +
      " of co-signed states with strictly increasing sequences and pairwise distinct signatures; the client's " +
      std::to_string(chain_length) + " filings (each s_{i+1} sealed under the key of its own signature of s_i, at that "
      "signature's locator) and " + std::to_string(adversary_filings) +
      " filings by others under any locator and key, holding any chain state or junk, each before or after the "
      "client's; any published s_j, j < " + std::to_string(chain_length) +
      "; locator and key injective functions of a signature" +
      (weakening == Weakening::none ? std::string()
                                    : "; with the rule weakening `" + std::string(weakening_name(weakening)) +
                                          "` (the client's filing refused when an earlier filing holds its locator)");
  list.back().witness = [weakening, id = list.back().id(),
                         statement = list.back().statement](const z3::model&) -> std::optional<Counterexample> {
    if (weakening == Weakening::none) return std::nullopt;
    return realise_answers_with_latest(id, statement, weakening);
  };
  return list;
}

ModelEntry registry_entry() {
  ModelEntry entry = model_entry("watchtower", all_weakenings, weakening_name, parse_weakening, obligations);
  return entry;
}

}  // namespace l2::inv::watchtower
