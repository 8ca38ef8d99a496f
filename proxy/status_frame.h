// One screen of `switchyard status`: what the console shows, as text for a terminal. A pure
// function of the two JSON bodies the admin server answers (GET /status and GET
// /status/history), so it is tested without a server, a clock or a terminal.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace switchyard::proxy {

struct FrameStyle {
  int width = 100;     // columns; long lines are cut to it
  bool color = false;  // ANSI colours (bold, red for refusals and mismatches, the current phase)
};

// Per migration: the phase line with the current phase marked, writes rewritten and refused per
// second (from the last two history samples) with the last refused statement, reads served old
// and new, canary percent, shadow results and each side's latency, sessions behind, backfill and
// verify bars, and a sparkline of writes per second over the history; then sessions, upstream
// latency and reloads with the last refusal's message. Missing fields show as "-".
std::string render_status_frame(const boost::json::value& status, const boost::json::value& history,
                                const FrameStyle& style);

}  // namespace switchyard::proxy
