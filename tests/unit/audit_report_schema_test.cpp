// The audit report (spec/audit_report.md), built by the l2spec binary from a small synthetic tree
// and a hand-written inputs document (`l2spec audit --render-from`): audit.json validates against
// spec/schema/audit.schema.json, each field holds what the tree and the inputs say (the expected
// values are written here from the fixture, not read back from the report code), the HTML is
// self-contained and every internal link resolves, and bad input is an input error.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "l2/test/run_l2spec.hpp"
#include "l2/vectors/framework.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

using Outcome = l2::test::L2specRun;
using l2::test::run_l2spec;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> schema_violations(const json& document) {
  return l2::vectors::schema_violations(
      json::parse(read_text(fs::path(L2_TEST_SOURCE_DIR) / "spec/schema/audit.schema.json")), document);
}

// The spec of a mechanism "toy" with one transition of two rules, a threat model, an obligation
// table with a premise column, a weakening table and a missing-faces row. Line numbers matter:
// the test expects the rule rows at lines 15 and 16.
const char* toy_spec = R"md(# Toy: a one-op mechanism for the audit report's test

## Threat model

| op | who may call it | replayer |
|---|---|---|
| `poke` | anyone | a replayed poke fails [TOY-POKE-2](#apply_poke) |

## Transitions

### apply_poke

| Rule | Error code | Statement |
|---|---|---|
| TOY-POKE-1 | TOY_TOO_BIG | `value <= 10`. |
| TOY-POKE-2 | TOY_REPLAYED | The nonce is **fresh**. |

A poke after a reset (TOY-RESET-1) starts from 0: this prose names a rule of another transition.

### apply_reset

| Rule | Error code | Statement |
|---|---|---|
| TOY-RESET-1 | TOY_NOT_OWNER | Only the owner resets. |

Order: TOY-RESET-1, then TOY-POKE-2. A reset never fails TOY-POKE-1, which is prose again.

## Obligations

| obligation | kind | statement | premise |
|---|---|---|---|
| `bounded` × `poke` | consecution | the value stays within 10 | a state within 10 and a poke that TOY-POKE-1 accepts |
| `bounded` × each move | consecution | every other move keeps it | any accepted move |

| weakening | what it changes | refuted obligations |
|---|---|---|
| `no_bound` | drops TOY-POKE-1 | `bounded` |

## Missing faces

| operation | face | why there is none |
|---|---|---|
| `*` | bench | a toy has no throughput to measure |
)md";

const char* targets_spec = R"md(# The audit report

## Benchmark targets

| mechanism | measure | benchmark | over | target | stated in |
|---|---|---|---|---|---|
| toy | fast over slow | `BM_toy/fast` | `BM_toy/slow` | 5 | the test |
| toy | fraction of the limit | `BM_toy/fast` | `fraction_of_limit` | 0.5 | the test |
| toy | a benchmark the file lacks | `BM_toy/absent` | `BM_toy/slow` | 1 | the test |
)md";

// Line 3 and line 5 hold the two checks (the first with `Verify:` inside its comment); line 10
// names TOY-RESET-1 in brackets without a `Verify:`: the code it heads defines the rule.
const char* toy_reference = R"cpp(// spec: toy.md#apply_poke
constexpr int apply_poke(int value, bool fresh) {
  // The bound. Verify: the value is at most 10 [TOY-POKE-1]
  if (value > 10) return 1;
  // Verify: the nonce is fresh. [TOY-POKE-2]
  if (!fresh) return 2;
  return 0;
}

// spec: toy.md#apply_reset [TOY-RESET-1]
constexpr int apply_reset(bool owner) { return owner ? 0 : 3; }
)cpp";

json toy_case(const std::string& name, const std::string& suite, const std::vector<std::string>& rules, const json& expect,
              bool adversarial) {
  json document = {{"schema", "l2spec/case"}, {"mechanism", "toy"}, {"suite", suite}, {"case", name}, {"rules", rules},
                   {"pre_state", {{"value", 0}}},
                   {"steps", json::array({{{"op", "poke"}, {"height", "5"}, {"input", {{"value", 3}}}, {"expect", expect}}})}};
  if (adversarial) document["adversarial"] = {{"attack", "a replayed poke"}, {"party", "anyone"}};
  return document;
}

json toy_inputs() {
  const json weakened_case = {
      {"pre_state", {{"value", 0}}},
      {"steps", json::array({{{"op", "poke"}, {"height", "7"}, {"input", {{"value", 11}}},
                              {"expect", {{"outcome", "ok"}, {"state_root", "ab12"}}}},
                             {{"op", "poke"}, {"height", "8"}, {"input", {{"value", 12}}},
                              {"expect", {{"outcome", "invalid"}, {"error", "TOY_REPLAYED"}, {"rule", "TOY-POKE-2"}, {"reason", "seen"}}}}})}};
  return {
      {"registry", {"toy"}},
      {"result", "fail"},
      {"environment",
       {{"commit", "0123456789abcdef0123456789abcdef01234567"},
        {"uncommitted_changes", 0},
        {"date", "2026-12-05T22:00:00Z"},
        {"machine", {{"system", "Linux"}, {"release", "6.1"}, {"architecture", "x86_64"}, {"hostname", "ci"}, {"cpus", 2}, {"cpu_model", "Test CPU"}}},
        {"compilers", json::array({{{"role", "l2spec (this binary)"}, {"compiler", "gcc"}, {"version", "gcc 12.2.0"}}})},
        {"z3", "4.8.12.0"},
        {"sha256_kernel", "portable"}}},
      {"options", {{"timeout_seconds", 300}}},
      {"stages", json::array({{{"stage", "prove"}, {"result", "fail"}, {"seconds", 1.5}, {"detail", "2 obligations, 1 failed"}}})},
      {"mechanisms",
       json::array({{{"name", "toy"},
                     {"obligations",
                      json::array({{{"id", "toy__bounded__poke__consecution"}, {"invariant", "bounded"}, {"transition", "poke"},
                                    {"kind", "consecution"}, {"statement", "a poke keeps the value within 10"},
                                    {"premise", "any value <= 10 & any `poke` | TOY-POKE-1 accepts"}, {"premise_stated", true},
                                    {"result", "proved"}, {"seconds", 0.25}, {"reason", ""}, {"counterexample", ""}},
                                   {{"id", "toy__fresh__any__safety"}, {"invariant", "fresh"}, {"transition", "any"}, {"kind", "safety"},
                                    {"statement", "no nonce is accepted twice (TOY-POKE-2)"}, {"premise_stated", false},
                                    {"result", "counterexample"}, {"seconds", 1.25}, {"reason", "z3: sat after 3 conflicts"},
                                    {"counterexample", "hop10.expiry = #x03\nhop2.amount = 5\nhop1.expiry = #x0000000000000002\nkey = #x" +
                                                           std::string(64, 'f') + "\n"}}})},
                     {"weakenings",
                      json::array({{{"name", "no_bound"}, {"status", "counterexample"}, {"obligation", "toy__bounded__poke__consecution"},
                                    {"result", "counterexample"}, {"seconds", 0.5}, {"tried", {"toy__bounded__poke__consecution"}},
                                    {"counterexample", "value = 11\n"}, {"case", weakened_case},
                                    {"note", "the first obligation tried refutes it"}}})},
                     {"trace_validation",
                      {{"seed", 7}, {"traces", 10}, {"max_steps", 5}, {"steps", 40}, {"accepted", 30}, {"disagreements", 1},
                       {"failures", {"trace 3 step 2: the reference says TOY_REPLAYED, the model ok"}}, {"outcomes", {{"poke: ok", 30}}},
                       {"first_disagreeing_trace", {"trace 3: value 0", "step 0 at height 1: poke {nonce: 1}: reference OK, model OK",
                                                    "step 1 at height 1: poke {nonce: 2 < 3}: reference OK, model OK",
                                                    "step 2 at height 8: poke {nonce: 1}: reference TOY_REPLAYED, model OK  <- disagreement"}}}}}})},
      {"kernels", nullptr},
      {"vectors", {{"files", 4}, {"cases", 3}, {"steps_checked", 3}, {"steps_not_applicable", 0}, {"failures", json::array()}}},
      {"drift", {"toy/poke/basic.json"}},
      {"trace", {{"problems", {"TOY-POKE-2: missing code"}}, {"pending", json::array()}}},
      {"mutants",
       {{"mechanisms", {{"toy", {{"mutants", 3}, {"equivalent", 0}, {"not_run", 0}, {"vector_kill_rate", 0.5}, {"suite_kill_rate", 0.5}}}}},
        {"mutants", json::array({{{"key", "TOY-POKE-1/negate/1"}, {"scope", "TOY-POKE-1"}, {"mechanism", "toy"}, {"equivalent", false}, {"vectors", "killed"}},
                                 {{"key", "TOY-POKE-1/drop/2"}, {"scope", "TOY-POKE-1"}, {"mechanism", "toy"}, {"equivalent", false},
                                  {"vectors", "survived"}, {"tests", "survived"}},
                                 {{"key", "TOY-POKE-1/flip/3"}, {"scope", "TOY-POKE-1"}, {"mechanism", "toy"}, {"equivalent", false},
                                  {"vectors", "survived"}, {"tests", "killed"}}})}}},
      {"benchmarks",
       {{"file", "bench.json"},
        {"data",
         {{"context", {{"date", "2026-12-05T21:00:00+00:00"}, {"num_cpus", 2}}},
          {"benchmarks", json::array({{{"name", "BM_toy/fast/real_time"}, {"run_name", "BM_toy/fast/real_time"}, {"run_type", "iteration"},
                                       {"real_time", 1.0}, {"items_per_second", 400.0}, {"fraction_of_limit", 0.75}},
                                      {{"name", "BM_toy/slow/real_time"}, {"run_name", "BM_toy/slow/real_time"}, {"run_type", "iteration"},
                                       {"real_time", 4.0}, {"items_per_second", 100.0}},
                                      // Two repetitions and their mean aggregate, which the report takes.
                                      {{"name", "BM_toy/reference/real_time"}, {"run_name", "BM_toy/reference/real_time"}, {"run_type", "iteration"},
                                       {"real_time", 7.0}, {"items_per_second", 40.0}},
                                      {{"name", "BM_toy/reference/real_time"}, {"run_name", "BM_toy/reference/real_time"}, {"run_type", "iteration"},
                                       {"real_time", 9.0}, {"items_per_second", 60.0}},
                                      {{"name", "BM_toy/reference/real_time_mean"}, {"run_name", "BM_toy/reference/real_time"}, {"run_type", "aggregate"},
                                       {"aggregate_name", "mean"}, {"real_time", 8.0}, {"items_per_second", 50.0}}})}}}}}};
}

// A synthetic source tree: the toy's spec, reference, a test naming a rule, and vectors.
fs::path toy_tree(const std::string& name) {
  // Unique per run: two runs of the test at once do not share a tree.
  const fs::path root = fs::temp_directory_path() / ("l2spec-audit-report-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(root);
  write_text(root / "spec/toy.md", toy_spec);
  write_text(root / "spec/audit_report.md", targets_spec);
  write_text(root / "reference/include/l2/ref/toy.hpp", toy_reference);
  write_text(root / "tests/unit/toy_test.cpp", "// The toy's tests.\n#include <gtest/gtest.h>\nTEST(Toy, RejectsAReplay) {}  // TOY-POKE-2\n");
  const json basic = toy_case("basic", "poke", {"TOY-POKE-1", "TOY-POKE-2"}, {{"outcome", "ok"}, {"state_root", "00"}}, false);
  const json too_big = toy_case("invalid_too_big", "poke", {"TOY-POKE-1"},
                                {{"outcome", "invalid"}, {"error", "TOY_TOO_BIG"}, {"rule", "TOY-POKE-1"}, {"reason", "11 > 10"}}, false);
  const json replay = toy_case("invalid_replay", "adversarial", {"TOY-POKE-2"},
                               {{"outcome", "invalid"}, {"error", "TOY_REPLAYED"}, {"rule", "TOY-POKE-2"}, {"reason", "seen"}}, true);
  write_text(root / "vectors/toy/poke/basic.json", basic.dump());
  write_text(root / "vectors/toy/poke/invalid_too_big.json", too_big.dump());
  write_text(root / "vectors/toy/adversarial/invalid_replay.json", replay.dump());
  const json index = {{"files", json::array({{{"kind", "case"}, {"path", "toy/poke/basic.json"}},
                                             {{"kind", "case"}, {"path", "toy/poke/invalid_too_big.json"}},
                                             {{"kind", "case"}, {"path", "toy/adversarial/invalid_replay.json"}}})}};
  write_text(root / "vectors/index.json", index.dump());
  write_text(root / "inputs.json", toy_inputs().dump());
  return root;
}

std::vector<std::string> names_of(const json& links) {
  std::vector<std::string> names;
  for (const json& link : links) names.push_back(link["name"]);
  return names;
}

TEST(AuditReport, ASyntheticRunValidatesAgainstTheSchemaAndSaysWhatTheTreeSays) {
  const fs::path root = toy_tree("synthetic");
  const fs::path out = root / "build" / "audit";
  const Outcome rendered = run_l2spec("audit --render-from " + (root / "inputs.json").string() + " --source " + root.string() +
                                      " --report " + out.string());
  ASSERT_EQ(rendered.code, 1) << rendered.output;  // the inputs' result is "fail"
  const json report = json::parse(read_text(out / "audit.json"));
  const std::vector<std::string> violations = schema_violations(report);
  EXPECT_TRUE(violations.empty()) << violations.front();

  ASSERT_EQ(report["summary"].size(), 1u);
  const json& summary = report["summary"][0];
  EXPECT_EQ(summary["rules"], 3);
  EXPECT_EQ(summary["obligations"], (json{{"total", 2}, {"proved", 1}, {"failed", 1}}));
  EXPECT_EQ(summary["vectors"], (json{{"cases", 3}, {"positive", 1}, {"negative", 2}}));
  EXPECT_EQ(summary["adversarial"], 1);
  EXPECT_EQ(summary["mutation"]["vector_kill_rate"], 0.5);
  EXPECT_EQ(report["mutation_campaign"]["mechanisms"], (json::array({"toy"})));

  const json& toy = report["mechanisms"][0];
  ASSERT_EQ(toy["threat_model"]["tables"].size(), 1u);
  const json& threat_row = toy["threat_model"]["tables"][0]["rows"][0];
  EXPECT_EQ(threat_row["cells"]["op"], "`poke`");
  EXPECT_EQ(threat_row["cells"]["replayer"], "a replayed poke fails [TOY-POKE-2](#apply_poke)");

  ASSERT_EQ(toy["rules"].size(), 3u);
  const json& bound = toy["rules"][0];
  EXPECT_EQ(bound["id"], "TOY-POKE-1");
  EXPECT_EQ(bound["error_code"], "TOY_TOO_BIG");
  EXPECT_EQ(bound["statement"], "`value <= 10`.");
  EXPECT_EQ(bound["spec"], (json{{"file", "spec/toy.md"}, {"anchor", "apply_poke"}, {"line", 15}}));
  ASSERT_EQ(bound["reference"].size(), 1u);
  EXPECT_EQ(bound["reference"][0]["file"], "reference/include/l2/ref/toy.hpp");
  EXPECT_EQ(bound["reference"][0]["line"], 3);
  EXPECT_EQ(bound["reference"][0]["kind"], "verify");
  EXPECT_EQ(names_of(bound["vectors"]["positive"]), std::vector<std::string>{"basic"});
  EXPECT_EQ(names_of(bound["vectors"]["negative"]), std::vector<std::string>{"invalid_too_big"});
  EXPECT_EQ(bound["vectors"]["negative"][0]["path"], "vectors/toy/poke/invalid_too_big.json");
  EXPECT_TRUE(bound["tests"].empty());
  // bounded is checked against poke, whose section holds the rule; the spec's row names it too.
  EXPECT_EQ(bound["obligations"], (json::array({{{"obligation", "toy__bounded__poke__consecution"}, {"via", "transition"}}})));
  // Three mutants: one killed by the vectors, one by the tests, one surviving both.
  EXPECT_EQ(bound["mutants"]["killed"], 2);
  EXPECT_EQ(bound["mutants"]["surviving"], 1);
  EXPECT_EQ(bound["mutants"]["surviving_ids"], (json::array({"TOY-POKE-1/drop/2"})));

  const json& fresh = toy["rules"][1];
  EXPECT_EQ(fresh["id"], "TOY-POKE-2");
  EXPECT_EQ(fresh["spec"]["line"], 16);
  EXPECT_EQ(fresh["reference"][0]["line"], 5);
  EXPECT_EQ(fresh["tests"], (json::array({{{"file", "tests/unit/toy_test.cpp"}, {"line", 3}}})));
  EXPECT_EQ(names_of(fresh["vectors"]["negative"]), std::vector<std::string>{"invalid_replay"});
  // The transition's obligation, and the safety claim whose statement names the rule.
  EXPECT_EQ(fresh["obligations"], (json::array({{{"obligation", "toy__bounded__poke__consecution"}, {"via", "transition"}},
                                                {{"obligation", "toy__fresh__any__safety"}, {"via", "statement"}}})));
  EXPECT_EQ(fresh["mutants"]["mutants"], 0);

  const json& bounded = toy["obligations"][0];
  EXPECT_EQ(bounded["premise"]["text"], "any value <= 10 & any `poke` | TOY-POKE-1 accepts");
  EXPECT_EQ(toy["obligations"][1]["premise"]["text"], nullptr) << "an obligation whose inputs carry no premise";
  EXPECT_EQ(bounded["premise"]["stated"], true);
  EXPECT_EQ(bounded["premise"]["satisfiable"], true);
  EXPECT_EQ(bounded["premise"]["spec"], "a state within 10 and a poke that TOY-POKE-1 accepts");
  EXPECT_EQ(bounded["spec"]["anchor"], "obligations");
  EXPECT_EQ(toy["obligations"][1]["premise"]["satisfiable"], nullptr);
  // Z3's values grouped by what they are of, in natural order (hop2 before hop10), 64-bit
  // bit-vectors in decimal, a 256-bit one as Z3 wrote it.
  EXPECT_EQ(toy["obligations"][1]["values"],
            (json::array({{{"role", "other"}, {"group", ""}, {"name", "key"}, {"value", "#x" + std::string(64, 'f')}, {"raw", "#x" + std::string(64, 'f')}},
                          {{"role", "other"}, {"group", "hop1"}, {"name", "expiry"}, {"value", "2"}, {"raw", "#x0000000000000002"}},
                          {{"role", "other"}, {"group", "hop2"}, {"name", "amount"}, {"value", "5"}, {"raw", "5"}},
                          {{"role", "other"}, {"group", "hop10"}, {"name", "expiry"}, {"value", "3"}, {"raw", "#x03"}}})));
  EXPECT_TRUE(toy["obligations"][0]["values"].empty());

  const json& weakening = toy["weakenings"][0];
  EXPECT_EQ(weakening["spec_text"], "weakening: `no_bound`; what it changes: drops TOY-POKE-1; refuted obligations: `bounded`");
  ASSERT_EQ(weakening["steps"].size(), 2u);
  EXPECT_EQ(weakening["steps"][0]["outcome"], "accepted; state root ab12");
  EXPECT_EQ(weakening["steps"][1]["outcome"], "rejected with TOY_REPLAYED (TOY-POKE-2): seen");
  EXPECT_EQ(weakening["steps"][1]["height"], "8");
  EXPECT_EQ(weakening["pre_state"], "{\"value\":0}");

  std::set<std::string> gap_kinds;
  for (const json& gap : toy["gaps"]) gap_kinds.insert(gap["kind"]);
  EXPECT_EQ(gap_kinds, (std::set<std::string>{"missing face", "obligation not proved", "drift", "trace problem", "trace validation"}));
  EXPECT_EQ(summary["gaps"], toy["gaps"].size());

  const json& rows = report["benchmarks"]["rows"];
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["value"], 4.0);  // 400 items/s over 100
  EXPECT_EQ(rows[0]["met"], false);
  EXPECT_EQ(rows[0]["over"], "BM_toy/slow/real_time");
  EXPECT_EQ(rows[1]["value"], 0.75);
  EXPECT_EQ(rows[1]["met"], true);
  EXPECT_EQ(rows[2]["value"], nullptr);
  EXPECT_EQ(rows[2]["met"], nullptr);
  // Each engine against the reference (mean 50 items/s): fast 400, slow 100.
  const json& families = report["benchmarks"]["families"];
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0]["family"], "BM_toy");
  EXPECT_EQ(families[0]["instances"],
            (json::array({{{"instance", "fast/real_time"}, {"items_per_second", 400.0}, {"x_reference", 8.0}},
                          {{"instance", "slow/real_time"}, {"items_per_second", 100.0}, {"x_reference", 2.0}},
                          {{"instance", "reference/real_time"}, {"items_per_second", 50.0}, {"x_reference", 1.0}}})));
}

// The cells of a Markdown table row: its unescaped bars, less one.
std::size_t markdown_cells(const std::string& row) {
  std::size_t bars = 0;
  for (std::size_t i = 0; i < row.size(); ++i)
    if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++bars;
  return bars == 0 ? 0 : bars - 1;
}

// The line of `text` that starts with `prefix`, or "".
std::string line_starting(const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(prefix, 0) == 0) return line;
  return {};
}

TEST(AuditReport, ObligationsRulesAndCodeAreMatchedAsTheSpecSaysAndTextIsEscaped) {
  const fs::path root = toy_tree("matching");
  const fs::path out = root / "build" / "audit";
  json inputs = toy_inputs();
  // An obligation on the second transition, whose statement and reason need escaping.
  inputs["mechanisms"][0]["obligations"].push_back({{"id", "toy__bounded__reset__consecution"}, {"invariant", "bounded"},
                                                    {"transition", "reset"}, {"kind", "consecution"},
                                                    {"statement", "keeps value < 10 & | nothing\nelse"}, {"premise_stated", false},
                                                    {"result", "unknown"}, {"seconds", 0.5}, {"reason", "z3 said <canceled> & | gave\nup"},
                                                    {"counterexample", ""}});
  // A mutant of TOY-POKE-2 the vectors missed and the tests never ran on.
  inputs["mutants"]["mutants"].push_back(
      {{"key", "TOY-POKE-2/drop/1"}, {"scope", "TOY-POKE-2"}, {"mechanism", "toy"}, {"equivalent", false}, {"vectors", "survived"}, {"tests", nullptr}});
  // Rates from real times in different units: 1 ms against 4000 us is 4 to 1.
  inputs["benchmarks"]["data"]["benchmarks"] =
      json::array({{{"name", "BM_toy/fast"}, {"run_type", "iteration"}, {"real_time", 1.0}, {"time_unit", "ms"}},
                   {{"name", "BM_toy/slow"}, {"run_type", "iteration"}, {"real_time", 4000.0}, {"time_unit", "us"}}});
  // A weakening whose counterexample the model cannot realise as a case: its values read as one step.
  inputs["mechanisms"][0]["weakenings"].push_back({{"name", "no_fresh"}, {"status", "counterexample"}, {"obligation", "toy__fresh__any__safety"},
                                                   {"result", "counterexample"}, {"seconds", 0.5}, {"tried", {"toy__fresh__any__safety"}},
                                                   {"counterexample", "post.value = 11\nin.value = 11\npre.value = 0\nenv.height = 3\nany.flag = true\n"},
                                                   {"note", ""}});
  write_text(root / "matching.json", inputs.dump());
  // A case whose name needs escaping, and a listed case that is not JSON.
  const json odd = toy_case("odd <name> & | x\ny", "reset", {"TOY-RESET-1"}, {{"outcome", "ok"}, {"state_root", "00"}}, false);
  write_text(root / "vectors/toy/reset/odd.json", odd.dump());
  write_text(root / "vectors/toy/poke/broken.json", "{");
  json index = json::parse(read_text(root / "vectors/index.json"));
  index["files"].push_back({{"kind", "case"}, {"path", "toy/reset/odd.json"}});
  index["files"].push_back({{"kind", "case"}, {"path", "toy/poke/broken.json"}});
  write_text(root / "vectors/index.json", index.dump());

  const Outcome rendered = run_l2spec("audit --render-from " + (root / "matching.json").string() + " --source " + root.string() +
                                      " --report " + out.string());
  ASSERT_EQ(rendered.code, 1) << rendered.output;
  const json report = json::parse(read_text(out / "audit.json"));
  const std::vector<std::string> violations = schema_violations(report);
  EXPECT_TRUE(violations.empty()) << violations.front();
  const json& toy = report["mechanisms"][0];

  // The spec's rows by invariant and transition: `bounded` × `poke` for poke, `bounded` × each move for reset.
  ASSERT_EQ(toy["obligations"].size(), 3u);
  EXPECT_EQ(toy["obligations"][0]["premise"]["spec"], "a state within 10 and a poke that TOY-POKE-1 accepts");
  EXPECT_EQ(toy["obligations"][2]["premise"]["spec"], "any accepted move");

  ASSERT_EQ(toy["rules"].size(), 3u);
  const json& bound = toy["rules"][0];
  const json& fresh = toy["rules"][1];
  const json& reset = toy["rules"][2];
  ASSERT_EQ(reset["id"], "TOY-RESET-1");
  // The poke section's prose names TOY-RESET-1 and the reset section's prose TOY-POKE-1: neither
  // counts. The reset section's "Order:" line names TOY-POKE-2: that counts.
  EXPECT_EQ(reset["obligations"], (json::array({{{"obligation", "toy__bounded__reset__consecution"}, {"via", "transition"}}})));
  EXPECT_EQ(bound["obligations"], (json::array({{{"obligation", "toy__bounded__poke__consecution"}, {"via", "transition"}}})));
  EXPECT_EQ(fresh["obligations"], (json::array({{{"obligation", "toy__bounded__poke__consecution"}, {"via", "transition"}},
                                                {{"obligation", "toy__fresh__any__safety"}, {"via", "statement"}},
                                                {{"obligation", "toy__bounded__reset__consecution"}, {"via", "transition"}}})));
  // No `Verify:` line names TOY-RESET-1, but a line names it in brackets.
  EXPECT_EQ(reset["reference"], (json::array({{{"file", "reference/include/l2/ref/toy.hpp"}, {"line", 10},
                                                {"text", "// spec: toy.md#apply_reset [TOY-RESET-1]"}, {"kind", "defined"}}})));
  EXPECT_EQ(names_of(reset["vectors"]["positive"]), std::vector<std::string>{"odd <name> & | x\ny"});

  EXPECT_EQ(fresh["mutants"]["not_tested"], 1);
  EXPECT_EQ(fresh["mutants"]["surviving"], 0);
  EXPECT_EQ(fresh["mutants"]["killed"], 0);
  EXPECT_EQ(bound["mutants"]["not_tested"], 0);

  bool broken_gap = false;
  for (const json& gap : toy["gaps"])
    broken_gap = broken_gap || (gap["kind"] == "vector failure" && gap["detail"].get<std::string>().find("vectors/toy/poke/broken.json") == 0);
  EXPECT_TRUE(broken_gap) << toy["gaps"].dump(1);
  EXPECT_EQ(report["summary"][0]["vectors"]["cases"], 4);  // the broken one is not a case the report read

  ASSERT_TRUE(report["benchmarks"]["rows"][0]["value"].is_number());
  EXPECT_NEAR(report["benchmarks"]["rows"][0]["value"].get<double>(), 4.0, 1e-9);

  // Pre-state, then the input (`in.`, and `any.`: the refuted obligation's transition), the environment, the post-state.
  ASSERT_EQ(toy["weakenings"].size(), 2u);
  EXPECT_TRUE(toy["weakenings"][1]["steps"].empty());
  std::vector<std::string> roles;
  for (const json& value : toy["weakenings"][1]["values"]) roles.push_back(value["role"].get<std::string>() + " " + value["group"].get<std::string>());
  EXPECT_EQ(roles, (std::vector<std::string>{"pre-state pre", "input any", "input in", "environment env", "post-state post"}));

  const std::string html = read_text(out / "audit.html");
  EXPECT_NE(html.find("keeps value &lt; 10 &amp; | nothing"), std::string::npos);
  EXPECT_EQ(html.find("keeps value < 10"), std::string::npos);
  EXPECT_NE(html.find("z3 said &lt;canceled&gt; &amp; | gave"), std::string::npos);
  EXPECT_NE(html.find("odd &lt;name&gt; &amp; | x"), std::string::npos);
  EXPECT_EQ(html.find("odd <name>"), std::string::npos);
  EXPECT_NE(html.find("defined at"), std::string::npos);
  EXPECT_NE(html.find("Disagreements (first 10)"), std::string::npos);
  // The premise cell: the model's premise in words, then Z3's check of it, then the spec's cell.
  EXPECT_NE(html.find("<td class=wrap>any value &lt;= 10 &amp; any <code>poke</code> | TOY-POKE-1 accepts — satisfiable (checked): "
                      "a state within 10 and a poke that TOY-POKE-1 accepts<td"),
            std::string::npos);

  const std::string markdown = read_text(out / "audit.md");
  const std::string obligation_row = line_starting(markdown, "| `bounded` / `reset` |");
  ASSERT_FALSE(obligation_row.empty()) << markdown;
  EXPECT_EQ(markdown_cells(obligation_row), 7u) << obligation_row;
  EXPECT_NE(obligation_row.find("keeps value < 10 & \\| nothing else"), std::string::npos) << obligation_row;
  const std::string poke_row = line_starting(markdown, "| `bounded` / `poke` |");
  EXPECT_EQ(markdown_cells(poke_row), 7u) << poke_row;
  EXPECT_NE(poke_row.find("| any value <= 10 & any `poke` \\| TOY-POKE-1 accepts — satisfiable (checked): a state within 10 and "
                          "a poke that TOY-POKE-1 accepts |"),
            std::string::npos)
      << poke_row;
  const std::string rule_row = line_starting(markdown, "| [TOY-RESET-1]");
  ASSERT_FALSE(rule_row.empty()) << markdown;
  EXPECT_EQ(markdown_cells(rule_row), 9u) << rule_row;
  EXPECT_NE(rule_row.find("defined at [reference/include/l2/ref/toy.hpp:10]"), std::string::npos) << rule_row;
  EXPECT_NE(markdown.find("z3 said <canceled> & \\| gave up"), std::string::npos);
  // Every value has a role, so the heading names the step's parts, in both forms.
  const std::string one_step = "The model's values as one step (the model realises no vector case for this obligation): the state "
                               "before, the input, the environment, the state after with what the step computes:";
  EXPECT_NE(markdown.find(one_step), std::string::npos) << markdown;
  EXPECT_NE(html.find("<p>" + one_step + "</p>"), std::string::npos);
  EXPECT_NE(markdown.find("| **pre-state** | pre | `value` | `0` |"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| **post-state** | post | `value` | `11` |"), std::string::npos) << markdown;
}

TEST(AuditReport, TheHtmlIsOneSelfContainedFileWhoseInternalLinksResolve) {
  const fs::path root = toy_tree("html");
  const fs::path out = root / "build" / "audit";
  ASSERT_EQ(run_l2spec("audit --render-from " + (root / "inputs.json").string() + " --source " + root.string() + " --report " +
                       out.string()).code,
            1);
  const std::string html = read_text(out / "audit.html");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);

  std::set<std::string> ids;
  const std::regex id_pattern(R"re(id="([^"]+)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id_pattern); it != std::sregex_iterator(); ++it) ids.insert((*it)[1]);
  EXPECT_TRUE(ids.count("mechanism-toy"));
  EXPECT_TRUE(ids.count("rule-TOY-POKE-1"));
  EXPECT_TRUE(ids.count("obligation-toy__bounded__poke__consecution"));
  const std::regex href_pattern(R"re(href="([^"]*)")re");
  std::size_t internal = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href_pattern); it != std::sregex_iterator(); ++it) {
    const std::string target = (*it)[1];
    EXPECT_EQ(target.find("://"), std::string::npos) << target;  // nothing off the machine
    if (!target.empty() && target[0] == '#') {
      ++internal;
      EXPECT_TRUE(ids.count(target.substr(1))) << "no element for " << target;
    } else {
      // A repository file, relative to the report's directory (build/audit), that exists.
      const std::string file = target.substr(0, target.find('#'));
      EXPECT_EQ(file.rfind("../../", 0), 0u) << target;
      if (file != "../../spec/schema/audit.schema.json") {
        EXPECT_TRUE(fs::exists(out / file)) << target;
      }
    }
  }
  EXPECT_GT(internal, 5u);
  // The rule's `// Verify:` line, and the threat model's link resolved against the spec file.
  EXPECT_NE(html.find("href=\"../../reference/include/l2/ref/toy.hpp#L3\""), std::string::npos);
  EXPECT_NE(html.find("href=\"../../spec/toy.md#apply_poke\""), std::string::npos);

  const std::string markdown = read_text(out / "audit.md");
  EXPECT_NE(markdown.find("## toy"), std::string::npos);
  EXPECT_NE(markdown.find("| [TOY-POKE-1](../../spec/toy.md#apply_poke) | `TOY_TOO_BIG` |"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("rejected with TOY_REPLAYED (TOY-POKE-2): seen"), std::string::npos);
}

// The Markdown carries the HTML's content: each field the renderers print, found in both forms (in
// the HTML escaped), and the re-rendering said in both.
TEST(AuditReport, TheMarkdownAndTheHtmlCarryTheSameContent) {
  const fs::path root = toy_tree("parity");
  const fs::path out = root / "build" / "audit";
  const fs::path inputs = root / "inputs.json";
  ASSERT_EQ(run_l2spec("audit --render-from " + inputs.string() + " --source " + root.string() + " --report " + out.string()).code, 1);
  const std::string markdown = read_text(out / "audit.md"), html = read_text(out / "audit.html");
  const json report = json::parse(read_text(out / "audit.json"));
  EXPECT_EQ(report["rendered"]["from"], inputs.string());
  const auto escaped = [](std::string text) {
    for (auto [from, to] : {std::pair<std::string, std::string>{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}})
      for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
    return text;
  };
  for (const std::string& text :
       {std::string("timeout_seconds: 300"),                                    // the options
        "re-rendered " + report["rendered"]["date"].get<std::string>() + " from " + inputs.string(),  // the re-rendering
        std::string("z3: sat after 3 conflicts"),                               // an obligation's reason
        std::string("the first obligation tried refutes it"),                   // a weakening's note
        std::string("TOY-POKE-1/drop/2"),                                       // a surviving mutant
        std::string("poke: ok"),                                                // a trace outcome
        std::string("The first disagreeing trace, in full"),
        std::string("step 1 at height 1: poke {nonce: 2 < 3}: reference OK, model OK"),
        std::string("step 2 at height 8: poke {nonce: 1}: reference TOY_REPLAYED, model OK  <- disagreement")}) {
    EXPECT_NE(markdown.find(text), std::string::npos) << "not in the Markdown: " << text;
    EXPECT_NE(html.find(escaped(text)), std::string::npos) << "not in the HTML: " << escaped(text);
  }
  EXPECT_NE(line_starting(markdown, "| seed | traces |").size(), 0u);
  EXPECT_NE(markdown.find("| 7 | 10 | 40 | 30 | 1 |"), std::string::npos) << "the seed and counts";
  EXPECT_NE(html.find("<th class=n>seed"), std::string::npos);
}

TEST(AuditReport, TheSchemaRejectsAReportThatBreaksIt) {
  const fs::path root = toy_tree("broken");
  const fs::path out = root / "build" / "audit";
  run_l2spec("audit --render-from " + (root / "inputs.json").string() + " --source " + root.string() + " --report " + out.string());
  const json report = json::parse(read_text(out / "audit.json"));
  json without_run = report;
  without_run.erase("run");
  EXPECT_FALSE(schema_violations(without_run).empty());
  json bad_verdict = report;
  bad_verdict["mechanisms"][0]["obligations"][0]["result"] = "probably";
  EXPECT_FALSE(schema_violations(bad_verdict).empty());
  json bad_rule = report;
  bad_rule["mechanisms"][0]["rules"][0]["id"] = "not a rule";
  EXPECT_FALSE(schema_violations(bad_rule).empty());
}

TEST(AuditReport, BadInputIsAClearInputError) {
  const fs::path root = toy_tree("bad-input");
  const fs::path out = root / "build" / "audit";
  fs::remove(root / "spec/toy.md");
  const Outcome no_spec = run_l2spec("audit --render-from " + (root / "inputs.json").string() + " --source " + root.string() +
                                     " --report " + out.string());
  EXPECT_EQ(no_spec.code, 2) << no_spec.output;
  EXPECT_NE(no_spec.output.find("spec/toy.md"), std::string::npos) << no_spec.output;

  write_text(root / "partial.json", R"({"mechanisms": []})");
  const Outcome partial = run_l2spec("audit --render-from " + (root / "partial.json").string() + " --source " + root.string() +
                                     " --report " + out.string());
  EXPECT_EQ(partial.code, 2) << partial.output;
  EXPECT_NE(partial.output.find("registry"), std::string::npos) << partial.output;

  // Checked before any stage runs: the audit stops at once.
  write_text(root / "not_benchmarks.json", R"({"context": {}, "runs": []})");
  const Outcome bench = run_l2spec("audit --bench-json " + (root / "not_benchmarks.json").string() + " --report " + out.string());
  EXPECT_EQ(bench.code, 2) << bench.output;
  EXPECT_NE(bench.output.find("no \"benchmarks\" array"), std::string::npos) << bench.output;
  write_text(root / "truncated.json", R"({"benchmarks": [{"name": "BM_x", "real_time": )");
  const Outcome truncated = run_l2spec("audit --bench-json " + (root / "truncated.json").string() + " --report " + out.string());
  EXPECT_EQ(truncated.code, 2) << truncated.output;
  EXPECT_NE(truncated.output.find("is not JSON"), std::string::npos) << truncated.output;
  const Outcome unknown = run_l2spec("audit --mechanism no_such_mechanism --report " + out.string());
  EXPECT_EQ(unknown.code, 2) << unknown.output;
}

TEST(AuditReport, AnInputsDocumentOfTheWrongShapeIsAnInputErrorNamingWhere) {
  const fs::path root = toy_tree("wrong-shape");
  const fs::path out = root / "build" / "audit";
  const std::string render = "audit --source " + root.string() + " --report " + out.string() + " --render-from ";

  json no_machine = toy_inputs();
  no_machine["environment"].erase("machine");
  write_text(root / "no_machine.json", no_machine.dump());
  const Outcome machine = run_l2spec(render + (root / "no_machine.json").string());
  EXPECT_EQ(machine.code, 2) << machine.output;
  EXPECT_NE(machine.output.find("at /run: "), std::string::npos) << machine.output;
  EXPECT_NE(machine.output.find("machine"), std::string::npos) << machine.output;

  json no_status = toy_inputs();
  no_status["mechanisms"][0]["weakenings"][0].erase("status");
  write_text(root / "no_status.json", no_status.dump());
  const Outcome status = run_l2spec(render + (root / "no_status.json").string());
  EXPECT_EQ(status.code, 2) << status.output;
  EXPECT_NE(status.output.find("at /mechanisms/0/weakenings/0"), std::string::npos) << status.output;

  json bad_unit = toy_inputs();
  bad_unit["benchmarks"]["data"]["benchmarks"][0]["time_unit"] = 3;
  write_text(root / "bad_unit.json", bad_unit.dump());
  const Outcome unit = run_l2spec(render + (root / "bad_unit.json").string());
  EXPECT_EQ(unit.code, 2) << unit.output;
  EXPECT_NE(unit.output.find("\"time_unit\" that is not text"), std::string::npos) << unit.output;

  // A --mutants-report that is not the campaign's report.
  write_text(root / "not_mutants.json", R"({"mechanisms": {"toy": {}}})");
  const Outcome mutants = run_l2spec(render + (root / "inputs.json").string() + " --mutants-report " + (root / "not_mutants.json").string());
  EXPECT_EQ(mutants.code, 2) << mutants.output;
  EXPECT_NE(mutants.output.find("is not a mutation report"), std::string::npos) << mutants.output;
  write_text(root / "broken_mutants.json", "[");
  const Outcome broken = run_l2spec(render + (root / "inputs.json").string() + " --mutants-report " + (root / "broken_mutants.json").string());
  EXPECT_EQ(broken.code, 2) << broken.output;
  EXPECT_NE(broken.output.find("is not JSON"), std::string::npos) << broken.output;
}

}  // namespace
