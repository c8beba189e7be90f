#pragma once
// The studio window: project tree, editor tabs in the middle, the invoke bar, and every dock panel
// built from the panel table; its dock layout is versioned, saved on close, and has a default.

#include <QDockWidget>
#include <QHash>
#include <QMainWindow>
#include <QPointer>

#include <memory>

class QAction;
class QLabel;
class QMenu;

namespace fn {

class EditorArea;
class ImportProfileDialog;
class InvokeBar;
class MessageBar;
class RuntimeRegistry;
class StudioSession;
class TuneDialog;
struct PanelSpec;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    // Bump when panels are added, removed, renamed or moved in the table, and remake
    // resources/layouts/default.layout. An older saved layout still opens: the docks it names where
    // the user left them, the others where the panel table puts them.
    static constexpr int layoutVersion = 5;

    explicit MainWindow(StudioSession &session, QWidget *parent = nullptr);
    ~MainWindow() override;

    QDockWidget *dock(const QString &id) const { return m_docks.value(id); }
    template <typename Panel> Panel *panel(const QString &id) const;
    QAction *action(const QString &id) const { return m_actions.value(id); }
    QList<QAction *> allActions() const { return m_actions.values(); }
    EditorArea *editors() const { return m_editors; }
    InvokeBar *invokeBar() const { return m_invokeBar; }
    MessageBar *messageBar() const { return m_messages; }
    // The import profile window (Run > Profile Init); null until first asked for.
    ImportProfileDialog *importProfileDialog() const { return m_importProfile; }

    // The table's arrangement refined by the shipped layout (first start, and View → Reset Layout).
    void applyDefaultLayout();
    // False (and the default layout applied) when the state is empty, corrupt or of a newer version.
    bool restoreLayout(const QByteArray &state);
    QByteArray saveLayout() const { return saveState(layoutVersion); }
    // Geometry and dock layout into the settings, for the next start (a close does it; so does the
    // end a termination signal asks for).
    void saveWindowState();
    void openProject(const QString &folder);
    // File → Open Recent: at most maxRecentProjects folders, most recent first, missing ones dropped.
    static constexpr int maxRecentProjects = 8;
    QStringList recentProjects() const;
    QMenu *recentMenu() const { return m_recentMenu; }
    // The catalogue dialog; a saved event is added to the project, picked and opened in a tab.
    void newEvent(const QString &functionName);
    // The New Function dialog; the created function is loaded, targeted and its handler opened.
    void newFunction();
    // Run → Tune Memory…: the dialog for the invoke bar's function and event (raised if open); null,
    // with the reason in the message bar, when there is no function or the event is not JSON.
    TuneDialog *tuneMemory();

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void createDocks();
    void createActions();
    QAction *addAction(QMenu *menu, const QString &id, const QString &text, const QKeySequence &shortcut);
    void showSessionMessage(int severity, const QString &text);
    void updateTitle();
    void applyDefaultSizes();
    void placeByTable(const PanelSpec &spec);
    void openFirstHandler();
    void rememberProject(const QString &folder);
    void updateRecentMenu();
    // The runtime plugins: the engine's, else (a studio without an engine) read once when first asked.
    const RuntimeRegistry &runtimes();

    StudioSession &m_session;
    EditorArea *m_editors;
    InvokeBar *m_invokeBar;
    MessageBar *m_messages;
    bool m_showingProblems = false; // the banner shows a broken project file's errors
    QLabel *m_engineStatus;
    ImportProfileDialog *m_importProfile = nullptr;
    QMenu *m_recentMenu = nullptr;
    QHash<QString, QDockWidget *> m_docks;
    QHash<QString, QAction *> m_actions;
    std::unique_ptr<RuntimeRegistry> m_ownRuntimes;
    QPointer<TuneDialog> m_tune;
    bool m_defaultSizesPending = false; // dock sizes only take once the window has its size
};

template <typename Panel> Panel *MainWindow::panel(const QString &id) const
{
    QDockWidget *d = dock(id);
    return d ? qobject_cast<Panel *>(d->widget()) : nullptr;
}

} // namespace fn
