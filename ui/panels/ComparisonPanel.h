#pragma once

#include "losslens/set/VariantComparison.h"

#include <QWidget>

class QChartView;
class QComboBox;
class QTabWidget;
class QTableWidget;

namespace losslens {

class DatasetSession;
class RunScores;

// The set-level comparison of every variant: a table (variants x classes) and a grouped bar
// chart of either each variant's mean loss per class or the share of each class's pixels
// whose penalty the variant removes or softens. The numbers are core's compareVariants over
// the samples scanned so far; this widget only shows them. A set of several runs adds a
// third view: every variant's set mean in every run (the runs as RunScores scores them).
class ComparisonPanel : public QWidget {
    Q_OBJECT
public:
    enum class Metric { ClassMean, ReducedShare, RunMeans };
    Q_ENUM(Metric)

    // Follows the session's scan itself.
    explicit ComparisonPanel(DatasetSession* session, RunScores* runs = nullptr,
                             QWidget* parent = nullptr);

    void setComparison(VariantComparison comparison);
    void setMetric(Metric metric);
    [[nodiscard]] Metric shownMetric() const;
    [[nodiscard]] QTableWidget* table() const { return m_table; }
    [[nodiscard]] QChartView* chartView() const { return m_chartView; }
    [[nodiscard]] QTabWidget* views() const { return m_views; }

private:
    void refresh();
    void refreshRuns();
    void offerRuns();

    QComboBox* m_metric = nullptr;
    QTabWidget* m_views = nullptr; // the table, the chart
    QTableWidget* m_table = nullptr;
    QChartView* m_chartView = nullptr;
    VariantComparison m_comparison;
    RunScores* m_runs = nullptr;
};

} // namespace losslens
