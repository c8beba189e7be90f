#pragma once
// The event catalogue as a list for the New Event dialog: one row per sample event, "service / name",
// with a search text (service, name, description) a filter proxy matches against.

#include "events/eventtemplate.h"

#include <QAbstractListModel>
#include <QList>

namespace fn {

class EventCatalogueModel final : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { ServiceRole = Qt::UserRole + 1, NameRole, SearchRole };

    explicit EventCatalogueModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    void resetData(const QList<EventTemplate> &events);
    const EventTemplate &event(int row) const { return m_events.at(row); }

    // A pattern that matches a SearchRole text containing every word of query, in any order.
    static QString searchPattern(const QString &query);

private:
    QList<EventTemplate> m_events;
};

} // namespace fn
