#pragma once
// Evaluates the CloudFormation intrinsic functions a local run can know (parameters, pseudo
// parameters, mappings, conditions, and !Ref / !GetAtt of the resource types fnstudio emulates)
// in yaml-cpp nodes of a SAM template. Internal to fncore: it exposes yaml-cpp types, which
// fncore links privately.

#include "access/awsaccount.h"

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <optional>

namespace fn {

class IntrinsicResolver final
{
public:
    struct Problem
    {
        QString message;
        YAML::Mark mark = YAML::Mark::null_mark(); // null when the failing node had no position
    };

    // What ${AWS::Region}, ${AWS::AccountId} and ${AWS::Partition} stand for locally: the
    // project's account (settings.json).
    void setAccount(const AwsAccount &account) { m_account = account; }
    const AwsAccount &account() const { return m_account; }

    void setStackName(const QString &name) { m_stackName = name; }
    // The local stack's name for a template: the project folder's name.
    static QString stackNameFor(const QString &templatePath);

    // Reads Parameters (Default values, then overrides by name), Mappings and Conditions from
    // the template's root, and the resources a !Ref or !GetAtt may name. Problems with a
    // parameter (an override for an unknown name) are returned.
    QList<Problem> load(const YAML::Node &root, const QHash<QString, QString> &parameterOverrides);

    // Resolved parameter values by name (parameters without a value are absent).
    const QHash<QString, QString> &parameters() const { return m_parameters; }

    // The resource's Type ("AWS::S3::Bucket"), empty for an id the template does not declare.
    QString resourceType(const QString &logicalId) const;
    // The name the resource has locally: its name property (BucketName, QueueName, TopicName,
    // FunctionName, RoleName, a secret's Name) when given, else the logical id (where AWS would
    // generate stack-Logical-RANDOM), with .fifo added for a FIFO queue or topic as AWS does.
    // nullopt with *problem when the name property cannot be resolved locally.
    std::optional<QString> physicalName(const QString &logicalId, Problem *problem) const
    {
        return localName(logicalId, problem, 0);
    }

    // A property value that must end up a single string: a scalar as written, or an intrinsic
    // function evaluated. nullopt with *problem saying why.
    std::optional<QString> scalar(const YAML::Node &node, Problem *problem) const;

    // A property value that must end up a list of strings (a sequence, !Split, a list parameter).
    std::optional<QStringList> list(const YAML::Node &node, Problem *problem) const;

    // The value of a named entry of Conditions (a resource's Condition), nullopt with *problem
    // when it cannot be evaluated locally.
    std::optional<bool> conditionValue(const QString &name, const YAML::Node &at, Problem *problem) const
    {
        return condition(name, at, problem, 0);
    }

    // map[key], or an undefined node when map is no mapping or lacks the key. yaml-cpp's own
    // lookup returns an invalid node for a missing key that throws on the next question asked.
    static YAML::Node child(const YAML::Node &map, const std::string &key);

    // True for !Ref AWS::NoValue (and its long form): the property counts as absent.
    static bool isNoValue(const YAML::Node &node);

    // "Ref", "Fn::Sub", "Fn::GetAtt", ... for a short-tagged or long-form intrinsic, "!Unknown"
    // for an unknown short tag, empty for an ordinary node.
    static QString intrinsicName(const YAML::Node &node);

    // The node as JSON: plain scalars typed as YAML would (numbers, booleans, null), quoted
    // ones strings, short tags turned into CloudFormation's long form ({"Ref": "X"},
    // {"Fn::GetAtt": ["A", "B"]}) so nothing written is lost.
    static nlohmann::json toJson(const YAML::Node &node);

    // A whole property (a policy document, say) as JSON with every intrinsic function in it
    // evaluated: mappings and sequences kept, scalars typed as toJson() types them. nullopt with
    // *problem at the first intrinsic that cannot be evaluated locally.
    std::optional<nlohmann::json> resolvedJson(const YAML::Node &node, Problem *problem) const;

private:
    struct Value
    {
        QStringList items;
        bool isList = false;
    };

    std::optional<Value> resolve(const YAML::Node &node, Problem *problem, int depth) const;
    std::optional<Value> resolveIntrinsic(const QString &name, const YAML::Node &node, const YAML::Node &arg,
                                          Problem *problem, int depth) const;
    std::optional<QString> resolveRef(const QString &name, bool *isList, QString *why, int depth) const;
    std::optional<QString> resolveGetAtt(const QString &resource, const QString &attribute, QString *why,
                                         int depth) const;
    std::optional<QString> localName(const QString &logicalId, Problem *problem, int depth) const;
    std::optional<QString> substitute(const YAML::Node &node, const QString &text, const YAML::Node &variables,
                                      Problem *problem, int depth) const;
    std::optional<bool> condition(const QString &name, const YAML::Node &at, Problem *problem, int depth) const;
    std::optional<bool> evaluate(const YAML::Node &node, Problem *problem, int depth) const;

    QHash<QString, QString> m_parameters;
    QSet<QString> m_listParameters; // CommaDelimitedList and List<...> parameters
    QSet<QString> m_parametersWithoutValue;
    QSet<QString> m_resourceIds;
    YAML::Node m_resources;
    // Resources whose name is being resolved: a name that refers to itself is said, not looped.
    mutable QSet<QString> m_naming;
    YAML::Node m_mappings;
    YAML::Node m_conditions;
    QString m_stackName = QStringLiteral("fnstudio");
    AwsAccount m_account;
};

} // namespace fn
