#pragma once
// The invocation the studio is looking at: chosen in the list, the timeline or the logs, followed by
// the result and the logs. The one selection the panels that show invocations share.

#include <QObject>
#include <QString>

namespace fn {

class InvocationModel;
struct InvocationRecord;

class InvocationSelection final : public QObject
{
    Q_OBJECT
public:
    explicit InvocationSelection(const InvocationModel &invocations, QObject *parent = nullptr);

    QString requestId() const { return m_requestId; }
    // The selected invocation's record while the model holds it, else nullptr.
    const InvocationRecord *record() const;

    void select(const QString &requestId);

Q_SIGNALS:
    void selected(const QString &requestId);

private:
    const InvocationModel &m_invocations;
    QString m_requestId;
};

} // namespace fn
