#pragma once
// The engine's end of a runtime's channel: a Unix socket pair whose other end the runtime gets at
// start, and an eventfd that wakes the engine thread serving it. It moves bytes and cuts them into
// requests; what the requests mean is the Runtime API server's business.

#include "runtime/runtimeapichannelcodec.h"
#include "runtime/runtimeapimessage.h"

#include <QString>

#include <chrono>
#include <functional>

namespace fn {

class RuntimeApiChannel final
{
public:
    using Clock = std::chrono::steady_clock;

    explicit RuntimeApiChannel(qint64 maxBodyBytes); // see RuntimeApiChannelCodec
    ~RuntimeApiChannel();
    RuntimeApiChannel(const RuntimeApiChannel &) = delete;
    RuntimeApiChannel &operator=(const RuntimeApiChannel &) = delete;

    // Opens the pair (once): the runtime's end (blocking, close-on-exec; the caller passes it on
    // and closes its copy), or -1 with a message.
    int open(QString *error);
    bool isOpen() const { return m_fd >= 0; }

    // Wakes a thread in wait() or send(). Any thread may call it.
    void wake();

    enum class Wait { Readable, Woken, TimedOut, Failed };
    // Until the runtime sent something, wake() was called, or the deadline. A closed channel is no
    // longer watched: only a wake or the deadline ends the wait then.
    Wait wait(Clock::time_point deadline);

    // Takes in what has arrived, without blocking.
    void receive();
    // The next complete request taken in. A channel that breaks the protocol is closed.
    RuntimeApiChannelCodec::Next next(RuntimeApiRequest *request);
    // Writes the reply whole, waiting for room (the runtime reads a large event as it comes) until
    // the deadline, or until woken when `abandoned` says so. False when it could not.
    bool send(const RuntimeApiReply &reply, Clock::time_point deadline, const std::function<bool()> &abandoned);

private:
    int m_fd = -1;         // the engine's end, non-blocking
    int m_wakeFd = -1;     // eventfd
    bool m_closed = false; // the runtime closed its end (or broke the protocol)
    RuntimeApiChannelCodec m_codec;
};

} // namespace fn
