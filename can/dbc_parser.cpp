#include "autograph/can/dbc_parser.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "dbc_reader.hpp"
#include "text_encoding.hpp"

namespace autograph::can {
namespace {

// Larger than any real DBC (the largest here is 0.8 MB) and small enough for a device.
constexpr std::uintmax_t kMaxFileSize = 64u << 20;

std::string source_of(const Database& database, const Message& message) {
  return message.source < database.sources.size() ? database.sources[message.source] : "?";
}

}  // namespace

Result<Database> parse_dbc(std::string_view text, std::string_view source_name,
                           const DbcParseOptions& options) {
  std::string converted;
  const std::string_view utf8 = dbc_text_as_utf8(text, converted);
  return DbcReader(utf8, source_name, options).read();
}

Result<Database> load_dbc_file(const std::filesystem::path& path, const DbcParseOptions& options) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error) {
    return fail(ErrorCode::kFailedPrecondition, "{}: cannot read DBC file: {}", path.string(),
                error.message());
  }
  if (size > kMaxFileSize) {
    return fail(ErrorCode::kMalformed, "{}: DBC file of {} bytes, expected at most {}",
                path.string(), size, kMaxFileSize);
  }
  std::ifstream file(path, std::ios::binary);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (!file.read(bytes.data(), static_cast<std::streamsize>(size))) {
    return fail(ErrorCode::kFailedPrecondition, "{}: cannot read DBC file", path.string());
  }
  return parse_dbc(bytes, path.string(), options);
}

Result<void> merge_into(Database& into, Database&& from) {
  std::unordered_map<uint32_t, const Message*> ids;
  for (const Message& message : into.messages) {
    ids.emplace(message.id, &message);
  }
  for (const Message& message : from.messages) {
    if (const auto found = ids.find(message.id); found != ids.end()) {
      const Message* first = found->second;
      return fail(ErrorCode::kMalformed,
                  "{}:{}: message id {:#x} ('{}') is already defined at {}:{} ('{}')",
                  source_of(from, message), message.line, message.id, message.name,
                  source_of(into, *first), first->line, first->name);
    }
  }
  const auto source_offset = static_cast<uint32_t>(into.sources.size());
  for (auto [to, messages] : {std::pair{&into.messages, &from.messages},
                              std::pair{&into.pseudo_messages, &from.pseudo_messages}}) {
    for (Message& message : *messages) {
      message.source += source_offset;
      to->push_back(std::move(message));
    }
  }
  for (std::string& node : from.nodes) {
    if (std::find(into.nodes.begin(), into.nodes.end(), node) == into.nodes.end()) {
      into.nodes.push_back(std::move(node));
    }
  }
  into.value_tables.merge(from.value_tables);
  for (AttributeDefinition& definition : from.attributes) {
    const auto same_name = [&definition](const AttributeDefinition& other) {
      return other.name == definition.name;
    };
    if (std::none_of(into.attributes.begin(), into.attributes.end(), same_name)) {
      into.attributes.push_back(std::move(definition));
    }
  }
  if (into.version.empty()) {
    into.version = std::move(from.version);
  }
  for (std::string& warning : from.warnings) {
    into.warnings.push_back(std::move(warning));
  }
  for (std::string& source : from.sources) {
    into.sources.push_back(std::move(source));
  }
  return {};
}

}  // namespace autograph::can
