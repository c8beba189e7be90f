#pragma once
// A chart's tooltip: what is under the mouse said in a tooltip, or, over nothing, the tooltip hidden
// and the event ignored so a parent may answer it.

#include <QEvent>
#include <QHelpEvent>
#include <QString>
#include <QToolTip>
#include <QWidget>

namespace fn {

// For a chart's event(): answers a QEvent::ToolTip with text (empty: nothing under the mouse).
inline bool answerToolTip(QEvent *event, QWidget *chart, const QString &text)
{
    if (text.isEmpty()) {
        QToolTip::hideText();
        event->ignore();
    } else {
        QToolTip::showText(static_cast<QHelpEvent *>(event)->globalPos(), text, chart);
    }
    return true;
}

} // namespace fn
