#pragma once
// One reading of an execution environment's memory use.

#include <QMetaType>
#include <QString>

namespace fn {

struct MemorySample
{
    QString environmentId;
    qint64 timestampMs = 0; // wall clock, Unix epoch milliseconds
    qint64 bytes = 0;       // current use (cgroup counter, else RSS of the process tree)
    qint64 limitBytes = 0;
    bool outOfMemory = false; // the limit was hit and the environment killed
};

} // namespace fn

Q_DECLARE_METATYPE(fn::MemorySample)
