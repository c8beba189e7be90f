// The Lambda Invoke API as a client reaches it: any bytes on a connection to its port, over a real
// socket (fuzz::exchange), to the real server with the real engine behind it and a Python function
// (Hello) that answers from its event, so that a request the mutations keep valid is a real warm
// invocation in a real sandbox. Function names, qualifiers, versions and aliases, invocation and
// log types, client contexts, payload limits, the Lambda API's other routes.

#include "engine/engine.h"
#include "fuzzinput.h"
#include "project/functionconfig.h"
#include "services/invokeapiserver.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace {

constexpr const char *Handler = R"PY(
def handler(event, context):
    if isinstance(event, dict) and event.get("fail"):
        raise ValueError("failed on purpose")
    return {"hello": event.get("name", "world") if isinstance(event, dict) else event}
)PY";

struct Server
{
    int argc = 1;
    char name[16] = "fuzz_invokeapi";
    char *argv[2] = {name, nullptr};
    QCoreApplication app{argc, argv}; // the plugins are found beside the binary or by FN_PLUGIN_DIR
    QTemporaryDir code;
    std::unique_ptr<fn::Engine> engine;
    std::unique_ptr<fn::InvokeApiServer> server;

    Server()
    {
        QStandardPaths::setTestModeEnabled(true);
        QFile file(QDir(code.path()).filePath(QStringLiteral("app.py")));
        fn::fuzz::expect(file.open(QIODevice::WriteOnly) && file.write(Handler) > 0, "the handler is written");
        file.close();
        fn::FunctionConfig hello;
        hello.name = QStringLiteral("Hello");
        hello.runtime = QStringLiteral("python3.12");
        hello.handler = QStringLiteral("app.handler");
        hello.codeDir = code.path();
        hello.memoryMb = 256;
        hello.timeoutSec = 5;
        engine = std::make_unique<fn::Engine>();
        server = std::make_unique<fn::InvokeApiServer>(*engine);
        server->setFunctions({hello});
        QString error;
        fn::fuzz::expect(server->start(QStringLiteral("127.0.0.1"), 0, &error), "the Invoke API listens");
    }
};

int port()
{
    static Server s;
    return s.server->port();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fn::fuzz::exchange(port(), fn::fuzz::text(data, size));
    return 0;
}
