// An event file (JSON) as the studio and the CLI read one: whatever nlohmann refuses (a syntax
// error, a number too large for a double) is placed at a line and column inside the text, with
// the reason.

#include "fuzzinput.h"
#include "project/jsonposition.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view in = fn::fuzz::text(data, size);
    const QByteArray text(in.data(), qsizetype(in.size()));
    try {
        const nlohmann::json event = nlohmann::json::parse(in);
        (void)event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const nlohmann::json::exception &e) {
        const fn::JsonPosition at = fn::JsonPosition::of(e, text);
        fn::fuzz::expect(at.line >= 1 && at.column >= 1, "a parse error is at a line and column");
        fn::fuzz::expect(at.line <= text.count('\n') + 1, "the line is inside the text");
        fn::fuzz::expect(!at.message.isEmpty(), "a parse error says why");
    }
    return 0;
}
