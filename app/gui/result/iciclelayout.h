#pragma once
// The arithmetic of the import profile's icicle: each module a box under the module that imported
// it, as wide as its cumulative time, the handler's init the full width. Fractions of the width, so
// the view only scales them (tested without a window).

#include "metrics/importprofile.h"

#include <QList>
#include <QString>

namespace fn {

struct IcicleLayout
{
    struct Box
    {
        QString module;
        qint64 selfUs = 0;
        qint64 cumulativeUs = 0;
        int depth = 0;
        double start = 0; // fraction of the init's import time, 0..1
        double width = 0;
    };

    QList<Box> boxes; // depth first, in import order
    int depthCount = 0;
    qint64 totalUs = 0;

    static IcicleLayout of(const ImportProfile &profile);
    // The box under fraction x at depth, -1 if none (a parent's own time, right of its children).
    int boxAt(double x, int depth) const;
};

} // namespace fn
