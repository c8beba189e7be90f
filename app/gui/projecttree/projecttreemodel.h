#pragma once
// The project tree: functions with their handler file and sample events, their layers, and the template.

#include "project/functionconfig.h"

#include <QHash>
#include <QStandardItemModel>

namespace fn {

class ProjectTreeModel final : public QStandardItemModel
{
    Q_OBJECT
public:
    enum class Kind { Template, Function, HandlerFile, EventsFolder, Event, LayersFolder, Layer };
    Q_ENUM(Kind)
    enum Role { KindRole = Qt::UserRole + 1, PathRole, FunctionRole };

    explicit ProjectTreeModel(QObject *parent = nullptr);

    // events: function name → absolute event file paths, in the order to show them.
    void resetData(const QString &templatePath, const QList<FunctionConfig> &functions,
                   const QHash<QString, QStringList> &events);

    // The handler's source file inside codeDir (app.handler → app.py, app.mjs, …; provided → bootstrap).
    static QString handlerFile(const FunctionConfig &function);
};

} // namespace fn
