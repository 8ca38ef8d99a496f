# Writes OUTPUT, a C++ header holding the text of INPUT as `constexpr std::string_view NAME`, so a
# file (the console's page) is compiled into the binary. Run as: cmake -DINPUT=... -DOUTPUT=...
# -DNAME=... -P embed_text.cmake
file(READ "${INPUT}" content)
set(delimiter "embed")
string(FIND "${content}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains )${delimiter}\", which would end the raw string")
endif()
file(WRITE "${OUTPUT}.tmp"
     "// Generated from ${INPUT} by cmake/embed_text.cmake; do not edit.\n#pragma once\n#include <string_view>\n"
     "constexpr std::string_view ${NAME} = R\"${delimiter}(${content})${delimiter}\";\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
