// The audit's browser check (spec/audit_report.md#the-browser-check): headless chromium loads the
// HTML report, prints its DOM (--dump-dom) and its log (--enable-logging=stderr), and renders a PNG.
// This header is the pure half: what the log and the DOM say, with no chromium, so that
// tests/unit/audit_browser_check_test.cpp checks it on logs chromium printed for broken pages. The
// half that runs chromium is browser_check.cpp.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace l2::cli::browser {

// ---- chromium's log ----

// The problems chromium's log (stderr, with --enable-logging=stderr --v=0) reports about the
// page, in order:
// - every console message, as "console: <text>", where chromium 156 writes
//   `[pid:tid:MMDD/HHMMSS.us:INFO:CONSOLE:5] "text", source: file:///...html (5)` (and older
//   versions `...:INFO:CONSOLE(5)] ...`). The report has no script, so any message is an error:
//   chromium logs there what the page got wrong (an SVG attribute it rejects, a bad CSS value);
// - every failure to load the page, as "load: <text>": `...:ERROR:...headless_command_handler.cc:403]
//   Page load failed: net::ERR_FILE_NOT_FOUND`.
// Everything else chromium logs (D-Bus, GPU and sandbox warnings of a machine without a desktop,
// and the lines of Debian's wrapper script) is about chromium, not the page.
inline std::vector<std::string> log_problems(std::string_view log) {
  std::vector<std::string> problems;
  std::size_t start = 0;
  while (start < log.size()) {
    std::size_t end = log.find('\n', start);
    if (end == std::string_view::npos) end = log.size();
    std::string_view line = log.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() != '[') continue;
    const std::size_t close = line.find("] ");
    if (close == std::string_view::npos) continue;
    const std::string_view prefix = line.substr(1, close - 1);  // pid:tid:time:SEVERITY:file:line
    const std::string_view message = line.substr(close + 2);
    // The prefix's fields after the time: the severity, then the source file (":CONSOLE" for the
    // page's console) and its line.
    std::size_t field = 0;
    std::size_t position = 0;
    std::string_view severity, source;
    while (position <= prefix.size() && field < 5) {
      std::size_t colon = prefix.find(':', position);
      if (colon == std::string_view::npos) colon = prefix.size();
      const std::string_view value = prefix.substr(position, colon - position);
      if (field == 3) severity = value;
      if (field == 4) source = value;
      position = colon + 1;
      ++field;
    }
    if (severity.empty()) continue;
    const bool console = source.rfind("CONSOLE", 0) == 0 &&
                         (source.size() == 7 || source[7] == '(');  // "CONSOLE" (156) or "CONSOLE(5)" (older)
    if (console) {
      problems.push_back("console: " + std::string(message));
    } else if (message.find("Page load failed") != std::string_view::npos) {
      problems.push_back("load: " + std::string(message));
    }
  }
  return problems;
}

// ---- the DOM ----

// What the check needs of a DOM as chromium serializes it (--dump-dom): the ids, the internal
// links, and what the page would fetch.
struct DomScan {
  std::set<std::string> ids;                // every id attribute, and the name of every <a name>
  std::vector<std::string> fragment_links;  // every href="#...", its fragment as written (after the entities)
  std::vector<std::string> fetches;         // src, srcset, <link href>, <object data>, CSS url(...) and @import
                                            // that are neither data: nor a fragment
  bool body = false;                        // a <body> element
};

namespace detail {

inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

inline void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// An attribute value with its character references replaced: the named ones chromium's serializer
// writes (&amp; &quot; &lt; &gt; &nbsp;, and &apos;) and numeric ones. Anything else stays as written.
inline std::string decode_entities(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const std::size_t semicolon = text.find(';', i);
    if (semicolon == std::string_view::npos || semicolon - i > 10) {
      out += text[i];
      continue;
    }
    const std::string_view name = text.substr(i + 1, semicolon - i - 1);
    std::uint32_t code = 0;
    bool known = true;
    if (name == "amp") code = '&';
    else if (name == "quot") code = '"';
    else if (name == "lt") code = '<';
    else if (name == "gt") code = '>';
    else if (name == "apos") code = '\'';
    else if (name == "nbsp") code = 0xA0;
    else if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      const std::string_view digits = name.substr(hex ? 2 : 1);
      known = !digits.empty() && digits.size() <= 6;
      for (char c : digits) {
        int value = -1;
        if (c >= '0' && c <= '9') value = c - '0';
        else if (hex && lower(c) >= 'a' && lower(c) <= 'f') value = lower(c) - 'a' + 10;
        if (value < 0) known = false;
        else code = code * (hex ? 16 : 10) + static_cast<std::uint32_t>(value);
      }
      known = known && code <= 0x10FFFF;
    } else {
      known = false;
    }
    if (!known) {
      out += text[i];
      continue;
    }
    append_utf8(out, code);
    i = semicolon;
  }
  return out;
}

// A fragment percent-decoded, as a browser tries it when no id equals the fragment as written.
inline std::string percent_decoded(std::string_view text) {
  auto hex = [](char c) {
    c = lower(c);
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

inline bool fetches_nothing(std::string_view url) {
  std::size_t first = 0;
  while (first < url.size() && (url[first] == ' ' || url[first] == '\t' || url[first] == '\n')) ++first;
  url.remove_prefix(first);
  return url.empty() || url.front() == '#' || lowered(url.substr(0, 5)) == "data:";
}

// CSS text: each url(...) and @import "..." that fetches something.
inline void css_fetches(std::string_view css, std::vector<std::string>& out) {
  const std::string lower_css = lowered(css);
  for (std::size_t at = lower_css.find("url("); at != std::string::npos; at = lower_css.find("url(", at + 4)) {
    std::size_t begin = at + 4;
    const std::size_t end = css.find(')', begin);
    std::string_view url = css.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
    while (!url.empty() && (url.front() == ' ' || url.front() == '"' || url.front() == '\'')) url.remove_prefix(1);
    while (!url.empty() && (url.back() == ' ' || url.back() == '"' || url.back() == '\'')) url.remove_suffix(1);
    if (!fetches_nothing(url)) out.push_back("url(" + std::string(url) + ")");
  }
  for (std::size_t at = lower_css.find("@import"); at != std::string::npos; at = lower_css.find("@import", at + 7))
    out.push_back(std::string(css.substr(at, css.find(';', at) == std::string_view::npos ? std::string_view::npos : css.find(';', at) - at)));
}

}  // namespace detail

// Scans a serialized DOM. A tokenizer, not a parser: it reads tags and their attributes, skips
// comments, and does not look for tags inside <script> and <style> (raw text in HTML).
inline DomScan scan_dom(std::string_view dom) {
  DomScan scan;
  std::size_t i = 0;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; };
  while (i < dom.size()) {
    const std::size_t open = dom.find('<', i);
    if (open == std::string_view::npos) break;
    if (dom.compare(open, 4, "<!--") == 0) {
      const std::size_t close = dom.find("-->", open + 4);
      i = close == std::string_view::npos ? dom.size() : close + 3;
      continue;
    }
    std::size_t p = open + 1;
    const bool letter = p < dom.size() && ((dom[p] >= 'a' && dom[p] <= 'z') || (dom[p] >= 'A' && dom[p] <= 'Z'));
    if (!letter) {  // an end tag, a doctype, or a '<' that is text
      i = p;
      continue;
    }
    const std::size_t name_start = p;
    while (p < dom.size() && !is_space(dom[p]) && dom[p] != '>' && dom[p] != '/') ++p;
    const std::string tag = detail::lowered(dom.substr(name_start, p - name_start));
    if (tag == "body") scan.body = true;
    // The attributes, up to the tag's '>'.
    while (p < dom.size() && dom[p] != '>') {
      if (is_space(dom[p]) || dom[p] == '/') {
        ++p;
        continue;
      }
      const std::size_t attribute_start = p;
      while (p < dom.size() && !is_space(dom[p]) && dom[p] != '=' && dom[p] != '>' && dom[p] != '/') ++p;
      const std::string attribute = detail::lowered(dom.substr(attribute_start, p - attribute_start));
      std::string value;
      while (p < dom.size() && is_space(dom[p])) ++p;
      if (p < dom.size() && dom[p] == '=') {
        ++p;
        while (p < dom.size() && is_space(dom[p])) ++p;
        if (p < dom.size() && (dom[p] == '"' || dom[p] == '\'')) {
          const char quote = dom[p];
          const std::size_t close = dom.find(quote, p + 1);
          const std::size_t stop = close == std::string_view::npos ? dom.size() : close;
          value = detail::decode_entities(dom.substr(p + 1, stop - p - 1));
          p = close == std::string_view::npos ? dom.size() : close + 1;
        } else {
          const std::size_t value_start = p;
          while (p < dom.size() && !is_space(dom[p]) && dom[p] != '>') ++p;
          value = detail::decode_entities(dom.substr(value_start, p - value_start));
        }
      }
      if (attribute == "id" && !value.empty()) scan.ids.insert(value);
      if (attribute == "name" && tag == "a" && !value.empty()) scan.ids.insert(value);
      if (attribute == "href" && !value.empty() && value.front() == '#') scan.fragment_links.push_back(value.substr(1));
      if (attribute == "href" && tag == "link" && !detail::fetches_nothing(value)) scan.fetches.push_back("<link href=\"" + value + "\">");
      if ((attribute == "src" || attribute == "srcset" || (attribute == "data" && tag == "object")) && !detail::fetches_nothing(value))
        scan.fetches.push_back("<" + tag + " " + attribute + "=\"" + value + "\">");
      if (attribute == "style") detail::css_fetches(value, scan.fetches);
    }
    i = p < dom.size() ? p + 1 : dom.size();
    if (tag == "script" || tag == "style") {
      std::size_t stop = i;
      while (stop < dom.size() && !(dom.compare(stop, 2, "</") == 0 && detail::lowered(dom.substr(stop + 2, tag.size())) == tag)) ++stop;
      if (tag == "style") detail::css_fetches(dom.substr(i, stop - i), scan.fetches);
      i = stop;
    }
  }
  return scan;
}

// ---- the verdict ----

struct PageCheck {
  std::vector<std::string> problems;  // empty: the page passed
  std::size_t links = 0;              // internal links checked
  std::size_t ids = 0;                // ids in the DOM
  std::size_t sections = 0;           // mechanism sections found
};

// The browser check of one page, from chromium's log and DOM: no console message and no load
// failure, a body, every internal link resolved to an id (as written, or percent-decoded; "#"
// alone is the top of the page), every mechanism's section (`#mechanism-<name>`) present, and
// nothing fetched (the report is one self-contained file). Each dangling fragment is one problem,
// with how many links name it.
inline PageCheck check_page(std::string_view log, std::string_view dom, const std::vector<std::string>& mechanisms) {
  PageCheck check;
  check.problems = log_problems(log);
  const DomScan scan = scan_dom(dom);
  check.ids = scan.ids.size();
  check.links = scan.fragment_links.size();
  if (!scan.body) check.problems.push_back("dom: chromium printed no <body>: the page did not render");
  std::vector<std::pair<std::string, std::size_t>> dangling;
  for (const std::string& fragment : scan.fragment_links) {
    if (fragment.empty() || scan.ids.count(fragment) || scan.ids.count(detail::percent_decoded(fragment))) continue;
    auto known = std::find_if(dangling.begin(), dangling.end(), [&](const auto& d) { return d.first == fragment; });
    if (known == dangling.end()) dangling.emplace_back(fragment, 1);
    else ++known->second;
  }
  for (const auto& [fragment, count] : dangling)
    check.problems.push_back("link: #" + fragment + " resolves to no element (" + std::to_string(count) +
                             (count == 1 ? " link)" : " links)"));
  for (const std::string& name : mechanisms) {
    if (scan.ids.count("mechanism-" + name)) ++check.sections;
    else check.problems.push_back("section: mechanism " + name + " has no section #mechanism-" + name);
  }
  for (const std::string& fetch : scan.fetches) check.problems.push_back("fetch: " + fetch + ": the report must be self-contained");
  return check;
}

// ---- the stage (browser_check.cpp) ----

// Where chromium is: $L2_CHROMIUM when set, else the first of chromium, chromium-browser,
// google-chrome-stable, google-chrome on $PATH; empty when there is none.
std::filesystem::path find_chromium();

struct StageResult {
  enum class Outcome { passed, failed, skipped } outcome = Outcome::failed;
  std::string detail;                 // one line for the report's stage row
  std::vector<std::string> problems;  // what failed, one line each
};

// The audit's browser check of the report `html`: chromium renders it to `png` and prints its DOM
// and log into `work` (canary.*, report.*), after a canary page with a known console error and a
// known dangling link, to show that this chromium's log and DOM are read right. Each mechanism of
// `mechanisms` must have its section. Skipped only when there is no chromium.
StageResult run_browser_check(const std::filesystem::path& html, const std::filesystem::path& png,
                              const std::vector<std::string>& mechanisms, const std::filesystem::path& work);

}  // namespace l2::cli::browser
