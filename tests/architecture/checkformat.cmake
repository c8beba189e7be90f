# The format check: every C++ file of core/, app/, plugins/ and tests/ is as clang-format (the
# project's .clang-format) writes it. Run by ctest as tst_format; to fix what it reports:
#   clang-format -i $(git ls-files '*.cpp' '*.h')
if(NOT CLANG_FORMAT)
    message(FATAL_ERROR "clang-format is not installed: install the Debian package clang-format "
                        "(./fnstudio.sh installs installers/debian-packages.txt)")
endif()
file(GLOB_RECURSE sources LIST_DIRECTORIES false
     ${SOURCE_DIR}/core/*.cpp ${SOURCE_DIR}/core/*.h ${SOURCE_DIR}/app/*.cpp ${SOURCE_DIR}/app/*.h
     ${SOURCE_DIR}/plugins/*.cpp ${SOURCE_DIR}/plugins/*.h ${SOURCE_DIR}/tests/*.cpp ${SOURCE_DIR}/tests/*.h)
list(FILTER sources EXCLUDE REGEX "/build/")
list(LENGTH sources count)
if(count EQUAL 0)
    message(FATAL_ERROR "no sources found under ${SOURCE_DIR}")
endif()
execute_process(COMMAND ${CLANG_FORMAT} --style=file --dry-run --Werror ${sources}
                WORKING_DIRECTORY ${SOURCE_DIR}
                RESULT_VARIABLE result ERROR_VARIABLE report)
if(NOT result EQUAL 0)
    string(REGEX MATCHALL "[^\n]*: error: code should be clang-formatted[^\n]*" places "${report}")
    set(files)
    foreach(place ${places})
        string(REGEX REPLACE ":[0-9]+:[0-9]+: error.*" "" file "${place}")
        list(APPEND files ${file})
    endforeach()
    list(REMOVE_DUPLICATES files)
    list(LENGTH files bad)
    string(REPLACE ";" "\n  " listing "${files}")
    message(FATAL_ERROR "${bad} of ${count} files are not formatted as .clang-format says:\n  ${listing}\n"
                        "Fix with: clang-format -i <files>")
endif()
message(STATUS "${count} files formatted as .clang-format says")
