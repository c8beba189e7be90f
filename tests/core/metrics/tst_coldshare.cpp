// ColdShare: the share of cold starts in buckets of start time, widening as the run grows.

#include "metrics/coldshare.h"
#include "snapshots/invocationrecord.h"

#include <QTest>

using namespace fn;

class TestColdShare final : public QObject
{
    Q_OBJECT

    static constexpr qint64 t0 = 1795500000000;

private Q_SLOTS:
    void coldStartsGatherAtTheStartOfABurst()
    {
        // A burst at concurrency 5: five cold starts in its first 100 ms, then warm ones.
        ColdShare share;
        QVERIFY(share.isEmpty());
        for (int i = 0; i < 50; ++i)
            share.add(t0 + i * 20, i < 5);
        QCOMPARE(share.bucketMs(), qint64(100));
        QCOMPARE(share.originMs(), t0);
        QCOMPARE(share.buckets().size(), size_t(10));
        QCOMPARE(share.buckets().front().cold, size_t(5));
        QCOMPARE(share.buckets().front().all, size_t(5));
        QCOMPARE(share.buckets().front().share(), 1.0);
        for (size_t i = 1; i < share.buckets().size(); ++i)
            QCOMPARE(share.buckets()[i].share(), 0.0);
    }

    void afterIdleExpiryTheyComeBackAndTheBucketsWiden()
    {
        ColdShare share(60);
        share.add(t0, true);
        for (int i = 1; i < 10; ++i)
            share.add(t0 + i * 100, false);
        // Ten minutes idle: the environments expired, the next invocation is cold.
        const qint64 later = t0 + 10 * 60'000;
        share.add(later, true);
        share.add(later + 200, false);
        QVERIFY(int(share.buckets().size()) <= share.maxBuckets());
        QCOMPARE(share.bucketMs(), qint64(30'000)); // the first width that fits 10 minutes in 60 buckets
        const auto &b = share.buckets();
        QCOMPARE(b.front().cold, size_t(1));
        QCOMPARE(b.front().all, size_t(10));
        QCOMPARE(b.back().cold, size_t(1));
        QCOMPARE(b.back().all, size_t(2));
        QCOMPARE(b.back().share(), 0.5);
        size_t all = 0;
        for (const ColdShare::Bucket &bucket : b)
            all += bucket.all;
        QCOMPARE(all, size_t(12)); // nothing lost in the widening
        // The idle time between is there, empty.
        QCOMPARE(b[b.size() / 2].all, size_t(0));
    }

    void anInvocationThatStartedEarlierMovesTheOriginBack()
    {
        // Records arrive as invocations finish: a long one that started first may arrive last.
        ColdShare share;
        share.add(t0 + 1000, false);
        share.add(t0 + 1050, false);
        share.add(t0 + 720, true);
        QCOMPARE(share.bucketMs(), qint64(100));
        QCOMPARE(share.originMs(), t0 + 700);
        QCOMPARE(share.buckets().front().cold, size_t(1));
        QCOMPARE(share.buckets()[3].all, size_t(2));
    }

    void throttlesAreNotCounted()
    {
        ColdShare share;
        InvocationRecord r;
        r.startedAtMs = t0;
        r.outcome = InvocationOutcome::Throttled;
        share.add(r);
        QVERIFY(share.isEmpty());
        r.outcome = InvocationOutcome::Timeout;
        r.coldStart = true;
        share.add(r);
        QCOMPARE(share.buckets().front().cold, size_t(1));
        share.clear();
        QVERIFY(share.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestColdShare)
#include "tst_coldshare.moc"
