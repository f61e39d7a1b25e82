// The audit report document: the inputs of a run (what each stage found) joined with what the
// source tree says (rule tables, threat models, `// Verify:` lines, tests, vectors), per
// mechanism of the registry. spec: audit_report.md
#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "report.hpp"
#include "spec_tree.hpp"

namespace l2::cli::report {

namespace fs = std::filesystem;

namespace {

using spec_tree::files_under;
using spec_tree::read_text;
using spec_tree::without_markup;

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// `word` occurs in `text` with no letter, digit or '_' on either side.
bool contains_word(const std::string& text, const std::string& word) {
  auto identifier = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const std::size_t end = at + word.size();
    if ((at == 0 || !identifier(text[at - 1])) && (end == text.size() || !identifier(text[end]))) return true;
  }
  return false;
}

// A field of the inputs document, with a clear error when the document has the wrong shape.
const json& field(const json& object, const char* key, const std::string& where) {
  if (!object.is_object() || !object.contains(key))
    throw InputError("the audit inputs lack \"" + std::string(key) + "\" in " + where);
  return object.at(key);
}

std::string text_field(const json& object, const char* key, const std::string& where) {
  const json& value = field(object, key, where);
  if (!value.is_string()) throw InputError("the audit inputs' \"" + std::string(key) + "\" in " + where + " is not text");
  return value.get<std::string>();
}

using spec_tree::code_name_pattern;
using spec_tree::rule_id_pattern;

struct RuleSource {
  std::string id;
  std::string error_code = "—";
  std::string statement;  // inline Markdown, as the spec writes it
  std::string spec_file;
  std::string anchor;
  std::size_t line = 0;
  std::string section;  // the heading the table is under, without markup
};

struct Place {
  std::string file;
  std::size_t line = 0;
  std::string text;
  std::string kind;  // of a reference line: verify, defined or named
};

struct VectorCase {
  std::string name;
  std::string path;  // relative to the source tree
  std::string mechanism;
  std::string suite;
  std::vector<std::string> rules;
  bool positive = false;  // every step succeeds
  std::vector<std::string> negative_rules;  // the rules an invalid or malformed step exercises
  json adversarial;       // null, or {attack, party}
};

// The rules of every rule table of a spec: a table whose first header is "Rule" (any case) and
// whose rows start with a rule ID.
std::vector<RuleSource> rules_of(const SpecDocument& spec) {
  std::vector<RuleSource> out;
  for (const Table& table : spec.tables) {
    if (table.headers.empty() || lower(without_markup(table.headers[0])) != "rule") continue;
    std::size_t statement_column = std::string::npos;
    for (std::size_t i = 1; i < table.headers.size(); ++i) {
      const std::string header = lower(without_markup(table.headers[i]));
      if (header == "statement" || header.rfind("check", 0) == 0 || header == "meaning") {
        statement_column = i;
        break;
      }
    }
    for (const Table::Row& row : table.rows) {
      if (row.cells.empty() || !std::regex_match(without_markup(row.cells[0]), rule_id_pattern())) continue;
      RuleSource rule;
      rule.id = without_markup(row.cells[0]);
      rule.spec_file = spec.path;
      rule.line = row.line;
      for (std::size_t i = 1; i < row.cells.size(); ++i)
        if (std::regex_match(without_markup(row.cells[i]), code_name_pattern())) {
          rule.error_code = without_markup(row.cells[i]);
          break;
        }
      if (statement_column != std::string::npos && statement_column < row.cells.size()) rule.statement = row.cells[statement_column];
      else if (row.cells.size() > 1) rule.statement = row.cells.back();
      if (table.heading != std::string::npos) {
        rule.anchor = spec.headings[table.heading].anchor;
        rule.section = without_markup(spec.headings[table.heading].text);
      }
      out.push_back(rule);
    }
  }
  return out;
}

// The reference's lines for each rule (spec/audit_report.md#rule-matrix): each `Verify:` comment
// that names it in brackets; without one, the lines that name it in brackets (`// spec: merkle.md#root
// [MRK-ROOT-1]`: the code they head implements it); without those, the lines that name it at all,
// which is what `l2spec trace` counts as code. The reference is reference/ and the codec, the
// JSON mapping's reference code, as for the trace.
std::map<std::string, std::vector<Place>> reference_lines(const fs::path& source, const std::set<std::string>& rules) {
  std::map<std::string, std::vector<spec_tree::CodeLine>> all;
  for (const fs::path& root : {source / "reference", source / "tools" / "include" / "l2" / "codec"})
    for (auto& [id, lines] : spec_tree::code_lines(source, root, rules)) all[id].insert(all[id].end(), lines.begin(), lines.end());
  std::map<std::string, std::vector<Place>> out;
  for (const auto& [id, lines] : all) {
    for (const spec_tree::CodeLine::Kind kind :
         {spec_tree::CodeLine::Kind::verify, spec_tree::CodeLine::Kind::defined, spec_tree::CodeLine::Kind::named}) {
      for (const spec_tree::CodeLine& line : lines)
        if (line.kind == kind)
          out[id].push_back(Place{line.file, line.line, line.text,
                                  kind == spec_tree::CodeLine::Kind::verify    ? "verify"
                                  : kind == spec_tree::CodeLine::Kind::defined ? "defined"
                                                                               : "named"});
      if (out.count(id)) break;
    }
  }
  return out;
}

// The test files that name each rule, with the first line that does.
std::map<std::string, std::vector<Place>> test_mentions(const fs::path& source, const std::set<std::string>& rules) {
  std::map<std::string, std::vector<Place>> out;
  for (const auto& [id, lines] : spec_tree::code_lines(source, source / "tests", rules)) {
    std::set<std::string> seen;
    for (const spec_tree::CodeLine& line : lines)
      if (seen.insert(line.file).second) out[id].push_back(Place{line.file, line.line, "", ""});
  }
  return out;
}

// The vector cases of the index, with what each exercises (the rule of `l2spec trace`: a case
// whose steps all succeed is positive for each rule it lists; an invalid step is negative for the
// rule whose check failed; a malformed step for each rule the case lists).
std::vector<VectorCase> vector_cases(const fs::path& source, std::vector<std::string>& unreadable) {
  const fs::path index_path = source / "vectors" / "index.json";
  const json index = json::parse(read_text(index_path), nullptr, false);
  if (index.is_discarded() || !index.is_object() || !index.contains("files") || !index["files"].is_array())
    throw InputError("cannot read the vector index " + index_path.string());
  std::vector<VectorCase> out;
  for (const json& entry : index["files"]) {
    if (!entry.is_object() || entry.value("kind", json("")) != "case") continue;
    const json path_field = entry.value("path", json(""));
    const std::string path = path_field.is_string() ? path_field.get<std::string>() : path_field.dump();
    const json document = json::parse(read_text(source / "vectors" / path), nullptr, false);
    // One file the report cannot read is a gap of the report, not the end of it.
    if (document.is_discarded() || !document.is_object()) {
      unreadable.push_back("vectors/" + path);
      continue;
    }
    auto text = [&](const char* key) {
      const json value = document.value(key, json(""));
      return value.is_string() ? value.get<std::string>() : std::string();
    };
    VectorCase item;
    item.name = text("case");
    item.path = "vectors/" + path;
    item.mechanism = text("mechanism");
    item.suite = text("suite");
    const spec_tree::CaseExercise exercised = spec_tree::exercise(document);
    item.rules = exercised.listed;
    item.positive = exercised.positive;
    item.negative_rules = exercised.negative;
    item.adversarial = document.contains("adversarial") ? document["adversarial"] : json(nullptr);
    std::sort(item.negative_rules.begin(), item.negative_rules.end());
    item.negative_rules.erase(std::unique(item.negative_rules.begin(), item.negative_rules.end()), item.negative_rules.end());
    out.push_back(std::move(item));
  }
  return out;
}

// A table as structured rows: each row an object from header to cell (a repeated header gets
// " (2)"), with its line.
json structured_table(const Table& table, const SpecDocument& spec) {
  std::vector<std::string> keys;
  for (const std::string& header : table.headers) {
    std::string key = without_markup(header);
    int n = 1;
    while (std::find(keys.begin(), keys.end(), key) != keys.end()) key = without_markup(header) + " (" + std::to_string(++n) + ")";
    keys.push_back(key);
  }
  json rows = json::array();
  for (const Table::Row& row : table.rows) {
    json cells = json::object();
    for (std::size_t i = 0; i < keys.size(); ++i) cells[keys[i]] = i < row.cells.size() ? row.cells[i] : std::string();
    rows.push_back({{"line", row.line}, {"cells", cells}});
  }
  return {{"headers", keys},
          {"rows", rows},
          {"line", table.line},
          {"section", table.heading == std::string::npos ? json(nullptr) : json(spec.headings[table.heading].anchor)}};
}

// The spec's obligation tables (first header "invariant" or "obligation"), by obligation: the
// row's whole text (for rule mentions) and its premise cell when it has one. A row names its
// invariants and its transitions: "`inv` × `open`", "`a` × `x`, `y`", or the invariant alone with
// the transitions in a "transition(s)" column ("same": the row above's). A row for every
// transition ("each move", "all 8", "any", none named) is the invariant's row for any transition
// that no row names; a row naming transitions is that pair's only.
struct SpecObligationRow {
  std::string text;
  std::string premise;
  std::string anchor;
  std::size_t line = 0;
};

// "`turn_taking_n{2,3,4}`" is turn_taking_n2, turn_taking_n3, turn_taking_n4.
std::vector<std::string> expand_braces(const std::string& name) {
  const auto opening = name.find('{');
  const auto closing = opening == std::string::npos ? std::string::npos : name.find('}', opening);
  if (closing == std::string::npos) return {name};
  std::vector<std::string> out;
  std::istringstream choices(name.substr(opening + 1, closing - opening - 1));
  for (std::string choice; std::getline(choices, choice, ',');)
    for (const std::string& rest : expand_braces(name.substr(closing + 1)))
      out.push_back(name.substr(0, opening) + without_markup(choice) + rest);
  return out;
}

// The names a cell gives in backquotes, braces expanded, "`a_1` .. `a_4`" as a_1, a_2, a_3, a_4.
std::vector<std::string> quoted_names(const std::string& cell) {
  std::vector<std::string> out;
  std::size_t at = cell.find('`');
  while (at != std::string::npos) {
    const auto end = cell.find('`', at + 1);
    if (end == std::string::npos) break;
    const std::string name = cell.substr(at + 1, end - at - 1);
    // A range: the previous name and this one differ only in a numeric suffix, and ".." is between.
    const std::string between = out.empty() ? std::string() : cell.substr(0, at);
    const auto dots = between.rfind("..");
    const auto last_tick = between.rfind('`');
    if (!out.empty() && dots != std::string::npos && last_tick != std::string::npos && dots > last_tick) {
      const std::string first = out.back();
      const auto first_digits = first.find_last_not_of("0123456789") + 1;
      const auto last_digits = name.find_last_not_of("0123456789") + 1;
      if (first_digits < first.size() && last_digits < name.size() && first.substr(0, first_digits) == name.substr(0, last_digits) &&
          first.size() - first_digits < 9 && name.size() - last_digits < 9) {
        const long from = std::stol(first.substr(first_digits)), to = std::stol(name.substr(last_digits));
        for (long n = from + 1; n <= to && n - from <= 64; ++n) out.push_back(name.substr(0, last_digits) + std::to_string(n));
        at = cell.find('`', end + 1);
        continue;
      }
    }
    for (const std::string& expanded : expand_braces(name))
      if (!expanded.empty() && expanded.find(' ') == std::string::npos) out.push_back(expanded);
    at = cell.find('`', end + 1);
  }
  return out;
}

// The key of an obligation's spec row: "invariant\ttransition"; "invariant\t" for any transition
// no row names; "invariant\t*" for the invariant's only row.
std::string obligation_key(const std::string& invariant, const std::string& transition) { return invariant + "\t" + transition; }

std::map<std::string, SpecObligationRow> spec_obligation_rows(const SpecDocument& spec) {
  std::map<std::string, SpecObligationRow> out;
  std::set<std::string> several_rows;
  for (const Table& table : spec.tables) {
    if (table.headers.size() < 2) continue;
    const std::string first = lower(without_markup(table.headers[0]));
    if (first != "invariant" && first != "obligation") continue;
    std::size_t premise_column = std::string::npos, transition_column = std::string::npos;
    for (std::size_t i = 1; i < table.headers.size(); ++i) {
      const std::string header = lower(without_markup(table.headers[i]));
      if (header == "premise") premise_column = i;
      if (header == "transition" || header == "transitions") transition_column = i;
    }
    std::string previous_transitions;
    for (const Table::Row& row : table.rows) {
      if (row.cells.empty()) continue;
      std::string text;
      for (const std::string& cell : row.cells) text += cell + " | ";
      const SpecObligationRow entry{text, premise_column < row.cells.size() ? row.cells[premise_column] : std::string(),
                                    table.heading == std::string::npos ? std::string() : spec.headings[table.heading].anchor, row.line};
      std::string names = row.cells[0], transitions;
      if (const auto times = names.find("×"); times != std::string::npos) {
        transitions = names.substr(times + std::string("×").size());
        names = names.substr(0, times);
      } else if (transition_column < row.cells.size()) {
        transitions = row.cells[transition_column];
        if (lower(without_markup(transitions)) == "same") transitions = previous_transitions;
      }
      previous_transitions = transitions;
      std::vector<std::string> invariants = quoted_names(names);
      if (invariants.empty()) {
        // Names without backquotes: split the cell on ',' and '/'.
        std::string plain = without_markup(names);
        for (char& c : plain)
          if (c == ',' || c == '/') c = ' ';
        std::istringstream words(plain);
        for (std::string word; words >> word;) invariants.push_back(word);
      }
      const std::vector<std::string> named = quoted_names(transitions);
      const std::string words = lower(without_markup(transitions));
      const bool every = named.empty() || contains_word(words, "each") || contains_word(words, "all") || contains_word(words, "any") ||
                         contains_word(words, "ops");
      for (const std::string& invariant : invariants) {
        for (const std::string& transition : named) out.emplace(obligation_key(invariant, transition), entry);
        if (every) out.emplace(obligation_key(invariant, ""), entry);
        // An invariant with one row only is that row's whatever the transition is called in the
        // model (`trace` for a bounded run the spec writes as "`open` over three channel slots").
        if (!out.emplace(obligation_key(invariant, "*"), entry).second) several_rows.insert(invariant);
      }
    }
  }
  for (const std::string& invariant : several_rows) out.erase(obligation_key(invariant, "*"));
  return out;
}

// A section's "Order:" sentence: from a line starting with `Order:` to the first full stop
// (it may wrap onto the next lines of its paragraph); "" when the section has none.
std::string order_line(const std::string& section_text) {
  std::istringstream lines(section_text);
  std::string out;
  bool in_order = false;
  for (std::string line; std::getline(lines, line);) {
    if (!in_order) {
      const auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line.compare(first, 6, "Order:") != 0) continue;
      in_order = true;
    } else if (line.find_first_not_of(" \t\r") == std::string::npos) {
      break;
    }
    out += line + " ";
    for (std::size_t at = out.find('.'); at != std::string::npos; at = out.find('.', at + 1))
      if (at + 1 == out.size() || out[at + 1] == ' ') return out.substr(0, at);
  }
  return out;
}

// The spec's missing-faces table (`| operation | face | why ... |`), read as `l2spec trace` reads it.
json missing_faces(const SpecDocument& spec) {
  std::string text;
  for (const std::string& line : spec.lines) text += line + "\n";
  json rows = json::array();
  for (const spec_tree::MissingFaceRow& row : spec_tree::missing_face_rows(text))
    if (row.cells.size() >= 3)
      rows.push_back({{"operations", row.plain[0]}, {"face", row.plain[1]}, {"why", row.cells[2]}, {"line", row.line}});
  return rows;
}

// A counterexample case (vectors.md#counterexample-cases) as steps a reader can follow.
json readable_steps(const json& document) {
  json steps = json::array();
  if (!document.is_object()) return steps;
  std::size_t number = 0;
  for (const json& step : document.value("steps", json::array())) {
    const json expect = step.value("expect", json::object());
    std::string outcome;
    const std::string kind = expect.value("outcome", "");
    if (kind == "ok") outcome = "accepted; state root " + expect.value("state_root", std::string("?"));
    else if (kind == "invalid")
      outcome = "rejected with " + expect.value("error", std::string("?")) + " (" + expect.value("rule", std::string("?")) + ")" +
                (expect.value("reason", std::string()).empty() ? "" : ": " + expect.value("reason", std::string()));
    else outcome = "malformed: " + expect.value("reason", std::string("?"));
    steps.push_back({{"step", ++number},
                     {"op", step.value("op", "")},
                     {"height", !step.contains("height")     ? std::string("none")
                                : step["height"].is_string() ? step["height"].get<std::string>()
                                                             : step["height"].dump()},
                     {"input", step.contains("input") ? step["input"].dump() : std::string("null")},
                     {"outcome", outcome}});
  }
  return steps;
}

// Natural order: "hop2" before "hop10", "proof[1]" before "proof[12]".
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t i_end = i, j_end = j;
      while (i_end < a.size() && digit(a[i_end])) ++i_end;
      while (j_end < b.size() && digit(b[j_end])) ++j_end;
      const std::string x = a.substr(i, i_end - i), y = b.substr(j, j_end - j);
      const std::string x_trim = x.substr(std::min(x.find_first_not_of('0'), x.size())), y_trim = y.substr(std::min(y.find_first_not_of('0'), y.size()));
      if (x_trim.size() != y_trim.size()) return x_trim.size() < y_trim.size();
      if (x_trim != y_trim) return x_trim < y_trim;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

// A Z3 bit-vector literal (#x.., #b..) of at most 64 bits in decimal; anything else as written.
std::string readable_value(const std::string& value) {
  if (value.size() > 2 && value[0] == '#' && (value[1] == 'x' || value[1] == 'b')) {
    const bool hex = value[1] == 'x';
    const std::string digits = value.substr(2);
    const std::size_t bits = digits.size() * (hex ? 4 : 1);
    if (bits <= 64 && digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "01") == std::string::npos)
      return std::to_string(std::stoull(digits, nullptr, hex ? 16 : 2));
  }
  return value;
}

// What a value of a one-step counterexample is of, by the names the models give their variables
// (`pre.`/`from.` the state before, `in.`/`<transition>.`/`instruction.` the step's input, `post.`/`to.`
// the state after, `env.`/`config.`/`fixed.`/`limits.`/`params.` the environment): so a weakening
// without a step trace still reads as one step.
std::string value_role(const std::string& group, const std::string& transition) {
  static const std::set<std::string> pre = {"pre", "from", "before", "state"}, input = {"in", "input", "instruction", "call", "msg"},
                                     post = {"post", "to", "after", "next"},
                                     environment = {"env", "config", "fixed", "limits", "params", "deploy"};
  if (pre.count(group)) return "pre-state";
  if (input.count(group) || (!transition.empty() && group == transition)) return "input";
  if (post.count(group)) return "post-state";
  if (environment.count(group)) return "environment";
  return "other";
}

int role_order(const std::string& role) {
  return role == "pre-state" ? 0 : role == "input" ? 1 : role == "environment" ? 2 : role == "post-state" ? 3 : 4;
}

// Z3's model of a counterexample ("name = value" lines) as rows grouped by what the name is of (its
// part before the first '.': "pre", "hop1", "proof[0]"), in natural order, values in decimal; each
// with its role in the step (value_role), pre-state first.
json readable_values(const std::string& model, const std::string& transition) {
  struct Row {
    std::string role, group, name, value, raw;
  };
  std::vector<Row> rows;
  std::istringstream lines(model);
  std::string line;
  while (std::getline(lines, line)) {
    const auto equals = line.find(" = ");
    if (equals == std::string::npos) continue;
    const std::string name = line.substr(0, equals), raw = line.substr(equals + 3);
    const auto dot = name.find('.');
    const std::string group = dot == std::string::npos ? std::string() : name.substr(0, dot);
    rows.push_back({value_role(group, transition), group, dot == std::string::npos ? name : name.substr(dot + 1), readable_value(raw), raw});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.role != b.role) return role_order(a.role) < role_order(b.role);
    return a.group != b.group ? natural_less(a.group, b.group) : natural_less(a.name, b.name);
  });
  json out = json::array();
  for (const Row& row : rows)
    out.push_back({{"role", row.role}, {"group", row.group}, {"name", row.name}, {"value", row.value}, {"raw", row.raw}});
  return out;
}

// The transition of an obligation id ("game_channel__round_outcome__commit_a__consecution").
std::string transition_of(const std::string& obligation_id) {
  const auto first = obligation_id.find("__");
  const auto second = first == std::string::npos ? std::string::npos : obligation_id.find("__", first + 2);
  const auto third = second == std::string::npos ? std::string::npos : obligation_id.find("__", second + 2);
  return third == std::string::npos ? std::string() : obligation_id.substr(second + 2, third - second - 2);
}

std::size_t count_failed(const json& obligations) {
  std::size_t failed = 0;
  for (const json& o : obligations)
    if (o.value("result", "") != "proved") ++failed;
  return failed;
}

}  // namespace

// The spec's text for a weakening: the rows of tables that name it, joined (the obligations it is
// expected to be refuted by are named there).
std::string weakening_text(const SpecDocument& spec, const std::string& name) {
  std::string text;
  for (const Table& table : spec.tables) {
    bool about_weakenings = false;
    for (const std::string& header : table.headers) about_weakenings = about_weakenings || lower(header).find("weaken") != std::string::npos;
    if (!about_weakenings) continue;
    for (const Table::Row& row : table.rows) {
      std::string joined;
      for (const std::string& cell : row.cells) joined += cell;
      if (joined.find("`" + name + "`") == std::string::npos && joined.find(":" + name + "`") == std::string::npos) continue;
      // One line per row: "header: cell; header: cell".
      std::string line;
      for (std::size_t i = 0; i < row.cells.size(); ++i)
        line += (i ? "; " : "") + (i < table.headers.size() ? without_markup(table.headers[i]) + ": " : std::string()) + row.cells[i];
      text += (text.empty() ? "" : "\n") + line;
    }
  }
  return text;
}

json build_report(const json& inputs, const fs::path& source) {
  if (!inputs.is_object()) throw InputError("the audit inputs are not a JSON object");
  const json& registry = field(inputs, "registry", "the inputs");
  const json& mechanism_inputs = field(inputs, "mechanisms", "the inputs");
  if (!registry.is_array() || !mechanism_inputs.is_array())
    throw InputError("the audit inputs' \"registry\" and \"mechanisms\" must be arrays");
  std::vector<std::string> registry_names;
  for (const json& name : registry) registry_names.push_back(name.get<std::string>());

  // Every spec file's rules; a rule belongs to the mechanism whose spec defines it, or, for the
  // shared specs (merkle.md, encoding.md, ...), to the first mechanism of the registry whose
  // vectors list it.
  std::map<std::string, SpecDocument> specs;  // by relative path
  for (const fs::path& file : files_under(source / "spec", {".md"})) {
    const std::string relative = fs::relative(file, source).generic_string();
    specs.emplace(relative, read_spec(source, relative));
  }
  std::map<std::string, RuleSource> rules;
  for (const auto& [path, spec] : specs)
    for (const RuleSource& rule : rules_of(spec)) rules.emplace(rule.id, rule);
  std::vector<std::string> rule_ids;
  for (const auto& [id, rule] : rules) rule_ids.push_back(id);
  std::set<std::string> rule_set(rule_ids.begin(), rule_ids.end());

  std::vector<std::string> unreadable_cases;
  const std::vector<VectorCase> cases = vector_cases(source, unreadable_cases);
  std::map<std::string, std::string> owner;  // rule -> mechanism
  for (const auto& [id, rule] : rules) {
    const std::string stem = fs::path(rule.spec_file).stem().string();
    if (std::find(registry_names.begin(), registry_names.end(), stem) != registry_names.end()) owner[id] = stem;
  }
  for (const std::string& name : registry_names)
    for (const VectorCase& item : cases)
      if (item.mechanism == name)
        for (const std::string& id : item.rules)
          if (rule_set.count(id) && !owner.count(id)) owner[id] = name;

  const auto verifies = reference_lines(source, rule_set);
  const auto tests = test_mentions(source, rule_set);

  // Mutation: per rule (the campaign's scope) and per mechanism, when the campaign ran.
  const json mutants = inputs.value("mutants", json(nullptr));
  std::map<std::string, json> mutants_by_rule;
  if (mutants.is_object() && (!mutants.contains("mutants") || !mutants["mutants"].is_array() || !mutants.contains("mechanisms") ||
                              !mutants["mechanisms"].is_object()))
    throw InputError("the audit inputs' \"mutants\" is not a mutation report (tools/mutate/mutate.py's mutants.json)");
  const json empty_mutation = {{"mutants", 0}, {"killed", 0},  {"surviving", 0},
                               {"not_tested", 0}, {"equivalent", 0}, {"not_run", 0}, {"surviving_ids", json::array()}};
  if (mutants.is_object()) {
    // As tools/mutate/mutate.py's summarize() counts: a mutant the vectors did not kill is killed
    // by the suite when the tests killed it, survives when the tests ran and did not (or never
    // reached it), and is not tested when the tests did not run on it.
    for (const json& m : mutants["mutants"]) {
      if (!m.is_object()) throw InputError("the mutation report has a mutant that is not an object");
      const json scope_field = m.value("scope", m.value("rule", json("")));
      const std::string scope = scope_field.is_string() ? scope_field.get<std::string>() : scope_field.dump();
      json& row = mutants_by_rule[scope];
      if (row.is_null()) row = empty_mutation;
      row["mutants"] = row["mutants"].get<int>() + 1;
      const json vectors_status = m.value("vectors", json(nullptr));
      const json tests_status = m.value("tests", json(nullptr));
      const bool ran = !vectors_status.is_null() && vectors_status != "not_run";
      const bool tests_ran = tests_status == "killed" || tests_status == "survived" || tests_status == "not_reached";
      const bool equivalent = m.value("equivalent", json(false)) == true;
      if (equivalent) row["equivalent"] = row["equivalent"].get<int>() + 1;
      else if (!ran) row["not_run"] = row["not_run"].get<int>() + 1;
      else if (vectors_status != "survived" || tests_status == "killed") row["killed"] = row["killed"].get<int>() + 1;
      else if (!tests_ran) row["not_tested"] = row["not_tested"].get<int>() + 1;
      else {
        row["surviving"] = row["surviving"].get<int>() + 1;
        const json key = m.value("key", json(""));
        row["surviving_ids"].push_back(key.is_string() ? key.get<std::string>() : key.dump());
      }
    }
    // The campaign's own count of the suite's kills, where its report has it, is the one shown.
    for (const auto& [mechanism, summary_row] : mutants["mechanisms"].items()) {
      if (!summary_row.is_object() || !summary_row.contains("rules") || !summary_row["rules"].is_object()) continue;
      for (const auto& [scope, counts] : summary_row["rules"].items())
        if (mutants_by_rule.count(scope) && counts.is_object() && counts.value("killed_by_suite", json(nullptr)).is_number_integer())
          mutants_by_rule[scope]["killed"] = counts["killed_by_suite"];
    }
  }

  const json trace = inputs.value("trace", json(nullptr));
  const json drift = inputs.value("drift", json(nullptr));
  const json vectors_stage = inputs.value("vectors", json(nullptr));

  json summary = json::array();
  json sections = json::array();
  for (const json& mechanism : mechanism_inputs) {
    const std::string name = text_field(mechanism, "name", "a mechanism");
    const std::string spec_path = "spec/" + name + ".md";
    if (!specs.count(spec_path))
      throw InputError("cannot read " + (source / spec_path).string() + ": the report needs the spec of mechanism " + name);
    const SpecDocument& spec = specs.at(spec_path);
    const auto spec_rows = spec_obligation_rows(spec);

    // Its rules, in spec order.
    std::vector<const RuleSource*> own;
    for (const auto& [id, rule] : rules)
      if (owner.count(id) && owner.at(id) == name) own.push_back(&rule);
    std::stable_sort(own.begin(), own.end(), [](const RuleSource* a, const RuleSource* b) {
      return a->spec_file != b->spec_file ? a->spec_file < b->spec_file : a->line < b->line;
    });
    std::vector<std::string> own_ids;
    for (const RuleSource* rule : own) own_ids.push_back(rule->id);

    // The rules of a transition: those of the tables in its spec section (`### apply_<op>` or
    // `### <op>`), those the section names (its "Order:" line), and those of each shared check
    // whose name the section mentions (`check_balances`).
    std::map<std::string, std::vector<std::string>> rules_by_section;  // lower-case title -> rules
    for (const RuleSource* rule : own)
      if (rule->spec_file == spec.path) rules_by_section[lower(rule->section)].push_back(rule->id);
    std::map<std::string, std::vector<std::string>> transition_cache;
    auto transition_rules = [&](const std::string& transition) -> const std::vector<std::string>& {
      if (auto found = transition_cache.find(transition); found != transition_cache.end()) return found->second;
      std::vector<std::string>& out = transition_cache[transition];
      // A transition named with a numeric suffix is its op at one size (allocate_2: allocate with
      // two sub-channels), and takes the op's section.
      std::string op = transition;
      const auto digits = op.find_last_not_of("0123456789");
      if (digits != std::string::npos && digits + 1 < op.size() && op[digits] == '_') op = op.substr(0, digits);
      const bool has_own_section = spec.find_heading("apply_" + transition) != nullptr || spec.find_heading(transition) != nullptr;
      if (has_own_section) op = transition;
      for (const Heading& heading : spec.headings) {
        const std::string title = lower(without_markup(heading.text));
        if (title != lower("apply_" + op) && title != lower(op)) continue;
        const std::string text = spec.section_text(heading);
        auto add = [&](const std::string& id) {
          if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
        };
        if (auto found = rules_by_section.find(title); found != rules_by_section.end())
          for (const std::string& id : found->second) add(id);
        // Only its "Order:" line names rules (audit_report.md#rule-matrix): the prose around the
        // tables mentions rules of other transitions.
        for (const std::string& id : rule_mentions(order_line(text), own_ids)) add(id);
        for (const auto& [check, ids] : rules_by_section) {
          if (check == title || check.find(' ') != std::string::npos || check.empty()) continue;
          if (contains_word(lower(text), check))
            for (const std::string& id : ids) add(id);
        }
        break;
      }
      return out;
    };

    // Its obligations, and which rules each covers.
    const json obligation_inputs = mechanism.value("obligations", json(nullptr));
    json obligations = json::array();
    std::map<std::string, json> covering;  // rule -> [{obligation, via}]
    if (obligation_inputs.is_array()) {
      for (const json& o : obligation_inputs) {
        const std::string id = text_field(o, "id", name + "'s obligations");
        const std::string invariant = text_field(o, "invariant", id);
        const std::string transition = text_field(o, "transition", id);
        json covers = json::array();
        auto cover = [&](const std::string& rule, const std::string& via) {
          for (const json& c : covers)
            if (c["rule"] == rule) return;
          covers.push_back({{"rule", rule}, {"via", via}});
          covering[rule].push_back({{"obligation", id}, {"via", via}});
        };
        for (const std::string& rule : transition_rules(transition)) cover(rule, "transition");
        for (const std::string& rule : rule_mentions(o.value("statement", ""), own_ids)) cover(rule, "statement");
        SpecObligationRow spec_row;
        if (auto found = spec_rows.find(obligation_key(invariant, transition)); found != spec_rows.end()) spec_row = found->second;
        else if (auto any = spec_rows.find(obligation_key(invariant, "")); any != spec_rows.end()) spec_row = any->second;
        else if (auto only = spec_rows.find(obligation_key(invariant, "*")); only != spec_rows.end()) spec_row = only->second;
        for (const std::string& rule : rule_mentions(spec_row.text, own_ids)) cover(rule, "spec");
        const bool premise_stated = o.value("premise_stated", false);
        const std::string result = text_field(o, "result", id);
        const std::string reason = o.value("reason", "");
        // The premise in words (Obligation::premise); inputs written before it existed have none.
        const std::string premise_text = o.contains("premise") ? text_field(o, "premise", id) : std::string();
        json premise = {{"text", premise_text.empty() ? json(nullptr) : json(premise_text)},
                        {"stated", premise_stated},
                        {"satisfiable", premise_stated && result == "proved"  ? json(true)
                                        : reason.rfind("vacuous", 0) == 0     ? json(false)
                                                                              : json(nullptr)},
                        {"spec", spec_row.premise.empty() ? json(nullptr) : json(spec_row.premise)}};
        obligations.push_back({{"id", id},
                               {"invariant", invariant},
                               {"transition", transition},
                               {"kind", o.value("kind", "")},
                               {"statement", o.value("statement", "")},
                               {"premise", premise},
                               {"result", result},
                               {"seconds", o.value("seconds", 0.0)},
                               {"reason", reason},
                               {"counterexample", o.value("counterexample", "")},
                               {"values", readable_values(o.value("counterexample", std::string()), transition)},
                               {"spec", spec_row.anchor.empty() ? json(nullptr)
                                                                : json{{"file", spec.path}, {"anchor", spec_row.anchor}, {"line", spec_row.line}}},
                               {"covers", covers}});
      }
    }

    // The rule matrix.
    json matrix = json::array();
    std::size_t rules_with_positive = 0, rules_with_negative = 0;
    for (const RuleSource* rule : own) {
      json positive = json::array(), negative = json::array();
      for (const VectorCase& item : cases) {
        const bool lists = std::find(item.rules.begin(), item.rules.end(), rule->id) != item.rules.end();
        if (lists && item.positive) positive.push_back({{"name", item.name}, {"path", item.path}});
        if (std::find(item.negative_rules.begin(), item.negative_rules.end(), rule->id) != item.negative_rules.end())
          negative.push_back({{"name", item.name}, {"path", item.path}});
      }
      rules_with_positive += positive.empty() ? 0 : 1;
      rules_with_negative += negative.empty() ? 0 : 1;
      json reference = json::array();
      if (auto found = verifies.find(rule->id); found != verifies.end())
        for (const Place& place : found->second)
          reference.push_back({{"file", place.file}, {"line", place.line}, {"text", place.text}, {"kind", place.kind}});
      json test_places = json::array();
      if (auto found = tests.find(rule->id); found != tests.end())
        for (const Place& place : found->second) test_places.push_back({{"file", place.file}, {"line", place.line}});
      json mutation = nullptr;
      if (auto found = mutants_by_rule.find(rule->id); found != mutants_by_rule.end()) mutation = found->second;
      else if (mutants.is_object() && mutants.contains("mechanisms") && mutants["mechanisms"].contains(name))
        mutation = empty_mutation;
      matrix.push_back({{"id", rule->id},
                        {"error_code", rule->error_code},
                        {"statement", rule->statement},
                        {"spec", {{"file", rule->spec_file}, {"anchor", rule->anchor}, {"line", rule->line}}},
                        {"reference", reference},
                        {"obligations", covering.count(rule->id) ? covering[rule->id] : json::array()},
                        {"vectors", {{"positive", positive}, {"negative", negative}}},
                        {"tests", test_places},
                        {"mutants", mutation}});
    }

    // Its vectors.
    std::size_t case_count = 0, positive_cases = 0, adversarial = 0;
    for (const VectorCase& item : cases) {
      if (item.mechanism != name) continue;
      ++case_count;
      positive_cases += item.positive ? 1 : 0;
      adversarial += item.adversarial.is_object() ? 1 : 0;
    }

    // Its weakenings, each with the counterexample it produced as readable steps.
    json weakenings = json::array();
    for (const json& w : mechanism.value("weakenings", json::array())) {
      json row = w;
      row["spec_text"] = weakening_text(spec, w.value("name", ""));
      row["steps"] = readable_steps(w.value("case", json(nullptr)));
      const json refuted = w.value("obligation", json(nullptr));
      row["values"] = readable_values(w.value("counterexample", std::string()), refuted.is_string() ? transition_of(refuted.get<std::string>()) : "");
      if (w.contains("case") && w["case"].is_object()) row["pre_state"] = w["case"].value("pre_state", json(nullptr)).dump();
      else row["pre_state"] = nullptr;
      row.erase("case");
      weakenings.push_back(row);
    }

    // The open gaps.
    json gaps = json::array();
    for (const json& face : missing_faces(spec))
      gaps.push_back({{"kind", "missing face"},
                      {"detail", (face["operations"] == "*" ? std::string("the mechanism") : face["operations"].get<std::string>()) +
                                     " has no " + face["face"].get<std::string>() + " face: " + face["why"].get<std::string>()},
                      {"link", {{"file", spec.path}, {"line", face["line"]}}}});
    for (const json& o : obligations)
      if (o["result"] != "proved")
        gaps.push_back({{"kind", "obligation not proved"},
                        {"detail", o["id"].get<std::string>() + ": " + o["result"].get<std::string>() +
                                       (o["reason"].get<std::string>().empty() ? "" : " (" + o["reason"].get<std::string>() + ")")},
                        {"link", nullptr}});
    if (drift.is_array())
      for (const json& d : drift)
        if (d.is_string() && d.get<std::string>().rfind(name + "/", 0) == 0)
          gaps.push_back({{"kind", "drift"}, {"detail", d.get<std::string>()}, {"link", nullptr}});
    if (vectors_stage.is_object())
      for (const json& failure : vectors_stage.value("failures", json::array()))
        if (failure.is_string() && failure.get<std::string>().find(name + "/") != std::string::npos)
          gaps.push_back({{"kind", "vector failure"}, {"detail", failure.get<std::string>()}, {"link", nullptr}});
    for (const std::string& path : unreadable_cases)
      if (path.rfind("vectors/" + name + "/", 0) == 0)
        gaps.push_back({{"kind", "vector failure"},
                        {"detail", path + ": vectors/index.json lists it, but it is not a JSON object the report can read"},
                        {"link", nullptr}});
    if (trace.is_object()) {
      for (const char* list : {"problems", "pending"})
        for (const json& problem : trace.value(list, json::array())) {
          const std::string text = problem.is_string() ? problem.get<std::string>() : problem.dump();
          const std::string first = text.substr(0, text.find(':'));
          const bool mine = (owner.count(first) && owner.at(first) == name) || first == name || first == spec.path ||
                            text.rfind(name + "/", 0) == 0;
          if (mine) gaps.push_back({{"kind", std::string(list) == "problems" ? "trace problem" : "trace pending"}, {"detail", text}, {"link", nullptr}});
        }
    }
    for (const json& w : weakenings)
      if (w.value("status", "") != "counterexample")
        gaps.push_back({{"kind", "weakening without a counterexample"},
                        {"detail", w.value("name", "") + ": " + w.value("status", "") +
                                       (w.value("note", std::string()).empty() ? "" : " (" + w.value("note", std::string()) + ")")},
                        {"link", nullptr}});
    const json traces = mechanism.value("trace_validation", json(nullptr));
    if (traces.is_object() && traces.value("disagreements", 0) > 0)
      gaps.push_back({{"kind", "trace validation"},
                      {"detail", std::to_string(traces.value("disagreements", 0)) + " disagreements between the reference and the model"},
                      {"link", nullptr}});

    const std::string anchor = "mechanism-" + name;
    json mutation_summary = nullptr;
    if (mutants.is_object() && mutants.contains("mechanisms") && mutants["mechanisms"].contains(name)) {
      const json& s = mutants["mechanisms"][name];
      mutation_summary = {{"mutants", s.value("mutants", 0)},
                          {"equivalent", s.value("equivalent", 0)},
                          {"not_run", s.value("not_run", 0)},
                          {"vector_kill_rate", s.value("vector_kill_rate", json(nullptr))},
                          {"suite_kill_rate", s.value("suite_kill_rate", json(nullptr))}};
    }
    const bool has_obligations = obligation_inputs.is_array();
    summary.push_back({{"mechanism", name},
                       {"anchor", anchor},
                       {"in_progress", spec.in_progress},
                       {"rules", own.size()},
                       {"rules_with_positive_vector", rules_with_positive},
                       {"rules_with_negative_vector", rules_with_negative},
                       {"obligations", has_obligations ? json{{"total", obligations.size()},
                                                              {"proved", obligations.size() - count_failed(obligations)},
                                                              {"failed", count_failed(obligations)}}
                                                       : json(nullptr)},
                       {"vectors", {{"cases", case_count}, {"positive", positive_cases}, {"negative", case_count - positive_cases}}},
                       {"adversarial", adversarial},
                       {"mutation", mutation_summary},
                       {"gaps", gaps.size()}});

    json threat_tables = json::array();
    for (const Table* table : spec.tables_in_section("Threat model")) threat_tables.push_back(structured_table(*table, spec));
    const Heading* threat_heading = spec.find_heading("Threat model");
    sections.push_back({{"mechanism", name},
                        {"anchor", anchor},
                        {"spec", spec.path},
                        {"in_progress", spec.in_progress},
                        {"threat_model", {{"anchor", threat_heading != nullptr ? json(threat_heading->anchor) : json(nullptr)},
                                          {"tables", threat_tables}}},
                        {"rules", matrix},
                        {"obligations", has_obligations ? obligations : json(nullptr)},
                        {"weakenings", weakenings},
                        {"trace_validation", traces},
                        {"missing_faces", missing_faces(spec)},
                        {"gaps", gaps}});
  }

  std::vector<std::string> unowned;
  for (const auto& [id, rule] : rules)
    if (!owner.count(id)) unowned.push_back(id + " (" + rule.spec_file + ")");

  json report = {{"schema", audit_schema},
                 {"schema_version", audit_schema_version},
                 {"result", inputs.value("result", "fail")},
                 {"run", field(inputs, "environment", "the inputs")},
                 {"options", inputs.value("options", json::object())},
                 {"rendered", inputs.value("rendered", json(nullptr))},
                 {"stages", inputs.value("stages", json::array())},
                 {"summary", summary},
                 {"mechanisms", sections},
                 {"rules_without_mechanism", unowned},
                 {"kernels", inputs.value("kernels", json(nullptr))},
                 {"vectors", vectors_stage},
                 {"drift", drift},
                 {"trace_problems", trace.is_object() ? trace.value("problems", json::array()) : json(nullptr)},
                 {"mutation_campaign", nullptr},
                 {"benchmarks", nullptr}};
  if (mutants.is_object()) {
    json names = json::array();
    for (const auto& [name, row] : mutants["mechanisms"].items()) names.push_back(name);
    report["mutation_campaign"] = {{"generated", mutants.value("generated", json(nullptr))},
                                   {"budget_seconds", mutants.value("budget_seconds", json(nullptr))},
                                   {"mechanisms", names}};
  }
  const json bench = inputs.value("benchmarks", json(nullptr));
  if (bench.is_object()) {
    check_benchmark_document(bench.value("data", json(nullptr)), "the audit inputs' benchmark file " + bench.value("file", json("")).dump());
    const std::string targets_path = "spec/audit_report.md";
    if (!specs.count(targets_path)) throw InputError("cannot read " + (source / targets_path).string() + ": it holds the benchmark targets");
    report["benchmarks"] = {{"file", bench.value("file", "")},
                            {"context", bench.value("data", json::object()).value("context", json::object())},
                            {"rows", benchmark_rows(bench.value("data", json::object()), specs.at(targets_path))},
                            {"families", benchmark_families(bench.value("data", json::object()))}};
  }
  return report;
}

}  // namespace l2::cli::report
