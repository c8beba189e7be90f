#include "metrics/metricspanel.h"

#include "common/anatomyview.h"
#include "common/export.h"
#include "common/messagebar.h"
#include "metrics/cloudwatchreports.h"
#include "metrics/coldshareview.h"
#include "metrics/latencydistributionview.h"
#include "metrics/metricsmodel.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <memory>

namespace fn {

MetricsPanel::MetricsPanel(MetricsModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QTableView(this))
    , m_headline(new QLabel(this))
    , m_comparison(new AnatomyView(this))
    , m_distribution(new LatencyDistributionView(model, this))
    , m_coldShare(new ColdShareView(model, this))
    , m_messages(new MessageBar(this))
    , m_import(new QToolButton(this))
    , m_remove(new QToolButton(this))
    , m_cloud(new QLabel(this))
    , m_rate(new QSpinBox(this))
{
    m_view->setModel(&m_model);
    addTableExport(m_view, QStringLiteral("metrics"));
    m_view->setShowGrid(false);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);

    m_headline->setWordWrap(true);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_headline->setContentsMargins(8, 6, 8, 2);
    QFont big = m_headline->font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    m_headline->setFont(big);
    m_comparison->setToolTip(tr("What callers waited, phase by phase, all on one scale"));
    addChartExport(m_comparison, QStringLiteral("cold-warm-anatomy"));
    addChartExport(m_distribution, QStringLiteral("latency-distribution"));
    addChartExport(m_coldShare, QStringLiteral("cold-share"));

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(0);
    rightLayout->addWidget(m_headline);
    rightLayout->addWidget(m_comparison);
    rightLayout->addWidget(m_distribution, 1);
    rightLayout->addWidget(m_coldShare);

    m_split = new QSplitter(Qt::Vertical, this);
    m_split->addWidget(m_view);
    // The charts scroll in a short dock rather than make the whole bottom dock area taller.
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(right);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_split->addWidget(scroll);
    m_split->setChildrenCollapsible(false);
    m_import->setText(tr("Import CloudWatch REPORT lines…"));
    m_import->setToolTip(tr("Show invocations on AWS beside the local ones: a file of REPORT lines, as "
                            "`aws logs filter-log-events` (JSON), `sam logs` or a copied log print them"));
    m_import->setObjectName(QStringLiteral("importCloud"));
    m_remove->setText(tr("Remove"));
    m_remove->setToolTip(tr("Remove the imported cloud series"));
    m_remove->setObjectName(QStringLiteral("removeCloud"));
    m_cloud->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_rate->setObjectName(QStringLiteral("requestsPerMonth"));
    m_rate->setRange(1, 2'000'000'000);
    m_rate->setGroupSeparatorShown(true);
    m_rate->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    m_rate->setValue(int(m_model.requestsPerMonth()));
    m_rate->setSuffix(tr(" requests"));
    m_rate->setToolTip(tr("The rate the per-month cost rows project onto"));
    auto *rateLabel = new QLabel(tr("A month at"), this);
    rateLabel->setBuddy(m_rate);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 2);
    bar->addWidget(m_import);
    bar->addWidget(m_cloud, 1);
    bar->addWidget(m_remove);
    bar->addSpacing(12);
    bar->addWidget(rateLabel);
    bar->addWidget(m_rate);
    m_messages->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_messages);
    layout->addWidget(m_split, 1);

    connect(m_import, &QToolButton::clicked, this, &MetricsPanel::chooseCloudFile);
    connect(m_remove, &QToolButton::clicked, this, &MetricsPanel::removeCloud);
    connect(&m_model, &MetricsModel::cloudChanged, this, &MetricsPanel::updateCloudControls);
    updateCloudControls();

    connect(m_rate, &QSpinBox::valueChanged, this, [this](int requests) { m_model.setRequestsPerMonth(requests); });
    // Provisioned concurrency is charged while time passes, invoked or not.
    auto *tick = new QTimer(this);
    tick->setInterval(5000);
    connect(tick, &QTimer::timeout, m_view->viewport(), qOverload<>(&QWidget::update));
    tick->start();

    connect(&m_model, &QAbstractItemModel::dataChanged, this, &MetricsPanel::updateComparison);
    connect(&m_model, &QAbstractItemModel::modelReset, this, &MetricsPanel::updateComparison);
    updateComparison();
}

void MetricsPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // Table and comparison side by side in a wide dock, stacked in a tall one.
    const Qt::Orientation o = width() > height() * 1.2 ? Qt::Horizontal : Qt::Vertical;
    if (m_split->orientation() != o) {
        m_split->setOrientation(o);
        const int total = o == Qt::Horizontal ? width() : height();
        m_split->setSizes({total / 2, total / 2});
    }
}

QString MetricsPanel::headline() const
{
    return m_headline->text();
}

QString MetricsPanel::cloudStatus() const
{
    return m_cloud->text();
}

void MetricsPanel::chooseCloudFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import CloudWatch REPORT lines"), {},
                                                      tr("CloudWatch logs (*.json *.txt *.log);;All files (*)"));
    if (!path.isEmpty())
        importCloudInBackground(path);
}

void MetricsPanel::importCloudInBackground(const QString &path)
{
    // An export of a busy function runs to tens of megabytes (a second or two to read): read off the
    // GUI thread, with the button off until it is in, so no second read can overtake the first.
    if (m_reader)
        return;
    m_import->setEnabled(false);
    m_cloud->setText(tr("reading %1…").arg(QFileInfo(path).fileName()));
    auto result = std::make_shared<CloudWatchImport>();
    m_reader = QThread::create(
        [path, result] { *result = CloudWatchReports::read(path, QFileInfo(path).completeBaseName()); });
    connect(m_reader, &QThread::finished, this, [this, path, result] {
        m_reader->deleteLater();
        m_reader = nullptr;
        m_import->setEnabled(true);
        adoptCloud(path, *result);
        updateCloudControls();
    });
    m_reader->start();
}

bool MetricsPanel::waitForImport(int timeoutMs)
{
    if (m_reader && m_reader->wait(QDeadlineTimer(timeoutMs)))
        QCoreApplication::sendPostedEvents(this); // the queued finished slot adopts the result
    return !m_reader;
}

bool MetricsPanel::importCloud(const QString &path)
{
    return adoptCloud(path, CloudWatchReports::read(path, QFileInfo(path).completeBaseName()));
}

bool MetricsPanel::adoptCloud(const QString &path, const CloudWatchImport &in)
{
    const QString name = QFileInfo(path).fileName();
    if (!in.problems.isEmpty()) {
        // Each problem with its file and line; the bar counts repeats rather than stacking them.
        const QStringList problems = toStrings(in.problems);
        const int shown = 5;
        QString text = problems.mid(0, shown).join(QStringLiteral("\n"));
        if (problems.size() > shown)
            text += tr("\n… and %1 more").arg(problems.size() - shown);
        m_messages->showMessage(in.records.isEmpty() ? MessageBar::Level::Error : MessageBar::Level::Warning, text);
    } else {
        m_messages->dismiss();
    }
    if (in.records.isEmpty()) {
        if (in.problems.isEmpty())
            m_messages->showMessage(MessageBar::Level::Warning,
                                    tr("%1: no REPORT lines (%2 lines read)").arg(name).arg(in.read));
        return false;
    }
    m_cloudSummary = in.summary();
    m_model.setCloud(name, in.records);
    return true;
}

MetricsPanel::~MetricsPanel()
{
    // A read under way finishes first: the thread may not outlive the panel that owns it.
    if (m_reader)
        m_reader->wait();
}

void MetricsPanel::removeCloud()
{
    m_model.clearCloud();
}

void MetricsPanel::updateCloudControls()
{
    using C = MetricsModel::Column;
    const bool cloud = m_model.hasCloud();
    m_view->setColumnHidden(C::CloudColdColumn, !cloud);
    m_view->setColumnHidden(C::CloudWarmColumn, !cloud);
    m_remove->setVisible(cloud);
    m_cloud->setText(cloud ? tr("cloud: %1, %2").arg(m_model.cloudName(), m_cloudSummary) : QString());
    updateComparison();
}

void MetricsPanel::updateComparison()
{
    using C = MetricsModel::Column;
    QList<AnatomyView::Row> rows;
    for (const auto &[column, name] :
         {std::pair{C::ColdColumn, tr("cold")}, std::pair{C::CloudColdColumn, tr("cloud cold")},
          std::pair{C::WarmColumn, tr("warm")}, std::pair{C::CloudWarmColumn, tr("cloud warm")}})
        for (const double p : {50.0, 99.0})
            if (const auto a = m_model.anatomy(column, p))
                rows.append({QStringLiteral("%1 p%2").arg(name).arg(p), *a});
    m_comparison->setRows(rows);
    m_distribution->update();
    m_coldShare->update();

    const auto cold = m_model.anatomy(C::ColdColumn, 50);
    const auto warm = m_model.anatomy(C::WarmColumn, 50);
    const QLocale locale;
    const auto ms = [&locale](double v) -> QString { return locale.toString(v, 'f', 2) + QStringLiteral(" ms"); };
    QStringList lines;
    if (cold)
        lines << tr("Cold %1").arg(cold->sum());
    if (warm && cold && warm->observedMs > 0)
        lines << tr("Warm %1: %2× faster")
                     .arg(ms(warm->observedMs), locale.toString(cold->observedMs / warm->observedMs, 'f', 0));
    else if (warm)
        lines << tr("Warm %1").arg(ms(warm->observedMs));
    if (m_model.hasCloud()) {
        // What the REPORT lines say of the same: init and handler, beside the local figures.
        const auto cloudCold = m_model.anatomy(C::CloudColdColumn, 50);
        const auto cloudWarm = m_model.anatomy(C::CloudWarmColumn, 50);
        QStringList cloud;
        if (cloudCold)
            cloud << tr("cold %1 = %2 init + %3 handler")
                         .arg(ms(cloudCold->observedMs), locale.toString(cloudCold->ms(Anatomy::Phase::Init), 'f', 2),
                              locale.toString(cloudCold->ms(Anatomy::Phase::Handler), 'f', 2));
        if (cloudWarm)
            cloud << tr("warm %1").arg(ms(cloudWarm->observedMs));
        if (!cloud.isEmpty())
            lines << tr("Cloud (%1): %2").arg(m_model.cloudName().toHtmlEscaped(), cloud.join(QStringLiteral("; ")));
    }
    if (lines.isEmpty())
        lines << tr("Invoke a function: its cold start and the warm invocations after it appear here, phase by phase.");
    else
        lines << tr("<span style='color:gray'>medians of what callers waited; p99 below them</span>");
    m_headline->setText(lines.join(QStringLiteral("<br>")));
}

} // namespace fn
