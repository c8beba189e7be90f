#include "logs/logmodel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QFont>

#include <algorithm>

namespace fn {

namespace {
constexpr qsizetype chunkSize = qsizetype(1) << 22; // 4 MiB: big enough to amortize, small enough to waste little

char asciiLower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c;
}

bool containsFolded(QByteArrayView haystack, QByteArrayView lowerNeedle)
{
    if (lowerNeedle.isEmpty())
        return true;
    const auto it = std::search(haystack.begin(), haystack.end(), lowerNeedle.begin(), lowerNeedle.end(),
                                [](char a, char b) { return asciiLower(a) == b; });
    return it != haystack.end();
}
} // namespace

LogModel::LogModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    clearStorage();
}

LogModel::~LogModel() = default;

void LogModel::clear()
{
    beginResetModel();
    clearStorage();
    rebuildVisible();
    endResetModel();
}

void LogModel::clearStorage()
{
    m_entries.clear();
    m_entries.shrink_to_fit();
    m_chunks.clear();
    m_groups.clear();
    m_groupIndex.clear();
    m_streams.clear();
    m_streamIndex.clear();
    m_requestIds = QStringList{QString()};
    m_requestIndex.clear();
    m_requestIndex.insert(QString(), 0);
    m_visible.clear();
    m_announcedRows = 0;
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return m_filtered ? int(m_visible.size()) : m_announcedRows;
}

int LogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QByteArrayView LogModel::textOf(const Entry &e) const
{
    return QByteArrayView(m_chunks[e.chunk].constData() + e.offset, qsizetype(e.length));
}

QString LogModel::lineText(qsizetype line) const
{
    return QString::fromUtf8(textOf(m_entries[size_t(line)]));
}

QString LogModel::lineRequestId(qsizetype line) const
{
    return m_requestIds.at(m_entries[size_t(line)].requestId);
}

QString LogModel::lineStream(qsizetype line) const
{
    return m_streams[m_entries[size_t(line)].stream].name;
}

QString LogModel::lineGroup(qsizetype line) const
{
    return m_groups.at(m_streams[m_entries[size_t(line)].stream].group);
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const qsizetype line = lineOfRow(index.row());
    const Entry &e = m_entries[size_t(line)];
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(e.timestampMs).toString(QStringLiteral("HH:mm:ss.zzz"));
        case GroupColumn:
            return lineGroup(line);
        case StreamColumn:
            return m_streams[e.stream].name;
        case MessageColumn: {
            // Views expand a tab to the next stop, far to the right; two spaces read as Lambda's
            // column separator does in a terminal. Lambda joins a traceback's lines with \r into one
            // record: mark the breaks. The text itself (tooltip, copy) stays as written.
            QString text = lineText(line);
            text.replace(u'\t', QStringLiteral("  "));
            text.replace(u'\r', QStringLiteral(" ↵ "));
            return text;
        }
        case ColumnCount:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == MessageColumn)
            return lineText(line);
        if (index.column() == TimeColumn)
            return QDateTime::fromMSecsSinceEpoch(e.timestampMs, Qt::UTC).toString(Qt::ISODateWithMs);
        return data(index, Qt::DisplayRole);
    case Qt::ForegroundRole:
        switch (LogLevel(e.level)) {
        case LogLevel::Error:
            return QBrush(QColor(0xd0, 0x3b, 0x3b));
        case LogLevel::Warning:
            return QBrush(QColor(0xc0, 0x7a, 0x00));
        case LogLevel::Platform:
            return QBrush(QColor(0x3f, 0x7f, 0xbf));
        default:
            return {};
        }
    case Qt::FontRole:
        if (LogKind(e.kind) == LogKind::Report || LogKind(e.kind) == LogKind::Start
            || LogKind(e.kind) == LogKind::End) {
            QFont f;
            f.setBold(LogKind(e.kind) == LogKind::Report);
            f.setItalic(LogKind(e.kind) != LogKind::Report);
            return f;
        }
        return {};
    case LevelRole:
        return int(e.level);
    case KindRole:
        return int(e.kind);
    case RequestIdRole:
        return m_requestIds.at(e.requestId);
    case TimestampRole:
        return e.timestampMs;
    case LineIndexRole:
        return line;
    default:
        return {};
    }
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case TimeColumn:
        return tr("Time");
    case GroupColumn:
        return tr("Log group");
    case StreamColumn:
        return tr("Log stream");
    case MessageColumn:
        return tr("Message");
    case ColumnCount:
        break;
    }
    return {};
}

quint16 LogModel::internStream(const QString &group, const QString &stream)
{
    // Streams are unique per group in CloudWatch; the key joins both.
    const QString key = group + QChar(u'\x1f') + stream;
    if (const auto it = m_streamIndex.constFind(key); it != m_streamIndex.cend())
        return *it;
    quint16 g;
    if (const auto it = m_groupIndex.constFind(group); it != m_groupIndex.cend()) {
        g = *it;
    } else {
        g = quint16(m_groups.size());
        m_groups.append(group);
        m_groupIndex.insert(group, g);
    }
    const quint16 s = quint16(m_streams.size());
    m_streams.push_back({stream, g});
    m_streamIndex.insert(key, s);
    return s;
}

quint32 LogModel::internRequestId(const QString &requestId)
{
    if (requestId.isEmpty())
        return 0;
    if (const auto it = m_requestIndex.constFind(requestId); it != m_requestIndex.cend())
        return *it;
    const quint32 id = quint32(m_requestIds.size());
    m_requestIds.append(requestId);
    m_requestIndex.insert(requestId, id);
    return id;
}

void LogModel::store(const LogLine &line)
{
    QByteArray utf8 = line.text.toUtf8();
    if (utf8.size() > chunkSize)
        utf8.truncate(chunkSize);
    if (m_chunks.empty() || m_chunks.back().size() + utf8.size() > chunkSize) {
        m_chunks.emplace_back();
        m_chunks.back().reserve(chunkSize);
    }
    QByteArray &chunk = m_chunks.back();
    const LogClassification c = classifyLogLine(utf8, line.platform);
    Entry e;
    e.timestampMs = line.timestampMs;
    e.offset = quint32(chunk.size());
    e.length = quint32(utf8.size());
    e.level = quint32(c.level);
    e.kind = quint32(c.kind);
    e.requestId = internRequestId(line.requestId);
    e.chunk = quint16(m_chunks.size() - 1);
    e.stream = internStream(line.logGroup, line.logStream);
    chunk.append(utf8);
    m_entries.push_back(e);
}

bool LogModel::accepts(const Entry &e) const
{
    if (m_filterUnsatisfiable)
        return false;
    if (!(m_filter.levels & levelBit(LogLevel(e.level))))
        return false;
    if (m_filterRequestId >= 0 && e.requestId != quint32(m_filterRequestId))
        return false;
    if (m_filterStream >= 0 && e.stream != m_filterStream)
        return false;
    if (m_filterGroup >= 0 && m_streams[e.stream].group != m_filterGroup)
        return false;
    return containsFolded(textOf(e), m_needle);
}

void LogModel::append(const LogBatch &batch)
{
    if (batch.isEmpty())
        return;
    const size_t firstLine = m_entries.size();
    m_entries.reserve(firstLine + size_t(batch.size()));
    const bool hadUnsatisfiable = m_filterUnsatisfiable;
    for (const LogLine &line : batch)
        store(line);
    if (m_filtered && hadUnsatisfiable) {
        // A name the filter waited for may have just appeared.
        beginResetModel();
        rebuildVisible();
        endResetModel();
        return;
    }
    if (!m_filtered) {
        beginInsertRows({}, int(firstLine), int(m_entries.size()) - 1);
        m_announcedRows = int(m_entries.size());
        endInsertRows();
        return;
    }
    std::vector<quint32> added;
    for (size_t i = firstLine; i < m_entries.size(); ++i) {
        if (accepts(m_entries[i]))
            added.push_back(quint32(i));
    }
    if (added.empty())
        return;
    const int first = int(m_visible.size());
    beginInsertRows({}, first, first + int(added.size()) - 1);
    m_visible.insert(m_visible.end(), added.begin(), added.end());
    endInsertRows();
}

void LogModel::resetData(const LogBatch &batch)
{
    beginResetModel();
    clearStorage();
    for (const LogLine &line : batch)
        store(line);
    rebuildVisible();
    endResetModel();
}

void LogModel::setFilter(const LogFilter &filter)
{
    if (filter == m_filter)
        return;
    beginResetModel();
    m_filter = filter;
    rebuildVisible();
    endResetModel();
}

void LogModel::rebuildVisible()
{
    m_visible.clear();
    m_announcedRows = int(m_entries.size());
    m_filtered = !m_filter.acceptsAll();
    if (!m_filtered) {
        m_visible.shrink_to_fit();
        return;
    }
    m_needle = m_filter.text.toLower().toUtf8();
    m_filterUnsatisfiable = false;
    m_filterRequestId = -1;
    m_filterGroup = -1;
    m_filterStream = -1;
    if (!m_filter.requestId.isEmpty()) {
        const auto it = m_requestIndex.constFind(m_filter.requestId);
        m_filterUnsatisfiable |= it == m_requestIndex.cend();
        m_filterRequestId = it == m_requestIndex.cend() ? -1 : qint64(*it);
    }
    if (!m_filter.logGroup.isEmpty()) {
        const auto it = m_groupIndex.constFind(m_filter.logGroup);
        m_filterUnsatisfiable |= it == m_groupIndex.cend();
        m_filterGroup = it == m_groupIndex.cend() ? -1 : *it;
    }
    if (!m_filter.logStream.isEmpty()) {
        m_filterStream = -1;
        for (size_t s = 0; s < m_streams.size(); ++s) {
            if (m_streams[s].name == m_filter.logStream)
                m_filterStream = int(s);
        }
        m_filterUnsatisfiable |= m_filterStream < 0;
    }
    if (m_filterUnsatisfiable)
        return;
    for (size_t i = 0; i < m_entries.size(); ++i) {
        if (accepts(m_entries[i]))
            m_visible.push_back(quint32(i));
    }
}

qint64 LogModel::storageBytes() const
{
    qint64 bytes = qint64(m_entries.capacity() * sizeof(Entry)) + qint64(m_visible.capacity() * sizeof(quint32));
    for (const QByteArray &c : m_chunks)
        bytes += c.capacity();
    return bytes;
}

} // namespace fn
