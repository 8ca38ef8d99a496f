// The psql client of prepared_clients.h: SQL-level PREPARE, then EXECUTE, through ONE psql
// process reading statements from a pipe (simple query protocol), old-shaped and new-shaped
// statements in the same session. psql runs with ON_ERROR_STOP, so any error ends it and the
// next command reports it with psql's stderr. Answers are cut out of psql's unaligned output by
// \echo markers.
#include <vector>

#include "tests/support/line_process.h"
#include "tests/support/prepared_clients.h"

namespace switchyard::test_support {
namespace {

constexpr const char* kKinds[] = {"insert", "update", "read", "read_all"};
constexpr char kEnd[] = "@@end";

class PsqlClient : public PreparedClient {
 public:
  PsqlClient(const PreparedClientSpec& spec, std::unique_ptr<LineProcess> psql)
      : psql_(std::move(psql)), next_id_(spec.first_id), apps_{spec.old_app, spec.new_app} {}
  ~PsqlClient() override { psql_->close_and_wait(10s); }

  std::string name() const override { return "psql"; }

  std::string prepare_all() {
    std::vector<std::vector<std::string>> sections;
    return run(prepares(), sections);
  }

  std::string round() override {
    ++rounds_;
    // Now and then the session forgets its statements and prepares them again, as applications
    // and pools do: DEALLOCATE of one, DEALLOCATE ALL, DISCARD ALL.
    std::string script;
    if (rounds_ % 25 == 5) script = "DEALLOCATE new_read;\n" + prepare(1, 2);
    if (rounds_ % 25 == 12) script = "DEALLOCATE ALL;\n" + prepares();
    if (rounds_ % 25 == 20) script = "DISCARD ALL;\n" + prepares();
    script += "BEGIN;\n";
    std::string reads;
    std::vector<std::pair<int, std::string>> expected;  // per read section: id, value
    for (int a = 0; a < 2; ++a) {
      for (int id : {next_id_, next_id_ + 1}) {
        const std::string ids = std::to_string(id), tag = std::to_string(rounds_) + "-" + ids;
        script += "EXECUTE " + statement(a, 0) + "(" + ids + ", 'r" + tag + "');\n";
        script += "EXECUTE " + statement(a, 1) + "(" + ids + ", 'u" + tag + "');\n";
        reads += "\\echo @@\nEXECUTE " + statement(a, 2) + "(" + ids + ");\n";
        reads += "\\echo @@\nEXECUTE " + statement(a, 3) + "(" + ids + ");\n";
        expected.emplace_back(id, "u" + tag);
      }
      next_id_ += 2;
    }
    std::vector<std::vector<std::string>> sections;
    if (auto e = run(script + "COMMIT;\n" + reads, sections); !e.empty()) return e;
    if (sections.size() != 1 + 2 * expected.size()) return "psql round: " + std::to_string(sections.size()) + " sections";
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const auto& value = sections[1 + 2 * i];
      if (value != std::vector<std::string>{expected[i].second})
        return "psql read of " + std::to_string(expected[i].first) + " after writing " + expected[i].second + ": " +
               (value.empty() ? "(no row)" : value[0]);
      if (sections[2 + 2 * i].size() != 1) return "psql whole read of " + std::to_string(expected[i].first) + " is not one row";
    }
    return "";
  }

  std::string read(int id, std::string& old_value, std::string& new_value) override {
    const std::string ids = std::to_string(id);
    std::vector<std::vector<std::string>> sections;
    if (auto e = run("\\echo @@\nEXECUTE old_read(" + ids + ");\n\\echo @@\nEXECUTE new_read(" + ids + ");\n", sections);
        !e.empty())
      return e;
    if (sections.size() != 3 || sections[1].size() != 1 || sections[2].size() != 1)
      return "psql read of " + ids + ": not one row each";
    old_value = sections[1][0];
    new_value = sections[2][0];
    return "";
  }

 private:
  static std::string statement(int app, int kind) { return std::string(app == 0 ? "old_" : "new_") + kKinds[kind]; }
  std::string prepare(int app, int kind) const {
    const char* sql[] = {apps_[app].insert, apps_[app].update, apps_[app].read, apps_[app].read_all};
    return "PREPARE " + statement(app, kind) + (kind <= 1 ? "(int, text)" : "(int)") + " AS " + sql[kind] + ";\n";
  }
  std::string prepares() const {
    std::string script;
    for (int a = 0; a < 2; ++a)
      for (int k = 0; k < 4; ++k) script += prepare(a, k);
    return script;
  }

  // Sends `script` then the end marker, and collects the output lines, split at each "@@" line
  // (sections[0] is what came before the first one).
  std::string run(const std::string& script, std::vector<std::vector<std::string>>& sections) {
    if (!psql_->write(script + "\\echo " + kEnd + "\n")) return "psql is gone: " + psql_->diagnostics();
    sections.assign(1, {});
    for (;;) {
      const auto line = psql_->read_line(30s);
      if (!line) return "psql stopped answering: " + psql_->diagnostics();
      if (*line == kEnd) return "";
      if (*line == "@@")
        sections.emplace_back();
      else
        sections.back().push_back(*line);
    }
  }

  std::unique_ptr<LineProcess> psql_;
  int next_id_;
  int rounds_ = 0;
  AppSql apps_[2];
};

}  // namespace

std::unique_ptr<PreparedClient> start_psql_client(const PreparedClientSpec& spec, std::string& error) {
  auto psql = LineProcess::start({pg_program("psql"), "-X", "-q", "-A", "-t", "-P", "null=NULL", "-v",
                                  "ON_ERROR_STOP=1", "-d", spec.proxy.conninfo(spec.database, spec.user)},
                                 error);
  if (!psql) return nullptr;
  auto client = std::make_unique<PsqlClient>(spec, std::move(psql));
  error = client->prepare_all();
  if (!error.empty()) return nullptr;
  return client;
}

}  // namespace switchyard::test_support
