#pragma once
// The timeline's colours, picked to read on both light and dark system palettes.

#include <QColor>
#include <QPalette>

namespace fn {

struct TimelinePalette
{
    QColor background, laneBand, laneText, dimText, grid, frozen;
    QColor init, coldInvoke, warmInvoke, failed, throttled, selection, provisioned, retry, stale, idleBreak;

    static TimelinePalette from(const QPalette &palette)
    {
        const bool dark = palette.color(QPalette::Base).lightness() < 128;
        TimelinePalette p;
        p.background = palette.color(QPalette::Base);
        p.laneBand = dark ? p.background.lighter(125) : p.background.darker(103);
        p.laneText = palette.color(QPalette::Text);
        p.dimText = palette.color(QPalette::PlaceholderText);
        p.grid = dark ? QColor(255, 255, 255, 28) : QColor(0, 0, 0, 24);
        p.frozen = dark ? QColor(140, 170, 210, 70) : QColor(90, 120, 170, 60);
        p.init = QColor(0xf0, 0x9a, 0x2a);       // orange: cold start initialization
        p.coldInvoke = QColor(0x8e, 0x5c, 0xd0); // violet: the handler on a cold environment
        p.warmInvoke = QColor(0x2f, 0x8f, 0xd8); // blue: the handler on a warm environment
        p.failed = QColor(0xd6, 0x3e, 0x3e);
        p.throttled = QColor(0xb0, 0x30, 0x60);
        p.selection = palette.color(QPalette::Highlight);
        p.provisioned = QColor(0x2e, 0xa0, 0x6b); // green: initialized ahead of any invocation
        p.retry = dark ? QColor(0xe8, 0xc4, 0x4a) : QColor(0xb0, 0x80, 0x00); // connectors between attempts
        p.stale = QColor(0x9a, 0x6a, 0x3a); // brown: retired because the code or configuration changed
        p.idleBreak = dark ? QColor(255, 255, 255, 16) : QColor(0, 0, 0, 12); // a collapsed idle gap
        return p;
    }
};

} // namespace fn
