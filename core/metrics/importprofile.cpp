#include "metrics/importprofile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace fn {

namespace {

// "import time:       476 |        908 |     json.scanner": self, cumulative, two spaces a level, name.
bool parseLine(QByteArrayView line, qint64 *selfUs, qint64 *cumulativeUs, int *level, QString *module)
{
    const QByteArrayView rest = line.sliced(qstrlen(ImportProfile::LinePrefix));
    const qsizetype bar1 = rest.indexOf('|');
    if (bar1 < 0)
        return false;
    const qsizetype bar2 = rest.sliced(bar1 + 1).indexOf('|');
    if (bar2 < 0)
        return false;
    bool ok1 = false, ok2 = false;
    *selfUs = rest.first(bar1).trimmed().toLongLong(&ok1);
    *cumulativeUs = rest.sliced(bar1 + 1, bar2).trimmed().toLongLong(&ok2);
    if (!ok1 || !ok2) // the header ("self [us] | cumulative | imported package")
        return false;
    QByteArrayView name = rest.sliced(bar1 + 1 + bar2 + 1);
    if (name.startsWith(' '))
        name = name.sliced(1);
    qsizetype spaces = 0;
    while (spaces < name.size() && name[spaces] == ' ')
        ++spaces;
    *level = int(spaces / 2);
    *module = QString::fromUtf8(name.sliced(spaces).trimmed());
    return !module->isEmpty() && *selfUs >= 0 && *cumulativeUs >= 0;
}

void collect(const ImportNode &node, int depth, const QString &parent, QList<ImportProfile::Row> &out)
{
    out.append({node.module, node.selfUs, node.cumulativeUs, depth, parent});
    for (const ImportNode &child : node.children)
        collect(child, depth + 1, node.module, out);
}

int count(const ImportNode &node)
{
    int n = 1;
    for (const ImportNode &child : node.children)
        n += count(child);
    return n;
}

nlohmann::json nodeJson(const ImportNode &node)
{
    nlohmann::json children = nlohmann::json::array();
    for (const ImportNode &child : node.children)
        children.push_back(nodeJson(child));
    return {{"module", node.module.toStdString()},
            {"selfUs", node.selfUs},
            {"cumulativeUs", node.cumulativeUs},
            {"children", std::move(children)}};
}

} // namespace

ImportProfile ImportProfile::parse(const QByteArrayList &lines)
{
    ImportProfile profile;
    const bool marked =
        std::any_of(lines.begin(), lines.end(), [](const QByteArray &l) { return l.trimmed() == BeginMarker; });
    bool inside = !marked;
    // A module's line follows those of the modules it imported, one level deeper: they wait here,
    // by level, until their importer's line takes them.
    std::map<int, std::vector<ImportNode>> waiting;
    for (const QByteArray &raw : lines) {
        const QByteArray line = raw.endsWith('\n') ? raw.chopped(1) : raw;
        if (line.trimmed() == BeginMarker) {
            inside = true;
            continue;
        }
        if (line.trimmed() == EndMarker) {
            inside = false;
            continue;
        }
        if (!inside || line.trimmed().isEmpty())
            continue;
        ImportNode node;
        int level = 0;
        if (!line.startsWith(LinePrefix) || !parseLine(line, &node.selfUs, &node.cumulativeUs, &level, &node.module)) {
            ++profile.skippedLines;
            continue;
        }
        if (auto it = waiting.find(level + 1); it != waiting.end()) {
            node.children = std::move(it->second);
            waiting.erase(it);
        }
        waiting[level].push_back(std::move(node));
    }
    // Cut short (the runtime died mid-import): what never found its importer is shown at the top.
    for (auto &[level, nodes] : waiting)
        for (ImportNode &node : nodes)
            profile.roots.push_back(std::move(node));
    return profile;
}

ImportProfile ImportProfile::parse(const QByteArray &text)
{
    return parse(text.split('\n'));
}

qint64 ImportProfile::totalUs() const
{
    qint64 total = 0;
    for (const ImportNode &root : roots)
        total += root.cumulativeUs;
    return total;
}

int ImportProfile::moduleCount() const
{
    int n = 0;
    for (const ImportNode &root : roots)
        n += count(root);
    return n;
}

QList<ImportProfile::Row> ImportProfile::rows() const
{
    QList<Row> out;
    for (const ImportNode &root : roots)
        collect(root, 0, {}, out);
    return out;
}

QList<ImportProfile::Row> ImportProfile::ranked(int top) const
{
    QList<Row> out = rows();
    std::stable_sort(out.begin(), out.end(), [](const Row &a, const Row &b) {
        if (a.cumulativeUs != b.cumulativeUs)
            return a.cumulativeUs > b.cumulativeUs;
        if (a.selfUs != b.selfUs)
            return a.selfUs > b.selfUs;
        return a.module < b.module;
    });
    if (top >= 0 && out.size() > top)
        out.resize(top);
    return out;
}

nlohmann::json ImportProfile::toJson() const
{
    nlohmann::json modules = nlohmann::json::array();
    for (const ImportNode &root : roots)
        modules.push_back(nodeJson(root));
    return {{"totalUs", totalUs()}, {"moduleCount", moduleCount()}, {"modules", std::move(modules)}};
}

} // namespace fn
