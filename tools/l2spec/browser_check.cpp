// The audit's browser check: runs headless chromium on the report and on a canary page, and reads
// what it printed with browser_check.hpp. spec: audit_report.md#the-browser-check
#include "browser_check.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace l2::cli::browser {

namespace fs = std::filesystem;

namespace {

// One chromium launch stops after this long: a page of a few megabytes renders in seconds, so a
// launch that takes longer hangs (a machine without /dev/shm space, a profile lock).
constexpr double launch_timeout_seconds = 180;

// The window the PNG shows: the report's width for print, and its first screen and a half (the
// run, the stages and the start of the summary).
constexpr const char* window_size = "--window-size=1280,1800";

// A page chromium must find fault with: a console error without any script (an SVG attribute it
// rejects, which it logs as "Error: <rect> attribute width: A negative value is not valid"), and
// a link to an id that does not exist beside one that does. If the check stops seeing either
// (chromium logs in another format, or serializes the DOM differently), the stage fails instead of
// passing every report.
constexpr const char* canary_page =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>l2spec browser check canary</title></head>\n"
    "<body><p id=\"present\"><a href=\"#present\">resolves</a> <a href=\"#absent\">dangles</a></p>\n"
    "<svg width=\"20\" height=\"20\"><rect width=\"-1\" height=\"1\"></rect></svg></body></html>\n";

bool executable(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A file:// URL for an absolute path: every byte outside the unreserved characters and '/' as %XX.
std::string file_url(const fs::path& path) {
  std::error_code ec;
  const std::string absolute = fs::weakly_canonical(fs::absolute(path, ec), ec).string();
  static const char* digits = "0123456789ABCDEF";
  std::string url = "file://";
  for (unsigned char c : absolute) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '-' ||
                       c == '_' || c == '.' || c == '~';
    if (plain) {
      url += static_cast<char>(c);
    } else {
      url += '%';
      url += digits[c >> 4];
      url += digits[c & 15];
    }
  }
  return url;
}

struct Launch {
  int status = -1;  // the exit status; -1 when chromium did not start or was killed
  bool timed_out = false;
  std::string error;  // why it did not start
};

// Runs `program arguments...` with stdout to `out` and stderr to `err`, in its own process group
// (chromium starts a zygote, a GPU and a renderer process: on a timeout the whole group is killed).
Launch launch(const fs::path& program, const std::vector<std::string>& arguments, const fs::path& out, const fs::path& err) {
  Launch result;
  std::vector<std::string> words{program.string()};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    result.error = "cannot start " + program.string() + ": " + std::strerror(spawned);
    return result;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(launch_timeout_seconds);
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      result.error = std::string("waitpid: ") + std::strerror(errno);
      return result;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.timed_out = true;
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // The renderer and GPU processes leave with the browser; any that lingers would hold the profile.
  ::kill(-pid, SIGKILL);
  if (WIFEXITED(status)) result.status = WEXITSTATUS(status);
  return result;
}

struct Rendered {
  std::string log;
  std::string dom;
  std::vector<std::string> problems;  // of the launch itself
};

// One headless chromium on `page`: its DOM into `<work>/<name>.dom.html`, its log into
// `<work>/<name>.log`, and, when `png` is given, a screenshot. A fresh profile each time, so
// that another chromium running on the machine is never handed the page instead.
Rendered render(const fs::path& chromium, const fs::path& page, const fs::path& work, const std::string& name, const fs::path* png) {
  const fs::path profile = work / (name + ".profile");
  std::error_code ec;
  fs::remove_all(profile, ec);
  std::vector<std::string> arguments = {"--headless",
                                        "--disable-gpu",
                                        "--no-sandbox",
                                        "--disable-dev-shm-usage",
                                        "--no-first-run",
                                        "--no-default-browser-check",
                                        "--disable-extensions",
                                        "--hide-scrollbars",
                                        "--enable-logging=stderr",
                                        "--v=0",
                                        "--user-data-dir=" + profile.string(),
                                        window_size,
                                        "--dump-dom"};
  if (png != nullptr) arguments.push_back("--screenshot=" + png->string());
  arguments.push_back(file_url(page));
  const fs::path dom_file = work / (name + ".dom.html"), log_file = work / (name + ".log");
  const Launch run = launch(chromium, arguments, dom_file, log_file);
  Rendered rendered{read_text(log_file), read_text(dom_file), {}};
  fs::remove_all(profile, ec);
  if (!run.error.empty()) rendered.problems.push_back("chromium: " + run.error);
  if (run.timed_out)
    rendered.problems.push_back("chromium: no result after " + std::to_string(static_cast<int>(launch_timeout_seconds)) +
                                " s on " + page.string() + " (killed)");
  else if (run.error.empty() && run.status != 0)
    rendered.problems.push_back("chromium: exit status " + std::to_string(run.status) + " on " + page.string() + " (its log: " +
                                log_file.string() + ")");
  return rendered;
}

std::string chromium_version(const fs::path& chromium, const fs::path& work) {
  const fs::path out = work / "version.txt", err = work / "version.log";
  const Launch run = launch(chromium, {"--version"}, out, err);
  std::string text = run.status == 0 ? read_text(out) : std::string();
  text = text.substr(0, text.find('\n'));  // "Chromium 156.0.8078.114 built on Debian GNU/Linux 12 (bookworm)"
  while (!text.empty() && text.back() == ' ') text.pop_back();
  const std::size_t built = text.find(" built on");
  if (built != std::string::npos) text.resize(built);
  return text.empty() ? chromium.string() : text;
}

}  // namespace

fs::path find_chromium() {
  if (const char* named = std::getenv("L2_CHROMIUM"); named != nullptr && *named != '\0') return named;
  const char* path = std::getenv("PATH");
  std::string directories = path != nullptr ? path : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"}) {
    std::istringstream split(directories);
    std::string directory;
    while (std::getline(split, directory, ':'))
      if (!directory.empty() && executable(fs::path(directory) / name)) return fs::path(directory) / name;
  }
  return {};
}

StageResult run_browser_check(const fs::path& html, const fs::path& png, const std::vector<std::string>& mechanisms,
                              const fs::path& work) {
  StageResult result;
  const fs::path chromium = find_chromium();
  if (chromium.empty()) {
    result.outcome = StageResult::Outcome::skipped;
    result.detail = "SKIPPED: no chromium on PATH (chromium, chromium-browser, google-chrome) and L2_CHROMIUM unset; "
                    "install Debian's chromium (./l2 audit does)";
    return result;
  }
  if (!executable(chromium)) {
    result.detail = "L2_CHROMIUM=" + chromium.string() + " is not an executable file";
    result.problems.push_back(result.detail);
    return result;
  }
  std::error_code ec;
  fs::create_directories(work, ec);
  if (ec) {
    result.detail = "cannot create " + work.string() + ": " + ec.message();
    result.problems.push_back(result.detail);
    return result;
  }
  const std::string version = chromium_version(chromium, work);

  // The canary first: the check must see its console error and its dangling link, and only those.
  const fs::path canary = work / "canary.html";
  std::ofstream(canary, std::ios::binary) << canary_page;
  const Rendered seen = render(chromium, canary, work, "canary", nullptr);
  const PageCheck canary_check = check_page(seen.log, seen.dom, {});
  const auto has = [&](std::string_view prefix) {
    return std::any_of(canary_check.problems.begin(), canary_check.problems.end(),
                       [&](const std::string& p) { return p.rfind(prefix, 0) == 0; });
  };
  const bool canary_read = seen.problems.empty() && has("console: ") && has("link: #absent ") && !has("link: #present ") &&
                           canary_check.links == 2;
  if (!canary_read) {
    result.problems = seen.problems;
    result.problems.push_back("canary: " + version + " on " + canary.string() +
                              " should show one console error and the dangling link #absent; the check read: " +
                              std::to_string(canary_check.problems.size()) + " problems (" + (work / "canary.log").string() +
                              ", " + (work / "canary.dom.html").string() + ")");
    for (const std::string& problem : canary_check.problems) result.problems.push_back("canary read: " + problem);
    result.detail = "the check cannot read " + version + "'s log or DOM: its canary page's errors went unseen";
    return result;
  }

  fs::remove(png, ec);
  const Rendered page = render(chromium, html, work, "report", &png);
  const PageCheck check = check_page(page.log, page.dom, mechanisms);
  result.problems = page.problems;
  result.problems.insert(result.problems.end(), check.problems.begin(), check.problems.end());
  if (!fs::is_regular_file(png, ec) || fs::file_size(png, ec) == 0) result.problems.push_back("png: chromium wrote no " + png.string());
  const std::string counts = std::to_string(check.links) + " internal links, " + std::to_string(check.ids) + " ids, " +
                             std::to_string(check.sections) + " of " + std::to_string(mechanisms.size()) + " mechanism sections";
  if (result.problems.empty()) {
    result.outcome = StageResult::Outcome::passed;
    result.detail = version + ": no console message, " + counts + ", all resolved; " + png.filename().string() + " rendered";
  } else {
    result.detail = version + ": " + std::to_string(result.problems.size()) + (result.problems.size() == 1 ? " problem (" : " problems (") +
                    counts + "); first: " + result.problems.front();
  }
  return result;
}

}  // namespace l2::cli::browser
