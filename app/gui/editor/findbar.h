#pragma once
// The find/replace strip under an editor: what to look for and what to do, as signals; it knows no editor.

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace fn {

class FindBar final : public QWidget
{
    Q_OBJECT
public:
    explicit FindBar(QWidget *parent = nullptr);

    QString findText() const;
    QString replaceText() const;
    bool caseSensitive() const;
    bool regularExpression() const;
    void setFindText(const QString &text);
    // Shows the bar with focus in the find field (and the replace row when asked).
    void activate(bool withReplace);
    void setStatus(const QString &text);

Q_SIGNALS:
    void findRequested(bool forward);
    void replaceRequested();
    void replaceAllRequested();
    void closed();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    QLineEdit *m_find;
    QLineEdit *m_replace;
    QWidget *m_replaceRow;
    QCheckBox *m_case;
    QCheckBox *m_regex;
    QLabel *m_status;
};

} // namespace fn
