#pragma once
// The Properties dock: the selected function's memory, timeout, ephemeral storage, concurrency and
// environment variables, written back into template.yaml (comments and all) on Apply.

#include "project/functionconfig.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;

namespace fn {

class EnvironmentVariableModel;
class StudioSession;

class PropertiesPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit PropertiesPanel(StudioSession &session, QWidget *parent = nullptr);

    QComboBox *functionCombo() const { return m_function; }
    QSpinBox *memorySpin() const { return m_memory; }
    // The lowest value of these two means "not set".
    QSpinBox *reservedSpin() const { return m_reserved; }
    EnvironmentVariableModel &variables() const { return *m_variables; }
    QPushButton *applyButton() const { return m_apply; }

    // Writes every changed value into the template, saves it and reloads the project. False (and
    // a message in the window) when the template refused a value; nothing is written then.
    bool apply();
    // Shows the function's values as the template has them now.
    void revert();

private:
    void reloadFunctions();
    void showFunction(const QString &name);
    void updateButtons();
    bool isModified() const;

    StudioSession &m_session;
    FunctionConfig m_config;
    bool m_hasFunction = false;
    QComboBox *m_function;
    QSpinBox *m_memory;
    QSpinBox *m_timeout;
    QSpinBox *m_ephemeral;
    QSpinBox *m_reserved;
    QSpinBox *m_provisioned;
    EnvironmentVariableModel *m_variables;
    QTableView *m_view;
    QPushButton *m_add;
    QPushButton *m_remove;
    QPushButton *m_apply;
    QPushButton *m_revert;
    QLabel *m_empty;
    QWidget *m_form;
};

} // namespace fn
