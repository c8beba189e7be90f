#pragma once
// Reading a ChildProcess's output in tests with a bounded deadline instead of sleeping.

#include <sandbox/childprocess.h>

#include <QByteArray>
#include <QDeadlineTimer>

#include <poll.h>
#include <unistd.h>

namespace fn::test {

// Reads what is available now or within waitMs; false on EOF.
inline bool readSome(ChildProcess &process, QByteArray &into, int waitMs)
{
    pollfd p{process.outputFd(), POLLIN, 0};
    if (::poll(&p, 1, waitMs) <= 0)
        return true;
    char buf[4096];
    const ssize_t n = ::read(process.outputFd(), buf, sizeof buf);
    if (n > 0)
        into.append(buf, n);
    return n != 0;
}

// Everything until EOF or the deadline.
inline QByteArray readAll(ChildProcess &process, int timeoutMs = 10000)
{
    QByteArray out;
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && readSome(process, out, int(qMax<qint64>(1, deadline.remainingTime())))) {
    }
    return out;
}

// Reads until `needle` has appeared; false at EOF or the deadline.
inline bool waitForOutput(ChildProcess &process, QByteArray &out, const QByteArray &needle, int timeoutMs = 10000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!out.contains(needle)) {
        if (deadline.hasExpired() || !readSome(process, out, int(qMax<qint64>(1, deadline.remainingTime()))))
            return out.contains(needle);
    }
    return true;
}

// True once the pipe stays silent for quietMs (the writer stopped), within timeoutMs.
inline bool waitForSilence(ChildProcess &process, int quietMs, int timeoutMs = 10000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        pollfd p{process.outputFd(), POLLIN, 0};
        if (::poll(&p, 1, quietMs) == 0)
            return true;
        char buf[4096];
        if (::read(process.outputFd(), buf, sizeof buf) == 0)
            return false;
    }
    return false;
}

} // namespace fn::test
