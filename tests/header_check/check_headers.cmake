# Compiles every public header of the given areas on its own (-fsyntax-only) and fails if one does
# not compile alone, or if one pulls in a header the compute core must not depend on (file
# formats, I/O, network), as the compiler's own include listing (-H) shows.
# Invoked by CTest: cmake -DCXX=... -DINCLUDE_DIRS="a|b" -DHEADERS_ROOT=... -DAREAS="util|interp"
#                   [-DEXTRA_HEADER=path] -P check_headers.cmake
string(REPLACE "|" ";" include_dirs "${INCLUDE_DIRS}")
string(REPLACE "|" ";" areas "${AREAS}")
set(flags -std=c++17 -fsyntax-only -H -x c++)
foreach(dir IN LISTS include_dirs)
  list(APPEND flags -I${dir})
endforeach()
# Headers that only file formats, I/O and the network need.
set(forbidden "simdjson" "zlib\\.h" "nlohmann/" "sys/mman\\.h" "sys/stat\\.h" "fcntl\\.h" "unistd\\.h"
              "curl/" "httplib\\.h" "yaml-cpp/")

set(headers)
foreach(area IN LISTS areas)
  file(GLOB h ${HEADERS_ROOT}/${area}/*.hpp)
  list(APPEND headers ${h})
endforeach()
if(EXTRA_HEADER)
  list(APPEND headers ${EXTRA_HEADER})
endif()
list(LENGTH headers n)
if(n EQUAL 0)
  message(FATAL_ERROR "no headers found under ${HEADERS_ROOT} for areas ${areas}")
endif()

set(failures 0)
foreach(header IN LISTS headers)
  execute_process(COMMAND ${CXX} ${flags} ${header} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(SEND_ERROR "${header} does not compile on its own:\n${err}")
    math(EXPR failures "${failures} + 1")
    continue()
  endif()
  foreach(pattern IN LISTS forbidden)
    string(REGEX MATCH "\n\\.+ [^\n]*${pattern}[^\n]*" hit "\n${err}")
    if(hit)
      string(STRIP "${hit}" hit)
      message(SEND_ERROR "${header} pulls in ${hit}")
      math(EXPR failures "${failures} + 1")
    endif()
  endforeach()
endforeach()
if(failures GREATER 0)
  message(FATAL_ERROR "${failures} problem(s) in ${n} header(s)")
endif()
message(STATUS "${n} header(s) of ${areas} compile alone, free of file-format and I/O headers")
