#pragma once
// The Timeline dock: the lanes view in a scroll area, zoom and fit buttons, and a colour legend.

#include <QWidget>

namespace fn {

class InvocationSelection;
class TimelineModel;
class TimelineView;

class TimelinePanel final : public QWidget
{
    Q_OBJECT
public:
    TimelinePanel(TimelineModel &model, InvocationSelection &selection, QWidget *parent = nullptr);

    TimelineView *view() const { return m_view; }

private:
    TimelineView *m_view;
};

} // namespace fn
