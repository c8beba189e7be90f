// A main for the fuzz targets when they are not linked with libFuzzer (the dev and ci presets,
// built with GCC): every input of the corpus given on the command line, then `-runs=N` inputs made
// from them by the mutations libFuzzer starts with (bits flipped; bytes set, inserted, erased or
// repeated; a piece of another input inserted; two inputs spliced), from a fixed random seed so that
// a failure comes back when run again. The `fuzz` preset links libFuzzer instead, which takes the
// same arguments. An input that crashes a target is written to ./crash-input before the crash.

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

using Bytes = std::vector<uint8_t>;

const Bytes *g_current = nullptr;

void onCrash(int signal)
{
    if (g_current) {
        const int fd = ::open("crash-input", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            [[maybe_unused]] const ssize_t written = ::write(fd, g_current->data(), g_current->size());
            ::close(fd);
        }
        static const char note[] = "fuzzdriver: the input that crashed is in ./crash-input\n";
        [[maybe_unused]] const ssize_t shown = ::write(2, note, sizeof note - 1);
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

void run(const Bytes &input)
{
    g_current = &input;
    LLVMFuzzerTestOneInput(input.data(), input.size());
    g_current = nullptr;
}

Bytes readFile(const std::filesystem::path &path)
{
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class Mutator
{
public:
    Mutator(const std::vector<Bytes> &corpus, uint64_t seed, size_t maxLength)
        : m_corpus(corpus)
        , m_random(seed)
        , m_maxLength(maxLength)
    {
    }

    Bytes next()
    {
        Bytes input = m_corpus.empty() ? Bytes() : pick();
        const int mutations = 1 + int(below(4));
        for (int i = 0; i < mutations; ++i)
            mutate(input);
        if (input.size() > m_maxLength)
            input.resize(m_maxLength);
        return input;
    }

private:
    size_t below(size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(m_random); }
    const Bytes &pick() { return m_corpus[below(m_corpus.size())]; }

    void mutate(Bytes &input)
    {
        static const char *const interesting[] = {
            "0",    "-1",       "255",   "65536", "2147483648", "18446744073709551616",
            "\r\n", "\r\n\r\n", "%",     "%00",   "\xff\xfe",   "{",
            "}",    "[",        "]",     "\"",    "\\",         ":",
            "*",    "&",        "!Ref ", "&a ",   "*a"};
        switch (below(8)) {
        case 0: // flip a bit
            if (!input.empty())
                input[below(input.size())] ^= uint8_t(1u << below(8));
            break;
        case 1: // set a byte
            if (!input.empty())
                input[below(input.size())] = uint8_t(below(256));
            break;
        case 2: { // insert random bytes
            const size_t at = below(input.size() + 1);
            const size_t count = 1 + below(8);
            for (size_t i = 0; i < count; ++i)
                input.insert(input.begin() + std::ptrdiff_t(at), uint8_t(below(256)));
            break;
        }
        case 3: // erase a range
            if (!input.empty()) {
                const size_t at = below(input.size());
                const size_t count = 1 + below(std::min<size_t>(input.size() - at, 64));
                input.erase(input.begin() + std::ptrdiff_t(at), input.begin() + std::ptrdiff_t(at + count));
            }
            break;
        case 4: // repeat a range
            if (!input.empty()) {
                const size_t at = below(input.size());
                const size_t count = 1 + below(std::min<size_t>(input.size() - at, 64));
                const Bytes piece(input.begin() + std::ptrdiff_t(at), input.begin() + std::ptrdiff_t(at + count));
                const size_t times = 1 + below(16);
                for (size_t i = 0; i < times; ++i)
                    input.insert(input.begin() + std::ptrdiff_t(at), piece.begin(), piece.end());
            }
            break;
        case 5: { // insert a piece of another input
            const Bytes &other = pick();
            if (!other.empty()) {
                const size_t from = below(other.size());
                const size_t count = 1 + below(std::min<size_t>(other.size() - from, 128));
                input.insert(input.begin() + std::ptrdiff_t(below(input.size() + 1)),
                             other.begin() + std::ptrdiff_t(from), other.begin() + std::ptrdiff_t(from + count));
            }
            break;
        }
        case 6: { // splice: this input's start, another's end
            const Bytes &other = pick();
            const size_t keep = below(input.size() + 1);
            const size_t from = below(other.size() + 1);
            input.resize(keep);
            input.insert(input.end(), other.begin() + std::ptrdiff_t(from), other.end());
            break;
        }
        default: { // an interesting token
            const char *token = interesting[below(std::size(interesting))];
            input.insert(input.begin() + std::ptrdiff_t(below(input.size() + 1)), token, token + std::strlen(token));
            break;
        }
        }
    }

    const std::vector<Bytes> &m_corpus;
    std::mt19937_64 m_random;
    size_t m_maxLength;
};

} // namespace

int main(int argc, char **argv)
{
    long runs = 0;
    uint64_t seed = 1;
    size_t maxLength = 64 * 1024;
    std::vector<Bytes> corpus;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("-runs=", 0) == 0)
            runs = std::atol(arg.c_str() + 6);
        else if (arg.rfind("-seed=", 0) == 0)
            seed = std::strtoull(arg.c_str() + 6, nullptr, 10);
        else if (arg.rfind("-max_len=", 0) == 0)
            maxLength = std::strtoull(arg.c_str() + 9, nullptr, 10);
        else if (arg.rfind('-', 0) == 0)
            continue; // a libFuzzer option this driver does not have
        else if (std::filesystem::is_directory(arg)) {
            for (const auto &entry : std::filesystem::recursive_directory_iterator(arg))
                if (entry.is_regular_file())
                    corpus.push_back(readFile(entry.path()));
        } else {
            corpus.push_back(readFile(arg));
        }
    }
    for (const int signal : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL})
        std::signal(signal, onCrash);

    const auto start = std::chrono::steady_clock::now();
    for (const Bytes &input : corpus)
        run(input);
    Mutator mutator(corpus, seed, maxLength);
    for (long i = 0; i < runs; ++i) {
        run(mutator.next());
        if ((i + 1) % 100000 == 0)
            std::printf("fuzzdriver: %ld mutated inputs, %.0f s\n", i + 1,
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("fuzzdriver: %zu corpus inputs and %ld mutated ones in %.1f s (%.0f execs/s), seed %llu: no crash\n",
                corpus.size(), runs, seconds, double(corpus.size() + size_t(runs)) / std::max(seconds, 1e-9),
                static_cast<unsigned long long>(seed));
    return 0;
}
