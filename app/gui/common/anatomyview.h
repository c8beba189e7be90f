#pragma once
// Invocations drawn as what their callers waited: one bar per row, its phases (admission, sandbox,
// runtime start, init, handler, overhead) as segments in order, all rows on one scale, so a cold
// start beside a warm one shows at a glance how much longer it took and what the time went to.
// A segment's tooltip gives its figure and share.

#include "metrics/anatomy.h"

#include <QColor>
#include <QWidget>

namespace fn {

class AnatomyView final : public QWidget
{
    Q_OBJECT
public:
    struct Row
    {
        QString label; // "cold p50"
        Anatomy anatomy;
    };

    explicit AnatomyView(QWidget *parent = nullptr);

    void setRows(const QList<Row> &rows);
    const QList<Row> &rows() const { return m_rows; }
    static QColor colorOf(Anatomy::Phase phase);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override; // the legend wraps in a narrow dock

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct Geometry
    {
        QRect label, bar, total;
    };
    Geometry geometryOf(int row) const;
    double scaleMs() const;
    int labelWidth() const;
    int rowHeight() const;
    int legendTop() const;
    // Where each legend entry goes at this width (flowing onto more lines as needed), and the height.
    QList<QPoint> legendPositions(int width, int *height) const;

    QList<Row> m_rows;
    mutable int m_labelWidth = 0; // 0: to be measured
};

} // namespace fn
