#pragma once
// Run → Tune Memory…: power tuning, locally, for the invoke bar's function and event. The function
// runs N times at each memory size off the GUI thread (MemoryTuning, as `fnstudio-cli tune` runs
// it); duration and cost are charted against memory with the pick marked, the strategy can be
// changed afterwards without running again, and the pick is applied to template.yaml losslessly.

#include "project/functionconfig.h"
#include "workspace/memorytuning.h"

#include <QDialog>

#include <atomic>
#include <optional>
#include <thread>

class QCheckBox;
class QChart;
class QChartView;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace fn {

class StudioSession;

class TuneDialog final : public QDialog
{
    Q_OBJECT
public:
    TuneDialog(StudioSession &session, const FunctionConfig &function, const QByteArray &payload,
               QWidget *parent = nullptr);
    ~TuneDialog() override; // a run under way is stopped after its current invocation

    // Runs the sizes of the memory field; false (said in the dialog) when they are not valid sizes.
    bool start();
    void cancel();
    bool isRunning() const { return m_worker.joinable(); }
    bool waitUntilFinished(int timeoutMs); // for tests: true once no run is under way

    const QList<TunedSize> &results() const { return m_results; }
    std::optional<qsizetype> pick() const { return m_pick; }
    // Writes the pick's MemorySize into template.yaml; false (said) when it could not.
    bool applyPick();

    QLineEdit *memoryField() const { return m_memory; }
    QSpinBox *numSpin() const { return m_num; }
    QCheckBox *coldBox() const { return m_cold; }
    QComboBox *strategyCombo() const { return m_strategy; }
    QDoubleSpinBox *weightSpin() const { return m_weight; }
    QTableWidget *table() const { return m_table; }
    QChartView *chartView() const { return m_chartView; }
    QPushButton *applyButton() const { return m_apply; }
    QString status() const;

Q_SIGNALS:
    void runFinished();

protected:
    void reject() override; // Close stops a run after its invocation under way

private:
    void finish(const QList<TunedSize> &results, bool cancelled);
    void progressed(qsizetype size, int done);
    void repick();
    void showResults();
    void showChart();
    void setRunning(bool running);
    PowerTuning::Strategy strategy() const;

    StudioSession &m_session;
    FunctionConfig m_function;
    QByteArray m_payload;
    TuningPlan m_plan;
    QList<TunedSize> m_results;
    std::optional<qsizetype> m_pick;
    std::thread m_worker;
    std::atomic_bool m_stop{false};

    QLineEdit *m_memory;
    QSpinBox *m_num;
    QCheckBox *m_cold;
    QComboBox *m_strategy;
    QDoubleSpinBox *m_weight;
    QPushButton *m_run;
    QPushButton *m_apply;
    QProgressBar *m_progress;
    QLabel *m_status;
    QTableWidget *m_table;
    QChart *m_chart;
    QChartView *m_chartView;
};

} // namespace fn
