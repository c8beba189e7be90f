#pragma once
// Run → Serve Settings…: where Run → Serve listens. This machine only (127.0.0.1) unless the user
// chooses every interface, warned that the servers do not authenticate; a port for each server
// (0: a free one, shown once serving).

#include <QDialog>

class QAbstractButton;
class QCheckBox;
class QLabel;
class QSpinBox;

namespace fn {

class ServeSettingsDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit ServeSettingsDialog(QWidget *parent = nullptr);

    // Writes the settings (called on OK).
    void save() const;

    QCheckBox *allInterfacesBox() const { return m_allInterfaces; }
    QSpinBox *invokePortBox() const { return m_invokePort; }
    QSpinBox *apiPortBox() const { return m_apiPort; }
    QSpinBox *s3PortBox() const { return m_s3Port; }
    QLabel *problemLabel() const { return m_problem; }

private:
    void check();

    QCheckBox *m_allInterfaces;
    QLabel *m_warning;
    QSpinBox *m_invokePort;
    QSpinBox *m_apiPort;
    QSpinBox *m_s3Port;
    QLabel *m_problem;
    QAbstractButton *m_ok = nullptr;
};

} // namespace fn
