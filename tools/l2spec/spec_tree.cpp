// The source-tree reading shared by `l2spec trace` and the audit report (spec_tree.hpp).
// spec: vectors.md#rule-tables, audit_report.md#rule-matrix
#include "spec_tree.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace l2::cli::spec_tree {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<fs::path> files_under(const fs::path& root, const std::set<std::string>& extensions) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file() && extensions.count(it->path().extension().string())) out.push_back(it->path());
  std::sort(out.begin(), out.end());
  return out;
}

const std::regex& rule_id_pattern() {
  static const std::regex pattern(R"(^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]+$)");
  return pattern;
}

const std::regex& code_name_pattern() {
  static const std::regex pattern(R"(^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$)");
  return pattern;
}

std::string without_markup(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != '`' && c != '*') out += c;
  const auto first = out.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(" \t\r") - first + 1);
}

std::vector<std::string> table_cells(std::string_view line) {
  std::vector<std::string> cells;
  auto trim = [](std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return std::string();
    return std::string(text.substr(first, text.find_last_not_of(" \t\r") - first + 1));
  };
  const std::string text = trim(line);
  if (text.size() < 2 || text.front() != '|') return cells;
  std::string cell;
  bool in_code = false;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '`') in_code = !in_code;
    if (c == '|' && !in_code && text[i - 1] != '\\') {
      cells.push_back(trim(cell));
      cell.clear();
    } else {
      cell += c;
    }
  }
  if (!trim(cell).empty()) cells.push_back(trim(cell));  // a row without its closing bar
  return cells;
}

std::string plain_cell(std::string_view cell) {
  const std::string plain = without_markup(cell);
  return plain.empty() && cell.find('*') != std::string_view::npos ? std::string("*") : plain;
}

std::vector<MissingFaceRow> missing_face_rows(std::string_view spec_text) {
  std::vector<MissingFaceRow> out;
  bool in_table = false;
  std::size_t number = 0;
  std::size_t start = 0;
  while (start <= spec_text.size()) {
    const auto end = std::min(spec_text.find('\n', start), spec_text.size());
    const std::string_view line = spec_text.substr(start, end - start);
    start = end + 1;
    ++number;
    const std::vector<std::string> cells = table_cells(line);
    if (cells.empty()) {
      in_table = false;
      continue;
    }
    std::vector<std::string> plain;
    for (const std::string& cell : cells) plain.push_back(plain_cell(cell));
    if (plain.size() >= 3 && plain[0] == "operation" && plain[1] == "face") {
      in_table = true;
      continue;
    }
    if (!in_table || plain[0].find_first_not_of("-: ") == std::string::npos) continue;
    out.push_back(MissingFaceRow{cells, plain, number, std::string(line)});
  }
  return out;
}

bool names_rule(std::string_view text, std::string_view id) {
  if (id.empty()) return false;
  for (std::size_t at = text.find(id); at != std::string_view::npos; at = text.find(id, at + 1)) {
    const char after = at + id.size() < text.size() ? text[at + id.size()] : ' ';
    const char before = at > 0 ? text[at - 1] : ' ';
    if (!std::isalnum(static_cast<unsigned char>(after)) && !std::isalnum(static_cast<unsigned char>(before)) && before != '-') return true;
  }
  return false;
}

namespace {

// The line names `id` inside a pair of brackets ("[PC-OPEN-1]", "[PC-OPEN-1, PC-OPEN-2]").
bool in_brackets(std::string_view line, std::string_view id) {
  for (auto opening = line.find('['); opening != std::string_view::npos; opening = line.find('[', opening + 1)) {
    const auto closing = line.find(']', opening);
    if (closing == std::string_view::npos) return false;
    if (names_rule(line.substr(opening + 1, closing - opening - 1), id)) return true;
  }
  return false;
}

// The line's comment: from its `//`, or the whole line inside a block comment (" * ...", "/* ...").
std::string_view comment_of(std::string_view line) {
  if (const auto at = line.find("//"); at != std::string_view::npos) return line.substr(at);
  const auto first = line.find_first_not_of(" \t");
  if (first != std::string_view::npos && (line.substr(first, 2) == "/*" || line[first] == '*')) return line.substr(first);
  return {};
}

}  // namespace

std::map<std::string, std::vector<CodeLine>> code_lines(const fs::path& source, const fs::path& root, const std::set<std::string>& ids) {
  std::map<std::string, std::vector<CodeLine>> out;
  for (const fs::path& file : files_under(root, {".hpp", ".cpp", ".h"})) {
    const std::string relative = fs::relative(file, source).generic_string();
    std::istringstream lines(read_text(file));
    std::string line;
    std::size_t number = 0;
    while (std::getline(lines, line)) {
      ++number;
      // Every rule ID has a '-' followed by a digit: most lines have neither.
      if (line.find('-') == std::string::npos) continue;
      for (const std::string& id : ids) {
        if (!names_rule(line, id)) continue;
        const std::string_view comment = comment_of(line);
        CodeLine entry{relative, number, line.substr(std::min(line.size(), line.find_first_not_of(" \t"))), CodeLine::Kind::named};
        if (comment.find("Verify:") != std::string_view::npos && in_brackets(comment, id)) entry.kind = CodeLine::Kind::verify;
        else if (in_brackets(line, id)) entry.kind = CodeLine::Kind::defined;
        out[id].push_back(std::move(entry));
      }
    }
  }
  return out;
}

std::size_t file_count(const std::vector<CodeLine>& lines) {
  std::set<std::string> files;
  for (const CodeLine& line : lines) files.insert(line.file);
  return files.size();
}

CaseExercise exercise(const nlohmann::json& document) {
  CaseExercise out;
  if (!document.is_object()) return out;
  for (const nlohmann::json& id : document.value("rules", nlohmann::json::array()))
    if (id.is_string()) out.listed.push_back(id.get<std::string>());
  for (const nlohmann::json& step : document.value("steps", nlohmann::json::array())) {
    if (!step.is_object()) continue;
    const nlohmann::json expect = step.value("expect", nlohmann::json::object());
    if (!expect.is_object()) continue;
    const nlohmann::json outcome = expect.value("outcome", nlohmann::json(""));
    if (outcome == "invalid") {
      out.positive = false;
      const nlohmann::json rule = expect.value("rule", nlohmann::json(""));
      const std::string id = rule.is_string() ? rule.get<std::string>() : rule.dump();
      out.invalid_rules.push_back(id);
      out.negative.push_back(id);
    } else if (outcome == "malformed") {
      out.positive = false;
      for (const std::string& id : out.listed) out.negative.push_back(id);
    }
  }
  return out;
}

}  // namespace l2::cli::spec_tree
