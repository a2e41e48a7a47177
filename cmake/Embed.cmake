# cammio_embed(OUT BASE FILE...): generates a C++ source that holds each FILE's
# bytes, keyed by its path relative to BASE. src/util/embedded.h reads it.
function(cammio_embed out base)
  set(files ${ARGN})
  string(REPLACE ";" "|" files_arg "${files}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DBASE=${base}
            "-DFILES=${files_arg}" -P ${CMAKE_SOURCE_DIR}/cmake/EmbedScript.cmake
    VERBATIM
    DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/EmbedScript.cmake
    COMMENT "Embedding web assets and migrations")
endfunction()
