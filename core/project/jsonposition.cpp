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

} // namespace fn
