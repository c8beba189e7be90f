#pragma once
// The Scheduler panel: the project's schedules with their next and last fires; enable, disable,
// fire now; add a schedule to template.yaml with a live preview; the clock's speed, so a class
// can watch a day of schedules pass in a minute.

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTableView;
class QTimer;

namespace fn {

class ScheduleForm;
class ScheduleModel;
class StudioSession;
class Workspace;

class SchedulerPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit SchedulerPanel(StudioSession &session, QWidget *parent = nullptr);

    ScheduleModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    ScheduleForm *form() const { return m_form; }
    QLabel *emptyLabel() const { return m_empty; }
    QLabel *noteLabel() const { return m_note; }
    QComboBox *speedCombo() const { return m_speed; }
    QPushButton *enableButton() const { return m_enable; }
    QPushButton *disableButton() const { return m_disable; }
    QPushButton *fireButton() const { return m_fire; }
    QPushButton *addButton() const { return m_addButton; }
    QPushButton *editButton() const { return m_edit; }

    // Re-reads the schedules from the triggers.
    void refresh();
    void selectSchedule(const QString &id);
    QString selectedId() const;
    void setSelectedEnabled(bool enabled);
    void fireSelected();
    void showAddForm();
    void showEditForm();
    // Writes the schedule into template.yaml and reloads the project; false (said in the window) on failure.
    bool addSchedule(const QString &function, const QString &eventId, const QString &expression, bool enabled);
    // Writes the schedule's new expression into template.yaml and reloads; false (said) on failure.
    bool editSchedule(const QString &function, const QString &eventId, const QString &expression);

    // The clock speeds offered: 1 (real time), 60, 1440 (a day a minute), 3600.
    static QList<double> speeds();
    // Runs the studio's clock at `speed` for this project until it is closed (settings.json's
    // clockSpeed is the speed it opens with).
    void setClockSpeed(double speed);

private:
    void updateButtons();
    void updateClock();
    void applySpeed(int index);

    StudioSession &m_session;
    Workspace &m_workspace;
    ScheduleModel *m_model;
    QStackedWidget *m_stack;
    QTableView *m_view;
    QLabel *m_empty;
    QLabel *m_note;
    QLabel *m_clock;
    QComboBox *m_speed;
    QPushButton *m_addButton;
    QPushButton *m_edit;
    QPushButton *m_enable;
    QPushButton *m_disable;
    QPushButton *m_fire;
    ScheduleForm *m_form;
    QTimer *m_clockTimer;
    // The speed chosen here for this project; re-applied when a reload puts settings.json's back.
};

} // namespace fn
