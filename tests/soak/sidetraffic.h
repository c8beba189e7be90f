#pragma once
// S3 and SQS traffic beside the soak's invocations: every so many invocations a worker also puts an
// object through the local S3 endpoint, reads it back and deletes it, and sends a message to a local
// SQS queue and receives (and deletes) what is visible. At the end every object is gone, the bucket's
// folder empty, and every message was received exactly once.

#include "clock/clock.h"
#include "services/s3endpoint.h"
#include "store/s3objectstore.h"
#include "store/sqsqueuestore.h"
#include "store/store.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>

namespace httplib {
class Client;
}

namespace fn::soak {

class SideTraffic final
{
public:
    static constexpr const char *Bucket = "soak";
    static constexpr const char *Queue = "soak-queue";

    // A bucket, an S3 endpoint on a free loopback port and a queue in the store of `projectDir`.
    explicit SideTraffic(const QString &projectDir);
    ~SideTraffic();
    bool isReady() const { return m_problems.isEmpty(); }
    int port() const { return m_endpoint.port(); }

    // One round, from a worker with its own client of the S3 endpoint. Thread-safe.
    void round(httplib::Client &s3, int index);
    // Stops the endpoint and drains the queue; the rounds done and what went wrong.
    QStringList finish(int *rounds);

private:
    int receive();
    void problem(const QString &what);

    std::shared_ptr<Clock> m_clock = std::make_shared<Clock>();
    S3ObjectStore m_objects;
    S3Endpoint m_endpoint;
    Store m_store;
    std::unique_ptr<SqsQueueStore> m_queue;
    std::mutex m_mutex;
    QStringList m_problems;
    std::set<QByteArray> m_seen;
    int m_duplicates = 0;
    std::atomic<int> m_rounds{0};
    std::atomic<int> m_sent{0};
    std::atomic<int> m_received{0};
};

} // namespace fn::soak
