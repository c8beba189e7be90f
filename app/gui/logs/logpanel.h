#pragma once
// The Logs dock: CloudWatch-style lines with a text filter, a level choice, "this invocation only",
// and follow mode that keeps the newest line in view; selected lines copy, visible lines export.

#include <QWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTimer;
class QTreeView;

namespace fn {

class LogModel;
class InvocationSelection;

class LogPanel final : public QWidget
{
    Q_OBJECT
public:
    LogPanel(LogModel &model, InvocationSelection &selection, QWidget *parent = nullptr);

    QTreeView *view() const { return m_view; }
    QComboBox *levelCombo() const { return m_level; }
    QCheckBox *selectedOnlyBox() const { return m_selectedOnly; }
    QAction *copyAction() const { return m_copy; }

    // A visible row as the view shows it: time, stream and message, tab-separated.
    QString rowText(int row) const;
    // The selected rows (in view order) to the clipboard, one line each.
    void copySelection();
    // Every visible (filtered) row to a text file, written whole or not at all.
    bool exportTo(const QString &path, QString *error = nullptr);

private:
    void applyFilter();
    void updateCount();
    void exportWithDialog();

    InvocationSelection &m_selection;
    LogModel &m_model;
    QTreeView *m_view;
    QLineEdit *m_filter;
    QComboBox *m_level;
    QComboBox *m_group;
    QCheckBox *m_selectedOnly;
    QCheckBox *m_follow;
    QLabel *m_count;
    QLabel *m_empty;
    QTimer *m_filterTimer;
    QAction *m_copy;
    QAction *m_export;
};

} // namespace fn
