#include "mainwindow/mainwindow.h"

#include "common/messagebar.h"
#include "common/settings.h"
#include "editor/codeeditor.h"
#include "editor/editorarea.h"
#include "engine/engine.h"
#include "events/neweventdialog.h"
#include "mainwindow/invokebar.h"
#include "mainwindow/paneltable.h"
#include "mainwindow/servecontrol.h"
#include "project/project.h"
#include "projecttree/newfunctiondialog.h"
#include "projecttree/projecttreemodel.h"
#include "result/importprofiledialog.h"
#include "runtime/runtimeregistry.h"
#include "session/studiosession.h"
#include "timeline/timelinepanel.h"
#include "timeline/timelineview.h"
#include "tuning/tunedialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDataStream>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace fn {

MainWindow::MainWindow(StudioSession &session, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_editors(new EditorArea(this))
    , m_invokeBar(new InvokeBar(session, this))
    , m_messages(new MessageBar(this))
    , m_engineStatus(new QLabel(this))
{
    setObjectName(QStringLiteral("fnstudio"));
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);
    // The timeline and logs span the whole width: time wants every pixel it can get.
    setCorner(Qt::BottomLeftCorner, Qt::BottomDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::BottomDockWidgetArea);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_messages);
    layout->addWidget(m_editors, 1);
    auto *welcome =
        new QLabel(tr("<h3>No file open</h3><p>Double-click a handler or an event in the Project tree to edit it.<br/>"
                      "Pick a function and an event above, then press <b>Ctrl+Return</b> to invoke.</p>"),
                   central);
    welcome->setAlignment(Qt::AlignCenter);
    welcome->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(welcome, 1);
    m_editors->hide();
    connect(m_editors, &EditorArea::countChanged, this, [this, welcome](int count) {
        m_editors->setVisible(count > 0);
        welcome->setVisible(count == 0);
    });
    setCentralWidget(central);

    auto *toolbar = new QToolBar(tr("Invoke"), this);
    toolbar->setObjectName(QStringLiteral("invokebar"));
    toolbar->setMovable(false);
    toolbar->addWidget(m_invokeBar);
    addToolBar(Qt::TopToolBarArea, toolbar);
    m_invokeBar->setOpenTextProvider([this](const QString &path) { return m_editors->openText(path); });
    // A handler's lexer is the one its runtime plugin's descriptor names.
    m_editors->setRuntimes([this] { return runtimes().plugins(); });
    // Invoking runs what is on disk: the function's code and layers are saved first (a failed save
    // is said in the window and nothing runs).
    m_invokeBar->setBeforeInvoke([this](const QString &functionName) {
        const std::optional<FunctionConfig> f = m_session.project().function(functionName);
        if (!f)
            return true; // the session says what is wrong with the request
        return m_editors->saveModifiedUnder(QStringList{f->codeDir} + f->layerDirs);
    });

    statusBar()->addPermanentWidget(m_engineStatus);
    m_engineStatus->setText(session.hasEngine() ? tr("Engine ready") : tr("No engine"));

    createDocks();
    createActions();
    applyDefaultLayout();

    connect(&session, &StudioSession::message, this,
            [this](StudioSession::Severity s, const QString &text) { showSessionMessage(int(s), text); });
    connect(&session, &StudioSession::eventsRecovered, this, [this](int count) {
        // Said where the user looks: events from an earlier run are being delivered again now.
        m_messages->showMessage(MessageBar::Level::Info, count == 1 ? tr("Recovered 1 accepted event")
                                                                    : tr("Recovered %1 accepted events").arg(count));
    });
    connect(&session, &StudioSession::openFileRequested, m_editors, &EditorArea::openFile);
    connect(&session, &StudioSession::newEventRequested, this, &MainWindow::newEvent);
    connect(&session, &StudioSession::newFunctionRequested, this, &MainWindow::newFunction);
    connect(&session, &StudioSession::fileWritten, m_editors, &EditorArea::fileChangedOnDisk);
    connect(m_editors, &EditorArea::editsKeptOverDisk, this, [this](const QString &path) {
        showSessionMessage(
            int(StudioSession::Severity::Warning),
            tr("%1 changed on disk; its tab keeps your unsaved edits, and saving them replaces the new file")
                .arg(QFileInfo(path).fileName()));
    });
    connect(&session, &StudioSession::projectChanged, this, &MainWindow::updateTitle);
    connect(m_editors, &EditorArea::fileSaved, this, [this](const QString &path) {
        if (!m_session.hasProject())
            return;
        const QString folder = m_session.project().folder();
        // The template and the events define the project: saving one of them re-reads it (a broken
        // template keeps the last good project, its errors marked in the tab).
        if (path == m_session.project().templatePath()
            || path.startsWith(QDir(folder).filePath(QStringLiteral("events/")))) {
            m_messages->dismiss();
            m_session.openProject(folder);
            return;
        }
        // Code: the workspace retires the function's environments now, so the next invocation is
        // cold on what was just saved.
        m_session.fileSaved(path);
    });
    connect(&session, &StudioSession::problemsChanged, this, [this](const QList<Diagnostic> &problems) {
        m_editors->markProblems(problems);
        if (problems.isEmpty() && m_showingProblems)
            m_messages->dismiss(); // mended: the banner about the broken file goes, and only that one
        m_showingProblems = !problems.isEmpty();
    });
    connect(m_editors, &EditorArea::errorOccurred, this,
            [this](const QString &text) { showSessionMessage(int(StudioSession::Severity::Error), text); });
    updateTitle();
    const QSize available = screen() ? screen()->availableSize() : QSize(1600, 1000);
    resize(qMin(1560, available.width()), qMin(960, available.height()));
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks()
{
    for (const PanelSpec &spec : panelTable()) {
        const QString id = QLatin1StringView(spec.id);
        auto *dock = new QDockWidget(QCoreApplication::translate("PanelTable", spec.title), this);
        dock->setObjectName(id);
        QWidget *panel = spec.create(m_session);
        panel->setObjectName(id + QStringLiteral("Panel"));
        dock->setWidget(panel);
        dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable
                          | QDockWidget::DockWidgetFloatable);
        m_docks.insert(id, dock);
    }
}

void MainWindow::applyDefaultLayout()
{
    for (const PanelSpec &spec : panelTable()) {
        QDockWidget *d = m_docks.value(QLatin1StringView(spec.id));
        d->setFloating(false);
        d->show();
        placeByTable(spec);
    }
    // The first panel of each tab group is the one in front.
    for (const PanelSpec &spec : panelTable()) {
        if (spec.placement != PanelSpec::Placement::TabWith)
            m_docks.value(QLatin1StringView(spec.id))->lower();
    }
    for (const PanelSpec &spec : panelTable()) {
        if (spec.placement != PanelSpec::Placement::TabWith)
            m_docks.value(QLatin1StringView(spec.id))->raise();
    }
    if (isVisible())
        applyDefaultSizes();
    else
        m_defaultSizesPending = true;
}

void MainWindow::placeByTable(const PanelSpec &spec)
{
    QDockWidget *d = m_docks.value(QLatin1StringView(spec.id));
    QDockWidget *other = spec.relativeTo ? m_docks.value(QLatin1StringView(spec.relativeTo)) : nullptr;
    switch (spec.placement) {
    case PanelSpec::Placement::Area:
        addDockWidget(spec.area, d);
        break;
    case PanelSpec::Placement::TabWith:
        tabifyDockWidget(other, d);
        break;
    case PanelSpec::Placement::SplitRightOf:
        splitDockWidget(other, d, Qt::Horizontal);
        break;
    case PanelSpec::Placement::SplitBelow:
        splitDockWidget(other, d, Qt::Vertical);
        break;
    }
}

void MainWindow::applyDefaultSizes()
{
    m_defaultSizesPending = false;
    // The shipped layout refines the table's arrangement with tuned sizes; it is ignored (and the
    // table's sizes used) once it no longer matches layoutVersion.
    QFile shipped(QStringLiteral(":/layouts/default.layout"));
    if (shipped.open(QIODevice::ReadOnly) && restoreState(shipped.readAll(), layoutVersion))
        return;
    auto docks = [this](const char *a, const char *b) {
        return QList<QDockWidget *>{m_docks.value(QLatin1StringView(a)), m_docks.value(QLatin1StringView(b))};
    };
    // Proportions inside the bottom and right areas first: sizing those takes from the side docks.
    resizeDocks(docks("timeline", "logs"), {55, 45}, Qt::Horizontal);
    // The Result panel holds the REPORT fields and the response; the memory chart reads well shorter.
    resizeDocks(docks("result", "memory"), {60, 40}, Qt::Vertical);
    QList<QDockWidget *> widthDocks, heightDocks;
    QList<int> widths, heights;
    for (const PanelSpec &spec : panelTable()) {
        if (spec.defaultSize <= 0 || spec.placement != PanelSpec::Placement::Area)
            continue;
        QDockWidget *d = m_docks.value(QLatin1StringView(spec.id));
        const bool vertical = spec.area == Qt::BottomDockWidgetArea || spec.area == Qt::TopDockWidgetArea;
        (vertical ? heightDocks : widthDocks).append(d);
        (vertical ? heights : widths).append(spec.defaultSize);
    }
    resizeDocks(widthDocks, widths, Qt::Horizontal);
    resizeDocks(heightDocks, heights, Qt::Vertical);
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    // Dock sizes only stick once the window has its final size: after this event is handled.
    if (m_defaultSizesPending)
        QTimer::singleShot(0, this, &MainWindow::applyDefaultSizes);
}

namespace {

// Whether a saved window state places this dock: QMainWindow's state names each dock by its
// objectName, written as a QDataStream QString.
bool stateNamesDock(const QByteArray &state, const QString &id)
{
    QByteArray name;
    QDataStream stream(&name, QIODevice::WriteOnly);
    stream << id;
    return state.contains(name);
}

} // namespace

bool MainWindow::restoreLayout(const QByteArray &state)
{
    if (!state.isEmpty() && restoreState(state, layoutVersion)) {
        m_defaultSizesPending = false;
        return true;
    }
    // A layout saved by an older studio keeps the user's arrangement of the docks it knows; a dock it
    // does not name (added since) goes where the panel table puts it, so none ends up squeezed in.
    for (int older = layoutVersion - 1; older >= 1 && !state.isEmpty(); --older) {
        if (!restoreState(state, older))
            continue;
        for (const PanelSpec &spec : panelTable()) {
            if (stateNamesDock(state, QLatin1StringView(spec.id)))
                continue;
            QDockWidget *d = m_docks.value(QLatin1StringView(spec.id));
            d->setFloating(false);
            d->show();
            placeByTable(spec);
            // Tabbing brings the new dock to the front: the group's anchor (Timeline, Project) goes
            // back there, rather than a panel the user has never asked for.
            QDockWidget *anchor = spec.relativeTo ? m_docks.value(QLatin1StringView(spec.relativeTo)) : nullptr;
            if (spec.placement == PanelSpec::Placement::TabWith && anchor && !anchor->isHidden())
                anchor->raise();
        }
        m_defaultSizesPending = false;
        return true;
    }
    applyDefaultLayout();
    return false;
}

QAction *MainWindow::addAction(QMenu *menu, const QString &id, const QString &text, const QKeySequence &shortcut)
{
    auto *a = menu->addAction(text);
    a->setObjectName(id);
    a->setShortcut(shortcut);
    // Shortcuts work wherever focus is in the window, docks included.
    a->setShortcutContext(Qt::ApplicationShortcut);
    m_actions.insert(id, a);
    return a;
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    connect(addAction(file, QStringLiteral("openProject"), tr("&Open Project…"), QKeySequence::Open),
            &QAction::triggered, this, [this] {
                const QString dir =
                    QFileDialog::getExistingDirectory(this, tr("Open Project"), m_session.project().folder());
                if (!dir.isEmpty())
                    openProject(dir);
            });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentProjects"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::updateRecentMenu);
    updateRecentMenu();
    connect(addAction(file, QStringLiteral("reloadProject"), tr("&Reload Project"), QKeySequence(tr("Ctrl+Shift+R"))),
            &QAction::triggered, this, [this] {
                if (m_session.hasProject())
                    openProject(m_session.project().folder());
            });
    connect(addAction(file, QStringLiteral("newFunction"), tr("New &Function…"), QKeySequence(tr("Ctrl+Alt+N"))),
            &QAction::triggered, this, &MainWindow::newFunction);
    connect(addAction(file, QStringLiteral("newEvent"), tr("&New Event…"), QKeySequence(tr("Ctrl+Shift+N"))),
            &QAction::triggered, this, [this] { newEvent(m_invokeBar->functionCombo()->currentText()); });
    file->addSeparator();
    connect(addAction(file, QStringLiteral("save"), tr("&Save"), QKeySequence::Save), &QAction::triggered, m_editors,
            &EditorArea::saveCurrent);
    connect(addAction(file, QStringLiteral("saveAll"), tr("Save A&ll"), QKeySequence(tr("Ctrl+Shift+S"))),
            &QAction::triggered, m_editors, &EditorArea::saveAll);
    connect(addAction(file, QStringLiteral("closeTab"), tr("&Close Tab"), QKeySequence::Close), &QAction::triggered,
            this, [this] {
                if (m_editors->currentIndex() >= 0)
                    m_editors->closeEditor(m_editors->currentIndex());
            });
    file->addSeparator();
    connect(addAction(file, QStringLiteral("quit"), tr("&Quit"), QKeySequence::Quit), &QAction::triggered, this,
            &QWidget::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    connect(addAction(edit, QStringLiteral("find"), tr("&Find…"), QKeySequence::Find), &QAction::triggered, this,
            [this] {
                if (CodeEditor *e = m_editors->currentEditor())
                    e->showFind(false);
            });
    connect(addAction(edit, QStringLiteral("replace"), tr("&Replace…"), QKeySequence(tr("Ctrl+H"))),
            &QAction::triggered, this, [this] {
                if (CodeEditor *e = m_editors->currentEditor())
                    e->showFind(true);
            });

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    connect(addAction(run, QStringLiteral("invoke"), tr("&Invoke"), QKeySequence(tr("Ctrl+Return"))),
            &QAction::triggered, m_invokeBar, &InvokeBar::invoke);
    QAction *cold =
        addAction(run, QStringLiteral("forceCold"), tr("Force &Cold Start"), QKeySequence(tr("Ctrl+Shift+K")));
    cold->setCheckable(true);
    connect(cold, &QAction::toggled, m_invokeBar->forceColdBox(), &QAbstractButton::setChecked);
    connect(m_invokeBar->forceColdBox(), &QAbstractButton::toggled, cold, &QAction::setChecked);
    connect(addAction(run, QStringLiteral("cancel"), tr("C&ancel Burst"), QKeySequence(tr("Ctrl+."))),
            &QAction::triggered, m_invokeBar, &InvokeBar::cancel);
    connect(addAction(run, QStringLiteral("tuneMemory"), tr("Tune &Memory…"), QKeySequence(tr("Ctrl+Shift+M"))),
            &QAction::triggered, this, &MainWindow::tuneMemory);
    QAction *profile = addAction(run, QStringLiteral("profileInit"), tr("&Profile Init (Import Profile)"),
                                 QKeySequence(tr("Ctrl+Shift+P")));
    profile->setToolTip(tr("One cold start with its module init's imports timed: what init spent its time on"));
    connect(profile, &QAction::triggered, m_invokeBar, [this] { m_invokeBar->profileImports(); });
    connect(&m_session, &StudioSession::importProfileRequested, m_invokeBar, &InvokeBar::profileImports);
    const auto profileDialog = [this] {
        if (!m_importProfile)
            m_importProfile = new ImportProfileDialog(this);
        m_importProfile->show();
        m_importProfile->raise();
        return m_importProfile;
    };
    connect(&m_session, &StudioSession::importProfileStarted, this,
            [profileDialog](const QString &function) { profileDialog()->showRunning(function); });
    connect(&m_session, &StudioSession::importProfileArrived, this,
            [profileDialog](const ImportProfileRun &run, const QList<PackageSize> &sizes) {
                profileDialog()->showRun(run, sizes);
            });
    run->addSeparator();
    auto *serve = new ServeControl(m_session.workspace(), m_session, this);
    run->addAction(serve->action());
    m_actions.insert(serve->action()->objectName(), serve->action());
    run->addAction(serve->settingsAction());
    m_actions.insert(serve->settingsAction()->objectName(), serve->settingsAction());
    if (auto *toolbar = findChild<QToolBar *>(QStringLiteral("invokebar")))
        toolbar->addAction(serve->action());
    statusBar()->addPermanentWidget(serve->statusLabel());
    connect(addAction(run, QStringLiteral("stopAll"), tr("&Stop All Environments"), QKeySequence(tr("Ctrl+Shift+X"))),
            &QAction::triggered, this, [this] {
                const QStringList ids = m_session.liveEnvironmentIds();
                for (const QString &id : ids)
                    m_session.stopEnvironment(id);
            });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (const PanelSpec &spec : panelTable()) {
        QAction *toggle = m_docks.value(QLatin1StringView(spec.id))->toggleViewAction();
        toggle->setObjectName(QStringLiteral("toggle_") + QLatin1StringView(spec.id));
        toggle->setShortcut(QKeySequence(QString::fromLatin1(spec.shortcut)));
        toggle->setShortcutContext(Qt::ApplicationShortcut);
        view->addAction(toggle);
        m_actions.insert(toggle->objectName(), toggle);
    }
    view->addSeparator();
    connect(addAction(view, QStringLiteral("fitTimeline"), tr("&Fit Timeline"), QKeySequence(tr("Ctrl+0"))),
            &QAction::triggered, this, [this] {
                if (auto *t = panel<TimelinePanel>(QStringLiteral("timeline")))
                    t->view()->fitAll();
            });
    connect(addAction(view, QStringLiteral("resetLayout"), tr("&Reset Layout"), QKeySequence()), &QAction::triggered,
            this, &MainWindow::applyDefaultLayout);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    connect(addAction(help, QStringLiteral("about"), tr("&About fnstudio"), QKeySequence()), &QAction::triggered, this,
            [this] {
                QMessageBox::about(
                    this, tr("About fnstudio"),
                    tr("<b>fnstudio %1</b><p>A studio for serverless functions: write a handler, pick an event, "
                       "invoke it in a real local execution environment.</p>")
                        .arg(QCoreApplication::applicationVersion()));
            });
}

void MainWindow::openProject(const QString &folder)
{
    if (!m_editors->maybeSaveAll())
        return;
    m_messages->dismiss();
    if (m_session.openProject(folder))
        statusBar()->showMessage(tr("Opened %1").arg(folder), 4000);
    if (m_session.hasProject()) {
        settings::set(settings::lastProject, m_session.project().folder());
        rememberProject(m_session.project().folder());
        openFirstHandler();
    }
}

QStringList MainWindow::recentProjects() const
{
    QStringList out;
    const QStringList stored = settings::get(settings::recentProjects);
    for (const QString &folder : stored) {
        if (!folder.isEmpty() && QFileInfo(folder).isDir() && !out.contains(folder))
            out.append(folder);
        if (out.size() == maxRecentProjects)
            break;
    }
    return out;
}

void MainWindow::rememberProject(const QString &folder)
{
    const QString canonical = QFileInfo(folder).absoluteFilePath();
    QStringList recent = recentProjects();
    recent.removeAll(canonical);
    recent.prepend(canonical);
    while (recent.size() > maxRecentProjects)
        recent.removeLast();
    settings::set(settings::recentProjects, recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = recentProjects();
    // Folders that vanished are dropped from the stored list too.
    if (recent != settings::get(settings::recentProjects))
        settings::set(settings::recentProjects, recent);
    for (int i = 0; i < recent.size(); ++i) {
        const QString folder = recent.at(i);
        QAction *a = m_recentMenu->addAction(tr("&%1 %2").arg(i + 1).arg(QDir::toNativeSeparators(folder)));
        a->setData(folder);
        // Queued: opening rebuilds this menu, which deletes the triggering action.
        connect(
            a, &QAction::triggered, this, [this, folder] { openProject(folder); }, Qt::QueuedConnection);
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::newEvent(const QString &functionName)
{
    if (!m_session.hasProject() || m_session.functions().isEmpty()) {
        showSessionMessage(int(StudioSession::Severity::Warning),
                           tr("Open a project with a function to add an event to."));
        return;
    }
    EventCatalogue catalogue;
    QString error;
    if (!NewEventDialog::loadDefaultCatalogue(&catalogue, &error)) {
        showSessionMessage(int(StudioSession::Severity::Error),
                           tr("The event catalogue cannot be read: %1").arg(error));
        return;
    }
    QStringList functions;
    for (const FunctionConfig &f : m_session.functions())
        functions.append(f.name);
    NewEventDialog dialog(catalogue, m_session.project().folder(), functions, this);
    dialog.setFunction(functionName);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString path = dialog.savedPath();
    // The events folder is part of the project: re-read it so the combo and the tree list the event.
    m_session.openProject(m_session.project().folder());
    m_session.chooseTarget(dialog.functionCombo()->currentText(), path);
    m_editors->openFile(path);
}

TuneDialog *MainWindow::tuneMemory()
{
    if (m_tune && m_tune->isRunning()) {
        m_tune->show();
        m_tune->raise();
        return m_tune;
    }
    QString problem;
    const std::optional<InvokeRequest> request = m_invokeBar->currentRequest(&problem);
    const QList<FunctionConfig> functions = m_session.functions();
    const auto function = std::find_if(functions.begin(), functions.end(), [&request](const FunctionConfig &f) {
        return request && f.name == request->functionName;
    });
    if (!request || function == functions.end()) {
        m_session.showMessage(StudioSession::Severity::Error,
                              problem.isEmpty() ? tr("Tune Memory: choose a function in the invoke bar first")
                                                : tr("Tune Memory: %1").arg(problem));
        return nullptr;
    }
    delete m_tune;
    m_tune = new TuneDialog(m_session, *function, request->payload, this);
    m_tune->show();
    return m_tune;
}

void MainWindow::newFunction()
{
    if (!m_session.hasProject()) {
        showSessionMessage(int(StudioSession::Severity::Warning), tr("Open a project to add a function to."));
        return;
    }
    const QString templatePath = m_session.project().templatePath();
    NewFunctionDialog dialog(templatePath, runtimes().plugins(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_session.notifyFileWritten(templatePath, tr("%1 was added").arg(dialog.functionName()));
    m_session.openProject(m_session.project().folder());
    m_session.chooseTarget(dialog.functionName(), dialog.eventPath());
    m_editors->openFile(dialog.handlerPath());
    statusBar()->showMessage(tr("Added %1").arg(dialog.functionName()), 4000);
}

const RuntimeRegistry &MainWindow::runtimes()
{
    if (m_session.hasEngine())
        return m_session.engine()->registry();
    if (!m_ownRuntimes) {
        m_ownRuntimes = std::make_unique<RuntimeRegistry>();
        m_ownRuntimes->load(RuntimeRegistry::defaultPluginRoot());
    }
    return *m_ownRuntimes;
}

void MainWindow::openFirstHandler()
{
    // A project opens on something to read: the selected function's handler and its event.
    const QString function = m_invokeBar->functionCombo()->currentText();
    for (const FunctionConfig &f : m_session.functions()) {
        if (f.name != function)
            continue;
        const QString event = m_invokeBar->eventCombo()->currentData().toString();
        if (!event.isEmpty())
            m_editors->openFile(event);
        const QString handler = ProjectTreeModel::handlerFile(f);
        if (!handler.isEmpty())
            m_editors->openFile(handler);
    }
}

void MainWindow::showSessionMessage(int severity, const QString &text)
{
    const auto s = StudioSession::Severity(severity);
    statusBar()->showMessage(text, 8000);
    if (s != StudioSession::Severity::Info)
        m_messages->showMessage(
            s == StudioSession::Severity::Error ? MessageBar::Level::Error : MessageBar::Level::Warning, text);
}

void MainWindow::updateTitle()
{
    const QString folder = m_session.hasProject() ? m_session.project().folder() : QString();
    setWindowTitle(folder.isEmpty() ? tr("fnstudio") : tr("%1 — fnstudio").arg(QDir(folder).dirName()));
    m_engineStatus->setText(m_session.hasEngine() ? tr("Engine ready") : tr("No engine in this build"));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_editors->maybeSaveAll()) {
        event->ignore();
        return;
    }
    saveWindowState();
    event->accept();
}

void MainWindow::saveWindowState()
{
    settings::set(settings::windowGeometry, saveGeometry());
    settings::set(settings::windowState, saveLayout());
}

} // namespace fn
