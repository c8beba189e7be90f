#include "runtime/runtimeregistry.h"

#include "sandbox/childprocess.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

#include <memory>
#include <vector>

#ifndef FN_INSTALL_PREFIX
#define FN_INSTALL_PREFIX "/usr/local"
#endif

#include <unistd.h>

namespace fn {

namespace {

// Interpreter versions by binary (path, size, mtime), so that only a changed binary is asked again.
QString versionCachePath()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    return dir.isEmpty() ? QString() : dir + QStringLiteral("/fnstudio/interpreter-versions.json");
}

QJsonObject readVersionCache(const QString &path)
{
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

void writeVersionCache(const QString &path, const QJsonObject &cache)
{
    if (path.isEmpty() || !QDir().mkpath(QFileInfo(path).absolutePath()))
        return;
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly)) {
        file.write(QJsonDocument(cache).toJson(QJsonDocument::Compact));
        file.commit();
    }
}

const QString InterpreterPlaceholder = QStringLiteral("${interpreter}");

QStringList toStringList(const QJsonValue &value)
{
    QStringList out;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &v : array)
        out.append(v.toString());
    return out;
}

// A pyenv or asdf shim is a shell script that re-dispatches on every start (~90 ms here, and its
// home is invisible inside the sandbox): only a real ELF binary will do.
bool isElfBinary(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    return f.read(4)
           == QByteArrayLiteral("\x7f"
                                "ELF");
}

struct InterpreterSpec
{
    QStringList candidates;
    QStringList searchDirs;
    bool searchPath = true;
    QStringList versionArguments;
    QString versionPattern;
    QStringList bindPrefixes;
};

// System folders first: /usr/bin/python3 starts in ~13 ms where a PATH shim costs ~90 ms.
QString findInterpreter(const InterpreterSpec &spec, QStringList *searched)
{
    QStringList dirs = spec.searchDirs;
    if (spec.searchPath) {
        const QStringList path = QString::fromLocal8Bit(qgetenv("PATH")).split(QLatin1Char(':'), Qt::SkipEmptyParts);
        for (const QString &d : path)
            if (!dirs.contains(d))
                dirs.append(d);
    }
    *searched = dirs;
    for (const QString &name : spec.candidates) {
        if (QDir::isAbsolutePath(name)) {
            const QString real = resolveExecutable(name);
            if (!real.isEmpty() && isElfBinary(real))
                return real;
            continue;
        }
        for (const QString &dir : std::as_const(dirs)) {
            const QString real = resolveExecutable(dir + QLatin1Char('/') + name);
            if (!real.isEmpty() && isElfBinary(real))
                return real;
        }
    }
    return {};
}

QStringList substitute(const QStringList &argv, const QString &interpreter)
{
    QStringList out;
    out.reserve(argv.size());
    for (const QString &a : argv) {
        QString v = a;
        out.append(v.replace(InterpreterPlaceholder, interpreter));
    }
    return out;
}

// Reads one plugins/<id>/runtime.json. Returns false with *error on a broken descriptor.
bool readDescriptor(const QString &dir, RuntimeDescriptor *d, InterpreterSpec *spec, bool *hasInterpreter,
                    QString *error)
{
    const QString file = dir + QStringLiteral("/runtime.json");
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot read: %2").arg(file, f.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("%1: not a JSON object: %2 at offset %3")
                     .arg(file, parseError.errorString())
                     .arg(parseError.offset);
        return false;
    }
    const QJsonObject o = doc.object();
    d->id = o.value(QLatin1String("id")).toString();
    d->displayName = o.value(QLatin1String("displayName")).toString(d->id);
    d->runtimes = toStringList(o.value(QLatin1String("runtimes")));
    d->runtimePrefixes = toStringList(o.value(QLatin1String("runtimePrefixes")));
    d->setsExecutionEnv = o.value(QLatin1String("setsExecutionEnv")).toBool(true);
    d->fileExtensions = toStringList(o.value(QLatin1String("fileExtensions")));
    d->lexer = o.value(QLatin1String("lexer")).toString();
    d->handlerFileName = o.value(QLatin1String("handlerFileName")).toString();
    d->handlerFileExecutable = o.value(QLatin1String("handlerFileExecutable")).toBool(false);
    d->defaultHandler = o.value(QLatin1String("defaultHandler")).toString();
    d->command = toStringList(o.value(QLatin1String("command")));
    d->bareStartCommand = toStringList(o.value(QLatin1String("bareStartCommand")));
    const QJsonArray fallbacks = o.value(QLatin1String("commandFallbacks")).toArray();
    for (const QJsonValue &v : fallbacks)
        d->commandFallbacks.append(toStringList(v));
    const QJsonObject env = o.value(QLatin1String("environment")).toObject();
    for (auto it = env.begin(); it != env.end(); ++it)
        d->environment.append({it.key(), it.value().toString()});
    d->reportsPhases = o.value(QLatin1String("reportsPhases")).toBool(false);
    const QJsonObject profileEnv = o.value(QLatin1String("importProfileEnvironment")).toObject();
    for (auto it = profileEnv.begin(); it != profileEnv.end(); ++it)
        d->importProfileEnvironment.append({it.key(), it.value().toString()});
    d->runtimeApiFd = o.value(QLatin1String("runtimeApiFd")).toInt(-1);
    d->pluginDir = QFileInfo(dir).absoluteFilePath();

    if (d->id.isEmpty() || d->runtimePrefixes.isEmpty() || d->command.isEmpty()) {
        *error = QStringLiteral("%1: \"id\", \"runtimePrefixes\" and \"command\" are required").arg(file);
        return false;
    }
    if (o.contains(QLatin1String("runtimeApiFd")) && (d->runtimeApiFd < 3 || d->runtimeApiFd > 255)) {
        *error = QStringLiteral("%1: \"runtimeApiFd\" must be a descriptor number from 3 to 255 (0-2 are the "
                                "runtime's standard streams)")
                     .arg(file);
        return false;
    }

    if (o.contains(QLatin1String("handlerTemplate"))) {
        d->handlerTemplate = o.value(QLatin1String("handlerTemplate")).toString();
    } else if (o.contains(QLatin1String("handlerTemplateFile"))) {
        QFile t(dir + QLatin1Char('/') + o.value(QLatin1String("handlerTemplateFile")).toString());
        if (!t.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("%1: handler template %2: %3").arg(file, t.fileName(), t.errorString());
            return false;
        }
        d->handlerTemplate = QString::fromUtf8(t.readAll());
    }

    *hasInterpreter = o.contains(QLatin1String("interpreter"));
    if (*hasInterpreter) {
        const QJsonObject i = o.value(QLatin1String("interpreter")).toObject();
        spec->candidates = toStringList(i.value(QLatin1String("candidates")));
        spec->searchDirs = toStringList(i.value(QLatin1String("searchDirs")));
        spec->searchPath = i.value(QLatin1String("searchPath")).toBool(true);
        spec->versionArguments = toStringList(i.value(QLatin1String("versionArguments")));
        spec->versionPattern = i.value(QLatin1String("versionPattern")).toString();
        spec->bindPrefixes = toStringList(i.value(QLatin1String("bindPrefixes")));
        if (spec->candidates.isEmpty()) {
            *error = QStringLiteral("%1: \"interpreter\" needs \"candidates\"").arg(file);
            return false;
        }
    }
    return true;
}

// A folder holding at least one plugin, not merely a folder of that name.
bool holdsPlugins(const QString &dir)
{
    const QStringList subdirs = QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &sub : subdirs)
        if (QFileInfo::exists(dir + QLatin1Char('/') + sub + QStringLiteral("/runtime.json")))
            return true;
    return false;
}

} // namespace

QString RuntimeRegistry::defaultPluginRoot()
{
    const QString env = qEnvironmentVariable("FN_PLUGIN_DIR");
    if (!env.isEmpty())
        return env;
    const QString appDir = QCoreApplication::instance() ? QCoreApplication::applicationDirPath() : QString();
    if (!appDir.isEmpty()) {
        // Build tree (build/bin/../plugins), then a relocatable install (bin/../share/...).
        for (const QString &rel : {QStringLiteral("/../plugins"), QStringLiteral("/../share/fnstudio/plugins")}) {
            const QString candidate = QDir::cleanPath(appDir + rel);
            if (holdsPlugins(candidate))
                return candidate;
        }
    }
    return QDir::cleanPath(QStringLiteral(FN_INSTALL_PREFIX "/share/fnstudio/plugins"));
}

void RuntimeRegistry::load(const QString &root)
{
    m_plugins.clear();
    m_problems.clear();

    const QDir rootDir(root);
    if (!rootDir.exists()) {
        m_problems.append(QStringLiteral("runtime plugin folder %1 does not exist").arg(root));
        return;
    }

    struct Pending
    {
        RuntimeDescriptor descriptor;
        InterpreterSpec spec;
        std::unique_ptr<ChildProcess> versionProcess;
        QString cacheKey;
    };
    std::vector<Pending> pending;
    const QString cachePath = versionCachePath();
    QJsonObject versionCache = readVersionCache(cachePath);
    bool cacheChanged = false;

    const QStringList dirs = rootDir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &name : dirs) {
        const QString dir = rootDir.absoluteFilePath(name);
        if (!QFileInfo::exists(dir + QStringLiteral("/runtime.json")))
            continue;
        Pending p;
        bool hasInterpreter = false;
        QString error;
        if (!readDescriptor(dir, &p.descriptor, &p.spec, &hasInterpreter, &error)) {
            m_problems.append(error);
            continue;
        }
        bool duplicate = false;
        for (const Pending &other : pending)
            duplicate = duplicate || other.descriptor.id == p.descriptor.id;
        if (duplicate) {
            m_problems.append(
                QStringLiteral("%1: runtime plugin id \"%2\" is already taken").arg(dir, p.descriptor.id));
            continue;
        }

        if (hasInterpreter) {
            QStringList searched;
            const QString interpreter = findInterpreter(p.spec, &searched);
            if (interpreter.isEmpty()) {
                p.descriptor.unavailableReason =
                    QStringLiteral("%1 needs %2, which was not found (searched %3)")
                        .arg(p.descriptor.displayName, p.spec.candidates.join(QStringLiteral(" or ")),
                             searched.join(QStringLiteral(", ")));
                m_problems.append(p.descriptor.unavailableReason);
            } else {
                p.descriptor.interpreter = interpreter;
                if (!interpreter.startsWith(QStringLiteral("/usr/"))) {
                    // The sandbox binds only /usr: say what else the interpreter needs.
                    p.descriptor.interpreterBinds = p.spec.bindPrefixes;
                    if (p.descriptor.interpreterBinds.isEmpty())
                        p.descriptor.interpreterBinds.append(
                            QFileInfo(QFileInfo(interpreter).absolutePath()).absolutePath());
                }
                // A version is asked of the interpreter once per binary (`node --version` alone costs
                // ~50 ms, on every CLI start); later loads read it from the cache. Misses are asked of
                // every interpreter at once, not in turn.
                if (!p.spec.versionArguments.isEmpty()) {
                    const QFileInfo binary(interpreter);
                    p.cacheKey = interpreter + QLatin1Char('|') + QString::number(binary.size()) + QLatin1Char('|')
                                 + QString::number(binary.lastModified().toMSecsSinceEpoch());
                    p.descriptor.interpreterVersion = versionCache.value(p.cacheKey).toString();
                    if (p.descriptor.interpreterVersion.isEmpty()) {
                        ProcessSpec spec;
                        spec.program = interpreter;
                        spec.arguments = p.spec.versionArguments;
                        spec.environment = {QStringLiteral("LANG=C")}; // NODE_OPTIONS and friends stay out
                        p.versionProcess = std::make_unique<ChildProcess>();
                        QString startError;
                        if (!p.versionProcess->start(spec, &startError)) {
                            m_problems.append(startError);
                            p.versionProcess.reset();
                        }
                    }
                }
            }
        }
        p.descriptor.command = substitute(p.descriptor.command, p.descriptor.interpreter);
        p.descriptor.bareStartCommand = substitute(p.descriptor.bareStartCommand, p.descriptor.interpreter);
        pending.push_back(std::move(p));
    }

    for (Pending &p : pending) {
        if (p.versionProcess) {
            if (p.versionProcess->waitForExit(5000)) {
                QByteArray raw(4096, Qt::Uninitialized);
                const ssize_t n = ::read(p.versionProcess->outputFd(), raw.data(), size_t(raw.size()));
                const QString out = QString::fromLocal8Bit(raw.left(n > 0 ? n : 0)).trimmed();
                const QRegularExpression re(p.spec.versionPattern.isEmpty() ? QStringLiteral("([0-9][0-9.]*)")
                                                                            : p.spec.versionPattern);
                const QRegularExpressionMatch m = re.match(out);
                p.descriptor.interpreterVersion = m.hasMatch() ? m.captured(1) : out;
                if (!p.descriptor.interpreterVersion.isEmpty()) {
                    versionCache.insert(p.cacheKey, p.descriptor.interpreterVersion);
                    cacheChanged = true;
                }
            } else {
                p.versionProcess->shutdown(0);
                m_problems.append(QStringLiteral("%1: %2 %3 did not answer")
                                      .arg(p.descriptor.id, p.descriptor.interpreter,
                                           p.spec.versionArguments.join(QLatin1Char(' '))));
            }
        }
        m_plugins.append(std::move(p.descriptor));
    }

    if (cacheChanged)
        writeVersionCache(cachePath, versionCache);
    if (m_plugins.isEmpty())
        m_problems.append(QStringLiteral("no runtime plugins found in %1").arg(root));
}

std::optional<RuntimeDescriptor> RuntimeRegistry::resolve(const QString &samRuntime, QString *error) const
{
    const QString value = samRuntime.trimmed();
    const RuntimeDescriptor *match = nullptr;
    // A known value wins over a prefix, so that "provided" can never swallow another's value.
    for (const RuntimeDescriptor &d : m_plugins)
        if (d.runtimes.contains(value))
            match = &d;
    if (!match) {
        for (const RuntimeDescriptor &d : m_plugins) {
            for (const QString &prefix : d.runtimePrefixes) {
                if (!value.startsWith(prefix))
                    continue;
                // Only the prefix followed by a version or a suffix: "python3.13", "provided.al2".
                const QString rest = value.mid(prefix.size());
                static const QRegularExpression versionish(QStringLiteral("^(|[0-9][0-9.]*(\\.x)?|\\.al[0-9]+)$"));
                if (versionish.match(rest).hasMatch())
                    match = &d;
            }
        }
    }
    if (!match) {
        if (error && m_plugins.isEmpty()) {
            *error = QStringLiteral("cannot resolve Runtime \"%1\": no runtime plugins are loaded").arg(value);
        } else if (error) {
            QStringList supported;
            for (const RuntimeDescriptor &d : m_plugins)
                supported.append(d.runtimes);
            *error = value.isEmpty() ? QStringLiteral("the function has no Runtime; supported values: %1")
                                           .arg(supported.join(QStringLiteral(", ")))
                                     : QStringLiteral("unsupported Runtime \"%1\"; supported values: %2")
                                           .arg(value, supported.join(QStringLiteral(", ")));
        }
        return std::nullopt;
    }
    if (!match->unavailableReason.isEmpty()) {
        if (error)
            *error = QStringLiteral("Runtime %1 cannot run on this machine: %2").arg(value, match->unavailableReason);
        return std::nullopt;
    }
    RuntimeDescriptor d = *match;
    d.executionEnv = d.setsExecutionEnv ? QStringLiteral("AWS_Lambda_") + value : QString();
    return d;
}

} // namespace fn
