#pragma once
// A project folder for a test, in a temporary directory: template.yaml written from code (functions
// with their code and sample events, other resources) or given whole, or a copy of a bundled example.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QTemporaryDir>

namespace fn::test {

// Every call writes what it adds at once, so the folder is always complete; a file that cannot be
// written stops the test program (a temporary folder that refuses writes is no test of ours).
//
//     ProjectBuilder project;
//     project.function(QStringLiteral("Echo"))
//         .runtime(QStringLiteral("python3.12"))
//         .handler(QStringLiteral("app.handler"))
//         .properties("Timeout: 5\n")
//         .code(QStringLiteral("app.py"), "def handler(event, context):\n    return event\n")
//         .event(QStringLiteral("ada"), "{\"name\": \"Ada\"}\n");
//     window.openProject(project.path());
class ProjectBuilder final
{
public:
    ProjectBuilder();
    ProjectBuilder(ProjectBuilder &&) = default;
    ProjectBuilder &operator=(ProjectBuilder &&) = default;
    ~ProjectBuilder();

    // A copy of resources/examples/<name> from the source tree, without the
    // .fnstudio/ state a studio run may have left in it.
    static ProjectBuilder fromExample(const QString &name);

    // Starts an AWS::Serverless::Function with CodeUri src/; the calls after it describe it.
    ProjectBuilder &function(const QString &name);
    ProjectBuilder &runtime(const QString &runtime);
    ProjectBuilder &handler(const QString &handler);
    ProjectBuilder &codeUri(const QString &folder);
    // More of the function's Properties, as YAML indented from Properties: "Timeout: 5\nEvents:\n  ...".
    ProjectBuilder &properties(const QByteArray &yaml);
    // A file in the function's code folder.
    ProjectBuilder &code(const QString &file, const QByteArray &text);
    // A sample event of the function: events/<function>/<name>.json.
    ProjectBuilder &event(const QString &name, const QByteArray &json);

    // Another resource of the template (a bucket, a queue), as YAML indented from its name.
    ProjectBuilder &resource(const QString &name, const QByteArray &yaml);
    // template.yaml byte for byte, for tests that compare what the studio writes into it.
    ProjectBuilder &templateText(const QByteArray &yaml);
    // Any other file, relative to the project folder (.fnstudio/settings.json, env.json).
    ProjectBuilder &file(const QString &relative, const QByteArray &content);

    QString path() const { return m_dir.path(); }
    QString filePath(const QString &relative) const { return m_dir.filePath(relative); }
    QString templatePath() const { return filePath(QStringLiteral("template.yaml")); }
    // What template.yaml holds as written here (the studio may have changed the file since).
    QByteArray templateText() const;

private:
    struct Resource
    {
        QString name;
        bool function = false;
        QString runtime;
        QString handler;
        QString codeUri;
        QByteArray yaml; // a function's further Properties, or the whole of another resource
    };

    Resource &currentFunction();
    QString codeFolder() const;
    void writeTemplate();

    QTemporaryDir m_dir;
    QList<Resource> m_resources;
    QByteArray m_givenTemplate; // set by templateText(): written as given, nothing generated
};

// Reads a whole file; empty when it cannot be read.
QByteArray readFile(const QString &path);
// Writes a whole file, making its folder first.
bool writeFile(const QString &path, const QByteArray &content);

} // namespace fn::test
