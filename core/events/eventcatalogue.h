#pragma once
// The `generate-event` catalogue: sample events of AWS services, read from JSON templates with
// {{parameter}} placeholders listed in catalogue.json, rendered with the values a user gives.

#include "events/eventtemplate.h"

#include <QHash>
#include <QMap>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>

namespace fn {

class EventCatalogue final
{
public:
    // The catalogue folder: $FN_RESOURCE_DIR/events, else the installed resources next to the binary,
    // else the source tree's resources/events, else <prefix>/share/fnstudio/resources/events.
    static QString defaultDirectory();

    // Reads catalogue.json and every template it names. Returns false with *error on the first problem
    // (a missing or malformed file, an entry without a template, a parameter without a default or help).
    bool load(const QString &directory, QString *error = nullptr);

    QString directory() const { return m_directory; }
    const QList<EventTemplate> &events() const { return m_events; }
    QStringList services() const;
    const EventTemplate *find(const QString &service, const QString &event) const;

    // The event with `values` in place of its parameters' defaults. Values are inserted into JSON strings
    // as text (so quotes and backslashes stay text); filters in the template ({{key|s3key}}, {{body|md5}},
    // {{content|size}}, …) derive dependent values. nullopt with *error for an unknown service, event or
    // parameter, or a value a filter cannot take.
    std::optional<nlohmann::json> render(const QString &service, const QString &event,
                                         const QMap<QString, QString> &values, QString *error = nullptr) const;

    // Encodes an object key as S3 does in event notifications: form-encoding, '/' kept, space as '+'.
    static QString s3EncodeKey(const QString &key);

private:
    QString m_directory;
    QList<EventTemplate> m_events;
    QHash<QString, nlohmann::json> m_templates; // by EventTemplate::file
};

} // namespace fn
