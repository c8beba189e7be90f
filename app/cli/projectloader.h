#pragma once
// Finds one function of a project folder for a CLI command, printing every problem on stderr.

#include "project/functionconfig.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace fn::cli {

// Reads DIR/template.yaml, applies an env-vars file if given, and returns the named function;
// nullopt after printing the errors (file:line) or the functions that do exist.
std::optional<FunctionConfig> loadFunction(const QString &projectDir, const QString &name, const QString &envVarsFile);

// The event bytes of --event: a file, or stdin for "-", "{}" when none; nullopt after printing why
// it is unusable (a JSON error with its file:line:column).
std::optional<QByteArray> readEvent(const QString &source);

} // namespace fn::cli
