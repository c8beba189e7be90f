#pragma once
// What the fuzz targets share: the input as text, a broken property reported and stopped on (a
// property is what a user would check, e.g. "a refusal says why"), and an input cut into the
// pieces a client might send it in.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace fn::fuzz {

inline std::string_view text(const uint8_t *data, size_t size)
{
    return {reinterpret_cast<const char *>(data), size};
}

// Aborts, so that libFuzzer (and the standalone driver) keep the input.
[[noreturn]] inline void broken(const char *property)
{
    std::fprintf(stderr, "fuzz: property broken: %s\n", property);
    std::abort();
}
inline void expect(bool holds, const char *property)
{
    if (!holds)
        broken(property);
}

// The input in pieces whose sizes come from its own bytes (1 to 16), as a stream of reads would
// deliver it.
inline std::vector<std::string_view> pieces(std::string_view input)
{
    std::vector<std::string_view> out;
    size_t at = 0;
    while (at < input.size()) {
        const size_t length = std::min<size_t>(input.size() - at, 1 + (uint8_t(input[at]) % 16));
        out.push_back(input.substr(at, length));
        at += length;
    }
    return out;
}

} // namespace fn::fuzz
