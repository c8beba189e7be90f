#pragma once
// fnstudio's own small programs (libexec): fnstudio-netns, fnstudio-launch.

#include <QString>

namespace fn {

// The path of helper program `name`: the one environment variable `overrideVariable` names if set,
// else the one beside the application (build tree, relocated install), else where CMake built or
// installs it. Empty when none is there.
QString helperProgram(const QString &name, const char *overrideVariable);

} // namespace fn
