// Each environment on its own network, tried as an attacker and as a user would: a handler that
// hunts for other environments' Runtime APIs takes nothing; a function without VpcConfig reaches a
// service on the host's loopback; one with VpcConfig reaches the project's endpoint and nothing else.
#include "enginetestsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <atomic>
#include <thread>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace fn;
using namespace fn::test;

namespace {

// A service on the host's loopback that greets whoever connects with its name, on its own thread.
class HostService
{
public:
    explicit HostService(QByteArray greeting)
        : m_greeting(std::move(greeting))
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(m_fd, reinterpret_cast<sockaddr *>(&a), len) != 0 || ::listen(m_fd, 16) != 0
            || ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&a), &len) != 0)
            return;
        m_port = ntohs(a.sin_port);
        m_thread = std::thread([this] {
            while (!m_stop) {
                pollfd p{m_fd, POLLIN, 0};
                if (::poll(&p, 1, 50) <= 0)
                    continue;
                const int c = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
                if (c < 0)
                    continue;
                ++m_connections;
                (void)!::write(c, m_greeting.constData(), size_t(m_greeting.size()));
                ::close(c);
            }
        });
    }
    ~HostService()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        ::close(m_fd);
    }
    int port() const { return m_port; }
    int connections() const { return m_connections; }

private:
    QByteArray m_greeting;
    int m_fd = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_connections{0};
    std::thread m_thread;
};

const QByteArray Handler = R"PY(
import json, os, socket, time

def probe(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5)
    t = time.monotonic()
    try:
        s.connect((host, port))
        data = s.recv(64)
        return {"ok": data.decode(), "ms": (time.monotonic() - t) * 1000}
    except OSError as e:
        return {"error": e.strerror or str(e), "ms": (time.monotonic() - t) * 1000}
    finally:
        s.close()

def listeners():
    ports = set()
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(path).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports

def steal(seconds, signal_port):
    seen, stolen = set(), []
    probe("127.0.0.1", signal_port)  # tells the test the hunt has begun
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for port in listeners():
            seen.add(port)
            if port == 9001:
                continue  # this environment's own Runtime API
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=0.2)
                s.settimeout(0.3)
                s.sendall(b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
                data = s.recv(65536)
                if data:
                    stolen.append(data.decode(errors="replace")[:400])
                s.close()
            except OSError:
                pass
        time.sleep(0.002)
    return {"seen": sorted(seen), "stolen": stolen}

def handler(event, context):
    action = event.get("action")
    if action == "probe":
        return [probe(h, p) for h, p in event["targets"]]
    if action == "steal":
        return steal(event["seconds"], event["signal"])
    if action == "runtime-api":
        return os.environ["AWS_LAMBDA_RUNTIME_API"]
    return {"card": event.get("card"), "mine": True}
)PY";

const QByteArray NodeHandler = R"JS(
exports.handler = async () => process.env.AWS_LAMBDA_RUNTIME_API;
)JS";

} // namespace

class TestNetwork : public QObject
{
    Q_OBJECT

    std::unique_ptr<Engine> m_engine;

    TempFunction python(const QString &name)
    {
        TempFunction f(name, QStringLiteral("python3.12"), QStringLiteral("app.handler"), 15, 128);
        f.write(QStringLiteral("app.py"), Handler);
        return f;
    }
    QJsonValue call(const FunctionConfig &config, const QJsonObject &event)
    {
        const auto r = m_engine->invoke(config, QJsonDocument(event).toJson(QJsonDocument::Compact));
        if (r.outcome != InvocationOutcome::Success) {
            qWarning("%s: %s", qPrintable(r.errorType), r.payload.constData());
            return {};
        }
        return QJsonDocument::fromJson("[" + r.payload + "]").array().first();
    }
    static QJsonArray target(const QString &host, int port) { return QJsonArray{host, port}; }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_engine = std::make_unique<Engine>();
        m_engine->setInitTimeoutMs(15000); // pasta's start on a loaded machine
    }
    void cleanupTestCase() { m_engine.reset(); }

    void runtimeApiIsInsideTheEnvironment_data()
    {
        QTest::addColumn<QString>("runtime");
        QTest::newRow("python") << QStringLiteral("python3.12");
        QTest::newRow("node") << QStringLiteral("nodejs20.x");
    }
    void runtimeApiIsInsideTheEnvironment()
    {
        QFETCH(QString, runtime);
        if (runtime.startsWith(QLatin1String("python"))) {
            auto f = python(QStringLiteral("NetApiPython"));
            QCOMPARE(call(f.config, {{QStringLiteral("action"), QStringLiteral("runtime-api")}}).toString(),
                     QStringLiteral("127.0.0.1:9001"));
        } else {
            TempFunction f(QStringLiteral("NetApiNode"), runtime, QStringLiteral("index.handler"), 15, 128);
            f.write(QStringLiteral("index.js"), NodeHandler);
            QCOMPARE(call(f.config, {}).toString(), QStringLiteral("127.0.0.1:9001"));
        }
    }

    void anotherEnvironmentsEventCannotBeTaken()
    {
        HostService signal("hunting");
        QVERIFY(signal.port() > 0);
        auto attacker = python(QStringLiteral("NetAttacker"));
        auto victim = python(QStringLiteral("NetVictim"));
        QJsonValue loot;
        std::thread hunt([&] {
            loot = call(attacker.config, {{QStringLiteral("action"), QStringLiteral("steal")},
                                          {QStringLiteral("seconds"), 4},
                                          {QStringLiteral("signal"), signal.port()}});
        });
        auto joinHunt = qScopeGuard([&hunt] { hunt.join(); });
        QTRY_VERIFY_WITH_TIMEOUT(signal.connections() > 0, 15000);
        // Cold starts while the attacker hunts.
        for (int i = 0; i < 3; ++i) {
            m_engine->retireFunction(victim.config.name, QStringLiteral("cold again")); // each start is cold
            const QJsonValue answer =
                call(victim.config, {{QStringLiteral("card"), QStringLiteral("4111111111111111")}});
            QCOMPARE(answer.toObject().value(QStringLiteral("card")).toString(), QStringLiteral("4111111111111111"));
            QVERIFY(answer.toObject().value(QStringLiteral("mine")).toBool());
        }
        joinHunt.dismiss();
        hunt.join();
        const QJsonObject result = loot.toObject();
        QVERIFY2(result.contains(QStringLiteral("seen")), "the attacker's invocation failed");
        const QString stolen =
            QString::fromUtf8(QJsonDocument(result.value(QStringLiteral("stolen")).toArray()).toJson());
        QVERIFY2(!stolen.contains(QLatin1String("4111111111111111")), qPrintable(stolen));
    }

    void withoutVpcTheHostsLoopbackIsReachable()
    {
        HostService service("host-service");
        auto f = python(QStringLiteral("NetPlain"));
        const QJsonArray results =
            call(f.config,
                 {{QStringLiteral("action"), QStringLiteral("probe")},
                  {QStringLiteral("targets"), QJsonArray{target(QStringLiteral("127.0.0.1"), service.port())}}})
                .toArray();
        QCOMPARE(results.size(), 1);
        QCOMPARE(results.at(0).toObject().value(QStringLiteral("ok")).toString(), QStringLiteral("host-service"));
    }

    void inAVpcOnlyTheProjectsEndpointsAreReachable()
    {
        HostService endpoint("project-endpoint");
        HostService other("other-host-service");
        auto f = python(QStringLiteral("NetVpc"));
        f.config.inVpc = true;
        f.config.environment = {
            {QStringLiteral("AWS_ENDPOINT_URL"), QStringLiteral("http://127.0.0.1:%1").arg(endpoint.port())}};
        const QJsonArray results =
            call(f.config, {{QStringLiteral("action"), QStringLiteral("probe")},
                            {QStringLiteral("targets"), QJsonArray{target(QStringLiteral("127.0.0.1"), endpoint.port()),
                                                                   target(QStringLiteral("127.0.0.1"), other.port()),
                                                                   target(QStringLiteral("1.1.1.1"), 80)}}})
                .toArray();
        QCOMPARE(results.size(), 3);
        QCOMPARE(results.at(0).toObject().value(QStringLiteral("ok")).toString(), QStringLiteral("project-endpoint"));
        const QJsonObject host = results.at(1).toObject();
        QCOMPARE(host.value(QStringLiteral("error")).toString(), QStringLiteral("Connection refused"));
        QVERIFY2(host.value(QStringLiteral("ms")).toDouble() < 1000, "refused at once, not after a timeout");
        const QJsonObject internet = results.at(2).toObject();
        QCOMPARE(internet.value(QStringLiteral("error")).toString(), QStringLiteral("Network is unreachable"));
        QVERIFY2(internet.value(QStringLiteral("ms")).toDouble() < 1000, "refused at once, not after a timeout");
        QCOMPARE(other.connections(), 0);
    }
};

QTEST_GUILESS_MAIN(TestNetwork)
#include "tst_network.moc"
