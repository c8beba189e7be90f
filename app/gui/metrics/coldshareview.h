#pragma once
// The share of cold starts over time, a bar per bucket of start time: the bucket's height in the
// colour of a cold start, on a pale band where invocations ran (so idle stretches show as gaps).
// A class sees the cold starts at the start of a burst and again after the environments expired.
// An imported cloud set gets a band of its own below, on its own time axis (it ran at another time).

#include <QRect>
#include <QWidget>

namespace fn {

class ColdShare;
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
    // The tooltip of the bucket at pos (empty where there is none).
    QString describe(const QPoint &pos) const;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct Band
    {
        QString name; // local, cloud
        const ColdShare *share;
        QRect rect;
    };
    QList<Band> bands() const;

    const MetricsModel &m_model;
};

} // namespace fn
