// Signature Version 4 as the services check it, on any request: the input is a request line
// ("METHOD TARGET"), header lines ("Name: value") and nothing else. Whatever it holds, checking
// it ends with an answer; a foreign key is never verified; and the same request signed with a
// key issued here, at the service's time, always verifies (what the client and the service
// build as the canonical request agree), while one changed byte of its signature never does.

#include "access/sigv4.h"
#include "fuzzinput.h"

#include <algorithm>
#include <cctype>

namespace {

constexpr const char *Key = "ASIAFNSTUDIOFUZZKEY0";
constexpr const char *Secret = "fuzz-secret";
constexpr const char *Token = "fuzz-token";
constexpr long long Now = 1796000000;

fn::SigV4::Key lookup(std::string_view id)
{
    fn::SigV4::Key key;
    if (id == Key) {
        key.kind = fn::SigV4::Key::Kind::Known;
        key.secretAccessKey = Secret;
        key.sessionToken = Token;
    } else if (id.substr(0, 12) == "ASIAFNSTUDIO") {
        key.kind = fn::SigV4::Key::Kind::Unknown;
    }
    return key;
}

fn::SigV4::Key foreign(std::string_view)
{
    return {};
}

fn::SignedRequest parse(std::string_view in)
{
    fn::SignedRequest r;
    size_t line = 0;
    while (!in.empty()) {
        const size_t end = in.find('\n');
        std::string_view text = in.substr(0, end);
        in.remove_prefix(end == std::string_view::npos ? in.size() : end + 1);
        if (line++ == 0) {
            const size_t space = text.find(' ');
            r.method = std::string(text.substr(0, space));
            r.target = space == std::string_view::npos ? "/" : std::string(text.substr(space + 1));
            continue;
        }
        const size_t colon = text.find(':');
        if (colon == std::string_view::npos || colon == 0)
            continue;
        // Header names are HTTP tokens (an HTTP server would refuse anything else).
        const std::string_view name = text.substr(0, colon);
        if (!std::all_of(name.begin(), name.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c))
                       || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
            }))
            continue;
        r.headers.emplace_back(std::string(text.substr(0, colon)), std::string(text.substr(colon + 1)));
    }
    return r;
}

bool isSigningHeader(const std::string &name)
{
    std::string lower;
    for (char c : name)
        lower += char(std::tolower(static_cast<unsigned char>(c)));
    return lower == "authorization" || lower == "x-amz-date" || lower == "x-amz-security-token"
           || lower == "x-amz-content-sha256" || lower == "date";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fn::SignedRequest request = parse(fn::fuzz::text(data, size));
    for (const auto service : {fn::SigV4::Service::S3, fn::SigV4::Service::Other}) {
        const fn::SigV4::Result checked = fn::SigV4::verify(request, service, Now, lookup);
        fn::fuzz::expect(checked.outcome != fn::SigV4::Result::Outcome::Rejected || !checked.message.isEmpty(),
                         "a rejection says why");
        fn::fuzz::expect(fn::SigV4::verify(request, service, Now, foreign).outcome
                             != fn::SigV4::Result::Outcome::Verified,
                         "a foreign key is never verified");

        // The same request as a client would sign it.
        fn::SignedRequest resigned = request;
        std::erase_if(resigned.headers, [](const auto &h) { return isSigningHeader(h.first); });
        if (!resigned.header("host"))
            resigned.headers.emplace_back("Host", "127.0.0.1:3002");
        if (resigned.target.empty() || resigned.target.find('#') != std::string::npos)
            continue; // not a target a client sends
        // A query-string signature in the target is another way of signing: keep to the header form.
        if (resigned.target.find("X-Amz-") != std::string::npos)
            continue;
        fn::SigV4::sign(resigned, service, Key, Secret, Token, "us-east-1", "s3", Now);
        const fn::SigV4::Result ok = fn::SigV4::verify(resigned, service, Now, lookup);
        fn::fuzz::expect(ok.outcome == fn::SigV4::Result::Outcome::Verified,
                         "a request signed with an issued key verifies");
        for (auto &[name, value] : resigned.headers)
            if (name == "Authorization") {
                char &last = value.back();
                last = last == '0' ? '1' : '0';
            }
        fn::fuzz::expect(fn::SigV4::verify(resigned, service, Now, lookup).outcome
                             != fn::SigV4::Result::Outcome::Verified,
                         "a changed signature never verifies");
    }
    return 0;
}
