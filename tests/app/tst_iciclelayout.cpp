// IcicleLayout: the import profile's icicle as fractions of the width, tested without a window.
#include "result/iciclelayout.h"

#include <QTest>

using namespace fn;

namespace {

// app (5080 us) imported json (4476 us), which imported json.decoder (3696 us) and json.encoder.
const QByteArray Lines = "import time:       476 |        476 |       _json\n"
                         "import time:       432 |        908 |     json.scanner\n"
                         "import time:      2788 |       3696 |   json.decoder\n"
                         "import time:       419 |        419 |   json.encoder\n"
                         "import time:       361 |       4476 | json\n"
                         "import time:      1000 |       1000 | decimal\n";

} // namespace

class TestIcicleLayout final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void boxesAreAsWideAsTheirCumulativeTime()
    {
        const IcicleLayout l = IcicleLayout::of(ImportProfile::parse(Lines));
        QCOMPARE(l.totalUs, qint64(5476));
        QCOMPARE(l.depthCount, 4);
        QCOMPARE(l.boxes.size(), qsizetype(6));
        const IcicleLayout::Box &json = l.boxes.at(0);
        QCOMPARE(json.module, QStringLiteral("json"));
        QCOMPARE(json.start, 0.0);
        QCOMPARE(json.width, 4476.0 / 5476.0);
        // Siblings side by side from their importer's left edge; the roots likewise.
        const IcicleLayout::Box &decoder = l.boxes.at(1);
        const IcicleLayout::Box &encoder = l.boxes.at(4);
        QCOMPARE(decoder.depth, 1);
        QCOMPARE(decoder.start, 0.0);
        QCOMPARE(encoder.start, decoder.width);
        QCOMPARE(l.boxes.at(5).module, QStringLiteral("decimal"));
        QCOMPARE(l.boxes.at(5).start, json.width);
        for (const IcicleLayout::Box &b : l.boxes)
            QVERIFY(b.start >= 0 && b.start + b.width <= 1.0 + 1e-9);
    }

    void boxAtFindsTheModuleUnderAPoint()
    {
        const IcicleLayout l = IcicleLayout::of(ImportProfile::parse(Lines));
        QCOMPARE(l.boxes.at(l.boxAt(0.1, 0)).module, QStringLiteral("json"));
        QCOMPARE(l.boxes.at(l.boxAt(0.95, 0)).module, QStringLiteral("decimal"));
        QCOMPARE(l.boxes.at(l.boxAt(0.05, 3)).module, QStringLiteral("_json"));
        QCOMPARE(l.boxAt(0.8, 1), -1); // json's own time, right of what it imported
        QCOMPARE(l.boxAt(0.1, 4), -1);
    }

    void emptyProfileHasNoBoxes()
    {
        const IcicleLayout l = IcicleLayout::of({});
        QVERIFY(l.boxes.isEmpty());
        QCOMPARE(l.boxAt(0.5, 0), -1);
    }
};

QTEST_GUILESS_MAIN(TestIcicleLayout)
#include "tst_iciclelayout.moc"
