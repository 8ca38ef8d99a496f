// `switchyard status`; see status_command.h. Also the one translation unit that compiles
// Boost.JSON (header-only mode).
#include "proxy/status_command.h"

#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/json/src.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "config/config.h"
#include "proxy/status_frame.h"

namespace switchyard::proxy {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

struct Fetched {
  int status = 0;
  std::string body;
  std::string error;  // when status is 0
};

Fetched get(const config::HostPort& where, const std::string& target, const std::string& token) {
  Fetched out;
  try {
    boost::asio::io_context io;
    tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(resolver.resolve(where.host, std::to_string(where.port)));
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, where.host);
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

int usage(const std::string& problem) {
  if (!problem.empty()) std::fprintf(stderr, "switchyard status: %s\n", problem.c_str());
  std::fprintf(stderr, "usage: switchyard status --config FILE [--once] [--interval SECONDS]\n");
  return 2;
}

}  // namespace

bool is_status_command(const char* arg) { return std::strcmp(arg, "status") == 0; }

int run_status_command(int argc, char** argv) {
  std::string path;
  bool once = false;
  double interval = 2;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      path = argv[++i];
    } else if (arg == "--once") {
      once = true;
    } else if (arg == "--interval" && i + 1 < argc) {
      interval = std::atof(argv[++i]);
      if (interval < 0.2) return usage("--interval must be at least 0.2 seconds");
    } else {
      return usage("unknown argument '" + arg + "'");
    }
  }
  if (path.empty()) return usage("--config FILE is required");
  const auto loaded = config::load_config_file(path);
  if (!loaded) {
    std::fprintf(stderr, "switchyard status: invalid config: %s\n", loaded.error.to_string().c_str());
    return 2;
  }
  const config::Config& c = *loaded.config;
  if (!c.admin.listen) {
    std::fprintf(stderr, "switchyard status: %s has no admin.listen, so there is no admin server to ask\n", path.c_str());
    return 2;
  }
  std::string token;
  if (!c.admin.token_env.empty()) {
    const char* value = std::getenv(c.admin.token_env.c_str());
    if (value == nullptr || *value == '\0') {
      std::fprintf(stderr, "switchyard status: admin.token_env names %s, which is not set here\n",
                   c.admin.token_env.c_str());
      return 2;
    }
    token = value;
  }
  const bool tty = !once && isatty(STDOUT_FILENO);
  if (!once) {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    if (tty) std::fputs("\x1b[?25l", stdout);  // hide the cursor
  }
  int code = 0;
  while (!g_stop) {
    const Fetched status = get(*c.admin.listen, "/status", token);
    const Fetched history = get(*c.admin.listen, "/status/history", token);
    std::string frame;
    if (status.status == 200) {
      boost::system::error_code ec1, ec2;
      const boost::json::value s = boost::json::parse(status.body, ec1);
      boost::json::value h = boost::json::parse(history.status == 200 ? history.body : "{}", ec2);
      if (ec2) h = boost::json::object{};
      frame = ec1 ? "switchyard status: /status is not JSON: " + ec1.message() + "\n"
                  : render_status_frame(s, h, FrameStyle{100, tty});
      code = ec1 ? 1 : 0;
    } else {
      frame = "switchyard status: " + c.admin.listen->to_string() + ": " +
              (status.status == 0 ? status.error : "GET /status answered " + std::to_string(status.status) + ": " + status.body) +
              "\n";
      code = 1;
    }
    if (tty) std::fputs("\x1b[H\x1b[2J", stdout);
    std::fputs(frame.c_str(), code == 0 ? stdout : (once ? stderr : stdout));
    if (!once) std::printf("\n(every %.1f s; Ctrl-C to quit)\n", interval);
    std::fflush(stdout);
    if (once) break;
    for (double waited = 0; waited < interval && !g_stop; waited += 0.1)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (tty) std::fputs("\x1b[?25h\n", stdout);
  return code;
}

}  // namespace switchyard::proxy
