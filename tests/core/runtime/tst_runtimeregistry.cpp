// The runtime registry against the real plugins of the build tree: SAM Runtime values resolve to
// the right plugin, interpreters to real binaries, and broken plugins are problems, not failures.

#include "runtime/runtimeregistry.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fn;

namespace {

bool isElf(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly)
           && f.read(4)
                  == QByteArrayLiteral("\x7f"
                                       "ELF");
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
}

} // namespace

class TestRuntimeRegistry final : public QObject
{
    Q_OBJECT

private:
    RuntimeRegistry m_registry;
    QString m_root;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_root = RuntimeRegistry::defaultPluginRoot();
        QVERIFY2(QFileInfo(m_root + QStringLiteral("/python/runtime.json")).exists(), qPrintable(m_root));
        m_registry.load(m_root);
    }

    void defaultRootFollowsEnvironment()
    {
        QCOMPARE(RuntimeRegistry::defaultPluginRoot(), qEnvironmentVariable("FN_PLUGIN_DIR"));
    }

    void loadsEveryShippedPlugin()
    {
        QStringList ids;
        for (const RuntimeDescriptor &d : m_registry.plugins())
            ids.append(d.id);
        ids.sort();
        QCOMPARE(ids, (QStringList{QStringLiteral("nodejs"), QStringLiteral("provided"), QStringLiteral("python")}));
        for (const QString &p : m_registry.problems())
            QVERIFY2(!p.contains(QStringLiteral("runtime.json")), qPrintable(p));
        for (const RuntimeDescriptor &d : m_registry.plugins()) {
            QVERIFY2(!d.handlerTemplate.isEmpty(), qPrintable(d.id));
            QVERIFY(!d.handlerFileName.isEmpty());
            QVERIFY(!d.lexer.isEmpty());
            QVERIFY(QFileInfo(d.pluginDir).isAbsolute());
        }
    }

    void resolvesPython()
    {
        QString error;
        const auto d = m_registry.resolve(QStringLiteral("python3.12"), &error);
        QVERIFY2(d, qPrintable(error));
        QCOMPARE(d->id, QStringLiteral("python"));
        QCOMPARE(d->executionEnv, QStringLiteral("AWS_Lambda_python3.12"));
        QCOMPARE(d->defaultHandler, QStringLiteral("app.lambda_handler"));
        QVERIFY(d->reportsPhases);

        // A real binary under /usr (bound into the sandbox), never a PATH shim or a symlink.
        QVERIFY2(d->interpreter.startsWith(QStringLiteral("/usr/")), qPrintable(d->interpreter));
        QVERIFY(!QFileInfo(d->interpreter).isSymLink());
        QVERIFY2(isElf(d->interpreter), qPrintable(d->interpreter));
        QVERIFY(d->interpreterBinds.isEmpty());
        QVERIFY2(QRegularExpression(QStringLiteral("^3\\.[0-9]+\\.[0-9]+")).match(d->interpreterVersion).hasMatch(),
                 qPrintable(d->interpreterVersion));

        QCOMPARE(d->command.value(0), d->interpreter);
        QVERIFY(d->command.contains(QStringLiteral("/var/runtime/bootstrap.py")));
        QCOMPARE(d->bareStartCommand.value(0), d->interpreter);
        QVERIFY(QFileInfo(d->pluginDir + QStringLiteral("/bootstrap.py")).isFile());
        bool hasPythonPath = false;
        for (const auto &kv : d->environment)
            hasPythonPath = hasPythonPath || kv.first == QStringLiteral("PYTHONPATH");
        QVERIFY(hasPythonPath);

        const auto other = m_registry.resolve(QStringLiteral("python3.9"), &error);
        QVERIFY(other);
        QCOMPARE(other->executionEnv, QStringLiteral("AWS_Lambda_python3.9"));
    }

    void resolvesNode()
    {
        QString error;
        const auto d = m_registry.resolve(QStringLiteral("nodejs20.x"), &error);
        if (!d && error.contains(QStringLiteral("cannot run on this machine")))
            QSKIP("Node.js is not installed on this machine");
        QVERIFY2(d, qPrintable(error));
        QCOMPARE(d->id, QStringLiteral("nodejs"));
        QCOMPARE(d->executionEnv, QStringLiteral("AWS_Lambda_nodejs20.x"));
        QVERIFY2(d->interpreter.startsWith(QLatin1Char('/')), qPrintable(d->interpreter));
        QVERIFY(isElf(d->interpreter));
        QVERIFY(!QFileInfo(d->interpreter).isSymLink());
        QVERIFY2(d->interpreterVersion.startsWith(QLatin1Char('v')), qPrintable(d->interpreterVersion));
        QCOMPARE(d->command, (QStringList{d->interpreter, QStringLiteral("/var/runtime/bootstrap.js")}));
        QVERIFY(d->fileExtensions.contains(QStringLiteral(".mjs")));
        // Its bootstrap is handed its Runtime API connection on descriptor 3.
        QCOMPARE(d->runtimeApiFd, 3);
    }

    void resolvesProvided_data()
    {
        QTest::addColumn<QString>("runtime");
        QTest::newRow("provided") << QStringLiteral("provided");
        QTest::newRow("al2") << QStringLiteral("provided.al2");
        QTest::newRow("al2023") << QStringLiteral("provided.al2023");
    }

    void resolvesProvided()
    {
        QFETCH(QString, runtime);
        QString error;
        const auto d = m_registry.resolve(runtime, &error);
        QVERIFY2(d, qPrintable(error));
        QCOMPARE(d->id, QStringLiteral("provided"));
        // Lambda sets no AWS_EXECUTION_ENV for custom runtimes.
        QVERIFY(d->executionEnv.isEmpty());
        QVERIFY(d->interpreter.isEmpty());
        QCOMPARE(d->command, QStringList{QStringLiteral("/var/task/bootstrap")});
        QCOMPARE(d->commandFallbacks.value(0), QStringList{QStringLiteral("/opt/bootstrap")});
        QVERIFY(d->handlerFileExecutable);
        QCOMPARE(d->handlerFileName, QStringLiteral("bootstrap"));
    }

    void rejectsUnknownRuntimes_data()
    {
        QTest::addColumn<QString>("runtime");
        QTest::newRow("ruby") << QStringLiteral("ruby3.3");
        QTest::newRow("java") << QStringLiteral("java21");
        QTest::newRow("prefix only") << QStringLiteral("pythonista");
        QTest::newRow("provided junk") << QStringLiteral("provided-x");
        QTest::newRow("empty") << QString();
    }

    void rejectsUnknownRuntimes()
    {
        QFETCH(QString, runtime);
        QString error;
        QVERIFY(!m_registry.resolve(runtime, &error));
        if (!runtime.isEmpty())
            QVERIFY2(error.contains(runtime), qPrintable(error));
        for (const char *supported : {"python3.12", "nodejs20.x", "provided.al2023"})
            QVERIFY2(error.contains(QLatin1String(supported)), qPrintable(error));
    }

    void brokenPluginsAreProblemsNotFailures()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString root = tmp.path();
        for (const char *id : {"python", "provided"}) {
            const QString from = m_root + QLatin1Char('/') + QLatin1String(id);
            const QString to = root + QLatin1Char('/') + QLatin1String(id);
            QDir().mkpath(to);
            const QStringList files = QDir(from).entryList(QDir::Files);
            for (const QString &f : files)
                QVERIFY(QFile::copy(from + QLatin1Char('/') + f, to + QLatin1Char('/') + f));
        }
        writeFile(root + QStringLiteral("/broken/runtime.json"), "{ \"id\": \"broken\", ");
        writeFile(root + QStringLiteral("/incomplete/runtime.json"), R"({"id": "incomplete"})");
        writeFile(root + QStringLiteral("/stdoutfd/runtime.json"), R"({
            "id": "stdoutfd", "runtimePrefixes": ["stdoutfd"], "command": ["/var/task/bootstrap"], "runtimeApiFd": 1})");
        writeFile(root + QStringLiteral("/ruby/runtime.json"), R"({
            "id": "ruby", "displayName": "Ruby", "runtimes": ["ruby3.3"], "runtimePrefixes": ["ruby"],
            "interpreter": {"candidates": ["no-such-interpreter-fnstudio"], "searchDirs": ["/usr/bin"], "searchPath": false},
            "command": ["${interpreter}", "/var/runtime/bootstrap.rb"]})");
        QDir().mkpath(root + QStringLiteral("/not-a-plugin"));

        RuntimeRegistry registry;
        registry.load(root);
        const QString problems = registry.problems().join(QLatin1Char('\n'));
        QVERIFY2(problems.contains(QStringLiteral("broken/runtime.json")), qPrintable(problems));
        QVERIFY2(problems.contains(QStringLiteral("incomplete/runtime.json")), qPrintable(problems));
        QVERIFY2(problems.contains(QStringLiteral("no-such-interpreter-fnstudio")), qPrintable(problems));
        QVERIFY2(problems.contains(QStringLiteral("stdoutfd/runtime.json: \"runtimeApiFd\" must be")),
                 qPrintable(problems));
        QCOMPARE(registry.problems().size(), 4);

        QString error;
        QVERIFY(registry.resolve(QStringLiteral("python3.12"), &error));
        QVERIFY(registry.resolve(QStringLiteral("provided.al2"), &error));
        QVERIFY(!registry.resolve(QStringLiteral("ruby3.3"), &error));
        QVERIFY2(error.contains(QStringLiteral("cannot run on this machine")), qPrintable(error));
    }

    void skipsShimsOnThePath()
    {
        // A pyenv-style shim first in the search order: a script, which must be passed over for
        // the real binary found later.
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString root = tmp.path() + QStringLiteral("/plugins");
        const QString shims = tmp.path() + QStringLiteral("/shims");
        writeFile(shims + QStringLiteral("/python3"), "#!/bin/sh\nexec /usr/bin/python3 \"$@\"\n");
        QFile::setPermissions(shims + QStringLiteral("/python3"),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        writeFile(root + QStringLiteral("/py/runtime.json"),
                  QStringLiteral(R"({"id": "py", "runtimes": ["python3.12"], "runtimePrefixes": ["python3."],
                      "interpreter": {"candidates": ["python3"], "searchDirs": ["%1", "/usr/bin", "/usr/local/bin"]},
                      "command": ["${interpreter}", "/var/runtime/bootstrap.py"]})")
                      .arg(shims)
                      .toUtf8());
        RuntimeRegistry registry;
        registry.load(root);
        QString error;
        const auto d = registry.resolve(QStringLiteral("python3.12"), &error);
        QVERIFY2(d, qPrintable(error + registry.problems().join(QLatin1Char('\n'))));
        QVERIFY2(!d->interpreter.startsWith(shims), qPrintable(d->interpreter));
        QVERIFY(isElf(d->interpreter));
    }
};

QTEST_GUILESS_MAIN(TestRuntimeRegistry)
#include "tst_runtimeregistry.moc"
