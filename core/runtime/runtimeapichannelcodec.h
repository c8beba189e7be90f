#pragma once
// The HTTP/1.1 spoken on a runtime's channel, as fnstudio's runtimes speak it: requests cut out
// of the bytes as they arrive (bodies by Content-Length; one over the limit skipped as it comes,
// never held), and replies turned into bytes.

#include "runtime/runtimeapimessage.h"

#include <QtGlobal>

#include <cstddef>
#include <optional>
#include <string>

namespace fn {

class RuntimeApiChannelCodec final
{
public:
    // A request whose body is larger than `maxBodyBytes` comes out with its size and no body.
    explicit RuntimeApiChannelCodec(qint64 maxBodyBytes);

    void append(const char *data, size_t len);

    enum class Next {
        Request,  // *request is the next complete request
        NeedMore, // nothing complete yet
        Broken,   // not HTTP as our runtimes send it (a bad request line, a head over 64 KiB, a
                  // Transfer-Encoding, a Content-Length that is not one number): the channel is of
                  // no more use
    };
    Next next(RuntimeApiRequest *request);

    static std::string encode(const RuntimeApiReply &reply);

private:
    qint64 m_maxBodyBytes;
    std::string m_in;                              // bytes arrived and not yet consumed
    std::optional<RuntimeApiRequest> m_discarding; // a request whose too large body is being skipped
    qint64 m_discardLeft = 0;
};

} // namespace fn
