// Vectors for the lock adjudicator and the off-chain lock ops (spec: channel_network.md#locks,
// #on-chain-the-lock-adjudicator). On-chain cases start from a deployed adjudicator on chain 1
// whose id derives from the case seed, open a channel of keys 0 and 1 (capacity 10000, split
// 6000 / 4000, the vector terms) and go on from there; off-chain cases start from that channel's
// opening state as an OffChainChannel. Keys derive from the case seed; the reference signs at
// generation time. Heights are chosen so that every deadline and expiry is hit at -1, 0 and +1.
#include <array>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cases.hpp"
#include "l2/opt/channel_network_hub.hpp"
#include "l2/ref/channel_network.hpp"
#include "l2/vectors/payment_channel_scenario.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors::channel_network_vectors {

namespace cn = ref::channel_network;
using cn::ChannelTerms;
using cn::Lock;
using cn::LockCondition;
using cn::LockedState;
using cn::NetworkAdjudicator;
using cn::NetworkConfig;
using cn::OffChainChannel;

// ---- Op handlers, derived from the operations tables ----

// The optimized engine of the adjudicator's ops: the hub with locks, loaded with the step's
// pre-state and given the step as a stream of one item on the calling thread.
struct HubEngine {
  template <class Op>
  StepResult operator()(std::type_identity<Op>, const NetworkAdjudicator& state, const typename Op::Input& in,
                        u64 height) const {
    opt::channel_network::Hub hub(state, 1);
    const std::vector<opt::channel_network::NetworkItem> stream{opt::channel_network::NetworkItem::of<Op>(in, height)};
    const NetworkError error = hub.process(stream, 1).front();
    if (error != NetworkError::none) return StepResult{true, rejection(error)};
    const NetworkAdjudicator post = hub.to_adjudicator();
    return StepResult{true, Outcome::ok(codec::to_json(post), to_hex(cn::state_root(post)))};
  }
};

std::vector<OpHandler> adjudicator_ops() {
  std::vector<OpHandler> handlers;
  handlers.push_back(deploy_op<cn::DeployInput, NetworkAdjudicator, NetworkError>(
      cn::deploy, cn::state_root, {}, {}));
  const auto env_of = [](u64 height) { return cn::Env{height}; };
  for (OpHandler& handler : table_ops<cn::Operations, NetworkAdjudicator>(cn::state_root, env_of, HubEngine{}))
    handlers.push_back(std::move(handler));
  for (OpHandler& handler : table_ops<cn::OffChainOperations, OffChainChannel>(cn::off_chain_root, env_of))
    handlers.push_back(std::move(handler));
  return handlers;
}

// ---- The vectors' configuration and heights ----

constexpr u64 chain_id = 1;
// censorship 6, dispute 144, capacities 1000..1'000'000, dust 10, at most 30 locks per sender,
// min_cltv_delta 40, max_expiry_blocks 2016.
constexpr NetworkConfig config{6, 144, 1000, 1'000'000, 10, 30, 40, 2016};
// htlc_minimum 100, max_in_flight 5000, max_locks 5.
constexpr ChannelTerms terms{100, 5000, 5};
constexpr u64 capacity = 10000;
constexpr std::array<u64, 2> opening_balances{6000, 4000};
constexpr u64 open_height = 1000;
constexpr u64 force_height = 1100;
constexpr u64 deadline = force_height + 144;
constexpr u64 expiry = 1500;  // the usual lock expiry: after the dispute window ends

Hash32 adjudicator_id(const Hash32& seed) { return ref::tagged_hash("L2/vectors/adjudicator", seed); }

// A case's preimages: r_i = H_"L2/vectors/preimage"(seed || i).
Hash32 preimage(const Hash32& seed, u8 i) {
  Bytes data(seed.begin(), seed.end());
  data.push_back(i);
  return ref::tagged_hash("L2/vectors/preimage", data);
}
LockCondition hash_lock_of(const Hash32& r) { return cn::hash_lock(ref::sha256(r)); }
Hash32 scalar(u64 value) { return ref::secp256k1::to_be_bytes(ref::secp256k1::u256_from_u64(value)); }

// ---- On chain ----

class Chain {
 public:
  explicit Chain(CaseSpec& spec) : spec_(spec), keys_(spec.seed), adjudicator_id_(adjudicator_id(spec.seed)) {
    spec.pre_state = codec::to_json(NetworkAdjudicator{chain_id, adjudicator_id_, config, {}, {}});
  }

  const Hash32& pubkey(std::size_t i) const { return keys_.pubkey(i); }
  Hash32 id(std::size_t a = 0, std::size_t b = 1, u64 nonce = 0) const {
    return cn::channel_id(chain_id, adjudicator_id_, {pubkey(a), pubkey(b)}, nonce);
  }

  Chain& step(std::string op, u64 height, json input) {
    spec_.steps.push_back(Step{std::move(op), height, std::move(input)});
    return *this;
  }

  // The open of (a, b), signed by (signer_a, signer_b) over the open digest of `signed_terms`.
  cn::OpenInput open_input(std::array<u64, 2> balances = opening_balances, u64 total = capacity,
                           ChannelTerms open_terms = terms, std::size_t a = 0, std::size_t b = 1, u64 nonce = 0) const {
    const Hash32 digest = cn::open_digest(chain_id, id(a, b, nonce), open_terms, total, balances);
    return cn::OpenInput{{pubkey(a), pubkey(b)}, open_terms, balances, total, nonce, total,
                         {keys_.sign(a, digest), keys_.sign(b, digest)}};
  }
  Chain& open(const cn::OpenInput& in, u64 height = open_height) { return step("open", height, codec::to_json(in)); }
  Chain& open() { return open(open_input()); }
  Chain& open_between(std::size_t a, std::size_t b) { return open(open_input(opening_balances, capacity, terms, a, b)); }

  // `state` of the channel (a, b), co-signed.
  cn::StateInput cosigned(const LockedState& state, std::size_t a = 0, std::size_t b = 1, u64 signed_chain = chain_id) const {
    const Hash32 digest = cn::state_digest(signed_chain, id(a, b), state);
    return cn::StateInput{id(a, b), state, {keys_.sign(a, digest), keys_.sign(b, digest)}};
  }
  Chain& update(const cn::StateInput& in, u64 height = open_height + 1) { return step("update", height, codec::to_json(in)); }
  Chain& force_close(const cn::StateInput& in, u64 height = force_height) { return step("force_close", height, codec::to_json(in)); }
  Chain& challenge(const cn::StateInput& in, u64 height) { return step("challenge", height, codec::to_json(in)); }
  Chain& settle(u64 height = deadline, std::size_t a = 0, std::size_t b = 1) {
    return step("settle", height, codec::to_json(cn::ChannelRef{id(a, b)}));
  }
  cn::CloseInput closing(u64 sequence, std::array<u64, 2> balances) const {
    const Hash32 digest = cn::close_digest(chain_id, id(), sequence, balances);
    return cn::CloseInput{id(), sequence, balances, {keys_.sign(0, digest), keys_.sign(1, digest)}};
  }
  Chain& cooperative_close(const cn::CloseInput& in, u64 height = open_height + 2) {
    return step("cooperative_close", height, codec::to_json(in));
  }
  Chain& reveal(const LockCondition& condition, const Hash32& secret, u64 height) {
    return step("reveal_secret", height, codec::to_json(cn::RevealInput{condition, secret}));
  }
  Chain& resolve(u64 lock_id, u64 height, std::size_t a = 0, std::size_t b = 1) {
    return step("resolve_lock", height, codec::to_json(cn::ResolveInput{id(a, b), lock_id}));
  }

  const Hash32& seed() const { return spec_.seed; }

  // The pre-state taken as it stands: the channel of keys 0 and 1 settled on `state`, which no op
  // could have registered if it breaks CN-STATE-1 to 4.
  Chain& load_settled(const LockedState& state) {
    const cn::LockedChannel channel{id(), {pubkey(0), pubkey(1)}, terms, capacity, cn::ChannelPhase::settled, state, deadline};
    spec_.pre_state = codec::to_json(NetworkAdjudicator{chain_id, adjudicator_id_, config, {channel}, {}});
    return *this;
  }

 private:
  CaseSpec& spec_;
  payment_channel_scenario::Keys<5> keys_;
  Hash32 adjudicator_id_;
};

// The opening state with locks of `amounts` offered by `sender` under `condition`, each until
// `lock_expiry`, at sequence = the number of locks, as add_lock builds them.
LockedState with_locks(const LockCondition& condition, std::vector<u64> amounts, u8 sender = 0, u64 lock_expiry = expiry) {
  OffChainChannel channel{config, Hash32{}, capacity, terms, LockedState{0, opening_balances, {}, 0}};
  for (const u64 amount : amounts)
    channel = cn::apply_add_lock(channel, cn::AddLockInput{sender, amount, condition, lock_expiry}, cn::Env{open_height}).value();
  return channel.state;
}
LockedState one_lock(const LockCondition& condition, u64 lock_expiry = expiry) {
  return with_locks(condition, {1000}, 0, lock_expiry);
}
// The state after `state` with lock 0 fulfilled by `secret`, or failed.
LockedState fulfilled(const LockedState& state, const Hash32& secret) {
  return cn::apply_fulfill_lock(OffChainChannel{config, Hash32{}, capacity, terms, state}, cn::FulfillLockInput{0, secret},
                                cn::Env{open_height})
      .value()
      .state;
}
LockedState failed(const LockedState& state) {
  return cn::apply_fail_lock(OffChainChannel{config, Hash32{}, capacity, terms, state}, cn::FailLockInput{0}, cn::Env{open_height})
      .value()
      .state;
}

const std::vector<std::string> state_rules = {"CN-STATE-1", "CN-STATE-2", "CN-STATE-3", "CN-STATE-4"};
std::vector<std::string> with(std::vector<std::string> rules, const std::vector<std::string>& more) {
  rules.insert(rules.end(), more.begin(), more.end());
  return rules;
}

void deploy_cases(CaseBook& cases) {
  const auto deploy = [&](std::string name, std::string description, std::vector<std::string> rules, NetworkConfig c) {
    CaseSpec& spec = cases.add("deploy", std::move(name), std::move(description), std::move(rules));
    spec.steps.push_back(Step{"deploy", 1, codec::to_json(cn::DeployInput{chain_id, adjudicator_id(spec.seed), c})});
  };
  const std::vector<std::string> all = {"CN-DEPLOY-1", "CN-DEPLOY-2", "CN-DEPLOY-3", "CN-DEPLOY-4",
                                        "CN-DEPLOY-5", "CN-DEPLOY-6", "CN-DEPLOY-7"};
  deploy("basic", "the vectors' configuration", all, config);
  NetworkConfig c = config;
  c.censorship_bound_blocks = 0;
  deploy("invalid_censorship_bound_zero", "censorship_bound_blocks 0", {"CN-DEPLOY-1"}, c);
  deploy("censorship_bound_one", "censorship_bound_blocks 1, everything above it by one",
         all, NetworkConfig{1, 2, 1, 1, 1, 1, 2, 2});
  c = config;
  c.dispute_period_blocks = 6;
  deploy("invalid_dispute_period_at_bound", "dispute_period_blocks equal to censorship_bound_blocks (6)", {"CN-DEPLOY-2"}, c);
  c.dispute_period_blocks = 7;
  deploy("dispute_period_one_above_bound", "dispute_period_blocks 7, one above the censorship bound", {"CN-DEPLOY-2"}, c);
  c = config;
  c.min_channel_capacity = 0;
  deploy("invalid_min_capacity_zero", "min_channel_capacity 0", {"CN-DEPLOY-3"}, c);
  c.min_channel_capacity = c.max_channel_capacity + 1;
  deploy("invalid_min_capacity_above_max", "min_channel_capacity one above max_channel_capacity", {"CN-DEPLOY-3"}, c);
  c.min_channel_capacity = c.max_channel_capacity;
  deploy("min_capacity_equal_to_max", "min_channel_capacity equal to max_channel_capacity", {"CN-DEPLOY-3"}, c);
  c = config;
  c.dust_limit = 0;
  deploy("invalid_dust_limit_zero", "dust_limit 0", {"CN-DEPLOY-4"}, c);
  c.dust_limit = 1;
  deploy("dust_limit_one", "dust_limit 1", {"CN-DEPLOY-4"}, c);
  c = config;
  c.max_locks_limit = 0;
  deploy("invalid_lock_limit_zero", "max_locks_limit 0", {"CN-DEPLOY-5"}, c);
  c.max_locks_limit = 483;
  deploy("lock_limit_483", "max_locks_limit 483, BOLT 2's bound", {"CN-DEPLOY-5"}, c);
  c.max_locks_limit = 484;
  deploy("invalid_lock_limit_484", "max_locks_limit 484, one above BOLT 2's bound", {"CN-DEPLOY-5"}, c);
  c = config;
  c.min_cltv_delta = 6;
  deploy("invalid_cltv_delta_at_bound", "min_cltv_delta equal to censorship_bound_blocks (6)", {"CN-DEPLOY-6"}, c);
  c.min_cltv_delta = 7;
  deploy("cltv_delta_one_above_bound", "min_cltv_delta 7, one above the censorship bound", {"CN-DEPLOY-6"}, c);
  c = config;
  c.max_expiry_blocks = 6;
  deploy("invalid_max_expiry_at_bound", "max_expiry_blocks equal to censorship_bound_blocks (6)", {"CN-DEPLOY-7"}, c);
  c.max_expiry_blocks = 7;
  deploy("max_expiry_one_above_bound", "max_expiry_blocks 7", {"CN-DEPLOY-7"}, c);
  c.max_expiry_blocks = (u64{1} << 32) - 1;
  deploy("max_expiry_below_two_to_the_32", "max_expiry_blocks 2^32 - 1", {"CN-DEPLOY-7"}, c);
  c.max_expiry_blocks = u64{1} << 32;
  deploy("invalid_max_expiry_two_to_the_32", "max_expiry_blocks 2^32", {"CN-DEPLOY-7"}, c);
}

void open_cases(CaseBook& cases) {
  const std::vector<std::string> all = {"CN-OPEN-1", "CN-OPEN-2", "CN-OPEN-3", "CN-OPEN-4", "CN-OPEN-5",
                                        "CN-OPEN-6", "CN-OPEN-7", "CN-OPEN-8", "CN-SIG-1", "CN-SIG-2"};
  Chain(cases.add("open", "basic", "keys 0 and 1 open 10000 split 6000 / 4000 under the vector terms", all)).open();
  {
    Chain s(cases.add("open", "invalid_same_participants", "both participants are key 0", {"CN-OPEN-1"}));
    cn::OpenInput in = s.open_input();
    in.participants[1] = in.participants[0];
    s.open(in);
  }
  {
    Chain s(cases.add("open", "capacity_at_minimum", "total_capacity 1000, min_channel_capacity", {"CN-OPEN-2"}));
    s.open(s.open_input({1000, 0}, 1000));
  }
  {
    Chain s(cases.add("open", "invalid_capacity_below_minimum", "total_capacity 999", {"CN-OPEN-2"}));
    s.open(s.open_input({999, 0}, 999));
  }
  {
    Chain s(cases.add("open", "capacity_at_maximum", "total_capacity 1000000, max_channel_capacity", {"CN-OPEN-3"}));
    s.open(s.open_input({1'000'000, 0}, 1'000'000));
  }
  {
    Chain s(cases.add("open", "invalid_capacity_above_maximum", "total_capacity 1000001", {"CN-OPEN-3"}));
    s.open(s.open_input({1'000'001, 0}, 1'000'001));
  }
  for (const auto& [name, value] : {std::pair<std::string, u64>{"invalid_value_one_short", capacity - 1},
                                    std::pair<std::string, u64>{"invalid_value_one_over", capacity + 1}}) {
    Chain s(cases.add("open", name, "the value paid in differs from total_capacity by one", {"CN-OPEN-4"}));
    cn::OpenInput in = s.open_input();
    in.value = value;
    s.open(in);
  }
  {
    Chain s(cases.add("open", "htlc_minimum_at_dust", "terms.htlc_minimum 10, the dust limit", {"CN-OPEN-5"}));
    s.open(s.open_input(opening_balances, capacity, ChannelTerms{10, 5000, 5}));
  }
  {
    Chain s(cases.add("open", "invalid_htlc_minimum_below_dust", "terms.htlc_minimum 9", {"CN-OPEN-5"}));
    s.open(s.open_input(opening_balances, capacity, ChannelTerms{9, 5000, 5}));
  }
  for (const auto& [name, locks] : {std::pair<std::string, u64>{"invalid_max_locks_zero", 0}, {"max_locks_one", 1},
                                     {"max_locks_at_limit", 30}, {"invalid_max_locks_above_limit", 31}}) {
    Chain s(cases.add("open", name, "terms.max_locks " + std::to_string(locks) + " (max_locks_limit 30)", {"CN-OPEN-6"}));
    s.open(s.open_input(opening_balances, capacity, ChannelTerms{100, 5000, locks}));
  }
  {
    Chain s(cases.add("open", "invalid_balances_one_short", "balances sum to 9999", {"CN-OPEN-7"}));
    s.open(s.open_input({6000, 3999}));
  }
  {
    Chain s(cases.add("open", "invalid_balances_one_over", "balances sum to 10001", {"CN-OPEN-7"}));
    s.open(s.open_input({6000, 4001}));
  }
  {
    Chain s(cases.add("open", "invalid_balances_overflow", "balances UINT64_MAX and 10001 wrap to 10000", {"CN-OPEN-7"}));
    s.open(s.open_input({u64_max, 10001}));
  }
  {
    Chain s(cases.add("open", "invalid_duplicate", "the same open twice", {"CN-OPEN-8"}));
    s.open().open();
  }
  {
    Chain s(cases.add("open", "second_nonce", "the same pair opens a second channel with nonce 1", {"CN-OPEN-8"}));
    s.open().open(s.open_input(opening_balances, capacity, terms, 0, 1, 1));
  }
  {
    Chain s(cases.add("open", "invalid_signature_0_by_outsider", "key 2 signs in place of participant 0", {"CN-SIG-1"}));
    cn::OpenInput in = s.open_input();
    in.signatures[0] = s.open_input(opening_balances, capacity, terms, 2, 1).signatures[0];
    s.open(in);
  }
  {
    Chain s(cases.add("open", "invalid_signature_1_swapped", "participant 1's signature is participant 0's", {"CN-SIG-2"}));
    cn::OpenInput in = s.open_input();
    in.signatures[1] = in.signatures[0];
    s.open(in);
  }
  {
    Chain s(cases.add("open", "invalid_terms_not_signed", "max_in_flight raised after both signed", {"CN-SIG-1"}));
    cn::OpenInput in = s.open_input();
    in.terms.max_in_flight += 1;
    s.open(in);
  }
}

void update_cases(CaseBook& cases) {
  const Hash32 r{};
  {
    Chain s(cases.add("update", "basic", "a co-signed state with one hash lock of 1000 from participant 0",
                      with({"CN-CHAN-1", "CN-UPD-1", "CN-UPD-2", "CN-SIG-1", "CN-SIG-2"}, state_rules)));
    s.open().update(s.cosigned(one_lock(hash_lock_of(preimage(s.seed(), 0)))));
  }
  {
    Chain s(cases.add("update", "point_lock", "a co-signed state with one point lock", {"CN-STATE-3"}));
    s.open().update(s.cosigned(one_lock(cn::point_lock(scalar(7)).value())));
  }
  {
    Chain s(cases.add("update", "invalid_unknown_channel", "an update naming no registered channel", {"CN-CHAN-1"}));
    cn::StateInput in = s.cosigned(LockedState{1, opening_balances, {}, 0});
    in.channel_id[0] ^= 1;
    s.open().update(in);
  }
  {
    Chain s(cases.add("update", "invalid_equal_sequence", "the registered sequence 1 again", {"CN-UPD-2"}));
    const LockedState state = one_lock(hash_lock_of(preimage(s.seed(), 0)));
    s.open().update(s.cosigned(state)).update(s.cosigned(state));
  }
  {
    Chain s(cases.add("update", "invalid_while_disputing", "an update after a force-close", {"CN-UPD-1"}));
    const LockedState state = one_lock(hash_lock_of(preimage(s.seed(), 0)));
    s.open().force_close(s.cosigned(state)).update(s.cosigned(failed(state)), force_height + 1);
  }
  const auto broken = [&](std::string name, std::string description, std::string rule, auto mutate) {
    Chain s(cases.add("update", std::move(name), std::move(description), {std::move(rule)}));
    LockedState state = one_lock(hash_lock_of(preimage(s.seed(), 0)));
    mutate(state);
    s.open().update(s.cosigned(state));
  };
  broken("invalid_conservation_one_short", "balances and locks sum to 9999", "CN-STATE-1",
         [](LockedState& st) { st.balances[1] -= 1; });
  broken("invalid_conservation_one_over", "balances and locks sum to 10001", "CN-STATE-1",
         [](LockedState& st) { st.balances[1] += 1; });
  broken("invalid_conservation_overflow", "a lock of 2^64 - 1 wraps the sum to 10000", "CN-STATE-1",
         [](LockedState& st) {
           st.locks[0].amount = u64_max;
           st.balances = {5000, 5001};  // 10001 + 2^64 - 1 wraps to 10000
         });
  broken("invalid_lock_id_not_below_next", "lock id 0 with next_lock_id 0", "CN-STATE-2",
         [](LockedState& st) { st.next_lock_id = 0; });
  broken("invalid_lock_ids_repeated", "two locks with id 0", "CN-STATE-2", [](LockedState& st) {
    st.locks.push_back(st.locks[0]);
    st.balances[0] -= 1000;
  });
  broken("invalid_lock_sender_two", "a lock whose sender is 2", "CN-STATE-3", [](LockedState& st) { st.locks[0].sender = 2; });
  broken("invalid_lock_condition_prefix", "a lock whose condition starts 04", "CN-STATE-3",
         [](LockedState& st) { st.locks[0].condition[0] = 0x04; });
  {
    Chain s(cases.add("update", "locks_at_max_locks", "participant 0 has 5 locks, terms.max_locks", {"CN-STATE-4"}));
    s.open().update(s.cosigned(with_locks(hash_lock_of(r), {100, 100, 100, 100, 100})));
  }
  {
    Chain s(cases.add("update", "participant_1_locks_at_max_locks",
                      "participant 1 has 5 locks, terms.max_locks, beside one of participant 0's",
                      {"CN-STATE-3", "CN-STATE-4"}));
    LockedState state = with_locks(hash_lock_of(r), {100, 100, 100, 100, 100}, 1);
    state = cn::apply_add_lock(OffChainChannel{config, Hash32{}, capacity, terms, state},
                               cn::AddLockInput{0, 100, hash_lock_of(r), expiry}, cn::Env{open_height})
                .value()
                .state;
    s.open().update(s.cosigned(state));
  }
  broken("invalid_locks_above_max_locks", "participant 0 has 6 locks, one above terms.max_locks", "CN-STATE-4",
         [&](LockedState& st) {
           st = with_locks(hash_lock_of(r), {100, 100, 100, 100, 100});
           st.locks.push_back(Lock{5, 0, 100, hash_lock_of(r), expiry});
           st.next_lock_id = 6;
           st.balances[0] -= 100;
         });
  {
    Chain s(cases.add("update", "invalid_signature_1_forged", "participant 1's signature is key 2's", {"CN-SIG-2"}));
    const LockedState state = one_lock(hash_lock_of(preimage(s.seed(), 0)));
    cn::StateInput in = s.cosigned(state);
    in.signatures[1] = s.cosigned(state, 0, 2).signatures[1];
    s.open().update(in);
  }
  {
    Chain s(cases.add("update", "invalid_signed_for_another_chain", "both signed the state for chain 2", {"CN-SIG-1"}));
    s.open().update(s.cosigned(one_lock(hash_lock_of(preimage(s.seed(), 0))), 0, 1, 2));
  }
}

void close_cases(CaseBook& cases) {
  const std::vector<std::string> coop = {"CN-CHAN-1", "CN-COOP-1", "CN-COOP-2", "CN-COOP-3", "CN-SIG-1", "CN-SIG-2"};
  {
    Chain s(cases.add("cooperative_close", "basic", "both close at sequence 1 with 7000 / 3000", coop));
    s.open().cooperative_close(s.closing(1, {7000, 3000}));
  }
  {
    Chain s(cases.add("cooperative_close", "while_disputing", "a close after a force-close with a pending lock",
                      {"CN-COOP-1"}));
    s.open().force_close(s.cosigned(one_lock(hash_lock_of(preimage(s.seed(), 0))))).cooperative_close(s.closing(2, {5500, 4500}),
                                                                                                      force_height + 1);
  }
  {
    Chain s(cases.add("cooperative_close", "invalid_after_settled", "a second close of a settled channel", {"CN-COOP-1"}));
    s.open().cooperative_close(s.closing(1, {7000, 3000})).cooperative_close(s.closing(2, {7000, 3000}));
  }
  {
    Chain s(cases.add("cooperative_close", "invalid_equal_sequence", "a close at the registered sequence 0", {"CN-COOP-2"}));
    s.open().cooperative_close(s.closing(0, {7000, 3000}));
  }
  {
    Chain s(cases.add("cooperative_close", "invalid_balances_one_short", "closing balances sum to 9999", {"CN-COOP-3"}));
    s.open().cooperative_close(s.closing(1, {7000, 2999}));
  }
  {
    Chain s(cases.add("cooperative_close", "invalid_state_signatures_as_close",
                      "the signatures of a co-signed state (another tag) offered as a close", {"CN-SIG-1"}));
    cn::CloseInput in = s.closing(1, opening_balances);
    in.signatures = s.cosigned(LockedState{1, opening_balances, {}, 0}).signatures;
    s.open().cooperative_close(in);
  }
  {
    Chain s(cases.add("cooperative_close", "invalid_unknown_channel", "a close naming no registered channel", {"CN-CHAN-1"}));
    cn::CloseInput in = s.closing(1, {7000, 3000});
    in.channel_id[0] ^= 1;
    s.open().cooperative_close(in);
  }
  const std::vector<std::string> force = with({"CN-FORCE-1", "CN-FORCE-2", "CN-SIG-1", "CN-SIG-2"}, state_rules);
  {
    Chain s(cases.add("force_close", "invalid_unknown_channel", "a force-close naming no registered channel", {"CN-CHAN-1"}));
    cn::StateInput in = s.cosigned(one_lock(hash_lock_of(preimage(s.seed(), 0))));
    in.channel_id[0] ^= 1;
    s.open().force_close(in);
  }
  {
    Chain s(cases.add("challenge", "invalid_unknown_channel", "a challenge naming no registered channel", {"CN-CHAN-1"}));
    const LockedState state = one_lock(hash_lock_of(preimage(s.seed(), 0)));
    cn::StateInput in = s.cosigned(failed(state));
    in.channel_id[0] ^= 1;
    s.open().force_close(s.cosigned(state)).challenge(in, force_height + 1);
  }
  {
    Chain s(cases.add("force_close", "basic", "a force-close with one pending hash lock", force));
    s.open().force_close(s.cosigned(one_lock(hash_lock_of(preimage(s.seed(), 0)))));
  }
  {
    Chain s(cases.add("force_close", "at_registered_sequence", "a force-close on the registered sequence 1", {"CN-FORCE-2"}));
    const LockedState state = one_lock(hash_lock_of(preimage(s.seed(), 0)));
    s.open().update(s.cosigned(state)).force_close(s.cosigned(state));
  }
  {
    Chain s(cases.add("force_close", "invalid_below_registered_sequence",
                      "sequence 2 registered, a force-close on sequence 1", {"CN-FORCE-2"}));
    const LockedState state = one_lock(hash_lock_of(preimage(s.seed(), 0)));
    s.open().update(s.cosigned(failed(state))).force_close(s.cosigned(state));
  }
  {
    Chain s(cases.add("force_close", "invalid_while_disputing", "a second force-close", {"CN-FORCE-1"}));
    const LockedState state = one_lock(hash_lock_of(preimage(s.seed(), 0)));
    s.open().force_close(s.cosigned(state)).force_close(s.cosigned(failed(state)), force_height + 1);
  }
  {
    Chain s(cases.add("challenge", "one_block_before_deadline", "a newer state at deadline - 1",
                      with({"CN-CHAL-1", "CN-CHAL-2", "CN-CHAL-3", "CN-SIG-1", "CN-SIG-2"}, state_rules)));
    const LockedState state = one_lock(hash_lock_of(preimage(s.seed(), 0)));
    s.open().force_close(s.cosigned(state)).challenge(s.cosigned(failed(state)), deadline - 1);
  }
  for (const auto& [name, height] : {std::pair<std::string, u64>{"invalid_at_deadline", deadline},
                                     std::pair<std::string, u64>{"invalid_one_after_deadline", deadline + 1}}) {
    Chain s(cases.add("challenge", name, "a newer state at height " + std::to_string(height) + " (deadline " +
                                             std::to_string(deadline) + ")", {"CN-CHAL-2"}));
    const LockedState state = one_lock(hash_lock_of(preimage(s.seed(), 0)));
    s.open().force_close(s.cosigned(state)).challenge(s.cosigned(failed(state)), height);
  }
  {
    Chain s(cases.add("challenge", "invalid_equal_sequence", "the disputed state itself", {"CN-CHAL-3"}));
    const LockedState state = one_lock(hash_lock_of(preimage(s.seed(), 0)));
    s.open().force_close(s.cosigned(state)).challenge(s.cosigned(state), force_height + 1);
  }
  {
    Chain s(cases.add("challenge", "invalid_not_disputing", "a challenge of an active channel", {"CN-CHAL-1"}));
    s.open().challenge(s.cosigned(one_lock(hash_lock_of(preimage(s.seed(), 0)))), force_height);
  }
  for (const auto& [name, height, rules] :
       {std::tuple<std::string, u64, std::vector<std::string>>{"at_deadline", deadline, {"CN-SETTLE-1", "CN-SETTLE-2"}},
        {"one_after_deadline", deadline + 1, {"CN-SETTLE-2"}},
        {"invalid_one_before_deadline", deadline - 1, {"CN-SETTLE-2"}}}) {
    Chain s(cases.add("settle", name, "settle at height " + std::to_string(height) + " (deadline " + std::to_string(deadline) + ")",
                      rules));
    s.open().force_close(s.cosigned(one_lock(hash_lock_of(preimage(s.seed(), 0))))).settle(height);
  }
  {
    Chain s(cases.add("settle", "invalid_not_disputing", "settle an active channel", {"CN-SETTLE-1"}));
    s.open().settle();
  }
  {
    Chain s(cases.add("settle", "invalid_unknown_channel", "settle a channel never opened", {"CN-CHAN-1"}));
    s.settle();
  }
}

void registry_cases(CaseBook& cases) {
  const std::vector<std::string> all = {"CN-REVEAL-1", "CN-REVEAL-2", "CN-REVEAL-3"};
  {
    Chain s(cases.add("reveal_secret", "hash_lock", "the preimage of a payment hash", all));
    const Hash32 r = preimage(s.seed(), 0);
    s.reveal(hash_lock_of(r), r, open_height);
  }
  {
    Chain s(cases.add("reveal_secret", "point_lock", "the discrete log of a point lock", all));
    s.reveal(cn::point_lock(scalar(12345)).value(), scalar(12345), open_height);
  }
  {
    Chain s(cases.add("reveal_secret", "point_lock_at_n_minus_one", "t = n - 1, the largest scalar", {"CN-REVEAL-2"}));
    const Hash32 t = ref::secp256k1::to_be_bytes(ref::secp256k1::scalar_negate(ref::secp256k1::u256_from_u64(1)));
    s.reveal(cn::point_lock(t).value(), t, open_height);
  }
  {
    Chain s(cases.add("reveal_secret", "invalid_condition_prefix_01", "a condition starting 01", {"CN-REVEAL-1"}));
    LockCondition condition = hash_lock_of(preimage(s.seed(), 0));
    condition[0] = 0x01;
    s.reveal(condition, preimage(s.seed(), 0), open_height);
  }
  {
    Chain s(cases.add("reveal_secret", "invalid_wrong_preimage", "another preimage", {"CN-REVEAL-2"}));
    s.reveal(hash_lock_of(preimage(s.seed(), 0)), preimage(s.seed(), 1), open_height);
  }
  {
    Chain s(cases.add("reveal_secret", "invalid_point_secret_n", "the scalar n for the point of 1 (n mod n = 0)", {"CN-REVEAL-2"}));
    s.reveal(cn::point_lock(scalar(1)).value(), ref::secp256k1::to_be_bytes(ref::secp256k1::group_order), open_height);
  }
  {
    Chain s(cases.add("reveal_secret", "invalid_duplicate", "the same revelation a block later", {"CN-REVEAL-3"}));
    const Hash32 r = preimage(s.seed(), 0);
    s.reveal(hash_lock_of(r), r, open_height).reveal(hash_lock_of(r), r, open_height + 1);
  }

  // resolve_lock: a channel force-closed with one lock of 1000 from participant 0 until `expiry`
  // and settled at the deadline.
  const auto settled = [&](std::string name, std::string description, std::vector<std::string> rules) {
    Chain s(cases.add("resolve_lock", std::move(name), std::move(description), std::move(rules)));
    s.open().force_close(s.cosigned(one_lock(hash_lock_of(preimage(s.seed(), 0))))).settle();
    return s;
  };
  {
    Chain s = settled("claimed_revealed_one_before_expiry", "revealed at expiry - 1: participant 1 is paid",
                      {"CN-RESOLVE-1", "CN-RESOLVE-2", "CN-RESOLVE-3"});
    s.reveal(hash_lock_of(preimage(s.seed(), 0)), preimage(s.seed(), 0), expiry - 1).resolve(0, expiry + 10);
  }
  {
    Chain s = settled("refunded_when_revealed_at_expiry", "revealed at the expiry itself: too late, refunded to participant 0",
                      {"CN-RESOLVE-3"});
    s.reveal(hash_lock_of(preimage(s.seed(), 0)), preimage(s.seed(), 0), expiry).resolve(0, expiry);
  }
  {
    Chain s = settled("refunded_at_expiry", "never revealed: refunded at the expiry", {"CN-RESOLVE-3"});
    s.resolve(0, expiry);
  }
  {
    Chain s = settled("refunded_one_after_expiry", "never revealed: refunded at expiry + 1", {"CN-RESOLVE-3"});
    s.resolve(0, expiry + 1);
  }
  {
    Chain s = settled("invalid_pending_one_before_expiry", "never revealed, resolved at expiry - 1", {"CN-RESOLVE-3"});
    s.resolve(0, expiry - 1);
  }
  {
    Chain s = settled("invalid_unknown_channel", "a resolve naming no registered channel", {"CN-CHAN-1"});
    s.step("resolve_lock", expiry, codec::to_json(cn::ResolveInput{Hash32{}, 0}));
  }
  {
    Chain s = settled("invalid_unknown_lock", "lock id 1 does not exist", {"CN-RESOLVE-2"});
    s.resolve(1, expiry);
  }
  {
    Chain s = settled("invalid_resolved_twice", "the refunded lock again", {"CN-RESOLVE-2"});
    s.resolve(0, expiry).resolve(0, expiry + 1);
  }
  {
    Chain s(cases.add("resolve_lock", "invalid_loaded_lock_sender_two",
                      "a settled state taken as it stands, its lock's sender 2: checked again before any payout",
                      {"CN-STATE-3"}));
    LockedState state = one_lock(hash_lock_of(preimage(s.seed(), 0)));
    state.locks[0].sender = 2;
    s.load_settled(state).resolve(0, expiry);
  }
  {
    Chain s(cases.add("resolve_lock", "invalid_loaded_state_overfull",
                      "a settled state taken as it stands, its balances and lock 1 over the capacity", {"CN-STATE-1"}));
    LockedState state = one_lock(hash_lock_of(preimage(s.seed(), 0)));
    state.balances[1] = u64_max;
    s.load_settled(state).resolve(0, expiry);
  }
  {
    Chain s(cases.add("resolve_lock", "invalid_not_settled", "a lock of a disputing channel", {"CN-RESOLVE-1"}));
    s.open().force_close(s.cosigned(one_lock(hash_lock_of(preimage(s.seed(), 0))))).resolve(0, expiry);
  }
}

// ---- Off chain ----

class OffChain {
 public:
  OffChain(CaseSpec& spec, LockedState state = LockedState{0, opening_balances, {}, 0}, ChannelTerms channel_terms = terms)
      : spec_(spec) {
    spec.pre_state = codec::to_json(OffChainChannel{config, ref::tagged_hash("L2/vectors/channel", spec.seed), capacity,
                                                    channel_terms, std::move(state)});
  }
  OffChain& add(u8 sender, u64 amount, const LockCondition& condition, u64 lock_expiry = expiry, u64 height = open_height) {
    spec_.steps.push_back(Step{"add_lock", height, codec::to_json(cn::AddLockInput{sender, amount, condition, lock_expiry})});
    return *this;
  }
  OffChain& fulfill(u64 lock_id, const Hash32& secret, u64 height) {
    spec_.steps.push_back(Step{"fulfill_lock", height, codec::to_json(cn::FulfillLockInput{lock_id, secret})});
    return *this;
  }
  OffChain& fail(u64 lock_id, u64 height = open_height) {
    spec_.steps.push_back(Step{"fail_lock", height, codec::to_json(cn::FailLockInput{lock_id})});
    return *this;
  }
  const Hash32& seed() const { return spec_.seed; }

 private:
  CaseSpec& spec_;
};

void off_chain_cases(CaseBook& cases) {
  const std::vector<std::string> add_rules = {"CN-OFF-1", "CN-ADD-1", "CN-ADD-2", "CN-ADD-3", "CN-ADD-4",
                                              "CN-ADD-5", "CN-ADD-6", "CN-ADD-7", "CN-ADD-8", "CN-ADD-9", "CN-ADD-10"};
  {
    OffChain s(cases.add("add_lock", "basic", "participant 0 offers 1000 under a payment hash until 1500", with(add_rules, state_rules)));
    s.add(0, 1000, hash_lock_of(preimage(s.seed(), 0)));
  }
  {
    OffChain s(cases.add("add_lock", "point_lock", "participant 1 offers 500 under a point lock", {"CN-ADD-2"}));
    s.add(1, 500, cn::point_lock(scalar(99)).value());
  }
  const auto one = [&](std::string name, std::string description, std::string rule, u8 sender, u64 amount,
                       LockCondition condition, u64 lock_expiry, ChannelTerms channel_terms = terms,
                       LockedState state = LockedState{0, opening_balances, {}, 0}) {
    OffChain s(cases.add("add_lock", std::move(name), std::move(description), {std::move(rule)}), std::move(state), channel_terms);
    s.add(sender, amount, condition, lock_expiry);
  };
  const LockCondition h = hash_lock_of(Hash32{});
  LockCondition bad = h;
  bad[0] = 0x04;
  one("invalid_sender_two", "sender 2", "CN-ADD-1", 2, 1000, h, expiry);
  one("invalid_condition_prefix_04", "a condition starting 04", "CN-ADD-2", 0, 1000, bad, expiry);
  one("amount_at_dust", "amount 10, the dust limit, where htlc_minimum is 10 too", "CN-ADD-3", 0, 10, h, expiry,
      ChannelTerms{10, 5000, 5});
  one("invalid_amount_below_dust", "amount 9", "CN-ADD-3", 0, 9, h, expiry, ChannelTerms{10, 5000, 5});
  one("amount_at_htlc_minimum", "amount 100, terms.htlc_minimum", "CN-ADD-4", 0, 100, h, expiry);
  one("invalid_amount_below_htlc_minimum", "amount 99", "CN-ADD-4", 0, 99, h, expiry);
  one("whole_balance", "participant 1 offers its whole 4000", "CN-ADD-5", 1, 4000, h, expiry);
  one("invalid_amount_above_balance", "participant 1 offers 4001 of its 4000", "CN-ADD-5", 1, 4001, h, expiry,
      ChannelTerms{100, 10000, 5});
  one("fifth_lock", "participant 0's fifth lock, terms.max_locks", "CN-ADD-6", 0, 100, h, expiry, terms,
      with_locks(h, {100, 100, 100, 100}));
  one("invalid_sixth_lock", "participant 0's sixth lock", "CN-ADD-6", 0, 100, h, expiry, terms,
      with_locks(h, {100, 100, 100, 100, 100}));
  one("in_flight_at_limit", "4800 pending plus 200: terms.max_in_flight 5000", "CN-ADD-7", 0, 200, h, expiry, terms,
      with_locks(h, {1200, 1200, 1200, 1200}));
  one("invalid_in_flight_one_over", "4800 pending plus 201", "CN-ADD-7", 0, 201, h, expiry, terms,
      with_locks(h, {1200, 1200, 1200, 1200}));
  one("invalid_expiry_at_censorship_bound", "expiry = height + censorship_bound_blocks", "CN-ADD-8", 0, 1000, h,
      open_height + config.censorship_bound_blocks);
  one("expiry_one_above_censorship_bound", "expiry = height + censorship_bound_blocks + 1", "CN-ADD-8", 0, 1000, h,
      open_height + config.censorship_bound_blocks + 1);
  one("expiry_at_max", "expiry = height + max_expiry_blocks", "CN-ADD-9", 0, 1000, h, open_height + config.max_expiry_blocks);
  one("invalid_expiry_one_above_max", "expiry = height + max_expiry_blocks + 1", "CN-ADD-9", 0, 1000, h,
      open_height + config.max_expiry_blocks + 1);
  one("last_lock_id", "next_lock_id 2^64 - 2", "CN-ADD-10", 0, 1000, h, expiry, terms,
      LockedState{0, opening_balances, {}, u64_max - 1});
  one("invalid_lock_ids_exhausted", "next_lock_id 2^64 - 1", "CN-ADD-10", 0, 1000, h, expiry, terms,
      LockedState{0, opening_balances, {}, u64_max});
  one("last_sequence", "sequence 2^64 - 2: the next state is the last", "CN-OFF-1", 0, 1000, h, expiry, terms,
      LockedState{u64_max - 1, opening_balances, {}, 0});
  one("invalid_sequence_exhausted", "sequence 2^64 - 1: no next state", "CN-OFF-1", 0, 1000, h, expiry, terms,
      LockedState{u64_max, opening_balances, {}, 0});
  one("invalid_state_conservation", "an opening state one short of the capacity", "CN-STATE-1", 0, 1000, h, expiry, terms,
      LockedState{0, {6000, 3999}, {}, 0});

  const std::vector<std::string> fulfill_rules = {"CN-FULFILL-1", "CN-FULFILL-2", "CN-FULFILL-3"};
  const auto fulfill = [&](std::string name, std::string description, std::vector<std::string> rules, u64 lock_id,
                           bool right_secret, u64 height) {
    OffChain s(cases.add("fulfill_lock", std::move(name), std::move(description), std::move(rules)));
    const Hash32 r = preimage(s.seed(), 0);
    s.add(0, 1000, hash_lock_of(r)).fulfill(lock_id, right_secret ? r : preimage(s.seed(), 1), height);
  };
  fulfill("one_block_before_expiry", "the preimage at expiry - 1", fulfill_rules, 0, true, expiry - 1);
  fulfill("invalid_at_expiry", "the preimage at the expiry", {"CN-FULFILL-2"}, 0, true, expiry);
  fulfill("invalid_one_after_expiry", "the preimage at expiry + 1", {"CN-FULFILL-2"}, 0, true, expiry + 1);
  fulfill("invalid_unknown_lock", "lock id 1 does not exist", {"CN-FULFILL-1"}, 1, true, open_height);
  fulfill("invalid_wrong_preimage", "another preimage", {"CN-FULFILL-3"}, 0, false, open_height);
  {
    OffChain s(cases.add("fulfill_lock", "point_lock", "the discrete log of a point lock", {"CN-FULFILL-3"}));
    s.add(0, 1000, cn::point_lock(scalar(4242)).value()).fulfill(0, scalar(4242), open_height + 1);
  }
  {
    OffChain s(cases.add("fail_lock", "basic", "participant 1 gives a lock back", {"CN-FAIL-1"}));
    s.add(0, 1000, hash_lock_of(preimage(s.seed(), 0))).fail(0);
  }
  {
    OffChain s(cases.add("fail_lock", "invalid_unknown_lock", "lock id 1 does not exist", {"CN-FAIL-1"}));
    s.add(0, 1000, hash_lock_of(preimage(s.seed(), 0))).fail(1);
  }
}

// ---- Attacks (channel_network.md#attacks-considered) ----

void adversarial_cases(CaseBook& cases) {
  {
    // P -> A -> H -> B, every hop locked to SHA256(r): A claims the payer's lock with r, which B
    // handed it, while H is left out (its own locks are failed back).
    OffChain s(cases.add("adversarial", "wormhole_htlc_claims_past_the_honest_hop",
                         "A fulfills the payer's HTLC with the preimage B handed it, skipping H", {"CN-FULFILL-3"}));
    cases.mark_adversarial("wormhole: A and B skip the honest H and take its fee", "intermediaries A and B");
    const Hash32 r = preimage(s.seed(), 0);
    s.add(0, 1030, hash_lock_of(r)).fulfill(0, r, open_height + 1);
  }
  {
    // The same under PTLCs: hop i locks T_i = (y_i + ... + y_3) G. B gives A t_3 = y_3; A adds its
    // own y_0 (and may add y_2, which B's side knows), but H's y_1 is missing: the payer's lock
    // does not open.
    OffChain s(cases.add("adversarial", "invalid_wormhole_ptlc_needs_the_skipped_tweak",
                         "A tries the payer's PTLC with t_3 + y_2 + y_0, lacking H's y_1", {"CN-FULFILL-3"}));
    cases.mark_adversarial("wormhole: A and B skip the honest H and take its fee", "intermediaries A and B");
    const std::vector<Hash32> tweaks{scalar(1001), scalar(1002), scalar(1003), scalar(1004)};
    const cn::PointLocks locks = cn::point_locks(tweaks).value();
    const Hash32 attempt = cn::upstream_secret(cn::upstream_secret(tweaks[3], tweaks[2]), tweaks[0]);
    s.add(0, 1030, locks.conditions[0]).fulfill(0, attempt, open_height + 1);
  }
  {
    OffChain s(cases.add("adversarial", "invalid_jamming_stops_at_max_locks",
                         "participant 0 pins the channel with locks of 100: the sixth is refused", {"CN-ADD-6"}));
    cases.mark_adversarial("channel jamming with many small stuck locks", "sender");
    for (u8 i = 0; i < 6; ++i) s.add(0, 100, hash_lock_of(preimage(s.seed(), i)));
  }
  {
    Chain s(cases.add("adversarial", "stale_state_with_pending_lock_loses_the_challenge",
                      "participant 0 force-closes sequence 1 with a lock since fulfilled; participant 1 answers with sequence 2",
                      with({"CN-FORCE-1", "CN-FORCE-2", "CN-CHAL-1", "CN-CHAL-2", "CN-CHAL-3", "CN-SETTLE-1", "CN-SETTLE-2"},
                           state_rules)));
    cases.mark_adversarial("a stale state with pending locks", "counterparty");
    const Hash32 r = preimage(s.seed(), 0);
    const LockedState stale = one_lock(hash_lock_of(r));
    s.open().force_close(s.cosigned(stale)).challenge(s.cosigned(fulfilled(stale, r)), force_height + 1).settle();
  }
  {
    Chain s(cases.add("adversarial", "stale_state_unanswered_receiver_still_claims",
                      "the stale lock settles pending; its receiver reveals the preimage and resolves it to itself",
                      {"CN-REVEAL-1", "CN-REVEAL-2", "CN-REVEAL-3", "CN-RESOLVE-1", "CN-RESOLVE-2", "CN-RESOLVE-3"}));
    cases.mark_adversarial("a stale state with pending locks", "counterparty");
    const Hash32 r = preimage(s.seed(), 0);
    s.open().force_close(s.cosigned(one_lock(hash_lock_of(r)))).settle().reveal(hash_lock_of(r), r, deadline + 1).resolve(0, deadline + 2);
  }
  {
    // U -> I -> R: channel (2, 0) pays the intermediary I = key 0, channel (0, 1) is I's to R = key 1.
    // expiry_in = expiry_out + min_cltv_delta. R reveals at expiry_out - 1; both locks are claimed.
    Chain s(cases.add("adversarial", "payee_reveals_in_the_last_block",
                      "R reveals at expiry_out - 1; the same payment hash claims I's upstream lock too",
                      {"CN-REVEAL-1", "CN-REVEAL-2", "CN-REVEAL-3", "CN-RESOLVE-1", "CN-RESOLVE-2", "CN-RESOLVE-3"}));
    cases.mark_adversarial("a payee that withholds the secret until the last block", "payee");
    const Hash32 r = preimage(s.seed(), 0);
    const u64 expiry_out = expiry;
    const u64 expiry_in = expiry_out + config.min_cltv_delta;
    s.open_between(2, 0).open_between(0, 1);
    s.force_close(s.cosigned(with_locks(hash_lock_of(r), {1010}, 0, expiry_in), 2, 0));
    s.force_close(s.cosigned(with_locks(hash_lock_of(r), {1000}, 0, expiry_out), 0, 1));
    s.settle(deadline, 2, 0).settle(deadline, 0, 1);
    s.reveal(hash_lock_of(r), r, expiry_out - 1).resolve(0, expiry_out, 0, 1).resolve(0, expiry_in, 2, 0);
  }
  {
    Chain s(cases.add("adversarial", "invalid_lock_resolved_one_block_early",
                      "the sender tries to take back an unrevealed lock at expiry - 1", {"CN-RESOLVE-3"}));
    cases.mark_adversarial("a lock expiring at the boundary", "sender");
    s.open().force_close(s.cosigned(one_lock(hash_lock_of(preimage(s.seed(), 0))))).settle().resolve(0, expiry - 1);
  }
}

std::vector<CaseSpec> adjudicator_cases(Profile) {
  CaseBook cases{std::string(mechanism_name)};
  deploy_cases(cases);
  open_cases(cases);
  update_cases(cases);
  close_cases(cases);
  registry_cases(cases);
  off_chain_cases(cases);
  adversarial_cases(cases);
  return cases.take();
}

}  // namespace l2::vectors::channel_network_vectors
