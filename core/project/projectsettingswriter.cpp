#include "project/projectsettingswriter.h"

#include "project/jsonposition.h"
#include "project/projectsettings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <nlohmann/json.hpp>

#include <functional>

namespace fn {

namespace {

// The indentation of the first indented line (spaces or tabs), so a rewrite looks like the file
// the user wrote; two spaces for a new or one-line file.
std::pair<int, char> indentOf(const QByteArray &text)
{
    qsizetype at = text.indexOf('\n');
    while (at >= 0 && at + 1 < text.size()) {
        const char c = text.at(at + 1);
        if (c == ' ' || c == '\t') {
            int width = 0;
            while (at + 1 + width < text.size() && text.at(at + 1 + width) == c)
                ++width;
            return {width, c};
        }
        at = text.indexOf('\n', at + 1);
    }
    return {2, ' '};
}

// Reads the project's settings (a missing or empty file is {}), lets `change` edit them (it returns
// what is wrong, or empty) and writes them back atomically in the file's own indentation; nothing
// is written when nothing changed. `doing` ends the messages: "fix the file before <doing>".
bool rewrite(const QString &projectDir, const QString &doing,
             const std::function<QString(nlohmann::ordered_json &json)> &change, QString *error)
{
    const QString path = QDir(projectDir).absoluteFilePath(ProjectSettings::fileName());
    const auto fail = [&](const QString &why) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), why);
        return false;
    };

    QByteArray text;
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read: %1").arg(file.errorString()));
        text = file.readAll();
        file.close();
        if (!text.trimmed().isEmpty()) {
            try {
                json = nlohmann::ordered_json::parse(text.begin(), text.end());
            } catch (const nlohmann::json::exception &e) {
                const JsonPosition at = JsonPosition::of(e, text);
                return fail(QStringLiteral("not valid JSON at line %1, column %2 (%3); fix the file before %4")
                                .arg(at.line)
                                .arg(at.column)
                                .arg(at.message, doing));
            }
        }
        if (!json.is_object())
            return fail(QStringLiteral("expected a JSON object of settings; fix the file before %1").arg(doing));
    }
    const nlohmann::ordered_json before = json;
    if (const QString problem = change(json); !problem.isEmpty())
        return fail(problem);
    if (json == before)
        return true;

    const auto [width, indentChar] = indentOf(text);
    QByteArray out = QByteArray::fromStdString(json.dump(width, indentChar));
    out += '\n';
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return fail(QStringLiteral("cannot create the folder %1").arg(QFileInfo(path).absolutePath()));
    QSaveFile save(path);
    if (!save.open(QIODevice::WriteOnly) || save.write(out) != out.size() || !save.commit())
        return fail(QStringLiteral("cannot write: %1").arg(save.errorString()));
    return true;
}

} // namespace

bool ProjectSettingsWriter::setBucketFolder(const QString &projectDir, const QString &bucket, const QString &folder,
                                            QString *error)
{
    if (bucket.isEmpty()) {
        if (error)
            *error = QStringLiteral("%1: no bucket named to map")
                         .arg(QDir::toNativeSeparators(QDir(projectDir).absoluteFilePath(ProjectSettings::fileName())));
        return false;
    }
    const std::string name = bucket.toStdString();
    return rewrite(
        projectDir, QStringLiteral("mapping a bucket"),
        [&](nlohmann::ordered_json &json) {
            if (json.contains("buckets") && !json["buckets"].is_object())
                return QStringLiteral(
                    "\"buckets\" must be an object of bucket names and folders; fix it before mapping a bucket");
            if (folder.isEmpty()) {
                if (json.contains("buckets") && json["buckets"].contains(name)) {
                    json["buckets"].erase(name);
                    if (json["buckets"].empty())
                        json.erase("buckets");
                }
            } else {
                json["buckets"][name] = folder.toStdString();
            }
            return QString();
        },
        error);
}

bool ProjectSettingsWriter::setPermissions(const QString &projectDir, const QString &mode, QString *error)
{
    if (mode != QLatin1String("off") && mode != QLatin1String("warn") && mode != QLatin1String("enforce")) {
        if (error)
            *error = QStringLiteral("permissions must be \"off\", \"warn\" or \"enforce\", not \"%1\"").arg(mode);
        return false;
    }
    return rewrite(
        projectDir, QStringLiteral("changing permissions"),
        [&mode](nlohmann::ordered_json &json) {
            json["permissions"] = mode.toStdString();
            return QString();
        },
        error);
}

} // namespace fn
