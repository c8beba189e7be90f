// The architecture as a fact: core's folders include only from the layers below them, core never
// includes a GUI header, services and triggers reach the engine only through its public API, and
// the studio never reaches into the sandbox. Reads the source tree (FN_SOURCE_DIR).

#include <QDirIterator>
#include <QFile>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

namespace {

QString sourceDir()
{
    return qEnvironmentVariable("FN_SOURCE_DIR");
}

// Each folder of core/ and the folders of core/ it may include from (besides itself). A new
// folder must be added here, in its place among the layers.
const QHash<QString, QSet<QString>> &coreLayers()
{
    static const QHash<QString, QSet<QString>> layers = [] {
        QHash<QString, QSet<QString>> l;
        l[QStringLiteral("snapshots")] = {};
        l[QStringLiteral("clock")] = {};
        l[QStringLiteral("access")] = {};
        l[QStringLiteral("project")] = {QStringLiteral("snapshots"), QStringLiteral("access")};
        l[QStringLiteral("metrics")] = {QStringLiteral("snapshots"), QStringLiteral("project")};
        l[QStringLiteral("store")] = {QStringLiteral("snapshots"), QStringLiteral("clock"), QStringLiteral("project")};
        l[QStringLiteral("sandbox")] = {QStringLiteral("snapshots")};
        l[QStringLiteral("runtime")] = {QStringLiteral("snapshots"), QStringLiteral("access"),
                                        QStringLiteral("project"), QStringLiteral("sandbox")};
        l[QStringLiteral("engine")] = l[QStringLiteral("runtime")]
                                      + QSet<QString>{QStringLiteral("runtime"), QStringLiteral("store"),
                                                      QStringLiteral("clock"), QStringLiteral("metrics")};
        l[QStringLiteral("events")] = {QStringLiteral("snapshots"), QStringLiteral("project")};
        const QSet<QString> aboveEngine{
            QStringLiteral("snapshots"), QStringLiteral("clock"), QStringLiteral("access"), QStringLiteral("project"),
            QStringLiteral("metrics"),   QStringLiteral("store"), QStringLiteral("events"), QStringLiteral("engine")};
        l[QStringLiteral("triggers")] = aboveEngine;
        l[QStringLiteral("services")] = aboveEngine;
        QSet<QString> all;
        for (auto it = l.cbegin(); it != l.cend(); ++it)
            all.insert(it.key());
        l[QStringLiteral("workspace")] = all;
        return l;
    }();
    return layers;
}

// What triggers and services may see of the engine: its commands and the async queue.
const QSet<QString> &enginePublicApi()
{
    static const QSet<QString> api{QStringLiteral("engine/engine.h"), QStringLiteral("engine/asyncqueue.h")};
    return api;
}

struct Include
{
    QString file; // relative to the source tree
    int line = 0;
    QString target; // as written between the quotes or brackets
    bool angled = false;
};

QList<Include> includesUnder(const QString &folder)
{
    static const QRegularExpression include(QStringLiteral("^\\s*#\\s*include\\s*([<\"])([^>\"]+)[>\"]"));
    QList<Include> found;
    QDirIterator it(sourceDir() + u'/' + folder, {QStringLiteral("*.h"), QStringLiteral("*.cpp")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        int number = 0;
        while (!file.atEnd()) {
            const QString text = QString::fromUtf8(file.readLine());
            ++number;
            const auto m = include.match(text);
            if (m.hasMatch())
                found.append({path.mid(sourceDir().size() + 1), number, m.captured(2), m.captured(1) == u"<"});
        }
    }
    return found;
}

QString where(const Include &i)
{
    return QStringLiteral("%1:%2 includes %3").arg(i.file).arg(i.line).arg(i.target);
}

// GUI modules and headers core must not see (it links no GUI library, but a stray include in a
// header would still leak into whatever includes it).
bool isGuiHeader(const QString &target)
{
    static const QRegularExpression gui(QStringLiteral(
        "^(QtWidgets|QtGui|QtCharts|Qsci|QtQuick|QtQml)/|^Q(Widget|MainWindow|Dialog|Application|GuiApplication|"
        "Color|Font|Icon|Image|Pixmap|Painter|Action|Menu|AbstractItemView|TableView|TreeView|Chart\\w*)$"));
    return gui.match(target).hasMatch();
}

} // namespace

class TestLayering final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(sourceDir() + u"/core"), "FN_SOURCE_DIR must name the source tree");
    }

    void everyCoreFolderHasItsPlaceAmongTheLayers()
    {
        const QStringList folders = QDir(sourceDir() + u"/core").entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QVERIFY(!folders.isEmpty());
        for (const QString &f : folders)
            QVERIFY2(coreLayers().contains(f),
                     qPrintable(QStringLiteral("core/%1 is not in the layer table of tst_layering: "
                                               "say which layers it may include")
                                    .arg(f)));
    }

    void coreFoldersIncludeOnlyFromTheLayersBelow()
    {
        QStringList violations;
        for (const Include &i : includesUnder(QStringLiteral("core"))) {
            if (i.angled)
                continue;
            const QString from = i.file.section(u'/', 1, 1);
            const QString to = i.target.section(u'/', 0, 0);
            if (!i.target.contains(u'/') || to == from || !coreLayers().contains(to))
                continue; // same folder, or not one of core's folders
            if (!coreLayers().value(from).contains(to))
                violations << where(i);
            else if (to == u"engine" && (from == u"triggers" || from == u"services")
                     && !enginePublicApi().contains(i.target))
                violations << where(i) + QStringLiteral(" (only the engine's public API: engine.h, asyncqueue.h)");
        }
        QVERIFY2(violations.isEmpty(), qPrintable(violations.join(u'\n')));
    }

    void coreNeverIncludesAGuiHeader()
    {
        QStringList violations;
        for (const Include &i : includesUnder(QStringLiteral("core")))
            if (i.angled && isGuiHeader(i.target))
                violations << where(i);
        QVERIFY2(violations.isEmpty(), qPrintable(violations.join(u'\n')));
    }

    void theStudioNeverReachesIntoTheSandboxOrAnEnvironment()
    {
        static const QStringList forbidden{QStringLiteral("sandbox/"), QStringLiteral("engine/executionenvironment.h"),
                                           QStringLiteral("runtime/runtimeapiserver.h")};
        QStringList violations;
        for (const Include &i : includesUnder(QStringLiteral("app/gui")))
            for (const QString &f : forbidden)
                if (!i.angled && i.target.startsWith(f))
                    violations << where(i);
        QVERIFY2(violations.isEmpty(), qPrintable(violations.join(u'\n')));
    }

    void pluginsNeverIncludeTheApp()
    {
        QStringList violations;
        for (const Include &i : includesUnder(QStringLiteral("plugins")))
            if (i.target.startsWith(u"session/") || i.target.startsWith(u"mainwindow/"))
                violations << where(i);
        QVERIFY2(violations.isEmpty(), qPrintable(violations.join(u'\n')));
    }

    // The checker itself: a violation of each kind is found (so a broken scan cannot pass).
    void theCheckFindsWhatItLooksFor()
    {
        QVERIFY(isGuiHeader(QStringLiteral("QWidget")));
        QVERIFY(isGuiHeader(QStringLiteral("QtWidgets/QLabel")));
        QVERIFY(isGuiHeader(QStringLiteral("Qsci/qsciscintilla.h")));
        QVERIFY(!isGuiHeader(QStringLiteral("QObject")));
        QVERIFY(!coreLayers().value(QStringLiteral("engine")).contains(QStringLiteral("services")));
        QVERIFY(!coreLayers().value(QStringLiteral("store")).contains(QStringLiteral("engine")));
        const QList<Include> engine = includesUnder(QStringLiteral("core/engine"));
        QVERIFY2(std::any_of(engine.begin(), engine.end(),
                             [](const Include &i) { return i.target == u"runtime/runtimeregistry.h"; }),
                 "the scan must see core/engine's includes");
    }
};

QTEST_GUILESS_MAIN(TestLayering)
#include "tst_layering.moc"
