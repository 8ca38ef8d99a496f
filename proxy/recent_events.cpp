// Events kept for /status; see recent_events.h.
#include "proxy/recent_events.h"

#include <chrono>

#include "proxy/shadow_log.h"
#include "rewrite/pg/literals.h"
#include "util/json_writer.h"

namespace switchyard::proxy {

std::string refusal_event(std::string_view sql, std::string_view reason) {
  constexpr std::size_t kUnscannedLimit = 200;
  const auto shape = rewrite::pg::shape_of(sql);
  const std::string fingerprint = shape ? shape->text : std::string(sql.substr(0, kUnscannedLimit));
  std::string out;
  util::JsonWriter(out)
      .begin_object()
      .key("ts")
      .string(iso8601_utc(std::chrono::system_clock::now()))
      .key("fingerprint")
      .string(fingerprint)
      .key("reason")
      .string(reason)
      .end_object();
  return out;
}

}  // namespace switchyard::proxy
