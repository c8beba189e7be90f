#include "mainwindow/paneltable.h"

#include "buckets/bucketspanel.h"
#include "environments/environmentpanel.h"
#include "invocations/invocationpanel.h"
#include "logs/logpanel.h"
#include "memory/memorypanel.h"
#include "metrics/metricspanel.h"
#include "permissions/permissionspanel.h"
#include "projecttree/projectpanel.h"
#include "properties/propertiespanel.h"
#include "queues/queuespanel.h"
#include "result/resultpanel.h"
#include "scheduler/schedulerpanel.h"
#include "session/invocationselection.h"
#include "session/studiosession.h"
#include "timeline/timelinepanel.h"

#include <QtGlobal>

namespace fn {

namespace {

// Each panel gets what it needs of the session: its model, the shared selection, the workspace, the
// messenger. The ones that drive the studio (project tree, properties, result, scheduler) get it whole.
template <typename Panel> QWidget *make(StudioSession &session)
{
    return new Panel(session);
}

QWidget *makeTimeline(StudioSession &s)
{
    return new TimelinePanel(s.timeline(), s.selection());
}
QWidget *makeLogs(StudioSession &s)
{
    return new LogPanel(s.logs(), s.selection());
}
QWidget *makeInvocations(StudioSession &s)
{
    return new InvocationPanel(s.invocations(), s.selection());
}
QWidget *makeEnvironments(StudioSession &s)
{
    return new EnvironmentPanel(s.environments(), s.workspace());
}
QWidget *makeMemory(StudioSession &s)
{
    return new MemoryPanel(s.memory());
}
QWidget *makeMetrics(StudioSession &s)
{
    return new MetricsPanel(s.metrics());
}
template <typename Panel> QWidget *makeOnWorkspace(StudioSession &s)
{
    return new Panel(s.workspace(), s);
}

using P = PanelSpec::Placement;

// Order matters: a panel is placed after the panel it refers to.
constexpr PanelSpec panels[] = {
    {"project", QT_TRANSLATE_NOOP("PanelTable", "Project"), P::Area, Qt::LeftDockWidgetArea, nullptr, 250, "Alt+1",
     &make<ProjectPanel>},
    {"timeline", QT_TRANSLATE_NOOP("PanelTable", "Timeline"), P::Area, Qt::BottomDockWidgetArea, nullptr, 290, "Alt+2",
     &makeTimeline},
    {"logs", QT_TRANSLATE_NOOP("PanelTable", "Logs"), P::SplitRightOf, Qt::BottomDockWidgetArea, "timeline", 0, "Alt+3",
     &makeLogs},
    {"invocations", QT_TRANSLATE_NOOP("PanelTable", "Invocations"), P::TabWith, Qt::BottomDockWidgetArea, "timeline", 0,
     "Alt+4", &makeInvocations},
    {"environments", QT_TRANSLATE_NOOP("PanelTable", "Environments"), P::TabWith, Qt::BottomDockWidgetArea, "timeline",
     0, "Alt+5", &makeEnvironments},
    {"result", QT_TRANSLATE_NOOP("PanelTable", "Result"), P::Area, Qt::RightDockWidgetArea, nullptr, 460, "Alt+6",
     &make<ResultPanel>},
    {"memory", QT_TRANSLATE_NOOP("PanelTable", "Memory"), P::SplitBelow, Qt::RightDockWidgetArea, "result", 0, "Alt+7",
     &makeMemory},
    {"metrics", QT_TRANSLATE_NOOP("PanelTable", "Metrics"), P::TabWith, Qt::BottomDockWidgetArea, "timeline", 0,
     "Alt+8", &makeMetrics},
    {"queues", QT_TRANSLATE_NOOP("PanelTable", "Queues"), P::TabWith, Qt::BottomDockWidgetArea, "timeline", 0, "Alt+9",
     &makeOnWorkspace<QueuesPanel>},
    {"properties", QT_TRANSLATE_NOOP("PanelTable", "Properties"), P::TabWith, Qt::LeftDockWidgetArea, "project", 0,
     "Alt+0", &make<PropertiesPanel>},
    // The event sources sit together beside the Queues tab: the bottom is wide enough for their tables.
    {"buckets", QT_TRANSLATE_NOOP("PanelTable", "Buckets"), P::TabWith, Qt::BottomDockWidgetArea, "timeline", 0,
     "Alt+Shift+2", &makeOnWorkspace<BucketsPanel>},
    {"scheduler", QT_TRANSLATE_NOOP("PanelTable", "Scheduler"), P::TabWith, Qt::BottomDockWidgetArea, "timeline", 0,
     "Alt+Shift+1", &make<SchedulerPanel>},
    {"permissions", QT_TRANSLATE_NOOP("PanelTable", "Permissions"), P::TabWith, Qt::BottomDockWidgetArea, "timeline", 0,
     "Alt+Shift+3", &make<PermissionsPanel>},
};

} // namespace

std::span<const PanelSpec> panelTable()
{
    return panels;
}

} // namespace fn
