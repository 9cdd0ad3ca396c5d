# Building Plan 9 amd64 programs with the toolchain file cmake/plan9-amd64.cmake. Include this
# file at the top level of a project configured with that toolchain:
#
#   include(${NOTES_PLAN9_CMAKE_DIR}/plan9.cmake)
#   plan9_add_executable(hello hello.cc)
#
# plan9_add_executable(name sources...) links `name.elf` against the runtime (target plan9::rt,
# built from src/plan9/rt next to this file) and then converts it into the Plan 9 a.out `name`
# in the same directory. The converter (tools/aout) is a host program: it is compiled here with
# a host C++ compiler (PLAN9_HOST_CXX, by default the toolchain's g++, which is a host compiler)
# as a plain build step, so none of the Plan 9 flags reach it. Set PLAN9_AOUT to the path of a
# converter built elsewhere (e.g. the POSIX build's plan9-aout) to skip that step.
include_guard(GLOBAL)

if(NOT CMAKE_SYSTEM_NAME STREQUAL "Plan9")
  message(FATAL_ERROR "plan9.cmake needs the toolchain file cmake/plan9-amd64.cmake")
endif()
enable_language(ASM)

get_filename_component(_plan9_notes_dir "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

# --- the converter -------------------------------------------------------------------------------
set(PLAN9_AOUT "" CACHE FILEPATH "A host plan9-aout (tools/aout) to use instead of building one")
set(PLAN9_HOST_CXX "${CMAKE_CXX_COMPILER}" CACHE STRING "Host C++ compiler for tools/aout")
if(PLAN9_AOUT)
  set(PLAN9_AOUT_COMMAND "${PLAN9_AOUT}")
  add_custom_target(plan9_aout)
else()
  set(PLAN9_AOUT_COMMAND "${CMAKE_BINARY_DIR}/host/plan9-aout")
  set(_src "${_plan9_notes_dir}/tools/aout")
  set(_werror)
  if(NOTES_WERROR)
    set(_werror -Werror)
  endif()
  add_custom_command(
    OUTPUT "${PLAN9_AOUT_COMMAND}"
    COMMAND "${PLAN9_HOST_CXX}" -std=c++20 -O2 -Wall -Wextra -Wpedantic ${_werror}
            -o "${PLAN9_AOUT_COMMAND}" "${_src}/aout.cc" "${_src}/main.cc"
    DEPENDS "${_src}/aout.cc" "${_src}/aout.h" "${_src}/main.cc"
    COMMENT "Building the host program plan9-aout"
    VERBATIM)
  add_custom_target(plan9_aout DEPENDS "${PLAN9_AOUT_COMMAND}")
endif()

# --- the runtime ---------------------------------------------------------------------------------
if(NOT TARGET plan9::rt)
  add_subdirectory("${_plan9_notes_dir}/src/plan9/rt" "${CMAKE_BINARY_DIR}/plan9-rt")
endif()

# plan9_add_executable(name sources...)
function(plan9_add_executable name)
  add_executable(${name} ${ARGN})
  set_target_properties(${name} PROPERTIES OUTPUT_NAME "${name}.elf"
                                           LINK_DEPENDS "${PLAN9_LINKER_SCRIPT}")
  target_link_libraries(${name} PRIVATE plan9::rt)
  add_dependencies(${name} plan9_aout)
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND "${PLAN9_AOUT_COMMAND}" "$<TARGET_FILE:${name}>" "$<TARGET_FILE_DIR:${name}>/${name}"
    COMMENT "Converting ${name}.elf into the Plan 9 a.out ${name}"
    VERBATIM)
  set_property(TARGET ${name} APPEND PROPERTY ADDITIONAL_CLEAN_FILES
               "$<TARGET_FILE_DIR:${name}>/${name}")
endfunction()
