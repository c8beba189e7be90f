#pragma once
// The docks' flat tables (queues, messages, buckets): one row per item, one selected at a time.

class QAbstractItemModel;
class QTreeView;
class QWidget;

namespace fn {

QTreeView *makeTableView(QAbstractItemModel *model, QWidget *parent);

} // namespace fn
