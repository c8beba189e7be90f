#pragma once
// The seccomp filter every sandbox runs under: the system calls Lambda's environment does not offer
// fail with EPERM. Built once with libseccomp into the BPF program that bubblewrap's --seccomp reads.

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace fn {

class SeccompFilter final
{
public:
    static const SeccompFilter &instance(); // built on first use, then shared

    bool isValid() const { return !m_program.isEmpty(); }
    QString error() const { return m_error; } // why it could not be built
    int ruleCount() const { return m_rules; }
    QStringList blockedCalls() const { return m_blocked; } // by name, for the doctor
    QByteArray program() const { return m_program; }       // struct sock_filter[]

    // A new descriptor (close-on-exec) holding the program, read to its end by one bwrap; -1 on failure.
    int openProgram() const;

private:
    SeccompFilter();
    QByteArray m_program;
    QStringList m_blocked;
    int m_rules = 0;
    QString m_error;
};

} // namespace fn
