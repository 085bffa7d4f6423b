#include "json/strict_json_parser.hpp"

#include <set>
#include <string>
#include <vector>

namespace autograph::json {
namespace {

// First pass: a SAX handler that builds nothing and only checks the rules nlohmann's DOM parser
// does not enforce (duplicate keys, depth). Stops at the first violation, remembering where.
class RuleChecker final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit RuleChecker(size_t max_depth) : max_depth_(max_depth) {}

  bool null() override { return value(); }
  bool boolean(bool /*value*/) override { return value(); }
  bool number_integer(number_integer_t /*value*/) override { return value(); }
  bool number_unsigned(number_unsigned_t /*value*/) override { return value(); }
  bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return value(); }
  bool string(string_t& /*value*/) override { return value(); }
  bool binary(binary_t& /*value*/) override { return value(); }

  bool start_object(std::size_t /*elements*/) override { return enter(true); }
  bool key(string_t& key) override {
    Frame& frame = frames_.back();
    if (!frame.keys.insert(key).second) {
      violation_ = fmt::format("{}: duplicate key \"{}\"", path(frames_.size() - 1), key);
      return false;
    }
    frame.key = key;
    return true;
  }
  bool end_object() override {
    frames_.pop_back();
    return true;
  }
  bool start_array(std::size_t /*elements*/) override { return enter(false); }
  bool end_array() override {
    frames_.pop_back();
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) override {
    syntax_position_ = position;
    syntax_message_ = error.what();
    return false;
  }

  const std::string& violation() const { return violation_; }
  size_t syntax_position() const { return syntax_position_; }
  const std::string& syntax_message() const { return syntax_message_; }

 private:
  // An open object or array: for an object the last key read, for an array how many elements
  // have started, so the path of the innermost container can be named in errors.
  struct Frame {
    bool object = false;
    std::set<std::string> keys;
    std::string key;
    size_t elements = 0;
  };

  bool value() {
    if (!frames_.empty() && !frames_.back().object) {
      ++frames_.back().elements;
    }
    return true;
  }

  bool enter(bool object) {
    value();
    if (frames_.size() >= max_depth_) {
      violation_ =
          fmt::format("{}: nested deeper than {} levels", path(frames_.size()), max_depth_);
      return false;
    }
    frames_.push_back(Frame{.object = object, .keys = {}, .key = {}, .elements = 0});
    return true;
  }

  // The JSON path named by the first `count` open containers' current keys or indexes
  // ("grantees[1].endpoint"; "(root)" for the top level).
  std::string path(size_t count) const {
    std::string out;
    for (size_t i = 0; i < count; ++i) {
      if (frames_[i].object) {
        out += out.empty() ? frames_[i].key : "." + frames_[i].key;
      } else {
        out += fmt::format("[{}]", frames_[i].elements - 1);
      }
    }
    return out.empty() ? std::string("(root)") : out;
  }

  size_t max_depth_;
  std::vector<Frame> frames_;
  std::string violation_;
  size_t syntax_position_ = 0;
  std::string syntax_message_;
};

// nlohmann's messages read "[json.exception.parse_error.101] parse error at line 1, column 5:
// syntax error while parsing value - invalid literal; last read: 'tru'"; keep the part after
// the location, since the location is given in our own form.
std::string_view describe(std::string_view what) {
  const size_t colon = what.find(": ");
  return colon == std::string_view::npos ? what : what.substr(colon + 2);
}

}  // namespace

TextPosition position_of(std::string_view text, size_t offset) noexcept {
  TextPosition position;
  const size_t end = offset < text.size() ? offset : text.size();
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else {
      ++position.column;
    }
  }
  return position;
}

Result<nlohmann::json> parse_strict_json(std::string_view text, std::string_view source,
                                         const StrictJsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return fail(ErrorCode::kMalformed, "{}: {} bytes, more than the {} allowed", source,
                text.size(), limits.max_bytes);
  }
  RuleChecker checker(limits.max_depth);
  // The SAX parser reports a byte position only for syntax errors; rule violations are named
  // by their JSON path instead.
  const bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &checker,
                                            nlohmann::json::input_format_t::json, true, true);
  if (!ok) {
    if (!checker.violation().empty()) {
      return fail(ErrorCode::kMalformed, "{}: {}", source, checker.violation());
    }
    // nlohmann counts the position as the number of bytes read, one past the offending byte.
    const size_t offset = checker.syntax_position() > 0 ? checker.syntax_position() - 1 : 0;
    const TextPosition where = position_of(text, offset);
    return fail(ErrorCode::kMalformed, "{}:{}:{}: {}", source, where.line, where.column,
                describe(checker.syntax_message()));
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end(), nullptr, true, true);
  } catch (const nlohmann::json::exception& error) {
    // The first pass accepted the same bytes; reaching this is a library inconsistency.
    return fail(ErrorCode::kInternal, "{}: {}", source, error.what());
  }
}

}  // namespace autograph::json
