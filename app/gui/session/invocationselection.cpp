#include "session/invocationselection.h"

#include "invocations/invocationmodel.h"

namespace fn {

InvocationSelection::InvocationSelection(const InvocationModel &invocations, QObject *parent)
    : QObject(parent)
    , m_invocations(invocations)
{
}

const InvocationRecord *InvocationSelection::record() const
{
    const int row = m_invocations.rowOf(m_requestId);
    return row < 0 ? nullptr : &m_invocations.record(row);
}

void InvocationSelection::select(const QString &requestId)
{
    if (requestId == m_requestId)
        return;
    m_requestId = requestId;
    Q_EMIT selected(requestId);
}

} // namespace fn
