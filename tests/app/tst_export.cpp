// Export for slides and reports: a table as CSV (RFC 4180 quoting, read back byte for byte), the
// Metrics dock's charts as PNG and SVG, the Export… entries in the panels' context menus, and a
// file that cannot be written saying where.

#include "common/anatomyview.h"
#include "common/export.h"
#include "metrics/coldshareview.h"
#include "metrics/latencydistributionview.h"
#include "metrics/metricsmodel.h"
#include "metrics/metricspanel.h"
#include "snapshotfixtures.h"

#include <QAction>
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

    static QList<InvocationRecord> burst()
    {
        QList<InvocationRecord> out;
        for (int i = 0; i < 20; ++i) {
            InvocationRecord r = record(i, i % 2, i < 2, i * 20, i < 2 ? 0.7 : 0.3);
            r.observedMs = i < 2 ? 21.0 : 0.45;
            out.append(r);
        }
        return out;
    }
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
        QCOMPARE(csvOf(model, {2, 0}), QByteArray("ms,name\r\n21.0,HelloPython\r\n0.45,\"say \"\"hi\"\"\"\r\n"));
    }

    void aChartIsWrittenAsAPngOfItsPixels()
    {
        MetricsModel model;
        MetricsPanel panel(model);
        panel.resize(900, 520);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        model.append(burst());
        AnatomyView *chart = panel.comparison();
        QVERIFY(!chart->rows().isEmpty());

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("anatomy.png"));
        QString error;
        QVERIFY2(exportWidget(chart, path, &error), qPrintable(error));
        const QImage image(path);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), chart->size() * chart->devicePixelRatio());
        // Something was drawn: more than one colour.
        const QRgb first = image.pixel(0, 0);
        bool varied = false;
        for (int y = 0; y < image.height() && !varied; ++y)
            for (int x = 0; x < image.width() && !varied; ++x)
                varied = image.pixel(x, y) != first;
        QVERIFY(varied);
    }

    void aChartIsWrittenAsAnSvgOfItsDrawing()
    {
        MetricsModel model;
        MetricsPanel panel(model);
        panel.resize(900, 520);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        model.append(burst());

        QTemporaryDir dir;
        for (QWidget *chart : {static_cast<QWidget *>(panel.comparison()), static_cast<QWidget *>(panel.distribution()),
                               static_cast<QWidget *>(panel.coldShare())}) {
            const QString path = dir.filePath(QStringLiteral("chart.svg"));
            QString error;
            QVERIFY2(exportWidget(chart, path, &error), qPrintable(error));
            QXmlStreamReader xml(readAll(path));
            QString root;
            QString title;
            int drawn = 0;
            while (!xml.atEnd()) {
                if (xml.readNext() != QXmlStreamReader::StartElement)
                    continue;
                if (root.isEmpty())
                    root = xml.name().toString();
                if (xml.name() == u"title")
                    title = xml.readElementText();
                else if (xml.name() == u"path" || xml.name() == u"text" || xml.name() == u"rect"
                         || xml.name() == u"polyline")
                    ++drawn;
            }
            QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
            QCOMPARE(root, QStringLiteral("svg"));
            QCOMPARE(title, QStringLiteral("chart"));
            QVERIFY(drawn > 0);
        }
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
