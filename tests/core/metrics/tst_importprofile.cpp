// ImportProfile: the lines of python3 -X importtime and of fnstudio's Node bootstrap (captured in
// tests/data/importprofile) read into the tree of what a handler's init imported.

#include "metrics/importprofile.h"
#include "metrics/packagesize.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace fn;

class TestImportProfile final : public QObject
{
    Q_OBJECT

    static QByteArray data(const char *name)
    {
        QFile file(qEnvironmentVariable("FN_SOURCE_DIR") + QStringLiteral("/tests/data/importprofile/")
                   + QLatin1String(name));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(file.fileName()));
        return file.readAll();
    }
    static const ImportNode *child(const ImportNode &node, const QString &module)
    {
        for (const ImportNode &c : node.children)
            if (c.module == module)
                return &c;
        return nullptr;
    }
    static void checkSums(const ImportNode &node)
    {
        QVERIFY(node.cumulativeUs >= node.selfUs);
        QVERIFY(node.selfUs >= 0);
        qint64 children = 0;
        for (const ImportNode &c : node.children) {
            children += c.cumulativeUs;
            checkSums(c);
        }
        // CPython rounds each figure to the microsecond on its own: a microsecond a child apart at most.
        QVERIFY(qAbs(node.selfUs + children - node.cumulativeUs) <= qint64(node.children.size()) + 1);
    }
    static void write(const QString &path, qsizetype bytes)
    {
        QDir().mkpath(QFileInfo(path).path());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(bytes, 'x'));
    }

private Q_SLOTS:
    void pythonImportsBetweenTheMarkersMakeTheTree()
    {
        const ImportProfile p = ImportProfile::parse(data("python311-importtime.txt"));
        QCOMPARE(p.roots.size(), size_t(1)); // the interpreter's own start-up (site, encodings) is left out
        const ImportNode &app = p.roots.front();
        QCOMPARE(app.module, QStringLiteral("app"));
        QCOMPARE(app.selfUs, qint64(604));
        QCOMPARE(app.cumulativeUs, qint64(12864));
        QCOMPARE(app.children.size(), size_t(4));
        const ImportNode *json = child(app, QStringLiteral("json"));
        QVERIFY(json);
        QCOMPARE(json->cumulativeUs, qint64(6667));
        QVERIFY(child(*json, QStringLiteral("json.decoder")));
        QVERIFY(child(*child(*json, QStringLiteral("json.decoder")), QStringLiteral("json.scanner")));
        QVERIFY(child(app, QStringLiteral("decimal")));
        QVERIFY(child(*child(app, QStringLiteral("lib.helper")), QStringLiteral("fractions")));
        checkSums(app);
        QCOMPARE(p.totalUs(), qint64(12864));
        QCOMPARE(p.moduleCount(), 12);
        QCOMPARE(p.skippedLines, 0);
    }

    void withoutMarkersEveryLineCounts()
    {
        const ImportProfile p = ImportProfile::parse(data("python311-importtime.txt"));
        QByteArrayList lines = data("python311-importtime.txt").split('\n');
        lines.removeIf([](const QByteArray &l) { return l.contains("fnstudio:"); });
        const ImportProfile all = ImportProfile::parse(lines);
        QVERIFY(all.moduleCount() > p.moduleCount());
        QCOMPARE(all.roots.back().module, QStringLiteral("app"));
        // The header line ("self [us] | cumulative | imported package") is no module.
        QVERIFY(all.skippedLines <= 1);
    }

    void nodeLinesReadTheSameWay()
    {
        const ImportProfile p = ImportProfile::parse(data("nodejs20-moduleload.txt"));
        QCOMPARE(p.roots.size(), size_t(1));
        const ImportNode &index = p.roots.front();
        QCOMPARE(index.module, QStringLiteral("index.js"));
        const ImportNode *helper = child(index, QStringLiteral("lib/helper.js"));
        QVERIFY(helper);
        QVERIFY(child(*helper, QStringLiteral("lib/util.js")));
        QVERIFY(child(index, QStringLiteral("node:crypto")));
        checkSums(index);
    }

    void rankedByCumulativeThenSelf()
    {
        const ImportProfile p = ImportProfile::parse(data("python311-importtime.txt"));
        const auto ranked = p.ranked();
        QCOMPARE(int(ranked.size()), p.moduleCount());
        QCOMPARE(ranked.first().module, QStringLiteral("app"));
        QCOMPARE(ranked.first().depth, 0);
        for (qsizetype i = 1; i < ranked.size(); ++i)
            QVERIFY(ranked.at(i - 1).cumulativeUs >= ranked.at(i).cumulativeUs);
        QCOMPARE(p.ranked(3).size(), qsizetype(3));
        const auto json = std::find_if(ranked.begin(), ranked.end(), [](const auto &r) { return r.module == u"json"; });
        QCOMPARE(json->importedBy, QStringLiteral("app"));
        QCOMPARE(json->depth, 1);
    }

    void cutShortStillShowsWhatWasRead()
    {
        // The runtime died in the middle of an import: its importer's line never came.
        const ImportProfile p =
            ImportProfile::parse(QByteArrayLiteral("import time: fnstudio: handler init begins\n"
                                                   "import time:       476 |        476 |     _json\n"
                                                   "import time:       432 |        908 |   json.scanner\n"
                                                   "garbage\n"
                                                   "import time: x | y | z\n"));
        QCOMPARE(p.roots.size(), size_t(1));
        QCOMPARE(p.roots.front().module, QStringLiteral("json.scanner"));
        QCOMPARE(p.roots.front().children.size(), size_t(1));
        QCOMPARE(p.skippedLines, 2);
    }

    void jsonIsTheTree()
    {
        const auto j = ImportProfile::parse(data("nodejs20-moduleload.txt")).toJson();
        QCOMPARE(j["modules"].size(), size_t(1));
        QCOMPARE(j["modules"][0]["module"].get<std::string>(), std::string("index.js"));
        QCOMPARE(j["modules"][0]["children"].size(), size_t(2));
        QCOMPARE(j["totalUs"].get<qint64>(), j["modules"][0]["cumulativeUs"].get<qint64>());
    }

    void packageSizeCountsWhatAPackageHolds()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("app.py")), 1000);
        write(dir.filePath(QStringLiteral("lib/helper.py")), 24);
        write(dir.filePath(QStringLiteral("__pycache__/app.cpython-311.pyc")), 5000); // left out, as by sam build
        write(dir.filePath(QStringLiteral(".fnstudio/state.json")), 7000);            // the studio's own
        QFile::link(dir.filePath(QStringLiteral("app.py")), dir.filePath(QStringLiteral("link.py")));
        const PackageSize size = PackageSize::ofFolder(QStringLiteral("function"), dir.path());
        QVERIFY(size.error.isEmpty());
        QCOMPARE(size.bytes, qint64(1024));
        QCOMPARE(size.files, 2);
        QVERIFY(
            !PackageSize::ofFolder(QStringLiteral("layer 1"), dir.filePath(QStringLiteral("missing"))).error.isEmpty());
        QCOMPARE(PackageSize::describe(1024), QStringLiteral("1.0 KB"));
        QCOMPARE(PackageSize::describe(3 * 1024 * 1024 + 100), QStringLiteral("3.0 MB"));
    }
};

QTEST_GUILESS_MAIN(TestImportProfile)
#include "tst_importprofile.moc"
