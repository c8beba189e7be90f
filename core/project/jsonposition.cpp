#include "project/jsonposition.h"

#include <QRegularExpression>

namespace fn {

JsonPosition JsonPosition::of(const nlohmann::json::parse_error &error, const QByteArray &text)
{
    JsonPosition position;
    // error.byte counts the characters read, so the offending one is at byte - 1 (clamped: an
    // error at the end of input points just past the text).
    const qsizetype offset = qBound<qsizetype>(0, static_cast<qsizetype>(error.byte) - 1, text.size());
    position.line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < offset; ++i) {
        if (text.at(i) == '\n') {
            ++position.line;
            lineStart = i + 1;
        }
    }
    // Columns count characters, not bytes, so a line with accents still lines up in an editor.
    position.column = static_cast<int>(QString::fromUtf8(text.mid(lineStart, offset - lineStart)).size()) + 1;

    static const QRegularExpression prefix(
        QStringLiteral("^\\[json\\.exception\\.[a-z_]+\\.\\d+\\] parse error( at line \\d+, column \\d+)?: "));
    position.message = QString::fromStdString(error.what()).remove(prefix);
    return position;
}

JsonPosition JsonPosition::of(const nlohmann::json::exception &error, const QByteArray &text)
{
    if (const auto *parse = dynamic_cast<const nlohmann::json::parse_error *>(&error))
        return of(*parse, text);
    JsonPosition position;
    static const QRegularExpression prefix(QStringLiteral("^\\[json\\.exception\\.[a-z_]+\\.\\d+\\] "));
    position.message = QString::fromStdString(error.what()).remove(prefix);
    // "number overflow parsing '1e400'": the first such number in the text is where it is.
    static const QRegularExpression quoted(QStringLiteral("'([^']+)'$"));
    const QByteArray what = quoted.match(position.message).captured(1).toUtf8();
    const qsizetype at = what.isEmpty() ? -1 : text.indexOf(what);
    const QByteArray before = text.left(qMax<qsizetype>(at, 0));
    position.line = int(before.count('\n')) + 1;
    position.column = int(QString::fromUtf8(before.mid(before.lastIndexOf('\n') + 1)).size()) + 1;
    if (error.id == 406)
        position.message =
            QStringLiteral("the number %1 is too large (more than a double holds)").arg(QString::fromUtf8(what));
    return position;
}

} // namespace fn
