// Each environment's own network, with real namespaces and pasta: what fnstudio-netns makes, a child
// started inside it (as root, and through the user namespace for a normal user), the spare the
// pool makes ahead, and a host service that started after that spare was made.

#include "sandboxtestutil.h"

#include <sandbox/childprocess.h>
#include <sandbox/sandboxnetwork.h>

#include <QFile>
#include <QTcpServer>
#include <QTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace fn;
using fn::test::readAll;

namespace {

using Clock = NetworkSlot::Clock;

QString linkText(const QString &path)
{
    char buffer[256];
    const ssize_t n = ::readlink(QFile::encodeName(path).constData(), buffer, sizeof buffer);
    return n > 0 ? QString::fromLatin1(buffer, int(n)) : QString();
}

QString namespaceOf(int fd)
{
    return linkText(QStringLiteral("/proc/self/fd/%1").arg(fd));
}

// The network namespace a child started with this spec runs in, as `readlink /proc/self/ns/net` says.
QString childNamespace(ProcessSpec spec)
{
    spec.program = QStringLiteral("/usr/bin/readlink");
    spec.arguments = {QStringLiteral("/proc/self/ns/net")};
    ChildProcess child;
    QString error;
    if (!child.start(spec, &error)) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    const QString said = QString::fromLatin1(readAll(child)).trimmed();
    child.waitForExit(5000);
    return said;
}

NetworkPolicy vpcWithoutEndpoints() // nothing to reach: no pasta, only the namespace
{
    NetworkPolicy policy;
    policy.reach = NetworkPolicy::Reach::Vpc;
    return policy;
}

} // namespace

class TestSandboxNetwork : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (NetworkSlot::helperProgram().isEmpty())
            QFAIL("fnstudio-netns is not built");
        if (NetworkSlot::pastaExecutable().isEmpty())
            QFAIL("pasta is missing: ./fnstudio.sh installs passt");
    }

    void aChildRunsInsideTheEnvironmentsNamespace()
    {
        QString error;
        auto slot = NetworkSlot::create(vpcWithoutEndpoints(), Clock::now() + std::chrono::seconds(10), &error);
        QVERIFY2(slot, qPrintable(error));
        ProcessSpec spec;
        slot->applyTo(spec);
        QVERIFY(spec.joinNetworkNamespace >= 0);
        const QString expected = namespaceOf(spec.joinNetworkNamespace);
        QVERIFY(expected.startsWith(QLatin1String("net:[")));
        QVERIFY(expected != linkText(QStringLiteral("/proc/self/ns/net")));
        QCOMPARE(childNamespace(spec), expected);

        // A descriptor passed under the namespace's own number does not take its place.
        const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        spec.passFds.push_back({null, spec.joinNetworkNamespace});
        if (spec.joinUserNamespace >= 0)
            spec.passFds.push_back({null, spec.joinUserNamespace});
        QCOMPARE(childNamespace(spec), expected);
        ::close(null);
    }

    void theRuntimeApiListenerIsInsideAtLambdasAddress()
    {
        QString error;
        auto slot = NetworkSlot::create(vpcWithoutEndpoints(), Clock::now() + std::chrono::seconds(10), &error);
        QVERIFY2(slot, qPrintable(error));
        const int listener = slot->takeListener();
        QVERIFY(listener >= 0);
        QCOMPARE(slot->takeListener(), -1);
        sockaddr_in address{};
        socklen_t length = sizeof address;
        QCOMPARE(::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length), 0);
        QCOMPARE(ntohs(address.sin_port), NetworkSlot::RuntimeApiPort);
        QCOMPARE(ntohl(address.sin_addr.s_addr), quint32(INADDR_LOOPBACK));
        // The host's own 127.0.0.1:9001 is not it: nothing there answers (or something else does).
        ::close(listener);
    }

    void thePoolHandsOutASpareMadeAhead()
    {
        NetworkPool pool(1);
        QCOMPARE(pool.spares(), 0);
        pool.prepare();
        QTRY_COMPARE_WITH_TIMEOUT(pool.spares(), 1, 10000);
        QString error;
        auto slot = pool.take(NetworkPolicy{}, Clock::now() + std::chrono::seconds(10), &error);
        QVERIFY2(slot, qPrintable(error));
        QCOMPARE(pool.spares(), 0);
        // Ready with pasta, or (a machine without a network, such as the cgroup v2 guest) having said
        // why there is no reach. Usually settled already; a loaded machine may still be starting pasta
        // (a wait of no time failed under a full suite with the vm test beside it), so no timing here.
        QString why;
        const bool reach = slot->waitReady(Clock::now() + std::chrono::seconds(10), &why);
        QVERIFY2(reach || !why.contains(QLatin1String("in time")), qPrintable(why));
        QCOMPARE(slot->reachProblem(), reach ? QString() : why);
        QTRY_COMPARE_WITH_TIMEOUT(pool.spares(), 1, 10000); // the next, after a pause
        // A function in a VPC gets a network of its own policy, never the spare.
        auto vpc = pool.take(vpcWithoutEndpoints(), Clock::now() + std::chrono::seconds(10), &error);
        QVERIFY2(vpc, qPrintable(error));
        QCOMPARE(vpc->policy().reach, NetworkPolicy::Reach::Vpc);
        QCOMPARE(pool.spares(), 1);
    }

    void aHostServiceStartedAfterTheSpareIsNotMissed()
    {
        NetworkPool pool(1);
        pool.prepare();
        QTRY_COMPARE_WITH_TIMEOUT(pool.spares(), 1, 10000);
        QTcpServer service;
        QVERIFY(service.listen(QHostAddress::LocalHost));
        QVERIFY(NetworkSlot::hostListeners().contains(service.serverPort()));
        QString error;
        auto slot = pool.take(NetworkPolicy{}, Clock::now() + std::chrono::seconds(10), &error);
        QVERIFY2(slot, qPrintable(error));
        // Made after the service started (pasta forwarded it at once), not the spare from before.
        QVERIFY(slot->hostListenersAtStart().contains(service.serverPort()));
    }
};

QTEST_GUILESS_MAIN(TestSandboxNetwork)
#include "tst_sandboxnetwork.moc"
