#include "project/sampleevents.h"

#include "project/jsonposition.h"
#include "project/projectfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

#include <nlohmann/json.hpp>

namespace fn {

namespace {

// Case-insensitive, with runs of digits compared as numbers. Done by hand because QCollator's
// numeric mode depends on the ICU backend, which not every Qt build has.
int naturalCompare(const QString &a, const QString &b)
{
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < a.size() && j < b.size()) {
        if (a.at(i).isDigit() && b.at(j).isDigit()) {
            qsizetype ei = i;
            qsizetype ej = j;
            while (ei < a.size() && a.at(ei).isDigit())
                ++ei;
            while (ej < b.size() && b.at(ej).isDigit())
                ++ej;
            // Leading zeros do not make a number bigger.
            QStringView x = QStringView(a).mid(i, ei - i);
            QStringView y = QStringView(b).mid(j, ej - j);
            while (x.size() > 1 && x.front() == QLatin1Char('0'))
                x = x.mid(1);
            while (y.size() > 1 && y.front() == QLatin1Char('0'))
                y = y.mid(1);
            if (x.size() != y.size())
                return x.size() < y.size() ? -1 : 1;
            if (const int order = x.compare(y); order != 0)
                return order;
            i = ei;
            j = ej;
            continue;
        }
        const QChar ca = a.at(i).toCaseFolded();
        const QChar cb = b.at(j).toCaseFolded();
        if (ca != cb)
            return ca < cb ? -1 : 1;
        ++i;
        ++j;
    }
    if (i < a.size())
        return 1;
    return j < b.size() ? -1 : 0;
}

} // namespace

QString SampleEvents::folder(const QString &projectDir, const QString &function)
{
    return QDir(projectDir).absoluteFilePath(QStringLiteral("events/") + function);
}

QStringList SampleEvents::list(const QString &projectDir, const QString &function)
{
    const QDir dir(folder(projectDir, function));
    QStringList names = dir.entryList({QStringLiteral("*.json")}, QDir::Files | QDir::Readable);
    std::sort(names.begin(), names.end(), [](const QString &a, const QString &b) {
        const int order = naturalCompare(a, b);
        return order != 0 ? order < 0 : a < b; // a fixed order even for names that only differ in case
    });
    QStringList paths;
    paths.reserve(names.size());
    for (const QString &name : std::as_const(names))
        paths.append(dir.absoluteFilePath(name));
    return paths;
}

std::optional<QByteArray> SampleEvents::read(const QString &path, Diagnostic *error, const QString &displayName)
{
    Diagnostic d{displayName.isEmpty() ? path : displayName, QFileInfo(path).absoluteFilePath(), 0, 0, {}};
    QString why;
    const std::optional<QByteArray> read = ProjectFile::read(path, ProjectFile::MaxSmallFileBytes, &why);
    if (!read) {
        d.message = QStringLiteral("cannot read the event: %1").arg(why);
        *error = d;
        return std::nullopt;
    }
    const QByteArray &bytes = *read;
    try {
        [[maybe_unused]] const auto parsed = nlohmann::json::parse(bytes.constBegin(), bytes.constEnd());
    } catch (const nlohmann::json::exception &e) {
        const JsonPosition position = JsonPosition::of(e, bytes);
        d.line = position.line;
        d.column = position.column;
        d.message = position.message;
        *error = d;
        return std::nullopt;
    }
    return bytes;
}

} // namespace fn
