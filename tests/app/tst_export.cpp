// Export for slides and reports: a table as CSV (RFC 4180 quoting, read back byte for byte), the
// Metrics dock's charts as PNG and SVG, the Export… entries in the panels' context menus, and a
// file that cannot be written saying where.

#include "common/anatomyview.h"
#include "common/export.h"
#include "memory/memorymodel.h"
#include "memory/memorypanel.h"
#include "metrics/coldshareview.h"
#include "metrics/latencydistributionview.h"
#include "metrics/metricsmodel.h"
#include "metrics/metricspanel.h"
#include "snapshotfixtures.h"
#include "timeline/timelinemodel.h"
#include "timeline/timelineview.h"

#include <QAction>
#include <QChartView>
#include <QFile>
#include <QImage>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace fn;
using namespace fn::testing;

class TestExport final : public QObject
{
    Q_OBJECT

    static QList<InvocationRecord> burst() { return fn::testing::burst(20, 2); }
    // The Metrics panel on screen, a burst in it.
    struct ShownMetrics
    {
        MetricsModel model;
        MetricsPanel panel{model};
        bool exposedWithABurst()
        {
            panel.resize(900, 520);
            panel.show();
            if (!QTest::qWaitForWindowExposed(&panel))
                return false;
            model.append(burst());
            return true;
        }
    };
    static QByteArray readAll(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }
    static bool hasActionNamed(const QWidget *widget, const QString &name)
    {
        for (const QAction *a : widget->actions())
            if (a->objectName() == name)
                return true;
        return false;
    }

    // The SVG's root element, its title and how many drawing elements it holds; fails on bad XML.
    static int drawnElements(const QString &path, QString *root, QString *title)
    {
        QXmlStreamReader xml(readAll(path));
        int drawn = 0;
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement)
                continue;
            if (root->isEmpty())
                *root = xml.name().toString();
            if (xml.name() == u"title")
                *title = xml.readElementText();
            else if (xml.name() == u"path" || xml.name() == u"text" || xml.name() == u"rect"
                     || xml.name() == u"polyline")
                ++drawn;
        }
        return xml.hasError() ? -1 : drawn;
    }
    static bool isUniform(const QImage &image)
    {
        const QRgb first = image.pixel(0, 0);
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                if (image.pixel(x, y) != first)
                    return false;
        return true;
    }

private Q_SLOTS:
    void aTableIsWrittenAsCsvWithItsAwkwardCellsQuoted()
    {
        QStandardItemModel model(2, 3);
        model.setHorizontalHeaderLabels({QStringLiteral("name"), QStringLiteral("note, quoted"), QStringLiteral("ms")});
        model.setItem(0, 0, new QStandardItem(QStringLiteral("HelloPython")));
        model.setItem(0, 1, new QStandardItem(QStringLiteral("cold, first")));
        model.setItem(0, 2, new QStandardItem(QStringLiteral("21.0")));
        model.setItem(1, 0, new QStandardItem(QStringLiteral("say \"hi\"")));
        model.setItem(1, 1, new QStandardItem(QStringLiteral("two\nlines")));
        model.setItem(1, 2, new QStandardItem(QStringLiteral("0.45")));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("table.csv"));
        QString error;
        QVERIFY2(exportCsv(model, path, &error), qPrintable(error));
        QCOMPARE(readAll(path), QByteArray("name,\"note, quoted\",ms\r\n"
                                           "HelloPython,\"cold, first\",21.0\r\n"
                                           "\"say \"\"hi\"\"\",\"two\nlines\",0.45\r\n"));
        // Columns as a view shows them: picked and ordered.
        QCOMPARE(csvOf(model, CsvLayout{{2, 0}}),
                 QByteArray("ms,name\r\n21.0,HelloPython\r\n0.45,\"say \"\"hi\"\"\"\r\n"));
    }

    void aChartIsWrittenAsAPngOfItsPixels()
    {
        ShownMetrics shown;
        QVERIFY(shown.exposedWithABurst());
        MetricsPanel &panel = shown.panel;
        AnatomyView *chart = panel.comparison();
        QVERIFY(!chart->rows().isEmpty());

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("anatomy.png"));
        QString error;
        QVERIFY2(exportWidget(chart, path, &error), qPrintable(error));
        const QImage image(path);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), chart->size() * chart->devicePixelRatio());
        QVERIFY(!isUniform(image)); // something was drawn
    }

    void aChartIsWrittenAsAnSvgOfItsDrawing()
    {
        ShownMetrics shown;
        QVERIFY(shown.exposedWithABurst());
        MetricsPanel &panel = shown.panel;

        QTemporaryDir dir;
        for (QWidget *chart : {static_cast<QWidget *>(panel.comparison()), static_cast<QWidget *>(panel.distribution()),
                               static_cast<QWidget *>(panel.coldShare())}) {
            const QString path = dir.filePath(QStringLiteral("chart.svg"));
            QString error;
            QVERIFY2(exportWidget(chart, path, &error), qPrintable(error));
            QString root;
            QString title;
            const int drawn = drawnElements(path, &root, &title);
            QVERIFY2(drawn >= 0, "not well-formed XML");
            QCOMPARE(root, QStringLiteral("svg"));
            QCOMPARE(title, QStringLiteral("chart"));
            QVERIFY(drawn > 0);
        }
    }

    void theMemoryChartAndTheTimelineAreWrittenToo()
    {
        MemoryModel memoryModel;
        MemoryPanel memoryPanel(memoryModel);
        memoryPanel.resize(700, 360);
        memoryPanel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&memoryPanel));
        memoryModel.append({memory(1, 0, 30), memory(1, 50, 42.5), memory(1, 100, 36), memory(2, 60, 20)});
        memoryPanel.refresh();
        auto *chart = memoryPanel.findChild<QChartView *>();
        QVERIFY(chart && chart->isVisible());
        QVERIFY(!chart->actions().isEmpty()); // Export…

        TimelineModel timelineModel;
        TimelineView timeline(&timelineModel);
        timeline.resize(800, 200);
        timeline.show();
        QVERIFY(QTest::qWaitForWindowExposed(&timeline));
        timelineModel.append({record(1, 1, true, 0, 50), record(2, 1, false, 1000, 20), record(3, 2, true, 100, 80)});

        QTemporaryDir dir;
        for (QWidget *widget : {static_cast<QWidget *>(chart), static_cast<QWidget *>(&timeline)}) {
            QString error;
            const QString png = dir.filePath(QStringLiteral("view.png"));
            QVERIFY2(exportWidget(widget, png, &error), qPrintable(error));
            const QImage image(png);
            QCOMPARE(image.size(), widget->size() * widget->devicePixelRatio());
            QVERIFY(!isUniform(image));
            const QString svg = dir.filePath(QStringLiteral("view.svg"));
            QVERIFY2(exportWidget(widget, svg, &error), qPrintable(error));
            QString root;
            QString title;
            QVERIFY(drawnElements(svg, &root, &title) > 0);
            QCOMPARE(root, QStringLiteral("svg"));
        }
    }

    void aTableIsWrittenWithTheColumnsItShows()
    {
        MetricsModel model;
        MetricsPanel panel(model);
        model.append(burst());
        // No cloud series: its columns are hidden, and left out of the CSV; the rows keep their names.
        const CsvLayout layout = csvLayoutOf(*panel.view());
        QCOMPARE(layout.columns,
                 (QList<int>{MetricsModel::AllColumn, MetricsModel::ColdColumn, MetricsModel::WarmColumn}));
        QVERIFY(layout.rowHeaders);
        const QList<QByteArray> lines = csvOf(model, layout).split('\n');
        QCOMPARE(lines.size(), model.rowCount() + 2); // the header, the rows, and nothing after the last CRLF
        QCOMPARE(lines.first(), QByteArray(",All,Cold,Warm\r"));
        const QByteArray firstRow =
            model.headerData(0, Qt::Vertical).toString().toUtf8() + ',' + model.index(0, 0).data().toString().toUtf8();
        QVERIFY2(lines.at(1).startsWith(firstRow), lines.at(1).constData());
    }

    void theChartsAndTheTableOfferExport()
    {
        MetricsModel model;
        MetricsPanel panel(model);
        const QString entry = QStringLiteral("export");
        QVERIFY(hasActionNamed(panel.view(), entry));
        QVERIFY(hasActionNamed(panel.comparison(), entry));
        QVERIFY(hasActionNamed(panel.distribution(), entry));
        QVERIFY(hasActionNamed(panel.coldShare(), entry));
        QCOMPARE(panel.comparison()->contextMenuPolicy(), Qt::ActionsContextMenu);
    }

    void aFolderThatDoesNotExistFailsNamingThePath()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("no-such-folder"));
        QStandardItemModel model(1, 1);
        QString error;
        QVERIFY(!exportCsv(model, missing + QStringLiteral("/table.csv"), &error));
        QVERIFY2(error.contains(missing + QStringLiteral("/table.csv")), qPrintable(error));

        AnatomyView chart;
        chart.resize(300, 100);
        for (const char *suffix : {"png", "svg"}) {
            const QString path = missing + QStringLiteral("/chart.") + QLatin1String(suffix);
            error.clear();
            QVERIFY(!exportWidget(&chart, path, &error));
            QVERIFY2(error.contains(path), qPrintable(error));
        }
        error.clear();
        QVERIFY(!exportWidget(&chart, dir.filePath(QStringLiteral("chart.jpg")), &error));
        QVERIFY2(error.contains(QStringLiteral(".png or .svg")), qPrintable(error));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("chart.jpg"))));
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
