// The aws-chunked decoder of S3 uploads (the SDKs' streaming PUTs): whatever the bytes, it decodes
// them the same way whether they arrive at once or in pieces, and never gives more data than the
// body holds.

#include "fuzzinput.h"
#include "services/awschunkeddecoder.h"

namespace {

struct Decoded
{
    bool ok = true;
    bool finished = false;
    std::string data;
};

Decoded decode(const std::vector<std::string_view> &pieces)
{
    Decoded d;
    fn::AwsChunkedDecoder decoder;
    for (const std::string_view piece : pieces) {
        if (!decoder.feed(piece.data(), piece.size(), [&d](const char *data, size_t length) {
                d.data.append(data, length);
                return true;
            })) {
            d.ok = false;
            break;
        }
    }
    d.finished = decoder.finished();
    return d;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view in = fn::fuzz::text(data, size);
    const Decoded whole = decode({in});
    const Decoded streamed = decode(fn::fuzz::pieces(in));
    fn::fuzz::expect(whole.data.size() <= in.size(), "no more data than the body holds");
    fn::fuzz::expect(whole.ok == streamed.ok, "broken framing is broken however it arrives");
    if (whole.ok) {
        fn::fuzz::expect(whole.data == streamed.data, "the same data however it arrives");
        fn::fuzz::expect(whole.finished == streamed.finished, "the same end however it arrives");
    }
    return 0;
}
