#pragma once
// The runtime plugins found on this machine: reads each plugins/<id>/runtime.json, resolves the
// host interpreter once to its real binary, and answers which plugin serves a SAM Runtime value.

#include "runtime/runtimedescriptor.h"

#include <QList>
#include <QString>

#include <optional>

namespace fn {

class RuntimeRegistry final
{
public:
    // Where the plugins are: $FN_PLUGIN_DIR, else <dir of the executable>/../plugins, else the
    // installed share/fnstudio/plugins.
    static QString defaultPluginRoot();

    // Loads every plugin folder under root. Problems (bad JSON, interpreter missing) are kept in
    // problems(), never fatal: a machine without Node still runs Python functions.
    void load(const QString &root);

    const QList<RuntimeDescriptor> &plugins() const { return m_plugins; }
    QStringList problems() const { return m_problems; }

    // The descriptor serving a SAM Runtime value (python3.12 → python), with executionEnv
    // filled in for that value. nullopt with *error saying why (unknown runtime, interpreter missing).
    std::optional<RuntimeDescriptor> resolve(const QString &samRuntime, QString *error) const;

private:
    QList<RuntimeDescriptor> m_plugins;
    QStringList m_problems;
};

} // namespace fn
