// The sandbox's filesystem and namespaces as a function sees them: bubblewrap + /bin/sh, real mounts.

#include "sandboxtestutil.h"

#include <sandbox/bubblewrap.h>
#include <sandbox/childprocess.h>
#include <sandbox/sandboxprobe.h>
#include <sandbox/seccompfilter.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

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

    // As the engine starts a sandbox: with Bubblewrap::prepare's filter, copied files and limits.
    QByteArray runPrepared(SandboxLayout layout, const QString &script,
                           const QString &program = QStringLiteral("/bin/sh"))
    {
        ProcessSpec spec;
        QString error;
        if (!Bubblewrap::prepare(spec, layout, 3, &error)) {
            qWarning("%s", qPrintable(error));
            return {};
        }
        spec.arguments = Bubblewrap::arguments(layout, {program, QStringLiteral("-c"), script});
        spec.environment = {QStringLiteral("PATH=/usr/bin:/bin")};
        ChildProcess p;
        const bool started = p.start(spec, &error);
        for (const ProcessSpec::PassedFd &fd : spec.passFds)
            ::close(fd.fd);
        if (!started) {
            qWarning("%s", qPrintable(error));
            return {};
        }
        const QByteArray out = fn::test::readAll(p, 20000);
        p.waitForExit(20000);
        return out;
    }

    static qsizetype indexOfSequence(const QStringList &args, const QStringList &sequence)
    {
        for (qsizetype i = 0; i + sequence.size() <= args.size(); ++i) {
            if (args.mid(i, sequence.size()) == sequence)
                return i;
        }
        return -1;
    }

    // Python in the sandbox: each call's errno name, or "ok".
    static constexpr const char *SyscallProbe = R"PY(
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
def outcome(r):
    return "ok" if r != -1 else errno.errorcode[ctypes.get_errno()]
print("unshare-user", outcome(libc.unshare(0x10000000)))
print("unshare-files", outcome(libc.unshare(0x400)))
print("ptrace", outcome(libc.ptrace(0, 0, None, None)))
print("mount", outcome(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)))
)PY";

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

    void argumentsAskForLambdasUserInAUserNamespace()
    {
        const QStringList args = Bubblewrap::arguments(m_layout, {QStringLiteral("/bin/true")});
        QVERIFY(indexOfSequence(args, {QStringLiteral("--unshare-user"), QStringLiteral("--uid"), QStringLiteral("993"),
                                       QStringLiteral("--gid"), QStringLiteral("990")})
                >= 0);
        QVERIFY(indexOfSequence(args, {QStringLiteral("--cap-drop"), QStringLiteral("ALL")}) >= 0);
    }

    void argumentsBindKernelKnobsReadOnlyOverTheSandboxsProc()
    {
        const QStringList args = Bubblewrap::arguments(m_layout, {QStringLiteral("/bin/true")});
        const qsizetype proc = indexOfSequence(args, {QStringLiteral("--proc"), QStringLiteral("/proc")});
        QVERIFY(proc >= 0);
        QVERIFY(Bubblewrap::readOnlyKernelPaths().contains(QStringLiteral("/proc/sys")));
        for (const QString &knob : Bubblewrap::readOnlyKernelPaths())
            QVERIFY2(indexOfSequence(args, {QStringLiteral("--ro-bind"), knob, knob}) > proc, qPrintable(knob));
    }

    void argumentsPassTheSeccompFilterOnlyWhenGiven()
    {
        SandboxLayout layout = m_layout;
        QVERIFY(!Bubblewrap::arguments(layout, {QStringLiteral("/bin/true")}).contains(QStringLiteral("--seccomp")));
        layout.seccompFd = 7;
        const QStringList args = Bubblewrap::arguments(layout, {QStringLiteral("/bin/true")});
        const qsizetype at = indexOfSequence(args, {QStringLiteral("--seccomp"), QStringLiteral("7")});
        QVERIFY(at >= 0 && at < args.indexOf(QStringLiteral("--")));
    }

    void argumentsBoundDevShm()
    {
        SandboxLayout layout = m_layout;
        layout.shmSizeMb = 3;
        const QStringList args = Bubblewrap::arguments(layout, {QStringLiteral("/bin/true")});
        QVERIFY(indexOfSequence(args, {QStringLiteral("--size"), QString::number(3 << 20), QStringLiteral("--tmpfs"),
                                       QStringLiteral("/dev/shm")})
                > args.indexOf(QStringLiteral("--dev")));
    }

    void seccompFilterRefusesWhatLambdaDoesNotOffer()
    {
        const SeccompFilter &filter = SeccompFilter::instance();
        QVERIFY2(filter.isValid(), qPrintable(filter.error()));
        QCOMPARE(filter.program().size() % 8, 0); // struct sock_filter is 8 bytes
        for (const char *call : {"ptrace", "keyctl", "add_key", "request_key", "init_module", "finit_module", "mount",
                                 "umount2", "pivot_root", "reboot", "kexec_load", "swapon", "bpf", "perf_event_open",
                                 "userfaultfd", "setns", "open_by_handle_at"})
            QVERIFY2(filter.blockedCalls().contains(QLatin1String(call)), call);
        QVERIFY(filter.ruleCount() > filter.blockedCalls().size());
    }

    void prepareGivesTheFilterTheIdentityAndTheLimits()
    {
        SandboxLayout layout = m_layout;
        ProcessSpec spec;
        QString error;
        QVERIFY2(Bubblewrap::prepare(spec, layout, 5, &error), qPrintable(error));
        const auto closeAll = qScopeGuard([&spec] {
            for (const ProcessSpec::PassedFd &p : spec.passFds)
                ::close(p.fd);
        });
        QCOMPARE(spec.program, Bubblewrap::executable());
        QCOMPARE(spec.maxOpenFiles, 1024);
        QCOMPARE(layout.seccompFd, 5);
        QCOMPARE(spec.passFds.front().as, 5);
        for (const auto &[path, fd] : std::as_const(layout.copiedFiles)) {
            if (path != QLatin1String("/etc/passwd"))
                continue;
            const auto passed = std::find_if(spec.passFds.begin(), spec.passFds.end(),
                                             [fd](const ProcessSpec::PassedFd &p) { return p.as == fd; });
            QVERIFY(passed != spec.passFds.end());
            char buf[4096];
            const ssize_t n = ::read(passed->fd, buf, sizeof buf);
            QCOMPARE(QByteArray(buf, int(n)), Bubblewrap::generatedSystemFile(path));
        }
    }

    void runsAsLambdasUser()
    {
        QCOMPARE(runPrepared(m_layout, QStringLiteral("id")), QByteArray("uid=993(sbx_user1051) gid=990 groups=990\n"));
    }

    void kernelSettingsAreReadOnly()
    {
        // Writes the host's own value back: a failure of this test changes nothing.
        QFile host(QStringLiteral("/proc/sys/kernel/core_uses_pid"));
        QVERIFY(host.open(QIODevice::ReadOnly));
        const QByteArray before = host.readAll().trimmed();
        host.close();
        const QByteArray out = runPrepared(
            m_layout,
            QStringLiteral("echo %1 > /proc/sys/kernel/core_uses_pid 2>&1; echo rc=$?").arg(QLatin1String(before)));
        QVERIFY2(out.contains("Read-only file system") && out.contains("rc=2"), out.constData());
        QVERIFY(host.open(QIODevice::ReadOnly));
        QCOMPARE(host.readAll().trimmed(), before);
    }

    void seccompMakesTheDifference()
    {
        // Without the filter a nested user namespace and tracing oneself work; with it, EPERM.
        // Harmless calls (unshare of the file table) stay allowed.
        const QByteArray open =
            run(m_layout, QStringLiteral("/usr/bin/python3 -c '%1'").arg(QLatin1String(SyscallProbe)));
        QVERIFY2(open.contains("unshare-user ok") && open.contains("ptrace ok"), open.constData());
        const QByteArray filtered =
            runPrepared(m_layout, QLatin1String(SyscallProbe), QStringLiteral("/usr/bin/python3"));
        QCOMPARE(filtered, QByteArray("unshare-user EPERM\nunshare-files ok\nptrace EPERM\nmount EPERM\n"));
    }

    void limitsAreLambdas()
    {
        const QByteArray out =
            runPrepared(m_layout, QStringLiteral("ulimit -n; df -k /dev/shm | awk 'NR == 2 { print $2 }'"));
        QCOMPARE(out, QByteArray("1024\n65536\n"));
    }

    void probeSaysWhatIsInForce()
    {
        const SandboxProbe probe = SandboxProbe::run();
        QVERIFY2(probe.ran, qPrintable(probe.error));
        QCOMPARE(probe.uid, 993);
        QCOMPARE(probe.gid, 990);
        QCOMPARE(probe.user, QStringLiteral("sbx_user1051"));
        QCOMPARE(probe.hostUid, qint64(::getuid()));
        QVERIFY(probe.ownUserNamespace);
        QVERIFY(probe.kernelKnobsReadOnly);
        QVERIFY(probe.seccomp);
        QCOMPARE(probe.capabilities, quint64(0));
        QCOMPARE(probe.openFiles, 1024);
        QCOMPARE(probe.shmBytes, qint64(64) << 20);
    }
};

QTEST_GUILESS_MAIN(TestBubblewrap)
#include "tst_bubblewrap.moc"
