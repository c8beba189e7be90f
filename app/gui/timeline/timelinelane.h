#pragma once
// One lane of the timeline: an execution environment and its init and invoke segments in time order.

#include <QString>

#include <vector>

namespace fn {

struct TimelineSegment
{
    enum Flag : quint8 { Cold = 1, Failed = 2, Timeout = 4, OutOfMemory = 8, Throttled = 16, Crashed = 32 };

    double startMs = 0;   // relative to the model's origin; on a cold start init begins here
    float initMs = 0;     // > 0 only on a cold start
    float durationMs = 0; // handler time, after init
    int record = -1;      // index into TimelineModel::records()
    quint8 flags = 0;

    double invokeStartMs() const { return startMs + initMs; }
    double endMs() const { return startMs + initMs + durationMs; }
    bool has(Flag f) const { return flags & f; }
};

struct TimelineLane
{
    QString environmentId;  // empty for the lane of throttled invocations
    QString functionName;
    std::vector<TimelineSegment> segments; // sorted by startMs
    double stoppedMs = -1;  // relative; -1 while alive
    QString stopReason;
    int coldStarts = 0;
    int failures = 0;

    double endMs() const { return segments.empty() ? 0 : segments.back().endMs(); }
};

} // namespace fn
