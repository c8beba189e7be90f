#pragma once
// Small helpers of the template.yaml text editors and readers (private to core): loading within
// YamlBudget, a mapping's entry by key, and the layout facts of a line.

#include "project/projectfile.h"
#include "project/yamlbudget.h"

#include <QByteArray>
#include <QString>

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace fn::yamltext {

// YAML::Load, but past YamlBudget's bounds (an alias bomb, a quote that never closes) a
// ParserException at the problem's line, as for any other parse error: whoever walks the tree
// afterwards cannot be made to expand a billion nodes.
inline YAML::Node loadWithinBudget(const std::string &text)
{
    if (const auto problem = YamlBudget::check(text)) {
        YAML::Mark at;
        at.line = std::max(problem->line - 1, 0);
        throw YAML::ParserException(at, problem->message.toStdString());
    }
    return YAML::Load(text);
}

// The same for a template file, read as ProjectFile reads one (a regular file, not too large); a
// file that cannot be read is a YAML::Exception with the reason.
inline YAML::Node loadFileWithinBudget(const QString &path)
{
    QString error;
    const auto bytes = ProjectFile::read(path, ProjectFile::MaxTemplateBytes, &error);
    if (!bytes)
        throw YAML::Exception(YAML::Mark::null_mark(), error.toStdString());
    return loadWithinBudget(bytes->toStdString());
}

// A key of a block mapping and its value; `found` because a default YAML::Node is a defined null.
struct Entry
{
    YAML::Node key;
    YAML::Node value;
    bool found = false;
};

inline Entry entryOf(const YAML::Node &map, const QString &name)
{
    if (map.IsMap()) {
        const std::string wanted = name.toStdString();
        for (const auto &kv : map) {
            if (kv.first.IsScalar() && kv.first.Scalar() == wanted)
                return {kv.first, kv.second, true};
        }
    }
    return {};
}

inline bool isFlow(const YAML::Node &node)
{
    return (node.IsMap() || node.IsSequence()) && node.Style() == YAML::EmitterStyle::Flow;
}

inline int indentOf(const QByteArray &line)
{
    int i = 0;
    while (i < line.size() && line.at(i) == ' ')
        ++i;
    return i;
}

} // namespace fn::yamltext
