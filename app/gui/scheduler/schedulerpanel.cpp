#include "scheduler/schedulerpanel.h"

#include "clock/clock.h"
#include "common/export.h"
#include "project/project.h"
#include "project/templateeventeditor.h"
#include "scheduler/scheduleform.h"
#include "scheduler/schedulemodel.h"
#include "session/studiosession.h"
#include "triggers/scheduler.h"
#include "workspace/workspace.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace fn {

SchedulerPanel::SchedulerPanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_workspace(session.workspace())
    , m_model(new ScheduleModel(this))
    , m_stack(new QStackedWidget(this))
    , m_view(new QTableView(this))
    , m_empty(new QLabel(this))
    , m_note(new QLabel(Scheduler::missedFiresNote(), this))
    , m_clock(new QLabel(this))
    , m_speed(new QComboBox(this))
    , m_addButton(new QPushButton(tr("Add Schedule…"), this))
    , m_edit(new QPushButton(tr("Edit…"), this))
    , m_enable(new QPushButton(tr("Enable"), this))
    , m_disable(new QPushButton(tr("Disable"), this))
    , m_fire(new QPushButton(tr("Fire Now"), this))
    , m_form(new ScheduleForm(this))
    , m_clockTimer(new QTimer(this))
{
    m_view->setModel(m_model);
    addTableExport(m_view, QStringLiteral("schedules"));
    m_view->setObjectName(QStringLiteral("scheduleView"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    // A project has a handful of schedules: columns follow their contents as results come in.
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    m_empty->setObjectName(QStringLiteral("schedulerEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_view);
    m_note->setObjectName(QStringLiteral("schedulerNote"));
    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_clock->setObjectName(QStringLiteral("schedulerClock"));
    m_speed->setObjectName(QStringLiteral("clockSpeed"));
    m_speed->setToolTip(tr("How fast the studio's clock runs: schedules, retries and keep-warm all follow it"));
    for (const double s : speeds()) {
        const QString label = s == 1      ? tr("Real time")
                              : s == 60   ? tr("60× (a minute a second)")
                              : s == 1440 ? tr("1440× (a day a minute)")
                                          : tr("%1× (an hour a second)").arg(s);
        m_speed->addItem(label, s);
    }
    m_form->setObjectName(QStringLiteral("scheduleForm"));
    m_form->hide();
    m_form->setNow([this] {
        const auto clock = m_workspace.clock();
        return clock ? QDateTime::fromMSecsSinceEpoch(clock->nowMs(), Qt::UTC) : QDateTime::currentDateTimeUtc();
    });
    m_form->setNameCheck([this](const QString &function, const QString &name) {
        if (!m_session.hasProject())
            return tr("Open a project first.");
        TemplateEventEditor editor;
        if (!editor.load(m_session.project().templatePath()))
            return editor.errorString();
        return editor.newEventIdProblem(function, name);
    });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_addButton);
    bar->addWidget(m_edit);
    bar->addWidget(m_enable);
    bar->addWidget(m_disable);
    bar->addWidget(m_fire);
    bar->addStretch();
    bar->addWidget(m_clock);
    bar->addWidget(new QLabel(tr("Clock:"), this));
    bar->addWidget(m_speed);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_note);
    layout->addWidget(m_form);

    connect(m_addButton, &QPushButton::clicked, this, &SchedulerPanel::showAddForm);
    connect(m_edit, &QPushButton::clicked, this, &SchedulerPanel::showEditForm);
    connect(m_view, &QAbstractItemView::doubleClicked, this, &SchedulerPanel::showEditForm);
    connect(m_enable, &QPushButton::clicked, this, [this] { setSelectedEnabled(true); });
    connect(m_disable, &QPushButton::clicked, this, [this] { setSelectedEnabled(false); });
    connect(m_fire, &QPushButton::clicked, this, &SchedulerPanel::fireSelected);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &SchedulerPanel::updateButtons);
    connect(m_form, &ScheduleForm::addRequested, this, &SchedulerPanel::addSchedule);
    connect(m_form, &ScheduleForm::editRequested, this, &SchedulerPanel::editSchedule);
    connect(m_form, &ScheduleForm::cancelled, m_form, &QWidget::hide);
    connect(m_speed, &QComboBox::activated, this, &SchedulerPanel::applySpeed);
    connect(&m_workspace, &Workspace::triggersChanged, this, &SchedulerPanel::refresh);
    connect(&m_workspace, &Workspace::scheduleChanged, this, [this](const ScheduleState &state) {
        m_model->update(state);
        m_stack->setCurrentWidget(m_view);
        updateButtons();
    });
    connect(m_clockTimer, &QTimer::timeout, this, &SchedulerPanel::updateClock);
    m_clockTimer->start(500);
    refresh();
}

QList<double> SchedulerPanel::speeds()
{
    return {1, 60, 1440, 3600};
}

void SchedulerPanel::refresh()
{
    // (A reload leaves the clock's speed as chosen here: the workspace re-applies settings.json's
    // clockSpeed only when that setting changes.)
    const QString selected = selectedId();
    m_model->resetData(m_workspace.schedules());
    QStringList functions;
    for (const FunctionConfig &f : m_session.functions())
        functions.append(f.name);
    m_form->setFunctions(functions);
    if (!m_session.hasProject())
        m_empty->setText(tr("Open a project to see its schedules."));
    else if (!m_workspace.triggers())
        m_empty->setText(tr("Schedules need the engine and the project's store, which are not available."));
    else
        m_empty->setText(tr("This project has no schedules.\nAdd one with “Add Schedule…”, or give a function a "
                            "Schedule event in template.yaml."));
    m_stack->setCurrentWidget(m_model->rowCount() > 0 ? static_cast<QWidget *>(m_view) : m_empty);
    if (!selected.isEmpty())
        selectSchedule(selected);
    updateButtons();
    updateClock();
}

void SchedulerPanel::selectSchedule(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row >= 0)
        m_view->selectRow(row);
}

QString SchedulerPanel::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.constFirst().data(ScheduleModel::IdRole).toString();
}

void SchedulerPanel::setSelectedEnabled(bool enabled)
{
    const QString id = selectedId();
    if (!id.isEmpty() && m_workspace.setScheduleEnabled(id, enabled))
        m_session.showMessage(StudioSession::Severity::Info,
                              enabled ? tr("%1 enabled for this session (template.yaml is unchanged)").arg(id)
                                      : tr("%1 disabled for this session (template.yaml is unchanged)").arg(id));
    updateButtons();
}

void SchedulerPanel::fireSelected()
{
    const QString id = selectedId();
    if (!id.isEmpty() && !m_workspace.fireNow(id))
        m_session.showMessage(StudioSession::Severity::Error, tr("%1 could not be fired").arg(id));
}

void SchedulerPanel::showAddForm()
{
    if (!m_session.hasProject() || m_session.functions().isEmpty()) {
        m_session.showMessage(StudioSession::Severity::Warning, tr("Open a project with a function to schedule."));
        return;
    }
    const QString id = selectedId();
    const int row = m_model->rowOf(id);
    m_form->begin(row >= 0 ? m_model->schedule(row).functionName : QString());
    m_form->show();
}

void SchedulerPanel::showEditForm()
{
    const int row = m_model->rowOf(selectedId());
    if (row < 0)
        return;
    const ScheduleState &s = m_model->schedule(row);
    m_form->beginEdit(s.functionName, s.eventId, s.expression);
    m_form->show();
}

bool SchedulerPanel::editSchedule(const QString &function, const QString &eventId, const QString &expression)
{
    if (!m_session.hasProject())
        return false;
    const QString path = m_session.project().templatePath();
    TemplateEventEditor editor;
    if (!editor.load(path) || !editor.setScheduleExpression(function, eventId, expression) || !editor.save()) {
        m_session.showMessage(StudioSession::Severity::Error,
                              tr("The schedule was not changed in %1: %2")
                                  .arg(m_session.project().displayPath(path), editor.errorString()));
        return false;
    }
    m_form->hide();
    // An open template.yaml tab follows the file (or asks, when it has unsaved edits).
    m_session.notifyFileWritten(path, tr("the schedule %1/%2 was changed").arg(function, eventId));
    m_session.showMessage(StudioSession::Severity::Info,
                          tr("%1/%2 now runs on %3 (saved in %4)")
                              .arg(function, eventId, expression, m_session.project().displayPath(path)));
    m_session.openProject(m_session.project().folder());
    selectSchedule(function + u'/' + eventId);
    return true;
}

bool SchedulerPanel::addSchedule(const QString &function, const QString &eventId, const QString &expression,
                                 bool enabled)
{
    if (!m_session.hasProject())
        return false;
    const QString path = m_session.project().templatePath();
    TemplateEventEditor editor;
    if (!editor.load(path) || !editor.addScheduleEvent(function, eventId, expression, enabled) || !editor.save()) {
        m_session.showMessage(StudioSession::Severity::Error,
                              tr("The schedule was not added to %1: %2")
                                  .arg(m_session.project().displayPath(path), editor.errorString()));
        return false;
    }
    m_form->hide();
    m_session.notifyFileWritten(path, tr("the schedule %1/%2 was added").arg(function, eventId));
    m_session.showMessage(StudioSession::Severity::Info,
                          tr("Added the schedule %1 (%2) to %3 in %4")
                              .arg(eventId, expression, function, m_session.project().displayPath(path)));
    // The template defines the project: re-read it; the triggers pick the schedule up with it.
    const QString id = function + u'/' + eventId;
    m_session.openProject(m_session.project().folder());
    selectSchedule(id);
    return true;
}

void SchedulerPanel::updateButtons()
{
    const int row = m_model->rowOf(selectedId());
    const bool has = row >= 0;
    const bool enabled = has && m_model->schedule(row).enabled;
    const bool valid = has && m_model->schedule(row).error.isEmpty();
    m_enable->setEnabled(has && !enabled && valid);
    m_disable->setEnabled(enabled);
    m_fire->setEnabled(valid);
    m_edit->setEnabled(has);
    m_addButton->setEnabled(m_workspace.triggers() != nullptr && !m_session.functions().isEmpty());
}

void SchedulerPanel::updateClock()
{
    const auto clock = m_workspace.clock();
    m_speed->setEnabled(clock && clock->mode() != Clock::Mode::Manual);
    if (!clock) {
        m_clock->setText(tr("No clock"));
        return;
    }
    m_clock->setText(ScheduleModel::timeText(QDateTime::fromMSecsSinceEpoch(clock->nowMs(), Qt::UTC)));
    const double speed = clock->mode() == Clock::Mode::Manual ? 0 : clock->speed();
    const int index = m_speed->findData(speed);
    if (index >= 0 && !m_speed->view()->isVisible())
        m_speed->setCurrentIndex(index);
}

void SchedulerPanel::applySpeed(int index)
{
    setClockSpeed(m_speed->itemData(index).toDouble());
}

void SchedulerPanel::setClockSpeed(double speed)
{
    const auto clock = m_workspace.clock();
    if (!clock || clock->mode() == Clock::Mode::Manual)
        return;
    if (speed <= 1)
        clock->setReal();
    else
        clock->setSpeed(speed);
    m_session.showMessage(StudioSession::Severity::Info,
                          speed <= 1 ? tr("The clock runs in real time")
                                     : tr("The clock runs %1× faster than real time").arg(speed));
    updateClock();
}

} // namespace fn
