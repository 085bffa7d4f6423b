#include "autograph/signing/json_scanner.hpp"

#include <set>

#include "autograph/signing/hex.hpp"

namespace autograph::signing {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A cursor over the text; every function checks bounds before reading.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  void skip_whitespace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool at_end() const { return pos_ >= text_.size(); }
  bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  size_t position() const { return pos_; }
  void advance() { ++pos_; }
  std::string_view slice(size_t begin) const { return text_.substr(begin, pos_ - begin); }

  tl::unexpected<Error> error(std::string_view what) const {
    return fail(ErrorCode::kMalformed, "JSON at byte {}: {}", pos_, what);
  }

  Result<void> expect(char c, std::string_view what) {
    skip_whitespace();
    if (!peek(c)) {
      return error(what);
    }
    ++pos_;
    return {};
  }

  // Skips one value of any kind starting at the current position (after whitespace).
  Result<JsonKind> skip_value(size_t depth);
  Result<void> skip_string();

 private:
  Result<void> skip_number();
  Result<void> skip_literal(std::string_view literal);
  Result<void> skip_container(char close, size_t depth);

  std::string_view text_;
  size_t pos_ = 0;
};

Result<void> Scanner::skip_string() {
  if (!peek('"')) {
    return error("expected a string");
  }
  ++pos_;
  while (pos_ < text_.size()) {
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      ++pos_;
      return {};
    }
    if (c < 0x20) {
      return error("control character in string");
    }
    if (c == '\\') {
      if (pos_ + 1 >= text_.size()) {
        break;
      }
      const char escaped = text_[pos_ + 1];
      if (escaped == 'u') {
        if (pos_ + 6 > text_.size()) {
          break;
        }
        for (size_t i = pos_ + 2; i < pos_ + 6; ++i) {
          if (hex_digit_value(text_[i]) < 0) {
            pos_ = i;
            return error("\\u escape needs 4 hex digits");
          }
        }
        pos_ += 6;
        continue;
      }
      if (std::string_view("\"\\/bfnrt").find(escaped) == std::string_view::npos) {
        return error("invalid escape in string");
      }
      pos_ += 2;
      continue;
    }
    ++pos_;
  }
  return error("unterminated string");
}

Result<void> Scanner::skip_number() {
  const auto digits = [&] {
    const size_t begin = pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) {
      ++pos_;
    }
    return pos_ - begin;
  };
  if (peek('-')) {
    ++pos_;
  }
  if (peek('0')) {
    ++pos_;
  } else if (digits() == 0) {
    return error("invalid number");
  }
  if (peek('.')) {
    ++pos_;
    if (digits() == 0) {
      return error("number needs digits after '.'");
    }
  }
  if (peek('e') || peek('E')) {
    ++pos_;
    if (peek('+') || peek('-')) {
      ++pos_;
    }
    if (digits() == 0) {
      return error("number needs digits in its exponent");
    }
  }
  return {};
}

Result<void> Scanner::skip_literal(std::string_view literal) {
  if (text_.substr(pos_, literal.size()) != literal) {
    return error("invalid literal");
  }
  pos_ += literal.size();
  return {};
}

Result<void> Scanner::skip_container(char close, size_t depth) {
  ++pos_;
  skip_whitespace();
  if (peek(close)) {
    ++pos_;
    return {};
  }
  while (true) {
    if (close == '}') {
      skip_whitespace();
      if (auto name = skip_string(); !name) {
        return name;
      }
      if (auto colon = expect(':', "expected ':' after member name"); !colon) {
        return colon;
      }
    }
    if (auto value = skip_value(depth + 1); !value) {
      return tl::unexpected(value.error());
    }
    skip_whitespace();
    if (peek(close)) {
      ++pos_;
      return {};
    }
    if (!peek(',')) {
      return error(close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
    ++pos_;
  }
}

Result<JsonKind> Scanner::skip_value(size_t depth) {
  if (depth > kMaxJsonDepth) {
    return error("nesting too deep");
  }
  skip_whitespace();
  if (at_end()) {
    return error("unexpected end of text");
  }
  Result<void> skipped;
  JsonKind kind;
  switch (text_[pos_]) {
    case '{':
      kind = JsonKind::kObject;
      skipped = skip_container('}', depth);
      break;
    case '[':
      kind = JsonKind::kArray;
      skipped = skip_container(']', depth);
      break;
    case '"':
      kind = JsonKind::kString;
      skipped = skip_string();
      break;
    case 't':
      kind = JsonKind::kTrue;
      skipped = skip_literal("true");
      break;
    case 'f':
      kind = JsonKind::kFalse;
      skipped = skip_literal("false");
      break;
    case 'n':
      kind = JsonKind::kNull;
      skipped = skip_literal("null");
      break;
    default:
      kind = JsonKind::kNumber;
      skipped = skip_number();
  }
  if (!skipped) {
    return tl::unexpected(skipped.error());
  }
  return kind;
}

}  // namespace

std::string_view to_string(JsonKind kind) noexcept {
  switch (kind) {
    case JsonKind::kObject:
      return "object";
    case JsonKind::kArray:
      return "array";
    case JsonKind::kString:
      return "string";
    case JsonKind::kNumber:
      return "number";
    case JsonKind::kTrue:
      return "true";
    case JsonKind::kFalse:
      return "false";
    case JsonKind::kNull:
      return "null";
  }
  return "unknown";
}

Result<std::vector<JsonMember>> scan_json_object(std::string_view text) {
  Scanner scanner(text);
  if (auto open = scanner.expect('{', "expected a JSON object"); !open) {
    return tl::unexpected(open.error());
  }
  std::vector<JsonMember> members;
  std::set<std::string, std::less<>> names;
  scanner.skip_whitespace();
  bool done = scanner.peek('}');
  if (done) {
    scanner.advance();
  }
  while (!done) {
    scanner.skip_whitespace();
    const size_t name_begin = scanner.position();
    if (auto name = scanner.skip_string(); !name) {
      return tl::unexpected(name.error());
    }
    auto name = decode_json_string(scanner.slice(name_begin));
    if (!name) {
      return tl::unexpected(
          name.error().with_context(fmt::format("member name at byte {}", name_begin)));
    }
    if (!names.insert(*name).second) {
      return fail(ErrorCode::kMalformed, "JSON at byte {}: duplicate member '{}'", name_begin,
                  *name);
    }
    if (auto colon = scanner.expect(':', "expected ':' after member name"); !colon) {
      return tl::unexpected(colon.error());
    }
    scanner.skip_whitespace();
    const size_t value_begin = scanner.position();
    auto kind = scanner.skip_value(1);
    if (!kind) {
      return tl::unexpected(kind.error());
    }
    members.push_back({std::move(*name), *kind, scanner.slice(value_begin), value_begin});
    scanner.skip_whitespace();
    if (scanner.peek('}')) {
      scanner.advance();
      done = true;
    } else if (auto comma = scanner.expect(',', "expected ',' or '}'"); !comma) {
      return tl::unexpected(comma.error());
    }
  }
  scanner.skip_whitespace();
  if (!scanner.at_end()) {
    return scanner.error("text after the end of the object");
  }
  return members;
}

Result<std::vector<JsonElement>> scan_json_array(std::string_view text) {
  Scanner scanner(text);
  if (auto open = scanner.expect('[', "expected a JSON array"); !open) {
    return tl::unexpected(open.error());
  }
  std::vector<JsonElement> elements;
  scanner.skip_whitespace();
  bool done = scanner.peek(']');
  if (done) {
    scanner.advance();
  }
  while (!done) {
    scanner.skip_whitespace();
    const size_t begin = scanner.position();
    auto kind = scanner.skip_value(1);
    if (!kind) {
      return tl::unexpected(kind.error());
    }
    elements.push_back({*kind, scanner.slice(begin), begin});
    scanner.skip_whitespace();
    if (scanner.peek(']')) {
      scanner.advance();
      done = true;
    } else if (auto comma = scanner.expect(',', "expected ',' or ']'"); !comma) {
      return tl::unexpected(comma.error());
    }
  }
  scanner.skip_whitespace();
  if (!scanner.at_end()) {
    return scanner.error("text after the end of the array");
  }
  return elements;
}

}  // namespace autograph::signing
