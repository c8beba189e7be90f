#include "project/samtemplate.h"

#include "project/foldercontainment.h"
#include "project/functionreader.h"
#include "project/intrinsicresolver.h"
#include "project/projectfile.h"
#include "project/projectsettings.h"
#include "project/yamlbudget.h"

#include <algorithm>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

namespace fn {

namespace {

QString text(const YAML::Node &node)
{
    return QString::fromStdString(node.Scalar());
}

int lineOf(const YAML::Node &node)
{
    return node.IsDefined() && !node.Mark().is_null() ? node.Mark().line + 1 : 0;
}

} // namespace

void SamTemplate::reset(const QString &path)
{
    m_path = QFileInfo(path).absoluteFilePath();
    if (m_displayName.isEmpty())
        m_displayName = QFileInfo(path).fileName();
    m_functions.clear();
    m_parameters.clear();
    m_errors.clear();
    m_warnings.clear();
}

bool SamTemplate::load(const QString &path)
{
    QString why;
    const std::optional<QByteArray> text = ProjectFile::read(path, ProjectFile::MaxTemplateBytes, &why);
    if (!text) {
        reset(path);
        error(0, 0, QStringLiteral("cannot read the template: %1").arg(why));
        return false;
    }
    return parse(*text, path);
}

bool SamTemplate::parse(const QByteArray &yaml, const QString &path)
{
    reset(path);

    const std::string source = yaml.toStdString();
    if (const auto problem = YamlBudget::check(source)) {
        error(problem->line, 0, problem->message);
        return false;
    }
    YAML::Node loaded;
    try {
        loaded.reset(YAML::Load(source));
    } catch (const YAML::ParserException &e) {
        error(e.mark.line + 1, e.mark.column + 1, QString::fromStdString(e.msg));
        return false;
    } catch (const YAML::Exception &e) {
        error(0, 0, QString::fromStdString(e.what()));
        return false;
    }
    // Only const access from here: operator[] on a non-const node inserts the keys it looks up.
    const YAML::Node root = loaded;
    if (!root.IsMap()) {
        error(lineOf(root), 0, QStringLiteral("not a SAM template: the top level must be a mapping"));
        return false;
    }
    const YAML::Node resources = IntrinsicResolver::child(root, "Resources");
    if (!resources.IsMap()) {
        error(lineOf(resources), 0, QStringLiteral("not a SAM template: it has no Resources mapping"));
        return false;
    }

    // yaml-cpp throws when asked the wrong question of a node; a template that trips it must
    // become an error message, never take the studio down.
    try {
        // The project is the template's folder; its settings give the account and region and may
        // allow folders outside it. Read here, not given, so every reader of the template (the
        // editors' checks too) resolves and draws the same line.
        const QString projectDir = QFileInfo(m_path).absolutePath();
        const ProjectSettings settings = ProjectSettings::load(projectDir, nullptr);
        IntrinsicResolver resolver;
        resolver.setStackName(IntrinsicResolver::stackNameFor(m_path));
        resolver.setAccount(settings.account);
        for (const auto &problem : resolver.load(root, m_overrides))
            error(problem.mark.is_null() ? 0 : problem.mark.line + 1, 0, problem.message);
        m_parameters = resolver.parameters();
        const QHash<QString, QString> resourceNames = localNames(resolver, resources);

        const YAML::Node globals = IntrinsicResolver::child(IntrinsicResolver::child(root, "Globals"), "Function");
        if (globals.IsDefined() && !globals.IsMap()) {
            error(lineOf(globals), 0, QStringLiteral("Globals Function must be a mapping"));
            return false;
        }
        // Said once here rather than once per function.
        for (const auto &entry : globals) {
            const QString name = text(entry.first);
            if (!FunctionReader::isUnderstood(name) && !FunctionReader::isDeployOnly(name))
                warning(lineOf(entry.first),
                        QStringLiteral("Globals: property %1 is not supported by fnstudio and is ignored").arg(name));
        }
        const YAML::Node noGlobals(YAML::NodeType::Undefined);
        const FolderContainment containment(projectDir, settings.allowedOutsideFolders);

        // A NAT gateway gives a VPC's functions the internet (the route to it is assumed).
        bool natGateway = false;
        for (const auto &entry : resources) {
            if (entry.second.IsMap()
                && text(IntrinsicResolver::child(entry.second, "Type")) == QLatin1String("AWS::EC2::NatGateway"))
                natGateway = true;
        }
        for (const auto &entry : resources) {
            const YAML::Node &id = entry.first;
            const YAML::Node &resource = entry.second;
            if (!resource.IsMap())
                continue;
            const QString type = text(IntrinsicResolver::child(resource, "Type"));
            const bool serverless = type == QLatin1String("AWS::Serverless::Function");
            if (!serverless && type != QLatin1String("AWS::Lambda::Function"))
                continue;
            // CloudFormation's rule; an empty key (a line of just ':') made a function without a
            // name (found by fuzz_template).
            static const QRegularExpression logicalId(QStringLiteral("^[A-Za-z0-9]+$"));
            if (!id.IsScalar() || !logicalId.match(text(id)).hasMatch()) {
                error(lineOf(id.IsScalar() ? id : resource), 0,
                      QStringLiteral("'%1' is not a logical id: CloudFormation takes letters and digits only "
                                     "(A-Z, a-z, 0-9)")
                          .arg(id.IsScalar() ? text(id) : QString()));
                continue;
            }

            const YAML::Node condition = IntrinsicResolver::child(resource, "Condition");
            if (condition.IsScalar()) {
                IntrinsicResolver::Problem problem;
                const auto present = resolver.conditionValue(text(condition), condition, &problem);
                if (present && !*present)
                    continue; // the stack would not create it
                if (!present)
                    warning(lineOf(condition),
                            QStringLiteral("%1: Condition %2 cannot be evaluated (%3); the function is "
                                           "kept")
                                .arg(text(id), text(condition), problem.message));
            }

            FunctionReader reader(resolver, containment, resources, m_path, m_displayName);
            reader.setResourceNames(resourceNames);
            const auto function = reader.read(id, resource, serverless ? globals : noGlobals, serverless);
            m_errors += reader.errors();
            m_warnings += reader.warnings();
            if (!function)
                continue;
            // One name, one function in an account and region: CloudFormation refuses the second.
            const auto same = std::find_if(m_functions.cbegin(), m_functions.cend(), [&function](const auto &f) {
                return f.lambdaName() == function->lambdaName();
            });
            if (same != m_functions.cend()) {
                error(function->line, 0,
                      QStringLiteral("%1: a function named %2 already exists (%3); function names are unique in an "
                                     "account and region")
                          .arg(function->name, function->lambdaName(), same->name));
                continue;
            }
            m_functions.append(*function);
            m_functions.last().vpcHasNatGateway = function->inVpc && natGateway;
        }
    } catch (const YAML::Exception &e) {
        error(e.mark.is_null() ? 0 : e.mark.line + 1, 0,
              QStringLiteral("cannot read this part of the template: %1").arg(QString::fromStdString(e.msg)));
    }
    return m_errors.isEmpty();
}

QHash<QString, QString> SamTemplate::localNames(const IntrinsicResolver &resolver, const YAML::Node &resources)
{
    QHash<QString, QString> names;
    for (const auto &entry : resources) {
        const QString id = text(entry.first);
        const QString type = resolver.resourceType(id);
        const bool queue = type == QLatin1String("AWS::SQS::Queue");
        const bool topic = type == QLatin1String("AWS::SNS::Topic");
        if (!queue && !topic && type != QLatin1String("AWS::S3::Bucket"))
            continue;
        IntrinsicResolver::Problem problem;
        const auto name = resolver.physicalName(id, &problem);
        if (!name) {
            warning(problem.mark.is_null() ? lineOf(entry.first) : problem.mark.line + 1,
                    QStringLiteral("%2; the local %3 is called %1")
                        .arg(id, problem.message,
                             queue   ? QStringLiteral("queue")
                             : topic ? QStringLiteral("topic")
                                     : QStringLiteral("bucket")));
            names.insert(id, id);
            continue;
        }
        names.insert(id, *name);
        if (!queue && !topic)
            continue;
        // CloudFormation refuses a FIFO queue or topic whose name lacks .fifo, and the reverse.
        const YAML::Node fifoFlag = IntrinsicResolver::child(IntrinsicResolver::child(entry.second, "Properties"),
                                                             queue ? "FifoQueue" : "FifoTopic");
        IntrinsicResolver::Problem ignored;
        const auto flag = fifoFlag.IsDefined() ? resolver.scalar(fifoFlag, &ignored) : std::optional<QString>();
        const bool fifo = flag && flag->compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
        const QString kind = queue ? QStringLiteral("queue") : QStringLiteral("topic");
        if (fifo && !name->endsWith(QLatin1String(".fifo")))
            warning(lineOf(entry.first),
                    QStringLiteral("%1: the name of a FIFO %2 must end in .fifo (%3 does not); CloudFormation "
                                   "refuses it")
                        .arg(id, kind, *name));
        else if (!fifo && name->endsWith(QLatin1String(".fifo")))
            warning(lineOf(entry.first),
                    QStringLiteral("%1: %2 ends in .fifo, which only a FIFO %3 may (%4: true); CloudFormation "
                                   "refuses it")
                        .arg(id, *name, kind, queue ? QStringLiteral("FifoQueue") : QStringLiteral("FifoTopic")));
    }
    return names;
}

std::optional<FunctionConfig> SamTemplate::function(const QString &name) const
{
    for (const FunctionConfig &f : m_functions) {
        if (f.name == name)
            return f;
    }
    return std::nullopt;
}

void SamTemplate::error(int line, int column, const QString &message)
{
    m_errors.append({m_displayName, m_path, line, column, message});
}

void SamTemplate::warning(int line, const QString &message)
{
    m_warnings.append({m_displayName, m_path, line, 0, message});
}

} // namespace fn
