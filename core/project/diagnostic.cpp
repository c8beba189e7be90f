#include "project/diagnostic.h"

namespace fn {

QString Diagnostic::toString() const
{
    QString where = file;
    if (line > 0) {
        where += QLatin1Char(':') + QString::number(line);
        if (column > 0)
            where += QLatin1Char(':') + QString::number(column);
    }
    return where.isEmpty() ? message : where + QStringLiteral(": ") + message;
}

QStringList toStrings(const QList<Diagnostic> &diagnostics)
{
    QStringList out;
    out.reserve(diagnostics.size());
    for (const Diagnostic &d : diagnostics)
        out.append(d.toString());
    return out;
}

} // namespace fn
