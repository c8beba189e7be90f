#include "tuning/tunedialog.h"

#include "common/export.h"
#include "metrics/costmodel.h"
#include "project/project.h"
#include "session/studiosession.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QLocale>
#include <QLogValueAxis>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>
#include <QValueAxis>

namespace fn {

namespace {

enum Column { MemoryColumn, DurationColumn, BilledColumn, CostColumn, PerMillionColumn, ColdColumn, ErrorsColumn };

QString dollars(double usd)
{
    return u'$' + QLocale().toString(usd, 'f', usd < 0.001 ? 10 : 6);
}

} // namespace

TuneDialog::TuneDialog(StudioSession &session, const FunctionConfig &function, const QByteArray &payload,
                       QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_function(function)
    , m_payload(payload)
    , m_memory(new QLineEdit(QStringLiteral("128,256,512,1024,1769,3008"), this))
    , m_num(new QSpinBox(this))
    , m_cold(new QCheckBox(tr("Every invocation a cold start"), this))
    , m_strategy(new QComboBox(this))
    , m_weight(new QDoubleSpinBox(this))
    , m_run(new QPushButton(tr("&Run"), this))
    , m_apply(new QPushButton(this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_table(new QTableWidget(0, 7, this))
    , m_chart(new QChart)
    , m_chartView(new QChartView(m_chart, this))
{
    setWindowTitle(tr("Tune Memory: %1").arg(function.name));
    setObjectName(QStringLiteral("tuneDialog"));
    m_memory->setToolTip(tr("Memory sizes in MB, comma-separated (128 to 10,240); CPU follows memory as on "
                            "Lambda, 1,769 MB is one vCPU"));
    m_num->setRange(1, 1000);
    m_num->setValue(10);
    m_num->setSuffix(tr(" invocations"));
    m_strategy->addItem(tr("Cost: the cheapest"), int(PowerTuning::Strategy::Cost));
    m_strategy->addItem(tr("Speed: the fastest"), int(PowerTuning::Strategy::Speed));
    m_strategy->addItem(tr("Balanced"), int(PowerTuning::Strategy::Balanced));
    m_weight->setRange(0, 1);
    m_weight->setSingleStep(0.1);
    m_weight->setValue(0.5);
    m_weight->setToolTip(tr("Balanced: 0 weighs speed only, 1 cost only"));
    m_weight->setEnabled(false);

    auto *form = new QFormLayout;
    form->addRow(tr("Memory (MB):"), m_memory);
    auto *each = new QHBoxLayout;
    each->addWidget(m_num);
    each->addWidget(m_cold);
    each->addStretch(1);
    form->addRow(tr("At each size:"), each);
    auto *pickBy = new QHBoxLayout;
    pickBy->addWidget(m_strategy);
    pickBy->addWidget(new QLabel(tr("weight on cost:"), this));
    pickBy->addWidget(m_weight);
    pickBy->addStretch(1);
    form->addRow(tr("Pick by:"), pickBy);

    auto *intro = new QLabel(
        tr("Runs %1 with its event at each size (on-demand; each size starts cold, as after a configuration "
           "change) and summarises a size by the trimmed mean of Duration + Init Duration, the fastest and "
           "slowest 20 % left out. Its environments end as after an update: its next invocation starts cold.")
            .arg(function.name),
        this);
    intro->setWordWrap(true);

    m_table->setHorizontalHeaderLabels({tr("Memory"), tr("Duration (ms)"), tr("Billed (ms)"), tr("Cost per invocation"),
                                        tr("Per million"), tr("Cold starts"), tr("Errors")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    addTableExport(m_table, QStringLiteral("memory-tuning"));

    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(280);
    addChartExport(m_chartView, QStringLiteral("memory-tuning"));

    m_progress->setVisible(false);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_apply->setEnabled(false);
    m_apply->setText(tr("&Apply to template.yaml"));
    m_run->setDefault(true);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_chartView);
    split->addWidget(m_table);
    split->setChildrenCollapsible(false);
    split->setStretchFactor(0, 3); // the chart is what a class looks at
    split->setStretchFactor(1, 1);

    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_run, QDialogButtonBox::ActionRole);
    buttons->addButton(m_apply, QDialogButtonBox::ApplyRole);
    buttons->addButton(QDialogButtonBox::Close);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(split, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(760, 640);

    connect(m_run, &QPushButton::clicked, this, [this] { isRunning() ? cancel() : void(start()); });
    connect(m_apply, &QPushButton::clicked, this, &TuneDialog::applyPick);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_strategy, &QComboBox::currentIndexChanged, this, [this] {
        m_weight->setEnabled(strategy() == PowerTuning::Strategy::Balanced);
        repick();
    });
    connect(m_weight, &QDoubleSpinBox::valueChanged, this, &TuneDialog::repick);
    showChart();
}

TuneDialog::~TuneDialog()
{
    m_stop = true;
    if (m_worker.joinable())
        m_worker.join();
}

PowerTuning::Strategy TuneDialog::strategy() const
{
    return PowerTuning::Strategy(m_strategy->currentData().toInt());
}

QString TuneDialog::status() const
{
    return m_status->text();
}

bool TuneDialog::start()
{
    if (isRunning())
        return false;
    Engine *engine = m_session.engine();
    if (!engine) {
        m_status->setText(tr("The engine is not running: nothing can be invoked"));
        return false;
    }
    QString problem;
    const QList<int> sizes = MemoryTuning::memorySizes(m_memory->text(), &problem);
    if (sizes.isEmpty()) {
        m_status->setText(tr("Memory: %1").arg(problem));
        m_memory->setFocus();
        return false;
    }
    m_plan = {};
    m_plan.memorySizes = sizes;
    m_plan.num = m_num->value();
    m_plan.cold = m_cold->isChecked();
    m_results.clear();
    m_pick.reset();
    m_stop = false;
    showResults();
    showChart();
    m_progress->setRange(0, int(sizes.size()) * m_plan.num);
    m_progress->setValue(0);
    setRunning(true);
    m_status->setText(tr("%1 MB…").arg(sizes.constFirst()));
    m_worker = std::thread([this, engine, function = m_function, payload = m_payload, plan = m_plan] {
        const QList<TunedSize> results =
            MemoryTuning::run(*engine, function, payload, plan, [this](qsizetype size, int done) {
                QMetaObject::invokeMethod(
                    this, [this, size, done] { progressed(size, done); }, Qt::QueuedConnection);
                return !m_stop.load();
            });
        const bool cancelled = m_stop.load();
        QMetaObject::invokeMethod(
            this, [this, results, cancelled] { finish(results, cancelled); }, Qt::QueuedConnection);
    });
    return true;
}

void TuneDialog::cancel()
{
    m_stop = true;
    m_status->setText(tr("Stopping after the invocation under way…"));
}

void TuneDialog::reject()
{
    if (isRunning())
        cancel();
    QDialog::reject();
}

bool TuneDialog::waitUntilFinished(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (isRunning() && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return !isRunning();
}

void TuneDialog::progressed(qsizetype size, int done)
{
    m_progress->setValue(int(size) * m_plan.num + done);
    if (done == m_plan.num && size + 1 < m_plan.memorySizes.size())
        m_status->setText(tr("%1 MB…").arg(m_plan.memorySizes.at(size + 1)));
}

void TuneDialog::finish(const QList<TunedSize> &results, bool cancelled)
{
    if (m_worker.joinable())
        m_worker.join();
    setRunning(false);
    m_results = results;
    repick();
    if (cancelled)
        m_status->setText(tr("Stopped: %n size(s) finished", nullptr, int(results.size())) + u' ' + m_status->text());
    Q_EMIT runFinished();
}

void TuneDialog::setRunning(bool running)
{
    m_run->setText(running ? tr("&Stop") : tr("&Run"));
    m_progress->setVisible(running);
    m_memory->setEnabled(!running);
    m_num->setEnabled(!running);
    m_cold->setEnabled(!running);
    if (running)
        m_apply->setEnabled(false);
}

void TuneDialog::repick()
{
    QList<PowerTuning::SizeResult> sizes;
    for (const TunedSize &t : std::as_const(m_results))
        sizes << t.result;
    m_pick = PowerTuning::pick(sizes, strategy(), m_weight->value());
    showResults();
    showChart();
    if (isRunning())
        return;
    m_apply->setEnabled(m_pick.has_value());
    if (!m_pick) {
        m_apply->setText(tr("&Apply to template.yaml"));
        m_status->setText(m_results.isEmpty() ? QString() : tr("No pick: every size had errors"));
        return;
    }
    const PowerTuning::SizeResult &r = m_results.at(*m_pick).result;
    const QLocale locale;
    m_apply->setText(tr("&Apply %1 MB to template.yaml").arg(locale.toString(r.memoryMb)));
    m_status->setText(tr("Pick by %1: %2 MB, %3 ms and %4 per invocation (%5 per million); %6 has %7 MB now")
                          .arg(PowerTuning::name(strategy()), locale.toString(r.memoryMb),
                               locale.toString(r.durationMs, 'f', 2), dollars(r.costUsd), dollars(r.costUsd * 1e6),
                               m_function.name, locale.toString(m_function.memoryMb)));
}

void TuneDialog::showResults()
{
    const QLocale locale;
    m_table->setRowCount(int(m_results.size()));
    for (int row = 0; row < m_results.size(); ++row) {
        const TunedSize &t = m_results.at(row);
        const PowerTuning::SizeResult &r = t.result;
        const bool picked = m_pick == row;
        const QStringList cells{
            locale.toString(r.memoryMb) + tr(" MB") + (picked ? tr("  ← pick") : QString()),
            locale.toString(r.durationMs, 'f', 2),
            locale.toString(std::ceil(r.billedDurationMs), 'f', 0),
            dollars(r.costUsd),
            dollars(r.costUsd * 1e6),
            locale.toString(r.coldStarts),
            t.firstError.isEmpty() ? locale.toString(r.errors)
                                   : QStringLiteral("%1 (%2)").arg(locale.toString(r.errors), t.firstError),
        };
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells.at(c));
            item->setTextAlignment(c == MemoryColumn ? Qt::AlignLeft | Qt::AlignVCenter
                                                     : Qt::AlignRight | Qt::AlignVCenter);
            if (picked) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
            }
            m_table->setItem(row, c, item);
        }
    }
}

void TuneDialog::showChart()
{
    m_chart->removeAllSeries();
    for (QAbstractAxis *axis : m_chart->axes())
        m_chart->removeAxis(axis);
    m_chart->setTitle(m_results.isEmpty() ? tr("Duration and cost against memory: press Run")
                                          : tr("%1: duration and cost against memory").arg(m_function.name));
    auto *x = new QLogValueAxis(m_chart);
    x->setBase(2);
    x->setLabelFormat(QStringLiteral("%.0f"));
    x->setTitleText(tr("memory (MB)"));
    auto *duration = new QValueAxis(m_chart);
    duration->setTitleText(tr("duration (ms)"));
    duration->setLabelFormat(QStringLiteral("%.1f"));
    auto *cost = new QValueAxis(m_chart);
    cost->setTitleText(tr("cost per million ($)"));
    cost->setLabelFormat(QStringLiteral("%.3f"));
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(duration, Qt::AlignLeft);
    m_chart->addAxis(cost, Qt::AlignRight);

    auto *durations = new QLineSeries(m_chart);
    durations->setName(tr("duration (trimmed mean)"));
    auto *costs = new QLineSeries(m_chart);
    costs->setName(tr("cost per million"));
    auto *picked = new QScatterSeries(m_chart);
    picked->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    picked->setMarkerSize(12);
    double maxDuration = 0;
    double maxCost = 0;
    int minMb = 128;
    int maxMb = 3008;
    for (qsizetype i = 0; i < m_results.size(); ++i) {
        const PowerTuning::SizeResult &r = m_results.at(i).result;
        durations->append(r.memoryMb, r.durationMs);
        costs->append(r.memoryMb, r.costUsd * 1e6);
        maxDuration = qMax(maxDuration, r.durationMs);
        maxCost = qMax(maxCost, r.costUsd * 1e6);
        minMb = i == 0 ? r.memoryMb : qMin(minMb, r.memoryMb);
        maxMb = i == 0 ? r.memoryMb : qMax(maxMb, r.memoryMb);
        if (m_pick == i) {
            picked->append(r.memoryMb, r.durationMs);
            picked->setName(tr("pick: %1 MB").arg(QLocale().toString(r.memoryMb)));
        }
    }
    for (QXYSeries *series :
         {static_cast<QXYSeries *>(durations), static_cast<QXYSeries *>(costs), static_cast<QXYSeries *>(picked)}) {
        m_chart->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(series == costs ? cost : duration);
    }
    if (picked->count() == 0)
        m_chart->legend()->markers(picked).constFirst()->setVisible(false);
    x->setRange(minMb / 1.25, maxMb * 1.25);
    duration->setRange(0, maxDuration > 0 ? maxDuration * 1.1 : 1);
    cost->setRange(0, maxCost > 0 ? maxCost * 1.1 : 1);
}

bool TuneDialog::applyPick()
{
    if (!m_pick)
        return false;
    const int memoryMb = m_results.at(*m_pick).result.memoryMb;
    if (memoryMb == m_function.memoryMb) {
        m_status->setText(tr("%1 already has %2 MB: template.yaml unchanged").arg(m_function.name).arg(memoryMb));
        return true;
    }
    QString problem;
    if (!MemoryTuning::apply(m_function, memoryMb, &problem)) {
        m_status->setText(problem);
        return false;
    }
    const int was = m_function.memoryMb;
    m_function.memoryMb = memoryMb;
    m_session.notifyFileWritten(m_function.templateFile, tr("memory tuning applied"));
    m_session.openProject(m_session.project().folder());
    const QString said = tr("MemorySize of %1 set to %2 MB (was %3) in template.yaml; its next invocation starts cold")
                             .arg(m_function.name)
                             .arg(memoryMb)
                             .arg(was);
    m_session.showMessage(StudioSession::Severity::Info, said);
    m_status->setText(said);
    return true;
}

} // namespace fn
