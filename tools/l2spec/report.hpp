// The audit report (spec/audit_report.md): the audit's stages write what they found into one
// inputs document (audit.inputs.json); build_report turns it, with what the source tree says
// (specs, reference, tests, vectors), into the report document that spec/schema/audit.schema.json
// describes, and the renderers write that document as Markdown and as one self-contained HTML file.
// The split lets `l2spec audit --render-from` re-render a finished run, and lets a test build a
// report from a small synthetic tree.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace l2::cli::report {

using json = nlohmann::json;

inline constexpr std::string_view audit_schema = "l2spec/audit";
inline constexpr std::string_view audit_schema_version = "1.1.0";

// Bad input to the report (a spec file that is missing, a benchmark file that is not Google
// Benchmark's JSON, an inputs document of the wrong shape): the message says which file and why.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---- What the run itself knows (report_environment.cpp) ----

// The commit, date, machine, compilers, Z3 version and SHA-256 kernel of this run. Never throws:
// what cannot be found says so in its field ("unknown: not a git checkout").
json collect_environment(const std::filesystem::path& source);
// The time now, as the report writes dates: "2026-12-06T01:40:00Z".
std::string utc_now();

// ---- The source tree (report_sources.cpp) ----

// One Markdown heading and its GitHub anchor (the slug GitHub gives it, "-1" on a repeat).
struct Heading {
  int level = 0;
  std::string text;
  std::string anchor;
  std::size_t line = 0;  // 1-based
};

// One Markdown table: its header cells and its rows, each cell as written (inline Markdown kept,
// outer spaces trimmed), under the heading that precedes it.
struct Table {
  std::vector<std::string> headers;
  struct Row {
    std::vector<std::string> cells;
    std::size_t line = 0;
  };
  std::vector<Row> rows;
  std::size_t line = 0;        // of the header row
  std::size_t heading = 0;     // index into SpecDocument::headings; npos before the first heading
};

struct SpecDocument {
  std::string path;  // relative to the source tree, e.g. "spec/payment_channel.md"
  std::vector<std::string> lines;
  std::vector<Heading> headings;
  std::vector<Table> tables;
  bool in_progress = false;  // carries `<!-- l2spec trace: in progress -->`

  // The tables under the first heading titled `title` (any level), down to the next heading of the
  // same or a higher level.
  std::vector<const Table*> tables_in_section(std::string_view title) const;
  const Heading* find_heading(std::string_view title) const;
  // The text of a heading's section, down to the next heading of the same or a higher level.
  std::string section_text(const Heading& heading) const;
};

// Reads and parses a spec file; throws InputError when it cannot be read.
SpecDocument read_spec(const std::filesystem::path& source, const std::string& relative_path);

// The anchor GitHub gives a heading's text.
std::string github_anchor(std::string_view heading_text);

// Every rule ID a text names: `PC-OPEN-4`, ranges `PC-DEPLOY-1..6`, pairs `PC-BAL-1/2`, and a bare
// family `PC-SIG` when `known` has rules of that family. Only IDs in `known` are returned.
std::vector<std::string> rule_mentions(std::string_view text, const std::vector<std::string>& known);

// ---- The report (report_model.cpp) ----

// The rows of the spec's weakening tables (a header names "weakening") that name the weakening
// `name` in backquotes, one line each ("header: cell; header: cell"): where the spec says which
// obligations refute it.
std::string weakening_text(const SpecDocument& spec, const std::string& name);

// The report document (spec/schema/audit.schema.json) from the inputs document and the tree.
json build_report(const json& inputs, const std::filesystem::path& source);

// Throws InputError, naming the first JSON pointer that fails and why, unless `report` is valid
// against spec/schema/audit.schema.json of the tree l2spec was built from (else of `source`).
void check_report_schema(const json& report, const std::filesystem::path& source);

// ---- Benchmarks (report_bench.cpp) ----

// Reads a Google Benchmark JSON file (--benchmark_format=json or --benchmark_out); throws
// InputError naming the file and what is wrong.
json read_benchmark_file(const std::filesystem::path& path);
// The checks read_benchmark_file makes, on a document already read (`where` names it).
void check_benchmark_document(const json& document, const std::string& where);

// Each target of spec/audit_report.md#benchmark-targets measured in `benchmarks` (the file as
// read_benchmark_file returns it): rows of benchmark, measure, value, target, met.
json benchmark_rows(const json& benchmarks, const SpecDocument& targets_spec);

// Each benchmark family (the name up to its first '/') with two or more instances that report
// items per second: each instance's rate, and its ratio to the instance that differs from it in
// one segment, which reads "reference" (game/optimized: game/reference), so an engine's rate reads
// against the reference and the public baselines.
json benchmark_families(const json& benchmarks);

// ---- Rendering (report_render.cpp) ----

// `to_source` is the source tree relative to the directory the report is written to, so links
// to repository files work from the report's own directory ("../.." for build/audit).
std::string render_markdown(const json& report, const std::string& to_source);
std::string render_html(const json& report, const std::string& to_source);

// A horizontal bar chart as inline SVG. Each bar has a label, a value and, optionally, a target
// drawn as a tick; `unit` follows every value. No script, no font beyond the generic families.
struct Bar {
  std::string label;
  double value = 0;
  std::optional<double> target;
};
std::string svg_bar_chart(const std::string& title, const std::vector<Bar>& bars, const std::string& unit);

}  // namespace l2::cli::report
