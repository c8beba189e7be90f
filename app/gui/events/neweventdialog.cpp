#include "events/neweventdialog.h"

#include "events/eventcataloguemodel.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QVBoxLayout>

namespace fn {

NewEventDialog::NewEventDialog(const EventCatalogue &catalogue, const QString &projectFolder,
                               const QStringList &functions, QWidget *parent)
    : QDialog(parent)
    , m_catalogue(catalogue)
    , m_projectFolder(projectFolder)
    , m_model(new EventCatalogueModel(this))
    , m_filter(new QSortFilterProxyModel(this))
    , m_search(new QLineEdit(this))
    , m_list(new QListView(this))
    , m_title(new QLabel(this))
    , m_description(new QLabel(this))
    , m_form(nullptr)
    , m_formHost(new QWidget(this))
    , m_preview(new QPlainTextEdit(this))
    , m_problem(new QLabel(this))
    , m_function(new QComboBox(this))
    , m_name(new QLineEdit(this))
    , m_save(nullptr)
{
    setWindowTitle(tr("New Event"));
    setObjectName(QStringLiteral("newEventDialog"));
    m_model->resetData(catalogue.events());
    m_filter->setSourceModel(m_model);
    m_filter->setFilterRole(EventCatalogueModel::SearchRole);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_list->setModel(m_filter);
    m_list->setUniformItemSizes(true);
    m_search->setPlaceholderText(tr("Search %1 events by service, name or description").arg(catalogue.events().size()));
    m_search->setClearButtonEnabled(true);
    m_title->setTextFormat(Qt::PlainText);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_description->setWordWrap(true);
    m_form = new QFormLayout(m_formHost);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_formHost);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_preview->setReadOnly(true);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #d63e3e"));
    m_function->addItems(functions);
    m_name->setPlaceholderText(tr("file name, without .json"));

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_search);
    leftLayout->addWidget(m_list, 1);
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_title);
    rightLayout->addWidget(m_description);
    rightLayout->addWidget(scroll, 1);
    rightLayout->addWidget(new QLabel(tr("Preview"), this));
    rightLayout->addWidget(m_preview, 2);
    rightLayout->addWidget(m_problem);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 2);

    auto *target = new QHBoxLayout;
    target->addWidget(new QLabel(tr("Save for"), this));
    target->addWidget(m_function);
    target->addWidget(new QLabel(tr("as"), this));
    target->addWidget(m_name, 1);
    target->addWidget(new QLabel(QStringLiteral(".json"), this));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_save = buttons->button(QDialogButtonBox::Save);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addLayout(target);
    layout->addWidget(buttons);

    m_confirmOverwrite = [this](const QString &path) {
        return QMessageBox::question(this, tr("Replace event?"),
                                     tr("%1 already exists. Replace it?").arg(QDir::toNativeSeparators(path)),
                                     QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
               == QMessageBox::Yes;
    };
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_filter->setFilterRegularExpression(
            QRegularExpression(EventCatalogueModel::searchPattern(text), QRegularExpression::CaseInsensitiveOption));
        if (!m_list->currentIndex().isValid() && m_filter->rowCount() > 0)
            m_list->setCurrentIndex(m_filter->index(0, 0));
    });
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this, &NewEventDialog::showCatalogueEntry);
    connect(m_name, &QLineEdit::textChanged, this, &NewEventDialog::updateSaveButton);
    connect(m_function, &QComboBox::currentIndexChanged, this, &NewEventDialog::updateSaveButton);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_save, &QPushButton::clicked, this, [this] {
        if (save())
            accept();
    });
    resize(980, 640);
    if (m_filter->rowCount() > 0)
        m_list->setCurrentIndex(m_filter->index(0, 0));
    updateSaveButton();
    m_search->setFocus();
}

void NewEventDialog::setFunction(const QString &functionName)
{
    const int i = m_function->findText(functionName);
    if (i >= 0)
        m_function->setCurrentIndex(i);
}

bool NewEventDialog::selectEvent(const QString &service, const QString &event)
{
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const QModelIndex i = m_filter->index(row, 0);
        if (i.data(EventCatalogueModel::ServiceRole).toString() == service
            && i.data(EventCatalogueModel::NameRole).toString() == event) {
            m_list->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

void NewEventDialog::showCatalogueEntry(const QModelIndex &index)
{
    // The form is rebuilt for each event: parameters differ from one to the next.
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_parameters.clear();
    if (!index.isValid()) {
        m_service.clear();
        m_event.clear();
        m_title->clear();
        m_description->clear();
        renderPreview();
        return;
    }
    const EventTemplate &e = m_model->event(m_filter->mapToSource(index).row());
    m_service = e.service;
    m_event = e.name;
    m_title->setText(QStringLiteral("%1 / %2").arg(e.service, e.name));
    m_description->setText(e.description);
    for (const EventParameter &p : e.parameters) {
        auto *edit = new QLineEdit(p.defaultValue, m_formHost);
        edit->setToolTip(p.help);
        edit->setPlaceholderText(p.defaultValue);
        edit->setObjectName(p.name);
        connect(edit, &QLineEdit::textChanged, this, &NewEventDialog::renderPreview);
        m_form->addRow(p.name, edit);
        m_parameters.insert(p.name, edit);
    }
    m_name->setText(QStringLiteral("%1-%2").arg(e.service, e.name));
    renderPreview();
}

void NewEventDialog::renderPreview()
{
    m_rendered = false;
    m_problem->clear();
    if (m_service.isEmpty()) {
        m_preview->clear();
        updateSaveButton();
        return;
    }
    QMap<QString, QString> values;
    for (auto it = m_parameters.cbegin(); it != m_parameters.cend(); ++it)
        values.insert(it.key(), it.value()->text());
    QString error;
    const std::optional<nlohmann::json> json = m_catalogue.render(m_service, m_event, values, &error);
    if (!json) {
        m_preview->clear();
        m_problem->setText(error);
    } else {
        m_preview->setPlainText(QString::fromStdString(json->dump(2)));
        m_rendered = true;
    }
    updateSaveButton();
}

QString NewEventDialog::targetPath() const
{
    const QString name = m_name->text().trimmed();
    if (name.isEmpty() || m_function->currentText().isEmpty())
        return {};
    return QDir(m_projectFolder).filePath(QStringLiteral("events/%1/%2.json").arg(m_function->currentText(), name));
}

void NewEventDialog::updateSaveButton()
{
    m_save->setEnabled(m_rendered && !targetPath().isEmpty());
}

bool NewEventDialog::save()
{
    const QString name = m_name->text().trimmed();
    // A plain file name: the event belongs in its function's folder, nowhere else.
    if (!m_rendered || name.isEmpty() || name.contains(u'/') || name.contains(u'\\') || name.startsWith(u'.')) {
        m_problem->setText(tr("Give the event a file name (no folders)."));
        return false;
    }
    const QString path = targetPath();
    if (path.isEmpty()) {
        m_problem->setText(tr("Choose the function the event is for."));
        return false;
    }
    if (QFileInfo::exists(path) && !m_confirmOverwrite(path)) {
        m_problem->setText(tr("%1 exists and was kept.").arg(QDir::toNativeSeparators(path)));
        return false;
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        m_problem->setText(tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        return false;
    }
    file.write(m_preview->toPlainText().toUtf8() + '\n');
    if (!file.commit()) {
        m_problem->setText(tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        return false;
    }
    m_savedPath = path;
    return true;
}

bool NewEventDialog::loadDefaultCatalogue(EventCatalogue *catalogue, QString *error)
{
    return catalogue->load(EventCatalogue::defaultDirectory(), error);
}

} // namespace fn
