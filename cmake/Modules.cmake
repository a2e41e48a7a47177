# One static library per module of src/, made from src/modules.txt (the one
# table of the module graph; tests/shell/module_deps_test.sh reads it too).
#
# cammio_<m> compiles src/<m>/*.cc. Its PUBLIC include root is
# <build>/include_roots/<m>, which holds one symlink <m> -> src/<m>, so
# `#include "<m>/x.h"` resolves only in targets that link cammio_<m>. A module
# links (PUBLIC) the lower modules modules.txt allows it, so an upward
# #include fails to compile ("api/call.h: No such file or directory";
# tests/shell/module_build_test.sh proves it).
#
# The `exceptions:` ratchet of modules.txt (today's violations) adds each
# listed edge to the file's module. A header's edge is PUBLIC and brings what
# the other module may include (the header exposes it: http/server.h includes
# api/call.h, which includes store/accounts.h); a .cc's edge brings only the
# other module's include root and archive.
# Deleting an exception line therefore makes the build stricter as well.
# Cycles that exceptions create among the static archives are resolved by
# CMake (it repeats a strongly connected group of static libraries on the
# link line).
#
# Third-party headers: the compiler can refuse only what is not on a system
# include path. cpp-httplib, tinyxml2 and mbedTLS 3.6 come from CAMMIO_DEPS_DIR
# and reach only the modules listed under `third-party:` (and exceptions).
# SQLite, RapidJSON (and bookworm's mbedTLS 2.28 headers, where installed)
# sit in /usr/include: there module_deps_test.sh is the check.

# Interface targets of the third-party libraries (from cmake/Dependencies.cmake).
# cpp-httplib's definitions, compiled once (the split form: cmake/Dependencies.cmake).
add_library(cammio_httplib STATIC "${HTTPLIB_SPLIT_DIR}/httplib.cc")
target_include_directories(cammio_httplib SYSTEM PUBLIC "${HTTPLIB_SPLIT_DIR}")
target_compile_definitions(cammio_httplib PUBLIC CPPHTTPLIB_USE_POLL)
target_link_libraries(cammio_httplib PUBLIC Threads::Threads)

# RAPIDJSON_HAS_STDSTRING changes RapidJSON's classes, so every translation
# unit that can include it must agree: util carries it to every module
# (include/cammio/document.h sits in util's include root).
add_library(cammio_rapidjson INTERFACE)
target_include_directories(cammio_rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE})
target_compile_definitions(cammio_rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)

add_library(cammio_sqlite3 INTERFACE)
target_link_libraries(cammio_sqlite3 INTERFACE
  ${CAMMIO_LIB_sqlite3} Threads::Threads ${CMAKE_DL_LIBS} m)

# The include prefix of a third-party header in modules.txt -> its target.
function(cammio_third_party_target prefix out_var)
  if(prefix STREQUAL "<httplib.h>")
    set(t cammio_httplib)
  elseif(prefix STREQUAL "<sqlite3.h>")
    set(t cammio_sqlite3)
  elseif(prefix MATCHES "^<mbedtls/")
    set(t mbedtls_static)
  elseif(prefix MATCHES "^<rapidjson/")
    set(t cammio_rapidjson)
  elseif(prefix STREQUAL "<tinyxml2.h>")
    set(t tinyxml2_static)
  else()
    message(FATAL_ERROR "src/modules.txt: no CMake target for third-party ${prefix}")
  endif()
  set(${out_var} ${t} PARENT_SCOPE)
endfunction()

# Reads src/modules.txt into CAMMIO_MODULES (bottom to top),
# CAMMIO_MODULE_DEPS_<m>, CAMMIO_MODULE_THIRD_PARTY_<m>, CAMMIO_PATH_MODULE_<path>
# and CAMMIO_EXCEPTIONS ("file|include" items).
macro(cammio_read_modules file)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  file(STRINGS ${file} _lines)
  set(CAMMIO_MODULES "")
  set(CAMMIO_EXCEPTIONS "")
  set(_section modules)
  foreach(_line IN LISTS _lines)
    string(REGEX REPLACE "#.*$" "" _line "${_line}")
    string(STRIP "${_line}" _line)
    if(_line STREQUAL "")
      continue()
    elseif(_line MATCHES "^(paths|third-party|statements|exceptions):$")
      set(_section ${CMAKE_MATCH_1})
    elseif(_section STREQUAL "modules" AND _line MATCHES "^([a-z0-9_]+):(.*)$")
      set(_m ${CMAKE_MATCH_1})
      string(STRIP "${CMAKE_MATCH_2}" _deps)
      if(_deps STREQUAL "*")
        set(_deps "${CAMMIO_MODULES}")
      else()
        separate_arguments(_deps UNIX_COMMAND "${_deps}")
      endif()
      list(APPEND CAMMIO_MODULES ${_m})
      set(CAMMIO_MODULE_DEPS_${_m} ${_deps})
      set(CAMMIO_MODULE_THIRD_PARTY_${_m} "")
    elseif(_section STREQUAL "paths" AND _line MATCHES "^([^ ]+): *([a-z0-9_]+)$")
      set(CAMMIO_PATH_MODULE_${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
    elseif(_section STREQUAL "third-party" AND _line MATCHES "^(<[^ ]+): *(.*)$")
      set(_prefix "${CMAKE_MATCH_1}")
      separate_arguments(_users UNIX_COMMAND "${CMAKE_MATCH_2}")
      foreach(_m IN LISTS _users)
        list(APPEND CAMMIO_MODULE_THIRD_PARTY_${_m} "${_prefix}")
      endforeach()
    elseif(_section STREQUAL "exceptions" AND _line MATCHES "^([^ ]+) +(.+)$")
      list(APPEND CAMMIO_EXCEPTIONS "${CMAKE_MATCH_1}|${CMAKE_MATCH_2}")
    elseif(_section STREQUAL "modules" OR _section STREQUAL "paths"
           OR _section STREQUAL "third-party" OR _section STREQUAL "exceptions")
      message(FATAL_ERROR "${file}: cannot read line '${_line}'")
    endif()
  endforeach()
endmacro()

# The module a repository path belongs to ("" for none, e.g. tests/).
function(cammio_module_of path out_var)
  set(m "")
  if(DEFINED CAMMIO_PATH_MODULE_${path})
    set(m ${CAMMIO_PATH_MODULE_${path}})
  elseif(path MATCHES "^src/([a-z0-9_]+)/" AND CMAKE_MATCH_1 IN_LIST CAMMIO_MODULES)
    set(m ${CMAKE_MATCH_1})
  endif()
  set(${out_var} "${m}" PARENT_SCOPE)
endfunction()

# cammio_module(<m>): the library of src/<m>/ (an INTERFACE library while the
# folder has no sources yet).
function(cammio_module m)
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${m}/*.cc)
  list(FILTER srcs EXCLUDE REGEX "_test\\.cc$")
  set(root ${CMAKE_BINARY_DIR}/include_roots/${m})
  file(MAKE_DIRECTORY ${root})
  # (Re)made at every configure unless it already points here: a build tree
  # reused for another checkout must not compile that checkout's headers.
  set(link_target "")
  if(IS_SYMLINK ${root}/${m})
    file(READ_SYMLINK ${root}/${m} link_target)
  endif()
  if(NOT link_target STREQUAL "${CMAKE_SOURCE_DIR}/src/${m}"
     AND IS_DIRECTORY ${CMAKE_SOURCE_DIR}/src/${m})
    file(REMOVE ${root}/${m})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/${m} ${root}/${m} SYMBOLIC)
  endif()
  if(srcs)
    add_library(cammio_${m} STATIC ${srcs})
    set(pub PUBLIC)
    target_include_directories(cammio_${m} PUBLIC ${root})
    target_compile_options(cammio_${m} PRIVATE ${CAMMIO_WARNINGS})
  else()
    add_library(cammio_${m} INTERFACE)
    set(pub INTERFACE)
    target_include_directories(cammio_${m} INTERFACE ${root})
  endif()
  foreach(d IN LISTS CAMMIO_MODULE_DEPS_${m})
    target_link_libraries(cammio_${m} ${pub} cammio_${d})
  endforeach()
  foreach(prefix IN LISTS CAMMIO_MODULE_THIRD_PARTY_${m})
    cammio_third_party_target("${prefix}" t)
    # util may use mbedTLS inside (hashes, random) but shows it to nobody.
    if(m STREQUAL "util" AND t STREQUAL "mbedtls_static")
      target_link_libraries(cammio_${m} PRIVATE ${t})
    else()
      target_link_libraries(cammio_${m} ${pub} ${t})
    endif()
  endforeach()
endfunction()

# Adds the edges of the exceptions ratchet (see the top of this file).
function(cammio_module_exceptions)
  foreach(item IN LISTS CAMMIO_EXCEPTIONS)
    string(REPLACE "|" ";" item "${item}")
    list(GET item 0 file)
    list(GET item 1 inc)
    cammio_module_of(${file} m)
    if(m STREQUAL "")
      continue()  # tests/: cammio_tests links every module
    endif()
    if(inc MATCHES "^<")
      cammio_third_party_target("${inc}" t)
    elseif(inc MATCHES "^[a-z0-9_]+/[^ ]+\\.h$")
      cammio_module_of(src/${inc} d)
      if(DEFINED CAMMIO_PATH_MODULE_include/${inc})
        set(d ${CAMMIO_PATH_MODULE_include/${inc}})
      endif()
      if(d STREQUAL "" OR d STREQUAL m)
        continue()
      endif()
      set(t cammio_${d})
    else()
      continue()  # a statement: nothing to link
    endif()
    get_target_property(type cammio_${m} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY")
      set(scope INTERFACE)
    elseif(file MATCHES "\\.h$")
      set(scope PUBLIC)
    else()
      set(scope PRIVATE)
    endif()
    if(t MATCHES "^cammio_(.+)$" AND CMAKE_MATCH_1 IN_LIST CAMMIO_MODULES
       AND scope STREQUAL "PRIVATE")
      # A .cc: exactly this edge, the include root of the other module (not
      # what that module may include in turn) and its archive on the link line of every
      # executable that links ours. (A link-only entry of the link interface:
      # CMake 3.25 would still pass ${t}'s include directories to our own
      # sources through LINK_LIBRARIES, even wrapped in $<LINK_ONLY:...>.)
      target_include_directories(cammio_${m} ${scope}
        ${CMAKE_BINARY_DIR}/include_roots/${CMAKE_MATCH_1})
      set_property(TARGET cammio_${m} APPEND PROPERTY
        INTERFACE_LINK_LIBRARIES $<LINK_ONLY:${t}>)
    else()
      target_link_libraries(cammio_${m} ${scope} ${t})
    endif()
  endforeach()
endfunction()
