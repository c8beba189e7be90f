#include "projecttree/newfunctiondialog.h"

#include "project/functionscaffold.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace fn {

namespace {

constexpr int PluginRole = Qt::UserRole + 1;

FunctionScaffold::Spec specFor(const RuntimeDescriptor &plugin, const QString &name, const QString &runtime, int memory,
                               int timeout)
{
    FunctionScaffold::Spec spec;
    spec.name = name;
    spec.runtime = runtime;
    // A custom runtime's Handler is free text its bootstrap may read; SAM's templates say "bootstrap".
    spec.handler = plugin.defaultHandler.isEmpty() ? QStringLiteral("bootstrap") : plugin.defaultHandler;
    spec.handlerFileName = plugin.handlerFileName;
    spec.handlerTemplate = plugin.handlerTemplate.toUtf8();
    spec.handlerExecutable = plugin.handlerFileExecutable;
    spec.memoryMb = memory;
    spec.timeoutSec = timeout;
    return spec;
}

} // namespace

QString NewFunctionDialog::hostRuntime(const RuntimeDescriptor &plugin)
{
    static const QRegularExpression version(QStringLiteral("^v?(\\d+)\\.(\\d+)"));
    const QRegularExpressionMatch m = version.match(plugin.interpreterVersion);
    if (!m.hasMatch())
        return {};
    for (const QString &runtime : plugin.runtimes) {
        if (runtime == QStringLiteral("python%1.%2").arg(m.captured(1), m.captured(2))
            || runtime == QStringLiteral("nodejs%1.x").arg(m.captured(1)))
            return runtime;
    }
    return {};
}

NewFunctionDialog::NewFunctionDialog(const QString &templatePath, const QList<RuntimeDescriptor> &plugins,
                                     QWidget *parent)
    : QDialog(parent)
    , m_templatePath(templatePath)
    , m_plugins(plugins)
    , m_name(new QLineEdit(this))
    , m_runtime(new QComboBox(this))
    , m_memory(new QSpinBox(this))
    , m_timeout(new QSpinBox(this))
    , m_problem(new QLabel(this))
    , m_create(nullptr)
{
    setWindowTitle(tr("New Function"));
    setObjectName(QStringLiteral("newFunctionDialog"));
    m_name->setPlaceholderText(tr("e.g. OrdersFunction (letters and digits)"));
    m_memory->setRange(128, 10240);
    m_memory->setSingleStep(64);
    m_memory->setValue(128);
    m_memory->setSuffix(tr(" MB"));
    m_timeout->setRange(1, 900);
    m_timeout->setValue(3);
    m_timeout->setSuffix(tr(" s"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #d63e3e"));

    // Each plugin's runtimes; the one matching this machine's interpreter first and selected, the
    // others listed (they run on the same interpreter), plugins that cannot run shown disabled.
    auto *model = new QStandardItemModel(m_runtime);
    int preferred = -1;
    for (int p = 0; p < m_plugins.size(); ++p) {
        const RuntimeDescriptor &plugin = m_plugins.at(p);
        QStringList runtimes = plugin.runtimes;
        const QString host = hostRuntime(plugin);
        if (!host.isEmpty())
            runtimes.move(runtimes.indexOf(host), 0);
        else if (plugin.id == QLatin1String("provided") && runtimes.contains(QStringLiteral("provided.al2023")))
            runtimes.move(runtimes.indexOf(QStringLiteral("provided.al2023")), 0);
        for (const QString &runtime : std::as_const(runtimes)) {
            auto *item = new QStandardItem(runtime);
            item->setData(p, PluginRole);
            if (!plugin.unavailableReason.isEmpty()) {
                item->setEnabled(false);
                item->setToolTip(plugin.unavailableReason);
            } else {
                item->setToolTip(plugin.interpreterVersion.isEmpty()
                                     ? plugin.displayName
                                     : tr("%1, runs on %2").arg(plugin.displayName, plugin.interpreterVersion));
                if (preferred < 0 && runtime == host)
                    preferred = model->rowCount();
            }
            model->appendRow(item);
        }
    }
    m_runtime->setModel(model);
    for (int row = 0; preferred < 0 && row < model->rowCount(); ++row) {
        if (model->item(row)->isEnabled())
            preferred = row;
    }
    m_runtime->setCurrentIndex(preferred);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("&Runtime"), m_runtime);
    form->addRow(tr("&Memory"), m_memory);
    form->addRow(tr("&Timeout"), m_timeout);
    auto *hint = new QLabel(tr("Creates <i>Name</i>/ with a handler from the runtime's template, "
                               "events/<i>Name</i>/event.json, and the function in template.yaml."),
                            this);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_create = buttons->addButton(tr("&Create"), QDialogButtonBox::AcceptRole);
    m_create->setObjectName(QStringLiteral("create"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(hint);
    layout->addWidget(m_problem);
    layout->addStretch(1);
    layout->addWidget(buttons);

    connect(m_name, &QLineEdit::textChanged, this, &NewFunctionDialog::validate);
    connect(m_runtime, &QComboBox::currentIndexChanged, this, &NewFunctionDialog::validate);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_create, &QPushButton::clicked, this, [this] {
        if (create())
            accept();
    });
    validate();
    m_name->setFocus();
    resize(460, sizeHint().height());
}

bool NewFunctionDialog::setRuntime(const QString &runtime)
{
    const int i = m_runtime->findText(runtime);
    auto *model = static_cast<QStandardItemModel *>(m_runtime->model());
    if (i < 0 || !model->item(i)->isEnabled())
        return false;
    m_runtime->setCurrentIndex(i);
    return true;
}

void NewFunctionDialog::validate()
{
    QString problem;
    const QString name = m_name->text().trimmed();
    if (m_runtime->currentIndex() < 0) {
        problem = tr("No runtime can run on this machine; see fnstudio-cli doctor.");
    } else if (!name.isEmpty()) {
        const RuntimeDescriptor &plugin = m_plugins.at(m_runtime->currentData(PluginRole).toInt());
        problem = FunctionScaffold(m_templatePath)
                      .problem(specFor(plugin, name, m_runtime->currentText(), m_memory->value(), m_timeout->value()));
    }
    m_problem->setText(problem);
    m_create->setEnabled(problem.isEmpty() && !name.isEmpty());
}

bool NewFunctionDialog::create()
{
    validate();
    if (!m_create->isEnabled())
        return false;
    const RuntimeDescriptor &plugin = m_plugins.at(m_runtime->currentData(PluginRole).toInt());
    const FunctionScaffold::Spec spec =
        specFor(plugin, m_name->text().trimmed(), m_runtime->currentText(), m_memory->value(), m_timeout->value());
    FunctionScaffold scaffold(m_templatePath);
    if (!scaffold.create(spec)) {
        m_problem->setText(scaffold.errorString());
        return false;
    }
    m_createdName = spec.name;
    m_handlerPath = scaffold.handlerPath(spec);
    m_eventPath = scaffold.eventPath(spec);
    return true;
}

} // namespace fn
