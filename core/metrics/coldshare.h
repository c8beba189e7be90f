#pragma once
// The share of cold starts over time: invocations counted in buckets of their start time, cold
// apart, so that a class sees cold starts gather at the start of a burst and return after the
// environments expired idle. The buckets widen (100 ms, 500 ms, 1 s, 5 s, … 1 day) as the run grows
// so there are never more than maxBuckets; adding is O(1) but for a widening, which merges buckets.

#include <QtGlobal>

#include <cstddef>
#include <vector>

namespace fn {

struct InvocationRecord;

class ColdShare final
{
public:
    struct Bucket
    {
        std::size_t cold = 0;
        std::size_t all = 0; // invocations that ran (throttled and rejected requests are not counted)
        double share() const { return all ? double(cold) / double(all) : 0; }
    };

    explicit ColdShare(int maxBuckets = 60);

    void add(const InvocationRecord &record);
    void add(qint64 startedAtMs, bool cold);
    void clear();

    bool isEmpty() const { return m_buckets.empty(); }
    qint64 originMs() const { return m_originMs; } // where bucket 0 starts (wall clock, epoch ms)
    qint64 bucketMs() const { return m_bucketMs; } // each bucket's width
    const std::vector<Bucket> &buckets() const { return m_buckets; }
    int maxBuckets() const { return m_maxBuckets; }

private:
    void widen();

    int m_maxBuckets;
    qint64 m_originMs = 0;
    qint64 m_bucketMs = 0;
    std::size_t m_widthStep = 0;
    std::vector<Bucket> m_buckets;
};

} // namespace fn
