#pragma once
// Lambda's REPORT lines as CloudWatch Logs holds them, read back into InvocationRecords so that
// invocations on AWS can be shown beside local ones. Three shapes: the JSON `aws logs
// filter-log-events` (or get-log-events) prints, text (`sam logs`, a log copied from the console,
// with or without a stream name and timestamp before each line), and the JSON log format's
// `platform.report` records (LoggingConfig LogFormat: JSON), alone or as an event's message.
// Lines that are no REPORT are skipped and counted; a REPORT that cannot be read is a problem at
// its file and line, and the rest is still read.

#include "project/diagnostic.h"
#include "snapshots/invocationrecord.h"

#include <QList>
#include <QString>

#include <optional>

namespace fn {

struct CloudWatchImport
{
    QString format;                  // "filter-log-events JSON" or "text"
    QList<InvocationRecord> records; // in the order read; coldStart where there was an Init Duration
    QList<Diagnostic> problems;      // malformed REPORT lines and JSON, at their file and line
    int read = 0;                    // lines (text) or log events (JSON) read
    int skipped = 0;                 // no REPORT: START, END, the function's own output, junk
    int duplicates = 0;              // a REPORT of a request id already read (overlapping copies)

    int coldStarts() const;
    // "212 REPORT lines (3 cold starts, 1 timeout); 640 other lines skipped; 1 malformed"
    QString summary() const;
};

class CloudWatchReports final
{
public:
    // file names the source in problems (as shown to people); functionName goes into the records.
    static CloudWatchImport parse(const QByteArray &data, const QString &file, const QString &functionName);
    // Reads a file; a file that cannot be read is one problem.
    static CloudWatchImport read(const QString &path, const QString &functionName);

    // One REPORT line in Lambda's text shape ("REPORT RequestId: …\tDuration: … ms\t…"), anything
    // before "REPORT" ignored. nullopt with the reason when it is not one that can be read.
    static std::optional<InvocationRecord> parseTextReport(const QString &line, QString *error);
    // One platform.report record of the JSON log format, as text.
    static std::optional<InvocationRecord> parseJsonReport(const QByteArray &json, QString *error);
};

} // namespace fn
