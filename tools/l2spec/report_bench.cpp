// Benchmarks in the audit report: a Google Benchmark JSON file measured against the targets of
// spec/audit_report.md#benchmark-targets. spec: audit_report.md#benchmark-targets
#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "report.hpp"
#include "spec_tree.hpp"

namespace l2::cli::report {

namespace fs = std::filesystem;

namespace {


// One benchmark's figures: the mean of its repetitions (Google Benchmark's "mean" aggregate when
// the file has it, otherwise the mean of its iteration runs).
struct Measured {
  std::string name;
  double items_per_second = 0;  // 0: the benchmark reports no items
  double real_time = 0;  // in seconds, whatever the file's time_unit
  std::map<std::string, double> counters;
  std::size_t runs = 0;
};

// Google Benchmark's time units, in seconds.
double seconds_per(const std::string& unit) {
  if (unit == "ns") return 1e-9;
  if (unit == "us") return 1e-6;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1;
  throw InputError("a benchmark has the time_unit \"" + unit + "\", which is not ns, us, ms or s");
}

std::vector<Measured> measured(const json& benchmarks) {
  static const std::set<std::string> standard = {"family_index", "per_family_instance_index", "repetitions", "repetition_index",
                                                 "threads", "iterations", "real_time", "cpu_time", "items_per_second",
                                                 "bytes_per_second"};
  std::map<std::string, Measured> iterations, means;
  std::vector<std::string> order;
  for (const json& run : benchmarks.at("benchmarks")) {
    const std::string run_name = run.value("run_name", run.at("name").get<std::string>());
    const bool aggregate = run.value("run_type", "iteration") == "aggregate";
    if (aggregate && run.value("aggregate_name", "") != "mean") continue;
    Measured& m = (aggregate ? means : iterations)[run_name];
    if (std::find(order.begin(), order.end(), run_name) == order.end()) order.push_back(run_name);
    m.name = run_name;
    ++m.runs;
    m.items_per_second += run.value("items_per_second", 0.0);
    m.real_time += run.value("real_time", 0.0) * seconds_per(run.value("time_unit", std::string("ns")));
    for (const auto& [key, value] : run.items())
      if (value.is_number() && !standard.count(key)) m.counters[key] += value.get<double>();
  }
  std::vector<Measured> out;
  for (const std::string& name : order) {
    Measured m = means.count(name) ? means[name] : iterations[name];
    const double n = static_cast<double>(std::max<std::size_t>(1, m.runs));
    m.items_per_second /= n;
    m.real_time /= n;
    for (auto& [key, value] : m.counters) value /= n;
    out.push_back(m);
  }
  return out;
}

// The benchmark is `pattern` itself or one of its instances (`pattern/...`: arguments, real_time).
bool matches(const std::string& name, const std::string& pattern) {
  return name == pattern || name.rfind(pattern + "/", 0) == 0;
}

// The rate a ratio compares: items per second when both report items, else iterations per unit
// of real time.
double rate(const Measured& m, bool items) { return items ? m.items_per_second : (m.real_time > 0 ? 1.0 / m.real_time : 0); }

bool is_benchmark_name(const std::string& text) { return text.rfind("BM_", 0) == 0; }

}  // namespace

void check_benchmark_document(const json& document, const std::string& where) {
  if (!document.is_object() || !document.contains("benchmarks") || !document["benchmarks"].is_array())
    throw InputError(where + " has no \"benchmarks\" array: it is not Google Benchmark's JSON output");
  std::size_t index = 0;
  for (const json& run : document["benchmarks"]) {
    if (!run.is_object() || !run.contains("name") || !run["name"].is_string())
      throw InputError(where + ": benchmark " + std::to_string(index) + " has no \"name\"");
    const std::string name = run["name"].get<std::string>();
    for (const char* key : {"real_time", "items_per_second"})
      if (run.contains(key) && !run[key].is_number())
        throw InputError(where + ": benchmark " + name + " has a \"" + key + "\" that is not a number");
    for (const char* key : {"run_name", "run_type", "aggregate_name", "time_unit"})
      if (run.contains(key) && !run[key].is_string())
        throw InputError(where + ": benchmark " + name + " has a \"" + key + "\" that is not text");
    if (run.contains("time_unit")) {
      const std::string unit = run["time_unit"].get<std::string>();
      if (unit != "ns" && unit != "us" && unit != "ms" && unit != "s")
        throw InputError(where + ": benchmark " + name + " has the time_unit \"" + unit + "\", which is not ns, us, ms or s");
    }
    ++index;
  }
  if (document.contains("context") && !document["context"].is_object()) throw InputError(where + ": \"context\" is not an object");
}

json read_benchmark_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read the benchmark file " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  const json document = json::parse(text.str(), nullptr, false);
  if (document.is_discarded())
    throw InputError(path.string() + " is not JSON: pass the output of l2_bench --benchmark_format=json (or --benchmark_out=FILE)");
  check_benchmark_document(document, path.string());
  return document;
}

json benchmark_rows(const json& benchmarks, const SpecDocument& targets_spec) {
  const std::vector<Measured> runs = measured(benchmarks);
  std::vector<const Table*> tables = targets_spec.tables_in_section("Benchmark targets");
  if (tables.empty()) throw InputError(targets_spec.path + " has no table under \"Benchmark targets\"");
  const Table& table = *tables.front();
  auto column = [&](const char* header) {
    for (std::size_t i = 0; i < table.headers.size(); ++i)
      if (spec_tree::without_markup(table.headers[i]) == header) return i;
    throw InputError(targets_spec.path + "#benchmark-targets: the table has no column \"" + std::string(header) + "\"");
  };
  const std::size_t mechanism_col = column("mechanism"), measure_col = column("measure"), benchmark_col = column("benchmark"),
                    over_col = column("over"), target_col = column("target"), stated_col = column("stated in");
  json rows = json::array();
  for (const Table::Row& row : table.rows) {
    auto cell = [&](std::size_t i) { return i < row.cells.size() ? row.cells[i] : std::string(); };
    const std::string pattern = spec_tree::without_markup(cell(benchmark_col));
    const std::string over = spec_tree::without_markup(cell(over_col));
    double target = 0;
    try {
      target = std::stod(spec_tree::without_markup(cell(target_col)));
    } catch (const std::exception&) {
      throw InputError(targets_spec.path + " line " + std::to_string(row.line) + ": the target \"" + cell(target_col) + "\" is not a number");
    }
    const json base = {{"mechanism", spec_tree::without_markup(cell(mechanism_col))}, {"measure", spec_tree::without_markup(cell(measure_col))},
                       {"target", target}, {"stated_in", cell(stated_col)}, {"line", row.line}};
    bool any = false;
    for (const Measured& run : runs) {
      if (!matches(run.name, pattern)) continue;
      const std::string instance = run.name.substr(pattern.size());  // "" or "/8/real_time"
      json out = base;
      out["benchmark"] = run.name;
      if (is_benchmark_name(over)) {
        const Measured* denominator = nullptr;
        for (const Measured& other : runs)
          if (other.name == over + instance) denominator = &other;
        if (denominator == nullptr)
          for (const Measured& other : runs)
            if (matches(other.name, over)) {
              denominator = &other;
              break;
            }
        if (denominator == nullptr) continue;
        const bool items = run.items_per_second > 0 && denominator->items_per_second > 0;
        const double below = rate(*denominator, items);
        if (below <= 0) continue;
        out["over"] = denominator->name;
        out["value"] = rate(run, items) / below;
        out["basis"] = items ? "items_per_second" : "1 / real_time";
      } else {
        auto counter = run.counters.find(over);
        if (counter == run.counters.end()) continue;
        out["over"] = over;
        out["value"] = counter->second;
        out["basis"] = "counter " + over;
      }
      out["met"] = out["value"].get<double>() >= target;
      rows.push_back(out);
      any = true;
    }
    if (!any) {
      json out = base;
      out["benchmark"] = pattern;
      out["over"] = over;
      out["value"] = nullptr;
      out["basis"] = nullptr;
      out["met"] = nullptr;  // not measured: the file has no such benchmark (or counter)
      rows.push_back(out);
    }
  }
  return rows;
}

json benchmark_families(const json& benchmarks) {
  const std::vector<Measured> runs = measured(benchmarks);
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Measured*>> families;
  for (const Measured& run : runs) {
    const auto slash = run.name.find('/');
    if (slash == std::string::npos || run.items_per_second <= 0) continue;
    const std::string family = run.name.substr(0, slash);
    if (!families.count(family)) order.push_back(family);
    families[family].push_back(&run);
  }
  json out = json::array();
  for (const std::string& family : order) {
    const std::vector<const Measured*>& members = families[family];
    if (members.size() < 2) continue;
    // Each instance against the reference instance with the same other segments ("game/reference"
    // for "game/optimized", "reference/8/real_time" for "batch_2threads/8/real_time").
    auto reference_for = [&](const std::string& instance) -> const Measured* {
      std::vector<std::string> segments;
      std::istringstream parts(instance);
      for (std::string part; std::getline(parts, part, '/');) segments.push_back(part);
      for (std::size_t i = 0; i < segments.size(); ++i) {
        std::string candidate;
        for (std::size_t j = 0; j < segments.size(); ++j) candidate += (j ? "/" : "") + (i == j ? std::string("reference") : segments[j]);
        for (const Measured* m : members)
          if (m->name == family + "/" + candidate) return m;
      }
      return nullptr;
    };
    json instances = json::array();
    for (const Measured* m : members) {
      const std::string instance = m->name.substr(family.size() + 1);
      const Measured* reference = reference_for(instance);
      instances.push_back({{"instance", instance},
                           {"items_per_second", m->items_per_second},
                           {"x_reference", reference != nullptr && reference->items_per_second > 0
                                               ? json(m->items_per_second / reference->items_per_second)
                                               : json(nullptr)}});
    }
    out.push_back({{"family", family}, {"instances", instances}});
  }
  return out;
}

}  // namespace l2::cli::report
