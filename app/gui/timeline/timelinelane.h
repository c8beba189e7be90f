#pragma once
// One lane of the timeline: an execution environment and its init and invoke segments in time order.

#include <QString>

#include <vector>

namespace fn {

struct TimelineSegment
{
    enum Flag : quint8 {
        Cold = 1,
        Failed = 2,
        Timeout = 4,
        OutOfMemory = 8,
        Throttled = 16,
        Crashed = 32,
        Async = 64,  // delivered from the async queue
        Retry = 128, // a later attempt of an async event (attempt > 1, same request id)
    };

    double startMs = 0;   // relative to the model's origin; on a cold start init begins here
    float initMs = 0;     // > 0 only on a cold start
    float durationMs = 0; // handler time, after init
    int record = -1;      // index into TimelineModel::records()
    quint8 flags = 0;
    quint8 attempt = 1; // async: 1 for the first delivery, 2 and 3 for retries

    double invokeStartMs() const { return startMs + initMs; }
    double endMs() const { return startMs + initMs + durationMs; }
    bool has(Flag f) const { return flags & f; }
};

struct TimelineLane
{
    QString environmentId; // empty for the lane of throttled invocations
    QString functionName;
    std::vector<TimelineSegment> segments; // sorted by startMs
    double stoppedMs = -1;                 // relative; -1 while alive
    QString stopReason;                    // idle (keep-warm expiry), evicted, timeout, crash, user, shutdown
    bool provisioned = false;              // initialized ahead of invocations (provisioned concurrency)
    int coldStarts = 0;
    int failures = 0;

    double endMs() const { return segments.empty() ? 0 : segments.back().endMs(); }
    bool isThrottleLane() const { return environmentId.isEmpty(); }
    bool isStopped() const { return stoppedMs >= 0; }
    // Retired because the function changed under it: it ran code (or configuration) no longer current.
    bool isStale() const
    {
        return stopReason == QLatin1String("code changed") || stopReason == QLatin1String("configuration changed");
    }
};

// Two attempts of one asynchronous event (the same request id), in time order: the timeline draws a
// thin connector from the end of one to the start of the next, across lanes if need be.
struct TimelineRetryLink
{
    int fromLane = -1;
    double fromMs = 0; // end of the earlier attempt, relative to the origin
    int toLane = -1;
    double toMs = 0;   // start of the later attempt
    int toAttempt = 1; // the later attempt's number
};

} // namespace fn
