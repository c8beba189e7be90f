#include "seccompfilter.h"

#include "childprocess.h"

#include <cerrno>
#include <cstring>

#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

namespace fn {

namespace {

// Calls a function on Lambda cannot make (no capabilities there either), refused outright: tracing
// other processes, the kernel keyrings, modules, mounts, rebooting and kexec, swap, eBPF, perf,
// userfaultfd, file handles, the clock, the kernel log, and joining namespaces.
constexpr const char *Refused[] = {
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "add_key",
    "keyctl",
    "request_key",
    "init_module",
    "finit_module",
    "delete_module",
    "mount",
    "umount2",
    "pivot_root",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "reboot",
    "kexec_load",
    "kexec_file_load",
    "swapon",
    "swapoff",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "open_by_handle_at",
    "setns",
    "acct",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "iopl",
    "ioperm",
    "quotactl",
    "syslog",
    "lookup_dcookie",
    "vhangup",
    "uselib",
    "fanotify_init",
    "_sysctl",
};

// Creating a namespace is refused; unshare() and clone() without these flags stay allowed.
constexpr unsigned long NamespaceFlags[] = {CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
                                            CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET};
constexpr unsigned long NewTime = 0x80; // CLONE_NEWTIME: unshare() only (clone()'s low byte is a signal)

} // namespace

const SeccompFilter &SeccompFilter::instance()
{
    static const SeccompFilter filter;
    return filter;
}

SeccompFilter::SeccompFilter()
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW); // other architectures' calls kill (the default)
    if (!ctx) {
        m_error = QStringLiteral("libseccomp: cannot create a filter");
        return;
    }
    auto add = [&](int number, int error, unsigned count, const scmp_arg_cmp *arg) {
        const int rc = arg ? seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(error), number, count, arg)
                           : seccomp_rule_add(ctx, SCMP_ACT_ERRNO(error), number, 0);
        if (rc != 0 && m_error.isEmpty())
            m_error = QStringLiteral("libseccomp: cannot add a rule for %1: %2")
                          .arg(QString::fromLatin1(seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, number)),
                               QString::fromLocal8Bit(strerror(-rc)));
        m_rules += rc == 0;
    };
    for (const char *name : Refused) {
        const int number = seccomp_syscall_resolve_name(name);
        if (number == __NR_SCMP_ERROR || number < 0)
            continue; // not on this architecture
        add(number, EPERM, 0, nullptr);
        m_blocked << QLatin1String(name);
    }
    for (const char *name : {"unshare", "clone"}) {
        const int number = seccomp_syscall_resolve_name(name);
        for (unsigned long flag : NamespaceFlags) {
            const scmp_arg_cmp cmp = SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag);
            add(number, EPERM, 1, &cmp);
        }
        m_blocked << QLatin1String(name) + QStringLiteral(" of new namespaces");
    }
    const scmp_arg_cmp newTime = SCMP_A0(SCMP_CMP_MASKED_EQ, NewTime, NewTime);
    add(seccomp_syscall_resolve_name("unshare"), EPERM, 1, &newTime);
    // clone3 passes its flags in memory a filter cannot read: ENOSYS makes the C library fall back to
    // clone, whose flags the rules above check.
    add(seccomp_syscall_resolve_name("clone3"), ENOSYS, 0, nullptr);

    const int fd = ::memfd_create("fnstudio-seccomp", MFD_CLOEXEC);
    if (fd >= 0 && m_error.isEmpty()) {
        if (const int rc = seccomp_export_bpf(ctx, fd); rc != 0) {
            m_error =
                QStringLiteral("libseccomp: cannot export the filter: %1").arg(QString::fromLocal8Bit(strerror(-rc)));
        } else {
            char buf[4096];
            ssize_t n;
            ::lseek(fd, 0, SEEK_SET);
            while ((n = ::read(fd, buf, sizeof buf)) > 0)
                m_program.append(buf, n);
        }
    } else if (fd < 0) {
        m_error = QStringLiteral("memfd_create: %1").arg(QString::fromLocal8Bit(strerror(errno)));
    }
    if (fd >= 0)
        ::close(fd);
    seccomp_release(ctx);
    if (!m_error.isEmpty())
        m_program.clear();
}

int SeccompFilter::openProgram() const
{
    return isValid() ? openReadableData(m_program, "fnstudio-seccomp") : -1;
}

} // namespace fn
