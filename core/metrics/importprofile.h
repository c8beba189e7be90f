#pragma once
// What a function's module init spent its time on: the modules it imported, nested as they were
// imported, each with its own time and the time including what it imported. Read from the lines of
// CPython's `-X importtime` ("import time: self [us] | cumulative | imported package", a module
// after the modules it imported, indented two spaces a level), which fnstudio's Node bootstrap
// writes in the same form for the modules Node loads.

#include <QByteArrayList>
#include <QList>
#include <QString>

#include <nlohmann/json_fwd.hpp>

#include <vector>

namespace fn {

struct ImportNode
{
    QString module;
    qint64 selfUs = 0;       // the module's own execution
    qint64 cumulativeUs = 0; // with everything it imported
    std::vector<ImportNode> children;
};

struct ImportProfile
{
    // The profile lines start with this; the engine keeps them out of the function's logs.
    static constexpr const char *LinePrefix = "import time:";
    // Written by the bootstraps around the handler module's loading: only what lies between counts
    // (before it, the interpreter's and fnstudio's own runtime modules load).
    static constexpr const char *BeginMarker = "import time: fnstudio: handler init begins";
    static constexpr const char *EndMarker = "import time: fnstudio: handler init ends";

    // One row of the table: a module with its place in the tree.
    struct Row
    {
        QString module;
        qint64 selfUs = 0;
        qint64 cumulativeUs = 0;
        int depth = 0;      // 0: imported by the init itself
        QString importedBy; // the module that imported it; empty at depth 0
    };

    std::vector<ImportNode> roots; // in import order
    int skippedLines = 0;          // neither a profile line nor a marker, or unreadable

    // Parses the lines (with or without the trailing newline). Without a begin marker every line
    // counts; with one, only those between it and the end marker (or the end).
    static ImportProfile parse(const QByteArrayList &lines);
    static ImportProfile parse(const QByteArray &text);

    bool isEmpty() const { return roots.empty(); }
    qint64 totalUs() const; // the init's imports: the roots' cumulative times
    int moduleCount() const;
    // Every module, by cumulative time, largest first (ties: self time, then name); top < 0: all.
    QList<Row> ranked(int top = -1) const;
    // Depth first, in import order (as a tree view walks it).
    QList<Row> rows() const;

    // {"totalUs", "modules": [{"module", "selfUs", "cumulativeUs", "children": [...]}]}
    nlohmann::json toJson() const;
};

} // namespace fn
