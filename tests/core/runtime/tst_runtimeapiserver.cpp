// The Runtime API (2018-06-01) driven by a plain HTTP client, as a runtime would: every endpoint,
// the headers of /next, and each error path with Lambda's exact status code and body.
#include "runtime/runtimeapiserver.h"

#include <httplib.h>

#include <QtTest>

#include <future>

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

} // namespace

class tst_RuntimeApiServer : public QObject
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
        QCOMPARE(res->get_header_value("Lambda-Runtime-Client-Context"), std::string(R"({"client":{"app_title":"t"}})"));
        QVERIFY(!res->has_header("Lambda-Runtime-Cognito-Identity")); // only when present

        const auto posted = runtime.Post("/2018-06-01/runtime/invocation/req-1/response", "{\"ok\":true}", "application/json");
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
        const auto posted = runtime.Post("/2018-06-01/runtime/invocation/req-2/error", headers, body, "application/json");
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
            auto next = std::async(std::launch::async, [&] { return runtime.Get("/2018-06-01/runtime/invocation/next"); });
            if (size == Server::MaxResponseBytes)
                QCOMPARE(server.waitUntilReady(in(5000)).signal, Server::Signal::Ready);
            const QByteArray id = "big-" + QByteArray::number(size);
            auto outcome = std::async(std::launch::async, [&] { return server.invoke(invocation(id), in(10000)); });
            QCOMPARE(next.get()->status, 200);
            const auto posted = runtime.Post(("/2018-06-01/runtime/invocation/" + id.toStdString() + "/response").c_str(),
                                             std::string(size_t(size), 'a'), "application/octet-stream");
            const auto o = outcome.get();
            if (size == Server::MaxResponseBytes) {
                QCOMPARE(posted->status, 202);
                QCOMPARE(o.signal, Server::Signal::Response);
            } else {
                QCOMPARE(posted->status, 413);
                QCOMPARE(posted->body, std::string(R"({"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"})"));
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
        const std::string body = R"({"errorMessage":"Unable to import module 'app'","errorType":"Runtime.ImportModuleError"})";
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
};

QTEST_GUILESS_MAIN(tst_RuntimeApiServer)
#include "tst_runtimeapiserver.moc"
