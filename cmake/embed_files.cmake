# embed_files(OUTPUT f.cpp NAMESPACE ns FUNCTION fn DIRECTORY dir GLOB pattern)
# Generates f.cpp defining
#   const std::vector<std::pair<std::string_view, std::string_view>>& ns::fn()
# (name and text of every matching file, sorted by name); the consumer declares fn.
function(embed_files)
  cmake_parse_arguments(E "" "OUTPUT;NAMESPACE;FUNCTION;DIRECTORY;GLOB" "" ${ARGN})
  file(GLOB files CONFIGURE_DEPENDS "${E_DIRECTORY}/${E_GLOB}")
  list(SORT files)
  add_custom_command(
    OUTPUT ${E_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${E_OUTPUT} -DNAMESPACE=${E_NAMESPACE}
            -DFUNCTION=${E_FUNCTION} "-DFILES=${files}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files_run.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_files_run.cmake
    COMMENT "Embedding ${E_GLOB} from ${E_DIRECTORY}"
    VERBATIM)
endfunction()
