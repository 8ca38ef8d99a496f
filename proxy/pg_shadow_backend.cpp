// PostgreSQL's shadow backend (proxy/dialect_backends.h): both sides of a comparison in one
// pipeline on a libpq ShadowConnection (proxy/shadow_connection.h):
//   BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL statement_timeout = timeout_ms;
//   <first side>; <second side>; ROLLBACK
// one round trip, both sides in the transaction's one snapshot.
#include "proxy/dialect_backends.h"
#include "proxy/shadow_connection.h"

namespace switchyard::proxy {
namespace {

class PgShadowBackend final : public ShadowBackend {
 public:
  PgShadowBackend(const std::string& conninfo, uint32_t statement_timeout_ms, const std::atomic<bool>& stopping)
      : conn_(conninfo, statement_timeout_ms, stopping),
        timeout_("SET LOCAL statement_timeout = " + std::to_string(statement_timeout_ms)) {}

  ShadowPair read_pair(const ShadowRead& read, bool served_first) override {
    ShadowPair run;
    if (!conn_.ensure(run.error)) {
      run.side = "connection";
      return run;
    }
    static const std::string begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    static const std::string rollback = "ROLLBACK";
    const std::string& first = served_first ? read.served_sql : read.other_sql;
    const std::string& second = served_first ? read.other_sql : read.served_sql;
    using Command = ShadowConnection::Command;
    const std::vector<Command> commands{
        {&begin},
        {&timeout_},
        {&first, &read.params, &read.param_formats, &read.param_types},
        {&second, &read.params, &read.param_formats, &read.param_types},
        {&rollback},
    };
    std::vector<ShadowConnection::CommandResult> results;
    size_t failed = 0;
    if (!conn_.run_pipeline(commands, results, failed, run.error)) {
      run.side = failed < 2 ? "setup" : failed > 3 ? "finish" : (failed == 2) == served_first ? "served" : "other";
      // An error left the transaction open (its ROLLBACK was skipped): end it, or the session.
      std::string ignored;
      if (conn_.connected() && !conn_.command("ROLLBACK", ignored)) conn_.reset();
      if (failed > 3) {  // both sides were read: only the ROLLBACK failed, and the session is gone
        run.side.clear();
        run.error.clear();
      } else {
        return run;
      }
    }
    ShadowConnection::CommandResult& a = results[2];
    ShadowConnection::CommandResult& b = results[3];
    run.served = std::move(served_first ? a.rows : b.rows);
    run.other = std::move(served_first ? b.rows : a.rows);
    run.served_seconds = served_first ? a.seconds : b.seconds;
    run.other_seconds = served_first ? b.seconds : a.seconds;
    run.ok = true;
    return run;
  }

 private:
  ShadowConnection conn_;
  const std::string timeout_;
};

}  // namespace

std::unique_ptr<ShadowBackend> make_pg_shadow_backend(const std::string& conninfo, uint32_t statement_timeout_ms,
                                                      const std::atomic<bool>& stopping) {
  return std::make_unique<PgShadowBackend>(conninfo, statement_timeout_ms, stopping);
}

}  // namespace switchyard::proxy
