#pragma once
// The AWS CLI as a user runs it against fnstudio: Debian's awscli, with none of the user's AWS
// set-up leaking in (no profile, real keys or endpoints), and `fnstudio-cli serve` started on free
// ports, its addresses read from what it prints.

#include "projectbuilder.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

namespace fntest {

struct AwsRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

using fn::test::writeFile;

// Debian's awscli first: a user-level shim earlier in PATH may be another version or broken.
inline QString findAws()
{
    const QString debian = QStandardPaths::findExecutable(QStringLiteral("aws"), {QStringLiteral("/usr/bin")});
    return debian.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("aws")) : debian;
}

inline const char *awsMissing()
{
    return "the AWS CLI (`aws`) is not installed: install the Debian package awscli "
           "(sudo apt-get install awscli, or ./fnstudio.sh, which installs installers/debian-packages.txt)";
}

// An environment with test keys, us-east-1 and empty config files under `dir`.
inline QProcessEnvironment isolatedAwsEnvironment(const QString &dir)
{
    writeFile(QDir(dir).filePath(QStringLiteral("aws-config")), {});
    writeFile(QDir(dir).filePath(QStringLiteral("aws-credentials")), {});
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys())
        if (key.startsWith(QLatin1String("AWS_")))
            env.remove(key);
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("fnstudio-test"));
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("fnstudio-test"));
    env.insert(QStringLiteral("AWS_DEFAULT_REGION"), QStringLiteral("us-east-1"));
    env.insert(QStringLiteral("AWS_CONFIG_FILE"), QDir(dir).filePath(QStringLiteral("aws-config")));
    env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), QDir(dir).filePath(QStringLiteral("aws-credentials")));
    env.insert(QStringLiteral("AWS_PAGER"), QString());
    env.insert(QStringLiteral("AWS_EC2_METADATA_DISABLED"), QStringLiteral("true"));
    return env;
}

inline AwsRun runAws(const QString &aws, const QProcessEnvironment &env, const QString &workingDir,
                     const QStringList &arguments, const QString &endpoint)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(workingDir);
    QStringList args = arguments;
    args << QStringLiteral("--endpoint-url") << endpoint << QStringLiteral("--output") << QStringLiteral("json");
    p.start(aws, args);
    p.waitForFinished(60000);
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

// Reads serve's stdout until `pattern` (one capture group) matches or 30 s pass; the capture, or empty.
inline QString waitForLine(QProcess &serve, QByteArray *out, const QRegularExpression &pattern)
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        *out += serve.readAllStandardOutput();
        const auto m = pattern.match(QString::fromUtf8(*out));
        if (m.hasMatch())
            return m.captured(1);
        if (timer.elapsed() > 30000 || serve.state() != QProcess::Running)
            return {};
        serve.waitForReadyRead(1000);
    }
}

// SIGTERM, as a user's Ctrl+C: serve shuts its environments down and exits 0. False if it did not.
inline bool stopServe(QProcess &serve, QByteArray *err)
{
    if (serve.state() == QProcess::NotRunning)
        return true;
    serve.terminate();
    const bool exited = serve.waitForFinished(30000);
    if (!exited) {
        serve.kill();
        serve.waitForFinished(5000);
    }
    *err += serve.readAllStandardError();
    return exited && serve.exitStatus() == QProcess::NormalExit && serve.exitCode() == 0;
}

} // namespace fntest
