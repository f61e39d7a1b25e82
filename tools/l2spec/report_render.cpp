// The audit report as Markdown and as one self-contained HTML file (inline CSS with print styles,
// inline SVG plots drawn here, no script, no network). Both render the report document and
// nothing else, so they carry the same content. spec: audit_report.md
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "report.hpp"

namespace l2::cli::report {

namespace {

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

// A value for a person: 3 significant digits, no exponent below a million.
std::string figure(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e6) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.3g", value);
    return buffer;
  }
  return fixed(value, magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3);
}

// The summary's mutation cell of a mechanism without a campaign row.
std::string not_mutated(const json& report) {
  return report["mutation_campaign"].is_object() ? "not in the campaign" : "not run";
}

std::string percent(const json& rate) { return rate.is_number() ? fixed(rate.get<double>() * 100, 1) + "%" : "n/a"; }

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

// The options the audit ran with, "name: value; ...", in the JSON's words (null as "none").
std::string options_text(const json& options) {
  std::string out;
  for (const auto& [name, value] : options.items())
    out += (out.empty() ? "" : "; ") + name + ": " + (value.is_null() ? std::string("none") : text_of(value));
  return out.empty() ? std::string("none") : out;
}

// The run row of a report re-rendered from an earlier run's inputs, or "" for the run's own report.
std::string rendered_text(const json& report) {
  const json& rendered = report["rendered"];
  if (!rendered.is_object()) return "";
  return "re-rendered " + text_of(rendered["date"]) + " from " + text_of(rendered["from"]) +
         " (the run's fields above describe the run that did the stages)";
}

// The mutants of a rule the vectors missed and the tests never ran on: neither killed nor surviving.
std::string not_tested(const json& mutation) {
  const json count = mutation.value("not_tested", json(0));
  return count.is_number_integer() && count.get<long long>() > 0 ? " (" + text_of(count) + " not tested)" : std::string();
}

// A link target written in a spec file, as a path relative to the source tree: "#a" in
// spec/x.md is spec/x.md#a, "y.md" is spec/y.md, "../bench/z.cpp" is bench/z.cpp.
std::string resolve_link(const std::string& target, const std::string& spec_file) {
  if (target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0) return target;
  if (!target.empty() && target[0] == '#') return spec_file + target;
  std::string directory = spec_file.substr(0, spec_file.rfind('/') == std::string::npos ? 0 : spec_file.rfind('/'));
  std::string rest = target;
  while (rest.rfind("../", 0) == 0) {
    rest = rest.substr(3);
    const auto slash = directory.rfind('/');
    directory = slash == std::string::npos ? "" : directory.substr(0, slash);
  }
  if (rest.rfind("./", 0) == 0) rest = rest.substr(2);
  return directory.empty() ? rest : directory + "/" + rest;
}

bool external(const std::string& target) { return target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0; }

std::string repo_link(const std::string& to_source, const std::string& path) {
  return external(path) ? path : to_source + "/" + path;
}

// Inline Markdown of a spec cell as HTML: code spans, bold, links (resolved against the spec file
// and made relative to the report); everything else escaped.
std::string inline_html(const std::string& text, const std::string& spec_file, const std::string& to_source) {
  std::string out;
  bool bold = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '`') {
      const auto end = text.find('`', i + 1);
      if (end != std::string::npos) {
        out += "<code>" + escape(text.substr(i + 1, end - i - 1)) + "</code>";
        i = end;
        continue;
      }
    }
    if (c == '*' && i + 1 < text.size() && text[i + 1] == '*') {
      out += bold ? "</strong>" : "<strong>";
      bold = !bold;
      ++i;
      continue;
    }
    if (c == '[') {
      const auto close = text.find("](", i);
      const auto end = close == std::string::npos ? std::string::npos : text.find(')', close);
      if (close != std::string::npos && end != std::string::npos && text.find('\n', i) > end) {
        const std::string target = resolve_link(text.substr(close + 2, end - close - 2), spec_file);
        out += "<a href=\"" + escape(repo_link(to_source, target)) + "\">" +
               inline_html(text.substr(i + 1, close - i - 1), spec_file, to_source) + "</a>";
        i = end;
        continue;
      }
    }
    if (c == '\\' && i + 1 < text.size() && text[i + 1] == '|') continue;
    out += escape(std::string(1, c));
  }
  if (bold) out += "</strong>";
  return out;
}

// The same cell for the Markdown report: links rewritten relative to the report.
std::string inline_markdown(const std::string& text, const std::string& spec_file, const std::string& to_source) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '`') {
      const auto end = text.find('`', i + 1);
      if (end != std::string::npos) {
        out += text.substr(i, end - i + 1);
        i = end;
        continue;
      }
    }
    if (text[i] == '[') {
      const auto close = text.find("](", i);
      const auto end = close == std::string::npos ? std::string::npos : text.find(')', close);
      if (close != std::string::npos && end != std::string::npos) {
        out += text.substr(i, close - i + 2) + repo_link(to_source, resolve_link(text.substr(close + 2, end - close - 2), spec_file)) + ")";
        i = end;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

// Plain text in a Markdown table cell.
std::string md_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string place_label(const json& place) {
  return place.value("file", std::string()) + (place.contains("line") ? ":" + text_of(place["line"]) : "");
}

// A file link; GitHub and most viewers take `#L<n>` for a line.
std::string place_href(const std::string& to_source, const json& place) {
  std::string href = repo_link(to_source, place.value("file", std::string()));
  if (place.contains("anchor") && place["anchor"].is_string() && !place["anchor"].get<std::string>().empty())
    href += "#" + place["anchor"].get<std::string>();
  else if (place.contains("line") && place["line"].is_number()) href += "#L" + text_of(place["line"]);
  return href;
}

// What the reference lines of a rule are (report_model.cpp's reference_lines): its `Verify:`
// comments; else the lines that name it in brackets or at all, which define it without a
// `Verify:` line: shown as such, not as a failure. None at all is the failure.
std::string reference_kind(const json& places) {
  return places.empty() || !places[0].is_object() ? std::string() : text_of(places[0].value("kind", json("verify")));
}

std::string reference_markdown(const json& places, const std::string& to_source) {
  if (places.empty()) return "**none** ";
  const std::string kind = reference_kind(places);
  std::string out = kind == "verify" ? "" : kind == "defined" ? "defined at " : "named at ";
  for (const json& place : places) out += "[" + place_label(place) + "](" + place_href(to_source, place) + ") ";
  return out;
}

std::string reference_html(const json& places, const std::string& to_source) {
  if (places.empty()) return "<span class=fail>none</span>";
  const std::string kind = reference_kind(places);
  std::string out = kind == "verify" ? "" : std::string("<span class=muted>") + (kind == "defined" ? "defined at" : "named at") + "</span><br>";
  for (const json& place : places)
    out += "<a href=\"" + escape(place_href(to_source, place)) + "\" title=\"" + escape(text_of(place.value("text", json("")))) + "\">" +
           escape(place_label(place)) + "</a><br>";
  return out;
}

// Z3's values of a counterexample as a table, grouped as report_model.cpp's readable_values orders
// them: by role in the step (pre-state, input, environment, post-state), then by what they are of.
std::string values_html(const json& values) {
  std::string out = "<table class=values><thead><tr><th>step<th>of<th>name<th>value</thead><tbody>";
  std::string role, group;
  bool first = true;
  for (const json& v : values) {
    const std::string this_role = text_of(v.value("role", json("other")));
    const std::string this_group = text_of(v["group"]);
    const bool new_role = first || this_role != role;
    const bool new_group = new_role || this_group != group;
    out += "<tr" + std::string(new_group ? " class=group" : "") + "><td>" + (new_role ? "<strong>" + escape(this_role) + "</strong>" : std::string()) +
           "<td>" + (new_group ? "<code>" + escape(this_group) + "</code>" : std::string()) + "<td><code>" + escape(text_of(v["name"])) +
           "</code><td class=wrap><code>" + escape(text_of(v["value"])) + "</code>";
    role = this_role;
    group = this_group;
    first = false;
  }
  return out + "</tbody></table>";
}

// The sentence over a weakening's values: one step when the model's names give every value its role
// (naming the parts the values have, in the table's order), a partial step when they give some.
std::string values_heading(const json& values) {
  bool step = false, all = true;
  std::set<std::string> roles;
  for (const json& v : values) {
    const std::string role = text_of(v.value("role", json("other")));
    step = step || role != "other";
    all = all && role != "other";
    roles.insert(role);
  }
  if (step && all) {
    std::string parts;
    for (const auto& [role, words] : {std::pair{"pre-state", "the state before"}, std::pair{"input", "the input"},
                                      std::pair{"environment", "the environment"},
                                      std::pair{"post-state", "the state after with what the step computes"}})
      if (roles.count(role)) parts += (parts.empty() ? "" : ", ") + std::string(words);
    return "The model's values as one step (the model realises no vector case for this obligation): " + parts;
  }
  return step ? "The counterexample as one step, pre-state, input and post-state, from the model's values (the model realises no vector "
                "case for this obligation; the values under other are named without a role)"
              : "The model's values (the model realises no vector case for this obligation, and its names do not say which are the "
                "pre-state, the input or the post-state)";
}

std::string values_markdown(const json& values) {
  std::string out = "| step | of | name | value |\n|---|---|---|---|\n";
  std::string role;
  bool first = true;
  for (const json& v : values) {
    const std::string this_role = text_of(v.value("role", json("other")));
    out += "| " + (first || this_role != role ? "**" + md_cell(this_role) + "**" : std::string()) + " | " + md_cell(text_of(v["group"])) + " | `" +
           md_cell(text_of(v["name"])) + "` | `" + md_cell(text_of(v["value"])) + "` |\n";
    role = this_role;
    first = false;
  }
  return out;
}

std::string tried(std::size_t count) { return std::to_string(count) + (count == 1 ? " obligation tried" : " obligations tried"); }

std::string obligation_anchor(const std::string& id) { return "obligation-" + id; }
std::string rule_anchor(const std::string& id) { return "rule-" + id; }

std::vector<Bar> obligation_bars(const json& obligations, std::size_t shown) {
  std::vector<Bar> bars;
  for (const json& o : obligations) bars.push_back({o["id"].get<std::string>(), o.value("seconds", 0.0), std::nullopt});
  std::sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.value > b.value; });
  if (bars.size() > shown) {
    double rest = 0;
    for (std::size_t i = shown; i < bars.size(); ++i) rest += bars[i].value;
    const std::size_t others = bars.size() - shown;
    bars.resize(shown);
    bars.push_back({"the other " + std::to_string(others) + " obligations, summed", rest, std::nullopt});
  }
  for (Bar& bar : bars) {
    const auto cut = bar.label.find("__");
    if (cut != std::string::npos && bar.label.rfind("the other", 0) != 0) bar.label = bar.label.substr(cut + 2);
  }
  return bars;
}

std::vector<Bar> mechanism_time_bars(const json& report) {
  std::vector<Bar> bars;
  for (const json& section : report["mechanisms"]) {
    if (!section["obligations"].is_array() || section["obligations"].empty()) continue;
    double total = 0;
    for (const json& o : section["obligations"]) total += o.value("seconds", 0.0);
    bars.push_back({section["mechanism"].get<std::string>(), total, std::nullopt});
  }
  return bars;
}

std::vector<Bar> benchmark_bars(const json& rows) {
  std::vector<Bar> bars;
  for (const json& row : rows) {
    if (!row["value"].is_number()) continue;
    const double target = row["target"].get<double>();
    if (target <= 0) continue;
    bars.push_back({row["benchmark"].get<std::string>() + " (" + figure(row["value"].get<double>()) + " of " + figure(target) + ")",
                    row["value"].get<double>() / target, 1.0});
  }
  return bars;
}

const char* css = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;max-width:1200px;margin:0 auto;padding:1em 2em}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #444;padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.5em}table{border-collapse:collapse;margin:.6em 0;width:100%}
th,td{border:1px solid #bbb;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#eef0f3}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.92em}
pre{background:#f6f7f9;border:1px solid #ddd;padding:.5em;white-space:pre-wrap;word-break:break-all}
.pass{color:#116611;font-weight:600}.fail{color:#b00020;font-weight:600}.muted{color:#666}
nav ol{columns:3}nav{border:1px solid #ccc;padding:.3em 1em;margin:1em 0}
td.wrap{word-break:break-word}table.values{width:auto}table.values tr.group td{border-top:2px solid #777}td.list{font-size:.85em}pre.small{font-size:.8em}svg{max-width:100%;height:auto}
@media print{body{max-width:none;padding:0;font-size:9pt}nav{display:none}
section.mechanism{break-before:page}h2,h3{break-after:avoid}tr,svg{break-inside:avoid}
thead{display:table-header-group}a{color:inherit;text-decoration:none}pre{white-space:pre-wrap}}
)css";

}  // namespace

std::string svg_bar_chart(const std::string& title, const std::vector<Bar>& bars, const std::string& unit) {
  const int label_width = 330, plot_width = 360, value_width = 110, bar_height = 16, gap = 5, top = 26;
  const int width = label_width + plot_width + value_width;
  const int height = top + static_cast<int>(bars.size()) * (bar_height + gap) + 10;
  double scale_max = 0;
  for (const Bar& bar : bars) scale_max = std::max({scale_max, bar.value, bar.target.value_or(0)});
  if (scale_max <= 0) scale_max = 1;
  scale_max *= 1.05;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " << width << " " << height << "\" width=\"" << width
      << "\" height=\"" << height << "\" font-family=\"sans-serif\" font-size=\"11\"><title>" << escape(title) << "</title>"
      << "<text x=\"0\" y=\"14\" font-size=\"13\" font-weight=\"bold\">" << escape(title) << "</text>";
  int y = top;
  for (const Bar& bar : bars) {
    const double length = std::max(0.0, bar.value) / scale_max * plot_width;
    const bool short_of_target = bar.target && bar.value < *bar.target;
    std::string label = bar.label;
    if (label.size() > 52) label = label.substr(0, 49) + "...";
    svg << "<text x=\"" << label_width - 6 << "\" y=\"" << y + bar_height - 4 << "\" text-anchor=\"end\">" << escape(label)
        << "<title>" << escape(bar.label) << "</title></text>"
        << "<rect x=\"" << label_width << "\" y=\"" << y << "\" width=\"" << fixed(std::max(length, 0.5), 1) << "\" height=\""
        << bar_height << "\" fill=\"" << (short_of_target ? "#c0392b" : "#2e6da4") << "\"/>";
    if (bar.target) {
      const double x = label_width + *bar.target / scale_max * plot_width;
      svg << "<line x1=\"" << fixed(x, 1) << "\" x2=\"" << fixed(x, 1) << "\" y1=\"" << y - 2 << "\" y2=\"" << y + bar_height + 2
          << "\" stroke=\"#111\" stroke-width=\"2\"/>";
    }
    svg << "<text x=\"" << label_width + plot_width + 6 << "\" y=\"" << y + bar_height - 4 << "\">" << escape(figure(bar.value) + " " + unit)
        << "</text>";
    y += bar_height + gap;
  }
  svg << "</svg>";
  return svg.str();
}

std::string render_markdown(const json& report, const std::string& to_source) {
  std::ostringstream md;
  const json& run = report["run"];
  md << "<!-- Generated by `l2spec audit` (./l2 audit); regenerate it with that command. -->\n"
     << "# l2spec audit: " << (report["result"] == "pass" ? "passed" : "FAILED") << "\n\n";
  md << "| run | |\n|---|---|\n"
     << "| commit | `" << text_of(run["commit"]) << "`"
     << (run["uncommitted_changes"].is_number() && run["uncommitted_changes"].get<int>() > 0
             ? " with " + text_of(run["uncommitted_changes"]) + " files changed since"
             : "")
     << " |\n"
     << "| date | " << text_of(run["date"]) << " |\n"
     << "| machine | " << text_of(run["machine"]["system"]) << " " << text_of(run["machine"].value("release", json(""))) << " "
     << text_of(run["machine"].value("architecture", json(""))) << ", " << text_of(run["machine"]["cpus"]) << " CPUs, "
     << text_of(run["machine"]["cpu_model"]) << " |\n";
  for (const json& compiler : run["compilers"])
    md << "| compiler: " << text_of(compiler["role"]) << " | " << md_cell(text_of(compiler["version"])) << " |\n";
  md << "| Z3 | " << text_of(run["z3"]) << " |\n| SHA-256 kernel selected | " << text_of(run["sha256_kernel"]) << " |\n"
     << "| options | " << md_cell(options_text(report["options"])) << " |\n";
  if (const std::string rendered = rendered_text(report); !rendered.empty()) md << "| rendered | " << md_cell(rendered) << " |\n";
  md << "\n";

  md << "## Stages\n\n| stage | result | seconds | detail |\n|---|---|---|---|\n";
  for (const json& stage : report["stages"])
    md << "| " << md_cell(text_of(stage["stage"])) << " | " << text_of(stage["result"]) << " | " << fixed(stage.value("seconds", 0.0), 2)
       << " | " << md_cell(text_of(stage["detail"])) << " |\n";

  md << "\n## Summary\n\n| mechanism | rules | obligations proved | vectors (+ / −) | adversarial | mutation (vectors / suite) | open gaps |\n"
     << "|---|---|---|---|---|---|---|\n";
  for (const json& row : report["summary"]) {
    const json& o = row["obligations"];
    md << "| [" << text_of(row["mechanism"]) << "](#" << text_of(row["anchor"]) << ")" << (row["in_progress"].get<bool>() ? " (in progress)" : "")
       << " | " << text_of(row["rules"]) << " | "
       << (o.is_object() ? text_of(o["proved"]) + " of " + text_of(o["total"]) : std::string("not run")) << " | "
       << text_of(row["vectors"]["positive"]) << " / " << text_of(row["vectors"]["negative"]) << " | " << text_of(row["adversarial"]) << " | "
       << (row["mutation"].is_object() ? percent(row["mutation"]["vector_kill_rate"]) + " / " + percent(row["mutation"]["suite_kill_rate"])
                                       : not_mutated(report))
       << " | " << text_of(row["gaps"]) << " |\n";
  }
  if (!report["rules_without_mechanism"].empty()) {
    md << "\nRules no mechanism owns (their spec is no mechanism's, and no mechanism's vectors list them): ";
    for (const json& id : report["rules_without_mechanism"]) md << text_of(id) << "; ";
    md << "\n";
  }

  if (report["benchmarks"].is_object()) {
    md << "\n## Benchmarks\n\nFrom `" << text_of(report["benchmarks"]["file"]) << "`"
       << (report["benchmarks"]["context"].contains("date") ? ", run " + text_of(report["benchmarks"]["context"]["date"]) : "")
       << ". Targets: [spec/audit_report.md](" << to_source << "/spec/audit_report.md#benchmark-targets).\n\n"
       << "| mechanism | measure | benchmark | over | value | target | met |\n|---|---|---|---|---|---|---|\n";
    for (const json& row : report["benchmarks"]["rows"])
      md << "| " << text_of(row["mechanism"]) << " | " << md_cell(text_of(row["measure"])) << " | `" << text_of(row["benchmark"]) << "` | `"
         << text_of(row["over"]) << "` | " << (row["value"].is_number() ? figure(row["value"].get<double>()) : "not in the file") << " | "
         << figure(row["target"].get<double>()) << " | "
         << (row["met"].is_boolean() ? (row["met"].get<bool>() ? "yes" : "**no**") : "—") << " |\n";
    if (!report["benchmarks"]["families"].empty())
      md << "\nEach engine's rate, and its ratio to the reference with the same arguments:\n\n"
         << "| family | instance | items per second | over the reference |\n|---|---|---|---|\n";
    for (const json& family : report["benchmarks"]["families"])
      for (const json& instance : family["instances"])
        md << "| `" << text_of(family["family"]) << "` | `" << text_of(instance["instance"]) << "` | "
           << figure(instance["items_per_second"].get<double>()) << " | "
           << (instance["x_reference"].is_number() ? figure(instance["x_reference"].get<double>()) + "×" : std::string("—")) << " |\n";
  }

  for (const json& section : report["mechanisms"]) {
    const std::string name = section["mechanism"];
    const std::string spec = section["spec"];
    md << "\n<a id=\"" << text_of(section["anchor"]) << "\"></a>\n\n## " << name << (section["in_progress"].get<bool>() ? " (in progress)" : "")
       << "\n\nSpec: [" << spec << "](" << to_source << "/" << spec << ")\n\n### Threat model\n\n";
    if (section["threat_model"]["tables"].empty()) md << "The spec has no table under its `## Threat model`.\n";
    for (const json& table : section["threat_model"]["tables"]) {
      md << "|";
      for (const json& header : table["headers"]) md << " " << md_cell(text_of(header)) << " |";
      md << "\n|";
      for (std::size_t i = 0; i < table["headers"].size(); ++i) md << "---|";
      md << "\n";
      for (const json& row : table["rows"]) {
        md << "|";
        for (const json& header : table["headers"]) md << " " << inline_markdown(text_of(row["cells"][text_of(header)]), spec, to_source) << " |";
        md << "\n";
      }
      md << "\n";
    }

    md << "\n### Rule matrix\n\n| rule | error code | rule statement | `// Verify:` | obligations | + vectors | − vectors | tests | mutants killed / surviving |\n"
       << "|---|---|---|---|---|---|---|---|---|\n";
    for (const json& rule : section["rules"]) {
      md << "| [" << text_of(rule["id"]) << "](" << place_href(to_source, rule["spec"]) << ") | `" << text_of(rule["error_code"]) << "` | "
         << inline_markdown(text_of(rule["statement"]), text_of(rule["spec"]["file"]), to_source) << " | ";
      md << reference_markdown(rule["reference"], to_source);
      md << "| ";
      for (const json& o : rule["obligations"]) md << "`" << text_of(o["obligation"]).substr(text_of(o["obligation"]).find("__") + 2) << "` ";
      md << "| ";
      for (const char* polarity : {"positive", "negative"}) {
        for (const json& v : rule["vectors"][polarity]) md << "[" << md_cell(text_of(v["name"])) << "](" << to_source << "/" << text_of(v["path"]) << ") ";
        md << "| ";
      }
      for (const json& t : rule["tests"]) md << "[" << place_label(t) << "](" << place_href(to_source, t) << ") ";
      md << "| " << (rule["mutants"].is_object() ? text_of(rule["mutants"]["killed"]) + " / " + text_of(rule["mutants"]["surviving"]) +
                                                     not_tested(rule["mutants"])
                                               : not_mutated(report));
      if (rule["mutants"].is_object())
        for (const json& key : rule["mutants"]["surviving_ids"]) md << " `" << md_cell(text_of(key)) << "`";
      md << " |\n";
    }

    md << "\n### Obligations\n\n";
    if (!section["obligations"].is_array()) md << "Not run in this audit.\n";
    else {
      md << "| obligation | kind | statement | premise | result | seconds | rules covered |\n|---|---|---|---|---|---|---|\n";
      for (const json& o : section["obligations"]) {
        const json& premise = o["premise"];
        // The premise in words, then whether Z3 found it satisfiable, then the spec's premise cell.
        const json words = premise.value("text", json(nullptr));
        std::string premise_text = words.is_string() ? md_cell(words.get<std::string>()) + " — " : "";
        premise_text += !premise["stated"].get<bool>() ? "none stated"
                        : premise["satisfiable"].is_boolean()
                            ? (premise["satisfiable"].get<bool>() ? "satisfiable (checked)" : "**unsatisfiable: vacuous**")
                            : "stated, not checked";
        if (premise["spec"].is_string()) premise_text += ": " + inline_markdown(premise["spec"].get<std::string>(), spec, to_source);
        md << "| `" << text_of(o["invariant"]) << "` / `" << text_of(o["transition"]) << "` | " << text_of(o["kind"]) << " | "
           << md_cell(text_of(o["statement"])) << " | " << premise_text << " | "
           << (o["result"] == "proved" ? "proved" : "**" + text_of(o["result"]) + "**")
           << (text_of(o["reason"]).empty() ? "" : ": " + md_cell(text_of(o["reason"]))) << " | " << fixed(o.value("seconds", 0.0), 3) << " | ";
        for (const json& c : o["covers"]) md << text_of(c["rule"]) << " ";
        md << "|\n";
      }
      for (const json& o : section["obligations"])
        if (!o["values"].empty()) md << "\nCounterexample to `" << text_of(o["id"]) << "`:\n\n" << values_markdown(o["values"]);
    }
    if (!section["weakenings"].empty()) {
      md << "\n### Weakenings and their counterexamples\n";
      for (const json& w : section["weakenings"]) {
        md << "\n#### `" << text_of(w["name"]) << "`: " << text_of(w["status"]) << "\n\n";
        if (!text_of(w["spec_text"]).empty()) {
          md << "The spec:\n\n";
          std::istringstream rows(inline_markdown(text_of(w["spec_text"]), spec, to_source));
          for (std::string row; std::getline(rows, row);) md << "- " << row << "\n";
          md << "\n";
        }
        if (w.value("obligation", json(nullptr)).is_string())
          md << "Refuted by `" << text_of(w["obligation"]) << "` (" << fixed(w.value("seconds", 0.0), 2) << " s; " << tried(w["tried"].size())
             << ").\n\n";
        if (!text_of(w.value("note", json(""))).empty()) md << "_" << text_of(w["note"]) << "_\n\n";
        if (!w["steps"].empty()) {
          md << "Pre-state: `" << text_of(w["pre_state"]) << "`\n\n| step | op | height | input | outcome (the model's) |\n|---|---|---|---|---|\n";
          for (const json& step : w["steps"])
            md << "| " << text_of(step["step"]) << " | " << text_of(step["op"]) << " | " << text_of(step["height"]) << " | `"
               << md_cell(text_of(step["input"])) << "` | " << md_cell(text_of(step["outcome"])) << " |\n";
        } else if (!w["values"].empty()) {
          md << values_heading(w["values"]) << ":\n\n" << values_markdown(w["values"]);
        }
      }
    }
    md << "\n### Trace validation\n\n";
    const json& traces = section["trace_validation"];
    if (!traces.is_object()) md << "None: this mechanism's model has no concrete engine, or the stage did not run.\n";
    else {
      md << "| seed | traces | steps | accepted steps | disagreements |\n|---|---|---|---|---|\n| " << text_of(traces["seed"]) << " | "
         << text_of(traces["traces"]) << " | " << text_of(traces["steps"]) << " | " << text_of(traces["accepted"]) << " | "
         << text_of(traces["disagreements"]) << " |\n";
      if (!traces.value("failures", json::array()).empty()) {
        md << "\nDisagreements (first 10):\n\n```\n";
        for (const json& failure : traces["failures"]) md << text_of(failure) << "\n";
        md << "```\n";
      }
      if (!traces.value("first_disagreeing_trace", json::array()).empty()) {
        md << "\nThe first disagreeing trace, in full:\n\n```\n";
        for (const json& line : traces["first_disagreeing_trace"]) md << text_of(line) << "\n";
        md << "```\n";
      }
      if (!traces.value("outcomes", json::object()).empty()) {
        md << "\n| outcome | steps |\n|---|---|\n";
        for (const auto& [outcome, steps] : traces["outcomes"].items()) md << "| " << md_cell(outcome) << " | " << text_of(steps) << " |\n";
      }
    }
    md << "\n### Open gaps\n\n";
    if (section["gaps"].empty()) md << "None.\n";
    for (const json& gap : section["gaps"])
      md << "- **" << text_of(gap["kind"]) << "**: "
         << (gap["kind"] == "missing face" ? inline_markdown(md_cell(text_of(gap["detail"])), spec, to_source) : md_cell(text_of(gap["detail"])))
         << "\n";
  }
  return md.str();
}

std::string render_html(const json& report, const std::string& to_source) {
  std::ostringstream html;
  const json& run = report["run"];
  const bool passed = report["result"] == "pass";
  html << "<!doctype html>\n<!-- Generated by `l2spec audit` (./l2 audit); regenerate it with that command. -->\n"
       << "<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
       << "<title>l2spec audit " << escape(text_of(run["commit"]).substr(0, 12)) << "</title><style>" << css << "</style></head><body>\n"
       << "<h1 id=\"top\">l2spec audit: <span class=\"" << (passed ? "pass\">passed" : "fail\">FAILED") << "</span></h1>\n";
  html << "<table><tbody><tr><th>commit<td><code>" << escape(text_of(run["commit"])) << "</code>"
       << (run["uncommitted_changes"].is_number() && run["uncommitted_changes"].get<int>() > 0
               ? " with " + text_of(run["uncommitted_changes"]) + " files changed since"
               : "")
       << "<tr><th>date<td>" << escape(text_of(run["date"])) << "<tr><th>machine<td>" << escape(text_of(run["machine"]["system"])) << " "
       << escape(text_of(run["machine"].value("release", json("")))) << " " << escape(text_of(run["machine"].value("architecture", json(""))))
       << ", " << escape(text_of(run["machine"]["cpus"])) << " CPUs, " << escape(text_of(run["machine"]["cpu_model"]));
  for (const json& compiler : run["compilers"])
    html << "<tr><th>compiler: " << escape(text_of(compiler["role"])) << "<td>" << escape(text_of(compiler["version"]));
  html << "<tr><th>Z3<td>" << escape(text_of(run["z3"])) << "<tr><th>SHA-256 kernel selected<td>" << escape(text_of(run["sha256_kernel"]))
       << "<tr><th>options<td>" << escape(options_text(report["options"]));
  if (const std::string rendered = rendered_text(report); !rendered.empty()) html << "<tr><th>rendered<td class=fail>" << escape(rendered);
  html << "</tbody></table>\n";

  html << "<nav><strong>Contents</strong><ol><li><a href=\"#stages\">Stages</a><li><a href=\"#summary\">Summary</a>";
  if (report["benchmarks"].is_object()) html << "<li><a href=\"#benchmarks\">Benchmarks</a>";
  for (const json& section : report["mechanisms"])
    html << "<li><a href=\"#" << escape(text_of(section["anchor"])) << "\">" << escape(text_of(section["mechanism"])) << "</a>";
  html << "</ol></nav>\n";

  html << "<section id=\"stages\"><h2>Stages</h2><table><thead><tr><th>stage<th>result<th class=n>seconds<th>detail</thead><tbody>";
  for (const json& stage : report["stages"])
    html << "<tr><td>" << escape(text_of(stage["stage"])) << "<td class=\"" << (stage["result"] == "pass" ? "pass" : "fail") << "\">"
         << escape(text_of(stage["result"])) << "<td class=n>" << fixed(stage.value("seconds", 0.0), 2) << "<td>" << escape(text_of(stage["detail"]));
  html << "</tbody></table></section>\n";

  html << "<section id=\"summary\"><h2>Summary</h2><table><thead><tr><th>mechanism<th class=n>rules<th class=n>obligations proved"
       << "<th class=n>vectors + / −<th class=n>adversarial<th class=n>mutation: vectors / suite<th class=n>open gaps</thead><tbody>";
  for (const json& row : report["summary"]) {
    const json& o = row["obligations"];
    const bool all_proved = o.is_object() && o["failed"].get<std::size_t>() == 0;
    html << "<tr><td><a href=\"#" << escape(text_of(row["anchor"])) << "\">" << escape(text_of(row["mechanism"])) << "</a>"
         << (row["in_progress"].get<bool>() ? " <span class=muted>(in progress)</span>" : "") << "<td class=n>" << text_of(row["rules"])
         << "<td class=\"n " << (o.is_object() ? (all_proved ? "pass" : "fail") : "muted") << "\">"
         << (o.is_object() ? text_of(o["proved"]) + " of " + text_of(o["total"]) : std::string("not run")) << "<td class=n>"
         << text_of(row["vectors"]["positive"]) << " / " << text_of(row["vectors"]["negative"]) << "<td class=n>" << text_of(row["adversarial"])
         << "<td class=n>"
         << (row["mutation"].is_object() ? percent(row["mutation"]["vector_kill_rate"]) + " / " + percent(row["mutation"]["suite_kill_rate"])
                                         : not_mutated(report))
         << "<td class=n>" << text_of(row["gaps"]);
  }
  html << "</tbody></table>";
  if (!report["rules_without_mechanism"].empty()) {
    html << "<p class=muted>Rules no mechanism owns: ";
    for (const json& id : report["rules_without_mechanism"]) html << escape(text_of(id)) << "; ";
    html << "</p>";
  }
  const std::vector<Bar> time_bars = mechanism_time_bars(report);
  if (!time_bars.empty()) html << svg_bar_chart("Proof time per mechanism (Z3, summed over its obligations)", time_bars, "s");
  html << "</section>\n";

  if (report["benchmarks"].is_object()) {
    const json& bench = report["benchmarks"];
    html << "<section id=\"benchmarks\"><h2>Benchmarks</h2><p>From <code>" << escape(text_of(bench["file"])) << "</code>"
         << (bench["context"].contains("date") ? ", run " + escape(text_of(bench["context"]["date"])) : "")
         << (bench["context"].contains("num_cpus") ? " on " + escape(text_of(bench["context"]["num_cpus"])) + " CPUs" : "")
         << ". Targets: <a href=\"" << escape(to_source) << "/spec/audit_report.md#benchmark-targets\">spec/audit_report.md</a>.</p>";
    const std::vector<Bar> bars = benchmark_bars(bench["rows"]);
    if (!bars.empty()) html << svg_bar_chart("Each measured ratio over its target (the tick is the target)", bars, "× target");
    html << "<table><thead><tr><th>mechanism<th>measure<th>benchmark<th>over<th class=n>value<th class=n>target<th>met</thead><tbody>";
    for (const json& row : bench["rows"])
      html << "<tr><td>" << escape(text_of(row["mechanism"])) << "<td>" << escape(text_of(row["measure"])) << "<td><code>"
           << escape(text_of(row["benchmark"])) << "</code><td><code>" << escape(text_of(row["over"])) << "</code><td class=n>"
           << (row["value"].is_number() ? figure(row["value"].get<double>()) : "not in the file") << "<td class=n>"
           << figure(row["target"].get<double>()) << "<td class=\""
           << (row["met"].is_boolean() ? (row["met"].get<bool>() ? "pass\">yes" : "fail\">no") : "muted\">—");
    html << "</tbody></table>";
    for (const json& family : bench["families"]) {
      std::vector<Bar> rates;
      bool relative = true;
      for (const json& instance : family["instances"]) relative = relative && instance["x_reference"].is_number();
      for (const json& instance : family["instances"])
        rates.push_back({text_of(instance["instance"]),
                         relative ? instance["x_reference"].get<double>() : instance["items_per_second"].get<double>(), std::nullopt});
      html << svg_bar_chart(text_of(family["family"]) + (relative ? ": each instance's rate over the reference's" : ": items per second"),
                            rates, relative ? "× reference" : "/s");
    }
    html << "</section>\n";
  }

  for (const json& section : report["mechanisms"]) {
    const std::string name = section["mechanism"];
    const std::string spec = section["spec"];
    html << "<section class=\"mechanism\" id=\"" << escape(text_of(section["anchor"])) << "\"><h2>" << escape(name)
         << (section["in_progress"].get<bool>() ? " <span class=muted>(in progress)</span>" : "") << "</h2><p>Spec: <a href=\""
         << escape(repo_link(to_source, spec)) << "\">" << escape(spec) << "</a> · <a href=\"#top\">top</a></p>";

    html << "<h3 id=\"" << escape(name) << "-threat-model\">Threat model</h3>";
    if (section["threat_model"]["tables"].empty()) html << "<p class=muted>The spec has no table under its Threat model heading.</p>";
    for (const json& table : section["threat_model"]["tables"]) {
      html << "<table><thead><tr>";
      for (const json& header : table["headers"]) html << "<th>" << escape(text_of(header));
      html << "</thead><tbody>";
      for (const json& row : table["rows"]) {
        html << "<tr>";
        for (const json& header : table["headers"]) html << "<td class=wrap>" << inline_html(text_of(row["cells"][text_of(header)]), spec, to_source);
      }
      html << "</tbody></table>";
    }

    html << "<h3 id=\"" << escape(name) << "-rules\">Rule matrix</h3><table><thead><tr><th>rule<th>error code<th>statement<th><code>// Verify:</code>"
         << "<th>obligations<th>+ vectors<th>− vectors<th>tests<th>mutants killed / surviving</thead><tbody>";
    for (const json& rule : section["rules"]) {
      const std::string id = rule["id"];
      html << "<tr id=\"" << escape(rule_anchor(id)) << "\"><td><a href=\"" << escape(place_href(to_source, rule["spec"])) << "\">" << escape(id)
           << "</a><td><code>" << escape(text_of(rule["error_code"])) << "</code><td class=wrap>"
           << inline_html(text_of(rule["statement"]), text_of(rule["spec"]["file"]), to_source) << "<td>";
      html << reference_html(rule["reference"], to_source);
      html << "<td class=\"wrap list\">";
      bool first = true;
      for (const json& o : rule["obligations"]) {
        const std::string oid = o["obligation"];
        html << (first ? "" : ", ") << "<a href=\"#" << escape(obligation_anchor(oid)) << "\" title=\"via " << escape(text_of(o["via"]))
             << "\">" << escape(oid.substr(oid.find("__") + 2)) << "</a>";
        first = false;
      }
      for (const char* polarity : {"positive", "negative"}) {
        const json& list = rule["vectors"][polarity];
        html << "<td class=\"wrap list\">";
        if (list.empty()) html << "<span class=fail>none</span>";
        bool first_vector = true;
        for (const json& v : list) {
          html << (first_vector ? "" : ", ") << "<a href=\"" << escape(repo_link(to_source, text_of(v["path"]))) << "\">"
               << escape(text_of(v["name"])) << "</a>";
          first_vector = false;
        }
      }
      html << "<td>";
      for (const json& t : rule["tests"])
        html << "<a href=\"" << escape(place_href(to_source, t)) << "\">" << escape(place_label(t)) << "</a><br>";
      html << "<td>";
      if (rule["mutants"].is_object()) {
        const json& m = rule["mutants"];
        html << text_of(m["killed"]) << " / <span class=\"" << (m["surviving"].get<int>() > 0 ? "fail" : "") << "\">" << text_of(m["surviving"])
             << "</span><span class=muted>" << escape(not_tested(m)) << "</span>";
        for (const json& key : m["surviving_ids"]) html << "<br><code>" << escape(text_of(key)) << "</code>";
      } else {
        html << "<span class=muted>" << not_mutated(report) << "</span>";
      }
    }
    html << "</tbody></table>";

    html << "<h3 id=\"" << escape(name) << "-obligations\">Obligations</h3>";
    if (!section["obligations"].is_array()) html << "<p class=muted>Not run in this audit.</p>";
    else {
      if (!section["obligations"].empty())
        html << svg_bar_chart("Proof time per obligation, slowest first", obligation_bars(section["obligations"], 20), "s");
      html << "<table><thead><tr><th>obligation<th>kind<th>statement<th>premise<th>result<th class=n>seconds<th>rules covered</thead><tbody>";
      for (const json& o : section["obligations"]) {
        const json& premise = o["premise"];
        html << "<tr id=\"" << escape(obligation_anchor(text_of(o["id"]))) << "\"><td><code>" << escape(text_of(o["invariant"])) << "</code> / <code>"
             << escape(text_of(o["transition"])) << "</code>";
        if (o["spec"].is_object()) html << " <a href=\"" << escape(place_href(to_source, o["spec"])) << "\">spec</a>";
        html << "<td>" << escape(text_of(o["kind"])) << "<td class=wrap>" << escape(text_of(o["statement"])) << "<td class=wrap>";
        // As in the Markdown: the premise in words, Z3's check of it, the spec's premise cell.
        if (const json words = premise.value("text", json(nullptr)); words.is_string())
          html << inline_html(words.get<std::string>(), spec, to_source) << " — ";
        html << (!premise["stated"].get<bool>() ? "none stated"
                 : premise["satisfiable"].is_boolean()
                     ? (premise["satisfiable"].get<bool>() ? "satisfiable (checked)" : "<span class=fail>unsatisfiable: vacuous</span>")
                     : "stated, not checked");
        if (premise["spec"].is_string()) html << ": " << inline_html(premise["spec"].get<std::string>(), spec, to_source);
        html << "<td class=\"" << (o["result"] == "proved" ? "pass" : "fail") << "\">" << escape(text_of(o["result"]));
        if (!text_of(o["reason"]).empty()) html << "<br>" << escape(text_of(o["reason"]));
        if (!o["values"].empty()) html << values_html(o["values"]);
        html << "<td class=n>" << fixed(o.value("seconds", 0.0), 3) << "<td>";
        for (const json& c : o["covers"])
          html << "<a href=\"#" << escape(rule_anchor(text_of(c["rule"]))) << "\" title=\"via " << escape(text_of(c["via"])) << "\">"
               << escape(text_of(c["rule"])) << "</a> ";
      }
      html << "</tbody></table>";
    }

    if (!section["weakenings"].empty()) {
      html << "<h3 id=\"" << escape(name) << "-weakenings\">Weakenings and their counterexamples</h3>";
      for (const json& w : section["weakenings"]) {
        const bool found = w["status"] == "counterexample";
        html << "<h4><code>" << escape(text_of(w["name"])) << "</code>: <span class=\"" << (found ? "pass" : "fail") << "\">"
             << escape(text_of(w["status"])) << "</span></h4>";
        if (!text_of(w["spec_text"]).empty()) {
          std::string lines = inline_html(text_of(w["spec_text"]), spec, to_source);
          for (auto at = lines.find('\n'); at != std::string::npos; at = lines.find('\n', at)) lines.replace(at, 1, "<br>");
          html << "<p>The spec: " << lines << "</p>";
        }
        if (w.value("obligation", json(nullptr)).is_string())
          html << "<p>Refuted by <code>" << escape(text_of(w["obligation"])) << "</code> in " << fixed(w.value("seconds", 0.0), 2) << " s ("
               << tried(w["tried"].size()) << ").</p>";
        if (!text_of(w.value("note", json(""))).empty()) html << "<p class=muted>" << escape(text_of(w["note"])) << "</p>";
        if (!w["steps"].empty()) {
          html << "<p>Pre-state:</p><pre class=small>" << escape(text_of(w["pre_state"])) << "</pre>"
               << "<table><thead><tr><th class=n>step<th>op<th class=n>height<th>input<th>outcome (the model's)</thead><tbody>";
          for (const json& step : w["steps"])
            html << "<tr><td class=n>" << text_of(step["step"]) << "<td><code>" << escape(text_of(step["op"])) << "</code><td class=n>"
                 << escape(text_of(step["height"])) << "<td class=wrap><code>" << escape(text_of(step["input"])) << "</code><td class=wrap>"
                 << escape(text_of(step["outcome"]));
          html << "</tbody></table>";
        } else if (!w["values"].empty()) {
          html << "<p>" << values_heading(w["values"]) << ":</p>" << values_html(w["values"]);
        }
      }
    }

    html << "<h3 id=\"" << escape(name) << "-traces\">Trace validation</h3>";
    const json& traces = section["trace_validation"];
    if (!traces.is_object()) html << "<p class=muted>None: this mechanism's model has no concrete engine, or the stage did not run.</p>";
    else {
      html << "<table><thead><tr><th class=n>seed<th class=n>traces<th class=n>steps<th class=n>accepted steps<th class=n>disagreements</thead>"
           << "<tbody><tr><td class=n>" << text_of(traces["seed"]) << "<td class=n>" << text_of(traces["traces"]) << "<td class=n>"
           << text_of(traces["steps"]) << "<td class=n>" << text_of(traces["accepted"])
           << "<td class=\"n " << (traces["disagreements"].get<std::size_t>() == 0 ? "pass" : "fail") << "\">" << text_of(traces["disagreements"])
           << "</tbody></table>";
      if (!traces.value("failures", json::array()).empty()) {
        html << "<p>Disagreements (first 10):</p><pre>";
        for (const json& failure : traces["failures"]) html << escape(text_of(failure)) << "\n";
        html << "</pre>";
      }
      if (!traces.value("first_disagreeing_trace", json::array()).empty()) {
        html << "<p>The first disagreeing trace, in full:</p><pre class=small>";
        for (const json& line : traces["first_disagreeing_trace"]) html << escape(text_of(line)) << "\n";
        html << "</pre>";
      }
      if (!traces.value("outcomes", json::object()).empty()) {
        html << "<table><thead><tr><th>outcome<th class=n>steps</thead><tbody>";
        for (const auto& [outcome, steps] : traces["outcomes"].items())
          html << "<tr><td><code>" << escape(outcome) << "</code><td class=n>" << text_of(steps);
        html << "</tbody></table>";
      }
    }

    html << "<h3 id=\"" << escape(name) << "-gaps\">Open gaps</h3>";
    if (section["gaps"].empty()) html << "<p class=pass>None.</p>";
    else {
      html << "<ul>";
      for (const json& gap : section["gaps"]) {
        html << "<li><strong>" << escape(text_of(gap["kind"])) << "</strong>: "
             << (gap["kind"] == "missing face" ? inline_html(text_of(gap["detail"]), spec, to_source) : escape(text_of(gap["detail"])));
        if (gap["link"].is_object()) html << " (<a href=\"" << escape(place_href(to_source, gap["link"])) << "\">" << escape(place_label(gap["link"])) << "</a>)";
      }
      html << "</ul>";
    }
    html << "</section>\n";
  }
  html << "<footer class=muted><p>Generated by <code>l2spec audit</code>; the same content is in audit.md and, with its schema "
       << "(<a href=\"" << escape(to_source) << "/spec/schema/audit.schema.json\">spec/schema/audit.schema.json</a>), in audit.json.</p></footer>"
       << "</body></html>\n";
  return html.str();
}

}  // namespace l2::cli::report
