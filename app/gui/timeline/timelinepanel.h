#pragma once
// The Timeline dock: the lanes view in a scroll area, zoom and fit buttons, and a colour legend.

#include <QWidget>

namespace fn {

class StudioSession;
class TimelineView;

class TimelinePanel final : public QWidget
{
    Q_OBJECT
public:
    explicit TimelinePanel(StudioSession &session, QWidget *parent = nullptr);

    TimelineView *view() const { return m_view; }

private:
    TimelineView *m_view;
};

} // namespace fn
