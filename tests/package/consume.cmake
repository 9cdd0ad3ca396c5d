# ctest -P script: install, then consume the install two ways.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
# A shared libnotes in a private prefix: the consumers find it the way a user would.
set(ENV{LD_LIBRARY_PATH} ${prefix}/lib)
# The consumers are built with the same flags as the library (sanitizers must match).
separate_arguments(extra_flags UNIX_COMMAND "${CXX_FLAGS}")

# find_package(notes CONFIG)
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/cmake-consumer -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_PREFIX_PATH=${prefix} "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/cmake-consumer)
run(${WORK_DIR}/cmake-consumer/consumer)
if(NOT last_output MATCHES "consumer received: hello from the package test")
  message(FATAL_ERROR "cmake consumer printed: ${last_output}")
endif()

# pkg-config
find_program(PKG_CONFIG pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig:${prefix}/lib64/pkgconfig)
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs notes OUTPUT_VARIABLE flags
                RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config cannot find notes")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${CXX} ${extra_flags} ${SOURCE_DIR}/main.cc -o ${WORK_DIR}/pc-consumer ${flags})
run(${WORK_DIR}/pc-consumer)
if(NOT last_output MATCHES "consumer received: hello from the package test")
  message(FATAL_ERROR "pkg-config consumer printed: ${last_output}")
endif()
