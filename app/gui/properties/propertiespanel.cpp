#include "properties/propertiespanel.h"

#include "common/export.h"
#include "project/project.h"
#include "project/templateeditor.h"
#include "properties/environmentvariablemodel.h"
#include "session/studiosession.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

namespace fn {

namespace {

QSpinBox *spin(QWidget *parent, int min, int max, const QString &suffix, const QString &unset = {})
{
    auto *box = new QSpinBox(parent);
    box->setRange(min, max);
    box->setSuffix(suffix);
    box->setSpecialValueText(unset);
    box->setAccelerated(true);
    return box;
}

} // namespace

PropertiesPanel::PropertiesPanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_function(new QComboBox(this))
    , m_memory(spin(this, 128, 10240, tr(" MB")))
    , m_timeout(spin(this, 1, 900, tr(" s")))
    , m_ephemeral(spin(this, 512, 10240, tr(" MB")))
    // One below Lambda's minimum stands for "not set" (shown as such).
    , m_reserved(spin(this, -1, 1000000, {}, tr("not set")))
    , m_provisioned(spin(this, 0, 1000000, {}, tr("not set")))
    , m_variables(new EnvironmentVariableModel(this))
    , m_view(new QTableView(this))
    , m_add(new QPushButton(tr("Add"), this))
    , m_remove(new QPushButton(tr("Remove"), this))
    , m_apply(new QPushButton(tr("Apply"), this))
    , m_revert(new QPushButton(tr("Revert"), this))
    , m_empty(new QLabel(tr("Open a project to edit its functions' properties"), this))
    , m_form(new QWidget(this))
{
    m_memory->setSingleStep(64);
    m_ephemeral->setSingleStep(512);
    m_view->setModel(m_variables);
    addTableExport(m_view, QStringLiteral("environment-variables"));
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setColumnWidth(EnvironmentVariableModel::NameColumn, 160);
    m_apply->setToolTip(tr("Write the changes into template.yaml; the function's next invocation starts cold"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setForegroundRole(QPalette::PlaceholderText);

    auto *form = new QFormLayout;
    form->addRow(tr("Function"), m_function);
    form->addRow(tr("Memory"), m_memory);
    form->addRow(tr("Timeout"), m_timeout);
    form->addRow(tr("Ephemeral storage"), m_ephemeral);
    form->addRow(tr("Reserved concurrency"), m_reserved);
    form->addRow(tr("Provisioned concurrency"), m_provisioned);
    auto *rows = new QHBoxLayout;
    rows->addWidget(new QLabel(tr("Environment variables"), m_form), 1);
    rows->addWidget(m_add);
    rows->addWidget(m_remove);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    auto *inner = new QVBoxLayout(m_form);
    inner->setContentsMargins(6, 6, 6, 6);
    inner->addLayout(form);
    inner->addLayout(rows);
    inner->addWidget(m_view, 1);
    inner->addLayout(buttons);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_empty, 1);
    layout->addWidget(m_form, 1);

    for (QSpinBox *box : {m_memory, m_timeout, m_ephemeral, m_reserved, m_provisioned})
        connect(box, &QSpinBox::valueChanged, this, &PropertiesPanel::updateButtons);
    connect(m_variables, &QAbstractItemModel::dataChanged, this, &PropertiesPanel::updateButtons);
    connect(m_variables, &QAbstractItemModel::rowsInserted, this, &PropertiesPanel::updateButtons);
    connect(m_variables, &QAbstractItemModel::rowsRemoved, this, &PropertiesPanel::updateButtons);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &PropertiesPanel::updateButtons);
    connect(m_add, &QPushButton::clicked, this, [this] {
        const int row = m_variables->addVariable();
        const QModelIndex name = m_variables->index(row, EnvironmentVariableModel::NameColumn);
        m_view->setCurrentIndex(name);
        m_view->edit(name);
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const QModelIndex current = m_view->currentIndex();
        if (current.isValid())
            m_variables->removeRow(current.row());
    });
    connect(m_apply, &QPushButton::clicked, this, &PropertiesPanel::apply);
    connect(m_revert, &QPushButton::clicked, this, &PropertiesPanel::revert);
    connect(m_function, &QComboBox::currentTextChanged, this, &PropertiesPanel::showFunction);
    connect(&session, &StudioSession::projectChanged, this, &PropertiesPanel::reloadFunctions);
    connect(&session, &StudioSession::targetChosen, this, [this](const QString &function) {
        const int index = m_function->findText(function);
        if (index >= 0)
            m_function->setCurrentIndex(index);
    });
    reloadFunctions();
}

void PropertiesPanel::reloadFunctions()
{
    const QString current = m_function->currentText();
    QStringList names;
    for (const FunctionConfig &f : m_session.functions())
        names.append(f.name);
    {
        const QSignalBlocker blocker(m_function);
        m_function->clear();
        m_function->addItems(names);
        const int index = m_function->findText(current);
        m_function->setCurrentIndex(index >= 0 ? index : (names.isEmpty() ? -1 : 0));
    }
    m_empty->setText(m_session.hasProject() ? tr("The project has no functions to edit")
                                            : tr("Open a project to edit its functions' properties"));
    m_empty->setVisible(names.isEmpty());
    m_form->setVisible(!names.isEmpty());
    showFunction(m_function->currentText());
}

void PropertiesPanel::showFunction(const QString &name)
{
    m_hasFunction = false;
    for (const FunctionConfig &f : m_session.functions()) {
        if (f.name == name) {
            m_config = f;
            m_hasFunction = true;
        }
    }
    revert();
}

void PropertiesPanel::revert()
{
    const FunctionConfig shown = m_hasFunction ? m_config : FunctionConfig();
    for (QSpinBox *box : {m_memory, m_timeout, m_ephemeral, m_reserved, m_provisioned})
        box->blockSignals(true);
    m_memory->setValue(shown.memoryMb);
    m_timeout->setValue(shown.timeoutSec);
    m_ephemeral->setValue(shown.ephemeralStorageMb);
    m_reserved->setValue(shown.reservedConcurrency.value_or(m_reserved->minimum()));
    m_provisioned->setValue(shown.provisionedConcurrency.value_or(m_provisioned->minimum()));
    for (QSpinBox *box : {m_memory, m_timeout, m_ephemeral, m_reserved, m_provisioned})
        box->blockSignals(false);
    m_variables->resetData(shown.environment);
    updateButtons();
}

bool PropertiesPanel::isModified() const
{
    if (!m_hasFunction)
        return false;
    return m_memory->value() != m_config.memoryMb || m_timeout->value() != m_config.timeoutSec
           || m_ephemeral->value() != m_config.ephemeralStorageMb
           || m_reserved->value() != m_config.reservedConcurrency.value_or(m_reserved->minimum())
           || m_provisioned->value() != m_config.provisionedConcurrency.value_or(m_provisioned->minimum())
           || m_variables->isModified();
}

void PropertiesPanel::updateButtons()
{
    const bool modified = isModified();
    m_apply->setEnabled(modified);
    m_revert->setEnabled(modified);
    m_add->setEnabled(m_hasFunction);
    m_remove->setEnabled(m_hasFunction && m_view->currentIndex().isValid());
}

bool PropertiesPanel::apply()
{
    if (!m_hasFunction || !isModified())
        return true;
    using Property = TemplateEditor::Property;
    const QString name = m_config.name;
    TemplateEditor editor;
    QString problem;
    const auto check = [&](bool ok) {
        if (!ok && problem.isEmpty())
            problem = editor.errorString();
        return ok && problem.isEmpty();
    };
    const auto setOrRemove = [&](Property property, int value, int unset, std::optional<int> before) {
        if (value == before.value_or(unset))
            return true;
        return check(value == unset ? editor.removeProperty(name, property)
                                    : editor.setProperty(name, property, value));
    };

    check(editor.load(m_config.templateFile));
    if (m_memory->value() != m_config.memoryMb)
        check(editor.setProperty(name, Property::MemorySize, m_memory->value()));
    if (m_timeout->value() != m_config.timeoutSec)
        check(editor.setProperty(name, Property::Timeout, m_timeout->value()));
    if (m_ephemeral->value() != m_config.ephemeralStorageMb)
        check(editor.setProperty(name, Property::EphemeralStorageSize, m_ephemeral->value()));
    // Provisioned may never exceed reserved, so a lowered provisioned goes first, a raised one last.
    const int provisioned = m_provisioned->value();
    const bool provisionedFirst = provisioned < m_config.provisionedConcurrency.value_or(m_provisioned->minimum());
    if (provisionedFirst)
        setOrRemove(Property::ProvisionedConcurrentExecutions, provisioned, m_provisioned->minimum(),
                    m_config.provisionedConcurrency);
    setOrRemove(Property::ReservedConcurrentExecutions, m_reserved->value(), m_reserved->minimum(),
                m_config.reservedConcurrency);
    if (!provisionedFirst)
        setOrRemove(Property::ProvisionedConcurrentExecutions, provisioned, m_provisioned->minimum(),
                    m_config.provisionedConcurrency);
    for (const QString &variable : m_variables->removedNames())
        check(editor.removeEnvironmentVariable(name, variable));
    for (const auto &[variable, value] : m_variables->changed())
        check(editor.setEnvironmentVariable(name, variable, value));
    if (problem.isEmpty())
        check(editor.save());

    if (!problem.isEmpty()) {
        m_session.showMessage(StudioSession::Severity::Error,
                              tr("The properties of %1 were not applied: %2").arg(name, problem));
        return false;
    }
    // Re-reading the project gives the function its new configuration; the engine keeps no warm
    // environment across a configuration change, so the next invocation starts cold.
    const QStringList removed = m_variables->removedNames();
    m_session.notifyFileWritten(m_config.templateFile, tr("the properties of %1 were applied").arg(name));
    m_session.openProject(m_session.project().folder());
    m_session.showMessage(
        StudioSession::Severity::Info,
        tr("Applied the properties of %1 to template.yaml; its next invocation starts cold").arg(name));
    // A variable given in Globals is not the function's to remove; say so rather than fail silently.
    for (const FunctionConfig &f : m_session.functions()) {
        if (f.name != name)
            continue;
        for (const auto &[variable, value] : f.environment) {
            if (removed.contains(variable))
                m_session.showMessage(
                    StudioSession::Severity::Warning,
                    tr("%1 still has %2: it comes from Globals, remove it there").arg(name, variable));
        }
    }
    return true;
}

} // namespace fn
