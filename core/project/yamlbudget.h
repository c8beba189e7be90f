#pragma once
// What a YAML document costs once its aliases are expanded, counted before anyone expands them.
// A template of nine levels of ten aliases is a few hundred bytes and a billion nodes: whatever walks
// it (intrinsics, function properties) would take the machine's memory. Safe YAML loaders bound
// alias expansion; this does so for yaml-cpp, from its parser's events, in one linear pass. The same
// pass catches what yaml-cpp is too lenient about: a quoted value that never closes, and text that
// is not UTF-8.

#include <QString>

#include <optional>
#include <string>

namespace fn {

struct YamlBudget
{
    static constexpr qint64 MaxNodes = 1'000'000; // a real template has thousands
    static constexpr int MaxDepth = 256;          // collections within collections

    struct Problem
    {
        int line = 0; // 1-based; 0 when unknown
        QString message;
    };
    // Nothing when `text` is UTF-8, stays within both bounds and its quotes close (or it does not
    // parse: the loader says why).
    static std::optional<Problem> check(const std::string &text);
};

} // namespace fn
