// One libpq connection of a shadow worker, every wait bounded (see shadow_connection.h).
#include "proxy/shadow_connection.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>

namespace switchyard::proxy {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPollSlice{100};
// How long past the server's statement_timeout we wait before giving up on the server.
constexpr std::chrono::milliseconds kTimeoutMargin{2000};

constexpr const char* kNoCopy = "COPY is not a read the shadow executor runs";

bool is_copy(ExecStatusType s) { return s == PGRES_COPY_IN || s == PGRES_COPY_OUT || s == PGRES_COPY_BOTH; }

// "SQLSTATE: primary message", or libpq's own message for a result without fields.
std::string describe_error(const PGresult* result, PGconn* conn) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  if (state && primary) return std::string(state) + ": " + primary;
  std::string text = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? "unknown error" : text;
}

void append_rows(const PGresult* result, ShadowRows& rows) {
  const int n = PQntuples(result);
  const int width = PQnfields(result);
  rows.reserve(rows.size() + static_cast<std::size_t>(n));
  for (int r = 0; r < n; ++r) {
    ShadowRow row;
    row.reserve(static_cast<std::size_t>(width));
    for (int c = 0; c < width; ++c) {
      if (PQgetisnull(result, r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(result, r, c), static_cast<std::size_t>(PQgetlength(result, r, c))));
      }
    }
    rows.push_back(std::move(row));
  }
}

}  // namespace

ShadowConnection::ShadowConnection(std::string conninfo, uint32_t statement_timeout_ms,
                                   const std::atomic<bool>& stopping)
    : conninfo_(std::move(conninfo)), statement_timeout_ms_(statement_timeout_ms), stopping_(stopping) {}

ShadowConnection::~ShadowConnection() { reset(); }

void ShadowConnection::reset() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

bool ShadowConnection::wait_socket(short events) {
  const int fd = PQsocket(conn_);
  if (fd < 0) return false;
  pollfd p{fd, events, 0};
  const int rc = ::poll(&p, 1, static_cast<int>(kPollSlice.count()));
  return rc >= 0 || errno == EINTR;
}

bool ShadowConnection::ensure(std::string& error) {
  if (conn_ && PQstatus(conn_) == CONNECTION_OK) return true;
  reset();
  if (!backoff_.may_try(error)) return false;
  if (connect(error)) {
    backoff_.succeeded();
    return true;
  }
  reset();
  backoff_.failed(error);
  return false;
}

bool ShadowConnection::connect(std::string& error) {
  const char* keys[] = {"dbname", "fallback_application_name", nullptr};
  const char* values[] = {conninfo_.c_str(), "switchyard-shadow", nullptr};
  conn_ = PQconnectStartParams(keys, values, 1);
  if (!conn_ || PQstatus(conn_) == CONNECTION_BAD) {
    error = "cannot connect over control: " + describe_error(nullptr, conn_);
    return false;
  }
  const auto deadline = Clock::now() + kConnectTimeout;
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;  // as libpq asks to start
  while (status != PGRES_POLLING_OK) {
    if (status == PGRES_POLLING_FAILED) {
      error = "cannot connect over control: " + describe_error(nullptr, conn_);
      return false;
    }
    if (stopping_) {
      error = "stopping";
      return false;
    }
    if (Clock::now() >= deadline) {
      error = "cannot connect over control: no answer within 5 s";
      return false;
    }
    const int fd = PQsocket(conn_);
    pollfd p{fd, static_cast<short>(status == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
    const int rc = ::poll(&p, 1, static_cast<int>(kPollSlice.count()));
    if (rc < 0 && errno != EINTR) {
      error = "cannot connect over control: poll failed";
      return false;
    }
    if (rc > 0) status = PQconnectPoll(conn_);
  }
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  return true;
}

bool ShadowConnection::command(const std::string& sql, std::string& error) {
  if (!conn_) {
    error = "not connected";
    return false;
  }
  if (!PQsendQuery(conn_, sql.c_str())) {
    error = describe_error(nullptr, conn_);
    reset();
    return false;
  }
  return collect(error);
}

bool ShadowConnection::send(const Command& c, std::string& error) {
  const std::vector<ShadowValue> none;
  const std::vector<ShadowValue>& params = c.params ? *c.params : none;
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(params.size());
  for (const ShadowValue& p : params) {
    values.push_back(p ? p->data() : nullptr);
    lengths.push_back(p ? static_cast<int>(p->size()) : 0);
  }
  const bool typed = c.params && c.types && c.types->size() == params.size() && !params.empty();
  const bool formatted = c.params && c.formats && c.formats->size() == params.size() && !params.empty();
  std::vector<Oid> oids;
  if (typed) oids.assign(c.types->begin(), c.types->end());
  if (!PQsendQueryParams(conn_, c.sql->c_str(), static_cast<int>(params.size()), typed ? oids.data() : nullptr,
                         values.data(), lengths.data(), formatted ? c.formats->data() : nullptr, 0)) {
    error = describe_error(nullptr, conn_);
    reset();
    return false;
  }
  return true;
}

bool ShadowConnection::query(const std::string& sql, const std::vector<ShadowValue>& params,
                             const std::vector<int>& formats, const std::vector<uint32_t>& types, ShadowRows& rows,
                             std::string& error) {
  std::vector<CommandResult> results;
  size_t failed = 0;
  if (!run_pipeline({Command{&sql, &params, &formats, &types}}, results, failed, error)) return false;
  rows = std::move(results[0].rows);
  return true;
}

ShadowConnection::Wait ShadowConnection::start_wait() const {
  Wait w;
  w.deadline = statement_timeout_ms_ > 0 ? Clock::now() + std::chrono::milliseconds(statement_timeout_ms_) + kTimeoutMargin
                                         : Clock::time_point::max();
  return w;
}

bool ShadowConnection::await_result(Wait& w, std::string& error) {
  while (PQisBusy(conn_)) {
    if (!wait_socket(POLLIN) || !PQconsumeInput(conn_)) {
      error = describe_error(nullptr, conn_);
      reset();
      return false;
    }
    const auto now = Clock::now();
    if (stopping_ && w.stop_seen == Clock::time_point{}) w.stop_seen = now;
    const bool stopped = w.stop_seen != Clock::time_point{};
    if (stopped && !w.cancelled && now - w.stop_seen >= kStopGrace) {
      if (PGcancel* cancel = PQgetCancel(conn_)) {
        char why[256];
        PQcancel(cancel, why, sizeof why);
        PQfreeCancel(cancel);
      }
      w.cancelled = true;
    }
    if ((stopped && now - w.stop_seen >= kStopGrace + kAbandonAfter) || now >= w.deadline) {
      error = stopped ? "abandoned at shutdown" : "no answer from the server within the statement timeout";
      reset();
      return false;
    }
  }
  return true;
}

bool ShadowConnection::collect(std::string& error) {
  Wait w = start_wait();
  bool ok = true;
  for (;;) {
    if (!await_result(w, error)) return false;
    PGresult* result = PQgetResult(conn_);
    if (!result) break;
    const ExecStatusType status = PQresultStatus(result);
    if (ok && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
      error = is_copy(status) ? kNoCopy : describe_error(result, conn_);
      ok = false;
    }
    PQclear(result);
    if (is_copy(status)) {  // libpq would wait for COPY data: end the session instead
      reset();
      return false;
    }
  }
  if (PQstatus(conn_) != CONNECTION_OK) reset();
  return ok;
}

bool ShadowConnection::run_pipeline(const std::vector<Command>& commands, std::vector<CommandResult>& results,
                                    size_t& failed, std::string& error) {
  results.clear();
  failed = commands.size();
  if (!conn_) {
    error = "not connected";
    return false;
  }
  if (!PQenterPipelineMode(conn_)) {
    error = describe_error(nullptr, conn_);
    reset();
    return false;
  }
  for (const Command& c : commands) {
    if (!send(c, error)) {
      failed = results.size();
      return false;
    }
  }
  auto mark = Clock::now();
  if (!PQpipelineSync(conn_)) {  // sends the Sync and flushes everything
    error = describe_error(nullptr, conn_);
    reset();
    return false;
  }
  // Results come in order: each command's, then a null; an error makes every later command's
  // result PGRES_PIPELINE_ABORTED; PGRES_PIPELINE_SYNC ends the pipeline.
  size_t index = 0;
  CommandResult current;
  Wait w = start_wait();
  for (;;) {
    if (!await_result(w, error)) {
      if (failed == commands.size()) failed = index;
      return false;
    }
    PGresult* result = PQgetResult(conn_);
    if (!result) {  // the end of command `index`'s results
      if (failed == commands.size()) {
        const auto now = Clock::now();
        current.seconds = std::chrono::duration<double>(now - mark).count();
        mark = now;
        results.push_back(std::move(current));
      }
      current = CommandResult{};
      ++index;
      w.deadline = start_wait().deadline;  // each statement has its own timeout, as in the server
      continue;
    }
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_PIPELINE_SYNC) {
      PQclear(result);
      break;
    }
    switch (status) {
      case PGRES_TUPLES_OK:
      case PGRES_SINGLE_TUPLE:
        if (failed == commands.size()) append_rows(result, current.rows);
        break;
      case PGRES_COMMAND_OK:
      case PGRES_EMPTY_QUERY:
      case PGRES_PIPELINE_ABORTED:
        break;
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
      case PGRES_COPY_BOTH:  // libpq would wait for COPY data: end the session instead
        PQclear(result);
        error = kNoCopy;
        if (failed == commands.size()) failed = index;
        reset();
        return false;
      default:
        if (failed == commands.size()) {
          error = describe_error(result, conn_);
          failed = index;
        }
        break;
    }
    PQclear(result);
  }
  if (!PQexitPipelineMode(conn_) || PQstatus(conn_) != CONNECTION_OK) {
    if (failed == commands.size()) {
      error = "the pipeline did not end cleanly: " + describe_error(nullptr, conn_);
      failed = index;
    }
    reset();
    return false;
  }
  return failed == commands.size();
}

}  // namespace switchyard::proxy
