// l2spec: the command line of the l2spec project. See `l2spec --help` and README.md.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.hpp"
#include "l2/inv/registry.hpp"
#include "l2/vectors/registry.hpp"

namespace l2::cli {

void say(const std::string& line) { std::cerr << line << std::endl; }

namespace {

vectors::Log progress() {
  return [](std::string_view line) { say("  " + std::string(line)); };
}

int vectors_generate(const std::string& out, const std::string& profile) {
  const auto report = vectors::generate(out, profile == "large" ? vectors::Profile::large : vectors::Profile::small, progress());
  for (const auto& error : report.errors) std::cout << "error: " << error << "\n";
  return report.errors.empty() ? exit_ok : exit_check_failed;
}

int vectors_verify(const std::vector<std::string>& impl_names, const std::vector<std::string>& dirs) {
  std::vector<vectors::Impl> impls;
  for (const auto& name : impl_names) {
    if (name == "all") {
      impls = {vectors::Impl::reference, vectors::Impl::optimized, vectors::Impl::model};
      break;
    }
    impls.push_back(*vectors::parse_impl(name));  // CLI11 already checked the name
  }
  bool ok = true;
  for (const auto& dir : dirs) {
    std::string names;
    for (auto impl : impls) names += (names.empty() ? "" : ",") + std::string(vectors::impl_name(impl));
    say("verifying " + dir + " with " + names);
    const auto report = vectors::verify(dir, impls, progress());
    for (const auto& failure : report.failures) std::cout << "FAIL " << failure << "\n";
    std::cout << dir << ": " << report.files << " files read, " << report.cases << " cases, " << report.steps_checked
              << " step replays passed or failed, " << report.steps_not_applicable
              << " skipped (no engine for the op in that implementation), " << report.failures.size() << " failures\n";
    ok = ok && report.ok();
  }
  return ok ? exit_ok : exit_check_failed;
}

int vectors_drift(const std::string& dir) {
  const auto differences = vectors::drift(dir, progress());
  for (const auto& difference : differences) std::cout << "DRIFT " << difference << "\n";
  std::cout << (differences.empty() ? "no drift\n" : std::to_string(differences.size()) + " files drifted\n");
  return differences.empty() ? exit_ok : exit_check_failed;
}

}  // namespace
}  // namespace l2::cli

int main(int argc, char** argv) {
  using namespace l2::cli;
  const std::string source_dir = L2_SOURCE_DIR;
  CLI::App app{
      "l2spec: a formally-checked reference for Layer-2 mechanisms.\n"
      "Exit codes: 0 all good, 1 a check failed, 2 a usage or input error."};
  app.require_subcommand(1);
  std::string listing = "Mechanisms (the registry, tools/vectors/registry.cpp):";
  for (const l2::vectors::Mechanism& mechanism : l2::vectors::mechanisms())
    listing += "\n  " + mechanism.name + ": " + std::to_string(mechanism.ops.size()) + " vector ops, spec/" + mechanism.name +
               ".md" + (mechanism.model ? ", a Z3 model" : "") +
               (mechanism.bench_prefix.empty() ? "" : ", benchmarks " + mechanism.bench_prefix + "*");
  app.footer(listing);

  auto* vectors_cmd = app.add_subcommand("vectors", "Generate, verify and drift-check the JSON test vectors (spec/vectors.md)");
  vectors_cmd->require_subcommand(1);
  std::string out_dir = source_dir + "/vectors";
  std::string profile = "small";
  auto* generate = vectors_cmd->add_subcommand("generate", "Write the vectors from the reference, byte-identical on every run");
  generate->add_option("--out", out_dir, "Output directory")->capture_default_str();
  generate->add_option("--profile", profile, "Size tier: small (committed) or large")
      ->check(CLI::IsMember({"small", "large"}))->capture_default_str();

  std::vector<std::string> impls = {"all"};
  std::vector<std::string> verify_dirs;
  auto* verify = vectors_cmd->add_subcommand(
      "verify", "Replay every case of any directory in the format with the chosen implementations. Fails on a mismatch, "
                "a schema violation, or any file it did not read");
  verify->add_option("--impl", impls, "reference, optimized, model or all (repeatable)")
      ->check(CLI::IsMember({"reference", "optimized", "model", "all"}))
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->capture_default_str();
  verify->add_option("dirs", verify_dirs, "Vector directories (default: the committed vectors/)");

  std::string drift_dir = source_dir + "/vectors";
  auto* drift = vectors_cmd->add_subcommand("drift", "Regenerate into a temporary directory and fail on any difference");
  drift->add_option("--dir", drift_dir, "The committed vectors")->capture_default_str();

  ProveOptions prove_options;
  auto* prove = app.add_subcommand("prove", "Check every proof obligation with Z3; unknown or a timeout is a failure");
  prove->add_flag("--json", prove_options.json,
                  "Print {\"obligations\": [{mechanism, invariant, transition, kind, result, seconds}]}");
  prove->add_option("--smt2", prove_options.smt2_dir, "Also write each obligation as a standalone SMT-LIB2 file into DIR");
  prove->add_option("--timeout", prove_options.timeout_seconds, "Seconds per obligation")->capture_default_str();
  prove->add_option("--filter", prove_options.filter, "Only obligations whose id contains this text");
  prove->add_option("--counterexamples", prove_options.counterexample_dir,
                    "Write each counterexample as a replayable vector case <obligation id>.json into DIR");
  std::string depth_name = "full";
  prove->add_option("--depth", depth_name,
                    "How deep bounded obligations unroll: full, the depth each spec states (the audit's), or small, "
                    "the depth ./l2 test proves in the model tests; the same obligations either way")
      ->check(CLI::IsMember({"small", "full"}))->capture_default_str();
  std::string weakenings;
  for (const l2::inv::ModelEntry& model : l2::vectors::models())
    for (const std::string& name : model.weakenings) weakenings += (weakenings.empty() ? "" : " | ") + model.mechanism + ":" + name;
  prove->add_option("--weaken", prove_options.weaken,
                    "Prove one mechanism's obligations against a deliberately weakened rule instead; expect "
                    "counterexamples. The mechanism prefix may be left out where the name is unique: " + weakenings);

  TraceOptions trace_options{source_dir, source_dir + "/vectors", false};
  auto* trace = app.add_subcommand("trace", "The matrix from each spec rule to its code, model, tests and vectors; fails where a "
                                            "rule lacks code or a positive or negative vector");
  trace->add_option("--source", trace_options.source, "Source tree")->capture_default_str();
  trace->add_option("--vectors", trace_options.vectors, "Vector directory")->capture_default_str();

  app.add_subcommand("kernels", "List the SHA-256 kernels, which this CPU supports, which is selected, and self-check each");

  AuditOptions audit_options{source_dir, "", 300};
  auto* audit = app.add_subcommand("audit", "The main job: kernels self-check, prove, each weakening's counterexample, vectors "
                                            "with every implementation, trace validation, drift, trace; writes the report "
                                            "(spec/audit_report.md) in Markdown, HTML and JSON, and checks the HTML "
                                            "in headless chromium");
  audit->add_option("--source", audit_options.source, "Source tree")->capture_default_str();
  audit->add_option("--report", audit_options.report_dir, "Report directory (default: <source>/build/audit)");
  audit->add_option("--timeout", audit_options.timeout_seconds, "Seconds per proof obligation")->capture_default_str();
  audit->add_flag("--mutants", audit_options.mutants,
                  "Also run the mutation campaign (tools/mutate: ./l2 mutate), time-boxed by --mutants-budget");
  audit->add_option("--mutants-budget", audit_options.mutants_budget_seconds,
                    "Seconds the mutation campaign may take, its build aside")
      ->capture_default_str();
  audit->add_option("--mutants-report", audit_options.mutants_report,
                    "Report a finished campaign's mutants.json (./l2 mutate: build-mutants/report/mutants.json) instead of running one");
  audit->add_option("--bench-json", audit_options.bench_json,
                    "A Google Benchmark JSON file (l2_bench --benchmark_format=json): each ratio against its target "
                    "(spec/audit_report.md#benchmark-targets), with a plot");
  audit->add_option("--mechanism", audit_options.mechanisms,
                    "Only this mechanism's proofs, weakenings, trace validation and report section (repeatable); the vector "
                    "stages and the trace still cover the whole tree");
  audit->add_option("--weakenings-budget", audit_options.weakenings_budget_seconds,
                    "Seconds all weakenings together may take to find their counterexamples")
      ->capture_default_str();
  audit->add_option("--render-from", audit_options.render_from,
                    "Run no stage: re-render the report from a run's audit.inputs.json (written beside the report)");
  audit->add_flag("--browser-check", audit_options.browser_check,
                  "With --render-from: also run the browser check, which a full audit always runs: headless chromium "
                  "renders audit.html to audit.png and the check fails on a console message, a dangling internal link or "
                  "a missing mechanism section (spec/audit_report.md#the-browser-check)");

  MutateOptions mutate_options{"", source_dir + "/vectors"};
  auto* mutate = app.add_subcommand(
      "mutate", "The vector side of the mutation campaign: replay the vectors on the reference under each mutant of "
                "PLAN, one JSON line per mutant. Needs an l2spec built from a schematized tree: use ./l2 mutate");
  mutate->add_option("--plan", mutate_options.plan, "JSON {\"mutants\": [{\"id\", \"mechanism\"}]}")->required();
  mutate->add_option("--vectors", mutate_options.vectors, "The committed vectors")->capture_default_str();
  mutate->add_option("--jobs", mutate_options.jobs, "Mutants replayed at once")->capture_default_str();
  mutate->add_option("--timeout", mutate_options.timeout_seconds,
                     "Seconds per mutant (0: ten times the baseline replay, at least 10)")
      ->capture_default_str();
  mutate->add_option("--deadline", mutate_options.deadline, "Unix time after which no mutant starts (0: none)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_usage;
  }

  try {
    if (*generate) return vectors_generate(out_dir, profile);
    if (*verify) return vectors_verify(impls, verify_dirs.empty() ? std::vector<std::string>{source_dir + "/vectors"} : verify_dirs);
    if (*drift) return vectors_drift(drift_dir);
    if (*prove) {
      prove_options.depth = *l2::inv::parse_depth(depth_name);  // CLI11 already checked the name
      return run_prove(prove_options);
    }
    if (*trace) return run_trace(trace_options);
    if (app.got_subcommand("kernels")) return run_kernels();
    if (*mutate) return run_mutate(mutate_options);
    if (*audit) {
      if (audit_options.report_dir.empty()) audit_options.report_dir = audit_options.source / "build" / "audit";
      return run_audit(audit_options);
    }
  } catch (const std::exception& e) {
    // An API-contract error (for example L2_FORCE_BACKEND naming a kernel this CPU lacks).
    std::cerr << "l2spec: error: " << e.what() << "\n";
    return exit_usage;
  }
  return exit_usage;
}
