#pragma once
// Log lines in CloudWatch shape: a group per function, a stream per environment.

#include <QList>
#include <QMetaType>
#include <QString>

namespace fn {

struct LogLine
{
    qint64 timestampMs = 0; // wall clock, Unix epoch milliseconds, when the line was captured
    QString logGroup;       // /aws/lambda/<function>
    QString logStream;      // YYYY/MM/DD/[$LATEST]<32 hex>
    QString requestId;      // the invocation in progress when the line was written, if any
    QString text;           // the line without its trailing newline
    bool platform = false;  // written by the platform (INIT_START, START, END, REPORT, timeouts)
};

using LogBatch = QList<LogLine>;

} // namespace fn

Q_DECLARE_METATYPE(fn::LogLine)
Q_DECLARE_METATYPE(fn::LogBatch)
