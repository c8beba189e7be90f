// The fnstudio binary as a user or a desktop session runs it: --help and --version without any
// display, and SIGTERM, SIGINT and SIGHUP (a logout, `kill`, Ctrl+C in the terminal) ending every
// execution environment before the studio exits 0, as its own quit does.
#include "functionprocesses.h"
#include "projectbuilder.h"
#include "sandboxleftovers.h"

#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

using fn::test::cgroupsOwnedBy;
using fn::test::functionProcesses;

namespace {

// The studio's settings in a folder of the test's, and the three signals at their defaults.
void prepareStudio(QProcess &studio, const QTemporaryDir &home, const QProcessEnvironment &environment)
{
    QProcessEnvironment env = environment;
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    studio.setProcessEnvironment(env);
    studio.setProcessChannelMode(QProcess::SeparateChannels);
    studio.setChildProcessModifier([] {
        for (const int signal : {SIGTERM, SIGINT, SIGHUP})
            ::signal(signal, SIG_DFL);
    });
}

QProcessEnvironment withoutDisplay()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        env.remove(QString::fromLatin1(name));
    return env;
}

} // namespace

class TestStudioProcess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void helpAndVersionNeedNoDisplay_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("expected");
        QTest::newRow("--help") << QStringLiteral("--help") << QStringLiteral("--screenshot <FILE>");
        QTest::newRow("-h") << QStringLiteral("-h") << QStringLiteral("Usage: ");
        QTest::newRow("--version") << QStringLiteral("--version") << QStringLiteral("fnstudio " FN_VERSION "\n");
    }
    void helpAndVersionNeedNoDisplay()
    {
        QFETCH(QString, option);
        QFETCH(QString, expected);
        QTemporaryDir home;
        QProcess studio;
        prepareStudio(studio, home, withoutDisplay());
        studio.start(QStringLiteral(FN_STUDIO), {option});
        QVERIFY(studio.waitForFinished(30000));
        const QString out = QString::fromLocal8Bit(studio.readAllStandardOutput());
        const QByteArray err = studio.readAllStandardError();
        QCOMPARE(studio.exitStatus(), QProcess::NormalExit);
        QVERIFY2(studio.exitCode() == 0, err.constData());
        QVERIFY2(out.contains(expected), qPrintable(out));
    }

    void signalEndsEveryEnvironment_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGINT") << int(SIGINT);
        QTest::newRow("SIGHUP") << int(SIGHUP);
    }
    void signalEndsEveryEnvironment()
    {
        QFETCH(int, signal);
        const QString name = QStringLiteral("Studio") + QString::fromLatin1(QTest::currentDataTag()).mid(3);
        fn::test::ProjectBuilder project;
        project.function(name)
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .code(QStringLiteral("app.py"), "def handler(event, context):\n    return 'warm'\n");

        QTemporaryDir home;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        QProcess studio;
        prepareStudio(studio, home, env);
        // --invoke 1: the function invoked once from the window once it is open; then it idles, warm.
        studio.start(QStringLiteral(FN_STUDIO), {project.path(), QStringLiteral("--default-layout"),
                                                 QStringLiteral("--invoke"), QStringLiteral("1")});
        QVERIFY(studio.waitForStarted());
        const qint64 pid = studio.processId();
        QTRY_VERIFY_WITH_TIMEOUT(!functionProcesses(name).isEmpty()
                                     && (fn::test::anyEnvironmentFrozen(pid) || cgroupsOwnedBy(pid).isEmpty()),
                                 30000);

        QCOMPARE(::kill(pid_t(pid), signal), 0);
        QVERIFY2(studio.waitForFinished(30000), "the studio did not exit after the signal");
        const QByteArray err = studio.readAllStandardError();
        QCOMPARE(studio.exitStatus(), QProcess::NormalExit);
        QVERIFY2(studio.exitCode() == 0, err.constData());
        QCOMPARE(functionProcesses(name), QStringList());
        QCOMPARE(cgroupsOwnedBy(pid), QStringList());
        // Ended as a quit ends it: the window's state kept for the next start.
        const QSettings saved(home.filePath(QStringLiteral("config/fnstudio/fnstudio.conf")), QSettings::IniFormat);
        QVERIFY(saved.contains(QStringLiteral("window/state")));
    }
};

QTEST_GUILESS_MAIN(TestStudioProcess)
#include "tst_studioprocess.moc"
