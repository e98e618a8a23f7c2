# embed_files(OUTPUT f.cpp NAMESPACE ns FUNCTION fn DIRECTORY dir GLOB pattern...)
# Generates f.cpp defining
#   const std::vector<std::pair<std::string_view, std::string_view>>& ns::fn()
# (path relative to `dir` and text of every file matching a pattern, sorted by path); the
# consumer declares fn.
function(embed_files)
  cmake_parse_arguments(E "" "OUTPUT;NAMESPACE;FUNCTION;DIRECTORY" "GLOB" ${ARGN})
  set(files "")
  foreach(pattern IN LISTS E_GLOB)
    file(GLOB matched CONFIGURE_DEPENDS "${E_DIRECTORY}/${pattern}")
    list(APPEND files ${matched})
  endforeach()
  list(SORT files)
  add_custom_command(
    OUTPUT ${E_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${E_OUTPUT} -DNAMESPACE=${E_NAMESPACE}
            -DFUNCTION=${E_FUNCTION} -DDIRECTORY=${E_DIRECTORY} "-DFILES=${files}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files_run.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_files_run.cmake
    COMMENT "Embedding ${E_GLOB} from ${E_DIRECTORY}"
    VERBATIM)
endfunction()
