// The audit report's reading of the source tree's Markdown: headings with their GitHub anchors,
// tables, and the rule IDs a text names. spec: audit_report.md#rule-matrix
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

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return std::string(text.substr(first, last - first + 1));
}

// The heading's text without the Markdown a reader does not see.
std::string plain_heading(std::string_view text) { return spec_tree::without_markup(text); }

bool is_separator_row(const std::vector<std::string>& cells) {
  return !cells.empty() && std::all_of(cells.begin(), cells.end(), [](const std::string& cell) {
           return !cell.empty() && cell.find_first_not_of("-: ") == std::string::npos;
         });
}

}  // namespace

using spec_tree::table_cells;

std::string github_anchor(std::string_view heading_text) {
  std::string out;
  for (char ch : plain_heading(heading_text)) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    else if (c == ' ') out += '-';
    else if (c == '-' || c == '_' || c >= 0x80) out += ch;
  }
  return out;
}

const Heading* SpecDocument::find_heading(std::string_view title) const {
  const std::string wanted = plain_heading(title);
  for (const Heading& heading : headings)
    if (plain_heading(heading.text) == wanted) return &heading;
  return nullptr;
}

std::vector<const Table*> SpecDocument::tables_in_section(std::string_view title) const {
  std::vector<const Table*> out;
  const Heading* start = find_heading(title);
  if (start == nullptr) return out;
  std::size_t end_line = lines.size() + 1;
  for (const Heading& heading : headings)
    if (heading.line > start->line && heading.level <= start->level) {
      end_line = heading.line;
      break;
    }
  for (const Table& table : tables)
    if (table.line > start->line && table.line < end_line) out.push_back(&table);
  return out;
}

std::string SpecDocument::section_text(const Heading& heading) const {
  std::size_t end_line = lines.size() + 1;
  for (const Heading& other : headings)
    if (other.line > heading.line && other.level <= heading.level) {
      end_line = other.line;
      break;
    }
  std::string text;
  for (std::size_t line = heading.line; line < end_line && line <= lines.size(); ++line) text += lines[line - 1] + "\n";
  return text;
}

SpecDocument read_spec(const fs::path& source, const std::string& relative_path) {
  std::ifstream in(source / relative_path, std::ios::binary);
  if (!in) throw InputError("cannot read " + (source / relative_path).string() + ": the report needs every mechanism's spec");
  SpecDocument document;
  document.path = relative_path;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    document.lines.push_back(line);
  }
  std::map<std::string, int> anchors_seen;
  bool in_fence = false;
  Table* open_table = nullptr;
  for (std::size_t i = 0; i < document.lines.size(); ++i) {
    const std::string& text = document.lines[i];
    if (text == "<!-- l2spec trace: in progress -->") document.in_progress = true;
    if (text.rfind("```", 0) == 0) {
      in_fence = !in_fence;
      open_table = nullptr;
      continue;
    }
    if (in_fence) continue;
    if (!text.empty() && text[0] == '#') {
      const auto level = text.find_first_not_of('#');
      if (level != std::string::npos && level <= 6 && text[level] == ' ') {
        Heading heading{static_cast<int>(level), trim(text.substr(level + 1)), "", i + 1};
        std::string anchor = github_anchor(heading.text);
        const int seen = anchors_seen[anchor]++;
        if (seen > 0) anchor += "-" + std::to_string(seen);
        heading.anchor = anchor;
        document.headings.push_back(heading);
        open_table = nullptr;
        continue;
      }
    }
    const std::vector<std::string> cells = table_cells(text);
    if (cells.empty()) {
      open_table = nullptr;
      continue;
    }
    if (open_table == nullptr) {
      // A table starts with a header row followed by a separator row.
      if (i + 1 < document.lines.size() && is_separator_row(table_cells(document.lines[i + 1]))) {
        Table table;
        table.headers = cells;
        table.line = i + 1;
        table.heading = document.headings.empty() ? std::string::npos : document.headings.size() - 1;
        document.tables.push_back(table);
        open_table = &document.tables.back();
        ++i;  // the separator
      }
      continue;
    }
    open_table->rows.push_back(Table::Row{cells, i + 1});
  }
  return document;
}

std::vector<std::string> rule_mentions(std::string_view text, const std::vector<std::string>& known) {
  static const std::regex token(R"(([A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*)(?:-([0-9]+)(?:(\.\.|/)([0-9]+))?)?)");
  const std::set<std::string> known_set(known.begin(), known.end());
  std::map<std::string, std::vector<std::string>> families;  // "PC-SIG" -> PC-SIG-1, PC-SIG-2
  for (const std::string& id : known) {
    const auto dash = id.rfind('-');
    if (dash != std::string::npos) families[id.substr(0, dash)].push_back(id);
  }
  std::vector<std::string> out;
  auto add = [&](const std::string& id) {
    if (known_set.count(id) && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  };
  const std::string subject(text);
  for (auto it = std::sregex_iterator(subject.begin(), subject.end(), token); it != std::sregex_iterator(); ++it) {
    const std::smatch& match = *it;
    const auto at = static_cast<std::size_t>(match.position(0));
    const std::size_t end = at + static_cast<std::size_t>(match.length(0));
    // A whole token only: not part of a longer word or identifier.
    auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    if ((at > 0 && (word_char(subject[at - 1]) || subject[at - 1] == '-')) || (end < subject.size() && word_char(subject[end])))
      continue;
    const std::string family = match[1].str();
    if (!match[2].matched) {
      // A bare family such as "PC-SIG" stands for each of its rules.
      if (auto found = families.find(family); found != families.end() && family.find('-') != std::string::npos)
        for (const std::string& id : found->second) add(id);
      continue;
    }
    // A number of more digits than any rule has is not a rule ID (and would not fit a long).
    if (match[2].length() > 9 || (match[4].matched && match[4].length() > 9)) continue;
    const long first = std::stol(match[2].str());
    long last = first;
    if (match[4].matched) {
      const long second = std::stol(match[4].str());
      last = match[3].str() == "/" ? second : std::max(first, second);
      if (match[3].str() == "/") {
        add(family + "-" + std::to_string(first));
        add(family + "-" + std::to_string(second));
        continue;
      }
    }
    if (last - first > 64) last = first;  // not a range anybody writes; take the first only
    for (long n = first; n <= last; ++n) add(family + "-" + std::to_string(n));
  }
  return out;
}

}  // namespace l2::cli::report
