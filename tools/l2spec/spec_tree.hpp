// What `l2spec trace` and the audit report both read from the source tree, read one way: files,
// rule IDs and the lines of code that name them, and what each vector case exercises. The trace
// counts; the report links. spec: vectors.md#rule-tables, audit_report.md#rule-matrix
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace l2::cli::spec_tree {

// The whole file, or "" when it cannot be read.
std::string read_text(const std::filesystem::path& path);

// The regular files under `root` whose extension is one of `extensions`, sorted; none when `root`
// is not a directory.
std::vector<std::filesystem::path> files_under(const std::filesystem::path& root, const std::set<std::string>& extensions);

// A rule ID (`PC-UPD-3`) and an error code name (`INVALID_SIGNATURE`), matched against a whole cell.
const std::regex& rule_id_pattern();
const std::regex& code_name_pattern();

// Text without the Markdown a reader does not see (backquotes, asterisks), outer spaces trimmed.
std::string without_markup(std::string_view text);

// The cells of a Markdown table row, as written (inline Markdown kept, outer spaces trimmed);
// none for a line that is not a table row. A `|` inside a code span or escaped as `\|` does not
// split; a row without its closing bar keeps its last cell.
std::vector<std::string> table_cells(std::string_view line);

// A cell as `l2spec trace` compares it: without_markup, and "*" for a cell of asterisks only
// (the missing-faces table's "every op").
std::string plain_cell(std::string_view cell);

// The rows of a spec's missing-faces tables (spec/adding_a_mechanism.md#the-faces-check): after a
// header row `| operation | face | why ... |`, each row up to the table's end, separator excluded.
struct MissingFaceRow {
  std::vector<std::string> cells;  // as written
  std::vector<std::string> plain;  // plain_cell of each
  std::size_t line = 0;            // 1-based
  std::string text;                // the row as written
};
std::vector<MissingFaceRow> missing_face_rows(std::string_view spec_text);

// `id` occurs in `text` as a rule ID of its own: no letter or digit on either side, no '-' before.
bool names_rule(std::string_view text, std::string_view id);

// A line of a source file that names a rule.
struct CodeLine {
  enum class Kind {
    verify,   // a comment with `Verify:` that names the rule in brackets: the check that follows is the rule
    defined,  // a line that names the rule in brackets (`// spec: ... [MRK-ROOT-1]`): the code it heads implements it
    named,    // any other line naming it
  };
  std::string file;  // relative to the source tree
  std::size_t line = 0;
  std::string text;  // the line, trimmed
  Kind kind = Kind::named;
};

// Every line of the C++ sources (.hpp, .cpp, .h) under `root` that names one of `ids`, by rule, in
// file and line order.
std::map<std::string, std::vector<CodeLine>> code_lines(const std::filesystem::path& source, const std::filesystem::path& root,
                                                        const std::set<std::string>& ids);

// The number of files of `lines` (one rule's entry of code_lines).
std::size_t file_count(const std::vector<CodeLine>& lines);

// What a vector case exercises (spec/vectors.md): the rules it lists; whether every step
// succeeds (then it is positive for each rule it lists); for each invalid step the rule whose
// check failed, and for each malformed step each rule it lists (negative), once per step.
struct CaseExercise {
  std::vector<std::string> listed;
  bool positive = true;
  std::vector<std::string> negative;
  std::vector<std::string> invalid_rules;  // the rules of its invalid steps, once per step
};
CaseExercise exercise(const nlohmann::json& document);

}  // namespace l2::cli::spec_tree
