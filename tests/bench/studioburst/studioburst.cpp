// Measures whether the studio window stays responsive during a burst: opens a copy of the example
// project in the real MainWindow (offscreen unless a platform is given), starts a burst of N
// invocations through the window's own Invoke action, and records the gaps between firings of a
// 1 ms timer on the GUI thread. Any gap is time the event loop could not run. Prints figures; never
// fails on a slow machine.
//
//   bench_studioburst [--count 1000] [--concurrency 4] [--function HelloPython] [--runs 1] [--json]
//                     [--slow-events MS]   (also list each event the GUI thread took MS or longer to handle)

#include "mainwindow/invokebar.h"
#include "mainwindow/mainwindow.h"
#include "projectbuilder.h"
#include "session/studiosession.h"
#include "studiofixture.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSpinBox>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace fn;
using namespace fn::test;

namespace {

// Records how long the GUI thread went between two firings of a 1 ms timer.
class StallProbe final : public QObject
{
public:
    StallProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            const double gap = (now - m_last) / 1000.0;
            m_gapsUs.append(gap);
            if (gap > m_maxGapUs) {
                m_maxGapUs = gap;
                m_maxGapEndMs = now / 1e6;
            }
            m_last = now;
        });
    }
    void start()
    {
        m_gapsUs.clear();
        m_maxGapUs = 0;
        m_maxGapEndMs = 0;
        m_clock.start();
        m_last = 0;
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    QList<double> gapsUs() const { return m_gapsUs; }
    // When the longest gap ended, in ms since start(): places it at the burst's start, middle or end.
    double maxGapEndMs() const { return m_maxGapEndMs; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    QList<double> m_gapsUs;
    double m_maxGapUs = 0;
    double m_maxGapEndMs = 0;
};

// Times each event the GUI thread handles, so that a gap can be traced to the receiver and event type
// that caused it (nested deliveries are listed too, indented, inside their outer event's time).
class TimedApplication final : public QApplication
{
public:
    using QApplication::QApplication;
    struct Slow
    {
        double startMs;
        double ms;
        int depth;
        QString what;
    };
    void record(double thresholdMs)
    {
        m_threshold = thresholdMs;
        m_slow.clear();
        m_clock.start();
    }
    QList<Slow> slow() const { return m_slow; }
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (m_threshold <= 0 || QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        const qint64 start = m_clock.nsecsElapsed();
        const int type = event->type();
        ++m_depth;
        const bool result = QApplication::notify(receiver, event);
        --m_depth;
        const double ms = (m_clock.nsecsElapsed() - start) / 1e6;
        if (ms >= m_threshold) {
            const QString name = receiver->objectName().isEmpty() ? QString() : u' ' + receiver->objectName();
            m_slow.append({start / 1e6, ms, m_depth,
                           QStringLiteral("%1%2, event type %3")
                               .arg(QLatin1StringView(receiver->metaObject()->className()), name)
                               .arg(type)});
        }
        return result;
    }

private:
    QElapsedTimer m_clock;
    QList<Slow> m_slow;
    double m_threshold = 0;
    int m_depth = 0;
};

double percentile(QList<double> sorted, double p)
{
    if (sorted.isEmpty())
        return 0;
    const qsizetype i = std::min<qsizetype>(sorted.size() - 1, qsizetype(p / 100.0 * double(sorted.size())));
    return sorted.at(i);
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("FN_PLUGIN_DIR"))
        qputenv("FN_PLUGIN_DIR", FN_PLUGIN_OUTPUT_DIR);
    TimedApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("fnstudio-bench"));
    StudioFixture::initTestCase(); // a saved layout or burst size from another run must not steer this one

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Event-loop stalls of the studio window during a burst."));
    parser.addHelpOption();
    const QCommandLineOption countOpt(QStringLiteral("count"), QStringLiteral("Invocations in the burst."),
                                      QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption concOpt(QStringLiteral("concurrency"), QStringLiteral("Burst concurrency."),
                                     QStringLiteral("C"), QStringLiteral("4"));
    const QCommandLineOption fnOpt(QStringLiteral("function"), QStringLiteral("Function of the example project."),
                                   QStringLiteral("NAME"), QStringLiteral("HelloPython"));
    const QCommandLineOption runsOpt(QStringLiteral("runs"),
                                     QStringLiteral("Bursts, one after the other, in one window."), QStringLiteral("R"),
                                     QStringLiteral("1"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print JSON instead of text."));
    const QCommandLineOption slowOpt(
        QStringLiteral("slow-events"),
        QStringLiteral("List the events the GUI thread took this long (ms) or longer to handle."), QStringLiteral("MS"),
        QStringLiteral("0"));
    parser.addOptions({countOpt, concOpt, fnOpt, runsOpt, jsonOpt, slowOpt});
    parser.process(app);
    const int count = parser.value(countOpt).toInt();
    const int concurrency = parser.value(concOpt).toInt();
    const QString function = parser.value(fnOpt);
    const int runs = std::max(1, parser.value(runsOpt).toInt());

    const ProjectBuilder project = ProjectBuilder::fromExample(QStringLiteral("hello"));
    StudioFixture studio(StudioFixture::Engine::Started);
    StudioSession &session = studio.session();
    MainWindow &window = studio.window();
    if (!studio.show()) {
        std::fprintf(stderr, "bench_studioburst: the window was never exposed\n");
        return 2;
    }
    studio.openProject(project.path());
    InvokeBar *bar = window.invokeBar();
    const int fnIndex = bar->functionCombo()->findText(function);
    if (fnIndex < 0) {
        std::fprintf(stderr, "bench_studioburst: no function %s in the example project\n", qPrintable(function));
        return 2;
    }
    bar->functionCombo()->setCurrentIndex(fnIndex);

    // One warm-up invocation so the burst starts from a warm environment, as a user's second click would.
    QEventLoop loop;
    const auto waitIdle = [&] {
        if (!session.isBusy())
            return;
        QObject::connect(&session, &StudioSession::busyChanged, &loop, [&](bool busy) {
            if (!busy)
                loop.quit();
        });
        loop.exec();
        QObject::disconnect(&session, &StudioSession::busyChanged, &loop, nullptr);
    };
    bar->countSpin()->setValue(1);
    window.action(QStringLiteral("invoke"))->trigger();
    waitIdle();

    int completed = 0;
    QObject::connect(&session, &StudioSession::resultArrived, &app, [&] { ++completed; });

    QJsonObject out;
    out.insert(QStringLiteral("count"), count);
    out.insert(QStringLiteral("concurrency"), concurrency);
    out.insert(QStringLiteral("function"), function);
    for (int run = 0; run < runs; ++run) {
        completed = 0;
        bar->countSpin()->setValue(count);
        bar->concurrencySpin()->setValue(concurrency);
        StallProbe probe;
        probe.start();
        QElapsedTimer burst;
        app.record(parser.value(slowOpt).toDouble());
        burst.start();
        window.action(QStringLiteral("invoke"))->trigger();
        const double triggerMs = burst.nsecsElapsed() / 1e6;
        waitIdle();
        const double burstMs = burst.nsecsElapsed() / 1e6;
        // The last batch reaches the models on the next flush: keep measuring until it has.
        QTimer::singleShot(200, &loop, &QEventLoop::quit);
        loop.exec();
        probe.stop();
        const QList<TimedApplication::Slow> slow = app.slow();
        app.record(0);

        QList<double> gaps = probe.gapsUs();
        std::sort(gaps.begin(), gaps.end());
        const auto over = [&](double ms) {
            return std::count_if(gaps.cbegin(), gaps.cend(), [ms](double g) { return g > ms * 1000; });
        };
        QJsonObject r;
        r.insert(QStringLiteral("burstMs"), burstMs);
        r.insert(QStringLiteral("completed"), completed);
        r.insert(QStringLiteral("perSecond"), completed / (burstMs / 1000.0));
        r.insert(QStringLiteral("timerFirings"), gaps.size());
        r.insert(QStringLiteral("maxGapMs"), gaps.isEmpty() ? 0 : gaps.last() / 1000);
        r.insert(QStringLiteral("maxGapEndedAtMs"), probe.maxGapEndMs());
        r.insert(QStringLiteral("p50GapMs"), percentile(gaps, 50) / 1000);
        r.insert(QStringLiteral("p99GapMs"), percentile(gaps, 99) / 1000);
        r.insert(QStringLiteral("gapsOver16ms"), qint64(over(16)));
        r.insert(QStringLiteral("gapsOver50ms"), qint64(over(50)));
        out.insert(QStringLiteral("run%1").arg(run + 1), r);
        if (!parser.isSet(jsonOpt)) {
            std::printf("burst %d: %d x %s at concurrency %d: %d completed in %.0f ms (%.0f per s)\n", run + 1, count,
                        qPrintable(function), concurrency, completed, burstMs,
                        r.value(QStringLiteral("perSecond")).toDouble());
            std::printf("  event loop (1 ms timer, %lld firings): max gap %.1f ms (ended %.0f ms after the start), p50 "
                        "%.2f ms, "
                        "p99 %.2f ms, gaps over 16 ms: %lld, over 50 ms: %lld\n",
                        qint64(gaps.size()), r.value(QStringLiteral("maxGapMs")).toDouble(), probe.maxGapEndMs(),
                        r.value(QStringLiteral("p50GapMs")).toDouble(), r.value(QStringLiteral("p99GapMs")).toDouble(),
                        qint64(over(16)), qint64(over(50)));
            if (parser.value(slowOpt).toDouble() > 0) {
                std::printf("  the Invoke action itself: %.1f ms; events of %s ms or more:\n", triggerMs,
                            qPrintable(parser.value(slowOpt)));
                for (const TimedApplication::Slow &e : slow)
                    std::printf("    at %7.1f ms %*s%.1f ms %s\n", e.startMs, e.depth * 2, "", e.ms,
                                qPrintable(e.what));
            }
        }
    }
    if (parser.isSet(jsonOpt))
        std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    window.close();
    return 0;
}
