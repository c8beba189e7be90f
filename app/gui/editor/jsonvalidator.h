#pragma once
// Checks that text is JSON and, when it is not, says where (1-based line and column) and why.

#include <QByteArray>
#include <QString>

namespace fn {

struct JsonValidation
{
    bool ok = true;
    int line = 0;
    int column = 0;
    QString message;

    // "3:14: unexpected '}'" style text for a status label; empty when ok.
    QString toString() const;
    static JsonValidation of(const QByteArray &utf8);
    // Pretty-prints with an indent of 2 when the text is JSON, else returns it unchanged.
    static QByteArray pretty(const QByteArray &utf8);
};

} // namespace fn
