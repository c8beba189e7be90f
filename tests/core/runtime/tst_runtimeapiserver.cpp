// The Runtime API (2018-06-01) driven by a plain HTTP client, as a runtime would: every endpoint,
// the headers of /next, and each error path with Lambda's exact status code and body.
#include "runtime/runtimeapiserver.h"

#include <httplib.h>

#include <QtTest>

#include <algorithm>
#include <future>
#include <map>
#include <string>

#include <unistd.h>

using namespace fn;
using Server = RuntimeApiServer;

namespace {

std::pair<std::string, int> hostPort(const Server &server)
{
    const QString address = server.address();
    return {address.section(QLatin1Char(':'), 0, 0).toStdString(), address.section(QLatin1Char(':'), 1).toInt()};
}

httplib::Client client(const Server &server)
{
    const auto [host, port] = hostPort(server);
    httplib::Client c(host, port);
    c.set_read_timeout(10, 0);
    return c;
}

Server::Clock::time_point in(int ms)
{
    return Server::Clock::now() + std::chrono::milliseconds(ms);
}

Server::Invocation invocation(const QByteArray &id, const QByteArray &payload = "{\"x\":1}")
{
    Server::Invocation inv;
    inv.requestId = id;
    inv.payload = payload;
    inv.deadlineMs = 1700000000123;
    inv.functionArn = "arn:aws:lambda:us-east-1:123456789012:function:F";
    inv.traceId = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0";
    return inv;
}

const std::string InvalidId = R"({"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"})";
const std::string Accepted = R"({"status":"OK"})";

// A runtime's side of the channel: blocking HTTP/1.1 on its end of the socket pair, as our
// bootstraps speak it.
struct ChannelClient
{
    int fd = -1;
    std::string pending;

    struct Reply
    {
        int status = 0;
        std::map<std::string, std::string> headers; // lower-case names
        std::string body;
    };

    ~ChannelClient()
    {
        if (fd >= 0)
            ::close(fd);
    }

    bool send(const std::string &method, const std::string &path, const std::string &body = {},
              const std::string &extraHeaders = {})
    {
        std::string out = method + ' ' + path + " HTTP/1.1\r\nHost: runtime\r\n" + extraHeaders;
        if (method == "POST")
            out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
        out += "\r\n" + body;
        for (size_t at = 0; at < out.size();) {
            const ssize_t n = ::write(fd, out.data() + at, out.size() - at);
            if (n <= 0)
                return false;
            at += size_t(n);
        }
        return true;
    }

    Reply read()
    {
        Reply r;
        char buf[65536];
        size_t headEnd;
        while ((headEnd = pending.find("\r\n\r\n")) == std::string::npos) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n <= 0)
                return r;
            pending.append(buf, size_t(n));
        }
        const std::string head = pending.substr(0, headEnd);
        r.status = std::atoi(head.c_str() + 9);
        size_t length = 0;
        for (size_t at = head.find("\r\n"); at != std::string::npos && at < head.size();) {
            const size_t next = head.find("\r\n", at + 2);
            const std::string line = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
            at = next;
            const size_t colon = line.find(':');
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return char(std::tolower(c)); });
            r.headers[name] = line.substr(colon + 2);
        }
        if (r.headers.count("content-length"))
            length = size_t(std::stoull(r.headers["content-length"]));
        pending.erase(0, headEnd + 4);
        while (pending.size() < length) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n <= 0)
                return r;
            pending.append(buf, size_t(n));
        }
        r.body = pending.substr(0, length);
        pending.erase(0, length);
        return r;
    }

    Reply exchange(const std::string &method, const std::string &path, const std::string &body = {},
                   const std::string &extraHeaders = {})
    {
        if (!send(method, path, body, extraHeaders))
            return {};
        return read();
    }
};

// A server whose runtime took its channel and waits in /next.
bool readyOnChannel(Server &server, ChannelClient &runtime)
{
    if (!server.start(nullptr))
        return false;
    runtime.fd = server.openChannel(nullptr);
    return runtime.fd >= 0 && runtime.send("GET", "/2018-06-01/runtime/invocation/next")
           && server.waitUntilReady(in(5000)).signal == Server::Signal::Ready;
}

} // namespace

class TestRuntimeApiServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nextDeliversTheEventWithLambdasHeaders()
    {
        Server server;
        QVERIFY(server.start(nullptr));
        auto runtime = client(server);
        auto next = std::async(std::launch::async, [&] { return runtime.Get("/2018-06-01/runtime/invocation/next"); });
        QCOMPARE(server.waitUntilReady(in(5000)).signal, Server::Signal::Ready);
        auto inv = invocation("req-1");
        inv.clientContext = R"({"client":{"app_title":"t"}})";
        auto outcome = std::async(std::launch::async, [&] { return server.invoke(inv, in(5000)); });
        const auto res = next.get();
        QVERIFY(res);
        QCOMPARE(res->status, 200);
        QCOMPARE(res->body, std::string("{\"x\":1}"));
        QCOMPARE(res->get_header_value("Lambda-Runtime-Aws-Request-Id"), std::string("req-1"));
        QCOMPARE(res->get_header_value("Lambda-Runtime-Deadline-Ms"), std::string("1700000000123"));
        QCOMPARE(res->get_header_value("Lambda-Runtime-Invoked-Function-Arn"),
                 std::string("arn:aws:lambda:us-east-1:123456789012:function:F"));
        QVERIFY(res->get_header_value("Lambda-Runtime-Trace-Id").starts_with("Root=1-"));
        QCOMPARE(res->get_header_value("Lambda-Runtime-Client-Context"),
                 std::string(R"({"client":{"app_title":"t"}})"));
        QVERIFY(!res->has_header("Lambda-Runtime-Cognito-Identity")); // only when present

        const auto posted =
            runtime.Post("/2018-06-01/runtime/invocation/req-1/response", "{\"ok\":true}", "application/json");
        QCOMPARE(posted->status, 202);
        QCOMPARE(posted->body, Accepted);
        const auto o = outcome.get();
        QCOMPARE(o.signal, Server::Signal::Response);
        QCOMPARE(o.body, QByteArray("{\"ok\":true}"));
        server.stop();
    }

    void errorCarriesTypeAndBodyUnchanged()
    {
        Server server;
        QVERIFY(server.start(nullptr));
        auto runtime = client(server);
        auto next = std::async(std::launch::async, [&] { return runtime.Get("/2018-06-01/runtime/invocation/next"); });
        QCOMPARE(server.waitUntilReady(in(5000)).signal, Server::Signal::Ready);
        auto outcome = std::async(std::launch::async, [&] { return server.invoke(invocation("req-2"), in(5000)); });
        QCOMPARE(next.get()->status, 200);
        const std::string body = R"({"errorMessage":"bad","errorType":"MyError","stackTrace":["a"]})";
        httplib::Headers headers{{"Lambda-Runtime-Function-Error-Type", "Function.MyError"}};
        const auto posted =
            runtime.Post("/2018-06-01/runtime/invocation/req-2/error", headers, body, "application/json");
        QCOMPARE(posted->status, 202);
        QCOMPARE(posted->body, Accepted);
        const auto o = outcome.get();
        QCOMPARE(o.signal, Server::Signal::Error);
        QCOMPARE(o.errorType, QByteArray("Function.MyError"));
        QCOMPARE(o.body.toStdString(), body);
    }

    void wrongLateAndRepeatedIdsAre400()
    {
        Server server;
        QVERIFY(server.start(nullptr));
        auto runtime = client(server);
        // Before the runtime ever asked for work: not a valid state for a response.
        auto early = runtime.Post("/2018-06-01/runtime/invocation/x/response", "{}", "application/json");
        QCOMPARE(early->status, 403);
        QVERIFY(early->body.find("\"errorType\":\"InvalidStateTransition\"") != std::string::npos);
        QVERIFY(early->body.find("State transition from Initializing to") != std::string::npos);

        auto next = std::async(std::launch::async, [&] { return runtime.Get("/2018-06-01/runtime/invocation/next"); });
        QCOMPARE(server.waitUntilReady(in(5000)).signal, Server::Signal::Ready);
        auto outcome = std::async(std::launch::async, [&] { return server.invoke(invocation("req-3"), in(5000)); });
        QCOMPARE(next.get()->status, 200);
        auto wrong = runtime.Post("/2018-06-01/runtime/invocation/other/response", "{}", "application/json");
        QCOMPARE(wrong->status, 400);
        QCOMPARE(wrong->body, InvalidId);
        auto empty = runtime.Post("/2018-06-01/runtime/invocation//error", "{}", "application/json");
        QCOMPARE(empty->status, 400);
        QCOMPARE(empty->body, InvalidId);
        QCOMPARE(runtime.Post("/2018-06-01/runtime/invocation/req-3/response", "1", "application/json")->status, 202);
        QCOMPARE(outcome.get().body, QByteArray("1"));
        auto again = runtime.Post("/2018-06-01/runtime/invocation/req-3/response", "2", "application/json");
        QCOMPARE(again->status, 400);
        QCOMPARE(again->body, InvalidId);
    }

    void payloadLimitIsSixMiBPlus100()
    {
        Server server;
        QVERIFY(server.start(nullptr));
        auto runtime = client(server);
        for (const qint64 size : {Server::MaxResponseBytes, Server::MaxResponseBytes + 1}) {
            auto next =
                std::async(std::launch::async, [&] { return runtime.Get("/2018-06-01/runtime/invocation/next"); });
            if (size == Server::MaxResponseBytes)
                QCOMPARE(server.waitUntilReady(in(5000)).signal, Server::Signal::Ready);
            const QByteArray id = "big-" + QByteArray::number(size);
            auto outcome = std::async(std::launch::async, [&] { return server.invoke(invocation(id), in(10000)); });
            QCOMPARE(next.get()->status, 200);
            const auto posted =
                runtime.Post(("/2018-06-01/runtime/invocation/" + id.toStdString() + "/response").c_str(),
                             std::string(size_t(size), 'a'), "application/octet-stream");
            const auto o = outcome.get();
            if (size == Server::MaxResponseBytes) {
                QCOMPARE(posted->status, 202);
                QCOMPARE(o.signal, Server::Signal::Response);
            } else {
                QCOMPARE(posted->status, 413);
                QCOMPARE(
                    posted->body,
                    std::string(
                        R"({"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"})"));
                QCOMPARE(o.signal, Server::Signal::ResponseTooLarge);
                QCOMPARE(o.bodySize, size);
            }
        }
    }

    void initErrorOnlyDuringInit()
    {
        Server server;
        QVERIFY(server.start(nullptr));
        auto runtime = client(server);
        httplib::Headers headers{{"Lambda-Runtime-Function-Error-Type", "Runtime.ImportModuleError"}};
        const std::string body =
            R"({"errorMessage":"Unable to import module 'app'","errorType":"Runtime.ImportModuleError"})";
        const auto posted = runtime.Post("/2018-06-01/runtime/init/error", headers, body, "application/json");
        QCOMPARE(posted->status, 202);
        QCOMPARE(posted->body, Accepted);
        const auto o = server.waitUntilReady(in(5000));
        QCOMPARE(o.signal, Server::Signal::InitError);
        QCOMPARE(o.errorType, QByteArray("Runtime.ImportModuleError"));
        QCOMPARE(o.body.toStdString(), body);
        // Once init has failed, asking for work is refused.
        const auto next = runtime.Get("/2018-06-01/runtime/invocation/next");
        QCOMPARE(next->status, 403);
        const auto twice = runtime.Post("/2018-06-01/runtime/init/error", "{}", "application/json");
        QCOMPARE(twice->status, 403);
    }

    void unknownPathsAre404AndRuntimeDeathWakesTheEngine()
    {
        Server server;
        QVERIFY(server.start(nullptr));
        auto runtime = client(server);
        QCOMPARE(runtime.Get("/2018-06-01/runtime/nothing")->status, 404);
        // The process died (the engine calls abort): waits end at once instead of at the deadline.
        auto waiting = std::async(std::launch::async, [&] { return server.waitUntilReady(in(60000)); });
        server.abort();
        QCOMPARE(waiting.get().signal, Server::Signal::Aborted);
        QCOMPARE(server.invoke(invocation("late"), in(60000)).signal, Server::Signal::Aborted);
    }

    void deadlinePassesWithoutAnAnswer()
    {
        Server server;
        QVERIFY(server.start(nullptr));
        QCOMPARE(server.waitUntilReady(in(50)).signal, Server::Signal::TimedOut);
    }
    // ------------------------------------------------------------------------------------------
    // The channel: the same protocol on a socket pair, served by the engine's waiting thread.

    void channelServesTheProtocolOnTheWaitingThread()
    {
        Server server;
        QVERIFY(server.start(nullptr));
        ChannelClient runtime;
        runtime.fd = server.openChannel(nullptr);
        QVERIFY(runtime.fd >= 0);
        QCOMPARE(server.openChannel(nullptr), -1); // one per environment

        auto first = std::async(std::launch::async, [&] {
            const auto started = runtime.exchange("POST", "/fnstudio/runtime-started");
            return std::make_pair(started, runtime.exchange("GET", "/2018-06-01/runtime/invocation/next"));
        });
        QCOMPARE(server.waitUntilReady(in(5000)).signal, Server::Signal::Ready);
        QVERIFY(server.runtimeStartedAt().has_value());
        QVERIFY(server.runtimeWaiting());
        auto inv = invocation("req-1");
        inv.cognitoIdentity = R"({"cognitoIdentityId":"id-1"})";
        auto outcome = std::async(std::launch::async, [&] { return server.invoke(inv, in(5000)); });
        const auto [started, next] = first.get();
        QCOMPARE(started.status, 202);
        QCOMPARE(next.status, 200);
        QCOMPARE(next.body, std::string("{\"x\":1}"));
        QCOMPARE(next.headers.at("lambda-runtime-aws-request-id"), std::string("req-1"));
        QCOMPARE(next.headers.at("lambda-runtime-deadline-ms"), std::string("1700000000123"));
        QCOMPARE(next.headers.at("lambda-runtime-invoked-function-arn"),
                 std::string("arn:aws:lambda:us-east-1:123456789012:function:F"));
        QVERIFY(next.headers.at("lambda-runtime-trace-id").starts_with("Root=1-"));
        QCOMPARE(next.headers.at("lambda-runtime-cognito-identity"), std::string(R"({"cognitoIdentityId":"id-1"})"));
        QVERIFY(!next.headers.count("lambda-runtime-client-context"));
        QVERIFY(!server.runtimeWaiting()); // busy with an invocation

        // A wrong id first, then the answer: both answered while the engine waits.
        const auto wrong = runtime.exchange("POST", "/2018-06-01/runtime/invocation/other/response", "{}");
        QCOMPARE(wrong.status, 400);
        QCOMPARE(wrong.body, InvalidId);
        QCOMPARE(runtime.exchange("POST", "/2018-06-01/runtime/invocation/req-1/response", "{\"ok\":true}").status,
                 202);
        auto o = outcome.get();
        QCOMPARE(o.signal, Server::Signal::Response);
        QCOMPARE(o.body, QByteArray("{\"ok\":true}"));

        // Between invocations nobody serves the channel; asking whether it waits reads its /next.
        QVERIFY(runtime.send("GET", "/2018-06-01/runtime/invocation/next"));
        QTRY_VERIFY_WITH_TIMEOUT(server.runtimeWaiting(), 5000);
        outcome = std::async(std::launch::async, [&] { return server.invoke(invocation("req-2"), in(5000)); });
        QCOMPARE(runtime.read().headers.at("lambda-runtime-aws-request-id"), std::string("req-2"));
        const auto posted = runtime.exchange("POST", "/2018-06-01/runtime/invocation/req-2/error",
                                             R"({"errorMessage":"bad","errorType":"MyError"})",
                                             "Lambda-Runtime-Function-Error-Type: Function.MyError\r\n");
        QCOMPARE(posted.status, 202);
        QCOMPARE(posted.body, Accepted);
        o = outcome.get();
        QCOMPARE(o.signal, Server::Signal::Error);
        QCOMPARE(o.errorType, QByteArray("Function.MyError"));

        // Unknown paths, and a /next while one is already parked.
        QVERIFY(runtime.send("GET", "/2018-06-01/runtime/invocation/next"));
        QTRY_VERIFY_WITH_TIMEOUT(server.runtimeWaiting(), 5000);
        QVERIFY(runtime.send("POST", "/2018-06-01/runtime/nothing", "{}"));
        QVERIFY(runtime.send("GET", "/2018-06-01/runtime/invocation/next"));
        QTest::qWait(50);
        QVERIFY(server.runtimeWaiting());
        QCOMPARE(runtime.read().status, 404);
        const auto twice = runtime.read();
        QCOMPARE(twice.status, 403);
        QVERIFY(twice.body.find("a /next request is already waiting") != std::string::npos);
    }

    void channelCarriesLargeEventsAndRefusesLargeResponses()
    {
        Server server;
        ChannelClient runtime;
        QVERIFY(readyOnChannel(server, runtime));
        // An event far larger than the socket's buffer goes out while the runtime reads it.
        const QByteArray big = "\"" + QByteArray(5 * 1024 * 1024, 'e') + "\"";
        for (const qint64 size : {Server::MaxResponseBytes + 1, Server::MaxResponseBytes}) {
            const QByteArray id = "big-" + QByteArray::number(size);
            auto outcome =
                std::async(std::launch::async, [&] { return server.invoke(invocation(id, big), in(20000)); });
            const auto event = runtime.read();
            QCOMPARE(event.status, 200);
            QCOMPARE(qsizetype(event.body.size()), big.size());
            const auto posted =
                runtime.exchange("POST", "/2018-06-01/runtime/invocation/" + id.toStdString() + "/response",
                                 std::string(size_t(size), 'a'));
            const auto o = outcome.get();
            if (size > Server::MaxResponseBytes) {
                QCOMPARE(posted.status, 413);
                QCOMPARE(
                    posted.body,
                    std::string(
                        R"({"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"})"));
                QCOMPARE(o.signal, Server::Signal::ResponseTooLarge);
                QCOMPARE(o.bodySize, size);
            } else {
                QCOMPARE(posted.status, 202);
                QCOMPARE(o.signal, Server::Signal::Response);
                QCOMPARE(o.body.size(), size);
            }
            QVERIFY(runtime.send("GET", "/2018-06-01/runtime/invocation/next"));
        }
    }

    void channelInitErrorClosedEndAndAbort()
    {
        {
            Server server;
            QVERIFY(server.start(nullptr));
            ChannelClient runtime;
            runtime.fd = server.openChannel(nullptr);
            QVERIFY(runtime.send("POST", "/2018-06-01/runtime/init/error",
                                 R"({"errorMessage":"m","errorType":"Runtime.ImportModuleError"})",
                                 "Lambda-Runtime-Function-Error-Type: Runtime.ImportModuleError\r\n"));
            const auto o = server.waitUntilReady(in(5000));
            QCOMPARE(o.signal, Server::Signal::InitError);
            QCOMPARE(o.errorType, QByteArray("Runtime.ImportModuleError"));
            QCOMPARE(runtime.read().status, 202);
        }
        {
            // The runtime closed its end and lives on: the wait ends at its deadline, not at once and not never.
            Server server;
            QVERIFY(server.start(nullptr));
            const int end = server.openChannel(nullptr);
            ::close(end);
            QCOMPARE(server.waitUntilReady(in(100)).signal, Server::Signal::TimedOut);
            // Its death (the engine's abort) ends a long wait at once.
            auto waiting = std::async(std::launch::async, [&] { return server.waitUntilReady(in(60000)); });
            QTest::qWait(20);
            server.abort();
            QCOMPARE(waiting.wait_for(std::chrono::seconds(5)), std::future_status::ready);
            QCOMPARE(waiting.get().signal, Server::Signal::Aborted);
        }
    }

    void httpRequestsWakeAnEngineServingTheChannel()
    {
        // Any process in the sandbox may reach AWS_LAMBDA_RUNTIME_API over HTTP: its requests act on
        // the same state, and an answer there wakes the engine thread that waits on the channel.
        Server server;
        ChannelClient runtime;
        QVERIFY(readyOnChannel(server, runtime));
        auto outcome = std::async(std::launch::async, [&] { return server.invoke(invocation("req-h"), in(10000)); });
        QCOMPARE(runtime.read().status, 200);
        auto http = client(server);
        QCOMPARE(http.Post("/2018-06-01/runtime/invocation/req-h/response", "\"via http\"", "application/json")->status,
                 202);
        QCOMPARE(outcome.wait_for(std::chrono::seconds(5)), std::future_status::ready);
        QCOMPARE(outcome.get().body, QByteArray("\"via http\""));
    }
};

QTEST_GUILESS_MAIN(TestRuntimeApiServer)
#include "tst_runtimeapiserver.moc"
