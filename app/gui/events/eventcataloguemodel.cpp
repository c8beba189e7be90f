#include "events/eventcataloguemodel.h"

#include <QRegularExpression>

namespace fn {

EventCatalogueModel::EventCatalogueModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int EventCatalogueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

QVariant EventCatalogueModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EventTemplate &e = m_events.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("%1 / %2").arg(e.service, e.name);
    case Qt::ToolTipRole:
        return e.description;
    case ServiceRole:
        return e.service;
    case NameRole:
        return e.name;
    case SearchRole:
        return QStringList{e.service, e.name, e.description}.join(u' ');
    default:
        return {};
    }
}

void EventCatalogueModel::resetData(const QList<EventTemplate> &events)
{
    beginResetModel();
    m_events = events;
    endResetModel();
}

QString EventCatalogueModel::searchPattern(const QString &query)
{
    // One lookahead per word: "s3 delete" finds "s3 / delete" and "Amazon S3 object deleted".
    QString pattern = QStringLiteral("^");
    const QStringList words = query.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    for (const QString &w : words)
        pattern += QStringLiteral("(?=.*") + QRegularExpression::escape(w) + u')';
    return pattern;
}

} // namespace fn
