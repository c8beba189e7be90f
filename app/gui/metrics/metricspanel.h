#pragma once
// The Metrics dock: invocation statistics with cold and warm side by side, and beside them the
// comparison a class comes for: the median (and p99) cold and warm invocation drawn phase by phase
// on one scale, under a headline that says how much faster warm is; below it the distribution of
// what callers waited (log axis) and the share of cold starts over time. REPORT lines imported from
// CloudWatch Logs join all of these as a "cloud" series, so a class sees how close the local model is.

#include <QWidget>

class QLabel;
class QSpinBox;
class QSplitter;
class QThread;
class QTableView;
class QToolButton;

namespace fn {

struct CloudWatchImport;
class AnatomyView;
class ColdShareView;
class LatencyDistributionView;
class MessageBar;
class MetricsModel;

class MetricsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit MetricsPanel(MetricsModel &model, QWidget *parent = nullptr);
    ~MetricsPanel() override;

    QTableView *view() const { return m_view; }
    AnatomyView *comparison() const { return m_comparison; }
    LatencyDistributionView *distribution() const { return m_distribution; }
    ColdShareView *coldShare() const { return m_coldShare; }
    QSpinBox *requestsPerMonth() const { return m_rate; }
    MessageBar *messages() const { return m_messages; }
    QString headline() const;
    QString cloudStatus() const; // "cloud: hello-prod.json, 16 REPORT lines (4 cold starts, …)"

    // Reads a file of CloudWatch REPORT lines into the cloud series, named after the file (what
    // Import CloudWatch REPORT lines… does after its file dialog). False when nothing could be read;
    // what could not be read is said in the panel's message bar with its file and line.
    bool importCloud(const QString &path);
    // The same off the GUI thread, as the button does it: the button is off and the status says
    // "reading…" until the result is adopted.
    void importCloudInBackground(const QString &path);
    bool waitForImport(int timeoutMs = 10'000); // for tests: true once no read is under way
    void removeCloud();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateComparison();
    void chooseCloudFile();
    bool adoptCloud(const QString &path, const CloudWatchImport &in);
    void updateCloudControls();

    MetricsModel &m_model;
    QTableView *m_view;
    QSplitter *m_split;
    QLabel *m_headline;
    AnatomyView *m_comparison;
    LatencyDistributionView *m_distribution;
    ColdShareView *m_coldShare;
    MessageBar *m_messages;
    QToolButton *m_import;
    QToolButton *m_remove;
    QLabel *m_cloud;
    QSpinBox *m_rate;
    QString m_cloudSummary;
    QThread *m_reader = nullptr; // reading an import, if one is under way
};

} // namespace fn
