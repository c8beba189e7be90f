#pragma once
// A snapshot of the engine's concurrency accounting: what runs, what the limits are, what waits.

#include <QMetaType>
#include <QString>

namespace fn {

struct ConcurrencyState
{
    int accountLimit = 1000;
    int accountInFlight = 0;    // every invocation running now
    int unreservedLimit = 1000; // account limit less the reservations of functions seen so far
    QString functionName;       // when asked for one function
    int functionInFlight = 0;
    int reserved = -1;   // ReservedConcurrentExecutions, -1 when unset
    int provisioned = 0; // provisioned environments alive
    int liveEnvironments = 0;
    int maxLiveEnvironments = 0;
    int waitingForCapacity = 0; // cold starts held by the studio-wide guard
};

} // namespace fn

Q_DECLARE_METATYPE(fn::ConcurrencyState)
