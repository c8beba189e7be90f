#pragma once
// One Runtime API request and its reply as the server's protocol sees them, whichever way they
// travel (HTTP through cpp-httplib, or the runtime's channel).

#include <QtGlobal>

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

namespace fn {

struct RuntimeApiRequest
{
    std::string method;
    std::string path;
    std::vector<std::pair<std::string, std::string>> headers; // names in lower case
    std::string body;
    qint64 bodySize = 0; // the declared size (the body is not kept when over the limit)

    // Keeps the name in lower case, as HTTP compares names; returns the name as kept.
    const std::string &addHeader(std::string name, std::string value)
    {
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        headers.emplace_back(std::move(name), std::move(value));
        return headers.back().first;
    }
    // The value of a header named in lower case, or null.
    const std::string *header(const char *name) const
    {
        for (const auto &h : headers) {
            if (h.first == name)
                return &h.second;
        }
        return nullptr;
    }
};

struct RuntimeApiReply
{
    static constexpr const char *ContentType = "application/json"; // of every body the API sends

    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

} // namespace fn
