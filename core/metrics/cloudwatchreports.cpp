#include "metrics/cloudwatchreports.h"

#include "project/jsonposition.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>
#include <QTimeZone>

#include <nlohmann/json.hpp>

#include <cmath>

namespace fn {

namespace {

using json = nlohmann::json;

const QString ReportMarker = QStringLiteral("REPORT RequestId:");
const QString JsonReportMarker = QStringLiteral("platform.report");

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

// "2024-03-05T14:02:11.913Z", sam logs' "2024-03-05T14:02:11.913000" (UTC, without a zone), or a
// console copy's "2024-03-05 14:02:11.913"; epoch ms, 0 when there is none.
qint64 timestampIn(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral(R"((\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?)"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return 0;
    const QString fraction = QString(m.captured(3) + QStringLiteral("000")).left(3);
    QString zone = m.captured(4);
    if (zone.isEmpty() || zone == u'Z')
        zone = QStringLiteral("Z");
    else if (zone.size() == 5) // +0100
        zone.insert(3, u':');
    const QDateTime t =
        QDateTime::fromString(m.captured(1) + u'T' + m.captured(2) + u'.' + fraction + zone, Qt::ISODateWithMs);
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

// sam logs and the console name the log stream before each line: "2024/03/05/[$LATEST]1f0e…" (one
// stream per execution environment), or "2024/03/05/live[12]1f0e…" for a version behind an alias.
QString streamIn(const QString &text)
{
    static const QRegularExpression re(QStringLiteral(R"((\d{4}/\d{2}/\d{2}/[^\s\[]*\[[^\]]*\][0-9A-Za-z]+))"));
    return re.match(text).captured(1);
}

void setOutcome(InvocationRecord &r, const QString &status, const QString &errorType)
{
    if (status.isEmpty() || status.compare(QStringLiteral("success"), Qt::CaseInsensitive) == 0)
        return;
    r.errorType = errorType;
    if (status.compare(QStringLiteral("timeout"), Qt::CaseInsensitive) == 0) {
        r.outcome = InvocationOutcome::Timeout;
        if (r.errorType.isEmpty())
            r.errorType = QStringLiteral("Sandbox.Timedout");
    } else if (errorType.contains(QStringLiteral("OutOfMemory"))) {
        r.outcome = InvocationOutcome::OutOfMemory;
    } else {
        r.outcome = InvocationOutcome::RuntimeExit;
    }
}

void finishRecord(InvocationRecord &r)
{
    r.coldStart = r.initDurationMs > 0;
    r.initializationType = QStringLiteral("on-demand");
    // Lambda reports no sandbox or runtime start of its own: its Init Duration is the whole init
    // phase (runtime, extensions, the function's module), shown as init.
    r.phases = {0, 0, r.initDurationMs};
}

class Reader
{
public:
    Reader(CloudWatchImport &out, QString file, QString functionName)
        : m_out(out)
        , m_file(std::move(file))
        , m_functionName(std::move(functionName))
    {
    }

    void problem(int line, const QString &message, int column = 0)
    {
        m_out.problems.append({m_file, {}, line, column, message});
    }

    // One log message (a text line, or an event's message); timestampMs and stream as the event
    // says, else found in the text before the REPORT.
    void take(const QString &message, int line, qint64 timestampMs, QString stream)
    {
        ++m_out.read;
        const qsizetype text = message.indexOf(ReportMarker);
        // A JSON record typed platform.report; a line that only mentions it is the function's own.
        static const QRegularExpression jsonReport(QStringLiteral(R"("type"\s*:\s*"platform\.report")"));
        const qsizetype json =
            text < 0 && message.contains(JsonReportMarker) && message.contains(jsonReport) ? message.indexOf(u'{') : -1;
        if (text < 0 && json < 0) {
            ++m_out.skipped;
            return;
        }
        QString error;
        const std::optional<InvocationRecord> parsed =
            text >= 0 ? CloudWatchReports::parseTextReport(message, &error)
                      : CloudWatchReports::parseJsonReport(message.mid(json).toUtf8(), &error);
        if (!parsed) {
            problem(line, error);
            return;
        }
        InvocationRecord r = *parsed;
        const QString before = message.left(text >= 0 ? text : json);
        if (stream.isEmpty())
            stream = streamIn(before);
        if (timestampMs == 0)
            timestampMs = timestampIn(before);
        if (m_seen.contains(r.requestId)) {
            ++m_out.duplicates;
            return;
        }
        m_seen.insert(r.requestId);
        r.sequence = quint64(m_out.records.size());
        r.functionName = m_functionName;
        r.environmentId = stream;
        // The REPORT is written as the invocation ends (the JSON format's "time" included): it
        // started Init Duration + Duration before.
        const qint64 endMs = timestampMs ? timestampMs : r.startedAtMs;
        if (endMs)
            r.startedAtMs = endMs - qint64(std::llround(r.initDurationMs + r.durationMs));
        m_out.records.append(r);
    }

private:
    CloudWatchImport &m_out;
    QString m_file;
    QString m_functionName;
    QSet<QString> m_seen;
};

// The line of each log event's "message" in the text of filter-log-events' JSON, in order, for
// problems; empty when they cannot be told apart.
QList<int> messageLines(const QByteArray &data)
{
    QList<int> lines;
    int line = 1;
    for (qsizetype i = 0; i < data.size(); ++i) {
        if (data.at(i) == '\n')
            ++line;
        else if (data.at(i) == '"' && QByteArrayView(data).sliced(i).startsWith("\"message\""))
            lines.append(line);
    }
    return lines;
}

bool readEvents(const json &events, const QByteArray &data, Reader &reader)
{
    if (!events.is_array())
        return false;
    const QList<int> lines = messageLines(data);
    const bool placed = lines.size() == qsizetype(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        const json &e = events[i];
        const int line = placed ? lines.at(qsizetype(i)) : 0;
        if (!e.is_object() || !e.contains("message") || !e["message"].is_string()) {
            reader.problem(line, QStringLiteral("events[%1] is not a log event with a \"message\"").arg(i));
            continue;
        }
        const qint64 timestamp =
            e.contains("timestamp") && e["timestamp"].is_number() ? e["timestamp"].get<qint64>() : 0;
        const QString stream = e.contains("logStreamName") && e["logStreamName"].is_string()
                                   ? q(e["logStreamName"].get<std::string>())
                                   : QString();
        reader.take(q(e["message"].get<std::string>()), line, timestamp, stream);
    }
    return true;
}

void readLines(const QByteArray &data, Reader &reader)
{
    int lineNumber = 0;
    for (const QByteArray &raw : data.split('\n')) {
        ++lineNumber;
        QByteArray line = raw.trimmed();
        if (line.isEmpty())
            continue;
        // A line of filter-log-events' JSON where the whole did not parse (a truncated copy): its
        // message is a JSON string to unescape.
        if (line.startsWith("\"message\"")) {
            if (line.endsWith(','))
                line.chop(1);
            const json one = json::parse(QByteArray('{' + line + '}').toStdString(), nullptr, false);
            if (one.is_object() && one.contains("message") && one["message"].is_string()) {
                reader.take(q(one["message"].get<std::string>()), lineNumber, 0, {});
                continue;
            }
        }
        reader.take(QString::fromUtf8(line), lineNumber, 0, {});
    }
}

} // namespace

int CloudWatchImport::coldStarts() const
{
    int n = 0;
    for (const InvocationRecord &r : records)
        n += r.coldStart;
    return n;
}

QString CloudWatchImport::summary() const
{
    const QLocale locale;
    int timeouts = 0;
    for (const InvocationRecord &r : records)
        timeouts += r.outcome == InvocationOutcome::Timeout;
    QString s = records.size() == 1 ? QStringLiteral("1 REPORT line")
                                    : QStringLiteral("%1 REPORT lines").arg(locale.toString(records.size()));
    QStringList details{coldStarts() == 1 ? QStringLiteral("1 cold start")
                                          : QStringLiteral("%1 cold starts").arg(locale.toString(coldStarts()))};
    if (timeouts)
        details << (timeouts == 1 ? QStringLiteral("1 timeout") : QStringLiteral("%1 timeouts").arg(timeouts));
    s += QStringLiteral(" (") + details.join(QStringLiteral(", ")) + u')';
    if (skipped)
        s += QStringLiteral("; %1 other %2 skipped")
                 .arg(locale.toString(skipped), skipped == 1 ? QStringLiteral("line") : QStringLiteral("lines"));
    if (duplicates)
        s += QStringLiteral("; %1 repeated left out").arg(locale.toString(duplicates));
    if (!problems.isEmpty())
        s += QStringLiteral("; %1 could not be read").arg(locale.toString(problems.size()));
    return s;
}

std::optional<InvocationRecord> CloudWatchReports::parseTextReport(const QString &line, QString *error)
{
    const qsizetype at = line.indexOf(ReportMarker);
    if (at < 0) {
        *error = QStringLiteral("no \"REPORT RequestId:\"");
        return std::nullopt;
    }
    // Fields are separated by tabs, which a copy may have turned into spaces: read them by name.
    // Longer names first, so "Billed Duration" is never read as "Duration".
    static const QRegularExpression field(QStringLiteral(
        R"(\b(Billed Restore Duration|Restore Duration|Billed Duration|Init Duration|Max Memory Used|Memory Size|)"
        R"(Duration|RequestId|Status|Error Type):\s*(\S+)(?:\s*(ms|MB)\b)?)"));
    InvocationRecord r;
    r.reportLine = line.mid(at).trimmed();
    QString status, errorType;
    QStringList found;
    for (auto it = field.globalMatch(r.reportLine); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        const QString name = m.captured(1);
        const QString value = m.captured(2);
        found << name;
        if (name == u"RequestId") {
            r.requestId = value;
            continue;
        }
        if (name == u"Status") {
            status = value;
            continue;
        }
        if (name == u"Error Type") {
            errorType = value;
            continue;
        }
        bool ok = false;
        const double v = value.toDouble(&ok);
        if (!ok || v < 0 || !std::isfinite(v)) {
            *error = QStringLiteral("%1 \"%2\" is not a number of %3")
                         .arg(name, value,
                              name.contains(QStringLiteral("Memory")) ? QStringLiteral("MB") : QStringLiteral("ms"));
            return std::nullopt;
        }
        if (name == u"Duration")
            r.durationMs = v;
        else if (name == u"Billed Duration")
            r.billedDurationMs = qint64(std::llround(v));
        else if (name == u"Memory Size")
            r.memorySizeMb = int(v);
        else if (name == u"Max Memory Used")
            r.maxMemoryUsedMb = int(v);
        else if (name == u"Init Duration")
            r.initDurationMs = v;
        // Restore Duration (SnapStart) is read and not shown.
    }
    QStringList missing;
    for (const QString &required :
         {QStringLiteral("RequestId"), QStringLiteral("Duration"), QStringLiteral("Billed Duration"),
          QStringLiteral("Memory Size"), QStringLiteral("Max Memory Used")})
        if (!found.contains(required))
            missing << required;
    if (!missing.isEmpty()) {
        *error = QStringLiteral("REPORT line without %1").arg(missing.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    if (r.requestId.isEmpty()) {
        *error = QStringLiteral("REPORT line with an empty RequestId");
        return std::nullopt;
    }
    setOutcome(r, status, errorType);
    finishRecord(r);
    return r;
}

std::optional<InvocationRecord> CloudWatchReports::parseJsonReport(const QByteArray &text, QString *error)
{
    json doc;
    try {
        doc = json::parse(text.constData(), text.constData() + text.size());
    } catch (const json::exception &e) {
        *error = QStringLiteral("platform.report is not valid JSON: ") + JsonPosition::of(e, text).message;
        return std::nullopt;
    }
    const auto string = [](const json &o, const char *key) {
        return o.is_object() && o.contains(key) && o[key].is_string() ? q(o[key].get<std::string>()) : QString();
    };
    if (!doc.is_object() || string(doc, "type") != u"platform.report" || !doc.contains("record")
        || !doc["record"].is_object()) {
        *error = QStringLiteral("not a platform.report record with a \"record\" object");
        return std::nullopt;
    }
    const json &record = doc["record"];
    const json metrics = record.contains("metrics") ? record["metrics"] : json();
    InvocationRecord r;
    r.requestId = string(record, "requestId");
    if (r.requestId.isEmpty()) {
        *error = QStringLiteral("platform.report without a requestId");
        return std::nullopt;
    }
    if (!metrics.is_object()) {
        *error = QStringLiteral("platform.report without metrics");
        return std::nullopt;
    }
    const auto number = [&metrics](const char *key, double *out) {
        if (!metrics.contains(key))
            return false;
        if (!metrics[key].is_number())
            return false;
        *out = metrics[key].get<double>();
        return *out >= 0;
    };
    double duration = 0, billed = 0, memory = 0, used = 0, init = 0;
    QStringList bad;
    for (const auto &[key, out] : {std::pair{"durationMs", &duration}, std::pair{"billedDurationMs", &billed},
                                   std::pair{"memorySizeMB", &memory}, std::pair{"maxMemoryUsedMB", &used}})
        if (!number(key, out))
            bad << QString::fromLatin1(key);
    if (metrics.contains("initDurationMs") && !number("initDurationMs", &init))
        bad << QStringLiteral("initDurationMs");
    if (!bad.isEmpty()) {
        *error = QStringLiteral("platform.report without a number for %1").arg(bad.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    r.durationMs = duration;
    r.billedDurationMs = qint64(std::llround(billed));
    r.memorySizeMb = int(memory);
    r.maxMemoryUsedMb = int(used);
    r.initDurationMs = init;
    r.startedAtMs = timestampIn(string(doc, "time")); // the end, until the reader moves it back
    r.reportLine = QString::fromUtf8(text).trimmed();
    setOutcome(r, string(record, "status"), string(record, "errorType"));
    finishRecord(r);
    return r;
}

CloudWatchImport CloudWatchReports::parse(const QByteArray &data, const QString &file, const QString &functionName)
{
    CloudWatchImport out;
    Reader reader(out, file, functionName);
    const QByteArray trimmed = data.trimmed();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        try {
            const json doc = json::parse(data.constData(), data.constData() + data.size());
            const json *events = doc.is_array()                              ? &doc
                                 : doc.is_object() && doc.contains("events") ? &doc["events"]
                                                                             : nullptr;
            if (events && readEvents(*events, data, reader)) {
                out.format = QStringLiteral("filter-log-events JSON");
                return out;
            }
            if (events)
                reader.problem(0, QStringLiteral("\"events\" is not a list of log events"));
        } catch (const json::exception &e) {
            // One JSON log record a line parses as lines; a broken filter-log-events answer (a
            // truncated copy) is said, then read line by line so no whole line of it is lost.
            if (trimmed.contains("\"events\"")) {
                const JsonPosition at = JsonPosition::of(e, data);
                reader.problem(at.line,
                               QStringLiteral("not valid JSON (%1); read line by line instead").arg(at.message),
                               at.column);
            }
        }
    }
    out.format = QStringLiteral("text");
    readLines(data, reader);
    return out;
}

CloudWatchImport CloudWatchReports::read(const QString &path, const QString &functionName)
{
    QFile file(path);
    const QString name = QFileInfo(path).fileName();
    if (!file.open(QIODevice::ReadOnly)) {
        CloudWatchImport out;
        out.problems.append({name, path, 0, 0, QStringLiteral("cannot be read: ") + file.errorString()});
        return out;
    }
    CloudWatchImport out = parse(file.readAll(), name, functionName);
    for (Diagnostic &d : out.problems)
        d.path = path;
    return out;
}

} // namespace fn
