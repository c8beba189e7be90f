// The sandbox's filesystem and namespaces as a function sees them: bubblewrap + /bin/sh, real mounts.

#include "sandboxtestutil.h"

#include <sandbox/bubblewrap.h>
#include <sandbox/childprocess.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

using namespace fn;

namespace {

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

} // namespace

class TestBubblewrap final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_code;
    QTemporaryDir m_runtime;
    SandboxLayout m_layout;

    // Runs a shell script in the sandbox; returns its merged output and leaves the status in *status.
    QByteArray run(const SandboxLayout &layout, const QString &script, QString *status = nullptr,
                   const std::vector<ProcessSpec::PassedFd> &passFds = {})
    {
        ProcessSpec spec;
        spec.passFds = passFds;
        spec.program = Bubblewrap::executable();
        spec.arguments = Bubblewrap::arguments(layout, {QStringLiteral("/bin/sh"), QStringLiteral("-c"), script});
        spec.environment = {QStringLiteral("PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin"),
                            QStringLiteral("LAMBDA_TASK_ROOT=/var/task")};
        ChildProcess p;
        QString error;
        if (!p.start(spec, &error)) {
            qWarning("%s", qPrintable(error));
            return {};
        }
        const QByteArray out = fn::test::readAll(p, 20000);
        const auto exit = p.waitForExit(20000);
        if (status)
            *status = exit ? exit->describe() : QStringLiteral("still running");
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        if (Bubblewrap::executable().isEmpty())
            QSKIP("bubblewrap (bwrap) is not installed");
        qInfo("bubblewrap %s at %s", qPrintable(Bubblewrap::version()), qPrintable(Bubblewrap::executable()));
        writeFile(m_code.filePath(QStringLiteral("handler.txt")), "hello from the code\n");
        writeFile(m_runtime.filePath(QStringLiteral("bootstrap.txt")), "runtime file\n");
        m_layout.codeDir = m_code.path();
        m_layout.runtimeDir = m_runtime.path();
        m_layout.tmpSizeMb = 2;
    }

    void runsInVarTaskWithOnlyTheGivenEnvironment()
    {
        QString status;
        const QByteArray out = run(m_layout, QStringLiteral("pwd; env | sort"), &status);
        QCOMPARE(status, QStringLiteral("exit status 0"));
        QCOMPARE(out, QByteArray("/var/task\nLAMBDA_TASK_ROOT=/var/task\nPATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin\n"
                                 "PWD=/var/task\n"));
    }

    void codeIsReadableButReadOnly()
    {
        const QByteArray out = run(m_layout, QStringLiteral("cat /var/task/handler.txt /var/runtime/bootstrap.txt; "
                                                            "touch /var/task/new 2>&1; echo \"rc=$?\""));
        QVERIFY2(out.startsWith("hello from the code\nruntime file\n"), out.constData());
        QVERIFY2(out.contains("Read-only file system") && out.contains("rc=1"), out.constData());
        QVERIFY(!QFile::exists(m_code.filePath(QStringLiteral("new"))));
    }

    void systemFoldersAreReadOnlyEvenForRoot()
    {
        const QByteArray out = run(m_layout, QStringLiteral("touch /usr/fn-probe 2>&1; touch /etc/fn-probe 2>&1; "
                                                            "mkdir /var/fn-probe 2>&1; grep CapEff /proc/self/status"));
        QVERIFY2(out.contains("touch: cannot touch '/usr/fn-probe': Read-only file system"), out.constData());
        QVERIFY2(out.contains("touch: cannot touch '/etc/fn-probe': Read-only file system"), out.constData());
        QVERIFY2(out.contains("mkdir: cannot create directory '/var/fn-probe': Read-only file system"),
                 out.constData());
        // No capabilities: even a studio running as root cannot remount the binds writable.
        QVERIFY2(out.contains("CapEff:\t0000000000000000"), out.constData());
        QVERIFY(!QFile::exists(QStringLiteral("/usr/fn-probe")));
    }

    void tmpIsWritableAndLimitedToItsSize()
    {
        const QByteArray out =
            run(m_layout, QStringLiteral("echo data > /tmp/a && cat /tmp/a; "
                                         "head -c 4194304 /dev/zero 2>&1 > /tmp/big; echo \"rc=$?\"; "
                                         "df -k /tmp | tail -1"));
        QVERIFY2(out.startsWith("data\n"), out.constData());
        QVERIFY2(out.contains("No space left on device") && out.contains("rc=1"), out.constData());
        QVERIFY2(out.contains(" 2048 "), out.constData()); // 2 MiB tmpfs
    }

    void homeIsInvisible()
    {
        const QString home = QDir::homePath();
        QVERIFY(QDir(home).exists());
        const QByteArray out = run(m_layout, QStringLiteral("ls -A '%1' 2>&1; ls /home 2>&1; echo end").arg(home));
        QVERIFY2(out.contains("No such file or directory"), out.constData());
        QVERIFY2(out.endsWith("end\n"), out.constData());
        // Nothing from the host's top level beyond what the layout binds.
        const QByteArray top = run(m_layout, QStringLiteral("ls -A /"));
        QCOMPARE(top.split('\n').size() > 1, true);
        for (const QByteArray &entry : top.trimmed().split('\n')) {
            static const QList<QByteArray> allowed{"bin", "dev",  "etc",  "lib", "lib32", "lib64", "libx32",
                                                   "opt", "proc", "sbin", "tmp", "usr",   "var"};
            QVERIFY2(allowed.contains(entry), entry.constData());
        }
    }

    void onlyTheSandboxsProcessesAreVisible()
    {
        const QByteArray out = run(m_layout, QStringLiteral("for p in /proc/[0-9]*; do echo \"${p#/proc/}\"; done"));
        const QList<QByteArray> pids = out.trimmed().split('\n');
        // bubblewrap's init, the shell, and nothing of the host (whose pids are far larger than this).
        QVERIFY2(pids.size() <= 3, out.constData());
        for (const QByteArray &pid : pids)
            QVERIFY2(pid.toInt() < 10, out.constData());
    }

    void layersAreMergedIntoOpt()
    {
        QTemporaryDir layer1;
        QTemporaryDir layer2;
        writeFile(layer1.filePath(QStringLiteral("python/one.py")), "one\n");
        writeFile(layer2.filePath(QStringLiteral("bin/two")), "two\n");
        SandboxLayout layout = m_layout;
        layout.layerDirs = {layer1.path()};
        QCOMPARE(run(layout, QStringLiteral("cat /opt/python/one.py")), QByteArray("one\n"));
        layout.layerDirs = {layer1.path(), layer2.path()};
        QCOMPARE(
            run(layout, QStringLiteral("cat /opt/python/one.py /opt/bin/two; touch /opt/x 2>/dev/null || echo ro")),
            QByteArray("one\ntwo\nro\n"));
    }

    void linksInCodeAndLayersLeadNowhereOnTheHost()
    {
        // The project reader refuses a code or layer folder that resolves outside the project; a link
        // further down stays a link and is read inside the sandbox, where the host's files are not.
        QTemporaryDir secret;
        writeFile(secret.filePath(QStringLiteral("id_rsa")), "secret\n");
        QTemporaryDir code;
        QTemporaryDir layer1;
        QTemporaryDir layer2;
        writeFile(layer2.filePath(QStringLiteral("python/two.py")), "two\n");
        for (const QString &dir : {code.path(), layer1.path()}) {
            QVERIFY(QFile::link(secret.path(), dir + QStringLiteral("/abs")));
            QVERIFY(QFile::link(QDir(dir).relativeFilePath(secret.path()), dir + QStringLiteral("/rel")));
        }
        QVERIFY(QFile::link(QStringLiteral("python"), layer2.filePath(QStringLiteral("lib")))); // stays working
        SandboxLayout layout = m_layout;
        layout.codeDir = code.path();
        for (const QStringList &layers : {QStringList{layer1.path()}, QStringList{layer1.path(), layer2.path()}}) {
            layout.layerDirs = layers;
            const QByteArray out =
                run(layout, QStringLiteral("for f in /var/task/abs /var/task/rel /opt/abs /opt/rel; "
                                           "do cat $f/id_rsa 2>/dev/null || echo \"$f: none\"; done; "
                                           "cat /opt/lib/two.py 2>/dev/null"));
            QVERIFY2(!out.contains("secret"), out.constData());
            QVERIFY2(out.startsWith("/var/task/abs: none\n/var/task/rel: none\n/opt/abs: none\n/opt/rel: none\n"),
                     out.constData());
            QCOMPARE(out.endsWith("two\n"), layers.size() == 2);
        }
    }

    void systemLibrariesAndCertificatesAreThere()
    {
        const QByteArray out = run(m_layout, QStringLiteral("test -e /etc/ld.so.cache && echo ldcache; "
                                                            "test -d /etc/ssl/certs && echo certs; "
                                                            "readlink /bin; echo hi | /usr/bin/tr a-z A-Z"));
        QVERIFY2(out.contains("ldcache\n") && out.contains("HI\n"), out.constData());
    }
    void copiedSystemFilesAreTheHostsAndReadOnly()
    {
        // As the engine starts environments: the small /etc files come in as copies bwrap reads
        // from inherited descriptors, not as binds.
        const QStringList files = Bubblewrap::copiedSystemFiles();
        QVERIFY2(files.contains(QStringLiteral("/etc/passwd")), qPrintable(files.join(u' ')));
        SandboxLayout layout = m_layout;
        std::vector<ProcessSpec::PassedFd> passed;
        int next = 3;
        for (const QString &file : files) {
            const int fd = ::open(QFile::encodeName(file).constData(), O_RDONLY | O_CLOEXEC);
            QVERIFY(fd >= 0);
            passed.push_back({fd, next});
            layout.copiedFiles.append({file, next++});
        }
        QString status;
        const QByteArray out = run(layout,
                                   QStringLiteral("for f in %1; do cksum < $f; done; "
                                                  "echo x >> /etc/hosts 2>&1 || echo refused; "
                                                  "stat -c %a /etc/passwd; ls /proc/self/fd | wc -l; "
                                                  "awk -F: '$1 == \"root\" { print $6 }' /etc/passwd")
                                       .arg(files.join(u' ')),
                                   &status, passed);
        for (const auto &p : passed)
            ::close(p.fd);
        QCOMPARE(status, QStringLiteral("exit status 0"));
        QByteArray expected;
        for (const QString &file : files) {
            QProcess cksum;
            cksum.setStandardInputFile(file);
            cksum.start(QStringLiteral("cksum"), QStringList{});
            QVERIFY(cksum.waitForFinished(5000));
            expected += cksum.readAllStandardOutput();
        }
        QVERIFY2(out.startsWith(expected), out.constData());
        const QList<QByteArray> rest = out.mid(expected.size()).trimmed().split('\n');
        QVERIFY2(rest.size() == 5 && rest.at(0).contains("Read-only file system") && rest.at(1) == "refused",
                 out.constData());
        QCOMPARE(rest.at(2), QByteArray("644"));
        // 0-2 and the folder ls reads: bubblewrap closed the descriptors it copied from.
        QCOMPARE(rest.at(3).trimmed(), QByteArray("4"));
        QCOMPARE(rest.at(4), QByteArray("/root"));
    }
};

QTEST_GUILESS_MAIN(TestBubblewrap)
#include "tst_bubblewrap.moc"
