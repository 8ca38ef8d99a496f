// The seeds' MySQL examples end to end on MariaDB 10.11, as an operator runs them, all at once
// through one switchyard: accounts.include char(1) 'X'/'' -> include_bool boolean; the primary
// key swap aid -> id AUTO_INCREMENT; users.email -> new_email with the seed's verification
// query; inovices -> invoices; legacy_accounts -> Account with accttype mapped to an ENUM; and
// the foreign key addition (a nullable user_id, populated, then NOT NULL and the constraint).
//
// Each migration's new shape is added by `switchyard expand` (the seed's own CREATE TABLE for
// Account, which says more: AUTO_INCREMENT, the ENUM, the foreign key), then SIGHUP moves every
// migration off -> dual_write -> (backfill and verify by the real binary) -> shadow -> canary
// 50% -> read_new -> dual_write (a step back) -> read_new -> new_only, `switchyard contract`
// drops each old shape and the seeds' own last DDL follows (the key swap, NOT NULL and the
// foreign key constraint), and the proxy reloads once more. Throughout, an old-shaped and a new-shaped client per
// migration, each on one connection held open across every reload as a pool holds it, insert
// and update their own rows and read each back through their own shape. Zero errors, every read
// what that client last wrote, and at the end every row in the new shape as the oracle (the
// seeds' mappings, spelt out here per value) says.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/mariadb_job_config.h"
#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

constexpr char kDb[] = "seeds_db";

// One app version's statements for one migration: {id} and {v} are replaced by the row's key and
// a value (an SQL literal from `values`); `read` returns one value, `reads_as[i]` for values[i].
struct Shape {
  std::string insert, update, read;
  std::vector<std::string> values, reads_as;
};

struct Seed {
  std::string name;
  std::vector<std::string> setup;     // the old shape with rows 1..200, as in production
  std::vector<std::string> expand;    // `switchyard expand` arguments, or (starting with a space) the seed's own DDL
  std::string migration;              // its migrations: entry, with PHASE
  std::vector<std::string> contract;  // the seed's last phase DDL, run after `switchyard contract`
  Shape old_app, new_app;
  bool old_app_in_new_only = true;  // copy_table's old table is refused in new_only
  std::string final_read;           // the new shape, directly, for {id}
  std::vector<std::string> old_final, new_final;  // what final_read returns for each app's values[i]
};

std::vector<Seed> seeds() {
  std::vector<Seed> s;
  s.push_back({"accounts-include",
               {"CREATE TABLE accounts (aid INT PRIMARY KEY, include CHAR(1) NOT NULL DEFAULT '', name VARCHAR(40))",
                "INSERT INTO accounts SELECT seq, IF(seq % 2, 'X', ''), CONCAT('a', seq) FROM seq_1_to_200"},
               {"--type", "include_bool=BOOLEAN"},
               "  - name: accounts-include\n    table: accounts\n    change_column: {from: include, to: include_bool, "
               "up: \"CASE WHEN include = 'X' THEN 1 ELSE 0 END\", down: \"CASE WHEN include_bool THEN 'X' ELSE '' END\"}\n"
               "    phase: PHASE\n",
               {},
               {"INSERT INTO accounts (aid, include, name) VALUES ({id}, {v}, 'o')", "UPDATE accounts SET include = {v} WHERE aid = {id}",
                "SELECT include FROM accounts WHERE aid = {id}", {"'X'", "''"}, {"X", ""}},
               {"INSERT INTO accounts (aid, include_bool, name) VALUES ({id}, {v}, 'n')",
                "UPDATE accounts SET include_bool = {v} WHERE aid = {id}", "SELECT include_bool FROM accounts WHERE aid = {id}",
                {"TRUE", "FALSE"}, {"1", "0"}},
               true,
               "SELECT include_bool FROM accounts WHERE aid = {id}",
               {"1", "0"},
               {"1", "0"}});
  // The key swap: id follows aid until the seed's phase 5 makes it the AUTO_INCREMENT key.
  s.push_back({"pk-swap",
               {"CREATE TABLE pk_accounts (aid INT NOT NULL PRIMARY KEY, name VARCHAR(40))",
                "INSERT INTO pk_accounts SELECT seq, CONCAT('p', seq) FROM seq_1_to_200"},
               {"--type", "id=INT"},
               "  - name: pk-swap\n    table: pk_accounts\n    add_column: {name: id, up: aid}\n    phase: PHASE\n",
               {"ALTER TABLE pk_accounts MODIFY aid INT NOT NULL, DROP PRIMARY KEY, MODIFY id INT NOT NULL AUTO_INCREMENT, "
                "ADD PRIMARY KEY (id)"},
               {"INSERT INTO pk_accounts (aid, name) VALUES ({id}, {v})", "UPDATE pk_accounts SET name = {v} WHERE aid = {id}",
                "SELECT name FROM pk_accounts WHERE aid = {id}", {"'old-1'", "'old-2'"}, {"old-1", "old-2"}},
               {"INSERT INTO pk_accounts (aid, id, name) VALUES ({id}, {id}, {v})",
                "UPDATE pk_accounts SET name = {v} WHERE id = {id}", "SELECT name FROM pk_accounts WHERE id = {id}",
                {"'new-1'", "'new-2'"}, {"new-1", "new-2"}},
               true,
               "SELECT CONCAT(id, ':', name) FROM pk_accounts WHERE id = {id}",
               {"{id}:old-1", "{id}:old-2"},
               {"{id}:new-1", "{id}:new-2"}});
  s.push_back({"users-email",
               {"CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(255))",
                "INSERT INTO users SELECT seq, CONCAT('u', seq, '@example.com') FROM seq_1_to_200"},
               {},
               "  - name: users-email\n    table: users\n    rename_column: {from: email, to: new_email}\n    phase: PHASE\n",
               {},
               {"INSERT INTO users (id, email) VALUES ({id}, {v})", "UPDATE users SET email = {v} WHERE id = {id}",
                "SELECT email FROM users WHERE id = {id}", {"'o1@x.io'", "'o2@x.io'"}, {"o1@x.io", "o2@x.io"}},
               {"INSERT INTO users (id, new_email) VALUES ({id}, {v})", "UPDATE users SET new_email = {v} WHERE id = {id}",
                "SELECT new_email FROM users WHERE id = {id}", {"'n1@x.io'", "'n2@x.io'"}, {"n1@x.io", "n2@x.io"}},
               true,
               "SELECT new_email FROM users WHERE id = {id}",
               {"o1@x.io", "o2@x.io"},
               {"n1@x.io", "n2@x.io"}});
  s.push_back({"invoices",
               {"CREATE TABLE inovices (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, total DECIMAL(10,2), note VARCHAR(40))",
                "INSERT INTO inovices SELECT seq, seq / 4, CONCAT('i', seq) FROM seq_1_to_200"},
               {},
               "  - name: invoices\n    rename_table: {from: inovices, to: invoices}\n    phase: PHASE\n",
               {},
               {"INSERT INTO inovices (id, total, note) VALUES ({id}, {v}, 'o')", "UPDATE inovices SET total = {v} WHERE id = {id}",
                "SELECT total FROM inovices WHERE id = {id}", {"1.50", "20.25"}, {"1.50", "20.25"}},
               {"INSERT INTO invoices (id, total, note) VALUES ({id}, {v}, 'n')", "UPDATE invoices SET total = {v} WHERE id = {id}",
                "SELECT total FROM invoices WHERE id = {id}", {"3.75", "40.00"}, {"3.75", "40.00"}},
               true,
               "SELECT total FROM invoices WHERE id = {id}",
               {"1.50", "20.25"},
               {"3.75", "40.00"}});
  s.push_back({"account",
               {"CREATE TABLE User (id INT PRIMARY KEY, username VARCHAR(40) NOT NULL UNIQUE)",
                "INSERT INTO User VALUES (1, 'someone'), (7, 'target_user')",
                "CREATE TABLE legacy_accounts (id INT PRIMARY KEY, name VARCHAR(191) NOT NULL, user_id INT NOT NULL, "
                "accttype VARCHAR(20))",
                "INSERT INTO legacy_accounts SELECT seq, CONCAT('l', seq), 1, ELT(1 + seq % 3, 'CHECKING', 'SAVINGS', "
                "'CREDITLINE') FROM seq_1_to_200"},
               {" CREATE TABLE Account (id int NOT NULL AUTO_INCREMENT, name varchar(191) NOT NULL, user_id int NOT NULL, "
                "type ENUM('ASSET', 'LIABILITY', 'INCOME', 'EXPENSE', 'EQUITY'), PRIMARY KEY (id), "
                "CONSTRAINT Account_user_id_fk FOREIGN KEY (user_id) REFERENCES User (id))"},
               "  - name: account\n    copy_table:\n      from: legacy_accounts\n      to: Account\n"
               "      columns: {name: name, user_id: user_id, type: \"CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN "
               "'SAVINGS' THEN 'ASSET' WHEN 'CREDITLINE' THEN 'LIABILITY' END\"}\n"
               "      down: {accttype: \"CASE type WHEN 'LIABILITY' THEN 'CREDITLINE' ELSE 'CHECKING' END\"}\n"
               "    phase: PHASE\n",
               {},
               {"INSERT INTO legacy_accounts (id, name, user_id, accttype) VALUES ({id}, 'o', 1, {v})",
                "UPDATE legacy_accounts SET accttype = {v} WHERE id = {id}", "SELECT accttype FROM legacy_accounts WHERE id = {id}",
                {"'CHECKING'", "'SAVINGS'", "'CREDITLINE'"}, {"CHECKING", "SAVINGS", "CREDITLINE"}},
               {"INSERT INTO Account (id, name, user_id, type) VALUES ({id}, 'n', 7, {v})",
                "UPDATE Account SET type = {v} WHERE id = {id}", "SELECT type FROM Account WHERE id = {id}",
                {"'ASSET'", "'LIABILITY'"}, {"ASSET", "LIABILITY"}},
               false,
               "SELECT type FROM Account WHERE id = {id}",
               {"ASSET", "ASSET", "LIABILITY"},
               {"ASSET", "LIABILITY"}});
  // The foreign key addition: user_id is filled from the seed's query, then NOT NULL and the constraint.
  s.push_back({"fk-user",
               {"CREATE TABLE fk_accounts (id INT PRIMARY KEY, name VARCHAR(40))",
                "INSERT INTO fk_accounts SELECT seq, CONCAT('f', seq) FROM seq_1_to_200"},
               {"--type", "user_id=INT"},
               "  - name: fk-user\n    table: fk_accounts\n    add_column: {name: user_id, up: \"7\"}\n    phase: PHASE\n",
               {"ALTER TABLE fk_accounts MODIFY user_id int NOT NULL",
                "ALTER TABLE fk_accounts ADD CONSTRAINT user_id_fk FOREIGN KEY (user_id) REFERENCES User (id)"},
               {"INSERT INTO fk_accounts (id, name) VALUES ({id}, {v})", "UPDATE fk_accounts SET name = {v} WHERE id = {id}",
                "SELECT name FROM fk_accounts WHERE id = {id}", {"'of1'", "'of2'"}, {"of1", "of2"}},
               {"INSERT INTO fk_accounts (id, name, user_id) VALUES ({id}, {v}, 7)",
                "UPDATE fk_accounts SET name = {v} WHERE id = {id}", "SELECT name FROM fk_accounts WHERE id = {id}",
                {"'nf1'", "'nf2'"}, {"nf1", "nf2"}},
               true,
               "SELECT CONCAT(user_id, ':', name) FROM fk_accounts WHERE id = {id}",
               {"7:of1", "7:of2"},
               {"7:nf1", "7:nf2"}});
  return s;
}

std::string fill(std::string sql, int id, const std::string& v = "") {
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"{id}", std::to_string(id)}, {"{v}", v}})
    for (size_t at = sql.find(from); at != std::string::npos; at = sql.find(from, at + to.size())) sql.replace(at, from.size(), to);
  return sql;
}

// One client: one connection for the whole test, its own keys from `first_id`, each write
// read back through its own shape. Records what it last wrote per key (an index into values).
class Client {
 public:
  Client(const Shape& shape, int first_id, unsigned seed) : shape_(shape), next_id_(first_id), rng_(seed) {}

  void run(const MariaDbLogin& login, const std::atomic<bool>& stop) {
    started_ = true;
    std::string error;
    MariaDbConn c = connect_mariadb(login, error);
    if (!c || !mariadb_query(c.get(), std::string("USE ") + kDb, error)) return fail("connect: " + error);
    while (!stop.load() && !stop_self_.load()) {
      const size_t v = rng_() % shape_.values.size();
      int id;
      std::string sql;
      if (last_.size() < 20 || rng_() % 4 == 0) {
        id = next_id_++;
        sql = fill(shape_.insert, id, shape_.values[v]);
      } else {
        auto it = last_.begin();
        std::advance(it, static_cast<long>(rng_() % last_.size()));
        id = it->first;
        sql = fill(shape_.update, id, shape_.values[v]);
      }
      if (!mariadb_query(c.get(), sql, error)) return fail(sql + ": " + error);
      {
        std::lock_guard<std::mutex> lock(mu_);
        last_[id] = v;
        ++writes_;
      }
      const std::string read = fill(shape_.read, id);
      auto rows = mariadb_query(c.get(), read, error);
      if (!rows) return fail(read + ": " + error);
      const std::string got = rows->empty() || (*rows)[0].empty() ? "(no row)" : (*rows)[0][0];
      if (got != shape_.reads_as[v]) return fail(read + " returned '" + got + "', last written " + shape_.values[v]);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  void stop_self() { stop_self_ = true; }
  // Started, not told to stop, and not failed: it should be writing.
  bool writing() const { return started_ && !stop_self_ && error().empty(); }
  std::string error() const {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }
  long writes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return writes_;
  }
  std::map<int, size_t> last() const {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }

 private:
  void fail(const std::string& why) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = why;
  }
  const Shape& shape_;
  int next_id_;
  std::mt19937 rng_;
  std::atomic<bool> started_{false}, stop_self_{false};
  mutable std::mutex mu_;
  std::map<int, size_t> last_;
  long writes_ = 0;
  std::string error_;
};

// Waits until each of `clients` that is writing has written `n` more times, so that every phase
// meets traffic from every app version; false after 30 s.
bool each_writes(const std::vector<const Client*>& clients, long n = 20) {
  std::vector<long> from;
  for (const Client* c : clients) from.push_back(c->writes());
  return eventually(
      [&] {
        for (size_t i = 0; i < clients.size(); ++i)
          if (clients[i]->writing() && clients[i]->writes() < from[i] + n) return false;
        return true;
      },
      30s);
}

class MariaDbSeedsLifecycle : public MariaDbJobTest {
 protected:
  void SetUp() override {
    MariaDbJobTest::SetUp();
    run_all({std::string("DROP DATABASE IF EXISTS ") + kDb, std::string("CREATE DATABASE ") + kDb, std::string("USE ") + kDb});
  }
  std::string config(const std::vector<Seed>& all, const std::string& phase) {
    std::string yaml = mariadb_control_yaml(kDb) + "migrations:\n";
    for (const Seed& s : all) {
      std::string m = s.migration;
      m.replace(m.find("PHASE"), 5, phase);
      yaml += m;
    }
    return yaml;
  }
  CommandResult job(ProxyProcess& proxy, const std::string& command, const std::string& migration,
                    const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{ProxyProcess::binary_path(), command, "--config", proxy.config_path(), migration};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv, 120s);
  }
  MariaDbConn direct_;
};

TEST_F(MariaDbSeedsLifecycle, EverySeedThroughEveryPhaseToItsContractUnderLiveClients) {
  const std::vector<Seed> all = seeds();
  for (const Seed& s : all) run_all(s.setup);
  std::string error;
  auto proxy = start_mysql_proxy(config(all, "off"), error);
  ASSERT_NE(proxy, nullptr) << error;
  // Step 1: `switchyard expand` (online DDL), or the seed's own CREATE TABLE where it says more.
  for (const Seed& s : all) {
    if (!s.expand.empty() && s.expand[0].front() == ' ') {
      run_all(s.expand);
      continue;
    }
    const CommandResult e = job(*proxy, "expand", s.name, s.expand);
    ASSERT_EQ(e.exit_code, 0) << e.describe();
  }
  int generation = 1;
  // The proxy's own settings (listen, upstream, ...) kept; the migrations rewritten.
  const std::string written = read_file(proxy->config_path());
  const std::string settings = written.substr(0, written.find("control:"));
  auto reload = [&](const std::string& yaml) { return reload_with(*proxy, settings + yaml, ++generation); };
  auto step = [&](const std::string& phase) { ASSERT_TRUE(reload(config(all, phase))) << phase; };
  step("dual_write");

  std::vector<std::unique_ptr<Client>> old_apps, new_apps;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const MariaDbLogin login = login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword);
  for (size_t i = 0; i < all.size(); ++i) {
    old_apps.push_back(std::make_unique<Client>(all[i].old_app, 100000, static_cast<unsigned>(2 * i + 1)));
    new_apps.push_back(std::make_unique<Client>(all[i].new_app, 200000, static_cast<unsigned>(2 * i + 2)));
  }
  for (auto* apps : {&old_apps, &new_apps})
    for (auto& c : *apps) threads.emplace_back([&, client = c.get()] { client->run(login, stop); });
  auto errors = [&] {
    std::string out;
    for (size_t i = 0; i < all.size(); ++i)
      for (const Client* c : {old_apps[i].get(), new_apps[i].get()})
        if (!c->error().empty()) out += all[i].name + ": " + c->error() + "\n";
    return out;
  };
  std::vector<const Client*> clients;
  for (auto* apps : {&old_apps, &new_apps})
    for (auto& c : *apps) clients.push_back(c.get());
  auto settle = [&] { ASSERT_TRUE(each_writes(clients)) << errors(); };
  settle();

  // The backfill and verify of each, by the real binary, while the clients write.
  for (const Seed& s : all) {
    const CommandResult b = job(*proxy, "backfill", s.name);
    EXPECT_EQ(b.exit_code, 0) << b.describe();
    const CommandResult v = job(*proxy, "verify", s.name);
    EXPECT_EQ(v.exit_code, 0) << v.describe();
    EXPECT_NE(v.out.find("0 mismatched, 0 missing in new"), std::string::npos) << v.out;
  }
  // The seed's own verification query for users.email -> new_email.
  EXPECT_EQ(value("SELECT COUNT(*) FROM users WHERE email != new_email"), "0");
  EXPECT_EQ(value("SELECT COUNT(*) FROM users WHERE NOT (email <=> new_email)"), "0");

  for (const char* phase : {"shadow", "canary", "read_new", "dual_write", "read_new"}) {
    if (std::string(phase) == "canary") {
      std::string yaml = config(all, "canary");
      for (size_t at = yaml.find("phase: canary\n"); at != std::string::npos; at = yaml.find("phase: canary\n", at + 1))
        yaml.insert(at + 14, "    canary: {percent: 50}\n");
      ASSERT_TRUE(reload(yaml));
    } else {
      step(phase);
    }
    settle();
    ASSERT_EQ(errors(), "") << "in " << phase << "\n" << proxy->log();
  }
  for (size_t i = 0; i < all.size(); ++i)
    if (!all[i].old_app_in_new_only) old_apps[i]->stop_self();  // that app version is retired first
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  step("new_only");
  settle();
  // The last step: `switchyard contract` drops the old shape; then the seeds' own DDL (the key
  // swap, NOT NULL and the foreign key).
  for (const Seed& s : all) {
    const CommandResult c = job(*proxy, "contract", s.name);
    ASSERT_EQ(c.exit_code, 0) << c.describe();
    run_all(s.contract);
  }
  step("new_only");  // the schema reloaded without the old shapes
  settle();
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors(), "") << proxy->log();

  // Opposite mirrors of copy_table (old rows into Account, new rows into legacy_accounts) may
  // deadlock on InnoDB's gap locks; the proxy runs a script of its own transaction again.
  const std::string log = proxy->log();
  size_t rounds = 0;
  for (size_t at = log.find("chosen as a deadlock's victim"); at != std::string::npos; at = log.find("deadlock's victim", at + 1))
    ++rounds;
  std::printf("mirrored writes run again after a deadlock: %zu\n", rounds);

  // Every row each client wrote, in the new shape, as the seeds' mappings say.
  for (size_t i = 0; i < all.size(); ++i) {
    long checked = 0;
    for (const auto& [client, finals] : {std::pair{old_apps[i].get(), &all[i].old_final}, {new_apps[i].get(), &all[i].new_final}}) {
      EXPECT_GT(client->writes(), 10) << all[i].name;
      for (const auto& [id, v] : client->last()) {
        EXPECT_EQ(value(fill(all[i].final_read, id)), fill((*finals)[v], id)) << all[i].name << " id " << id;
        ++checked;
      }
    }
    std::printf("%s: %ld old-shaped and %ld new-shaped writes, %ld rows checked\n", all[i].name.c_str(),
                old_apps[i]->writes(), new_apps[i]->writes(), checked);
  }
  // The rows that were there before: the seeds' mappings over their original values.
  EXPECT_EQ(value("SELECT COUNT(*) FROM accounts WHERE aid <= 200 AND include_bool <> (aid % 2)"), "0");
  EXPECT_EQ(value("SELECT COUNT(*) FROM pk_accounts WHERE aid <= 200 AND NOT (id <=> aid)"), "0");
  EXPECT_EQ(value("SELECT COUNT(*) FROM Account WHERE id <= 200 AND type <> ELT(1 + id % 3, 'ASSET', 'ASSET', 'LIABILITY')"),
            "0");
  EXPECT_EQ(value("SELECT COUNT(*) FROM fk_accounts WHERE user_id <> 7"), "0");
  EXPECT_EQ(value("SELECT COUNT(*) FROM invoices"), value("SELECT 200 + " + std::to_string(old_apps[3]->last().size()) + " + " +
                                                         std::to_string(new_apps[3]->last().size())));
  // After the swap, id is the AUTO_INCREMENT key.
  run_all({"INSERT INTO pk_accounts (aid, name) VALUES (999999, 'after the swap')"});
  EXPECT_EQ(value("SELECT COLUMN_KEY FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'seeds_db' AND TABLE_NAME = "
                  "'pk_accounts' AND COLUMN_NAME = 'id'"),
            "PRI");
}

// The char -> boolean seed to its very end: include_bool replaces include, and then the seed's
// `CHANGE include_bool include boolean NOT NULL DEFAULT 1` is a second migration, a rename back,
// with the app of the first step as its old version and an app that writes the boolean
// `include` as its new one.
TEST_F(MariaDbSeedsLifecycle, CharToBooleanThenTheRenameBackToInclude) {
  const Seed first = seeds()[0];
  run_all(first.setup);
  run_all({"ALTER TABLE accounts ADD COLUMN include_bool boolean NULL"});
  const std::string back_yaml =
      "  - name: accounts-include-back\n    table: accounts\n    rename_column: {from: include_bool, to: include}\n"
      "    phase: PHASE\n";
  const auto yaml = [&](const std::string& first_phase, const std::string& back_phase) {
    if (first_phase.empty() && back_phase.empty()) return mariadb_control_yaml(kDb) + "migrations: []\n";
    std::string out = mariadb_control_yaml(kDb) + "migrations:\n";
    if (!first_phase.empty()) out += fill(first.migration, 0).replace(first.migration.find("PHASE"), 5, first_phase);
    if (!back_phase.empty()) {
      std::string b = back_yaml;
      out += b.replace(b.find("PHASE"), 5, back_phase);
    }
    return out;
  };
  std::string error;
  auto proxy = start_mysql_proxy(yaml("dual_write", ""), error);
  ASSERT_NE(proxy, nullptr) << error;
  const std::string written = read_file(proxy->config_path());
  const std::string settings = written.substr(0, written.find("control:"));
  int generation = 1;
  auto reload = [&](const std::string& y) { ASSERT_TRUE(reload_with(*proxy, settings + y, ++generation)); };
  const MariaDbLogin login = login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword);
  std::atomic<bool> stop{false};
  Client char_app(first.old_app, 100000, 1), bool_app(first.new_app, 200000, 2);
  const Shape include_app{"INSERT INTO accounts (aid, include, name) VALUES ({id}, {v}, 'b')",
                          "UPDATE accounts SET include = {v} WHERE aid = {id}", "SELECT include FROM accounts WHERE aid = {id}",
                          {"TRUE", "FALSE"}, {"1", "0"}};
  Client back_app(include_app, 300000, 3);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { char_app.run(login, stop); });
  threads.emplace_back([&] { bool_app.run(login, stop); });
  auto settle = [&] { ASSERT_TRUE(each_writes({&char_app, &bool_app, &back_app})); };
  settle();
  for (const char* command : {"backfill", "verify"}) {
    const CommandResult r = job(*proxy, command, first.name);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
  }
  reload(yaml("read_new", ""));
  settle();
  char_app.stop_self();  // the char app is retired before its column goes
  reload(yaml("new_only", ""));
  settle();
  run_all({"ALTER TABLE accounts DROP COLUMN include"});
  reload(yaml("", ""));     // the first migration is done
  settle();
  // The seed's last step as a migration of its own: the boolean include beside include_bool.
  run_all({"ALTER TABLE accounts ADD COLUMN include boolean NULL"});
  reload(yaml("", "dual_write"));
  threads.emplace_back([&] { back_app.run(login, stop); });
  settle();
  for (const char* command : {"backfill", "verify"}) {
    const CommandResult r = job(*proxy, command, "accounts-include-back");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
  }
  for (const char* phase : {"shadow", "read_new", "new_only"}) {
    reload(yaml("", phase));
    settle();
  }
  bool_app.stop_self();
  settle();
  run_all({"ALTER TABLE accounts DROP COLUMN include_bool", "ALTER TABLE accounts MODIFY include boolean NOT NULL DEFAULT 1"});
  reload(yaml("", ""));
  settle();
  stop = true;
  for (auto& t : threads) t.join();
  for (const Client* c : {&char_app, &bool_app, &back_app}) {
    EXPECT_EQ(c->error(), "") << proxy->log();
    EXPECT_GT(c->writes(), 10);
  }
  // Every row: include is what its last writer meant ('X' -> 1, '' -> 0; TRUE -> 1, FALSE -> 0).
  long checked = 0;
  for (const Client* c : {&char_app, &bool_app, &back_app})
    for (const auto& [id, v] : c->last()) {
      EXPECT_EQ(value(fill("SELECT include FROM accounts WHERE aid = {id}", id)), v == 0 ? "1" : "0") << id;
      ++checked;
    }
  EXPECT_EQ(value("SELECT COUNT(*) FROM accounts WHERE aid <= 200 AND include <> (aid % 2)"), "0");
  EXPECT_EQ(value("SELECT CONCAT_WS(' ', COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT) FROM information_schema.COLUMNS WHERE "
                  "TABLE_SCHEMA = 'seeds_db' AND TABLE_NAME = 'accounts' AND COLUMN_NAME = 'include'"),
            "tinyint(1) NO 1");  // the seed's `include boolean NOT NULL DEFAULT 1`
  std::printf("include -> include_bool -> include: %ld + %ld + %ld writes, %ld rows checked\n", char_app.writes(),
              bool_app.writes(), back_app.writes(), checked);
}

}  // namespace
}  // namespace switchyard::test_support
