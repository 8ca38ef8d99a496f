// The session settings that change how MySQL/MariaDB reads SQL text: sql_mode flags, the
// client character set and the server version that decides which /*!NNNNN ... */ comments are
// code. Plain data; the proxy fills it from the session (SET sql_mode, SET NAMES, the handshake's
// server version) and passes it to every tokenize/parse/print call.
#pragma once

#include <cstdint>

namespace switchyard::rewrite::mysql {

// character_set_client, as far as lexing cares: the multi-byte sets whose second byte may be a
// backslash or a quote (so a string is scanned character by character, not byte by byte), and
// everything else (utf8mb4, utf8mb3, latin1, binary, ascii, ...: no byte >= 0x80 is ever 0x5c).
enum class ClientCharset : uint8_t { kAsciiCompatible, kBig5, kGbk, kGb18030, kSjis, kCp932 };

struct LexicalSettings {
  bool ansi_quotes = false;           // "x" is an identifier, not a string
  bool no_backslash_escapes = false;  // \ is an ordinary character inside strings
  bool pipes_as_concat = false;       // || is string concatenation, not OR
  ClientCharset charset = ClientCharset::kAsciiCompatible;
  // Major * 10000 + minor * 100 + patch (MariaDB 10.11.6 -> 101106, MySQL 8.0.36 -> 80036).
  uint32_t server_version = 101100;
  // /*M!NNNNNN ... */ comments are code only on MariaDB; MySQL ignores them.
  bool mariadb = true;
  // sql_mode SIMULTANEOUS_ASSIGNMENT (MariaDB 10.3.5+): an UPDATE's SET (and ON DUPLICATE KEY
  // UPDATE) reads the row as it was, not left to right. It changes how a statement is evaluated,
  // not how it is read; the rewriter (rewrite/mysql/rewriter.h) needs it to mirror exactly.
  bool simultaneous_assignment = false;

  bool operator==(const LexicalSettings&) const = default;
};

}  // namespace switchyard::rewrite::mysql
