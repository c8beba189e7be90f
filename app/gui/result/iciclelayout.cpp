#include "result/iciclelayout.h"

#include <algorithm>

namespace fn {

namespace {

void place(const ImportNode &node, int depth, double start, double total, IcicleLayout &out)
{
    const double width = total > 0 ? double(node.cumulativeUs) / total : 0;
    out.boxes.append({node.module, node.selfUs, node.cumulativeUs, depth, start, width});
    out.depthCount = std::max(out.depthCount, depth + 1);
    // Children from the parent's left edge; its own time is what is left on the right. Rounding in
    // CPython's figures may make them add up to a hair more than the parent: never past its edge.
    double x = start;
    for (const ImportNode &child : node.children) {
        place(child, depth + 1, x, total, out);
        x = std::min(start + width, x + (total > 0 ? double(child.cumulativeUs) / total : 0));
    }
}

} // namespace

IcicleLayout IcicleLayout::of(const ImportProfile &profile)
{
    IcicleLayout out;
    out.totalUs = profile.totalUs();
    double x = 0;
    for (const ImportNode &root : profile.roots) {
        place(root, 0, x, double(out.totalUs), out);
        x += out.totalUs > 0 ? double(root.cumulativeUs) / double(out.totalUs) : 0;
    }
    return out;
}

int IcicleLayout::boxAt(double x, int depth) const
{
    for (qsizetype i = 0; i < boxes.size(); ++i) {
        const Box &b = boxes.at(i);
        if (b.depth == depth && x >= b.start && x < b.start + b.width)
            return int(i);
    }
    return -1;
}

} // namespace fn
