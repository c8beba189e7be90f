#pragma once
// Charts and tables written out for slides and reports: a widget as PNG or SVG, a model as CSV, and
// the "Export…" context-menu entry that offers them. Files are replaced whole or not at all.

#include <QList>
#include <QString>

class QAbstractItemModel;
class QAbstractItemView;
class QWidget;

namespace fn {

// PNG (at the widget's device pixel ratio) or SVG, by the path's suffix. False with *error set (what
// failed and where) when it could not be written.
bool exportWidget(QWidget *widget, const QString &path, QString *error);

// Which of a model's columns go into a CSV and in what order (empty: all of them), and whether each
// row starts with its vertical header (the Metrics table names its rows there).
struct CsvLayout
{
    QList<int> columns;
    bool rowHeaders = false;
};

// The model's top-level rows as CSV (RFC 4180): the horizontal header, then each row's DisplayRole
// text, CRLF line ends.
QByteArray csvOf(const QAbstractItemModel &model, const CsvLayout &layout = {});
bool exportCsv(const QAbstractItemModel &model, const QString &path, QString *error, const CsvLayout &layout = {});

// The table as a view shows it: its visible columns in their order, its row names if it shows them.
CsvLayout csvLayoutOf(const QAbstractItemView &view);

// An "Export…" entry in the context menu of a chart (PNG or SVG), "Export as CSV…" in a table's (the columns
// it shows). `name` is the suggested file name without suffix and the SVG's title.
void addChartExport(QWidget *chart, const QString &name);
void addTableExport(QAbstractItemView *view, const QString &name);

} // namespace fn
