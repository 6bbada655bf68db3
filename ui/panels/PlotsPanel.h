#pragma once

#include "losslens/io/ClassInfo.h"
#include "losslens/set/LossHistogram.h"
#include "losslens/set/SetSummary.h"
#include "session/SampleData.h"

#include <QWidget>

#include <optional>
#include <utility>
#include <vector>

class QChart;
class QChartView;
class QComboBox;

namespace losslens {

class DatasetSession;
class RunScores;
class RunScatter;

// Qt Charts plots of the current sample or the whole set: the per-pixel loss histogram of
// every variant (log-scaled counts) and per-class loss sums, so a user sees which class's
// penalty the partial variant removed; with several runs, the runs' per-sample means
// against each other (a point above the diagonal: a sample the run in view does worse on).
class PlotsPanel : public QWidget {
    Q_OBJECT
public:
    // Follows the session itself: the set's plots as the scan goes, the sample's when it
    // arrives (or none when it cannot be loaded).
    explicit PlotsPanel(DatasetSession* session, RunScores* runs = nullptr,
                        QWidget* parent = nullptr);

    void setSample(const SampleDataPtr& data, const std::vector<ClassInfo>& classes,
                   int ignoreIndex);
    // With the classes and ignore index the sample was loaded with.
    void setSample(const SampleDataPtr& sample) {
        setSample(sample, sample->sample.classes, sample->sample.ignoreIndex);
    }
    void setSet(const std::vector<LossHistogram>& histograms, const SetSummary& summary,
                const std::vector<ClassInfo>& classes);
    [[nodiscard]] bool showsSet() const;
    // Shows the runs' scatter (offered only for a set of several runs).
    void showRuns();
    [[nodiscard]] RunScatter* runView() const { return m_runView; }

signals:
    // A point of the runs' scatter was clicked: show that sample.
    void entryClicked(std::size_t entry);

private:
    void refresh();
    void offerRuns();
    void plot(const std::vector<LossHistogram>& histograms,
              const std::vector<std::vector<double>>& classSums, const QString& title);
    [[nodiscard]] QChart* histogramChart(const std::vector<LossHistogram>& histograms,
                                         const QString& title) const;
    [[nodiscard]] QChart* classChart(const std::vector<std::vector<double>>& classSums,
                                     const QString& title) const;

    QComboBox* m_kind = nullptr;
    QComboBox* m_scope = nullptr;
    QChartView* m_histogramView = nullptr;
    QChartView* m_classView = nullptr;
    RunScatter* m_runView = nullptr;
    DatasetSession* m_session = nullptr;
    RunScores* m_runs = nullptr;
    std::vector<ClassInfo> m_classes;
    std::vector<LossHistogram> m_sampleHistograms;
    std::vector<std::vector<double>> m_sampleClassSums;
    QString m_sampleTitle;
    std::vector<LossHistogram> m_setHistograms;
    std::vector<std::vector<double>> m_setClassSums;
};

// The histogram's x axis end: the upper edge of the last non-empty bin of any variant,
// rounded up to 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten (1 when empty).
[[nodiscard]] double histogramAxisEnd(const std::vector<LossHistogram>& histograms);

// The classes the per-class chart lists: every class when there are at most `listEveryUpTo`,
// else those with a loss sum above 0 in some variant (LVIS has 1,203), in class order.
[[nodiscard]] std::vector<std::size_t>
classesWithLoss(const std::vector<std::vector<double>>& classSums, std::size_t listEveryUpTo);

} // namespace losslens
