// Percentiles: the nearest-rank rule (a measured value at rank ceil(p/100 × n)), exact at whole
// ranks, the median of an even count, values arriving after a read.

#include "metrics/percentiles.h"

#include <QTest>

#include <algorithm>
#include <numeric>

using namespace fn;

namespace {

// 1, 2, ..., n in reverse, so that the percentiles must sort.
std::vector<double> descending(int n)
{
    std::vector<double> v(std::size_t(n), 0.0);
    std::iota(v.rbegin(), v.rend(), 1.0);
    return v;
}

} // namespace

class TestPercentiles final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nothingMeasuredGivesZero()
    {
        const Percentiles p;
        QVERIFY(p.isEmpty());
        QCOMPARE(p.at(50), 0.0);
        QCOMPARE(p.median(), 0.0);
        QCOMPARE(p.max(), 0.0);
    }

    void theSmallestValueWithAtLeastPPercentAtOrBelowIt()
    {
        Percentiles p;
        for (int i = 100; i >= 1; --i)
            p.add(i);
        QCOMPARE(p.size(), std::size_t(100));
        QCOMPARE(p.at(50), 50.0);
        QCOMPARE(p.at(90), 90.0);
        QCOMPARE(p.at(99), 99.0);
        QCOMPARE(p.at(100), 100.0);
        QCOMPARE(p.max(), 100.0);
        QCOMPARE(p.at(0), 1.0);
        QCOMPARE(p.at(-5), 1.0);
    }

    void everyWholePercentileOfAHundredValuesIsItsOwnRank()
    {
        // A rank computed as p/100 × n lands past the exact rank for some p (0.07 × 100 = 7.000000000000001).
        const Percentiles p(descending(100));
        for (int q = 1; q <= 100; ++q)
            QCOMPARE(p.at(q), double(q));
    }

    void betweenRanksTheNextMeasuredValueUp()
    {
        const Percentiles p(descending(10));
        QCOMPARE(p.at(90), 9.0);
        QCOMPARE(p.at(91), 10.0);
        QCOMPARE(p.at(99), 10.0);
        QCOMPARE(p.at(15), 2.0);
        const Percentiles bench(descending(2000)); // bench's default count
        QCOMPARE(bench.at(50), 1000.0);
        QCOMPARE(bench.at(90), 1800.0);
        QCOMPARE(bench.at(99), 1980.0);
        QCOMPARE(bench.at(99.9), 1998.0);
    }

    void theMedianOfAnEvenCountIsTheLowerMiddleValue()
    {
        QCOMPARE(Percentiles(std::vector<double>{4, 1, 3, 2}).median(), 2.0);
        QCOMPARE(Percentiles(std::vector<double>{3, 1, 2}).median(), 2.0);
        QCOMPARE(Percentiles(std::vector<double>{7}).median(), 7.0);
    }

    void valuesAddedAfterAReadAreCounted()
    {
        Percentiles p(descending(100));
        QCOMPARE(p.max(), 100.0);
        p.add(1000);
        QCOMPARE(p.max(), 1000.0);
        p.add(-1);
        QCOMPARE(p.at(1), 1.0); // rank ceil(1.02) = 2 of -1, 1, 2, ...
        p.clear();
        QVERIFY(p.isEmpty());
        QCOMPARE(p.at(50), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestPercentiles)
#include "tst_percentiles.moc"
