// `switchyard status --config FILE [--once] [--interval SECONDS]`: the console's picture in a
// terminal, for an operator on the database host over SSH. It reads admin.listen and
// admin.token_env from FILE, asks that admin server for GET /status and GET /status/history,
// and draws one screen (status_frame.h), redrawn in place every --interval seconds (2 by
// default) until Ctrl-C, as top does; --once prints one frame without escape codes and exits.
// Exit status: 0, 1 when the admin server cannot be reached or refuses, 2 for bad arguments or
// config.
#pragma once

namespace switchyard::proxy {

bool is_status_command(const char* arg);
int run_status_command(int argc, char** argv);

}  // namespace switchyard::proxy
