#include "projecttree/projecttreemodel.h"

#include <QDir>
#include <QFileInfo>

namespace fn {

ProjectTreeModel::ProjectTreeModel(QObject *parent)
    : QStandardItemModel(parent)
{
    setHorizontalHeaderLabels({tr("Project")});
}

QString ProjectTreeModel::handlerFile(const FunctionConfig &f)
{
    const QDir dir(f.codeDir);
    if (f.handler.isEmpty() || f.runtime.startsWith(u"provided"))
        return dir.exists(QStringLiteral("bootstrap")) ? dir.absoluteFilePath(QStringLiteral("bootstrap")) : QString();
    // "pkg/module.handler" → module path "pkg/module"; the file extension depends on the runtime.
    const qsizetype dot = f.handler.lastIndexOf(u'.');
    const QString module = dot > 0 ? f.handler.left(dot) : f.handler;
    const QStringList extensions =
        f.runtime.startsWith(u"python")
            ? QStringList{QStringLiteral(".py")}
            : QStringList{QStringLiteral(".mjs"), QStringLiteral(".js"), QStringLiteral(".cjs"), QStringLiteral(".ts")};
    for (const QString &ext : extensions) {
        if (QFileInfo::exists(dir.absoluteFilePath(module + ext)))
            return dir.absoluteFilePath(module + ext);
    }
    return {};
}

void ProjectTreeModel::resetData(const QString &templatePath, const QList<FunctionConfig> &functions,
                                 const QHash<QString, QStringList> &events)
{
    clear();
    setHorizontalHeaderLabels({tr("Project")});
    auto item = [](const QString &text, Kind kind, const QString &path, const QString &function) {
        auto *i = new QStandardItem(text);
        i->setEditable(false);
        i->setData(int(kind), KindRole);
        i->setData(path, PathRole);
        i->setData(function, FunctionRole);
        if (!path.isEmpty())
            i->setToolTip(path);
        return i;
    };
    if (!templatePath.isEmpty())
        appendRow(item(QFileInfo(templatePath).fileName(), Kind::Template, templatePath, QString()));
    for (const FunctionConfig &f : functions) {
        QStandardItem *fn = item(f.name, Kind::Function, QString(), f.name);
        fn->setToolTip(
            tr("%1 · %2 · %3 MB · %4 s timeout").arg(f.runtime, f.handler).arg(f.memoryMb).arg(f.timeoutSec));
        QFont bold = fn->font();
        bold.setBold(true);
        fn->setFont(bold);
        const QString handler = handlerFile(f);
        if (!handler.isEmpty())
            fn->appendRow(item(QDir(f.codeDir).relativeFilePath(handler), Kind::HandlerFile, handler, f.name));
        QStandardItem *eventsFolder = item(tr("events"), Kind::EventsFolder, QString(), f.name);
        const QStringList eventPaths = events.value(f.name);
        for (const QString &path : eventPaths)
            eventsFolder->appendRow(item(QFileInfo(path).fileName(), Kind::Event, path, f.name));
        if (eventPaths.isEmpty()) {
            QStandardItem *none = item(tr("(no events yet)"), Kind::EventsFolder, QString(), f.name);
            none->setEnabled(false);
            eventsFolder->appendRow(none);
        }
        fn->appendRow(eventsFolder);
        if (!f.layerDirs.isEmpty()) {
            QStandardItem *layers = item(tr("layers"), Kind::LayersFolder, QString(), f.name);
            for (const QString &dir : f.layerDirs)
                layers->appendRow(item(QFileInfo(dir).fileName(), Kind::Layer, dir, f.name));
            fn->appendRow(layers);
        }
        appendRow(fn);
    }
}

} // namespace fn
