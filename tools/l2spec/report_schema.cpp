// The report document checked against its schema (spec/schema/audit.schema.json) before it is
// rendered: the renderers read what the schema requires, so an inputs document of the wrong shape
// (an old or hand-edited audit.inputs.json given to --render-from) is an input error naming the
// first place it goes wrong, not undefined behaviour. spec: audit_report.md#the-inputs-document
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "report.hpp"
#include "spec_tree.hpp"

namespace l2::cli::report {

namespace {

// valijson's context ("<root>", "[mechanisms]", "[0]") as a JSON pointer ("/mechanisms/0").
std::string json_pointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& part : context) {
    if (part.size() < 2 || part.front() != '[' || part.back() != ']') continue;
    pointer += '/';
    for (char c : part.substr(1, part.size() - 2)) {
      if (c == '~') pointer += "~0";
      else if (c == '/') pointer += "~1";
      else pointer += c;
    }
  }
  return pointer.empty() ? "/" : pointer;
}

}  // namespace

void check_report_schema(const json& report, const std::filesystem::path& source) {
  // The schema of the tree this l2spec was built from: it describes what this binary writes. A
  // tree given with --source (a test's synthetic one) need not carry it.
  const std::filesystem::path relative = std::filesystem::path("spec") / "schema" / "audit.schema.json";
  std::filesystem::path schema_path = std::filesystem::path(L2_SOURCE_DIR) / relative;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(schema_path, ec)) schema_path = source / relative;
  const json schema_document = json::parse(spec_tree::read_text(schema_path), nullptr, false);
  if (schema_document.is_discarded() || !schema_document.is_object())
    throw InputError("cannot read the report's schema " + schema_path.string());
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_document);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(report);
  if (validator.validate(schema, target, &results)) return;
  // The most specific error: valijson reports an enclosing oneOf or object after what failed inside it.
  valijson::ValidationResults::Error error, deepest;
  bool first = true;
  while (results.popError(error))
    if (first || error.context.size() > deepest.context.size()) {
      deepest = error;
      first = false;
    }
  throw InputError("the audit inputs do not give a report of the shape spec/schema/audit.schema.json describes: at " +
                   json_pointer(deepest.context) + ": " + deepest.description);
}

}  // namespace l2::cli::report
