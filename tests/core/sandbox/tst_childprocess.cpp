// ChildProcess with real processes: clean environment, exec errors, exit and signal descriptions,
// every shutdown branch, and nothing left behind (zombies, descriptors).

#include "sandboxtestutil.h"

#include <sandbox/childprocess.h>

#include <QDir>
#include <QFile>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace fn;
using fn::test::readAll;
using fn::test::waitForOutput;

namespace {

ProcessSpec shell(const QString &script, const QStringList &env = {QStringLiteral("PATH=/usr/bin:/bin")})
{
    ProcessSpec spec;
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"), script};
    spec.environment = env;
    return spec;
}

ProcessSpec helper(const QStringList &args)
{
    ProcessSpec spec;
    spec.program = QStringLiteral(FN_SANDBOX_HELPER);
    spec.arguments = args;
    return spec;
}

// Gone, or a zombie of someone else's (an orphan waiting for init): either way it no longer runs.
bool processGone(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray text = stat.readAll();
    const int close = text.lastIndexOf(')');
    return close > 0 && text.mid(close + 2, 1) == "Z";
}

int openFdCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

} // namespace

class TestChildProcess final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void environmentIsExactlyWhatWasGiven()
    {
        ProcessSpec spec;
        spec.program = QStringLiteral("/usr/bin/env");
        spec.environment = {QStringLiteral("FOO=bar"), QStringLiteral("AWS_REGION=us-east-1")};
        qputenv("FN_SECRET_OF_THE_STUDIO", "leak");
        ChildProcess p;
        QString error;
        QVERIFY2(p.start(spec, &error), qPrintable(error));
        QCOMPARE(readAll(p), QByteArray("FOO=bar\nAWS_REGION=us-east-1\n"));
        QCOMPARE(p.waitForExit(10000)->describe(), QStringLiteral("exit status 0"));
        qunsetenv("FN_SECRET_OF_THE_STUDIO");
    }

    void relativeProgramIsRefused()
    {
        ProcessSpec spec;
        spec.program = QStringLiteral("sh");
        ChildProcess p;
        QString error;
        QVERIFY(!p.start(spec, &error));
        QVERIFY2(error.contains(QStringLiteral("absolute")), qPrintable(error));
    }

    void execFailureNamesTheProgram()
    {
        ProcessSpec spec;
        spec.program = QStringLiteral("/nonexistent/bootstrap");
        ChildProcess p;
        QString error;
        QVERIFY(!p.start(spec, &error));
        QVERIFY2(error.contains(QStringLiteral("/nonexistent/bootstrap")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("No such file or directory")), qPrintable(error));
        QCOMPARE(p.pid(), -1);
    }

    void execFailureOfANonExecutableFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bootstrap"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\necho hi\n");
        f.close();
        ProcessSpec spec;
        spec.program = path;
        ChildProcess p;
        QString error;
        QVERIFY(!p.start(spec, &error));
        QVERIFY2(error.contains(path) && error.contains(QStringLiteral("Permission denied")), qPrintable(error));
    }

    void cgroupPlacementFailureIsReported()
    {
        ProcessSpec spec = shell(QStringLiteral("exit 0"));
        spec.cgroupProcFiles = {QStringLiteral("/nonexistent/fnstudio/cgroup.procs")};
        ChildProcess p;
        QString error;
        QVERIFY(!p.start(spec, &error));
        QVERIFY2(error.contains(QStringLiteral("/nonexistent/fnstudio/cgroup.procs")), qPrintable(error));
    }

    void workingDirectoryAndMergedOutput()
    {
        QTemporaryDir dir;
        ProcessSpec spec = shell(QStringLiteral("pwd; echo to-stderr >&2; cat; echo end"));
        spec.workingDirectory = dir.path();
        ChildProcess p;
        QVERIFY(p.start(spec, nullptr));
        // cat returns at once: stdin is /dev/null.
        QCOMPARE(readAll(p), QFile::encodeName(QDir(dir.path()).canonicalPath()) + "\nto-stderr\nend\n");
    }

    void exitCodeIsDescribed()
    {
        ChildProcess p;
        QVERIFY(p.start(shell(QStringLiteral("exit 3")), nullptr));
        const auto status = p.waitForExit(10000);
        QVERIFY(status);
        QCOMPARE(status->kind, ExitStatus::Kind::Exited);
        QCOMPARE(status->code, 3);
        QCOMPARE(status->describe(), QStringLiteral("exit status 3"));
    }

    void signalIsDescribed_data()
    {
        QTest::addColumn<int>("sig");
        QTest::addColumn<QString>("text");
        QTest::newRow("SIGKILL") << int(SIGKILL) << QStringLiteral("signal: killed");
        QTest::newRow("SIGSEGV") << int(SIGSEGV) << QStringLiteral("signal: segmentation fault");
        QTest::newRow("SIGABRT") << int(SIGABRT) << QStringLiteral("signal: aborted");
        QTest::newRow("SIGTERM") << int(SIGTERM) << QStringLiteral("signal: terminated");
        QTest::newRow("SIGBUS") << int(SIGBUS) << QStringLiteral("signal: bus error");
    }

    void signalIsDescribed()
    {
        QFETCH(int, sig);
        QFETCH(QString, text);
        ChildProcess p;
        QVERIFY(p.start(helper({QStringLiteral("signal"), QString::number(sig)}), nullptr));
        const auto status = p.waitForExit(10000);
        QVERIFY(status);
        QCOMPARE(status->kind, ExitStatus::Kind::Signaled);
        QCOMPARE(status->signal, sig);
        QCOMPARE(status->describe(), text);
    }

    void waitForExitTimesOutWhileRunning()
    {
        ChildProcess p;
        QVERIFY(p.start(shell(QStringLiteral("exec sleep 1000")), nullptr));
        QVERIFY(!p.waitForExit(50));
        QVERIFY(p.isRunning());
        p.kill();
        QCOMPARE(p.waitForExit(10000)->describe(), QStringLiteral("signal: killed"));
        QVERIFY(!p.isRunning());
    }

    void pidFdBecomesReadableOnExit()
    {
        ChildProcess p;
        QVERIFY(p.start(shell(QStringLiteral("exit 0")), nullptr));
        QVERIFY(p.pidFd() >= 0);
        pollfd fd{p.pidFd(), POLLIN, 0};
        QCOMPARE(::poll(&fd, 1, 10000), 1);
        QCOMPARE(p.waitForExit(0)->describe(), QStringLiteral("exit status 0"));
    }

    void shutdownEndsAProcessThatHonoursSigterm()
    {
        ChildProcess p;
        QVERIFY(p.start(shell(QStringLiteral("echo ready; exec sleep 1000")), nullptr));
        QByteArray out;
        QVERIFY(waitForOutput(p, out, "ready"));
        QCOMPARE(p.shutdown(10000).describe(), QStringLiteral("signal: terminated"));
    }

    void shutdownKillsAProcessThatIgnoresSigterm()
    {
        ChildProcess p;
        QVERIFY(p.start(helper({QStringLiteral("ignore-term")}), nullptr));
        QByteArray out;
        QVERIFY(waitForOutput(p, out, "ready"));
        QCOMPARE(p.shutdown(100).describe(), QStringLiteral("signal: killed"));
    }

    void shutdownKillsTheWholeProcessGroup()
    {
        // The grandchild ignores SIGTERM and outlives its parent unless the group is swept with SIGKILL.
        ChildProcess p;
        QVERIFY(
            p.start(shell(QStringLiteral("(trap '' TERM; exec sleep 1000) & echo \"grandchild $!\"; wait")), nullptr));
        QByteArray out;
        QVERIFY(waitForOutput(p, out, "\n"));
        const qint64 grandchild = out.trimmed().split(' ').value(1).toLongLong();
        QVERIFY(grandchild > 0);
        QVERIFY(!processGone(grandchild));
        QCOMPARE(p.shutdown(10000).describe(), QStringLiteral("signal: terminated"));
        QTRY_VERIFY_WITH_TIMEOUT(processGone(grandchild), 10000);
    }

    void noZombieAndNoDescriptorLeft()
    {
        // A descriptor the studio opened without O_CLOEXEC must not reach the child either.
        const int stray = ::open("/dev/null", O_RDONLY);
        QVERIFY(stray >= 0);
        const int before = openFdCount();
        pid_t pid = -1;
        QByteArray childFds;
        {
            ChildProcess p;
            QVERIFY(p.start(shell(QStringLiteral("ls /proc/self/fd")), nullptr));
            pid = p.pid();
            childFds = readAll(p);
            QVERIFY(p.waitForExit(10000));
        }
        QCOMPARE(openFdCount(), before);
        QVERIFY(!QFile::exists(QStringLiteral("/proc/%1").arg(pid)));
        QCOMPARE(::waitpid(pid, nullptr, WNOHANG), -1);
        // ls sees 0, 1, 2 and the folder it is listing, nothing of ours.
        QSet<QByteArray> fds;
        for (const QByteArray &fd : childFds.trimmed().split('\n'))
            fds.insert(fd);
        QVERIFY2(!fds.contains(QByteArray::number(stray)), childFds.constData());
        QVERIFY2(fds.size() <= 4, childFds.constData());
        ::close(stray);
    }

    void passedDescriptorArrivesUnderItsNumberAndNothingElse()
    {
        // The runtime's end of a connection: the child reads what the parent wrote on the other end.
        int pair[2];
        QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
        QCOMPARE(::write(pair[0], "hello\n", 6), ssize_t(6));
        const int stray = ::open("/dev/null", O_RDONLY);
        ProcessSpec spec = shell(QStringLiteral("head -n 1 <&3; ls /proc/self/fd"));
        spec.passFds = {{pair[1], 3}};
        ChildProcess p;
        QString error;
        QVERIFY2(p.start(spec, &error), qPrintable(error));
        ::close(pair[1]);
        const QByteArray out = readAll(p);
        QVERIFY(p.waitForExit(10000));
        QVERIFY2(out.startsWith("hello\n"), out.constData());
        // 0, 1, 2, 3 and the folder ls lists: neither the stray nor the original number of the socket.
        QSet<QByteArray> fds;
        for (const QByteArray &fd : out.mid(6).trimmed().split('\n'))
            fds.insert(fd);
        QVERIFY2(fds.contains("3") && !fds.contains(QByteArray::number(stray)), out.constData());
        QVERIFY2(fds.size() <= 5, out.constData());
        // The child held the only other copy: its exit closes the connection.
        char c;
        QCOMPARE(::read(pair[0], &c, 1), ssize_t(0));
        ::close(pair[0]);
        ::close(stray);
    }

    void passedDescriptorsMayTradePlaces()
    {
        // Each descriptor is passed under the other's number: neither may be lost on the way.
        QTemporaryDir dir;
        const QString one = dir.filePath(QStringLiteral("one")), two = dir.filePath(QStringLiteral("two"));
        QFile a(one), b(two);
        QVERIFY(a.open(QIODevice::WriteOnly) && a.write("one\n") == 4);
        QVERIFY(b.open(QIODevice::WriteOnly) && b.write("two\n") == 4);
        a.close();
        b.close();
        const int fa = ::open(QFile::encodeName(one).constData(), O_RDONLY | O_CLOEXEC);
        const int fb = ::open(QFile::encodeName(two).constData(), O_RDONLY | O_CLOEXEC);
        ProcessSpec spec = shell(QStringLiteral("cat <&%1; cat <&%2").arg(fa).arg(fb));
        spec.passFds = {{fa, fb}, {fb, fa}};
        ChildProcess p;
        QString error;
        QVERIFY2(p.start(spec, &error), qPrintable(error));
        QCOMPARE(readAll(p), QByteArray("two\none\n"));
        QVERIFY(p.waitForExit(10000));
        ::close(fa);
        ::close(fb);
    }

    void passingOverAStandardStreamIsRefused()
    {
        ProcessSpec spec = shell(QStringLiteral("exit 0"));
        const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        spec.passFds = {{fd, 1}};
        ChildProcess p;
        QString error;
        QVERIFY(!p.start(spec, &error));
        QVERIFY2(error.contains(QStringLiteral("standard streams")), qPrintable(error));
        ::close(fd);
    }

    void destructorStopsARunningChild()
    {
        pid_t pid = -1;
        {
            ChildProcess p;
            QVERIFY(p.start(shell(QStringLiteral("exec sleep 1000")), nullptr));
            pid = p.pid();
        }
        QVERIFY(!QFile::exists(QStringLiteral("/proc/%1").arg(pid)));
    }

    void resolveExecutableFollowsSymlinks()
    {
        QTemporaryDir dir;
        const QString link = dir.filePath(QStringLiteral("mytool"));
        QVERIFY(QFile::link(QStringLiteral("/bin/true"), link));
        const QString real = QFileInfo(QStringLiteral("/bin/true")).canonicalFilePath();
        QCOMPARE(resolveExecutable(QStringLiteral("mytool"), {dir.path()}), real);
        QCOMPARE(resolveExecutable(link), real);
        QCOMPARE(resolveExecutable(QStringLiteral("true"), {QStringLiteral("/nonexistent"), QStringLiteral("/bin")}),
                 real);
        QVERIFY(resolveExecutable(QStringLiteral("no-such-tool-fn"), {dir.path()}).isEmpty());
        // A folder is not a program.
        QVERIFY(resolveExecutable(dir.path()).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestChildProcess)
#include "tst_childprocess.moc"
