// One libmariadb connection of a shadow worker, every wait bounded (see mysql_shadow_connection.h).
#include "proxy/mysql_shadow_connection.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <string_view>
#include <vector>

#include "catalog/mysql_schema_loader.h"

namespace switchyard::proxy {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPollSlice{100};
// How long past the server's own bound we wait before giving up on the server.
constexpr std::chrono::milliseconds kTimeoutMargin{2000};

constexpr std::string_view kSnapshotStart = "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";

// Client-library errors (CR_*: 2000-2999, and MariaDB Connector/C's own from 5000): the
// connection's state is unknown, so it is closed. Every other code is the server's.
bool client_error(unsigned code) { return (code >= 2000 && code < 3000) || code >= 5000; }

// The sql_mode flags the lexer follows, as they appear in @@sql_mode.
constexpr std::string_view kAnsiQuotes = "ANSI_QUOTES";
constexpr std::string_view kNoBackslashEscapes = "NO_BACKSLASH_ESCAPES";
constexpr std::string_view kPipesAsConcat = "PIPES_AS_CONCAT";

std::vector<std::string_view> split_modes(std::string_view modes) {
  std::vector<std::string_view> out;
  while (!modes.empty()) {
    const size_t comma = modes.find(',');
    const std::string_view mode = modes.substr(0, comma);
    if (!mode.empty()) out.push_back(mode);
    if (comma == std::string_view::npos) break;
    modes.remove_prefix(comma + 1);
  }
  return out;
}

bool same_flags(const rewrite::mysql::LexicalSettings& a, const rewrite::mysql::LexicalSettings& b) {
  return a.ansi_quotes == b.ansi_quotes && a.no_backslash_escapes == b.no_backslash_escapes &&
         a.pipes_as_concat == b.pipes_as_concat;
}

// `base` (an @@sql_mode value) with the three lexer flags as `want` has them. The composite
// ANSI goes too: the server lists its parts beside it, and it would bring two of the flags back.
std::string sql_mode_with(std::string_view base, const rewrite::mysql::LexicalSettings& want) {
  std::string out;
  const auto add = [&](std::string_view mode) {
    if (!out.empty()) out += ',';
    out += mode;
  };
  for (const std::string_view mode : split_modes(base))
    if (mode != kAnsiQuotes && mode != kNoBackslashEscapes && mode != kPipesAsConcat && mode != "ANSI") add(mode);
  if (want.ansi_quotes) add(kAnsiQuotes);
  if (want.no_backslash_escapes) add(kNoBackslashEscapes);
  if (want.pipes_as_concat) add(kPipesAsConcat);
  return out;
}

void append_rows(MYSQL_RES* res, ShadowRows& rows) {
  const unsigned width = mysql_num_fields(res);
  while (MYSQL_ROW r = mysql_fetch_row(res)) {
    const unsigned long* lengths = mysql_fetch_lengths(res);
    ShadowRow row;
    row.reserve(width);
    for (unsigned c = 0; c < width; ++c) {
      if (r[c]) row.emplace_back(std::string(r[c], lengths[c]));
      else row.emplace_back(std::nullopt);
    }
    rows.push_back(std::move(row));
  }
}

// "5.000": milliseconds as the seconds max_statement_time takes.
std::string seconds_text(uint32_t ms) {
  std::string fraction = std::to_string(ms % 1000);
  fraction.insert(0, 3 - fraction.size(), '0');
  return std::to_string(ms / 1000) + "." + fraction;
}

}  // namespace

MySqlShadowConnection::MySqlShadowConnection(std::string control, uint32_t statement_timeout_ms,
                                             const std::atomic<bool>& stopping)
    : control_(std::move(control)), statement_timeout_ms_(statement_timeout_ms), stopping_(stopping) {}

MySqlShadowConnection::~MySqlShadowConnection() { reset(); }

void MySqlShadowConnection::reset() {
  if (conn_) mysql_close(conn_);
  conn_ = nullptr;
}

void MySqlShadowConnection::abandon() {
  if (!conn_) return;
  const my_socket fd = mysql_get_socket(conn_);
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);  // so that closing does not wait on the server
  reset();
}

std::string MySqlShadowConnection::failure() {
  const unsigned code = mysql_errno(conn_);
  std::string text = std::string(mysql_sqlstate(conn_)) + " (" + std::to_string(code) + "): " + mysql_error(conn_);
  if (client_error(code)) reset();
  return text;
}

Clock::time_point MySqlShadowConnection::statement_deadline() const {
  if (statement_timeout_ms_ == 0) return Clock::time_point::max();
  return Clock::now() + std::chrono::milliseconds(statement_timeout_ms_) + kTimeoutMargin;
}

template <typename Cont>
bool MySqlShadowConnection::drive(int status, Cont cont, Clock::time_point deadline, std::string& error) {
  const auto library_deadline = [&](int s) {
    return (s & MYSQL_WAIT_TIMEOUT) ? Clock::now() + std::chrono::milliseconds(mysql_get_timeout_value_ms(conn_))
                                    : Clock::time_point::max();
  };
  Clock::time_point stop_seen{};
  Clock::time_point library = library_deadline(status);
  while (status != 0) {
    const auto now = Clock::now();
    if (stopping_ && stop_seen == Clock::time_point{}) stop_seen = now;
    if (stop_seen != Clock::time_point{} && now - stop_seen >= kStopGrace) {
      error = "abandoned at shutdown";
      abandon();
      return false;
    }
    if (now >= deadline) {
      error = "no answer from the server within the statement timeout";
      abandon();
      return false;
    }
    short events = 0;
    if (status & MYSQL_WAIT_READ) events |= POLLIN;
    if (status & MYSQL_WAIT_WRITE) events |= POLLOUT;
    if (status & MYSQL_WAIT_EXCEPT) events |= POLLPRI;
    pollfd p{mysql_get_socket(conn_), events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(kPollSlice.count()));
    if (rc < 0 && errno != EINTR) {
      error = "poll failed";
      abandon();
      return false;
    }
    int ready = 0;
    if (rc > 0) {
      // A hang-up or error wakes whichever wait is pending, so the library sees the failure.
      const bool failed = (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
      if ((status & MYSQL_WAIT_READ) && ((p.revents & POLLIN) || failed)) ready |= MYSQL_WAIT_READ;
      if ((status & MYSQL_WAIT_WRITE) && ((p.revents & POLLOUT) || failed)) ready |= MYSQL_WAIT_WRITE;
      if ((status & MYSQL_WAIT_EXCEPT) && (p.revents & POLLPRI)) ready |= MYSQL_WAIT_EXCEPT;
    }
    if (ready == 0 && (status & MYSQL_WAIT_TIMEOUT) && Clock::now() >= library) ready = MYSQL_WAIT_TIMEOUT;
    if (ready == 0) continue;
    status = cont(ready);
    library = library_deadline(status);
  }
  return true;
}

bool MySqlShadowConnection::ensure(std::string& error) {
  if (conn_) return true;
  if (!backoff_.may_try(error)) return false;
  if (connect(error)) {
    backoff_.succeeded();
    return true;
  }
  reset();
  backoff_.failed(error);
  return false;
}

bool MySqlShadowConnection::connect(std::string& error) {
  std::string why;
  const auto control = catalog::parse_mysql_control(control_, why);
  if (!control) {
    error = why;
    return false;
  }
  conn_ = mysql_init(nullptr);
  if (!conn_) {
    error = "out of memory";
    return false;
  }
  // The library's own timeouts back up the deadlines drive() keeps.
  const unsigned connect_seconds = static_cast<unsigned>(kConnectTimeout.count() / 1000);
  mysql_options(conn_, MYSQL_OPT_NONBLOCK, nullptr);
  mysql_options(conn_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_seconds);
  if (statement_timeout_ms_ > 0) {
    const unsigned read_seconds =
        static_cast<unsigned>((statement_timeout_ms_ + kTimeoutMargin.count() + 999) / 1000);
    mysql_options(conn_, MYSQL_OPT_READ_TIMEOUT, &read_seconds);
    mysql_options(conn_, MYSQL_OPT_WRITE_TIMEOUT, &read_seconds);
  }
  mysql_options(conn_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  const auto or_null = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
  MYSQL* ret = nullptr;
  const int status = mysql_real_connect_start(&ret, conn_, or_null(control->host), or_null(control->user),
                                              control->password.c_str(), or_null(control->dbname), control->port,
                                              nullptr, 0);
  const auto cont = [&](int ready) { return mysql_real_connect_cont(&ret, conn_, ready); };
  if (!drive(status, cont, Clock::now() + kConnectTimeout, why)) {
    error = "cannot connect over control: " + (why == "no answer from the server within the statement timeout"
                                                   ? std::string("no answer within 5 s")
                                                   : why);
    return false;
  }
  if (!ret) {
    error = "cannot connect over control: " + std::string(mysql_error(conn_));
    return false;
  }
  // One snapshot for both sides needs REPEATABLE READ; each statement bounded by the server.
  std::vector<std::string> setup{"SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"};
  if (statement_timeout_ms_ > 0) {
    setup.push_back(mariadb_connection(conn_)
                        ? "SET SESSION max_statement_time = " + seconds_text(statement_timeout_ms_)
                        : "SET SESSION max_execution_time = " + std::to_string(statement_timeout_ms_));
  }
  for (const std::string& sql : setup) {
    if (!query(sql, nullptr, nullptr, why)) {
      error = "cannot set up the control connection: " + why;
      return false;
    }
  }
  ShadowRows mode;
  if (!query("SELECT @@SESSION.sql_mode", &mode, nullptr, why) || mode.size() != 1 || mode[0].size() != 1) {
    error = "cannot read the control connection's sql_mode: " + why;
    return false;
  }
  default_sql_mode_ = mode[0][0].value_or("");
  lexical_ = {};
  for (const std::string_view m : split_modes(default_sql_mode_)) {
    lexical_.ansi_quotes |= m == kAnsiQuotes || m == "ANSI";
    lexical_.no_backslash_escapes |= m == kNoBackslashEscapes;
    lexical_.pipes_as_concat |= m == kPipesAsConcat || m == "ANSI";
  }
  return true;
}

bool MySqlShadowConnection::query(const std::string& sql, ShadowRows* rows, double* seconds, std::string& error) {
  if (!conn_) {
    error = "not connected";
    return false;
  }
  const auto started = Clock::now();
  const auto deadline = statement_deadline();
  int err = 0;
  int status = mysql_real_query_start(&err, conn_, sql.data(), sql.size());
  if (!drive(status, [&](int ready) { return mysql_real_query_cont(&err, conn_, ready); }, deadline, error)) return false;
  if (err != 0) {
    error = failure();
    return false;
  }
  MYSQL_RES* res = nullptr;
  status = mysql_store_result_start(&res, conn_);
  if (!drive(status, [&](int ready) { return mysql_store_result_cont(&res, conn_, ready); }, deadline, error)) return false;
  if (!res && mysql_field_count(conn_) != 0) {
    error = failure();
    return false;
  }
  if (res) {
    if (rows) append_rows(res, *rows);
    mysql_free_result(res);
  }
  if (seconds) *seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (mysql_more_results(conn_)) {  // one statement returns one result; the rest would be unread
    error = "more than one result: not a read the shadow executor runs";
    reset();
    return false;
  }
  return true;
}

bool MySqlShadowConnection::follow_lexical(const rewrite::mysql::LexicalSettings& want, std::string& error) {
  if (same_flags(want, lexical_)) return true;
  // The list is letters, digits, '_' and ',': the same under every sql_mode.
  if (!query("SET SESSION sql_mode = '" + sql_mode_with(default_sql_mode_, want) + "'", nullptr, nullptr, error))
    return false;
  lexical_.ansi_quotes = want.ansi_quotes;
  lexical_.no_backslash_escapes = want.no_backslash_escapes;
  lexical_.pipes_as_concat = want.pipes_as_concat;
  return true;
}

ShadowPair MySqlShadowConnection::read_pair(const ShadowRead& read, bool served_first) {
  ShadowPair run;
  if (!ensure(run.error)) {
    run.side = "connection";
    return run;
  }
  // An error inside the transaction leaves it open: end it, or the session.
  const auto end_after_error = [this] {
    std::string ignored;
    if (connected() && !query("ROLLBACK", nullptr, nullptr, ignored)) reset();
  };
  static const std::string start(kSnapshotStart);
  if (!follow_lexical(read.mysql_lexical, run.error) || !query(start, nullptr, nullptr, run.error)) {
    run.side = "setup";
    end_after_error();
    return run;
  }
  const std::string& first = served_first ? read.served_sql : read.other_sql;
  const std::string& second = served_first ? read.other_sql : read.served_sql;
  ShadowRows& first_rows = served_first ? run.served : run.other;
  ShadowRows& second_rows = served_first ? run.other : run.served;
  double& first_seconds = served_first ? run.served_seconds : run.other_seconds;
  double& second_seconds = served_first ? run.other_seconds : run.served_seconds;
  if (!query(first, &first_rows, &first_seconds, run.error)) {
    run.side = served_first ? "served" : "other";
    end_after_error();
    return run;
  }
  if (!query(second, &second_rows, &second_seconds, run.error)) {
    run.side = served_first ? "other" : "served";
    end_after_error();
    return run;
  }
  // Both sides were read: a failed COMMIT of a read-only transaction says nothing about them.
  std::string ignored;
  if (!query("COMMIT", nullptr, nullptr, ignored)) reset();
  run.ok = true;
  return run;
}

std::unique_ptr<ShadowBackend> make_mysql_shadow_backend(const std::string& control, uint32_t statement_timeout_ms,
                                                         const std::atomic<bool>& stopping) {
  return std::make_unique<MySqlShadowConnection>(control, statement_timeout_ms, stopping);
}

}  // namespace switchyard::proxy
