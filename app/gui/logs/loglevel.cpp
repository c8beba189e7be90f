#include "logs/loglevel.h"

namespace fn {

static LogLevel levelFromWord(QByteArrayView w, bool *known)
{
    *known = true;
    if (w == "ERROR" || w == "CRITICAL" || w == "FATAL")
        return LogLevel::Error;
    if (w == "WARN" || w == "WARNING")
        return LogLevel::Warning;
    if (w == "INFO")
        return LogLevel::Info;
    if (w == "DEBUG" || w == "TRACE")
        return LogLevel::Debug;
    *known = false;
    return LogLevel::Output;
}

LogClassification classifyLogLine(QByteArrayView t, bool platform)
{
    LogClassification c;
    if (platform) {
        c.level = LogLevel::Platform;
        if (t.startsWith("INIT_START"))
            c.kind = LogKind::InitStart;
        else if (t.startsWith("START RequestId"))
            c.kind = LogKind::Start;
        else if (t.startsWith("END RequestId"))
            c.kind = LogKind::End;
        else if (t.startsWith("REPORT RequestId"))
            c.kind = LogKind::Report;
        else
            c.kind = LogKind::PlatformOther;
        // "Task timed out after …", "RequestId: … Error: Runtime exited …" are failures the user
        // filters for with "Errors", not platform chatter.
        if (c.kind == LogKind::PlatformOther
            && (t.indexOf("timed out") >= 0 || t.indexOf("Error") >= 0 || t.indexOf("exited") >= 0))
            c.level = LogLevel::Error;
        return c;
    }
    bool known = false;
    if (t.startsWith('[')) { // Python: [LEVEL]\t…
        const qsizetype close = t.indexOf(']');
        if (close > 1 && close < 12) {
            c.level = levelFromWord(t.sliced(1, close - 1), &known);
            if (known)
                return c;
        }
    }
    // Node: <timestamp>\t<request id>\t<LEVEL>\t…
    const qsizetype tab1 = t.indexOf('\t');
    if (tab1 > 0) {
        const qsizetype tab2 = t.indexOf('\t', tab1 + 1);
        if (tab2 > 0) {
            const qsizetype tab3 = t.indexOf('\t', tab2 + 1);
            if (tab3 > tab2) {
                c.level = levelFromWord(t.sliced(tab2 + 1, tab3 - tab2 - 1), &known);
                if (known)
                    return c;
            }
        }
    }
    if (t.startsWith('{')) { // JSON log format: … "level": "ERROR" …
        const qsizetype key = t.indexOf("\"level\"");
        if (key >= 0) {
            const qsizetype open = t.indexOf('"', t.indexOf(':', key) + 1);
            const qsizetype close = open >= 0 ? t.indexOf('"', open + 1) : -1;
            if (close > open) {
                c.level = levelFromWord(t.sliced(open + 1, close - open - 1), &known);
                if (known)
                    return c;
            }
        }
    }
    if (t.startsWith("Traceback (most recent call last)"))
        c.level = LogLevel::Error;
    return c;
}

} // namespace fn
