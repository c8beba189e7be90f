#include "eventcatalogue.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <set>

namespace fn {

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

std::string ss(const QString &s)
{
    return s.toStdString();
}

std::optional<nlohmann::json> readJson(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray bytes = file.readAll();
    try {
        return nlohmann::json::parse(bytes.begin(), bytes.end());
    } catch (const nlohmann::json::exception &e) {
        *error = QStringLiteral("%1 is not valid JSON: %2").arg(path, QString::fromUtf8(e.what()));
        return std::nullopt;
    }
}

const QRegularExpression &placeholderPattern()
{
    static const QRegularExpression pattern(
        QStringLiteral("\\{\\{\\s*([A-Za-z][A-Za-z0-9]*)\\s*(?:\\|\\s*([a-z0-9]+)\\s*)?(\\|\\s*string\\s*)?\\}\\}"));
    return pattern;
}

// Every {{name}} a template uses, keys included, so that load() can check they are all declared.
void collectPlaceholders(const nlohmann::json &node, std::set<QString> &names)
{
    auto scan = [&names](const std::string &text) {
        auto it = placeholderPattern().globalMatch(qs(text));
        while (it.hasNext())
            names.insert(it.next().captured(1));
    };
    if (node.is_string()) {
        scan(node.get<std::string>());
    } else if (node.is_object()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            scan(it.key());
            collectPlaceholders(it.value(), names);
        }
    } else if (node.is_array()) {
        for (const auto &item : node)
            collectPlaceholders(item, names);
    }
}

// What a filter makes of a value: text to splice into a string, or a typed JSON value that replaces a
// string consisting of the placeholder alone.
struct Filtered
{
    QString text;
    std::optional<nlohmann::json> typed;
};

std::optional<Filtered> applyFilter(const QString &filter, const QString &name, const QString &value, QString *error)
{
    const QByteArray utf8 = value.toUtf8();
    if (filter.isEmpty())
        return Filtered{value, std::nullopt};
    if (filter == QLatin1String("s3key"))
        return Filtered{EventCatalogue::s3EncodeKey(value), std::nullopt};
    if (filter == QLatin1String("urlencode"))
        return Filtered{QString::fromLatin1(utf8.toPercentEncoding()), std::nullopt};
    if (filter == QLatin1String("md5"))
        return Filtered{QString::fromLatin1(QCryptographicHash::hash(utf8, QCryptographicHash::Md5).toHex()),
                        std::nullopt};
    if (filter == QLatin1String("sha256"))
        return Filtered{QString::fromLatin1(QCryptographicHash::hash(utf8, QCryptographicHash::Sha256).toHex()),
                        std::nullopt};
    if (filter == QLatin1String("base64"))
        return Filtered{QString::fromLatin1(utf8.toBase64()), std::nullopt};
    if (filter == QLatin1String("size"))
        return Filtered{QString::number(utf8.size()), nlohmann::json(utf8.size())};
    if (filter == QLatin1String("number") || filter == QLatin1String("json") || filter == QLatin1String("bool")) {
        try {
            const nlohmann::json parsed = nlohmann::json::parse(utf8.begin(), utf8.end());
            const bool fits = filter == QLatin1String("json")
                              || (filter == QLatin1String("number") && parsed.is_number())
                              || (filter == QLatin1String("bool") && parsed.is_boolean());
            if (fits)
                return Filtered{value, parsed};
        } catch (const nlohmann::json::exception &) {
        }
        *error = filter == QLatin1String("json")
                     ? QStringLiteral("--%1 must be JSON here, not '%2'").arg(name, value)
                     : QStringLiteral("--%1 must be a %2 here, not '%3'")
                           .arg(name,
                                filter == QLatin1String("bool") ? QStringLiteral("boolean (true or false)")
                                                                : QStringLiteral("number"),
                                value);
        return std::nullopt;
    }
    if (filter == QLatin1String("epoch") || filter == QLatin1String("epochms")) {
        const QDateTime time = QDateTime::fromString(value, Qt::ISODateWithMs);
        if (!time.isValid()) {
            *error =
                QStringLiteral("--%1 must be an ISO 8601 time such as 2026-01-05T09:00:00Z, not '%2'").arg(name, value);
            return std::nullopt;
        }
        const qint64 n = filter == QLatin1String("epoch") ? time.toSecsSinceEpoch() : time.toMSecsSinceEpoch();
        return Filtered{QString::number(n), nlohmann::json(n)};
    }
    *error = QStringLiteral("unknown filter '%1' on {{%2}}").arg(filter, name);
    return std::nullopt;
}

// Substitutes the placeholders of one string; a string that is exactly one typed placeholder becomes
// that typed value.
std::optional<nlohmann::json> substitute(const std::string &text, const QMap<QString, QString> &values, QString *error)
{
    const QString input = qs(text);
    QString out;
    qsizetype last = 0;
    auto it = placeholderPattern().globalMatch(input);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        const QString name = m.captured(1);
        const auto value = values.constFind(name);
        if (value == values.constEnd()) {
            *error = QStringLiteral("the template uses {{%1}}, which is not one of its parameters").arg(name);
            return std::nullopt;
        }
        const auto filtered = applyFilter(m.captured(2), name, *value, error);
        if (!filtered)
            return std::nullopt;
        // A trailing |string keeps a number as text, as SQS does with its timestamps.
        if (filtered->typed && m.captured(3).isEmpty() && m.capturedStart() == 0 && m.capturedEnd() == input.size())
            return *filtered->typed;
        out += QStringView(input).mid(last, m.capturedStart() - last) + filtered->text;
        last = m.capturedEnd();
    }
    if (last == 0)
        return nlohmann::json(text);
    out += QStringView(input).mid(last);
    return nlohmann::json(ss(out));
}

std::optional<nlohmann::json> renderNode(const nlohmann::json &node, const QMap<QString, QString> &values,
                                         QString *error)
{
    if (node.is_string())
        return substitute(node.get<std::string>(), values, error);
    if (node.is_object()) {
        nlohmann::json out = nlohmann::json::object();
        for (auto it = node.begin(); it != node.end(); ++it) {
            const auto key = substitute(it.key(), values, error);
            if (!key)
                return std::nullopt;
            const auto value = renderNode(it.value(), values, error);
            if (!value)
                return std::nullopt;
            out[key->is_string() ? key->get<std::string>() : key->dump()] = *value;
        }
        return out;
    }
    if (node.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto &item : node) {
            const auto value = renderNode(item, values, error);
            if (!value)
                return std::nullopt;
            out.push_back(*value);
        }
        return out;
    }
    return node;
}

bool holdsCatalogue(const QString &dir)
{
    return QFile::exists(dir + QStringLiteral("/catalogue.json"));
}

} // namespace

QString EventCatalogue::defaultDirectory()
{
    const QString env = qEnvironmentVariable("FN_RESOURCE_DIR");
    if (!env.isEmpty())
        return QDir::cleanPath(env + QStringLiteral("/events"));
    QStringList candidates;
    if (QCoreApplication::instance())
        candidates << QDir::cleanPath(QCoreApplication::applicationDirPath()
                                      + QStringLiteral("/../share/fnstudio/resources/events"));
    // The source tree's resources are used in place by a build that is not installed.
    candidates << QStringLiteral(FN_SOURCE_RESOURCE_DIR "/events");
    for (const QString &candidate : std::as_const(candidates))
        if (holdsCatalogue(candidate))
            return candidate;
    return QDir::cleanPath(QStringLiteral(FN_INSTALL_PREFIX "/share/fnstudio/resources/events"));
}

bool EventCatalogue::load(const QString &directory, QString *error)
{
    QString problem;
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        m_events.clear();
        m_templates.clear();
        return false;
    };
    m_directory = directory;
    m_events.clear();
    m_templates.clear();
    const QDir dir(directory);
    const auto index = readJson(dir.filePath(QStringLiteral("catalogue.json")), &problem);
    if (!index)
        return fail(problem);
    try {
        const nlohmann::json common = index->value("common", nlohmann::json::object());
        for (const auto &entry : index->at("events")) {
            EventTemplate event;
            event.service = qs(entry.at("service").get<std::string>());
            event.name = qs(entry.at("event").get<std::string>());
            event.description = qs(entry.value("description", std::string()));
            event.file = qs(entry.at("template").get<std::string>());
            const QString where = QStringLiteral("catalogue.json: %1 %2").arg(event.service, event.name);
            if (find(event.service, event.name))
                return fail(QStringLiteral("%1 is listed twice").arg(where));
            const nlohmann::json parameters = entry.value("parameters", nlohmann::json::object());
            for (auto p = parameters.begin(); p != parameters.end(); ++p) {
                // An event's own default or help wins over the shared one.
                const nlohmann::json shared = common.value(p.key(), nlohmann::json::object());
                EventParameter parameter;
                parameter.name = qs(p.key());
                const nlohmann::json def =
                    p.value().contains("default") ? p.value().at("default") : shared.value("default", nlohmann::json());
                const nlohmann::json help =
                    p.value().contains("help") ? p.value().at("help") : shared.value("help", nlohmann::json());
                if (!def.is_string() || !help.is_string())
                    return fail(QStringLiteral("%1: parameter %2 needs a default and a help text (strings)")
                                    .arg(where, parameter.name));
                parameter.defaultValue = qs(def.get<std::string>());
                parameter.help = qs(help.get<std::string>());
                event.parameters.append(parameter);
            }
            if (!m_templates.contains(event.file)) {
                const auto body = readJson(dir.filePath(event.file), &problem);
                if (!body)
                    return fail(QStringLiteral("%1: %2").arg(where, problem));
                m_templates.insert(event.file, *body);
            }
            std::set<QString> used;
            collectPlaceholders(m_templates.value(event.file), used);
            for (const QString &name : used)
                if (!event.parameter(name))
                    return fail(QStringLiteral("%1: %2 uses {{%3}}, which the entry does not declare")
                                    .arg(where, event.file, name));
            m_events.append(event);
        }
    } catch (const nlohmann::json::exception &e) {
        return fail(QStringLiteral("catalogue.json: %1").arg(QString::fromUtf8(e.what())));
    }
    return true;
}

QStringList EventCatalogue::services() const
{
    QStringList names;
    for (const EventTemplate &e : m_events)
        if (!names.contains(e.service))
            names.append(e.service);
    return names;
}

const EventTemplate *EventCatalogue::find(const QString &service, const QString &event) const
{
    for (const EventTemplate &e : m_events)
        if (e.service == service && e.name == event)
            return &e;
    return nullptr;
}

std::optional<nlohmann::json> EventCatalogue::render(const QString &service, const QString &event,
                                                     const QMap<QString, QString> &values, QString *error) const
{
    QString problem;
    auto fail = [&](const QString &message) -> std::optional<nlohmann::json> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    const EventTemplate *entry = find(service, event);
    if (!entry) {
        if (!services().contains(service))
            return fail(QStringLiteral("unknown service '%1'; the services are: %2")
                            .arg(service, services().join(QStringLiteral(", "))));
        QStringList names;
        for (const EventTemplate &e : m_events)
            if (e.service == service)
                names << e.name;
        return fail(QStringLiteral("unknown %1 event '%2'; its events are: %3")
                        .arg(service, event, names.join(QStringLiteral(", "))));
    }
    QMap<QString, QString> resolved;
    for (const EventParameter &p : entry->parameters)
        resolved.insert(p.name, p.defaultValue);
    for (auto it = values.constBegin(); it != values.constEnd(); ++it) {
        if (!resolved.contains(it.key())) {
            QStringList names;
            for (const EventParameter &p : entry->parameters)
                names << QStringLiteral("--") + p.name;
            return fail(QStringLiteral("%1 %2 has no parameter --%3; its parameters are: %4")
                            .arg(service, event, it.key(),
                                 names.isEmpty() ? QStringLiteral("(none)") : names.join(QStringLiteral(", "))));
        }
        resolved.insert(it.key(), it.value());
    }
    const auto rendered = renderNode(m_templates.value(entry->file), resolved, &problem);
    if (!rendered)
        return fail(QStringLiteral("%1 %2: %3").arg(service, event, problem));
    return rendered;
}

QString EventCatalogue::s3EncodeKey(const QString &key)
{
    // S3 notifications carry keys form-encoded (as Java's URLEncoder does), except that '/' is kept.
    QByteArray encoded = key.toUtf8().toPercentEncoding(QByteArrayLiteral("/*"), QByteArrayLiteral("~"));
    encoded.replace("%20", "+");
    return QString::fromLatin1(encoded);
}

} // namespace fn
