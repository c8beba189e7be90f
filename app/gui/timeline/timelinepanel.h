#pragma once
// The Timeline dock: the lanes view in a scroll area, fit, follow, zoom and collapse buttons, and a legend.

#include <QWidget>

namespace fn {

class InvocationSelection;
class TimelineLegend;
class TimelineModel;
class TimelineView;

class TimelinePanel final : public QWidget
{
    Q_OBJECT
public:
    TimelinePanel(TimelineModel &model, InvocationSelection &selection, QWidget *parent = nullptr);

    TimelineView *view() const { return m_view; }
    TimelineLegend *legend() const { return m_legend; }

private:
    TimelineView *m_view;
    TimelineLegend *m_legend = nullptr;
};

} // namespace fn
