#pragma once
// A problem found while reading a project file, placed where a person can find it (file:line:column).

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace fn {

struct Diagnostic
{
    QString file;   // as shown to people: relative to the project folder when inside it
    QString path;   // absolute path, for editors that jump to the place
    int line = 0;   // 1-based; 0 when the problem has no line
    int column = 0; // 1-based; 0 when only the line is known
    QString message;

    // "template.yaml:12: MemorySize 64 is outside ...", "env.json:3:7: ...", or "env.json: ..."
    QString toString() const;
};

QStringList toStrings(const QList<Diagnostic> &diagnostics);

} // namespace fn

Q_DECLARE_METATYPE(fn::Diagnostic)
