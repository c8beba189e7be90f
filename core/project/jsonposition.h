#pragma once
// Places a nlohmann::json parse error at a 1-based line and column of the text, for messages.

#include <QByteArray>
#include <QString>

#include <nlohmann/json.hpp>

namespace fn {

struct JsonPosition
{
    int line = 0;
    int column = 0;
    QString message; // the parser's reason, without nlohmann's "[json.exception...] at ..." prefix

    static JsonPosition of(const nlohmann::json::parse_error &error, const QByteArray &text);
    // Any of nlohmann's errors while parsing `text`: a parse error as above, and a number too large
    // for a double (1e400: nlohmann's out_of_range, which callers that caught only parse errors let
    // end the program; found by fuzz_event) at the number.
    static JsonPosition of(const nlohmann::json::exception &error, const QByteArray &text);
};

} // namespace fn
