#include "projectloader.h"
#include "clicommand.h"

#include "project/jsonposition.h"
#include "project/project.h"

#include <QFile>
#include <QFileInfo>

#include <nlohmann/json.hpp>

namespace fn::cli {

std::optional<FunctionConfig> loadFunction(const QString &projectDir, const QString &name, const QString &envVarsFile)
{
    Project project;
    const QString dir = QFileInfo(projectDir).absoluteFilePath();
    project.open(dir);
    if (!envVarsFile.isEmpty() && !QFileInfo::exists(envVarsFile)) {
        error(QStringLiteral("%1: no such env-vars file").arg(envVarsFile));
        return std::nullopt;
    }
    if (!envVarsFile.isEmpty())
        project.applyEnvVarsFile(QFileInfo(envVarsFile).absoluteFilePath());
    for (const Diagnostic &w : project.warnings())
        error(QStringLiteral("warning: ") + w.toString());
    for (const Diagnostic &n : project.notes())
        error(QStringLiteral("note: ") + n.toString());
    auto function = project.function(name);
    if (!project.errors().isEmpty()) {
        // An error anywhere in the files this function comes from is worth stopping for.
        for (const Diagnostic &e : project.errors())
            error(e.toString());
        if (function)
            return std::nullopt;
    }
    if (!function) {
        QStringList names;
        for (const FunctionConfig &f : project.functions())
            names << f.name;
        // With problems above, the function may be there but refused (its code outside the project, ...).
        const QString what = project.errors().isEmpty() ? QStringLiteral("no function named '%1' in %2; functions: %3")
                                                        : QStringLiteral("no function '%1' that can run in %2 (see the "
                                                                         "problems above); functions that can: %3");
        error(what.arg(name, project.templatePath().isEmpty() ? dir : project.templatePath(),
                       names.isEmpty() ? QStringLiteral("(none)") : names.join(QStringLiteral(", "))));
        return std::nullopt;
    }
    return function;
}

// The event bytes from a file or stdin; nullopt after printing why it is unusable.
std::optional<QByteArray> readEvent(const QString &source)
{
    QByteArray bytes;
    if (source.isEmpty())
        return QByteArrayLiteral("{}");
    if (source == QLatin1String("-")) {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly)) {
            error(QStringLiteral("cannot read the event from standard input"));
            return std::nullopt;
        }
        bytes = in.readAll();
    } else {
        QFile file(source);
        if (!file.open(QIODevice::ReadOnly)) {
            error(QStringLiteral("cannot read event file %1: %2").arg(source, file.errorString()));
            return std::nullopt;
        }
        bytes = file.readAll();
    }
    if (bytes.trimmed().isEmpty())
        return QByteArrayLiteral("{}");
    try {
        [[maybe_unused]] const auto parsed = nlohmann::json::parse(bytes.begin(), bytes.end());
    } catch (const nlohmann::json::exception &e) {
        // Say where, as line:column, counted like an editor does.
        const JsonPosition at = JsonPosition::of(e, bytes);
        const QString where = source == QLatin1String("-") ? QStringLiteral("<stdin>") : source;
        error(QStringLiteral("%1:%2:%3: the event is not valid JSON: %4")
                  .arg(where)
                  .arg(at.line)
                  .arg(at.column)
                  .arg(at.message));
        return std::nullopt;
    }
    return bytes;
}

} // namespace fn::cli
