// Events kept for /status; see recent_events.h.
#include "proxy/recent_events.h"

#include <chrono>

#include "proxy/shadow_log.h"
#include "rewrite/dialect.h"
#include "rewrite/lexical.h"
#include "util/json_writer.h"

namespace switchyard::proxy {

std::string refusal_event(const rewrite::Dialect& dialect, std::string_view sql, std::string_view reason) {
  constexpr std::size_t kUnscannedLimit = 200;
  // The dialect's default lexical settings: a fingerprint is for reading, and a text that does
  // not scan under them is shown cut instead.
  const auto shape = dialect.shape(sql, rewrite::Lexical{});
  const std::string fingerprint = shape ? shape->fingerprint() : std::string(sql.substr(0, kUnscannedLimit));
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
