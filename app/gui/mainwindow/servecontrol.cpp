#include "mainwindow/servecontrol.h"

#include "common/settings.h"
#include "mainwindow/servesettingsdialog.h"
#include "session/messenger.h"
#include "workspace/triggerhost.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QLabel>
#include <QSignalBlocker>

namespace fn {

ServeControl::ServeControl(Workspace &workspace, Messenger &messenger, QWidget *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_messenger(messenger)
    , m_action(new QAction(tr("Ser&ve (Invoke API, API Gateway, S3)"), parent))
    , m_label(new QLabel(parent))
    , m_settingsAction(new QAction(tr("Serve Se&ttings…"), parent))
{
    m_settingsAction->setObjectName(QStringLiteral("serveSettings"));
    connect(m_settingsAction, &QAction::triggered, this, [parent] {
        ServeSettingsDialog dialog(parent);
        dialog.exec();
    });
    m_action->setObjectName(QStringLiteral("serve"));
    m_action->setCheckable(true);
    m_action->setToolTip(tr("Serve the project's functions to the AWS CLI and SDKs (--endpoint-url), its Api/HttpApi "
                            "routes to any HTTP client and its buckets through an S3 endpoint; on 127.0.0.1 unless "
                            "Serve Settings say otherwise"));
    m_label->setObjectName(QStringLiteral("serveStatus"));
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->hide();
    connect(m_action, &QAction::toggled, this, &ServeControl::toggle);
    connect(&m_workspace, &Workspace::servingChanged, this, &ServeControl::update);
    connect(&m_workspace, &Workspace::triggersChanged, this, &ServeControl::update);
    // A call a function's role does not allow, warned or refused (the project's "permissions").
    connect(&m_workspace, &Workspace::accessDenied, this, [this](const QString &, const QString &line) {
        m_messenger.showMessage(Messenger::Severity::Warning, line);
    });
}

void ServeControl::toggle(bool on)
{
    if (on == m_workspace.isServing())
        return;
    if (!on) {
        m_workspace.stopServing();
        update();
        return;
    }
    QString problem;
    if (!m_workspace.startServing(settings::get(settings::serveHost), settings::get(settings::serveInvokePort),
                                  settings::get(settings::serveApiPort), settings::get(settings::serveS3Port),
                                  &problem)) {
        m_messenger.showMessage(Messenger::Severity::Error, problem);
        update();
        return;
    }
    const TriggerHost *host = m_workspace.triggers();
    QString text = tr("Serving the Lambda Invoke API at %1").arg(host->invokeApiUrl());
    text += host->servesApiGateway() ? tr(", the API Gateway at %1").arg(host->apiGatewayUrl())
                                     : tr(" (the template has no Api or HttpApi events)");
    if (!host->s3EndpointUrl().isEmpty())
        text += tr(", the S3 endpoint at %1").arg(host->s3EndpointUrl());
    m_messenger.showMessage(Messenger::Severity::Info, text);
    update();
}

void ServeControl::update()
{
    const bool serving = m_workspace.isServing();
    {
        // Failing to serve (a port in use) leaves the action unchecked; the window says why.
        const QSignalBlocker block(m_action);
        m_action->setChecked(serving);
    }
    if (!serving) {
        m_label->hide();
        m_label->clear();
        return;
    }
    const TriggerHost *host = m_workspace.triggers();
    QString text = tr("Serving: Invoke API %1").arg(host->invokeApiUrl());
    if (const QString api = host->apiGatewayUrl(); !api.isEmpty())
        text += tr(" · API Gateway %1").arg(api);
    if (const QString s3 = host->s3EndpointUrl(); !s3.isEmpty())
        text += tr(" · S3 %1").arg(s3);
    m_label->setText(text);
    m_label->show();
}

} // namespace fn
