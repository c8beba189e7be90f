#pragma once
// A SAM template.yaml held as lines with their own line endings, for the editors that change it as
// text (TemplateEditor, TemplateEventEditor): every byte outside an edit stays as it was.

#include <QByteArray>
#include <QList>
#include <QString>

namespace fn {

class TemplateText
{
public:
    bool load(const QString &path);
    // Text already in memory; path is where save() writes (and how relative paths in it are placed).
    void setText(const QByteArray &text, const QString &path = {});
    QByteArray text() const;
    QString path() const { return m_path; }
    // Writes text() to path() atomically (QSaveFile).
    bool save();
    // Why the last edit, load or save failed.
    QString errorString() const { return m_error; }

protected:
    TemplateText() = default;
    ~TemplateText() = default;

    struct Line
    {
        QByteArray content; // without the line ending
        QByteArray eol;     // "\n", "\r\n" or empty on a last line without one
    };

    bool fail(const QString &message);
    // The template's line ending (its first line's; "\n" when it has none).
    QByteArray eol() const;
    // One past the last line of the block that starts on firstLine and holds lines indented at
    // least `indent`; blank lines and less-indented comments after it stay outside, so an
    // insertion lands before them.
    int blockEnd(int firstLine, int indent) const;
    // Inserts lines before line `at` with the template's line ending.
    void insertLines(int at, const QList<QByteArray> &contents);

    QList<Line> m_lines;
    QString m_path;
    QString m_error;
};

} // namespace fn
