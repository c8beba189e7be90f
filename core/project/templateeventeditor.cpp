#include "project/templateeventeditor.h"

#include "project/samtemplate.h"
#include "project/yamltext.h"

#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

namespace fn {

using yamltext::Entry;
using yamltext::entryOf;
using yamltext::indentOf;
using yamltext::isFlow;

namespace {

bool isEmpty(const YAML::Node &node)
{
    return !node.IsDefined() || node.IsNull();
}

// rate(…) and cron(…) read back as plain scalars unless they hold a comment or a key marker.
QByteArray scalar(const QString &value)
{
    const QByteArray bytes = value.toUtf8();
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9(][^#:\"'\\n\\r\\t{}\\[\\]]*$"));
    if (plain.match(value).hasMatch() && !bytes.endsWith(' '))
        return bytes;
    QByteArray out = "\"";
    for (const char c : bytes) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + '"';
}

} // namespace

QString TemplateEventEditor::newEventIdProblem(const QString &function, const QString &eventId) const
{
    static const QRegularExpression logicalId(QStringLiteral("^[A-Za-z0-9]+$"));
    if (eventId.isEmpty())
        return QStringLiteral("Give the event a name");
    if (!logicalId.match(eventId).hasMatch())
        return QStringLiteral("'%1' is not an event name: use letters and digits only (A-Z, a-z, 0-9)").arg(eventId);
    YAML::Node root;
    try {
        root = yamltext::loadWithinBudget(text().toStdString());
    } catch (const YAML::Exception &e) {
        return QStringLiteral("the template does not parse (line %1): %2")
            .arg(e.mark.line + 1)
            .arg(QString::fromStdString(e.msg));
    }
    const Entry resource = entryOf(entryOf(root, QStringLiteral("Resources")).value, function);
    if (!resource.found)
        return QStringLiteral("the template has no resource %1").arg(function);
    const Entry events = entryOf(entryOf(resource.value, QStringLiteral("Properties")).value, QStringLiteral("Events"));
    if (events.found && entryOf(events.value, eventId).found)
        return QStringLiteral("%1 already has an event named %2").arg(function, eventId);
    return {};
}

bool TemplateEventEditor::addScheduleEvent(const QString &function, const QString &eventId, const QString &expression,
                                           bool enabled)
{
    const QString idProblem = newEventIdProblem(function, eventId);
    if (!idProblem.isEmpty())
        return fail(idProblem);
    if (expression.trimmed().isEmpty())
        return fail(QStringLiteral("Give the schedule an expression, e.g. rate(5 minutes)"));

    const QByteArray before = text();
    const YAML::Node root = yamltext::loadWithinBudget(before.toStdString()); // parsed by newEventIdProblem already
    const Entry resource = entryOf(entryOf(root, QStringLiteral("Resources")).value, function);
    const Entry properties = entryOf(resource.value, QStringLiteral("Properties"));
    if (!properties.found || isEmpty(properties.value))
        return fail(QStringLiteral("%1 has no Properties to add an event to").arg(function));
    if (isFlow(properties.value) || !properties.value.IsMap())
        return fail(
            QStringLiteral("%1's Properties are written in flow style ({...}); fnstudio edits block mappings only")
                .arg(function));
    const Entry events = entryOf(properties.value, QStringLiteral("Events"));
    if (events.found && (isFlow(events.value) || (!isEmpty(events.value) && !events.value.IsMap())))
        return fail(QStringLiteral("%1's Events are written in flow style ({...}); fnstudio edits block mappings only")
                        .arg(function));

    // Indentation follows the template: the properties' column, and the step it uses below them.
    const int propertyIndent = properties.value.begin()->first.Mark().column;
    const int propertiesLine = properties.key.Mark().line;
    if (indentOf(m_lines.at(propertiesLine).content) != properties.key.Mark().column)
        return fail(QStringLiteral("%1's Properties do not start their line; fnstudio edits block mappings only")
                        .arg(function));
    int step = std::max(1, propertyIndent - int(properties.key.Mark().column));

    QList<QByteArray> added;
    int eventIndent = 0;
    int at = 0;
    if (events.found && !isEmpty(events.value)) {
        const auto first = events.value.begin();
        eventIndent = first->first.Mark().column;
        if (first->second.IsMap() && first->second.size() > 0 && !isFlow(first->second))
            step = std::max(1, int(first->second.begin()->first.Mark().column) - eventIndent);
        at = blockEnd(events.key.Mark().line, events.key.Mark().column + 1);
    } else if (events.found) {
        // "Events:" with nothing (or a null) after it: the new event goes below it.
        const int line = events.key.Mark().line;
        const QByteArray rest = m_lines.at(line).content.mid(events.key.Mark().column);
        const QByteArray after = rest.mid(7).trimmed();
        if (!rest.startsWith("Events:") || (!after.isEmpty() && !after.startsWith('#')))
            return fail(
                QStringLiteral("%1's Events hold a value fnstudio cannot add to; make it an empty line 'Events:'")
                    .arg(function));
        eventIndent = events.key.Mark().column + step;
        at = blockEnd(line, events.key.Mark().column + 1);
    } else {
        eventIndent = propertyIndent + step;
        at = blockEnd(propertiesLine, properties.key.Mark().column + 1);
        added.append(QByteArray(propertyIndent, ' ') + "Events:");
    }
    const QByteArray pad(eventIndent, ' ');
    const QByteArray inner(eventIndent + step, ' ');
    const QByteArray innermost(eventIndent + 2 * step, ' ');
    added.append(pad + eventId.toUtf8() + ':');
    added.append(inner + "Type: Schedule");
    added.append(inner + "Properties:");
    added.append(innermost + "Schedule: " + scalar(expression));
    if (!enabled)
        added.append(innermost + "Enabled: false");
    insertLines(at, added);

    if (!readsBack(before, function, eventId, QStringLiteral("Schedule"), expression))
        return false;
    m_error.clear();
    return true;
}

bool TemplateEventEditor::setScheduleExpression(const QString &function, const QString &eventId,
                                                const QString &expression)
{
    if (expression.trimmed().isEmpty())
        return fail(QStringLiteral("Give the schedule an expression, e.g. rate(5 minutes)"));
    const QByteArray before = text();
    YAML::Node root;
    try {
        root = yamltext::loadWithinBudget(before.toStdString());
    } catch (const YAML::Exception &e) {
        return fail(QStringLiteral("the template does not parse (line %1): %2")
                        .arg(e.mark.line + 1)
                        .arg(QString::fromStdString(e.msg)));
    }
    const Entry resource = entryOf(entryOf(root, QStringLiteral("Resources")).value, function);
    if (!resource.found)
        return fail(QStringLiteral("the template has no resource %1").arg(function));
    const Entry event = entryOf(
        entryOf(entryOf(resource.value, QStringLiteral("Properties")).value, QStringLiteral("Events")).value, eventId);
    if (!event.found)
        return fail(QStringLiteral("%1 has no event named %2").arg(function, eventId));
    const Entry type = entryOf(event.value, QStringLiteral("Type"));
    const std::string typeName = type.found && type.value.IsScalar() ? type.value.Scalar() : std::string();
    if (typeName != "Schedule" && typeName != "ScheduleV2")
        return fail(QStringLiteral("%1's event %2 is not a Schedule or ScheduleV2 event").arg(function, eventId));
    const QString key = typeName == "ScheduleV2" ? QStringLiteral("ScheduleExpression") : QStringLiteral("Schedule");
    const Entry value = entryOf(entryOf(event.value, QStringLiteral("Properties")).value, key);
    if (!value.found || !value.value.IsScalar()
        || (!value.value.Tag().empty() && value.value.Tag() != "?" && value.value.Tag() != "!"))
        return fail(QStringLiteral("%1's event %2 has no plain %3 value to change; edit it in template.yaml")
                        .arg(function, eventId, key));

    const int line = value.value.Mark().line;
    const int column = value.value.Mark().column;
    QByteArray &content = m_lines[line].content;
    if (column >= content.size() || content.at(column) == '|' || content.at(column) == '>')
        return fail(
            QStringLiteral("%1's %2 is written over several lines; edit it in template.yaml").arg(eventId, key));
    // The old value's extent: to its closing quote, else to a comment or the end of the line.
    const char quote = content.at(column) == '"' || content.at(column) == '\'' ? content.at(column) : 0;
    qsizetype end = -1;
    if (quote) {
        for (qsizetype i = column + 1; i < content.size(); ++i) {
            if (quote == '"' && content.at(i) == '\\') {
                ++i;
            } else if (content.at(i) == quote) {
                if (quote == '\'' && i + 1 < content.size() && content.at(i + 1) == '\'') {
                    ++i;
                    continue;
                }
                end = i + 1;
                break;
            }
        }
        if (end < 0)
            return fail(
                QStringLiteral("%1's %2 is written over several lines; edit it in template.yaml").arg(eventId, key));
    } else {
        end = content.size();
        for (qsizetype i = column; i < content.size(); ++i) {
            if (content.at(i) == '#' && i > 0 && (content.at(i - 1) == ' ' || content.at(i - 1) == '\t')) {
                end = i;
                break;
            }
        }
        while (end > column && (content.at(end - 1) == ' ' || content.at(end - 1) == '\t'))
            --end;
    }
    QByteArray written = scalar(expression);
    if (quote == '\'' && !expression.contains(u'\''))
        written = '\'' + expression.toUtf8() + '\'';
    else if (quote == '"' && !written.startsWith('"'))
        written = '"' + written + '"';
    content = content.left(column) + written + content.mid(end);
    if (!readsBack(before, function, eventId, key, expression))
        return false;
    m_error.clear();
    return true;
}

bool TemplateEventEditor::readsBack(const QByteArray &before, const QString &function, const QString &eventId,
                                    const QString &key, const QString &expression)
{
    // What was written must read back as that schedule, and the template must not gain errors.
    bool readBack = false;
    try {
        const YAML::Node edited = yamltext::loadWithinBudget(text().toStdString());
        const Entry fn = entryOf(entryOf(edited, QStringLiteral("Resources")).value, function);
        const Entry props = entryOf(fn.value, QStringLiteral("Properties"));
        const Entry event = entryOf(entryOf(props.value, QStringLiteral("Events")).value, eventId);
        const Entry type = entryOf(event.value, QStringLiteral("Type"));
        const Entry schedule = entryOf(entryOf(event.value, QStringLiteral("Properties")).value, key);
        readBack = type.found && type.value.IsScalar() && type.value.Scalar().rfind("Schedule", 0) == 0
                   && schedule.found && schedule.value.IsScalar()
                   && schedule.value.Scalar() == expression.toStdString();
    } catch (const YAML::Exception &) {
        readBack = false;
    }
    SamTemplate was;
    was.parse(before, m_path);
    SamTemplate now;
    now.parse(text(), m_path);
    if (!readBack || now.errors().size() > was.errors().size()) {
        setText(before, m_path);
        return fail(
            QStringLiteral("the schedule %1 of %2 did not read back from the edited template; it was left as it was")
                .arg(eventId, function));
    }
    return true;
}

} // namespace fn
