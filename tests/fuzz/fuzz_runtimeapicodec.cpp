// The Runtime API as fnstudio's runtimes speak it over their channel: the bytes a function's
// process writes (a hostile one writes anything). Whatever they are, the codec cuts out the same
// requests whether they arrive at once or in pieces, keeps no body over its limit, and stops at
// the first thing that is not HTTP.

#include "fuzzinput.h"
#include "runtime/runtimeapichannelcodec.h"

namespace {

constexpr qint64 Limit = 4096; // small, so that inputs cross it

struct Cut
{
    std::vector<std::string> requests; // method, path, headers and body, flattened
    bool broken = false;
};

Cut cut(const std::vector<std::string_view> &pieces)
{
    Cut c;
    fn::RuntimeApiChannelCodec codec(Limit);
    for (const std::string_view piece : pieces) {
        codec.append(piece.data(), piece.size());
        for (;;) {
            fn::RuntimeApiRequest request;
            const auto next = codec.next(&request);
            if (next == fn::RuntimeApiChannelCodec::Next::NeedMore)
                break;
            if (next == fn::RuntimeApiChannelCodec::Next::Broken) {
                c.broken = true;
                return c;
            }
            fn::fuzz::expect(qint64(request.body.size()) <= Limit, "no body over the limit is kept");
            std::string flat = request.method + ' ' + request.path + '\n';
            for (const auto &[name, value] : request.headers)
                flat += name + ": " + value + '\n';
            flat += std::to_string(request.bodySize) + '\n' + request.body;
            c.requests.push_back(std::move(flat));
            fn::RuntimeApiReply reply;
            reply.status = 202;
            reply.body = request.body;
            (void)fn::RuntimeApiChannelCodec::encode(reply);
        }
    }
    return c;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view in = fn::fuzz::text(data, size);
    const Cut whole = cut({in});
    const Cut streamed = cut(fn::fuzz::pieces(in));
    fn::fuzz::expect(whole.broken == streamed.broken, "broken is broken however the bytes arrive");
    fn::fuzz::expect(whole.requests == streamed.requests, "the same requests however the bytes arrive");
    return 0;
}
