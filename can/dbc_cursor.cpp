#include "dbc_cursor.hpp"

#include <charconv>
#include <cmath>

namespace autograph::can {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_name_start(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_name_char(char c) noexcept { return is_name_start(c) || is_digit(c); }
bool is_word_char(char c) noexcept { return is_name_char(c) || c == '.' || c == '+' || c == '-'; }

// Longest token shown in "found ..." before it is cut.
constexpr size_t kMaxShownToken = 40;

}  // namespace

DbcCursor::DbcCursor(std::string_view text, std::string_view source) noexcept
    : text_(text), source_(source) {}

void DbcCursor::advance() noexcept {
  if (text_[pos_] == '\n') {
    ++line_;
    line_start_ = pos_ + 1;
  }
  ++pos_;
}

void DbcCursor::skip_space() noexcept {
  while (!done()) {
    const char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      return;
    }
    advance();
  }
}

void DbcCursor::skip_blanks() noexcept {
  while (!done()) {
    const char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\r') {
      return;
    }
    ++pos_;
  }
}

bool DbcCursor::at_end() noexcept {
  skip_space();
  return done();
}

bool DbcCursor::at_line_end() noexcept { return done() || text_[pos_] == '\n'; }

char DbcCursor::peek() noexcept {
  skip_space();
  return done() ? '\0' : text_[pos_];
}

bool DbcCursor::next_is_number() noexcept {
  skip_space();
  if (done()) {
    return false;
  }
  size_t i = pos_;
  if (text_[i] == '-' || text_[i] == '+') {
    ++i;
  }
  if (i < text_.size() && text_[i] == '.') {
    ++i;
  }
  return i < text_.size() && is_digit(text_[i]);
}

bool DbcCursor::next_is_name() noexcept {
  skip_space();
  return !done() && is_name_start(text_[pos_]);
}

bool DbcCursor::next_at_column_one() noexcept {
  skip_space();
  return pos_ == line_start_;
}

bool DbcCursor::next_first_on_line() noexcept {
  skip_space();
  // Found once per line, so that long lines with many tokens stay linear.
  if (first_token_line_ != line_) {
    first_token_line_ = line_;
    first_token_ = line_start_;
    while (first_token_ < text_.size() &&
           (text_[first_token_] == ' ' || text_[first_token_] == '\t' ||
            text_[first_token_] == '\r')) {
      ++first_token_;
    }
  }
  return pos_ == first_token_;
}

DbcCursor::Position DbcCursor::next_position() noexcept {
  skip_space();
  return Position{line_, static_cast<int>(pos_ - line_start_) + 1};
}

DbcCursor::Position DbcCursor::position() const noexcept {
  return Position{line_, static_cast<int>(pos_ - line_start_) + 1};
}

bool DbcCursor::accept(char c) noexcept {
  if (peek() != c || done()) {
    return false;
  }
  ++pos_;  // never a line end: callers pass punctuation
  return true;
}

Result<void> DbcCursor::expect(char c, std::string_view what) {
  if (!accept(c)) {
    return tl::unexpected(expected(what));
  }
  return {};
}

Result<char> DbcCursor::one_of(std::string_view choices, std::string_view what) {
  const char c = peek();
  if (done() || choices.find(c) == std::string_view::npos) {
    return tl::unexpected(expected(what));
  }
  ++pos_;
  return c;
}

Result<std::string_view> DbcCursor::name(std::string_view what) {
  if (!next_is_name()) {
    return tl::unexpected(expected(what));
  }
  const size_t begin = pos_;
  while (!done() && is_name_char(text_[pos_])) {
    ++pos_;
  }
  return text_.substr(begin, pos_ - begin);
}

std::string_view DbcCursor::number_chars() const noexcept {
  size_t end = pos_;
  while (end < text_.size() && is_word_char(text_[end])) {
    ++end;
  }
  return text_.substr(pos_, end - pos_);
}

Result<uint64_t> DbcCursor::unsigned_integer(std::string_view what) {
  skip_space();
  const std::string_view chars = number_chars();
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(chars.data(), chars.data() + chars.size(), value);
  if (error != std::errc() || end != chars.data() + chars.size()) {
    return tl::unexpected(expected(what));
  }
  pos_ += chars.size();
  return value;
}

Result<uint64_t> DbcCursor::digits(std::string_view what) {
  skip_space();
  size_t end = pos_;
  while (end < text_.size() && is_digit(text_[end])) {
    ++end;
  }
  uint64_t value = 0;
  const auto [last, error] = std::from_chars(text_.data() + pos_, text_.data() + end, value);
  if (end == pos_ || error != std::errc() || last != text_.data() + end) {
    return tl::unexpected(expected(what));
  }
  pos_ = end;
  return value;
}

Result<int64_t> DbcCursor::integer(std::string_view what) {
  skip_space();
  std::string_view chars = number_chars();
  const bool plus = chars.starts_with('+');
  if (plus) {
    chars.remove_prefix(1);
  }
  int64_t value = 0;
  const auto [end, error] = std::from_chars(chars.data(), chars.data() + chars.size(), value);
  if (error != std::errc() || end != chars.data() + chars.size() || chars.empty()) {
    return tl::unexpected(expected(what));
  }
  pos_ += chars.size() + (plus ? 1 : 0);
  return value;
}

Result<double> DbcCursor::real(std::string_view what) {
  skip_space();
  std::string_view chars = number_chars();
  const bool plus = chars.starts_with('+');
  if (plus) {
    chars.remove_prefix(1);
  }
  double value = 0;
  const auto [end, error] =
      std::from_chars(chars.data(), chars.data() + chars.size(), value, std::chars_format::general);
  if (error != std::errc() || end != chars.data() + chars.size() || chars.empty() ||
      !std::isfinite(value)) {
    return tl::unexpected(expected(what));
  }
  pos_ += chars.size() + (plus ? 1 : 0);
  return value;
}

Result<std::string> DbcCursor::quoted(std::string_view what) {
  if (peek() != '"') {
    return tl::unexpected(expected(what));
  }
  const Position start = next_position();
  ++pos_;
  std::string value;
  while (!done()) {
    const char c = text_[pos_];
    if (c == '"') {
      ++pos_;
      return value;
    }
    if (c == '\\' && pos_ + 1 < text_.size() &&
        (text_[pos_ + 1] == '"' || text_[pos_ + 1] == '\\')) {
      ++pos_;
    }
    if (text_[pos_] != '\r') {
      value.push_back(text_[pos_]);
    }
    advance();
  }
  return tl::unexpected(
      error_at(start, fmt::format("expected '\"' closing {}, found end of file", what)));
}

Result<void> DbcCursor::skip_statement(std::string_view keyword, Position start) {
  for (;;) {
    skip_space();
    if (done()) {
      return tl::unexpected(
          error_at(start, fmt::format("expected ';' ending {}, found end of file", keyword)));
    }
    const char c = text_[pos_];
    if (c == ';') {
      ++pos_;
      return {};
    }
    if (c == '"') {
      if (auto skipped = quoted("string"); !skipped) {
        return tl::unexpected(skipped.error());
      }
      continue;
    }
    if (!is_name_start(c) || !next_first_on_line()) {
      while (!done() && text_[pos_] != ';' && text_[pos_] != '"' && text_[pos_] != '\n') {
        ++pos_;
      }
      continue;
    }
    // The first name on a line may start a statement: BO_ and SG_ must not vanish inside a
    // statement that lacks its ';'.
    const Position here = next_position();
    const std::string_view word = *name("name");
    if (word == "BO_" || word == "SG_") {
      return tl::unexpected(
          error_at(here, fmt::format("expected ';' ending {} from line {}, found '{}'", keyword,
                                     start.line, word)));
    }
  }
}

std::string DbcCursor::describe_next() const {
  if (done()) {
    return "end of file";
  }
  const char c = text_[pos_];
  if (c == '\n') {
    return "end of line";
  }
  if (is_word_char(c)) {
    const std::string_view word = number_chars();
    if (word.size() > kMaxShownToken) {
      return fmt::format("'{}...'", word.substr(0, kMaxShownToken));
    }
    return fmt::format("'{}'", word);
  }
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7F) {
    return fmt::format("'{}'", c);
  }
  return fmt::format("byte 0x{:02X}", byte);
}

Error DbcCursor::expected(std::string_view what) {
  skip_space();
  return error_at(next_position(), fmt::format("expected {}, found {}", what, describe_next()));
}

Error DbcCursor::error_at(Position at, std::string_view message) const {
  return Error(ErrorCode::kMalformed,
               fmt::format("{}:{}:{}: {}", source_, at.line, at.column, message));
}

}  // namespace autograph::can
