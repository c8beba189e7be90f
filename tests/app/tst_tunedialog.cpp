// Run → Tune Memory… through the real engine: a CPU-bound Python function at two sizes, the results,
// the chart and the pick as the user sees them, the pick changing with the strategy, a refused size,
// stopping a run, and the pick applied to template.yaml with its comment kept.
#include "invocations/invocationmodel.h"
#include "mainwindow/invokebar.h"
#include "mainwindow/mainwindow.h"
#include "projectbuilder.h"
#include "session/studiosession.h"
#include "studiofixture.h"
#include "tuning/tunedialog.h"

#include <QAction>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QLineSeries>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

using namespace fn;
using namespace fn::test;

class TestTuneDialog final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void tuneThroughTheWindowAndApplyThePick()
    {
        ProjectBuilder project;
        project.function(QStringLiteral("Crunch"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .properties("MemorySize: 256 # as first written\nTimeout: 30\n")
            .code(QStringLiteral("app.py"), "def handler(event, context):\n"
                                            "    total = 0\n"
                                            "    for i in range(100000):\n"
                                            "        total += i * i\n"
                                            "    return total\n");
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(studio.show());
        studio.openProject(project.path());
        InvokeBar *bar = window.invokeBar();
        bar->functionCombo()->setCurrentIndex(bar->functionCombo()->findText(QStringLiteral("Crunch")));

        window.action(QStringLiteral("tuneMemory"))->trigger();
        TuneDialog *dialog = window.findChild<TuneDialog *>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QVERIFY(dialog->windowTitle().contains(QStringLiteral("Crunch")));

        // A size Lambda does not have is refused before anything runs, and said.
        dialog->memoryField()->setText(QStringLiteral("64,1769"));
        QVERIFY(!dialog->start());
        QVERIFY2(dialog->status().contains(QStringLiteral("MemorySize")), qPrintable(dialog->status()));
        QVERIFY(!dialog->isRunning());

        dialog->memoryField()->setText(QStringLiteral("128, 1769"));
        dialog->numSpin()->setValue(3);
        QVERIFY(dialog->start());
        QVERIFY(dialog->isRunning());
        QVERIFY(!dialog->memoryField()->isEnabled());
        QVERIFY(dialog->waitUntilFinished(120'000));
        QCOMPARE(dialog->results().size(), 2);
        for (const TunedSize &t : dialog->results()) {
            QCOMPARE(t.result.invocations, 3);
            QCOMPARE(t.result.errors, 0);
            QVERIFY2(t.firstError.isEmpty(), qPrintable(t.firstError));
            QVERIFY(t.result.coldStarts >= 1); // each size starts cold: its configuration differs
            QVERIFY(t.result.durationMs > 0);
            QVERIFY(t.result.costUsd > 0);
        }
        QCOMPARE(dialog->results().at(0).result.memoryMb, 128);
        QCOMPARE(dialog->results().at(1).result.memoryMb, 1769);
        // The invocations are real ones: the studio's panels have them too.
        QTRY_COMPARE_WITH_TIMEOUT(session.invocations().rowCount(), 6, 5000);

        // The table and the chart show both sizes, the pick marked in each.
        QVERIFY(dialog->pick().has_value());
        QCOMPARE(dialog->table()->rowCount(), 2);
        const int picked = int(*dialog->pick());
        QVERIFY(dialog->table()->item(picked, 0)->text().contains(QStringLiteral("pick")));
        QVERIFY(!dialog->table()->item(1 - picked, 0)->text().contains(QStringLiteral("pick")));
        const QList<QAbstractSeries *> series = dialog->chartView()->chart()->series();
        QCOMPARE(series.size(), 3);
        QCOMPARE(static_cast<QXYSeries *>(series.at(0))->count(), 2); // duration
        QCOMPARE(static_cast<QXYSeries *>(series.at(1))->count(), 2); // cost
        QCOMPARE(static_cast<QXYSeries *>(series.at(2))->count(), 1); // the pick
        QVERIFY(series.at(2)->name().contains(QString::number(dialog->results().at(picked).result.memoryMb)));

        // Another strategy picks again from the same results, as PowerTuning's formula says.
        QList<PowerTuning::SizeResult> sizes;
        for (const TunedSize &t : dialog->results())
            sizes << t.result;
        for (int s = 0; s < dialog->strategyCombo()->count(); ++s) {
            dialog->strategyCombo()->setCurrentIndex(s);
            const auto strategy = PowerTuning::Strategy(dialog->strategyCombo()->currentData().toInt());
            QCOMPARE(dialog->pick(), PowerTuning::pick(sizes, strategy, dialog->weightSpin()->value()));
            QCOMPARE(dialog->weightSpin()->isEnabled(), strategy == PowerTuning::Strategy::Balanced);
        }
        QCOMPARE(session.invocations().rowCount(), 6); // nothing ran again

        // Applied: template.yaml has the pick, its comment kept; the project has it at once.
        dialog->strategyCombo()->setCurrentIndex(dialog->strategyCombo()->findData(int(PowerTuning::Strategy::Speed)));
        const int pickedMb = dialog->results().at(*dialog->pick()).result.memoryMb;
        QVERIFY(dialog->applyButton()->isEnabled());
        QVERIFY(dialog->applyButton()->text().contains(QLocale().toString(pickedMb)));
        dialog->applyButton()->click();
        QFile yaml(project.templatePath());
        QVERIFY(yaml.open(QIODevice::ReadOnly));
        const QByteArray text = yaml.readAll();
        if (pickedMb != 256)
            QVERIFY2(text.contains(QByteArray("MemorySize: " + QByteArray::number(pickedMb) + " # as first written")),
                     text.constData());
        for (const FunctionConfig &f : session.functions())
            if (f.name == QLatin1String("Crunch"))
                QCOMPARE(f.memoryMb, pickedMb);
        QVERIFY2(dialog->status().contains(QStringLiteral("set to %1 MB").arg(pickedMb)), qPrintable(dialog->status()));
    }

    void aRunStopsWhenAsked()
    {
        ProjectBuilder project;
        project.function(QStringLiteral("Echo"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .code(QStringLiteral("app.py"), "def handler(event, context):\n    return event\n");
        StudioFixture studio(StudioFixture::Engine::Started);
        MainWindow &window = studio.window();
        QVERIFY(studio.show());
        studio.openProject(project.path());
        TuneDialog *dialog = window.tuneMemory();
        QVERIFY(dialog);
        dialog->memoryField()->setText(QStringLiteral("128,256,512"));
        dialog->numSpin()->setValue(1000);
        QVERIFY(dialog->start());
        dialog->close(); // Close while running: stops after the invocation under way
        QVERIFY(dialog->waitUntilFinished(60'000));
        QVERIFY(dialog->results().size() < 3);
        QVERIFY2(dialog->status().startsWith(QStringLiteral("Stopped")), qPrintable(dialog->status()));
    }

    void withoutAFunctionItSaysSo()
    {
        ProjectBuilder project; // no function at all
        StudioFixture studio(StudioFixture::Engine::Started);
        MainWindow &window = studio.window();
        QVERIFY(studio.show());
        studio.openProject(project.path());
        QVERIFY(!window.tuneMemory());
        QVERIFY(!window.findChild<TuneDialog *>());
    }
};

QTEST_MAIN(TestTuneDialog)
#include "tst_tunedialog.moc"
