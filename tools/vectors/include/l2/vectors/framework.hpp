// The vector pipeline: one framework for every mechanism. A mechanism contributes op handlers
// (how each implementation applies one step) and case generators (inputs only); expected
// outcomes are always computed by the reference. spec: vectors.md
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "l2/ref/bytes.hpp"

namespace l2::inv {
struct ModelEntry;      // l2/inv/registry.hpp
struct Counterexample;  // l2/inv/counterexample.hpp
}  // namespace l2::inv

namespace l2::vectors {

using json = nlohmann::json;

inline constexpr std::string_view case_schema = "l2spec/case";
inline constexpr std::string_view state_schema = "l2spec/state";
inline constexpr std::string_view index_schema = "l2spec/index";
inline constexpr std::string_view schema_version = "1.1.0";
inline constexpr std::string_view generator_version = L2_GENERATOR_VERSION;

enum class Impl { reference, optimized, model };
std::string_view impl_name(Impl impl);
std::optional<Impl> parse_impl(std::string_view name);

enum class Profile { small, large };

// The outcome of one step, as a vector states it and as an implementation produces it.
struct Outcome {
  std::string outcome;     // "ok" | "invalid" | "malformed"
  json post_state;         // ok: the state after the step
  std::string state_root;  // ok: hex of the state commitment
  std::string error;       // invalid | malformed: the stable error code
  std::string rule;        // invalid: the rule ID whose check failed
  std::string reason;      // invalid | malformed: one human-readable line (not compared)
  json extras;             // optional intermediate values (not compared)

  static Outcome ok(json post_state, std::string state_root, json extras = nullptr);
  static Outcome invalid(std::string error, std::string rule, std::string reason);
  static Outcome malformed(std::string reason);  // error code MALFORMED_INPUT
};

json outcome_to_json(const Outcome& outcome);                // the "expect" object
std::optional<Outcome> outcome_from_json(const json& expect);

// How one implementation applies one step. `state` is null for stateless operations.
struct StepResult {
  bool applicable = true;  // false: this implementation has no engine for the op
  Outcome outcome;
};
using ApplyFn = std::function<StepResult(Impl impl, const json& state, const json& input, std::uint64_t height)>;

struct OpHandler {
  std::string op;
  std::string summary;
  ApplyFn apply;
  // Which implementations other than the reference have an engine for this op: `apply` answers
  // "not applicable" for the others. `l2spec trace`'s faces check reads these.
  bool optimized_engine = false;
  bool model_engine = false;
  bool has_engine(Impl impl) const {
    return impl == Impl::reference || (impl == Impl::optimized ? optimized_engine : model_engine);
  }
};

struct Step {
  std::string op;
  std::uint64_t height = 0;
  json input;
};

struct Adversarial {
  std::string attack;  // what it reproduces
  std::string party;   // who misbehaves
};

// A case before generation: everything but the expected outcomes.
struct CaseSpec {
  std::string suite;
  std::string name;  // file name without .json; negative cases start with "invalid_" or "malformed_"
  std::string description;
  std::vector<std::string> rules;
  Hash32 seed{};
  std::optional<Adversarial> adversarial;
  json pre_state;               // inline pre-state, or null
  std::string pre_state_ref;    // or the name of a shared state in <mechanism>/states/
  std::vector<Step> steps;
};

struct SharedState {
  std::string name;
  json state;
};

// A mechanism's descriptor: its entry in the one registry (registry.cpp, one line per mechanism).
// `l2spec vectors`, `prove`, `audit`, `trace`, `mutate` and `--help` loop over the registry. The
// descriptor is built in the mechanism's own vectors file. spec: adding_a_mechanism.md#the-registry-line
struct Mechanism {
  std::string name;  // also its spec file, spec/<name>.md
  std::vector<OpHandler> ops;
  std::function<std::vector<CaseSpec>(Profile)> cases;
  std::function<std::vector<SharedState>(Profile)> shared_states;
  // The formal face: its obligations, weakenings and trace validation (l2/inv/registry.hpp);
  // the model's own registry_entry().
  std::function<inv::ModelEntry()> model;
  // Renders a counterexample its model realises as a case document (l2/vectors/counterexample.hpp);
  // empty when its model realises none.
  std::function<json(const inv::Counterexample&)> counterexample;
  // The prefix of its Google Benchmark names in bench/ (`./l2 bench --benchmark_filter=PREFIX`).
  std::string bench_prefix;
  const OpHandler* find_op(std::string_view op) const;
};

// Every mechanism, in a fixed order (registry.cpp: a new mechanism adds its own files and one line
// there, which names its `<name>_mechanism()` function).
const std::vector<Mechanism>& mechanisms();

// Deterministic randomness for generators: every value derives from the case seed.
class Drbg {
 public:
  explicit Drbg(const Hash32& seed) : seed_(seed) {}
  Hash32 next32();
  Bytes next_bytes(std::size_t n);
  std::uint64_t next_u64();
  std::uint64_t below(std::uint64_t bound);  // uniform in [0, bound), bound > 0

 private:
  Hash32 seed_;
  std::uint64_t counter_ = 0;
};

// seed = SHA256("l2spec/vectors/seed/" + mechanism + "/" + suite + "/" + name)
Hash32 case_seed(std::string_view mechanism, std::string_view suite, std::string_view name);

// Progress and diagnostics go to this sink (the CLI prints them; tests collect them).
using Log = std::function<void(std::string_view line)>;

struct GenerateReport {
  std::size_t cases = 0;
  std::size_t states = 0;
  std::vector<std::string> errors;  // e.g. the reference refused a generator's input in a way it should not
};
GenerateReport generate(const std::filesystem::path& out_dir, Profile profile, const Log& log);

struct VerifyReport {
  std::size_t files = 0;
  std::size_t cases = 0;
  std::size_t steps_checked = 0;
  std::size_t steps_not_applicable = 0;
  std::vector<std::string> failures;  // each names the file, the step and the implementation
  bool ok() const { return failures.empty(); }
};
VerifyReport verify(const std::filesystem::path& dir, const std::vector<Impl>& impls, const Log& log);

// Regenerates into a temporary directory and lists every file that differs from `committed`.
std::vector<std::string> drift(const std::filesystem::path& committed, const Log& log);

// The JSON Schemas of spec/schema/, compiled into the binary by cmake/EmbedSchemas.cmake: (name,
// text) pairs sorted by name, e.g. ("case", the text of case.schema.json). `generate` ships them
// beside the vectors as schema/<name>.schema.json, and the index lists them.
std::vector<std::pair<std::string_view, std::string_view>> embedded_schemas();

// JSON Schema validation against the embedded schemas. Returns the violations, empty when valid.
std::vector<std::string> validate_schema(std::string_view schema_name, const json& document);
// The same against a schema given as a document (one not embedded, such as the audit report's).
std::vector<std::string> schema_violations(const json& schema_document, const json& document);

// Rule-id lists for a case's `rules`: "<prefix>-<first>" .. "<prefix>-<last>", and the union of
// several lists in order, each id once.
std::vector<std::string> rule_range(const std::string& prefix, int first, int last);
std::vector<std::string> concat(std::initializer_list<std::vector<std::string>> parts);

// Canonical file text: 2-space indent, sorted keys, trailing newline.
std::string dump_canonical(const json& document);

}  // namespace l2::vectors
