#pragma once
// What this process holds and leaves behind, read from /proc as a user would: descriptors, threads,
// listening ports, processes below it, files left in a folder, and its resident memory.

#include <QString>
#include <QStringList>

#include <vector>

namespace fn::soak {

// Entries in a folder (/proc/self/fd, /proc/self/task, a bucket's folder).
int entries(const QString &dir);

// Resident memory of this process in MB (VmRSS).
double rssMb();
// The same after glibc handed back what it keeps freed (malloc_trim), so that a sample taken just
// after a 6 MB response was dropped is not read as growth.
double trimmedRssMb();

struct MemorySampleAt
{
    int done; // invocations finished when sampled
    double rssMb;
    double trimmedMb;
};

// Least-squares slope of the trimmed resident memory over the second half of the samples, in MB per
// 10,000 invocations: the first half is warm-up (environments started, and glibc's per-thread arenas
// filled by the threads that read 6 MB bodies, each keeping what it freed), the second the steady state.
double growthPerTenThousand(const std::vector<MemorySampleAt> &samples);

// Every process below this one (children, grandchildren, ...): "pid name (state)".
QStringList descendants();
// TCP ports this process listens on.
QStringList listeningPorts();
// Every file and folder under `dir`, relative to it.
QStringList leftUnder(const QString &dir);
// The names of this process's threads, sorted.
QStringList threadNames();

struct Holdings
{
    int fds = 0;
    QStringList threads;
    QStringList ports;
};
Holdings holdings();

} // namespace fn::soak
