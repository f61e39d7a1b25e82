// Trace validation for `l2spec audit`: pseudo-random traces through the reference and the model.
// The RapidCheck property (tests/property/payment_channel_model_property_test.cpp) does the same
// with shrinking; this one is deterministic and needs no test framework.
// spec: payment_channel.md#the-z3-model
#include <random>

#include "l2/inv/payment_channel_model.hpp"
#include "l2/inv/trace_recorder.hpp"  // filled

namespace l2::inv::payment_channel {
namespace {

using Outcome = Result<ref::payment_channel::Adjudicator, ChannelError>;

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  u64 below(u64 bound) { return std::uniform_int_distribution<u64>(0, bound - 1)(engine_); }
  u64 any() { return engine_(); }
  // One of `values`, with the given weights.
  template <class T, std::size_t N>
  T weighted(const std::array<std::pair<u64, T>, N>& choices) {
    u64 total = 0;
    for (const auto& choice : choices) total += choice.first;
    u64 pick = below(total);
    for (const auto& choice : choices) {
      if (pick < choice.first) return choice.second;
      pick -= choice.first;
    }
    return choices.back().second;
  }

 private:
  std::mt19937_64 engine_;
};

const std::array<Hash32, 3> trace_keys = {filled(0xa1), filled(0xb2), filled(0xc3)};

std::array<u64, 2> split(Random& r, u64 capacity) {
  const u64 first = capacity == u64_max ? r.any() : r.below(capacity + 1);
  std::array<u64, 2> balances{first, capacity - first};
  switch (r.below(9)) {
    case 0: balances[1] += 1; break;  // may wrap; either way the sum is not the capacity
    case 1: balances[1] -= 1; break;
    case 2: balances[0] = u64_max; break;
    default: break;
  }
  return balances;
}

// Both signatures of `digest` by `participants`, sometimes spoiled: a flipped bit, one signature
// in both slots, or the two swapped.
std::array<ref::payment_channel::Signature, 2> signatures_of(Random& r, const std::array<Hash32, 2>& participants, const Hash32& digest) {
  std::array<ref::payment_channel::Signature, 2> signatures{SymbolicSignature::sign(participants[0], digest),
                                          SymbolicSignature::sign(participants[1], digest)};
  switch (r.below(9)) {
    case 0: signatures[0][40] ^= 1; break;
    case 1: signatures[1] = signatures[0]; break;
    case 2: std::swap(signatures[0], signatures[1]); break;
    default: break;
  }
  return signatures;
}

Step random_step(Random& r, const ref::payment_channel::Adjudicator& a, u64 height) {
  Step step;
  step.height = height;
  step.op = r.weighted<Op, 8>({{{3, op_code<ref::payment_channel::Open>}, {3, op_code<ref::payment_channel::Fund>}, {3, op_code<ref::payment_channel::Update>},
                                {1, op_code<ref::payment_channel::CooperativeClose>}, {2, op_code<ref::payment_channel::ForceClose>}, {3, op_code<ref::payment_channel::Challenge>},
                                {2, op_code<ref::payment_channel::Settle>}, {1, op_code<ref::payment_channel::Timeout>}}});
  const std::size_t index = static_cast<std::size_t>(r.weighted<u64, 3>({{{4, 0}, {2, 1}, {1, 2}}}));
  const ref::payment_channel::PaymentChannel* channel = index < a.channels.size() ? &a.channels[index] : nullptr;
  const Hash32 id = channel ? channel->channel_id : filled(0xee);
  const u64 capacity = r.weighted<u64, 5>({{{1, 1}, {1, 2}, {1, 10000}, {1, u64_max - 1}, {1, u64_max}}});
  if (step.op == op_code<ref::payment_channel::Open>) {
    const std::size_t first = static_cast<std::size_t>(r.below(3));
    const std::size_t second = r.below(8) == 0 ? first : (first + 1 + r.below(2)) % 3;
    const std::array<Hash32, 2> participants{trace_keys[first], trace_keys[second]};
    const std::array<u64, 2> balances = split(r, capacity);
    const u64 nonce = r.below(3);
    const Hash32 opened = ref::payment_channel::channel_id(a.chain_id, a.adjudicator_id, participants, nonce);
    // Sometimes signed over another sequence than 0, which is no opening state.
    const Hash32 digest = ref::payment_channel::state_digest(a.chain_id, opened, r.below(9) == 0 ? 1 : 0, balances);
    step.input = ref::payment_channel::OpenInput{participants, balances, capacity, nonce, signatures_of(r, participants, digest)};
  } else if (step.op == op_code<ref::payment_channel::Fund>) {
    const u64 owed = channel ? channel->total_capacity : capacity;
    step.input = ref::payment_channel::FundInput{id, r.weighted<u64, 4>({{{6, owed}, {1, owed - 1}, {1, owed + 1}, {1, 0}}})};
  } else if (!ref::payment_channel::is_cosigned(step.op)) {
    step.input = ref::payment_channel::ChannelRef{id};
  } else {
    const u64 registered = channel ? channel->sequence : 0;
    ref::payment_channel::OffChainTransaction tx{id, registered + r.below(4) - 1, split(r, channel ? channel->total_capacity : capacity), {}};
    const bool close = (step.op == op_code<ref::payment_channel::CooperativeClose>) != (r.below(9) == 0);  // sometimes the other tag
    const Hash32 digest = close ? ref::payment_channel::close_digest(a.chain_id, id, tx.sequence_number, tx.new_balances)
                                : ref::payment_channel::state_digest(a.chain_id, id, tx.sequence_number, tx.new_balances);
    const std::array<Hash32, 2> participants = channel ? channel->participants : std::array<Hash32, 2>{trace_keys[0], trace_keys[1]};
    tx.signatures = signatures_of(r, participants, digest);
    step.input = tx;
  }
  return step;
}

std::string code_of(ChannelError e) { return std::string(error_info(e).code); }

}  // namespace

TraceValidation validate_random_traces(std::uint64_t seed, std::size_t traces, std::size_t max_steps,
                                       const std::function<void(std::size_t done)>& progress, Weakening weakening) {
  TraceValidation report;
  Engine engine(weakening, SymbolicSignature{});
  Random r(seed);
  for (std::size_t t = 0; t < traces; ++t) {
    ref::payment_channel::Adjudicator state{};
    state.chain_id = 1;
    state.adjudicator_id = filled(0xdd);
    state.config = ref::payment_channel::Layer2Config{3, 200, 30, 1, u64_max, 6, 20};
    // One funded channel to start from, so that traces reach disputes and settlements.
    const std::array<Hash32, 2> pair{trace_keys[0], trace_keys[1]};
    const Hash32 first = ref::payment_channel::channel_id(state.chain_id, state.adjudicator_id, pair, 0);
    const Hash32 opening = ref::payment_channel::state_digest(state.chain_id, first, 0, {6000, 4000});
    const ref::payment_channel::OpenInput open{pair, {6000, 4000}, 10000, 0,
                             {SymbolicSignature::sign(pair[0], opening), SymbolicSignature::sign(pair[1], opening)}};
    state = ref::payment_channel::apply_open(state, open, ref::payment_channel::Env{1}, SymbolicSignature{}).value();
    state = ref::payment_channel::apply_fund(state, ref::payment_channel::FundInput{first, 10000}, ref::payment_channel::Env{1}).value();
    u64 height = 1;
    const std::size_t length = 1 + static_cast<std::size_t>(r.below(max_steps));
    const std::size_t disagreements_before = report.disagreements;
    std::vector<std::string> lines;  // this trace in full, until the report holds a disagreeing one
    const bool recording = report.first_disagreeing_trace.empty();
    if (recording)
      lines.push_back("trace " + std::to_string(t) + ": channel " + reflect::to_text(first) +
                      " opened and funded at height 1 with balances [6000, 4000]");
    for (std::size_t s = 0; s < length; ++s) {
      height += r.weighted<u64, 7>({{{6, 0}, {6, 1}, {1, 10}, {1, 29}, {1, 30}, {1, 31}, {1, 201}}});
      const Step step = random_step(r, state, height);
      const Outcome reference = apply_reference(state, step, SymbolicSignature{});
      const Engine::Outcome modelled = engine.apply(state, step);
      ++report.steps;
      const ChannelError expected = reference.ok() ? ChannelError::none : reference.error();
      const bool same = modelled.problem.empty() && !modelled.ambiguous && modelled.error == expected &&
                        reflect::equal(modelled.post, reference.ok() ? reference.value() : state);
      if (!same) ++report.disagreements;
      std::string model_outcome = code_of(modelled.error);
      if (!modelled.problem.empty()) model_outcome += " (" + modelled.problem + ")";
      else if (modelled.ambiguous) model_outcome += " (ambiguous)";
      else if (!same && modelled.error == expected) model_outcome += " with another post-state";
      if (recording)
        lines.push_back(trace_step_line(s, step.height, op_name(step.op),
                                        std::visit([](const auto& input) { return reflect::to_text(input); }, step.input),
                                        code_of(expected), model_outcome, same));
      if (!same && report.failures.size() < 10)
        report.failures.push_back("trace " + std::to_string(t) + " step " + std::to_string(s) + " (" +
                                  std::string(op_name(step.op)) + "): reference " + code_of(expected) + ", model " + model_outcome);
      if (!reference.ok()) continue;
      ++report.accepted;
      state = reference.value();
    }
    if (recording && report.disagreements > disagreements_before) report.first_disagreeing_trace = std::move(lines);
    ++report.traces;
    if (progress) progress(report.traces);
  }
  return report;
}

}  // namespace l2::inv::payment_channel
