# Installs the build into a staging prefix and checks what a user gets.
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
foreach(f bin/cjos ${LIBDIR}/libcjos.a include/cjos/model.h
          include/cjos/io.h include/cjos/solver.h include/cjos/schools.h
          ${LIBDIR}/pkgconfig/cjos.pc ${MANDIR}/man1/cjos.1
          ${DATADIR}/cjos/round.schema.json ${DATADIR}/cjos/plan.schema.json)
  if(NOT EXISTS "${PREFIX}/${f}")
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
execute_process(COMMAND "${PREFIX}/bin/cjos" --version OUTPUT_VARIABLE v RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT v MATCHES "^cjos [0-9]+\\.[0-9]+\\.[0-9]+")
  message(FATAL_ERROR "installed cjos does not run: ${v}")
endif()
# a program against the installed library, found through pkg-config
file(WRITE "${PREFIX}/use.c" "#include <io.h>\nint main(void) {\n  cj_round *r = cj_round_new();\n  int ok = r && r->policy.pps_max == 2;\n  cj_round_free(r);\n  return ok ? 0 : 1;\n}\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E env
                PKG_CONFIG_PATH=${PREFIX}/${LIBDIR}/pkgconfig
                pkg-config --cflags --libs --static cjos
                OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config cannot find cjos")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
if(SANITIZE)
  list(APPEND flags -fsanitize=address,undefined) # the library was built with them
endif()
execute_process(COMMAND cc "${PREFIX}/use.c" -o "${PREFIX}/use" ${flags} RESULT_VARIABLE rc
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cannot build against the installed library: ${err}")
endif()
execute_process(COMMAND "${PREFIX}/use" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "program built against the installed library failed")
endif()
message(STATUS "install: ok")
