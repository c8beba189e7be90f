#include "timeline/timelinepanel.h"

#include "common/export.h"
#include "common/settings.h"
#include "session/invocationselection.h"
#include "timeline/timelinelegend.h"
#include "timeline/timelineview.h"

#include <QHBoxLayout>
#include <QScrollArea>
#include <QToolButton>
#include <QVBoxLayout>

namespace fn {

TimelinePanel::TimelinePanel(TimelineModel &model, InvocationSelection &selection, QWidget *parent)
    : QWidget(parent)
    , m_view(new TimelineView(&model, this))
{
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 4, 6, 2);
    bar->setSpacing(4);
    auto button = [this, bar](const QString &text, const QString &tip) {
        auto *b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        bar->addWidget(b);
        return b;
    };
    connect(button(tr("Fit"), tr("Show every invocation (F, or double-click)")), &QToolButton::clicked, m_view,
            &TimelineView::fitAll);
    QToolButton *follow = button(tr("Follow"), tr("Keep the latest invocation in view (L); panning or zooming "
                                                  "back in time turns it off"));
    follow->setCheckable(true);
    follow->setChecked(m_view->isFollowing());
    connect(follow, &QToolButton::toggled, m_view, &TimelineView::setFollowing);
    connect(m_view, &TimelineView::followingChanged, follow, &QToolButton::setChecked);
    connect(button(tr("+"), tr("Zoom in around the selection, the mouse or the latest invocation (+, the wheel, or "
                               "Shift-drag a range)")),
            &QToolButton::clicked, this, [this] { m_view->zoomBy(0.5); });
    connect(button(tr("−"), tr("Zoom out (−, or the wheel)")), &QToolButton::clicked, this,
            [this] { m_view->zoomBy(2); });
    QToolButton *collapse = button(tr("Collapse idle"), tr("Draw idle gaps over %1 ms narrow, with their length, so a "
                                                           "cold start and warm invocations seconds apart fit (C)")
                                                            .arg(TimelineView::collapseThresholdMs));
    collapse->setCheckable(true);
    m_view->setCollapsingIdle(settings::get(settings::timelineCollapseIdle));
    collapse->setChecked(m_view->isCollapsingIdle());
    connect(collapse, &QToolButton::toggled, m_view, &TimelineView::setCollapsingIdle);
    connect(collapse, &QToolButton::toggled, this, [](bool on) { settings::set(settings::timelineCollapseIdle, on); });
    connect(m_view, &TimelineView::viewChanged, collapse,
            [this, collapse] { collapse->setChecked(m_view->isCollapsingIdle()); });
    bar->addSpacing(16);

    // The legend wraps onto more lines when the dock is narrow rather than clipping.
    m_legend = new TimelineLegend(this);
    bar->addWidget(m_legend, 1);

    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_view);
    addChartExport(m_view, QStringLiteral("timeline"));
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(scroll, 1);

    connect(m_view, &TimelineView::requestClicked, &selection, &InvocationSelection::select);
    connect(&selection, &InvocationSelection::selected, m_view, &TimelineView::selectRequest);
}

} // namespace fn
