// DbcCursor: the lexical layer of the DBC parser. It walks UTF-8 DBC text, reads one token at a
// time (names, numbers, quoted strings, punctuation) and builds the parser's error messages,
// "<source>:<line>:<column>: expected X, found Y".
//
// Private to can/. Lines and columns count from 1; a column counts bytes of the UTF-8 text, so
// it equals the character column in ASCII lines. Every token reader skips white space first,
// including line ends, because DBC statements may span lines; only the readers that say so stop
// at a line end. A cursor borrows its text and source name, which must outlive it. One thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "autograph/result.hpp"

// Error propagation inside the DBC parser's Result functions, which read many tokens in a row:
// AG_DBC_TRY(expr) returns the Error of a failed Result<void>; AG_DBC_ASSIGN(name, expr)
// declares `name` holding the value of a successful Result, or returns its Error.
#define AG_DBC_TRY(expr)                               \
  do {                                                 \
    if (auto ag_dbc_result = (expr); !ag_dbc_result) { \
      return tl::unexpected(ag_dbc_result.error());    \
    }                                                  \
  } while (false)
// `name` declares a variable, so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define AG_DBC_ASSIGN(name, expr)                 \
  auto name##_result = (expr);                    \
  if (!name##_result) {                           \
    return tl::unexpected(name##_result.error()); \
  }                                               \
  auto name = std::move(*name##_result)
// NOLINTEND(bugprone-macro-parentheses)

namespace autograph::can {

class DbcCursor {
 public:
  struct Position {
    int line = 1;
    int column = 1;
  };

  DbcCursor(std::string_view text, std::string_view source) noexcept;

  // Skips spaces, tabs, carriage returns and line ends.
  void skip_space() noexcept;
  // Skips spaces, tabs and carriage returns; stops before a line end.
  void skip_blanks() noexcept;

  // After skip_space(): true when nothing but white space is left.
  bool at_end() noexcept;
  // After skip_blanks(): true when the next character ends the line or the text.
  bool at_line_end() noexcept;
  // The next character after skip_space(), or '\0' at the end.
  char peek() noexcept;
  // True when the next token (after skip_space()) starts a number: a digit, or a sign or '.'
  // followed by a digit.
  bool next_is_number() noexcept;
  // True when the next token (after skip_space()) starts a name.
  bool next_is_name() noexcept;
  // True when the next token (after skip_space()) starts in column 1 of its line.
  bool next_at_column_one() noexcept;
  // True when only blanks precede the next token (after skip_space()) on its line.
  bool next_first_on_line() noexcept;
  // Position of the next token, after skip_space().
  Position next_position() noexcept;
  // Position of the next character, skipping nothing.
  Position position() const noexcept;

  // Consumes `c` when it is the next token; returns whether it did.
  bool accept(char c) noexcept;
  // Consumes `c`, or returns "expected <what>, found ...".
  [[nodiscard]] Result<void> expect(char c, std::string_view what);
  // Consumes one of `choices` and returns it, or fails naming `what`.
  [[nodiscard]] Result<char> one_of(std::string_view choices, std::string_view what);
  // A C identifier ([A-Za-z_][A-Za-z0-9_]*); the view points into the text.
  [[nodiscard]] Result<std::string_view> name(std::string_view what);
  // A decimal integer without sign that fits in 64 bits.
  [[nodiscard]] Result<uint64_t> unsigned_integer(std::string_view what);
  // The digits [0-9]+ at the next token as a number that fits in 64 bits; stops at any other
  // character (for "3-5" ranges).
  [[nodiscard]] Result<uint64_t> digits(std::string_view what);
  // A decimal integer with optional sign that fits in int64_t.
  [[nodiscard]] Result<int64_t> integer(std::string_view what);
  // A finite decimal number with optional sign, fraction and exponent ("-2.4E-007").
  [[nodiscard]] Result<double> real(std::string_view what);
  // A double-quoted string, possibly over several lines, with \" and \\ unescaped and the CR
  // of CRLF line ends dropped.
  [[nodiscard]] Result<std::string> quoted(std::string_view what);
  // Skips to just after the ';' that ends the statement `keyword` started at `start`, passing
  // over quoted strings. Fails when the text ends first, or when a line whose first token is
  // BO_ or SG_ comes first: such a line is a message or signal the parser must not skip.
  [[nodiscard]] Result<void> skip_statement(std::string_view keyword, Position start);

  // "<source>:<line>:<column>: expected <what>, found <next token>", at the next token.
  Error expected(std::string_view what);
  // "<source>:<line>:<column>: <message>".
  Error error_at(Position at, std::string_view message) const;

 private:
  bool done() const noexcept { return pos_ >= text_.size(); }
  void advance() noexcept;  // past one character, counting lines
  std::string describe_next() const;
  // The run of number characters (digits, signs, '.', 'e', 'E') at the cursor.
  std::string_view number_chars() const noexcept;

  std::string_view text_;
  std::string_view source_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  int line_ = 1;
  int first_token_line_ = 0;  // the line whose first token starts at first_token_
  size_t first_token_ = 0;
};

}  // namespace autograph::can
