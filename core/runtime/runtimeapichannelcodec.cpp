#include "runtime/runtimeapichannelcodec.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace fn {

namespace {

constexpr size_t MaxHeadBytes = 64 * 1024;

const char *reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 202:
        return "Accepted";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 413:
        return "Payload Too Large";
    default:
        return "Internal Server Error";
    }
}

std::string trimmed(std::string_view s)
{
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    return std::string(s.substr(first, s.find_last_not_of(" \t") - first + 1));
}

} // namespace

RuntimeApiChannelCodec::RuntimeApiChannelCodec(qint64 maxBodyBytes)
    : m_maxBodyBytes(maxBodyBytes)
{
}

void RuntimeApiChannelCodec::append(const char *data, size_t len)
{
    m_in.append(data, len);
}

RuntimeApiChannelCodec::Next RuntimeApiChannelCodec::next(RuntimeApiRequest *request)
{
    RuntimeApiRequest &req = *request;
    for (;;) {
        if (m_discarding) {
            const size_t take = size_t(std::min<qint64>(m_discardLeft, qint64(m_in.size())));
            m_in.erase(0, take);
            m_discardLeft -= qint64(take);
            if (m_discardLeft > 0)
                return Next::NeedMore;
            req = std::move(*m_discarding);
            m_discarding.reset();
            return Next::Request;
        }
        const size_t headEnd = m_in.find("\r\n\r\n");
        if (headEnd == std::string::npos)
            return m_in.size() > MaxHeadBytes ? Next::Broken : Next::NeedMore;
        const std::string_view head(m_in.data(), headEnd);
        const size_t lineEnd = std::min(head.find("\r\n"), head.size());
        const std::string_view line = head.substr(0, lineEnd);
        const size_t sp1 = line.find(' ');
        const size_t sp2 = line.rfind(' ');
        if (sp1 == std::string_view::npos || sp2 <= sp1 || line.substr(sp2 + 1, 7) != "HTTP/1.")
            return Next::Broken;
        req = {};
        req.method = std::string(line.substr(0, sp1));
        req.path = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
        if (const size_t query = req.path.find('?'); query != std::string::npos)
            req.path.resize(query);
        qint64 length = 0;
        bool sawLength = false;
        for (size_t at = lineEnd; at < head.size();) {
            const size_t next = std::min(head.find("\r\n", at + 2), head.size());
            const std::string_view field = head.substr(at + 2, next - at - 2);
            at = next;
            const size_t colon = field.find(':');
            if (colon == std::string_view::npos)
                continue;
            const std::string &name = req.addHeader(trimmed(field.substr(0, colon)), trimmed(field.substr(colon + 1)));
            if (name == "content-length") {
                // Digits only (a sign or a second number is not a length), given once.
                const std::string &value = req.headers.back().second;
                if (value.empty() || value.size() > 18 || sawLength
                    || value.find_first_not_of("0123456789") != std::string::npos)
                    return Next::Broken;
                length = std::atoll(value.c_str());
                sawLength = true;
            }
            if (name == "transfer-encoding")
                return Next::Broken; // our runtimes send lengths; anything else is not served here
        }
        req.bodySize = length;
        if (length > m_maxBodyBytes) {
            // Skipped as it arrives, never held: the request comes out once the last byte is in.
            m_in.erase(0, headEnd + 4);
            m_discarding = std::move(req);
            m_discardLeft = length;
            continue;
        }
        if (m_in.size() < headEnd + 4 + size_t(length))
            return Next::NeedMore; // the body is still coming: parsed again when it is all here
        req.body = m_in.substr(headEnd + 4, size_t(length));
        m_in.erase(0, headEnd + 4 + size_t(length));
        return Next::Request;
    }
}

std::string RuntimeApiChannelCodec::encode(const RuntimeApiReply &reply)
{
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + ' ' + reasonPhrase(reply.status) + "\r\n";
    for (const auto &[name, value] : reply.headers)
        out += name + ": " + value + "\r\n";
    if (!reply.body.empty())
        out += std::string("Content-Type: ") + RuntimeApiReply::ContentType + "\r\n";
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n";
    out += reply.body;
    return out;
}

} // namespace fn
