#include "project/projectsettings.h"

#include "project/jsonposition.h"

#include <QDir>
#include <QFile>

#include <nlohmann/json.hpp>

namespace fn {

ProjectSettings ProjectSettings::load(const QString &projectDir, QList<Diagnostic> *errors)
{
    ProjectSettings settings;
    const QString path = QDir(projectDir).absoluteFilePath(fileName());
    QFile file(path);
    if (!file.exists())
        return settings;
    const auto problem = [&](int line, int column, const QString &message) {
        if (errors)
            errors->append(Diagnostic{fileName(), path, line, column, message});
    };
    if (!file.open(QIODevice::ReadOnly)) {
        problem(0, 0, QStringLiteral("cannot read: %1").arg(file.errorString()));
        return settings;
    }
    const QByteArray text = file.readAll();
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error &e) {
        const JsonPosition at = JsonPosition::of(e, text);
        problem(at.line, at.column, QStringLiteral("not valid JSON: ") + at.message);
        return settings;
    }
    if (!json.is_object()) {
        problem(1, 1, QStringLiteral("expected a JSON object of settings"));
        return settings;
    }
    const auto number = [&](const char *key, double min, double max, auto apply) {
        if (!json.contains(key))
            return;
        const auto &value = json[key];
        if (!value.is_number() || value.get<double>() < min || value.get<double>() > max) {
            problem(0, 0,
                    QStringLiteral("\"%1\" must be a number from %2 to %3").arg(QLatin1String(key)).arg(min).arg(max));
            return;
        }
        apply(value.get<double>());
    };
    number("accountConcurrency", 1, 100000, [&](double v) { settings.accountConcurrency = int(v); });
    number("idleTimeoutSeconds", 1, 7 * 24 * 3600, [&](double v) { settings.idleTimeoutSeconds = v; });
    number("clockSpeed", 1, 3600, [&](double v) { settings.clockSpeed = v; });
    if (json.contains("legacyAsyncPayloadLimit")) {
        if (json["legacyAsyncPayloadLimit"].is_boolean())
            settings.legacyAsyncPayloadLimit = json["legacyAsyncPayloadLimit"].get<bool>();
        else
            problem(0, 0, QStringLiteral("\"legacyAsyncPayloadLimit\" must be true or false"));
    }
    if (json.contains("buckets")) {
        const auto &buckets = json["buckets"];
        if (!buckets.is_object()) {
            problem(
                0, 0,
                QStringLiteral(
                    "\"buckets\" must be an object of bucket names and folders, e.g. {\"photos\": \"~/Pictures\"}"));
        } else {
            for (const auto &[name, folder] : buckets.items()) {
                if (!folder.is_string() || folder.get<std::string>().empty())
                    problem(0, 0,
                            QStringLiteral("\"buckets\": the folder of bucket \"%1\" must be a non-empty string")
                                .arg(QString::fromStdString(name)));
                else
                    settings.bucketFolders.insert(QString::fromStdString(name),
                                                  QString::fromStdString(folder.get<std::string>()));
            }
        }
    }
    for (const auto &[key, value] : json.items()) {
        static const QStringList known{QStringLiteral("accountConcurrency"), QStringLiteral("idleTimeoutSeconds"),
                                       QStringLiteral("clockSpeed"), QStringLiteral("legacyAsyncPayloadLimit"),
                                       QStringLiteral("buckets")};
        if (!known.contains(QString::fromStdString(key)))
            problem(0, 0,
                    QStringLiteral("unknown setting \"%1\" (known: %2)")
                        .arg(QString::fromStdString(key), known.join(QStringLiteral(", "))));
    }
    return settings;
}

} // namespace fn
