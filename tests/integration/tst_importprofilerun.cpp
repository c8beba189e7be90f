// Engine::profileImports on real Python and Node.js functions in real sandboxes: the modules a
// handler's init imports come back as a tree, and the profile lines stay out of the function's logs.
#include "enginetestsupport.h"

#include "metrics/packagesize.h"

#include <QtTest>

using namespace fn;
using namespace fn::test;

class TestImportProfileRun : public QObject
{
    Q_OBJECT

    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<LogCollector> m_logs;
    QTemporaryDir m_scratch;

    static const ImportNode *find(const std::vector<ImportNode> &nodes, const QString &module)
    {
        for (const ImportNode &n : nodes) {
            if (n.module == module)
                return &n;
            if (const ImportNode *inner = find(n.children, module))
                return inner;
        }
        return nullptr;
    }
    static bool consistent(const std::vector<ImportNode> &nodes)
    {
        return std::all_of(nodes.begin(), nodes.end(), [](const ImportNode &n) {
            return n.cumulativeUs >= n.selfUs && n.selfUs >= 0 && consistent(n.children);
        });
    }
    // Every line the functions wrote (this engine runs no other): none of them a profile line.
    void noProfileLinesInTheLogs()
    {
        for (const LogLine &line : m_logs->lines())
            QVERIFY2(!line.text.contains(QLatin1String("import time:")), qPrintable(line.text));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_scratch.isValid());
        qputenv("FN_SCRATCH_DIR", m_scratch.path().toUtf8());
        m_engine = std::make_unique<Engine>();
        m_logs = std::make_unique<LogCollector>(*m_engine);
    }
    void cleanupTestCase() { m_engine.reset(); }

    void pythonInitImportsShowAsATree()
    {
        TempFunction f(QStringLiteral("PyProfile"), QStringLiteral("python3.12"), QStringLiteral("app.handler"),
                       roomy(10));
        f.write(QStringLiteral("app.py"), "import json\nimport decimal\nfrom helpers import tools\n"
                                          "print('init output stays in the logs')\n"
                                          "def handler(event, context):\n"
                                          "    import fractions  # after init: not in the profile\n"
                                          "    return {'sum': str(decimal.Decimal('1.1') + decimal.Decimal('2.2'))}\n");
        f.write(QStringLiteral("helpers/__init__.py"), "");
        f.write(QStringLiteral("helpers/tools.py"), "import textwrap\n");

        const ImportProfileRun run = m_engine->profileImports(f.config, "{}");
        QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
        QVERIFY(run.record.coldStart);
        QCOMPARE(run.record.outcome, InvocationOutcome::Success);
        QVERIFY(run.record.payload.contains("3.3"));

        QCOMPARE(run.profile.roots.size(), size_t(1)); // the handler module; the runtime's own are left out
        const ImportNode &app = run.profile.roots.front();
        QCOMPARE(app.module, QStringLiteral("app"));
        for (const char *module : {"json", "decimal", "helpers", "helpers.tools"})
            QVERIFY2(find(app.children, QLatin1String(module)), module);
        QVERIFY(find(app.children, QStringLiteral("textwrap")));
        QVERIFY(!find(run.profile.roots, QStringLiteral("fractions")));
        QVERIFY(!find(run.profile.roots, QStringLiteral("fnstudio_runtime")));
        QVERIFY(consistent(run.profile.roots));

        QVERIFY(m_logs->all().contains(QLatin1String("init output stays in the logs")));
        noProfileLinesInTheLogs();

        // The profiled environment is not reused: the next invocation starts cold, unprofiled.
        const auto next = m_engine->invoke(f.config, "{}");
        QVERIFY(next.coldStart);
        QVERIFY(next.environmentId != run.record.environmentId);
        noProfileLinesInTheLogs();
    }

    void nodeRequiresShowAsATree()
    {
        TempFunction f(QStringLiteral("NodeProfile"), QStringLiteral("nodejs20.x"), QStringLiteral("index.handler"),
                       roomy(10));
        f.write(QStringLiteral("index.js"), "const helper = require('./lib/helper');\n"
                                            "const zlib = require('zlib');\n"
                                            "console.log('init output stays in the logs');\n"
                                            "exports.handler = async () => ({ word: helper.word() });\n");
        f.write(QStringLiteral("lib/helper.js"), "const util = require('./util');\nexports.word = () => util.word;\n");
        f.write(QStringLiteral("lib/util.js"), "exports.word = 'hello';\n");

        const ImportProfileRun run = m_engine->profileImports(f.config, "{}");
        QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
        QCOMPARE(run.record.outcome, InvocationOutcome::Success);
        QVERIFY(run.record.payload.contains("hello"));
        QCOMPARE(run.profile.roots.size(), size_t(1));
        const ImportNode &index = run.profile.roots.front();
        QCOMPARE(index.module, QStringLiteral("index.js"));
        const ImportNode *helper = find(index.children, QStringLiteral("lib/helper.js"));
        QVERIFY(helper);
        QVERIFY(find(helper->children, QStringLiteral("lib/util.js")));
        QVERIFY(consistent(run.profile.roots));
        QVERIFY(m_logs->all().contains(QLatin1String("init output stays in the logs")));
        noProfileLinesInTheLogs();
    }

    void providedCannotBeProfiled()
    {
        TempFunction f(QStringLiteral("Custom"), QStringLiteral("provided.al2023"), QStringLiteral("x"));
        const ImportProfileRun run = m_engine->profileImports(f.config, "{}");
        QVERIFY(!run.record.coldStart);
        QVERIFY(run.profile.isEmpty());
        QVERIFY2(run.error.contains(QLatin1String("cannot profile")), qPrintable(run.error));
    }

    void packageSizeOfAFunctionAndItsLayer()
    {
        TempFunction f(QStringLiteral("Sized"), QStringLiteral("python3.12"), QStringLiteral("app.handler"));
        f.write(QStringLiteral("app.py"), QByteArray(2000, '#'));
        QTemporaryDir layer;
        QDir().mkpath(layer.filePath(QStringLiteral("python")));
        QFile lib(layer.filePath(QStringLiteral("python/lib.py")));
        QVERIFY(lib.open(QIODevice::WriteOnly));
        lib.write(QByteArray(300, '#'));
        lib.close();
        f.config.layerDirs = {layer.path()};
        const QList<PackageSize> sizes = PackageSize::of(f.config);
        QCOMPARE(sizes.size(), qsizetype(2));
        QCOMPARE(sizes.at(0).label, QStringLiteral("function"));
        QCOMPARE(sizes.at(0).bytes, qint64(2000));
        QCOMPARE(sizes.at(1).label, QStringLiteral("layer 1"));
        QCOMPARE(sizes.at(1).bytes, qint64(300));
        QCOMPARE(PackageSize::totalBytes(sizes), qint64(2300));
    }
};

QTEST_GUILESS_MAIN(TestImportProfileRun)
#include "tst_importprofilerun.moc"
