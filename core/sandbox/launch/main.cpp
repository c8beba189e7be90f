// fnstudio-launch: the first program in every sandbox. bubblewrap starts it with the sandbox made
// (namespaces, mounts, limits, seccomp) and it waits, reading the runtime's command line and
// environment from a pipe; when the engine writes them it closes its descriptors and becomes the
// runtime. The sandbox can so be made before an invocation needs it (see SpareSandboxes), and a
// cold start pays only for the runtime's own start. A pipe closed with nothing in it ends it quietly.
//
// Usage (inside the sandbox): /proc/self/fd/<self fd> <pipe fd> <self fd>
// The pipe carries NUL-terminated strings: the number of arguments, the arguments, then the
// environment's NAME=value entries.

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

extern char **environ;

namespace {

constexpr size_t MaxMessage = 1 << 16; // far above Lambda's 4 KB of variables and any command line

[[noreturn]] void die(const char *what, const char *detail)
{
    std::fprintf(stderr, "fnstudio-launch: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    std::_Exit(127);
}

int descriptor(const char *text)
{
    char *end = nullptr;
    const long fd = std::strtol(text, &end, 10);
    if (!*text || *end || fd < 0 || fd > 65535)
        die("not a descriptor", text);
    return int(fd);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3)
        die("usage: fnstudio-launch <pipe fd> <self fd>", nullptr);
    const int pipeFd = descriptor(argv[1]);
    const int selfFd = descriptor(argv[2]);

    static char message[MaxMessage + 1];
    size_t size = 0;
    for (;;) {
        const ssize_t n = ::read(pipeFd, message + size, MaxMessage - size);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("cannot read the runtime's command", std::strerror(errno));
        }
        size += size_t(n);
        if (size == MaxMessage)
            die("the runtime's command is too long", nullptr);
    }
    if (size == 0)
        return 0; // the sandbox was not needed after all
    if (message[size - 1] != '\0')
        die("the runtime's command is cut short", nullptr);
    ::close(pipeFd);
    ::close(selfFd);

    // Split in place (every string ends with its NUL) into the two lists execvp wants.
    static char *arguments[MaxMessage / 2 + 1];
    static char *environment[MaxMessage / 2 + 1];
    size_t at = 0;
    const auto next = [&]() -> char * {
        if (at >= size)
            return nullptr;
        char *s = message + at;
        at += std::strlen(s) + 1;
        return s;
    };
    char *end = nullptr;
    const char *countText = next();
    const long args = std::strtol(countText, &end, 10);
    if (*end || args < 1)
        die("the runtime's command has no program", nullptr);
    for (long i = 0; i < args; ++i) {
        arguments[i] = next();
        if (!arguments[i])
            die("the runtime's command is cut short", nullptr);
    }
    size_t variables = 0;
    while (char *variable = next())
        environment[variables++] = variable;

    environ = environment; // execvp searches the runtime's PATH, not this program's
    ::execvp(arguments[0], arguments);
    die(arguments[0], std::strerror(errno));
}
