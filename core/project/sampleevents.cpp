#include "project/sampleevents.h"

#include "project/jsonposition.h"

#include <QCollator>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

#include <nlohmann/json.hpp>

namespace fn {

QString SampleEvents::folder(const QString &projectDir, const QString &function)
{
    return QDir(projectDir).absoluteFilePath(QStringLiteral("events/") + function);
}

QStringList SampleEvents::list(const QString &projectDir, const QString &function)
{
    const QDir dir(folder(projectDir, function));
    QStringList names = dir.entryList({QStringLiteral("*.json")}, QDir::Files | QDir::Readable);
    QCollator collator;
    collator.setNumericMode(true);
    collator.setCaseSensitivity(Qt::CaseInsensitive);
    std::sort(names.begin(), names.end(), [&](const QString &a, const QString &b) {
        const int order = collator.compare(a, b);
        return order != 0 ? order < 0 : a < b; // a stable order even when the collator ties
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
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        d.message = QStringLiteral("cannot read the event: %1").arg(file.errorString());
        *error = d;
        return std::nullopt;
    }
    const QByteArray bytes = file.readAll();
    try {
        [[maybe_unused]] const auto parsed = nlohmann::json::parse(bytes.constBegin(), bytes.constEnd());
    } catch (const nlohmann::json::parse_error &e) {
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
