#pragma once
// What the invoke bar asks for: which function with which event, how, and how many times.

#include <QByteArray>
#include <QString>

namespace fn {

struct InvokeRequest
{
    QString functionName;
    QString qualifier; // an alias or version (AutoPublishAlias); empty: $LATEST
    QByteArray payload;
    QString eventPath;         // where the payload came from, for messages
    bool asynchronous = false; // Event invocation type: accepted at once, the result arrives later
    bool forceCold = false;
    int count = 1;       // burst: this many invocations in all
    int concurrency = 1; // at most this many in flight at once
};

} // namespace fn
