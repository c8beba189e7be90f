#pragma once
// The timeline's legend: every state the lanes draw, each with the mark it is drawn with, wrapped
// onto as many lines as the dock's width needs (never clipped, never an unlabelled swatch).

#include <QColor>
#include <QList>
#include <QWidget>

namespace fn {

struct TimelinePalette;

class TimelineLegend final : public QWidget
{
    Q_OBJECT
public:
    enum class Mark { Fill, Hatched, Striped, Diamond, Badge, Dotted, Dashed, Break };
    struct Entry
    {
        Mark mark = Mark::Fill;
        QColor color;
        QString text;
        QString toolTip;
    };

    explicit TimelineLegend(QWidget *parent = nullptr);

    const QList<Entry> &entries() const { return m_entries; }
    static QList<Entry> entriesFor(const TimelinePalette &pal);
    // The entry under a point, or -1 (its tool tip says what the state means).
    int entryAt(const QPoint &pos) const;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool event(QEvent *event) override;

private:
    QList<QRect> layoutFor(int width) const;

    QList<Entry> m_entries;
};

} // namespace fn
