// Names of catalog kinds; see catalog.h.
#include "rewrite/catalog.h"

namespace switchyard::rewrite {

std::string_view to_string(ServerWriter::Kind k) {
  switch (k) {
    case ServerWriter::Kind::kFunction: return "function";
    case ServerWriter::Kind::kProcedure: return "procedure";
    case ServerWriter::Kind::kTrigger: return "trigger";
    case ServerWriter::Kind::kRule: return "rule";
    case ServerWriter::Kind::kView: return "view";
  }
  return "function";
}

}  // namespace switchyard::rewrite
