// LatencyHistogram: what callers waited, in bins evenly spaced on a log time axis, cold and warm apart.

#include "metrics/latencyhistogram.h"
#include "snapshots/invocationrecord.h"

#include <QTest>

using namespace fn;
using Start = LatencyHistogram::Start;

class TestLatencyHistogram final : public QObject
{
    Q_OBJECT

    static InvocationRecord invocation(bool cold, double observedMs, double initMs = 0, double durationMs = 0)
    {
        InvocationRecord r;
        r.coldStart = cold;
        r.observedMs = observedMs;
        r.initDurationMs = initMs;
        r.durationMs = durationMs;
        return r;
    }

private Q_SLOTS:
    void binsAreEvenOnALogAxis()
    {
        // Ten bins a decade: every decade is as wide on the axis, and 1 ms opens its own bin.
        QCOMPARE(LatencyHistogram::binOf(1.0) - LatencyHistogram::binOf(0.1), 10);
        QCOMPARE(LatencyHistogram::binOf(1000.0) - LatencyHistogram::binOf(100.0), 10);
        const int oneMs = LatencyHistogram::binOf(1.0);
        QCOMPARE(LatencyHistogram::lowerMs(oneMs), 1.0);
        QCOMPARE(LatencyHistogram::binOf(0.999), oneMs - 1);
        QVERIFY(qAbs(LatencyHistogram::upperMs(oneMs) - 1.2589) < 1e-4); // 10^0.1
        QCOMPARE(LatencyHistogram::upperMs(oneMs), LatencyHistogram::lowerMs(oneMs + 1));
        QCOMPARE(LatencyHistogram::axisPosition(LatencyHistogram::MinMs), 0.0);
        QCOMPARE(LatencyHistogram::axisPosition(LatencyHistogram::MaxMs), 1.0);
        QCOMPARE(LatencyHistogram::axisPosition(10.0) - LatencyHistogram::axisPosition(1.0),
                 LatencyHistogram::axisPosition(1000.0) - LatencyHistogram::axisPosition(100.0));
        // Outside the range: the first and the last bin, never out of bounds.
        QCOMPARE(LatencyHistogram::binOf(0.0), 0);
        QCOMPARE(LatencyHistogram::binOf(0.001), 0);
        QCOMPARE(LatencyHistogram::binOf(3.6e9), LatencyHistogram::BinCount - 1);
    }

    void aBurstWithColdStartsHasTwoHumps()
    {
        LatencyHistogram h;
        QCOMPARE(h.firstBin(), -1);
        for (int i = 0; i < 95; ++i)
            h.add(invocation(false, 0.4 + (i % 5) * 0.01)); // warm: 0.40 … 0.44 ms
        for (int i = 0; i < 5; ++i)
            h.add(invocation(true, 21.0 + i)); // cold: 21 … 25 ms
        QCOMPARE(h.total(Start::Warm), size_t(95));
        QCOMPARE(h.total(Start::Cold), size_t(5));
        QCOMPARE(h.total(), size_t(100));
        const int warm = LatencyHistogram::binOf(0.4);
        const int cold = LatencyHistogram::binOf(21.0);
        QCOMPARE(h.count(warm, Start::Warm), size_t(95));
        QCOMPARE(h.count(cold, Start::Cold) + h.count(cold + 1, Start::Cold), size_t(5));
        QCOMPARE(h.count(warm, Start::Cold), size_t(0));
        QCOMPARE(h.firstBin(), warm);
        QVERIFY(h.lastBin() >= cold);
        // Between the humps, nothing.
        for (int bin = warm + 1; bin < cold; ++bin)
            QCOMPARE(h.count(bin), size_t(0));
        QCOMPARE(h.maxBinCount(), size_t(95));
        // The axis a view shows: the whole decades around both humps.
        const LatencyHistogram::Span span = LatencyHistogram::decadesAround(h.firstBin(), h.lastBin());
        QCOMPARE(span.fromMs, 0.1);
        QCOMPARE(span.toMs, 100.0);
    }

    void theShownAxisIsAtLeastTwoDecades()
    {
        const int oneMs = LatencyHistogram::binOf(1.0);
        auto span = LatencyHistogram::decadesAround(oneMs, oneMs);
        QCOMPARE(span.fromMs, 1.0);
        QCOMPARE(span.toMs, 100.0);
        span = LatencyHistogram::decadesAround(LatencyHistogram::BinCount - 1, LatencyHistogram::BinCount - 1);
        QCOMPARE(span.toMs, LatencyHistogram::MaxMs);
        QCOMPARE(span.fromMs, LatencyHistogram::MaxMs / 100);
    }

    void unmeasuredLatencyIsInitPlusDurationAndThrottlesAreLeftOut()
    {
        // History from before observedMs, and REPORT lines from CloudWatch, carry no observed total.
        QCOMPARE(LatencyHistogram::latencyMs(invocation(true, 0, 242.29, 102.25)), 242.29 + 102.25);
        QCOMPARE(LatencyHistogram::latencyMs(invocation(true, 350.0, 242.29, 102.25)), 350.0);
        InvocationRecord throttled = invocation(false, 0.05);
        throttled.outcome = InvocationOutcome::Throttled;
        QCOMPARE(LatencyHistogram::latencyMs(throttled), 0.0);
        LatencyHistogram h;
        h.add(throttled);
        h.add(invocation(false, 0, 0, 0)); // nothing measured at all
        QCOMPARE(h.total(), size_t(0));
        h.add(invocation(true, 0, 242.29, 102.25));
        QCOMPARE(h.count(LatencyHistogram::binOf(344.54), Start::Cold), size_t(1));
        h.clear();
        QCOMPARE(h.total(), size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestLatencyHistogram)
#include "tst_latencyhistogram.moc"
