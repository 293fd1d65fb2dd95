# Builds tests/cmake_import/consumer against sla_planner, either installed (find_package)
# or vendored (add_subdirectory), and runs it. Invoked by CTest with -P.
set(build ${WORK_DIR}/${MODE})
file(REMOVE_RECURSE ${build})
file(MAKE_DIRECTORY ${build})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()

if(MODE STREQUAL "find_package")
  set(prefix ${build}/prefix)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${build}/lib -DCMAKE_INSTALL_PREFIX=${prefix}
      -DSLA_PLANNER_BUILD_TOOLS=OFF -DSLA_PLANNER_BUILD_TESTS=OFF
      -DSLA_PLANNER_BUILD_EXAMPLES=OFF -DSLA_PLANNER_BUILD_BENCH=OFF)
  run(${CMAKE_COMMAND} --install ${build}/lib)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/cmake_import/consumer -B ${build}/consumer
      -DCMAKE_PREFIX_PATH=${prefix} -DCONSUMER_MODE=find_package)
else()
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/cmake_import/consumer -B ${build}/consumer
      -DCONSUMER_MODE=add_subdirectory -DSLA_PLANNER_SOURCE_DIR=${SOURCE_DIR})
endif()
run(${CMAKE_COMMAND} --build ${build}/consumer)
run(${build}/consumer/consumer ${SOURCE_DIR}/profiling_results/H200_TP1P_TP1D)
