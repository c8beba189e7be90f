// SignalRecorder, the engine tests' stand-in for QSignalSpy: every emission from several threads
// at once is kept, none lost and none torn. QSignalSpy (Qt 6.4) in its place loses emissions here
// or corrupts the heap (AddressSanitizer: double-free in QArrayData::reallocateUnaligned).

#include "signalrecorder.h"

#include <QObject>
#include <QTest>

#include <thread>
#include <vector>

using namespace fn::test;

namespace {

class Emitter final : public QObject
{
    Q_OBJECT
public:
    void tick(int thread, int n, const QString &text) { Q_EMIT ticked(thread, n, text); }
Q_SIGNALS:
    void ticked(int thread, int n, const QString &text);
};

} // namespace

class TestSignalRecorder final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keepsEveryEmissionFromConcurrentThreads()
    {
        constexpr int Threads = 8;
        constexpr int PerThread = 20000;
        Emitter emitter;
        SignalRecorder recorder(&emitter, &Emitter::ticked);
        std::vector<std::thread> threads;
        for (int t = 0; t < Threads; ++t)
            threads.emplace_back([&emitter, t] {
                for (int n = 0; n < PerThread; ++n)
                    emitter.tick(t, n, QString::number(n));
            });
        for (auto &t : threads)
            t.join();

        const auto calls = recorder.calls();
        QCOMPARE(recorder.size(), qsizetype(Threads) * PerThread);
        // Each thread's emissions are all there, in the order that thread made them.
        std::vector<int> next(Threads, 0);
        for (const auto &[thread, n, text] : calls) {
            QVERIFY(thread >= 0 && thread < Threads);
            QCOMPARE(n, next[size_t(thread)]);
            QCOMPARE(text, QString::number(n));
            ++next[size_t(thread)];
        }
    }

    void aRecorderGoneOutOfScopeRecordsNothingMore()
    {
        Emitter emitter;
        {
            SignalRecorder recorder(&emitter, &Emitter::ticked);
            emitter.tick(0, 1, QStringLiteral("one"));
            QCOMPARE(recorder.size(), 1);
        }
        emitter.tick(0, 2, QStringLiteral("two")); // nothing connected any more: must not crash
        SignalRecorder later(&emitter, &Emitter::ticked);
        QCOMPARE(later.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSignalRecorder)
#include "tst_signalrecorder.moc"
