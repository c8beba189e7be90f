#include "project/projectsettings.h"

#include "project/foldercontainment.h"
#include "project/jsonposition.h"
#include "project/projectfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <nlohmann/json.hpp>

namespace fn {

namespace {

// The 1-based line of a key's first appearance ("key" then a colon); 0 when not found. Good enough
// to place a problem: nlohmann::json keeps no positions.
int lineOfKey(const QByteArray &text, const std::string &key)
{
    const QByteArray quoted = '"' + QByteArray::fromStdString(key) + '"';
    for (qsizetype at = text.indexOf(quoted); at >= 0; at = text.indexOf(quoted, at + 1)) {
        qsizetype after = at + quoted.size();
        while (after < text.size() && QByteArrayView(" \t\r\n").contains(text.at(after)))
            ++after;
        if (after < text.size() && text.at(after) == ':')
            return int(text.left(at).count('\n')) + 1;
    }
    return 0;
}

} // namespace

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
    QString why;
    const std::optional<QByteArray> read = ProjectFile::read(path, ProjectFile::MaxSmallFileBytes, &why);
    if (!read) {
        problem(0, 0, QStringLiteral("cannot read: %1").arg(why));
        return settings;
    }
    const QByteArray &text = *read;
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception &e) {
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
    if (json.contains("requireSigning")) {
        if (json["requireSigning"].is_boolean())
            settings.requireSigning = json["requireSigning"].get<bool>();
        else
            problem(lineOfKey(text, "requireSigning"), 0, QStringLiteral("\"requireSigning\" must be true or false"));
    }
    const auto accountPart = [&](const char *key, QString (*check)(const QString &), QString *into) {
        if (!json.contains(key))
            return;
        const auto &value = json[key];
        if (!value.is_string()) {
            problem(lineOfKey(text, key), 0,
                    QStringLiteral("\"%1\" must be a string (in quotes)").arg(QLatin1String(key)));
            return;
        }
        const QString given = QString::fromStdString(value.get<std::string>());
        if (const QString why = check(given); !why.isEmpty())
            problem(lineOfKey(text, key), 0, why);
        else
            *into = given;
    };
    accountPart("region", &AwsAccount::problemWithRegion, &settings.account.region);
    accountPart("accountId", &AwsAccount::problemWithAccountId, &settings.account.accountId);
    if (json.contains("permissions")) {
        const auto &value = json["permissions"];
        const QString mode = value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString();
        if (mode == QLatin1String("off") || mode == QLatin1String("warn") || mode == QLatin1String("enforce"))
            settings.permissions = mode;
        else
            problem(lineOfKey(text, "permissions"), 0,
                    QStringLiteral("\"permissions\" must be \"off\", \"warn\" or \"enforce\""));
    }
    if (json.contains("allowOutsideFolders")) {
        const auto &allowed = json["allowOutsideFolders"];
        const int line = lineOfKey(text, "allowOutsideFolders");
        if (!allowed.is_array()) {
            problem(line, 0,
                    QStringLiteral("\"allowOutsideFolders\" must be a list of folders, e.g. [\"~/shared/layers\"]"));
        } else {
            for (const auto &folder : allowed) {
                if (!folder.is_string() || folder.get<std::string>().empty()) {
                    problem(line, 0, QStringLiteral("\"allowOutsideFolders\": every entry must be a non-empty string"));
                    continue;
                }
                const QString written = QString::fromStdString(folder.get<std::string>());
                const QString absolute = FolderContainment::absoluteFolder(projectDir, written);
                if (!QFileInfo(absolute).isDir())
                    problem(line, 0,
                            QStringLiteral("\"allowOutsideFolders\": '%1' is not a folder (looked for %2); it allows "
                                           "nothing")
                                .arg(written, absolute));
                settings.allowedOutsideFolders << written;
            }
        }
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
        // A folder written outside the project is the user's explicit choice; one written inside
        // must stay inside, or a shared project's link could serve the opener's files as a bucket.
        const FolderContainment containment(projectDir, settings.allowedOutsideFolders);
        for (auto it = settings.bucketFolders.begin(); it != settings.bucketFolders.end();) {
            const QString absolute = FolderContainment::absoluteFolder(projectDir, it.value());
            const QString why = containment.isWrittenInside(absolute) ? containment.problem(absolute) : QString();
            if (why.isEmpty()) {
                ++it;
                continue;
            }
            problem(lineOfKey(text, it.key().toStdString()), 0,
                    QStringLiteral("\"buckets\": the folder '%1' of bucket \"%2\" %3; refused, the bucket is kept in "
                                   ".fnstudio/buckets/%2. Map the bucket to that folder by its own path, or add it "
                                   "to \"%4\"")
                        .arg(it.value(), it.key(), why, allowOutsideKey()));
            it = settings.bucketFolders.erase(it);
        }
    }
    for (const auto &[key, value] : json.items()) {
        static const QStringList known{QStringLiteral("accountConcurrency"),
                                       QStringLiteral("idleTimeoutSeconds"),
                                       QStringLiteral("clockSpeed"),
                                       QStringLiteral("legacyAsyncPayloadLimit"),
                                       QStringLiteral("permissions"),
                                       QStringLiteral("requireSigning"),
                                       QStringLiteral("region"),
                                       QStringLiteral("accountId"),
                                       QStringLiteral("buckets"),
                                       allowOutsideKey()};
        if (!known.contains(QString::fromStdString(key)))
            problem(0, 0,
                    QStringLiteral("unknown setting \"%1\" (known: %2)")
                        .arg(QString::fromStdString(key), known.join(QStringLiteral(", "))));
    }
    return settings;
}

} // namespace fn
