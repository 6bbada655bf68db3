#pragma once

#include <QPointF>
#include <QString>
#include <QtCharts/QChartView>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <utility>
#include <vector>

class QChart;
class QScatterSeries;

namespace losslens {

class DatasetSession;
class RunScores;

// The Plots dock's runs scatter: each sample's mean loss (the heatmap's variant) in the run
// in view against the run it is compared with, one point per sample both runs scored; above
// the diagonal a sample the run in view does worse on. Hovering a point names its sample, a
// click asks for it (entryClicked).
class RunScatter : public QChartView {
    Q_OBJECT
public:
    RunScatter(DatasetSession* session, RunScores* runs, QWidget* parent = nullptr);

    // Draws the runs' scores as they are now.
    void replot();
    // The entry a point stands for (none: no point there).
    [[nodiscard]] std::optional<std::size_t> pointEntry(QPointF point) const;
    // Clicks the point of `entry` (as a user would), for tests.
    void clickPoint(std::size_t entry);

signals:
    void entryClicked(std::size_t entry);

private:
    void addAxes(QChart* plot, double top, const QString& here, const QString& there,
                 std::initializer_list<QScatterSeries*> points) const;
    void hoverPoint(const QPointF& p, bool on);

    DatasetSession* m_session;
    RunScores* m_runs;
    std::vector<std::pair<QPointF, std::size_t>> m_points; // the points' entries
};

} // namespace losslens
