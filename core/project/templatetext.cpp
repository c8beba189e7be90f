#include "project/templatetext.h"

#include "project/projectfile.h"
#include "project/yamltext.h"

#include <QFile>
#include <QSaveFile>

namespace fn {

bool TemplateText::load(const QString &path)
{
    QString why;
    const std::optional<QByteArray> text = ProjectFile::read(path, ProjectFile::MaxTemplateBytes, &why);
    if (!text)
        return fail(why);
    setText(*text, path);
    m_error.clear();
    return true;
}

void TemplateText::setText(const QByteArray &text, const QString &path)
{
    m_path = path;
    m_lines.clear();
    qsizetype start = 0;
    while (start < text.size()) {
        const qsizetype nl = text.indexOf('\n', start);
        if (nl < 0) {
            m_lines.append({text.mid(start), {}});
            break;
        }
        const bool crlf = nl > start && text.at(nl - 1) == '\r';
        const qsizetype contentEnd = crlf ? nl - 1 : nl;
        m_lines.append({text.mid(start, contentEnd - start), crlf ? QByteArray("\r\n") : QByteArray("\n")});
        start = nl + 1;
    }
}

QByteArray TemplateText::text() const
{
    QByteArray out;
    for (const Line &line : m_lines)
        out += line.content + line.eol;
    return out;
}

bool TemplateText::save()
{
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()));
    file.write(text());
    if (!file.commit())
        return fail(QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()));
    return true;
}

bool TemplateText::fail(const QString &message)
{
    m_error = message;
    return false;
}

QByteArray TemplateText::eol() const
{
    for (const Line &line : m_lines) {
        if (!line.eol.isEmpty())
            return line.eol;
    }
    return QByteArrayLiteral("\n");
}

int TemplateText::blockEnd(int firstLine, int indent) const
{
    int last = firstLine;
    for (int l = firstLine + 1; l < m_lines.size(); ++l) {
        const QByteArray &content = m_lines.at(l).content;
        const QByteArray trimmed = content.trimmed();
        if (trimmed.isEmpty())
            continue;
        const int in = yamltext::indentOf(content);
        if (trimmed.startsWith('#')) {
            if (in >= indent)
                last = l;
            continue;
        }
        if (in < indent || content.startsWith("---") || content.startsWith("..."))
            break;
        last = l;
    }
    return last + 1;
}

void TemplateText::insertLines(int at, const QList<QByteArray> &contents)
{
    const QByteArray ending = eol();
    // Appending after a last line without a line ending: that line gets one, the new last line not.
    const bool atEndWithoutEol = at == m_lines.size() && at > 0 && m_lines.at(at - 1).eol.isEmpty();
    if (atEndWithoutEol)
        m_lines[at - 1].eol = ending;
    for (int i = 0; i < contents.size(); ++i)
        m_lines.insert(at + i, {contents.at(i), ending});
    if (atEndWithoutEol)
        m_lines[at + contents.size() - 1].eol.clear();
}

} // namespace fn
