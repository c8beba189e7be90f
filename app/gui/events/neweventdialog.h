#pragma once
// "New Event…": the whole event catalogue with a search, the chosen event's parameters with their
// defaults, a live preview of the rendered JSON, and Save to events/<Function>/<name>.json.

#include "events/eventcatalogue.h"

#include <QDialog>
#include <QHash>

#include <functional>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;

namespace fn {

class EventCatalogueModel;

class NewEventDialog final : public QDialog
{
    Q_OBJECT
public:
    // Asked before an existing file is replaced; true to replace it.
    using OverwriteConfirmation = std::function<bool(const QString &path)>;

    NewEventDialog(const EventCatalogue &catalogue, const QString &projectFolder, const QStringList &functions,
                   QWidget *parent = nullptr);

    void setFunction(const QString &functionName);
    void setOverwriteConfirmation(OverwriteConfirmation confirm) { m_confirmOverwrite = std::move(confirm); }

    QLineEdit *searchEdit() const { return m_search; }
    QListView *eventView() const { return m_list; }
    QSortFilterProxyModel *filteredEvents() const { return m_filter; }
    QComboBox *functionCombo() const { return m_function; }
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *parameterEdit(const QString &name) const { return m_parameters.value(name); }
    QPlainTextEdit *preview() const { return m_preview; }
    QLabel *problemLabel() const { return m_problem; }

    // Selects a catalogue entry (visible under the current search); false when there is none.
    bool selectEvent(const QString &service, const QString &event);
    // The file the event is saved to: <project>/events/<Function>/<name>.json.
    QString targetPath() const;
    // Writes the preview atomically; false (with the reason in problemLabel) when it cannot or the
    // user would not replace an existing file.
    bool save();
    QString savedPath() const { return m_savedPath; }

    // The catalogue from its default folder; false with *error when it cannot be read.
    static bool loadDefaultCatalogue(EventCatalogue *catalogue, QString *error);

private:
    void showCatalogueEntry(const QModelIndex &index);
    void renderPreview();
    void updateSaveButton();

    const EventCatalogue &m_catalogue;
    QString m_projectFolder;
    EventCatalogueModel *m_model;
    QSortFilterProxyModel *m_filter;
    QLineEdit *m_search;
    QListView *m_list;
    QLabel *m_title;
    QLabel *m_description;
    QFormLayout *m_form;
    QWidget *m_formHost;
    QHash<QString, QLineEdit *> m_parameters;
    QPlainTextEdit *m_preview;
    QLabel *m_problem;
    QComboBox *m_function;
    QLineEdit *m_name;
    QPushButton *m_save;
    QString m_service, m_event;
    bool m_rendered = false;
    QString m_savedPath;
    OverwriteConfirmation m_confirmOverwrite;
};

} // namespace fn
