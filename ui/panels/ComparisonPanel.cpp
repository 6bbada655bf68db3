#include "panels/ComparisonPanel.h"
#include "session/DatasetSession.h"
#include "session/RunScores.h"
#include "state/VariantStyle.h"

#include "losslens/loss/LossVariant.h"

#include <QComboBox>
#include <QDockWidget>
#include <QHeaderView>
#include <QScreen>
#include <QScrollBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QValueAxis>

#include <algorithm>

namespace losslens {

namespace {
QString text(const std::string& s) {
    return QString::fromStdString(s);
}

// A chart for a narrow dock: small title and legend, no margins to spare.
void compactChart(QChart* chart) {
    chart->legend()->setAlignment(Qt::AlignBottom);
    QFont font = chart->legend()->font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    chart->legend()->setFont(font);
    chart->setTitleFont(font);
    chart->setMargins(QMargins(2, 2, 2, 2));
}
} // namespace

ComparisonPanel::ComparisonPanel(DatasetSession* session, RunScores* runs, QWidget* parent)
    : QWidget(parent)
    , m_runs(runs) {
    connect(session, &DatasetSession::setChanged, this, [this, session] {
        setComparison(compareVariants(session->setSummary(), classNames(session->classes())));
    });
    auto* layout = new QVBoxLayout(this);
    m_metric = new QComboBox(this);
    m_metric->addItem(tr("Mean loss per class"), static_cast<int>(Metric::ClassMean));
    m_metric->addItem(tr("Share of class pixels let off (penalty removed or > halved)"),
                      static_cast<int>(Metric::ReducedShare));
    m_metric->setToolTip(
        tr("Per class over the whole set: the mean of each variant's map over the class's "
           "pixels, or the share of them it lets off: where the standard loss penalises "
           "(above ln 2) and the variant removes or more than halves the penalty"));
    connect(m_metric, &QComboBox::currentIndexChanged, this, &ComparisonPanel::refresh);
    if (m_runs)
        connect(m_runs, &RunScores::scoresChanged, this, [this] {
            offerRuns();
            if (shownMetric() == Metric::RunMeans)
                refresh();
        });
    layout->addWidget(m_metric);
    // The table and the chart each get the whole panel, one at a time: side by side in a
    // dock of a 768-pixel screen the chart was squeezed to a strip.
    m_views = new QTabWidget(this);
    m_views->setObjectName(QStringLiteral("compareViews"));
    m_views->setDocumentMode(true);
    m_table = new QTableWidget(m_views);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_chartView = new QChartView(m_views);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(150);
    m_views->addTab(m_table, tr("Table"));
    m_views->addTab(m_chartView, tr("Chart"));
    // The chart on demand with the room it needs: the panel floats out of the dock column
    // as a window of its own (double-click its title bar to dock it again).
    auto* popOut = new QToolButton(m_views);
    popOut->setObjectName(QStringLiteral("comparePopOut"));
    popOut->setText(tr("Pop out"));
    popOut->setToolTip(tr("Show Compare in a window of its own, large enough for the chart"));
    popOut->setAutoRaise(true);
    connect(popOut, &QToolButton::clicked, this, [this] {
        for (QWidget* w = parentWidget(); w != nullptr; w = w->parentWidget())
            if (auto* dock = qobject_cast<QDockWidget*>(w)) {
                dock->setFloating(true);
                const QRect screen = dock->screen()->availableGeometry();
                dock->resize(QSize(1000, 640).boundedTo(screen.size() * 0.9));
                dock->move(screen.center() - QPoint(dock->width() / 2, dock->height() / 2));
                dock->raise();
                return;
            }
    });
    m_views->setCornerWidget(popOut, Qt::TopRightCorner);
    layout->addWidget(m_views, 1);
    refresh();
}

void ComparisonPanel::setComparison(VariantComparison comparison) {
    m_comparison = std::move(comparison);
    refresh();
}

void ComparisonPanel::setMetric(Metric metric) {
    m_metric->setCurrentIndex(m_metric->findData(static_cast<int>(metric)));
}

ComparisonPanel::Metric ComparisonPanel::shownMetric() const {
    return static_cast<Metric>(m_metric->currentData().toInt());
}

// The runs view is offered only while the set has several runs.
void ComparisonPanel::offerRuns() {
    const bool several = m_runs && m_runs->runs().size() > 1;
    const int at = m_metric->findData(static_cast<int>(Metric::RunMeans));
    if (several && at < 0)
        m_metric->addItem(tr("Set mean by run"), static_cast<int>(Metric::RunMeans));
    else if (!several && at >= 0)
        m_metric->removeItem(at); // falls back to the first view
}

void ComparisonPanel::refreshRuns() {
    const std::vector<std::string>& runs = m_runs->runs();
    const auto variants = lossVariants();
    const std::string open = m_runs->openRun();
    m_table->clear();
    m_table->setRowCount(static_cast<int>(runs.size()));
    m_table->setColumnCount(static_cast<int>(variants.size()) + 1);
    QStringList headers;
    for (std::size_t v = 0; v < variants.size(); ++v)
        headers << variantLabel(v);
    headers << tr("Samples");
    m_table->setHorizontalHeaderLabels(headers);
    QStringList rowNames;
    auto* chart = new QChart;
    auto* series = new QBarSeries(chart);
    double top = 0.0;
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const QString run = runLabel(text(runs[r]));
        rowNames << (runs[r] == open ? tr("%1 (in view)").arg(run) : run);
        const SetSummary set = m_runs->setSummary(runs[r]);
        auto* bars = new QBarSet(run);
        bars->setColor(runColour(r));
        for (std::size_t v = 0; v < variants.size(); ++v) {
            const double mean = set.mean(v);
            auto* item =
                new QTableWidgetItem(set.samples() > 0 ? QString::number(mean, 'f', 5) : QString());
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(static_cast<int>(r), static_cast<int>(v), item);
            *bars << mean;
            top = std::max(top, mean);
        }
        auto* count = new QTableWidgetItem(QString::number(set.samples()));
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(static_cast<int>(r), static_cast<int>(variants.size()), count);
        series->append(bars);
    }
    m_table->setVerticalHeaderLabels(rowNames);
    chart->addSeries(series);
    auto* axisX = new QBarCategoryAxis(chart);
    for (std::size_t v = 0; v < variants.size(); ++v)
        axisX->append(tr("%1 loss").arg(variantName(v)));
    chart->addAxis(axisX, Qt::AlignBottom);
    series->attachAxis(axisX);
    auto* axisY = new QValueAxis(chart);
    axisY->setRange(0.0, top > 0.0 ? top * 1.1 : 1.0);
    axisY->setTitleText(tr("set mean loss"));
    chart->addAxis(axisY, Qt::AlignLeft);
    series->attachAxis(axisY);
    chart->setTitle(
        m_runs->pending() > 0
            ? tr("Set mean by run and variant (%1 samples still to score)").arg(m_runs->pending())
            : tr("Set mean by run and variant"));
    compactChart(chart);
    QChart* old = m_chartView->chart();
    m_chartView->setChart(chart);
    delete old;
}

void ComparisonPanel::refresh() {
    if (shownMetric() == Metric::RunMeans && m_runs) {
        refreshRuns();
        return;
    }
    const bool share = shownMetric() == Metric::ReducedShare;
    const auto& c = m_comparison;
    // Many classes: only those with pixels in the set get a column and a bar (1,203 columns
    // sized to their contents, rebuilt as each sample is scored, kept the GUI thread busy).
    const std::vector<std::size_t> listed = listedClasses(c);
    const int classes = static_cast<int>(listed.size());
    m_table->clear();
    m_table->setRowCount(static_cast<int>(c.rows.size()));
    m_table->setColumnCount(classes + 1);
    QStringList headers{tr("Set mean")};
    for (const std::size_t k : listed)
        headers << tr("%1 (%2 px)").arg(text(c.classNames[k])).arg(c.classPixels[k]);
    m_table->setHorizontalHeaderLabels(headers);
    QStringList rowNames;
    for (const auto& row : c.rows)
        rowNames << text(row.variant);
    m_table->setVerticalHeaderLabels(rowNames);

    auto* chart = new QChart;
    auto* series = new QBarSeries(chart);
    double top = 0.0;
    for (std::size_t r = 0; r < c.rows.size(); ++r) {
        const auto& row = c.rows[r];
        auto* mean = new QTableWidgetItem(QString::number(row.mean, 'f', 5));
        mean->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(static_cast<int>(r), 0, mean);
        auto* set = new QBarSet(text(row.variant));
        set->setColor(variantColour(findVariant(row.variant).value_or(r)));
        for (int k = 0; k < classes; ++k) {
            const std::size_t kk = listed[static_cast<std::size_t>(k)];
            const double value = share ? 100.0 * row.reducedShare[kk] : row.classMean[kk];
            // No pixel of the class in the set: no value, not a perfect 0.
            const bool none = kk < c.classPixels.size() && c.classPixels[kk] == 0;
            auto* item = new QTableWidgetItem(none    ? tr("n/a")
                                              : share ? QStringLiteral("%1 %").arg(value, 0, 'f', 1)
                                                      : QString::number(value, 'f', 5));
            if (none)
                item->setToolTip(tr("No pixel of this class in the set"));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(static_cast<int>(r), k + 1, item);
            *set << value;
            top = std::max(top, value);
        }
        series->append(set);
    }
    chart->addSeries(series);
    auto* axisX = new QBarCategoryAxis(chart);
    for (const std::size_t k : listed)
        axisX->append(text(c.classNames[k]));
    // Many classes: the names stand up instead of being elided to "...".
    if (listed.size() > 6)
        axisX->setLabelsAngle(-70);
    chart->addAxis(axisX, Qt::AlignBottom);
    series->attachAxis(axisX);
    auto* axisY = new QValueAxis(chart);
    axisY->setRange(0.0, share ? 100.0 : (top > 0.0 ? top * 1.1 : 1.0));
    axisY->setTitleText(share ? tr("% of class pixels") : tr("mean loss"));
    chart->addAxis(axisY, Qt::AlignLeft);
    series->attachAxis(axisY);
    QString title = share ? tr("Pixels let off per class, by variant (whole set)")
                          : tr("Mean loss per class, by variant (whole set)");
    if (listed.size() < c.classNames.size())
        title +=
            tr(": the %1 classes with pixels, of %2").arg(listed.size()).arg(c.classNames.size());
    chart->setTitle(title);
    compactChart(chart);
    QChart* old = m_chartView->chart();
    m_chartView->setChart(chart);
    delete old;
}

} // namespace losslens
