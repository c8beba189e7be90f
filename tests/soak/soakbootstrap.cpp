// The soak's `provided` runtime: a Runtime API client whose behaviour for each invocation comes from
// the event's "mode" (ok, crash, hang, oom, garbage, oversized); SOAK_INIT_SLEEP_MS makes its init slow.
// On ok it answers the event's "token" as a JSON string, as the Python and Node handlers of the soak do.
#include <httplib.h>

#include <arpa/inet.h>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

std::string env(const char *name)
{
    const char *v = std::getenv(name);
    return v ? v : "";
}

// The string value of "key" in a flat JSON object the soak wrote itself (no escapes in it).
std::string field(const std::string &json, const std::string &key)
{
    const std::string needle = "\"" + key + "\":\"";
    const auto at = json.find(needle);
    if (at == std::string::npos)
        return {};
    const auto start = at + needle.size();
    return json.substr(start, json.find('"', start) - start);
}

// Bytes that are not HTTP at all, on a fresh connection to the Runtime API.
void sendGarbage(const std::string &host, int port)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0) {
        const char junk[] = "\x01\x02 NOT HTTP AT ALL\r\n\r\n";
        [[maybe_unused]] auto written = write(fd, junk, sizeof junk - 1);
        char reply[64];
        [[maybe_unused]] auto got = read(fd, reply, sizeof reply);
    }
    close(fd);
}

} // namespace

int main()
{
    if (const int ms = std::atoi(env("SOAK_INIT_SLEEP_MS").c_str()); ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));

    const std::string address = env("AWS_LAMBDA_RUNTIME_API");
    const auto colon = address.rfind(':');
    const std::string host = address.substr(0, colon);
    const int port = std::stoi(address.substr(colon + 1));
    httplib::Client api(host, port);
    api.set_tcp_nodelay(true);
    api.set_keep_alive(true);
    api.set_read_timeout(24 * 3600, 0);

    for (;;) {
        auto next = api.Get("/2018-06-01/runtime/invocation/next");
        if (!next || next->status != 200)
            return 2;
        const std::string id = next->get_header_value("Lambda-Runtime-Aws-Request-Id");
        const std::string mode = field(next->body, "mode");
        if (mode == "crash")
            _exit(3);
        if (mode == "hang")
            for (;;)
                pause();
        if (mode == "oom") {
            std::vector<char *> hog;
            for (;;) {
                char *block = static_cast<char *>(std::malloc(16 << 20));
                if (!block)
                    _exit(4);
                std::memset(block, 1, 16 << 20);
                hog.push_back(block);
            }
        }
        if (mode == "garbage") {
            sendGarbage(host, port);
            return 1;
        }
        std::string body;
        if (mode == "oversized")
            body = '"' + std::string(6 * 1024 * 1024 + 100, 'x') + '"';
        else
            body = '"' + field(next->body, "token") + '"';
        api.Post(("/2018-06-01/runtime/invocation/" + id + "/response").c_str(), body, "application/json");
    }
}
