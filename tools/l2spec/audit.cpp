// l2spec audit: the main job. Each stage prints progress and records what it found in the inputs
// document (audit.inputs.json); the report (spec/audit_report.md) is built from it and written as
// Markdown, HTML and JSON.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "browser_check.hpp"
#include "commands.hpp"
#include "l2/inv/registry.hpp"
#include "l2/vectors/registry.hpp"
#include "report.hpp"

namespace l2::cli {

namespace fs = std::filesystem;
using report::json;

namespace {

bool selected(const AuditOptions& options, const std::string& mechanism) {
  return options.mechanisms.empty() ||
         std::find(options.mechanisms.begin(), options.mechanisms.end(), mechanism) != options.mechanisms.end();
}

json read_json_file(const fs::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw report::InputError("cannot read " + what + " " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  const json document = json::parse(text.str(), nullptr, false);
  if (document.is_discarded()) throw report::InputError(path.string() + " is not JSON (" + what + ")");
  return document;
}

json read_mutation_report(const fs::path& path) {
  json campaign = read_json_file(path, "the mutation report");
  if (!campaign.is_object() || !campaign.contains("mechanisms") || !campaign["mechanisms"].is_object() ||
      !campaign.contains("mutants") || !campaign["mutants"].is_array())
    throw report::InputError(path.string() + " is not a mutation report (tools/mutate/mutate.py's mutants.json)");
  return campaign;
}

// Discharges one obligation and records what the report shows of it.
json discharge_row(const inv::Obligation& obligation, double timeout_seconds, inv::ObligationResult* out = nullptr) {
  const auto timeout = std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000));
  inv::ObligationResult result = inv::discharge(obligation, timeout);
  json row = {{"id", obligation.id()},
              {"invariant", obligation.invariant},
              {"transition", obligation.transition},
              {"kind", inv::kind_name(obligation.kind)},
              {"statement", obligation.statement},
              {"premise", obligation.premise},
              {"premise_stated", static_cast<bool>(obligation.assert_premise)},
              {"result", inv::verdict_name(result.verdict)},
              {"seconds", result.seconds},
              {"reason", result.reason},
              {"counterexample", result.counterexample}};
  if (out != nullptr) *out = std::move(result);
  return row;
}

// The weakened obligations in the order worth trying: those the spec names beside the weakening
// (the ones it says refute it) first, in the order the spec names them, then the rest in the model's order.
std::vector<inv::Obligation> in_spec_order(std::vector<inv::Obligation> obligations, const std::string& spec_text) {
  auto first_mention = [&](const inv::Obligation& obligation) {
    return std::min(spec_text.find("`" + obligation.invariant + "`"), spec_text.find("`" + obligation.invariant + "/"));
  };
  std::stable_sort(obligations.begin(), obligations.end(),
                   [&](const inv::Obligation& a, const inv::Obligation& b) { return first_mention(a) < first_mention(b); });
  return obligations;
}

// The mechanisms the report must give a section: the registry's, or the run's --mechanism list.
std::vector<std::string> sectioned_mechanisms(const json& inputs) {
  std::vector<std::string> names;
  const json chosen = inputs.value("options", json::object()).value("mechanisms", json::array());
  for (const json& name : inputs.value("registry", json::array()))
    if (chosen.empty() || std::find(chosen.begin(), chosen.end(), name) != chosen.end()) names.push_back(name.get<std::string>());
  return names;
}

// Writes the three forms; with `browser_check`, then checks audit.html in chromium
// (spec/audit_report.md#the-browser-check), adds the check's stage row and writes them again:
// the row holds no link and no id, so the page checked and the page written have the same links
// and sections. `inputs_file` (the full run's audit.inputs.json) is written last, with that row.
int write_report(json inputs, const AuditOptions& options, bool browser_check, const fs::path& inputs_file) {
  std::error_code ec;
  fs::create_directories(options.report_dir, ec);
  if (ec) {
    std::cerr << "l2spec audit: cannot create " << options.report_dir.string() << ": " << ec.message() << "\n";
    return exit_usage;
  }
  const fs::path report_dir = fs::weakly_canonical(options.report_dir, ec);
  std::string to_source = fs::relative(fs::weakly_canonical(options.source, ec), report_dir, ec).generic_string();
  if (to_source.empty()) to_source = ".";
  auto render = [&] {
    json document;
    try {
      document = report::build_report(inputs, options.source);
    } catch (const json::exception& e) {
      throw report::InputError("the audit inputs have a field of the wrong type: " + std::string(e.what()));
    }
    report::check_report_schema(document, options.source);  // the renderers read what the schema requires
    std::ofstream(options.report_dir / "audit.md") << report::render_markdown(document, to_source);
    std::ofstream(options.report_dir / "audit.html") << report::render_html(document, to_source);
    std::ofstream(options.report_dir / "audit.json") << document.dump(2) << "\n";
    return document;
  };
  json document = render();

  if (browser_check) {
    const std::string name = "browser check: chromium renders audit.html";
    say("== " + name);
    std::cout << "\n== " << name << "\n" << std::flush;
    const auto start = std::chrono::steady_clock::now();
    const browser::StageResult check =
        browser::run_browser_check(options.report_dir / "audit.html", options.report_dir / "audit.png", sectioned_mechanisms(inputs),
                                   options.report_dir / "browser-check");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const std::string& problem : check.problems) std::cout << "FAIL " << problem << "\n";
    if (check.outcome == browser::StageResult::Outcome::skipped) {
      // No row: the report lists the stages that ran.
      const std::string banner = "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                                 "!!! l2spec audit: the BROWSER CHECK DID NOT RUN\n!!! " + check.detail +
                                 "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n";
      std::cout << banner << std::flush;
      std::cerr << banner << std::flush;
    } else {
      const bool passed = check.outcome == browser::StageResult::Outcome::passed;
      std::printf("%-4s  %8.2f s  %-48s %s\n", passed ? "pass" : "FAIL", seconds, name.c_str(), check.detail.c_str());
      json stages = json::array();
      for (const json& stage : inputs.value("stages", json::array()))
        if (stage.value("stage", "") != name) stages.push_back(stage);  // a re-render replaces the earlier check
      stages.push_back({{"stage", name}, {"result", passed ? "pass" : "fail"}, {"seconds", seconds}, {"detail", check.detail}});
      bool ok = true;
      for (const json& stage : stages) ok = ok && stage.value("result", "") == "pass";
      inputs["stages"] = stages;
      inputs["result"] = ok ? "pass" : "fail";
      document = render();
    }
  }
  if (!inputs_file.empty()) std::ofstream(inputs_file) << inputs.dump(1) << "\n";

  const bool ok = document["result"] == "pass";
  std::printf("audit %s; report: %s/audit.{md,html,json}\n", ok ? "passed" : "FAILED", options.report_dir.string().c_str());
  return ok ? exit_ok : exit_check_failed;
}

}  // namespace

int run_audit(const AuditOptions& options) {
  if (!options.render_from.empty()) {
    // Only the rendering: the stages ran before and wrote this file. A benchmark file or a
    // mutation report given now replaces the one of the run.
    json inputs = read_json_file(options.render_from, "the audit inputs");
    if (!inputs.is_object()) throw report::InputError(options.render_from.string() + " is not an audit inputs document");
    if (!options.bench_json.empty())
      inputs["benchmarks"] = {{"file", options.bench_json.string()}, {"data", report::read_benchmark_file(options.bench_json)}};
    if (!options.mutants_report.empty()) inputs["mutants"] = read_mutation_report(options.mutants_report);
    inputs["rendered"] = {{"from", options.render_from.string()}, {"date", report::utc_now()}};
    return write_report(inputs, options, options.browser_check, {});
  }

  // Every input the report needs is checked before the stages run for minutes.
  std::vector<std::string> registry;
  for (const vectors::Mechanism& mechanism : vectors::mechanisms()) registry.push_back(mechanism.name);
  for (const std::string& name : options.mechanisms)
    if (std::find(registry.begin(), registry.end(), name) == registry.end()) {
      std::string known;
      for (const std::string& n : registry) known += " " + n;
      std::cerr << "l2spec audit: unknown mechanism \"" << name << "\"; the registry has:" << known << "\n";
      return exit_usage;
    }
  std::map<std::string, report::SpecDocument> specs;
  for (const std::string& name : registry)
    if (selected(options, name)) specs.emplace(name, report::read_spec(options.source, "spec/" + name + ".md"));
  json benchmarks = nullptr;
  if (!options.bench_json.empty()) {
    benchmarks = {{"file", options.bench_json.string()}, {"data", report::read_benchmark_file(options.bench_json)}};
    report::benchmark_rows(benchmarks["data"], report::read_spec(options.source, "spec/audit_report.md"));
  }
  json mutants = nullptr;
  if (!options.mutants_report.empty()) mutants = read_mutation_report(options.mutants_report);

  struct Stage {
    std::string name;
    int code = 0;
    double seconds = 0;
    std::string detail;
  };
  std::vector<Stage> stages;
  json inputs = {{"registry", registry}, {"mechanisms", json::array()}};
  std::map<std::string, json> per_mechanism;
  for (const std::string& name : registry)
    if (selected(options, name))
      per_mechanism[name] = {{"name", name}, {"obligations", nullptr}, {"weakenings", json::array()}, {"trace_validation", nullptr}};
  auto run = [&](const std::string& name, auto&& body) {
    say("== " + name);
    std::cout << "\n== " << name << "\n" << std::flush;
    const auto start = std::chrono::steady_clock::now();
    Stage stage{name, 0, 0, ""};
    stage.code = body(stage.detail);
    stage.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stages.push_back(stage);
  };
  const auto vectors_dir = options.source / "vectors";
  auto log = [](std::string_view line) { say("  " + std::string(line)); };
  const std::vector<inv::ModelEntry> models = vectors::models();

  run("SHA-256 kernels: CPU support and self-check", [&](std::string& detail) {
    const int code = run_kernels(&inputs["kernels"]);
    detail = code == 0 ? "every supported kernel matches the reference" : "a kernel failed its self-check";
    return code;
  });
  run("prove: every proof obligation (Z3)", [&](std::string& detail) {
    std::size_t total = 0, failed = 0;
    std::printf("%-16s %-26s %-18s %-12s %-15s %8s\n", "mechanism", "invariant", "transition", "kind", "result", "seconds");
    for (const inv::ModelEntry& model : models) {
      if (!selected(options, model.mechanism)) continue;
      json rows = json::array();
      for (const inv::Obligation& obligation : model.obligations(inv::Depth::full)) {
        const json row = discharge_row(obligation, options.timeout_seconds);
        std::printf("%-16s %-26s %-18s %-12s %-15s %8.3f\n", obligation.mechanism.c_str(), obligation.invariant.c_str(),
                    obligation.transition.c_str(), row["kind"].get<std::string>().c_str(), row["result"].get<std::string>().c_str(),
                    row["seconds"].get<double>());
        if (row["result"] != "proved") {
          ++failed;
          if (!row["reason"].get<std::string>().empty()) std::printf("  reason: %s\n", row["reason"].get<std::string>().c_str());
          if (!row["counterexample"].get<std::string>().empty())
            std::printf("  counterexample:\n%s", row["counterexample"].get<std::string>().c_str());
        }
        std::fflush(stdout);
        rows.push_back(row);
        ++total;
      }
      per_mechanism[model.mechanism]["obligations"] = rows;
    }
    detail = std::to_string(total) + " obligations, " + std::to_string(failed) + " failed";
    return failed == 0 ? exit_ok : exit_check_failed;
  });
  run("weakenings: each weakened rule's counterexample (Z3)", [&](std::string& detail) {
    const auto start = std::chrono::steady_clock::now();
    auto remaining = [&] {
      return options.weakenings_budget_seconds - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    std::size_t refuted = 0, unrefuted = 0, out_of_budget = 0;
    for (const inv::ModelEntry& model : models) {
      if (!selected(options, model.mechanism)) continue;
      for (const std::string& name : model.weakenings) {
        const std::string spec_text = report::weakening_text(specs.at(model.mechanism), name);
        json row = {{"name", name}, {"status", "none found"}, {"obligation", nullptr}, {"result", nullptr}, {"seconds", 0.0},
                    {"tried", json::array()}, {"counterexample", ""}, {"case", nullptr}, {"note", ""}};
        double seconds = 0;
        for (const inv::Obligation& obligation : in_spec_order(model.weakened(name), spec_text)) {
          const double left = remaining();
          if (left <= 1) {
            row["status"] = "budget exhausted";
            row["note"] = "the weakenings' budget (--weakenings-budget " + std::to_string(static_cast<long>(options.weakenings_budget_seconds)) +
                          " s) ran out after " + std::to_string(row["tried"].size()) + " obligations";
            break;
          }
          inv::ObligationResult result;
          const json attempt = discharge_row(obligation, std::min(options.timeout_seconds, left), &result);
          seconds += result.seconds;
          row["tried"].push_back(obligation.id());
          if (result.verdict != inv::Verdict::counterexample) continue;
          row["status"] = "counterexample";
          row["obligation"] = obligation.id();
          row["result"] = attempt["result"];
          row["counterexample"] = result.counterexample;
          if (result.witness) {
            const json document = vectors::counterexample_case(obligation.mechanism, *result.witness);
            if (!document.is_null()) row["case"] = document;
          }
          break;
        }
        row["seconds"] = seconds;
        const std::string status = row["status"];
        std::printf("%-16s %-36s %-18s %8.2f s  %s\n", model.mechanism.c_str(), name.c_str(), status.c_str(), seconds,
                    row["obligation"].is_string() ? row["obligation"].get<std::string>().c_str() : "");
        std::fflush(stdout);
        (status == "counterexample" ? refuted : status == "budget exhausted" ? out_of_budget : unrefuted) += 1;
        per_mechanism[model.mechanism]["weakenings"].push_back(row);
      }
    }
    detail = std::to_string(refuted) + " weakenings refuted, " + std::to_string(unrefuted) + " without a counterexample";
    if (out_of_budget > 0) detail += ", " + std::to_string(out_of_budget) + " not finished within the budget";
    return unrefuted == 0 ? exit_ok : exit_check_failed;
  });
  run("vectors verify --impl all", [&](std::string& detail) {
    const auto result = vectors::verify(vectors_dir, {vectors::Impl::reference, vectors::Impl::optimized, vectors::Impl::model}, log);
    for (const auto& failure : result.failures) std::cout << "FAIL " << failure << "\n";
    inputs["vectors"] = {{"files", result.files}, {"cases", result.cases}, {"steps_checked", result.steps_checked},
                         {"steps_not_applicable", result.steps_not_applicable}, {"failures", result.failures}};
    detail = std::to_string(result.cases) + " cases, " + std::to_string(result.steps_checked) + " step replays, " +
             std::to_string(result.steps_not_applicable) + " not applicable, " + std::to_string(result.failures.size()) + " failures";
    std::cout << detail << "\n";
    return result.ok() ? exit_ok : exit_check_failed;
  });
  // Each mechanism whose model has a concrete engine: seeded random reference traces through it.
  for (const inv::ModelEntry& model : models) {
    if (!model.trace_validation || !selected(options, model.mechanism)) continue;
    const inv::TraceValidationStage& stage = *model.trace_validation;
    run("trace validation: random " + model.mechanism + " traces, reference vs Z3 model", [&](std::string& detail) {
      const std::size_t every = std::max<std::size_t>(1, stage.traces / 5);
      const inv::TraceReport result = stage.run(20261124, stage.traces, stage.max_steps, [&](std::size_t done) {
        if (done % every == 0) say("  " + std::to_string(done) + "/" + std::to_string(stage.traces) + " traces");
      });
      for (const auto& failure : result.failures) std::cout << "FAIL " << failure << "\n";
      per_mechanism[model.mechanism]["trace_validation"] = {
          {"seed", 20261124},      {"traces", result.traces},     {"max_steps", stage.max_steps},
          {"steps", result.steps}, {"accepted", result.accepted}, {"disagreements", result.disagreements},
          {"failures", result.failures}, {"outcomes", result.outcomes},
          {"first_disagreeing_trace", result.first_disagreeing_trace}};
      detail = std::to_string(result.traces) + " traces, " + std::to_string(result.steps) + " steps (" +
               std::to_string(result.accepted) + " accepted), " + std::to_string(result.disagreements) + " disagreements";
      std::cout << detail << "\n";
      return result.disagreements == 0 ? exit_ok : exit_check_failed;
    });
  }
  run("vectors drift", [&](std::string& detail) {
    const auto differences = vectors::drift(vectors_dir, log);
    for (const auto& difference : differences) std::cout << "DRIFT " << difference << "\n";
    inputs["drift"] = differences;
    detail = differences.empty() ? "the committed vectors equal a fresh generation" : std::to_string(differences.size()) + " files drifted";
    std::cout << detail << "\n";
    return differences.empty() ? exit_ok : exit_check_failed;
  });
  run("trace: rules to code, model, tests and vectors", [&](std::string& detail) {
    const int code = run_trace(TraceOptions{options.source, vectors_dir, false}, &inputs["trace"]);
    if (!inputs["trace"].is_object()) {
      detail = "the trace could not read the tree";
      return code;
    }
    detail = std::to_string(inputs["trace"]["rules"].size()) + " rules, " + std::to_string(inputs["trace"]["problems"].size()) + " problems";
    if (!inputs["trace"]["pending"].empty())
      detail += ", " + std::to_string(inputs["trace"]["pending"].size()) + " pending (in progress: " +
                inputs["trace"]["in_progress"].get<std::string>() + ")";
    return code;
  });

  if (options.mutants) {
    run("mutation campaign (tools/mutate), time-boxed", [&](std::string& detail) {
      const auto out = options.report_dir / "mutants";
      const std::string command = "python3 \"" + (options.source / "tools" / "mutate" / "mutate.py").string() +
                                  "\" --source \"" + options.source.string() + "\" --report \"" + out.string() +
                                  "\" --budget " + std::to_string(static_cast<long>(options.mutants_budget_seconds));
      const int status = std::system(command.c_str());
      std::ifstream in(out / "mutants.json");
      const json campaign = json::parse(in, nullptr, false);
      if (campaign.is_discarded() || !campaign.is_object() || !campaign.contains("mechanisms")) {
        detail = "no report (the schematized build failed?)";
        return exit_check_failed;
      }
      mutants = campaign;
      auto percent = [](const json& rate) {
        return rate.is_number() ? std::to_string(static_cast<int>(rate.get<double>() * 1000) / 10.0).substr(0, 5) + "%"
                                : std::string("n/a");
      };
      for (const auto& [mechanism, summary] : campaign["mechanisms"].items())
        detail += (detail.empty() ? "" : "; ") + mechanism + " " + percent(summary["vector_kill_rate"]) + " by the vectors, " +
                  percent(summary["suite_kill_rate"]) + " by the suite";
      return status == 0 ? exit_ok : exit_check_failed;
    });
  }

  bool ok = true;
  json stage_rows = json::array();
  std::cout << "\n== summary\n";
  for (const Stage& stage : stages) {
    const std::string result = stage.code == 0 ? "pass" : "FAIL";
    ok = ok && stage.code == 0;
    std::printf("%-4s  %8.2f s  %-48s %s\n", result.c_str(), stage.seconds, stage.name.c_str(), stage.detail.c_str());
    stage_rows.push_back({{"stage", stage.name}, {"result", stage.code == 0 ? "pass" : "fail"}, {"seconds", stage.seconds}, {"detail", stage.detail}});
  }
  for (const std::string& name : registry)
    if (selected(options, name)) inputs["mechanisms"].push_back(per_mechanism[name]);
  inputs["stages"] = stage_rows;
  inputs["result"] = ok ? "pass" : "fail";
  inputs["environment"] = report::collect_environment(options.source);
  inputs["options"] = {{"timeout_seconds", options.timeout_seconds},
                       {"mutants", options.mutants || !options.mutants_report.empty()},
                       {"mechanisms", options.mechanisms},
                       {"weakenings_budget_seconds", options.weakenings_budget_seconds},
                       {"bench_json", options.bench_json.empty() ? json(nullptr) : json(options.bench_json.string())}};
  inputs["mutants"] = mutants;
  inputs["benchmarks"] = benchmarks;

  // Written before the report too: a report that cannot be built still leaves what the stages found.
  std::error_code ec;
  fs::create_directories(options.report_dir, ec);
  std::ofstream(options.report_dir / "audit.inputs.json") << inputs.dump(1) << "\n";
  return write_report(inputs, options, true, options.report_dir / "audit.inputs.json");
}

}  // namespace l2::cli
