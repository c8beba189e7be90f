#include "logs/logpanel.h"

#include "common/export.h"
#include "common/settings.h"
#include "logs/logmodel.h"
#include "session/invocationselection.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QSaveFile>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace fn {

LogPanel::LogPanel(LogModel &model, InvocationSelection &selection, QWidget *parent)
    : QWidget(parent)
    , m_selection(selection)
    , m_model(model)
    , m_view(new QTreeView(this))
    , m_filter(new QLineEdit(this))
    , m_level(new QComboBox(this))
    , m_group(new QComboBox(this))
    , m_selectedOnly(new QCheckBox(tr("This invocation"), this))
    , m_follow(new QCheckBox(tr("Follow"), this))
    , m_count(new QLabel(this))
    , m_empty(new QLabel(
          tr("No log lines yet — invoke a function (Ctrl+Return) to see START, its output, END and REPORT."), this))
    , m_filterTimer(new QTimer(this))
    , m_copy(new QAction(tr("&Copy"), this))
    , m_export(new QAction(tr("&Export…"), this))
{
    m_filter->setPlaceholderText(tr("Filter lines (text, case-insensitive)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(100);
    m_level->addItem(tr("All levels"), allLevels);
    m_level->addItem(tr("Errors"), levelBit(LogLevel::Error));
    m_level->addItem(tr("Warnings and errors"), levelBit(LogLevel::Warning) | levelBit(LogLevel::Error));
    m_level->addItem(tr("Function output"), allLevels & ~levelBit(LogLevel::Platform));
    m_level->addItem(tr("Platform (START/END/REPORT)"), levelBit(LogLevel::Platform));
    m_group->addItem(tr("All log groups"));
    m_group->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_group->setMinimumContentsLength(10);
    m_level->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_level->setMinimumContentsLength(7);
    m_selectedOnly->setToolTip(
        tr("Show only the lines of the invocation selected in the timeline or the invocations list"));
    m_follow->setChecked(settings::get(settings::followLogs));
    m_follow->setToolTip(tr("Keep the newest line in view"));
    m_count->setForegroundRole(QPalette::PlaceholderText);
    m_count->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_count->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_count->setMinimumWidth(60);
    m_group->hide(); // shown once there are two functions' logs to choose between

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 4, 6, 4);
    bar->setSpacing(8);
    bar->addWidget(m_filter, 3);
    bar->addWidget(m_level);
    bar->addWidget(m_group);
    bar->addWidget(m_selectedOnly);
    bar->addWidget(m_follow);
    bar->addWidget(m_count, 1);
    auto *exportButton = new QToolButton(this);
    exportButton->setDefaultAction(m_export);
    exportButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addWidget(exportButton);

    m_copy->setObjectName(QStringLiteral("copyLogLines"));
    m_copy->setShortcut(QKeySequence::Copy);
    m_copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_copy->setToolTip(tr("Copy the selected lines (time, stream, message)"));
    m_export->setObjectName(QStringLiteral("exportLogLines"));
    m_export->setToolTip(tr("Save the visible lines to a .log text file, as shown"));
    connect(m_copy, &QAction::triggered, this, &LogPanel::copySelection);
    connect(m_export, &QAction::triggered, this, &LogPanel::exportWithDialog);

    m_view->setModel(&m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true); // constant-time layout for millions of rows
    m_view->setAllColumnsShowFocus(true);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addAction(m_copy);
    m_view->addAction(m_export);
    addTableExport(m_view, QStringLiteral("logs"));
    m_view->setFrameShape(QFrame::NoFrame);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_view->setFont(mono);
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(true);
    const QFontMetrics fm(mono);
    header->resizeSection(LogModel::TimeColumn, fm.horizontalAdvance(QStringLiteral("00:00:00.000")) + 16);
    header->resizeSection(LogModel::GroupColumn, fm.horizontalAdvance(QStringLiteral("/aws/lambda/HelloPython")) + 12);
    header->resizeSection(LogModel::StreamColumn,
                          fm.horizontalAdvance(QStringLiteral("2026/11/26/[$LATEST]0123456789")) + 12);

    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_empty, 1);

    m_filterTimer->setSingleShot(true);
    m_filterTimer->setInterval(200); // typing a word refilters once, not once per key
    connect(m_filterTimer, &QTimer::timeout, this, &LogPanel::applyFilter);
    connect(m_filter, &QLineEdit::textChanged, m_filterTimer, qOverload<>(&QTimer::start));
    connect(m_level, &QComboBox::currentIndexChanged, this, &LogPanel::applyFilter);
    connect(m_group, &QComboBox::currentIndexChanged, this, &LogPanel::applyFilter);
    connect(m_selectedOnly, &QCheckBox::toggled, this, &LogPanel::applyFilter);
    connect(&selection, &InvocationSelection::selected, this, [this] {
        if (m_selectedOnly->isChecked())
            applyFilter();
    });
    connect(&m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_follow->isChecked())
            m_view->scrollToBottom();
        updateCount();
    });
    connect(&m_model, &QAbstractItemModel::modelReset, this, &LogPanel::updateCount);
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        settings::set(settings::followLogs, on);
        if (on)
            m_view->scrollToBottom();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                const QString requestId = current.data(LogModel::RequestIdRole).toString();
                if (!requestId.isEmpty() && !m_selectedOnly->isChecked())
                    m_selection.select(requestId);
            });
    updateCount();
}

QString LogPanel::rowText(int row) const
{
    const auto cell = [&](int column) { return m_model.index(row, column).data(Qt::DisplayRole).toString(); };
    return cell(LogModel::TimeColumn) + u'\t' + cell(LogModel::StreamColumn) + u'\t' + cell(LogModel::MessageColumn);
}

void LogPanel::copySelection()
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows(LogModel::TimeColumn);
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList lines;
    lines.reserve(rows.size());
    for (const QModelIndex &index : std::as_const(rows))
        lines.append(rowText(index.row()));
    QGuiApplication::clipboard()->setText(lines.join(u'\n') + u'\n');
}

bool LogPanel::exportTo(const QString &path, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    const int rows = m_model.rowCount();
    for (int row = 0; row < rows; ++row) {
        file.write(rowText(row).toUtf8());
        file.write("\n");
    }
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

void LogPanel::exportWithDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Log Lines"),
                                                      QDir::home().filePath(QStringLiteral("fnstudio.log")),
                                                      tr("Log files (*.log);;Text files (*.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTo(path, &error))
        QMessageBox::warning(this, tr("Export Log Lines"),
                             tr("%1 cannot be written: %2").arg(QDir::toNativeSeparators(path), error));
}

void LogPanel::applyFilter()
{
    LogFilter f;
    f.text = m_filter->text();
    f.levels = m_level->currentData().toUInt();
    if (m_group->currentIndex() > 0)
        f.logGroup = m_group->currentText();
    if (m_selectedOnly->isChecked())
        f.requestId = m_selection.requestId().isEmpty() ? QStringLiteral("-") : m_selection.requestId();
    m_model.setFilter(f);
    if (m_follow->isChecked())
        m_view->scrollToBottom();
}

void LogPanel::updateCount()
{
    const qsizetype total = m_model.lineCount();
    const QLocale locale;
    m_count->setText(
        m_model.rowCount() == total
            ? tr("%1 lines").arg(locale.toString(qlonglong(total)))
            : tr("%1 of %2 lines").arg(locale.toString(m_model.rowCount()), locale.toString(qlonglong(total))));
    m_view->setVisible(total > 0);
    // The group column only tells lines apart once there is more than one function.
    m_view->setColumnHidden(LogModel::GroupColumn, m_model.logGroups().size() < 2);
    m_group->setVisible(m_model.logGroups().size() >= 2);
    m_empty->setVisible(total == 0);
    // New log groups (functions) become choices as they appear.
    const QStringList groups = m_model.logGroups();
    if (groups.size() != m_group->count() - 1) {
        const QString current = m_group->currentText();
        const QSignalBlocker block(m_group);
        m_group->clear();
        m_group->addItem(tr("All log groups"));
        m_group->addItems(groups);
        m_group->setCurrentIndex(qMax(0, m_group->findText(current)));
    }
}

} // namespace fn
