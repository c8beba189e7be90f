#pragma once
// One cgroup control file held open for the group's lifetime, read and written with pread/pwrite
// so the warm path (freeze, thaw, memory counters) costs one syscall and no allocation.

#include <QString>

#include <initializer_list>

namespace fn {

class CgroupFile final
{
public:
    CgroupFile() = default;
    ~CgroupFile();
    CgroupFile(const CgroupFile &) = delete;
    CgroupFile &operator=(const CgroupFile &) = delete;
    CgroupFile(CgroupFile &&other) noexcept;
    CgroupFile &operator=(CgroupFile &&other) noexcept;

    // Opens dir/name read-write if it can, else read-only; false when missing.
    bool open(const QString &dir, const char *name);
    bool isOpen() const { return m_fd >= 0; }
    void close();

    // First integer in the file; "max" reads as -1; -1 on error as well.
    qint64 readInt() const;
    // Value of "key N" in a keyed file (memory.events, memory.oom_control); -1 when absent.
    qint64 readKeyed(const char *key) const;
    // Values of several keys from one read; each -1 when absent. False when the read failed.
    bool readKeyed(std::initializer_list<const char *> keys, qint64 *values) const;
    // Waits until the kernel reports a change of the file (cgroup.events, memory.events: poll's
    // POLLPRI) or timeoutMs passed; the change is seen relative to the last read through this file.
    bool waitForChange(int timeoutMs) const;
    // Whole contents into buf (NUL-terminated); returns the length or -1.
    long readInto(char *buf, long size) const;
    bool write(const char *text) const;
    int lastError() const { return m_lastError; }

private:
    int m_fd = -1;
    mutable int m_lastError = 0;
};

// Writes text to dir/name once (limits at creation time); returns errno or 0.
int writeCgroupValue(const QString &dir, const char *name, const QByteArray &text);

} // namespace fn
