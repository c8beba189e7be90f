#pragma once
// How a log line is classified (level and platform kind) from its text, as Lambda runtimes write them.

#include <QByteArrayView>
#include <QtGlobal>

namespace fn {

enum class LogLevel : quint8 { Output, Debug, Info, Warning, Error, Platform };
enum class LogKind : quint8 { Text, InitStart, Start, End, Report, PlatformOther };

constexpr quint32 levelBit(LogLevel level)
{
    return 1u << quint32(level);
}
constexpr quint32 allLevels = 0x3f;

struct LogClassification
{
    LogLevel level = LogLevel::Output;
    LogKind kind = LogKind::Text;
};

// Python's "[ERROR]\t…", Node's "<time>\t<request id>\tERROR\t…", the JSON "level" field, and the
// platform's INIT_START / START / END / REPORT lines (timeouts and crashes count as errors).
LogClassification classifyLogLine(QByteArrayView utf8, bool platform);

} // namespace fn
