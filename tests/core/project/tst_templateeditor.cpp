// What a person editing a function's properties in the studio expects of template.yaml: the new
// values, and every other byte (comments, order, quoting, line endings) exactly as it was.

#include "project/samtemplate.h"
#include "project/templateeditor.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace fn;

namespace {

const QByteArray Template = "# The example project\n"
                            "Transform: AWS::Serverless-2016-10-31\n"
                            "\n"
                            "Globals:\n"
                            "  Function:\n"
                            "    Timeout: 10 # everyone gets ten seconds\n"
                            "\n"
                            "Resources:\n"
                            "  Hello:\n"
                            "    Type: AWS::Serverless::Function\n"
                            "    Properties:\n"
                            "      Runtime: python3.12   # the newest\n"
                            "      Handler: app.handler\n"
                            "      CodeUri: src\n"
                            "      MemorySize: 256 # enough for pandas\n"
                            "      Environment:\n"
                            "        Variables:\n"
                            "          TABLE: 'orders'   # quoted on purpose\n"
                            "          MODE: fast\n"
                            "      Tags: {team: blue}\n"
                            "\n"
                            "  # the second one\n"
                            "  Other:\n"
                            "    Type: AWS::Serverless::Function\n"
                            "    Properties:\n"
                            "      Runtime: nodejs20.x\n"
                            "      Handler: index.handler\n"
                            "      CodeUri: src\n"
                            "  Bucket:\n"
                            "    Type: AWS::S3::Bucket\n"
                            "Outputs:\n"
                            "  Url:\n"
                            "    Value: x\n";

// The lines of after that are not in before and the other way round, in order (a small LCS diff).
struct Diff
{
    QList<QByteArray> removed;
    QList<QByteArray> added;
};

Diff diff(const QByteArray &before, const QByteArray &after)
{
    const QList<QByteArray> a = before.split('\n');
    const QList<QByteArray> b = after.split('\n');
    const qsizetype n = a.size();
    const qsizetype m = b.size();
    QList<QList<int>> lcs(n + 1, QList<int>(m + 1, 0));
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j)
            lcs[i][j] = a.at(i) == b.at(j) ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
    Diff d;
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a.at(i) == b.at(j)) {
            ++i;
            ++j;
        } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
            d.added.append(b.at(j++));
        } else {
            d.removed.append(a.at(i++));
        }
    }
    return d;
}

QString envOf(const FunctionConfig &f, const QString &name)
{
    for (const auto &[k, v] : f.environment) {
        if (k == name)
            return v;
    }
    return QStringLiteral("<unset>");
}

} // namespace

class TestTemplateEditor final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;

    // A fresh project folder with template.yaml holding text; returns an editor on it.
    TemplateEditor editorOn(const QByteArray &text)
    {
        static int n = 0;
        const QString folder = m_dir.filePath(QStringLiteral("p%1").arg(++n));
        QDir().mkpath(folder + QStringLiteral("/src"));
        m_path = folder + QStringLiteral("/template.yaml");
        QFile f(m_path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write template");
        f.write(text);
        f.close();
        TemplateEditor editor;
        if (!editor.load(m_path))
            qFatal("cannot load template");
        return editor;
    }

    QByteArray saved() const
    {
        QFile f(m_path);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return f.readAll();
    }

    FunctionConfig reread(const QString &name) const
    {
        SamTemplate t;
        t.load(m_path);
        const auto f = t.function(name);
        if (!f)
            qFatal("function not read back: %s", qPrintable(toStrings(t.errors()).join(QStringLiteral("; "))));
        return *f;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void replacesAValueOnItsLineOnly()
    {
        TemplateEditor editor = editorOn(Template);
        QVERIFY2(editor.setProperty(QStringLiteral("Hello"), TemplateEditor::Property::MemorySize, 1024),
                 qPrintable(editor.errorString()));
        QVERIFY(editor.save());

        const Diff d = diff(Template, saved());
        QCOMPARE(d.removed, QList<QByteArray>{"      MemorySize: 256 # enough for pandas"});
        QCOMPARE(d.added, QList<QByteArray>{"      MemorySize: 1024 # enough for pandas"});
        QCOMPARE(reread(QStringLiteral("Hello")).memoryMb, 1024);
    }

    void insertsAMissingPropertyAtTheMappingsIndentation()
    {
        TemplateEditor editor = editorOn(Template);
        QVERIFY2(editor.setProperty(QStringLiteral("Other"), TemplateEditor::Property::MemorySize, 512),
                 qPrintable(editor.errorString()));
        QVERIFY(editor.save());

        const QByteArray after = saved();
        const Diff d = diff(Template, after);
        QVERIFY(d.removed.isEmpty());
        QCOMPARE(d.added, QList<QByteArray>{"      MemorySize: 512"});
        // After the function's last property, before the next resource.
        QVERIFY(after.contains("      CodeUri: src\n      MemorySize: 512\n  Bucket:\n"));
        QCOMPARE(reread(QStringLiteral("Other")).memoryMb, 512);
        QCOMPARE(reread(QStringLiteral("Hello")).memoryMb, 256);
    }

    void setsAPropertyGivenInGlobalsOnTheFunction()
    {
        TemplateEditor editor = editorOn(Template);
        QVERIFY2(editor.setProperty(QStringLiteral("Hello"), TemplateEditor::Property::Timeout, 30),
                 qPrintable(editor.errorString()));
        QVERIFY(editor.save());

        const Diff d = diff(Template, saved());
        QVERIFY(d.removed.isEmpty()); // Globals' line is untouched
        QCOMPARE(d.added, QList<QByteArray>{"      Timeout: 30"});
        QCOMPARE(reread(QStringLiteral("Hello")).timeoutSec, 30);
        QCOMPARE(reread(QStringLiteral("Other")).timeoutSec, 10);
    }

    void createsNestedEphemeralStorage()
    {
        TemplateEditor editor = editorOn(Template);
        QVERIFY2(editor.setProperty(QStringLiteral("Hello"), TemplateEditor::Property::EphemeralStorageSize, 2048),
                 qPrintable(editor.errorString()));
        QVERIFY(editor.save());
        QCOMPARE(diff(Template, saved()).added, (QList<QByteArray>{"      EphemeralStorage:", "        Size: 2048"}));
        QCOMPARE(reread(QStringLiteral("Hello")).ephemeralStorageMb, 2048);

        // Then edited in place, and removed whole when asked.
        QVERIFY(editor.setProperty(QStringLiteral("Hello"), TemplateEditor::Property::EphemeralStorageSize, 4096));
        QVERIFY(editor.save());
        QCOMPARE(reread(QStringLiteral("Hello")).ephemeralStorageMb, 4096);
        QVERIFY(editor.removeProperty(QStringLiteral("Hello"), TemplateEditor::Property::EphemeralStorageSize));
        QVERIFY(editor.save());
        // Size was EphemeralStorage's only key: both go, and the template is as it was.
        QCOMPARE(diff(Template, saved()).removed, QList<QByteArray>{});
        QCOMPARE(diff(Template, saved()).added, QList<QByteArray>{});
        QCOMPARE(reread(QStringLiteral("Hello")).ephemeralStorageMb, 512);
    }

    void concurrency()
    {
        TemplateEditor editor = editorOn(Template);
        QVERIFY(editor.setProperty(QStringLiteral("Hello"), TemplateEditor::Property::ReservedConcurrentExecutions, 5));
        QVERIFY(
            editor.setProperty(QStringLiteral("Hello"), TemplateEditor::Property::ProvisionedConcurrentExecutions, 2));
        QVERIFY(editor.save());
        const FunctionConfig f = reread(QStringLiteral("Hello"));
        QCOMPARE(f.reservedConcurrency, std::optional<int>(5));
        QCOMPARE(f.provisionedConcurrency, std::optional<int>(2));
        // Provisioned concurrency is an alias's (SAM refuses it without one): the usual one is added.
        QCOMPARE(f.autoPublishAlias, QStringLiteral("live"));
        const QList<QByteArray> added = diff(Template, saved()).added;
        QVERIFY(std::any_of(added.cbegin(), added.cend(),
                            [](const QByteArray &line) { return line.contains("AutoPublishAlias: live"); }));

        // The template's own check: provisioned may not exceed reserved; the text is left alone.
        const QByteArray before = editor.text();
        QVERIFY(
            !editor.setProperty(QStringLiteral("Hello"), TemplateEditor::Property::ProvisionedConcurrentExecutions, 9));
        QVERIFY2(editor.errorString().contains(QStringLiteral("more than ReservedConcurrentExecutions")),
                 qPrintable(editor.errorString()));
        QCOMPARE(editor.text(), before);

        // Cleared, provisioned concurrency leaves no empty ProvisionedConcurrencyConfig behind.
        QVERIFY(
            editor.removeProperty(QStringLiteral("Hello"), TemplateEditor::Property::ProvisionedConcurrentExecutions));
        QVERIFY(!editor.text().contains("ProvisionedConcurrencyConfig"));
        QVERIFY(editor.removeProperty(QStringLiteral("Hello"), TemplateEditor::Property::ReservedConcurrentExecutions));
        QVERIFY(editor.save());
        QCOMPARE(reread(QStringLiteral("Hello")).reservedConcurrency, std::nullopt);
        QCOMPARE(reread(QStringLiteral("Hello")).provisionedConcurrency, std::nullopt);
    }

    void environmentVariables()
    {
        TemplateEditor editor = editorOn(Template);
        const QString fn = QStringLiteral("Hello");
        QVERIFY(editor.setEnvironmentVariable(fn, QStringLiteral("TABLE"), QStringLiteral("invoices")));
        QVERIFY(editor.setEnvironmentVariable(fn, QStringLiteral("LEVEL"), QStringLiteral("debug: yes")));
        QVERIFY(editor.removeEnvironmentVariable(fn, QStringLiteral("MODE")));
        QVERIFY(editor.save());

        const Diff d = diff(Template, saved());
        QCOMPARE(d.removed,
                 (QList<QByteArray>{"          TABLE: 'orders'   # quoted on purpose", "          MODE: fast"}));
        // The quoting and the comment of the replaced value are kept; a value YAML would misread is quoted.
        QCOMPARE(d.added, (QList<QByteArray>{"          TABLE: 'invoices'   # quoted on purpose",
                                             "          LEVEL: \"debug: yes\""}));
        const FunctionConfig f = reread(fn);
        QCOMPARE(envOf(f, QStringLiteral("TABLE")), QStringLiteral("invoices"));
        QCOMPARE(envOf(f, QStringLiteral("LEVEL")), QStringLiteral("debug: yes"));
        QCOMPARE(envOf(f, QStringLiteral("MODE")), QStringLiteral("<unset>"));
    }

    void createsEnvironmentBlocks()
    {
        TemplateEditor editor = editorOn(Template);
        QVERIFY(editor.setEnvironmentVariable(QStringLiteral("Other"), QStringLiteral("NAME"), QStringLiteral("x")));
        QVERIFY(editor.save());
        QCOMPARE(diff(Template, saved()).added,
                 (QList<QByteArray>{"      Environment:", "        Variables:", "          NAME: x"}));
        QCOMPARE(envOf(reread(QStringLiteral("Other")), QStringLiteral("NAME")), QStringLiteral("x"));

        QVERIFY(
            !editor.setEnvironmentVariable(QStringLiteral("Other"), QStringLiteral("AWS_REGION"), QStringLiteral("x")));
        QVERIFY(editor.errorString().contains(QStringLiteral("AWS_REGION")));
    }

    void editsOtherShapesOfBlockYaml()
    {
        // An intrinsic-function value, an empty Variables, a comment inside the mapping and a last
        // line without a line ending.
        const QByteArray yaml = "Parameters:\n"
                                "  Mem:\n"
                                "    Type: Number\n"
                                "    Default: 256\n"
                                "Resources:\n"
                                "  Fn:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Runtime: python3.12\n"
                                "      MemorySize: !Ref Mem   # from the parameter\n"
                                "      Handler: app.handler\n"
                                "      # the code\n"
                                "      Environment:\n"
                                "        Variables: # none yet\n"
                                "      CodeUri: src";
        TemplateEditor editor = editorOn(yaml);
        QVERIFY2(editor.setProperty(QStringLiteral("Fn"), TemplateEditor::Property::MemorySize, 512),
                 qPrintable(editor.errorString()));
        QVERIFY2(editor.setEnvironmentVariable(QStringLiteral("Fn"), QStringLiteral("AB"), QStringLiteral("1")),
                 qPrintable(editor.errorString()));
        QVERIFY2(editor.setProperty(QStringLiteral("Fn"), TemplateEditor::Property::Timeout, 7),
                 qPrintable(editor.errorString()));
        QVERIFY(editor.save());
        QCOMPARE(saved(), QByteArray("Parameters:\n"
                                     "  Mem:\n"
                                     "    Type: Number\n"
                                     "    Default: 256\n"
                                     "Resources:\n"
                                     "  Fn:\n"
                                     "    Type: AWS::Serverless::Function\n"
                                     "    Properties:\n"
                                     "      Runtime: python3.12\n"
                                     "      MemorySize: 512   # from the parameter\n"
                                     "      Handler: app.handler\n"
                                     "      # the code\n"
                                     "      Environment:\n"
                                     "        Variables: # none yet\n"
                                     "          AB: 1\n"
                                     "      CodeUri: src\n"
                                     "      Timeout: 7\n"));
        const FunctionConfig f = reread(QStringLiteral("Fn"));
        QCOMPARE(f.memoryMb, 512);
        QCOMPARE(f.timeoutSec, 7);
        QCOMPARE(envOf(f, QStringLiteral("AB")), QStringLiteral("1"));
    }

    void policiesFromTheSuggestion()
    {
        const nlohmann::json policy = nlohmann::json::parse(
            R"({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::in/a.txt"]}]})");
        const auto inlineStatement = [this](const QString &function) {
            const FunctionConfig f = reread(function);
            if (f.policies.size() != 2 || f.policies.at(1).name != QLatin1String("Policies[0]"))
                return nlohmann::json();
            return f.policies.at(1).document["Statement"].at(0);
        };

        // Added after the last property when there are none.
        TemplateEditor editor = editorOn(Template);
        QVERIFY2(editor.setPolicies(QStringLiteral("Other"), policy), qPrintable(editor.errorString()));
        QVERIFY(editor.save());
        Diff d = diff(Template, saved());
        QVERIFY(d.removed.isEmpty());
        QCOMPARE(d.added, (QList<QByteArray>{"      Policies:", "        - Statement:", "            - Effect: Allow",
                                             "              Action:", "                - 's3:GetObject'",
                                             "              Resource:", "                - 'arn:aws:s3:::in/a.txt'"}));
        QVERIFY(inlineStatement(QStringLiteral("Other"))["Resource"]
                == nlohmann::json::array({"arn:aws:s3:::in/a.txt"}));

        // Replaced whole where they are, in each way YAML writes a list: dashes in the key's own
        // column with comments inside, and a single name on the key's line. What follows stays.
        const QByteArray withPolicies = QByteArray(Template).replace("      MemorySize: 256 # enough for pandas\n",
                                                                     "      MemorySize: 256 # enough for pandas\n"
                                                                     "      Policies: # too wide\n"
                                                                     "      - AmazonS3FullAccess\n"
                                                                     "      # and the queue\n"
                                                                     "      - SQSSendMessagePolicy:\n"
                                                                     "          QueueName: jobs\n");
        editor = editorOn(withPolicies);
        QVERIFY2(editor.setPolicies(QStringLiteral("Hello"), policy), qPrintable(editor.errorString()));
        QVERIFY(editor.save());
        d = diff(withPolicies, saved());
        QCOMPARE(d.removed.size(), 5);
        QCOMPARE(d.added.size(), 7);
        QVERIFY(saved().contains("                - 'arn:aws:s3:::in/a.txt'\n      Environment:\n"));
        QVERIFY(inlineStatement(QStringLiteral("Hello"))["Action"] == nlohmann::json::array({"s3:GetObject"}));
        QCOMPARE(reread(QStringLiteral("Hello")).memoryMb, 256);

        const QByteArray oneLine =
            QByteArray(Template).replace("      CodeUri: src\n  Bucket:", "      Policies: AmazonS3FullAccess\n"
                                                                          "      CodeUri: src\n  Bucket:");
        editor = editorOn(oneLine);
        QVERIFY2(editor.setPolicies(QStringLiteral("Other"), policy), qPrintable(editor.errorString()));
        QVERIFY(editor.save());
        d = diff(oneLine, saved());
        QCOMPARE(d.removed, QList<QByteArray>{"      Policies: AmazonS3FullAccess"});
        QVERIFY(saved().contains("                - 'arn:aws:s3:::in/a.txt'\n      CodeUri: src\n  Bucket:"));
        QVERIFY(!inlineStatement(QStringLiteral("Other")).is_null());

        // A Role makes SAM ignore Policies: refused, nothing written.
        const QByteArray withRole =
            QByteArray(Template).replace("      CodeUri: src\n  Bucket:",
                                         "      CodeUri: src\n      Role: arn:aws:iam::123456789012:role/r\n  Bucket:");
        editor = editorOn(withRole);
        QVERIFY(!editor.setPolicies(QStringLiteral("Other"), policy));
        QVERIFY2(editor.errorString().contains(QStringLiteral("has a Role, and SAM ignores Policies then")),
                 qPrintable(editor.errorString()));
        QCOMPARE(editor.text(), withRole);
    }

    void keepsCrlfLineEndings()
    {
        QByteArray crlf = Template;
        crlf.replace("\n", "\r\n");
        TemplateEditor editor = editorOn(crlf);
        QVERIFY(editor.setProperty(QStringLiteral("Hello"), TemplateEditor::Property::MemorySize, 2048));
        QVERIFY(editor.setProperty(QStringLiteral("Other"), TemplateEditor::Property::Timeout, 60));
        QVERIFY(editor.save());
        const QByteArray after = saved();
        QCOMPARE(after.count("\r\n"), after.count('\n'));
        QByteArray expected = crlf;
        expected.replace("MemorySize: 256 #", "MemorySize: 2048 #");
        expected.replace("      CodeUri: src\r\n  Bucket:", "      CodeUri: src\r\n      Timeout: 60\r\n  Bucket:");
        QCOMPARE(after, expected);
        QCOMPARE(reread(QStringLiteral("Hello")).memoryMb, 2048);
    }

    void refusesFlowStyle()
    {
        const QByteArray flow = "Resources:\n"
                                "  Fn:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: src}\n";
        TemplateEditor editor = editorOn(flow);
        QVERIFY(!editor.setProperty(QStringLiteral("Fn"), TemplateEditor::Property::MemorySize, 256));
        QVERIFY2(editor.errorString().contains(QStringLiteral("flow style")), qPrintable(editor.errorString()));
        QCOMPARE(editor.text(), flow);

        TemplateEditor env = editorOn(Template);
        QVERIFY(!env.setProperty(QStringLiteral("Nope"), TemplateEditor::Property::MemorySize, 256));
        QVERIFY(!env.setProperty(QStringLiteral("Bucket"), TemplateEditor::Property::MemorySize, 256));
        QCOMPARE(env.text(), Template);
    }

    void refusesValuesOutsideLambdasRange()
    {
        TemplateEditor editor = editorOn(Template);
        QVERIFY(!editor.setProperty(QStringLiteral("Hello"), TemplateEditor::Property::MemorySize, 64));
        QCOMPARE(editor.errorString(), QStringLiteral("MemorySize 64 is outside Lambda's range 128\u201310240 MB"));
        QVERIFY(!editor.setProperty(QStringLiteral("Hello"), TemplateEditor::Property::Timeout, 901));
        QCOMPARE(editor.errorString(), QStringLiteral("Timeout 901 is outside Lambda's range 1\u2013900 s"));
        QCOMPARE(editor.text(), Template);
    }
};

QTEST_GUILESS_MAIN(TestTemplateEditor)
#include "tst_templateeditor.moc"
