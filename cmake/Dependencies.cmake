# Third-party code, all from Debian. Nothing here is committed:
#  - SQLite: the static archive from bookworm's libsqlite3-dev.
#  - RapidJSON, doctest: header-only, from rapidjson-dev / doctest-dev.
#  - tinyxml2: the bookworm *source* package fetched with `apt-get source`
#    into CAMMIO_DEPS_DIR.
#  - cpp-httplib 0.18.7: the trixie source package (pinned below, with
#    Debian's security patches applied as `apt-get source` applies them),
#    built without OpenSSL. (Debian's binary httplib.h is a split header
#    whose implementation is a shared library linked to OpenSSL: never used.)
#  - mbedTLS 3.6 LTS: the trixie source package (pinned below), compiled here
#    into one static library with our configuration,
#    cmake/mbedtls/cammio_mbedtls_config.h. Bookworm's libmbedtls-dev (2.28,
#    end of life) is never used, even where it is installed.
# tools/install-deps installs the packages and the deb-src entries.

find_package(Threads REQUIRED)

function(cammio_fetch_source package glob out_var)
  file(GLOB found LIST_DIRECTORIES true "${CAMMIO_DEPS_DIR}/${glob}")
  if(NOT found)
    file(MAKE_DIRECTORY "${CAMMIO_DEPS_DIR}")
    message(STATUS "Fetching Debian source package ${package}")
    execute_process(COMMAND apt-get source -qq ${package}
                    WORKING_DIRECTORY "${CAMMIO_DEPS_DIR}"
                    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
    file(GLOB found LIST_DIRECTORIES true "${CAMMIO_DEPS_DIR}/${glob}")
    if(NOT found)
      string(REGEX REPLACE "[=/].*" "" name "${package}")
      message(FATAL_ERROR "apt-get source ${package} failed (${rc}): ${err}\n"
              "Run tools/install-deps (it adds the deb-src entries) and retry; "
              "`apt-cache showsrc ${name}` lists the versions apt can fetch (a "
              "pinned version gone from the archive must be bumped on purpose).")
    endif()
  endif()
  list(GET found 0 dir)
  set(${out_var} "${dir}" PARENT_SCOPE)
endfunction()

# "/bookworm": with the trixie deb-src entry (below) a bare name would fetch
# trixie's newer version.
cammio_fetch_source(tinyxml2/bookworm "tinyxml2-9.*" TINYXML2_DIR)
# The exact Debian versions: a trixie update must be taken on purpose (bump
# both lines, rebuild, rerun the tests), never silently.
set(CAMMIO_HTTPLIB_DEBIAN_VERSION "0.18.7-1+deb13u1")
set(CAMMIO_HTTPLIB_VERSION "0.18.7")
cammio_fetch_source("cpp-httplib=${CAMMIO_HTTPLIB_DEBIAN_VERSION}"
                    "cpp-httplib-${CAMMIO_HTTPLIB_VERSION}" HTTPLIB_DIR)
set(CAMMIO_MBEDTLS_DEBIAN_VERSION "3.6.6-0.1~deb13u1")
set(CAMMIO_MBEDTLS_VERSION "3.6.6")
cammio_fetch_source("mbedtls=${CAMMIO_MBEDTLS_DEBIAN_VERSION}"
                    "mbedtls-${CAMMIO_MBEDTLS_VERSION}" MBEDTLS_DIR)

if(NOT EXISTS "${CAMMIO_DEPS_DIR}/cpp-httplib_${CAMMIO_HTTPLIB_DEBIAN_VERSION}.dsc")
  message(FATAL_ERROR "expected the Debian source package cpp-httplib "
          "${CAMMIO_HTTPLIB_DEBIAN_VERSION} in ${CAMMIO_DEPS_DIR}, found another; "
          "remove ${HTTPLIB_DIR} and reconfigure")
endif()
file(STRINGS "${HTTPLIB_DIR}/httplib.h" httplib_version
     REGEX "#define CPPHTTPLIB_VERSION ")
if(NOT httplib_version MATCHES "\"${CAMMIO_HTTPLIB_VERSION}\"")
  message(FATAL_ERROR "expected cpp-httplib ${CAMMIO_HTTPLIB_VERSION}, found: ${httplib_version}")
endif()

# cpp-httplib in its split form, made by the source package's own split.py
# (as Debian builds its libcpp-httplib): httplib.h keeps the declarations and
# httplib.cc the definitions, compiled once (cmake/Modules.cmake). As one
# header it cost about 5 s of compiler time in each of the ~125 files that
# include it, tests included: most of CI's compile time. split.py rewrites its
# output only when the source header is newer, so the output directory is
# named by version: a switch of version never keeps another version's split.
set(HTTPLIB_SPLIT_DIR "${CMAKE_BINARY_DIR}/httplib-split-${CAMMIO_HTTPLIB_VERSION}")
find_package(Python3 REQUIRED COMPONENTS Interpreter)
execute_process(COMMAND "${Python3_EXECUTABLE}" "${HTTPLIB_DIR}/split.py" -o "${HTTPLIB_SPLIT_DIR}"
                RESULT_VARIABLE httplib_split_rc OUTPUT_QUIET)
if(NOT httplib_split_rc EQUAL 0 OR NOT EXISTS "${HTTPLIB_SPLIT_DIR}/httplib.cc")
  message(FATAL_ERROR "split.py of cpp-httplib failed (${httplib_split_rc})")
endif()

if(NOT EXISTS "${CAMMIO_DEPS_DIR}/mbedtls_${CAMMIO_MBEDTLS_DEBIAN_VERSION}.dsc")
  message(FATAL_ERROR "expected the Debian source package mbedtls "
          "${CAMMIO_MBEDTLS_DEBIAN_VERSION} in ${CAMMIO_DEPS_DIR}, found another; "
          "remove ${MBEDTLS_DIR} and reconfigure")
endif()
file(STRINGS "${MBEDTLS_DIR}/include/mbedtls/build_info.h" mbedtls_version
     REGEX "#define MBEDTLS_VERSION_STRING ")
if(NOT mbedtls_version MATCHES "\"${CAMMIO_MBEDTLS_VERSION}\"")
  message(FATAL_ERROR "expected mbedTLS ${CAMMIO_MBEDTLS_VERSION}, found: ${mbedtls_version}")
endif()

# mbedTLS: every library source, one static archive (the linker's
# --gc-sections drops what the configuration leaves unused). The
# configuration must reach every file that includes an mbedTLS header, so
# it is a PUBLIC definition.
# cmake/mbedtls/curve25519_ladder.c is ours: the X25519 field arithmetic the
# configuration plugs into mbedTLS's ECP module (MBEDTLS_ECP_INTERNAL_ALT).
file(GLOB MBEDTLS_SOURCES "${MBEDTLS_DIR}/library/*.c")
add_library(mbedtls_static STATIC ${MBEDTLS_SOURCES}
            "${CMAKE_SOURCE_DIR}/cmake/mbedtls/curve25519_ladder.c")
target_include_directories(mbedtls_static SYSTEM PUBLIC "${MBEDTLS_DIR}/include")
target_include_directories(mbedtls_static PRIVATE "${MBEDTLS_DIR}/library")
target_compile_definitions(mbedtls_static PUBLIC
  "MBEDTLS_CONFIG_FILE=\"${CMAKE_SOURCE_DIR}/cmake/mbedtls/cammio_mbedtls_config.h\"")
set_target_properties(mbedtls_static PROPERTIES C_STANDARD 99 C_EXTENSIONS ON)
target_link_libraries(mbedtls_static PUBLIC Threads::Threads)

add_library(tinyxml2_static STATIC "${TINYXML2_DIR}/tinyxml2.cpp")
target_include_directories(tinyxml2_static SYSTEM PUBLIC "${TINYXML2_DIR}")

# A static archive even for the (non -static) sanitizer build, so that both
# builds test the same library code.
find_library(CAMMIO_LIB_sqlite3 NAMES libsqlite3.a REQUIRED)
find_path(RAPIDJSON_INCLUDE rapidjson/document.h REQUIRED)
find_path(DOCTEST_INCLUDE doctest/doctest.h REQUIRED)

# The per-library interface targets (cammio_httplib, cammio_rapidjson,
# cammio_sqlite3) and which module links which: cmake/Modules.cmake.
