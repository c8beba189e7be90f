#include "project/templateeditor.h"

#include "access/policysuggestion.h"
#include "project/environmentvariables.h"
#include "project/samtemplate.h"
#include "project/yamltext.h"

#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

namespace fn {

using yamltext::Entry;
using yamltext::indentOf;
using yamltext::isFlow;

namespace {

bool isBlankOrComment(const QByteArray &line)
{
    const QByteArray t = line.trimmed();
    return t.isEmpty() || t.startsWith('#');
}

// Index just past a quoted scalar starting at from (line[from] is the quote), or -1 when it does
// not close on this line.
qsizetype quotedEnd(const QByteArray &line, qsizetype from)
{
    const char quote = line.at(from);
    for (qsizetype i = from + 1; i < line.size(); ++i) {
        const char c = line.at(i);
        if (quote == '"' && c == '\\') {
            ++i;
        } else if (c == quote) {
            if (quote == '\'' && i + 1 < line.size() && line.at(i + 1) == '\'') {
                ++i;
                continue;
            }
            return i + 1;
        }
    }
    return -1;
}

// Where a key's ':' is, scanning from the key's first character (quoted keys skipped whole).
qsizetype colonAfterKey(const QByteArray &line, qsizetype keyColumn)
{
    qsizetype i = keyColumn;
    if (i < line.size() && (line.at(i) == '"' || line.at(i) == '\'')) {
        i = quotedEnd(line, i);
        if (i < 0)
            return -1;
    }
    for (; i < line.size(); ++i) {
        if (line.at(i) == ':' && (i + 1 == line.size() || line.at(i + 1) == ' ' || line.at(i + 1) == '\t'))
            return i;
    }
    return -1;
}

// Start of a trailing comment (its '#') at or after from, or -1; quoted text is skipped.
qsizetype commentStart(const QByteArray &line, qsizetype from)
{
    for (qsizetype i = from; i < line.size(); ++i) {
        const char c = line.at(i);
        if (c == '"' || c == '\'') {
            const qsizetype end = quotedEnd(line, i);
            if (end < 0)
                return -1;
            i = end - 1;
        } else if (c == '#' && (i == 0 || line.at(i - 1) == ' ' || line.at(i - 1) == '\t')) {
            return i;
        }
    }
    return -1;
}

bool isPlainSafe(const QByteArray &value)
{
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_/][A-Za-z0-9_./@%+=,-]*$"));
    static const QRegularExpression special(QStringLiteral("^(true|false|yes|no|on|off|y|n|null|~)$"),
                                            QRegularExpression::CaseInsensitiveOption);
    const QString text = QString::fromUtf8(value);
    return safe.match(text).hasMatch() && !special.match(text).hasMatch();
}

// value as a YAML scalar: plain when that reads back as the same string, else quoted (in quote
// when the old value was quoted that way, so the file's own quoting is kept).
QByteArray render(const QByteArray &value, bool isString, char quote)
{
    if (quote == '\'') {
        QByteArray escaped = value;
        escaped.replace('\'', "''");
        if (!escaped.contains('\n'))
            return '\'' + escaped + '\'';
    }
    if (quote != '"' && (!isString || isPlainSafe(value)))
        return value;
    QByteArray out = "\"";
    for (const char c : value) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                out += QByteArray("\\x") + QByteArray::number(static_cast<unsigned char>(c), 16).rightJustified(2, '0');
            else
                out += c;
        }
    }
    return out + '"';
}

struct Range
{
    int min;
    int max;
    const char *name;
    const char *unit;
};

// The same limits and names FunctionReader checks a template against.
Range rangeOf(TemplateEditor::Property property)
{
    switch (property) {
    case TemplateEditor::Property::MemorySize:
        return {128, 10240, "MemorySize", "MB"};
    case TemplateEditor::Property::Timeout:
        return {1, 900, "Timeout", "s"};
    case TemplateEditor::Property::EphemeralStorageSize:
        return {512, 10240, "EphemeralStorage Size", "MB"};
    case TemplateEditor::Property::ReservedConcurrentExecutions:
        return {0, 1000000, "ReservedConcurrentExecutions", ""};
    case TemplateEditor::Property::ProvisionedConcurrentExecutions:
        return {1, 1000000, "ProvisionedConcurrentExecutions", ""};
    }
    return {0, 0, "", ""};
}

} // namespace

QStringList TemplateEditor::keys(Property property)
{
    switch (property) {
    case Property::MemorySize:
        return {QStringLiteral("MemorySize")};
    case Property::Timeout:
        return {QStringLiteral("Timeout")};
    case Property::EphemeralStorageSize:
        return {QStringLiteral("EphemeralStorage"), QStringLiteral("Size")};
    case Property::ReservedConcurrentExecutions:
        return {QStringLiteral("ReservedConcurrentExecutions")};
    case Property::ProvisionedConcurrentExecutions:
        return {QStringLiteral("ProvisionedConcurrencyConfig"), QStringLiteral("ProvisionedConcurrentExecutions")};
    }
    return {};
}

QString TemplateEditor::rangeProblem(Property property, int value)
{
    const Range r = rangeOf(property);
    if (value >= r.min && value <= r.max)
        return {};
    const QString range = QString::number(r.min) + QChar(0x2013) + QString::number(r.max);
    const QString what = QString::fromLatin1(r.name);
    if (*r.unit == '\0')
        return QStringLiteral("%1 %2 is outside Lambda's range %3").arg(what).arg(value).arg(range);
    return QStringLiteral("%1 %2 is outside Lambda's range %3 %4")
        .arg(what)
        .arg(value)
        .arg(range, QLatin1String(r.unit));
}

bool TemplateEditor::setProperty(const QString &function, Property property, int value)
{
    const QString problem = rangeProblem(property, value);
    if (!problem.isEmpty())
        return fail(problem);
    if (property == Property::ProvisionedConcurrentExecutions && !hasAutoPublishAlias(function)) {
        // SAM configures provisioned concurrency on the alias it publishes, never on $LATEST: a
        // function without one gets the usual "live" with it, as the SAM documentation's examples do.
        const QByteArray before = text();
        if (!edit(function, {QStringLiteral("AutoPublishAlias")}, QByteArrayLiteral("live"), true))
            return false;
        if (!edit(function, keys(property), QByteArray::number(value), false)) {
            const QString why = errorString();
            setText(before, path());
            return fail(why);
        }
        return true;
    }
    return edit(function, keys(property), QByteArray::number(value), false);
}

bool TemplateEditor::hasAutoPublishAlias(const QString &function) const
{
    try {
        const YAML::Node root = yamltext::loadWithinBudget(text().toStdString());
        const YAML::Node own = root["Resources"][function.toStdString()]["Properties"]["AutoPublishAlias"];
        const YAML::Node global = root["Globals"]["Function"]["AutoPublishAlias"];
        return (own.IsDefined() && !own.IsNull()) || (global.IsDefined() && !global.IsNull());
    } catch (const YAML::Exception &) {
        return false;
    }
}

bool TemplateEditor::removeProperty(const QString &function, Property property)
{
    return edit(function, keys(property), std::nullopt, false);
}

bool TemplateEditor::setEnvironmentVariable(const QString &function, const QString &name, const QString &value)
{
    const QString problem = EnvironmentVariables::nameProblem(name);
    if (!problem.isEmpty())
        return fail(QStringLiteral("Environment variable '%1' %2").arg(name, problem));
    return edit(function, {QStringLiteral("Environment"), QStringLiteral("Variables"), name}, value.toUtf8(), true);
}

bool TemplateEditor::removeEnvironmentVariable(const QString &function, const QString &name)
{
    return edit(function, {QStringLiteral("Environment"), QStringLiteral("Variables"), name}, std::nullopt, true);
}

QString TemplateEditor::newResourceNameProblem(const QString &name) const
{
    static const QRegularExpression logicalId(QStringLiteral("^[A-Za-z0-9]+$"));
    if (name.isEmpty())
        return QStringLiteral("Give the function a name");
    if (!logicalId.match(name).hasMatch())
        return QStringLiteral("'%1' is not a logical id: use letters and digits only (A-Z, a-z, 0-9)").arg(name);
    if (name.size() > 255)
        return QStringLiteral("a logical id has at most 255 characters; '%1…' has %2")
            .arg(name.left(20))
            .arg(name.size());
    YAML::Node root;
    try {
        root = yamltext::loadWithinBudget(text().toStdString());
    } catch (const YAML::Exception &e) {
        return QStringLiteral("the template does not parse (line %1): %2")
            .arg(e.mark.line + 1)
            .arg(QString::fromStdString(e.msg));
    }
    // Logical ids are unique across the template's sections, not only among its resources.
    for (const char *section : {"Resources", "Parameters", "Conditions", "Mappings", "Outputs"}) {
        const Entry entry = yamltext::entryOf(root, QLatin1String(section));
        if (entry.found && yamltext::entryOf(entry.value, name).found)
            return QStringLiteral("the template already has '%1' (in %2)").arg(name, QLatin1String(section));
    }
    return {};
}

bool TemplateEditor::addFunction(const NewFunction &function)
{
    const QString nameProblem = newResourceNameProblem(function.name);
    if (!nameProblem.isEmpty())
        return fail(nameProblem);
    if (function.runtime.isEmpty() || function.codeUri.isEmpty())
        return fail(QStringLiteral("%1 needs a Runtime and a CodeUri").arg(function.name));
    for (const auto &[property, value] :
         {std::pair{Property::MemorySize, function.memoryMb}, std::pair{Property::Timeout, function.timeoutSec}}) {
        const QString problem = rangeProblem(property, value);
        if (!problem.isEmpty())
            return fail(problem);
    }

    const QByteArray before = text();
    YAML::Node root;
    try {
        root = yamltext::loadWithinBudget(before.toStdString());
    } catch (const YAML::Exception &e) {
        return fail(QStringLiteral("the template does not parse (line %1): %2")
                        .arg(e.mark.line + 1)
                        .arg(QString::fromStdString(e.msg)));
    }
    const Entry resources = yamltext::entryOf(root, QStringLiteral("Resources"));
    if (!resources.found)
        return fail(QStringLiteral("the template has no Resources section; add a line 'Resources:' to it first"));
    if (isFlow(resources.value))
        return fail(QStringLiteral("Resources is written in flow style ({...}); fnstudio edits block mappings only"));
    const bool empty = !resources.value.IsDefined() || resources.value.IsNull();
    if (!empty && !resources.value.IsMap())
        return fail(QStringLiteral("Resources is not a mapping"));
    const int keyLine = resources.key.Mark().line;
    const int keyColumn = resources.key.Mark().column;
    if (indentOf(m_lines.at(keyLine).content) != keyColumn)
        return fail(QStringLiteral("Resources does not start its line; fnstudio edits block mappings only"));

    // The new resource follows the indentation the template already uses.
    int indent = keyColumn + 2;
    int step = 2;
    int at = 0;
    if (empty) {
        // "Resources: ~" becomes a mapping: the null goes, a comment stays.
        QByteArray &content = m_lines[keyLine].content;
        const qsizetype colon = colonAfterKey(content, keyColumn);
        const qsizetype comment = commentStart(content, colon + 1);
        const QByteArray rest = content.mid(colon + 1, (comment < 0 ? content.size() : comment) - colon - 1);
        if (!rest.trimmed().isEmpty())
            content = content.left(colon + 1) + (comment < 0 ? QByteArray() : ' ' + content.mid(comment));
        at = blockEnd(keyLine, keyColumn + 1);
    } else {
        const auto first = resources.value.begin();
        indent = first->first.Mark().column;
        if (first->second.IsMap() && first->second.size() > 0 && !isFlow(first->second))
            step = std::max(1, first->second.begin()->first.Mark().column - indent);
        at = blockEnd(first->first.Mark().line, indent);
    }

    const QByteArray ending = eol();
    if (at > 0 && m_lines.at(at - 1).eol.isEmpty())
        m_lines[at - 1].eol = ending;
    QList<Line> added;
    if (!empty && at > 0 && !m_lines.at(at - 1).content.trimmed().isEmpty())
        added.append({QByteArray(), ending}); // a blank line between resources, as SAM's own templates have
    const auto line = [&](int level, const QByteArray &key, const QByteArray &value = {}) {
        QByteArray content = QByteArray(indent + level * step, ' ') + key + ':';
        if (!value.isEmpty())
            content += ' ' + value;
        added.append({content, ending});
    };
    const auto scalar = [](const QString &value) { return render(value.toUtf8(), true, 0); };
    line(0, function.name.toUtf8());
    line(1, "Type", "AWS::Serverless::Function");
    line(1, "Properties");
    line(2, "Runtime", scalar(function.runtime));
    if (!function.handler.isEmpty())
        line(2, "Handler", scalar(function.handler));
    line(2, "CodeUri", scalar(function.codeUri));
    line(2, "MemorySize", QByteArray::number(function.memoryMb));
    line(2, "Timeout", QByteArray::number(function.timeoutSec));
    for (int i = 0; i < added.size(); ++i)
        m_lines.insert(at + i, added.at(i));
    return checkAdded(before, function.name);
}

bool TemplateEditor::checkAdded(const QByteArray &before, const QString &function)
{
    if (!checkStillValid(before))
        return false;
    SamTemplate now;
    now.parse(text(), m_path);
    if (!now.function(function)) {
        setText(before, m_path);
        return fail(QStringLiteral("the new function '%1' does not read back from the template").arg(function));
    }
    return true;
}

void TemplateEditor::replaceValue(int keyLine, int keyColumn, const QByteArray &value, bool isString)
{
    Line &line = m_lines[keyLine];
    const QByteArray &content = line.content;
    const qsizetype colon = colonAfterKey(content, keyColumn);
    const qsizetype comment = commentStart(content, colon + 1);
    const qsizetype regionEnd = comment < 0 ? content.size() : comment;
    const QByteArray region = content.mid(colon + 1, regionEnd - colon - 1);
    const QByteArray old = region.trimmed();

    QByteArray gap = " ";
    QByteArray beforeComment = " ";
    if (!old.isEmpty()) {
        gap = region.left(region.indexOf(old));
        beforeComment = region.mid(region.indexOf(old) + old.size());
        if (beforeComment.isEmpty())
            beforeComment = " ";
    }
    char quote = 0;
    if (old.size() >= 2 && (old.front() == '"' || old.front() == '\'') && old.back() == old.front())
        quote = old.front();

    QByteArray rebuilt = content.left(colon + 1) + gap + render(value, isString, quote);
    if (comment >= 0)
        rebuilt += beforeComment + content.mid(comment);
    line.content = rebuilt;

    // A value that went on over the following lines (a block scalar, a block mapping such as
    // an intrinsic function) is replaced whole.
    const int end = blockEnd(keyLine, keyColumn + 1);
    for (int l = end - 1; l > keyLine; --l) {
        if (!isBlankOrComment(m_lines.at(l).content))
            m_lines.removeAt(l);
    }
}

void TemplateEditor::removeEntry(int keyLine, int keyColumn)
{
    const int end = blockEnd(keyLine, keyColumn + 1);
    m_lines.remove(keyLine, end - keyLine);
}

void TemplateEditor::insertEntries(int at, int indent, int step, const QStringList &keys, const QByteArray &value)
{
    const QByteArray ending = eol();
    // A last line without a line ending gets one, so the new lines start on their own.
    if (at > 0 && m_lines.at(at - 1).eol.isEmpty())
        m_lines[at - 1].eol = ending;
    QList<Line> added;
    for (int i = 0; i < keys.size(); ++i) {
        QByteArray content = QByteArray(indent + i * step, ' ') + keys.at(i).toUtf8() + ':';
        if (i + 1 == keys.size())
            content += ' ' + value;
        added.append({content, ending});
    }
    for (int i = 0; i < added.size(); ++i)
        m_lines.insert(at + i, added.at(i));
}

bool TemplateEditor::locateFunction(const QString &function, YAML::Node &root, Entry &resource)
{
    try {
        root = yamltext::loadWithinBudget(text().toStdString());
    } catch (const YAML::Exception &e) {
        return fail(QStringLiteral("the template does not parse (line %1): %2")
                        .arg(e.mark.line + 1)
                        .arg(QString::fromStdString(e.msg)));
    }
    const Entry resources = yamltext::entryOf(root, QStringLiteral("Resources"));
    if (!resources.found || !resources.value.IsMap())
        return fail(QStringLiteral("the template has no Resources mapping"));
    if (isFlow(resources.value))
        return fail(QStringLiteral("Resources is written in flow style ({...}); fnstudio edits block mappings only"));
    resource = yamltext::entryOf(resources.value, function);
    if (!resource.found)
        return fail(QStringLiteral("the template has no resource '%1'").arg(function));
    const Entry typeEntry = yamltext::entryOf(resource.value, QStringLiteral("Type"));
    const std::string type = typeEntry.found && typeEntry.value.IsScalar() ? typeEntry.value.Scalar() : std::string();
    if (type != "AWS::Serverless::Function" && type != "AWS::Lambda::Function")
        return fail(QStringLiteral("'%1' is not a function").arg(function));
    return true;
}

bool TemplateEditor::setPolicies(const QString &function, const nlohmann::json &policy)
{
    const QByteArray before = text();
    YAML::Node root;
    Entry resource;
    if (!locateFunction(function, root, resource))
        return false;
    const Entry type = yamltext::entryOf(resource.value, QStringLiteral("Type"));
    if (type.value.Scalar() != "AWS::Serverless::Function")
        return fail(
            QStringLiteral("%1 is an AWS::Lambda::Function: its permissions are those of the AWS::IAM::Role its "
                           "Role names; add the statements to that role")
                .arg(function));
    const Entry properties = yamltext::entryOf(resource.value, QStringLiteral("Properties"));
    if (!properties.found || !properties.value.IsMap() || properties.value.size() == 0)
        return fail(QStringLiteral("%1 has no Properties mapping to add Policies to").arg(function));
    if (isFlow(properties.value))
        return fail(
            QStringLiteral("%1's Properties are written in flow style ({...}); fnstudio edits block mappings only")
                .arg(function));
    if (yamltext::entryOf(properties.value, QStringLiteral("Role")).found)
        return fail(QStringLiteral("%1 has a Role, and SAM ignores Policies then: add the statements to that role's "
                                   "policies instead")
                        .arg(function));

    const auto rendered = [](int column, const nlohmann::json &p) {
        QList<QByteArray> lines = PolicySuggestion::samPoliciesYaml(p, column).toUtf8().split('\n');
        if (!lines.isEmpty() && lines.constLast().isEmpty())
            lines.removeLast();
        return lines;
    };
    const Entry policies = yamltext::entryOf(properties.value, QStringLiteral("Policies"));
    if (policies.found) {
        const int keyLine = policies.key.Mark().line;
        const int keyColumn = policies.key.Mark().column;
        if (indentOf(m_lines.at(keyLine).content) != keyColumn)
            return fail(QStringLiteral("Policies does not start its line; fnstudio edits block mappings only"));
        // The old value whole: on the key's line, indented under it, or a sequence whose dashes
        // stand in the key's own column (YAML allows "Policies:\n- AmazonS3FullAccess").
        const auto isItem = [this, keyColumn](int line) {
            const QByteArray &content = m_lines.at(line).content;
            return indentOf(content) == keyColumn
                   && (content.mid(keyColumn) == "-" || content.mid(keyColumn).startsWith("- "));
        };
        int end = blockEnd(keyLine, keyColumn + 1);
        for (int next = end; next < m_lines.size();) {
            if (isItem(next))
                end = next = blockEnd(next, keyColumn + 1);
            else if (isBlankOrComment(m_lines.at(next).content))
                ++next;
            else
                break;
        }
        m_lines.remove(keyLine, end - keyLine);
        insertLines(keyLine, rendered(keyColumn, policy));
    } else {
        const YAML::Mark first = properties.value.begin()->first.Mark();
        insertLines(blockEnd(first.line, first.column), rendered(first.column, policy));
    }
    return checkStillValid(before);
}

bool TemplateEditor::edit(const QString &function, const QStringList &keys, const std::optional<QByteArray> &value,
                          bool isString)
{
    const QByteArray before = text();
    YAML::Node root;
    Entry resource;
    if (!locateFunction(function, root, resource))
        return false;

    // The indentation step used when a missing mapping is created: the one the resource uses.
    const int resourceColumn = resource.key.Mark().column;
    const int step = std::max(1, resource.value.begin()->first.Mark().column - resourceColumn);

    QStringList path = keys;
    path.prepend(QStringLiteral("Properties"));
    Entry parent = resource;
    for (int i = 0; i < path.size(); ++i) {
        const QString where = i == 0 ? function : path.at(i - 1);
        if (isFlow(parent.value))
            return fail(
                QStringLiteral("%1 is written in flow style ({...}); fnstudio edits block mappings only").arg(where));
        const bool empty = !parent.value.IsDefined() || parent.value.IsNull();
        if (!empty && !parent.value.IsMap())
            return fail(QStringLiteral("%1 is not a mapping").arg(where));

        const Entry entry = yamltext::entryOf(parent.value, path.at(i));
        if (!entry.found) {
            if (!value)
                return true; // nothing to remove
            const QStringList missing = path.mid(i);
            const QByteArray rendered = render(*value, isString, 0);
            if (empty) {
                const int keyLine = parent.key.Mark().line;
                const int keyColumn = parent.key.Mark().column;
                // "Key: ~" or "Key: null" becomes a mapping: the null goes, a comment stays.
                QByteArray &content = m_lines[keyLine].content;
                const qsizetype colon = colonAfterKey(content, keyColumn);
                const qsizetype comment = commentStart(content, colon + 1);
                const QByteArray rest = content.mid(colon + 1, (comment < 0 ? content.size() : comment) - colon - 1);
                if (!rest.trimmed().isEmpty())
                    content = content.left(colon + 1) + (comment < 0 ? QByteArray() : ' ' + content.mid(comment));
                insertEntries(blockEnd(keyLine, keyColumn + 1), keyColumn + step, step, missing, rendered);
            } else {
                const YAML::Mark first = parent.value.begin()->first.Mark();
                insertEntries(blockEnd(first.line, first.column), first.column, step, missing, rendered);
            }
            return checkStillValid(before);
        }
        const int keyLine = entry.key.Mark().line;
        const int keyColumn = entry.key.Mark().column;
        if (indentOf(m_lines.at(keyLine).content) != keyColumn)
            return fail(
                QStringLiteral("%1 does not start its line; fnstudio edits block mappings only").arg(path.at(i)));
        if (i + 1 == path.size()) {
            if (value)
                replaceValue(keyLine, keyColumn, *value, isString);
            else if (i >= 2 && parent.value.size() == 1)
                // Its mapping's only key (ProvisionedConcurrencyConfig's, EphemeralStorage's): the
                // mapping goes with it, rather than stay as an empty key that means null.
                removeEntry(parent.key.Mark().line, parent.key.Mark().column);
            else
                removeEntry(keyLine, keyColumn);
            return checkStillValid(before);
        }
        parent = entry;
    }
    return true;
}

bool TemplateEditor::checkStillValid(const QByteArray &before)
{
    // The template's own checks (name rules, 4 KB of variables, provisioned within reserved) run
    // on the result; a problem the edit introduced refuses it.
    SamTemplate old;
    old.parse(before, m_path);
    SamTemplate now;
    now.parse(text(), m_path);
    QStringList known;
    for (const Diagnostic &d : old.errors())
        known.append(d.message);
    for (const Diagnostic &d : now.errors()) {
        if (!known.contains(d.message)) {
            setText(before, m_path);
            return fail(d.message);
        }
    }
    m_error.clear();
    return true;
}

} // namespace fn
