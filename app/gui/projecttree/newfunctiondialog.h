#pragma once
// "New Function…": a name (a CloudFormation logical id), a runtime from the installed plugins, memory
// and timeout; Create writes the code folder, handler, sample event and template resource at once.

#include "runtime/runtimedescriptor.h"

#include <QDialog>
#include <QList>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace fn {

class NewFunctionDialog final : public QDialog
{
    Q_OBJECT
public:
    // plugins: the registry's runtime plugins; those that cannot run here are listed as unavailable.
    NewFunctionDialog(const QString &templatePath, const QList<RuntimeDescriptor> &plugins, QWidget *parent = nullptr);

    QLineEdit *nameEdit() const { return m_name; }
    QComboBox *runtimeCombo() const { return m_runtime; }
    QSpinBox *memoryBox() const { return m_memory; }
    QSpinBox *timeoutBox() const { return m_timeout; }
    QLabel *problemLabel() const { return m_problem; }
    QPushButton *createButton() const { return m_create; }

    // Selects a SAM Runtime value; false when it is not offered.
    bool setRuntime(const QString &runtime);
    // Writes everything; false (the reason in problemLabel) when nothing was written.
    bool create();

    QString functionName() const { return m_createdName; }
    QString handlerPath() const { return m_handlerPath; }
    QString eventPath() const { return m_eventPath; }

    // The Runtime value a plugin's host interpreter matches (python3.11 for Python 3.11.2), else empty.
    static QString hostRuntime(const RuntimeDescriptor &plugin);

private:
    void validate();

    QString m_templatePath;
    QList<RuntimeDescriptor> m_plugins;
    QLineEdit *m_name;
    QComboBox *m_runtime;
    QSpinBox *m_memory;
    QSpinBox *m_timeout;
    QLabel *m_problem;
    QPushButton *m_create;
    QString m_createdName;
    QString m_handlerPath;
    QString m_eventPath;
};

} // namespace fn
