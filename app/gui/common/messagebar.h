#pragma once
// A strip at the top of the window that shows problems (broken template, event not JSON, missing
// runtime) where the user is looking, until dismissed; never only on stderr.

#include <QWidget>

class QLabel;
class QToolButton;

namespace fn {

class MessageBar final : public QWidget
{
    Q_OBJECT
public:
    enum class Level { Info, Warning, Error };

    explicit MessageBar(QWidget *parent = nullptr);

    // Repeated messages are counted, not stacked; the bar shows the latest and how many there are.
    void showMessage(Level level, const QString &text);
    void dismiss();
    QString text() const;
    QStringList history() const { return m_history; }

private:
    QLabel *m_icon;
    QLabel *m_text;
    QToolButton *m_close;
    QStringList m_history;
    QStringList m_pending;
};

} // namespace fn
