# Shared CMake helpers: target defaults, tests, runtime plugins.

# Compile settings every fnstudio target shares (per target, never global).
function(fn_target_defaults target)
    target_compile_definitions(${target} PRIVATE
        QT_NO_CAST_FROM_ASCII QT_NO_FOREACH QT_USE_QSTRINGBUILDER QT_NO_KEYWORDS)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
    if(FN_WARNINGS_AS_ERRORS)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()

# fn_add_test(NAME SOURCES a.cpp ... [LIBS ...] [LABELS ...] [TIMEOUT s])
# One QtTest executable registered with ctest, offscreen, with a label and a timeout.
function(fn_add_test name)
    cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS;ENV" ${ARGN})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 120)
    endif()
    if(NOT T_LABELS)
        set(T_LABELS unit)
    endif()
    # Sanitizer builds run several times slower (the tsan preset sets 3).
    if(FN_TEST_TIMEOUT_SCALE)
        math(EXPR T_TIMEOUT "${T_TIMEOUT} * ${FN_TEST_TIMEOUT_SCALE}")
    endif()
    add_executable(${name} ${T_SOURCES})
    target_link_libraries(${name} PRIVATE Qt6::Test ${T_LIBS})
    fn_target_defaults(${name})
    add_test(NAME ${name} COMMAND ${name})
    if("threads" IN_LIST T_LABELS)
        add_dependencies(threads_tests ${name})
    endif()
    set_tests_properties(${name} PROPERTIES
        LABELS "${T_LABELS}"
        TIMEOUT ${T_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;FN_SOURCE_DIR=${PROJECT_SOURCE_DIR};FN_BUILD_DIR=${PROJECT_BINARY_DIR};FN_PLUGIN_DIR=${FN_PLUGIN_OUTPUT_DIR};${T_ENV}")
endfunction()

# fn_add_runtime_plugin(ID FILES descriptor.json bootstrap ...)
# Copies a runtime plugin's descriptor and bootstrap files into the build tree's plugins/<ID>/.
function(fn_add_runtime_plugin id)
    cmake_parse_arguments(P "" "" "FILES" ${ARGN})
    set(outputs)
    foreach(f ${P_FILES})
        get_filename_component(fname ${f} NAME)
        set(out ${FN_PLUGIN_OUTPUT_DIR}/${id}/${fname})
        add_custom_command(OUTPUT ${out}
            COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_SOURCE_DIR}/${f} ${out}
            DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${f}
            COMMENT "runtime plugin ${id}: ${fname}")
        list(APPEND outputs ${out})
    endforeach()
    add_custom_target(plugin_${id} ALL DEPENDS ${outputs})
    install(FILES ${P_FILES} DESTINATION share/fnstudio/plugins/${id})
endfunction()
