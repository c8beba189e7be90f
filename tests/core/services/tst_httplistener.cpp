// HttpListener: what a client can cost the servers fnstudio opens (the Invoke API, API Gateway,
// S3). Slow and idle clients hold only their own worker and are closed at their deadline; a burst
// of connections is served without a reset; a long handler is never cut.

#include "services/httplistener.h"

#include <QTest>

#include <httplib.h>

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace fn;
using namespace std::chrono_literals;

namespace {

int connectTo(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr *>(&to), sizeof to) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// True once the server has closed the connection (end of file or a reset), waiting up to `within`;
// whatever it still sends before that (the rest of an answer) is read and dropped.
bool closedByServer(int fd, std::chrono::milliseconds within)
{
    const auto deadline = std::chrono::steady_clock::now() + within;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, int(left.count())) <= 0)
            return false;
        char buffer[512];
        if (::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT) <= 0)
            return true;
    }
}

} // namespace

class TestHttpListener : public QObject
{
    Q_OBJECT

private:
    HttpListener m_listener;
    int m_port = 0;

    void start(HttpListener::Limits limits, std::chrono::milliseconds handlerTime = 0ms)
    {
        auto &svr = m_listener.reset(1024 * 1024, limits);
        svr.Get("/ping", [handlerTime](const httplib::Request &, httplib::Response &res) {
            std::this_thread::sleep_for(handlerTime);
            res.set_content("pong", "text/plain");
        });
        QString error;
        QVERIFY2(m_listener.listen(QStringLiteral("127.0.0.1"), 0, &error), qPrintable(error));
        m_port = m_listener.port();
    }

    // A whole request with Connection: close, and the answer read until the server closes (without
    // half-closing first, as rawExchange does: httplib does not answer a client that has).
    std::string ping(int timeoutSec = 10) const
    {
        const int fd = connectTo(m_port);
        if (fd < 0)
            return {};
        timeval timeout{timeoutSec, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        const std::string request = "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        std::string answer;
        if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == ssize_t(request.size())) {
            char buffer[4096];
            for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
                answer.append(buffer, size_t(n));
        }
        ::close(fd);
        return answer;
    }

private Q_SLOTS:
    void cleanup() { m_listener.stop(); }

    // The S3 endpoint had eight workers: eight clients sending their headers a byte at a time held
    // it for good. Now each holds its own worker, and everyone else is served.
    void slowAndIdleClientsHoldOnlyTheirOwnWorker()
    {
        start({});
        std::vector<int> held;
        for (int i = 0; i < 48; ++i) {
            const int fd = connectTo(m_port);
            QVERIFY(fd >= 0);
            if (i % 2 == 0) // half are slow: a request line and part of the headers, never the end
                ::send(fd, "GET /ping HTTP/1.1\r\nHost: x\r\n", 29, MSG_NOSIGNAL);
            held.push_back(fd); // the others are idle: connected, nothing sent
        }
        const std::string answer = ping(5);
        QVERIFY2(answer.rfind("HTTP/1.1 200", 0) == 0, answer.c_str());
        QVERIFY(answer.find("pong") != std::string::npos);
        for (const int fd : held)
            ::close(fd);
    }

    // A client that keeps sending header lines, never the blank one that ends them, is closed at its
    // deadline (httplib's own read timeout would let it go on for ever, a line every few seconds).
    void aRequestNotSentByItsDeadlineIsClosed()
    {
        start({5s, 1000ms});
        const int fd = connectTo(m_port);
        QVERIFY(fd >= 0);
        ::send(fd, "GET /ping HTTP/1.1\r\n", 20, MSG_NOSIGNAL);
        bool closed = false;
        for (int line = 0; line < 60 && !closed; ++line) { // a line every 250 ms, for up to 15 s
            const std::string header = "X-Slow-" + std::to_string(line) + ": 1\r\n";
            if (::send(fd, header.data(), header.size(), MSG_NOSIGNAL) < 0)
                closed = true;
            else
                closed = closedByServer(fd, 250ms);
        }
        ::close(fd);
        QVERIFY2(closed, "the server kept reading headers for 15 s past a 1 s deadline");
        // The listener still serves.
        QVERIFY(ping().rfind("HTTP/1.1 200", 0) == 0);
    }

    // An idle keep-alive connection is closed after its idle timeout, and one connected without
    // sending anything is closed too.
    void idleConnectionsAreClosed()
    {
        start({1s, 3000ms}); // the deadline leaves a loaded machine time to answer the first request
        const int silent = connectTo(m_port);
        QVERIFY(silent >= 0);
        QVERIFY2(closedByServer(silent, 15s), "a connection that never sent a byte stayed open");
        ::close(silent);

        const int kept = connectTo(m_port);
        QVERIFY(kept >= 0);
        const std::string request = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";
        QCOMPARE(::send(kept, request.data(), request.size(), MSG_NOSIGNAL), ssize_t(request.size()));
        char buffer[512];
        QVERIFY(::recv(kept, buffer, sizeof buffer, 0) > 0); // its answer; the connection stays open
        QVERIFY2(closedByServer(kept, 15s), "an idle keep-alive connection stayed open");
        ::close(kept);
    }

    // A handler that takes longer than the deadline (a synchronous invocation may take 15 minutes)
    // is never cut: the deadline is for sending the request, not for answering it.
    void aLongHandlerIsNotCut()
    {
        start({1s, 1000ms}, 4000ms);
        const std::string answer = ping(30);
        QVERIFY2(answer.rfind("HTTP/1.1 200", 0) == 0, answer.c_str());
        QVERIFY(answer.find("pong") != std::string::npos);
    }

    // 100 clients connecting at once (an SDK burst during cold starts): every one is answered, none
    // is reset (httplib listens with a backlog of 5 and had a fixed pool of workers).
    void aBurstOfOneHundredConnectionsIsServed()
    {
        start({}, 50ms);
        std::atomic<int> answered = 0;
        std::vector<std::string> failures(100);
        std::vector<std::thread> clients;
        for (int i = 0; i < 100; ++i)
            clients.emplace_back([this, i, &answered, &failures] {
                const std::string answer = ping(30);
                if (answer.rfind("HTTP/1.1 200", 0) == 0)
                    ++answered;
                else
                    failures[size_t(i)] = answer.empty() ? "<reset or no answer>" : answer.substr(0, 40);
            });
        for (auto &client : clients)
            client.join();
        QString first;
        for (const auto &failure : failures)
            if (!failure.empty() && first.isEmpty())
                first = QString::fromStdString(failure);
        QVERIFY2(answered == 100,
                 qPrintable(QStringLiteral("%1 of 100 answered; first failure: %2").arg(answered.load()).arg(first)));
    }
};

QTEST_GUILESS_MAIN(TestHttpListener)
#include "tst_httplistener.moc"
