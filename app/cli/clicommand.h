#pragma once
// fnstudio-cli: the headless face of the engine. Each subcommand is a function taking its
// arguments and returning the process exit code (0 success, 1 function error, 2 usage/project error).

#include <QStringList>

#include <optional>

class QCommandLineParser;

namespace fn::cli {

int run(const QStringList &arguments);

int doctor(const QStringList &arguments);
int invoke(const QStringList &arguments);
int serve(const QStringList &arguments);
int bench(const QStringList &arguments);
int tune(const QStringList &arguments);
int schedule(const QStringList &arguments);
int generateEvent(const QStringList &arguments);
int queue(const QStringList &arguments);
int sqs(const QStringList &arguments);
int cloudwatch(const QStringList &arguments);
int access(const QStringList &arguments);

// Parses a command's arguments: nullopt to go on, else the exit code to return (2 after printing a
// usage error, 0 after printing --help).
std::optional<int> parseArguments(QCommandLineParser &parser, const QStringList &arguments);

// Prints to stderr with a trailing newline.
void error(const QString &message);

} // namespace fn::cli
