#include "common/export.h"

#include <QAbstractItemModel>
#include <QAction>
#include <QBuffer>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QMessageBox>
#include <QPainter>
#include <QPixmap>
#include <QSaveFile>
#include <QStandardPaths>
#include <QSvgGenerator>
#include <QTableView>
#include <QTreeView>

#include <functional>

namespace fn {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("fn::Export", text);
}

QString where(const QString &path)
{
    return QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath());
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

// QSaveFile: a failed or interrupted export leaves an earlier file of that name as it was.
bool writeFile(const QString &path, const QByteArray &bytes, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(error, tr("Could not write %1: %2").arg(where(path), file.errorString()));
    if (file.write(bytes) != bytes.size() || !file.commit())
        return fail(error, tr("Could not write %1: %2").arg(where(path), file.errorString()));
    return true;
}

QByteArray pngOf(QWidget *widget)
{
    // grab() renders at the widget's device pixel ratio, so a slide gets every pixel of a HiDPI screen.
    const QPixmap pixmap = widget->grab();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!pixmap.save(&buffer, "PNG"))
        return {};
    return bytes;
}

QByteArray svgOf(QWidget *widget, const QString &title)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    QSvgGenerator svg;
    svg.setOutputDevice(&buffer);
    svg.setSize(widget->size());
    svg.setViewBox(widget->rect());
    svg.setResolution(widget->logicalDpiX());
    svg.setTitle(title);
    svg.setDescription(tr("Exported from fnstudio"));
    QPainter painter;
    if (!painter.begin(&svg))
        return {};
    widget->render(&painter, {}, {}, QWidget::DrawWindowBackground | QWidget::DrawChildren);
    painter.end();
    return bytes;
}

QString csvField(QString text)
{
    if (text.contains(u',') || text.contains(u'"') || text.contains(u'\n') || text.contains(u'\r'))
        return u'"' + text.replace(QStringLiteral("\""), QStringLiteral("\"\"")) + u'"';
    return text;
}

QString titleOf(const QString &path)
{
    return QFileInfo(path).completeBaseName();
}

QString suggestedPath(const QString &name, const QString &suffix)
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return QDir(dir).filePath(name + u'.' + suffix);
}

// The save dialog; a name typed without a suffix takes the chosen filter's.
QString askPath(QWidget *parent, const QString &name, const QStringList &filters)
{
    QString selected = filters.first();
    const QString suffix = selected.section(u'.', -1).chopped(1);
    QString path = QFileDialog::getSaveFileName(parent, tr("Export %1").arg(name), suggestedPath(name, suffix),
                                                filters.join(QStringLiteral(";;")), &selected);
    if (!path.isEmpty() && QFileInfo(path).suffix().isEmpty())
        path += u'.' + selected.section(u'.', -1).chopped(1);
    return path;
}

void addExportAction(QWidget *widget, const QString &text, const std::function<void()> &run)
{
    // Views that already show a menu of actions (the log view) get one more entry.
    if (widget->contextMenuPolicy() == Qt::DefaultContextMenu)
        widget->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *action = new QAction(text, widget);
    action->setObjectName(QStringLiteral("export"));
    QObject::connect(action, &QAction::triggered, widget, run);
    widget->addAction(action);
}

void report(QWidget *parent, bool ok, const QString &error)
{
    if (!ok)
        QMessageBox::warning(parent, tr("Export"), error);
}

} // namespace

bool exportWidget(QWidget *widget, const QString &path, QString *error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    QByteArray bytes;
    if (suffix == u"png")
        bytes = pngOf(widget);
    else if (suffix == u"svg")
        bytes = svgOf(widget, titleOf(path));
    else
        return fail(error, tr("Could not export to %1: the name must end in .png or .svg").arg(where(path)));
    if (bytes.isEmpty())
        return fail(error, tr("Could not draw the %1 image for %2").arg(suffix.toUpper(), where(path)));
    return writeFile(path, bytes, error);
}

QByteArray csvOf(const QAbstractItemModel &model, const CsvLayout &layout)
{
    QList<int> columns = layout.columns;
    if (columns.isEmpty())
        for (int c = 0; c < model.columnCount(); ++c)
            columns.append(c);
    QString out;
    const auto line = [&out, &columns](const QString &rowHeader, const std::function<QString(int)> &field) {
        QStringList fields;
        if (!rowHeader.isNull())
            fields.append(csvField(rowHeader));
        for (const int c : columns)
            fields.append(csvField(field(c)));
        out += fields.join(u',') + QStringLiteral("\r\n");
    };
    const auto rowHeader = [&](int r) {
        if (!layout.rowHeaders)
            return QString();
        const QString text = r < 0 ? QString() : model.headerData(r, Qt::Vertical, Qt::DisplayRole).toString();
        return text.isNull() ? QStringLiteral("") : text; // an empty field, not none
    };
    line(rowHeader(-1), [&model](int c) { return model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString(); });
    for (int r = 0; r < model.rowCount(); ++r)
        line(rowHeader(r), [&model, r](int c) { return model.index(r, c).data(Qt::DisplayRole).toString(); });
    return out.toUtf8();
}

bool exportCsv(const QAbstractItemModel &model, const QString &path, QString *error, const CsvLayout &layout)
{
    return writeFile(path, csvOf(model, layout), error);
}

CsvLayout csvLayoutOf(const QAbstractItemView &view)
{
    CsvLayout layout;
    const QHeaderView *header = nullptr;
    if (const auto *table = qobject_cast<const QTableView *>(&view)) {
        header = table->horizontalHeader();
        // Row names, when the view shows them; the numbers a model gives by default are not names.
        const QAbstractItemModel *model = view.model();
        layout.rowHeaders = !table->verticalHeader()->isHidden() && model && model->rowCount() > 0
                            && model->headerData(0, Qt::Vertical, Qt::DisplayRole).typeId() == QMetaType::QString;
    } else if (const auto *tree = qobject_cast<const QTreeView *>(&view)) {
        header = tree->header();
    }
    if (header)
        for (int v = 0; v < header->count(); ++v)
            if (const int c = header->logicalIndex(v); !header->isSectionHidden(c))
                layout.columns.append(c);
    return layout;
}

void addChartExport(QWidget *chart, const QString &name)
{
    addExportAction(chart, tr("Export…"), [chart, name] {
        const QString path = askPath(chart, name, {tr("PNG image (*.png)"), tr("SVG image (*.svg)")});
        QString error;
        if (!path.isEmpty())
            report(chart, exportWidget(chart, path, &error), error);
    });
}

void addTableExport(QAbstractItemView *view, const QString &name)
{
    addExportAction(view, tr("Export as CSV…"), [view, name] {
        const QString path = askPath(view, name, {tr("CSV (*.csv)")});
        if (path.isEmpty() || !view->model())
            return;
        QString error;
        report(view, exportCsv(*view->model(), path, &error, csvLayoutOf(*view)), error);
    });
}

} // namespace fn
