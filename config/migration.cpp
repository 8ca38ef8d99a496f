// Names and small parsers for the migration model; see migration.h.
#include "config/migration.h"

namespace switchyard::config {

namespace {
constexpr std::string_view kPhaseNames[] = {"off", "dual_write", "shadow", "canary", "read_new", "new_only"};
}

std::string_view to_string(Phase p) { return kPhaseNames[static_cast<int>(p)]; }

bool parse_phase(std::string_view text, Phase& out) {
  for (size_t i = 0; i < std::size(kPhaseNames); ++i) {
    if (kPhaseNames[i] == text) {
      out = static_cast<Phase>(i);
      return true;
    }
  }
  return false;
}

std::string_view to_string(MigrationKind k) {
  switch (k) {
    case MigrationKind::kRenameColumn: return "rename_column";
    case MigrationKind::kChangeColumn: return "change_column";
    case MigrationKind::kAddColumn: return "add_column";
    case MigrationKind::kRenameTable: return "rename_table";
    case MigrationKind::kCopyTable: return "copy_table";
  }
  return "?";
}

std::string_view to_string(CanaryKey k) {
  switch (k) {
    case CanaryKey::kSession: return "session";
    case CanaryKey::kUser: return "user";
    case CanaryKey::kApplicationName: return "application_name";
    case CanaryKey::kClientAddress: return "client_address";
  }
  return "?";
}

bool parse_table_name(std::string_view text, TableName& out) {
  const auto dot = text.find('.');
  TableName t;
  if (dot == std::string_view::npos) {
    t.name = std::string(text);
  } else {
    if (text.find('.', dot + 1) != std::string_view::npos) return false;
    t.schema = std::string(text.substr(0, dot));
    t.name = std::string(text.substr(dot + 1));
  }
  if (t.schema.empty() || t.name.empty()) return false;
  out = std::move(t);
  return true;
}

}  // namespace switchyard::config
