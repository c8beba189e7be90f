#pragma once
// The one table of dock panels: id (objectName and saved-state id), title, default place and size,
// toggle shortcut, and the factory that builds the panel against the session.

#include <Qt>

#include <span>

class QWidget;

namespace fn {

class StudioSession;

struct PanelSpec
{
    enum class Placement { Area, TabWith, SplitRightOf, SplitBelow };

    const char *id;
    const char *title; // translated in the "PanelTable" context
    Placement placement;
    Qt::DockWidgetArea area; // for Placement::Area
    const char *relativeTo;  // the panel id the other placements refer to
    int defaultSize;         // width for left/right areas, height for the bottom (0 = leave it)
    const char *shortcut;    // toggles the dock
    QWidget *(*create)(StudioSession &session);
};

std::span<const PanelSpec> panelTable();

} // namespace fn
