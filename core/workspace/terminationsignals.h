#pragma once
// SIGTERM, SIGINT and SIGHUP turned into a Qt signal, so that a logout, a `kill` or Ctrl+C ends the
// studio or a CLI command through the same orderly path as its own quit: every environment thawed
// and ended, every helper stopped, the store closed. Without it the default action kills the
// process on the spot and leaves its last environment frozen in its cgroup.

#include <QObject>

class QSocketNotifier;

namespace fn {

class TerminationSignals final : public QObject
{
    Q_OBJECT
public:
    // Handles the three signals for the whole process (one object at a time). A signal the process
    // was started with ignored stays ignored (nohup, a background job's SIGINT). requested() is
    // emitted in the thread this object lives in, so that thread must run an event loop; moving the
    // object to a QThread serves a command whose main thread blocks.
    explicit TerminationSignals(QObject *parent = nullptr);
    // Puts back the dispositions found.
    ~TerminationSignals() override;

    // False if the handlers could not be installed (the caller says so; the signals then kill).
    bool isInstalled() const { return m_installed; }
    // The first termination signal the process received, 0 while none came (the first is the only
    // one: a process is asked to end once).
    static int received();
    // The shell's code for a command a signal interrupted before it finished its work.
    static int interruptedExitCode(int signal) { return 128 + signal; }
    // "SIGTERM", for messages.
    static const char *name(int signal);

Q_SIGNALS:
    // Once, for the first signal. Later ones are ignored so that the shutdown under way finishes:
    // a logout sends SIGTERM and SIGHUP together, and a second Ctrl+C must not leave an
    // environment frozen half-way (SIGKILL still ends the process at once).
    void requested(int signal);

private:
    QSocketNotifier *m_notifier = nullptr;
    bool m_installed = false;
};

} // namespace fn
