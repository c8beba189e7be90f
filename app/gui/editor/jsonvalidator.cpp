#include "editor/jsonvalidator.h"

#include "project/jsonposition.h"

#include <nlohmann/json.hpp>

namespace fn {

QString JsonValidation::toString() const
{
    if (ok)
        return {};
    return QStringLiteral("%1:%2: %3").arg(line).arg(column).arg(message);
}

JsonValidation JsonValidation::of(const QByteArray &utf8)
{
    JsonValidation v;
    // accept() builds no document; only a failure pays for a second pass that places the error.
    if (nlohmann::json::accept(utf8.begin(), utf8.end()))
        return v;
    try {
        const auto document = nlohmann::json::parse(utf8.begin(), utf8.end());
        Q_UNUSED(document)
    } catch (const nlohmann::json::exception &e) {
        const JsonPosition p = JsonPosition::of(e, utf8);
        v.ok = false;
        v.line = p.line;
        v.column = p.column;
        v.message = p.message;
    }
    return v;
}

QByteArray JsonValidation::pretty(const QByteArray &utf8)
{
    try {
        const nlohmann::json j = nlohmann::json::parse(utf8.begin(), utf8.end());
        return QByteArray::fromStdString(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    } catch (const nlohmann::json::exception &) {
        return utf8;
    }
}

} // namespace fn
