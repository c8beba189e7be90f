#include "services/awschunkeddecoder.h"

#include <algorithm>
#include <utility>

namespace fn {

bool AwsChunkedDecoder::feed(const char *data, size_t len, const std::function<bool(const char *, size_t)> &out)
{
    size_t i = 0;
    while (i < len) {
        switch (m_state) {
        case State::SizeLine:
        case State::Trailer:
        case State::DataEnd: {
            const char c = data[i++];
            if (c != '\n') {
                m_line.push_back(c);
                if (m_line.size() > 4096)
                    return false;
                continue;
            }
            if (!m_line.empty() && m_line.back() == '\r')
                m_line.pop_back();
            const std::string line = std::exchange(m_line, {});
            if (m_state == State::DataEnd) {
                if (!line.empty())
                    return false;
                m_state = State::SizeLine;
            } else if (m_state == State::SizeLine) {
                const std::string hex = line.substr(0, line.find(';'));
                if (hex.empty() || hex.size() > 15
                    || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
                    return false;
                m_remaining = std::stoull(hex, nullptr, 16);
                m_state = m_remaining == 0 ? State::Trailer : State::Data;
            } else if (line.empty()) {
                m_state = State::Done;
            }
            continue;
        }
        case State::Data: {
            const size_t n = size_t(std::min<unsigned long long>(m_remaining, len - i));
            if (!out(data + i, n))
                return false;
            i += n;
            m_remaining -= n;
            if (m_remaining == 0)
                m_state = State::DataEnd;
            continue;
        }
        case State::Done:
            return true; // anything after the final empty line is ignored
        }
    }
    return true;
}

} // namespace fn
