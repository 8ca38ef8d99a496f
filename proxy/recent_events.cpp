// Events kept for /status; see recent_events.h.
#include "proxy/recent_events.h"

#include <chrono>

#include "proxy/admin_handler.h"
#include "proxy/shadow_log.h"
#include "rewrite/pg/literals.h"

namespace switchyard::proxy {

std::string refusal_event(std::string_view sql, std::string_view reason) {
  constexpr std::size_t kUnscannedLimit = 200;
  const auto shape = rewrite::pg::shape_of(sql);
  const std::string fingerprint = shape ? shape->text : std::string(sql.substr(0, kUnscannedLimit));
  return "{\"ts\":" + json_quote(iso8601_utc(std::chrono::system_clock::now())) +
         ",\"fingerprint\":" + json_quote(fingerprint) + ",\"reason\":" + json_quote(reason) + "}";
}

}  // namespace switchyard::proxy
