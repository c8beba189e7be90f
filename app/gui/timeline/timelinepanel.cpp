#include "timeline/timelinepanel.h"

#include "common/export.h"
#include "session/invocationselection.h"
#include "timeline/timelinepalette.h"
#include "timeline/timelineview.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
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
    connect(button(tr("+"), tr("Zoom in (+, or the wheel)")), &QToolButton::clicked, this,
            [this] { m_view->zoomBy(0.5); });
    connect(button(tr("−"), tr("Zoom out (−, or the wheel)")), &QToolButton::clicked, this,
            [this] { m_view->zoomBy(2); });
    bar->addSpacing(16);
    // The legend clips when the dock is narrow rather than forcing the window wider.
    auto *legendBox = new QWidget(this);
    legendBox->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto *legendLayout = new QHBoxLayout(legendBox);
    legendLayout->setContentsMargins(0, 0, 0, 0);
    legendLayout->setSpacing(4);

    const TimelinePalette pal = TimelinePalette::from(palette());
    const struct
    {
        QColor color;
        QString text;
        bool hatched;
    } legend[] = {
        {pal.init, tr("Init (cold start)"), false},
        {pal.coldInvoke, tr("Invoke, cold"), false},
        {pal.warmInvoke, tr("Invoke, warm"), false},
        {pal.failed, tr("Failed / timeout / OOM"), false},
        {pal.frozen, tr("Frozen"), true},
    };
    for (const auto &item : legend) {
        QPixmap swatch(12, 12);
        swatch.fill(Qt::transparent);
        QPainter p(&swatch);
        p.fillRect(QRect(0, 0, 12, 12),
                   item.hatched ? QBrush(item.color.darker(150), Qt::BDiagPattern) : QBrush(item.color));
        p.end();
        auto *icon = new QLabel(legendBox);
        icon->setPixmap(swatch);
        auto *text = new QLabel(item.text, legendBox);
        text->setForegroundRole(QPalette::PlaceholderText);
        legendLayout->addWidget(icon);
        legendLayout->addWidget(text);
        legendLayout->addSpacing(10);
    }
    legendLayout->addStretch(1);
    bar->addWidget(legendBox, 1);

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
