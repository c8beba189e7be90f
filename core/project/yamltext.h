#pragma once
// Small helpers of the template.yaml text editors (private to core/project): a mapping's entry by
// key, and the layout facts of a line.

#include <QByteArray>
#include <QString>

#include <yaml-cpp/yaml.h>

namespace fn::yamltext {

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
