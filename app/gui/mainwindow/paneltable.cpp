#include "mainwindow/paneltable.h"

#include "buckets/bucketspanel.h"
#include "environments/environmentpanel.h"
#include "invocations/invocationpanel.h"
#include "logs/logpanel.h"
#include "memory/memorypanel.h"
#include "metrics/metricspanel.h"
#include "projecttree/projectpanel.h"
#include "properties/propertiespanel.h"
#include "queues/queuespanel.h"
#include "result/resultpanel.h"
#include "scheduler/schedulerpanel.h"
#include "timeline/timelinepanel.h"

#include <QtGlobal>

namespace fn {

namespace {

template <typename Panel> QWidget *make(StudioSession &session)
{
    return new Panel(session);
}

using P = PanelSpec::Placement;

// Order matters: a panel is placed after the panel it refers to.
constexpr PanelSpec panels[] = {
    {"project", QT_TRANSLATE_NOOP("PanelTable", "Project"), P::Area, Qt::LeftDockWidgetArea, nullptr, 250, "Alt+1",
     &make<ProjectPanel>},
    {"timeline", QT_TRANSLATE_NOOP("PanelTable", "Timeline"), P::Area, Qt::BottomDockWidgetArea, nullptr, 290, "Alt+2",
     &make<TimelinePanel>},
    {"logs", QT_TRANSLATE_NOOP("PanelTable", "Logs"), P::SplitRightOf, Qt::BottomDockWidgetArea, "timeline", 0, "Alt+3",
     &make<LogPanel>},
    {"invocations", QT_TRANSLATE_NOOP("PanelTable", "Invocations"), P::TabWith, Qt::BottomDockWidgetArea, "timeline", 0,
     "Alt+4", &make<InvocationPanel>},
    {"environments", QT_TRANSLATE_NOOP("PanelTable", "Environments"), P::TabWith, Qt::BottomDockWidgetArea, "timeline",
     0, "Alt+5", &make<EnvironmentPanel>},
    {"result", QT_TRANSLATE_NOOP("PanelTable", "Result"), P::Area, Qt::RightDockWidgetArea, nullptr, 460, "Alt+6",
     &make<ResultPanel>},
    {"memory", QT_TRANSLATE_NOOP("PanelTable", "Memory"), P::SplitBelow, Qt::RightDockWidgetArea, "result", 0, "Alt+7",
     &make<MemoryPanel>},
    {"metrics", QT_TRANSLATE_NOOP("PanelTable", "Metrics"), P::TabWith, Qt::BottomDockWidgetArea, "timeline", 0,
     "Alt+8", &make<MetricsPanel>},
    {"queues", QT_TRANSLATE_NOOP("PanelTable", "Queues"), P::TabWith, Qt::BottomDockWidgetArea, "timeline", 0, "Alt+9",
     &make<QueuesPanel>},
    {"properties", QT_TRANSLATE_NOOP("PanelTable", "Properties"), P::TabWith, Qt::LeftDockWidgetArea, "project", 0,
     "Alt+0", &make<PropertiesPanel>},
    // The event sources sit together beside the Queues tab: the bottom is wide enough for their tables.
    {"buckets", QT_TRANSLATE_NOOP("PanelTable", "Buckets"), P::TabWith, Qt::BottomDockWidgetArea, "timeline", 0,
     "Alt+Shift+2", &make<BucketsPanel>},
    {"scheduler", QT_TRANSLATE_NOOP("PanelTable", "Scheduler"), P::TabWith, Qt::BottomDockWidgetArea, "timeline", 0,
     "Alt+Shift+1", &make<SchedulerPanel>},
};

} // namespace

std::span<const PanelSpec> panelTable()
{
    return panels;
}

} // namespace fn
