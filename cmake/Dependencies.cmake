# Third-party code, all from Debian bookworm. Nothing here is committed:
#  - mbedTLS, SQLite: static archives from libmbedtls-dev / libsqlite3-dev.
#  - RapidJSON, doctest: header-only, from rapidjson-dev / doctest-dev.
#  - cpp-httplib, tinyxml2: *source* packages fetched with `apt-get source`
#    into CAMMIO_DEPS_DIR. (Debian's binary httplib.h is a split header whose
#    implementation is a shared library linked to OpenSSL: never used.)
# tools/install-deps installs the packages and the deb-src entry.

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
      message(FATAL_ERROR "apt-get source ${package} failed (${rc}): ${err}\n"
              "Run tools/install-deps (it adds the deb-src entry) and retry.")
    endif()
  endif()
  list(GET found 0 dir)
  set(${out_var} "${dir}" PARENT_SCOPE)
endfunction()

cammio_fetch_source(cpp-httplib "cpp-httplib-0.11.4*" HTTPLIB_DIR)
cammio_fetch_source(tinyxml2 "tinyxml2-9.*" TINYXML2_DIR)

file(STRINGS "${HTTPLIB_DIR}/httplib.h" httplib_version
     REGEX "#define CPPHTTPLIB_VERSION")
if(NOT httplib_version MATCHES "0\\.11\\.4")
  message(FATAL_ERROR "expected cpp-httplib 0.11.4, found: ${httplib_version}")
endif()

add_library(tinyxml2_static STATIC "${TINYXML2_DIR}/tinyxml2.cpp")
target_include_directories(tinyxml2_static SYSTEM PUBLIC "${TINYXML2_DIR}")

# Static archives even for the (non -static) sanitizer build, so that both
# builds test the same library code.
foreach(lib mbedtls mbedx509 mbedcrypto sqlite3)
  find_library(CAMMIO_LIB_${lib} NAMES lib${lib}.a REQUIRED)
endforeach()
find_path(RAPIDJSON_INCLUDE rapidjson/document.h REQUIRED)
find_path(DOCTEST_INCLUDE doctest/doctest.h REQUIRED)

add_library(cammio_third_party INTERFACE)
target_include_directories(cammio_third_party SYSTEM INTERFACE
  "${HTTPLIB_DIR}" ${RAPIDJSON_INCLUDE})
target_compile_definitions(cammio_third_party INTERFACE
  CPPHTTPLIB_USE_POLL
  RAPIDJSON_HAS_STDSTRING=1)
target_link_libraries(cammio_third_party INTERFACE
  tinyxml2_static
  ${CAMMIO_LIB_mbedtls} ${CAMMIO_LIB_mbedx509} ${CAMMIO_LIB_mbedcrypto}
  ${CAMMIO_LIB_sqlite3} Threads::Threads ${CMAKE_DL_LIBS} m)
