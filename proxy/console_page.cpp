// The console's page, compiled in from proxy/console/index.html (CMakeLists.txt generates the
// header with cmake/embed_text.cmake); see admin_handler.h.
#include "proxy/admin_handler.h"
#include "proxy/console_page_text.h"

namespace switchyard::proxy {

std::string_view console_page() { return kConsolePageText; }

}  // namespace switchyard::proxy
