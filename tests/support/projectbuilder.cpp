#include "projectbuilder.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace fn::test {

namespace {

void mustWrite(const QString &path, const QByteArray &content)
{
    if (!writeFile(path, content))
        qFatal("ProjectBuilder: cannot write %s", qPrintable(path));
}

// Each non-empty line of yaml indented by indent spaces.
QByteArray indented(const QByteArray &yaml, int indent)
{
    QByteArray out;
    const QByteArray pad(indent, ' ');
    for (const QByteArray &line : yaml.split('\n')) {
        if (!line.isEmpty())
            out += pad + line + '\n';
    }
    return out;
}

} // namespace

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

ProjectBuilder::ProjectBuilder()
{
    if (!m_dir.isValid())
        qFatal("ProjectBuilder: no temporary folder: %s", qPrintable(m_dir.errorString()));
}

ProjectBuilder::~ProjectBuilder() = default;

ProjectBuilder ProjectBuilder::fromExample(const QString &name)
{
    // ctest's FN_SOURCE_DIR, else the tree this library was built from (benchmarks run by hand).
    const QString source = qEnvironmentVariable("FN_SOURCE_DIR", QStringLiteral(FN_SOURCE_DIR));
    const QDir example(QDir(source).filePath(QStringLiteral("resources/examples/") + name));
    if (!QFileInfo::exists(example.filePath(QStringLiteral("template.yaml"))))
        qFatal("ProjectBuilder: no example project at %s", qPrintable(example.path()));
    ProjectBuilder project;
    QDirIterator it(example.path(), QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString relative = example.relativeFilePath(it.next());
        if (relative.startsWith(QLatin1String(".fnstudio/")))
            continue;
        const QString target = project.filePath(relative);
        QDir().mkpath(QFileInfo(target).absolutePath());
        if (!QFile::copy(it.filePath(), target))
            qFatal("ProjectBuilder: cannot copy %s", qPrintable(it.filePath()));
    }
    return project;
}

ProjectBuilder &ProjectBuilder::function(const QString &name)
{
    Resource r;
    r.name = name;
    r.function = true;
    r.codeUri = QStringLiteral("src/");
    m_resources.append(r);
    QDir().mkpath(codeFolder());
    writeTemplate();
    return *this;
}

ProjectBuilder &ProjectBuilder::runtime(const QString &runtime)
{
    currentFunction().runtime = runtime;
    writeTemplate();
    return *this;
}

ProjectBuilder &ProjectBuilder::handler(const QString &handler)
{
    currentFunction().handler = handler;
    writeTemplate();
    return *this;
}

ProjectBuilder &ProjectBuilder::codeUri(const QString &folder)
{
    Resource &f = currentFunction();
    QDir().rmdir(codeFolder()); // the default src/, unless something was written into it
    f.codeUri = folder;
    QDir().mkpath(codeFolder());
    writeTemplate();
    return *this;
}

ProjectBuilder &ProjectBuilder::properties(const QByteArray &yaml)
{
    currentFunction().yaml += yaml;
    writeTemplate();
    return *this;
}

ProjectBuilder &ProjectBuilder::code(const QString &file, const QByteArray &text)
{
    currentFunction();
    mustWrite(QDir(codeFolder()).filePath(file), text);
    return *this;
}

ProjectBuilder &ProjectBuilder::event(const QString &name, const QByteArray &json)
{
    mustWrite(filePath(QStringLiteral("events/%1/%2.json").arg(currentFunction().name, name)), json);
    return *this;
}

ProjectBuilder &ProjectBuilder::resource(const QString &name, const QByteArray &yaml)
{
    Resource r;
    r.name = name;
    r.yaml = yaml;
    m_resources.append(r);
    writeTemplate();
    return *this;
}

ProjectBuilder &ProjectBuilder::templateText(const QByteArray &yaml)
{
    if (!m_resources.isEmpty())
        qFatal("ProjectBuilder: a given template replaces the generated one; give it before anything else");
    m_givenTemplate = yaml;
    writeTemplate();
    return *this;
}

ProjectBuilder &ProjectBuilder::file(const QString &relative, const QByteArray &content)
{
    mustWrite(filePath(relative), content);
    return *this;
}

QByteArray ProjectBuilder::templateText() const
{
    if (!m_givenTemplate.isNull())
        return m_givenTemplate;
    QByteArray out = "AWSTemplateFormatVersion: '2010-09-09'\n"
                     "Transform: AWS::Serverless-2016-10-31\n"
                     "Resources:\n";
    for (const Resource &r : m_resources) {
        out += "  " + r.name.toUtf8() + ":\n";
        if (!r.function) {
            out += indented(r.yaml, 4);
            continue;
        }
        out += "    Type: AWS::Serverless::Function\n"
               "    Properties:\n";
        if (!r.runtime.isEmpty())
            out += "      Runtime: " + r.runtime.toUtf8() + '\n';
        if (!r.handler.isEmpty())
            out += "      Handler: " + r.handler.toUtf8() + '\n';
        out += "      CodeUri: " + r.codeUri.toUtf8() + '\n';
        out += indented(r.yaml, 6);
    }
    return out;
}

ProjectBuilder::Resource &ProjectBuilder::currentFunction()
{
    if (m_resources.isEmpty() || !m_resources.last().function)
        qFatal("ProjectBuilder: describe a function after function(name)");
    return m_resources.last();
}

QString ProjectBuilder::codeFolder() const
{
    return QDir::cleanPath(QDir(path()).filePath(m_resources.last().codeUri)); // absolute stays absolute
}

void ProjectBuilder::writeTemplate()
{
    mustWrite(templatePath(), templateText());
}

} // namespace fn::test
