// fnstudio [PROJECT_DIR]: the desktop studio.
#include "common/settings.h"
#include "mainwindow/mainwindow.h"
#include "session/studiosession.h"
#include "workspace/terminationsignals.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QTimer>

int main(int argc, char *argv[])
{
    QCoreApplication::setOrganizationName(QStringLiteral("fnstudio"));
    QCoreApplication::setApplicationName(QStringLiteral("fnstudio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FN_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A studio for serverless functions."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"),
                                 QStringLiteral("Project folder (with template.yaml) to open."));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Grab the window to FILE (PNG) after DELAY ms and quit (for docs and checks)."),
        QStringLiteral("FILE"));
    const QCommandLineOption delay(QStringLiteral("screenshot-delay"), QStringLiteral("Delay before the screenshot."),
                                   QStringLiteral("ms"), QStringLiteral("1500"));
    const QCommandLineOption invoke(
        QStringLiteral("invoke"), QStringLiteral("Invoke the selected function this many times after opening (demo)."),
        QStringLiteral("N"));
    const QCommandLineOption raise(QStringLiteral("raise"),
                                   QStringLiteral("Bring these panels (comma-separated ids) to the front."),
                                   QStringLiteral("PANELS"));
    const QCommandLineOption saveLayout(
        QStringLiteral("save-layout"),
        QStringLiteral(
            "Write the window's dock layout to FILE and quit (how resources/layouts/default.layout is made)."),
        QStringLiteral("FILE"));
    const QCommandLineOption defaultLayout(QStringLiteral("default-layout"),
                                           QStringLiteral("Ignore the saved window layout."));
    const QCommandLineOption size(QStringLiteral("size"),
                                  QStringLiteral("Window size, e.g. 1600x1000 (for screenshots)."),
                                  QStringLiteral("WxH"));
    parser.addOptions({screenshot, delay, invoke, raise, saveLayout, defaultLayout, size});
    // --help and --version before QApplication, which aborts without a display: a QCoreApplication
    // needs none. Qt's own options (-platform, ...) are unknown to this first parse; the one after
    // QApplication takes them.
    {
        QStringList arguments;
        for (int i = 0; i < argc; ++i)
            arguments << QString::fromLocal8Bit(argv[i]);
        if (parser.parse(arguments)
            && (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("version")))) {
            QCoreApplication core(argc, argv);
            parser.process(core); // prints and exits 0
        }
    }
    QApplication app(argc, argv);
    // Before the engine: SIGTERM, SIGINT and SIGHUP (a logout, `kill`, Ctrl+C in the terminal) end
    // the studio as a quit does, the window state saved and every environment and helper ended as
    // the session and its workspace go, below. Unlike Ctrl+Q nothing asks about unsaved files: no one
    // may be there to answer. A requested end that completes is a success: exit 0.
    fn::TerminationSignals termination;
    if (!termination.isInstalled())
        qWarning("fnstudio: cannot handle SIGTERM, SIGINT and SIGHUP: they end the studio at once, and the "
                 "environments left are ended by the next start");
    parser.process(app);

    fn::StudioSession session;
    session.startEngine();
    fn::MainWindow window(session);
    if (!parser.isSet(defaultLayout)) {
        window.restoreGeometry(fn::settings::get(fn::settings::windowGeometry));
        window.restoreLayout(fn::settings::get(fn::settings::windowState));
    }
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(u'x');
        if (wh.size() == 2 && wh.at(0).toInt() > 0 && wh.at(1).toInt() > 0)
            window.resize(wh.at(0).toInt(), wh.at(1).toInt());
    }
    window.show();
    QObject::connect(&termination, &fn::TerminationSignals::requested, &window, [&window](int) {
        window.saveWindowState();
        QCoreApplication::exit(0);
    });

    QString project = parser.positionalArguments().value(0);
    if (project.isEmpty())
        project = fn::settings::get(fn::settings::lastProject);
    if (!project.isEmpty())
        window.openProject(QDir(project).absolutePath());

    if (parser.isSet(invoke)) {
        const int n = parser.value(invoke).toInt();
        // Invoke one after the other: the first cold, the rest warm on the same environment.
        auto *remaining = new int(n);
        auto next = [&window, remaining] {
            if ((*remaining)-- > 0)
                window.action(QStringLiteral("invoke"))->trigger();
        };
        QObject::connect(&session, &fn::StudioSession::busyChanged, &window, [next](bool busy) {
            if (!busy)
                QTimer::singleShot(100, next);
        });
        QTimer::singleShot(300, &window, next);
    }
    // After the first layout pass, which raises the default panel of each tab group.
    const QStringList raised = parser.value(raise).split(u',', Qt::SkipEmptyParts);
    QTimer::singleShot(50, &window, [&window, raised] {
        for (const QString &id : raised) {
            if (QDockWidget *dock = window.dock(id))
                dock->raise();
        }
    });
    if (parser.isSet(saveLayout)) {
        const QString file = parser.value(saveLayout);
        QTimer::singleShot(1000, &window, [&window, file] {
            QFile out(file);
            if (out.open(QIODevice::WriteOnly))
                out.write(window.saveLayout());
            window.close();
        });
    }
    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        QTimer::singleShot(parser.value(delay).toInt(), &window, [&window, file] {
            window.grab().save(file);
            window.close();
        });
    }
    return app.exec();
}
