// The Runtime API over HTTP as a runtime reaches it (provided bootstraps, AWS's runtime interface
// clients): any bytes on a connection to a fresh environment's server, while the engine's side plays
// an environment's life on its own thread — it waits for the runtime to be ready, then hands it one
// event after another (request id "fuzz-request") until the runtime has sent all it will.
//
// Properties: the server ends the connection once the runtime has sent everything (a /next that
// parked is given an event or an answer), and no answer the runtime was told was accepted is lost:
// each 202 to /response, /error and /init/error is an outcome for the engine (our bootstraps'
// /fnstudio/runtime-started is the one other 202). The converse is not checked: cpp-httplib writes
// no reply once the client has half-closed and nothing is left to read, so the last reply of an
// input may be missing on the wire (real runtimes never half-close).

#include "fuzzinput.h"
#include "runtime/runtimeapiserver.h"

#include <QString>

#include <atomic>
#include <thread>

namespace {

using fn::RuntimeApiServer;
using Signal = RuntimeApiServer::Signal;

size_t occurrences(std::string_view haystack, std::string_view needle)
{
    size_t count = 0;
    for (size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1))
        ++count;
    return count;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view input = fn::fuzz::text(data, size);
    RuntimeApiServer server;
    QString error;
    fn::fuzz::expect(server.start(&error), "the Runtime API listens");
    const int port = server.address().section(QLatin1Char(':'), -1).toInt();

    // The engine's side: what it was told, counted as the runtime was answered 202 for it.
    std::atomic<size_t> accepted = 0;
    std::thread engine([&server, &accepted] {
        const auto far = RuntimeApiServer::Clock::now() + std::chrono::seconds(60);
        const RuntimeApiServer::Outcome ready = server.waitUntilReady(far);
        if (ready.signal == Signal::InitError) {
            ++accepted;
            return;
        }
        if (ready.signal != Signal::Ready)
            return;
        RuntimeApiServer::Invocation invocation;
        invocation.requestId = "fuzz-request";
        invocation.payload = R"({"key": "value"})";
        invocation.functionArn = "arn:aws:lambda:us-east-1:123456789012:function:Fuzz";
        invocation.traceId = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";
        for (;;) {
            const RuntimeApiServer::Outcome outcome = server.invoke(invocation, far);
            if (outcome.signal == Signal::Response
                || (outcome.signal == Signal::Error && outcome.errorType != "Runtime.InvalidResponseModeHeader"))
                ++accepted;
            else if (outcome.signal != Signal::Error && outcome.signal != Signal::ResponseTooLarge)
                return; // aborted: the runtime has sent all it will
        }
    });

    std::string answer;
    fn::fuzz::exchange(port, input, &answer);
    server.abort();
    engine.join();
    server.stop();

    const size_t told = occurrences(answer, "HTTP/1.1 202 ");
    const size_t started = occurrences(input, "/fnstudio/runtime-started");
    fn::fuzz::expect(told <= accepted + started, "every answer the runtime was told was accepted reaches the engine");
    return 0;
}
