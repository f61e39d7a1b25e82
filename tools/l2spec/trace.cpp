// l2spec trace: the matrix from each spec rule to its code, model, tests and vectors.
// Rules are the rows of the spec's rule tables: a Markdown table row whose first cell is a rule
// ID such as `PC-UPD-3` (spec/vectors.md#rule-tables). Then the faces check: every mechanism of
// the registry has its seven faces, and every op an engine in every implementation, unless its
// spec names why not (spec/adding_a_mechanism.md#the-faces-check).
#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>

#include "commands.hpp"
#include "l2/inv/registry.hpp"
#include "l2/vectors/registry.hpp"
#include "spec_tree.hpp"

namespace l2::cli {

namespace fs = std::filesystem;

namespace {

// A spec file that contains this line describes a mechanism whose faces are still being built:
// its rules are listed, and what they lack is reported as pending instead of as a problem.
constexpr std::string_view in_progress_marker = "<!-- l2spec trace: in progress -->";

struct Rule {
  std::string id;
  std::string error_code;
  std::string spec_file;
  bool in_progress = false;  // its spec file is marked in progress: gaps are pending, not problems
  std::size_t code_refs = 0;
  std::size_t model_refs = 0;
  std::size_t test_refs = 0;
  std::size_t positive = 0;
  std::size_t negative = 0;
};

using spec_tree::files_under;
using spec_tree::read_text;

// Counts, per rule ID, the source files under `root` that mention it as a whole word.
std::map<std::string, std::size_t> mentions(const fs::path& source, const fs::path& root, const std::map<std::string, Rule>& rules) {
  std::set<std::string> ids;
  for (const auto& [id, rule] : rules) ids.insert(id);
  std::map<std::string, std::size_t> counts;
  for (const auto& [id, lines] : spec_tree::code_lines(source, root, ids)) counts[id] = spec_tree::file_count(lines);
  return counts;
}

// The cells of a Markdown table row as the trace compares them (spec_tree::plain_cell); empty for
// a line that is not a table row.
std::vector<std::string> table_cells(const std::string& line) {
  std::vector<std::string> cells;
  for (const std::string& cell : spec_tree::table_cells(line)) cells.push_back(spec_tree::plain_cell(cell));
  return cells;
}

// The faces a mechanism may lack, or an op may have no engine in, when its spec says why.
constexpr std::array<std::string_view, 6> exemptible_faces = {"reference", "optimized", "model", "vectors", "tests", "bench"};

// A spec's table of missing faces: a header row `| operation | face | why ... |`, then rows naming
// an op (or `*`: the whole mechanism), a face of exemptible_faces, and a non-empty reason.
// Returns the exempted (op, face) pairs; a malformed row is a problem.
std::set<std::pair<std::string, std::string>> exemptions(const std::string& spec_text, const std::string& spec_file,
                                                         std::vector<std::string>& problems) {
  std::set<std::pair<std::string, std::string>> out;
  for (const spec_tree::MissingFaceRow& row : spec_tree::missing_face_rows(spec_text)) {
    const std::vector<std::string>& cells = row.plain;
    const bool known = cells.size() >= 2 && std::find(exemptible_faces.begin(), exemptible_faces.end(), cells[1]) != exemptible_faces.end();
    if (cells.size() < 3 || !known || cells[2].empty()) {
      problems.push_back(spec_file + ": a row of the missing-faces table needs an op or *, a face (reference, optimized, "
                         "model, vectors, tests, bench) and a reason: " + row.text);
      continue;
    }
    // The first cell names one op, several separated by commas, or `*` for every op.
    std::istringstream ops(cells[0]);
    std::string op;
    while (std::getline(ops, op, ',')) {
      const auto first = op.find_first_not_of(' ');
      if (first != std::string::npos) out.insert({op.substr(first, op.find_last_not_of(' ') - first + 1), cells[1]});
    }
  }
  return out;
}

bool mentions_text(const std::vector<fs::path>& files, const std::string& text) {
  return std::any_of(files.begin(), files.end(), [&](const fs::path& file) { return read_text(file).find(text) != std::string::npos; });
}

// The faces check of every mechanism in the registry. Appends its problems; returns a row per mechanism.
nlohmann::json check_faces(const TraceOptions& options, const nlohmann::json& index, std::vector<std::string>& problems) {
  const std::vector<fs::path> reference_headers = files_under(options.source / "reference/include", {".hpp"});
  const std::vector<fs::path> bench_sources = files_under(options.source / "bench", {".cpp"});
  const std::vector<fs::path> test_sources = files_under(options.source / "tests", {".cpp"});
  std::map<std::string, std::size_t> cases;
  for (const auto& entry : index["files"])
    if (entry["kind"] == "case") ++cases[entry["path"].get<std::string>().substr(0, entry["path"].get<std::string>().find('/'))];

  nlohmann::json rows = nlohmann::json::array();
  for (const vectors::Mechanism& mechanism : vectors::mechanisms()) {
    const std::string spec_file = "spec/" + mechanism.name + ".md";
    const fs::path spec_path = options.source / spec_file;
    if (!fs::is_regular_file(spec_path)) {
      problems.push_back(mechanism.name + ": no spec (" + spec_file + ")");
      continue;
    }
    const auto exempt = exemptions(read_text(spec_path), spec_file, problems);
    auto require = [&](const std::string& op, const std::string& face, bool present, const std::string& what) {
      if (present || exempt.count({op, face}) || exempt.count({"*", face})) return present;
      problems.push_back(mechanism.name + ": " + what + ", and " + spec_file +
                         " does not say why (a row of its `| operation | face | why ... |` table)");
      return false;
    };
    std::size_t obligation_count = 0;
    if (mechanism.model) obligation_count = mechanism.model().obligations(inv::Depth::full).size();
    nlohmann::json faces = {
        {"reference", require("*", "reference", mentions_text(reference_headers, mechanism.name + ".md"),
                              "no reference header names " + mechanism.name + ".md")},
        {"model", require("*", "model", obligation_count > 0, "no obligations")},
        {"vectors", require("*", "vectors", cases[mechanism.name] > 0, "no vector cases")},
        {"tests", require("*", "tests",
                          std::any_of(test_sources.begin(), test_sources.end(),
                                      [&](const fs::path& f) { return f.filename().string().rfind(mechanism.name + "_", 0) == 0; }),
                          "no test file tests/*/" + mechanism.name + "_*.cpp")},
        {"bench", require("*", "bench", !mechanism.bench_prefix.empty() && mentions_text(bench_sources, mechanism.bench_prefix),
                          "no benchmark in bench/")}};
    nlohmann::json ops = nlohmann::json::object();
    std::size_t optimized_engines = 0;
    for (const vectors::OpHandler& handler : mechanism.ops) {
      for (vectors::Impl impl : {vectors::Impl::optimized, vectors::Impl::model}) {
        const std::string face(vectors::impl_name(impl));
        const bool has = require(handler.op, face, handler.has_engine(impl), "op " + handler.op + " has no " + face + " engine");
        ops[handler.op][face] = has;
      }
      if (handler.optimized_engine) ++optimized_engines;
    }
    faces["optimized"] = require("*", "optimized", optimized_engines > 0, "no op has an optimized engine");
    // A row must stay true: it names an op of the mechanism, which lacks that engine.
    for (const auto& [op, face] : exempt) {
      if (op == "*" || (face != "optimized" && face != "model")) continue;
      const vectors::OpHandler* handler = mechanism.find_op(op);
      if (handler == nullptr)
        problems.push_back(spec_file + ": the missing-faces table names " + op + ", which is not an op of " + mechanism.name);
      else if (handler->has_engine(*vectors::parse_impl(face)))
        problems.push_back(spec_file + ": the missing-faces table says " + op + " has no " + face + " engine, but it has one");
    }
    rows.push_back({{"mechanism", mechanism.name}, {"faces", faces}, {"obligations", obligation_count},
                    {"cases", cases[mechanism.name]}, {"ops", ops}});
  }
  return rows;
}

}  // namespace

int run_trace(const TraceOptions& options, nlohmann::json* summary) {
  std::map<std::string, Rule> rules;
  // A rule row: a table row whose first cell is a rule ID; its error code is the first later cell
  // that is an UPPER_SNAKE code name ("—" or no such cell: the rule rejects nothing by itself).
  const std::regex& rule_id = spec_tree::rule_id_pattern();
  const std::regex& code_name = spec_tree::code_name_pattern();

  std::set<std::string> in_progress_files;
  for (const auto& file : files_under(options.source / "spec", {".md"})) {
    const std::string text = read_text(file);
    // The marker counts only as a line of its own, so documents may quote it.
    const bool in_progress = text.find("\n" + std::string(in_progress_marker) + "\n") != std::string::npos;
    if (in_progress) in_progress_files.insert(fs::relative(file, options.source).generic_string());
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      const std::vector<std::string> cells = table_cells(line);
      if (cells.empty() || !std::regex_match(cells[0], rule_id)) continue;
      Rule& rule = rules[cells[0]];
      rule.id = cells[0];
      rule.spec_file = fs::relative(file, options.source).generic_string();
      rule.in_progress = in_progress;
      for (std::size_t i = 1; i < cells.size(); ++i)
        if (std::regex_match(cells[i], code_name)) {
          rule.error_code = cells[i];
          break;
        }
      if (rule.error_code.empty()) rule.error_code = "—";
    }
  }
  if (rules.empty()) {
    std::fprintf(stderr, "l2spec trace: no rule tables found under %s/spec\n", options.source.string().c_str());
    return exit_usage;
  }
  for (const auto& [id, n] : mentions(options.source, options.source / "reference", rules)) rules[id].code_refs = n;
  // The JSON mapping's reference code is the codec (spec/encoding.md names it).
  for (const auto& [id, n] : mentions(options.source, options.source / "tools/include/l2/codec", rules)) rules[id].code_refs += n;
  for (const auto& [id, n] : mentions(options.source, options.source / "invariants", rules)) rules[id].model_refs = n;
  for (const auto& [id, n] : mentions(options.source, options.source / "tests", rules)) rules[id].test_refs = n;

  std::vector<std::string> problems;
  // Vectors: a case whose steps all succeed is positive for each rule it lists; an invalid step is
  // negative for the rule whose check failed; a malformed step is negative for the case's rules.
  const auto index_text = read_text(options.vectors / "index.json");
  const auto index = nlohmann::json::parse(index_text, nullptr, false);
  if (index.is_discarded() || !index.contains("files")) {
    std::fprintf(stderr, "l2spec trace: cannot read %s/index.json\n", options.vectors.string().c_str());
    return exit_usage;
  }
  for (const auto& entry : index["files"]) {
    if (entry["kind"] != "case") continue;
    const std::string path = entry["path"];
    const auto document = nlohmann::json::parse(read_text(options.vectors / path), nullptr, false);
    if (document.is_discarded()) {
      problems.push_back(path + ": unreadable");
      continue;
    }
    const spec_tree::CaseExercise exercised = spec_tree::exercise(document);
    const std::set<std::string> listed(exercised.listed.begin(), exercised.listed.end());
    const bool all_ok = exercised.positive;
    for (const std::string& id : exercised.invalid_rules)
      if (!listed.count(id)) problems.push_back(path + ": fails rule " + id + " but does not list it");
    for (const std::string& id : exercised.negative)
      if (rules.count(id)) ++rules[id].negative;
    for (const auto& id : listed) {
      if (!rules.count(id)) problems.push_back(path + ": lists rule " + id + ", which no spec table defines");
      else if (all_ok) ++rules[id].positive;
    }
  }

  if (!options.quiet)
    std::printf("%-16s %-32s %-26s %5s %5s %5s %5s %5s\n", "rule", "error code", "spec", "code", "model", "tests", "+vec", "-vec");
  nlohmann::json rows = nlohmann::json::array();
  std::vector<std::string> pending;
  for (const auto& [id, rule] : rules) {
    std::string missing;
    if (rule.code_refs == 0) missing += " code";
    if (rule.positive == 0) missing += " positive-vector";
    if (rule.negative == 0) missing += " negative-vector";
    if (!missing.empty()) (rule.in_progress ? pending : problems).push_back(id + ": missing" + missing);
    if (!options.quiet)
      std::printf("%-16s %-32s %-26s %5zu %5zu %5zu %5zu %5zu%s\n", id.c_str(), rule.error_code.c_str(), rule.spec_file.c_str(),
                  rule.code_refs, rule.model_refs, rule.test_refs, rule.positive, rule.negative,
                  missing.empty() ? "" : rule.in_progress ? "  (in progress)" : "  <-- EMPTY CELL");
    rows.push_back({{"rule", id}, {"error_code", rule.error_code}, {"spec", rule.spec_file}, {"code", rule.code_refs},
                    {"model", rule.model_refs}, {"tests", rule.test_refs}, {"positive_vectors", rule.positive},
                    {"negative_vectors", rule.negative}});
  }
  const nlohmann::json faces = check_faces(options, index, problems);
  if (!options.quiet) {
    std::printf("\n%-20s %-10s %-10s %-10s %-10s %-10s %-10s\n", "mechanism", "reference", "optimized", "model", "vectors",
                "tests", "bench");
    for (const auto& row : faces) {
      auto mark = [&](const char* face) { return row["faces"][face].get<bool>() ? "yes" : "named"; };
      std::printf("%-20s %-10s %-10s %-10s %-10s %-10s %-10s\n", row["mechanism"].get<std::string>().c_str(), mark("reference"),
                  mark("optimized"), mark("model"), mark("vectors"), mark("tests"), mark("bench"));
    }
  }
  for (const auto& problem : problems) std::printf("TRACE %s\n", problem.c_str());
  std::string files;
  for (const auto& file : in_progress_files) files += (files.empty() ? "" : ", ") + file;
  if (pending.empty()) std::printf("%zu rules, %zu problems\n", rules.size(), problems.size());
  else
    std::printf("%zu rules, %zu problems, %zu rules pending (in progress: %s)\n", rules.size(), problems.size(),
                pending.size(), files.c_str());
  if (summary != nullptr)
    *summary = {{"rules", rows}, {"faces", faces}, {"problems", problems}, {"pending", pending}, {"in_progress", files}};
  return problems.empty() ? exit_ok : exit_check_failed;
}

}  // namespace l2::cli
