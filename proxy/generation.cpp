// Generation building and comparison; see generation.h.
#include "proxy/generation.h"

#include <map>

#include <spdlog/spdlog.h>

#include "catalog/config_file.h"
#include "catalog/mysql_schema_loader.h"
#include "catalog/schema_loader.h"
#include "proxy/tls_context.h"

namespace switchyard::proxy {

namespace {

// MySQL: a migration's default schema "public" is the control connection's database, as the
// schema loader read it; named so, the rewriter matches its table in that database only (an
// unqualified name in the session's current one), not a table of the same name elsewhere.
void resolve_databases(rewrite::Catalog& catalog, const std::string& control) {
  std::string ignored;
  const auto c = catalog::parse_mysql_control(control, ignored);
  if (!c || c->dbname.empty()) return;
  for (auto& m : catalog.migrations)
    for (auto* t : {&m.spec.old_table, &m.spec.new_table, &m.old_rel.name, &m.new_rel.name})
      if (t->schema == "public") t->schema = c->dbname;
}

}  // namespace

GenerationBuild build_generation(const std::string& path, uint64_t number) {
  GenerationBuild out;
  auto loaded = catalog::load_config(path);
  if (!loaded) {
    out.error = loaded.error.to_string();
    return out;
  }
  // Certificates and keys are read here, so a reload re-reads them, and a bad file refuses it.
  auto tls = build_tls_contexts(*loaded.config);
  if (!tls.contexts) {
    out.error = path + ": " + tls.error;
    return out;
  }
  // The live schema is read over the control connection: libpq for PostgreSQL, libmariadb for
  // MySQL / MariaDB.
  auto schema = loaded.config->protocol == config::Protocol::kMysql ? catalog::load_mysql_schema(*loaded.config)
                                                                    : catalog::load_schema(*loaded.config);
  if (!schema.ok) {
    out.error = path + ": " + schema.error;
    return out;
  }
  if (loaded.config->protocol == config::Protocol::kMysql) resolve_databases(schema.catalog, loaded.config->control);
  auto g = std::make_shared<Generation>();
  g->number = number;
  g->config = std::move(*loaded.config);
  g->prefilter = rewrite::Prefilter(schema.catalog.relation_names(), schema.catalog.truncate_names(),
                                   schema.catalog.server_writer_names());
  g->catalog = std::move(schema.catalog);
  g->tls = std::move(tls.contexts);
  out.generation = std::move(g);
  return out;
}

std::string restart_only_changes(const config::Config& current, const config::Config& next) {
  // protocol: the session factory is chosen at start-up (proxy/session.h).
  if (current.protocol != next.protocol)
    return std::string("protocol: changed from ") + config::to_string(current.protocol) + " to " +
           config::to_string(next.protocol) + "; this needs a restart";
  // threads: the workers and their io_contexts exist from start-up on.
  if (current.threads != next.threads)
    return "threads: changed from " + std::to_string(current.threads) + " to " + std::to_string(next.threads) +
           "; this needs a restart";
  // admin: its listener is bound and its token read once, at start-up.
  const auto admin_listen = [](const config::Config& c) {
    return c.admin.listen ? c.admin.listen->to_string() : std::string("(none)");
  };
  if (admin_listen(current) != admin_listen(next))
    return "admin.listen: changed from " + admin_listen(current) + " to " + admin_listen(next) +
           "; this needs a restart";
  if (current.admin.token_env != next.admin.token_env)
    return "admin.token_env: changed; this needs a restart";
  if (current.admin.history_interval_seconds != next.admin.history_interval_seconds)
    return "admin.history_interval_seconds: changed; this needs a restart";
  return {};
}

std::string describe_changes(const Generation& current, const Generation& next) {
  std::map<std::string, std::string> before;
  // A phase as the operator sees it: canary with its percent.
  const auto phase_of = [](const config::Migration& m) {
    std::string p(config::to_string(m.phase));
    if (m.phase == config::Phase::kCanary) p += " " + std::to_string(m.canary_percent) + "%";
    return p;
  };
  for (const auto& m : current.config.migrations) before[m.name] = phase_of(m);
  std::string out;
  const auto add = [&out](const std::string& part) { out += (out.empty() ? "" : "; ") + part; };
  for (const auto& m : next.config.migrations) {
    const std::string phase = phase_of(m);
    const auto it = before.find(m.name);
    if (it == before.end()) {
      add("migration " + m.name + " added in phase " + phase);
      continue;
    }
    if (it->second != phase) add("migration " + m.name + ": " + it->second + " -> " + phase);
    before.erase(it);
  }
  for (const auto& [name, phase] : before) add("migration " + name + " removed (was " + phase + ")");
  const auto& a = current.config;
  const auto& b = next.config;
  if (a.listen.to_string() != b.listen.to_string()) add("listen " + a.listen.to_string() + " -> " + b.listen.to_string());
  if (a.upstream.to_string() != b.upstream.to_string())
    add("upstream " + a.upstream.to_string() + " -> " + b.upstream.to_string());
  if (!b.tls.cert_file.empty())
    add("tls certificate " + b.tls.cert_file + " read for new sessions (" + std::string(config::to_string(b.tls.mode)) + ")");
  if (a.upstream_tls.mode != b.upstream_tls.mode)
    add(std::string("upstream_tls.mode ") + config::to_string(a.upstream_tls.mode) + " -> " +
        config::to_string(b.upstream_tls.mode));
  return out.empty() ? "no changes" : out;
}

void log_migrations(const Generation& g) {
  for (const auto& m : g.catalog.migrations) {
    spdlog::info("migration {}: {} {} -> {}, phase {}", m.spec.name, config::to_string(m.spec.kind),
                 m.spec.old_table.to_string(), m.spec.new_table.to_string(), config::to_string(m.spec.phase));
    for (const auto& w : m.server_writers)
      spdlog::warn("migration {}: {} writes {} inside the server, where it is not mirrored; statements that run it are {}",
                   m.spec.name, w.description, w.via, m.spec.pass_unsupported ? "relayed (on_unsupported: pass)" : "refused");
  }
}

}  // namespace switchyard::proxy
