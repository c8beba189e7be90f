#pragma once
// Decodes a body sent with Content-Encoding aws-chunked (the SDKs' streaming uploads): chunks of
// "<hex size>[;chunk-signature=...]\r\n<data>\r\n", a zero-size chunk, then trailing headers
// (checksums) and an empty line. Fed in pieces of any size.

#include <cstddef>
#include <functional>
#include <string>

namespace fn {

class AwsChunkedDecoder final
{
public:
    // False when the framing is broken (or `out` refused data); `out` receives the data.
    bool feed(const char *data, size_t len, const std::function<bool(const char *, size_t)> &out);
    // The zero-size chunk was seen (trailing headers may be cut short by the client).
    bool finished() const { return m_state == State::Done || m_state == State::Trailer; }

private:
    enum class State { SizeLine, Data, DataEnd, Trailer, Done };
    State m_state = State::SizeLine;
    std::string m_line;
    unsigned long long m_remaining = 0;
};

} // namespace fn
