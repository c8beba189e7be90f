#include "services/invokeapiserver.h"
#include "services/httplistener.h"

#include "access/authorizer.h"

#include "engine/engine.h"
#include "services/lambdaapishapes.h"
#include "services/requestauthentication.h"
#include "services/taillogcollector.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHash>
#include <QStringList>
#include <QUuid>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <limits>
#include <mutex>
#include <regex>
#include <thread>

namespace fn {

namespace {

constexpr const char *JsonType = "application/json";

// Bodies up to this size are read so that a too-large payload gets Lambda's message with its
// exact size; anything bigger is refused from its Content-Length without being read.
constexpr size_t MaxReadBytes = 32 * 1024 * 1024;

const char *const InvocationsRoute = R"(/2015-03-31/functions/([^/]+)/invocations/?)";
const char *const FunctionsRoute = R"(/2015-03-31/functions/?)";
const char *const FunctionRoute = R"(/2015-03-31/functions/([^/]+)/?)";
const char *const ConfigurationRoute = R"(/2015-03-31/functions/([^/]+)/configuration/?)";
const char *const VersionsRoute = R"(/2015-03-31/functions/([^/]+)/versions/?)";
const char *const AliasesRoute = R"(/2015-03-31/functions/([^/]+)/aliases/?)";
const char *const AliasRoute = R"(/2015-03-31/functions/([^/]+)/aliases/([^/]+)/?)";
const char *const ProvisionedRoute = R"(/2019-09-30/functions/([^/]+)/provisioned-concurrency/?)";
const char *const PolicyRoute = R"(/2015-03-31/functions/([^/]+)/policy/?)";

struct Catalogue
{
    QHash<QString, FunctionConfig> byName;     // by the project's key (the logical id)
    QHash<QString, QString> keyOfLambdaName;   // FunctionName → the key, for functions that have one
    QHash<QString, VersionCatalogue> versions; // AutoPublishAlias's versions and aliases
    QStringList names;                         // sorted, for ListFunctions' stable order and paging
    AwsAccount account;                        // the project's

    // The function a request names: by the name Lambda knows it by (FunctionName, else the logical
    // id); the logical id of a function with a FunctionName is taken too, as the studio names it so.
    const FunctionConfig *find(const QString &name) const
    {
        const auto it = byName.constFind(keyOfLambdaName.value(name, name));
        return it == byName.cend() ? nullptr : &*it;
    }
};

std::string newRequestId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString();
}

// Lambda's REST-JSON error: the type in x-amzn-ErrorType, a JSON body with Type and the message
// under the key botocore's model gives that exception ("Message" for some, "message" for most).
void renderError(httplib::Response &res, int status, const char *type, const std::string &message,
                 const char *messageKey = "message", const char *origin = "User")
{
    res.status = status;
    res.set_header("x-amzn-ErrorType", type);
    if (!res.has_header("x-amzn-RequestId"))
        res.set_header("x-amzn-RequestId", newRequestId());
    const nlohmann::json body{{"Type", origin}, {messageKey, message}};
    // The message may quote the request's own bytes (a parse error's token): invalid UTF-8 there is
    // replaced, not a reason to fail with 500.
    res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), JsonType);
}

void renderNotFound(httplib::Response &res, const AwsAccount &account, const QString &name, const QString &qualifier)
{
    renderError(res, 404, "ResourceNotFoundException",
                "Function not found: " + account.functionArn(name, qualifier).toStdString(), "Message");
}

// AWS's wording for a parameter outside its allowed values.
void renderEnumError(httplib::Response &res, const std::string &value, const char *member, const char *allowed)
{
    renderError(res, 400, "InvalidParameterValueException",
                "1 validation error detected: Value '" + value + "' at '" + member
                    + "' failed to satisfy constraint: Member must satisfy enum value set: [" + allowed + "]");
}

bool isBlank(const std::string &body)
{
    return std::all_of(body.begin(), body.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// nlohmann's explanation without its "[json.exception.parse_error.101] " prefix.
std::string parseErrorDetail(const std::string &body)
{
    try {
        [[maybe_unused]] const auto parsed = nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception &e) {
        std::string what = e.what();
        if (const auto end = what.find("] "); what.rfind("[json.exception.", 0) == 0 && end != std::string::npos)
            what.erase(0, end + 2);
        return what;
    }
    return "invalid JSON";
}

std::string tooLargeMessage(size_t size, const char *invocationType, qint64 limit)
{
    return std::to_string(size) + " byte payload is too large for the " + invocationType + " invocation type (limit "
           + std::to_string(limit) + " bytes)";
}

// The Reason of a 429. The engine names it in errorType once it throttles; until then the
// reference's rule: reserved concurrency throttles the function, otherwise the account.
std::string throttleReason(const InvocationRecord &record, const FunctionConfig &function)
{
    static const char *const reasons[] = {"ConcurrentInvocationLimitExceeded",
                                          "FunctionInvocationRateLimitExceeded",
                                          "ReservedFunctionConcurrentInvocationLimitExceeded",
                                          "ReservedFunctionInvocationRateLimitExceeded",
                                          "CallerRateLimitExceeded",
                                          "ConcurrentSnapshotCreateLimitExceeded"};
    for (const char *reason : reasons)
        if (record.errorType == QLatin1String(reason))
            return reason;
    return function.reservedConcurrency ? "ReservedFunctionConcurrentInvocationLimitExceeded"
                                        : "ConcurrentInvocationLimitExceeded";
}

// The exception and status for an invocation the engine refused before running it.
std::pair<int, std::string> rejection(const InvocationRecord &record)
{
    const std::string type = record.errorType.toStdString();
    if (type == "RequestEntityTooLargeException" || type == "RequestTooLargeException")
        return {413, type};
    if (type == "InvalidRuntimeException")
        return {502, type};
    if (type == "ResourceConflictException")
        return {409, type};
    return {400, type.empty() ? std::string("InvalidParameterValueException") : type};
}

} // namespace

struct InvokeApiServer::Private
{
    explicit Private(Engine &e)
        : engine(e)
        , tail(e)
    {
        eventHandler = [&e](const FunctionConfig &function, const QByteArray &payload) {
            e.invokeAsync(function, payload);
            return QString();
        };
    }

    std::shared_ptr<const Catalogue> catalogue() const
    {
        std::lock_guard lock(mutex);
        return functions;
    }
    // The function (version) a request names, or nothing after rendering the error.
    std::optional<FunctionConfig> resolve(const Catalogue &catalogue, const std::string &rawName,
                                          const httplib::Request &req, httplib::Response &res) const;
    void handleVersions(const httplib::Request &req, httplib::Response &res) const;
    void handlePolicy(const httplib::Request &req, httplib::Response &res) const;
    void handleAliases(const httplib::Request &req, httplib::Response &res, bool one) const;
    void handleProvisioned(const httplib::Request &req, httplib::Response &res) const;

    // Authenticates the request and, for a function, checks `action` on the function the path
    // names (or "*"). False after answering as Lambda does.
    bool admit(const httplib::Request &req, httplib::Response &res, const char *action, bool onFunction) const;

    void handleInvoke(const httplib::Request &req, httplib::Response &res);
    void handleList(const httplib::Request &req, httplib::Response &res) const;
    void handleGet(const httplib::Request &req, httplib::Response &res, bool configurationOnly) const;
    void handleUnrouted(const httplib::Request &req, httplib::Response &res) const;

    Engine &engine;
    TailLogCollector tail;
    mutable std::mutex mutex; // guards functions
    std::shared_ptr<const Catalogue> functions = std::make_shared<Catalogue>();
    EventHandler eventHandler;
    RequestLogger logger;
    Authorizer *authorizer = nullptr;
    std::atomic<bool> legacyAsyncLimit{false};

    HttpListener listener;
};

std::optional<FunctionConfig> InvokeApiServer::Private::resolve(const Catalogue &catalogue, const std::string &rawName,
                                                                const httplib::Request &req,
                                                                httplib::Response &res) const
{
    const QString raw = QString::fromStdString(rawName);
    const auto reference = lambdaapi::parseFunctionName(raw);
    if (!reference) {
        renderError(res, 400, "InvalidParameterValueException",
                    "1 validation error detected: Value '" + rawName
                        + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression "
                          "pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
                          "(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
        return std::nullopt;
    }
    QString qualifier = reference->qualifier;
    if (req.has_param("Qualifier")) {
        const QString fromQuery = QString::fromStdString(req.get_param_value("Qualifier"));
        if (!qualifier.isEmpty() && !fromQuery.isEmpty() && fromQuery != qualifier) {
            renderError(res, 400, "InvalidParameterValueException",
                        "The derived qualifier from the function name does not match the specified qualifier.");
            return std::nullopt;
        }
        if (!fromQuery.isEmpty())
            qualifier = fromQuery;
    }
    const FunctionConfig *found = catalogue.find(reference->name);
    if (!found) {
        renderNotFound(res, catalogue.account, reference->name, qualifier);
        return std::nullopt;
    }
    QString why;
    auto resolved = catalogue.versions.value(found->name).resolve(*found, qualifier, &why);
    if (!resolved)
        renderError(res, 404, "ResourceNotFoundException", why.toStdString(), "Message");
    return resolved;
}

bool InvokeApiServer::Private::admit(const httplib::Request &req, httplib::Response &res, const char *action,
                                     bool onFunction) const
{
    if (!authorizer)
        return true;
    const RequestAuthentication auth =
        RequestAuthentication::of(req, SigV4::Service::Other, authorizer->keys(),
                                  req.has_header("Authorization") ? SigV4::sha256Hex(req.body) : std::string());
    const SigV4::Result &r = auth.signature;
    if (!r.accepted()) {
        switch (r.error) {
        case SigV4::Error::InvalidAccessKeyId:
        case SigV4::Error::InvalidToken:
            renderError(res, 403, "UnrecognizedClientException",
                        "The security token included in the request is invalid.");
            return false;
        case SigV4::Error::SignatureDoesNotMatch:
            renderError(res, 403, "InvalidSignatureException",
                        "The request signature we calculated does not match the signature you provided. Check your "
                        "AWS Secret Access Key and signing method. Consult the service documentation for details.");
            return false;
        case SigV4::Error::TimeTooSkewed: {
            const auto signedAt = SigV4::parseAmzDate(r.requestTime).value_or(0);
            const auto now = SigV4::parseAmzDate(r.serverTime).value_or(0);
            const std::string message =
                signedAt < now
                    ? "Signature expired: " + r.requestTime + " is now earlier than "
                          + SigV4::amzDate(now - SigV4::AllowedSkewSeconds) + " (" + r.serverTime + " - 15 min.)"
                    : "Signature not yet current: " + r.requestTime + " is still later than "
                          + SigV4::amzDate(now + SigV4::AllowedSkewSeconds) + " (" + r.serverTime + " + 15 min.)";
            renderError(res, 403, "InvalidSignatureException", message);
            return false;
        }
        case SigV4::Error::Expired:
        case SigV4::Error::NotYetValid:
            renderError(res, 403, "InvalidSignatureException", "Signature expired: " + r.message.toStdString());
            return false;
        default:
            renderError(res, 403, "IncompleteSignatureException", r.message.toStdString());
            return false;
        }
    }
    if (r.outcome == SigV4::Result::Outcome::Unsigned && authorizer->requiresSigning()) {
        // The project asks every client to sign, as AWS does.
        renderError(res, 403, "MissingAuthenticationTokenException", "Missing Authentication Token");
        return false;
    }
    if (!auth.principal.isFunction())
        return true;
    QString resource = QStringLiteral("*");
    if (onFunction) {
        const auto reference = lambdaapi::parseFunctionName(QString::fromStdString(req.matches[1].str()));
        QString qualifier = reference ? reference->qualifier : QString();
        if (req.has_param("Qualifier") && !req.get_param_value("Qualifier").empty())
            qualifier = QString::fromStdString(req.get_param_value("Qualifier"));
        const auto functionsNow = catalogue();
        const FunctionConfig *found = reference ? functionsNow->find(reference->name) : nullptr;
        resource = functionsNow->account.functionArn(found       ? found->lambdaName()
                                                     : reference ? reference->name
                                                                 : QString::fromStdString(req.matches[1].str()),
                                                     qualifier);
    }
    AccessRequest request{QLatin1String(action), resource, {}};
    request.context.insert(QStringLiteral("aws:SourceIp"), {QString::fromStdString(req.remote_addr)});
    const Authorizer::Call call = authorizer->authorize(auth.principal, QStringLiteral("lambda"), std::move(request));
    if (call.proceeds())
        return true;
    renderError(res, 403, "AccessDeniedException", accessDeniedMessage(*authorizer, call, false).toStdString(),
                "Message");
    return false;
}

void InvokeApiServer::Private::handleInvoke(const httplib::Request &req, httplib::Response &res)
{
    if (!admit(req, res, "lambda:InvokeFunction", true))
        return;
    const auto functionsNow = catalogue();
    const std::optional<FunctionConfig> function = resolve(*functionsNow, req.matches[1].str(), req, res);
    if (!function)
        return;

    enum class Type { RequestResponse, Event, DryRun };
    Type type = Type::RequestResponse;
    if (req.has_header("X-Amz-Invocation-Type")) {
        const std::string value = req.get_header_value("X-Amz-Invocation-Type");
        if (value == "Event")
            type = Type::Event;
        else if (value == "DryRun")
            type = Type::DryRun;
        else if (value != "RequestResponse")
            return renderEnumError(res, value, "invocationType", "Event, RequestResponse, DryRun");
    }
    bool tailLog = false;
    if (req.has_header("X-Amz-Log-Type")) {
        const std::string value = req.get_header_value("X-Amz-Log-Type");
        if (value != "None" && value != "Tail")
            return renderEnumError(res, value, "logType", "None, Tail");
        tailLog = value == "Tail" && type == Type::RequestResponse; // Lambda tails synchronous calls only
    }

    const qint64 limit =
        type == Type::Event
            ? (legacyAsyncLimit.load(std::memory_order_relaxed) ? LegacyMaxAsyncPayloadBytes : MaxAsyncPayloadBytes)
            : MaxSyncPayloadBytes;
    if (qint64(req.body.size()) > limit)
        return renderError(res, 413, "RequestEntityTooLargeException",
                           tooLargeMessage(req.body.size(), type == Type::Event ? "Event" : "RequestResponse", limit));
    // An empty body is an empty event, as runtimes treat it.
    const bool blank = isBlank(req.body);
    if (!blank && !nlohmann::json::accept(req.body))
        return renderError(res, 400, "InvalidRequestContentException",
                           "Could not parse request body into json: Could not parse payload into json: "
                               + parseErrorDetail(req.body));

    InvokeOptions options;
    if (req.has_header("X-Amz-Client-Context")) {
        const std::string encoded = req.get_header_value("X-Amz-Client-Context");
        auto decoded =
            QByteArray::fromBase64Encoding(QByteArray::fromStdString(encoded), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return renderError(res, 400, "InvalidRequestContentException",
                               "Client context must be a valid Base64-encoded JSON object.");
        options.clientContext = std::move(*decoded);
    }

    if (type == Type::DryRun) {
        res.status = 204;
        res.set_header("x-amzn-RequestId", newRequestId());
        return;
    }
    const QByteArray payload = blank ? QByteArrayLiteral("{}") : QByteArray::fromStdString(req.body);
    if (type == Type::Event) {
        const QString requestId = eventHandler(*function, payload);
        res.status = 202;
        res.set_header("x-amzn-RequestId", requestId.isEmpty() ? newRequestId() : requestId.toStdString());
        return;
    }

    if (tailLog)
        tail.arm();
    const InvocationRecord record = engine.invoke(*function, payload, options);
    const QByteArray log = tailLog ? tail.take(record.requestId) : QByteArray();
    res.set_header("x-amzn-RequestId", record.requestId.toStdString());

    switch (record.outcome) {
    case InvocationOutcome::Throttled: {
        res.status = 429;
        res.set_header("x-amzn-ErrorType", "TooManyRequestsException");
        const nlohmann::json body{{"Reason", throttleReason(record, *function)},
                                  {"Type", "User"},
                                  {"message", record.errorMessage.isEmpty() ? std::string("Rate Exceeded.")
                                                                            : record.errorMessage.toStdString()}};
        res.set_content(body.dump(), JsonType);
        return;
    }
    case InvocationOutcome::Rejected: {
        const auto [status, errorType] = rejection(record);
        return renderError(res, status, errorType.c_str(), record.errorMessage.toStdString());
    }
    default:
        break;
    }
    res.status = 200;
    res.set_header("X-Amz-Executed-Version", record.executedVersion.toStdString());
    // Every failure the platform or runtime detects is Unhandled; only Node's old callback(err)
    // style gave Handled, and today's runtimes report that as Unhandled too.
    if (record.failed())
        res.set_header("X-Amz-Function-Error", "Unhandled");
    if (tailLog)
        res.set_header("X-Amz-Log-Result", log.toBase64().toStdString());
    res.set_content(record.payload.constData(), size_t(record.payload.size()), JsonType);
}

void InvokeApiServer::Private::handleList(const httplib::Request &req, httplib::Response &res) const
{
    if (!admit(req, res, "lambda:ListFunctions", false))
        return;
    const auto functionsNow = catalogue();
    const qsizetype total = functionsNow->names.size();
    qsizetype first = 0;
    if (req.has_param("Marker")) {
        bool ok = false;
        first = QString::fromStdString(req.get_param_value("Marker")).toLongLong(&ok);
        if (!ok || first < 0 || first > total)
            return renderError(res, 400, "InvalidParameterValueException", "Invalid pagination token");
    }
    qsizetype count = total - first;
    if (req.has_param("MaxItems")) {
        bool ok = false;
        const int maxItems = QString::fromStdString(req.get_param_value("MaxItems")).toInt(&ok);
        if (!ok || maxItems < 1 || maxItems > 10000)
            return renderError(res, 400, "InvalidParameterValueException",
                               "1 validation error detected: Value '" + req.get_param_value("MaxItems")
                                   + "' at 'maxItems' failed to satisfy constraint: Member must have value between 1 "
                                     "and 10000");
        count = std::min<qsizetype>(count, maxItems);
    }
    nlohmann::json list = nlohmann::json::array();
    for (qsizetype i = first; i < first + count; ++i)
        list.push_back(lambdaapi::functionConfiguration(functionsNow->byName.value(functionsNow->names.at(i))));
    nlohmann::json body{{"Functions", std::move(list)}};
    if (first + count < total)
        body["NextMarker"] = std::to_string(first + count);
    res.status = 200;
    res.set_header("x-amzn-RequestId", newRequestId());
    res.set_content(body.dump(), JsonType);
}

void InvokeApiServer::Private::handleGet(const httplib::Request &req, httplib::Response &res,
                                         bool configurationOnly) const
{
    if (!admit(req, res, configurationOnly ? "lambda:GetFunctionConfiguration" : "lambda:GetFunction", true))
        return;
    const auto functionsNow = catalogue();
    const std::optional<FunctionConfig> function = resolve(*functionsNow, req.matches[1].str(), req, res);
    if (!function)
        return;
    const nlohmann::json body =
        configurationOnly ? lambdaapi::functionConfiguration(*function) : lambdaapi::getFunctionResponse(*function);
    res.status = 200;
    res.set_header("x-amzn-RequestId", newRequestId());
    res.set_content(body.dump(), JsonType);
}

void InvokeApiServer::Private::handleVersions(const httplib::Request &req, httplib::Response &res) const
{
    if (!admit(req, res, "lambda:ListVersionsByFunction", true))
        return;
    const auto functionsNow = catalogue();
    const std::optional<FunctionConfig> latest = resolve(*functionsNow, req.matches[1].str(), req, res);
    if (!latest)
        return;
    // $LATEST first, then each published version, as ListVersionsByFunction lists them.
    nlohmann::json versions = nlohmann::json::array({lambdaapi::functionConfiguration(*latest)});
    const VersionCatalogue c = functionsNow->versions.value(latest->name);
    for (const PublishedVersion &v : c.versions) {
        if (const auto f = c.resolve(*latest, v.number)) {
            nlohmann::json configuration = lambdaapi::functionConfiguration(*f);
            configuration["CodeSha256"] = v.codeSha256.toStdString();
            versions.push_back(std::move(configuration));
        }
    }
    res.status = 200;
    res.set_header("x-amzn-RequestId", newRequestId());
    res.set_content(nlohmann::json{{"Versions", versions}, {"NextMarker", nullptr}}.dump(), JsonType);
}

void InvokeApiServer::Private::handlePolicy(const httplib::Request &req, httplib::Response &res) const
{
    if (!admit(req, res, "lambda:GetPolicy", true))
        return;
    const auto functionsNow = catalogue();
    const std::optional<FunctionConfig> latest = resolve(*functionsNow, req.matches[1].str(), req, res);
    if (!latest)
        return;
    res.set_header("x-amzn-RequestId", newRequestId());
    if (latest->resourcePolicy.is_null())
        return renderError(res, 404, "ResourceNotFoundException", "The resource you requested does not exist.",
                           "Message");
    // As GetPolicy answers: the document as a string, and a revision that changes with it.
    const std::string policy = latest->resourcePolicy.dump();
    res.status = 200;
    res.set_content(nlohmann::json{{"Policy", policy},
                                   {"RevisionId",
                                    QCryptographicHash::hash(QByteArray::fromStdString(policy), QCryptographicHash::Md5)
                                        .toHex()
                                        .toStdString()}}
                        .dump(),
                    JsonType);
}

void InvokeApiServer::Private::handleAliases(const httplib::Request &req, httplib::Response &res, bool one) const
{
    if (!admit(req, res, one ? "lambda:GetAlias" : "lambda:ListAliases", true))
        return;
    const auto functionsNow = catalogue();
    const std::optional<FunctionConfig> latest = resolve(*functionsNow, req.matches[1].str(), req, res);
    if (!latest)
        return;
    const VersionCatalogue c = functionsNow->versions.value(latest->name);
    const auto shape = [&latest](const FunctionAlias &a) {
        return nlohmann::json{{"AliasArn", latest->account.functionArn(latest->lambdaName(), a.name).toStdString()},
                              {"Name", a.name.toStdString()},
                              {"FunctionVersion", a.version.toStdString()},
                              {"Description", ""},
                              {"RevisionId", QCryptographicHash::hash((latest->name + a.name + a.version).toUtf8(),
                                                                      QCryptographicHash::Md5)
                                                 .toHex()
                                                 .toStdString()}};
    };
    res.set_header("x-amzn-RequestId", newRequestId());
    if (one) {
        const QString name = QString::fromStdString(req.matches[2].str());
        const FunctionAlias *a = c.alias(name);
        if (!a)
            return renderError(
                res, 404, "ResourceNotFoundException",
                "Alias not found: " + latest->account.functionArn(latest->lambdaName(), name).toStdString(), "Message");
        res.status = 200;
        res.set_content(shape(*a).dump(), JsonType);
        return;
    }
    nlohmann::json aliases = nlohmann::json::array();
    for (const FunctionAlias &a : c.aliases)
        aliases.push_back(shape(a));
    res.status = 200;
    res.set_content(nlohmann::json{{"Aliases", aliases}, {"NextMarker", nullptr}}.dump(), JsonType);
}

void InvokeApiServer::Private::handleProvisioned(const httplib::Request &req, httplib::Response &res) const
{
    if (!admit(req, res, "lambda:GetProvisionedConcurrencyConfig", true))
        return;
    const auto functionsNow = catalogue();
    if (!req.has_param("Qualifier") || req.get_param_value("Qualifier").empty())
        return renderError(res, 400, "InvalidParameterValueException",
                           "1 validation error detected: Value null at 'qualifier' failed to satisfy constraint: "
                           "Member must not be null");
    const std::optional<FunctionConfig> f = resolve(*functionsNow, req.matches[1].str(), req, res);
    if (!f)
        return;
    const QString qualifier = QString::fromStdString(req.get_param_value("Qualifier"));
    // Only the template's alias has provisioned concurrency (ProvisionedConcurrencyConfig).
    if (qualifier != f->autoPublishAlias || f->provisionedConcurrency.value_or(0) <= 0)
        return renderError(res, 404, "ProvisionedConcurrencyConfigNotFoundException",
                           "No Provisioned Concurrency Config found for this function");
    const int requested = *f->provisionedConcurrency;
    const int ready = std::min(requested, engine.concurrency(f->name).provisioned);
    res.status = 200;
    res.set_header("x-amzn-RequestId", newRequestId());
    res.set_content(
        nlohmann::json{
            {"RequestedProvisionedConcurrentExecutions", requested},
            {"AvailableProvisionedConcurrentExecutions", ready},
            {"AllocatedProvisionedConcurrentExecutions", ready},
            {"Status", ready >= requested ? "READY" : "IN_PROGRESS"},
            {"LastModified",
             QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss+0000")).toStdString()}}
            .dump(),
        JsonType);
}

void InvokeApiServer::Private::handleUnrouted(const httplib::Request &req, httplib::Response &res) const
{
    static const std::regex invocations(InvocationsRoute);
    static const std::regex functions(FunctionsRoute);
    static const std::regex function(FunctionRoute);
    static const std::regex configuration(ConfigurationRoute);
    static const std::regex versions(VersionsRoute);
    static const std::regex aliases(AliasesRoute);
    static const std::regex alias(AliasRoute);
    static const std::regex provisioned(ProvisionedRoute);
    // Versions and aliases come from the template (AutoPublishAlias), not from calls.
    if (std::regex_match(req.path, versions) || std::regex_match(req.path, aliases) || std::regex_match(req.path, alias)
        || std::regex_match(req.path, provisioned))
        return renderError(res, 400, "InvalidParameterValueException",
                           req.method + " " + req.path
                               + " is not modelled by fnstudio: versions are published and the alias moved from the "
                                 "template's AutoPublishAlias when the code or configuration changes, provisioned "
                                 "concurrency comes from its ProvisionedConcurrencyConfig, and aliases have no "
                                 "weights (RoutingConfig)");
    const char *allowed = nullptr;
    if (std::regex_match(req.path, invocations))
        allowed = "POST";
    else if (std::regex_match(req.path, functions) || std::regex_match(req.path, function)
             || std::regex_match(req.path, configuration))
        allowed = "GET, HEAD";
    if (allowed) {
        res.set_header("Allow", allowed);
        return renderError(res, 405, "MethodNotAllowedException",
                           req.method + " is not allowed on " + req.path + "; use " + allowed);
    }
    renderError(
        res, 404, "UnknownOperationException",
        "fnstudio's Lambda API has no operation " + req.method + " " + req.path
            + " (it serves Invoke, ListFunctions, GetFunction, GetFunctionConfiguration, ListVersionsByFunction, "
              "ListAliases, GetAlias and GetProvisionedConcurrencyConfig)");
}

InvokeApiServer::InvokeApiServer(Engine &engine)
    : d(std::make_unique<Private>(engine))
{
}

InvokeApiServer::~InvokeApiServer()
{
    stop();
}

void InvokeApiServer::setFunctions(const QList<FunctionConfig> &functions)
{
    auto catalogue = std::make_shared<Catalogue>();
    for (const FunctionConfig &f : functions) {
        if (!catalogue->byName.contains(f.name))
            catalogue->names.append(f.name);
        catalogue->byName.insert(f.name, f);
        if (!f.functionName.isEmpty())
            catalogue->keyOfLambdaName.insert(f.functionName, f.name);
        catalogue->account = f.account; // one project, one account
    }
    catalogue->names.sort();
    std::lock_guard lock(d->mutex);
    catalogue->versions = d->functions->versions;
    d->functions = std::move(catalogue);
}

void InvokeApiServer::setVersions(const QHash<QString, VersionCatalogue> &versions)
{
    std::lock_guard lock(d->mutex);
    auto catalogue = std::make_shared<Catalogue>(*d->functions);
    catalogue->versions = versions;
    d->functions = std::move(catalogue);
}

QList<FunctionConfig> InvokeApiServer::functions() const
{
    const auto catalogue = d->catalogue();
    QList<FunctionConfig> out;
    out.reserve(catalogue->names.size());
    for (const QString &name : catalogue->names)
        out.append(catalogue->byName.value(name));
    return out;
}

void InvokeApiServer::setEventHandler(EventHandler handler)
{
    d->eventHandler = std::move(handler);
}

void InvokeApiServer::setLegacyAsyncPayloadLimit(bool legacy)
{
    d->legacyAsyncLimit.store(legacy, std::memory_order_relaxed);
}

void InvokeApiServer::setRequestLogger(RequestLogger logger)
{
    d->logger = std::move(logger);
}

void InvokeApiServer::setAuthorizer(Authorizer *authorizer)
{
    d->authorizer = authorizer;
}

bool InvokeApiServer::start(const QString &host, int port, QString *error)
{
    auto &svr = d->listener.reset(MaxReadBytes);

    Private *p = d.get();
    // The payload is read as bytes whatever its Content-Type, as Lambda reads it (httplib refused a
    // form-encoded one over 8 KB with 413), and never acted on when cut off.
    svr.Post(InvocationsRoute,
             [p](const httplib::Request &req, httplib::Response &res, const httplib::ContentReader &reader) {
                 RawBody body = readRawBody(req, reader, MaxReadBytes);
                 if (!body.bytes) {
                     res.status = body.tooLong ? 413 : 400; // in Lambda's shape by the error handler
                     return;
                 }
                 const_cast<httplib::Request &>(req).body = std::move(*body.bytes); // the server's own object
                 p->handleInvoke(req, res);
             });
    svr.Get(FunctionsRoute, [p](const httplib::Request &req, httplib::Response &res) { p->handleList(req, res); });
    svr.Get(ConfigurationRoute,
            [p](const httplib::Request &req, httplib::Response &res) { p->handleGet(req, res, true); });
    svr.Get(FunctionRoute, [p](const httplib::Request &req, httplib::Response &res) { p->handleGet(req, res, false); });
    svr.Get(VersionsRoute, [p](const httplib::Request &req, httplib::Response &res) { p->handleVersions(req, res); });
    svr.Get(AliasesRoute,
            [p](const httplib::Request &req, httplib::Response &res) { p->handleAliases(req, res, false); });
    svr.Get(AliasRoute, [p](const httplib::Request &req, httplib::Response &res) { p->handleAliases(req, res, true); });
    svr.Get(PolicyRoute, [p](const httplib::Request &req, httplib::Response &res) { p->handlePolicy(req, res); });
    svr.Get(ProvisionedRoute,
            [p](const httplib::Request &req, httplib::Response &res) { p->handleProvisioned(req, res); });
    const auto unrouted = [p](const httplib::Request &req, httplib::Response &res) { p->handleUnrouted(req, res); };
    svr.Get(".*", unrouted);
    svr.Post(".*", unrouted);
    svr.Put(".*", unrouted);
    svr.Patch(".*", unrouted);
    svr.Delete(".*", unrouted);
    svr.Options(".*", unrouted);
    // httplib's own refusals (oversized or malformed requests) come without a body: give them Lambda's shape.
    svr.set_error_handler([](const httplib::Request &, httplib::Response &res) {
        if (!res.body.empty())
            return;
        if (res.status == 413)
            renderError(res, 413, "RequestEntityTooLargeException",
                        "Request must be smaller than " + std::to_string(MaxSyncPayloadBytes)
                            + " bytes for the InvokeFunction operation");
        else if (res.status < 500)
            renderError(res, res.status, "InvalidRequestContentException",
                        "The request could not be read (HTTP " + std::to_string(res.status) + ")");
        else
            renderError(res, res.status, "ServiceException",
                        "The request failed inside fnstudio (HTTP " + std::to_string(res.status) + ")", "message",
                        "Service");
    });
    if (d->logger) {
        d->listener.setLogger([p](const httplib::Request &req, const httplib::Response &res) {
            p->logger(QString::fromStdString(req.method + ' ' + req.path + ' ' + std::to_string(res.status) + ' '
                                             + res.get_header_value("x-amzn-RequestId")));
        });
    }

    return d->listener.listen(host, port, error);
}

void InvokeApiServer::stop()
{
    d->listener.stop();
}

bool InvokeApiServer::isRunning() const
{
    return d->listener.isRunning();
}

QString InvokeApiServer::host() const
{
    return d->listener.host();
}

int InvokeApiServer::port() const
{
    return d->listener.port();
}

QString InvokeApiServer::url() const
{
    return d->listener.url();
}

} // namespace fn
