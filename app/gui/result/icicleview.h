#pragma once
// The import profile as an icicle: the handler's init the full width, each module a box under the
// module that imported it, as wide as its cumulative time; a box's name and times on hover.

#include "result/iciclelayout.h"

#include <QWidget>

namespace fn {

class IcicleView final : public QWidget
{
    Q_OBJECT
public:
    explicit IcicleView(QWidget *parent = nullptr);

    void setProfile(const ImportProfile &profile);
    const IcicleLayout &layout() const { return m_layout; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    int rowHeight() const;
    QRectF rectOf(const IcicleLayout::Box &box) const;

    IcicleLayout m_layout;
};

} // namespace fn
