// The Runtime API on a runtime's channel: requests cut out of the bytes a function's process
// writes, whatever it writes. Found by fuzz_runtimeapicodec: a Content-Length of "-1" took the rest
// of the stream as its body and left the codec out of step with the bytes.

#include "runtime/runtimeapichannelcodec.h"

#include <QTest>

using namespace fn;

namespace {

using Next = RuntimeApiChannelCodec::Next;

Next firstOf(const std::string &bytes, RuntimeApiRequest *request)
{
    RuntimeApiChannelCodec codec(1024);
    codec.append(bytes.data(), bytes.size());
    return codec.next(request);
}

} // namespace

class TestRuntimeApiChannelCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestsComeOutWhole()
    {
        RuntimeApiChannelCodec codec(1024);
        const std::string bytes =
            "POST /2018-06-01/runtime/invocation/abc/response HTTP/1.1\r\nContent-Length: 2\r\n\r\n"
            "{}GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\n";
        for (const char c : bytes) // a byte at a time, as a slow pipe might deliver them
            codec.append(&c, 1);
        RuntimeApiRequest request;
        QCOMPARE(codec.next(&request), Next::Request);
        QCOMPARE(request.path, std::string("/2018-06-01/runtime/invocation/abc/response"));
        QCOMPARE(request.body, std::string("{}"));
        QCOMPARE(codec.next(&request), Next::Request);
        QCOMPARE(request.method, std::string("GET"));
        QCOMPARE(codec.next(&request), Next::NeedMore);
    }

    void aLengthThatIsNotOneNumberBreaksTheChannel_data()
    {
        QTest::addColumn<QString>("length");
        QTest::newRow("negative") << QStringLiteral("-1");
        QTest::newRow("two numbers") << QStringLiteral("-1 17");
        QTest::newRow("signed") << QStringLiteral("+2");
        QTest::newRow("not a number") << QStringLiteral("two");
        QTest::newRow("too long") << QStringLiteral("99999999999999999999");
    }
    void aLengthThatIsNotOneNumberBreaksTheChannel()
    {
        QFETCH(QString, length);
        RuntimeApiRequest request;
        const std::string bytes = "POST /2018-06-01/runtime/invocation/abc/response HTTP/1.1\r\nContent-Length: "
                                  + length.toStdString() + "\r\n\r\n{}";
        QCOMPARE(firstOf(bytes, &request), Next::Broken);
    }

    void aLengthGivenTwiceBreaksTheChannel()
    {
        RuntimeApiRequest request;
        QCOMPARE(firstOf("POST /x HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}", &request),
                 Next::Broken);
    }
};

QTEST_GUILESS_MAIN(TestRuntimeApiChannelCodec)
#include "tst_runtimeapichannelcodec.moc"
