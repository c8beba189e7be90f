#include "snapshots/sqsqueuessnapshot.h"

namespace fn {

SqsQueueSummary SqsQueueSummary::count(const SqsQueueSettings &settings, const QList<SqsQueueMessage> &messages,
                                       qint64 nowMs)
{
    SqsQueueSummary row;
    row.settings = settings;
    for (const SqsQueueMessage &m : messages) {
        if (m.visibleAtMs > nowMs)
            ++row.inFlight;
        else
            ++row.visible;
    }
    return row;
}

bool SqsQueuesSnapshot::changesWithTime() const
{
    for (const SqsQueueSummary &q : queues)
        if (q.inFlight > 0 || (q.visible > 0 && !q.functions.isEmpty()))
            return true;
    return false;
}

} // namespace fn
