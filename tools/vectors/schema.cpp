// JSON Schema validation of vector files with valijson, against the schemas of spec/schema/.
#include <map>
#include <memory>
#include <string>
#include <utility>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "l2/vectors/framework.hpp"

namespace l2::vectors {

namespace {

const valijson::Schema* find_schema(std::string_view name) {
  static const auto parsed = [] {
    std::map<std::string, std::unique_ptr<valijson::Schema>, std::less<>> out;
    for (const auto& [schema_name, text] : embedded_schemas()) {
      const json document = json::parse(text);
      auto schema = std::make_unique<valijson::Schema>();
      valijson::SchemaParser parser;
      valijson::adapters::NlohmannJsonAdapter adapter(document);
      parser.populateSchema(adapter, *schema);
      out.emplace(std::string(schema_name), std::move(schema));
    }
    return out;
  }();
  auto it = parsed.find(name);
  return it == parsed.end() ? nullptr : it->second.get();
}

std::vector<std::string> violations_of(const valijson::Schema* schema, const json& document) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(document);
  if (validator.validate(*schema, target, &results)) return {};
  std::vector<std::string> violations;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string where;
    for (const auto& part : error.context) where += part;
    violations.push_back(where + ": " + error.description);
  }
  return violations;
}

}  // namespace

std::vector<std::string> validate_schema(std::string_view schema_name, const json& document) {
  const valijson::Schema* schema = find_schema(schema_name);
  if (schema == nullptr) return {"no schema named " + std::string(schema_name)};
  return violations_of(schema, document);
}

std::vector<std::string> schema_violations(const json& schema_document, const json& document) {
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter adapter(schema_document);
  parser.populateSchema(adapter, schema);
  return violations_of(&schema, document);
}

}  // namespace l2::vectors
