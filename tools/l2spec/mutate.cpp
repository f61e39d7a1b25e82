// l2spec mutate: the vector side of the mutation campaign (tools/mutate, `./l2 mutate`).
//
// It only works in an l2spec built from a schematized copy of the tree, in which every mutation
// point of the reference asks l2/ref/mutant.hpp whether its mutant is active. It loads the vectors
// once, replays them on the reference with no mutant (the baseline), then forks one child per
// mutant: the child activates it and replays the cases, the mutant's own mechanism first, until a
// step's outcome differs from the vector's (the mutant is killed) or every case passes (it
// survives). A child that crashes or runs past the time limit also kills its mutant. Each result
// is one JSON line on stdout; progress goes to stderr.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "commands.hpp"

#if __has_include("l2/ref/mutant.hpp")
#include "l2/ref/mutant.hpp"
#endif

namespace l2::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

#if __has_include("l2/ref/mutant.hpp")
constexpr bool schematized = true;
mutation::Selector& mutants() { return mutation::selector(); }
#else
// The committed reference has no mutation points: the command refuses to run before it would
// activate one.
constexpr bool schematized = false;
struct NoMutants {
  void set_active(long) {}
  bool reached() const { return false; }
  bool infected() const { return false; }
};
NoMutants& mutants() {
  static NoMutants none;
  return none;
}
#endif

struct VectorCase {
  std::string path;
  std::string mechanism;
  json pre_state;
  json steps;
};

struct Kill {
  std::string path;
  std::size_t step = 0;
  std::string reason;
};

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The committed cases of `dir`, through its index; shared states resolved.
std::vector<VectorCase> load_cases(const fs::path& dir, std::string& error) {
  std::vector<VectorCase> cases;
  const auto index_text = read_text(dir / "index.json");
  if (!index_text) {
    error = (dir / "index.json").string() + ": cannot read";
    return cases;
  }
  const json index = json::parse(*index_text);
  std::map<std::string, json> states;
  std::vector<json> documents;
  for (const json& entry : index["files"]) {
    const std::string path = entry["path"].get<std::string>();
    const auto text = read_text(dir / path);
    if (!text) {
      error = path + ": listed in index.json but missing";
      return {};
    }
    json document = json::parse(*text);
    if (entry["kind"] == "state") states[path] = document["state"];
    else documents.push_back(std::move(document));
  }
  for (json& document : documents) {
    VectorCase c;
    c.mechanism = document["mechanism"].get<std::string>();
    c.path = c.mechanism + "/" + document["suite"].get<std::string>() + "/" + document["case"].get<std::string>() + ".json";
    if (document.contains("pre_state_ref"))
      c.pre_state = states[c.mechanism + "/states/" + document["pre_state_ref"].get<std::string>() + ".json"];
    else
      c.pre_state = document.value("pre_state", json());
    c.steps = std::move(document["steps"]);
    cases.push_back(std::move(c));
  }
  return cases;
}

const vectors::Mechanism* find_mechanism(const std::string& name) {
  for (const vectors::Mechanism& m : vectors::mechanisms())
    if (m.name == name) return &m;
  return nullptr;
}

// What changed in a step: the mutant is killed when any compared part of the outcome differs
// (spec: vectors.md; reasons and extras are informative and not compared).
std::optional<std::string> changed(const vectors::Outcome& expected, const vectors::Outcome& actual) {
  if (expected.outcome != actual.outcome || expected.error != actual.error || expected.rule != actual.rule)
    return "expected " + expected.outcome + " " + expected.error + " " + expected.rule + ", got " + actual.outcome + " " +
           actual.error + " " + actual.rule;
  if (expected.outcome == "ok" && (expected.state_root != actual.state_root || expected.post_state != actual.post_state))
    return "the post-state differs";
  return std::nullopt;
}

std::optional<Kill> replay(const VectorCase& c) {
  const vectors::Mechanism* mechanism = find_mechanism(c.mechanism);
  if (mechanism == nullptr) return Kill{c.path, 0, "unknown mechanism " + c.mechanism};
  json state = c.pre_state;
  std::size_t number = 0;
  for (const json& step : c.steps) {
    const vectors::OpHandler* handler = mechanism->find_op(step["op"].get<std::string>());
    const auto expected = vectors::outcome_from_json(step["expect"]);
    if (handler == nullptr || !expected) return Kill{c.path, number, "unreadable step"};
    const std::uint64_t height = std::stoull(step["height"].get<std::string>());
    vectors::StepResult result;
    try {
      result = handler->apply(vectors::Impl::reference, state, step["input"], height);
    } catch (const std::exception& e) {
      return Kill{c.path, number, std::string("the replay threw: ") + e.what()};
    }
    if (auto difference = changed(*expected, result.outcome)) return Kill{c.path, number, *difference};
    if (result.outcome.outcome == "ok") state = result.outcome.post_state;
    ++number;
  }
  return std::nullopt;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Running {
  long id = 0;
  pid_t pid = -1;
  int fd = -1;
  std::string output;
  std::chrono::steady_clock::time_point started;
};

// The child: activate the mutant, replay until the first changed step, report one JSON line.
[[noreturn]] void run_child(long id, const std::vector<const VectorCase*>& order, int fd) {
  // An aborting mutant (an internal check that fails) would otherwise print over the progress.
  const int quiet = ::open("/dev/null", O_WRONLY);
  if (quiet >= 0) ::dup2(quiet, STDERR_FILENO);
  mutants().set_active(id);
  json result = {{"id", id}, {"status", "survived"}};
  for (const VectorCase* c : order) {
    if (auto kill = replay(*c)) {
      result["status"] = "killed";
      result["case"] = kill->path;
      result["step"] = kill->step;
      result["reason"] = kill->reason;
      break;
    }
  }
  result["reached"] = mutants().reached();
  result["infected"] = mutants().infected();
  const std::string line = result.dump() + "\n";
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::_exit(0);
}

json finish(Running& r, bool timed_out) {
  if (timed_out) ::kill(r.pid, SIGKILL);
  int status = 0;
  ::waitpid(r.pid, &status, 0);
  ::close(r.fd);
  const double seconds = seconds_since(r.started);
  if (!timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0 && !r.output.empty()) {
    json result = json::parse(r.output, nullptr, false);
    if (!result.is_discarded()) {
      result["seconds"] = seconds;
      return result;
    }
  }
  const std::string how = timed_out ? "timeout"
                          : WIFSIGNALED(status) ? "crashed (signal " + std::to_string(WTERMSIG(status)) + ")"
                                                : "crashed (exit " + std::to_string(WEXITSTATUS(status)) + ")";
  return {{"id", r.id}, {"status", timed_out ? "timeout" : "crashed"}, {"reason", how}, {"seconds", seconds}};
}

}  // namespace

int run_mutate(const MutateOptions& options) {
  if (!schematized) {
    std::cerr << "l2spec mutate: this l2spec was built from the committed reference, which has no mutation points.\n"
                 "Run ./l2 mutate: it builds l2spec from a schematized copy of the tree (tools/mutate).\n";
    return exit_usage;
  }
  const auto plan_text = read_text(options.plan);
  if (!plan_text) {
    std::cerr << "l2spec mutate: cannot read " << options.plan << "\n";
    return exit_usage;
  }
  const json plan = json::parse(*plan_text);
  std::string error;
  const std::vector<VectorCase> cases = load_cases(options.vectors, error);
  if (!error.empty()) {
    std::cerr << "l2spec mutate: " << error << "\n";
    return exit_usage;
  }

  // The baseline: the cases the unmutated reference replays correctly are the ones that can kill.
  const auto baseline_start = std::chrono::steady_clock::now();
  std::vector<const VectorCase*> passing;
  json failing = json::array();
  for (const VectorCase& c : cases) {
    if (auto kill = replay(c)) failing.push_back({{"case", kill->path}, {"step", kill->step}, {"reason", kill->reason}});
    else passing.push_back(&c);
  }
  const double baseline_seconds = seconds_since(baseline_start);
  std::cout << json{{"baseline", {{"cases", cases.size()}, {"seconds", baseline_seconds}, {"failing", failing}}}}.dump()
            << std::endl;
  say("baseline: " + std::to_string(passing.size()) + " of " + std::to_string(cases.size()) + " cases replay in " +
      std::to_string(baseline_seconds) + " s");
  const double limit = options.timeout_seconds > 0 ? options.timeout_seconds : std::max(10.0, 10 * baseline_seconds);

  std::deque<json> queue(plan["mutants"].begin(), plan["mutants"].end());
  const std::size_t total = queue.size();
  std::vector<Running> running;
  std::size_t done = 0, killed = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto wall = std::chrono::system_clock::now();
  auto past_deadline = [&] {
    return options.deadline > 0 &&
           std::chrono::duration<double>(wall.time_since_epoch()).count() + seconds_since(start) > options.deadline;
  };
  auto report = [&](json result) {
    ++done;
    if (result["status"] != "survived") ++killed;
    std::cout << result.dump() << std::endl;
    if (done % 10 == 0 || done == total)
      say("  mutant " + std::to_string(done) + " of " + std::to_string(total) + ", " +
          std::to_string(static_cast<long>(seconds_since(start))) + " s, " + std::to_string(killed) + " killed by the vectors");
  };

  while (!queue.empty() || !running.empty()) {
    while (!queue.empty() && running.size() < static_cast<std::size_t>(std::max(1, options.jobs)) && !past_deadline()) {
      const json mutant = queue.front();
      queue.pop_front();
      const long id = mutant["id"].get<long>();
      const std::string own = mutant.value("mechanism", "");
      std::vector<const VectorCase*> order;
      for (const VectorCase* c : passing)
        if (c->mechanism == own) order.push_back(c);
      for (const VectorCase* c : passing)
        if (c->mechanism != own) order.push_back(c);
      int fds[2];
      if (::pipe(fds) != 0) {
        std::cerr << "l2spec mutate: pipe failed\n";
        return exit_check_failed;
      }
      std::cout.flush();
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::close(fds[0]);
        run_child(id, order, fds[1]);
      }
      ::close(fds[1]);
      running.push_back(Running{id, pid, fds[0], "", std::chrono::steady_clock::now()});
    }
    if (running.empty()) break;  // the deadline passed: the rest are not run
    std::vector<pollfd> polls;
    for (const Running& r : running) polls.push_back(pollfd{r.fd, POLLIN, 0});
    ::poll(polls.data(), polls.size(), 100);
    for (std::size_t i = running.size(); i-- > 0;) {
      Running& r = running[i];
      bool closed = false;
      if (polls[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buffer[4096];
        const ssize_t n = ::read(r.fd, buffer, sizeof buffer);
        if (n > 0) r.output.append(buffer, static_cast<std::size_t>(n));
        else closed = true;
      }
      const bool timed_out = !closed && seconds_since(r.started) > limit;
      if (closed || timed_out) {
        report(finish(r, timed_out));
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
  }
  for (const json& mutant : queue) std::cout << json{{"id", mutant["id"]}, {"status", "not_run"}}.dump() << "\n";
  std::cout.flush();
  return exit_ok;
}

}  // namespace l2::cli
