#include "mainwindow/servesettingsdialog.h"

#include "common/settings.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace fn {

namespace {

QSpinBox *portBox(int value, QWidget *parent)
{
    auto *box = new QSpinBox(parent);
    box->setRange(0, 65535);
    box->setSpecialValueText(QObject::tr("any free port"));
    box->setValue(value);
    return box;
}

} // namespace

ServeSettingsDialog::ServeSettingsDialog(QWidget *parent)
    : QDialog(parent)
    , m_allInterfaces(new QCheckBox(tr("Listen on every network interface (0.0.0.0)"), this))
    , m_warning(new QLabel(this))
    , m_invokePort(portBox(settings::get(settings::serveInvokePort), this))
    , m_apiPort(portBox(settings::get(settings::serveApiPort), this))
    , m_s3Port(portBox(settings::get(settings::serveS3Port), this))
    , m_problem(new QLabel(this))
{
    setWindowTitle(tr("Serve Settings"));
    setObjectName(QStringLiteral("serveSettingsDialog"));
    m_allInterfaces->setChecked(settings::get(settings::serveHost) == QLatin1String("0.0.0.0"));
    m_warning->setWordWrap(true);
    m_warning->setText(tr("Other machines on your network can then invoke your functions and read and write "
                          "your local buckets: the servers do not check who asks. Leave this off unless you "
                          "need it."));
    m_problem->setObjectName(QStringLiteral("problem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: palette(highlight)"));

    auto *form = new QFormLayout;
    form->addRow(tr("Lambda Invoke API port:"), m_invokePort);
    form->addRow(tr("API Gateway port:"), m_apiPort);
    form->addRow(tr("S3 endpoint port:"), m_s3Port);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Run → Serve listens on this machine only (127.0.0.1) unless you choose otherwise. "
                                    "A change applies the next time serving starts."),
                                 this));
    layout->itemAt(0)->widget()->setProperty("wordWrap", true);
    layout->addLayout(form);
    layout->addWidget(m_allInterfaces);
    layout->addWidget(m_warning);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    for (QSpinBox *box : {m_invokePort, m_apiPort, m_s3Port})
        connect(box, &QSpinBox::valueChanged, this, &ServeSettingsDialog::check);
    connect(m_allInterfaces, &QCheckBox::toggled, this, &ServeSettingsDialog::check);
    check();
}

void ServeSettingsDialog::check()
{
    m_warning->setVisible(m_allInterfaces->isChecked());
    const int invoke = m_invokePort->value(), api = m_apiPort->value(), s3 = m_s3Port->value();
    QString problem;
    if ((invoke != 0 && (invoke == api || invoke == s3)) || (api != 0 && api == s3))
        problem = tr("Each server needs a port of its own (or 0 for any free port).");
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_ok->setEnabled(problem.isEmpty());
}

void ServeSettingsDialog::save() const
{
    settings::set(settings::serveHost,
                  m_allInterfaces->isChecked() ? QStringLiteral("0.0.0.0") : QStringLiteral("127.0.0.1"));
    settings::set(settings::serveInvokePort, m_invokePort->value());
    settings::set(settings::serveApiPort, m_apiPort->value());
    settings::set(settings::serveS3Port, m_s3Port->value());
}

} // namespace fn
