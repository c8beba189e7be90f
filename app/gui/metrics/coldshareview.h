#pragma once
// The share of cold starts over time, a bar per bucket of start time: the bucket's height in the
// colour of a cold start, on a pale band where invocations ran (so idle stretches show as gaps).
// A class sees the cold starts at the start of a burst and again after the environments expired.

#include <QWidget>

namespace fn {

class MetricsModel;

class ColdShareView final : public QWidget
{
    Q_OBJECT
public:
    explicit ColdShareView(const MetricsModel &model, QWidget *parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    // "100 ms", "5 s", "10 min": a bucket's width as the title says it.
    static QString durationText(qint64 ms);
    // The tooltip of the bucket at x (empty where there is none).
    QString describe(int x) const;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRect plot() const;
    int bucketAt(int x) const;

    const MetricsModel &m_model;
};

} // namespace fn
