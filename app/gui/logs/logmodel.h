#pragma once
// CloudWatch-style log lines (a group per function, a stream per environment) stored compactly enough
// to hold millions, with filtering by text, level, request id, group and stream.

#include "logs/loglevel.h"
#include "snapshots/logbatch.h"

#include <QAbstractTableModel>
#include <QByteArray>
#include <QHash>
#include <QStringList>

#include <vector>

namespace fn {

struct LogFilter
{
    QString text;               // case-insensitive substring
    quint32 levels = allLevels; // levelBit() mask
    QString requestId;          // exact; empty = any
    QString logGroup;           // exact; empty = any
    QString logStream;          // exact; empty = any

    bool acceptsAll() const
    {
        return text.isEmpty() && (levels & allLevels) == allLevels && requestId.isEmpty() && logGroup.isEmpty()
               && logStream.isEmpty();
    }
    bool operator==(const LogFilter &) const = default;
};

class LogModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, GroupColumn, StreamColumn, MessageColumn, ColumnCount };
    enum Role { LevelRole = Qt::UserRole + 1, KindRole, RequestIdRole, TimestampRole, LineIndexRole };

    explicit LogModel(QObject *parent = nullptr);
    ~LogModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void append(const LogBatch &batch);
    void resetData(const LogBatch &batch);
    void clear();

    void setFilter(const LogFilter &filter);
    const LogFilter &filter() const { return m_filter; }

    // All stored lines, whatever the filter.
    qsizetype lineCount() const { return qsizetype(m_entries.size()); }
    QString lineText(qsizetype line) const;
    QString lineRequestId(qsizetype line) const;
    QString lineStream(qsizetype line) const;
    QString lineGroup(qsizetype line) const;
    // Stored line behind a visible row.
    qsizetype lineOfRow(int row) const { return m_filtered ? qsizetype(m_visible[size_t(row)]) : row; }

    QStringList logGroups() const { return m_groups; }
    // Bytes held by the text arena and the line index (for the status bar and the benchmark).
    qint64 storageBytes() const;

private:
    // 24 bytes a line: text lives in fixed-size chunks, names are interned.
    struct Entry
    {
        qint64 timestampMs;
        quint32 offset; // within its chunk
        quint32 length : 24;
        quint32 level : 4;
        quint32 kind : 4;
        quint32 requestId; // index into m_requestIds; 0 = none
        quint16 chunk;
        quint16 stream; // index into m_streams
    };
    static_assert(sizeof(Entry) == 24);
    struct Stream
    {
        QString name;
        quint16 group;
    };

    void clearStorage();
    QByteArrayView textOf(const Entry &e) const;
    bool accepts(const Entry &e) const;
    quint16 internStream(const QString &group, const QString &stream);
    quint32 internRequestId(const QString &requestId);
    void store(const LogLine &line);
    void rebuildVisible();

    std::vector<Entry> m_entries;
    std::vector<QByteArray> m_chunks;
    QStringList m_groups;
    QHash<QString, quint16> m_groupIndex;
    std::vector<Stream> m_streams;
    QHash<QString, quint16> m_streamIndex;
    QStringList m_requestIds; // [0] is the empty id
    QHash<QString, quint32> m_requestIndex;

    LogFilter m_filter;
    bool m_filtered = false; // false: rows are lines one to one, m_visible unused
    std::vector<quint32> m_visible;
    int m_announcedRows = 0;       // rows views know of while unfiltered (lines stored before insert)
    QByteArray m_needle;           // lower-case UTF-8 of m_filter.text
    qint64 m_filterRequestId = -1; // -1: any; interned index otherwise (0 never matches a set id)
    int m_filterGroup = -1;
    int m_filterStream = -1;
    bool m_filterUnsatisfiable = false; // a name in the filter that no line carries (yet)
};

} // namespace fn
