#pragma once
// What fnstudio knows about one runtime plugin, read from its runtime.json descriptor.

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace fn {

struct RuntimeDescriptor
{
    QString id;                   // plugin id: python, nodejs, provided
    QString displayName;          // "Python", "Node.js", "Custom runtime (bootstrap)"
    QStringList runtimePrefixes;  // SAM Runtime values it serves: "python3." , "nodejs", "provided"
    QStringList fileExtensions;   // .py / .js .mjs .cjs / (none)
    QString lexer;                // python, javascript, bash
    QString handlerTemplate;      // file content of a new handler
    QString handlerFileName;      // app.py, index.mjs, bootstrap
    QString defaultHandler;       // app.handler, index.handler, (empty)
    QString pluginDir;            // absolute host folder of the plugin; bound at /var/runtime
    QString interpreter;          // resolved absolute host binary; empty for provided
    QString interpreterVersion;   // e.g. "3.11.2", "v20.20.2"
    QStringList command;          // argv inside the sandbox, e.g. {interpreter, "-s", "/var/runtime/bootstrap.py"}
                                  // provided: {"/var/task/bootstrap"}
    QString executionEnv;         // AWS_EXECUTION_ENV value, e.g. AWS_Lambda_python3.12 (empty for provided)
    QStringList bareStartCommand; // for benchmarks: starting the interpreter alone (python3 -c pass)
    QList<QPair<QString, QString>> environment; // defaults the runtime adds (PYTHONPATH, NODE_PATH, ...)
    bool reportsPhases = false; // the bootstrap calls POST /fnstudio/runtime-started before loading the handler
    // Variables that make the runtime write its import profile on stderr (see ImportProfile);
    // empty: it cannot profile its init (provided runs the user's own bootstrap).
    QList<QPair<QString, QString>> importProfileEnvironment;
    int runtimeApiFd = -1; // >= 0: the runtime is handed its channel to the Runtime API on this
                           // descriptor (see RuntimeApiServer::openChannel)

    QStringList runtimes;                // the SAM Runtime values it is known to serve, for pickers and error messages
    bool setsExecutionEnv = true;        // false for provided: Lambda sets no AWS_EXECUTION_ENV for custom runtimes
    bool handlerFileExecutable = false;  // a new handler file gets the executable bit (provided's bootstrap)
    QList<QStringList> commandFallbacks; // tried in order when command[0] is missing in the sandbox
                                         // (provided: /var/task/bootstrap, else /opt/bootstrap)
    QStringList interpreterBinds;        // host folders the sandbox must bind read-only for the interpreter
                                         // to run (empty when it lives under /usr, which is always bound)
    QString unavailableReason;           // why it cannot run on this machine (interpreter missing); empty if usable
};

} // namespace fn
