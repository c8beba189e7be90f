#include "result/resultmodel.h"

#include "metrics/anatomy.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>

namespace fn {

ResultModel::ResultModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int ResultModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ResultModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ResultModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto &row = m_rows.at(index.row());
    if (role == Qt::DisplayRole)
        return index.column() == FieldColumn ? row.first : row.second;
    if (role == Qt::ForegroundRole && index.column() == FieldColumn)
        return QBrush(QColor(0x80, 0x80, 0x80));
    if (role == Qt::ForegroundRole && index.column() == ValueColumn && row.first == tr("Outcome") && m_record.failed())
        return QBrush(QColor(0xd0, 0x3b, 0x3b));
    return {};
}

QVariant ResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    return section == FieldColumn ? tr("Field") : tr("Value");
}

void ResultModel::setRecord(const InvocationRecord &r)
{
    beginResetModel();
    m_record = r;
    m_has = true;
    m_rows.clear();
    const QLocale locale;
    auto ms = [&](double v) { return QString(locale.toString(v, 'f', 2) + QStringLiteral(" ms")); };
    // A published version by its number, as X-Amz-Executed-Version says it (an alias resolved).
    m_rows.append({tr("Function"), r.executedVersion.isEmpty() || r.executedVersion == QLatin1String("$LATEST")
                                       ? r.functionName
                                       : tr("%1 (version %2)").arg(r.functionName, r.executedVersion)});
    m_rows.append({tr("Request ID"), r.requestId});
    const bool ran = r.outcome != InvocationOutcome::Throttled && r.outcome != InvocationOutcome::Rejected;
    m_rows.append({tr("Start"), !ran          ? tr("not started (%1)").arg(outcomeName(r.outcome))
                                : r.coldStart ? tr("cold")
                                              : tr("warm")});
    m_rows.append({tr("Outcome"), outcomeName(r.outcome)});
    if (!r.errorType.isEmpty())
        m_rows.append({tr("Error type"), r.errorType});
    if (r.observedMs > 0)
        m_rows.append({tr("Observed"), Anatomy::of(r).sum()});
    if (r.coldStart)
        m_rows.append({tr("Init Duration"), ms(r.initDurationMs)});
    if (r.coldStart && (r.phases.sandboxMs > 0 || r.phases.runtimeStartMs > 0)) {
        m_rows.append({tr("  sandbox start"),
                       r.phases.sandboxMadeAheadMs > 0
                           ? tr("%1 (made ahead in %2)").arg(ms(r.phases.sandboxMs), ms(r.phases.sandboxMadeAheadMs))
                           : ms(r.phases.sandboxMs)});
        m_rows.append({tr("  runtime start"), ms(r.phases.runtimeStartMs)});
        m_rows.append({tr("  module init"), ms(r.phases.initMs)});
    }
    m_rows.append({tr("Duration"), ms(r.durationMs)});
    m_rows.append({tr("Billed Duration"), QString(locale.toString(r.billedDurationMs) + QStringLiteral(" ms"))});
    m_rows.append({tr("Memory Size"), QStringLiteral("%1 MB").arg(r.memorySizeMb)});
    m_rows.append({tr("Max Memory Used"), QStringLiteral("%1 MB").arg(r.maxMemoryUsedMb)});
    if (!r.environmentId.isEmpty())
        m_rows.append({tr("Environment"), r.environmentId});
    if (r.startedAtMs > 0)
        m_rows.append(
            {tr("Started"),
             QDateTime::fromMSecsSinceEpoch(r.startedAtMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))});
    endResetModel();
}

void ResultModel::clear()
{
    beginResetModel();
    m_record = {};
    m_has = false;
    m_rows.clear();
    endResetModel();
}

QString ResultModel::value(const QString &field) const
{
    for (const auto &row : m_rows) {
        if (row.first == field)
            return row.second;
    }
    return {};
}

} // namespace fn
