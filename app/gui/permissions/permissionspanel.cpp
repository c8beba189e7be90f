#include "permissions/permissionspanel.h"

#include "common/export.h"
#include "common/tableview.h"
#include "permissions/permissioncallmodel.h"
#include "session/studiosession.h"

#include "access/policysuggestion.h"
#include "project/projectsettings.h"
#include "project/projectsettingswriter.h"
#include "project/templateeditor.h"
#include "workspace/triggerhost.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace fn {

PermissionsPanel::PermissionsPanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_function(new QComboBox(this))
    , m_mode(new QComboBox(this))
    , m_model(new PermissionCallModel(this))
    , m_view(makeTableView(m_model, this))
    , m_suggestion(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
    , m_broader(new QLabel(this))
    , m_copy(new QPushButton(tr("Copy"), this))
    , m_apply(new QPushButton(tr("Apply to template.yaml…"), this))
    , m_clear(new QPushButton(tr("Clear"), this))
    , m_refresh(new QTimer(this))
{
    m_function->setToolTip(tr("The function whose calls are shown"));
    m_function->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_mode->addItem(tr("Off: nothing is checked"), QStringLiteral("off"));
    m_mode->addItem(tr("Warn: calls go on, denials are reported"), QStringLiteral("warn"));
    m_mode->addItem(tr("Enforce: denied calls fail with AccessDenied"), QStringLiteral("enforce"));
    m_mode->setToolTip(tr("How the local services check each function's calls against its execution role "
                          "(saved as \"permissions\" in .fnstudio/settings.json)"));
    for (const int column :
         {PermissionCallModel::TimeColumn, PermissionCallModel::ActionColumn, PermissionCallModel::DecisionColumn})
        m_view->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    addTableExport(m_view, QStringLiteral("permissions"));
    m_suggestion->setReadOnly(true);
    m_suggestion->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_suggestion->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_suggestion->setPlaceholderText(tr("The least-privilege Policies for the calls above appear here."));
    m_copy->setToolTip(tr("Copy the Policies block to paste under the function's Properties"));
    m_apply->setToolTip(tr("Replace the function's Policies in template.yaml with this block; every other line "
                           "of the template stays as it is"));
    m_clear->setToolTip(tr("Forget this function's calls, to see the next run's alone"));
    for (QLabel *label : {m_status, m_broader}) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_broader->hide();

    auto *top = new QHBoxLayout;
    top->setContentsMargins(4, 4, 4, 0);
    top->addWidget(new QLabel(tr("Function:"), this));
    top->addWidget(m_function);
    top->addSpacing(12);
    top->addWidget(new QLabel(tr("Permissions:"), this));
    top->addWidget(m_mode);
    top->addStretch(1);

    auto *suggestion = new QWidget(this);
    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(m_copy);
    buttons->addWidget(m_apply);
    buttons->addStretch(1);
    buttons->addWidget(m_clear);
    auto *suggestionLayout = new QVBoxLayout(suggestion);
    suggestionLayout->setContentsMargins(4, 0, 4, 0);
    suggestionLayout->addWidget(m_suggestion, 1);
    suggestionLayout->addWidget(m_broader);
    suggestionLayout->addLayout(buttons);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_view);
    split->addWidget(suggestion);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 4);
    layout->addLayout(top);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    m_confirm = [this](const QString &title, const QString &question) {
        return QMessageBox::question(this, title, question, QMessageBox::Apply | QMessageBox::Cancel,
                                     QMessageBox::Cancel)
               == QMessageBox::Apply;
    };
    m_refresh->setSingleShot(true);
    m_refresh->setInterval(100);
    connect(m_refresh, &QTimer::timeout, this, &PermissionsPanel::refresh);
    connect(m_function, &QComboBox::currentIndexChanged, this, &PermissionsPanel::refresh);
    connect(m_mode, &QComboBox::activated, this, [this](int index) { setMode(m_mode->itemData(index).toString()); });
    connect(m_copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_suggestion->toPlainText()); });
    connect(m_apply, &QPushButton::clicked, this, &PermissionsPanel::applySuggestion);
    connect(m_clear, &QPushButton::clicked, this, &PermissionsPanel::clearCalls);
    connect(&session, &StudioSession::projectChanged, this, &PermissionsPanel::projectChanged);
    connect(&session, &StudioSession::targetChosen, this,
            [this](const QString &functionName, const QString &) { showFunction(functionName); });
    connect(&session.workspace(), &Workspace::triggersChanged, this, &PermissionsPanel::attachHost);
    connect(&session.workspace(), &Workspace::servingChanged, this, &PermissionsPanel::updateStatus);
    projectChanged();
    attachHost();
}

QString PermissionsPanel::function() const
{
    return m_function->currentText();
}

void PermissionsPanel::showFunction(const QString &name)
{
    const int index = m_function->findText(name);
    if (index >= 0)
        m_function->setCurrentIndex(index);
}

void PermissionsPanel::attachHost()
{
    TriggerHost *host = m_session.workspace().triggers();
    if (host && host != m_host)
        connect(host, &TriggerHost::accessChecked, this, &PermissionsPanel::callsChecked, Qt::QueuedConnection);
    m_host = host;
    refresh();
}

void PermissionsPanel::projectChanged()
{
    const QString shown = function();
    QStringList names;
    for (const FunctionConfig &f : m_session.functions())
        names << f.name;
    QStringList listed;
    for (int i = 0; i < m_function->count(); ++i)
        listed << m_function->itemText(i);
    if (names != listed) {
        const QSignalBlocker block(m_function);
        m_function->clear();
        m_function->addItems(names);
        const int index = m_function->findText(shown);
        m_function->setCurrentIndex(index >= 0 ? index : (names.isEmpty() ? -1 : 0));
    }
    const QString mode = m_session.hasProject() ? m_session.project().settings().permissions : QStringLiteral("warn");
    m_mode->setCurrentIndex(std::max(0, m_mode->findData(mode)));
    m_mode->setEnabled(m_session.hasProject());
    refresh();
}

void PermissionsPanel::callsChecked(const QString &function)
{
    if (function == this->function() && !m_refresh->isActive())
        m_refresh->start();
}

void PermissionsPanel::refresh()
{
    const QString name = function();
    std::vector<Authorizer::Call> calls;
    std::optional<Authorizer::Role> role;
    if (m_host && !name.isEmpty()) {
        calls = m_host->authorizer().calls(name);
        role = m_host->authorizer().role(name);
    }
    if (calls.empty()) {
        m_suggestion->clear();
    } else {
        const nlohmann::json policy = PolicySuggestion::policyFor(calls);
        m_suggestion->setPlainText(
            QStringLiteral("      ")
            + tr("# The least privilege for the %n call(s) %1 made; paste under its Properties\n", nullptr,
                 int(calls.size()))
                  .arg(name)
            + PolicySuggestion::samPoliciesYaml(policy));
    }
    QStringList broader;
    if (role && role->known)
        broader = PolicySuggestion::broaderThanUsed(role->policies, calls);
    m_broader->setText(broader.isEmpty()
                           ? QString()
                           : tr("Broader than used:") + QStringLiteral("\n• ") + broader.join(QStringLiteral("\n• ")));
    m_broader->setVisible(!broader.isEmpty());
    m_model->setCalls(std::move(calls));
    updateStatus();
}

void PermissionsPanel::updateStatus()
{
    const QString name = function();
    const bool hasCalls = m_model->rowCount() > 0;
    m_copy->setEnabled(hasCalls);
    m_apply->setEnabled(hasCalls);
    m_clear->setEnabled(hasCalls);
    QString text;
    if (!m_session.hasProject() || name.isEmpty()) {
        text = tr("Open a project to see what its functions may do.");
    } else if (!m_session.workspace().isServing()) {
        text = tr("Functions reach the local S3 endpoint and Lambda API while the studio serves them (Run → Serve); "
                  "each call is then checked against the function's execution role and listed here.");
    } else if (const auto role = m_host ? m_host->authorizer().role(name) : std::nullopt; role && !role->known) {
        text = tr("%1's Role is not a role of this template: its calls are listed, not checked.").arg(name);
    } else if (!hasCalls) {
        text = tr("No calls from %1 yet: invoke it, and each call it makes to S3 or the Lambda API appears here.")
                   .arg(name);
    }
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

bool PermissionsPanel::applySuggestion()
{
    const QString name = function();
    const std::vector<Authorizer::Call> &calls = m_model->calls();
    const auto config = m_session.workspace().function(name, QString());
    if (calls.empty() || !config)
        return false;
    if (!m_confirm(tr("Apply least privilege"),
                   tr("Replace the Policies of %1 in template.yaml with the least privilege for the %n call(s) it "
                      "made? Calls its code makes on other paths would then be denied.",
                      nullptr, int(calls.size()))
                       .arg(name)))
        return false;
    TemplateEditor editor;
    if (!editor.load(config->templateFile) || !editor.setPolicies(name, PolicySuggestion::policyFor(calls))
        || !editor.save()) {
        m_session.showMessage(StudioSession::Severity::Error,
                              tr("The policies of %1 were not applied: %2").arg(name, editor.errorString()));
        return false;
    }
    m_session.notifyFileWritten(config->templateFile, tr("least privilege was applied to %1's Policies").arg(name));
    m_session.openProject(m_session.project().folder());
    if (m_host)
        m_host->authorizer().clearCalls(name); // they were decided by the role it had
    refresh();
    m_session.showMessage(StudioSession::Severity::Info,
                          tr("Applied least privilege to the Policies of %1 in template.yaml; invoke it again to "
                             "see its calls checked against them")
                              .arg(name));
    return true;
}

bool PermissionsPanel::setMode(const QString &mode)
{
    if (!m_session.hasProject())
        return false;
    const QString folder = m_session.project().folder();
    QString error;
    if (!ProjectSettingsWriter::setPermissions(folder, mode, &error)) {
        m_session.showMessage(StudioSession::Severity::Error, tr("Permissions were not changed: %1").arg(error));
        m_mode->setCurrentIndex(std::max(0, m_mode->findData(m_session.project().settings().permissions)));
        return false;
    }
    m_mode->setCurrentIndex(std::max(0, m_mode->findData(mode)));
    if (m_host)
        m_host->setPermissionsMode(mode); // now; the re-read of the settings follows
    m_session.fileSaved(QDir(folder).filePath(ProjectSettings::fileName()));
    return true;
}

void PermissionsPanel::clearCalls()
{
    if (m_host)
        m_host->authorizer().clearCalls(function());
    refresh();
}

} // namespace fn
